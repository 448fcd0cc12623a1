/* mirage/dns.h: the DNS client, as Mirage's generic_dns_client
 * (dns-client-mirage): a stub resolver over the graph's stack.
 *
 * Queries go to the nameservers in order, each given as Mirage writes
 * them (--dns-servers, comma-separated):
 *
 *   udp:IP[:PORT]                  UDP, port 53; a truncated answer is
 *                                  asked again over TCP (same server)
 *   tcp:IP[:PORT]                  TCP, port 53
 *   tls:IP[:PORT][!AUTHENTICATOR]  DNS over TLS (RFC 7858), port 853,
 *                                  the server checked with a TLS
 *                                  authenticator (mirage/tls.h; none
 *                                  given: the system's trust store)
 *
 * IPv6 addresses with a port are written in brackets ("udp:[::1]:5353").
 * With no nameservers the host's /etc/resolv.conf ones are used (as
 * Mirage's unix target does), read at connection.
 *
 * Each query has a random ID, and over UDP a random source port, both
 * from the graph's random device. An answer is accepted only from the
 * server asked, with the query's ID and question; anything else is
 * dropped and the wait goes on, so a forged or stray datagram cannot
 * end or poison a lookup. A server that does not answer within the
 * timeout (default 5 s, per server tried), fails (SERVFAIL, REFUSED) or
 * sends something malformed is skipped for the next one. TCP and TLS
 * connections are kept open between queries (one idle connection per
 * server; a query sent on one the server has closed goes again on a new
 * one).
 *
 * Answers are cached (default 32 entries, least recently used out) for
 * their TTL; NXDOMAIN and "no data" answers for the SOA's negative TTL
 * (RFC 2308), and not at all without a SOA. Only records on the CNAME
 * chain from the name asked are kept.
 *
 * Errors are negative errno values:
 *   -ENOENT     the name does not exist (NXDOMAIN)
 *   -ENODATA    it exists but has no record of that type
 *   -ETIMEDOUT  no server answered in time
 *   -EPROTO     every server failed or answered nonsense
 *   -ECONNREFUSED, -EKEYREJECTED  the last server tried refused the
 *               connection, or its TLS certificate was refused
 *   -EINVAL     a name that is not a domain name
 * mirage_dns_strerror describes them.
 *
 * The code is in libmirage-runtime-ldns.a (catalog library "ldns"):
 * messages are built and parsed by ldns; the transports, retries and
 * cache are ours.
 */
#ifndef MIRAGE_DNS_H
#define MIRAGE_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "mirage/happy_eyeballs.h"
#include "mirage/ipaddr.h"
#include "mirage/random.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record types, as numbers (RFC 1035 and later). */
#define MIRAGE_DNS_A     1
#define MIRAGE_DNS_NS    2
#define MIRAGE_DNS_CNAME 5
#define MIRAGE_DNS_SOA   6
#define MIRAGE_DNS_MX    15
#define MIRAGE_DNS_TXT   16
#define MIRAGE_DNS_AAAA  28
#define MIRAGE_DNS_SRV   33

#define MIRAGE_DNS_DEFAULT_TIMEOUT_NS (5 * UINT64_C (1000000000))
#define MIRAGE_DNS_DEFAULT_CACHE_SIZE 32
#define MIRAGE_DNS_MAX_NAMESERVERS 16

/* The public head of the implementation's object: its stack. */
typedef struct mirage_dns_client { mirage_stack *stack; } mirage_dns_client;

typedef struct {
  const char *nameservers;   /* comma-separated; NULL or "": resolv.conf */
  int64_t timeout_ns;        /* <= 0: 5 s */
  int cache_size;            /* <= 0: 32 */
} mirage_dns_client_config;

/* One record of an answer. */
typedef struct {
  char *name;                /* owner, "www.example.org." */
  uint16_t type;
  uint32_t ttl;              /* what is left of it when served from the cache */
  char *data;                /* presentation form: "192.0.2.1", "10 mx.example.org." */
} mirage_dns_record;

typedef struct {
  mirage_dns_record *records;
  size_t n;
} mirage_dns_answer;

/* Connects a DNS client; reads resolv.conf when @cfg has no servers, and
 * makes the TLS configurations (trust stores) now. @random gives query
 * IDs and source ports (NULL: the default device). @he (may be NULL)
 * learns to resolve names through this client, as Mirage's client
 * injects itself into happy eyeballs. Errors come with @error set to a
 * malloc'ed message naming the bad nameserver or authenticator. */
int mirage_dns_client_connect (mirage_stack *stack, mirage_happy_eyeballs *he,
                               mirage_random *random, const mirage_dns_client_config *cfg,
                               mirage_dns_client **out);
/* As above, with the message (the generated main.c logs it). */
int mirage_dns_client_connect_full (mirage_stack *stack, mirage_happy_eyeballs *he,
                                    mirage_random *random,
                                    const mirage_dns_client_config *cfg,
                                    mirage_dns_client **out, char **error);
void mirage_dns_client_free (mirage_dns_client *c);

/* Records of type @type for @name (getaddrinfo in Mirage's client). */
int mirage_dns_get_records (mirage_dns_client *c, uint16_t type, const char *name,
                            mirage_dns_answer *out);
void mirage_dns_answer_clear (mirage_dns_answer *a);

/* Up to @max addresses of @name from its A (gethostbyname) or AAAA
 * (gethostbyname6) records; *@n how many. */
int mirage_dns_gethostbyname (mirage_dns_client *c, const char *name,
                              mirage_ipaddr *out, size_t max, size_t *n);
int mirage_dns_gethostbyname6 (mirage_dns_client *c, const char *name,
                               mirage_ipaddr *out, size_t max, size_t *n);

/* A record type by name ("AAAA", "mx", "TYPE65") or 0. */
uint16_t mirage_dns_type_of_string (const char *name);
const char *mirage_dns_type_to_string (uint16_t type);   /* "AAAA" */
const char *mirage_dns_strerror (int err);

/* Counters, for tests and benchmarks. */
typedef struct {
  uint64_t queries_sent;     /* messages sent, over any transport */
  uint64_t cache_hits;
  uint64_t tcp_fallbacks;    /* truncated UDP answers asked again over TCP */
  uint64_t dropped;          /* answers dropped (wrong ID, source or question) */
  uint64_t connections;      /* TCP and TLS connections made (kept between queries) */
} mirage_dns_stats;
void mirage_dns_client_stats (mirage_dns_client *c, mirage_dns_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_DNS_H */
