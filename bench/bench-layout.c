/* bench-layout.c: how long automatic layout takes on realistic graphs.
 *
 * A device graph is a layered DAG: drivers and clocks on the left, then
 * network stacks, then services, each device fed by 1-3 devices of
 * earlier layers (mostly the layer just before), cards 180 wide and
 * 60 + 20 per input port high. The promise: 500 devices in <= 150 ms.
 *
 * Prints:
 *   BENCH layout_500 <ms> ms            median of 5, MS_LAYOUT_ALL
 *   BENCH layout_500_unplaced <ms> ms   median of 5, 10% unplaced
 *   BENCH layout_2000 <ms> ms           one run, MS_LAYOUT_ALL
 */
#include "ms-layout.h"

#include <stdlib.h>

typedef struct {
  char **ids;
  MsLayoutNode *nodes;
  MsLayoutEdge *edges;
  guint n_nodes, n_edges;
} Graph;

static void
graph_free (Graph *g)
{
  g_strfreev (g->ids);
  g_free (g->nodes);
  g_free (g->edges);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Graph, graph_free)

static Graph *
graph_generate (guint n, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Graph *g = g_new0 (Graph, 1);
  /* Depth grows slowly with size, as in real unikernels. */
  guint n_layers = n < 1000 ? 12 : 18;
  g_autofree guint *layer_start = g_new0 (guint, n_layers + 1);

  g->ids = g_new0 (char *, n + 1);
  g->nodes = g_new0 (MsLayoutNode, n);
  g->edges = g_new0 (MsLayoutEdge, 3 * n);
  g->n_nodes = n;

  for (guint l = 0; l <= n_layers; l++)
    layer_start[l] = l * n / n_layers;

  for (guint l = 0; l < n_layers; l++)
    for (guint i = layer_start[l]; i < layer_start[l + 1]; i++)
      {
        guint n_inputs = l == 0 ? 0 : (guint) g_rand_int_range (rand, 1, 4);

        g->ids[i] = g_strdup_printf ("device-%04u", i);
        g->nodes[i] = (MsLayoutNode) { g->ids[i], 180, 60 + 20 * n_inputs, FALSE, 0, 0, n_inputs };
        for (guint p = 0; p < n_inputs; p++)
          {
            /* Three wires in four come from the previous layer. */
            guint from_layer = g_rand_int_range (rand, 0, 4) > 0
                                 ? l - 1
                                 : (guint) g_rand_int_range (rand, 0, (gint32) l);
            guint from = (guint) g_rand_int_range (rand, (gint32) layer_start[from_layer],
                                                   (gint32) layer_start[from_layer + 1]);

            g->edges[g->n_edges++] = (MsLayoutEdge) { from, i, p };
          }
      }
  return g;
}

static double
time_layout (Graph *g, MsLayoutMode mode)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!ms_layout_run (g->nodes, g->n_nodes, g->edges, g->n_edges, mode, NULL, &error))
    g_error ("layout failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
median_of_5 (double t[5])
{
  qsort (t, 5, sizeof t[0], compare_doubles);
  return t[2];
}

int
main (int argc, char **argv)
{
  g_autoptr(Graph) g500 = graph_generate (500, 500);
  g_autoptr(Graph) g2000 = graph_generate (2000, 2000);
  double t[5];

  /* Warm-up: the first graphviz call loads its plugins and fonts. */
  time_layout (g500, MS_LAYOUT_ALL);

  for (guint r = 0; r < 5; r++)
    t[r] = time_layout (g500, MS_LAYOUT_ALL);
  g_print ("BENCH layout_500 %.1f ms\n", median_of_5 (t));

  for (guint r = 0; r < 5; r++)
    {
      time_layout (g500, MS_LAYOUT_ALL);
      for (guint i = 0; i < g500->n_nodes; i++)
        g500->nodes[i].placed = i % 10 != 0;
      t[r] = time_layout (g500, MS_LAYOUT_UNPLACED);
      for (guint i = 0; i < g500->n_nodes; i++)
        g500->nodes[i].placed = FALSE;
    }
  g_print ("BENCH layout_500_unplaced %.1f ms\n", median_of_5 (t));

  g_print ("BENCH layout_2000 %.1f ms\n", time_layout (g2000, MS_LAYOUT_ALL));
  return 0;
}
