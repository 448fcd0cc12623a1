/* ms-inspector-main.c: the inspector page of a main (or impl) device.
 *
 * What config.ml's `main ~packages ~runtime_args "Module" signature`
 * carries: the module path, the signature as a list of typed parameters,
 * packages and user-declared runtime arguments. Every change copies the
 * device's MsCustom, changes the copy and sets it: one undo step each.
 */
#include "ms-inspector-private.h"

#include <string.h>

#include "ms-export.h"
#include "ms-type.h"
#include "ms-value.h"

void ms_inspector_add_name_group (MsInspector *self, const MsDevice *d);
void ms_inspector_add_inputs_group (MsInspector *self, const MsDevice *d);
void ms_inspector_add_about (MsInspector *self, const char *description);

/* The value types a user-declared runtime argument may have. */
static const char *const arg_types[] = {
  "string", "int", "int64", "bool", "port", "ipv4", "ipv6", "ip", "ipv4_prefix",
  "ipv6_prefix", "nameserver", "ssh_key", "ssh_authenticator", "tls_authenticator",
  "log_level", "log_thresholds", "headers", "list:string", "list:ipv4", "list:nameserver",
  NULL,
};

static const MsDevice *
device (Field *f)
{
  return ms_document_get_device (f->self->doc, f->self->device);
}

static MsCustom *
custom_copy (Field *f)
{
  const MsDevice *d = device (f);

  return d && d->custom ? ms_custom_copy (d->custom) : NULL;
}

static gboolean
set_custom (MsInspector *self, MsCustom *c, GError **error)
{
  return ms_document_set_custom (self->doc, self->device, c, error);
}

/* ---- module ---------------------------------------------------------------------- */

static char *
get_module (Field *f)
{
  const MsDevice *d = device (f);

  return d && d->custom ? g_strdup (d->custom->module) : NULL;
}

static gboolean
validate_module (Field *f, const char *text, char **why)
{
  if (ms_export_module_path_is_valid (text))
    return TRUE;
  *why = g_strdup_printf (_("“%s” is not an OCaml module path: capitalised names separated by dots, such as Unikernel.Main"),
                          text);
  return FALSE;
}

static gboolean
apply_module (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f);

  if (c == NULL)
    return TRUE;
  g_free (c->module);
  c->module = g_strdup (text ? text : "");
  return set_custom (f->self, c, error);
}

/* ---- signature ------------------------------------------------------------------- */

/* "a @-> b @-> job" -> {"a", "b", "job"} */
static GStrv
signature_parts (const char *sig)
{
  g_auto(GStrv) raw = g_strsplit (sig ? sig : "", "@->", -1);
  GPtrArray *parts = g_ptr_array_new ();

  for (guint i = 0; raw[i]; i++)
    g_ptr_array_add (parts, g_strstrip (g_strdup (raw[i])));
  g_ptr_array_add (parts, NULL);
  return (GStrv) g_ptr_array_free (parts, FALSE);
}

static char *
signature_join (GStrv parts)
{
  return g_strjoinv (" @-> ", parts);
}

static gboolean
apply_parts (MsInspector *self, GStrv parts, GError **error)
{
  const MsDevice *d = ms_document_get_device (self->doc, self->device);
  g_autoptr(MsCustom) c = d && d->custom ? ms_custom_copy (d->custom) : NULL;

  if (c == NULL)
    return TRUE;
  g_free (c->signature);
  c->signature = signature_join (parts);
  return set_custom (self, c, error);
}

static char *
get_signature (Field *f)
{
  const MsDevice *d = device (f);

  return d && d->custom ? g_strdup (d->custom->signature) : NULL;
}

static gboolean
validate_signature (Field *f, const char *text, char **why)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) own = ms_document_dup_type_names (f->self->doc);
  g_autoptr(MsSignature) sig = ms_signature_parse_with (ms_document_get_catalog (f->self->doc),
                                                        (const char *const *) own, text, &error);

  if (sig == NULL)
    *why = g_strdup (error->message);
  return sig != NULL;
}

static gboolean
apply_signature (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f);

  if (c == NULL)
    return TRUE;
  g_free (c->signature);
  c->signature = g_strdup (text ? text : "");
  return set_custom (f->self, c, error);
}

/* Field index: the parameter's position; G_MAXUINT for the result. */
static char *
get_part (Field *f)
{
  g_autofree char *sig = get_signature (f);
  g_auto(GStrv) parts = signature_parts (sig);
  guint n = g_strv_length (parts);
  guint i = f->index == G_MAXUINT ? n - 1 : f->index;

  return n > 0 && i < n ? g_strdup (parts[i]) : NULL;
}

static gboolean
apply_part (Field *f, const char *type, GError **error)
{
  g_autofree char *sig = get_signature (f);
  g_auto(GStrv) parts = signature_parts (sig);
  guint n = g_strv_length (parts);
  guint i = f->index == G_MAXUINT ? n - 1 : f->index;

  if (type == NULL || i >= n)
    return TRUE;
  g_free (parts[i]);
  parts[i] = g_strdup (type);
  return apply_parts (f->self, parts, error);
}

typedef enum { SIG_UP, SIG_DOWN, SIG_REMOVE } SigOp;

static void
on_sig_button (GtkButton *button, Field *f)
{
  SigOp op = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "ms-op"));
  g_autofree char *sig = get_signature (f);
  g_auto(GStrv) parts = signature_parts (sig);
  guint n = g_strv_length (parts);
  guint i = f->index;
  g_autoptr(GError) error = NULL;
  g_autofree char *focus = NULL;
  g_autofree char *removed = NULL;

  if (n < 2 || i >= n - 1)
    return;
  if (op == SIG_UP && i > 0)
    {
      char *t = parts[i - 1];
      parts[i - 1] = parts[i];
      parts[i] = t;
      focus = g_strdup_printf ("sig:%u", i - 1);
    }
  else if (op == SIG_DOWN && i + 2 < n)
    {
      char *t = parts[i + 1];
      parts[i + 1] = parts[i];
      parts[i] = t;
      focus = g_strdup_printf ("sig:%u", i + 1);
    }
  else if (op == SIG_REMOVE)
    {
      removed = g_strdup_printf (_("Removed argument %u (%s)"), i + 1, parts[i]);
      g_free (parts[i]);
      memmove (parts + i, parts + i + 1, (n - i) * sizeof (char *));
      focus = g_strdup ("sig:add");
    }
  else
    return;
  {
    MsInspector *self = f->self;   /* f goes away with the rebuild */
    if (!apply_parts (self, parts, &error))
      ms_inspector_report (self, NULL, error);
    else if (removed != NULL)
      ms_inspector_toast (self, removed, TRUE);
    ms_inspector_focus_field_later (self, focus);
  }
}

static const char *
default_param_type (MsCatalog *cat)
{
  return ms_catalog_lookup_type (cat, "stackv4v6") ? "stackv4v6" : "job";
}

static void
on_sig_add (AdwActionRow *row, MsInspector *self)
{
  const MsDevice *d = ms_document_get_device (self->doc, self->device);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) next = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  guint n;
  g_autofree char *focus = NULL;

  if (d == NULL || d->custom == NULL)
    return;
  parts = signature_parts (d->custom->signature);
  n = g_strv_length (parts);
  for (guint i = 0; i + 1 < n; i++)
    g_ptr_array_add (next, parts[i]);
  g_ptr_array_add (next, (char *) default_param_type (ms_document_get_catalog (self->doc)));
  g_ptr_array_add (next, n > 0 ? parts[n - 1] : "job");
  g_ptr_array_add (next, NULL);
  if (!apply_parts (self, (GStrv) next->pdata, &error))
    ms_inspector_report (self, NULL, error);
  focus = g_strdup_printf ("sig:%u", n > 0 ? n - 1 : 0);
  ms_inspector_focus_field_later (self, focus);
}

static GtkWidget *
icon_button (const char *icon, const char *tip, SigOp op, Field *f, gboolean sensitive)
{
  GtkWidget *b = ms_inspector_row_button (icon, tip, G_CALLBACK (on_sig_button), f);

  gtk_widget_set_sensitive (b, sensitive);
  g_object_set_data (G_OBJECT (b), "ms-op", GINT_TO_POINTER (op));
  return b;
}

/* Module types offered in signatures: the catalog's, without internal ones,
 * the project's own device types, plus whatever the signature already
 * uses ("'a tcp"). */
static GStrv
type_choices (MsDocument *doc, MsCatalog *cat, GStrv parts)
{
  GPtrArray *types = ms_catalog_get_types (cat);
  GPtrArray *out = g_ptr_array_new ();
  g_auto(GStrv) own = ms_document_dup_type_names (doc);

  for (guint i = 0; i < types->len; i++)
    {
      const MsModuleType *t = types->pdata[i];
      if (!t->internal)
        g_ptr_array_add (out, g_strdup (t->name));
    }
  for (guint i = 0; own && own[i]; i++)
    if (!g_ptr_array_find_with_equal_func (out, own[i], g_str_equal, NULL))
      g_ptr_array_add (out, g_strdup (own[i]));
  for (guint i = 0; parts && parts[i]; i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < out->len && !found; j++)
        found = g_str_equal (out->pdata[j], parts[i]);
      if (!found && *parts[i])
        g_ptr_array_add (out, g_strdup (parts[i]));
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

static void
add_signature_group (MsInspector *self, const MsDevice *d)
{
  MsCatalog *cat = ms_document_get_catalog (self->doc);
  GtkWidget *group = ms_inspector_group_new (self, _("Signature"),
                                             _("The functor's parameters, in the order of the inputs, and the type it makes."));
  g_auto(GStrv) parts = signature_parts (d->custom->signature);
  g_auto(GStrv) choices = type_choices (self->doc, cat, parts);
  g_auto(GStrv) own = ms_document_dup_type_names (self->doc);
  g_autoptr(MsSignature) sig = ms_signature_parse_with (cat, (const char *const *) own, d->custom->signature, NULL);
  guint n = g_strv_length (parts);
  Field *f;
  GtkWidget *row;

  f = ms_inspector_field_new (self, "signature", "signature");
  f->get = get_signature;
  f->apply = apply_signature;
  f->validate = validate_signature;
  f->keep_empty = TRUE;
  f->resettable = FALSE;
  f->hint = g_strdup (_("As written in config.ml, e.g. stackv4v6 @-> kv_ro @-> job."));
  ms_inspector_add_entry_row (self, group, f, _("Signature"));

  /* the structured editor needs a signature it can read */
  if (sig == NULL || n == 0)
    return;
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("sig:%u", i);
      g_autofree char *title = g_strdup_printf (_("Argument %u"), i + 1);
      GtkWidget *combo;

      f = ms_inspector_field_new (self, id, "signature");
      f->index = i;
      f->get = get_part;
      f->apply = apply_part;
      f->resettable = FALSE;
      combo = ms_inspector_add_combo_row (self, group, f, title, NULL,
                                          (const char *const *) choices, NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (combo),
                                 icon_button ("go-up-symbolic", _("Move up"), SIG_UP, f, i > 0));
      adw_action_row_add_suffix (ADW_ACTION_ROW (combo),
                                 icon_button ("go-down-symbolic", _("Move down"), SIG_DOWN, f, i + 2 < n));
      adw_action_row_add_suffix (ADW_ACTION_ROW (combo),
                                 icon_button ("list-remove-symbolic", _("Remove argument"), SIG_REMOVE, f, TRUE));
    }

  f = ms_inspector_field_new (self, "sig:add", NULL);
  f->resettable = FALSE;
  row = adw_action_row_new ();
  ms_row_set_title (row, _("Add argument"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect (row, "activated", G_CALLBACK (on_sig_add), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  f->row = f->editor = row;

  f = ms_inspector_field_new (self, "sig:result", "signature");
  f->index = G_MAXUINT;
  f->get = get_part;
  f->apply = apply_part;
  f->resettable = FALSE;
  ms_inspector_add_combo_row (self, group, f, _("Result"), _("The type of the device; job for a unikernel"),
                              (const char *const *) choices, NULL);
}

/* ---- packages -------------------------------------------------------------------- */

static gboolean
validate_package (Field *f, const char *text, char **why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsPackage) p = ms_package_parse (text, &error);

  if (p == NULL)
    *why = g_strdup (error->message);
  return p != NULL;
}

/* A package of the same name is replaced: that is how bounds are edited. */
static gboolean
apply_package (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f);
  MsPackage *p;

  if (c == NULL || text == NULL)
    return TRUE;
  if (!(p = ms_package_parse (text, error)))
    return FALSE;
  for (guint i = 0; i < c->packages->len; i++)
    if (g_str_equal (((MsPackage *) c->packages->pdata[i])->name, p->name))
      {
        g_ptr_array_remove_index (c->packages, i);
        g_ptr_array_insert (c->packages, i, p);
        p = NULL;
        break;
      }
  if (p != NULL)
    g_ptr_array_add (c->packages, p);
  return set_custom (f->self, c, error);
}

static void
on_package_remove (GtkButton *button, MsInspector *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-index"));
  const MsDevice *d = ms_document_get_device (self->doc, self->device);
  g_autoptr(MsCustom) c = d && d->custom ? ms_custom_copy (d->custom) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = NULL;

  if (c == NULL || i >= c->packages->len)
    return;
  removed = g_strdup_printf (_("Removed package %s"), ((MsPackage *) c->packages->pdata[i])->name);
  g_ptr_array_remove_index (c->packages, i);
  if (!set_custom (self, c, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, removed, TRUE);
  ms_inspector_focus_field_later (self, "packages:add");
}

static void
add_packages_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Packages"),
                                             _("Extra opam packages, e.g. “duration” or “mirage-kv >= 6.0.0 < 7.0.0”."));
  Field *f;

  for (guint i = 0; i < d->custom->packages->len; i++)
    {
      g_autofree char *text = ms_package_to_string (d->custom->packages->pdata[i]);
      g_autofree char *tip = g_strdup_printf (_("Remove %s"), ((MsPackage *) d->custom->packages->pdata[i])->name);
      GtkWidget *row = ms_inspector_info_row (group, text, NULL);
      GtkWidget *b = ms_inspector_row_button ("list-remove-symbolic", tip,
                                              G_CALLBACK (on_package_remove), self);

      g_object_set_data (G_OBJECT (b), "ms-index", GUINT_TO_POINTER (i));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
    }
  f = ms_inspector_field_new (self, "packages:add", NULL);
  f->validate = validate_package;
  f->apply = apply_package;
  f->resettable = FALSE;
  f->hint = g_strdup (_("A name, optionally with bounds: name >= 1.0.0 < 2.0.0."));
  ms_inspector_add_entry_row (self, group, f, _("Add package"));
}

/* ---- runtime arguments ----------------------------------------------------------- */

enum { RA_NAME, RA_TYPE, RA_DEFAULT, RA_DOC };

static const MsArgDecl *
arg_at (Field *f)
{
  const MsDevice *d = device (f);

  return d && d->custom && f->index / 4 < d->custom->runtime_args->len
    ? d->custom->runtime_args->pdata[f->index / 4] : NULL;
}

static char *
get_arg_part (Field *f)
{
  const MsArgDecl *a = arg_at (f);

  if (a == NULL)
    return NULL;
  switch (f->index % 4)
    {
    case RA_NAME: return g_strdup (a->name);
    case RA_TYPE: return g_strdup (a->type);
    case RA_DEFAULT: return a->default_value && *a->default_value ? g_strdup (a->default_value) : NULL;
    default: return a->doc && *a->doc ? g_strdup (a->doc) : NULL;
    }
}

/* As the check wants it: it becomes --NAME on the command line. */
static gboolean
flag_is_valid (const char *s)
{
  if (s == NULL || !g_ascii_islower (s[0]))
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
validate_arg_part (Field *f, const char *text, char **why)
{
  const MsArgDecl *a = arg_at (f);
  const MsDevice *d = device (f);

  switch (f->index % 4)
    {
    case RA_NAME:
      if (!flag_is_valid (text))
        {
          *why = g_strdup_printf (_("“%s” is not a runtime argument name: lowercase letters, digits, - and _, starting with a letter"), text);
          return FALSE;
        }
      for (guint i = 0; d && i < d->custom->runtime_args->len; i++)
        if (i != f->index / 4 && g_str_equal (((MsArgDecl *) d->custom->runtime_args->pdata[i])->name, text))
          {
            *why = g_strdup_printf (_("There is already a runtime argument --%s"), text);
            return FALSE;
          }
      return TRUE;
    case RA_DEFAULT:
      return a == NULL || ms_value_check (a->type, text, why);
    default:
      return TRUE;
    }
}

static gboolean
apply_arg_part (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f);
  MsArgDecl *a;

  if (c == NULL || f->index / 4 >= c->runtime_args->len)
    return TRUE;
  a = c->runtime_args->pdata[f->index / 4];
  switch (f->index % 4)
    {
    case RA_NAME:
      g_free (a->name);
      a->name = g_strdup (text ? text : "");
      break;
    case RA_TYPE:
      if (text == NULL)
        return TRUE;
      g_free (a->type);
      a->type = g_strdup (text);
      break;
    case RA_DEFAULT:
      g_free (a->default_value);
      a->default_value = g_strdup (text ? text : "");
      break;
    default:
      g_free (a->doc);
      a->doc = g_strdup (text ? text : "");
    }
  return set_custom (f->self, c, error);
}

static void
on_arg_remove (GtkButton *button, MsInspector *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-index"));
  const MsDevice *d = ms_document_get_device (self->doc, self->device);
  g_autoptr(MsCustom) c = d && d->custom ? ms_custom_copy (d->custom) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = NULL;

  if (c == NULL || i >= c->runtime_args->len)
    return;
  removed = g_strdup_printf (_("Removed runtime argument --%s"), ((MsArgDecl *) c->runtime_args->pdata[i])->name);
  g_ptr_array_remove_index (c->runtime_args, i);
  if (!set_custom (self, c, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, removed, TRUE);
  ms_inspector_focus_field_later (self, "args:add");
}

static void
on_arg_add (AdwActionRow *row, MsInspector *self)
{
  const MsDevice *d = ms_document_get_device (self->doc, self->device);
  g_autoptr(MsCustom) c = d && d->custom ? ms_custom_copy (d->custom) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *focus = NULL;

  if (c == NULL)
    return;
  for (guint n = 1; name == NULL; n++)
    {
      gboolean taken = FALSE;
      char *cand = n == 1 ? g_strdup ("arg") : g_strdup_printf ("arg%u", n);
      for (guint i = 0; i < c->runtime_args->len && !taken; i++)
        taken = g_str_equal (((MsArgDecl *) c->runtime_args->pdata[i])->name, cand);
      if (taken)
        g_free (cand);
      else
        name = cand;
    }
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new (name, "string", "", ""));
  focus = g_strdup_printf ("args:%u:name", c->runtime_args->len - 1);
  if (!set_custom (self, c, &error))
    ms_inspector_report (self, NULL, error);
  ms_inspector_focus_field_later (self, focus);
}

static void
add_args_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group, *row;
  Field *f;

  for (guint i = 0; i < d->custom->runtime_args->len; i++)
    {
      const MsArgDecl *a = d->custom->runtime_args->pdata[i];
      g_autofree char *title = g_strdup_printf ("--%s", a->name);
      g_autofree char *tip = g_strdup_printf (_("Remove --%s"), a->name);
      g_autofree char *id = NULL;
      GtkWidget *b = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gboolean known = FALSE;

      group = ms_inspector_group_new (self, title, i == 0 ? _("Runtime arguments your unikernel declares.") : NULL);
      gtk_widget_add_css_class (b, "flat");
      gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (b, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      g_object_set_data (G_OBJECT (b), "ms-index", GUINT_TO_POINTER (i));
      g_signal_connect (b, "clicked", G_CALLBACK (on_arg_remove), self);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), b);

      id = g_strdup_printf ("args:%u:name", i);
      f = ms_inspector_field_new (self, id, "args");
      f->index = i * 4 + RA_NAME;
      f->get = get_arg_part;
      f->apply = apply_arg_part;
      f->validate = validate_arg_part;
      f->keep_empty = TRUE;
      f->resettable = FALSE;
      ms_inspector_add_entry_row (self, group, f, _("Name"));

      g_free (id);
      id = g_strdup_printf ("args:%u:type", i);
      f = ms_inspector_field_new (self, id, "args");
      f->index = i * 4 + RA_TYPE;
      f->get = get_arg_part;
      f->apply = apply_arg_part;
      f->resettable = FALSE;
      for (guint j = 0; arg_types[j]; j++)
        known |= g_str_equal (arg_types[j], a->type);
      if (known)
        ms_inspector_add_combo_row (self, group, f, _("Type"), NULL, arg_types, NULL);
      else
        {
          const char *const mine[] = { a->type, NULL };
          g_auto(GStrv) all = g_strdupv ((char **) arg_types);
          g_autoptr(GStrvBuilder) b2 = g_strv_builder_new ();
          g_strv_builder_addv (b2, (const char **) all);
          g_strv_builder_addv (b2, (const char **) mine);
          g_auto(GStrv) list = g_strv_builder_end (b2);
          ms_inspector_add_combo_row (self, group, f, _("Type"), NULL, (const char *const *) list, NULL);
        }

      g_free (id);
      id = g_strdup_printf ("args:%u:default", i);
      f = ms_inspector_field_new (self, id, "args");
      f->index = i * 4 + RA_DEFAULT;
      f->get = get_arg_part;
      f->apply = apply_arg_part;
      f->validate = validate_arg_part;
      f->resettable = FALSE;
      f->hint = ms_inspector_value_hint (a->type, NULL, _("Empty: no default (the argument is optional)."));
      ms_inspector_add_entry_row (self, group, f, _("Default"));

      g_free (id);
      id = g_strdup_printf ("args:%u:doc", i);
      f = ms_inspector_field_new (self, id, "args");
      f->index = i * 4 + RA_DOC;
      f->get = get_arg_part;
      f->apply = apply_arg_part;
      f->resettable = FALSE;
      ms_inspector_add_entry_row (self, group, f, _("Documentation"));
    }

  group = ms_inspector_group_new (self, d->custom->runtime_args->len ? NULL : _("Runtime arguments"),
                                  d->custom->runtime_args->len ? NULL
                                  : _("Command-line arguments your unikernel declares, e.g. --port."));
  f = ms_inspector_field_new (self, "args:add", NULL);
  f->resettable = FALSE;
  row = adw_action_row_new ();
  ms_row_set_title (row, _("Add runtime argument"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect (row, "activated", G_CALLBACK (on_arg_add), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  f->row = f->editor = row;
}

/* ---- the page -------------------------------------------------------------------- */

void
ms_inspector_build_main (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group;
  Field *f;

  ms_inspector_add_name_group (self, d);

  if (d->def != NULL)
    ms_inspector_add_about (self, d->def->description);
  group = ms_inspector_group_new (self, _("Module"), NULL);
  f = ms_inspector_field_new (self, "module", "module");
  f->get = get_module;
  f->apply = apply_module;
  f->validate = validate_module;
  f->keep_empty = TRUE;
  f->resettable = FALSE;
  f->hint = g_strdup (_("The OCaml module or functor that holds start, e.g. Unikernel.Main."));
  ms_inspector_add_entry_row (self, group, f, _("Module"));

  add_signature_group (self, d);
  ms_inspector_add_inputs_group (self, d);
  if (g_str_equal (d->ctor, "impl"))
    ms_inspector_add_connect_group (self, d);
  add_packages_group (self, d);
  ms_inspector_add_resolved_group (self, d);
  add_args_group (self, d);
  if (g_str_equal (d->ctor, "main"))
    ms_inspector_add_local_libs_group (self, d);

  ms_inspector_add_deps_group (self, d);
}
