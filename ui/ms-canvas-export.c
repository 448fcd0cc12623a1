/* ms-canvas-export.c: the canvas as a picture, as it looks in the studio.
 *
 * Export → "Canvas as PNG/SVG" draws the whole graph at 100 % with the
 * canvas's own drawing code (ms-canvas-draw.c) onto a cairo image surface
 * (written as PNG) or a cairo SVG surface: the same cards, ports, colours
 * and wires the user sees, unlike the Graphviz picture of the graph. The
 * overlays (legend, minimap, focus ring) and the selection are left out:
 * they belong to the editing, not to the graph.
 */
#include "ms-canvas-private.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <string.h>

static cairo_status_t
write_to_stream (void *closure, const unsigned char *data, unsigned int length)
{
  GOutputStream *out = closure;

  return g_output_stream_write_all (out, data, length, NULL, NULL, NULL)
         ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The whole graph and a margin, in canvas coordinates (whole pixels). */
static void
picture_bounds (MsCanvas *self, graphene_rect_t *b)
{
  if (!_ms_canvas_get_bounds (self, b))
    graphene_rect_init (b, 0, 0, 0, 0);
  b->origin.x = ms_floor (b->origin.x - MS_CANVAS_MARGIN);
  b->origin.y = ms_floor (b->origin.y - MS_CANVAS_MARGIN);
  b->size.width = ms_ceil (b->size.width + 2 * MS_CANVAS_MARGIN);
  b->size.height = ms_ceil (b->size.height + 2 * MS_CANVAS_MARGIN);
}

static void
draw_unselected (MsCanvas *self, cairo_t *cr, const graphene_rect_t *b)
{
  MsCanvasWire sel = self->wire_sel, hover = self->wire_hover;
  g_autofree gboolean *was = g_new0 (gboolean, self->cards->len + 1);

  /* selection and hover set aside for the drawing only (shallow: nothing
   * runs in between that could free them) */
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *card = self->cards->pdata[i];
      was[i] = card->selected;
      card->selected = FALSE;
    }
  memset (&self->wire_sel, 0, sizeof self->wire_sel);
  memset (&self->wire_hover, 0, sizeof self->wire_hover);
  _ms_canvas_draw_cairo (self, cr, b, 1.0);
  self->wire_sel = sel;
  self->wire_hover = hover;
  for (guint i = 0; i < self->cards->len; i++)
    ((MsCanvasCard *) self->cards->pdata[i])->selected = was[i];
}

gboolean
ms_canvas_export_picture (MsCanvas *self, const char *format, const char *path,
                          int *width, int *height, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  graphene_rect_t b;
  gboolean svg, ok;
  cairo_t *cr;

  g_return_val_if_fail (MS_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (format != NULL && path != NULL, FALSE);

  svg = g_str_equal (format, "svg");
  if (!svg && !g_str_equal (format, "png"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No picture format “%s” (png or svg)"), format);
      return FALSE;
    }
  _ms_canvas_update_colors (self);
  for (guint i = 0; i < self->cards->len; i++)
    if (!((MsCanvasCard *) self->cards->pdata[i])->types_resolved)
      _ms_canvas_card_resolve_types (self, self->cards->pdata[i]);
  picture_bounds (self, &b);
  if (b.size.width < 1 || b.size.height < 1 || b.size.width > 32767 || b.size.height > 32767)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The graph is too large for a picture (%.0f × %.0f pixels)"),
                   b.size.width, b.size.height);
      return FALSE;
    }

  /* written through GIO, replacing the file only when whole */
  file = g_file_new_for_path (path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (out == NULL)
    return FALSE;
  if (svg)
    {
      surface = cairo_svg_surface_create_for_stream (write_to_stream, out, b.size.width, b.size.height);
      /* sizes in pixels, as on screen (cairo's default is points) */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
    }
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) b.size.width, (int) b.size.height);
  cr = cairo_create (surface);
  draw_unselected (self, cr, &b);
  cairo_destroy (cr);
  if (svg)
    {
      cairo_surface_finish (surface);   /* writes the SVG */
      status = cairo_surface_status (surface);
    }
  else
    status = cairo_surface_write_to_png_stream (surface, write_to_stream, out);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_autoptr(GCancellable) cancel = g_cancellable_new ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write “%s”: %s"),
                   display, cairo_status_to_string (status));
      /* a cancelled close keeps what was at path */
      g_cancellable_cancel (cancel);
      g_output_stream_close (G_OUTPUT_STREAM (out), cancel, NULL);
      return FALSE;
    }
  ok = g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
  if (ok && width != NULL)
    *width = (int) b.size.width;
  if (ok && height != NULL)
    *height = (int) b.size.height;
  return ok;
}
