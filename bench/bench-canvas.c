/* bench-canvas.c: how the canvas copes with a big graph, under a display
 * (run it with xvfb-run -a and GSK_RENDERER=cairo).
 *
 * The document: groups of four devices (default_network -> generic_stackv4v6,
 * crunch, and a main taking three stacks and two kv_ro), the mains fed by
 * their own group and the two before it: 1,000 devices, 1,500 connections
 * the checker accepts. The canvas sits in a 1280x800 window.
 *
 * Prints:
 *   BENCH canvas_open_1000 <ms> ms       set_document to the first frame painted
 *   BENCH canvas_pan_p95 <ms> ms         allocate + snapshot + draw, 200 frames at 100 %
 *                                        (frames in main-thread CPU time)
 *   BENCH canvas_zoom_p95 <ms> ms        the same, zooming between fit and 100 %
 *   BENCH canvas_drag_p95 <ms> ms        one device dragged: motion + frame
 *   BENCH canvas_rss <MB> MB             VmRSS after all that
 *   BENCH canvas_edit_eval_1000 <ms> ms  a move plus the evaluation that follows it
 *   BENCH layout_2000_async <ms> ms      auto-layout of 2,000 devices on the worker
 *   BENCH layout_2000_max_stall <ms> ms  the longest main-loop stall meanwhile
 */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms-canvas.h"
#include "ms-canvas-private.h"
#include "ms-check.h"

#define GROUP 4

static MsDocument *
generate (MsCatalog *cat, guint n_groups, gboolean placed)
{
  MsDocument *doc = ms_document_new (cat);
  GString *jobs = g_string_new (NULL);

  ms_document_load_begin (doc);
  for (guint g = 0; g < n_groups; g++)
    {
      guint base = g * GROUP + 1;
      const char *ctors[GROUP] = { "default_network", "generic_stackv4v6", "crunch", "main" };
      const char *prefix[GROUP] = { "net", "stack", "files", "app" };

      for (guint k = 0; k < GROUP; k++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%u", prefix[k], g);
          MsDevice *d = ms_device_new (base + k, name, ctors[k]);
          if (k == 3)
            d->custom = ms_custom_new ("Unikernel.Main",
                                       "stackv4v6 @-> stackv4v6 @-> stackv4v6 @-> kv_ro @-> kv_ro @-> job");
          if (k == 2)
            g_hash_table_insert (d->options, g_strdup ("dirname"), g_strdup ("htdocs"));
          d->placed = placed;
          /* a grid of groups, each a row of four cards */
          d->x = placed ? (g % 10) * 4 * 256.0 + k * 256.0 : 0;
          d->y = placed ? (g / 10) * 176.0 : 0;
          ms_document_load_device (doc, d);
        }
      g_string_append_printf (jobs, "%s%u", g ? "," : "", base + 3);
    }
  for (guint g = 0; g < n_groups; g++)
    {
      guint base = g * GROUP + 1;
      guint prev1 = g >= 1 ? base - GROUP : base;
      guint prev2 = g >= 2 ? base - 2 * GROUP : base;

      ms_document_load_connection (doc, base + 1, "net", base);
      ms_document_load_connection (doc, base + 3, "1", base + 1);
      ms_document_load_connection (doc, base + 3, "2", prev1 + 1);
      ms_document_load_connection (doc, base + 3, "3", prev2 + 1);
      ms_document_load_connection (doc, base + 3, "4", base + 2);
      ms_document_load_connection (doc, base + 3, "5", prev1 + 2);
    }
  ms_document_load_setting (doc, MS_SETTING_JOBS, jobs->str);
  ms_document_load_end (doc, FALSE);
  g_string_free (jobs, TRUE);
  return doc;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
p95 (double *v, guint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return v[(guint) (n * 0.95)];
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* Frames are timed in the main thread's CPU time: on a shared machine the
 * wall clock mostly measures the neighbours. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static cairo_surface_t *target;

/* One frame as the cairo renderer makes it: the canvas's allocation and
 * snapshot, drawn
 * into a window-sized image (what GskCairoRenderer does before it hands
 * the image to the display server; that copy, slow under Xvfb, is not
 * ours to measure). */
static double
frame (GtkWidget *canvas, GskRenderer *renderer)
{
  double t0 = cpu_ms ();
  GtkSnapshot *s;
  g_autoptr(GskRenderNode) node = NULL;

  /* a moved view moves the accessible stand-ins: the layout phase */
  GTK_WIDGET_GET_CLASS (canvas)->size_allocate (canvas, gtk_widget_get_width (canvas),
                                                gtk_widget_get_height (canvas), -1);
  s = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, s);
  node = gtk_snapshot_free_to_node (s);
  if (node != NULL)
    {
      cairo_t *cr;
      if (target == NULL)
        target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gtk_widget_get_width (canvas),
                                             gtk_widget_get_height (canvas));
      cr = cairo_create (target);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
      cairo_surface_flush (target);
    }
  (void) renderer;
  return cpu_ms () - t0;
}

static void
on_after_paint (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(p = strstr (status, "VmRSS:")))
    return -1;
  return g_ascii_strtod (p + 6, NULL) / 1024.0;
}

static double paint_start;
static void
on_before (GdkFrameClock *clock, gpointer data)
{
  paint_start = now_ms ();
}
static void
on_after (GdkFrameClock *clock, gpointer data)
{
  g_printerr ("paint %.1f ms at %.1f\n", now_ms () - paint_start, now_ms ());
}

static gboolean
tick (gpointer data)
{
  double *last_and_max = data;
  double t = now_ms ();

  if (t - last_and_max[0] > last_and_max[1])
    last_and_max[1] = t - last_and_max[0];
  if (t - last_and_max[0] > 30 && g_getenv ("BENCH_DEBUG"))
    g_printerr ("stall %.1f ms at %.1f\n", t - last_and_max[0], t);
  last_and_max[0] = t;
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = NULL;
  g_autoptr(MsDocument) doc = NULL, big = NULL;
  GtkWidget *window, *canvas;
  GskRenderer *renderer;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong paint_id;
  double t0, times[200];
  MsCanvas *c;

  gtk_init ();
  cat = ms_catalog_get_default (NULL, &error);
  if (cat == NULL)
    g_error ("%s", error->message);
  doc = generate (cat, 250, TRUE);
  g_assert (ms_document_get_n_devices (doc) == 1000);
  g_assert (ms_document_get_connections (doc)->len == 1500);
  {
    /* the graph must be one the checker accepts */
    g_autoptr(GPtrArray) diags = ms_check_document (doc);
    guint errors = ms_diagnostics_count (diags, MS_SEVERITY_ERROR);
    if (errors > 0)
      g_error ("generated graph has %u errors, first: %s", errors,
               ((MsDiagnostic *) diags->pdata[0])->message);
  }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  canvas = ms_canvas_new ();
  c = MS_CANVAS (canvas);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (canvas) || gtk_widget_get_width (canvas) == 0)
    g_main_context_iteration (NULL, TRUE);
  iterate ();
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  clock = gtk_widget_get_frame_clock (canvas);

  /* open: document in, first frame out */
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  t0 = now_ms ();
  ms_canvas_set_document (c, doc);
  gtk_widget_queue_draw (canvas);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  printf ("BENCH canvas_open_1000 %.1f ms\n", now_ms () - t0);
  g_signal_handler_disconnect (clock, paint_id);
  iterate ();

  /* pan at 100 % */
  ms_canvas_set_zoom (c, 1.0);
  for (guint i = 0; i < 200; i++)
    {
      _ms_canvas_set_offset (c, i * 37.0, i * 11.0);
      times[i] = frame (canvas, renderer);
    }
  printf ("BENCH canvas_pan_p95 %.2f ms\n", p95 (times, 200));

  /* zoom between the whole graph and 100 % */
  for (guint i = 0; i < 200; i++)
    {
      double z = 0.04 + (i % 50) * (0.96 / 49);
      ms_canvas_set_zoom (c, z);
      times[i] = frame (canvas, renderer);
      if (g_getenv ("BENCH_DEBUG") && i < 50)
        g_printerr ("zoom %.2f: %.1f ms\n", z, times[i]);
    }
  printf ("BENCH canvas_zoom_p95 %.2f ms\n", p95 (times, 200));

  /* drag one device (a main, with five wires) at 100 % */
  {
    graphene_rect_t r;
    guint id = 4 + 5 * GROUP;
    double x, y;

    ms_canvas_set_zoom (c, 1.0);
    _ms_canvas_card_rect (c, id, &r);
    _ms_canvas_set_offset (c, r.origin.x - 400, r.origin.y - 300);
    x = r.origin.x + r.size.width / 2;
    y = r.origin.y + 20;
    _ms_canvas_drag_begin (c, x, y, 0);
    for (guint i = 0; i < 200; i++)
      {
        double t = cpu_ms ();
        _ms_canvas_drag_update (c, x + i * 3.0, y + (i % 40) * 2.0);
        frame (canvas, renderer);
        times[i] = cpu_ms () - t;
      }
    _ms_canvas_drag_end (c, x + 600, y);
    printf ("BENCH canvas_drag_p95 %.2f ms\n", p95 (times, 200));
  }
  iterate ();
  printf ("BENCH canvas_rss %.1f MB\n", rss_mb ());

  /* after an edit, the branch pills are re-evaluated in an idle on the main loop */
  t0 = now_ms ();
  ms_canvas_select (c, (guint[]) { 2 }, 1);
  _ms_canvas_move_selection_by (c, 16, 0);
  _ms_canvas_flush_eval (c);
  printf ("BENCH canvas_edit_eval_1000 %.1f ms\n", now_ms () - t0);

  /* 2,000 devices laid out off the main thread */
  {
    double stall[2];
    gboolean running = TRUE;
    guint src;

    if (g_getenv ("BENCH_DEBUG"))
      {
        g_signal_connect (clock, "before-paint", G_CALLBACK (on_before), NULL);
        g_signal_connect (clock, "after-paint", G_CALLBACK (on_after), NULL);
      }
    big = generate (cat, 500, TRUE);
    painted = FALSE;
    paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
    ms_canvas_set_document (c, big);
    /* its first frame is the open, not part of the layout */
    while (!painted)
      g_main_context_iteration (NULL, TRUE);
    g_signal_handler_disconnect (clock, paint_id);
    iterate ();
    t0 = now_ms ();
    ms_canvas_auto_layout (c, FALSE, TRUE);
    stall[0] = now_ms ();
    stall[1] = 0;
    src = g_timeout_add (1, tick, stall);
    while (running)
      {
        g_main_context_iteration (NULL, TRUE);
        g_object_get (c, "layout-running", &running, NULL);
      }
    printf ("BENCH layout_2000_async %.0f ms\n", now_ms () - t0);
    tick (stall);
    printf ("BENCH layout_2000_max_stall %.1f ms\n", stall[1]);
    g_source_remove (src);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
  g_clear_pointer (&target, cairo_surface_destroy);
  return 0;
}
