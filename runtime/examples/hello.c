/* hello.c: the Mirage tutorial's hello unikernel, by hand: log the
 * --hello message four times, a second apart.
 *
 *   let hello = Mirage_runtime.register_arg Arg.(value & opt string "Hello World!" ...)
 *   let start () =
 *     let rec loop = function
 *       | 0 -> Lwt.return_unit
 *       | n -> Logs.info (fun f -> f "%s" (hello ()));
 *              Mirage_sleep.ns (Duration.of_sec 1) >>= fun () -> loop (n - 1)
 *     in loop 4
 *
 * The device graph is main -> sleep (default_sleep); the reporter and
 * clocks are the defaults every unikernel gets. Later generated. */
#include "mirage/main.h"
#include "mirage/sleep.h"

static mirage_arg hello_arg = {
  .name = "hello", .type = MIRAGE_ARG_STRING, .default_value = "Hello World!",
  .doc = "How to say hello.",
};

typedef struct {
  mirage_sleep *sleep;
} hello_devices;

static int
hello_start (void *arg)
{
  hello_devices *d = arg;
  for (int n = 4; n > 0; n--) {
    mirage_log_info (&mirage_log_application, "%s", hello_arg.value.s);
    int r = mirage_sleep_ns (d->sleep, MIRAGE_NS_PER_S);
    if (r < 0)
      return r;
  }
  return 0;
}

int
main (int argc, char **argv)
{
  static hello_devices devices;
  devices.sleep = mirage_default_sleep ();
  static mirage_arg *args[] = { &hello_arg };
  const mirage_job jobs[] = { { "hello", hello_start, &devices } };
  const mirage_unikernel u = {
    .name = "hello",
    .args = args,
    .n_args = 1,
    .jobs = jobs,
    .n_jobs = 1,
  };
  return mirage_main (&u, argc, argv);
}
