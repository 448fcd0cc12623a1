/* http-server-tls.c: HTTPS for the HTTP server (mirage_http_server_set_tls).
 *
 * The server reaches TLS only through the pointers set here, so a plain
 * HTTP unikernel links no TLS code; this file (and the TLS code it calls)
 * is pulled in by a unikernel that calls mirage_http_server_set_tls. ALPN
 * is set on the configuration: "h2" first when HTTP/2 is served, so a
 * client offering both gets HTTP/2, then "http/1.1". */
#include "http-private.h"
#include "mirage/tls.h"

#include <errno.h>
#include <stdlib.h>

static int
handshake (void *cfg, mirage_flow *flow, void **session, const char **alpn)
{
  mirage_tls *t = NULL;
  char *error = NULL;
  int r = mirage_tls_server (cfg, flow, &t, &error);
  if (r < 0)
    {
      if (error != NULL)
        mirage_log_debug (&mirage_http__src, "%s", error);
      free (error);
      return r;
    }
  *session = t;
  *alpn = mirage_tls_alpn (t);
  return 0;
}

static ssize_t
tls_read (void *session, void *buf, size_t len)
{
  return mirage_tls_read (session, buf, len);
}

static int
tls_write (void *session, const void *buf, size_t len)
{
  return mirage_tls_write (session, buf, len);
}

static void
tls_close (void *session)
{
  mirage_tls_close (session);
}

static const mirage_http__tls_ops ops = { handshake, tls_read, tls_write, tls_close };

int
mirage_http_server_set_tls (mirage_http_server *pub, struct mirage_tls_config *cfg)
{
  server *s = (server *) pub;
  static const char *const both[] = { "h2", "http/1.1" };
  static const char *const h1[] = { "http/1.1" };
  static const char *const h2[] = { "h2" };
  int r;

  if (s == NULL || cfg == NULL)
    return -EINVAL;
  if ((s->protocols & MIRAGE_HTTP_PROTO_HTTP1) && (s->protocols & MIRAGE_HTTP_PROTO_HTTP2))
    r = mirage_tls_config_set_alpn (cfg, both, 2);
  else if (s->protocols & MIRAGE_HTTP_PROTO_HTTP2)
    r = mirage_tls_config_set_alpn (cfg, h2, 1);
  else
    r = mirage_tls_config_set_alpn (cfg, h1, 1);
  if (r < 0)
    return r;
  s->tls_ops = &ops;
  s->tls_cfg = cfg;
  return 0;
}
