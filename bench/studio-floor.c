/* studio-floor.c: the least a libadwaita application can do before its
 * first frame (an AdwApplicationWindow with a header bar and a label),
 * timed exactly as the studio is (MS_STUDIO_QUIT_AFTER_FIRST_FRAME, the
 * first "after-paint" of the window's frame clock). bench-studio runs it
 * next to the studio, so the studio's figure can be read against what
 * this machine, display and toolkit cost before any code of ours runs.
 */
#include <adwaita.h>

static void
on_first_paint (GdkFrameClock *clock, GtkWindow *window)
{
  gint64 start = g_ascii_strtoll (g_getenv ("MS_STUDIO_QUIT_AFTER_FIRST_FRAME"), NULL, 10);

  if (start > 0)
    g_print ("first-frame %.1f\n", (g_get_monotonic_time () - start) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, on_first_paint, window);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
on_realize (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_first_paint), window);
}

static void
on_activate (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Mirage Studio"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.miragestudio.Floor", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
