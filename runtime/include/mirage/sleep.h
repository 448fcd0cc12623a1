/* mirage/sleep.h: the sleep device, as Mirage_sleep: suspend the calling
 * task. default_sleep uses the loop's timers (mirage/task.h). Returns 0,
 * or -ECANCELED when the task is cancelled while asleep.
 */
#ifndef MIRAGE_SLEEP_H
#define MIRAGE_SLEEP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_sleep mirage_sleep;

struct mirage_sleep_ops {
  int (*sleep_ns) (mirage_sleep *s, uint64_t ns);
};

struct mirage_sleep {
  const struct mirage_sleep_ops *ops;
};

static inline int mirage_sleep_ns (mirage_sleep *s, uint64_t ns) { return s->ops->sleep_ns (s, ns); }

mirage_sleep *mirage_default_sleep (void);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_SLEEP_H */
