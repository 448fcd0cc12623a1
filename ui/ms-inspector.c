/* ms-inspector.c: placeholder until the real widget lands. */
#include "ms-inspector.h"

struct _MsInspector { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsInspector, ms_inspector, GTK_TYPE_WIDGET)
static void ms_inspector_class_init (MsInspectorClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_inspector_init (MsInspector *self) { }
GtkWidget *ms_inspector_new (void) { return g_object_new (MS_TYPE_INSPECTOR, NULL); }
void ms_inspector_set_document (MsInspector *self, MsDocument *doc) { }
void ms_inspector_set_device (MsInspector *self, guint id) { }
guint ms_inspector_get_device (MsInspector *self) { return 0; }
void ms_inspector_focus_field (MsInspector *self, const char *field) { }
