/* mirage/ptime.h: the POSIX (wall) clock device, as Mirage_ptime.
 * default_ptime reads CLOCK_REALTIME; mock_ptime is a clock that only
 * moves when told (for tests and reproducible logs).
 */
#ifndef MIRAGE_PTIME_H
#define MIRAGE_PTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_ptime mirage_ptime;

struct mirage_ptime_ops {
  int64_t (*now_ns) (mirage_ptime *p);     /* since 1970-01-01T00:00:00Z */
  uint64_t (*period_ns) (mirage_ptime *p); /* resolution; 0 if unknown */
};

struct mirage_ptime {
  const struct mirage_ptime_ops *ops;
};

static inline int64_t mirage_ptime_now_ns (mirage_ptime *p) { return p->ops->now_ns (p); }
static inline uint64_t mirage_ptime_period_ns (mirage_ptime *p) { return p->ops->period_ns (p); }

mirage_ptime *mirage_default_ptime (void);

/* A clock stopped at @now_ns; mirage_mock_ptime_set moves it. */
mirage_ptime *mirage_mock_ptime (int64_t now_ns);
void mirage_mock_ptime_set (mirage_ptime *p, int64_t now_ns);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_PTIME_H */
