/* resolver.c: resolver_dns and resolver_unix_system (mirage/resolver.h)
 * over the DNS client. The system resolver reads /etc/hosts once, when
 * it connects (before any sandbox), and answers from it first. */
#include "mirage/resolver.h"
#include "mirage/dns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
  char *name;
  mirage_ipaddr ip;
} host_entry;

typedef struct {
  mirage_resolver base;
  mirage_dns_client *dns;
  mirage_stack *own_stack;
  host_entry *hosts;
  size_t n_hosts;
} dns_resolver;

static int
r_resolve (mirage_resolver *rp, const char *host, mirage_ipaddr *out, size_t max, size_t *n)
{
  dns_resolver *r = (dns_resolver *) rp;
  *n = 0;
  if (max == 0)
    return -EINVAL;
  if (mirage_ipaddr_parse (host, 0, &out[0]) == 0) {
    *n = 1;
    return 0;
  }
  for (int v = 4; v <= 6; v += 2)
    for (size_t i = 0; i < r->n_hosts && *n < max; i++)
      if ((int) r->hosts[i].ip.version == v && strcasecmp (r->hosts[i].name, host) == 0)
        out[(*n)++] = r->hosts[i].ip;
  if (*n > 0)
    return 0;
  size_t k = 0;
  int r4 = mirage_dns_gethostbyname (r->dns, host, out, max, &k);
  *n = k;
  int r6 = -ENODATA;
  if (*n < max) {
    r6 = mirage_dns_gethostbyname6 (r->dns, host, out + *n, max - *n, &k);
    if (r6 == 0)
      *n += k;
  }
  if (*n > 0)
    return 0;
  return r4 != -ENODATA ? r4 : r6;
}

static void
r_free (mirage_resolver *rp)
{
  dns_resolver *r = (dns_resolver *) rp;
  mirage_dns_client_free (r->dns);
  for (size_t i = 0; i < r->n_hosts; i++)
    free (r->hosts[i].name);
  free (r->hosts);
  if (r->own_stack)
    mirage_stack_disconnect (r->own_stack);
  free (r);
}

static const struct mirage_resolver_ops resolver_ops = { r_resolve, r_free };

static int
make (mirage_stack *stack, mirage_random *random, const char *nameservers, dns_resolver **out)
{
  dns_resolver *r = calloc (1, sizeof *r);
  if (!r)
    return -ENOMEM;
  r->base.ops = &resolver_ops;
  mirage_dns_client_config cfg = { nameservers, 0, 0 };
  int e = mirage_dns_client_connect (stack, NULL, random, &cfg, &r->dns);
  if (e < 0) {
    free (r);
    return e;
  }
  *out = r;
  return 0;
}

int
mirage_resolver_dns (mirage_stack *stack, mirage_random *random, const char *nameservers,
                     mirage_resolver **out)
{
  dns_resolver *r;
  int e = make (stack, random, nameservers, &r);
  if (e == 0)
    *out = &r->base;
  return e;
}

/* 0, or -errno when /etc/hosts exists but cannot be read (a missing
 * file is no entries, as for glibc) */
static int
read_hosts (dns_resolver *r)
{
  FILE *f = fopen ("/etc/hosts", "re");
  if (!f)
    return errno == ENOENT ? 0 : -errno;
  char line[1024];
  while (fgets (line, sizeof line, f)) {
    char *save = NULL, *hash = strchr (line, '#');
    if (hash)
      *hash = '\0';
    char *addr = strtok_r (line, " \t\r\n", &save);
    mirage_ipaddr ip;
    if (!addr || mirage_ipaddr_parse (addr, 0, &ip) < 0)
      continue;
    for (char *name = strtok_r (NULL, " \t\r\n", &save); name; name = strtok_r (NULL, " \t\r\n", &save)) {
      host_entry *grown = realloc (r->hosts, (r->n_hosts + 1) * sizeof *grown);
      if (!grown)
        break;
      r->hosts = grown;
      r->hosts[r->n_hosts].name = strdup (name);
      r->hosts[r->n_hosts].ip = ip;
      if (r->hosts[r->n_hosts].name)
        r->n_hosts++;
    }
  }
  fclose (f);
  return 0;
}

int
mirage_resolver_unix_system (mirage_stack *stack, mirage_resolver **out)
{
  mirage_stack *own = NULL;
  if (!stack) {
    int e = mirage_socket_stack (NULL, &own);
    if (e < 0)
      return e;
    stack = own;
  }
  dns_resolver *r;
  int e = make (stack, NULL, NULL, &r);
  if (e < 0) {
    if (own)
      mirage_stack_disconnect (own);
    return e;
  }
  r->own_stack = own;
  e = read_hosts (r);
  if (e < 0) {
    r_free (&r->base);
    return e;
  }
  *out = &r->base;
  return 0;
}
