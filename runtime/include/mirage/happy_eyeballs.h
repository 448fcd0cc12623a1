/* mirage/happy_eyeballs.h: connection racing (RFC 8305), as Mirage's
 * generic_happy_eyeballs (happy-eyeballs-mirage).
 *
 * mirage_happy_eyeballs_connect resolves a host name (AAAA and A asked
 * at once, through the resolver a DNS client injected) and races TCP
 * connections to its addresses, IPv6 and IPv4 interleaved, starting the
 * next attempt every connect_delay while earlier ones go on; the first
 * to connect wins and the others are cancelled. An A answer first waits
 * up to aaaa_timeout for the AAAA one. The knobs are Mirage's runtime
 * arguments (--he-aaaa-timeout ...), in nanoseconds, with the defaults
 * of the happy-eyeballs library:
 *
 *   aaaa_timeout     50 ms   resolve_timeout  1 s
 *   connect_delay    50 ms   resolve_retries  3
 *   connect_timeout  10 s    timer_interval   10 ms
 *
 * timer_interval is how often the racing task looks at attempts other
 * than the oldest one (whose end it waits for directly).
 *
 * Errors: -ENOENT when the name has no address, -ECONNREFUSED (or the
 * last attempt's error) when every attempt failed, -ETIMEDOUT, and
 * -EHOSTUNREACH for a name with no resolver injected.
 */
#ifndef MIRAGE_HAPPY_EYEBALLS_H
#define MIRAGE_HAPPY_EYEBALLS_H

#include <stddef.h>
#include <stdint.h>

#include "mirage/ipaddr.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public head of the implementation's object: its stack. */
typedef struct mirage_happy_eyeballs { mirage_stack *stack; } mirage_happy_eyeballs;

typedef struct {
  int64_t aaaa_timeout_ns;     /* each <= 0: the default above */
  int64_t connect_delay_ns;
  int64_t connect_timeout_ns;
  int64_t resolve_timeout_ns;
  int resolve_retries;
  int64_t timer_interval_ns;
} mirage_happy_eyeballs_config;

/* Addresses of @host of @version (at most @max) into @out, *@n how many;
 * 0 or -errno. */
typedef int (*mirage_happy_eyeballs_resolver) (void *ctx, const char *host,
                                               mirage_ip_version version,
                                               mirage_ipaddr *out, size_t max, size_t *n);

int mirage_happy_eyeballs_connect_device (mirage_stack *stack,
                                          const mirage_happy_eyeballs_config *cfg,
                                          mirage_happy_eyeballs **out);
void mirage_happy_eyeballs_free (mirage_happy_eyeballs *he);

/* The DNS client calls this when it connects (Happy_eyeballs.inject). */
void mirage_happy_eyeballs_inject (mirage_happy_eyeballs *he,
                                   mirage_happy_eyeballs_resolver fn, void *ctx);

/* Connects to @host (a name or an IP literal) on @port. */
int mirage_happy_eyeballs_connect (mirage_happy_eyeballs *he, const char *host,
                                   uint16_t port, mirage_flow **out);
/* Races connections to the given addresses (in this order of
 * preference) on @port. */
int mirage_happy_eyeballs_connect_ips (mirage_happy_eyeballs *he, const mirage_ipaddr *ips,
                                       size_t n, uint16_t port, mirage_flow **out);

mirage_stack *mirage_happy_eyeballs_stack (mirage_happy_eyeballs *he);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_HAPPY_EYEBALLS_H */
