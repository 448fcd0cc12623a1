/* mirage/ipaddr.h: IPv4 and IPv6 addresses and prefixes, as Mirage's
 * Ipaddr: the values of address-typed runtime arguments and the endpoints
 * of the network stack. A prefix keeps the host address it was written
 * with ("10.0.0.2/24" stays 10.0.0.2, length 24), as Ipaddr.V4.Prefix does
 * for --ipv4.
 */
#ifndef MIRAGE_IPADDR_H
#define MIRAGE_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  MIRAGE_IPV4 = 4,
  MIRAGE_IPV6 = 6,
} mirage_ip_version;

typedef struct {
  mirage_ip_version version;
  uint8_t bytes[16];        /* network order; IPv4 uses the first 4 */
} mirage_ipaddr;

typedef struct {
  mirage_ipaddr addr;
  uint8_t bits;             /* prefix length */
} mirage_prefix;

/* Longest text form, with a prefix length and the final NUL. */
#define MIRAGE_IPADDR_STRLEN 50

/* Parse @text strictly (dotted quad for IPv4, RFC 4291 text for IPv6).
 * @version 0 accepts either. Return 0 or -EINVAL. */
int mirage_ipaddr_parse (const char *text, int version, mirage_ipaddr *out);
int mirage_prefix_parse (const char *text, int version, mirage_prefix *out);

/* Write the text form into @buf (at least MIRAGE_IPADDR_STRLEN bytes). */
char *mirage_ipaddr_to_string (const mirage_ipaddr *a, char *buf);
char *mirage_prefix_to_string (const mirage_prefix *p, char *buf);

bool mirage_ipaddr_equal (const mirage_ipaddr *a, const mirage_ipaddr *b);

/* 127.0.0.1 and ::1. */
mirage_ipaddr mirage_ipaddr_localhost (mirage_ip_version version);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_IPADDR_H */
