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
#include "raw-syscall.h"

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
#define REFUSE(name, err, why) { #name, SYS_##name, MIRAGE_SANDBOX_ERRNO, 0, (uint32_t) (err), why }

/* flags that write, create or truncate */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

static const mirage_sandbox_rule base_rules[] = {
#ifdef SYS_epoll_wait
  ALWAYS (epoll_wait, "the loop waits for its descriptors and timer"),
#endif
  ALWAYS (epoll_pwait, "the loop waits (aarch64's epoll_wait)"),
  ALWAYS (rt_sigprocmask, "task switches (swapcontext saves the signal mask)"),
  ALWAYS (read, "the loop's timer; descriptors the devices opened"),
  ALWAYS (close, "closing what the devices opened (only a store or a TLS profile can open more)"),
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

#define OPENAT2_WHY "its flags are in struct open_how, beyond BPF's sight; the store walks with openat"

static const mirage_sandbox_rule kv_ro_rules[] = {
  REFUSE (openat2, ENOSYS, OPENAT2_WHY),
  ARG_CLEAR (openat, 2, WRITE_FLAGS, "the O_NOFOLLOW walk: never for writing or creating; Landlock: beneath its directory"),
  ALWAYS (newfstatat, "sizes and kinds of keys; any path (Landlock does not check stat)"),
  ALWAYS (getdents64, "listing dictionaries"),
  ALWAYS (fcntl, "fdopendir"),
  ALWAYS (lseek, "readdir"),
  ALWAYS (pread64, "reading values (descriptors opened beneath its directory)"),
};

static const mirage_sandbox_rule kv_rw_rules[] = {
  REFUSE (openat2, ENOSYS, OPENAT2_WHY),
  ALWAYS (openat, "the O_NOFOLLOW walk; new values (O_CREAT | O_EXCL, then renameat); Landlock: beneath its directory"),
  ALWAYS (newfstatat, "sizes and kinds of keys; any path (Landlock does not check stat)"),
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

/* TLS devices whose configuration may be the system trust store, made
 * at connection or, for a unikernel making its own (tls-fetch), after
 * the filter: a read-only openat, confined by Landlock to the exact
 * files of the profile's host_files below */
static const mirage_sandbox_rule tls_store_rules[] = {
  ALWAYS (getrandom, "query IDs, ports, TLS randomness"),
  ARG_EQ (futex, 1, FUTEX_WAKE_PRIVATE, "pthread_once in GnuTLS's first handshake"),
  REFUSE (openat2, ENOSYS, "its flags are in struct open_how, beyond BPF's sight; fopen uses openat"),
  ARG_CLEAR (openat, 2, WRITE_FLAGS, "reading the system trust store: never for writing or creating; "
             "Landlock: only the files listed"),
  ARG_EQ (newfstatat, 3, AT_EMPTY_PATH, "fstat of the opened trust store (GnuTLS sizes it); stat gives "
          "metadata only, never contents (Landlock does not check it)"),
  ALWAYS (lseek, "stdio reading the trust store"),
};

/* the Git clients (libgit2): a bare repository per clone, made, written,
 * mapped and removed beneath the launcher's private directory (Landlock:
 * that directory only, read-write); connections are their mimic's */
#define GIT_FILE_RULES \
  REFUSE (openat2, ENOSYS, OPENAT2_WHY), \
  ALWAYS (openat, "the repository's files; Landlock: beneath the private directory only"), \
  ALWAYS (newfstatat, "sizes and kinds of the repository's files"), \
  ALWAYS (statx, "sizes and kinds of the repository's files"), \
  ALWAYS (getdents64, "listing the repository's directories"), \
  ALWAYS (fcntl, "descriptor flags"), \
  ALWAYS (lseek, "reading packs and indexes"), \
  ALWAYS (pread64, "reading packs"), \
  ALWAYS (write, "writing objects, packs, indexes and refs"), \
  ALWAYS (pwrite64, "writing packs"), \
  ALWAYS (mkdirat, "the repository's directories"), \
  ALWAYS (renameat2, "lock files committed by rename"), \
  ALWAYS (linkat, "lock files committed by a hard link"), \
  REFUSE (symlinkat, EPERM, "libgit2's probe for symbolic links: none in a bare repository (core.symlinks false)"), \
  ALWAYS (unlinkat, "removing lock files and the repository"), \
  ALWAYS (ftruncate, "pack files"), \
  ALWAYS (fsync, "durability"), \
  ALWAYS (fdatasync, "durability"), \
  ALWAYS (fchmod, "packs and objects made read-only"), \
  ALWAYS (fchmodat, "packs and objects made read-only"), \
  ALWAYS (faccessat, "existence checks"), \
  ALWAYS (faccessat2, "existence checks"), \
  ALWAYS (readlinkat, "resolving the repository's path"), \
  ALWAYS (getcwd, "resolving the repository's path"), \
  ALWAYS (umask, "file modes of new objects"), \
  ALWAYS (utimensat, "freshening an object's time"), \
  ALWAYS (getuid, "libgit2's ownership checks"), \
  ALWAYS (geteuid, "libgit2's ownership checks"), \
  ALWAYS (getpid, "temporary file names"), \
  ALWAYS (getrandom, "temporary file names, SSH and TLS randomness"), \
  ARG_EQ (futex, 1, FUTEX_WAKE_PRIVATE, "pthread_once in libgit2 and GnuTLS (single-threaded: never a wait)")

/* the legacy calls glibc's rename(), mkdir(), unlink()... make on x86_64 */
#ifdef SYS_rename
#define GIT_LEGACY_RULES \
  ALWAYS (rename, "lock files committed by rename"), ALWAYS (mkdir, "the repository's directories"), \
  ALWAYS (rmdir, "removing the repository"), ALWAYS (unlink, "removing lock files and the repository"), \
  ALWAYS (access, "existence checks"), ALWAYS (chmod, "packs and objects made read-only"), \
  ALWAYS (readlink, "resolving the repository's path"), ALWAYS (renameat, "lock files committed by rename"), \
  ALWAYS (link, "lock files committed by a hard link"), \
  REFUSE (symlink, EPERM, "libgit2's probe for symbolic links: none in a bare repository (core.symlinks false)"),
#else
#define GIT_LEGACY_RULES
#endif

static const mirage_sandbox_rule git_rules[] = {
  GIT_LEGACY_RULES
  GIT_FILE_RULES,
};

/* git_http: the same, and the trust store (HTTPS) */
static const mirage_sandbox_rule git_http_rules[] = {
  GIT_LEGACY_RULES
  GIT_FILE_RULES,
  ARG_EQ (newfstatat, 3, AT_EMPTY_PATH, "fstat of the opened trust store"),
};

/* ---- fixed host files (read-only, exact files; both Landlock layers) ---- */

/* what every graph linking GnuTLS may read: its library constructor
 * reads the system-wide configuration (an admin's disabled algorithms
 * would otherwise be silently ignored) */
static const char *const tls_files[] = {
  MIRAGE_SANDBOX_GNUTLS_CONFIG, MIRAGE_SANDBOX_TRUST_STORE, NULL,
};
/* the DNS client: its default nameservers, and TLS (DNS over TLS, and
 * the unikernel's own configurations) */
static const char *const dns_client_files[] = {
  "/etc/resolv.conf", MIRAGE_SANDBOX_GNUTLS_CONFIG, MIRAGE_SANDBOX_TRUST_STORE, NULL,
};
static const char *const resolver_system_files[] = {
  "/etc/hosts", "/etc/resolv.conf", MIRAGE_SANDBOX_GNUTLS_CONFIG, NULL,
};
/* syslog over TLS loads its keys from its store: only GnuTLS's own file */
static const char *const gnutls_config_files[] = { MIRAGE_SANDBOX_GNUTLS_CONFIG, NULL };

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

#define PROFILE(name, summary, rules) { name, summary, rules, sizeof rules / sizeof rules[0], 0, NULL, NULL }
#define PROFILE_FS(name, summary, rules, fs, option) \
  { name, summary, rules, sizeof rules / sizeof rules[0], fs, option, NULL }
#define PROFILE_FILES(name, summary, rules, files) \
  { name, summary, rules, sizeof rules / sizeof rules[0], 0, NULL, files }
#define EMPTY(name, summary) { name, summary, NULL, 0, 0, NULL, NULL }
#define PROFILE_TMP(name, summary, rules, files) \
  { name, summary, rules, sizeof rules / sizeof rules[0], MIRAGE_LANDLOCK_KV_RW, NULL, files, true }

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
  PROFILE_FS ("block_of_file", "pread64/pwrite64 on its own descriptor only", block_file_rules,
              MIRAGE_LANDLOCK_FILE_RW, "file"),
  EMPTY ("ramdisk", "nothing: memory"),
  EMPTY ("ccm_block", "nothing: its raw block's profile does the I/O"),
  EMPTY ("crunch", "nothing: memory"),
  PROFILE_FS ("direct_kv_ro", "read-only opens beneath its directory (Landlock), openat without write flags (seccomp)",
              kv_ro_rules, MIRAGE_LANDLOCK_KV_RO, "dirname"),
  PROFILE_FS ("direct_kv_rw", "opens, writes, renames and removals beneath its directory (Landlock)",
              kv_rw_rules, MIRAGE_LANDLOCK_KV_RW, "dirname"),
  EMPTY ("kv_rw_mem", "nothing: memory"),
  PROFILE ("socket_stackv4v6", "IPv4 and IPv6 sockets", socket_rules),
  EMPTY ("tcpv4v6_of_stackv4v6", "its stack's"),
  EMPTY ("generic_happy_eyeballs", "its stack's (it connects through it)"),
  PROFILE_FILES ("resolver_dns", "getrandom (query IDs, ports), futex wakes (TLS), reading the trust store; "
                 "sockets are its stack's", tls_store_rules, dns_client_files),
  PROFILE_FILES ("resolver_unix_system", "getrandom and sockets of its own stack; /etc/hosts and "
                 "/etc/resolv.conf are read while connecting", resolver_system_rules, resolver_system_files),
  EMPTY ("conduit_direct", "its stack's"),
  PROFILE_FILES ("conduit_tls", "getrandom, futex wakes (TLS), reading the system trust store", tls_store_rules,
                 tls_files),
  EMPTY ("mimic_happy_eyeballs", "its happy eyeballs' and stack's"),
  EMPTY ("paf_server", "its TCP layer's (listen, accept4, shutdown for timeouts)"),
  PROFILE_FILES ("paf_client", "getrandom, futex wakes (TLS), reading the system trust store at the "
                 "first https request; connections are its mimic's", tls_store_rules, tls_files),
  PROFILE_FILES ("cohttp_client", "getrandom, futex wakes (TLS), reading the system trust store at the "
                 "first https request; connections are its conduit's", tls_store_rules, tls_files),
  EMPTY ("syslog_udp", "its stack's (a UDP socket bound while connecting)"),
  EMPTY ("syslog_tcp", "its stack's (it connects through it)"),
  PROFILE_FILES ("syslog_tls", "getrandom, futex wakes (TLS); its keys are read from its store while connecting",
                 tls_rules, gnutls_config_files),
  PROFILE_FILES ("generic_dns_client", "getrandom (query IDs, source ports, TLS), futex wakes (TLS), reading "
                 "/etc/resolv.conf and the system trust store; sockets are its stack's", tls_store_rules,
                 dns_client_files),
  PROFILE_TMP ("git_tcp", "libgit2's repository files, read-write beneath the launcher's private "
               "temporary directory only; connections are its mimic's", git_rules, NULL),
  PROFILE_TMP ("git_http", "libgit2's repository files, read-write beneath the launcher's private "
               "temporary directory only; reading the system trust store (HTTPS) while connecting; "
               "connections are its mimic's", git_http_rules, tls_files),
  PROFILE_TMP ("git_ssh", "libgit2's repository files, read-write beneath the launcher's private "
               "temporary directory only; connections are its mimic's", git_rules, NULL),
  EMPTY ("merge_git_clients", "its clients'"),
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
  case MIRAGE_SANDBOX_ERRNO:
    snprintf (buf, size, "%s (fails: %s)", r->syscall, r->value == ENOSYS ? "ENOSYS" : "errno");
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

typedef struct {
  int fd;
  uint64_t access;
} fs_rule;

struct mirage_sandbox {
  rule *rules;
  size_t n, cap;
  fs_rule fs[32];        /* Landlock: rights beneath the devices' descriptors */
  size_t n_fs;
  const char *const *files[32];  /* Landlock: the profiles' host_files, read-only */
  size_t n_files;
  bool private_tmp;      /* Landlock: read-write beneath the launcher's private directory */
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
  if (p->landlock && fd >= 0) {
    if (sb->n_fs == sizeof sb->fs / sizeof sb->fs[0]) {
      if (!sb->error)
        sb->error = -E2BIG;
      return -E2BIG;
    }
    sb->fs[sb->n_fs++] = (fs_rule) { fd, p->landlock };
  }
  if (p->private_tmp)
    sb->private_tmp = true;
  if (p->host_files) {
    size_t i = 0;
    while (i < sb->n_files && sb->files[i] != p->host_files)
      i++;
    if (i == sb->n_files) {
      if (sb->n_files == sizeof sb->files / sizeof sb->files[0]) {
        if (!sb->error)
          sb->error = -E2BIG;
        return -E2BIG;
      }
      sb->files[sb->n_files++] = p->host_files;
    }
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
    uint32_t refuse = 0;
    size_t checks = 0;
    for (size_t j = i; j < sb->n; j++)
      if (sb->rules[j].nr == nr) {
        if (sb->rules[j].check == MIRAGE_SANDBOX_ALWAYS)
          always = true;
        else if (sb->rules[j].check == MIRAGE_SANDBOX_ERRNO)
          refuse = sb->rules[j].value;
        else
          checks++;
      }
    if (refuse) {
      /* a refusal wins over any allowance of the same call */
      put (&p, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) nr, 0, 1));
      put (&p, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (refuse & SECCOMP_RET_DATA)));
      for (size_t j = i; j < sb->n; j++)
        if (sb->rules[j].nr == nr)
          done[j] = true;
      continue;
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

/* ---- installing -------------------------------------------------------------- */

static char problem[320];

const char *
mirage_sandbox_problem (void)
{
  return problem;
}

/* /proc/self/status, opened now, read later: its text is made at the
 * first read, so a descriptor opened before the filter reads after it.
 * Raw calls: the unikernel's open() or read() could lie. */
static int
status_open (void)
{
  return (int) MIRAGE_RAW4 (SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
}

/* The number after @name in @text, or -1. By hand, not strstr/strtol:
 * those could be the unikernel's too. */
static long
field (const char *text, const char *name)
{
  for (const char *p = text; *p; p++) {
    size_t k = 0;
    while (name[k] && p[k] == name[k])
      k++;
    if (name[k])
      continue;
    p += k;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p < '0' || *p > '9')
      return -1;
    long v = 0;
    while (*p >= '0' && *p <= '9' && v < 1000000)
      v = v * 10 + (*p++ - '0');
    return v;
  }
  return -1;
}

/* The numbers after "Seccomp:" and "Seccomp_filters:" (-1 when absent);
 * closes @fd. 0 or -errno. */
static int
status_read (int fd, long *mode, long *filters)
{
  char buf[8192];
  size_t n = 0;
  long r;
  while (n < sizeof buf - 1 && (r = MIRAGE_RAW3 (SYS_read, fd, buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t) r;
  MIRAGE_RAW1 (SYS_close, fd);
  buf[n] = '\0';
  *mode = field (buf, "\nSeccomp:");
  *filters = field (buf, "\nSeccomp_filters:");
  return *mode >= 0 ? 0 : -EIO;
}

int
mirage_sandbox_install (mirage_sandbox *sb)
{
  size_t n = 0;
  struct sock_filter *code = NULL;
  int before = -1, after = -1, ruleset = -1;
  long mode = -1, filters = -1, mode2 = -1, filters2 = -1;
  int r = 0;
  problem[0] = '\0';
  code = mirage_sandbox_compile (sb, &n);
  if (!code) {
    r = -errno;
    snprintf (problem, sizeof problem, "cannot compile the seccomp filter: %s", strerror (-r));
    goto out;
  }
  /* what the filter will forbid, done once now: glibc reads the time zone
   * (openat of /etc/localtime) on the first localtime_r */
  tzset ();

  /* 1. the launcher confined this process before its first instruction */
  before = status_open ();
  after = status_open ();
  if (before < 0 || after < 0) {
    r = before < 0 ? before : after;
    snprintf (problem, sizeof problem, "cannot read /proc/self/status to check the sandbox: %s", strerror (-r));
    goto out;
  }
  r = status_read (before, &mode, &filters);
  before = -1;
  if (r < 0 || mode != 2) {
    r = -EPERM;
    snprintf (problem, sizeof problem,
              "not started by its sandbox launcher (Seccomp: %ld in /proc/self/status, not 2): run the "
              "program mstudio build -t sandbox wrote, not its .unikernel, so that it is confined before "
              "any of its code runs", mode);
    goto out;
  }

  /* 2. a Landlock layer: each device's rights beneath its own descriptor */
  ruleset = mirage_landlock_create ();
  if (ruleset < 0) {
    r = ruleset;
    snprintf (problem, sizeof problem, "%s", mirage_landlock_problem ());
    goto out;
  }
  for (size_t i = 0; i < sb->n_fs && r == 0; i++) {
    r = mirage_landlock_allow_fd (ruleset, sb->fs[i].fd, sb->fs[i].access);
    if (r == -EBADF)
      r = 0;   /* no such descriptor: nothing to grant */
  }
  /* the launcher's private directory (git: libgit2's repositories); the
   * launcher's own layer granted it alone, so the variable naming it
   * cannot widen anything */
  if (sb->private_tmp && r == 0) {
    const char *tmp = getenv (MIRAGE_SANDBOX_TMPDIR_ENV);
    if (!tmp || !*tmp) {
      MIRAGE_RAW1 (SYS_close, ruleset);
      r = -ENOENT;
      snprintf (problem, sizeof problem, "no private temporary directory ($%s) from the launcher",
                MIRAGE_SANDBOX_TMPDIR_ENV);
      goto out;
    }
    r = mirage_landlock_allow_path (ruleset, tmp, MIRAGE_LANDLOCK_KV_RW);
  }
  /* the fixed host files, as the launcher granted them (the unikernel
   * may read the trust store after start: tls-fetch) */
  for (size_t i = 0; i < sb->n_files && r == 0; i++)
    for (size_t k = 0; sb->files[i][k] && r == 0; k++) {
      r = mirage_landlock_allow_path (ruleset, sb->files[i][k], MIRAGE_FS_READ_FILE);
      if (r == -ENOENT)
        r = 0;   /* not on this host: its reader sees ENOENT */
    }
#ifdef __SANITIZE_ADDRESS__
  /* the sanitizer's reports read /proc/self/maps */
  if (r == 0)
    r = mirage_landlock_allow_path (ruleset, "/proc/self", MIRAGE_LANDLOCK_KV_RO);
#endif
  if (r < 0) {
    MIRAGE_RAW1 (SYS_close, ruleset);
    snprintf (problem, sizeof problem, "cannot add a Landlock rule: %s", strerror (-r));
    goto out;
  }
  r = mirage_landlock_restrict (ruleset);
  if (r < 0) {
    snprintf (problem, sizeof problem, "%s", mirage_landlock_problem ());
    goto out;
  }

  /* 3. the seccomp filter */
  struct sock_fprog prog = { .len = (unsigned short) n, .filter = code };
  r = (int) MIRAGE_RAW5 (SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (r == 0)
    r = (int) MIRAGE_RAW3 (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
  if (r < 0) {
    snprintf (problem, sizeof problem, "cannot install the seccomp filter: %s", strerror (-r));
    goto out;
  }

  /* 4. in force: one more filter than before */
  r = status_read (after, &mode2, &filters2);
  after = -1;
  if (r < 0 || mode2 != 2 || (filters >= 0 && filters2 != filters + 1)) {
    r = -EPERM;
    snprintf (problem, sizeof problem, "the seccomp filter is not in force (Seccomp: %ld, filters %ld then %ld)",
              mode2, filters, filters2);
    goto out;
  }
out:
  if (before >= 0)
    MIRAGE_RAW1 (SYS_close, before);
  if (after >= 0)
    MIRAGE_RAW1 (SYS_close, after);
  free (code);
  mirage_sandbox_free (sb);
  return r;
}

/* ---- the launcher's filter ------------------------------------------------------- */

/* Calls no unikernel makes and that would reach past the rest of the
 * sandbox: io_uring's operations are not seen by seccomp, ptrace and
 * process_vm_* reach other processes, the others change the kernel or
 * the process's view of the system. */
static const long launch_killed[] = {
  SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
#ifndef __SANITIZE_ADDRESS__
  SYS_ptrace,           /* LeakSanitizer's tracer needs it in sanitized builds */
#endif
  SYS_process_vm_readv, SYS_process_vm_writev, SYS_bpf, SYS_perf_event_open, SYS_userfaultfd,
  SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_unshare, SYS_setns, SYS_keyctl,
  SYS_add_key, SYS_request_key, SYS_kexec_load, SYS_init_module, SYS_finit_module,
  SYS_delete_module, SYS_open_by_handle_at, SYS_name_to_handle_at, SYS_fanotify_init,
  SYS_quotactl, SYS_swapon, SYS_swapoff, SYS_reboot, SYS_acct,
};

static const char *const launch_denied_names[] = {
  "openat2 (fails: ENOSYS)", "socket (killed unless the graph has a stack)",
  "io_uring_setup", "io_uring_enter", "io_uring_register",
#ifndef __SANITIZE_ADDRESS__
  "ptrace",
#endif
  "process_vm_readv", "process_vm_writev", "bpf", "perf_event_open", "userfaultfd",
  "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "keyctl", "add_key",
  "request_key", "kexec_load", "init_module", "finit_module", "delete_module",
  "open_by_handle_at", "name_to_handle_at", "fanotify_init", "quotactl", "swapon",
  "swapoff", "reboot", "acct", NULL,
};

const char *const *
mirage_sandbox_launch_denied (void)
{
  return launch_denied_names;
}

int
mirage_sandbox_install_launch (bool sockets)
{
#ifndef SANDBOX_ARCH
  (void) sockets;
  return -ENOSYS;
#else
  struct sock_filter code[128];
  size_t n = 0;
#define PUT(f) (code[n++] = (struct sock_filter) f)
  PUT (BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)));
  PUT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0));
  PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  PUT (BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)));
#ifdef __x86_64__
  PUT (BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
  PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
  PUT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1));
  PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
  if (!sockets) {
    PUT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 1));
    PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  }
  for (size_t i = 0; i < sizeof launch_killed / sizeof launch_killed[0]; i++) {
    PUT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) launch_killed[i], 0, 1));
    PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  }
  PUT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
#undef PUT
  struct sock_fprog prog = { .len = (unsigned short) n, .filter = code };
  long r = MIRAGE_RAW5 (SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (r == 0)
    r = MIRAGE_RAW3 (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
  return (int) r;
#endif
}
