/* ms-inspector-app.c: the inspector page of the application (nothing selected).
 *
 * The project's settings: name, target, what register adds and which
 * devices are its jobs, and every configure-time key and runtime argument
 * of the evaluated graph, with the project's values editable.
 */
#include "ms-inspector-private.h"

#include <string.h>

#include "ms-value.h"

static const char *const register_whats[] = {
  MS_SETTING_ARGV, MS_SETTING_REPORTER, MS_SETTING_SLEEP,
  MS_SETTING_PTIME, MS_SETTING_MTIME, MS_SETTING_RANDOM, NULL,
};

static const char *
register_title (const char *what)
{
  if (g_str_equal (what, MS_SETTING_ARGV))
    return _("Command line");
  if (g_str_equal (what, MS_SETTING_REPORTER))
    return _("Log reporter");
  if (g_str_equal (what, MS_SETTING_SLEEP))
    return _("Sleep");
  if (g_str_equal (what, MS_SETTING_PTIME))
    return _("Wall clock");
  if (g_str_equal (what, MS_SETTING_MTIME))
    return _("Monotonic clock");
  return _("Random numbers");
}

/* "default" written out (mstudio register --reporter default) means the
 * same as unset, which is how the combo row lists it. */
static char *
get_register_setting (Field *f)
{
  const char *v = ms_document_get_setting (f->self->doc, f->key);
  return g_strdup (g_strcmp0 (v, "default") == 0 ? NULL : v);
}

/* Devices that can be registered: main and job-typed devices. */
static gboolean
is_job_candidate (const MsDevice *d)
{
  if (d->custom != NULL)
    return g_str_equal (d->ctor, "main");
  return d->def != NULL && g_strcmp0 (d->def->result, "job") == 0;
}

/* The catalog's definition of a possibly group-prefixed key ("mgmt-net"). */
static const MsKeyDef *
key_def (MsCatalog *cat, const char *name)
{
  const MsKeyDef *k = ms_catalog_lookup_key (cat, name);
  const char *dash;

  if (k == NULL && (dash = strchr (name, '-')) != NULL)
    k = ms_catalog_lookup_key (cat, dash + 1);
  return k;
}

char *
ms_inspector_app_structure (MsInspector *self)
{
  MsEvalGraph *g;
  GPtrArray *devices = ms_document_get_devices (self->doc);
  GString *s = g_string_new ("app|jobs:");

  /* kept for ms_inspector_build_app in the same refresh: one evaluation */
  g_clear_pointer (&self->app_eval, ms_eval_graph_free);
  g = self->app_eval = ms_eval (self->doc, NULL);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      if (is_job_candidate (d))
        g_string_append_printf (s, "%u=%s,", d->id, d->name);
    }
  g_string_append (s, "|keys:");
  for (guint i = 0; g && i < g->keys->len; i++)
    {
      const MsEvalKey *k = g->keys->pdata[i];
      g_string_append_printf (s, "%s/%s/%s;", k->name, k->type, k->doc ? k->doc : "");
    }
  g_string_append (s, "|args:");
  for (guint i = 0; g && i < g->runtime_args->len; i++)
    {
      const MsEvalArg *a = g->runtime_args->pdata[i];
      /* an overridden default is the field's value, not structure */
      g_string_append_printf (s, "%s/%s/%d/%s/%s;", a->name, a->type, a->overridden,
                              a->overridden ? "" : a->default_value, a->doc ? a->doc : "");
    }
  ms_inspector_decls_structure (self, s);
  return g_string_free (s, FALSE);
}

/* ---- jobs -------------------------------------------------------------------------- */

static gboolean
is_job (MsDocument *doc, guint id)
{
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);

  for (guint i = 0; i < jobs->len; i++)
    if (g_array_index (jobs, guint, i) == id)
      return TRUE;
  return FALSE;
}

static char *
get_job (Field *f)
{
  return g_strdup (is_job (f->self->doc, f->index) ? "true" : "false");
}

static gboolean
apply_job (Field *f, const char *value, GError **error)
{
  g_autoptr(GArray) jobs = ms_document_get_jobs (f->self->doc);
  gboolean want = g_strcmp0 (value, "true") == 0;

  for (guint i = 0; i < jobs->len; i++)
    if (g_array_index (jobs, guint, i) == f->index)
      {
        if (want)
          return TRUE;
        g_array_remove_index (jobs, i);
        return ms_document_set_jobs (f->self->doc, (guint *) jobs->data, jobs->len, error);
      }
  if (!want)
    return TRUE;
  g_array_append_val (jobs, f->index);
  return ms_document_set_jobs (f->self->doc, (guint *) jobs->data, jobs->len, error);
}

/* The title label of an AdwActionRow (style class "title"), or NULL. */
static GtkWidget *
row_title_label (GtkWidget *w, const char *title)
{
  if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "title")
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), title) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = GTK_IS_POPOVER (c) ? NULL : row_title_label (c, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The target, a setting of the project (not "key:target"): on the
 * application page and on the page of every device that reads it. */
void
ms_inspector_add_target_row (MsInspector *self, GtkWidget *group)
{
  GtkWidget *row, *title;
  MsCatalog *cat = ms_document_get_catalog (self->doc);
  GPtrArray *targets = ms_catalog_get_targets (cat);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  Field *f;

  for (guint i = 0; i < targets->len; i++)
    g_ptr_array_add (values, ((MsTarget *) targets->pdata[i])->name);
  g_ptr_array_add (values, NULL);
  f = ms_inspector_field_new (self, MS_SETTING_TARGET, MS_SETTING_TARGET);
  f->get = ms_field_get_setting;
  f->apply = ms_field_apply_setting;
  f->default_value = g_strdup (ms_catalog_get_default_target (cat));
  f->hint = g_strdup_printf (_("What mirage configure -t builds for. Default: %s."),
                             ms_catalog_get_default_target (cat));
  row = ms_inspector_add_combo_row (self, group, f, _("Target"), NULL,
                                    (const char *const *) values->pdata, NULL);
  /* Its tooltip says how it differs from Build & Run's choice. It is the
   * title's, not the row's: the drop-down's list is a child of the row,
   * and GTK shows the tooltip of the widget under the pointer or of its
   * parents, so a row's tooltip would cover the list's first item. */
  title = row_title_label (row, _("Target"));
  if (title != NULL)
    gtk_widget_set_tooltip_text (title, _("What the config.ml and CI exports build for, with the mirage tool. "
                                          "Build & Run does not use it: it builds for Linux."));
}

/* ---- the page -------------------------------------------------------------------- */

void
ms_inspector_build_app (MsInspector *self)
{
  MsCatalog *cat = ms_document_get_catalog (self->doc);
  g_autoptr(MsEvalGraph) own = self->app_eval == NULL ? ms_eval (self->doc, NULL) : NULL;
  MsEvalGraph *g = own != NULL ? own : self->app_eval;
  GPtrArray *devices = ms_document_get_devices (self->doc);
  GtkWidget *group;
  Field *f;
  gboolean first = TRUE;

  group = ms_inspector_group_new (self, _("Application"), NULL);
  f = ms_inspector_field_new (self, MS_SETTING_NAME, MS_SETTING_NAME);
  f->get = ms_field_get_setting;
  f->apply = ms_field_apply_setting;
  f->hint = g_strdup (_("The unikernel's name, as register gives it."));
  ms_inspector_add_entry_row (self, group, f, _("Name"));

  ms_inspector_add_target_row (self, group);

  group = ms_inspector_group_new (self, _("Jobs"),
                                  _("The devices register starts: your main devices and other jobs."));
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      g_autofree char *id = NULL;
      GtkWidget *row, *check;

      if (!is_job_candidate (d))
        continue;
      /* the first one answers to "jobs", as the problems list asks */
      id = first ? g_strdup (MS_SETTING_JOBS) : g_strdup_printf ("jobs:%u", d->id);
      first = FALSE;
      f = ms_inspector_field_new (self, id, MS_SETTING_JOBS);
      f->index = d->id;
      f->get = get_job;
      f->apply = apply_job;
      f->resettable = FALSE;
      f->editor_kind = EDITOR_CHECK;
      row = adw_action_row_new ();
      ms_row_set_title (row, d->name);
      ms_row_set_subtitle (row, d->ctor);
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, d->name, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      ms_inspector_field_attach_check (f, row, check);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (first)
    ms_inspector_info_row (group, _("No main device"), _("Add a main device from the palette: it is your unikernel."));

  group = ms_inspector_group_new (self, _("Register"), _("What register adds to every unikernel."));
  for (guint i = 0; register_whats[i]; i++)
    {
      const char *what = register_whats[i];
      const char *const *choices = ms_catalog_get_register_choices (cat, what);
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

      if (choices == NULL)
        continue;
      for (guint j = 0; choices[j]; j++)
        {
          const char *ctor = ms_catalog_get_register_choice (cat, what, choices[j]);
          /* "default" leaves the setting unset */
          g_ptr_array_add (values, g_str_equal (choices[j], "default") ? "" : (char *) choices[j]);
          g_ptr_array_add (labels, ctor ? g_strdup_printf ("%s (%s)", choices[j], ctor) : g_strdup (choices[j]));
        }
      g_ptr_array_add (values, NULL);
      g_ptr_array_add (labels, NULL);
      f = ms_inspector_field_new (self, what, what);
      f->get = get_register_setting;
      f->apply = ms_field_apply_setting;
      ms_inspector_add_combo_row (self, group, f, register_title (what), NULL,
                                  (const char *const *) values->pdata,
                                  (const char *const *) labels->pdata);
      if (g_str_equal (what, MS_SETTING_REPORTER))
        {
          f = ms_inspector_field_new (self, MS_SETTING_LEVEL, MS_SETTING_LEVEL);
          f->value_type = g_strdup ("log_level");
          f->get = ms_field_get_setting;
          f->apply = ms_field_apply_setting;
          ms_inspector_add_value_row (self, group, f, _("Log level"),
                                      ms_catalog_get_default_level (cat),
                                      _("What the reporter shows."));
        }
    }

  if (g != NULL && g->keys->len > 0)
    {
      group = ms_inspector_group_new (self, _("Configure-time keys"),
                                      _("Every key of the graph; the project's values are given to mirage configure."));
      for (guint i = 0; i < g->keys->len; i++)
        {
          const MsEvalKey *k = g->keys->pdata[i];
          const MsKeyDef *def = key_def (cat, k->name);
          g_autofree char *setting = NULL;

          /* the target has its own row above, and a key of the
           * project's own (read by a choice or an impl's ~keys) its row
           * among them (ms-inspector-decls.c) */
          if (g_str_equal (k->name, "target") || ms_document_get_decl (self->doc, MS_DECL_KEY, k->name) != NULL)
            continue;
          setting = g_strconcat ("key:", k->name, NULL);
          f = ms_inspector_field_new (self, setting, setting);
          f->value_type = g_strdup (k->type);
          f->get = ms_field_get_setting;
          f->apply = ms_field_apply_setting;
          ms_inspector_add_value_row (self, group, f, k->name, def ? def->default_value : NULL, k->doc);
        }
    }

  if (g != NULL && g->runtime_args->len > 0)
    {
      group = ms_inspector_group_new (self, _("Runtime arguments"),
                                      _("Every boot-time argument of the unikernel; the project can change their defaults."));
      for (guint i = 0; i < g->runtime_args->len; i++)
        {
          const MsEvalArg *a = g->runtime_args->pdata[i];
          g_autofree char *setting = g_strconcat ("arg:", a->name, NULL);
          g_autofree char *title = g_strconcat ("--", a->name, NULL);

          f = ms_inspector_field_new (self, setting, setting);
          f->value_type = g_strdup (a->type);
          f->get = ms_field_get_setting;
          f->apply = ms_field_apply_setting;
          ms_inspector_add_value_row (self, group, f, title,
                                      a->overridden ? NULL : a->default_value, a->doc);
        }
    }

  ms_inspector_add_decls_groups (self);
}
