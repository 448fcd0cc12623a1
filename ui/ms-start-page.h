/* ms-start-page.h: what a window shows with no project: New, Open,
 * recent projects and the bundled examples as a gallery. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MS_TYPE_START_PAGE (ms_start_page_get_type ())
G_DECLARE_FINAL_TYPE (MsStartPage, ms_start_page, MS, START_PAGE, GtkWidget)

GtkWidget *ms_start_page_new (void);
/* Reads the recent projects again (GtkRecentManager, .mstudio files). */
void       ms_start_page_refresh (MsStartPage *self);
/* A path as shown to people: under the home folder as "~/…". */
char      *ms_start_page_display_path (const char *path);

/* Signals: "open-recent" (GFile *), "open-example" (const char *name).
 * The New and Open buttons activate win.new and win.open. */

G_END_DECLS
