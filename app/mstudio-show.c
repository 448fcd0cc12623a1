/* mstudio-show.c: the mstudio subcommands that only read.
 *
 * check, describe, export and catalog. Their output is meant to be
 * compared and diffed: everything is printed in a fixed order (devices
 * and options sorted, nodes in evaluation order), and project text is
 * escaped so that it cannot carry control characters to the terminal.
 */
#include "mstudio-private.h"

#include "ms-export.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ms-check.h"
#include "ms-diagnostic.h"
#include "ms-dot.h"
#include "ms-eval.h"
#include "ms-json.h"
#include "ms-render.h"
#include "ms-store.h"
#include "ms-type.h"

/* Prints "LABEL      text" with the text escaped; label NULL continues
 * the previous field on a new line, aligned. */
static void G_GNUC_PRINTF (3, 4)
field (const char *indent, const char *label, const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  safe = cli_escape (text);
  printf ("%s%-10s %s\n", indent, label ? label : "", safe);
}

/* DOT and JSON keep their newlines; anything else is escaped. */
static void
print_text_block (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *safe = cli_escape (lines[i]);
      fputs (safe, stdout);
      if (lines[i + 1] != NULL)
        fputc ('\n', stdout);
    }
  if (*text && text[strlen (text) - 1] != '\n')
    fputc ('\n', stdout);
}

static void
print_json (MsJson *root)
{
  g_autofree char *text = ms_json_to_string (root);

  print_text_block (text);
}

static gboolean
check_target (MsDocument *doc, const char *path, const char *target)
{
  MsCatalog *catalog = ms_document_get_catalog (doc);
  GPtrArray *targets;
  GString *known;

  if (target == NULL || ms_catalog_lookup_target (catalog, target) != NULL)
    return TRUE;
  targets = ms_catalog_get_targets (catalog);
  known = g_string_new (NULL);
  for (guint i = 0; i < targets->len; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", ((MsTarget *) targets->pdata[i])->name);
  cli_error (path, "“%s” is not a target (targets: %s)", target, known->str);
  g_string_free (known, TRUE);
  return FALSE;
}

/* ---- check ------------------------------------------------------------------------- */

int
cmd_check (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *mirage = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  guint errors, warnings, infos;
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the diagnostics as JSON (docs/json.md)", NULL },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage,
      "Check against Mirage VERSION's catalog instead of the project's (4.10 or 4.11)", "VERSION" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("check",
                          "Prints each problem as “severity: place: message [code]”, then a summary.\n"
                          "Exits with 1 if there is an error, 0 if there are only warnings or none.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("check", argc < 2 ? "which project file?" : "too many arguments");
  if (!cli_mirage_is_valid ("check", mirage, &code))
    return code;
  path = argv[1];
  if (!(doc = cli_open (path, &code)))
    return code;
  /* the document is not attached (read-only): targeting another version
   * here only changes what this run checks against, and every device the
   * version lacks or types differently is reported */
  if (mirage != NULL && !ms_document_set_setting (doc, MS_SETTING_MIRAGE, mirage, NULL))
    return CLI_EXIT_ERRORS;

  diags = ms_check_document (doc);
  errors = ms_diagnostics_count (diags, MS_SEVERITY_ERROR);
  warnings = ms_diagnostics_count (diags, MS_SEVERITY_WARNING);
  infos = ms_diagnostics_count (diags, MS_SEVERITY_INFO);
  if (json)
    {
      g_autoptr(MsJson) root = ms_json_diagnostics (diags, path);
      print_json (root);
    }
  else
    {
      for (guint i = 0; i < diags->len; i++)
        {
          g_autofree char *line = ms_diagnostic_format (diags->pdata[i]);
          g_autofree char *safe = cli_escape (line);
          printf ("%s\n", safe);
        }
      if (errors + warnings + infos == 0)
        printf ("no problems\n");
      else
        {
          printf ("%u error%s, %u warning%s", errors, errors == 1 ? "" : "s",
                  warnings, warnings == 1 ? "" : "s");
          if (infos)
            printf (", %u note%s", infos, infos == 1 ? "" : "s");
          printf ("\n");
        }
    }
  return errors ? CLI_EXIT_ERRORS : CLI_EXIT_OK;
}

/* ---- describe ----------------------------------------------------------------------- */

static const char *
device_name_of (MsDocument *doc, guint id)
{
  const MsDevice *d = ms_document_get_device (doc, id);

  return d ? d->name : "?";
}

static void
describe_header (MsDocument *doc, MsEvalGraph *graph)
{
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);
  static const char * const choices[] = {
    MS_SETTING_ARGV, MS_SETTING_REPORTER, MS_SETTING_LEVEL, MS_SETTING_SLEEP,
    MS_SETTING_PTIME, MS_SETTING_MTIME, MS_SETTING_RANDOM, NULL
  };
  GString *s;

  field ("", "Name", "%s", graph ? graph->app_name : ms_document_get_app_name (doc));
  field ("", "Target", "%s", graph ? graph->target : ms_document_get_target (doc));
  field ("", "Mirage", "%s", ms_document_get_mirage_version (doc));
  if (graph == NULL || graph->keys->len == 0)
    field ("", "Keys", "none");
  for (guint i = 0; graph && i < graph->keys->len; i++)
    {
      const MsEvalKey *k = graph->keys->pdata[i];
      field ("", i == 0 ? "Keys" : NULL, "%s=%s%s%s", k->name, k->value ? k->value : "",
             k->is_default ? " (default)" : "", i + 1 < graph->keys->len ? "," : "");
    }
  if (graph == NULL || graph->runtime_args->len == 0)
    field ("", "Runtime", "none");
  for (guint i = 0; graph && i < graph->runtime_args->len; i++)
    {
      const MsEvalArg *a = graph->runtime_args->pdata[i];
      field ("", i == 0 ? "Runtime" : NULL, "%s=%s (%s%s)%s", a->name,
             a->default_value ? a->default_value : "", a->type, a->overridden ? "" : ", default",
             i + 1 < graph->runtime_args->len ? "," : "");
    }
  s = g_string_new (NULL);
  for (guint i = 0; i < jobs->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", device_name_of (doc, g_array_index (jobs, guint, i)));
  field ("", "Jobs", "%s", s->len ? s->str : "none");
  g_string_truncate (s, 0);
  for (guint i = 0; choices[i]; i++)
    g_string_append_printf (s, "%s%s=%s", i ? " " : "", choices[i],
                            ms_document_get_setting_or_default (doc, choices[i]));
  field ("", "Register", "%s", s->str);
  g_string_free (s, TRUE);
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
compare_devices_by_name (gconstpointer a, gconstpointer b)
{
  const MsDevice *x = *(MsDevice * const *) a;
  const MsDevice *y = *(MsDevice * const *) b;

  return strcmp (x->name, y->name);
}

static void
describe_device (MsDocument *doc, const MsDevice *d)
{
  MsCatalog *catalog = ms_document_get_catalog (doc);
  const MsConstructor *ctor = ms_catalog_lookup (catalog, d->ctor);
  g_autoptr(MsDeviceTypes) types = ms_check_device_types (doc, d->id);
  const char *in = "  ";

  printf ("\n");
  field ("", "Device", "%s", d->name);
  field (in, "ctor", "%s%s", d->ctor, ctor ? "" : " (not in the catalog)");
  field (in, "type", "%s", types && types->result ? types->result : "?");
  if (d->custom != NULL)
    {
      field (in, "module", "%s", d->custom->module);
      field (in, "signature", "%s", d->custom->signature);
      for (guint i = 0; i < d->custom->packages->len; i++)
        {
          g_autofree char *p = ms_package_to_string (d->custom->packages->pdata[i]);
          field (in, "package", "%s", p);
        }
      for (guint i = 0; i < d->custom->runtime_args->len; i++)
        {
          const MsArgDecl *a = d->custom->runtime_args->pdata[i];
          gboolean has_doc = a->doc != NULL && *a->doc != '\0';
          field (in, "arg", "%s:%s=%s%s%s%s", a->name, a->type, a->default_value ? a->default_value : "",
                 has_doc ? " (" : "", has_doc ? a->doc : "", has_doc ? ")" : "");
        }
      for (guint i = 0; i < d->custom->deps->len; i++)
        field (in, "dep", "%s", device_name_of (doc, g_array_index (d->custom->deps, guint, i)));
    }
  for (guint i = 0; types && i < types->inputs->len; i++)
    {
      const MsPortType *p = types->inputs->pdata[i];
      guint src = ms_document_get_source (doc, d->id, p->param);
      field (in, "input", "%s: %s%s%s", p->param, p->type,
             src ? " <- " : (p->optional ? " (optional, not connected)" : " (not connected)"),
             src ? device_name_of (doc, src) : "");
    }
  if (types == NULL)
    {
      /* no types: still show the connections */
      g_autoptr(GPtrArray) ports = cli_device_ports (doc, d);
      for (guint i = 0; i < ports->len; i++)
        {
          guint src = ms_document_get_source (doc, d->id, ports->pdata[i]);
          field (in, "input", "%s%s%s", (char *) ports->pdata[i], src ? " <- " : " (not connected)",
                 src ? device_name_of (doc, src) : "");
        }
    }
  if (ctor != NULL && d->custom == NULL)
    {
      for (guint i = 0; i < ctor->options->len; i++)
        {
          const MsArgument *o = ctor->options->pdata[i];
          const char *v = ms_device_get_option (d, o->name);
          if (v != NULL)
            field (in, "option", "%s=%s", o->name, v);
          else if (o->required)
            field (in, "option", "%s (required, not set)", o->name);
        }
    }
  else if (d->options != NULL)
    {
      g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (d->options), (GCompareFunc) strcmp);
      for (GList *l = keys; l; l = l->next)
        field (in, "option", "%s=%s", (char *) l->data, (char *) g_hash_table_lookup (d->options, l->data));
    }
  if (d->placed)
    field (in, "position", "%.10g,%.10g", d->x, d->y);
  else
    field (in, "position", "none");
}

static char *
node_label (const MsEvalNode *n)
{
  if (n->device && n->role)
    return g_strdup_printf ("%s/%s", n->device, n->role);
  return g_strdup (n->device ? n->device : n->role ? n->role : "-");
}

static void
describe_eval (MsEvalGraph *graph)
{
  const char *in = "  ";

  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const MsEvalNode *n = graph->nodes->pdata[i];
      g_autofree char *label = node_label (n);
      g_autofree char *value = ms_eval_node_value_name (n);
      g_autoptr(GList) opts = NULL;
      GString *s = g_string_new (NULL);

      printf ("\n");
      field ("", "Node", "%u %s%s%s%s%s%s", n->id, label, n->ctor ? ": " : "", n->ctor ? n->ctor->name : "",
             n->variant ? " (variant " : "", n->variant ? n->variant : "", n->variant ? ")" : "");
      field (in, "value", "%s", value);
      if (!n->reachable)
        field (in, "unused", "%s", "no job uses it on this target: not part of the unikernel");
      field (in, "module", "%s", n->module && *n->module ? n->module : "-");
      if (n->functor)
        field (in, "functor", "%s", n->functor);
      for (guint j = 0; n->args && j < n->n_args; j++)
        {
          guint a = n->args[j];
          const MsEvalNode *an = ms_eval_graph_get_node (graph, a);
          g_autofree char *al = an ? node_label (an) : g_strdup ("?");
          const char *param = n->arg_params && j < n->n_args ? n->arg_params[j] : NULL;
          g_string_append_printf (s, "%s%s%s%u (%s)", j ? ", " : "", param ? param : "",
                                  param ? "=" : "", a, al);
        }
      if (s->len)
        field (in, "args", "%s", s->str);
      g_string_truncate (s, 0);
      for (guint j = 0; n->deps && j < n->n_deps; j++)
        g_string_append_printf (s, "%s%u", j ? ", " : "", n->deps[j]);
      if (s->len)
        field (in, "deps", "%s", s->str);
      g_string_truncate (s, 0);
      for (guint j = 0; n->runtime_args && j < n->n_runtime_args; j++)
        {
          const MsEvalArg *a = n->runtime_args[j];
          g_string_append_printf (s, "%s%s=%s", j ? ", " : "", a->name, a->default_value ? a->default_value : "");
        }
      if (s->len)
        field (in, "runtime", "%s", s->str);
      g_string_truncate (s, 0);
      for (guint j = 0; n->keys && j < n->n_keys; j++)
        g_string_append_printf (s, "%s%s", j ? ", " : "", (char *) n->keys[j]);
      if (s->len)
        field (in, "keys", "%s", s->str);
      for (guint j = 0; j < n->n_options; j++)
        opts = g_list_prepend (opts, (gpointer) n->option_names[j]);
      opts = g_list_sort (opts, (GCompareFunc) strcmp);
      for (GList *l = opts; l; l = l->next)
        field (in, "option", "%s=%s", (char *) l->data, ms_eval_node_get_option (n, l->data));
      g_string_truncate (s, 0);
      for (guint j = 0; n->packages && j < n->n_packages; j++)
        g_string_append_printf (s, "%s%s", j ? ", " : "", ((MsPackage *) n->packages[j])->name);
      if (s->len)
        field (in, "packages", "%s", s->str);
      g_string_free (s, TRUE);
    }

  printf ("\n");
  {
    GString *s = g_string_new (NULL);
    for (guint i = 0; graph->init && i < graph->init->len; i++)
      g_string_append_printf (s, "%s%u", i ? ", " : "", g_array_index (graph->init, guint, i));
    field ("", "Init", "%s", s->len ? s->str : "none");
    g_string_truncate (s, 0);
    for (guint i = 0; graph->jobs && i < graph->jobs->len; i++)
      g_string_append_printf (s, "%s%u", i ? ", " : "", g_array_index (graph->jobs, guint, i));
    field ("", "Run", "%s", s->len ? s->str : "none");
    g_string_free (s, TRUE);
  }
  field ("", "Root", "%u", graph->root);
  if (graph->packages->len == 0)
    field ("", "Packages", "none");
  for (guint i = 0; i < graph->packages->len; i++)
    {
      g_autofree char *p = ms_json_opam_constraint (graph->packages->pdata[i]);
      field ("", i == 0 ? "Packages" : NULL, "%s", p);
    }
  for (guint i = 0; graph->diagnostics && i < graph->diagnostics->len; i++)
    {
      g_autofree char *line = ms_diagnostic_format (graph->diagnostics->pdata[i]);
      field ("", i == 0 ? "Problems" : NULL, "%s", line);
    }
}

int
cmd_describe (int argc, char **argv)
{
  gboolean dot = FALSE, eval = FALSE, json = FALSE, sandbox = FALSE;
  g_autofree char *target = NULL;
  g_autofree char *mirage = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsEvalGraph) graph = NULL;
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "dot", 0, 0, G_OPTION_ARG_NONE, &dot, "Print the graph as Graphviz DOT", NULL },
    { "eval", 'e', 0, G_OPTION_ARG_NONE, &eval, "Show the evaluated graph (branches chosen, register's devices)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (docs/json.md)", NULL },
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "Evaluate for TARGET instead of the project's", "TARGET" },
    { "sandbox", 0, 0, G_OPTION_ARG_NONE, &sandbox, "Print the system calls each device may make under -t sandbox (docs/build.md)", NULL },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage, "Read the project as Mirage VERSION reads it (4.10 or 4.11; default: the version the project targets)", "VERSION" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("describe",
                          "Prints the name, target, keys, runtime arguments, jobs and devices of a\n"
                          "project like `mirage describe`; with --eval, the nodes Mirage would\n"
                          "build, in order, and the merged opam packages.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("describe", argc < 2 ? "which project file?" : "too many arguments");
  if (dot && json)
    return cli_usage_error ("describe", "--dot and --json exclude each other");
  if (sandbox && (dot || json || eval || target != NULL))
    return cli_usage_error ("describe", "--sandbox stands alone");
  if (sandbox)
    return cli_describe_sandbox (argv[1]);
  if (!cli_mirage_is_valid ("describe", mirage, &code))
    return code;
  if (sandbox && mirage != NULL)
    return cli_usage_error ("describe", "--sandbox stands alone");
  path = argv[1];
  if (!(doc = cli_open (path, &code)))
    return code;
  /* the same reading of the project as an export for that version */
  if (mirage != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsCatalog) catalog = ms_catalog_get_default (mirage, &error);
      MsDocument *rebased = catalog ? ms_export_prepare (doc, catalog, MS_EXPORT_FORCE, &error) : NULL;

      if (rebased == NULL)
        {
          cli_error (path, "cannot read it as Mirage %s does: %s", mirage, error->message);
          return CLI_EXIT_ERRORS;
        }
      g_object_unref (doc);
      doc = rebased;
    }
  if (!check_target (doc, path, target))
    return CLI_EXIT_ERRORS;

  if (dot)
    {
      g_autofree char *text = NULL;
      if (eval)
        {
          graph = ms_eval (doc, target);
          text = ms_dot_from_eval (graph);
        }
      else
        text = ms_dot_from_document (doc);
      print_text_block (text);
      return CLI_EXIT_OK;
    }
  graph = ms_eval (doc, target);
  if (json)
    {
      g_autoptr(MsJson) root = eval ? ms_json_eval (graph) : ms_json_document (doc);
      print_json (root);
      return CLI_EXIT_OK;
    }

  describe_header (doc, graph);
  if (eval)
    describe_eval (graph);
  else
    {
      g_autoptr(GPtrArray) devices = borrow_array (ms_document_get_devices (doc));
      g_ptr_array_sort (devices, compare_devices_by_name);
      for (guint i = 0; i < devices->len; i++)
        describe_device (doc, devices->pdata[i]);
    }
  return CLI_EXIT_OK;
}

/* ---- export ---------------------------------------------------------------------------- */

int
cmd_export (int argc, char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *target = NULL;
  g_autofree char *text = NULL;
  gboolean eval = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsEvalGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "format", 'F', 0, G_OPTION_ARG_STRING, &format, "dot, svg or png (default: from the file name)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "File to write (“-”: standard output, DOT only)", "FILE" },
    { "eval", 'e', 0, G_OPTION_ARG_NONE, &eval, "Export the evaluated graph", NULL },
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "Evaluate for TARGET (implies --eval)", "TARGET" },
    G_OPTION_ENTRY_NULL
  };

  if (cli_export_is_code_format (argc, argv))
    return cmd_export_code (argc, argv);
  if (!cli_parse_options ("export", "The file is replaced atomically.", entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("export", argc < 2 ? "which project file?" : "too many arguments");
  if (output == NULL)
    return cli_usage_error ("export", "where to? (-o FILE)");
  if (format == NULL)
    {
      const char *dot = strrchr (output, '.');
      if (dot == NULL || strchr (dot, '/') != NULL)
        return cli_usage_error ("export", "which format? (--format dot|svg|png)");
      format = g_ascii_strdown (dot + 1, -1);
      if (g_str_equal (format, "gv"))
        {
          g_free (format);
          format = g_strdup ("dot");
        }
    }
  if (!g_str_equal (format, "dot") && !g_str_equal (format, "svg") && !g_str_equal (format, "png"))
    return cli_usage_error ("export", "“%s” is not a format (dot, svg, png)", format);
  if (g_str_equal (output, "-") && !g_str_equal (format, "dot"))
    return cli_usage_error ("export", "only DOT goes to standard output");
  path = argv[1];
  if (!(doc = cli_open (path, &code)))
    return code;
  if (!check_target (doc, path, target))
    return CLI_EXIT_ERRORS;

  if (eval || target)
    {
      graph = ms_eval (doc, target);
      text = ms_dot_from_eval (graph);
    }
  else
    text = ms_dot_from_document (doc);

  if (g_str_equal (format, "dot"))
    {
      if (g_str_equal (output, "-"))
        {
          print_text_block (text);
          return CLI_EXIT_OK;
        }
      if (!g_file_set_contents (output, text, -1, &error))
        return cli_report (output, error);
      return CLI_EXIT_OK;
    }
  if (!ms_render_dot_to_file (text, format, output, &error))
    {
      cli_error (output, "cannot export %s: %s", path, error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA)
             || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED)
             || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
             ? CLI_EXIT_ERRORS : CLI_EXIT_USAGE;
    }
  return CLI_EXIT_OK;
}

/* ---- catalog ---------------------------------------------------------------------------- */

int
cmd_catalog (int argc, char **argv)
{
  gboolean json = FALSE, all = FALSE;
  g_autofree char *mirage = NULL;
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  GPtrArray *categories, *ctors;
  int code = CLI_EXIT_OK;
  gboolean first = TRUE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the catalog as JSON (docs/json.md)", NULL },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Include Mirage's internal constructors", NULL },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage,
      "The catalog of Mirage VERSION: 4.10 or 4.11 (default " MS_MIRAGE_CURRENT ", the current release)", "VERSION" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("catalog",
                          "Lists the device constructors by category: name, the type it produces,\n"
                          "and what it is. TYPE keeps only those producing TYPE (e.g. stackv4v6).",
                          entries, &argc, &argv, &code))
    return code;
  if (argc > 2)
    return cli_usage_error ("catalog", "too many arguments");
  type = argc == 2 ? argv[1] : NULL;
  if (!cli_mirage_is_valid ("catalog", mirage, &code))
    return code;
  if (!(catalog = ms_catalog_get_default (mirage ? mirage : MS_MIRAGE_CURRENT, &error)))
    {
      cli_error (NULL, "cannot read the device catalog: %s", error->message);
      return CLI_EXIT_USAGE;
    }
  if (type != NULL && ms_catalog_lookup_type (catalog, type) == NULL)
    {
      GPtrArray *types = ms_catalog_get_types (catalog);
      GString *known = g_string_new (NULL);
      for (guint i = 0; i < types->len; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "", ((MsModuleType *) types->pdata[i])->name);
      cli_error (NULL, "“%s” is not a module type (types: %s)", type, known->str);
      g_string_free (known, TRUE);
      return CLI_EXIT_ERRORS;
    }

  if (json)
    {
      g_autoptr(MsJson) root = ms_json_catalog (catalog, type);
      print_json (root);
      return CLI_EXIT_OK;
    }

  categories = ms_catalog_get_categories (catalog);
  ctors = ms_catalog_get_constructors (catalog);
  for (guint c = 0; c < categories->len; c++)
    {
      const MsCategory *cat = categories->pdata[c];
      gboolean heading = FALSE;
      for (guint i = 0; i < ctors->len; i++)
        {
          const MsConstructor *k = ctors->pdata[i];
          if (g_strcmp0 (k->category, cat->name) != 0)
            continue;
          if (k->kind == MS_CTOR_INTERNAL && !all)
            continue;
          if (type != NULL && !ms_json_type_filter_matches (catalog, k->result, type))
            continue;
          if (!heading)
            {
              printf ("%s%s\n", first ? "" : "\n", cat->title ? cat->title : cat->name);
              heading = TRUE;
              first = FALSE;
            }
          {
            g_autofree char *line = g_strdup_printf ("  %-24s %-16s %s%s%s", k->name, k->result,
                                                     k->summary ? k->summary : "",
                                                     k->deprecated ? " (deprecated)" : "",
                                                     k->kind == MS_CTOR_INTERNAL ? " (internal)" : "");
            g_autofree char *safe = cli_escape (line);
            printf ("%s\n", safe);
          }
        }
    }
  if (first && type != NULL)
    printf ("no constructor produces %s\n", type);
  return CLI_EXIT_OK;
}
