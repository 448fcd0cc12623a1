/* bench-resolve.c: package resolution speed (docs/resolve.md).
 *
 * BENCH resolve_convert_snapshot: reading the opam-repository snapshot's
 * 18,793 opam files and converting them into a libsolv pool, in-process
 * (target <= 3 s); _cpu its CPU time (both reading threads), _median the
 * median run.
 * BENCH resolve_cached_load: opening the snapshot archive again with its
 * cached pool (target <= 30 ms); _cpu and _median likewise.
 * BENCH resolve_EXAMPLE / resolve_EXAMPLE_peak_rss: `mstudio resolve` of
 * each example end to end, process start included (target <= 100 ms),
 * and its peak memory; resolve_EXAMPLE_cpu its CPU time (user + system:
 * the figure that a loaded machine does not inflate). Best of 5, and
 * resolve_EXAMPLE_median the median wall time.
 * BENCH opam_dry_run_EXAMPLE and resolve_speedup_EXAMPLE: Debian's opam
 * doing `opam install --dry-run --show-actions` of the same packages in an
 * offline root set up once under the cache folder (skipped, with a note,
 * when opam is missing or MS_BENCH_OPAM=0).
 *
 * The snapshot: MS_OPAM_SNAPSHOT_TAR, else ../shared/data next to the
 * source tree; MS_OPAM_SNAPSHOT_DIR, an unpacked copy of it, spares
 * unpacking it again. The load average is printed at the start and the
 * end: on a shared machine the wall times mean little without it.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "ms-opam-repo.h"
#include "ms-resolve.h"

extern char **environ;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* this process's CPU time, all threads */
static double
cpu_ms (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
print_load (const char *when)
{
  g_autofree char *text = NULL;
  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    printf ("# bench-resolve: load average %s: %s", when, text);
}

/* The CPU time (user + system) of the last child run: on a loaded
 * machine the honest figure, where the wall time mostly measures the
 * wait for a core. */
static double last_cpu_ms;

/* Runs argv; returns the wall time in ms, and the child's peak RSS in KiB. */
static double
run (char **argv, const char *out_path, long *peak_kib, int *exit_status)
{
  posix_spawn_file_actions_t fa;
  struct rusage ru;
  pid_t pid;
  int status = 0;
  double t0 = now_ms ();

  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 1, out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen (&fa, 2, "/dev/null", O_WRONLY, 0);
  if (posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ) != 0)
    g_error ("cannot run %s", argv[0]);
  posix_spawn_file_actions_destroy (&fa);
  if (wait4 (pid, &status, 0, &ru) < 0)
    g_error ("wait4 failed");
  if (peak_kib != NULL)
    *peak_kib = ru.ru_maxrss;
  last_cpu_ms = ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0
                + ru.ru_stime.tv_sec * 1000.0 + ru.ru_stime.tv_usec / 1000.0;
  if (exit_status != NULL)
    *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return now_ms () - t0;
}

static char *
find_snapshot (void)
{
  const char *env = g_getenv ("MS_OPAM_SNAPSHOT_TAR");
  const char *name = "opam-repository-2026-08-22.tar.xz";
  const char *candidates[] = { SOURCE_ROOT "/../shared/data", SOURCE_ROOT "/../../shared/data", "/work/shared/data" };
  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_REGULAR))
    return g_strdup (env);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      char *path = g_build_filename (candidates[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  return NULL;
}

static void
rm_rf (const char *path)
{
  char *argv[] = { "rm", "-rf", (char *) path, NULL };
  run (argv, NULL, NULL, NULL);
}

/* opam, offline, in a root under the cache folder: set up once. */
static gboolean
opam_setup (const char *root, const char *repo_dir, const char *ocaml)
{
  g_autofree char *done = g_build_filename (root, ".mstudio-bench-ready", NULL);
  int status;
  char *init[] = { "opam", "init", "--bare", "--no-setup", "--disable-sandboxing", "-y", "-q",
                   "default", (char *) repo_dir, NULL };
  char *create[] = { "opam", "switch", "create", "bench", "--empty", "-y", "-q", NULL };
  g_autofree char *compiler = g_strdup_printf ("ocaml-base-compiler.%s", ocaml);
  char *fake[] = { "opam", "install", "--fake", "-y", "-q", "--switch", "bench", compiler, NULL };

  if (g_file_test (done, G_FILE_TEST_EXISTS))
    return TRUE;
  rm_rf (root);
  g_setenv ("OPAMROOT", root, TRUE);
  run (init, NULL, NULL, &status);
  if (status != 0)
    return FALSE;
  run (create, NULL, NULL, &status);
  if (status != 0)
    return FALSE;
  run (fake, NULL, NULL, &status);
  if (status != 0)
    return FALSE;
  g_file_set_contents (done, "", 0, NULL);
  return TRUE;
}

int
main (void)
{
  g_autofree char *tar = find_snapshot ();
  g_autofree char *tmp = g_dir_make_tmp ("bench-resolve-XXXXXX", NULL);
  /* where mstudio puts it with XDG_CACHE_HOME=tmp: the children reuse the pool */
  g_autofree char *cache = g_build_filename (tmp, "mirage-studio", NULL);
  g_autofree char *ocaml = NULL;
  const char *examples[] = { "hello", "kv_ro", "network", "http-server", "git-client" };
  double best, best_cpu, times[5];
  gboolean with_opam = g_find_program_in_path ("opam") != NULL && g_strcmp0 (g_getenv ("MS_BENCH_OPAM"), "0") != 0;
  g_autofree char *opam_root = NULL;
  g_autofree char *snapshot_dir = NULL;

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (tar == NULL)
    {
      printf ("# bench-resolve: no opam-repository snapshot (MS_OPAM_SNAPSHOT_TAR): skipped\n");
      return 0;
    }
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  print_load ("at the start");

  /* the snapshot unpacked once, outside the timings */
  if (g_getenv ("MS_OPAM_SNAPSHOT_DIR") != NULL)
    {
      g_autofree char *packages = g_build_filename (g_getenv ("MS_OPAM_SNAPSHOT_DIR"), "packages", NULL);
      if (!g_file_test (packages, G_FILE_TEST_IS_DIR))
        g_error ("MS_OPAM_SNAPSHOT_DIR has no packages/ folder");
      snapshot_dir = g_strdup (g_getenv ("MS_OPAM_SNAPSHOT_DIR"));
    }
  else
  {
    char *argv[] = { "tar", "-xJf", tar, "-C", tmp, NULL };
    int status;
    run (argv, NULL, NULL, &status);
    if (status != 0)
      g_error ("cannot unpack %s", tar);
    snapshot_dir = g_build_filename (tmp, "opam-repository", NULL);
  }

  /* first conversion, in-process */
  best = best_cpu = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      double t0 = now_ms (), c0 = cpu_ms ();
      MsOpamRepo *repo = ms_opam_repo_new (NULL);
      MsResolver *r;
      if (!ms_opam_repo_load (repo, snapshot_dir, NULL))
        g_error ("cannot read %s", snapshot_dir);
      r = ms_resolver_new_from_repo (repo);
      times[i] = now_ms () - t0;
      best = MIN (best, times[i]);
      best_cpu = MIN (best_cpu, cpu_ms () - c0);
      if (ocaml == NULL)
        ocaml = ms_resolver_default_ocaml (r);
      ms_resolver_free (r);
      ms_opam_repo_free (repo);
    }
  printf ("BENCH resolve_convert_snapshot %.0f ms\n", best);
  printf ("BENCH resolve_convert_snapshot_cpu %.0f ms\n", best_cpu);
  printf ("BENCH resolve_convert_snapshot_median %.0f ms\n", median (times, 3));

  /* the archive opened once (extraction, conversion, cache), then cached */
  {
    double t0 = now_ms ();
    MsResolver *r = ms_resolver_open (tar, cache, NULL, NULL);
    if (r == NULL)
      g_error ("cannot open %s", tar);
    printf ("BENCH resolve_open_archive_uncached %.0f ms\n", now_ms () - t0);
    ms_resolver_free (r);
  }
  best = best_cpu = G_MAXDOUBLE;
  for (int i = 0; i < 5; i++)
    {
      gboolean from_cache = FALSE;
      double t0 = now_ms (), c0 = cpu_ms ();
      MsResolver *r = ms_resolver_open (tar, cache, &from_cache, NULL);
      times[i] = now_ms () - t0;
      best = MIN (best, times[i]);
      best_cpu = MIN (best_cpu, cpu_ms () - c0);
      if (!from_cache)
        g_error ("the cache was not used");
      ms_resolver_free (r);
    }
  printf ("BENCH resolve_cached_load %.1f ms\n", best);
  printf ("BENCH resolve_cached_load_cpu %.1f ms\n", best_cpu);
  printf ("BENCH resolve_cached_load_median %.1f ms\n", median (times, 5));

  if (with_opam)
    {
      opam_root = g_build_filename (g_get_user_cache_dir (), "mirage-studio", "bench-opam-root", NULL);
      {
        /* the cache folder, not the scratch one: set up opam once per machine */
        const char *real_cache = g_getenv ("MS_BENCH_OPAM_ROOT");
        if (real_cache != NULL)
          {
            g_free (opam_root);
            opam_root = g_strdup (real_cache);
          }
      }
      g_setenv ("OPAMNODEPEXTS", "1", TRUE);
      g_setenv ("OPAMYES", "1", TRUE);
      g_setenv ("OPAMROOT", opam_root, TRUE);
      {
        double t0 = now_ms ();
        if (!opam_setup (opam_root, snapshot_dir, ocaml))
          {
            printf ("# bench-resolve: opam could not be set up offline in %s: opam figures skipped\n", opam_root);
            with_opam = FALSE;
          }
        else
          printf ("# bench-resolve: opam root ready in %.0f ms (%s)\n", now_ms () - t0, opam_root);
      }
    }

  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    {
      g_autofree char *project = g_strdup_printf ("%s/%s.mstudio", tmp, examples[e]);
      g_autofree char *json = g_strdup_printf ("%s/%s.json", tmp, examples[e]);
      char *new_argv[] = { MSTUDIO_PATH, "new", project, "--name", (char *) examples[e], "--example", (char *) examples[e], NULL };
      char *argv[] = { MSTUDIO_PATH, "resolve", project, "--opam-repo", tar, "--json", NULL };
      long peak = 0, rss = 0;
      int status = 0;

      run (new_argv, NULL, NULL, NULL);
      best = G_MAXDOUBLE;
      peak = G_MAXLONG;
      best_cpu = G_MAXDOUBLE;
      for (int i = 0; i < 5; i++)
        {
          times[i] = run (argv, json, &rss, &status);
          best = MIN (best, times[i]);
          best_cpu = MIN (best_cpu, last_cpu_ms);
          peak = MIN (peak, rss);   /* every run is alike (cached): the least noisy figure */
          if (status != 0)
            g_error ("mstudio resolve %s failed (%d)", examples[e], status);
        }
      printf ("BENCH resolve_%s %.0f ms\n", examples[e], best);
      printf ("BENCH resolve_%s_cpu %.0f ms\n", examples[e], best_cpu);
      printf ("BENCH resolve_%s_median %.0f ms\n", examples[e], median (times, 5));
      /* A spawned child's peak RSS counts this process's memory too (it
       * starts out sharing it), so measure it under GNU time, whose own
       * child starts small. */
      if (g_file_test ("/usr/bin/time", G_FILE_TEST_IS_EXECUTABLE))
        {
          g_autofree char *rss_file = g_strdup_printf ("%s/rss", tmp);
          g_autofree char *rss_text = NULL;
          char *time_argv[] = { "/usr/bin/time", "-o", rss_file, "-f", "%M", MSTUDIO_PATH, "resolve", project,
                                "--opam-repo", tar, "--json", NULL };
          run (time_argv, NULL, NULL, NULL);
          if (g_file_get_contents (rss_file, &rss_text, NULL, NULL))
            peak = g_ascii_strtoll (rss_text, NULL, 10);
          printf ("BENCH resolve_%s_peak_rss %.1f MiB\n", examples[e], peak / 1024.0);
        }
      else
        printf ("# bench-resolve: no /usr/bin/time: peak memory not measured\n");

      if (with_opam)
        {
          /* the same packages, with the lower bounds we asked for */
          g_autoptr(GPtrArray) opam_argv = g_ptr_array_new_with_free_func (g_free);
          json_object *root = json_object_from_file (json);
          json_object *pkgs = NULL;
          double opam_best = G_MAXDOUBLE;

          g_ptr_array_add (opam_argv, g_strdup ("opam"));
          g_ptr_array_add (opam_argv, g_strdup ("install"));
          g_ptr_array_add (opam_argv, g_strdup ("--dry-run"));
          g_ptr_array_add (opam_argv, g_strdup ("--show-actions"));
          g_ptr_array_add (opam_argv, g_strdup ("--switch=bench"));
          if (root != NULL && json_object_object_get_ex (root, "packages", &pkgs))
            for (size_t i = 0; i < json_object_array_length (pkgs); i++)
              {
                json_object *p = json_object_array_get_idx (pkgs, i);
                json_object *name, *requested;
                if (json_object_object_get_ex (p, "requested", &requested) && json_object_get_boolean (requested) &&
                    json_object_object_get_ex (p, "name", &name))
                  g_ptr_array_add (opam_argv, g_strdup (json_object_get_string (name)));
              }
          json_object_put (root);
          g_ptr_array_add (opam_argv, NULL);
          for (int i = 0; i < 3; i++)
            opam_best = MIN (opam_best, run ((char **) opam_argv->pdata, NULL, NULL, &status));
          printf ("BENCH opam_dry_run_%s %.0f ms\n", examples[e], opam_best);
          printf ("BENCH resolve_speedup_%s %.1f x\n", examples[e], opam_best / best);
        }
    }

  print_load ("at the end");
  rm_rf (tmp);
  return 0;
}
