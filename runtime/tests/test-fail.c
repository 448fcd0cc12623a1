/* test-fail.c: a unikernel (mirage_main) run in a child process: success
 * exits 0; a failing job ends it at once with a log line and status 255;
 * argument errors exit 64 and --help 63. */
#include "mirage/main.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
broken (void *arg)
{
  mirage_task_sleep_ns (MIRAGE_NS_PER_MS);
  mirage_task_fail ("connection refused by %s", "10.0.0.1");
}

static int
refused (void *arg)
{
  return -ECONNREFUSED;
}

static int
sleepy (void *arg)
{
  return mirage_task_sleep_ns (10 * MIRAGE_NS_PER_S);
}

static int
says_hello (void *arg)
{
  mirage_log_info (&mirage_log_application, "hello from a job");
  mirage_log_debug (&mirage_log_application, "a debug line");
  return 0;
}

/* Runs @u with @args in a child; returns its exit status, stderr in @err. */
static int
run (const mirage_unikernel *u, char **args, char *err, size_t errlen, double *secs)
{
  int p[2];
  if (pipe (p) != 0)
    return -1;
  fflush (stdout);
  struct timespec a, b;
  clock_gettime (CLOCK_MONOTONIC, &a);
  pid_t pid = fork ();
  if (pid == 0) {
    close (p[0]);
    dup2 (p[1], 1);
    dup2 (p[1], 2);
    int argc = 0;
    while (args[argc])
      argc++;
    int st = mirage_main (u, argc, args);
    fflush (stdout);
    _exit (st);
  }
  close (p[1]);
  size_t n = 0;
  ssize_t r;
  while (n + 1 < errlen && (r = read (p[0], err + n, errlen - 1 - n)) > 0)
    n += (size_t) r;
  err[n] = '\0';
  close (p[0]);
  int ws;
  waitpid (pid, &ws, 0);
  clock_gettime (CLOCK_MONOTONIC, &b);
  if (secs)
    *secs = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
  return WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
}

int
main (void)
{
  char out[8192];
  double secs;
  char *plain[] = { "unikernel", NULL };

  mirage_job ok_jobs[] = { { "hello", says_hello, NULL }, { "noop", mirage_noop_start, NULL } };
  mirage_unikernel ok = { .name = "ok", .jobs = ok_jobs, .n_jobs = 2 };
  tap_is (run (&ok, plain, out, sizeof out, NULL), 0, "jobs that return 0 end the unikernel with status 0");
  tap_ok (strstr (out, "-00:00: [INFO] [application] hello from a job\n") != NULL,
          "the job's log line is printed");
  tap_ok (strstr (out, "a debug line") == NULL, "debug is below the default level");

  char *debug_args[] = { "unikernel", "-l", "*:debug", NULL };
  run (&ok, debug_args, out, sizeof out, NULL);
  tap_ok (strstr (out, "[DEBUG] [application] a debug line") != NULL, "-l *:debug shows debug lines");

  mirage_job bad_jobs[] = { { "sleepy", sleepy, NULL }, { "broken", broken, NULL } };
  mirage_unikernel bad = { .name = "bad", .jobs = bad_jobs, .n_jobs = 2 };
  int st = run (&bad, plain, out, sizeof out, &secs);
  tap_is (st, MIRAGE_EXIT_FAILURE, "a failing job ends the unikernel with status 255");
  tap_ok (strstr (out, "[ERROR] [mirage] job 'broken' failed: connection refused by 10.0.0.1\n") != NULL,
          "with a clear log line");
  tap_ok (secs < 2.0, "at once, cancelling the sleeping job (%.3f s)", secs);

  mirage_job refused_jobs[] = { { "client", refused, NULL } };
  mirage_unikernel ref = { .name = "ref", .jobs = refused_jobs, .n_jobs = 1 };
  st = run (&ref, plain, out, sizeof out, NULL);
  tap_ok (st == MIRAGE_EXIT_FAILURE && strstr (out, "job 'client' failed: Connection refused"),
          "a job returning -errno is described");

  char *bad_args[] = { "unikernel", "--delay=soon", NULL };
  st = run (&ok, bad_args, out, sizeof out, NULL);
  tap_is (st, MIRAGE_EXIT_ARGUMENT_ERROR, "a bad argument exits 64");
  tap_ok (strstr (out, "ok: option '--delay': invalid value 'soon', expected an integer") != NULL,
          "naming the flag and the type");

  char *help_args[] = { "unikernel", "--help", NULL };
  st = run (&ok, help_args, out, sizeof out, NULL);
  tap_is (st, MIRAGE_EXIT_HELP, "--help exits 63");
  tap_ok (strstr (out, "-l LEVEL, --logs=LEVEL (absent MIRAGE_LOGS env)") && strstr (out, "--delay=INT (absent=0)"),
          "and lists the runtime's arguments");

  char *delay_args[] = { "unikernel", "--delay", "1", NULL };
  st = run (&ok, delay_args, out, sizeof out, &secs);
  tap_ok (st == 0 && secs >= 0.95, "--delay 1 waits a second before the jobs (%.3f s)", secs);
  return tap_done ();
}
