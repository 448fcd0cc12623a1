/* http-client-h1.c: the client's HTTP/1.1: the request head and body
 * framing (Content-Length or chunked) written by hand, the response
 * parsed by nodejs's http-parser (as the server does, in the other
 * direction). The parser is paused after the head, after each piece of
 * body and at the message's end, so the body is handed to the reader
 * straight from the connection's buffer and the next read from the
 * socket happens only when the reader wants more (backpressure). */
#include "http-client-private.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the request ---- */

typedef struct {
  char *s;
  size_t len, cap;
  bool failed;
} buf_t;

static void
put (buf_t *b, const char *s, size_t len)
{
  if (b->failed)
    return;
  if (b->len + len > b->cap)
    {
      size_t cap = b->cap ? b->cap : 512;
      char *grown;
      while (cap < b->len + len)
        cap *= 2;
      grown = realloc (b->s, cap);
      if (grown == NULL)
        {
          b->failed = true;
          return;
        }
      b->s = grown;
      b->cap = cap;
    }
  memcpy (b->s + b->len, s, len);
  b->len += len;
}

static void
puts3 (buf_t *b, const char *a, const char *sep, const char *c)
{
  put (b, a, strlen (a));
  put (b, sep, strlen (sep));
  put (b, c, strlen (c));
  put (b, "\r\n", 2);
}

static bool
has_header (char **pairs, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcasecmp (pairs[2 * i], name) == 0)
      return true;
  return false;
}

/* headers the client frames itself */
static bool
reserved (const char *name)
{
  return strcasecmp (name, "host") == 0 || strcasecmp (name, "content-length") == 0
         || strcasecmp (name, "transfer-encoding") == 0 || strcasecmp (name, "connection") == 0;
}

int
_hc_h1_send_head (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  buf_t b = { 0 };
  char authority[300], num[32];
  int e;
  if (_hc_authority (r, authority, sizeof authority) < 0)
    return _hc_fail (r, -EINVAL, "host name too long: %.64s...", r->host);
  put (&b, r->method, strlen (r->method));
  put (&b, " ", 1);
  put (&b, r->target, strlen (r->target));
  put (&b, " HTTP/1.1\r\n", 11);
  puts3 (&b, "Host", ": ", authority);
  if (!has_header (r->req_headers, r->n_req_headers, "user-agent")
      && !has_header (c->headers, c->n_headers, "user-agent"))
    puts3 (&b, "User-Agent", ": ", "mirage-http-client");
  for (size_t i = 0; i < c->n_headers; i++)
    if (!reserved (c->headers[2 * i]) && !has_header (r->req_headers, r->n_req_headers, c->headers[2 * i]))
      puts3 (&b, c->headers[2 * i], ": ", c->headers[2 * i + 1]);
  for (size_t i = 0; i < r->n_req_headers; i++)
    if (!reserved (r->req_headers[2 * i]))
      puts3 (&b, r->req_headers[2 * i], ": ", r->req_headers[2 * i + 1]);
  if (r->body_length < 0)
    puts3 (&b, "Transfer-Encoding", ": ", "chunked");
  else if (r->body_length > 0 || strcmp (r->method, "POST") == 0 || strcmp (r->method, "PUT") == 0)
    {
      snprintf (num, sizeof num, "%lld", (long long) r->body_length);
      puts3 (&b, "Content-Length", ": ", num);
    }
  put (&b, "\r\n", 2);
  if (b.failed)
    {
      free (b.s);
      return -ENOMEM;
    }
  e = _hc_write (r, b.s, b.len);
  free (b.s);
  return e;
}

int
_hc_h1_write (mirage_http_client_request *r, const void *data, size_t len)
{
  char head[32];
  int n, e;
  if (r->body_length >= 0)
    return _hc_write (r, data, len);
  n = snprintf (head, sizeof head, "%zx\r\n", len);
  if (len <= 8192)
    {
      /* one write for a small chunk */
      char one[32 + 8192 + 2];
      memcpy (one, head, (size_t) n);
      memcpy (one + n, data, len);
      memcpy (one + n + len, "\r\n", 2);
      return _hc_write (r, one, (size_t) n + len + 2);
    }
  if ((e = _hc_write (r, head, (size_t) n)) < 0 || (e = _hc_write (r, data, len)) < 0)
    return e;
  return _hc_write (r, "\r\n", 2);
}

int
_hc_h1_end_body (mirage_http_client_request *r)
{
  if (r->body_length < 0)
    return _hc_write (r, "0\r\n\r\n", 5);
  return 0;
}

/* ---- the response ---- */

static int
on_header_field (http_parser *p, const char *at, size_t len)
{
  mirage_http_client_request *r = p->data;
  if (r->headers_done)
    return 0;                   /* a chunked body's trailers: not kept */
  if (r->head_state != 1 && _hc_head_begin_name (r) < 0)
    return -1;
  return _hc_head_append (r, at, len) < 0 ? -1 : 0;
}

static int
on_header_value (http_parser *p, const char *at, size_t len)
{
  mirage_http_client_request *r = p->data;
  if (r->headers_done)
    return 0;
  if (r->head_state != 2 && _hc_head_begin_value (r) < 0)
    return -1;
  return _hc_head_append (r, at, len) < 0 ? -1 : 0;
}

static int
on_headers_complete (http_parser *p)
{
  mirage_http_client_request *r = p->data;
  if (_hc_head_end (r) < 0)
    return -1;
  if (p->status_code < 100)
    {
      /* http-parser takes any three digits; 000..099 are no status */
      _hc_fail (r, -EPROTO, "malformed response from %s port %u: status %03u", r->host, r->port,
                p->status_code);
      return -1;
    }
  r->status = p->status_code;
  r->version = p->http_major * 10 + p->http_minor;
  /* these never have a body, whatever their headers say: http-parser
   * would otherwise read one up to the close after a Transfer-Encoding
   * that is not chunked */
  bool no_body = r->head_request || r->status == 204 || r->status == 304 || r->status / 100 == 1;
  if (no_body)
    r->content_length = 0;
  else if (p->flags & F_CHUNKED)
    r->content_length = -1;
  else if (p->content_length != ULLONG_MAX)
    r->content_length = p->content_length > INT64_MAX ? -1 : (int64_t) p->content_length;
  else
    r->content_length = -1;
  r->headers_done = true;
  http_parser_pause (p, 1);
  return no_body ? 1 : 0;   /* 1: no body follows */
}

static int
on_body (http_parser *p, const char *at, size_t len)
{
  mirage_http_client_request *r = p->data;
  r->body_at = at;
  r->body_left = len;
  http_parser_pause (p, 1);
  return 0;
}

static int
on_message_complete (http_parser *p)
{
  mirage_http_client_request *r = p->data;
  r->message_done = true;
  r->reusable = http_should_keep_alive (p) != 0;
  http_parser_pause (p, 1);
  return 0;
}

static const http_parser_settings settings = {
  .on_header_field = on_header_field,
  .on_header_value = on_header_value,
  .on_headers_complete = on_headers_complete,
  .on_body = on_body,
  .on_message_complete = on_message_complete,
};

/* Feeds the buffered input (@eof: the end of stream) to the parser
 * until it pauses or runs out. 0 or -errno with the message set. */
static int
parse_some (mirage_http_client_request *r, bool eof)
{
  hc_conn *k = r->conn;
  enum http_errno e;
  size_t n;
  if (eof)
    n = http_parser_execute (&r->parser, &settings, NULL, 0);
  else
    {
      n = http_parser_execute (&r->parser, &settings, (const char *) k->in + k->in_off,
                               k->in_len - k->in_off);
      k->in_off += n;
    }
  e = HTTP_PARSER_ERRNO (&r->parser);
  if (e == HPE_PAUSED)
    {
      http_parser_pause (&r->parser, 0);
      return 0;
    }
  if (e == HPE_OK)
    return 0;
  if (r->error_code < 0 && e >= HPE_CB_message_begin && e <= HPE_CB_chunk_complete)
    return r->error_code;           /* a limit, set by a callback */
  if (e == HPE_HEADER_OVERFLOW)
    return _hc_fail (r, -EMSGSIZE, "the response from %s: headers too large (%s)", r->host,
                     http_errno_description (e));
  if (e == HPE_INVALID_EOF_STATE)
    {
      if (!r->headers_done)
        return _hc_fail (r, -ECONNRESET, "%s closed the connection in the middle of the response's head",
                         r->host);
      return _hc_fail (r, -ECONNRESET, "%s closed the connection before the body ended (%s)",
                       r->host, r->content_length >= 0 ? "shorter than its Content-Length"
                                                       : "a chunk cut short");
    }
  return _hc_fail (r, -EPROTO, "malformed response from %s port %u: %s (%s)", r->host, r->port,
                   http_errno_description (e), http_errno_name (e));
}

int
_hc_h1_read_head (mirage_http_client_request *r)
{
  hc_conn *k = r->conn;
  int e;
  http_parser_init (&r->parser, HTTP_RESPONSE);
  r->parser.data = r;
  for (;;)
    {
      if (r->headers_done)
        {
          if (r->status == 101)
            /* the client never asks for an upgrade: what follows would be
             * another protocol's bytes, read as a body of no length */
            return _hc_fail (r, -EPROTO, "%s port %u switched protocols (101) though no upgrade was asked",
                             r->host, r->port);
          if (r->status / 100 != 1)
            return r->status;
          _hc_reset_response (r);      /* 100 Continue and friends: the real one follows */
          continue;
        }
      if (k->in_off == k->in_len)
        {
          ssize_t n = _hc_fill (r);
          if (n < 0)
            return (int) n;
          if (n == 0)
            {
              if (r->head_len == 0 && r->parser.nread == 0)
                return _hc_fail (r, -ECONNRESET, "%s port %u closed the connection without answering",
                                 r->host, r->port);
              if ((e = parse_some (r, true)) < 0)
                return e;
              if (!r->headers_done)
                return _hc_fail (r, -ECONNRESET, "%s closed the connection in the middle of the response's head",
                                 r->host);
              continue;
            }
        }
      if ((e = parse_some (r, false)) < 0)
        return e;
      if (r->message_done && !r->headers_done)
        r->message_done = false;
    }
}

ssize_t
_hc_h1_read (mirage_http_client_request *r, void *buf, size_t len)
{
  hc_conn *k = r->conn;
  int e;
  for (;;)
    {
      if (r->body_left > 0)
        {
          size_t n = r->body_left < len ? r->body_left : len;
          memcpy (buf, r->body_at, n);
          r->body_at += n;
          r->body_left -= n;
          return (ssize_t) n;
        }
      if (r->message_done)
        return 0;
      if (k->in_off == k->in_len)
        {
          ssize_t n = _hc_fill (r);
          if (n < 0)
            return n;
          if (n == 0)
            {
              /* end of stream: the end of a body without a length, or a cut */
              if ((e = parse_some (r, true)) < 0)
                return e;
              if (!r->message_done)
                return _hc_fail (r, -ECONNRESET, "%s closed the connection before the body ended",
                                 r->host);
              r->reusable = false;
              continue;
            }
        }
      if ((e = parse_some (r, false)) < 0)
        return e;
    }
}
