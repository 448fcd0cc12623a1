/* mirage/http_client.h: HTTP clients for unikernel.c, as Mirage's
 * paf_client (http-mirage-client: HTTP/1.1 or HTTP/2, chosen by ALPN)
 * and cohttp_client (HTTP/1.1 over a resolver and a conduit).
 *
 * A request is made by URL ("http://host:port/path", "https://..."):
 *
 *   paf_client     connects through the graph's mimic (happy eyeballs,
 *                  names resolved by the DNS client), speaks TLS for
 *                  https with the client's authenticator and offers
 *                  "h2" and "http/1.1" by ALPN;
 *   cohttp_client  resolves with the graph's resolver and connects with
 *                  its conduit (conduit_direct: TLS for https is then
 *                  the client's own; conduit_tls: the conduit's), and
 *                  speaks HTTP/1.1 only, as cohttp does.
 *
 * Certificates are verified by default: with no authenticator set, the
 * system's trust store (read at the first https request), the host name
 * checked; mirage_http_client_set_authenticator takes Mirage's
 * authenticator strings (mirage/tls.h).
 *
 * One request is one mirage_http_client_request, used by one task at a
 * time (a unikernel fetching several URLs at once runs one task per
 * request). Every call that waits for the network suspends only the
 * calling task (mirage/task.h); a request's reads and writes each give
 * up after the client's timeout (-ETIMEDOUT; not over conduit_tls,
 * whose flows cannot be shut down from outside).
 *
 *   new -> [add_header...] -> send (body length, -1: chunked)
 *       -> [write body...] -> wait (status) -> [read body...] -> free
 *
 * Bodies stream both ways with backpressure: a write returns when its
 * bytes are handed to the connection, a read asks the connection only
 * when the caller wants more (on HTTP/2 the stream's window follows the
 * reader), so nothing is buffered beyond one read's worth. HTTP/1.1
 * bodies are framed by Content-Length or chunked; responses are parsed
 * by nodejs's http-parser. Connections are kept alive and reused per
 * scheme, host and port (HTTP/2: one stream at a time per connection;
 * concurrent requests open more connections); a kept connection the
 * server has closed meanwhile is replaced transparently for requests
 * without a body.
 *
 * Redirects (301, 302, 303, 307, 308) are followed up to the client's
 * limit (5 by default; then -ELOOP, "too many redirects"). 303, and 301
 * or 302 after a POST, continue as GET without a body; the others keep
 * the method and are followed only when the body was empty (a streamed
 * body cannot be sent twice: the 3xx is returned). Authorization and
 * Cookie headers are dropped when a redirect leaves the origin.
 *
 * Errors are negative errno values, and every failure leaves a message
 * naming what and where in mirage_http_client_request_error:
 *   -EINVAL      a bad URL or header
 *   -EPROTO      the server's data is not HTTP (malformed status line,
 *                bad chunk framing, HTTP/2 protocol error)
 *   -EMSGSIZE    the response head exceeds max_header_bytes/max_headers
 *   -ECONNRESET  the connection closed before the response ended
 *                (a truncated body)
 *   -ELOOP       too many redirects
 *   -EKEYREJECTED  the server's certificate was refused
 *   -ETIMEDOUT, -ECONNREFUSED, -ENOENT (no such host), ...
 *
 * The code is in libmirage-runtime-nghttp2.a (catalog libraries
 * "gnutls", "http_parser", "nghttp2"), linked only into graphs with an
 * HTTP client device.
 */
#ifndef MIRAGE_HTTP_CLIENT_H
#define MIRAGE_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mirage/conduit.h"
#include "mirage/mimic.h"
#include "mirage/resolver.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public head of the client (the runtime's object goes on). */
typedef struct mirage_http_client { mirage_stack *stack; } mirage_http_client;
typedef struct mirage_http_client_request mirage_http_client_request;

typedef struct {
  int max_redirects;           /* redirects followed per request; 5 */
  uint64_t timeout_ns;         /* connecting, and each read or write; 30 s */
  size_t max_header_bytes;     /* response status line + headers; 64 KiB */
  size_t max_headers;          /* response header fields; 100 */
  size_t max_idle_per_origin;  /* kept-alive connections per origin; 8 */
  uint64_t idle_timeout_ns;    /* a kept connection unused this long is
                                * closed instead of reused; 30 s */
  bool http2;                  /* offer h2 by ALPN (paf_client: yes) */
} mirage_http_client_options;

typedef struct {
  const char *name;
  const char *value;
} mirage_http_client_header;

/* paf_client: over @mimic (and @tcp, its stack). */
int mirage_paf_client (mirage_stack *tcp, mirage_mimic *mimic, mirage_http_client **out);
/* cohttp_client: names by @resolver, connections by @conduit. */
int mirage_cohttp_client (mirage_resolver *resolver, mirage_conduit *conduit,
                          mirage_http_client **out);
void mirage_http_client_options_default (mirage_http_client_options *out);
void mirage_http_client_set_options (mirage_http_client *c, const mirage_http_client_options *o);
/* Who to trust for https (Mirage's syntax, mirage/tls.h; NULL or "": the
 * system's trust store). 0, or -EINVAL with a malloc'ed message. */
int mirage_http_client_set_authenticator (mirage_http_client *c, const char *authenticator,
                                          char **error);
/* Headers added to every request, as Mirage's --http-headers gives them:
 * "name:value,name:value". 0, or -EINVAL with a message. */
int mirage_http_client_set_headers (mirage_http_client *c, const char *spec, char **error);
/* Closes the kept connections and frees @c (no request may be alive). */
void mirage_http_client_free (mirage_http_client *c);

/* A request for @method (NULL: GET) on @url. -EINVAL with a malloc'ed
 * message for a URL that is not http:// or https://host[:port][/path]. */
int mirage_http_client_request_new (mirage_http_client *c, const char *method, const char *url,
                                    mirage_http_client_request **out, char **error);
/* Adds a header (names and values without CR, LF or NUL; -EINVAL). Host,
 * Content-Length, Transfer-Encoding and Connection are the client's. */
int mirage_http_client_request_add_header (mirage_http_client_request *r, const char *name,
                                           const char *value);
/* Connects (or reuses a kept connection) and sends the request's head.
 * @content_length: the body's length (0: none), or -1 to stream it
 * chunked (HTTP/2: in DATA frames). */
int mirage_http_client_request_send (mirage_http_client_request *r, int64_t content_length);
/* Streams body bytes; returns when they are handed to the connection. */
int mirage_http_client_request_write (mirage_http_client_request *r, const void *buf, size_t len);
/* Ends the body, reads the response's head (following redirects) and
 * returns its status (100..599), or -errno. */
int mirage_http_client_request_wait (mirage_http_client_request *r);
/* send (0) + wait, for a request without a body. */
int mirage_http_client_request_run (mirage_http_client_request *r);

/* The response (after wait). Strings live as long as the request. */
int mirage_http_client_response_status (const mirage_http_client_request *r);
/* 10, 11 (HTTP/1.x) or 20 (HTTP/2). */
int mirage_http_client_response_version (const mirage_http_client_request *r);
/* The first header named @name (any case), or NULL. */
const char *mirage_http_client_response_header (const mirage_http_client_request *r,
                                                const char *name);
size_t mirage_http_client_response_header_count (const mirage_http_client_request *r);
const mirage_http_client_header *mirage_http_client_response_header_at (
  const mirage_http_client_request *r, size_t i);
/* Content-Length, or -1 when the length is not announced. */
int64_t mirage_http_client_response_content_length (const mirage_http_client_request *r);
/* The URL answered (the last one after redirects). */
const char *mirage_http_client_response_url (const mirage_http_client_request *r);
/* How many redirects were followed. */
int mirage_http_client_response_redirects (const mirage_http_client_request *r);
/* Streams the body: up to @len bytes, 0 at its end, or -errno. */
ssize_t mirage_http_client_response_read (mirage_http_client_request *r, void *buf, size_t len);

/* The message of the request's last failure ("" when none). */
const char *mirage_http_client_request_error (const mirage_http_client_request *r);
/* Frees @r; its connection is kept for reuse when the response was read
 * to its end and the server allows it, closed otherwise. */
void mirage_http_client_request_free (mirage_http_client_request *r);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_HTTP_CLIENT_H */
