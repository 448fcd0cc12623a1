/* ms-build-panel.c: placeholder until the real widget lands. */
#include "ms-build-panel.h"

struct _MsBuildPanel { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsBuildPanel, ms_build_panel, GTK_TYPE_WIDGET)
static void ms_build_panel_class_init (MsBuildPanelClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_build_panel_init (MsBuildPanel *self) { }
GtkWidget *ms_build_panel_new (void) { return g_object_new (MS_TYPE_BUILD_PANEL, NULL); }
void ms_build_panel_set_document (MsBuildPanel *self, MsDocument *doc) { }
gboolean ms_build_panel_get_running (MsBuildPanel *self) { return FALSE; }
void ms_build_panel_build (MsBuildPanel *self) { }
void ms_build_panel_run (MsBuildPanel *self) { }
void ms_build_panel_stop (MsBuildPanel *self) { }
char *ms_build_panel_get_log_text (MsBuildPanel *self) { return g_strdup (""); }
