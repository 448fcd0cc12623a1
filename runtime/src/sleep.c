/* sleep.c: default_sleep (mirage/sleep.h), the loop's timers. */
#include "mirage/sleep.h"
#include "mirage/task.h"

static int host_sleep_ns (mirage_sleep *s, uint64_t ns) { return mirage_task_sleep_ns (ns); }
static const struct mirage_sleep_ops host_sleep_ops = { host_sleep_ns };
static mirage_sleep host_sleep = { &host_sleep_ops };

mirage_sleep *
mirage_default_sleep (void)
{
  return &host_sleep;
}
