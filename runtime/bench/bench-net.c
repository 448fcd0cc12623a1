/* bench-net.c: the network runtime's speed, each next to a reference
 * measured the same way in the same run:
 *
 *   dns_uncached_lookup   a new name each time (unbound answers from its
 *                         local data) vs glibc's stub resolver
 *                         (res_nquery, what getaddrinfo uses for DNS; it
 *                         has no cache) asking the same unbound
 *   dns_cached_lookup     the same name again: the client's cache
 *   tls_handshakes        full handshakes per second against gnutls-serv
 *                         vs `openssl s_time -new` against the same server
 *   he_fallback           happy eyeballs with IPv6 black-holed: the time
 *                         to connect over IPv4 next to its connect_delay
 *
 * It starts unbound and gnutls-serv on loopback (net-fixtures.h) and
 * prints BENCH lines (tools/bench). Run from a release build:
 * `ninja -C build-release runtime/bench-net && build-release/runtime/bench-net`. */
#include "mirage/dns.h"
#include "mirage/happy_eyeballs.h"
#include "mirage/task.h"
#include "mirage/tls.h"
#include "net-fixtures.h"

#include <arpa/nameser.h>
#include <resolv.h>

#define LOOKUPS 2000
#define CACHED 200000

static mirage_stack *stack;
static unsigned dns_port, tls_port;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double
glibc_lookups (void)
{
  struct __res_state st;
  memset (&st, 0, sizeof st);
  if (res_ninit (&st) != 0)
    return -1;
  st.nscount = 1;
  st.nsaddr_list[0].sin_family = AF_INET;
  st.nsaddr_list[0].sin_port = htons ((uint16_t) dns_port);
  st.nsaddr_list[0].sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  unsigned char answer[512];
  char name[64];
  double t0 = now_s ();
  for (int i = 0; i < LOOKUPS; i++) {
    snprintf (name, sizeof name, "g%d.bench", i);
    if (res_nquery (&st, name, ns_c_in, ns_t_a, answer, sizeof answer) < 0) {
      res_nclose (&st);
      return -1;
    }
  }
  double dt = now_s () - t0;
  res_nclose (&st);
  return dt / LOOKUPS;
}

static int
dns_bench (void *arg)
{
  (void) arg;
  char servers[64];
  snprintf (servers, sizeof servers, "udp:127.0.0.1:%u", dns_port);
  mirage_dns_client_config cfg = { servers, 0, 64 };
  mirage_dns_client *c;
  char *error = NULL;
  if (mirage_dns_client_connect_full (stack, NULL, NULL, &cfg, &c, &error) < 0) {
    fprintf (stderr, "bench-net: %s\n", error ? error : "no DNS client");
    return 1;
  }
  mirage_ipaddr a[4];
  size_t n;
  char name[64];
  double t0 = now_s ();
  for (int i = 0; i < LOOKUPS; i++) {
    snprintf (name, sizeof name, "m%d.bench", i);
    if (mirage_dns_gethostbyname (c, name, a, 4, &n) < 0) {
      fprintf (stderr, "bench-net: lookup of %s failed\n", name);
      return 1;
    }
  }
  double ours = (now_s () - t0) / LOOKUPS;
  double glibc = glibc_lookups ();
  printf ("BENCH dns_uncached_lookup_us %.1f us\n", ours * 1e6);
  printf ("BENCH dns_uncached_lookup_glibc_us %.1f us\n", glibc * 1e6);
  printf ("BENCH dns_uncached_lookup_ratio %.2f x\n", ours / glibc);
  mirage_dns_gethostbyname (c, "cached.bench", a, 4, &n);
  t0 = now_s ();
  for (int i = 0; i < CACHED; i++)
    mirage_dns_gethostbyname (c, "cached.bench", a, 4, &n);
  double cached = (now_s () - t0) / CACHED;
  printf ("BENCH dns_cached_lookup_us %.3f us\n", cached * 1e6);
  printf ("BENCH dns_cached_vs_glibc_uncached_ratio %.4f x\n", cached / glibc);
  mirage_dns_client_free (c);
  return 0;
}

static int
tls_bench (void *arg)
{
  (void) arg;
  mirage_tls_config *cfg;
  char *error = NULL;
  if (mirage_tls_client_config_new ("none", &cfg, &error) < 0)
    return 1;
  mirage_endpoint ep = { mirage_ipaddr_localhost (MIRAGE_IPV4), (uint16_t) tls_port };
  int count = 0;
  double t0 = now_s (), dt;
  do {
    mirage_flow *f;
    mirage_tls *t;
    if (mirage_tcp_connect (stack, &ep, &f) < 0 || mirage_tls_client (cfg, f, "tls.test", &t, &error) < 0) {
      fprintf (stderr, "bench-net: handshake failed: %s\n", error ? error : "connect");
      return 1;
    }
    mirage_tls_close (t);
    count++;
    dt = now_s () - t0;
  } while (dt < 3.0);
  printf ("BENCH tls_handshakes_per_s %.0f /s\n", count / dt);
  mirage_tls_config_free (cfg);
  return 0;
}

static int
he_bench (void *arg)
{
  (void) arg;
  /* [::1]:P drops SYNs (full accept queue), 127.0.0.1:P accepts */
  int v4 = socket (AF_INET, SOCK_STREAM, 0), v6 = socket (AF_INET6, SOCK_STREAM, 0), one = 1;
  setsockopt (v6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a4;
  bind (v4, (struct sockaddr *) &a4, sizeof a4);
  listen (v4, 64);
  getsockname (v4, (struct sockaddr *) &a4, &len);
  struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = a4.sin_port, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  int filler = socket (AF_INET6, SOCK_STREAM, 0);
  if (bind (v6, (struct sockaddr *) &a6, sizeof a6) < 0 || listen (v6, 0) < 0
      || connect (filler, (struct sockaddr *) &a6, sizeof a6) < 0)
    return 1;
  mirage_happy_eyeballs *he;
  mirage_happy_eyeballs_connect_device (stack, NULL, &he);   /* Mirage's defaults: 50 ms */
  mirage_ipaddr ips[2] = { mirage_ipaddr_localhost (MIRAGE_IPV6), mirage_ipaddr_localhost (MIRAGE_IPV4) };
  double total = 0;
  int runs = 20;
  for (int i = 0; i < runs; i++) {
    mirage_flow *f;
    double t0 = now_s ();
    if (mirage_happy_eyeballs_connect_ips (he, ips, 2, ntohs (a4.sin_port), &f) < 0)
      return 1;
    total += now_s () - t0;
    mirage_tcp_close (f);
    int c = accept (v4, NULL, NULL);
    close (c);
  }
  printf ("BENCH he_fallback_ms %.1f ms\n", total / runs * 1e3);
  printf ("BENCH he_fallback_knob_ms 50.0 ms\n");
  mirage_happy_eyeballs_free (he);
  close (filler);
  close (v6);
  close (v4);
  return 0;
}

static double
openssl_s_time (void)
{
  char target[64];
  snprintf (target, sizeof target, "127.0.0.1:%u", tls_port);
  char *argv[] = { "openssl", "s_time", "-connect", target, "-new", "-time", "3", NULL };
  if (!fx_run (argv, "s_time.log"))
    return -1;
  char *log = fx_read ("s_time.log", NULL);
  /* "N connections in T real seconds" (the wall clock, as ours) */
  double conns = -1, secs = 0;
  for (char *p = log; p && (p = strstr (p, "connections in")); p++) {
    char *start = p;
    while (start > log && start[-1] != '\n')
      start--;
    if (sscanf (start, "%lf connections in %lf real seconds", &conns, &secs) == 2)
      break;
  }
  free (log);
  return secs > 0 ? conns / secs : -1;
}

/* bench-net [dns|tls|he]: all three, or only one */
int
main (int argc, char **argv)
{
  const char *only = argc > 1 ? argv[1] : NULL;
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_cert ("srv", "ca", "tls.test", false)) {
    fprintf (stderr, "bench-net: certtool failed\n");
    return 1;
  }
  dns_port = fx_free_port ();
  tls_port = fx_free_port ();
  char conf[2048];
  snprintf (conf, sizeof conf,
            "server:\n  interface: 127.0.0.1@%u\n  port: %u\n  do-daemonize: no\n  use-syslog: no\n"
            "  chroot: \"\"\n  username: \"\"\n  directory: \"%s\"\n  pidfile: \"\"\n  logfile: \"\"\n"
            "  num-threads: 1\n  do-ip6: no\n  module-config: \"iterator\"\n"
            "  access-control: 127.0.0.0/8 allow\n  local-zone: \"bench.\" redirect\n"
            "  local-data: \"bench. 300 IN A 192.0.2.1\"\n"
            "remote-control:\n  control-enable: no\n", dns_port, dns_port, fx_dir);
  fx_write ("unbound.conf", conf);
  char *ub_argv[] = { "unbound", "-d", "-c", (char *) fx_path ("unbound.conf"), NULL };
  pid_t ub = fx_spawn (ub_argv, "unbound.log");
  char port[16];
  snprintf (port, sizeof port, "%u", tls_port);
  char *serv_argv[] = { "gnutls-serv", "-q", "-p", port, "--x509certfile", (char *) fx_path ("srv.pem"),
                        "--x509keyfile", (char *) fx_path ("srv.key"), NULL };
  pid_t serv = fx_spawn (serv_argv, "serv.log");
  int status = 0;
  if (!fx_wait_tcp (dns_port, 5000) || !fx_wait_tcp (tls_port, 5000)) {
    fprintf (stderr, "bench-net: the servers did not start (%s)\n", fx_dir);
    status = 1;
  } else {
    mirage_socket_stack (NULL, &stack);
    char *error = NULL;
    if (!only || strcmp (only, "dns") == 0)
      status |= mirage_loop_run ("dns", dns_bench, NULL, &error) != 0;
    if (!only || strcmp (only, "tls") == 0) {
      status |= mirage_loop_run ("tls", tls_bench, NULL, &error) != 0;
      double ref = openssl_s_time ();
      printf ("BENCH tls_handshakes_openssl_s_time_per_s %.0f /s\n", ref);
    }
    if (!only || strcmp (only, "he") == 0)
      status |= mirage_loop_run ("he", he_bench, NULL, &error) != 0;
    free (error);
    mirage_stack_disconnect (stack);
  }
  fx_kill (ub);
  fx_kill (serv);
  fx_cleanup ();
  return status;
}
