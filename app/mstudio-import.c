/* mstudio-import.c: `mstudio import config.ml -o P.mstudio`.
 *
 * Reads a config.ml with codegen/ms-import.c, writes the project, then
 * places the devices with the `layout --all` command itself (so import
 * and layout share one placement code path). Messages go to stderr as
 * FILE:LINE:COL: SEVERITY: TEXT; a summary to stdout.
 */
#include "mstudio-private.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ms-import.h"
#include "ms-import-version.h"
#include "ms-store.h"

int
cmd_import (int argc, char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *mirage = NULL;
  gboolean force = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  int code = CLI_EXIT_OK;
  const char *input;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The project file to write", "P.mstudio" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Replace the project file if it exists", NULL },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage,
      "Read it as Mirage VERSION does, and make the project target it (4.10 or 4.11; default: "
      "the version its first comment names, else " MS_MIRAGE_CURRENT ")", "VERSION" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("import", "Reads a Mirage config.ml into a new project file (see docs/import.md).",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("import", argc < 2 ? "which config.ml?" : "too many arguments");
  if (output == NULL)
    return cli_usage_error ("import", "give the project to write with -o P.mstudio");
  input = argv[1];
  if (!force && g_file_test (output, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
    {
      cli_error (output, "exists; use --force to replace it");
      return CLI_EXIT_ERRORS;
    }
  if (!cli_mirage_is_valid ("import", mirage, &code))
    return code;
  {
    GStatBuf st;
    /* refused before reading: a device, a FIFO or a huge file must not be
     * read whole */
    if (g_stat (input, &st) != 0)
      {
        cli_error (input, "cannot read: %s", g_strerror (errno));
        return CLI_EXIT_USAGE;
      }
    if (!S_ISREG (st.st_mode))
      {
        cli_error (input, "not a regular file; not imported");
        return CLI_EXIT_USAGE;
      }
    if ((guint64) st.st_size > MS_IMPORT_MAX_INPUT)
      {
        cli_error (input, "the file is larger than %u bytes; not imported", MS_IMPORT_MAX_INPUT);
        return CLI_EXIT_ERRORS;
      }
  }
  if (!g_file_get_contents (input, &text, &len, &error))
    {
      cli_error (input, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  doc = ms_import_configml_versioned (mirage, input, text, len, &report, &error);
  if (doc == NULL && report == NULL)
    {
      cli_error (NULL, "cannot read the device catalog: %s", error->message);
      return CLI_EXIT_USAGE;
    }
  for (guint i = 0; i < report->messages->len; i++)
    {
      g_autofree char *line = ms_import_message_format (report, report->messages->pdata[i]);
      g_autofree char *shown = cli_escape (line);
      fprintf (stderr, "%s\n", shown);
    }
  /* laid out in memory, then written in one piece (save_as writes a
   * temporary and renames it): a kill leaves no project or a whole one */
  if (report->n_devices > 0)
    {
      guint moved = 0;
      int rc = cli_layout_document (doc, output, TRUE, &moved);

      if (rc != CLI_EXIT_OK)
        return rc;
      cli_print ("placed %u device%s\n", moved, moved == 1 ? "" : "s");
    }
  if (!ms_store_save_as (doc, output, &error))
    return cli_report (output, error);
  cli_print ("imported %u device%s and %u connection%s into %s (%u error%s, %u warning%s)\n",
             report->n_devices, report->n_devices == 1 ? "" : "s",
             report->n_connections, report->n_connections == 1 ? "" : "s", output,
             ms_import_report_count (report, MS_SEVERITY_ERROR),
             ms_import_report_count (report, MS_SEVERITY_ERROR) == 1 ? "" : "s",
             ms_import_report_count (report, MS_SEVERITY_WARNING),
             ms_import_report_count (report, MS_SEVERITY_WARNING) == 1 ? "" : "s");
  return ms_import_report_count (report, MS_SEVERITY_ERROR) > 0 ? CLI_EXIT_ERRORS : CLI_EXIT_OK;
}
