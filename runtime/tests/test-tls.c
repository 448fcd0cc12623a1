/* test-tls.c: TLS over the socket stack (mirage/tls.h) against a real
 * gnutls-serv on loopback, with a test CA and certificates certtool
 * makes at run time: accepted with the right trust anchor, key or
 * certificate fingerprint, refused (with a message naming what did not
 * match) with a wrong one, with the system's trust store, on an expired
 * certificate and on a wrong name, unless the authenticator is none.
 * Also our own server against our own client, and the authenticator
 * parser's errors. Every network step runs under a task timeout. */
#include "mirage/conduit.h"
#include "mirage/stack.h"
#include "mirage/task.h"
#include "mirage/tls.h"
#include "net-fixtures.h"
#include "tap.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static mirage_stack *stack;
static unsigned good_port, expired_port;

/* base64 of @what of the certificate in @pem_file: "der" (the cert),
 * "cert-sha256", "key-sha256". */
static char *
cert_b64 (const char *pem_file, const char *what)
{
  size_t len = 0;
  char *pem = fx_read (pem_file, &len);
  if (!pem)
    return NULL;
  gnutls_datum_t d = { (unsigned char *) pem, (unsigned) len }, der = { NULL, 0 }, b64 = { NULL, 0 };
  gnutls_x509_crt_t crt;
  gnutls_x509_crt_init (&crt);
  gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM);
  unsigned char fp[32];
  size_t fplen = sizeof fp;
  gnutls_datum_t in = { NULL, 0 };
  if (strcmp (what, "der") == 0) {
    gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
    in = der;
  } else if (strcmp (what, "cert-sha256") == 0) {
    gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, fp, &fplen);
    in = (gnutls_datum_t) { fp, (unsigned) fplen };
  } else {
    gnutls_pubkey_t pk;
    gnutls_pubkey_init (&pk);
    gnutls_pubkey_import_x509 (pk, crt, 0);
    gnutls_pubkey_export2 (pk, GNUTLS_X509_FMT_DER, &der);
    gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, fp);
    gnutls_pubkey_deinit (pk);
    in = (gnutls_datum_t) { fp, 32 };
  }
  gnutls_base64_encode2 (&in, &b64);
  char *out = strndup ((const char *) b64.data, b64.size);
  gnutls_free (b64.data);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  free (pem);
  return out;
}

typedef struct {
  unsigned port;
  const char *host;
  const char *auth;
  int result;
  char *error;
  char subject[256];
  char echoed[64];
} client_case;

static int
client_task (void *arg)
{
  client_case *c = arg;
  mirage_tls_config *cfg = NULL;
  c->result = mirage_tls_client_config_new (c->auth, &cfg, &c->error);
  if (c->result < 0)
    return 0;
  mirage_endpoint ep = { mirage_ipaddr_localhost (MIRAGE_IPV4), (uint16_t) c->port };
  mirage_flow *flow;
  c->result = mirage_tcp_connect (stack, &ep, &flow);
  mirage_tls *t = NULL;
  if (c->result == 0)
    c->result = mirage_tls_client (cfg, flow, c->host, &t, &c->error);
  if (c->result == 0) {
    mirage_tls_peer_subject (t, c->subject, sizeof c->subject);
    /* gnutls-serv --echo sends our line back */
    int r = mirage_tls_write (t, "hello tls\n", 10);
    size_t got = 0;
    while (r == 0 && got < 10) {
      ssize_t n = mirage_tls_read (t, c->echoed + got, sizeof c->echoed - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
    }
    mirage_tls_close (t);
  }
  mirage_tls_config_free (cfg);
  return 0;
}

static client_case
connect_with (unsigned port, const char *host, const char *auth)
{
  client_case c = { .port = port, .host = host, .auth = auth };
  int r = mirage_task_with_timeout (10 * MIRAGE_NS_PER_S, "client", client_task, &c);
  if (r < 0)
    c.result = r;
  return c;
}

static void
expect_ok (const char *what, unsigned port, const char *host, const char *auth)
{
  client_case c = connect_with (port, host, auth);
  if (!tap_ok (c.result == 0, "%s: accepted", what))
    tap_diag ("result %d: %s", c.result, c.error ? c.error : "");
  tap_ok (strcmp (c.echoed, "hello tls\n") == 0, "%s: data goes both ways", what);
  free (c.error);
}

static void
expect_refused (const char *what, unsigned port, const char *host, const char *auth,
                int want, const char *message_part)
{
  client_case c = connect_with (port, host, auth);
  tap_is (c.result, want, "%s: refused", what);
  if (!tap_ok (c.error && strstr (c.error, message_part), "%s: the message says '%s'", what, message_part))
    tap_diag ("message: %s", c.error ? c.error : "(none)");
  free (c.error);
}

static char *
concat (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  char *s = malloc (la + lb + 1);
  memcpy (s, a, la);
  memcpy (s + la, b, lb + 1);
  return s;
}

/* ---- our server, our client ---- */

typedef struct {
  mirage_tcp_listener *l;
  mirage_tls_config *cfg;
  int result;
  char got[32];
} server_case;

static int
server_task (void *arg)
{
  server_case *s = arg;
  mirage_flow *f;
  s->result = mirage_tcp_accept (s->l, &f);
  mirage_tls *t;
  if (s->result == 0)
    s->result = mirage_tls_server (s->cfg, f, &t, NULL);
  if (s->result == 0) {
    ssize_t n = mirage_tls_read (t, s->got, sizeof s->got - 1);
    if (n > 0)
      s->result = mirage_tls_write (t, s->got, (size_t) n);
    mirage_tls_close (t);
  }
  return 0;
}

static int
own_server (void *arg)
{
  (void) arg;
  char *cert = fx_read ("good.pem", NULL), *key = fx_read ("good.key", NULL), *error = NULL;
  server_case s = { 0 };
  int r = mirage_tls_server_config_new (cert, key, &s.cfg, &error);
  tap_ok (r == 0, "server configuration from PEM (%s)", error ? error : "ok");
  mirage_ipaddr lo = mirage_ipaddr_localhost (MIRAGE_IPV4);
  mirage_tcp_listen (stack, &lo, 0, &s.l);
  mirage_endpoint ep;
  mirage_tcp_listener_endpoint (s.l, &ep);
  mirage_task *st = mirage_task_spawn ("server", server_task, &s);
  char *anchor = cert_b64 ("ca.pem", "der");
  char *auth = concat ("trust-anchor:", anchor);
  expect_ok ("our server, our client", ep.port, "tls.test", auth);
  mirage_task_join (st);
  tap_is (s.result, 0, "our server: the exchange went through");
  tap_ok (strcmp (s.got, "hello tls\n") == 0, "our server read the client's line");
  mirage_tcp_unlisten (s.l);
  mirage_tls_config_free (s.cfg);
  char *bad = NULL;
  mirage_tls_config *c2 = NULL;
  r = mirage_tls_server_config_new ("not a certificate", key, &c2, &bad);
  tap_is (r, -EINVAL, "a server certificate that is not PEM is refused");
  tap_ok (bad && strstr (bad, "certificate or key"), "... saying so (%s)", bad ? bad : "");
  free (bad);
  free (anchor);
  free (auth);
  free (cert);
  free (key);
  free (error);
  return 0;
}

static int
run (void *arg)
{
  (void) arg;
  char *anchor = cert_b64 ("ca.pem", "der");
  char *key_fp = cert_b64 ("good.pem", "key-sha256");
  char *cert_fp = cert_b64 ("good.pem", "cert-sha256");
  char *wrong_fp = cert_b64 ("other.pem", "key-sha256");
  char *ta = concat ("trust-anchor:", anchor);
  char *kfp = concat ("key-fp:SHA256:", key_fp);
  char *kfp_nohash = concat ("key-fp:", key_fp);
  char *cfp = concat ("cert-fp:sha256:", cert_fp);
  char *wrong_kfp = concat ("key-fp:SHA256:", wrong_fp);
  char *wrong_cfp = concat ("cert-fp:SHA256:", wrong_fp);

  expect_ok ("trust anchor", good_port, "tls.test", ta);
  client_case c = connect_with (good_port, "tls.test", ta);
  tap_ok (strstr (c.subject, "CN=tls.test") != NULL, "the peer's subject is read (%s)", c.subject);
  free (c.error);
  expect_ok ("key fingerprint", good_port, "tls.test", kfp);
  expect_ok ("key fingerprint, hash left out (SHA256)", good_port, "tls.test", kfp_nohash);
  expect_ok ("certificate fingerprint", good_port, "tls.test", cfp);
  expect_ok ("trust anchor, connecting by IP address", good_port, "127.0.0.1", ta);
  expect_ok ("none", good_port, "tls.test", "none");

  expect_refused ("wrong key fingerprint", good_port, "tls.test", wrong_kfp, -EKEYREJECTED,
                  "key fingerprint is");
  expect_refused ("wrong certificate fingerprint", good_port, "tls.test", wrong_cfp, -EKEYREJECTED,
                  "certificate fingerprint is");
  expect_refused ("system trust store, test CA", good_port, "tls.test", NULL, -EKEYREJECTED,
                  "issuer");
  expect_refused ("wrong name, trust anchor", good_port, "wrong.test", ta, -EKEYREJECTED,
                  "does not match");
  expect_refused ("wrong name, key fingerprint", good_port, "wrong.test", kfp, -EKEYREJECTED,
                  "is not for wrong.test");
  expect_refused ("expired, trust anchor", expired_port, "tls.test", ta, -EKEYREJECTED, "expired");
  char *exp_fp = cert_b64 ("expired.pem", "key-sha256");
  char *exp_kfp = concat ("key-fp:SHA256:", exp_fp);
  expect_refused ("expired, key fingerprint", expired_port, "tls.test", exp_kfp, -EKEYREJECTED,
                  "expired on 2019-12-31");
  expect_ok ("expired, none", expired_port, "tls.test", "none");

  /* a refused server gets nothing: the connection is dropped, not used */
  expect_refused ("bad authenticator", good_port, "tls.test", "key-fp:SHA999:abc", -EINVAL,
                  "unknown hash algorithm 'SHA999'");
  char *bad_anchor = concat ("trust-anchor:", key_fp);
  expect_refused ("trust anchor that is not a certificate", good_port, "tls.test", bad_anchor,
                  -EINVAL, "trust anchor 1 is not a DER certificate");

  /* conduit_direct, and conduit_tls over it */
  mirage_conduit *tcp, *tls;
  mirage_conduit_direct (stack, &tcp);
  char *error = NULL;
  int r = mirage_conduit_tls_with (tcp, ta, &tls, &error);
  mirage_conduit_flow *cf = NULL;
  mirage_endpoint ep = { mirage_ipaddr_localhost (MIRAGE_IPV4), (uint16_t) good_port };
  if (r == 0)
    r = mirage_conduit_connect (tls, &ep, "tls.test", &cf, &error);
  char echo[16] = "";
  if (r == 0 && mirage_conduit_write (cf, "conduit\n", 8) == 0) {
    size_t got = 0;
    while (got < 8) {
      ssize_t k = mirage_conduit_read (cf, echo + got, sizeof echo - 1 - got);
      if (k <= 0)
        break;
      got += (size_t) k;
    }
  }
  if (cf)
    mirage_conduit_close (cf);
  tap_ok (r == 0 && strcmp (echo, "conduit\n") == 0, "conduit_tls over conduit_direct: a line goes both ways (%s)",
          error ? error : "ok");
  free (error);
  error = NULL;
  mirage_conduit_free (tls);
  mirage_conduit_tls (tcp, &tls);
  cf = NULL;
  r = mirage_conduit_connect (tls, &ep, "tls.test", &cf, &error);
  tap_is (r, -EKEYREJECTED, "conduit_tls: the system's trust store by default (%s)", error ? error : "");
  free (error);
  mirage_conduit_free (tls);
  mirage_conduit_free (tcp);

  free (bad_anchor);
  free (exp_fp);
  free (exp_kfp);
  free (anchor);
  free (key_fp);
  free (cert_fp);
  free (wrong_fp);
  free (ta);
  free (kfp);
  free (kfp_nohash);
  free (cfp);
  free (wrong_kfp);
  free (wrong_cfp);
  return own_server (NULL);
}

static void
parse_cases (void)
{
  static const struct { const char *text; int ok; const char *msg; } cases[] = {
    { "none", 1, NULL },
    { "", 1, NULL },
    { "none:x", 0, "'none' takes nothing" },
    { "nonsense", 0, "expected none, key-fp" },
    { "key-fp", 0, "needs a fingerprint" },
    { "key-fp:SHA256:!!!", 0, "not base64" },
    { "key-fp:SHA256:AAAA", 0, "a SHA256 fingerprint has 32 bytes, this one 3" },
    { "cert-fp:md4:AAAA", 0, "unknown hash algorithm 'md4'" },
    { "cert-fp:sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1, NULL },
    { "cert-fp:SHA1:AAAAAAAAAAAAAAAAAAAAAAAAAAA", 1, NULL },
    { "key-fp:a:b:c", 0, "too many ':'" },
    { "trust-anchor", 0, "at least one" },
    { "trust-anchor:AAAA:", 0, "trust anchor 2 is not base64" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mirage_tls_authenticator a;
    char err[256];
    int r = mirage_tls_authenticator_parse (cases[i].text, strlen (cases[i].text), &a, err, sizeof err);
    if (cases[i].ok) {
      tap_ok (r == 0, "authenticator '%s' parses (%s)", cases[i].text, err);
    } else {
      tap_is (r, -EINVAL, "authenticator '%s' is refused", cases[i].text);
      if (!tap_ok (strstr (err, cases[i].msg) != NULL, "... with '%s'", cases[i].msg))
        tap_diag ("message: %s", err);
    }
    mirage_tls_authenticator_clear (&a);
  }
  mirage_tls_authenticator a;
  char err[256];
  const char *sha384 = "cert-fp:SHA384:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  mirage_tls_authenticator_parse (sha384, strlen (sha384), &a, err, sizeof err);
  tap_ok (a.kind == MIRAGE_TLS_AUTH_CERT_FP && a.hash == MIRAGE_TLS_HASH_SHA384 && a.fingerprint_len == 48,
          "cert-fp:SHA384 gives a 48-byte certificate fingerprint");
  mirage_tls_authenticator_clear (&a);
}

static pid_t
serve (const char *cert, unsigned port)
{
  char p[16], c[64], k[64];
  snprintf (p, sizeof p, "%u", port);
  snprintf (c, sizeof c, "%s.pem", cert);
  snprintf (k, sizeof k, "%s.key", cert);
  char *argv[] = { "gnutls-serv", "--echo", "-q", "-p", p, "--x509certfile", (char *) fx_path (c),
                   "--x509keyfile", (char *) fx_path (k), NULL };
  return fx_spawn (argv, "gnutls-serv.log");
}

int
main (void)
{
  parse_cases ();
  if (!fx_tmpdir () || !fx_ca ("ca") || !fx_cert ("good", "ca", "tls.test", false)
      || !fx_cert ("expired", "ca", "tls.test", true) || !fx_cert ("other", "ca", "other.test", false)) {
    tap_ok (false, "certtool made the test CA and certificates (see %s/certtool.log)", fx_dir);
    return tap_done ();
  }
  good_port = fx_free_port ();
  pid_t good = serve ("good", good_port);
  expired_port = fx_free_port ();
  pid_t expired = serve ("expired", expired_port);
  if (tap_ok (fx_wait_tcp (good_port, 5000) && fx_wait_tcp (expired_port, 5000), "gnutls-serv listens")) {
    mirage_socket_stack (NULL, &stack);
    char *error = NULL;
    int r = mirage_loop_run ("tls", run, NULL, &error);
    tap_is (r, 0, "the loop ends well (%s)", error ? error : "");
    free (error);
    mirage_stack_disconnect (stack);
  }
  fx_kill (good);
  fx_kill (expired);
  fx_cleanup ();
  return tap_done ();
}
