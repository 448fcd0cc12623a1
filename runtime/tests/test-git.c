/* test-git.c: the Git clients (mirage/git.h) against real servers on
 * loopback: git daemon (git://), git http-backend behind nginx and
 * fcgiwrap (HTTP, and HTTPS with a test CA), OpenSSH's sshd (ed25519
 * host and user keys, a password user), each serving a repository made
 * with git (runtime/tests/git-fixtures.sh prepares them). Clones into
 * kv_rw_mem and direct_kv_rw are compared file by file with git ls-tree
 * and git show; a fetch after a new commit; pushes checked with git log
 * on the server; refusals of a wrong host key, TLS authenticator and
 * password; servers that never answer, send a malformed pack or
 * disconnect mid-transfer (fake ones, forked here). Shallow fetches
 * (git-shallow.c) over every transport: depth 1, deeper, beyond the
 * history, a push from a shallow repository, and fakes that break the
 * protocol (no shallow capability, side-band error channel, a bad
 * pkt-line, a dumb HTTP server, broken chunked framing). The parsers'
 * refusals too. Every network step runs under a task timeout. */
#include "mirage/git.h"
#include "mirage/happy_eyeballs.h"
#include "mirage/mimic.h"
#include "mirage/task.h"
#include "net-fixtures.h"
#include "tap.h"

#include <nettle/eddsa.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/random.h>

static mirage_stack *stack;
static mirage_mimic *mimic;
static unsigned p_git, p_http, p_https, p_ssh, p_silent, p_badpack, p_cut, p_huge, p_sb3, p_badpkt, p_dumb, p_badchunk;
static char mirage_key[128], host_fp[128], auth_anchor[4096], auth_wrong[4096];
static const char *password = "s3cret-pass";

static void
b64 (const unsigned char *in, size_t len, char *out, bool pad)
{
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
    out[o++] = a[v >> 18], out[o++] = a[(v >> 12) & 63], out[o++] = a[(v >> 6) & 63], out[o++] = a[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0);
    out[o++] = a[v >> 18], out[o++] = a[(v >> 12) & 63];
    out[o++] = i + 1 < len ? a[(v >> 6) & 63] : '=';
    out[o++] = '=';
    if (!pad)
      while (out[o - 1] == '=')
        o--;
  }
  out[o] = '\0';
}

/* Runs git with @args (NULL-terminated) and returns its stdout. */
static char *
git_out (size_t *len, char *const args[])
{
  char *argv[32] = { "git" };
  size_t n = 1;
  for (; args[n - 1] && n < 31; n++)
    argv[n] = args[n - 1];
  argv[n] = NULL;
  unlink (fx_path ("git.out"));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 1, fx_path ("git.out"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen (&fa, 2, fx_path ("git.err"), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid;
  int st = -1;
  if (posix_spawnp (&pid, "git", &fa, NULL, argv, environ) == 0)
    waitpid (pid, &st, 0);
  posix_spawn_file_actions_destroy (&fa);
  if (st != 0)
    return NULL;
  return fx_read ("git.out", len);
}

static const char *
srv (const char *name)
{
  return fx_path (name);
}

/* Every file of @rev in srv/repo.git (ls-tree) equals the store's
 * value (git show), and the store holds nothing else. */
static bool
same_as_git (mirage_kv_rw *kv, const char *repo, const char *rev)
{
  size_t len, n_files = 0;
  char *list = git_out (&len, (char *[]) { "-C", (char *) srv (repo), "ls-tree", "-r", "-z", "--name-only", (char *) rev, NULL });
  bool ok = list != NULL;
  for (size_t i = 0; ok && i < len; i += strlen (list + i) + 1) {
    char spec[512];
    size_t glen, klen;
    void *data = NULL;
    snprintf (spec, sizeof spec, "%s:%s", rev, list + i);
    char *want = git_out (&glen, (char *[]) { "-C", (char *) srv (repo), "show", spec, NULL });
    int r = mirage_kv_get (&kv->ro, list + i, &data, &klen);
    if (!want || r < 0 || klen != glen || memcmp (want, data, glen) != 0) {
      tap_diag ("'%s' differs (kv_get %d)", list + i, r);
      ok = false;
    }
    n_files++;
    free (want);
    free (data);
  }
  free (list);
  /* count the store's values */
  size_t n_kv = 0;
  char *stack_keys[64] = { strdup ("") };
  size_t sp = 1;
  while (ok && sp > 0) {
    char *dir = stack_keys[--sp];
    mirage_kv_entry *e;
    size_t n;
    if (mirage_kv_list (&kv->ro, dir, &e, &n) == 0) {
      for (size_t i = 0; i < n; i++) {
        if (e[i].kind == MIRAGE_KV_VALUE)
          n_kv++;
        else if (sp < 64 && asprintf (&stack_keys[sp], "%s%s%s", dir, *dir ? "/" : "", e[i].name) >= 0)
          sp++;
      }
      mirage_kv_entries_free (e, n);
    }
    free (dir);
  }
  while (sp > 0)
    free (stack_keys[--sp]);
  if (ok && n_kv != n_files) {
    tap_diag ("the store has %zu values, git %zu files", n_kv, n_files);
    ok = false;
  }
  return ok && n_files > 0;
}

static char *
rev_parse (const char *repo, const char *rev)
{
  size_t len;
  char *s = git_out (&len, (char *[]) { "-C", (char *) srv (repo), "rev-parse", (char *) rev, NULL });
  if (s)
    s[strcspn (s, "\n")] = '\0';
  return s;
}

/* ---- fake servers: a git:// peer that never answers, one that sends a
 * malformed pack, one that disconnects in the middle of the pack ---- */

static int
listen_on (unsigned port)
{
  int s = socket (AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                           .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  if (bind (s, (struct sockaddr *) &a, sizeof a) < 0 || listen (s, 16) < 0) {
    close (s);
    return -1;
  }
  return s;
}

static void
pkt (int fd, const char *text, size_t len)
{
  char h[5];
  snprintf (h, sizeof h, "%04zx", len + 4);
  if (write (fd, h, 4) < 0 || write (fd, text, len) < 0)
    return;
}

/* mode 0: malformed pack; 1: half a pack, then the connection closes;
 * 3: a pack header announcing 4 billion objects */
static void
fake_server (int ls, int mode)
{
  static const char oid[] = "1111111111111111111111111111111111111111";
  for (;;) {
    int c = accept (ls, NULL, NULL);
    if (c < 0)
      _exit (0);
    char buf[4096], line[256];
    if (read (c, buf, sizeof buf) <= 0) {   /* git-upload-pack /repo.git\0host=... */
      close (c);
      continue;
    }
    const char *caps = mode >= 4 ? "multi_ack_detailed shallow side-band-64k ofs-delta symref=HEAD:refs/heads/main\n"
                                 : "multi_ack_detailed ofs-delta symref=HEAD:refs/heads/main\n";
    size_t caps_len = strlen (caps);
    size_t l = (size_t) snprintf (line, sizeof line, "%s HEAD", oid);
    line[l++] = '\0';
    memcpy (line + l, caps, caps_len);
    pkt (c, line, l + caps_len);
    snprintf (line, sizeof line, "%s refs/heads/main\n", oid);
    pkt (c, line, strlen (line));
    if (write (c, "0000", 4) < 0)
      goto next;
    /* wants, flush, done */
    size_t got = 0;
    struct pollfd p = { c, POLLIN, 0 };
    while (got < sizeof buf - 1 && poll (&p, 1, 3000) > 0) {
      ssize_t n = read (c, buf + got, sizeof buf - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      buf[got] = '\0';
      if (strstr (buf, "done\n"))
        break;
      if (mode >= 4 && strstr (buf, "deepen ") && strstr (strstr (buf, "deepen "), "0000"))
        break;   /* a shallow request: answer the deepen */
    }
    if (mode == 5) {   /* a shallow list with a bad pkt-line length */
      if (write (c, "zz!!shallow", 11) < 0)
        goto next;
      goto next;
    }
    if (mode == 4) {
      snprintf (line, sizeof line, "shallow %s\n", oid);
      pkt (c, line, strlen (line));
      if (write (c, "0000", 4) < 0)
        goto next;
      while (got < sizeof buf - 1 && !strstr (buf, "done\n") && poll (&p, 1, 3000) > 0) {
        ssize_t n = read (c, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
          break;
        got += (size_t) n;
        buf[got] = '\0';
      }
    }
    pkt (c, "NAK\n", 4);
    if (mode == 4) {   /* side-band channel 3: the server's error */
      pkt (c, "\3upload-pack: the pack broke", 29);
      goto next;
    }
    if (mode == 0) {
      static const unsigned char pack[] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 3,
                                            0x95, 0x0a, 0x78, 0x9c, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff,
                                            0x13, 0x37, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                            14, 15, 16, 17, 18, 19 };
      if (write (c, pack, sizeof pack) < 0)
        goto next;
    } else if (mode == 3) {
      static const unsigned char huge[] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0x95 };
      if (write (c, huge, sizeof huge) < 0)
        goto next;
    } else {
      static const unsigned char half[] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 200, 0x95 };
      if (write (c, half, sizeof half) < 0)
        goto next;
    }
  next:
    close (c);
  }
}

/* a fake HTTP front for shallow fetches. mode 0: a dumb server
 * (info/refs as text/plain); 1: a good advertisement, then an
 * upload-pack answer whose chunked framing breaks */
static void
fake_http (int ls, int mode)
{
  static const char oid[] = "1111111111111111111111111111111111111111";
  for (;;) {
    int c = accept (ls, NULL, NULL);
    if (c < 0)
      _exit (0);
    char req[8192], body[1024], resp[2048];
    size_t got = 0;
    struct pollfd p = { c, POLLIN, 0 };
    while (got < sizeof req - 1 && poll (&p, 1, 3000) > 0) {
      ssize_t n = read (c, req + got, sizeof req - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      req[got] = '\0';
      if (strstr (req, "\r\n\r\n") && (strncmp (req, "GET", 3) == 0 || strstr (req, "done\n")))
        break;
    }
    size_t bl = 0;
    int rl;
    if (strncmp (req, "GET", 3) == 0) {
      if (mode == 0)
        rl = snprintf (resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 57\r\n\r\n"
                       "%s\trefs/heads/main\n", oid);
      else {
        char line[256];
        bl = (size_t) snprintf (body, sizeof body, "001e# service=git-upload-pack\n0000");
        int l = snprintf (line, sizeof line, "%s HEAD", oid);
        l += 1 + snprintf (line + l + 1, sizeof line - (size_t) l - 1, "shallow side-band-64k symref=HEAD:refs/heads/main\n");
        bl += (size_t) snprintf (body + bl, sizeof body - bl, "%04x", l + 4);
        memcpy (body + bl, line, (size_t) l);
        bl += (size_t) l;
        bl += (size_t) snprintf (body + bl, sizeof body - bl, "%04zx%s refs/heads/main\n0000", strlen (oid) + 21, oid);
        rl = snprintf (resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"
                       "Content-Length: %zu\r\n\r\n", bl);
      }
    } else
      rl = snprintf (resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-result\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\n00000\r\nzz\r\n");
    if (write (c, resp, (size_t) rl) < 0 || (bl && write (c, body, bl) < 0))
      goto next;
  next:
    close (c);
  }
}

/* A child serving @port with @serve (fake_server, fake_http) in @mode;
 * NULL: silent, the kernel accepts and nobody ever reads. */
static pid_t
fork_serving (unsigned port, void (*serve) (int ls, int mode), int mode)
{
  int ls = listen_on (port);
  if (ls < 0)
    return -1;
  pid_t pid = fork ();
  if (pid == 0) {
    /* dies with the test, even when it crashes */
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    /* not the test's output: meson waits for every holder of the pipe */
    int null = open ("/dev/null", O_RDWR);
    dup2 (null, 1);
    dup2 (null, 2);
    if (!serve)
      for (;;)
        pause ();
    serve (ls, mode);
    _exit (0);
  }
  close (ls);
  return pid;
}

/* ---- the cases ---- */

typedef struct {
  mirage_git_client *c;
  const char *url, *branch;
  mirage_kv_rw *kv;
  char oid[41];
  char *error;
  int result;
} clone_case;

static int
clone_task (void *arg)
{
  clone_case *c = arg;
  c->result = mirage_git_clone (c->c, c->url, c->branch, c->kv, c->oid, &c->error);
  return 0;
}

static clone_case
do_clone (mirage_git_client *cl, const char *url, const char *branch, mirage_kv_rw *kv)
{
  clone_case c = { .c = cl, .url = url, .branch = branch, .kv = kv };
  int r = mirage_task_with_timeout (60 * MIRAGE_NS_PER_S, "clone", clone_task, &c);
  if (r < 0)
    c.result = r;
  return c;
}

static void
expect_clone (const char *what, mirage_git_client *cl, const char *url, const char *rev)
{
  mirage_kv_rw *kv;
  mirage_kv_rw_mem (&kv);
  clone_case c = do_clone (cl, url, NULL, kv);
  if (!tap_ok (c.result == 0, "%s: cloned", what))
    tap_diag ("%d: %s", c.result, c.error ? c.error : "");
  char *want = rev_parse ("srv/repo.git", rev);
  tap_ok (want && strcmp (want, c.oid) == 0, "%s: the commit is git's %s", what, rev);
  tap_ok (c.result == 0 && same_as_git (kv, "srv/repo.git", c.oid), "%s: every file is git's", what);
  free (want);
  free (c.error);
  mirage_kv_rw_disconnect (kv);
}

static void
expect_refused (const char *what, mirage_git_client *cl, const char *url, int want, const char *part)
{
  mirage_kv_rw *kv;
  mirage_kv_rw_mem (&kv);
  clone_case c = do_clone (cl, url, NULL, kv);
  tap_is (c.result, want, "%s: refused", what);
  if (!tap_ok (c.error && strstr (c.error, part), "%s: the message says '%s'", what, part))
    tap_diag ("message: %s", c.error ? c.error : "(none)");
  free (c.error);
  mirage_kv_rw_disconnect (kv);
}

static void
test_parsers (void)
{
  mirage_git_url u;
  char err[512];
  unsigned char k[32];
  char **h;

  tap_is (mirage_git_url_parse ("git://example.org/repo.git", &u, err, sizeof err), 0, "url: git://");
  tap_ok (u.scheme == MIRAGE_GIT_SCHEME_GIT && u.port == 9418 && strcmp (u.host, "example.org") == 0
          && strcmp (u.path, "/repo.git") == 0 && !u.branch, "url: git:// parts");
  mirage_git_url_clear (&u);
  tap_is (mirage_git_url_parse ("https://[::1]:8443/a/b.git#dev", &u, err, sizeof err), 0, "url: https, IPv6, #branch");
  tap_ok (u.scheme == MIRAGE_GIT_SCHEME_HTTPS && u.port == 8443 && strcmp (u.host, "::1") == 0
          && strcmp (u.branch, "dev") == 0, "url: https parts");
  mirage_git_url_clear (&u);
  tap_is (mirage_git_url_parse ("alice@host.example:team/repo.git", &u, err, sizeof err), 0, "url: scp style");
  tap_ok (u.scheme == MIRAGE_GIT_SCHEME_SSH && strcmp (u.user, "alice") == 0 && u.port == 22
          && strcmp (u.path, "team/repo.git") == 0, "url: scp parts");
  mirage_git_url_clear (&u);
  tap_is (mirage_git_url_parse ("ssh://h:2222/r", &u, err, sizeof err), 0, "url: ssh:// without user");
  tap_ok (strcmp (u.user, "git") == 0 && u.port == 2222, "url: ssh user defaults to git");
  mirage_git_url_clear (&u);
  static const struct { const char *url, *part; } bad[] = {
    { "", "empty" },
    { "/tmp/repo", "local paths are refused" },
    { "file:///tmp/repo", "unsupported scheme" },
    { "git://host", "no repository path" },
    { "git://host:0/r", "port must be" },
    { "git://host:99999/r", "port must be" },
    { "https://user:pw@host/r", "credentials in the URL" },
    { "git://ho st/r", "space" },
    { "git://-host/r", "bad host name" },
    { "git://host/r#..bad", "not a valid branch name" },
    { "https://[::1/r", "without ']'" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int r = mirage_git_url_parse (bad[i].url, &u, err, sizeof err);
    tap_ok (r == -EINVAL && strstr (err, bad[i].part), "url '%s' refused: %s", bad[i].url, err);
  }
  tap_is (mirage_git_ssh_key_parse (mirage_key, k, err, sizeof err), 0, "key: ed25519:<base64>");
  tap_is (mirage_git_ssh_key_parse ("rsa:abcdef", k, err, sizeof err), -ENOTSUP, "key: rsa:<seed> refused");
  tap_ok (strstr (err, "bit for bit") && strstr (err, "ed25519"), "key: the refusal says why and what to use");
  tap_is (mirage_git_ssh_key_parse ("ed25519:AAAA", k, err, sizeof err), -EINVAL, "key: short ed25519 refused");
  tap_is (mirage_git_ssh_key_parse ("dsa:AAAA", k, err, sizeof err), -EINVAL, "key: unknown type refused");
  tap_is (mirage_git_ssh_authenticator_parse (host_fp, k, err, sizeof err), 0, "authenticator: SHA256:");
  tap_is (mirage_git_ssh_authenticator_parse ("MD5:aa:bb", k, err, sizeof err), -EINVAL, "authenticator: MD5 refused");
  tap_is (mirage_git_headers_parse ("X-A:1,X-B: two", &h, err, sizeof err), 0, "headers parse");
  tap_ok (h && h[0] && strcmp (h[0], "X-A: 1") == 0 && h[1] && strcmp (h[1], "X-B: two") == 0 && !h[2],
          "headers: name: value lines");
  mirage_git_headers_free (h);
  tap_is (mirage_git_headers_parse ("X A:1", &h, err, sizeof err), -EINVAL, "headers: bad name refused");
  tap_is (mirage_git_headers_parse ("novalue", &h, err, sizeof err), -EINVAL, "headers: no colon refused");
}

typedef struct {
  mirage_git_client *c;
  const char *url, *repo;
  char *error;
} flow_case;

/* ls, fetch, read, fetch after a new commit, push, checked with git */
static int
roundtrip_task (void *arg)
{
  flow_case *f = arg;
  mirage_git_repo *r;
  mirage_git_ref *refs = NULL;
  size_t n = 0;
  char oid[41], oid2[41], pushed[41];
  void *data;
  size_t len;
  char *error = NULL;
  char what[64];
  snprintf (what, sizeof what, "%.20s", f->url);
  what[strcspn (what, ":")] = '\0';

  if (!tap_ok (mirage_git_open (f->c, f->url, &r, &error) == 0, "%s: open", what))
    return 0;
  int e = mirage_git_ls_refs (r, &refs, &n, &error);
  bool main_ref = false, dev_ref = false, head_main = false;
  for (size_t i = 0; e == 0 && i < n; i++) {
    main_ref |= strcmp (refs[i].name, "refs/heads/main") == 0;
    dev_ref |= strcmp (refs[i].name, "refs/heads/dev") == 0;
    head_main |= strcmp (refs[i].name, "HEAD") == 0 && refs[i].symref_target
                 && strcmp (refs[i].symref_target, "refs/heads/main") == 0;
  }
  if (!tap_ok (e == 0 && main_ref && dev_ref, "%s: ls lists main and dev", what))
    tap_diag ("%d %s", e, error ? error : "");
  (void) head_main;
  mirage_git_refs_free (refs, e == 0 ? n : 0);

  e = mirage_git_fetch (r, "dev", 0, oid, &error);
  char *want = rev_parse (f->repo, "dev");
  tap_ok (e == 0 && want && strcmp (want, oid) == 0, "%s: fetch dev gives git's commit", what);
  free (want);
  e = mirage_git_read (r, oid, "dev.txt", &data, &len, &error);
  tap_ok (e == 0 && len == 9 && memcmp (data, "dev only\n", 9) == 0, "%s: read a file of a commit", what);
  if (e == 0)
    free (data);
  e = mirage_git_read (r, oid, "nope.txt", &data, &len, &error);
  tap_ok (e == -ENOENT && error && strstr (error, "no file 'nope.txt'"), "%s: a missing file is -ENOENT", what);

  /* a new commit on the server (made with git in the work tree) */
  char file[96];
  snprintf (file, sizeof file, "new-%s.txt", what);
  fx_write (file, "new\n");
  char src[600];
  snprintf (src, sizeof src, "%s", fx_path (file));
  char dst[600];
  snprintf (dst, sizeof dst, "%s/%s", fx_path ("work"), file);
  rename (src, dst);
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("work"), "checkout", "-q", "main", NULL }));
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("work"), "pull", "-q", "--no-rebase", (char *) fx_path (f->repo), "main", NULL }));
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("work"), "add", file, NULL }));
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("work"), "commit", "-q", "-m", "new commit", NULL }));
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("work"), "push", "-q", (char *) fx_path (f->repo), "main", NULL }));
  mirage_kv_rw *kv;
  mirage_kv_rw_mem (&kv);
  mirage_kv_set (kv, "stale/file", "x", 1);
  e = mirage_git_fetch (r, "main", 0, oid2, &error);
  want = rev_parse (f->repo, "main");
  tap_ok (e == 0 && want && strcmp (want, oid2) == 0, "%s: fetch after a new commit gets it", what);
  free (want);
  e = mirage_git_checkout (r, oid2, kv, &error);
  tap_ok (e == 0 && same_as_git (kv, f->repo, oid2), "%s: checkout has the new file, not the stale one", what);

  /* push: a change made in the store */
  mirage_kv_set (kv, "pushed/by-unikernel.txt", "pushed\n", 7);
  mirage_kv_remove (kv, "README.md");
  char msg[96];
  snprintf (msg, sizeof msg, "push over %s", what);
  mirage_git_author au = { "Unikernel", "uk@example.org", 1700000000 };
  e = mirage_git_push (r, "main", kv, &au, msg, pushed, &error);
  if (!tap_ok (e == 0, "%s: push", what))
    tap_diag ("%d: %s", e, error ? error : "");
  char *log = git_out (&len, (char *[]) { "-C", (char *) fx_path (f->repo), "log", "-1", "--format=%H %an %s", "main", NULL });
  char expect[256];
  snprintf (expect, sizeof expect, "%s Unikernel %s\n", pushed, msg);
  if (!tap_ok (log && strcmp (log, expect) == 0, "%s: git log on the server shows the pushed commit", what))
    tap_diag ("log: %s", log ? log : "(none)");
  free (log);
  tap_ok (same_as_git (kv, f->repo, "main"), "%s: the server's main has the store's files", what);
  mirage_kv_rw_disconnect (kv);
  free (error);
  mirage_git_close (r);
  return 0;
}

static void
roundtrip (mirage_git_client *c, const char *url)
{
  flow_case f = { c, url, "srv/repo.git", NULL };
  int r = mirage_task_with_timeout (120 * MIRAGE_NS_PER_S, "roundtrip", roundtrip_task, &f);
  tap_is (r, 0, "%s: the round trip ends in time", url);
}

typedef struct {
  mirage_git_client *c;
  const char *url;
  int result;
  char *error;
  uint64_t took_ns;
} robust_case;

static int
robust_task (void *arg)
{
  robust_case *c = arg;
  mirage_kv_rw *kv;
  char oid[41];
  mirage_kv_rw_mem (&kv);
  uint64_t t0 = mirage_loop_now_ns ();
  c->result = mirage_git_clone (c->c, c->url, NULL, kv, oid, &c->error);
  c->took_ns = mirage_loop_now_ns () - t0;
  mirage_kv_rw_disconnect (kv);
  return 0;
}

static void
robust (const char *what, mirage_git_client *c, const char *url, int want, const char *part)
{
  robust_case rc = { c, url, 0, NULL, 0 };
  int r = mirage_task_with_timeout (30 * MIRAGE_NS_PER_S, "robust", robust_task, &rc);
  tap_is (r, 0, "%s: ends (no hang)", what);
  if (want)
    tap_is (rc.result, want, "%s: the error", what);
  else
    tap_ok (rc.result < 0, "%s: fails (%d)", what, rc.result);
  if (!tap_ok (rc.error && strstr (rc.error, part), "%s: the message says '%s'", what, part))
    tap_diag ("message: %s", rc.error ? rc.error : "(none)");
  free (rc.error);
}

/* ---- shallow fetches (git-shallow.c) ---- */

typedef struct {
  mirage_git_client *c;
  const char *url;
  int depth;
} shallow_case;

static int
shallow_task (void *arg)
{
  shallow_case *f = arg;
  mirage_git_repo *r;
  char oid[41], (*bound)[41] = NULL;
  char *error = NULL;
  void *data;
  size_t len, nb = 99;
  char what[80];
  snprintf (what, sizeof what, "%.24s depth %d", f->url, f->depth);
  *strchr (what, ':') = '\0';
  snprintf (what + strlen (what), sizeof what - strlen (what), " depth %d", f->depth);
  if (!tap_ok (mirage_git_open (f->c, f->url, &r, &error) == 0, "%s: open", what))
    return 0;
  int e = mirage_git_fetch (r, "dev", f->depth, oid, &error);
  char *tip = rev_parse ("srv/repo.git", "dev"), *parent = rev_parse ("srv/repo.git", "dev~1");
  if (!tap_ok (e == 0 && tip && strcmp (tip, oid) == 0, "%s: fetch gives git's dev", what))
    tap_diag ("%d: %s", e, error ? error : "");
  e = mirage_git_shallow (r, &bound, &nb);
  bool shallow = f->depth == 1;
  if (shallow)
    tap_ok (e == 0 && nb == 1 && strcmp (bound[0], oid) == 0, "%s: the API reports the shallow boundary (the tip)", what);
  else
    tap_ok (e == 0 && nb == 0, "%s: a depth beyond the history gives it whole (not shallow)", what);
  free (bound);
  e = mirage_git_read (r, parent, "README.md", &data, &len, &error);
  if (shallow)
    tap_ok (e == -ENOENT, "%s: the parent commit is absent", what);
  else {
    tap_ok (e == 0 && len == 18, "%s: the parent commit is here", what);
    if (e == 0)
      free (data);
  }
  e = mirage_git_read (r, oid, "dev.txt", &data, &len, &error);
  tap_ok (e == 0 && len == 9 && memcmp (data, "dev only\n", 9) == 0, "%s: read a file of the commit", what);
  if (e == 0)
    free (data);
  mirage_kv_rw *kv;
  mirage_kv_rw_mem (&kv);
  e = mirage_git_checkout (r, oid, kv, &error);
  tap_ok (e == 0 && same_as_git (kv, "srv/repo.git", oid), "%s: checkout: every file is git's", what);
  mirage_kv_rw_disconnect (kv);
  if (shallow) {
    /* again without a depth: nothing new, still shallow; then deeper */
    e = mirage_git_fetch (r, "dev", 0, oid, &error);
    mirage_git_shallow (r, NULL, &nb);
    tap_ok (e == 0 && nb == 1, "%s: a fetch again keeps the boundary", what);
    /* a new commit on the server's dev: a fetch without a depth gets it
     * ("have" and "shallow" lines, no deepen) and keeps the boundary */
    char tree_spec[64], oid2[41] = "";
    snprintf (tree_spec, sizeof tree_spec, "%s^{tree}", oid);
    char *newc = git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "-c", "user.name=T", "-c",
                                             "user.email=t@example.org", "commit-tree", tree_spec, "-p", oid, "-m",
                                             "after a shallow fetch", NULL });
    if (newc)
      newc[strcspn (newc, "\n")] = '\0';
    free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "update-ref", "refs/heads/dev",
                                      newc ? newc : oid, NULL }));
    e = mirage_git_fetch (r, "dev", 0, oid2, &error);
    mirage_git_shallow (r, NULL, &nb);
    if (!tap_ok (e == 0 && newc && strcmp (oid2, newc) == 0 && nb == 1,
                 "%s: a new commit arrives in the shallow repository, the boundary stays", what))
      tap_diag ("%d: %s (%zu)", e, error ? error : "", nb);
    e = mirage_git_read (r, oid2, "dev.txt", &data, &len, &error);
    tap_ok (e == 0 && len == 9, "%s: read a file of the new commit", what);
    if (e == 0)
      free (data);
    free (newc);
    e = mirage_git_fetch (r, "dev", 100, oid, &error);
    mirage_git_shallow (r, NULL, &nb);
    if (!tap_ok (e == 0 && nb == 0, "%s: deepening to 100 unshallows (%zu left)", what, nb))
      tap_diag ("%d: %s", e, error ? error : "");
    e = mirage_git_read (r, parent, "README.md", &data, &len, &error);
    tap_ok (e == 0, "%s: the parent arrived", what);
    if (e == 0)
      free (data);
  }
  free (tip);
  free (parent);
  free (error);
  mirage_git_close (r);
  return 0;
}

/* a push from a depth-1 fetch (git-shallow.c's own receive-pack
 * exchange: libgit2 1.5's push walks past the boundary), checked with
 * git log on the server; then a push the server refuses (not a fast
 * forward) is reported with its reason */
static int
shallow_push_task (void *arg)
{
  shallow_case *f = arg;
  mirage_git_repo *r;
  char oid[41], pushed[41] = "";
  char *error = NULL;
  size_t len, nb = 0;
  char what[40];
  snprintf (what, sizeof what, "%.8s", f->url);
  what[strcspn (what, ":")] = '\0';
  mirage_kv_rw *kv;
  mirage_kv_rw_mem (&kv);
  int e = mirage_git_open (f->c, f->url, &r, &error);
  if (e == 0)
    e = mirage_git_fetch (r, "dev", 1, oid, &error);
  mirage_git_shallow (r, NULL, &nb);
  if (e == 0)
    e = mirage_git_checkout (r, oid, kv, &error);
  char file[64], msg[96];
  snprintf (file, sizeof file, "shallow-push-%s.txt", what);
  snprintf (msg, sizeof msg, "push from a shallow clone over %s", what);
  mirage_kv_set (kv, file, "from a shallow clone\n", 21);
  mirage_git_author au = { "Unikernel", "uk@example.org", 1700000000 };
  if (e == 0)
    e = mirage_git_push (r, "dev", kv, &au, msg, pushed, &error);
  if (!tap_ok (e == 0 && nb == 1, "%s: push from a depth-1 fetch", what))
    tap_diag ("%d: %s", e, error ? error : "");
  char *log = git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "log", "-2", "--format=%H %s", "dev", NULL });
  char expect[300];
  snprintf (expect, sizeof expect, "%s %s\n%s ", pushed, msg, oid);
  if (!tap_ok (e == 0 && log && strncmp (log, expect, strlen (expect)) == 0,
               "%s: git log on the server shows the push on top of the tip", what))
    tap_diag ("log: %s", log ? log : "(none)");
  free (log);
  tap_ok (e == 0 && same_as_git (kv, "srv/repo.git", "dev"), "%s: the server's dev has the store's files", what);
  char *fsck = git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "fsck", "--no-dangling", NULL });
  tap_ok (fsck != NULL, "%s: git fsck on the server is clean", what);
  free (fsck);
  /* the server's dev moves to a commit of its own: ours is then not a
   * fast forward and is refused */
  char tree_spec[64];
  snprintf (tree_spec, sizeof tree_spec, "%s^{tree}", oid);
  char *other = git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "-c", "user.name=T", "-c",
                                            "user.email=t@example.org", "commit-tree", tree_spec, "-p", oid, "-m",
                                            "elsewhere", NULL });
  if (other)
    other[strcspn (other, "\n")] = '\0';
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "update-ref", "refs/heads/dev",
                                    other ? other : oid, NULL }));
  free (other);
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "config", "receive.denyNonFastForwards",
                                    "true", NULL }));
  mirage_kv_set (kv, "again.txt", "again\n", 6);
  e = mirage_git_push (r, "dev", kv, &au, "not a fast forward", NULL, &error);
  if (!tap_ok (e == -EPROTO && error && strstr (error, "refused the push of refs/heads/dev"),
               "%s: a refused push says so", what))
    tap_diag ("%d: %s", e, error ? error : "");
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "config", "--unset",
                                    "receive.denyNonFastForwards", NULL }));
  free (git_out (&len, (char *[]) { "-C", (char *) fx_path ("srv/repo.git"), "update-ref", "refs/heads/dev", pushed, NULL }));
  mirage_kv_rw_disconnect (kv);
  free (error);
  mirage_git_close (r);
  return 0;
}

static void
shallow (mirage_git_client *c, const char *url, int depth)
{
  shallow_case f = { c, url, depth };
  int r = mirage_task_with_timeout (60 * MIRAGE_NS_PER_S, "shallow", shallow_task, &f);
  tap_is (r, 0, "%s depth %d: ends in time", url, depth);
}

typedef struct {
  mirage_git_client *c;
  const char *url;
  int result;
  char *error;
} shallow_bad_case;

static int
shallow_bad_task (void *arg)
{
  shallow_bad_case *f = arg;
  mirage_git_repo *r;
  char oid[41];
  f->result = mirage_git_open (f->c, f->url, &r, &f->error);
  if (f->result == 0) {
    f->result = mirage_git_fetch (r, "main", 1, oid, &f->error);
    mirage_git_close (r);
  }
  return 0;
}

static void
shallow_bad (const char *what, mirage_git_client *c, const char *url, int want, const char *part)
{
  shallow_bad_case f = { c, url, 0, NULL };
  int r = mirage_task_with_timeout (30 * MIRAGE_NS_PER_S, "shallow-bad", shallow_bad_task, &f);
  tap_is (r, 0, "%s: ends (no hang)", what);
  tap_is (f.result, want, "%s: the error", what);
  if (!tap_ok (f.error && strstr (f.error, part), "%s: the message says '%s'", what, part))
    tap_diag ("message: %s", f.error ? f.error : "(none)");
  free (f.error);
}

static char url_buf[32][512];
static int url_next;

static const char *
url (const char *fmt, ...)
{
  char *b = url_buf[url_next++ % 32];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (b, 512, fmt, ap);
  va_end (ap);
  return b;
}

static int
run (void *arg)
{
  (void) arg;
  mirage_happy_eyeballs *he;
  mirage_happy_eyeballs_config cfg = { 0 };
  mirage_happy_eyeballs_connect_device (stack, &cfg, &he);
  mirage_mimic_happy_eyeballs (stack, he, NULL, &mimic);
  mirage_git_client *tcp, *http, *https_wrong, *https_system, *http_hdr, *ssh, *ssh_pw, *ssh_badpw,
    *ssh_badhost, *merged, *bad;
  char *repo = strdup (fx_path ("srv/repo.git"));

  test_parsers ();
  tap_is (mirage_git_tcp (stack, mimic, &tcp), 0, "git_tcp");
  tap_is (mirage_git_http (stack, mimic, auth_anchor, NULL, &http), 0, "git_http with a trust anchor");
  tap_is (mirage_git_http (stack, mimic, auth_wrong, NULL, &https_wrong), 0, "git_http with another CA");
  tap_is (mirage_git_http (stack, mimic, NULL, NULL, &https_system), 0, "git_http with the system's trust store");
  tap_is (mirage_git_http (stack, mimic, NULL, "X-Test:yes", &http_hdr), 0, "git_http with --http-headers");
  tap_is (mirage_git_ssh (stack, mimic, mirage_key, NULL, host_fp, &ssh), 0, "git_ssh with a key");
  tap_is (mirage_git_ssh (stack, mimic, NULL, password, host_fp, &ssh_pw), 0, "git_ssh with a password");
  tap_is (mirage_git_ssh (stack, mimic, NULL, "wrong", host_fp, &ssh_badpw), 0, "git_ssh with a wrong password");
  tap_is (mirage_git_ssh (stack, mimic, mirage_key, NULL, "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
                          &ssh_badhost), 0, "git_ssh with another host key");
  tap_is (mirage_git_ssh (stack, mimic, "rsa:seed", NULL, NULL, &bad), -EINVAL, "git_ssh refuses rsa:<seed>");
  tap_is (mirage_git_ssh (stack, mimic, NULL, NULL, "nope", &bad), -EINVAL, "git_ssh refuses a bad authenticator");
  tap_is (mirage_git_http (stack, mimic, "key-fp:md4:AA", NULL, &bad), -EINVAL, "git_http refuses a bad TLS authenticator");
  tap_is (mirage_git_merge (ssh, tcp, &merged), 0, "merge_git_clients");

  /* clones compared with git */
  expect_clone ("git://", tcp, url ("git://127.0.0.1:%u/repo.git", p_git), "main");
  expect_clone ("git:// #dev", tcp, url ("git://127.0.0.1:%u/repo.git#dev", p_git), "dev");
  expect_clone ("http://", http, url ("http://127.0.0.1:%u/repo.git", p_http), "main");
  expect_clone ("https:// trust anchor", http, url ("https://127.0.0.1:%u/repo.git", p_https), "main");
  expect_clone ("ssh:// key", ssh, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), "main");
  expect_clone ("ssh:// password", ssh_pw, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), "main");
  expect_clone ("merged, git://", merged, url ("git://127.0.0.1:%u/repo.git", p_git), "main");
  expect_clone ("merged, ssh", merged, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), "main");
  expect_clone ("http:// with --http-headers", http_hdr, url ("http://127.0.0.1:%u/private/repo.git", p_http), "main");

  /* into direct_kv_rw */
  {
    mirage_kv_rw *kv;
    mirage_direct_kv_rw (fx_path ("kvdir"), &kv);
    clone_case c = do_clone (tcp, url ("git://127.0.0.1:%u/repo.git", p_git), "main", kv);
    tap_ok (c.result == 0 && same_as_git (kv, "srv/repo.git", c.oid), "direct_kv_rw: every file is git's");
    free (c.error);
    mirage_kv_rw_disconnect (kv);
  }

  /* refusals */
  expect_refused ("https:// another CA", https_wrong, url ("https://127.0.0.1:%u/repo.git", p_https),
                  -EKEYREJECTED, "TLS");
  expect_refused ("https:// system trust store", https_system, url ("https://127.0.0.1:%u/repo.git", p_https),
                  -EKEYREJECTED, "TLS");
  expect_refused ("ssh:// wrong password", ssh_badpw, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo),
                  -EACCES, "refused the password of user 'gituser'");
  expect_refused ("ssh:// wrong host key", ssh_badhost, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo),
                  -EKEYREJECTED, "the authenticator wants SHA256:47DEQ");
  expect_refused ("http:// without the header", http, url ("http://127.0.0.1:%u/private/repo.git", p_http),
                  -EPROTO, "403");
  expect_refused ("merged, https", merged, url ("https://127.0.0.1:%u/repo.git", p_https),
                  -EPROTONOSUPPORT, "add git_http");
  expect_refused ("local path", merged, repo, -EINVAL, "local paths are refused");
  expect_refused ("no such branch", tcp, url ("git://127.0.0.1:%u/repo.git#nope", p_git), -ENOENT, "no branch 'nope'");
  expect_refused ("no such repository", tcp, url ("git://127.0.0.1:%u/none.git", p_git), -EPROTO, "git");

  /* shallow fetches: depth 1 (then deeper), and beyond the history */
  shallow (tcp, url ("git://127.0.0.1:%u/repo.git", p_git), 1);
  shallow (tcp, url ("git://127.0.0.1:%u/repo.git", p_git), 50);
  shallow (http, url ("http://127.0.0.1:%u/repo.git", p_http), 1);
  shallow (http, url ("http://127.0.0.1:%u/repo.git", p_http), 50);
  shallow (http, url ("https://127.0.0.1:%u/repo.git", p_https), 1);
  shallow (ssh, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), 1);
  shallow (ssh, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), 50);
  {
    shallow_case f[] = { { tcp, url ("git://127.0.0.1:%u/repo.git", p_git), 1 },
                         { http, url ("http://127.0.0.1:%u/repo.git", p_http), 1 },
                         { ssh, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo), 1 } };
    for (size_t i = 0; i < 3; i++)
      tap_is (mirage_task_with_timeout (60 * MIRAGE_NS_PER_S, "shallow-push", shallow_push_task, &f[i]), 0,
              "shallow: the push ends in time (%s)", f[i].url);
  }
  shallow_bad ("shallow: no shallow capability", tcp, url ("git://127.0.0.1:%u/r.git", p_badpack), -ENOTSUP,
               "does not offer shallow fetches");
  shallow_bad ("shallow: side-band error channel", tcp, url ("git://127.0.0.1:%u/r.git", p_sb3), -EPROTO,
               "the server said: upload-pack: the pack broke");
  shallow_bad ("shallow: a bad pkt-line", tcp, url ("git://127.0.0.1:%u/r.git", p_badpkt), -EPROTO,
               "bad pkt-line length 'zz!!'");
  shallow_bad ("shallow: no such repository", tcp, url ("git://127.0.0.1:%u/none.git", p_git), -EPROTO, "git");
  shallow_bad ("shallow: a dumb HTTP server", http, url ("http://127.0.0.1:%u/r.git", p_dumb), -EPROTO,
               "only smart HTTP servers are supported");
  shallow_bad ("shallow: broken chunked framing", http, url ("http://127.0.0.1:%u/r.git", p_badchunk), -EPROTO,
               "a bad chunk size");
  shallow_bad ("shallow: http 403", http, url ("http://127.0.0.1:%u/private/repo.git", p_http), -EPROTO,
               "answered 403");

  /* round trips: ls, fetch, read, fetch again, push (one per transport) */
  roundtrip (tcp, url ("git://127.0.0.1:%u/repo.git", p_git));
  roundtrip (http, url ("http://127.0.0.1:%u/repo.git", p_http));
  roundtrip (ssh, url ("ssh://gituser@127.0.0.1:%u%s", p_ssh, repo));
  roundtrip (http, url ("https://127.0.0.1:%u/repo.git", p_https));

  /* robustness */
  mirage_git_client_set_timeout (tcp, 1 * MIRAGE_NS_PER_S);
  robust ("silent server", tcp, url ("git://127.0.0.1:%u/r.git", p_silent), -ETIMEDOUT, "sent nothing for 1.0 s");
  robust ("malformed pack", tcp, url ("git://127.0.0.1:%u/r.git", p_badpack), 0, "git");
  robust ("cut mid-pack", tcp, url ("git://127.0.0.1:%u/r.git", p_cut), 0, "git");
  robust ("a pack of 4 billion objects", tcp, url ("git://127.0.0.1:%u/r.git", p_huge), -EPROTO, "too many objects");
  expect_clone ("git:// after the failures", tcp, url ("git://127.0.0.1:%u/repo.git", p_git), "main");

  mirage_git_client_free (merged);
  mirage_git_client_free (tcp);
  mirage_git_client_free (http);
  mirage_git_client_free (https_wrong);
  mirage_git_client_free (https_system);
  mirage_git_client_free (http_hdr);
  mirage_git_client_free (ssh);
  mirage_git_client_free (ssh_pw);
  mirage_git_client_free (ssh_badpw);
  mirage_git_client_free (ssh_badhost);
  mirage_mimic_free (mimic);
  mirage_happy_eyeballs_free (he);
  free (repo);
  return 0;
}

static void
read_trimmed (const char *name, char *out, size_t size)
{
  size_t len;
  char *s = fx_read (name, &len);
  snprintf (out, size, "%s", s ? s : "");
  out[strcspn (out, "\r\n")] = '\0';
  free (s);
}

int
main (void)
{
  const char *fixtures = getenv ("MS_GIT_FIXTURES");
  pid_t pids[20] = { 0 };
  size_t np = 0;
  if (!fixtures || !fx_tmpdir ()) {
    printf ("1..0 # SKIP MS_GIT_FIXTURES not set or no temporary directory\n");
    return 0;
  }
  unsigned char seed[32], pub[32], blob[51] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32 };
  char pub_b64[128], seed_b64[64];
  if (getrandom (seed, sizeof seed, 0) != sizeof seed)
    return 1;
  ed25519_sha512_public_key (pub, seed);
  memcpy (blob + 19, pub, 32);
  b64 (blob, sizeof blob, pub_b64, true);
  b64 (seed, sizeof seed, seed_b64, true);
  snprintf (mirage_key, sizeof mirage_key, "ed25519:%s", seed_b64);

  p_git = fx_free_port (), p_http = fx_free_port (), p_https = fx_free_port (), p_ssh = fx_free_port ();
  p_silent = fx_free_port (), p_badpack = fx_free_port (), p_cut = fx_free_port (), p_huge = fx_free_port ();
  p_sb3 = fx_free_port (), p_badpkt = fx_free_port (), p_dumb = fx_free_port (), p_badchunk = fx_free_port ();
  char ports[4][16];
  snprintf (ports[0], 16, "%u", p_http);
  snprintf (ports[1], 16, "%u", p_https);
  snprintf (ports[2], 16, "%u", p_ssh);
  snprintf (ports[3], 16, "%u", p_git);
  char *prep[] = { "sh", (char *) fixtures, fx_dir, ports[0], ports[1], ports[2], pub_b64, (char *) password, NULL };
  if (!tap_ok (fx_run (prep, "fixtures.log"), "the fixtures are made (git, certtool, ssh-keygen)")) {
    size_t len;
    char *log = fx_read ("fixtures.log", &len);
    tap_diag ("%s", log ? log : "");
    free (log);
    fx_cleanup ();
    return tap_done ();
  }
  read_trimmed ("fp-host.txt", host_fp, sizeof host_fp);
  read_trimmed ("auth-anchor.txt", auth_anchor, sizeof auth_anchor);
  read_trimmed ("auth-wrong.txt", auth_wrong, sizeof auth_wrong);

  char port_arg[32], base[600], sock[600];
  snprintf (port_arg, sizeof port_arg, "--port=%u", p_git);
  snprintf (base, sizeof base, "--base-path=%s", fx_path ("srv"));
  char *daemon[] = { "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
                     "--listen=127.0.0.1", port_arg, base, (char *) fx_path ("srv"), NULL };
  pids[np++] = fx_spawn (daemon, "daemon.log");
  snprintf (sock, sizeof sock, "unix:%s", fx_path ("fcgi.sock"));
  /* one process (no -c): preforked children would outlive a SIGTERM */
  char *fcgi[] = { "fcgiwrap", "-s", sock, NULL };
  pids[np++] = fx_spawn (fcgi, "fcgiwrap.log");
  char *nginx[] = { "nginx", "-c", (char *) fx_path ("nginx.conf"), "-e", (char *) fx_path ("nginx-error.log"), NULL };
  pids[np++] = fx_spawn (nginx, "nginx.log");
  char *sshd[] = { "unshare", "-m", (char *) fx_path ("run-sshd.sh"), NULL };
  pids[np++] = fx_spawn (sshd, "sshd.log");
  pids[np++] = fork_serving (p_silent, NULL, 0);
  pids[np++] = fork_serving (p_badpack, fake_server, 0);
  pids[np++] = fork_serving (p_cut, fake_server, 1);
  pids[np++] = fork_serving (p_huge, fake_server, 3);
  pids[np++] = fork_serving (p_sb3, fake_server, 4);
  pids[np++] = fork_serving (p_badpkt, fake_server, 5);
  pids[np++] = fork_serving (p_dumb, fake_http, 0);
  pids[np++] = fork_serving (p_badchunk, fake_http, 1);
  bool up = fx_wait_tcp (p_git, 10000) && fx_wait_tcp (p_http, 10000) && fx_wait_tcp (p_https, 10000)
            && fx_wait_tcp (p_ssh, 10000);
  if (tap_ok (up, "git daemon, nginx and sshd listen")) {
    mirage_socket_stack (NULL, &stack);
    char *error = NULL;
    int r = mirage_loop_run ("git", run, NULL, &error);
    tap_is (r, 0, "the loop ends well (%s)", error ? error : "");
    free (error);
    mirage_stack_disconnect (stack);
  } else {
    size_t len;
    char *log = fx_read ("sshd.log", &len);
    tap_diag ("sshd: %s", log ? log : "");
    free (log);
  }
  for (size_t i = 0; i < np; i++)
    fx_kill (pids[i]);
  /* sshd may have forked children of the connection: its pid file names the listener */
  if (getenv ("MS_GIT_KEEP"))
    tap_diag ("kept %s", fx_dir);
  else
    fx_cleanup ();
  return tap_done ();
}
