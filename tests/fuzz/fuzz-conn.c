/* fuzz-conn.c: the memory connection of fuzz-conn.h. */
#include <string.h>

#include "fuzz-conn.h"

static ssize_t
conn_read (mirage_flow *f, void *buf, size_t len)
{
  fuzz_conn *c = (fuzz_conn *) f;
  size_t n;
  if (c->prefix != NULL && c->prefix[c->prefix_off] != '\0')
    {
      /* the prefix whole, as far as @len allows: it is not the input */
      n = strlen (c->prefix + c->prefix_off);
      if (n > len)
        n = len;
      memcpy (buf, c->prefix + c->prefix_off, n);
      c->prefix_off += n;
      return (ssize_t) n;
    }
  n = c->len - c->off;
  if (n > c->piece)
    n = c->piece;
  if (n > len)
    n = len;
  memcpy (buf, c->data + c->off, n);
  c->off += n;
  return (ssize_t) n;
}

static int
conn_write (mirage_flow *f, const void *buf, size_t len)
{
  (void) f;
  (void) buf;
  (void) len;
  return 0;
}

static int
conn_shutdown (mirage_flow *f, mirage_shutdown how)
{
  (void) f;
  (void) how;
  return 0;
}

static void
conn_peer (mirage_flow *f, mirage_endpoint *out)
{
  (void) f;
  memset (out, 0, sizeof *out);
}

static void
conn_close (mirage_flow *f)
{
  (void) f;                     /* the caller owns the fuzz_conn */
}

static const struct mirage_stack_ops conn_ops = {
  .tcp_read = conn_read, .tcp_write = conn_write, .tcp_shutdown = conn_shutdown,
  .tcp_peer = conn_peer, .tcp_close = conn_close,
};
static mirage_stack conn_stack = { &conn_ops };

void
fuzz_conn_init (fuzz_conn *c, const char *prefix, const uint8_t *data, size_t len, size_t piece)
{
  memset (c, 0, sizeof *c);
  c->head.stack = &conn_stack;
  c->prefix = prefix;
  c->data = data;
  c->len = len;
  c->piece = piece > 0 ? piece : 1;
}
