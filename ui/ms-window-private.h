/* ms-window-private.h: what ms-window.c and ms-window-actions.c share. */
#pragma once

#include "ms-build-panel.h"
#include "ms-canvas.h"
#include "ms-code-preview.h"
#include "ms-inspector.h"
#include "ms-packages-view.h"
#include "ms-palette.h"
#include "ms-problems-view.h"
#include "ms-start-page.h"
#include "ms-window.h"

G_BEGIN_DECLS

struct _MsWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack *main_stack;
  MsStartPage *start_page;
  AdwFlap *palette_flap;
  AdwFlap *inspector_flap;
  GtkPaned *bottom_paned;
  GtkOverlay *canvas_overlay;
  MsPalette *palette;
  MsInspector *inspector;
  MsCanvas *canvas;
  AdwViewStack *bottom_stack;
  AdwViewStackPage *problems_page;
  MsProblemsView *problems;
  MsCodePreview *code_preview;
  MsBuildPanel *build_panel;
  AdwViewStackPage *packages_page;
  MsPackagesView *packages_view;
  GtkToggleButton *palette_button;
  GtkToggleButton *inspector_button;
  GtkWidget *history_box;
  GtkWidget *undo_button;
  GtkWidget *redo_button;
  GtkWidget *run_button;
  GtkMenuButton *primary_menu_button;
  GtkWidget *zoom_label;         /* the main menu's zoom percentage */
  GPtrArray *menu_taken;         /* MenuTaken*: project-only menu entries taken out on the start page */
  AdwHeaderBar *header_bar;
  GtkWidget *version_button;     /* MsVersionButton: "Mirage 4.11" */
  const char *shown_version;     /* the project's Mirage version the palette and preview show */

  MsDocument *document;
  GPtrArray *diagnostics;       /* MsDiagnostic*, the latest check */
  gulong changed_id, reloaded_id, history_id;
  guint check_idle;
  guint refresh_timeout;
  gboolean inspector_pending;
  gboolean palette_pending;      /* the palette gets the catalog after the first frame */    /* the inspector gets the document after the first frame */
  guint problem_focus_idle;     /* moves the focus to what an activated problem is about */
  char *problem_field;
  char *import_report;          /* what the last import said, for its toast's Details */
};

/* ms-window-actions.c */
void _ms_window_install_actions (GtkWidgetClass *widget_class);
void _ms_window_update_actions (MsWindow *self);

/* ms-window.c */
/* Where projects made by New, examples and imports go:
 * $XDG_DATA_HOME/mirage-studio/projects/NAME[-N]/NAME[-N].mstudio */
char    *_ms_window_new_project_path (const char *base);
gboolean _ms_window_open_path (MsWindow *self, const char *path, GError **error);
gboolean _ms_window_import_configml (MsWindow *self, const char *path, GError **error);
void     _ms_window_show_error (MsWindow *self, const char *heading, const char *body);
/* The document is now attached to another file (Save As): the header,
 * Recent Projects and Build & Run follow it. */
void     _ms_window_project_moved (MsWindow *self);

/* ms-window-actions.c: Save As once the file chooser answered; the
 * window then edits the copy (with unikernel.c brought along), with its
 * undo history. */
gboolean _ms_window_save_as (MsWindow *self, const char *path, GError **error);
/* An export once its folder is chosen: format "config.ml", "unikernel.ml"
 * or "ci" (targets: comma-separated, NULL for the project's). */
gboolean _ms_window_export (MsWindow *self, const char *format, const char *version, const char *dir,
                            const char *targets, gboolean force, GError **error);

/* The canvas as it looks, as a picture ("png" or "svg") at path: what
 * Export → Canvas as PNG/SVG writes once the file is chosen. */
gboolean _ms_window_export_canvas (MsWindow *self, const char *format, const char *path, GError **error);

G_END_DECLS
