/* mirage/random.h: the random device, as Mirage_crypto_rng's default
 * generator in Mirage: cryptographically strong bytes. default_random
 * reads getrandom(2) (never blocks once the kernel pool is ready).
 */
#ifndef MIRAGE_RANDOM_H
#define MIRAGE_RANDOM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_random mirage_random;

struct mirage_random_ops {
  /* Fills @buf with @len bytes; 0 or -errno. */
  int (*generate) (mirage_random *r, void *buf, size_t len);
};

struct mirage_random {
  const struct mirage_random_ops *ops;
};

static inline int mirage_random_generate (mirage_random *r, void *buf, size_t len) { return r->ops->generate (r, buf, len); }

mirage_random *mirage_default_random (void);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_RANDOM_H */
