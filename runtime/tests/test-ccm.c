/* test-ccm.c: ccm_block over a ramdisk: round trip, capacity, the
 * ciphertext differs from the plaintext, a flipped byte or a wrong key
 * is a read error (-EBADMSG), key parsing. */
#include "mirage/block.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

#define KEY128 "000102030405060708090a0b0c0d0e0f"
#define KEY256 "0x000102030405060708090A0B0C0D0E0F101112131415161718191a1b1c1d1e1f"

static bool
contains (const unsigned char *hay, size_t n, const unsigned char *needle, size_t k)
{
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp (hay + i, needle, k) == 0)
      return true;
  return false;
}

int
main (void)
{
  mirage_block *raw, *b, *b2;
  mirage_block_info info;
  unsigned char w[1024], r[1024], sector[1024];

  tap_is (mirage_ramdisk ("ccm", 64 * 512, &raw), 0, "a 64-sector ramdisk");
  tap_is (mirage_ccm_block (raw, KEY128, "key", NULL, &b), 0, "ccm over it, 128-bit key");
  mirage_block_get_info (b, &info);
  tap_ok (info.sector_size == 512 && info.size_sectors == 32 && info.read_write,
          "two raw sectors per sector: 32 of 512 bytes");
  for (size_t i = 0; i < sizeof w; i++)
    w[i] = (unsigned char) (i * 7 + 3);
  tap_is (mirage_block_write (b, 5, w, sizeof w), 0, "write two sectors");
  memset (r, 0, sizeof r);
  tap_ok (mirage_block_read (b, 5, r, sizeof r) == 0 && memcmp (r, w, sizeof w) == 0, "read them back");
  tap_is (mirage_block_read (b, 31, r, 1024), -ERANGE, "past the end is -ERANGE");
  tap_is (mirage_block_read (b, 0, r, 100), -EINVAL, "partial sectors are -EINVAL");

  tap_is (mirage_block_read (raw, 10, sector, 1024), 0, "the raw sectors of sector 5");
  tap_ok (!contains (sector, 1024, w, 16), "hold no plaintext");
  sector[100] ^= 1;
  tap_is (mirage_block_write (raw, 10, sector, 1024), 0, "flip a ciphertext bit");
  tap_is (mirage_block_read (b, 5, r, 512), -EBADMSG, "the read fails authentication (-EBADMSG)");
  tap_ok (mirage_block_read (b, 6, r, 512) == 0 && memcmp (r, w + 512, 512) == 0, "the next sector still reads");
  tap_is (mirage_block_write (b, 5, w, 512), 0, "rewrite the sector");
  tap_is (mirage_block_read (raw, 10, sector, 1024), 0, "raw again");
  sector[512 + 16 + 8 + 3] ^= 0x80;
  tap_is (mirage_block_write (raw, 10, sector, 1024), 0, "flip an adata bit");
  tap_is (mirage_block_read (b, 5, r, 512), -EBADMSG, "also detected");

  /* a fresh nonce per write: the same plaintext twice gives different sectors */
  unsigned char s1[1024], s2[1024];
  mirage_block_write (b, 7, w, 512);
  mirage_block_read (raw, 14, s1, 1024);
  mirage_block_write (b, 7, w, 512);
  mirage_block_read (raw, 14, s2, 1024);
  tap_ok (memcmp (s1, s2, 528) != 0, "rewriting the same data changes the ciphertext (new nonce)");

  tap_is (mirage_ccm_block (raw, KEY256, "key", "12", &b2), 0, "a second device, 256-bit key, nonce_len 12");
  tap_is (mirage_block_read (b2, 6, r, 512), -EBADMSG, "the wrong key cannot read");
  mirage_block_disconnect (b2);
  tap_is (mirage_ccm_block (raw, "0X" KEY128, "key", NULL, &b2), 0, "0X prefix, same key");
  tap_ok (mirage_block_read (b2, 6, r, 512) == 0 && memcmp (r, w + 512, 512) == 0, "the right key reads what the first wrote");
  mirage_block_disconnect (b2);

  tap_is (mirage_ccm_block (raw, "", "key", NULL, &b2), -EINVAL, "no key: -EINVAL");
  tap_is (mirage_ccm_block (raw, "0011", "key", NULL, &b2), -EINVAL, "2 bytes: -EINVAL");
  tap_is (mirage_ccm_block (raw, "zz0102030405060708090a0b0c0d0e0f", "key", NULL, &b2), -EINVAL, "not hex: -EINVAL");
  tap_is (mirage_ccm_block (raw, KEY128, "key", "6", &b2), -EINVAL, "nonce_len 6: -EINVAL");
  mirage_block_disconnect (b);
  mirage_block_disconnect (raw);
  return tap_done ();
}
