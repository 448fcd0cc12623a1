/* ms-json.h: the stable JSON forms of mstudio's --json outputs.
 *
 * Documented in docs/json.md; every object carries "format" and "version"
 * so scripts can check what they read.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ms-catalog.h"
#include "ms-document.h"
#include "ms-eval.h"

G_BEGIN_DECLS

#define MS_JSON_VERSION 1

JsonNode *ms_json_diagnostics (GPtrArray *diagnostics, const char *project);
JsonNode *ms_json_catalog (MsCatalog *catalog, const char *type_filter);
JsonNode *ms_json_document (MsDocument *doc);
JsonNode *ms_json_eval (MsEvalGraph *graph);
char     *ms_json_to_string (JsonNode *node);

G_END_DECLS
