/* ms-example-thumb.c: a small picture of an example's graph.
 *
 * The example's config.ml is imported (the same importer as Import…) and
 * laid out with the canvas's layout (graphviz dot, dependencies on the
 * left); the picture is those boxes and wires scaled into the thumbnail,
 * in the theme's foreground at low alpha so it reads in both styles. It
 * is a sketch of the shape of the graph, not the canvas: no text. The
 * import waits for an idle after the card is first drawn, one card at a
 * time, so the start page appears at once.
 */
#include "ms-example-thumb.h"

#include <math.h>

#include "ms-import.h"
#include "ms-layout.h"

#define THUMB_W 240
#define THUMB_H 72

typedef struct {
  char *path;
  GtkWidget *area;   /* not owned: the data hangs on it */
  guint idle;        /* the import to come, after the frame that shows the card */
  gboolean made;
  GArray *nodes;     /* MsLayoutNode, laid out */
  GArray *edges;     /* MsLayoutEdge */
  GPtrArray *ids;    /* the nodes' ids, owned */
} Thumb;

static void
thumb_free (gpointer data)
{
  Thumb *t = data;

  g_free (t->path);
  g_clear_handle_id (&t->idle, g_source_remove);
  g_clear_pointer (&t->nodes, g_array_unref);
  g_clear_pointer (&t->edges, g_array_unref);
  g_clear_pointer (&t->ids, g_ptr_array_unref);
  g_free (t);
}

static void
make (Thumb *t)
{
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(MsImportReport) report = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autofree char *text = NULL;
  GPtrArray *devices, *conns;
  gsize len = 0;

  t->made = TRUE;
  t->nodes = g_array_new (FALSE, TRUE, sizeof (MsLayoutNode));
  t->edges = g_array_new (FALSE, TRUE, sizeof (MsLayoutEdge));
  t->ids = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_get_contents (t->path, &text, &len, NULL)
      || (catalog = ms_catalog_get_default (NULL, NULL)) == NULL
      || (doc = ms_import_configml (catalog, t->path, text, len, &report)) == NULL)
    return;
  devices = ms_document_get_devices (doc);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      GPtrArray *in = ms_document_get_inputs (doc, d->id);
      char *id = g_strdup (d->name);
      MsLayoutNode n = { .id = id, .width = 208, .height = 48 + 22 * (in ? in->len : 0) };

      g_ptr_array_add (t->ids, id);
      g_hash_table_insert (index, GUINT_TO_POINTER (d->id), GUINT_TO_POINTER (t->nodes->len));
      g_array_append_val (t->nodes, n);
    }
  conns = ms_document_get_connections (doc);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      gpointer from, to;
      if (g_hash_table_lookup_extended (index, GUINT_TO_POINTER (c->source), NULL, &from)
          && g_hash_table_lookup_extended (index, GUINT_TO_POINTER (c->target), NULL, &to))
        {
          MsLayoutEdge e = { GPOINTER_TO_UINT (from), GPOINTER_TO_UINT (to), G_MAXUINT };
          g_array_append_val (t->edges, e);
        }
    }
  if (!ms_layout_run ((MsLayoutNode *) (void *) t->nodes->data, t->nodes->len,
                      (MsLayoutEdge *) (void *) t->edges->data, t->edges->len,
                      MS_LAYOUT_ALL, NULL, NULL))
    g_array_set_size (t->nodes, 0);
}

static gboolean
make_idle (gpointer data)
{
  Thumb *t = data;

  t->idle = 0;
  if (!t->made)
    make (t);
  gtk_widget_queue_draw (t->area);
  return G_SOURCE_REMOVE;
}

static void
draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  Thumb *t = data;
  GdkRGBA fg;
  double maxx = 1, maxy = 1, s, ox, oy;

  /* the start page's first frame does not wait for a dozen imports */
  if (!t->made)
    {
      if (t->idle == 0)
        t->idle = g_idle_add_full (G_PRIORITY_LOW, make_idle, t, NULL);
      return;
    }
  if (t->nodes->len == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const MsLayoutNode *n = &g_array_index (t->nodes, MsLayoutNode, i);
      maxx = MAX (maxx, n->x + n->width);
      maxy = MAX (maxy, n->y + n->height);
    }
  /* a small graph stays small: a lone device is a card, not the picture */
  s = MIN (0.3, MIN ((width - 4) / maxx, (height - 4) / maxy));
  ox = (width - maxx * s) / 2;
  oy = (height - maxy * s) / 2;

  cairo_set_line_width (cr, 1.2);
  for (guint i = 0; i < t->edges->len; i++)
    {
      const MsLayoutEdge *e = &g_array_index (t->edges, MsLayoutEdge, i);
      const MsLayoutNode *a = &g_array_index (t->nodes, MsLayoutNode, e->from);
      const MsLayoutNode *b = &g_array_index (t->nodes, MsLayoutNode, e->to);
      double x1 = ox + (a->x + a->width) * s, y1 = oy + (a->y + a->height / 2) * s;
      double x2 = ox + b->x * s, y2 = oy + (b->y + b->height / 2) * s;
      cairo_move_to (cr, x1, y1);
      cairo_curve_to (cr, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
    }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
  cairo_stroke (cr);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const MsLayoutNode *n = &g_array_index (t->nodes, MsLayoutNode, i);
      double x = ox + n->x * s, y = oy + n->y * s, w = n->width * s, h = n->height * s;
      double r = MIN (4, MIN (w, h) / 4);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
      cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
      cairo_stroke (cr);
    }
}

GtkWidget *
ms_example_thumb_new (const char *config_path)
{
  GtkWidget *area = gtk_drawing_area_new ();
  Thumb *t = g_new0 (Thumb, 1);

  t->path = g_strdup (config_path);
  t->area = area;
  g_object_set_data_full (G_OBJECT (area), "ms-example-thumb", t, thumb_free);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), THUMB_W);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), THUMB_H);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw, t, NULL);
  gtk_widget_add_css_class (area, "ms-example-thumb");
  /* a picture of what the description says: nothing for a screen reader */
  gtk_accessible_update_state (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  return area;
}

guint
ms_example_thumb_get_n_devices (GtkWidget *thumb)
{
  Thumb *t = g_object_get_data (G_OBJECT (thumb), "ms-example-thumb");

  g_return_val_if_fail (t != NULL, 0);
  if (!t->made)
    make (t);
  return t->nodes->len;
}
