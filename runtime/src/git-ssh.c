/* git-ssh.c: the ssh:// transport, libssh2 over the graph's flows.
 *
 * libgit2 1.5's own SSH transport hands libssh2 the socket of its own
 * socket stream (it reaches into it), so it cannot run over ours. We
 * register a transport for ssh://, git+ssh://, ssh+git:// (and, through
 * libgit2's rule for "host:path", scp-style URLs): libgit2's smart
 * protocol over our subtransport, whose streams are exec channels of a
 * libssh2 session. The session does no I/O of its own: its send and
 * receive callbacks use a buffer we fill from the flow. libssh2 runs in
 * non-blocking mode; when it answers EAGAIN it wants bytes from the
 * server, and we read the flow (which suspends the task, never the
 * loop) and call it again.
 *
 * Keys are Mirage's: ed25519:BASE64, the 32-byte seed. libssh2 signs
 * through our callback, which signs with Nettle's Ed25519, so no key
 * file is ever written. The host key's SHA256 fingerprint is checked
 * against --ssh-authenticator before any credential is sent. */
#include "git-private.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/transport.h>
#include <libssh2.h>
#include <nettle/eddsa.h>

#include "mirage/log.h"
#include "mirage/task.h"

MIRAGE_LOG_SRC (ssh_src, "git.ssh", "Git over SSH");

typedef struct ssh_sub ssh_sub;

typedef struct {
  git_smart_subtransport_stream parent;
  ssh_sub *sub;
  mirage_flow *flow;
  LIBSSH2_SESSION *session;
  LIBSSH2_CHANNEL *channel;
  unsigned char in[16384];
  size_t in_start, in_len;
  int flow_error;                  /* 0, 1 at end of stream, or -errno */
} ssh_stream;

struct ssh_sub {
  git_smart_subtransport parent;
  ssh_stream *current;
};

void
_mirage_git_b64 (const unsigned char *in, size_t len, char *out)
{
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
    out[o++] = a[v >> 18];
    out[o++] = a[(v >> 12) & 63];
    out[o++] = a[(v >> 6) & 63];
    out[o++] = a[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0);
    out[o++] = a[v >> 18];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < len)
      out[o++] = a[(v >> 6) & 63];
  }
  out[o] = '\0';
}

/* ---- libssh2's I/O: a buffer we fill from the flow ---- */

static ssize_t
ssh_recv (libssh2_socket_t sock, void *buf, size_t len, int flags, void **abstract)
{
  ssh_stream *s = *abstract;
  (void) sock;
  (void) flags;
  if (s->in_len == 0) {
    if (s->flow_error == 1)
      return 0;
    if (s->flow_error < 0)
      return -ECONNRESET;
    return -EAGAIN;
  }
  size_t n = len < s->in_len ? len : s->in_len;
  memcpy (buf, s->in + s->in_start, n);
  s->in_start += n;
  s->in_len -= n;
  return (ssize_t) n;
}

static ssize_t
ssh_send (libssh2_socket_t sock, const void *buf, size_t len, int flags, void **abstract)
{
  ssh_stream *s = *abstract;
  (void) sock;
  (void) flags;
  int r = mirage_tcp_write (s->flow, buf, len);
  if (r < 0) {
    s->flow_error = r;
    return -ECONNRESET;
  }
  _mirage_git_activity ();
  return (ssize_t) len;
}

/* libssh2 answered EAGAIN: it needs bytes from the server. Suspends
 * until some arrive. 0, or -errno when the flow ended or failed. */
static int
ssh_fill (ssh_stream *s)
{
  if (s->flow_error)
    return s->flow_error < 0 ? s->flow_error : -ECONNRESET;
  if (s->in_len > 0)   /* libssh2 asked with bytes left: nothing to wait for */
    return 0;
  s->in_start = 0;
  ssize_t n = mirage_tcp_read (s->flow, s->in, sizeof s->in);
  if (n <= 0) {
    s->flow_error = n == 0 ? 1 : (int) n;
    return n == 0 ? -ECONNRESET : (int) n;
  }
  s->in_len = (size_t) n;
  _mirage_git_activity ();
  return 0;
}

#define SSH_CALL(s, rc, expr) \
  do { (rc) = (expr); } while ((rc) == LIBSSH2_ERROR_EAGAIN && ssh_fill (s) == 0)

static const char *
ssh_why (ssh_stream *s)
{
  char *msg = NULL;
  if (s->flow_error == -ECANCELED)
    return "the server sent nothing for too long";
  if (s->flow_error == 1)
    return "the server closed the connection";
  if (s->flow_error < 0)
    return strerror (-s->flow_error);
  libssh2_session_last_error (s->session, &msg, NULL, 0);
  return msg ? msg : "SSH error";
}

static int
ssh_status (ssh_stream *s, int fallback)
{
  return s->flow_error < 0 ? s->flow_error : s->flow_error == 1 ? -ECONNRESET : fallback;
}

/* ---- authentication ---- */

static int
sign_ed25519 (LIBSSH2_SESSION *session, unsigned char **sig, size_t *sig_len,
              const unsigned char *data, size_t data_len, void **abstract)
{
  const git_client *c = *abstract;
  (void) session;
  *sig = malloc (ED25519_SIGNATURE_SIZE);   /* freed by libssh2 (default allocator) */
  if (!*sig)
    return -1;
  ed25519_sha512_sign (c->pub, c->seed, data_len, data, *sig);
  *sig_len = ED25519_SIGNATURE_SIZE;
  return 0;
}

static int
ssh_authenticate (ssh_stream *s, const git_client *c, const char *user)
{
  int rc = LIBSSH2_ERROR_AUTHENTICATION_FAILED;
  if (!c->have_key && !c->password)
    return _mirage_git_fail (-EACCES, "git: SSH to %s: no --ssh-key or --ssh-password given", _mirage_git_op->url->host);
  if (c->have_key) {
    unsigned char blob[4 + 11 + 4 + 32] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32 };
    memcpy (blob + 19, c->pub, 32);
    void *abstract = (void *) c;
    SSH_CALL (s, rc, libssh2_userauth_publickey (s->session, user, blob, sizeof blob, sign_ed25519, &abstract));
    if (rc == 0)
      return 0;
    if (s->flow_error)
      return _mirage_git_fail (ssh_status (s, -EPROTO), "git: SSH to %s: %s", _mirage_git_op->url->host, ssh_why (s));
    mirage_log_info (&ssh_src, "the server refused the key for %s; %s", user,
                     c->password ? "trying the password" : "no password to try");
  }
  if (c->password) {
    SSH_CALL (s, rc, libssh2_userauth_password_ex (s->session, user, (unsigned) strlen (user), c->password,
                                                   (unsigned) strlen (c->password), NULL));
    if (rc == 0)
      return 0;
    if (s->flow_error)
      return _mirage_git_fail (ssh_status (s, -EPROTO), "git: SSH to %s: %s", _mirage_git_op->url->host, ssh_why (s));
  }
  return _mirage_git_fail (-EACCES, "git: SSH to %s: the server refused the %s of user '%s'",
                           _mirage_git_op->url->host,
                           c->have_key && c->password ? "key and the password" : c->have_key ? "key" : "password",
                           user);
}

/* ---- the stream: one exec channel ---- */

static void
ssh_stream_free (git_smart_subtransport_stream *s_)
{
  ssh_stream *s = (ssh_stream *) s_;
  int rc;
  if (s->sub && s->sub->current == s)
    s->sub->current = NULL;
  /* no goodbye when the flow failed or the task is cancelled: nothing
   * would be read, and freeing the session must not wait */
  if (s->channel) {
    if (!s->flow_error && !mirage_task_is_cancelled ())
      SSH_CALL (s, rc, libssh2_channel_close (s->channel));
    libssh2_channel_free (s->channel);
  }
  if (s->session) {
    if (!s->flow_error && !mirage_task_is_cancelled ())
      SSH_CALL (s, rc, libssh2_session_disconnect (s->session, "done"));
    /* freeing may still want to send: make sends fail at once */
    s->flow_error = s->flow_error ? s->flow_error : 1;
    libssh2_session_free (s->session);
  }
  (void) rc;
  if (s->flow)
    mirage_tcp_close (s->flow);
  free (s);
}

static int
ssh_stream_read (git_smart_subtransport_stream *s_, char *buf, size_t size, size_t *got)
{
  ssh_stream *s = (ssh_stream *) s_;
  ssize_t n;
  *got = 0;
  SSH_CALL (s, n, libssh2_channel_read (s->channel, buf, size));
  if (n < 0)
    return _mirage_git_fail (ssh_status (s, -EPROTO), "git: SSH from %s: %s", _mirage_git_op->url->host, ssh_why (s));
  if (n == 0) {
    /* the command ended: say what it wrote to stderr, if anything */
    char err[512];
    ssize_t e = libssh2_channel_read_stderr (s->channel, err, sizeof err - 1);
    if (e > 0) {
      err[e] = '\0';
      err[strcspn (err, "\r\n")] = '\0';
      return _mirage_git_fail (-EPROTO, "git: the server %s said: %s", _mirage_git_op->url->host, err);
    }
  }
  *got = (size_t) n;
  return 0;
}

static int
ssh_stream_write (git_smart_subtransport_stream *s_, const char *buf, size_t len)
{
  ssh_stream *s = (ssh_stream *) s_;
  while (len > 0) {
    ssize_t n;
    SSH_CALL (s, n, libssh2_channel_write (s->channel, buf, len));
    if (n < 0)
      return _mirage_git_fail (ssh_status (s, -EPROTO), "git: SSH to %s: %s", _mirage_git_op->url->host, ssh_why (s));
    buf += n;
    len -= (size_t) n;
  }
  return 0;
}

/* git's quoting of a path for the remote shell: '...' with ' and ! out. */
static char *
shell_quote (const char *cmd, const char *path)
{
  size_t n = strlen (cmd) + 3 + 4 * strlen (path) + 1, o;
  char *q = malloc (n);
  if (!q)
    return NULL;
  o = (size_t) snprintf (q, n, "%s '", cmd);
  for (const char *p = path; *p; p++) {
    if (*p == '\'' || *p == '!') {
      q[o++] = '\'';
      q[o++] = '\\';
      q[o++] = *p;
      q[o++] = '\'';
    } else
      q[o++] = *p;
  }
  q[o++] = '\'';
  q[o] = '\0';
  return q;
}

static int
ssh_open (ssh_sub *sub, const char *command, ssh_stream **out)
{
  git_op *op = _mirage_git_op;
  const git_client *c = op ? op->leaf : NULL;
  int rc;
  if (!c || !(c->base.schemes & MIRAGE_GIT_SCHEME_SSH))
    return _mirage_git_fail (-EPROTONOSUPPORT, "git: no SSH client of the graph for this URL");
  ssh_stream *s = calloc (1, sizeof *s);
  if (!s)
    return _mirage_git_fail (-ENOMEM, "git: out of memory");
  s->parent.subtransport = sub ? &sub->parent : NULL;
  s->parent.read = ssh_stream_read;
  s->parent.write = ssh_stream_write;
  s->parent.free = ssh_stream_free;
  s->sub = sub;
  rc = mirage_mimic_connect (c->mimic, op->url->host, op->url->port, &s->flow);
  if (rc < 0) {
    s->flow = NULL;
    ssh_stream_free (&s->parent);
    return _mirage_git_fail (rc, "git: cannot connect to %s port %u: %s", op->url->host, op->url->port, strerror (-rc));
  }
  _mirage_git_activity ();
  s->session = libssh2_session_init_ex (NULL, NULL, NULL, s);
  if (!s->session) {
    ssh_stream_free (&s->parent);
    return _mirage_git_fail (-ENOMEM, "git: out of memory");
  }
  libssh2_session_callback_set (s->session, LIBSSH2_CALLBACK_RECV, (void *) ssh_recv);
  libssh2_session_callback_set (s->session, LIBSSH2_CALLBACK_SEND, (void *) ssh_send);
  libssh2_session_set_blocking (s->session, 0);
  /* libssh2 wants a descriptor number; it only hands it to our
   * callbacks and asks fcntl about it: INT_MAX is never open, so fcntl
   * fails and libssh2 leaves it alone */
  SSH_CALL (s, rc, libssh2_session_handshake (s->session, INT_MAX));
  if (rc < 0)
    goto failed;
  /* the host key, before any credential leaves */
  const unsigned char *h = (const unsigned char *) libssh2_hostkey_hash (s->session, LIBSSH2_HOSTKEY_HASH_SHA256);
  char got[64], want[64];
  if (!h) {
    ssh_stream_free (&s->parent);
    return _mirage_git_fail (-EKEYREJECTED, "git: SSH to %s: no host key fingerprint", op->url->host);
  }
  _mirage_git_b64 (h, 32, got);
  if (c->have_host_auth && memcmp (h, c->host_sha256, 32) != 0) {
    _mirage_git_b64 (c->host_sha256, 32, want);
    ssh_stream_free (&s->parent);
    return _mirage_git_fail (-EKEYREJECTED, "git: SSH to %s: the server's host key is SHA256:%s, "
                             "the authenticator wants SHA256:%s", op->url->host, got, want);
  }
  if (!c->have_host_auth)
    mirage_log_warn (&ssh_src, "no --ssh-authenticator: the host key of %s (SHA256:%s) is not checked",
                     op->url->host, got);
  if (ssh_authenticate (s, c, op->url->user) < 0) {
    ssh_stream_free (&s->parent);
    return -1;
  }
  do {
    s->channel = libssh2_channel_open_session (s->session);
  } while (!s->channel && libssh2_session_last_errno (s->session) == LIBSSH2_ERROR_EAGAIN && ssh_fill (s) == 0);
  if (!s->channel)
    goto failed;
  SSH_CALL (s, rc, libssh2_channel_process_startup (s->channel, "exec", 4, command, (unsigned) strlen (command)));
  if (rc < 0)
    goto failed;
  *out = s;
  return 0;
failed:
  rc = _mirage_git_fail (ssh_status (s, -EPROTO), "git: SSH to %s: %s", op->url->host, ssh_why (s));
  ssh_stream_free (&s->parent);
  return rc;
}

static int
ssh_action (git_smart_subtransport_stream **out, git_smart_subtransport *sub_, const char *url,
            git_smart_service_t action)
{
  ssh_sub *sub = (ssh_sub *) sub_;
  (void) url;   /* the operation's parsed URL is the one we checked */
  *out = NULL;
  if (action == GIT_SERVICE_UPLOADPACK || action == GIT_SERVICE_RECEIVEPACK) {
    if (!sub->current)
      return _mirage_git_fail (-EPROTO, "git: SSH: no connection to continue");
    *out = &sub->current->parent;
    return 0;
  }
  if (!_mirage_git_op)
    return _mirage_git_fail (-EPROTO, "git: SSH used outside an operation");
  char *cmd = shell_quote (action == GIT_SERVICE_UPLOADPACK_LS ? "git-upload-pack" : "git-receive-pack",
                           _mirage_git_op->url->path);
  if (!cmd)
    return _mirage_git_fail (-ENOMEM, "git: out of memory");
  ssh_stream *s = NULL;
  int r = ssh_open (sub, cmd, &s);
  free (cmd);
  if (r < 0)
    return r;
  sub->current = s;
  *out = &s->parent;
  return 0;
}

int
_mirage_git_ssh_exec (const char *service, git_smart_subtransport_stream **out)
{
  ssh_stream *s = NULL;
  *out = NULL;
  if (!_mirage_git_op)
    return _mirage_git_fail (-EPROTO, "git: SSH used outside an operation");
  char *cmd = shell_quote (service, _mirage_git_op->url->path);
  if (!cmd)
    return _mirage_git_fail (-ENOMEM, "git: out of memory");
  int r = ssh_open (NULL, cmd, &s);
  free (cmd);
  if (r < 0)
    return r;
  *out = &s->parent;
  return 0;
}

static int
ssh_close (git_smart_subtransport *sub_)
{
  (void) sub_;   /* the smart transport frees its stream itself */
  return 0;
}

static void
ssh_sub_free (git_smart_subtransport *sub_)
{
  ssh_sub *sub = (ssh_sub *) sub_;
  if (sub->current)
    sub->current->sub = NULL;
  free (sub);
}

static int
ssh_sub_new (git_smart_subtransport **out, git_transport *owner, void *param)
{
  (void) owner;
  (void) param;
  ssh_sub *sub = calloc (1, sizeof *sub);
  if (!sub) {
    git_error_set_oom ();
    return -1;
  }
  sub->parent.action = ssh_action;
  sub->parent.close = ssh_close;
  sub->parent.free = ssh_sub_free;
  *out = &sub->parent;
  return 0;
}

static git_smart_subtransport_definition ssh_definition = { ssh_sub_new, 0, NULL };

static int
ssh_transport_new (git_transport **out, git_remote *owner, void *param)
{
  (void) param;
  return git_transport_smart (out, owner, &ssh_definition);
}

int
_mirage_git_ssh_register (void)
{
  static const char *schemes[] = { "ssh", "git+ssh", "ssh+git" };   /* libgit2 adds "://" */
  if (libssh2_init (0) != 0)
    return -EIO;
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
    if (git_transport_register (schemes[i], ssh_transport_new, NULL) < 0)
      return -EIO;
  return 0;
}
