/* ms-catalog.c: loading the device catalog from data/catalog.
 *
 * The files are parsed once per Mirage version into plain structs that
 * live as long as the catalog. The 4.11 profile is the 4.10.2 data with
 * the merge patches of mirage-4.11.json applied to the JSON trees before
 * they are turned into structs, so both profiles share one parser.
 */
#include "ms-catalog.h"

#include "ms-paths.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <json-c/json.h>
#include <string.h>

G_DEFINE_QUARK (ms-catalog-error-quark, ms_catalog_error)

struct _MsCatalog
{
  gatomicrefcount ref_count;
  char *mirage_version;
  char *version_comment;
  GStringChunk *strings;

  GPtrArray *types;         /* MsModuleType* */
  GPtrArray *targets;       /* MsTarget* */
  GPtrArray *keys;          /* MsKeyDef* */
  GPtrArray *runtime_args;  /* MsRuntimeArgDef* */
  GPtrArray *ctors;         /* MsConstructor* */
  GPtrArray *categories;    /* MsCategory* */
  GHashTable *type_index;
  GHashTable *target_index;
  GHashTable *key_index;
  GHashTable *arg_index;
  GHashTable *ctor_index;
  GHashTable *taken;        /* constructor and type names */
  GHashTable *groups;       /* group name -> char** of targets */
  char *default_target;

  GHashTable *choices;      /* "what" -> GHashTable choice -> ctor */
  GHashTable *choice_lists; /* "what" -> char** */
  char *default_level;
  char **init_jobs;
  char *root_module;
  GPtrArray *root_packages;
};

typedef struct
{
  MsCatalog *catalog;
  const char *file;
  GError **error;
} Loader;

/* ---- small JSON accessors ----------------------------------------------
 *
 * json-c: it parses the catalog about 2.5 times faster than the GObject
 * JSON library, which is what keeps start-up within its budget. A JSON null is a
 * NULL pointer in json-c, hence has_member() next to member().
 */

typedef struct json_object JObj;

static void
jobj_put (JObj *o)
{
  json_object_put (o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JObj, jobj_put)

static gboolean
is_object (JObj *o)
{
  return o != NULL && json_object_is_type (o, json_type_object);
}

static gboolean
has_member (JObj *o, const char *k)
{
  return is_object (o) && json_object_object_get_ex (o, k, NULL);
}

static JObj *
member (JObj *o, const char *k)
{
  JObj *v = NULL;

  if (!is_object (o) || !json_object_object_get_ex (o, k, &v))
    return NULL;
  return v;
}

static guint
arr_len (JObj *a)
{
  return a != NULL && json_object_is_type (a, json_type_array) ? json_object_array_length (a) : 0;
}

static JObj *
arr_obj (JObj *a, guint i)
{
  JObj *e = json_object_array_get_idx (a, i);

  return is_object (e) ? e : NULL;
}

/* Keys in file order (json-c keeps insertion order); strings are borrowed. */
static GList *
obj_keys (JObj *o)
{
  GList *keys = NULL;

  if (!is_object (o))
    return NULL;
  json_object_object_foreach (o, k, v)
    {
      (void) v;
      keys = g_list_prepend (keys, k);
    }
  return g_list_reverse (keys);
}

static const char *
get_str (JObj *o, const char *k)
{
  JObj *v = member (o, k);

  return v != NULL && json_object_is_type (v, json_type_string) ? json_object_get_string (v) : NULL;
}

static char *
dup_str (Loader *l, JObj *o, const char *k)
{
  const char *s = get_str (o, k);

  return s ? g_string_chunk_insert_const (l->catalog->strings, s) : NULL;
}

static char *
dup_str_or (Loader *l, JObj *o, const char *k, const char *fallback)
{
  const char *s = get_str (o, k);

  return g_string_chunk_insert_const (l->catalog->strings, s ? s : fallback);
}

static gboolean
get_bool (JObj *o, const char *k)
{
  JObj *v = member (o, k);

  return v != NULL && json_object_is_type (v, json_type_boolean) && json_object_get_boolean (v);
}

static JObj *
get_array (JObj *o, const char *k)
{
  JObj *v = member (o, k);

  return v != NULL && json_object_is_type (v, json_type_array) ? v : NULL;
}

static JObj *
get_object (JObj *o, const char *k)
{
  JObj *v = member (o, k);

  return is_object (v) ? v : NULL;
}

/* Default values may be written as JSON strings, numbers, booleans or null.
 * Tests use json_object_is_type(), never json_object_get_type(): another
 * JSON library once linked beside this one exported a function of that
 * name, and the linker bound our calls to it. */
static char *
value_text (Loader *l, JObj *v)
{
  g_autofree char *text = NULL;

  if (v == NULL)
    return g_string_chunk_insert_const (l->catalog->strings, "");
  if (json_object_is_type (v, json_type_string))
    return g_string_chunk_insert_const (l->catalog->strings, json_object_get_string (v));
  if (json_object_is_type (v, json_type_boolean))
    return g_string_chunk_insert_const (l->catalog->strings,
                                        json_object_get_boolean (v) ? "true" : "false");
  if (json_object_is_type (v, json_type_int))
    text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) json_object_get_int64 (v));
  else if (json_object_is_type (v, json_type_double))
    text = g_strdup_printf ("%g", json_object_get_double (v));
  return g_string_chunk_insert_const (l->catalog->strings, text ? text : "");
}

static char *
dup_value (Loader *l, JObj *o, const char *k)
{
  return value_text (l, member (o, k));
}

static char **
dup_strv (Loader *l, JObj *o, const char *k)
{
  JObj *a = get_array (o, k);
  GPtrArray *out;

  if (a == NULL)
    return NULL;
  out = g_ptr_array_new ();
  for (guint i = 0; i < arr_len (a); i++)
    {
      JObj *n = json_object_array_get_idx (a, i);
      if (n != NULL && json_object_is_type (n, json_type_string))
        g_ptr_array_add (out, g_strdup (json_object_get_string (n)));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
fail (Loader *l, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Loader *l, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (l->error != NULL && *l->error == NULL)
    g_set_error (l->error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID,
                 "%s: %s", l->file, msg);
  return FALSE;
}

/* Targets lists may name groups as "@solo5"; expand them once here so the
 * rest of the core only sees target names. */
static char **
expand_targets (Loader *l, char **names)
{
  GPtrArray *out;

  if (names == NULL)
    return NULL;
  out = g_ptr_array_new ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (names[i][0] == '@')
        {
          char **members = g_hash_table_lookup (l->catalog->groups, names[i] + 1);
          if (members == NULL)
            fail (l, _("unknown target group “%s”"), names[i]);
          else
            for (guint j = 0; members[j] != NULL; j++)
              g_ptr_array_add (out, g_strdup (members[j]));
        }
      else
        g_ptr_array_add (out, g_strdup (names[i]));
    }
  g_ptr_array_add (out, NULL);
  g_strfreev (names);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* ---- merge patches (RFC 7386) --------------------------------------------- */

static JObj *
deep_copy (JObj *o)
{
  JObj *c = NULL;

  if (o == NULL)
    return NULL;
  json_object_deep_copy (o, &c, NULL);
  return c;
}

/* Returns a new object: target with patch applied. */
static JObj *
merge_patch (JObj *target, JObj *patch)
{
  JObj *t;

  if (!is_object (patch))
    return deep_copy (patch);
  t = is_object (target) ? deep_copy (target) : json_object_new_object ();
  json_object_object_foreach (patch, k, pv)
    {
      if (pv == NULL)
        json_object_object_del (t, k);
      else
        json_object_object_add (t, k, merge_patch (member (t, k), pv));
    }
  return t;
}

/* Applies a patch object keyed by entry name to the array of named entries
 * parent[array_member], replacing the array with the patched one. */
static void
patch_named_array (JObj       *parent,
                   const char *array_member,
                   const char *name_member,
                   JObj       *patches)
{
  JObj *array = get_array (parent, array_member);
  JObj *out;
  g_autoptr(GHashTable) used = NULL;

  if (array == NULL || patches == NULL)
    return;
  used = g_hash_table_new (g_str_hash, g_str_equal);
  out = json_object_new_array ();
  for (guint i = 0; i < arr_len (array); i++)
    {
      JObj *el = json_object_array_get_idx (array, i);
      const char *name = get_str (el, name_member);

      if (name == NULL || !has_member (patches, name))
        {
          json_object_array_add (out, deep_copy (el));
          continue;
        }
      g_hash_table_add (used, (gpointer) name);
      if (member (patches, name) != NULL)
        json_object_array_add (out, merge_patch (el, member (patches, name)));
    }
  json_object_object_foreach (patches, k, pv)
    {
      JObj *fresh;

      if (g_hash_table_contains (used, k) || pv == NULL)
        continue;
      fresh = merge_patch (NULL, pv);
      json_object_object_add (fresh, name_member, json_object_new_string (k));
      json_object_array_add (out, fresh);
    }
  json_object_object_add (parent, array_member, out);
}

/* ---- parsing the pieces ------------------------------------------------- */

static MsPackage *
parse_package (Loader *l, JObj *o)
{
  MsPackage *p = g_new0 (MsPackage, 1);
  const char *scope = get_str (o, "scope");

  p->name = dup_str_or (l, o, "name", "");
  p->min = dup_str (l, o, "min");
  p->max = dup_str (l, o, "max");
  p->switch_scope = g_strcmp0 (scope, "switch") == 0;
  p->build = get_bool (o, "build");
  p->libraries = dup_strv (l, o, "libraries");
  if (p->libraries == NULL)
    {
      p->libraries = g_new0 (char *, 2);
      if (!p->build)
        p->libraries[0] = g_strdup (p->name);
    }
  p->targets = expand_targets (l, dup_strv (l, o, "targets"));
  if (*p->name == '\0')
    fail (l, _("a package has no name"));
  return p;
}

static void
package_free (gpointer data)
{
  MsPackage *p = data;

  g_strfreev (p->libraries);
  g_strfreev (p->targets);
  g_free (p);
}

static GPtrArray *
parse_packages (Loader *l, JObj *a)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (package_free);

  for (guint i = 0; a != NULL && i < arr_len (a); i++)
    {
      JObj *n = json_object_array_get_idx (a, i);
      if (is_object (n))
        g_ptr_array_add (out, parse_package (l, (n)));
    }
  return out;
}

static void
arg_use_free (gpointer data)
{
  MsRuntimeArgUse *u = data;

  g_strfreev (u->targets);
  g_free (u);
}

static MsRuntimeArgDef *parse_runtime_arg_def (Loader *l, JObj *o);

static GPtrArray *
parse_arg_uses (Loader *l, const char *owner, JObj *a)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (arg_use_free);

  for (guint i = 0; a != NULL && i < arr_len (a); i++)
    {
      JObj *n = json_object_array_get_idx (a, i);
      JObj *o;
      MsRuntimeArgUse *u;
      const char *ref;

      if (!is_object (n))
        continue;
      o = (n);
      u = g_new0 (MsRuntimeArgUse, 1);
      ref = get_str (o, "ref");
      if (ref != NULL)
        {
          u->def = g_hash_table_lookup (l->catalog->arg_index, ref);
          if (u->def == NULL)
            fail (l, _("%s uses unknown runtime argument “%s”"), owner, ref);
        }
      else
        {
          /* An inline definition: registered under a device-qualified id so
           * that it cannot shadow a shared one. */
          MsRuntimeArgDef *def = parse_runtime_arg_def (l, o);
          g_ptr_array_add (l->catalog->runtime_args, def);
          u->def = def;
        }
      if (has_member (o, "default"))
        u->default_value = dup_value (l, o, "default");
      u->targets = expand_targets (l, dup_strv (l, o, "targets"));
      if (u->def != NULL)
        g_ptr_array_add (out, u);
      else
        arg_use_free (u);
    }
  return out;
}

static MsRuntimeArgDef *
parse_runtime_arg_def (Loader *l, JObj *o)
{
  MsRuntimeArgDef *d = g_new0 (MsRuntimeArgDef, 1);

  d->id = dup_str (l, o, "id");
  d->flag = dup_str (l, o, "flag");
  if (d->id == NULL)
    d->id = d->flag ? d->flag : dup_str_or (l, o, "name", "");
  if (d->flag == NULL)
    d->flag = d->id;
  d->grouped = get_bool (o, "grouped");
  d->type = dup_str_or (l, o, "type", "string");
  d->default_value = dup_value (l, o, "default");
  d->docv = dup_str (l, o, "docv");
  d->section = dup_str (l, o, "section");
  d->doc = dup_str_or (l, o, "doc", "");
  d->code = dup_str (l, o, "code");
  d->package = dup_str (l, o, "package");
  return d;
}

static void
hash_from_object (Loader *l, JObj *o, GHashTable **out)
{
  g_autoptr(GList) members = NULL;

  *out = g_hash_table_new (g_str_hash, g_str_equal);
  if (o == NULL)
    return;
  members = obj_keys (o);
  for (GList *m = members; m != NULL; m = m->next)
    g_hash_table_insert (*out,
                         g_string_chunk_insert_const (l->catalog->strings, m->data),
                         dup_value (l, o, m->data));
}

static void
pairs_from_object (Loader *l, JObj *o, guint *n, const char ***names, const char ***values)
{
  g_autoptr(GList) members = obj_keys (o);
  guint len = g_list_length (members), i = 0;

  *n = len;
  *names = g_new0 (const char *, len + 1);
  *values = g_new0 (const char *, len + 1);
  for (GList *m = members; m != NULL; m = m->next, i++)
    {
      (*names)[i] = g_string_chunk_insert_const (l->catalog->strings, m->data);
      (*values)[i] = dup_value (l, o, m->data);
    }
}

static void
subnode_free (gpointer data)
{
  MsSubNode *s = data;

  g_free (s->arg_names);
  g_free (s->arg_refs);
  g_free (s->option_names);
  g_free (s->option_values);
  g_free (s->default_ids);
  g_free (s->default_values);
  g_hash_table_unref (s->args);
  g_hash_table_unref (s->options);
  g_hash_table_unref (s->runtime_arg_defaults);
  g_free (s);
}

static void
variant_free (gpointer data)
{
  MsVariant *v = data;

  g_clear_pointer (&v->options, g_hash_table_unref);
  g_clear_pointer (&v->args, g_hash_table_unref);
  g_clear_pointer (&v->packages, g_ptr_array_unref);
  g_clear_pointer (&v->runtime_args, g_ptr_array_unref);
  g_clear_pointer (&v->nodes, g_ptr_array_unref);
  g_free (v);
}

static MsVariant *
parse_variant (Loader *l, const char *owner, const char *name, JObj *o)
{
  MsVariant *v = g_new0 (MsVariant, 1);
  JObj *graph = get_object (o, "graph");

  v->name = g_string_chunk_insert_const (l->catalog->strings, name);
  if (get_str (o, "as") != NULL)
    {
      v->kind = MS_VARIANT_AS;
      v->as = dup_str (l, o, "as");
      hash_from_object (l, get_object (o, "options"), &v->options);
      hash_from_object (l, get_object (o, "args"), &v->args);
    }
  else if (graph != NULL)
    {
      JObj *nodes = get_array (graph, "nodes");
      v->kind = MS_VARIANT_GRAPH;
      v->result = dup_str (l, graph, "result");
      v->nodes = g_ptr_array_new_with_free_func (subnode_free);
      for (guint i = 0; nodes != NULL && i < arr_len (nodes); i++)
        {
          JObj *n = json_object_array_get_idx (nodes, i);
          JObj *no;
          MsSubNode *s;
          if (!is_object (n))
            continue;
          no = (n);
          s = g_new0 (MsSubNode, 1);
          s->id = dup_str_or (l, no, "id", "");
          s->ctor = dup_str_or (l, no, "ctor", "");
          hash_from_object (l, get_object (no, "args"), &s->args);
          hash_from_object (l, get_object (no, "options"), &s->options);
          hash_from_object (l, get_object (no, "runtime_arg_defaults"), &s->runtime_arg_defaults);
          pairs_from_object (l, get_object (no, "args"), &s->n_args, &s->arg_names, &s->arg_refs);
          pairs_from_object (l, get_object (no, "options"), &s->n_options, &s->option_names, &s->option_values);
          pairs_from_object (l, get_object (no, "runtime_arg_defaults"), &s->n_arg_defaults,
                             &s->default_ids, &s->default_values);
          g_ptr_array_add (v->nodes, s);
        }
      if (v->result == NULL)
        fail (l, _("variant “%s” of %s has a graph without a result"), name, owner);
    }
  else
    {
      v->kind = MS_VARIANT_IMPL;
      v->module = dup_str (l, o, "module");
      v->functor = dup_str (l, o, "functor");
      v->connect = dup_str (l, o, "connect");
      if (get_array (o, "packages") != NULL)
        {
          v->has_packages = TRUE;
          v->packages = parse_packages (l, get_array (o, "packages"));
        }
      if (get_array (o, "runtime_args") != NULL)
        {
          v->has_runtime_args = TRUE;
          v->runtime_args = parse_arg_uses (l, owner, get_array (o, "runtime_args"));
        }
    }
  return v;
}

static void
argument_free (gpointer data)
{
  g_free (data);
}

static void
rule_free (gpointer data)
{
  MsSelectRule *r = data;

  g_ptr_array_unref (r->conditions);
  g_free (r);
}

static void
condition_free (gpointer data)
{
  MsCondition *c = data;

  g_strfreev (c->values);
  g_free (c);
}

static void
ctor_free (gpointer data)
{
  MsConstructor *c = data;

  g_ptr_array_unref (c->arguments);
  g_ptr_array_unref (c->params);
  g_ptr_array_unref (c->options);
  g_strfreev (c->keys);
  g_free (c->key_defs);
  g_ptr_array_unref (c->runtime_args);
  g_ptr_array_unref (c->packages);
  g_strfreev (c->targets);
  if (c->runtime != NULL)
    {
      g_strfreev (c->runtime->libraries);
      g_strfreev (c->runtime->archives);
    }
  g_free (c->runtime);
  g_ptr_array_unref (c->select);
  g_hash_table_unref (c->variants);
  g_free (c);
}

static MsConstructor *
parse_ctor (Loader *l, const char *category, JObj *o)
{
  MsConstructor *c = g_new0 (MsConstructor, 1);
  const char *kind = get_str (o, "kind");
  JObj *args = get_array (o, "arguments");
  JObj *select = get_array (o, "select");
  JObj *variants = get_object (o, "variants");
  const char *instance = get_str (o, "instance");

  c->name = dup_str_or (l, o, "name", "");
  c->category = g_string_chunk_insert_const (l->catalog->strings, category);
  c->summary = dup_str_or (l, o, "summary", "");
  c->description = dup_str_or (l, o, "description", "");
  c->signature = dup_str_or (l, o, "signature", "");
  c->result = dup_str_or (l, o, "result", "job");
  c->kind = g_strcmp0 (kind, "custom") == 0 ? MS_CTOR_CUSTOM
          : g_strcmp0 (kind, "internal") == 0 ? MS_CTOR_INTERNAL
          : MS_CTOR_DEVICE;
  c->deprecated = dup_str (l, o, "deprecated");
  c->arguments = g_ptr_array_new_with_free_func (argument_free);
  c->params = g_ptr_array_new ();
  c->options = g_ptr_array_new ();
  for (guint i = 0; args != NULL && i < arr_len (args); i++)
    {
      JObj *n = json_object_array_get_idx (args, i);
      JObj *ao;
      MsArgument *a;
      const char *akind, *label;

      if (!is_object (n))
        continue;
      ao = (n);
      a = g_new0 (MsArgument, 1);
      akind = get_str (ao, "kind");
      label = get_str (ao, "label");
      a->kind = g_strcmp0 (akind, "impl") == 0 ? MS_ARG_IMPL
              : g_strcmp0 (akind, "unit") == 0 ? MS_ARG_UNIT
              : MS_ARG_VALUE;
      a->label = g_strcmp0 (label, "optional") == 0 ? MS_LABEL_OPTIONAL
               : g_strcmp0 (label, "labelled") == 0 ? MS_LABEL_LABELLED
               : MS_LABEL_POSITIONAL;
      a->name = dup_str_or (l, ao, "name", a->kind == MS_ARG_UNIT ? "()" : "");
      a->type = dup_str_or (l, ao, "type", a->kind == MS_ARG_VALUE ? "string" : "");
      a->default_value = dup_value (l, ao, "default");
      a->required = get_bool (ao, "required")
                    || (a->kind == MS_ARG_IMPL && a->label != MS_LABEL_OPTIONAL)
                    || (a->kind == MS_ARG_VALUE && a->label == MS_LABEL_LABELLED);
      a->replaces_key = dup_str (l, ao, "replaces_key");
      a->doc = dup_str_or (l, ao, "doc", "");
      if (a->kind != MS_ARG_UNIT && *a->name == '\0')
        fail (l, _("%s has an argument without a name"), c->name);
      g_ptr_array_add (c->arguments, a);
      if (a->kind == MS_ARG_IMPL)
        g_ptr_array_add (c->params, a);
      else if (a->kind == MS_ARG_VALUE)
        g_ptr_array_add (c->options, a);
    }
  c->keys = dup_strv (l, o, "keys");
  if (c->keys == NULL)
    c->keys = g_new0 (char *, 1);
  c->runtime_args = parse_arg_uses (l, c->name, get_array (o, "runtime_args"));
  c->packages = parse_packages (l, get_array (o, "packages"));
  c->module = dup_str (l, o, "module");
  c->functor = dup_str (l, o, "functor");
  c->connect = dup_str (l, o, "connect");
  c->shared = instance != NULL && g_str_has_prefix (instance, "shared");
  c->targets = expand_targets (l, dup_strv (l, o, "targets"));
  {
    JObj *rt = get_object (o, "runtime");
    if (rt != NULL)
      {
        c->runtime = g_new0 (MsRuntimeImpl, 1);
        c->runtime->header = dup_str (l, rt, "header");
        c->runtime->type = dup_str (l, rt, "type");
        c->runtime->connect = dup_str (l, rt, "connect");
        c->runtime->start = dup_str (l, rt, "start");
        c->runtime->libraries = dup_strv (l, rt, "libraries");
        if (c->runtime->libraries == NULL)
          c->runtime->libraries = g_new0 (char *, 1);
        c->runtime->archives = dup_strv (l, rt, "archives");
        if (c->runtime->archives == NULL)
          c->runtime->archives = g_new0 (char *, 1);
        if (c->runtime->header == NULL || (c->runtime->type != NULL && c->runtime->connect == NULL))
          fail (l, _("the runtime entry of %s needs a header, and a connect when it has a type"), c->name);
        /* each becomes the compiler argument -lNAME */
        for (guint i = 0; c->runtime->libraries[i] != NULL; i++)
          {
            const char *lib = c->runtime->libraries[i];
            if (*lib == '\0' || !g_ascii_isalnum (*lib)
                || strspn (lib, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+.-") != strlen (lib))
              fail (l, _("the runtime entry of %s names a library “%s” that is not a library name"), c->name, lib);
          }
        /* each becomes a file name, libmirage-runtime-NAME.a */
        for (guint i = 0; c->runtime->archives[i] != NULL; i++)
          {
            const char *ar = c->runtime->archives[i];
            if (*ar == '\0' || !g_ascii_isalnum (*ar)
                || strspn (ar, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+.-") != strlen (ar))
              fail (l, _("the runtime entry of %s names an archive “%s” that is not an archive name"), c->name, ar);
          }
      }
  }

  c->select = g_ptr_array_new_with_free_func (rule_free);
  for (guint i = 0; select != NULL && i < arr_len (select); i++)
    {
      JObj *n = json_object_array_get_idx (select, i);
      JObj *ro, *when;
      MsSelectRule *r;
      g_autoptr(GList) keys = NULL;

      if (!is_object (n))
        continue;
      ro = (n);
      r = g_new0 (MsSelectRule, 1);
      r->use = dup_str_or (l, ro, "use", "");
      r->conditions = g_ptr_array_new_with_free_func (condition_free);
      when = get_object (ro, "when");
      if (when != NULL)
        keys = obj_keys (when);
      for (GList *k = keys; k != NULL; k = k->next)
        {
          MsCondition *cond = g_new0 (MsCondition, 1);
          cond->key = g_string_chunk_insert_const (l->catalog->strings, k->data);
          cond->values = dup_strv (l, when, k->data);
          if (cond->values == NULL)
            cond->values = g_new0 (char *, 1);
          if (g_strcmp0 (k->data, "target") == 0)
            cond->values = expand_targets (l, cond->values);
          g_ptr_array_add (r->conditions, cond);
        }
      g_ptr_array_add (c->select, r);
    }
  c->variants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, variant_free);
  if (variants != NULL)
    {
      g_autoptr(GList) names = obj_keys (variants);
      for (GList *m = names; m != NULL; m = m->next)
        {
          JObj *vo = get_object (variants, m->data);
          if (vo != NULL)
            {
              MsVariant *v = parse_variant (l, c->name, m->data, vo);
              g_hash_table_insert (c->variants, v->name, v);
            }
        }
    }
  for (guint i = 0; i < c->select->len; i++)
    {
      MsSelectRule *r = c->select->pdata[i];
      if (!g_hash_table_contains (c->variants, r->use))
        fail (l, _("%s selects unknown variant “%s”"), c->name, r->use);
    }
  return c;
}

/* ---- files -------------------------------------------------------------- */

static JObj *
read_json (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  json_tokener *tok;
  JObj *root;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, MS_CATALOG_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? MS_CATALOG_ERROR_NOT_FOUND : MS_CATALOG_ERROR_INVALID,
                   "%s", local->message);
      return NULL;
    }
  tok = json_tokener_new ();
  root = json_tokener_parse_ex (tok, text, (int) len);
  if (json_tokener_get_error (tok) != json_tokener_success || root == NULL)
    {
      /* point at the line, as an editor would */
      size_t offset = json_tokener_get_parse_end (tok);
      guint line = 1;
      for (size_t i = 0; i < offset && i < len; i++)
        line += text[i] == '\n';
      g_set_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID,
                   _("%s:%u: invalid JSON: %s"), path, line,
                   json_tokener_error_desc (json_tokener_get_error (tok)));
      json_tokener_free (tok);
      json_object_put (root);
      return NULL;
    }
  json_tokener_free (tok);
  if (!is_object (root))
    {
      g_set_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID,
                   _("%s: the top level must be a JSON object"), path);
      json_object_put (root);
      return NULL;
    }
  return root;
}

static void
catalog_free (MsCatalog *self)
{
  g_clear_pointer (&self->ctor_index, g_hash_table_unref);
  g_clear_pointer (&self->taken, g_hash_table_unref);
  g_clear_pointer (&self->type_index, g_hash_table_unref);
  g_clear_pointer (&self->target_index, g_hash_table_unref);
  g_clear_pointer (&self->key_index, g_hash_table_unref);
  g_clear_pointer (&self->arg_index, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->ctors, g_ptr_array_unref);
  g_clear_pointer (&self->types, g_ptr_array_unref);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->runtime_args, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->choices, g_hash_table_unref);
  g_clear_pointer (&self->choice_lists, g_hash_table_unref);
  g_clear_pointer (&self->root_packages, g_ptr_array_unref);
  g_strfreev (self->init_jobs);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_free (self);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static guint32 mask_of (MsCatalog *self, char **targets);
static void mask_packages (MsCatalog *self, GPtrArray *packages);
static void mask_arg_uses (MsCatalog *self, GPtrArray *uses);

MsCatalog *
ms_catalog_load (const char *datadir,
                 const char *mirage_version,
                 GError    **error)
{
  g_autoptr(MsCatalog) self = g_new0 (MsCatalog, 1);
  g_autofree char *types_path = g_build_filename (datadir, "types.json", NULL);
  g_autofree char *targets_path = g_build_filename (datadir, "targets.json", NULL);
  g_autofree char *keys_path = g_build_filename (datadir, "keys.json", NULL);
  g_autofree char *args_path = g_build_filename (datadir, "runtime-args.json", NULL);
  g_autofree char *register_path = g_build_filename (datadir, "register.json", NULL);
  g_autofree char *devices_dir = g_build_filename (datadir, "devices", NULL);
  g_autoptr(JObj) types = NULL, targets = NULL, keys = NULL, args = NULL, reg = NULL;
  g_autoptr(JObj) overlay = NULL;
  g_autoptr(GPtrArray) device_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  gboolean patching;
  JObj *ov = NULL;
  Loader l = { 0 };
  const char *name;

  g_atomic_ref_count_init (&self->ref_count);
  self->strings = g_string_chunk_new (16384);
  self->mirage_version = g_string_chunk_insert_const (self->strings,
                                                      mirage_version ? mirage_version : "4.10");
  patching = g_strcmp0 (self->mirage_version, "4.10") != 0;
  if (patching)
    {
      g_autofree char *file = g_strdup_printf ("mirage-%s.json", self->mirage_version);
      g_autofree char *path = g_build_filename (datadir, file, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_NOT_FOUND,
                       _("unknown Mirage version “%s”: %s does not exist (known: 4.10, 4.11)"),
                       self->mirage_version, path);
          return NULL;
        }
      if (!(overlay = read_json (path, error)))
        return NULL;
      ov = (overlay);
    }

#define READ(var, path) \
  if (!(var = (read_json (path, error)))) return NULL
  READ (types, types_path);
  READ (targets, targets_path);
  READ (keys, keys_path);
  READ (args, args_path);
  READ (reg, register_path);
#undef READ

  if (ov != NULL)
    {
      patch_named_array ((types), "types", "name", get_object (ov, "types"));
      patch_named_array ((keys), "keys", "name", get_object (ov, "keys"));
      patch_named_array ((args), "runtime_args", "id", get_object (ov, "runtime_args"));
      if (get_object (ov, "register") != NULL)
        {
          JObj *patch = member (ov, "register");
          JObj *merged = merge_patch (reg, patch);
          json_object_put (reg);
          reg = merged;
        }
    }

  l.catalog = self;
  l.error = error;

  /* targets */
  {
    JObj *to = (targets);
    JObj *ta = get_array (to, "targets");
    JObj *groups = get_object (to, "groups");
    l.file = targets_path;
    self->targets = g_ptr_array_new_with_free_func (g_free);
    self->target_index = g_hash_table_new (g_str_hash, g_str_equal);
    self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_strfreev);
    for (guint i = 0; ta != NULL && i < arr_len (ta); i++)
      {
        JObj *o = arr_obj (ta, i);
        MsTarget *t = g_new0 (MsTarget, 1);
        t->name = dup_str_or (&l, o, "name", "");
        t->variant = dup_str_or (&l, o, "variant", "");
        t->group = dup_str_or (&l, o, "group", "");
        t->os_module = dup_str_or (&l, o, "os_module", "");
        t->binary_ext = dup_str_or (&l, o, "binary_ext", "");
        t->summary = dup_str_or (&l, o, "summary", "");
        g_ptr_array_add (self->targets, t);
        g_hash_table_insert (self->target_index, t->name, t);
      }
    if (groups != NULL)
      {
        g_autoptr(GList) gnames = obj_keys (groups);
        for (GList *g = gnames; g != NULL; g = g->next)
          g_hash_table_insert (self->groups,
                               g_string_chunk_insert_const (self->strings, g->data),
                               dup_strv (&l, groups, g->data));
      }
    self->default_target = dup_str_or (&l, to, "default", "unix");
    if (self->targets->len == 0)
      fail (&l, _("no targets"));
  }

  /* types */
  {
    JObj *ta = get_array ((types), "types");
    l.file = types_path;
    self->types = g_ptr_array_new_with_free_func (g_free);
    self->type_index = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; ta != NULL && i < arr_len (ta); i++)
      {
        JObj *o = arr_obj (ta, i);
        MsModuleType *t = g_new0 (MsModuleType, 1);
        t->name = dup_str_or (&l, o, "name", "");
        t->ocaml = dup_str_or (&l, o, "ocaml", t->name);
        t->module_type = dup_str_or (&l, o, "module_type", "");
        t->summary = dup_str_or (&l, o, "summary", "");
        t->description = dup_str_or (&l, o, "description", "");
        t->category = dup_str_or (&l, o, "category", "");
        t->mirage_alias = dup_str (&l, o, "mirage_alias");
        t->family = dup_str (&l, o, "family");
        t->version = dup_str (&l, o, "version");
        t->versioned = get_bool (o, "versioned");
        t->internal = get_bool (o, "internal");
        g_ptr_array_add (self->types, t);
        g_hash_table_insert (self->type_index, t->name, t);
      }
  }

  /* keys */
  {
    JObj *ka = get_array ((keys), "keys");
    l.file = keys_path;
    self->keys = g_ptr_array_new_with_free_func (g_free);
    self->key_index = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; ka != NULL && i < arr_len (ka); i++)
      {
        JObj *o = arr_obj (ka, i);
        MsKeyDef *k = g_new0 (MsKeyDef, 1);
        k->name = dup_str_or (&l, o, "name", "");
        k->grouped = get_bool (o, "grouped");
        k->type = dup_str_or (&l, o, "type", "string");
        k->default_value = dup_value (&l, o, "default");
        k->flag = dup_str_or (&l, o, "flag", k->name);
        k->doc = dup_str_or (&l, o, "doc", "");
        k->ocaml = dup_str (&l, o, "ocaml");
        g_ptr_array_add (self->keys, k);
        g_hash_table_insert (self->key_index, k->name, k);
      }
  }

  /* runtime args */
  {
    JObj *aa = get_array ((args), "runtime_args");
    l.file = args_path;
    self->runtime_args = g_ptr_array_new_with_free_func (g_free);
    self->arg_index = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; aa != NULL && i < arr_len (aa); i++)
      {
        MsRuntimeArgDef *d = parse_runtime_arg_def (&l, arr_obj (aa, i));
        g_ptr_array_add (self->runtime_args, d);
        g_hash_table_insert (self->arg_index, d->id, d);
      }
  }

  /* devices: files sorted by name so the order is stable */
  if (!(dir = g_dir_open (devices_dir, 0, error)))
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (device_files, g_strdup (name));
  g_ptr_array_sort (device_files, compare_strings);

  self->ctors = g_ptr_array_new_with_free_func (ctor_free);
  self->ctor_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->categories = g_ptr_array_new_with_free_func (g_free);
  {
    /* Patches for devices are applied to whichever file holds the entry;
     * devices new in the overlay land in the category they name. */
    JObj *dev_patches = ov ? get_object (ov, "devices") : NULL;
    g_autoptr(GHashTable) patched = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint f = 0; f < device_files->len; f++)
      {
        g_autofree char *path = g_build_filename (devices_dir, device_files->pdata[f], NULL);
        g_autoptr(JObj) root = read_json (path, error);
        JObj *ro;
        JObj *da;
        MsCategory *cat;

        if (root == NULL)
          return NULL;
        l.file = path;
        ro = (root);
        da = get_array (ro, "devices");
        cat = g_new0 (MsCategory, 1);
        cat->name = dup_str (&l, ro, "category");
        if (cat->name == NULL)
          {
            g_autofree char *base = g_strndup (device_files->pdata[f],
                                               strlen (device_files->pdata[f]) - 5);
            cat->name = g_string_chunk_insert_const (self->strings, base);
          }
        cat->title = dup_str_or (&l, ro, "title", cat->name);
        g_ptr_array_add (self->categories, cat);

        if (dev_patches != NULL && da != NULL)
          {
            /* only the patches whose entry is in this file, or new entries
             * that declare this category */
            g_autoptr(JObj) mine = json_object_new_object ();
            g_autoptr(GList) pnames = obj_keys (dev_patches);
            for (GList *p = pnames; p != NULL; p = p->next)
              {
                gboolean here = FALSE;
                JObj *pv = member (dev_patches, p->data);
                for (guint i = 0; i < arr_len (da); i++)
                  if (g_strcmp0 (get_str (arr_obj (da, i), "name"), p->data) == 0)
                    here = TRUE;
                if (!here && is_object (pv)
                    && g_strcmp0 (get_str ((pv), "category"), cat->name) == 0)
                  here = TRUE;
                if (here && !g_hash_table_contains (patched, p->data))
                  {
                    g_hash_table_add (patched, p->data);
                    json_object_object_add (mine, p->data, deep_copy (pv));
                  }
              }
            patch_named_array (ro, "devices", "name", mine);
            da = get_array (ro, "devices");
          }

        for (guint i = 0; da != NULL && i < arr_len (da); i++)
          {
            JObj *n = json_object_array_get_idx (da, i);
            MsConstructor *c;
            if (!is_object (n))
              continue;
            c = parse_ctor (&l, cat->name, (n));
            if (g_hash_table_contains (self->ctor_index, c->name))
              {
                fail (&l, _("device “%s” is defined twice"), c->name);
                ctor_free (c);
                continue;
              }
            g_ptr_array_add (self->ctors, c);
            g_hash_table_insert (self->ctor_index, c->name, c);
          }
      }
    if (dev_patches != NULL)
      {
        g_autoptr(GList) pnames = obj_keys (dev_patches);
        for (GList *p = pnames; p != NULL; p = p->next)
          if (!g_hash_table_contains (patched, p->data)
              && member (dev_patches, p->data) != NULL)
            fail (&l, _("mirage-%s.json patches unknown device “%s” (give a category for new ones)"),
                  self->mirage_version, (const char *) p->data);
      }
  }

  /* register */
  {
    JObj *ro = (reg);
    JObj *choices = get_object (ro, "choices");
    JObj *root = get_object (ro, "root");
    l.file = register_path;
    self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_hash_table_unref);
    self->choice_lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_strfreev);
    if (choices != NULL)
      {
        g_autoptr(GList) whats = obj_keys (choices);
        for (GList *w = whats; w != NULL; w = w->next)
          {
            JObj *co = get_object (choices, w->data);
            GHashTable *map = NULL;
            g_autoptr(GList) cnames = co ? obj_keys (co) : NULL;
            GPtrArray *list = g_ptr_array_new ();
            hash_from_object (&l, co, &map);
            for (GList *cn = cnames; cn != NULL; cn = cn->next)
              g_ptr_array_add (list, g_strdup (cn->data));
            g_ptr_array_add (list, NULL);
            g_hash_table_insert (self->choices,
                                 g_string_chunk_insert_const (self->strings, w->data), map);
            g_hash_table_insert (self->choice_lists,
                                 g_string_chunk_insert_const (self->strings, w->data),
                                 g_ptr_array_free (list, FALSE));
          }
      }
    self->default_level = dup_str_or (&l, ro, "default_level", "info");
    self->init_jobs = dup_strv (&l, ro, "init_jobs");
    if (self->init_jobs == NULL)
      self->init_jobs = g_new0 (char *, 1);
    self->root_module = dup_str_or (&l, root, "module", "Mirage_runtime");
    self->root_packages = parse_packages (&l, get_array (root, "packages"));
    self->version_comment = dup_str_or (&l, ro, "version_comment", "");
    if (ov != NULL && get_str (ov, "version_comment") != NULL)
      self->version_comment = dup_str (&l, ov, "version_comment");
  }

  /* constructors name each other, keys and variants; resolve the names
   * once, after all are read, so evaluation never looks them up */
  for (guint i = 0; i < self->ctors->len; i++)
    {
      MsConstructor *c = self->ctors->pdata[i];
      GHashTableIter it;
      gpointer v;
      guint n_keys = g_strv_length (c->keys);

      /* target lists become bit masks: evaluation filters by them per node */
      c->target_mask = mask_of (self, c->targets);
      mask_packages (self, c->packages);
      mask_arg_uses (self, c->runtime_args);
      c->key_defs = g_new0 (const MsKeyDef *, n_keys + 1);
      for (guint k = 0; k < n_keys; k++)
        c->key_defs[k] = g_hash_table_lookup (self->key_index, c->keys[k]);
      for (guint r = 0; r < c->select->len; r++)
        {
          MsSelectRule *rule = c->select->pdata[r];
          rule->variant = g_hash_table_lookup (c->variants, rule->use);
          for (guint k = 0; k < rule->conditions->len; k++)
            {
              MsCondition *cond = rule->conditions->pdata[k];
              cond->def = cond->key[0] == '@' ? NULL : g_hash_table_lookup (self->key_index, cond->key);
            }
        }

      g_hash_table_iter_init (&it, c->variants);
      while (g_hash_table_iter_next (&it, NULL, &v))
        {
          MsVariant *var = v;
          mask_packages (self, var->packages);
          mask_arg_uses (self, var->runtime_args);
          if (var->kind == MS_VARIANT_AS)
            var->as_def = g_hash_table_lookup (self->ctor_index, var->as);
          for (guint n = 0; var->nodes != NULL && n < var->nodes->len; n++)
            {
              MsSubNode *sub = var->nodes->pdata[n];
              sub->def = g_hash_table_lookup (self->ctor_index, sub->ctor);
            }
        }
    }

  mask_packages (self, self->root_packages);
  self->taken = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->ctors->len; i++)
    g_hash_table_add (self->taken, ((MsConstructor *) self->ctors->pdata[i])->name);
  for (guint i = 0; i < self->types->len; i++)
    g_hash_table_add (self->taken, ((MsModuleType *) self->types->pdata[i])->name);

  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&self);
}

MsCatalog *
ms_catalog_get_default (const char *mirage_version,
                        GError    **error)
{
  static GMutex lock;
  static GHashTable *cache;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autofree char *dir = NULL;
  const char *version = mirage_version ? mirage_version : "4.10";
  MsCatalog *cat;

  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  cat = g_hash_table_lookup (cache, version);
  if (cat != NULL)
    return ms_catalog_ref (cat);
  dir = ms_paths_get_catalog_dir ();
  cat = ms_catalog_load (dir, version, error);
  if (cat == NULL)
    return NULL;
  /* The cache keeps one reference for the life of the process. */
  g_hash_table_insert (cache, (char *) ms_catalog_get_mirage_version (cat), cat);
  return ms_catalog_ref (cat);
}

MsCatalog *
ms_catalog_ref (MsCatalog *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ms_catalog_unref (MsCatalog *self)
{
  if (self != NULL && g_atomic_ref_count_dec (&self->ref_count))
    catalog_free (self);
}

const char *ms_catalog_get_mirage_version (MsCatalog *self) { return self->mirage_version; }

static const char *const known_versions[] = { "4.10", "4.11", NULL };

const char *const *
ms_catalog_get_known_versions (void)
{
  return known_versions;
}

gboolean
ms_catalog_version_is_known (const char *version)
{
  return version != NULL && g_strv_contains (known_versions, version);
}

MsCatalog *
ms_catalog_find_version_with (MsCatalog *self, const char *ctor)
{
  /* newest first: the fix to suggest is the newest version that has it */
  for (int i = (int) G_N_ELEMENTS (known_versions) - 2; i >= 0; i--)
    {
      MsCatalog *other;
      if (g_str_equal (known_versions[i], self->mirage_version))
        continue;
      other = ms_catalog_get_default (known_versions[i], NULL);
      if (other != NULL && ms_catalog_lookup (other, ctor) != NULL)
        return other;
      g_clear_pointer (&other, ms_catalog_unref);
    }
  return NULL;
}
const char *ms_catalog_get_version_comment (MsCatalog *self) { return self->version_comment; }

const MsModuleType *
ms_catalog_lookup_type (MsCatalog *self, const char *name)
{
  return name ? g_hash_table_lookup (self->type_index, name) : NULL;
}

const MsTarget *
ms_catalog_lookup_target (MsCatalog *self, const char *name)
{
  return name ? g_hash_table_lookup (self->target_index, name) : NULL;
}

const MsKeyDef *
ms_catalog_lookup_key (MsCatalog *self, const char *name)
{
  return name ? g_hash_table_lookup (self->key_index, name) : NULL;
}

const MsRuntimeArgDef *
ms_catalog_lookup_runtime_arg (MsCatalog *self, const char *id)
{
  return id ? g_hash_table_lookup (self->arg_index, id) : NULL;
}

const MsConstructor *
ms_catalog_lookup (MsCatalog *self, const char *ctor)
{
  return ctor ? g_hash_table_lookup (self->ctor_index, ctor) : NULL;
}

gboolean
ms_catalog_name_is_taken (MsCatalog *self, const char *name)
{
  return name != NULL && g_hash_table_contains (self->taken, name);
}

GPtrArray *ms_catalog_get_types (MsCatalog *self) { return self->types; }
GPtrArray *ms_catalog_get_targets (MsCatalog *self) { return self->targets; }
GPtrArray *ms_catalog_get_keys (MsCatalog *self) { return self->keys; }
GPtrArray *ms_catalog_get_runtime_args (MsCatalog *self) { return self->runtime_args; }
GPtrArray *ms_catalog_get_constructors (MsCatalog *self) { return self->ctors; }
GPtrArray *ms_catalog_get_categories (MsCatalog *self) { return self->categories; }
const char *ms_catalog_get_default_target (MsCatalog *self) { return self->default_target; }

guint32
ms_catalog_target_bit (MsCatalog *self, const char *target)
{
  for (guint i = 0; i < self->targets->len && i < 31; i++)
    if (g_strcmp0 (((MsTarget *) self->targets->pdata[i])->name, target) == 0)
      return 1u << i;
  return 0;
}

static guint32
mask_of (MsCatalog *self, char **targets)
{
  guint32 mask = 0;

  if (targets == NULL)
    return MS_ALL_TARGETS;
  for (guint i = 0; targets[i] != NULL; i++)
    mask |= ms_catalog_target_bit (self, targets[i]);
  return mask;
}

static void
mask_packages (MsCatalog *self, GPtrArray *packages)
{
  for (guint i = 0; packages != NULL && i < packages->len; i++)
    {
      MsPackage *p = packages->pdata[i];
      p->target_mask = mask_of (self, p->targets);
    }
}

static void
mask_arg_uses (MsCatalog *self, GPtrArray *uses)
{
  for (guint i = 0; uses != NULL && i < uses->len; i++)
    {
      MsRuntimeArgUse *u = uses->pdata[i];
      u->target_mask = mask_of (self, u->targets);
    }
}

gboolean
ms_catalog_target_in (MsCatalog         *self,
                      const char        *target,
                      const char * const *targets)
{
  if (targets == NULL)
    return TRUE;
  return g_strv_contains (targets, target);
}

const char *
ms_catalog_get_register_choice (MsCatalog *self, const char *what, const char *choice)
{
  GHashTable *map = g_hash_table_lookup (self->choices, what);

  return map ? g_hash_table_lookup (map, choice) : NULL;
}

const char * const *
ms_catalog_get_register_choices (MsCatalog *self, const char *what)
{
  return g_hash_table_lookup (self->choice_lists, what);
}

const char *ms_catalog_get_default_level (MsCatalog *self) { return self->default_level; }
const char * const *ms_catalog_get_init_jobs (MsCatalog *self) { return (const char * const *) self->init_jobs; }
const char *ms_catalog_get_root_module (MsCatalog *self) { return self->root_module; }
GPtrArray *ms_catalog_get_root_packages (MsCatalog *self) { return self->root_packages; }

const MsArgument *
ms_constructor_find_param (const MsConstructor *ctor, const char *name)
{
  for (guint i = 0; i < ctor->params->len; i++)
    {
      const MsArgument *a = ctor->params->pdata[i];
      if (g_strcmp0 (a->name, name) == 0)
        return a;
    }
  return NULL;
}

const MsArgument *
ms_constructor_find_option (const MsConstructor *ctor, const char *name)
{
  for (guint i = 0; i < ctor->options->len; i++)
    {
      const MsArgument *a = ctor->options->pdata[i];
      if (g_strcmp0 (a->name, name) == 0)
        return a;
    }
  return NULL;
}

gboolean
ms_constructor_is_key_dependent (const MsConstructor *ctor)
{
  return ctor->select->len > 0;
}

/* ---- packages outside the catalog (custom devices) ---------------------- */

MsPackage *
ms_package_new (const char *name, const char *min, const char *max)
{
  MsPackage *p = g_new0 (MsPackage, 1);

  /* Custom packages own their strings, unlike catalog ones that live in
   * the catalog's string chunk; ms_package_free only frees owned ones. */
  p->name = g_strdup (name);
  p->min = g_strdup (min);
  p->max = g_strdup (max);
  p->libraries = g_new0 (char *, 2);
  p->libraries[0] = g_strdup (name);
  p->target_mask = MS_ALL_TARGETS;
  return p;
}

MsPackage *
ms_package_copy (const MsPackage *p)
{
  MsPackage *c = ms_package_new (p->name, p->min, p->max);

  c->switch_scope = p->switch_scope;
  c->build = p->build;
  g_strfreev (c->libraries);
  c->libraries = g_strdupv (p->libraries);
  c->targets = g_strdupv (p->targets);
  c->target_mask = p->target_mask;
  return c;
}

void
ms_package_free (MsPackage *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->min);
  g_free (p->max);
  g_strfreev (p->libraries);
  g_strfreev (p->targets);
  g_free (p);
}

static gboolean
package_name_is_valid (const char *name)
{
  gboolean letter = FALSE;

  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *c = name; *c; c++)
    {
      if (g_ascii_isalpha (*c))
        letter = TRUE;
      else if (!g_ascii_isdigit (*c) && *c != '_' && *c != '-')
        return FALSE;
    }
  return letter;
}

MsPackage *
ms_package_parse (const char *text, GError **error)
{
  g_auto(GStrv) words = g_strsplit_set (text ? text : "", " \t", -1);
  g_autoptr(MsPackage) p = NULL;
  guint i = 0;

  while (words[i] != NULL && *words[i] == '\0')
    i++;
  if (words[i] == NULL || !package_name_is_valid (words[i]))
    {
      g_set_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID,
                   _("“%s” is not a package: expected NAME [>= MIN] [< MAX] [{build}] [{switch}] "
                   "with NAME made of letters, digits, - and _"), text ? text : "");
      return NULL;
    }
  p = ms_package_new (words[i++], NULL, NULL);
  for (; words[i] != NULL; i++)
    {
      const char *w = words[i];
      if (*w == '\0')
        continue;
      if ((g_str_equal (w, ">=") || g_str_equal (w, "<")) && words[i + 1] != NULL && *words[i + 1])
        {
          char **slot = g_str_equal (w, ">=") ? &p->min : &p->max;
          g_free (*slot);
          *slot = g_strdup (words[++i]);
        }
      else if (g_str_equal (w, "{build}"))
        {
          p->build = TRUE;
          g_clear_pointer (&p->libraries, g_strfreev);
          p->libraries = g_new0 (char *, 1);
        }
      else if (g_str_equal (w, "{switch}"))
        p->switch_scope = TRUE;
      else if (g_str_has_prefix (w, "{libs:") && g_str_has_suffix (w, "}"))
        {
          g_autofree char *inner = g_strndup (w + 6, strlen (w) - 7);
          g_strfreev (p->libraries);
          p->libraries = g_strsplit (inner, ",", -1);
        }
      else
        {
          g_set_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID,
                       _("“%s” is not a package: did not understand “%s” "
                       "(expected >= MIN, < MAX, {build}, {switch} or {libs:a,b})"), text, w);
          return NULL;
        }
    }
  return g_steal_pointer (&p);
}

char *
ms_package_to_string (const MsPackage *p)
{
  GString *s = g_string_new (p->name);
  gboolean default_libs = p->libraries != NULL
                          && ((p->build && p->libraries[0] == NULL)
                              || (!p->build && p->libraries[0] != NULL
                                  && g_str_equal (p->libraries[0], p->name)
                                  && p->libraries[1] == NULL));

  if (p->min)
    g_string_append_printf (s, " >= %s", p->min);
  if (p->max)
    g_string_append_printf (s, " < %s", p->max);
  if (p->build)
    g_string_append (s, " {build}");
  if (p->switch_scope)
    g_string_append (s, " {switch}");
  if (!default_libs && p->libraries != NULL)
    {
      g_autofree char *libs = g_strjoinv (",", p->libraries);
      g_string_append_printf (s, " {libs:%s}", libs);
    }
  return g_string_free (s, FALSE);
}
