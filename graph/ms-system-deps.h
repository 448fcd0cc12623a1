/* ms-system-deps.h: the Debian packages the C runtime's devices need.
 *
 * The catalog's runtime entries name the system libraries a device's C
 * code links (`"libraries": ["gnutls"]`, data/catalog/SCHEMA.md);
 * `mstudio build` links libmirage-runtime-NAME.a and -lNAME for each.
 * This file is the one table from such a library to the Debian package
 * holding its headers and link library (tests/test-system-deps.c checks
 * it against the catalog, runtime/meson.build and tools/deps.sh), and
 * the check of a graph's needs against what dpkg has installed and what
 * apt's lists offer, both read with libsolvext (repo_add_debdb,
 * repo_add_debpackages). apt lists stored lz4-compressed (apt's
 * default on Debian 12 machines with lz4 installed) are decompressed
 * here first: libsolv does not know lz4 and would read no package from
 * them, silently. docs/build.md tells the user's side.
 */
#pragma once

#include <glib.h>

#include "ms-eval.h"

G_BEGIN_DECLS

typedef struct {
  const char *library;      /* -lNAME, as the catalog names it: "gnutls" */
  const char *package;      /* the Debian -dev package: "libgnutls28-dev" */
  const char *pkg_config;   /* its pkg-config module, or NULL */
} MsSystemLibrary;

/* The whole table (n entries), or one library's entry (NULL: unknown). */
const MsSystemLibrary *ms_system_libraries (guint *n);
const MsSystemLibrary *ms_system_library_lookup (const char *library);

/* dpkg's status and apt's lists as a libsolv pool. */
typedef struct MsSystemPackages MsSystemPackages;

/* One apt list read. */
typedef struct {
  char *path;
  const char *compression;  /* "lz4", "gzip", "xz", "zstd" or "none" */
  guint n_packages;
} MsSystemList;

/* Reads ROOT/var/lib/dpkg/status and, with lists, every
 * ROOT/var/lib/apt/lists/ *_Packages[.lz4|.gz|.xz|.zst]. root NULL: "/".
 * FALSE and error if the status file cannot be read; a list that cannot
 * be read or gives no package goes to warnings. */
MsSystemPackages *ms_system_packages_open (const char *root,
                                           gboolean    lists,
                                           GError    **error);
void         ms_system_packages_free (MsSystemPackages *sp);
/* Packages dpkg has installed ("install ok installed"), and available
 * package versions read from the lists. */
guint        ms_system_packages_n_installed (MsSystemPackages *sp);
guint        ms_system_packages_n_available (MsSystemPackages *sp);
/* The installed version of name, or NULL. */
const char  *ms_system_packages_installed (MsSystemPackages *sp, const char *name);
/* The newest version of name in apt's lists, or NULL. */
const char  *ms_system_packages_candidate (MsSystemPackages *sp, const char *name);
/* MsSystemList* of the lists read; char* warnings. */
GPtrArray   *ms_system_packages_lists    (MsSystemPackages *sp);
GPtrArray   *ms_system_packages_warnings (MsSystemPackages *sp);

/* Reads one Packages file (any compression libsolv knows, and lz4) into
 * a scratch pool: the number of packages it holds, or -1 and error; the
 * compression found goes to *compression. For tests and fuzzing. */
int          ms_system_count_packages (const char *path, const char **compression, GError **error);

/* One library a graph needs. */
typedef struct {
  char *library;
  char *package;            /* NULL: the table does not know the library */
  char **devices;           /* the devices whose runtime code links it */
  char *installed;          /* installed version, or NULL */
  char *candidate;          /* version in apt's lists, or NULL */
  gboolean missing;         /* package unknown to the table or not installed */
} MsSystemNeed;

typedef struct {
  GPtrArray *needs;         /* MsSystemNeed*, by library */
  gboolean ok;              /* nothing missing */
  char *install_command;    /* "apt-get install --no-install-recommends P ..." or NULL */
} MsSystemCheck;

/* The libraries the graph's reachable devices link, with the devices:
 * library -> char** of device names (sorted). */
GHashTable  *ms_system_libraries_of_graph (MsEvalGraph *graph);
/* Checks libraries (NULL-terminated; NULL: those of graph) against sp. */
MsSystemCheck *ms_system_deps_check (MsSystemPackages  *sp,
                                     MsEvalGraph       *graph,
                                     const char *const *libraries);
void         ms_system_check_free (MsSystemCheck *check);
/* A sentence for the user: "the C runtime needs Debian packages that are
 * not installed: nettle-dev (nettle, for block) ...; install them with
 * `apt-get install ...`", or NULL if ok. */
char        *ms_system_check_message (const MsSystemCheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSystemPackages, ms_system_packages_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSystemCheck, ms_system_check_free)

G_END_DECLS
