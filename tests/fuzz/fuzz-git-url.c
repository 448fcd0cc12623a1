/* fuzz-git-url.c: libFuzzer target for Git remote URLs
 * (runtime/src/git-parse.c). Any text parses or is refused with a
 * message; a parsed URL has a scheme, a host, a path and a port, and
 * nothing in it is a control character. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/git.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
visible (const char *s)
{
  for (; s && *s; s++)
    if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
      __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1), err[512] = "";
  mirage_git_url u;
  if (!text)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  int r = mirage_git_url_parse (text, &u, err, sizeof err);
  if (r == 0) {
    if (!u.scheme || !u.host || !*u.host || !u.path || !*u.path || u.port == 0
        || (u.scheme == MIRAGE_GIT_SCHEME_SSH) != (u.user != NULL))
      __builtin_trap ();
    visible (u.host);
    visible (u.path);
    visible (u.user);
    visible (u.branch);
    mirage_git_url_clear (&u);
  } else if (r != -EINVAL || err[0] == '\0') {
    __builtin_trap ();
  }
  free (text);
  return 0;
}
