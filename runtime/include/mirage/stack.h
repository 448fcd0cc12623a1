/* mirage/stack.h: the TCP/UDP network stack, as Mirage's stackv4v6.
 *
 * The socket stack (Tcpip_stack_socket in Mirage) uses the host's sockets:
 * every socket is non-blocking and a call that would block suspends the
 * calling task on the event loop (mirage/task.h), so cancellation and
 * mirage_task_with_timeout bound every one of them. IPv4 and IPv6 both
 * work; a listener or UDP socket bound to no address takes both (an IPv6
 * socket with IPV6_V6ONLY off) unless the stack is IPv4- or IPv6-only.
 * IPv4 peers of such sockets are reported as IPv4 addresses.
 *
 * Errors are negative errno values from the host (-ECONNREFUSED,
 * -EADDRINUSE, -ECONNRESET, -EPIPE...), plus -ECANCELED and -ETIMEDOUT
 * from the loop, and -EAFNOSUPPORT for an address family the stack was
 * configured without.
 */
#ifndef MIRAGE_STACK_H
#define MIRAGE_STACK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mirage/ipaddr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_stack mirage_stack;

typedef struct {
  mirage_ipaddr ip;
  uint16_t port;
} mirage_endpoint;

/* Each of these is the public head of an implementation's object. */
typedef struct mirage_tcp_listener { mirage_stack *stack; } mirage_tcp_listener;
typedef struct mirage_flow { mirage_stack *stack; } mirage_flow;
typedef struct mirage_udp { mirage_stack *stack; } mirage_udp;

typedef enum {
  MIRAGE_SHUTDOWN_READ = 1,
  MIRAGE_SHUTDOWN_WRITE = 2,
  MIRAGE_SHUTDOWN_READ_WRITE = 3,
} mirage_shutdown;

struct mirage_stack_ops {
  /* Listens on @local (NULL: any address) and @port (0: pick one). */
  int (*tcp_listen) (mirage_stack *s, const mirage_ipaddr *local, uint16_t port,
                     mirage_tcp_listener **out);
  int (*tcp_listener_endpoint) (mirage_tcp_listener *l, mirage_endpoint *out);
  /* Suspends until a connection arrives. */
  int (*tcp_accept) (mirage_tcp_listener *l, mirage_flow **out);
  void (*tcp_unlisten) (mirage_tcp_listener *l);
  /* Suspends until connected or refused. */
  int (*tcp_connect) (mirage_stack *s, const mirage_endpoint *dst, mirage_flow **out);
  /* Suspends until some data arrives; returns its length, 0 at end of
   * stream, or -errno. */
  ssize_t (*tcp_read) (mirage_flow *f, void *buf, size_t len);
  /* Suspends until all @len bytes are handed to the host; 0 or -errno. */
  int (*tcp_write) (mirage_flow *f, const void *buf, size_t len);
  int (*tcp_shutdown) (mirage_flow *f, mirage_shutdown how);
  void (*tcp_peer) (mirage_flow *f, mirage_endpoint *out);
  /* Closes and frees @f; tasks suspended on it get -EBADF. */
  void (*tcp_close) (mirage_flow *f);

  int (*udp_bind) (mirage_stack *s, const mirage_ipaddr *local, uint16_t port,
                   mirage_udp **out);
  int (*udp_endpoint) (mirage_udp *u, mirage_endpoint *out);
  int (*udp_send) (mirage_udp *u, const mirage_endpoint *dst, const void *buf, size_t len);
  /* Suspends until a datagram arrives; returns its length (truncated to
   * @len) and its source. */
  ssize_t (*udp_recv) (mirage_udp *u, void *buf, size_t len, mirage_endpoint *src);
  void (*udp_close) (mirage_udp *u);

  /* Frees the stack (its sockets must be closed first). */
  void (*disconnect) (mirage_stack *s);

  /* Optional (NULL: -ENOTSUP): calls @fn(@arg, result) from the loop,
   * outside any task, once @f has input to read, its end or an error
   * (mirage_task_watch_fd); an idle connection then holds no task. */
  int (*tcp_watch_readable) (mirage_flow *f, void (*fn) (void *arg, int result), void *arg);
};

struct mirage_stack {
  const struct mirage_stack_ops *ops;
};

static inline int mirage_tcp_listen (mirage_stack *s, const mirage_ipaddr *local, uint16_t port, mirage_tcp_listener **out) { return s->ops->tcp_listen (s, local, port, out); }
static inline int mirage_tcp_listener_endpoint (mirage_tcp_listener *l, mirage_endpoint *out) { return l->stack->ops->tcp_listener_endpoint (l, out); }
static inline int mirage_tcp_accept (mirage_tcp_listener *l, mirage_flow **out) { return l->stack->ops->tcp_accept (l, out); }
static inline void mirage_tcp_unlisten (mirage_tcp_listener *l) { l->stack->ops->tcp_unlisten (l); }
static inline int mirage_tcp_connect (mirage_stack *s, const mirage_endpoint *dst, mirage_flow **out) { return s->ops->tcp_connect (s, dst, out); }
static inline ssize_t mirage_tcp_read (mirage_flow *f, void *buf, size_t len) { return f->stack->ops->tcp_read (f, buf, len); }
static inline int mirage_tcp_write (mirage_flow *f, const void *buf, size_t len) { return f->stack->ops->tcp_write (f, buf, len); }
static inline int mirage_tcp_shutdown (mirage_flow *f, mirage_shutdown how) { return f->stack->ops->tcp_shutdown (f, how); }
static inline void mirage_tcp_peer (mirage_flow *f, mirage_endpoint *out) { f->stack->ops->tcp_peer (f, out); }
static inline void mirage_tcp_close (mirage_flow *f) { f->stack->ops->tcp_close (f); }
static inline int mirage_tcp_watch_readable (mirage_flow *f, void (*fn) (void *arg, int result), void *arg) { return f->stack->ops->tcp_watch_readable ? f->stack->ops->tcp_watch_readable (f, fn, arg) : -ENOTSUP; }
static inline int mirage_udp_bind (mirage_stack *s, const mirage_ipaddr *local, uint16_t port, mirage_udp **out) { return s->ops->udp_bind (s, local, port, out); }
static inline int mirage_udp_endpoint (mirage_udp *u, mirage_endpoint *out) { return u->stack->ops->udp_endpoint (u, out); }
static inline int mirage_udp_send (mirage_udp *u, const mirage_endpoint *dst, const void *buf, size_t len) { return u->stack->ops->udp_send (u, dst, buf, len); }
static inline ssize_t mirage_udp_recv (mirage_udp *u, void *buf, size_t len, mirage_endpoint *src) { return u->stack->ops->udp_recv (u, buf, len, src); }
static inline void mirage_udp_close (mirage_udp *u) { u->stack->ops->udp_close (u); }
static inline void mirage_stack_disconnect (mirage_stack *s) { s->ops->disconnect (s); }

typedef struct {
  bool ipv4_only;
  bool ipv6_only;
} mirage_socket_stack_config;

/* @cfg may be NULL (both families). -EINVAL if both *_only are set. */
int mirage_socket_stack (const mirage_socket_stack_config *cfg, mirage_stack **out);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_STACK_H */
