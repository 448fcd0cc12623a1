/* mimic.c: mimic_happy_eyeballs (mirage/mimic.h): a stack, happy
 * eyeballs and a DNS client packed into one context; connecting by name
 * is happy eyeballs' job (the DNS client injected itself into it). */
#include "mirage/mimic.h"

#include <errno.h>
#include <stdlib.h>

typedef struct mimic_impl {
  struct mirage_mimic base;      /* the public head (the header) */
  mirage_stack *stack;
  mirage_happy_eyeballs *he;
  struct mirage_dns_client *dns;
} mimic_impl;

int
mirage_mimic_happy_eyeballs (mirage_stack *stack, mirage_happy_eyeballs *he,
                             struct mirage_dns_client *dns, mirage_mimic **out)
{
  mimic_impl *m = calloc (1, sizeof *m);
  if (!m)
    return -ENOMEM;
  m->stack = stack;
  m->he = he;
  m->dns = dns;
  m->base.stack = stack;
  *out = &m->base;
  return 0;
}

int
mirage_mimic_connect (mirage_mimic *m_, const char *host, uint16_t port, mirage_flow **out)
{
  mimic_impl *m = (mimic_impl *) m_;
  return mirage_happy_eyeballs_connect (m->he, host, port, out);
}

mirage_stack *
mirage_mimic_stack (mirage_mimic *m_)
{
  mimic_impl *m = (mimic_impl *) m_;
  return m->stack;
}

void
mirage_mimic_free (mirage_mimic *m_)
{
  mimic_impl *m = (mimic_impl *) m_;
  free (m);
}
