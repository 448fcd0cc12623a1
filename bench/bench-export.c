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
#include "bench-project.h"

#define N_UNITS 167

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
  bench_build_services (doc, N_UNITS);

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
  printf ("BENCH export_configml_1000 %.2f ms\n", percentile (t, G_N_ELEMENTS (t), 0.5));

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
  printf ("BENCH import_configml_1000 %.2f ms\n", percentile (t, G_N_ELEMENTS (t), 0.5));

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
    printf ("BENCH import_configml_1000_lines %.2f ms\n", percentile (t, G_N_ELEMENTS (t), 0.5));
  }
  return 0;
}
