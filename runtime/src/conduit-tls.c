/* conduit-tls.c: conduit_tls (mirage/conduit.h): TLS sessions over the
 * connections of a TCP conduit. The TLS configuration (the trust store)
 * is made when the conduit connects. */
#include "mirage/conduit.h"
#include "mirage/tls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  mirage_conduit base;
  mirage_conduit *tcp;
  mirage_tls_config *cfg;
} tls_conduit;

typedef struct {
  mirage_conduit_flow base;
  mirage_tls *tls;
} tls_flow;

static ssize_t
f_read (mirage_conduit_flow *f, void *buf, size_t len)
{
  return mirage_tls_read (((tls_flow *) f)->tls, buf, len);
}

static int
f_write (mirage_conduit_flow *f, const void *buf, size_t len)
{
  return mirage_tls_write (((tls_flow *) f)->tls, buf, len);
}

static void
f_close (mirage_conduit_flow *f)
{
  mirage_tls_close (((tls_flow *) f)->tls);
  free (f);
}

static const struct mirage_conduit_flow_ops tls_flow_ops = { f_read, f_write, f_close };

static int
c_connect (mirage_conduit *cp, const mirage_endpoint *dst, const char *host,
           mirage_conduit_flow **out, char **error)
{
  tls_conduit *c = (tls_conduit *) cp;
  mirage_conduit_flow *raw;
  int r = mirage_conduit_connect (c->tcp, dst, host, &raw, error);
  if (r < 0)
    return r;
  mirage_flow *flow = mirage_conduit_tcp_flow (raw);
  if (!flow) {
    mirage_conduit_close (raw);
    return -EINVAL;          /* TLS goes over a TCP conduit only */
  }
  free (raw);                /* the TLS session owns the flow from here */
  tls_flow *f = calloc (1, sizeof *f);
  if (!f) {
    mirage_tcp_close (flow);
    return -ENOMEM;
  }
  r = mirage_tls_client (c->cfg, flow, host, &f->tls, error);
  if (r < 0) {
    free (f);
    return r;
  }
  f->base.ops = &tls_flow_ops;
  *out = &f->base;
  return 0;
}

static void
c_free (mirage_conduit *cp)
{
  tls_conduit *c = (tls_conduit *) cp;
  mirage_tls_config_free (c->cfg);
  free (c);
}

static const struct mirage_conduit_ops tls_ops = { c_connect, c_free };

int
mirage_conduit_tls_with (mirage_conduit *tcp, const char *authenticator, mirage_conduit **out,
                         char **error)
{
  tls_conduit *c = calloc (1, sizeof *c);
  if (!c)
    return -ENOMEM;
  int r = mirage_tls_client_config_new (authenticator, &c->cfg, error);
  if (r < 0) {
    free (c);
    return r;
  }
  c->base.ops = &tls_ops;
  c->base.stack = tcp->stack;
  c->tcp = tcp;
  *out = &c->base;
  return 0;
}

int
mirage_conduit_tls (mirage_conduit *tcp, mirage_conduit **out)
{
  char *error = NULL;
  int r = mirage_conduit_tls_with (tcp, NULL, out, &error);
  free (error);
  return r;
}
