/* test-kv.c: direct_kv_ro confinement (.. and escaping symlinks, with
 * openat2 and with the component walk), reads, and kv_rw round trips for
 * direct_kv_rw and kv_rw_mem. */
#include "kv-private.h"
#include "mirage/kv_rw.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64], root[128];

static void
put (const char *rel, const char *text)
{
  char p[256];
  snprintf (p, sizeof p, "%s/%s", base, rel);
  FILE *f = fopen (p, "w");
  if (f) {
    fputs (text, f);
    fclose (f);
  }
}

static int
get_text (mirage_kv_ro *kv, const char *key, char *out, size_t size)
{
  void *data;
  size_t len;
  int r = mirage_kv_get (kv, key, &data, &len);
  if (r == 0) {
    snprintf (out, size, "%s", (char *) data);
    free (data);
  }
  return r;
}

static void
confinement (mirage_kv_ro *kv, bool walk)
{
  const char *how = walk ? "walk" : "openat2";
  char text[64];
  tap_ok (get_text (kv, "a.txt", text, sizeof text) == 0 && strcmp (text, "alpha") == 0, "%s: get a.txt", how);
  tap_ok (get_text (kv, "/sub//b.txt", text, sizeof text) == 0 && strcmp (text, "beta") == 0, "%s: empty segments ignored", how);
  tap_is (get_text (kv, "../outside.txt", text, sizeof text), -EACCES, "%s: ../outside.txt refused", how);
  tap_is (get_text (kv, "sub/../a.txt", text, sizeof text), -EACCES, "%s: .. inside a key refused", how);
  tap_is (get_text (kv, "escape", text, sizeof text), -EACCES, "%s: a relative symlink out of the root refused", how);
  tap_is (get_text (kv, "abs", text, sizeof text), -EACCES, "%s: an absolute symlink refused", how);
  tap_is (get_text (kv, "outdir/outside.txt", text, sizeof text), -EACCES, "%s: a symlinked directory out of the root refused", how);
  int r = get_text (kv, "inner", text, sizeof text);
  if (walk)
    tap_is (r, -EACCES, "walk: every symlink refused, even one inside");
  else
    tap_ok (r == 0 && strcmp (text, "alpha") == 0, "openat2: a symlink that stays inside works");
  mirage_kv_kind kind;
  tap_is (mirage_kv_exists (kv, "escape", &kind), -EACCES, "%s: exists does not leak through the link", how);
}

static void
round_trip (mirage_kv_rw *kv, const char *what)
{
  mirage_kv_ro *ro = mirage_kv_rw_ro (kv);
  char text[64];
  mirage_kv_kind kind = 0;
  tap_is (mirage_kv_set (kv, "x/y/z", "hello", 5), 0, "%s: set x/y/z", what);
  tap_ok (get_text (ro, "x/y/z", text, sizeof text) == 0 && strcmp (text, "hello") == 0, "%s: get it back", what);
  tap_ok (mirage_kv_exists (ro, "x/y", &kind) == 0 && kind == MIRAGE_KV_DICTIONARY, "%s: parents are dictionaries", what);
  tap_ok (mirage_kv_exists (ro, "x/y/z", &kind) == 0 && kind == MIRAGE_KV_VALUE, "%s: the key is a value", what);
  tap_is (mirage_kv_set (kv, "x/y/z", "bye", 3), 0, "%s: overwrite", what);
  uint64_t size = 0;
  tap_ok (mirage_kv_size (ro, "x/y/z", &size) == 0 && size == 3, "%s: size after overwrite", what);
  tap_is (mirage_kv_set_partial (kv, "x/y/z", 5, "!!", 2), 0, "%s: set_partial past the end", what);
  void *data;
  size_t len;
  tap_ok (mirage_kv_get (ro, "x/y/z", &data, &len) == 0 && len == 7 && memcmp (data, "bye\0\0!!", 7) == 0,
          "%s: it grew with zeros", what);
  free (data);
  tap_ok (mirage_kv_get_partial (ro, "x/y/z", 1, 2, &data, &len) == 0 && len == 2 && memcmp (data, "ye", 2) == 0,
          "%s: get_partial", what);
  free (data);
  mirage_kv_set (kv, "x/w", "", 0);
  mirage_kv_entry *e;
  size_t n;
  tap_ok (mirage_kv_list (ro, "x", &e, &n) == 0 && n == 2 && strcmp (e[0].name, "w") == 0
          && e[0].kind == MIRAGE_KV_VALUE && strcmp (e[1].name, "y") == 0 && e[1].kind == MIRAGE_KV_DICTIONARY,
          "%s: list x", what);
  mirage_kv_entries_free (e, n);
  tap_is (mirage_kv_set (kv, "x/w/deeper", "v", 1), -ENOTDIR, "%s: a value cannot hold keys", what);
  tap_is (mirage_kv_set (kv, "x/y", "v", 1), -EISDIR, "%s: a dictionary cannot be set", what);
  tap_is (mirage_kv_get (ro, "x", &data, &len), -EISDIR, "%s: get of a dictionary", what);
  tap_is (mirage_kv_list (ro, "x/w", &e, &n), -ENOTDIR, "%s: list of a value", what);
  tap_is (mirage_kv_get (ro, "nope", &data, &len), -ENOENT, "%s: missing key", what);
  tap_is (mirage_kv_set (kv, "../evil", "v", 1), -EACCES, "%s: set ../evil refused", what);
  tap_is (mirage_kv_rename (kv, "x/y", "moved"), 0, "%s: rename a dictionary", what);
  tap_ok (get_text (ro, "moved/z", text, sizeof text) == 0 && mirage_kv_exists (ro, "x/y", &kind) == -ENOENT,
          "%s: its keys moved", what);
  tap_is (mirage_kv_remove (kv, "x"), 0, "%s: remove a dictionary", what);
  tap_is (mirage_kv_exists (ro, "x/w", &kind), -ENOENT, "%s: with what it held", what);
  tap_is (mirage_kv_remove (kv, "x"), -ENOENT, "%s: removing it again is -ENOENT", what);
  tap_is (mirage_kv_remove (kv, "/"), -EACCES, "%s: the root cannot be removed", what);
}

int
main (void)
{
  snprintf (base, sizeof base, "/tmp/mirage-kv-XXXXXX");
  if (!mkdtemp (base))
    return 1;
  snprintf (root, sizeof root, "%s/root", base);
  mkdir (root, 0755);
  char p[256], q[256];
  snprintf (p, sizeof p, "%s/sub", root);
  mkdir (p, 0755);
  put ("outside.txt", "secret");
  put ("root/a.txt", "alpha");
  put ("root/sub/b.txt", "beta");
  snprintf (p, sizeof p, "%s/escape", root);
  if (symlink ("../outside.txt", p) != 0) return 1;
  snprintf (p, sizeof p, "%s/abs", root);
  snprintf (q, sizeof q, "%s/outside.txt", base);
  if (symlink (q, p) != 0) return 1;
  snprintf (p, sizeof p, "%s/outdir", root);
  if (symlink ("..", p) != 0) return 1;
  snprintf (p, sizeof p, "%s/inner", root);
  if (symlink ("sub/../a.txt", p) != 0) return 1;

  mirage_kv_ro *kv;
  tap_is (mirage_direct_kv_ro (root, &kv), 0, "direct_kv_ro opens a directory");
  confinement (kv, false);
  mirage_kv__force_walk (true);
  confinement (kv, true);
  mirage_kv__force_walk (false);

  mirage_kv_entry *e;
  size_t n;
  int r = mirage_kv_list (kv, "", &e, &n);
  tap_ok (r == 0 && n == 3 && strcmp (e[0].name, "a.txt") == 0 && strcmp (e[1].name, "inner") == 0
          && strcmp (e[2].name, "sub") == 0 && e[2].kind == MIRAGE_KV_DICTIONARY,
          "list of the root leaves out links that escape (%zu entries)", n);
  mirage_kv_entries_free (e, n);
  int64_t mtime = 0;
  tap_ok (mirage_kv_last_modified (kv, "a.txt", &mtime) == 0 && mtime > 0, "last_modified");
  mirage_kv_ro_disconnect (kv);
  tap_is (mirage_direct_kv_ro ("/nonexistent-dir", &kv), -ENOENT, "a missing root is -ENOENT");

  mirage_kv_rw *rw;
  snprintf (p, sizeof p, "%s/store", base);
  tap_is (mirage_direct_kv_rw (p, &rw), 0, "direct_kv_rw creates its directory");
  round_trip (rw, "direct_kv_rw");
  snprintf (q, sizeof q, "%s/store/link", base);
  if (symlink ("..", q) != 0) return 1;
  tap_is (mirage_kv_set (rw, "link/evil", "v", 1), -EACCES, "direct_kv_rw: a write never follows a symlink");
  snprintf (q, sizeof q, "%s/evil", base);
  tap_ok (access (q, F_OK) != 0, "and nothing was written outside");
  mirage_kv_rw_disconnect (rw);

  tap_is (mirage_kv_rw_mem (&rw), 0, "kv_rw_mem created");
  round_trip (rw, "kv_rw_mem");
  mirage_kv_rw_disconnect (rw);

  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system (cmd) != 0)
    tap_diag ("could not remove %s", base);
  return tap_done ();
}
