/* test-packages.c: the Packages page against the real opam-repository
 * snapshot (MS_OPAM_SNAPSHOT, unpacked by tests/opam-snapshot.sh): without
 * a repository it says how to get one and raises no problem; the first
 * (uncached) conversion shows its progress while the window's main loop
 * keeps running; the page fills grouped by device and the search filters
 * it (typed with xdotool); the device inspector lists the versions; a
 * conflicting graph puts problems on the right device, the fix button
 * (clicked with xdotool) resolves it and undo (Ctrl+Z) brings it back; a
 * newer edit cancels the older run, closing the window cancels too; the
 * lock file written is read back by our opam parser. A conversion under
 * way shows the files read of the total, and its Cancel button (clicked
 * with xdotool) stops it: no cache is written, the page goes back to what
 * it showed, with a message, and it does not start again by itself. */
#include <glib/gstdio.h>
#include <string.h>

#include "ms-inspector-private.h"
#include "ms-opam-file.h"
#include "ms-packages-worker.h"
#include "ms-window-private.h"
#include "test-xdo.h"

static MsStudioApplication *app;
static char *tmpdir;
static const char *snapshot;
static MsWindow *win;          /* the hello example, shared by the cases in order */
static GPtrArray *toasts;

static void
on_toast (GtkWidget *w, const char *message, gboolean undo, gpointer data)
{
  g_ptr_array_add (toasts, g_strdup (message));
}

static MsPackagesView *
view_of (MsWindow *w)
{
  return w->packages_view;
}

/* Runs the main loop until n resolutions ended (at most timeout_s). */
static gboolean
wait_resolutions (MsWindow *w, guint n, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  /* the window merges the answer into its problems in its checks' idle */
  while ((ms_packages_view_get_n_resolutions (view_of (w)) < n || ms_packages_view_is_busy (view_of (w))
          || w->check_idle != 0)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  test_ui_iterate (50);
  return ms_packages_view_get_n_resolutions (view_of (w)) >= n;
}

static guint
count_code (MsWindow *w, const char *code, const char *device)
{
  guint n = 0;

  for (guint i = 0; w->diagnostics != NULL && i < w->diagnostics->len; i++)
    {
      const MsDiagnostic *d = w->diagnostics->pdata[i];
      if (g_str_equal (d->code, code) && (device == NULL || g_strcmp0 (d->device, device) == 0))
        n++;
    }
  return n;
}

static const MsDevice *
main_device (MsDocument *doc)
{
  GPtrArray *devices = ms_document_get_devices (doc);

  for (guint i = 0; i < devices->len; i++)
    if (((MsDevice *) devices->pdata[i])->custom != NULL)
      return devices->pdata[i];
  return NULL;
}

static void
show_page (MsWindow *w)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), "win.show-packages", NULL));
  /* room for a conflict's card with its fixes */
  gtk_paned_set_position (w->bottom_paned, 250);
  test_ui_iterate (100);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (w->bottom_stack), ==, "packages");
}

/* cache: the page's cache folder, or NULL for the default */
static MsWindow *
open_hello_cached (const char *cache)
{
  g_autoptr(GError) error = NULL;
  MsWindow *w = ms_window_new (app);

  if (cache != NULL)
    ms_packages_view_set_cache_dir (view_of (w), cache);
  gtk_window_set_default_size (GTK_WINDOW (w), 1200, 800);
  gtk_window_present (GTK_WINDOW (w));
  ms_packages_view_set_delay (view_of (w), 50);
  g_signal_connect (w->packages_view, "toast", G_CALLBACK (on_toast), NULL);
  test_ui_iterate (100);
  g_assert_true (ms_window_open_example (w, "hello", &error));
  g_assert_no_error (error);
  return w;
}

static MsWindow *
open_hello (void)
{
  return open_hello_cached (NULL);
}

static void
close_window (MsWindow *w)
{
  g_object_add_weak_pointer (G_OBJECT (w), (gpointer *) &w);
  gtk_window_destroy (GTK_WINDOW (w));
  test_ui_iterate (50);
  g_assert_null (w);
}

/* the page's Export Lock File button */
static GtkWidget *
export_button (MsWindow *w)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, view_of (w));
  while (all->len > 0)
    {
      GtkWidget *x = g_ptr_array_steal_index (all, all->len - 1);
      if (GTK_IS_BUTTON (x) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (x)), "packages.export-lock") == 0)
        return x;
      for (GtkWidget *c = gtk_widget_get_first_child (x); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (all, c);
    }
  g_assert_not_reached ();
  return NULL;
}

static void
set_repository (const char *path)
{
  g_settings_set_string (ms_studio_application_get_settings (app), "opam-repository", path ? path : "");
}

/* the page's button for an action (the first found) */
static GtkWidget *
action_button (MsWindow *w, const char *action)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, view_of (w));
  while (all->len > 0)
    {
      GtkWidget *x = g_ptr_array_steal_index (all, all->len - 1);
      if (GTK_IS_BUTTON (x) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (x)), action) == 0)
        return x;
      for (GtkWidget *c = gtk_widget_get_first_child (x); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (all, c);
    }
  return NULL;
}

/* the number of files in dir (0 if it does not exist) */
static guint
count_files_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* ---- where the repository comes from --------------------------------------------------- */

static void
test_source_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = ms_packages_find_source ("/opt/repo-option", "/opt/repo-setting", NULL);
  g_autofree char *b = ms_packages_find_source (NULL, "/opt/repo-setting", NULL);
  g_autofree char *c = ms_packages_find_source ("", "", &error);
  g_autofree char *root = g_build_filename (tmpdir, "opam-root", NULL);
  g_autofree char *packages = g_build_filename (root, "repo", "default", "packages", NULL);
  g_autofree char *d = NULL;
  const char *saved = g_getenv ("OPAMROOT");
  g_autofree char *keep = g_strdup (saved);

  /* --opam-repo first, then the setting, then the opam root, as the CLI */
  g_assert_cmpstr (a, ==, "/opt/repo-option");
  g_assert_cmpstr (b, ==, "/opt/repo-setting");
  g_assert_null (c);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "opam init"));
  g_assert_cmpint (g_mkdir_with_parents (packages, 0700), ==, 0);
  g_setenv ("OPAMROOT", root, TRUE);
  d = ms_packages_find_source (NULL, NULL, NULL);
  g_assert_nonnull (d);
  g_assert_true (g_str_has_prefix (d, root));
  g_setenv ("OPAMROOT", keep, TRUE);
}

/* ---- no repository ------------------------------------------------------------------- */

static void
test_no_repository (void)
{
  MsWindow *w;
  const char *text;

  set_repository (NULL);
  w = open_hello ();
  show_page (w);
  test_ui_iterate (400);
  g_assert_cmpstr (ms_packages_view_get_state (view_of (w)), ==, "none");
  g_assert_false (ms_packages_view_is_busy (view_of (w)));
  /* no error spam: the problems are the checks' own */
  g_assert_cmpuint (count_code (w, MS_DIAG_RESOLVE_CONFLICT, NULL), ==, 0);
  /* the page says how to get one */
  text = adw_status_page_get_description (ADW_STATUS_PAGE (gtk_stack_get_visible_child (
    GTK_STACK (test_ui_find_type (GTK_WIDGET (view_of (w)), GTK_TYPE_STACK)))));
  g_assert_nonnull (strstr (text, "opam init"));
  /* nothing to lock: Export Lock File is off */
  g_assert_false (gtk_widget_is_sensitive (export_button (w)));
  close_window (w);
}

/* ---- the first conversion, and the list ----------------------------------------------- */

typedef struct {
  gint64 last;
  gint64 max_gap;          /* while the worker reads the repository */
  gint64 max_gap_other;
  guint ticks;
  gboolean saw_loading;
  double pulse_step_seen;
  double fraction_seen;    /* a fraction of the files, strictly between 0 and 1 */
  MsWindow *w;
} Beat;

static gboolean
beat (gpointer data)
{
  Beat *b = data;
  gint64 now = g_get_monotonic_time ();

  gboolean loading = g_strcmp0 (ms_packages_view_get_state (view_of (b->w)), "loading") == 0;

  if (b->last != 0 && loading && now - b->last > b->max_gap)
    b->max_gap = now - b->last;
  if (b->last != 0 && !loading && now - b->last > b->max_gap_other)
    b->max_gap_other = now - b->last;
  b->last = now;
  b->ticks++;
  if (loading)
    {
      GtkProgressBar *bar = GTK_PROGRESS_BAR (test_ui_find_type (GTK_WIDGET (view_of (b->w)), GTK_TYPE_PROGRESS_BAR));
      b->saw_loading = TRUE;
      double f = gtk_progress_bar_get_fraction (bar);
      if (gtk_progress_bar_get_text (bar) != NULL)
        b->pulse_step_seen = 1;
      if (f > 0 && f < 1 && gtk_progress_bar_get_text (bar) != NULL
          && strstr (gtk_progress_bar_get_text (bar), " of ") != NULL)
        b->fraction_seen = f;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_fills (void)
{
  Beat b = { 0 };
  guint id;
  const MsResolution *res;
  const MsDevice *main_dev;
  gboolean saw_main = FALSE, saw_chain = FALSE;
  GtkWidget *value;

  if (snapshot == NULL)
    {
      g_test_skip ("no opam-repository snapshot");
      return;
    }
  set_repository (snapshot);
  win = open_hello ();
  g_signal_connect (win->inspector, "toast", G_CALLBACK (on_toast), NULL);
  show_page (win);
  b.w = win;
  /* the window's main loop keeps turning while the repository is converted */
  id = g_timeout_add (20, beat, &b);
  g_assert_true (wait_resolutions (win, 1, 240));
  g_source_remove (id);
  g_test_message ("main loop: %u beats, longest gap %.0f ms while reading the repository, %.0f ms otherwise",
                  b.ticks, b.max_gap / 1000.0, b.max_gap_other / 1000.0);
  g_assert_true (b.saw_loading);              /* the progress page, uncached */
  g_assert_true (b.pulse_step_seen > 0);
  g_assert_cmpfloat (b.fraction_seen, >, 0);  /* files done / total, not a pulse */
  g_assert_cmpuint (b.ticks, >, 10);
  /* generous: ASan and a machine shared by many jobs; the loop never stops */
  g_assert_cmpint (b.max_gap, <, 2000 * 1000);

  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "list");
  res = ms_packages_view_get_resolution (view_of (win));
  g_assert_nonnull (res);
  g_assert_true (res->ok);
  g_assert_cmpuint (res->packages->len, >, 20);
  main_dev = main_device (ms_window_get_document (win));
  g_assert_nonnull (main_dev);
  for (guint i = 0; i < res->packages->len; i++)
    {
      const MsResolvedPackage *p = res->packages->pdata[i];
      saw_chain |= p->chain != NULL && p->chain[0] != NULL && p->chain[1] != NULL;
    }
  /* grouped by device: the main device's own package is its */
  {
    GPtrArray *mine = g_hash_table_lookup (ms_packages_view_get_device_packages (view_of (win)), main_dev->name);
    for (guint i = 0; mine != NULL && i < mine->len; i++)
      saw_main |= g_str_equal (((MsResolvedPackage *) mine->pdata[i])->name, "duration");
  }
  g_assert_true (saw_main);
  g_assert_true (saw_chain);
  g_assert_cmpuint (ms_packages_view_count_visible_rows (view_of (win)), ==, res->packages->len);
  g_assert_cmpuint (count_code (win, MS_DIAG_RESOLVE_CONFLICT, NULL), ==, 0);

  /* the device inspector lists the main device's packages with their versions */
  ms_canvas_select (win->canvas, &main_dev->id, 1);
  test_ui_iterate (200);
  ms_inspector_refresh (win->inspector);
  g_test_message ("inspector: %s (%u devices, view's %p, inspector's %p, main %s)", win->inspector->structure,
                  win->inspector->resolved ? g_hash_table_size (win->inspector->resolved) : 0,
                  ms_packages_view_get_device_packages (view_of (win)), win->inspector->resolved, main_dev->name);
  g_assert_cmpuint (ms_inspector_get_device (win->inspector), ==, main_dev->id);
  g_assert_nonnull (strstr (win->inspector->structure, "|res:0:"));
  g_assert_nonnull (strstr (strstr (win->inspector->structure, "|res:0:"), "duration="));
  value = GTK_WIDGET (win->inspector->page_box);
  {
    gboolean found = FALSE;
    g_autoptr(GPtrArray) stack = g_ptr_array_new ();
    g_ptr_array_add (stack, value);
    while (stack->len > 0 && !found)
      {
        GtkWidget *x = g_ptr_array_steal_index (stack, stack->len - 1);
        if (ADW_IS_PREFERENCES_GROUP (x)
            && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (x)), "Resolved versions") == 0)
          found = TRUE;
        for (GtkWidget *c = gtk_widget_get_first_child (x); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_assert_true (found);
  }
}

/* ---- cancelling the conversion, with real input --------------------------------------- */

static void
test_cancel_conversion (void)
{
  g_autofree char *cache = g_build_filename (tmpdir, "cancel-cache", NULL);
  MsWindow *w;
  GtkProgressBar *bar;
  GtkWidget *button;
  double fraction = 0;
  gint64 end;
  guint n_toasts;

  if (snapshot == NULL)
    {
      g_test_skip ("no opam-repository snapshot");
      return;
    }
  set_repository (snapshot);
  ms_packages_forget_sources ();
  /* a cache of its own, empty: this window converts */
  w = open_hello_cached (cache);
  show_page (w);
  bar = GTK_PROGRESS_BAR (test_ui_find_type (GTK_WIDGET (view_of (w)), GTK_TYPE_PROGRESS_BAR));
  /* the progress page, with a fraction of the files read */
  end = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end && ms_packages_view_is_busy (view_of (w)))
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_strcmp0 (ms_packages_view_get_state (view_of (w)), "loading") == 0
          && (fraction = gtk_progress_bar_get_fraction (bar)) > 0.02)
        break;
    }
  g_test_message ("fraction %.3f, %s", fraction, gtk_progress_bar_get_text (bar));
  g_assert_cmpstr (ms_packages_view_get_state (view_of (w)), ==, "loading");
  g_assert_cmpfloat (fraction, >, 0);
  g_assert_cmpfloat (fraction, <, 1);
  g_assert_nonnull (strstr (gtk_progress_bar_get_text (bar), " of "));
  button = action_button (w, "packages.cancel-conversion");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_drawable (button));
  n_toasts = toasts->len;
  if (xdo_available ())
    xdo_click (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0, 1);
  else
    g_assert_true (gtk_widget_activate (button));
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (ms_packages_view_is_busy (view_of (w)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ms_packages_view_is_busy (view_of (w)));
  /* back to what the page showed, with a message; nothing resolved */
  g_assert_cmpstr (ms_packages_view_get_state (view_of (w)), ==, "list");
  g_assert_cmpuint (ms_packages_view_get_n_resolutions (view_of (w)), ==, 0);
  g_assert_null (ms_packages_view_get_resolution (view_of (w)));
  g_assert_cmpuint (toasts->len, ==, n_toasts + 1);
  g_assert_nonnull (strstr (toasts->pdata[n_toasts], "cancelled"));
  /* no cache: no pool, no sources, nothing half-written */
  g_assert_cmpuint (count_files_in (cache), ==, 0);
  /* the window's next checks (any edit that changes no package) do not
   * start the conversion again */
  {
    const MsDevice *main_dev = main_device (ms_window_get_document (w));
    g_assert_true (ms_document_move_device (ms_window_get_document (w), main_dev->id, 40, 40, NULL));
  }
  test_ui_iterate (1000);
  g_assert_false (ms_packages_view_is_busy (view_of (w)));
  g_assert_cmpuint (count_files_in (cache), ==, 0);
  close_window (w);
}

/* ---- search, with real typing -------------------------------------------------------- */

static void
test_search (void)
{
  MsPackagesView *view;
  GtkWidget *entry;
  guint all, some;

  if (win == NULL)
    {
      g_test_skip ("no resolved window");
      return;
    }
  view = view_of (win);
  all = ms_packages_view_count_visible_rows (view);
  entry = test_ui_find_type (GTK_WIDGET (view), GTK_TYPE_SEARCH_ENTRY);
  if (xdo_available ())
    {
      xdo_click (entry, gtk_widget_get_width (entry) / 2.0, gtk_widget_get_height (entry) / 2.0, 1);
      xdo_type ("duration");
      test_ui_iterate (400);   /* the search entry waits a little before it filters */
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), "duration");
      test_ui_iterate (400);
    }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "duration");
  some = ms_packages_view_count_visible_rows (view);
  g_assert_cmpuint (some, >=, 1);
  g_assert_cmpuint (some, <, all);
  gtk_editable_set_text (GTK_EDITABLE (entry), "no-such-package-anywhere");
  test_ui_iterate (400);
  g_assert_cmpuint (ms_packages_view_count_visible_rows (view), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  test_ui_iterate (400);
  g_assert_cmpuint (ms_packages_view_count_visible_rows (view), ==, all);
}

/* ---- a conflict, its fix and undo ------------------------------------------------------ */

static GtkWidget *
fix_button_labelled (MsPackagesView *view, const char *label)
{
  GPtrArray *buttons = ms_packages_view_get_fix_buttons (view);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0)
      return buttons->pdata[i];
  return NULL;
}

static void
test_conflict_fix_undo (void)
{
  MsDocument *doc;
  const MsDevice *main_dev;
  g_autoptr(MsCustom) custom = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  GtkWidget *button;
  guint n;

  if (win == NULL)
    {
      g_test_skip ("no resolved window");
      return;
    }
  doc = ms_window_get_document (win);
  main_dev = main_device (doc);
  n = ms_packages_view_get_n_resolutions (view_of (win));
  /* the main device asks for a fmt older than Mirage accepts */
  custom = ms_custom_copy (main_dev->custom);
  g_ptr_array_add (custom->packages, ms_package_new ("fmt", NULL, "0.8.0"));
  g_assert_true (ms_document_set_custom (doc, main_dev->id, custom, &error));
  g_assert_no_error (error);
  g_assert_true (wait_resolutions (win, n + 1, 120));
  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "conflict");
  /* a problem on the device that causes it, as the canvas and the list get them */
  g_assert_cmpuint (count_code (win, MS_DIAG_RESOLVE_CONFLICT, main_dev->name), ==, 1);
  g_assert_cmpuint (ms_problems_view_get_n_errors (win->problems), >=, 1);
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (win->problems_page), >=, 1);
  g_assert_cmpuint (ms_packages_view_get_resolution (view_of (win))->packages->len, ==, 0);
  g_assert_cmpuint (ms_packages_view_count_visible_rows (view_of (win)), ==, 0);
  ms_inspector_refresh (win->inspector);
  g_assert_nonnull (strstr (win->inspector->structure, "|res:1:"));

  /* the fix drops that package from the device; clicked for real */
  {
    const MsResolution *res = ms_packages_view_get_resolution (view_of (win));
    for (guint i = 0; i < res->problems->len; i++)
      {
        const MsResolveProblem *pr = res->problems->pdata[i];
        g_test_message ("problem: %s", pr->message);
        for (guint k = 0; pr->hints[k]; k++)
          g_test_message ("  hint: %s", pr->hints[k]);
        for (guint k = 0; pr->devices[k]; k++)
          g_test_message ("  device: %s", pr->devices[k]);
      }
  }
  label = g_strdup_printf ("Remove fmt from %s", main_dev->name);
  button = fix_button_labelled (view_of (win), label);
  g_assert_nonnull (button);
  n = ms_packages_view_get_n_resolutions (view_of (win));
  if (xdo_available ())
    {
      GtkWidget *scroller = gtk_widget_get_ancestor (button, GTK_TYPE_SCROLLED_WINDOW);
      graphene_rect_t b;
      test_ui_iterate (200);
      /* the button is in view, for a real click */
      g_assert_true (gtk_widget_compute_bounds (button, scroller, &b));
      g_assert_cmpfloat (b.origin.y + b.size.height, <=, gtk_widget_get_height (scroller));
      xdo_click (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0, 1);
    }
  else
    g_signal_emit_by_name (button, "clicked");
  test_ui_iterate (100);
  main_dev = main_device (doc);
  g_assert_cmpuint (main_dev->custom->packages->len, ==, 1);   /* fmt is gone, duration stays */
  g_assert_true (wait_resolutions (win, n + 1, 120));
  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "list");
  {
    g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
    ms_packages_view_append_diagnostics (view_of (win), mine);
    g_test_message ("check idle %u, view's diagnostics %u", win->check_idle, mine->len);
  }
  for (guint i = 0; i < win->diagnostics->len; i++)
    {
      g_autofree char *t = ms_diagnostic_format (win->diagnostics->pdata[i]);
      g_test_message ("window: %s", t);
    }
  g_assert_cmpuint (count_code (win, MS_DIAG_RESOLVE_CONFLICT, NULL), ==, 0);
  {
    g_autofree char *said = g_strdup_printf ("Removed the package fmt from %s", main_dev->name);
    g_assert_true (g_ptr_array_find_with_equal_func (toasts, said, g_str_equal, NULL));
  }

  /* undo brings the conflict back (Ctrl+Z, typed) */
  n = ms_packages_view_get_n_resolutions (view_of (win));
  if (xdo_available ())
    {
      gtk_widget_grab_focus (GTK_WIDGET (win->canvas));
      test_ui_iterate (100);
      xdo_key ("ctrl+z");
    }
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL));
  g_assert_true (wait_resolutions (win, n + 1, 120));
  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "conflict");
  g_assert_cmpuint (count_code (win, MS_DIAG_RESOLVE_CONFLICT, main_dev->name), ==, 1);
  g_assert_cmpuint (main_device (doc)->custom->packages->len, ==, 2);

  /* activating the problem shows its explanation on the Packages page */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-problems", NULL));
  for (guint i = 0; i < win->diagnostics->len; i++)
    if (g_str_equal (((MsDiagnostic *) win->diagnostics->pdata[i])->code, MS_DIAG_RESOLVE_CONFLICT))
      g_signal_emit_by_name (win->problems, "problem-activated", win->diagnostics->pdata[i]);
  test_ui_iterate (200);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (win->bottom_stack), ==, "packages");
  g_assert_cmpuint (ms_inspector_get_device (win->inspector), ==, main_dev->id);

  /* and redo resolves it again */
  n = ms_packages_view_get_n_resolutions (view_of (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.redo", NULL));
  g_assert_true (wait_resolutions (win, n + 1, 120));
  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "list");
}

/* ---- the lock file ------------------------------------------------------------------ */

static void
test_lock (void)
{
  g_autofree char *path = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsOpamFile) file = NULL;
  const MsOpamValue *depends;
  const MsResolution *res;
  guint pinned = 0;

  if (win == NULL)
    {
      g_test_skip ("no resolved window");
      return;
    }
  res = ms_packages_view_get_resolution (view_of (win));
  g_assert_true (res != NULL && res->ok);
  path = g_build_filename (tmpdir, "hello.opam.locked", NULL);
  g_assert_true (ms_packages_view_write_lock (view_of (win), path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  file = ms_opam_file_parse (path, text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  depends = ms_opam_file_get (file, "depends");
  g_assert_nonnull (depends);
  g_assert_cmpint (depends->kind, ==, MS_OPAM_LIST);
  /* every package of the answer, pinned to its version */
  for (guint i = 0; i < depends->items->len; i++)
    {
      const MsOpamValue *v = depends->items->pdata[i];
      g_autofree char *s = ms_opam_value_to_string (v);
      for (guint k = 0; k < res->packages->len; k++)
        {
          const MsResolvedPackage *p = res->packages->pdata[k];
          g_autofree char *want = g_strdup_printf ("\"%s\" {= \"%s\"", p->name, p->version);
          if (g_str_has_prefix (s, want))
            pinned++;
        }
    }
  g_assert_cmpuint (pinned, ==, res->packages->len);
  /* the action the menu and the page offer is on once there is an answer */
  g_assert_true (gtk_widget_is_sensitive (export_button (win)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view_of (win)), "packages.export-lock", NULL));
  test_ui_iterate (300);
  /* the chooser (GtkFileChooserNative) is up: close it */
  {
    GListModel *tops = gtk_window_get_toplevels ();
    gboolean chooser = FALSE;
    for (guint i = g_list_model_get_n_items (tops); i > 0; i--)
      {
        g_autoptr(GtkWindow) t = g_list_model_get_item (tops, i - 1);
        if (GTK_IS_FILE_CHOOSER (t))
          {
            chooser = TRUE;
            gtk_dialog_response (GTK_DIALOG (t), GTK_RESPONSE_CANCEL);
          }
      }
    g_assert_true (chooser);
    test_ui_iterate (200);
  }
}

/* ---- cancellation ------------------------------------------------------------------- */

static void
test_cancel (void)
{
  MsDocument *doc;
  const MsDevice *main_dev;
  guint n;
  MsWindow *w;

  if (win == NULL)
    {
      g_test_skip ("no resolved window");
      return;
    }
  doc = ms_window_get_document (win);
  main_dev = main_device (doc);
  n = ms_packages_view_get_n_resolutions (view_of (win));
  /* two edits in a row: the first one's run is cancelled, one answer lands,
   * the second's */
  ms_packages_view_set_delay (view_of (win), 0);
  {
    g_autoptr(MsCustom) c1 = ms_custom_copy (main_dev->custom);
    g_autoptr(MsCustom) c2 = NULL;
    g_ptr_array_add (c1->packages, ms_package_new ("fmt", NULL, NULL));
    g_assert_true (ms_document_set_custom (doc, main_dev->id, c1, NULL));
    /* the checks run, the first resolution starts on the worker */
    while (!ms_packages_view_is_resolving (view_of (win)))
      g_main_context_iteration (NULL, TRUE);
    c2 = ms_custom_copy (c1);
    g_ptr_array_add (c2->packages, ms_package_new ("ocaml", NULL, "4.03"));
    g_assert_true (ms_document_set_custom (doc, main_dev->id, c2, NULL));
    /* what the window's checks do next, before the first answer can land
     * in the main loop: the newer request cancels the running one */
    {
      g_autoptr(MsEvalGraph) graph = ms_eval (doc, NULL);
      ms_packages_view_set_evaluation (view_of (win), graph);
    }
    g_assert_false (ms_packages_view_is_resolving (view_of (win)));
  }
  g_assert_true (wait_resolutions (win, n + 1, 120));
  test_ui_iterate (300);
  g_assert_cmpuint (ms_packages_view_get_n_resolutions (view_of (win)), ==, n + 1);
  g_assert_cmpstr (ms_packages_view_get_state (view_of (win)), ==, "conflict");
  close_window (g_steal_pointer (&win));

  /* closing a window while it resolves: the run is dropped, nothing is
   * left pointing at the window */
  w = open_hello ();
  ms_packages_view_set_delay (view_of (w), 0);
  while (!ms_packages_view_is_resolving (view_of (w)))
    g_main_context_iteration (NULL, TRUE);
  close_window (w);
  test_ui_iterate (500);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL, *opamroot = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("ms-packages-XXXXXX", NULL);
  /* a cache of our own, empty: the first run converts the repository */
  cache = g_build_filename (tmpdir, "cache", NULL);
  opamroot = g_build_filename (tmpdir, "no-opam-root", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("OPAMROOT", opamroot, TRUE);
  snapshot = g_getenv ("MS_OPAM_SNAPSHOT");
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = ms_studio_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ms_studio_application_get_settings (app));
  toasts = g_ptr_array_new_with_free_func (g_free);

  g_test_add_func ("/packages/source-rules", test_source_rules);
  g_test_add_func ("/packages/no-repository", test_no_repository);
  g_test_add_func ("/packages/cancel-conversion", test_cancel_conversion);
  g_test_add_func ("/packages/fills", test_fills);
  g_test_add_func ("/packages/search", test_search);
  g_test_add_func ("/packages/conflict-fix-undo", test_conflict_fix_undo);
  g_test_add_func ("/packages/lock", test_lock);
  g_test_add_func ("/packages/cancel", test_cancel);
  status = g_test_run ();
  ms_packages_forget_sources ();
  g_ptr_array_unref (toasts);
  g_object_unref (app);
  return status;
}
