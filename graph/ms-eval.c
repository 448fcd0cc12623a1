/* ms-eval.c: turning a document into the evaluated graph.
 *
 * A call is a constructor applied to options and input nodes. Calling it
 * follows the catalog: a key-dependent constructor selects a variant by
 * the target and key values; a variant either delegates to another
 * constructor, overrides the implementation, or expands into a sub-graph
 * of further calls. The leaves become nodes.
 *
 * Sharing follows Functoria: a node made by a shared (module-level)
 * constructor is identified by the constructor, its arguments and
 * options, so two stacks over one network share the ethif and arp nodes;
 * everything else is one node per document device (or per position in
 * the sub-graph of a shared parent). Nodes are created after their
 * inputs, so creation order is already a topological order.
 *
 * The studio re-evaluates on every edit, so this file avoids allocation:
 * calls live on the stack with small inline arrays, strings are interned
 * once per graph, and packages are borrowed from the catalog.
 */
#include "ms-eval.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include "ms-arena.h"
#include "ms-value.h"
#include "ms-version.h"

#include <string.h>

#define MAX_DEPTH 32
#define CALL_SLOTS 32

typedef struct {
  const char *name;
  const char *value;
} Pair;

typedef struct {
  MsDocument *doc;
  MsCatalog *cat;
  MsEvalGraph *g;
  GHashTable *memo;         /* identity -> node id (shared nodes only) */
  guint8 *dev_state;        /* by device id: 0 not seen, 1 in progress, 2 done */
  GHashTable *args;         /* name -> MsEvalArg* */
  GHashTable *keys;         /* name -> MsEvalKey* */
  GHashTable *key_creators; /* key name -> the device that first created it */
  GHashTable *reported;     /* diagnostics already emitted (dedup keys) */
  guint32 target_bit;       /* the target, for catalog target masks */
  struct {                  /* recent registrations, by identity of what made them */
    const MsRuntimeArgDef *def;
    const char *group;
    const char *dflt;
    MsEvalArg *arg;
  } arg_cache[256];
  GHashTable *key_settings; /* "key:NAME" settings by NAME; NULL if there are none */
  GHashTable *arg_settings; /* "arg:NAME" settings by NAME; NULL if there are none */
} Eval;

/* What a node collects while it is made, copied into the arena at the end. */
typedef struct {
  guint args[CALL_SLOTS];
  const char *arg_params[CALL_SLOTS];
  guint n_args;
  guint deps[CALL_SLOTS];
  guint n_deps;
  MsEvalArg *runtime_args[CALL_SLOTS];
  guint n_runtime_args;
  const MsPackage *packages[CALL_SLOTS];
  guint n_packages;
  const char *keys[CALL_SLOTS];
  guint n_keys;
  const char *option_names[CALL_SLOTS];
  const char *option_values[CALL_SLOTS];
  guint n_options;
} NodeBuild;

typedef struct {
  const MsConstructor *ctor;
  Pair options[CALL_SLOTS];
  guint n_options;
  Pair inputs[CALL_SLOTS];        /* value: GUINT_TO_POINTER (node id) */
  guint n_inputs;
  Pair arg_defaults[CALL_SLOTS];  /* runtime arg id -> value */
  guint n_arg_defaults;
  const char *keys_read[CALL_SLOTS];
  guint n_keys_read;
  Pair key_cache[8];              /* catalog key name -> value, for select rules */
  guint n_key_cache;
  const MsDevice *device;
  const char *device_name;        /* the graph's copy of device->name */
  const char *role;
  const char *identity;           /* interned; NULL: not under a shared parent */
  int depth;
} Call;

static guint eval_call (Eval *e, Call *c, const char *variant_label);

/* ---- small helpers ------------------------------------------------------------- */

/* A copy owned by the graph. Not deduplicated: hashing every string cost
 * more than the memory it would save. */
static const char *
intern (Eval *e, const char *s)
{
  return s ? ms_arena_copy (e->g->arena, s, strlen (s) + 1) : NULL;
}

/* a, sep and b joined and interned, without printf: this runs for every
 * grouped key and runtime argument of every device */
static const char *
intern_join (Eval *e, const char *a, const char *sep, const char *b)
{
  char buf[256];
  gsize la = strlen (a), ls = strlen (sep), lb = strlen (b);

  if (la + ls + lb + 1 > sizeof buf)
    {
      g_autofree char *tmp = g_strconcat (a, sep, b, NULL);
      return intern (e, tmp);
    }
  memcpy (buf, a, la);
  memcpy (buf + la, sep, ls);
  memcpy (buf + la + ls, b, lb + 1);
  return intern (e, buf);
}


static const char *
pairs_get (const Pair *p, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (p[i].name, name) == 0)
      return p[i].value;
  return NULL;
}

static void
pairs_set (Pair *p, guint *n, const char *name, const char *value)
{
  for (guint i = 0; i < *n; i++)
    if (strcmp (p[i].name, name) == 0)
      {
        p[i].value = value;
        return;
      }
  /* constructors have far fewer arguments than slots; the catalog test
   * guards that, so dropping here would only hide a damaged catalog */
  if (*n < CALL_SLOTS)
    p[(*n)++] = (Pair) { name, value };
}

static guint
call_input (const Call *c, const char *param)
{
  return GPOINTER_TO_UINT (pairs_get (c->inputs, c->n_inputs, param));
}

static void
call_set_input (Call *c, const char *param, guint node)
{
  pairs_set (c->inputs, &c->n_inputs, param, GUINT_TO_POINTER (node));
}

/* parent: the call this one is part of (its device carries over), or NULL */
static void
call_init (Call *c, const MsConstructor *ctor, const Call *parent, const char *role,
           const char *identity, int depth)
{
  c->ctor = ctor;
  c->n_options = c->n_inputs = c->n_arg_defaults = c->n_keys_read = c->n_key_cache = 0;
  c->device = parent ? parent->device : NULL;
  c->device_name = parent ? parent->device_name : NULL;
  c->role = role;
  c->identity = identity;
  c->depth = depth;
}

/* An option's value in this call: given, else the constructor's default;
 * NULL when neither says anything. */
static const char *
call_option (Call *c, const char *name)
{
  const char *v = pairs_get (c->options, c->n_options, name);
  const MsArgument *a;

  if (v != NULL && *v != '\0')
    return v;
  a = ms_constructor_find_option (c->ctor, name);
  if (a != NULL && a->default_value != NULL && *a->default_value != '\0')
    return a->default_value;
  return NULL;
}

/* "@x" refers to option x of the call; anything else is a literal. */
static const char *
resolve_ref (Call *c, const char *value)
{
  if (value != NULL && value[0] == '@')
    return call_option (c, value + 1);
  return value;
}

static void
report (Eval *e, const char *dedup, MsDiagnostic *d)
{
  if (dedup != NULL)
    {
      if (g_hash_table_contains (e->reported, dedup))
        {
          ms_diagnostic_free (d);
          return;
        }
      g_hash_table_add (e->reported, g_strdup (dedup));
    }
  g_ptr_array_add (e->g->diagnostics, d);
}

/* ---- freeing ------------------------------------------------------------------------ */

static void
eval_package_free (gpointer data)
{
  MsEvalPackage *p = data;

  g_free (p->name);
  g_free (p->min);
  g_free (p->max);
  g_free (p->min_from);
  g_free (p->max_from);
  g_strfreev (p->libraries);
  g_free (p);
}


void
ms_eval_graph_free (MsEvalGraph *g)
{
  if (g == NULL)
    return;
  g_free (g->target);
  g_free (g->app_name);
  g_ptr_array_unref (g->nodes);
  g_array_unref (g->jobs);
  g_array_unref (g->init);
  g_ptr_array_unref (g->packages);
  g_ptr_array_unref (g->keys);
  g_ptr_array_unref (g->runtime_args);
  g_ptr_array_unref (g->diagnostics);
  g_free (g->device_nodes);
  g_ptr_array_unref (g->owned_packages);
  ms_arena_free (g->arena);
  ms_catalog_unref (g->catalog);
  g_free (g);
}

MsEvalNode *
ms_eval_graph_get_node (MsEvalGraph *g, guint id)
{
  if (id == 0 || id > g->nodes->len)
    return NULL;
  return g->nodes->pdata[id - 1];
}

MsEvalNode *
ms_eval_graph_device_node (MsEvalGraph *g, guint device_id)
{
  if (device_id >= g->n_device_nodes)
    return NULL;
  return ms_eval_graph_get_node (g, g->device_nodes[device_id]);
}

const char *
ms_eval_node_get_option (const MsEvalNode *n, const char *option)
{
  for (guint i = 0; i < n->n_options; i++)
    if (strcmp (n->option_names[i], option) == 0)
      return n->option_values[i];
  return NULL;
}

char *
ms_eval_node_value_name (const MsEvalNode *n)
{
  GString *s = g_string_new (NULL);
  const char *m = n->module ? n->module : "unit";

  for (const char *c = m; *c; c++)
    {
      if (g_ascii_isalnum (*c) || *c == '_')
        g_string_append_c (s, g_ascii_tolower (*c));
      else if (*c == '.' || *c == '-' || *c == ' ')
        g_string_append_c (s, '_');
    }
  g_string_append_printf (s, "__%u", n->id);
  return g_string_free (s, FALSE);
}

/* ---- keys ----------------------------------------------------------------------------- */

/* Two devices that create the same grouped configure key would make
 * Mirage fail with a duplicate key: report it where it happens. */
static void
note_key_user (Eval *e, MsEvalKey *k, const MsKeyDef *def, Call *c)
{
  const char *first = g_hash_table_lookup (e->key_creators, k->name);
  g_autofree char *dedup = NULL;
  MsDiagnostic *d;

  if (c == NULL || c->device == NULL || def == NULL || !def->grouped)
    return;
  if (first == NULL)
    {
      g_hash_table_insert (e->key_creators, (gpointer) k->name, (gpointer) c->device_name);
      return;
    }
  if (first == c->device_name || strcmp (first, c->device_name) == 0)
    return;
  dedup = g_strdup_printf ("key-conflict:%s:%s", k->name, c->device_name);
  d = ms_diagnostic_new (MS_DIAG_KEY_CONFLICT, MS_SEVERITY_WARNING, c->device_name,
                         _("%s and %s both create the configure key “%s”; "
                         "give one of them a group (option group)"), first, c->device_name, k->name);
  d->option = g_strdup ("group");
  d->related = g_new0 (char *, 2);
  d->related[0] = g_strdup (first);
  report (e, dedup, d);
}

static MsEvalKey *
ensure_key (Eval *e, const char *name, const char *type, const char *default_value, const char *doc)
{
  MsEvalKey *k = g_hash_table_lookup (e->keys, name);
  const char *given;

  if (k != NULL)
    return k;
  k = ms_arena_alloc0 (e->g->arena, sizeof *k);
  k->name = intern (e, name);
  k->type = type ? type : "string";          /* catalog strings */
  k->doc = doc ? doc : "";
  if (strcmp (name, "target") == 0)
    {
      /* the target counts as given when the project sets one */
      k->value = e->g->target;
      k->is_default = ms_document_get_setting (e->doc, MS_SETTING_TARGET) == NULL;
    }
  else
    {
      given = e->key_settings ? g_hash_table_lookup (e->key_settings, name) : NULL;
      k->value = given ? intern (e, given) : default_value ? default_value : "";
      k->is_default = given == NULL;
    }
  g_hash_table_insert (e->keys, (gpointer) k->name, k);
  return k;
}

/* Whether an option of the call names the user's own key in place of
 * this catalog key (generic_kv_ro ~key): devices may share those. */
static gboolean
key_is_replaced (Call *c, const char *key)
{
  for (guint i = 0; i < c->ctor->options->len; i++)
    {
      const MsArgument *a = c->ctor->options->pdata[i];
      const char *v;
      if (a->replaces_key != NULL && strcmp (a->replaces_key, key) == 0
          && (v = pairs_get (c->options, c->n_options, a->name)) != NULL && *v)
        return TRUE;
    }
  return FALSE;
}

/* The name a catalog key takes in this call (group prefix, or the user's
 * key when an option replaces it), interned. */
static const char *
key_name_in_call (Eval *e, Call *c, const MsKeyDef *def, const char *key)
{
  const char *group = call_option (c, "group");

  for (guint i = 0; i < c->ctor->options->len; i++)
    {
      const MsArgument *a = c->ctor->options->pdata[i];
      const char *v;
      if (a->replaces_key != NULL && strcmp (a->replaces_key, key) == 0
          && (v = pairs_get (c->options, c->n_options, a->name)) != NULL && *v)
        return intern (e, v);
    }
  if (def != NULL && def->grouped && group != NULL && *group)
    return intern_join (e, group, "-", key);
  return intern (e, key);
}

static void
call_read_key (Call *c, const char *name)
{
  for (guint i = 0; i < c->n_keys_read; i++)
    if (c->keys_read[i] == name)
      return;
  if (c->n_keys_read < CALL_SLOTS)
    c->keys_read[c->n_keys_read++] = name;
}

static const char *
key_value (Eval *e, Call *c, const char *key, const MsKeyDef *def)
{
  const char *name;
  MsEvalKey *k;

  /* select rules ask for the same few keys again and again; their names
   * are catalog strings, so the pointer identifies them */
  for (guint i = 0; i < c->n_key_cache; i++)
    if (c->key_cache[i].name == key)
      return c->key_cache[i].value;

  if (strcmp (key, "target") == 0)
    {
      const MsKeyDef *t = ms_catalog_lookup_key (e->cat, "target");
      ensure_key (e, "target", t ? t->type : "string", e->g->target, t ? t->doc : NULL);
      call_read_key (c, intern (e, "target"));
      return e->g->target;
    }
  name = key_name_in_call (e, c, def, key);
  k = ensure_key (e, name, def ? def->type : "string", def ? def->default_value : "", def ? def->doc : NULL);
  if (!key_is_replaced (c, key))
    note_key_user (e, k, def, c);
  call_read_key (c, name);
  if (c->n_key_cache < G_N_ELEMENTS (c->key_cache))
    c->key_cache[c->n_key_cache++] = (Pair) { key, k->value };
  return k->value;
}

static const MsVariant *
select_variant (Eval *e, Call *c)
{
  for (guint i = 0; i < c->ctor->select->len; i++)
    {
      const MsSelectRule *r = c->ctor->select->pdata[i];
      gboolean all = TRUE;

      for (guint j = 0; j < r->conditions->len && all; j++)
        {
          const MsCondition *cond = r->conditions->pdata[j];
          const char *v;

          if (cond->key[0] != '@')
            v = key_value (e, c, cond->key, cond->def);
          else if (ms_constructor_find_param (c->ctor, cond->key + 1) != NULL)
            /* an impl argument: "" when not connected */
            v = call_input (c, cond->key + 1) ? "connected" : "";
          else
            v = call_option (c, cond->key + 1);
          all = g_strv_contains ((const char * const *) cond->values, v ? v : "");
        }
      if (all)
        return r->variant;
    }
  return NULL;
}

/* ---- runtime arguments ------------------------------------------------------------------ */

/* Registers a runtime argument (given on the stack) and returns the
 * graph's copy: the first of its name, which later equal ones share. */
static MsEvalArg *
register_arg (Eval *e, Call *c, const MsEvalArg *a)
{
  MsEvalArg *old = g_hash_table_lookup (e->args, a->name);

  if (old == NULL)
    {
      const char *v = e->arg_settings ? g_hash_table_lookup (e->arg_settings, a->name) : NULL;
      MsEvalArg *mine = ms_arena_copy (e->g->arena, a, sizeof *a);

      if (v != NULL)
        {
          mine->default_value = intern (e, v);
          mine->overridden = TRUE;
        }
      g_hash_table_insert (e->args, (gpointer) mine->name, mine);
      return mine;
    }
  /* Functoria registers structurally equal args once; differing ones
   * would both define the flag and clash when the unikernel starts. */
  if (g_strcmp0 (old->id, a->id) != 0
      || (!old->overridden && g_strcmp0 (old->default_value, a->default_value) != 0))
    {
      g_autofree char *dedup = g_strdup_printf ("arg-conflict:%s", a->name);
      MsDiagnostic *d = ms_diagnostic_new (MS_DIAG_RUNTIME_ARG_CONFLICT, MS_SEVERITY_WARNING,
                                           c->device ? c->device->name : NULL,
                                           _("the runtime argument --%s is defined twice with "
                                           "different meanings or defaults (“%s” and “%s”); "
                                           "give one of the devices a group"),
                                           a->name, old->default_value, a->default_value);
      d->setting = g_strconcat ("arg:", a->name, NULL);
      report (e, dedup, d);
    }
  return old;
}

static void
add_catalog_args (Eval *e, Call *c, NodeBuild *nb, GPtrArray *uses)
{
  const char *group = call_option (c, "group");

  for (guint i = 0; uses != NULL && i < uses->len && nb->n_runtime_args < CALL_SLOTS; i++)
    {
      const MsRuntimeArgUse *u = uses->pdata[i];
      const MsRuntimeArgDef *def = u->def;
      /* cmdliner-stdlib's bundle of flags has no single flag name */
      const char *flag = def->flag && *def->flag ? def->flag : def->id;
      const char *g = def->grouped && group && *group ? group : NULL;
      MsEvalArg a = { 0 };
      const char *dflt;
      guint slot;

      if (!ms_target_mask_has (u->target_mask, e->target_bit))
        continue;
      dflt = pairs_get (c->arg_defaults, c->n_arg_defaults, def->id);
      if (dflt == NULL && u->default_value != NULL)
        dflt = resolve_ref (c, u->default_value);
      if (dflt == NULL && (u->default_value == NULL || u->default_value[0] != '@'))
        dflt = def->default_value;

      /* A stack's UDP and TCP halves register the same arguments with the
       * same group and default. The strings are stable during evaluation,
       * so the same pointers mean the same argument: reuse it. */
      slot = (guint) ((((guintptr) def >> 4) ^ ((guintptr) g >> 3) ^ ((guintptr) dflt >> 5)) & 255);
      if (e->arg_cache[slot].arg != NULL && e->arg_cache[slot].def == def
          && e->arg_cache[slot].group == g && e->arg_cache[slot].dflt == dflt)
        {
          nb->runtime_args[nb->n_runtime_args++] = e->arg_cache[slot].arg;
          continue;
        }

      a.id = def->id;
      a.group = g;
      a.name = g ? intern_join (e, g, "-", flag) : flag;
      a.type = def->type;
      a.default_value = dflt ? dflt : "";
      a.doc = def->doc;
      a.docv = def->docv;
      a.section = def->section;
      a.code = def->code;
      if (g_hash_table_lookup (e->args, a.name) == NULL)
        {
          /* only a new argument needs copies of what it points to */
          a.group = intern (e, a.group);
          a.default_value = intern (e, a.default_value);
        }
      e->arg_cache[slot].def = def;
      e->arg_cache[slot].group = g;
      e->arg_cache[slot].dflt = dflt;
      e->arg_cache[slot].arg = register_arg (e, c, &a);
      nb->runtime_args[nb->n_runtime_args++] = e->arg_cache[slot].arg;
    }
}

/* ---- nodes ---------------------------------------------------------------------------- */

static void
append_identity_part (GString *s, const char *part)
{
  /* length-prefixed so that no value can forge another identity */
  g_string_append_printf (s, "%zu:%s;", strlen (part ? part : ""), part ? part : "");
}

static int
compare_pairs (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Pair *) a)->name, ((const Pair *) b)->name);
}

static const char *
shared_identity (Eval *e, Call *c, const char *variant)
{
  GString *s = g_string_new ("shared;");
  Pair sorted[CALL_SLOTS];

  append_identity_part (s, c->ctor->name);
  append_identity_part (s, variant);
  for (guint i = 0; i < c->ctor->params->len; i++)
    {
      const MsArgument *p = c->ctor->params->pdata[i];
      g_string_append_printf (s, "%u,", call_input (c, p->name));
    }
  memcpy (sorted, c->options, c->n_options * sizeof (Pair));
  qsort (sorted, c->n_options, sizeof (Pair), compare_pairs);
  for (guint i = 0; i < c->n_options; i++)
    {
      append_identity_part (s, sorted[i].name);
      append_identity_part (s, sorted[i].value);
    }
  {
    const char *id = intern (e, s->str);
    g_string_free (s, TRUE);
    return id;
  }
}

static void
add_packages (Eval *e, NodeBuild *nb, GPtrArray *packages)
{
  for (guint i = 0; packages != NULL && i < packages->len && nb->n_packages < CALL_SLOTS; i++)
    {
      const MsPackage *p = packages->pdata[i];
      if (ms_target_mask_has (p->target_mask, e->target_bit))
        nb->packages[nb->n_packages++] = p;
    }
}

static void
add_key (NodeBuild *nb, const char *key)
{
  for (guint i = 0; i < nb->n_keys; i++)
    if (strcmp (nb->keys[i], key) == 0)
      return;
  if (nb->n_keys < CALL_SLOTS)
    nb->keys[nb->n_keys++] = key;
}

/* Copies what the node collected into the graph's arena. */
static void
finish_node (Eval *e, MsEvalNode *n, const NodeBuild *nb)
{
  MsArena *a = e->g->arena;

  n->n_args = nb->n_args;
  n->args = ms_arena_copy (a, nb->args, nb->n_args * sizeof (guint));
  n->arg_params = ms_arena_copy (a, nb->arg_params, nb->n_args * sizeof (char *));
  n->n_deps = nb->n_deps;
  n->deps = ms_arena_copy (a, nb->deps, nb->n_deps * sizeof (guint));
  n->n_runtime_args = nb->n_runtime_args;
  n->runtime_args = ms_arena_copy (a, nb->runtime_args, nb->n_runtime_args * sizeof (MsEvalArg *));
  n->n_packages = nb->n_packages;
  n->packages = ms_arena_copy (a, nb->packages, nb->n_packages * sizeof (MsPackage *));
  n->n_keys = nb->n_keys;
  n->keys = ms_arena_copy (a, nb->keys, nb->n_keys * sizeof (char *));
  n->n_options = nb->n_options;
  n->option_names = ms_arena_copy (a, nb->option_names, nb->n_options * sizeof (char *));
  n->option_values = ms_arena_copy (a, nb->option_values, nb->n_options * sizeof (char *));
}

static MsEvalNode *
node_new (Eval *e)
{
  return ms_arena_alloc0 (e->g->arena, sizeof (MsEvalNode));
}

static guint
add_node (Eval *e, MsEvalNode *n, const char *identity)
{
  g_ptr_array_add (e->g->nodes, n);
  n->id = e->g->nodes->len;
  if (identity != NULL)
    g_hash_table_insert (e->memo, (gpointer) identity, GUINT_TO_POINTER (n->id));
  return n->id;
}

static void
add_unique (GPtrArray *list, const char *s)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (list->pdata[i], s) == 0)
      return;
  g_ptr_array_add (list, (gpointer) s);
}

static void
check_target (Eval *e, Call *c)
{
  const MsConstructor *ctor = c->ctor;
  g_autofree char *dedup = NULL;
  g_autofree char *supported = NULL;
  MsDiagnostic *d;

  if (c->device == NULL || ms_target_mask_has (ctor->target_mask, e->target_bit))
    return;
  dedup = g_strdup_printf ("target:%s:%s", c->device->name, ctor->name);
  supported = g_strjoinv (", ", ctor->targets);
  if (g_str_equal (ctor->name, c->device->ctor))
    d = ms_diagnostic_new (MS_DIAG_UNSUPPORTED_TARGET, MS_SEVERITY_ERROR, c->device->name,
                           _("%s does not work on target %s (it supports: %s)"),
                           ctor->name, e->g->target, supported);
  else
    d = ms_diagnostic_new (MS_DIAG_UNSUPPORTED_TARGET, MS_SEVERITY_ERROR, c->device->name,
                           _("on target %s, %s uses %s, which does not work there (it supports: %s)"),
                           e->g->target, c->device->ctor, ctor->name, supported);
  d->setting = g_strdup ("target");
  report (e, dedup, d);
}

/* Module names may embed an option, as crunch's Static_<dirname> does:
 * the value is lowercased and every other character than a letter or a
 * digit becomes _, as Mirage names the generated module. */
static const char *
expand_module (Eval *e, Call *c, const char *module)
{
  GString *s;
  const char *p;
  const char *out;

  if (module == NULL || strchr (module, '<') == NULL)
    return module;
  s = g_string_new (NULL);
  for (p = module; *p; p++)
    {
      const char *end;
      if (*p == '<' && (end = strchr (p, '>')) != NULL)
        {
          g_autofree char *opt = g_strndup (p + 1, end - p - 1);
          const char *v = call_option (c, opt);
          for (const char *q = v ? v : opt; *q; q++)
            g_string_append_c (s, g_ascii_isalnum (*q) ? g_ascii_tolower (*q) : '_');
          p = end;
        }
      else
        g_string_append_c (s, *p);
    }
  out = intern (e, s->str);
  g_string_free (s, TRUE);
  return out;
}

static guint
make_node (Eval *e, Call *c, const MsVariant *v, const char *variant_label)
{
  const MsConstructor *ctor = c->ctor;
  const char *identity = c->ctor->shared ? shared_identity (e, c, v ? v->name : NULL) : c->identity;
  const char *functor;
  NodeBuild nb;
  MsEvalNode *n;
  gpointer found;

  if (identity != NULL && g_hash_table_lookup_extended (e->memo, identity, NULL, &found))
    return GPOINTER_TO_UINT (found);

  check_target (e, c);
  nb.n_args = nb.n_deps = nb.n_runtime_args = nb.n_packages = nb.n_keys = nb.n_options = 0;
  n = node_new (e);
  n->ctor = ctor;
  n->variant = variant_label;
  n->device = c->device_name;
  n->device_id = c->device ? c->device->id : 0;
  n->role = c->role;
  n->module = expand_module (e, c, v && v->module ? v->module : ctor->module);
  functor = v && v->functor ? v->functor : ctor->functor;
  n->functor = functor;
  n->connect = v && v->connect ? v->connect : ctor->connect;

  /* impl parameters are functor arguments for functors, and extra
   * dependencies (initialised first, passed to connect) otherwise */
  for (guint i = 0; i < ctor->params->len && i < CALL_SLOTS; i++)
    {
      const MsArgument *p = ctor->params->pdata[i];
      guint id = call_input (c, p->name);
      if (id == 0)
        continue;
      if (functor != NULL)
        {
          nb.arg_params[nb.n_args] = p->name;
          nb.args[nb.n_args++] = id;
        }
      else
        nb.deps[nb.n_deps++] = id;
    }
  for (guint i = 0; i < ctor->options->len && nb.n_options < CALL_SLOTS; i++)
    {
      const MsArgument *a = ctor->options->pdata[i];
      const char *val = call_option (c, a->name);
      if (val == NULL)
        continue;
      nb.option_names[nb.n_options] = a->name;
      /* catalog defaults live as long as the catalog the graph holds */
      nb.option_values[nb.n_options++] = val == a->default_value ? val : intern (e, val);
    }
  add_catalog_args (e, c, &nb, v && v->has_runtime_args ? v->runtime_args : ctor->runtime_args);
  add_packages (e, &nb, v && v->has_packages ? v->packages : ctor->packages);
  for (guint i = 0; i < c->n_keys_read; i++)
    add_key (&nb, c->keys_read[i]);
  for (guint i = 0; ctor->keys[i] != NULL; i++)
    {
      const MsKeyDef *def;
      const char *name;

      if (strcmp (ctor->keys[i], "target") == 0)
        {
          add_key (&nb, "target");
          continue;
        }
      def = ctor->key_defs[i];
      name = key_name_in_call (e, c, def, ctor->keys[i]);
      {
        MsEvalKey *k = ensure_key (e, name, def ? def->type : "string", def ? def->default_value : "",
                                   def ? def->doc : NULL);
        if (!key_is_replaced (c, ctor->keys[i]))
          note_key_user (e, k, def, c);
      }
      add_key (&nb, name);
    }
  finish_node (e, n, &nb);
  return add_node (e, n, identity);
}

static guint
eval_graph_variant (Eval *e, Call *c, const MsVariant *v, const char *variant_label)
{
  Pair local[CALL_SLOTS];
  guint n_local = 0;
  guint result;

  for (guint i = 0; i < v->nodes->len; i++)
    {
      const MsSubNode *s = v->nodes->pdata[i];
      const MsConstructor *sctor = s->def;
      const char *identity = NULL;
      const char *group = call_option (c, "group");
      Call sc;
      guint id;

      if (sctor == NULL)
        continue;
      if (c->identity != NULL)
        identity = intern_join (e, c->identity, "/", s->id);
      call_init (&sc, sctor, c, s->id, identity, c->depth + 1);
      for (guint k = 0; k < s->n_options; k++)
        {
          const char *r = resolve_ref (c, s->option_values[k]);
          if (r != NULL)
            pairs_set (sc.options, &sc.n_options, s->option_names[k], r);
        }
      /* the group travels into the sub-graph: Mirage passes ?group down */
      if (group != NULL && pairs_get (sc.options, sc.n_options, "group") == NULL
          && ms_constructor_find_option (sctor, "group") != NULL)
        pairs_set (sc.options, &sc.n_options, "group", group);
      for (guint k = 0; k < s->n_args; k++)
        {
          const char *ref = s->arg_refs[k];
          guint src = ref[0] == '@' ? call_input (c, ref + 1)
                                    : GPOINTER_TO_UINT (pairs_get (local, n_local, ref));
          if (src != 0)
            call_set_input (&sc, s->arg_names[k], src);
        }
      for (guint k = 0; k < s->n_arg_defaults; k++)
        {
          const char *r = resolve_ref (c, s->default_values[k]);
          if (r != NULL)
            pairs_set (sc.arg_defaults, &sc.n_arg_defaults, s->default_ids[k], r);
        }
      id = eval_call (e, &sc, NULL);
      pairs_set (local, &n_local, s->id, GUINT_TO_POINTER (id));
    }
  result = GPOINTER_TO_UINT (pairs_get (local, n_local, v->result));
  if (result != 0 && variant_label != NULL)
    /* the outermost choice is the one that describes the device */
    ms_eval_graph_get_node (e->g, result)->variant = (char *) variant_label;
  return result;
}

static guint
eval_as_variant (Eval *e, Call *c, const MsVariant *v, const char *variant_label)
{
  const MsConstructor *target = v->as_def;
  GHashTableIter it;
  gpointer k, val;
  Call ac;

  if (target == NULL)
    return 0;
  call_init (&ac, target, c, c->role, c->identity, c->depth + 1);
  g_hash_table_iter_init (&it, v->options);
  while (g_hash_table_iter_next (&it, &k, &val))
    {
      const char *r = resolve_ref (c, val);
      if (r != NULL)
        pairs_set (ac.options, &ac.n_options, k, r);
    }
  for (guint i = 0; i < target->options->len; i++)
    {
      const MsArgument *a = target->options->pdata[i];
      const char *mine = pairs_get (c->options, c->n_options, a->name);
      if (mine != NULL && pairs_get (ac.options, ac.n_options, a->name) == NULL)
        pairs_set (ac.options, &ac.n_options, a->name, mine);
    }
  for (guint i = 0; i < target->params->len; i++)
    {
      const MsArgument *p = target->params->pdata[i];
      const char *mapped = g_hash_table_lookup (v->args, p->name);
      const char *from = mapped && mapped[0] == '@' ? mapped + 1 : p->name;
      guint src = call_input (c, from);
      if (src != 0)
        call_set_input (&ac, p->name, src);
    }
  memcpy (ac.arg_defaults, c->arg_defaults, c->n_arg_defaults * sizeof (Pair));
  ac.n_arg_defaults = c->n_arg_defaults;
  memcpy (ac.keys_read, c->keys_read, c->n_keys_read * sizeof (char *));
  ac.n_keys_read = c->n_keys_read;
  return eval_call (e, &ac, variant_label);
}

static guint
eval_call (Eval *e, Call *c, const char *variant_label)
{
  const MsVariant *v;

  if (c->depth > MAX_DEPTH)
    {
      report (e, "depth", ms_diagnostic_new (MS_DIAG_UNKNOWN_CONSTRUCTOR, MS_SEVERITY_ERROR,
                                             c->device ? c->device->name : NULL,
                                             _("the catalog entry %s expands without end; "
                                             "the catalog data is damaged"), c->ctor->name));
      return 0;
    }
  if (c->ctor->shared && c->ctor->select->len > 0)
    /* a shared key-dependent value (default_network): one per arguments */
    c->identity = shared_identity (e, c, "<select>");
  if (c->ctor->select->len == 0)
    return make_node (e, c, NULL, variant_label);

  v = select_variant (e, c);
  if (v == NULL)
    return make_node (e, c, NULL, variant_label);
  if (variant_label == NULL)
    variant_label = v->name;

  switch (v->kind)
    {
    case MS_VARIANT_AS:
      return eval_as_variant (e, c, v, variant_label);
    case MS_VARIANT_GRAPH:
      return eval_graph_variant (e, c, v, variant_label);
    case MS_VARIANT_IMPL:
    default:
      return make_node (e, c, v, variant_label);
    }
}

/* ---- document devices ------------------------------------------------------------------ */

static guint eval_device (Eval *e, guint id);
static guint eval_implicit (Eval *e, const char *ctor_name, const char *role, const char *argv_param,
                            guint argv_node, const char *level);

/* The highest argument position of a main or impl device that counts,
 * as the checker's (a hand-edited position of 4e9 must not size an
 * array). */
#define MAX_CUSTOM_POSITION 100000

static guint
input_source (MsDocument *doc, guint target, const char *param)
{
  GPtrArray *inputs = ms_document_get_inputs (doc, target);

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const MsConnection *c = inputs->pdata[i];
      if (strcmp (c->param, param) == 0)
        return c->source;
    }
  return 0;
}

/* A key of the project (MsDecl) that a device reads: a choice's condition
 * or an impl's ~keys. It is a configure key of the unikernel like the
 * catalog's, so it joins the graph's key list (the checker and the
 * export look there). Its type is the value type its converter reads;
 * other converters (enums, lists...) take any text. */
static void
read_decl_key (Eval *e, const char *name)
{
  const MsDecl *decl = ms_document_get_decl (e->doc, MS_DECL_KEY, name);
  const char *type = "string";

  if (decl == NULL)
    return;   /* ms_check reports the undeclared key */
  if (g_str_equal (decl->conv, "bool") || g_str_equal (decl->conv, "int"))
    type = decl->conv[0] == 'b' ? "bool" : "int";
  {
    /* the default as a value is given (a string key's OCaml literal unquoted) */
    const char *dv = decl->default_value;
    gsize len = strlen (dv);
    g_autofree char *plain = len >= 2 && dv[0] == '"' && dv[len - 1] == '"'
                             ? g_strndup (dv + 1, len - 2) : NULL;
    g_autofree char *unesc = plain ? g_strcompress (plain) : NULL;
    ensure_key (e, name, type, intern (e, unesc ? unesc : dv), intern (e, decl->doc));
  }
}

static guint
eval_custom (Eval *e, const MsDevice *d, const char *device_name, const MsConstructor *ctor)
{
  MsEvalNode *n = node_new (e);
  GPtrArray *inputs = ms_document_get_inputs (e->doc, d->id);
  MsArena *arena = e->g->arena;
  gboolean functor = FALSE;
  guint max_pos = 0;
  guint *args, *deps;
  const char **params;
  MsEvalArg **rt;
  const MsPackage **pk;
  Call c;

  g_autofree guint *source_at = NULL;   /* position -> source device, 0: none */

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const MsConnection *conn = inputs->pdata[i];
      guint64 pos;
      if (g_ascii_string_to_unsigned (conn->param, 10, 1, MAX_CUSTOM_POSITION, &pos, NULL))
        max_pos = MAX (max_pos, (guint) pos);
    }
  /* the sources by position, found in one pass over the inputs (a lookup
   * per position made a main with 12,000 arguments quadratic) */
  source_at = g_new0 (guint, max_pos + 1);
  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const MsConnection *conn = inputs->pdata[i];
      guint64 pos;
      if (conn->param[0] != '0'
          && g_ascii_string_to_unsigned (conn->param, 10, 1, MAX_CUSTOM_POSITION, &pos, NULL)
          && source_at[pos] == 0)
        source_at[pos] = conn->source;
    }
  /* a custom device may take any number of arguments: sized exactly */
  args = ms_arena_alloc (arena, (max_pos + 1) * sizeof (guint));
  params = ms_arena_alloc (arena, (max_pos + 1) * sizeof (char *));
  /* inputs in signature order; a gap (missing argument) is skipped */
  for (guint pos = 1; pos <= max_pos; pos++)
    {
      char param[16];
      guint src = source_at[pos], node;

      ms_value_format_uint (param, pos);
      node = src ? eval_device (e, src) : 0;
      if (node != 0)
        {
          params[n->n_args] = intern (e, param);
          args[n->n_args++] = node;
          functor = TRUE;
        }
    }
  n->args = args;
  n->arg_params = params;
  deps = ms_arena_alloc (arena, (d->custom->deps->len + 1) * sizeof (guint));
  for (guint i = 0; i < d->custom->deps->len; i++)
    {
      guint node = eval_device (e, g_array_index (d->custom->deps, guint, i));
      if (node != 0)
        deps[n->n_deps++] = node;
    }
  /* Mirage's `main` gives a start function without arguments a unit one
   * to delay it ("adding unit argument to 'start ()'"): a dependency on
   * the shared noop device, which the evaluated graph shows too. */
  if (g_str_equal (ctor->name, "main") && d->custom->deps->len == 0
      && strstr (d->custom->signature, "@->") == NULL)
    {
      guint unit = eval_implicit (e, "noop", "unit", NULL, 0, NULL);
      if (unit != 0)
        deps[n->n_deps++] = unit;
    }
  n->deps = deps;
  n->ctor = ctor;
  n->device = device_name;
  n->device_id = d->id;
  n->module = intern (e, d->custom->module);
  n->functor = functor || strstr (d->custom->signature, "@->") ? intern (e, d->custom->signature) : NULL;
  n->connect = ctor->connect;
  call_init (&c, ctor, NULL, NULL, NULL, 0);
  c.device = d;
  c.device_name = device_name;
  rt = ms_arena_alloc (arena, (d->custom->runtime_args->len + 1) * sizeof (MsEvalArg *));
  for (guint i = 0; i < d->custom->runtime_args->len; i++)
    {
      const MsArgDecl *decl = d->custom->runtime_args->pdata[i];
      MsEvalArg a = { 0 };
      a.name = intern (e, decl->name);
      a.type = intern (e, decl->type);
      a.default_value = intern (e, decl->default_value);
      a.doc = intern (e, decl->doc);
      a.section = "APPLICATION OPTIONS";
      rt[n->n_runtime_args++] = register_arg (e, &c, &a);
    }
  n->runtime_args = rt;
  /* the document may change after evaluation: the graph keeps copies */
  pk = ms_arena_alloc (arena, (d->custom->packages->len + 1) * sizeof (MsPackage *));
  for (guint i = 0; i < d->custom->packages->len; i++)
    {
      MsPackage *p = ms_package_copy (d->custom->packages->pdata[i]);
      g_ptr_array_add (e->g->owned_packages, p);
      pk[n->n_packages++] = p;
    }
  n->packages = pk;
  for (guint i = 0; d->custom->keys != NULL && i < d->custom->keys->len; i++)
    read_decl_key (e, d->custom->keys->pdata[i]);
  return add_node (e, n, NULL);
}

static guint
eval_device (Eval *e, guint id)
{
  const MsDevice *d = ms_document_get_device (e->doc, id);
  const MsConstructor *ctor;
  guint node;

  if (d == NULL || id >= e->g->n_device_nodes)
    return 0;
  if (e->dev_state[id] == 2)
    return e->g->device_nodes[id];
  if (e->dev_state[id] == 1)
    return 0;   /* a cycle: ms_check reports it */
  ctor = d->def;
  if (ctor == NULL)
    return 0;
  e->dev_state[id] = 1;

  if (d->custom != NULL && d->custom->choice != NULL)
    {
      /* Mirage's If: the node of the branch the condition selects; the
       * other branches are not evaluated, so they are not part of the
       * unikernel and their packages are not merged */
      const char *branch = ms_eval_choice_branch (e->doc, e->g->target, d);
      guint src = branch ? input_source (e->doc, id, branch) : 0;
      const MsChoice *ch = d->custom->choice;

      if (ch->predicate != NULL || g_str_equal (ch->key, "target"))
        {
          const MsKeyDef *t = ms_catalog_lookup_key (e->cat, "target");
          ensure_key (e, "target", t ? t->type : "string", e->g->target, t ? t->doc : NULL);
        }
      else
        read_decl_key (e, ch->key);
      node = src ? eval_device (e, src) : 0;
    }
  else if (d->custom != NULL)
    node = eval_custom (e, d, intern (e, d->name), ctor);
  else
    {
      Call c;

      call_init (&c, ctor, NULL, NULL, NULL, 0);
      c.device = d;
      c.device_name = intern (e, d->name);   /* once per device, shared by its nodes */
      /* only the constructor's own options: a hand-edited file may hold others */
      {
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, d->options);
        while (g_hash_table_iter_next (&it, &k, &v))
          {
            const MsArgument *a = ms_constructor_find_option (ctor, k);
            if (a != NULL)
              pairs_set (c.options, &c.n_options, a->name, v);
          }
      }
      for (guint i = 0; i < ctor->params->len; i++)
        {
          const MsArgument *p = ctor->params->pdata[i];
          guint src = input_source (e->doc, d->id, p->name);
          guint input = src ? eval_device (e, src) : 0;
          if (input != 0)
            call_set_input (&c, p->name, input);
        }
      node = eval_call (e, &c, NULL);
    }
  e->dev_state[id] = 2;
  e->g->device_nodes[id] = node;
  return node;
}

/* ---- register --------------------------------------------------------------------------- */

static guint
eval_implicit (Eval *e, const char *ctor_name, const char *role, const char *argv_param,
               guint argv_node, const char *level)
{
  const MsConstructor *ctor = ms_catalog_lookup (e->cat, ctor_name);
  g_autofree char *identity = g_strdup_printf ("init:%s", role);
  Call c;

  if (ctor == NULL)
    return 0;
  call_init (&c, ctor, NULL, intern (e, role), intern (e, identity), 0);
  if (argv_param != NULL && argv_node != 0)
    call_set_input (&c, argv_param, argv_node);
  if (level != NULL && ms_constructor_find_option (ctor, "level") != NULL)
    pairs_set (c.options, &c.n_options, "level", level);
  return eval_call (e, &c, NULL);
}

static void
eval_register (Eval *e)
{
  const char * const *init = ms_catalog_get_init_jobs (e->cat);
  const char *argv_choice = ms_document_get_setting_or_default (e->doc, MS_SETTING_ARGV);
  const char *argv_ctor = ms_catalog_get_register_choice (e->cat, "argv", argv_choice);
  g_autoptr(GArray) jobs = ms_document_get_jobs (e->doc);
  guint argv_node = argv_ctor ? eval_implicit (e, argv_ctor, "argv", NULL, 0, NULL) : 0;
  MsEvalNode *root;

  for (guint i = 0; init != NULL && init[i] != NULL; i++)
    {
      const char *job = init[i];
      const char *ctor_name = job;
      const char *role = job;
      const char *argv_param = NULL;
      const MsConstructor *ctor;
      guint node;

      if (job[0] == '@')
        {
          const char *what = job + 1;
          const char *choice = ms_document_get_setting_or_default (e->doc, what);
          role = what;
          if (g_str_equal (what, "reporter") && g_str_equal (choice, "none"))
            continue;   /* register drops no_reporter */
          ctor_name = ms_catalog_get_register_choice (e->cat, what, choice);
          if (ctor_name == NULL)
            continue;   /* ms_check reports the invalid choice */
        }
      ctor = ms_catalog_lookup (e->cat, ctor_name);
      if (ctor == NULL)
        continue;
      for (guint p = 0; p < ctor->params->len; p++)
        {
          const MsArgument *a = ctor->params->pdata[p];
          if (g_str_equal (a->type, "argv"))
            argv_param = a->name;
        }
      node = eval_implicit (e, ctor_name, role, argv_param, argv_node,
                            g_str_equal (role, "reporter")
                            ? ms_document_get_setting_or_default (e->doc, MS_SETTING_LEVEL) : NULL);
      if (node != 0)
        g_array_append_val (e->g->init, node);
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      guint node = eval_device (e, g_array_index (jobs, guint, i));
      if (node != 0)
        g_array_append_val (e->g->jobs, node);
    }

  root = node_new (e);
  root->module = ms_catalog_get_root_module (e->cat);
  root->role = "root";
  root->connect = "return ()";
  {
    /* the root waits for every init job and every registered job */
    guint *deps = ms_arena_alloc (e->g->arena, (e->g->init->len + e->g->jobs->len + 1) * sizeof (guint));
    NodeBuild nb = { 0 };
    /* an empty GArray has no data at all: copy only what exists */
    if (e->g->init->len > 0)
      memcpy (deps, e->g->init->data, e->g->init->len * sizeof (guint));
    if (e->g->jobs->len > 0)
      memcpy (deps + e->g->init->len, e->g->jobs->data, e->g->jobs->len * sizeof (guint));
    add_key (&nb, "target");
    add_packages (e, &nb, ms_catalog_get_root_packages (e->cat));
    finish_node (e, root, &nb);
    root->deps = deps;
    root->n_deps = e->g->init->len + e->g->jobs->len;
  }
  {
    const MsKeyDef *t = ms_catalog_lookup_key (e->cat, "target");
    ensure_key (e, "target", t ? t->type : "string", e->g->target, t ? t->doc : NULL);
  }
  e->g->root = add_node (e, root, NULL);
}

/* ---- packages ------------------------------------------------------------------------------ */

static const char *
node_origin (MsEvalNode *n)
{
  return n->device ? n->device : n->role ? n->role : n->module ? n->module : "?";
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_eval_packages (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsEvalPackage * const *) a)->name, (*(MsEvalPackage * const *) b)->name);
}

typedef struct {
  MsEvalPackage *merged;
  const char *last_min;  /* bounds already compared */
  const char *last_origin;
  const char *last_max;
  GPtrArray *users;      /* const char*, first-use order */
  GHashTable *user_set;
  GPtrArray *libs;
} Merge;

static void
merge_free (gpointer data)
{
  Merge *m = data;

  g_ptr_array_unref (m->users);
  g_hash_table_unref (m->user_set);
  g_ptr_array_unref (m->libs);
  g_free (m);
}

static void
merge_packages (Eval *e)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, merge_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < e->g->nodes->len; i++)
    {
      MsEvalNode *n = e->g->nodes->pdata[i];
      const char *origin = node_origin (n);

      for (guint j = 0; j < n->n_packages; j++)
        {
          const MsPackage *p = n->packages[j];
          Merge *m = g_hash_table_lookup (by_name, p->name);

          if (m == NULL)
            {
              m = g_new0 (Merge, 1);
              m->merged = g_new0 (MsEvalPackage, 1);
              m->merged->name = g_strdup (p->name);
              m->merged->build = p->build;
              m->merged->switch_scope = p->switch_scope;
              m->users = g_ptr_array_new ();
              m->user_set = g_hash_table_new (g_str_hash, g_str_equal);
              m->libs = g_ptr_array_new ();
              g_hash_table_insert (by_name, m->merged->name, m);
              g_ptr_array_add (order, m);
            }
          else
            m->merged->build = m->merged->build || p->build;
          /* catalog versions are interned: the same pointer is the same version */
          if (p->min != NULL && p->min != m->last_min
              && (m->merged->min == NULL || ms_version_compare (p->min, m->merged->min) > 0))
            {
              g_free (m->merged->min);
              g_free (m->merged->min_from);
              m->merged->min = g_strdup (p->min);
              m->merged->min_from = g_strdup (origin);
            }
          if (p->max != NULL && p->max != m->last_max
              && (m->merged->max == NULL || ms_version_compare (p->max, m->merged->max) < 0))
            {
              g_free (m->merged->max);
              g_free (m->merged->max_from);
              m->merged->max = g_strdup (p->max);
              m->merged->max_from = g_strdup (origin);
            }
          m->last_min = p->min ? p->min : m->last_min;
          m->last_max = p->max ? p->max : m->last_max;
          /* a package like tcpip is used by thousands of nodes: dedup by set */
          /* a device's nodes come one after the other: skip the set then */
          if (origin != m->last_origin && g_hash_table_add (m->user_set, (gpointer) origin))
            g_ptr_array_add (m->users, (gpointer) origin);
          m->last_origin = origin;
          for (guint k = 0; p->libraries != NULL && p->libraries[k] != NULL; k++)
            add_unique (m->libs, p->libraries[k]);
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      Merge *m = order->pdata[i];
      MsEvalPackage *p = m->merged;

      m->merged = NULL;
      g_ptr_array_sort (m->libs, compare_strings);
      g_ptr_array_add (m->users, NULL);
      /* names are the graph's own strings: copy the pointers, not the text */
      p->used_by = ms_arena_copy (e->g->arena, m->users->pdata, m->users->len * sizeof (char *));
      g_ptr_array_add (m->libs, NULL);
      p->libraries = g_strdupv ((char **) m->libs->pdata);
      g_ptr_array_add (e->g->packages, p);
      if (p->min != NULL && p->max != NULL && ms_version_compare (p->min, p->max) >= 0)
        {
          MsDiagnostic *d;
          if (g_strcmp0 (p->min_from, p->max_from) == 0)
            d = ms_diagnostic_new (MS_DIAG_PACKAGE_CONFLICT, MS_SEVERITY_ERROR, p->min_from,
                                   _("package %s: needs >= %s and < %s, which no version satisfies"),
                                   p->name, p->min, p->max);
          else
            {
              d = ms_diagnostic_new (MS_DIAG_PACKAGE_CONFLICT, MS_SEVERITY_ERROR, p->min_from,
                                     _("package %s: %s needs >= %s but %s needs < %s; no version "
                                     "satisfies both (Mirage would write an opam file that cannot "
                                     "be installed)"),
                                     p->name, p->min_from, p->min, p->max_from, p->max);
              d->related = g_new0 (char *, 2);
              d->related[0] = g_strdup (p->max_from);
            }
          report (e, NULL, d);
        }
    }
  g_ptr_array_sort (e->g->packages, compare_eval_packages);
}

/* ---- entry ---------------------------------------------------------------------------------- */

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsEvalKey * const *) a)->name, (*(MsEvalKey * const *) b)->name);
}

static int
compare_args (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsEvalArg * const *) a)->name, (*(MsEvalArg * const *) b)->name);
}

static MsEvalGraph *eval_internal (MsDocument *doc, const char *target, gboolean sorted);

MsEvalGraph *
ms_eval (MsDocument *doc, const char *target)
{
  return eval_internal (doc, target, TRUE);
}

/* For the checker, which only looks things up: the same graph, with keys
 * and runtime arguments in discovery order rather than sorted. */
MsEvalGraph *
ms_eval_unsorted (MsDocument *doc, const char *target)
{
  return eval_internal (doc, target, FALSE);
}

/* What Mirage's graph holds: the nodes the root reaches. Devices drawn
 * but left out by the branch the target takes (the network interface of
 * a socket stack on unix) are evaluated, for their checks, but are not
 * part of the unikernel. */
static void
mark_reachable (MsEvalGraph *g)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));

  if (g->root == 0)
    {
      for (guint i = 0; i < g->nodes->len; i++)
        ((MsEvalNode *) g->nodes->pdata[i])->reachable = TRUE;
      return;
    }
  g_array_append_val (stack, g->root);
  while (stack->len > 0)
    {
      guint id = g_array_index (stack, guint, stack->len - 1);
      MsEvalNode *n = ms_eval_graph_get_node (g, id);

      g_array_set_size (stack, stack->len - 1);
      if (n == NULL || n->reachable)
        continue;
      n->reachable = TRUE;
      for (guint i = 0; i < n->n_args; i++)
        g_array_append_val (stack, n->args[i]);
      for (guint i = 0; i < n->n_deps; i++)
        g_array_append_val (stack, n->deps[i]);
    }
}

static MsEvalGraph *
eval_internal (MsDocument *doc, const char *target, gboolean sorted)
{
  MsEvalGraph *g = g_new0 (MsEvalGraph, 1);
  Eval e = { 0 };
  GHashTableIter it;
  gpointer v;

  g->catalog = ms_catalog_ref (ms_document_get_catalog (doc));
  g->arena = ms_arena_new ();
  g->owned_packages = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  g->target = g_strdup (target ? target : ms_document_get_target (doc));
  g->app_name = g_strdup (ms_document_get_app_name (doc));
  g->nodes = g_ptr_array_new ();
  g->jobs = g_array_new (FALSE, FALSE, sizeof (guint));
  g->init = g_array_new (FALSE, FALSE, sizeof (guint));
  g->packages = g_ptr_array_new_with_free_func (eval_package_free);
  g->keys = g_ptr_array_new ();
  g->runtime_args = g_ptr_array_new ();
  g->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
  /* ids are never reused, so the largest is below the next one */
  g->n_device_nodes = ms_document_get_next_id (doc);
  g->device_nodes = g_new0 (guint, g->n_device_nodes + 1);

  e.doc = doc;
  e.cat = g->catalog;
  e.target_bit = ms_catalog_target_bit (e.cat, g->target);
  e.g = g;
  e.memo = g_hash_table_new (g_str_hash, g_str_equal);
  e.dev_state = g_new0 (guint8, g->n_device_nodes + 1);
  e.args = g_hash_table_new (g_str_hash, g_str_equal);
  e.keys = g_hash_table_new (g_str_hash, g_str_equal);
  e.key_creators = g_hash_table_new (g_str_hash, g_str_equal);
  e.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* projects set few keys and arguments, while every device asks: look
   * them up in small tables, or not at all */
  {
    g_autoptr(GPtrArray) names = ms_document_list_settings (doc);
    for (guint i = 0; i < names->len; i++)
      {
        const char *n = names->pdata[i];
        GHashTable **table = g_str_has_prefix (n, "key:") ? &e.key_settings
                           : g_str_has_prefix (n, "arg:") ? &e.arg_settings : NULL;
        if (table == NULL)
          continue;
        if (*table == NULL)
          *table = g_hash_table_new (g_str_hash, g_str_equal);
        g_hash_table_insert (*table, (gpointer) (n + 4), (gpointer) ms_document_get_setting (doc, n));
      }
  }

  eval_register (&e);
  mark_reachable (g);
  merge_packages (&e);

  g_hash_table_iter_init (&it, e.keys);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (g->keys, v);
  if (sorted)
    g_ptr_array_sort (g->keys, compare_keys);
  g_hash_table_iter_init (&it, e.args);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (g->runtime_args, v);
  if (sorted)
    g_ptr_array_sort (g->runtime_args, compare_args);

  g_hash_table_unref (e.memo);
  g_free (e.dev_state);
  g_hash_table_unref (e.args);
  g_hash_table_unref (e.keys);
  g_hash_table_unref (e.key_creators);
  g_hash_table_unref (e.reported);
  g_clear_pointer (&e.key_settings, g_hash_table_unref);
  g_clear_pointer (&e.arg_settings, g_hash_table_unref);
  return g;
}

/* ---- choices (if_impl / match_impl) ------------------------------------ */

/* Mirage's target values as OCaml writes them (Key.target's enum). */
static const char *const target_variants[][2] = {
  { "unix", "`Unix" }, { "macosx", "`MacOSX" }, { "xen", "`Xen" }, { "qubes", "`Qubes" },
  { "virtio", "`Virtio" }, { "hvt", "`Hvt" }, { "muen", "`Muen" }, { "genode", "`Genode" },
  { "spt", "`Spt" }, { "unikraft-firecracker", "`Firecracker" }, { "unikraft-qemu", "`QEMU" },
};

const char *
ms_eval_target_variant (const char *target)
{
  for (guint i = 0; i < G_N_ELEMENTS (target_variants); i++)
    if (g_strcmp0 (target, target_variants[i][0]) == 0)
      return target_variants[i][1];
  return NULL;
}

const char *
ms_eval_target_of_variant (const char *variant)
{
  for (guint i = 0; i < G_N_ELEMENTS (target_variants); i++)
    if (g_strcmp0 (variant, target_variants[i][1]) == 0)
      return target_variants[i][0];
  return NULL;
}

gboolean
ms_eval_target_predicate (const char *predicate, const char *target, gboolean *out)
{
  static const char *const solo5[] = { "hvt", "spt", "virtio", "muen", "genode", NULL };
  static const char *const xen[] = { "xen", "qubes", NULL };
  static const char *const unikraft[] = { "unikraft-firecracker", "unikraft-qemu", NULL };
  static const char *const unix_[] = { "unix", "macosx", NULL };
  const char *const *set = g_strcmp0 (predicate, "is_solo5") == 0 ? solo5
                         : g_strcmp0 (predicate, "is_xen") == 0 ? xen
                         : g_strcmp0 (predicate, "is_unikraft") == 0 ? unikraft
                         : g_strcmp0 (predicate, "is_unix") == 0 ? unix_ : NULL;

  if (set == NULL)
    return FALSE;
  *out = target != NULL && g_strv_contains (set, target);
  return TRUE;
}

char *
ms_eval_condition_value (MsDocument *doc, const char *target, const MsChoice *c)
{
  g_autofree char *setting = NULL;
  const char *v;
  const MsDecl *decl;
  gboolean b;

  if (target == NULL)
    target = ms_document_get_target (doc);
  if (c->predicate != NULL)
    return ms_eval_target_predicate (c->predicate, target, &b) ? g_strdup (b ? "true" : "false") : NULL;
  if (g_str_equal (c->key, "target"))
    return g_strdup (ms_eval_target_variant (target));
  setting = g_strconcat ("key:", c->key, NULL);
  decl = ms_document_get_decl (doc, MS_DECL_KEY, c->key);
  v = ms_document_get_setting (doc, setting);
  if (v == NULL)
    {
      /* a key of the project: its default, as config.ml writes it */
      if (decl != NULL)
        return g_strdup (decl->default_value);
      return NULL;
    }
  /* a value given as on the command line: a string key's case is an
   * OCaml literal */
  if (decl != NULL && g_str_equal (decl->conv, "string"))
    {
      g_autofree char *esc = g_strescape (v, NULL);
      return g_strdup_printf ("\"%s\"", esc);
    }
  return g_strdup (v);
}

const char *
ms_eval_choice_branch (MsDocument *doc, const char *target, const MsDevice *d)
{
  const MsChoice *c = d->custom ? d->custom->choice : NULL;
  g_autofree char *value = NULL;
  const char *hit;

  if (c == NULL)
    return NULL;
  value = ms_eval_condition_value (doc, target, c);
  if ((hit = ms_choice_select (c, value)) != NULL)
    return hit;
  return c->has_default ? MS_CHOICE_DEFAULT : NULL;
}
