/* ms-paths.h: locations of Mirage Studio's data files. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *ms_paths_get_datadir (void);
char       *ms_paths_get_catalog_dir (void);
char       *ms_paths_get_examples_dir (void);

G_END_DECLS
