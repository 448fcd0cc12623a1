/* fuzz-git-proto.c: libFuzzer target for what a Git server sends during
 * a shallow fetch (runtime/src/git-proto.c): pkt-lines, the ref
 * advertisement, the shallow list, ACK/NAK, the side-band pack, and the
 * HTTP/1.1 response around them (Content-Length, chunked, to the end).
 *
 * The first byte picks the path, as the client walks it:
 *   0  git:// or SSH: advertisement, shallow list, ACK/NAK, pack
 *   1  HTTP: a response to GET info/refs (head, body, advertisement)
 *   2  HTTP: a response to POST git-upload-pack (shallow list, ACK/NAK,
 *      pack inside the body)
 *   3  a push's answer: report-status (for refs/heads/main)
 *   4  the same inside side-band channel 1
 * The bytes are handed over in chunks of varying sizes, as a network
 * would. Anything parses or fails with a message; what parses holds to
 * the protocol (40-hex ids, names without control bytes, printable
 * capabilities, side-band data within the packet limit). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  const uint8_t *d;
  size_t len, pos;
} mem;

static ssize_t
mem_read (void *ctx, void *buf, size_t len)
{
  mem *m = ctx;
  size_t chunk = 1 + (m->pos * 31 + 7) % 97;   /* short reads of varying sizes */
  if (chunk > len)
    chunk = len;
  if (chunk > m->len - m->pos)
    chunk = m->len - m->pos;
  if (chunk == 0)
    return 0;
  memcpy (buf, m->d + m->pos, chunk);
  m->pos += chunk;
  return (ssize_t) chunk;
}

static size_t sunk;

static int
sink (void *ctx, const void *data, size_t len)
{
  (void) ctx;
  (void) data;
  if (len > 65519)
    __builtin_trap ();
  sunk += len;
  return 0;
}

static void
check_oid (const char *s)
{
  if (strlen (s) != 40)
    __builtin_trap ();
  for (size_t i = 0; i < 40; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      __builtin_trap ();
}

static void
check_failed (int r, const char *err)
{
  if (r >= 0 || err[0] == '\0')
    __builtin_trap ();
}

/* the fetch after the advertisement */
static void
fetch_answer (git_rd *rd)
{
  git_oids sh = { 0 }, un = { 0 };
  char err[512] = "";
  int r = _mirage_git_shallow_read (rd, &sh, &un, err, sizeof err);
  for (size_t i = 0; r == 0 && i < sh.n; i++)
    check_oid (sh.oids[i]);
  for (size_t i = 0; r == 0 && i < un.n; i++)
    check_oid (un.oids[i]);
  if (r == 0)
    r = _mirage_git_ack_read (rd, err, sizeof err);
  if (r == 0)
    r = _mirage_git_pack_read (rd, 65520, sink, NULL, err, sizeof err);
  if (r < 0)
    check_failed (r, err);
  _mirage_git_oids_clear (&sh);
  _mirage_git_oids_clear (&un);
}

static void
advertisement (git_rd *rd, bool http)
{
  git_adv a;
  char err[512] = "";
  int r = _mirage_git_adv_read (rd, http ? "git-upload-pack" : NULL, &a, err, sizeof err);
  if (r < 0) {
    check_failed (r, err);
    return;
  }
  if (!a.caps)
    __builtin_trap ();
  for (const char *p = a.caps; *p; p++)
    if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
      __builtin_trap ();
  for (size_t i = 0; i < a.n; i++) {
    check_oid (a.refs[i].oid);
    if (!a.refs[i].name[0])
      __builtin_trap ();
    for (const char *p = a.refs[i].name; *p; p++)
      if ((unsigned char) *p <= 0x20 || *p == 0x7f)
        __builtin_trap ();
  }
  (void) _mirage_git_cap (a.caps, "shallow");
  _mirage_git_adv_clear (&a);
}

static void
report (git_rd *rd)
{
  char err[512] = "", *rejected = NULL;
  int r = _mirage_git_report_read (rd, "refs/heads/main", &rejected, err, sizeof err);
  if (r < 0) {
    check_failed (r, err);
    if (rejected)
      __builtin_trap ();
  }
  free (rejected);
}

static struct {
  char *d;
  size_t len;
} band;

static int
band_sink (void *ctx, const void *data, size_t len)
{
  (void) ctx;
  char *g = realloc (band.d, band.len + len + 1);
  if (!g)
    return -ENOMEM;
  memcpy (g + band.len, data, len);
  band.d = g;
  band.len += len;
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  mem m = { data + 1, size - 1, 0 };
  git_rd *raw = _mirage_git_rd_new (mem_read, &m);
  if (!raw)
    return 0;
  int mode = data[0] % 5;
  if (mode == 3)
    report (raw);
  else if (mode == 4) {
    char err[512] = "";
    band.d = NULL;
    band.len = 0;
    if (_mirage_git_pack_read (raw, 65520, band_sink, NULL, err, sizeof err) == 0) {
      mem inner = { (const uint8_t *) band.d, band.len, 0 };
      git_rd *rd = _mirage_git_rd_new (mem_read, &inner);
      if (rd)
        report (rd);
      _mirage_git_rd_free (rd);
    }
    free (band.d);
  } else if (mode == 0) {
    advertisement (raw, false);
    fetch_answer (raw);
  } else {
    git_http_resp h;
    char err[512] = "";
    int r = _mirage_git_http_head (raw, &h, err, sizeof err);
    if (r < 0)
      check_failed (r, err);
    else {
      if (h.status < 100 || h.status > 599)
        __builtin_trap ();
      git_rd *body = _mirage_git_rd_new (_mirage_git_http_body_read, &h);
      if (body) {
        if (mode == 1)
          advertisement (body, true);
        else
          fetch_answer (body);
        _mirage_git_rd_free (body);
      }
    }
  }
  _mirage_git_rd_free (raw);
  return 0;
}
