/* syslog.c: syslog_udp and syslog_tcp (mirage/syslog.h).
 *
 * The reporter it installs passes every message on to the reporter that
 * was installed before (the console), formats it as logs-syslog does and
 * puts it in a bounded ring; that is all mirage_log ever waits for. A
 * task of the device empties the ring: when it is empty, the task sleeps a
 * few milliseconds (a log call may happen outside any task, so it cannot
 * wake the sender itself); over TCP it connects when it first has
 * something to send, and after a failure drops what comes for a second
 * before trying again. The calendar arithmetic is done here (as in
 * reporter.c) rather than by gmtime_r, which reads the time zone files:
 * system calls a sandboxed unikernel may not make. */
#include "syslog-private.h"
#include "mirage/main.h"
#include "mirage/reporter.h"
#include "mirage/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MIRAGE_LOG_SRC (syslog_log, "syslog", "syslog reporter");

#define IDLE_NS (5 * MIRAGE_NS_PER_MS)
#define RETRY_NS MIRAGE_NS_PER_S
#define CONNECT_TIMEOUT_NS (2 * MIRAGE_NS_PER_S)


static const char *const months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* month (1-12) and day of a count of days since 1970-01-01 (the civil
 * calendar algorithm, as in reporter.c) */
static void
month_day (long long z, int *m, int *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
}

static int
severity (mirage_log_level level)
{
  switch (level) {
  case MIRAGE_LOG_ERROR: return 3;
  case MIRAGE_LOG_WARNING: return 4;
  case MIRAGE_LOG_DEBUG: return 7;
  default: return 6;             /* App and Info: Informational */
  }
}

size_t
mirage_syslog_format (char *buf, size_t size, int64_t posix_s, const char *hostname,
                      const mirage_log_src *src, mirage_log_level level, const char *msg, size_t len)
{
  long long days = posix_s / 86400, secs = posix_s % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  int month, day;
  month_day (days, &month, &day);
  int n = snprintf (buf, size, "<%d>%s %02d %02d:%02d:%02d %s %s %.*s", 3 * 8 + severity (level),
                    months[month - 1], day, (int) (secs / 3600), (int) (secs / 60 % 60),
                    (int) (secs % 60), hostname, src->name, (int) len, msg);
  if (n < 0 || size == 0)
    return 0;
  return (size_t) n < size ? (size_t) n : size - 1;
}

static void
report (mirage_reporter *r, const mirage_log_src *src, mirage_log_level level, const char *msg,
        size_t len)
{
  syslog_impl *s = (syslog_impl *) ((char *) r - offsetof (syslog_impl, reporter));
  if (s->next)
    s->next->ops->report (s->next, src, level, msg, len);
  if (s->closing || strcmp (src->name, syslog_log.name) == 0)   /* our own troubles stay on the console */
    return;
  if (s->count == MIRAGE_SYSLOG_QUEUE) {
    s->stats.dropped++;
    return;
  }
  int64_t now = mirage_ptime_now_ns (s->clock);
  int64_t secs = now >= 0 ? now / 1000000000 : (now - 999999999) / 1000000000;
  size_t cap = len + strlen (s->hostname) + strlen (src->name) + 48;
  char *line = malloc (cap);
  if (!line) {
    s->stats.dropped++;
    return;
  }
  size_t n = mirage_syslog_format (line, cap, secs, s->hostname, src, level, msg, len);
  if (s->truncate && n > s->truncate)
    n = s->truncate;
  size_t slot = (s->head + s->count) % MIRAGE_SYSLOG_QUEUE;
  s->ring[slot] = line;
  s->ring_len[slot] = n;
  s->count++;
}

static const struct mirage_reporter_ops syslog_ops = { report };

typedef struct {
  syslog_impl *s;
  mirage_flow *flow;
} connect_arg;

static int
connect_task (void *arg)
{
  connect_arg *c = arg;
  return mirage_tcp_connect (c->s->base.stack, &c->s->server, &c->flow);
}

/* syslog_tls's handshake, bounded as the connection is */
static int
tls_start (void *arg)
{
  syslog_impl *s = arg;
  return s->tls_ops->start (s);
}

static int
send_tcp (syslog_impl *s, char *line, size_t len)
{
  if (!s->flow) {
    if (mirage_loop_now_ns () < s->retry_at)
      return -ENOTCONN;
    connect_arg c = { s, NULL };
    int r = mirage_task_with_timeout (CONNECT_TIMEOUT_NS, "syslog-connect", connect_task, &c);
    if (r < 0) {
      s->retry_at = mirage_loop_now_ns () + RETRY_NS;
      char ip[MIRAGE_IPADDR_STRLEN];
      mirage_log_warn (&syslog_log, "cannot connect to the syslog server %s port %u: %s",
                       mirage_ipaddr_to_string (&s->server.ip, ip), s->server.port, strerror (-r));
      return r;
    }
    s->flow = c.flow;
    if (s->tls_ops && (r = mirage_task_with_timeout (CONNECT_TIMEOUT_NS, "syslog-tls", tls_start, s)) < 0) {
      s->flow = NULL;       /* closed by start */
      s->retry_at = mirage_loop_now_ns () + RETRY_NS;
      return r;
    }
  }
  line[len] = '\0';          /* the `Null framing: the NUL is sent too */
  int r = s->tls_ops ? s->tls_ops->write (s, line, len + 1) : mirage_tcp_write (s->flow, line, len + 1);
  if (r < 0 && r != -ECANCELED) {
    if (s->tls_ops)
      s->tls_ops->close (s);
    else
      mirage_tcp_close (s->flow);
    s->flow = NULL;
    s->retry_at = mirage_loop_now_ns () + RETRY_NS;
  }
  return r;
}

static int
sender (void *arg)
{
  syslog_impl *s = arg;
  for (;;) {
    if (s->count == 0) {
      if (s->closing)
        return 0;
      if (mirage_task_sleep_ns (IDLE_NS) == -ECANCELED)
        return 0;
      continue;
    }
    char *line = s->ring[s->head];
    size_t len = s->ring_len[s->head];
    s->ring[s->head] = NULL;
    s->head = (s->head + 1) % MIRAGE_SYSLOG_QUEUE;
    s->count--;
    int r = s->transport == MIRAGE_SYSLOG_UDP ? mirage_udp_send (s->udp, &s->server, line, len)
                                              : send_tcp (s, line, len);
    free (line);
    if (r == 0)
      s->stats.sent++;
    else
      s->stats.dropped++;
    if (r == -ECANCELED && mirage_task_is_cancelled ())
      return 0;
  }
}

bool
mirage_syslog__has_server (const mirage_syslog_config *cfg)
{
  if (cfg->server.version == MIRAGE_IPV4 || cfg->server.version == MIRAGE_IPV6)
    return true;
  mirage_log_warn (&syslog_log, "no syslog server specified, dumping logs to stdout");
  return false;
}

int
mirage_syslog_connect (mirage_stack *stack, const mirage_syslog_config *cfg, mirage_syslog **out)
{
  return mirage_syslog__connect (stack, cfg, NULL, NULL, out);
}

int
mirage_syslog__connect (mirage_stack *stack, const mirage_syslog_config *cfg,
                        const struct syslog_tls_ops *tls_ops, void *tls_cfg, mirage_syslog **out)
{
  *out = NULL;
  if (!mirage_syslog__has_server (cfg))
    return 0;
  syslog_impl *s = calloc (1, sizeof *s);
  if (!s)
    return -ENOMEM;
  s->tls_ops = tls_ops;
  s->tls_cfg = tls_cfg;
  s->base.stack = stack;
  s->reporter.ops = &syslog_ops;
  s->transport = cfg->transport;
  s->server.ip = cfg->server;
  s->server.port = cfg->port ? cfg->port : 514;
  s->truncate = cfg->truncate > 0 ? (size_t) cfg->truncate
              : cfg->transport == MIRAGE_SYSLOG_UDP ? 65535 : 0;
  snprintf (s->hostname, sizeof s->hostname, "%s", cfg->hostname ? cfg->hostname : mirage_unikernel_name ());
  s->clock = cfg->clock ? cfg->clock : mirage_default_ptime ();
  if (s->transport == MIRAGE_SYSLOG_UDP) {
    mirage_ipaddr any = { cfg->server.version, { 0 } };
    int r = mirage_udp_bind (stack, &any, 0, &s->udp);
    if (r < 0) {
      free (s);
      return r;
    }
  }
  s->sender = mirage_task_spawn ("syslog", sender, s);
  if (!s->sender) {
    if (s->udp)
      mirage_udp_close (s->udp);
    free (s);
    return -ENOMEM;
  }
  s->next = mirage_reporter_installed ();
  mirage_reporter_install (&s->reporter);
  *out = &s->base;
  return 0;
}

void
mirage_syslog_get_stats (mirage_syslog *sp, mirage_syslog_stats *out)
{
  *out = ((syslog_impl *) sp)->stats;
}

void
mirage_syslog_close (mirage_syslog *sp, uint64_t timeout_ns)
{
  syslog_impl *s = (syslog_impl *) sp;
  if (!s)
    return;
  mirage_reporter_install (s->next);
  s->closing = true;
  if (mirage_task_join_timeout (s->sender, timeout_ns) < 0) {
    mirage_task_cancel (s->sender);
    mirage_task_join (s->sender);
  }
  for (size_t i = 0; i < s->count; i++)
    free (s->ring[(s->head + i) % MIRAGE_SYSLOG_QUEUE]);
  if (s->flow && s->tls_ops)
    s->tls_ops->close (s);
  else if (s->flow)
    mirage_tcp_close (s->flow);
  if (s->tls_ops)
    s->tls_ops->free_config (s);
  if (s->udp)
    mirage_udp_close (s->udp);
  free (s);
}
