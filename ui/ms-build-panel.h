/* ms-build-panel.h: build and run the graph on the bundled C runtime.
 *
 * Target choice (unix, sandbox), a runtime-arguments form generated from
 * the evaluated graph, Build, Run and Stop, a live log with levels
 * coloured and filterable, compiler errors as a list that opens the
 * right line of unikernel.c. Builds and runs are `mstudio build|run`
 * subprocesses (argument vectors, never a shell), so the window never
 * blocks.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_TYPE_BUILD_PANEL (ms_build_panel_get_type ())
G_DECLARE_FINAL_TYPE (MsBuildPanel, ms_build_panel, MS, BUILD_PANEL, GtkWidget)

GtkWidget *ms_build_panel_new (void);
/* property "document"; the project must have a file (ms_store_get_path) */
void       ms_build_panel_set_document (MsBuildPanel *self, MsDocument *doc);
/* property "running": a build or run subprocess is alive */
gboolean   ms_build_panel_get_running (MsBuildPanel *self);
void       ms_build_panel_build (MsBuildPanel *self);
void       ms_build_panel_run (MsBuildPanel *self);
void       ms_build_panel_stop (MsBuildPanel *self);
/* the log as plain text, for tests */
char      *ms_build_panel_get_log_text (MsBuildPanel *self);

/* `mstudio export P --format c-skeleton -o DIR` into the project's
 * directory, when it has no unikernel.c yet */
void       ms_build_panel_write_skeleton (MsBuildPanel *self);
/* property "target": "unix" (default) or "sandbox" */
void       ms_build_panel_set_target (MsBuildPanel *self, const char *target);
/* the "--name=value" arguments Run passes: the values changed in the form */
char     **ms_build_panel_get_run_arguments (MsBuildPanel *self);
/* the editor of a runtime argument in the form (AdwEntryRow, GtkSpinButton
 * or GtkSwitch), or NULL */
GtkWidget *ms_build_panel_get_arg_widget (MsBuildPanel *self, const char *name);
/* the compiler problems of the last build or run, in output order */
guint      ms_build_panel_get_n_problems (MsBuildPanel *self);
/* as if the user activated problem index: emits "open-source" */
void       ms_build_panel_activate_problem (MsBuildPanel *self, guint index);

/* Signal "finished" (gboolean success) after each build or run.
 * Signal "open-source" (const char *path, int line, int column) -> gboolean:
 * a compiler problem was activated; return TRUE when handled. Unhandled,
 * gnome-text-editor +LINE PATH is started if installed, else the
 * location is shown in the panel. */

G_END_DECLS
