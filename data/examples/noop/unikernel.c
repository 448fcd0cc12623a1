/* unikernel.c for noop: the unikernel that does nothing. Its one job
 * returns at once and the unikernel exits 0. */
#include "unikernel.h"

int
unikernel_start (void)
{
  return 0;
}
