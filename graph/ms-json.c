/* ms-json.c: the JSON that mstudio prints with --json.
 *
 * These forms are a promise to scripts (docs/json.md): each object starts
 * with "format" and "version", members come in a fixed order, absent
 * values are null rather than missing, and lists are sorted wherever the
 * model itself has no order (options, settings, devices by name), so the
 * same project always gives the same bytes.
 */
#include "ms-json.h"

#include <string.h>

#include "ms-diagnostic.h"
#include "ms-type.h"

/* ---- small builders -------------------------------------------------------------- */

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

/* A NULL strv is null: for targets it means "every target". */
static void
add_strv_or_null (JsonBuilder *b, const char *member, char **values)
{
  json_builder_set_member_name (b, member);
  if (values == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
add_strv (JsonBuilder *b, const char *member, char **values)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
add_ids (JsonBuilder *b, const char *member, GArray *ids)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    json_builder_add_int_value (b, g_array_index (ids, guint, i));
  json_builder_end_array (b);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A string -> string table as an object with sorted members. */
static void
add_sorted_map (JsonBuilder *b, const char *member, GHashTable *map)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;

  if (map != NULL)
    {
      g_hash_table_iter_init (&it, map);
      while (g_hash_table_iter_next (&it, &k, NULL))
        g_ptr_array_add (keys, k);
    }
  g_ptr_array_sort (keys, compare_strings);
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    add_string (b, keys->pdata[i], g_hash_table_lookup (map, keys->pdata[i]));
  json_builder_end_object (b);
}

static void
add_header (JsonBuilder *b, const char *format)
{
  add_string (b, "format", format);
  add_int (b, "version", MS_JSON_VERSION);
}

static JsonNode *
finish (JsonBuilder *b)
{
  return json_builder_get_root (b);
}

/* ---- diagnostics --------------------------------------------------------------------- */

static void
add_diagnostic (JsonBuilder *b, const MsDiagnostic *d)
{
  json_builder_begin_object (b);
  add_string (b, "code", d->code);
  add_string (b, "severity", ms_severity_to_string (d->severity));
  add_string (b, "message", d->message);
  add_string (b, "device", d->device);
  add_string (b, "port", d->port);
  add_string (b, "option", d->option);
  add_string (b, "setting", d->setting);
  add_strv (b, "related", d->related);
  json_builder_end_object (b);
}

JsonNode *
ms_json_diagnostics (GPtrArray *diagnostics, const char *project)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_header (b, "mirage-studio/diagnostics");
  add_string (b, "project", project);
  json_builder_set_member_name (b, "diagnostics");
  json_builder_begin_array (b);
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    add_diagnostic (b, diagnostics->pdata[i]);
  json_builder_end_array (b);
  add_int (b, "errors", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_ERROR) : 0);
  add_int (b, "warnings", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_WARNING) : 0);
  add_int (b, "infos", diagnostics ? ms_diagnostics_count (diagnostics, MS_SEVERITY_INFO) : 0);
  json_builder_end_object (b);
  return finish (b);
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
add_package (JsonBuilder *b, const MsPackage *p)
{
  json_builder_begin_object (b);
  add_string (b, "name", p->name);
  add_string (b, "min", p->min);
  add_string (b, "max", p->max);
  add_string (b, "scope", p->switch_scope ? "switch" : "monorepo");
  add_bool (b, "build", p->build);
  add_strv (b, "libraries", p->libraries);
  add_strv_or_null (b, "targets", p->targets);
  json_builder_end_object (b);
}

static void
add_packages (JsonBuilder *b, const char *member, GPtrArray *packages)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; packages != NULL && i < packages->len; i++)
    add_package (b, packages->pdata[i]);
  json_builder_end_array (b);
}

static void
add_constructor (JsonBuilder *b, const MsConstructor *c)
{
  json_builder_begin_object (b);
  add_string (b, "name", c->name);
  add_string (b, "category", c->category);
  add_string (b, "kind", ctor_kind_name (c->kind));
  add_string (b, "summary", c->summary);
  add_string (b, "result", c->result);
  add_string (b, "deprecated", c->deprecated);

  json_builder_set_member_name (b, "parameters");
  json_builder_begin_array (b);
  for (guint i = 0; c->params != NULL && i < c->params->len; i++)
    {
      const MsArgument *a = c->params->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", a->name);
      add_string (b, "type", a->type);
      add_bool (b, "optional", a->label == MS_LABEL_OPTIONAL);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "options");
  json_builder_begin_array (b);
  for (guint i = 0; c->options != NULL && i < c->options->len; i++)
    {
      const MsArgument *a = c->options->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", a->name);
      add_string (b, "type", a->type);
      add_string (b, "default", a->default_value && *a->default_value ? a->default_value : NULL);
      add_bool (b, "required", a->required);
      add_string (b, "label", label_name (a->label));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_strv (b, "keys", c->keys);

  json_builder_set_member_name (b, "runtime_args");
  json_builder_begin_array (b);
  for (guint i = 0; c->runtime_args != NULL && i < c->runtime_args->len; i++)
    {
      const MsRuntimeArgUse *u = c->runtime_args->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "id", u->def ? u->def->id : NULL);
      add_string (b, "flag", u->def ? u->def->flag : NULL);
      add_string (b, "type", u->def ? u->def->type : NULL);
      add_string (b, "default", u->default_value ? u->default_value : u->def ? u->def->default_value : NULL);
      add_strv_or_null (b, "targets", u->targets);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_packages (b, "packages", c->packages);
  add_strv_or_null (b, "targets", c->targets);
  add_bool (b, "key_dependent", ms_constructor_is_key_dependent (c));
  add_string (b, "module", c->module && *c->module ? c->module : NULL);
  add_string (b, "functor", c->functor);
  json_builder_end_object (b);
}

JsonNode *
ms_json_catalog (MsCatalog *catalog, const char *type_filter)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *types = ms_catalog_get_types (catalog);
  GPtrArray *targets = ms_catalog_get_targets (catalog);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);
  GPtrArray *cats = ms_catalog_get_categories (catalog);

  json_builder_begin_object (b);
  add_header (b, "mirage-studio/catalog");
  add_string (b, "mirage", ms_catalog_get_mirage_version (catalog));
  add_string (b, "filter", type_filter);

  json_builder_set_member_name (b, "types");
  json_builder_begin_array (b);
  for (guint i = 0; i < types->len; i++)
    {
      const MsModuleType *t = types->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", t->name);
      add_string (b, "ocaml", t->ocaml);
      add_string (b, "module_type", t->module_type);
      add_string (b, "summary", t->summary);
      add_string (b, "category", t->category);
      add_string (b, "mirage_alias", t->mirage_alias);
      add_string (b, "family", t->family);
      add_string (b, "ip_version", t->version);
      add_bool (b, "versioned", t->versioned);
      add_bool (b, "internal", t->internal);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  for (guint i = 0; i < targets->len; i++)
    {
      const MsTarget *t = targets->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", t->name);
      add_string (b, "group", t->group);
      add_string (b, "summary", t->summary);
      add_bool (b, "default", g_strcmp0 (t->name, ms_catalog_get_default_target (catalog)) == 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  for (guint i = 0; i < cats->len; i++)
    {
      const MsCategory *c = cats->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", c->name);
      add_string (b, "title", c->title);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "constructors");
  json_builder_begin_array (b);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      if (type_filter != NULL && !ms_json_type_filter_matches (catalog, c->result, type_filter))
        continue;
      add_constructor (b, c);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return finish (b);
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
add_custom (JsonBuilder *b, MsDocument *doc, const MsCustom *c)
{
  json_builder_set_member_name (b, "custom");
  if (c == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "module", c->module);
  add_string (b, "signature", c->signature);
  json_builder_set_member_name (b, "packages");
  json_builder_begin_array (b);
  for (guint i = 0; c->packages != NULL && i < c->packages->len; i++)
    {
      g_autofree char *text = ms_package_to_string (c->packages->pdata[i]);
      json_builder_add_string_value (b, text);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "runtime_args");
  json_builder_begin_array (b);
  for (guint i = 0; c->runtime_args != NULL && i < c->runtime_args->len; i++)
    {
      const MsArgDecl *a = c->runtime_args->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", a->name);
      add_string (b, "type", a->type);
      add_string (b, "default", a->default_value);
      add_string (b, "doc", a->doc);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "deps");
  json_builder_begin_array (b);
  for (guint i = 0; c->deps != NULL && i < c->deps->len; i++)
    {
      const char *n = device_name (doc, g_array_index (c->deps, guint, i));
      if (n != NULL)
        json_builder_add_string_value (b, n);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

JsonNode *
ms_json_document (MsDocument *doc)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) devices = borrow_array (ms_document_get_devices (doc));
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) conn_sorted = borrow_array (conns);

  g_ptr_array_sort (devices, compare_devices);

  json_builder_begin_object (b);
  add_header (b, "mirage-studio/project");
  add_string (b, "name", ms_document_get_app_name (doc));
  add_string (b, "target", ms_document_get_target (doc));

  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  for (guint i = 0; i < settings->len; i++)
    {
      const char *name = settings->pdata[i];
      const char *value = ms_document_get_setting (doc, name);
      if (g_str_equal (name, MS_SETTING_JOBS))
        {
          /* ids mean nothing outside the file: jobs are listed by name below */
          continue;
        }
      add_string (b, name, value);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "jobs");
  json_builder_begin_array (b);
  for (guint i = 0; i < jobs->len; i++)
    {
      const char *n = device_name (doc, g_array_index (jobs, guint, i));
      if (n != NULL)
        json_builder_add_string_value (b, n);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "devices");
  json_builder_begin_array (b);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", d->name);
      add_string (b, "constructor", d->ctor);
      add_sorted_map (b, "options", d->options);
      json_builder_set_member_name (b, "position");
      if (d->placed)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "x");
          json_builder_add_double_value (b, d->x);
          json_builder_set_member_name (b, "y");
          json_builder_add_double_value (b, d->y);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      add_custom (b, doc, d->custom);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* connections by target name, then in the document's parameter order */
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *t = devices->pdata[i];
      for (guint j = 0; j < conn_sorted->len; j++)
        {
          const MsConnection *c = conn_sorted->pdata[j];
          if (c->target != t->id)
            continue;
          json_builder_begin_object (b);
          add_string (b, "source", device_name (doc, c->source));
          add_string (b, "target", t->name);
          add_string (b, "param", c->param);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return finish (b);
}

/* ---- evaluated graph ------------------------------------------------------------------------- */

static void
add_eval_arg (JsonBuilder *b, const MsEvalArg *a)
{
  json_builder_begin_object (b);
  add_string (b, "name", a->name);
  add_string (b, "type", a->type);
  add_string (b, "default", a->default_value);
  add_bool (b, "overridden", a->overridden);
  add_string (b, "doc", a->doc);
  add_string (b, "docv", a->docv);
  add_string (b, "section", a->section);
  add_string (b, "code", a->code);
  add_string (b, "id", a->id);
  add_string (b, "group", a->group);
  json_builder_end_object (b);
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

JsonNode *
ms_json_eval (MsEvalGraph *graph)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_header (b, "mirage-studio/evaluation");
  add_string (b, "name", graph->app_name);
  add_string (b, "target", graph->target);

  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const MsEvalNode *n = graph->nodes->pdata[i];
      g_autofree char *value = ms_eval_node_value_name (n);
      json_builder_begin_object (b);
      add_int (b, "id", n->id);
      add_string (b, "value", value);
      add_string (b, "constructor", n->ctor ? n->ctor->name : NULL);
      add_string (b, "variant", n->variant);
      add_string (b, "device", n->device);
      add_string (b, "role", n->role);
      add_string (b, "module", n->module);
      add_string (b, "functor", n->functor);
      add_string (b, "connect", n->connect);
      json_builder_set_member_name (b, "args");
      json_builder_begin_array (b);
      for (guint j = 0; n->args != NULL && j < n->args->len; j++)
        {
          json_builder_begin_object (b);
          add_string (b, "param", n->arg_params && j < n->arg_params->len ? n->arg_params->pdata[j] : NULL);
          add_int (b, "node", g_array_index (n->args, guint, j));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      add_ids (b, "deps", n->deps);
      json_builder_set_member_name (b, "runtime_args");
      json_builder_begin_array (b);
      for (guint j = 0; n->runtime_args != NULL && j < n->runtime_args->len; j++)
        json_builder_add_string_value (b, ((MsEvalArg *) n->runtime_args->pdata[j])->name);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "packages");
      json_builder_begin_array (b);
      for (guint j = 0; n->packages != NULL && j < n->packages->len; j++)
        json_builder_add_string_value (b, ((MsPackage *) n->packages->pdata[j])->name);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "keys");
      json_builder_begin_array (b);
      for (guint j = 0; n->keys != NULL && j < n->keys->len; j++)
        json_builder_add_string_value (b, n->keys->pdata[j]);
      json_builder_end_array (b);
      add_sorted_map (b, "options", n->options);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_int (b, "root", graph->root);
  add_ids (b, "jobs", graph->jobs);
  add_ids (b, "init", graph->init);

  json_builder_set_member_name (b, "packages");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->packages->len; i++)
    {
      const MsEvalPackage *p = graph->packages->pdata[i];
      g_autofree char *opam = ms_json_opam_constraint (p);
      json_builder_begin_object (b);
      add_string (b, "name", p->name);
      add_string (b, "min", p->min);
      add_string (b, "max", p->max);
      add_string (b, "scope", p->switch_scope ? "switch" : "monorepo");
      add_bool (b, "build", p->build);
      add_strv (b, "libraries", p->libraries);
      add_strv (b, "used_by", p->used_by);
      add_string (b, "opam", opam);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->keys->len; i++)
    {
      const MsEvalKey *k = graph->keys->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", k->name);
      add_string (b, "type", k->type);
      add_string (b, "value", k->value);
      add_bool (b, "default", k->is_default);
      add_string (b, "doc", k->doc);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "runtime_args");
  json_builder_begin_array (b);
  for (guint i = 0; i < graph->runtime_args->len; i++)
    add_eval_arg (b, graph->runtime_args->pdata[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "diagnostics");
  json_builder_begin_array (b);
  for (guint i = 0; graph->diagnostics != NULL && i < graph->diagnostics->len; i++)
    add_diagnostic (b, graph->diagnostics->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return finish (b);
}

char *
ms_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}
