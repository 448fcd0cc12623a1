/* syslog-tls.c: syslog_tls (mirage/syslog.h): the TCP syslog reporter
 * of syslog.c with a TLS session over its connection. The CA roots and
 * the client's certificate and key are read from the key-value store
 * when the device connects (tls-mirage's file names), so nothing is read
 * afterwards. In the GnuTLS archive, so syslog.c links no TLS. */
#include "syslog-private.h"

#include "mirage/kv_ro.h"
#include "mirage/tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MIRAGE_LOG_SRC (syslog_tls_log, "syslog", "syslog reporter");

static int
t_start (syslog_impl *s)
{
  char *error = NULL;
  mirage_tls *t = NULL;
  int r = mirage_tls_client (s->tls_cfg, s->flow, NULL, &t, &error);
  if (r < 0) {
    mirage_log_warn (&syslog_tls_log, "syslog server: %s", error ? error : strerror (-r));
    free (error);
    return r;
  }
  s->tls = t;
  return 0;
}

static int
t_write (syslog_impl *s, const void *buf, size_t len)
{
  return mirage_tls_write (s->tls, buf, len);
}

static void
t_close (syslog_impl *s)
{
  mirage_tls_close (s->tls);   /* closes the flow too */
  s->tls = NULL;
}

static void
t_free_config (syslog_impl *s)
{
  mirage_tls_config_free (s->tls_cfg);
  s->tls_cfg = NULL;
}

static const struct syslog_tls_ops tls_ops = { t_start, t_write, t_close, t_free_config };

static int
read_key (mirage_kv_ro *kv, const char *key, void **data, size_t *len)
{
  int r = mirage_kv_get (kv, key, data, len);
  if (r < 0)
    mirage_log_err (&syslog_tls_log, "syslog_tls: cannot read %s from its store: %s", key, strerror (-r));
  return r;
}

int
mirage_syslog_tls_connect (mirage_stack *stack, struct mirage_kv_ro *kv, const char *keyname,
                           const mirage_syslog_config *cfg, mirage_syslog **out)
{
  *out = NULL;
  if (!mirage_syslog__has_server (cfg))
    return 0;
  char cert_key[300], key_key[300];
  const char *name = keyname && *keyname ? keyname : "server";
  snprintf (cert_key, sizeof cert_key, "tls/%s.pem", name);
  snprintf (key_key, sizeof key_key, "tls/%s.key", name);
  void *ca = NULL, *cert = NULL, *key = NULL;
  size_t ca_len = 0, cert_len = 0, key_len = 0;
  int r = read_key (kv, "tls/ca-roots.crt", &ca, &ca_len);
  if (r == 0)
    r = read_key (kv, cert_key, &cert, &cert_len);
  if (r == 0)
    r = read_key (kv, key_key, &key, &key_len);
  mirage_tls_config *tls = NULL;
  if (r == 0) {
    char *error = NULL;
    r = mirage_tls_client_config_pem (ca, ca_len, cert, cert_len, key, key_len, &tls, &error);
    if (r < 0)
      mirage_log_err (&syslog_tls_log, "syslog_tls: %s", error ? error : strerror (-r));
    free (error);
  }
  free (ca);
  free (cert);
  free (key);
  if (r < 0)
    return r;
  mirage_syslog_config tcp = *cfg;
  tcp.transport = MIRAGE_SYSLOG_TCP;
  r = mirage_syslog__connect (stack, &tcp, &tls_ops, tls, out);
  if (r < 0)
    mirage_tls_config_free (tls);
  return r;
}
