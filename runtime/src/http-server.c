/* http-server.c: paf_server, an HTTP/1.1 server on the runtime's tasks
 * (mirage/http.h).
 *
 * One task per connection while it has a request to serve; the handler
 * runs in it once per request, so requests on a connection are answered
 * in order (pipelining) and a slow client only ever holds up its own
 * task. Between requests a keep-alive connection parks on the event loop
 * without task or input buffer (park, conn_wake), so 1,000 idle
 * connections cost little memory. Framing is http-parser's
 * (libhttp_parser): the parser is paused after the headers, after each
 * piece of body and at the end of a message, so the body is pulled by the
 * handler (mirage_http_request_read_body) instead of pushed, and the next
 * pipelined request waits in the input buffer until this one is answered.
 *
 * A new plain-TCP connection parks at once too: its task starts with its
 * first bytes, so 1,000 clients connecting together do not make 1,000
 * tasks (and stacks) wait for their first request. The buffers a request
 * needs come from the server's pools (mirage_http__pool).
 *
 * Timeouts: one watchdog task per server looks at every connection's
 * deadline a few times per timeout; one that passed gets its socket shut
 * down (reading only while a request is read, so the 408 can still go
 * out), which wakes the suspended read or write. No timer per read.
 */
#include "mirage/http.h"
#include "http-private.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mirage/conduit.h"
#include "mirage/log.h"
#include "mirage/task.h"

mirage_log_src mirage_http__src = MIRAGE_LOG_SRC_INIT ("paf", "the HTTP server");
#define http_src mirage_http__src

void
mirage_http_limits_default (mirage_http_limits *out)
{
  out->max_headers = 100;
  out->max_header_bytes = 16 * 1024;
  out->max_uri_bytes = 8 * 1024;
  out->max_body_bytes = 16 * 1024 * 1024;
  out->idle_timeout_ns = 60 * MIRAGE_NS_PER_S;
  out->header_timeout_ns = 30 * MIRAGE_NS_PER_S;
}

const char *
mirage_http_reason (int status)
{
  switch (status)
    {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

const char *
mirage_http__peer_text (conn *c, char *buf, size_t size)
{
  char ip[MIRAGE_IPADDR_STRLEN];
  mirage_ipaddr_to_string (&c->peer.ip, ip);
  snprintf (buf, size, "%s:%u", ip, (unsigned) c->peer.port);
  return buf;
}

/* ---- buffers ---- */

void *
mirage_http__pool_get (mirage_http__pool *p)
{
  if (p->n > 0)
    return p->blocks[--p->n];
  return malloc (p->size);
}

void
mirage_http__pool_put (mirage_http__pool *p, void *block)
{
  if (block == NULL)
    return;
  if (p->n < POOL_MAX)
    p->blocks[p->n++] = block;
  else
    free (block);
}

static void
pool_clear (mirage_http__pool *p)
{
  while (p->n > 0)
    free (p->blocks[--p->n]);
}

static void
server_init (server *s)
{
  s->protocols = MIRAGE_HTTP_PROTO_HTTP1 | MIRAGE_HTTP_PROTO_HTTP2;
  mirage_http_limits_default (&s->limits);
  s->pool_in.size = IN_CAP;
  s->pool_out.size = OUT_CAP;
  s->pool_arena.size = ARENA_CAP;
  s->pool_spans.size = SPANS_CAP * sizeof (hdr_span);
}

/* ---- the server ---- */

int
mirage_paf_server (mirage_stack *tcp, int port, mirage_http_server **out)
{
  server *s;
  int r;

  *out = NULL;
  if (tcp == NULL || port < 0 || port > 65535)
    return -EINVAL;
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return -ENOMEM;
  s->pub.stack = tcp;
  server_init (s);
  r = mirage_http_server_listen (&s->pub, port);
  if (r < 0)
    {
      free (s);
      return r;
    }
  *out = &s->pub;
  return 0;
}

void
mirage_http_server_set_limits (mirage_http_server *pub, const mirage_http_limits *limits)
{
  server *s = (server *) pub;
  s->limits = *limits;
}

/* httpaf_server and cohttp_server differ from paf_server only in how
 * Mirage wires them: a conduit instead of a TCP layer and a port, and
 * the port given when the unikernel starts listening */
static int
conduit_server (struct mirage_conduit *conduit, mirage_http_server **out)
{
  server *s;
  *out = NULL;
  if (conduit == NULL || conduit->stack == NULL)
    return -EINVAL;
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return -ENOMEM;
  s->pub.stack = conduit->stack;
  server_init (s);
  *out = &s->pub;
  return 0;
}

int
mirage_httpaf_server (struct mirage_conduit *conduit, mirage_http_server **out)
{
  return conduit_server (conduit, out);
}

int
mirage_cohttp_server (struct mirage_conduit *conduit, mirage_http_server **out)
{
  return conduit_server (conduit, out);
}

int
mirage_http_server_listen (mirage_http_server *pub, int port)
{
  server *s = (server *) pub;
  mirage_endpoint ep;
  int r;
  if (s == NULL || port < 0 || port > 65535)
    return -EINVAL;
  if (s->listener != NULL)
    return -EALREADY;
  r = mirage_tcp_listen (s->pub.stack, NULL, (uint16_t) port, &s->listener);
  if (r < 0)
    {
      mirage_log_err (&http_src, "cannot listen on port %d: %s", port, strerror (-r));
      return r;
    }
  s->pub.port = mirage_tcp_listener_endpoint (s->listener, &ep) == 0 ? ep.port : (uint16_t) port;
  return 0;
}

void
mirage_http_server_set_protocols (mirage_http_server *pub, unsigned protocols)
{
  server *s = (server *) pub;
  if (protocols & (MIRAGE_HTTP_PROTO_HTTP1 | MIRAGE_HTTP_PROTO_HTTP2))
    s->protocols = protocols & (MIRAGE_HTTP_PROTO_HTTP1 | MIRAGE_HTTP_PROTO_HTTP2);
}

uint16_t
mirage_http_server_port (mirage_http_server *pub)
{
  server *s = (server *) pub;
  return s->pub.port;
}

void
mirage_http_server_stop (mirage_http_server *pub)
{
  server *s = (server *) pub;
  s->stopping = true;
  if (s->serve_task != NULL)
    mirage_task_cancel (s->serve_task);
}

static void
server_release (server *s)
{
  if (s->listener != NULL)
    mirage_tcp_unlisten (s->listener);
  pool_clear (&s->pool_in);
  pool_clear (&s->pool_out);
  pool_clear (&s->pool_arena);
  pool_clear (&s->pool_spans);
  free (s);
}

void
mirage_http_server_free (mirage_http_server *pub)
{
  server *s = (server *) pub;
  if (s == NULL)
    return;
  /* connection tasks still winding down free it when the last ends */
  if (s->n_conns > 0)
    {
      s->free_pending = true;
      if (s->listener != NULL)
        mirage_tcp_unlisten (s->listener);
      s->listener = NULL;
      return;
    }
  server_release (s);
}

/* ---- the request's strings ---- */

static int
arena_add (mirage_http_request *q, const char *at, size_t len, size_t limit)
{
  if (q->arena_len + len + 1 > limit + 1024)
    return -1;
  if (q->arena == NULL && q->c != NULL && q->c->srv != NULL)
    {
      q->arena = mirage_http__pool_get (&q->c->srv->pool_arena);
      q->arena_cap = q->arena ? ARENA_CAP : 0;
    }
  if (q->arena_len + len + 1 > q->arena_cap)
    {
      size_t cap = q->arena_cap ? q->arena_cap : ARENA_CAP;
      char *p;
      while (cap < q->arena_len + len + 1)
        cap *= 2;
      p = realloc (q->arena, cap);
      if (p == NULL)
        return -1;
      q->arena = p;
      q->arena_cap = cap;
    }
  memcpy (q->arena + q->arena_len, at, len);
  q->arena_len += len;
  q->arena[q->arena_len] = '\0';
  return 0;
}

/* ends the string being built (one NUL between strings) */
static int
arena_cut (mirage_http_request *q)
{
  if (arena_add (q, "", 0, SIZE_MAX / 2) < 0)
    return -1;
  q->arena_len++;
  return 0;
}

/* ---- http-parser's callbacks ---- */

static int
on_message_begin (http_parser *p)
{
  (void) p;
  return 0;
}

static int
on_url (http_parser *p, const char *at, size_t len)
{
  conn *c = p->data;
  mirage_http_request *q = &c->req;
  if (q->url_len + len > c->srv->limits.max_uri_bytes)
    {
      q->limit_status = 414;
      return 1;
    }
  if (arena_add (q, at, len, c->srv->limits.max_header_bytes) < 0)
    {
      q->limit_status = 431;
      return 1;
    }
  q->url_len += len;
  return 0;
}

static int
on_header_field (http_parser *p, const char *at, size_t len)
{
  conn *c = p->data;
  mirage_http_request *q = &c->req;
  if (q->n_spans == 0 || q->in_value)
    {
      /* a new field: end the previous string (target or value) */
      if (q->n_spans == 0 && arena_cut (q) < 0)
        return 1;
      if (q->n_spans > 0)
        {
          hdr_span *last = &q->spans[q->n_spans - 1];
          last->value_len = q->arena_len - last->value_off;
          if (arena_cut (q) < 0)
            return 1;
        }
      if (q->n_spans >= c->srv->limits.max_headers)
        {
          q->limit_status = 431;
          return 1;
        }
      if (q->spans == NULL)
        {
          q->spans = mirage_http__pool_get (&c->srv->pool_spans);
          q->cap_spans = q->spans ? SPANS_CAP : 0;
        }
      if (q->n_spans == q->cap_spans)
        {
          size_t cap = q->cap_spans ? q->cap_spans * 2 : SPANS_CAP;
          hdr_span *s = realloc (q->spans, cap * sizeof *s);
          if (s == NULL)
            return 1;
          q->spans = s;
          q->cap_spans = cap;
        }
      q->spans[q->n_spans].name_off = q->arena_len;
      q->spans[q->n_spans].value_off = 0;
      q->n_spans++;
      q->in_value = false;
    }
  if (arena_add (q, at, len, c->srv->limits.max_header_bytes) < 0)
    {
      q->limit_status = 431;
      return 1;
    }
  return 0;
}

static int
on_header_value (http_parser *p, const char *at, size_t len)
{
  conn *c = p->data;
  mirage_http_request *q = &c->req;
  if (!q->in_value)
    {
      hdr_span *last = &q->spans[q->n_spans - 1];
      last->name_len = q->arena_len - last->name_off;
      if (arena_cut (q) < 0)
        return 1;
      last->value_off = q->arena_len;
      q->in_value = true;
    }
  if (arena_add (q, at, len, c->srv->limits.max_header_bytes) < 0)
    {
      q->limit_status = 431;
      return 1;
    }
  return 0;
}

static bool
is_token (const char *s, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char ch = (unsigned char) s[i];
      if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z')
          && !strchr ("!#$%&'*+-.^_`|~", ch))
        return false;
    }
  return true;
}

static int
on_headers_complete (http_parser *p)
{
  conn *c = p->data;
  mirage_http_request *q = &c->req;

  if (q->n_spans == 0 && arena_cut (q) < 0)
    return -1;
  if (q->n_spans > 0)
    {
      hdr_span *last = &q->spans[q->n_spans - 1];
      if (!q->in_value)
        {
          /* a field without a value */
          last->name_len = q->arena_len - last->name_off;
          if (arena_cut (q) < 0)
            return -1;
          last->value_off = q->arena_len;
        }
      last->value_len = q->arena_len - last->value_off;
      if (arena_cut (q) < 0)
        return -1;
    }
  /* http-parser (built without HTTP_PARSER_STRICT, as Debian's is)
   * lets spaces into field names; "Transfer-Encoding : chunked" is a
   * classic smuggling trick, so names must be RFC 9110 tokens */
  for (size_t i = 0; i < q->n_spans; i++)
    if (!is_token (q->arena + q->spans[i].name_off, q->spans[i].name_len))
      {
        q->bad_name = true;
        return -1;
      }
  if (mirage_http__request_index_headers (q) < 0)
    return -1;
  q->target = q->arena + q->url_off;
  q->method = http_method_str ((enum http_method) p->method);
  q->version = p->http_major * 10 + p->http_minor;
  q->keep_alive = http_should_keep_alive (p) != 0;
  q->head = p->method == HTTP_HEAD;
  if (p->flags & F_CHUNKED)
    q->content_length = -1;
  else if (p->content_length != ULLONG_MAX && p->content_length > 0)
    q->content_length = (int64_t) p->content_length;
  else
    q->content_length = 0;
  q->headers_done = true;
  http_parser_pause (p, 1);
  return 0;
}

static int
on_body (http_parser *p, const char *at, size_t len)
{
  conn *c = p->data;
  mirage_http_request *q = &c->req;
  q->body_seen += len;
  q->body_ptr = at;
  q->body_avail = len;
  http_parser_pause (p, 1);
  return 0;
}

static int
on_message_complete (http_parser *p)
{
  conn *c = p->data;
  c->req.message_done = true;
  http_parser_pause (p, 1);
  return 0;
}

static const http_parser_settings settings = {
  .on_message_begin = on_message_begin,
  .on_url = on_url,
  .on_header_field = on_header_field,
  .on_header_value = on_header_value,
  .on_headers_complete = on_headers_complete,
  .on_body = on_body,
  .on_message_complete = on_message_complete,
};

/* ---- input and output ---- */

ssize_t
mirage_http__conn_read (conn *c, void *buf, size_t len)
{
  if (c->tls != NULL)
    return c->srv->tls_ops->read (c->tls, buf, len);
  return mirage_tcp_read (c->flow, buf, len);
}

int
mirage_http__conn_write (conn *c, const void *buf, size_t len)
{
  if (c->tls != NULL)
    return c->srv->tls_ops->write (c->tls, buf, len);
  return mirage_tcp_write (c->flow, buf, len);
}

/* Reads more input into the (empty) buffer, the watchdog shutting the
 * socket at @deadline (0: never): >0, 0 at end, -errno. */
static ssize_t
fill (conn *c, int phase, uint64_t deadline)
{
  ssize_t n;
  c->in_off = c->in_len = 0;
  c->phase = phase;
  c->deadline = deadline;
  n = mirage_http__conn_read (c, c->in, IN_CAP);
  c->deadline = 0;
  c->phase = PHASE_BUSY;
  if (n > 0)
    c->in_len = (size_t) n;
  if (c->timed_out)
    return -ETIMEDOUT;
  return n;
}

static int
write_raw (conn *c, const void *data, size_t len)
{
  int r;
  c->phase = PHASE_WRITE;
  c->deadline = mirage_http__deadline (c->srv->limits.idle_timeout_ns);
  r = mirage_http__conn_write (c, data, len);
  c->deadline = 0;
  c->phase = PHASE_BUSY;
  return c->timed_out ? -ETIMEDOUT : r;
}

char *
mirage_http__conn_out (conn *c)
{
  if (c->out == NULL)
    c->out = mirage_http__pool_get (&c->srv->pool_out);
  return c->out;
}

/* Gives the output buffer back while the connection waits for a request. */
static void
drop_out (conn *c)
{
  if (c->out_len == 0)
    {
      mirage_http__pool_put (&c->srv->pool_out, c->out);
      c->out = NULL;
    }
}

static int
flush_out (conn *c)
{
  int r = 0;
  if (c->out_len > 0)
    {
      r = write_raw (c, c->out, c->out_len);
      c->out_len = 0;
    }
  return r;
}

static int
put (conn *c, const void *data, size_t len)
{
  if (c->out_len + len > OUT_CAP)
    {
      int r = flush_out (c);
      if (r < 0)
        return r;
      if (len > OUT_CAP)
        return write_raw (c, data, len);
    }
  if (mirage_http__conn_out (c) == NULL)
    return -ENOMEM;
  memcpy (c->out + c->out_len, data, len);
  c->out_len += len;
  return 0;
}

static int
putf (conn *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
putf (conn *c, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  int n;
  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t) n >= sizeof buf)
    return -EINVAL;
  return put (c, buf, (size_t) n);
}

/* Feeds the buffered input to the parser until it pauses or runs out:
 * 0, or the status of the error answer (400, 414, 431). */
static int
parse_some (conn *c)
{
  mirage_http_request *q = &c->req;
  size_t avail = c->in_len - c->in_off;
  bool was_done = q->headers_done;
  size_t n;
  enum http_errno e;

  n = http_parser_execute (&c->parser, &settings, c->in + c->in_off, avail);
  c->in_off += n;
  if (!was_done)
    q->header_bytes += n;
  if (!was_done && q->header_bytes > c->srv->limits.max_header_bytes)
    {
      char who[80];
      mirage_log_warn (&http_src, "431 to %s: request line and headers over %zu bytes",
                       mirage_http__peer_text (c, who, sizeof who), c->srv->limits.max_header_bytes);
      return 431;
    }
  e = HTTP_PARSER_ERRNO (&c->parser);
  if (e == HPE_PAUSED)
    {
      http_parser_pause (&c->parser, 0);
      return 0;
    }
  if (e != HPE_OK)
    {
      char who[80];
      int status = q->limit_status ? q->limit_status : 400;
      mirage_log_warn (&http_src, "%d to %s: %s", status, mirage_http__peer_text (c, who, sizeof who),
                       status == 414 ? "request target longer than the limit"
                       : status == 431 ? "request header fields over the limit"
                       : q->bad_name ? "a header field name that is not a token"
                       : http_errno_description (e));
      return status;
    }
  return 0;
}

/* ---- the request object ---- */

int
mirage_http__request_index_headers (mirage_http_request *q)
{
  q->headers = calloc (q->n_spans ? q->n_spans : 1, sizeof *q->headers);
  if (q->headers == NULL)
    return -1;
  for (size_t i = 0; i < q->n_spans; i++)
    {
      q->headers[i].name = q->arena + q->spans[i].name_off;
      q->headers[i].value = q->arena + q->spans[i].value_off;
    }
  return 0;
}

const char *mirage_http_request_method (const mirage_http_request *req) { return req->method; }
const char *mirage_http_request_target (const mirage_http_request *req) { return req->target; }
int mirage_http_request_version (const mirage_http_request *req) { return req->version; }
size_t mirage_http_request_header_count (const mirage_http_request *req) { return req->n_spans; }
int64_t mirage_http_request_content_length (const mirage_http_request *req) { return req->content_length; }

const mirage_http_header *
mirage_http_request_header_at (const mirage_http_request *req, size_t i)
{
  return i < req->n_spans ? &req->headers[i] : NULL;
}

const char *
mirage_http_request_header (const mirage_http_request *req, const char *name)
{
  for (size_t i = 0; i < req->n_spans; i++)
    if (strcasecmp (req->headers[i].name, name) == 0)
      return req->headers[i].value;
  return NULL;
}

void
mirage_http_request_peer (const mirage_http_request *req, mirage_endpoint *out)
{
  *out = req->c->peer;
}

ssize_t
mirage_http_request_read_body (mirage_http_request *req, void *buf, size_t len)
{
  conn *c = req->c;

  if (req->h2 != NULL)
    return mirage_http2__read_body (req, buf, len);
  if (req->body_error)
    return req->body_error;
  if (req->expect_continue && !req->continue_sent && !req->started)
    {
      static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
      int r;
      req->continue_sent = true;
      r = put (c, cont, sizeof cont - 1);
      if (r == 0)
        r = flush_out (c);
      if (r < 0)
        return req->body_error = r;
    }
  while (req->body_avail == 0 && !req->message_done)
    {
      int status;
      if (c->in_off == c->in_len)
        {
          ssize_t n = fill (c, PHASE_READ, mirage_http__deadline (c->srv->limits.idle_timeout_ns));
          if (n == 0)
            return req->body_error = -ECONNRESET;
          if (n < 0)
            return req->body_error = (int) n;
        }
      status = parse_some (c);
      if (status != 0)
        return req->body_error = -EPROTO;
      if (req->body_seen > c->srv->limits.max_body_bytes)
        {
          char who[80];
          mirage_log_warn (&http_src, "413 to %s: request body over %" PRIu64 " bytes",
                           mirage_http__peer_text (c, who, sizeof who), c->srv->limits.max_body_bytes);
          return req->body_error = -EFBIG;
        }
    }
  if (req->body_avail == 0)
    return 0;
  if (len > req->body_avail)
    len = req->body_avail;
  memcpy (buf, req->body_ptr, len);
  req->body_ptr += len;
  req->body_avail -= len;
  return (ssize_t) len;
}

/* ---- the response ---- */

static bool
clean_header_text (const char *s)
{
  for (; *s; s++)
    if (*s == '\r' || *s == '\n')
      return false;
  return true;
}

const char *
mirage_http__date (void)
{
  static char buf[40];
  static time_t cached = (time_t) -1;
  time_t now = time (NULL);
  if (now != cached)
    {
      struct tm tm;
      gmtime_r (&now, &tm);
      strftime (buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      cached = now;
    }
  return buf;
}

/* The status line and Date, without printf (its setup was a few per
 * cent of a small request's time under wrk). */
static int
put_head_line (conn *c, int status)
{
  char buf[160];
  const char *reason = mirage_http_reason (status);
  const char *date = mirage_http__date ();
  size_t rl = strlen (reason), dl = strlen (date), n = 0;
  memcpy (buf, "HTTP/1.1 ", 9);
  n = 9;
  buf[n++] = (char) ('0' + status / 100 % 10);
  buf[n++] = (char) ('0' + status / 10 % 10);
  buf[n++] = (char) ('0' + status % 10);
  buf[n++] = ' ';
  memcpy (buf + n, reason, rl);
  n += rl;
  memcpy (buf + n, "\r\nDate: ", 8);
  n += 8;
  memcpy (buf + n, date, dl);
  n += dl;
  buf[n++] = '\r';
  buf[n++] = '\n';
  return put (c, buf, n);
}

static int
put_content_length (conn *c, uint64_t len)
{
  char digits[24], buf[64];
  size_t nd = 0, n;
  do
    digits[nd++] = (char) ('0' + len % 10);
  while ((len /= 10) > 0);
  memcpy (buf, "Content-Length: ", 16);
  n = 16;
  while (nd > 0)
    buf[n++] = digits[--nd];
  buf[n++] = '\r';
  buf[n++] = '\n';
  return put (c, buf, n);
}

int
mirage_http_response_start (mirage_http_request *req, int status,
                            const mirage_http_header *headers, size_t n_headers,
                            int64_t content_length)
{
  conn *c = req->c;
  bool no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
  int r;

  if (req->h2 != NULL)
    return mirage_http2__response_start (req, status, headers, n_headers, content_length);
  if (req->started)
    return -EALREADY;
  if (status < 200 || status > 999)
    return -EINVAL;
  for (size_t i = 0; i < n_headers; i++)
    if (!clean_header_text (headers[i].name) || !clean_header_text (headers[i].value)
        || headers[i].name[0] == '\0')
      return -EINVAL;
  req->started = true;
  /* a body the client was told to hold back (Expect: 100-continue) is
   * not coming: the connection cannot carry another request */
  if (req->expect_continue && !req->continue_sent && !req->message_done)
    req->resp_close = true;
  if (!req->keep_alive || c->srv->stopping)
    req->resp_close = true;
  r = put_head_line (c, status);
  for (size_t i = 0; r == 0 && i < n_headers; i++)
    {
      r = put (c, headers[i].name, strlen (headers[i].name));
      if (r == 0)
        r = put (c, ": ", 2);
      if (r == 0)
        r = put (c, headers[i].value, strlen (headers[i].value));
      if (r == 0)
        r = put (c, "\r\n", 2);
    }
  if (r < 0)
    return r;
  if (no_body)
    req->resp_remaining = 0;
  else if (content_length >= 0)
    {
      req->resp_remaining = content_length;
      r = put_content_length (c, (uint64_t) content_length);
    }
  else if (req->version >= 11)
    {
      req->resp_chunked = true;
      req->resp_remaining = -1;
      r = putf (c, "Transfer-Encoding: chunked\r\n");
    }
  else
    {
      req->resp_remaining = -1;
      req->resp_close = true;
    }
  if (r == 0)
    {
      if (req->resp_close)
        r = putf (c, "Connection: close\r\n\r\n");
      else if (req->version < 11)
        r = putf (c, "Connection: keep-alive\r\n\r\n");
      else
        r = put (c, "\r\n", 2);
    }
  return r;
}

int
mirage_http_response_write (mirage_http_request *req, const void *buf, size_t len)
{
  conn *c = req->c;
  int r;

  if (req->h2 != NULL)
    return mirage_http2__response_write (req, buf, len);
  if (!req->started || req->finished)
    return -EINVAL;
  if (len == 0)
    return 0;
  if (req->resp_remaining >= 0)
    {
      if ((uint64_t) len > (uint64_t) req->resp_remaining)
        return -EINVAL;
      req->resp_remaining -= (int64_t) len;
    }
  if (req->head)
    return 0;
  if (req->resp_chunked)
    {
      r = putf (c, "%zx\r\n", len);
      if (r == 0)
        r = put (c, buf, len);
      if (r == 0)
        r = put (c, "\r\n", 2);
      return r;
    }
  return put (c, buf, len);
}

int
mirage_http_response_finish (mirage_http_request *req)
{
  conn *c = req->c;

  if (req->h2 != NULL)
    return mirage_http2__response_finish (req);
  if (!req->started)
    return -EINVAL;
  if (req->finished)
    return 0;
  req->finished = true;
  if (req->resp_chunked && !req->head)
    return put (c, "0\r\n\r\n", 5);
  if (req->resp_remaining > 0)
    {
      /* fewer bytes than announced: the framing is broken, so close */
      req->resp_close = true;
      return -EPIPE;
    }
  return 0;
}

int
mirage_http_respond (mirage_http_request *req, int status, const char *content_type,
                     const void *body, size_t len)
{
  mirage_http_header h = { "Content-Type", content_type };
  int r = mirage_http_response_start (req, status, content_type ? &h : NULL,
                                      content_type ? 1 : 0, (int64_t) len);
  if (r == 0)
    r = mirage_http_response_write (req, body, len);
  if (r == 0)
    r = mirage_http_response_finish (req);
  return r;
}

/* An error answer that ends the connection. */
static void
answer_error (conn *c, int status)
{
  mirage_http_request *q = &c->req;
  char body[128];
  int n = snprintf (body, sizeof body, "%d %s\n", status, mirage_http_reason (status));
  mirage_http_header h = { "Content-Type", "text/plain" };
  if (q->started)
    return;
  q->keep_alive = false;
  if (q->version == 0)
    q->version = 11;
  if (mirage_http_response_start (q, status, &h, 1, n) == 0)
    {
      if (mirage_http_response_write (q, body, (size_t) n) == 0)
        mirage_http_response_finish (q);
    }
}

/* ---- connections ---- */

static void
request_reset (mirage_http_request *q, conn *c)
{
  char *arena = q->arena;
  size_t cap = q->arena_cap;
  hdr_span *spans = q->spans;
  size_t cap_spans = q->cap_spans;
  free (q->headers);
  memset (q, 0, sizeof *q);
  q->c = c;
  q->arena = arena;
  q->arena_cap = cap;
  q->spans = spans;
  q->cap_spans = cap_spans;
}

static bool
expect_is_continue (const char *v)
{
  return strcasecmp (v, "100-continue") == 0;
}

static void conn_wake (void *arg, int result);

/* Gives a connection's input, arena and spans back to the server's pools
 * (grown ones are freed). */
static void
release_buffers (conn *c)
{
  server *s = c->srv;
  mirage_http_request *q = &c->req;
  mirage_http__pool_put (&s->pool_in, c->in);
  c->in = NULL;
  if (q->arena_cap == ARENA_CAP)
    mirage_http__pool_put (&s->pool_arena, q->arena);
  else
    free (q->arena);
  if (q->cap_spans == SPANS_CAP)
    mirage_http__pool_put (&s->pool_spans, q->spans);
  else
    free (q->spans);
  q->arena = NULL;
  q->arena_cap = q->arena_len = 0;
  q->spans = NULL;
  q->cap_spans = q->n_spans = 0;
  free (q->headers);
  q->headers = NULL;
}

/* Before waiting for the next request: parks @c on the event loop
 * instead of suspending its task (true: the task may end; conn_wake
 * starts another when bytes arrive). Only plain TCP: a TLS session may
 * hold decrypted bytes the socket no longer shows. */
static bool
park (conn *c)
{
  if (c->tls != NULL || c->no_park)
    return false;
  if (c->woken)
    {
      c->woken = false;   /* just woken for these bytes: read them */
      return false;
    }
  c->in_off = c->in_len = 0;
  c->phase = PHASE_IDLE;   /* the watchdog and a stop shut it down: readable */
  c->deadline = mirage_http__deadline (c->srv->limits.idle_timeout_ns);
  if (mirage_tcp_watch_readable (c->flow, conn_wake, c) < 0)
    {
      c->phase = PHASE_BUSY;
      c->deadline = 0;
      return false;
    }
  release_buffers (c);
  return true;
}

/* Reads and drops the rest of @q's body: 0, or -errno. Apart from
 * serve_one so its 4 KiB are not in every request's stack frame (each
 * touched stack page stays in the stack cache). */
__attribute__ ((noinline)) static int
drain_body (mirage_http_request *q)
{
  char sink[4096];
  while (!q->message_done)
    {
      ssize_t n = mirage_http_request_read_body (q, sink, sizeof sink);
      if (n < 0)
        return (int) n;
    }
  return 0;
}

/* One request: 1 to go on with the next, 0 to close, 2 parked. */
static int
serve_one (conn *c)
{
  server *s = c->srv;
  mirage_http_request *q = &c->req;
  const char *expect;
  int status, r;
  char who[80];
  uint64_t header_deadline = 0;

  request_reset (q, c);
  /* bytes already here (read while telling HTTP/2 from HTTP/1.1, or a
   * pipelined request) start the header clock too */
  if (c->in_off < c->in_len && s->limits.header_timeout_ns)
    header_deadline = mirage_loop_now_ns () + s->limits.header_timeout_ns;
  while (!q->headers_done)
    {
      if (c->in_off == c->in_len)
        {
          ssize_t n;
          if (s->stopping && q->header_bytes == 0)
            return 0;
          if (flush_out (c) < 0)
            return 0;
          if (q->header_bytes == 0)
            drop_out (c);
          if (q->header_bytes == 0 && park (c))
            return 2;
          if (q->header_bytes == 0)
            n = fill (c, PHASE_IDLE, mirage_http__deadline (s->limits.idle_timeout_ns));
          else
            n = fill (c, PHASE_READ, header_deadline);
          if (n > 0 && header_deadline == 0 && s->limits.header_timeout_ns)
            header_deadline = mirage_loop_now_ns () + s->limits.header_timeout_ns;
          if (n <= 0)
            {
              if (n == -ETIMEDOUT && q->header_bytes > 0)
                {
                  mirage_log_warn (&http_src, "408 to %s: no complete request headers in time",
                                   mirage_http__peer_text (c, who, sizeof who));
                  answer_error (c, 408);
                }
              return 0;
            }
        }
      status = parse_some (c);
      if (status != 0)
        {
          answer_error (c, status);
          return 0;
        }
    }

  expect = mirage_http_request_header (q, "Expect");
  if (expect != NULL)
    {
      if (!expect_is_continue (expect))
        {
          mirage_log_warn (&http_src, "417 to %s: Expect: %s", mirage_http__peer_text (c, who, sizeof who), expect);
          answer_error (c, 417);
          return 0;
        }
      q->expect_continue = q->version >= 11 && !q->message_done;
    }
  if (q->content_length > 0 && (uint64_t) q->content_length > s->limits.max_body_bytes)
    {
      mirage_log_warn (&http_src, "413 to %s: Content-Length %" PRId64 " over %" PRIu64 " bytes",
                       mirage_http__peer_text (c, who, sizeof who), q->content_length, s->limits.max_body_bytes);
      answer_error (c, 413);
      return 0;
    }

  r = s->handler (q, s->data);
  if (!q->started)
    {
      if (q->body_error == -EFBIG)
        answer_error (c, 413);
      else if (q->body_error == -ETIMEDOUT)
        answer_error (c, 408);
      else if (q->body_error == 0 || q->body_error == -EPROTO)
        {
          if (q->body_error == 0)
            mirage_log_err (&http_src, "500 to %s: the handler gave no answer to %s %s",
                            mirage_http__peer_text (c, who, sizeof who), q->method, q->target);
          answer_error (c, q->body_error ? 400 : 500);
        }
      return 0;
    }
  if (mirage_http_response_finish (q) < 0 || q->resp_close || r < 0 || q->body_error)
    return 0;
  /* what the handler left of the body is read and dropped */
  if (!q->message_done && drain_body (q) < 0)
    return 0;
  /* answers to pipelined requests already here go out together */
  if (c->in_off == c->in_len && flush_out (c) < 0)
    return 0;
  return s->stopping ? 0 : 1;
}

static void conn_end (conn *c);

static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* Reads until the input can tell HTTP/2's client preface (h2c with prior
 * knowledge) from an HTTP/1.1 request: true for HTTP/2. What was read
 * stays in the input for whichever protocol gets it. */
static bool
sniff_preface (conn *c)
{
  server *s = c->srv;
  size_t want = sizeof h2_preface - 1;
  c->in_off = c->in_len = 0;
  while (c->in_len < want)
    {
      ssize_t n;
      if (memcmp (c->in, h2_preface, c->in_len) != 0)
        return false;
      c->phase = c->in_len == 0 ? PHASE_IDLE : PHASE_READ;
      c->deadline = mirage_http__deadline (s->limits.idle_timeout_ns);
      n = mirage_http__conn_read (c, c->in + c->in_len, IN_CAP - c->in_len);
      c->deadline = 0;
      c->phase = PHASE_BUSY;
      if (n <= 0 || c->timed_out)
        return false;   /* serve_one reads again and sees the end */
      c->in_len += (size_t) n;
      c->woken = false;   /* read what woke it */
    }
  return memcmp (c->in, h2_preface, want) == 0;
}

/* The TLS handshake, bounded by the header timeout as a request's
 * headers are: false when it failed (logged). */
static bool
tls_accept (conn *c, const char **alpn)
{
  server *s = c->srv;
  char who[80];
  void *session = NULL;
  int r;
  mirage_http__peer_text (c, who, sizeof who);
  c->phase = PHASE_READ;
  c->deadline = mirage_http__deadline (s->limits.header_timeout_ns);
  r = s->tls_ops->handshake (s->tls_cfg, c->flow, &session, alpn);
  c->deadline = 0;
  c->phase = PHASE_BUSY;
  if (r < 0)
    {
      c->flow = NULL;   /* the failed handshake closed it */
      mirage_log_info (&http_src, "TLS handshake with %s failed: %s", who,
                       c->timed_out ? "no handshake in time" : strerror (-r));
      return false;
    }
  c->tls = session;
  return true;
}

/* HTTP/1.1 requests until the connection closes or parks. */
static void
serve_h1 (conn *c)
{
  int r;
  while ((r = serve_one (c)) == 1)
    ;
  if (r == 2)
    return;
  flush_out (c);
  conn_end (c);
}

static int
conn_resume (void *arg)
{
  serve_h1 (arg);
  return 0;
}

static int conn_task (void *arg);

/* A parked connection became readable (or the loop winds down): a task
 * takes it, conn_task for its first bytes, else the next request. */
static void
conn_wake (void *arg, int result)
{
  conn *c = arg;
  mirage_task *t;
  bool fresh = c->fresh;
  c->phase = PHASE_BUSY;
  c->deadline = 0;
  c->woken = true;   /* bytes are here: the first wait reads them */
  c->fresh = false;
  if (result == 0 && (c->in = mirage_http__pool_get (&c->srv->pool_in)) != NULL)
    {
      t = mirage_task_spawn ("paf-connection", fresh ? conn_task : conn_resume, c);
      if (t != NULL)
        {
          mirage_task_detach (t);
          return;
        }
    }
  conn_end (c);
}

static int
conn_task (void *arg)
{
  conn *c = arg;
  server *s = c->srv;
  const char *alpn = NULL;
  bool h2 = false;

  http_parser_init (&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->req.c = c;
  if (s->tls_ops != NULL && !tls_accept (c, &alpn))
    {
      conn_end (c);
      return 0;
    }
  if (alpn != NULL && strcmp (alpn, "h2") == 0)
    h2 = true;
  else if ((s->protocols & MIRAGE_HTTP_PROTO_HTTP2) && alpn == NULL)
    h2 = sniff_preface (c);
  if (h2 && (s->protocols & MIRAGE_HTTP_PROTO_HTTP2))
    {
      c->h2 = true;
      mirage_http2__serve (c);
    }
  else if (s->protocols & MIRAGE_HTTP_PROTO_HTTP1)
    {
      serve_h1 (c);
      return 0;
    }
  conn_end (c);
  return 0;
}

/* Closes @c's flow, unlinks and frees it (and a server whose free was
 * waiting for its last connection). */
static void
conn_end (conn *c)
{
  server *s = c->srv;
  if (c->tls != NULL)
    s->tls_ops->close (c->tls);
  else if (c->flow != NULL)
    mirage_tcp_close (c->flow);
  mirage_http__pool_put (&s->pool_out, c->out);
  c->out = NULL;
  release_buffers (c);
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  s->n_conns--;
  free (c);
  if (s->n_conns == 0 && s->free_pending)
    server_release (s);
}

mirage_http_server *
mirage_http__server_new_unbound (void)
{
  server *s = calloc (1, sizeof *s);
  if (s == NULL)
    return NULL;
  server_init (s);
  return &s->pub;
}

/* links @flow's connection into @s (the watchdog's list); no input
 * buffer yet */
static conn *
conn_new (server *s, mirage_flow *flow)
{
  conn *c = calloc (1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->srv = s;
  c->flow = flow;
  mirage_tcp_peer (flow, &c->peer);
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
  s->n_conns++;
  return c;
}

void
mirage_http__serve_flow (mirage_http_server *pub, mirage_http_handler handler, void *data,
                         mirage_flow *flow)
{
  server *s = (server *) pub;
  conn *c = conn_new (s, flow);
  s->handler = handler;
  s->data = data;
  if (c == NULL)
    mirage_tcp_close (flow);
  else if ((c->in = mirage_http__pool_get (&s->pool_in)) == NULL)
    conn_end (c);
  else
    {
      c->no_park = true;
      conn_task (c);
    }
}

/* The watchdog: shuts down the sockets of connections past their
 * deadline (see the comment at the top). */
static int
watchdog_task (void *arg)
{
  server *s = arg;
  uint64_t shortest = s->limits.idle_timeout_ns;
  uint64_t tick;

  if (s->limits.header_timeout_ns && (!shortest || s->limits.header_timeout_ns < shortest))
    shortest = s->limits.header_timeout_ns;
  tick = shortest ? shortest / 4 : MIRAGE_NS_PER_S;
  if (tick < 10 * MIRAGE_NS_PER_MS)
    tick = 10 * MIRAGE_NS_PER_MS;
  if (tick > MIRAGE_NS_PER_S)
    tick = MIRAGE_NS_PER_S;
  while (mirage_task_sleep_ns (tick) == 0)
    {
      uint64_t now = mirage_loop_now_ns ();
      for (conn *c = s->conns; c; c = c->next)
        if (c->flow != NULL && !c->timed_out
            && ((c->deadline && now >= c->deadline)
                || (c->write_deadline && now >= c->write_deadline)))
          {
            bool writing = c->phase == PHASE_WRITE
                           || (c->write_deadline && now >= c->write_deadline);
            c->timed_out = true;
            mirage_tcp_shutdown (c->flow, writing ? MIRAGE_SHUTDOWN_READ_WRITE
                                                  : MIRAGE_SHUTDOWN_READ);
          }
    }
  return 0;
}

int
mirage_http_serve (mirage_http_server *pub, mirage_http_handler handler, void *data)
{
  server *s = (server *) pub;
  mirage_task *watchdog;
  int r;

  if (s == NULL || handler == NULL)
    return -EINVAL;
  if (s->listener == NULL)
    {
      mirage_log_err (&http_src, "serving before listening: call mirage_http_server_listen first");
      return -ENOTCONN;
    }
  s->handler = handler;
  s->data = data;
  s->serve_task = mirage_task_self ();
  watchdog = mirage_task_spawn ("paf-watchdog", watchdog_task, s);
  if (watchdog == NULL)
    return -ENOMEM;
  mirage_log_info (&http_src, "listening on port %u", (unsigned) s->pub.port);
  for (;;)
    {
      mirage_flow *flow;
      conn *c;
      mirage_task *t;

      r = mirage_tcp_accept (s->listener, &flow);
      if (r < 0)
        {
          if (r == -ECONNABORTED || r == -EMFILE || r == -ENFILE || r == -ENOBUFS || r == -ENOMEM)
            {
              mirage_log_warn (&http_src, "accept: %s", strerror (-r));
              if (r != -ECONNABORTED && mirage_task_sleep_ns (10 * MIRAGE_NS_PER_MS) < 0)
                break;
              continue;
            }
          break;
        }
      c = conn_new (s, flow);
      if (c == NULL)
        {
          mirage_tcp_close (flow);
          continue;
        }
      /* plain TCP: parked until its first bytes (see the top) */
      if (s->tls_ops == NULL)
        {
          c->fresh = true;
          c->phase = PHASE_IDLE;
          c->deadline = mirage_http__deadline (s->limits.idle_timeout_ns);
          if (mirage_tcp_watch_readable (flow, conn_wake, c) == 0)
            continue;
          c->fresh = false;
          c->phase = PHASE_BUSY;
          c->deadline = 0;
        }
      if ((c->in = mirage_http__pool_get (&s->pool_in)) == NULL)
        {
          conn_end (c);
          continue;
        }
      t = mirage_task_spawn ("paf-connection", conn_task, c);
      if (t == NULL)
        {
          conn_end (c);
          continue;
        }
      mirage_task_detach (t);
    }
  /* graceful stop: idle connections close now, the others after the
   * request under way */
  s->stopping = true;
  s->serve_task = NULL;
  /* (an HTTP/2 connection's reader then sends GOAWAY and lets its
   * streams finish) */
  for (conn *c = s->conns; c; c = c->next)
    if (c->flow != NULL && (c->phase == PHASE_IDLE || c->h2))
      mirage_tcp_shutdown (c->flow, MIRAGE_SHUTDOWN_READ);
  mirage_task_cancel (watchdog);
  mirage_task_join (watchdog);
  if (r == -ECANCELED || r == -EBADF)
    return 0;
  return r;
}
