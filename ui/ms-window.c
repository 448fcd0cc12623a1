/* ms-window.c: placeholder. */
#include "ms-window.h"
struct _MsWindow { AdwApplicationWindow parent_instance; MsDocument *doc; };
G_DEFINE_FINAL_TYPE (MsWindow, ms_window, ADW_TYPE_APPLICATION_WINDOW)
static void ms_window_class_init (MsWindowClass *klass) { }
static void ms_window_init (MsWindow *self) { }
MsWindow *ms_window_new (MsStudioApplication *app) { return g_object_new (MS_TYPE_WINDOW, "application", app, NULL); }
MsDocument *ms_window_get_document (MsWindow *self) { return self->doc; }
void ms_window_set_document (MsWindow *self, MsDocument *doc) { }
gboolean ms_window_open_file (MsWindow *self, GFile *file, GError **error) { return TRUE; }
gboolean ms_window_open_example (MsWindow *self, const char *name, GError **error) { return TRUE; }
void ms_window_show_toast (MsWindow *self, const char *message, gboolean offer_undo) { }
