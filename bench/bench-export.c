/* bench-export.c: config.ml export and import on a large project.
 *
 * Builds a 1,002-device project (167 services of six devices each: a
 * network interface, a generic stack, its TCP layer, an HTTP server on a
 * port given at run time, a key/value store and the main job using
 * both), then measures what a user or CI waits for.
 *
 * Prints:
 *   BENCH export_configml_1000 <ms> ms   ms_configml_generate, 4.11 (median of 21)
 *   BENCH import_configml_lines <n> lines  size of the exported file
 *   BENCH import_configml_1000 <ms> ms   ms_import_configml of it (median of 21)
 *   BENCH import_configml_1000_lines <ms> ms  the same on its first 1,000 lines
 *                                          cut at a binding, plus the register call
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms-configml.h"
#include "ms-import.h"

#define N_UNITS 167

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return v[n / 2];
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static guint
add (MsDocument *doc, const char *ctor, const char *name)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);
  if (id == 0)
    g_error ("add %s: %s", name, error->message);
  return id;
}

static void
must (gboolean ok, GError **error)
{
  if (!ok)
    g_error ("%s", *error ? (*error)->message : "failed");
}

static void
build (MsDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint u = 0; u < N_UNITS; u++)
    {
      g_autofree char *n_net = g_strdup_printf ("net%u", u), *n_stack = g_strdup_printf ("stack%u", u);
      g_autofree char *n_tcp = g_strdup_printf ("tcp%u", u), *n_http = g_strdup_printf ("http%u", u);
      g_autofree char *n_kv = g_strdup_printf ("data%u", u), *n_main = g_strdup_printf ("service%u", u);
      g_autofree char *dev = g_strdup_printf ("tap%u", u), *group = g_strdup_printf ("g%u", u);
      g_autofree char *port = g_strdup_printf ("port%u", u);
      guint net = add (doc, "netif", n_net);
      guint stack = add (doc, "generic_stackv4v6", n_stack);
      guint tcp = add (doc, "tcpv4v6_of_stackv4v6", n_tcp);
      guint http = add (doc, "paf_server", n_http);
      guint kv = add (doc, "generic_kv_ro", n_kv);
      guint m = add (doc, "main", n_main);
      g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "http_server @-> kv_ro @-> job");

      must (ms_document_set_option (doc, net, "dev", dev, &error), &error);
      must (ms_document_set_option (doc, net, "group", group, &error), &error);
      must (ms_document_set_option (doc, stack, "group", group, &error), &error);
      must (ms_document_set_option (doc, kv, "group", group, &error), &error);
      must (ms_document_set_option (doc, kv, "dir", "htdocs", &error), &error);
      must (ms_document_set_option (doc, http, "port", port, &error), &error);
      g_ptr_array_add (c->runtime_args, ms_arg_decl_new (port, "int", "8080", "HTTP port"));
      must (ms_document_set_custom (doc, m, c, &error), &error);
      must (ms_document_connect (doc, net, stack, "net", &error), &error);
      must (ms_document_connect (doc, stack, tcp, "stack", &error), &error);
      must (ms_document_connect (doc, tcp, http, "tcpv4v6", &error), &error);
      must (ms_document_connect (doc, http, m, "1", &error), &error);
      must (ms_document_connect (doc, kv, m, "2", &error), &error);
      g_array_append_val (jobs, m);
    }
  must (ms_document_set_jobs (doc, (guint *) jobs->data, jobs->len, &error), &error);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat410 = ms_catalog_get_default ("4.10", &error);
  g_autoptr(MsCatalog) cat411 = ms_catalog_get_default ("4.11", &error);
  g_autoptr(MsDocument) doc = NULL;
  g_autofree char *text = NULL;
  double t[21];
  guint lines = 0;

  if (cat410 == NULL || cat411 == NULL)
    g_error ("catalog: %s", error->message);
  doc = ms_document_new (cat410);
  build (doc);

  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      double t0 = now_ms ();
      g_autofree char *s = ms_configml_generate (doc, cat411, MS_EXPORT_FLAGS_NONE, &error);
      t[i] = now_ms () - t0;
      if (s == NULL)
        g_error ("export: %s", error->message);
      if (text == NULL)
        text = g_steal_pointer (&s);
    }
  printf ("BENCH export_configml_1000 %.2f ms\n", median (t, G_N_ELEMENTS (t)));

  for (const char *p = text; *p; p++)
    lines += *p == '\n';
  printf ("BENCH import_configml_lines %u lines\n", lines);
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      g_autoptr(MsImportReport) report = NULL;
      double t0 = now_ms ();
      g_autoptr(MsDocument) back = ms_import_configml (cat411, "config.ml", text, strlen (text), &report);
      t[i] = now_ms () - t0;
      if (back == NULL || ms_document_get_n_devices (back) != ms_document_get_n_devices (doc))
        g_error ("import gave %u devices, not %u", back ? ms_document_get_n_devices (back) : 0,
                 ms_document_get_n_devices (doc));
    }
  printf ("BENCH import_configml_1000 %.2f ms\n", median (t, G_N_ELEMENTS (t)));

  /* a 1,000-line file: the first bindings up to line 1,000, then register */
  {
    g_autoptr(GString) small = g_string_new (NULL);
    const char *p = text, *reg = strstr (text, "\nlet () =");
    guint n = 0;

    while (*p && n < 1000 && p < reg)
      {
        const char *eol = strchr (p, '\n');
        gsize len = eol ? (gsize) (eol - p + 1) : strlen (p);
        g_string_append_len (small, p, (gssize) len);
        p += len;
        n++;
      }
    /* drop a binding cut in the middle: back to the last blank line */
    {
      char *cut = g_strrstr (small->str, "\n\n");
      if (cut != NULL)
        g_string_truncate (small, (gsize) (cut - small->str) + 1);
    }
    g_string_append (small, "\nlet () = register \"small\" [ service0 ]\n");
    for (guint i = 0; i < G_N_ELEMENTS (t); i++)
      {
        g_autoptr(MsImportReport) report = NULL;
        double t0 = now_ms ();
        g_autoptr(MsDocument) back = ms_import_configml (cat411, "config.ml", small->str, small->len, &report);
        t[i] = now_ms () - t0;
        if (back == NULL || ms_document_get_n_devices (back) < 100)
          g_error ("the 1,000-line import gave too few devices");
      }
    printf ("BENCH import_configml_1000_lines %.2f ms\n", median (t, G_N_ELEMENTS (t)));
  }
  return 0;
}
