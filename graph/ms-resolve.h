/* ms-resolve.h: package resolution with libsolv.
 *
 * An MsResolver holds the opam universe as a libsolv pool: one solvable
 * per available package version, its EVR the version's rank within its
 * package (libsolv's own version order differs from opam's in corner
 * cases; ranks keep opam's), dependency formulas as libsolv relations.
 * The pool is cached as a .solv file keyed by the repository's content.
 * A request is the evaluated graph's merged packages (with the devices
 * that asked for them) plus the compiler; the answer is every package of
 * the install set with the device that brings it in and the chain of
 * dependencies from that device's package, or the problems in user terms
 * with proposed fixes. docs/resolve.md tells the whole story.
 */
#pragma once

#include <glib.h>

#include "ms-eval.h"
#include "ms-opam-repo.h"

G_BEGIN_DECLS

typedef struct MsResolver MsResolver;

/* One package the request asks for. */
typedef struct {
  char *name;
  MsOpamVc *vc;          /* NULL: any version */
  char **devices;        /* the devices that asked for it (maybe empty) */
} MsResolveGoal;

typedef struct {
  GPtrArray *goals;      /* MsResolveGoal* */
  char *ocaml;           /* compiler version, or NULL: the newest release */
  gboolean brief;        /* on a conflict, one generic problem: no rules, no fixes (cheaper) */
} MsResolveRequest;

typedef struct {
  char *name;
  char *version;
  char *url;             /* source archive, or NULL */
  char **checksums;      /* "sha256=..." ... */
  char *device;          /* the device whose package brings it in, or NULL */
  char **chain;          /* package names from the requested one to this one (first is requested) */
  gboolean requested;
  guint flags;           /* MsOpamFlags */
} MsResolvedPackage;

typedef struct {
  char *message;         /* in user terms */
  char **devices;        /* the devices whose packages clash */
  char **rules;          /* the chain: one sentence per libsolv rule involved */
  char **hints;          /* proposed fixes */
} MsResolveProblem;

typedef struct {
  gboolean ok;
  char *ocaml;                /* the compiler asked for */
  GPtrArray *packages;        /* MsResolvedPackage*, by name (ok) */
  GPtrArray *problems;        /* MsResolveProblem* (not ok) */
  GPtrArray *diagnostics;     /* MsDiagnostic*: the problems as diagnostics */
} MsResolution;

/* Stable diagnostic codes */
#define MS_DIAG_RESOLVE_CONFLICT "package-resolution"

/* Builds the pool from a repository read in memory (no cache). */
MsResolver   *ms_resolver_new_from_repo (MsOpamRepo *repo);

/* Opens `source`: a folder with packages/ or a .tar.gz/.tar.xz of one.
 * Uses the cached pool under cache_dir (NULL: $XDG_CACHE_HOME/mirage-studio)
 * when it matches the source's content; otherwise reads the repository
 * (extracting an archive with tar into cache_dir first), converts it and
 * writes the cache. *from_cache tells which happened. */
MsResolver   *ms_resolver_open (const char *source,
                                const char *cache_dir,
                                gboolean   *from_cache,
                                GError    **error);
/* ms_resolver_open with the progress of a conversion (files read of all,
 * on this thread; never called when the cache is used; may be NULL) and
 * a cancellable checked between files and before the cache is written:
 * a cancelled conversion returns NULL and G_IO_ERROR_CANCELLED and
 * writes no cache file. */
MsResolver   *ms_resolver_open_full (const char     *source,
                                     const char     *cache_dir,
                                     gboolean       *from_cache,
                                     MsProgressFunc  progress,
                                     gpointer        progress_data,
                                     GCancellable   *cancellable,
                                     GError        **error);
/* The default source: $OPAMROOT, else ~/.opam, its default repository;
 * NULL and a message saying how to get one if there is none. */
char         *ms_resolver_default_source (GError **error);
void          ms_resolver_free (MsResolver *r);

guint         ms_resolver_n_solvables (MsResolver *r);
/* Files of the repository that did not parse (0 when loaded from the cache:
 * the number is stored with it). */
guint         ms_resolver_n_skipped (MsResolver *r);
/* The newest release of `ocaml` (no ~ or + in its version) that
 * ocaml-base-compiler provides, or NULL. */
char         *ms_resolver_default_ocaml (MsResolver *r);
/* TRUE if the pool has package name at version. */
gboolean      ms_resolver_has (MsResolver *r, const char *name, const char *version);

MsResolveRequest *ms_resolve_request_new (void);
/* The graph's merged packages with their bounds and devices. */
MsResolveRequest *ms_resolve_request_from_graph (MsEvalGraph *graph);
/* Adds a goal; constraint in opam syntax (">= \"1.0\" & < \"2.0\"") or NULL. */
gboolean      ms_resolve_request_add (MsResolveRequest *req,
                                      const char       *name,
                                      const char       *constraint,
                                      const char *const *devices,
                                      GError          **error);
void          ms_resolve_request_free (MsResolveRequest *req);

MsResolution *ms_resolver_solve (MsResolver *r, const MsResolveRequest *req);
void          ms_resolution_free (MsResolution *res);

/* A lock file pinning every package of a resolved answer: an opam file
 * with `depends: [ "p" {= "v"} ... ]`. monorepo FALSE: the form
 * `opam install --locked` reads, with the sources and checksums in
 * x-mstudio-sources; TRUE: the form opam-monorepo's lock step writes
 * (vendored packages marked `?vendor`, pin-depends,
 * x-opam-monorepo-duniverse-dirs, -root-packages, -version "0.3"). */
char         *ms_resolution_lock_text (const MsResolution *res,
                                       const char         *app,
                                       const char *const  *root_packages,
                                       gboolean            monorepo);

/* The same, recording the target resolved for in x-mstudio-target
 * (NULL: not recorded), which `export --format ci` reads. */
char         *ms_resolution_lock_text_for_target (const MsResolution *res,
                                                  const char         *app,
                                                  const char *const  *root_packages,
                                                  gboolean            monorepo,
                                                  const char         *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsResolver, ms_resolver_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsResolveRequest, ms_resolve_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsResolution, ms_resolution_free)

G_END_DECLS
