/* test-ui-util.h: what the studio's widget tests share: running the main
 * loop for a while, and finding a widget of a type under another. */
#pragma once

#include <gtk/gtk.h>

/* Dispatches what is pending. Bounded: while something animates, a
 * loaded machine always has the next frame pending, and an unbounded
 * loop would never return. */
static inline void
test_ui_drain (void)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  for (guint i = 0; i < 10000 && g_get_monotonic_time () < end; i++)
    if (!g_main_context_iteration (NULL, FALSE))
      break;
}

/* Runs the main loop for ms milliseconds: idles, timeouts, frames and
 * subprocess output all get their turn. */
static inline void
test_ui_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      test_ui_drain ();
      g_usleep (1000);
    }
}

/* Runs the main loop until cond holds, for at most ms milliseconds; the
 * assertion after it says what was expected. Waiting on the condition,
 * not a fixed time, keeps a test right on a loaded machine where an
 * allocation or an animation takes longer. */
#define TEST_UI_ITERATE_UNTIL(cond, ms)                                   \
  G_STMT_START {                                                          \
    gint64 test_ui_end_ = g_get_monotonic_time () + (gint64) (ms) * 1000; \
    while (!(cond) && g_get_monotonic_time () < test_ui_end_)             \
      {                                                                   \
        test_ui_drain ();                                                 \
        g_usleep (1000);                                                  \
      }                                                                   \
  } G_STMT_END

/* The first widget of type at or below w, depth first. */
static inline GtkWidget *
test_ui_find_type (GtkWidget *w, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = test_ui_find_type (c, type);
      if (r)
        return r;
    }
  return NULL;
}
