/* git-shallow.c: shallow fetches, over our own upload-pack negotiation
 * (and pushes from shallow repositories, over our own receive-pack).
 *
 * libgit2 1.5 cannot ask for a depth (that came in 1.7), so a fetch with
 * a depth, and any fetch into a repository that is already shallow,
 * runs here: we speak the smart protocol v0/v1 ourselves over the same
 * flows as the rest of the client (git://: a mimic flow; HTTP(S): two
 * HTTP/1.1 requests, GET info/refs then POST git-upload-pack, over a
 * mimic flow and our TLS; SSH: an exec channel of git-ssh.c), parse the
 * server's answers with git-proto.c, and hand the pack to libgit2's
 * indexer (git_odb_write_pack) in the repository's object database.
 *
 * The request is git's: "want <id> <capabilities>" (shallow,
 * side-band-64k, ofs-delta, no-progress when offered), a "shallow <id>"
 * line per commit of the repository's shallow boundary, "deepen N",
 * a flush, then (no depth: a fetch into a shallow repository) "have"
 * lines for the branches already fetched, and "done". Without
 * multi_ack, the server answers one ACK or NAK. The boundary the server
 * reports (shallow/unshallow lines) is kept in the repository's
 * "shallow" file, as git keeps it: libgit2 1.5 reads it only for
 * git_repository_is_shallow, and a walk past the boundary meets a
 * missing parent and ends with an error, which callers report.
 *
 * A push from a shallow repository cannot go through libgit2 either
 * (its push walks past the boundary), so it is here too: the
 * receive-pack command "<old> <new> <ref>" with report-status, and a
 * pack of the new commit with its whole tree (nothing to walk to learn
 * what the server has); the server's report says ok or why not. */
#include "git-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/odb_backend.h>
#include <git2/sys/transport.h>

#include "mirage/task.h"

/* ---- one connection: git-stream.c's (a flow or TLS), or an SSH channel ---- */

typedef struct {
  git_conn *net;
  git_smart_subtransport_stream *ssh;
  const char *host;
} conn;

/* libgit2's last message; it may have set none */
static const char *
last_git_message (void)
{
  const git_error *e = git_error_last ();
  return e && e->message ? e->message : "failed";
}

static ssize_t
conn_read (void *ctx, void *buf, size_t len)
{
  conn *c = ctx;
  if (!c->ssh)
    return c->net ? _mirage_git_conn_read (c->net, buf, len) : -ENOTCONN;
  size_t got = 0;
  if (c->ssh->read (c->ssh, buf, len, &got) < 0)
    return -EPROTO;   /* git-ssh.c said why */
  _mirage_git_activity ();
  return (ssize_t) got;
}

static int
conn_write (conn *c, const void *buf, size_t len)
{
  if (!c->ssh)
    return c->net ? _mirage_git_conn_write (c->net, buf, len) : -ENOTCONN;
  if (c->ssh->write (c->ssh, buf, len) < 0)
    return -EPROTO;   /* git-ssh.c said why */
  _mirage_git_activity ();
  return 0;
}

static int
conn_open (conn *c, bool tls)
{
  const mirage_git_url *u = _mirage_git_op->url;
  c->host = u->host;
  return _mirage_git_conn_open (u->host, u->port, tls, &c->net);
}

static void
conn_close (conn *c)
{
  if (c->ssh)
    c->ssh->free (c->ssh);
  _mirage_git_conn_free (c->net);
  c->ssh = NULL;
  c->net = NULL;
}

/* ---- pkt-lines we send ---- */

typedef struct {
  char *d;
  size_t len, cap;
  bool oom;
} buf;

static void
buf_add (buf *b, const void *data, size_t len)
{
  if (b->oom)
    return;
  if (b->len + len > b->cap) {
    size_t nc = (b->len + len) * 2 + 256;
    char *g = realloc (b->d, nc);
    if (!g) {
      b->oom = true;
      return;
    }
    b->d = g;
    b->cap = nc;
  }
  memcpy (b->d + b->len, data, len);
  b->len += len;
}

static void pkt_add (buf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
pkt_add (buf *b, const char *fmt, ...)
{
  char line[1100], hdr[5];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t) n >= sizeof line) {
    b->oom = true;
    return;
  }
  snprintf (hdr, sizeof hdr, "%04x", (unsigned) n + 4);
  buf_add (b, hdr, 4);
  buf_add (b, line, (size_t) n);
}

/* ---- HTTP ---- */

/* @path with bytes that cannot stand in a request line escaped. */
static void
path_add (buf *b, const char *path)
{
  size_t len = strlen (path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  if (path[0] != '/')
    buf_add (b, "/", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char) path[i];
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '%') {
      char esc[4];
      snprintf (esc, sizeof esc, "%%%02X", c);
      buf_add (b, esc, 3);
    } else
      buf_add (b, &path[i], 1);
  }
}

static void
http_head_add (buf *b, const char *method, const char *what, const char *service, size_t body_len)
{
  git_op *op = _mirage_git_op;
  const mirage_git_url *u = op->url;
  char line[600];
  buf_add (b, method, strlen (method));
  buf_add (b, " ", 1);
  path_add (b, u->path);
  buf_add (b, what, strlen (what));
  bool v6 = strchr (u->host, ':') != NULL;
  bool dflt = u->port == (u->scheme == MIRAGE_GIT_SCHEME_HTTPS ? 443 : 80);
  int n = snprintf (line, sizeof line, " HTTP/1.1\r\nHost: %s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
  buf_add (b, line, (size_t) n);
  if (!dflt) {
    n = snprintf (line, sizeof line, ":%u", u->port);
    buf_add (b, line, (size_t) n);
  }
  static const char common[] = "\r\nUser-Agent: git/2.0 (mirage)\r\nPragma: no-cache\r\nConnection: close\r\n";
  buf_add (b, common, sizeof common - 1);
  if (body_len) {
    n = snprintf (line, sizeof line, "Content-Type: application/x-%s-request\r\n"
                  "Accept: application/x-%s-result\r\nContent-Length: %zu\r\n", service, service, body_len);
    buf_add (b, line, (size_t) n);
  } else
    buf_add (b, "Accept: */*\r\n", 13);
  for (char **h = op->leaf->headers; h && *h; h++) {
    buf_add (b, *h, strlen (*h));
    buf_add (b, "\r\n", 2);
  }
  buf_add (b, "\r\n", 2);
}

/* Sends an HTTP request for @service (git-upload-pack, git-receive-pack)
 * on a new connection, GET info/refs when @body is NULL, else POST, and
 * reads its head; the body is then read through @resp. */
static int
http_request (conn *c, git_rd **raw, git_http_resp *resp, const char *service, const buf *body,
              const char *remote_url)
{
  buf req = { 0 };
  char err[512] = "", what[80], want_type[80];
  snprintf (what, sizeof what, body ? "/%s" : "/info/refs?service=%s", service);
  snprintf (want_type, sizeof want_type, body ? "application/x-%s-result" : "application/x-%s-advertisement",
            service);
  int r = conn_open (c, _mirage_git_op->url->scheme == MIRAGE_GIT_SCHEME_HTTPS);
  if (r < 0)
    return r;
  http_head_add (&req, body ? "POST" : "GET", what, service, body ? body->len : 0);
  if (body)
    buf_add (&req, body->d, body->len);
  if (req.oom) {
    free (req.d);
    return _mirage_git_fail (-ENOMEM, "git: out of memory"), -ENOMEM;
  }
  r = conn_write (c, req.d, req.len);
  free (req.d);
  if (r < 0)
    return r;
  *raw = _mirage_git_rd_new (conn_read, c);
  if (!*raw)
    return -ENOMEM;
  r = _mirage_git_http_head (*raw, resp, err, sizeof err);
  if (r < 0)
    return _mirage_git_fail (r, "git: %s%s: %s", remote_url, what, err), r;
  if (resp->status != 200) {
    int s = resp->status == 401 ? -EACCES : resp->status == 404 ? -ENOENT : -EPROTO;
    return _mirage_git_fail (s, "git: %s%s: the server answered %d %s", remote_url, what,
                             resp->status, resp->reason), s;
  }
  if (strncmp (resp->content_type, want_type, strlen (want_type)) != 0)
    return _mirage_git_fail (-EPROTO, "git: %s%s: the answer is '%s', not %s (only smart HTTP "
                             "servers are supported)", remote_url, what, resp->content_type, want_type),
           -EPROTO;
  return 0;
}

/* ---- a session with one service of the server ---- */

typedef struct {
  bool http;
  const char *service;
  const char *remote_url;
  conn c;
  git_rd *raw, *rd;
  git_http_resp resp;
  char err[512];
} session;

static void
session_end (session *s)
{
  _mirage_git_rd_free (s->rd);
  _mirage_git_rd_free (s->raw);
  s->rd = s->raw = NULL;
  conn_close (&s->c);
}

/* Connects and reads the server's refs for @service. */
static int
session_start (session *s, const char *service, const char *remote_url, git_adv *adv)
{
  git_op *op = _mirage_git_op;
  const mirage_git_url *u = op->url;
  int r;
  memset (s, 0, sizeof *s);
  s->http = u->scheme == MIRAGE_GIT_SCHEME_HTTP || u->scheme == MIRAGE_GIT_SCHEME_HTTPS;
  s->service = service;
  s->remote_url = remote_url;
  if (u->scheme == MIRAGE_GIT_SCHEME_SSH) {
    s->c.host = u->host;
    if ((r = _mirage_git_ssh_exec (service, &s->c.ssh)) < 0)
      return r;
  } else if (!s->http) {
    if ((r = conn_open (&s->c, false)) < 0)
      return r;
    buf hello = { 0 };
    char line[5200], hdr[5];
    int n = snprintf (line, sizeof line, "%s %s%chost=%s%c", service, u->path, 0, u->host, 0);
    if (n < 0 || (size_t) n >= sizeof line)
      return _mirage_git_fail (-EINVAL, "git: the path is too long"), -EINVAL;
    snprintf (hdr, sizeof hdr, "%04x", (unsigned) n + 4);
    buf_add (&hello, hdr, 4);
    buf_add (&hello, line, (size_t) n);
    r = hello.oom ? -ENOMEM : conn_write (&s->c, hello.d, hello.len);
    free (hello.d);
    if (r < 0)
      return r;
  }
  if (s->http) {
    if ((r = http_request (&s->c, &s->raw, &s->resp, service, NULL, remote_url)) < 0)
      return r;
    s->rd = _mirage_git_rd_new (_mirage_git_http_body_read, &s->resp);
  } else
    s->rd = _mirage_git_rd_new (conn_read, &s->c);
  if (!s->rd)
    return -ENOMEM;
  if ((r = _mirage_git_adv_read (s->rd, s->http ? service : NULL, adv, s->err, sizeof s->err)) < 0)
    return _mirage_git_fail (r, "git: %s: %s", remote_url, s->err), r;
  return 0;
}

/* Sends @req: over HTTP as the body of a POST on a new connection,
 * whose answer s->rd then reads; else on the same stream. */
static int
session_send (session *s, const buf *req)
{
  if (!s->http)
    return conn_write (&s->c, req->d, req->len);
  session_end (s);
  int r = http_request (&s->c, &s->raw, &s->resp, s->service, req, s->remote_url);
  if (r < 0)
    return r;
  if (!(s->rd = _mirage_git_rd_new (_mirage_git_http_body_read, &s->resp)))
    return -ENOMEM;
  return 0;
}

/* A failure of git-proto.c on s->rd, with its message (the HTTP body
 * reader's own failure is the cause when it has one). */
static int
session_fail (session *s, int r)
{
  _mirage_git_fail (r, "git: %s: %s", s->remote_url, s->http && s->resp.err[0] ? s->resp.err : s->err);
  return r;
}

/* ---- the shallow file ---- */

static char *
shallow_path (git_repository *repo)
{
  char *p;
  return asprintf (&p, "%sshallow", git_repository_path (repo)) < 0 ? NULL : p;
}

int
_mirage_git_shallow_load (git_repository *repo, git_oids *out)
{
  char *path = shallow_path (repo);
  char line[128];
  memset (out, 0, sizeof *out);
  if (!path)
    return -ENOMEM;
  FILE *f = fopen (path, "r");
  free (path);
  if (!f)
    return errno == ENOENT ? 0 : -errno;
  int r = 0;
  while (r == 0 && fgets (line, sizeof line, f))
    if (strlen (line) >= 40)
      r = _mirage_git_oids_add (out, line);
  fclose (f);
  return r;
}

static int
cmp_oid (const void *a, const void *b)
{
  return memcmp (a, b, 40);
}

static int
shallow_save (git_repository *repo, git_oids *set)
{
  char *path = shallow_path (repo), *tmp = NULL;
  int r = 0;
  if (!path || asprintf (&tmp, "%s.lock", path) < 0) {
    free (path);
    return -ENOMEM;
  }
  if (set->n == 0) {
    if (unlink (path) < 0 && errno != ENOENT)
      r = -errno;
  } else {
    qsort (set->oids, set->n, sizeof *set->oids, cmp_oid);
    FILE *f = fopen (tmp, "w");
    if (!f)
      r = -errno;
    else {
      for (size_t i = 0; i < set->n; i++)
        fprintf (f, "%s\n", set->oids[i]);
      if (fclose (f) != 0 || rename (tmp, path) < 0)
        r = -errno;
    }
  }
  free (tmp);
  free (path);
  return r;
}

/* ---- the pack into the object database ---- */

typedef struct {
  git_odb_writepack *wp;
  git_indexer_progress st;
  const char *remote_url;
} pack_sink;

static int
sink_cb (void *ctx, const void *data, size_t len)
{
  pack_sink *p = ctx;
  if (p->wp->append (p->wp, data, len, &p->st) < 0) {
    const git_error *e = git_error_last ();
    return _mirage_git_fail (-EPROTO, "git: the pack from %s: %s", p->remote_url,
                             e && e->message ? e->message : "not valid"), -EPROTO;
  }
  return 0;
}

/* ---- the fetch ---- */

int
_mirage_git_fetch_shallow (git_repository *repo, const char *remote_url, const char *branch,
                           int depth, char **chosen, char oid_out[41])
{
  session ss;
  git_adv adv = { 0 };
  git_oids have_shallow = { 0 }, shallow = { 0 }, unshallow = { 0 };
  buf req = { 0 };
  git_odb *odb = NULL;
  pack_sink ps = { .remote_url = remote_url };
  char want_ref[300];
  const char *target = NULL;
  int r;

  /* the refs */
  if ((r = session_start (&ss, "git-upload-pack", remote_url, &adv)) < 0)
    goto out;
  if (!branch) {
    if (adv.head_target && strncmp (adv.head_target, "refs/heads/", 11) == 0)
      branch = adv.head_target + 11;
    else {
      r = (_mirage_git_fail (-ENOENT, "git: %s does not say which branch its HEAD is; name one (URL#BRANCH)",
                             remote_url), -ENOENT);
      goto out;
    }
  }
  snprintf (want_ref, sizeof want_ref, "refs/heads/%s", branch);
  for (size_t i = 0; i < adv.n; i++)
    if (strcmp (adv.refs[i].name, want_ref) == 0)
      target = adv.refs[i].oid;
  if (!target) {
    r = (_mirage_git_fail (-ENOENT, "git: %s has no branch '%s'", remote_url, branch), -ENOENT);
    goto out;
  }
  git_oid target_oid;
  if (git_oid_fromstr (&target_oid, target) < 0 || git_repository_odb (&odb, repo) < 0) {
    r = (_mirage_git_fail (-EIO, "git: cannot open the object database"), -EIO);
    goto out;
  }
  if ((r = _mirage_git_shallow_load (repo, &have_shallow)) < 0) {
    _mirage_git_fail (r, "git: cannot read the shallow file: %s", strerror (-r));
    goto out;
  }

  if (depth > 0 || !git_odb_exists (odb, &target_oid)) {
    const char *caps = adv.caps;
    bool sb64 = _mirage_git_cap (caps, "side-band-64k");
    if (!_mirage_git_cap (caps, "shallow")) {
      r = (_mirage_git_fail (-ENOTSUP, "git: %s does not offer shallow fetches", remote_url), -ENOTSUP);
      goto out;
    }
    if (!sb64 && !_mirage_git_cap (caps, "side-band")) {
      r = (_mirage_git_fail (-ENOTSUP, "git: %s does not offer side-band", remote_url), -ENOTSUP);
      goto out;
    }
    pkt_add (&req, "want %s %s shallow%s%s agent=mirage-git/1\n", target,
             sb64 ? "side-band-64k" : "side-band",
             _mirage_git_cap (caps, "ofs-delta") ? " ofs-delta" : "",
             _mirage_git_cap (caps, "no-progress") ? " no-progress" : "");
    for (size_t i = 0; i < have_shallow.n; i++)
      pkt_add (&req, "shallow %s\n", have_shallow.oids[i]);
    if (depth > 0)
      pkt_add (&req, "deepen %d\n", depth);
    buf_add (&req, "0000", 4);
    size_t part1 = req.len;
    if (depth == 0) {
      /* what we have: the branches fetched before */
      git_reference_iterator *it;
      git_reference *ref;
      if (git_reference_iterator_glob_new (&it, repo, "refs/remotes/origin/*") == 0) {
        while (git_reference_next (&ref, it) == 0) {
          const git_oid *id = git_reference_target (ref);
          char hex[41];
          if (id && git_odb_exists (odb, id)) {
            git_oid_tostr (hex, sizeof hex, id);
            pkt_add (&req, "have %s\n", hex);
          }
          git_reference_free (ref);
        }
        git_reference_iterator_free (it);
      }
    }
    pkt_add (&req, "done\n");
    if (req.oom) {
      r = -ENOMEM;
      goto out;
    }
    /* stateful transports: the shallow list comes before we say done;
     * HTTP: one request with everything */
    buf first = { req.d, part1, 0, false };
    if ((r = session_send (&ss, ss.http ? &req : &first)) < 0)
      goto out;
    if (depth > 0 && (r = _mirage_git_shallow_read (ss.rd, &shallow, &unshallow, ss.err, sizeof ss.err)) < 0)
      goto proto;
    if (!ss.http && (r = conn_write (&ss.c, req.d + part1, req.len - part1)) < 0)
      goto out;
    if ((r = _mirage_git_ack_read (ss.rd, ss.err, sizeof ss.err)) < 0)
      goto proto;
    if (git_odb_write_pack (&ps.wp, odb, NULL, NULL) < 0) {
      r = (_mirage_git_fail (-EIO, "git: cannot write a pack: %s", last_git_message ()), -EIO);
      goto out;
    }
    if ((r = _mirage_git_pack_read (ss.rd, sb64 ? 65520 : 1000, sink_cb, &ps, ss.err, sizeof ss.err)) < 0)
      goto proto;
    if (ps.wp->commit (ps.wp, &ps.st) < 0) {
      const git_error *e = git_error_last ();
      r = (_mirage_git_fail (-EPROTO, "git: the pack from %s: %s", remote_url,
                             e && e->message ? e->message : "not valid"), -EPROTO);
      goto out;
    }
  }

  /* the commit must now be here, whole enough to read its tree */
  git_commit *commit;
  if (git_commit_lookup (&commit, repo, &target_oid) < 0) {
    r = (_mirage_git_fail (-EPROTO, "git: %s did not send commit %s", remote_url, target), -EPROTO);
    goto out;
  }
  git_commit_free (commit);
  /* the new boundary: what we had, with the server's shallow and
   * unshallow lines */
  for (size_t i = 0; i < shallow.n; i++)
    if ((r = _mirage_git_oids_add (&have_shallow, shallow.oids[i])) < 0)
      goto out;
  for (size_t i = 0; i < unshallow.n; i++)
    for (size_t j = 0; j < have_shallow.n; j++)
      if (memcmp (have_shallow.oids[j], unshallow.oids[i], 40) == 0) {
        memcpy (have_shallow.oids[j], have_shallow.oids[--have_shallow.n], 41);
        break;
      }
  if ((r = shallow_save (repo, &have_shallow)) < 0) {
    _mirage_git_fail (r, "git: cannot write the shallow file: %s", strerror (-r));
    goto out;
  }
  char refname[300];
  git_reference *ref;
  snprintf (refname, sizeof refname, "refs/remotes/origin/%s", branch);
  if (git_reference_create (&ref, repo, refname, &target_oid, 1, NULL) < 0) {
    r = (_mirage_git_fail (-EIO, "git: cannot write %s: %s", refname, last_git_message ()), -EIO);
    goto out;
  }
  git_reference_free (ref);
  if (!(*chosen = strdup (branch))) {
    r = -ENOMEM;
    goto out;
  }
  memcpy (oid_out, target, 41);
  r = 0;
  goto out;
proto:
  session_fail (&ss, r);
out:
  if (ps.wp)
    ps.wp->free (ps.wp);
  git_odb_free (odb);
  free (req.d);
  _mirage_git_oids_clear (&have_shallow);
  _mirage_git_oids_clear (&shallow);
  _mirage_git_oids_clear (&unshallow);
  _mirage_git_adv_clear (&adv);
  session_end (&ss);
  return r;
}

/* ---- a push from a shallow repository ---- */

static int
append_cb (void *ctx, const void *data, size_t len)
{
  buf *b = ctx;
  if (b->len + len > 1024 * 1024)
    return _mirage_git_fail (-EPROTO, "git: the server's report is longer than 1 MiB"), -EPROTO;
  buf_add (b, data, len);
  return b->oom ? -ENOMEM : 0;
}

typedef struct {
  const char *d;
  size_t len, pos;
} mem_src;

static ssize_t
mem_read (void *ctx, void *out, size_t len)
{
  mem_src *m = ctx;
  size_t n = len < m->len - m->pos ? len : m->len - m->pos;
  if (n == 0)
    return 0;
  memcpy (out, m->d + m->pos, n);
  m->pos += n;
  return (ssize_t) n;
}

int
_mirage_git_push_own (git_repository *repo, const char *remote_url, const char *refname,
                      const git_oid *new_oid, char **rejected)
{
  session ss;
  git_adv adv = { 0 };
  buf req = { 0 }, report = { 0 };
  git_packbuilder *pb = NULL;
  git_buf pack = { 0 };
  git_rd *rrd = NULL;
  const char *old = "0000000000000000000000000000000000000000";
  char new_hex[41];
  int r;

  *rejected = NULL;
  git_oid_tostr (new_hex, sizeof new_hex, new_oid);
  if ((r = session_start (&ss, "git-receive-pack", remote_url, &adv)) < 0)
    goto out;
  for (size_t i = 0; i < adv.n; i++)
    if (strcmp (adv.refs[i].name, refname) == 0)
      old = adv.refs[i].oid;
  if (!_mirage_git_cap (adv.caps, "report-status")) {
    r = (_mirage_git_fail (-ENOTSUP, "git: %s does not offer report-status", remote_url), -ENOTSUP);
    goto out;
  }
  bool sb64 = _mirage_git_cap (adv.caps, "side-band-64k");
  /* the new commit with its whole tree: what the server has of it is
   * sent again, as it cannot be walked to from here */
  if (git_packbuilder_new (&pb, repo) < 0 || git_packbuilder_insert_commit (pb, new_oid) < 0
      || git_packbuilder_write_buf (&pack, pb) < 0) {
    const git_error *e = git_error_last ();
    r = (_mirage_git_fail (-EIO, "git: cannot pack the commit: %s", e && e->message ? e->message : "failed"), -EIO);
    goto out;
  }
  pkt_add (&req, "%s %s %s%creport-status%s agent=mirage-git/1\n", old, new_hex, refname, 0,
           sb64 ? " side-band-64k" : "");
  buf_add (&req, "0000", 4);
  buf_add (&req, pack.ptr, pack.size);
  if (req.oom) {
    r = -ENOMEM;
    goto out;
  }
  if ((r = session_send (&ss, &req)) < 0)
    goto out;
  /* report-status: its pkt-lines, inside side-band channel 1 or not */
  git_rd *src = ss.rd;
  mem_src m = { 0 };
  if (sb64) {
    if ((r = _mirage_git_pack_read (ss.rd, 65520, append_cb, &report, ss.err, sizeof ss.err)) < 0)
      goto proto;
    m = (mem_src) { report.d, report.len, 0 };
    if (!(rrd = _mirage_git_rd_new (mem_read, &m))) {
      r = -ENOMEM;
      goto out;
    }
    src = rrd;
  }
  if ((r = _mirage_git_report_read (src, refname, rejected, ss.err, sizeof ss.err)) < 0)
    goto proto;
  r = 0;
  goto out;
proto:
  session_fail (&ss, r);
out:
  _mirage_git_rd_free (rrd);
  git_buf_dispose (&pack);
  git_packbuilder_free (pb);
  free (req.d);
  free (report.d);
  _mirage_git_adv_clear (&adv);
  session_end (&ss);
  return r;
}
