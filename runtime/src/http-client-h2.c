/* http-client-h2.c: the client's HTTP/2 (chosen by ALPN "h2" over TLS),
 * framing and HPACK by nghttp2. The session does no I/O of its own:
 * the task of the request in flight hands it what the connection reads
 * (nghttp2_session_mem_recv) and writes what it produces
 * (nghttp2_session_mem_send), so, as on HTTP/1.1, bytes are read only
 * when the request's task wants them. One stream at a time per
 * connection: a connection goes back to the pool when its stream ends,
 * and the next request on it opens the next stream. The upload is a
 * data provider that defers until the writer hands it bytes; a write
 * returns when the stream's window let all of them go. */
#include "http-client-private.h"

#include <ctype.h>
#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hc_h2 {
  nghttp2_session *s;
  mirage_http_client_request *cur;   /* the request whose stream is open */
  bool goaway;
  bool failed;
};

static mirage_http_client_request *
current (void *user_data, int32_t stream_id)
{
  hc_conn *k = user_data;
  mirage_http_client_request *r = k->h2->cur;
  return r && r->stream_id == stream_id ? r : NULL;
}

static int
on_header (nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
           const uint8_t *value, size_t valuelen, uint8_t flags, void *user_data)
{
  mirage_http_client_request *r = current (user_data, frame->hd.stream_id);
  (void) s;
  (void) flags;
  if (r == NULL || frame->hd.type != NGHTTP2_HEADERS || r->headers_done)
    return 0;                 /* trailers are not kept */
  if (namelen == 7 && memcmp (name, ":status", 7) == 0)
    {
      int status = 0;
      for (size_t i = 0; i < valuelen && i < 3; i++)
        status = isdigit (value[i]) ? status * 10 + (value[i] - '0') : -1000;
      if (valuelen != 3 || status < 100 || status > 599)
        {
          _hc_fail (r, -EPROTO, "malformed response from %s: HTTP/2 status '%.*s'", r->host,
                    (int) (valuelen > 16 ? 16 : valuelen), value);
          return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        }
      r->status = status;
      return 0;
    }
  if (namelen > 0 && name[0] == ':')
    return 0;
  if (_hc_head_begin_name (r) < 0 || _hc_head_append (r, (const char *) name, namelen) < 0
      || _hc_head_begin_value (r) < 0 || _hc_head_append (r, (const char *) value, valuelen) < 0)
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  return 0;
}

static int
on_frame_recv (nghttp2_session *s, const nghttp2_frame *frame, void *user_data)
{
  hc_conn *k = user_data;
  mirage_http_client_request *r;
  (void) s;
  if (frame->hd.type == NGHTTP2_GOAWAY)
    {
      k->h2->goaway = true;
      return 0;
    }
  r = current (user_data, frame->hd.stream_id);
  if (r == NULL || frame->hd.type != NGHTTP2_HEADERS || r->headers_done
      || !(frame->hd.flags & NGHTTP2_FLAG_END_HEADERS))
    return 0;
  if (r->status / 100 == 1)
    {
      /* an interim answer: the real head follows */
      r->status = 0;
      r->n_headers = 0;
      r->head_len = 0;
      r->head_state = 0;
      return 0;
    }
  if (r->status == 0 || _hc_head_end (r) < 0)
    {
      if (r->error_code == 0)
        _hc_fail (r, -EPROTO, "malformed response from %s: HTTP/2 head without :status", r->host);
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
  r->version = 20;
  {
    const char *cl = mirage_http_client_response_header (r, "content-length");
    char *end;
    long long v = cl ? strtoll (cl, &end, 10) : -1;
    r->content_length = cl && *cl && *end == '\0' && v >= 0 ? v : -1;
    if (r->head_request || r->status == 204 || r->status == 304)
      r->content_length = 0;
  }
  r->headers_done = true;
  return 0;
}

static int
on_data (nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
         void *user_data)
{
  mirage_http_client_request *r = current (user_data, stream_id);
  (void) s;
  (void) flags;
  if (r == NULL)
    return 0;
  if (r->down_off == r->down_len)
    r->down_off = r->down_len = 0;
  if (r->down_len + len > r->down_cap)
    {
      size_t cap = r->down_cap ? r->down_cap : 16384;
      unsigned char *grown;
      while (cap < r->down_len + len)
        cap *= 2;
      grown = realloc (r->down, cap);
      if (grown == NULL)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
      r->down = grown;
      r->down_cap = cap;
    }
  memcpy (r->down + r->down_len, data, len);
  r->down_len += len;
  return 0;
}

static int
on_stream_close (nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *user_data)
{
  mirage_http_client_request *r = current (user_data, stream_id);
  (void) s;
  if (r)
    {
      r->stream_closed = true;
      r->reset_code = error_code;
    }
  return 0;
}

static ssize_t
read_upload (nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
             uint32_t *data_flags, nghttp2_data_source *source, void *user_data)
{
  mirage_http_client_request *r = source->ptr;
  (void) s;
  (void) stream_id;
  (void) user_data;
  if (r->up_len > 0)
    {
      size_t n = r->up_len < length ? r->up_len : length;
      memcpy (buf, r->up, n);
      memmove (r->up, r->up + n, r->up_len - n);
      r->up_len -= n;
      return (ssize_t) n;
    }
  if (r->up_state >= 1)
    {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      r->up_state = 2;
      return 0;
    }
  return NGHTTP2_ERR_DEFERRED;
}

int
_hc_h2_open (hc_conn *k)
{
  nghttp2_session_callbacks *cb;
  nghttp2_settings_entry settings[] = {
    { NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
    { NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20 },
  };
  int e;
  k->h2 = calloc (1, sizeof *k->h2);
  if (k->h2 == NULL)
    return -ENOMEM;
  if (nghttp2_session_callbacks_new (&cb) != 0)
    return -ENOMEM;
  nghttp2_session_callbacks_set_on_header_callback (cb, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback (cb, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback (cb, on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback (cb, on_stream_close);
  e = nghttp2_session_client_new (&k->h2->s, cb, k);
  nghttp2_session_callbacks_del (cb);
  if (e != 0)
    return -ENOMEM;
  if (nghttp2_submit_settings (k->h2->s, NGHTTP2_FLAG_NONE, settings, 2) != 0
      || nghttp2_session_set_local_window_size (k->h2->s, NGHTTP2_FLAG_NONE, 0, 1 << 24) != 0)
    return -ENOMEM;
  return 0;
}

void
_hc_h2_close (hc_conn *k)
{
  if (k->h2 == NULL)
    return;
  nghttp2_session_del (k->h2->s);
  free (k->h2);
  k->h2 = NULL;
}

bool
_hc_h2_usable (hc_conn *k)
{
  return k->h2 && !k->h2->goaway && !k->h2->failed && nghttp2_session_want_read (k->h2->s);
}

/* Writes what the session has to send. */
static int
pump_send (mirage_http_client_request *r)
{
  hc_h2 *h = r->conn->h2;
  for (;;)
    {
      const uint8_t *data;
      ssize_t n = nghttp2_session_mem_send (h->s, &data);
      int e;
      if (n < 0)
        {
          h->failed = true;
          return _hc_fail (r, -EPROTO, "HTTP/2 with %s: %s", r->host, nghttp2_strerror ((int) n));
        }
      if (n == 0)
        return 0;
      if ((e = _hc_write (r, data, (size_t) n)) < 0)
        {
          h->failed = true;
          return e;
        }
    }
}

/* Reads once from the connection into the session, then sends what it
 * answers (acknowledgements, window updates). */
static int
pump_recv (mirage_http_client_request *r)
{
  hc_conn *k = r->conn;
  hc_h2 *h = k->h2;
  ssize_t n = _hc_fill (r);
  ssize_t used;
  if (n < 0)
    {
      h->failed = true;
      return (int) n;
    }
  if (n == 0)
    {
      h->failed = true;
      return _hc_fail (r, -ECONNRESET, "%s closed the HTTP/2 connection before the response ended",
                       r->host);
    }
  used = nghttp2_session_mem_recv (h->s, k->in, k->in_len);
  k->in_off = k->in_len;
  if (used < 0)
    {
      h->failed = true;
      if (r->error_code < 0)
        return r->error_code;
      return _hc_fail (r, -EPROTO, "malformed HTTP/2 data from %s port %u: %s", r->host, r->port,
                       nghttp2_strerror ((int) used));
    }
  return pump_send (r);
}

int
_hc_h2_send_head (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  hc_h2 *h = r->conn->h2;
  size_t max = 8 + c->n_headers + r->n_req_headers;
  nghttp2_nv *nv = calloc (max, sizeof *nv);
  char **lower = calloc (max, sizeof *lower);
  char authority[300], num[32];
  size_t n = 0, nl = 0;
  nghttp2_data_provider prd = { .source.ptr = r, .read_callback = read_upload };
  int32_t id;
  int e = 0;

#define NV(NAME, VALUE)                                                            \
  do {                                                                             \
    nv[n].name = (uint8_t *) (NAME);                                               \
    nv[n].namelen = strlen (NAME);                                                 \
    nv[n].value = (uint8_t *) (VALUE);                                             \
    nv[n].valuelen = strlen (VALUE);                                               \
    nv[n].flags = NGHTTP2_NV_FLAG_NONE;                                            \
    n++;                                                                           \
  } while (0)

  if (nv == NULL || lower == NULL)
    {
      free (nv);
      free (lower);
      return -ENOMEM;
    }
  if (_hc_authority (r, authority, sizeof authority) < 0)
    {
      free (nv);
      free (lower);
      return _hc_fail (r, -EINVAL, "host name too long: %.64s...", r->host);
    }
  NV (":method", r->method);
  NV (":scheme", r->scheme);
  NV (":authority", authority);
  NV (":path", r->target);
  {
    /* the client's headers, then the request's (which win), names in
     * lower case as HTTP/2 wants; connection-specific ones dropped */
    char **lists[2] = { c->headers, r->req_headers };
    size_t counts[2] = { c->n_headers, r->n_req_headers };
    bool agent = false;
    for (int l = 0; l < 2; l++)
      for (size_t i = 0; i < counts[l]; i++)
        {
          const char *name = lists[l][2 * i];
          char *lc;
          bool overridden = false;
          if (strcasecmp (name, "host") == 0 || strcasecmp (name, "connection") == 0
              || strcasecmp (name, "content-length") == 0 || strcasecmp (name, "transfer-encoding") == 0
              || strcasecmp (name, "keep-alive") == 0 || strcasecmp (name, "upgrade") == 0
              || strcasecmp (name, "proxy-connection") == 0)
            continue;
          for (size_t j = 0; l == 0 && j < r->n_req_headers; j++)
            overridden |= strcasecmp (name, r->req_headers[2 * j]) == 0;
          if (overridden)
            continue;
          lc = strdup (name);
          if (lc == NULL)
            {
              e = -ENOMEM;
              goto out;
            }
          for (char *p = lc; *p; p++)
            *p = (char) tolower ((unsigned char) *p);
          lower[nl++] = lc;
          agent |= strcmp (lc, "user-agent") == 0;
          NV (lc, lists[l][2 * i + 1]);
        }
    if (!agent)
      NV ("user-agent", "mirage-http-client");
  }
  if (r->body_length > 0)
    {
      snprintf (num, sizeof num, "%lld", (long long) r->body_length);
      NV ("content-length", num);
    }
#undef NV
  r->up_state = 0;
  r->up_len = 0;
  id = nghttp2_submit_request (h->s, NULL, nv, n, r->body_length != 0 ? &prd : NULL, r);
  if (id < 0)
    {
      e = _hc_fail (r, -EPROTO, "HTTP/2 with %s: %s", r->host, nghttp2_strerror (id));
      goto out;
    }
  r->stream_id = id;
  h->cur = r;
  e = pump_send (r);
out:
  for (size_t i = 0; i < nl; i++)
    free (lower[i]);
  free (lower);
  free (nv);
  return e;
}

/* Sends until the upload buffer is empty (and, with @eof, the end of
 * the stream went out), reading window updates when the window is shut. */
static int
flush_upload (mirage_http_client_request *r, bool eof)
{
  hc_h2 *h = r->conn->h2;
  int e;
  nghttp2_session_resume_data (h->s, r->stream_id);
  for (;;)
    {
      if ((e = pump_send (r)) < 0)
        return e;
      if (r->up_len == 0 && (!eof || r->up_state == 2))
        return 0;
      if (r->stream_closed)
        return _hc_fail (r, -ECONNRESET, "%s ended the HTTP/2 stream before the body was sent",
                         r->host);
      if ((e = pump_recv (r)) < 0)
        return e;
      nghttp2_session_resume_data (h->s, r->stream_id);
    }
}

int
_hc_h2_write (mirage_http_client_request *r, const void *buf, size_t len)
{
  unsigned char *grown = realloc (r->up, r->up_len + len);
  if (grown == NULL)
    return -ENOMEM;
  r->up = grown;
  memcpy (r->up + r->up_len, buf, len);
  r->up_len += len;
  return flush_upload (r, false);
}

int
_hc_h2_end_body (mirage_http_client_request *r)
{
  if (r->body_length == 0)
    return 0;                 /* the head ended the stream */
  r->up_state = r->up_state ? r->up_state : 1;
  return flush_upload (r, true);
}

int
_hc_h2_read_head (mirage_http_client_request *r)
{
  int e;
  while (!r->headers_done)
    {
      if (r->stream_closed)
        {
          if (r->error_code < 0)
            return r->error_code;
          return _hc_fail (r, -ECONNRESET, "%s reset the HTTP/2 stream: %s", r->host,
                           nghttp2_http2_strerror (r->reset_code));
        }
      if ((e = pump_recv (r)) < 0)
        return e;
    }
  return r->status;
}

ssize_t
_hc_h2_read (mirage_http_client_request *r, void *buf, size_t len)
{
  int e;
  for (;;)
    {
      if (r->down_off < r->down_len)
        {
          size_t n = r->down_len - r->down_off;
          if (n > len)
            n = len;
          memcpy (buf, r->down + r->down_off, n);
          r->down_off += n;
          return (ssize_t) n;
        }
      if (r->stream_closed)
        {
          if (r->reset_code != NGHTTP2_NO_ERROR)
            return _hc_fail (r, -ECONNRESET, "%s reset the HTTP/2 stream: %s", r->host,
                             nghttp2_http2_strerror (r->reset_code));
          r->reusable = true;
          return 0;
        }
      if ((e = pump_recv (r)) < 0)
        return e;
    }
}

void
_hc_h2_release (mirage_http_client_request *r)
{
  hc_h2 *h = r->conn ? r->conn->h2 : NULL;
  if (h && h->cur == r)
    h->cur = NULL;
  if (!r->stream_closed)
    r->reusable = false;     /* a stream still open: the connection goes */
}
