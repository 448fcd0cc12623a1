/* ms-palette.h: the catalog of devices, grouped by category, searchable.
 *
 * Each entry shows a constructor's name, summary and the type it produces.
 * Entries are drag sources (a string "ms-ctor:NAME", which the canvas
 * accepts); Enter or a double click emits "add-device".
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-catalog.h"

G_BEGIN_DECLS

#define MS_TYPE_PALETTE (ms_palette_get_type ())
G_DECLARE_FINAL_TYPE (MsPalette, ms_palette, MS, PALETTE, GtkWidget)

/* The prefix of the drag payload (G_TYPE_STRING) of a palette entry. */
#define MS_PALETTE_DRAG_PREFIX "ms-ctor:"

GtkWidget *ms_palette_new (void);
/* property "catalog" */
void       ms_palette_set_catalog (MsPalette *self, MsCatalog *catalog);
/* focus the search entry */
void       ms_palette_focus_search (MsPalette *self);

MsCatalog *ms_palette_get_catalog (MsPalette *self);
/* Sets the search text and filters at once (no search delay). */
void       ms_palette_set_search_text (MsPalette *self, const char *text);
/* Names of the constructors the current search shows, in list order. */
GPtrArray *ms_palette_get_visible_constructors (MsPalette *self);
/* The entry (a GtkListBoxRow) of a constructor, or NULL. */
GtkWidget *ms_palette_get_row (MsPalette *self, const char *ctor);

/* A small pill naming a type, coloured by the type's category (shared by
 * the palette and the inspector). */
GtkWidget *ms_palette_type_pill_new (MsCatalog *catalog, const char *type);

/* Signal "add-device" (const char *ctor) */

G_END_DECLS
