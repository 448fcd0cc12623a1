/* http-client-head.c: the response head, built piece by piece by
 * either protocol (a name begins, its bytes are appended, its value
 * begins, ...) into one buffer of NUL-ended strings within the client's
 * limits, and the accessors of mirage/http_client.h that read it. */
#include "http-client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
_hc_reset_response (mirage_http_client_request *r)
{
  r->status = 0;
  r->version = 0;
  r->head_len = 0;
  r->head_state = 0;
  r->n_headers = 0;
  free (r->headers);
  r->headers = NULL;
  r->content_length = -1;
  r->ended = false;
  r->reusable = false;
  r->headers_done = false;
  r->message_done = false;
  r->body_at = NULL;
  r->body_left = 0;
  r->down_off = r->down_len = 0;
  r->stream_closed = false;
  r->reset_code = 0;
}

static int
head_put (mirage_http_client_request *r, const char *at, size_t len)
{
  hc_client *c = r->client;
  if (r->head_len + len + 1 > c->opts.max_header_bytes)
    return _hc_fail (r, -EMSGSIZE, "the response from %s headers over %zu bytes", r->host,
                     c->opts.max_header_bytes);
  if (r->head_len + len + 1 > r->head_cap)
    {
      size_t cap = r->head_cap ? r->head_cap : 1024;
      char *grown;
      while (cap < r->head_len + len + 1)
        cap *= 2;
      grown = realloc (r->head, cap);
      if (grown == NULL)
        return -ENOMEM;
      r->head = grown;
      r->head_cap = cap;
    }
  memcpy (r->head + r->head_len, at, len);
  r->head_len += len;
  return 0;
}

int
_hc_head_begin_name (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  int e;
  if (r->head_state != 0 && (e = head_put (r, "", 1)) < 0)   /* ends the last value */
    return e;
  if (r->n_headers >= c->opts.max_headers)
    return _hc_fail (r, -EMSGSIZE, "the response from %s has more than %zu header fields",
                     r->host, c->opts.max_headers);
  if (r->n_headers % 16 == 0)
    {
      size_t *grown = realloc (r->head_offs, (r->n_headers + 16) * 2 * sizeof *grown);
      if (grown == NULL)
        return -ENOMEM;
      r->head_offs = grown;
    }
  r->head_offs[2 * r->n_headers] = r->head_len;
  r->head_offs[2 * r->n_headers + 1] = r->head_len;
  r->n_headers++;
  r->head_state = 1;
  return 0;
}

int
_hc_head_begin_value (mirage_http_client_request *r)
{
  int e = head_put (r, "", 1);
  if (e < 0)
    return e;
  r->head_offs[2 * r->n_headers - 1] = r->head_len;
  r->head_state = 2;
  return 0;
}

int
_hc_head_append (mirage_http_client_request *r, const char *at, size_t len)
{
  return head_put (r, at, len);
}

int
_hc_head_end (mirage_http_client_request *r)
{
  int e;
  if (r->head_state == 1 && (e = _hc_head_begin_value (r)) < 0)
    return e;
  if ((e = head_put (r, "", 1)) < 0)
    return e;
  r->headers = calloc (r->n_headers ? r->n_headers : 1, sizeof *r->headers);
  if (r->headers == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < r->n_headers; i++)
    {
      r->headers[i].name = r->head + r->head_offs[2 * i];
      r->headers[i].value = r->head + r->head_offs[2 * i + 1];
    }
  return 0;
}

int mirage_http_client_response_status (const mirage_http_client_request *r) { return r->status; }
int mirage_http_client_response_version (const mirage_http_client_request *r) { return r->version; }
size_t mirage_http_client_response_header_count (const mirage_http_client_request *r) { return r->headers ? r->n_headers : 0; }
int64_t mirage_http_client_response_content_length (const mirage_http_client_request *r) { return r->content_length; }
const char *mirage_http_client_response_url (const mirage_http_client_request *r) { return r->url; }
int mirage_http_client_response_redirects (const mirage_http_client_request *r) { return r->redirects; }

const mirage_http_client_header *
mirage_http_client_response_header_at (const mirage_http_client_request *r, size_t i)
{
  return r->headers && i < r->n_headers ? &r->headers[i] : NULL;
}

const char *
mirage_http_client_response_header (const mirage_http_client_request *r, const char *name)
{
  for (size_t i = 0; r->headers && i < r->n_headers; i++)
    if (strcasecmp (r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}
