/* noop.c: the smallest unikernel, Mirage's `noop`: one job that returns at
 * once. Written by hand against the interfaces; the code generator will
 * write this from the device graph. */
#include "mirage/main.h"

int
main (int argc, char **argv)
{
  static const mirage_job jobs[] = { { "noop", mirage_noop_start, NULL } };
  static const mirage_unikernel u = {
    .name = "noop",
    .jobs = jobs,
    .n_jobs = 1,
  };
  return mirage_main (&u, argc, argv);
}
