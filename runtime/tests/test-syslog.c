/* test-syslog.c: the syslog reporters (mirage/syslog.h) against
 * receivers on loopback: plain kernel sockets that the test reads
 * itself, so what is checked is exactly what went on the wire. The
 * format (logs-syslog's RFC 3164 lines), UDP datagrams and their
 * truncation, TCP's NUL framing, and that a server that is down or does
 * not read never stalls logging (messages are dropped and counted). */
#include "mirage/kv_ro.h"
#include "mirage/log.h"
#include "mirage/tls.h"
#include "net-fixtures.h"
#include "mirage/reporter.h"
#include "mirage/syslog.h"
#include "mirage/task.h"
#include "tap.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static mirage_stack *stack;
MIRAGE_LOG_SRC (app_src, "app", "the test's messages");

static int
listen_on (int type, uint16_t *port)
{
  int fd = socket (AF_INET, type, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  bind (fd, (struct sockaddr *) &a, sizeof a);
  if (type == SOCK_STREAM)
    listen (fd, 4);
  getsockname (fd, (struct sockaddr *) &a, &len);
  *port = ntohs (a.sin_port);
  return fd;
}

static mirage_syslog *
start (mirage_syslog_transport t, uint16_t port, int truncate)
{
  mirage_syslog_config cfg = { t, mirage_ipaddr_localhost (MIRAGE_IPV4), port, truncate, "testhost", NULL };
  mirage_syslog *s = NULL;
  int r = mirage_syslog_connect (stack, &cfg, &s);
  tap_ok (r == 0 && s, "%s syslog connects", t == MIRAGE_SYSLOG_UDP ? "UDP" : "TCP");
  return s;
}

static bool
ends_with (const char *s, size_t len, const char *tail)
{
  size_t t = strlen (tail);
  return len >= t && memcmp (s + len - t, tail, t) == 0;
}

static void
udp (void)
{
  uint16_t port;
  int rx = listen_on (SOCK_DGRAM, &port);
  mirage_syslog *s = start (MIRAGE_SYSLOG_UDP, port, 0);
  mirage_log_info (&app_src, "hello %d", 1);
  mirage_log_warn (&app_src, "careful");
  mirage_log_err (&app_src, "broken");
  mirage_task_sleep_ns (100 * MIRAGE_NS_PER_MS);
  char buf[2048];
  const char *want[] = { "<30>", "<28>", "<27>" };
  const char *tail[] = { " testhost app hello 1", " testhost app careful", " testhost app broken" };
  for (int i = 0; i < 3; i++) {
    ssize_t n = recv (rx, buf, sizeof buf - 1, MSG_DONTWAIT);
    buf[n > 0 ? n : 0] = '\0';
    tap_ok (n > 0 && strncmp (buf, want[i], 4) == 0 && ends_with (buf, (size_t) n, tail[i])
            && buf[4 + 3] == ' ' && buf[4 + 6] == ' ' && buf[4 + 9] == ':',
            "UDP datagram %d: '%s'", i + 1, buf);
  }
  mirage_syslog_close (s, MIRAGE_NS_PER_S);

  /* --syslog-truncate */
  s = start (MIRAGE_SYSLOG_UDP, port, 24);
  mirage_log_info (&app_src, "a message longer than twenty-four bytes");
  mirage_task_sleep_ns (100 * MIRAGE_NS_PER_MS);
  ssize_t n = recv (rx, buf, sizeof buf, MSG_DONTWAIT);
  tap_is (n, 24, "--syslog-truncate=24 cuts the datagram to 24 bytes");
  mirage_syslog_close (s, MIRAGE_NS_PER_S);
  close (rx);
}

static void
tcp (void)
{
  uint16_t port;
  int l = listen_on (SOCK_STREAM, &port);
  mirage_syslog *s = start (MIRAGE_SYSLOG_TCP, port, 0);
  mirage_log_info (&app_src, "first");
  mirage_log_info (&app_src, "second");
  mirage_task_sleep_ns (150 * MIRAGE_NS_PER_MS);
  int c = accept4 (l, NULL, NULL, SOCK_NONBLOCK);
  char buf[4096];
  ssize_t n = c >= 0 ? recv (c, buf, sizeof buf, 0) : -1;
  /* two lines, each ending with NUL */
  char *second = n > 0 ? memchr (buf, '\0', (size_t) n) : NULL;
  tap_ok (n > 0 && second && ends_with (buf, (size_t) (second - buf), " testhost app first")
          && buf[n - 1] == '\0' && ends_with (second + 1, (size_t) (n - 1 - (second + 1 - buf)), " testhost app second"),
          "TCP: two messages, each framed with a NUL (%zd bytes)", n);
  mirage_syslog_stats st;
  mirage_syslog_get_stats (s, &st);
  tap_is (st.sent, 2, "TCP: 2 sent");
  mirage_syslog_close (s, MIRAGE_NS_PER_S);
  close (c);

  /* a server that accepts but never reads: logging never waits for it */
  mirage_reporter *console = mirage_reporter_installed ();
  mirage_reporter_install (mirage_no_reporter ());
  s = start (MIRAGE_SYSLOG_TCP, port, 0);
  static char big[2000];
  memset (big, 'x', sizeof big - 1);
  uint64_t t0 = mirage_loop_now_ns (), worst = 0;
  for (int i = 0; i < 3000; i++) {
    uint64_t a = mirage_loop_now_ns ();
    mirage_log_info (&app_src, "%s", big);
    if (mirage_loop_now_ns () - a > worst)
      worst = mirage_loop_now_ns () - a;
    if (i % 100 == 0)
      mirage_task_sleep_ns (MIRAGE_NS_PER_MS);    /* let the sender run into the full socket */
  }
  uint64_t dt = (mirage_loop_now_ns () - t0) / MIRAGE_NS_PER_MS;
  mirage_syslog_get_stats (s, &st);
  tap_ok (st.dropped > 0 && worst < 200 * MIRAGE_NS_PER_MS,
          "a server that does not read: 3000 messages in %llu ms, none waited over 200 ms (worst %llu us), %llu dropped",
          (unsigned long long) dt, (unsigned long long) (worst / 1000), (unsigned long long) st.dropped);
  mirage_syslog_close (s, 100 * MIRAGE_NS_PER_MS);
  close (l);

  /* a server that is down */
  s = start (MIRAGE_SYSLOG_TCP, port, 0);
  t0 = mirage_loop_now_ns ();
  for (int i = 0; i < 10; i++)
    mirage_log_info (&app_src, "nobody listens");
  mirage_task_sleep_ns (50 * MIRAGE_NS_PER_MS);
  mirage_syslog_get_stats (s, &st);
  tap_ok (st.sent == 0 && st.dropped == 10, "a server that is down: 10 dropped, none sent (%llu, %llu)",
          (unsigned long long) st.sent, (unsigned long long) st.dropped);
  mirage_syslog_close (s, 100 * MIRAGE_NS_PER_MS);
  mirage_reporter_install (console);
}

/* ---- syslog_tls: our TLS server on loopback reads the lines ---- */

typedef struct {
  mirage_tcp_listener *l;
  mirage_tls_config *cfg;
  char got[1024];
  size_t len;
  int result;
} tls_server;

static int
tls_server_task (void *arg)
{
  tls_server *t = arg;
  mirage_flow *f;
  mirage_tls *tls;
  t->result = mirage_tcp_accept (t->l, &f);
  if (t->result == 0)
    t->result = mirage_tls_server (t->cfg, f, &tls, NULL);
  if (t->result < 0)
    return 0;
  while (t->len < sizeof t->got) {
    ssize_t n = mirage_tls_read (tls, t->got + t->len, sizeof t->got - t->len);
    if (n <= 0)
      break;
    t->len += (size_t) n;
    if (memchr (t->got, '\0', t->len) && memchr ((char *) memchr (t->got, '\0', t->len) + 1, '\0',
                                                  t->len - (size_t) ((char *) memchr (t->got, '\0', t->len) + 1 - t->got)))
      break;
  }
  mirage_tls_close (tls);
  return 0;
}

static void
over_tls (const char *server_cert, bool want_ok)
{
  char *cert = fx_read (server_cert, NULL);
  char key_name[64];
  snprintf (key_name, sizeof key_name, "%.*s.key", (int) (strlen (server_cert) - 4), server_cert);
  char *key = fx_read (key_name, NULL);
  tls_server ts = { 0 };
  mirage_tls_server_config_new (cert, key, &ts.cfg, NULL);
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_tcp_listen (stack, &lo, 0, &ts.l);
  mirage_endpoint ep;
  mirage_tcp_listener_endpoint (ts.l, &ep);
  mirage_task *t = mirage_task_spawn ("tls-server", tls_server_task, &ts);
  mirage_kv_ro *kv;
  mirage_direct_kv_ro (fx_path ("store"), &kv);
  mirage_syslog_config cfg = { MIRAGE_SYSLOG_TCP, lo, ep.port, 0, "testhost", NULL };
  mirage_syslog *s = NULL;
  int r = mirage_syslog_tls_connect (stack, kv, "client", &cfg, &s);
  tap_ok (r == 0 && s, "syslog_tls connects (keys from the store)");
  mirage_log_info (&app_src, "secret one");
  mirage_log_info (&app_src, "secret two");
  if (want_ok) {
    if (mirage_task_join_timeout (t, 3 * MIRAGE_NS_PER_S) == -ETIMEDOUT) {
      mirage_task_cancel (t);
      mirage_task_join (t);
    }
    char *nul = memchr (ts.got, '\0', ts.len);
    tap_ok (ts.len > 0 && nul && ends_with (ts.got, (size_t) (nul - ts.got), " testhost app secret one")
            && ts.got[ts.len - 1] == '\0', "syslog_tls: the lines arrive in TLS, NUL-framed (%zu bytes)", ts.len);
  } else {
    mirage_task_sleep_ns (300 * MIRAGE_NS_PER_MS);
    mirage_syslog_stats st;
    mirage_syslog_get_stats (s, &st);
    tap_ok (st.sent == 0 && st.dropped >= 1, "syslog_tls: a server whose certificate is not from ca-roots.crt gets nothing (%llu dropped)",
            (unsigned long long) st.dropped);
    mirage_task_cancel (t);
    mirage_task_join (t);
  }
  mirage_syslog_close (s, 500 * MIRAGE_NS_PER_MS);
  mirage_tcp_unlisten (ts.l);
  mirage_tls_config_free (ts.cfg);
  mirage_kv_ro_disconnect (kv);
  free (cert);
  free (key);
}

static bool
make_store (void)
{
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_ca ("other-ca") || !fx_cert ("srv", "ca", "syslog.test", false)
      || !fx_cert ("rogue", "other-ca", "syslog.test", false) || !fx_cert ("client", "ca", "client.test", false))
    return false;
  char *argv[] = { "mkdir", "-p", (char *) fx_path ("store/tls"), NULL };
  fx_run (argv, NULL);
  char *ca = fx_read ("ca.pem", NULL), *c = fx_read ("client.pem", NULL), *k = fx_read ("client.key", NULL);
  bool ok = ca && c && k && fx_write ("store/tls/ca-roots.crt", ca) && fx_write ("store/tls/client.pem", c)
            && fx_write ("store/tls/client.key", k);
  free (ca);
  free (c);
  free (k);
  return ok;
}

static int
run (void *arg)
{
  (void) arg;
  udp ();
  tcp ();
  if (tap_ok (make_store (), "certtool made the CA, server and client certificates")) {
    mirage_reporter *console = mirage_reporter_installed ();
    over_tls ("srv.pem", true);
    mirage_reporter_install (mirage_no_reporter ());
    over_tls ("rogue.pem", false);
    mirage_reporter_install (console);
    mirage_kv_ro *kv;
    mirage_direct_kv_ro (fx_path ("store"), &kv);
    mirage_syslog_config cfg = { MIRAGE_SYSLOG_TCP, mirage_ipaddr_localhost (MIRAGE_IPV4), 6514, 0, NULL, NULL };
    mirage_syslog *s = NULL;
    mirage_reporter_install (mirage_no_reporter ());
    int r = mirage_syslog_tls_connect (stack, kv, "nobody", &cfg, &s);
    mirage_reporter_install (console);
    tap_ok (r < 0 && s == NULL, "syslog_tls: a key name with no tls/NAME.pem in the store fails the connection (%d)", r);
    mirage_kv_ro_disconnect (kv);
    fx_cleanup ();
  }
  mirage_syslog_config none = { MIRAGE_SYSLOG_UDP, { 0 }, 0, 0, NULL, NULL };
  mirage_syslog *s = (mirage_syslog *) 1;
  int r = mirage_syslog_connect (stack, &none, &s);
  tap_ok (r == 0 && s == NULL, "no --syslog: nothing installed (a warning)");
  return 0;
}

int
main (void)
{
  char line[256];
  mirage_log_src src = MIRAGE_LOG_SRC_INIT ("application", NULL);
  size_t n = mirage_syslog_format (line, sizeof line, 1700000000, "hello", &src, MIRAGE_LOG_INFO, "Hello World!", 12);
  tap_ok (n == strlen (line) && strcmp (line, "<30>Nov 14 22:13:20 hello application Hello World!") == 0,
          "the format is logs-syslog's: '%s'", line);
  mirage_syslog_format (line, sizeof line, 0, "h", &src, MIRAGE_LOG_DEBUG, "x", 1);
  tap_ok (strcmp (line, "<31>Jan 01 00:00:00 h application x") == 0, "debug is severity 7, days are two digits: '%s'", line);
  mirage_syslog_format (line, sizeof line, 0, "h", &src, MIRAGE_LOG_APP, "x", 1);
  tap_ok (strncmp (line, "<30>", 4) == 0, "App is informational, as logs-syslog maps it");

  mirage_socket_stack (NULL, &stack);
  char *error = NULL;
  int r = mirage_loop_run ("syslog", run, NULL, &error);
  tap_is (r, 0, "the loop ends well (%s)", error ? error : "");
  free (error);
  mirage_stack_disconnect (stack);
  return tap_done ();
}
