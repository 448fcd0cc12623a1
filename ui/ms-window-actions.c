/* ms-window-actions.c: the window's actions (win.*).
 *
 * Files (new, open, import, save as), history (undo, redo), panels, and
 * exports. Actions are installed on the widget class and enabled from
 * the document's state by _ms_window_update_actions; file choosers are
 * GtkFileChooserNative (portal-friendly, GTK 4.8).
 */
#include "ms-window-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ms-ci.h"
#include "ms-configml.h"
#include "ms-dot.h"
#include "ms-export.h"
#include "ms-render.h"
#include "ms-store.h"
#include "ms-unikernel-ml.h"

typedef void (*ChooserDone) (MsWindow *self, GFile *file, gpointer data);

typedef struct {
  MsWindow *self;
  ChooserDone done;
  char *data;
} ChooserCall;

static void
on_chooser_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  ChooserCall *call = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        call->done (call->self, file, call->data);
    }
  g_object_unref (call->self);
  g_free (call->data);
  g_free (call);
  g_object_unref (dialog);
}

static void
choose (MsWindow *self, GtkFileChooserAction action, const char *title, const char *accept,
        const char *suggested_name, GtkFileFilter *filter, ChooserDone done, const char *data)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _("_Cancel"));
  ChooserCall *call = g_new0 (ChooserCall, 1);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  call->self = g_object_ref (self);
  call->done = done;
  call->data = g_strdup (data);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), call);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkFileFilter *
project_filter (gboolean with_configml)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, with_configml ? _("Projects and config.ml files") : _("Mirage Studio projects"));
  gtk_file_filter_add_pattern (filter, "*" MS_STORE_EXTENSION);
  if (with_configml)
    gtk_file_filter_add_pattern (filter, "*.ml");
  return filter;
}

static const char *
app_name_or (MsWindow *self, const char *fallback)
{
  const char *name = self->document ? ms_document_get_app_name (self->document) : NULL;
  return name != NULL && *name != '\0' ? name : fallback;
}

/* -- files -- */

static void
action_new (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autofree char *path = _ms_window_new_project_path ("untitled");
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  MsWindow *target = self;

  if (path == NULL)
    {
      _ms_window_show_error (self, _("Cannot Create a Project"), _("No folder could be made for it"));
      return;
    }
  /* A window with a project keeps it: the new one gets its own window. */
  if (self->document != NULL && app != NULL)
    {
      target = ms_window_new (MS_STUDIO_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (target));
    }
  {
    /* new projects target the current Mirage release */
    g_autoptr(MsCatalog) current = ms_catalog_get_default (MS_MIRAGE_CURRENT, NULL);
    doc = ms_store_create (path, current ? current : ms_studio_application_get_catalog (MS_STUDIO_APPLICATION (app)),
                           "untitled", &error);
  }
  if (doc == NULL)
    {
      _ms_window_show_error (target, _("Cannot Create a Project"), error->message);
      return;
    }
  _ms_window_open_path (target, path, NULL);
}

static void
open_chosen (MsWindow *self, GFile *file, gpointer data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  MsWindow *target = self;

  if (self->document != NULL && app != NULL)
    {
      target = ms_window_new (MS_STUDIO_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (target));
    }
  if (!ms_window_open_file (target, file, NULL) && target != self)
    gtk_window_destroy (GTK_WINDOW (target));
}

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  choose (MS_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open a Project or config.ml"), _("_Open"),
          NULL, project_filter (TRUE), open_chosen, NULL);
}

static void
action_import (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("OCaml files"));
  gtk_file_filter_add_pattern (filter, "*.ml");
  choose (MS_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Import a config.ml"), _("_Import"),
          NULL, filter, open_chosen, NULL);
}

gboolean
_ms_window_save_as (MsWindow *self, const char *chosen, GError **error)
{
  g_autofree char *path = NULL, *old_dir = NULL;
  g_autoptr(GError) local = NULL;
  const char *old_path;

  if (self->document == NULL)
    return FALSE;
  path = g_str_has_suffix (chosen, MS_STORE_EXTENSION) ? g_strdup (chosen)
                                                       : g_strconcat (chosen, MS_STORE_EXTENSION, NULL);
  old_path = ms_store_get_path (self->document);
  old_dir = old_path ? g_path_get_dirname (old_path) : NULL;
  /* the window goes on editing the same document, now written to the
   * copy: what was done before Save As can still be undone */
  if (!ms_store_save_as_and_switch (self->document, path, &local))
    {
      _ms_window_show_error (self, _("Cannot Save the Project"), local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* unikernel.c belongs to the project: it comes along when there is none yet */
  if (old_dir != NULL)
    {
      g_autofree char *new_dir = g_path_get_dirname (path);
      g_autofree char *src = g_build_filename (old_dir, "unikernel.c", NULL);
      g_autofree char *dst = g_build_filename (new_dir, "unikernel.c", NULL);
      g_autofree char *code = NULL;
      gsize len = 0;
      if (g_strcmp0 (old_dir, new_dir) != 0 && !g_file_test (dst, G_FILE_TEST_EXISTS)
          && g_file_get_contents (src, &code, &len, NULL))
        g_file_set_contents (dst, code, (gssize) len, NULL);
    }
  _ms_window_project_moved (self);
  {
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *msg = g_strdup_printf (_("Saved as %s"), base);
    ms_window_show_toast (self, msg, FALSE);
  }
  return TRUE;
}

static void
save_as_chosen (MsWindow *self, GFile *file, gpointer data)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    _ms_window_save_as (self, path, NULL);
}

static void
action_save_as (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autofree char *suggested = g_strconcat (app_name_or (self, "unikernel"), MS_STORE_EXTENSION, NULL);

  choose (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Save the Project As"), _("_Save"),
          suggested, project_filter (FALSE), save_as_chosen, NULL);
}

static void
action_close (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
action_show_import_report (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  GtkWidget *dialog;

  if (self->import_report == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("What the Import Left Out"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), self->import_report);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* -- history -- */

static void
action_undo (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->document != NULL && ms_document_can_undo (self->document)
      && !ms_document_undo (self->document, &error))
    ms_window_show_toast (self, error->message, FALSE);
  _ms_window_update_actions (self);
}

static void
action_redo (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->document != NULL && ms_document_can_redo (self->document)
      && !ms_document_redo (self->document, &error))
    ms_window_show_toast (self, error->message, FALSE);
  _ms_window_update_actions (self);
}

/* -- panels -- */

static void
action_toggle_palette (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  adw_flap_set_reveal_flap (self->palette_flap, !adw_flap_get_reveal_flap (self->palette_flap));
}

static void
action_toggle_inspector (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  adw_flap_set_reveal_flap (self->inspector_flap, !adw_flap_get_reveal_flap (self->inspector_flap));
}

static void
action_find (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  adw_flap_set_reveal_flap (self->palette_flap, TRUE);
  ms_palette_focus_search (self->palette);
}

static void
show_bottom (MsWindow *self, const char *page)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->bottom_paned));
  int position = gtk_paned_get_position (self->bottom_paned);

  adw_view_stack_set_visible_child_name (self->bottom_stack, page);
  /* a pane too low to read code or a log in is raised to a useful height */
  if (height > 0 && height - position < 300)
    gtk_paned_set_position (self->bottom_paned, MAX (height - 300, height / 3));
}

static void
action_show_packages (GtkWidget *widget, const char *name, GVariant *param)
{
  show_bottom (MS_WINDOW (widget), "packages");
}

static void
action_export_lock (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_packages_view_export_lock (MS_WINDOW (widget)->packages_view);
}

static void
action_show_problems (GtkWidget *widget, const char *name, GVariant *param)
{
  show_bottom (MS_WINDOW (widget), "problems");
}

static void
action_show_code (GtkWidget *widget, const char *name, GVariant *param)
{
  show_bottom (MS_WINDOW (widget), "code");
}

static void
action_show_build (GtkWidget *widget, const char *name, GVariant *param)
{
  show_bottom (MS_WINDOW (widget), "build");
}

static void
action_run (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);

  show_bottom (self, "build");
  ms_build_panel_run (self->build_panel);
}

/* -- the canvas's view --
 * Zoom, layout and the minimap are the window's, so that their shortcuts
 * work wherever the keyboard focus is (the inspector, the palette, the
 * problems list) and the menus show them; each runs the canvas's own
 * action. Delete, copy and paste stay the canvas's (and the lists'):
 * they act on what has the focus. */

static void
action_canvas (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autofree char *canvas_action = NULL;

  if (self->document == NULL)
    return;
  g_assert (g_str_has_prefix (name, "win."));
  canvas_action = g_strconcat ("canvas.", name + strlen ("win."), NULL);
  gtk_widget_activate_action (GTK_WIDGET (self->canvas), canvas_action, NULL);
}

/* -- exports -- */

typedef enum { EXPORT_CONFIG, EXPORT_UNIKERNEL, EXPORT_CI } ExportKind;

static gboolean
write_export (MsWindow *self, ExportKind kind, const char *version, const char *dir,
              const char *targets, MsExportFlags flags, GError **error)
{
  g_autoptr(MsCatalog) catalog = ms_catalog_get_default (version, error);

  if (catalog == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Cannot create %s: %s"), dir, g_strerror (errno));
      return FALSE;
    }
  switch (kind)
    {
    case EXPORT_CONFIG:
      {
        g_autofree char *text = ms_configml_generate (self->document, catalog, flags, error);
        g_autofree char *file = g_build_filename (dir, "config.ml", NULL);
        return text != NULL && ms_export_write_file (file, text, TRUE, error);
      }
    case EXPORT_UNIKERNEL:
      {
        g_autoptr(GPtrArray) files = ms_unikernel_ml_generate (self->document, catalog, flags, error);
        if (files == NULL)
          return FALSE;
        if (files->len == 0)
          {
            g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID, _("The project has no main device"));
            return FALSE;
          }
        return ms_source_files_write (dir, files, FALSE, error);
      }
    case EXPORT_CI:
      {
        g_auto(GStrv) list = targets ? g_strsplit (targets, ",", -1) : NULL;
        g_autoptr(GPtrArray) files = ms_ci_generate (self->document, catalog, (const char *const *) list, flags, error);
        g_autofree char *workflows = g_build_filename (dir, ".github", "workflows", NULL);
        if (files == NULL)
          return FALSE;
        g_mkdir_with_parents (workflows, 0755);
        return ms_source_files_write (dir, files, TRUE, error);
      }
    default:
      g_assert_not_reached ();
    }
}

gboolean
_ms_window_export (MsWindow *self, const char *format, const char *version, const char *dir,
                   const char *targets, gboolean force, GError **error)
{
  ExportKind kind;

  if (g_str_equal (format, "config.ml"))
    kind = EXPORT_CONFIG;
  else if (g_str_equal (format, "unikernel.ml"))
    kind = EXPORT_UNIKERNEL;
  else if (g_str_equal (format, "ci"))
    kind = EXPORT_CI;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no export format %s", format);
      return FALSE;
    }
  if (self->document == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no project");
      return FALSE;
    }
  return write_export (self, kind, version, dir, targets, force ? MS_EXPORT_FORCE : MS_EXPORT_FLAGS_NONE, error);
}

typedef struct {
  MsWindow *self;
  ExportKind kind;
  char *version;
  char *dir;
  char *targets;
} ForceCall;

static void
export_done_toast (MsWindow *self, ExportKind kind, const char *dir)
{
  g_autofree char *base = g_path_get_basename (dir);
  g_autofree char *msg = NULL;

  switch (kind)
    {
    case EXPORT_CONFIG: msg = g_strdup_printf (_("Wrote config.ml into %s"), base); break;
    case EXPORT_UNIKERNEL: msg = g_strdup_printf (_("Wrote the unikernel.ml skeleton into %s"), base); break;
    case EXPORT_CI: msg = g_strdup_printf (_("Wrote CI files into %s"), base); break;
    default: g_assert_not_reached ();
    }
  ms_window_show_toast (self, msg, FALSE);
}

static void
on_force_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ForceCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "export") && call->self->document != NULL)
    {
      if (write_export (call->self, call->kind, call->version, call->dir, call->targets, MS_EXPORT_FORCE, &error))
        export_done_toast (call->self, call->kind, call->dir);
      else
        _ms_window_show_error (call->self, _("Export Failed"), error->message);
    }
  g_object_unref (call->self);
  g_free (call->version);
  g_free (call->dir);
  g_free (call->targets);
  g_free (call);
}

static void
run_export (MsWindow *self, ExportKind kind, const char *version, const char *dir, const char *targets)
{
  g_autoptr(GError) error = NULL;

  if (self->document == NULL)
    return;
  if (write_export (self, kind, version, dir, targets, MS_EXPORT_FLAGS_NONE, &error))
    {
      export_done_toast (self, kind, dir);
      return;
    }
  if (g_error_matches (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_CHECK))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Export a Project with Errors?"), error->message);
      ForceCall *call = g_new0 (ForceCall, 1);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "export", _("_Export Anyway"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      call->self = g_object_ref (self);
      call->kind = kind;
      call->version = g_strdup (version);
      call->dir = g_strdup (dir);
      call->targets = g_strdup (targets);
      g_signal_connect (dialog, "response", G_CALLBACK (on_force_response), call);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  _ms_window_show_error (self, _("Export Failed"), error->message);
}

static void
export_config_chosen (MsWindow *self, GFile *folder, gpointer data)
{
  g_autofree char *dir = g_file_get_path (folder);
  if (dir != NULL)
    run_export (self, EXPORT_CONFIG, data, dir, NULL);
}

static void
export_unikernel_chosen (MsWindow *self, GFile *folder, gpointer data)
{
  g_autofree char *dir = g_file_get_path (folder);
  if (dir != NULL)
    run_export (self, EXPORT_UNIKERNEL, self->document ? ms_document_get_mirage_version (self->document) : MS_MIRAGE_CURRENT, dir, NULL);
}

static void
export_ci_chosen (MsWindow *self, GFile *folder, gpointer data)
{
  g_autofree char *dir = g_file_get_path (folder);
  if (dir != NULL)
    run_export (self, EXPORT_CI, self->document ? ms_document_get_mirage_version (self->document) : MS_MIRAGE_CURRENT, dir, data);
}

static void
action_export_config (GtkWidget *widget, const char *name, GVariant *param)
{
  const char *version = param ? g_variant_get_string (param, NULL) : "4.11";

  if (!g_str_equal (version, "4.10") && !g_str_equal (version, "4.11"))
    version = "4.11";
  choose (MS_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Export config.ml Into"), _("_Export"),
          NULL, NULL, export_config_chosen, version);
}

static void
action_export_unikernel (GtkWidget *widget, const char *name, GVariant *param)
{
  choose (MS_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Export unikernel.ml Into"), _("_Export"),
          NULL, NULL, export_unikernel_chosen, NULL);
}

static void
on_ci_targets_response (AdwMessageDialog *dialog, const char *response, MsWindow *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  g_autoptr(GString) targets = g_string_new (NULL);

  if (!g_str_equal (response, "choose"))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (c));
      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        g_string_append_printf (targets, "%s%s", targets->len ? "," : "",
                                (const char *) g_object_get_data (G_OBJECT (check), "target"));
    }
  if (targets->len == 0)
    {
      ms_window_show_toast (self, _("Choose at least one target"), FALSE);
      return;
    }
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Export CI Files Into"), _("_Export"),
          NULL, NULL, export_ci_chosen, targets->str);
}

/* CI builds the unikernel for each target chosen here, with the real
 * mirage tool; the project's own target is ticked to start with. */
static void
action_export_ci (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  MsCatalog *catalog = app ? ms_studio_application_get_catalog (MS_STUDIO_APPLICATION (app)) : NULL;
  GtkWidget *dialog, *box;
  GPtrArray *targets;

  if (self->document == NULL || catalog == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Export CI Files"),
                                   _("GitHub Actions and GitLab CI files that configure and build the unikernel with the real mirage tool, one job per target."));
  box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  /* three columns at any width: measured with fewer, the box asks for one
   * row per target and the dialog keeps that height as empty gaps */
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (box), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 3);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (box), TRUE);
  targets = ms_catalog_get_targets (catalog);
  for (guint i = 0; i < targets->len; i++)
    {
      const MsTarget *t = targets->pdata[i];
      GtkWidget *check = gtk_check_button_new_with_label (t->name);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strcmp0 (t->name, ms_document_get_target (self->document)) == 0);
      if (t->summary != NULL)
        gtk_widget_set_tooltip_text (check, t->summary);
      g_object_set_data_full (G_OBJECT (check), "target", g_strdup (t->name), g_free);
      gtk_flow_box_append (GTK_FLOW_BOX (box), check);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "choose", _("_Choose Folder…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "choose");
  g_signal_connect (dialog, "response", G_CALLBACK (on_ci_targets_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* After an export: a toast naming the file written. */
static void
toast_wrote (MsWindow *self, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *msg = g_strdup_printf (_("Wrote %s"), base);

  ms_window_show_toast (self, msg, FALSE);
}

static void
export_picture_chosen (MsWindow *self, GFile *file, gpointer data)
{
  const char *format = data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dot = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->document == NULL || path == NULL)
    return;
  dot = ms_dot_from_document (self->document);
  if (g_str_equal (format, "dot"))
    ok = g_file_set_contents (path, dot, -1, &error);
  else
    ok = ms_render_dot_to_file (dot, format, path, &error);
  if (!ok)
    {
      _ms_window_show_error (self, _("Export Failed"), error->message);
      return;
    }
  toast_wrote (self, path);
}

static void
action_export_picture (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  const char *format = param ? g_variant_get_string (param, NULL) : "svg";
  g_autofree char *suggested = NULL;

  if (!g_str_equal (format, "svg") && !g_str_equal (format, "png") && !g_str_equal (format, "dot"))
    format = "svg";
  suggested = g_strdup_printf ("%s.%s", app_name_or (self, "graph"), format);
  choose (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Graph"), _("_Export"),
          suggested, NULL, export_picture_chosen, format);
}

gboolean
_ms_window_export_canvas (MsWindow *self, const char *format, const char *path, GError **error)
{
  if (self->document == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no project");
      return FALSE;
    }
  return ms_canvas_export_picture (self->canvas, format, path, NULL, NULL, error);
}

static void
export_canvas_chosen (MsWindow *self, GFile *file, gpointer data)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (self->document == NULL || path == NULL)
    return;
  if (!_ms_window_export_canvas (self, data, path, &error))
    {
      _ms_window_show_error (self, _("Export Failed"), error->message);
      return;
    }
  toast_wrote (self, path);
}

/* The canvas as it looks (not Graphviz's drawing of the graph). */
static void
action_export_canvas (GtkWidget *widget, const char *name, GVariant *param)
{
  MsWindow *self = MS_WINDOW (widget);
  const char *format = param ? g_variant_get_string (param, NULL) : "png";
  g_autofree char *suggested = NULL;
  GtkFileFilter *filter = gtk_file_filter_new ();

  if (!g_str_equal (format, "svg"))
    format = "png";
  suggested = g_strdup_printf ("%s.%s", app_name_or (self, "canvas"), format);
  gtk_file_filter_set_name (filter, g_str_equal (format, "svg") ? _("SVG pictures") : _("PNG pictures"));
  gtk_file_filter_add_mime_type (filter, g_str_equal (format, "svg") ? "image/svg+xml" : "image/png");
  choose (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export the Canvas"), _("_Export"),
          suggested, filter, export_canvas_chosen, format);
}

void
_ms_window_update_actions (MsWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean has_doc = self->document != NULL;
  static const char *const doc_actions[] = {
    "win.save-as", "win.toggle-palette", "win.toggle-inspector", "win.find",
    "win.show-problems", "win.show-code", "win.show-build", "win.run",
    "win.export-config", "win.export-unikernel", "win.export-ci", "win.export-picture", "win.export-canvas",
    "win.zoom-in", "win.zoom-out", "win.zoom-reset", "win.zoom-fit", "win.layout",
    "win.layout-selection", "win.show-minimap", "win.show-packages", "win.export-lock",
  };

  for (guint i = 0; i < G_N_ELEMENTS (doc_actions); i++)
    gtk_widget_action_set_enabled (w, doc_actions[i], has_doc);
  gtk_widget_action_set_enabled (w, "win.undo", has_doc && ms_document_can_undo (self->document));
  gtk_widget_action_set_enabled (w, "win.redo", has_doc && ms_document_can_redo (self->document));
  {
    /* the buttons say which step they take back or make again */
    const char *u = has_doc ? ms_document_get_undo_label (self->document) : NULL;
    const char *r = has_doc ? ms_document_get_redo_label (self->document) : NULL;
    /* TRANSLATORS: %s is the step, e.g. "Rename net to uplink" */
    g_autofree char *undo = u ? g_strdup_printf (_("Undo “%s” (Ctrl+Z)"), u) : g_strdup (_("Undo (Ctrl+Z)"));
    /* TRANSLATORS: %s is the step, e.g. "Rename net to uplink" */
    g_autofree char *redo = r ? g_strdup_printf (_("Redo “%s” (Ctrl+Shift+Z)"), r) : g_strdup (_("Redo (Ctrl+Shift+Z)"));
    gtk_widget_set_tooltip_text (self->undo_button, undo);
    gtk_widget_set_tooltip_text (self->redo_button, redo);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->palette_button), has_doc);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector_button), has_doc);
  gtk_widget_set_visible (GTK_WIDGET (self->history_box), has_doc);
  gtk_widget_set_visible (GTK_WIDGET (self->run_button), has_doc);
}

void
_ms_window_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new", NULL, action_new);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, action_import);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, action_save_as);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, action_close);
  gtk_widget_class_install_action (widget_class, "win.show-import-report", NULL, action_show_import_report);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, action_find);
  gtk_widget_class_install_action (widget_class, "win.toggle-palette", NULL, action_toggle_palette);
  gtk_widget_class_install_action (widget_class, "win.toggle-inspector", NULL, action_toggle_inspector);
  gtk_widget_class_install_action (widget_class, "win.show-problems", NULL, action_show_problems);
  gtk_widget_class_install_action (widget_class, "win.show-code", NULL, action_show_code);
  gtk_widget_class_install_action (widget_class, "win.show-build", NULL, action_show_build);
  gtk_widget_class_install_action (widget_class, "win.show-packages", NULL, action_show_packages);
  gtk_widget_class_install_action (widget_class, "win.export-lock", NULL, action_export_lock);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, action_run);
  gtk_widget_class_install_action (widget_class, "win.export-config", "s", action_export_config);
  gtk_widget_class_install_action (widget_class, "win.export-unikernel", NULL, action_export_unikernel);
  gtk_widget_class_install_action (widget_class, "win.export-ci", NULL, action_export_ci);
  gtk_widget_class_install_action (widget_class, "win.export-picture", "s", action_export_picture);
  gtk_widget_class_install_action (widget_class, "win.export-canvas", "s", action_export_canvas);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, action_canvas);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, action_canvas);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, action_canvas);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, action_canvas);
  gtk_widget_class_install_action (widget_class, "win.layout", NULL, action_canvas);
  gtk_widget_class_install_action (widget_class, "win.layout-selection", NULL, action_canvas);
  /* a check item in the menus: the window's "show-minimap", bound to the canvas's */
  gtk_widget_class_install_property_action (widget_class, "win.show-minimap", "show-minimap");
}
