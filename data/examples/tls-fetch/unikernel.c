/* unikernel.c for tls-fetch: connect to --host on --port through happy
 * eyeballs (names resolved by the DNS client, which injected itself
 * into happy eyeballs when it connected), run a TLS handshake checked
 * with --authenticator, print the server certificate's subject, then
 * send an HTTP HEAD request and print the first line of the answer. A
 * refused certificate ends the unikernel with the reason (exit 255). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/tls.h"
#include "unikernel.h"

int
unikernel_start (struct mirage_happy_eyeballs *he, struct mirage_dns_client *dns,
                 const struct unikernel_args *args)
{
  mirage_tls_config *cfg = NULL;
  mirage_flow *flow;
  mirage_tls *tls;
  char *error = NULL;
  char subject[512], request[512], line[512];
  size_t got = 0;
  int r;

  (void) dns;   /* it resolves names for happy eyeballs */
  if (args->port < 1 || args->port > 65535)
    return -EINVAL;
  r = mirage_tls_client_config_new (args->authenticator, &cfg, &error);
  if (r < 0)
    mirage_task_fail ("--authenticator: %s", error ? error : strerror (-r));
  r = mirage_happy_eyeballs_connect (he, args->host, (uint16_t) args->port, &flow);
  if (r < 0)
    mirage_task_fail ("cannot connect to %s:%d: %s", args->host, (int) args->port, strerror (-r));
  r = mirage_tls_client (cfg, flow, args->host, &tls, &error);
  if (r < 0)
    mirage_task_fail ("%s", error ? error : strerror (-r));
  if (mirage_tls_peer_subject (tls, subject, sizeof subject) == 0)
    printf ("subject: %s\n", subject);
  printf ("protocol: %s\n", mirage_tls_version (tls));
  snprintf (request, sizeof request, "HEAD / HTTP/1.0\r\nHost: %s\r\n\r\n", args->host);
  r = mirage_tls_write (tls, request, strlen (request));
  while (r == 0 && got < sizeof line - 1)
    {
      ssize_t n = mirage_tls_read (tls, line + got, sizeof line - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      if (memchr (line, '\n', got))
        break;
    }
  line[got] = '\0';
  line[strcspn (line, "\r\n")] = '\0';
  printf ("answer: %s\n", line);
  fflush (stdout);
  mirage_tls_close (tls);
  mirage_tls_config_free (cfg);
  return r;
}
