/* ms-version.h: opam package versions, as the catalog's package bounds use
 * them (ordering, syntax, and the min <= v < max range Mirage emits). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* <0, 0 or >0 as a sorts before, with or after b in opam's order. */
int      ms_version_compare   (const char *a,
                               const char *b);

/* TRUE if v is a syntactically valid opam version ([A-Za-z0-9+._~-]+);
 * otherwise FALSE and, if message is non-NULL, a sentence for the user. */
gboolean ms_version_is_valid  (const char *v,
                               char      **message);

/* TRUE if min <= v < max in opam's order, as Mirage writes a package's
 * ~min and ~max ({>= "min" & < "max"}). NULL or "" means no bound. */
gboolean ms_version_satisfies (const char *v,
                               const char *min,
                               const char *max);

G_END_DECLS
