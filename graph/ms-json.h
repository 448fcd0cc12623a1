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

/* The filter ms_json_catalog applies (and `mstudio catalog TYPE`): whether
 * a constructor whose result is the type expression `result` ("kv_ro",
 * "'a tcp") produces `type_filter`, a type name. A versioned family name
 * ("tcp") matches all its members; "tcpv4" matches "'a tcp". */
gboolean  ms_json_type_filter_matches (MsCatalog  *catalog,
                                       const char *result,
                                       const char *type_filter);

/* A merged package in opam's syntax, as `mirage query packages` prints it:
 * "name" { ?monorepo & >= "1.0" & < "2.0" } (braces left out when empty). */
char     *ms_json_opam_constraint (const MsEvalPackage *package);

G_END_DECLS
