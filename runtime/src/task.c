/* task.c: the event loop and the cooperative tasks of mirage/task.h.
 *
 * How it works. The loop runs on the caller's stack (the "scheduler"). It
 * keeps a FIFO run queue of ready tasks, a binary min-heap of deadlines
 * (ordered by time, then by arming order, so equal deadlines wake FIFO),
 * and a table indexed by descriptor of the reader and writer waiting on
 * each one. One turn runs the tasks that were ready at its start, then asks
 * epoll for events: without waiting if tasks are ready, else until the
 * next event. One timerfd, armed at the earliest deadline, is the only
 * timer epoll watches. Descriptors stay registered with epoll
 * (level-triggered) after their waiter wakes: a keep-alive connection
 * waits on the same socket again and again, and an epoll_ctl ADD and DEL
 * around every wait were two system calls per request. Interest is only
 * changed when a wait needs an event not registered yet (one MOD or ADD),
 * or, lazily, when epoll reports an event nobody waits for (one MOD or
 * DEL then, so a readable socket nobody reads cannot make the loop spin).
 * A descriptor number that was closed behind the loop's back and reused
 * would keep a stale record: mirage_task_close_fd deregisters before
 * closing, and mirage_task_forget_fd resets the record of a new number.
 *
 * Watchers: instead of a task, a function may wait for a descriptor to
 * become readable (mirage_task_watch_fd); the loop calls it outside any
 * task, so what waits costs no stack (an idle HTTP keep-alive connection).
 *
 * A task suspends by recording what it waits for and switching to the
 * scheduler; wake() undoes whichever wait it was (timer, descriptor, join)
 * and queues the task with the result its suspension returns. Tasks end
 * by returning, or by mirage_task_fail/_exit from any depth: the stack is
 * simply abandoned and the scheduler unmaps it (a finished task cannot
 * free the stack it runs on).
 *
 * AddressSanitizer: when built with it, every switch is bracketed by
 * __sanitizer_start_switch_fiber/__sanitizer_finish_switch_fiber so ASan
 * knows which stack is current, and a stack returned to the cache is
 * unpoisoned (an abandoned stack keeps its frames' redzones otherwise).
 */
#include "mirage/task.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
# define MIRAGE_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define MIRAGE_ASAN 1
# endif
#endif

#ifdef MIRAGE_ASAN
# include <sanitizer/asan_interface.h>
# include <sanitizer/common_interface_defs.h>
# define DEFAULT_STACK (1024u * 1024u)
#else
# define DEFAULT_STACK (256u * 1024u)
#endif

/* The switch between tasks. swapcontext saves and restores the signal
 * mask, an rt_sigprocmask system call each way: three per short task
 * (getcontext, in, out), a tenth of an HTTP request's cost under wrk
 * (perf, bench-http.sh). Tasks never change the signal mask, so on
 * x86-64 a switch is done by hand: push the callee-saved registers and
 * the SSE/x87 control words, swap stack pointers, pop. Elsewhere (or
 * with -DMIRAGE_TASK_UCONTEXT) ucontext does it. */
#if defined(__x86_64__) && !defined(MIRAGE_TASK_UCONTEXT)
# define OWN_SWITCH 1
/* saves the current context on its stack, *save_sp = its stack pointer,
 * and resumes the one whose stack pointer is @load_sp */
void mirage__task_switch (void **save_sp, void *load_sp) __attribute__ ((visibility ("hidden")));
__asm__ (
  ".text\n"
  ".globl mirage__task_switch\n"
  ".hidden mirage__task_switch\n"
  ".type mirage__task_switch,@function\n"
  ".p2align 4\n"
  "mirage__task_switch:\n"
  "  pushq %rbp\n"
  "  pushq %rbx\n"
  "  pushq %r12\n"
  "  pushq %r13\n"
  "  pushq %r14\n"
  "  pushq %r15\n"
  "  subq $8, %rsp\n"
  "  stmxcsr (%rsp)\n"
  "  fnstcw 4(%rsp)\n"
  "  movq %rsp, (%rdi)\n"
  "  movq %rsi, %rsp\n"
  "  ldmxcsr (%rsp)\n"
  "  fldcw 4(%rsp)\n"
  "  addq $8, %rsp\n"
  "  popq %r15\n"
  "  popq %r14\n"
  "  popq %r13\n"
  "  popq %r12\n"
  "  popq %rbx\n"
  "  popq %rbp\n"
  "  ret\n"
  ".size mirage__task_switch, .-mirage__task_switch\n");
#endif

/* finished tasks' stacks kept for the next ones: a server spawns one task
 * per connection or HTTP/2 stream, and mmap + mprotect + munmap per task
 * was most of the cost of a short one (perf: bench-http.sh's h2load) */
#define STACK_CACHE_MAX 128
#define SHUTDOWN_TURNS 1000
#define NO_TIMER SIZE_MAX

typedef enum { T_READY, T_RUNNING, T_WAITING, T_DONE } task_state;
typedef enum { W_NONE, W_SLEEP, W_FD, W_JOIN, W_YIELD, W_PARK } wait_kind;

struct mirage_task {
#ifdef OWN_SWITCH
  void *sp;             /* saved stack pointer while switched out */
#else
  ucontext_t ctx;
#endif
  char name[48];
  mirage_task_fn fn;
  void *arg;
  char *stack;          /* the mapping, guard page first */
  size_t stack_len;     /* of the mapping */
  task_state state;
  int status;
  char *error;          /* failure message of this task */
  char *last_error;     /* failure message last received from a join */
  bool cancelled, detached;
  mirage_task *joiner;  /* the task waiting in join for this one */
  mirage_task *next;    /* run queue */
  mirage_task *all_prev, *all_next;
  /* what the task waits for */
  wait_kind wait;
  int wait_result;
  int wait_fd;
  unsigned wait_events;
  mirage_task *join_target;
  size_t timer_idx;
  uint64_t deadline, timer_seq;
#ifdef MIRAGE_ASAN
  void *fake_stack;
#endif
};

typedef struct {
  mirage_task *reader, *writer;
  /* or, instead of a reader task, a function called when readable */
  mirage_fd_watch_fn watch_fn;
  void *watch_arg;
  uint32_t registered;  /* events currently registered with epoll */
} fd_slot;

static struct {
  bool running;
  int epfd, tfd;
#ifdef OWN_SWITCH
  void *sched_sp;
#else
  ucontext_t sched_ctx;
#endif
  mirage_task *current;
  mirage_task *rq_head, *rq_tail;
  size_t rq_len;
  mirage_task *all;     /* every live task */
  size_t n_tasks;
  mirage_task **heap;
  size_t heap_len, heap_cap;
  uint64_t timer_seq;
  uint64_t armed_deadline;  /* of the timerfd; 0: disarmed */
  fd_slot *fds;
  size_t fds_cap;
  size_t fd_waiters;
  size_t fd_watchers;
  mirage_task *main_task;
  bool winding;         /* after the main task: never block in epoll_wait */
  size_t stack_size;
  char *stack_cache[STACK_CACHE_MAX];
  size_t stack_cache_len[STACK_CACHE_MAX];
  size_t n_cached;
  /* a detached task's failure stops the loop */
  bool failed;
  int fail_status;
  char *fail_message;
#ifdef MIRAGE_ASAN
  void *sched_fake;
  const void *sched_bottom;
  size_t sched_size;
#endif
} loop = { .epfd = -1, .tfd = -1 };

/* ---- small helpers ---- */

static char *
dup_printf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  return s;
}

static char *
status_message (int status)
{
  if (status < 0 && status > -4096)
    return dup_printf ("%s (status %d)", strerror (-status), status);
  return dup_printf ("returned status %d", status);
}

uint64_t
mirage_loop_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * MIRAGE_NS_PER_S + (uint64_t) ts.tv_nsec;
}

/* ---- stacks ---- */

static size_t
page_size (void)
{
  static size_t ps;
  if (!ps)
    ps = (size_t) sysconf (_SC_PAGESIZE);
  return ps;
}

void
mirage_task_set_stack_size (size_t bytes)
{
  size_t ps = page_size ();
  loop.stack_size = bytes < 4 * ps ? 4 * ps : (bytes + ps - 1) / ps * ps;
}

static char *
stack_get (size_t *len)
{
  size_t want = (loop.stack_size ? loop.stack_size : DEFAULT_STACK) + page_size ();
  /* the last one put back first: its touched pages are likely still
   * resident and warm, and the cache's oldest ones stay untouched */
  for (size_t i = loop.n_cached; i-- > 0;)
    if (loop.stack_cache_len[i] == want) {
      char *s = loop.stack_cache[i];
      loop.n_cached--;
      loop.stack_cache[i] = loop.stack_cache[loop.n_cached];
      loop.stack_cache_len[i] = loop.stack_cache_len[loop.n_cached];
      *len = want;
      return s;
    }
  char *s = mmap (NULL, want, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (s == MAP_FAILED)
    return NULL;
  if (mprotect (s, page_size (), PROT_NONE) != 0) {
    munmap (s, want);
    return NULL;
  }
  *len = want;
  return s;
}

static void
stack_put (char *s, size_t len)
{
#ifdef MIRAGE_ASAN
  ASAN_UNPOISON_MEMORY_REGION (s + page_size (), len - page_size ());
#endif
  if (loop.n_cached < STACK_CACHE_MAX) {
    loop.stack_cache[loop.n_cached] = s;
    loop.stack_cache_len[loop.n_cached] = len;
    loop.n_cached++;
  } else {
    munmap (s, len);
  }
}

/* ---- run queue ---- */

static void
rq_push (mirage_task *t)
{
  t->next = NULL;
  if (loop.rq_tail)
    loop.rq_tail->next = t;
  else
    loop.rq_head = t;
  loop.rq_tail = t;
  loop.rq_len++;
}

static mirage_task *
rq_pop (void)
{
  mirage_task *t = loop.rq_head;
  if (t) {
    loop.rq_head = t->next;
    if (!loop.rq_head)
      loop.rq_tail = NULL;
    loop.rq_len--;
  }
  return t;
}

/* ---- timer heap ---- */

static bool
heap_less (const mirage_task *a, const mirage_task *b)
{
  return a->deadline < b->deadline
      || (a->deadline == b->deadline && a->timer_seq < b->timer_seq);
}

static void
heap_set (size_t i, mirage_task *t)
{
  loop.heap[i] = t;
  t->timer_idx = i;
}

static void
heap_up (size_t i)
{
  mirage_task *t = loop.heap[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!heap_less (t, loop.heap[p]))
      break;
    heap_set (i, loop.heap[p]);
    i = p;
  }
  heap_set (i, t);
}

static void
heap_down (size_t i)
{
  mirage_task *t = loop.heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= loop.heap_len)
      break;
    if (c + 1 < loop.heap_len && heap_less (loop.heap[c + 1], loop.heap[c]))
      c++;
    if (!heap_less (loop.heap[c], t))
      break;
    heap_set (i, loop.heap[c]);
    i = c;
  }
  heap_set (i, t);
}

static int
timer_arm (mirage_task *t, uint64_t deadline)
{
  if (loop.heap_len == loop.heap_cap) {
    size_t cap = loop.heap_cap ? loop.heap_cap * 2 : 16;
    mirage_task **h = realloc (loop.heap, cap * sizeof *h);
    if (!h)
      return -ENOMEM;
    loop.heap = h;
    loop.heap_cap = cap;
  }
  t->deadline = deadline;
  t->timer_seq = ++loop.timer_seq;
  heap_set (loop.heap_len++, t);
  heap_up (t->timer_idx);
  return 0;
}

static void
timer_disarm (mirage_task *t)
{
  size_t i = t->timer_idx;
  if (i == NO_TIMER)
    return;
  t->timer_idx = NO_TIMER;
  loop.heap_len--;
  if (i == loop.heap_len)
    return;
  heap_set (i, loop.heap[loop.heap_len]);
  heap_down (i);
  heap_up (loop.heap[i]->timer_idx);
}

/* ---- descriptors ---- */

static fd_slot *
fd_get (int fd, bool grow)
{
  if (fd < 0)
    return NULL;
  if ((size_t) fd >= loop.fds_cap) {
    if (!grow)
      return NULL;
    size_t cap = loop.fds_cap ? loop.fds_cap : 64;
    while (cap <= (size_t) fd)
      cap *= 2;
    fd_slot *n = realloc (loop.fds, cap * sizeof *n);
    if (!n)
      return NULL;
    memset (n + loop.fds_cap, 0, (cap - loop.fds_cap) * sizeof *n);
    loop.fds = n;
    loop.fds_cap = cap;
  }
  return &loop.fds[fd];
}

static uint32_t
fd_needed (const fd_slot *s)
{
  return (s->reader || s->watch_fn ? EPOLLIN : 0) | (s->writer ? EPOLLOUT : 0);
}

/* Registers exactly @want for @fd with epoll (0: deregisters).
 * Returns 0, -EPERM for descriptors epoll cannot watch, or -errno. */
static int
fd_set_interest (int fd, fd_slot *s, uint32_t want)
{
  if (want == s->registered)
    return 0;
  struct epoll_event ev = { .events = want, .data.fd = fd };
  int r;
  if (want == 0) {
    r = epoll_ctl (loop.epfd, EPOLL_CTL_DEL, fd, &ev);
    if (r < 0 && (errno == ENOENT || errno == EBADF))
      r = 0;
  } else if (s->registered == 0) {
    r = epoll_ctl (loop.epfd, EPOLL_CTL_ADD, fd, &ev);
    if (r < 0 && errno == EEXIST)
      r = epoll_ctl (loop.epfd, EPOLL_CTL_MOD, fd, &ev);
  } else {
    r = epoll_ctl (loop.epfd, EPOLL_CTL_MOD, fd, &ev);
    if (r < 0 && errno == ENOENT)
      r = epoll_ctl (loop.epfd, EPOLL_CTL_ADD, fd, &ev);
  }
  if (r < 0)
    return -errno;
  s->registered = want;
  return 0;
}

/* Before a wait: makes sure epoll reports what the waiters on @fd need,
 * with no system call when it already does (the usual case). */
static int
fd_arm (int fd, fd_slot *s)
{
  uint32_t need = fd_needed (s);
  if ((s->registered & need) == need)
    return 0;
  return fd_set_interest (fd, s, need);
}

/* ---- waking ---- */

static void
wake (mirage_task *t, int result)
{
  if (t->state != T_WAITING)
    return;
  timer_disarm (t);
  switch (t->wait) {
  case W_FD: {
    fd_slot *s = fd_get (t->wait_fd, false);
    if (s) {
      if (s->reader == t)
        s->reader = NULL;
      if (s->writer == t)
        s->writer = NULL;
      /* stays registered: the task will most likely wait on it again */
    }
    loop.fd_waiters--;
    break;
  }
  case W_JOIN:
    if (t->join_target && t->join_target->joiner == t)
      t->join_target->joiner = NULL;
    t->join_target = NULL;
    break;
  default:
    break;
  }
  t->wait = W_NONE;
  t->wait_result = result;
  t->state = T_READY;
  rq_push (t);
}

/* ---- switching ---- */

static void task_trampoline (void);

static void
switch_to_scheduler (mirage_task *t, bool ending)
{
#ifdef MIRAGE_ASAN
  __sanitizer_start_switch_fiber (ending ? NULL : &t->fake_stack,
                                  loop.sched_bottom, loop.sched_size);
#else
  (void) ending;
#endif
#ifdef OWN_SWITCH
  mirage__task_switch (&t->sp, loop.sched_sp);
#else
  swapcontext (&t->ctx, &loop.sched_ctx);
#endif
#ifdef MIRAGE_ASAN
  __sanitizer_finish_switch_fiber (t->fake_stack, &loop.sched_bottom, &loop.sched_size);
#endif
}

static void
task_free (mirage_task *t)
{
  if (t->all_prev)
    t->all_prev->all_next = t->all_next;
  else
    loop.all = t->all_next;
  if (t->all_next)
    t->all_next->all_prev = t->all_prev;
  loop.n_tasks--;
  if (t->stack)
    stack_put (t->stack, t->stack_len);
  free (t->error);
  free (t->last_error);
  free (t);
}

static void
run_task (mirage_task *t)
{
  loop.current = t;
  t->state = T_RUNNING;
#ifdef MIRAGE_ASAN
  __sanitizer_start_switch_fiber (&loop.sched_fake, t->stack + page_size (),
                                  t->stack_len - page_size ());
#endif
#ifdef OWN_SWITCH
  mirage__task_switch (&loop.sched_sp, t->sp);
#else
  swapcontext (&loop.sched_ctx, &t->ctx);
#endif
#ifdef MIRAGE_ASAN
  __sanitizer_finish_switch_fiber (loop.sched_fake, NULL, NULL);
#endif
  loop.current = NULL;
  if (t->state == T_DONE) {
    stack_put (t->stack, t->stack_len);
    t->stack = NULL;
    if (t->detached)
      task_free (t);
  }
}

/* Suspends the current task (its wait fields already set) until wake();
 * with a deadline, wakes it by timer. Returns the wake result. */
static int
suspend (uint64_t deadline)
{
  mirage_task *t = loop.current;
  assert (t && "a blocking call outside any task");
  if (deadline && timer_arm (t, deadline) < 0) {
    t->wait = W_NONE;
    return -ENOMEM;
  }
  t->state = T_WAITING;
  switch_to_scheduler (t, false);
  return t->wait_result;
}

noreturn static void
task_end (mirage_task *t, int status)
{
  t->status = status;
  if (status != 0 && !t->error)
    t->error = t->last_error ? strdup (t->last_error) : status_message (status);
  t->state = T_DONE;
  if (t->joiner)
    wake (t->joiner, 0);
  if (t->detached && status != 0 && !loop.failed) {
    loop.failed = true;
    loop.fail_status = status;
    loop.fail_message = dup_printf ("task '%s' failed: %s", t->name,
                                    t->error ? t->error : "?");
  }
  switch_to_scheduler (t, true);
  abort (); /* a finished task is never resumed */
}

static void
task_trampoline (void)
{
  mirage_task *t = loop.current;
#ifdef MIRAGE_ASAN
  __sanitizer_finish_switch_fiber (NULL, &loop.sched_bottom, &loop.sched_size);
#endif
  task_end (t, t->fn (t->arg));
}

/* ---- public task API ---- */

#ifdef OWN_SWITCH
/* A new task's stack as mirage__task_switch leaves a switched-out one:
 * the default control words, six zero registers, then the address it
 * "returns" to, task_trampoline, entered with the stack aligned as after
 * a call (a zero return address above it: it never returns). */
static int
ctx_init (mirage_task *t, char *sp, size_t size)
{
  uint64_t *top = (uint64_t *) (void *) (((uintptr_t) sp + size) & ~(uintptr_t) 15);
  top[-1] = 0;
  top[-2] = (uint64_t) (uintptr_t) task_trampoline;
  for (int i = 3; i <= 8; i++)
    top[-i] = 0;
  top[-9] = 0x1f80u | ((uint64_t) 0x037fu << 32);   /* MXCSR, x87 control word */
  t->sp = &top[-9];
  return 0;
}
#else
/* Kept apart: getcontext returns twice as far as the compiler knows
 * (it never does here, makecontext redirects the context first). */
__attribute__ ((noinline)) static int
ctx_init (mirage_task *t, char *sp, size_t size)
{
  ucontext_t *ctx = &t->ctx;
  if (getcontext (ctx) != 0)
    return -1;
  ctx->uc_stack.ss_sp = sp;
  ctx->uc_stack.ss_size = size;
  ctx->uc_link = NULL;
  makecontext (ctx, task_trampoline, 0);
  return 0;
}
#endif

mirage_task *
mirage_task_spawn (const char *name, mirage_task_fn fn, void *arg)
{
  mirage_task *t = calloc (1, sizeof *t);
  if (!t)
    return NULL;
  /* (not snprintf: its setup is measurable for a task per request) */
  const char *nm = name ? name : "task";
  size_t nl = strnlen (nm, sizeof t->name - 1);
  memcpy (t->name, nm, nl);
  t->name[nl] = '\0';
  t->fn = fn;
  t->arg = arg;
  t->timer_idx = NO_TIMER;
  t->stack = stack_get (&t->stack_len);
  if (!t->stack || ctx_init (t, t->stack + page_size (), t->stack_len - page_size ()) != 0) {
    if (t->stack)
      stack_put (t->stack, t->stack_len);
    free (t);
    errno = ENOMEM;
    return NULL;
  }
  t->all_next = loop.all;
  if (loop.all)
    loop.all->all_prev = t;
  loop.all = t;
  loop.n_tasks++;
  t->state = T_READY;
  rq_push (t);
  return t;
}

static int
collect (mirage_task *t)
{
  int status = t->status;
  mirage_task *self = loop.current;
  if (status != 0 && self) {
    free (self->last_error);
    self->last_error = dup_printf ("task '%s' failed: %s", t->name,
                                   t->error ? t->error : "?");
  }
  task_free (t);
  return status;
}

/* Sets *done when @t has ended and been freed (the result is its status). */
static int
join (mirage_task *t, uint64_t deadline, bool *done)
{
  mirage_task *self = loop.current;
  assert (self && t != self);
  *done = false;
  if (t->state != T_DONE) {
    if (t->joiner)
      return -EBUSY;
    if (self->cancelled)
      return -ECANCELED;
    t->joiner = self;
    self->wait = W_JOIN;
    self->join_target = t;
    int r = suspend (deadline);
    if (t->state != T_DONE)
      return r;
  }
  *done = true;
  return collect (t);
}

int
mirage_task_join (mirage_task *t)
{
  bool done;
  return join (t, 0, &done);
}

int
mirage_task_join_timeout (mirage_task *t, uint64_t timeout_ns)
{
  bool done;
  return join (t, mirage_loop_now_ns () + timeout_ns, &done);
}

void
mirage_task_detach (mirage_task *t)
{
  if (t->state == T_DONE) {
    if (t->status != 0 && !loop.failed) {
      loop.failed = true;
      loop.fail_status = t->status;
      loop.fail_message = dup_printf ("task '%s' failed: %s", t->name,
                                      t->error ? t->error : "?");
    }
    task_free (t);
    return;
  }
  t->detached = true;
}

void
mirage_task_cancel (mirage_task *t)
{
  if (t->state == T_DONE)
    return;
  t->cancelled = true;
  wake (t, -ECANCELED);
}

int
mirage_task_with_timeout (uint64_t timeout_ns, const char *name,
                          mirage_task_fn fn, void *arg)
{
  mirage_task *t = mirage_task_spawn (name, fn, arg);
  if (!t)
    return -ENOMEM;
  bool done;
  int r = join (t, mirage_loop_now_ns () + timeout_ns, &done);
  if (done)
    return r;
  mirage_task_cancel (t);
  /* wait for it to wind down, even if we are cancelled ourselves */
  mirage_task *self = loop.current;
  bool was = self->cancelled;
  self->cancelled = false;
  join (t, 0, &done);
  self->cancelled = was;
  free (self->last_error);
  self->last_error = r == -ETIMEDOUT
    ? dup_printf ("task '%s' timed out after %llu ms", name ? name : "task",
                  (unsigned long long) (timeout_ns / MIRAGE_NS_PER_MS))
    : NULL;
  return r;
}

size_t
mirage_loop_task_count (void)
{
  return loop.n_tasks;
}

mirage_task *
mirage_task_self (void)
{
  return loop.current;
}

const char *
mirage_task_name (const mirage_task *t)
{
  return t ? t->name : "loop";
}

bool
mirage_task_is_cancelled (void)
{
  return loop.current && loop.current->cancelled;
}

int
mirage_task_yield (void)
{
  mirage_task *t = loop.current;
  if (t->cancelled)
    return -ECANCELED;
  t->wait = W_YIELD;
  t->state = T_WAITING;
  wake (t, 0); /* straight to the back of the run queue */
  switch_to_scheduler (t, false);
  return t->wait_result;
}

int
mirage_task_sleep_until (uint64_t deadline_ns)
{
  mirage_task *t = loop.current;
  if (t->cancelled)
    return -ECANCELED;
  if (deadline_ns == 0)
    deadline_ns = 1;
  t->wait = W_SLEEP;
  return suspend (deadline_ns);
}

int
mirage_task_sleep_ns (uint64_t ns)
{
  if (ns == 0)
    return mirage_task_yield ();
  return mirage_task_sleep_until (mirage_loop_now_ns () + ns);
}

/* Parking: a task waits for another to wake it (an HTTP/2 stream for
 * its connection's writer, a writer for new output), with no descriptor
 * or timer of its own unless a deadline is given. */
int
mirage_task_park (uint64_t deadline_ns)
{
  mirage_task *t = loop.current;
  if (t->cancelled)
    return -ECANCELED;
  t->wait = W_PARK;
  return suspend (deadline_ns);
}

void
mirage_task_unpark (mirage_task *t)
{
  if (t && t->state == T_WAITING && t->wait == W_PARK)
    wake (t, 0);
}

int
mirage_task_wait_fd (int fd, unsigned events, int64_t timeout_ns)
{
  mirage_task *t = loop.current;
  if (t->cancelled)
    return -ECANCELED;
  fd_slot *s = fd_get (fd, true);
  if (!s)
    return fd < 0 ? -EBADF : -ENOMEM;
  bool rd = events & MIRAGE_TASK_READ;
  if ((rd && (s->reader || s->watch_fn)) || (!rd && s->writer))
    return -EBUSY;
  if (rd)
    s->reader = t;
  else
    s->writer = t;
  int r = fd_arm (fd, s);
  if (r < 0) {
    if (rd)
      s->reader = NULL;
    else
      s->writer = NULL;
    return r == -EPERM ? 0 : r;  /* regular files: always ready */
  }
  t->wait = W_FD;
  t->wait_fd = fd;
  t->wait_events = rd ? MIRAGE_TASK_READ : MIRAGE_TASK_WRITE;
  loop.fd_waiters++;
  uint64_t deadline = timeout_ns >= 0
    ? mirage_loop_now_ns () + (uint64_t) timeout_ns : 0;
  return suspend (deadline);
}

void
mirage_task_close_fd (int fd)
{
  fd_slot *s = fd_get (fd, false);
  if (s) {
    if (s->reader)
      wake (s->reader, -EBADF);
    if (s->writer)
      wake (s->writer, -EBADF);
    if (s->watch_fn) {
      s->watch_fn = NULL;
      s->watch_arg = NULL;
      loop.fd_watchers--;
    }
    /* close() only drops the registration when no duplicate of the
     * descriptor lives on (after a fork, say): deregister explicitly, so
     * no event can come later under a number that names another file */
    fd_set_interest (fd, s, 0);
    s->registered = 0;
  }
  if (fd >= 0)
    close (fd);
}

void
mirage_task_forget_fd (int fd)
{
  fd_slot *s = fd_get (fd, false);
  if (s && !s->reader && !s->writer && !s->watch_fn)
    s->registered = 0;
}

int
mirage_task_watch_fd (int fd, mirage_fd_watch_fn fn, void *arg)
{
  fd_slot *s = fd_get (fd, true);
  if (!s)
    return fd < 0 ? -EBADF : -ENOMEM;
  if (s->reader || s->watch_fn)
    return -EBUSY;
  s->watch_fn = fn;
  s->watch_arg = arg;
  int r = fd_arm (fd, s);
  if (r < 0) {
    s->watch_fn = NULL;
    s->watch_arg = NULL;
    return r;
  }
  loop.fd_watchers++;
  return 0;
}

/* Calls @s's watcher (taken off first: it may watch again) with @result. */
static void
watch_fire (fd_slot *s, int result)
{
  mirage_fd_watch_fn fn = s->watch_fn;
  void *arg = s->watch_arg;
  s->watch_fn = NULL;
  s->watch_arg = NULL;
  loop.fd_watchers--;
  fn (arg, result);
}

noreturn void
mirage_task_fail (const char *fmt, ...)
{
  mirage_task *t = loop.current;
  assert (t);
  va_list ap;
  va_start (ap, fmt);
  free (t->error);
  if (vasprintf (&t->error, fmt, ap) < 0)
    t->error = NULL;
  va_end (ap);
  task_end (t, -1);
}

noreturn void
mirage_task_exit (int status)
{
  assert (loop.current);
  task_end (loop.current, status);
}

const char *
mirage_task_last_error (void)
{
  return loop.current ? loop.current->last_error : NULL;
}

/* ---- the loop ---- */

static void
timerfd_sync (void)
{
  uint64_t want = loop.heap_len ? loop.heap[0]->deadline : 0;
  if (want == loop.armed_deadline)
    return;
  struct itimerspec its = { 0 };
  its.it_value.tv_sec = (time_t) (want / MIRAGE_NS_PER_S);
  its.it_value.tv_nsec = (long) (want % MIRAGE_NS_PER_S);
  if (timerfd_settime (loop.tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
    loop.armed_deadline = want;
}

static void
fire_timers (void)
{
  uint64_t now = mirage_loop_now_ns ();
  while (loop.heap_len && loop.heap[0]->deadline <= now) {
    mirage_task *t = loop.heap[0];
    wake (t, t->wait == W_SLEEP ? 0 : -ETIMEDOUT);
  }
}

/* One turn: run what is ready, then poll. Returns false when no task is
 * ready and none waits for a timer or a descriptor. */
static bool
turn (void)
{
  for (size_t n = loop.rq_len; n > 0 && !loop.failed; n--) {
    mirage_task *t = rq_pop ();
    if (t)
      run_task (t);
  }
  if (loop.failed)
    return true;
  /* the main task ended: stop now, even if others (or watchers) could
   * still wait for descriptors forever */
  if (!loop.winding && loop.main_task && loop.main_task->state == T_DONE)
    return true;
  int timeout;
  if (loop.rq_len || loop.winding)
    timeout = 0;
  else if (loop.heap_len || loop.fd_waiters || loop.fd_watchers)
    timeout = -1;
  else
    return false;  /* nothing can ever happen again */
  if (loop.heap_len && loop.heap[0]->deadline <= mirage_loop_now_ns ())
    timeout = 0;
  timerfd_sync ();
  struct epoll_event evs[64];
  int n = epoll_wait (loop.epfd, evs, 64, timeout);
  for (int i = 0; i < n; i++) {
    int fd = evs[i].data.fd;
    if (fd == loop.tfd) {
      uint64_t expirations;
      if (read (loop.tfd, &expirations, sizeof expirations) < 0) {
        /* EAGAIN: already drained */
      }
      loop.armed_deadline = 0;
      continue;
    }
    fd_slot *s = fd_get (fd, false);
    if (!s)
      continue;
    uint32_t e = evs[i].events;
    /* registered events nobody waits for any more: stop asking for them
     * now that they fire (level-triggered, they would fire every turn) */
    uint32_t need = fd_needed (s);
    uint32_t unwanted = s->registered & ~need;
    if (unwanted && (e & (unwanted | EPOLLHUP | EPOLLERR)))
      fd_set_interest (fd, s, need);
    if (s->writer && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
      wake (s->writer, 0);
    if (s->reader && (e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
      wake (s->reader, 0);
    else if (s->watch_fn && (e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
      watch_fire (s, 0);   /* last: it may grow loop.fds, moving *s */
  }
  fire_timers ();
  return true;
}

static void
loop_free (void)
{
  while (loop.all)
    task_free (loop.all);
  for (size_t i = 0; i < loop.n_cached; i++)
    munmap (loop.stack_cache[i], loop.stack_cache_len[i]);
  loop.n_cached = 0;
  free (loop.heap);
  free (loop.fds);
  free (loop.fail_message);
  if (loop.epfd >= 0)
    close (loop.epfd);
  if (loop.tfd >= 0)
    close (loop.tfd);
  size_t ss = loop.stack_size;
  memset (&loop, 0, sizeof loop);
  loop.epfd = loop.tfd = -1;
  loop.stack_size = ss;
}

int
mirage_loop_run (const char *name, mirage_task_fn fn, void *arg, char **error)
{
  if (error)
    *error = NULL;
  if (loop.running)
    return -EBUSY;
  loop.epfd = epoll_create1 (EPOLL_CLOEXEC);
  loop.tfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (loop.epfd < 0 || loop.tfd < 0) {
    int e = -errno;
    loop_free ();
    return e;
  }
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = loop.tfd };
  epoll_ctl (loop.epfd, EPOLL_CTL_ADD, loop.tfd, &ev);
  loop.running = true;

  mirage_task *main_task = mirage_task_spawn (name, fn, arg);
  if (!main_task) {
    loop_free ();
    return -ENOMEM;
  }
  loop.main_task = main_task;
  bool deadlock = false;
  while (main_task->state != T_DONE && !loop.failed)
    if (!turn ()) {
      deadlock = main_task->state != T_DONE && !loop.failed;
      break;
    }

  int status;
  char *message = NULL;
  if (loop.failed) {
    status = loop.fail_status;
    message = loop.fail_message;
    loop.fail_message = NULL;
  } else if (deadlock) {
    status = -EDEADLK;
    message = dup_printf ("task '%s' can never end: every task waits for another", main_task->name);
  } else {
    status = main_task->status;
    if (status != 0)
      message = dup_printf ("task '%s' failed: %s", main_task->name,
                            main_task->error ? main_task->error : "?");
  }

  /* wind down the rest: cancel, and let them run a bounded number of turns */
  loop.winding = true;
  for (mirage_task *t = loop.all; t; t = t->all_next)
    if (t->state != T_DONE)
      mirage_task_cancel (t);
  /* watchers learn it too (they own what they watch: a parked connection) */
  for (size_t fd = 0; fd < loop.fds_cap && loop.fd_watchers; fd++)
    if (loop.fds[fd].watch_fn)
      watch_fire (&loop.fds[fd], -ECANCELED);
  loop.failed = false;
  for (int i = 0; i < SHUTDOWN_TURNS && loop.rq_len; i++) {
    turn ();
    loop.failed = false;
  }

  if (error)
    *error = message;
  else
    free (message);
  loop_free ();
  return status;
}
