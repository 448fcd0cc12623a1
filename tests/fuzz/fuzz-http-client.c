/* fuzz-http-client.c: libFuzzer target for the HTTP client's response
 * path (runtime/src/http-client*.c over http-parser and nghttp2):
 * whatever a server sends, in whatever pieces, must give a response or
 * an error with a message, without crashing, hanging or leaking. The
 * input is the server's byte stream on one connection whose reads come
 * from memory. Its first byte: bit 7 picks HTTP/2 (as if ALPN chose
 * it) or HTTP/1.1, bit 6 a HEAD request, bits 0-5 the size of each
 * read (1 to 64 bytes, so answers are cut at every place); the reader
 * takes the body in pieces of 1 to 64 bytes too. Writes are dropped.
 * Small limits, so they are reached; a redirect tries to connect
 * through no resolver and fails, as it must. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-conn.h"
#include "http-client-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Nothing here suspends (the flow's reads return at once; timeouts and
 * connecting under a timeout need a task and are skipped outside one),
 * so it runs without an event loop. */
int
LLVMFuzzerTestOneInput (const uint8_t *in, size_t in_size)
{
  static mirage_http_client *client;
  mirage_http_client_request *r;
  hc_conn *k;
  char buf[64];
  size_t piece;
  bool h2, head;
  int e;

  if (in_size < 1 || in_size > 65536)
    return 0;
  if (client == NULL)
    {
      mirage_http_client_options o;
      mirage_cohttp_client (NULL, NULL, &client);
      mirage_http_client_options_default (&o);
      o.max_headers = 8;
      o.max_header_bytes = 512;
      o.max_idle_per_origin = 0;     /* every connection is closed after use */
      o.max_redirects = 2;
      mirage_http_client_set_options (client, &o);
    }
  h2 = (in[0] & 0x80) != 0;
  head = (in[0] & 0x40) != 0;
  piece = (size_t) (in[0] & 0x3f) + 1;
  fuzz_conn c;
  fuzz_conn_init (&c, NULL, in + 1, in_size - 1, piece);

  if (mirage_http_client_request_new (client, head ? "HEAD" : "GET", "http://fuzz.test/a/b?c", &r, NULL) < 0)
    return 0;
  k = calloc (1, sizeof *k);
  k->tcp = &c.head;
  k->origin = strdup ("http://fuzz.test:80");
  k->version = h2 ? 20 : 11;
  r->conn = k;
  if (h2 && _hc_h2_open (k) < 0)
    abort ();
  r->sent = true;
  r->body_done = true;
  r->head_request = head;
  r->version = k->version;
  e = h2 ? _hc_h2_send_head (r) : _hc_h1_send_head (r);
  if (e == 0 && mirage_http_client_request_wait (r) > 0)
    {
      ssize_t n;
      uint64_t body = 0;
      int64_t length = mirage_http_client_response_content_length (r);
      (void) mirage_http_client_response_header (r, "content-type");
      for (size_t i = 0; i < mirage_http_client_response_header_count (r); i++)
        if (mirage_http_client_response_header_at (r, i)->name == NULL
            || mirage_http_client_response_header_at (r, i)->value == NULL)
          abort ();
      while ((n = mirage_http_client_response_read (r, buf, piece)) > 0)
        body += (uint64_t) n;
      if (n < 0 && mirage_http_client_request_error (r)[0] == '\0')
        abort ();                 /* every failure says why */
      if (n == 0 && length >= 0 && body != (uint64_t) length)
        abort ();                 /* a body that ends has its announced length */
    }
  else if (mirage_http_client_request_error (r)[0] == '\0')
    abort ();
  mirage_http_client_request_free (r);
  return 0;
}
