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
/* property "file": the file shown, "config.ml" (default) or "unikernel.ml" */
void       ms_code_preview_set_file (MsCodePreview *self, const char *file);
/* property "mirage-version": "4.11" (default) or "4.10" */
void       ms_code_preview_set_mirage_version (MsCodePreview *self, const char *version);
/* the 0-based lines highlighted as the selected device's; FALSE if none */
gboolean   ms_code_preview_get_device_lines (MsCodePreview *self, int *first, int *last);
/* the message shown instead of the text when generation fails, else NULL */
const char *ms_code_preview_get_error (MsCodePreview *self);

/* Highlights the OCaml text of buffer as the preview does (keywords,
 * strings, comments, numbers, module paths), all of it again; the tags
 * are made in the buffer's table the first time. */
void       ms_code_highlight (GtkTextBuffer *buffer);

G_END_DECLS
