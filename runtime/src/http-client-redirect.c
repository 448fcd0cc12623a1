/* http-client-redirect.c: waiting for the answer, and following
 * redirects (301, 302, 303, 307, 308) up to the client's limit, then
 * -ELOOP. The redirect's body is drained so the connection can be kept;
 * 303 (and 301/302 after POST) go on as GET; credentials are dropped
 * when the origin changes. */
#include "http-client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
      if ((e = _hc_read_head (r)) < 0)
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
      next = _hc_resolve_location (r, location);
      if (next == NULL)
        return -ENOMEM;
      old_origin = _hc_origin_of (r);
      {
        if (!drain (r))
          r->reusable = false;
        _hc_release_conn (r);
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
      e = _hc_set_url (r, next);
      free (next);
      if (e < 0)
        {
          free (old_origin);
          return _hc_fail (r, e, "the redirect to %.200s cannot be followed: %s", location, r->error);
        }
      new_origin = _hc_origin_of (r);
      if (old_origin && new_origin && strcmp (old_origin, new_origin) != 0)
        {
          _hc_drop_request_header (r, "authorization");
          _hc_drop_request_header (r, "cookie");
        }
      free (old_origin);
      free (new_origin);
      r->redirects++;
      mirage_log_debug (&_hc_log, "redirect %d to %s", r->redirects, r->url);
      _hc_reset_response (r);
      r->body_sent = 0;
      r->body_done = r->body_length == 0;
      if ((e = _hc_send_head (r)) < 0)
        return e;
    }
}
