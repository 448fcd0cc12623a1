/* ms-cgen.c: main.c and unikernel.h for the bundled C runtime.
 *
 * How it works: the nodes reachable from the root are walked in the
 * graph's (topological) order. Each constructor's catalog `runtime`
 * entry gives the C type of its value and a connect template; a node
 * gets one variable `dev_<id>`, so a shared node is connected once and
 * every user sees the same pointer, as Functoria's sharing does.
 * Connects that are plain expressions of other such expressions (clocks,
 * sleep, random, the reporter) run in main() before mirage_main; the
 * rest (they may fail, or read runtime arguments) run in the first job's
 * task, after the arguments are parsed, in connect_devices(). Every job
 * calls connect_devices() first; later ones wait for the first.
 *
 * Every piece of project text reaches C through ms_escape_c_string;
 * identifiers are built from checked names (device names are OCaml
 * identifiers) and never from free text. Each emitted line remembers
 * the device it is for, so compiler messages about generated code can
 * name the device.
 */
#include "ms-cgen.h"

#include <string.h>

#include "ms-escape.h"

G_DEFINE_QUARK (ms-cgen-error-quark, ms_cgen_error)

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* ---- the catalog's runtime entries ---------------------------------------- */

static void
runtime_free (gpointer p)
{
  MsCgenRuntime *r = p;

  g_free (r->ctor);
  g_free (r->header);
  g_free (r->type);
  g_free (r->connect);
  g_free (r->start);
  g_strfreev (r->libraries);
  g_strfreev (r->archives);
  g_free (r);
}

GHashTable *
ms_cgen_runtime_load (MsCatalog *catalog)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, runtime_free);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);

  /* the catalog has read and checked the entries (data/catalog/SCHEMA.md) */
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      MsCgenRuntime *r;

      if (c->runtime == NULL)
        continue;
      r = g_new0 (MsCgenRuntime, 1);
      r->ctor = g_strdup (c->name);
      r->header = g_strdup (c->runtime->header);
      r->type = g_strdup (c->runtime->type);
      r->connect = g_strdup (c->runtime->connect);
      r->start = g_strdup (c->runtime->start);
      r->libraries = g_strdupv (c->runtime->libraries);
      r->archives = g_strdupv (c->runtime->archives);
      g_hash_table_replace (table, r->ctor, r);
    }
  return table;
}

static void
embed_free (gpointer p)
{
  MsCgenEmbed *e = p;

  g_free (e->label);
  g_free (e->dir);
  g_free (e->symbol);
  g_free (e);
}

/* ---- the graph ------------------------------------------------------------------ */

static gboolean
node_is_main (const MsEvalNode *n)
{
  return n->ctor != NULL && n->ctor->kind == MS_CTOR_CUSTOM && g_str_equal (n->ctor->name, "main");
}

static char *
node_label (const MsEvalNode *n)
{
  const char *who = n->device ? n->device : n->role ? n->role : "root";

  if (n->device != NULL && n->role != NULL && n->device_id != 0 && !g_str_equal (n->role, n->device))
    return g_strdup_printf ("%s/%s (%s)", n->device, n->role, n->ctor ? n->ctor->name : "root");
  return g_strdup_printf ("%s (%s)", who, n->ctor ? n->ctor->name : "root");
}

/* reach[id] for the nodes the root uses, directly or not */
static gboolean *
reachable (MsEvalGraph *g)
{
  gboolean *reach = g_new0 (gboolean, g->nodes->len + 1);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));

  g_array_append_val (stack, g->root);
  while (stack->len > 0)
    {
      guint id = g_array_index (stack, guint, stack->len - 1);
      MsEvalNode *n;

      g_array_set_size (stack, stack->len - 1);
      if (id == 0 || id > g->nodes->len || reach[id])
        continue;
      reach[id] = TRUE;
      n = ms_eval_graph_get_node (g, id);
      for (guint i = 0; i < n->n_args; i++)
        g_array_append_val (stack, n->args[i]);
      for (guint i = 0; i < n->n_deps; i++)
        g_array_append_val (stack, n->deps[i]);
    }
  return reach;
}

GPtrArray *
ms_cgen_unsupported (MsEvalGraph *g, GHashTable *runtime)
{
  g_autofree gboolean *reach = reachable (g);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint id = 1; id <= g->nodes->len; id++)
    {
      MsEvalNode *n = ms_eval_graph_get_node (g, id);

      if (!reach[id] || n->ctor == NULL || node_is_main (n))
        continue;
      if (!g_hash_table_contains (runtime, n->ctor->name))
        g_ptr_array_add (out, node_label (n));
    }
  return out;
}

/* ---- C names ------------------------------------------------------------------- */

static const char * const c_reserved[] = {
  "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
  "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
  "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
  "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
  "true", "false", "errno", "stdin", "stdout", "stderr", "assert", "main", "args",
  "NULL", NULL
};

/* A C identifier for a parameter or field: the name with every other byte
 * as '_', not reserved, not already in used (which it is added to). */
static char *
c_identifier (const char *name, GHashTable *used)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) ? *p : '_');
  if (s->len == 0 || g_ascii_isdigit (s->str[0]) || s->str[0] == '_')
    g_string_prepend (s, "a");
  while (g_strv_contains (c_reserved, s->str) || (used && g_hash_table_contains (used, s->str)))
    g_string_append_c (s, '_');
  if (used)
    g_hash_table_add (used, g_strdup (s->str));
  return g_string_free (s, FALSE);
}

typedef struct {
  const char *value_type;
  const char *arg_type;
  const char *c_type;
  const char *member;
} ArgType;

static const ArgType arg_types[] = {
  { "string", "MIRAGE_ARG_STRING", "const char *", "s" },
  { "int", "MIRAGE_ARG_INT", "int64_t ", "i" },   /* OCaml int: 63 bits */
  { "int64", "MIRAGE_ARG_INT64", "int64_t ", "i64" },
  { "bool", "MIRAGE_ARG_BOOL", "bool ", "b" },
  { "port", "MIRAGE_ARG_PORT", "uint16_t ", "port" },
  { "ip", "MIRAGE_ARG_IP", "mirage_ipaddr ", "ip" },
  { "ipv4", "MIRAGE_ARG_IPV4", "mirage_ipaddr ", "ip" },
  { "ipv6", "MIRAGE_ARG_IPV6", "mirage_ipaddr ", "ip" },
  { "ipv4_prefix", "MIRAGE_ARG_IPV4_PREFIX", "mirage_prefix ", "prefix" },
  { "ipv6_prefix", "MIRAGE_ARG_IPV6_PREFIX", "mirage_prefix ", "prefix" },
  { "log_thresholds", "MIRAGE_ARG_LOG_THRESHOLDS", "const char *", "s" },
};

/* Value types the runtime has no parser for are strings. */
static const ArgType *
arg_type (const char *value_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (arg_types); i++)
    if (value_type != NULL && g_str_equal (arg_types[i].value_type, value_type))
      return &arg_types[i];
  return &arg_types[0];
}

/* Runtime arguments mirage_main declares itself (-l, --delay), or that
 * only the OCaml runtime reads. */
static gboolean
arg_is_builtin (const MsEvalArg *a)
{
  return a->id != NULL && (g_str_equal (a->id, "logs") || g_str_equal (a->id, "delay")
                           || g_str_equal (a->id, "cmdliner_stdlib"));
}

/* ---- generation -------------------------------------------------------------- */

enum { PHASE_NONE, PHASE_MAIN, PHASE_TASK };

typedef struct {
  MsEvalGraph *g;
  GHashTable *runtime;
  gboolean *reach;
  guint *phase;             /* by node id */
  GPtrArray *args;          /* MsEvalArg* declared, index = arg_<i> */
  GString *c, *h;
  GPtrArray *c_lines, *h_lines;
  GPtrArray *embeds;        /* MsCgenEmbed*, or NULL when not collecting */
} Gen;

static void G_GNUC_PRINTF (4, 5)
emit (GString *buf, GPtrArray *lines, const char *label, const char *format, ...)
{
  va_list ap;
  gsize start = buf->len;

  va_start (ap, format);
  g_string_append_vprintf (buf, format, ap);
  va_end (ap);
  for (gsize i = start; i < buf->len; i++)
    if (buf->str[i] == '\n')
      g_ptr_array_add (lines, label ? g_strdup (label) : NULL);
}

static const MsCgenRuntime *
node_runtime (Gen *gen, const MsEvalNode *n)
{
  return n->ctor ? g_hash_table_lookup (gen->runtime, n->ctor->name) : NULL;
}

static const char *
node_type (Gen *gen, const MsEvalNode *n)
{
  const MsCgenRuntime *r = node_runtime (gen, n);

  return r != NULL && r->type != NULL ? r->type : "void";
}

static gboolean
node_has_value (Gen *gen, const MsEvalNode *n)
{
  const MsCgenRuntime *r = node_runtime (gen, n);

  return r != NULL && r->type != NULL;
}

static int
arg_index (Gen *gen, const MsEvalArg *a)
{
  for (guint i = 0; i < gen->args->len; i++)
    {
      const MsEvalArg *b = gen->args->pdata[i];
      if (b == a || g_str_equal (b->name, a->name))
        return (int) i;
    }
  return -1;
}

static const MsEvalArg *
find_runtime_arg (const MsEvalNode *n, const char *id)
{
  for (guint i = 0; i < n->n_runtime_args; i++)
    if (n->runtime_args[i]->id != NULL && g_str_equal (n->runtime_args[i]->id, id))
      return n->runtime_args[i];
  return NULL;
}

/* {rt:ID}: the node's own runtime argument, or one of the nodes it uses
 * directly (the socket stack reads its udp and tcp parts' arguments). */
static const MsEvalArg *
lookup_rt (Gen *gen, const MsEvalNode *n, const char *id)
{
  const MsEvalArg *a = find_runtime_arg (n, id);

  for (guint i = 0; a == NULL && i < n->n_deps; i++)
    a = find_runtime_arg (ms_eval_graph_get_node (gen->g, n->deps[i]), id);
  for (guint i = 0; a == NULL && i < n->n_args; i++)
    a = find_runtime_arg (ms_eval_graph_get_node (gen->g, n->args[i]), id);
  return a;
}

typedef struct {
  gboolean uses_out;
  gboolean needs_task;      /* reads runtime args or a task-connected device */
} Expansion;

static gboolean
expand (Gen *gen, const MsEvalNode *n, const char *tmpl, GString *out, Expansion *x, GError **error)
{
  g_autofree char *label = node_label (n);
  const char *p = tmpl;

  memset (x, 0, sizeof *x);
  while (*p)
    {
      const char *open = strchr (p, '{');
      const char *close, *space;
      g_autofree char *ph = NULL;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      close = strchr (open, '}');
      space = strpbrk (open + 1, " \n{");
      /* a brace not opening a placeholder ("(cfg) { .x = ... }") is C */
      if (close == NULL || close == open + 1 || (space != NULL && space < close))
        {
          g_string_append_len (out, p, open - p + 1);
          p = open + 1;
          continue;
        }
      g_string_append_len (out, p, open - p);
      ph = g_strndup (open + 1, close - open - 1);
      p = close + 1;
      if (g_str_equal (ph, "out"))
        {
          g_string_append_printf (out, "dev_%u", n->id);
          x->uses_out = TRUE;
        }
      else if (g_str_has_prefix (ph, "opt:"))
        {
          const char *v = ms_eval_node_get_option (n, ph + 4);
          if (v == NULL)
            g_string_append (out, "NULL");
          else
            ms_escape_c_string_append (out, v);
        }
      else if (g_str_has_prefix (ph, "arg:"))
        {
          guint id = 0;
          for (guint i = 0; i < n->n_args; i++)
            if (n->arg_params[i] != NULL && g_str_equal (n->arg_params[i], ph + 4))
              id = n->args[i];
          /* a device's one extra dependency (httpaf_server's conduit is
           * one, not a functor argument): named by its parameter too */
          if (id == 0 && n->n_args == 0 && n->n_deps == 1)
            id = n->deps[0];
          if (id == 0 || !node_has_value (gen, ms_eval_graph_get_node (gen->g, id)))
            {
              g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                           "device %s: its input %s has no C value", label, ph + 4);
              return FALSE;
            }
          g_string_append_printf (out, "dev_%u", id);
          if (gen->phase[id] == PHASE_TASK)
            x->needs_task = TRUE;
        }
      else if (g_str_has_prefix (ph, "rt:"))
        {
          const MsEvalArg *a = lookup_rt (gen, n, ph + 3);
          int i = a ? arg_index (gen, a) : -1;
          if (i < 0)
            {
              g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                           "device %s: no runtime argument %s in the graph", label, ph + 3);
              return FALSE;
            }
          g_string_append_printf (out, "arg_%d.value.%s", i, arg_type (a->type)->member);
          x->needs_task = TRUE;
        }
      else if (g_str_has_prefix (ph, "rtopt:"))
        {
          /* the runtime argument the option names (type arg:T) */
          const char *v = ms_eval_node_get_option (n, ph + 6);
          int i = -1;
          for (guint k = 0; v != NULL && *v && k < gen->args->len && i < 0; k++)
            if (g_str_equal (((const MsEvalArg *) gen->args->pdata[k])->name, v))
              i = (int) k;
          if (i < 0)
            {
              g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                           "device %s: its option %s names no runtime argument of the graph (“%s”)",
                           label, ph + 6, v ? v : "");
              return FALSE;
            }
          g_string_append_printf (out, "arg_%d.value.%s", i,
                                  arg_type (((const MsEvalArg *) gen->args->pdata[i])->type)->member);
          x->needs_task = TRUE;
        }
      else if (g_str_has_prefix (ph, "embed:"))
        {
          const char *v = ms_eval_node_get_option (n, ph + 6);
          g_autofree char *symbol = g_strdup_printf ("mirage_crunch_%u", n->id);
          if (v == NULL || *v == '\0')
            {
              g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                           "device %s: no directory to embed (option %s)", label, ph + 6);
              return FALSE;
            }
          if (gen->embeds != NULL)
            {
              MsCgenEmbed *e = g_new0 (MsCgenEmbed, 1);
              e->id = n->id;
              e->label = g_strdup (label);
              e->dir = g_strdup (v);
              e->symbol = g_strdup (symbol);
              g_ptr_array_add (gen->embeds, e);
            }
          g_string_append (out, symbol);
        }
      else if (g_str_has_prefix (ph, "init:"))
        {
          guint id = 0;
          for (guint i = 0; i < gen->g->init->len; i++)
            {
              MsEvalNode *m = ms_eval_graph_get_node (gen->g, g_array_index (gen->g->init, guint, i));
              if (m->role != NULL && g_str_equal (m->role, ph + 5) && node_has_value (gen, m))
                id = m->id;
            }
          if (id != 0)
            g_string_append_printf (out, "dev_%u", id);
          else
            g_string_append (out, "NULL");
        }
      else
        {
          g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_CATALOG,
                       "device %s: unknown placeholder {%s} in the runtime entry of %s",
                       label, ph, n->ctor->name);
          return FALSE;
        }
    }
  return TRUE;
}

static const char * const global_roles[] = { "sleep", "ptime", "mtime", "random", NULL };

static void
emit_global_assign (Gen *gen, const MsEvalNode *n, const char *indent, const char *label)
{
  if (n->role != NULL && n->device_id == 0 && g_strv_contains (global_roles, n->role)
      && node_has_value (gen, n))
    emit (gen->c, gen->c_lines, label, "%smirage_%s_device = dev_%u;\n", indent, n->role, n->id);
}

/* Emits the connect of n into gen->c at indent, for its phase. */
static gboolean
emit_connect (Gen *gen, const MsEvalNode *n, const char *code, gboolean uses_out, GError **error)
{
  g_autofree char *label = node_label (n);
  g_autofree char *lit = ms_escape_c_string (label);

  if (gen->phase[n->id] == PHASE_MAIN)
    {
      emit (gen->c, gen->c_lines, label, "  dev_%u = %s;\n", n->id, code);
      emit_global_assign (gen, n, "  ", label);
      return TRUE;
    }
  emit (gen->c, gen->c_lines, NULL, "  /* node %u */\n", n->id);
  if (uses_out)
    {
      emit (gen->c, gen->c_lines, label, "  r = %s;\n", code);
      emit (gen->c, gen->c_lines, label,
            "  if (r < 0)\n    {\n      connect_state = 3;\n"
            "      mirage_task_fail (\"device %%s: cannot connect: %%s\", %s, strerror (-r));\n    }\n",
            lit);
    }
  else
    emit (gen->c, gen->c_lines, label, "  dev_%u = %s;\n", n->id, code);
  emit_global_assign (gen, n, "  ", label);
  return TRUE;
}

typedef struct {
  guint id;
  char *func;               /* the C start function */
  char *args_struct;        /* "unikernel_args" or NULL */
  GPtrArray *fields;        /* char* per runtime arg of the main */
} MainInfo;

static void
main_info_free (gpointer p)
{
  MainInfo *m = p;

  g_free (m->func);
  g_free (m->args_struct);
  g_clear_pointer (&m->fields, g_ptr_array_unref);
  g_free (m);
}

/* The start function prototype of a main device, into buf. */
static gboolean
main_prototype (Gen *gen, const MsEvalNode *n, MainInfo *mi, GString *buf, GPtrArray *names, GError **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *label = node_label (n);

  g_string_append_printf (buf, "int %s (", mi->func);
  for (guint i = 0; i < n->n_args; i++)
    {
      const MsEvalNode *a = ms_eval_graph_get_node (gen->g, n->args[i]);
      const MsCgenRuntime *r = node_runtime (gen, a);
      g_autofree char *pname = NULL;
      g_autofree char *alabel = node_label (a);

      if (r == NULL || r->type == NULL)
        {
          g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                       "device %s: parameter %u is %s, which has no C value", label, i + 1, alabel);
          return FALSE;
        }
      pname = c_identifier (a->device ? a->device : a->role ? a->role : "dev", used);
      g_string_append_printf (buf, "%s%s *%s", i ? ", " : "", r->type, pname);
      if (names != NULL)
        g_ptr_array_add (names, g_strdup (pname));
    }
  if (mi->args_struct != NULL)
    {
      g_string_append_printf (buf, "%sconst struct %s *args", n->n_args ? ", " : "", mi->args_struct);
      if (names != NULL)
        g_ptr_array_add (names, g_strdup ("args"));
    }
  else if (n->n_args == 0)
    g_string_append (buf, "void");
  g_string_append (buf, ")");
  return TRUE;
}

static const char *
level_constant (const char *level)
{
  static const char * const names[][2] = {
    { "quiet", "MIRAGE_LOG_QUIET" }, { "app", "MIRAGE_LOG_APP" }, { "error", "MIRAGE_LOG_ERROR" },
    { "warning", "MIRAGE_LOG_WARNING" }, { "info", "MIRAGE_LOG_INFO" }, { "debug", "MIRAGE_LOG_DEBUG" },
  };

  for (guint i = 0; level != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (level, names[i][0]) == 0)
      return names[i][1];
  return "MIRAGE_LOG_INFO";
}

static gboolean
collect_mains (Gen *gen, GPtrArray *mains, GError **error)
{
  for (guint k = 0; k < gen->g->jobs->len; k++)
    {
      guint id = g_array_index (gen->g->jobs, guint, k);
      MsEvalNode *n = ms_eval_graph_get_node (gen->g, id);
      g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      MainInfo *mi;

      if (!node_is_main (n))
        continue;
      mi = g_new0 (MainInfo, 1);
      mi->id = id;
      mi->func = g_strdup_printf ("%s_start", n->device ? n->device : "unikernel");
      mi->fields = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n->n_runtime_args; i++)
        g_ptr_array_add (mi->fields, c_identifier (n->runtime_args[i]->name, used));
      if (n->n_runtime_args > 0)
        mi->args_struct = g_strdup_printf ("%s_args", n->device ? n->device : "unikernel");
      g_ptr_array_add (mains, mi);
    }
  if (gen->g->jobs->len == 0)
    {
      g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID, "the project registers no job");
      return FALSE;
    }
  return TRUE;
}

static void
emit_header (Gen *gen, GPtrArray *mains, GError **error, gboolean *ok)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();

  *ok = FALSE;
  emit (gen->h, gen->h_lines, NULL,
        "/* unikernel.h: generated by Mirage Studio from the project's device\n"
        " * graph; do not edit (mstudio build writes it again).\n"
        " *\n"
        " * For each main device, its start function: the graph's devices in the\n"
        " * order of its signature, then its runtime arguments. Return 0, or a\n"
        " * negative errno value when the job fails. */\n"
        "#ifndef MSTUDIO_UNIKERNEL_H\n#define MSTUDIO_UNIKERNEL_H\n\n"
        "#include <errno.h>\n#include <stdbool.h>\n#include <stdint.h>\n\n#include \"mirage/main.h\"\n");
  for (guint id = 1; id <= gen->g->nodes->len; id++)
    {
      const MsCgenRuntime *r = gen->reach[id] ? node_runtime (gen, ms_eval_graph_get_node (gen->g, id)) : NULL;
      if (r != NULL && !g_ptr_array_find_with_equal_func (headers, r->header, g_str_equal, NULL)
          && !g_str_equal (r->header, "mirage/main.h"))
        g_ptr_array_add (headers, r->header);
    }
  g_ptr_array_sort (headers, compare_strings);
  for (guint i = 0; i < headers->len; i++)
    {
      g_autofree char *lit = ms_escape_c_string (headers->pdata[i]);
      emit (gen->h, gen->h_lines, NULL, "#include %s\n", lit);
    }
  emit (gen->h, gen->h_lines, NULL, "\n/* The devices register adds (Mirage's global modules). */\n");
  for (guint k = 0; k < gen->g->init->len; k++)
    {
      MsEvalNode *n = ms_eval_graph_get_node (gen->g, g_array_index (gen->g->init, guint, k));
      if (n->role != NULL && g_strv_contains (global_roles, n->role) && node_has_value (gen, n))
        {
          g_autofree char *label = node_label (n);
          emit (gen->h, gen->h_lines, label, "extern %s *mirage_%s_device;\n",
                node_type (gen, n), n->role);
        }
    }
  for (guint m = 0; m < mains->len; m++)
    {
      MainInfo *mi = mains->pdata[m];
      MsEvalNode *n = ms_eval_graph_get_node (gen->g, mi->id);
      g_autofree char *label = node_label (n);
      g_autoptr(GString) proto = g_string_new (NULL);

      emit (gen->h, gen->h_lines, NULL, "\n/* main device %u */\n", mi->id);
      if (mi->args_struct != NULL)
        {
          emit (gen->h, gen->h_lines, label, "struct %s {\n", mi->args_struct);
          for (guint i = 0; i < n->n_runtime_args; i++)
            emit (gen->h, gen->h_lines, label, "  %s%s;\n",
                  arg_type (n->runtime_args[i]->type)->c_type, (char *) mi->fields->pdata[i]);
          emit (gen->h, gen->h_lines, label, "};\n");
        }
      if (!main_prototype (gen, n, mi, proto, NULL, error))
        return;
      emit (gen->h, gen->h_lines, label, "%s;\n", proto->str);
    }
  emit (gen->h, gen->h_lines, NULL, "\n#endif /* MSTUDIO_UNIKERNEL_H */\n");
  *ok = TRUE;
}

static void
emit_arg_decl (Gen *gen, int i, const MsEvalArg *a)
{
  const ArgType *t = arg_type (a->type);
  g_autofree char *name = ms_escape_c_string (a->name);

  emit (gen->c, gen->c_lines, NULL, "static mirage_arg arg_%d = {\n  .name = %s,\n  .type = %s,\n",
        i, name, t->arg_type);
  if (a->default_value != NULL && *a->default_value != '\0')
    {
      g_autofree char *v = ms_escape_c_string (a->default_value);
      emit (gen->c, gen->c_lines, NULL, "  .default_value = %s,\n", v);
    }
  if (a->doc != NULL && *a->doc != '\0')
    {
      g_autofree char *v = ms_escape_c_string (a->doc);
      emit (gen->c, gen->c_lines, NULL, "  .doc = %s,\n", v);
    }
  if (a->docv != NULL && *a->docv != '\0')
    {
      g_autofree char *v = ms_escape_c_string (a->docv);
      emit (gen->c, gen->c_lines, NULL, "  .docv = %s,\n", v);
    }
  if (a->section != NULL && *a->section != '\0')
    {
      g_autofree char *v = ms_escape_c_string (a->section);
      emit (gen->c, gen->c_lines, NULL, "  .section = %s,\n", v);
    }
  emit (gen->c, gen->c_lines, NULL, "};\n");
}

static void
sandbox_device_free (gpointer p)
{
  MsCgenSandboxDevice *d = p;

  g_free (d->label);
  g_free (d->profile);
  g_free (d);
}

GPtrArray *
ms_cgen_sandbox_devices (MsEvalGraph *g, GHashTable *runtime)
{
  g_autofree gboolean *reach = reachable (g);
  GPtrArray *out = g_ptr_array_new_with_free_func (sandbox_device_free);

  for (guint id = 1; id <= g->nodes->len; id++)
    {
      MsEvalNode *n = ms_eval_graph_get_node (g, id);
      const MsCgenRuntime *r = n->ctor ? g_hash_table_lookup (runtime, n->ctor->name) : NULL;
      MsCgenSandboxDevice *d;

      if (!reach[id] || r == NULL || r->connect == NULL || r->type == NULL)
        continue;
      d = g_new0 (MsCgenSandboxDevice, 1);
      d->id = id;
      d->label = node_label (n);
      d->profile = g_strdup (n->ctor->name);
      g_ptr_array_add (out, d);
    }
  return out;
}

/* install_sandbox(): the filter of the graph's devices (ms-cgen.h) */
static void
emit_sandbox (Gen *gen)
{
  g_autoptr(GPtrArray) devices = ms_cgen_sandbox_devices (gen->g, gen->runtime);

  emit (gen->c, gen->c_lines, NULL,
        "\n/* -t sandbox: once every device is connected, only the system calls\n"
        " * they need (runtime/include/mirage/sandbox.h) */\n"
        "static int\ninstall_sandbox (void)\n{\n"
        "  mirage_sandbox *sb = mirage_sandbox_new ();\n\n"
        "  if (sb == NULL)\n    return -ENOMEM;\n");
  for (guint i = 0; i < devices->len; i++)
    {
      MsCgenSandboxDevice *d = devices->pdata[i];
      g_autofree char *name = ms_escape_c_string (d->profile);
      emit (gen->c, gen->c_lines, d->label, "  mirage_sandbox_add (sb, %s, MIRAGE_SANDBOX_FD (dev_%u));\n",
            name, d->id);
    }
  emit (gen->c, gen->c_lines, NULL, "  return mirage_sandbox_install (sb);\n}\n");
}

MsCgenOutput *
ms_cgen_generate (MsEvalGraph *g, GHashTable *runtime, const char *project, GError **error)
{
  return ms_cgen_generate_for (g, runtime, project, MS_CGEN_TARGET_UNIX, error);
}

MsCgenOutput *
ms_cgen_generate_for (MsEvalGraph *g, GHashTable *runtime, const char *project,
                      MsCgenTarget target, GError **error)
{
  g_autoptr(GPtrArray) unsupported = ms_cgen_unsupported (g, runtime);
  g_autoptr(GPtrArray) mains = g_ptr_array_new_with_free_func (main_info_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autofree gboolean *uses_out = g_new0 (gboolean, g->nodes->len + 1);
  g_autofree guint *phase = g_new0 (guint, g->nodes->len + 1);
  g_autofree gboolean *reach = reachable (g);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(MsCgenOutput) out = g_new0 (MsCgenOutput, 1);
  const char *level = NULL;
  guint reporter = 0;
  gboolean ok;
  Gen gen = { g, runtime, reach, phase, args, NULL, NULL, NULL, NULL, NULL };

  (void) project;
  if (unsupported->len > 0)
    {
      g_autofree char *list = NULL;
      g_ptr_array_add (unsupported, NULL);
      list = g_strjoinv (", ", (char **) unsupported->pdata);
      g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_UNSUPPORTED,
                   "the C runtime has no implementation of %s; export config.ml "
                   "(mstudio export P --format config.ml -o DIR) to build with the mirage tool", list);
      return NULL;
    }
  out->main_c_lines = g_ptr_array_new_with_free_func (g_free);
  out->unikernel_h_lines = g_ptr_array_new_with_free_func (g_free);
  out->libraries = g_ptr_array_new_with_free_func (g_free);
  out->archives = g_ptr_array_new_with_free_func (g_free);
  out->embeds = g_ptr_array_new_with_free_func (embed_free);
  gen.embeds = out->embeds;
  gen.c = g_string_new (NULL);
  gen.h = g_string_new (NULL);
  gen.c_lines = out->main_c_lines;
  gen.h_lines = out->unikernel_h_lines;

  /* runtime arguments, in node order, each name once */
  for (guint id = 1; id <= g->nodes->len; id++)
    {
      MsEvalNode *n = ms_eval_graph_get_node (g, id);
      if (!reach[id])
        continue;
      for (guint i = 0; i < n->n_runtime_args; i++)
        if (!arg_is_builtin (n->runtime_args[i]) && arg_index (&gen, n->runtime_args[i]) < 0)
          g_ptr_array_add (args, n->runtime_args[i]);
    }

  /* phases and connect code */
  g_ptr_array_set_size (codes, g->nodes->len + 1);
  for (guint id = 1; id <= g->nodes->len; id++)
    {
      MsEvalNode *n = ms_eval_graph_get_node (g, id);
      const MsCgenRuntime *r = node_runtime (&gen, n);
      GString *code;
      Expansion x;

      if (!reach[id] || r == NULL)
        continue;
      for (guint k = 0; r->libraries != NULL && r->libraries[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (out->libraries, r->libraries[k], g_str_equal, NULL))
          g_ptr_array_add (out->libraries, g_strdup (r->libraries[k]));
      for (guint k = 0; r->archives != NULL && r->archives[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (out->archives, r->archives[k], g_str_equal, NULL))
          g_ptr_array_add (out->archives, g_strdup (r->archives[k]));
      if (r->connect == NULL)
        continue;
      code = g_string_new (NULL);
      if (!expand (&gen, n, r->connect, code, &x, error))
        {
          g_string_free (code, TRUE);
          goto fail;
        }
      phase[id] = (x.uses_out || x.needs_task) ? PHASE_TASK : PHASE_MAIN;
      uses_out[id] = x.uses_out;
      codes->pdata[id] = g_string_free (code, FALSE);
      if (n->role != NULL && g_str_equal (n->role, "reporter") && n->device_id == 0)
        {
          if (phase[id] != PHASE_MAIN)
            {
              g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_CATALOG,
                           "the reporter %s must be connected before the arguments are read",
                           n->ctor->name);
              goto fail;
            }
          reporter = id;
        }
      if (n->role != NULL && g_str_equal (n->role, "reporter"))
        level = ms_eval_node_get_option (n, "level");
    }
  g_ptr_array_sort (out->libraries, compare_strings);
  g_ptr_array_sort (out->archives, compare_strings);
  if (!collect_mains (&gen, mains, error))
    goto fail;

  emit_header (&gen, mains, error, &ok);
  if (!ok)
    goto fail;

  /* main.c */
  {
    guint n_jobs = 0;

    emit (gen.c, gen.c_lines, NULL,
          "/* main.c: generated by Mirage Studio from the project's device graph;\n"
          " * do not edit (mstudio build writes it again). Devices are connected\n"
          " * once each, in the graph's order; the jobs start after the runtime\n"
          " * arguments are parsed. */\n"
          "#include <errno.h>\n#include <string.h>\n\n#include \"unikernel.h\"\n%s\n",
          target == MS_CGEN_TARGET_SANDBOX ? "#include \"mirage/sandbox.h\"\n" : "");
    for (guint k = 0; k < g->init->len; k++)
      {
        MsEvalNode *n = ms_eval_graph_get_node (g, g_array_index (g->init, guint, k));
        if (n->role != NULL && g_strv_contains (global_roles, n->role) && node_has_value (&gen, n))
          {
            g_autofree char *label = node_label (n);
            emit (gen.c, gen.c_lines, label, "%s *mirage_%s_device;\n",
                  node_type (&gen, n), n->role);
          }
      }
    emit (gen.c, gen.c_lines, NULL, "\n");
    for (guint id = 1; id <= g->nodes->len; id++)
      if (codes->pdata[id] != NULL)
        {
          MsEvalNode *n = ms_eval_graph_get_node (g, id);
          g_autofree char *label = node_label (n);
          emit (gen.c, gen.c_lines, label, "static %s *dev_%u;\n", node_type (&gen, n), id);
        }
    for (guint k = 0; k < out->embeds->len; k++)
      {
        const MsCgenEmbed *e = out->embeds->pdata[k];
        emit (gen.c, gen.c_lines, e->label, "extern const mirage_crunch_index %s; /* embed.c */\n", e->symbol);
      }
    emit (gen.c, gen.c_lines, NULL, "\n");
    for (guint i = 0; i < args->len; i++)
      emit_arg_decl (&gen, (int) i, args->pdata[i]);

    if (target == MS_CGEN_TARGET_SANDBOX)
      emit_sandbox (&gen);

    /* connect_devices: the task phase */
    emit (gen.c, gen.c_lines, NULL,
          "\n/* 0: not yet, 1: connecting, 2: connected, 3: failed */\n"
          "static int connect_state;\n\n"
          "static int\nconnect_devices (void)\n{\n  int r = 0;\n\n"
          "  if (connect_state == 2)\n    return 0;\n"
          "  if (connect_state != 0)\n    {\n"
          "      while (connect_state == 1)\n        if (mirage_task_yield () < 0)\n"
          "          return -ECANCELED;\n"
          "      return connect_state == 2 ? 0 : -EIO;\n    }\n"
          "  connect_state = 1;\n");
    for (guint id = 1; id <= g->nodes->len; id++)
      if (phase[id] == PHASE_TASK
          && !emit_connect (&gen, ms_eval_graph_get_node (g, id), codes->pdata[id], uses_out[id], error))
        goto fail;
    if (target == MS_CGEN_TARGET_SANDBOX)
      emit (gen.c, gen.c_lines, NULL,
            "  r = install_sandbox ();\n"
            "  if (r < 0)\n    {\n      connect_state = 3;\n"
            "      mirage_task_fail (\"cannot install the sandbox: %%s\", mirage_sandbox_problem ());\n    }\n");
    emit (gen.c, gen.c_lines, NULL, "  connect_state = 2;\n  return r;\n}\n");

    /* one task function per job */
    for (guint k = 0; k < g->jobs->len; k++)
      {
        guint id = g_array_index (g->jobs, guint, k);
        MsEvalNode *n = ms_eval_graph_get_node (g, id);
        const MsCgenRuntime *r = node_runtime (&gen, n);
        g_autofree char *label = node_label (n);
        MainInfo *mi = NULL;

        for (guint m = 0; m < mains->len; m++)
          if (((MainInfo *) mains->pdata[m])->id == id)
            mi = mains->pdata[m];
        if (mi == NULL && (r == NULL || r->start == NULL))
          {
            g_set_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_INVALID,
                         "job %s has no code the C runtime can start", label);
            goto fail;
          }
        emit (gen.c, gen.c_lines, label, "\nstatic int\njob_%u (void *arg)\n{\n", id);
        if (mi != NULL && mi->args_struct != NULL)
          emit (gen.c, gen.c_lines, label, "  static struct %s args;\n", mi->args_struct);
        emit (gen.c, gen.c_lines, label,
              "  int r = connect_devices ();\n\n  (void) arg;\n  if (r < 0)\n    return r;\n");
        if (mi == NULL)
          {
            emit (gen.c, gen.c_lines, label, "  return %s (NULL);\n}\n", r->start);
            continue;
          }
        for (guint i = 0; i < n->n_runtime_args; i++)
          {
            const MsEvalArg *a = n->runtime_args[i];
            emit (gen.c, gen.c_lines, label, "  args.%s = arg_%d.value.%s;\n",
                  (char *) mi->fields->pdata[i], arg_index (&gen, a), arg_type (a->type)->member);
          }
        emit (gen.c, gen.c_lines, label, "  return %s (", mi->func);
        for (guint i = 0; i < n->n_args; i++)
          emit (gen.c, gen.c_lines, label, "%sdev_%u", i ? ", " : "", n->args[i]);
        if (mi->args_struct != NULL)
          emit (gen.c, gen.c_lines, label, "%s&args", n->n_args ? ", " : "");
        emit (gen.c, gen.c_lines, label, ");\n}\n");
      }

    /* main: the expression phase, then mirage_main */
    emit (gen.c, gen.c_lines, NULL, "\nint\nmain (int argc, char **argv)\n{\n");
    if (args->len > 0)
      {
        emit (gen.c, gen.c_lines, NULL, "  static mirage_arg *args[] = {");
        for (guint i = 0; i < args->len; i++)
          emit (gen.c, gen.c_lines, NULL, "%s&arg_%u", i ? ", " : " ", i);
        emit (gen.c, gen.c_lines, NULL, " };\n");
      }
    emit (gen.c, gen.c_lines, NULL, "  static const mirage_job jobs[] = {\n");
    for (guint k = 0; k < g->jobs->len; k++)
      {
        guint id = g_array_index (g->jobs, guint, k);
        MsEvalNode *n = ms_eval_graph_get_node (g, id);
        g_autofree char *name = ms_escape_c_string (n->device ? n->device : n->role);
        emit (gen.c, gen.c_lines, NULL, "    { %s, job_%u, NULL },\n", name, id);
        n_jobs++;
      }
    emit (gen.c, gen.c_lines, NULL, "  };\n  mirage_unikernel u = {\n");
    {
      g_autofree char *name = ms_escape_c_string (g->app_name);
      emit (gen.c, gen.c_lines, NULL, "    .name = %s,\n    .default_level = %s,\n", name,
            level_constant (level));
    }
    if (args->len > 0)
      emit (gen.c, gen.c_lines, NULL, "    .args = args,\n    .n_args = %u,\n", args->len);
    /* the project's defaults of the runtime's own -l/--logs and --delay */
    for (guint i = 0; i < g->runtime_args->len; i++)
      {
        const MsEvalArg *a = g->runtime_args->pdata[i];
        if (a->id != NULL && a->overridden && a->default_value != NULL && *a->default_value != '\0'
            && (g_str_equal (a->id, "logs") || g_str_equal (a->id, "delay")))
          {
            g_autofree char *v = ms_escape_c_string (a->default_value);
            emit (gen.c, gen.c_lines, NULL, "    .%s_default = %s,\n", a->id, v);
          }
      }
    emit (gen.c, gen.c_lines, NULL, "    .jobs = jobs,\n    .n_jobs = %u,\n  };\n\n", n_jobs);
    for (guint id = 1; id <= g->nodes->len; id++)
      if (phase[id] == PHASE_MAIN && id != reporter
          && !emit_connect (&gen, ms_eval_graph_get_node (g, id), codes->pdata[id], FALSE, error))
        goto fail;
    if (reporter != 0)
      {
        g_autofree char *label = node_label (ms_eval_graph_get_node (g, reporter));
        emit_connect (&gen, ms_eval_graph_get_node (g, reporter), codes->pdata[reporter], FALSE, error);
        emit (gen.c, gen.c_lines, label, "  u.reporter = dev_%u;\n", reporter);
      }
    emit (gen.c, gen.c_lines, NULL, "  return mirage_main (&u, argc, argv);\n}\n");
  }
  out->main_c = g_string_free (gen.c, FALSE);
  out->unikernel_h = g_string_free (gen.h, FALSE);
  return g_steal_pointer (&out);

fail:
  out->main_c = g_string_free (gen.c, FALSE);
  out->unikernel_h = g_string_free (gen.h, FALSE);
  return NULL;
}

void
ms_cgen_output_free (MsCgenOutput *out)
{
  if (out == NULL)
    return;
  g_free (out->main_c);
  g_free (out->unikernel_h);
  g_clear_pointer (&out->main_c_lines, g_ptr_array_unref);
  g_clear_pointer (&out->unikernel_h_lines, g_ptr_array_unref);
  g_clear_pointer (&out->libraries, g_ptr_array_unref);
  g_clear_pointer (&out->archives, g_ptr_array_unref);
  g_clear_pointer (&out->embeds, g_ptr_array_unref);
  g_free (out);
}

const char *
ms_cgen_output_device_at (const MsCgenOutput *out, const char *file, guint line)
{
  GPtrArray *lines = g_str_equal (file, "main.c") ? out->main_c_lines
                   : g_str_equal (file, "unikernel.h") ? out->unikernel_h_lines : NULL;

  if (lines == NULL || line == 0 || line > lines->len)
    return NULL;
  return lines->pdata[line - 1];
}

/* The first of the main's argument names whose declaration in its
 * prototype proto is "type *name"; NULL if none. */
static const char *
argument_of_type (const GString *proto, GPtrArray *names, const char *type)
{
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *decl = g_strdup_printf ("%s *%s", type, (const char *) names->pdata[i]);
      if (strstr (proto->str, decl) != NULL)
        return names->pdata[i];
    }
  return NULL;
}

char *
ms_cgen_skeleton (MsEvalGraph *g, GHashTable *runtime, GError **error)
{
  g_autoptr(MsCgenOutput) out = ms_cgen_generate (g, runtime, NULL, error);
  g_autoptr(GPtrArray) mains = g_ptr_array_new_with_free_func (main_info_free);
  g_autofree gboolean *reach = NULL;
  g_autofree guint *phase = NULL;
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(GString) s = NULL;
  Gen gen;

  if (out == NULL)
    return NULL;
  reach = reachable (g);
  phase = g_new0 (guint, g->nodes->len + 1);
  args = g_ptr_array_new ();
  gen = (Gen) { g, runtime, reach, phase, args, NULL, NULL, NULL, NULL, NULL };
  if (!collect_mains (&gen, mains, error))
    return NULL;
  s = g_string_new ("/* unikernel.c: the unikernel's code, for Mirage Studio's C runtime.\n"
                    " * unikernel.h (generated by mstudio build) declares the start\n"
                    " * functions below with the types of the device graph; see\n"
                    " * docs/build.md and runtime/include/mirage/ for the interfaces. */\n"
                    "#include \"unikernel.h\"\n");
  for (guint m = 0; m < mains->len; m++)
    {
      MainInfo *mi = mains->pdata[m];
      MsEvalNode *n = ms_eval_graph_get_node (g, mi->id);
      g_autoptr(GString) proto = g_string_new (NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_auto(GStrv) parts = NULL;

      if (!main_prototype (&gen, n, mi, proto, names, error))
        return NULL;
      /* an HTTP server argument: the skeleton serves it with a handler */
      const char *http = argument_of_type (proto, names, "struct mirage_http_server");
      if (http != NULL)
        g_string_append (s, "\n/* One call per request (mirage/http.h), in the connection's task. */\n"
                            "static int\nhandle_request (mirage_http_request *req, void *data)\n{\n"
                            "  static const char body[] = \"Hello World!\\n\";\n  (void) data;\n"
                            "  return mirage_http_respond (req, 200, \"text/plain\", body, sizeof body - 1);\n}\n");
      /* an HTTP client argument: the skeleton fetches a URL with it */
      const char *client = argument_of_type (proto, names, "struct mirage_http_client");
      if (http != NULL)
        client = NULL;            /* a server's skeleton serves; the client stays unused */
      if (client != NULL && strstr (s->str, "\nfetch (") == NULL)
        g_string_append (s, "\n#include <stdlib.h>\n\n"
                            "/* One request (mirage/http_client.h): GET @url, the body streamed\n"
                            " * and counted; redirects followed, certificates checked. */\n"
                            "static int\nfetch (struct mirage_http_client *http, const char *url)\n{\n"
                            "  mirage_http_client_request *req;\n  char *error = NULL, buf[16384];\n"
                            "  unsigned long long size = 0;\n  ssize_t n = 0;\n  int status;\n\n"
                            "  if (mirage_http_client_request_new (http, \"GET\", url, &req, &error) < 0)\n    {\n"
                            "      mirage_log_err (&mirage_log_application, \"%s\", error);\n"
                            "      free (error);\n      return -1;\n    }\n"
                            "  status = mirage_http_client_request_run (req);\n"
                            "  while (status > 0 && (n = mirage_http_client_response_read (req, buf, sizeof buf)) > 0)\n"
                            "    size += (unsigned long long) n;\n"
                            "  if (status < 0 || n < 0)\n"
                            "    mirage_log_err (&mirage_log_application, \"%s\", mirage_http_client_request_error (req));\n"
                            "  else\n"
                            "    mirage_log_app (&mirage_log_application, \"%s: %d, %llu bytes\", url, status, size);\n"
                            "  mirage_http_client_request_free (req);\n"
                            "  return status < 0 || n < 0 ? -1 : 0;\n}\n");
      /* "int f (T *a, ...)" as "int\nf (T *a, ...)" */
      parts = g_strsplit (proto->str, " ", 2);
      g_string_append_printf (s, "\n%s\n%s\n{\n", parts[0], parts[1]);
      for (guint i = 0; i < names->len; i++)
        if (names->pdata[i] != http && names->pdata[i] != client)
          g_string_append_printf (s, "  (void) %s;\n", (char *) names->pdata[i]);
      g_string_append (s, "  mirage_log_info (&mirage_log_application, \"started\");\n");
      if (client != NULL)
        g_string_append_printf (s, "  return fetch (%s, \"https://mirage.io/\");\n}\n", client);
      else if (http != NULL)
        /* a conduit's server (cohttp_server, httpaf_server) listens where
         * the unikernel says, as Mirage's `TCP port; paf_server already does */
        g_string_append_printf (s, "  if (mirage_http_server_port (%s) == 0 && mirage_http_server_listen (%s, 8080) < 0)\n"
                                   "    return 1;\n"
                                   "  return mirage_http_serve (%s, handle_request, NULL);\n}\n", http, http, http);
      else
        g_string_append (s, "  return 0;\n}\n");
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}
