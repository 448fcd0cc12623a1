/* ms-configml.h: a project as a Mirage config.ml.
 *
 * Line 1 is the version comment Mirage checks; then `open Mirage`, the
 * configure keys and runtime arguments that device options refer to, one
 * `let` per device in dependency order, and `register`. See
 * docs/export.md for the exact forms.
 */
#pragma once

#include "ms-document.h"
#include "ms-export.h"

G_BEGIN_DECLS

/* The text of config.ml for catalog's Mirage version (the catalog of
 * ms_catalog_get_default ("4.10") or ("4.11")). NULL with an
 * MS_EXPORT_ERROR when the project cannot be exported for it. */
char *ms_configml_generate (MsDocument   *doc,
                            MsCatalog    *catalog,
                            MsExportFlags flags,
                            GError      **error);

G_END_DECLS
