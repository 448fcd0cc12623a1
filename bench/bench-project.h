/* bench-project.h: what the core and export benchmarks share: timing,
 * percentiles, and the generated project of "services", each a network
 * interface, a generic stack, its TCP layer, an HTTP server on a port
 * given at run time, a key/value store and the main job using both
 * (six devices a service). */
#pragma once

#include <stdlib.h>

#include "ms-document.h"

static inline int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static inline double
percentile (double *v, guint n, double p)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return v[(guint) (p * (n - 1))];
}

static inline double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static inline guint
add (MsDocument *doc, const char *ctor, const char *name)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);

  if (id == 0)
    g_error ("add %s: %s", name, error->message);
  return id;
}

static inline void
must (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

/* n_units services, as one undo group; the mains placed on a row */
static inline void
bench_build_services (MsDocument *doc, guint n_units)
{
  GError *error = NULL;
  g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (guint));

  ms_document_begin_group (doc, "Generate");
  for (guint u = 0; u < n_units; u++)
    {
      g_autofree char *n_net = g_strdup_printf ("net%u", u);
      g_autofree char *n_stack = g_strdup_printf ("stack%u", u);
      g_autofree char *n_tcp = g_strdup_printf ("tcp%u", u);
      g_autofree char *n_http = g_strdup_printf ("http%u", u);
      g_autofree char *n_kv = g_strdup_printf ("data%u", u);
      g_autofree char *n_main = g_strdup_printf ("service%u", u);
      g_autofree char *dev = g_strdup_printf ("tap%u", u);
      g_autofree char *group = g_strdup_printf ("g%u", u);
      g_autofree char *port = g_strdup_printf ("port%u", u);
      guint net = add (doc, "netif", n_net);
      guint stack = add (doc, "generic_stackv4v6", n_stack);
      guint tcp = add (doc, "tcpv4v6_of_stackv4v6", n_tcp);
      guint http = add (doc, "paf_server", n_http);
      guint kv = add (doc, "generic_kv_ro", n_kv);
      guint m = add (doc, "main", n_main);
      g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "http_server @-> kv_ro @-> job");

      must (ms_document_set_option (doc, net, "dev", dev, &error), error);
      must (ms_document_set_option (doc, net, "group", group, &error), error);
      must (ms_document_set_option (doc, stack, "group", group, &error), error);
      must (ms_document_set_option (doc, kv, "group", group, &error), error);
      must (ms_document_set_option (doc, kv, "dir", "htdocs", &error), error);
      must (ms_document_set_option (doc, http, "port", port, &error), error);
      g_ptr_array_add (c->runtime_args, ms_arg_decl_new (port, "int", "8080", "HTTP port"));
      must (ms_document_set_custom (doc, m, c, &error), error);
      must (ms_document_connect (doc, net, stack, "net", &error), error);
      must (ms_document_connect (doc, stack, tcp, "stack", &error), error);
      must (ms_document_connect (doc, tcp, http, "tcpv4v6", &error), error);
      must (ms_document_connect (doc, http, m, "1", &error), error);
      must (ms_document_connect (doc, kv, m, "2", &error), error);
      must (ms_document_move_device (doc, m, u * 10.0, 0, &error), error);
      g_array_append_val (jobs, m);
    }
  must (ms_document_set_jobs (doc, (guint *) jobs->data, jobs->len, &error), error);
  must (ms_document_end_group (doc, &error), error);
}

