/* ms-eval.c: turning a document into the evaluated graph.
 *
 * A call is a constructor applied to options and input nodes. Calling it
 * follows the catalog: a key-dependent constructor selects a variant by
 * the target and key values; a variant either delegates to another
 * constructor, overrides the implementation, or expands into a sub-graph
 * of further calls. The leaves become nodes.
 *
 * Sharing follows Functoria: a node's identity is its document device (or
 * the path inside that device's sub-graph) for per-call constructors, and
 * the constructor with its arguments and options for shared ones, so two
 * stacks over one network share the module-level ethif and arp nodes.
 * Nodes are created after their inputs, so creation order is already a
 * topological order.
 */
#include "ms-eval.h"

#include "ms-value.h"
#include "ms-version.h"

#include <string.h>

#define MAX_DEPTH 32

typedef struct {
  MsDocument *doc;
  MsCatalog *cat;
  MsEvalGraph *g;
  GHashTable *memo;         /* identity -> node id */
  GHashTable *dev_memo;     /* device id -> node id */
  GHashTable *in_progress;  /* device ids */
  GHashTable *args;         /* name -> MsEvalArg* */
  GHashTable *keys;         /* name -> MsEvalKey* */
  GHashTable *reported;     /* diagnostics already emitted (dedup keys) */
} Eval;

typedef struct {
  const MsConstructor *ctor;
  GHashTable *options;      /* name -> value */
  GHashTable *inputs;       /* param -> GUINT node id */
  const MsDevice *device;
  const char *role;
  char *identity;
  GHashTable *arg_defaults; /* runtime arg id -> value */
  GPtrArray *keys_read;     /* char* prefixed key names */
  int depth;
} Call;

static guint eval_call (Eval *e, Call *c, const char *variant_label);

/* ---- values -------------------------------------------------------------------- */

static void
eval_arg_free (gpointer data)
{
  MsEvalArg *a = data;

  g_free (a->name);
  g_free (a->type);
  g_free (a->default_value);
  g_free (a->doc);
  g_free (a->docv);
  g_free (a->section);
  g_free (a->code);
  g_free (a->id);
  g_free (a->group);
  g_free (a);
}

static void
eval_node_free (gpointer data)
{
  MsEvalNode *n = data;

  g_free (n->variant);
  g_free (n->device);
  g_free (n->role);
  g_free (n->module);
  g_free (n->functor);
  g_free (n->connect);
  g_array_unref (n->args);
  g_ptr_array_unref (n->arg_params);
  g_array_unref (n->deps);
  g_ptr_array_unref (n->runtime_args);
  g_ptr_array_unref (n->packages);
  g_ptr_array_unref (n->keys);
  g_hash_table_unref (n->options);
  g_free (n);
}

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
  g_strfreev (p->used_by);
  g_free (p);
}

static void
eval_key_free (gpointer data)
{
  MsEvalKey *k = data;

  g_free (k->name);
  g_free (k->type);
  g_free (k->value);
  g_free (k->doc);
  g_free (k);
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
  g_hash_table_unref (g->device_nodes);
  g_free (g);
}

MsEvalNode *
ms_eval_graph_get_node (MsEvalGraph *g, guint id)
{
  if (id == 0 || id > g->nodes->len)
    return NULL;
  return g->nodes->pdata[id - 1];
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

/* ---- calls ---------------------------------------------------------------------- */

static Call *
call_new (const MsConstructor *ctor, const MsDevice *device, const char *role, const char *identity, int depth)
{
  Call *c = g_new0 (Call, 1);

  c->ctor = ctor;
  c->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->arg_defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->keys_read = g_ptr_array_new_with_free_func (g_free);
  c->device = device;
  c->role = role;
  c->identity = g_strdup (identity);
  c->depth = depth;
  return c;
}

static void
call_free (Call *c)
{
  g_hash_table_unref (c->options);
  g_hash_table_unref (c->inputs);
  g_hash_table_unref (c->arg_defaults);
  g_ptr_array_unref (c->keys_read);
  g_free (c->identity);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* An option's value in this call: given, else the constructor's default;
 * NULL when neither says anything. */
static const char *
call_option (Call *c, const char *name)
{
  const char *v = g_hash_table_lookup (c->options, name);
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

static MsEvalKey *
ensure_key (Eval *e, const char *name, const char *type, const char *default_value, const char *doc)
{
  MsEvalKey *k = g_hash_table_lookup (e->keys, name);
  g_autofree char *setting = NULL;
  const char *given;

  if (k != NULL)
    return k;
  setting = g_strconcat ("key:", name, NULL);
  given = g_str_equal (name, "target") ? e->g->target : ms_document_get_setting (e->doc, setting);
  k = g_new0 (MsEvalKey, 1);
  k->name = g_strdup (name);
  k->type = g_strdup (type ? type : "string");
  k->doc = g_strdup (doc ? doc : "");
  if (given != NULL && !(g_str_equal (name, "target") && ms_document_get_setting (e->doc, "target") == NULL))
    {
      k->value = g_strdup (given);
      k->is_default = FALSE;
    }
  else
    {
      k->value = g_strdup (given ? given : default_value ? default_value : "");
      k->is_default = TRUE;
    }
  g_hash_table_insert (e->keys, k->name, k);
  return k;
}

/* The name a catalog key takes in this call (group prefix, or the user's
 * key when an option replaces it). */
static char *
key_name_in_call (Call *c, const MsKeyDef *def, const char *key)
{
  const char *group = call_option (c, "group");

  for (guint i = 0; i < c->ctor->options->len; i++)
    {
      const MsArgument *a = c->ctor->options->pdata[i];
      const char *v;
      if (a->replaces_key != NULL && g_str_equal (a->replaces_key, key)
          && (v = g_hash_table_lookup (c->options, a->name)) != NULL && *v)
        return g_strdup (v);
    }
  if (def != NULL && def->grouped && group != NULL && *group)
    return g_strdup_printf ("%s-%s", group, key);
  return g_strdup (key);
}

static const char *
key_value (Eval *e, Call *c, const char *key)
{
  const MsKeyDef *def;
  g_autofree char *name = NULL;
  MsEvalKey *k;

  if (g_str_equal (key, "target"))
    {
      const MsKeyDef *t = ms_catalog_lookup_key (e->cat, "target");
      ensure_key (e, "target", t ? t->type : "string", e->g->target, t ? t->doc : NULL);
      g_ptr_array_add (c->keys_read, g_strdup ("target"));
      return e->g->target;
    }
  def = ms_catalog_lookup_key (e->cat, key);
  name = key_name_in_call (c, def, key);
  k = ensure_key (e, name, def ? def->type : "string", def ? def->default_value : "", def ? def->doc : NULL);
  g_ptr_array_add (c->keys_read, g_strdup (name));
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
          const char *v = cond->key[0] == '@' ? call_option (c, cond->key + 1)
                                              : key_value (e, c, cond->key);
          all = g_strv_contains ((const char * const *) cond->values, v ? v : "");
        }
      if (all)
        return g_hash_table_lookup (c->ctor->variants, r->use);
    }
  return NULL;
}

/* ---- runtime arguments --------------------------------------------------------------- */

static MsEvalArg *
register_arg (Eval *e, Call *c, MsEvalArg *a)
{
  MsEvalArg *old = g_hash_table_lookup (e->args, a->name);

  if (old == NULL)
    {
      g_autofree char *setting = g_strconcat ("arg:", a->name, NULL);
      const char *v = ms_document_get_setting (e->doc, setting);
      if (v != NULL)
        {
          g_free (a->default_value);
          a->default_value = g_strdup (v);
          a->overridden = TRUE;
        }
      g_hash_table_insert (e->args, a->name, a);
      return a;
    }
  /* Functoria registers structurally equal args once; differing ones
   * would both define the flag and clash when the unikernel starts. */
  if (g_strcmp0 (old->id, a->id) != 0
      || (!old->overridden && g_strcmp0 (old->default_value, a->default_value) != 0))
    {
      g_autofree char *dedup = g_strdup_printf ("arg-conflict:%s", a->name);
      MsDiagnostic *d = ms_diagnostic_new (MS_DIAG_RUNTIME_ARG_CONFLICT, MS_SEVERITY_WARNING,
                                           c->device ? c->device->name : NULL,
                                           "the runtime argument --%s is defined twice with "
                                           "different meanings or defaults (“%s” and “%s”); "
                                           "give one of the devices a group",
                                           a->name, old->default_value, a->default_value);
      d->setting = g_strconcat ("arg:", a->name, NULL);
      report (e, dedup, d);
    }
  eval_arg_free (a);
  return old;
}

static void
add_catalog_args (Eval *e, Call *c, MsEvalNode *n, GPtrArray *uses)
{
  const char *group = call_option (c, "group");

  for (guint i = 0; uses != NULL && i < uses->len; i++)
    {
      const MsRuntimeArgUse *u = uses->pdata[i];
      const MsRuntimeArgDef *def = u->def;
      MsEvalArg *a;
      const char *dflt;

      if (!ms_catalog_target_in (e->cat, e->g->target, (const char * const *) u->targets))
        continue;
      a = g_new0 (MsEvalArg, 1);
      a->id = g_strdup (def->id);
      a->group = def->grouped && group && *group ? g_strdup (group) : NULL;
      {
        /* cmdliner-stdlib's bundle of flags has no single flag name */
        const char *flag = def->flag && *def->flag ? def->flag : def->id;
        a->name = a->group ? g_strdup_printf ("%s-%s", group, flag) : g_strdup (flag);
      }
      a->type = g_strdup (def->type);
      dflt = g_hash_table_lookup (c->arg_defaults, def->id);
      if (dflt == NULL && u->default_value != NULL)
        dflt = resolve_ref (c, u->default_value);
      if (dflt == NULL && (u->default_value == NULL || u->default_value[0] != '@'))
        dflt = def->default_value;
      a->default_value = g_strdup (dflt ? dflt : "");
      a->doc = g_strdup (def->doc);
      a->docv = g_strdup (def->docv);
      a->section = g_strdup (def->section);
      a->code = g_strdup (def->code);
      g_ptr_array_add (n->runtime_args, register_arg (e, c, a));
    }
}

/* ---- nodes ---------------------------------------------------------------------------- */

static void
append_identity_part (GString *s, const char *part)
{
  /* length-prefixed so that no value can forge another identity */
  g_string_append_printf (s, "%zu:%s;", strlen (part ? part : ""), part ? part : "");
}

static char *
shared_identity (Call *c, const char *variant)
{
  GString *s = g_string_new ("shared;");
  g_autoptr(GList) names = g_hash_table_get_keys (c->options);

  append_identity_part (s, c->ctor->name);
  append_identity_part (s, variant);
  for (guint i = 0; i < c->ctor->params->len; i++)
    {
      const MsArgument *p = c->ctor->params->pdata[i];
      g_string_append_printf (s, "%u,", GPOINTER_TO_UINT (g_hash_table_lookup (c->inputs, p->name)));
    }
  names = g_list_sort (names, (GCompareFunc) strcmp);
  for (GList *l = names; l != NULL; l = l->next)
    {
      append_identity_part (s, l->data);
      append_identity_part (s, g_hash_table_lookup (c->options, l->data));
    }
  return g_string_free (s, FALSE);
}

static MsEvalNode *
node_new (void)
{
  MsEvalNode *n = g_new0 (MsEvalNode, 1);

  n->args = g_array_new (FALSE, FALSE, sizeof (guint));
  n->arg_params = g_ptr_array_new_with_free_func (g_free);
  n->deps = g_array_new (FALSE, FALSE, sizeof (guint));
  n->runtime_args = g_ptr_array_new ();
  n->packages = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  n->keys = g_ptr_array_new_with_free_func (g_free);
  n->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return n;
}

static guint
add_node (Eval *e, MsEvalNode *n, const char *identity)
{
  g_ptr_array_add (e->g->nodes, n);
  n->id = e->g->nodes->len;
  if (identity != NULL)
    g_hash_table_insert (e->memo, g_strdup (identity), GUINT_TO_POINTER (n->id));
  return n->id;
}

static void
add_packages (Eval *e, MsEvalNode *n, GPtrArray *packages)
{
  for (guint i = 0; packages != NULL && i < packages->len; i++)
    {
      const MsPackage *p = packages->pdata[i];
      if (ms_catalog_target_in (e->cat, e->g->target, (const char * const *) p->targets))
        g_ptr_array_add (n->packages, ms_package_copy (p));
    }
}

static void
add_unique (GPtrArray *list, const char *s)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (list->pdata[i], s))
      return;
  g_ptr_array_add (list, g_strdup (s));
}

static void
check_target (Eval *e, Call *c)
{
  const MsConstructor *ctor = c->ctor;
  g_autofree char *dedup = NULL;
  g_autofree char *supported = NULL;
  MsDiagnostic *d;

  if (c->device == NULL || ms_catalog_target_in (e->cat, e->g->target, (const char * const *) ctor->targets))
    return;
  dedup = g_strdup_printf ("target:%s:%s", c->device->name, ctor->name);
  supported = g_strjoinv (", ", ctor->targets);
  if (g_str_equal (ctor->name, c->device->ctor))
    d = ms_diagnostic_new (MS_DIAG_UNSUPPORTED_TARGET, MS_SEVERITY_ERROR, c->device->name,
                           "%s does not work on target %s (it supports: %s)",
                           ctor->name, e->g->target, supported);
  else
    d = ms_diagnostic_new (MS_DIAG_UNSUPPORTED_TARGET, MS_SEVERITY_ERROR, c->device->name,
                           "on target %s, %s uses %s, which does not work there (it supports: %s)",
                           e->g->target, c->device->ctor, ctor->name, supported);
  d->setting = g_strdup ("target");
  report (e, dedup, d);
}

/* Module names may embed an option, as crunch's Static_<dirname> does:
 * the value is lowercased and every other character than a letter or a
 * digit becomes _, as Mirage names the generated module. */
static char *
expand_module (Call *c, const char *module)
{
  GString *s;
  const char *p;

  if (module == NULL || strchr (module, '<') == NULL)
    return g_strdup (module);
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
  return g_string_free (s, FALSE);
}

static guint
make_node (Eval *e, Call *c, const MsVariant *v, const char *variant_label)
{
  const MsConstructor *ctor = c->ctor;
  g_autofree char *shared_id = NULL;
  const char *identity;
  const char *functor;
  MsEvalNode *n;
  gpointer found;
  const char *group = call_option (c, "group");

  identity = c->identity;
  if (ctor->shared)
    identity = shared_id = shared_identity (c, v ? v->name : NULL);
  if (identity != NULL && g_hash_table_lookup_extended (e->memo, identity, NULL, &found))
    return GPOINTER_TO_UINT (found);

  check_target (e, c);
  n = node_new ();
  n->ctor = ctor;
  n->variant = g_strdup (variant_label);
  n->device = g_strdup (c->device ? c->device->name : NULL);
  n->device_id = c->device ? c->device->id : 0;
  n->role = g_strdup (c->role);
  n->module = expand_module (c, v && v->module ? v->module : ctor->module);
  functor = v && v->functor ? v->functor : ctor->functor;
  n->functor = g_strdup (functor);
  n->connect = g_strdup (v && v->connect ? v->connect : ctor->connect);

  /* impl parameters are functor arguments for functors, and extra
   * dependencies (initialised first, passed to connect) otherwise */
  for (guint i = 0; i < ctor->params->len; i++)
    {
      const MsArgument *p = ctor->params->pdata[i];
      guint id = GPOINTER_TO_UINT (g_hash_table_lookup (c->inputs, p->name));
      if (id == 0)
        continue;
      if (functor != NULL)
        {
          g_array_append_val (n->args, id);
          g_ptr_array_add (n->arg_params, g_strdup (p->name));
        }
      else
        g_array_append_val (n->deps, id);
    }
  for (guint i = 0; i < ctor->options->len; i++)
    {
      const MsArgument *a = ctor->options->pdata[i];
      const char *val = call_option (c, a->name);
      if (val != NULL)
        g_hash_table_insert (n->options, g_strdup (a->name), g_strdup (val));
    }
  add_catalog_args (e, c, n, v && v->has_runtime_args ? v->runtime_args : ctor->runtime_args);
  add_packages (e, n, v && v->has_packages ? v->packages : ctor->packages);
  for (guint i = 0; i < c->keys_read->len; i++)
    add_unique (n->keys, c->keys_read->pdata[i]);
  for (guint i = 0; ctor->keys[i] != NULL; i++)
    {
      const MsKeyDef *def = ms_catalog_lookup_key (e->cat, ctor->keys[i]);
      g_autofree char *name = key_name_in_call (c, def, ctor->keys[i]);
      if (g_str_equal (ctor->keys[i], "target"))
        {
          add_unique (n->keys, "target");
          continue;
        }
      ensure_key (e, name, def ? def->type : "string", def ? def->default_value : "", def ? def->doc : NULL);
      add_unique (n->keys, name);
    }
  (void) group;
  return add_node (e, n, identity);
}

static guint
eval_graph_variant (Eval *e, Call *c, const MsVariant *v, const char *variant_label)
{
  g_autoptr(GHashTable) local = g_hash_table_new (g_str_hash, g_str_equal);
  guint result = 0;

  for (guint i = 0; i < v->nodes->len; i++)
    {
      const MsSubNode *s = v->nodes->pdata[i];
      const MsConstructor *sctor = ms_catalog_lookup (e->cat, s->ctor);
      g_autofree char *identity = NULL;
      g_autoptr(Call) sc = NULL;
      GHashTableIter it;
      gpointer k, val;
      guint id;

      if (sctor == NULL)
        continue;
      identity = g_strdup_printf ("%s/%s", c->identity ? c->identity : "", s->id);
      sc = call_new (sctor, c->device, s->id, identity, c->depth + 1);
      g_hash_table_iter_init (&it, s->options);
      while (g_hash_table_iter_next (&it, &k, &val))
        {
          const char *r = resolve_ref (c, val);
          if (r != NULL)
            g_hash_table_insert (sc->options, g_strdup (k), g_strdup (r));
        }
      /* the group travels into the sub-graph: Mirage passes ?group down */
      if (!g_hash_table_contains (sc->options, "group") && call_option (c, "group") != NULL
          && ms_constructor_find_option (sctor, "group") != NULL)
        g_hash_table_insert (sc->options, g_strdup ("group"), g_strdup (call_option (c, "group")));
      g_hash_table_iter_init (&it, s->args);
      while (g_hash_table_iter_next (&it, &k, &val))
        {
          const char *ref = val;
          guint src = ref[0] == '@'
                      ? GPOINTER_TO_UINT (g_hash_table_lookup (c->inputs, ref + 1))
                      : GPOINTER_TO_UINT (g_hash_table_lookup (local, ref));
          if (src != 0)
            g_hash_table_insert (sc->inputs, g_strdup (k), GUINT_TO_POINTER (src));
        }
      g_hash_table_iter_init (&it, s->runtime_arg_defaults);
      while (g_hash_table_iter_next (&it, &k, &val))
        {
          const char *r = resolve_ref (c, val);
          if (r != NULL)
            g_hash_table_insert (sc->arg_defaults, g_strdup (k), g_strdup (r));
        }
      id = eval_call (e, sc, NULL);
      g_hash_table_insert (local, s->id, GUINT_TO_POINTER (id));
    }
  result = GPOINTER_TO_UINT (g_hash_table_lookup (local, v->result));
  if (result != 0 && variant_label != NULL)
    {
      /* the outermost choice is the one that describes the device */
      MsEvalNode *n = ms_eval_graph_get_node (e->g, result);
      g_free (n->variant);
      n->variant = g_strdup (variant_label);
    }
  return result;
}

static guint
eval_call (Eval *e, Call *c, const char *variant_label)
{
  const MsVariant *v;

  if (c->depth > MAX_DEPTH)
    {
      report (e, "depth", ms_diagnostic_new (MS_DIAG_UNKNOWN_CONSTRUCTOR, MS_SEVERITY_ERROR,
                                             c->device ? c->device->name : NULL,
                                             "the catalog entry %s expands without end; "
                                             "the catalog data is damaged", c->ctor->name));
      return 0;
    }
  if (c->ctor->shared && c->ctor->select->len > 0)
    {
      /* a shared key-dependent value (default_network): one per arguments */
      g_free (c->identity);
      c->identity = shared_identity (c, "<select>");
    }
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
      {
        const MsConstructor *target = ms_catalog_lookup (e->cat, v->as);
        g_autoptr(Call) ac = NULL;
        GHashTableIter it;
        gpointer k, val;
        guint id;

        if (target == NULL)
          return 0;
        ac = call_new (target, c->device, c->role, c->identity, c->depth + 1);
        g_hash_table_iter_init (&it, v->options);
        while (g_hash_table_iter_next (&it, &k, &val))
          {
            const char *r = resolve_ref (c, val);
            if (r != NULL)
              g_hash_table_insert (ac->options, g_strdup (k), g_strdup (r));
          }
        for (guint i = 0; i < target->options->len; i++)
          {
            const MsArgument *a = target->options->pdata[i];
            const char *mine = g_hash_table_lookup (c->options, a->name);
            if (!g_hash_table_contains (ac->options, a->name) && mine != NULL)
              g_hash_table_insert (ac->options, g_strdup (a->name), g_strdup (mine));
          }
        for (guint i = 0; i < target->params->len; i++)
          {
            const MsArgument *p = target->params->pdata[i];
            const char *mapped = g_hash_table_lookup (v->args, p->name);
            const char *from = mapped && mapped[0] == '@' ? mapped + 1 : p->name;
            guint src = GPOINTER_TO_UINT (g_hash_table_lookup (c->inputs, from));
            if (src != 0)
              g_hash_table_insert (ac->inputs, g_strdup (p->name), GUINT_TO_POINTER (src));
          }
        {
          GHashTableIter ai;
          gpointer ak, av;
          g_hash_table_iter_init (&ai, c->arg_defaults);
          while (g_hash_table_iter_next (&ai, &ak, &av))
            g_hash_table_insert (ac->arg_defaults, g_strdup (ak), g_strdup (av));
        }
        for (guint i = 0; i < c->keys_read->len; i++)
          g_ptr_array_add (ac->keys_read, g_strdup (c->keys_read->pdata[i]));
        id = eval_call (e, ac, variant_label);
        return id;
      }
    case MS_VARIANT_GRAPH:
      return eval_graph_variant (e, c, v, variant_label);
    case MS_VARIANT_IMPL:
    default:
      return make_node (e, c, v, variant_label);
    }
}

/* ---- document devices -------------------------------------------------------------------- */

static guint eval_device (Eval *e, guint id);

static guint
eval_custom (Eval *e, const MsDevice *d, const MsConstructor *ctor)
{
  MsEvalNode *n = node_new ();
  g_autofree char *identity = g_strdup_printf ("dev:%u", d->id);
  gboolean functor = FALSE;
  guint max_pos = 0;
  GPtrArray *inputs = ms_document_get_inputs (e->doc, d->id);

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const MsConnection *c = inputs->pdata[i];
      guint64 pos;
      if (g_ascii_string_to_unsigned (c->param, 10, 1, 10000, &pos, NULL))
        max_pos = MAX (max_pos, (guint) pos);
    }
  /* inputs in signature order; a gap (missing argument) is skipped */
  for (guint pos = 1; pos <= max_pos; pos++)
    {
      g_autofree char *param = g_strdup_printf ("%u", pos);
      guint src = ms_document_get_source (e->doc, d->id, param);
      guint node = src ? eval_device (e, src) : 0;
      if (node != 0)
        {
          g_array_append_val (n->args, node);
          g_ptr_array_add (n->arg_params, g_steal_pointer (&param));
          functor = TRUE;
        }
    }
  for (guint i = 0; i < d->custom->deps->len; i++)
    {
      guint node = eval_device (e, g_array_index (d->custom->deps, guint, i));
      if (node != 0)
        g_array_append_val (n->deps, node);
    }
  n->ctor = ctor;
  n->device = g_strdup (d->name);
  n->device_id = d->id;
  n->module = g_strdup (d->custom->module);
  n->functor = functor || strstr (d->custom->signature, "@->") ? g_strdup (d->custom->signature) : NULL;
  n->connect = g_strdup (ctor->connect);
  for (guint i = 0; i < d->custom->runtime_args->len; i++)
    {
      const MsArgDecl *decl = d->custom->runtime_args->pdata[i];
      MsEvalArg *a = g_new0 (MsEvalArg, 1);
      a->name = g_strdup (decl->name);
      a->type = g_strdup (decl->type);
      a->default_value = g_strdup (decl->default_value);
      a->doc = g_strdup (decl->doc);
      a->section = g_strdup ("APPLICATION OPTIONS");
      g_ptr_array_add (n->runtime_args, a);
    }
  {
    /* register after the node exists so conflicts name this device */
    g_autoptr(Call) c = call_new (ctor, d, NULL, identity, 0);
    GPtrArray *mine = n->runtime_args;
    n->runtime_args = g_ptr_array_new ();
    for (guint i = 0; i < mine->len; i++)
      g_ptr_array_add (n->runtime_args, register_arg (e, c, mine->pdata[i]));
    g_ptr_array_unref (mine);
  }
  add_packages (e, n, d->custom->packages);
  return add_node (e, n, identity);
}

static guint
eval_device (Eval *e, guint id)
{
  const MsDevice *d = ms_document_get_device (e->doc, id);
  const MsConstructor *ctor;
  g_autofree char *identity = NULL;
  g_autoptr(Call) c = NULL;
  GHashTableIter it;
  gpointer k, v;
  gpointer found;
  guint node;

  if (d == NULL)
    return 0;
  if (g_hash_table_lookup_extended (e->dev_memo, GUINT_TO_POINTER (id), NULL, &found))
    return GPOINTER_TO_UINT (found);
  if (g_hash_table_contains (e->in_progress, GUINT_TO_POINTER (id)))
    return 0;   /* a cycle: ms_check reports it */
  ctor = ms_catalog_lookup (e->cat, d->ctor);
  if (ctor == NULL)
    return 0;
  g_hash_table_add (e->in_progress, GUINT_TO_POINTER (id));

  if (d->custom != NULL)
    node = eval_custom (e, d, ctor);
  else
    {
      identity = g_strdup_printf ("dev:%u", d->id);
      c = call_new (ctor, d, NULL, identity, 0);
      g_hash_table_iter_init (&it, d->options);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_insert (c->options, g_strdup (k), g_strdup (v));
      for (guint i = 0; i < ctor->params->len; i++)
        {
          const MsArgument *p = ctor->params->pdata[i];
          guint src = ms_document_get_source (e->doc, d->id, p->name);
          guint input = src ? eval_device (e, src) : 0;
          if (input != 0)
            g_hash_table_insert (c->inputs, g_strdup (p->name), GUINT_TO_POINTER (input));
        }
      node = eval_call (e, c, NULL);
    }
  g_hash_table_remove (e->in_progress, GUINT_TO_POINTER (id));
  g_hash_table_insert (e->dev_memo, GUINT_TO_POINTER (id), GUINT_TO_POINTER (node));
  if (node != 0)
    g_hash_table_insert (e->g->device_nodes, GUINT_TO_POINTER (id), GUINT_TO_POINTER (node));
  return node;
}

/* ---- register ------------------------------------------------------------------------------- */

static guint
eval_implicit (Eval *e, const char *ctor_name, const char *role, GHashTable *inputs, const char *level)
{
  const MsConstructor *ctor = ms_catalog_lookup (e->cat, ctor_name);
  g_autofree char *identity = g_strdup_printf ("init:%s", role);
  g_autoptr(Call) c = NULL;

  if (ctor == NULL)
    return 0;
  c = call_new (ctor, NULL, role, identity, 0);
  if (inputs != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, inputs);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_insert (c->inputs, g_strdup (k), v);
    }
  if (level != NULL && ms_constructor_find_option (ctor, "level") != NULL)
    g_hash_table_insert (c->options, g_strdup ("level"), g_strdup (level));
  return eval_call (e, c, NULL);
}

static void
eval_register (Eval *e)
{
  const char * const *init = ms_catalog_get_init_jobs (e->cat);
  const char *argv_choice = ms_document_get_setting_or_default (e->doc, MS_SETTING_ARGV);
  const char *argv_ctor = ms_catalog_get_register_choice (e->cat, "argv", argv_choice);
  g_autoptr(GArray) jobs = ms_document_get_jobs (e->doc);
  guint argv_node = argv_ctor ? eval_implicit (e, argv_ctor, "argv", NULL, NULL) : 0;
  MsEvalNode *root;

  for (guint i = 0; init != NULL && init[i] != NULL; i++)
    {
      const char *job = init[i];
      const char *ctor_name = job;
      const char *role = job;
      g_autoptr(GHashTable) inputs = g_hash_table_new (g_str_hash, g_str_equal);
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
          if (g_str_equal (a->type, "argv") && argv_node != 0)
            g_hash_table_insert (inputs, a->name, GUINT_TO_POINTER (argv_node));
        }
      node = eval_implicit (e, ctor_name, role, inputs,
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

  root = node_new ();
  root->module = g_strdup (ms_catalog_get_root_module (e->cat));
  root->role = g_strdup ("root");
  root->connect = g_strdup ("return ()");
  g_array_append_vals (root->deps, e->g->init->data, e->g->init->len);
  g_array_append_vals (root->deps, e->g->jobs->data, e->g->jobs->len);
  g_ptr_array_add (root->keys, g_strdup ("target"));
  add_packages (e, root, ms_catalog_get_root_packages (e->cat));
  {
    const MsKeyDef *t = ms_catalog_lookup_key (e->cat, "target");
    ensure_key (e, "target", t ? t->type : "string", e->g->target, t ? t->doc : NULL);
  }
  e->g->root = add_node (e, root, NULL);
}

/* ---- packages -------------------------------------------------------------------------------- */

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

static void
merge_packages (Eval *e)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) libs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) user_sets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < e->g->nodes->len; i++)
    {
      MsEvalNode *n = e->g->nodes->pdata[i];
      for (guint j = 0; j < n->packages->len; j++)
        {
          const MsPackage *p = n->packages->pdata[j];
          MsEvalPackage *m = g_hash_table_lookup (by_name, p->name);
          GPtrArray *u, *l;

          if (m == NULL)
            {
              m = g_new0 (MsEvalPackage, 1);
              m->name = g_strdup (p->name);
              m->build = p->build;
              m->switch_scope = p->switch_scope;
              g_hash_table_insert (by_name, m->name, m);
              g_hash_table_insert (users, m->name, g_ptr_array_new_with_free_func (g_free));
              g_hash_table_insert (user_sets, m->name, g_hash_table_new (g_str_hash, g_str_equal));
              g_hash_table_insert (libs, m->name, g_ptr_array_new_with_free_func (g_free));
              g_ptr_array_add (e->g->packages, m);
            }
          else
            m->build = m->build || p->build;
          if (p->min != NULL && (m->min == NULL || ms_version_compare (p->min, m->min) > 0))
            {
              g_free (m->min);
              g_free (m->min_from);
              m->min = g_strdup (p->min);
              m->min_from = g_strdup (node_origin (n));
            }
          if (p->max != NULL && (m->max == NULL || ms_version_compare (p->max, m->max) < 0))
            {
              g_free (m->max);
              g_free (m->max_from);
              m->max = g_strdup (p->max);
              m->max_from = g_strdup (node_origin (n));
            }
          u = g_hash_table_lookup (users, m->name);
          /* a package like tcpip is used by thousands of nodes: dedup by set */
          {
            GHashTable *seen = g_hash_table_lookup (user_sets, m->name);
            const char *origin = node_origin (n);
            if (!g_hash_table_contains (seen, origin))
              {
                g_hash_table_add (seen, (gpointer) origin);
                g_ptr_array_add (u, g_strdup (origin));
              }
          }
          l = g_hash_table_lookup (libs, m->name);
          for (guint k = 0; p->libraries != NULL && p->libraries[k] != NULL; k++)
            add_unique (l, p->libraries[k]);
        }
    }
  g_ptr_array_sort (e->g->packages, compare_eval_packages);
  for (guint i = 0; i < e->g->packages->len; i++)
    {
      MsEvalPackage *m = e->g->packages->pdata[i];
      GPtrArray *u = g_hash_table_lookup (users, m->name);
      GPtrArray *l = g_hash_table_lookup (libs, m->name);

      g_ptr_array_sort (l, compare_strings);
      g_ptr_array_add (u, NULL);
      m->used_by = g_strdupv ((char **) u->pdata);
      g_ptr_array_add (l, NULL);
      m->libraries = g_strdupv ((char **) l->pdata);
      if (m->min != NULL && m->max != NULL && ms_version_compare (m->min, m->max) >= 0)
        {
          MsDiagnostic *d;
          if (g_strcmp0 (m->min_from, m->max_from) == 0)
            d = ms_diagnostic_new (MS_DIAG_PACKAGE_CONFLICT, MS_SEVERITY_ERROR, m->min_from,
                                   "package %s: needs >= %s and < %s, which no version satisfies",
                                   m->name, m->min, m->max);
          else
            {
              d = ms_diagnostic_new (MS_DIAG_PACKAGE_CONFLICT, MS_SEVERITY_ERROR, m->min_from,
                                     "package %s: %s needs >= %s but %s needs < %s; no version "
                                     "satisfies both (Mirage would write an opam file that cannot "
                                     "be installed)",
                                     m->name, m->min_from, m->min, m->max_from, m->max);
              d->related = g_new0 (char *, 2);
              d->related[0] = g_strdup (m->max_from);
            }
          report (e, NULL, d);
        }
    }
}

/* ---- entry ------------------------------------------------------------------------------------ */

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

MsEvalGraph *
ms_eval (MsDocument *doc, const char *target)
{
  MsEvalGraph *g = g_new0 (MsEvalGraph, 1);
  Eval e = { 0 };
  GHashTableIter it;
  gpointer v;

  g->target = g_strdup (target ? target : ms_document_get_target (doc));
  g->app_name = g_strdup (ms_document_get_app_name (doc));
  g->nodes = g_ptr_array_new_with_free_func (eval_node_free);
  g->jobs = g_array_new (FALSE, FALSE, sizeof (guint));
  g->init = g_array_new (FALSE, FALSE, sizeof (guint));
  g->packages = g_ptr_array_new_with_free_func (eval_package_free);
  g->keys = g_ptr_array_new_with_free_func (eval_key_free);
  g->runtime_args = g_ptr_array_new_with_free_func (eval_arg_free);
  g->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
  g->device_nodes = g_hash_table_new (NULL, NULL);

  e.doc = doc;
  e.cat = ms_document_get_catalog (doc);
  e.g = g;
  e.memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  e.dev_memo = g_hash_table_new (NULL, NULL);
  e.in_progress = g_hash_table_new (NULL, NULL);
  e.args = g_hash_table_new (g_str_hash, g_str_equal);
  e.keys = g_hash_table_new (g_str_hash, g_str_equal);
  e.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  eval_register (&e);
  merge_packages (&e);

  g_hash_table_iter_init (&it, e.keys);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (g->keys, v);
  g_ptr_array_sort (g->keys, compare_keys);
  g_hash_table_iter_init (&it, e.args);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (g->runtime_args, v);
  g_ptr_array_sort (g->runtime_args, compare_args);

  g_hash_table_unref (e.memo);
  g_hash_table_unref (e.dev_memo);
  g_hash_table_unref (e.in_progress);
  g_hash_table_unref (e.args);
  g_hash_table_unref (e.keys);
  g_hash_table_unref (e.reported);
  return g;
}
