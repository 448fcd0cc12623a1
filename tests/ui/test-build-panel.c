/* test-build-panel.c: the Build & Run panel drives the real mstudio on
 * real projects made from the examples: build, run with the unikernel's
 * log, stop, compiler problems at the right line, the runtime-arguments
 * form, and the skeleton for a project without unikernel.c. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "ms-build-panel.h"
#include "ms-build-parse.h"
#include "ms-resources.h"
#include "ms-store.h"
#include "test-ui-util.h"

typedef struct {
  char *dir;
  char *path;
  MsDocument *doc;
  GtkWidget *window;
  GtkWidget *panel;
  int n_finished;
  gboolean success;
} Fixture;

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* popovers are skipped: a drop-down's hidden popover has its own entries */
static void
find_all (GtkWidget *w, GType type, GPtrArray *out)
{
  if (GTK_IS_POPOVER (w))
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    find_all (c, type, out);
}

static GtkWidget *
find_nth (GtkWidget *w, GType type, guint n)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  find_all (w, type, all);
  g_assert_cmpuint (all->len, >, n);
  return all->pdata[n];
}

/* what the log view shows now, after its filters */
static char *
shown_log (Fixture *f)
{
  GtkWidget *view = find_nth (f->panel, GTK_TYPE_TEXT_VIEW, 0);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter a, b;

  gtk_text_buffer_get_bounds (buffer, &a, &b);
  return gtk_text_buffer_get_text (buffer, &a, &b, FALSE);
}

/* whether the toolbar button for an action can be pressed */
static gboolean
button_sensitive (Fixture *f, const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  find_all (f->panel, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action) == 0)
      return gtk_widget_is_sensitive (buttons->pdata[i]);
  g_error ("no button for %s", action);
  return FALSE;
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(int *) data)++;
}

static void
on_finished (MsBuildPanel *panel, gboolean success, Fixture *f)
{
  f->n_finished++;
  f->success = success;
}

/* Waits for the next "finished" (at most timeout_s). */
static gboolean
wait_finished (Fixture *f, int before, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (f->n_finished == before && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (f->n_finished == before)
    {
      g_autofree char *log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f->panel));
      g_test_message ("log so far:\n%s", log);
      return FALSE;
    }
  return TRUE;
}

static gboolean
wait_log (Fixture *f, const char *needle, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f->panel));
      if (strstr (log, needle) != NULL)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return FALSE;
}

/* `mstudio new P --name NAME --example EXAMPLE`, for real */
static void
mstudio_new (const char *path, const char *name, const char *example)
{
  const char *mstudio = g_getenv ("MSTUDIO");
  const char *argv[] = { mstudio, "new", path, "--name", name, "--example", example, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_assert_nonnull (mstudio);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mstudio new failed: %s", err);
}

static void
copy_example_source (const char *dir, const char *example)
{
  g_autofree char *from = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", example, "unikernel.c", NULL);
  g_autofree char *to = g_build_filename (dir, "unikernel.c", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &text, NULL, &error));
  g_assert_true (g_file_set_contents (to, text, -1, &error));
}

static void
fixture_setup (Fixture *f, const char *example, gboolean with_source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("4.10", &error);
  g_autofree char *file = g_strconcat (example, ".mstudio", NULL);

  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("ms-build-panel-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, file, NULL);
  mstudio_new (f->path, example, example);
  if (with_source)
    copy_example_source (f->dir, example);
  f->doc = ms_store_open (f->path, cat, &error);
  g_assert_no_error (error);

  f->window = gtk_window_new ();
  f->panel = ms_build_panel_new ();
  g_object_ref_sink (f->panel);
  g_signal_connect (f->panel, "finished", G_CALLBACK (on_finished), f);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (f->window), f->panel);
  gtk_window_present (GTK_WINDOW (f->window));
  ms_build_panel_set_document (MS_BUILD_PANEL (f->panel), f->doc);
  test_ui_iterate (100);
}

static void
rm_rf (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
      g_dir_close (d);
      g_rmdir (path);
    }
}

/* Whether a process runs a program from under dir (the built unikernel). */
static gboolean
runs_from (const char *dir)
{
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gboolean found = FALSE;

  g_assert_nonnull (proc);
  while (!found && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *link = NULL;
      g_autofree char *exe = NULL;

      if (!g_ascii_isdigit (name[0]))
        continue;
      link = g_build_filename ("/proc", name, "exe", NULL);
      exe = g_file_read_link (link, NULL);
      if (exe != NULL && g_str_has_prefix (exe, dir))
        {
          g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
          g_autofree char *stat = NULL;
          const char *paren;
          /* a zombie is no longer running */
          found = !(g_file_get_contents (stat_path, &stat, NULL, NULL)
                    && (paren = strrchr (stat, ')')) != NULL && paren[1] == ' ' && paren[2] == 'Z');
        }
    }
  g_dir_close (proc);
  return found;
}

static void
fixture_teardown (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  test_ui_drain ();
  g_assert_finalize_object (f->panel);
  /* closing the panel ends what it started (a killed process may take a
   * moment to go, on a loaded machine) */
  for (int i = 0; i < 50 && runs_from (f->dir); i++)
    test_ui_iterate (100);
  g_assert_false (runs_from (f->dir));
  g_clear_object (&f->doc);
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static GtkStack *
panel_stack (Fixture *f)
{
  return GTK_STACK (gtk_widget_get_first_child (f->panel));
}

static void
test_build_run_stop (void)
{
  Fixture f = { 0 };
  g_autofree char *log = NULL;
  g_autofree char *exe = NULL;
  int n, n_running = 0;

  fixture_setup (&f, "hello", TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (panel_stack (&f)), ==, "panel");
  g_assert_true (button_sensitive (&f, "build.build"));
  g_assert_true (button_sensitive (&f, "build.run"));
  g_assert_false (button_sensitive (&f, "build.stop"));

  /* build: a subprocess, the window keeps running meanwhile, with progress */
  g_signal_connect (f.panel, "notify::running", G_CALLBACK (on_notify), &n_running);
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_true (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));
  g_assert_cmpint (n_running, ==, 1);
  g_assert_false (button_sensitive (&f, "build.build"));
  g_assert_false (button_sensitive (&f, "build.run"));
  g_assert_true (button_sensitive (&f, "build.stop"));
  g_assert_true (gtk_widget_get_visible (find_nth (f.panel, GTK_TYPE_PROGRESS_BAR, 0)));
  n = f.n_finished;
  g_assert_true (wait_finished (&f, n, 120));
  g_assert_cmpint (n_running, ==, 2);
  g_assert_true (button_sensitive (&f, "build.run"));
  g_assert_false (button_sensitive (&f, "build.stop"));
  g_assert_false (gtk_widget_get_visible (find_nth (f.panel, GTK_TYPE_PROGRESS_BAR, 0)));
  g_assert_true (f.success);
  g_assert_false (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  exe = g_build_filename (f.dir, "_build", "hello", NULL);
  g_assert_nonnull (strstr (log, exe));
  g_assert_true (g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE));
  g_assert_cmpuint (ms_build_panel_get_n_problems (MS_BUILD_PANEL (f.panel)), ==, 0);

  /* run: the unikernel's four lines, a second apart, then a clean exit */
  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 60));
  g_assert_true (f.success);
  g_clear_pointer (&log, g_free);
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  g_test_message ("%s", log);
  g_assert_cmpuint (count (log, "[INFO] [application] Hello World!"), ==, 4);
  {
    /* the level comes from the unikernel's own line, not from any "20" in a path */
    const char *hello = strstr (log, "[INFO] [application] Hello World!");
    const char *line = hello;

    while (line > log && line[-1] != '\n')
      line--;
    g_assert_cmpint (ms_build_parse_level (line), ==, MS_LOG_LEVEL_INFO);
  }

  /* the filters: by level (the lines are info), by text */
  {
    GtkWidget *levels = find_nth (f.panel, GTK_TYPE_DROP_DOWN, 1);
    GtkWidget *search = find_nth (f.panel, GTK_TYPE_SEARCH_ENTRY, 0);
    g_autofree char *all = shown_log (&f);
    g_autofree char *errors = NULL;
    g_autofree char *found = NULL;
    g_autofree char *none = NULL;

    g_assert_cmpuint (count (all, "Hello World!"), ==, 4);
    gtk_drop_down_set_selected (GTK_DROP_DOWN (levels), 3);
    errors = shown_log (&f);
    g_assert_cmpuint (count (errors, "Hello World!"), ==, 0);
    g_assert_nonnull (strstr (errors, "mstudio run"));  /* the panel's own lines stay */
    gtk_drop_down_set_selected (GTK_DROP_DOWN (levels), 0);
    gtk_editable_set_text (GTK_EDITABLE (search), "WORLD");
    g_signal_emit_by_name (search, "search-changed");
    found = shown_log (&f);
    g_assert_cmpuint (count (found, "Hello World!"), ==, 4);
    gtk_editable_set_text (GTK_EDITABLE (search), "bonjour");
    g_signal_emit_by_name (search, "search-changed");
    none = shown_log (&f);
    g_assert_cmpuint (count (none, "Hello World!"), ==, 0);
    gtk_editable_set_text (GTK_EDITABLE (search), "");
    g_signal_emit_by_name (search, "search-changed");
  }

  /* stop: SIGTERM ends the running unikernel before its four lines */
  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "Hello World!", 30));
  g_assert_true (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));
  ms_build_panel_stop (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 10));
  g_assert_false (f.success);
  g_assert_false (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));
  g_clear_pointer (&log, g_free);
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  g_assert_cmpuint (count (log, "Hello World!"), <, 4);
  g_assert_false (runs_from (f.dir));  /* "finished" comes after the process is reaped */

  /* -t sandbox: the same program under its seccomp filter */
  ms_build_panel_set_target (MS_BUILD_PANEL (f.panel), "sandbox");
  n = f.n_finished;
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 120));
  g_assert_true (f.success);
  g_clear_pointer (&log, g_free);
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  g_assert_nonnull (strstr (log, " build "));
  g_assert_nonnull (strstr (log, " -t sandbox\n"));
  ms_build_panel_set_target (MS_BUILD_PANEL (f.panel), "unix");

  /* closing the panel while the unikernel runs kills it (teardown checks) */
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "Hello World!", 30));
  g_assert_true (runs_from (f.dir));

  fixture_teardown (&f);
}

static gboolean
on_open_source (MsBuildPanel *panel, const char *path, int line, int column, gpointer data)
{
  char **where = data;

  g_free (*where);
  *where = g_strdup_printf ("%s:%d:%d", path, line, column);
  return TRUE;
}

static void
test_compiler_error (void)
{
  Fixture f = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *where = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  int n;

  fixture_setup (&f, "hello", TRUE);
  source = g_build_filename (f.dir, "unikernel.c", NULL);
  /* line 7 lacks an expression */
  g_assert_true (g_file_set_contents (source,
                                      "#include \"unikernel.h\"\n"
                                      "\n"
                                      "int\n"
                                      "unikernel_start (void)\n"
                                      "{\n"
                                      "  int x =\n"
                                      "  return 0;\n"
                                      "}\n", -1, &error));
  n = f.n_finished;
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 120));
  g_assert_false (f.success);
  g_assert_cmpuint (ms_build_panel_get_n_problems (MS_BUILD_PANEL (f.panel)), >=, 1);

  g_signal_connect (f.panel, "open-source", G_CALLBACK (on_open_source), &where);
  ms_build_panel_activate_problem (MS_BUILD_PANEL (f.panel), 0);
  expected = g_strdup_printf ("%s:7:", source);
  g_assert_nonnull (where);
  g_test_message ("opened %s", where);
  g_assert_true (g_str_has_prefix (where, expected));

  /* nobody handles it and there is no gnome-text-editor: the location is shown */
  g_signal_handlers_disconnect_by_func (f.panel, on_open_source, &where);
  {
    g_autofree char *editor = g_find_program_in_path ("gnome-text-editor");
    if (editor == NULL)
      {
        GtkWidget *revealer = find_nth (f.panel, GTK_TYPE_REVEALER, 0);
        GtkWidget *label = find_nth (revealer, GTK_TYPE_LABEL, 0);
        g_autofree char *line7 = g_strdup_printf ("%s, line 7", source);

        g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
        ms_build_panel_activate_problem (MS_BUILD_PANEL (f.panel), 0);
        g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
        g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), line7));
      }
  }

  fixture_teardown (&f);
}

static void
test_runtime_args (void)
{
  Fixture f = { 0 };
  GtkWidget *editor;
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) args2 = NULL;
  g_autofree char *log = NULL;
  int n;

  fixture_setup (&f, "hello-key", TRUE);
  editor = ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "hello");
  g_assert_nonnull (editor);
  g_assert_true (ADW_IS_ENTRY_ROW (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, "Hello World!");
  g_assert_true (gtk_widget_is_ancestor (editor, f.panel));
  /* the runtime's own arguments are typed: --delay is a number */
  g_assert_true (GTK_IS_SPIN_BUTTON (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "delay")));
  /* only the OCaml runtime reads cmdliner-stdlib's flags */
  g_assert_null (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "cmdliner_stdlib"));

  /* defaults are not passed */
  args = ms_build_panel_get_run_arguments (MS_BUILD_PANEL (f.panel));
  g_assert_cmpuint (g_strv_length (args), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (editor), "Bonjour");
  args2 = ms_build_panel_get_run_arguments (MS_BUILD_PANEL (f.panel));
  g_assert_cmpuint (g_strv_length (args2), ==, 1);
  g_assert_cmpstr (args2[0], ==, "--hello=Bonjour");

  /* a changed value can be reset to the default */
  {
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GtkWidget *reset = NULL;
    g_auto(GStrv) none = NULL;

    find_all (editor, GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_button_get_icon_name (buttons->pdata[i]), "edit-undo-symbolic") == 0)
        reset = buttons->pdata[i];
    g_assert_nonnull (reset);

    g_assert_true (gtk_widget_get_visible (reset));
    g_signal_emit_by_name (reset, "clicked");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, "Hello World!");
    g_assert_false (gtk_widget_get_visible (reset));
    none = ms_build_panel_get_run_arguments (MS_BUILD_PANEL (f.panel));
    g_assert_cmpuint (g_strv_length (none), ==, 0);
    gtk_editable_set_text (GTK_EDITABLE (editor), "Bonjour");
  }

  /* an unrelated edit of the graph keeps the form and its value */
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (ms_document_set_setting (f.doc, MS_SETTING_NAME, "hello-key-2", &error));
    test_ui_iterate (100);
    g_assert_true (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "hello") == editor);
  }

  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "Bonjour", 120));
  ms_build_panel_stop (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 10));
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  g_assert_nonnull (strstr (log, "-- --hello=Bonjour"));
  g_assert_null (strstr (log, "Hello World!"));

  fixture_teardown (&f);
}

/* A unikernel that ignores SIGTERM is killed 2 s after Stop. */
static void
test_stop_kills (void)
{
  Fixture f = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  gint64 stopped_at;
  double waited;
  int n;

  fixture_setup (&f, "hello", TRUE);
  source = g_build_filename (f.dir, "unikernel.c", NULL);
  g_assert_true (g_file_set_contents (source,
                                      "#include <signal.h>\n"
                                      "#include \"unikernel.h\"\n"
                                      "\n"
                                      "int\n"
                                      "unikernel_start (void)\n"
                                      "{\n"
                                      "  signal (SIGTERM, SIG_IGN);\n"
                                      "  mirage_log_info (&mirage_log_application, \"stubborn\");\n"
                                      "  for (int n = 0; n < 60; n++)\n"
                                      "    mirage_sleep_ns (mirage_sleep_device, MIRAGE_NS_PER_S);\n"
                                      "  return 0;\n"
                                      "}\n", -1, &error));
  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "stubborn", 120));
  stopped_at = g_get_monotonic_time ();
  ms_build_panel_stop (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 20));
  waited = (g_get_monotonic_time () - stopped_at) / 1e6;
  g_test_message ("ended %.1f s after Stop", waited);
  g_assert_cmpfloat (waited, >=, 1.5);
  g_assert_false (f.success);
  log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
  g_assert_nonnull (strstr (log, "SIGTERM"));

  fixture_teardown (&f);
}

static void
test_skeleton (void)
{
  Fixture f = { 0 };
  g_autofree char *source = NULL;
  gint64 end;
  int n;

  fixture_setup (&f, "hello", FALSE);
  source = g_build_filename (f.dir, "unikernel.c", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (panel_stack (&f)), ==, "setup");

  /* Build does nothing without a unikernel.c */
  n = f.n_finished;
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_false (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));

  gtk_widget_activate_action (f.panel, "build.skeleton", NULL);
  g_assert_true (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)));
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (ms_build_panel_get_running (MS_BUILD_PANEL (f.panel)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (panel_stack (&f)), ==, "panel");

  /* unikernel.c removed behind the panel's back: the setup page again,
   * and back when it reappears (file monitor) */
  {
    g_autofree char *saved = g_strconcat (source, ".saved", NULL);
    gint64 until;

    g_assert_cmpint (g_rename (source, saved), ==, 0);
    until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (g_strcmp0 (gtk_stack_get_visible_child_name (panel_stack (&f)), "setup") != 0
           && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (panel_stack (&f)), ==, "setup");
    g_assert_cmpint (g_rename (saved, source), ==, 0);
    until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (g_strcmp0 (gtk_stack_get_visible_child_name (panel_stack (&f)), "panel") != 0
           && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (panel_stack (&f)), ==, "panel");
  }

  /* the skeleton compiles as it is */
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 120));
  g_assert_true (f.success);

  fixture_teardown (&f);
}

/* A project only in memory cannot be built, and says so. */
static void
test_no_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("4.10", &error);
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  GtkWidget *panel = ms_build_panel_new ();
  GtkStack *stack;

  g_object_ref_sink (panel);
  ms_build_panel_set_document (MS_BUILD_PANEL (panel), doc);
  stack = GTK_STACK (gtk_widget_get_first_child (panel));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "setup");
  ms_build_panel_run (MS_BUILD_PANEL (panel));
  g_assert_false (ms_build_panel_get_running (MS_BUILD_PANEL (panel)));
  g_assert_finalize_object (panel);
}

static void
test_parse (void)
{
  g_autoptr(MsCompilerProblem) p = NULL;
  g_autoptr(MsCompilerProblem) g = NULL;

  g_assert_cmpint (ms_build_parse_level ("2026-12-01T19:20:08-00:00: [ERROR] [net] down"), ==, MS_LOG_LEVEL_ERROR);
  g_assert_cmpint (ms_build_parse_level ("2026-12-01T19:20:08-00:00: [WARNING] [net] slow"), ==, MS_LOG_LEVEL_WARNING);
  g_assert_cmpint (ms_build_parse_level ("2026-12-01T19:20:08-00:00: [DEBUG] [net] x"), ==, MS_LOG_LEVEL_DEBUG);
  g_assert_cmpint (ms_build_parse_level ("2026-12-01T19:20:08-00:00: [application] app level"), ==, MS_LOG_LEVEL_INFO);
  g_assert_cmpint (ms_build_parse_level ("/tmp/x/_build/hello"), ==, MS_LOG_LEVEL_INFO);
  g_assert_cmpint (ms_build_parse_level ("hk: option '--delay': invalid value 'x', expected a non-negative integer"),
                   ==, MS_LOG_LEVEL_ERROR);
  /* a reporter line is what its tag says, whatever its words */
  g_assert_cmpint (ms_build_parse_level ("2026-12-01T19:20:08-00:00: [INFO] [application] no error here"),
                   ==, MS_LOG_LEVEL_INFO);
  g_assert_cmpint (ms_build_parse_level ("mstudio: P.mstudio: cannot build: the C compiler failed"), ==, MS_LOG_LEVEL_ERROR);

  p = ms_build_parse_compiler_line ("mstudio: /a b/P.mstudio: /a b/unikernel.c:12:5: warning: unused variable ‘x’");
  g_assert_nonnull (p);
  g_assert_cmpstr (p->path, ==, "/a b/unikernel.c");
  g_assert_cmpint (p->line, ==, 12);
  g_assert_cmpint (p->column, ==, 5);
  g_assert_cmpint (p->level, ==, MS_LOG_LEVEL_WARNING);
  g_assert_cmpstr (p->message, ==, "unused variable ‘x’");
  g_assert_null (p->device);

  g = ms_build_parse_compiler_line ("mstudio: P.mstudio: device disk (direct_kv_ro): generated /o/main.c:40:3: error: bad");
  g_assert_nonnull (g);
  g_assert_cmpstr (g->path, ==, "/o/main.c");
  g_assert_cmpint (g->line, ==, 40);
  g_assert_cmpstr (g->device, ==, "disk");
  g_assert_cmpint (g->level, ==, MS_LOG_LEVEL_ERROR);

  g_assert_null (ms_build_parse_compiler_line ("mstudio: P.mstudio: cannot build: the C compiler failed"));
  g_assert_null (ms_build_parse_compiler_line ("unikernel.c:1:1: error: not from mstudio"));

  /* MSTUDIO wins */
  {
    g_autofree char *m = ms_build_find_mstudio ();
    g_assert_cmpstr (m, ==, g_getenv ("MSTUDIO"));
  }
}

/* The network devices' runtime arguments are in the form (dns-lookup:
 * the DNS client's and happy eyeballs' flags next to the unikernel's). */
static void
test_network_args (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) args = NULL;
  GtkWidget *servers;

  fixture_setup (&f, "dns-lookup", TRUE);
  /* the example targets Mirage 4.11, whose DNS and happy-eyeballs flags
   * are dashed (--dns-servers; 4.10 had --dns_servers) */
  servers = ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "dns-servers");
  g_assert_nonnull (servers);
  g_assert_null (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "dns_servers"));
  g_assert_nonnull (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "dns-timeout"));
  g_assert_nonnull (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "dns-cache-size"));
  g_assert_nonnull (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "he-connect-delay"));
  g_assert_nonnull (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "names"));
  gtk_editable_set_text (GTK_EDITABLE (servers), "udp:127.0.0.1:5353");
  args = ms_build_panel_get_run_arguments (MS_BUILD_PANEL (f.panel));
  g_assert_cmpuint (g_strv_length (args), ==, 1);
  g_assert_cmpstr (args[0], ==, "--dns-servers=udp:127.0.0.1:5353");
  fixture_teardown (&f);
}

/* An origin for http-fetch: answers each connection with one small
 * response (a thread of GLib's socket service, so the test's main loop
 * runs on). */
static gboolean
on_http_run (GThreadedSocketService *service, GSocketConnection *connection,
             GObject *source, gpointer data)
{
  static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char buf[4096];
  gsize got = 0;
  gssize n;

  while (got < sizeof buf - 1 && (n = g_input_stream_read (in, buf + got, sizeof buf - 1 - got, NULL, NULL)) > 0)
    {
      got += (gsize) n;
      buf[got] = '\0';
      if (strstr (buf, "\r\n\r\n") != NULL)
        break;
    }
  g_output_stream_write_all (out, answer, sizeof answer - 1, NULL, NULL, NULL);
  return FALSE;
}

/* http-fetch runs from the studio: --url in the form, the fetch's
 * status and size in the log. */
static void
test_http_fetch (void)
{
  Fixture f = { 0 };
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_auto(GStrv) args = NULL;
  GtkWidget *editor;
  int n;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (on_http_run), NULL);
  g_socket_service_start (service);
  url = g_strdup_printf ("http://127.0.0.1:%u/hello.txt",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  fixture_setup (&f, "http-fetch", TRUE);
  editor = ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "url");
  g_assert_nonnull (editor);
  g_assert_nonnull (ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "authenticator"));
  gtk_editable_set_text (GTK_EDITABLE (editor), url);
  args = ms_build_panel_get_run_arguments (MS_BUILD_PANEL (f.panel));
  g_assert_cmpuint (g_strv_length (args), ==, 1);
  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "body: 5 bytes", 180));
  g_assert_true (wait_finished (&f, n, 30));
  {
    g_autofree char *log = ms_build_panel_get_log_text (MS_BUILD_PANEL (f.panel));
    g_assert_nonnull (strstr (log, "status: 200"));
  }
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  fixture_teardown (&f);
}

/* git-kv runs from the studio: --remote and --key in the form, against
 * a git daemon serving a repository made here with git; the file's
 * content, read from the synced store, in the log. */
static void
test_git_kv (void)
{
  Fixture f = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("ms-git-kv-XXXXXX", NULL);
  g_autofree char *work = g_build_filename (dir, "work", NULL);
  g_autofree char *bare = g_build_filename (dir, "repo.git", NULL);
  g_autofree char *file = g_build_filename (work, "hello.txt", NULL);
  g_autofree char *port = NULL, *remote = NULL;
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GPid daemon;
  GtkWidget *editor;
  int n, status;

  /* a repository, made and committed with real git */
  const char *init[] = { "git", "init", "-q", "-b", "main", work, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) init, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_true (g_file_set_contents (file, "from the store\n", -1, &error));
  const char *commit[] = { "git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                           "--allow-empty", "-m", "one", NULL };
  const char *add[] = { "git", "-C", work, "add", "hello.txt", NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) add, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_true (g_spawn_sync (NULL, (char **) commit, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  const char *clone[] = { "git", "clone", "-q", "--bare", work, bare, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) clone, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* a free port for git daemon */
  g_assert_true (g_socket_bind (probe, addr, FALSE, &error));
  bound = g_socket_get_local_address (probe, &error);
  port = g_strdup_printf ("--port=%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  remote = g_strdup_printf ("git://127.0.0.1:%u/repo.git", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (probe, NULL);
  g_autofree char *base = g_strdup_printf ("--base-path=%s", dir);
  const char *serve[] = { "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", port, base, dir, NULL };
  g_assert_true (g_spawn_async (NULL, (char **) serve, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &daemon, &error));
  g_usleep (G_USEC_PER_SEC / 2);

  fixture_setup (&f, "git-kv", TRUE);
  editor = ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "remote");
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (editor), remote);
  editor = ms_build_panel_get_arg_widget (MS_BUILD_PANEL (f.panel), "key");
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (editor), "hello.txt");
  n = f.n_finished;
  ms_build_panel_run (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_log (&f, "from the store", 240));
  g_assert_true (wait_finished (&f, n, 30));
  fixture_teardown (&f);
  kill (daemon, SIGTERM);
  waitpid (daemon, NULL, 0);
  g_spawn_close_pid (daemon);
  const char *rmv[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync (NULL, (char **) rmv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* The status is readable whatever its length: it wraps instead of being
 * cut ("The unikerne…"), and its tooltip holds the whole text. */
static void
test_status_readable (void)
{
  Fixture f = { 0 };
  g_autofree char *saved = g_strdup (g_getenv ("MSTUDIO"));
  GtkWidget *status = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  int n;

  fixture_setup (&f, "hello", TRUE);
  /* a program that is not there: the panel says so in a long status */
  g_setenv ("MSTUDIO", "/nonexistent/folder/of/tools/for/this/test/mstudio", TRUE);
  n = f.n_finished;
  ms_build_panel_build (MS_BUILD_PANEL (f.panel));
  g_assert_true (wait_finished (&f, n, 30));
  g_setenv ("MSTUDIO", saved, TRUE);
  g_assert_false (f.success);
  test_ui_iterate (200);

  find_all (f.panel, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_text (labels->pdata[i]), "Cannot start mstudio"))
      status = labels->pdata[i];
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (status), ==, gtk_label_get_text (GTK_LABEL (status)));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (status))));
  fixture_teardown (&f);
}

/* Build & Run builds for Linux; an application aimed at hvt is told so,
 * with the exports that do build for it; drop-downs have no tooltip over
 * their own list, the row says what they are. */
static void
test_target_info (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  g_autoptr(GPtrArray) drops = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *info = NULL;
  gboolean said_linux = FALSE;

  fixture_setup (&f, "hello", TRUE);
  find_all (f.panel, GTK_TYPE_BOX, boxes);
  for (guint i = 0; i < boxes->len; i++)
    if (gtk_widget_has_css_class (boxes->pdata[i], "ms-target-info"))
      info = boxes->pdata[i];
  g_assert_nonnull (info);
  g_assert_false (gtk_widget_get_visible (info));

  g_assert_true (ms_document_set_setting (f.doc, "target", "hvt", &error));
  g_assert_no_error (error);
  test_ui_iterate (50);
  g_assert_true (gtk_widget_get_visible (info));
  {
    GtkWidget *label = find_nth (info, GTK_TYPE_LABEL, 0);
    const char *text = gtk_label_get_text (GTK_LABEL (label));
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    g_assert_nonnull (strstr (text, "hvt"));
    g_assert_nonnull (strstr (text, "Linux"));
    find_all (info, GTK_TYPE_BUTTON, buttons);
    g_assert_cmpuint (buttons->len, ==, 2);
    g_assert_cmpstr (gtk_actionable_get_action_name (buttons->pdata[0]), ==, "win.export-config");
    g_assert_cmpstr (gtk_actionable_get_action_name (buttons->pdata[1]), ==, "win.export-ci");
  }
  g_assert_true (ms_document_set_setting (f.doc, "target", "unix", &error));
  test_ui_iterate (50);
  g_assert_false (gtk_widget_get_visible (info));

  /* what the run target drop-down is about is on the row, not in a tooltip */
  find_all (f.panel, GTK_TYPE_DROP_DOWN, drops);
  g_assert_cmpuint (drops->len, >=, 2);
  for (guint i = 0; i < drops->len; i++)
    g_assert_null (gtk_widget_get_tooltip_text (drops->pdata[i]));
  find_all (f.panel, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_label_get_mnemonic_widget (labels->pdata[i]) == drops->pdata[0]
        && strstr (gtk_label_get_text (labels->pdata[i]), "Linux") != NULL)
      said_linux = TRUE;
  g_assert_true (said_linux);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
#ifdef __SANITIZE_ADDRESS__
  /* a sanitized build tree has a sanitized runtime library: unikernels
   * must link with the same flags (tests/meson.build's build_test_env) */
  g_setenv ("MSTUDIO_RUNTIME_SANITIZE", "address,undefined", FALSE);
#endif
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_resources_register (ms_studio_get_resource ());
  g_test_add_func ("/build-panel/parse", test_parse);
  g_test_add_func ("/build-panel/no-file", test_no_file);
  g_test_add_func ("/build-panel/build-run-stop", test_build_run_stop);
  g_test_add_func ("/build-panel/compiler-error", test_compiler_error);
  g_test_add_func ("/build-panel/runtime-args", test_runtime_args);
  g_test_add_func ("/build-panel/network-args", test_network_args);
  g_test_add_func ("/build-panel/http-fetch", test_http_fetch);
  g_test_add_func ("/build-panel/git-kv", test_git_kv);
  g_test_add_func ("/build-panel/stop-kills", test_stop_kills);
  g_test_add_func ("/build-panel/skeleton", test_skeleton);
  g_test_add_func ("/build-panel/status-readable", test_status_readable);
  g_test_add_func ("/build-panel/target-info", test_target_info);
  return g_test_run ();
}
