/* unikernel.c for network: a TCP echo server on the socket stack. It
 * listens on --port (default 8080) and writes back what each client
 * sends, one task per connection. */
#include <stdlib.h>

#include "unikernel.h"

static int
echo (void *arg)
{
  mirage_flow *flow = arg;
  char buf[4096];
  ssize_t n;
  int r = 0;

  while ((n = mirage_tcp_read (flow, buf, sizeof buf)) > 0)
    if ((r = mirage_tcp_write (flow, buf, (size_t) n)) < 0)
      break;
  mirage_tcp_close (flow);
  return n < 0 ? (int) n : r;
}

int
unikernel_start (struct mirage_stack *stack, const struct unikernel_args *args)
{
  mirage_tcp_listener *listener;
  mirage_endpoint local;
  int r;

  /* --port is of type port: the runtime's parser refuses what is not
   * 0..65535, naming the option */
  r = mirage_tcp_listen (stack, NULL, args->port, &listener);
  if (r < 0)
    return r;
  mirage_tcp_listener_endpoint (listener, &local);
  mirage_log_info (&mirage_log_application, "echo server listening on port %u", local.port);
  for (;;)
    {
      mirage_flow *flow;

      r = mirage_tcp_accept (listener, &flow);
      if (r < 0)
        break;
      mirage_task_detach (mirage_task_spawn ("echo", echo, flow));
    }
  mirage_tcp_unlisten (listener);
  return r;
}
