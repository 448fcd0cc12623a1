/* http-client-url.c: the client's URLs: a request's URL split into
 * scheme, host, port and target (by http-parser's URL parser, so the
 * client and the server agree on what a URL is), a redirect's Location
 * resolved against it, the origin that keys the connection pool, and
 * the Host / :authority value. */
#include "http-client-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sets @r's URL to @url: scheme, host, port and target. */
int
_hc_set_url (mirage_http_client_request *r, const char *url)
{
  struct http_parser_url u;
  size_t len = strlen (url);
  char *scheme, *host, *target;
  uint16_t port;

  http_parser_url_init (&u);
  if (len == 0 || len > 8192 || !_hc_clean_text (url) || http_parser_parse_url (url, len, 0, &u) != 0
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
char *
_hc_resolve_location (mirage_http_client_request *r, const char *location)
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

char *
_hc_origin_of (mirage_http_client_request *r)
{
  size_t n = strlen (r->scheme) + strlen (r->host) + 16;
  char *o = malloc (n);
  if (o)
    snprintf (o, n, "%s://%s:%u", r->scheme, r->host, r->port);
  return o;
}

/* The Host / :authority value: host[:port], the port only when not the
 * scheme's default. */
int
_hc_authority (mirage_http_client_request *r, char *buf, size_t size)
{
  bool v6 = strchr (r->host, ':') != NULL;
  bool dflt = r->port == (strcmp (r->scheme, "https") == 0 ? 443 : 80);
  int n = dflt ? snprintf (buf, size, "%s%s%s", v6 ? "[" : "", r->host, v6 ? "]" : "")
               : snprintf (buf, size, "%s%s%s:%u", v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
  return n < 0 || (size_t) n >= size ? -EINVAL : n;
}
