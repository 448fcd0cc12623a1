/* test-newcomer.c: what a newcomer met in the studio (issue 9), checked
 * on a real window under the test's X display, with real key presses from
 * xdotool where the user typed:
 *
 *   - an import's messages (an if_impl choice) reach the problems list and
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
#include "test-ui-util.h"

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

static const char if_impl_config[] =
  "open Mirage\n"
  "\n"
  "let main = main \"Unikernel.Main\" (stackv4v6 @-> job)\n"
  "\n"
  "let stack =\n"
  "  if_impl Key.is_solo5\n"
  "    (generic_stackv4v6 default_network)\n"
  "    (generic_stackv4v6 default_network)\n"
  "\n"
  "let () = register \"ifimpl\" [ main $ stack ]\n";

/* The import's message is in the problems list, counted in the badge, and
 * activating it opens the import's Details with the same words. */
static void
test_import_messages (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "ifimpl.ml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  MsWindow *win = new_window ();
  GtkWidget *row, *list;
  guint checked;

  g_assert_true (g_file_set_contents (path, if_impl_config, -1, NULL));
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
  row = find_label (GTK_WIDGET (win->problems), "if_impl: every branch is imported");
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (GTK_WIDGET (win->problems), "ifimpl.ml:6:3"));

  /* the import's row is the last one; activating it opens the Details */
  list = test_ui_find_type (GTK_WIDGET (win->problems), GTK_TYPE_LIST_VIEW);
  {
    GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
    g_signal_emit_by_name (list, "activate", g_list_model_get_n_items (model) - 1);
  }
  test_ui_iterate (100);
  text = take_dialog_text (win);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "if_impl: every branch is imported"));

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
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
