/* mirage/conduit.h: connections for HTTP libraries, as Mirage's
 * conduit_direct: `conduit_direct stack` opens TCP connections over the
 * stack; with ~tls:true (the catalog's sub-graph: conduit_tls over the
 * TCP conduit) the connection is wrapped in TLS, the server checked
 * against the system's trust store (read when the conduit connects) and
 * named by the host given. Both give a mirage_conduit_flow, so a client
 * reads and writes the same way over either. The TCP conduit needs no
 * library; conduit_tls is in libmirage-runtime-gnutls.a ("gnutls").
 */
#ifndef MIRAGE_CONDUIT_H
#define MIRAGE_CONDUIT_H

#include <sys/types.h>

#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_conduit mirage_conduit;
typedef struct mirage_conduit_flow mirage_conduit_flow;

struct mirage_conduit_flow_ops {
  ssize_t (*read) (mirage_conduit_flow *f, void *buf, size_t len);
  int (*write) (mirage_conduit_flow *f, const void *buf, size_t len);
  void (*close) (mirage_conduit_flow *f);
};

struct mirage_conduit_flow {
  const struct mirage_conduit_flow_ops *ops;
};

struct mirage_conduit_ops {
  /* Connects to @dst; @host names the server (TLS: SNI and the name its
   * certificate must carry; may be NULL). @error: a malloc'ed reason. */
  int (*connect) (mirage_conduit *c, const mirage_endpoint *dst, const char *host,
                  mirage_conduit_flow **out, char **error);
  void (*free) (mirage_conduit *c);
};

struct mirage_conduit {
  const struct mirage_conduit_ops *ops;
  mirage_stack *stack;   /* the TCP layer under it (servers listen there) */
};

static inline int mirage_conduit_connect (mirage_conduit *c, const mirage_endpoint *dst, const char *host, mirage_conduit_flow **out, char **error) { return c->ops->connect (c, dst, host, out, error); }
static inline void mirage_conduit_free (mirage_conduit *c) { c->ops->free (c); }
static inline ssize_t mirage_conduit_read (mirage_conduit_flow *f, void *buf, size_t len) { return f->ops->read (f, buf, len); }
static inline int mirage_conduit_write (mirage_conduit_flow *f, const void *buf, size_t len) { return f->ops->write (f, buf, len); }
static inline void mirage_conduit_close (mirage_conduit_flow *f) { f->ops->close (f); }

/* conduit_direct: TCP over @stack. */
int mirage_conduit_direct (mirage_stack *stack, mirage_conduit **out);
/* conduit_tls: TLS over @tcp's connections, the system's trust store. */
int mirage_conduit_tls (mirage_conduit *tcp, mirage_conduit **out);
/* The same with a TLS authenticator (mirage/tls.h; NULL: the trust store). */
int mirage_conduit_tls_with (mirage_conduit *tcp, const char *authenticator,
                             mirage_conduit **out, char **error);
/* The TCP flow under a conduit flow of conduit_direct (NULL otherwise). */
mirage_flow *mirage_conduit_tcp_flow (mirage_conduit_flow *f);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_CONDUIT_H */
