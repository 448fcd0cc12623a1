/* mirage/syslog.h: log lines also sent to a syslog server, as Mirage's
 * syslog_udp and syslog_tcp (logs-syslog's mirage reporters).
 *
 * Connecting one wraps the installed reporter: every message still goes
 * where it went (the console) and is also sent to --syslog on
 * --syslog-port (default 514) in the format logs-syslog uses, RFC 3164
 * with facility daemon:
 *
 *   <30>Dec 06 13:05:09 hello application Hello World!
 *   <PRI>Mmm dd hh:mm:ss HOSTNAME SOURCE MESSAGE
 *
 * (PRI = 3 * 8 + severity: App and Info 6, Warning 4, Error 3, Debug 7;
 * the time is UTC from the ptime device; the host name is the
 * unikernel's). Over UDP one datagram per message, cut to
 * --syslog-truncate bytes (default 65535); over TCP each message ends
 * with a NUL byte (logs-syslog's default `Null framing), not cut unless
 * --syslog-truncate says so, the connection made on first use and again
 * after a failure (at most once a second).
 *
 * A syslog server that is down or slow never stalls the unikernel:
 * mirage_log only puts the line in a bounded queue (256 messages), which
 * a task of the device empties; when it is full, messages are dropped
 * for syslog (still shown on the console) and counted. Without --syslog
 * the device warns "no syslog server specified, dumping logs to stdout"
 * and changes nothing, as Mirage does.
 */
#ifndef MIRAGE_SYSLOG_H
#define MIRAGE_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "mirage/ipaddr.h"
#include "mirage/log.h"
#include "mirage/ptime.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIRAGE_SYSLOG_QUEUE 256

typedef enum {
  MIRAGE_SYSLOG_UDP,
  MIRAGE_SYSLOG_TCP,        /* syslog_tls too, with TLS over it */
} mirage_syslog_transport;

/* The public head of the implementation's object: its stack. */
typedef struct mirage_syslog { mirage_stack *stack; } mirage_syslog;

typedef struct {
  mirage_syslog_transport transport;
  mirage_ipaddr server;      /* version 0 (unset): no server, a warning */
  uint16_t port;             /* 0: 514 */
  int truncate;              /* <= 0: UDP 65535, TCP no limit */
  const char *hostname;      /* NULL: the unikernel's name */
  mirage_ptime *clock;       /* NULL: the default ptime */
} mirage_syslog_config;

/* Installs the reporter and starts the sending task (call from a task).
 * *@out is NULL when no server was given. */
int mirage_syslog_connect (mirage_stack *stack, const mirage_syslog_config *cfg,
                           mirage_syslog **out);

/* syslog_tls: as syslog_tcp, in TLS (mirage/tls.h), as logs-syslog's
 * TLS reporter reads its keys from the key-value store @kv the way
 * tls-mirage does: the server is checked against the CA certificates of
 * "tls/ca-roots.crt", and the client presents "tls/NAME.pem" with its
 * key "tls/NAME.key" (NAME: --syslog-keyname, default "server"). A
 * missing or unusable file fails the connection naming it. In
 * libmirage-runtime-gnutls.a (catalog library "gnutls"). */
struct mirage_kv_ro;
int mirage_syslog_tls_connect (mirage_stack *stack, struct mirage_kv_ro *kv, const char *keyname,
                               const mirage_syslog_config *cfg, mirage_syslog **out);

/* One message as sent (without TCP's NUL); its length, cut to @size - 1. */
size_t mirage_syslog_format (char *buf, size_t size, int64_t posix_s, const char *hostname,
                             const mirage_log_src *src, mirage_log_level level,
                             const char *msg, size_t len);

typedef struct {
  uint64_t sent;
  uint64_t dropped;          /* queue full, or the server unreachable */
} mirage_syslog_stats;
void mirage_syslog_get_stats (mirage_syslog *s, mirage_syslog_stats *out);

/* Sends what is queued (waiting at most @timeout_ns) and stops: the
 * console reporter is put back. */
void mirage_syslog_close (mirage_syslog *s, uint64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_SYSLOG_H */
