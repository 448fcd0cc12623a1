/* test-newcomer.c: what a newcomer met in the studio (issue 9), checked
 * on a real window under the test's X display, with real key presses from
 * xdotool where the user typed:
 *
 *   - an import's messages (a float, ignored) reach the problems list and
 *     its Details, not only the command line;
 *   - the Problems badge is red with errors, yellow with warnings only;
 *   - typing a name in the palette and pressing Enter adds that device (not
 *     a description match), at a free place near the view's centre, and
 *     the next one beside the selection, wired to it when it fits: never
 *     on top of another card;
 *   - the warning badge of a card is readable in the dark style;
 *   - a window opening on a project never shows the inspector's
 *     "No Project" page while the project is there;
 *   - Recent Projects show "~/…" paths, as the header bar; the examples
 *     have pictures of their graphs;
 *   - the Export CI Files dialog has no empty gaps;
 *   - F1 opens the user guide, About links to the project and MirageOS;
 *   - Shift+A opens "Add device" at the pointer and adds there;
 *   - ms_placement_find_free, the rule behind the placement.
 */
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ms-canvas-private.h"
#include "ms-check.h"
#include "ms-example-thumb.h"
#include "ms-help.h"
#include "ms-placement.h"
#include "ms-store.h"
#include "ms-window-private.h"
#include "test-xdo.h"

static MsStudioApplication *app;
static char *tmpdir;

static void
xdotool (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = 0;

  g_ptr_array_add (argv, g_strdup ("xdotool"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  test_ui_iterate (100);
}

static MsWindow *
new_window (void)
{
  MsWindow *win = ms_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (win), 1500, 940);
  gtk_window_present (GTK_WINDOW (win));
  test_ui_iterate (100);
  return win;
}

static void
close_window (MsWindow *win)
{
  g_object_add_weak_pointer (G_OBJECT (win), (gpointer *) &win);
  gtk_window_destroy (GTK_WINDOW (win));
  test_ui_iterate (50);
  g_assert_null (win);
}

/* With MS_NEWCOMER_SHOTS=DIR, saves what w shows as DIR/NAME.png, for a
 * person to look at (the class's own snapshot: no frame clock needed). */
static void
shot (GtkWidget *w, const char *name)
{
  const char *dir = g_getenv ("MS_NEWCOMER_SHOTS");
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) tex = NULL;
  g_autofree char *file = NULL;
  GtkSnapshot *s;

  if (dir == NULL)
    return;
  s = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (w)->snapshot (w, s);
  node = gtk_snapshot_free_to_node (s);
  if (node == NULL)
    return;
  tex = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (w)), node,
                                     &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (w), gtk_widget_get_height (w)));
  file = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (tex, file);
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

/* A mapped label under w whose text contains needle, or NULL. */
static GtkWidget *
find_label (GtkWidget *w, const char *needle)
{
  if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), needle))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_label (c, needle);
      if (r)
        return r;
    }
  return NULL;
}

/* if_impl is imported whole since issue 11; a float still gets a warning
 * (Mirage devices take none), which is what this test needs. */
static const char float_config[] =
  "open Mirage\n"
  "\n"
  "let ratio = 1.5\n"
  "\n"
  "let main = main \"Unikernel.Main\" (stackv4v6 @-> job)\n"
  "\n"
  "let stack = generic_stackv4v6 default_network\n"
  "\n"
  "let () = register \"floaty\" [ main $ stack ]\n";

/* The import's message is in the problems list, counted in the badge, and
 * activating it opens the import's Details with the same words. */
static void
test_import_messages (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "float.ml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  MsWindow *win = new_window ();
  GtkWidget *row, *list;
  guint checked;

  g_assert_true (g_file_set_contents (path, float_config, -1, NULL));
  g_assert_true (ms_window_open_file (win, file, &error));
  g_assert_no_error (error);
  test_ui_iterate (200);

  g_assert_cmpuint (ms_problems_view_get_n_import_messages (win->problems), ==, 1);
  checked = ms_diagnostics_count (win->diagnostics, MS_SEVERITY_ERROR)
            + ms_diagnostics_count (win->diagnostics, MS_SEVERITY_WARNING);
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (win->problems_page), ==, checked + 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-problems", NULL));
  test_ui_iterate (300);
  shot (GTK_WIDGET (win), "import-problems");
  row = find_label (GTK_WIDGET (win->problems), "floating-point numbers are not used by Mirage devices");
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (GTK_WIDGET (win->problems), "float.ml:3:13"));

  /* the import's row is the last one; activating it opens the Details */
  list = test_ui_find_type (GTK_WIDGET (win->problems), GTK_TYPE_LIST_VIEW);
  {
    GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
    g_signal_emit_by_name (list, "activate", g_list_model_get_n_items (model) - 1);
  }
  test_ui_iterate (100);
  text = take_dialog_text (win);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "floating-point numbers are not used by Mirage devices"));

  /* another project has no import messages */
  g_assert_true (ms_window_open_example (win, "noop", &error));
  test_ui_iterate (100);
  g_assert_cmpuint (ms_problems_view_get_n_import_messages (win->problems), ==, 0);
  close_window (win);
}

/* The badge's text colour, read from the badge widget itself. */
static gboolean
badge_color (GtkWidget *w, GdkRGBA *out)
{
  if (g_strcmp0 (gtk_widget_get_css_name (w), "indicator") == 0
      && gtk_widget_has_css_class (gtk_widget_get_parent (w), "needs-attention")
      && gtk_widget_get_mapped (w))
    {
      GtkWidget *label = test_ui_find_type (w, GTK_TYPE_LABEL);
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (label != NULL)
        gtk_style_context_get_color (gtk_widget_get_style_context (label), out);
      G_GNUC_END_IGNORE_DEPRECATIONS
      return label != NULL;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    if (badge_color (c, out))
      return TRUE;
  return FALSE;
}

/* Red with errors, yellow (dark text) with warnings only, none without. */
static void
test_problems_badge (void)
{
  g_autoptr(GError) error = NULL;
  MsWindow *win = new_window ();
  MsDocument *doc;
  GdkRGBA color;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  doc = ms_window_get_document (win);
  test_ui_iterate (200);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-errors"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-warnings"));

  /* an unused device: a warning */
  g_assert_cmpuint (ms_document_add_device (doc, "default_network", "spare", &error), !=, 0);
  test_ui_iterate (300);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-warnings"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-errors"));
  g_assert_true (badge_color (GTK_WIDGET (win), &color));
  /* libadwaita's warning_fg_color is dark; the accent badge's text is white */
  g_assert_cmpfloat (color.red + color.green + color.blue, <, 1.0);

  /* a target Mirage does not have: an error */
  g_assert_true (ms_document_set_setting (doc, "target", "no-such-target", &error));
  test_ui_iterate (300);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-errors"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (win), "ms-problems-warnings"));
  close_window (win);
}

static gboolean
overlaps (MsCanvas *canvas, guint id)
{
  graphene_rect_t a, b;

  g_assert_true (_ms_canvas_card_rect (canvas, id, &a));
  for (guint i = 0; i < canvas->cards->len; i++)
    {
      MsCanvasCard *o = canvas->cards->pdata[i];
      if (o->id == id)
        continue;
      g_assert_true (_ms_canvas_card_rect (canvas, o->id, &b));
      if (graphene_rect_intersection (&a, &b, NULL))
        return TRUE;
    }
  return FALSE;
}

static guint
newest_device (MsDocument *doc)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  guint id = 0;

  for (guint i = 0; i < devices->len; i++)
    id = MAX (id, ((const MsDevice *) devices->pdata[i])->id);
  return id;
}

/* Typing "main" and Enter adds main (it used to be noop), at a free place
 * near the centre; the next Enter adds one beside it. */
static void
test_enter_adds_at_free_place (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "crowd.mstudio", NULL);
  g_autoptr(MsDocument) made = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *xid = NULL;
  MsWindow *win = new_window ();
  MsDocument *doc;
  graphene_rect_t vis;
  guint first, second, n;
  const MsDevice *d1, *d2;

  g_unlink (path);
  made = ms_store_create (path, ms_studio_application_get_catalog (app), "crowd", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_add_device (made, "ramdisk", "disk", &error), !=, 0);
  g_clear_object (&made);
  g_assert_true (ms_window_open_file (win, file, &error));
  doc = ms_window_get_document (win);
  adw_flap_set_reveal_flap (win->palette_flap, TRUE);
  test_ui_iterate (300);
  ms_canvas_set_zoom (win->canvas, 1.0);
  test_ui_iterate (100);
  /* the existing card sits where a new one used to land: the view's centre */
  _ms_canvas_visible_area (win->canvas, &vis);
  g_assert_true (ms_document_move_device (doc, ms_document_find_device (doc, "disk")->id,
                                          _ms_canvas_snap (vis.origin.x + vis.size.width / 2 - MS_CANVAS_CARD_WIDTH / 2),
                                          _ms_canvas_snap (vis.origin.y + vis.size.height / 2 - 48), &error));
  test_ui_iterate (100);
  n = ms_document_get_n_devices (doc);

  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (win))));
  ms_palette_focus_search (win->palette);
  test_ui_iterate (100);
  xdotool ("type", "--window", xid, "--delay", "40", "main", NULL);
  test_ui_iterate (400);
  shot (GTK_WIDGET (win), "palette-main");
  xdotool ("key", "--window", xid, "Return", NULL);
  test_ui_iterate (300);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n + 1);
  first = newest_device (doc);
  d1 = ms_document_get_device (doc, first);
  g_assert_cmpstr (d1->ctor, ==, "main");
  g_assert_false (overlaps (win->canvas, first));
  /* near the centre: within two card widths of it */
  g_assert_cmpfloat (fabs (d1->x + MS_CANVAS_CARD_WIDTH / 2 - (vis.origin.x + vis.size.width / 2)), <,
                     2 * MS_CANVAS_CARD_WIDTH + 1);

  /* the new card is selected: the next goes beside it, on its row */
  ms_palette_focus_search (win->palette);
  test_ui_iterate (100);
  xdotool ("key", "--window", xid, "Return", NULL);
  test_ui_iterate (300);
  second = newest_device (doc);
  g_assert_cmpuint (second, !=, first);
  d1 = ms_document_get_device (doc, first);
  d2 = ms_document_get_device (doc, second);
  g_assert_false (overlaps (win->canvas, second));
  g_assert_cmpfloat (d2->x, >, d1->x);
  g_assert_cmpfloat (d2->y, ==, d1->y);
  shot (GTK_WIDGET (win), "added-beside");

  /* beside a selected card, a device that takes its output is wired to it */
  {
    guint disk = ms_document_find_device (doc, "disk")->id, third;
    GPtrArray *in;
    ms_canvas_select (win->canvas, &disk, 1);
    ms_palette_focus_search (win->palette);
    test_ui_iterate (100);
    xdotool ("type", "--window", xid, "--delay", "40", "ccm_block", NULL);
    test_ui_iterate (400);
    xdotool ("key", "--window", xid, "Return", NULL);
    test_ui_iterate (300);
    third = newest_device (doc);
    g_assert_cmpstr (ms_document_get_device (doc, third)->ctor, ==, "ccm_block");
    g_assert_false (overlaps (win->canvas, third));
    in = ms_document_get_inputs (doc, third);
    g_assert_nonnull (in);
    g_assert_cmpuint (in->len, ==, 1);
    g_assert_cmpuint (((const MsConnection *) in->pdata[0])->source, ==, disk);
    /* one undo step takes the device and its wire away */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL));
    test_ui_iterate (100);
    g_assert_null (ms_document_get_device (doc, third));
    g_assert_cmpuint (ms_document_get_connections (doc)->len, ==, 0);
  }
  close_window (win);
}

/* The top-level dialog of win, or NULL. */
static GtkWidget *
find_dialog (MsWindow *win)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (win))
        return GTK_WIDGET (w);
    }
  return NULL;
}

/* An application aimed at hvt: the build pane says what Build & Run does
 * and offers the exports; the CI dialog lists the targets compactly. */
static void
test_other_target (void)
{
  g_autoptr(GError) error = NULL;
  MsWindow *win = new_window ();
  GtkWidget *dialog, *flow;
  int min_h, nat_h;

  g_assert_true (ms_window_open_example (win, "hello", &error));
  g_assert_true (ms_document_set_setting (ms_window_get_document (win), "target", "hvt", &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-build", NULL));
  test_ui_iterate (1500);
  g_assert_nonnull (find_label (GTK_WIDGET (win->build_panel), "which Build & Run does not build"));
  shot (GTK_WIDGET (win), "build-hvt");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.export-ci", NULL));
  test_ui_iterate (400);
  dialog = find_dialog (win);
  g_assert_nonnull (dialog);
  shot (dialog, "ci-dialog");
  /* every target on a few compact rows: the list is no taller than the
   * rows it needs (it used to leave large empty gaps) */
  flow = test_ui_find_type (dialog, GTK_TYPE_FLOW_BOX);
  g_assert_nonnull (flow);
  gtk_widget_measure (flow, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (flow), &min_h, &nat_h, NULL, NULL);
  g_test_message ("CI targets: %d x %d, needs %d", gtk_widget_get_width (flow), gtk_widget_get_height (flow), nat_h);
  /* and the dialog is not taller than its parts: heading, body, targets
   * and buttons, with room for margins */
  {
    int dmin, dnat;
    gtk_widget_measure (dialog, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (dialog), &dmin, &dnat, NULL, NULL);
    g_test_message ("CI dialog: %d x %d, needs %d", gtk_widget_get_width (dialog), gtk_widget_get_height (dialog), dnat);
    g_assert_cmpint (gtk_widget_get_height (dialog), <=, nat_h + 260);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (win);
}

/* In the dark style the warning badge's "!" is dark on the light yellow. */
static void
test_dark_warning_badge (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = ms_document_new (ms_studio_application_get_catalog (app));
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) tex = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  AdwStyleManager *sm = adw_style_manager_get_default ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *canvas = ms_canvas_new ();
  g_autofree guchar *px = NULL;
  gsize stride;
  guint id;
  int bx, by;
  double lum;

  /* a job, and a device it does not use: a warning on that device */
  {
    g_autoptr(MsCustom) sig = ms_custom_new ("Unikernel.Main", "job");
    guint main_id = ms_document_add_device (doc, "main", "unikernel", &error);
    g_assert_true (ms_document_set_custom (doc, main_id, sig, &error));
    g_assert_true (ms_document_set_jobs (doc, &main_id, 1, &error));
    g_assert_true (ms_document_move_device (doc, main_id, 400, 0, &error));
  }
  id = ms_document_add_device (doc, "default_network", "spare", &error);
  g_assert_true (ms_document_move_device (doc, id, 0, 0, &error));
  diags = ms_check_document (doc);
  g_assert_cmpuint (ms_diagnostics_count (diags, MS_SEVERITY_WARNING), ==, 1);
  g_assert_cmpuint (ms_diagnostics_count (diags, MS_SEVERITY_ERROR), ==, 0);

  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  ms_canvas_set_document (MS_CANVAS (canvas), doc);
  test_ui_iterate (200);
  ms_canvas_set_diagnostics (MS_CANVAS (canvas), diags);
  test_ui_iterate (100);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  tex = ms_canvas_render_texture (MS_CANVAS (canvas), renderer);
  g_assert_nonnull (tex);
  g_assert_cmpint (_ms_canvas_lookup (MS_CANVAS (canvas), id)->severity, ==, MS_SEVERITY_WARNING);

  /* the badge is at (w - 14, 14) of the card, the card at the margin; the
   * "!" stroke runs from 3.5 px above the centre */
  bx = (int) (MS_CANVAS_MARGIN + MS_CANVAS_CARD_WIDTH - 14);
  by = (int) (MS_CANVAS_MARGIN + 14 - 2);
  stride = (gsize) gdk_texture_get_width (tex) * 4;
  px = g_malloc (stride * gdk_texture_get_height (tex));
  gdk_texture_download (tex, px, stride);
  if (g_getenv ("MS_TEST_SAVE") != NULL)
    gdk_texture_save_to_png (tex, "dark-warning-badge.png");
  lum = (0.114 * px[by * stride + bx * 4] + 0.587 * px[by * stride + bx * 4 + 1]
         + 0.299 * px[by * stride + bx * 4 + 2]) / 255.0;
  g_test_message ("luminance of the \"!\": %.2f", lum);
  g_assert_cmpfloat (lum, <, 0.5);
  /* and the badge around it is the light yellow */
  lum = (0.114 * px[(by + 4) * stride + (bx - 4) * 4] + 0.587 * px[(by + 4) * stride + (bx - 4) * 4 + 1]
         + 0.299 * px[(by + 4) * stride + (bx - 4) * 4 + 2]) / 255.0;

  g_assert_cmpfloat (lum, >, 0.5);

  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
  gsk_renderer_unrealize (renderer);
  gtk_window_destroy (GTK_WINDOW (window));
  test_ui_iterate (50);
}

/* A window opening on a project fills its inspector a frame late; until
 * then the inspector shows nothing, never "No Project". */
static void
test_inspector_waits (void)
{
  g_autoptr(GError) error = NULL;
  MsWindow *win = ms_window_new (app);

  g_assert_true (ms_window_open_example (win, "noop", &error));
  g_assert_null (ms_inspector_get_document (win->inspector));
  g_assert_cmpfloat (gtk_widget_get_opacity (GTK_WIDGET (win->inspector)), ==, 0.0);
  gtk_window_present (GTK_WINDOW (win));
  test_ui_iterate (300);
  g_assert_true (ms_inspector_get_document (win->inspector) == ms_window_get_document (win));
  g_assert_cmpfloat (gtk_widget_get_opacity (GTK_WIDGET (win->inspector)), ==, 1.0);
  close_window (win);
}

/* Recent projects read "~/…" as the header bar does, not the whole path. */
static void
test_recent_tilde (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = NULL;
  MsWindow *win = new_window ();
  GtkWidget *label;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  test_ui_iterate (200);
  close_window (win);

  win = new_window ();
  ms_start_page_refresh (win->start_page);
  test_ui_iterate (300);
  shot (GTK_WIDGET (win), "start-page");
  /* the projects live under XDG_DATA_HOME, inside HOME (both the test's folder) */
  label = find_label (GTK_WIDGET (win->start_page), "~/mirage-studio/projects/noop");
  g_assert_nonnull (label);
  g_assert_null (find_label (GTK_WIDGET (win->start_page), tmpdir));

  /* each example's card has a picture of its graph: noop's one device */
  {
    g_autoptr(GPtrArray) thumbs = g_ptr_array_new ();
    GtkWidget *flow = test_ui_find_type (GTK_WIDGET (win->start_page), GTK_TYPE_FLOW_BOX);
    guint noop = 0, network = 0;
    for (GtkWidget *c = gtk_widget_get_first_child (flow); c; c = gtk_widget_get_next_sibling (c))
      {
        const char *name = g_object_get_data (G_OBJECT (c), "example");
        GtkWidget *thumb = test_ui_find_type (c, GTK_TYPE_DRAWING_AREA);
        g_assert_nonnull (thumb);
        g_assert_true (gtk_widget_has_css_class (thumb, "ms-example-thumb"));
        g_assert_cmpuint (ms_example_thumb_get_n_devices (thumb), >, 0);
        if (g_strcmp0 (name, "noop") == 0)
          noop = ms_example_thumb_get_n_devices (thumb);
        if (g_strcmp0 (name, "network") == 0)
          network = ms_example_thumb_get_n_devices (thumb);
      }
    g_assert_cmpuint (noop, ==, 1);
    g_assert_cmpuint (network, >=, 3);
    test_ui_iterate (200);
    shot (GTK_WIDGET (win), "start-page-thumbs");
  }
  close_window (win);

  p = ms_start_page_display_path ("/somewhere/else");
  g_assert_cmpstr (p, ==, "/somewhere/else");
  g_clear_pointer (&p, g_free);
  p = ms_start_page_display_path (g_get_home_dir ());
  g_assert_cmpstr (p, ==, "~");
}

/* F1 opens the user guide: the text of docs/studio.md, its Markdown
 * marks removed; About links to the project, its issues and MirageOS. */
static void
test_help (void)
{
  g_autofree char *xid = NULL;
  g_autofree char *guide = NULL, *md = NULL;
  g_autofree char *md_path = g_build_filename (g_getenv ("MS_TEST_SRCDIR"), "..", "..", "docs", "studio.md", NULL);
  MsWindow *win = new_window ();
  GtkWindow *help = NULL;
  GList *tops;

  /* the guide is the docs' text */
  g_assert_true (g_file_get_contents (md_path, &md, NULL, NULL));
  guide = ms_help_get_text ();
  g_assert_true (g_str_has_prefix (guide, "The studio\n"));
  g_assert_nonnull (strstr (guide, "Keyboard"));
  g_assert_null (strstr (guide, "## "));
  g_assert_null (strstr (guide, "**"));

  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (win))));
  xdotool ("key", "--window", xid, "F1", NULL);
  test_ui_iterate (400);
  tops = gtk_window_list_toplevels ();
  for (GList *l = tops; l != NULL; l = l->next)
    if (g_strcmp0 (gtk_window_get_title (l->data), "Mirage Studio Guide") == 0)
      help = l->data;
  g_list_free (tops);
  g_assert_nonnull (help);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
  {
    GtkWidget *view = test_ui_find_type (GTK_WIDGET (help), GTK_TYPE_TEXT_VIEW);
    GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter a, b;
    g_autofree char *shown = NULL;
    gtk_text_buffer_get_bounds (buf, &a, &b);
    shown = gtk_text_buffer_get_text (buf, &a, &b, FALSE);
    g_assert_cmpstr (shown, ==, guide);
  }
  shot (GTK_WIDGET (help), "help");
  gtk_window_destroy (help);

  /* About: website, issues and MirageOS */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  test_ui_iterate (300);
  {
    AdwAboutWindow *about = NULL;
    tops = gtk_window_list_toplevels ();
    for (GList *l = tops; l != NULL; l = l->next)
      if (ADW_IS_ABOUT_WINDOW (l->data))
        about = l->data;
    g_list_free (tops);
    g_assert_nonnull (about);
    g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://github.com/miragestudio/Studio");
    g_assert_cmpstr (adw_about_window_get_issue_url (about), ==, "https://github.com/miragestudio/Studio/issues");
    shot (GTK_WIDGET (about), "about");
    gtk_window_destroy (GTK_WINDOW (about));
  }
  close_window (win);
}

/* Shift+A over the canvas opens "Add device" at the pointer: typing a name
 * and Enter adds it there, clear of other cards, in one undo step. */
static void
test_add_at_pointer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL;
  MsWindow *win = new_window ();
  MsDocument *doc;
  GtkWidget *popover;
  graphene_point_t in = GRAPHENE_POINT_INIT (300, 200), out;
  double sfx = 0, sfy = 0, cx, cy;
  guint n, id;
  const MsDevice *d;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  doc = ms_window_get_document (win);
  test_ui_iterate (300);
  ms_canvas_set_zoom (win->canvas, 1.0);
  test_ui_iterate (100);
  n = ms_document_get_n_devices (doc);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (win))));
  /* the pointer at (300, 200) of the canvas */
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (win->canvas), GTK_WIDGET (win), &in, &out));
  gtk_native_get_surface_transform (GTK_NATIVE (win), &sfx, &sfy);
  sx = g_strdup_printf ("%d", (int) (out.x + sfx));
  sy = g_strdup_printf ("%d", (int) (out.y + sfy));
  gtk_widget_grab_focus (GTK_WIDGET (win->canvas));
  xdotool ("mousemove", "--window", xid, sx, sy, NULL);
  xdotool ("mousemove", "--window", xid, sx, sy, NULL);
  xdotool ("key", "--window", xid, "shift+a", NULL);
  test_ui_iterate (300);
  popover = NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (win->canvas)); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c) && gtk_widget_get_visible (c) && test_ui_find_type (c, MS_TYPE_PALETTE))
      popover = c;
  g_assert_nonnull (popover);
  xdotool ("type", "--window", xid, "--delay", "40", "crunch", NULL);
  test_ui_iterate (400);
  shot (popover, "add-popover");
  xdotool ("key", "--window", xid, "Return", NULL);
  test_ui_iterate (300);
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n + 1);
  id = newest_device (doc);
  d = ms_document_get_device (doc, id);
  g_assert_cmpstr (d->ctor, ==, "crunch");
  g_assert_false (overlaps (win->canvas, id));
  /* near the pointer: the pointer's canvas point is within a card's reach */
  cx = 300 / win->canvas->zoom + win->canvas->off_x;
  cy = 200 / win->canvas->zoom + win->canvas->off_y;
  g_assert_cmpfloat (fabs (d->x + MS_CANVAS_CARD_WIDTH / 2 - cx), <, 2 * MS_CANVAS_CARD_WIDTH);
  g_assert_cmpfloat (fabs (d->y - cy), <, 200);
  /* one undo step takes it away */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.undo", NULL));
  test_ui_iterate (100);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n);
  close_window (win);
}

/* The labels of the menu items shown (mapped) under w: GtkModelButton's
 * "text", as the popover menu draws them. */
static void
collect_menu_items (GtkWidget *w, GString *out)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkModelButton") && gtk_widget_get_mapped (w))
    {
      g_autofree char *text = NULL;
      g_object_get (w, "text", &text, NULL);
      g_string_append_printf (out, "[%s]", text ? text : "");
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_menu_items (c, out);
}

/* Clicks the main menu's button (real input) and returns what it shows. */
static char *
open_main_menu (MsWindow *win, gboolean *zoom_row_shown)
{
  GtkWidget *button = GTK_WIDGET (win->primary_menu_button);
  GtkPopover *popover = gtk_menu_button_get_popover (win->primary_menu_button);
  GString *items = g_string_new (NULL);

  /* on a loaded machine the window may still be settling: a few tries */
  for (int i = 0; i < 3 && !gtk_widget_get_mapped (GTK_WIDGET (popover)); i++)
    {
      xdo_click (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0, 1);
      for (int j = 0; j < 20 && !gtk_widget_get_mapped (GTK_WIDGET (popover)); j++)
        test_ui_iterate (100);
    }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  test_ui_iterate (200);
  collect_menu_items (GTK_WIDGET (popover), items);
  if (zoom_row_shown != NULL)
    *zoom_row_shown = win->zoom_label != NULL && gtk_widget_get_mapped (win->zoom_label);
  xdo_key ("Escape");
  test_ui_iterate (200);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  return g_string_free (items, FALSE);
}

/* On the start page the main menu has only what can be done there: no
 * Export submenu with every item greyed out, no Save As, no zoom or
 * layout; with a project they are all there. */
static void
test_start_page_menu (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL, *editor = NULL;
  MsWindow *win = new_window ();
  gboolean zoom_row = TRUE;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (win->main_stack), ==, "start");
  start = open_main_menu (win, &zoom_row);
  g_test_message ("start page menu: %s", start);
  g_assert_nonnull (strstr (start, "[New Project]"));
  g_assert_nonnull (strstr (start, "[Open…]"));
  g_assert_null (strstr (start, "Export"));
  g_assert_null (strstr (start, "Save As…"));
  g_assert_null (strstr (start, "Zoom to Fit"));
  g_assert_null (strstr (start, "Arrange All"));
  g_assert_null (strstr (start, "Show Minimap"));
  g_assert_false (zoom_row);

  g_assert_true (ms_window_open_example (win, "noop", &error));
  test_ui_iterate (300);
  editor = open_main_menu (win, &zoom_row);
  g_test_message ("editor menu: %s", editor);
  g_assert_nonnull (strstr (editor, "[Export]"));
  g_assert_nonnull (strstr (editor, "[Save As…]"));
  g_assert_nonnull (strstr (editor, "[Zoom to Fit]"));
  g_assert_nonnull (strstr (editor, "[Arrange All]"));
  g_assert_nonnull (strstr (editor, "[Show Minimap]"));
  /* in their places: Save As after Import, Export after New Window */
  g_assert_nonnull (strstr (editor, "[Import config.ml…][Save As…][New Window][Export]"));
  g_assert_true (zoom_row);
  /* the zoom row works again after coming back */
  ms_canvas_set_zoom (win->canvas, 1.5);
  test_ui_iterate (50);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (win->zoom_label)), ==, "150%");
  /* back to no project: taken out again */
  ms_window_set_document (win, NULL);
  test_ui_iterate (100);
  g_clear_pointer (&start, g_free);
  start = open_main_menu (win, &zoom_row);
  g_assert_null (strstr (start, "Export"));
  g_assert_false (zoom_row);
  close_window (win);
}

/* Save As keeps the history: the edits made before it can be undone
 * (Ctrl+Z, real keys), in the copy, and the header names the copy. */
static void
test_save_as_keeps_undo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (tmpdir, "kept", "history", NULL);
  g_autofree char *dest_dir = g_path_get_dirname (dest);
  g_autofree char *original = NULL;
  MsWindow *win = new_window ();
  MsDocument *doc;
  guint n;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  test_ui_iterate (300);
  doc = ms_window_get_document (win);
  original = g_strdup (ms_store_get_path (doc));
  n = ms_document_get_n_devices (doc);
  g_assert_cmpuint (ms_document_add_device (doc, "ramdisk", "before_save", &error), !=, 0);
  test_ui_iterate (100);

  g_assert_cmpint (g_mkdir_with_parents (dest_dir, 0755), ==, 0);
  g_assert_true (_ms_window_save_as (win, dest, &error));
  g_assert_no_error (error);
  test_ui_iterate (200);
  /* the same document, now in the copy, and the header says so */
  g_assert_true (ms_window_get_document (win) == doc);
  g_assert_true (g_str_has_suffix (ms_store_get_path (doc), "kept/history.mstudio"));
  g_assert_cmpstr (adw_window_title_get_subtitle (win->window_title), ==, "~/kept/history.mstudio");
  g_assert_true (gtk_widget_get_sensitive (win->undo_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (win->undo_button), ==, "Undo “Add before_save” (Ctrl+Z)");

  /* Ctrl+Z on the canvas takes the edit back, in the copy */
  gtk_widget_grab_focus (GTK_WIDGET (win->canvas));
  xdo_key ("ctrl+z");
  test_ui_iterate (200);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, n);
  g_assert_null (ms_document_find_device (doc, "before_save"));
  {
    g_autoptr(MsDocument) copy = ms_store_open_read_only (ms_store_get_path (doc),
                                                          ms_studio_application_get_catalog (app), &error);
    g_autoptr(MsDocument) old = ms_store_open_read_only (original, ms_studio_application_get_catalog (app), &error);
    g_assert_no_error (error);
    g_assert_null (ms_document_find_device (copy, "before_save"));
    /* the original keeps what it had at Save As */
    g_assert_nonnull (ms_document_find_device (old, "before_save"));
  }
  /* and redo brings it back */
  xdo_key ("ctrl+shift+z");
  test_ui_iterate (200);
  g_assert_nonnull (ms_document_find_device (doc, "before_save"));
  close_window (win);
}

/* The shares of the pixels of rect (picture coordinates) of a picture
 * that are of colour like (within a little), and that are dark (text). */
static void
pixel_shares (GdkPixbuf *pic, const graphene_rect_t *r, const GdkRGBA *like, double *alike, double *dark)
{
  const guchar *px = gdk_pixbuf_get_pixels (pic);
  gsize stride = gdk_pixbuf_get_rowstride (pic);
  int nc = gdk_pixbuf_get_n_channels (pic);
  guint n_like = 0, n_dark = 0, all = 0;

  for (int y = (int) r->origin.y; y < (int) (r->origin.y + r->size.height); y++)
    for (int x = (int) r->origin.x; x < (int) (r->origin.x + r->size.width); x++)
      {
        const guchar *p = px + y * stride + x * nc;
        all++;
        n_like += fabs (p[0] / 255.0 - like->red) + fabs (p[1] / 255.0 - like->green)
                  + fabs (p[2] / 255.0 - like->blue) < 0.03;
        n_dark += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] < 128;
      }
  *alike = all ? (double) n_like / all : 0;
  *dark = all ? (double) n_dark / all : 0;
}

/* The device cards are in the picture, where the canvas has them: each
 * card's place is mostly the card's colour, with dark text on it (its
 * name and constructor); the margin has no text. */
static void
assert_cards_in_picture (MsWindow *win, GdkPixbuf *pic, const graphene_rect_t *bounds)
{
  MsCanvas *canvas = win->canvas;
  double alike, dark;

  g_assert_cmpuint (canvas->cards->len, >=, 3);
  for (guint i = 0; i < canvas->cards->len; i++)
    {
      MsCanvasCard *card = canvas->cards->pdata[i];
      graphene_rect_t r = GRAPHENE_RECT_INIT (card->x - bounds->origin.x + 4, card->y - bounds->origin.y + 4,
                                              card->w - 8, card->h - 8);
      pixel_shares (pic, &r, &canvas->colors.card, &alike, &dark);
      g_test_message ("card %u: %.2f card colour, %.3f text", card->id, alike, dark);
      g_assert_cmpfloat (alike, >, 0.5);
      g_assert_cmpfloat (dark, >, 0.005);
    }
  pixel_shares (pic, &GRAPHENE_RECT_INIT (2, 2, MS_CANVAS_MARGIN / 2, MS_CANVAS_MARGIN / 2),
                &canvas->colors.card, &alike, &dark);
  g_assert_cmpfloat (dark, ==, 0);   /* nothing written in the margin */
}

/* Export → Canvas as PNG/SVG: the canvas as drawn in the studio, the
 * whole graph at 100 %, as a valid PNG and a valid SVG of the graph's size
 * with every card in it. The menu item opens a file chooser. */
static void
test_export_canvas (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (tmpdir, "canvas.png", NULL);
  g_autofree char *svg = g_build_filename (tmpdir, "canvas.svg", NULL);
  g_autofree char *svg_text = NULL, *want_w = NULL, *want_h = NULL;
  g_autoptr(GdkPixbuf) png_pic = NULL, svg_pic = NULL;
  MsWindow *win = new_window ();
  graphene_rect_t bounds;
  int w = 0, h = 0;

  g_assert_true (ms_window_open_example (win, "network", &error));
  test_ui_iterate (500);
  /* a selected card is drawn as any other */
  ms_canvas_select (win->canvas, (guint[]) { ms_document_find_device (ms_window_get_document (win), "stack")->id }, 1);
  g_assert_true (_ms_canvas_get_bounds (win->canvas, &bounds));
  bounds.origin.x = floor (bounds.origin.x - MS_CANVAS_MARGIN);
  bounds.origin.y = floor (bounds.origin.y - MS_CANVAS_MARGIN);
  bounds.size.width = ceil (bounds.size.width + 2 * MS_CANVAS_MARGIN);
  bounds.size.height = ceil (bounds.size.height + 2 * MS_CANVAS_MARGIN);

  g_assert_true (ms_canvas_export_picture (win->canvas, "png", png, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, (int) bounds.size.width);
  g_assert_cmpint (h, ==, (int) bounds.size.height);
  png_pic = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  {
    g_autofree char *type = g_content_type_guess (png, NULL, 0, NULL);
    g_autofree char *mime = g_content_type_get_mime_type (type);
    g_assert_cmpstr (mime, ==, "image/png");
  }
  g_assert_cmpint (gdk_pixbuf_get_width (png_pic), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (png_pic), ==, h);
  assert_cards_in_picture (win, png_pic, &bounds);

  /* the window's action writes the same */
  g_assert_true (_ms_window_export_canvas (win, "svg", svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  want_w = g_strdup_printf ("width=\"%d", w);
  want_h = g_strdup_printf ("height=\"%d", h);
  g_assert_nonnull (strstr (svg_text, want_w));
  g_assert_nonnull (strstr (svg_text, want_h));
  /* a valid SVG: librsvg (gdk-pixbuf's loader) reads it, at the same size,
   * and draws the same cards */
  svg_pic = gdk_pixbuf_new_from_file (svg, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (svg_pic), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (svg_pic), ==, h);
  assert_cards_in_picture (win, svg_pic, &bounds);

  /* an unknown format is refused, naming it */
  g_assert_false (ms_canvas_export_picture (win->canvas, "gif", png, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "gif"));
  g_clear_error (&error);
  /* a folder that cannot be written: an error, no crash */
  g_assert_false (_ms_window_export_canvas (win, "png", "/proc/nope/c.png", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* the menu's item asks where to write */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.export-canvas", "s", "svg"));
  test_ui_iterate (300);
  {
    GListModel *tops = gtk_window_get_toplevels ();
    GtkWindow *chooser = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
      {
        g_autoptr(GtkWindow) t = g_list_model_get_item (tops, i);
        if (GTK_IS_FILE_CHOOSER (t))
          chooser = t;
      }
    g_assert_nonnull (chooser);
    g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Export the Canvas");
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    {
      g_autofree char *name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
      g_assert_cmpstr (name, ==, "network.svg");
    }
    G_GNUC_END_IGNORE_DEPRECATIONS
    /* Escape cancels it */
    g_object_add_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
    xdo_key ("Escape");
    test_ui_iterate (300);
    if (chooser != NULL && gtk_widget_get_visible (GTK_WIDGET (chooser)))
      gtk_window_destroy (chooser);
    if (chooser != NULL)
      g_object_remove_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
  }
  close_window (win);
}

static GtkWidget *
find_combo_row (GtkWidget *w, const char *title)
{
  if (ADW_IS_COMBO_ROW (w) && gtk_widget_get_mapped (w)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_combo_row (c, title);
      if (r)
        return r;
    }
  return NULL;
}

/* A widget under w that has a tooltip, or NULL (popovers skipped). */
static GtkWidget *
find_tooltip (GtkWidget *w)
{
  if (gtk_widget_get_has_tooltip (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = GTK_IS_POPOVER (c) ? NULL : find_tooltip (c);
      if (r)
        return r;
    }
  return NULL;
}

/* Item 16: the application's Target row has a tooltip (how it differs
 * from Build & Run's), on its title: opened with a click, the drop-down's
 * list has no tooltip over it, since neither its items nor any of their
 * parents has one (GTK shows the tooltip of the widget under the pointer
 * or of the nearest parent that has one). */
static void
test_target_tooltip (void)
{
  g_autoptr(GError) error = NULL;
  MsWindow *win = new_window ();
  GtkWidget *row, *tip, *popover = NULL, *item;

  g_assert_true (ms_window_open_example (win, "noop", &error));
  adw_flap_set_reveal_flap (win->inspector_flap, TRUE);
  test_ui_iterate (500);
  g_assert_cmpuint (ms_inspector_get_device (win->inspector), ==, 0);   /* the application */
  row = find_combo_row (GTK_WIDGET (win->inspector), "Target");
  g_assert_nonnull (row);
  tip = find_label (row, "Target");
  g_assert_nonnull (tip);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (tip)), ==, "Target");
  g_assert_nonnull (gtk_widget_get_tooltip_text (tip));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tip), "Build & Run does not use it"));
  for (GtkWidget *w = row; w != NULL; w = gtk_widget_get_parent (w))
    g_assert_false (gtk_widget_get_has_tooltip (w));

  /* the list, opened with a real click (on the row as it is now: the
   * page may have been rebuilt meanwhile) */
  test_ui_iterate (300);
  row = find_combo_row (GTK_WIDGET (win->inspector), "Target");
  g_assert_nonnull (row);
  {
    graphene_rect_t rb;
    g_assert_true (gtk_widget_compute_bounds (row, GTK_WIDGET (win), &rb));
    g_test_message ("Target row at %.0f,%.0f %.0fx%.0f of the window (%d x %d)", rb.origin.x, rb.origin.y,
                    rb.size.width, rb.size.height, gtk_widget_get_width (GTK_WIDGET (win)),
                    gtk_widget_get_height (GTK_WIDGET (win)));
  }
  xdo_click (row, gtk_widget_get_width (row) - 30, gtk_widget_get_height (row) / 2.0, 1);
  test_ui_iterate (400);
  for (GtkWidget *c = gtk_widget_get_first_child (row); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c) && gtk_widget_get_mapped (c))
      popover = c;
  if (popover == NULL)
    {
      GtkWidget *any = test_ui_find_type (row, GTK_TYPE_POPOVER);
      if (any != NULL && gtk_widget_get_mapped (any))
        popover = any;
    }
  g_assert_nonnull (popover);
  shot (GTK_WIDGET (win), "target-list");
  item = test_ui_find_type (popover, GTK_TYPE_LABEL);
  g_assert_nonnull (item);
  g_assert_null (find_tooltip (popover));
  for (GtkWidget *w = item; w != NULL; w = gtk_widget_get_parent (w))
    g_assert_false (gtk_widget_get_has_tooltip (w));
  xdo_key ("Escape");
  close_window (win);
}

/* The placement rule on its own. */
static void
test_placement (void)
{
  graphene_rect_t taken[3];
  double x, y;

  /* an empty canvas: the wanted place, snapped */
  g_assert_true (ms_placement_find_free (NULL, 0, 200, 100, 101, 55, 16, &x, &y));
  g_assert_cmpfloat (x, ==, 96);
  g_assert_cmpfloat (y, ==, 48);
  /* the wanted place is taken: the nearest free one, clear of the gap */
  graphene_rect_init (&taken[0], 0, 0, 200, 100);
  g_assert_true (ms_placement_find_free (taken, 1, 200, 100, 0, 0, 16, &x, &y));
  g_assert_false (x < 200 + MS_PLACEMENT_GAP && x + 200 + MS_PLACEMENT_GAP > 0
                  && y < 100 + MS_PLACEMENT_GAP && y + 100 + MS_PLACEMENT_GAP > 0);
  /* it moved the short way: down by the card's height, not across */
  g_assert_cmpfloat (x, ==, 0);
  g_assert_cmpfloat (y, ==, 128);
  /* surrounded on three sides: the fourth */
  graphene_rect_init (&taken[1], 0, 128, 200, 100);
  graphene_rect_init (&taken[2], 0, -128, 200, 100);
  g_assert_true (ms_placement_find_free (taken, 3, 200, 100, 0, 0, 16, &x, &y));
  for (guint i = 0; i < 3; i++)
    {
      graphene_rect_t r = GRAPHENE_RECT_INIT (x - MS_PLACEMENT_GAP, y - MS_PLACEMENT_GAP,
                                              200 + 2 * MS_PLACEMENT_GAP, 100 + 2 * MS_PLACEMENT_GAP);
      graphene_rect_t in;
      g_assert_false (graphene_rect_intersection (&r, &taken[i], &in) && in.size.width > 0 && in.size.height > 0);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("ms-newcomer-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_setenv ("HOME", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* pages switch at once: what a test (or a screenshot) sees is the end state */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()) || g_find_program_in_path ("xdotool") == NULL)
    {
      g_printerr ("test-newcomer needs an X display and xdotool\n");
      return 1;
    }
  app = ms_studio_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  g_test_add_func ("/newcomer/placement", test_placement);
  g_test_add_func ("/newcomer/import-messages", test_import_messages);
  g_test_add_func ("/newcomer/problems-badge", test_problems_badge);
  g_test_add_func ("/newcomer/enter-adds-at-free-place", test_enter_adds_at_free_place);
  g_test_add_func ("/newcomer/dark-warning-badge", test_dark_warning_badge);
  g_test_add_func ("/newcomer/inspector-waits", test_inspector_waits);
  g_test_add_func ("/newcomer/other-target", test_other_target);
  g_test_add_func ("/newcomer/recent-tilde", test_recent_tilde);
  g_test_add_func ("/newcomer/help", test_help);
  g_test_add_func ("/newcomer/add-at-pointer", test_add_at_pointer);
  g_test_add_func ("/newcomer/start-page-menu", test_start_page_menu);
  g_test_add_func ("/newcomer/save-as-keeps-undo", test_save_as_keeps_undo);
  g_test_add_func ("/newcomer/export-canvas", test_export_canvas);
  g_test_add_func ("/newcomer/target-tooltip", test_target_tooltip);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
