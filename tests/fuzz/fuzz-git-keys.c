/* fuzz-git-keys.c: libFuzzer target for the Git clients' other outside
 * text (runtime/src/git-parse.c): --ssh-key, --ssh-authenticator and
 * --http-headers, chosen by the first byte. Any text parses or is
 * refused with a message; parsed headers are "name: value" lines
 * without CR or LF (no header injection). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/git.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  char *text = malloc (size), err[512] = "";
  unsigned char out[32];
  char **h = NULL;
  int r;
  if (!text)
    return 0;
  memcpy (text, data + 1, size - 1);
  text[size - 1] = '\0';
  switch (data[0] % 3) {
  case 0:
    r = mirage_git_ssh_key_parse (text, out, err, sizeof err);
    if (r != 0 && ((r != -EINVAL && r != -ENOTSUP) || !err[0]))
      __builtin_trap ();
    break;
  case 1:
    r = mirage_git_ssh_authenticator_parse (text, out, err, sizeof err);
    if (r != 0 && (r != -EINVAL || !err[0]))
      __builtin_trap ();
    break;
  default:
    r = mirage_git_headers_parse (text, &h, err, sizeof err);
    if (r == 0) {
      for (size_t i = 0; h && h[i]; i++)
        if (strpbrk (h[i], "\r\n") || !strstr (h[i], ": "))
          __builtin_trap ();
      mirage_git_headers_free (h);
    } else if (r != -EINVAL || !err[0]) {
      __builtin_trap ();
    }
  }
  free (text);
  return 0;
}
