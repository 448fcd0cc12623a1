/* block-ccm.c: ccm_block (mirage/block.h), AES-CCM over another block.
 *
 * The layout is mirage-block-ccm's as its README describes it: each
 * sector of this device takes two sectors of the raw one,
 *
 *   | ciphertext + 16-byte tag (S + 16) | nonce (N) | adata (S - N - 16) |
 *
 * where S is the raw sector size. The tag authenticates the ciphertext,
 * and the adata as stored; we write the sector number (8 bytes, big
 * endian) then zeros there, and read whatever is stored, as Mirage's
 * reader does. Nonces must never repeat under one key: each connect
 * takes N random bytes (getrandom, before any sandbox is installed, so
 * the device needs no system call of its own afterwards) and every write
 * uses the next value of that N-byte big-endian counter.
 *
 * It references Nettle, so it lives in its own archive
 * (libmirage-runtime-nettle.a), linked only into graphs with a ccm_block. */
#include "mirage/block.h"
#include "mirage/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/aes.h>
#include <nettle/ccm.h>

#define TAG_LEN 16
#define DEFAULT_NONCE_LEN 8

typedef struct {
  mirage_block base;
  mirage_block *raw;
  mirage_block_info info;
  uint32_t raw_sector;
  size_t nonce_len;
  unsigned char nonce[CCM_MAX_NONCE_SIZE];  /* the last one used */
  nettle_cipher_func *encrypt;
  union {
    struct aes128_ctx a128;
    struct aes192_ctx a192;
    struct aes256_ctx a256;
  } aes;
  unsigned char *buf;                        /* two raw sectors */
} ccm_block;

static void
ccm_info (mirage_block *b, mirage_block_info *out)
{
  *out = ((ccm_block *) b)->info;
}

static void
next_nonce (ccm_block *c)
{
  for (size_t i = c->nonce_len; i-- > 0;)
    if (++c->nonce[i] != 0)
      break;
}

static int
ccm_read (mirage_block *b, uint64_t sector, void *buf, size_t len)
{
  ccm_block *c = (ccm_block *) b;
  size_t s = c->info.sector_size;
  int r = mirage_block_check (&c->info, sector, len, false);
  if (r < 0)
    return r;
  for (size_t i = 0; i < len / s; i++) {
    r = mirage_block_read (c->raw, 2 * (sector + i), c->buf, 2 * s);
    if (r < 0)
      return r;
    const unsigned char *nonce = c->buf + s + TAG_LEN;
    const unsigned char *adata = nonce + c->nonce_len;
    if (!ccm_decrypt_message (&c->aes, c->encrypt, c->nonce_len, nonce,
                              s - c->nonce_len - TAG_LEN, adata, TAG_LEN, s,
                              (uint8_t *) buf + i * s, c->buf)) {
      memset ((uint8_t *) buf + i * s, 0, s);
      return -EBADMSG;
    }
  }
  return 0;
}

static int
ccm_write (mirage_block *b, uint64_t sector, const void *buf, size_t len)
{
  ccm_block *c = (ccm_block *) b;
  size_t s = c->info.sector_size;
  int r = mirage_block_check (&c->info, sector, len, true);
  if (r < 0)
    return r;
  for (size_t i = 0; i < len / s; i++) {
    unsigned char *nonce = c->buf + s + TAG_LEN;
    unsigned char *adata = nonce + c->nonce_len;
    size_t alen = s - c->nonce_len - TAG_LEN;
    uint64_t n = sector + i;
    next_nonce (c);
    memcpy (nonce, c->nonce, c->nonce_len);
    memset (adata, 0, alen);
    for (size_t k = 0; k < 8 && k < alen; k++)
      adata[k] = (unsigned char) (n >> (56 - 8 * k));
    ccm_encrypt_message (&c->aes, c->encrypt, c->nonce_len, nonce, alen, adata,
                         TAG_LEN, s + TAG_LEN, c->buf, (const uint8_t *) buf + i * s);
    r = mirage_block_write (c->raw, 2 * n, c->buf, 2 * s);
    if (r < 0)
      return r;
  }
  return 0;
}

static void
ccm_disconnect (mirage_block *b)
{
  ccm_block *c = (ccm_block *) b;
  size_t bufsize = 2 * (size_t) c->raw_sector;
  memset (&c->aes, 0, sizeof c->aes);
  memset (c->buf, 0, bufsize);
  free (c->buf);
  free (c);
}

static const struct mirage_block_ops ccm_ops = {
  ccm_info, ccm_read, ccm_write, ccm_disconnect,
};

static int
hex_digit (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* 16, 24 or 32 bytes of @hex (optional 0x) into @key; else 0. */
static size_t
parse_key (const char *hex, unsigned char key[32])
{
  if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
    hex += 2;
  size_t n = strlen (hex);
  if (n != 32 && n != 48 && n != 64)
    return 0;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hex_digit (hex[2 * i]), lo = hex_digit (hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return 0;
    key[i] = (unsigned char) (hi << 4 | lo);
  }
  return n / 2;
}

int
mirage_ccm_block (mirage_block *raw, const char *key_hex, const char *arg_name,
                  const char *nonce_len, mirage_block **out)
{
  const char *flag = arg_name && *arg_name ? arg_name : "key";
  unsigned char key[32];
  size_t klen = parse_key (key_hex ? key_hex : "", key);
  size_t nl = DEFAULT_NONCE_LEN;
  mirage_block_info ri;

  if (klen == 0) {
    mirage_log_err (&mirage_log_application,
                    "ccm_block: --%s: %s; give the AES key as 32, 48 or 64 hex digits "
                    "(16, 24 or 32 bytes), optionally prefixed by 0x",
                    flag, key_hex && *key_hex ? "not a valid key" : "no key given");
    return -EINVAL;
  }
  if (nonce_len && *nonce_len) {
    char *end;
    long v = strtol (nonce_len, &end, 10);
    if (*end || v < CCM_MIN_NONCE_SIZE || v > CCM_MAX_NONCE_SIZE) {
      mirage_log_err (&mirage_log_application, "ccm_block: nonce_len %s is not in %d..%d",
                      nonce_len, CCM_MIN_NONCE_SIZE, CCM_MAX_NONCE_SIZE);
      memset (key, 0, sizeof key);
      return -EINVAL;
    }
    nl = (size_t) v;
  }
  mirage_block_get_info (raw, &ri);
  if (ri.sector_size < nl + TAG_LEN + 8) {
    memset (key, 0, sizeof key);
    return -EINVAL;
  }
  ccm_block *c = calloc (1, sizeof *c);
  if (!c || !(c->buf = malloc (2 * (size_t) ri.sector_size))) {
    free (c);
    memset (key, 0, sizeof key);
    return -ENOMEM;
  }
  if (getrandom (c->nonce, nl, 0) != (ssize_t) nl) {
    int e = errno ? errno : EIO;
    free (c->buf);
    free (c);
    memset (key, 0, sizeof key);
    return -e;
  }
  switch (klen) {
  case 16:
    aes128_set_encrypt_key (&c->aes.a128, key);
    c->encrypt = (nettle_cipher_func *) aes128_encrypt;
    break;
  case 24:
    aes192_set_encrypt_key (&c->aes.a192, key);
    c->encrypt = (nettle_cipher_func *) aes192_encrypt;
    break;
  default:
    aes256_set_encrypt_key (&c->aes.a256, key);
    c->encrypt = (nettle_cipher_func *) aes256_encrypt;
    break;
  }
  memset (key, 0, sizeof key);
  c->base.ops = &ccm_ops;
  c->raw = raw;
  c->raw_sector = ri.sector_size;
  c->nonce_len = nl;
  c->info.read_write = ri.read_write;
  c->info.sector_size = ri.sector_size;
  c->info.size_sectors = ri.size_sectors / 2;
  *out = &c->base;
  return 0;
}
