/* unikernel.c for http-fetch: fetch --url with paf_client (through
 * mimic: happy eyeballs and the DNS client; TLS checked with
 * --authenticator, the system's trust store when empty; HTTP/2 when the
 * server offers it by ALPN), following redirects, and print the status,
 * the protocol, the final URL and the body's size. The body is streamed
 * and counted, never held whole. A failure (no such host, a refused
 * certificate, a malformed answer, too many redirects) ends the
 * unikernel with the reason (exit 255). */
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>

#include "mirage/http_client.h"
#include "unikernel.h"

/* Ends the job with @what and the reason, freeing what it holds first. */
static noreturn void
fail (const char *what, char *error, mirage_http_client_request *req)
{
  char msg[700];
  snprintf (msg, sizeof msg, "%s%s", what, error ? error : req ? mirage_http_client_request_error (req) : "");
  free (error);
  mirage_http_client_request_free (req);
  mirage_task_fail ("%s", msg);
}

int
unikernel_start (struct mirage_http_client *http, const struct unikernel_args *args)
{
  mirage_http_client_request *req;
  char *error = NULL;
  char buf[16384];
  unsigned long long size = 0;
  ssize_t n;
  int status;

  if (mirage_http_client_set_authenticator (http, args->authenticator, &error) < 0)
    fail ("--authenticator: ", error, NULL);
  if (mirage_http_client_set_headers (http, args->headers, &error) < 0)
    fail ("", error, NULL);
  if (mirage_http_client_request_new (http, "GET", args->url, &req, &error) < 0)
    fail ("--url: ", error, NULL);
  status = mirage_http_client_request_run (req);
  if (status < 0)
    fail ("", NULL, req);
  while ((n = mirage_http_client_response_read (req, buf, sizeof buf)) > 0)
    size += (unsigned long long) n;
  if (n < 0)
    fail ("", NULL, req);
  printf ("status: %d\n", status);
  printf ("protocol: HTTP/%s\n", mirage_http_client_response_version (req) == 20 ? "2"
                                  : mirage_http_client_response_version (req) == 10 ? "1.0" : "1.1");
  printf ("url: %s\n", mirage_http_client_response_url (req));
  printf ("body: %llu bytes\n", size);
  fflush (stdout);
  mirage_http_client_request_free (req);
  return 0;
}
