/* test-https.c: HTTPS and HTTP/2 of the HTTP server (mirage/http.h)
 * against real peers on loopback: curl (HTTP/1.1 and HTTP/2 over TLS
 * chosen by ALPN, h2c with prior knowledge), nghttp and h2load, with a
 * test CA and server certificate made by certtool for the run. The
 * servers (one TLS, one plain) run on the event loop in a child process;
 * what the clients printed is checked in the parent. */
#include "mirage/http.h"
#include "mirage/task.h"
#include "mirage/tls.h"
#include "net-fixtures.h"
#include "tap.h"

#include <stdint.h>

static unsigned tls_port, plain_port;
static mirage_http_server *plain_srv;

static int
handler (mirage_http_request *req, void *data)
{
  char buf[4096];
  size_t got = 0;
  ssize_t n;
  const char *target = mirage_http_request_target (req);
  (void) data;
  while ((n = mirage_http_request_read_body (req, buf, sizeof buf)) > 0)
    got += (size_t) n;
  if (n < 0)
    return (int) n;
  if (strcmp (target, "/big") == 0)
    {
      /* 1 MiB, more than HTTP/2's windows: the writes wait for the reader */
      memset (buf, 'x', sizeof buf);
      mirage_http_response_start (req, 200, NULL, 0, -1);
      for (int i = 0; i < 256; i++)
        if (mirage_http_response_write (req, buf, sizeof buf) < 0)
          return -1;
      return mirage_http_response_finish (req);
    }
  if (strcmp (target, "/slow") == 0)
    mirage_task_sleep_ns (1500 * MIRAGE_NS_PER_MS);
  if (strcmp (target, "/stop") == 0)
    mirage_http_server_stop (plain_srv);
  n = snprintf (buf, sizeof buf, "%d %s %s %zu host=%s\n", mirage_http_request_version (req),
                mirage_http_request_method (req), target, got,
                mirage_http_request_header (req, "host") ? mirage_http_request_header (req, "host") : "-");
  return mirage_http_respond (req, 200, "text/plain", buf, (size_t) n);
}

static int
serve_task (void *arg)
{
  return mirage_http_serve (arg, handler, NULL) < 0 ? 1 : 0;
}

static int
server_main (void *arg)
{
  mirage_stack *stack;
  mirage_http_server *tls_srv;
  mirage_tls_config *cfg;
  mirage_http_limits lim;
  char *cert = fx_read ("server.pem", NULL), *key = fx_read ("server.key", NULL), *error = NULL;
  mirage_task *a, *b;
  (void) arg;
  if (cert == NULL || key == NULL || mirage_tls_server_config_new (cert, key, &cfg, &error) < 0)
    return 1;
  if (mirage_socket_stack (NULL, &stack) < 0 || mirage_paf_server (stack, (int) tls_port, &tls_srv) < 0
      || mirage_paf_server (stack, (int) plain_port, &plain_srv) < 0)
    return 1;
  mirage_http_limits_default (&lim);
  lim.max_header_bytes = 4096;
  lim.max_uri_bytes = 256;
  lim.max_body_bytes = 512 * 1024;
  mirage_http_server_set_limits (tls_srv, &lim);
  mirage_http_server_set_limits (plain_srv, &lim);
  if (mirage_http_server_set_tls (tls_srv, cfg) < 0)
    return 1;
  a = mirage_task_spawn ("tls", serve_task, tls_srv);
  b = mirage_task_spawn ("plain", serve_task, plain_srv);
  mirage_task_join (a);
  mirage_task_join (b);
  return 0;
}

/* Runs @argv with its output in @log, and gives that output. */
static char *
run (char *const argv[], const char *log, bool *ok)
{
  unlink (fx_path (log));
  *ok = fx_run (argv, log);
  char *out = fx_read (log, NULL);
  return out ? out : strdup ("");
}

static bool
has (const char *s, const char *want)
{
  return strstr (s, want) != NULL;
}

int
main (void)
{
  char tp[16], pp[16], resolve[64], url[128], h2c_url[128], out_file[300], up_file[300];
  bool ok;
  char *out;
  pid_t pid;

  signal (SIGPIPE, SIG_IGN);
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_cert ("server", "ca", "tls.test", false))
    {
      tap_ok (false, "certtool made the test CA and certificate (see %s/certtool.log)", fx_dir);
      return tap_done ();
    }
  tls_port = fx_free_port ();
  plain_port = fx_free_port ();
  pid = fork ();
  if (pid == 0)
    {
      char *error = NULL;
      _exit (mirage_loop_run ("main", server_main, NULL, &error) == 0 ? 0 : 1);
    }
  if (!tap_ok (fx_wait_tcp (tls_port, 5000) && fx_wait_tcp (plain_port, 5000), "the servers listen"))
    {
      fx_kill (pid);
      fx_cleanup ();
      return tap_done ();
    }
  snprintf (tp, sizeof tp, "%u", tls_port);
  snprintf (pp, sizeof pp, "%u", plain_port);
  snprintf (resolve, sizeof resolve, "tls.test:%u:127.0.0.1", tls_port);
  snprintf (url, sizeof url, "https://tls.test:%u", tls_port);
  snprintf (h2c_url, sizeof h2c_url, "http://127.0.0.1:%u", plain_port);
  char u_hello[200], u_big[200], u_h2c[200], u_h1[200], u_long[600], u_ng[200], u_slow[200];
  snprintf (u_hello, sizeof u_hello, "%s/hello", url);
  snprintf (u_big, sizeof u_big, "%s/big", url);
  snprintf (u_h2c, sizeof u_h2c, "%s/h2c", h2c_url);
  snprintf (u_h1, sizeof u_h1, "%s/plain", h2c_url);
  snprintf (u_ng, sizeof u_ng, "https://127.0.0.1:%u/nghttp", tls_port);
  snprintf (u_slow, sizeof u_slow, "%s/slow", h2c_url);
  {
    int n = snprintf (u_long, sizeof u_long, "%s/", h2c_url);
    memset (u_long + n, 'a', 300);
    u_long[n + 300] = '\0';
  }
  char *ca = strdup (fx_path ("ca.pem"));
  snprintf (out_file, sizeof out_file, "%s", fx_path ("big.out"));
  snprintf (up_file, sizeof up_file, "%s", fx_path ("upload.bin"));

  /* HTTPS, HTTP/1.1 */
  {
    char *argv[] = { "curl", "-sS", "--http1.1", "--cacert", ca, "--resolve", resolve, u_hello, NULL };
    out = run (argv, "c1.log", &ok);
    tap_ok (ok && has (out, "11 GET /hello 0 host=tls.test:"), "HTTPS with HTTP/1.1 (curl checks the certificate): %s", out);
    free (out);
  }
  /* HTTPS, HTTP/2 by ALPN */
  {
    char *argv[] = { "curl", "-sS", "--http2", "--cacert", ca, "--resolve", resolve, u_hello, NULL };
    out = run (argv, "c2.log", &ok);
    tap_ok (ok && has (out, "20 GET /hello 0 host=tls.test:"), "HTTPS with HTTP/2 chosen by ALPN: %s", out);
    free (out);
  }
  /* a certificate curl does not trust: refused */
  {
    char *argv[] = { "curl", "-sS", "--http2", "--resolve", resolve, u_hello, NULL };
    out = run (argv, "c3.log", &ok);
    tap_ok (!ok, "curl refuses the server without the test CA");
    free (out);
  }
  /* h2c with prior knowledge, and HTTP/1.1 on the same plain port */
  {
    char *argv[] = { "curl", "-sS", "--http2-prior-knowledge", u_h2c, NULL };
    out = run (argv, "c4.log", &ok);
    tap_ok (ok && has (out, "20 GET /h2c 0"), "h2c with prior knowledge: %s", out);
    free (out);
  }
  {
    char *argv[] = { "curl", "-sS", u_h1, NULL };
    out = run (argv, "c5.log", &ok);
    tap_ok (ok && has (out, "11 GET /plain 0"), "HTTP/1.1 on the h2c port: %s", out);
    free (out);
  }
  /* an upload bigger than the stream's window (flow control) */
  {
    FILE *f = fopen (up_file, "w");
    for (int i = 0; f && i < 300000; i++)
      fputc ('u', f);
    if (f)
      fclose (f);
    char data[320];
    snprintf (data, sizeof data, "@%s", up_file);
    char *argv[] = { "curl", "-sS", "--http2", "--cacert", ca, "--resolve", resolve,
                     "--data-binary", data, u_hello, NULL };
    out = run (argv, "c6.log", &ok);
    tap_ok (ok && has (out, "20 POST /hello 300000"), "HTTP/2 upload of 300000 bytes: %s", out);
    free (out);
  }
  /* a download bigger than the windows (the handler's writes wait) */
  {
    char *argv[] = { "curl", "-sS", "--http2", "--cacert", ca, "--resolve", resolve,
                     "-o", out_file, "-w", "%{http_version} %{size_download}", u_big, NULL };
    out = run (argv, "c7.log", &ok);
    tap_ok (ok && has (out, "2 1048576"), "HTTP/2 download of 1 MiB: %s", out);
    free (out);
  }
  /* limits over HTTP/2: URI length (414) and body size (413) */
  {
    char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                     u_long, NULL };
    out = run (argv, "c8.log", &ok);
    tap_ok (has (out, "414"), "HTTP/2: a :path over the limit gets 414: %s", out);
    free (out);
  }
  {
    FILE *f = fopen (up_file, "w");
    for (int i = 0; f && i < 600000; i++)
      fputc ('u', f);
    if (f)
      fclose (f);
    char data[320];
    snprintf (data, sizeof data, "@%s", up_file);
    char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                     "--data-binary", data, u_h2c, NULL };
    out = run (argv, "c9.log", &ok);
    tap_ok (has (out, "413"), "HTTP/2: a body over the limit gets 413: %s", out);
    free (out);
  }
  {
    char big[5000];
    memset (big, 'h', sizeof big - 1);
    memcpy (big, "X-Big: ", 7);
    big[sizeof big - 1] = '\0';
    char *argv[] = { "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                     "-H", big, u_h2c, NULL };
    out = run (argv, "c10.log", &ok);
    tap_ok (has (out, "431"), "HTTP/2: header fields over the limit get 431: %s", out);
    free (out);
  }
  /* nghttp: over TLS (ALPN) and h2c */
  {
    char *argv[] = { "nghttp", "-v", u_ng, NULL };
    out = run (argv, "n1.log", &ok);
    tap_ok (ok && has (out, "20 GET /nghttp 0") && has (out, ":status: 200"),
            "nghttp over TLS gets its answer");
    free (out);
  }
  {
    char *argv[] = { "nghttp", "-v", u_h2c, NULL };
    out = run (argv, "n2.log", &ok);
    tap_ok (ok && has (out, "20 GET /h2c 0"), "nghttp with prior knowledge gets its answer");
    free (out);
  }
  /* streams are independent: a slow one does not hold up the others
   * (nghttp sends both at once; the fast answer comes first) */
  {
    char *argv[] = { "nghttp", u_slow, u_h2c, NULL };
    out = run (argv, "n3.log", &ok);
    char *fast = strstr (out, "/h2c 0"), *slow = strstr (out, "/slow 0");
    tap_ok (ok && fast && slow && fast < slow, "a slow stream does not hold up another: %s", out);
    free (out);
  }
  /* h2load: many streams on a few connections, over TLS and h2c */
  {
    char *argv[] = { "h2load", "-n", "2000", "-c", "10", "-m", "20", u_ng, NULL };
    out = run (argv, "h1.log", &ok);
    tap_ok (ok && has (out, "2000 succeeded, 0 failed, 0 errored"), "h2load over TLS: 2000 requests, no errors");
    if (!has (out, "2000 succeeded, 0 failed, 0 errored"))
      tap_diag ("%s", out);
    free (out);
  }
  {
    char *argv[] = { "h2load", "-n", "2000", "-c", "10", "-m", "20", u_h2c, NULL };
    out = run (argv, "h2.log", &ok);
    tap_ok (ok && has (out, "2000 succeeded, 0 failed, 0 errored"), "h2load over h2c: 2000 requests, no errors");
    if (!has (out, "2000 succeeded, 0 failed, 0 errored"))
      tap_diag ("%s", out);
    free (out);
  }
  /* graceful stop: an HTTP/2 client with a stream under way gets a
   * GOAWAY, and still its answer */
  {
    char *argv[] = { "nghttp", "-v", u_slow, NULL };
    char u_stop[200];
    unlink (fx_path ("stop.log"));
    pid_t ng = fx_spawn (argv, "stop.log");
    struct timespec ts = { 0, 400 * 1000000 };
    nanosleep (&ts, NULL);
    snprintf (u_stop, sizeof u_stop, "%s/stop", h2c_url);
    char *cargv[] = { "curl", "-sS", "--max-time", "5", u_stop, NULL };
    out = run (cargv, "c12.log", &ok);
    free (out);
    int st = 0;
    waitpid (ng, &st, 0);
    out = fx_read ("stop.log", NULL);
    tap_ok (out && WIFEXITED (st) && WEXITSTATUS (st) == 0 && has (out, "recv GOAWAY")
            && has (out, "20 GET /slow 0"), "stopping: GOAWAY, and the stream under way is answered");
    if (out && !has (out, "recv GOAWAY"))
      tap_diag ("%s", out);
    free (out);
  }
  /* the server is still well after all that */
  {
    char *argv[] = { "curl", "-sS", "--http2", "--cacert", ca, "--resolve", resolve, u_hello, NULL };
    out = run (argv, "c11.log", &ok);
    tap_ok (ok && has (out, "20 GET /hello 0"), "the server still answers");
    free (out);
  }
  {
    int st;
    tap_ok (waitpid (pid, &st, WNOHANG) == 0, "the server did not exit");
  }
  fx_kill (pid);
  free (ca);
  fx_cleanup ();
  (void) tp;
  (void) pp;
  return tap_done ();
}
