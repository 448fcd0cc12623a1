/* test-happy-eyeballs.c: connection racing (mirage/happy_eyeballs.h) on
 * loopback. An unreachable IPv6 address is made without privileges: a
 * listener on ::1 whose accept queue is full (backlog 0, one connection
 * never accepted), so the kernel drops further SYNs silently and a
 * connect hangs as it would towards a black hole. The name's addresses
 * come from a resolver injected as the DNS client would inject itself;
 * it can answer late, to test the resolution delay. Timings are asserted
 * against the knobs with a tolerance for a loaded machine. */
#include "mirage/happy_eyeballs.h"
#include "mirage/task.h"
#include "tap.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static mirage_stack *stack;

typedef struct {
  bool v6, v4;              /* which families the name has */
  uint64_t aaaa_delay_ns;   /* the AAAA answer comes this late */
} fake_dns;

static int
fake_resolve (void *ctx, const char *host, mirage_ip_version v, mirage_ipaddr *out, size_t max, size_t *n)
{
  fake_dns *d = ctx;
  (void) host;
  *n = 0;
  if (v == MIRAGE_IPV6 && d->aaaa_delay_ns) {
    int r = mirage_task_sleep_ns (d->aaaa_delay_ns);
    if (r < 0)
      return r;
  }
  if ((v == MIRAGE_IPV6 && !d->v6) || (v == MIRAGE_IPV4 && !d->v4) || max == 0)
    return -ENODATA;
  out[0] = mirage_ipaddr_localhost (v);
  *n = 1;
  return 0;
}

/* A port P with 127.0.0.1:P accepting and [::1]:P dropping SYNs. Returns
 * the descriptors to close in fds[0..2]. */
static unsigned
black_hole_v6 (int fds[3])
{
  for (int tries = 0; tries < 20; tries++) {
    int v4 = socket (AF_INET, SOCK_STREAM, 0), v6 = socket (AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    setsockopt (v6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    socklen_t len = sizeof a4;
    if (bind (v4, (struct sockaddr *) &a4, sizeof a4) == 0 && listen (v4, 16) == 0
        && getsockname (v4, (struct sockaddr *) &a4, &len) == 0) {
      struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = a4.sin_port, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
      if (bind (v6, (struct sockaddr *) &a6, sizeof a6) == 0 && listen (v6, 0) == 0) {
        /* fill the queue: this connection is never accepted */
        int filler = socket (AF_INET6, SOCK_STREAM, 0);
        if (connect (filler, (struct sockaddr *) &a6, sizeof a6) == 0) {
          fds[0] = v4;
          fds[1] = v6;
          fds[2] = filler;
          return ntohs (a4.sin_port);
        }
        close (filler);
      }
    }
    close (v4);
    close (v6);
  }
  return 0;
}

static uint64_t
ms_since (uint64_t t0)
{
  return (mirage_loop_now_ns () - t0) / MIRAGE_NS_PER_MS;
}

static int
run (void *arg)
{
  (void) arg;
  int fds[3] = { -1, -1, -1 };
  unsigned port = black_hole_v6 (fds);
  if (!tap_ok (port != 0, "a loopback port whose IPv6 side drops SYNs"))
    return 0;

  mirage_happy_eyeballs_config cfg = { .connect_delay_ns = 200 * MIRAGE_NS_PER_MS,
                                       .aaaa_timeout_ns = 100 * MIRAGE_NS_PER_MS };
  mirage_happy_eyeballs *he;
  mirage_happy_eyeballs_connect_device (stack, &cfg, &he);
  mirage_flow *f;
  tap_is (mirage_happy_eyeballs_connect (he, "dual.test", (uint16_t) port, &f), -EHOSTUNREACH,
          "a name with no resolver injected: -EHOSTUNREACH");

  fake_dns d = { true, true, 0 };
  mirage_happy_eyeballs_inject (he, fake_resolve, &d);
  uint64_t t0 = mirage_loop_now_ns ();
  int r = mirage_happy_eyeballs_connect (he, "dual.test", (uint16_t) port, &f);
  uint64_t dt = ms_since (t0);
  mirage_endpoint peer = { { 0 }, 0 };
  if (r == 0) {
    mirage_tcp_peer (f, &peer);
    mirage_tcp_close (f);
  }
  tap_ok (r == 0 && peer.ip.version == MIRAGE_IPV4, "dual-stack name, IPv6 black-holed: connected over IPv4 (%d)", r);
  tap_ok (dt >= 195 && dt < 700, "... after the 200 ms connect delay (%llu ms)", (unsigned long long) dt);

  /* one family only: no delay at all */
  d = (fake_dns) { false, true, 0 };
  t0 = mirage_loop_now_ns ();
  r = mirage_happy_eyeballs_connect (he, "v4.test", (uint16_t) port, &f);
  dt = ms_since (t0);
  if (r == 0)
    mirage_tcp_close (f);
  tap_ok (r == 0 && dt < 190, "IPv4-only name: connected at once (%d, %llu ms)", r, (unsigned long long) dt);

  /* the resolution delay: A answers at once, AAAA in 1 s: go after 100 ms */
  d = (fake_dns) { true, true, MIRAGE_NS_PER_S };
  t0 = mirage_loop_now_ns ();
  r = mirage_happy_eyeballs_connect (he, "slow-aaaa.test", (uint16_t) port, &f);
  dt = ms_since (t0);
  if (r == 0) {
    mirage_tcp_peer (f, &peer);
    mirage_tcp_close (f);
  }
  tap_ok (r == 0 && peer.ip.version == MIRAGE_IPV4 && dt >= 95 && dt < 600,
          "a slow AAAA answer: IPv4 after the 100 ms aaaa_timeout (%d, %llu ms)", r, (unsigned long long) dt);

  d = (fake_dns) { false, false, 0 };
  tap_is (mirage_happy_eyeballs_connect (he, "none.test", (uint16_t) port, &f), -ENOENT,
          "a name with no address: -ENOENT");
  mirage_happy_eyeballs_free (he);

  /* IPv6 only and black-holed: the connect timeout ends it */
  cfg.connect_timeout_ns = 300 * MIRAGE_NS_PER_MS;
  mirage_happy_eyeballs_connect_device (stack, &cfg, &he);
  d = (fake_dns) { true, false, 0 };
  mirage_happy_eyeballs_inject (he, fake_resolve, &d);
  t0 = mirage_loop_now_ns ();
  r = mirage_happy_eyeballs_connect (he, "v6.test", (uint16_t) port, &f);
  dt = ms_since (t0);
  tap_ok (r == -ETIMEDOUT && dt >= 295 && dt < 900, "IPv6-only, black-holed: -ETIMEDOUT after connect_timeout (%d, %llu ms)",
          r, (unsigned long long) dt);

  /* nobody listens: refused, quickly */
  mirage_ipaddr lo4 = mirage_ipaddr_localhost (MIRAGE_IPV4);
  close (fds[0]);
  t0 = mirage_loop_now_ns ();
  r = mirage_happy_eyeballs_connect_ips (he, &lo4, 1, (uint16_t) port, &f);
  tap_ok (r == -ECONNREFUSED && ms_since (t0) < 150, "a closed port: -ECONNREFUSED at once (%d)", r);

  /* an IP literal needs no resolver */
  mirage_tcp_listener *l;
  mirage_endpoint ep;
  mirage_tcp_listen (stack, &lo4, 0, &l);
  mirage_tcp_listener_endpoint (l, &ep);
  r = mirage_happy_eyeballs_connect (he, "127.0.0.1", ep.port, &f);
  if (r == 0)
    mirage_tcp_close (f);
  tap_is (r, 0, "an IP literal connects directly");
  mirage_tcp_unlisten (l);
  mirage_happy_eyeballs_free (he);
  close (fds[1]);
  close (fds[2]);
  return 0;
}

int
main (void)
{
  mirage_socket_stack (NULL, &stack);
  char *error = NULL;
  int r = mirage_loop_run ("he", run, NULL, &error);
  tap_is (r, 0, "the loop ends well (%s)", error ? error : "");
  free (error);
  mirage_stack_disconnect (stack);
  return tap_done ();
}
