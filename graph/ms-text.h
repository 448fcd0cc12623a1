/* ms-text.h: project text shown to a person, on a terminal or in JSON.
 *
 * Project text (names, values, docs, diagnostics quoting them) may hold
 * characters that are invisible or that change how the text around them
 * is shown: controls, bidi overrides (U+202E turns "exe.txt" into
 * "txt.exe"), zero-width characters, a BOM, line separators. Every text
 * output shows those as escapes instead, with the rule below, shared
 * with the OCaml escaper of codegen/ms-escape.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE for characters that must not reach a reader as they are: Unicode
 * controls (Cc), format characters (Cf: bidi controls, zero-width
 * joiners, BOM), line and paragraph separators, spaces other than U+0020,
 * and unassigned, private-use and surrogate code points. */
gboolean ms_text_unichar_is_visible (gunichar c);

/* text with every such character escaped for a terminal: \n \t \r,
 * \xNN for other ASCII controls and DEL and for each byte of invalid
 * UTF-8, \uXXXX (\UXXXXXXXX above U+FFFF) for the others. NULL gives "". */
char    *ms_text_escape_terminal    (const char *text);

/* Appends the JSON escape of c (\uXXXX, or a surrogate pair). */
void     ms_text_append_json_escape (GString *out, gunichar c);

G_END_DECLS
