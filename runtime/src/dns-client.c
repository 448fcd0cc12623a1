/* dns-client.c: generic_dns_client (mirage/dns.h): transports, retries
 * and the cache, on the runtime's tasks.
 *
 * A lookup looks in the cache, then asks each nameserver in turn, each
 * attempt in its own task under mirage_task_with_timeout so the timeout
 * bounds everything it does (connecting, a TLS handshake, waiting). Over
 * UDP a socket is bound to a random port for the query and closed after
 * it; datagrams from elsewhere or that do not answer the query are
 * dropped and the wait goes on. A truncated answer is asked again over
 * TCP to the same server. TCP and TLS use the two-byte length framing of
 * RFC 1035 4.2.2, and keep one idle connection per server for the next
 * query (as ocaml-dns keeps its connections), so DNS over TLS does not
 * pay a handshake per lookup.
 *
 * The cache is a small array searched linearly (cache_size is tens of
 * entries in Mirage), evicting the least recently used entry. */
#include "dns-private.h"

#include "mirage/log.h"
#include "mirage/task.h"
#include "mirage/tls.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

MIRAGE_LOG_SRC (dns_log, "dns_client", "DNS client");

typedef struct {
  char name[256];
  uint16_t type;
  int status;               /* 0, -ENOENT or -ENODATA */
  mirage_dns_answer answer;
  uint64_t stored_ns, expires_ns, used;
  bool valid;
} cache_entry;

/* a TCP or TLS connection to a nameserver */
typedef struct {
  mirage_flow *flow;
  mirage_tls *tls;
} stream;

typedef struct dns_impl {
  struct mirage_dns_client base;      /* the public head (the header) */
  mirage_stack *stack;
  mirage_random *random;
  mirage_dns_nameserver servers[MIRAGE_DNS_MAX_NAMESERVERS];
  mirage_tls_config *tls[MIRAGE_DNS_MAX_NAMESERVERS];
  stream idle[MIRAGE_DNS_MAX_NAMESERVERS];    /* kept connections, by server */
  size_t n_servers;
  uint64_t timeout_ns;
  cache_entry *cache;
  size_t cache_size;
  uint64_t use_clock;
  mirage_dns_stats stats;
  uint8_t pool[256];        /* random bytes, taken two at a time */
  size_t pool_left;
} dns_impl;

/* ---- connection ---- */

static int
read_resolv_conf (char *buf, size_t size)
{
  FILE *f = fopen ("/etc/resolv.conf", "re");
  size_t used = 0;
  buf[0] = '\0';
  /* missing: glibc's default below; unreadable (EACCES, as a sandbox
   * without a rule for it would make it) is an error, not a silent
   * fallback to another nameserver */
  if (!f && errno != ENOENT)
    return -errno;
  if (f) {
    char line[512];
    while (fgets (line, sizeof line, f)) {
      char ip[128];
      if (sscanf (line, " nameserver %127s", ip) != 1)
        continue;
      mirage_ipaddr a;
      char *pct = strchr (ip, '%');    /* fe80::1%eth0: no scopes here */
      if (pct || mirage_ipaddr_parse (ip, 0, &a) < 0)
        continue;
      int n = snprintf (buf + used, size - used, "%sudp:%s%s%s", used ? "," : "",
                        a.version == MIRAGE_IPV6 ? "[" : "", ip, a.version == MIRAGE_IPV6 ? "]" : "");
      if (n < 0 || (size_t) n >= size - used)
        break;
      used += (size_t) n;
    }
    fclose (f);
  }
  if (used == 0)            /* glibc's default with no nameserver line */
    snprintf (buf, size, "udp:127.0.0.1");
  return 0;
}

static int
resolve_for_he (void *ctx, const char *host, mirage_ip_version v, mirage_ipaddr *out,
                size_t max, size_t *n)
{
  dns_impl *c = ctx;
  return v == MIRAGE_IPV6 ? mirage_dns_gethostbyname6 (&c->base, host, out, max, n)
                          : mirage_dns_gethostbyname (&c->base, host, out, max, n);
}

int
mirage_dns_client_connect_full (mirage_stack *stack, mirage_happy_eyeballs *he,
                                mirage_random *random, const mirage_dns_client_config *cfg,
                                mirage_dns_client **out, char **error)
{
  char err[512], resolv[2048];
  const char *text = cfg && cfg->nameservers && *cfg->nameservers ? cfg->nameservers : NULL;
  if (error)
    *error = NULL;
  dns_impl *c = calloc (1, sizeof *c);
  if (!c)
    return -ENOMEM;
  c->stack = stack;
  c->random = random ? random : mirage_default_random ();
  c->timeout_ns = cfg && cfg->timeout_ns > 0 ? (uint64_t) cfg->timeout_ns : MIRAGE_DNS_DEFAULT_TIMEOUT_NS;
  c->cache_size = cfg && cfg->cache_size > 0 ? (size_t) cfg->cache_size : MIRAGE_DNS_DEFAULT_CACHE_SIZE;
  if (!text) {
    int e = read_resolv_conf (resolv, sizeof resolv);
    if (e < 0) {
      if (error && asprintf (error, "dns servers: cannot read /etc/resolv.conf: %s", strerror (-e)) < 0)
        *error = NULL;
      free (c);
      return e;
    }
    text = resolv;
  }
  int r = mirage_dns__parse_nameservers (text, strlen (text), c->servers, MIRAGE_DNS_MAX_NAMESERVERS,
                                         &c->n_servers, err, sizeof err);
  if (r < 0) {
    if (error && r == -EINVAL && asprintf (error, "dns servers: %s", err) < 0)
      *error = NULL;
    free (c);
    return r;
  }
  c->cache = calloc (c->cache_size, sizeof *c->cache);
  if (!c->cache) {
    mirage_dns_client_free (&c->base);
    return -ENOMEM;
  }
  for (size_t i = 0; i < c->n_servers; i++) {
    if (c->servers[i].proto != MIRAGE_DNS_TLS)
      continue;
    char *msg = NULL;
    r = mirage_tls_client_config_new (c->servers[i].authenticator, &c->tls[i], &msg);
    if (r < 0) {
      if (error && asprintf (error, "dns servers: nameserver %zu: %s", i + 1,
                             msg ? msg : strerror (-r)) < 0)
        *error = NULL;
      free (msg);
      mirage_dns_client_free (&c->base);
      return r;
    }
  }
  if (he)
    mirage_happy_eyeballs_inject (he, resolve_for_he, c);
  c->base.stack = stack;
  *out = &c->base;
  return 0;
}

int
mirage_dns_client_connect (mirage_stack *stack, mirage_happy_eyeballs *he, mirage_random *random,
                           const mirage_dns_client_config *cfg, mirage_dns_client **out)
{
  char *error = NULL;
  int r = mirage_dns_client_connect_full (stack, he, random, cfg, out, &error);
  if (r < 0)
    mirage_log_err (&dns_log, "%s", error ? error : strerror (-r));
  free (error);
  return r;
}

void
mirage_dns_client_free (mirage_dns_client *c_)
{
  dns_impl *c = (dns_impl *) c_;
  if (!c)
    return;
  for (size_t i = 0; i < c->cache_size && c->cache; i++)
    mirage_dns_answer_clear (&c->cache[i].answer);
  free (c->cache);
  for (size_t i = 0; i < c->n_servers; i++) {
    if (c->idle[i].tls)
      mirage_tls_close (c->idle[i].tls);
    else if (c->idle[i].flow)
      mirage_tcp_close (c->idle[i].flow);
    mirage_tls_config_free (c->tls[i]);
  }
  mirage_dns__nameservers_clear (c->servers, c->n_servers);
  free (c);
}

void
mirage_dns_client_stats (mirage_dns_client *c_, mirage_dns_stats *out)
{
  dns_impl *c = (dns_impl *) c_;
  *out = c->stats;
}

/* ---- the cache ---- */

static cache_entry *
cache_find (dns_impl *c, const char *name, uint16_t type)
{
  uint64_t now = mirage_loop_now_ns ();
  for (size_t i = 0; i < c->cache_size; i++) {
    cache_entry *e = &c->cache[i];
    if (!e->valid || e->type != type || strcmp (e->name, name) != 0)
      continue;
    if (now >= e->expires_ns) {
      mirage_dns_answer_clear (&e->answer);
      e->valid = false;
      return NULL;
    }
    e->used = ++c->use_clock;
    return e;
  }
  return NULL;
}

static int
copy_answer (const mirage_dns_answer *from, uint32_t elapsed_s, mirage_dns_answer *to)
{
  to->n = 0;
  to->records = from->n ? calloc (from->n, sizeof *to->records) : NULL;
  if (from->n && !to->records)
    return -ENOMEM;
  for (size_t i = 0; i < from->n; i++) {
    mirage_dns_record *d = &to->records[i];
    const mirage_dns_record *s = &from->records[i];
    d->name = strdup (s->name);
    d->data = strdup (s->data);
    d->type = s->type;
    d->ttl = s->ttl > elapsed_s ? s->ttl - elapsed_s : 0;
    to->n++;
    if (!d->name || !d->data) {
      mirage_dns_answer_clear (to);
      return -ENOMEM;
    }
  }
  return 0;
}

static void
cache_store (dns_impl *c, const char *name, uint16_t type, int status,
             const mirage_dns_answer *answer, uint32_t ttl)
{
  if (ttl == 0)
    return;
  cache_entry *slot = NULL;
  for (size_t i = 0; i < c->cache_size && !slot; i++)
    if (c->cache[i].valid && c->cache[i].type == type && strcmp (c->cache[i].name, name) == 0)
      slot = &c->cache[i];
  for (size_t i = 0; i < c->cache_size && !slot; i++)
    if (!c->cache[i].valid)
      slot = &c->cache[i];
  if (!slot) {
    slot = &c->cache[0];
    for (size_t i = 1; i < c->cache_size; i++)
      if (c->cache[i].used < slot->used)
        slot = &c->cache[i];
  }
  mirage_dns_answer_clear (&slot->answer);
  slot->valid = false;
  if (answer && copy_answer (answer, 0, &slot->answer) < 0)
    return;
  snprintf (slot->name, sizeof slot->name, "%s", name);
  slot->type = type;
  slot->status = status;
  slot->stored_ns = mirage_loop_now_ns ();
  slot->expires_ns = slot->stored_ns + (uint64_t) ttl * MIRAGE_NS_PER_S;
  slot->used = ++c->use_clock;
  slot->valid = true;
}

/* ---- transports ---- */

typedef struct {
  dns_impl *c;
  size_t server;
  const char *name;
  uint16_t type;
  uint16_t id;
  const uint8_t *query;
  size_t query_len;
  bool force_tcp;
  mirage_dns_result result;
} attempt;

/* Two random bytes; the device is asked for a pool at a time (one system
 * call per 128 values instead of one each). */
static int
random_u16 (dns_impl *c, uint16_t *out)
{
  if (c->pool_left < 2) {
    int r = mirage_random_generate (c->random, c->pool, sizeof c->pool);
    if (r < 0)
      return r;
    c->pool_left = sizeof c->pool;
  }
  c->pool_left -= 2;
  memcpy (out, c->pool + c->pool_left, 2);
  memset (c->pool + c->pool_left, 0, 2);   /* used once */
  return 0;
}

static int
udp_attempt (attempt *a)
{
  dns_impl *c = a->c;
  const mirage_endpoint *ns = &c->servers[a->server].ep;
  mirage_udp *u = NULL;
  int r = -EADDRINUSE;
  /* a random source port (RFC 5452); the kernel's if ten tries collide */
  /* bound to the server's family (no dual-stack socket to set up) */
  mirage_ipaddr any = { ns->ip.version, { 0 } };
  for (int i = 0; i < 10 && r == -EADDRINUSE; i++) {
    uint16_t port;
    if ((r = random_u16 (c, &port)) < 0)
      return r;
    r = mirage_udp_bind (c->stack, &any, (uint16_t) (1024 + port % (65536 - 1024)), &u);
  }
  if (r == -EADDRINUSE || r == -EACCES)
    r = mirage_udp_bind (c->stack, &any, 0, &u);
  if (r < 0)
    return r;
  r = mirage_udp_send (u, ns, a->query, a->query_len);
  c->stats.queries_sent++;
  uint8_t buf[4096];
  while (r == 0) {
    mirage_endpoint src;
    ssize_t n = mirage_udp_recv (u, buf, sizeof buf, &src);
    if (n < 0) {
      r = (int) n;
      break;
    }
    if (!mirage_ipaddr_equal (&src.ip, &ns->ip) || src.port != ns->port
        || mirage_dns__parse_response (buf, (size_t) n, a->id, a->name, a->type, &a->result) < 0) {
      c->stats.dropped++;
      mirage_log_debug (&dns_log, "dropped a datagram that does not answer the query for %s", a->name);
      continue;
    }
    break;
  }
  mirage_udp_close (u);
  return r;
}


static ssize_t
stream_read (stream *s, void *buf, size_t len)
{
  return s->tls ? mirage_tls_read (s->tls, buf, len) : mirage_tcp_read (s->flow, buf, len);
}

static int
read_exact (stream *s, uint8_t *buf, size_t len)
{
  while (len > 0) {
    ssize_t n = stream_read (s, buf, len);
    if (n < 0)
      return (int) n;
    if (n == 0)
      return -ECONNRESET;
    buf += n;
    len -= (size_t) n;
  }
  return 0;
}

static void
stream_close (stream *s)
{
  if (s->tls)
    mirage_tls_close (s->tls);
  else if (s->flow)
    mirage_tcp_close (s->flow);
  s->tls = NULL;
  s->flow = NULL;
}

static int
stream_open (dns_impl *c, size_t server, bool tls, stream *s)
{
  const mirage_endpoint *ns = &c->servers[server].ep;
  int r = mirage_tcp_connect (c->stack, ns, &s->flow);
  if (r < 0)
    return r;
  c->stats.connections++;
  if (tls) {
    char *error = NULL;
    char host[MIRAGE_IPADDR_STRLEN];
    mirage_ipaddr_to_string (&ns->ip, host);
    r = mirage_tls_client (c->tls[server], s->flow, NULL, &s->tls, &error);
    s->flow = NULL;          /* the session's now, also on failure */
    if (r < 0) {
      mirage_log_warn (&dns_log, "nameserver tls:%s:%u: %s", host, ns->port,
                       error ? error : strerror (-r));
      free (error);
      return r;
    }
  }
  return 0;
}

/* One query and its answer over @s (RFC 1035 4.2.2 framing). */
static int
exchange (attempt *a, stream *s)
{
  dns_impl *c = a->c;
  uint8_t *msg = malloc (a->query_len + 2);
  if (!msg)
    return -ENOMEM;
  msg[0] = (uint8_t) (a->query_len >> 8);
  msg[1] = (uint8_t) a->query_len;
  memcpy (msg + 2, a->query, a->query_len);
  int r = s->tls ? mirage_tls_write (s->tls, msg, a->query_len + 2)
                 : mirage_tcp_write (s->flow, msg, a->query_len + 2);
  free (msg);
  c->stats.queries_sent++;
  if (r < 0)
    return r;
  uint8_t lenbuf[2];
  if ((r = read_exact (s, lenbuf, 2)) < 0)
    return r;
  size_t len = (size_t) lenbuf[0] << 8 | lenbuf[1];
  uint8_t *buf = malloc (len ? len : 1);
  if (!buf)
    return -ENOMEM;
  r = read_exact (s, buf, len);
  if (r == 0 && mirage_dns__parse_response (buf, len, a->id, a->name, a->type, &a->result) < 0) {
    c->stats.dropped++;
    r = -EPROTO;
  }
  free (buf);
  return r;
}

/* TCP and TLS: an idle connection to the server is taken if there is
 * one (a task holds a connection alone while it uses it), else a new
 * one is made; after a good answer it goes back for the next query. A
 * kept connection the server has closed in the meantime fails at once:
 * the query is then sent once more over a new one. A connection whose
 * query failed or timed out is closed, never reused. */
static int
stream_attempt (attempt *a, bool tls)
{
  dns_impl *c = a->c;
  stream s = { c->idle[a->server].flow, c->idle[a->server].tls };
  bool reused = s.flow || s.tls;
  c->idle[a->server] = (stream) { NULL, NULL };
  int r = 0;
  if (!reused)
    r = stream_open (c, a->server, tls, &s);
  if (r == 0)
    r = exchange (a, &s);
  if (r < 0 && reused && (r == -ECONNRESET || r == -EPIPE || r == -EPROTO)) {
    stream_close (&s);
    mirage_dns__result_clear (&a->result);
    r = stream_open (c, a->server, tls, &s);
    if (r == 0)
      r = exchange (a, &s);
  }
  if (r == 0 && !c->idle[a->server].flow && !c->idle[a->server].tls)
    c->idle[a->server] = s;
  else
    stream_close (&s);
  return r;
}

static int
run_attempt (void *arg)
{
  attempt *a = arg;
  mirage_dns_proto proto = a->c->servers[a->server].proto;
  if (proto == MIRAGE_DNS_UDP && !a->force_tcp)
    return udp_attempt (a);
  return stream_attempt (a, proto == MIRAGE_DNS_TLS);
}

static const char *
proto_name (mirage_dns_proto p)
{
  return p == MIRAGE_DNS_UDP ? "udp" : p == MIRAGE_DNS_TCP ? "tcp" : "tls";
}

/* ---- lookups ---- */

static const char *
rcode_name (int rcode)
{
  static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
  return rcode >= 0 && rcode < 6 ? names[rcode] : "an error code";
}

static int
lookup (dns_impl *c, uint16_t type, const char *raw_name, mirage_dns_answer *out, int depth)
{
  char name[258];
  memset (out, 0, sizeof *out);
  if (mirage_dns__normalize_name (raw_name, name, sizeof name) < 0)
    return -EINVAL;
  cache_entry *e = cache_find (c, name, type);
  if (e) {
    c->stats.cache_hits++;
    if (e->status < 0)
      return e->status;
    uint64_t elapsed = (mirage_loop_now_ns () - e->stored_ns) / MIRAGE_NS_PER_S;
    return copy_answer (&e->answer, (uint32_t) elapsed, out);
  }
  int last = -EPROTO;
  for (size_t i = 0; i < c->n_servers; i++) {
    attempt a = { .c = c, .server = i, .name = name, .type = type };
    uint8_t *query = NULL;
    int r = random_u16 (c, &a.id);
    if (r == 0)
      r = mirage_dns__build_query (a.id, name, type, &query, &a.query_len);
    if (r < 0)
      return r;
    a.query = query;
    r = mirage_task_with_timeout (c->timeout_ns, "dns-query", run_attempt, &a);
    if (r == 0 && a.result.truncated) {
      /* too big for UDP: the same server over TCP, with a new ID */
      c->stats.tcp_fallbacks++;
      mirage_dns__result_clear (&a.result);
      free (query);
      query = NULL;
      r = random_u16 (c, &a.id);
      if (r == 0)
        r = mirage_dns__build_query (a.id, name, type, &query, &a.query_len);
      if (r < 0)
        return r;
      a.query = query;
      a.force_tcp = true;
      r = mirage_task_with_timeout (c->timeout_ns, "dns-query", run_attempt, &a);
    }
    free (query);
    if (r == -ECANCELED && mirage_task_is_cancelled ())
      return r;
    char ip[MIRAGE_IPADDR_STRLEN];
    mirage_ipaddr_to_string (&c->servers[i].ep.ip, ip);
    if (r < 0) {
      mirage_log_warn (&dns_log, "%s %s: nameserver %s:%s:%u: %s", name,
                       mirage_dns_type_to_string (type), proto_name (c->servers[i].proto), ip,
                       c->servers[i].ep.port, r == -ETIMEDOUT ? "no answer in time" : strerror (-r));
      last = r == -ETIMEDOUT || r == -EKEYREJECTED || r == -ECONNREFUSED ? r : -EPROTO;
      if (r == -ENOMEM)
        return r;
      continue;
    }
    mirage_dns_result *res = &a.result;
    if (res->rcode != LDNS_RCODE_NOERROR && res->rcode != LDNS_RCODE_NXDOMAIN) {
      mirage_log_warn (&dns_log, "%s %s: nameserver %s:%s:%u answered %s", name,
                       mirage_dns_type_to_string (type), proto_name (c->servers[i].proto), ip,
                       c->servers[i].ep.port, rcode_name (res->rcode));
      mirage_dns__result_clear (res);
      last = -EPROTO;
      continue;
    }
    int status = res->rcode == LDNS_RCODE_NXDOMAIN ? -ENOENT : res->answer.n == 0 ? -ENODATA : 0;
    if (status == -ENODATA && res->cname_target[0] && depth < MIRAGE_DNS_MAX_CHAIN) {
      /* the chain goes on at a name the answer did not cover */
      char target[sizeof res->cname_target];
      memcpy (target, res->cname_target, sizeof target);
      mirage_dns__result_clear (res);
      return lookup (c, type, target, out, depth + 1);
    }
    if (status < 0) {
      if (res->has_negative_ttl)
        cache_store (c, name, type, status, NULL, res->negative_ttl);
    } else {
      cache_store (c, name, type, 0, &res->answer, res->ttl);
      *out = res->answer;
      res->answer.records = NULL;
      res->answer.n = 0;
    }
    mirage_dns__result_clear (res);
    return status;
  }
  return last;
}

int
mirage_dns_get_records (mirage_dns_client *c_, uint16_t type, const char *name, mirage_dns_answer *out)
{
  dns_impl *c = (dns_impl *) c_;
  return lookup (c, type, name, out, 0);
}

static int
addresses (dns_impl *c, uint16_t type, const char *name, mirage_ipaddr *out,
           size_t max, size_t *n)
{
  mirage_dns_answer a;
  *n = 0;
  int r = lookup (c, type, name, &a, 0);
  if (r < 0)
    return r;
  for (size_t i = 0; i < a.n && *n < max; i++)
    if (a.records[i].type == type
        && mirage_ipaddr_parse (a.records[i].data, type == MIRAGE_DNS_A ? 4 : 6, &out[*n]) == 0)
      (*n)++;
  mirage_dns_answer_clear (&a);
  return *n > 0 ? 0 : -ENODATA;
}

int
mirage_dns_gethostbyname (mirage_dns_client *c_, const char *name, mirage_ipaddr *out,
                          size_t max, size_t *n)
{
  dns_impl *c = (dns_impl *) c_;
  return addresses (c, MIRAGE_DNS_A, name, out, max, n);
}

int
mirage_dns_gethostbyname6 (mirage_dns_client *c_, const char *name, mirage_ipaddr *out,
                           size_t max, size_t *n)
{
  dns_impl *c = (dns_impl *) c_;
  return addresses (c, MIRAGE_DNS_AAAA, name, out, max, n);
}

uint16_t
mirage_dns_type_of_string (const char *name)
{
  if (!name || !*name)
    return 0;
  ldns_rr_type t = ldns_get_rr_type_by_name (name);
  return (uint16_t) t;
}

const char *
mirage_dns_type_to_string (uint16_t type)
{
  const ldns_rr_descriptor *d = ldns_rr_descript (type);
  return d && d->_name ? d->_name : "TYPE?";
}

const char *
mirage_dns_strerror (int err)
{
  switch (err) {
  case 0: return "success";
  case -ENOENT: return "no such domain (NXDOMAIN)";
  case -ENODATA: return "no record of that type";
  case -ETIMEDOUT: return "no nameserver answered in time";
  case -EPROTO: return "every nameserver failed (SERVFAIL, REFUSED or a malformed answer)";
  case -EINVAL: return "not a domain name";
  case -EKEYREJECTED: return "a nameserver's TLS certificate was refused";
  default: return strerror (-err);
  }
}
