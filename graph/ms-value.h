/* ms-value.h: checking option, key and runtime-argument values (strings)
 * against their value type; see data/catalog/SCHEMA.md, "Value types". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE if value is acceptable for value_type. Otherwise FALSE and, if
 * message is non-NULL, *message gets one user-facing sentence (free it).
 * "" means "not given" and is accepted by every known type; an unknown
 * value_type rejects every value. */
gboolean  ms_value_check            (const char *value_type,
                                     const char *value,
                                     char      **message);

/* TRUE for the base types, "enum:a,b", "list:T", "arg:T" and "key:T" with
 * T itself known (no lists of lists, no arg:/key: inside arg:/key:). */
gboolean  ms_value_type_is_known    (const char *value_type);

/* A phrase for the UI: "an IPv4 prefix such as 10.0.0.2/24",
 * "one of crunch, direct", "a list of nameservers". Never NULL. */
char     *ms_value_type_describe    (const char *value_type);

/* The choices of an "enum:" type or of log_level, NULL-terminated;
 * NULL for every other type. Free with g_strfreev (). */
char    **ms_value_enum_choices     (const char *value_type);

/* "true" or "false" exactly. */
gboolean  ms_value_parse_bool       (const char *value,
                                     gboolean   *out);

/* Decimal, optional sign, optional trailing 'L' (as OCaml writes int64
 * literals); FALSE on anything else or outside the 64-bit range. */
gboolean  ms_value_parse_int64      (const char *value,
                                     gint64     *out);

/* An OCaml lowercase identifier, [a-z_][A-Za-z0-9_']*, that is neither "_"
 * nor an OCaml keyword (the name must work as an OCaml binding). */
gboolean  ms_value_is_identifier    (const char *s);
/* An OCaml keyword, or one of the lexer's built-in values (__POS__ ...). */
gboolean  ms_value_is_ocaml_keyword (const char *s);

/* The longest application name: it names the executable, whose
 * temporary gets a suffix, and Mirage makes "NAME-TARGET" opam and
 * directory names of it; 64 keeps every such name far below the file
 * system's 255 bytes. */
#define MS_APP_NAME_MAX 64

/* TRUE if name can be an application name (the name given to register):
 * 1 to MS_APP_NAME_MAX letters, digits, -, _ and ., starting with a letter
 * or digit (so not ".", ".." or a hidden file), and not the name of a file
 * that a build or Mirage writes next to the executable (main.c,
 * unikernel.h, Makefile, config.ml…, compared ignoring case). Otherwise
 * FALSE and, if why is not NULL, *why gets a sentence naming the rule
 * (free it). */
gboolean  ms_value_check_app_name   (const char *name,
                                     char      **why);

/* v in decimal into buf, without printf: positions are formatted for every
 * parameter of every device during checks. */
void      ms_value_format_uint      (char        buf[16],
                                     guint       v);

G_END_DECLS
