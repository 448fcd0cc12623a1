/* ms-studio-diagnostics.h: the checks' diagnostics in the studio's words.
 *
 * graph/ms-check words a few messages for the command line ("run
 * mstudio register P --jobs NAME"). The window, the one place the studio
 * runs the checks, rewrites those messages to name the control that
 * fixes the problem; codes, severities and places stay as they are, so
 * the studio and `mstudio check` still agree on what is wrong and where.
 */
#pragma once

#include "ms-document.h"

G_BEGIN_DECLS

void ms_studio_diagnostics_adapt (GPtrArray *diagnostics, MsDocument *doc);

/* The main device a project without a job would register: the first
 * main that produces a job and is not registered; 0 if there is none. */
guint ms_studio_job_candidate (MsDocument *doc);

G_END_DECLS
