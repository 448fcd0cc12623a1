/* ms-window.c: a studio window.
 *
 * A window shows the start page until a project is open, then the editor:
 * the palette (left flap), the canvas, the inspector (right flap) and a
 * bottom pane with the problems, the code preview and Build & Run. The
 * window owns the document and is the only place that runs the checks:
 * after each change (coalesced in an idle) it hands the diagnostics to the
 * canvas, the inspector and the problems list, so all three agree.
 *
 * Projects are saved by the core as they change; another process editing
 * the same file is noticed by a periodic refresh.
 */
#include "ms-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ms-add-popover.h"
#include "ms-check.h"
#include "ms-config.h"
#include "ms-import.h"
#include "ms-import-version.h"
#include "ms-layout.h"
#include "ms-paths.h"
#include "ms-store.h"
#include "ms-studio-diagnostics.h"
#include "ms-style.h"
#include "ms-version-button.h"

#define REFRESH_SECONDS 2

G_DEFINE_FINAL_TYPE (MsWindow, ms_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_menu (MsWindow *self);

enum { PROP_0, PROP_DOCUMENT, PROP_SHOW_MINIMAP, N_PROPS };
static GParamSpec *properties[N_PROPS];

MsWindow *
ms_window_new (MsStudioApplication *app)
{
  return g_object_new (MS_TYPE_WINDOW, "application", app, NULL);
}

MsDocument *
ms_window_get_document (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);
  return self->document;
}

static MsCatalog *
window_catalog (MsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL && MS_IS_STUDIO_APPLICATION (app))
    return ms_studio_application_get_catalog (MS_STUDIO_APPLICATION (app));
  return NULL;
}

static GSettings *
window_settings (MsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL && MS_IS_STUDIO_APPLICATION (app))
    return ms_studio_application_get_settings (MS_STUDIO_APPLICATION (app));
  return NULL;
}

void
ms_window_show_toast (MsWindow *self, const char *message, gboolean offer_undo)
{
  AdwToast *toast;

  g_return_if_fail (MS_IS_WINDOW (self));
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, offer_undo ? 5 : 3);
  if (offer_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_ms_window_show_error (MsWindow *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_title (MsWindow *self)
{
  const char *path = self->document ? ms_store_get_path (self->document) : NULL;
  const char *name = self->document ? ms_document_get_app_name (self->document) : NULL;

  if (self->document == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Mirage Studio"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Mirage Studio"));
      return;
    }
  if (name == NULL || *name == '\0')
    name = _("Untitled");
  adw_window_title_set_title (self->window_title, name);
  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autofree char *display = g_file_get_parse_name (file);
      const char *home = g_get_home_dir ();
      if (home != NULL && g_str_has_prefix (display, home) && display[strlen (home)] == '/')
        {
          g_autofree char *tilde = g_strconcat ("~", display + strlen (home), NULL);
          adw_window_title_set_subtitle (self->window_title, tilde);
        }
      else
        adw_window_title_set_subtitle (self->window_title, display);
    }
  else
    adw_window_title_set_subtitle (self->window_title, _("Not saved"));
  {
    g_autofree char *title = g_strdup_printf (_("%s — Mirage Studio"), name);
    gtk_window_set_title (GTK_WINDOW (self), title);
  }
}

/* The one place checks run: everything that shows problems gets the same
 * array. */
static gboolean
run_checks (gpointer data)
{
  MsWindow *self = MS_WINDOW (data);
  g_autoptr(MsEvalGraph) eval = NULL;
  guint errors, warnings;

  self->check_idle = 0;
  if (self->document == NULL)
    return G_SOURCE_REMOVE;

  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = ms_check_document_full (self->document, &eval);
  ms_studio_diagnostics_adapt (self->diagnostics, self->document);
  /* the packages are resolved off the main thread: their conflicts join
   * the problems when the Packages page has an answer ("changed") */
  ms_packages_view_set_evaluation (self->packages_view, eval);
  ms_packages_view_append_diagnostics (self->packages_view, self->diagnostics);
  ms_diagnostics_sort (self->diagnostics);
  ms_inspector_set_resolution (self->inspector, ms_packages_view_get_device_packages (self->packages_view),
                               g_strcmp0 (ms_packages_view_get_state (self->packages_view), "conflict") == 0);
  ms_canvas_set_diagnostics (self->canvas, self->diagnostics);
  /* the canvas's branch pills come from the checks' own evaluation */
  ms_canvas_set_evaluation (self->canvas, eval);
  ms_problems_view_set_diagnostics (self->problems, self->diagnostics);
  ms_inspector_set_diagnostics (self->inspector, self->diagnostics);

  /* the list's counts: the checks' problems and the import's messages */
  errors = ms_problems_view_get_n_errors (self->problems);
  warnings = ms_problems_view_get_n_warnings (self->problems);
  adw_view_stack_page_set_badge_number (self->problems_page, errors + warnings);
  ms_style_set_problems_badge (GTK_WIDGET (self), self->problems_page, errors, warnings);
  update_title (self);
  _ms_window_update_actions (self);
  return G_SOURCE_REMOVE;
}

static void
queue_checks (MsWindow *self)
{
  if (self->check_idle == 0)
    self->check_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, run_checks, self, NULL);
}

/* The palette lists the catalog of the version the project targets (the
 * application's, 4.10, on the start page), and the code preview starts
 * on that version; both follow a change of version. */
static void
sync_version (MsWindow *self)
{
  MsCatalog *catalog = self->document ? ms_document_get_catalog (self->document) : window_catalog (self);
  const char *version;

  if (catalog == NULL)
    return;
  if (!self->palette_pending && ms_palette_get_catalog (self->palette) != catalog)
    ms_palette_set_catalog (self->palette, catalog);
  version = self->document ? ms_document_get_mirage_version (self->document) : NULL;
  if (version != NULL && version != self->shown_version)
    ms_code_preview_set_mirage_version (self->code_preview, version);
  self->shown_version = version;
}

static void
on_document_changed (MsDocument *doc, gpointer change, MsWindow *self)
{
  sync_version (self);
  queue_checks (self);
  _ms_window_update_actions (self);
}

static void
on_document_reloaded (MsDocument *doc, MsWindow *self)
{
  sync_version (self);
  queue_checks (self);
  _ms_window_update_actions (self);
}

static gboolean
refresh_from_disk (gpointer data)
{
  MsWindow *self = MS_WINDOW (data);
  g_autoptr(GError) error = NULL;

  if (self->document != NULL && ms_store_get_path (self->document) != NULL
      && !ms_store_refresh (self->document, &error))
    g_debug ("refresh: %s", error->message);
  return G_SOURCE_CONTINUE;
}

void
ms_window_set_document (MsWindow *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (doc == NULL || MS_IS_DOCUMENT (doc));

  if (self->document == doc)
    return;
  if (self->document != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->document);
      g_clear_signal_handler (&self->reloaded_id, self->document);
      g_clear_signal_handler (&self->history_id, self->document);
    }
  g_clear_handle_id (&self->check_idle, g_source_remove);
  g_clear_handle_id (&self->refresh_timeout, g_source_remove);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_set_object (&self->document, doc);
  ms_problems_view_set_import_report (self->problems, NULL);

  ms_canvas_set_document (self->canvas, doc);
  /* A window opening on a project shows its first frame without waiting
   * for the inspector's many rows; they follow one frame later. */
  self->inspector_pending = !gtk_widget_get_mapped (GTK_WIDGET (self)) && doc != NULL;
  /* meanwhile it shows nothing, rather than its "No Project" page */
  gtk_widget_set_opacity (GTK_WIDGET (self->inspector), self->inspector_pending ? 0.0 : 1.0);
  if (!self->inspector_pending)
    {
      ms_inspector_set_document (self->inspector, doc);
      ms_inspector_set_device (self->inspector, 0);
    }
  ms_code_preview_set_document (self->code_preview, doc);
  ms_build_panel_set_document (self->build_panel, doc);
  ms_packages_view_set_document (self->packages_view, doc);
  ms_version_button_set_document (MS_VERSION_BUTTON (self->version_button), doc);
  sync_version (self);

  if (doc != NULL)
    {
      self->changed_id = g_signal_connect (doc, "changed", G_CALLBACK (on_document_changed), self);
      self->reloaded_id = g_signal_connect (doc, "reloaded", G_CALLBACK (on_document_reloaded), self);
      self->history_id = g_signal_connect_swapped (doc, "notify::can-undo", G_CALLBACK (_ms_window_update_actions), self);
      self->refresh_timeout = g_timeout_add_seconds (REFRESH_SECONDS, refresh_from_disk, self);
      gtk_stack_set_visible_child_name (self->main_stack, "editor");
      run_checks (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else
    {
      ms_start_page_refresh (self->start_page);
      gtk_stack_set_visible_child_name (self->main_stack, "start");
      ms_problems_view_set_diagnostics (self->problems, NULL);
    }
  update_title (self);
  update_menu (self);
  _ms_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/* A fresh, unused folder per project, so that each project has its own
 * unikernel.c beside it. */
char *
_ms_window_new_project_path (const char *base)
{
  g_autofree char *root = g_build_filename (g_get_user_data_dir (), "mirage-studio", "projects", NULL);
  g_autofree char *clean = g_strdup (base != NULL && *base != '\0' ? base : "untitled");

  g_strcanon (clean, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", '_');
  for (guint n = 1; n < 10000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (clean) : g_strdup_printf ("%s-%u", clean, n);
      g_autofree char *dir = g_build_filename (root, name, NULL);
      if (!g_file_test (dir, G_FILE_TEST_EXISTS))
        {
          g_autofree char *file = g_strconcat (name, MS_STORE_EXTENSION, NULL);
          if (g_mkdir_with_parents (dir, 0755) != 0)
            return NULL;
          return g_build_filename (dir, file, NULL);
        }
    }
  return NULL;
}

static void
add_recent (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  if (uri != NULL)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

void
_ms_window_project_moved (MsWindow *self)
{
  const char *path = self->document ? ms_store_get_path (self->document) : NULL;

  if (path != NULL)
    add_recent (path);
  /* Build & Run looks for unikernel.c next to the project file */
  ms_build_panel_set_document (self->build_panel, NULL);
  ms_build_panel_set_document (self->build_panel, self->document);
  update_title (self);
  _ms_window_update_actions (self);
}

gboolean
_ms_window_open_path (MsWindow *self, const char *path, GError **error)
{
  MsCatalog *catalog = window_catalog (self);
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) local = NULL;

  if (catalog == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The device catalog could not be read"));
      return FALSE;
    }
  doc = ms_store_open (path, catalog, &local);
  if (doc == NULL)
    {
      g_autofree char *heading = g_path_get_basename (path);
      g_autofree char *title = g_strdup_printf (_("Cannot Open “%s”"), heading);
      _ms_window_show_error (self, title, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  add_recent (path);
  ms_window_set_document (self, doc);
  return TRUE;
}

/* Imports text as a new project; examples pass their folder so that
 * unikernel.c comes along. */
static gboolean
import_into_project (MsWindow *self, const char *config_path, const char *name_hint,
                     const char *example_dir, gboolean quiet, GError **error)
{
  g_autofree char *text = NULL, *path = NULL, *dir = NULL, *display = NULL;
  g_autoptr(MsImportReport) report = NULL;
  g_autoptr(MsDocument) imported = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  guint errors, warnings;

  display = g_filename_display_name (config_path);
  if (!g_file_get_contents (config_path, &text, &len, &local))
    {
      _ms_window_show_error (self, _("Cannot Import config.ml"), local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* the project targets the version the file is for (the current
   * release when it does not say) */
  imported = ms_import_configml_versioned (NULL, display, text, len, &report, &local);
  if (imported == NULL && report == NULL)
    {
      _ms_window_show_error (self, _("Cannot Import config.ml"), local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  errors = ms_import_report_count (report, MS_SEVERITY_ERROR);
  warnings = ms_import_report_count (report, MS_SEVERITY_WARNING);
  if (imported == NULL || ms_document_get_n_devices (imported) == 0)
    {
      GString *body = g_string_new (NULL);
      for (guint i = 0; i < report->messages->len && i < 8; i++)
        {
          g_autofree char *m = ms_import_message_format (report, report->messages->pdata[i]);
          g_string_append_printf (body, "%s\n", m);
        }
      if (body->len == 0)
        g_string_append (body, _("The file defines no device."));
      _ms_window_show_error (self, _("Nothing to Import"), body->str);
      g_string_free (body, TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: nothing to import"), display);
      return FALSE;
    }

  path = _ms_window_new_project_path (name_hint ? name_hint : ms_document_get_app_name (imported));
  if (path == NULL || !ms_store_save_as (imported, path, &local))
    {
      _ms_window_show_error (self, _("Cannot Create the Project"),
                             local ? local->message : _("No folder could be made for it"));
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no project folder");
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (example_dir != NULL)
    {
      g_autofree char *src = g_build_filename (example_dir, "unikernel.c", NULL);
      g_autofree char *dst = g_build_filename (dir, "unikernel.c", NULL);
      g_autofree char *code = NULL;
      gsize code_len = 0;
      if (g_file_get_contents (src, &code, &code_len, NULL))
        g_file_set_contents (dst, code, (gssize) code_len, NULL);
    }
  if (!_ms_window_open_path (self, path, error))
    return FALSE;
  /* every message reaches the problems list, as mstudio import prints them
   * (the bundled examples' notes are ours, not the user's) */
  if (!quiet)
    {
      ms_problems_view_set_import_report (self->problems, report);
      run_checks (self);
    }
  if (!quiet && (errors > 0 || warnings > 0))
    {
      GString *details = g_string_new (NULL);
      guint n = errors + warnings;
      g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s with %u problem",
                                                           "Imported %s with %u problems", n),
                                              display, n);
      AdwToast *toast = adw_toast_new (msg);

      for (guint i = 0; i < report->messages->len; i++)
        {
          g_autofree char *m = ms_import_message_format (report, report->messages->pdata[i]);
          g_string_append_printf (details, "%s\n", m);
        }
      g_free (self->import_report);
      self->import_report = g_string_free (details, FALSE);
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-import-report");
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  return TRUE;
}

gboolean
_ms_window_import_configml (MsWindow *self, const char *path, GError **error)
{
  return import_into_project (self, path, NULL, NULL, FALSE, error);
}

gboolean
ms_window_open_file (MsWindow *self, GFile *file, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MS_IS_WINDOW (self), FALSE);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("%s is not a local file"), uri);
      _ms_window_show_error (self, _("Cannot Open the File"), (*error)->message);
      return FALSE;
    }
  if (g_str_has_suffix (path, ".ml"))
    return _ms_window_import_configml (self, path, error);
  return _ms_window_open_path (self, path, error);
}

gboolean
ms_window_open_example (MsWindow *self, const char *name, GError **error)
{
  g_autofree char *root = ms_paths_get_examples_dir ();
  g_autofree char *dir = NULL, *config = NULL;

  g_return_val_if_fail (MS_IS_WINDOW (self), FALSE);
  if (strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no example %s", name);
      return FALSE;
    }
  dir = g_build_filename (root, name, NULL);
  config = g_build_filename (dir, "config.ml", NULL);
  return import_into_project (self, config, name, dir, TRUE, error);
}

static void
on_open_recent (MsStartPage *page, GFile *file, MsWindow *self)
{
  ms_window_open_file (self, file, NULL);
}

static void
on_open_example (MsStartPage *page, const char *name, MsWindow *self)
{
  ms_window_open_example (self, name, NULL);
}

static void
on_canvas_selection_changed (MsCanvas *canvas, MsWindow *self)
{
  guint id = ms_canvas_get_focus_device (canvas);
  guint target;
  const char *param;

  /* a wire is an argument of its target: the code shows that device */
  if (ms_canvas_get_selected_wire (canvas, &target, &param))
    {
      ms_inspector_set_wire (self->inspector, target, param);
      ms_code_preview_set_device (self->code_preview, target);
      return;
    }
  ms_inspector_set_device (self->inspector, id);
  ms_code_preview_set_device (self->code_preview, id);
}

static void
on_inspector_reveal (MsInspector *inspector, guint device, const char *port, MsWindow *self)
{
  ms_canvas_reveal (self->canvas, device, port);
}

static void
on_toast (GtkWidget *widget, const char *message, gboolean offer_undo, MsWindow *self)
{
  ms_window_show_toast (self, message, offer_undo);
}

static void
on_activate_device (MsCanvas *canvas, guint id, MsWindow *self)
{
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
  ms_inspector_set_device (self->inspector, id);
  ms_inspector_focus_field (self->inspector, NULL);
}

static void
on_add_device (MsPalette *palette, const char *ctor, MsWindow *self)
{
  if (self->document == NULL)
    return;
  if (ms_canvas_add_at_center (self->canvas, ctor) != 0)
    {
      if (adw_flap_get_folded (self->palette_flap))
        adw_flap_set_reveal_flap (self->palette_flap, FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

static gboolean
focus_problem (gpointer data)
{
  MsWindow *self = MS_WINDOW (data);
  g_autofree char *field = g_steal_pointer (&self->problem_field);

  self->problem_focus_idle = 0;
  if (field == NULL || !ms_inspector_focus_field (self->inspector, field))
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  return G_SOURCE_REMOVE;
}

static void
on_problem_activated (MsProblemsView *view, gpointer data, MsWindow *self)
{
  const MsDiagnostic *d = data;
  const MsDevice *dev = NULL;
  const char *field;

  if (self->document == NULL || d == NULL)
    return;
  if (d->device != NULL)
    dev = ms_document_find_device (self->document, d->device);
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
  /* The focus goes to what the problem is about: the option or the
   * setting's control, the name for a naming problem, the port on the
   * canvas for a missing or wrong input; else to the card, never to an
   * unrelated field where the next key press would edit something. */
  field = d->option != NULL ? d->option : d->setting;
  if (field == NULL && d->port == NULL && (g_str_equal (d->code, MS_DIAG_INVALID_NAME)
                                           || g_str_equal (d->code, MS_DIAG_DUPLICATE_NAME)))
    field = "name";
  /* a package conflict: its explanation and fixes are on the Packages page */
  if (g_strcmp0 (d->code, MS_DIAG_RESOLVE_CONFLICT) == 0)
    {
      adw_view_stack_set_visible_child_name (self->bottom_stack, "packages");
      ms_packages_view_show_problem (self->packages_view, d);
    }
  if (dev != NULL)
    {
      ms_canvas_reveal (self->canvas, dev->id, d->port);
      ms_inspector_set_device (self->inspector, dev->id);
    }
  else
    {
      guint none = 0;
      ms_canvas_select (self->canvas, &none, 0);
      ms_inspector_set_device (self->inspector, 0);
    }
  /* after the list has finished with the click or key that activated the
   * row (it takes the focus back to the row otherwise) */
  g_free (self->problem_field);
  self->problem_field = g_strdup (field);
  if (self->problem_focus_idle == 0)
    self->problem_focus_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, focus_problem, self, NULL);
}

static void
on_flap_revealed (GObject *flap, GParamSpec *pspec, MsWindow *self)
{
  GSettings *settings = window_settings (self);

  if (settings == NULL)
    return;
  if (flap == G_OBJECT (self->palette_flap) && !adw_flap_get_folded (self->palette_flap))
    g_settings_set_boolean (settings, "palette-visible", adw_flap_get_reveal_flap (self->palette_flap));
  else if (flap == G_OBJECT (self->inspector_flap) && !adw_flap_get_folded (self->inspector_flap))
    g_settings_set_boolean (settings, "inspector-visible", adw_flap_get_reveal_flap (self->inspector_flap));
}

static void
restore_state (MsWindow *self)
{
  GSettings *settings = window_settings (self);
  g_autofree char *page = NULL;

  if (settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  adw_flap_set_reveal_flap (self->palette_flap, g_settings_get_boolean (settings, "palette-visible"));
  adw_flap_set_reveal_flap (self->inspector_flap, g_settings_get_boolean (settings, "inspector-visible"));
  gtk_paned_set_position (self->bottom_paned, g_settings_get_int (settings, "bottom-pane-position"));
  page = g_settings_get_string (settings, "bottom-page");
  if (adw_view_stack_get_child_by_name (self->bottom_stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->bottom_stack, page);
}

static void
save_state (MsWindow *self)
{
  GSettings *settings = window_settings (self);
  int width = 0, height = 0;

  if (settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (gtk_paned_get_position (self->bottom_paned) > 0)
    g_settings_set_int (settings, "bottom-pane-position", gtk_paned_get_position (self->bottom_paned));
  if (adw_view_stack_get_visible_child_name (self->bottom_stack) != NULL)
    g_settings_set_string (settings, "bottom-page", adw_view_stack_get_visible_child_name (self->bottom_stack));
  g_settings_apply (settings);
}

static gboolean
ms_window_close_request (GtkWindow *window)
{
  save_state (MS_WINDOW (window));
  return GTK_WINDOW_CLASS (ms_window_parent_class)->close_request (window);
}

/* For bench/bench-studio: the time to the first frame is measured from
 * outside, by the process ending right after that frame is painted. */
static void
on_first_paint (GdkFrameClock *clock, MsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *t0 = g_getenv ("MS_STUDIO_QUIT_AFTER_FIRST_FRAME");
  gint64 start = g_ascii_strtoll (t0, NULL, 10);

  /* the value is the monotonic time (µs) the benchmark spawned us at */
  if (start > 0)
    g_print ("first-frame %.1f\n", (g_get_monotonic_time () - start) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, on_first_paint, self);
  if (app != NULL)
    g_application_quit (G_APPLICATION (app));
}

static void
on_painted (GdkFrameClock *clock, MsWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_painted, self);
  if (self->palette_pending)
    {
      self->palette_pending = FALSE;
      sync_version (self);
    }
  if (self->inspector_pending)
    {
      self->inspector_pending = FALSE;
      gtk_widget_set_opacity (GTK_WIDGET (self->inspector), 1.0);
      ms_inspector_set_document (self->inspector, self->document);
      if (self->diagnostics != NULL)
        ms_inspector_set_diagnostics (self->inspector, self->diagnostics);
      ms_inspector_set_device (self->inspector, ms_canvas_get_focus_device (self->canvas));
    }
}

static void
ms_window_realize (GtkWidget *widget)
{
  GdkFrameClock *clock;

  GTK_WIDGET_CLASS (ms_window_parent_class)->realize (widget);
  clock = gtk_widget_get_frame_clock (widget);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), widget);
  if (g_getenv ("MS_STUDIO_QUIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint), widget);
}

/* "application" is set after construction: the catalog and the
 * settings come with it. */
static void
on_application_set (MsWindow *self, GParamSpec *pspec, gpointer data)
{
  MsCatalog *catalog = window_catalog (self);

  if (catalog == NULL)
    return;
  /* like the inspector, the palette's rows follow the first frame */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sync_version (self);
  else
    self->palette_pending = TRUE;
  restore_state (self);
  ms_packages_view_set_settings (self->packages_view, window_settings (self));
  ms_packages_view_set_source_option (self->packages_view,
                                      ms_studio_application_get_opam_repo (MS_STUDIO_APPLICATION (
                                        gtk_window_get_application (GTK_WINDOW (self)))));
  _ms_window_update_actions (self);
}

static void
ms_window_constructed (GObject *object)
{
  MsWindow *self = MS_WINDOW (object);

  G_OBJECT_CLASS (ms_window_parent_class)->constructed (object);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
  _ms_window_update_actions (self);
}

static void
ms_window_dispose (GObject *object)
{
  MsWindow *self = MS_WINDOW (object);

  if (self->document != NULL)
    ms_window_set_document (self, NULL);
  g_clear_handle_id (&self->check_idle, g_source_remove);
  g_clear_handle_id (&self->refresh_timeout, g_source_remove);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->import_report, g_free);
  g_clear_handle_id (&self->problem_focus_idle, g_source_remove);
  g_clear_pointer (&self->problem_field, g_free);
  g_clear_pointer (&self->menu_taken, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_WINDOW);
  G_OBJECT_CLASS (ms_window_parent_class)->dispose (object);
}

static void
ms_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsWindow *self = MS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_SHOW_MINIMAP:
      /* asked before the template is built and after it is gone, too */
      if (self->canvas != NULL)
        g_object_get_property (G_OBJECT (self->canvas), "show-minimap", value);
      else
        g_value_set_boolean (value, TRUE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsWindow *self = MS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ms_window_set_document (self, g_value_get_object (value));
      break;
    case PROP_SHOW_MINIMAP:
      if (self->canvas != NULL)
        g_object_set_property (G_OBJECT (self->canvas), "show-minimap", value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_window_class_init (MsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = ms_window_constructed;
  object_class->dispose = ms_window_dispose;
  object_class->get_property = ms_window_get_property;
  object_class->set_property = ms_window_set_property;
  window_class->close_request = ms_window_close_request;
  widget_class->realize = ms_window_realize;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, MS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the canvas's, for the menus' check item (win.show-minimap) */
  properties[PROP_SHOW_MINIMAP] =
    g_param_spec_boolean ("show-minimap", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MS_TYPE_START_PAGE);
  g_type_ensure (MS_TYPE_PALETTE);
  g_type_ensure (MS_TYPE_INSPECTOR);
  g_type_ensure (MS_TYPE_CANVAS);
  g_type_ensure (MS_TYPE_PROBLEMS_VIEW);
  g_type_ensure (MS_TYPE_CODE_PREVIEW);
  g_type_ensure (MS_TYPE_BUILD_PANEL);
  g_type_ensure (MS_TYPE_PACKAGES_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, MS_RESOURCE_PATH "/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, MsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, palette_flap);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, inspector_flap);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, bottom_paned);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, canvas_overlay);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, palette);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, bottom_stack);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, problems_page);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, problems);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, code_preview);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, build_panel);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, packages_page);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, packages_view);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, palette_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, history_box);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, primary_menu_button);

  _ms_window_install_actions (widget_class);
}

static void
on_canvas_zoom (MsWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f%%", ms_canvas_get_zoom (self->canvas) * 100);
  gtk_button_set_label (GTK_BUTTON (self->zoom_label), text);
}

/* The main menu's zoom row, as GNOME's editors have it: out, the
 * percentage (a click goes back to 100 %), in. */
static void
add_zoom_row (MsWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *out = gtk_button_new_from_icon_name ("zoom-out-symbolic");
  GtkWidget *in = gtk_button_new_from_icon_name ("zoom-in-symbolic");
  GtkPopover *popover = gtk_menu_button_get_popover (self->primary_menu_button);

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  self->zoom_label = gtk_button_new_with_label ("100%");
  gtk_widget_add_css_class (self->zoom_label, "flat");
  gtk_widget_set_size_request (self->zoom_label, 80, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (out), "win.zoom-out");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->zoom_label), "win.zoom-reset");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (in), "win.zoom-in");
  gtk_widget_set_tooltip_text (out, _("Zoom Out (Ctrl+−)"));
  gtk_widget_set_tooltip_text (self->zoom_label, _("Zoom to 100% (Ctrl+0)"));
  gtk_widget_set_tooltip_text (in, _("Zoom In (Ctrl++)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (out), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Zoom out"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (in), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Zoom in"), -1);
  gtk_box_append (GTK_BOX (box), out);
  gtk_box_append (GTK_BOX (box), self->zoom_label);
  gtk_box_append (GTK_BOX (box), in);
  if (GTK_IS_POPOVER_MENU (popover))
    gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), box, "zoom");
  on_canvas_zoom (self);
}

/* -- the main menu on the start page --
 * Entries marked ms-project-only in window.ui (Save As, the Export
 * submenu, zoom and layout) are taken out of the menu while no project is
 * open, rather than shown greyed out, and put back in their places with
 * one. (GTK 4.8's "hidden-when" would do it, but an entry appearing while
 * the action muxer notifies changes the table the muxer iterates: a
 * critical.) The zoom row stays in the menu, hidden: GTK 4.8 keeps the
 * name of a custom entry taken out in a table after freeing it. */

typedef struct {
  GMenu *section;     /* the section it was in */
  int index;          /* its place there */
  GMenuItem *item;
} MenuTaken;

static void
menu_taken_free (gpointer p)
{
  MenuTaken *t = p;

  g_object_unref (t->section);
  g_object_unref (t->item);
  g_free (t);
}

static void
take_project_entries (MsWindow *self, GMenuModel *model)
{
  for (int i = g_menu_model_get_n_items (model) - 1; i >= 0; i--)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autofree char *mark = NULL;

      if (section != NULL)
        {
          take_project_entries (self, section);
          continue;
        }
      if (G_IS_MENU (model)
          && g_menu_model_get_item_attribute (model, i, "ms-project-only", "s", &mark))
        {
          MenuTaken *t = g_new0 (MenuTaken, 1);
          t->section = G_MENU (g_object_ref (model));
          t->index = i;
          t->item = g_menu_item_new_from_model (model, i);
          g_menu_remove (G_MENU (model), i);
          g_ptr_array_add (self->menu_taken, t);
        }
    }
}

static void
update_menu (MsWindow *self)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (self->primary_menu_button);
  gboolean has_doc = self->document != NULL;

  if (menu == NULL || self->menu_taken == NULL)
    return;
  if (self->zoom_label != NULL)
    gtk_widget_set_visible (gtk_widget_get_parent (self->zoom_label), has_doc);
  if (!has_doc && self->menu_taken->len == 0)
    take_project_entries (self, menu);
  else if (has_doc && self->menu_taken->len > 0)
    {
      /* taken last-first within a section: put back first-last */
      for (guint i = self->menu_taken->len; i-- > 0; )
        {
          MenuTaken *t = self->menu_taken->pdata[i];
          g_menu_insert_item (t->section, t->index, t->item);
        }
      g_ptr_array_set_size (self->menu_taken, 0);
    }
}

static void
on_canvas_minimap (MsWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_MINIMAP]);
}

static void
ms_window_init (MsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self->start_page, "open-recent", G_CALLBACK (on_open_recent), self);
  g_signal_connect (self->start_page, "open-example", G_CALLBACK (on_open_example), self);
  g_signal_connect (self->canvas, "selection-changed", G_CALLBACK (on_canvas_selection_changed), self);
  g_signal_connect (self->canvas, "toast", G_CALLBACK (on_toast), self);
  g_signal_connect (self->canvas, "activate-device", G_CALLBACK (on_activate_device), self);
  g_signal_connect (self->inspector, "toast", G_CALLBACK (on_toast), self);
  g_signal_connect (self->inspector, "reveal", G_CALLBACK (on_inspector_reveal), self);
  g_signal_connect (self->palette, "add-device", G_CALLBACK (on_add_device), self);
  ms_add_popover_attach (self->canvas);   /* Shift+A: add a device at the pointer */
  g_signal_connect (self->problems, "problem-activated", G_CALLBACK (on_problem_activated), self);
  g_signal_connect (self->packages_view, "toast", G_CALLBACK (on_toast), self);
  g_signal_connect_swapped (self->packages_view, "changed", G_CALLBACK (queue_checks), self);
  g_signal_connect (self->palette_flap, "notify::reveal-flap", G_CALLBACK (on_flap_revealed), self);
  g_signal_connect (self->inspector_flap, "notify::reveal-flap", G_CALLBACK (on_flap_revealed), self);
  g_signal_connect_swapped (self->canvas, "notify::show-minimap", G_CALLBACK (on_canvas_minimap), self);
  self->menu_taken = g_ptr_array_new_with_free_func (menu_taken_free);
  add_zoom_row (self);
  g_signal_connect_swapped (self->canvas, "notify::zoom", G_CALLBACK (on_canvas_zoom), self);
  update_menu (self);
  self->version_button = ms_version_button_new ();
  gtk_widget_set_visible (self->version_button, FALSE);
  adw_header_bar_pack_end (self->header_bar, self->version_button);
  g_signal_connect (self->version_button, "toast", G_CALLBACK (on_toast), self);
  g_object_bind_property (self->palette_flap, "reveal-flap", self->palette_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (self->inspector_flap, "reveal-flap", self->inspector_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
}
