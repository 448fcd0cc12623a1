/* ms-eval.h: the evaluated graph, what exporters and builders consume.
 *
 * Evaluation fixes a target and key values, picks the branch of every
 * key-dependent device as Mirage does, expands devices built from
 * sub-graphs (a direct network stack is ethernet, arp, ip, icmp, udp, tcp
 * and the stack itself), adds what `register` adds (argv, reporter,
 * clocks, random, the init jobs and the root), shares identical devices
 * as Functoria does, orders nodes so that every node comes after what it
 * uses, and merges the package bounds of all nodes.
 */
#pragma once

#include "ms-arena.h"
#include "ms-document.h"
#include "ms-diagnostic.h"

G_BEGIN_DECLS

/* Everything these structs point to belongs to the graph (its arena) or
 * to the catalog: never free any of it individually. */
typedef struct {
  const char *name;   /* flag name with group prefix, e.g. "ipv4", "mgmt-ipv4", "port" */
  const char *type;   /* value type */
  const char *default_value; /* after the device's and the project's defaults; "" = None */
  gboolean overridden;/* the project sets arg:NAME */
  const char *doc;
  const char *docv;
  const char *section;
  const char *code;   /* OCaml expression head, NULL for user-declared args */
  const char *id;     /* catalog runtime-arg id, NULL for user-declared */
  const char *group;
} MsEvalArg;

typedef struct {
  guint id;                 /* 1-based, equal to the position in MsEvalGraph.nodes + 1 */
  const MsConstructor *ctor;/* constructor evaluated (after `as` delegation); NULL for the root */
  const char *variant;      /* selected variant of the document device, or NULL */
  const char *device;       /* the document device this node stands for or was expanded from */
  const char *role;         /* sub-graph node id ("eth", "arp", ...), init role ("argv", "reporter", "root"), or NULL */
  const char *module;
  const char *functor;      /* functor type, NULL if not a functor */
  const char *connect;
  guint device_id;          /* document device id, 0 for implicit nodes */

  guint n_args;             /* functor arguments, in order */
  const guint *args;        /* node ids */
  const char *const *arg_params;  /* the parameter each argument fills */
  guint n_deps;             /* extra dependencies */
  const guint *deps;
  guint n_runtime_args;
  MsEvalArg *const *runtime_args;
  guint n_packages;         /* already filtered by target */
  const MsPackage *const *packages;
  gboolean reachable;       /* reached from the root: part of the unikernel as Mirage builds it */
  guint n_keys;             /* keys this node reads or creates (prefixed names) */
  const char *const *keys;
  guint n_options;          /* resolved option values, defaults included */
  const char *const *option_names;
  const char *const *option_values;
} MsEvalNode;

typedef struct {
  char *name;
  char *min;          /* effective lower bound (inclusive), NULL = none */
  char *max;          /* effective upper bound (exclusive), NULL = none */
  char *min_from;     /* device whose bound is the effective min */
  char *max_from;
  gboolean build;
  gboolean switch_scope;
  char **libraries;
  const char *const *used_by; /* device names (or roles) that asked for it; the graph's */
} MsEvalPackage;

typedef struct {
  const char *name;   /* "target", "kv_ro", "mgmt-net", ... */
  const char *type;
  const char *value;  /* effective value ("" = unset) */
  gboolean is_default;
  const char *doc;
} MsEvalKey;

typedef struct {
  char *target;
  char *app_name;
  GPtrArray *nodes;        /* MsEvalNode*, topological (a node after everything it uses) */
  guint root;              /* the root job node */
  GArray *jobs;            /* guint node ids of the registered jobs */
  GArray *init;            /* guint node ids of the init jobs, in order */
  GPtrArray *packages;     /* MsEvalPackage*, sorted by name */
  GPtrArray *keys;         /* MsEvalKey*, sorted by name */
  GPtrArray *runtime_args; /* MsEvalArg*, sorted by name */
  GPtrArray *diagnostics;  /* MsDiagnostic*: unsupported targets, package conflicts, ... */
  guint *device_nodes;     /* document device id -> node id (0: none); see ms_eval_graph_device_node */
  guint n_device_nodes;
  /* private */
  MsCatalog *catalog;
  MsArena *arena;           /* nodes, their arrays and strings */
  GPtrArray *owned_packages;
} MsEvalGraph;

/* target NULL: the project's target. */
MsEvalGraph *ms_eval (MsDocument *doc, const char *target);
/* The same, with keys and runtime_args in no particular order (cheaper). */
MsEvalGraph *ms_eval_unsorted (MsDocument *doc, const char *target);
void         ms_eval_graph_free (MsEvalGraph *g);
MsEvalNode  *ms_eval_graph_get_node (MsEvalGraph *g, guint id);
/* The node a document device became, or NULL (unknown constructor, in a cycle, ...). */
MsEvalNode  *ms_eval_graph_device_node (MsEvalGraph *g, guint device_id);
/* "mirage_kv_unix__3": the value name Functoria gives a node in main.ml */
char        *ms_eval_node_value_name (const MsEvalNode *n);
const char  *ms_eval_node_get_option (const MsEvalNode *n, const char *option);

/* Choices. Mirage's target value as OCaml writes it ("hvt" -> "`Hvt"), and back. */
const char  *ms_eval_target_variant (const char *target);
const char  *ms_eval_target_of_variant (const char *variant);
/* Key.is_solo5 / is_xen / is_unikraft / is_unix of target; FALSE: not a predicate. */
gboolean     ms_eval_target_predicate (const char *predicate, const char *target, gboolean *out);
/* The value a choice's condition has for target (NULL: the project's) and
 * the project's key values, as OCaml writes it ("true", "`Hvt"); NULL if
 * the key is unknown. */
char        *ms_eval_condition_value (MsDocument *doc, const char *target, const MsChoice *c);
/* The input of choice device d that Mirage takes: a case, "default", or
 * NULL (nothing matches and there is no default). */
const char  *ms_eval_choice_branch (MsDocument *doc, const char *target, const MsDevice *d);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsEvalGraph, ms_eval_graph_free)

G_END_DECLS
