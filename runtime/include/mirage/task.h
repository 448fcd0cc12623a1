/* mirage/task.h: the event loop and cooperative tasks.
 *
 * A unikernel's jobs run as tasks on one single-threaded loop (epoll plus
 * one timerfd). Code reads sequentially, as with Lwt's `let*`: a call that
 * would block (sleeping, reading, accepting, connecting, joining) suspends
 * the calling task and lets the others run; it returns when the event has
 * happened, the deadline passed, or the task was cancelled.
 *
 * Tasks are stackful coroutines on ucontext (makecontext/swapcontext), each
 * with a fixed-size stack from mmap with a PROT_NONE guard page below it,
 * so an overflow faults instead of corrupting a neighbour. Why ucontext and
 * not a hand-written switch: it is in glibc on every architecture Debian
 * ships, it saves and restores the signal mask and floating-point state
 * correctly, and AddressSanitizer knows it. Its cost (one rt_sigprocmask
 * system call per switch, well under a microsecond) is small beside the
 * epoll_wait/read/write calls that every switch accompanies anyway. All
 * switches go through the scheduler (task -> loop -> task), which keeps
 * the ASan fiber annotations in one place (src/task.c).
 *
 * Errors are negative errno values. The ones the loop itself produces:
 *   -ECANCELED  the task was cancelled (mirage_task_cancel); once cancelled,
 *               every later suspension returns it at once, so a task that
 *               checks its errors winds down quickly;
 *   -ETIMEDOUT  a deadline passed (mirage_task_join_timeout,
 *               mirage_task_wait_fd with a timeout, mirage_task_with_timeout);
 *   -EBADF      the descriptor waited on was closed by mirage_task_close_fd;
 *   -EBUSY      another task already waits for the same thing;
 *   -EDEADLK    (status of mirage_loop_run) every task waits for another.
 *
 * A task's status is what its function returns: 0 for success, anything
 * else for failure. A failure carries a message: the one given to
 * mirage_task_fail, else the message of the failed task it joined last
 * (so failures propagate up the join tree as exceptions do in Lwt), else
 * a description of the status. Detached tasks have nobody to report to:
 * when one fails the whole loop stops with that failure, like Lwt.async's
 * default hook.
 *
 * Not thread-safe: one loop per process, used from the thread that runs it.
 */
#ifndef MIRAGE_TASK_H
#define MIRAGE_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_task mirage_task;
typedef int (*mirage_task_fn) (void *arg);

/* Events for mirage_task_wait_fd. */
#define MIRAGE_TASK_READ  0x1u
#define MIRAGE_TASK_WRITE 0x4u

#define MIRAGE_NS_PER_S  UINT64_C(1000000000)
#define MIRAGE_NS_PER_MS UINT64_C(1000000)

/* Runs @fn(@arg) as the main task named @name and drives the loop until it
 * ends, or until a detached task fails, or until every task waits for
 * another. Tasks still alive then are cancelled and given a bounded chance
 * to end. Returns the main task's status (or the failure's); when it is not
 * 0 and @error is not NULL, *@error is set to a malloc'ed message
 * ("task 'NAME' failed: ..."). May not be called from inside a task. */
int mirage_loop_run (const char *name, mirage_task_fn fn, void *arg, char **error);

/* The monotonic clock the loop's deadlines use, in nanoseconds. */
uint64_t mirage_loop_now_ns (void);

/* Stack size of tasks spawned from now on (rounded up to pages; default
 * 256 KiB, 1 MiB under AddressSanitizer). Pages are only backed when used. */
void mirage_task_set_stack_size (size_t bytes);

/* Creates a task that runs @fn(@arg); it starts at the next turn of the
 * loop. NULL with errno set when out of memory. The caller must either
 * join it (once) or detach it. Callable only inside the loop. */
mirage_task *mirage_task_spawn (const char *name, mirage_task_fn fn, void *arg);

/* Waits for @t to end and returns its status; frees @t. If the status is a
 * failure, the message becomes the caller's last error (see
 * mirage_task_last_error). -EBUSY if another task already joins @t. */
int mirage_task_join (mirage_task *t);

/* As mirage_task_join, but gives up after @timeout_ns and returns
 * -ETIMEDOUT; @t then stays alive and joinable. */
int mirage_task_join_timeout (mirage_task *t, uint64_t timeout_ns);

/* Lets @t run on unjoined; it is freed when it ends. If it fails, the
 * loop stops with its failure. */
void mirage_task_detach (mirage_task *t);

/* Asks @t to stop: its current suspension (if any) and every later one
 * return -ECANCELED. Cancelling a task that has ended does nothing. */
void mirage_task_cancel (mirage_task *t);

/* Runs @fn(@arg) in a new task and waits at most @timeout_ns for it. If it
 * has not ended then, cancels it, waits for it to wind down and returns
 * -ETIMEDOUT; otherwise returns its status. Cancellation is cooperative:
 * a task that computes without ever suspending cannot be stopped. */
int mirage_task_with_timeout (uint64_t timeout_ns, const char *name,
                              mirage_task_fn fn, void *arg);

/* How many tasks exist (not yet ended and collected): for tests and
 * diagnostics. */
size_t mirage_loop_task_count (void);

/* The calling task, or NULL outside tasks. */
mirage_task *mirage_task_self (void);
const char *mirage_task_name (const mirage_task *t);
bool mirage_task_is_cancelled (void);

/* Lets the other ready tasks run first. */
int mirage_task_yield (void);

/* Suspends the caller for @ns nanoseconds (0 just yields). Tasks whose
 * sleeps end at the same instant wake in the order they went to sleep. */
int mirage_task_sleep_ns (uint64_t ns);
int mirage_task_sleep_until (uint64_t deadline_ns);

/* Suspends the caller until another task calls mirage_task_unpark on it
 * (0), @deadline_ns on the loop's clock passes (-ETIMEDOUT; 0: no
 * deadline) or it is cancelled. Unparking a task that is not parked does
 * nothing, so a waker sets its condition first and the parked task
 * checks it again after waking. */
int mirage_task_park (uint64_t deadline_ns);
void mirage_task_unpark (mirage_task *t);

/* Suspends until @fd is ready for @events (MIRAGE_TASK_READ or _WRITE; an
 * error or hang-up also counts as ready), or @timeout_ns passes (negative:
 * no timeout). At most one reader and one writer may wait on a descriptor.
 * Descriptors epoll cannot watch (regular files) are always ready. */
int mirage_task_wait_fd (int fd, unsigned events, int64_t timeout_ns);

/* Closes @fd after waking the tasks waiting on it with -EBADF. Use it, not
 * close(), for descriptors tasks may wait on. */
void mirage_task_close_fd (int fd);

/* Says that @fd is a new descriptor (just returned by socket, accept,
 * open...): the loop keeps descriptors registered with epoll between
 * waits, and forgets here what it knew of an earlier descriptor of the
 * same number closed with plain close(). Costs no system call. */
void mirage_task_forget_fd (int fd);

/* Calls @fn(@arg, 0) once, from the loop and outside any task, when @fd
 * becomes readable (or hangs up or fails): a wait that holds no task and
 * no stack. @fn must not block; it typically spawns a task. When the loop
 * winds down first, @fn gets -ECANCELED instead; mirage_task_close_fd
 * drops the watcher without calling it. One reader (task or watcher) per
 * descriptor: -EBUSY otherwise; -EPERM for descriptors epoll cannot
 * watch. */
typedef void (*mirage_fd_watch_fn) (void *arg, int result);
int mirage_task_watch_fd (int fd, mirage_fd_watch_fn fn, void *arg);

/* Ends the calling task with failure status -1 and a printf-style message. */
noreturn void mirage_task_fail (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Ends the calling task with @status (as returning it from the task's
 * function would). */
noreturn void mirage_task_exit (int status);

/* The failure message the calling task last received from a join, or NULL. */
const char *mirage_task_last_error (void);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_TASK_H */
