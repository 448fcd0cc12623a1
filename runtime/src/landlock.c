/* landlock.c: Landlock rulesets for the sandbox (mirage/sandbox.h).
 *
 * Seccomp sees a system call's registers, never the path a pointer
 * points to, so it cannot keep a store beneath its directory. Landlock
 * can: a ruleset names the file-system rights it handles, each rule
 * grants some of them beneath one directory (or on one file), and once
 * restrict_self() is called, every open, create, write, truncate,
 * rename or removal the rules do not grant fails with EACCES, whatever
 * system call asks (openat, openat2, creat, io_uring...). A process can
 * only add layers, never remove one, and the layers are inherited
 * across execve; access needs every layer's consent.
 *
 * The sandbox needs ABI 3 (Linux 6.2): ABI 1 leaves truncate(2)
 * unchecked and ABI 2 adds REFER (renames across directories). On a
 * kernel with less, or with Landlock disabled, nothing starts: the
 * caller reports mirage_landlock_problem (). ABI 5 adds device ioctls
 * and ABI 6 the scopes (signals, abstract UNIX sockets), handled when
 * present. All calls are raw (src/raw-syscall.h). */
#include "mirage/sandbox.h"
#include "raw-syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* rights on a file (as opposed to a directory) */
#define FILE_RIGHTS (MIRAGE_FS_EXECUTE | MIRAGE_FS_WRITE_FILE | MIRAGE_FS_READ_FILE \
                     | MIRAGE_FS_TRUNCATE | MIRAGE_FS_IOCTL_DEV)

int
mirage_landlock_abi (void)
{
  long r = MIRAGE_RAW3 (SYS_landlock_create_ruleset, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
  /* tests play an older kernel; the variable can only lower the ABI,
   * so it can only make the sandbox refuse to start */
  const char *t = getenv ("MIRAGE_SANDBOX_TEST_ABI");
  if (t && *t >= '0' && *t <= '9' && t[1] == '\0' && r > *t - '0')
    r = *t - '0';
  return (int) r;
}

static char problem[256];

const char *
mirage_landlock_problem (void)
{
  return problem;
}

/* what this kernel's ABI can handle */
static uint64_t
handled_for (int abi)
{
  uint64_t h = MIRAGE_FS_EXECUTE | MIRAGE_FS_WRITE_FILE | MIRAGE_FS_READ_FILE | MIRAGE_FS_READ_DIR
               | MIRAGE_FS_REMOVE_DIR | MIRAGE_FS_REMOVE_FILE | MIRAGE_FS_MAKE_CHAR | MIRAGE_FS_MAKE_DIR
               | MIRAGE_FS_MAKE_REG | MIRAGE_FS_MAKE_SOCK | MIRAGE_FS_MAKE_FIFO | MIRAGE_FS_MAKE_BLOCK
               | MIRAGE_FS_MAKE_SYM;
  if (abi >= 2)
    h |= MIRAGE_FS_REFER;
  if (abi >= 3)
    h |= MIRAGE_FS_TRUNCATE;
  if (abi >= 5)
    h |= MIRAGE_FS_IOCTL_DEV;
  return h;
}

static int ruleset_abi;

int
mirage_landlock_create (void)
{
  int abi = mirage_landlock_abi ();
  if (abi < 0) {
    snprintf (problem, sizeof problem,
              "this kernel has no Landlock (%s): the sandbox needs Landlock ABI %d (Linux 6.2 or later, "
              "with landlock in the lsm= boot list)",
              abi == -EOPNOTSUPP ? "disabled at boot" : strerror ((int) -abi), MIRAGE_LANDLOCK_MIN_ABI);
    return abi;
  }
  if (abi < MIRAGE_LANDLOCK_MIN_ABI) {
    snprintf (problem, sizeof problem,
              "this kernel's Landlock is ABI %d; the sandbox needs ABI %d (Linux 6.2 or later: "
              "truncation and renames are unchecked before it)", abi, MIRAGE_LANDLOCK_MIN_ABI);
    return -EOPNOTSUPP;
  }
  ruleset_abi = abi;
  struct {
    uint64_t handled_access_fs, handled_access_net, scoped;
  } attr = { handled_for (abi), 0, 0 };
  size_t size = 8;
#if defined(LANDLOCK_SCOPE_SIGNAL) && defined(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET)
  if (abi >= 6) {
    /* no signals to, and no abstract UNIX sockets of, processes outside */
    attr.scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
    size = sizeof attr;
  }
#endif
  long fd = MIRAGE_RAW3 (SYS_landlock_create_ruleset, &attr, size, 0);
  if (fd < 0)
    snprintf (problem, sizeof problem, "cannot create a Landlock ruleset: %s", strerror ((int) -fd));
  return (int) fd;
}

int
mirage_landlock_allow_fd (int ruleset, int fd, uint64_t access)
{
  struct stat st;
  if (MIRAGE_RAW2 (SYS_fstat, fd, &st) < 0)
    return -EBADF;
  access &= handled_for (ruleset_abi);
  if (!S_ISDIR (st.st_mode))
    access &= FILE_RIGHTS;
  if (!access)
    return 0;
  struct landlock_path_beneath_attr rule = { .allowed_access = access, .parent_fd = fd };
  long r = MIRAGE_RAW4 (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  return r < 0 ? (int) r : 0;
}

int
mirage_landlock_allow_path (int ruleset, const char *path, uint64_t access)
{
  long fd = MIRAGE_RAW4 (SYS_openat, AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
  if (fd < 0)
    return (int) fd;
  int r = mirage_landlock_allow_fd (ruleset, (int) fd, access);
  MIRAGE_RAW1 (SYS_close, fd);
  return r;
}

int
mirage_landlock_restrict (int ruleset)
{
  long r = MIRAGE_RAW5 (SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (r == 0)
    r = MIRAGE_RAW2 (SYS_landlock_restrict_self, ruleset, 0);
  MIRAGE_RAW1 (SYS_close, ruleset);
  if (r < 0)
    snprintf (problem, sizeof problem, "cannot restrict the process with Landlock: %s", strerror ((int) -r));
  return (int) r;
}

const char *
mirage_landlock_text (uint64_t access)
{
  if (access == 0)
    return "nothing";
  if (access == MIRAGE_LANDLOCK_KV_RO)
    return "read files and list directories beneath it";
  if (access == MIRAGE_LANDLOCK_KV_RW)
    return "read, list, create, write, truncate, rename and remove files and directories beneath it";
  if (access == MIRAGE_LANDLOCK_FILE_RW)
    return "read and write (and truncate) this one file";
  return "some rights";
}
