/* http-private.h: what the HTTP server's files share (the server, its
 * connections and the request object; http-server.c does HTTP/1.1,
 * http2-server.c HTTP/2, http-server-tls.c HTTPS), and entry points for
 * tests and fuzz targets: a server that does not listen, and one
 * connection served on any flow (the fuzz targets' flows read from
 * memory). */
#ifndef MIRAGE_HTTP_PRIVATE_H
#define MIRAGE_HTTP_PRIVATE_H

#include <http_parser.h>

#include "mirage/http.h"
#include "mirage/log.h"
#include "mirage/task.h"

/* The input buffer holds what one read brings (a request's head may take
 * several: the parser is incremental); the output buffer exists only
 * while an answer is being built. An idle HTTP/1.1 keep-alive connection
 * (plain TCP) holds neither buffer nor task: it parks on the event loop
 * (mirage_tcp_watch_readable) and a task starts when its next request
 * arrives (bench-http.sh: RSS at 1,000 connections). */
#define IN_CAP 4096
#define OUT_CAP 8192
/* a request's first arena (its strings) and header spans */
#define ARENA_CAP 512
#define SPANS_CAP 16

/* Buffers of one size a server keeps for its next requests, last freed
 * first out: under load the same few stay warm, instead of malloc and
 * free of 4 and 8 KiB blocks per request interleaving with connections'
 * long-lived blocks on the heap (which then cannot shrink). */
#define POOL_MAX 64
typedef struct {
  size_t size;
  void *blocks[POOL_MAX];
  size_t n;
} mirage_http__pool;

extern mirage_log_src mirage_http__src;

/* TLS as the server uses it, through pointers so that a plain HTTP
 * server links no TLS code (http-server-tls.c fills them in). */
typedef struct {
  /* handshakes over @flow (taken); *alpn: the protocol ALPN chose or NULL */
  int (*handshake) (void *cfg, mirage_flow *flow, void **session, const char **alpn);
  ssize_t (*read) (void *session, void *buf, size_t len);
  int (*write) (void *session, const void *buf, size_t len);
  void (*close) (void *session);   /* closes the flow too */
} mirage_http__tls_ops;

typedef struct conn conn;
typedef struct server server;
typedef struct h2_stream h2_stream;

struct server {
  struct mirage_http_server pub;   /* first: the header's fields */
  mirage_tcp_listener *listener;
  mirage_http_limits limits;
  mirage_http_handler handler;
  void *data;
  unsigned protocols;              /* MIRAGE_HTTP_PROTO_* */
  const mirage_http__tls_ops *tls_ops;
  void *tls_cfg;
  conn *conns;
  size_t n_conns;
  mirage_http__pool pool_in, pool_out, pool_arena, pool_spans;
  bool stopping;
  bool free_pending;
  mirage_task *serve_task;
};

typedef struct {
  size_t name_off, name_len, value_off, value_len;
} hdr_span;

struct mirage_http_request {
  conn *c;
  h2_stream *h2;             /* an HTTP/2 stream's request, or NULL */
  /* the request's strings, copied out of the input as they are parsed
   * (method, target, header names and values, each NUL-terminated) */
  char *arena;
  size_t arena_len, arena_cap;
  hdr_span *spans;
  size_t n_spans, cap_spans;
  mirage_http_header *headers;
  size_t url_off, url_len;
  bool in_value;
  const char *method;
  const char *target;
  int version;
  int64_t content_length;
  bool expect_continue, continue_sent;
  bool keep_alive, head;
  bool headers_done, message_done;
  int limit_status;          /* 414 or 431 from a callback */
  bool bad_name;             /* a header name that is not a token */
  size_t header_bytes;
  uint64_t body_seen;
  const char *body_ptr;      /* unread body, inside the connection's input */
  size_t body_avail;
  int body_error;
  /* the response */
  bool started, finished, resp_chunked, resp_close;
  int64_t resp_remaining;
};

enum { PHASE_BUSY, PHASE_IDLE, PHASE_READ, PHASE_WRITE };

struct conn {
  conn *prev, *next;
  server *srv;
  mirage_flow *flow;         /* the TCP flow (under TLS: the session's) */
  void *tls;                 /* the TLS session, or NULL */
  bool h2;                   /* speaking HTTP/2 */
  mirage_endpoint peer;
  uint64_t deadline;         /* 0: none */
  uint64_t write_deadline;   /* HTTP/2's writer task's own (0: none) */
  int phase;
  bool timed_out;
  http_parser parser;
  size_t in_off, in_len;
  size_t out_len;
  mirage_http_request req;
  bool no_park;              /* served in its caller's task: never park */
  bool woken;                /* resumed by conn_wake: read before parking */
  bool fresh;                /* parked since accept: no byte read yet */
  char *out;                 /* OUT_CAP bytes, or NULL (see above) */
  char *in;                  /* IN_CAP bytes, or NULL while parked */
};

/* The loop's time @timeout_ns from now; 0 (no deadline) for a zero
 * timeout, as the limits mean it. */
static inline uint64_t
mirage_http__deadline (uint64_t timeout_ns)
{
  return timeout_ns ? mirage_loop_now_ns () + timeout_ns : 0;
}

/* The output buffer, allocated when first needed: NULL without memory. */
char *mirage_http__conn_out (conn *c);
/* A block of @p's size (from the pool, else malloc), and back. */
void *mirage_http__pool_get (mirage_http__pool *p);
void mirage_http__pool_put (mirage_http__pool *p, void *block);

/* Points q->headers at the arena's strings named by q->spans, once the
 * request's headers are all in (both protocols): -1 without memory. */
int mirage_http__request_index_headers (mirage_http_request *q);

/* The connection's transport (TLS or not): as mirage_tcp_read/_write. */
ssize_t mirage_http__conn_read (conn *c, void *buf, size_t len);
int mirage_http__conn_write (conn *c, const void *buf, size_t len);
/* "1.2.3.4:5678" for log lines */
const char *mirage_http__peer_text (conn *c, char *buf, size_t size);
const char *mirage_http__date (void);

/* HTTP/2 (http2-server.c): serves @c, whose first c->in_len - c->in_off
 * input bytes are already read (the client preface, or part of it). */
void mirage_http2__serve (conn *c);
ssize_t mirage_http2__read_body (mirage_http_request *req, void *buf, size_t len);
int mirage_http2__response_start (mirage_http_request *req, int status,
                                  const mirage_http_header *headers, size_t n_headers,
                                  int64_t content_length);
int mirage_http2__response_write (mirage_http_request *req, const void *buf, size_t len);
int mirage_http2__response_finish (mirage_http_request *req);

/* A server with no listener (free it with mirage_http_server_free). */
mirage_http_server *mirage_http__server_new_unbound (void);
/* Serves @flow in the calling task until it closes; @flow is closed. */
void mirage_http__serve_flow (mirage_http_server *s, mirage_http_handler handler, void *data,
                              mirage_flow *flow);

#endif /* MIRAGE_HTTP_PRIVATE_H */
