/* git-stream.c: libgit2's network streams, replaced by ours.
 *
 * libgit2's git:// and HTTP(S) transports open their connections with
 * git_socket_stream_new and git_tls_stream_new, which use the stream
 * registered with git_stream_register when there is one. We register one
 * for both: it connects through the current operation's mimic (happy
 * eyeballs and the graph's DNS client), and for TLS runs our GnuTLS
 * session (mirage/tls.h) checked with the git_http device's
 * authenticator. Reads and writes suspend the calling task (the
 * operation's task, git-client.c), never the loop. git-shallow.c, which
 * speaks the protocol itself, opens the same connections (git_conn). */
#include "git-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/stream.h>

#include "mirage/task.h"

struct git_conn {
  git_stream parent;
  char *host;
  uint16_t port;
  mirage_flow *flow;
  mirage_tls *tls;
  bool eof;
};
typedef git_conn our_stream;

/* Connects @s to its host, through TLS when it is encrypted; a negative
 * errno, already reported, on failure. */
static int
conn_dial (our_stream *s)
{
  git_op *op = _mirage_git_op;
  char *error = NULL;
  if (!op || !op->leaf || !op->leaf->mimic)
    return _mirage_git_fail (-EPROTONOSUPPORT, "git: no connection of the graph for %s", s->host),
           -EPROTONOSUPPORT;
  if (s->parent.encrypted && !op->leaf->tls)
    return _mirage_git_fail (-EPROTONOSUPPORT, "git: %s needs TLS, which this client does not speak", s->host),
           -EPROTONOSUPPORT;
  int r = mirage_mimic_connect (op->leaf->mimic, s->host, s->port, &s->flow);
  if (r < 0) {
    s->flow = NULL;
    return _mirage_git_fail (r, "git: cannot connect to %s port %u: %s", s->host, s->port, strerror (-r)), r;
  }
  _mirage_git_activity ();
  if (s->parent.encrypted) {
    mirage_flow *f = s->flow;
    s->flow = NULL;
    r = mirage_tls_client (op->leaf->tls, f, s->host, &s->tls, &error);
    if (r < 0) {
      s->tls = NULL;
      _mirage_git_fail (r, "git: TLS with %s: %s", s->host, error ? error : strerror (-r));
      free (error);
      return r;
    }
  }
  return 0;
}

static int
stream_connect (git_stream *s_)
{
  return conn_dial ((our_stream *) s_) < 0 ? -1 : 0;
}

static int
stream_certificate (git_cert **out, git_stream *s)
{
  (void) out;
  (void) s;
  /* checked by the authenticator in connect; libgit2 asks only when a
   * certificate callback is set, which we never set */
  git_error_set_str (GIT_ERROR_NET, "git: certificates are checked by the TLS authenticator");
  return -1;
}

static int
stream_set_proxy (git_stream *s, const git_proxy_options *o)
{
  (void) s;
  (void) o;
  git_error_set_str (GIT_ERROR_NET, "git: proxies are not supported");
  return -1;
}

ssize_t
_mirage_git_conn_read (void *ctx, void *buf, size_t len)
{
  our_stream *s = ctx;
  if (s->eof)
    return 0;
  ssize_t n = s->tls ? mirage_tls_read (s->tls, buf, len)
            : s->flow ? mirage_tcp_read (s->flow, buf, len) : -ENOTCONN;
  if (n < 0)
    return _mirage_git_fail ((int) n, "git: reading from %s: %s", s->host,
                             n == -ECANCELED ? "the server sent nothing for too long" : strerror ((int) -n)),
           n;
  if (n == 0)
    s->eof = true;
  _mirage_git_activity ();
  return n;
}

int
_mirage_git_conn_write (git_conn *s, const void *buf, size_t len)
{
  int r = s->tls ? mirage_tls_write (s->tls, buf, len)
        : s->flow ? mirage_tcp_write (s->flow, buf, len) : -ENOTCONN;
  if (r < 0)
    return _mirage_git_fail (r, "git: writing to %s: %s", s->host,
                             r == -ECANCELED ? "the server took nothing for too long" : strerror (-r)),
           r;
  _mirage_git_activity ();
  return 0;
}

static ssize_t
stream_read (git_stream *s_, void *buf, size_t len)
{
  ssize_t n = _mirage_git_conn_read (s_, buf, len);
  return n < 0 ? -1 : n;
}

static ssize_t
stream_write (git_stream *s_, const char *buf, size_t len, int flags)
{
  (void) flags;
  return _mirage_git_conn_write ((our_stream *) s_, buf, len) < 0 ? -1 : (ssize_t) len;
}

static int
stream_close (git_stream *s_)
{
  our_stream *s = (our_stream *) s_;
  if (s->tls)
    mirage_tls_close (s->tls);
  else if (s->flow)
    mirage_tcp_close (s->flow);
  s->tls = NULL;
  s->flow = NULL;
  return 0;
}

static void
stream_free (git_stream *s_)
{
  our_stream *s = (our_stream *) s_;
  stream_close (s_);
  free (s->host);
  free (s);
}

static our_stream *
stream_alloc (const char *host, uint16_t port, bool tls)
{
  our_stream *s = calloc (1, sizeof *s);
  if (!s || !(s->host = strdup (host))) {
    free (s);
    return NULL;
  }
  s->port = port;
  s->parent.version = GIT_STREAM_VERSION;
  s->parent.encrypted = tls;
  s->parent.proxy_support = 0;
  s->parent.connect = stream_connect;
  s->parent.certificate = stream_certificate;
  s->parent.set_proxy = stream_set_proxy;
  s->parent.read = stream_read;
  s->parent.write = stream_write;
  s->parent.close = stream_close;
  s->parent.free = stream_free;
  return s;
}

static int
stream_new (git_stream **out, const char *host, const char *port, bool tls)
{
  char *end;
  unsigned long p = strtoul (port ? port : "", &end, 10);
  if (!port || *end || p == 0 || p > 65535) {
    git_error_set_str (GIT_ERROR_NET, "git: bad port");
    return -1;
  }
  our_stream *s = stream_alloc (host, (uint16_t) p, tls);
  if (!s) {
    git_error_set_oom ();
    return -1;
  }
  *out = &s->parent;
  return 0;
}

int
_mirage_git_conn_open (const char *host, uint16_t port, bool tls, git_conn **out)
{
  our_stream *s = stream_alloc (host, port, tls);
  if (!s)
    return _mirage_git_fail (-ENOMEM, "git: out of memory"), -ENOMEM;
  int r = conn_dial (s);
  if (r < 0) {
    stream_free (&s->parent);
    return r;
  }
  *out = s;
  return 0;
}

void
_mirage_git_conn_free (git_conn *c)
{
  if (c)
    stream_free (&c->parent);
}

static int
init_plain (git_stream **out, const char *host, const char *port)
{
  return stream_new (out, host, port, false);
}

static int
init_tls (git_stream **out, const char *host, const char *port)
{
  return stream_new (out, host, port, true);
}

int
_mirage_git_streams_register (void)
{
  git_stream_registration plain = { GIT_STREAM_VERSION, init_plain, NULL };
  git_stream_registration tls = { GIT_STREAM_VERSION, init_tls, NULL };
  if (git_stream_register (GIT_STREAM_STANDARD, &plain) < 0
      || git_stream_register (GIT_STREAM_TLS, &tls) < 0)
    return -EIO;
  return 0;
}
