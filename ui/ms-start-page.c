/* ms-start-page.c: placeholder. */
#include "ms-start-page.h"
struct _MsStartPage { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsStartPage, ms_start_page, GTK_TYPE_WIDGET)
static void ms_start_page_class_init (MsStartPageClass *klass) { }
static void ms_start_page_init (MsStartPage *self) { }
GtkWidget *ms_start_page_new (void) { return g_object_new (MS_TYPE_START_PAGE, NULL); }
void ms_start_page_refresh (MsStartPage *self) { }
