/* ms-problems-view.h: the list of diagnostics of the project.
 *
 * Shows every diagnostic of ms_check_document () with the same code and
 * text as `mstudio check`, errors first; activating one emits
 * "problem-activated" so the window selects and reveals its place.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-diagnostic.h"

G_BEGIN_DECLS

#define MS_TYPE_PROBLEMS_VIEW (ms_problems_view_get_type ())
G_DECLARE_FINAL_TYPE (MsProblemsView, ms_problems_view, MS, PROBLEMS_VIEW, GtkWidget)

GtkWidget *ms_problems_view_new (void);
/* keeps a reference to the array of MsDiagnostic* */
void       ms_problems_view_set_diagnostics (MsProblemsView *self, GPtrArray *diagnostics);
/* properties "n-errors", "n-warnings" */
guint      ms_problems_view_get_n_errors (MsProblemsView *self);
guint      ms_problems_view_get_n_warnings (MsProblemsView *self);

/* Signal "problem-activated" (gpointer MsDiagnostic*, borrowed) */

G_END_DECLS
