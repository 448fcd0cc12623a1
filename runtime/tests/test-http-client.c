/* test-http-client.c: paf_client and cohttp_client (mirage/http_client.h)
 * against a real nginx on loopback, started here with a test CA made by
 * certtool: plain HTTP/1.1, TLS (HTTP/1.1 and HTTP/2 chosen by ALPN),
 * keep-alive reuse (counted by nginx's stub_status), redirects and a
 * redirect loop, large, chunked (nginx's SSI output) and uploaded
 * bodies (nginx's WebDAV PUT, read back), certificates refused. A small
 * misbehaving server (a forked child on plain sockets) sends what nginx
 * never would: a malformed status line, huge headers, truncated bodies,
 * nothing, silence; each must give its error with a message, never a
 * crash. */
#include "mirage/http_client.h"
#include "mirage/task.h"
#include "mirage/tls.h"
#include "net-fixtures.h"
#include "tap.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define BIG_SIZE (3 * 1024 * 1024 + 17)

static unsigned plain_port, h2_port, tls_port, bad_port, short_port;
static char *anchor_auth, *other_auth;
static mirage_stack *stack;

/* the byte at @i of big.bin */
static unsigned char
big_byte (size_t i)
{
  return (unsigned char) ((i * 7 + (i >> 12)) & 0xff);
}

static char *
ca_anchor (const char *pem_file)
{
  size_t len = 0;
  char *pem = fx_read (pem_file, &len), *out;
  gnutls_datum_t d = { (unsigned char *) pem, (unsigned) len }, der = { NULL, 0 }, b64 = { NULL, 0 };
  gnutls_x509_crt_t crt;
  if (!pem)
    return NULL;
  gnutls_x509_crt_init (&crt);
  gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM);
  gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  gnutls_base64_encode2 (&der, &b64);
  out = malloc (b64.size + 16);
  snprintf (out, b64.size + 16, "trust-anchor:%.*s", (int) b64.size, b64.data);
  gnutls_free (b64.data);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  free (pem);
  return out;
}

/* ---- the misbehaving server ---- */

static void
send_all (int fd, const char *s, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, s, len);
      if (n <= 0)
        return;
      s += n;
      len -= (size_t) n;
    }
}

static void
bad_answer (int fd)
{
  char req[4096], path[256] = "";
  size_t got = 0;
  while (got < sizeof req - 1)
    {
      ssize_t n = read (fd, req + got, sizeof req - 1 - got);
      if (n <= 0)
        return;
      got += (size_t) n;
      req[got] = '\0';
      if (strstr (req, "\r\n\r\n"))
        break;
    }
  sscanf (req, "%*s %255s", path);
#define SEND(S) send_all (fd, S, strlen (S))
  if (strcmp (path, "/badstatus") == 0)
    SEND ("HTTP/1.1 2O0 OK\r\nContent-Length: 0\r\n\r\n");
  else if (strcmp (path, "/status000") == 0)
    SEND ("HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n");
  else if (strcmp (path, "/garbage") == 0)
    send_all (fd, "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1garbage", 17);
  else if (strcmp (path, "/huge") == 0)
    {
      static char big[200 * 1024];
      memset (big, 'a', sizeof big);
      SEND ("HTTP/1.1 200 OK\r\nX-Big: ");
      send_all (fd, big, sizeof big);
      SEND ("\r\nContent-Length: 0\r\n\r\n");
    }
  else if (strcmp (path, "/many") == 0)
    {
      SEND ("HTTP/1.1 200 OK\r\n");
      for (int i = 0; i < 300; i++)
        SEND ("X-N: v\r\n");
      SEND ("Content-Length: 0\r\n\r\n");
    }
  else if (strcmp (path, "/short") == 0)
    SEND ("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
  else if (strcmp (path, "/cutchunk") == 0)
    SEND ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc");
  else if (strcmp (path, "/badchunk") == 0)
    SEND ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
  else if (strcmp (path, "/cuthead") == 0)
    SEND ("HTTP/1.1 200 OK\r\nContent-Le");
  else if (strcmp (path, "/eof") == 0)
    SEND ("HTTP/1.0 200 OK\r\n\r\nuntil the end");
  else if (strcmp (path, "/nocontent-te") == 0)
    SEND ("HTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\n\r\nstray bytes");
  else if (strcmp (path, "/switch") == 0)
    SEND ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: other\r\nConnection: upgrade\r\n\r\nother bytes");
  else if (strcmp (path, "/continue") == 0)
    SEND ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  else if (strcmp (path, "/slow") == 0)
    sleep (3);
  else if (strcmp (path, "/slowbody") == 0)
    {
      SEND ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part");
      sleep (3);
    }
  /* /nothing: closed at once */
#undef SEND
}

static pid_t
bad_server (void)
{
  int l = socket (AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  pid_t pid;
  setsockopt (l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (l, (struct sockaddr *) &a, sizeof a) < 0 || listen (l, 64) < 0
      || getsockname (l, (struct sockaddr *) &a, &len) < 0)
    return -1;
  bad_port = ntohs (a.sin_port);
  pid = fork ();
  if (pid != 0)
    {
      close (l);
      return pid;
    }
  signal (SIGCHLD, SIG_IGN);
  for (;;)
    {
      int fd = accept (l, NULL, NULL);
      if (fd < 0)
        continue;
      if (fork () == 0)
        {
          bad_answer (fd);
          shutdown (fd, SHUT_RDWR);
          close (fd);
          _exit (0);
        }
      close (fd);
    }
}

/* ---- nginx ---- */

static pid_t
start_nginx (void)
{
  char conf[4096];
  const char *D = fx_dir;
  FILE *f;
  mkdir (fx_path ("www"), 0755);
  mkdir (fx_path ("www/ssi"), 0755);
  mkdir (fx_path ("www/up"), 0755);
  mkdir (fx_path ("tmp"), 0755);
  fx_write ("www/small.txt", "hello, mirage\n");
  fx_write ("www/ssi/chunked.txt", "start\n<!--# include virtual=\"/small.txt\" -->end\n");
  fx_write ("www/ssi/big.txt", "<!--# include virtual=\"/big.bin\" -->");
  f = fopen (fx_path ("www/big.bin"), "wb");
  for (size_t i = 0; f && i < BIG_SIZE; i++)
    fputc (big_byte (i), f);
  if (f)
    fclose (f);
  snprintf (conf, sizeof conf,
            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            "error_log %s/nginx-error.log;\npid %s/nginx.pid;\nevents { worker_connections 256; }\n"
            "http {\n access_log off;\n default_type application/octet-stream;\n"
            " client_body_temp_path %s/tmp;\n proxy_temp_path %s/tmp;\n fastcgi_temp_path %s/tmp;\n"
            " uwsgi_temp_path %s/tmp;\n scgi_temp_path %s/tmp;\n keepalive_requests 100000;\n"
            " server {\n  listen 127.0.0.1:%u;\n  listen 127.0.0.1:%u ssl http2;\n"
            "  listen 127.0.0.1:%u ssl;\n"
            "  ssl_certificate %s/srv.pem;\n  ssl_certificate_key %s/srv.key;\n  root %s/www;\n"
            "  location = /status { stub_status; }\n"
            "  location = /r1 { return 302 /r2; }\n"
            "  location = /r2 { return 301 small.txt; }\n"
            "  location = /loop { return 302 /loop; }\n"
            "  location = /see-other { return 303 /small.txt; }\n"
            "  location = /header { return 200 \"[$http_x_mirage]\"; }\n"
            "  location /ssi/ { ssi on; ssi_types *; }\n"
            "  location /up/ { dav_methods PUT; create_full_put_path on; client_max_body_size 64m; }\n"
            " }\n"
            " server {\n  listen 127.0.0.1:%u;\n  root %s/www;\n  keepalive_timeout 1s;\n"
            "  keepalive_requests 3;\n }\n}\n",
            D, D, D, D, D, D, D, plain_port, h2_port, tls_port, D, D, D, short_port, D);
  fx_write ("nginx.conf", conf);
  {
    char *argv[] = { "nginx", "-p", fx_dir, "-c", (char *) fx_path ("nginx.conf"), NULL };
    return fx_spawn (argv, "nginx.log");
  }
}

/* ---- helpers ---- */

typedef struct {
  int status;                   /* or -errno */
  int version, redirects;
  int64_t content_length;
  size_t size;
  bool big_ok;                  /* the body is big.bin's bytes */
  char body[256];               /* its start */
  char error[512];
  char url[256];
} result;

static result
fetch_with (mirage_http_client *c, const char *method, const char *url)
{
  result res = { 0 };
  mirage_http_client_request *r;
  char *error = NULL, buf[16384];
  ssize_t n;
  int e = mirage_http_client_request_new (c, method, url, &r, &error);
  if (e < 0)
    {
      res.status = e;
      snprintf (res.error, sizeof res.error, "%s", error ? error : "");
      free (error);
      return res;
    }
  res.status = mirage_http_client_request_run (r);
  res.big_ok = true;
  if (res.status > 0)
    {
      while ((n = mirage_http_client_response_read (r, buf, sizeof buf)) > 0)
        {
          for (ssize_t i = 0; i < n; i++)
            res.big_ok &= (unsigned char) buf[i] == big_byte (res.size + (size_t) i);
          if (res.size < sizeof res.body - 1)
            memcpy (res.body + res.size, buf,
                    (size_t) n < sizeof res.body - 1 - res.size ? (size_t) n : sizeof res.body - 1 - res.size);
          res.size += (size_t) n;
        }
      if (n < 0)
        res.status = (int) n;
    }
  res.version = mirage_http_client_response_version (r);
  res.redirects = mirage_http_client_response_redirects (r);
  res.content_length = mirage_http_client_response_content_length (r);
  snprintf (res.error, sizeof res.error, "%s", mirage_http_client_request_error (r));
  snprintf (res.url, sizeof res.url, "%s", mirage_http_client_response_url (r));
  mirage_http_client_request_free (r);
  return res;
}

static result
fetch (mirage_http_client *c, const char *url)
{
  return fetch_with (c, NULL, url);
}

static const char *
url (const char *scheme, unsigned port, const char *path)
{
  static char bufs[8][256];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf (b, 256, "%s://127.0.0.1:%u%s", scheme, port, path);
  return b;
}

/* nginx's count of accepted connections */
static long
accepts (mirage_http_client *c)
{
  result r = fetch (c, url ("http", plain_port, "/status"));
  const char *p = strstr (r.body, "requests\n");
  long a = -1;
  if (p)
    sscanf (p + 9, " %ld", &a);
  return a;
}

/* PUTs @size bytes (the start of big.bin) in pieces of @piece, with a
 * Content-Length or (@chunked) without; the status or -errno. */
static int
upload (mirage_http_client *c, const char *u, size_t size, size_t piece, bool chunked, char *err,
        size_t err_size)
{
  mirage_http_client_request *r;
  unsigned char *data = malloc (size);
  int e;
  for (size_t i = 0; i < size; i++)
    data[i] = big_byte (i);
  e = mirage_http_client_request_new (c, "PUT", u, &r, NULL);
  if (e < 0)
    {
      free (data);
      return e;
    }
  e = mirage_http_client_request_send (r, chunked ? -1 : (int64_t) size);
  for (size_t off = 0; e == 0 && off < size; off += piece)
    e = mirage_http_client_request_write (r, data + off, size - off < piece ? size - off : piece);
  if (e == 0)
    e = mirage_http_client_request_wait (r);
  if (e > 0)
    {
      char buf[1024];
      while (mirage_http_client_response_read (r, buf, sizeof buf) > 0)
        ;
    }
  snprintf (err, err_size, "%s", mirage_http_client_request_error (r));
  mirage_http_client_request_free (r);
  free (data);
  return e;
}

/* ---- the cases ---- */

static void
plain_cases (mirage_http_client *c)
{
  result r = fetch (c, url ("http", plain_port, "/small.txt"));
  tap_is (r.status, 200, "plain: GET /small.txt is 200 (%s)", r.error);
  tap_ok (strcmp (r.body, "hello, mirage\n") == 0, "plain: ... with its body");
  tap_is (r.content_length, 14, "plain: ... and its Content-Length");
  tap_is (r.version, 11, "plain: ... over HTTP/1.1");

  r = fetch (c, url ("http", plain_port, "/big.bin"));
  tap_is (r.status, 200, "plain: a 3 MiB body (%s)", r.error);
  tap_ok (r.size == BIG_SIZE && r.big_ok, "plain: ... arrives whole and in order (%zu bytes)", r.size);

  r = fetch (c, url ("http", plain_port, "/ssi/chunked.txt"));
  tap_is (r.status, 200, "plain: a chunked body (%s)", r.error);
  tap_is (r.content_length, -1, "plain: ... announces no length");
  tap_ok (strcmp (r.body, "start\nhello, mirage\nend\n") == 0, "plain: ... and is read to its end ('%s')", r.body);

  r = fetch (c, url ("http", plain_port, "/ssi/big.txt"));
  tap_ok (r.status == 200 && r.size == BIG_SIZE && r.big_ok, "plain: a 3 MiB chunked body arrives whole (%zu, %s)",
          r.size, r.error);

  r = fetch_with (c, "HEAD", url ("http", plain_port, "/big.bin"));
  tap_ok (r.status == 200 && r.size == 0, "plain: HEAD has no body (%d, %zu)", r.status, r.size);
  r = fetch (c, url ("http", plain_port, "/missing"));
  tap_is (r.status, 404, "plain: a missing file is 404, not an error");

  {
    long before = accepts (c), after;
    bool all = true;
    for (int i = 0; i < 30; i++)
      all &= fetch (c, url ("http", plain_port, "/small.txt")).status == 200;
    after = accepts (c);
    tap_ok (all && before > 0 && after == before,
            "keep-alive: 30 requests and 2 status reads on one connection (accepts %ld -> %ld)", before, after);
  }

  r = fetch (c, url ("http", plain_port, "/r1"));
  tap_is (r.status, 200, "redirects: 302 then a relative 301 are followed (%s)", r.error);
  tap_is (r.redirects, 2, "redirects: ... two of them");
  tap_ok (strstr (r.url, "/small.txt") != NULL, "redirects: ... to the last URL (%s)", r.url);
  r = fetch_with (c, "POST", url ("http", plain_port, "/see-other"));
  tap_ok (r.status == 200 && strcmp (r.body, "hello, mirage\n") == 0, "redirects: 303 after POST continues as GET (%d)", r.status);
  r = fetch (c, url ("http", plain_port, "/loop"));
  tap_is (r.status, -ELOOP, "redirects: a loop stops at the limit");
  tap_ok (strstr (r.error, "too many redirects: 5 followed") != NULL, "redirects: ... saying so (%s)", r.error);
  {
    mirage_http_client_options o;
    mirage_http_client_options_default (&o);
    o.max_redirects = 0;
    mirage_http_client_set_options (c, &o);
    r = fetch (c, url ("http", plain_port, "/r1"));
    tap_is (r.status, -ELOOP, "redirects: limit 0 follows none");
    o.max_redirects = -1;
    mirage_http_client_set_options (c, &o);
    r = fetch (c, url ("http", plain_port, "/r1"));
    tap_is (r.status, 302, "redirects: limit -1 returns the 3xx itself");
    mirage_http_client_options_default (&o);
    mirage_http_client_set_options (c, &o);
  }

  {
    char *error = NULL;
    tap_is (mirage_http_client_set_headers (c, "X-Mirage", &error), -EINVAL,
            "--http-headers: an entry without ':' is refused");
    tap_ok (error && strstr (error, "not name:value"), "--http-headers: ... saying so (%s)", error ? error : "");
    free (error);
    tap_is (mirage_http_client_set_headers (c, "X-Mirage: studio , Accept:*/*", NULL), 0, "--http-headers: a list is taken");
    r = fetch (c, url ("http", plain_port, "/header"));
    tap_ok (strcmp (r.body, "[studio]") == 0, "--http-headers: ... and sent with every request (%s)", r.body);
    mirage_http_client_set_headers (c, "", NULL);
  }

  {
    char err[512];
    int e = upload (c, url ("http", plain_port, "/up/cl.bin"), 1000000, 65536, false, err, sizeof err);
    tap_ok (e == 201 || e == 204, "upload: PUT of 1 MB with a Content-Length (%d %s)", e, err);
    r = fetch (c, url ("http", plain_port, "/up/cl.bin"));
    tap_ok (r.size == 1000000 && r.big_ok, "upload: ... nginx stored every byte (%zu)", r.size);
    e = upload (c, url ("http", plain_port, "/r1"), 5000, 1000, false, err, sizeof err);
    tap_is (e, 302, "upload: a PUT's 302 is not followed (its streamed body cannot be sent again)");
    e = upload (c, url ("http", plain_port, "/up/chunked.bin"), 1000000, 10000, true, err, sizeof err);
    tap_ok (e == 201 || e == 204, "upload: PUT of 1 MB chunked (%d %s)", e, err);
    r = fetch (c, url ("http", plain_port, "/up/chunked.bin"));
    tap_ok (r.size == 1000000 && r.big_ok, "upload: ... nginx stored every byte (%zu)", r.size);
  }
}

static void
tls_cases (mirage_http_client *c)
{
  char *error = NULL;
  result r = fetch (c, url ("https", tls_port, "/small.txt"));
  tap_is (r.status, -EKEYREJECTED, "TLS: by default the system's trust store refuses the test CA");
  tap_ok (strstr (r.error, "certificate") != NULL, "TLS: ... saying why (%s)", r.error);

  tap_is (mirage_http_client_set_authenticator (c, other_auth, &error), 0, "TLS: another CA's anchor is taken");
  r = fetch (c, url ("https", tls_port, "/small.txt"));
  tap_is (r.status, -EKEYREJECTED, "TLS: a certificate from the wrong CA is refused");
  tap_ok (strstr (r.error, "127.0.0.1") && strstr (r.error, "certificate"), "TLS: ... naming the server (%s)", r.error);

  tap_is (mirage_http_client_set_authenticator (c, anchor_auth, &error), 0, "TLS: the test CA as trust anchor");
  r = fetch (c, url ("https", tls_port, "/small.txt"));
  tap_ok (r.status == 200 && strcmp (r.body, "hello, mirage\n") == 0, "TLS: GET over HTTPS (%d %s)", r.status, r.error);
  tap_is (r.version, 11, "TLS: a server without h2 speaks HTTP/1.1");

  r = fetch (c, url ("https", h2_port, "/small.txt"));
  tap_ok (r.status == 200 && strcmp (r.body, "hello, mirage\n") == 0, "h2: GET (%d %s)", r.status, r.error);
  tap_is (r.version, 20, "h2: ALPN chose HTTP/2");
  tap_is (r.content_length, 14, "h2: ... with its content-length");
  r = fetch (c, url ("https", h2_port, "/big.bin"));
  tap_ok (r.status == 200 && r.size == BIG_SIZE && r.big_ok, "h2: a 3 MiB body arrives whole (%zu, %s)", r.size, r.error);
  r = fetch (c, url ("https", h2_port, "/ssi/chunked.txt"));
  tap_ok (r.status == 200 && r.content_length == -1 && strcmp (r.body, "start\nhello, mirage\nend\n") == 0,
          "h2: a body of unannounced length (%s)", r.error);
  r = fetch (c, url ("https", h2_port, "/r1"));
  tap_ok (r.status == 200 && r.redirects == 2 && r.version == 20, "h2: redirects are followed (%d, %d)", r.status, r.redirects);
  r = fetch (c, url ("https", h2_port, "/loop"));
  tap_is (r.status, -ELOOP, "h2: a redirect loop stops at the limit");
  r = fetch_with (c, "HEAD", url ("https", h2_port, "/big.bin"));
  tap_ok (r.status == 200 && r.size == 0, "h2: HEAD has no body");
  {
    long before = accepts (c), after;
    bool all = true;
    for (int i = 0; i < 20; i++)
      all &= fetch (c, url ("https", h2_port, "/small.txt")).status == 200;
    after = accepts (c);
    tap_ok (all && after == before, "h2: 20 requests over one kept connection (accepts %ld -> %ld)", before, after);
  }
  {
    char err[512];
    int e = upload (c, url ("https", h2_port, "/up/h2.bin"), 2000000, 100000, true, err, sizeof err);
    tap_ok (e == 201 || e == 204, "h2: PUT of 2 MB in DATA frames (%d %s)", e, err);
    r = fetch (c, url ("https", h2_port, "/up/h2.bin"));
    tap_ok (r.size == 2000000 && r.big_ok, "h2: ... nginx stored every byte (%zu)", r.size);
    e = upload (c, url ("https", h2_port, "/up/h2cl.bin"), 300000, 7000, false, err, sizeof err);
    tap_ok (e == 201 || e == 204, "h2: PUT with a content-length (%d %s)", e, err);
  }
}

static void
bad_cases (mirage_http_client *c)
{
  struct { const char *path; int want; const char *says; } cases[] = {
    { "/badstatus", -EPROTO, "malformed response" },
    { "/garbage", -EPROTO, "malformed response" },
    { "/status000", -EPROTO, "status 000" },
    { "/huge", -EMSGSIZE, "over 65536 bytes" },
    { "/many", -EMSGSIZE, "more than 100 header fields" },
    { "/short", -ECONNRESET, "before the body ended" },
    { "/cutchunk", -ECONNRESET, "before the body ended" },
    { "/badchunk", -EPROTO, "malformed response" },
    { "/cuthead", -ECONNRESET, "middle of the response's head" },
    { "/nothing", -ECONNRESET, "without answering" },
    { "/switch", -EPROTO, "switched protocols (101) though no upgrade was asked" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      result r = fetch (c, url ("http", bad_port, cases[i].path));
      tap_is (r.status, cases[i].want, "bad server %s: its error", cases[i].path);
      tap_ok (strstr (r.error, cases[i].says) != NULL, "bad server %s: ... says so (%s)", cases[i].path, r.error);
    }
  {
    result r = fetch (c, url ("http", bad_port, "/eof"));
    tap_ok (r.status == 200 && strcmp (r.body, "until the end") == 0, "a body delimited by closing is read to the end");
    r = fetch (c, url ("http", bad_port, "/nocontent-te"));
    tap_ok (r.status == 204 && r.size == 0 && r.content_length == 0,
            "a 204 has no body even with a Transfer-Encoding (%d, %zu bytes)", r.status, r.size);
    r = fetch (c, url ("http", bad_port, "/continue"));
    tap_ok (r.status == 200 && strcmp (r.body, "ok") == 0, "100 Continue is skipped (%d)", r.status);
  }
  {
    mirage_http_client_options o;
    uint64_t t0;
    result r;
    mirage_http_client_options_default (&o);
    o.timeout_ns = 300 * MIRAGE_NS_PER_MS;
    mirage_http_client_set_options (c, &o);
    t0 = mirage_loop_now_ns ();
    r = fetch (c, url ("http", bad_port, "/slow"));
    tap_is (r.status, -ETIMEDOUT, "a silent server times out");
    tap_ok (mirage_loop_now_ns () - t0 < 2 * MIRAGE_NS_PER_S, "... after the timeout, not later");
    tap_ok (strstr (r.error, "did not answer within 0.3 s") != NULL, "... saying so (%s)", r.error);
    r = fetch (c, url ("http", bad_port, "/slowbody"));
    tap_ok (r.status == -ETIMEDOUT && r.size == 10, "a body that stops coming times out too (%d, %zu bytes)",
            r.status, r.size);
    mirage_http_client_options_default (&o);
    mirage_http_client_set_options (c, &o);
  }
  {
    result r = fetch (c, "ftp://127.0.0.1/x");
    tap_is (r.status, -EINVAL, "a URL that is not http(s) is refused");
    tap_ok (strstr (r.error, "the scheme must be http or https"), "... saying so (%s)", r.error);
    r = fetch (c, "no url at all");
    tap_ok (r.status == -EINVAL && strstr (r.error, "invalid URL"), "garbage is not a URL (%s)", r.error);
    r = fetch (c, url ("http", fx_free_port (), "/"));
    tap_is (r.status, -ECONNREFUSED, "nobody listening: refused");
    tap_ok (strstr (r.error, "cannot connect to 127.0.0.1"), "... saying where (%s)", r.error);
  }
}

/* kept connections the server ends: by idle timeout (closed under the
 * pool; the next request must not fail) and by its request limit
 * (Connection: close on the last answer; not kept) */
static void
stale_cases (mirage_http_client *c)
{
  bool all = true;
  result r = fetch (c, url ("http", short_port, "/small.txt"));
  tap_is (r.status, 200, "stale: a first request kept alive (%s)", r.error);
  mirage_task_sleep_ns (1500 * MIRAGE_NS_PER_MS);
  r = fetch (c, url ("http", short_port, "/small.txt"));
  tap_ok (r.status == 200 && strcmp (r.body, "hello, mirage\n") == 0,
          "stale: after the server closed the kept connection, the request goes over a new one (%d %s)",
          r.status, r.error);
  for (int i = 0; i < 10; i++)
    all &= fetch (c, url ("http", short_port, "/small.txt")).status == 200;
  tap_ok (all, "stale: ten requests where the server closes every third connection (Connection: close)");
}

/* one task per request: several at once on one client */
typedef struct {
  mirage_http_client *c;
  const char *u;
  int status;
  size_t size;
} par_job;

static int
par_task (void *arg)
{
  par_job *j = arg;
  result r = fetch (j->c, j->u);
  j->status = r.status;
  j->size = r.size;
  return 0;
}

static void
parallel_cases (mirage_http_client *c)
{
  par_job jobs[6];
  mirage_task *t[6];
  bool ok = true;
  for (int i = 0; i < 6; i++)
    {
      jobs[i] = (par_job) { c, i % 2 ? url ("https", h2_port, "/big.bin") : url ("http", plain_port, "/big.bin"), 0, 0 };
      t[i] = mirage_task_spawn ("fetch", par_task, &jobs[i]);
    }
  for (int i = 0; i < 6; i++)
    {
      mirage_task_join (t[i]);
      ok &= jobs[i].status == 200 && jobs[i].size == BIG_SIZE;
    }
  tap_ok (ok, "six requests in six tasks at once, HTTP/1.1 and HTTP/2, all whole");
}

/* cohttp_client: a resolver that knows one name, and conduit_direct */
static int
fake_resolve (mirage_resolver *r, const char *host, mirage_ipaddr *out, size_t max, size_t *n)
{
  (void) r;
  if ((strcmp (host, "origin.test") != 0 && strcmp (host, "localhost") != 0) || max < 1)
    return -ENOENT;
  out[0] = mirage_ipaddr_localhost (MIRAGE_IPV4);
  *n = 1;
  return 0;
}
static void fake_free (mirage_resolver *r) { (void) r; }
static const struct mirage_resolver_ops fake_ops = { fake_resolve, fake_free };

static void
cohttp_cases (void)
{
  mirage_resolver res = { &fake_ops };
  mirage_conduit *conduit;
  mirage_http_client *c;
  char u[256];
  result r;
  mirage_conduit_direct (stack, &conduit);
  tap_is (mirage_cohttp_client (&res, conduit, &c), 0, "cohttp_client over a resolver and conduit_direct");
  snprintf (u, sizeof u, "http://origin.test:%u/small.txt", plain_port);
  r = fetch (c, u);
  tap_ok (r.status == 200 && strcmp (r.body, "hello, mirage\n") == 0, "cohttp: a name through the resolver (%s)", r.error);
  snprintf (u, sizeof u, "http://nowhere.test:%u/small.txt", plain_port);
  r = fetch (c, u);
  tap_ok (r.status == -ENOENT && strstr (r.error, "cannot resolve nowhere.test"), "cohttp: an unknown name (%s)", r.error);
  mirage_http_client_set_authenticator (c, anchor_auth, NULL);
  snprintf (u, sizeof u, "https://origin.test:%u/small.txt", h2_port);
  r = fetch (c, u);
  tap_ok (r.status == -EKEYREJECTED && strstr (r.error, "name in the certificate does not match"),
          "cohttp: a certificate for another name is refused (%s)", r.error);
  snprintf (u, sizeof u, "https://localhost:%u/small.txt", h2_port);
  r = fetch (c, u);
  tap_ok (r.status == 200 && r.version == 11, "cohttp: HTTPS, HTTP/1.1 only even where h2 is offered (%d %d %s)",
          r.status, r.version, r.error);
  mirage_http_client_free (c);
  mirage_conduit_free (conduit);
}

/* mirage_tls_config_set_alpn on both sides, with our own TLS server */
typedef struct {
  mirage_tls_config *cfg;
  mirage_tcp_listener *l;
  char alpn[32];
} alpn_server;

static int
alpn_server_task (void *arg)
{
  alpn_server *s = arg;
  mirage_flow *flow;
  mirage_tls *t;
  if (mirage_tcp_accept (s->l, &flow) < 0 || mirage_tls_server (s->cfg, flow, &t, NULL) < 0)
    return 1;
  snprintf (s->alpn, sizeof s->alpn, "%s", mirage_tls_alpn (t) ? mirage_tls_alpn (t) : "(none)");
  mirage_tls_close (t);
  return 0;
}

static const char *
alpn_with (alpn_server *s, const char *const *protos, size_t n, char *got, size_t size)
{
  mirage_endpoint ep;
  mirage_flow *flow;
  mirage_tls *t;
  mirage_tls_config *cc;
  mirage_task *st = mirage_task_spawn ("alpn-server", alpn_server_task, s);
  mirage_tcp_listener_endpoint (s->l, &ep);
  ep.ip = mirage_ipaddr_localhost (MIRAGE_IPV4);
  snprintf (got, size, "(failed)");
  if (mirage_tls_client_config_new (anchor_auth, &cc, NULL) == 0)
    {
      mirage_tls_config_set_alpn (cc, protos, n);
      if (mirage_tcp_connect (stack, &ep, &flow) == 0 && mirage_tls_client (cc, flow, NULL, &t, NULL) == 0)
        {
          snprintf (got, size, "%s", mirage_tls_alpn (t) ? mirage_tls_alpn (t) : "(none)");
          mirage_tls_close (t);
        }
      mirage_tls_config_free (cc);
    }
  mirage_task_join (st);
  return got;
}

static void
alpn_cases (void)
{
  static const char *const server[] = { "h2", "http/1.1" };
  static const char *const client_both[] = { "http/1.1", "h2" };
  static const char *const client_h1[] = { "http/1.1" };
  static const char *const too_many[] = { "a", "b", "c", "d", "e" };
  static const char *const empty[] = { "" };
  char *cert = fx_read ("srv.pem", NULL), *key = fx_read ("srv.key", NULL), got[32];
  alpn_server s = { 0 };
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  if (mirage_tls_server_config_new (cert, key, &s.cfg, NULL) < 0 || mirage_tcp_listen (stack, &lo, 0, &s.l) < 0)
    {
      tap_ok (false, "ALPN: our TLS server starts");
      return;
    }
  tap_is (mirage_tls_config_set_alpn (s.cfg, too_many, 5), -EINVAL, "ALPN: more than 4 protocols are refused");
  tap_is (mirage_tls_config_set_alpn (s.cfg, empty, 1), -EINVAL, "ALPN: an empty protocol name is refused");
  tap_is (mirage_tls_config_set_alpn (s.cfg, server, 2), 0, "ALPN: the server offers h2 and http/1.1");
  tap_is (mirage_tls_config_set_alpn (s.cfg, empty, 1), -EINVAL, "ALPN: a refused list...");
  tap_ok (strcmp (alpn_with (&s, client_both, 2, got, sizeof got), "h2") == 0,
          "ALPN: the server's preference wins over the client's order (%s)", got);
  tap_ok (strcmp (s.alpn, "h2") == 0, "ALPN: ... leaves the last one; and both sides agree (%s)", s.alpn);
  tap_ok (strcmp (alpn_with (&s, client_h1, 1, got, sizeof got), "http/1.1") == 0,
          "ALPN: a client with http/1.1 only gets it (%s)", got);
  tap_ok (strcmp (alpn_with (&s, NULL, 0, got, sizeof got), "(none)") == 0,
          "ALPN: a client offering nothing agrees on nothing (%s)", got);
  mirage_tcp_unlisten (s.l);
  mirage_tls_config_free (s.cfg);
  free (cert);
  free (key);
}

static int
main_task (void *arg)
{
  mirage_happy_eyeballs *he;
  mirage_mimic *mimic;
  mirage_http_client *c;
  (void) arg;
  if (mirage_socket_stack (NULL, &stack) < 0)
    return 1;
  mirage_happy_eyeballs_connect_device (stack, NULL, &he);
  mirage_mimic_happy_eyeballs (stack, he, NULL, &mimic);
  tap_is (mirage_paf_client (stack, mimic, &c), 0, "paf_client over mimic");
  plain_cases (c);
  tls_cases (c);
  parallel_cases (c);
  stale_cases (c);
  bad_cases (c);
  mirage_http_client_free (c);
  cohttp_cases ();
  alpn_cases ();
  mirage_mimic_free (mimic);
  mirage_happy_eyeballs_free (he);
  mirage_stack_disconnect (stack);
  return 0;
}

int
main (void)
{
  pid_t nginx, bad;
  char *error = NULL;
  signal (SIGPIPE, SIG_IGN);
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_cert ("srv", "ca", "localhost", false) || !fx_ca ("other"))
    {
      tap_ok (false, "certtool made the test CA and certificate (see %s/certtool.log)", fx_dir);
      return tap_done ();
    }
  anchor_auth = ca_anchor ("ca.pem");
  other_auth = ca_anchor ("other.pem");
  plain_port = fx_free_port ();
  h2_port = fx_free_port ();
  tls_port = fx_free_port ();
  short_port = fx_free_port ();
  nginx = start_nginx ();
  bad = bad_server ();
  if (tap_ok (nginx > 0 && bad > 0 && fx_wait_tcp (plain_port, 5000) && fx_wait_tcp (h2_port, 5000)
              && fx_wait_tcp (tls_port, 5000) && fx_wait_tcp (short_port, 5000), "nginx listens (log: %s)", fx_path ("nginx-error.log")))
    {
      int st = mirage_loop_run ("main", main_task, NULL, &error);
      tap_is (st, 0, "the loop ends cleanly (%s)", error ? error : "");
      free (error);
    }
  fx_kill (nginx);
  fx_kill (bad);
  free (anchor_auth);
  free (other_auth);
  if (tap_failed && getenv ("KEEP_TMP"))
    return tap_done ();
  fx_cleanup ();
  return tap_done ();
}
