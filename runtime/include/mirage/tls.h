/* mirage/tls.h: TLS over the stack's flows, as tls-mirage in Mirage.
 *
 * A mirage_tls is one TLS session (client or server) over a mirage_flow.
 * The record layer is GnuTLS's; its transport callbacks read and write
 * the flow, so a handshake, a read or a write that waits for the peer
 * suspends the calling task on the event loop (mirage/task.h) like any
 * other flow operation, and mirage_task_with_timeout or cancellation
 * bounds it. No call blocks the loop.
 *
 * Who to trust is an *authenticator*, written as Mirage's (ocaml-x509's
 * Authenticator.of_string) so the same --tls-authenticator strings work:
 *
 *   none                         accept any certificate (no checks at all)
 *   key-fp:[HASH:]BASE64         the server's public key (its DER
 *                                SubjectPublicKeyInfo) has this digest
 *   cert-fp:[HASH:]BASE64        the server's certificate (DER) has this digest
 *   trust-anchor:B64DER[:B64DER...]  a chain to one of these CA certificates
 *
 * HASH is md5, sha, sha1, sha224, sha256 (the default), sha384 or sha512,
 * any case. With no authenticator (NULL or ""), certificates are checked
 * against the system's trust store (read once, when the configuration is
 * made: before a sandbox closes the file system). As ocaml-x509 does,
 * fingerprints also require the certificate to be within its validity
 * period and (when a host name is given) to name the host; chains are
 * checked for time, name and signatures by GnuTLS.
 *
 * Errors are negative errno values: -EKEYREJECTED when the peer's
 * certificate is refused, -EPROTO for a TLS protocol failure, -EINVAL for
 * a bad authenticator or key, the flow's errors (-ECONNRESET, -ECANCELED,
 * -ETIMEDOUT...) as they are. Functions that can fail for a reason a user
 * must read also give a malloc'ed message through @error (may be NULL),
 * naming what did not match ("the certificate's SHA256 key fingerprint is
 * X, the authenticator wants Y").
 *
 * The code is in libmirage-runtime-gnutls.a (catalog library "gnutls"),
 * linked only into graphs with a device that uses TLS.
 */
#ifndef MIRAGE_TLS_H
#define MIRAGE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- authenticators (parsing is plain C: src/tls-authenticator.c) ---- */

typedef enum {
  MIRAGE_TLS_AUTH_SYSTEM,       /* no authenticator: the system's trust store */
  MIRAGE_TLS_AUTH_NONE,
  MIRAGE_TLS_AUTH_KEY_FP,
  MIRAGE_TLS_AUTH_CERT_FP,
  MIRAGE_TLS_AUTH_TRUST_ANCHOR,
} mirage_tls_auth_kind;

typedef enum {
  MIRAGE_TLS_HASH_MD5,
  MIRAGE_TLS_HASH_SHA1,
  MIRAGE_TLS_HASH_SHA224,
  MIRAGE_TLS_HASH_SHA256,
  MIRAGE_TLS_HASH_SHA384,
  MIRAGE_TLS_HASH_SHA512,
} mirage_tls_hash;

typedef struct {
  unsigned char *der;
  size_t len;
} mirage_tls_der;

typedef struct {
  mirage_tls_auth_kind kind;
  mirage_tls_hash hash;                 /* fingerprints */
  unsigned char fingerprint[64];
  size_t fingerprint_len;
  mirage_tls_der *anchors;              /* trust anchors, DER (not yet checked) */
  size_t n_anchors;
} mirage_tls_authenticator;

/* Limits, stated once: an authenticator's text and its anchors. */
#define MIRAGE_TLS_AUTH_MAX_TEXT    65536
#define MIRAGE_TLS_AUTH_MAX_ANCHORS 64

/* Parses @len bytes of @text. 0, or -EINVAL with a message in @err
 * ("invalid TLS authenticator 'x': unknown hash algorithm 'md4'"). An
 * empty text is MIRAGE_TLS_AUTH_SYSTEM. */
int mirage_tls_authenticator_parse (const char *text, size_t len,
                                    mirage_tls_authenticator *out,
                                    char *err, size_t err_size);
void mirage_tls_authenticator_clear (mirage_tls_authenticator *a);
const char *mirage_tls_hash_name (mirage_tls_hash h);   /* "SHA256" */
size_t mirage_tls_hash_length (mirage_tls_hash h);      /* 32 */

/* ---- configurations and sessions (src/tls-gnutls.c) ---- */

typedef struct mirage_tls_config mirage_tls_config;
typedef struct mirage_tls mirage_tls;

/* A client configuration for @authenticator (NULL or "": the system's
 * trust store, read now). */
int mirage_tls_client_config_new (const char *authenticator, mirage_tls_config **out,
                                  char **error);
/* A client configuration trusting the PEM CA certificates @ca_pem (chains
 * checked, as trust anchors) and presenting the PEM certificate chain
 * @cert_pem with its key @key_pem when the server asks (both NULL:
 * none); as tls-mirage's X509 over a key-value store reads them. */
int mirage_tls_client_config_pem (const char *ca_pem, size_t ca_len,
                                  const char *cert_pem, size_t cert_len,
                                  const char *key_pem, size_t key_len,
                                  mirage_tls_config **out, char **error);
/* A server configuration from a PEM certificate chain and its PEM key. */
int mirage_tls_server_config_new (const char *cert_pem, const char *key_pem,
                                  mirage_tls_config **out, char **error);
void mirage_tls_config_free (mirage_tls_config *cfg);
/* Handshakes as a client over @flow, sending @host as the server name
 * (SNI) and checking the certificate names it (NULL, or an IP address: no
 * SNI; names are then not checked, as ocaml-x509 with no host). @flow
 * belongs to the session from now on, also when this fails (it is then
 * closed). @cfg must outlive the session. */
int mirage_tls_client (mirage_tls_config *cfg, mirage_flow *flow, const char *host,
                       mirage_tls **out, char **error);
/* Handshakes as a server over @flow (which it takes, as above). */
int mirage_tls_server (mirage_tls_config *cfg, mirage_flow *flow, mirage_tls **out,
                       char **error);

/* Suspends until some application data arrives; its length, 0 when the
 * peer closed (close_notify or end of stream), or -errno. */
ssize_t mirage_tls_read (mirage_tls *t, void *buf, size_t len);
/* Suspends until all of @buf is handed to the flow; 0 or -errno. */
int mirage_tls_write (mirage_tls *t, const void *buf, size_t len);
/* The peer certificate's subject DN ("CN=example.org,O=..."), written into
 * @buf; -ENOENT when the peer sent none. */
int mirage_tls_peer_subject (mirage_tls *t, char *buf, size_t size);
/* ALPN (RFC 7301): the application protocols (at most 4, each under 24
 * bytes: "h2", "http/1.1") a client offers or a server accepts, in
 * preference order; a server picks by its own order. 0 or -EINVAL. */
int mirage_tls_config_set_alpn (mirage_tls_config *cfg, const char *const *protocols, size_t n);
/* The protocol ALPN chose for @t, or NULL when none was. */
const char *mirage_tls_alpn (mirage_tls *t);
/* The negotiated protocol version ("TLS1.3"). */
const char *mirage_tls_version (mirage_tls *t);
/* Sends close_notify (without waiting for the peer's), closes the flow
 * and frees the session. */
void mirage_tls_close (mirage_tls *t);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_TLS_H */
