/* tls-authenticator.c: Mirage's TLS authenticator strings (mirage/tls.h).
 *
 * The syntax is ocaml-x509's Authenticator.of_string: the text is split
 * at ':'; "none" alone, "key-fp" or "cert-fp" followed by an optional
 * hash name and a base64 digest, or "trust-anchor" followed by base64
 * DER certificates. Plain C with no library, so the parser is fuzzed on
 * its own (tests/fuzz/fuzz-tls-authenticator.c); the certificates are
 * only decoded from base64 here, GnuTLS checks them when a client
 * configuration is made. Unlike ocaml-x509, a digest whose length does
 * not fit its hash is refused here, at parse time, rather than failing
 * every handshake later. */
#include "mirage/tls.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  mirage_tls_hash hash;
  size_t len;
  const char *print;
} hashes[] = {
  { "md5", MIRAGE_TLS_HASH_MD5, 16, "MD5" },
  { "sha", MIRAGE_TLS_HASH_SHA1, 20, "SHA1" },
  { "sha1", MIRAGE_TLS_HASH_SHA1, 20, "SHA1" },
  { "sha224", MIRAGE_TLS_HASH_SHA224, 28, "SHA224" },
  { "sha256", MIRAGE_TLS_HASH_SHA256, 32, "SHA256" },
  { "sha384", MIRAGE_TLS_HASH_SHA384, 48, "SHA384" },
  { "sha512", MIRAGE_TLS_HASH_SHA512, 64, "SHA512" },
};

const char *
mirage_tls_hash_name (mirage_tls_hash h)
{
  for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
    if (hashes[i].hash == h)
      return hashes[i].print;
  return "?";
}

size_t
mirage_tls_hash_length (mirage_tls_hash h)
{
  for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
    if (hashes[i].hash == h)
      return hashes[i].len;
  return 0;
}

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

/* Standard base64 with or without '=' padding. Writes at most @cap bytes;
 * returns the decoded length, or -1 when malformed or too long. */
static long
b64_decode (const char *s, size_t len, unsigned char *out, size_t cap)
{
  while (len > 0 && s[len - 1] == '=')
    len--;
  if (len % 4 == 1)
    return -1;
  size_t n = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = b64_value ((unsigned char) s[i]);
    if (v < 0)
      return -1;
    acc = (acc << 6) | (unsigned) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n >= cap)
        return -1;
      out[n++] = (unsigned char) (acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  /* leftover bits must be zero (canonical encoding) */
  if (acc != 0)
    return -1;
  return (long) n;
}

static int __attribute__ ((format (printf, 5, 6)))
fail (const char *text, size_t len, char *err, size_t err_size, const char *fmt, ...)
{
  if (err && err_size > 0) {
    int shown = len > 60 ? 60 : (int) len;
    int n = snprintf (err, err_size, "invalid TLS authenticator '%.*s%s': ", shown, text,
                      len > 60 ? "..." : "");
    if (n >= 0 && (size_t) n < err_size) {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (err + n, err_size - (size_t) n, fmt, ap);
      va_end (ap);
    }
  }
  return -EINVAL;
}

/* The next ':'-separated field of [*p, end), advancing *p past it. */
static bool
next_field (const char **p, const char *end, const char **f, size_t *flen)
{
  if (*p > end)
    return false;
  const char *colon = memchr (*p, ':', (size_t) (end - *p));
  *f = *p;
  *flen = (size_t) ((colon ? colon : end) - *p);
  *p = colon ? colon + 1 : end + 1;
  return true;
}

static bool
field_is (const char *f, size_t flen, const char *word)
{
  return flen == strlen (word) && memcmp (f, word, flen) == 0;
}

static int
parse_fingerprint (const char *text, size_t len, const char *p, const char *end,
                   mirage_tls_authenticator *out, char *err, size_t err_size)
{
  const char *f1 = NULL, *f2 = NULL, *extra = NULL;
  size_t l1 = 0, l2 = 0, lx = 0;
  next_field (&p, end, &f1, &l1);
  if (next_field (&p, end, &f2, &l2) && next_field (&p, end, &extra, &lx))
    return fail (text, len, err, err_size, "a fingerprint is [HASH:]BASE64 (too many ':')");
  const char *digest = f1;
  size_t dlen = l1;
  out->hash = MIRAGE_TLS_HASH_SHA256;
  if (f2) {
    size_t i;
    for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
      if (strlen (hashes[i].name) == l1 && strncasecmp (hashes[i].name, f1, l1) == 0)
        break;
    if (i == sizeof hashes / sizeof hashes[0])
      return fail (text, len, err, err_size, "unknown hash algorithm '%.*s' "
                   "(md5, sha1, sha224, sha256, sha384, sha512)", l1 > 20 ? 20 : (int) l1, f1);
    out->hash = hashes[i].hash;
    digest = f2;
    dlen = l2;
  }
  long n = b64_decode (digest, dlen, out->fingerprint, sizeof out->fingerprint);
  if (n < 0)
    return fail (text, len, err, err_size, "the fingerprint is not base64");
  size_t want = mirage_tls_hash_length (out->hash);
  if ((size_t) n != want)
    return fail (text, len, err, err_size, "a %s fingerprint has %zu bytes, this one %ld",
                 mirage_tls_hash_name (out->hash), want, n);
  out->fingerprint_len = (size_t) n;
  return 0;
}

int
mirage_tls_authenticator_parse (const char *text, size_t len, mirage_tls_authenticator *out,
                                char *err, size_t err_size)
{
  memset (out, 0, sizeof *out);
  if (err && err_size)
    err[0] = '\0';
  if (len == 0) {
    out->kind = MIRAGE_TLS_AUTH_SYSTEM;
    return 0;
  }
  if (len > MIRAGE_TLS_AUTH_MAX_TEXT)
    return fail (text, len, err, err_size, "longer than %d bytes", MIRAGE_TLS_AUTH_MAX_TEXT);
  if (memchr (text, '\0', len))
    return fail (text, len, err, err_size, "contains a NUL byte");
  const char *p = text, *end = text + len, *f = NULL;
  size_t flen = 0;
  next_field (&p, end, &f, &flen);
  if (field_is (f, flen, "none")) {
    if (p <= end)
      return fail (text, len, err, err_size, "'none' takes nothing after it");
    out->kind = MIRAGE_TLS_AUTH_NONE;
    return 0;
  }
  if (field_is (f, flen, "key-fp") || field_is (f, flen, "cert-fp")) {
    out->kind = f[0] == 'k' ? MIRAGE_TLS_AUTH_KEY_FP : MIRAGE_TLS_AUTH_CERT_FP;
    if (p > end)
      return fail (text, len, err, err_size, "%.*s needs a fingerprint: %.*s:[HASH:]BASE64",
                   (int) flen, f, (int) flen, f);
    int r = parse_fingerprint (text, len, p, end, out, err, err_size);
    if (r < 0)
      memset (out, 0, sizeof *out);
    return r;
  }
  if (field_is (f, flen, "trust-anchor")) {
    out->kind = MIRAGE_TLS_AUTH_TRUST_ANCHOR;
    if (p > end)
      return fail (text, len, err, err_size, "trust-anchor needs at least one base64 DER certificate");
    while (p <= end) {
      next_field (&p, end, &f, &flen);
      if (out->n_anchors == MIRAGE_TLS_AUTH_MAX_ANCHORS) {
        mirage_tls_authenticator_clear (out);
        return fail (text, len, err, err_size, "more than %d trust anchors", MIRAGE_TLS_AUTH_MAX_ANCHORS);
      }
      size_t cap = flen / 4 * 3 + 3;
      unsigned char *der = malloc (cap ? cap : 1);
      mirage_tls_der *grown = realloc (out->anchors, (out->n_anchors + 1) * sizeof *grown);
      if (!der || !grown) {
        free (der);
        if (grown)
          out->anchors = grown;
        mirage_tls_authenticator_clear (out);
        return -ENOMEM;
      }
      out->anchors = grown;
      long n = b64_decode (f, flen, der, cap);
      if (n <= 0) {
        free (der);
        size_t k = out->n_anchors + 1;
        mirage_tls_authenticator_clear (out);
        return fail (text, len, err, err_size, "trust anchor %zu is not base64 DER", k);
      }
      out->anchors[out->n_anchors].der = der;
      out->anchors[out->n_anchors].len = (size_t) n;
      out->n_anchors++;
    }
    return 0;
  }
  return fail (text, len, err, err_size,
               "expected none, key-fp:[HASH:]BASE64, cert-fp:[HASH:]BASE64 or trust-anchor:BASE64...");
}

void
mirage_tls_authenticator_clear (mirage_tls_authenticator *a)
{
  for (size_t i = 0; i < a->n_anchors; i++)
    free (a->anchors[i].der);
  free (a->anchors);
  memset (a, 0, sizeof *a);
}
