/* mimic.c: mimic_happy_eyeballs (mirage/mimic.h): a stack, happy
 * eyeballs and a DNS client packed into one context; connecting by name
 * is happy eyeballs' job (the DNS client injected itself into it). */
#include "mirage/mimic.h"

#include <errno.h>
#include <stdlib.h>

struct mirage_mimic {
  mirage_stack *stack;
  mirage_happy_eyeballs *he;
  struct mirage_dns_client *dns;
};

int
mirage_mimic_happy_eyeballs (mirage_stack *stack, mirage_happy_eyeballs *he,
                             struct mirage_dns_client *dns, mirage_mimic **out)
{
  mirage_mimic *m = calloc (1, sizeof *m);
  if (!m)
    return -ENOMEM;
  m->stack = stack;
  m->he = he;
  m->dns = dns;
  *out = m;
  return 0;
}

int
mirage_mimic_connect (mirage_mimic *m, const char *host, uint16_t port, mirage_flow **out)
{
  return mirage_happy_eyeballs_connect (m->he, host, port, out);
}

mirage_stack *
mirage_mimic_stack (mirage_mimic *m)
{
  return m->stack;
}

void
mirage_mimic_free (mirage_mimic *m)
{
  free (m);
}
