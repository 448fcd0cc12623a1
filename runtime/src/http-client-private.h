/* http-client-private.h: what the HTTP client's files share
 * (http-client.c: the client object, its options and errors;
 * http-client-url.c: URLs; http-client-request.c: a request and its
 * exchange; http-client-redirect.c: waiting and redirects;
 * http-client-head.c: the response head; http-client-pool.c: connecting
 * and the pool; http-client-io.c: reads and writes under a deadline;
 * http-client-h1.c: HTTP/1.1 over http-parser; http-client-h2.c:
 * HTTP/2 over nghttp2). The fuzz target drives a request over a flow
 * of its own through these too. */
#ifndef MIRAGE_HTTP_CLIENT_PRIVATE_H
#define MIRAGE_HTTP_CLIENT_PRIVATE_H

#include <http_parser.h>

#include "mirage/http_client.h"
#include "mirage/log.h"
#include "mirage/task.h"
#include "mirage/tls.h"

#define HC_IN_SIZE 16384

typedef struct hc_conn hc_conn;
typedef struct hc_h2 hc_h2;

/* One connection: TCP, TLS over TCP, or a conduit's flow. */
struct hc_conn {
  mirage_flow *tcp;              /* the TCP flow (shut down on timeouts); may be NULL */
  mirage_tls *tls;               /* TLS over tcp, or NULL */
  mirage_conduit_flow *cflow;    /* a conduit's flow (conduit_tls), or NULL */
  char *origin;                  /* "https://host:port": the pool's key */
  int version;                   /* 11 or 20 */
  hc_h2 *h2;                     /* the HTTP/2 session (version 20) */
  unsigned char in[HC_IN_SIZE];  /* read, not yet parsed */
  size_t in_off, in_len;
  uint64_t idle_since;
  bool reused;                   /* taken from the pool */
  hc_conn *next;                 /* in the pool */
};

struct mirage_http_client_request {
  struct hc_client *client;
  char *method;
  char *url;                     /* the current URL (after redirects) */
  char *scheme, *host, *target;  /* of url; target: path?query */
  uint16_t port;
  char **req_headers;            /* name, value pairs */
  size_t n_req_headers;
  int64_t body_length;           /* as sent: -1 chunked */
  uint64_t body_sent;
  bool sent, body_done, waited;
  hc_conn *conn;

  /* the response */
  int status, version;
  char *head;                    /* header names and values, NUL-ended */
  size_t head_len, head_cap;
  size_t *head_offs;             /* name, value offsets into head */
  int head_state;                /* 0 nothing, 1 in a name, 2 in a value */
  mirage_http_client_header *headers;
  size_t n_headers;
  int64_t content_length;
  int redirects;
  bool ended;                    /* the body was read to its end */
  bool reusable;                 /* ...and the connection may be kept */

  /* HTTP/1.1 parsing (http-client-h1.c) */
  http_parser parser;
  bool in_value;                 /* the last header piece was a value */
  bool headers_done, message_done, head_request;
  const char *body_at;           /* body bytes the parser handed over */
  size_t body_left;

  /* HTTP/2 (http-client-h2.c) */
  int32_t stream_id;
  unsigned char *up;             /* upload bytes not yet framed */
  size_t up_len;
  unsigned char *down;           /* response body received, not yet read */
  size_t down_off, down_len, down_cap;
  int up_state;                  /* 0 streaming, 1 end asked, 2 end sent */
  bool stream_closed;
  uint32_t reset_code;

  /* timeouts: a watchdog task shuts the TCP flow down past the deadline */
  mirage_task *watchdog;
  uint64_t deadline;
  bool timed_out;
  int error_code;
  char error[512];
};

typedef struct hc_client {
  mirage_http_client base;
  mirage_mimic *mimic;           /* paf_client */
  mirage_resolver *resolver;     /* cohttp_client */
  mirage_conduit *conduit;
  mirage_http_client_options opts;
  mirage_tls_config *tls;        /* NULL: tls_error says why */
  char *tls_error;
  char **headers;                /* --http-headers: name, value pairs */
  size_t n_headers;
  hc_conn *pool;
} hc_client;

/* The client's log source, "http-client" (http-client.c). */
extern mirage_log_src _hc_log;

/* Records a failure on @r and returns @code (negative errno). */
int _hc_fail (mirage_http_client_request *r, int code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Reads into the connection's buffer (which must be empty): > 0, 0 at
 * end of stream, or -errno (-ETIMEDOUT when the watchdog fired). */
ssize_t _hc_fill (mirage_http_client_request *r);
int _hc_write (mirage_http_client_request *r, const void *buf, size_t len);
/* The response head, built piece by piece: a header name begins, its
 * bytes are appended, its value begins, ...; end makes the headers[]
 * array. -EMSGSIZE (with the message set) past the limits. */
int _hc_head_begin_name (mirage_http_client_request *r);
int _hc_head_begin_value (mirage_http_client_request *r);
int _hc_head_append (mirage_http_client_request *r, const char *at, size_t len);
int _hc_head_end (mirage_http_client_request *r);
void _hc_reset_response (mirage_http_client_request *r);
/* The Host / :authority value into @buf: host[:port], IPv6 in brackets. */
int _hc_authority (mirage_http_client_request *r, char *buf, size_t size);

/* The client (http-client.c): its TLS configuration, made when first
 * needed (NULL with tls_error set); checks of header text (no CR/LF) and
 * tokens; name/value pair arrays; *error = a malloc'ed message. */
mirage_tls_config *_hc_client_tls (hc_client *c);
bool _hc_clean_text (const char *s);
bool _hc_is_token (const char *s, size_t len);
void _hc_free_pairs (char **pairs, size_t n);
void _hc_set_error (char **error, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* URLs (http-client-url.c): sets @r's URL (scheme, host, port, target);
 * a Location resolved against it and the pool's key, both malloc'ed. */
int _hc_set_url (mirage_http_client_request *r, const char *url);
char *_hc_resolve_location (mirage_http_client_request *r, const char *location);
char *_hc_origin_of (mirage_http_client_request *r);

/* The exchange (http-client-request.c): sends the head (retried once on
 * a fresh connection when a kept one was found closed), ends the body
 * and reads the response head (likewise retried). */
int _hc_send_head (mirage_http_client_request *r);
int _hc_read_head (mirage_http_client_request *r);
void _hc_drop_request_header (mirage_http_client_request *r, const char *name);

/* Connections (http-client-pool.c): @r->conn from the pool (unless
 * @fresh) or newly made; given back to the pool or closed. */
int _hc_get_conn (mirage_http_client_request *r, bool fresh);
void _hc_release_conn (mirage_http_client_request *r);
void _hc_conn_close (hc_conn *k);
void _hc_pool_clear (hc_client *c);

/* HTTP/1.1 (http-client-h1.c) */
int _hc_h1_send_head (mirage_http_client_request *r);
int _hc_h1_write (mirage_http_client_request *r, const void *buf, size_t len);
int _hc_h1_end_body (mirage_http_client_request *r);
int _hc_h1_read_head (mirage_http_client_request *r);
ssize_t _hc_h1_read (mirage_http_client_request *r, void *buf, size_t len);

/* HTTP/2 (http-client-h2.c) */
int _hc_h2_open (hc_conn *c);
void _hc_h2_close (hc_conn *c);
bool _hc_h2_usable (hc_conn *c);
int _hc_h2_send_head (mirage_http_client_request *r);
int _hc_h2_write (mirage_http_client_request *r, const void *buf, size_t len);
int _hc_h2_end_body (mirage_http_client_request *r);
int _hc_h2_read_head (mirage_http_client_request *r);
ssize_t _hc_h2_read (mirage_http_client_request *r, void *buf, size_t len);
void _hc_h2_release (mirage_http_client_request *r);

#endif /* MIRAGE_HTTP_CLIENT_PRIVATE_H */
