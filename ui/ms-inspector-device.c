/* ms-inspector-device.c: the inspector page of a catalog device.
 *
 * Name, constructor and its documentation, options with typed editors,
 * inputs and what feeds them, the keys and runtime arguments the device
 * introduces, and the packages it adds. Also the pieces the main-node
 * page shares (name row, inputs).
 */
#include "ms-inspector-private.h"

#include <string.h>

#include "ms-palette.h"

/* ---- name ------------------------------------------------------------------------ */

static char *
get_name (Field *f)
{
  const MsDevice *d = ms_document_get_device (f->self->doc, f->self->device);

  return d ? g_strdup (d->name) : NULL;
}

static gboolean
validate_name (Field *f, const char *name, char **why)
{
  MsDocument *doc = f->self->doc;
  const MsDevice *other;

  if (!ms_device_name_is_valid (name, why))
    return FALSE;
  if (ms_catalog_name_is_taken (ms_document_get_catalog (doc), name))
    {
      *why = g_strdup_printf (_("“%s” would hide Mirage's own %s in config.ml"), name, name);
      return FALSE;
    }
  other = ms_document_find_device (doc, name);
  if (other != NULL && other->id != f->self->device)
    {
      *why = g_strdup_printf (_("There is already a device named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_name (Field *f, const char *name, GError **error)
{
  return ms_document_rename_device (f->self->doc, f->self->device, name ? name : "", error);
}

void ms_inspector_add_name_group (MsInspector *self, const MsDevice *d);

void
ms_inspector_add_name_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Device"), NULL);
  Field *f = ms_inspector_field_new (self, "name", "name");
  const MsConstructor *ctor = d->def;
  GtkWidget *row;

  f->get = get_name;
  f->apply = apply_name;
  f->validate = validate_name;
  f->keep_empty = TRUE;
  f->resettable = FALSE;
  f->hint = g_strdup (_("The OCaml value name of the device in config.ml."));
  ms_inspector_add_entry_row (self, group, f, _("Name"));

  row = ms_inspector_info_row (group, d->ctor, ctor && ctor->summary ? ctor->summary : NULL);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (ctor == NULL)
    ms_row_set_subtitle (row, _("This constructor is not in the catalog."));
  else if (ctor->result != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               ms_palette_type_pill_new (ms_document_get_catalog (self->doc), ctor->result));
  if (ctor != NULL && ctor->deprecated != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      row = ms_inspector_info_row (group, _("Deprecated"), ctor->deprecated);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
}

void ms_inspector_add_about (MsInspector *self, const char *description);

/* The constructor's description: our words, in a plain label (group
 * descriptions would take it as markup). */
void
ms_inspector_add_about (MsInspector *self, const char *description)
{
  GtkWidget *group, *label;

  if (description == NULL || *description == '\0')
    return;
  group = ms_inspector_group_new (self, _("About"), NULL);
  label = gtk_label_new (description);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
}

/* ---- inputs ---------------------------------------------------------------------- */

static void
append_inputs_key (MsInspector *self, const MsDevice *d, GString *s)
{
  g_autoptr(MsDeviceTypes) types = ms_check_device_types (self->doc, d->id);

  g_string_append (s, "|in:");
  for (guint i = 0; types && i < types->inputs->len; i++)
    {
      const MsPortType *p = types->inputs->pdata[i];
      guint src = ms_document_get_source (self->doc, d->id, p->param);
      const MsDevice *sd = src ? ms_document_get_device (self->doc, src) : NULL;
      g_string_append_printf (s, "%s:%s:%d:%s,", p->param, p->type, p->optional, sd ? sd->name : "");
    }
  if (types)
    g_string_append_printf (s, "->%s", types->result);
}

void ms_inspector_add_inputs_group (MsInspector *self, const MsDevice *d);

void
ms_inspector_add_inputs_group (MsInspector *self, const MsDevice *d)
{
  g_autoptr(MsDeviceTypes) types = ms_check_device_types (self->doc, d->id);
  GtkWidget *group;

  if (types == NULL || types->inputs->len == 0)
    return;
  group = ms_inspector_group_new (self, _("Inputs"),
                                  _("Connect devices to these inputs on the canvas."));
  for (guint i = 0; i < types->inputs->len; i++)
    {
      const MsPortType *p = types->inputs->pdata[i];
      guint src = ms_document_get_source (self->doc, d->id, p->param);
      const MsDevice *sd = src ? ms_document_get_device (self->doc, src) : NULL;
      g_autofree char *title = d->custom ? g_strdup_printf (_("Argument %s"), p->param) : g_strdup (p->param);
      g_autofree char *sub = p->optional ? g_strdup_printf (_("%s, optional"), p->type) : g_strdup (p->type);
      const MsArgument *a = d->def ? ms_constructor_find_param (d->def, p->param) : NULL;
      GtkWidget *row = ms_inspector_info_row (group, title, sub);
      GtkWidget *label = gtk_label_new (sd ? sd->name : (p->optional ? _("Not connected") : _("Missing")));

      if (a && a->doc)
        gtk_widget_set_tooltip_text (row, a->doc);
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      if (sd == NULL)
        gtk_widget_add_css_class (label, p->optional ? "dim-label" : "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
}

/* ---- runtime arguments the project declares ------------------------------------ */

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Names of the runtime arguments main and impl devices declare with value
 * type type ("int" for an option of type "arg:int"), sorted, unique. */
static GPtrArray *
declared_args (MsDocument *doc, const char *type)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      for (guint j = 0; d->custom != NULL && j < d->custom->runtime_args->len; j++)
        {
          const MsArgDecl *a = d->custom->runtime_args->pdata[j];
          gboolean seen = FALSE;
          if (g_strcmp0 (a->type, type) != 0 || a->name == NULL || *a->name == '\0')
            continue;
          for (guint k = 0; k < names->len && !seen; k++)
            seen = g_str_equal (names->pdata[k], a->name);
          if (!seen)
            g_ptr_array_add (names, a->name);
        }
    }
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* A drop-down of the declared runtime arguments of the option's type,
 * "none" first. */
static void
add_arg_choice_row (MsInspector *self, GtkWidget *group, Field *f, const MsArgument *a,
                    const MsDevice *d, GPtrArray *names, const char *doc)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  const char *current = ms_device_get_option (d, a->name);
  gboolean listed = current == NULL;

  g_ptr_array_add (values, "");
  g_ptr_array_add (labels, g_strdup (_("None")));
  for (guint i = 0; i < names->len; i++)
    {
      g_ptr_array_add (values, names->pdata[i]);
      g_ptr_array_add (labels, g_strdup_printf ("--%s", (char *) names->pdata[i]));
      listed |= g_strcmp0 (current, names->pdata[i]) == 0;
    }
  if (!listed)
    {
      g_ptr_array_add (values, (char *) current);
      g_ptr_array_add (labels, g_strdup_printf (_("%s (not declared)"), current));
    }
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (labels, NULL);
  f->hint = g_strdup_printf (_("%s A runtime argument your unikernel declares."), doc ? doc : "");
  g_strstrip (f->hint);
  ms_inspector_add_combo_row (self, group, f, a->name, NULL,
                              (const char *const *) values->pdata,
                              (const char *const *) labels->pdata);
}

/* ---- structure ------------------------------------------------------------------- */

static const char *
group_prefix (const MsDevice *d)
{
  const char *g = ms_device_get_option (d, "group");

  return g && *g ? g : NULL;
}

char *
ms_inspector_device_structure (MsInspector *self, const MsDevice *d)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "dev:%u:%s:%s", d->id, d->ctor, d->def ? "known" : "unknown");
  if (d->custom != NULL)
    {
      g_string_append_printf (s, "|sig:%s|pk:", d->custom->signature);
      for (guint i = 0; i < d->custom->packages->len; i++)
        {
          g_autofree char *p = ms_package_to_string (d->custom->packages->pdata[i]);
          g_string_append_printf (s, "%s;", p);
        }
      g_string_append (s, "|ra:");
      for (guint i = 0; i < d->custom->runtime_args->len; i++)
        {
          const MsArgDecl *a = d->custom->runtime_args->pdata[i];
          g_string_append_printf (s, "%s/%s/%s/%s;", a->name, a->type,
                                  a->default_value ? a->default_value : "", a->doc ? a->doc : "");
        }
      g_string_append (s, "|deps:");
      for (guint i = 0; i < d->custom->deps->len; i++)
        g_string_append_printf (s, "%u,", g_array_index (d->custom->deps, guint, i));
      if (d->custom->choice != NULL)
        ms_inspector_choice_structure (self, d, s);
      else
        ms_inspector_custom_structure (self, d, s);
    }
  else
    {
      /* what keys and runtime-argument rows are named after or default to */
      g_string_append_printf (s, "|group:%s", group_prefix (d) ? group_prefix (d) : "");
      for (guint i = 0; d->def && i < d->def->options->len; i++)
        {
          const MsArgument *a = d->def->options->pdata[i];
          const char *v = a->replaces_key ? ms_device_get_option (d, a->name) : NULL;
          if (v != NULL)
            g_string_append_printf (s, "|%s=%s", a->name, v);
        }
      for (guint i = 0; d->def && i < d->def->runtime_args->len; i++)
        {
          const MsRuntimeArgUse *u = d->def->runtime_args->pdata[i];
          const char *v;
          if (u->default_value == NULL || u->default_value[0] != '@')
            continue;
          v = ms_device_get_option (d, u->default_value + 1);
          g_string_append_printf (s, "|%s=%s", u->default_value, v ? v : "");
        }
    }
  /* options naming a runtime argument offer the declared ones */
  for (guint i = 0; d->def && i < d->def->options->len; i++)
    {
      const MsArgument *a = d->def->options->pdata[i];
      if (g_str_has_prefix (a->type, "arg:"))
        {
          g_autoptr(GPtrArray) names = declared_args (self->doc, a->type + 4);
          const char *v = ms_device_get_option (d, a->name);
          g_string_append_printf (s, "|%s:", a->name);
          for (guint j = 0; j < names->len; j++)
            g_string_append_printf (s, "%s,", (char *) names->pdata[j]);
          /* a value outside the list gets an item of its own */
          g_string_append_printf (s, "=%s", v ? v : "");
        }
    }
  append_inputs_key (self, d, s);
  /* the versions the Packages page chose for it */
  g_string_append_printf (s, "|res:%d:", self->resolve_conflict);
  {
    GPtrArray *mine = self->resolved ? g_hash_table_lookup (self->resolved, d->name) : NULL;
    for (guint i = 0; mine != NULL && i < mine->len; i++)
      {
        const MsResolvedPackage *p = mine->pdata[i];
        g_string_append_printf (s, "%s=%s,", p->name, p->version);
      }
  }
  return g_string_free (s, FALSE);
}

/* ---- resolved versions ------------------------------------------------------------ */

static int
compare_resolved (gconstpointer a, gconstpointer b)
{
  const MsResolvedPackage *x = *(MsResolvedPackage *const *) a;
  const MsResolvedPackage *y = *(MsResolvedPackage *const *) b;

  if (x->requested != y->requested)
    return x->requested ? -1 : 1;
  return strcmp (x->name, y->name);
}

void
ms_inspector_add_resolved_group (MsInspector *self, const MsDevice *d)
{
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  GtkWidget *group, *row;

  if (self->resolve_conflict)
    {
      GtkWidget *show = gtk_button_new_with_label (_("Show"));
      group = ms_inspector_group_new (self, _("Resolved versions"), NULL);
      row = ms_inspector_info_row (group, _("Not resolved"),
                                   _("The project's packages cannot be installed together; the Packages page says why."));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_set_valign (show, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (show), "win.show-packages");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), show);
      return;
    }
  {
    GPtrArray *list = self->resolved ? g_hash_table_lookup (self->resolved, d->name) : NULL;
    for (guint i = 0; list != NULL && i < list->len; i++)
      g_ptr_array_add (mine, list->pdata[i]);
  }
  if (mine->len == 0)
    return;
  g_ptr_array_sort (mine, compare_resolved);
  group = ms_inspector_group_new (self, _("Resolved versions"),
                                  _("The exact opam packages this device brings in, as the Packages page resolved them."));
  for (guint i = 0; i < mine->len; i++)
    {
      const MsResolvedPackage *p = mine->pdata[i];
      g_autofree char *chain = p->chain && p->chain[0] && p->chain[1] ? g_strjoinv (" → ", p->chain) : NULL;
      /* TRANSLATORS: %s is a chain of packages, "mirage → fmt" */
      g_autofree char *via = chain ? g_strdup_printf (_("through %s"), chain) : NULL;
      GtkWidget *version = gtk_label_new (p->version);

      row = ms_inspector_info_row (group, p->name, via);
      gtk_widget_add_css_class (version, "monospace");
      gtk_widget_set_valign (version, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), version);
    }
}

/* ---- the page -------------------------------------------------------------------- */

static char *
prefixed (const MsDevice *d, gboolean grouped, const char *name)
{
  const char *g = grouped ? group_prefix (d) : NULL;

  return g ? g_strdup_printf ("%s-%s", g, name) : g_strdup (name);
}

/* The name a catalog key takes for this device, as the evaluator gives
 * it: the user's own key when an option replaces it (generic_kv_ro
 * ~key), else the key with the device's group prefix. */
static char *
key_name (const MsDevice *d, const MsKeyDef *def, const char *key)
{
  for (guint i = 0; d->def && i < d->def->options->len; i++)
    {
      const MsArgument *a = d->def->options->pdata[i];
      const char *v;
      if (a->replaces_key != NULL && g_str_equal (a->replaces_key, key)
          && (v = ms_device_get_option (d, a->name)) != NULL && *v)
        return g_strdup (v);
    }
  return prefixed (d, def && def->grouped, key);
}

void
ms_inspector_build_device (MsInspector *self, const MsDevice *d)
{
  const MsConstructor *ctor = d->def;
  GtkWidget *group;

  ms_inspector_add_name_group (self, d);
  if (ctor == NULL)
    return;

  ms_inspector_add_about (self, ctor->description);

  if (ctor->options->len > 0)
    {
      group = ms_inspector_group_new (self, _("Options"), NULL);
      for (guint i = 0; i < ctor->options->len; i++)
        {
          const MsArgument *a = ctor->options->pdata[i];
          Field *f = ms_inspector_field_new (self, a->name, a->name);
          g_autofree char *doc = a->required
            ? g_strdup_printf (_("Required. %s"), a->doc ? a->doc : "")
            : g_strdup (a->doc);

          f->value_type = g_strdup (a->type);
          f->get = ms_field_get_option;
          f->apply = ms_field_apply_option;
          if (g_str_has_prefix (a->type, "arg:"))
            {
              g_autoptr(GPtrArray) names = declared_args (self->doc, a->type + 4);
              if (names->len > 0)
                {
                  add_arg_choice_row (self, group, f, a, d, names, doc);
                  continue;
                }
            }
          ms_inspector_add_value_row (self, group, f, a->name, a->default_value, doc);
        }
    }

  ms_inspector_add_inputs_group (self, d);

  if (ctor->keys != NULL && ctor->keys[0] != NULL)
    {
      group = ms_inspector_group_new (self, _("Configure-time keys"),
                                      _("Values given to mirage configure; they choose how the device is built."));
      for (guint i = 0; ctor->keys[i] != NULL; i++)
        {
          const MsKeyDef *k = ctor->key_defs ? ctor->key_defs[i] : NULL;
          g_autofree char *name = key_name (d, k, ctor->keys[i]);
          g_autofree char *setting = g_strconcat ("key:", name, NULL);
          Field *f;

          if (g_str_equal (ctor->keys[i], "target"))
            {
              ms_inspector_add_target_row (self, group);
              continue;
            }
          f = ms_inspector_field_new (self, setting, setting);

          f->value_type = g_strdup (k ? k->type : "string");
          f->get = ms_field_get_setting;
          f->apply = ms_field_apply_setting;
          ms_inspector_add_value_row (self, group, f, name, k ? k->default_value : NULL, k ? k->doc : NULL);
        }
    }

  if (ctor->runtime_args->len > 0)
    {
      group = ms_inspector_group_new (self, _("Runtime arguments"),
                                      _("Command-line arguments of the unikernel at boot; the project can change their defaults."));
      for (guint i = 0; i < ctor->runtime_args->len; i++)
        {
          const MsRuntimeArgUse *u = ctor->runtime_args->pdata[i];
          const MsRuntimeArgDef *def = u->def;
          g_autofree char *flag = NULL, *setting = NULL, *title = NULL, *dflt = NULL;
          Field *f;

          if (def == NULL)
            continue;
          flag = prefixed (d, def->grouped, def->flag);
          setting = g_strconcat ("arg:", flag, NULL);
          title = g_strconcat ("--", flag, NULL);
          if (u->default_value == NULL)
            dflt = g_strdup (def->default_value);
          else if (u->default_value[0] == '@')
            {
              const char *opt = ms_device_get_option (d, u->default_value + 1);
              dflt = opt ? g_strdup_printf (_("%s (option %s)"), opt, u->default_value + 1)
                         : g_strdup_printf (_("option %s"), u->default_value + 1);
            }
          else
            dflt = g_strdup (u->default_value);
          f = ms_inspector_field_new (self, setting, setting);
          f->value_type = g_strdup (def->type);
          f->get = ms_field_get_setting;
          f->apply = ms_field_apply_setting;
          ms_inspector_add_value_row (self, group, f, title, dflt, def->doc);
        }
    }

  if (ctor->packages->len > 0)
    {
      group = ms_inspector_group_new (self, _("Packages"), _("The opam packages this device adds."));
      for (guint i = 0; i < ctor->packages->len; i++)
        {
          const MsPackage *p = ctor->packages->pdata[i];
          g_autofree char *text = ms_package_to_string (p);
          g_autofree char *targets = p->targets ? g_strjoinv (", ", p->targets) : NULL;
          g_autofree char *sub = targets ? g_strdup_printf (_("Only for %s"), targets) : NULL;
          ms_inspector_info_row (group, text, sub);
        }
    }
  ms_inspector_add_resolved_group (self, d);
}
