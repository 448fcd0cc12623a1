/* test-dns.c: the DNS client (mirage/dns.h) against a real unbound on
 * loopback (a config in a temporary directory, local-data records, no
 * root hints), over UDP, TCP and TLS: A, AAAA, CNAME chains, any type,
 * truncation and the TCP fallback, NXDOMAIN and no-data (cached for the
 * SOA's negative TTL), REFUSED (next server), cache hits and TTL expiry,
 * a silent server (timeout, next server), DNS-over-TLS with a right and
 * a wrong authenticator; and a malicious server of our own on the same
 * loop (wrong ID, garbage, a compression loop, a forged source, records
 * for other names) that cannot end a lookup nor poison the cache. Also
 * the nameserver parser's errors. */
#include "dns-private.h"
#include "mirage/mimic.h"
#include "mirage/resolver.h"
#include "mirage/task.h"
#include "mirage/tls.h"
#include "net-fixtures.h"
#include "tap.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <ldns/ldns.h>

static mirage_stack *stack;
static unsigned udp_port, tls_port;
static char *ca_b64;

static char *
ca_der_b64 (void)
{
  size_t len = 0;
  char *pem = fx_read ("ca.pem", &len);
  gnutls_datum_t d = { (unsigned char *) pem, (unsigned) len }, der = { NULL, 0 }, b64 = { NULL, 0 };
  gnutls_x509_crt_t crt;
  gnutls_x509_crt_init (&crt);
  gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM);
  gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  gnutls_base64_encode2 (&der, &b64);
  char *out = strndup ((const char *) b64.data, b64.size);
  gnutls_free (b64.data);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  free (pem);
  return out;
}

static mirage_dns_client *
client (const char *servers, int64_t timeout_ns)
{
  mirage_dns_client *c = NULL;
  char *error = NULL;
  mirage_dns_client_config cfg = { servers, timeout_ns, 8 };
  int r = mirage_dns_client_connect_full (stack, NULL, NULL, &cfg, &c, &error);
  if (!tap_ok (r == 0, "client for %.60s", servers))
    tap_diag ("%d %s", r, error ? error : "");
  free (error);
  return c;
}

static char servers_buf[4096];

static const char * __attribute__ ((format (printf, 1, 2)))
servers (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (servers_buf, sizeof servers_buf, fmt, ap);
  va_end (ap);
  return servers_buf;
}

static void
basic (const char *proto)
{
  mirage_dns_client *c = client (servers ("%s:127.0.0.1:%u", proto, udp_port), 0);
  if (!c)
    return;
  mirage_ipaddr a[4];
  size_t n = 0;
  char b[MIRAGE_IPADDR_STRLEN];
  int r = mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  tap_ok (r == 0 && n == 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "192.0.2.1") == 0,
          "%s: gethostbyname a.test = 192.0.2.1 (%d)", proto, r);
  r = mirage_dns_gethostbyname6 (c, "a.test.", a, 4, &n);
  tap_ok (r == 0 && n == 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "2001:db8::1") == 0,
          "%s: gethostbyname6 a.test. = 2001:db8::1 (%d)", proto, r);
  r = mirage_dns_gethostbyname (c, "ALIAS.test", a, 4, &n);
  tap_ok (r == 0 && n == 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "192.0.2.1") == 0,
          "%s: through a CNAME, any case (%d)", proto, r);
  mirage_dns_answer ans;
  r = mirage_dns_get_records (c, MIRAGE_DNS_MX, "a.test", &ans);
  tap_ok (r == 0 && ans.n == 1 && strcmp (ans.records[0].data, "10 mail.test.") == 0
          && ans.records[0].type == MIRAGE_DNS_MX, "%s: MX record in presentation form (%s)", proto,
          r == 0 && ans.n ? ans.records[0].data : mirage_dns_strerror (r));
  mirage_dns_answer_clear (&ans);
  r = mirage_dns_get_records (c, MIRAGE_DNS_TXT, "big.test", &ans);
  tap_ok (r == 0 && ans.n == 8, "%s: 8 big TXT records (%d, %zu)", proto, r, ans.n);
  mirage_dns_answer_clear (&ans);
  r = mirage_dns_gethostbyname (c, "nx.test", a, 4, &n);
  tap_is (r, -ENOENT, "%s: NXDOMAIN is -ENOENT", proto);
  r = mirage_dns_gethostbyname6 (c, "v4only.test", a, 4, &n);
  tap_is (r, -ENODATA, "%s: no AAAA is -ENODATA", proto);
  r = mirage_dns_gethostbyname (c, "bad..name", a, 4, &n);
  tap_is (r, -EINVAL, "%s: not a domain name", proto);
  mirage_dns_stats st;
  mirage_dns_client_stats (c, &st);
  if (strcmp (proto, "udp") == 0)
    tap_is (st.tcp_fallbacks, 1, "udp: the truncated TXT answer was asked again over TCP");
  else
    tap_is (st.connections, 1, "tcp: one connection for all %llu queries", (unsigned long long) st.queries_sent);
  mirage_dns_client_free (c);
}

static void
caching (void)
{
  mirage_dns_client *c = client (servers ("udp:127.0.0.1:%u", udp_port), 0);
  if (!c)
    return;
  mirage_ipaddr a[4];
  size_t n;
  mirage_dns_stats s0, s1, s2;
  mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  mirage_dns_client_stats (c, &s0);
  uint64_t t0 = mirage_loop_now_ns ();
  int r = mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  uint64_t dt = mirage_loop_now_ns () - t0;
  mirage_dns_client_stats (c, &s1);
  tap_ok (r == 0 && s1.queries_sent == s0.queries_sent && s1.cache_hits == s0.cache_hits + 1,
          "a second lookup is a cache hit (%llu us)", (unsigned long long) (dt / 1000));
  mirage_dns_answer ans;
  mirage_task_sleep_ns (1100 * MIRAGE_NS_PER_MS);
  r = mirage_dns_get_records (c, MIRAGE_DNS_A, "a.test", &ans);
  tap_ok (r == 0 && ans.n == 1 && ans.records[0].ttl <= 1, "the cached TTL counts down (%u)",
          r == 0 && ans.n ? ans.records[0].ttl : 99);
  mirage_dns_answer_clear (&ans);
  mirage_task_sleep_ns (1100 * MIRAGE_NS_PER_MS);    /* the TTL is 2 s */
  mirage_dns_client_stats (c, &s1);
  r = mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  mirage_dns_client_stats (c, &s2);
  tap_ok (r == 0 && s2.queries_sent == s1.queries_sent + 1, "after the TTL, the server is asked again");

  /* negative caching: the SOA says min (10, 2) = 2 s */
  mirage_dns_gethostbyname (c, "nx.test", a, 4, &n);
  mirage_dns_client_stats (c, &s1);
  r = mirage_dns_gethostbyname (c, "nx.test", a, 4, &n);
  mirage_dns_client_stats (c, &s2);
  tap_ok (r == -ENOENT && s2.queries_sent == s1.queries_sent, "NXDOMAIN is cached");
  mirage_dns_gethostbyname6 (c, "v4only.test", a, 4, &n);
  mirage_dns_client_stats (c, &s1);
  r = mirage_dns_gethostbyname6 (c, "v4only.test", a, 4, &n);
  mirage_dns_client_stats (c, &s2);
  tap_ok (r == -ENODATA && s2.queries_sent == s1.queries_sent, "no data is cached");
  mirage_task_sleep_ns (2100 * MIRAGE_NS_PER_MS);
  r = mirage_dns_gethostbyname (c, "nx.test", a, 4, &n);
  mirage_dns_client_stats (c, &s1);
  tap_ok (r == -ENOENT && s1.queries_sent == s2.queries_sent + 1,
          "after the negative TTL, the server is asked again");

  /* a cache of 8 entries keeps the 8 most recently used */
  char name[32];
  for (int i = 0; i < 9; i++) {
    snprintf (name, sizeof name, "n%d.test", i);
    mirage_dns_gethostbyname (c, name, a, 4, &n);
  }
  mirage_dns_client_stats (c, &s1);
  mirage_dns_gethostbyname (c, "n8.test", a, 4, &n);
  mirage_dns_gethostbyname (c, "n0.test", a, 4, &n);
  mirage_dns_client_stats (c, &s2);
  tap_is (s2.queries_sent - s1.queries_sent, 1, "cache_size bounds the cache: the oldest entry went");
  mirage_dns_client_free (c);
}

static void
servers_in_order (void)
{
  /* a silent server (a bound UDP port nobody reads), then REFUSED, then a good one */
  int silent = socket (AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t sl = sizeof sa;
  bind (silent, (struct sockaddr *) &sa, sizeof sa);
  getsockname (silent, (struct sockaddr *) &sa, &sl);
  mirage_dns_client *c = client (servers ("udp:127.0.0.1:%u,udp:127.0.0.1:%u", ntohs (sa.sin_port), udp_port),
                                 300 * MIRAGE_NS_PER_MS);
  mirage_ipaddr a[4];
  size_t n;
  uint64_t t0 = mirage_loop_now_ns ();
  int r = mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  uint64_t dt = (mirage_loop_now_ns () - t0) / MIRAGE_NS_PER_MS;
  tap_ok (r == 0 && dt >= 290 && dt < 1500, "a silent server times out (300 ms) and the next answers (%d, %llu ms)",
          r, (unsigned long long) dt);
  r = mirage_dns_gethostbyname (c, "x.refused.test", a, 4, &n);
  tap_is (r, -EPROTO, "REFUSED from the last server: -EPROTO");
  mirage_dns_client_free (c);
  c = client (servers ("udp:127.0.0.1:%u", ntohs (sa.sin_port)), 200 * MIRAGE_NS_PER_MS);
  r = mirage_dns_gethostbyname (c, "a.test", a, 4, &n);
  tap_is (r, -ETIMEDOUT, "only a silent server: -ETIMEDOUT");
  mirage_dns_client_free (c);
  close (silent);
}

static void
over_tls (void)
{
  char auth[8192];
  snprintf (auth, sizeof auth, "tls:127.0.0.1:%u!trust-anchor:%s", tls_port, ca_b64);
  mirage_dns_client *c = client (auth, 0);
  mirage_ipaddr a[4];
  size_t n = 0;
  int r = c ? mirage_dns_gethostbyname (c, "a.test", a, 4, &n) : -1;
  tap_ok (r == 0 && n == 1, "DNS over TLS with the right trust anchor (%d)", r);
  r = c ? mirage_dns_gethostbyname6 (c, "a.test", a, 4, &n) : -1;
  mirage_dns_stats st = { 0 };
  if (c)
    mirage_dns_client_stats (c, &st);
  tap_ok (r == 0 && st.connections == 1 && st.queries_sent == 2,
          "DNS over TLS: the second query reuses the connection (no second handshake)");
  mirage_dns_client_free (c);
  c = client (servers ("tls:127.0.0.1:%u!key-fp:SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", tls_port), 0);
  r = c ? mirage_dns_gethostbyname (c, "a.test", a, 4, &n) : -1;
  tap_is (r, -EKEYREJECTED, "DNS over TLS with a wrong key fingerprint is refused");
  mirage_dns_client_free (c);
  c = client (servers ("tls:127.0.0.1:%u", tls_port), 0);
  r = c ? mirage_dns_gethostbyname (c, "a.test", a, 4, &n) : -1;
  tap_is (r, -EKEYREJECTED, "DNS over TLS with the system's trust store refuses the test CA");
  mirage_dns_client_free (c);
}

/* ---- a malicious server ---- */

typedef struct {
  mirage_udp *u, *forger;
  int replies;
} evil;

static size_t
answer_for (const uint8_t *q, size_t qlen, uint8_t *out, const char *owner, const char *ip, uint16_t id_delta)
{
  ldns_pkt *p = NULL;
  if (ldns_wire2pkt (&p, q, qlen) != LDNS_STATUS_OK)
    return 0;
  ldns_pkt_set_qr (p, true);
  ldns_pkt_set_id (p, (uint16_t) (ldns_pkt_id (p) + id_delta));
  char text[400];
  char *qname = owner ? NULL : ldns_rdf2str (ldns_rr_owner (ldns_rr_list_rr (ldns_pkt_question (p), 0)));
  snprintf (text, sizeof text, "%s 3600 IN A %s", owner ? owner : qname, ip);
  free (qname);
  ldns_rr *rr = NULL;
  ldns_rr_new_frm_str (&rr, text, 0, NULL, NULL);
  ldns_pkt_push_rr (p, LDNS_SECTION_ANSWER, rr);
  uint8_t *wire = NULL;
  size_t len = 0;
  ldns_pkt2wire (&wire, p, &len);
  memcpy (out, wire, len);
  free (wire);
  ldns_pkt_free (p);
  return len;
}

static int
evil_server (void *arg)
{
  evil *e = arg;
  uint8_t q[512], out[1024];
  for (;;) {
    mirage_endpoint src;
    ssize_t n = mirage_udp_recv (e->u, q, sizeof q, &src);
    if (n < 12)
      return n < 0 ? 0 : 0;
    /* 1: wrong ID; 2: garbage; 3: truncated header; 4: a compression
     * loop; 5: the right answer from another port; 6: right ID, but the
     * answer is for another name plus the real one */
    size_t len = answer_for (q, (size_t) n, out, "victim.test.", "203.0.113.66", 1);
    mirage_udp_send (e->u, &src, out, len);
    mirage_udp_send (e->u, &src, "garbage", 7);
    mirage_udp_send (e->u, &src, q, 5);
    uint8_t loop[64];
    memcpy (loop, q, 12);
    loop[2] |= 0x80;
    loop[4] = 0; loop[5] = 1; loop[6] = loop[7] = loop[8] = loop[9] = loop[10] = loop[11] = 0;
    loop[12] = 0xc0; loop[13] = 12;   /* a name that points at itself */
    loop[14] = 0; loop[15] = 1; loop[16] = 0; loop[17] = 1;
    mirage_udp_send (e->u, &src, loop, 18);
    len = answer_for (q, (size_t) n, out, "victim.test.", "203.0.113.66", 0);
    mirage_udp_send (e->forger, &src, out, len);
    /* the real answer, with a record for another name that must be ignored */
    ldns_pkt *p = NULL;
    ldns_wire2pkt (&p, q, (size_t) n);
    ldns_pkt_set_qr (p, true);
    ldns_rr *rr = NULL;
    ldns_rr_new_frm_str (&rr, "other.test. 3600 IN A 203.0.113.99", 0, NULL, NULL);
    ldns_pkt_push_rr (p, LDNS_SECTION_ANSWER, rr);
    ldns_rr_new_frm_str (&rr, "victim.test. 3600 IN A 192.0.2.7", 0, NULL, NULL);
    ldns_pkt_push_rr (p, LDNS_SECTION_ANSWER, rr);
    uint8_t *wire = NULL;
    size_t wlen = 0;
    ldns_pkt2wire (&wire, p, &wlen);
    mirage_udp_send (e->u, &src, wire, wlen);
    free (wire);
    ldns_pkt_free (p);
    e->replies++;
  }
}

/* a TCP server that answers one query per connection, then closes it */
typedef struct {
  mirage_tcp_listener *l;
  int served;
} one_shot;

static int
one_shot_server (void *arg)
{
  one_shot *o = arg;
  for (;;) {
    mirage_flow *f;
    if (mirage_tcp_accept (o->l, &f) < 0)
      return 0;
    uint8_t q[514], out[1024];
    size_t got = 0;
    while (got < 2 || got < 2 + (size_t) (q[0] << 8 | q[1])) {
      ssize_t n = mirage_tcp_read (f, q + got, sizeof q - got);
      if (n <= 0)
        break;
      got += (size_t) n;
    }
    if (got > 2) {
      size_t len = answer_for (q + 2, got - 2, out + 2, NULL, "192.0.2.8", 0);
      out[0] = (uint8_t) (len >> 8);
      out[1] = (uint8_t) len;
      mirage_tcp_write (f, out, len + 2);
      o->served++;
    }
    mirage_tcp_close (f);
  }
}

static void
kept_connection_closed (void)
{
  one_shot o = { 0 };
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_tcp_listen (stack, &lo, 0, &o.l);
  mirage_endpoint ep;
  mirage_tcp_listener_endpoint (o.l, &ep);
  mirage_task *t = mirage_task_spawn ("one-shot", one_shot_server, &o);
  mirage_dns_client *c = client (servers ("tcp:127.0.0.1:%u", ep.port), MIRAGE_NS_PER_S);
  mirage_ipaddr a[4];
  size_t n;
  int r1 = mirage_dns_gethostbyname (c, "kept.test", a, 4, &n);
  mirage_task_sleep_ns (50 * MIRAGE_NS_PER_MS);     /* the server closes the kept connection */
  int r2 = mirage_dns_gethostbyname (c, "kept2.test", a, 4, &n);
  mirage_dns_stats st;
  mirage_dns_client_stats (c, &st);
  tap_ok (r1 == 0 && r2 == 0 && o.served == 2 && st.connections == 2,
          "a kept connection the server closed: the query goes again on a new one (%d, %d, %d served)",
          r1, r2, o.served);
  mirage_dns_client_free (c);
  mirage_task_cancel (t);
  mirage_task_join (t);
  mirage_tcp_unlisten (o.l);
}

static void
malicious (void)
{
  evil e = { 0 };
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_udp_bind (stack, &lo, 0, &e.u);
  mirage_udp_bind (stack, &lo, 0, &e.forger);
  mirage_endpoint ep;
  mirage_udp_endpoint (e.u, &ep);
  mirage_task *t = mirage_task_spawn ("evil", evil_server, &e);
  mirage_dns_client *c = client (servers ("udp:127.0.0.1:%u", ep.port), MIRAGE_NS_PER_S);
  mirage_ipaddr a[4];
  size_t n = 0;
  char b[MIRAGE_IPADDR_STRLEN];
  int r = mirage_dns_gethostbyname (c, "victim.test", a, 4, &n);
  tap_ok (r == 0 && n == 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "192.0.2.7") == 0,
          "a malicious server's wrong IDs, garbage, loops and forged source are dropped (%d, %s)",
          r, n ? b : "-");
  mirage_dns_stats st;
  mirage_dns_client_stats (c, &st);
  tap_ok (st.dropped >= 5, "... %llu datagrams dropped", (unsigned long long) st.dropped);
  mirage_dns_answer ans;
  r = mirage_dns_get_records (c, MIRAGE_DNS_A, "other.test", &ans);
  mirage_dns_stats st2;
  mirage_dns_client_stats (c, &st2);
  tap_ok (st2.cache_hits == st.cache_hits, "the record for another name was not cached");
  if (r == 0)
    mirage_dns_answer_clear (&ans);
  mirage_dns_client_free (c);
  mirage_task_cancel (t);
  mirage_task_join (t);
  mirage_udp_close (e.u);
  mirage_udp_close (e.forger);
}

/* resolver_dns, resolver_unix_system, and mimic_happy_eyeballs over
 * happy eyeballs with the DNS client injected */
static void
resolvers_and_mimic (void)
{
  mirage_resolver *r;
  mirage_ipaddr a[4];
  size_t n = 0;
  char b[MIRAGE_IPADDR_STRLEN];
  int e = mirage_resolver_dns (stack, NULL, servers ("udp:127.0.0.1:%u", udp_port), &r);
  e = e == 0 ? mirage_resolve (r, "a.test", a, 4, &n) : e;
  tap_ok (e == 0 && n == 2 && a[0].version == MIRAGE_IPV4 && a[1].version == MIRAGE_IPV6,
          "resolver_dns: a.test gives its IPv4 then its IPv6 address (%d, %zu)", e, n);
  e = mirage_resolve (r, "nx.test", a, 4, &n);
  tap_is (e, -ENOENT, "resolver_dns: NXDOMAIN");
  e = mirage_resolve (r, "2001:db8::5", a, 4, &n);
  tap_ok (e == 0 && n == 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "2001:db8::5") == 0,
          "resolver_dns: an IP literal is itself");
  mirage_resolver_free (r);
  e = mirage_resolver_unix_system (NULL, &r);
  e = e == 0 ? mirage_resolve (r, "localhost", a, 4, &n) : e;
  tap_ok (e == 0 && n >= 1 && strcmp (mirage_ipaddr_to_string (&a[0], b), "127.0.0.1") == 0,
          "resolver_unix_system: localhost from /etc/hosts (%d)", e);
  if (e == 0)
    mirage_resolver_free (r);

  mirage_happy_eyeballs *he;
  mirage_dns_client *c = NULL;
  mirage_happy_eyeballs_connect_device (stack, NULL, &he);
  mirage_dns_client_config cfg = { servers ("udp:127.0.0.1:%u", udp_port), 0, 0 };
  mirage_dns_client_connect (stack, he, NULL, &cfg, &c);
  mirage_mimic *m;
  mirage_mimic_happy_eyeballs (stack, he, c, &m);
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_tcp_listener *l;
  mirage_endpoint ep;
  mirage_tcp_listen (stack, &lo, 0, &l);
  mirage_tcp_listener_endpoint (l, &ep);
  mirage_flow *f;
  e = mirage_mimic_connect (m, "lo.test", ep.port, &f);
  if (e == 0)
    mirage_tcp_close (f);
  tap_is (e, 0, "mimic_happy_eyeballs: connects to a name the DNS client resolves");
  e = mirage_mimic_connect (m, "nx.test", ep.port, &f);
  tap_is (e, -ENOENT, "mimic_happy_eyeballs: an unknown name is -ENOENT");
  mirage_tcp_unlisten (l);
  mirage_mimic_free (m);
  mirage_dns_client_free (c);
  mirage_happy_eyeballs_free (he);
}

static int
run (void *arg)
{
  (void) arg;
  resolvers_and_mimic ();
  basic ("udp");
  basic ("tcp");
  caching ();
  servers_in_order ();
  over_tls ();
  malicious ();
  kept_connection_closed ();
  return 0;
}

static void
parse_cases (void)
{
  static const struct { const char *text; int n; const char *msg; } cases[] = {
    { "udp:192.0.2.1", 1, NULL },
    { "tcp:192.0.2.1:5353,udp:[2001:db8::1]:53,tls:2001:db8::2", 3, NULL },
    { "tls:192.0.2.1!none", 1, NULL },
    { "tls:192.0.2.1:853!key-fp:sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1, NULL },
    { "192.0.2.1", 0, "nameserver 1 ('192.0.2.1'): expected udp:IP" },
    { "udp:192.0.2.1,sctp:192.0.2.1", 0, "nameserver 2 ('sctp:192.0.2.1'): unknown protocol 'sctp'" },
    { "udp:192.0.2", 0, "not an IP address" },
    { "udp:192.0.2.1:70000", 0, "not a port number" },
    { "udp:[::1", 0, "no ']'" },
    { "tls:192.0.2.1!key-fp:md4:AA", 0, "unknown hash algorithm 'md4'" },
    { "tls:192.0.2.1!", 0, "nothing after '!'" },
    { "udp:192.0.2.1,", 0, "nameserver 2 (''): expected" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mirage_dns_nameserver ns[4];
    size_t n = 0;
    char err[256];
    int r = mirage_dns__parse_nameservers (cases[i].text, strlen (cases[i].text), ns, 4, &n, err, sizeof err);
    if (cases[i].n > 0) {
      tap_ok (r == 0 && (int) n == cases[i].n, "nameservers '%s' parse (%s)", cases[i].text, err);
    } else {
      tap_is (r, -EINVAL, "nameservers '%s' are refused", cases[i].text);
      if (!tap_ok (strstr (err, cases[i].msg) != NULL, "... with '%s'", cases[i].msg))
        tap_diag ("message: %s", err);
    }
    mirage_dns__nameservers_clear (ns, n);
  }
  mirage_dns_nameserver ns[4];
  size_t n;
  char err[256];
  mirage_dns__parse_nameservers ("tls:[2001:db8::2]:8853!none", 27, ns, 4, &n, err, sizeof err);
  tap_ok (n == 1 && ns[0].proto == MIRAGE_DNS_TLS && ns[0].ep.port == 8853 && ns[0].ep.ip.version == MIRAGE_IPV6
          && ns[0].authenticator && strcmp (ns[0].authenticator, "none") == 0,
          "tls:[IPv6]:PORT!AUTH gives the protocol, address, port and authenticator");
  mirage_dns__nameservers_clear (ns, n);
}

static bool
start_unbound (pid_t *pid)
{
  char conf[8192];
  int len = snprintf (conf, sizeof conf,
    "server:\n"
    "  interface: 127.0.0.1@%u\n  interface: 127.0.0.1@%u\n  port: %u\n  tls-port: %u\n"
    "  tls-service-key: \"%s\"\n  tls-service-pem: \"%s\"\n"
    "  do-daemonize: no\n  use-syslog: no\n  chroot: \"\"\n  username: \"\"\n"
    "  directory: \"%s\"\n  pidfile: \"\"\n  logfile: \"\"\n  verbosity: 1\n  num-threads: 1\n"
    "  do-ip6: no\n  module-config: \"iterator\"\n  access-control: 127.0.0.0/8 allow\n"
    "  local-zone: \"test.\" static\n"
    "  local-data: \"test. 10 IN SOA ns.test. admin.test. 1 3600 600 86400 2\"\n"
    "  local-data: \"a.test. 2 IN A 192.0.2.1\"\n"
    "  local-data: \"a.test. 300 IN AAAA 2001:db8::1\"\n"
    "  local-data: \"a.test. 300 IN MX 10 mail.test.\"\n"
    "  local-data: \"alias.test. 300 IN CNAME a.test.\"\n"
    "  local-data: \"v4only.test. 300 IN A 192.0.2.4\"\n"
    "  local-data: \"lo.test. 300 IN A 127.0.0.1\"\n"
    "  local-zone: \"refused.test.\" refuse\n",
    udp_port, tls_port, udp_port, tls_port, fx_path ("dns.key"), fx_path ("dns.pem"), fx_dir);
  for (int i = 0; i < 8; i++)
    len += snprintf (conf + len, sizeof conf - (size_t) len,
                     "  local-data: 'big.test. 300 IN TXT \"%d%s\"'\n", i,
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  for (int i = 0; i < 9; i++)
    len += snprintf (conf + len, sizeof conf - (size_t) len,
                     "  local-data: \"n%d.test. 300 IN A 192.0.2.%d\"\n", i, 10 + i);
  snprintf (conf + len, sizeof conf - (size_t) len, "remote-control:\n  control-enable: no\n");
  if (!fx_write ("unbound.conf", conf))
    return false;
  char *argv[] = { "unbound", "-d", "-c", (char *) fx_path ("unbound.conf"), NULL };
  *pid = fx_spawn (argv, "unbound.log");
  return *pid > 0 && fx_wait_tcp (udp_port, 5000) && fx_wait_tcp (tls_port, 5000);
}

int
main (void)
{
  parse_cases ();
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_cert ("dns", "ca", "dns.test", false)) {
    tap_ok (false, "certtool made the test CA and certificates (see %s/certtool.log)", fx_dir);
    return tap_done ();
  }
  ca_b64 = ca_der_b64 ();
  udp_port = fx_free_port ();
  tls_port = fx_free_port ();
  pid_t ub = -1;
  if (tap_ok (start_unbound (&ub), "unbound runs (log: %s/unbound.log)", fx_dir)) {
    mirage_socket_stack (NULL, &stack);
    char *error = NULL;
    int r = mirage_loop_run ("dns", run, NULL, &error);
    tap_is (r, 0, "the loop ends well (%s)", error ? error : "");
    free (error);
    mirage_stack_disconnect (stack);
  }
  fx_kill (ub);
  if (tap_failed == 0)
    fx_cleanup ();
  free (ca_b64);
  return tap_done ();
}
