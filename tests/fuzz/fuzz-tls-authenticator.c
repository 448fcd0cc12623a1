/* fuzz-tls-authenticator.c: libFuzzer target for Mirage's TLS
 * authenticator strings (runtime/src/tls-authenticator.c). Any text
 * parses or is refused with a message; a parsed fingerprint always has
 * its hash's length. */
#include <stdint.h>
#include <string.h>

#include "mirage/tls.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  mirage_tls_authenticator a;
  char err[256];
  int r = mirage_tls_authenticator_parse ((const char *) data, size, &a, err, sizeof err);
  if (r == 0) {
    if ((a.kind == MIRAGE_TLS_AUTH_KEY_FP || a.kind == MIRAGE_TLS_AUTH_CERT_FP)
        && a.fingerprint_len != mirage_tls_hash_length (a.hash))
      __builtin_trap ();
    mirage_tls_authenticator_clear (&a);
  } else if (r == -22 && err[0] == '\0') {
    __builtin_trap ();
  }
  return 0;
}
