/* dns-private.h: the DNS client's pieces that do no I/O, shared by
 * dns-client.c, the tests and the fuzz targets: the nameserver list
 * parser (dns-nameserver.c) and query building and answer checking
 * (dns-message.c, over ldns). */
#ifndef MIRAGE_DNS_PRIVATE_H
#define MIRAGE_DNS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mirage/dns.h"

typedef enum { MIRAGE_DNS_UDP, MIRAGE_DNS_TCP, MIRAGE_DNS_TLS } mirage_dns_proto;

typedef struct {
  mirage_dns_proto proto;
  mirage_endpoint ep;
  char *authenticator;      /* tls: the text after '!', or NULL */
} mirage_dns_nameserver;

/* Limits, stated once. */
#define MIRAGE_DNS_MAX_SERVERS_TEXT 8192
#define MIRAGE_DNS_MAX_CHAIN 16      /* CNAMEs followed in one answer */

/* Parses a comma-separated list (@len bytes of @text) into @out (at most
 * @max entries, *@n filled). 0, or -EINVAL with a message in @err naming
 * the entry ("nameserver 2 ('udp:1.2.3'): not an IP address"). */
int mirage_dns__parse_nameservers (const char *text, size_t len, mirage_dns_nameserver *out,
                                   size_t max, size_t *n, char *err, size_t err_size);
void mirage_dns__nameservers_clear (mirage_dns_nameserver *ns, size_t n);

/* @name as a fully qualified, lower-case name ("example.org.") into
 * @out; -EINVAL when it is not a domain name. */
int mirage_dns__normalize_name (const char *name, char *out, size_t size);

/* A query message (RD set, no EDNS, so a UDP answer is at most 512 bytes
 * and bigger ones come truncated). *@wire is malloc'ed. */
int mirage_dns__build_query (uint16_t id, const char *name, uint16_t type,
                             uint8_t **wire, size_t *len);

typedef struct {
  int rcode;                /* 0 NOERROR, 3 NXDOMAIN, 2 SERVFAIL... */
  bool truncated;
  mirage_dns_answer answer; /* the records on the chain from the name */
  uint32_t ttl;             /* of the answer: the least on the chain */
  bool has_negative_ttl;    /* NXDOMAIN / no data with a SOA */
  uint32_t negative_ttl;    /* min (SOA TTL, SOA minimum), RFC 2308 */
  char cname_target[256];   /* where the chain ends without records, or "" */
} mirage_dns_result;

/* Checks that @wire answers query @id for @name (normalized) and @type,
 * and extracts the result. -EPROTO when it does not parse or does not
 * answer this query (to be dropped), -ENOMEM. */
int mirage_dns__parse_response (const uint8_t *wire, size_t len, uint16_t id,
                                const char *name, uint16_t type, mirage_dns_result *out);
void mirage_dns__result_clear (mirage_dns_result *r);

#endif
