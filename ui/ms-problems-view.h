/* ms-problems-view.h: the list of diagnostics of the project.
 *
 * Shows every diagnostic of ms_check_document () with the same code and
 * text as `mstudio check`, errors first; activating one emits
 * "problem-activated" so the window selects and reveals its place.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-diagnostic.h"
#include "ms-import.h"

G_BEGIN_DECLS

#define MS_TYPE_PROBLEMS_VIEW (ms_problems_view_get_type ())
G_DECLARE_FINAL_TYPE (MsProblemsView, ms_problems_view, MS, PROBLEMS_VIEW, GtkWidget)

GtkWidget *ms_problems_view_new (void);
/* keeps a reference to the array of MsDiagnostic* */
void       ms_problems_view_set_diagnostics (MsProblemsView *self, GPtrArray *diagnostics);
/* What the import that made this project could not keep (a copy of
 * report's messages, or none with NULL): listed after the checks'
 * problems, with code MS_PROBLEMS_IMPORT_CODE and their file:line:column,
 * until replaced. Activating one opens the import's details
 * (win.show-import-report). */
#define MS_PROBLEMS_IMPORT_CODE "import"
void       ms_problems_view_set_import_report (MsProblemsView *self, const MsImportReport *report);
guint      ms_problems_view_get_n_import_messages (MsProblemsView *self);
/* properties "n-errors", "n-warnings" (import messages included) */
guint      ms_problems_view_get_n_errors (MsProblemsView *self);
guint      ms_problems_view_get_n_warnings (MsProblemsView *self);

/* Signal "problem-activated" (gpointer MsDiagnostic*, borrowed) */

G_END_DECLS
