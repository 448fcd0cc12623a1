/* http-client-io.c: reads and writes on a request's connection under
 * its deadline.
 *
 * Timeouts: a request's reads and writes set a deadline; a watchdog
 * task per request sleeps until it and, if the operation is still
 * under way then, shuts the TCP flow down, so the suspended read or
 * write returns and the request fails with -ETIMEDOUT. Connecting (and
 * the TLS handshake) runs under mirage_task_with_timeout instead
 * (http-client-pool.c). */
#include "http-client-private.h"

#include <errno.h>
#include <string.h>

static int
watchdog_task (void *arg)
{
  mirage_http_client_request *r = arg;
  for (;;)
    {
      uint64_t d = r->deadline ? r->deadline : mirage_loop_now_ns () + r->client->opts.timeout_ns;
      if (mirage_task_sleep_until (d) < 0)
        return 0;
      if (r->deadline != 0 && mirage_loop_now_ns () >= r->deadline)
        {
          r->timed_out = true;
          if (r->conn && r->conn->tcp)
            mirage_tcp_shutdown (r->conn->tcp, MIRAGE_SHUTDOWN_READ_WRITE);
          return 0;
        }
    }
}

static void
arm (mirage_http_client_request *r)
{
  uint64_t t = r->client->opts.timeout_ns;
  if (t == 0 || mirage_task_self () == NULL)
    return;
  r->deadline = mirage_loop_now_ns () + t;
  if (r->watchdog == NULL)
    r->watchdog = mirage_task_spawn ("http-client-timeout", watchdog_task, r);
}

ssize_t
_hc_fill (mirage_http_client_request *r)
{
  hc_conn *k = r->conn;
  ssize_t n;
  arm (r);
  if (k->tls)
    n = mirage_tls_read (k->tls, k->in, sizeof k->in);
  else if (k->cflow)
    n = mirage_conduit_read (k->cflow, k->in, sizeof k->in);
  else
    n = mirage_tcp_read (k->tcp, k->in, sizeof k->in);
  r->deadline = 0;
  if (r->timed_out)
    return _hc_fail (r, -ETIMEDOUT, "%s did not answer within %.1f s", r->host,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (n > 0)
    {
      k->in_off = 0;
      k->in_len = (size_t) n;
    }
  else if (n < 0)
    _hc_fail (r, (int) n, "reading from %s: %s", r->host, strerror ((int) -n));
  return n;
}

int
_hc_write (mirage_http_client_request *r, const void *buf, size_t len)
{
  hc_conn *k = r->conn;
  int e;
  arm (r);
  if (k->tls)
    e = mirage_tls_write (k->tls, buf, len);
  else if (k->cflow)
    e = mirage_conduit_write (k->cflow, buf, len);
  else
    e = mirage_tcp_write (k->tcp, buf, len);
  r->deadline = 0;
  if (r->timed_out)
    return _hc_fail (r, -ETIMEDOUT, "%s did not take the request within %.1f s", r->host,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (e < 0)
    return _hc_fail (r, e, "writing to %s: %s", r->host, strerror (-e));
  return 0;
}
