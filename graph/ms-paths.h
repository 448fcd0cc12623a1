/* ms-paths.h: locations of Mirage Studio's data files. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *ms_paths_get_datadir (void);
char       *ms_paths_get_catalog_dir (void);
char       *ms_paths_get_examples_dir (void);
/* Where the compiled translations are: the build tree's po/ when run from
 * it, else the installed locale folder; MSTUDIO_LOCALEDIR overrides both. */
const char *ms_paths_get_localedir (void);
/* Binds the project's text domain (GETTEXT_PACKAGE, shared by the core,
 * the studio and mstudio) to ms_paths_get_localedir (), in UTF-8. The
 * caller chooses which locale categories follow the environment. */
void        ms_paths_bind_textdomain (void);

G_END_DECLS
