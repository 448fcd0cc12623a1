/* ms-render.c: DOT text to SVG or PNG through libgvc.
 *
 * Runs graphviz in-process rather than spawning `dot`: no dependency on a
 * binary in PATH, no temporary files, and errors come back as GError text
 * instead of lines on stderr. Graphviz reports problems through agerr();
 * _ms_graphviz_enter () (ms-layout.c) captures those messages so they end
 * up in the GError and not on the terminal.
 *
 * Plugins: gvContext () loads the plugin list written by libgvc6's
 * postinst (/usr/lib/<triplet>/graphviz/config6a). "svg" comes from
 * libgvplugin_core, "png" from libgvplugin_pango (cairo), falling back to
 * libgvplugin_gd; all three ship in the Debian package libgvc6.
 */
#include "ms-render.h"
#include "ms-layout.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <string.h>

/* Note: gvc.h defines types named path, port, box...: avoid those as
 * identifiers here. */
#include <gvc.h>

static gboolean
format_supported (const char *format)
{
  return g_str_equal (format, "svg") || g_str_equal (format, "png");
}

/* Graphviz 2.42's lexer reads the text a line at a time and keeps what
 * follows the first graph (a second graph, a newline) in a global buffer,
 * where the *next* agmemread () would find it first: rendering
 * "digraph {a} digraph {b}" would make the next, unrelated render draw
 * b. Read and drop whatever is left, so each call starts clean. */
static void
drain_lexer (void)
{
  Agraph_t *leftover;

  while ((leftover = agmemread ("")) != NULL)
    agclose (leftover);
}

/* Joins our own description and graphviz's captured messages. */
static void
set_graphviz_error (GError **error, GIOErrorEnum code, const char *what, const char *messages)
{
  if (messages != NULL)
    g_set_error (error, G_IO_ERROR, code, "%s: %s", what, messages);
  else
    g_set_error_literal (error, G_IO_ERROR, code, what);
}

GBytes *
ms_render_dot (const char  *dot_text,
               const char  *format,
               GError     **error)
{
  g_autofree char *messages = NULL;
  GBytes *image = NULL;
  GIOErrorEnum code = G_IO_ERROR_FAILED;
  const char *what = NULL;
  GVC_t *gvc;
  Agraph_t *g;

  g_return_val_if_fail (dot_text != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!format_supported (format))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Unknown image format “%s” (expected “svg” or “png”)"), format);
      return NULL;
    }

  gvc = _ms_graphviz_enter ();
  /* The lexer's line counter is global; restart it so error messages
   * give the right line. */
  agreadline (1);
  g = agmemread (dot_text);
  drain_lexer ();
  if (g == NULL)
    {
      code = G_IO_ERROR_INVALID_DATA;
      what = _("Invalid DOT text");
    }
  else if (gvLayout (gvc, g, "dot") != 0)
    {
      what = _("Graphviz could not lay out the graph");
    }
  else
    {
      char *data = NULL;
      unsigned int length = 0;

      if (gvRenderData (gvc, g, format, &data, &length) != 0 || data == NULL)
        what = _("Graphviz could not render the graph");
      else
        image = g_bytes_new (data, length);
      gvFreeRenderData (data);
    }
  if (g != NULL)
    {
      gvFreeLayout (gvc, g);
      agclose (g);
    }
  messages = _ms_graphviz_leave ();

  if (image == NULL)
    {
      /* Empty or blank text: graphviz finds no graph and says nothing. */
      if (code == G_IO_ERROR_INVALID_DATA && messages == NULL)
        messages = g_strdup (_("no graph found"));
      set_graphviz_error (error, code, what, messages);
      return NULL;
    }
  if (messages != NULL)
    g_debug ("graphviz said while rendering: %s", messages);
  return image;
}

gboolean
ms_render_dot_to_file (const char  *dot_text,
                       const char  *format,
                       const char  *filename,
                       GError     **error)
{
  g_autoptr(GBytes) image = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (filename != NULL, FALSE);

  image = ms_render_dot (dot_text, format, error);
  if (image == NULL)
    return FALSE;
  data = g_bytes_get_data (image, &size);
  return g_file_set_contents (filename, data, (gssize) size, error);
}
