/* mstudio-export.c: `mstudio export --format config.ml|unikernel.ml|ci`.
 *
 * The DOT/SVG/PNG exports live in mstudio-show.c; cmd_export hands the
 * code formats over here before parsing its own options. The generators
 * are in codegen/; this file parses the command line, picks the catalog
 * of the requested Mirage version and writes the files (docs/export.md).
 */
#include "mstudio-private.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ms-ci.h"
#include "ms-configml.h"
#include "ms-unikernel-ml.h"

static const char * const code_formats[] = { "config.ml", "unikernel.ml", "ci", NULL };

gboolean
cli_export_is_code_format (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = NULL;

      if (g_str_equal (a, "--"))
        break;
      if ((g_str_equal (a, "--format") || g_str_equal (a, "-F")) && i + 1 < argc)
        v = argv[++i];
      else if (g_str_has_prefix (a, "--format="))
        v = a + strlen ("--format=");
      else if (g_str_has_prefix (a, "-F") && a[2] != '\0')
        v = a + 2;
      if (v != NULL && g_strv_contains (code_formats, v))
        return TRUE;
    }
  return FALSE;
}

static int
report (const char *path, const GError *error)
{
  /* the refusal is shared with build and the studio, which have no
   * --force: the hint is export's own */
  if (g_error_matches (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_CHECK))
    cli_error (path, "cannot export (--force exports anyway): %s", error->message);
  else
    cli_error (path, "cannot export: %s", error->message);
  return CLI_EXIT_ERRORS;
}

static gboolean
make_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int err = errno;
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_IO, "cannot create %s: %s", dir, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

int
cmd_export_code (int argc, char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *mirage = NULL;
  g_autofree char *targets = NULL;
  gboolean force = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) target_list = NULL;
  MsExportFlags flags;
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "format", 'F', 0, G_OPTION_ARG_STRING, &format, "config.ml, unikernel.ml or ci", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Directory to write into (config.ml: “-” for standard output)", "DIR" },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage, "Mirage version: 4.10 or 4.11 (default: the version the project targets)", "VERSION" },
    { "targets", 0, 0, G_OPTION_ARG_STRING, &targets, "ci: comma-separated targets (default: the project's)", "T1,T2" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Export even if check finds errors", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("export", "Writes config.ml, unikernel.ml skeletons or CI files into DIR "
                          "(docs/export.md). unikernel.ml is never replaced.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("export", argc < 2 ? "which project file?" : "too many arguments");
  if (format == NULL || !g_strv_contains (code_formats, format))
    return cli_usage_error ("export", "which format? (--format config.ml|unikernel.ml|ci)");
  if (output == NULL || *output == '\0')
    return cli_usage_error ("export", "where to? (-o DIR)");
  if (!cli_mirage_is_valid ("export", mirage, &code))
    return code;
  if (targets != NULL && !g_str_equal (format, "ci"))
    return cli_usage_error ("export", "--targets is for --format ci");
  if (g_str_equal (output, "-") && !g_str_equal (format, "config.ml"))
    return cli_usage_error ("export", "only config.ml goes to standard output");
  if (targets != NULL)
    {
      target_list = g_strsplit (targets, ",", -1);
      for (guint i = 0; target_list[i]; i++)
        if (*target_list[i] == '\0')
          return cli_usage_error ("export", "--targets: empty target name in “%s”", targets);
    }
  path = argv[1];
  if (!(doc = cli_open (path, &code)))
    return code;
  if (mirage == NULL)
    mirage = g_strdup (ms_document_get_mirage_version (doc));
  if (!(catalog = ms_catalog_get_default (mirage, &error)))
    {
      cli_error (NULL, "cannot read the catalog of Mirage %s: %s", mirage, error->message);
      return CLI_EXIT_USAGE;
    }
  flags = force ? MS_EXPORT_FORCE : MS_EXPORT_FLAGS_NONE;

  if (g_str_equal (format, "config.ml"))
    {
      g_autofree char *text = ms_configml_generate (doc, catalog, flags, &error);
      g_autofree char *file = NULL;

      if (text == NULL)
        return report (path, error);
      if (g_str_equal (output, "-"))
        {
          fputs (text, stdout);
          return fflush (stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERRORS;
        }
      file = g_build_filename (output, "config.ml", NULL);
      if (!make_dir (output, &error) || !ms_export_write_file (file, text, TRUE, &error))
        return report (path, error);
      return CLI_EXIT_OK;
    }
  if (g_str_equal (format, "unikernel.ml"))
    {
      g_autoptr(GPtrArray) files = ms_unikernel_ml_generate (doc, catalog, flags, &error);

      if (files == NULL)
        return report (path, error);
      if (files->len == 0)
        {
          cli_error (path, "cannot export: the project has no main device");
          return CLI_EXIT_ERRORS;
        }
      if (!make_dir (output, &error) || !ms_source_files_write (output, files, FALSE, &error))
        return report (path, error);
      return CLI_EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) files = NULL;
    g_autofree char *workflows = NULL;
    g_autofree char *lock_dir = NULL;
    g_autofree char *lock_text = NULL;
    const char *lock = ms_document_get_setting (doc, MS_SETTING_LOCK);

    /* the project's lock file (mstudio resolve --lock), relative to it */
    if (lock != NULL && *lock != '\0')
      {
        g_autofree char *project_dir = g_path_get_dirname (path);
        g_autofree char *lock_path = g_path_is_absolute (lock) ? g_strdup (lock)
                                     : g_build_filename (project_dir, lock, NULL);
        if (!g_file_get_contents (lock_path, &lock_text, NULL, &error))
          {
            cli_error (path, "cannot export: the project's lock file cannot be read (%s); "
                       "write it again with mstudio resolve P --lock FILE", error->message);
            return CLI_EXIT_ERRORS;
          }
      }
    files = ms_ci_generate_locked (doc, catalog, (const char *const *) target_list, flags, lock_text, &error);
    if (files == NULL)
      return report (path, error);
    workflows = g_build_filename (output, ".github", "workflows", NULL);
    lock_dir = g_build_filename (output, "mirage-lock", NULL);
    if (!make_dir (workflows, &error) || (lock_text != NULL && !make_dir (lock_dir, &error))
        || !ms_source_files_write (output, files, TRUE, &error))
      return report (path, error);
    return CLI_EXIT_OK;
  }
}
