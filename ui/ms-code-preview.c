/* ms-code-preview.c: placeholder until the real widget lands. */
#include "ms-code-preview.h"

struct _MsCodePreview { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsCodePreview, ms_code_preview, GTK_TYPE_WIDGET)
static void ms_code_preview_class_init (MsCodePreviewClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_code_preview_init (MsCodePreview *self) { }
GtkWidget *ms_code_preview_new (void) { return g_object_new (MS_TYPE_CODE_PREVIEW, NULL); }
void ms_code_preview_set_document (MsCodePreview *self, MsDocument *doc) { }
void ms_code_preview_set_device (MsCodePreview *self, guint id) { }
char *ms_code_preview_get_text (MsCodePreview *self, const char *file) { return g_strdup (""); }
