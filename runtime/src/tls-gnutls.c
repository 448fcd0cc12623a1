/* tls-gnutls.c: TLS sessions over flows (mirage/tls.h), with GnuTLS.
 *
 * How it works: GnuTLS does the protocol and we give it transport
 * callbacks that read and write the mirage_flow. Those calls suspend the
 * calling task when the socket is not ready (the task is a coroutine with
 * its own stack), so GnuTLS sees a blocking transport while the loop
 * keeps running the other tasks. The flow's own error (-ECANCELED,
 * -ETIMEDOUT, -ECONNRESET...) is kept in the session, GnuTLS is told
 * EIO, and the saved error is what the caller gets back.
 *
 * Peer authentication happens right after the handshake, before any
 * application data: the system trust store or trust anchors go through
 * gnutls_certificate_verify_peers3 (chain, signatures, times, name);
 * fingerprints are computed here over the leaf (its DER for cert-fp, its
 * SubjectPublicKeyInfo for key-fp) and the leaf's times and name are
 * checked as ocaml-x509 does. A refusal sends a bad_certificate alert.
 *
 * Credentials (the trust store is a file) are loaded when a
 * configuration is made: at device connection for the devices, at any
 * time for a unikernel's own; under -t sandbox the TLS profiles may read
 * the trust store and GnuTLS's configuration, and no other file
 * (src/sandbox.c, host_files). */
#include "mirage/tls.h"
#include "mirage/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

MIRAGE_LOG_SRC (tls_log, "tls", "TLS sessions");

struct mirage_tls_config {
  bool server;
  gnutls_certificate_credentials_t cred;
  mirage_tls_authenticator auth;
  gnutls_datum_t alpn[4];   /* ALPN protocols offered (client) or accepted (server) */
  unsigned n_alpn;
  char alpn_text[64];       /* their bytes, which alpn[] points into */
};

struct mirage_tls {
  mirage_tls_config *cfg;
  gnutls_session_t session;
  mirage_flow *flow;
  int transport_error;      /* the flow's last error, -errno */
  bool eof;
  char alpn[32];            /* the protocol ALPN chose, "" when none */
};

static void __attribute__ ((format (printf, 2, 3)))
set_error (char **error, const char *fmt, ...)
{
  if (!error)
    return;
  va_list ap;
  va_start (ap, fmt);
  free (*error);
  *error = NULL;
  if (vasprintf (error, fmt, ap) < 0)
    *error = NULL;
  va_end (ap);
}

static bool
global_init (void)
{
  static int done;
  if (!done)
    done = gnutls_global_init () == GNUTLS_E_SUCCESS ? 1 : -1;
  return done > 0;
}

int
mirage_tls_client_config_new (const char *authenticator, mirage_tls_config **out, char **error)
{
  char msg[256];
  if (!global_init ()) {
    set_error (error, "TLS: the library did not initialise");
    return -EIO;
  }
  mirage_tls_config *cfg = calloc (1, sizeof *cfg);
  if (!cfg)
    return -ENOMEM;
  size_t len = authenticator ? strlen (authenticator) : 0;
  int r = mirage_tls_authenticator_parse (authenticator ? authenticator : "", len, &cfg->auth,
                                          msg, sizeof msg);
  if (r < 0) {
    set_error (error, "%s", r == -ENOMEM ? "out of memory" : msg);
    free (cfg);
    return r;
  }
  if (gnutls_certificate_allocate_credentials (&cfg->cred) < 0) {
    mirage_tls_authenticator_clear (&cfg->auth);
    free (cfg);
    return -ENOMEM;
  }
  if (cfg->auth.kind == MIRAGE_TLS_AUTH_SYSTEM) {
    int n = gnutls_certificate_set_x509_system_trust (cfg->cred);
    if (n <= 0) {
      set_error (error, "TLS: no certificates in the system's trust store (%s)",
                 n < 0 ? gnutls_strerror (n) : "empty");
      mirage_tls_config_free (cfg);
      return -ENOENT;
    }
    mirage_log_debug (&tls_log, "%d trusted certificates from the system's store", n);
  } else if (cfg->auth.kind == MIRAGE_TLS_AUTH_TRUST_ANCHOR) {
    for (size_t i = 0; i < cfg->auth.n_anchors; i++) {
      gnutls_datum_t d = { cfg->auth.anchors[i].der, (unsigned) cfg->auth.anchors[i].len };
      int n = gnutls_certificate_set_x509_trust_mem (cfg->cred, &d, GNUTLS_X509_FMT_DER);
      if (n <= 0) {
        set_error (error, "invalid TLS authenticator: trust anchor %zu is not a DER certificate (%s)",
                   i + 1, n < 0 ? gnutls_strerror (n) : "no certificate");
        mirage_tls_config_free (cfg);
        return -EINVAL;
      }
    }
  }
  *out = cfg;
  return 0;
}

int
mirage_tls_client_config_pem (const char *ca_pem, size_t ca_len, const char *cert_pem, size_t cert_len,
                              const char *key_pem, size_t key_len, mirage_tls_config **out, char **error)
{
  if (!global_init ()) {
    set_error (error, "TLS: the library did not initialise");
    return -EIO;
  }
  mirage_tls_config *cfg = calloc (1, sizeof *cfg);
  if (!cfg)
    return -ENOMEM;
  cfg->auth.kind = MIRAGE_TLS_AUTH_TRUST_ANCHOR;
  if (gnutls_certificate_allocate_credentials (&cfg->cred) < 0) {
    free (cfg);
    return -ENOMEM;
  }
  gnutls_datum_t ca = { (unsigned char *) ca_pem, (unsigned) ca_len };
  int n = gnutls_certificate_set_x509_trust_mem (cfg->cred, &ca, GNUTLS_X509_FMT_PEM);
  if (n <= 0) {
    set_error (error, "TLS: no CA certificate in the trust roots (%s)", n < 0 ? gnutls_strerror (n) : "empty");
    mirage_tls_config_free (cfg);
    return -EINVAL;
  }
  if (cert_pem && key_pem) {
    gnutls_datum_t c = { (unsigned char *) cert_pem, (unsigned) cert_len };
    gnutls_datum_t k = { (unsigned char *) key_pem, (unsigned) key_len };
    int r = gnutls_certificate_set_x509_key_mem (cfg->cred, &c, &k, GNUTLS_X509_FMT_PEM);
    if (r < 0) {
      set_error (error, "TLS: the client certificate or key is unusable: %s", gnutls_strerror (r));
      mirage_tls_config_free (cfg);
      return -EINVAL;
    }
  }
  *out = cfg;
  return 0;
}

int
mirage_tls_server_config_new (const char *cert_pem, const char *key_pem,
                              mirage_tls_config **out, char **error)
{
  if (!global_init ()) {
    set_error (error, "TLS: the library did not initialise");
    return -EIO;
  }
  mirage_tls_config *cfg = calloc (1, sizeof *cfg);
  if (!cfg)
    return -ENOMEM;
  cfg->server = true;
  if (gnutls_certificate_allocate_credentials (&cfg->cred) < 0) {
    free (cfg);
    return -ENOMEM;
  }
  gnutls_datum_t c = { (unsigned char *) cert_pem, (unsigned) strlen (cert_pem) };
  gnutls_datum_t k = { (unsigned char *) key_pem, (unsigned) strlen (key_pem) };
  int r = gnutls_certificate_set_x509_key_mem (cfg->cred, &c, &k, GNUTLS_X509_FMT_PEM);
  if (r < 0) {
    set_error (error, "TLS: the server's certificate or key is unusable: %s", gnutls_strerror (r));
    mirage_tls_config_free (cfg);
    return -EINVAL;
  }
  *out = cfg;
  return 0;
}

int
mirage_tls_config_set_alpn (mirage_tls_config *cfg, const char *const *protocols, size_t n)
{
  size_t used = 0;
  if (n > sizeof cfg->alpn / sizeof cfg->alpn[0])
    return -EINVAL;
  /* checked whole first, so a refused list leaves the old one intact */
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen (protocols[i]);
    if (len == 0 || len > 31 || used + len + 1 > sizeof cfg->alpn_text)
      return -EINVAL;
    used += len + 1;
  }
  used = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen (protocols[i]);
    memcpy (cfg->alpn_text + used, protocols[i], len + 1);
    cfg->alpn[i].data = (unsigned char *) cfg->alpn_text + used;
    cfg->alpn[i].size = (unsigned) len;
    used += len + 1;
  }
  cfg->n_alpn = (unsigned) n;
  return 0;
}

const char *
mirage_tls_alpn (mirage_tls *t)
{
  return t->alpn[0] ? t->alpn : NULL;
}

void
mirage_tls_config_free (mirage_tls_config *cfg)
{
  if (!cfg)
    return;
  if (cfg->cred)
    gnutls_certificate_free_credentials (cfg->cred);
  mirage_tls_authenticator_clear (&cfg->auth);
  free (cfg);
}

/* ---- transport over the flow ---- */

static ssize_t
pull (gnutls_transport_ptr_t p, void *buf, size_t len)
{
  mirage_tls *t = p;
  ssize_t n = mirage_tcp_read (t->flow, buf, len);
  if (n < 0) {
    t->transport_error = (int) n;
    gnutls_transport_set_errno (t->session, EIO);
    return -1;
  }
  return n;
}

static ssize_t
push (gnutls_transport_ptr_t p, const void *buf, size_t len)
{
  mirage_tls *t = p;
  int r = mirage_tcp_write (t->flow, buf, len);
  if (r < 0) {
    t->transport_error = r;
    gnutls_transport_set_errno (t->session, EIO);
    return -1;
  }
  return (ssize_t) len;
}

/* A GnuTLS error as -errno: the flow's own when it caused it. */
static int
to_errno (mirage_tls *t, int gr)
{
  if ((gr == GNUTLS_E_PULL_ERROR || gr == GNUTLS_E_PUSH_ERROR) && t->transport_error < 0)
    return t->transport_error;
  if (gr == GNUTLS_E_MEMORY_ERROR)
    return -ENOMEM;
  if (gr == GNUTLS_E_PREMATURE_TERMINATION)
    return -ECONNRESET;
  return -EPROTO;
}

static gnutls_digest_algorithm_t
digest_of (mirage_tls_hash h)
{
  switch (h) {
  case MIRAGE_TLS_HASH_MD5: return GNUTLS_DIG_MD5;
  case MIRAGE_TLS_HASH_SHA1: return GNUTLS_DIG_SHA1;
  case MIRAGE_TLS_HASH_SHA224: return GNUTLS_DIG_SHA224;
  case MIRAGE_TLS_HASH_SHA256: return GNUTLS_DIG_SHA256;
  case MIRAGE_TLS_HASH_SHA384: return GNUTLS_DIG_SHA384;
  case MIRAGE_TLS_HASH_SHA512: return GNUTLS_DIG_SHA512;
  }
  return GNUTLS_DIG_SHA256;
}

static void
base64_of (const unsigned char *d, size_t len, char *out, size_t size)
{
  gnutls_datum_t in = { (unsigned char *) d, (unsigned) len }, b64 = { NULL, 0 };
  if (gnutls_base64_encode2 (&in, &b64) == 0) {
    snprintf (out, size, "%.*s", (int) b64.size, (const char *) b64.data);
    gnutls_free (b64.data);
  } else {
    snprintf (out, size, "?");
  }
}

static bool
host_is_ip (const char *host)
{
  unsigned char buf[16];
  return inet_pton (AF_INET, host, buf) == 1 || inet_pton (AF_INET6, host, buf) == 1;
}

/* Checks the leaf against a fingerprint authenticator. */
static int
check_fingerprint (mirage_tls *t, const char *host, char **error)
{
  const mirage_tls_authenticator *a = &t->cfg->auth;
  unsigned n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers (t->session, &n);
  if (!certs || n == 0) {
    set_error (error, "TLS: the server sent no certificate");
    return -EKEYREJECTED;
  }
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init (&crt) < 0)
    return -ENOMEM;
  int r = gnutls_x509_crt_import (crt, &certs[0], GNUTLS_X509_FMT_DER);
  if (r < 0) {
    set_error (error, "TLS: the server's certificate does not parse: %s", gnutls_strerror (r));
    gnutls_x509_crt_deinit (crt);
    return -EKEYREJECTED;
  }
  unsigned char fp[64];
  size_t fplen = sizeof fp;
  gnutls_digest_algorithm_t dig = digest_of (a->hash);
  if (a->kind == MIRAGE_TLS_AUTH_CERT_FP) {
    r = gnutls_x509_crt_get_fingerprint (crt, dig, fp, &fplen);
  } else {
    gnutls_pubkey_t pk;
    r = gnutls_pubkey_init (&pk);
    if (r >= 0) {
      r = gnutls_pubkey_import_x509 (pk, crt, 0);
      gnutls_datum_t spki = { NULL, 0 };
      if (r >= 0)
        r = gnutls_pubkey_export2 (pk, GNUTLS_X509_FMT_DER, &spki);
      if (r >= 0) {
        r = gnutls_hash_fast (dig, spki.data, spki.size, fp);
        fplen = gnutls_hash_get_len (dig);
        gnutls_free (spki.data);
      }
      gnutls_pubkey_deinit (pk);
    }
  }
  if (r < 0) {
    set_error (error, "TLS: cannot compute the certificate's fingerprint: %s", gnutls_strerror (r));
    gnutls_x509_crt_deinit (crt);
    return -EKEYREJECTED;
  }
  const char *what = a->kind == MIRAGE_TLS_AUTH_CERT_FP ? "certificate" : "key";
  if (fplen != a->fingerprint_len || memcmp (fp, a->fingerprint, fplen) != 0) {
    char got[100], want[100];
    base64_of (fp, fplen, got, sizeof got);
    base64_of (a->fingerprint, a->fingerprint_len, want, sizeof want);
    set_error (error, "TLS: the server's %s %s fingerprint is %s, the authenticator wants %s",
               mirage_tls_hash_name (a->hash), what, got, want);
    gnutls_x509_crt_deinit (crt);
    return -EKEYREJECTED;
  }
  time_t now = time (NULL);
  time_t from = gnutls_x509_crt_get_activation_time (crt);
  time_t until = gnutls_x509_crt_get_expiration_time (crt);
  if (now < from || now > until) {
    char when[64];
    struct tm tm;
    gmtime_r (now > until ? &until : &from, &tm);
    strftime (when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    set_error (error, "TLS: the server's certificate (its %s fingerprint matches) %s %s",
               what, now > until ? "expired on" : "is not valid before", when);
    gnutls_x509_crt_deinit (crt);
    return -EKEYREJECTED;
  }
  if (host && !host_is_ip (host) && !gnutls_x509_crt_check_hostname (crt, host)) {
    set_error (error, "TLS: the server's certificate (its %s fingerprint matches) is not for %s",
               what, host);
    gnutls_x509_crt_deinit (crt);
    return -EKEYREJECTED;
  }
  gnutls_x509_crt_deinit (crt);
  return 0;
}

static int
check_chain (mirage_tls *t, const char *host, char **error)
{
  unsigned status = 0;
  const char *name = host && !host_is_ip (host) ? host : NULL;
  int r = gnutls_certificate_verify_peers3 (t->session, name, &status);
  if (r < 0) {
    set_error (error, "TLS: cannot verify the server's certificate: %s", gnutls_strerror (r));
    return -EKEYREJECTED;
  }
  if (status != 0) {
    gnutls_datum_t out = { NULL, 0 };
    gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0);
    while (out.size > 0 && (out.data[out.size - 1] == ' ' || out.data[out.size - 1] == '\n'))
      out.size--;
    set_error (error, "TLS: the server's certificate%s%s is refused (%s): %.*s",
               name ? " for " : "", name ? name : "",
               t->cfg->auth.kind == MIRAGE_TLS_AUTH_SYSTEM ? "system trust store" : "trust anchors",
               (int) out.size, out.data ? (const char *) out.data : "not trusted");
    gnutls_free (out.data);
    return -EKEYREJECTED;
  }
  return 0;
}

static int
start (mirage_tls_config *cfg, mirage_flow *flow, bool server, const char *host,
       mirage_tls **out, char **error)
{
  mirage_tls *t = calloc (1, sizeof *t);
  if (!t) {
    mirage_tcp_close (flow);
    return -ENOMEM;
  }
  t->cfg = cfg;
  t->flow = flow;
  int r = gnutls_init (&t->session, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
  if (r < 0) {
    mirage_tcp_close (flow);
    free (t);
    return -ENOMEM;
  }
  gnutls_set_default_priority (t->session);
  gnutls_credentials_set (t->session, GNUTLS_CRD_CERTIFICATE, cfg->cred);
  gnutls_transport_set_ptr (t->session, t);
  gnutls_transport_set_push_function (t->session, push);
  gnutls_transport_set_pull_function (t->session, pull);
  gnutls_handshake_set_timeout (t->session, 0);   /* callers bound it with task timeouts */
  if (!server && host && *host && !host_is_ip (host))
    gnutls_server_name_set (t->session, GNUTLS_NAME_DNS, host, strlen (host));
  if (cfg->n_alpn > 0)
    gnutls_alpn_set_protocols (t->session, cfg->alpn, cfg->n_alpn,
                               server ? GNUTLS_ALPN_SERVER_PRECEDENCE : 0);
  do
    r = gnutls_handshake (t->session);
  while (r < 0 && !gnutls_error_is_fatal (r));
  if (r < 0) {
    int e = to_errno (t, r);
    if (e == -EPROTO)
      set_error (error, "TLS handshake failed: %s", gnutls_strerror (r));
    else
      set_error (error, "TLS handshake failed: %s", strerror (-e));
    t->transport_error = e;   /* no close_notify after a failed handshake */
    mirage_tls_close (t);
    return e;
  }
  if (!server && cfg->auth.kind != MIRAGE_TLS_AUTH_NONE) {
    r = cfg->auth.kind == MIRAGE_TLS_AUTH_KEY_FP || cfg->auth.kind == MIRAGE_TLS_AUTH_CERT_FP
      ? check_fingerprint (t, host, error) : check_chain (t, host, error);
    if (r < 0) {
      gnutls_alert_send (t->session, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
      mirage_tcp_close (t->flow);
      t->flow = NULL;
      mirage_tls_close (t);
      return r;
    }
  }
  {
    gnutls_datum_t sel;
    if (cfg->n_alpn > 0 && gnutls_alpn_get_selected_protocol (t->session, &sel) == 0
        && sel.size < sizeof t->alpn) {
      memcpy (t->alpn, sel.data, sel.size);
      t->alpn[sel.size] = '\0';
    }
  }
  mirage_log_debug (&tls_log, "%s handshake done (%s)", server ? "server" : "client",
                    gnutls_protocol_get_name (gnutls_protocol_get_version (t->session)));
  *out = t;
  return 0;
}

int
mirage_tls_client (mirage_tls_config *cfg, mirage_flow *flow, const char *host,
                   mirage_tls **out, char **error)
{
  return start (cfg, flow, false, host, out, error);
}

int
mirage_tls_server (mirage_tls_config *cfg, mirage_flow *flow, mirage_tls **out, char **error)
{
  return start (cfg, flow, true, NULL, out, error);
}

ssize_t
mirage_tls_read (mirage_tls *t, void *buf, size_t len)
{
  if (t->eof)
    return 0;
  for (;;) {
    ssize_t n = gnutls_record_recv (t->session, buf, len);
    if (n >= 0) {
      if (n == 0)
        t->eof = true;
      return n;
    }
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_REHANDSHAKE)
      continue;
    if (n == GNUTLS_E_PREMATURE_TERMINATION) {
      /* end of stream without close_notify: reported as the end, as
       * ocaml-tls reports `Eof */
      t->eof = true;
      return 0;
    }
    return to_errno (t, (int) n);
  }
}

int
mirage_tls_write (mirage_tls *t, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0) {
    ssize_t n = gnutls_record_send (t->session, p, len);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n < 0)
      return to_errno (t, (int) n);
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

int
mirage_tls_peer_subject (mirage_tls *t, char *buf, size_t size)
{
  unsigned n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers (t->session, &n);
  if (!certs || n == 0)
    return -ENOENT;
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init (&crt) < 0)
    return -ENOMEM;
  int r = gnutls_x509_crt_import (crt, &certs[0], GNUTLS_X509_FMT_DER);
  if (r >= 0) {
    size_t len = size;
    r = gnutls_x509_crt_get_dn (crt, buf, &len);
  }
  gnutls_x509_crt_deinit (crt);
  return r < 0 ? (r == GNUTLS_E_SHORT_MEMORY_BUFFER ? -ERANGE : -EPROTO) : 0;
}

const char *
mirage_tls_version (mirage_tls *t)
{
  const char *v = gnutls_protocol_get_name (gnutls_protocol_get_version (t->session));
  return v ? v : "?";
}

void
mirage_tls_close (mirage_tls *t)
{
  if (!t)
    return;
  if (t->flow) {
    /* close_notify without waiting for the peer's */
    if (t->transport_error == 0)
      gnutls_bye (t->session, GNUTLS_SHUT_WR);
    mirage_tcp_close (t->flow);
  }
  gnutls_deinit (t->session);
  free (t);
}
