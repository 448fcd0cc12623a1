/* test-interaction.c: the studio driven with real input.
 *
 * A real window on the test's X display (Xvfb) gets real pointer and key
 * events from xdotool (XTEST): dragging a device from the palette onto
 * the canvas, wiring two compatible ports, trying an incompatible pair
 * (refused, with a message), selecting a wire and deleting it,
 * quick-add from a wire dropped on empty canvas, renaming in the inspector, undo and redo from the keyboard,
 * deleting, and activating a problem to find its device selected. The
 * canvas's private header only tells where things are drawn.
 */
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ms-canvas-private.h"
#include "ms-store.h"
#include "ms-window-private.h"
#include "test-ui-util.h"

static MsStudioApplication *app;
static char *tmpdir;

typedef struct {
  MsWindow *win;
  MsDocument *doc;
  GPtrArray *toasts;     /* messages the canvas and inspector asked to show */
  gulong xid;
} Fixture;

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
  test_ui_iterate (60);
}

/* A point of widget w, in the window's X coordinates. */
static void
to_window (Fixture *f, GtkWidget *w, double x, double y, int *wx, int *wy)
{
  GtkNative *native = gtk_widget_get_native (w);
  graphene_point_t in = GRAPHENE_POINT_INIT (x, y), out;
  double sx = 0, sy = 0;

  g_assert_true (gtk_widget_compute_point (w, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &sx, &sy);
  *wx = (int) (out.x + sx + 0.5);
  *wy = (int) (out.y + sy + 0.5);
}

static void
canvas_to_window (Fixture *f, double cx, double cy, int *wx, int *wy)
{
  MsCanvas *canvas = f->win->canvas;
  to_window (f, GTK_WIDGET (canvas), (cx - canvas->off_x) * canvas->zoom,
             (cy - canvas->off_y) * canvas->zoom, wx, wy);
}

static void
pointer_to (Fixture *f, int x, int y)
{
  g_autofree char *id = g_strdup_printf ("%lu", f->xid);
  g_autofree char *sx = g_strdup_printf ("%d", x), *sy = g_strdup_printf ("%d", y);
  xdotool ("mousemove", "--window", id, sx, sy, NULL);
}

/* press at a, move there in steps, release at b: what a hand does */
static void
drag (Fixture *f, int ax, int ay, int bx, int by)
{
  pointer_to (f, ax, ay);
  xdotool ("mousedown", "1", NULL);
  /* past the drag threshold first, then on in steps */
  pointer_to (f, ax + 6, ay + 3);
  pointer_to (f, ax + 12, ay + 6);
  for (int i = 1; i <= 12; i++)
    pointer_to (f, ax + (bx - ax) * i / 12, ay + (by - ay) * i / 12);
  pointer_to (f, bx + 1, by);
  pointer_to (f, bx, by);
  test_ui_iterate (150);
  xdotool ("mouseup", "1", NULL);
  test_ui_iterate (300);
}

static void
click (Fixture *f, int x, int y)
{
  pointer_to (f, x, y);
  xdotool ("click", "1", NULL);
  test_ui_iterate (150);
}

static void
key (Fixture *f, const char *keys)
{
  xdotool ("key", "--clearmodifiers", keys, NULL);
  test_ui_iterate (150);
}

static void
on_toast (GtkWidget *w, const char *message, gboolean undo, Fixture *f)
{
  g_ptr_array_add (f->toasts, g_strdup (message));
}

static guint
dev (Fixture *f, const char *name)
{
  const MsDevice *d = ms_document_find_device (f->doc, name);
  return d ? d->id : 0;
}

static guint
add_placed (MsDocument *doc, const char *ctor, const char *name, double x, double y)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);
  g_assert_no_error (error);
  g_assert_true (ms_document_move_device (doc, id, x, y, &error));
  return id;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (tmpdir, "wiring.mstudio", NULL);
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) sig = ms_custom_new ("Unikernel.Main", "kv_ro @-> job");
  guint main_id;

  g_unlink (path);
  doc = ms_store_create (path, ms_studio_application_get_catalog (app), "wiring", &error);
  g_assert_no_error (error);
  add_placed (doc, "block_of_file", "disk", 0, 0);
  g_assert_true (ms_document_set_option (doc, dev (&(Fixture) { .doc = doc }, "disk"), "file", "disk.img", &error));
  add_placed (doc, "tar_kv_ro", "store", 320, 0);
  main_id = add_placed (doc, "main", "unikernel", 640, 160);
  g_assert_true (ms_document_set_custom (doc, main_id, sig, &error));
  g_assert_true (ms_document_set_jobs (doc, &main_id, 1, &error));
  g_clear_object (&doc);

  f->toasts = g_ptr_array_new_with_free_func (g_free);
  f->win = ms_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (f->win), 1500, 940);
  gtk_window_present (GTK_WINDOW (f->win));
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_assert_true (ms_window_open_file (f->win, file, &error));
  }
  f->doc = ms_window_get_document (f->win);
  adw_flap_set_reveal_flap (f->win->palette_flap, TRUE);
  adw_flap_set_reveal_flap (f->win->inspector_flap, TRUE);
  g_signal_connect (f->win->canvas, "toast", G_CALLBACK (on_toast), f);
  g_signal_connect (f->win->inspector, "toast", G_CALLBACK (on_toast), f);
  test_ui_iterate (600);
  ms_canvas_set_zoom (f->win->canvas, 1.0);
  _ms_canvas_set_offset (f->win->canvas, -40, -40);
  test_ui_iterate (200);
  f->xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (f->win)));
  g_assert_cmpuint (f->xid, !=, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->win));
  test_ui_iterate (50);
  g_ptr_array_unref (f->toasts);
}

static void
port_point (Fixture *f, const char *device, const char *port, int *x, int *y)
{
  double cx = 0, cy = 0;
  g_assert_true (_ms_canvas_port_position (f->win->canvas, dev (f, device), port, &cx, &cy));
  canvas_to_window (f, cx, cy, x, y);
}

static void
card_point (Fixture *f, const char *device, int *x, int *y)
{
  graphene_rect_t r;
  g_assert_true (_ms_canvas_card_rect (f->win->canvas, dev (f, device), &r));
  canvas_to_window (f, r.origin.x + r.size.width / 2, r.origin.y + 14, x, y);
}

static void
test_palette_drag (Fixture *f, gconstpointer data)
{
  GtkWidget *row = ms_palette_get_row (f->win->palette, "ramdisk");
  guint before = ms_document_get_n_devices (f->doc);
  int ax, ay, bx, by;
  const MsDevice *added = NULL;

  g_assert_nonnull (row);
  gtk_widget_grab_focus (row);   /* scrolled into view */
  test_ui_iterate (200);
  to_window (f, row, 40, gtk_widget_get_height (row) / 2.0, &ax, &ay);
  canvas_to_window (f, 200, 420, &bx, &by);
  g_test_message ("palette row at %d,%d (mapped %d, folded %d, revealed %d), drop at %d,%d", ax, ay,
                  gtk_widget_get_mapped (row), adw_flap_get_folded (f->win->palette_flap),
                  adw_flap_get_reveal_flap (f->win->palette_flap), bx, by);
  drag (f, ax, ay, bx, by);

  g_assert_cmpuint (ms_document_get_n_devices (f->doc), ==, before + 1);
  for (guint i = 0; i < ms_document_get_devices (f->doc)->len; i++)
    {
      const MsDevice *d = ms_document_get_devices (f->doc)->pdata[i];
      if (g_str_equal (d->ctor, "ramdisk"))
        added = d;
    }
  g_assert_nonnull (added);
  /* it lands where it was dropped */
  g_assert_true (added->placed);
  g_assert_cmpfloat (fabs (added->x - 200), <, 260);
  g_assert_cmpfloat (fabs (added->y - 420), <, 120);
}

static void
test_connect_and_refuse (Fixture *f, gconstpointer data)
{
  int ax, ay, bx, by;

  /* block into tar_kv_ro's block: accepted */
  port_point (f, "disk", NULL, &ax, &ay);
  port_point (f, "store", "block", &bx, &by);
  drag (f, ax, ay, bx, by);
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "store"), "block"), ==, dev (f, "disk"));

  /* block into a kv_ro parameter: refused, and the user is told why */
  g_ptr_array_set_size (f->toasts, 0);
  port_point (f, "disk", NULL, &ax, &ay);
  port_point (f, "unikernel", "1", &bx, &by);
  drag (f, ax, ay, bx, by);
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "unikernel"), "1"), ==, 0);
  g_assert_cmpuint (f->toasts->len, >=, 1);
  g_assert_nonnull (strstr (f->toasts->pdata[0], "kv_ro"));

  /* kv_ro into it: accepted; undo from the keyboard takes it back */
  port_point (f, "store", NULL, &ax, &ay);
  port_point (f, "unikernel", "1", &bx, &by);
  drag (f, ax, ay, bx, by);
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "unikernel"), "1"), ==, dev (f, "store"));
  key (f, "ctrl+z");
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "unikernel"), "1"), ==, 0);
  key (f, "ctrl+shift+z");
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "unikernel"), "1"), ==, dev (f, "store"));

  /* a click on the disk's wire selects it; Delete disconnects, ctrl+z reconnects */
  {
    double sx = 0, sy = 0, tx = 0, ty = 0;
    guint target = 0;
    const char *param = NULL;
    g_assert_true (_ms_canvas_port_position (f->win->canvas, dev (f, "disk"), NULL, &sx, &sy));
    g_assert_true (_ms_canvas_port_position (f->win->canvas, dev (f, "store"), "block", &tx, &ty));
    canvas_to_window (f, (sx + tx) / 2, (sy + ty) / 2, &ax, &ay);
    click (f, ax, ay);
    g_assert_true (ms_canvas_get_selected_wire (f->win->canvas, &target, &param));
    g_assert_cmpuint (target, ==, dev (f, "store"));
    g_assert_cmpstr (param, ==, "block");
    key (f, "Delete");
    g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "store"), "block"), ==, 0);
    g_assert_nonnull (ms_document_find_device (f->doc, "disk"));
    key (f, "ctrl+z");
    g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "store"), "block"), ==, dev (f, "disk"));
  }
}

static void
test_quick_add (Fixture *f, gconstpointer data)
{
  int ax, ay, bx, by;
  guint src;

  /* a wire from unikernel's kv_ro input dropped on empty canvas */
  port_point (f, "unikernel", "1", &ax, &ay);
  canvas_to_window (f, 300, 520, &bx, &by);
  drag (f, ax, ay, bx, by);
  g_assert_true (_ms_canvas_quick_add_is_open (f->win->canvas));
  /* typing filters the devices that produce a kv_ro; Enter picks one */
  xdotool ("type", "--delay", "30", "crunch", NULL);
  test_ui_iterate (300);
  key (f, "Return");
  test_ui_iterate (200);
  src = ms_document_get_source (f->doc, dev (f, "unikernel"), "1");
  g_assert_cmpuint (src, !=, 0);
  g_assert_cmpstr (ms_document_get_device (f->doc, src)->ctor, ==, "crunch");
  /* one step: undo removes the device and its wire together */
  key (f, "ctrl+z");
  g_assert_cmpuint (ms_document_get_source (f->doc, dev (f, "unikernel"), "1"), ==, 0);
  g_assert_null (ms_document_get_device (f->doc, src));
}

static void
test_rename_delete (Fixture *f, gconstpointer data)
{
  int x, y;
  GtkWidget *field;
  guint id = dev (f, "store");

  /* click the card: the inspector shows it */
  card_point (f, "store", &x, &y);
  click (f, x, y);
  g_assert_cmpuint (ms_canvas_get_focus_device (f->win->canvas), ==, id);
  g_assert_cmpuint (ms_inspector_get_device (f->win->inspector), ==, id);

  /* rename through the name row, typed for real */
  ms_inspector_focus_field (f->win->inspector, "name");
  test_ui_iterate (100);
  field = ms_inspector_get_field_widget (f->win->inspector, "name");
  g_assert_nonnull (field);
  key (f, "ctrl+a");
  xdotool ("type", "--delay", "20", "files", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field)), ==, "files");
  key (f, "Return");
  test_ui_iterate (200);
  g_assert_cmpstr (ms_document_get_device (f->doc, id)->name, ==, "files");
  key (f, "Escape");

  /* undo and redo the rename from the keyboard, on the canvas */
  gtk_widget_grab_focus (GTK_WIDGET (f->win->canvas));
  key (f, "ctrl+z");
  g_assert_cmpstr (ms_document_get_device (f->doc, id)->name, ==, "store");
  key (f, "ctrl+shift+z");
  g_assert_cmpstr (ms_document_get_device (f->doc, id)->name, ==, "files");

  /* Delete removes the selected device, with an offer to undo */
  card_point (f, "files", &x, &y);
  click (f, x, y);
  g_ptr_array_set_size (f->toasts, 0);
  key (f, "Delete");
  g_assert_null (ms_document_get_device (f->doc, id));
  g_assert_cmpuint (f->toasts->len, >=, 1);
  key (f, "ctrl+z");
  g_assert_nonnull (ms_document_get_device (f->doc, id));
}

/* The first label under w showing a text that contains all of needles. */
static GtkWidget *
find_label (GtkWidget *w, const char *a, const char *b)
{
  if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w))
    {
      const char *t = gtk_label_get_text (GTK_LABEL (w));
      if (strstr (t, a) != NULL && (b == NULL || strstr (t, b) != NULL))
        return w;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, a, b);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A problem in the list, activated with a click, selects its device. */
static void
test_problem_activation (Fixture *f, gconstpointer data)
{
  GtkWidget *row = NULL;
  int x, y;

  /* "store" is used by nothing: an unused-device warning names it */
  gtk_widget_activate_action (GTK_WIDGET (f->win), "win.show-problems", NULL);
  test_ui_iterate (300);
  row = find_label (GTK_WIDGET (f->win->problems), "store", NULL);
  g_assert_nonnull (row);
  to_window (f, row, 60, gtk_widget_get_height (row) / 2.0, &x, &y);
  pointer_to (f, x, y);
  xdotool ("click", "--repeat", "2", "1", NULL);
  test_ui_iterate (300);
  g_assert_cmpuint (ms_canvas_get_focus_device (f->win->canvas), ==, dev (f, "store"));
  g_assert_cmpuint (ms_inspector_get_device (f->win->inspector), ==, dev (f, "store"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("ms-interaction-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()) || g_find_program_in_path ("xdotool") == NULL)
    {
      g_printerr ("test-interaction needs an X display and xdotool\n");
      return 1;
    }
  app = ms_studio_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  g_test_add ("/interaction/palette-drag", Fixture, NULL, fixture_setup, test_palette_drag, fixture_teardown);
  g_test_add ("/interaction/connect-and-refuse", Fixture, NULL, fixture_setup, test_connect_and_refuse, fixture_teardown);
  g_test_add ("/interaction/quick-add", Fixture, NULL, fixture_setup, test_quick_add, fixture_teardown);
  g_test_add ("/interaction/rename-undo-delete", Fixture, NULL, fixture_setup, test_rename_delete, fixture_teardown);
  g_test_add ("/interaction/problem-activation", Fixture, NULL, fixture_setup, test_problem_activation, fixture_teardown);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
