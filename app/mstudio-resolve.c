/* mstudio-resolve.c: `mstudio resolve`, the exact opam packages of a
 * project, resolved in-process with libsolv (graph/ms-resolve), printed
 * per device, as JSON, or written as a lock file (docs/resolve.md).
 *
 * Exit codes: 0 resolved, 1 conflict, 2 usage or unreadable input.
 */
#include "mstudio-private.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "ms-diagnostic.h"
#include "ms-eval.h"
#include "ms-export.h"
#include "ms-json.h"
#include "ms-resolve.h"
#include "ms-version.h"

static struct json_object *
strv_json (char **v)
{
  struct json_object *a = json_object_new_array ();
  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    json_object_array_add (a, json_object_new_string (v[i]));
  return a;
}

static struct json_object *
resolution_json (const char *path, MsEvalGraph *graph, const char *mirage, const MsResolution *res)
{
  struct json_object *root = json_object_new_object ();
  struct json_object *pkgs = json_object_new_array ();
  struct json_object *problems = json_object_new_array ();

  json_object_object_add (root, "format", json_object_new_string ("mirage-studio/resolution"));
  json_object_object_add (root, "version", json_object_new_int (MS_JSON_VERSION));
  json_object_object_add (root, "project", json_object_new_string (path));
  json_object_object_add (root, "target", json_object_new_string (graph->target));
  json_object_object_add (root, "mirage", json_object_new_string (mirage));
  json_object_object_add (root, "ocaml", res->ocaml ? json_object_new_string (res->ocaml) : NULL);
  json_object_object_add (root, "resolved", json_object_new_boolean (res->ok));
  for (guint i = 0; i < res->packages->len; i++)
    {
      const MsResolvedPackage *p = res->packages->pdata[i];
      struct json_object *o = json_object_new_object ();
      json_object_object_add (o, "name", json_object_new_string (p->name));
      json_object_object_add (o, "version", json_object_new_string (p->version));
      json_object_object_add (o, "device", p->device ? json_object_new_string (p->device) : NULL);
      json_object_object_add (o, "requested", json_object_new_boolean (p->requested));
      json_object_object_add (o, "chain", strv_json (p->chain));
      json_object_object_add (o, "url", p->url ? json_object_new_string (p->url) : NULL);
      json_object_object_add (o, "checksums", strv_json (p->checksums));
      json_object_array_add (pkgs, o);
    }
  json_object_object_add (root, "packages", pkgs);
  for (guint i = 0; i < res->problems->len; i++)
    {
      const MsResolveProblem *p = res->problems->pdata[i];
      struct json_object *o = json_object_new_object ();
      json_object_object_add (o, "code", json_object_new_string (MS_DIAG_RESOLVE_CONFLICT));
      json_object_object_add (o, "message", json_object_new_string (p->message));
      json_object_object_add (o, "devices", strv_json (p->devices));
      json_object_object_add (o, "rules", strv_json (p->rules));
      json_object_object_add (o, "hints", strv_json (p->hints));
      json_object_array_add (problems, o);
    }
  json_object_object_add (root, "problems", problems);
  return root;
}

/* The project remembers its lock file (the `lock` setting), relative to
 * the project's folder when the lock is inside it, so that `export
 * --format ci` installs exactly these versions. */
static int
record_lock (const char *path, const char *lock)
{
  g_autofree char *project_dir = g_path_get_dirname (path);
  g_autofree char *dir = g_canonicalize_filename (project_dir, NULL);
  g_autofree char *abs = g_canonicalize_filename (lock, NULL);
  g_autofree char *prefix = g_strconcat (dir, G_DIR_SEPARATOR_S, NULL);
  const char *value = g_str_has_prefix (abs, prefix) ? abs + strlen (prefix) : abs;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  int code = CLI_EXIT_OK;

  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  if (g_strcmp0 (ms_document_get_setting (doc, MS_SETTING_LOCK), value) == 0)
    return CLI_EXIT_OK;
  if (!ms_document_set_setting (doc, MS_SETTING_LOCK, value, &error))
    {
      cli_error (path, "cannot record the lock file: %s", error->message);
      return CLI_EXIT_WRITE;
    }
  return CLI_EXIT_OK;
}

int
cmd_resolve (int argc, char **argv)
{
  g_autofree char *target = NULL;
  g_autofree char *mirage = NULL;
  g_autofree char *ocaml = NULL;
  g_autofree char *repo_path = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *lock_format = NULL;
  gboolean json = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsEvalGraph) graph = NULL;
  g_autoptr(MsResolver) resolver = NULL;
  g_autoptr(MsResolveRequest) req = NULL;
  g_autoptr(MsResolution) res = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  const char *mirage_version;
  gboolean from_cache = FALSE;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "Resolve for TARGET instead of the project's", "TARGET" },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage, "Read the project as Mirage VERSION does (4.10 or 4.11; default: the version the project targets)", "VERSION" },
    { "ocaml", 0, 0, G_OPTION_ARG_STRING, &ocaml, "The OCaml compiler (default: the newest release in the repository)", "VERSION" },
    { "opam-repo", 0, 0, G_OPTION_ARG_FILENAME, &repo_path, "An opam repository: a folder with packages/, or a .tar.gz/.tar.xz of one (default: the opam root's)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (docs/json.md)", NULL },
    { "lock", 0, 0, G_OPTION_ARG_FILENAME, &lock, "Write a lock file pinning every package", "FILE" },
    { "lock-format", 0, 0, G_OPTION_ARG_STRING, &lock_format, "opam (for opam install --locked, the default) or monorepo (opam-monorepo's)", "FORMAT" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("resolve",
                          "Resolves the project's opam packages (its devices' packages with their\n"
                          "bounds, the compiler and Mirage) against an opam repository with libsolv:\n"
                          "every package's exact version and the device that brings it in, or the\n"
                          "devices whose packages clash. Exit 0 resolved, 1 conflict.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("resolve", argc < 2 ? "which project file?" : "too many arguments");
  if (!cli_mirage_is_valid ("resolve", mirage, &code))
    return code;
  if (lock_format != NULL && !g_str_equal (lock_format, "opam") && !g_str_equal (lock_format, "monorepo"))
    return cli_usage_error ("resolve", "“%s” is not a lock format (opam or monorepo)", lock_format);
  if (lock_format != NULL && lock == NULL)
    return cli_usage_error ("resolve", "--lock-format needs --lock FILE");
  if (ocaml != NULL && !ms_version_is_valid (ocaml, NULL))
    return cli_usage_error ("resolve", "“%s” is not an OCaml version", ocaml);
  path = argv[1];
  if (!(doc = cli_open (path, &code)))
    return code;
  if (mirage != NULL)
    {
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
  if (target != NULL && ms_catalog_lookup_target (ms_document_get_catalog (doc), target) == NULL)
    return cli_usage_error ("resolve", "“%s” is not a target", target);
  mirage_version = ms_catalog_get_mirage_version (ms_document_get_catalog (doc));

  if (repo_path == NULL && !(repo_path = ms_resolver_default_source (&error)))
    {
      cli_error (path, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  if (!(resolver = ms_resolver_open (repo_path, NULL, &from_cache, &error)))
    {
      cli_error (repo_path, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  if (ocaml != NULL && !ms_resolver_has (resolver, "ocaml", ocaml))
    {
      g_autofree char *newest = ms_resolver_default_ocaml (resolver);
      cli_error (repo_path, "OCaml %s is not in this repository (its newest release: %s)",
                 ocaml, newest ? newest : "none");
      return CLI_EXIT_USAGE;
    }

  graph = ms_eval (doc, target);
  req = ms_resolve_request_from_graph (graph);
  req->ocaml = g_strdup (ocaml);
  res = ms_resolver_solve (resolver, req);

  if (json)
    {
      g_autoptr(MsJson) root = resolution_json (path, graph, mirage_version, res);
      g_autofree char *text = ms_json_to_string (root);
      fputs (text, stdout);
    }
  else if (res->ok)
    {
      cli_print ("%u packages for %s (target %s, OCaml %s, Mirage %s)\n", res->packages->len,
                 graph->app_name ? graph->app_name : path, graph->target,
                 res->ocaml ? res->ocaml : "?", mirage_version);
      for (guint i = 0; i < res->packages->len; i++)
        {
          const MsResolvedPackage *p = res->packages->pdata[i];
          g_autofree char *nv = g_strdup_printf ("%s.%s", p->name, p->version);
          g_autofree char *chain = p->chain[0] && p->chain[1] ? g_strjoinv (" → ", p->chain) : NULL;
          if (p->device == NULL)
            cli_print ("  %-40s (the compiler)\n", nv);
          else if (chain == NULL)
            cli_print ("  %-40s %s\n", nv, p->device);
          else
            cli_print ("  %-40s %s: %s\n", nv, p->device, chain);
        }
    }
  else
    {
      for (guint i = 0; i < res->problems->len; i++)
        {
          const MsResolveProblem *p = res->problems->pdata[i];
          cli_error (path, "%s [%s]", p->message, MS_DIAG_RESOLVE_CONFLICT);
          for (guint k = 0; p->rules[k] != NULL; k++)
            cli_warning (path, "  because %s", p->rules[k]);
          for (guint k = 0; p->hints[k] != NULL; k++)
            cli_warning (path, "  fix: %s", p->hints[k]);
        }
    }

  if (!res->ok)
    return CLI_EXIT_ERRORS;
  if (lock != NULL)
    {
      g_autoptr(GPtrArray) roots = g_ptr_array_new ();
      g_autofree char *text = NULL;
      for (guint i = 0; i < graph->packages->len; i++)
        g_ptr_array_add (roots, ((MsEvalPackage *) graph->packages->pdata[i])->name);
      g_ptr_array_add (roots, NULL);
      text = ms_resolution_lock_text_for_target (res, graph->app_name ? graph->app_name : "unikernel",
                                                 (const char *const *) roots->pdata,
                                                 lock_format != NULL && g_str_equal (lock_format, "monorepo"),
                                                 graph->target);
      if (!g_file_set_contents (lock, text, -1, &error))
        {
          cli_error (lock, "%s", error->message);
          return CLI_EXIT_USAGE;
        }
      if ((code = record_lock (path, lock)) != CLI_EXIT_OK)
        return code;
    }
  return CLI_EXIT_OK;
}
