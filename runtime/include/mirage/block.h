/* mirage/block.h: the block device, as Mirage_block.
 *
 * A device is an array of sectors. Reads and writes start at a sector and
 * move a whole number of sectors: a length that is not a multiple of the
 * sector size is -EINVAL, any part past the end is -ERANGE (nothing is
 * transferred then), a write to a read-only device is -EROFS.
 *
 * Constructors:
 *   block_of_file: an existing host file (or block device), 512-byte
 *     sectors, pread/pwrite; read-only if it cannot be opened for writing.
 *     A trailing part shorter than a sector is not addressable.
 *   ramdisk: zeroed memory of a given size, 512-byte sectors.
 *   ccm_block: AES-CCM encryption and authentication over another block
 *     device, two of its sectors per sector (layout in docs/build.md); a
 *     sector that fails authentication reads as -EBADMSG. Its code is in
 *     libmirage-runtime-nettle.a and needs Nettle (-lnettle).
 * I/O on host files does not suspend the task: regular files are always
 * "ready" to Linux, so a read simply takes as long as the page cache does.
 */
#ifndef MIRAGE_BLOCK_H
#define MIRAGE_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MIRAGE_BLOCK_SECTOR_SIZE 512u

typedef struct mirage_block mirage_block;

typedef struct {
  bool read_write;
  uint32_t sector_size;
  uint64_t size_sectors;
} mirage_block_info;

struct mirage_block_ops {
  void (*info) (mirage_block *b, mirage_block_info *out);
  int (*read) (mirage_block *b, uint64_t sector, void *buf, size_t len);
  int (*write) (mirage_block *b, uint64_t sector, const void *buf, size_t len);
  /* Releases the device; @b is freed. */
  void (*disconnect) (mirage_block *b);
};

struct mirage_block {
  const struct mirage_block_ops *ops;
};

static inline void mirage_block_get_info (mirage_block *b, mirage_block_info *out) { b->ops->info (b, out); }
static inline int mirage_block_read (mirage_block *b, uint64_t sector, void *buf, size_t len) { return b->ops->read (b, sector, buf, len); }
static inline int mirage_block_write (mirage_block *b, uint64_t sector, const void *buf, size_t len) { return b->ops->write (b, sector, buf, len); }
static inline void mirage_block_disconnect (mirage_block *b) { b->ops->disconnect (b); }

/* 0 and *@out, or -errno (-ENOENT: no such file). */
int mirage_block_of_file (const char *path, mirage_block **out);
/* @size_bytes is rounded down to whole sectors. */
int mirage_ramdisk (const char *name, uint64_t size_bytes, mirage_block **out);

/* AES-CCM over @raw, which stays the caller's (disconnecting the result
 * leaves it connected). @key_hex: the key in hex, optional "0x" prefix,
 * 16, 24 or 32 bytes; @arg_name: the runtime argument it came from, named
 * in the error logged for a bad key (-EINVAL); @nonce_len: "7".."13", or
 * NULL or "" for 8. -EINVAL too if @raw's sectors are too small. */
int mirage_ccm_block (mirage_block *raw, const char *key_hex, const char *arg_name,
                      const char *nonce_len, mirage_block **out);

/* The checks every implementation makes, in the order above. */
int mirage_block_check (const mirage_block_info *info, uint64_t sector,
                        size_t len, bool write);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_BLOCK_H */
