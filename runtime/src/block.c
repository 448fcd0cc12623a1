/* block.c: the block devices (mirage/block.h): block_of_file over a host
 * file with pread/pwrite, and ramdisk in memory. Both share the checks of
 * mirage_block_check, so their errors agree. */
#include "mirage/block.h"
#include "mirage/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int
mirage_block_check (const mirage_block_info *info, uint64_t sector,
                    size_t len, bool write)
{
  if (len % info->sector_size != 0)
    return -EINVAL;
  uint64_t count = len / info->sector_size;
  if (sector > info->size_sectors || count > info->size_sectors - sector)
    return -ERANGE;
  if (write && !info->read_write)
    return -EROFS;
  return 0;
}

/* ---- block_of_file ---- */

typedef struct {
  mirage_block base;
  int fd;
  mirage_block_info info;
} file_block;

static void
file_info (mirage_block *b, mirage_block_info *out)
{
  *out = ((file_block *) b)->info;
}

static int
file_read (mirage_block *b, uint64_t sector, void *buf, size_t len)
{
  file_block *f = (file_block *) b;
  if (f->fd < 0)
    return -ENODEV;
  int r = mirage_block_check (&f->info, sector, len, false);
  if (r < 0)
    return r;
  char *p = buf;
  off_t off = (off_t) (sector * f->info.sector_size);
  while (len > 0) {
    ssize_t n = pread (f->fd, p, len, off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (n == 0) { /* the file shrank under us: read zeros, as a hole */
      memset (p, 0, len);
      break;
    }
    p += n;
    off += n;
    len -= (size_t) n;
  }
  return 0;
}

static int
file_write (mirage_block *b, uint64_t sector, const void *buf, size_t len)
{
  file_block *f = (file_block *) b;
  if (f->fd < 0)
    return -ENODEV;
  int r = mirage_block_check (&f->info, sector, len, true);
  if (r < 0)
    return r;
  const char *p = buf;
  off_t off = (off_t) (sector * f->info.sector_size);
  while (len > 0) {
    ssize_t n = pwrite (f->fd, p, len, off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    off += n;
    len -= (size_t) n;
  }
  return 0;
}

static void
file_disconnect (mirage_block *b)
{
  file_block *f = (file_block *) b;
  if (f->fd >= 0)
    close (f->fd);
  free (f);
}

static const struct mirage_block_ops file_ops = {
  file_info, file_read, file_write, file_disconnect,
};

int
mirage_block_of_file (const char *path, mirage_block **out)
{
  bool rw = true;
  int fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    rw = false;
    fd = open (path, O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0)
    return -errno;
  struct stat st;
  uint64_t bytes;
  if (fstat (fd, &st) < 0)
    goto fail;
  if (S_ISBLK (st.st_mode)) {
    if (ioctl (fd, BLKGETSIZE64, &bytes) < 0)
      goto fail;
  } else if (S_ISREG (st.st_mode)) {
    bytes = (uint64_t) st.st_size;
  } else {
    errno = EINVAL;
    goto fail;
  }
  file_block *f = calloc (1, sizeof *f);
  if (!f)
    goto fail;
  f->base.ops = &file_ops;
  f->fd = fd;
  f->info.read_write = rw;
  f->info.sector_size = MIRAGE_BLOCK_SECTOR_SIZE;
  f->info.size_sectors = bytes / MIRAGE_BLOCK_SECTOR_SIZE;
  *out = &f->base;
  return 0;
fail:;
  int e = errno;
  close (fd);
  return -e;
}

/* ---- ramdisk ---- */

typedef struct {
  mirage_block base;
  unsigned char *data;   /* NULL after disconnect */
  mirage_block_info info;
} ram_block;

static void
ram_info (mirage_block *b, mirage_block_info *out)
{
  *out = ((ram_block *) b)->info;
}

static int
ram_read (mirage_block *b, uint64_t sector, void *buf, size_t len)
{
  ram_block *r = (ram_block *) b;
  int e = mirage_block_check (&r->info, sector, len, false);
  if (e < 0)
    return e;
  if (len)
    memcpy (buf, r->data + sector * r->info.sector_size, len);
  return 0;
}

static int
ram_write (mirage_block *b, uint64_t sector, const void *buf, size_t len)
{
  ram_block *r = (ram_block *) b;
  int e = mirage_block_check (&r->info, sector, len, true);
  if (e < 0)
    return e;
  if (len)
    memcpy (r->data + sector * r->info.sector_size, buf, len);
  return 0;
}

static void
ram_disconnect (mirage_block *b)
{
  ram_block *r = (ram_block *) b;
  free (r->data);
  free (r);
}

static const struct mirage_block_ops ram_ops = {
  ram_info, ram_read, ram_write, ram_disconnect,
};

int
mirage_ramdisk (const char *name, uint64_t size_bytes, mirage_block **out)
{
  uint64_t sectors = size_bytes / MIRAGE_BLOCK_SECTOR_SIZE;
  if (sectors > SIZE_MAX / MIRAGE_BLOCK_SECTOR_SIZE)
    return -ENOMEM;
  ram_block *r = calloc (1, sizeof *r);
  if (!r)
    return -ENOMEM;
  /* calloc of a large size maps fresh zero pages: memory is used as written */
  r->data = calloc (sectors ? (size_t) sectors : 1, MIRAGE_BLOCK_SECTOR_SIZE);
  if (!r->data) {
    free (r);
    return -ENOMEM;
  }
  r->base.ops = &ram_ops;
  r->info.read_write = true;
  r->info.sector_size = MIRAGE_BLOCK_SECTOR_SIZE;
  r->info.size_sectors = sectors;
  *out = &r->base;
  return 0;
}

/* ---- the sandbox (mirage/sandbox.h) ---- */

int
mirage_block_sandbox_fd (const struct mirage_block *b)
{
  return b && b->ops == &file_ops ? ((const file_block *) b)->fd : -1;
}
