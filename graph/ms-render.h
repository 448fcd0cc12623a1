/* ms-render.h: turns DOT text into SVG or PNG with graphviz's library.
 *
 * Used to export a picture of a device graph (the DOT text comes from
 * ms-dot). Rendering runs in-process through libgvc, laid out with dot,
 * under the same graphviz lock as ms-layout, so any thread may call it.
 *
 * Errors are G_IO_ERROR: G_IO_ERROR_NOT_SUPPORTED for a format other than
 * "svg" or "png", G_IO_ERROR_INVALID_DATA for DOT text graphviz cannot
 * read (the message carries graphviz's own complaint, e.g. the line of a
 * syntax error), G_IO_ERROR_FAILED when layout or rendering fails (e.g.
 * the renderer plugin is not installed), or whatever writing the file
 * gives.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns the rendered image, or NULL and sets error. */
GBytes  *ms_render_dot         (const char  *dot_text,
                                const char  *format,
                                GError     **error);

/* Renders and replaces path atomically: path is either the old file or
 * the complete new image, never a partial one. */
gboolean ms_render_dot_to_file (const char  *dot_text,
                                const char  *format,
                                const char  *path,
                                GError     **error);

G_END_DECLS
