/* mirage/kv_ro.h: the read-only key-value store, as Mirage_kv.RO.
 *
 * Keys are paths of segments separated by '/' ("" or "/" is the root);
 * empty segments are ignored. A key names a value or a dictionary.
 * Errors: -ENOENT (no such key), -EISDIR (a value was expected, the key is
 * a dictionary), -ENOTDIR (a dictionary was expected), -EACCES (the key
 * contains "..", or resolving it would leave the store, e.g. through a
 * symbolic link pointing outside).
 *
 * Constructor direct_kv_ro serves a host directory. Every key is opened
 * beneath the root's descriptor with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS), so symbolic links inside the tree work and
 * links out of it are refused by the kernel; where openat2 is missing it
 * walks the key one component at a time with O_NOFOLLOW and refuses every
 * symbolic link.
 *
 * Constructor crunch serves files embedded in the unikernel: `mstudio
 * build` turns the directory into a generated C file holding each file's
 * bytes and a mirage_crunch_index sorted by key (docs/build.md). Only
 * values are stored; a dictionary exists while it holds a value, and
 * last_modified is 0 (the build's inputs carry no time).
 */
#ifndef MIRAGE_KV_RO_H
#define MIRAGE_KV_RO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  MIRAGE_KV_VALUE = 1,
  MIRAGE_KV_DICTIONARY = 2,
} mirage_kv_kind;

typedef struct {
  char *name;            /* the segment, not the full key */
  mirage_kv_kind kind;
} mirage_kv_entry;

typedef struct mirage_kv_ro mirage_kv_ro;

struct mirage_kv_ro_ops {
  /* 0 and *@kind, or -ENOENT. */
  int (*exists) (mirage_kv_ro *kv, const char *key, mirage_kv_kind *kind);
  /* The value in a malloc'ed buffer (*@data is NUL-terminated beyond *@len). */
  int (*get) (mirage_kv_ro *kv, const char *key, void **data, size_t *len);
  /* At most @len bytes from @offset (fewer at the end). */
  int (*get_partial) (mirage_kv_ro *kv, const char *key, uint64_t offset,
                      size_t len, void **data, size_t *out_len);
  /* The entries of a dictionary, sorted by name; free with mirage_kv_entries_free. */
  int (*list) (mirage_kv_ro *kv, const char *key, mirage_kv_entry **entries, size_t *n);
  int (*size) (mirage_kv_ro *kv, const char *key, uint64_t *size);
  /* Nanoseconds since the epoch. */
  int (*last_modified) (mirage_kv_ro *kv, const char *key, int64_t *ns);
  /* Releases the store; @kv is freed. */
  void (*disconnect) (mirage_kv_ro *kv);
};

struct mirage_kv_ro {
  const struct mirage_kv_ro_ops *ops;
};

static inline int mirage_kv_exists (mirage_kv_ro *kv, const char *key, mirage_kv_kind *kind) { return kv->ops->exists (kv, key, kind); }
static inline int mirage_kv_get (mirage_kv_ro *kv, const char *key, void **data, size_t *len) { return kv->ops->get (kv, key, data, len); }
static inline int mirage_kv_get_partial (mirage_kv_ro *kv, const char *key, uint64_t offset, size_t len, void **data, size_t *out_len) { return kv->ops->get_partial (kv, key, offset, len, data, out_len); }
static inline int mirage_kv_list (mirage_kv_ro *kv, const char *key, mirage_kv_entry **entries, size_t *n) { return kv->ops->list (kv, key, entries, n); }
static inline int mirage_kv_size (mirage_kv_ro *kv, const char *key, uint64_t *size) { return kv->ops->size (kv, key, size); }
static inline int mirage_kv_last_modified (mirage_kv_ro *kv, const char *key, int64_t *ns) { return kv->ops->last_modified (kv, key, ns); }
static inline void mirage_kv_ro_disconnect (mirage_kv_ro *kv) { kv->ops->disconnect (kv); }

void mirage_kv_entries_free (mirage_kv_entry *entries, size_t n);

/* One embedded file: its normalised key ("dir/file.txt") and bytes. */
typedef struct {
  const char *key;
  const unsigned char *data;
  size_t len;
} mirage_crunch_file;

/* The files of a crunch store, sorted by key (strcmp), keys unique. */
typedef struct {
  const mirage_crunch_file *files;
  size_t n_files;
} mirage_crunch_index;

/* Serves @index (which must outlive the store, as generated data does). */
int mirage_crunch_kv_ro (const mirage_crunch_index *index, mirage_kv_ro **out);

/* Serves the host directory @root. -ENOTDIR if it is not a directory. */
int mirage_direct_kv_ro (const char *root, mirage_kv_ro **out);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_KV_RO_H */
