/* unikernel.c for block: write the last sector of the device, read it
 * back and log what came back. Under -t sandbox the device may only
 * pread64/pwrite64 its own file (mstudio describe P --sandbox). */
#include <stdio.h>
#include <string.h>

#include "unikernel.h"

int
unikernel_start (struct mirage_block *disk)
{
  mirage_block_info info;
  char out[MIRAGE_BLOCK_SECTOR_SIZE], in[MIRAGE_BLOCK_SECTOR_SIZE];
  int r;

  mirage_block_get_info (disk, &info);
  mirage_log_info (&mirage_log_application, "%llu sectors of %u bytes, %s",
                   (unsigned long long) info.size_sectors, info.sector_size,
                   info.read_write ? "read-write" : "read-only");
  if (info.size_sectors == 0 || !info.read_write)
    return -EINVAL;
  memset (out, 0, sizeof out);
  snprintf (out, sizeof out, "sector %llu says hello", (unsigned long long) (info.size_sectors - 1));
  if ((r = mirage_block_write (disk, info.size_sectors - 1, out, sizeof out)) < 0)
    return r;
  memset (in, 0, sizeof in);
  if ((r = mirage_block_read (disk, info.size_sectors - 1, in, sizeof in)) < 0)
    return r;
  mirage_log_info (&mirage_log_application, "read back: %s", memcmp (in, out, sizeof in) == 0 ? in : "(different)");
  return 0;
}
