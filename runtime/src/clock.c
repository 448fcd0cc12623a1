/* clock.c: the ptime and mtime devices (mirage/ptime.h, mirage/mtime.h):
 * the host clocks, and mock clocks that move only when told. */
#include "mirage/mtime.h"
#include "mirage/ptime.h"

#include <time.h>

static int64_t
host_now_ns (mirage_ptime *p)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t
res_ns (clockid_t id)
{
  struct timespec ts;
  if (clock_getres (id, &ts) != 0)
    return 0;
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t host_ptime_period (mirage_ptime *p) { return res_ns (CLOCK_REALTIME); }

static const struct mirage_ptime_ops host_ptime_ops = { host_now_ns, host_ptime_period };
static mirage_ptime host_ptime = { &host_ptime_ops };

mirage_ptime *
mirage_default_ptime (void)
{
  return &host_ptime;
}

typedef struct {
  mirage_ptime base;
  int64_t now;
} mock_ptime;

static int64_t mock_now_ns (mirage_ptime *p) { return ((mock_ptime *) p)->now; }
static uint64_t mock_ptime_period (mirage_ptime *p) { return 0; }
static const struct mirage_ptime_ops mock_ptime_ops = { mock_now_ns, mock_ptime_period };
static mock_ptime the_mock_ptime = { { &mock_ptime_ops }, 0 };

mirage_ptime *
mirage_mock_ptime (int64_t now_ns)
{
  the_mock_ptime.now = now_ns;
  return &the_mock_ptime.base;
}

void
mirage_mock_ptime_set (mirage_ptime *p, int64_t now_ns)
{
  ((mock_ptime *) p)->now = now_ns;
}

static uint64_t
host_elapsed_ns (mirage_mtime *m)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t host_mtime_period (mirage_mtime *m) { return res_ns (CLOCK_MONOTONIC); }
static const struct mirage_mtime_ops host_mtime_ops = { host_elapsed_ns, host_mtime_period };
static mirage_mtime host_mtime = { &host_mtime_ops };

mirage_mtime *
mirage_default_mtime (void)
{
  return &host_mtime;
}

typedef struct {
  mirage_mtime base;
  uint64_t elapsed;
} mock_mtime;

static uint64_t mock_elapsed_ns (mirage_mtime *m) { return ((mock_mtime *) m)->elapsed; }
static uint64_t mock_mtime_period (mirage_mtime *m) { return 0; }
static const struct mirage_mtime_ops mock_mtime_ops = { mock_elapsed_ns, mock_mtime_period };
static mock_mtime the_mock_mtime = { { &mock_mtime_ops }, 0 };

mirage_mtime *
mirage_mock_mtime (uint64_t elapsed_ns)
{
  the_mock_mtime.elapsed = elapsed_ns;
  return &the_mock_mtime.base;
}

void
mirage_mock_mtime_set (mirage_mtime *m, uint64_t elapsed_ns)
{
  ((mock_mtime *) m)->elapsed = elapsed_ns;
}
