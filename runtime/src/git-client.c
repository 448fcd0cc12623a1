/* git-client.c: the Git client devices (git_tcp, git_http, git_ssh,
 * merge_git_clients) and the operations of mirage/git.h on libgit2.
 *
 * Every operation runs in a task of its own with a large stack (libgit2
 * was written for threads with megabytes of stack), while the caller's
 * task waits for it and watches the server: when no byte has come or
 * gone for the client's timeout, the operation's task is cancelled, its
 * pending read returns -ECANCELED, and libgit2 unwinds with an error.
 * One operation runs at a time: libgit2's stream hooks (git-stream.c)
 * have no per-call argument and find their device in _mirage_git_op.
 *
 * Objects live in a private bare repository in a temporary directory;
 * what the unikernel sees is its key-value store. */
#include "git-private.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/repository.h>
#include <nettle/eddsa.h>

#include "mirage/log.h"
#include "mirage/task.h"

MIRAGE_LOG_SRC (git_src, "git", "Git client");

#define DEFAULT_TIMEOUT_NS (30 * MIRAGE_NS_PER_S)
#define MIRAGE_GIT_MAX_PACK_OBJECTS 4000000
#define OP_STACK (8u * 1024u * 1024u)
#if defined(__SANITIZE_ADDRESS__)
# define TASK_STACK_DEFAULT (1024u * 1024u)
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TASK_STACK_DEFAULT (1024u * 1024u)
# endif
#endif
#ifndef TASK_STACK_DEFAULT
# define TASK_STACK_DEFAULT (256u * 1024u)
#endif

git_op *_mirage_git_op;
static bool busy;

int
_mirage_git_fail (int status, const char *fmt, ...)
{
  git_op *op = _mirage_git_op;
  char buf[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (op && !op->error) {
    op->status = status < 0 ? status : -EPROTO;
    op->error = strdup (buf);
  }
  git_error_set_str (GIT_ERROR_NET, buf);
  return -1;
}

void
_mirage_git_activity (void)
{
  if (_mirage_git_op)
    _mirage_git_op->last_activity_ns = mirage_loop_now_ns ();
}

static int
libgit2_ready (void)
{
  static int state;   /* 0 not yet, 1 ready, <0 failed */
  if (state)
    return state < 0 ? state : 0;
  state = -EIO;
  if (git_libgit2_init () < 0)
    return state;
  /* read no configuration of the host's user or system: the unikernel's
   * behaviour must not depend on ~/.gitconfig */
  git_libgit2_opts (GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
  git_libgit2_opts (GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
  git_libgit2_opts (GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
  git_libgit2_opts (GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA, "");
  git_libgit2_opts (GIT_OPT_SET_OWNER_VALIDATION, 0);
  /* a pack's header says how many objects follow, and libgit2 sizes its
   * tables from it before any arrives: a hostile server could ask for
   * tens of gigabytes. Bound it (a unikernel's repositories are far
   * smaller; Linux has about 10 million objects). */
  git_libgit2_opts (GIT_OPT_SET_PACK_MAX_OBJECTS, (size_t) MIRAGE_GIT_MAX_PACK_OBJECTS);
  if (_mirage_git_streams_register () < 0 || _mirage_git_ssh_register () < 0)
    return state;
  state = 1;
  return 0;
}

/* ---- devices ---- */

static git_client *
leaf_new (mirage_mimic *mimic, unsigned schemes)
{
  git_client *c = calloc (1, sizeof *c);
  if (!c)
    return NULL;
  c->base.schemes = schemes;
  c->kind = GIT_CLIENT_LEAF;
  c->mimic = mimic;
  c->timeout_ns = DEFAULT_TIMEOUT_NS;
  return c;
}

int
mirage_git_tcp (mirage_stack *tcp, mirage_mimic *mimic, mirage_git_client **out)
{
  (void) tcp;   /* connections go through mimic, over the same stack */
  if (!mimic)
    return -EINVAL;
  git_client *c = leaf_new (mimic, MIRAGE_GIT_SCHEME_GIT);
  if (!c)
    return -ENOMEM;
  *out = &c->base;
  return 0;
}

int
mirage_git_http (mirage_stack *tcp, mirage_mimic *mimic, const char *authenticator,
                 const char *headers, mirage_git_client **out)
{
  char err[512];
  char *error = NULL;
  (void) tcp;
  if (!mimic)
    return -EINVAL;
  git_client *c = leaf_new (mimic, MIRAGE_GIT_SCHEME_HTTP | MIRAGE_GIT_SCHEME_HTTPS);
  if (!c)
    return -ENOMEM;
  int r = mirage_git_headers_parse (headers, &c->headers, err, sizeof err);
  if (r < 0) {
    mirage_log_err (&git_src, "--http-headers: %s", r == -EINVAL ? err : strerror (-r));
    mirage_git_client_free (&c->base);
    return r;
  }
  /* made now: the system's trust store is read before a sandbox closes
   * the file system */
  r = mirage_tls_client_config_new (authenticator, &c->tls, &error);
  if (r < 0) {
    mirage_log_err (&git_src, "--tls-authenticator: %s", error ? error : strerror (-r));
    free (error);
    mirage_git_client_free (&c->base);
    return r;
  }
  *out = &c->base;
  return 0;
}

int
mirage_git_ssh (mirage_stack *tcp, mirage_mimic *mimic, const char *key, const char *password,
                const char *authenticator, mirage_git_client **out)
{
  char err[512];
  (void) tcp;
  if (!mimic)
    return -EINVAL;
  git_client *c = leaf_new (mimic, MIRAGE_GIT_SCHEME_SSH);
  if (!c)
    return -ENOMEM;
  int r = 0;
  if (key && *key) {
    r = mirage_git_ssh_key_parse (key, c->seed, err, sizeof err);
    if (r < 0)
      mirage_log_err (&git_src, "--ssh-key: %s", err);
    else {
      ed25519_sha512_public_key (c->pub, c->seed);
      c->have_key = true;
    }
  }
  if (r == 0 && authenticator && *authenticator) {
    r = mirage_git_ssh_authenticator_parse (authenticator, c->host_sha256, err, sizeof err);
    if (r < 0)
      mirage_log_err (&git_src, "--ssh-authenticator: %s", err);
    c->have_host_auth = r == 0;
  }
  if (r == 0 && password && *password && !(c->password = strdup (password)))
    r = -ENOMEM;
  if (r < 0) {
    mirage_git_client_free (&c->base);
    return r == -ENOTSUP ? -EINVAL : r;
  }
  *out = &c->base;
  return 0;
}

int
mirage_git_merge (mirage_git_client *a, mirage_git_client *b, mirage_git_client **out)
{
  if (!a || !b)
    return -EINVAL;
  git_client *c = calloc (1, sizeof *c);
  if (!c)
    return -ENOMEM;
  c->kind = GIT_CLIENT_MERGE;
  c->a = a;
  c->b = b;
  c->base.schemes = a->schemes | b->schemes;
  *out = &c->base;
  return 0;
}

void
mirage_git_client_set_timeout (mirage_git_client *c_, uint64_t timeout_ns)
{
  git_client *c = (git_client *) c_;
  if (c->kind == GIT_CLIENT_MERGE) {
    mirage_git_client_set_timeout (c->a, timeout_ns);
    mirage_git_client_set_timeout (c->b, timeout_ns);
  } else
    c->timeout_ns = timeout_ns ? timeout_ns : DEFAULT_TIMEOUT_NS;
}

void
mirage_git_client_free (mirage_git_client *c_)
{
  git_client *c = (git_client *) c_;
  if (!c)
    return;
  if (c->tls)
    mirage_tls_config_free (c->tls);
  mirage_git_headers_free (c->headers);
  if (c->password) {
    memset (c->password, 0, strlen (c->password));
    free (c->password);
  }
  memset (c->seed, 0, sizeof c->seed);
  free (c);
}

/* The device that speaks @scheme: merge asks a, then b. */
static git_client *
leaf_for (mirage_git_client *c_, unsigned scheme)
{
  git_client *c = (git_client *) c_;
  if (!(c->base.schemes & scheme))
    return NULL;
  if (c->kind == GIT_CLIENT_LEAF)
    return c;
  git_client *l = leaf_for (c->a, scheme);
  return l ? l : leaf_for (c->b, scheme);
}

static const char *
scheme_name (unsigned s)
{
  return s == MIRAGE_GIT_SCHEME_GIT ? "git://" : s == MIRAGE_GIT_SCHEME_HTTP ? "http://"
       : s == MIRAGE_GIT_SCHEME_HTTPS ? "https://" : "ssh";
}

/* ---- repositories ---- */

struct mirage_git_repo {
  git_client *leaf;
  unsigned running;      /* operations under way (abandoned ones included) */
  bool close_pending;
  mirage_git_url url;
  char *remote_url;      /* the URL without #BRANCH, as libgit2 gets it */
  char *dir;
  git_repository *repo;
  char *last_branch;
};

static int
set_error (char **error, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static int
set_error (char **error, const char *fmt, ...)
{
  if (error) {
    va_list ap;
    va_start (ap, fmt);
    free (*error);
    *error = NULL;
    if (vasprintf (error, fmt, ap) < 0)
      *error = NULL;
    va_end (ap);
  }
  return 0;
}

/* A libgit2 failure as our status and message, unless our glue already
 * said what went wrong (its first failure is the cause). */
static int
git_failure (int code, const char *what)
{
  git_op *op = _mirage_git_op;
  if (op && op->error)
    return op->status;
  const git_error *e = git_error_last ();
  int status = code == GIT_ENOTFOUND ? -ENOENT : code == GIT_EAUTH ? -EACCES
             : code == GIT_ECERTIFICATE ? -EKEYREJECTED : -EPROTO;
  char buf[1024];
  snprintf (buf, sizeof buf, "git: %s: %s", what, e && e->message ? e->message : "failed");
  if (op) {
    op->status = status;
    op->error = strdup (buf);
  }
  return status;
}

static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  if (flag == FTW_DP)
    rmdir (path);
  else
    unlink (path);
  return 0;
}

static void
repo_free (mirage_git_repo *r)
{
  if (r->repo)
    git_repository_free (r->repo);
  if (r->dir)
    nftw (r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free (r->dir);
  free (r->remote_url);
  free (r->last_branch);
  mirage_git_url_clear (&r->url);
  free (r);
}

void
mirage_git_close (mirage_git_repo *r)
{
  if (!r)
    return;
  if (r->running)   /* an abandoned operation still winds down: it frees @r */
    r->close_pending = true;
  else
    repo_free (r);
}

int
mirage_git_open (mirage_git_client *c, const char *url, mirage_git_repo **out, char **error)
{
  char err[512];
  int r;
  *out = NULL;
  if ((r = libgit2_ready ()) < 0) {
    set_error (error, "git: libgit2 did not start");
    return r;
  }
  mirage_git_repo *repo = calloc (1, sizeof *repo);
  if (!repo)
    return -ENOMEM;
  r = mirage_git_url_parse (url, &repo->url, err, sizeof err);
  if (r < 0) {
    set_error (error, "%s", r == -EINVAL ? err : strerror (-r));
    free (repo);
    return r;
  }
  repo->leaf = leaf_for (c, repo->url.scheme);
  if (!repo->leaf) {
    set_error (error, "git: no Git client of the graph speaks %s (the URL is '%s'; add %s)",
               scheme_name (repo->url.scheme), url,
               repo->url.scheme == MIRAGE_GIT_SCHEME_GIT ? "git_tcp"
               : repo->url.scheme == MIRAGE_GIT_SCHEME_SSH ? "git_ssh" : "git_http");
    mirage_git_close (repo);
    return -EPROTONOSUPPORT;
  }
  repo->remote_url = strndup (url, strcspn (url, "#"));
  const char *tmp = getenv ("TMPDIR");
  if (asprintf (&repo->dir, "%s/mirage-git-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
    repo->dir = NULL;
    mirage_git_close (repo);
    return -ENOMEM;
  }
  if (!repo->remote_url || !mkdtemp (repo->dir)) {
    r = repo->remote_url ? -errno : -ENOMEM;
    set_error (error, "git: cannot make a temporary directory %s: %s", repo->dir, strerror (-r));
    free (repo->dir);
    repo->dir = NULL;
    mirage_git_close (repo);
    return r;
  }
  git_config *empty = NULL;
  if (git_repository_init (&repo->repo, repo->dir, 1) < 0 || git_config_new (&empty) < 0) {
    const git_error *e = git_error_last ();
    set_error (error, "git: cannot make the local repository: %s", e ? e->message : "failed");
    mirage_git_close (repo);
    return -EIO;
  }
  /* an empty configuration: nothing of the repository's own file is
   * needed once it is open, and libgit2 1.5 leaks a regex match (about
   * 20 KB) for every configuration entry a remote looks through
   * (git_regexp_match returns early without freeing its match data) */
  git_repository_set_config (repo->repo, empty);
  git_config_free (empty);
  *out = repo;
  return 0;
}

/* ---- running an operation ---- */

typedef int (*op_fn) (mirage_git_repo *r, void *arg);
typedef void (*arg_free_fn) (void *arg);

/* On the heap: when the caller is cancelled it cannot wait (every
 * suspension of a cancelled task returns at once), so it cancels the
 * operation, detaches it and returns; the operation's task then winds
 * down alone and frees this, its argument, and the repository if it was
 * closed meanwhile. */
typedef struct {
  git_op op;
  mirage_git_repo *repo;
  op_fn fn;
  void *arg;
  arg_free_fn arg_free;
  int status;
  bool done;             /* the function returned */
  bool abandoned;        /* the caller left: the task cleans up */
} op_state;

static void repo_free (mirage_git_repo *r);

static int
op_task (void *arg)
{
  op_state *st = arg;
  st->status = st->fn (st->repo, st->arg);
  st->done = true;
  if (st->abandoned) {
    _mirage_git_op = NULL;
    busy = false;
    st->arg_free (st->arg);
    free (st->op.error);
    if (--st->repo->running == 0 && st->repo->close_pending)
      repo_free (st->repo);
    free (st);
  }
  return 0;   /* the status is in st: a detached task must not fail the loop */
}

/* Runs @fn(@repo, @arg) in a task of its own. @arg is the caller's
 * (heap, freed with @arg_free) unless *@abandoned comes back true:
 * then the caller was cancelled, the result is -ECANCELED and @arg
 * belongs to the winding-down operation. */
static int
run_op (mirage_git_repo *repo, op_fn fn, void *arg, arg_free_fn arg_free, bool *abandoned,
        char **error)
{
  bool timed_out = false;
  int r;

  *abandoned = false;
  while (busy) {   /* one operation at a time (see the top of the file) */
    r = mirage_task_sleep_ns (MIRAGE_NS_PER_MS);
    if (r < 0)
      return r;
  }
  op_state *st = calloc (1, sizeof *st);
  if (!st)
    return -ENOMEM;
  *st = (op_state) { .op = { .leaf = repo->leaf, .url = &repo->url }, .repo = repo, .fn = fn,
                     .arg = arg, .arg_free = arg_free };
  busy = true;
  _mirage_git_op = &st->op;
  st->op.last_activity_ns = mirage_loop_now_ns ();
  mirage_task_set_stack_size (OP_STACK);
  mirage_task *t = mirage_task_spawn ("git", op_task, st);
  mirage_task_set_stack_size (TASK_STACK_DEFAULT);
  if (!t) {
    busy = false;
    _mirage_git_op = NULL;
    free (st);
    return -ENOMEM;
  }
  repo->running++;
  uint64_t timeout = repo->leaf->timeout_ns;
  uint64_t tick = timeout / 10 ? timeout / 10 : 1;
  if (tick > MIRAGE_NS_PER_S)
    tick = MIRAGE_NS_PER_S;
  for (;;) {
    r = mirage_task_join_timeout (t, tick);
    if (st->done)
      break;   /* joined: the task is gone */
    if (mirage_task_is_cancelled ()) {
      mirage_task_cancel (t);
      st->abandoned = true;
      mirage_task_detach (t);
      *abandoned = true;
      return -ECANCELED;
    }
    if (!timed_out && mirage_loop_now_ns () - st->op.last_activity_ns >= timeout) {
      mirage_task_cancel (t);   /* its pending read returns -ECANCELED */
      timed_out = true;
    }
  }
  repo->running--;
  _mirage_git_op = NULL;
  busy = false;
  r = st->status;
  if (timed_out) {
    set_error (error, "git: %s: the server sent nothing for %.1f s (timeout)", repo->url.host,
               (double) timeout / 1e9);
    r = -ETIMEDOUT;
  } else if (r < 0)
    set_error (error, "%s", st->op.error ? st->op.error : strerror (-r));
  free (st->op.error);
  free (st);
  return r < 0 ? r : 0;
}

static git_strarray
headers_of (git_client *leaf)
{
  size_t n = 0;
  while (leaf->headers && leaf->headers[n])
    n++;
  return (git_strarray) { leaf->headers, n };
}

/* ---- ls ---- */

typedef struct {
  mirage_git_ref *refs;
  size_t n;
} ls_arg;

static int
connect_remote (mirage_git_repo *r, git_direction dir, git_remote **remote)
{
  git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
  git_strarray headers = headers_of (r->leaf);
  int e = git_remote_create_anonymous (remote, r->repo, r->remote_url);
  if (e < 0)
    return git_failure (e, "bad remote");
  e = git_remote_connect (*remote, dir, &cb, NULL, &headers);
  if (e < 0) {
    int s = git_failure (e, "cannot connect");
    git_remote_free (*remote);
    *remote = NULL;
    return s;
  }
  return 0;
}

static int
do_ls (mirage_git_repo *r, void *arg)
{
  ls_arg *a = arg;
  git_remote *remote;
  const git_remote_head **heads;
  size_t n;
  int e = connect_remote (r, GIT_DIRECTION_FETCH, &remote);
  if (e < 0)
    return e;
  if ((e = git_remote_ls (&heads, &n, remote)) < 0) {
    e = git_failure (e, "listing refs");
    git_remote_free (remote);
    return e;
  }
  a->refs = calloc (n ? n : 1, sizeof *a->refs);
  for (size_t i = 0; a->refs && i < n; i++) {
    a->refs[i].name = strdup (heads[i]->name);
    git_oid_tostr (a->refs[i].oid, sizeof a->refs[i].oid, &heads[i]->oid);
    if (heads[i]->symref_target)
      a->refs[i].symref_target = strdup (heads[i]->symref_target);
    a->n = i + 1;
  }
  git_remote_disconnect (remote);
  git_remote_free (remote);
  return a->refs ? 0 : -ENOMEM;
}

void
mirage_git_refs_free (mirage_git_ref *refs, size_t n)
{
  for (size_t i = 0; refs && i < n; i++) {
    free (refs[i].name);
    free (refs[i].symref_target);
  }
  free (refs);
}

static void
ls_arg_free (void *p)
{
  ls_arg *a = p;
  mirage_git_refs_free (a->refs, a->n);
  free (a);
}

int
mirage_git_ls_refs (mirage_git_repo *r, mirage_git_ref **refs, size_t *n, char **error)
{
  ls_arg *a = calloc (1, sizeof *a);
  bool abandoned;
  *refs = NULL;
  *n = 0;
  if (!a)
    return -ENOMEM;
  int e = run_op (r, do_ls, a, ls_arg_free, &abandoned, error);
  if (abandoned)
    return e;
  if (e == 0) {
    *refs = a->refs;
    *n = a->n;
    a->refs = NULL;
    a->n = 0;
  }
  ls_arg_free (a);
  return e;
}

/* ---- fetch ---- */

typedef struct {
  char *branch;
  int depth;
  char oid[41];
  char *chosen;
} fetch_arg;

static void
fetch_arg_free (void *p)
{
  fetch_arg *a = p;
  free (a->branch);
  free (a->chosen);
  free (a);
}

static int
do_fetch (mirage_git_repo *r, void *arg)
{
  fetch_arg *a = arg;
  git_remote *remote;
  const git_remote_head **heads;
  size_t n;
  char want[300];
  const git_oid *oid = NULL;
  /* libgit2 1.5 can neither ask for a depth nor negotiate from a
   * shallow repository: git-shallow.c speaks the protocol itself */
  if (a->depth > 0 || git_repository_is_shallow (r->repo) == 1)
    return _mirage_git_fetch_shallow (r->repo, r->remote_url, a->branch ? a->branch : r->url.branch,
                                      a->depth, &a->chosen, a->oid);
  int e = connect_remote (r, GIT_DIRECTION_FETCH, &remote);
  if (e < 0)
    return e;
  if ((e = git_remote_ls (&heads, &n, remote)) < 0)
    goto git_failed;
  const char *branch = a->branch ? a->branch : r->url.branch;
  if (!branch) {
    for (size_t i = 0; i < n; i++)
      if (strcmp (heads[i]->name, "HEAD") == 0 && heads[i]->symref_target
          && strncmp (heads[i]->symref_target, "refs/heads/", 11) == 0)
        branch = heads[i]->symref_target + 11;
    if (!branch) {
      _mirage_git_fail (-ENOENT, "git: %s does not say which branch its HEAD is; name one (URL#BRANCH)",
                        r->remote_url);
      e = -ENOENT;
      goto out;
    }
  }
  snprintf (want, sizeof want, "refs/heads/%s", branch);
  for (size_t i = 0; i < n; i++)
    if (strcmp (heads[i]->name, want) == 0)
      oid = &heads[i]->oid;
  if (!oid) {
    _mirage_git_fail (-ENOENT, "git: %s has no branch '%s'", r->remote_url, branch);
    e = -ENOENT;
    goto out;
  }
  git_oid target = *oid;
  a->chosen = strdup (branch);
  char *specs[1] = { want };
  git_strarray refspecs = { specs, 1 };
  git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
  fo.custom_headers = headers_of (r->leaf);
  fo.update_fetchhead = 0;
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  if ((e = git_remote_download (remote, &refspecs, &fo)) < 0)
    goto git_failed;
  /* the commit must now be here, whole enough to read its tree */
  git_commit *commit;
  if ((e = git_commit_lookup (&commit, r->repo, &target)) < 0)
    goto git_failed;
  git_commit_free (commit);
  char refname[300];
  git_reference *ref;
  snprintf (refname, sizeof refname, "refs/remotes/origin/%s", branch);
  if ((e = git_reference_create (&ref, r->repo, refname, &target, 1, NULL)) < 0)
    goto git_failed;
  git_reference_free (ref);
  git_oid_tostr (a->oid, sizeof a->oid, &target);
  e = 0;
  goto out;
git_failed:
  e = git_failure (e, "fetch");
out:
  git_remote_disconnect (remote);
  git_remote_free (remote);
  return e;
}

int
mirage_git_fetch (mirage_git_repo *r, const char *branch, int depth, char oid[41], char **error)
{
  bool abandoned;
  if (depth < 0) {
    set_error (error, "git: fetch: a depth of %d (want 0 for the whole history, or more)", depth);
    return -EINVAL;
  }
  fetch_arg *a = calloc (1, sizeof *a);
  if (!a || (branch && !(a->branch = strdup (branch)))) {
    free (a);
    return -ENOMEM;
  }
  a->depth = depth;
  int e = run_op (r, do_fetch, a, fetch_arg_free, &abandoned, error);
  if (abandoned)
    return e;
  if (e == 0) {
    free (r->last_branch);
    r->last_branch = a->chosen;
    a->chosen = NULL;
    if (oid)
      memcpy (oid, a->oid, 41);
  }
  fetch_arg_free (a);
  return e;
}

int
mirage_git_shallow (mirage_git_repo *r, char (**oids)[41], size_t *n)
{
  git_oids set;
  *n = 0;
  if (oids)
    *oids = NULL;
  int e = _mirage_git_shallow_load (r->repo, &set);
  if (e < 0)
    return e;
  *n = set.n;
  if (oids && set.n)
    *oids = set.oids;
  else
    free (set.oids);
  return 0;
}

/* ---- reading commits ---- */

static int
resolve_commit (mirage_git_repo *r, const char *spec, git_commit **out)
{
  git_oid oid;
  int e;
  if (!spec)
    spec = r->last_branch;
  if (!spec)
    return _mirage_git_fail (-ENOENT, "git: nothing fetched yet"), -ENOENT;
  if (strlen (spec) == 40 && git_oid_fromstr (&oid, spec) == 0)
    e = git_commit_lookup (out, r->repo, &oid);
  else {
    char name[300];
    snprintf (name, sizeof name, "refs/remotes/origin/%s", spec);
    e = git_reference_name_to_id (&oid, r->repo, name);
    if (e == 0)
      e = git_commit_lookup (out, r->repo, &oid);
  }
  if (e < 0) {
    _mirage_git_fail (-ENOENT, "git: no commit '%s' fetched from %s", spec, r->remote_url);
    return -ENOENT;
  }
  return 0;
}

typedef struct {
  char *spec;
  mirage_kv_rw *kv;
  git_repository *repo;
  char **keys;           /* the commit's files, to know what to remove */
  size_t n_keys, cap;
  int status;
} checkout_arg;

static int
walk_cb (const char *root, const git_tree_entry *entry, void *payload)
{
  checkout_arg *a = payload;
  git_blob *blob;
  char *key;
  if (git_tree_entry_type (entry) != GIT_OBJECT_BLOB)
    return 0;   /* trees are walked into; submodules (commits) are not ours */
  if (asprintf (&key, "%s%s", root, git_tree_entry_name (entry)) < 0) {
    a->status = -ENOMEM;
    return -1;
  }
  if (git_blob_lookup (&blob, a->repo, git_tree_entry_id (entry)) < 0) {
    a->status = git_failure (-1, "reading a file");
    free (key);
    return -1;
  }
  int r = mirage_kv_set (a->kv, key, git_blob_rawcontent (blob), (size_t) git_blob_rawsize (blob));
  git_blob_free (blob);
  if (r < 0) {
    _mirage_git_fail (r, "git: cannot store '%s': %s", key, strerror (-r));
    a->status = r;
    free (key);
    return -1;
  }
  if (a->n_keys == a->cap) {
    a->cap = a->cap ? a->cap * 2 : 64;
    char **g = realloc (a->keys, a->cap * sizeof *g);
    if (!g) {
      free (key);
      a->status = -ENOMEM;
      return -1;
    }
    a->keys = g;
  }
  a->keys[a->n_keys++] = key;
  return 0;
}

static int
cmp_str (const void *x, const void *y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
}

/* Removes from @kv, under @dir, every value not in the sorted @keys. */
static int
prune (mirage_kv_rw *kv, const char *dir, checkout_arg *a)
{
  mirage_kv_entry *e;
  size_t n;
  int r = mirage_kv_list (&kv->ro, dir, &e, &n);
  if (r < 0)
    return r;
  for (size_t i = 0; i < n && r == 0; i++) {
    char *key;
    if (asprintf (&key, "%s%s%s", dir, *dir ? "/" : "", e[i].name) < 0) {
      r = -ENOMEM;
      break;
    }
    if (e[i].kind == MIRAGE_KV_DICTIONARY) {
      r = prune (kv, key, a);
      mirage_kv_entry *sub;
      size_t m;
      if (r == 0 && mirage_kv_list (&kv->ro, key, &sub, &m) == 0) {
        mirage_kv_entries_free (sub, m);
        if (m == 0)
          r = mirage_kv_remove (kv, key);
      }
    } else if (!bsearch (&key, a->keys, a->n_keys, sizeof *a->keys, cmp_str))
      r = mirage_kv_remove (kv, key);
    free (key);
  }
  mirage_kv_entries_free (e, n);
  return r;
}

static int
do_checkout (mirage_git_repo *r, void *arg)
{
  checkout_arg *a = arg;
  git_commit *commit;
  git_tree *tree;
  int e = resolve_commit (r, a->spec, &commit);
  if (e < 0)
    return e;
  e = git_commit_tree (&tree, commit);
  git_commit_free (commit);
  if (e < 0)
    return git_failure (e, "reading the commit's tree");
  e = git_tree_walk (tree, GIT_TREEWALK_PRE, walk_cb, a);
  git_tree_free (tree);
  if (e < 0)
    return a->status < 0 ? a->status : git_failure (e, "reading the commit's files");
  qsort (a->keys, a->n_keys, sizeof *a->keys, cmp_str);
  e = prune (a->kv, "", a);
  if (e < 0)
    return _mirage_git_fail (e, "git: cannot remove old files from the store: %s", strerror (-e)), e;
  return 0;
}

static void
checkout_arg_free (void *p)
{
  checkout_arg *a = p;
  for (size_t i = 0; i < a->n_keys; i++)
    free (a->keys[i]);
  free (a->keys);
  free (a->spec);
  free (a);
}

int
mirage_git_checkout (mirage_git_repo *r, const char *oid, mirage_kv_rw *kv, char **error)
{
  bool abandoned;
  checkout_arg *a = calloc (1, sizeof *a);
  if (!a || (oid && !(a->spec = strdup (oid)))) {
    free (a);
    return -ENOMEM;
  }
  a->kv = kv;
  a->repo = r->repo;
  int e = run_op (r, do_checkout, a, checkout_arg_free, &abandoned, error);
  if (!abandoned)
    checkout_arg_free (a);
  return e;
}

typedef struct {
  char *spec, *path_buf;
  const char *path;
  void *data;
  size_t len;
} read_arg;

static void
read_arg_free (void *p)
{
  read_arg *a = p;
  free (a->spec);
  free (a->path_buf);
  free (a->data);
  free (a);
}

static int
do_read (mirage_git_repo *r, void *arg)
{
  read_arg *a = arg;
  git_commit *commit;
  git_tree *tree;
  git_tree_entry *entry;
  git_blob *blob;
  int e = resolve_commit (r, a->spec, &commit);
  if (e < 0)
    return e;
  e = git_commit_tree (&tree, commit);
  git_commit_free (commit);
  if (e < 0)
    return git_failure (e, "reading the commit's tree");
  while (*a->path == '/')
    a->path++;
  e = git_tree_entry_bypath (&entry, tree, a->path);
  git_tree_free (tree);
  if (e < 0)
    return _mirage_git_fail (-ENOENT, "git: no file '%s' in commit %s", a->path,
                             a->spec ? a->spec : r->last_branch), -ENOENT;
  if (git_tree_entry_type (entry) != GIT_OBJECT_BLOB) {
    git_tree_entry_free (entry);
    return _mirage_git_fail (-EISDIR, "git: '%s' is a directory", a->path), -EISDIR;
  }
  e = git_blob_lookup (&blob, r->repo, git_tree_entry_id (entry));
  git_tree_entry_free (entry);
  if (e < 0)
    return git_failure (e, "reading a file");
  a->len = (size_t) git_blob_rawsize (blob);
  a->data = malloc (a->len + 1);
  if (a->data) {
    memcpy (a->data, git_blob_rawcontent (blob), a->len);
    ((char *) a->data)[a->len] = '\0';
  }
  git_blob_free (blob);
  return a->data ? 0 : -ENOMEM;
}

int
mirage_git_read (mirage_git_repo *r, const char *oid, const char *path, void **data, size_t *len,
                 char **error)
{
  bool abandoned;
  read_arg *a = calloc (1, sizeof *a);
  if (!a || (oid && !(a->spec = strdup (oid))) || !(a->path_buf = strdup (path ? path : ""))) {
    if (a)
      read_arg_free (a);
    return -ENOMEM;
  }
  a->path = a->path_buf;
  int e = run_op (r, do_read, a, read_arg_free, &abandoned, error);
  if (abandoned)
    return e;
  if (e == 0) {
    *data = a->data;
    *len = a->len;
    a->data = NULL;
  }
  read_arg_free (a);
  return e;
}

/* ---- push ---- */

typedef struct {
  char *branch;
  mirage_kv_rw *kv;
  mirage_git_author author;
  char *name, *email, *message;
  char oid[41];
  char *rejected;
} push_arg;

static void
push_arg_free (void *p)
{
  push_arg *a = p;
  free (a->branch);
  free (a->name);
  free (a->email);
  free (a->message);
  free (a->rejected);
  free (a);
}

/* The tree of the store's dictionary @dir. */
static int
build_tree (mirage_git_repo *r, mirage_kv_rw *kv, const char *dir, git_oid *out, bool *empty)
{
  mirage_kv_entry *ents;
  size_t n;
  git_treebuilder *tb;
  int e = mirage_kv_list (&kv->ro, dir, &ents, &n);
  if (e < 0)
    return _mirage_git_fail (e, "git: cannot list '%s' of the store: %s", dir, strerror (-e)), e;
  if (git_treebuilder_new (&tb, r->repo, NULL) < 0) {
    mirage_kv_entries_free (ents, n);
    return git_failure (-1, "making a tree");
  }
  *empty = true;
  for (size_t i = 0; i < n && e == 0; i++) {
    char *key;
    git_oid oid;
    if (asprintf (&key, "%s%s%s", dir, *dir ? "/" : "", ents[i].name) < 0) {
      e = -ENOMEM;
      break;
    }
    if (ents[i].kind == MIRAGE_KV_DICTIONARY) {
      bool sub_empty;
      e = build_tree (r, kv, key, &oid, &sub_empty);
      if (e == 0 && !sub_empty) {
        if (git_treebuilder_insert (NULL, tb, ents[i].name, &oid, GIT_FILEMODE_TREE) < 0)
          e = git_failure (-1, "making a tree");
        *empty = false;
      }
    } else {
      void *data;
      size_t len;
      e = mirage_kv_get (&kv->ro, key, &data, &len);
      if (e < 0)
        _mirage_git_fail (e, "git: cannot read '%s' of the store: %s", key, strerror (-e));
      else {
        if (git_blob_create_from_buffer (&oid, r->repo, data, len) < 0
            || git_treebuilder_insert (NULL, tb, ents[i].name, &oid, GIT_FILEMODE_BLOB) < 0)
          e = git_failure (-1, "storing a file");
        free (data);
        *empty = false;
      }
    }
    free (key);
  }
  mirage_kv_entries_free (ents, n);
  if (e == 0 && git_treebuilder_write (out, tb) < 0)
    e = git_failure (-1, "writing a tree");
  git_treebuilder_free (tb);
  return e;
}

static int
push_ref_cb (const char *refname, const char *status, void *data)
{
  push_arg *a = data;
  if (status && !a->rejected && asprintf (&a->rejected, "%s: %s", refname, status) < 0)
    a->rejected = NULL;
  return 0;
}

static int
do_push (mirage_git_repo *r, void *arg)
{
  push_arg *a = arg;
  git_commit *parent = NULL;
  git_tree *tree = NULL;
  git_signature *sig = NULL;
  git_remote *remote = NULL;
  git_oid tree_oid, commit_oid;
  bool empty;
  char local[300], spec[620];
  int e = resolve_commit (r, a->branch, &parent);
  if (e < 0)
    return e;
  if ((e = build_tree (r, a->kv, "", &tree_oid, &empty)) < 0)
    goto out;
  const mirage_git_author *au = &a->author;
  int64_t when = au && au->time_s ? au->time_s : (int64_t) time (NULL);
  if (git_signature_new (&sig, au && au->name ? au->name : "Mirage",
                         au && au->email ? au->email : "mirage@localhost", when, 0) < 0
      || git_tree_lookup (&tree, r->repo, &tree_oid) < 0) {
    e = git_failure (-1, "bad author");
    goto out;
  }
  const git_commit *parents[1] = { parent };
  if (git_commit_create (&commit_oid, r->repo, NULL, sig, sig, NULL,
                         a->message, tree, 1, parents) < 0) {
    e = git_failure (-1, "making the commit");
    goto out;
  }
  snprintf (local, sizeof local, "refs/heads/%s", a->branch);
  git_reference *ref;
  if (git_reference_create (&ref, r->repo, local, &commit_oid, 1, NULL) < 0) {
    e = git_failure (-1, "making the branch");
    goto out;
  }
  git_reference_free (ref);
  if (git_repository_is_shallow (r->repo) == 1) {
    /* libgit2 1.5's push walks from the new commit to the server's and
     * on past it, into parents a shallow fetch left out ("object not
     * found"): git-shallow.c pushes without a walk */
    if ((e = _mirage_git_push_own (r->repo, r->remote_url, local, &commit_oid, &a->rejected)) < 0)
      goto out;
  } else {
    snprintf (spec, sizeof spec, "%s:%s", local, local);
    char *specs[1] = { spec };
    git_strarray refspecs = { specs, 1 };
    git_push_options po = GIT_PUSH_OPTIONS_INIT;
    po.custom_headers = headers_of (r->leaf);
    po.callbacks.push_update_reference = push_ref_cb;
    po.callbacks.payload = a;
    if ((e = git_remote_create_anonymous (&remote, r->repo, r->remote_url)) < 0
        || (e = git_remote_push (remote, &refspecs, &po)) < 0) {
      e = git_failure (e, "push");
      goto out;
    }
  }
  if (a->rejected) {
    _mirage_git_fail (-EPROTO, "git: %s refused the push of %s", r->remote_url, a->rejected);
    e = -EPROTO;
    goto out;
  }
  snprintf (local, sizeof local, "refs/remotes/origin/%s", a->branch);
  if (git_reference_create (&ref, r->repo, local, &commit_oid, 1, NULL) == 0)
    git_reference_free (ref);
  git_oid_tostr (a->oid, sizeof a->oid, &commit_oid);
  e = 0;
out:
  git_remote_free (remote);
  git_signature_free (sig);
  git_tree_free (tree);
  git_commit_free (parent);
  return e;
}

int
mirage_git_push (mirage_git_repo *r, const char *branch, mirage_kv_rw *kv,
                 const mirage_git_author *author, const char *message, char oid[41], char **error)
{
  bool abandoned;
  if (!branch)
    branch = r->last_branch;
  if (!branch) {
    set_error (error, "git: push: no branch given and none fetched");
    return -EINVAL;
  }
  push_arg *a = calloc (1, sizeof *a);
  if (!a)
    return -ENOMEM;
  a->kv = kv;
  a->branch = strdup (branch);
  a->name = strdup (author && author->name ? author->name : "Mirage");
  a->email = strdup (author && author->email ? author->email : "mirage@localhost");
  a->message = strdup (message ? message : "Update from a unikernel");
  a->author = (mirage_git_author) { a->name, a->email, author ? author->time_s : 0 };
  if (!a->branch || !a->name || !a->email || !a->message) {
    push_arg_free (a);
    return -ENOMEM;
  }
  int e = run_op (r, do_push, a, push_arg_free, &abandoned, error);
  if (abandoned)
    return e;
  if (e == 0 && oid)
    memcpy (oid, a->oid, 41);
  push_arg_free (a);
  return e;
}

int
mirage_git_clone (mirage_git_client *c, const char *url, const char *branch, mirage_kv_rw *kv,
                  char oid[41], char **error)
{
  mirage_git_repo *r;
  char id[41];
  int e = mirage_git_open (c, url, &r, error);
  if (e < 0)
    return e;
  e = mirage_git_fetch (r, branch, 0, id, error);
  if (e == 0)
    e = mirage_git_checkout (r, id, kv, error);
  if (e == 0 && oid)
    memcpy (oid, id, 41);
  mirage_git_close (r);
  return e;
}
