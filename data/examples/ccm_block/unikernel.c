/* unikernel.c for ccm_block: write a message to sector 0 of the
 * encrypted device and read it back; with --verify only read it, so a
 * run with another --key shows that the sector does not decrypt. What
 * lands in disk.img is ciphertext (docs/build.md has the layout). */
#include <stdio.h>
#include <string.h>

#include "unikernel.h"

static int
show (struct mirage_block *sealed, const char *what)
{
  char in[MIRAGE_BLOCK_SECTOR_SIZE];
  int r = mirage_block_read (sealed, 0, in, sizeof in);

  if (r < 0)
    {
      mirage_log_err (&mirage_log_application, "sector 0 does not decrypt with this key: %s",
                      strerror (-r));
      return r;
    }
  in[sizeof in - 1] = '\0';
  mirage_log_info (&mirage_log_application, "%s: %s", what, in);
  return 0;
}

int
unikernel_start (struct mirage_block *sealed, const struct unikernel_args *args)
{
  mirage_block_info info;
  char out[MIRAGE_BLOCK_SECTOR_SIZE];
  int r;

  mirage_block_get_info (sealed, &info);
  mirage_log_info (&mirage_log_application, "%llu encrypted sectors of %u bytes",
                   (unsigned long long) info.size_sectors, info.sector_size);
  if (args->verify)
    return show (sealed, "sector 0 holds");
  if (info.size_sectors == 0 || !info.read_write)
    return -EINVAL;
  memset (out, 0, sizeof out);
  snprintf (out, sizeof out, "a secret kept in %llu sectors", (unsigned long long) info.size_sectors);
  if ((r = mirage_block_write (sealed, 0, out, sizeof out)) < 0)
    return r;
  return show (sealed, "read back");
}
