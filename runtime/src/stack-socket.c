/* stack-socket.c: the socket stack (mirage/stack.h) over host sockets.
 *
 * Every socket is created non-blocking. An operation is tried first; on
 * EAGAIN the task waits on the descriptor with mirage_task_wait_fd and
 * tries again, so a ready socket costs no trip through the loop. connect
 * waits for writability and reads SO_ERROR. Sockets bound to no address
 * are IPv6 with IPV6_V6ONLY off, reaching both families; IPv4-mapped
 * addresses are turned back into IPv4 ones at the interface. */
#include "mirage/stack.h"
#include "mirage/task.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  mirage_stack base;
  bool v4, v6;
} sock_stack;

typedef struct {
  mirage_tcp_listener base;
  int fd;
} sock_listener;

typedef struct {
  mirage_flow base;
  int fd;
  mirage_endpoint peer;
} sock_flow;

typedef struct {
  mirage_udp base;
  int fd;
  int family;
} sock_udp;

static const mirage_ipaddr *any6 (void)
{
  static const mirage_ipaddr a = { MIRAGE_IPV6, { 0 } };
  return &a;
}

/* @ep into a sockaddr of @family (v4 into v4-mapped v6 if needed). */
static int
to_sockaddr (const mirage_ipaddr *ip, uint16_t port, int family,
             struct sockaddr_storage *ss, socklen_t *len)
{
  memset (ss, 0, sizeof *ss);
  if (family == AF_INET) {
    if (ip->version != MIRAGE_IPV4)
      return -EAFNOSUPPORT;
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons (port);
    memcpy (&sin->sin_addr, ip->bytes, 4);
    *len = sizeof *sin;
  } else {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons (port);
    if (ip->version == MIRAGE_IPV4) {
      sin6->sin6_addr.s6_addr[10] = 0xff;
      sin6->sin6_addr.s6_addr[11] = 0xff;
      memcpy (sin6->sin6_addr.s6_addr + 12, ip->bytes, 4);
    } else {
      memcpy (sin6->sin6_addr.s6_addr, ip->bytes, 16);
    }
    *len = sizeof *sin6;
  }
  return 0;
}

static void
from_sockaddr (const struct sockaddr_storage *ss, mirage_endpoint *ep)
{
  memset (ep, 0, sizeof *ep);
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
    ep->ip.version = MIRAGE_IPV4;
    memcpy (ep->ip.bytes, &sin->sin_addr, 4);
    ep->port = ntohs (sin->sin_port);
  } else {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
    ep->port = ntohs (sin6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED (&sin6->sin6_addr)) {
      ep->ip.version = MIRAGE_IPV4;
      memcpy (ep->ip.bytes, sin6->sin6_addr.s6_addr + 12, 4);
    } else {
      ep->ip.version = MIRAGE_IPV6;
      memcpy (ep->ip.bytes, sin6->sin6_addr.s6_addr, 16);
    }
  }
}

/* The family to use for a local address (NULL: any) on this stack. */
static int
family_for (sock_stack *s, const mirage_ipaddr *local, const mirage_ipaddr **addr)
{
  if (local) {
    if ((local->version == MIRAGE_IPV4 && !s->v4) || (local->version == MIRAGE_IPV6 && !s->v6))
      return -EAFNOSUPPORT;
    *addr = local;
    return local->version == MIRAGE_IPV4 ? AF_INET : AF_INET6;
  }
  if (!s->v6) {
    static const mirage_ipaddr any4 = { MIRAGE_IPV4, { 0 } };
    *addr = &any4;
    return AF_INET;
  }
  *addr = any6 ();
  return AF_INET6;
}

static int
open_bound (sock_stack *s, int type, const mirage_ipaddr *local, uint16_t port,
            int *family_out)
{
  const mirage_ipaddr *addr;
  int family = family_for (s, local, &addr);
  if (family < 0)
    return family;
  int fd = socket (family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  mirage_task_forget_fd (fd);
  int one = 1, v6only = s->v4 ? 0 : 1;
  if (type == SOCK_STREAM)
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6 && !local)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  struct sockaddr_storage ss;
  socklen_t len = 0;
  to_sockaddr (addr, port, family, &ss, &len);
  if (bind (fd, (struct sockaddr *) &ss, len) < 0) {
    int e = -errno;
    close (fd);
    return e;
  }
  *family_out = family;
  return fd;
}

static int
local_endpoint (int fd, mirage_endpoint *out)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname (fd, (struct sockaddr *) &ss, &len) < 0)
    return -errno;
  from_sockaddr (&ss, out);
  return 0;
}

/* ---- TCP ---- */

static int
s_tcp_listen (mirage_stack *st, const mirage_ipaddr *local, uint16_t port,
              mirage_tcp_listener **out)
{
  int family = 0;
  int fd = open_bound ((sock_stack *) st, SOCK_STREAM, local, port, &family);
  if (fd < 0)
    return fd;
  if (listen (fd, SOMAXCONN) < 0) {
    int e = -errno;
    close (fd);
    return e;
  }
  sock_listener *l = calloc (1, sizeof *l);
  if (!l) {
    close (fd);
    return -ENOMEM;
  }
  l->base.stack = st;
  l->fd = fd;
  *out = &l->base;
  return 0;
}

static int
s_tcp_listener_endpoint (mirage_tcp_listener *l, mirage_endpoint *out)
{
  return local_endpoint (((sock_listener *) l)->fd, out);
}

static mirage_flow *
new_flow (mirage_stack *st, int fd, const struct sockaddr_storage *peer)
{
  sock_flow *f = calloc (1, sizeof *f);
  if (!f)
    return NULL;
  f->base.stack = st;
  f->fd = fd;
  if (peer)
    from_sockaddr (peer, &f->peer);
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return &f->base;
}

static int
s_tcp_accept (mirage_tcp_listener *lp, mirage_flow **out)
{
  sock_listener *l = (sock_listener *) lp;
  for (;;) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4 (l->fd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      mirage_task_forget_fd (fd);
      *out = new_flow (lp->stack, fd, &ss);
      if (!*out) {
        close (fd);
        return -ENOMEM;
      }
      return 0;
    }
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return -errno;
    int r = mirage_task_wait_fd (l->fd, MIRAGE_TASK_READ, -1);
    if (r < 0)
      return r;
  }
}

static void
s_tcp_unlisten (mirage_tcp_listener *lp)
{
  sock_listener *l = (sock_listener *) lp;
  mirage_task_close_fd (l->fd);
  free (l);
}

static int
s_tcp_connect (mirage_stack *st, const mirage_endpoint *dst, mirage_flow **out)
{
  sock_stack *s = (sock_stack *) st;
  if ((dst->ip.version == MIRAGE_IPV4 && !s->v4) || (dst->ip.version == MIRAGE_IPV6 && !s->v6))
    return -EAFNOSUPPORT;
  int family = dst->ip.version == MIRAGE_IPV4 ? AF_INET : AF_INET6;
  int fd = socket (family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  mirage_task_forget_fd (fd);
  struct sockaddr_storage ss;
  socklen_t len = 0;
  to_sockaddr (&dst->ip, dst->port, family, &ss, &len);
  int r = 0;
  if (connect (fd, (struct sockaddr *) &ss, len) < 0) {
    if (errno != EINPROGRESS) {
      r = -errno;
    } else {
      r = mirage_task_wait_fd (fd, MIRAGE_TASK_WRITE, -1);
      if (r == 0) {
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
          err = errno;
        r = -err;
      }
    }
  }
  if (r < 0) {
    mirage_task_close_fd (fd);
    return r;
  }
  *out = new_flow (st, fd, &ss);
  if (!*out) {
    close (fd);
    return -ENOMEM;
  }
  return 0;
}

static ssize_t
s_tcp_read (mirage_flow *fp, void *buf, size_t len)
{
  sock_flow *f = (sock_flow *) fp;
  for (;;) {
    ssize_t n = recv (f->fd, buf, len, 0);
    if (n >= 0)
      return n;
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return -errno;
    int r = mirage_task_wait_fd (f->fd, MIRAGE_TASK_READ, -1);
    if (r < 0)
      return r;
  }
}

static int
s_tcp_write (mirage_flow *fp, const void *buf, size_t len)
{
  sock_flow *f = (sock_flow *) fp;
  const char *p = buf;
  while (len > 0) {
    ssize_t n = send (f->fd, p, len, MSG_NOSIGNAL);
    if (n >= 0) {
      p += n;
      len -= (size_t) n;
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return -errno;
    int r = mirage_task_wait_fd (f->fd, MIRAGE_TASK_WRITE, -1);
    if (r < 0)
      return r;
  }
  return 0;
}

static int
s_tcp_shutdown (mirage_flow *fp, mirage_shutdown how)
{
  sock_flow *f = (sock_flow *) fp;
  int h = how == MIRAGE_SHUTDOWN_READ ? SHUT_RD
        : how == MIRAGE_SHUTDOWN_WRITE ? SHUT_WR : SHUT_RDWR;
  return shutdown (f->fd, h) < 0 ? -errno : 0;
}

static void
s_tcp_peer (mirage_flow *fp, mirage_endpoint *out)
{
  *out = ((sock_flow *) fp)->peer;
}

static int
s_tcp_watch_readable (mirage_flow *fp, void (*fn) (void *arg, int result), void *arg)
{
  return mirage_task_watch_fd (((sock_flow *) fp)->fd, fn, arg);
}

static void
s_tcp_close (mirage_flow *fp)
{
  sock_flow *f = (sock_flow *) fp;
  mirage_task_close_fd (f->fd);
  free (f);
}

/* ---- UDP ---- */

static int
s_udp_bind (mirage_stack *st, const mirage_ipaddr *local, uint16_t port, mirage_udp **out)
{
  int family = 0;
  int fd = open_bound ((sock_stack *) st, SOCK_DGRAM, local, port, &family);
  if (fd < 0)
    return fd;
  sock_udp *u = calloc (1, sizeof *u);
  if (!u) {
    close (fd);
    return -ENOMEM;
  }
  u->base.stack = st;
  u->fd = fd;
  u->family = family;
  *out = &u->base;
  return 0;
}

static int
s_udp_endpoint (mirage_udp *up, mirage_endpoint *out)
{
  return local_endpoint (((sock_udp *) up)->fd, out);
}

static int
s_udp_send (mirage_udp *up, const mirage_endpoint *dst, const void *buf, size_t len)
{
  sock_udp *u = (sock_udp *) up;
  struct sockaddr_storage ss;
  socklen_t sl;
  int r = to_sockaddr (&dst->ip, dst->port, u->family, &ss, &sl);
  if (r < 0)
    return r;
  for (;;) {
    ssize_t n = sendto (u->fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *) &ss, sl);
    if (n >= 0)
      return 0;
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return -errno;
    r = mirage_task_wait_fd (u->fd, MIRAGE_TASK_WRITE, -1);
    if (r < 0)
      return r;
  }
}

static ssize_t
s_udp_recv (mirage_udp *up, void *buf, size_t len, mirage_endpoint *src)
{
  sock_udp *u = (sock_udp *) up;
  for (;;) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    ssize_t n = recvfrom (u->fd, buf, len, 0, (struct sockaddr *) &ss, &sl);
    if (n >= 0) {
      if (src)
        from_sockaddr (&ss, src);
      return n;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return -errno;
    int r = mirage_task_wait_fd (u->fd, MIRAGE_TASK_READ, -1);
    if (r < 0)
      return r;
  }
}

static void
s_udp_close (mirage_udp *up)
{
  sock_udp *u = (sock_udp *) up;
  mirage_task_close_fd (u->fd);
  free (u);
}

static void
s_disconnect (mirage_stack *st)
{
  free (st);
}

static const struct mirage_stack_ops sock_ops = {
  .tcp_listen = s_tcp_listen,
  .tcp_listener_endpoint = s_tcp_listener_endpoint,
  .tcp_accept = s_tcp_accept,
  .tcp_unlisten = s_tcp_unlisten,
  .tcp_connect = s_tcp_connect,
  .tcp_read = s_tcp_read,
  .tcp_write = s_tcp_write,
  .tcp_shutdown = s_tcp_shutdown,
  .tcp_peer = s_tcp_peer,
  .tcp_close = s_tcp_close,
  .tcp_watch_readable = s_tcp_watch_readable,
  .udp_bind = s_udp_bind,
  .udp_endpoint = s_udp_endpoint,
  .udp_send = s_udp_send,
  .udp_recv = s_udp_recv,
  .udp_close = s_udp_close,
  .disconnect = s_disconnect,
};

int
mirage_socket_stack (const mirage_socket_stack_config *cfg, mirage_stack **out)
{
  if (cfg && cfg->ipv4_only && cfg->ipv6_only)
    return -EINVAL;
  sock_stack *s = calloc (1, sizeof *s);
  if (!s)
    return -ENOMEM;
  s->base.ops = &sock_ops;
  s->v4 = !(cfg && cfg->ipv6_only);
  s->v6 = !(cfg && cfg->ipv4_only);
  *out = &s->base;
  return 0;
}
