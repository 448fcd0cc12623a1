/* mstudio-deps.c: `mstudio deps P.mstudio --system`, the Debian packages
 * the C runtime's devices need (graph/ms-system-deps), which are missing
 * and the apt-get line that installs them; and the same check that
 * `mstudio build` makes before it compiles, so a missing library is one
 * clear message, not a compiler error about a header (docs/build.md).
 *
 * The system read is / unless --root DIR or MSTUDIO_SYSTEM_ROOT names
 * another (a folder with var/lib/dpkg/status and var/lib/apt/lists/, as
 * the tests' fixtures have).
 *
 * Exit codes: 0 nothing missing, 1 packages missing, 2 usage or
 * unreadable input (a project, or dpkg's status).
 */
#include "mstudio-private.h"

#include <json-c/json.h>
#include <stdio.h>

#include "ms-export.h"
#include "ms-json.h"
#include "ms-system-deps.h"

static const char *
system_root (const char *option)
{
  const char *env = g_getenv ("MSTUDIO_SYSTEM_ROOT");
  if (option != NULL)
    return option;
  return env != NULL && *env != '\0' ? env : "/";
}

gboolean
cli_system_deps_ok (const char *path, MsEvalGraph *graph, const char *const *libraries)
{
  g_autoptr(MsSystemPackages) sp = NULL;
  g_autoptr(MsSystemCheck) check = NULL;
  g_autofree char *message = NULL;

  if (libraries == NULL || libraries[0] == NULL)
    return TRUE;
  /* not a Debian system (or no dpkg): the compiler will tell */
  if (!(sp = ms_system_packages_open (system_root (NULL), FALSE, NULL)))
    return TRUE;
  check = ms_system_deps_check (sp, graph, libraries);
  if (check->ok)
    return TRUE;
  message = ms_system_check_message (check);
  cli_error (path, "cannot build: %s", message);
  return FALSE;
}

static struct json_object *
strv_json (char **v)
{
  struct json_object *a = json_object_new_array ();
  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    json_object_array_add (a, json_object_new_string (v[i]));
  return a;
}

static struct json_object *
opt_string (const char *s)
{
  return s ? json_object_new_string (s) : NULL;
}

static struct json_object *
check_json (const char *path, const char *root, MsSystemPackages *sp, const MsSystemCheck *check)
{
  struct json_object *o = json_object_new_object ();
  struct json_object *needs = json_object_new_array ();
  struct json_object *missing = json_object_new_array ();
  struct json_object *lists = json_object_new_array ();
  struct json_object *warnings = json_object_new_array ();
  GPtrArray *ls = ms_system_packages_lists (sp);
  GPtrArray *ws = ms_system_packages_warnings (sp);

  json_object_object_add (o, "format", json_object_new_string ("mirage-studio/system-deps"));
  json_object_object_add (o, "version", json_object_new_int (MS_JSON_VERSION));
  json_object_object_add (o, "project", json_object_new_string (path));
  json_object_object_add (o, "root", json_object_new_string (root));
  json_object_object_add (o, "ok", json_object_new_boolean (check->ok));
  for (guint i = 0; i < check->needs->len; i++)
    {
      const MsSystemNeed *n = check->needs->pdata[i];
      struct json_object *e = json_object_new_object ();
      json_object_object_add (e, "library", json_object_new_string (n->library));
      json_object_object_add (e, "package", opt_string (n->package));
      json_object_object_add (e, "devices", strv_json (n->devices));
      json_object_object_add (e, "installed", opt_string (n->installed));
      json_object_object_add (e, "candidate", opt_string (n->candidate));
      json_object_object_add (e, "missing", json_object_new_boolean (n->missing));
      json_object_array_add (needs, e);
      if (n->missing && n->package != NULL)
        json_object_array_add (missing, json_object_new_string (n->package));
    }
  json_object_object_add (o, "needs", needs);
  json_object_object_add (o, "missing", missing);
  json_object_object_add (o, "install_command", opt_string (check->install_command));
  json_object_object_add (o, "installed_packages",
                          json_object_new_int ((int) ms_system_packages_n_installed (sp)));
  for (guint i = 0; i < ls->len; i++)
    {
      const MsSystemList *l = ls->pdata[i];
      struct json_object *e = json_object_new_object ();
      json_object_object_add (e, "path", json_object_new_string (l->path));
      json_object_object_add (e, "compression", json_object_new_string (l->compression));
      json_object_object_add (e, "packages", json_object_new_int ((int) l->n_packages));
      json_object_array_add (lists, e);
    }
  json_object_object_add (o, "lists", lists);
  for (guint i = 0; i < ws->len; i++)
    json_object_array_add (warnings, json_object_new_string (ws->pdata[i]));
  json_object_object_add (o, "warnings", warnings);
  return o;
}

int
cmd_deps (int argc, char **argv)
{
  g_autofree char *root_opt = NULL;
  gboolean json = FALSE, system = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsDocument) rebased = NULL;
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(MsEvalGraph) graph = NULL;
  g_autoptr(MsSystemPackages) sp = NULL;
  g_autoptr(MsSystemCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  const char *path, *root;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system, "The Debian packages of the C runtime's libraries", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (docs/json.md)", NULL },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &root_opt, "Read dpkg and apt under DIR instead of / (default: $MSTUDIO_SYSTEM_ROOT or /)", "DIR" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("deps",
                          "Lists the Debian packages the C runtime's devices need (their headers and\n"
                          "libraries), read from dpkg's status and apt's lists with libsolv, the\n"
                          "missing ones and the apt-get line that installs them.\n"
                          "Exit 0 nothing missing, 1 packages missing.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("deps", argc < 2 ? "which project file?" : "too many arguments");
  if (!system)
    return cli_usage_error ("deps", "which dependencies? (--system: the Debian packages; "
                            "`mstudio resolve` lists the opam ones)");
  path = argv[1];
  root = system_root (root_opt);
  if (!(doc = cli_open (path, &code)) || !(catalog = cli_catalog (&code)))
    return code;
  /* evaluated as mstudio build does: for the unix target */
  if (!(rebased = ms_export_prepare (doc, catalog, MS_EXPORT_FLAGS_NONE, &error)))
    {
      cli_error (path, "%s", error->message);
      return CLI_EXIT_ERRORS;
    }
  graph = ms_eval (rebased, "unix");
  if (!(sp = ms_system_packages_open (root, TRUE, &error)))
    {
      cli_error (root, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  check = ms_system_deps_check (sp, graph, NULL);

  if (json)
    {
      g_autoptr(MsJson) o = check_json (path, root, sp, check);
      g_autofree char *text = ms_json_to_string (o);
      fputs (text, stdout);
    }
  else
    {
      GPtrArray *ws = ms_system_packages_warnings (sp);
      for (guint i = 0; i < ws->len; i++)
        cli_warning (root, "%s", (char *) ws->pdata[i]);
      if (check->needs->len == 0)
        cli_print ("%s: the C runtime needs no system library for this graph\n", path);
      for (guint i = 0; i < check->needs->len; i++)
        {
          const MsSystemNeed *n = check->needs->pdata[i];
          g_autofree char *devs = g_strjoinv (", ", n->devices);
          g_autofree char *lib = g_strconcat ("-l", n->library, NULL);
          g_autofree char *state = NULL;
          if (n->package == NULL)
            state = g_strdup ("no Debian package known");
          else if (n->installed != NULL)
            state = g_strdup_printf ("installed %s", n->installed);
          else if (n->candidate != NULL)
            state = g_strdup_printf ("MISSING (apt has %s)", n->candidate);
          else
            state = g_strdup ("MISSING (not in apt's lists: apt-get update first)");
          cli_print ("  %-14s %-20s %-34s %s\n", lib, n->package ? n->package : "?", state, devs);
        }
      if (check->install_command != NULL)
        cli_print ("%s\n", check->install_command);
    }
  return check->ok ? CLI_EXIT_OK : CLI_EXIT_ERRORS;
}
