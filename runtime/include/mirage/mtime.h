/* mirage/mtime.h: the monotonic clock device, as Mirage_mtime.
 * default_mtime reads CLOCK_MONOTONIC (the loop's clock); mock_mtime only
 * moves when told.
 */
#ifndef MIRAGE_MTIME_H
#define MIRAGE_MTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_mtime mirage_mtime;

struct mirage_mtime_ops {
  uint64_t (*elapsed_ns) (mirage_mtime *m);  /* since an arbitrary origin */
  uint64_t (*period_ns) (mirage_mtime *m);
};

struct mirage_mtime {
  const struct mirage_mtime_ops *ops;
};

static inline uint64_t mirage_mtime_elapsed_ns (mirage_mtime *m) { return m->ops->elapsed_ns (m); }
static inline uint64_t mirage_mtime_period_ns (mirage_mtime *m) { return m->ops->period_ns (m); }

mirage_mtime *mirage_default_mtime (void);
mirage_mtime *mirage_mock_mtime (uint64_t elapsed_ns);
void mirage_mock_mtime_set (mirage_mtime *m, uint64_t elapsed_ns);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_MTIME_H */
