/* dns-nameserver.c: Mirage's nameserver strings (mirage/dns.h):
 * udp:IP[:PORT], tcp:IP[:PORT], tls:IP[:PORT][!AUTHENTICATOR], as
 * dns-client-mirage's nameserver_of_string reads them, in a
 * comma-separated list (cmdliner's list converter). Plain C, fuzzed on
 * its own (tests/fuzz/fuzz-dns-nameservers.c). The authenticator is
 * checked here with the TLS authenticator parser, so a bad one is
 * refused at boot naming the nameserver. */
#include "dns-private.h"

#include "mirage/tls.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int __attribute__ ((format (printf, 6, 7)))
fail (size_t index, const char *entry, size_t elen, char *err, size_t err_size,
      const char *fmt, ...)
{
  if (err && err_size) {
    int n = snprintf (err, err_size, "nameserver %zu ('%.*s%s'): ", index,
                      elen > 60 ? 60 : (int) elen, entry, elen > 60 ? "..." : "");
    if (n >= 0 && (size_t) n < err_size) {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (err + n, err_size - (size_t) n, fmt, ap);
      va_end (ap);
    }
  }
  return -EINVAL;
}

static bool
parse_port (const char *s, size_t len, uint16_t *out)
{
  if (len == 0 || len > 5)
    return false;
  unsigned v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (unsigned) (s[i] - '0');
  }
  if (v > 65535)
    return false;
  *out = (uint16_t) v;
  return true;
}

/* IP[:PORT] with IPv6 as [IP]:PORT or bare. */
static int
parse_address (const char *s, size_t len, uint16_t default_port, mirage_endpoint *ep,
               const char **why)
{
  char ip[64];
  const char *port = NULL;
  size_t plen = 0, iplen;
  if (len > 0 && s[0] == '[') {
    const char *close = memchr (s, ']', len);
    if (!close) {
      *why = "no ']' after the IPv6 address";
      return -EINVAL;
    }
    iplen = (size_t) (close - s - 1);
    memcpy (ip, s + 1, iplen < sizeof ip ? iplen : 0);
    if (iplen >= sizeof ip) {
      *why = "not an IP address";
      return -EINVAL;
    }
    size_t rest = len - (size_t) (close - s) - 1;
    if (rest > 0) {
      if (close[1] != ':') {
        *why = "expected ':PORT' after ']'";
        return -EINVAL;
      }
      port = close + 2;
      plen = rest - 1;
    }
    ip[iplen] = '\0';
    if (mirage_ipaddr_parse (ip, 6, &ep->ip) < 0) {
      *why = "not an IPv6 address";
      return -EINVAL;
    }
  } else {
    const char *colon = memchr (s, ':', len);
    const char *last = colon;
    for (const char *p = colon; p; p = memchr (p + 1, ':', len - (size_t) (p + 1 - s)))
      last = p;
    if (colon && colon == last) {      /* one ':': IPv4 with a port */
      iplen = (size_t) (colon - s);
      port = colon + 1;
      plen = len - iplen - 1;
    } else {
      iplen = len;                      /* IPv4, or a bare IPv6 */
    }
    if (iplen == 0 || iplen >= sizeof ip) {
      *why = "not an IP address";
      return -EINVAL;
    }
    memcpy (ip, s, iplen);
    ip[iplen] = '\0';
    if (mirage_ipaddr_parse (ip, 0, &ep->ip) < 0) {
      *why = "not an IP address";
      return -EINVAL;
    }
  }
  ep->port = default_port;
  if (port && !parse_port (port, plen, &ep->port)) {
    *why = "not a port number (0-65535)";
    return -EINVAL;
  }
  return 0;
}

static int
parse_one (size_t index, const char *s, size_t len, mirage_dns_nameserver *out,
           char *err, size_t err_size)
{
  memset (out, 0, sizeof *out);
  const char *colon = memchr (s, ':', len);
  if (!colon)
    return fail (index, s, len, err, err_size, "expected udp:IP, tcp:IP or tls:IP, with an optional :PORT");
  size_t plen = (size_t) (colon - s);
  const char *rest = colon + 1;
  size_t rlen = len - plen - 1;
  uint16_t port;
  if (plen == 3 && memcmp (s, "udp", 3) == 0) {
    out->proto = MIRAGE_DNS_UDP;
    port = 53;
  } else if (plen == 3 && memcmp (s, "tcp", 3) == 0) {
    out->proto = MIRAGE_DNS_TCP;
    port = 53;
  } else if (plen == 3 && memcmp (s, "tls", 3) == 0) {
    out->proto = MIRAGE_DNS_TLS;
    port = 853;
  } else {
    return fail (index, s, len, err, err_size, "unknown protocol '%.*s' (udp, tcp or tls)",
                 plen > 20 ? 20 : (int) plen, s);
  }
  const char *bang = out->proto == MIRAGE_DNS_TLS ? memchr (rest, '!', rlen) : NULL;
  size_t alen = bang ? (size_t) (bang - rest) : rlen;
  const char *why = NULL;
  if (parse_address (rest, alen, port, &out->ep, &why) < 0)
    return fail (index, s, len, err, err_size, "%s", why);
  if (bang) {
    size_t tlen = rlen - alen - 1;
    char msg[200];
    mirage_tls_authenticator a;
    int r = mirage_tls_authenticator_parse (bang + 1, tlen, &a, msg, sizeof msg);
    if (r < 0)
      return r == -ENOMEM ? r : fail (index, s, len, err, err_size, "%s", msg);
    mirage_tls_authenticator_clear (&a);
    if (tlen == 0)
      return fail (index, s, len, err, err_size, "nothing after '!' (an authenticator, or leave out the '!')");
    /* the text need not end with a NUL after it (strndup would look) */
    out->authenticator = malloc (tlen + 1);
    if (!out->authenticator)
      return -ENOMEM;
    memcpy (out->authenticator, bang + 1, tlen);
    out->authenticator[tlen] = '\0';
  }
  return 0;
}

int
mirage_dns__parse_nameservers (const char *text, size_t len, mirage_dns_nameserver *out,
                               size_t max, size_t *n, char *err, size_t err_size)
{
  *n = 0;
  if (err && err_size)
    err[0] = '\0';
  if (len > MIRAGE_DNS_MAX_SERVERS_TEXT)
    return fail (1, text, len, err, err_size, "the list is longer than %d bytes",
                 MIRAGE_DNS_MAX_SERVERS_TEXT);
  if (memchr (text, '\0', len))
    return fail (1, text, len, err, err_size, "contains a NUL byte");
  const char *p = text, *end = text + len;
  while (p <= end) {
    const char *comma = memchr (p, ',', (size_t) (end - p));
    size_t elen = (size_t) ((comma ? comma : end) - p);
    if (*n == max) {
      mirage_dns__nameservers_clear (out, *n);
      *n = 0;
      return fail (max + 1, p, elen, err, err_size, "more than %zu nameservers", max);
    }
    int r = parse_one (*n + 1, p, elen, &out[*n], err, err_size);
    if (r < 0) {
      mirage_dns__nameservers_clear (out, *n);
      *n = 0;
      return r;
    }
    (*n)++;
    p = comma ? comma + 1 : end + 1;
  }
  return 0;
}

void
mirage_dns__nameservers_clear (mirage_dns_nameserver *ns, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free (ns[i].authenticator);
    ns[i].authenticator = NULL;
  }
}
