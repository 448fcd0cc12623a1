/* ms-help.h: the studio's user guide (docs/studio.md) in a window.
 *
 * The guide is compiled into the resources, so F1 works installed or not
 * and shows the text of the version that runs.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The resource path of the guide's Markdown. */
#define MS_HELP_RESOURCE "/io/github/miragestudio/Studio/help/studio.md"

/* A new window, transient for parent (or NULL), showing the guide. */
GtkWidget *ms_help_window_new (GtkWindow *parent);
/* The guide as the window shows it: Markdown marks removed. */
char      *ms_help_get_text (void);

G_END_DECLS
