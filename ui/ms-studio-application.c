/* ms-studio-application.c: the studio application.
 *
 * Loads the catalog once for all windows, installs the application-wide
 * actions (new window, about, quit) and their accelerators, loads the
 * CSS, and opens files given on the command line: projects (.mstudio)
 * as they are, config.ml files imported into a new project.
 */
#include "ms-studio-application.h"

#include "ms-help.h"

#include <glib/gi18n.h>

#include "ms-config.h"
#include "ms-paths.h"
#include "ms-window.h"

struct _MsStudioApplication
{
  AdwApplication parent_instance;
  MsCatalog *catalog;
  GSettings *settings;
  char *opam_repo;
};

G_DEFINE_FINAL_TYPE (MsStudioApplication, ms_studio_application, ADW_TYPE_APPLICATION)

MsStudioApplication *
ms_studio_application_new (void)
{
  return g_object_new (MS_TYPE_STUDIO_APPLICATION,
                       "application-id", MS_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", MS_RESOURCE_PATH,
                       NULL);
}

MsCatalog *
ms_studio_application_get_catalog (MsStudioApplication *self)
{
  g_return_val_if_fail (MS_IS_STUDIO_APPLICATION (self), NULL);
  return self->catalog;
}

GSettings *
ms_studio_application_get_settings (MsStudioApplication *self)
{
  g_return_val_if_fail (MS_IS_STUDIO_APPLICATION (self), NULL);
  return self->settings;
}

const char *
ms_studio_application_get_opam_repo (MsStudioApplication *self)
{
  g_return_val_if_fail (MS_IS_STUDIO_APPLICATION (self), NULL);
  return self->opam_repo;
}

/* --opam-repo, as `mstudio resolve` takes it: the Packages page's
 * repository for this run, before the setting and the opam root. */
static int
ms_studio_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  MsStudioApplication *self = MS_STUDIO_APPLICATION (app);
  g_autofree char *path = NULL;

  if (g_variant_dict_lookup (options, "opam-repo", "^ay", &path) && path != NULL && *path != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
      g_free (self->opam_repo);
      self->opam_repo = g_file_get_path (file);
    }
  return -1;
}

/* The schema is looked up where GSettings looks, then in the build tree,
 * so that the studio run from a build directory remembers its window. */
static GSettings *
load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, MS_APP_ID, TRUE);
  if (schema == NULL)
    {
      g_autofree char *dir = g_build_filename (MS_BUILD_ROOT, "data", NULL);
      g_autoptr(GSettingsSchemaSource) local =
        g_settings_schema_source_new_from_directory (dir, source, FALSE, NULL);
      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, MS_APP_ID, TRUE);
    }
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static MsWindow *
new_window (MsStudioApplication *self)
{
  MsWindow *win = ms_window_new (self);
  gtk_window_present (GTK_WINDOW (win));
  return win;
}

static void
on_new_window (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  new_window (MS_STUDIO_APPLICATION (user_data));
}

static void
on_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Project files are saved as they change: closing loses nothing. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_destroy (GTK_WINDOW (windows->data));
      windows = next;
    }
}

static void
on_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (app);
  static const char *developers[] = { "The Mirage Studio team", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Mirage Studio"),
                         "application-icon", MS_APP_ID,
                         "developer-name", _("The Mirage Studio team"),
                         "version", MS_VERSION,
                         "comments", _("Compose, check and run MirageOS unikernels as device graphs"),
                         "website", "https://github.com/miragestudio/Studio",
                         "issue-url", "https://github.com/miragestudio/Studio/issues",
                         "license-type", GTK_LICENSE_CUSTOM,
                         "license", _("ISC licence. The device catalog describes the MirageOS configuration API (ISC)."),
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
  /* MirageOS itself, which the studio builds for */
  {
    GtkWindow *about = NULL;
    GList *tops = gtk_window_list_toplevels ();
    for (GList *l = tops; l != NULL; l = l->next)
      if (ADW_IS_ABOUT_WINDOW (l->data) && gtk_window_get_transient_for (l->data) == parent)
        about = l->data;
    g_list_free (tops);
    if (about != NULL)
      adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("MirageOS Website"), "https://mirage.io");
  }
}

/* F1: the user guide, docs/studio.md, in its own window. */
static void
on_help (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkWidget *help = ms_help_window_new (parent);

  gtk_window_set_application (GTK_WINDOW (help), GTK_APPLICATION (user_data));
  gtk_window_present (GTK_WINDOW (help));
}

static const GActionEntry app_actions[] = {
  { "new-window", on_new_window, NULL, NULL, NULL },
  { "quit", on_quit, NULL, NULL, NULL },
  { "about", on_about, NULL, NULL, NULL },
  { "help", on_help, NULL, NULL, NULL },
};

static void
ms_studio_application_startup (GApplication *app)
{
  MsStudioApplication *self = MS_STUDIO_APPLICATION (app);
  GtkApplication *gapp = GTK_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  static const struct { const char *action; const char *accels[4]; } accels[] = {
    { "app.new-window", { "<Control><Shift>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.help", { "F1", NULL } },
    { "win.new", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.toggle-palette", { "F9", NULL } },
    { "win.toggle-inspector", { "<Control>i", NULL } },
    { "win.show-problems", { "<Control>e", NULL } },
    { "win.show-code", { "<Control>m", NULL } },
    { "win.show-build", { "<Control>b", NULL } },
    { "win.run", { "<Control>r", NULL } },
    { "win.export-config::4.11", { "<Control><Shift>e", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    /* the canvas's view, from anywhere in the window */
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add" } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.zoom-fit", { "<Control>1", "<Control>KP_1", NULL } },
    { "win.layout", { "<Control>l", NULL } },
    { "win.layout-selection", { "<Control><Shift>l", NULL } },
    { "win.show-minimap", { "<Control><Shift>m", NULL } },
  };

  G_APPLICATION_CLASS (ms_studio_application_parent_class)->startup (app);
  g_set_application_name (_("Mirage Studio"));

  self->catalog = ms_catalog_get_default (NULL, &error);
  if (self->catalog == NULL)
    g_critical ("Mirage Studio cannot read its device catalog: %s", error->message);
  self->settings = load_settings ();

  /* Run from the source tree, the application icon is not installed yet:
   * it is under the data folder ms-paths found (installed, it is not). */
  {
    g_autofree char *icons = g_build_filename (ms_paths_get_datadir (), "icons", NULL);
    GdkDisplay *display = gdk_display_get_default ();
    if (display != NULL && g_file_test (icons, G_FILE_TEST_IS_DIR))
      gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (display), icons);
  }

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gapp, accels[i].action, accels[i].accels);
}

static void
ms_studio_application_activate (GApplication *app)
{
  GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (win == NULL)
    win = GTK_WINDOW (new_window (MS_STUDIO_APPLICATION (app)));
  gtk_window_present (win);
}

static void
ms_studio_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  MsStudioApplication *self = MS_STUDIO_APPLICATION (app);

  /* each window is shown once its file is read, so that its first frame
   * is the project and not the start page */
  for (int i = 0; i < n_files; i++)
    {
      MsWindow *win = ms_window_new (self);
      ms_window_open_file (win, files[i], NULL);
      gtk_window_present (GTK_WINDOW (win));
    }
}

static void
ms_studio_application_finalize (GObject *object)
{
  MsStudioApplication *self = MS_STUDIO_APPLICATION (object);

  g_clear_pointer (&self->catalog, ms_catalog_unref);
  g_clear_object (&self->settings);
  g_free (self->opam_repo);
  G_OBJECT_CLASS (ms_studio_application_parent_class)->finalize (object);
}

static void
ms_studio_application_class_init (MsStudioApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ms_studio_application_finalize;
  app_class->startup = ms_studio_application_startup;
  app_class->activate = ms_studio_application_activate;
  app_class->open = ms_studio_application_open;
  app_class->handle_local_options = ms_studio_application_handle_local_options;
}

static void
ms_studio_application_init (MsStudioApplication *self)
{
  static const GOptionEntry entries[] = {
    { "opam-repo", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The opam repository to resolve packages against: a folder with packages/, or a .tar.gz/.tar.xz of one"),
      N_("PATH") },
    G_OPTION_ENTRY_NULL
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
