/* kv-direct.c: direct_kv_ro and direct_kv_rw (mirage/kv_ro.h, kv_rw.h),
 * a key-value store over a host directory.
 *
 * Confinement. The root is held open as a descriptor and every key is
 * resolved relative to it, never as a path string joined to the root.
 * Keys with ".." are refused before any system call. Reads open the key
 * with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): the kernel
 * resolves symbolic links but fails (EXDEV) any resolution that would
 * leave the root, including through an absolute link or a rename race.
 * Without openat2 (ENOSYS, or the test hook) reads walk the key one
 * component at a time with O_NOFOLLOW and refuse every symbolic link.
 * Writes always walk with O_NOFOLLOW: they never follow a link. */
#include "kv-private.h"
#include "mirage/kv_rw.h"
#include "mirage/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
  mirage_kv_rw rw;
  int root;           /* O_PATH | O_DIRECTORY */
} direct_kv;

static bool force_walk;
static bool no_openat2;

void
mirage_kv__force_walk (bool on)
{
  force_walk = on;
}

/* Opens @dfd/@name without following a symbolic link; -EACCES for one. */
static int
open_nofollow (int dfd, const char *name, int flags, mode_t mode)
{
  int fd = openat (dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd >= 0 && (flags & O_PATH)) {
    /* O_PATH | O_NOFOLLOW opens a link itself instead of failing */
    struct stat st;
    if (fstat (fd, &st) == 0 && S_ISLNK (st.st_mode)) {
      close (fd);
      return -EACCES;
    }
  }
  if (fd >= 0)
    return fd;
  int e = errno;
  if (e == ELOOP)
    return -EACCES;
  if (e == ENOTDIR) {
    struct stat st;
    if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
      return -EACCES;
  }
  return -e;
}

/* Walks the directories of @rel (all but the last component) beneath
 * @root; returns a descriptor of the last directory and points *@last at
 * the last component ("." for the root). With @create, makes missing
 * directories. */
static int
walk_parent (int root, char *rel, bool create, const char **last)
{
  int dfd = openat (root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -errno;
  char *p = rel;
  if (!*p) {
    *last = ".";
    return dfd;
  }
  for (;;) {
    char *slash = strchr (p, '/');
    if (!slash) {
      *last = p;
      return dfd;
    }
    *slash = '\0';
    int fd = open_nofollow (dfd, p, O_PATH | O_DIRECTORY, 0);
    if (fd == -ENOENT && create) {
      if (mkdirat (dfd, p, 0755) < 0 && errno != EEXIST) {
        int e = -errno;
        close (dfd);
        *slash = '/';
        return e;
      }
      fd = open_nofollow (dfd, p, O_PATH | O_DIRECTORY, 0);
    }
    *slash = '/';
    close (dfd);
    if (fd < 0)
      return fd;
    dfd = fd;
    p = slash + 1;
  }
}

/* Opens key @rel ("" for the root) beneath @root for reading. */
static int
open_beneath (int root, const char *rel, int flags)
{
  const char *path = *rel ? rel : ".";
#ifdef SYS_openat2
  if (!force_walk && !no_openat2) {
    struct open_how how;
    memset (&how, 0, sizeof how);
    how.flags = (uint64_t) (flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall (SYS_openat2, root, path, &how, sizeof how);
    if (fd >= 0)
      return (int) fd;
    if (errno == EXDEV)
      return -EACCES;
    if (errno != ENOSYS && errno != EPERM)
      return -errno;
    if (errno == ENOSYS)
      no_openat2 = true;
  }
#endif
  char buf[PATH_MAX];
  snprintf (buf, sizeof buf, "%s", rel);
  const char *last;
  int dfd = walk_parent (root, buf, false, &last);
  if (dfd < 0)
    return dfd;
  int fd = open_nofollow (dfd, last, flags, 0);
  close (dfd);
  return fd;
}

#define NORM(k, buf) \
  char buf[PATH_MAX]; \
  do { int e_ = mirage_kv__normalize ((k), buf, sizeof buf); if (e_ < 0) return e_; } while (0)

static int
stat_key (direct_kv *d, const char *rel, struct stat *st)
{
  int fd = open_beneath (d->root, rel, O_PATH);
  if (fd < 0)
    return fd;
  int r = fstat (fd, st) < 0 ? -errno : 0;
  close (fd);
  return r;
}

static int
kind_of (const struct stat *st, mirage_kv_kind *kind)
{
  if (S_ISDIR (st->st_mode))
    *kind = MIRAGE_KV_DICTIONARY;
  else if (S_ISREG (st->st_mode))
    *kind = MIRAGE_KV_VALUE;
  else
    return -ENOENT;  /* devices, sockets, fifos are not values */
  return 0;
}

static int
d_exists (mirage_kv_ro *kv, const char *key, mirage_kv_kind *kind)
{
  NORM (key, k);
  struct stat st;
  int r = stat_key ((direct_kv *) kv, k, &st);
  return r < 0 ? r : kind_of (&st, kind);
}

static int
d_get_partial (mirage_kv_ro *kv, const char *key, uint64_t offset, size_t len,
               void **data, size_t *out_len)
{
  NORM (key, k);
  int fd = open_beneath (((direct_kv *) kv)->root, k, O_RDONLY | O_NONBLOCK);
  if (fd < 0)
    return fd;
  struct stat st;
  int r = 0;
  char *buf = NULL;
  if (fstat (fd, &st) < 0) {
    r = -errno;
    goto out;
  }
  if (S_ISDIR (st.st_mode) || !S_ISREG (st.st_mode)) {
    r = S_ISDIR (st.st_mode) ? -EISDIR : -ENOENT;
    goto out;
  }
  uint64_t size = (uint64_t) st.st_size;
  uint64_t avail = offset < size ? size - offset : 0;
  size_t want = avail < len ? (size_t) avail : len;
  buf = malloc (want + 1);
  if (!buf) {
    r = -ENOMEM;
    goto out;
  }
  size_t got = 0;
  while (got < want) {
    ssize_t n = pread (fd, buf + got, want - got, (off_t) (offset + got));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      r = -errno;
      goto out;
    }
    if (n == 0)
      break;
    got += (size_t) n;
  }
  buf[got] = '\0';
  *data = buf;
  *out_len = got;
  buf = NULL;
out:
  free (buf);
  close (fd);
  return r;
}

static int
d_get (mirage_kv_ro *kv, const char *key, void **data, size_t *len)
{
  return d_get_partial (kv, key, 0, SIZE_MAX - 1, data, len);
}

static int
d_list (mirage_kv_ro *kv, const char *key, mirage_kv_entry **entries, size_t *n_out)
{
  direct_kv *d = (direct_kv *) kv;
  NORM (key, k);
  int fd = open_beneath (d->root, k, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    if (fd == -ENOTDIR) {
      struct stat st;
      if (stat_key (d, k, &st) < 0)
        return -ENOENT;
    }
    return fd;
  }
  DIR *dir = fdopendir (fd);
  if (!dir) {
    int e = -errno;
    close (fd);
    return e;
  }
  size_t n = 0, cap = 16;
  mirage_kv_entry *e = malloc (cap * sizeof *e);
  int r = e ? 0 : -ENOMEM;
  struct dirent *de;
  while (r == 0 && (de = readdir (dir))) {
    const char *name = de->d_name;
    if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0 || strncmp (name, ".#", 2) == 0)
      continue;
    mirage_kv_kind kind;
    if (de->d_type == DT_DIR)
      kind = MIRAGE_KV_DICTIONARY;
    else if (de->d_type == DT_REG)
      kind = MIRAGE_KV_VALUE;
    else {
      /* a link or an unknown type: resolve it as a get would, confined */
      char child[PATH_MAX];
      struct stat st;
      if (snprintf (child, sizeof child, "%s%s%s", k, *k ? "/" : "", name) >= (int) sizeof child
          || stat_key (d, child, &st) < 0 || kind_of (&st, &kind) < 0)
        continue;
    }
    if (n == cap) {
      mirage_kv_entry *g = realloc (e, 2 * cap * sizeof *e);
      if (!g) {
        r = -ENOMEM;
        break;
      }
      e = g;
      cap *= 2;
    }
    e[n].name = strdup (name);
    if (!e[n].name) {
      r = -ENOMEM;
      break;
    }
    e[n++].kind = kind;
  }
  closedir (dir);
  if (r < 0) {
    mirage_kv_entries_free (e, n);
    return r;
  }
  mirage_kv__sort_entries (e, n);
  *entries = e;
  *n_out = n;
  return 0;
}

static int
d_size (mirage_kv_ro *kv, const char *key, uint64_t *size)
{
  NORM (key, k);
  struct stat st;
  int r = stat_key ((direct_kv *) kv, k, &st);
  if (r < 0)
    return r;
  if (S_ISDIR (st.st_mode))
    return -EISDIR;
  if (!S_ISREG (st.st_mode))
    return -ENOENT;
  *size = (uint64_t) st.st_size;
  return 0;
}

static int
d_last_modified (mirage_kv_ro *kv, const char *key, int64_t *ns)
{
  NORM (key, k);
  struct stat st;
  int r = stat_key ((direct_kv *) kv, k, &st);
  if (r < 0)
    return r;
  *ns = (int64_t) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  return 0;
}

static void
d_disconnect (mirage_kv_ro *kv)
{
  direct_kv *d = (direct_kv *) kv;
  close (d->root);
  free (d);
}

/* ---- writing ---- */

static int
d_set (mirage_kv_rw *kv, const char *key, const void *data, size_t len)
{
  direct_kv *d = (direct_kv *) kv;
  NORM (key, k);
  if (!*k)
    return -EISDIR;
  const char *last;
  int dfd = walk_parent (d->root, k, true, &last);
  if (dfd == -ENOTDIR)
    return -ENOTDIR;
  if (dfd < 0)
    return dfd;
  struct stat st;
  int r = 0;
  if (fstatat (dfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR (st.st_mode))
      r = -EISDIR;
    else if (S_ISLNK (st.st_mode))
      r = -EACCES;
  }
  if (r < 0) {
    close (dfd);
    return r;
  }
  static unsigned counter;
  char tmp[NAME_MAX + 1];
  snprintf (tmp, sizeof tmp, ".#%.200s.%ld.%u", last, (long) getpid (), ++counter);
  int fd = openat (dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    r = -errno;
    close (dfd);
    return r;
  }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t n = write (fd, p, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      r = -errno;
      break;
    }
    p += n;
    left -= (size_t) n;
  }
  if (close (fd) < 0 && r == 0)
    r = -errno;
  if (r == 0 && renameat (dfd, tmp, dfd, last) < 0)
    r = -errno;
  if (r < 0)
    unlinkat (dfd, tmp, 0);
  close (dfd);
  return r;
}

static int
d_set_partial (mirage_kv_rw *kv, const char *key, uint64_t offset,
               const void *data, size_t len)
{
  direct_kv *d = (direct_kv *) kv;
  NORM (key, k);
  if (!*k)
    return -EISDIR;
  const char *last;
  int dfd = walk_parent (d->root, k, false, &last);
  if (dfd < 0)
    return dfd;
  int fd = open_nofollow (dfd, last, O_WRONLY, 0);
  close (dfd);
  if (fd == -EISDIR)
    return -EISDIR;
  if (fd < 0)
    return fd;
  int r = 0;
  const char *p = data;
  while (len > 0) {
    ssize_t n = pwrite (fd, p, len, (off_t) offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      r = -errno;
      break;
    }
    p += n;
    offset += (uint64_t) n;
    len -= (size_t) n;
  }
  close (fd);
  return r;
}

/* Removes @dfd/@name and, for a directory, everything in it; never
 * follows a link (a link is removed as itself). */
static int
remove_tree (int dfd, const char *name, int depth)
{
  struct stat st;
  if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -errno;
  if (!S_ISDIR (st.st_mode))
    return unlinkat (dfd, name, 0) < 0 ? -errno : 0;
  if (depth > 256)
    return -ELOOP;
  int fd = open_nofollow (dfd, name, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0)
    return fd;
  DIR *dir = fdopendir (fd);
  if (!dir) {
    int e = -errno;
    close (fd);
    return e;
  }
  int r = 0;
  struct dirent *de;
  while (r == 0 && (de = readdir (dir)))
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
      r = remove_tree (dirfd (dir), de->d_name, depth + 1);
  closedir (dir);
  if (r == 0 && unlinkat (dfd, name, AT_REMOVEDIR) < 0)
    r = -errno;
  return r;
}

static int
d_remove (mirage_kv_rw *kv, const char *key)
{
  direct_kv *d = (direct_kv *) kv;
  NORM (key, k);
  if (!*k)
    return -EACCES;
  const char *last;
  int dfd = walk_parent (d->root, k, false, &last);
  if (dfd < 0)
    return dfd == -ENOTDIR ? -ENOENT : dfd;
  int r = remove_tree (dfd, last, 0);
  close (dfd);
  return r;
}

static int
d_rename (mirage_kv_rw *kv, const char *from, const char *to)
{
  direct_kv *d = (direct_kv *) kv;
  NORM (from, f);
  NORM (to, t);
  if (!*f || !*t)
    return -EACCES;
  size_t fl = strlen (f);
  if (strncmp (t, f, fl) == 0 && t[fl] == '/')
    return -EINVAL;
  const char *flast, *tlast;
  int fdfd = walk_parent (d->root, f, false, &flast);
  if (fdfd < 0)
    return fdfd == -ENOTDIR ? -ENOENT : fdfd;
  struct stat st;
  if (fstatat (fdfd, flast, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    int e = -errno;
    close (fdfd);
    return e;
  }
  int tdfd = walk_parent (d->root, t, true, &tlast);
  if (tdfd < 0) {
    close (fdfd);
    return tdfd;
  }
  int r = 0;
  if (strcmp (f, t) != 0) {
    struct stat tst;
    if (fstatat (tdfd, tlast, &tst, AT_SYMLINK_NOFOLLOW) == 0)
      r = remove_tree (tdfd, tlast, 0);
    if (r == 0 && renameat (fdfd, flast, tdfd, tlast) < 0)
      r = -errno;
  }
  close (fdfd);
  close (tdfd);
  return r;
}

static const struct mirage_kv_ro_ops d_ro_ops = {
  d_exists, d_get, d_get_partial, d_list, d_size, d_last_modified, d_disconnect,
};

static const struct mirage_kv_rw_ops d_rw_ops = {
  d_set, d_set_partial, d_remove, d_rename,
};

/* NULL with *@err set on failure. */
static direct_kv *
direct_open (const char *root, bool create, int *err)
{
  if (create && mkdir (root, 0755) < 0 && errno != EEXIST) {
    *err = -errno;
    return NULL;
  }
  int fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *err = -errno;
    return NULL;
  }
  direct_kv *d = calloc (1, sizeof *d);
  if (!d) {
    close (fd);
    *err = -ENOMEM;
    return NULL;
  }
  d->root = fd;
  d->rw.ro.ops = &d_ro_ops;
  d->rw.rw_ops = &d_rw_ops;
  return d;
}

int
mirage_direct_kv_ro (const char *root, mirage_kv_ro **out)
{
  int err = 0;
  direct_kv *d = direct_open (root, false, &err);
  if (!d)
    return err;
  d->rw.rw_ops = NULL;  /* read-only: no way to reach the writers */
  *out = &d->rw.ro;
  return 0;
}

int
mirage_direct_kv_rw (const char *root, mirage_kv_rw **out)
{
  int err = 0;
  direct_kv *d = direct_open (root, true, &err);
  if (!d)
    return err;
  *out = &d->rw;
  return 0;
}

/* ---- the sandbox (mirage/sandbox.h) ---- */

int
mirage_kv_ro_sandbox_fd (const struct mirage_kv_ro *kv)
{
  return kv && kv->ops == &d_ro_ops ? ((const direct_kv *) kv)->root : -1;
}

int
mirage_kv_rw_sandbox_fd (const struct mirage_kv_rw *kv)
{
  return kv ? mirage_kv_ro_sandbox_fd (&kv->ro) : -1;
}
