/* random.c: default_random (mirage/random.h), getrandom(2). */
#include "mirage/random.h"

#include <errno.h>
#include <sys/random.h>

static int
host_generate (mirage_random *r, void *buf, size_t len)
{
  unsigned char *p = buf;
  while (len > 0) {
    ssize_t n = getrandom (p, len, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

static const struct mirage_random_ops host_random_ops = { host_generate };
static mirage_random host_random = { &host_random_ops };

mirage_random *
mirage_default_random (void)
{
  return &host_random;
}
