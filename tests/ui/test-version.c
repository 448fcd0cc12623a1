/* test-version.c: the Mirage version a project targets, in the studio,
 * with real input (xdotool): the header bar shows it ("Mirage 4.11" for
 * a new project), its menu changes it as one undoable step, and the
 * palette, the checks and the code preview follow the chosen version's
 * catalog (4.11-only constructors are offered only for 4.11). */
#include <glib/gstdio.h>
#include <string.h>

#include "ms-store.h"
#include "ms-version-button.h"
#include "ms-window-private.h"
#include "test-xdo.h"

static MsStudioApplication *app;
static char *tmpdir;

typedef struct {
  MsWindow *win;
  MsDocument *doc;
  GPtrArray *toasts;
} Fixture;

static void
on_toast (GtkWidget *w, const char *message, gboolean undo, Fixture *f)
{
  g_ptr_array_add (f->toasts, g_strdup (message));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->toasts = g_ptr_array_new_with_free_func (g_free);
  f->win = ms_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->win), 1400, 900);
  gtk_window_present (GTK_WINDOW (f->win));
  test_ui_iterate (100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->win), "win.new", NULL));
  test_ui_iterate (300);
  f->doc = ms_window_get_document (f->win);
  g_assert_nonnull (f->doc);
  adw_flap_set_reveal_flap (f->win->palette_flap, TRUE);
  g_signal_connect (f->win->version_button, "toast", G_CALLBACK (on_toast), f);
  test_ui_iterate (300);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->win));
  test_ui_iterate (50);
  g_ptr_array_unref (f->toasts);
}

static GtkMenuButton *
menu_button (Fixture *f)
{
  return ms_version_button_get_menu_button (MS_VERSION_BUTTON (f->win->version_button));
}

/* The menu item (a GtkModelButton) whose text is text, under w. */
static GtkWidget *
find_item (GtkWidget *w, const char *text)
{
  GType model_button = g_type_from_name ("GtkModelButton");

  if (model_button != 0 && G_TYPE_CHECK_INSTANCE_TYPE (w, model_button))
    {
      g_autofree char *t = NULL;
      g_object_get (w, "text", &t, NULL);
      if (g_strcmp0 (t, text) == 0)
        return w;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_item (c, text);
      if (r)
        return r;
    }
  return NULL;
}

/* Opens the version menu with a click and clicks the item text. */
static void
choose_version (Fixture *f, const char *text)
{
  GtkWidget *button = GTK_WIDGET (menu_button (f));
  GtkPopover *popover;
  GtkWidget *item;

  xdo_click (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0, 1);
  test_ui_iterate (300);
  popover = gtk_menu_button_get_popover (menu_button (f));
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  item = find_item (GTK_WIDGET (popover), text);
  g_assert_nonnull (item);
  xdo_click (item, gtk_widget_get_width (item) / 2.0, gtk_widget_get_height (item) / 2.0, 1);
  test_ui_iterate (400);
}

static gboolean
has_diag (Fixture *f, const char *code, const char *device)
{
  for (guint i = 0; f->win->diagnostics != NULL && i < f->win->diagnostics->len; i++)
    {
      const MsDiagnostic *d = f->win->diagnostics->pdata[i];
      if (g_str_equal (d->code, code) && g_strcmp0 (d->device, device) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
preview_version (Fixture *f)
{
  char *v = NULL;
  g_object_get (f->win->code_preview, "mirage-version", &v, NULL);
  return v;
}

/* A new project targets 4.11: the header says so, and the palette offers
 * what only 4.11 has. */
static void
test_new_project_shows_411 (Fixture *f, gconstpointer data)
{
  g_autofree char *pv = preview_version (f);

  g_assert_cmpstr (ms_document_get_mirage_version (f->doc), ==, "4.11");
  g_assert_true (gtk_widget_get_visible (f->win->version_button));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (menu_button (f))));
  g_assert_cmpstr (gtk_menu_button_get_label (menu_button (f)), ==, "Mirage 4.11");
  g_assert_nonnull (ms_palette_get_row (f->win->palette, "dhcp_proj_net"));
  g_assert_nonnull (ms_palette_get_row (f->win->palette, "no_lease"));
  g_assert_cmpstr (pv, ==, "4.11");
  /* the file records it */
  {
    g_autoptr(MsCatalog) c410 = ms_catalog_get_default ("4.10", NULL);
    g_autoptr(MsDocument) again = ms_store_open_read_only (ms_store_get_path (f->doc), c410, NULL);
    g_assert_nonnull (again);
    g_assert_cmpstr (ms_document_get_mirage_version (again), ==, "4.11");
  }
}

/* Choosing 4.10 from the header's menu: undoable, the palette hides the
 * 4.11-only constructors, the checks name a device 4.10 lacks, and undo
 * (Ctrl+Z) brings all of it back. */
static void
test_switch_with_the_menu (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint lease = ms_document_add_device (f->doc, "no_lease", "nolease", &error);
  g_autofree char *pv = NULL;

  g_assert_no_error (error);
  g_assert_true (ms_document_move_device (f->doc, lease, 0, 0, &error));
  test_ui_iterate (300);
  g_assert_false (has_diag (f, MS_DIAG_VERSION_CONSTRUCTOR, "nolease"));

  choose_version (f, "Mirage 4.10");
  g_assert_cmpstr (ms_document_get_mirage_version (f->doc), ==, "4.10");
  g_assert_cmpstr (gtk_menu_button_get_label (menu_button (f)), ==, "Mirage 4.10");
  g_assert_cmpstr (ms_document_get_undo_label (f->doc), ==, "Target Mirage 4.10");
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (f->toasts->pdata[0], ==, "The project now targets Mirage 4.10");
  /* the palette shows the 4.10 catalog: no 4.11-only constructor */
  g_assert_null (ms_palette_get_row (f->win->palette, "dhcp_proj_net"));
  g_assert_null (ms_palette_get_row (f->win->palette, "no_lease"));
  g_assert_nonnull (ms_palette_get_row (f->win->palette, "generic_stackv4v6"));
  g_assert_true (ms_catalog_get_mirage_version (ms_palette_get_catalog (f->win->palette)) != NULL);
  g_assert_cmpstr (ms_catalog_get_mirage_version (ms_palette_get_catalog (f->win->palette)), ==, "4.10");
  /* checks follow, worded for the studio: no command line in them */
  g_assert_true (has_diag (f, MS_DIAG_VERSION_CONSTRUCTOR, "nolease"));
  for (guint i = 0; i < f->win->diagnostics->len; i++)
    {
      const MsDiagnostic *d = f->win->diagnostics->pdata[i];
      if (!g_str_equal (d->code, MS_DIAG_VERSION_CONSTRUCTOR))
        continue;
      g_assert_null (strstr (d->message, "mstudio"));
      g_assert_nonnull (strstr (d->message, "switch the project to Mirage 4.11 or replace the device"));
      g_assert_nonnull (strstr (d->message, "the “Mirage 4.10” button in the header bar"));
    }
  pv = preview_version (f);
  g_assert_cmpstr (pv, ==, "4.10");

  /* undo with the keyboard, on the canvas */
  gtk_widget_grab_focus (GTK_WIDGET (f->win->canvas));
  xdo_key ("ctrl+z");
  test_ui_iterate (300);
  g_assert_cmpstr (ms_document_get_mirage_version (f->doc), ==, "4.11");
  g_assert_cmpstr (gtk_menu_button_get_label (menu_button (f)), ==, "Mirage 4.11");
  g_assert_nonnull (ms_palette_get_row (f->win->palette, "no_lease"));
  g_assert_false (has_diag (f, MS_DIAG_VERSION_CONSTRUCTOR, "nolease"));
}

/* Choosing the version the project already targets changes nothing. */
static void
test_same_version_is_no_step (Fixture *f, gconstpointer data)
{
  choose_version (f, "Mirage 4.11 (current release)");
  g_assert_cmpstr (ms_document_get_mirage_version (f->doc), ==, "4.11");
  g_assert_false (ms_document_can_undo (f->doc));
  g_assert_cmpuint (f->toasts->len, ==, 0);
}

/* Another program changing the file's version shows here too. */
static void
test_follows_the_file (Fixture *f, gconstpointer data)
{
  g_autoptr(MsCatalog) c411 = ms_catalog_get_default ("4.11", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) other = ms_store_open (ms_store_get_path (f->doc), c411, &error);

  g_assert_no_error (error);
  g_assert_true (ms_document_set_setting (other, MS_SETTING_MIRAGE, "4.10", &error));
  g_assert_true (ms_store_refresh (f->doc, &error));
  g_assert_no_error (error);
  test_ui_iterate (300);
  g_assert_cmpstr (gtk_menu_button_get_label (menu_button (f)), ==, "Mirage 4.10");
  g_assert_null (ms_palette_get_row (f->win->palette, "dhcp_proj_net"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("ms-version-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  if (!xdo_available ())
    {
      g_printerr ("test-version needs an X display and xdotool\n");
      return 1;
    }
  app = ms_studio_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

#define ADD(path, fn) g_test_add ("/version/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("new-project-shows-4.11", test_new_project_shows_411);
  ADD ("switch-with-the-menu", test_switch_with_the_menu);
  ADD ("same-version-is-no-step", test_same_version_is_no_step);
  ADD ("follows-the-file", test_follows_the_file);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
