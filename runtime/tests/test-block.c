/* test-block.c: block_of_file and ramdisk: round trips, sector counts,
 * alignment and bounds errors. */
#include "mirage/block.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
exercise (mirage_block *b, const char *what, uint64_t sectors)
{
  mirage_block_info info;
  mirage_block_get_info (b, &info);
  tap_ok (info.sector_size == 512 && info.size_sectors == sectors && info.read_write,
          "%s: 512-byte sectors, %llu of them, writable", what, (unsigned long long) info.size_sectors);
  unsigned char w[1024], r[1024];
  for (size_t i = 0; i < sizeof w; i++)
    w[i] = (unsigned char) (i * 7 + 3);
  tap_is (mirage_block_write (b, 3, w, sizeof w), 0, "%s: write two sectors", what);
  memset (r, 0, sizeof r);
  tap_ok (mirage_block_read (b, 3, r, sizeof r) == 0 && memcmp (r, w, sizeof w) == 0, "%s: read them back", what);
  tap_is (mirage_block_read (b, 0, r, 100), -EINVAL, "%s: a length that is not whole sectors is -EINVAL", what);
  tap_is (mirage_block_write (b, 0, w, 513), -EINVAL, "%s: also for writes", what);
  tap_is (mirage_block_read (b, sectors - 1, r, 1024), -ERANGE, "%s: reading past the end is -ERANGE", what);
  tap_is (mirage_block_write (b, sectors, w, 512), -ERANGE, "%s: writing at the end is -ERANGE", what);
  tap_is (mirage_block_read (b, UINT64_MAX, r, 512), -ERANGE, "%s: a huge sector does not wrap around", what);
  tap_is (mirage_block_read (b, sectors - 1, r, 512), 0, "%s: the last sector is readable", what);
  tap_is (mirage_block_read (b, sectors, r, 0), 0, "%s: an empty read at the end is fine", what);
}

int
main (void)
{
  mirage_block *b;
  tap_is (mirage_ramdisk ("test", 64 * 512 + 100, &b), 0, "ramdisk created");
  exercise (b, "ramdisk", 64);
  mirage_block_disconnect (b);

  char path[] = "/tmp/mirage-block-XXXXXX";
  int fd = mkstemp (path);
  if (fd < 0 || ftruncate (fd, 10 * 512 + 300) != 0)
    return 1;
  close (fd);
  tap_is (mirage_block_of_file (path, &b), 0, "block_of_file opened");
  exercise (b, "block_of_file", 10);
  mirage_block_disconnect (b);

  /* what was written is in the file */
  tap_is (mirage_block_of_file (path, &b), 0, "reopened");
  unsigned char r[512];
  tap_ok (mirage_block_read (b, 3, r, 512) == 0 && r[0] == 3 && r[1] == 10, "data persisted in the file");
  mirage_block_disconnect (b);
  unlink (path);

  tap_is (mirage_block_of_file ("/nonexistent/disk.img", &b), -ENOENT, "a missing file is -ENOENT");
  tap_is (mirage_block_of_file ("/tmp", &b), -EISDIR, "a directory is refused");
  mirage_block_info ro = { false, 512, 8 };
  tap_is (mirage_block_check (&ro, 0, 512, true), -EROFS, "writing a read-only device is -EROFS");
  tap_is (mirage_block_check (&ro, 0, 512, false), 0, "reading it is fine");
  return tap_done ();
}
