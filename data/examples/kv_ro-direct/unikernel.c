/* unikernel.c for kv_ro-direct: list the store's root and log the content of
 * hello.txt. The store is the host directory (htdocs, relative to where the
 * unikernel runs); under -t sandbox it may only read beneath it. */
#include <stdlib.h>
#include <string.h>

#include "unikernel.h"

int
unikernel_start (struct mirage_kv_ro *disk)
{
  mirage_kv_entry *entries;
  size_t n, len;
  void *data;
  int r;

  r = mirage_kv_list (disk, "/", &entries, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    mirage_log_info (&mirage_log_application, "entry %s (%s)", entries[i].name,
                     entries[i].kind == MIRAGE_KV_VALUE ? "value" : "dictionary");
  mirage_kv_entries_free (entries, n);
  r = mirage_kv_get (disk, "hello.txt", &data, &len);
  if (r < 0)
    return r;
  mirage_log_info (&mirage_log_application, "hello.txt: %.*s", (int) strcspn (data, "\n"), (char *) data);
  free (data);
  return 0;
}
