/* ms-catalog.h: the device catalog, read from data/catalog at start.
 *
 * The catalog is the Mirage configuration API as data: module types,
 * targets, configure-time keys, runtime arguments and device
 * constructors. Everything else in the core refers to it by name.
 * See data/catalog/SCHEMA.md for the file format.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_CATALOG_ERROR (ms_catalog_error_quark ())
GQuark ms_catalog_error_quark (void);

typedef enum {
  MS_CATALOG_ERROR_NOT_FOUND,
  MS_CATALOG_ERROR_INVALID,
} MsCatalogError;

typedef struct {
  char *name;
  char *ocaml;            /* Mirage typ value used in config.ml */
  char *module_type;      /* OCaml module type for unikernel.ml */
  char *summary;
  char *description;
  char *category;
  char *mirage_alias;     /* "job" for sleep, ptime, ...; NULL otherwise */
  char *family;           /* versioned family this type belongs to, or NULL */
  char *version;          /* "v4", "v6", "v4v6" for family members */
  gboolean versioned;     /* the family entry itself (ip, udp, tcp) */
  gboolean internal;
} MsModuleType;

typedef struct {
  char *name;
  char *variant;
  char *group;
  char *os_module;
  char *binary_ext;
  char *summary;
} MsTarget;

typedef struct {
  char *name;
  gboolean grouped;
  char *type;             /* value type */
  char *default_value;    /* "" = unset */
  char *flag;
  char *doc;
  char *ocaml;
} MsKeyDef;

typedef struct {
  char *id;
  char *flag;
  gboolean grouped;
  char *type;
  char *default_value;
  char *docv;
  char *section;
  char *doc;
  char *code;
  char *package;
} MsRuntimeArgDef;

/* A device's use of a runtime argument, with its own default and targets. */
typedef struct {
  const MsRuntimeArgDef *def;
  char *default_value;    /* NULL: the definition's default; "@x": option x */
  char **targets;         /* NULL: every target */
  guint32 target_mask;
} MsRuntimeArgUse;

typedef struct {
  char *name;
  char *min;              /* inclusive, NULL = unbounded */
  char *max;              /* exclusive, NULL = unbounded */
  gboolean switch_scope;  /* installed in the opam switch, not the monorepo */
  gboolean build;         /* build-only */
  char **libraries;
  char **targets;         /* NULL: every target */
  guint32 target_mask;    /* the same as bits (ms_catalog_target_bit); MS_ALL_TARGETS when NULL */
} MsPackage;

#define MS_ALL_TARGETS G_MAXUINT32

typedef enum {
  MS_ARG_IMPL,
  MS_ARG_VALUE,
  MS_ARG_UNIT,
} MsArgKind;

typedef enum {
  MS_LABEL_POSITIONAL,
  MS_LABEL_OPTIONAL,
  MS_LABEL_LABELLED,
} MsLabel;

typedef struct {
  char *name;
  MsArgKind kind;
  MsLabel label;
  char *type;             /* type expression (impl) or value type (value) */
  char *default_value;    /* "" = none */
  gboolean required;
  char *replaces_key;
  char *doc;
} MsArgument;

typedef struct {
  char *key;              /* unprefixed key name, or "@option" */
  char **values;          /* "" matches an unset key */
  const MsKeyDef *def;    /* the key, resolved when the catalog is loaded; NULL for "@option" and target */
} MsCondition;

typedef struct _MsVariant MsVariant;

typedef struct {
  GPtrArray *conditions;  /* of MsCondition*; empty = always */
  char *use;
  const MsVariant *variant; /* resolved when the catalog is loaded */
} MsSelectRule;

typedef struct _MsConstructor MsConstructor;

typedef struct {
  char *id;
  char *ctor;
  const MsConstructor *def;         /* resolved when the catalog is loaded */
  GHashTable *args;                 /* param -> "@outer" or node id */
  GHashTable *options;              /* option -> literal or "@outer" */
  GHashTable *runtime_arg_defaults; /* runtime arg id -> value */
  /* the same three as parallel arrays, in file order, for evaluation */
  guint n_args, n_options, n_arg_defaults;
  const char **arg_names, **arg_refs;
  const char **option_names, **option_values;
  const char **default_ids, **default_values;
} MsSubNode;

typedef enum {
  MS_VARIANT_AS,
  MS_VARIANT_IMPL,
  MS_VARIANT_GRAPH,
} MsVariantKind;

struct _MsVariant {
  char *name;
  MsVariantKind kind;
  /* MS_VARIANT_AS */
  char *as;
  const MsConstructor *as_def;      /* resolved when the catalog is loaded */
  GHashTable *options;
  GHashTable *args;
  /* MS_VARIANT_IMPL: NULL / has_* FALSE where the entry's own value applies */
  char *module;
  char *functor;
  char *connect;
  gboolean has_packages;
  GPtrArray *packages;              /* of MsPackage* */
  gboolean has_runtime_args;
  GPtrArray *runtime_args;          /* of MsRuntimeArgUse* */
  /* MS_VARIANT_GRAPH */
  GPtrArray *nodes;                 /* of MsSubNode* */
  char *result;
};

/* How the bundled C runtime implements a constructor (data/catalog/SCHEMA.md). */
typedef struct {
  char *header;           /* "mirage/block.h" */
  char *type;             /* "struct mirage_block": the value is a pointer to it; NULL: no value */
  char *connect;          /* template; NULL: nothing to connect */
  char *start;            /* task function of a job device, or NULL */
  char **libraries;       /* system libraries to link (-lNAME), NULL-terminated; never NULL */
  char **archives;        /* the runtime's archives its code is in (libmirage-runtime-NAME.a),
                           * NULL-terminated; never NULL */
} MsRuntimeImpl;

typedef enum {
  MS_CTOR_DEVICE,
  MS_CTOR_CUSTOM,
  MS_CTOR_INTERNAL,
} MsCtorKind;

struct _MsConstructor {
  char *name;
  char *category;
  char *summary;
  char *description;
  char *signature;
  char *result;           /* type expression */
  MsCtorKind kind;
  char *deprecated;
  GPtrArray *arguments;   /* of MsArgument*, OCaml order */
  GPtrArray *params;      /* impl arguments (borrowed), in order */
  GPtrArray *options;     /* value arguments (borrowed), in order */
  char **keys;
  const MsKeyDef **key_defs; /* keys[i] resolved at load; NULL where unknown */
  GPtrArray *runtime_args;/* of MsRuntimeArgUse* */
  GPtrArray *packages;    /* of MsPackage* */
  char *module;
  char *functor;
  char *connect;
  gboolean shared;
  char **targets;         /* NULL: every target */
  guint32 target_mask;
  GPtrArray *select;      /* of MsSelectRule*; empty if not key-dependent */
  GHashTable *variants;   /* name -> MsVariant* */
  MsRuntimeImpl *runtime; /* the bundled C runtime's implementation, or NULL */
};

typedef struct {
  char *name;
  char *title;
} MsCategory;

typedef struct _MsCatalog MsCatalog;

MsCatalog *ms_catalog_load (const char *datadir,
                            const char *mirage_version,
                            GError    **error);
MsCatalog *ms_catalog_get_default (const char *mirage_version,
                                   GError    **error);
MsCatalog *ms_catalog_ref (MsCatalog *self);
void       ms_catalog_unref (MsCatalog *self);

const char *ms_catalog_get_mirage_version (MsCatalog *self);
const char *ms_catalog_get_version_comment (MsCatalog *self);

/* The Mirage versions a project can target, oldest first, and the one new
 * projects target (the current Mirage release). Catalog data exists for
 * each; ms_catalog_get_default (NULL) is still 4.10, the base data. */
#define MS_MIRAGE_CURRENT "4.11"
const char *const *ms_catalog_get_known_versions (void);
gboolean    ms_catalog_version_is_known (const char *version);
/* The catalog of the other known version(s) that has ctor (or NULL): for
 * explaining what a version lacks. Returns a new reference. */
MsCatalog  *ms_catalog_find_version_with (MsCatalog *self, const char *ctor);

const MsModuleType   *ms_catalog_lookup_type (MsCatalog *self, const char *name);
const MsTarget       *ms_catalog_lookup_target (MsCatalog *self, const char *name);
const MsKeyDef       *ms_catalog_lookup_key (MsCatalog *self, const char *name);
const MsRuntimeArgDef *ms_catalog_lookup_runtime_arg (MsCatalog *self, const char *id);
const MsConstructor  *ms_catalog_lookup (MsCatalog *self, const char *ctor);
/* Whether name is a constructor or a module type: config.ml must not shadow it. */
gboolean              ms_catalog_name_is_taken (MsCatalog *self, const char *name);

GPtrArray *ms_catalog_get_types (MsCatalog *self);        /* of MsModuleType*, file order */
GPtrArray *ms_catalog_get_targets (MsCatalog *self);      /* of MsTarget* */
GPtrArray *ms_catalog_get_keys (MsCatalog *self);         /* of MsKeyDef* */
GPtrArray *ms_catalog_get_runtime_args (MsCatalog *self); /* of MsRuntimeArgDef* */
GPtrArray *ms_catalog_get_constructors (MsCatalog *self); /* of MsConstructor*, by category then file order */
GPtrArray *ms_catalog_get_categories (MsCatalog *self);   /* of MsCategory* */

const char *ms_catalog_get_default_target (MsCatalog *self);
gboolean    ms_catalog_target_in (MsCatalog *self, const char *target, const char * const *targets);
/* One bit per target, for masks; 0 for an unknown target. */
guint32     ms_catalog_target_bit (MsCatalog *self, const char *target);
static inline gboolean
ms_target_mask_has (guint32 mask, guint32 bit)
{
  return mask == MS_ALL_TARGETS || (mask & bit) != 0;
}

/* register.json */
const char *ms_catalog_get_register_choice (MsCatalog *self, const char *what, const char *choice);
const char *const *ms_catalog_get_register_choices (MsCatalog *self, const char *what);
const char *ms_catalog_get_default_level (MsCatalog *self);
const char *const *ms_catalog_get_init_jobs (MsCatalog *self);
const char *ms_catalog_get_root_module (MsCatalog *self);
GPtrArray  *ms_catalog_get_root_packages (MsCatalog *self); /* of MsPackage* */

MsPackage *ms_package_new (const char *name, const char *min, const char *max);
MsPackage *ms_package_copy (const MsPackage *p);
void       ms_package_free (MsPackage *p);
/* "name", "name >= 1.0 < 2.0", "name {build}" ... as mstudio and the store write them */
MsPackage *ms_package_parse (const char *text, GError **error);
char      *ms_package_to_string (const MsPackage *p);

const MsArgument *ms_constructor_find_param (const MsConstructor *ctor, const char *name);
const MsArgument *ms_constructor_find_option (const MsConstructor *ctor, const char *name);
gboolean          ms_constructor_is_key_dependent (const MsConstructor *ctor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCatalog, ms_catalog_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPackage, ms_package_free)

G_END_DECLS
