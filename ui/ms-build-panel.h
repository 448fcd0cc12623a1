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

/* Signal "finished" (gboolean success) after each build or run */

G_END_DECLS
