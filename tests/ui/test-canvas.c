/* test-canvas.c: the device-graph canvas with the real catalog and the
 * bundled examples: what it draws (compared with reference images), and
 * what selecting, moving, wiring, selecting a wire, quick-add, delete/undo, copy/paste,
 * zoom, auto-layout and the accessible stand-ins do to the document. */
#include <gtk/gtk.h>
#include <adwaita.h>
#include <string.h>

#include "ms-canvas.h"
#include "ms-canvas-private.h"
#include "ms-configml.h"
#include "ms-fragment.h"
#include "ms-import.h"
#include "test-ui-util.h"

static MsCatalog *catalog;

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
  guint n;
  char *last;
  gboolean undo;
} Toasts;

static void
on_toast (MsCanvas *canvas, const char *message, gboolean offer_undo, Toasts *t)
{
  t->n++;
  g_free (t->last);
  t->last = g_strdup (message);
  t->undo = offer_undo;
}

static void
toasts_clear (Toasts *t)
{
  g_clear_pointer (&t->last, g_free);
}

static MsCanvas *
new_canvas (GtkWidget **window, MsDocument *doc)
{
  GtkWidget *c = ms_canvas_new ();

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1024, 700);
  gtk_window_set_child (GTK_WINDOW (*window), c);
  gtk_window_present (GTK_WINDOW (*window));
  if (doc != NULL)
    ms_canvas_set_document (MS_CANVAS (c), doc);
  test_ui_drain ();
  return MS_CANVAS (c);
}

static void
wait_layout (MsCanvas *canvas)
{
  gboolean running = TRUE;
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (running && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, TRUE);
      g_object_get (canvas, "layout-running", &running, NULL);
    }
  g_assert_false (running);
  test_ui_drain ();
}

static void
destroy_window (GtkWidget *window, MsCanvas *canvas)
{
  g_object_ref (canvas);
  gtk_window_destroy (GTK_WINDOW (window));
  test_ui_drain ();
  g_assert_finalize_object (canvas);
}

static MsDocument *
import_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", name, "config.ml", NULL);
  g_autofree char *text = NULL;
  g_autoptr(MsImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  g_assert_no_error (error);
  return ms_import_configml (catalog, path, text, len, &report);
}

static guint
add (MsDocument *doc, const char *ctor, const char *name, double x, double y)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);

  g_assert_no_error (error);
  g_assert_true (ms_document_move_device (doc, id, x, y, &error));
  return id;
}

static guint
add_main (MsDocument *doc, const char *name, const char *signature, double x, double y)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", signature);
  guint id = add (doc, "main", name, x, y);

  g_assert_true (ms_document_set_custom (doc, id, c, &error));
  return id;
}

static void
card_center (MsCanvas *canvas, guint id, double *x, double *y)
{
  graphene_rect_t r;

  g_assert_true (_ms_canvas_card_rect (canvas, id, &r));
  *x = r.origin.x + r.size.width / 2;
  *y = r.origin.y + r.size.height / 2;
}

static guint
selection_len (MsCanvas *canvas)
{
  g_autoptr(GArray) sel = ms_canvas_get_selection (canvas);
  return sel->len;
}

static gboolean
selected (MsCanvas *canvas, guint id)
{
  g_autoptr(GArray) sel = ms_canvas_get_selection (canvas);
  for (guint i = 0; i < sel->len; i++)
    if (g_array_index (sel, guint, i) == id)
      return TRUE;
  return FALSE;
}

/* ---- reference images ---------------------------------------------------------- */

static gboolean
compare_textures (GdkTexture *a, GdkTexture *b, double *bad_fraction)
{
  int w = gdk_texture_get_width (a), h = gdk_texture_get_height (a);
  g_autofree guchar *pa = NULL, *pb = NULL;
  gsize bad = 0;

  if (w != gdk_texture_get_width (b) || h != gdk_texture_get_height (b))
    return FALSE;
  pa = g_malloc ((gsize) w * h * 4);
  pb = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (a, pa, (gsize) w * 4);
  gdk_texture_download (b, pb, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    for (int k = 0; k < 4; k++)
      if (ABS ((int) pa[i * 4 + k] - (int) pb[i * 4 + k]) > 8)
        {
          bad++;
          break;
        }
  *bad_fraction = (double) bad / ((double) w * h);
  return *bad_fraction <= 0.005;
}

/* Saves tex as file in the build directory and compares it with
 * tests/ui/reference/file (MS_UPDATE_REFERENCES=1 writes that instead). */
static void
check_reference (GdkTexture *tex, const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (g_get_current_dir (), file, NULL);
  g_autofree char *ref = g_build_filename (g_getenv ("MS_TEST_SRCDIR"), "reference", file, NULL);

  g_assert_true (gdk_texture_save_to_png (tex, out));
  if (g_strcmp0 (g_getenv ("MS_UPDATE_REFERENCES"), "1") == 0)
    g_assert_true (gdk_texture_save_to_png (tex, ref));
  else
    {
      g_autoptr(GdkTexture) expected = gdk_texture_new_from_filename (ref, &error);
      double bad = 1;
      g_assert_no_error (error);
      if (!compare_textures (tex, expected, &bad))
        g_error ("%s differs from %s: %d×%d vs %d×%d, %.2f %% of pixels off", out, ref,
                 gdk_texture_get_width (tex), gdk_texture_get_height (tex),
                 gdk_texture_get_width (expected), gdk_texture_get_height (expected), bad * 100);
    }
}

static void
test_reference (gconstpointer data)
{
  const char *name = data;
  g_autoptr(MsDocument) doc = import_example (name);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) tex = NULL;
  g_autofree char *file = NULL;
  GtkWidget *window;
  MsCanvas *canvas;

  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  canvas = new_canvas (&window, NULL);
  ms_canvas_set_document (canvas, doc);
  /* devices imported without places are laid out when the canvas opens */
  g_object_get (canvas, "layout-running", &(gboolean) { 0 }, NULL);
  wait_layout (canvas);
  for (guint i = 0; i < ms_document_get_devices (doc)->len; i++)
    g_assert_true (((MsDevice *) ms_document_get_devices (doc)->pdata[i])->placed);
  /* one step, so one undo puts everything back where it was */
  ms_canvas_auto_layout (canvas, FALSE, TRUE);
  wait_layout (canvas);
  _ms_canvas_flush_eval (canvas);

  tex = ms_canvas_render_texture (canvas, renderer);
  g_assert_nonnull (tex);
  file = g_strconcat (name, ".png", NULL);
  check_reference (tex, file);
  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
}

static double
corner_luminance (GdkTexture *tex)
{
  gsize stride = (gsize) gdk_texture_get_width (tex) * 4;
  g_autofree guchar *px = g_malloc (stride * gdk_texture_get_height (tex));

  gdk_texture_download (tex, px, stride);
  /* the top-left pixel, background; GDK_MEMORY_DEFAULT is B8G8R8A8 premultiplied */
  return (0.114 * px[0] + 0.587 * px[1] + 0.299 * px[2]) / 255.0;
}

/* The dark style gives a dark canvas, not the light one inverted or left as is. */
static void
test_dark_style (void)
{
  g_autoptr(MsDocument) doc = import_example ("network");
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) light = NULL, dark = NULL;
  AdwStyleManager *sm = adw_style_manager_get_default ();
  GtkWidget *window;
  MsCanvas *canvas;

  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  canvas = new_canvas (&window, doc);
  wait_layout (canvas);
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_LIGHT);
  test_ui_drain ();
  light = ms_canvas_render_texture (canvas, renderer);
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  test_ui_drain ();
  dark = ms_canvas_render_texture (canvas, renderer);
  g_assert_cmpfloat (corner_luminance (light), >, 0.8);
  g_assert_cmpfloat (corner_luminance (dark), <, 0.3);
  /* and it stays the dark picture we looked at */
  check_reference (dark, "network-dark.png");
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
  test_ui_drain ();
  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
}

static GdkTexture *
snapshot_widget (MsCanvas *canvas, GskRenderer *renderer)
{
  GtkSnapshot *s = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  GTK_WIDGET_GET_CLASS (canvas)->snapshot (GTK_WIDGET (canvas), s);
  node = gtk_snapshot_free_to_node (s);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (canvas)),
                                                           gtk_widget_get_height (GTK_WIDGET (canvas))));
}

/* What the window shows, with the overlays, at every level of detail and
 * in the middle of each gesture; saved as canvas-*.png in the build dir. */
static void
test_widget_frames (void)
{
  g_autoptr(MsDocument) doc = import_example ("git-client");
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  const double zooms[] = { 0.1, 0.25, 0.6, 1.0, 2.0 };
  GtkWidget *window;
  MsCanvas *canvas;
  guint stack;
  double x, y;

  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  canvas = new_canvas (&window, doc);
  wait_layout (canvas);
  gtk_widget_grab_focus (GTK_WIDGET (canvas));
  stack = ms_document_find_device (doc, "stack")->id;
  for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
    {
      g_autoptr(GdkTexture) t = NULL;
      g_autofree char *name = g_strdup_printf ("canvas-zoom-%.2f.png", zooms[i]);
      ms_canvas_set_zoom (canvas, zooms[i]);
      ms_canvas_reveal (canvas, stack, "net");
      test_ui_drain ();
      t = snapshot_widget (canvas, renderer);
      g_assert_true (gdk_texture_save_to_png (t, name));
    }
  ms_canvas_zoom_to_fit (canvas);
  /* a wire in flight: the possible ends light up */
  g_assert_true (_ms_canvas_port_position (canvas, stack, NULL, &x, &y));
  _ms_canvas_drag_begin (canvas, x, y, 0);
  _ms_canvas_drag_update (canvas, x + 300, y + 200);
  {
    g_autoptr(GdkTexture) t = snapshot_widget (canvas, renderer);
    g_assert_true (gdk_texture_save_to_png (t, "canvas-wire.png"));
  }
  _ms_canvas_drag_end (canvas, x, y);   /* back on its own port: nothing happens */
  /* a rubber band */
  _ms_canvas_drag_begin (canvas, -100, -100, 0);
  _ms_canvas_drag_update (canvas, 600, 300);
  {
    g_autoptr(GdkTexture) t = snapshot_widget (canvas, renderer);
    g_assert_true (gdk_texture_save_to_png (t, "canvas-rubber.png"));
  }
  _ms_canvas_drag_end (canvas, 600, 300);
  g_assert_cmpuint (selection_len (canvas), >, 0);
  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
}

/* ---- behaviour ------------------------------------------------------------------ */

/* net -> stack -> unikernel, and a kv_ro off to the side */
typedef struct {
  MsDocument *doc;
  guint net, stack, kv, main_;
} Fixture;

static void
fixture_init (Fixture *f)
{
  f->doc = ms_document_new (catalog);
  f->net = add (f->doc, "default_network", "net", 0, 0);
  f->stack = add (f->doc, "generic_stackv4v6", "stack", 320, 0);
  f->kv = add (f->doc, "crunch", "files", 0, 320);
  f->main_ = add_main (f->doc, "unikernel", "stackv4v6 @-> kv_ro @-> job", 640, 160);
  g_assert_true (ms_document_set_jobs (f->doc, &f->main_, 1, NULL));
}

/* ... with net -> stack.net, stack -> unikernel.1, files -> unikernel.2 */
static void
fixture_init_wired (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  fixture_init (f);
  g_assert_true (ms_document_connect (f->doc, f->net, f->stack, "net", &error));
  g_assert_true (ms_document_connect (f->doc, f->stack, f->main_, "1", &error));
  g_assert_true (ms_document_connect (f->doc, f->kv, f->main_, "2", &error));
}

static void
test_select_and_rubber_band (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  double x, y;
  graphene_rect_t r;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);

  card_center (canvas, f.net, &x, &y);
  g_assert_cmpuint (_ms_canvas_device_at (canvas, x, y), ==, f.net);
  _ms_canvas_drag_begin (canvas, x, y, 0);
  _ms_canvas_drag_end (canvas, x, y);
  g_assert_cmpuint (selection_len (canvas), ==, 1);
  g_assert_true (selected (canvas, f.net));
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.net);

  /* shift-click adds, ctrl-click toggles off again */
  card_center (canvas, f.stack, &x, &y);
  _ms_canvas_drag_begin (canvas, x, y, GDK_SHIFT_MASK);
  _ms_canvas_drag_end (canvas, x, y);
  g_assert_cmpuint (selection_len (canvas), ==, 2);
  _ms_canvas_drag_begin (canvas, x, y, GDK_CONTROL_MASK);
  _ms_canvas_drag_end (canvas, x, y);
  g_assert_cmpuint (selection_len (canvas), ==, 1);
  g_assert_false (selected (canvas, f.stack));

  /* a click on empty canvas clears */
  _ms_canvas_drag_begin (canvas, -200, -200, 0);
  _ms_canvas_drag_end (canvas, -200, -200);
  g_assert_cmpuint (selection_len (canvas), ==, 0);

  /* a rubber band over the top row selects net and stack, not files nor unikernel */
  g_assert_true (_ms_canvas_card_rect (canvas, f.stack, &r));
  _ms_canvas_drag_begin (canvas, -40, -40, 0);
  _ms_canvas_drag_update (canvas, 200, 60);
  _ms_canvas_drag_end (canvas, r.origin.x + 40, 60);
  g_assert_cmpuint (selection_len (canvas), ==, 2);
  g_assert_true (selected (canvas, f.net));
  g_assert_true (selected (canvas, f.stack));

  /* shift + band toggles against what was selected */
  card_center (canvas, f.kv, &x, &y);
  _ms_canvas_drag_begin (canvas, -40, 300, GDK_SHIFT_MASK);
  _ms_canvas_drag_end (canvas, x, y);
  g_assert_cmpuint (selection_len (canvas), ==, 3);
  g_assert_true (selected (canvas, f.kv));

  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_move_snaps_one_undo (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GError) error = NULL;
  const MsDevice *d;
  double x, y;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  ms_canvas_select (canvas, (guint[]) { f.net, f.kv }, 2);
  card_center (canvas, f.net, &x, &y);
  _ms_canvas_drag_begin (canvas, x, y, 0);
  for (int i = 1; i <= 10; i++)
    _ms_canvas_drag_update (canvas, x + i * 5.3, y + i * 2.9);
  _ms_canvas_drag_end (canvas, x + 53, y + 29);

  d = ms_document_get_device (f.doc, f.net);
  g_assert_cmpfloat (d->x, ==, 48);   /* 53 snapped to the 16-unit grid */
  g_assert_cmpfloat (d->y, ==, 32);
  d = ms_document_get_device (f.doc, f.kv);
  g_assert_cmpfloat (d->x, ==, 48);
  g_assert_cmpfloat (d->y, ==, 352);
  /* both moves are one step */
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpfloat (ms_document_get_device (f.doc, f.net)->x, ==, 0);
  g_assert_cmpfloat (ms_document_get_device (f.doc, f.kv)->y, ==, 320);
  /* and the cards follow the undo */
  {
    graphene_rect_t r;
    g_assert_true (_ms_canvas_card_rect (canvas, f.kv, &r));
    g_assert_cmpfloat (r.origin.y, ==, 320);
  }
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_wire_connects_or_refuses (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  Toasts t = { 0 };
  double sx, sy, tx, ty;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  g_signal_connect (canvas, "toast", G_CALLBACK (on_toast), &t);

  /* net's output onto stack's "net" input */
  g_assert_true (_ms_canvas_port_position (canvas, f.net, NULL, &sx, &sy));
  g_assert_true (_ms_canvas_port_position (canvas, f.stack, "net", &tx, &ty));
  _ms_canvas_drag_begin (canvas, sx, sy, 0);
  /* while dragging, what fits lights up and what does not stays dark */
  g_assert_true (_ms_canvas_port_is_lit (canvas, f.stack, "net"));
  g_assert_false (_ms_canvas_port_is_lit (canvas, f.main_, "2"));
  _ms_canvas_drag_update (canvas, (sx + tx) / 2, (sy + ty) / 2);
  _ms_canvas_drag_end (canvas, tx, ty);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.stack, "net"), ==, f.net);
  g_assert_cmpuint (t.n, ==, 0);

  /* the network into the unikernel's kv_ro slot: refused, with the reason */
  g_assert_true (_ms_canvas_port_position (canvas, f.main_, "2", &tx, &ty));
  _ms_canvas_drag_begin (canvas, sx, sy, 0);
  _ms_canvas_drag_end (canvas, tx, ty);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "2"), ==, 0);
  g_assert_cmpuint (t.n, ==, 1);
  g_assert_nonnull (strstr (t.last, "kv_ro"));
  g_assert_false (t.undo);

  /* from an input: drag the unikernel's first port back to the stack's output */
  g_assert_true (_ms_canvas_port_position (canvas, f.main_, "1", &sx, &sy));
  g_assert_true (_ms_canvas_port_position (canvas, f.stack, NULL, &tx, &ty));
  g_assert_true (_ms_canvas_begin_wire (canvas, f.main_, "1"));
  g_assert_true (_ms_canvas_port_is_lit (canvas, f.stack, NULL));
  g_assert_false (_ms_canvas_port_is_lit (canvas, f.kv, NULL));
  _ms_canvas_drag_end (canvas, tx, ty);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "1"), ==, f.stack);

  /* a connected input picks its wire up: dropped on nothing, it disconnects */
  t.n = 0;
  _ms_canvas_drag_begin (canvas, sx, sy, 0);
  g_assert_true (_ms_canvas_port_is_lit (canvas, f.main_, "1"));
  _ms_canvas_drag_end (canvas, sx - 150, sy + 400);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "1"), ==, 0);
  g_assert_false (_ms_canvas_quick_add_is_open (canvas));
  g_assert_cmpuint (t.n, ==, 1);
  g_assert_true (t.undo);
  g_assert_true (ms_document_undo (f.doc, NULL));
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "1"), ==, f.stack);

  destroy_window (window, canvas);
  g_object_unref (f.doc);
  toasts_clear (&t);
}

static void
count_signal (gpointer instance, guint *n)
{
  (*n)++;
}

/* The pixel of a texture from ms_canvas_render_texture at canvas point
 * (x, y) of a graph whose bounds start at (0, 0). */
static guint32
pixel_at (GdkTexture *tex, double x, double y)
{
  gsize stride = (gsize) gdk_texture_get_width (tex) * 4;
  g_autofree guchar *px = g_malloc (stride * gdk_texture_get_height (tex));
  gsize at = (gsize) (y + 32) * stride + (gsize) (x + 32) * 4;

  gdk_texture_download (tex, px, stride);
  return (guint32) px[at] | (guint32) px[at + 1] << 8 | (guint32) px[at + 2] << 16;
}

/* A click on a wire selects it alone; Delete disconnects it, with undo;
 * a drag from a wire is still a rubber band. */
static void
test_wire_select_delete (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  Toasts t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) plain = NULL;
  g_autoptr(GdkTexture) lit = NULL;
  guint n_changed = 0, target = 0;
  const char *param = NULL;
  double sx, sy, tx, ty, mx, my, x, y;

  fixture_init_wired (&f);
  canvas = new_canvas (&window, f.doc);
  g_signal_connect (canvas, "toast", G_CALLBACK (on_toast), &t);
  g_signal_connect (canvas, "selection-changed", G_CALLBACK (count_signal), &n_changed);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));

  /* the curve passes through the middle of its two ends */
  g_assert_true (_ms_canvas_port_position (canvas, f.net, NULL, &sx, &sy));
  g_assert_true (_ms_canvas_port_position (canvas, f.stack, "net", &tx, &ty));
  mx = (sx + tx) / 2;
  my = (sy + ty) / 2;
  g_assert_cmpuint (_ms_canvas_device_at (canvas, mx, my), ==, 0);
  g_assert_true (_ms_canvas_wire_at (canvas, mx, my + 3, &target, &param));
  g_assert_cmpuint (target, ==, f.stack);
  g_assert_cmpstr (param, ==, "net");
  g_assert_false (_ms_canvas_wire_at (canvas, mx, my + 40, &target, &param));
  plain = ms_canvas_render_texture (canvas, renderer);

  /* the pointer over it lights it up, and leaves it be elsewhere */
  _ms_canvas_pointer_motion (canvas, (mx - canvas->off_x) * canvas->zoom, (my - canvas->off_y) * canvas->zoom);
  g_assert_true (_ms_canvas_get_hover_wire (canvas, &target, &param));
  g_assert_cmpuint (target, ==, f.stack);
  g_assert_cmpstr (param, ==, "net");
  g_assert_cmpstr (canvas->cursor, ==, "pointer");
  _ms_canvas_pointer_motion (canvas, (mx - canvas->off_x) * canvas->zoom, (my + 200 - canvas->off_y) * canvas->zoom);
  g_assert_false (_ms_canvas_get_hover_wire (canvas, &target, &param));

  /* click: the wire is selected, no device is, and it is drawn so */
  ms_canvas_select (canvas, &f.kv, 1);
  n_changed = 0;
  _ms_canvas_drag_begin (canvas, mx, my, 0);
  _ms_canvas_drag_end (canvas, mx + 1, my);
  g_assert_true (ms_canvas_get_selected_wire (canvas, &target, &param));
  g_assert_cmpuint (target, ==, f.stack);
  g_assert_cmpstr (param, ==, "net");
  g_assert_cmpuint (selection_len (canvas), ==, 0);
  g_assert_cmpuint (n_changed, >=, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.delete", NULL));
  g_assert_cmpuint (ms_document_get_source (f.doc, f.stack, "net"), ==, 0);
  g_assert_cmpuint (t.n, ==, 1);
  g_assert_cmpstr (t.last, ==, "Disconnected net from stack.net");
  g_assert_true (t.undo);
  /* the wire is gone, and so is its selection */
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpuint (ms_document_get_source (f.doc, f.stack, "net"), ==, f.net);

  ms_canvas_select_wire (canvas, f.stack, "net");
  g_assert_true (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  lit = ms_canvas_render_texture (canvas, renderer);
  g_assert_true (gdk_texture_save_to_png (lit, "canvas-wire-selected.png"));   /* to look at */
  g_assert_cmpuint (pixel_at (plain, mx, my + 3), !=, pixel_at (lit, mx, my + 3));
  /* an input that is not connected has no wire to select */
  ms_canvas_select_wire (canvas, f.stack, "nosuchparam");
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));

  /* a click on a device takes the wire's selection away */
  ms_canvas_select_wire (canvas, f.stack, "net");
  card_center (canvas, f.kv, &x, &y);
  _ms_canvas_drag_begin (canvas, x, y, 0);
  _ms_canvas_drag_end (canvas, x, y);
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  g_assert_true (selected (canvas, f.kv));

  /* a drag that starts on a wire is a rubber band */
  _ms_canvas_drag_begin (canvas, mx, my, 0);
  _ms_canvas_drag_update (canvas, mx + 40, my + 40);
  _ms_canvas_drag_end (canvas, 700, 200);
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  g_assert_true (selected (canvas, f.stack));
  g_assert_true (selected (canvas, f.main_));
  g_assert_false (selected (canvas, f.kv));

  /* Escape clears it; a click on empty canvas too */
  ms_canvas_select_wire (canvas, f.stack, "net");
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Escape, 0));
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  ms_canvas_select_wire (canvas, f.stack, "net");
  _ms_canvas_drag_begin (canvas, mx, my + 200, 0);
  _ms_canvas_drag_end (canvas, mx, my + 200);
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));

  /* the context menu on a wire acts on that wire */
  g_assert_true (_ms_canvas_popup_menu (canvas, mx, my));
  g_assert_true (ms_canvas_get_selected_wire (canvas, &target, &param));
  g_assert_cmpuint (target, ==, f.stack);
  gtk_popover_popdown (GTK_POPOVER (canvas->context_menu));

  /* undo that takes the wire away takes its selection too */
  g_assert_true (ms_document_disconnect (f.doc, f.stack, "net", &error));
  g_assert_true (ms_document_undo (f.doc, &error));
  ms_canvas_select_wire (canvas, f.stack, "net");
  g_assert_true (ms_document_redo (f.doc, &error));
  g_assert_false (ms_canvas_get_selected_wire (canvas, NULL, NULL));
  /* with nothing selected, Delete removes nothing */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.delete", NULL);
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, 4);
  g_assert_cmpuint (ms_document_get_connections (f.doc)->len, ==, 2);

  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
  toasts_clear (&t);
}

/* With the keyboard on a connected input, its wire stands out. */
static void
test_focused_port_wire (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) plain = NULL, focused = NULL;
  g_autofree guchar *a = NULL, *b = NULL;
  MsCanvasCard *card;
  double sx, sy, tx, ty;
  int port = -1, mx, my;
  gsize stride;

  fixture_init_wired (&f);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  canvas = new_canvas (&window, f.doc);
  ms_canvas_set_zoom (canvas, 1.0);
  _ms_canvas_set_offset (canvas, -50, -50);
  gtk_widget_grab_focus (GTK_WIDGET (canvas));
  test_ui_drain ();
  card = _ms_canvas_lookup (canvas, f.stack);
  for (guint i = 0; i < card->n_ports; i++)
    if (g_str_equal (card->ports[i].name, "net"))
      port = (int) i;
  g_assert_cmpint (port, >=, 0);
  g_assert_true (_ms_canvas_port_position (canvas, f.net, NULL, &sx, &sy));
  g_assert_true (_ms_canvas_port_position (canvas, f.stack, "net", &tx, &ty));
  mx = (int) ((sx + tx) / 2 + 50);
  my = (int) ((sy + ty) / 2 + 50);

  _ms_canvas_set_focus (canvas, f.stack, -1);
  plain = snapshot_widget (canvas, renderer);
  _ms_canvas_set_focus (canvas, f.stack, port);
  focused = snapshot_widget (canvas, renderer);
  stride = (gsize) gdk_texture_get_width (plain) * 4;
  a = g_malloc (stride * gdk_texture_get_height (plain));
  b = g_malloc (stride * gdk_texture_get_height (focused));
  gdk_texture_download (plain, a, stride);
  gdk_texture_download (focused, b, stride);
  g_assert_true (memcmp (a + my * stride + mx * 4, b + my * stride + mx * 4, 3) != 0);

  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

/* Only the part of a wire that can show is stroked: a view that cuts a
 * long wire shows the same pixels as the picture of the whole graph. */
static void
test_wire_cut_by_view (void)
{
  g_autoptr(MsDocument) doc = ms_document_new (catalog);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) whole = NULL;
  g_autoptr(GdkTexture) part = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pw = NULL, *pp = NULL;
  GtkWidget *window;
  MsCanvas *canvas;
  guint net, stack, wire_px = 0, bad = 0, n = 0;
  double ox, oy;
  gsize sw, sp;

  net = add (doc, "default_network", "net", 0, 0);
  stack = add (doc, "generic_stackv4v6", "stack", 3200, 640);
  g_assert_true (ms_document_connect (doc, net, stack, "net", &error));
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  canvas = new_canvas (&window, doc);
  ms_canvas_set_zoom (canvas, 1.0);
  /* the middle of the wire, both ends far outside the view */
  ox = 1100;
  oy = 0;
  _ms_canvas_set_offset (canvas, ox, oy);
  test_ui_drain ();
  whole = ms_canvas_render_texture (canvas, renderer);
  part = snapshot_widget (canvas, renderer);
  sw = (gsize) gdk_texture_get_width (whole) * 4;
  sp = (gsize) gdk_texture_get_width (part) * 4;
  pw = g_malloc (sw * gdk_texture_get_height (whole));
  pp = g_malloc (sp * gdk_texture_get_height (part));
  gdk_texture_download (whole, pw, sw);
  gdk_texture_download (part, pp, sp);
  /* the whole picture starts 32 units before the graph, at (-32, -32);
   * away from the overlays (legend top left, overview bottom right) */
  for (int y = 100; y < 600; y++)
    for (int x = 250; x < 700; x++)
      {
        const guchar *a = pp + (gsize) y * sp + (gsize) x * 4;
        const guchar *b = pw + (gsize) (y + oy + 32) * sw + (gsize) (x + ox + 32) * 4;
        gboolean differs = FALSE;
        for (int k = 0; k < 3; k++)
          differs |= ABS ((int) a[k] - (int) b[k]) > 8;
        bad += differs;
        /* the wire is there: far from the background's colour */
        wire_px += ABS ((int) b[0] - (int) b[2]) > 40;
        n++;
      }
  g_test_message ("%u of %u pixels differ, %u on the wire", bad, n, wire_px);
  g_assert_cmpuint (wire_px, >, 300);
  g_assert_cmpuint (bad, <=, wire_px / 20);
  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
}

static gboolean
model_has (GListModel *m, const char *s)
{
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr(GtkStringObject) o = g_list_model_get_item (m, i);
      if (g_str_equal (gtk_string_object_get_string (o), s))
        return TRUE;
    }
  return FALSE;
}

static void
test_quick_add (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GError) error = NULL;
  guint n, id;
  double sx, sy;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  n = ms_document_get_n_devices (f.doc);

  /* dropping the network's wire on empty canvas offers what takes a network */
  g_assert_true (_ms_canvas_port_position (canvas, f.net, NULL, &sx, &sy));
  _ms_canvas_drag_begin (canvas, sx, sy, 0);
  _ms_canvas_drag_end (canvas, sx + 100, sy + 600);
  g_assert_true (_ms_canvas_quick_add_is_open (canvas));
  g_assert_true (model_has (_ms_canvas_quick_add_get_model (canvas), "generic_stackv4v6"));
  g_assert_false (model_has (_ms_canvas_quick_add_get_model (canvas), "crunch"));
  id = _ms_canvas_quick_add_choose (canvas, "generic_stackv4v6");
  g_assert_cmpuint (id, !=, 0);
  g_assert_false (_ms_canvas_quick_add_is_open (canvas));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, n + 1);
  g_assert_cmpuint (ms_document_get_source (f.doc, id, "net"), ==, f.net);
  g_assert_true (ms_document_get_device (f.doc, id)->placed);
  g_assert_true (selected (canvas, id));
  /* one undo takes device and connection away together */
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, n);
  g_assert_null (ms_document_get_device (f.doc, id));

  /* from the unikernel's kv_ro input: producers of kv_ro */
  g_assert_true (_ms_canvas_port_position (canvas, f.main_, "2", &sx, &sy));
  _ms_canvas_drag_begin (canvas, sx, sy, 0);
  _ms_canvas_drag_end (canvas, sx - 300, sy + 500);
  g_assert_true (_ms_canvas_quick_add_is_open (canvas));
  g_assert_true (model_has (_ms_canvas_quick_add_get_model (canvas), "crunch"));
  g_assert_false (model_has (_ms_canvas_quick_add_get_model (canvas), "default_network"));
  /* the real popover: it is up, typing narrows the list, Enter takes the first */
  g_assert_true (gtk_widget_get_visible (canvas->quick_add));
  gtk_editable_set_text (GTK_EDITABLE (canvas->qa_entry), "crun");
  {
    gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    while (g_list_model_get_n_items (G_LIST_MODEL (canvas->qa_selection)) != 1
           && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (canvas->qa_selection)), ==, 1);
  g_signal_emit_by_name (canvas->qa_entry, "activate");
  g_assert_false (_ms_canvas_quick_add_is_open (canvas));
  id = ms_document_get_source (f.doc, f.main_, "2");
  g_assert_cmpuint (id, !=, 0);
  g_assert_cmpstr (ms_document_get_device (f.doc, id)->ctor, ==, "crunch");

  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_delete_undo (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  Toasts t = { 0 };
  g_autoptr(GError) error = NULL;

  fixture_init_wired (&f);
  canvas = new_canvas (&window, f.doc);
  g_signal_connect (canvas, "toast", G_CALLBACK (on_toast), &t);

  ms_canvas_select (canvas, (guint[]) { f.stack, f.kv }, 2);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.delete", NULL);
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, 2);
  g_assert_cmpuint (ms_document_get_connections (f.doc)->len, ==, 0);
  g_assert_cmpstr (t.last, ==, "Removed 2 devices");
  g_assert_true (t.undo);
  g_assert_cmpuint (selection_len (canvas), ==, 0);
  g_assert_cmpuint (_ms_canvas_device_at (canvas, 320 + 10, 10), ==, 0);

  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, 4);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.stack, "net"), ==, f.net);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "1"), ==, f.stack);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "2"), ==, f.kv);
  g_assert_cmpuint (_ms_canvas_device_at (canvas, 320 + 10, 10), ==, f.stack);

  destroy_window (window, canvas);
  g_object_unref (f.doc);
  toasts_clear (&t);
}

static void
test_copy_paste (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sel = NULL;
  const MsDevice *net2, *stack2;
  gint64 until;

  fixture_init (&f);
  ms_document_connect (f.doc, f.net, f.stack, "net", &error);
  ms_document_connect (f.doc, f.stack, f.main_, "1", &error);
  g_assert_no_error (error);
  canvas = new_canvas (&window, f.doc);

  ms_canvas_select (canvas, (guint[]) { f.net, f.stack }, 2);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.copy", NULL);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.paste", NULL);
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (ms_document_get_n_devices (f.doc) == 4 && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, 6);

  net2 = ms_document_find_device (f.doc, "net_2");
  stack2 = ms_document_find_device (f.doc, "stack_2");
  g_assert_nonnull (net2);
  g_assert_nonnull (stack2);
  /* the copies are connected among themselves, not to the unikernel */
  g_assert_cmpuint (ms_document_get_source (f.doc, stack2->id, "net"), ==, net2->id);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "1"), ==, f.stack);
  /* the pasted devices are the selection */
  sel = ms_canvas_get_selection (canvas);
  g_assert_cmpuint (sel->len, ==, 2);
  g_assert_true (selected (canvas, net2->id));
  /* one paste, one undo */
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, 4);

  /* duplicate is copy and paste in one */
  ms_canvas_select (canvas, &f.kv, 1);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.duplicate", NULL);
  g_assert_nonnull (ms_document_find_device (f.doc, "files_2"));

  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_zoom_to_fit (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  graphene_rect_t vis, r;
  double z;

  fixture_init (&f);
  add (f.doc, "default_network", "aside", 800, 500);
  canvas = new_canvas (&window, f.doc);
  ms_canvas_set_zoom (canvas, 2.0);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), ==, 2.0);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-fit", NULL);
  z = ms_canvas_get_zoom (canvas);
  g_assert_cmpfloat (z, <, 1.0);
  _ms_canvas_visible_area (canvas, &vis);
  for (guint i = 0; i < ms_document_get_devices (f.doc)->len; i++)
    {
      const MsDevice *d = ms_document_get_devices (f.doc)->pdata[i];
      g_assert_true (_ms_canvas_card_rect (canvas, d->id, &r));
      g_assert_true (graphene_rect_contains_rect (&vis, &r));
    }
  /* the fit leaves the legend its corner: no card under it */
  g_assert_true (_ms_canvas_legend_shown (canvas));

  /* a graph too big to read whole: the fit stops at a readable zoom and
   * shows where the graph starts; the rest is a scroll away */
  add (f.doc, "default_network", "far", 3000, 2000);
  test_ui_drain ();
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-fit", NULL);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), ==, MS_CANVAS_FIT_ZOOM_MIN);
  _ms_canvas_visible_area (canvas, &vis);
  g_assert_true (_ms_canvas_card_rect (canvas, f.net, &r));
  g_assert_true (graphene_rect_contains_rect (&vis, &r));
  g_assert_true (_ms_canvas_legend_shown (canvas));
  g_assert_true (_ms_canvas_card_rect (canvas, ms_document_find_device (f.doc, "far")->id, &r));
  g_assert_false (graphene_rect_contains_rect (&vis, &r));
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-reset", NULL);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), ==, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.zoom-in", NULL);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), >, 1.0);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_pan_zoom_minimap (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  graphene_rect_t vis, mm;
  double cx, cy, x0, y0;
  gboolean shown;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  ms_canvas_set_zoom (canvas, 1.0);
  _ms_canvas_set_offset (canvas, 0, 0);

  /* zooming around a point keeps the canvas point under it */
  cx = canvas->off_x + 300 / canvas->zoom;
  cy = canvas->off_y + 200 / canvas->zoom;
  _ms_canvas_zoom_around (canvas, 2.0, 300, 200);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), ==, 2.0);
  g_assert_cmpfloat_with_epsilon (canvas->off_x + 300 / canvas->zoom, cx, 1e-9);
  g_assert_cmpfloat_with_epsilon (canvas->off_y + 200 / canvas->zoom, cy, 1e-9);
  /* and stays within bounds */
  ms_canvas_set_zoom (canvas, 100);
  g_assert_cmpfloat (ms_canvas_get_zoom (canvas), ==, MS_CANVAS_ZOOM_MAX);

  /* a click in the minimap centres the view there */
  ms_canvas_set_zoom (canvas, 1.0);
  _ms_canvas_set_offset (canvas, 5000, 5000);
  _ms_canvas_minimap_rect (canvas, &mm);
  g_assert_true (_ms_canvas_minimap_to_canvas (canvas, mm.origin.x + 20, mm.origin.y + 20, &x0, &y0));
  g_assert_false (_ms_canvas_minimap_to_canvas (canvas, 5, 5, &x0, &y0));
  g_assert_true (_ms_canvas_minimap_to_canvas (canvas, mm.origin.x + mm.size.width / 2,
                                               mm.origin.y + mm.size.height / 2, &x0, &y0));
  /* the toggle hides it, and then it does not catch clicks */
  g_object_get (canvas, "show-minimap", &shown, NULL);
  g_assert_true (shown);
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.toggle-minimap", NULL);
  g_object_get (canvas, "show-minimap", &shown, NULL);
  g_assert_false (shown);
  g_assert_false (_ms_canvas_minimap_to_canvas (canvas, mm.origin.x + 20, mm.origin.y + 20, &x0, &y0));
  _ms_canvas_visible_area (canvas, &vis);
  g_assert_cmpfloat (vis.origin.x, ==, 5000);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_add_at_center (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  Toasts t = { 0 };
  graphene_rect_t vis, r;
  guint n, id;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  g_signal_connect (canvas, "toast", G_CALLBACK (on_toast), &t);
  n = ms_document_get_n_devices (f.doc);
  _ms_canvas_set_offset (canvas, 4000, 4000);
  id = ms_canvas_add_at_center (canvas, "crunch");
  g_assert_cmpuint (id, !=, 0);
  g_assert_true (ms_document_get_device (f.doc, id)->placed);
  _ms_canvas_visible_area (canvas, &vis);
  g_assert_true (_ms_canvas_card_rect (canvas, id, &r));
  g_assert_true (graphene_rect_contains_rect (&vis, &r));
  g_assert_true (selected (canvas, id));
  /* one step: undo takes it away, not just its place */
  g_assert_true (ms_document_undo (f.doc, NULL));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, n);
  /* a choice from the palette: its default input, taken; and a device of one's own */
  {
    double x, y;
    id = ms_canvas_add_at_center (canvas, "choice");
    g_assert_cmpuint (id, !=, 0);
    g_assert_nonnull (ms_document_get_device (f.doc, id)->custom->choice);
    g_assert_true (_ms_canvas_port_position (canvas, id, MS_CHOICE_DEFAULT, &x, &y));
    g_assert_cmpstr (_ms_canvas_get_choice_branch (canvas, id), ==, MS_CHOICE_DEFAULT);
    id = ms_canvas_add_at_center (canvas, "impl");
    g_assert_cmpuint (id, !=, 0);
    g_assert_nonnull (ms_document_get_device (f.doc, id)->custom);
    g_assert_true (ms_document_undo (f.doc, NULL));
    g_assert_true (ms_document_undo (f.doc, NULL));
    g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, n);
  }
  /* an unknown constructor says so */
  g_assert_cmpuint (ms_canvas_add_at_center (canvas, "no_such_device"), ==, 0);
  g_assert_cmpuint (t.n, ==, 1);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
  toasts_clear (&t);
}

static void
test_drop (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autofree char *text = NULL;
  guint n, id;
  graphene_rect_t r;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  n = ms_document_get_n_devices (f.doc);
  /* a palette entry lands under the pointer */
  g_assert_true (_ms_canvas_drop_string (canvas, "ms-ctor:ramdisk", 1000, 600));
  g_assert_cmpuint (ms_document_get_n_devices (f.doc), ==, n + 1);
  id = _ms_canvas_device_at (canvas, 1000, 600);
  g_assert_cmpuint (id, !=, 0);
  g_assert_cmpstr (ms_document_get_device (f.doc, id)->ctor, ==, "ramdisk");
  g_assert_true (selected (canvas, id));
  g_assert_false (_ms_canvas_drop_string (canvas, "hello", 0, 0));
  /* copied devices from another window land there too */
  text = ms_fragment_serialize (f.doc, &f.kv, 1);
  g_assert_true (_ms_canvas_drop_string (canvas, text, 2000, 2000));
  id = _ms_canvas_device_at (canvas, 2010, 2010);
  g_assert_cmpstr (ms_document_get_device (f.doc, id)->name, ==, "files_2");
  g_assert_true (_ms_canvas_card_rect (canvas, id, &r));
  g_assert_cmpfloat (r.origin.x, ==, 2000);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_reload (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GPtrArray) copies = g_ptr_array_new ();
  MsDevice *d;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  ms_canvas_select (canvas, &f.stack, 1);
  /* another process changed the file: the store reads it again */
  for (guint i = 0; i < ms_document_get_devices (f.doc)->len; i++)
    g_ptr_array_add (copies, ms_device_copy (ms_document_get_devices (f.doc)->pdata[i]));
  ms_document_load_begin (f.doc);
  for (guint i = 0; i < copies->len; i++)
    ms_document_load_device (f.doc, copies->pdata[i]);
  d = ms_device_new (50, "late", "default_network");
  d->placed = TRUE;
  d->x = 1000;
  d->y = 1000;
  ms_document_load_device (f.doc, d);
  ms_document_load_end (f.doc, TRUE);
  g_assert_cmpuint (_ms_canvas_device_at (canvas, 1010, 1010), ==, 50);
  g_assert_nonnull (_ms_canvas_get_accessible_child (canvas, 50));
  /* what was selected stays selected */
  g_assert_true (selected (canvas, f.stack));
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
on_notify_running (GObject *obj, GParamSpec *pspec, guint *n)
{
  (*n)++;
}

static void
test_layout_async_cancel (void)
{
  g_autoptr(MsDocument) doc = ms_document_new (catalog);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  MsCanvas *canvas;
  gboolean running;
  guint notifies = 0, before;
  const char *ctors[] = { "default_network", "crunch", "ramdisk" };

  /* enough devices that graphviz takes a moment */
  for (guint i = 0; i < 300; i++)
    add (doc, ctors[i % 3], NULL, (i % 20) * 16.0, (i / 20) * 16.0);
  canvas = new_canvas (&window, doc);
  g_signal_connect (canvas, "notify::layout-running", G_CALLBACK (on_notify_running), &notifies);

  /* the call returns before the work is done: it runs on a worker thread */
  ms_canvas_auto_layout (canvas, FALSE, TRUE);
  g_object_get (canvas, "layout-running", &running, NULL);
  g_assert_true (running);
  ms_canvas_cancel_layout (canvas);
  g_object_get (canvas, "layout-running", &running, NULL);
  g_assert_false (running);
  /* a cancelled layout changes nothing, even when it finishes later */
  for (int i = 0; i < 50; i++)
    {
      test_ui_drain ();
      g_usleep (20000);
    }
  g_assert_false (ms_document_can_undo (doc) && g_strcmp0 (ms_document_get_undo_label (doc), "Arrange devices") == 0);

  /* run to the end: one undo step */
  ms_canvas_auto_layout (canvas, FALSE, TRUE);
  wait_layout (canvas);
  g_assert_cmpstr (ms_document_get_undo_label (doc), ==, "Arrange devices");
  g_assert_cmpuint (notifies, >=, 4);

  /* a layout whose document changed meanwhile is dropped */
  before = ms_document_get_next_id (doc);
  ms_canvas_auto_layout (canvas, FALSE, TRUE);
  add (doc, "default_network", "late", 0, 0);
  wait_layout (canvas);
  g_assert_cmpstr (ms_document_get_undo_label (doc), !=, "Arrange devices");
  (void) before;

  destroy_window (window, canvas);
}

static void
test_accessible_children (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GError) error = NULL;
  GtkWidget *item;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  item = _ms_canvas_get_accessible_child (canvas, f.stack);
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_get_parent (item) == GTK_WIDGET (canvas));
  g_assert_false (gtk_widget_get_can_target (item));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (item)), ==, GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "stack, generic_stackv4v6");
  /* renames follow */
  g_assert_true (ms_document_rename_device (f.doc, f.stack, "mystack", &error));
  item = _ms_canvas_get_accessible_child (canvas, f.stack);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "mystack, generic_stackv4v6");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (canvas), GTK_ACCESSIBLE_PROPERTY_LABEL, "Device graph");
  /* the wires are in the descriptions: what feeds each input, by name */
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "net network, not connected"));
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "tcp"));
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "optional, not connected"));
  g_assert_true (ms_document_connect (f.doc, f.net, f.stack, "net", &error));
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "net network, from net"));
  g_assert_true (ms_document_rename_device (f.doc, f.net, "uplink", &error));
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "net network, from uplink"));
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (canvas, f.stack), "net network, not connected"));
  /* a project opened whole: sources with higher ids are named too */
  {
    g_autoptr(MsDocument) doc = ms_document_new (catalog);
    MsCanvas *other;
    GtkWidget *w2;
    guint stack = add (doc, "generic_stackv4v6", "stack", 320, 0);
    guint net = add (doc, "default_network", "late_net", 0, 0);
    g_assert_true (ms_document_connect (doc, net, stack, "net", &error));
    other = new_canvas (&w2, doc);
    g_assert_nonnull (strstr (_ms_canvas_get_accessible_description (other, stack), "from late_net"));
    destroy_window (w2, other);
  }
  /* removed devices lose their stand-in */
  g_assert_true (ms_document_remove_device (f.doc, f.kv, &error));
  g_assert_null (_ms_canvas_get_accessible_child (canvas, f.kv));
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

static void
test_variant_and_badges (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  g_autofree char *v1 = NULL, *v2 = NULL;

  fixture_init (&f);
  ms_document_connect (f.doc, f.net, f.stack, "net", &error);
  ms_document_connect (f.doc, f.stack, f.main_, "1", &error);
  g_assert_no_error (error);
  canvas = new_canvas (&window, f.doc);
  _ms_canvas_flush_eval (canvas);
  v1 = g_strdup (_ms_canvas_get_variant (canvas, f.stack));
  g_assert_nonnull (v1);
  /* another target takes another branch, and the card shows it */
  g_assert_true (ms_document_set_setting (f.doc, MS_SETTING_TARGET, "hvt", &error));
  _ms_canvas_flush_eval (canvas);
  v2 = g_strdup (_ms_canvas_get_variant (canvas, f.stack));
  g_assert_nonnull (v2);
  g_assert_cmpstr (v1, !=, v2);

  /* the unikernel misses its kv_ro: an error badge */
  diags = ms_check_document (f.doc);
  ms_canvas_set_diagnostics (canvas, diags);
  g_assert_cmpint (_ms_canvas_get_severity (canvas, f.main_), ==, MS_SEVERITY_ERROR);
  g_assert_cmpint (_ms_canvas_get_severity (canvas, f.net), ==, -1);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

/* A choice: one labelled input per case and default, its condition on
 * the card; the branch the target takes drawn bold, the others dimmed,
 * and both follow the target. */
static void
test_choice_card (void)
{
  g_autoptr(MsDocument) doc = ms_document_new (catalog);
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) on_unix = NULL, on_hvt = NULL;
  g_autoptr(MsCustom) c = NULL;
  guint a = add (doc, "crunch", "a", 0, 0);
  guint b = add (doc, "crunch", "b", 0, 320);
  guint ch = add (doc, "choice", "storage", 480, 160);
  GtkWidget *window;
  MsCanvas *canvas;
  double ax, ay, hx, hy, dx, dy, mx, my;
  guint32 bg;

  c = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  g_free (c->signature);
  c->signature = g_strdup ("kv_ro");
  g_ptr_array_add (c->choice->cases, g_strdup ("`Hvt"));
  g_assert_true (ms_document_set_custom (doc, ch, c, &error));
  g_assert_true (ms_document_connect (doc, a, ch, "`Hvt", &error));
  g_assert_true (ms_document_connect (doc, b, ch, MS_CHOICE_DEFAULT, &error));
  g_assert_no_error (error);

  canvas = new_canvas (&window, doc);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  /* its inputs are its cases, then default, labelled so */
  g_assert_true (_ms_canvas_port_position (canvas, ch, "`Hvt", &hx, &hy));
  g_assert_true (_ms_canvas_port_position (canvas, ch, MS_CHOICE_DEFAULT, &dx, &dy));
  g_assert_false (_ms_canvas_port_position (canvas, ch, "1", &mx, &my));
  g_assert_cmpfloat (hy, <, dy);
  g_assert_true (_ms_canvas_port_position (canvas, a, NULL, &ax, &ay));

  /* unix: the default branch */
  g_assert_cmpstr (_ms_canvas_get_choice_branch (canvas, ch), ==, MS_CHOICE_DEFAULT);
  g_assert_cmpint (_ms_canvas_wire_emphasis (canvas, ch, MS_CHOICE_DEFAULT), ==, 1);
  g_assert_cmpint (_ms_canvas_wire_emphasis (canvas, ch, "`Hvt"), ==, -1);
  g_assert_cmpint (_ms_canvas_wire_emphasis (canvas, a, "`Hvt"), ==, 0);
  on_unix = ms_canvas_render_texture (canvas, renderer);
  g_assert_true (gdk_texture_save_to_png (on_unix, "canvas-choice-unix.png"));   /* to look at */

  /* hvt: the `Hvt branch, drawn differently from before */
  g_assert_true (ms_document_set_setting (doc, MS_SETTING_TARGET, "hvt", &error));
  test_ui_drain ();
  g_assert_cmpstr (_ms_canvas_get_choice_branch (canvas, ch), ==, "`Hvt");
  g_assert_cmpint (_ms_canvas_wire_emphasis (canvas, ch, "`Hvt"), ==, 1);
  g_assert_cmpint (_ms_canvas_wire_emphasis (canvas, ch, MS_CHOICE_DEFAULT), ==, -1);
  /* and says so to assistive technologies */
  g_assert_nonnull (strstr (_ms_canvas_lookup (canvas, ch)->a11y_desc, "Choice (match target): takes `Hvt."));
  on_hvt = ms_canvas_render_texture (canvas, renderer);
  g_assert_true (gdk_texture_save_to_png (on_hvt, "canvas-choice-hvt.png"));
  /* the middle of the wire a -> `Hvt: bold now, faint before */
  mx = (ax + hx) / 2;
  my = (ay + hy) / 2;
  bg = pixel_at (on_hvt, 404, 4);
  g_assert_cmpuint (pixel_at (on_hvt, mx, my), !=, bg);
  g_assert_cmpuint (pixel_at (on_hvt, mx, my), !=, pixel_at (on_unix, mx, my));

  /* a case removed: its input goes; undo brings both back */
  {
    g_autoptr(MsCustom) c2 = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
    g_ptr_array_remove_index (c2->choice->cases, 0);
    g_assert_true (ms_document_set_custom (doc, ch, c2, &error));
  }
  test_ui_drain ();
  g_assert_false (_ms_canvas_port_position (canvas, ch, "`Hvt", &mx, &my));
  g_assert_cmpstr (_ms_canvas_get_choice_branch (canvas, ch), ==, MS_CHOICE_DEFAULT);
  g_assert_true (ms_document_undo (doc, &error));
  test_ui_drain ();
  g_assert_true (_ms_canvas_port_position (canvas, ch, "`Hvt", &mx, &my));
  g_assert_cmpstr (_ms_canvas_get_choice_branch (canvas, ch), ==, "`Hvt");
  g_assert_no_error (error);
  gsk_renderer_unrealize (renderer);
  destroy_window (window, canvas);
}

/* A device type of the project's own: cards whose signature names it get
 * their ports once it is declared, and the type legend lists it. */
static void
test_own_type_legend (void)
{
  g_autoptr(MsDocument) doc = ms_document_new (catalog);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDecl) t = ms_decl_new (MS_DECL_TYPE, "hello");
  g_autoptr(MsCustom) c = ms_custom_new ("Hello.Make", "hello");
  guint dev = add (doc, "impl", "greeter", 0, 0);
  guint main_ = add_main (doc, "unikernel", "hello @-> job", 320, 0);
  GtkWidget *window;
  MsCanvas *canvas;
  double x, y;

  g_assert_true (ms_document_set_custom (doc, dev, c, &error));
  g_assert_no_error (error);
  canvas = new_canvas (&window, doc);
  /* not declared: not a type, no port */
  g_assert_false (_ms_canvas_port_position (canvas, main_, "1", &x, &y));
  g_assert_false (g_ptr_array_find_with_equal_func (canvas->families, "hello", g_str_equal, NULL));

  g_free (t->constructor);
  t->constructor = g_strdup ("Hello");
  g_assert_true (ms_document_set_decl (doc, t, &error));
  test_ui_drain ();
  g_assert_true (_ms_canvas_port_position (canvas, main_, "1", &x, &y));
  g_assert_true (_ms_canvas_port_position (canvas, dev, NULL, &x, &y));
  g_assert_true (g_ptr_array_find_with_equal_func (canvas->families, "hello", g_str_equal, NULL));
  g_assert_true (ms_document_connect (doc, dev, main_, "1", &error));

  /* undone (the wire, then the type): gone from the legend again */
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_true (ms_document_undo (doc, &error));
  test_ui_drain ();
  g_assert_false (g_ptr_array_find_with_equal_func (canvas->families, "hello", g_str_equal, NULL));
  g_assert_no_error (error);
  destroy_window (window, canvas);
}

static void
on_activate (MsCanvas *canvas, guint id, guint *out)
{
  *out = id;
}

static void
test_keyboard (void)
{
  Fixture f;
  GtkWidget *window;
  MsCanvas *canvas;
  guint activated = 0;
  g_autoptr(GError) error = NULL;

  fixture_init (&f);
  canvas = new_canvas (&window, f.doc);
  g_signal_connect (canvas, "activate-device", G_CALLBACK (on_activate), &activated);
  ms_canvas_select (canvas, &f.net, 1);
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.net);

  /* arrows go to the nearest device that way */
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Right, 0));
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.stack);
  g_assert_true (selected (canvas, f.stack));
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Left, 0));
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.net);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Down, 0));
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.kv);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Up, 0));
  g_assert_cmpuint (ms_canvas_get_focus_device (canvas), ==, f.net);

  /* Enter asks for the inspector */
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Return, 0));
  g_assert_cmpuint (activated, ==, f.net);

  /* Tab walks the focused device's ports, then lets focus leave */
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Tab, 0));   /* output: net has no inputs */
  g_assert_cmpint (canvas->focus_port, ==, 0);
  g_assert_false (_ms_canvas_key_press (canvas, GDK_KEY_Tab, 0));
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_cmpint (canvas->focus_port, ==, -1);

  /* alt+arrow moves the selection one grid step, one undo step */
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Right, GDK_ALT_MASK));
  g_assert_cmpfloat (ms_document_get_device (f.doc, f.net)->x, ==, 16);
  g_assert_true (ms_document_undo (f.doc, &error));
  g_assert_cmpfloat (ms_document_get_device (f.doc, f.net)->x, ==, 0);

  /* Delete is the canvas.delete action */
  gtk_widget_activate_action (GTK_WIDGET (canvas), "canvas.select-all", NULL);
  g_assert_cmpuint (selection_len (canvas), ==, 4);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Escape, 0));
  g_assert_cmpuint (selection_len (canvas), ==, 0);

  /* wiring without a mouse: Enter on net's output, Enter on the first port that fits */
  ms_canvas_select (canvas, &f.net, 1);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Tab, 0));
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Return, 0));
  g_assert_cmpuint (activated, ==, f.net);   /* not the inspector this time */
  g_assert_true (canvas->kwire);
  g_assert_true (_ms_canvas_port_is_lit (canvas, f.stack, "net"));
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Return, 0));
  g_assert_false (canvas->kwire);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.stack, "net"), ==, f.net);
  /* a right click on a card selects it and opens the menu of the canvas actions */
  {
    double x, y;
    card_center (canvas, f.kv, &x, &y);
    g_assert_true (_ms_canvas_popup_menu (canvas, x, y));
    g_assert_true (gtk_widget_get_visible (canvas->context_menu));
    g_assert_true (selected (canvas, f.kv));
    g_assert_cmpuint (selection_len (canvas), ==, 1);
    gtk_popover_popdown (GTK_POPOVER (canvas->context_menu));
  }
  /* the unikernel's kv_ro input: files fits; Escape gives up */
  ms_canvas_select (canvas, &f.main_, 1);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Tab, 0));
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Tab, 0));
  g_assert_cmpint (canvas->focus_port, ==, 1);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Return, 0));
  g_assert_true (canvas->kwire);
  g_assert_true (_ms_canvas_key_press (canvas, GDK_KEY_Escape, 0));
  g_assert_false (canvas->kwire);
  g_assert_cmpuint (ms_document_get_source (f.doc, f.main_, "2"), ==, 0);
  destroy_window (window, canvas);
  g_object_unref (f.doc);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *examples = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int ret;

  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  catalog = ms_catalog_get_default (NULL, &error);
  g_assert_no_error (error);

  examples = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", NULL);
  dir = g_dir_open (examples, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *cfg = g_build_filename (examples, name, "config.ml", NULL);
      if (g_file_test (cfg, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/canvas/reference/%s", (char *) names->pdata[i]);
      g_test_add_data_func (path, names->pdata[i], test_reference);
    }
  g_test_add_func ("/canvas/select-and-rubber-band", test_select_and_rubber_band);
  g_test_add_func ("/canvas/move-snaps-one-undo", test_move_snaps_one_undo);
  g_test_add_func ("/canvas/wire", test_wire_connects_or_refuses);
  g_test_add_func ("/canvas/wire-select-delete", test_wire_select_delete);
  g_test_add_func ("/canvas/wire-cut-by-view", test_wire_cut_by_view);
  g_test_add_func ("/canvas/focused-port-wire", test_focused_port_wire);
  g_test_add_func ("/canvas/quick-add", test_quick_add);
  g_test_add_func ("/canvas/delete-undo", test_delete_undo);
  g_test_add_func ("/canvas/copy-paste", test_copy_paste);
  g_test_add_func ("/canvas/zoom-to-fit", test_zoom_to_fit);
  g_test_add_func ("/canvas/pan-zoom-minimap", test_pan_zoom_minimap);
  g_test_add_func ("/canvas/reload", test_reload);
  g_test_add_func ("/canvas/drop", test_drop);
  g_test_add_func ("/canvas/add-at-center", test_add_at_center);
  g_test_add_func ("/canvas/layout-async-cancel", test_layout_async_cancel);
  g_test_add_func ("/canvas/accessible-children", test_accessible_children);
  g_test_add_func ("/canvas/variant-and-badges", test_variant_and_badges);
  g_test_add_func ("/canvas/keyboard", test_keyboard);
  g_test_add_func ("/canvas/choice-card", test_choice_card);
  g_test_add_func ("/canvas/own-type-legend", test_own_type_legend);
  g_test_add_func ("/canvas/dark-style", test_dark_style);
  g_test_add_func ("/canvas/widget-frames", test_widget_frames);
  ret = g_test_run ();
  ms_catalog_unref (catalog);
  return ret;
}
