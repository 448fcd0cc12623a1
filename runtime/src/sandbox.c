/* sandbox.c: the sandbox target's seccomp-BPF filter (mirage/sandbox.h).
 *
 * The profiles below are the single list of what each device needs; they
 * were found by running every example under strace and are checked by
 * running every example under the filter (tests/cli-sandbox.sh), where a
 * missing rule ends the unikernel with SIGSYS.
 *
 * How the filter is compiled: rules are grouped by system call number,
 * the busiest calls first (epoll_wait, rt_sigprocmask, recvfrom, sendto,
 * read, write, pread64, pwrite64...: a call costs one comparison per
 * group before its own), then in the order added. Each group is
 *
 *     jeq NR, 0, <skip the group>
 *     ld  args[i] ; jeq V, 0, 1 ; ret ALLOW     (one per checked rule)
 *     ret KILL_PROCESS
 *
 * or just `ret ALLOW` when a rule allows the call unconditionally. Checks
 * read the low 32 bits of an argument: the kernel itself reads descriptors
 * and flags as 32-bit ints, so the high half cannot change their meaning.
 * No libseccomp: <linux/filter.h> and <linux/seccomp.h> suffice.
 */
#include "mirage/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

/* ---- the profiles ---------------------------------------------------------- */

#define ALWAYS(name, why) { #name, SYS_##name, MIRAGE_SANDBOX_ALWAYS, 0, 0, why }
#define ON_FD(name, arg, why) { #name, SYS_##name, MIRAGE_SANDBOX_ARG_IS_FD, arg, 0, why }
#define ARG_EQ(name, arg, v, why) { #name, SYS_##name, MIRAGE_SANDBOX_ARG_EQ, arg, (uint32_t) (v), why }
#define ARG_CLEAR(name, arg, v, why) { #name, SYS_##name, MIRAGE_SANDBOX_ARG_CLEAR, arg, (uint32_t) (v), why }

/* flags that write, create or truncate */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

static const mirage_sandbox_rule base_rules[] = {
#ifdef SYS_epoll_wait
  ALWAYS (epoll_wait, "the loop waits for its descriptors and timer"),
#endif
  ALWAYS (epoll_pwait, "the loop waits (aarch64's epoll_wait)"),
  ALWAYS (rt_sigprocmask, "task switches (swapcontext saves the signal mask)"),
  ALWAYS (read, "the loop's timer; descriptors the devices opened"),
  ALWAYS (close, "closing what the devices opened (no call can open more)"),
  ARG_EQ (write, 0, 2, "log lines to standard error"),
  ARG_EQ (write, 0, 1, "standard output"),
  ARG_EQ (writev, 0, 2, "long log lines"),
  ARG_EQ (writev, 0, 1, "standard output"),
  ALWAYS (epoll_ctl, "waiting on descriptors"),
  ALWAYS (timerfd_settime, "the loop's deadlines"),
  ALWAYS (clock_gettime, "clocks (when the vDSO cannot answer)"),
  ALWAYS (gettimeofday, "clocks (when the vDSO cannot answer)"),
  ALWAYS (mmap, "task stacks, malloc"),
  ALWAYS (munmap, "task stacks, malloc"),
  ALWAYS (mprotect, "task stacks' guard pages"),
  ALWAYS (mremap, "realloc of large blocks"),
  ALWAYS (madvise, "free returning memory"),
  ALWAYS (brk, "malloc"),
  ARG_EQ (newfstatat, 0, 1, "stdio on standard output"),
  ARG_EQ (newfstatat, 0, 2, "stdio on standard error"),
  ALWAYS (rt_sigreturn, "returning from a signal handler"),
  ALWAYS (exit_group, "the end"),
  ALWAYS (exit, "the end"),
};

static const mirage_sandbox_rule random_rules[] = {
  ALWAYS (getrandom, "the host's entropy"),
};

static const mirage_sandbox_rule block_file_rules[] = {
  ON_FD (pread64, 0, "reads of its own file; sector bounds are the block layer's"),
  ON_FD (pwrite64, 0, "writes to its own file (refused by the kernel when opened read-only)"),
};

static const mirage_sandbox_rule kv_ro_rules[] = {
  ON_FD (openat2, 0, "keys beneath its directory (RESOLVE_BENEATH, in struct open_how, unseen by BPF)"),
  ARG_CLEAR (openat, 2, WRITE_FLAGS, "the O_NOFOLLOW walk without openat2: never for writing or creating"),
  ALWAYS (newfstatat, "sizes and kinds of keys"),
  ALWAYS (getdents64, "listing dictionaries"),
  ALWAYS (fcntl, "fdopendir"),
  ALWAYS (lseek, "readdir"),
  ALWAYS (pread64, "reading values (descriptors opened beneath its directory)"),
};

static const mirage_sandbox_rule kv_rw_rules[] = {
  ON_FD (openat2, 0, "keys beneath its directory (RESOLVE_BENEATH, in struct open_how, unseen by BPF)"),
  ALWAYS (openat, "the O_NOFOLLOW walk; new values (O_CREAT | O_EXCL, then renameat)"),
  ALWAYS (newfstatat, "sizes and kinds of keys"),
  ALWAYS (getdents64, "listing dictionaries"),
  ALWAYS (fcntl, "fdopendir"),
  ALWAYS (lseek, "readdir"),
  ALWAYS (pread64, "reading values"),
  ALWAYS (write, "writing values"),
  ALWAYS (pwrite64, "partial writes"),
  ALWAYS (mkdirat, "making dictionaries"),
#ifdef SYS_renameat
  ALWAYS (renameat, "replacing values atomically"),
#endif
  ALWAYS (renameat2, "replacing values atomically"),
  ALWAYS (unlinkat, "removing keys"),
  ALWAYS (ftruncate, "resizing values"),
  ALWAYS (fsync, "durability"),
  ALWAYS (fdatasync, "durability"),
};

static const mirage_sandbox_rule socket_rules[] = {
  ALWAYS (recvfrom, "TCP reads, UDP datagrams"),
  ALWAYS (sendto, "TCP writes, UDP datagrams"),
  ALWAYS (accept4, "accepting connections"),
  ARG_EQ (socket, 0, AF_INET, "IPv4 sockets"),
  ARG_EQ (socket, 0, AF_INET6, "IPv6 sockets"),
  ALWAYS (bind, "listening and UDP"),
  ALWAYS (listen, "listening"),
  ALWAYS (connect, "TCP clients"),
  ALWAYS (setsockopt, "SO_REUSEADDR, IPV6_V6ONLY, TCP_NODELAY"),
  ALWAYS (getsockopt, "connection errors (SO_ERROR)"),
  ALWAYS (getsockname, "local endpoints"),
  ALWAYS (getpeername, "peers"),
  ALWAYS (shutdown, "half-closing flows"),
};

/* TLS (GnuTLS): randomness, and the wake of a pthread_once its libraries
 * run lazily during the first handshake (single-threaded: never a wait) */
static const mirage_sandbox_rule tls_rules[] = {
  ALWAYS (getrandom, "query IDs, ports, TLS randomness"),
  ARG_EQ (futex, 1, FUTEX_WAKE_PRIVATE, "pthread_once in GnuTLS's first handshake"),
};

/* the system resolver has a socket stack of its own (the device has none) */
static const mirage_sandbox_rule resolver_system_rules[] = {
  ALWAYS (getrandom, "query IDs and ports"),
  ALWAYS (recvfrom, "DNS answers"),
  ALWAYS (sendto, "DNS queries"),
  ARG_EQ (socket, 0, AF_INET, "IPv4 sockets"),
  ARG_EQ (socket, 0, AF_INET6, "IPv6 sockets"),
  ALWAYS (bind, "random source ports"),
  ALWAYS (connect, "DNS over TCP"),
  ALWAYS (setsockopt, "IPV6_V6ONLY, TCP_NODELAY"),
  ALWAYS (getsockopt, "connection errors (SO_ERROR)"),
};

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer's and LeakSanitizer's run time (sanitized builds only) */
static const mirage_sandbox_rule sanitizer_rules[] = {
  ALWAYS (sigaltstack, "sanitizer"), ALWAYS (rt_sigaction, "sanitizer"),
  ALWAYS (write, "sanitizer reports"), ALWAYS (openat, "sanitizer: /proc/self/maps"),
  ALWAYS (newfstatat, "sanitizer"), ALWAYS (lseek, "sanitizer"),
  ALWAYS (readlinkat, "sanitizer"), ALWAYS (getdents64, "sanitizer"),
#ifdef SYS_readlink
  ALWAYS (readlink, "sanitizer"),
#endif
#ifdef SYS_open
  ALWAYS (open, "sanitizer"),
#endif
  ALWAYS (clone, "LeakSanitizer's tracer"),
#ifdef SYS_clone3
  ALWAYS (clone3, "LeakSanitizer's tracer"),
#endif
  ALWAYS (ptrace, "LeakSanitizer's tracer"), ALWAYS (wait4, "LeakSanitizer's tracer"),
  ALWAYS (waitid, "LeakSanitizer's tracer"), ALWAYS (prctl, "LeakSanitizer's tracer"),
  ALWAYS (getpid, "sanitizer"), ALWAYS (gettid, "sanitizer"), ALWAYS (getppid, "sanitizer"),
  ALWAYS (tgkill, "sanitizer: abort"), ALWAYS (kill, "sanitizer"),
  ALWAYS (sched_yield, "sanitizer"), ALWAYS (futex, "sanitizer"),
  ALWAYS (nanosleep, "sanitizer"), ALWAYS (clock_nanosleep, "sanitizer"),
  ALWAYS (prlimit64, "sanitizer"), ALWAYS (sched_getaffinity, "sanitizer"),
  ALWAYS (set_robust_list, "sanitizer"), ALWAYS (rseq, "sanitizer"),
  ALWAYS (pipe2, "sanitizer"), ALWAYS (dup, "sanitizer"), ALWAYS (dup3, "sanitizer"),
#ifdef SYS_dup2
  ALWAYS (dup2, "sanitizer"),
#endif
  ALWAYS (uname, "sanitizer"), ALWAYS (getrusage, "sanitizer"),
};
#endif

#define PROFILE(name, summary, rules) { name, summary, rules, sizeof rules / sizeof rules[0] }
#define EMPTY(name, summary) { name, summary, NULL, 0 }

static const mirage_sandbox_profile profiles[] = {
  PROFILE ("base", "the event loop, task stacks, memory, logs to standard error, the exit", base_rules),
  EMPTY ("default_sleep", "the loop's timer (base)"),
  EMPTY ("default_ptime", "clock_gettime (base)"),
  EMPTY ("mock_ptime", "nothing"),
  EMPTY ("default_mtime", "clock_gettime (base)"),
  EMPTY ("mock_mtime", "nothing"),
  PROFILE ("default_random", "getrandom", random_rules),
  EMPTY ("default_reporter", "writes to standard error (base)"),
  EMPTY ("no_reporter", "nothing"),
  PROFILE ("block_of_file", "pread64/pwrite64 on its own descriptor only", block_file_rules),
  EMPTY ("ramdisk", "nothing: memory"),
  EMPTY ("ccm_block", "nothing: its raw block's profile does the I/O"),
  EMPTY ("crunch", "nothing: memory"),
  PROFILE ("direct_kv_ro", "read-only opens beneath its directory", kv_ro_rules),
  PROFILE ("direct_kv_rw", "opens, writes, renames and removals beneath its directory", kv_rw_rules),
  EMPTY ("kv_rw_mem", "nothing: memory"),
  PROFILE ("socket_stackv4v6", "IPv4 and IPv6 sockets", socket_rules),
  EMPTY ("tcpv4v6_of_stackv4v6", "its stack's"),
  EMPTY ("generic_happy_eyeballs", "its stack's (it connects through it)"),
  PROFILE ("resolver_dns", "getrandom (query IDs, ports), futex wakes (TLS); sockets are its stack's", tls_rules),
  PROFILE ("resolver_unix_system", "getrandom and sockets of its own stack; /etc/hosts is read before the filter",
           resolver_system_rules),
  EMPTY ("conduit_direct", "its stack's"),
  PROFILE ("conduit_tls", "getrandom, futex wakes (TLS); the trust store is read before the filter", tls_rules),
  EMPTY ("mimic_happy_eyeballs", "its happy eyeballs' and stack's"),
  EMPTY ("paf_server", "its TCP layer's (listen, accept4, shutdown for timeouts)"),
  EMPTY ("syslog_udp", "its stack's (a UDP socket bound while connecting)"),
  EMPTY ("syslog_tcp", "its stack's (it connects through it)"),
  PROFILE ("syslog_tls", "getrandom, futex wakes (TLS); its keys are read from its store while connecting", tls_rules),
  PROFILE ("generic_dns_client", "getrandom (query IDs, source ports, TLS), futex wakes (TLS); sockets are its "
           "stack's, trust stores are read before the filter", tls_rules),
#ifdef __SANITIZE_ADDRESS__
  PROFILE ("sanitizer", "AddressSanitizer's run time (sanitized builds only)", sanitizer_rules),
#endif
};

const mirage_sandbox_profile *
mirage_sandbox_profile_at (size_t i)
{
  return i < sizeof profiles / sizeof profiles[0] ? &profiles[i] : NULL;
}

const mirage_sandbox_profile *
mirage_sandbox_profile_find (const char *name)
{
  for (size_t i = 0; name && i < sizeof profiles / sizeof profiles[0]; i++)
    if (strcmp (profiles[i].name, name) == 0)
      return &profiles[i];
  return NULL;
}

const char *
mirage_sandbox_rule_text (const mirage_sandbox_rule *r, char *buf, size_t size)
{
  switch (r->check) {
  case MIRAGE_SANDBOX_ARG_IS_FD:
    snprintf (buf, size, "%s (arg%u = its descriptor)", r->syscall, r->arg);
    break;
  case MIRAGE_SANDBOX_ARG_EQ:
    snprintf (buf, size, "%s (arg%u = %u)", r->syscall, r->arg, (unsigned) r->value);
    break;
  case MIRAGE_SANDBOX_ARG_CLEAR:
    snprintf (buf, size, "%s (arg%u without bits 0x%x)", r->syscall, r->arg, (unsigned) r->value);
    break;
  default:
    snprintf (buf, size, "%s", r->syscall);
    break;
  }
  return buf;
}

int
mirage_sandbox_no_fd (const void *device)
{
  (void) device;
  return -1;
}

/* ---- the builder ------------------------------------------------------------- */

typedef struct {
  long nr;
  mirage_sandbox_check check;
  unsigned arg;
  uint32_t value;
} rule;

struct mirage_sandbox {
  rule *rules;
  size_t n, cap;
  int error;
};

int
mirage_sandbox_add_rule (mirage_sandbox *sb, const mirage_sandbox_rule *r, int fd)
{
  rule x = { r->nr, r->check, r->arg, r->value };
  if (r->check == MIRAGE_SANDBOX_ARG_IS_FD) {
    if (fd < 0)
      return 0;  /* no descriptor: the rule allows nothing */
    x.check = MIRAGE_SANDBOX_ARG_EQ;
    x.value = (uint32_t) fd;
  }
  if (x.arg > 5 || x.nr < 0) {
    if (!sb->error)
      sb->error = -EINVAL;
    return -EINVAL;
  }
  for (size_t i = 0; i < sb->n; i++)
    if (sb->rules[i].nr == x.nr && sb->rules[i].check == x.check
        && sb->rules[i].arg == x.arg && sb->rules[i].value == x.value)
      return 0;
  if (sb->n == sb->cap) {
    size_t cap = sb->cap ? sb->cap * 2 : 64;
    rule *p = realloc (sb->rules, cap * sizeof *p);
    if (!p) {
      if (!sb->error)
        sb->error = -ENOMEM;
      return -ENOMEM;
    }
    sb->rules = p;
    sb->cap = cap;
  }
  sb->rules[sb->n++] = x;
  return 0;
}

int
mirage_sandbox_add (mirage_sandbox *sb, const char *name, int fd)
{
  const mirage_sandbox_profile *p = mirage_sandbox_profile_find (name);
  if (!p) {
    if (!sb->error)
      sb->error = -ENOENT;
    return -ENOENT;
  }
  for (size_t i = 0; i < p->n_rules; i++) {
    int r = mirage_sandbox_add_rule (sb, &p->rules[i], fd);
    if (r < 0)
      return r;
  }
  return 0;
}

mirage_sandbox *
mirage_sandbox_new (void)
{
  mirage_sandbox *sb = calloc (1, sizeof *sb);
  if (!sb)
    return NULL;
  mirage_sandbox_add (sb, "base", -1);
#ifdef __SANITIZE_ADDRESS__
  mirage_sandbox_add (sb, "sanitizer", -1);
#endif
  if (sb->error) {
    mirage_sandbox_free (sb);
    errno = ENOMEM;
    return NULL;
  }
  return sb;
}

void
mirage_sandbox_free (mirage_sandbox *sb)
{
  if (!sb)
    return;
  free (sb->rules);
  free (sb);
}

/* ---- compiling ----------------------------------------------------------------- */

typedef struct {
  struct sock_filter *code;
  size_t n, cap;
  bool failed;
} program;

static void
put (program *p, struct sock_filter f)
{
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 128;
    struct sock_filter *c = realloc (p->code, cap * sizeof *c);
    if (!c) {
      p->failed = true;
      return;
    }
    p->code = c;
    p->cap = cap;
  }
  p->code[p->n++] = f;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) ((uint32_t) (offsetof (struct seccomp_data, args) + 8 * (i)))
#else
#define ARG_LO(i) ((uint32_t) (offsetof (struct seccomp_data, args) + 8 * (i) + 4))
#endif

void *
mirage_sandbox_compile (mirage_sandbox *sb, size_t *n)
{
#ifndef SANDBOX_ARCH
  (void) sb; (void) n;
  errno = ENOSYS;
  return NULL;
#else
  if (sb->error) {
    errno = -sb->error;
    return NULL;
  }
  program p = { 0 };
  bool *done = calloc (sb->n ? sb->n : 1, sizeof *done);
  if (!done) {
    errno = ENOMEM;
    return NULL;
  }
  put (&p, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)));
  put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0));
  put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  put (&p, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)));
#ifdef __x86_64__
  /* x32 system calls share the architecture and number with a high bit */
  put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
  put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
  /* the busiest calls first (the loop's, the stack's, the block's), then
   * the rest in the order added */
  static const long hot[] = {
#ifdef SYS_epoll_wait
    SYS_epoll_wait,
#endif
    SYS_rt_sigprocmask, SYS_recvfrom, SYS_sendto, SYS_read, SYS_write,
    SYS_pread64, SYS_pwrite64, SYS_epoll_ctl, SYS_timerfd_settime, SYS_epoll_pwait,
  };
  size_t n_hot = sizeof hot / sizeof hot[0];
  for (size_t k = 0; k < n_hot + sb->n; k++) {
    size_t i = 0;
    if (k < n_hot) {
      while (i < sb->n && (done[i] || sb->rules[i].nr != hot[k]))
        i++;
      if (i == sb->n)
        continue;
    } else {
      i = k - n_hot;
      if (done[i])
        continue;
    }
    long nr = sb->rules[i].nr;
    bool always = false;
    size_t checks = 0;
    for (size_t j = i; j < sb->n; j++)
      if (sb->rules[j].nr == nr) {
        if (sb->rules[j].check == MIRAGE_SANDBOX_ALWAYS)
          always = true;
        else
          checks++;
      }
    size_t body = always ? 1 : 3 * checks + 1;
    if (body > 255) {
      free (done);
      free (p.code);
      errno = E2BIG;
      return NULL;
    }
    put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) nr, 0, (uint8_t) body));
    if (always)
      put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    for (size_t j = i; j < sb->n; j++) {
      if (sb->rules[j].nr != nr)
        continue;
      done[j] = true;
      const rule *r = &sb->rules[j];
      if (always)
        continue;
      put (&p, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LO (r->arg)));
      if (r->check == MIRAGE_SANDBOX_ARG_CLEAR)
        put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, r->value, 1, 0));
      else
        put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, r->value, 0, 1));
      put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    }
    if (!always)
      put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  }
  put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  free (done);
  if (p.failed || p.n > BPF_MAXINSNS) {
    free (p.code);
    errno = p.failed ? ENOMEM : E2BIG;
    return NULL;
  }
  *n = p.n;
  return p.code;
#endif
}

int
mirage_sandbox_install (mirage_sandbox *sb)
{
  size_t n = 0;
  struct sock_filter *code = mirage_sandbox_compile (sb, &n);
  int r = 0;
  if (!code) {
    r = -errno;
    goto out;
  }
  /* what the filter will forbid, done once now: glibc reads the time zone
   * (openat of /etc/localtime) on the first localtime_r */
  tzset ();
  struct sock_fprog prog = { .len = (unsigned short) n, .filter = code };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    r = -errno;
  free (code);
out:
  mirage_sandbox_free (sb);
  return r;
}
