/* ms-dot.h: the graph as Graphviz DOT, in the spirit of `mirage describe --dot`.
 *
 * Devices are boxes labelled with their name, module and keys; a
 * key-dependent device is an ellipse "If" node naming the keys it reads,
 * with dotted edges to each branch and a bold dotted one to the default
 * (or, once evaluated, only the branch taken). Functor arguments are plain
 * edges in argument order, extra dependencies dashed.
 */
#pragma once

#include "ms-document.h"
#include "ms-eval.h"

G_BEGIN_DECLS

char *ms_dot_from_document (MsDocument *doc);
char *ms_dot_from_eval (MsEvalGraph *graph);
/* Escapes a string for a double-quoted DOT ID (quotes, backslashes, newlines). */
char *ms_dot_escape (const char *s);

G_END_DECLS
