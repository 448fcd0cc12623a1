/* ms-window.h: a studio window: start page, or one project being edited. */
#pragma once

#include <adwaita.h>

#include "ms-document.h"
#include "ms-studio-application.h"

G_BEGIN_DECLS

#define MS_TYPE_WINDOW (ms_window_get_type ())
G_DECLARE_FINAL_TYPE (MsWindow, ms_window, MS, WINDOW, AdwApplicationWindow)

MsWindow   *ms_window_new (MsStudioApplication *app);
/* property "document": NULL shows the start page */
MsDocument *ms_window_get_document (MsWindow *self);
void        ms_window_set_document (MsWindow *self, MsDocument *doc);
/* Opens a project (.mstudio) or imports a config.ml; errors are shown
 * in a dialog and returned. */
gboolean    ms_window_open_file (MsWindow *self, GFile *file, GError **error);
/* Copies a bundled example into the user's projects folder and opens it. */
gboolean    ms_window_open_example (MsWindow *self, const char *name, GError **error);
void        ms_window_show_toast (MsWindow *self, const char *message, gboolean offer_undo);

G_END_DECLS
