/* unikernel.c for kv_rw: set three keys (two in a dictionary), read one
 * back, list the dictionary, remove a key and report what is left. The
 * store is kv_rw_mem; a direct_kv_rw would do the same on disk. */
#include <stdlib.h>

#include "unikernel.h"

static int
list (struct mirage_kv_rw *store, const char *dict)
{
  mirage_kv_entry *entries;
  size_t n;
  int r = mirage_kv_list (mirage_kv_rw_ro (store), dict, &entries, &n);

  if (r < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    mirage_log_info (&mirage_log_application, "%s: %s (%s)", dict, entries[i].name,
                     entries[i].kind == MIRAGE_KV_VALUE ? "value" : "dictionary");
  mirage_log_info (&mirage_log_application, "%s: %zu entries", dict, n);
  mirage_kv_entries_free (entries, n);
  return 0;
}

int
unikernel_start (struct mirage_kv_rw *store)
{
  mirage_kv_kind kind;
  void *data;
  size_t len;
  int r;

  if ((r = mirage_kv_set (store, "greeting", "hello", 5)) < 0
      || (r = mirage_kv_set (store, "fruit/apple", "red", 3)) < 0
      || (r = mirage_kv_set (store, "fruit/banana", "yellow", 6)) < 0)
    return r;
  if ((r = mirage_kv_get (mirage_kv_rw_ro (store), "fruit/banana", &data, &len)) < 0)
    return r;
  mirage_log_info (&mirage_log_application, "get fruit/banana: %.*s", (int) len, (char *) data);
  free (data);
  if ((r = list (store, "fruit")) < 0)
    return r;
  if ((r = mirage_kv_remove (store, "fruit/apple")) < 0)
    return r;
  mirage_log_info (&mirage_log_application, "removed fruit/apple: %s",
                   mirage_kv_exists (mirage_kv_rw_ro (store), "fruit/apple", &kind) == -ENOENT
                   ? "gone" : "still there");
  return list (store, "/");
}
