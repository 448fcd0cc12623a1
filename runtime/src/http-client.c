/* http-client.c: paf_client and cohttp_client (mirage/http_client.h):
 * the request object, URLs, connecting (mimic or resolver + conduit,
 * TLS with ALPN), the pool of kept-alive connections, timeouts and
 * redirects. The protocols are in http-client-h1.c (http-parser) and
 * http-client-h2.c (nghttp2); this file picks one per connection.
 *
 * Timeouts: a request's reads and writes set a deadline; a watchdog
 * task per request sleeps until it and, if the operation is still
 * under way then, shuts the TCP flow down, so the suspended read or
 * write returns and the request fails with -ETIMEDOUT. Connecting (and
 * the TLS handshake) runs under mirage_task_with_timeout instead. */
#include "http-client-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mirage/log.h"

MIRAGE_LOG_SRC (hc_log, "http-client", "HTTP client");

/* ---- errors ---- */

int
_hc_fail (mirage_http_client_request *r, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (r->error, sizeof r->error, fmt, ap);
  va_end (ap);
  r->error_code = code;
  mirage_log_debug (&hc_log, "%s", r->error);
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
static mirage_tls_config *
client_tls (hc_client *c)
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

static bool
clean_text (const char *s)
{
  for (; *s; s++)
    if (*s == '\r' || *s == '\n')
      return false;
  return true;
}

static bool
is_token (const char *s, size_t len)
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

static void
free_pairs (char **pairs, size_t n)
{
  for (size_t i = 0; i < 2 * n; i++)
    free (pairs[i]);
  free (pairs);
}

static void
set_error (char **error, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
set_error (char **error, const char *fmt, ...)
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
          set_error (error, "--http-headers: '%.*s' is not name:value", (int) (len > 64 ? 64 : len), p);
          free_pairs (pairs, n);
          return -EINVAL;
        }
      name = trimmed (p, (size_t) (colon - p));
      value = trimmed (colon + 1, len - (size_t) (colon - p) - 1);
      grown = realloc (pairs, (n + 1) * 2 * sizeof *pairs);
      if (name == NULL || value == NULL || grown == NULL)
        {
          free (name);
          free (value);
          free_pairs (grown ? grown : pairs, n);
          return -ENOMEM;
        }
      pairs = grown;
      pairs[2 * n] = name;
      pairs[2 * n + 1] = value;
      n++;
      if (!is_token (name, strlen (name)) || !clean_text (value))
        {
          set_error (error, "--http-headers: '%s' is not a valid header name", name);
          free_pairs (pairs, n);
          return -EINVAL;
        }
      p = end ? end + 1 : p + len;
    }
  free_pairs (c->headers, c->n_headers);
  c->headers = pairs;
  c->n_headers = n;
  return 0;
}

static void
conn_close (hc_conn *k)
{
  if (k == NULL)
    return;
  if (k->h2)
    _hc_h2_close (k);
  if (k->tls)
    mirage_tls_close (k->tls);
  else if (k->cflow)
    mirage_conduit_close (k->cflow);
  else if (k->tcp)
    mirage_tcp_close (k->tcp);
  free (k->origin);
  free (k);
}

void
mirage_http_client_free (mirage_http_client *cp)
{
  hc_client *c = (hc_client *) cp;
  if (c == NULL)
    return;
  while (c->pool)
    {
      hc_conn *k = c->pool;
      c->pool = k->next;
      conn_close (k);
    }
  mirage_tls_config_free (c->tls);
  free (c->tls_error);
  free_pairs (c->headers, c->n_headers);
  free (c);
}

/* ---- URLs ---- */

/* Sets @r's URL to @url: scheme, host, port and target. */
static int
set_url (mirage_http_client_request *r, const char *url)
{
  struct http_parser_url u;
  size_t len = strlen (url);
  char *scheme, *host, *target;
  uint16_t port;

  http_parser_url_init (&u);
  if (len == 0 || len > 8192 || !clean_text (url) || http_parser_parse_url (url, len, 0, &u) != 0
      || !(u.field_set & (1 << UF_SCHEMA)) || !(u.field_set & (1 << UF_HOST)))
    return _hc_fail (r, -EINVAL, "invalid URL '%.200s': not scheme://host[:port][/path]", url);
  scheme = strndup (url + u.field_data[UF_SCHEMA].off, u.field_data[UF_SCHEMA].len);
  if (scheme == NULL)
    return -ENOMEM;
  for (char *s = scheme; *s; s++)
    *s = (char) tolower ((unsigned char) *s);
  if (strcmp (scheme, "http") != 0 && strcmp (scheme, "https") != 0)
    {
      _hc_fail (r, -EINVAL, "invalid URL '%.200s': the scheme must be http or https, not '%s'",
                url, scheme);
      free (scheme);
      return -EINVAL;
    }
  if (u.field_set & (1 << UF_PORT))
    {
      if (u.port == 0)
        {
          free (scheme);
          return _hc_fail (r, -EINVAL, "invalid URL '%.200s': port 0", url);
        }
      port = u.port;
    }
  else
    port = strcmp (scheme, "https") == 0 ? 443 : 80;
  host = strndup (url + u.field_data[UF_HOST].off, u.field_data[UF_HOST].len);
  {
    /* path?query; the fragment stays with the client */
    size_t start = (u.field_set & (1 << UF_PATH)) ? u.field_data[UF_PATH].off : 0;
    size_t end = start;
    if (u.field_set & (1 << UF_PATH))
      end = u.field_data[UF_PATH].off + u.field_data[UF_PATH].len;
    if (u.field_set & (1 << UF_QUERY))
      {
        if (start == 0)
          start = u.field_data[UF_QUERY].off - 1;
        end = u.field_data[UF_QUERY].off + u.field_data[UF_QUERY].len;
      }
    if (start == 0)
      target = strdup ("/");
    else if (url[start] == '?')
      {
        target = malloc (end - start + 2);
        if (target)
          {
            target[0] = '/';
            memcpy (target + 1, url + start, end - start);
            target[end - start + 1] = '\0';
          }
      }
    else
      target = strndup (url + start, end - start);
  }
  if (host == NULL || target == NULL)
    {
      free (scheme);
      free (host);
      free (target);
      return -ENOMEM;
    }
  free (r->scheme);
  free (r->host);
  free (r->target);
  r->scheme = scheme;
  r->host = host;
  r->target = target;
  r->port = port;
  {
    char *copy = strdup (url);
    if (copy == NULL)
      return -ENOMEM;
    free (r->url);
    r->url = copy;
  }
  return 0;
}

/* @location resolved against @r's URL, malloc'ed. */
static char *
resolve_location (mirage_http_client_request *r, const char *location)
{
  char *out;
  size_t n;
  bool v6 = strchr (r->host, ':') != NULL;
  const char *p = location;
  while (isalpha ((unsigned char) *p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p == ':' && p > location)
    return strdup (location);                     /* absolute */
  if (location[0] == '/' && location[1] == '/')
    {
      n = strlen (r->scheme) + 1 + strlen (location) + 1;
      out = malloc (n);
      if (out)
        snprintf (out, n, "%s:%s", r->scheme, location);
      return out;
    }
  n = strlen (r->scheme) + strlen (r->host) + strlen (r->target) + strlen (location) + 32;
  out = malloc (n);
  if (out == NULL)
    return NULL;
  if (location[0] == '/')
    snprintf (out, n, "%s://%s%s%s:%u%s", r->scheme, v6 ? "[" : "", r->host, v6 ? "]" : "",
              r->port, location);
  else
    {
      /* relative to the target's directory */
      size_t dir = strcspn (r->target, "?");
      while (dir > 0 && r->target[dir - 1] != '/')
        dir--;
      snprintf (out, n, "%s://%s%s%s:%u%.*s%s", r->scheme, v6 ? "[" : "", r->host, v6 ? "]" : "",
                r->port, (int) dir, r->target, location);
    }
  return out;
}

static char *
origin_of (mirage_http_client_request *r)
{
  size_t n = strlen (r->scheme) + strlen (r->host) + 16;
  char *o = malloc (n);
  if (o)
    snprintf (o, n, "%s://%s:%u", r->scheme, r->host, r->port);
  return o;
}

/* ---- requests ---- */

int
mirage_http_client_request_new (mirage_http_client *cp, const char *method, const char *url,
                                mirage_http_client_request **out, char **error)
{
  hc_client *c = (hc_client *) cp;
  mirage_http_client_request *r;
  int e;
  if (method == NULL)
    method = "GET";
  if (!is_token (method, strlen (method)))
    {
      set_error (error, "invalid HTTP method '%.64s'", method);
      return -EINVAL;
    }
  r = calloc (1, sizeof *r);
  if (r == NULL)
    return -ENOMEM;
  r->client = c;
  r->method = strdup (method);
  if (r->method == NULL)
    {
      free (r);
      return -ENOMEM;
    }
  e = set_url (r, url ? url : "");
  if (e < 0)
    {
      set_error (error, "%s", e == -ENOMEM ? strerror (ENOMEM) : r->error);
      mirage_http_client_request_free (r);
      return e;
    }
  r->content_length = -1;
  *out = r;
  return 0;
}

int
mirage_http_client_request_add_header (mirage_http_client_request *r, const char *name,
                                       const char *value)
{
  char **grown;
  if (!is_token (name, strlen (name)) || !clean_text (value))
    return _hc_fail (r, -EINVAL, "invalid request header '%.64s'", name);
  grown = realloc (r->req_headers, (r->n_req_headers + 1) * 2 * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  r->req_headers = grown;
  grown[2 * r->n_req_headers] = strdup (name);
  grown[2 * r->n_req_headers + 1] = strdup (value);
  r->n_req_headers++;
  if (grown[2 * r->n_req_headers - 2] == NULL || grown[2 * r->n_req_headers - 1] == NULL)
    return -ENOMEM;
  return 0;
}

static void
drop_request_header (mirage_http_client_request *r, const char *name)
{
  size_t j = 0;
  for (size_t i = 0; i < r->n_req_headers; i++)
    {
      if (strcasecmp (r->req_headers[2 * i], name) == 0)
        {
          free (r->req_headers[2 * i]);
          free (r->req_headers[2 * i + 1]);
          continue;
        }
      r->req_headers[2 * j] = r->req_headers[2 * i];
      r->req_headers[2 * j + 1] = r->req_headers[2 * i + 1];
      j++;
    }
  r->n_req_headers = j;
}

/* ---- the response head ---- */

void
_hc_reset_response (mirage_http_client_request *r)
{
  r->status = 0;
  r->version = 0;
  r->head_len = 0;
  r->head_state = 0;
  r->n_headers = 0;
  free (r->headers);
  r->headers = NULL;
  r->content_length = -1;
  r->ended = false;
  r->reusable = false;
  r->headers_done = false;
  r->message_done = false;
  r->body_at = NULL;
  r->body_left = 0;
  r->down_off = r->down_len = 0;
  r->stream_closed = false;
  r->reset_code = 0;
}

static int
head_put (mirage_http_client_request *r, const char *at, size_t len)
{
  hc_client *c = r->client;
  if (r->head_len + len + 1 > c->opts.max_header_bytes)
    return _hc_fail (r, -EMSGSIZE, "the response from %s headers over %zu bytes", r->host,
                     c->opts.max_header_bytes);
  if (r->head_len + len + 1 > r->head_cap)
    {
      size_t cap = r->head_cap ? r->head_cap : 1024;
      char *grown;
      while (cap < r->head_len + len + 1)
        cap *= 2;
      grown = realloc (r->head, cap);
      if (grown == NULL)
        return -ENOMEM;
      r->head = grown;
      r->head_cap = cap;
    }
  memcpy (r->head + r->head_len, at, len);
  r->head_len += len;
  return 0;
}

int
_hc_head_begin_name (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  int e;
  if (r->head_state != 0 && (e = head_put (r, "", 1)) < 0)   /* ends the last value */
    return e;
  if (r->n_headers >= c->opts.max_headers)
    return _hc_fail (r, -EMSGSIZE, "the response from %s has more than %zu header fields",
                     r->host, c->opts.max_headers);
  if (r->n_headers % 16 == 0)
    {
      size_t *grown = realloc (r->head_offs, (r->n_headers + 16) * 2 * sizeof *grown);
      if (grown == NULL)
        return -ENOMEM;
      r->head_offs = grown;
    }
  r->head_offs[2 * r->n_headers] = r->head_len;
  r->head_offs[2 * r->n_headers + 1] = r->head_len;
  r->n_headers++;
  r->head_state = 1;
  return 0;
}

int
_hc_head_begin_value (mirage_http_client_request *r)
{
  int e = head_put (r, "", 1);
  if (e < 0)
    return e;
  r->head_offs[2 * r->n_headers - 1] = r->head_len;
  r->head_state = 2;
  return 0;
}

int
_hc_head_append (mirage_http_client_request *r, const char *at, size_t len)
{
  return head_put (r, at, len);
}

int
_hc_head_end (mirage_http_client_request *r)
{
  int e;
  if (r->head_state == 1 && (e = _hc_head_begin_value (r)) < 0)
    return e;
  if ((e = head_put (r, "", 1)) < 0)
    return e;
  r->headers = calloc (r->n_headers ? r->n_headers : 1, sizeof *r->headers);
  if (r->headers == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < r->n_headers; i++)
    {
      r->headers[i].name = r->head + r->head_offs[2 * i];
      r->headers[i].value = r->head + r->head_offs[2 * i + 1];
    }
  return 0;
}

int mirage_http_client_response_status (const mirage_http_client_request *r) { return r->status; }
int mirage_http_client_response_version (const mirage_http_client_request *r) { return r->version; }
size_t mirage_http_client_response_header_count (const mirage_http_client_request *r) { return r->headers ? r->n_headers : 0; }
int64_t mirage_http_client_response_content_length (const mirage_http_client_request *r) { return r->content_length; }
const char *mirage_http_client_response_url (const mirage_http_client_request *r) { return r->url; }
int mirage_http_client_response_redirects (const mirage_http_client_request *r) { return r->redirects; }

const mirage_http_client_header *
mirage_http_client_response_header_at (const mirage_http_client_request *r, size_t i)
{
  return r->headers && i < r->n_headers ? &r->headers[i] : NULL;
}

const char *
mirage_http_client_response_header (const mirage_http_client_request *r, const char *name)
{
  for (size_t i = 0; r->headers && i < r->n_headers; i++)
    if (strcasecmp (r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

/* ---- timeouts ---- */

static int
watchdog_task (void *arg)
{
  mirage_http_client_request *r = arg;
  for (;;)
    {
      uint64_t d = r->deadline ? r->deadline : mirage_loop_now_ns () + r->client->opts.timeout_ns;
      if (mirage_task_sleep_until (d) < 0)
        return 0;
      if (r->deadline != 0 && mirage_loop_now_ns () >= r->deadline)
        {
          r->timed_out = true;
          if (r->conn && r->conn->tcp)
            mirage_tcp_shutdown (r->conn->tcp, MIRAGE_SHUTDOWN_READ_WRITE);
          return 0;
        }
    }
}

static void
arm (mirage_http_client_request *r)
{
  uint64_t t = r->client->opts.timeout_ns;
  if (t == 0 || mirage_task_self () == NULL)
    return;
  r->deadline = mirage_loop_now_ns () + t;
  if (r->watchdog == NULL)
    r->watchdog = mirage_task_spawn ("http-client-timeout", watchdog_task, r);
}

ssize_t
_hc_fill (mirage_http_client_request *r)
{
  hc_conn *k = r->conn;
  ssize_t n;
  arm (r);
  if (k->tls)
    n = mirage_tls_read (k->tls, k->in, sizeof k->in);
  else if (k->cflow)
    n = mirage_conduit_read (k->cflow, k->in, sizeof k->in);
  else
    n = mirage_tcp_read (k->tcp, k->in, sizeof k->in);
  r->deadline = 0;
  if (r->timed_out)
    return _hc_fail (r, -ETIMEDOUT, "%s did not answer within %.1f s", r->host,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (n > 0)
    {
      k->in_off = 0;
      k->in_len = (size_t) n;
    }
  else if (n < 0)
    _hc_fail (r, (int) n, "reading from %s: %s", r->host, strerror ((int) -n));
  return n;
}

int
_hc_write (mirage_http_client_request *r, const void *buf, size_t len)
{
  hc_conn *k = r->conn;
  int e;
  arm (r);
  if (k->tls)
    e = mirage_tls_write (k->tls, buf, len);
  else if (k->cflow)
    e = mirage_conduit_write (k->cflow, buf, len);
  else
    e = mirage_tcp_write (k->tcp, buf, len);
  r->deadline = 0;
  if (r->timed_out)
    return _hc_fail (r, -ETIMEDOUT, "%s did not take the request within %.1f s", r->host,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (e < 0)
    return _hc_fail (r, e, "writing to %s: %s", r->host, strerror (-e));
  return 0;
}

/* ---- connecting ---- */

typedef struct {
  mirage_http_client_request *r;
  hc_conn *conn;
  int status;
  char error[400];
} connect_job;

static int
connect_task (void *arg)
{
  connect_job *j = arg;
  mirage_http_client_request *r = j->r;
  hc_client *c = r->client;
  bool tls = strcmp (r->scheme, "https") == 0;
  hc_conn *k = calloc (1, sizeof *k);
  char *error = NULL;
  int e;

  if (k == NULL)
    return j->status = -ENOMEM;
  if (c->mimic)
    {
      e = mirage_mimic_connect (c->mimic, r->host, r->port, &k->tcp);
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot connect to %s port %u: %s", r->host, r->port,
                    e == -ENOENT ? "no such host" : strerror (-e));
          free (k);
          return j->status = e;
        }
    }
  else
    {
      mirage_ipaddr ips[8];
      size_t n = 0;
      mirage_conduit_flow *raw = NULL;
      e = c->resolver ? mirage_resolve (c->resolver, r->host, ips, 8, &n) : -EHOSTUNREACH;
      if (e == 0 && n == 0)
        e = -ENOENT;
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot resolve %s: %s", r->host,
                    e == -ENOENT ? "no such host" : strerror (-e));
          free (k);
          return j->status = e;
        }
      for (size_t i = 0; i < n; i++)
        {
          mirage_endpoint dst = { ips[i], r->port };
          free (error);
          error = NULL;
          e = mirage_conduit_connect (c->conduit, &dst, r->host, &raw, &error);
          if (e == 0)
            break;
        }
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "cannot connect to %s port %u: %s", r->host, r->port,
                    error ? error : strerror (-e));
          free (error);
          free (k);
          return j->status = e;
        }
      k->tcp = mirage_conduit_tcp_flow (raw);
      if (k->tcp)
        free (raw);          /* conduit_direct: the TCP flow is ours (as conduit-tls.c) */
      else if (!tls)
        {
          mirage_conduit_close (raw);
          snprintf (j->error, sizeof j->error, "cannot fetch %s: the conduit speaks TLS only (http:// needs conduit_direct)", r->url);
          free (k);
          return j->status = -EPROTONOSUPPORT;
        }
      else
        {
          k->cflow = raw;    /* conduit_tls: the conduit did the TLS */
          tls = false;
        }
    }
  if (tls)
    {
      mirage_flow *flow = k->tcp;
      if (client_tls (c) == NULL)
        {
          mirage_tcp_close (flow);
          snprintf (j->error, sizeof j->error, "cannot fetch %s: %s", r->url,
                    c->tls_error ? c->tls_error : strerror (ENOMEM));
          free (k);
          return j->status = -ENOKEY;
        }
      e = mirage_tls_client (c->tls, flow, r->host, &k->tls, &error);
      if (e < 0)
        {
          snprintf (j->error, sizeof j->error, "TLS with %s port %u: %s", r->host, r->port,
                    error ? error : strerror (-e));
          free (error);
          free (k);        /* the session closed the flow */
          return j->status = e;
        }
      if (mirage_tls_alpn (k->tls) && strcmp (mirage_tls_alpn (k->tls), "h2") == 0)
        k->version = 20;
    }
  free (error);
  if (k->version == 0)
    k->version = 11;
  k->origin = origin_of (r);
  if (k->origin == NULL)
    {
      conn_close (k);
      return j->status = -ENOMEM;
    }
  j->conn = k;
  return j->status = 0;
}

static hc_conn *
pool_take (mirage_http_client_request *r, const char *origin)
{
  hc_client *c = r->client;
  hc_conn **pp = &c->pool;
  uint64_t now = mirage_loop_now_ns ();
  while (*pp)
    {
      hc_conn *k = *pp;
      bool stale = c->opts.idle_timeout_ns && now - k->idle_since > c->opts.idle_timeout_ns;
      if (stale || (k->h2 && !_hc_h2_usable (k)))
        {
          *pp = k->next;
          conn_close (k);
          continue;
        }
      if (strcmp (k->origin, origin) == 0)
        {
          *pp = k->next;
          k->next = NULL;
          k->reused = true;
          return k;
        }
      pp = &k->next;
    }
  return NULL;
}

static int
get_conn (mirage_http_client_request *r, bool fresh)
{
  char *origin = origin_of (r);
  connect_job j;
  int e;
  if (origin == NULL)
    return -ENOMEM;
  r->conn = fresh ? NULL : pool_take (r, origin);
  free (origin);
  if (r->conn)
    return 0;
  memset (&j, 0, sizeof j);
  j.r = r;
  if (r->client->opts.timeout_ns && mirage_task_self ())
    e = mirage_task_with_timeout (r->client->opts.timeout_ns, "http-client-connect", connect_task, &j);
  else
    e = connect_task (&j);
  if (e == -ETIMEDOUT && j.conn == NULL)
    return _hc_fail (r, e, "connecting to %s port %u took more than %.1f s", r->host, r->port,
                     (double) r->client->opts.timeout_ns / 1e9);
  if (j.conn == NULL)
    return _hc_fail (r, j.status < 0 ? j.status : -EIO, "%s", j.error[0] ? j.error : strerror (-j.status));
  r->conn = j.conn;
  if (r->conn->version == 20 && (e = _hc_h2_open (r->conn)) < 0)
    {
      conn_close (r->conn);
      r->conn = NULL;
      return _hc_fail (r, e, "HTTP/2 with %s: %s", r->host, strerror (-e));
    }
  mirage_log_debug (&hc_log, "connected to %s port %u (%s)", r->host, r->port,
                    r->conn->version == 20 ? "HTTP/2" : "HTTP/1.1");
  return 0;
}

/* Gives the connection back to the pool, or closes it. */
static void
release_conn (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  hc_conn *k = r->conn;
  size_t same = 0;
  if (k == NULL)
    return;
  if (k->version == 20)
    _hc_h2_release (r);
  r->conn = NULL;
  if (!r->reusable || r->timed_out || (k->version == 11 && k->in_off < k->in_len)
      || (k->h2 && !_hc_h2_usable (k)))
    {
      conn_close (k);
      return;
    }
  for (hc_conn *p = c->pool; p; p = p->next)
    same += strcmp (p->origin, k->origin) == 0;
  if (same >= c->opts.max_idle_per_origin)
    {
      conn_close (k);
      return;
    }
  k->idle_since = mirage_loop_now_ns ();
  k->next = c->pool;
  c->pool = k;
}

/* ---- the exchange ---- */

static bool
retryable (mirage_http_client_request *r, int e)
{
  /* a kept connection the server closed meanwhile: nothing of the
   * answer came, and the request can be sent again as it was */
  return r->conn && r->conn->reused && r->body_length == 0 && r->status == 0 && r->head_len == 0
         && (e == -ECONNRESET || e == -EPIPE || e == -ENOTCONN || e == -ESHUTDOWN);
}

static int
send_head (mirage_http_client_request *r)
{
  int e;
  for (int attempt = 0;; attempt++)
    {
      if ((e = get_conn (r, attempt > 0)) < 0)
        return e;
      r->version = r->conn->version;
      e = r->conn->version == 20 ? _hc_h2_send_head (r) : _hc_h1_send_head (r);
      if (e < 0 && attempt == 0 && retryable (r, e))
        {
          r->reusable = false;
          release_conn (r);
          continue;
        }
      return e;
    }
}

int
mirage_http_client_request_send (mirage_http_client_request *r, int64_t content_length)
{
  if (r->sent)
    return _hc_fail (r, -EALREADY, "the request to %s was already sent", r->url);
  if (content_length < -1)
    return _hc_fail (r, -EINVAL, "invalid body length %lld", (long long) content_length);
  r->sent = true;
  r->body_length = content_length;
  r->body_done = content_length == 0;
  r->head_request = strcmp (r->method, "HEAD") == 0;
  return send_head (r);
}

int
mirage_http_client_request_write (mirage_http_client_request *r, const void *buf, size_t len)
{
  int e;
  if (!r->sent || r->conn == NULL || r->waited)
    return _hc_fail (r, -EINVAL, "the request to %s is not sending a body", r->url);
  if (r->body_length >= 0 && r->body_sent + len > (uint64_t) r->body_length)
    return _hc_fail (r, -EFBIG, "the body to %s is longer than its %lld bytes", r->url,
                     (long long) r->body_length);
  if (len == 0)
    return 0;
  e = r->conn->version == 20 ? _hc_h2_write (r, buf, len) : _hc_h1_write (r, buf, len);
  if (e == 0)
    r->body_sent += len;
  return e;
}

static bool
is_redirect (int status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Reads and drops the rest of a body (a redirect's), at most 1 MiB;
 * true when it ended. */
static bool
drain (mirage_http_client_request *r)
{
  char buf[4096];
  size_t total = 0;
  ssize_t n;
  while ((n = mirage_http_client_response_read (r, buf, sizeof buf)) > 0)
    if ((total += (size_t) n) > 1024 * 1024)
      return false;
  return n == 0;
}

static int
read_head (mirage_http_client_request *r)
{
  int e;
  if (!r->body_done)
    {
      if (r->body_length > 0 && r->body_sent < (uint64_t) r->body_length)
        return _hc_fail (r, -EINVAL, "the body to %s ended after %llu of its %lld bytes", r->url,
                         (unsigned long long) r->body_sent, (long long) r->body_length);
      e = r->conn->version == 20 ? _hc_h2_end_body (r) : _hc_h1_end_body (r);
      if (e < 0)
        return e;
      r->body_done = true;
    }
  e = r->conn->version == 20 ? _hc_h2_read_head (r) : _hc_h1_read_head (r);
  if (e < 0 && retryable (r, e))
    {
      r->reusable = false;
      release_conn (r);
      _hc_reset_response (r);
      r->error[0] = '\0';
      r->error_code = 0;
      if ((e = get_conn (r, true)) < 0)
        return e;
      r->version = r->conn->version;
      e = r->conn->version == 20 ? _hc_h2_send_head (r) : _hc_h1_send_head (r);
      if (e == 0 && r->conn->version == 20)
        e = _hc_h2_end_body (r);
      if (e == 0)
        e = r->conn->version == 20 ? _hc_h2_read_head (r) : _hc_h1_read_head (r);
    }
  return e;
}

int
mirage_http_client_request_wait (mirage_http_client_request *r)
{
  hc_client *c = r->client;
  int e;
  if (!r->sent || r->conn == NULL)
    return _hc_fail (r, -EINVAL, "the request to %s was not sent", r->url);
  if (r->waited)
    return r->status;
  r->waited = true;
  for (;;)
    {
      const char *location;
      char *next, *old_origin, *new_origin;
      if ((e = read_head (r)) < 0)
        return e;
      location = mirage_http_client_response_header (r, "location");
      /* 303, and 301/302 after POST, continue as GET without a body; the
       * others keep the method and its body, which was streamed and
       * cannot be sent again: those are followed only without a body */
      bool to_get = r->status == 303 ? strcmp (r->method, "HEAD") != 0
                    : (r->status == 301 || r->status == 302) && strcmp (r->method, "POST") == 0;
      if (!is_redirect (r->status) || location == NULL || c->opts.max_redirects < 0
          || (!to_get && r->body_length != 0))
        return r->status;
      if (r->redirects >= c->opts.max_redirects)
        return _hc_fail (r, -ELOOP, "too many redirects: %d followed, then %s sends %d to %.200s",
                         r->redirects, r->url, r->status, location);
      next = resolve_location (r, location);
      if (next == NULL)
        return -ENOMEM;
      old_origin = origin_of (r);
      {
        if (!drain (r))
          r->reusable = false;
        release_conn (r);
        if (to_get)
          {
            free (r->method);
            r->method = strdup ("GET");
            r->head_request = false;
            r->body_length = 0;
            if (r->method == NULL)
              {
                free (next);
                free (old_origin);
                return -ENOMEM;
              }
          }
      }
      e = set_url (r, next);
      free (next);
      if (e < 0)
        {
          free (old_origin);
          return _hc_fail (r, e, "the redirect to %.200s cannot be followed: %s", location, r->error);
        }
      new_origin = origin_of (r);
      if (old_origin && new_origin && strcmp (old_origin, new_origin) != 0)
        {
          drop_request_header (r, "authorization");
          drop_request_header (r, "cookie");
        }
      free (old_origin);
      free (new_origin);
      r->redirects++;
      mirage_log_debug (&hc_log, "redirect %d to %s", r->redirects, r->url);
      _hc_reset_response (r);
      r->body_sent = 0;
      r->body_done = r->body_length == 0;
      if ((e = send_head (r)) < 0)
        return e;
    }
}

int
mirage_http_client_request_run (mirage_http_client_request *r)
{
  int e = mirage_http_client_request_send (r, 0);
  return e < 0 ? e : mirage_http_client_request_wait (r);
}

ssize_t
mirage_http_client_response_read (mirage_http_client_request *r, void *buf, size_t len)
{
  ssize_t n;
  if (r->ended)
    return 0;
  if (!r->waited || r->status == 0 || r->conn == NULL)
    return r->error_code < 0 ? r->error_code
                             : _hc_fail (r, -EINVAL, "no response from %s to read", r->url);
  n = r->conn->version == 20 ? _hc_h2_read (r, buf, len) : _hc_h1_read (r, buf, len);
  if (n == 0)
    r->ended = true;
  return n;
}

void
mirage_http_client_request_free (mirage_http_client_request *r)
{
  if (r == NULL)
    return;
  if (r->watchdog)
    {
      mirage_task_cancel (r->watchdog);
      mirage_task_join (r->watchdog);
    }
  if (r->conn)
    {
      if (!r->ended)
        r->reusable = false;
      release_conn (r);
    }
  free (r->method);
  free (r->url);
  free (r->scheme);
  free (r->host);
  free (r->target);
  free_pairs (r->req_headers, r->n_req_headers);
  free (r->head);
  free (r->head_offs);
  free (r->headers);
  free (r->up);
  free (r->down);
  free (r);
}

int
_hc_authority (mirage_http_client_request *r, char *buf, size_t size)
{
  bool v6 = strchr (r->host, ':') != NULL;
  bool dflt = r->port == (strcmp (r->scheme, "https") == 0 ? 443 : 80);
  int n = dflt ? snprintf (buf, size, "%s%s%s", v6 ? "[" : "", r->host, v6 ? "]" : "")
               : snprintf (buf, size, "%s%s%s:%u", v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
  return n < 0 || (size_t) n >= size ? -EINVAL : n;
}
