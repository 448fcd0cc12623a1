/* syslog-private.h: the syslog reporter's state, shared by syslog.c
 * (UDP, TCP; no library) and syslog-tls.c (syslog_tls, in the GnuTLS
 * archive), which plugs TLS in over the TCP connection through
 * syslog_tls_ops so that syslog.c itself links no TLS. */
#ifndef MIRAGE_SYSLOG_PRIVATE_H
#define MIRAGE_SYSLOG_PRIVATE_H

#include <stdbool.h>

#include "mirage/reporter.h"
#include "mirage/syslog.h"
#include "mirage/task.h"

typedef struct syslog_impl syslog_impl;

struct syslog_tls_ops {
  int (*start) (syslog_impl *s);               /* a session over s->flow (closes it on failure) */
  int (*write) (syslog_impl *s, const void *buf, size_t len);
  void (*close) (syslog_impl *s);              /* the session and its flow */
  void (*free_config) (syslog_impl *s);
};

struct syslog_impl {
  mirage_syslog base;
  mirage_reporter reporter;     /* what is installed */
  mirage_reporter *next;        /* the console, called first */
  mirage_syslog_transport transport;
  mirage_endpoint server;
  size_t truncate;
  char hostname[256];
  mirage_ptime *clock;
  mirage_udp *udp;
  mirage_flow *flow;
  uint64_t retry_at;
  char *ring[MIRAGE_SYSLOG_QUEUE];
  size_t ring_len[MIRAGE_SYSLOG_QUEUE];
  size_t head, count;
  mirage_task *sender;
  bool closing;
  mirage_syslog_stats stats;
  const struct syslog_tls_ops *tls_ops;   /* syslog_tls (syslog-tls.c), or NULL */
  void *tls_cfg, *tls;
};

/* NULL @tls_ops: plain UDP or TCP. */
int mirage_syslog__connect (mirage_stack *stack, const mirage_syslog_config *cfg,
                            const struct syslog_tls_ops *tls_ops, void *tls_cfg,
                            mirage_syslog **out);
/* Warns and returns false when @cfg names no server. */
bool mirage_syslog__has_server (const mirage_syslog_config *cfg);

#endif
