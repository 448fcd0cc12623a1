/* unikernel.c for http-server: answers every request with "Hello
 * World!" (the body is read and counted first, so uploads work; HEAD
 * gets the headers alone). paf_server listens on --port; each
 * connection is a task of its own, so a slow client holds up nobody. */
#include <stdio.h>
#include <string.h>

#include "mirage/http.h"
#include "mirage/log.h"
#include "unikernel.h"

MIRAGE_LOG_SRC (hello_src, "http-server", "the Hello World server");

static int
hello (mirage_http_request *req, void *data)
{
  static const char body[] = "Hello World!\n";
  char buf[4096];
  size_t got = 0;
  ssize_t n;

  (void) data;
  while ((n = mirage_http_request_read_body (req, buf, sizeof buf)) > 0)
    got += (size_t) n;
  if (n < 0)
    return (int) n;   /* the server answers 413, 408 or 400 */
  if (got > 0)
    {
      char text[64];
      int len = snprintf (text, sizeof text, "received %zu bytes\n", got);
      return mirage_http_respond (req, 200, "text/plain", text, (size_t) len);
    }
  return mirage_http_respond (req, 200, "text/plain", body, sizeof body - 1);
}

int
unikernel_start (struct mirage_http_server *web, const struct unikernel_args *args)
{
  mirage_log_info (&hello_src, "serving on port %d", (int) args->port);
  return mirage_http_serve (web, hello, NULL);
}
