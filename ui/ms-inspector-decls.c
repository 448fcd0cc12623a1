/* ms-inspector-decls.c: the application page's declarations of the
 * user's own (MsDecl): configure keys (`Key.create "name" Key.Arg.(opt
 * bool false (info ...))`) and device types (`type hello = Hello let
 * hello = typ Hello`), created, edited and removed through the
 * document's commands (one undo step each).
 */
#include "ms-inspector-private.h"

#include <string.h>

/* The Cmdliner converters a key of the user's own offers here (any other
 * one read from a config.ml is kept and listed too). */
static const char *const convs[] = { "bool", "string", "int", NULL };

enum { KEY_DOC, KEY_CONV, KEY_DEFAULT };

void
ms_inspector_decls_structure (MsInspector *self, GString *s)
{
  GPtrArray *keys = ms_document_get_decls (self->doc, MS_DECL_KEY);
  GPtrArray *types = ms_document_get_decls (self->doc, MS_DECL_TYPE);

  g_string_append (s, "|ukeys:");
  for (guint i = 0; i < keys->len; i++)
    {
      const MsDecl *k = keys->pdata[i];
      g_string_append_printf (s, "%s/%s;", k->name, k->conv);
    }
  g_string_append (s, "|utypes:");
  for (guint i = 0; i < types->len; i++)
    {
      const MsDecl *t = types->pdata[i];
      g_string_append_printf (s, "%s/%s;", t->name, t->constructor);
    }
  g_ptr_array_unref (keys);
  g_ptr_array_unref (types);
}

/* ---- keys ------------------------------------------------------------------------ */

static char *
get_key_part (Field *f)
{
  const MsDecl *k = ms_document_get_decl (f->self->doc, MS_DECL_KEY, f->key);

  if (k == NULL)
    return NULL;
  switch (f->index)
    {
    case KEY_DOC: return *k->doc ? g_strdup (k->doc) : NULL;
    case KEY_CONV: return g_strdup (k->conv);
    default: return *k->default_value ? g_strdup (k->default_value) : NULL;
    }
}

static gboolean
apply_key_part (Field *f, const char *value, GError **error)
{
  const MsDecl *k = ms_document_get_decl (f->self->doc, MS_DECL_KEY, f->key);
  g_autoptr(MsDecl) n = k ? ms_decl_copy (k) : NULL;
  char **slot;

  if (n == NULL)
    return TRUE;
  slot = f->index == KEY_DOC ? &n->doc : f->index == KEY_CONV ? &n->conv : &n->default_value;
  g_free (*slot);
  *slot = g_strdup (value ? value : "");
  /* a bool key's default follows a change of converter: false, not "" */
  if (f->index == KEY_CONV && g_str_equal (n->conv, "bool") && !g_str_equal (n->default_value, "true"))
    {
      g_free (n->default_value);
      n->default_value = g_strdup ("false");
    }
  return ms_document_set_decl (f->self->doc, n, error);
}

/* A default as config.ml writes it: true/false, a number, a string literal. */
static gboolean
validate_key_default (Field *f, const char *value, char **why)
{
  const MsDecl *k = ms_document_get_decl (f->self->doc, MS_DECL_KEY, f->key);
  gint64 n;
  char *w = NULL;

  if (k == NULL || value == NULL || *value == '\0')
    return TRUE;
  if (g_str_equal (k->conv, "bool") && !g_str_equal (value, "true") && !g_str_equal (value, "false"))
    w = g_strdup (_("A bool key's default is true or false"));
  else if (g_str_equal (k->conv, "int") && !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL))
    w = g_strdup_printf (_("“%s” is not a whole number"), value);
  else if (g_str_equal (k->conv, "string") && (value[0] != '"' || strlen (value) < 2 || value[strlen (value) - 1] != '"'))
    w = g_strdup_printf (_("A string key's default is an OCaml string literal, such as \"%s\""), value);
  if (w != NULL)
    *why = w;
  return w == NULL;
}

static gboolean
apply_key_add (Field *f, const char *value, GError **error)
{
  g_autoptr(MsDecl) k = NULL;
  gboolean ok;

  if (value == NULL)
    return TRUE;
  if (ms_document_get_decl (f->self->doc, MS_DECL_KEY, value) != NULL)
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME,
                   _("The project has a key %s already"), value);
      return FALSE;
    }
  /* a bool flag off by default, as most keys of the user's own are */
  k = ms_decl_new (MS_DECL_KEY, value);
  g_free (k->conv);
  k->conv = g_strdup ("bool");
  g_free (k->default_value);
  k->default_value = g_strdup ("false");
  g_ptr_array_add (k->flags, g_strdup (value));
  ok = ms_document_set_decl (f->self->doc, k, error);
  if (ok)
    ms_inspector_focus_field_later (f->self, "ukey:add");
  return ok;
}

static void
on_decl_remove (GtkButton *button, MsInspector *self)
{
  MsDeclKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-kind"));
  const char *name = g_object_get_data (G_OBJECT (button), "ms-name");
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = g_strdup_printf (kind == MS_DECL_KEY ? _("Removed key %s") : _("Removed type %s"), name);

  if (!ms_document_remove_decl (self->doc, kind, name, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, removed, TRUE);
  ms_inspector_focus_field_later (self, kind == MS_DECL_KEY ? "ukey:add" : "utype:add");
}

static GtkWidget *
remove_button (MsInspector *self, MsDeclKind kind, const char *name)
{
  g_autofree char *tip = g_strdup_printf (kind == MS_DECL_KEY ? _("Remove key %s") : _("Remove type %s"), name);
  GtkWidget *b = ms_inspector_row_button ("list-remove-symbolic", tip,
                                          G_CALLBACK (on_decl_remove), self);

  g_object_set_data (G_OBJECT (b), "ms-kind", GUINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (b), "ms-name", g_strdup (name), g_free);
  return b;
}

static void
add_keys_group (MsInspector *self)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Your Keys"),
                                             _("Configure keys of your own (Key.create): set with "
                                               "mirage configure --NAME, read by choices and devices."));
  GPtrArray *keys = ms_document_get_decls (self->doc, MS_DECL_KEY);
  Field *f;

  for (guint i = 0; i < keys->len; i++)
    {
      const MsDecl *k = keys->pdata[i];
      g_autofree char *flag = ms_decl_key_flag (k);
      g_autofree char *title = g_strdup_printf ("--%s", flag);
      g_autofree char *id_doc = g_strdup_printf ("ukey:%s:doc", k->name);
      g_autofree char *id_conv = g_strdup_printf ("ukey:%s:conv", k->name);
      g_autofree char *id_def = g_strdup_printf ("ukey:%s:default", k->name);
      GtkWidget *row = ms_inspector_info_row (group, title, k->arg_kind);
      g_autoptr(GPtrArray) values = g_ptr_array_new ();

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button (self, MS_DECL_KEY, k->name));

      for (guint c = 0; convs[c] != NULL; c++)
        g_ptr_array_add (values, (gpointer) convs[c]);
      if (!g_strv_contains (convs, k->conv))
        g_ptr_array_add (values, k->conv);
      g_ptr_array_add (values, NULL);
      f = ms_inspector_field_new (self, id_conv, k->name);
      f->index = KEY_CONV;
      f->get = get_key_part;
      f->apply = apply_key_part;
      f->resettable = FALSE;
      ms_inspector_add_combo_row (self, group, f, _("Type"), NULL, (const char *const *) values->pdata, NULL);

      f = ms_inspector_field_new (self, id_def, k->name);
      f->index = KEY_DEFAULT;
      f->get = get_key_part;
      f->apply = apply_key_part;
      f->validate = validate_key_default;
      f->keep_empty = TRUE;
      f->resettable = FALSE;
      f->hint = g_strdup (_("As config.ml writes it: false, 42, \"text\"."));
      ms_inspector_add_entry_row (self, group, f, _("Default"));

      /* the project's value (mirage configure --NAME=...), which choices on the key read */
      {
        g_autofree char *id_val = g_strdup_printf ("ukey:%s:value", k->name);
        g_autofree char *setting = g_strconcat ("key:", k->name, NULL);
        f = ms_inspector_field_new (self, id_val, setting);
        if (g_strv_contains (convs, k->conv))
          f->value_type = g_strdup (k->conv);
        f->get = ms_field_get_setting;
        f->apply = ms_field_apply_setting;
        ms_inspector_add_value_row (self, group, f, _("Value"), k->default_value, NULL);
      }

      f = ms_inspector_field_new (self, id_doc, k->name);
      f->index = KEY_DOC;
      f->get = get_key_part;
      f->apply = apply_key_part;
      f->keep_empty = TRUE;
      f->resettable = FALSE;
      ms_inspector_add_entry_row (self, group, f, _("Description"));
    }
  g_ptr_array_unref (keys);

  f = ms_inspector_field_new (self, "ukey:add", NULL);
  f->apply = apply_key_add;
  f->resettable = FALSE;
  f->hint = g_strdup (_("The key's name, also its flag: letters, digits, - and _."));
  ms_inspector_add_entry_row (self, group, f, _("Add key"));
}

/* ---- device types ---------------------------------------------------------------- */

static gboolean
apply_type_add (Field *f, const char *value, GError **error)
{
  g_autoptr(MsDecl) t = NULL;
  gboolean ok;

  if (value == NULL)
    return TRUE;
  t = ms_decl_new (MS_DECL_TYPE, value);
  g_free (t->constructor);
  t->constructor = g_strdup (value);
  t->constructor[0] = g_ascii_toupper (t->constructor[0]);
  ok = ms_document_set_decl (f->self->doc, t, error);
  if (ok)
    ms_inspector_focus_field_later (f->self, "utype:add");
  return ok;
}

static void
add_types_group (MsInspector *self)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Your Device Types"),
                                             _("Types of your own (type hello = Hello let hello = typ Hello), "
                                               "for the signatures of your devices."));
  GPtrArray *types = ms_document_get_decls (self->doc, MS_DECL_TYPE);
  Field *f;

  for (guint i = 0; i < types->len; i++)
    {
      const MsDecl *t = types->pdata[i];
      g_autofree char *sub = g_strdup_printf ("typ %s", t->constructor);
      GtkWidget *row = ms_inspector_info_row (group, t->name, sub);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button (self, MS_DECL_TYPE, t->name));
    }
  g_ptr_array_unref (types);

  f = ms_inspector_field_new (self, "utype:add", NULL);
  f->apply = apply_type_add;
  f->resettable = FALSE;
  f->hint = g_strdup (_("A lowercase OCaml name, such as hello."));
  ms_inspector_add_entry_row (self, group, f, _("Add device type"));
}

void
ms_inspector_add_decls_groups (MsInspector *self)
{
  add_keys_group (self);
  add_types_group (self);
}
