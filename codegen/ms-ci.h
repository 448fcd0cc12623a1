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

G_END_DECLS
