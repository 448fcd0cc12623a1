/* bench-runtime.c: what the runtime promises about size, memory and start
 * time, measured on the example unikernels:
 *   BENCH runtime_noop_stripped_bytes N bytes   (promise: <= 65536)
 *   BENCH runtime_hello_peak_rss N KiB          (promise: <= 2048)
 *   BENCH runtime_exec_to_first_log N ms        (promise: <= 2; median of 21)
 *   BENCH exec_floor_to_first_line N ms          (a C program that only writes
 *                                                 a line, timed the same way)
 * Run it from a release build (tools/bench, or build-release/runtime/bench-runtime);
 * it finds the examples where meson built them, or takes their paths as
 * arguments: bench-runtime [NOOP HELLO]. Plain C, no GLib: it measures
 * processes with fork/exec and wait4. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int
run_quiet (char *const argv[])
{
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 2, "/dev/null", O_WRONLY, 0);
  int r = posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  if (r != 0)
    return -1;
  int ws;
  waitpid (pid, &ws, 0);
  return WIFEXITED (ws) ? WEXITSTATUS (ws) : -1;
}

static long long
stripped_size (const char *path)
{
  char tmp[] = "/tmp/mirage-bench-strip-XXXXXX";
  int fd = mkstemp (tmp);
  if (fd < 0)
    return -1;
  close (fd);
  char *argv[] = { "strip", "-o", tmp, (char *) path, NULL };
  long long size = -1;
  if (run_quiet (argv) == 0) {
    struct stat st;
    if (stat (tmp, &st) == 0)
      size = (long long) st.st_size;
  }
  unlink (tmp);
  return size;
}

static long
peak_rss_kib (const char *path)
{
  pid_t pid = fork ();
  if (pid == 0) {
    int devnull = open ("/dev/null", O_WRONLY);
    dup2 (devnull, 2);
    execl (path, path, (char *) NULL);
    _exit (127);
  }
  int ws;
  struct rusage ru;
  if (wait4 (pid, &ws, 0, &ru) < 0 || !WIFEXITED (ws) || WEXITSTATUS (ws) != 0)
    return -1;
  return ru.ru_maxrss;
}

/* Time from just before fork to the first complete line on stderr. */
static double
first_log_ms (const char *path)
{
  int p[2];
  if (pipe (p) != 0)
    return -1;
  double t0 = now_ms ();
  pid_t pid = fork ();
  if (pid == 0) {
    close (p[0]);
    dup2 (p[1], 2);
    execl (path, path, (char *) NULL);
    _exit (127);
  }
  close (p[1]);
  char buf[512];
  size_t n = 0;
  double t = -1;
  while (n < sizeof buf) {
    ssize_t r = read (p[0], buf + n, sizeof buf - n);
    if (r <= 0)
      break;
    if (memchr (buf + n, '\n', (size_t) r)) {
      t = now_ms () - t0;
      break;
    }
    n += (size_t) r;
  }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  close (p[0]);
  return t;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const char *noop = argc > 2 ? argv[1] : NOOP_PATH;
  const char *hello = argc > 2 ? argv[2] : HELLO_PATH;
  int status = 0;

  long long size = stripped_size (noop);
  if (size < 0) {
    fprintf (stderr, "bench-runtime: cannot strip %s\n", noop);
    status = 1;
  } else {
    printf ("BENCH runtime_noop_stripped_bytes %lld bytes\n", size);
  }

  /* warm the page cache, then measure the start, taking turns with the
   * floor so that both see the machine alike */
  first_log_ms (hello);
  first_log_ms (FLOOR_PATH);
  enum { RUNS = 21 };
  double t[RUNS], f[RUNS];
  for (int i = 0; i < RUNS; i++) {
    t[i] = first_log_ms (hello);
    f[i] = first_log_ms (FLOOR_PATH);
  }
  qsort (t, RUNS, sizeof t[0], cmp_double);
  qsort (f, RUNS, sizeof f[0], cmp_double);
  if (t[0] < 0) {
    fprintf (stderr, "bench-runtime: %s printed no log line\n", hello);
    status = 1;
  } else {
    printf ("BENCH runtime_exec_to_first_log %.3f ms\n", t[RUNS / 2]);
  }
  if (f[0] >= 0)
    printf ("BENCH exec_floor_to_first_line %.3f ms\n", f[RUNS / 2]);

  long rss = peak_rss_kib (hello);
  if (rss < 0) {
    fprintf (stderr, "bench-runtime: %s did not run to completion\n", hello);
    status = 1;
  } else {
    printf ("BENCH runtime_hello_peak_rss %ld KiB\n", rss);
  }
  fflush (stdout);
  return status;
}
