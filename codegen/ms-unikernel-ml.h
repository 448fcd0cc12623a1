/* ms-unikernel-ml.h: skeletons of the user's own modules.
 *
 * For every main device, the functor its module path names
 * ("Unikernel.Main" -> `module Main (...) = struct ... end` in
 * unikernel.ml), over the real module types of its parameters, with a
 * start function that takes the devices, the dependencies and the
 * runtime arguments in the order Mirage passes them, and the Cmdliner
 * terms of those runtime arguments. Existing files are never replaced.
 */
#pragma once

#include "ms-document.h"
#include "ms-export.h"

G_BEGIN_DECLS

typedef struct {
  char *file;   /* "unikernel.ml" */
  char *text;
} MsSourceFile;

void ms_source_file_free (MsSourceFile *f);

/* One file per compilation unit named by a main's module, sorted by
 * file name. */
GPtrArray *ms_unikernel_ml_generate (MsDocument   *doc,
                                     MsCatalog    *catalog,
                                     MsExportFlags flags,
                                     GError      **error);

/* Writes every file into dir, or none: if one of them exists (even as a
 * symlink), nothing is written and the error is MS_EXPORT_ERROR_EXISTS. */
gboolean ms_source_files_write (const char *dir,
                                GPtrArray  *files,
                                gboolean    replace,
                                GError    **error);

G_END_DECLS
