/* ms-json.c: the JSON that mstudio prints with --json.
 *
 * These forms are a promise to scripts (docs/json.md): each object starts
 * with "format" and "version", members come in a fixed order, absent
 * values are null rather than missing, and lists are sorted wherever the
 * model itself has no order (options, settings, devices by name), so the
 * same project always gives the same bytes.
 *
 * Built with json-c, which replaced JSON-GLib here: the catalog loader
 * (ms-catalog.c) already reads with json-c because it parses faster, and
 * linking both libraries made them clash on an exported symbol
 * (json_object_get_type is json-c's type getter and JSON-GLib's GType
 * function), so the program depended on link order to call the right one.
 * One JSON library now.
 * json-c keeps members in insertion order, which is what makes the output
 * deterministic here. Never call json_object_get_type(); use
 * json_object_is_type().
 */
#include "ms-json.h"
#include "ms-text.h"

#include <math.h>
#include <string.h>

#include "ms-diagnostic.h"
#include "ms-type.h"

typedef struct json_object JObj;

/* ---- small builders -------------------------------------------------------------- */

/* A JSON string, or null for NULL. json-c copies bytes as they are, so
 * text that is not UTF-8 (a project file may hold anything) is repaired
 * with U+FFFD here: the output must stay valid JSON. */
static JObj *
new_string (const char *value)
{
  if (value == NULL)
    return NULL;
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *fixed = g_utf8_make_valid (value, -1);
      return json_object_new_string (fixed);
    }
  return json_object_new_string (value);
}

static void
add (JObj *o, const char *member, JObj *value)
{
  json_object_object_add (o, member, value);
}

static void
add_string (JObj *o, const char *member, const char *value)
{
  add (o, member, new_string (value));
}

static void
add_int (JObj *o, const char *member, gint64 value)
{
  add (o, member, json_object_new_int64 (value));
}

static void
add_bool (JObj *o, const char *member, gboolean value)
{
  add (o, member, json_object_new_boolean (value));
}

/* JSON has no NaN or infinities: those are null. */
static void
add_double (JObj *o, const char *member, double value)
{
  add (o, member, isfinite (value) ? json_object_new_double (value) : NULL);
}

static void
push (JObj *array, JObj *value)
{
  json_object_array_add (array, value);
}

static void
push_string (JObj *array, const char *value)
{
  push (array, new_string (value));
}

static JObj *
add_object (JObj *o, const char *member)
{
  JObj *v = json_object_new_object ();

  add (o, member, v);
  return v;
}

static JObj *
add_array (JObj *o, const char *member)
{
  JObj *v = json_object_new_array ();

  add (o, member, v);
  return v;
}

static JObj *
push_object (JObj *array)
{
  JObj *v = json_object_new_object ();

  push (array, v);
  return v;
}

/* A NULL strv is null: for targets it means "every target". */
static void
add_strv_or_null (JObj *o, const char *member, char **values)
{
  JObj *a;

  if (values == NULL)
    {
      add (o, member, NULL);
      return;
    }
  a = add_array (o, member);
  for (guint i = 0; values[i] != NULL; i++)
    push_string (a, values[i]);
}

static void
add_strv (JObj *o, const char *member, char **values)
{
  JObj *a = add_array (o, member);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    push_string (a, values[i]);
}

static void
add_ids (JObj *o, const char *member, GArray *ids)
{
  JObj *a = add_array (o, member);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    push (a, json_object_new_int64 (g_array_index (ids, guint, i)));
}

static void
add_id_list (JObj *o, const char *member, const guint *ids, guint n)
{
  JObj *a = add_array (o, member);

  for (guint i = 0; i < n; i++)
    push (a, json_object_new_int64 (ids[i]));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Parallel name and value arrays as an object with sorted members. */
static void
add_sorted_pairs (JObj *o, const char *member, const char *const *names,
                  const char *const *values, guint n)
{
  g_autofree guint *order = g_new (guint, n + 1);
  JObj *m = add_object (o, member);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  /* few options per node: insertion sort keeps it simple */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && strcmp (names[order[j - 1]], names[order[j]]) > 0; j--)
      {
        guint t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (guint i = 0; i < n; i++)
    add_string (m, names[order[i]], values[order[i]]);
}

/* A string -> string table as an object with sorted members. */
static void
add_sorted_map (JObj *o, const char *member, GHashTable *map)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;
  JObj *m;

  if (map != NULL)
    {
      g_hash_table_iter_init (&it, map);
      while (g_hash_table_iter_next (&it, &k, NULL))
        g_ptr_array_add (keys, k);
    }
  g_ptr_array_sort (keys, compare_strings);
  m = add_object (o, member);
  for (guint i = 0; i < keys->len; i++)
    add_string (m, keys->pdata[i], g_hash_table_lookup (map, keys->pdata[i]));
}

static JObj *
new_root (const char *format)
{
  JObj *o = json_object_new_object ();

  add_string (o, "format", format);
  add_int (o, "version", MS_JSON_VERSION);
  return o;
}

/* ---- diagnostics --------------------------------------------------------------------- */

static void
push_diagnostic (JObj *array, const MsDiagnostic *d)
{
  JObj *o = push_object (array);

  add_string (o, "code", d->code);
  add_string (o, "severity", ms_severity_to_string (d->severity));
  add_string (o, "message", d->message);
  add_string (o, "device", d->device);
  add_string (o, "port", d->port);
  add_string (o, "option", d->option);
  add_string (o, "setting", d->setting);
  add_strv (o, "related", d->related);
}

JObj *
ms_json_diagnostics (GPtrArray *diagnostics, const char *project)
{
  JObj *root = new_root ("mirage-studio/diagnostics");
  JObj *list;

  add_string (root, "project", project);
  list = add_array (root, "diagnostics");
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    push_diagnostic (list, diagnostics->pdata[i]);
  add_int (root, "errors", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_ERROR) : 0);
  add_int (root, "warnings", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_WARNING) : 0);
  add_int (root, "infos", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_INFO) : 0);
  return root;
}

/* ---- catalog ---------------------------------------------------------------------------- */

gboolean
ms_json_type_filter_matches (MsCatalog *catalog, const char *result, const char *type_filter)
{
  MsType r, f;
  int n = 0;

  if (type_filter == NULL)
    return TRUE;
  if (result == NULL
      || !ms_type_parse (catalog, result, &r, &n, NULL, NULL)
      || !ms_type_parse (catalog, type_filter, &f, &n, NULL, NULL))
    return FALSE;
  if (g_strcmp0 (r.family, f.family) != 0)
    return FALSE;
  return r.var >= 0 || f.var >= 0 || r.version == f.version;
}

static const char *
ctor_kind_name (MsCtorKind kind)
{
  switch (kind)
    {
    case MS_CTOR_CUSTOM: return "custom";
    case MS_CTOR_INTERNAL: return "internal";
    case MS_CTOR_DEVICE:
    default: return "device";
    }
}

static const char *
label_name (MsLabel label)
{
  switch (label)
    {
    case MS_LABEL_OPTIONAL: return "optional";
    case MS_LABEL_LABELLED: return "labelled";
    case MS_LABEL_POSITIONAL:
    default: return "positional";
    }
}

static void
push_package (JObj *array, const MsPackage *p)
{
  JObj *o = push_object (array);

  add_string (o, "name", p->name);
  add_string (o, "min", p->min);
  add_string (o, "max", p->max);
  add_string (o, "scope", p->switch_scope ? "switch" : "monorepo");
  add_bool (o, "build", p->build);
  add_strv (o, "libraries", p->libraries);
  add_strv_or_null (o, "targets", p->targets);
}

static void
add_packages (JObj *o, const char *member, GPtrArray *packages)
{
  JObj *a = add_array (o, member);

  for (guint i = 0; packages != NULL && i < packages->len; i++)
    push_package (a, packages->pdata[i]);
}

static void
push_constructor (JObj *array, const MsConstructor *c)
{
  JObj *o = push_object (array);
  JObj *list;

  add_string (o, "name", c->name);
  add_string (o, "category", c->category);
  add_string (o, "kind", ctor_kind_name (c->kind));
  add_string (o, "summary", c->summary);
  add_string (o, "result", c->result);
  add_string (o, "deprecated", c->deprecated);

  list = add_array (o, "parameters");
  for (guint i = 0; c->params != NULL && i < c->params->len; i++)
    {
      const MsArgument *a = c->params->pdata[i];
      JObj *p = push_object (list);
      add_string (p, "name", a->name);
      add_string (p, "type", a->type);
      add_bool (p, "optional", a->label == MS_LABEL_OPTIONAL);
    }

  list = add_array (o, "options");
  for (guint i = 0; c->options != NULL && i < c->options->len; i++)
    {
      const MsArgument *a = c->options->pdata[i];
      JObj *p = push_object (list);
      add_string (p, "name", a->name);
      add_string (p, "type", a->type);
      add_string (p, "default", a->default_value && *a->default_value ? a->default_value : NULL);
      add_bool (p, "required", a->required);
      add_string (p, "label", label_name (a->label));
    }

  add_strv (o, "keys", c->keys);

  list = add_array (o, "runtime_args");
  for (guint i = 0; c->runtime_args != NULL && i < c->runtime_args->len; i++)
    {
      const MsRuntimeArgUse *u = c->runtime_args->pdata[i];
      JObj *p = push_object (list);
      add_string (p, "id", u->def ? u->def->id : NULL);
      add_string (p, "flag", u->def ? u->def->flag : NULL);
      add_string (p, "type", u->def ? u->def->type : NULL);
      add_string (p, "default", u->default_value ? u->default_value : u->def ? u->def->default_value : NULL);
      add_strv_or_null (p, "targets", u->targets);
    }

  add_packages (o, "packages", c->packages);
  add_strv_or_null (o, "targets", c->targets);
  add_bool (o, "key_dependent", ms_constructor_is_key_dependent (c));
  add_string (o, "module", c->module && *c->module ? c->module : NULL);
  add_string (o, "functor", c->functor);
}

JObj *
ms_json_catalog (MsCatalog *catalog, const char *type_filter)
{
  JObj *root = new_root ("mirage-studio/catalog");
  GPtrArray *types = ms_catalog_get_types (catalog);
  GPtrArray *targets = ms_catalog_get_targets (catalog);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);
  GPtrArray *cats = ms_catalog_get_categories (catalog);
  JObj *list;

  add_string (root, "mirage", ms_catalog_get_mirage_version (catalog));
  add_string (root, "filter", type_filter);

  list = add_array (root, "types");
  for (guint i = 0; i < types->len; i++)
    {
      const MsModuleType *t = types->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", t->name);
      add_string (o, "ocaml", t->ocaml);
      add_string (o, "module_type", t->module_type);
      add_string (o, "summary", t->summary);
      add_string (o, "category", t->category);
      add_string (o, "mirage_alias", t->mirage_alias);
      add_string (o, "family", t->family);
      add_string (o, "ip_version", t->version);
      add_bool (o, "versioned", t->versioned);
      add_bool (o, "internal", t->internal);
    }

  list = add_array (root, "targets");
  for (guint i = 0; i < targets->len; i++)
    {
      const MsTarget *t = targets->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", t->name);
      add_string (o, "group", t->group);
      add_string (o, "summary", t->summary);
      add_bool (o, "default", g_strcmp0 (t->name, ms_catalog_get_default_target (catalog)) == 0);
    }

  list = add_array (root, "categories");
  for (guint i = 0; i < cats->len; i++)
    {
      const MsCategory *c = cats->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", c->name);
      add_string (o, "title", c->title);
    }

  list = add_array (root, "constructors");
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      if (type_filter != NULL && !ms_json_type_filter_matches (catalog, c->result, type_filter))
        continue;
      push_constructor (list, c);
    }
  return root;
}

/* ---- document ------------------------------------------------------------------------------ */

static const char *
device_name (MsDocument *doc, guint id)
{
  const MsDevice *d = ms_document_get_device (doc, id);

  return d ? d->name : NULL;
}

/* A copy of the pointers only, to sort: g_ptr_array_copy would carry the
 * original's free function along and free the elements twice. */
static GPtrArray *
borrow_array (GPtrArray *from)
{
  GPtrArray *a = g_ptr_array_sized_new (from->len);

  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (a, from->pdata[i]);
  return a;
}

static int
compare_devices (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsDevice * const *) a)->name, (*(MsDevice * const *) b)->name);
}

static void
add_custom (JObj *o, MsDocument *doc, const MsCustom *c)
{
  JObj *custom, *list;

  if (c == NULL)
    {
      add (o, "custom", NULL);
      return;
    }
  custom = add_object (o, "custom");
  add_string (custom, "module", c->module);
  add_string (custom, "signature", c->signature);
  list = add_array (custom, "packages");
  for (guint i = 0; c->packages != NULL && i < c->packages->len; i++)
    {
      g_autofree char *text = ms_package_to_string (c->packages->pdata[i]);
      push_string (list, text);
    }
  list = add_array (custom, "runtime_args");
  for (guint i = 0; c->runtime_args != NULL && i < c->runtime_args->len; i++)
    {
      const MsArgDecl *a = c->runtime_args->pdata[i];
      JObj *arg = push_object (list);
      add_string (arg, "name", a->name);
      add_string (arg, "type", a->type);
      add_string (arg, "default", a->default_value);
      add_string (arg, "doc", a->doc);
    }
  list = add_array (custom, "deps");
  for (guint i = 0; c->deps != NULL && i < c->deps->len; i++)
    {
      const char *n = device_name (doc, g_array_index (c->deps, guint, i));
      if (n != NULL)
        push_string (list, n);
    }
  /* format 3 (docs/json.md): present on every custom device */
  if (c->connect != NULL)
    add_string (custom, "connect", c->connect);
  else
    add (custom, "connect", NULL);
  list = add_array (custom, "local_libs");
  for (guint i = 0; i < c->local_libs->len; i++)
    push_string (list, c->local_libs->pdata[i]);
  list = add_array (custom, "keys");
  for (guint i = 0; i < c->keys->len; i++)
    push_string (list, c->keys->pdata[i]);
  list = add_array (custom, "labelled");
  for (guint i = 0; i < c->labelled->len; i++)
    {
      const MsLabelled *l = c->labelled->pdata[i];
      JObj *lo = push_object (list);
      add_string (lo, "label", l->label);
      add_string (lo, "code", l->code);
    }
  if (c->choice != NULL)
    {
      JObj *ch = add_object (custom, "choice");
      add_string (ch, "key", c->choice->key);
      if (c->choice->predicate != NULL)
        add_string (ch, "predicate", c->choice->predicate);
      else
        add (ch, "predicate", NULL);
      list = add_array (ch, "cases");
      for (guint i = 0; i < c->choice->cases->len; i++)
        push_string (list, c->choice->cases->pdata[i]);
      add_bool (ch, "default", c->choice->has_default);
    }
  else
    add (custom, "choice", NULL);
}

static void
add_decls (JObj *root, MsDocument *doc)
{
  g_autoptr(GPtrArray) types = ms_document_get_decls (doc, MS_DECL_TYPE);
  g_autoptr(GPtrArray) keys = ms_document_get_decls (doc, MS_DECL_KEY);
  JObj *list = add_array (root, "types");

  for (guint i = 0; i < types->len; i++)
    {
      const MsDecl *d = types->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", d->name);
      add_string (o, "constructor", d->constructor);
    }
  list = add_array (root, "keys");
  for (guint i = 0; i < keys->len; i++)
    {
      const MsDecl *d = keys->pdata[i];
      JObj *o = push_object (list), *flags;
      add_string (o, "name", d->name);
      add_string (o, "binding", d->binding);
      add_string (o, "kind", d->arg_kind);
      add_string (o, "conv", d->conv);
      add_string (o, "default", d->default_value);
      add_string (o, "group", d->group);
      add_string (o, "doc", d->doc);
      add_string (o, "docv", d->docv);
      flags = add_array (o, "flags");
      for (guint j = 0; j < d->flags->len; j++)
        push_string (flags, d->flags->pdata[j]);
    }
}

JObj *
ms_json_document (MsDocument *doc)
{
  JObj *root = new_root ("mirage-studio/project");
  g_autoptr(GPtrArray) devices = borrow_array (ms_document_get_devices (doc));
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) conn_sorted = borrow_array (conns);
  JObj *map, *list;

  g_ptr_array_sort (devices, compare_devices);

  add_string (root, "name", ms_document_get_app_name (doc));
  add_string (root, "target", ms_document_get_target (doc));
  add_string (root, "mirage", ms_document_get_mirage_version (doc));

  map = add_object (root, "settings");
  for (guint i = 0; i < settings->len; i++)
    {
      const char *name = settings->pdata[i];
      const char *value = ms_document_get_setting (doc, name);
      if (g_str_equal (name, MS_SETTING_JOBS))
        {
          /* ids mean nothing outside the file: jobs are listed by name below */
          continue;
        }
      add_string (map, name, value);
    }

  list = add_array (root, "jobs");
  for (guint i = 0; i < jobs->len; i++)
    {
      const char *n = device_name (doc, g_array_index (jobs, guint, i));
      if (n != NULL)
        push_string (list, n);
    }

  list = add_array (root, "devices");
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", d->name);
      add_string (o, "constructor", d->ctor);
      add_sorted_map (o, "options", d->options);
      if (d->placed)
        {
          JObj *pos = add_object (o, "position");
          add_double (pos, "x", d->x);
          add_double (pos, "y", d->y);
        }
      else
        add (o, "position", NULL);
      add_custom (o, doc, d->custom);
    }

  /* connections by target name, then in the document's parameter order */
  list = add_array (root, "connections");
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *t = devices->pdata[i];
      for (guint j = 0; j < conn_sorted->len; j++)
        {
          const MsConnection *c = conn_sorted->pdata[j];
          JObj *o;
          if (c->target != t->id)
            continue;
          o = push_object (list);
          add_string (o, "source", device_name (doc, c->source));
          add_string (o, "target", t->name);
          add_string (o, "param", c->param);
        }
    }
  add_decls (root, doc);
  return root;
}

/* ---- evaluated graph ------------------------------------------------------------------------- */

static void
push_eval_arg (JObj *array, const MsEvalArg *a)
{
  JObj *o = push_object (array);

  add_string (o, "name", a->name);
  add_string (o, "type", a->type);
  add_string (o, "default", a->default_value);
  add_bool (o, "overridden", a->overridden);
  add_string (o, "doc", a->doc);
  add_string (o, "docv", a->docv);
  add_string (o, "section", a->section);
  add_string (o, "code", a->code);
  add_string (o, "id", a->id);
  add_string (o, "group", a->group);
}

char *
ms_json_opam_constraint (const MsEvalPackage *p)
{
  GString *s = g_string_new (NULL);
  GString *f = g_string_new (NULL);

  g_string_append_printf (s, "\"%s\"", p->name);
  if (!p->switch_scope)
    g_string_append (f, "?monorepo");
  if (p->build)
    g_string_append_printf (f, "%sbuild", f->len ? " & " : "");
  if (p->min)
    g_string_append_printf (f, "%s>= \"%s\"", f->len ? " & " : "", p->min);
  if (p->max)
    g_string_append_printf (f, "%s< \"%s\"", f->len ? " & " : "", p->max);
  if (f->len)
    g_string_append_printf (s, " { %s }", f->str);
  g_string_free (f, TRUE);
  return g_string_free (s, FALSE);
}

JObj *
ms_json_eval (MsEvalGraph *graph)
{
  JObj *root = new_root ("mirage-studio/evaluation");
  JObj *list;

  add_string (root, "name", graph->app_name);
  add_string (root, "target", graph->target);

  list = add_array (root, "nodes");
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const MsEvalNode *n = graph->nodes->pdata[i];
      g_autofree char *value = ms_eval_node_value_name (n);
      JObj *o = push_object (list);
      JObj *a;
      add_int (o, "id", n->id);
      add_string (o, "value", value);
      add_string (o, "constructor", n->ctor ? n->ctor->name : NULL);
      add_string (o, "variant", n->variant);
      add_string (o, "device", n->device);
      add_string (o, "role", n->role);
      add_string (o, "module", n->module);
      add_string (o, "functor", n->functor);
      add_string (o, "connect", n->connect);
      a = add_array (o, "args");
      for (guint j = 0; n->args != NULL && j < n->n_args; j++)
        {
          JObj *arg = push_object (a);
          add_string (arg, "param", n->arg_params && j < n->n_args ? n->arg_params[j] : NULL);
          add_int (arg, "node", n->args[j]);
        }
      add_id_list (o, "deps", n->deps, n->n_deps);
      add_bool (o, "reachable", n->reachable);
      a = add_array (o, "runtime_args");
      for (guint j = 0; n->runtime_args != NULL && j < n->n_runtime_args; j++)
        push_string (a, ((MsEvalArg *) n->runtime_args[j])->name);
      a = add_array (o, "packages");
      for (guint j = 0; n->packages != NULL && j < n->n_packages; j++)
        push_string (a, ((MsPackage *) n->packages[j])->name);
      a = add_array (o, "keys");
      for (guint j = 0; n->keys != NULL && j < n->n_keys; j++)
        push_string (a, n->keys[j]);
      add_sorted_pairs (o, "options", n->option_names, n->option_values, n->n_options);
    }

  add_int (root, "root", graph->root);
  add_ids (root, "jobs", graph->jobs);
  add_ids (root, "init", graph->init);

  list = add_array (root, "packages");
  for (guint i = 0; i < graph->packages->len; i++)
    {
      const MsEvalPackage *p = graph->packages->pdata[i];
      g_autofree char *opam = ms_json_opam_constraint (p);
      JObj *o = push_object (list);
      add_string (o, "name", p->name);
      add_string (o, "min", p->min);
      add_string (o, "max", p->max);
      add_string (o, "scope", p->switch_scope ? "switch" : "monorepo");
      add_bool (o, "build", p->build);
      add_strv (o, "libraries", p->libraries);
      add_strv (o, "used_by", (char **) p->used_by);
      add_string (o, "opam", opam);
    }

  list = add_array (root, "keys");
  for (guint i = 0; i < graph->keys->len; i++)
    {
      const MsEvalKey *k = graph->keys->pdata[i];
      JObj *o = push_object (list);
      add_string (o, "name", k->name);
      add_string (o, "type", k->type);
      add_string (o, "value", k->value);
      add_bool (o, "default", k->is_default);
      add_string (o, "doc", k->doc);
    }

  list = add_array (root, "runtime_args");
  for (guint i = 0; i < graph->runtime_args->len; i++)
    push_eval_arg (list, graph->runtime_args->pdata[i]);

  list = add_array (root, "diagnostics");
  for (guint i = 0; graph->diagnostics != NULL && i < graph->diagnostics->len; i++)
    push_diagnostic (list, graph->diagnostics->pdata[i]);
  return root;
}

/* ---- printing ------------------------------------------------------------------------------- */

/* json-c's pretty printer opens an empty container on one line and closes
 * it, indented, on the next; these print it as {} or []. */
static int
print_empty_object (JObj *o, struct printbuf *pb, int level, int flags)
{
  return printbuf_strappend (pb, "{}");
}

static int
print_empty_array (JObj *o, struct printbuf *pb, int level, int flags)
{
  return printbuf_strappend (pb, "[]");
}

static void
mark_empty_containers (JObj *v)
{
  if (json_object_is_type (v, json_type_object))
    {
      if (json_object_object_length (v) == 0)
        {
          json_object_set_serializer (v, print_empty_object, NULL, NULL);
          return;
        }
      json_object_object_foreach (v, key, member)
        {
          (void) key;
          mark_empty_containers (member);
        }
    }
  else if (json_object_is_type (v, json_type_array))
    {
      size_t len = json_object_array_length (v);

      if (len == 0)
        {
          json_object_set_serializer (v, print_empty_array, NULL, NULL);
          return;
        }
      for (size_t i = 0; i < len; i++)
        mark_empty_containers (json_object_array_get_idx (v, i));
    }
}

char *
ms_json_to_string (JObj *root)
{
  const char *text;
  GString *out;

  mark_empty_containers (root);
  text = json_object_to_json_string_ext (root,
                                         JSON_C_TO_STRING_PRETTY
                                         | JSON_C_TO_STRING_SPACED
                                         | JSON_C_TO_STRING_NOSLASHESCAPE);
  out = g_string_sized_new (strlen (text) + 1);
  /* json-c escapes the C0 controls (\n, \u001f) but writes DEL, C1
   * controls, bidi controls, zero-width characters, BOM and U+2028 as
   * they are; escape them too (ms-text.h), as terminals may act on them or
   * hide them. They can only be inside strings: the structure is ASCII
   * punctuation, digits and spaces. json-c's output is valid UTF-8 when
   * its input was, and invalid bytes are copied as they are. */
  for (const char *p = text; *p;)
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) (guchar) *p : g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (c == 0x7f || (c >= 0x80 && !ms_text_unichar_is_visible (c)))
        ms_text_append_json_escape (out, c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
