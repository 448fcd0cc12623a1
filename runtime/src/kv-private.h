/* kv-private.h: what the key-value stores share, and test hooks. */
#ifndef MIRAGE_KV_PRIVATE_H
#define MIRAGE_KV_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mirage/kv_ro.h"

/* Writes @key as "seg/seg/seg" ("" for the root) into @buf: empty and "."
 * segments dropped. -EACCES for a ".." segment, -ENAMETOOLONG. */
int mirage_kv__normalize (const char *key, char *buf, size_t size);

/* Sorts entries by name. */
void mirage_kv__sort_entries (mirage_kv_entry *entries, size_t n);

/* *data = a fresh copy of at most @want bytes of @src (@len long) from
 * @offset, NUL-terminated (*out_len excludes the NUL); an offset past the
 * end gives "". 0 or -ENOMEM: the get_partial of the stores in memory. */
int mirage_kv__copy_range (const char *src, size_t len, uint64_t offset, size_t want,
                           void **data, size_t *out_len);

/* Makes direct_kv_* use the component walk instead of openat2 (tests). */
void mirage_kv__force_walk (bool on);

#endif
