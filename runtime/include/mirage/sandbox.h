/* mirage/sandbox.h: the sandbox target's seccomp-BPF filter.
 *
 * A unikernel built with `-t sandbox` connects its devices, then installs
 * a seccomp filter whose default action kills the process (SIGSYS) and
 * which allows only the system calls its graph needs, as Solo5's spt
 * tender derives them from its manifest. What each device needs is a
 * *profile*: a list of rules named after the catalog constructor that
 * made the device ("block_of_file", "socket_stackv4v6", ...), plus the
 * "base" profile of the loop, the arguments, the logs and the exit.
 * The profiles are data (mirage_sandbox_profile_find), so the generated
 * code (which adds one profile per connected device) and `mstudio
 * describe --sandbox` (which prints them) read the same table.
 *
 * A rule allows one system call, either always or when a 32-bit argument
 * passes one check: equal to the device's own descriptor (a block may
 * pread64/pwrite64 only its file), equal to a constant (write only to 1
 * and 2), or with given bits clear (a read-only store's openat may not
 * ask for writing or creating). What plain BPF cannot see is not checked:
 * it cannot follow pointers (paths, openat2's struct open_how) and has no
 * arithmetic across arguments, so the sector bounds of a block device
 * (offset + length within capacity) are enforced by the runtime's block
 * layer (mirage_block_check), and a store's confinement beneath its
 * directory by Landlock (src/landlock.c): the launcher's domain on its
 * path (mirage/launch.h) and the runtime's layer beneath its descriptor.
 * openat2, whose flags BPF cannot see, fails with ENOSYS. The filter
 * checks the architecture (x86_64, aarch64) and refuses x32 system calls.
 *
 * In a build with AddressSanitizer (__SANITIZE_ADDRESS__ when the runtime
 * is compiled) the filter also allows what the sanitizer's run time needs
 * (its allocator, its reports and LeakSanitizer's exit-time scan, which
 * clones a tracer thread): the profile "sanitizer", never in release.
 */
#ifndef MIRAGE_SANDBOX_H
#define MIRAGE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Landlock (src/landlock.c) ---- */

/* File-system rights (LANDLOCK_ACCESS_FS_*, spelled here so that a
 * header without <linux/landlock.h> can name them). */
#define MIRAGE_FS_EXECUTE     (UINT64_C (1) << 0)
#define MIRAGE_FS_WRITE_FILE  (UINT64_C (1) << 1)
#define MIRAGE_FS_READ_FILE   (UINT64_C (1) << 2)
#define MIRAGE_FS_READ_DIR    (UINT64_C (1) << 3)
#define MIRAGE_FS_REMOVE_DIR  (UINT64_C (1) << 4)
#define MIRAGE_FS_REMOVE_FILE (UINT64_C (1) << 5)
#define MIRAGE_FS_MAKE_CHAR   (UINT64_C (1) << 6)
#define MIRAGE_FS_MAKE_DIR    (UINT64_C (1) << 7)
#define MIRAGE_FS_MAKE_REG    (UINT64_C (1) << 8)
#define MIRAGE_FS_MAKE_SOCK   (UINT64_C (1) << 9)
#define MIRAGE_FS_MAKE_FIFO   (UINT64_C (1) << 10)
#define MIRAGE_FS_MAKE_BLOCK  (UINT64_C (1) << 11)
#define MIRAGE_FS_MAKE_SYM    (UINT64_C (1) << 12)
#define MIRAGE_FS_REFER       (UINT64_C (1) << 13)
#define MIRAGE_FS_TRUNCATE    (UINT64_C (1) << 14)
#define MIRAGE_FS_IOCTL_DEV   (UINT64_C (1) << 15)

/* What a device may do beneath its path: a read-only store, a read-write
 * store, a block's file. */
#define MIRAGE_LANDLOCK_KV_RO (MIRAGE_FS_READ_FILE | MIRAGE_FS_READ_DIR)
#define MIRAGE_LANDLOCK_KV_RW (MIRAGE_LANDLOCK_KV_RO | MIRAGE_FS_WRITE_FILE | MIRAGE_FS_REMOVE_DIR \
                               | MIRAGE_FS_REMOVE_FILE | MIRAGE_FS_MAKE_DIR | MIRAGE_FS_MAKE_REG \
                               | MIRAGE_FS_REFER | MIRAGE_FS_TRUNCATE)
#define MIRAGE_LANDLOCK_FILE_RW (MIRAGE_FS_READ_FILE | MIRAGE_FS_WRITE_FILE | MIRAGE_FS_TRUNCATE)

/* The Landlock ABI the sandbox needs (3: Linux 6.2, truncate checked). */
#define MIRAGE_LANDLOCK_MIN_ABI 3

/* The running kernel's Landlock ABI version, or -errno (-EOPNOTSUPP:
 * disabled at boot, -ENOSYS: not built). */
int mirage_landlock_abi (void);
/* A ruleset handling every right this kernel knows (and, from ABI 6,
 * scoping signals and abstract UNIX sockets): its descriptor, or -errno
 * with mirage_landlock_problem () saying why (no Landlock, ABI too old). */
int mirage_landlock_create (void);
/* Grants @access beneath the directory (or on the file) @fd / @path;
 * rights a file cannot have are dropped for files. 0 or -errno. */
int mirage_landlock_allow_fd (int ruleset, int fd, uint64_t access);
int mirage_landlock_allow_path (int ruleset, const char *path, uint64_t access);
/* Sets no_new_privs, restricts this process (a new layer) and closes
 * @ruleset. 0 or -errno. */
int mirage_landlock_restrict (int ruleset);
/* Why the last call above failed, for messages. */
const char *mirage_landlock_problem (void);
/* @access as words for describe ("read files and list directories beneath it"). */
const char *mirage_landlock_text (uint64_t access);

/* ---- seccomp ---- */

typedef enum {
  MIRAGE_SANDBOX_ALWAYS,     /* any arguments */
  MIRAGE_SANDBOX_ARG_IS_FD,  /* args[arg] is the device's descriptor */
  MIRAGE_SANDBOX_ARG_EQ,     /* args[arg] == value */
  MIRAGE_SANDBOX_ARG_CLEAR,  /* (args[arg] & value) == 0 */
  MIRAGE_SANDBOX_ERRNO,      /* never runs: fails with errno @value */
} mirage_sandbox_check;

typedef struct {
  const char *syscall;       /* its name, as strace prints it */
  long nr;                   /* its number on this architecture */
  mirage_sandbox_check check;
  unsigned arg;              /* the argument checked (0-5) */
  uint32_t value;
  const char *why;           /* what it is for, for describe */
} mirage_sandbox_rule;

typedef struct {
  const char *name;          /* a catalog constructor, "base" or "sanitizer" */
  const char *summary;
  const mirage_sandbox_rule *rules;
  size_t n_rules;
  /* Landlock: what the device may do beneath its path (0: nothing), and
   * the catalog option naming that path ("dirname", "file"), which the
   * launcher confines before exec and the runtime, after connecting,
   * beneath the device's own descriptor. */
  uint64_t landlock;
  const char *path_option;
  /* Fixed host files the device (or the library it links) reads, NULL
   * terminated, or NULL: both Landlock layers grant reading each exact
   * file (never its directory) to graphs with this device, and nothing
   * more. A missing file is skipped (its reader sees ENOENT). */
  const char *const *host_files;
  /* The device writes scratch files (libgit2's bare repository): the
   * launcher makes one private directory (mkdtemp under $TMPDIR, mode
   * 0700) before it confines itself, grants read-write beneath that
   * directory only, and hands it to the unikernel as $TMPDIR
   * (MIRAGE_SANDBOX_TMPDIR_ENV names it too); the runtime's own layer
   * grants the same beneath it. */
  bool private_tmp;
} mirage_sandbox_profile;

/* The environment variable with the launcher's private directory. */
#define MIRAGE_SANDBOX_TMPDIR_ENV "MIRAGE_SANDBOX_TMPDIR"

/* The system trust store GnuTLS loads for "no authenticator" (Debian's
 * --with-default-trust-store-file; ca-certificates makes it). */
#define MIRAGE_SANDBOX_TRUST_STORE "/etc/ssl/certs/ca-certificates.crt"
/* GnuTLS's system-wide configuration (priorities, disabled algorithms),
 * read by its library constructor when it exists. */
#define MIRAGE_SANDBOX_GNUTLS_CONFIG "/etc/gnutls/config"

/* The profile named @name, or NULL. */
const mirage_sandbox_profile *mirage_sandbox_profile_find (const char *name);
/* The @i-th profile, NULL past the last (for listings and tests). */
const mirage_sandbox_profile *mirage_sandbox_profile_at (size_t i);
/* One rule as text: "pread64 (fd == the device's)". Returns @buf. */
const char *mirage_sandbox_rule_text (const mirage_sandbox_rule *r, char *buf, size_t size);

typedef struct mirage_sandbox mirage_sandbox;

/* A filter under construction, holding the base profile (and the
 * sanitizer's in sanitized builds). NULL with errno set when out of memory. */
mirage_sandbox *mirage_sandbox_new (void);
/* Adds the profile @name for a device whose descriptor is @fd (-1: none;
 * rules on the device's descriptor then allow nothing). -ENOENT for an
 * unknown profile, -ENOMEM. The first error is kept and returned again by
 * mirage_sandbox_install. */
int mirage_sandbox_add (mirage_sandbox *sb, const char *name, int fd);
/* Adds one rule (for tests and hand-written unikernels). */
int mirage_sandbox_add_rule (mirage_sandbox *sb, const mirage_sandbox_rule *r, int fd);
/* Confines this process for good, after its devices are connected:
 * checks that its launcher's filter is in force (the Seccomp: field of
 * /proc/self/status is 2), adds a Landlock layer granting each device
 * its profile's rights beneath its own descriptor and nothing else, then
 * installs the seccomp filter (no_new_privs first), and checks that one
 * more filter is in force. Raw system calls throughout (src/raw-syscall.h),
 * so a unikernel's own syscall()/prctl()/read() cannot stand in for
 * them. Frees @sb. 0 or -errno, with mirage_sandbox_problem () saying
 * why; the caller must not run any job then. */
int mirage_sandbox_install (mirage_sandbox *sb);
/* Why mirage_sandbox_install failed (or ""). */
const char *mirage_sandbox_problem (void);
/* The filter installed as the *launcher*'s, before exec: every call
 * allowed but openat2 (fails with ENOSYS: its flags are beyond BPF's
 * sight, and the runtime falls back to openat), io_uring, ptrace and
 * other calls no unikernel needs (killed), and socket() when @sockets
 * is false (killed). The list, for describe: */
const char *const *mirage_sandbox_launch_denied (void);
int mirage_sandbox_install_launch (bool sockets);
void mirage_sandbox_free (mirage_sandbox *sb);
/* The filter as BPF instructions (struct sock_filter), for tests:
 * *@n receives their count; malloc'ed; NULL with errno set. */
void *mirage_sandbox_compile (mirage_sandbox *sb, size_t *n);

/* The descriptor a device's profile confines it to, or -1. Defined by
 * the implementations (src/block.c, src/kv-direct.c). */
struct mirage_block;
struct mirage_kv_ro;
struct mirage_kv_rw;
int mirage_block_sandbox_fd (const struct mirage_block *b);
int mirage_kv_ro_sandbox_fd (const struct mirage_kv_ro *kv);
int mirage_kv_rw_sandbox_fd (const struct mirage_kv_rw *kv);
int mirage_sandbox_no_fd (const void *device);

/* MIRAGE_SANDBOX_FD (dev): the descriptor for any device pointer. */
#define MIRAGE_SANDBOX_FD(dev) _Generic ((dev), \
    struct mirage_block *: mirage_block_sandbox_fd, \
    struct mirage_kv_ro *: mirage_kv_ro_sandbox_fd, \
    struct mirage_kv_rw *: mirage_kv_rw_sandbox_fd, \
    default: mirage_sandbox_no_fd) (dev)

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_SANDBOX_H */
