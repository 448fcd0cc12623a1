/* bench-studio.c: the studio's start, from exec to its first frame.
 *
 * Runs the real mirage-studio on a project (the hello example) with
 * MS_STUDIO_QUIT_AFTER_FIRST_FRAME set, so the process ends right after
 * painting its first frame; the median wall time over several runs is
 * the figure. Needs a display (tools/bench starts Xvfb).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
run_once (const char *project, char **envp)
{
  const char *argv[] = { STUDIO_PATH, project, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  gint64 t0 = g_get_monotonic_time ();

  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    {
      fprintf (stderr, "bench-studio: mirage-studio failed: %s\n", error ? error->message : "non-zero exit");
      exit (1);
    }
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
  double times[7];
  int status = 0;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      fprintf (stderr, "bench-studio: no display\n");
      return 1;
    }
  envp = g_environ_setenv (envp, "MS_STUDIO_QUIT_AFTER_FIRST_FRAME", "1", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", dir, TRUE);
  envp = g_environ_setenv (envp, "MSTUDIO_DATADIR", SOURCE_DATADIR, FALSE);
  if (!g_spawn_sync (NULL, (char **) new_argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_sync (NULL, (char **) layout_argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return 1;

  run_once (project, envp);   /* warm the caches: fonts, icons, the catalog */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    times[i] = run_once (project, envp);
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  printf ("BENCH studio_start_to_first_frame %.1f ms\n", times[G_N_ELEMENTS (times) / 2]);
  return 0;
}
