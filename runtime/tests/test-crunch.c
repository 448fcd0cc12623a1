/* test-crunch.c: the crunch store over a hand-written index (the shape
 * mstudio build generates): lookups, dictionaries, listing, partial
 * reads, and the errors of mirage/kv_ro.h. */
#include "mirage/kv_ro.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char a_txt[] = { 'A', '\n' };
static const unsigned char b_bin[] = { 0, 1, 2, 0, 255 };
static const unsigned char deep[] = { 'd', 'e', 'e', 'p' };
static const unsigned char dot[] = { '.' };
static const unsigned char empty[1] = { 0 };

/* sorted by strcmp: '.' (0x2e) sorts before '/' (0x2f) */
static const mirage_crunch_file files[] = {
  { "a.txt", a_txt, sizeof a_txt },
  { "d/b.bin", b_bin, sizeof b_bin },
  { "d/e.x", dot, sizeof dot },
  { "d/e/f/deep.txt", deep, sizeof deep },
  { "d/empty", empty, 0 },
  { "z", dot, sizeof dot },
};
static const mirage_crunch_index index_ = { files, sizeof files / sizeof files[0] };

int
main (void)
{
  mirage_kv_ro *kv;
  mirage_kv_kind kind;
  mirage_kv_entry *e;
  size_t n, len;
  void *data;
  uint64_t size;
  int64_t ns;

  tap_is (mirage_crunch_kv_ro (&index_, &kv), 0, "connect");
  tap_ok (mirage_kv_exists (kv, "a.txt", &kind) == 0 && kind == MIRAGE_KV_VALUE, "a.txt is a value");
  tap_ok (mirage_kv_exists (kv, "/d", &kind) == 0 && kind == MIRAGE_KV_DICTIONARY, "/d is a dictionary");
  tap_ok (mirage_kv_exists (kv, "d/e/f", &kind) == 0 && kind == MIRAGE_KV_DICTIONARY, "d/e/f is a dictionary");
  tap_ok (mirage_kv_exists (kv, "", &kind) == 0 && kind == MIRAGE_KV_DICTIONARY, "the root is a dictionary");
  tap_is (mirage_kv_exists (kv, "d/e.", &kind), -ENOENT, "a prefix of a key is not a key");
  tap_is (mirage_kv_exists (kv, "nope", &kind), -ENOENT, "a missing key is -ENOENT");
  tap_is (mirage_kv_exists (kv, "d/../a.txt", &kind), -EACCES, "'..' is -EACCES");

  tap_ok (mirage_kv_get (kv, "//d//b.bin", &data, &len) == 0 && len == 5
          && memcmp (data, b_bin, 5) == 0 && ((char *) data)[5] == '\0',
          "get: binary bytes, NUL-terminated beyond the length, empty segments ignored");
  free (data);
  tap_ok (mirage_kv_get (kv, "d/empty", &data, &len) == 0 && len == 0, "get: an empty file");
  free (data);
  tap_is (mirage_kv_get (kv, "d", &data, &len), -EISDIR, "get on a dictionary is -EISDIR");
  tap_is (mirage_kv_get (kv, "a.txt/x", &data, &len), -ENOTDIR, "a value used as a dictionary is -ENOTDIR");
  tap_is (mirage_kv_get (kv, "d/nope", &data, &len), -ENOENT, "get of a missing key is -ENOENT");
  tap_ok (mirage_kv_get_partial (kv, "d/e/f/deep.txt", 1, 2, &data, &len) == 0 && len == 2
          && memcmp (data, "ee", 2) == 0, "get_partial: the middle");
  free (data);
  tap_ok (mirage_kv_get_partial (kv, "d/e/f/deep.txt", 10, 2, &data, &len) == 0 && len == 0,
          "get_partial: past the end is empty");
  free (data);
  tap_ok (mirage_kv_size (kv, "d/b.bin", &size) == 0 && size == 5, "size");
  tap_ok (mirage_kv_last_modified (kv, "z", &ns) == 0 && ns == 0, "last_modified is 0");

  tap_ok (mirage_kv_list (kv, "/", &e, &n) == 0 && n == 3 && strcmp (e[0].name, "a.txt") == 0
          && strcmp (e[1].name, "d") == 0 && e[1].kind == MIRAGE_KV_DICTIONARY
          && strcmp (e[2].name, "z") == 0, "list of the root: a.txt, d/, z");
  mirage_kv_entries_free (e, n);
  tap_ok (mirage_kv_list (kv, "d", &e, &n) == 0 && n == 4 && strcmp (e[0].name, "b.bin") == 0
          && strcmp (e[1].name, "e") == 0 && e[1].kind == MIRAGE_KV_DICTIONARY
          && strcmp (e[2].name, "e.x") == 0 && e[2].kind == MIRAGE_KV_VALUE
          && strcmp (e[3].name, "empty") == 0, "list of d: sorted by name, e once");
  mirage_kv_entries_free (e, n);
  tap_is (mirage_kv_list (kv, "a.txt", &e, &n), -ENOTDIR, "list of a value is -ENOTDIR");
  tap_is (mirage_kv_list (kv, "q", &e, &n), -ENOENT, "list of a missing key is -ENOENT");
  mirage_kv_ro_disconnect (kv);

  static const mirage_crunch_index none = { NULL, 0 };
  tap_is (mirage_crunch_kv_ro (&none, &kv), 0, "an empty directory");
  tap_ok (mirage_kv_list (kv, "", &e, &n) == 0 && n == 0, "... lists nothing");
  mirage_kv_entries_free (e, n);
  tap_is (mirage_kv_get (kv, "x", &data, &len), -ENOENT, "... holds nothing");
  mirage_kv_ro_disconnect (kv);
  return tap_done ();
}
