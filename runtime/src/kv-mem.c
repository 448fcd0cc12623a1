/* kv-mem.c: kv_rw_mem (mirage/kv_rw.h), a store in memory.
 *
 * Values sit in an array sorted by normalised key ("a/b/c"). Dictionaries
 * are implied: a key is a dictionary when some value's key starts with it
 * and a '/'; so, as in Mirage's in-memory store, a dictionary exists only
 * while it holds something. Linear scans: this is for small stores. */
#include "kv-private.h"
#include "mirage/kv_rw.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  char *key;
  unsigned char *data;
  size_t len;
  int64_t mtime;
} mem_value;

typedef struct {
  mirage_kv_rw rw;
  mem_value *v;
  size_t n, cap;
} mem_kv;

static int64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Is @k inside dictionary @dir ("" is the root)? */
static bool
under (const char *k, const char *dir)
{
  size_t n = strlen (dir);
  if (n == 0)
    return true;
  return strncmp (k, dir, n) == 0 && k[n] == '/';
}

static mem_value *
find (mem_kv *m, const char *key)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->v[i].key, key) == 0)
      return &m->v[i];
  return NULL;
}

static bool
is_dict (mem_kv *m, const char *key)
{
  if (!*key)
    return true;
  for (size_t i = 0; i < m->n; i++)
    if (under (m->v[i].key, key))
      return true;
  return false;
}

#define NORM(k, buf) \
  char buf[PATH_MAX]; \
  do { int e_ = mirage_kv__normalize ((k), buf, sizeof buf); if (e_ < 0) return e_; } while (0)

static int
mem_exists (mirage_kv_ro *kv, const char *key, mirage_kv_kind *kind)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  if (find (m, k))
    *kind = MIRAGE_KV_VALUE;
  else if (is_dict (m, k))
    *kind = MIRAGE_KV_DICTIONARY;
  else
    return -ENOENT;
  return 0;
}

static int
lookup (mem_kv *m, const char *k, mem_value **out)
{
  *out = find (m, k);
  if (*out)
    return 0;
  return is_dict (m, k) ? -EISDIR : -ENOENT;
}

static int
mem_get_partial (mirage_kv_ro *kv, const char *key, uint64_t offset, size_t len,
                 void **data, size_t *out_len)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  mem_value *v;
  int r = lookup (m, k, &v);
  if (r < 0)
    return r;
  return mirage_kv__copy_range ((const char *) v->data, v->len, offset, len, data, out_len);
}

static int
mem_get (mirage_kv_ro *kv, const char *key, void **data, size_t *len)
{
  return mem_get_partial (kv, key, 0, SIZE_MAX, data, len);
}

static int
mem_list (mirage_kv_ro *kv, const char *key, mirage_kv_entry **entries, size_t *n_out)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  if (find (m, k))
    return -ENOTDIR;
  if (!is_dict (m, k))
    return -ENOENT;
  size_t klen = strlen (k), n = 0;
  mirage_kv_entry *e = calloc (m->n + 1, sizeof *e);
  if (!e)
    return -ENOMEM;
  for (size_t i = 0; i < m->n; i++) {
    if (!under (m->v[i].key, k))
      continue;
    const char *rest = m->v[i].key + (klen ? klen + 1 : 0);
    const char *slash = strchr (rest, '/');
    size_t seglen = slash ? (size_t) (slash - rest) : strlen (rest);
    bool dup = false;
    for (size_t j = 0; j < n && !dup; j++)
      dup = strlen (e[j].name) == seglen && strncmp (e[j].name, rest, seglen) == 0;
    if (dup)
      continue;
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
mem_size (mirage_kv_ro *kv, const char *key, uint64_t *size)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  mem_value *v;
  int r = lookup (m, k, &v);
  if (r == 0)
    *size = v->len;
  return r;
}

static int
mem_last_modified (mirage_kv_ro *kv, const char *key, int64_t *ns)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  mem_value *v = find (m, k);
  if (v) {
    *ns = v->mtime;
    return 0;
  }
  if (!is_dict (m, k))
    return -ENOENT;
  int64_t latest = 0;
  for (size_t i = 0; i < m->n; i++)
    if (under (m->v[i].key, k) && m->v[i].mtime > latest)
      latest = m->v[i].mtime;
  *ns = latest;
  return 0;
}

static void
drop (mem_kv *m, size_t i)
{
  free (m->v[i].key);
  free (m->v[i].data);
  m->v[i] = m->v[--m->n];
}

static void
mem_disconnect (mirage_kv_ro *kv)
{
  mem_kv *m = (mem_kv *) kv;
  while (m->n)
    drop (m, m->n - 1);
  free (m->v);
  free (m);
}

/* May @k hold a value? No value may sit above it, no dictionary at it. */
static int
check_settable (mem_kv *m, const char *k)
{
  if (!*k)
    return -EISDIR;
  char prefix[PATH_MAX];
  size_t n = strlen (k);
  for (size_t i = 0; i < n; i++)
    if (k[i] == '/') {
      memcpy (prefix, k, i);
      prefix[i] = '\0';
      if (find (m, prefix))
        return -ENOTDIR;
    }
  if (!find (m, k) && is_dict (m, k))
    return -EISDIR;
  return 0;
}

static int
mem_set (mirage_kv_rw *kv, const char *key, const void *data, size_t len)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  int r = check_settable (m, k);
  if (r < 0)
    return r;
  unsigned char *copy = malloc (len ? len : 1);
  if (!copy)
    return -ENOMEM;
  if (len)
    memcpy (copy, data, len);
  mem_value *v = find (m, k);
  if (!v) {
    if (m->n == m->cap) {
      size_t cap = m->cap ? m->cap * 2 : 8;
      mem_value *nv = realloc (m->v, cap * sizeof *nv);
      if (!nv) {
        free (copy);
        return -ENOMEM;
      }
      m->v = nv;
      m->cap = cap;
    }
    char *kd = strdup (k);
    if (!kd) {
      free (copy);
      return -ENOMEM;
    }
    v = &m->v[m->n++];
    v->key = kd;
    v->data = NULL;
  }
  free (v->data);
  v->data = copy;
  v->len = len;
  v->mtime = now_ns ();
  return 0;
}

static int
mem_set_partial (mirage_kv_rw *kv, const char *key, uint64_t offset,
                 const void *data, size_t len)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  mem_value *v;
  int r = lookup (m, k, &v);
  if (r < 0)
    return r;
  if (offset > SIZE_MAX - len)
    return -EFBIG;
  size_t end = (size_t) offset + len;
  if (end > v->len) {
    unsigned char *grown = realloc (v->data, end ? end : 1);
    if (!grown)
      return -ENOMEM;
    memset (grown + v->len, 0, end - v->len);
    v->data = grown;
    v->len = end;
  }
  if (len)
    memcpy (v->data + offset, data, len);
  v->mtime = now_ns ();
  return 0;
}

static int
mem_remove (mirage_kv_rw *kv, const char *key)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (key, k);
  if (!*k)
    return -EACCES;
  bool any = false;
  for (size_t i = m->n; i-- > 0;)
    if (strcmp (m->v[i].key, k) == 0 || under (m->v[i].key, k)) {
      drop (m, i);
      any = true;
    }
  return any ? 0 : -ENOENT;
}

static int
mem_rename (mirage_kv_rw *kv, const char *from, const char *to)
{
  mem_kv *m = (mem_kv *) kv;
  NORM (from, f);
  NORM (to, t);
  if (!*f || !*t)
    return -EACCES;
  if (!find (m, f) && !is_dict (m, f))
    return -ENOENT;
  if (strcmp (f, t) == 0)
    return 0;
  if (under (t, f))
    return -EINVAL;  /* into itself */
  /* the destination's parents must not be values */
  char prefix[PATH_MAX];
  for (size_t i = 0; t[i]; i++)
    if (t[i] == '/') {
      memcpy (prefix, t, i);
      prefix[i] = '\0';
      if (find (m, prefix) && strcmp (prefix, f) != 0)
        return -ENOTDIR;
    }
  /* replace the destination */
  for (size_t i = m->n; i-- > 0;)
    if (strcmp (m->v[i].key, t) == 0 || under (m->v[i].key, t))
      drop (m, i);
  size_t flen = strlen (f), tlen = strlen (t);
  for (size_t i = 0; i < m->n; i++) {
    char *k = m->v[i].key;
    if (strcmp (k, f) != 0 && !under (k, f))
      continue;
    size_t rest = strlen (k) - flen;
    char *nk = malloc (tlen + rest + 1);
    if (!nk)
      return -ENOMEM;
    memcpy (nk, t, tlen);
    memcpy (nk + tlen, k + flen, rest + 1);
    free (k);
    m->v[i].key = nk;
  }
  return 0;
}

static const struct mirage_kv_ro_ops mem_ro_ops = {
  mem_exists, mem_get, mem_get_partial, mem_list, mem_size, mem_last_modified,
  mem_disconnect,
};

static const struct mirage_kv_rw_ops mem_rw_ops = {
  mem_set, mem_set_partial, mem_remove, mem_rename,
};

int
mirage_kv_rw_mem (mirage_kv_rw **out)
{
  mem_kv *m = calloc (1, sizeof *m);
  if (!m)
    return -ENOMEM;
  m->rw.ro.ops = &mem_ro_ops;
  m->rw.rw_ops = &mem_rw_ops;
  *out = &m->rw;
  return 0;
}
