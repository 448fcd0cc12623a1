/* git-proto.c: what a Git server sends during an upload-pack fetch or
 * a receive-pack push (smart protocol v0/v1), parsed without doing any I/O: the shallow
 * fetch (git-shallow.c) hands it a read function, and the fuzz target
 * (tests/fuzz/fuzz-git-proto.c) hands it memory.
 *
 * Layers, each a reader over the one below:
 *   git_rd          a buffer over a read function (at most one pkt-line,
 *                   65520 bytes, or one HTTP head, 64 KiB, is held)
 *   HTTP/1.1        a response head, then its body framed by
 *                   Content-Length, chunked, or the end of the connection
 *   pkt-lines       "LLLL" + payload; "0000" is a flush
 *   the fetch       the ref advertisement, the shallow section, ACK/NAK,
 *                   the pack on side-band channel 1
 *   the push        the advertisement, report-status (inside side-band
 *                   channel 1 or not)
 *
 * Everything from the server is checked: pkt-line lengths (hex, 4 to
 * 65520), object ids (40 hex digits), names (no control characters),
 * counts (refs, shallow lines), side-band channels (1 data, 2 progress,
 * 3 error: the server's message is reported), "ERR" lines. Errors are
 * -EPROTO (bad data) or the read function's -errno, with a message in
 * the caller's buffer. */
#include "git-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKT_MAX 65520
#define RD_SIZE (PKT_MAX + 16)
#define HEAD_MAX 65536
#define MAX_REFS 200000
#define MAX_SHALLOW 1000000

struct git_rd {
  git_read_fn read;
  void *ctx;
  size_t start, len;
  bool eof;
  unsigned char buf[HEAD_MAX > RD_SIZE ? HEAD_MAX : RD_SIZE];
};

static int
fail (char *err, size_t n, int status, const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));
static int
fail (char *err, size_t n, int status, const char *fmt, ...)
{
  if (err && n) {
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (err, n, fmt, ap);
    va_end (ap);
  }
  return status;
}

/* The server's text, safe to print: control bytes and non-ASCII as '?',
 * at most @max bytes shown. */
static void
printable (const char *in, size_t len, char *out, size_t max)
{
  size_t o = 0;
  for (size_t i = 0; i < len && o + 1 < max; i++) {
    unsigned char c = (unsigned char) in[i];
    if (c == '\n' && i + 1 == len)
      break;
    out[o++] = c >= 0x20 && c < 0x7f ? (char) c : '?';
  }
  out[o] = '\0';
}

git_rd *
_mirage_git_rd_new (git_read_fn fn, void *ctx)
{
  git_rd *r = malloc (sizeof *r);
  if (r) {
    r->read = fn;
    r->ctx = ctx;
    r->start = r->len = 0;
    r->eof = false;
  }
  return r;
}

void
_mirage_git_rd_free (git_rd *r)
{
  free (r);
}

/* At least @need bytes buffered: 0; 1 when the input ended before;
 * -errno when the read function failed (its message is its own). */
static int
rd_fill (git_rd *r, size_t need)
{
  if (need > sizeof r->buf)
    return -EMSGSIZE;
  if (r->start + need > sizeof r->buf) {
    memmove (r->buf, r->buf + r->start, r->len);
    r->start = 0;
  }
  while (r->len < need) {
    if (r->eof)
      return 1;
    size_t at = r->start + r->len;
    ssize_t got = r->read (r->ctx, r->buf + at, sizeof r->buf - at);
    if (got < 0)
      return (int) got;
    if (got == 0)
      r->eof = true;
    r->len += (size_t) got;
  }
  return 0;
}

static void
rd_take (git_rd *r, size_t n)
{
  r->start += n;
  r->len -= n;
  if (r->len == 0)
    r->start = 0;
}

ssize_t
_mirage_git_rd_read (void *ctx, void *buf, size_t len)
{
  git_rd *r = ctx;
  if (r->len == 0) {
    int e = rd_fill (r, 1);
    if (e)
      return e > 0 ? 0 : e;
  }
  size_t n = len < r->len ? len : r->len;
  memcpy (buf, r->buf + r->start, n);
  rd_take (r, n);
  return (ssize_t) n;
}

static int
hexval (int c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool
is_oid (const char *s, size_t len)
{
  if (len < 40)
    return false;
  for (size_t i = 0; i < 40; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

/* ---- pkt-lines ---- */

int
_mirage_git_pkt_next (git_rd *r, const char **data, size_t *len, char *err, size_t n)
{
  int e = rd_fill (r, 4);
  if (e)
    return e > 0 ? fail (err, n, -ECONNRESET, "the server closed the connection %s",
                         r->len ? "in the middle of a pkt-line" : "before the end of its answer")
                 : fail (err, n, e, "reading: %s", strerror (-e));
  const unsigned char *p = r->buf + r->start;
  size_t l = 0;
  for (int i = 0; i < 4; i++) {
    int v = hexval (p[i]);
    if (v < 0) {
      char shown[8];
      printable ((const char *) p, 4, shown, sizeof shown);
      return fail (err, n, -EPROTO, "bad pkt-line length '%s' (not 4 hex digits)", shown);
    }
    l = l << 4 | (size_t) v;
  }
  if (l == 0) {
    rd_take (r, 4);
    *data = NULL;
    *len = 0;
    return GIT_PKT_FLUSH;
  }
  if (l < 4 || l > PKT_MAX)
    return fail (err, n, -EPROTO, "bad pkt-line length %zu (%s)", l,
                 l < 4 ? "a delimiter, which protocol v0/v1 does not have" : "more than 65520");
  e = rd_fill (r, l);
  if (e)
    return e > 0 ? fail (err, n, -ECONNRESET, "the server closed the connection in the middle of a pkt-line")
                 : fail (err, n, e, "reading: %s", strerror (-e));
  *data = (const char *) r->buf + r->start + 4;
  *len = l - 4;
  rd_take (r, l);
  return GIT_PKT_DATA;
}

/* An "ERR message" line: -EPROTO with the message. */
static int
err_line (const char *d, size_t len, char *err, size_t n)
{
  char shown[256];
  printable (d + 4, len - 4, shown, sizeof shown);
  return fail (err, n, -EPROTO, "the server said: %s", shown);
}

static bool
starts (const char *d, size_t len, const char *prefix)
{
  size_t pl = strlen (prefix);
  return len >= pl && memcmp (d, prefix, pl) == 0;
}

/* ---- the ref advertisement ---- */

void
_mirage_git_adv_clear (git_adv *a)
{
  for (size_t i = 0; a->refs && i < a->n; i++)
    free (a->refs[i].name);
  free (a->refs);
  free (a->caps);
  free (a->head_target);
  memset (a, 0, sizeof *a);
}

bool
_mirage_git_cap (const char *caps, const char *name)
{
  size_t nl = strlen (name);
  for (const char *p = caps; p && *p;) {
    size_t w = strcspn (p, " ");
    if ((w == nl || (w > nl && p[nl] == '=')) && memcmp (p, name, nl) == 0)
      return true;
    p += w;
    p += strspn (p, " ");
  }
  return false;
}

static bool
valid_name (const char *s, size_t len)
{
  if (len == 0 || len > 1024)
    return false;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char) s[i] < 0x21 || s[i] == 0x7f)
      return false;
  return true;
}

int
_mirage_git_adv_read (git_rd *r, const char *http_service, git_adv *a, char *err, size_t n)
{
  const char *d;
  size_t len;
  int k;
  bool http = http_service != NULL;
  memset (a, 0, sizeof *a);
  if (http) {
    /* "# service=NAME", a flush, then the refs */
    char want[64];
    snprintf (want, sizeof want, "# service=%s", http_service);
    if ((k = _mirage_git_pkt_next (r, &d, &len, err, n)) < 0)
      return k;
    if (k == GIT_PKT_DATA && starts (d, len, "ERR "))
      return err_line (d, len, err, n);
    if (k != GIT_PKT_DATA || !starts (d, len, want))
      return fail (err, n, -EPROTO, "the answer to info/refs does not start with '%s'", want);
    if ((k = _mirage_git_pkt_next (r, &d, &len, err, n)) < 0)
      return k;
    if (k != GIT_PKT_FLUSH)
      return fail (err, n, -EPROTO, "no flush after '%s'", want);
  }
  bool first = true;
  size_t cap = 0;
  for (;;) {
    if ((k = _mirage_git_pkt_next (r, &d, &len, err, n)) < 0)
      goto bad;
    if (k == GIT_PKT_FLUSH)
      break;
    if (len > 0 && d[len - 1] == '\n')
      len--;
    if (starts (d, len, "ERR ")) {
      k = err_line (d, len, err, n);
      goto bad;
    }
    if (first && len == 9 && memcmp (d, "version 1", 9) == 0)
      continue;
    if (first && starts (d, len, "version ")) {
      char shown[32];
      printable (d, len, shown, sizeof shown);
      k = fail (err, n, -EPROTO, "the server speaks '%s'; this client speaks protocol v0/v1", shown);
      goto bad;
    }
    size_t line_len = len;
    const char *nul = memchr (d, '\0', len);
    if (nul)
      line_len = (size_t) (nul - d);
    if (line_len < 42 || !is_oid (d, line_len) || d[40] != ' ' || !valid_name (d + 41, line_len - 41)) {
      char shown[128];
      printable (d, line_len, shown, sizeof shown);
      k = fail (err, n, -EPROTO, "bad ref line '%s' (want '<40 hex digits> <name>')", shown);
      goto bad;
    }
    if (first) {
      /* the capabilities, after a NUL on the first line only */
      size_t cl = nul ? len - line_len - 1 : 0;
      a->caps = malloc (cl + 1);
      if (!a->caps) {
        k = -ENOMEM;
        goto bad;
      }
      for (size_t i = 0; i < cl; i++) {
        unsigned char c = (unsigned char) nul[1 + i];
        a->caps[i] = c >= 0x20 && c < 0x7f ? (char) c : ' ';
      }
      a->caps[cl] = '\0';
      for (const char *p = a->caps; *p;) {
        size_t w = strcspn (p, " ");
        if (w > 16 && memcmp (p, "symref=HEAD:", 12) == 0 && !a->head_target)
          a->head_target = strndup (p + 12, w - 12);
        p += w;
        p += strspn (p, " ");
      }
      first = false;
      /* an empty repository: "0000...0000 capabilities^{}" */
      if (line_len - 41 == 16 && memcmp (d + 41, "capabilities^{}", 15) == 0)
        continue;
    } else if (nul) {
      k = fail (err, n, -EPROTO, "capabilities after the first ref line");
      goto bad;
    }
    if (a->n == MAX_REFS) {
      k = fail (err, n, -EPROTO, "more than %d refs", MAX_REFS);
      goto bad;
    }
    if (a->n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      git_adv_ref *g = realloc (a->refs, nc * sizeof *g);
      if (!g) {
        k = -ENOMEM;
        goto bad;
      }
      a->refs = g;
      cap = nc;
    }
    git_adv_ref *ref = &a->refs[a->n];
    memcpy (ref->oid, d, 40);
    ref->oid[40] = '\0';
    ref->name = strndup (d + 41, line_len - 41);
    if (!ref->name) {
      k = -ENOMEM;
      goto bad;
    }
    a->n++;
  }
  if (first && !http && a->n == 0) {
    /* nothing at all: git daemon closes or flushes at once for a
     * repository it does not serve */
    return fail (err, n, -EPROTO, "the server advertised no refs (no such repository, or not exported)");
  }
  if (!a->caps && !(a->caps = strdup (""))) {
    k = -ENOMEM;
    goto bad;
  }
  return 0;
bad:
  _mirage_git_adv_clear (a);
  return k;
}

/* ---- the shallow section, ACK/NAK, the pack ---- */

void
_mirage_git_oids_clear (git_oids *l)
{
  free (l->oids);
  memset (l, 0, sizeof *l);
}

int
_mirage_git_oids_add (git_oids *l, const char *hex)
{
  for (size_t i = 0; i < l->n; i++)
    if (memcmp (l->oids[i], hex, 40) == 0)
      return 0;
  if (l->n == MAX_SHALLOW)
    return -E2BIG;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 8;
    char (*g)[41] = realloc (l->oids, nc * sizeof *g);
    if (!g)
      return -ENOMEM;
    l->oids = g;
    l->cap = nc;
  }
  memcpy (l->oids[l->n], hex, 40);
  l->oids[l->n][40] = '\0';
  l->n++;
  return 0;
}

int
_mirage_git_shallow_read (git_rd *r, git_oids *shallow, git_oids *unshallow, char *err, size_t n)
{
  const char *d;
  size_t len;
  for (;;) {
    int k = _mirage_git_pkt_next (r, &d, &len, err, n);
    if (k < 0)
      return k;
    if (k == GIT_PKT_FLUSH)
      return 0;
    if (len > 0 && d[len - 1] == '\n')
      len--;
    if (starts (d, len, "ERR "))
      return err_line (d, len, err, n);
    git_oids *to = starts (d, len, "shallow ") ? shallow : starts (d, len, "unshallow ") ? unshallow : NULL;
    size_t skip = to == shallow ? 8 : 10;
    if (!to || len != skip + 40 || !is_oid (d + skip, 40)) {
      char shown[128];
      printable (d, len, shown, sizeof shown);
      return fail (err, n, -EPROTO, "bad line '%s' in the shallow list (want 'shallow <id>' or 'unshallow <id>')", shown);
    }
    int e = _mirage_git_oids_add (to, d + skip);
    if (e < 0)
      return fail (err, n, e, "too many shallow commits");
  }
}

int
_mirage_git_ack_read (git_rd *r, char *err, size_t n)
{
  const char *d;
  size_t len;
  int k = _mirage_git_pkt_next (r, &d, &len, err, n);
  if (k < 0)
    return k;
  if (k == GIT_PKT_FLUSH)
    return fail (err, n, -EPROTO, "a flush where ACK or NAK was due");
  if (len > 0 && d[len - 1] == '\n')
    len--;
  if (starts (d, len, "ERR "))
    return err_line (d, len, err, n);
  if (len == 3 && memcmp (d, "NAK", 3) == 0)
    return 0;
  if (len >= 44 && starts (d, len, "ACK ") && is_oid (d + 4, len - 4))
    return 0;
  char shown[128];
  printable (d, len, shown, sizeof shown);
  return fail (err, n, -EPROTO, "bad line '%s' where ACK or NAK was due", shown);
}

int
_mirage_git_pack_read (git_rd *r, size_t max_pkt, git_sink_fn sink, void *ctx, char *err, size_t n)
{
  const char *d;
  size_t len;
  for (;;) {
    int k = _mirage_git_pkt_next (r, &d, &len, err, n);
    if (k < 0)
      return k;
    if (k == GIT_PKT_FLUSH)
      return 0;
    if (len + 4 > max_pkt)
      return fail (err, n, -EPROTO, "a side-band packet of %zu bytes (the limit is %zu)", len + 4, max_pkt);
    if (len == 0)
      return fail (err, n, -EPROTO, "an empty side-band packet");
    switch (d[0]) {
    case 1: {
      int e = sink (ctx, d + 1, len - 1);
      if (e < 0)
        return e;   /* the sink's own message */
      break;
    }
    case 2:
      break;   /* progress: we asked for none */
    case 3: {
      char shown[256];
      printable (d + 1, len - 1, shown, sizeof shown);
      return fail (err, n, -EPROTO, "the server said: %s", shown);
    }
    default:
      return fail (err, n, -EPROTO, "side-band channel %u (only 1, 2 and 3 exist)", (unsigned char) d[0]);
    }
  }
}

int
_mirage_git_report_read (git_rd *r, const char *ref, char **rejected, char *err, size_t n)
{
  const char *d;
  size_t len, rl = strlen (ref);
  bool unpacked = false, reported = false;
  int k;
  *rejected = NULL;
  for (;;) {
    k = _mirage_git_pkt_next (r, &d, &len, err, n);
    if (k < 0)
      goto bad;
    if (k == GIT_PKT_FLUSH)
      break;
    if (len > 0 && d[len - 1] == '\n')
      len--;
    char shown[256];
    printable (d, len, shown, sizeof shown);
    if (starts (d, len, "ERR ")) {
      k = err_line (d, len, err, n);
      goto bad;
    }
    if (starts (d, len, "unpack ")) {
      if (!(len == 9 && memcmp (d + 7, "ok", 2) == 0)) {
        k = fail (err, n, -EPROTO, "the server could not unpack the pack: %s", shown + 7);
        goto bad;
      }
      unpacked = true;
    } else if (starts (d, len, "ok ") && len == 3 + rl && memcmp (d + 3, ref, rl) == 0)
      reported = true;
    else if (starts (d, len, "ng ") && len > 3 + rl && memcmp (d + 3, ref, rl) == 0 && d[3 + rl] == ' ') {
      if (!*rejected) {
        char why[256];
        printable (d + 4 + rl, len - 4 - rl, why, sizeof why);
        size_t sz = rl + strlen (why) + 3;
        if (!(*rejected = malloc (sz))) {
          k = -ENOMEM;
          goto bad;
        }
        snprintf (*rejected, sz, "%s: %s", ref, why);
      }
      reported = true;
    } else if (!starts (d, len, "ok ") && !starts (d, len, "ng ")) {
      k = fail (err, n, -EPROTO, "bad line '%s' in the push report", shown);
      goto bad;
    }
  }
  if (!unpacked || !reported) {
    free (*rejected);
    *rejected = NULL;
    return fail (err, n, -EPROTO, "the push report %s", !unpacked ? "has no 'unpack' line" : "does not name the ref");
  }
  return 0;
bad:
  free (*rejected);
  *rejected = NULL;
  return k;
}

/* ---- HTTP/1.1 responses ---- */

static bool
header_is (const char *line, size_t len, const char *name, const char **value, size_t *vlen)
{
  size_t nl = strlen (name);
  if (len <= nl || line[nl] != ':' || strncasecmp (line, name, nl) != 0)
    return false;
  const char *v = line + nl + 1, *e = line + len;
  while (v < e && (*v == ' ' || *v == '\t'))
    v++;
  while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  *value = v;
  *vlen = (size_t) (e - v);
  return true;
}

int
_mirage_git_http_head (git_rd *r, git_http_resp *h, char *err, size_t n)
{
  memset (h, 0, sizeof *h);
  h->rd = r;
  h->length = -1;
  size_t end = 0;
  for (;;) {
    const char *b = (const char *) r->buf + r->start;
    for (; end + 3 < r->len; end++)
      if (memcmp (b + end, "\r\n\r\n", 4) == 0)
        break;
    if (end + 3 < r->len)
      break;
    if (r->len >= HEAD_MAX)
      return fail (err, n, -EPROTO, "the HTTP response head is longer than %d bytes", HEAD_MAX);
    int e = rd_fill (r, r->len + 1);
    if (e)
      return e > 0 ? fail (err, n, -ECONNRESET, "the server closed the connection before the end of the HTTP response head")
                   : fail (err, n, e, "reading: %s", strerror (-e));
    end = end >= 3 ? end - 3 : 0;
  }
  const char *b = (const char *) r->buf + r->start;
  size_t head_len = end + 4;
  /* the status line */
  size_t l0 = (size_t) ((const char *) memchr (b, '\r', head_len) - b);
  if (l0 < 12 || memcmp (b, "HTTP/1.", 7) != 0 || (b[7] != '0' && b[7] != '1') || b[8] != ' '
      || b[9] < '1' || b[9] > '5' || b[10] < '0' || b[10] > '9' || b[11] < '0' || b[11] > '9'
      || (l0 > 12 && b[12] != ' ')) {
    char shown[64];
    printable (b, l0, shown, sizeof shown);
    return fail (err, n, -EPROTO, "not an HTTP/1.x status line: '%s'", shown);
  }
  h->status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
  printable (l0 > 13 ? b + 13 : "", l0 > 13 ? l0 - 13 : 0, h->reason, sizeof h->reason);
  bool close_delimited = b[7] == '0';
  for (size_t p = l0 + 2; p < end + 2;) {
    const char *line = b + p;
    const char *cr = memchr (line, '\r', end + 2 - p);
    size_t len = cr ? (size_t) (cr - line) : end + 2 - p;
    if (!cr || line[len + 1] != '\n')
      return fail (err, n, -EPROTO, "an HTTP header line not ended by CRLF");
    const char *v;
    size_t vl;
    if (header_is (line, len, "Content-Length", &v, &vl)) {
      int64_t x = 0;
      if (vl == 0 || vl > 15)
        return fail (err, n, -EPROTO, "bad Content-Length");
      for (size_t i = 0; i < vl; i++) {
        if (v[i] < '0' || v[i] > '9')
          return fail (err, n, -EPROTO, "bad Content-Length");
        x = x * 10 + (v[i] - '0');
      }
      if (h->length >= 0 && h->length != x)
        return fail (err, n, -EPROTO, "two different Content-Length headers");
      h->length = x;
    } else if (header_is (line, len, "Transfer-Encoding", &v, &vl)) {
      if (vl == 7 && strncasecmp (v, "chunked", 7) == 0)
        h->chunked = true;
      else if (!(vl == 8 && strncasecmp (v, "identity", 8) == 0))
        return fail (err, n, -EPROTO, "an unsupported Transfer-Encoding");
    } else if (header_is (line, len, "Content-Type", &v, &vl))
      printable (v, vl, h->content_type, sizeof h->content_type);
    p += len + 2;
  }
  (void) close_delimited;
  if (h->chunked)
    h->length = -1;
  h->left = h->length >= 0 ? (uint64_t) h->length : 0;
  rd_take (r, head_len);
  return 0;
}

/* One line of chunked framing ("1a3f;ext" or a trailer), CRLF taken. */
static int
chunk_line (git_http_resp *h, char *line, size_t size)
{
  git_rd *r = h->rd;
  for (size_t i = 0;; i++) {
    if (i + 2 > size)
      return fail (h->err, sizeof h->err, -EPROTO, "a chunk-size line too long");
    int e = rd_fill (r, i + 2);
    if (e)
      return e > 0 ? fail (h->err, sizeof h->err, -ECONNRESET, "the connection closed in the middle of a chunked body")
                   : fail (h->err, sizeof h->err, e, "reading: %s", strerror (-e));
    const char *b = (const char *) r->buf + r->start;
    if (b[i] == '\r' && b[i + 1] == '\n') {
      memcpy (line, b, i);
      line[i] = '\0';
      rd_take (r, i + 2);
      return 0;
    }
  }
}

ssize_t
_mirage_git_http_body_read (void *ctx, void *buf, size_t len)
{
  git_http_resp *h = ctx;
  git_rd *r = h->rd;
  if (h->done)
    return 0;
  if (h->chunked && h->left == 0) {
    char line[128];
    int e;
    if (h->in_chunk) {   /* the CRLF after a chunk's data */
      if ((e = chunk_line (h, line, 4)) < 0)
        return e;
      if (line[0])
        return fail (h->err, sizeof h->err, -EPROTO, "no CRLF after a chunk");
    }
    if ((e = chunk_line (h, line, sizeof line)) < 0)
      return e;
    uint64_t sz = 0;
    size_t i = 0;
    for (; line[i] && line[i] != ';' && line[i] != ' '; i++) {
      int v = hexval ((unsigned char) line[i]);
      if (v < 0 || i >= 15)
        return fail (h->err, sizeof h->err, -EPROTO, "a bad chunk size");
      sz = sz << 4 | (uint64_t) v;
    }
    if (i == 0)
      return fail (h->err, sizeof h->err, -EPROTO, "a bad chunk size");
    if (sz == 0) {
      do   /* trailers, up to the empty line */
        if ((e = chunk_line (h, line, sizeof line)) < 0)
          return e;
      while (line[0]);
      h->done = true;
      return 0;
    }
    h->left = sz;
    h->in_chunk = true;
  }
  if (!h->chunked && h->length >= 0 && h->left == 0) {
    h->done = true;
    return 0;
  }
  size_t want = len;
  if ((h->chunked || h->length >= 0) && want > h->left)
    want = (size_t) h->left;
  ssize_t got = _mirage_git_rd_read (r, buf, want);
  if (got < 0)
    return fail (h->err, sizeof h->err, (int) got, "reading: %s", strerror ((int) -got));
  if (got == 0) {
    if (h->chunked || h->length >= 0)
      return fail (h->err, sizeof h->err, -ECONNRESET, "the connection closed before the end of the HTTP body");
    h->done = true;
    return 0;
  }
  if (h->chunked || h->length >= 0)
    h->left -= (uint64_t) got;
  return got;
}
