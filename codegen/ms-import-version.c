/* ms-import-version.c: which catalog a config.ml is imported with.
 *
 * The version comment is only known once the file is read, so a file
 * whose comment names another known version than the one tried first is
 * read a second time with that version's catalog. Imports are small
 * (MS_IMPORT_MAX_INPUT), and most files name the current release, so
 * this rarely costs a second pass.
 */
#include "ms-import-version.h"

MsDocument *
ms_import_configml_versioned (const char       *version,
                              const char       *file,
                              const char       *text,
                              gsize             len,
                              MsImportReport  **report,
                              GError          **error)
{
  g_autoptr(MsCatalog) catalog = ms_catalog_get_default (version ? version : MS_MIRAGE_CURRENT, error);
  MsDocument *doc;

  if (catalog == NULL)
    return NULL;
  doc = ms_import_configml (catalog, file, text, len, report);
  if (version == NULL && *report != NULL
      && ms_catalog_version_is_known ((*report)->mirage_version)
      && !g_str_equal ((*report)->mirage_version, ms_catalog_get_mirage_version (catalog)))
    {
      g_autoptr(MsCatalog) named = ms_catalog_get_default ((*report)->mirage_version, error);

      if (named == NULL)
        return doc;
      g_clear_object (&doc);
      g_clear_pointer (report, ms_import_report_free);
      doc = ms_import_configml (named, file, text, len, report);
    }
  return doc;
}
