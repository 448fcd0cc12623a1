/* bench-studio.c: the studio's start, from exec to its first frame.
 *
 * Runs the real mirage-studio on a project (the hello example) with
 * MS_STUDIO_QUIT_AFTER_FIRST_FRAME set to the monotonic time of the
 * spawn: the studio prints how long after that its first frame was
 * painted, then quits. The median over several runs is the figure; the
 * wall time to the process's end (exit included) is printed as well.
 * The same is measured for bench/studio-floor, a bare libadwaita window:
 * what the machine, the display server and the toolkit cost before any
 * code of ours runs (GTK sets up GL at start even for the cairo renderer,
 * which with software GL is most of it).
 * Needs a display (tools/bench starts Xvfb).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
run_once (const char *program, const char *project, char **envp, double *frame_ms)
{
  const char *argv[] = { program, project, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stamp = NULL;
  g_auto(GStrv) env = NULL;
  const char *line;
  int status = 0;
  gint64 t0 = g_get_monotonic_time ();

  stamp = g_strdup_printf ("%" G_GINT64_FORMAT, t0);
  env = g_environ_setenv (g_strdupv (envp), "MS_STUDIO_QUIT_AFTER_FIRST_FRAME", stamp, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    {
      fprintf (stderr, "bench-studio: %s failed: %s\n", program, error ? error->message : "non-zero exit");
      exit (1);
    }
  line = out ? strstr (out, "first-frame ") : NULL;
  if (line == NULL)
    {
      fprintf (stderr, "bench-studio: %s did not report its first frame\n", program);
      exit (1);
    }
  *frame_ms = g_ascii_strtod (line + strlen ("first-frame "), NULL);
  return (double) (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ms-bench-studio-XXXXXX", NULL);
  g_autofree char *project = g_build_filename (dir, "hello.mstudio", NULL);
  const char *new_argv[] = { MSTUDIO_PATH, "new", project, "--name", "hello", "--example", "hello", NULL };
  const char *layout_argv[] = { MSTUDIO_PATH, "layout", project, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  double times[7], frames[7], floor[7];
  int status = 0;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      fprintf (stderr, "bench-studio: no display\n");
      return 1;
    }
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", dir, TRUE);
  envp = g_environ_setenv (envp, "MSTUDIO_DATADIR", SOURCE_DATADIR, FALSE);
  if (!g_spawn_sync (NULL, (char **) new_argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_sync (NULL, (char **) layout_argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return 1;

  /* warm the caches (fonts, icons, the catalog), then take turns, so a
   * machine that slows down or speeds up meanwhile weighs on both alike */
  run_once (STUDIO_PATH, project, envp, &frames[0]);
  run_once (FLOOR_PATH, NULL, envp, &floor[0]);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      times[i] = run_once (STUDIO_PATH, project, envp, &frames[i]);
      run_once (FLOOR_PATH, NULL, envp, &floor[i]);
    }
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  qsort (frames, G_N_ELEMENTS (frames), sizeof frames[0], compare_doubles);
  qsort (floor, G_N_ELEMENTS (floor), sizeof floor[0], compare_doubles);
  printf ("BENCH studio_start_to_first_frame %.1f ms\n", frames[G_N_ELEMENTS (frames) / 2]);
  printf ("BENCH studio_start_to_exit %.1f ms\n", times[G_N_ELEMENTS (times) / 2]);
  printf ("BENCH bare_adw_window_first_frame %.1f ms\n", floor[G_N_ELEMENTS (floor) / 2]);
  printf ("BENCH studio_first_frame_over_bare %.1f ms\n",
          frames[G_N_ELEMENTS (frames) / 2] - floor[G_N_ELEMENTS (floor) / 2]);
  return 0;
}
