/* test-xdo.h: real input for the studio's window tests: xdotool (XTEST)
 * moving the pointer, clicking and typing on the test's X display, and
 * where a widget's point is in the window's X coordinates. */
#pragma once

#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>
#include <stdarg.h>

#include "test-ui-util.h"

static inline void
xdo (const char *first, ...)
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

static inline gboolean
xdo_available (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");
  return GDK_IS_X11_DISPLAY (gdk_display_get_default ()) && path != NULL;
}

/* A point of widget w, in its window's X coordinates. */
static inline void
xdo_point (GtkWidget *w, double x, double y, int *wx, int *wy)
{
  GtkNative *native = gtk_widget_get_native (w);
  graphene_point_t in = GRAPHENE_POINT_INIT (x, y), out;
  double sx = 0, sy = 0;

  g_assert_true (gtk_widget_compute_point (w, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &sx, &sy);
  *wx = (int) (out.x + sx + 0.5);
  *wy = (int) (out.y + sy + 0.5);
}

/* Clicks (count times) at point (x, y) of widget w. */
static inline void
xdo_click (GtkWidget *w, double x, double y, int count)
{
  gulong xid = gdk_x11_surface_get_xid (gtk_native_get_surface (gtk_widget_get_native (w)));
  g_autofree char *id = g_strdup_printf ("%lu", xid);
  g_autofree char *n = g_strdup_printf ("%d", count);
  g_autofree char *sx = NULL, *sy = NULL;
  int wx, wy;

  xdo_point (w, x, y, &wx, &wy);
  sx = g_strdup_printf ("%d", wx);
  sy = g_strdup_printf ("%d", wy);
  xdo ("mousemove", "--window", id, sx, sy, NULL);
  xdo ("click", "--repeat", n, "1", NULL);
  test_ui_iterate (200);
}

static inline void
xdo_key (const char *keys)
{
  xdo ("key", "--clearmodifiers", keys, NULL);
  test_ui_iterate (150);
}

static inline void
xdo_type (const char *text)
{
  xdo ("type", "--delay", "20", text, NULL);
  test_ui_iterate (100);
}
