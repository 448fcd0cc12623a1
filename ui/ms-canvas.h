/* ms-canvas.h: the device-graph canvas of the studio.
 *
 * A custom widget drawn with GtkSnapshot: devices as cards with typed
 * ports, connections as curves (all in one cairo node), selection, moving,
 * wiring with live type checks, pan and zoom, a minimap, auto-layout off
 * the main thread. It edits the document only through MsDocument's
 * command path, so every gesture is one undoable step.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-document.h"
#include "ms-eval.h"

G_BEGIN_DECLS

#define MS_TYPE_CANVAS (ms_canvas_get_type ())
G_DECLARE_FINAL_TYPE (MsCanvas, ms_canvas, MS, CANVAS, GtkWidget)

GtkWidget  *ms_canvas_new (void);

/* property "document" */
void        ms_canvas_set_document (MsCanvas *self, MsDocument *doc);
MsDocument *ms_canvas_get_document (MsCanvas *self);

/* The window's latest ms_check_document () result (MsDiagnostic*); the
 * canvas keeps a reference to the array and draws badges and error ports. */
void        ms_canvas_set_diagnostics (MsCanvas *self, GPtrArray *diagnostics);
/* The window's evaluation from the same check (ms_check_document_full):
 * the canvas shows the branches it chose. Once given one, the canvas no
 * longer evaluates on its own after a change; the graph is only read. */
void        ms_canvas_set_evaluation (MsCanvas *self, MsEvalGraph *graph);

/* Selection: device ids. "selection-changed" is emitted on every change;
 * property "focus-device" is the one the inspector shows (0: none). */
GArray     *ms_canvas_get_selection (MsCanvas *self);   /* new array of guint */
guint       ms_canvas_get_focus_device (MsCanvas *self);
void        ms_canvas_select (MsCanvas *self, const guint *ids, guint n_ids);
/* A wire is selected alone (selecting it clears the devices, selecting a
 * device clears it), by the input it feeds: target.param. FALSE if no
 * wire is selected; param is the canvas's, valid until the next change.
 * ms_canvas_select_wire with target 0 selects none. */
gboolean    ms_canvas_get_selected_wire (MsCanvas *self, guint *target, const char **param);
void        ms_canvas_select_wire (MsCanvas *self, guint target, const char *param);
/* Selects the device, centres it in view; port may be NULL. */
void        ms_canvas_reveal (MsCanvas *self, guint device, const char *port);

/* Adds a device of constructor ctor at the centre of the view (palette
 * Enter / double-click); returns its id or 0 with a toast on failure. */
guint       ms_canvas_add_at_center (MsCanvas *self, const char *ctor);
/* Adds ctor at a free place near the point (x, y) of the widget. */
guint       ms_canvas_add_at (MsCanvas *self, const char *ctor, double x, double y);

/* Zoom: property "zoom" (1.0 = 100 %). */
double      ms_canvas_get_zoom (MsCanvas *self);
void        ms_canvas_set_zoom (MsCanvas *self, double zoom);
void        ms_canvas_zoom_to_fit (MsCanvas *self);

/* Auto-layout with the core's graphviz layout, on a worker thread.
 * selection_only: lay out the selected devices only; all: also move
 * devices that have a position. Property "layout-running". */
void        ms_canvas_auto_layout (MsCanvas *self, gboolean selection_only, gboolean all);
void        ms_canvas_cancel_layout (MsCanvas *self);

/* Edit commands on the selection (also installed as widget actions
 * "canvas.delete", "canvas.duplicate", "canvas.copy", "canvas.paste",
 * "canvas.select-all", "canvas.zoom-in", "canvas.zoom-out",
 * "canvas.zoom-reset", "canvas.zoom-fit", "canvas.layout",
 * "canvas.layout-selection", "canvas.toggle-minimap", and also
 * "canvas.cut" and "canvas.cancel-layout"). Copy and paste go through the
 * clipboard as text (graph/ms-fragment.h), so they work between windows
 * and processes; a paste is one undo step.
 *
 * Keys on the focused canvas: Delete removes the selection (the devices,
 * or the selected wire, or, with a port focused, its wire), ctrl+d/c/x/v/a, ctrl+plus/minus/0 zoom in, out,
 * to 100 %, ctrl+1 zooms to fit, ctrl+shift+l arranges everything,
 * ctrl+shift+m toggles the overview; arrows move the focus to the nearest
 * device that way, alt+arrows move the selection one grid step, Tab and
 * shift+Tab walk the focused device's ports, Enter on a device emits
 * "activate-device", Enter on a port starts a keyboard wire, Menu or
 * shift+F10 opens the context menu, Escape cancels or clears the
 * selection (and the focus: the inspector then shows the application);
 * space + drag pans. Property "show-minimap" (TRUE). In a window, zoom,
 * layout and the minimap are also the window's actions (win.zoom-in ...),
 * so their keys work wherever the focus is. */
void        ms_canvas_delete_selection (MsCanvas *self);
void        ms_canvas_duplicate_selection (MsCanvas *self);
void        ms_canvas_copy_selection (MsCanvas *self);
void        ms_canvas_paste (MsCanvas *self);

/* Signals:
 *   "selection-changed" ()
 *   "toast" (const char *message, gboolean offer_undo)  user feedback
 *   "activate-device" (guint id)   Enter on a device: focus the inspector
 */

/* The colour of ports and wires of a type family ("kv_ro", "stackv4v6",
 * ...; NULL: unknown type), for the light or dark style; the same colours
 * the canvas's legend shows. */
void        ms_canvas_get_type_color (const char *family, gboolean dark, GdkRGBA *color);

/* Renders the whole graph (not just the visible part) at zoom 1 into a
 * texture, for tests, export and the README screenshot. */
GdkTexture *ms_canvas_render_texture (MsCanvas *self, GskRenderer *renderer);

/* Writes the whole graph as the canvas draws it (at 100 %, without the
 * overlays and the selection) to path: format "png" or "svg". The
 * picture's size in pixels is returned in width and height. */
gboolean    ms_canvas_export_picture (MsCanvas    *self,
                                      const char  *format,
                                      const char  *path,
                                      int         *width,
                                      int         *height,
                                      GError     **error);

G_END_DECLS
