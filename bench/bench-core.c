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
 *   BENCH check_main_12k_params <ms> ms ms_check_document of a main taking 12,000
 *                                       devices as arguments (median of 5)
 */
#include "ms-check.h"
#include "ms-eval.h"
#include "ms-paths.h"
#include "ms-store.h"
#include "bench-project.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#define N_UNITS 1667   /* 6 devices each: 10,002 devices */
#define N_WIDE_PARAMS 12000

/* One main whose signature takes n key/value stores, each connected: the
 * checker's work per parameter must not grow with the number of them. */
static MsDocument *
build_wide_main (MsCatalog *cat, guint n)
{
  g_autoptr(GError) error = NULL;
  MsDocument *doc = ms_document_new (cat);
  GString *sig = g_string_new (NULL);
  g_autoptr(MsCustom) custom = NULL;
  guint kv, m;

  for (guint i = 0; i < n; i++)
    g_string_append (sig, "kv_ro @-> ");
  g_string_append (sig, "job");
  custom = ms_custom_new ("Unikernel.Main", sig->str);
  g_string_free (sig, TRUE);
  ms_document_begin_group (doc, "Generate");
  kv = add (doc, "generic_kv_ro", "kv");
  must (ms_document_set_option (doc, kv, "dir", "htdocs", &error), error);
  m = add (doc, "main", "unikernel");
  must (ms_document_set_custom (doc, m, custom, &error), error);
  for (guint i = 0; i < n; i++)
    {
      char pos[16];

      g_snprintf (pos, sizeof pos, "%u", i + 1);
      must (ms_document_connect (doc, kv, m, pos, &error), error);
    }
  must (ms_document_set_jobs (doc, &m, 1, &error), error);
  must (ms_document_end_group (doc, &error), error);
  return doc;
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

  /* bench-core wide N [REPEAT]: only the wide main, with N parameters,
   * for looking at how the checker scales (REPEAT checks of it opened) */
  if (argc >= 3 && g_str_equal (argv[1], "wide"))
    {
      guint n = (guint) atoi (argv[2]);
      g_autoptr(MsDocument) wide = NULL;
      double t0;

      cat = ms_catalog_get_default ("4.10", &error);
      wide = build_wide_main (cat, n);
      t0 = now_ms ();
      g_ptr_array_unref (ms_check_document (wide));
      printf ("check %u params: %.2f ms\n", n, now_ms () - t0);
      t0 = now_ms ();
      ms_eval_graph_free (ms_eval (wide, NULL));
      printf ("eval %u params: %.2f ms\n", n, now_ms () - t0);
      must (ms_store_save_as (wide, path, &error), error);
      t0 = now_ms ();
      {
        g_autoptr(MsDocument) opened = ms_store_open_read_only (path, cat, &error);
        printf ("open %u params: %.2f ms\n", n, now_ms () - t0);
        guint repeat = argc > 3 ? (guint) atoi (argv[3]) : 1;

        t0 = now_ms ();
        for (guint i = 0; i < repeat; i++)
          g_ptr_array_unref (ms_check_document (opened));
        printf ("check opened %u params: %.2f ms\n", n, (now_ms () - t0) / repeat);
      }
      g_unlink (path);
      g_rmdir (dir);
      return 0;
    }

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
  bench_build_services (doc, N_UNITS);
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
    g_autoptr(MsDocument) wide = build_wide_main (cat, N_WIDE_PARAMS);

    for (guint i = 0; i < 5; i++)
      {
        double t0 = now_ms ();
        g_autoptr(GPtrArray) diags = ms_check_document (wide);
        t[i] = now_ms () - t0;
        if (ms_diagnostics_count (diags, MS_SEVERITY_ERROR) > 0)
          {
            g_autofree char *s = ms_diagnostic_format (diags->pdata[0]);
            g_error ("the wide project has errors: %s", s);
          }
      }
    printf ("BENCH check_main_12k_params %.2f ms\n", percentile (t, 5, 0.5));
  }

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
