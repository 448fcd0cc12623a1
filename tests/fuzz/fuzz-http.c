/* fuzz-http.c: libFuzzer target for the HTTP server's request path
 * (runtime/src/http-server.c over http-parser): whatever a client
 * sends, in whatever pieces, must be answered or refused without
 * crashing, hanging or leaking. The input is served as one connection
 * whose reads come from memory: its first byte sets the size of each
 * read (1 to 256 bytes, so requests are cut at every place), the rest
 * is the byte stream. Writes are dropped. The handler reads the body
 * (the first byte's top bit: or not) and answers chunked or with a
 * length, as a unikernel would. Small limits, so they are reached. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-conn.h"
#include "http-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
handler (mirage_http_request *req, void *data)
{
  bool read_body = *(const bool *) data;
  char buf[100];
  ssize_t n = 0;
  size_t total = 0;
  (void) mirage_http_request_header (req, "host");
  for (size_t i = 0; i < mirage_http_request_header_count (req); i++)
    total += strlen (mirage_http_request_header_at (req, i)->value);
  while (read_body && (n = mirage_http_request_read_body (req, buf, sizeof buf)) > 0)
    total += (size_t) n;
  if (n < 0)
    return (int) n;
  if (total & 1)
    {
      mirage_http_response_start (req, 200, NULL, 0, -1);
      mirage_http_response_write (req, mirage_http_request_target (req),
                                  strlen (mirage_http_request_target (req)));
      return mirage_http_response_finish (req);
    }
  return mirage_http_respond (req, 200, "text/plain", mirage_http_request_method (req),
                              strlen (mirage_http_request_method (req)));
}

/* Nothing on this path suspends (the flow's reads return at once), so
 * it runs without an event loop: thousands of inputs a second. */
int
LLVMFuzzerTestOneInput (const uint8_t *in_data, size_t in_size)
{
  mirage_http_server *s;
  mirage_http_limits lim;
  bool read_body;
  if (in_size < 1 || in_size > 65536)
    return 0;
  fuzz_conn c;
  fuzz_conn_init (&c, NULL, in_data + 1, in_size - 1, (size_t) (in_data[0] & 0x7f) * 2 + 1);
  read_body = (in_data[0] & 0x80) == 0;
  s = mirage_http__server_new_unbound ();
  mirage_http_limits_default (&lim);
  lim.max_headers = 8;
  lim.max_header_bytes = 512;
  lim.max_uri_bytes = 128;
  lim.max_body_bytes = 4096;
  mirage_http_server_set_limits (s, &lim);
  /* HTTP/1.1 only: HTTP/2's tasks need a loop (fuzz-http2 has one) */
  mirage_http_server_set_protocols (s, MIRAGE_HTTP_PROTO_HTTP1);
  mirage_http__serve_flow (s, handler, &read_body, &c.head);
  mirage_http_server_free (s);
  return 0;
}

