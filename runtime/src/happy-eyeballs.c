/* happy-eyeballs.c: generic_happy_eyeballs (mirage/happy_eyeballs.h),
 * RFC 8305 connection racing on the runtime's tasks.
 *
 * One racing task (the caller) owns the state; the name's AAAA and A
 * lookups and each connection attempt are tasks of their own that only
 * record their outcome in it. The racing task wakes when the oldest
 * live attempt ends (it waits for that one with a join), when the next
 * attempt is due, and otherwise every timer_interval, as Mirage's
 * happy-eyeballs state machine is driven by its timer. On each wake it:
 * takes new addresses (IPv6 and IPv4 interleaved, IPv6 first), starts
 * the next attempt when connect_delay has passed since the last one or
 * when no attempt is left running (RFC 8305 section 5), cancels
 * attempts older than connect_timeout, and stops at the first
 * connection. Addresses wait for the AAAA answer (or aaaa_timeout after
 * the A answer: the "resolution delay" of section 3). The code needs no
 * library: it is in the runtime's own archive. */
#include "mirage/happy_eyeballs.h"
#include "mirage/log.h"
#include "mirage/task.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

MIRAGE_LOG_SRC (he_log, "happy_eyeballs", "Happy eyeballs connection racing");

#define MAX_ADDRS 16

typedef struct he_impl {
  struct mirage_happy_eyeballs base;      /* the public head (the header) */
  mirage_stack *stack;
  uint64_t aaaa_timeout, connect_delay, connect_timeout, resolve_timeout, timer_interval;
  int resolve_retries;
  mirage_happy_eyeballs_resolver resolve;
  void *resolve_ctx;
} he_impl;

int
mirage_happy_eyeballs_connect_device (mirage_stack *stack, const mirage_happy_eyeballs_config *cfg,
                                      mirage_happy_eyeballs **out)
{
  he_impl *he = calloc (1, sizeof *he);
  if (!he)
    return -ENOMEM;
  he->stack = stack;
#define PICK(field, def) (cfg && cfg->field > 0 ? (uint64_t) cfg->field : (def))
  he->aaaa_timeout = PICK (aaaa_timeout_ns, 50 * MIRAGE_NS_PER_MS);
  he->connect_delay = PICK (connect_delay_ns, 50 * MIRAGE_NS_PER_MS);
  he->connect_timeout = PICK (connect_timeout_ns, 10 * MIRAGE_NS_PER_S);
  he->resolve_timeout = PICK (resolve_timeout_ns, 1 * MIRAGE_NS_PER_S);
  he->timer_interval = PICK (timer_interval_ns, 10 * MIRAGE_NS_PER_MS);
#undef PICK
  he->resolve_retries = cfg && cfg->resolve_retries > 0 ? cfg->resolve_retries : 3;
  he->base.stack = stack;
  *out = &he->base;
  return 0;
}

void
mirage_happy_eyeballs_free (mirage_happy_eyeballs *he_)
{
  he_impl *he = (he_impl *) he_;
  free (he);
}

void
mirage_happy_eyeballs_inject (mirage_happy_eyeballs *he_, mirage_happy_eyeballs_resolver fn, void *ctx)
{
  he_impl *he = (he_impl *) he_;
  he->resolve = fn;
  he->resolve_ctx = ctx;
}

mirage_stack *
mirage_happy_eyeballs_stack (mirage_happy_eyeballs *he_)
{
  he_impl *he = (he_impl *) he_;
  return he->stack;
}

/* ---- the race ---- */

typedef struct race race;

typedef struct {
  race *race;
  mirage_endpoint ep;
  mirage_task *task;        /* NULL once joined */
  uint64_t started;
  bool done;
  int status;
} he_attempt;

typedef struct {
  race *race;
  mirage_ip_version version;
  mirage_task *task;
  bool done;
  int status;
  uint64_t done_at;
  mirage_ipaddr addrs[MAX_ADDRS];
  size_t n;
} resolution;

struct race {
  he_impl *he;
  const char *host;
  uint16_t port;
  he_attempt attempts[2 * MAX_ADDRS];
  size_t n_attempts;
  mirage_flow *winner;
  resolution res[2];        /* 0: AAAA, 1: A */
  size_t taken[2];          /* addresses of each family already tried */
  int last_turn;            /* family of the last attempt started */
  int refs;                 /* the racer and each task not yet ended */
  bool abandoned;           /* the racer is gone: late connections are closed */
};

static void
race_unref (race *rc)
{
  if (--rc->refs == 0)
    free (rc);
}

static int
attempt_task (void *arg)
{
  he_attempt *a = arg;
  mirage_flow *flow;
  int r = mirage_tcp_connect (a->race->he->stack, &a->ep, &flow);
  if (r == 0) {
    if (a->race->winner == NULL && !a->race->abandoned)
      a->race->winner = flow;
    else
      mirage_tcp_close (flow);       /* lost the race */
  }
  a->status = r;
  a->done = true;
  race_unref (a->race);
  return 0;
}

static int
resolve_once (void *arg)
{
  resolution *res = arg;
  he_impl *he = res->race->he;
  return he->resolve (he->resolve_ctx, res->race->host, res->version, res->addrs, MAX_ADDRS, &res->n);
}

static int
resolve_task (void *arg)
{
  resolution *res = arg;
  he_impl *he = res->race->he;
  int r = -ETIMEDOUT;
  for (int i = 0; i < he->resolve_retries && r == -ETIMEDOUT; i++)
    r = mirage_task_with_timeout (he->resolve_timeout, "he-resolve", resolve_once, res);
  res->status = r;
  if (r < 0)
    res->n = 0;
  res->done = true;
  res->done_at = mirage_loop_now_ns ();
  race_unref (res->race);
  return 0;
}

/* The next address to try, or NULL: IPv6 and IPv4 in turn. */
static const mirage_ipaddr *
next_address (race *rc, bool names)
{
  if (names) {
    uint64_t now = mirage_loop_now_ns ();
    resolution *v6 = &rc->res[0], *v4 = &rc->res[1];
    /* the resolution delay: an A answer waits a little for the AAAA one */
    if (!v6->done && !(v4->done && now >= v4->done_at + rc->he->aaaa_timeout))
      return NULL;
  }
  for (int k = 0; k < 2; k++) {
    int fam = (rc->last_turn + 1 + k) % 2;     /* the other family first */
    resolution *res = &rc->res[fam];
    if (rc->taken[fam] < res->n) {
      rc->last_turn = fam;
      return &res->addrs[rc->taken[fam]++];
    }
  }
  return NULL;
}

static bool
more_to_come (race *rc, bool names)
{
  for (int f = 0; f < 2; f++)
    if ((names && !rc->res[f].done) || rc->taken[f] < rc->res[f].n)
      return true;
  return false;
}

/* Cancels what still runs. A cancelled racer cannot wait for its tasks
 * (its joins return at once): those are detached, and the race's memory
 * lives until the last of them ends (they always end with status 0). */
static void
end_task (mirage_task **t)
{
  if (!*t)
    return;
  mirage_task_cancel (*t);
  if (mirage_task_join (*t) == -ECANCELED)
    mirage_task_detach (*t);
  *t = NULL;
}

static void
finish (race *rc)
{
  rc->abandoned = true;
  for (size_t i = 0; i < rc->n_attempts; i++)
    end_task (&rc->attempts[i].task);
  for (int f = 0; f < 2; f++)
    end_task (&rc->res[f].task);
}

static int
run_race (race *rc, bool names, mirage_flow **out)
{
  he_impl *he = rc->he;
  uint64_t next_start = 0;
  int last_error = names ? -ENOENT : -ECONNREFUSED;
  for (;;) {
    uint64_t now = mirage_loop_now_ns ();
    if (rc->winner)
      break;
    size_t live = 0;
    he_attempt *oldest = NULL;
    for (size_t i = 0; i < rc->n_attempts; i++) {
      he_attempt *a = &rc->attempts[i];
      if (a->done) {
        if (a->task) {
          mirage_task_join (a->task);
          a->task = NULL;
          if (a->status < 0)
            last_error = a->status == -ECANCELED ? -ETIMEDOUT : a->status;
        }
        continue;
      }
      if (now >= a->started + he->connect_timeout) {
        mirage_task_cancel (a->task);      /* ends soon with -ECANCELED */
        last_error = -ETIMEDOUT;
        continue;
      }
      live++;
      if (!oldest)
        oldest = a;
    }
    if (live == 0)
      next_start = now;      /* nothing running: the next address at once */
    if (now >= next_start && rc->n_attempts < sizeof rc->attempts / sizeof rc->attempts[0]) {
      const mirage_ipaddr *ip = next_address (rc, names);
      if (ip) {
        he_attempt *a = &rc->attempts[rc->n_attempts];
        memset (a, 0, sizeof *a);
        a->race = rc;
        a->ep.ip = *ip;
        a->ep.port = rc->port;
        a->started = now;
        a->task = mirage_task_spawn ("he-connect", attempt_task, a);
        if (!a->task) {
          finish (rc);
          return -ENOMEM;
        }
        rc->refs++;
        rc->n_attempts++;
        live++;
        if (!oldest)
          oldest = a;
        next_start = now + he->connect_delay;
        if (mirage_log_enabled (&he_log, MIRAGE_LOG_DEBUG)) {
          char b[MIRAGE_IPADDR_STRLEN];
          mirage_log_debug (&he_log, "%s: trying %s port %u", rc->host ? rc->host : "connect",
                            mirage_ipaddr_to_string (ip, b), rc->port);
        }
      }
    }
    if (live == 0 && !more_to_come (rc, names)) {
      if (names && rc->n_attempts == 0) {
        int s6 = rc->res[0].status, s4 = rc->res[1].status;
        last_error = s4 < 0 && s4 != -ENODATA ? s4 : s6 < 0 && s6 != -ENODATA ? s6 : -ENOENT;
      }
      finish (rc);
      return last_error;
    }
    uint64_t wait = he->timer_interval;
    if (live > 0 && next_start > now && next_start - now < wait)
      wait = next_start - now;
    /* wake as soon as the oldest attempt ends or, with none running, as
     * soon as a pending lookup does (the AAAA one first) */
    mirage_task **pending = NULL;
    if (!oldest && names) {
      for (int f = 0; f < 2 && !pending; f++)
        if (!rc->res[f].done && rc->res[f].task)
          pending = &rc->res[f].task;
      if (rc->res[1].done && !rc->res[0].done) {
        /* the resolution delay ends at a known time */
        uint64_t until = rc->res[1].done_at + he->aaaa_timeout;
        if (until > now && until - now < wait)
          wait = until - now;
      }
    }
    int r;
    if (oldest) {
      r = mirage_task_join_timeout (oldest->task, wait ? wait : 1);
    } else if (pending) {
      r = mirage_task_join_timeout (*pending, wait ? wait : 1);
      if (r != -ETIMEDOUT && r != -ECANCELED)
        *pending = NULL;               /* joined and freed */
      r = r == -ECANCELED ? r : -ETIMEDOUT;
    } else {
      r = mirage_task_sleep_ns (wait ? wait : 1);
    }
    if (oldest && r != -ETIMEDOUT && r != -ECANCELED) {
      oldest->task = NULL;              /* joined */
      if (oldest->status < 0)
        last_error = oldest->status == -ECANCELED ? -ETIMEDOUT : oldest->status;
    }
    if (r == -ECANCELED && mirage_task_is_cancelled ()) {
      finish (rc);
      return -ECANCELED;
    }
  }
  *out = rc->winner;
  finish (rc);
  return 0;
}

int
mirage_happy_eyeballs_connect_ips (mirage_happy_eyeballs *he_, const mirage_ipaddr *ips, size_t n,
                                   uint16_t port, mirage_flow **out)
{
  he_impl *he = (he_impl *) he_;
  race *rc = calloc (1, sizeof *rc);
  if (!rc)
    return -ENOMEM;
  rc->he = he;
  rc->port = port;
  rc->last_turn = 1;        /* so IPv6 goes first */
  for (size_t i = 0; i < n; i++) {
    resolution *res = &rc->res[ips[i].version == MIRAGE_IPV6 ? 0 : 1];
    if (res->n < MAX_ADDRS)
      res->addrs[res->n++] = ips[i];
  }
  rc->res[0].done = rc->res[1].done = true;
  rc->refs = 1;
  int r = run_race (rc, false, out);
  race_unref (rc);
  return r;
}

int
mirage_happy_eyeballs_connect (mirage_happy_eyeballs *he_, const char *host, uint16_t port,
                               mirage_flow **out)
{
  he_impl *he = (he_impl *) he_;
  mirage_ipaddr ip;
  if (mirage_ipaddr_parse (host, 0, &ip) == 0)
    return mirage_happy_eyeballs_connect_ips (&he->base, &ip, 1, port, out);
  if (!he->resolve) {
    mirage_log_err (&he_log, "%s: no DNS client to resolve it (connect one to happy eyeballs)", host);
    return -EHOSTUNREACH;
  }
  race *rc = calloc (1, sizeof *rc);
  if (!rc)
    return -ENOMEM;
  rc->he = he;
  rc->host = host;
  rc->port = port;
  rc->last_turn = 1;
  rc->refs = 1;
  for (int f = 0; f < 2; f++) {
    rc->res[f].race = rc;
    rc->res[f].version = f == 0 ? MIRAGE_IPV6 : MIRAGE_IPV4;
    rc->res[f].task = mirage_task_spawn (f == 0 ? "he-aaaa" : "he-a", resolve_task, &rc->res[f]);
    if (!rc->res[f].task) {
      finish (rc);
      race_unref (rc);
      return -ENOMEM;
    }
    rc->refs++;
  }
  int r = run_race (rc, true, out);
  race_unref (rc);
  return r;
}
