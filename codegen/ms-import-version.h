/* ms-import-version.h: importing a config.ml for the Mirage version it
 * was written for.
 *
 * A config.ml says which Mirage it needs in its first comment
 * ("(* mirage >= 4.11.0 & < 4.12.0 *)"); Mirage itself reads it with
 * whatever version is installed, today the current release. The import
 * reads it with that version's catalog (or the one asked for), so the
 * project made from it targets that version (its "mirage" setting).
 */
#pragma once

#include "ms-import.h"

G_BEGIN_DECLS

/* version: the Mirage version to read it as, or NULL for the one its
 * comment names when known, else MS_MIRAGE_CURRENT. Returns what
 * ms_import_configml returns; the document's catalog is that version's.
 * NULL with *error only when no catalog could be read. */
MsDocument *ms_import_configml_versioned (const char       *version,
                                          const char       *file,
                                          const char       *text,
                                          gsize             len,
                                          MsImportReport  **report,
                                          GError          **error);

G_END_DECLS
