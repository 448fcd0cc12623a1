/* ms-add-popover.h: "Add device" at the pointer, from the keyboard.
 *
 * Shift+A over the canvas (as Blender's, Node-RED's quick add) opens a
 * small palette (the same MsPalette: search, ranking, Enter) under the
 * pointer; the device picked is added where the pointer was, at the
 * nearest free place.
 */
#pragma once

#include "ms-canvas.h"

G_BEGIN_DECLS

/* Installs the shortcut and the pointer tracking on canvas; the popover
 * is made when first asked for and lives as long as the canvas. */
void       ms_add_popover_attach (MsCanvas *canvas);
/* Opens it at (x, y) of the canvas, as Shift+A does there; returns the
 * popover (owned by the canvas), or NULL without a document. */
GtkWidget *ms_add_popover_popup (MsCanvas *canvas, double x, double y);

G_END_DECLS
