/* bench-import.c: config.ml import at the device limit.
 *
 * Exports a project of 833 generated services (4,998 devices: network
 * interface, stack, TCP, HTTP server, key/value store and main each; see
 * bench-project.h) and imports the text back, the way `mstudio import`
 * reads a large file. The importer promises time linear in the file;
 * this is the figure to watch for a quadratic step.
 *
 * Prints:
 *   BENCH import_5000_lines <n> lines   size of the exported file
 *   BENCH import_5000 <ms> ms           ms_import_configml of it (median of 5)
 *   BENCH import_5000_main <ms> ms      a hand-written shape: one main applied
 *                                       with $ to 2,500 network interfaces,
 *                                       each bound at top level (median of 5)
 *
 * `bench-import FILE` times the import of FILE instead (BENCH import_file).
 */
#include <stdio.h>
#include <string.h>

#include "ms-configml.h"
#include "ms-import.h"
#include "bench-project.h"

#define N_UNITS 833

static double
time_import (MsCatalog *cat, const char *text, gsize len, guint *n_devices)
{
  g_autoptr(MsImportReport) report = NULL;
  double t0 = now_ms ();
  g_autoptr(MsDocument) back = ms_import_configml (cat, "config.ml", text, len, &report);
  double t = now_ms () - t0;

  *n_devices = ms_document_get_n_devices (back);
  return t;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("4.11", &error);
  g_autoptr(MsDocument) doc = NULL;
  g_autofree char *text = NULL;
  double t[5];
  guint lines = 0;

  if (cat == NULL)
    g_error ("catalog: %s", error->message);
  if (argc > 1)
    {
      gsize len;
      guint n;
      if (!g_file_get_contents (argv[1], &text, &len, &error))
        g_error ("%s", error->message);
      for (guint i = 0; i < G_N_ELEMENTS (t); i++)
        t[i] = time_import (cat, text, len, &n);
      printf ("BENCH import_file %.2f ms (%u devices)\n", percentile (t, G_N_ELEMENTS (t), 0.5), n);
      return 0;
    }
  doc = ms_document_new (cat);
  bench_build_services (doc, N_UNITS);
  text = ms_configml_generate (doc, cat, MS_EXPORT_FLAGS_NONE, &error);
  if (text == NULL)
    g_error ("export: %s", error->message);
  for (const char *p = text; *p; p++)
    lines += *p == '\n';
  printf ("BENCH import_5000_lines %u lines\n", lines);
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      guint n;
      t[i] = time_import (cat, text, strlen (text), &n);
      if (n != ms_document_get_n_devices (doc))
        g_error ("import gave %u devices, not %u", n, ms_document_get_n_devices (doc));
    }
  printf ("BENCH import_5000 %.2f ms\n", percentile (t, G_N_ELEMENTS (t), 0.5));

  {
    g_autoptr(GString) s = g_string_new ("open Mirage\n"
                                         "let m = main \"Unikernel.Main\" ~packages:[ package \"foo\" ] (network @-> job)\n");
    for (guint i = 0; i < 2500; i++)
      g_string_append_printf (s, "let j%u = m $ netif \"eth%u\"\n", i, i);
    g_string_append (s, "let () = register \"many\" [ j0 ]\n");
    for (guint i = 0; i < G_N_ELEMENTS (t); i++)
      {
        guint n;
        t[i] = time_import (cat, s->str, s->len, &n);
        if (n != 5000)
          g_error ("import gave %u devices, not 5000", n);
      }
    printf ("BENCH import_5000_main %.2f ms\n", percentile (t, G_N_ELEMENTS (t), 0.5));
  }
  return 0;
}
