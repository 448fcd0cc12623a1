/* fuzz-dns-response.c: libFuzzer target for the DNS client's answer path
 * (runtime/src/dns-message.c): whatever a server sends must be checked
 * against the query or dropped, without crashing, hanging or leaking.
 * The first two bytes of the input choose the query type asked and the
 * rest is the message; the query ID is the message's own half the time
 * (so the checks go further) and a fixed one otherwise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *names[] = { "a.test.", "victim.test.", "." };
  if (size < 2 || size > 65537)
    return 0;
  uint16_t type = (uint16_t) (data[0] << 8 | data[1]);
  const uint8_t *msg = data + 2;
  size_t len = size - 2;
  uint16_t id = len >= 2 && (type & 1) ? (uint16_t) (msg[0] << 8 | msg[1]) : 0x1234;
  mirage_dns_result r;
  if (mirage_dns__parse_response (msg, len, id, names[type % 3], (uint16_t) (type >> 1 ? type >> 1 : 1), &r) == 0)
    mirage_dns__result_clear (&r);
  /* names, as a user or a CNAME target would give them */
  char text[300], out[300];
  size_t n = len < sizeof text - 1 ? len : sizeof text - 1;
  memcpy (text, msg, n);
  text[n] = '\0';
  if (mirage_dns__normalize_name (text, out, sizeof out) == 0) {
    uint8_t *wire = NULL;
    size_t wlen = 0;
    if (mirage_dns__build_query (0, out, 1, &wire, &wlen) == 0)
      free (wire);
  }
  return 0;
}
