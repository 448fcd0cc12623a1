/* ipaddr.c: parsing and printing addresses and prefixes (mirage/ipaddr.h).
 * inet_pton is strict enough: dotted-quad decimal only for IPv4. */
#include "mirage/ipaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
mirage_ipaddr_parse (const char *text, int version, mirage_ipaddr *out)
{
  mirage_ipaddr a;
  memset (&a, 0, sizeof a);
  if ((version == 0 || version == 4) && inet_pton (AF_INET, text, a.bytes) == 1) {
    a.version = MIRAGE_IPV4;
  } else if ((version == 0 || version == 6) && inet_pton (AF_INET6, text, a.bytes) == 1) {
    a.version = MIRAGE_IPV6;
  } else {
    return -EINVAL;
  }
  *out = a;
  return 0;
}

int
mirage_prefix_parse (const char *text, int version, mirage_prefix *out)
{
  const char *slash = strchr (text, '/');
  if (!slash || slash == text || slash - text >= MIRAGE_IPADDR_STRLEN)
    return -EINVAL;
  char addr[MIRAGE_IPADDR_STRLEN];
  memcpy (addr, text, (size_t) (slash - text));
  addr[slash - text] = '\0';
  mirage_prefix p;
  if (mirage_ipaddr_parse (addr, version, &p.addr) < 0)
    return -EINVAL;
  const char *digits = slash + 1;
  if (*digits < '0' || *digits > '9' || strlen (digits) > 3)
    return -EINVAL;
  char *end;
  long bits = strtol (digits, &end, 10);
  long max = p.addr.version == MIRAGE_IPV4 ? 32 : 128;
  if (*end || bits < 0 || bits > max)
    return -EINVAL;
  p.bits = (uint8_t) bits;
  *out = p;
  return 0;
}

char *
mirage_ipaddr_to_string (const mirage_ipaddr *a, char *buf)
{
  if (!inet_ntop (a->version == MIRAGE_IPV4 ? AF_INET : AF_INET6, a->bytes, buf,
                  MIRAGE_IPADDR_STRLEN))
    snprintf (buf, MIRAGE_IPADDR_STRLEN, "?");
  return buf;
}

char *
mirage_prefix_to_string (const mirage_prefix *p, char *buf)
{
  mirage_ipaddr_to_string (&p->addr, buf);
  size_t n = strlen (buf);
  snprintf (buf + n, MIRAGE_IPADDR_STRLEN - n, "/%u", (unsigned) p->bits);
  return buf;
}

bool
mirage_ipaddr_equal (const mirage_ipaddr *a, const mirage_ipaddr *b)
{
  return a->version == b->version
      && memcmp (a->bytes, b->bytes, a->version == MIRAGE_IPV4 ? 4 : 16) == 0;
}

mirage_ipaddr
mirage_ipaddr_localhost (mirage_ip_version version)
{
  mirage_ipaddr a;
  memset (&a, 0, sizeof a);
  a.version = version;
  if (version == MIRAGE_IPV4) {
    a.bytes[0] = 127;
    a.bytes[3] = 1;
  } else {
    a.bytes[15] = 1;
  }
  return a;
}
