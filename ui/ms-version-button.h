/* ms-version-button.h: the header bar's "Mirage 4.11" button.
 *
 * Shows which Mirage version the project targets (the document's
 * "mirage" setting) and changes it from its menu, as one undoable step;
 * a toast offers Undo. It follows the document, so an undo, a redo or
 * another process changing the version updates it too.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_TYPE_VERSION_BUTTON (ms_version_button_get_type ())
G_DECLARE_FINAL_TYPE (MsVersionButton, ms_version_button, MS, VERSION_BUTTON, GtkWidget)

GtkWidget *ms_version_button_new (void);
/* hidden while there is no document */
void       ms_version_button_set_document (MsVersionButton *self, MsDocument *doc);
/* The menu button inside (for tests and the window's accessibility). */
GtkMenuButton *ms_version_button_get_menu_button (MsVersionButton *self);

/* Signal "toast" (const char *message, gboolean offer_undo), as the
 * canvas and inspector have. */

G_END_DECLS
