/* mirage/resolver.h: name resolution for connection libraries, as
 * Mirage's `resolver` devices (conduit's Resolver_lwt):
 *
 *   resolver_dns          asks the DNS servers of --resolver (the same
 *                         syntax as --dns-servers; default: the host's
 *                         resolv.conf ones) through a DNS client of its
 *                         own over the graph's stack
 *   resolver_unix_system  the host's view: /etc/hosts first, then the
 *                         resolv.conf nameservers (both read when it
 *                         connects), as getaddrinfo would, but without
 *                         blocking the loop
 *
 * An IP literal resolves to itself. Addresses come IPv4 first, then IPv6
 * (as conduit's resolver prefers). Errors as mirage/dns.h. The code is
 * in libmirage-runtime-ldns.a (catalog library "ldns").
 */
#ifndef MIRAGE_RESOLVER_H
#define MIRAGE_RESOLVER_H

#include <stddef.h>

#include "mirage/ipaddr.h"
#include "mirage/random.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_resolver mirage_resolver;

struct mirage_resolver_ops {
  int (*resolve) (mirage_resolver *r, const char *host, mirage_ipaddr *out, size_t max, size_t *n);
  void (*free) (mirage_resolver *r);
};

struct mirage_resolver {
  const struct mirage_resolver_ops *ops;
};

static inline int mirage_resolve (mirage_resolver *r, const char *host, mirage_ipaddr *out, size_t max, size_t *n) { return r->ops->resolve (r, host, out, max, n); }
static inline void mirage_resolver_free (mirage_resolver *r) { r->ops->free (r); }

/* @nameservers: comma-separated, as --dns-servers; NULL or "": resolv.conf. */
int mirage_resolver_dns (mirage_stack *stack, mirage_random *random, const char *nameservers,
                         mirage_resolver **out);
/* @stack: NULL for a socket stack of its own (the device has no stack). */
int mirage_resolver_unix_system (mirage_stack *stack, mirage_resolver **out);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_RESOLVER_H */
