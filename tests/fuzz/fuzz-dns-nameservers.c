/* fuzz-dns-nameservers.c: libFuzzer target for the nameserver list
 * parser (--dns-servers, runtime/src/dns-nameserver.c), which also
 * parses TLS authenticators (runtime/src/tls-authenticator.c). Any text
 * parses or is refused with a message, without crashing or leaking. */
#include <stdint.h>
#include <string.h>

#include "dns-private.h"
#include "mirage/tls.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  mirage_dns_nameserver ns[MIRAGE_DNS_MAX_NAMESERVERS];
  size_t n = 0;
  char err[256];
  if (mirage_dns__parse_nameservers ((const char *) data, size, ns, MIRAGE_DNS_MAX_NAMESERVERS, &n,
                                     err, sizeof err) == 0)
    mirage_dns__nameservers_clear (ns, n);
  else if (err[0] == '\0')
    __builtin_trap ();   /* a refusal always says why */
  return 0;
}
