/* unikernel.c for syslog: the hello unikernel, with its log lines also
 * sent to the syslog server given by --syslog (UDP, --syslog-port,
 * default 514) by the syslog_udp device the main depends on. Without
 * --syslog the device warns and the lines stay on the console. */
#include "unikernel.h"

int
unikernel_start (void)
{
  for (int n = 4; n > 0; n--)
    {
      mirage_log_info (&mirage_log_application, "Hello World!");
      int r = mirage_sleep_ns (mirage_sleep_device, MIRAGE_NS_PER_S / 4);
      if (r < 0)
        return r;
    }
  return 0;
}
