/* ms-opam-repo.h: an opam package repository read into memory, with the
 * meaning of the fields the solver needs.
 *
 * A repository is a folder holding packages/NAME/NAME.VERSION/opam (as
 * github.com/ocaml/opam-repository does). Each opam file is parsed
 * (ms-opam-file); a file that does not parse is recorded with its
 * path:line:col and skipped. Dependency filters are evaluated once, at
 * load, for one environment (the machine's os and arch, and the flags of
 * an install: build and post dependencies kept, with-test, with-doc,
 * with-dev-setup and dev ones dropped), giving plain formulas over
 * package names and version constraints. Versions are ordered by opam's
 * rules (ms-version) and numbered: a version's rank is its position in
 * its package, the order libsolv sees.
 */
#pragma once

#include <gio/gio.h>

#include "ms-opam-file.h"

G_BEGIN_DECLS

/* The values of the variables filters may read. */
typedef struct {
  const char *os;               /* "linux" */
  const char *os_family;        /* "debian" */
  const char *os_distribution;  /* "debian" */
  const char *os_version;       /* "12" */
  const char *arch;             /* "x86_64" */
  const char *opam_version;     /* the opam whose behaviour we follow: "2.1.2" */
} MsOpamEnv;

/* This machine (os and arch from uname, Debian's release from /etc/os-release). */
void ms_opam_env_init_host (MsOpamEnv *env);

typedef enum {
  MS_OPAM_FLAG_AVOID_VERSION = 1 << 0,
  MS_OPAM_FLAG_DEPRECATED    = 1 << 1,
  MS_OPAM_FLAG_COMPILER      = 1 << 2,
  MS_OPAM_FLAG_CONF          = 1 << 3,
} MsOpamFlags;

/* A version constraint: {>= "1.0" & < "2.0"} after filters. */
typedef enum { MS_VC_CONSTRAINT, MS_VC_AND, MS_VC_OR, MS_VC_NOT } MsOpamVcKind;
typedef struct MsOpamVc MsOpamVc;
struct MsOpamVc {
  MsOpamVcKind kind;
  char *op;           /* CONSTRAINT: = != < <= > >= */
  char *version;      /* CONSTRAINT */
  MsOpamVc *left, *right;
};

/* A package formula: "a" {>= "1"} & ("b" | "c"), after filters. */
typedef enum { MS_DEP_ATOM, MS_DEP_AND, MS_DEP_OR } MsOpamDepKind;
typedef struct MsOpamDep MsOpamDep;
struct MsOpamDep {
  MsOpamDepKind kind;
  char *name;         /* ATOM */
  MsOpamVc *vc;       /* ATOM: NULL = any version */
  MsOpamDep *left, *right;
};

typedef struct {
  char *name;
  char *version;
  guint rank;               /* 1-based position of version among name's versions */
  char *path;               /* the opam file */
  MsOpamDep *depends;       /* NULL = none */
  MsOpamDep *depopts;
  MsOpamDep *conflicts;
  gboolean available;
  char **conflict_class;    /* NULL-terminated, maybe empty */
  guint flags;              /* MsOpamFlags */
  char *url;                /* url { src }, or NULL */
  char **checksums;         /* url { checksum }: "sha256=..." ..., NULL-terminated */
} MsOpamPackage;

typedef struct {
  MsOpamEnv env;
  GPtrArray *packages;      /* MsOpamPackage*, by name, then in version order */
  GHashTable *names;        /* name -> GPtrArray of MsOpamPackage*, in version order */
  GPtrArray *errors;        /* char*: "path:line:col: message" per skipped file */
} MsOpamRepo;

/* An empty repository for env (NULL: this machine). */
MsOpamRepo *ms_opam_repo_new       (const MsOpamEnv *env);
/* Reads root/packages/ * / * /opam. FALSE and error if root has no
 * packages/ folder; files that do not parse go to repo->errors. */
gboolean    ms_opam_repo_load      (MsOpamRepo *repo,
                                    const char *root,
                                    GError    **error);
/* Adds one opam file's text for package name.version (tests, fuzzing).
 * FALSE (and the message in repo->errors and error) if it does not parse. */
gboolean    ms_opam_repo_add_text  (MsOpamRepo *repo,
                                    const char *name,
                                    const char *version,
                                    const char *path,
                                    const char *text,
                                    gsize       length,
                                    GError    **error);
/* Progress of a long job: `done` of `total` steps (files), called on the
 * thread doing the work. */
typedef void (*MsProgressFunc) (guint done, guint total, gpointer user_data);

/* ms_opam_repo_load with progress (files read of all the NAME.VERSION
 * folders, counted first; progress may be NULL) and a cancellable
 * checked between files: FALSE and G_IO_ERROR_CANCELLED when cancelled
 * (repo then holds part of the files and is not finished). */
gboolean    ms_opam_repo_load_full (MsOpamRepo     *repo,
                                    const char     *root,
                                    MsProgressFunc  progress,
                                    gpointer        progress_data,
                                    GCancellable   *cancellable,
                                    GError        **error);
/* Orders and ranks versions; call after the last add or load. */
void        ms_opam_repo_finish    (MsOpamRepo *repo);
void        ms_opam_repo_free      (MsOpamRepo *repo);

/* name's versions in order (MsOpamPackage*), or NULL. */
GPtrArray  *ms_opam_repo_versions  (MsOpamRepo *repo, const char *name);
const MsOpamPackage *ms_opam_repo_find (MsOpamRepo *repo, const char *name, const char *version);

/* TRUE if version satisfies vc (NULL: any version). */
gboolean    ms_opam_vc_matches     (const MsOpamVc *vc, const char *version);
/* TRUE if dep holds when `installed` (name -> version string) is installed. */
gboolean    ms_opam_dep_holds      (const MsOpamDep *dep, GHashTable *installed);
/* Appends every atom of dep (MsOpamDep*, borrowed) to atoms. */
void        ms_opam_dep_atoms      (const MsOpamDep *dep, GPtrArray *atoms);
char       *ms_opam_vc_to_string   (const MsOpamVc *vc);
void        ms_opam_vc_free        (MsOpamVc *vc);
char       *ms_opam_dep_to_string  (const MsOpamDep *dep);

/* Parses a dependency formula written as in an opam file ("a" {>= "1"} | "b"),
 * filters evaluated for env (NULL: this machine). NULL and error on bad syntax. */
MsOpamDep  *ms_opam_dep_parse      (const char *text, const MsOpamEnv *env, GError **error);
void        ms_opam_dep_free       (MsOpamDep *dep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsOpamRepo, ms_opam_repo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsOpamDep, ms_opam_dep_free)

G_END_DECLS
