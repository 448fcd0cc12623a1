/* mirage/http.h: HTTP servers for unikernel.c, as Mirage's paf_server.
 *
 * `paf_server ~port tcp` becomes a mirage_http_server listening on the
 * port its runtime argument holds. unikernel.c calls mirage_http_serve
 * with a handler; every connection runs in its own task on the event
 * loop, and the handler runs once per request inside that task, so it
 * may suspend (read the body, write the answer, sleep) without holding
 * up other connections. Requests on one connection are answered in
 * order (keep-alive and pipelining).
 *
 * HTTPS: mirage_http_server_set_tls gives the server a TLS server
 * configuration (mirage/tls.h; a unikernel makes it from the certificate
 * and key in its key-value store, as Mirage's examples read server.pem
 * and server.key); every connection then starts with a TLS handshake
 * and ALPN picks "h2" or "http/1.1". HTTP/2 (framing, HPACK, flow
 * control: nghttp2) runs each stream's handler in a task of its own; on
 * plain TCP a client that opens with HTTP/2's preface gets HTTP/2 (h2c
 * with prior knowledge). The handler sees the same request object
 * either way (mirage_http_request_version says 20).
 *
 * HTTP/1.1 framing is parsed by nodejs's http-parser (libhttp_parser):
 * chunked and Content-Length bodies, with ambiguous framing (both
 * Transfer-Encoding and Content-Length, or two Content-Length headers)
 * refused with 400. Expect: 100-continue is answered when the handler
 * first reads the body. Limits (mirage_http_limits) answer 431, 414,
 * 413 and 408 and log a line naming the limit and the peer.
 *
 * Code for this is in libmirage-runtime-http_parser.a (HTTP/1.1 and
 * the TLS glue) and libmirage-runtime-nghttp2.a (HTTP/2), linked only
 * into graphs with an HTTP device. Errors are negative errno values.
 */
#ifndef MIRAGE_HTTP_H
#define MIRAGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_http_server mirage_http_server;
/* The public head of the server (the runtime's object goes on). */
struct mirage_http_server {
  mirage_stack *stack;      /* the TCP layer it listens on */
  uint16_t port;            /* the port it listens on */
};
/* One request and its response (they share the object). */
typedef struct mirage_http_request mirage_http_request;

typedef struct {
  const char *name;
  const char *value;
} mirage_http_header;

typedef struct {
  size_t max_headers;          /* header fields per request (431); 100 */
  size_t max_header_bytes;     /* request line + headers (431); 16 KiB */
  size_t max_uri_bytes;        /* request target (414); 8 KiB */
  uint64_t max_body_bytes;     /* request body (413); 16 MiB */
  uint64_t idle_timeout_ns;    /* between requests, and per read or write
                                * while one is under way (408); 60 s */
  uint64_t header_timeout_ns;  /* from a request's first byte to its last
                                * header (408; slowloris); 30 s */
} mirage_http_limits;

/* The handler runs once per request. It answers with
 * mirage_http_respond, or mirage_http_response_start + _write + _finish.
 * Returning without an answer gives 500 (if nothing was sent yet);
 * returning a negative value closes the connection after the answer. */
typedef int (*mirage_http_handler) (mirage_http_request *req, void *data);

/* paf_server: listens on @port (0..65535; 0 picks one) on @tcp. */
int mirage_paf_server (mirage_stack *tcp, int port, mirage_http_server **out);

/* httpaf_server and cohttp_server: the same server over a conduit
 * (conduit_direct, with or without ~tls:true). As in Mirage, the
 * unikernel says where it listens (mirage_http_server_listen, Mirage's
 * `TCP port) and, for HTTPS, with which certificate
 * (mirage_http_server_set_tls, Mirage's `TLS (config, `TCP port)). */
struct mirage_conduit;
int mirage_httpaf_server (struct mirage_conduit *conduit, mirage_http_server **out);
int mirage_cohttp_server (struct mirage_conduit *conduit, mirage_http_server **out);
/* Listens on @port of a conduit's server (once, before serving). */
int mirage_http_server_listen (mirage_http_server *s, int port);

/* Protocols served (both by default): HTTP/1.1, HTTP/2. */
#define MIRAGE_HTTP_PROTO_HTTP1 0x1u
#define MIRAGE_HTTP_PROTO_HTTP2 0x2u
void mirage_http_server_set_protocols (mirage_http_server *s, unsigned protocols);
/* HTTPS with @cfg (a server configuration, mirage_tls_server_config_new,
 * which must outlive the server), before mirage_http_serve. ALPN offers
 * "h2" (when HTTP/2 is served) and "http/1.1". 0 or -EINVAL. */
struct mirage_tls_config;
int mirage_http_server_set_tls (mirage_http_server *s, struct mirage_tls_config *cfg);
void mirage_http_server_set_limits (mirage_http_server *s, const mirage_http_limits *limits);
void mirage_http_limits_default (mirage_http_limits *out);
/* The port listened on (useful with 0). */
uint16_t mirage_http_server_port (mirage_http_server *s);
/* Accepts connections and serves them with @handler until the calling
 * task is cancelled or mirage_http_server_stop is called; then stops
 * accepting, lets requests under way finish (at most @grace), closes
 * the rest. Returns 0, or -errno if accepting failed. */
int mirage_http_serve (mirage_http_server *s, mirage_http_handler handler, void *data);
void mirage_http_server_stop (mirage_http_server *s);
/* Closes the listener and frees @s (after mirage_http_serve returned). */
void mirage_http_server_free (mirage_http_server *s);

/* The request. Strings live as long as the request. */
const char *mirage_http_request_method (const mirage_http_request *req);
const char *mirage_http_request_target (const mirage_http_request *req);
/* 10 for HTTP/1.0, 11 for HTTP/1.1, 20 for HTTP/2. */
int mirage_http_request_version (const mirage_http_request *req);
/* The first header named @name (any case), or NULL. */
const char *mirage_http_request_header (const mirage_http_request *req, const char *name);
size_t mirage_http_request_header_count (const mirage_http_request *req);
const mirage_http_header *mirage_http_request_header_at (const mirage_http_request *req, size_t i);
void mirage_http_request_peer (const mirage_http_request *req, mirage_endpoint *out);
/* Content-Length of the body, -1 when chunked, 0 when there is none. */
int64_t mirage_http_request_content_length (const mirage_http_request *req);
/* Streams the body: up to @len bytes, 0 at its end, -EFBIG past the
 * body limit (the answer is then 413 if none was started), -ETIMEDOUT,
 * -ECONNRESET, -EPROTO (bad chunk framing). The first call answers
 * Expect: 100-continue. */
ssize_t mirage_http_request_read_body (mirage_http_request *req, void *buf, size_t len);

/* The response. @content_length < 0: chunked (or, to an HTTP/1.0
 * client, delimited by closing; over HTTP/2, DATA frames up to the
 * end). Writes wait while the peer does not take the data (HTTP/2: its
 * flow-control window), so a handler streams at the reader's pace. Date, Content-Length or
 * Transfer-Encoding and Connection are added; a HEAD request gets the
 * same headers and no body. */
int mirage_http_response_start (mirage_http_request *req, int status,
                                const mirage_http_header *headers, size_t n_headers,
                                int64_t content_length);
int mirage_http_response_write (mirage_http_request *req, const void *buf, size_t len);
int mirage_http_response_finish (mirage_http_request *req);
/* The whole answer at once; @content_type may be NULL. */
int mirage_http_respond (mirage_http_request *req, int status, const char *content_type,
                         const void *body, size_t len);
const char *mirage_http_reason (int status);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_HTTP_H */
