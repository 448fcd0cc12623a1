/* unikernel.c for git-client: clone the repository --remote names
 * (git:// through git_tcp, ssh:// or USER@HOST:PATH through git_ssh;
 * merge_git_clients picks by the URL; a #BRANCH suffix picks the
 * branch, else the remote's HEAD) into an in-memory key-value store and
 * list its files with their sizes. Connections go through mimic: happy
 * eyeballs and the DNS client. A refused URL, host key or password ends
 * the unikernel with the reason (exit 255). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/git.h"
#include "unikernel.h"

/* Prints every value under @dir, depth first, in name order. */
static int
list_files (mirage_kv_rw *kv, const char *dir, size_t *count)
{
  mirage_kv_entry *e;
  size_t n;
  int r = mirage_kv_list (mirage_kv_rw_ro (kv), dir, &e, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; i < n && r == 0; i++) {
    size_t len = strlen (dir) + strlen (e[i].name) + 2;
    char *key = malloc (len);
    if (!key) {
      r = -ENOMEM;
      break;
    }
    snprintf (key, len, "%s%s%s", dir, *dir ? "/" : "", e[i].name);
    if (e[i].kind == MIRAGE_KV_DICTIONARY)
      r = list_files (kv, key, count);
    else {
      uint64_t size = 0;
      mirage_kv_size (mirage_kv_rw_ro (kv), key, &size);
      printf ("%10" PRIu64 "  %s\n", size, key);
      (*count)++;
    }
    free (key);
  }
  mirage_kv_entries_free (e, n);
  return r;
}

int
unikernel_start (struct mirage_git_client *git, const struct unikernel_args *args)
{
  mirage_kv_rw *kv;
  char oid[41], *error = NULL;
  size_t count = 0;
  int r = mirage_kv_rw_mem (&kv);
  if (r < 0)
    return r;
  r = mirage_git_clone (git, args->remote, NULL, kv, oid, &error);
  if (r < 0)
    mirage_task_fail ("cannot clone %s: %s", args->remote, error ? error : strerror (-r));
  printf ("commit %s\n", oid);
  r = list_files (kv, "", &count);
  printf ("%zu files\n", count);
  fflush (stdout);
  mirage_kv_rw_disconnect (kv);
  return r;
}
