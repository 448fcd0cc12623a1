/* ms-canvas.c: placeholder until the real widget lands. */
#include "ms-canvas.h"

struct _MsCanvas { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsCanvas, ms_canvas, GTK_TYPE_WIDGET)
static void ms_canvas_class_init (MsCanvasClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_canvas_init (MsCanvas *self) { }
GtkWidget *ms_canvas_new (void) { return g_object_new (MS_TYPE_CANVAS, NULL); }
void ms_canvas_set_document (MsCanvas *self, MsDocument *doc) { }
MsDocument *ms_canvas_get_document (MsCanvas *self) { return NULL; }
void ms_canvas_set_diagnostics (MsCanvas *self, GPtrArray *diagnostics) { }
GArray *ms_canvas_get_selection (MsCanvas *self) { return g_array_new (FALSE, FALSE, sizeof (guint)); }
guint ms_canvas_get_focus_device (MsCanvas *self) { return 0; }
void ms_canvas_select (MsCanvas *self, const guint *ids, guint n_ids) { }
void ms_canvas_reveal (MsCanvas *self, guint device, const char *port) { }
guint ms_canvas_add_at_center (MsCanvas *self, const char *ctor) { return 0; }
double ms_canvas_get_zoom (MsCanvas *self) { return 1.0; }
void ms_canvas_set_zoom (MsCanvas *self, double zoom) { }
void ms_canvas_zoom_to_fit (MsCanvas *self) { }
void ms_canvas_auto_layout (MsCanvas *self, gboolean selection_only, gboolean all) { }
void ms_canvas_cancel_layout (MsCanvas *self) { }
void ms_canvas_delete_selection (MsCanvas *self) { }
void ms_canvas_duplicate_selection (MsCanvas *self) { }
void ms_canvas_copy_selection (MsCanvas *self) { }
void ms_canvas_paste (MsCanvas *self) { }
GdkTexture *ms_canvas_render_texture (MsCanvas *self, GskRenderer *renderer) { return NULL; }
