/* launch.c: the sandbox target's launcher (mirage/launch.h). */
#include "mirage/launch.h"
#include "mirage/sandbox.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the dynamic loader finds libc and the libraries a graph links
 * (nettle, a sanitizer's run time): read only. Mapping a library
 * executable needs no Landlock right; executing a file (execve) does,
 * and only the unikernel and its dynamic loader get it, so nothing
 * else under these directories can be exec'ed. */
static const char *const library_dirs[] = { "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", NULL };

/* The program interpreter (PT_INTERP) of the ELF file @path, into @out;
 * false for a static program or what is not a 64-bit ELF file. */
static bool
elf_interpreter (const char *path, char *out, size_t size)
{
  Elf64_Ehdr eh;
  bool found = false;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (pread (fd, &eh, sizeof eh, 0) == (ssize_t) sizeof eh && memcmp (eh.e_ident, ELFMAG, SELFMAG) == 0
      && eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof (Elf64_Phdr)) {
    for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
      Elf64_Phdr ph;
      if (pread (fd, &ph, sizeof ph, (off_t) (eh.e_phoff + (uint64_t) i * sizeof ph)) != (ssize_t) sizeof ph)
        break;
      if (ph.p_type != PT_INTERP || ph.p_filesz < 2 || ph.p_filesz > size)
        continue;
      found = pread (fd, out, ph.p_filesz, (off_t) ph.p_offset) == (ssize_t) ph.p_filesz
              && out[ph.p_filesz - 1] == '\0';
    }
  }
  close (fd);
  return found;
}

static int fail (const mirage_launch_spec *spec, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
fail (const mirage_launch_spec *spec, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "%s: cannot start in its sandbox: ", spec->name);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  return 255;
}

static bool
profile_has_call (const mirage_sandbox_profile *p, long nr)
{
  for (size_t i = 0; p && i < p->n_rules; i++)
    if (p->rules[i].nr == nr)
      return true;
  return false;
}

int
mirage_launch (const mirage_launch_spec *spec, int argc, char **argv)
{
  (void) argc;
  char self[PATH_MAX], exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return fail (spec, "cannot find itself (/proc/self/exe): %s", strerror (errno));
  self[n] = '\0';
  char *slash = strrchr (self, '/');
  if (slash)
    *slash = '\0';
  if ((size_t) snprintf (exe, sizeof exe, "%s/%s", slash ? self : ".", spec->unikernel) >= sizeof exe)
    return fail (spec, "%s: path too long", self);

  int ruleset = mirage_landlock_create ();
  if (ruleset < 0)
    return fail (spec, "%s", mirage_landlock_problem ());
  int r = mirage_landlock_allow_path (ruleset, exe, MIRAGE_FS_EXECUTE | MIRAGE_FS_READ_FILE);
  if (r < 0)
    return fail (spec, "%s: %s", exe, strerror (-r));
  char interp[PATH_MAX];
  if (elf_interpreter (exe, interp, sizeof interp)) {
    r = mirage_landlock_allow_path (ruleset, interp, MIRAGE_FS_EXECUTE | MIRAGE_FS_READ_FILE);
    if (r < 0)
      return fail (spec, "%s (the dynamic loader): %s", interp, strerror (-r));
  }
  for (size_t i = 0; library_dirs[i]; i++)
    mirage_landlock_allow_path (ruleset, library_dirs[i], MIRAGE_FS_READ_FILE | MIRAGE_FS_READ_DIR);
  mirage_landlock_allow_path (ruleset, "/etc/ld.so.cache", MIRAGE_FS_READ_FILE);
  mirage_landlock_allow_path (ruleset, "/etc/localtime", MIRAGE_FS_READ_FILE);
  /* the same process after exec: the runtime checks its filter there */
  r = mirage_landlock_allow_path (ruleset, "/proc/self/status", MIRAGE_FS_READ_FILE);
  if (r < 0)
    return fail (spec, "/proc/self/status: %s", strerror (-r));
#ifdef __SANITIZE_ADDRESS__
  /* the sanitizer's run time reads /proc/self/maps and the CPU list */
  mirage_landlock_allow_path (ruleset, "/proc/self", MIRAGE_LANDLOCK_KV_RO);
  mirage_landlock_allow_path (ruleset, "/sys/devices/system/cpu", MIRAGE_LANDLOCK_KV_RO);
#endif

  bool sockets = false, private_tmp = false;
  for (size_t i = 0; i < spec->n_devices; i++) {
    const mirage_launch_device *d = &spec->devices[i];
    const mirage_sandbox_profile *p = mirage_sandbox_profile_find (d->profile);
    if (!p)
      return fail (spec, "no sandbox profile for %s", d->profile);
    if (profile_has_call (p, SYS_socket))
      sockets = true;
    if (p->private_tmp)
      private_tmp = true;
    /* fixed host files the device reads (resolv.conf, the trust store):
     * read-only, each exact file; a missing one is skipped */
    for (size_t k = 0; p->host_files && p->host_files[k]; k++) {
      r = mirage_landlock_allow_path (ruleset, p->host_files[k], MIRAGE_FS_READ_FILE);
      if (r < 0 && r != -ENOENT)
        return fail (spec, "%s (read by %s): %s", p->host_files[k], d->profile, strerror (-r));
    }
    if (!p->landlock || !d->path || !*d->path)
      continue;
    /* a store that may create its directory creates it now: a rule
     * needs something to stand on */
    if ((p->landlock & MIRAGE_FS_MAKE_DIR) && mkdir (d->path, 0755) < 0 && errno != EEXIST)
      return fail (spec, "%s: %s", d->path, strerror (errno));
    r = mirage_landlock_allow_path (ruleset, d->path, p->landlock);
    /* a missing path: the device's connect reports it (ENOENT) */
    if (r < 0 && r != -ENOENT)
      return fail (spec, "%s: %s", d->path, strerror (-r));
  }
  /* scratch files (libgit2's repositories): one directory of this run,
   * made now because a rule needs something to stand on, and the only
   * place the unikernel may write that no catalog option names */
  char tmpdir[PATH_MAX];
  if (private_tmp) {
    const char *base = getenv ("TMPDIR");
    if ((size_t) snprintf (tmpdir, sizeof tmpdir, "%s/%s-XXXXXX", base && *base == '/' ? base : "/tmp",
                           spec->unikernel) >= sizeof tmpdir)
      return fail (spec, "$TMPDIR: path too long");
    if (!mkdtemp (tmpdir))
      return fail (spec, "cannot make its private temporary directory %s: %s", tmpdir, strerror (errno));
    r = mirage_landlock_allow_path (ruleset, tmpdir, MIRAGE_LANDLOCK_KV_RW);
    if (r < 0)
      return fail (spec, "%s: %s", tmpdir, strerror (-r));
    if (setenv ("TMPDIR", tmpdir, 1) < 0 || setenv (MIRAGE_SANDBOX_TMPDIR_ENV, tmpdir, 1) < 0)
      return fail (spec, "cannot set TMPDIR: %s", strerror (errno));
  }
  r = mirage_landlock_restrict (ruleset);
  if (r < 0)
    return fail (spec, "%s", mirage_landlock_problem ());
  r = mirage_sandbox_install_launch (sockets);
  if (r < 0)
    return fail (spec, "cannot install the seccomp filter: %s", strerror (-r));
  fflush (stdout);
  execv (exe, argv);
  return fail (spec, "cannot run %s: %s", exe, strerror (errno));
}
