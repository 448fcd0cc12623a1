/* ms-ci.h: continuous-integration files that configure and build the
 * exported unikernel with the chosen Mirage version, one job per target:
 * .github/workflows/mirage.yml (GitHub Actions) and .gitlab-ci.yml. */
#pragma once

#include "ms-document.h"
#include "ms-export.h"

G_BEGIN_DECLS

/* targets: NULL-terminated catalog target names; NULL or empty means the
 * project's target. Returns MsSourceFile* (ms-unikernel-ml.h) with paths
 * relative to the export directory, sorted. */
GPtrArray *ms_ci_generate (MsDocument        *doc,
                           MsCatalog         *catalog,
                           const char *const *targets,
                           MsExportFlags      flags,
                           GError           **error);

/* The same with the project's lock file (lock_text: its contents, or
 * NULL for none): the jobs install the pinned versions with the lock's
 * OCaml and skip the locking step; the lock is one more file,
 * mirage-lock/APP.opam(.locked). Only the lock's target (its
 * x-mstudio-target, else the project's) can be exported with it. */
GPtrArray *ms_ci_generate_locked (MsDocument        *doc,
                                  MsCatalog         *catalog,
                                  const char *const *targets,
                                  MsExportFlags      flags,
                                  const char        *lock_text,
                                  GError           **error);

G_END_DECLS
