/* fuzz-import.c: libFuzzer target for the config.ml importer.
 * Any input must import without crashing, hanging or leaking, within the
 * memory and time limits the fuzz run sets (tests/meson.build). Inputs
 * up to 1 MiB: long operator chains and deep nesting need that much. */
#include <stdint.h>

#include "ms-import.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static MsCatalog *cat;
  MsImportReport *report = NULL;
  MsDocument *doc;

  if (cat == NULL)
    cat = ms_catalog_get_default ("4.10", NULL);
  if (cat == NULL || size > (1u << 20))
    return 0;
  doc = ms_import_configml (cat, "fuzz.ml", (const char *) data, size, &report);
  g_object_unref (doc);
  ms_import_report_free (report);
  return 0;
}
