/* unikernel.c for hello-key: as hello, with the greeting a runtime
 * argument: `--hello=Bonjour` at boot, or `mstudio set P arg:hello=...`
 * for the default. */
#include "unikernel.h"

int
unikernel_start (const struct unikernel_args *args)
{
  for (int n = 4; n > 0; n--)
    {
      mirage_log_info (&mirage_log_application, "%s", args->hello);
      int r = mirage_sleep_ns (mirage_sleep_device, MIRAGE_NS_PER_S);
      if (r < 0)
        return r;
    }
  return 0;
}
