/* kv-crunch.c: crunch (mirage/kv_ro.h), files embedded at build time.
 *
 * `mstudio build` writes the directory as C: one byte array per file and
 * a mirage_crunch_index of normalised keys sorted by strcmp. Every key
 * inside dictionary "d" starts with "d/", and keys sharing a prefix are
 * contiguous in that order, so a lookup is a binary search and a
 * dictionary is the range of keys starting with "d/". Nothing is copied
 * at connect; get returns a malloc'ed copy as the interface requires. */
#include "kv-private.h"
#include "mirage/kv_ro.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  mirage_kv_ro base;
  const mirage_crunch_index *index;
} crunch_kv;

/* The first file whose key is >= @k. */
static size_t
lower_bound (const mirage_crunch_index *ix, const char *k)
{
  size_t lo = 0, hi = ix->n_files;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp (ix->files[mid].key, k) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static const mirage_crunch_file *
find_value (const mirage_crunch_index *ix, const char *k)
{
  size_t i = lower_bound (ix, k);
  return i < ix->n_files && strcmp (ix->files[i].key, k) == 0 ? &ix->files[i] : NULL;
}

/* The first file inside dictionary @k ("" is the root), or n_files. */
static size_t
dict_start (const mirage_crunch_index *ix, const char *k, char *buf, size_t size)
{
  size_t n = strlen (k);
  if (n == 0)
    return 0;
  if (n + 2 > size)
    return ix->n_files;
  memcpy (buf, k, n);
  buf[n] = '/';
  buf[n + 1] = '\0';
  size_t i = lower_bound (ix, buf);
  return i < ix->n_files && strncmp (ix->files[i].key, buf, n + 1) == 0 ? i : ix->n_files;
}

/* Is some proper prefix of @k (a parent dictionary) a value? */
static bool
parent_is_value (const mirage_crunch_index *ix, const char *k, char *buf, size_t size)
{
  for (const char *p = strchr (k, '/'); p; p = strchr (p + 1, '/')) {
    size_t n = (size_t) (p - k);
    if (n >= size)
      return false;
    memcpy (buf, k, n);
    buf[n] = '\0';
    if (find_value (ix, buf))
      return true;
  }
  return false;
}

#define NORM(k, buf) \
  char buf[PATH_MAX]; \
  do { int e_ = mirage_kv__normalize ((k), buf, sizeof buf); if (e_ < 0) return e_; } while (0)

/* The value at @key, or -EISDIR, -ENOTDIR, -ENOENT. */
static int
lookup (crunch_kv *c, const char *key, const mirage_crunch_file **out)
{
  char tmp[PATH_MAX];
  NORM (key, k);
  if ((*out = find_value (c->index, k)) != NULL)
    return 0;
  if (!*k || dict_start (c->index, k, tmp, sizeof tmp) < c->index->n_files)
    return -EISDIR;
  return parent_is_value (c->index, k, tmp, sizeof tmp) ? -ENOTDIR : -ENOENT;
}

static int
crunch_exists (mirage_kv_ro *kv, const char *key, mirage_kv_kind *kind)
{
  const mirage_crunch_file *f;
  int r = lookup ((crunch_kv *) kv, key, &f);
  if (r == -EISDIR) {
    *kind = MIRAGE_KV_DICTIONARY;
    return 0;
  }
  if (r == 0)
    *kind = MIRAGE_KV_VALUE;
  return r == -ENOTDIR ? -ENOENT : r;
}

static int
crunch_get_partial (mirage_kv_ro *kv, const char *key, uint64_t offset, size_t len,
                    void **data, size_t *out_len)
{
  const mirage_crunch_file *f;
  int r = lookup ((crunch_kv *) kv, key, &f);
  if (r < 0)
    return r;
  return mirage_kv__copy_range ((const char *) f->data, f->len, offset, len, data, out_len);
}

static int
crunch_get (mirage_kv_ro *kv, const char *key, void **data, size_t *len)
{
  return crunch_get_partial (kv, key, 0, SIZE_MAX, data, len);
}

static int
crunch_list (mirage_kv_ro *kv, const char *key, mirage_kv_entry **entries, size_t *n_out)
{
  crunch_kv *c = (crunch_kv *) kv;
  const mirage_crunch_index *ix = c->index;
  char tmp[PATH_MAX];
  NORM (key, k);
  size_t klen = strlen (k);
  if (find_value (ix, k))
    return -ENOTDIR;
  size_t first = dict_start (ix, k, tmp, sizeof tmp);
  if (klen && first >= ix->n_files)
    return parent_is_value (ix, k, tmp, sizeof tmp) ? -ENOTDIR : -ENOENT;
  size_t cap = 8, n = 0;
  mirage_kv_entry *e = calloc (cap, sizeof *e);
  if (!e)
    return -ENOMEM;
  for (size_t i = first; i < ix->n_files; i++) {
    const char *fk = ix->files[i].key;
    if (klen && (strncmp (fk, k, klen) != 0 || fk[klen] != '/'))
      break;
    const char *rest = fk + (klen ? klen + 1 : 0);
    const char *slash = strchr (rest, '/');
    size_t seglen = slash ? (size_t) (slash - rest) : strlen (rest);
    /* the files of one sub-dictionary are contiguous: compare with the last */
    if (n > 0 && e[n - 1].kind == MIRAGE_KV_DICTIONARY && slash
        && strlen (e[n - 1].name) == seglen && strncmp (e[n - 1].name, rest, seglen) == 0)
      continue;
    if (n == cap) {
      mirage_kv_entry *g = realloc (e, 2 * cap * sizeof *e);
      if (!g) {
        mirage_kv_entries_free (e, n);
        return -ENOMEM;
      }
      e = g;
      cap *= 2;
    }
    e[n].name = strndup (rest, seglen);
    if (!e[n].name) {
      mirage_kv_entries_free (e, n);
      return -ENOMEM;
    }
    e[n].kind = slash ? MIRAGE_KV_DICTIONARY : MIRAGE_KV_VALUE;
    n++;
  }
  mirage_kv__sort_entries (e, n);
  *entries = e;
  *n_out = n;
  return 0;
}

static int
crunch_size (mirage_kv_ro *kv, const char *key, uint64_t *size)
{
  const mirage_crunch_file *f;
  int r = lookup ((crunch_kv *) kv, key, &f);
  if (r == 0)
    *size = f->len;
  return r;
}

static int
crunch_last_modified (mirage_kv_ro *kv, const char *key, int64_t *ns)
{
  mirage_kv_kind kind;
  int r = crunch_exists (kv, key, &kind);
  if (r == 0)
    *ns = 0;
  return r;
}

static void
crunch_disconnect (mirage_kv_ro *kv)
{
  free (kv);
}

static const struct mirage_kv_ro_ops crunch_ops = {
  crunch_exists, crunch_get, crunch_get_partial, crunch_list, crunch_size,
  crunch_last_modified, crunch_disconnect,
};

int
mirage_crunch_kv_ro (const mirage_crunch_index *index, mirage_kv_ro **out)
{
  if (!index || (index->n_files && !index->files))
    return -EINVAL;
  crunch_kv *c = calloc (1, sizeof *c);
  if (!c)
    return -ENOMEM;
  c->base.ops = &crunch_ops;
  c->index = index;
  *out = &c->base;
  return 0;
}
