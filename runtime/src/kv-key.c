/* kv-key.c: keys, entry lists and value copies shared by the key-value stores. */
#include "kv-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
mirage_kv__normalize (const char *key, char *buf, size_t size)
{
  size_t n = 0;
  const char *p = key ? key : "";
  if (size == 0)
    return -ENAMETOOLONG;
  while (*p) {
    while (*p == '/')
      p++;
    const char *s = p;
    while (*p && *p != '/')
      p++;
    size_t len = (size_t) (p - s);
    if (len == 0 || (len == 1 && s[0] == '.'))
      continue;
    if (len == 2 && s[0] == '.' && s[1] == '.')
      return -EACCES;
    if (n + (n ? 1 : 0) + len + 1 > size)
      return -ENAMETOOLONG;
    if (n)
      buf[n++] = '/';
    memcpy (buf + n, s, len);
    n += len;
  }
  buf[n] = '\0';
  return (int) n;
}

static int
cmp_entry (const void *a, const void *b)
{
  return strcmp (((const mirage_kv_entry *) a)->name, ((const mirage_kv_entry *) b)->name);
}

void
mirage_kv__sort_entries (mirage_kv_entry *entries, size_t n)
{
  if (n > 1)
    qsort (entries, n, sizeof *entries, cmp_entry);
}

void
mirage_kv_entries_free (mirage_kv_entry *entries, size_t n)
{
  if (!entries)
    return;
  for (size_t i = 0; i < n; i++)
    free (entries[i].name);
  free (entries);
}

int
mirage_kv__copy_range (const char *src, size_t len, uint64_t offset, size_t want,
                       void **data, size_t *out_len)
{
  size_t start = offset < len ? (size_t) offset : len;
  size_t n = len - start < want ? len - start : want;
  char *p = malloc (n + 1);

  if (!p)
    return -ENOMEM;
  if (n)
    memcpy (p, src + start, n);
  p[n] = '\0';
  *data = p;
  *out_len = n;
  return 0;
}
