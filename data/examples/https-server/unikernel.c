/* unikernel.c for https-server: answers every request with "Hello
 * World!" over HTTPS. The certificate and key are read from the certs
 * key-value store (tls/server.pem and tls/server.key, baked in by
 * default), as Mirage's TLS examples do; clients that offer HTTP/2 by
 * ALPN get it, the others HTTP/1.1. The certificate is a self-signed
 * test certificate for localhost: replace the two files for real use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/http.h"
#include "mirage/log.h"
#include "mirage/tls.h"
#include "unikernel.h"

MIRAGE_LOG_SRC (https_src, "https-server", "the Hello World HTTPS server");

static int
hello (mirage_http_request *req, void *data)
{
  static const char body[] = "Hello World!\n";
  char buf[4096];
  ssize_t n;

  (void) data;
  while ((n = mirage_http_request_read_body (req, buf, sizeof buf)) > 0)
    ;
  if (n < 0)
    return (int) n;   /* the server answers 413, 408 or 400 */
  return mirage_http_respond (req, 200, "text/plain", body, sizeof body - 1);
}

/* A value of the store as a NUL-terminated string (PEM is text). */
static char *
read_pem (struct mirage_kv_ro *certs, const char *key)
{
  void *data;
  size_t len;
  char *text;
  int r = mirage_kv_get (certs, key, &data, &len);
  if (r < 0)
    {
      mirage_log_err (&https_src, "cannot read %s from the certs store: %s", key, strerror (-r));
      return NULL;
    }
  text = malloc (len + 1);
  if (text != NULL)
    {
      memcpy (text, data, len);
      text[len] = '\0';
    }
  free (data);
  return text;
}

int
unikernel_start (struct mirage_http_server *web, struct mirage_kv_ro *certs,
                 const struct unikernel_args *args)
{
  char *cert = read_pem (certs, "server.pem"), *key = read_pem (certs, "server.key");
  mirage_tls_config *tls = NULL;
  char *error = NULL;
  int r;

  (void) args;   /* --port went to paf_server already */
  if (cert == NULL || key == NULL)
    {
      free (cert);
      free (key);
      return -ENOENT;
    }
  r = mirage_tls_server_config_new (cert, key, &tls, &error);
  free (cert);
  free (key);
  if (r < 0)
    {
      mirage_log_err (&https_src, "%s", error ? error : strerror (-r));
      free (error);
      return r;
    }
  r = mirage_http_server_set_tls (web, tls);
  if (r == 0)
    {
      mirage_log_info (&https_src, "serving HTTPS on port %u", (unsigned) mirage_http_server_port (web));
      r = mirage_http_serve (web, hello, NULL);
    }
  mirage_tls_config_free (tls);
  return r;
}
