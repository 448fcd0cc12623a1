/* mstudio-private.h: what the files of the mstudio command share.
 *
 * mstudio.c holds the dispatcher and the helpers every subcommand uses
 * (opening the project, reporting errors with the right exit code,
 * escaping project text for the terminal); mstudio-edit.c the commands
 * that change a project, mstudio-show.c those that only read one.
 */
#pragma once

#include <gio/gio.h>

#include "ms-catalog.h"
#include "ms-document.h"
#include "ms-eval.h"

G_BEGIN_DECLS

/* The exit codes, documented in docs/cli.md. */
typedef enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_ERRORS = 1,   /* the request was understood but refused, or check found errors */
  CLI_EXIT_USAGE = 2,    /* bad command line, or a project file that cannot be read */
  CLI_EXIT_WRITE = 3,    /* the project could not be written: disk full, read-only, hard-linked... */
} CliExit;

typedef int (*CliCommandFunc) (int argc, char **argv);

typedef struct {
  const char *name;
  CliCommandFunc run;
  const char *parameters;   /* after "mstudio NAME" in the usage line */
  const char *summary;
} CliCommand;

/* mstudio.c */
const CliCommand *cli_find_command (const char *name);
int          cli_run_argv (int argc, char **argv);

char        *cli_escape (const char *text);
void         cli_error (const char *file, const char *format, ...) G_GNUC_PRINTF (2, 3);
void         cli_warning (const char *file, const char *format, ...) G_GNUC_PRINTF (2, 3);
int          cli_report (const char *file, const GError *error);
void         cli_print (const char *format, ...) G_GNUC_PRINTF (1, 2);

MsCatalog   *cli_catalog (int *exit_code);
/* --mirage VERSION: FALSE (and a usage error in *exit_code) when it is not
 * a version a project can target; NULL is fine (the project's). */
gboolean     cli_mirage_is_valid (const char *name, const char *mirage, int *exit_code);
/* Opens a project read-only (cli_open: check, describe, export, build)
 * or for writing; on failure reports and sets *exit_code. */
MsDocument  *cli_open (const char *path, int *exit_code);
MsDocument  *cli_open_for_writing (const char *path, int *exit_code);

/* Parses the options of subcommand `name`; on failure prints the problem
 * and returns FALSE with *exit_code set. argv keeps the positional
 * arguments, argv[0] being the subcommand. */
gboolean     cli_parse_options (const char    *name,
                                const char    *description,
                                const GOptionEntry *entries,
                                int           *argc,
                                char        ***argv,
                                int           *exit_code);
int          cli_usage_error (const char *name, const char *format, ...) G_GNUC_PRINTF (2, 3);

const MsDevice *cli_find_device (MsDocument *doc, const char *path, const char *name, int *exit_code);
char        *cli_device_names (MsDocument *doc);
int          cli_compare_strings (gconstpointer a, gconstpointer b);  /* for g_ptr_array_sort of char* */
gboolean     cli_app_name_is_valid (const char *name, char **why);

/* The inputs of a device: catalog parameter names, or "1".."n" for the
 * positions of a custom device's signature. */
GPtrArray   *cli_device_ports (MsDocument *doc, const MsDevice *device);

/* mstudio-edit.c */
int cmd_new (int argc, char **argv);
int cmd_add (int argc, char **argv);
int cmd_connect (int argc, char **argv);
int cmd_disconnect (int argc, char **argv);
int cmd_set (int argc, char **argv);
int cmd_remove (int argc, char **argv);
int cmd_register (int argc, char **argv);
int cmd_layout (int argc, char **argv);
int cli_layout_document (MsDocument *doc, const char *path, gboolean all, guint *moved);

/* mstudio-show.c */
int cmd_check (int argc, char **argv);
int cmd_describe (int argc, char **argv);
int cli_describe_sandbox (const char *path);   /* describe --sandbox, in mstudio-build.c */
int cmd_export (int argc, char **argv);

/* mstudio-import.c */
int cmd_import (int argc, char **argv);
int cmd_catalog (int argc, char **argv);

/* mstudio-export.c: export --format config.ml|unikernel.ml|ci */
gboolean cli_export_is_code_format (int argc, char **argv);
int      cmd_export_code (int argc, char **argv);

/* mstudio-build.c: build, run, export --format c-skeleton (docs/build.md) */
int cmd_build (int argc, char **argv);
int cmd_run (int argc, char **argv);
int cmd_export_any (int argc, char **argv);

/* mstudio-resolve.c: resolve (docs/resolve.md) */
int cmd_resolve (int argc, char **argv);

/* mstudio-deps.c: deps --system (docs/build.md); the check build makes first */
int cmd_deps (int argc, char **argv);
/* FALSE (having printed why) if the libraries' Debian packages are missing;
 * TRUE when they are installed or dpkg's status cannot be read (no check). */
gboolean cli_system_deps_ok (const char *path, MsEvalGraph *graph, const char *const *libraries);

G_END_DECLS
