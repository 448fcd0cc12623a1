/* ms-json.h: the stable JSON forms of mstudio's --json outputs.
 *
 * Documented in docs/json.md; every object carries "format" and "version"
 * so scripts can check what they read.
 *
 * The builders return a json-c tree that the caller owns: release it with
 * json_object_put(), or hold it in g_autoptr(MsJson).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "ms-catalog.h"
#include "ms-document.h"
#include "ms-eval.h"

G_BEGIN_DECLS

#define MS_JSON_VERSION 1

/* A json-c value, named for g_autoptr(). */
typedef struct json_object MsJson;

struct json_object *ms_json_diagnostics (GPtrArray *diagnostics, const char *project);
struct json_object *ms_json_catalog (MsCatalog *catalog, const char *type_filter);
struct json_object *ms_json_document (MsDocument *doc);
struct json_object *ms_json_eval (MsEvalGraph *graph);

/* The tree as mstudio prints it: two-space pretty printing, empty objects
 * and arrays as {} and [], a final newline. Marks the tree's empty
 * containers for that (no other change). Free with g_free(). */
char     *ms_json_to_string (struct json_object *root);

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsJson, json_object_put)

G_END_DECLS
