/* conduit-tcp.c: conduit_direct (mirage/conduit.h), plain TCP over the
 * stack: a conduit flow is a stack flow behind the conduit's operations. */
#include "mirage/conduit.h"

#include <errno.h>
#include <stdlib.h>

typedef struct {
  mirage_conduit base;
  mirage_stack *stack;
} tcp_conduit;

typedef struct {
  mirage_conduit_flow base;
  mirage_flow *flow;
} tcp_flow;

static ssize_t
f_read (mirage_conduit_flow *f, void *buf, size_t len)
{
  return mirage_tcp_read (((tcp_flow *) f)->flow, buf, len);
}

static int
f_write (mirage_conduit_flow *f, const void *buf, size_t len)
{
  return mirage_tcp_write (((tcp_flow *) f)->flow, buf, len);
}

static void
f_close (mirage_conduit_flow *f)
{
  mirage_tcp_close (((tcp_flow *) f)->flow);
  free (f);
}

static const struct mirage_conduit_flow_ops tcp_flow_ops = { f_read, f_write, f_close };

mirage_flow *
mirage_conduit_tcp_flow (mirage_conduit_flow *f)
{
  return f->ops == &tcp_flow_ops ? ((tcp_flow *) f)->flow : NULL;
}

static int
c_connect (mirage_conduit *c, const mirage_endpoint *dst, const char *host,
           mirage_conduit_flow **out, char **error)
{
  (void) host;
  if (error)
    *error = NULL;
  tcp_flow *f = calloc (1, sizeof *f);
  if (!f)
    return -ENOMEM;
  int r = mirage_tcp_connect (((tcp_conduit *) c)->stack, dst, &f->flow);
  if (r < 0) {
    free (f);
    return r;
  }
  f->base.ops = &tcp_flow_ops;
  *out = &f->base;
  return 0;
}

static void
c_free (mirage_conduit *c)
{
  free (c);
}

static const struct mirage_conduit_ops tcp_ops = { c_connect, c_free };

int
mirage_conduit_direct (mirage_stack *stack, mirage_conduit **out)
{
  tcp_conduit *c = calloc (1, sizeof *c);
  if (!c)
    return -ENOMEM;
  c->base.ops = &tcp_ops;
  c->base.stack = stack;
  c->stack = stack;
  *out = &c->base;
  return 0;
}
