/* ms-packages-view.h: the Packages page: the project's opam packages
 * resolved with libsolv, as `mstudio resolve` finds them.
 *
 * The window hands it the evaluation of each check run; the page builds
 * the request from it, and resolves it on a worker thread
 * (ms-packages-worker) after the edits pause, a newer request cancelling
 * the older one. The answer is listed grouped by device, with the chain of
 * dependencies for packages a device brings in indirectly, and filtered by
 * a search entry. A conflict becomes diagnostics on the devices that cause
 * it (code package-resolution), which the window merges into its problems,
 * and the page explains it with libsolv's proposed fixes as buttons that
 * edit the project through MsDocument (undoable).
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-document.h"
#include "ms-eval.h"
#include "ms-resolve.h"

G_BEGIN_DECLS

#define MS_TYPE_PACKAGES_VIEW (ms_packages_view_get_type ())
G_DECLARE_FINAL_TYPE (MsPackagesView, ms_packages_view, MS, PACKAGES_VIEW, GtkWidget)

/* What the page shows: "idle" (no project), "none" (no opam repository),
 * "loading" (reading or converting it), "error", "list" (resolved),
 * "conflict". */
GtkWidget  *ms_packages_view_new (void);
void        ms_packages_view_set_document (MsPackagesView *self, MsDocument *doc);
/* The checks' evaluation (borrowed: the request is built at once). A
 * request equal to the last one starts nothing. NULL: no project. */
void        ms_packages_view_set_evaluation (MsPackagesView *self, MsEvalGraph *graph);
/* Where the repository comes from: the studio's --opam-repo (or NULL),
 * and the settings whose "opam-repository" key is the user's choice. */
void        ms_packages_view_set_source_option (MsPackagesView *self, const char *path);
void        ms_packages_view_set_settings (MsPackagesView *self, GSettings *settings);
/* Where converted repositories are cached (NULL: $XDG_CACHE_HOME/mirage-studio). */
void        ms_packages_view_set_cache_dir (MsPackagesView *self, const char *dir);
/* Milliseconds between the last edit and the resolution (default 300). */
void        ms_packages_view_set_delay (MsPackagesView *self, guint ms);

const char *ms_packages_view_get_state (MsPackagesView *self);
/* TRUE while a resolution is waiting or running. */
gboolean    ms_packages_view_is_busy (MsPackagesView *self);
/* TRUE while a resolution runs on the worker thread. */
gboolean    ms_packages_view_is_resolving (MsPackagesView *self);
/* Stops the conversion of the repository under way, as the Cancel button
 * of the progress page does (nothing if there is none). */
void        ms_packages_view_cancel_conversion (MsPackagesView *self);
/* Resolutions finished (answers and conflicts, not cancelled ones). */
guint       ms_packages_view_get_n_resolutions (MsPackagesView *self);
/* The latest answer, or NULL (none yet, or cancelled by an edit). */
const MsResolution *ms_packages_view_get_resolution (MsPackagesView *self);
/* Each device's packages in the latest answer: device name -> GPtrArray
 * of MsResolvedPackage* (those it asks for, and those only it brings
 * in), or NULL when there is no answer. */
GHashTable *ms_packages_view_get_device_packages (MsPackagesView *self);
/* Appends copies of the conflict diagnostics (MsDiagnostic*) about
 * devices the document still has. */
void        ms_packages_view_append_diagnostics (MsPackagesView *self, GPtrArray *into);
/* The buttons of the proposed fixes now shown, for tests. */
GPtrArray  *ms_packages_view_get_fix_buttons (MsPackagesView *self);
/* The rows shown for the search now (GtkListBoxRow*, visible ones), for tests. */
guint       ms_packages_view_count_visible_rows (MsPackagesView *self);

/* Writes the lock file of the latest answer (opam's --locked form, or
 * opam-monorepo's). FALSE and an error when there is no answer. */
gboolean    ms_packages_view_write_lock (MsPackagesView *self, const char *path,
                                         gboolean monorepo, GError **error);
/* Asks for a file (GtkFileChooserNative) and writes the lock there. */
void        ms_packages_view_export_lock (MsPackagesView *self);
/* Shows the explanation of a conflict diagnostic. */
void        ms_packages_view_show_problem (MsPackagesView *self, const MsDiagnostic *d);

/* Signals: "changed": a resolution ended (the diagnostics or packages
 * changed); "toast" (const char *message, gboolean offer_undo). */

G_END_DECLS
