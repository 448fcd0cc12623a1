/* ms-inspector-choice.c: the inspector page of a choice device
 * (config.ml's `if_impl` / `match_impl`).
 *
 * What the choice decides on (the target, a predicate on it such as
 * Key.is_solo5, or a key of the project), the type of its branches, its
 * cases (one input each, first match wins) and whether it has a default
 * input, and which branch the project's target takes now. Every change
 * copies the device's MsCustom, changes the copy and sets it: one undo
 * step each (a case removed takes its wire with it, in the same step).
 */
#include "ms-inspector-private.h"

#include <string.h>

#include "ms-type.h"

void ms_inspector_add_name_group (MsInspector *self, const MsDevice *d);
void ms_inspector_add_about (MsInspector *self, const char *description);

/* The predicates Mirage derives from the target (MsChoice.predicate). */
static const char *const predicates[] = { "is_solo5", "is_xen", "is_unikraft", "is_unix", NULL };

static const MsDevice *
device (MsInspector *self)
{
  return ms_document_get_device (self->doc, self->device);
}

static MsCustom *
custom_copy (MsInspector *self)
{
  const MsDevice *d = device (self);

  return d && d->custom && d->custom->choice ? ms_custom_copy (d->custom) : NULL;
}

static gboolean
set_custom (MsInspector *self, MsCustom *c, GError **error)
{
  return ms_document_set_custom (self->doc, self->device, c, error);
}

/* ---- condition ------------------------------------------------------------------- */

/* The condition as the combo's value: "target", "is_solo5", "key:NAME". */
static char *
get_condition (Field *f)
{
  const MsDevice *d = device (f->self);
  const MsChoice *ch = d && d->custom ? d->custom->choice : NULL;

  if (ch == NULL)
    return NULL;
  if (ch->predicate != NULL)
    return g_strdup (ch->predicate);
  if (g_str_equal (ch->key, "target"))
    return g_strdup ("target");
  return g_strconcat ("key:", ch->key, NULL);
}

static gboolean
apply_condition (Field *f, const char *value, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f->self);

  if (c == NULL || value == NULL)
    return TRUE;
  g_clear_pointer (&c->choice->predicate, g_free);
  g_free (c->choice->key);
  if (g_str_has_prefix (value, "key:"))
    c->choice->key = g_strdup (value + 4);
  else
    {
      c->choice->key = g_strdup ("target");
      if (g_strv_contains (predicates, value))
        c->choice->predicate = g_strdup (value);
    }
  return set_custom (f->self, c, error);
}

/* ---- the branches' type ---------------------------------------------------------- */

static char *
get_type (Field *f)
{
  const MsDevice *d = device (f->self);

  return d && d->custom ? g_strdup (d->custom->signature) : NULL;
}

static gboolean
validate_type (Field *f, const char *text, char **why)
{
  MsCatalog *cat = ms_document_get_catalog (f->self->doc);
  g_auto(GStrv) own = ms_document_dup_type_names (f->self->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSignature) sig = ms_signature_parse_with (cat, (const char *const *) own, text, &error);

  if (sig != NULL && sig->params->len == 0)
    return TRUE;
  *why = sig == NULL ? g_strdup (error->message)
                     : g_strdup_printf (_("“%s” is a function: a choice's branches have one device type, such as block"), text);
  return FALSE;
}

static gboolean
apply_type (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f->self);

  if (c == NULL || text == NULL)
    return TRUE;
  g_free (c->signature);
  c->signature = g_strdup (text);
  return set_custom (f->self, c, error);
}

/* ---- cases ----------------------------------------------------------------------- */

static gboolean
validate_case (Field *f, const char *text, char **why)
{
  const MsDevice *d = device (f->self);
  const MsChoice *ch = d && d->custom ? d->custom->choice : NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  guint idx;

  if (*stripped == '\0')
    {
      *why = g_strdup (_("A case is a value, such as true, `Hvt or \"disk.img\""));
      return FALSE;
    }
  if (g_str_equal (text, MS_CHOICE_DEFAULT))
    {
      *why = g_strdup (_("“default” is the default input's name: switch it on below instead"));
      return FALSE;
    }
  if (ch != NULL && g_ptr_array_find_with_equal_func (ch->cases, text, g_str_equal, &idx)
      && idx != f->index)
    {
      *why = g_strdup_printf (_("The case %s exists already"), text);
      return FALSE;
    }
  return TRUE;
}

static char *
get_case (Field *f)
{
  const MsDevice *d = device (f->self);
  const MsChoice *ch = d && d->custom ? d->custom->choice : NULL;

  return ch && f->index < ch->cases->len ? g_strdup (ch->cases->pdata[f->index]) : NULL;
}

/* Renaming a case keeps its wire: the input is the same branch. */
static gboolean
apply_case (Field *f, const char *text, GError **error)
{
  MsInspector *self = f->self;
  g_autoptr(MsCustom) c = custom_copy (self);
  g_autofree char *old = NULL;
  guint source;
  gboolean ok;

  if (c == NULL || text == NULL)
    return TRUE;
  if (f->index >= c->choice->cases->len)
    {
      g_ptr_array_add (c->choice->cases, g_strdup (text));
      ok = set_custom (self, c, error);
      if (ok)
        ms_inspector_focus_field_later (self, "case:add");
      return ok;
    }
  old = g_strdup (c->choice->cases->pdata[f->index]);
  if (g_str_equal (old, text))
    return TRUE;
  source = ms_document_get_source (self->doc, self->device, old);
  g_free (c->choice->cases->pdata[f->index]);
  c->choice->cases->pdata[f->index] = g_strdup (text);
  ms_document_begin_group (self->doc, _("Rename case"));
  ok = set_custom (self, c, error);
  if (ok && source != 0)
    ok = ms_document_connect (self->doc, source, self->device, text, error);
  if (!ms_document_end_group (self->doc, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static void
on_case_remove (GtkButton *button, MsInspector *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-index"));
  g_autoptr(MsCustom) c = custom_copy (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = NULL;

  if (c == NULL || i >= c->choice->cases->len)
    return;
  removed = g_strdup_printf (_("Removed case %s"), (const char *) c->choice->cases->pdata[i]);
  g_ptr_array_remove_index (c->choice->cases, i);
  if (!set_custom (self, c, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, removed, TRUE);
  ms_inspector_focus_field_later (self, "case:add");
}

static char *
get_default (Field *f)
{
  const MsDevice *d = device (f->self);

  return d && d->custom && d->custom->choice ? g_strdup (d->custom->choice->has_default ? "true" : "false") : NULL;
}

static gboolean
apply_default (Field *f, const char *value, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f->self);

  if (c == NULL || value == NULL)
    return TRUE;
  c->choice->has_default = g_str_equal (value, "true");
  return set_custom (f->self, c, error);
}

/* ---- the page -------------------------------------------------------------------- */

/* What the page is built from beyond a custom device's: the condition,
 * the cases and the branch taken (the target and key values move it). */
void
ms_inspector_choice_structure (MsInspector *self, const MsDevice *d, GString *s)
{
  const MsChoice *ch = d->custom->choice;
  GPtrArray *keys = ms_document_get_decls (self->doc, MS_DECL_KEY);
  const char *taken = ms_eval_choice_branch (self->doc, NULL, d);

  g_string_append_printf (s, "|choice:%s:%s:%d:", ch->key, ch->predicate ? ch->predicate : "",
                          ch->has_default);
  for (guint i = 0; i < ch->cases->len; i++)
    g_string_append_printf (s, "%s;", (const char *) ch->cases->pdata[i]);
  g_string_append_printf (s, "|taken:%s|keys:", taken ? taken : "");
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (s, "%s;", ((const MsDecl *) keys->pdata[i])->name);
  g_ptr_array_unref (keys);
}

static void
add_condition_group (MsInspector *self, const MsDevice *d)
{
  const MsChoice *ch = d->custom->choice;
  GtkWidget *group = ms_inspector_group_new (self, _("Condition"),
                                             _("What picks the branch when the unikernel is configured."));
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *keys = ms_document_get_decls (self->doc, MS_DECL_KEY);
  const char *branch = ms_eval_choice_branch (self->doc, NULL, d);
  g_autofree char *value = ms_eval_condition_value (self->doc, NULL, ch);
  g_autofree char *taken = NULL;
  Field *f;

  g_ptr_array_add (values, g_strdup ("target"));
  g_ptr_array_add (labels, g_strdup (_("The target (Key.value target)")));
  for (guint i = 0; predicates[i] != NULL; i++)
    {
      g_ptr_array_add (values, g_strdup (predicates[i]));
      g_ptr_array_add (labels, g_strdup_printf ("Key.%s", predicates[i]));
    }
  for (guint i = 0; i < keys->len; i++)
    {
      const MsDecl *k = keys->pdata[i];
      g_ptr_array_add (values, g_strconcat ("key:", k->name, NULL));
      /* TRANSLATORS: a configure key of the project's own as a choice's condition */
      g_ptr_array_add (labels, g_strdup_printf (_("Key %s"), k->name));
    }
  /* a key the project does not declare (yet) stays choosable */
  if (ch->predicate == NULL && !g_str_equal (ch->key, "target")
      && ms_document_get_decl (self->doc, MS_DECL_KEY, ch->key) == NULL)
    {
      g_ptr_array_add (values, g_strconcat ("key:", ch->key, NULL));
      g_ptr_array_add (labels, g_strdup_printf (_("Key %s"), ch->key));
    }
  g_ptr_array_unref (keys);
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (labels, NULL);

  f = ms_inspector_field_new (self, "choice:condition", "choice");
  f->get = get_condition;
  f->apply = apply_condition;
  f->resettable = FALSE;
  ms_inspector_add_combo_row (self, group, f, _("Decides on"), NULL,
                              (const char *const *) values->pdata, (const char *const *) labels->pdata);

  f = ms_inspector_field_new (self, "signature", "signature");
  f->get = get_type;
  f->apply = apply_type;
  f->validate = validate_type;
  f->resettable = FALSE;
  f->hint = g_strdup (_("The device type of every branch and of the choice itself, e.g. block or kv_ro."));
  ms_inspector_add_entry_row (self, group, f, _("Type"));

  /* TRANSLATORS: the project's target and key values make the condition
   * this value; the choice then takes that input */
  taken = branch != NULL
    ? g_strdup_printf (_("%s now (the condition is %s)"), branch, value ? value : "?")
    : g_strdup_printf (_("None: no case matches %s and there is no default"), value ? value : "?");
  ms_inspector_info_row (group, _("Branch taken"), taken);
}

static void
add_cases_group (MsInspector *self, const MsDevice *d)
{
  const MsChoice *ch = d->custom->choice;
  GtkWidget *group = ms_inspector_group_new (self, _("Cases"),
                                             _("One input each, tried in order: the first whose value the "
                                               "condition has is taken (true, false, `Hvt, \"disk.img\")."));
  GtkWidget *row, *sw;
  Field *f;

  for (guint i = 0; i < ch->cases->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("case:%u", i);
      g_autofree char *title = g_strdup_printf (_("Case %u"), i + 1);
      g_autofree char *tip = g_strdup_printf (_("Remove case %s"), (const char *) ch->cases->pdata[i]);
      GtkWidget *b = ms_inspector_row_button ("list-remove-symbolic", tip,
                                              G_CALLBACK (on_case_remove), self);

      f = ms_inspector_field_new (self, id, "choice");
      f->index = i;
      f->get = get_case;
      f->apply = apply_case;
      f->validate = validate_case;
      f->resettable = FALSE;
      row = ms_inspector_add_entry_row (self, group, f, title);
      g_object_set_data (G_OBJECT (b), "ms-index", GUINT_TO_POINTER (i));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), b);
    }
  f = ms_inspector_field_new (self, "case:add", "choice");
  f->index = G_MAXUINT;
  f->apply = apply_case;
  f->validate = validate_case;
  f->resettable = FALSE;
  f->hint = g_strdup (_("A value of the condition: true or false for a predicate or a bool key, `Hvt for the target."));
  ms_inspector_add_entry_row (self, group, f, _("Add case"));

  f = ms_inspector_field_new (self, "choice:default", "choice");
  f->get = get_default;
  f->apply = apply_default;
  f->resettable = FALSE;
  row = adw_action_row_new ();
  ms_row_set_title (row, _("Default input"));
  ms_row_set_subtitle (row, _("Taken when no case matches (match_impl's ~default)"));
  sw = gtk_check_button_new ();
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  ms_inspector_field_attach_check (f, row, sw);
}

void
ms_inspector_build_choice (MsInspector *self, const MsDevice *d)
{
  ms_inspector_add_name_group (self, d);
  if (d->def != NULL)
    ms_inspector_add_about (self, d->def->summary);
  add_condition_group (self, d);
  add_cases_group (self, d);
}
