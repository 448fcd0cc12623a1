/* ms-code-preview.h: config.ml and unikernel.ml as the graph is now.
 *
 * Regenerated (coalesced in an idle) on every document change, for a
 * chosen Mirage version; monospace with light OCaml highlighting; the
 * lines of the selected device are highlighted and scrolled into view.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_TYPE_CODE_PREVIEW (ms_code_preview_get_type ())
G_DECLARE_FINAL_TYPE (MsCodePreview, ms_code_preview, MS, CODE_PREVIEW, GtkWidget)

GtkWidget *ms_code_preview_new (void);
/* property "document" */
void       ms_code_preview_set_document (MsCodePreview *self, MsDocument *doc);
/* property "device": whose lines are highlighted (0: none) */
void       ms_code_preview_set_device (MsCodePreview *self, guint id);
/* the text shown now, for tests: "config.ml" or "unikernel.ml" */
char      *ms_code_preview_get_text (MsCodePreview *self, const char *file);

G_END_DECLS
