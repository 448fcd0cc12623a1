/* mirage/kv_rw.h: the read-write key-value store, as Mirage_kv.RW.
 *
 * A kv_rw is a kv_ro (its first member, so `&rw->ro` serves where a kv_ro
 * is expected) with writing operations. Setting a key creates the
 * dictionaries above it; it fails with -ENOTDIR if one of them is a value
 * and -EISDIR if the key is a dictionary. Removing a dictionary removes
 * what it holds. Removing or renaming the root is -EACCES. Errors as in
 * mirage/kv_ro.h.
 *
 * Constructors:
 *   direct_kv_rw: a host directory (created if missing), with the same
 *     confinement as direct_kv_ro; set writes a temporary file and renames
 *     it, so readers see the old or the new value, never a mix.
 *   kv_rw_mem: in memory, empty at start.
 */
#ifndef MIRAGE_KV_RW_H
#define MIRAGE_KV_RW_H

#include "mirage/kv_ro.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_kv_rw mirage_kv_rw;

struct mirage_kv_rw_ops {
  int (*set) (mirage_kv_rw *kv, const char *key, const void *data, size_t len);
  /* Writes @len bytes at @offset of an existing value, growing it if needed. */
  int (*set_partial) (mirage_kv_rw *kv, const char *key, uint64_t offset,
                      const void *data, size_t len);
  int (*remove) (mirage_kv_rw *kv, const char *key);
  /* Moves a value or dictionary; an existing destination is replaced. */
  int (*rename) (mirage_kv_rw *kv, const char *from, const char *to);
};

struct mirage_kv_rw {
  mirage_kv_ro ro;
  const struct mirage_kv_rw_ops *rw_ops;
};

static inline mirage_kv_ro *mirage_kv_rw_ro (mirage_kv_rw *kv) { return &kv->ro; }
static inline int mirage_kv_set (mirage_kv_rw *kv, const char *key, const void *data, size_t len) { return kv->rw_ops->set (kv, key, data, len); }
static inline int mirage_kv_set_partial (mirage_kv_rw *kv, const char *key, uint64_t offset, const void *data, size_t len) { return kv->rw_ops->set_partial (kv, key, offset, data, len); }
static inline int mirage_kv_remove (mirage_kv_rw *kv, const char *key) { return kv->rw_ops->remove (kv, key); }
static inline int mirage_kv_rename (mirage_kv_rw *kv, const char *from, const char *to) { return kv->rw_ops->rename (kv, from, to); }
static inline void mirage_kv_rw_disconnect (mirage_kv_rw *kv) { kv->ro.ops->disconnect (&kv->ro); }

int mirage_direct_kv_rw (const char *root, mirage_kv_rw **out);
int mirage_kv_rw_mem (mirage_kv_rw **out);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_KV_RW_H */
