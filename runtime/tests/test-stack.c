/* test-stack.c: the socket stack on loopback: TCP echo over 127.0.0.1 and
 * ::1 with a transfer bigger than the socket buffers, a dual-stack
 * listener, refused connections, accept bounded by a timeout, UDP round
 * trips. Everything runs inside mirage_task_with_timeout, so a bug ends
 * the test instead of hanging it. Only loopback addresses are used. */
#include "mirage/stack.h"
#include "mirage/task.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BIG (1024 * 1024)

static mirage_stack *stack;

typedef struct {
  mirage_tcp_listener *l;
  mirage_endpoint peer;
  size_t echoed;
} server_arg;

static int
echo_server (void *arg)
{
  server_arg *s = arg;
  mirage_flow *f;
  int r = mirage_tcp_accept (s->l, &f);
  if (r < 0)
    return r;
  mirage_tcp_peer (f, &s->peer);
  char buf[16384];
  for (;;) {
    ssize_t n = mirage_tcp_read (f, buf, sizeof buf);
    if (n <= 0) {
      r = (int) n;
      break;
    }
    r = mirage_tcp_write (f, buf, (size_t) n);
    if (r < 0)
      break;
    s->echoed += (size_t) n;
  }
  mirage_tcp_close (f);
  return r;
}

typedef struct {
  mirage_flow *f;
  const unsigned char *data;
} writer_arg;

static int
writer (void *arg)
{
  writer_arg *w = arg;
  int r = mirage_tcp_write (w->f, w->data, BIG);
  if (r == 0)
    r = mirage_tcp_shutdown (w->f, MIRAGE_SHUTDOWN_WRITE);
  return r;
}

static void
echo (mirage_ip_version v, bool dual)
{
  const char *name = v == MIRAGE_IPV4 ? (dual ? "dual-stack listener, IPv4 client" : "127.0.0.1") : "::1";
  mirage_ipaddr lo = mirage_ipaddr_localhost (v);
  mirage_tcp_listener *l;
  int r = mirage_tcp_listen (stack, dual ? NULL : &lo, 0, &l);
  if (!tap_ok (r == 0, "%s: listen (%d)", name, r))
    return;
  mirage_endpoint ep;
  mirage_tcp_listener_endpoint (l, &ep);
  ep.ip = lo;
  server_arg sa = { l, { { 0 }, 0 }, 0 };
  mirage_task *server = mirage_task_spawn ("server", echo_server, &sa);
  mirage_flow *f;
  r = mirage_tcp_connect (stack, &ep, &f);
  if (!tap_ok (r == 0, "%s: connect (%d)", name, r)) {
    mirage_task_cancel (server);
    mirage_task_join (server);
    mirage_tcp_unlisten (l);
    return;
  }
  unsigned char *out = malloc (BIG), *in = malloc (BIG);
  for (size_t i = 0; i < BIG; i++)
    out[i] = (unsigned char) (i * 31 + 7);
  writer_arg wa = { f, out };
  mirage_task *w = mirage_task_spawn ("writer", writer, &wa);
  size_t got = 0;
  for (;;) {
    ssize_t n = mirage_tcp_read (f, in + got, BIG - got);
    if (n <= 0)
      break;
    got += (size_t) n;
    if (got == BIG) {
      char extra;
      n = mirage_tcp_read (f, &extra, 1);
      tap_is (n, 0, "%s: end of stream after the echo", name);
      break;
    }
  }
  tap_is (mirage_task_join (w), 0, "%s: 1 MiB written while reading (writes suspend)", name);
  tap_ok (got == BIG && memcmp (in, out, BIG) == 0, "%s: 1 MiB echoed intact (%zu bytes)", name, got);
  tap_is (mirage_task_join (server), 0, "%s: server saw a clean end of stream", name);
  tap_ok (sa.peer.ip.version == v && mirage_ipaddr_equal (&sa.peer.ip, &lo), "%s: the server sees the client's address as IPv%d", name, (int) v);
  mirage_tcp_close (f);
  mirage_tcp_unlisten (l);
  free (out);
  free (in);
}

static int
accept_forever (void *arg)
{
  mirage_flow *f;
  int r = mirage_tcp_accept (arg, &f);
  if (r == 0)
    mirage_tcp_close (f);
  return r;
}

static void
udp (mirage_ip_version v)
{
  const char *name = v == MIRAGE_IPV4 ? "udp 127.0.0.1" : "udp ::1";
  mirage_ipaddr lo = mirage_ipaddr_localhost (v);
  mirage_udp *a, *b;
  if (!tap_ok (mirage_udp_bind (stack, &lo, 0, &a) == 0 && mirage_udp_bind (stack, &lo, 0, &b) == 0, "%s: bind two sockets", name))
    return;
  mirage_endpoint ea, eb, src;
  mirage_udp_endpoint (a, &ea);
  mirage_udp_endpoint (b, &eb);
  tap_is (mirage_udp_send (a, &eb, "ping", 4), 0, "%s: send", name);
  char buf[64];
  ssize_t n = mirage_udp_recv (b, buf, sizeof buf, &src);
  tap_ok (n == 4 && memcmp (buf, "ping", 4) == 0 && src.port == ea.port && mirage_ipaddr_equal (&src.ip, &lo),
          "%s: received with the sender's address and port", name);
  tap_is (mirage_udp_send (b, &src, "pong", 4), 0, "%s: reply", name);
  n = mirage_udp_recv (a, buf, sizeof buf, NULL);
  tap_ok (n == 4 && memcmp (buf, "pong", 4) == 0, "%s: round trip", name);
  mirage_udp_close (a);
  mirage_udp_close (b);
}

static int
tests (void *arg)
{
  echo (MIRAGE_IPV4, false);
  echo (MIRAGE_IPV6, false);
  echo (MIRAGE_IPV4, true);

  /* refused: a port nobody listens on any more */
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_tcp_listener *l;
  mirage_endpoint ep;
  mirage_tcp_listen (stack, &lo, 0, &l);
  mirage_tcp_listener_endpoint (l, &ep);
  mirage_tcp_unlisten (l);
  mirage_flow *f;
  tap_is (mirage_tcp_connect (stack, &ep, &f), -ECONNREFUSED, "connecting to a closed port is -ECONNREFUSED");

  /* accept bounded by a timeout */
  mirage_tcp_listen (stack, &lo, 0, &l);
  uint64_t t0 = mirage_loop_now_ns ();
  int r = mirage_task_with_timeout (50 * MIRAGE_NS_PER_MS, "accept", accept_forever, l);
  uint64_t dt = mirage_loop_now_ns () - t0;
  tap_ok (r == -ETIMEDOUT && dt < MIRAGE_NS_PER_S, "accept with nobody connecting times out (%llu ms)",
          (unsigned long long) (dt / MIRAGE_NS_PER_MS));
  mirage_tcp_unlisten (l);

  udp (MIRAGE_IPV4);
  udp (MIRAGE_IPV6);

  /* an IPv4-only stack refuses IPv6 */
  mirage_stack *v4;
  mirage_socket_stack_config cfg = { .ipv4_only = true };
  mirage_socket_stack (&cfg, &v4);
  mirage_ipaddr lo6 = mirage_ipaddr_localhost (MIRAGE_IPV6);
  tap_is (mirage_tcp_listen (v4, &lo6, 0, &l), -EAFNOSUPPORT, "an IPv4-only stack refuses an IPv6 listener");
  mirage_stack_disconnect (v4);
  return 0;
}

static int
bounded (void *arg)
{
  return mirage_task_with_timeout (20 * MIRAGE_NS_PER_S, "tests", tests, NULL);
}

int
main (void)
{
  if (mirage_socket_stack (NULL, &stack) != 0)
    return 1;
  int r = mirage_loop_run ("main", bounded, NULL, NULL);
  tap_is (r, 0, "every network test ended within its bound");
  mirage_stack_disconnect (stack);
  return tap_done ();
}
