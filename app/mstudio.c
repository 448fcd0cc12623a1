/* mstudio.c: the command-line face of Mirage Studio.
 *
 * `mstudio SUBCOMMAND P.mstudio ...` opens a project file, does one thing
 * and exits: every change goes through MsDocument and is written by the
 * store as it happens, so there is no save step. This file dispatches the
 * subcommands and holds what they share: option parsing with --help,
 * the mapping of errors to exit codes (docs/cli.md), and the escaping of
 * project text so that a device name cannot smuggle control characters
 * onto the user's terminal.
 */
#include "mstudio-private.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ms-config.h"
#include "ms-paths.h"
#include "ms-store.h"
#include "ms-text.h"
#include "ms-value.h"
#include "ms-type.h"

static const CliCommand commands[] = {
  { "new", cmd_new, "P.mstudio --name NAME [--example EXAMPLE] [--mirage 4.10|4.11]",
    "Create a project file, empty or replaying an example" },
  { "add", cmd_add, "P.mstudio CONSTRUCTOR [--as NAME] [OPTION=VALUE ...]",
    "Add a device" },
  { "connect", cmd_connect, "P.mstudio SOURCE TARGET.PARAM",
    "Feed a device's output to a parameter of another" },
  { "disconnect", cmd_disconnect, "P.mstudio TARGET.PARAM",
    "Remove the connection into a parameter" },
  { "set", cmd_set, "P.mstudio ASSIGNMENT ...",
    "Change options, keys, runtime arguments and settings" },
  { "remove", cmd_remove, "P.mstudio NAME",
    "Remove a device and its connections" },
  { "register", cmd_register, "P.mstudio [--jobs NAME[,NAME...]] [--reporter ...] ...",
    "Choose the jobs and what register adds" },
  { "check", cmd_check, "P.mstudio [--json] [--mirage 4.10|4.11]",
    "Report the problems of a project" },
  { "describe", cmd_describe, "P.mstudio [--dot|--json] [--eval] [-t TARGET] [--mirage 4.10|4.11]",
    "Print a project, or its evaluated graph" },
  { "layout", cmd_layout, "P.mstudio [--all]",
    "Place the devices for the studio's canvas" },
  { "export", cmd_export_any, "P.mstudio --format dot|svg|png -o FILE [--eval] [-t TARGET] | --format config.ml|unikernel.ml|ci|c-skeleton -o DIR [--mirage 4.10|4.11]",
    "Write the graph as DOT, SVG or PNG, or the project as MirageOS code" },
  { "build", cmd_build, "P.mstudio [-t unix] [-o DIR] [--source FILE]",
    "Compile the project with its unikernel.c against the bundled C runtime" },
  { "run", cmd_run, "P.mstudio [-t unix] [-o DIR] [--source FILE] [-- ARGS]",
    "Build if needed, then run the unikernel" },
  { "resolve", cmd_resolve, "P.mstudio [-t TARGET] [--mirage 4.10|4.11] [--ocaml VERSION] [--opam-repo PATH] [--json] [--lock FILE]",
    "Resolve the opam packages with libsolv: exact versions per device, or the conflict" },
  { "deps", cmd_deps, "P.mstudio --system [--json] [--root DIR]",
    "List the Debian packages the C runtime's devices need, and the missing ones" },
  { "import", cmd_import, "config.ml -o P.mstudio [--force] [--mirage 4.10|4.11]",
    "Read a Mirage config.ml into a new project" },
  { "catalog", cmd_catalog, "[--json] [--mirage 4.10|4.11] [TYPE]",
    "List the device constructors" },
};

const CliCommand *
cli_find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* ---- output ---------------------------------------------------------------- */

/* Project text goes to a terminal: control characters, bidi controls,
 * zero-width and other invisible characters, and bytes that are not
 * UTF-8 are written as escapes (ms-text.h), everything else as is. */
char *
cli_escape (const char *text)
{
  return ms_text_escape_terminal (text);
}

static void
vmessage (const char *kind, const char *file, const char *format, va_list ap)
{
  g_autofree char *text = g_strdup_vprintf (format, ap);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *safe = cli_escape (lines[0]);
  g_autofree char *safe_file = cli_escape (file);

  /* name the file unless the message already does */
  if (file != NULL && strstr (text, file) == NULL)
    fprintf (stderr, "mstudio: %s%s: %s\n", kind, safe_file, safe);
  else
    fprintf (stderr, "mstudio: %s%s\n", kind, safe);
  /* A message of several lines (a list of problems) is printed as such,
   * each line escaped; a line is indented if it is not already, so that a
   * newline in project text cannot pass for a message of its own. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autofree char *line = cli_escape (lines[i]);

      if (*line == '\0' && lines[i + 1] == NULL)
        break;
      fprintf (stderr, "%s%s\n", line[0] == ' ' ? "" : "  ", line);
    }
}

void
cli_error (const char *file, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vmessage ("", file, format, ap);
  va_end (ap);
}

void
cli_warning (const char *file, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vmessage ("warning: ", file, format, ap);
  va_end (ap);
}

void
cli_print (const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  fputs (text, stdout);
}

/* The exit code for a store error: 3 when the file could not be
 * written (the file keeps its state from before the command), 2 when
 * it cannot be read. */
static int
exit_code_for_store (const GError *error, gboolean writing)
{
  switch (error->code)
    {
    case MS_STORE_ERROR_FULL:
    case MS_STORE_ERROR_LINKED:
    case MS_STORE_ERROR_READ_ONLY:
    case MS_STORE_ERROR_BUSY:
      return CLI_EXIT_WRITE;
    case MS_STORE_ERROR_IO:
      return writing ? CLI_EXIT_WRITE : CLI_EXIT_USAGE;
    default:
      return CLI_EXIT_USAGE;
    }
}

/* Reports error and returns the exit code it calls for: 3 when a change
 * could not be saved, 2 when the project (or another input) cannot be
 * read, 1 when a request was refused. */
int
cli_report (const char *file, const GError *error)
{
  int code = CLI_EXIT_ERRORS;

  if (error->domain == MS_STORE_ERROR)
    code = exit_code_for_store (error, TRUE);
  else if (error->domain == G_OPTION_ERROR
           || error->domain == G_SHELL_ERROR
           || error->domain == G_FILE_ERROR
           || error->domain == G_IO_ERROR
           || (error->domain == MS_DOCUMENT_ERROR && error->code == MS_DOCUMENT_ERROR_STORAGE))
    code = CLI_EXIT_USAGE;
  cli_error (file, "%s", error->message);
  return code;
}

/* ---- shared helpers ------------------------------------------------------------ */

MsCatalog *
cli_catalog (int *exit_code)
{
  static MsCatalog *catalog;
  g_autoptr(GError) error = NULL;

  if (catalog != NULL)
    return ms_catalog_ref (catalog);
  catalog = ms_catalog_get_default ("4.10", &error);
  if (catalog == NULL)
    {
      cli_error (NULL, "cannot read the device catalog: %s", error->message);
      *exit_code = CLI_EXIT_USAGE;
      return NULL;
    }
  return ms_catalog_ref (catalog);
}

gboolean
cli_mirage_is_valid (const char *name, const char *mirage, int *exit_code)
{
  g_autofree char *known = NULL;

  if (mirage == NULL || ms_catalog_version_is_known (mirage))
    return TRUE;
  known = g_strjoinv (" or ", (char **) ms_catalog_get_known_versions ());
  *exit_code = cli_usage_error (name, "“%s” is not a Mirage version (%s)", mirage, known);
  return FALSE;
}

static MsDocument *
open_project (const char *path, gboolean for_writing, int *exit_code)
{
  g_autoptr(MsCatalog) catalog = cli_catalog (exit_code);
  g_autoptr(GError) error = NULL;
  MsDocument *doc;

  if (catalog == NULL)
    return NULL;
  doc = for_writing ? ms_store_open (path, catalog, &error)
                    : ms_store_open_read_only (path, catalog, &error);
  if (doc == NULL)
    {
      cli_error (path, "%s", error->message);
      *exit_code = exit_code_for_store (error, FALSE);
    }
  return doc;
}

/* For commands that only read: works on read-only files, folders and
 * media and on a full disk, and writes nothing next to the file. */
MsDocument *
cli_open (const char *path, int *exit_code)
{
  return open_project (path, FALSE, exit_code);
}

MsDocument *
cli_open_for_writing (const char *path, int *exit_code)
{
  return open_project (path, TRUE, exit_code);
}

int
cli_usage_error (const char *name, const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  safe = cli_escape (text);
  if (name != NULL)
    fprintf (stderr, "mstudio %s: %s\nTry “mstudio %s --help”.\n", name, safe, name);
  else
    fprintf (stderr, "mstudio: %s\nTry “mstudio --help”.\n", safe);
  return CLI_EXIT_USAGE;
}

gboolean
cli_parse_options (const char          *name,
                   const char          *description,
                   const GOptionEntry  *entries,
                   int                 *argc,
                   char              ***argv,
                   int                 *exit_code)
{
  const CliCommand *cmd = cli_find_command (name);
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  gboolean want_help = FALSE;
  const GOptionEntry help_entry[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &want_help, "Show this help and exit", NULL },
    G_OPTION_ENTRY_NULL
  };

  ctx = g_option_context_new (cmd ? cmd->parameters : NULL);
  /* our own --help, so that the usage line reads "mstudio add ..." */
  g_option_context_set_help_enabled (ctx, FALSE);
  if (cmd != NULL)
    g_option_context_set_summary (ctx, cmd->summary);
  if (description != NULL)
    g_option_context_set_description (ctx, description);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_main_entries (ctx, help_entry, NULL);

  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      *exit_code = cli_usage_error (name, "%s", error->message);
      return FALSE;
    }
  if (want_help)
    {
      g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
      g_autofree char *prefix = g_strdup_printf ("%s [OPTION…]", g_get_prgname ());
      const char *at = strstr (help, prefix);

      if (at != NULL)
        {
          fwrite (help, 1, (gsize) (at - help), stdout);
          printf ("mstudio %s [OPTION…]%s", name, at + strlen (prefix));
        }
      else
        fputs (help, stdout);
      *exit_code = CLI_EXIT_OK;
      return FALSE;
    }
  return TRUE;
}

int
cli_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char *
cli_device_names (MsDocument *doc)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    g_ptr_array_add (names, ((MsDevice *) devices->pdata[i])->name);
  g_ptr_array_sort (names, cli_compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) names->pdata[i]);
  if (names->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

const MsDevice *
cli_find_device (MsDocument *doc, const char *path, const char *name, int *exit_code)
{
  const MsDevice *d = ms_document_find_device (doc, name);

  if (d == NULL)
    {
      g_autofree char *known = cli_device_names (doc);
      cli_error (path, "there is no device named “%s” (devices: %s)", name, known);
      *exit_code = CLI_EXIT_ERRORS;
    }
  return d;
}

/* Application names become opam package and binary names; the rules
 * are ms_value_check_app_name's. */
gboolean
cli_app_name_is_valid (const char *name, char **why)
{
  return ms_value_check_app_name (name, why);
}

GPtrArray *
cli_device_ports (MsDocument *doc, const MsDevice *device)
{
  GPtrArray *ports = g_ptr_array_new_with_free_func (g_free);
  MsCatalog *catalog = ms_document_get_catalog (doc);

  if (device->custom != NULL)
    {
      g_autoptr(MsSignature) sig = ms_signature_parse (catalog, device->custom->signature, NULL);
      for (guint i = 0; sig != NULL && i < sig->params->len; i++)
        g_ptr_array_add (ports, g_strdup_printf ("%u", i + 1));
    }
  else
    {
      const MsConstructor *ctor = ms_catalog_lookup (catalog, device->ctor);
      for (guint i = 0; ctor != NULL && i < ctor->params->len; i++)
        g_ptr_array_add (ports, g_strdup (((MsArgument *) ctor->params->pdata[i])->name));
    }
  return ports;
}

/* ---- dispatch ---------------------------------------------------------------------- */

static void
print_overview (FILE *out)
{
  fprintf (out,
           "Usage:\n  mstudio SUBCOMMAND [OPTION…] ARGUMENTS\n\n"
           "Mirage Studio on the command line: build, check and describe MirageOS\n"
           "unikernel device graphs kept in .mstudio project files.\n\n"
           "Subcommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\nEvery subcommand has --help. Exit status: 0 success, 1 problems found or\n"
           "request refused, 2 bad command line or unreadable project file, 3 the\n"
           "project could not be written (disk full, read-only, hard-linked...).\n");
}

/* argv[0] is the subcommand. */
int
cli_run_argv (int argc, char **argv)
{
  const CliCommand *cmd;

  if (argc < 1)
    {
      print_overview (stderr);
      return CLI_EXIT_USAGE;
    }
  cmd = cli_find_command (argv[0]);
  if (cmd == NULL)
    {
      GString *known = g_string_new (NULL);
      int code;
      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "", commands[i].name);
      code = cli_usage_error (NULL, "unknown subcommand “%s” (subcommands: %s)", argv[0], known->str);
      g_string_free (known, TRUE);
      return code;
    }
  return cmd->run (argc, argv);
}

int
main (int argc, char **argv)
{
  g_set_prgname ("mstudio");
  /* The core's messages (diagnostics, value checks) speak the user's
   * language; numbers, dates and collation stay "C", so that generated
   * config.ml, C code and JSON never depend on the locale. */
  setlocale (LC_MESSAGES, "");
  setlocale (LC_CTYPE, "");
  ms_paths_bind_textdomain ();

  if (argc < 2)
    {
      print_overview (stderr);
      return CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_overview (stdout);
      return CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("mstudio %s\n", MS_VERSION);
      return CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "help"))
    {
      char *help_argv[] = { argv[2], (char *) "--help", NULL };
      if (argc < 3)
        {
          print_overview (stdout);
          return CLI_EXIT_OK;
        }
      return cli_run_argv (2, help_argv);
    }
  return cli_run_argv (argc - 1, argv + 1);
}
