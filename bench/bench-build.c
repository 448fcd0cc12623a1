/* bench-build.c: mstudio build speed.
 *
 * BENCH build_hello_scratch: `mstudio build` of the hello example into an
 * empty directory (generation and the C compiler), target <= 1.0 s.
 * BENCH rebuild_after_source_change: the same after a change to
 * unikernel.c, target <= 0.5 s. The best of 5 runs each.
 * BENCH build_crunch_20mb / build_crunch_20mb_peak_rss: one build of a
 * crunch graph embedding a 20 MB file (the largest process's peak RSS,
 * the compiler's included): embed.c holds string literals, so this is
 * linear (it was 71 s of CPU and 3.1 GB with an initializer per byte).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>

static double
run (char **argv)
{
  gint64 t0 = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed", argv[0]);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (void)
{
  const char *datadir = g_getenv ("MSTUDIO_DATADIR");
  g_autofree char *dir = g_dir_make_tmp ("bench-build-XXXXXX", NULL);
  g_autofree char *project = g_build_filename (dir, "hello.mstudio", NULL);
  g_autofree char *source = g_build_filename (dir, "unikernel.c", NULL);
  g_autofree char *example = NULL;
  g_autofree char *text = NULL;
  char *new_argv[] = { MSTUDIO_PATH, "new", project, "--name", "hello", "--example", "hello", NULL };
  double scratch = G_MAXDOUBLE, rebuild = G_MAXDOUBLE;

  if (datadir == NULL)
    datadir = SOURCE_DATADIR;
  example = g_build_filename (datadir, "examples", "hello", "unikernel.c", NULL);
  if (!g_file_get_contents (example, &text, NULL, NULL) || !g_file_set_contents (source, text, -1, NULL))
    g_error ("cannot copy %s", example);
  run (new_argv);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *out = g_strdup_printf ("%s/out-%d", dir, i);
      char *build_argv[] = { MSTUDIO_PATH, "build", project, "-o", out, NULL };
      g_autofree char *changed = g_strdup_printf ("%s/* change %d */\n", text, i);

      scratch = MIN (scratch, run (build_argv));
      g_file_set_contents (source, changed, -1, NULL);
      rebuild = MIN (rebuild, run (build_argv));
    }
  printf ("BENCH build_hello_scratch %.0f ms\n", scratch);
  printf ("BENCH rebuild_after_source_change %.0f ms\n", rebuild);
  {
    g_autofree char *kv = g_build_filename (dir, "kv.mstudio", NULL);
    g_autofree char *htdocs = g_build_filename (dir, "htdocs", NULL);
    g_autofree char *big = g_build_filename (htdocs, "big.bin", NULL);
    g_autofree char *kv_source = g_build_filename (datadir, "examples", "kv_ro", "unikernel.c", NULL);
    g_autofree char *kv_text = NULL;
    g_autofree char *out = g_build_filename (dir, "out-kv", NULL);
    char *kv_new[] = { MSTUDIO_PATH, "new", kv, "--name", "kv", "--example", "kv_ro", NULL };
    char *kv_build[] = { MSTUDIO_PATH, "build", kv, "-o", out, NULL };
    gsize n = 20u * 1000u * 1000u;
    g_autofree guchar *bytes = g_malloc (n);
    struct rusage ru;

    for (gsize i = 0; i < n; i++)
      bytes[i] = (guchar) (g_random_int () >> 24);
    if (!g_file_get_contents (kv_source, &kv_text, NULL, NULL) || !g_file_set_contents (source, kv_text, -1, NULL)
        || g_mkdir_with_parents (htdocs, 0755) != 0
        || !g_file_set_contents (big, (const char *) bytes, (gssize) n, NULL))
      g_error ("cannot set up the crunch project");
    run (kv_new);
    printf ("BENCH build_crunch_20mb %.0f ms\n", run (kv_build));
    getrusage (RUSAGE_CHILDREN, &ru);
    printf ("BENCH build_crunch_20mb_peak_rss %ld KiB\n", ru.ru_maxrss);
  }
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    (void) system (cmd);
  }
  return 0;
}
