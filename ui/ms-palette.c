/* ms-palette.c: placeholder until the real widget lands. */
#include "ms-palette.h"

struct _MsPalette { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsPalette, ms_palette, GTK_TYPE_WIDGET)
static void ms_palette_class_init (MsPaletteClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_palette_init (MsPalette *self) { }
GtkWidget *ms_palette_new (void) { return g_object_new (MS_TYPE_PALETTE, NULL); }
void ms_palette_set_catalog (MsPalette *self, MsCatalog *catalog) { }
void ms_palette_focus_search (MsPalette *self) { }
