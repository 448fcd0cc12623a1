/* http2-server.c: HTTP/2 for the HTTP server (mirage/http.h), with
 * nghttp2 doing the framing, HPACK, stream states and flow control.
 *
 * Tasks: the connection's task reads and feeds nghttp2
 * (nghttp2_session_mem_recv); a writer task sends what nghttp2 has to
 * send (nghttp2_session_mem_send, several frames per write) and parks
 * when it has nothing; each stream's handler runs in a task of its own,
 * started when the request's headers are complete. nghttp2's callbacks
 * run inside mem_recv/mem_send and never suspend: they only move bytes
 * between nghttp2 and the streams' buffers and wake tasks
 * (mirage_task_unpark), so the session is never used by two tasks at
 * once even though three kinds of task share it.
 *
 * Backpressure, both ways. Request bodies: automatic WINDOW_UPDATEs are
 * off; the connection's window is given back as soon as bytes arrive
 * (one stream must not block the others) and a stream's only as its
 * handler reads them, so a stream buffers at most its window (64 KiB)
 * and a client cannot make a slow handler hold more. Responses: a
 * handler's writes go to its stream's buffer, which nghttp2 drains as
 * the peer's windows allow; past 64 KiB the handler parks until the
 * buffer drains, so a slow reader holds up only its own stream (and is
 * timed out by the idle limit).
 *
 * Shutdown: when the server stops, the connection gets a GOAWAY naming
 * the last stream it took; streams under way finish, then it closes.
 *
 * Slowloris: the reader follows the frame boundaries itself (h2_framing)
 * to know when a request's headers are half here (a partial frame
 * header, HEADERS or CONTINUATION frame, or a header block waiting for
 * its CONTINUATION); from the first such byte the header timeout runs,
 * not renewed by more bytes, and the connection is closed when it
 * passes, as an HTTP/1.1 request's headers are.
 */
#include "http-private.h"

#include <errno.h>
#include <inttypes.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define http_src mirage_http__src

/* a stream's response buffer: past this a handler's write waits */
#define STREAM_OUT_MAX (64 * 1024)
#define STREAM_WINDOW 65535
#define MAX_STREAMS 100

typedef struct h2_conn h2_conn;

/* Where the client's byte stream is, frame-wise (see the top). */
typedef struct {
  size_t preface_left;         /* bytes of the client preface still to come */
  uint8_t hdr[9];              /* a frame header being received */
  size_t hdr_len;
  size_t payload_left;         /* of the current frame */
  uint8_t type;                /* of the current frame */
  bool in_block;               /* HEADERS without END_HEADERS: CONTINUATION due */
} h2_framing;

#define H2_FRAME_HEADERS 0x1
#define H2_FRAME_PUSH_PROMISE 0x5
#define H2_FRAME_CONTINUATION 0x9
#define H2_FLAG_END_HEADERS 0x4

static void
framing_feed (h2_framing *f, const uint8_t *p, size_t n)
{
  while (n > 0)
    {
      size_t k;
      if (f->preface_left > 0)
        {
          k = n < f->preface_left ? n : f->preface_left;
          f->preface_left -= k;
        }
      else if (f->payload_left > 0)
        {
          k = n < f->payload_left ? n : f->payload_left;
          f->payload_left -= k;
        }
      else
        {
          f->hdr[f->hdr_len++] = *p;
          k = 1;
          if (f->hdr_len == 9)
            {
              f->hdr_len = 0;
              f->payload_left = (size_t) f->hdr[0] << 16 | (size_t) f->hdr[1] << 8 | f->hdr[2];
              f->type = f->hdr[3];
              if (f->type == H2_FRAME_HEADERS || f->type == H2_FRAME_PUSH_PROMISE
                  || f->type == H2_FRAME_CONTINUATION)
                f->in_block = !(f->hdr[4] & H2_FLAG_END_HEADERS);
            }
        }
      p += k;
      n -= k;
    }
}

/* true while a request's headers are partly received */
static bool
framing_in_headers (const h2_framing *f)
{
  return (f->preface_left > 0 && f->preface_left < sizeof "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" - 1)
         || f->hdr_len > 0 || f->in_block
         || (f->payload_left > 0
             && (f->type == H2_FRAME_HEADERS || f->type == H2_FRAME_PUSH_PROMISE
                 || f->type == H2_FRAME_CONTINUATION));
}

struct h2_stream {
  h2_stream *prev, *next;
  h2_conn *h;
  int32_t id;
  mirage_http_request req;     /* req.h2 = this */
  size_t path_off;
  bool has_path, has_method, has_host;
  size_t method_off, authority_off, authority_len;
  bool has_authority;
  size_t header_bytes;
  int limit_status;            /* 414 or 431 */
  /* request body, as received and not yet read */
  char *in;
  size_t in_off, in_len, in_cap;
  bool in_eof;
  /* response body, written and not yet taken by nghttp2 */
  char *out;
  size_t out_off, out_len, out_cap;
  bool out_eof, deferred;
  bool closed;                 /* nghttp2 closed the stream */
  bool running;                /* its handler task has not ended */
  mirage_task *waiter;         /* its handler, parked */
};

struct h2_conn {
  conn *c;
  nghttp2_session *session;
  mirage_task *reader, *writer;
  bool reader_parked;
  h2_stream *streams;
  size_t n_running;
  bool dead;                   /* the transport failed or closed */
  bool eof;                    /* no more input: no WINDOW_UPDATE will come */
  bool done;                   /* the reader has ended: the writer ends */
  int write_error;
};

static void
wake_writer (h2_conn *h)
{
  mirage_task_unpark (h->writer);
}

static void
stream_free (h2_stream *st)
{
  h2_conn *h = st->h;
  if (st->prev)
    st->prev->next = st->next;
  else
    h->streams = st->next;
  if (st->next)
    st->next->prev = st->prev;
  free (st->req.arena);
  free (st->req.spans);
  free (st->req.headers);
  free (st->in);
  free (st->out);
  free (st);
}

/* ---- the request's strings ---- */

static int
arena_put (mirage_http_request *q, const void *p, size_t len)
{
  if (q->arena_len + len + 1 > q->arena_cap)
    {
      size_t cap = q->arena_cap ? q->arena_cap : 256;
      char *a;
      while (cap < q->arena_len + len + 1)
        cap *= 2;
      a = realloc (q->arena, cap);
      if (a == NULL)
        return -1;
      q->arena = a;
      q->arena_cap = cap;
    }
  memcpy (q->arena + q->arena_len, p, len);
  q->arena_len += len;
  q->arena[q->arena_len++] = '\0';
  return 0;
}

static int
add_header (mirage_http_request *q, const void *name, size_t nlen, const void *value, size_t vlen)
{
  hdr_span *sp;
  if (q->n_spans == q->cap_spans)
    {
      size_t cap = q->cap_spans ? q->cap_spans * 2 : 16;
      hdr_span *n = realloc (q->spans, cap * sizeof *n);
      if (n == NULL)
        return -1;
      q->spans = n;
      q->cap_spans = cap;
    }
  sp = &q->spans[q->n_spans];
  sp->name_off = q->arena_len;
  sp->name_len = nlen;
  if (arena_put (q, name, nlen) < 0)
    return -1;
  sp->value_off = q->arena_len;
  sp->value_len = vlen;
  if (arena_put (q, value, vlen) < 0)
    return -1;
  q->n_spans++;
  return 0;
}

/* ---- nghttp2's callbacks ---- */

static int
on_begin_headers (nghttp2_session *session, const nghttp2_frame *frame, void *user_data)
{
  h2_conn *h = user_data;
  h2_stream *st;
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;
  st = calloc (1, sizeof *st);
  if (st == NULL)
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  st->h = h;
  st->id = frame->hd.stream_id;
  st->req.c = h->c;
  st->req.h2 = st;
  st->req.version = 20;
  st->next = h->streams;
  if (h->streams)
    h->streams->prev = st;
  h->streams = st;
  nghttp2_session_set_stream_user_data (session, st->id, st);
  return 0;
}

static bool
name_is (const uint8_t *name, size_t len, const char *want)
{
  return len == strlen (want) && memcmp (name, want, len) == 0;
}

static int
on_header (nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
           size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *user_data)
{
  h2_conn *h = user_data;
  const mirage_http_limits *lim = &h->c->srv->limits;
  h2_stream *st;
  mirage_http_request *q;
  (void) flags;

  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;
  st = nghttp2_session_get_stream_user_data (session, frame->hd.stream_id);
  if (st == NULL || st->limit_status)
    return 0;
  q = &st->req;
  st->header_bytes += namelen + valuelen + 4;   /* as ": " and CRLF on HTTP/1.1 */
  if (st->header_bytes > lim->max_header_bytes)
    {
      st->limit_status = 431;
      return 0;
    }
  if (namelen > 0 && name[0] == ':')
    {
      if (name_is (name, namelen, ":path"))
        {
          if (valuelen > lim->max_uri_bytes)
            {
              st->limit_status = 414;
              return 0;
            }
          st->path_off = q->arena_len;
          st->has_path = true;
        }
      else if (name_is (name, namelen, ":method"))
        {
          st->method_off = q->arena_len;
          st->has_method = true;
        }
      else if (name_is (name, namelen, ":authority"))
        {
          st->authority_off = q->arena_len;
          st->authority_len = valuelen;
          st->has_authority = true;
        }
      else
        return 0;   /* :scheme */
      if (arena_put (q, value, valuelen) < 0)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
      return 0;
    }
  if (q->n_spans >= lim->max_headers)
    {
      st->limit_status = 431;
      return 0;
    }
  if (name_is (name, namelen, "host"))
    st->has_host = true;
  if (add_header (q, name, namelen, value, valuelen) < 0)
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  return 0;
}

static int stream_task (void *arg);

/* The request's headers are all here: its handler's task starts. */
static void
request_ready (h2_conn *h, h2_stream *st, bool end_stream)
{
  mirage_http_request *q = &st->req;
  mirage_task *t;
  const char *cl;

  if (st->has_authority && !st->has_host && !st->limit_status)
    {
      /* handlers read the host from Host, as on HTTP/1.1 */
      char *a = q->arena + st->authority_off;
      if (add_header (q, "host", 4, a, st->authority_len) < 0)
        st->limit_status = 431;
    }
  if (mirage_http__request_index_headers (q) < 0)
    {
      nghttp2_submit_rst_stream (h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
      return;
    }
  /* nghttp2 has checked that :method and :path are there (or answers
   * PROTOCOL_ERROR), unless a limit cut the headers short */
  q->method = st->has_method ? q->arena + st->method_off : "GET";
  q->target = st->has_path ? q->arena + st->path_off : "/";
  q->head = strcmp (q->method, "HEAD") == 0;
  q->headers_done = true;
  st->in_eof = end_stream;
  q->message_done = end_stream;
  cl = mirage_http_request_header (q, "content-length");
  if (end_stream)
    q->content_length = 0;
  else if (cl != NULL)
    q->content_length = strtoll (cl, NULL, 10);   /* nghttp2 checked its form */
  else
    q->content_length = -1;
  st->running = true;
  h->n_running++;
  t = mirage_task_spawn ("paf-h2-stream", stream_task, st);
  if (t == NULL)
    {
      st->running = false;
      h->n_running--;
      nghttp2_submit_rst_stream (h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_REFUSED_STREAM);
      return;
    }
  mirage_task_detach (t);
}

static int
on_frame_recv (nghttp2_session *session, const nghttp2_frame *frame, void *user_data)
{
  h2_conn *h = user_data;
  h2_stream *st = nghttp2_session_get_stream_user_data (session, frame->hd.stream_id);
  bool end = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;

  if (st == NULL)
    return 0;
  switch (frame->hd.type)
    {
    case NGHTTP2_HEADERS:
      if (frame->headers.cat == NGHTTP2_HCAT_REQUEST && !st->running && !st->req.headers_done)
        request_ready (h, st, end);
      else if (end)
        {
          /* trailers end the body */
          st->in_eof = true;
          mirage_task_unpark (st->waiter);
        }
      break;
    case NGHTTP2_DATA:
      if (end)
        {
          st->in_eof = true;
          mirage_task_unpark (st->waiter);
        }
      break;
    default:
      break;
    }
  return 0;
}

static int
on_data_chunk_recv (nghttp2_session *session, uint8_t flags, int32_t stream_id,
                    const uint8_t *data, size_t len, void *user_data)
{
  h2_conn *h = user_data;
  h2_stream *st = nghttp2_session_get_stream_user_data (session, stream_id);
  mirage_http_request *q;
  (void) flags;

  /* the connection's window comes back at once (see the top) */
  nghttp2_session_consume_connection (session, len);
  if (st == NULL || !st->running || st->req.body_error)
    {
      nghttp2_session_consume_stream (session, stream_id, len);
      return 0;
    }
  q = &st->req;
  q->body_seen += len;
  if (q->body_seen > h->c->srv->limits.max_body_bytes)
    {
      char who[80];
      mirage_log_warn (&http_src, "413 to %s: request body over %" PRIu64 " bytes (HTTP/2 stream %d)",
                       mirage_http__peer_text (h->c, who, sizeof who),
                       h->c->srv->limits.max_body_bytes, (int) stream_id);
      q->body_error = -EFBIG;
      nghttp2_session_consume_stream (session, stream_id, len);
      mirage_task_unpark (st->waiter);
      return 0;
    }
  if (st->in_off > 0 && st->in_off == st->in_len)
    st->in_off = st->in_len = 0;
  if (st->in_len + len > st->in_cap)
    {
      size_t cap = st->in_cap ? st->in_cap : 4096;
      char *p;
      if (st->in_off > 0)
        {
          memmove (st->in, st->in + st->in_off, st->in_len - st->in_off);
          st->in_len -= st->in_off;
          st->in_off = 0;
        }
      while (cap < st->in_len + len)
        cap *= 2;
      if (cap != st->in_cap)
        {
          p = realloc (st->in, cap);
          if (p == NULL)
            return NGHTTP2_ERR_CALLBACK_FAILURE;
          st->in = p;
          st->in_cap = cap;
        }
    }
  memcpy (st->in + st->in_len, data, len);
  st->in_len += len;
  mirage_task_unpark (st->waiter);
  return 0;
}

static int
on_stream_close (nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *user_data)
{
  h2_stream *st = nghttp2_session_get_stream_user_data (session, stream_id);
  (void) error_code;
  (void) user_data;
  if (st == NULL)
    return 0;
  nghttp2_session_set_stream_user_data (session, stream_id, NULL);
  st->closed = true;
  if (st->running)
    mirage_task_unpark (st->waiter);
  else
    stream_free (st);
  return 0;
}

/* nghttp2 asks for a response's next DATA bytes */
static ssize_t
read_out (nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
          uint32_t *data_flags, nghttp2_data_source *source, void *user_data)
{
  h2_stream *st = source->ptr;
  size_t avail = st->out_len - st->out_off;
  (void) session;
  (void) stream_id;
  (void) user_data;
  if (avail == 0)
    {
      if (st->out_eof)
        {
          *data_flags |= NGHTTP2_DATA_FLAG_EOF;
          return 0;
        }
      st->deferred = true;
      return NGHTTP2_ERR_DEFERRED;
    }
  if (length > avail)
    length = avail;
  memcpy (buf, st->out + st->out_off, length);
  st->out_off += length;
  if (st->out_off == st->out_len)
    {
      st->out_off = st->out_len = 0;
      if (st->out_eof)
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    }
  mirage_task_unpark (st->waiter);   /* room for its next write */
  return (ssize_t) length;
}

/* ---- the handler's side ---- */

static int
park_stream (h2_stream *st, uint64_t timeout_ns)
{
  int r;
  st->waiter = mirage_task_self ();
  r = mirage_task_park (mirage_http__deadline (timeout_ns));
  st->waiter = NULL;
  return r;
}

ssize_t
mirage_http2__read_body (mirage_http_request *req, void *buf, size_t len)
{
  h2_stream *st = req->h2;
  h2_conn *h = st->h;
  for (;;)
    {
      int r;
      if (req->body_error)
        return req->body_error;
      if (st->in_len > st->in_off)
        {
          size_t n = st->in_len - st->in_off;
          if (n > len)
            n = len;
          memcpy (buf, st->in + st->in_off, n);
          st->in_off += n;
          if (!st->closed && !h->dead)
            {
              nghttp2_session_consume_stream (h->session, st->id, n);
              wake_writer (h);
            }
          return (ssize_t) n;
        }
      if (st->in_eof)
        {
          req->message_done = true;
          return 0;
        }
      if (st->closed || h->dead)
        return req->body_error = -ECONNRESET;
      r = park_stream (st, h->c->srv->limits.idle_timeout_ns);
      if (r == -ETIMEDOUT)
        {
          char who[80];
          mirage_log_warn (&http_src, "408 to %s: no request body in time (HTTP/2 stream %d)",
                           mirage_http__peer_text (h->c, who, sizeof who), (int) st->id);
          return req->body_error = -ETIMEDOUT;
        }
      if (r < 0)
        return req->body_error = r;
    }
}

/* names that mean something only on HTTP/1.1 connections (RFC 9113 8.2.2) */
static bool
connection_specific (const char *name)
{
  static const char *const names[] = { "connection", "keep-alive", "proxy-connection",
                                        "transfer-encoding", "upgrade" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp (name, names[i]) == 0)
      return true;
  return false;
}

int
mirage_http2__response_start (mirage_http_request *req, int status,
                              const mirage_http_header *headers, size_t n_headers,
                              int64_t content_length)
{
  h2_stream *st = req->h2;
  h2_conn *h = st->h;
  bool no_body = status == 204 || status == 304;
  char status_text[8], length_text[24];
  nghttp2_nv *nv;
  char **lower;
  size_t n = 0;
  nghttp2_data_provider prov = { .source.ptr = st, .read_callback = read_out };
  int r;

  if (req->started)
    return -EALREADY;
  if (status < 200 || status > 999)
    return -EINVAL;
  for (size_t i = 0; i < n_headers; i++)
    if (headers[i].name[0] == '\0' || strpbrk (headers[i].name, "\r\n") != NULL
        || strpbrk (headers[i].value, "\r\n") != NULL)
      return -EINVAL;
  if (st->closed || h->dead)
    return -ECONNRESET;
  req->started = true;
  nv = calloc (n_headers + 3, sizeof *nv);
  lower = calloc (n_headers + 1, sizeof *lower);
  if (nv == NULL || lower == NULL)
    {
      free (nv);
      free (lower);
      return -ENOMEM;
    }
  snprintf (status_text, sizeof status_text, "%d", status);
  nv[n++] = (nghttp2_nv) { (uint8_t *) ":status", (uint8_t *) status_text, 7, strlen (status_text),
                           NGHTTP2_NV_FLAG_NONE };
  nv[n++] = (nghttp2_nv) { (uint8_t *) "date", (uint8_t *) mirage_http__date (), 4,
                           strlen (mirage_http__date ()), NGHTTP2_NV_FLAG_NONE };
  for (size_t i = 0; i < n_headers; i++)
    {
      size_t len = strlen (headers[i].name);
      if (connection_specific (headers[i].name) || strcasecmp (headers[i].name, "content-length") == 0)
        continue;
      lower[i] = malloc (len + 1);
      if (lower[i] == NULL)
        continue;
      for (size_t k = 0; k <= len; k++)
        lower[i][k] = (char) (headers[i].name[k] >= 'A' && headers[i].name[k] <= 'Z'
                              ? headers[i].name[k] + 32 : headers[i].name[k]);
      nv[n++] = (nghttp2_nv) { (uint8_t *) lower[i], (uint8_t *) headers[i].value, len,
                               strlen (headers[i].value), NGHTTP2_NV_FLAG_NONE };
    }
  if (no_body)
    req->resp_remaining = 0;
  else if (content_length >= 0)
    {
      req->resp_remaining = content_length;
      snprintf (length_text, sizeof length_text, "%" PRId64, content_length);
      nv[n++] = (nghttp2_nv) { (uint8_t *) "content-length", (uint8_t *) length_text, 14,
                               strlen (length_text), NGHTTP2_NV_FLAG_NONE };
    }
  else
    req->resp_remaining = -1;
  /* no DATA at all: the HEADERS frame ends the stream */
  if (no_body || req->head || content_length == 0)
    {
      st->out_eof = true;
      r = nghttp2_submit_response (h->session, st->id, nv, n, NULL);
    }
  else
    r = nghttp2_submit_response (h->session, st->id, nv, n, &prov);
  for (size_t i = 0; i < n_headers; i++)
    free (lower[i]);
  free (lower);
  free (nv);
  if (r != 0)
    return -EPROTO;
  wake_writer (h);
  return 0;
}

int
mirage_http2__response_write (mirage_http_request *req, const void *buf, size_t len)
{
  h2_stream *st = req->h2;
  h2_conn *h = st->h;
  const char *p = buf;

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
  if (req->head || st->out_eof)
    return 0;
  while (len > 0)
    {
      size_t room, n;
      if (st->closed || h->dead)
        return -ECONNRESET;
      if (st->out_len - st->out_off >= STREAM_OUT_MAX)
        {
          int r;
          /* the peer has closed its side: the window cannot grow again */
          if (h->eof)
            return -ECONNRESET;
          r = park_stream (st, h->c->srv->limits.idle_timeout_ns);
          if (r == -ETIMEDOUT)
            {
              char who[80];
              mirage_log_warn (&http_src, "%s did not read HTTP/2 stream %d in time: reset",
                               mirage_http__peer_text (h->c, who, sizeof who), (int) st->id);
              nghttp2_submit_rst_stream (h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_CANCEL);
              wake_writer (h);
              return -ETIMEDOUT;
            }
          if (r < 0)
            return r;
          continue;
        }
      if (st->out_off > 0)
        {
          memmove (st->out, st->out + st->out_off, st->out_len - st->out_off);
          st->out_len -= st->out_off;
          st->out_off = 0;
        }
      room = STREAM_OUT_MAX - st->out_len;
      n = len < room ? len : room;
      if (st->out_len + n > st->out_cap)
        {
          size_t cap = st->out_cap ? st->out_cap : 4096;
          char *q;
          while (cap < st->out_len + n)
            cap *= 2;
          q = realloc (st->out, cap);
          if (q == NULL)
            return -ENOMEM;
          st->out = q;
          st->out_cap = cap;
        }
      memcpy (st->out + st->out_len, p, n);
      st->out_len += n;
      p += n;
      len -= n;
      if (st->deferred)
        {
          st->deferred = false;
          nghttp2_session_resume_data (h->session, st->id);
        }
      wake_writer (h);
    }
  return 0;
}

int
mirage_http2__response_finish (mirage_http_request *req)
{
  h2_stream *st = req->h2;
  h2_conn *h = st->h;
  if (!req->started)
    return -EINVAL;
  if (req->finished)
    return 0;
  req->finished = true;
  if (req->resp_remaining > 0)
    {
      /* fewer bytes than announced: the stream cannot end well */
      if (!st->closed && !h->dead)
        nghttp2_submit_rst_stream (h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
      wake_writer (h);
      return -EPIPE;
    }
  if (!st->out_eof)
    {
      st->out_eof = true;
      if (st->deferred && !st->closed && !h->dead)
        {
          st->deferred = false;
          nghttp2_session_resume_data (h->session, st->id);
        }
    }
  wake_writer (h);
  return 0;
}

static void
answer_error (h2_stream *st, int status)
{
  mirage_http_request *q = &st->req;
  char body[128];
  int n = snprintf (body, sizeof body, "%d %s\n", status, mirage_http_reason (status));
  mirage_http_header hd = { "content-type", "text/plain" };
  if (q->started)
    return;
  if (mirage_http2__response_start (q, status, &hd, 1, n) == 0
      && mirage_http2__response_write (q, body, (size_t) n) == 0)
    mirage_http2__response_finish (q);
}

static int
stream_task (void *arg)
{
  h2_stream *st = arg;
  h2_conn *h = st->h;
  conn *c = h->c;
  server *s = c->srv;
  mirage_http_request *q = &st->req;
  char who[80];

  if (st->limit_status)
    {
      mirage_log_warn (&http_src, "%d to %s: %s (HTTP/2 stream %d)", st->limit_status,
                       mirage_http__peer_text (c, who, sizeof who),
                       st->limit_status == 414 ? "request target longer than the limit"
                                               : "request header fields over the limit",
                       (int) st->id);
      answer_error (st, st->limit_status);
    }
  else if (q->content_length > 0 && (uint64_t) q->content_length > s->limits.max_body_bytes)
    {
      mirage_log_warn (&http_src, "413 to %s: content-length %" PRId64 " over %" PRIu64
                       " bytes (HTTP/2 stream %d)", mirage_http__peer_text (c, who, sizeof who),
                       q->content_length, s->limits.max_body_bytes, (int) st->id);
      answer_error (st, 413);
    }
  else
    {
      s->handler (q, s->data);
      if (!q->started)
        {
          if (q->body_error == -EFBIG)
            answer_error (st, 413);
          else if (q->body_error == -ETIMEDOUT)
            answer_error (st, 408);
          else if (q->body_error == 0)
            {
              mirage_log_err (&http_src, "500 to %s: the handler gave no answer to %s %s",
                              mirage_http__peer_text (c, who, sizeof who), q->method, q->target);
              answer_error (st, 500);
            }
          else if (q->body_error != -ECONNRESET)
            answer_error (st, 400);
        }
      else
        mirage_http2__response_finish (q);
    }
  /* a body the handler left unread is not wanted: the stream is reset
   * once its answer is out, and what comes meanwhile is dropped */
  if (!st->in_eof && !st->closed && !h->dead)
    {
      size_t unread = st->in_len - st->in_off;
      if (unread > 0)
        nghttp2_session_consume_stream (h->session, st->id, unread);
      st->in_off = st->in_len = 0;
    }
  st->running = false;
  h->n_running--;
  if (st->closed)
    stream_free (st);
  wake_writer (h);
  if (h->reader_parked)
    mirage_task_unpark (h->reader);
  return 0;
}

/* ---- the connection ---- */

/* The writer's write: the watchdog shuts the socket down when it stays
 * blocked past the idle timeout (c->write_deadline, the writer's own). */
static int
write_timed (conn *c, const void *buf, size_t len)
{
  int r;
  c->write_deadline = mirage_http__deadline (c->srv->limits.idle_timeout_ns);
  r = mirage_http__conn_write (c, buf, len);
  c->write_deadline = 0;
  return r;
}

static int
writer_task (void *arg)
{
  h2_conn *h = arg;
  conn *c = h->c;

  if (mirage_http__conn_out (c) == NULL)
    {
      h->write_error = -ENOMEM;
      h->dead = true;
      mirage_tcp_shutdown (c->flow, MIRAGE_SHUTDOWN_READ_WRITE);
      return 0;
    }
  for (;;)
    {
      size_t len = 0;
      bool failed = false;
      for (;;)
        {
          const uint8_t *data;
          ssize_t n = nghttp2_session_mem_send (h->session, &data);
          if (n < 0)
            {
              failed = true;
              break;
            }
          if (n == 0)
            break;
          if (len + (size_t) n > OUT_CAP && len > 0)
            {
              /* @data stays valid until the next mem_send, so this can wait */
              h->write_error = write_timed (c, c->out, len);
              len = 0;
              if (h->write_error < 0)
                break;
            }
          if ((size_t) n > OUT_CAP)
            {
              h->write_error = write_timed (c, data, (size_t) n);
              if (h->write_error < 0)
                break;
              continue;
            }
          memcpy (c->out + len, data, (size_t) n);
          len += (size_t) n;
        }
      if (len > 0 && h->write_error == 0)
        {
          h->write_error = write_timed (c, c->out, len);
        }
      if (failed || h->write_error < 0 || c->timed_out)
        {
          /* the reader sees the end of its input and winds down */
          if (h->write_error == 0)
            h->write_error = -EPIPE;
          h->dead = true;
          mirage_tcp_shutdown (c->flow, MIRAGE_SHUTDOWN_READ_WRITE);
          for (h2_stream *st = h->streams; st; st = st->next)
            mirage_task_unpark (st->waiter);
          break;
        }
      if (nghttp2_session_want_write (h->session))
        continue;
      if (h->done)
        break;
      if (!nghttp2_session_want_read (h->session) && h->reader_parked)
        mirage_task_unpark (h->reader);   /* both sides said goodbye */
      if (mirage_task_park (0) == -ECANCELED)
        break;
    }
  return 0;
}

/* Wakes every stream's handler after the transport ended. */
static void
wake_all (h2_conn *h)
{
  for (h2_stream *st = h->streams; st; st = st->next)
    mirage_task_unpark (st->waiter);
}

void
mirage_http2__serve (conn *c)
{
  server *s = c->srv;
  h2_conn h = { .c = c };
  nghttp2_session_callbacks *cb;
  nghttp2_option *opt;
  nghttp2_settings_entry settings[3];
  bool goaway = false;
  char who[80];
  int r;
  h2_framing fr = { .preface_left = sizeof "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" - 1 };
  uint64_t header_deadline = 0;

  if (nghttp2_session_callbacks_new (&cb) != 0)
    return;
  nghttp2_session_callbacks_set_on_begin_headers_callback (cb, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback (cb, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback (cb, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback (cb, on_data_chunk_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback (cb, on_stream_close);
  if (nghttp2_option_new (&opt) != 0)
    {
      nghttp2_session_callbacks_del (cb);
      return;
    }
  nghttp2_option_set_no_auto_window_update (opt, 1);
  r = nghttp2_session_server_new2 (&h.session, cb, &h, opt);
  nghttp2_option_del (opt);
  nghttp2_session_callbacks_del (cb);
  if (r != 0)
    return;
  settings[0] = (nghttp2_settings_entry) { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_STREAMS };
  settings[1] = (nghttp2_settings_entry) { NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW };
  settings[2] = (nghttp2_settings_entry) { NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
                                           (uint32_t) s->limits.max_header_bytes };
  nghttp2_submit_settings (h.session, NGHTTP2_FLAG_NONE, settings, 3);
  /* the connection's window: room for every stream's (see the top) */
  nghttp2_session_set_local_window_size (h.session, NGHTTP2_FLAG_NONE, 0,
                                         STREAM_WINDOW * MAX_STREAMS);
  h.reader = mirage_task_self ();
  h.writer = mirage_task_spawn ("paf-h2-writer", writer_task, &h);
  if (h.writer == NULL)
    {
      nghttp2_session_del (h.session);
      return;
    }

  /* the preface (and maybe more) is already in the input */
  if (c->in_len > c->in_off)
    {
      ssize_t n = nghttp2_session_mem_recv (h.session, (const uint8_t *) c->in + c->in_off,
                                            c->in_len - c->in_off);
      framing_feed (&fr, (const uint8_t *) c->in + c->in_off, c->in_len - c->in_off);
      c->in_off = c->in_len = 0;
      if (n < 0)
        h.dead = true;
      wake_writer (&h);
    }
  while (!h.dead && h.write_error == 0)
    {
      ssize_t n;
      if (!nghttp2_session_want_read (h.session) && !nghttp2_session_want_write (h.session))
        break;
      if (s->stopping && !goaway)
        {
          /* graceful: the client learns the last stream that will be answered */
          nghttp2_submit_goaway (h.session, NGHTTP2_FLAG_NONE,
                                 nghttp2_session_get_last_proc_stream_id (h.session),
                                 NGHTTP2_NO_ERROR, NULL, 0);
          goaway = true;
          wake_writer (&h);
          if (h.n_running == 0)
            break;
        }
      /* idle: no stream under way (a stream's own waits have their
       * own deadlines); headers half here: the header clock, which
       * started with their first byte */
      if (!framing_in_headers (&fr))
        header_deadline = 0;
      else if (header_deadline == 0 && s->limits.header_timeout_ns)
        header_deadline = mirage_loop_now_ns () + s->limits.header_timeout_ns;
      c->phase = header_deadline ? PHASE_READ : h.n_running == 0 ? PHASE_IDLE : PHASE_BUSY;
      c->deadline = h.n_running == 0 ? mirage_http__deadline (s->limits.idle_timeout_ns) : 0;
      if (header_deadline && (c->deadline == 0 || header_deadline < c->deadline))
        c->deadline = header_deadline;
      n = mirage_http__conn_read (c, c->in, IN_CAP);
      c->deadline = 0;
      c->phase = PHASE_BUSY;
      if (n <= 0)
        {
          if (c->timed_out && header_deadline && mirage_loop_now_ns () >= header_deadline)
            mirage_log_warn (&http_src, "closing HTTP/2 connection from %s: no complete request headers in time",
                             mirage_http__peer_text (c, who, sizeof who));
          else if (c->timed_out)
            mirage_log_info (&http_src, "closing idle HTTP/2 connection from %s",
                             mirage_http__peer_text (c, who, sizeof who));
          if (s->stopping && !goaway)
            continue;   /* the read side was shut for the stop: GOAWAY */
          break;
        }
      framing_feed (&fr, (const uint8_t *) c->in, (size_t) n);
      n = nghttp2_session_mem_recv (h.session, (const uint8_t *) c->in, (size_t) n);
      if (n < 0)
        {
          mirage_log_info (&http_src, "HTTP/2 error from %s: %s",
                           mirage_http__peer_text (c, who, sizeof who), nghttp2_strerror ((int) n));
          /* nghttp2 queued a GOAWAY: the writer sends it on the way out */
          break;
        }
      wake_writer (&h);
    }
  /* no more input: handlers finish (a stream waiting for input or
   * room gets -ECONNRESET) */
  h.eof = true;
  if (!goaway && !h.dead)
    {
      nghttp2_submit_goaway (h.session, NGHTTP2_FLAG_NONE,
                             nghttp2_session_get_last_proc_stream_id (h.session),
                             NGHTTP2_NO_ERROR, NULL, 0);
      wake_writer (&h);
    }
  for (h2_stream *st = h.streams; st; st = st->next)
    if (!st->in_eof)
      st->req.body_error = st->req.body_error ? st->req.body_error : -ECONNRESET;
  wake_all (&h);
  while (h.n_running > 0)
    {
      h.reader_parked = true;
      r = mirage_task_park (0);
      h.reader_parked = false;
      /* (the server never cancels a connection's task: its streams'
       * tasks use this frame until they end) */
      if (r == -ECANCELED)
        {
          h.dead = true;
          wake_all (&h);
        }
    }
  h.done = true;
  wake_writer (&h);
  mirage_task_join (h.writer);
  while (h.streams)
    stream_free (h.streams);
  nghttp2_session_del (h.session);
}
