/* test-sandbox.c: the seccomp filter builder (mirage/sandbox.h): the
 * profile table, the compiled program, and what an installed filter
 * allows and kills (each case in a child process, which the filter
 * ends with SIGSYS when it calls what it may not). Each child first
 * installs the launcher's filter, as DIR/NAME does before exec; without
 * it the runtime refuses. A direct_kv_ro's Landlock layer keeps opens
 * beneath its directory and openat2 fails with ENOSYS. */
#include "mirage/block.h"
#include "mirage/kv_ro.h"
#include "mirage/sandbox.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs @fn in a child under a filter with the base profile and @profile
 * on @fd; returns its wait status. */
static int
sandboxed (const char *profile, int fd, int (*fn) (void *), void *arg)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0) {
    /* what the launcher does before exec (src/launch.c) */
    if (mirage_sandbox_install_launch (true) < 0)
      _exit (89);
    mirage_sandbox *sb = mirage_sandbox_new ();
    if (!sb || (profile && mirage_sandbox_add (sb, profile, fd) < 0))
      _exit (90);
    if (mirage_sandbox_install (sb) < 0)
      _exit (91);
    _exit (fn (arg));
  }
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

static bool
killed_by_sigsys (int status)
{
  return WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS;
}

static bool
exited (int status, int code)
{
  return WIFEXITED (status) && WEXITSTATUS (status) == code;
}

static int
do_nothing (void *arg)
{
  (void) arg;
  return 7;
}

static int
do_socket (void *arg)
{
  (void) arg;
  return socket (AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1;
}

#ifndef __SANITIZE_ADDRESS__
static int
do_open (void *arg)
{
  return open ((const char *) arg, O_RDONLY) >= 0 ? 0 : 1;
}
#endif

/* 0 when opening @arg is refused with EACCES (Landlock), 1 when it opens */
static int
do_open_denied (void *arg)
{
  int fd = open ((const char *) arg, O_RDONLY);
  return fd < 0 && errno == EACCES ? 0 : fd >= 0 ? 1 : 2;
}

typedef struct {
  mirage_kv_ro *kv;
  const char *outside;
} kv_case;

/* a direct_kv_ro under its filter: its own keys read, nothing else */
static int
do_kv_confined (void *arg)
{
  kv_case *c = arg;
  void *data = NULL;
  size_t len = 0;
  if (mirage_kv_get (c->kv, "inside.txt", &data, &len) < 0 || len != 6)
    return 1;
  free (data);
  int root = mirage_kv_ro_sandbox_fd (c->kv);
  if (openat (AT_FDCWD, "/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
    return 2;   /* AT_FDCWD and an absolute path: Landlock */
  if (openat (root, "/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
    return 3;   /* its own descriptor and an absolute path */
  if (openat (root, c->outside, O_RDONLY) >= 0 || errno != EACCES)
    return 4;   /* "../outside.txt" */
  struct { uint64_t flags, mode, resolve; } how = { O_RDONLY, 0, 0 };
  if (syscall (SYS_openat2, root, "inside.txt", &how, sizeof how) >= 0 || errno != ENOSYS)
    return 5;   /* openat2 refused: its flags are beyond BPF's sight */
  return 0;
}

static int
do_log (void *arg)
{
  (void) arg;
  char *p = malloc (1 << 20);  /* mmap'ed: malloc and free work */
  if (!p)
    return 1;
  memset (p, 1, 1 << 20);
  free (p);
  return write (2, "", 0) == 0 ? 0 : 1;
}

typedef struct {
  mirage_block *b;
  int other;
} block_case;

static int
do_block_rw (void *arg)
{
  block_case *c = arg;
  char w[512], r[512];
  memset (w, 'x', sizeof w);
  if (mirage_block_write (c->b, 1, w, sizeof w) < 0 || mirage_block_read (c->b, 1, r, sizeof r) < 0)
    return 1;
  return memcmp (w, r, sizeof w) == 0 ? 0 : 2;
}

static int
do_pread_other (void *arg)
{
  block_case *c = arg;
  char r[16];
  return pread (c->other, r, sizeof r, 0) >= 0 ? 0 : 1;
}

static int
do_socket_v4_and_unix (void *arg)
{
  (void) arg;
  int fd = socket (AF_INET6, SOCK_STREAM, 0);
  if (fd < 0)
    return 1;
  close (fd);
  socket (AF_UNIX, SOCK_STREAM, 0);  /* not a domain a stack uses */
  return 0;
}

int
main (void)
{
  /* the table */
  size_t n = 0;
  bool numbered = true, named = true;
  for (const mirage_sandbox_profile *p; (p = mirage_sandbox_profile_at (n)); n++) {
    named = named && p->name && p->summary;
    for (size_t i = 0; i < p->n_rules; i++)
      numbered = numbered && p->rules[i].nr >= 0 && p->rules[i].arg <= 5 && p->rules[i].why;
  }
  tap_ok (n >= 16 && named, "%zu profiles, each with a name and a summary", n);
  tap_ok (numbered, "every rule has a system call number, an argument 0-5 and a reason");
  const char *ctors[] = { "default_sleep", "default_ptime", "default_mtime", "default_random",
                          "default_reporter", "block_of_file", "ramdisk", "direct_kv_ro",
                          "direct_kv_rw", "kv_rw_mem", "socket_stackv4v6", "tcpv4v6_of_stackv4v6",
                          "crunch", "ccm_block" };
  bool all = true;
  for (size_t i = 0; i < sizeof ctors / sizeof *ctors; i++)
    all = all && mirage_sandbox_profile_find (ctors[i]);
  tap_ok (all && mirage_sandbox_profile_find ("base"), "a profile per runtime constructor, and base");
  tap_ok (!mirage_sandbox_profile_find ("tar_kv_ro"), "none for what the runtime lacks");
  const mirage_sandbox_profile *bf = mirage_sandbox_profile_find ("block_of_file");
  char text[128];
  tap_ok (bf->n_rules == 2 && strcmp (mirage_sandbox_rule_text (&bf->rules[0], text, sizeof text),
                                      "pread64 (arg0 = its descriptor)") == 0,
          "block_of_file: %s", text);
  const mirage_sandbox_profile *ss = mirage_sandbox_profile_find ("socket_stackv4v6");
  bool socket_checked = false;
  for (size_t i = 0; i < ss->n_rules; i++)
    if (strcmp (ss->rules[i].syscall, "socket") == 0)
      socket_checked = ss->rules[i].check == MIRAGE_SANDBOX_ARG_EQ;
  tap_ok (socket_checked, "socket_stackv4v6: socket only for its address families");

  /* host files: absolute paths of files (never /etc itself), only for
   * the devices that read them */
  bool files_ok = true;
  size_t with_files = 0;
  for (size_t i = 0; mirage_sandbox_profile_at (i); i++) {
    const mirage_sandbox_profile *p = mirage_sandbox_profile_at (i);
    with_files += p->host_files != NULL;
    for (size_t k = 0; p->host_files && p->host_files[k]; k++) {
      const char *f = p->host_files[k];
      struct stat st;
      files_ok = files_ok && f[0] == '/' && f[strlen (f) - 1] != '/' && strchr (f + 1, '/')
                 && (stat (f, &st) < 0 || !S_ISDIR (st.st_mode));
    }
  }
  /* 8: the two HTTP clients and git_http read the trust store too */
  tap_ok (files_ok && with_files == 8, "host files: %zu profiles, each file absolute and not a directory", with_files);
  const mirage_sandbox_profile *dc = mirage_sandbox_profile_find ("generic_dns_client");
  bool resolv = false, hosts = false;
  for (size_t k = 0; dc->host_files && dc->host_files[k]; k++) {
    resolv = resolv || strcmp (dc->host_files[k], "/etc/resolv.conf") == 0;
    hosts = hosts || strcmp (dc->host_files[k], "/etc/hosts") == 0;
  }
  tap_ok (resolv && !hosts, "generic_dns_client reads /etc/resolv.conf, not /etc/hosts");
  tap_ok (mirage_sandbox_profile_find ("socket_stackv4v6")->host_files == NULL
          && mirage_sandbox_profile_find ("direct_kv_ro")->host_files == NULL, "a stack or a store reads no host file");

  /* the Git devices: read-write beneath the launcher's private directory
   * only (no catalog option names it), no sockets of their own (mimic's) */
  bool git_ok = true;
  const char *gits[] = { "git_tcp", "git_http", "git_ssh" };
  for (size_t i = 0; i < 3; i++) {
    const mirage_sandbox_profile *p = mirage_sandbox_profile_find (gits[i]);
    git_ok = git_ok && p && p->private_tmp && p->landlock == MIRAGE_LANDLOCK_KV_RW && !p->path_option;
    for (size_t k = 0; p && k < p->n_rules; k++)
      git_ok = git_ok && p->rules[k].nr != SYS_socket && p->rules[k].nr != SYS_connect;
  }
  size_t n_private = 0;
  for (size_t i = 0; mirage_sandbox_profile_at (i); i++)
    n_private += mirage_sandbox_profile_at (i)->private_tmp;
  tap_ok (git_ok && n_private == 3, "git_tcp, git_http, git_ssh: the private directory (and only they), no sockets");
  const mirage_sandbox_profile *gh = mirage_sandbox_profile_find ("git_http");
  bool store = false;
  for (size_t k = 0; gh->host_files && gh->host_files[k]; k++)
    store = store || strcmp (gh->host_files[k], MIRAGE_SANDBOX_TRUST_STORE) == 0;
  tap_ok (store && !mirage_sandbox_profile_find ("git_tcp")->host_files
          && mirage_sandbox_profile_find ("merge_git_clients")->n_rules == 0,
          "git_http reads the trust store, git_tcp no host file, merge_git_clients nothing of its own");

  /* the builder */
  mirage_sandbox *sb = mirage_sandbox_new ();
  tap_ok (sb != NULL, "a new filter");
  tap_is (mirage_sandbox_add (sb, "no-such-device", -1), -ENOENT, "an unknown profile is -ENOENT");
  size_t len = 0;
  void *code = mirage_sandbox_compile (sb, &len);
  tap_ok (code == NULL && errno == ENOENT, "... and the filter is not compiled");
  free (code);
  mirage_sandbox_free (sb);
  sb = mirage_sandbox_new ();
  mirage_sandbox_add (sb, "socket_stackv4v6", -1);
  mirage_sandbox_add (sb, "socket_stackv4v6", -1);
  mirage_sandbox_add (sb, "block_of_file", 5);
  mirage_sandbox_add (sb, "block_of_file", 6);
  code = mirage_sandbox_compile (sb, &len);
  tap_ok (code != NULL && len > 40 && len < 400, "compiled: %zu instructions", len);
  free (code);
  mirage_sandbox_free (sb);

  /* installed */
  tap_ok (exited (sandboxed (NULL, -1, do_nothing, NULL), 7), "base: a process may exit with its status");
  tap_ok (exited (sandboxed (NULL, -1, do_log, NULL), 0), "base: malloc, free, writes to standard error");
  tap_ok (killed_by_sigsys (sandboxed (NULL, -1, do_socket, NULL)), "base: socket() is killed with SIGSYS");
#ifdef __SANITIZE_ADDRESS__
  tap_ok (exited (sandboxed (NULL, -1, do_open_denied, "/etc/passwd"), 0),
          "base: open() is the sanitizer's to use in a sanitized build, but Landlock refuses /etc/passwd");
#else
  tap_ok (killed_by_sigsys (sandboxed (NULL, -1, do_open, "/etc/passwd")), "base: open() is killed with SIGSYS");
#endif
  tap_ok (exited (sandboxed ("socket_stackv4v6", -1, do_socket, NULL), 0), "socket stack: socket(AF_INET) is allowed");
  tap_ok (killed_by_sigsys (sandboxed ("socket_stackv4v6", -1, do_socket_v4_and_unix, NULL)),
          "socket stack: AF_INET6 is allowed, AF_UNIX is killed");
  tap_ok (killed_by_sigsys (sandboxed ("block_of_file", 9, do_socket, NULL)), "block: socket() is still killed");

  char path[] = "/tmp/test-sandbox-XXXXXX";
  int fd = mkstemp (path);
  tap_ok (fd >= 0 && ftruncate (fd, 8 * 512) == 0, "a 4 KiB file");
  close (fd);
  mirage_block *b = NULL;
  tap_is (mirage_block_of_file (path, &b), 0, "block_of_file over it");
  int other = open (path, O_RDONLY);
  block_case c = { b, other };
  int bfd = mirage_block_sandbox_fd (b);
  tap_ok (bfd >= 0 && bfd != other, "the block's descriptor is known (%d)", bfd);
  tap_ok (exited (sandboxed ("block_of_file", bfd, do_block_rw, &c), 0),
          "block: write then read back on its own descriptor");
  tap_ok (killed_by_sigsys (sandboxed ("block_of_file", bfd, do_pread_other, &c)),
          "block: pread64 on another descriptor is killed");
  /* without its launcher's filter the runtime refuses to go on */
  {
    fflush (stdout);
    pid_t pid = fork ();
    if (pid == 0) {
      mirage_sandbox *sb2 = mirage_sandbox_new ();
      int r = mirage_sandbox_install (sb2);
      _exit (r == -EPERM && strstr (mirage_sandbox_problem (), "launcher") ? 0 : 1);
    }
    int status = 0;
    waitpid (pid, &status, 0);
    tap_ok (exited (status, 0), "no launcher's filter (Seccomp: 0): install refuses, naming the launcher");
  }

  /* direct_kv_ro: Landlock keeps it beneath its directory */
  char dir[] = "/tmp/test-sandbox-kv-XXXXXX";
  tap_ok (mkdtemp (dir) != NULL, "a store's directory");
  char inside[256], sub[256], outside[256];
  snprintf (sub, sizeof sub, "%s/store", dir);
  snprintf (inside, sizeof inside, "%s/store/inside.txt", dir);
  snprintf (outside, sizeof outside, "%s/outside.txt", dir);
  mkdir (sub, 0755);
  FILE *f = fopen (inside, "w");
  fputs ("inside", f);
  fclose (f);
  f = fopen (outside, "w");
  fputs ("secret", f);
  fclose (f);
  mirage_kv_ro *kv = NULL;
  tap_is (mirage_direct_kv_ro (sub, &kv), 0, "direct_kv_ro over it");
  kv_case kc = { kv, "../outside.txt" };
  int st = sandboxed ("direct_kv_ro", mirage_kv_ro_sandbox_fd (kv), do_kv_confined, &kc);
  tap_ok (exited (st, 0), "direct_kv_ro: its keys read; /etc/passwd (AT_FDCWD, its descriptor) and "
          "../outside.txt refused (EACCES); openat2 fails with ENOSYS (status %d, exit %d)", st,
          WIFEXITED (st) ? WEXITSTATUS (st) : -1);
  st = sandboxed (NULL, -1, do_open_denied, outside);
#ifdef __SANITIZE_ADDRESS__
  tap_ok (exited (st, 0), "base: a graph without a store opens nothing (Landlock, beneath the sanitizer's openat)");
#else
  tap_ok (killed_by_sigsys (st), "base: a graph without a store opens nothing (openat killed)");
#endif
  mirage_kv_ro_disconnect (kv);
  unlink (inside);
  unlink (outside);
  rmdir (sub);
  rmdir (dir);

  mirage_block *ram = NULL;
  mirage_ramdisk ("r", 4096, &ram);
  tap_is (mirage_block_sandbox_fd (ram), -1, "a ramdisk has no descriptor");
  tap_is (MIRAGE_SANDBOX_FD (ram), -1, "MIRAGE_SANDBOX_FD picks the block's function");
  mirage_block_disconnect (ram);
  close (other);
  mirage_block_disconnect (b);
  unlink (path);
  return tap_done ();
}
