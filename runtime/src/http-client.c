/* http-client.c: paf_client and cohttp_client (mirage/http_client.h):
 * the client object: its options, its TLS configuration (made at the
 * first https request), the --http-headers it adds to every request,
 * and the error record every part of the client fills. The rest is one
 * file per concept: http-client-url.c (URLs), -request.c (a request and
 * its exchange), -redirect.c (following redirects), -head.c (the
 * response head), -pool.c (connecting and the pool of kept-alive
 * connections), -io.c (reads and writes under a deadline), -h1.c and
 * -h2.c (the protocols). Shared declarations: http-client-private.h. */
#include "http-client-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mirage_log_src _hc_log = MIRAGE_LOG_SRC_INIT ("http-client", "HTTP client");

/* ---- errors ---- */

int
_hc_fail (mirage_http_client_request *r, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (r->error, sizeof r->error, fmt, ap);
  va_end (ap);
  r->error_code = code;
  mirage_log_debug (&_hc_log, "%s", r->error);
  return code;
}

const char *
mirage_http_client_request_error (const mirage_http_client_request *r)
{
  return r->error;
}

/* ---- the client ---- */

void
mirage_http_client_options_default (mirage_http_client_options *o)
{
  memset (o, 0, sizeof *o);
  o->max_redirects = 5;
  o->timeout_ns = 30 * MIRAGE_NS_PER_S;
  o->max_header_bytes = 64 * 1024;
  o->max_headers = 100;
  o->max_idle_per_origin = 8;
  o->idle_timeout_ns = 30 * MIRAGE_NS_PER_S;
  o->http2 = true;
}

static const char *const alpn_h2[] = { "h2", "http/1.1" };
static const char *const alpn_h1[] = { "http/1.1" };

static void
client_set_alpn (hc_client *c)
{
  if (c->tls == NULL)
    return;
  if (c->opts.http2)
    mirage_tls_config_set_alpn (c->tls, alpn_h2, 2);
  else
    mirage_tls_config_set_alpn (c->tls, alpn_h1, 1);
}

static int
client_new (mirage_stack *stack, bool http2, hc_client **out)
{
  hc_client *c = calloc (1, sizeof *c);
  if (c == NULL)
    return -ENOMEM;
  c->base.stack = stack;
  mirage_http_client_options_default (&c->opts);
  c->opts.http2 = http2;
  /* the TLS configuration (the system's trust store: some 150 ms of
   * parsing) is made at the first https request, so plain HTTP never
   * pays for it; the sandbox profile lets the store be read then */
  *out = c;
  return 0;
}

/* The TLS configuration, made when first needed; NULL with tls_error. */
mirage_tls_config *
_hc_client_tls (hc_client *c)
{
  char *error = NULL;
  if (c->tls != NULL || c->tls_error != NULL)
    return c->tls;
  if (mirage_tls_client_config_new (NULL, &c->tls, &error) < 0)
    {
      c->tls = NULL;
      c->tls_error = error ? error : strdup ("the system's trust store cannot be read");
      return NULL;
    }
  client_set_alpn (c);
  return c->tls;
}

int
mirage_paf_client (mirage_stack *tcp, mirage_mimic *mimic, mirage_http_client **out)
{
  hc_client *c;
  int r = client_new (tcp ? tcp : mirage_mimic_stack (mimic), true, &c);
  if (r < 0)
    return r;
  c->mimic = mimic;
  *out = &c->base;
  return 0;
}

int
mirage_cohttp_client (mirage_resolver *resolver, mirage_conduit *conduit, mirage_http_client **out)
{
  hc_client *c;
  int r = client_new (NULL, false, &c);
  if (r < 0)
    return r;
  c->resolver = resolver;
  c->conduit = conduit;
  *out = &c->base;
  return 0;
}

void
mirage_http_client_set_options (mirage_http_client *cp, const mirage_http_client_options *o)
{
  hc_client *c = (hc_client *) cp;
  c->opts = *o;
  client_set_alpn (c);
}

int
mirage_http_client_set_authenticator (mirage_http_client *cp, const char *authenticator,
                                      char **error)
{
  hc_client *c = (hc_client *) cp;
  mirage_tls_config *cfg;
  int r = mirage_tls_client_config_new (authenticator, &cfg, error);
  if (r < 0)
    return r;
  mirage_tls_config_free (c->tls);
  free (c->tls_error);
  c->tls_error = NULL;
  c->tls = cfg;
  client_set_alpn (c);
  return 0;
}

/* ---- checks and helpers the request and URL code share ---- */

bool
_hc_clean_text (const char *s)
{
  for (; *s; s++)
    if (*s == '\r' || *s == '\n')
      return false;
  return true;
}

bool
_hc_is_token (const char *s, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum ((unsigned char) s[i]) && !strchr ("!#$%&'*+-.^_`|~", s[i]))
      return false;
  return true;
}

static char *
trimmed (const char *s, size_t len)
{
  while (len > 0 && (*s == ' ' || *s == '\t'))
    s++, len--;
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  return strndup (s, len);
}

void
_hc_free_pairs (char **pairs, size_t n)
{
  for (size_t i = 0; i < 2 * n; i++)
    free (pairs[i]);
  free (pairs);
}

void
_hc_set_error (char **error, const char *fmt, ...)
{
  va_list ap;
  char buf[512];
  if (error == NULL)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  *error = strdup (buf);
}

int
mirage_http_client_set_headers (mirage_http_client *cp, const char *spec, char **error)
{
  hc_client *c = (hc_client *) cp;
  char **pairs = NULL;
  size_t n = 0;
  const char *p = spec ? spec : "";
  while (*p)
    {
      const char *end = strchr (p, ',');
      const char *colon;
      size_t len = end ? (size_t) (end - p) : strlen (p);
      char *name, *value, **grown;
      colon = memchr (p, ':', len);
      if (colon == NULL)
        {
          _hc_set_error (error, "--http-headers: '%.*s' is not name:value", (int) (len > 64 ? 64 : len), p);
          _hc_free_pairs (pairs, n);
          return -EINVAL;
        }
      name = trimmed (p, (size_t) (colon - p));
      value = trimmed (colon + 1, len - (size_t) (colon - p) - 1);
      grown = realloc (pairs, (n + 1) * 2 * sizeof *pairs);
      if (name == NULL || value == NULL || grown == NULL)
        {
          free (name);
          free (value);
          _hc_free_pairs (grown ? grown : pairs, n);
          return -ENOMEM;
        }
      pairs = grown;
      pairs[2 * n] = name;
      pairs[2 * n + 1] = value;
      n++;
      if (!_hc_is_token (name, strlen (name)) || !_hc_clean_text (value))
        {
          _hc_set_error (error, "--http-headers: '%s' is not a valid header name", name);
          _hc_free_pairs (pairs, n);
          return -EINVAL;
        }
      p = end ? end + 1 : p + len;
    }
  _hc_free_pairs (c->headers, c->n_headers);
  c->headers = pairs;
  c->n_headers = n;
  return 0;
}

void
mirage_http_client_free (mirage_http_client *cp)
{
  hc_client *c = (hc_client *) cp;
  if (c == NULL)
    return;
  _hc_pool_clear (c);
  mirage_tls_config_free (c->tls);
  free (c->tls_error);
  _hc_free_pairs (c->headers, c->n_headers);
  free (c);
}
