/* ms-problems-view.c: placeholder until the real widget lands. */
#include "ms-problems-view.h"

struct _MsProblemsView { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (MsProblemsView, ms_problems_view, GTK_TYPE_WIDGET)
static void ms_problems_view_class_init (MsProblemsViewClass *klass) { gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); }
static void ms_problems_view_init (MsProblemsView *self) { }
GtkWidget *ms_problems_view_new (void) { return g_object_new (MS_TYPE_PROBLEMS_VIEW, NULL); }
void ms_problems_view_set_diagnostics (MsProblemsView *self, GPtrArray *diagnostics) { }
guint ms_problems_view_get_n_errors (MsProblemsView *self) { return 0; }
guint ms_problems_view_get_n_warnings (MsProblemsView *self) { return 0; }
