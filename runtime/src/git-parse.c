/* git-parse.c: the outside text the Git clients read, checked before any
 * of it reaches libgit2 or libssh2: remote URLs (mirage/git.h lists the
 * forms), --ssh-key, --ssh-authenticator and --http-headers. Plain C, no
 * library, so the libFuzzer targets (tests/fuzz/fuzz-git-*.c) run it
 * alone. Every refusal names what is wrong and where. */
#include "mirage/git.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail (char *err, size_t err_size, const char *fmt, ...)
{
  if (err && err_size) {
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (err, err_size, fmt, ap);
    va_end (ap);
  }
  return -EINVAL;
}

static char *
dup_n (const char *s, size_t n)
{
  char *d = malloc (n + 1);
  if (d) {
    memcpy (d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* Visible ASCII only: URLs, keys and names are quoted in messages and
 * passed to servers, so control and non-ASCII bytes are refused. */
static bool
all_visible (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((unsigned char) s[i] <= 0x20 || (unsigned char) s[i] >= 0x7f)
      return false;
  return true;
}

static bool
host_ok (const char *h, size_t n, bool bracketed)
{
  if (n == 0 || n > 253)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char) h[i];
    if (bracketed ? !(isxdigit (c) || c == ':' || c == '.')
                  : !(isalnum (c) || c == '-' || c == '.' || c == '_'))
      return false;
  }
  return bracketed || (h[0] != '-' && h[0] != '.');
}

/* A branch name git accepts (check-ref-format's rules, the ones that
 * matter for a name we put in a refspec). */
static bool
branch_ok (const char *b)
{
  size_t n = strlen (b);
  if (n == 0 || n > 255 || b[0] == '-' || b[0] == '/' || b[n - 1] == '/' || b[n - 1] == '.')
    return false;
  if (strstr (b, "..") || strstr (b, "//") || strstr (b, "@{") || strstr (b, "/.")
      || b[0] == '.' || (n >= 5 && strcmp (b + n - 5, ".lock") == 0))
    return false;
  for (size_t i = 0; i < n; i++)
    if (strchr (" ~^:?*[\\", b[i]) || (unsigned char) b[i] < 0x21 || (unsigned char) b[i] >= 0x7f)
      return false;
  return true;
}

void
mirage_git_url_clear (mirage_git_url *u)
{
  free (u->user);
  free (u->host);
  free (u->path);
  free (u->branch);
  memset (u, 0, sizeof *u);
}

static const struct { const char *prefix; unsigned scheme; uint16_t port; } schemes[] = {
  { "git://", MIRAGE_GIT_SCHEME_GIT, 9418 },
  { "http://", MIRAGE_GIT_SCHEME_HTTP, 80 },
  { "https://", MIRAGE_GIT_SCHEME_HTTPS, 443 },
  { "ssh://", MIRAGE_GIT_SCHEME_SSH, 22 },
  { "git+ssh://", MIRAGE_GIT_SCHEME_SSH, 22 },
  { "ssh+git://", MIRAGE_GIT_SCHEME_SSH, 22 },
};

/* HOST or [V6] then optional :PORT, in @s[0..n). */
static int
parse_authority (const char *url, const char *s, size_t n, mirage_git_url *u, char *err,
                 size_t err_size)
{
  const char *host = s, *colon;
  size_t host_len;
  bool bracketed = false;
  if (n > 0 && s[0] == '[') {
    const char *close = memchr (s, ']', n);
    if (!close)
      return fail (err, err_size, "invalid Git URL '%s': '[' without ']' in the host", url);
    host = s + 1;
    host_len = (size_t) (close - host);
    bracketed = true;
    colon = close + 1 < s + n ? close + 1 : NULL;
    if (colon && *colon != ':')
      return fail (err, err_size, "invalid Git URL '%s': unexpected text after ']'", url);
  } else {
    colon = memchr (s, ':', n);
    host_len = colon ? (size_t) (colon - s) : n;
  }
  if (!host_ok (host, host_len, bracketed))
    return fail (err, err_size, "invalid Git URL '%s': bad host name '%.*s'", url,
                 (int) host_len, host);
  if (colon) {
    const char *p = colon + 1, *end = s + n;
    unsigned long port = 0;
    if (p == end)
      return fail (err, err_size, "invalid Git URL '%s': empty port", url);
    for (; p < end; p++) {
      if (!isdigit ((unsigned char) *p) || (port = port * 10 + (unsigned long) (*p - '0')) > 65535)
        return fail (err, err_size, "invalid Git URL '%s': the port must be a number from 1 to 65535", url);
    }
    if (port == 0)
      return fail (err, err_size, "invalid Git URL '%s': the port must be a number from 1 to 65535", url);
    u->port = (uint16_t) port;
  }
  u->host = dup_n (host, host_len);
  return u->host ? 0 : -ENOMEM;
}

int
mirage_git_url_parse (const char *text, mirage_git_url *out, char *err, size_t err_size)
{
  mirage_git_url u = { 0 };
  size_t len = text ? strlen (text) : 0;
  int r;

  memset (out, 0, sizeof *out);
  if (len == 0)
    return fail (err, err_size, "invalid Git URL: it is empty");
  if (len > MIRAGE_GIT_URL_MAX)
    return fail (err, err_size, "invalid Git URL: longer than %d bytes", MIRAGE_GIT_URL_MAX);
  if (!all_visible (text, len))
    return fail (err, err_size, "invalid Git URL: it contains a space, a control or a non-ASCII character");
  /* #BRANCH */
  const char *hash = strchr (text, '#');
  size_t body = hash ? (size_t) (hash - text) : len;
  if (hash) {
    u.branch = strdup (hash + 1);
    if (!u.branch)
      return -ENOMEM;
    if (!branch_ok (u.branch)) {
      mirage_git_url_clear (&u);
      return fail (err, err_size, "invalid Git URL '%s': '%s' is not a valid branch name", text, hash + 1);
    }
  }
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
    size_t pl = strlen (schemes[i].prefix);
    if (body < pl || strncasecmp (text, schemes[i].prefix, pl) != 0)
      continue;
    const char *auth = text + pl, *end = text + body;
    const char *slash = memchr (auth, '/', (size_t) (end - auth));
    if (!slash || slash + 1 >= end) {
      mirage_git_url_clear (&u);
      return fail (err, err_size, "invalid Git URL '%s': no repository path after the host", text);
    }
    const char *at = memchr (auth, '@', (size_t) (slash - auth));
    u.scheme = schemes[i].scheme;
    u.port = schemes[i].port;
    if (at) {
      if (u.scheme != MIRAGE_GIT_SCHEME_SSH || at == auth || memchr (auth, ':', (size_t) (at - auth))) {
        mirage_git_url_clear (&u);
        return fail (err, err_size, "invalid Git URL '%s': credentials in the URL are not supported "
                     "(ssh: a user name only; the key and password are the device's arguments)", text);
      }
      u.user = dup_n (auth, (size_t) (at - auth));
      auth = at + 1;
    }
    r = parse_authority (text, auth, (size_t) (slash - auth), &u, err, err_size);
    if (r == 0) {
      u.path = dup_n (slash, (size_t) (end - slash));
      if (!u.path)
        r = -ENOMEM;
    }
    if (r == 0 && u.scheme == MIRAGE_GIT_SCHEME_SSH && !u.user && !(u.user = strdup ("git")))
      r = -ENOMEM;
    if (r < 0) {
      mirage_git_url_clear (&u);
      return r;
    }
    *out = u;
    return 0;
  }
  if (memmem (text, body, "://", 3)) {
    mirage_git_url_clear (&u);
    return fail (err, err_size, "invalid Git URL '%s': unsupported scheme (git://, http://, https://, "
                 "ssh://, or USER@HOST:PATH)", text);
  }
  /* scp style: [USER@]HOST:PATH; a '/' before the ':' makes it a local
   * path, which git would open on the host: refused. */
  const char *colon = memchr (text, ':', body), *slash = memchr (text, '/', body);
  if (!colon || (slash && slash < colon) || text[0] == '[') {
    mirage_git_url_clear (&u);
    return fail (err, err_size, "invalid Git URL '%s': not a network URL (git://, http://, https://, "
                 "ssh://, or USER@HOST:PATH; local paths are refused)", text);
  }
  const char *at = memchr (text, '@', (size_t) (colon - text)), *host = text;
  if (at) {
    if (at == text) {
      mirage_git_url_clear (&u);
      return fail (err, err_size, "invalid Git URL '%s': empty user name", text);
    }
    u.user = dup_n (text, (size_t) (at - text));
    host = at + 1;
  } else
    u.user = strdup ("git");
  if (!u.user) {
    mirage_git_url_clear (&u);
    return -ENOMEM;
  }
  if (!host_ok (host, (size_t) (colon - host), false)) {
    mirage_git_url_clear (&u);
    return fail (err, err_size, "invalid Git URL '%s': bad host name '%.*s'", text,
                 (int) (colon - host), host);
  }
  if (colon + 1 >= text + body) {
    mirage_git_url_clear (&u);
    return fail (err, err_size, "invalid Git URL '%s': no repository path after the ':'", text);
  }
  u.scheme = MIRAGE_GIT_SCHEME_SSH;
  u.port = 22;
  u.host = dup_n (host, (size_t) (colon - host));
  u.path = dup_n (colon + 1, (size_t) (text + body - colon - 1));
  if (!u.host || !u.path) {
    mirage_git_url_clear (&u);
    return -ENOMEM;
  }
  *out = u;
  return 0;
}

/* ---- base64 (RFC 4648, standard alphabet; padding optional) ---- */

static int
b64_value (unsigned char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decodes @text into exactly @want bytes; false otherwise. */
static bool
b64_decode_exact (const char *text, unsigned char *out, size_t want)
{
  size_t n = strlen (text), got = 0;
  uint32_t acc = 0;
  int bits = 0;
  while (n > 0 && text[n - 1] == '=')
    n--;
  if (strlen (text) - n > 2)
    return false;
  for (size_t i = 0; i < n; i++) {
    int v = b64_value ((unsigned char) text[i]);
    if (v < 0)
      return false;
    acc = (acc << 6) | (uint32_t) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (got == want)
        return false;
      out[got++] = (unsigned char) (acc >> bits);
    }
  }
  /* leftover bits must be zero (a canonical encoding) */
  return got == want && (acc & ((1u << bits) - 1)) == 0;
}

int
mirage_git_ssh_key_parse (const char *text, unsigned char seed[32], char *err, size_t err_size)
{
  if (!text || !*text)
    return fail (err, err_size, "invalid SSH key: it is empty");
  if (strlen (text) > 1024 || !all_visible (text, strlen (text)))
    return fail (err, err_size, "invalid SSH key: too long, or it contains a space, a control or a non-ASCII character");
  if (strncasecmp (text, "rsa:", 4) == 0) {
    if (err && err_size)
      snprintf (err, err_size, "SSH key rsa:<seed> is not supported: awa derives the RSA key from the "
                "seed with its own random generator, which this runtime does not reproduce bit for bit, "
                "so the key would not be the one the server knows; use an ed25519:<base64> key "
                "(awa_gen_key --keytype ed25519)");
    return -ENOTSUP;
  }
  if (strncasecmp (text, "ed25519:", 8) != 0)
    return fail (err, err_size, "invalid SSH key: expected ed25519:<base64> (or rsa:<seed>), not '%.*s...'",
                 (int) (strchr (text, ':') ? strchr (text, ':') - text : 8), text);
  if (!b64_decode_exact (text + 8, seed, 32))
    return fail (err, err_size, "invalid SSH key: the text after 'ed25519:' must be the base64 of 32 bytes");
  return 0;
}

int
mirage_git_ssh_authenticator_parse (const char *text, unsigned char sha256[32], char *err,
                                    size_t err_size)
{
  if (!text || !*text)
    return fail (err, err_size, "invalid SSH authenticator: it is empty");
  if (strlen (text) > 1024 || !all_visible (text, strlen (text)))
    return fail (err, err_size, "invalid SSH authenticator: too long, or it contains a space, a control or a non-ASCII character");
  if (strncmp (text, "SHA256:", 7) != 0)
    return fail (err, err_size, "invalid SSH authenticator '%s': expected SHA256:<base64> "
                 "(the host key's fingerprint as ssh-keygen -lf prints it)", text);
  if (!b64_decode_exact (text + 7, sha256, 32))
    return fail (err, err_size, "invalid SSH authenticator '%s': the text after 'SHA256:' must be the base64 of 32 bytes", text);
  return 0;
}

void
mirage_git_headers_free (char **headers)
{
  for (size_t i = 0; headers && headers[i]; i++)
    free (headers[i]);
  free (headers);
}

int
mirage_git_headers_parse (const char *text, char ***out, char *err, size_t err_size)
{
  size_t n = 0, cap = 0, len = text ? strlen (text) : 0;
  char **v = NULL;
  *out = NULL;
  if (len > 65536)
    return fail (err, err_size, "invalid HTTP headers: longer than 65536 bytes");
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && text[j] != ',')
      j++;
    const char *item = text + i, *colon = memchr (item, ':', j - i);
    size_t name_len = colon ? (size_t) (colon - item) : 0;
    bool ok = colon && name_len > 0;
    for (size_t k = 0; ok && k < name_len; k++)
      ok = isalnum ((unsigned char) item[k]) || strchr ("!#$%&'*+-.^_`|~", item[k]);
    for (const char *p = colon ? colon + 1 : item; ok && p < text + j; p++)
      ok = (unsigned char) *p >= 0x20 && (unsigned char) *p != 0x7f;
    if (!ok) {
      mirage_git_headers_free (v);
      return fail (err, err_size, "invalid HTTP headers: item %zu ('%.*s') is not name:value "
                   "(a token, ':', a value without control characters)", n + 1,
                   (int) (j - i > 64 ? 64 : j - i), item);
    }
    if (n + 2 > cap) {
      cap = cap ? cap * 2 : 4;
      char **g = realloc (v, cap * sizeof *v);
      if (!g) {
        mirage_git_headers_free (v);
        return -ENOMEM;
      }
      v = g;
    }
    const char *value = colon + 1;
    while (value < text + j && *value == ' ')
      value++;
    size_t vl = (size_t) (text + j - value);
    v[n] = malloc (name_len + 2 + vl + 1);
    if (!v[n]) {
      v[n] = NULL;
      mirage_git_headers_free (v);
      return -ENOMEM;
    }
    snprintf (v[n], name_len + 2 + vl + 1, "%.*s: %.*s", (int) name_len, item, (int) vl, value);
    v[++n] = NULL;
    i = j + 1;
  }
  *out = v;
  return 0;
}
