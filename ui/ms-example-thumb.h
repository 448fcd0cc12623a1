/* ms-example-thumb.h: a small picture of an example's graph, for the
 * start page's gallery. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A drawing of the devices and wires config_path's config.ml makes, laid
 * out as the canvas would. The import and layout run when the picture is
 * first shown, so a start page with many examples opens at once. */
GtkWidget *ms_example_thumb_new (const char *config_path);
/* Devices drawn (0 until the picture was first shown, or when the file
 * could not be read); makes them now if need be. */
guint      ms_example_thumb_get_n_devices (GtkWidget *thumb);

G_END_DECLS
