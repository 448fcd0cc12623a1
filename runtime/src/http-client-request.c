/* http-client-request.c: one request: its method, URL and headers, the
 * head sent over a connection (from the pool, or a fresh one when a
 * kept connection turns out closed before any answer came), the body
 * streamed out, the response head awaited and its body read. The
 * protocol of each step is the connection's (http-client-h1.c or
 * http-client-h2.c); redirects are in http-client-redirect.c. */
#include "http-client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
mirage_http_client_request_new (mirage_http_client *cp, const char *method, const char *url,
                                mirage_http_client_request **out, char **error)
{
  hc_client *c = (hc_client *) cp;
  mirage_http_client_request *r;
  int e;
  if (method == NULL)
    method = "GET";
  if (!_hc_is_token (method, strlen (method)))
    {
      _hc_set_error (error, "invalid HTTP method '%.64s'", method);
      return -EINVAL;
    }
  r = calloc (1, sizeof *r);
  if (r == NULL)
    return -ENOMEM;
  r->client = c;
  r->method = strdup (method);
  if (r->method == NULL)
    {
      free (r);
      return -ENOMEM;
    }
  e = _hc_set_url (r, url ? url : "");
  if (e < 0)
    {
      _hc_set_error (error, "%s", e == -ENOMEM ? strerror (ENOMEM) : r->error);
      mirage_http_client_request_free (r);
      return e;
    }
  r->content_length = -1;
  *out = r;
  return 0;
}

int
mirage_http_client_request_add_header (mirage_http_client_request *r, const char *name,
                                       const char *value)
{
  char **grown;
  if (!_hc_is_token (name, strlen (name)) || !_hc_clean_text (value))
    return _hc_fail (r, -EINVAL, "invalid request header '%.64s'", name);
  grown = realloc (r->req_headers, (r->n_req_headers + 1) * 2 * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  r->req_headers = grown;
  grown[2 * r->n_req_headers] = strdup (name);
  grown[2 * r->n_req_headers + 1] = strdup (value);
  r->n_req_headers++;
  if (grown[2 * r->n_req_headers - 2] == NULL || grown[2 * r->n_req_headers - 1] == NULL)
    return -ENOMEM;
  return 0;
}

void
_hc_drop_request_header (mirage_http_client_request *r, const char *name)
{
  size_t j = 0;
  for (size_t i = 0; i < r->n_req_headers; i++)
    {
      if (strcasecmp (r->req_headers[2 * i], name) == 0)
        {
          free (r->req_headers[2 * i]);
          free (r->req_headers[2 * i + 1]);
          continue;
        }
      r->req_headers[2 * j] = r->req_headers[2 * i];
      r->req_headers[2 * j + 1] = r->req_headers[2 * i + 1];
      j++;
    }
  r->n_req_headers = j;
}

static bool
retryable (mirage_http_client_request *r, int e)
{
  /* a kept connection the server closed meanwhile: nothing of the
   * answer came, and the request can be sent again as it was */
  return r->conn && r->conn->reused && r->body_length == 0 && r->status == 0 && r->head_len == 0
         && (e == -ECONNRESET || e == -EPIPE || e == -ENOTCONN || e == -ESHUTDOWN);
}

int
_hc_send_head (mirage_http_client_request *r)
{
  int e;
  for (int attempt = 0;; attempt++)
    {
      if ((e = _hc_get_conn (r, attempt > 0)) < 0)
        return e;
      r->version = r->conn->version;
      e = r->conn->version == 20 ? _hc_h2_send_head (r) : _hc_h1_send_head (r);
      if (e < 0 && attempt == 0 && retryable (r, e))
        {
          r->reusable = false;
          _hc_release_conn (r);
          continue;
        }
      return e;
    }
}

int
mirage_http_client_request_send (mirage_http_client_request *r, int64_t content_length)
{
  if (r->sent)
    return _hc_fail (r, -EALREADY, "the request to %s was already sent", r->url);
  if (content_length < -1)
    return _hc_fail (r, -EINVAL, "invalid body length %lld", (long long) content_length);
  r->sent = true;
  r->body_length = content_length;
  r->body_done = content_length == 0;
  r->head_request = strcmp (r->method, "HEAD") == 0;
  return _hc_send_head (r);
}

int
mirage_http_client_request_write (mirage_http_client_request *r, const void *buf, size_t len)
{
  int e;
  if (!r->sent || r->conn == NULL || r->waited)
    return _hc_fail (r, -EINVAL, "the request to %s is not sending a body", r->url);
  if (r->body_length >= 0 && r->body_sent + len > (uint64_t) r->body_length)
    return _hc_fail (r, -EFBIG, "the body to %s is longer than its %lld bytes", r->url,
                     (long long) r->body_length);
  if (len == 0)
    return 0;
  e = r->conn->version == 20 ? _hc_h2_write (r, buf, len) : _hc_h1_write (r, buf, len);
  if (e == 0)
    r->body_sent += len;
  return e;
}

int
_hc_read_head (mirage_http_client_request *r)
{
  int e;
  if (!r->body_done)
    {
      if (r->body_length > 0 && r->body_sent < (uint64_t) r->body_length)
        return _hc_fail (r, -EINVAL, "the body to %s ended after %llu of its %lld bytes", r->url,
                         (unsigned long long) r->body_sent, (long long) r->body_length);
      e = r->conn->version == 20 ? _hc_h2_end_body (r) : _hc_h1_end_body (r);
      if (e < 0)
        return e;
      r->body_done = true;
    }
  e = r->conn->version == 20 ? _hc_h2_read_head (r) : _hc_h1_read_head (r);
  if (e < 0 && retryable (r, e))
    {
      r->reusable = false;
      _hc_release_conn (r);
      _hc_reset_response (r);
      r->error[0] = '\0';
      r->error_code = 0;
      if ((e = _hc_get_conn (r, true)) < 0)
        return e;
      r->version = r->conn->version;
      e = r->conn->version == 20 ? _hc_h2_send_head (r) : _hc_h1_send_head (r);
      if (e == 0 && r->conn->version == 20)
        e = _hc_h2_end_body (r);
      if (e == 0)
        e = r->conn->version == 20 ? _hc_h2_read_head (r) : _hc_h1_read_head (r);
    }
  return e;
}


int
mirage_http_client_request_run (mirage_http_client_request *r)
{
  int e = mirage_http_client_request_send (r, 0);
  return e < 0 ? e : mirage_http_client_request_wait (r);
}

ssize_t
mirage_http_client_response_read (mirage_http_client_request *r, void *buf, size_t len)
{
  ssize_t n;
  if (r->ended)
    return 0;
  if (!r->waited || r->status == 0 || r->conn == NULL)
    return r->error_code < 0 ? r->error_code
                             : _hc_fail (r, -EINVAL, "no response from %s to read", r->url);
  n = r->conn->version == 20 ? _hc_h2_read (r, buf, len) : _hc_h1_read (r, buf, len);
  if (n == 0)
    r->ended = true;
  return n;
}

void
mirage_http_client_request_free (mirage_http_client_request *r)
{
  if (r == NULL)
    return;
  if (r->watchdog)
    {
      mirage_task_cancel (r->watchdog);
      mirage_task_join (r->watchdog);
    }
  if (r->conn)
    {
      if (!r->ended)
        r->reusable = false;
      _hc_release_conn (r);
    }
  free (r->method);
  free (r->url);
  free (r->scheme);
  free (r->host);
  free (r->target);
  _hc_free_pairs (r->req_headers, r->n_req_headers);
  free (r->head);
  free (r->head_offs);
  free (r->headers);
  free (r->up);
  free (r->down);
  free (r);
}
