/* test-window.c: a studio window as a user meets it: the start page, an
 * example opened as a project of one's own, a config.ml imported, a
 * damaged file refused with a message and left as it was, undo and redo
 * through the window's actions, and the window's size remembered. */
#include <glib/gstdio.h>
#include <string.h>

#include "ms-canvas-private.h"
#include "ms-configml.h"
#include "ms-store.h"
#include "ms-window-private.h"
#include "test-ui-util.h"

static char *tmpdir;
static MsStudioApplication *app;

static MsWindow *
new_window (void)
{
  MsWindow *win = ms_window_new (app);
  gtk_window_present (GTK_WINDOW (win));
  test_ui_iterate (50);
  return win;
}

static void
close_window (MsWindow *win)
{
  g_object_add_weak_pointer (G_OBJECT (win), (gpointer *) &win);
  gtk_window_destroy (GTK_WINDOW (win));
  test_ui_iterate (20);
  g_assert_null (win);
}

/* The message dialog a window shows, if any; closed when found. */
static char *
take_dialog_text (MsWindow *win)
{
  GListModel *tops = gtk_window_get_toplevels ();
  char *text = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (tops) && text == NULL; i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (win))
        {
          text = g_strdup_printf ("%s\n%s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)),
                                  adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (w)));
          gtk_window_destroy (w);
        }
    }
  return text;
}

static guint
count_examples (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *config = g_build_filename (dir, name, "config.ml", NULL);
      n += g_file_test (config, G_FILE_TEST_IS_REGULAR);
    }
  return n;
}

static void
test_start_page (void)
{
  MsWindow *win = new_window ();
  GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (win->start_page));
  guint cards = 0;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (win->main_stack), ==, "start");
  g_assert_null (ms_window_get_document (win));
  /* Every bundled example is offered, each with a name for screen readers. */
  for (GtkWidget *w = box; w != NULL; )
    {
      if (GTK_IS_FLOW_BOX_CHILD (w))
        {
          cards++;
          g_assert_nonnull (g_object_get_data (G_OBJECT (w), "example"));
        }
      if (gtk_widget_get_first_child (w) != NULL && !GTK_IS_FLOW_BOX_CHILD (w))
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == GTK_WIDGET (win->start_page))
                w = NULL;
            }
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_cmpuint (cards, ==, count_examples ());
  /* Without a project, project actions are off. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL) &&
                  ms_window_get_document (win) != NULL);
  close_window (win);
}

static void
test_open_example (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  MsDocument *doc;
  const char *path;
  g_autofree char *dir = NULL, *code = NULL;

  g_assert_true (ms_window_open_example (win, "network", &error));
  g_assert_no_error (error);
  doc = ms_window_get_document (win);
  g_assert_nonnull (doc);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (win->main_stack), ==, "editor");
  g_assert_nonnull (ms_document_find_device (doc, "stack"));
  /* The example became a project file of the user's, in its own folder. */
  path = ms_store_get_path (doc);
  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, tmpdir));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (adw_window_title_get_title (win->window_title), ==, "network");
  /* the canvas places the imported devices, and that is no step to undo */
  test_ui_iterate (500);
  for (guint i = 0; i < ms_document_get_devices (doc)->len; i++)
    g_assert_true (((const MsDevice *) ms_document_get_devices (doc)->pdata[i])->placed);
  g_assert_false (ms_document_can_undo (doc));

  close_window (win);

  /* hello comes with its unikernel.c, ready to build */
  win = new_window ();
  g_assert_true (ms_window_open_example (win, "hello", &error));
  dir = g_path_get_dirname (ms_store_get_path (ms_window_get_document (win)));
  code = g_build_filename (dir, "unikernel.c", NULL);
  g_assert_true (g_file_test (code, G_FILE_TEST_IS_REGULAR));
  /* a second copy of an example never reuses the first one's folder */
  {
    MsWindow *win2 = new_window ();
    g_autofree char *dir2 = NULL;
    g_assert_true (ms_window_open_example (win2, "hello", &error));
    dir2 = g_path_get_dirname (ms_store_get_path (ms_window_get_document (win2)));
    g_assert_cmpstr (dir, !=, dir2);
    close_window (win2);
  }
  close_window (win);
}

static void
test_damaged_file (void)
{
  MsWindow *win = new_window ();
  g_autofree char *path = g_build_filename (tmpdir, "damaged.mstudio", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL, *text = NULL;
  const char junk[] = "SQLite format 3\0this is not really a database at all";
  gsize len = 0;

  g_assert_true (g_file_set_contents (path, junk, sizeof junk, NULL));
  g_assert_false (ms_window_open_file (win, file, &error));
  g_assert_nonnull (error);
  /* the window says so, names the file, stays on its start page */
  text = take_dialog_text (win);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "damaged.mstudio"));
  g_assert_null (ms_window_get_document (win));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (win->main_stack), ==, "start");
  /* and the file is exactly as it was */
  g_assert_true (g_file_get_contents (path, &after, &len, NULL));
  g_assert_cmpmem (after, len, junk, sizeof junk);
  close_window (win);
}

static void
test_import_configml (void)
{
  MsWindow *win = new_window ();
  g_autofree char *src = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", "kv_ro", "config.ml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autofree char *bad = g_build_filename (tmpdir, "broken.ml", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (ms_window_open_file (win, file, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ms_store_get_path (ms_window_get_document (win)));
  g_assert_cmpuint (ms_document_get_n_devices (ms_window_get_document (win)), >, 1);
  close_window (win);

  /* what an import leaves out is kept for the toast's Details, with places */
  {
    g_autofree char *odd = g_build_filename (tmpdir, "odd.ml", NULL);
    g_autoptr(GFile) odd_file = g_file_new_for_path (odd);
    win = new_window ();
    g_assert_true (g_file_set_contents (odd, "open Mirage\nlet x = Printf.sprintf \"%d\" 3\n"
                                        "let unikernel = main \"Unikernel.Main\" job\n"
                                        "let () = register \"odd\" [ unikernel ]\n", -1, NULL));
    g_assert_true (ms_window_open_file (win, odd_file, &error));
    g_assert_nonnull (win->import_report);
    g_assert_nonnull (strstr (win->import_report, "odd.ml:2:"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-import-report", NULL));
    g_free (text);
    text = take_dialog_text (win);
    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "odd.ml:2:"));
    g_clear_pointer (&text, g_free);
    close_window (win);
  }

  /* a file with nothing to import is explained, with the place */
  win = new_window ();
  g_assert_true (g_file_set_contents (bad, "let x = (\n", -1, NULL));
  g_assert_false (ms_window_open_file (win, bad_file, &error));
  text = take_dialog_text (win);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "broken.ml:"));
  g_assert_null (ms_window_get_document (win));
  close_window (win);
}

static void
test_undo_redo (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  MsDocument *doc;
  guint n;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  doc = ms_window_get_document (win);
  test_ui_iterate (300);   /* the canvas places what the import left unplaced */
  n = ms_document_get_n_devices (doc);
  /* one step, as the canvas adds a device: insert and place */
  ms_document_begin_group (doc, "Add disk");
  {
    guint id = ms_document_add_device (doc, "block_of_file", "disk", &error);
    g_assert_cmpuint (id, >, 0);
    g_assert_true (ms_document_move_device (doc, id, 400, 300, &error));
  }
  g_assert_true (ms_document_end_group (doc, &error));
  test_ui_iterate (50);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n + 1);
  /* the buttons name the step */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (win->undo_button), ==, "Undo “Add disk” (Ctrl+Z)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL));
  test_ui_iterate (20);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (win->redo_button), ==, "Redo “Add disk” (Ctrl+Shift+Z)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.redo", NULL));
  test_ui_iterate (20);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n + 1);
  g_assert_nonnull (ms_document_find_device (doc, "disk"));

  /* the change is on disk already: another reader sees it */
  {
    g_autoptr(MsDocument) other = ms_store_open_read_only (ms_store_get_path (doc),
                                                           ms_studio_application_get_catalog (app), &error);
    g_assert_no_error (error);
    g_assert_nonnull (ms_document_find_device (other, "disk"));
  }
  close_window (win);
}

static void
test_new_project (void)
{
  MsWindow *win = new_window ();
  MsDocument *doc;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new", NULL));
  test_ui_iterate (20);
  doc = ms_window_get_document (win);
  g_assert_nonnull (doc);
  g_assert_nonnull (ms_store_get_path (doc));
  g_assert_true (g_str_has_suffix (ms_store_get_path (doc), ".mstudio"));
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 0);
  close_window (win);
}

static void
test_remembers_size (void)
{
  GSettings *settings = ms_studio_application_get_settings (app);
  MsWindow *win;
  int w = 0, h = 0;

  g_assert_nonnull (settings);
  win = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (win), 1034, 702);
  test_ui_iterate (50);
  gtk_window_close (GTK_WINDOW (win));
  test_ui_iterate (50);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1034);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 702);

  win = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (win), &w, &h);
  g_assert_cmpint (w, ==, 1034);
  g_assert_cmpint (h, ==, 702);
  close_window (win);
}

/* The exports of the menu write what the code generators give, for the
 * version and targets chosen; a project with errors needs "anyway". */
static void
test_exports (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "exports", NULL);
  g_autofree char *config = g_build_filename (dir, "config.ml", NULL);
  g_autofree char *gitlab = g_build_filename (dir, ".gitlab-ci.yml", NULL);
  g_autofree char *text = NULL, *ci = NULL, *expected = NULL;
  g_autoptr(MsCatalog) cat410 = ms_catalog_get_default ("4.10", NULL);
  MsDocument *doc;

  g_assert_true (ms_window_open_example (win, "network", &error));
  doc = ms_window_get_document (win);
  g_assert_true (_ms_window_export (win, "config.ml", "4.10", dir, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (config, &text, NULL, NULL));
  expected = ms_configml_generate (doc, cat410, MS_EXPORT_FLAGS_NONE, &error);
  g_assert_cmpstr (text, ==, expected);
  g_assert_true (g_str_has_prefix (text, "(* mirage >= 4.10"));

  g_assert_true (_ms_window_export (win, "ci", "4.11", dir, "unix,hvt", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (gitlab, &ci, NULL, NULL));
  g_assert_nonnull (strstr (ci, "- \"hvt\""));
  g_assert_nonnull (strstr (ci, "- \"unix\""));

  g_assert_true (_ms_window_export (win, "unikernel.ml", "4.11", dir, NULL, FALSE, &error));
  /* never over an existing unikernel.ml */
  g_assert_false (_ms_window_export (win, "unikernel.ml", "4.11", dir, NULL, FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a project with errors is refused unless forced */
  g_assert_true (ms_document_disconnect (doc, ms_document_find_device (doc, "stack")->id, "net", &error));
  g_assert_false (_ms_window_export (win, "config.ml", "4.11", dir, NULL, FALSE, &error));
  g_assert_true (g_error_matches (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_CHECK));
  g_clear_error (&error);
  close_window (win);
}

/* Another program (here mstudio) changing the open project: the window
 * shows the change within its refresh period, and keeps working. */
static void
test_other_process (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  MsDocument *doc;
  const char *argv[] = { g_getenv ("MSTUDIO"), "add", NULL, "ramdisk", "--as", "theirs", "name=r", NULL };
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (ms_window_open_example (win, "noop", &error));
  test_ui_iterate (300);
  doc = ms_window_get_document (win);
  argv[2] = ms_store_get_path (doc);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  test_ui_iterate (2600);
  g_assert_nonnull (ms_document_find_device (doc, "theirs"));
  /* and the window's own edits still go through */
  g_assert_cmpuint (ms_document_add_device (doc, "ramdisk", "mine", &error), >, 0);
  g_assert_no_error (error);
  close_window (win);
}

/* Save As makes a copy the window then edits; the original stays as it
 * was, and unikernel.c comes along. */
static void
test_save_as (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dest_dir = g_build_filename (tmpdir, "elsewhere", NULL);
  g_autofree char *dest = g_build_filename (dest_dir, "mine", NULL);
  g_autofree char *original = NULL, *code = NULL;
  MsDocument *doc;

  g_assert_true (ms_window_open_example (win, "hello", &error));
  test_ui_iterate (300);
  original = g_strdup (ms_store_get_path (ms_window_get_document (win)));
  g_assert_cmpint (g_mkdir_with_parents (dest_dir, 0755), ==, 0);
  g_assert_true (_ms_window_save_as (win, dest, &error));
  g_assert_no_error (error);
  doc = ms_window_get_document (win);
  g_assert_true (g_str_has_suffix (ms_store_get_path (doc), "elsewhere/mine.mstudio"));
  code = g_build_filename (dest_dir, "unikernel.c", NULL);
  g_assert_true (g_file_test (code, G_FILE_TEST_IS_REGULAR));
  /* edits now go to the copy only */
  g_assert_cmpuint (ms_document_add_device (doc, "ramdisk", "scratch", &error), >, 0);
  {
    g_autoptr(MsDocument) old = ms_store_open_read_only (original, ms_studio_application_get_catalog (app), &error);
    g_assert_no_error (error);
    g_assert_null (ms_document_find_device (old, "scratch"));
  }
  /* a folder that cannot be written is reported, and the window keeps its project */
  g_assert_false (_ms_window_save_as (win, "/proc/nope/x.mstudio", &error));
  g_assert_nonnull (error);
  g_free (take_dialog_text (win));
  g_assert_true (ms_window_get_document (win) == doc);
  close_window (win);
}

/* At 800x600 the side panes fold into overlays and the canvas keeps
 * most of the width; each pane still opens on demand. */
static void
test_narrow (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (win), 800, 600);
  g_assert_true (ms_window_open_example (win, "network", &error));
  TEST_UI_ITERATE_UNTIL (gtk_widget_get_width (GTK_WIDGET (win)) > 0
                         && gtk_widget_get_width (GTK_WIDGET (win)) <= 820
                         && gtk_widget_get_width (GTK_WIDGET (win->canvas)) >= 400
                         && adw_flap_get_folded (win->inspector_flap), 10000);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win)), <=, 820);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win->canvas)), >=, 400);
  /* at this width one pane folds away: the inspector, which opens over
   * the canvas on demand */
  g_assert_true (adw_flap_get_folded (win->inspector_flap));
  {
    gboolean shown = adw_flap_get_reveal_flap (win->palette_flap);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.toggle-palette", NULL));
    TEST_UI_ITERATE_UNTIL (adw_flap_get_reveal_flap (win->palette_flap) != shown, 10000);
    g_assert_true (adw_flap_get_reveal_flap (win->palette_flap) != shown);
    if (shown)
      {
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.toggle-palette", NULL));
        TEST_UI_ITERATE_UNTIL (adw_flap_get_reveal_flap (win->palette_flap), 10000);
      }
  }
  g_assert_true (adw_flap_get_reveal_flap (win->palette_flap));
  TEST_UI_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (win->palette))
                         && gtk_widget_get_width (GTK_WIDGET (win->palette)) >= 200, 10000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (win->palette)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win->palette)), >=, 200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.toggle-inspector", NULL));
  TEST_UI_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (win->inspector)), 10000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (win->inspector)));
  close_window (win);
}

/* The picture of the studio the README shows: the network example in a
 * 1280x800 window, as drawn by the window's own renderer. Written to
 * $MS_SCREENSHOT (tools/screenshot) or studio-screenshot.png here. */
/* One evaluation per change: the checks' own gives the canvas its
 * branch pills, and the canvas evaluates nothing itself. */
static void
test_one_evaluation (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  MsDocument *doc;
  guint stack;

  g_assert_true (ms_window_open_example (win, "network", &error));
  test_ui_iterate (300);
  doc = ms_window_get_document (win);
  stack = ms_document_find_device (doc, "stack")->id;
  before = g_strdup (_ms_canvas_get_variant (win->canvas, stack));
  g_assert_nonnull (before);
  g_assert_true (win->canvas->external_eval);

  /* the example targets Mirage 4.11, whose generic_stackv4v6 asks DHCP on
   * every target unless --no-dhcp is given */
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
  g_assert_true (ms_document_set_setting (doc, "key:no_dhcp", "true", &error));
  g_assert_cmpuint (win->canvas->eval_idle, ==, 0);   /* nothing of its own queued */
  TEST_UI_ITERATE_UNTIL (g_strcmp0 (_ms_canvas_get_variant (win->canvas, stack), before) != 0, 10000);
  g_assert_nonnull (_ms_canvas_get_variant (win->canvas, stack));
  g_assert_cmpstr (_ms_canvas_get_variant (win->canvas, stack), !=, before);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL));
  TEST_UI_ITERATE_UNTIL (g_strcmp0 (_ms_canvas_get_variant (win->canvas, stack), before) == 0, 10000);
  g_assert_cmpstr (_ms_canvas_get_variant (win->canvas, stack), ==, before);
  close_window (win);
}

/* A wire chosen on the canvas shows in the inspector, whose rows show
 * either end on the canvas again. */
static void
test_wire_selection (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  MsDocument *doc;
  guint net, stack, target = 0;
  const char *param = NULL;
  g_autoptr(GArray) sel = NULL;

  g_assert_true (ms_window_open_example (win, "network", &error));
  test_ui_iterate (300);
  doc = ms_window_get_document (win);
  net = ms_document_find_device (doc, "net")->id;
  stack = ms_document_find_device (doc, "stack")->id;
  g_assert_cmpuint (ms_document_get_source (doc, stack, "net"), ==, net);

  ms_canvas_select_wire (win->canvas, stack, "net");
  test_ui_iterate (50);
  g_assert_true (ms_inspector_get_wire (win->inspector, &target, &param));
  g_assert_cmpuint (target, ==, stack);
  g_assert_cmpstr (param, ==, "net");

  g_signal_emit_by_name (win->inspector, "reveal", net, NULL);
  test_ui_iterate (50);
  sel = ms_canvas_get_selection (win->canvas);
  g_assert_cmpuint (sel->len, ==, 1);
  g_assert_cmpuint (g_array_index (sel, guint, 0), ==, net);
  g_assert_false (ms_canvas_get_selected_wire (win->canvas, NULL, NULL));
  g_assert_false (ms_inspector_get_wire (win->inspector, NULL, NULL));
  g_assert_cmpuint (ms_inspector_get_device (win->inspector), ==, net);
  close_window (win);
}

static void
test_screenshot (void)
{
  MsWindow *win = new_window ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  const char *out = g_getenv ("MS_SCREENSHOT") ? g_getenv ("MS_SCREENSHOT") : "studio-screenshot.png";
  guchar *pixels;
  int w, h;
  gboolean varied = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  g_assert_true (ms_window_open_example (win, "network", &error));
  test_ui_iterate (600);
  ms_canvas_zoom_to_fit (win->canvas);
  ms_canvas_select (win->canvas, (guint[]) { ms_document_find_device (ms_window_get_document (win), "stack")->id }, 1);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.show-code", NULL);
  test_ui_iterate (600);

  w = gtk_widget_get_width (GTK_WIDGET (win));
  h = gtk_widget_get_height (GTK_WIDGET (win));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (win));
  /* the window's last frame: on a loaded machine the panes may still be
   * settling (a redraw queued, no frame yet), so wait for one, bounded */
  for (int i = 0; i < 50 && node == NULL; i++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        test_ui_iterate (100);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (win)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, w);
  g_assert_cmpint (w, >=, 1200);
  /* not a blank frame */
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  for (gsize i = 4; i < (gsize) w * h * 4 && !varied; i += 4)
    varied = memcmp (pixels, pixels + i, 4) != 0;
  g_free (pixels);
  g_assert_true (varied);
  g_assert_true (gdk_texture_save_to_png (texture, out));
  close_window (win);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("ms-window-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = ms_studio_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ms_studio_application_get_catalog (app));

  g_test_add_func ("/window/start-page", test_start_page);
  g_test_add_func ("/window/open-example", test_open_example);
  g_test_add_func ("/window/damaged-file", test_damaged_file);
  g_test_add_func ("/window/import-config-ml", test_import_configml);
  g_test_add_func ("/window/undo-redo", test_undo_redo);
  g_test_add_func ("/window/new-project", test_new_project);
  g_test_add_func ("/window/remembers-size", test_remembers_size);
  g_test_add_func ("/window/save-as", test_save_as);
  g_test_add_func ("/window/exports", test_exports);
  g_test_add_func ("/window/other-process", test_other_process);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/wire-selection", test_wire_selection);
  g_test_add_func ("/window/one-evaluation", test_one_evaluation);
  g_test_add_func ("/window/screenshot", test_screenshot);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
