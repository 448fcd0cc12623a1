/* http-client-pool.c: a request's connection: taken from the pool of
 * kept-alive connections (per origin, dropped when idle too long or, for
 * HTTP/2, no longer usable), or made (mimic, or resolver + conduit; TLS
 * with ALPN picks HTTP/2 or HTTP/1.1) under the client's timeout, and
 * given back to the pool or closed when the request is done with it. */
#include "http-client-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
_hc_conn_close (hc_conn *k)
{
  if (k == NULL)
    return;
  if (k->h2)
    _hc_h2_close (k);
  if (k->tls)
    mirage_tls_close (k->tls);
  else if (k->cflow)
    mirage_conduit_close (k->cflow);
  else if (k->tcp)
    mirage_tcp_close (k->tcp);
  free (k->origin);
  free (k);
}

void
_hc_pool_clear (hc_client *c)
{
  while (c->pool)
    {
      hc_conn *k = c->pool;
      c->pool = k->next;
      _hc_conn_close (k);
    }
}
/* ---- connecting ---- */

typedef struct {
  mirage_http_client_request *r;
  hc_conn *conn;
  int status;
  char error[400];
} connect_job;

static int
connect_task (void *arg)
{
  connect_job *j = arg;
  mirage_http_client_request *r = j->r;
  hc_client *c = r->client;
  bool tls = strcmp (r->scheme, "https") == 0;
  hc_conn *k = calloc (1, sizeof *k);
  char *error = NULL;
  int e;

  if (k == NULL)
    return j->status = -ENOMEM;
  if (c->mimic)
    {
      e = mirage_mimic_connect (c->mimic, r->host, r->port, &k->tcp);
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot connect to %s port %u: %s", r->host, r->port,
                    e == -ENOENT ? "no such host" : strerror (-e));
          free (k);
          return j->status = e;
        }
    }
  else
    {
      mirage_ipaddr ips[8];
      size_t n = 0;
      mirage_conduit_flow *raw = NULL;
      e = c->resolver ? mirage_resolve (c->resolver, r->host, ips, 8, &n) : -EHOSTUNREACH;
      if (e == 0 && n == 0)
        e = -ENOENT;
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot resolve %s: %s", r->host,
                    e == -ENOENT ? "no such host" : strerror (-e));
          free (k);
          return j->status = e;
        }
      for (size_t i = 0; i < n; i++)
        {
          mirage_endpoint dst = { ips[i], r->port };
          free (error);
          error = NULL;
          e = mirage_conduit_connect (c->conduit, &dst, r->host, &raw, &error);
          if (e == 0)
            break;
        }
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot connect to %s port %u: %s", r->host, r->port,
                    error ? error : strerror (-e));
          free (error);
          free (k);
          return j->status = e;
        }
      k->tcp = mirage_conduit_tcp_flow (raw);
      if (k->tcp)
        free (raw);          /* conduit_direct: the TCP flow is ours (as conduit-tls.c) */
      else if (!tls)
        {
          mirage_conduit_close (raw);
          snprintf (j->error, sizeof j->error, "cannot fetch %s: the conduit speaks TLS only (http:// needs conduit_direct)", r->url);
          free (k);
          return j->status = -EPROTONOSUPPORT;
        }
      else
        {
          k->cflow = raw;    /* conduit_tls: the conduit did the TLS */
          tls = false;
        }
    }
  if (tls)
    {
      mirage_flow *flow = k->tcp;
      if (_hc_client_tls (c) == NULL)
        {
          mirage_tcp_close (flow);
          snprintf (j->error, sizeof j->error, "cannot fetch %s: %s", r->url,
                    c->tls_error ? c->tls_error : strerror (ENOMEM));
          free (k);
          return j->status = -ENOKEY;
        }
      e = mirage_tls_client (c->tls, flow, r->host, &k->tls, &error);
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "TLS with %s port %u: %s", r->host, r->port,
                    error ? error : strerror (-e));
          free (error);
          free (k);        /* the session closed the flow */
          return j->status = e;
        }
      if (mirage_tls_alpn (k->tls) && strcmp (mirage_tls_alpn (k->tls), "h2") == 0)
        k->version = 20;
    }
  free (error);
  if (k->version == 0)
    k->version = 11;
  k->origin = _hc_origin_of (r);
  if (k->origin == NULL)
    {
      _hc_conn_close (k);
      return j->status = -ENOMEM;
    }
  j->conn = k;
  return j->status = 0;
}

/* ---- the pool ---- */

static hc_conn *
pool_take (mirage_http_client_request *r, const char *origin)
{
  hc_client *c = r->client;
  hc_conn **pp = &c->pool;
  uint64_t now = mirage_loop_now_ns ();
  while (*pp)
    {
      hc_conn *k = *pp;
      bool stale = c->opts.idle_timeout_ns && now - k->idle_since > c->opts.idle_timeout_ns;
      if (stale || (k->h2 && !_hc_h2_usable (k)))
        {
          *pp = k->next;
          _hc_conn_close (k);
          continue;
        }
      if (strcmp (k->origin, origin) == 0)
        {
          *pp = k->next;
          k->next = NULL;
          k->reused = true;
          return k;
        }
      pp = &k->next;
    }
  return NULL;
}

int
_hc_get_conn (mirage_http_client_request *r, bool fresh)
{
  char *origin = _hc_origin_of (r);
  connect_job j;
  int e;
  if (origin == NULL)
    return -ENOMEM;
  r->conn = fresh ? NULL : pool_take (r, origin);
  free (origin);
  if (r->conn)
    return 0;
  memset (&j, 0, sizeof j);
  j.r = r;
  if (r->client->opts.timeout_ns && mirage_task_self ())
    e = mirage_task_with_timeout (r->client->opts.timeout_ns, "http-client-connect", connect_task, &j);
  else
    e = connect_task (&j);
  if (e == -ETIMEDOUT && j.conn == NULL)
    return _hc_fail (r, e, "connecting to %s port %u took more than %.1f s", r->host, r->port,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (j.conn == NULL)
    return _hc_fail (r, j.status < 0 ? j.status : -EIO, "%s", j.error[0] ? j.error : strerror (-j.status));
  r->conn = j.conn;
  if (r->conn->version == 20 && (e = _hc_h2_open (r->conn)) < 0)
    {
      _hc_conn_close (r->conn);
      r->conn = NULL;
      return _hc_fail (r, e, "HTTP/2 with %s: %s", r->host, strerror (-e));
    }
  mirage_log_debug (&_hc_log, "connected to %s port %u (%s)", r->host, r->port,
                    r->conn->version == 20 ? "HTTP/2" : "HTTP/1.1");
  return 0;
}

/* Gives the connection back to the pool, or closes it. */
void
_hc_release_conn (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  hc_conn *k = r->conn;
  size_t same = 0;
  if (k == NULL)
    return;
  if (k->version == 20)
    _hc_h2_release (r);
  r->conn = NULL;
  if (!r->reusable || r->timed_out || (k->version == 11 && k->in_off < k->in_len)
      || (k->h2 && !_hc_h2_usable (k)))
    {
      _hc_conn_close (k);
      return;
    }
  for (hc_conn *p = c->pool; p; p = p->next)
    same += strcmp (p->origin, k->origin) == 0;
  if (same >= c->opts.max_idle_per_origin)
    {
      _hc_conn_close (k);
      return;
    }
  k->idle_since = mirage_loop_now_ns ();
  k->next = c->pool;
  c->pool = k;
}
