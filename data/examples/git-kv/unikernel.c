/* unikernel.c for git-kv: a key-value store synced from Git at boot.
 * The repository --remote names (git:// through git_tcp, ssh:// or
 * USER@HOST:PATH through git_ssh; a #BRANCH suffix picks the branch,
 * else the remote's HEAD) is cloned into the graph's kv_rw_mem store;
 * the unikernel then serves its files from the store, never from Git:
 * with --key, that file's content on standard output; without, every
 * key with its size. A refused URL or a missing key ends the unikernel
 * with the reason (exit 255). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/git.h"
#include "unikernel.h"

/* Prints every value under @dir, depth first, in name order. */
static int
list_keys (mirage_kv_ro *kv, const char *dir, size_t *count)
{
  mirage_kv_entry *e;
  size_t n;
  int r = mirage_kv_list (kv, dir, &e, &n);
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
      r = list_keys (kv, key, count);
    else {
      uint64_t size = 0;
      mirage_kv_size (kv, key, &size);
      printf ("%10" PRIu64 "  %s\n", size, key);
      (*count)++;
    }
    free (key);
  }
  mirage_kv_entries_free (e, n);
  return r;
}

int
unikernel_start (struct mirage_git_client *git, struct mirage_kv_rw *store, const struct unikernel_args *args)
{
  char oid[41], *error = NULL;
  int r = mirage_git_clone (git, args->remote, NULL, store, oid, &error);
  if (r < 0)
    mirage_task_fail ("cannot sync the store from %s: %s", args->remote, error ? error : strerror (-r));
  mirage_log_info (&mirage_log_application, "store synced from %s at commit %s", args->remote, oid);
  mirage_kv_ro *kv = mirage_kv_rw_ro (store);
  if (args->key && args->key[0]) {
    void *data;
    size_t len;
    r = mirage_kv_get (kv, args->key, &data, &len);
    if (r < 0)
      mirage_task_fail ("%s: %s", args->key, r == -ENOENT ? "no such key in the repository" : strerror (-r));
    fwrite (data, 1, len, stdout);
    fflush (stdout);
    free (data);
    return 0;
  }
  size_t count = 0;
  r = list_keys (kv, "", &count);
  printf ("%zu keys\n", count);
  fflush (stdout);
  return r;
}
