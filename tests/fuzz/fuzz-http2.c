/* fuzz-http2.c: libFuzzer target for the HTTP server's HTTP/2 path
 * (runtime/src/http2-server.c over nghttp2): whatever frames a client
 * sends after the preface, in whatever pieces, must be answered, reset
 * or refused without crashing, hanging or leaking. Each input is one
 * connection on a fresh event loop (HTTP/2 runs a task per stream and a
 * writer task), its reads from memory: the first byte sets the size of
 * each read (1 to 256 bytes), the rest follows the client preface.
 * Writes are dropped, so the server never sees a WINDOW_UPDATE it did
 * not get from the input. The handler reads the body (or not: the first
 * byte's top bit), looks at the headers and answers with a length or
 * streamed; small limits, so they are reached. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-conn.h"
#include "http-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

typedef struct {
  fuzz_conn flow;
  bool read_body;
} input;

static int
handler (mirage_http_request *req, void *data)
{
  bool read_body = *(const bool *) data;
  char buf[1000];
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
      /* streamed, past a window, so the flow control is exercised */
      memset (buf, 'x', sizeof buf);
      if (mirage_http_response_start (req, 200, NULL, 0, -1) < 0)
        return -1;
      for (int i = 0; i < 80; i++)
        if (mirage_http_response_write (req, buf, sizeof buf) < 0)
          return -1;
      return mirage_http_response_finish (req);
    }
  return mirage_http_respond (req, 200, "text/plain", mirage_http_request_method (req),
                              strlen (mirage_http_request_method (req)));
}

static int
run (void *arg)
{
  input *in = arg;
  mirage_http_server *s = mirage_http__server_new_unbound ();
  mirage_http_limits lim;
  mirage_http_limits_default (&lim);
  lim.max_headers = 8;
  lim.max_header_bytes = 512;
  lim.max_uri_bytes = 128;
  lim.max_body_bytes = 4096;
  lim.idle_timeout_ns = 5 * MIRAGE_NS_PER_MS;   /* bounds every wait */
  lim.header_timeout_ns = 5 * MIRAGE_NS_PER_MS;
  mirage_http_server_set_limits (s, &lim);
  mirage_http__serve_flow (s, handler, &in->read_body, &in->flow.head);
  mirage_http_server_free (s);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *in_data, size_t in_size)
{
  input in;
  char *error = NULL;
  if (in_size < 1 || in_size > 65536)
    return 0;
  memset (&in, 0, sizeof in);
  fuzz_conn_init (&in.flow, preface, in_data + 1, in_size - 1, (size_t) (in_data[0] & 0x7f) * 2 + 1);
  in.read_body = (in_data[0] & 0x80) == 0;
  if (mirage_loop_run ("fuzz-http2", run, &in, &error) != 0)
    abort ();
  free (error);
  return 0;
}
