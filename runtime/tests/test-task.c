/* test-task.c: the event loop and tasks: ordering, timeouts, spawn/join,
 * cancellation, descriptors, failure propagation, deadlock, guard page. */
#include "mirage/task.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS MIRAGE_NS_PER_MS

static char trace[64];
static size_t trace_len;

static void mark (char c) { if (trace_len + 1 < sizeof trace) { trace[trace_len++] = c; trace[trace_len] = '\0'; } }
static void trace_reset (void) { trace_len = 0; trace[0] = '\0'; }

typedef struct { char c; uint64_t ns; uint64_t until; } sleeper;

static int
sleep_then_mark (void *arg)
{
  sleeper *s = arg;
  int r = s->until ? mirage_task_sleep_until (s->until) : mirage_task_sleep_ns (s->ns);
  mark (s->c);
  return r;
}

static int
yielder (void *arg)
{
  char c = *(char *) arg;
  for (int i = 0; i < 3; i++) {
    mark (c);
    mirage_task_yield ();
  }
  return 0;
}

static int return_7 (void *arg) { return 7; }

static volatile int never;
static void deep_fail (int n) { if (never) return; if (n > 0) deep_fail (n - 1); else mirage_task_fail ("boom at depth %d", 5); }
static int failer (void *arg) { deep_fail (5); return 0; }

static int
rethrower (void *arg)
{
  mirage_task *t = mirage_task_spawn ("inner", failer, NULL);
  return mirage_task_join (t);  /* fails with inner's message */
}

static bool child_cancelled;

static int
long_sleeper (void *arg)
{
  int r = mirage_task_sleep_ns (10000 * MS);
  child_cancelled = r == -ECANCELED;
  return r;
}

static int quick (void *arg) { mirage_task_sleep_ns (5 * MS); return 3; }

typedef struct { int fd; int result; char got[16]; } reader_arg;

static int
pipe_reader (void *arg)
{
  reader_arg *a = arg;
  a->result = mirage_task_wait_fd (a->fd, MIRAGE_TASK_READ, -1);
  if (a->result == 0) {
    ssize_t n = read (a->fd, a->got, sizeof a->got - 1);
    if (n >= 0)
      a->got[n] = '\0';
  }
  return 0;
}

typedef struct { int calls, result; bool in_task; } watch_rec;

static void
on_readable (void *arg, int result)
{
  watch_rec *w = arg;
  w->calls++;
  w->result = result;
  w->in_task = mirage_task_self () != NULL;
}

/* Whether the loop's epoll instance watches descriptor number @fd: read
 * from /proc/self/fdinfo of the (only) eventpoll descriptor. */
static bool
epoll_watches (int fd)
{
  char path[64], link[64], line[256];
  for (int e = 0; e < 1024; e++) {
    snprintf (path, sizeof path, "/proc/self/fd/%d", e);
    ssize_t n = readlink (path, link, sizeof link - 1);
    if (n <= 0)
      continue;
    link[n] = '\0';
    if (strcmp (link, "anon_inode:[eventpoll]") != 0)
      continue;
    snprintf (path, sizeof path, "/proc/self/fdinfo/%d", e);
    FILE *f = fopen (path, "r");
    if (!f)
      return false;
    bool found = false;
    int tfd;
    while (fgets (line, sizeof line, f))
      if (sscanf (line, "tfd: %d", &tfd) == 1 && tfd == fd)
        found = true;
    fclose (f);
    return found;
  }
  return false;
}

static watch_rec left_watch = { 0, 99, false };
static int left_pipe_fds[2];

static int
many_child (void *arg)
{
  int *counter = arg;
  mirage_task_yield ();
  (*counter)++;
  return 0;
}

static int
main_task (void *arg)
{
  /* 1. timers wake in deadline order */
  trace_reset ();
  sleeper s1 = { 'a', 30 * MS, 0 }, s2 = { 'b', 10 * MS, 0 }, s3 = { 'c', 20 * MS, 0 };
  mirage_task *t1 = mirage_task_spawn ("a", sleep_then_mark, &s1);
  mirage_task *t2 = mirage_task_spawn ("b", sleep_then_mark, &s2);
  mirage_task *t3 = mirage_task_spawn ("c", sleep_then_mark, &s3);
  uint64_t t0 = mirage_loop_now_ns ();
  mirage_task_join (t1);
  mirage_task_join (t2);
  mirage_task_join (t3);
  uint64_t dt = mirage_loop_now_ns () - t0;
  tap_ok (strcmp (trace, "bca") == 0, "sleepers wake in deadline order (%s)", trace);
  tap_ok (dt >= 30 * MS && dt < 500 * MS, "three sleeps overlap: %llu ms", (unsigned long long) (dt / MS));

  /* 2. equal deadlines wake in the order the sleeps began */
  trace_reset ();
  uint64_t until = mirage_loop_now_ns () + 10 * MS;
  sleeper e[4] = { { 'w', 0, until }, { 'x', 0, until }, { 'y', 0, until }, { 'z', 0, until } };
  mirage_task *et[4];
  for (int i = 0; i < 4; i++)
    et[i] = mirage_task_spawn ("eq", sleep_then_mark, &e[i]);
  for (int i = 3; i >= 0; i--)
    mirage_task_join (et[i]);
  tap_ok (strcmp (trace, "wxyz") == 0, "equal deadlines wake first-in first-out (%s)", trace);

  /* 3. yield interleaves ready tasks */
  trace_reset ();
  char ca = 'p', cb = 'q';
  mirage_task *ya = mirage_task_spawn ("p", yielder, &ca);
  mirage_task *yb = mirage_task_spawn ("q", yielder, &cb);
  mirage_task_join (ya);
  mirage_task_join (yb);
  tap_ok (strcmp (trace, "pqpqpq") == 0, "yield lets the other task run (%s)", trace);

  /* 4. join returns the status */
  tap_is (mirage_task_join (mirage_task_spawn ("seven", return_7, NULL)), 7, "join returns the task's status");

  /* 5. failure from deep inside a task propagates with its message */
  int st = mirage_task_join (mirage_task_spawn ("failer", failer, NULL));
  const char *why = mirage_task_last_error ();
  tap_is (st, -1, "mirage_task_fail ends the task with status -1");
  tap_ok (why && strstr (why, "task 'failer' failed: boom at depth 5"), "the joiner sees the name and message: %s", why ? why : "(null)");
  st = mirage_task_join (mirage_task_spawn ("outer", rethrower, NULL));
  why = mirage_task_last_error ();
  tap_ok (st == -1 && why && strstr (why, "task 'outer' failed: task 'inner' failed: boom"),
          "failures propagate up the join tree: %s", why ? why : "(null)");

  /* 6. join with a timeout leaves the task joinable */
  sleeper s4 = { 'j', 50 * MS, 0 };
  mirage_task *tj = mirage_task_spawn ("j", sleep_then_mark, &s4);
  tap_is (mirage_task_join_timeout (tj, 5 * MS), -ETIMEDOUT, "join_timeout gives up with -ETIMEDOUT");
  tap_is (mirage_task_join (tj), 0, "the task is still joinable afterwards");

  /* 7. with_timeout cancels a task that takes too long */
  t0 = mirage_loop_now_ns ();
  st = mirage_task_with_timeout (20 * MS, "slow", long_sleeper, NULL);
  dt = mirage_loop_now_ns () - t0;
  tap_is (st, -ETIMEDOUT, "with_timeout returns -ETIMEDOUT");
  tap_ok (child_cancelled, "the late task saw -ECANCELED");
  tap_ok (dt >= 20 * MS && dt < 1000 * MS, "and it took the timeout, not the sleep: %llu ms", (unsigned long long) (dt / MS));
  tap_is (mirage_task_with_timeout (1000 * MS, "quick", quick, NULL), 3, "with_timeout returns the status of a quick task");

  /* 8. descriptors: a reader wakes when a writer writes */
  int p[2];
  if (pipe2 (p, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  reader_arg ra = { p[0], 99, "" };
  mirage_task *tr = mirage_task_spawn ("reader", pipe_reader, &ra);
  mirage_task_sleep_ns (5 * MS);
  tap_is (ra.result, 99, "the reader is still suspended");
  if (write (p[1], "ping", 4) != 4)
    return 1;
  mirage_task_join (tr);
  tap_ok (ra.result == 0 && strcmp (ra.got, "ping") == 0, "the reader woke and read '%s'", ra.got);

  /* 9. wait_fd timeout, cancel and close */
  tap_is (mirage_task_wait_fd (p[0], MIRAGE_TASK_READ, (int64_t) (5 * MS)), -ETIMEDOUT, "wait_fd times out");
  ra.result = 99;
  tr = mirage_task_spawn ("reader", pipe_reader, &ra);
  mirage_task_yield ();
  mirage_task_cancel (tr);
  mirage_task_join (tr);
  tap_is (ra.result, -ECANCELED, "cancelling a waiting reader wakes it with -ECANCELED");
  ra.result = 99;
  tr = mirage_task_spawn ("reader", pipe_reader, &ra);
  mirage_task_yield ();
  mirage_task_close_fd (p[0]);
  mirage_task_join (tr);
  tap_is (ra.result, -EBADF, "closing the descriptor wakes its reader with -EBADF");
  close (p[1]);

  /* 10. many tasks: stacks are recycled */
  int counter = 0;
  for (int round = 0; round < 10; round++) {
    mirage_task *ts[200];
    for (int i = 0; i < 200; i++)
      ts[i] = mirage_task_spawn ("many", many_child, &counter);
    for (int i = 0; i < 200; i++)
      mirage_task_join (ts[i]);
  }
  tap_is (counter, 2000, "2000 tasks spawned and joined");

  /* 11. descriptors stay registered with epoll between waits */
  int q[2];
  if (pipe2 (q, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  reader_arg qa = { q[0], 99, "" };
  tr = mirage_task_spawn ("reader", pipe_reader, &qa);
  mirage_task_yield ();
  if (write (q[1], "a", 1) != 1)
    return 1;
  mirage_task_join (tr);
  tap_ok (qa.result == 0 && epoll_watches (q[0]),
          "a woken reader's descriptor stays registered with epoll");
  if (write (q[1], "b", 1) != 1)
    return 1;
  mirage_task_sleep_ns (5 * MS);
  tap_ok (!epoll_watches (q[0]),
          "an event nobody waits for drops the registration (no busy loop)");
  qa.result = 99;
  tr = mirage_task_spawn ("reader", pipe_reader, &qa);
  mirage_task_join (tr);
  tap_ok (qa.result == 0 && strcmp (qa.got, "b") == 0 && epoll_watches (q[0]),
          "the next wait registers it again");
  /* closed with plain close(): its number comes back for a new pipe */
  close (q[0]);
  int r2[2];
  if (pipe2 (r2, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  tap_is (r2[0], q[0], "the new pipe reuses the descriptor number");
  mirage_task_forget_fd (r2[0]);
  reader_arg rb = { r2[0], 99, "" };
  tr = mirage_task_spawn ("reader", pipe_reader, &rb);
  mirage_task_sleep_ns (2 * MS);
  if (write (r2[1], "c", 1) != 1)
    return 1;
  int jr = mirage_task_join_timeout (tr, 2000 * MS);
  if (jr == -ETIMEDOUT) {
    mirage_task_cancel (tr);
    mirage_task_join (tr);
  }
  tap_ok (jr == 0 && rb.result == 0 && strcmp (rb.got, "c") == 0,
          "after mirage_task_forget_fd a reused number's reader wakes (%d)", jr);
  /* mirage_task_close_fd deregisters even when a duplicate keeps the
   * file open (close() alone would leave it watched) */
  int dupfd = dup (r2[0]);
  mirage_task_close_fd (r2[0]);
  tap_ok (!epoll_watches (r2[0]), "mirage_task_close_fd deregisters the descriptor");
  close (dupfd);
  close (r2[1]);
  close (q[1]);

  /* 12. watchers: a function called from the loop when readable */
  int w[2];
  if (pipe2 (w, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  watch_rec wr = { 0, 99, true };
  tap_is (mirage_task_watch_fd (w[0], on_readable, &wr), 0, "watch_fd accepts a pipe");
  tap_is (mirage_task_wait_fd (w[0], MIRAGE_TASK_READ, 0), -EBUSY, "a watched descriptor has its reader");
  mirage_task_sleep_ns (2 * MS);
  tap_is (wr.calls, 0, "the watcher waits for input");
  if (write (w[1], "w", 1) != 1)
    return 1;
  mirage_task_sleep_ns (5 * MS);
  tap_ok (wr.calls == 1 && wr.result == 0 && !wr.in_task,
          "it is called once, outside any task, when input comes (%d calls)", wr.calls);
  watch_rec wc = { 0, 99, false };
  int w2[2];
  if (pipe2 (w2, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  int keep = dup (w2[0]);   /* the pipe stays open: a write does not fail */
  mirage_task_watch_fd (w2[0], on_readable, &wc);
  mirage_task_close_fd (w2[0]);
  if (write (w2[1], "x", 1) != 1)
    return 1;
  mirage_task_sleep_ns (5 * MS);
  tap_is (wc.calls, 0, "mirage_task_close_fd drops a watcher without calling it");
  close (keep);
  close (w2[1]);
  /* one left for the wind-down of the loop (main checks it is cancelled) */
  close (w[0]);
  close (w[1]);
  if (pipe2 (left_pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0)
    return 1;
  mirage_task_watch_fd (left_pipe_fds[0], on_readable, &left_watch);
  return 0;
}

static int
detached_failer (void *arg)
{
  mirage_task_sleep_ns (MS);
  mirage_task_fail ("boom");
}

static int
main_with_detached (void *arg)
{
  mirage_task_detach (mirage_task_spawn ("bad", detached_failer, NULL));
  mirage_task_sleep_ns (5000 * MS);
  return 0;
}

static int
joins_back (void *arg)
{
  return mirage_task_join (arg);
}

static int
main_deadlock (void *arg)
{
  mirage_task *t = mirage_task_spawn ("back", joins_back, mirage_task_self ());
  return mirage_task_join (t);
}

static int
recurse (int n)
{
  volatile char pad[1024];
  pad[0] = (char) n;
  return n == 0 ? pad[0] : recurse (n - 1) + pad[0];
}

static int
overflow_task (void *arg)
{
  return recurse (1 << 20);
}

/* parking: a task waits until another unparks it */
static bool park_flag;
static mirage_task *parked;

static int
parker (void *arg)
{
  (void) arg;
  parked = mirage_task_self ();
  while (!park_flag)
    if (mirage_task_park (0) < 0)
      return 1;
  return 5;
}

static int
unparker (void *arg)
{
  (void) arg;
  mirage_task_unpark (parked);       /* not parked yet: nothing happens */
  mirage_task_sleep_ns (5 * MS);
  park_flag = true;
  mirage_task_unpark (parked);
  mirage_task_unpark (parked);       /* woken already: nothing happens */
  return 0;
}

static int
main_park (void *arg)
{
  (void) arg;
  mirage_task *a = mirage_task_spawn ("parker", parker, NULL);
  mirage_task *b = mirage_task_spawn ("unparker", unparker, NULL);
  int ra = mirage_task_join (a), rb = mirage_task_join (b);
  tap_ok (ra == 5 && rb == 0, "a parked task runs on when unparked (%d %d)", ra, rb);
  uint64_t t0 = mirage_loop_now_ns ();
  int r = mirage_task_park (mirage_loop_now_ns () + 10 * MS);
  tap_ok (r == -ETIMEDOUT && mirage_loop_now_ns () - t0 >= 10 * MS,
          "park with a deadline gives -ETIMEDOUT after it (%d)", r);
  return 0;
}

int
main (void)
{
  char *error = NULL;
  int st = mirage_loop_run ("main", main_task, NULL, &error);
  tap_is (st, 0, "the main task ends with status 0");
  free (error);
  tap_ok (left_watch.calls == 1 && left_watch.result == -ECANCELED,
          "a watcher left when the loop ends gets -ECANCELED (%d)", left_watch.result);
  close (left_pipe_fds[0]);
  close (left_pipe_fds[1]);

  uint64_t t0 = mirage_loop_now_ns ();
  st = mirage_loop_run ("main", main_with_detached, NULL, &error);
  tap_ok (st == -1 && error && strcmp (error, "task 'bad' failed: boom") == 0,
          "a detached task's failure stops the loop: %d %s", st, error ? error : "(null)");
  tap_ok (mirage_loop_now_ns () - t0 < 1000 * MS, "at once, without waiting for the sleeping main task");
  free (error);

  st = mirage_loop_run ("main", main_park, NULL, &error);
  tap_is (st, 0, "the parking loop ends well");
  free (error);

  st = mirage_loop_run ("main", main_deadlock, NULL, &error);
  tap_ok (st == -EDEADLK && error && strstr (error, "every task waits"), "a deadlock is reported: %s", error ? error : "(null)");
  free (error);

  /* a runaway recursion hits the guard page (or ASan's check), not memory */
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0) {
    int devnull = open ("/dev/null", O_WRONLY);
    dup2 (devnull, 2);
    mirage_loop_run ("main", overflow_task, NULL, NULL);
    _exit (0);
  }
  int ws = 0;
  waitpid (pid, &ws, 0);
  tap_ok (WIFSIGNALED (ws) || (WIFEXITED (ws) && WEXITSTATUS (ws) != 0),
          "stack overflow in a task kills the process (status %#x)", ws);
  return tap_done ();
}
