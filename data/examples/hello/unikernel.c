/* unikernel.c for hello: log "Hello World!" four times, a second apart,
 * as the Mirage tutorial's hello does. The sleep device is the one
 * register adds, as Mirage's global Mirage_sleep. */
#include "unikernel.h"

int
unikernel_start (void)
{
  for (int n = 4; n > 0; n--)
    {
      mirage_log_info (&mirage_log_application, "Hello World!");
      int r = mirage_sleep_ns (mirage_sleep_device, MIRAGE_NS_PER_S);
      if (r < 0)
        return r;
    }
  return 0;
}
