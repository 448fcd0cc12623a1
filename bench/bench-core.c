/* bench-core.c: the core's speed on a large project.
 *
 * Builds a 10,000-device project the way a big deployment looks: 1,667
 * services, each a network interface, a generic stack, a TCP layer over
 * it, an HTTP server on a port given at run time, a key/value store and
 * the main job using both. Then measures what users wait for.
 *
 * Prints:
 *   BENCH catalog_load <ms> ms          load the catalog (median of 20)
 *   BENCH check_eval_10k <ms> ms        ms_check_document incl. evaluation (median of 21, after one warm-up)
 *   BENCH eval_10k <ms> ms              ms_eval alone, target hvt (median of 5)
 *   BENCH eval_10k_unix <ms> ms         ms_eval alone, target unix (median of 5)
 *   BENCH open_10k <ms> ms              ms_store_open of the saved project (median of 5)
 *   BENCH edit_saved_median <ms> ms     one move, saved (median of 1,000)
 *   BENCH edit_saved_p99 <ms> ms
 */
#include "ms-check.h"
#include "ms-eval.h"
#include "ms-paths.h"
#include "ms-store.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#define N_UNITS 1667   /* 6 devices each: 10,002 devices */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (double *v, guint n, double p)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return v[(guint) (p * (n - 1))];
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
must (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static void
build (MsDocument *doc)
{
  GError *error = NULL;
  g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (guint));

  ms_document_begin_group (doc, "Generate");
  for (guint u = 0; u < N_UNITS; u++)
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

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *catalog_dir = ms_paths_get_catalog_dir ();
  g_autofree char *dir = g_dir_make_tmp ("ms-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.mstudio", NULL);
  g_autoptr(MsCatalog) cat = NULL;
  g_autoptr(MsDocument) doc = NULL;
  double t[1000];

  for (guint i = 0; i < 20; i++)
    {
      double t0 = now_ms ();
      g_autoptr(MsCatalog) c = ms_catalog_load (catalog_dir, "4.10", &error);
      t[i] = now_ms () - t0;
      if (c == NULL)
        g_error ("%s", error->message);
    }
  printf ("BENCH catalog_load %.2f ms\n", percentile (t, 20, 0.5));

  cat = ms_catalog_get_default ("4.10", &error);
  doc = ms_store_create (path, cat, "big", &error);
  if (doc == NULL)
    g_error ("%s", error->message);
  build (doc);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, N_UNITS * 6);

  /* one untimed run: the studio re-checks after every edit, so what users
   * wait for is the steady state (document indexes built, memory warm) */
  g_ptr_array_unref (ms_check_document (doc));
  for (guint i = 0; i < 21; i++)
    {
      double t0 = now_ms ();
      g_autoptr(GPtrArray) diags = ms_check_document (doc);
      t[i] = now_ms () - t0;
      if (ms_diagnostics_count (diags, MS_SEVERITY_ERROR) > 0)
        {
          g_autofree char *s = ms_diagnostic_format (diags->pdata[0]);
          g_error ("the generated project has errors: %s", s);
        }
    }
  printf ("BENCH check_eval_10k %.2f ms\n", percentile (t, 21, 0.5));

  for (guint i = 0; i < 5; i++)
    {
      double t0 = now_ms ();
      g_autoptr(MsEvalGraph) g = ms_eval (doc, "hvt");
      t[i] = now_ms () - t0;
    }
  printf ("BENCH eval_10k %.2f ms\n", percentile (t, 5, 0.5));

  for (guint i = 0; i < 5; i++)
    {
      double t0 = now_ms ();
      g_autoptr(MsEvalGraph) g = ms_eval (doc, "unix");
      t[i] = now_ms () - t0;
    }
  printf ("BENCH eval_10k_unix %.2f ms\n", percentile (t, 5, 0.5));

  for (guint i = 0; i < 1000; i++)
    {
      const MsDevice *d = ms_document_get_devices (doc)->pdata[(i * 7919) % (N_UNITS * 6)];
      double t0 = now_ms ();
      must (ms_document_move_device (doc, d->id, i, i, &error), error);
      t[i] = now_ms () - t0;
    }
  printf ("BENCH edit_saved_median %.3f ms\n", percentile (t, 1000, 0.5));
  printf ("BENCH edit_saved_p99 %.3f ms\n", percentile (t, 1000, 0.99));
  g_clear_object (&doc);

  for (guint i = 0; i < 5; i++)
    {
      double t0 = now_ms ();
      g_autoptr(MsDocument) d = ms_store_open (path, cat, &error);
      t[i] = now_ms () - t0;
      if (d == NULL)
        g_error ("%s", error->message);
    }
  printf ("BENCH open_10k %.2f ms\n", percentile (t, 5, 0.5));

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
