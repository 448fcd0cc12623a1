/* ms-escape.h: the one escaping routine per output language.
 *
 * Every piece of project text (device names excepted: they are checked
 * OCaml identifiers) that reaches generated code goes through one of
 * these. See docs/export.md, "Escaping", for the rules.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An OCaml string literal, quotes included: "a\"b\\c\n".
 * Escaped: " and \ (backslash), \n \t \r, every other ASCII control byte
 * and DEL as \xNN, bytes of invalid UTF-8 as \xNN, and valid UTF-8
 * characters that are Unicode controls, format characters (bidi
 * overrides, zero-width joiners...) or line/paragraph separators as the
 * \xNN escapes of their bytes. Other non-ASCII characters are kept as
 * UTF-8, so "Grüße" stays readable. Reading the literal back with OCaml
 * gives exactly the input bytes. */
void  ms_escape_ocaml_string_append (GString *out, const char *text);
char *ms_escape_ocaml_string (const char *text);

/* Text that can sit between "(* " and " *)" whatever it contains:
 * "(*" and "*)" are split by a space, every double quote becomes ' (the
 * OCaml lexer reads string literals inside comments, so a stray " would
 * swallow the rest of the file), "{|" and "{id|" and "{%" (quoted
 * strings, which the lexer also reads in comments) get a space after
 * the brace, and the characters a string literal would escape are
 * written as visible \xNN text. Newlines are kept when keep_newlines,
 * otherwise shown as \n. The result neither starts with * or ) nor ends
 * with * or (, so pieces can be written next to any other comment text. */
void  ms_escape_ocaml_comment_append (GString *out, const char *text, gboolean keep_newlines);
char *ms_escape_ocaml_comment (const char *text, gboolean keep_newlines);

/* A word for a POSIX shell command line shown to the user: unchanged
 * when it only has [A-Za-z0-9_.,:/@%+=-] (and is not empty), otherwise
 * $'...' (bash, zsh, ksh) with every other byte as \xNN. The result is
 * printable ASCII without quotes, parentheses, braces or stars, so it is
 * also safe in OCaml comments and YAML. */
char *ms_escape_shell_word (const char *text);

/* A YAML double-quoted scalar, quotes included. */
void  ms_escape_yaml_string_append (GString *out, const char *text);
char *ms_escape_yaml_string (const char *text);

/* A C string literal, quotes included: "a\"b\\c\n". Printable ASCII
 * is kept except " and \ (escaped) and ? (written \? so that no
 * trigraph can form); \n \t \r are named; every other byte (controls,
 * DEL, all of UTF-8 and invalid bytes) is a three-digit octal escape,
 * which cannot swallow the characters after it as \x would. A C
 * compiler reads the literal back as exactly the input bytes. */
void  ms_escape_c_string_append (GString *out, const char *text);
char *ms_escape_c_string (const char *text);

G_END_DECLS
