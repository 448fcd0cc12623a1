/* ms-import.h: reading a Mirage config.ml back into a project.
 *
 * The importer reads the subset of OCaml that config.ml files use (see
 * docs/import.md), evaluates it (let-bindings, helper functions, `$`,
 * labelled and optional arguments) and turns the devices it builds into
 * a document on the catalog. It never fails as a whole: everything it
 * cannot read or model is a message with a line and a column, and the
 * rest is imported. Input size, nesting, helper recursion, evaluation
 * steps (charged by work done) and what evaluation builds (each list,
 * each string, all of it) are bounded, so it terminates on any input in
 * bounded time and memory, with an error naming the bound and its place
 * (docs/import.md).
 */
#pragma once

#include "ms-catalog.h"
#include "ms-diagnostic.h"
#include "ms-document.h"

G_BEGIN_DECLS

/* Inputs larger than this are refused with one error message. */
#define MS_IMPORT_MAX_INPUT (4u * 1024u * 1024u)

typedef struct {
  MsSeverity severity;
  guint line, column;       /* 1-based; 0 when about the whole file */
  char *message;
} MsImportMessage;

typedef struct {
  char *file;               /* as given, for messages */
  GPtrArray *messages;      /* of MsImportMessage*, in file order */
  char *version_comment;    /* "(* mirage >= 4.11.0 & < 4.12.0 *)" or NULL */
  char *mirage_version;     /* "4.11", from the version comment, or NULL */
  guint n_devices;
  guint n_connections;
} MsImportReport;

/* Reads config.ml text (len bytes; NUL bytes inside are diagnosed) and
 * returns a new document on catalog, not attached to any file, with the
 * devices laid out nowhere (placed = FALSE). *report (never NULL on
 * return) lists what was not imported or was imported approximately. */
MsDocument *ms_import_configml (MsCatalog       *catalog,
                                const char      *file,
                                const char      *text,
                                gsize            len,
                                MsImportReport **report);

/* "config.ml:3:14: warning: ..." */
char   *ms_import_message_format (const MsImportReport *report, const MsImportMessage *m);
guint   ms_import_report_count (const MsImportReport *report, MsSeverity severity);
void    ms_import_report_free (MsImportReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsImportReport, ms_import_report_free)

G_END_DECLS
