/* test-layout.c: what users rely on from automatic layout (ms-layout).
 *
 * Left-to-right flow, no overlapping cards, placed cards never move,
 * new cards land near their neighbours, same input -> same output in
 * this and in another process, odd ids, cancellation, thread safety.
 */
#include "ms-layout.h"
#include "ms-render.h"

/* A small layered device graph: `n` nodes, each after the first layer fed
 * by 1-3 nodes of earlier layers, picked by a fixed-seed generator. */
typedef struct {
  GPtrArray *ids;
  GArray *nodes;   /* MsLayoutNode */
  GArray *edges;   /* MsLayoutEdge */
} Graph;

static void
graph_free (Graph *g)
{
  g_ptr_array_unref (g->ids);
  g_array_unref (g->nodes);
  g_array_unref (g->edges);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Graph, graph_free)

static Graph *
graph_new (void)
{
  Graph *g = g_new0 (Graph, 1);

  g->ids = g_ptr_array_new_with_free_func (g_free);
  g->nodes = g_array_new (FALSE, TRUE, sizeof (MsLayoutNode));
  g->edges = g_array_new (FALSE, TRUE, sizeof (MsLayoutEdge));
  return g;
}

static guint
graph_add (Graph *g, const char *id, guint n_in_ports)
{
  char *copy = g_strdup (id);
  MsLayoutNode node = { copy, 180, 60 + 20 * n_in_ports, FALSE, 0, 0, n_in_ports };

  g_ptr_array_add (g->ids, copy);
  g_array_append_val (g->nodes, node);
  return g->nodes->len - 1;
}

static void
graph_wire (Graph *g, guint from, guint to, guint to_port)
{
  MsLayoutEdge edge = { from, to, to_port };

  g_array_append_val (g->edges, edge);
}

static MsLayoutNode *
node_at (Graph *g, guint i)
{
  return &g_array_index (g->nodes, MsLayoutNode, i);
}

static Graph *
graph_layered (guint n, guint n_layers, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Graph *g = graph_new ();
  g_autofree guint *layer_of = g_new0 (guint, n);

  for (guint i = 0; i < n; i++)
    {
      char id[32];
      guint layer = i * n_layers / n;
      guint n_inputs = layer == 0 ? 0 : (guint) g_rand_int_range (rand, 1, 4);
      guint first_of_layer = 0;

      g_snprintf (id, sizeof id, "dev%03u", i);
      graph_add (g, id, n_inputs);
      layer_of[i] = layer;
      while (first_of_layer < i && layer_of[first_of_layer] < layer)
        first_of_layer++;
      for (guint p = 0; p < n_inputs && first_of_layer > 0; p++)
        graph_wire (g, (guint) g_rand_int_range (rand, 0, (gint32) first_of_layer), i, p);
    }
  return g;
}

static gboolean
run (Graph *g, MsLayoutMode mode, GError **error)
{
  return ms_layout_run ((MsLayoutNode *) g->nodes->data, g->nodes->len,
                        (const MsLayoutEdge *) g->edges->data, g->edges->len,
                        mode, NULL, error);
}

static gboolean
overlap (const MsLayoutNode *a, const MsLayoutNode *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

static void
assert_no_overlap (Graph *g)
{
  for (guint i = 0; i < g->nodes->len; i++)
    for (guint j = i + 1; j < g->nodes->len; j++)
      if (overlap (node_at (g, i), node_at (g, j)))
        g_error ("%s (%g,%g) overlaps %s (%g,%g)",
                 node_at (g, i)->id, node_at (g, i)->x, node_at (g, i)->y,
                 node_at (g, j)->id, node_at (g, j)->x, node_at (g, j)->y);
}

static gboolean
is_whole (double v)
{
  return v == (double) (gint64) v;
}

static void
assert_whole_units (Graph *g)
{
  for (guint i = 0; i < g->nodes->len; i++)
    {
      g_assert_true (is_whole (node_at (g, i)->x));
      g_assert_true (is_whole (node_at (g, i)->y));
    }
}

/* "id=x,y\n" for every node, in node order. */
static char *
coordinates (Graph *g)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g->nodes->len; i++)
    g_string_append_printf (s, "%s=%.0f,%.0f\n", node_at (g, i)->id, node_at (g, i)->x,
                            node_at (g, i)->y);
  return g_string_free (s, FALSE);
}

static void
test_chain_left_to_right (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;
  guint a = graph_add (g, "a", 0);
  guint b = graph_add (g, "b", 1);
  guint c = graph_add (g, "c", 1);

  graph_wire (g, a, b, 0);
  graph_wire (g, b, c, 0);
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);

  g_assert_cmpfloat (node_at (g, a)->x + node_at (g, a)->width, <, node_at (g, b)->x);
  g_assert_cmpfloat (node_at (g, b)->x + node_at (g, b)->width, <, node_at (g, c)->x);
  /* The bounding box starts at the origin. */
  g_assert_cmpfloat (node_at (g, a)->x, ==, 0);
  g_assert_cmpfloat (MIN (node_at (g, a)->y, MIN (node_at (g, b)->y, node_at (g, c)->y)), ==, 0);
  assert_whole_units (g);
}

/* The card feeding input port 0 sits above the one feeding port 1, even
 * when id order says otherwise: wires should not cross. */
static void
test_ports_order (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;
  guint zz = graph_add (g, "zz", 0);
  guint aa = graph_add (g, "aa", 0);
  guint mm = graph_add (g, "mm", 0);
  guint sink = graph_add (g, "sink", 3);

  graph_wire (g, aa, sink, 2);
  graph_wire (g, zz, sink, 0);
  graph_wire (g, mm, sink, 1);
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);

  g_assert_cmpfloat (node_at (g, zz)->y, <, node_at (g, mm)->y);
  g_assert_cmpfloat (node_at (g, mm)->y, <, node_at (g, aa)->y);
  g_assert_cmpfloat (node_at (g, zz)->x, <, node_at (g, sink)->x);
}

static void
test_no_overlap_all (void)
{
  g_autoptr(Graph) g = graph_layered (120, 8, 7);
  g_autoptr(GError) error = NULL;

  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  assert_no_overlap (g);
  assert_whole_units (g);

  /* Every wire goes left to right: the graph has no cycles. */
  for (guint e = 0; e < g->edges->len; e++)
    {
      MsLayoutEdge *edge = &g_array_index (g->edges, MsLayoutEdge, e);

      g_assert_cmpfloat (node_at (g, edge->from)->x, <, node_at (g, edge->to)->x);
    }
}

/* Placed cards keep their exact (even fractional) coordinates; the others
 * fill in without overlapping anything. */
static void
test_unplaced_keeps_placed (void)
{
  g_autoptr(Graph) g = graph_layered (120, 8, 11);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree double *old_x = g_new (double, g->nodes->len);
  g_autofree double *old_y = g_new (double, g->nodes->len);

  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);

  /* The user spread the cards out and moved them down-right; every third
   * card is new. */
  for (guint i = 0; i < g->nodes->len; i++)
    {
      MsLayoutNode *node = node_at (g, i);

      node->placed = i % 3 != 0;
      node->x = node->x * 1.25 + 500.25;
      node->y = node->y * 1.5 + 300.5;
      if (!node->placed)
        {
          node->x = g_rand_double_range (rand, -5000, 5000);
          node->y = g_rand_double_range (rand, -5000, 5000);
        }
      old_x[i] = node->x;
      old_y[i] = node->y;
    }

  g_assert_true (run (g, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < g->nodes->len; i++)
    if (node_at (g, i)->placed)
      {
        g_assert_cmpfloat (node_at (g, i)->x, ==, old_x[i]);
        g_assert_cmpfloat (node_at (g, i)->y, ==, old_y[i]);
      }
    else
      {
        /* Somewhere in the neighbourhood of the scaled layout, not where
         * the random input put it. */
        g_assert_cmpfloat (node_at (g, i)->x, >=, 0);
        g_assert_cmpfloat (node_at (g, i)->y, >=, 0);
        g_assert_true (is_whole (node_at (g, i)->x));
        g_assert_true (is_whole (node_at (g, i)->y));
      }
  assert_no_overlap (g);
}

/* The user has moved a chain far from the origin; the new card in the
 * middle of it goes between its neighbours, not back near (0,0). */
static void
test_unplaced_near_neighbours (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;
  guint net = graph_add (g, "net", 0);
  guint stack = graph_add (g, "stack", 1);
  guint http = graph_add (g, "http", 1);
  guint lone = graph_add (g, "lone", 0);
  guint lone_user = graph_add (g, "lone-user", 1);
  double mid_x, mid_y, cx, cy;

  graph_wire (g, net, stack, 0);
  graph_wire (g, stack, http, 0);
  graph_wire (g, lone, lone_user, 0);

  *node_at (g, net) = (MsLayoutNode) { "net", 180, 60, TRUE, 3000, 2000, 0 };
  *node_at (g, http) = (MsLayoutNode) { "http", 180, 80, TRUE, 3600, 2000, 1 };
  *node_at (g, lone) = (MsLayoutNode) { "lone", 180, 60, TRUE, 100, 5000, 0 };

  g_assert_true (run (g, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);

  mid_x = 3000 + (3600 + 180 - 3000) / 2.0;
  mid_y = 2040;
  cx = node_at (g, stack)->x + node_at (g, stack)->width / 2;
  cy = node_at (g, stack)->y + node_at (g, stack)->height / 2;
  g_assert_cmpfloat (ABS (cx - mid_x), <, 400);
  g_assert_cmpfloat (ABS (cy - mid_y), <, 400);

  /* lone-user is fed by lone, far from the chain: it lands to lone's right. */
  g_assert_cmpfloat (node_at (g, lone_user)->x, >, 100 + 180);
  g_assert_cmpfloat (node_at (g, lone_user)->x, <, 100 + 180 + 500);
  g_assert_cmpfloat (ABS (node_at (g, lone_user)->y - 5000), <, 400);
  assert_no_overlap (g);
}

/* Cards already on the spot dot would choose push the new card aside. */
static void
test_unplaced_pushed_clear (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;
  guint a = graph_add (g, "a", 0);
  guint b = graph_add (g, "b", 1);
  guint c = graph_add (g, "c", 0);

  graph_wire (g, a, b, 0);
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);

  /* c (unconnected) gets put exactly where b is; b and a stay. */
  node_at (g, a)->placed = TRUE;
  node_at (g, b)->placed = TRUE;
  node_at (g, c)->placed = FALSE;
  node_at (g, c)->width = 400;
  node_at (g, c)->height = 400;
  g_assert_true (run (g, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);
  assert_no_overlap (g);
}

static void
test_unplaced_nothing_placed (void)
{
  g_autoptr(Graph) g1 = graph_layered (40, 5, 5);
  g_autoptr(Graph) g2 = graph_layered (40, 5, 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = NULL;
  g_autofree char *c2 = NULL;

  g_assert_true (run (g1, MS_LAYOUT_ALL, &error));
  g_assert_true (run (g2, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);
  c1 = coordinates (g1);
  c2 = coordinates (g2);
  g_assert_cmpstr (c1, ==, c2);
}

static void
test_unplaced_all_placed (void)
{
  g_autoptr(Graph) g = graph_layered (10, 3, 5);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < g->nodes->len; i++)
    {
      node_at (g, i)->placed = TRUE;
      node_at (g, i)->x = i * 0.5;
      node_at (g, i)->y = -1.0 * i;
    }
  g_assert_true (run (g, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g->nodes->len; i++)
    {
      g_assert_cmpfloat (node_at (g, i)->x, ==, i * 0.5);
      g_assert_cmpfloat (node_at (g, i)->y, ==, -1.0 * i);
    }
}

static char *
layout_of_layered_graph (void)
{
  g_autoptr(Graph) g = graph_layered (150, 9, 42);
  g_autoptr(GError) error = NULL;

  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g->nodes->len; i += 4)
    node_at (g, i)->placed = FALSE;
  for (guint i = 1; i < g->nodes->len; i += 4)
    node_at (g, i)->placed = TRUE;
  g_assert_true (run (g, MS_LAYOUT_UNPLACED, &error));
  g_assert_no_error (error);
  return coordinates (g);
}

static void
test_determinism (void)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (g_test_subprocess ())
    {
      /* The child: lay out once, in a process that never did before. */
      g_autofree char *c = layout_of_layered_graph ();

      g_print ("%s", c);
      return;
    }

  first = layout_of_layered_graph ();
  second = layout_of_layered_graph ();
  g_assert_cmpstr (first, ==, second);

  /* The output holds only ids, digits, '=', ',' and '-', so the glob
   * pattern matches it literally. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (first);
}

/* The order of the arrays does not matter, only their content. */
static void
test_determinism_input_order (void)
{
  g_autoptr(Graph) g = graph_layered (60, 6, 9);
  g_autoptr(Graph) r = graph_new ();
  g_autoptr(GError) error = NULL;
  guint n = g->nodes->len;

  /* r: same nodes reversed, same edges reversed. */
  for (guint i = 0; i < n; i++)
    {
      MsLayoutNode *src = node_at (g, n - 1 - i);

      graph_add (r, src->id, src->n_in_ports);
    }
  for (guint e = g->edges->len; e-- > 0;)
    {
      MsLayoutEdge *edge = &g_array_index (g->edges, MsLayoutEdge, e);

      graph_wire (r, n - 1 - edge->from, n - 1 - edge->to, edge->to_port);
    }

  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_true (run (r, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat (node_at (g, i)->x, ==, node_at (r, n - 1 - i)->x);
      g_assert_cmpfloat (node_at (g, i)->y, ==, node_at (r, n - 1 - i)->y);
    }
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ms_layout_run (NULL, 0, NULL, 0, MS_LAYOUT_ALL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ms_layout_run (NULL, 0, NULL, 0, MS_LAYOUT_UNPLACED, NULL, &error));
  g_assert_no_error (error);
}

static void
test_single_isolated (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;

  graph_add (g, "only", 0);
  graph_add (g, "other", 2);
  node_at (g, 0)->x = 77;
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  assert_no_overlap (g);
  g_assert_cmpfloat (MIN (node_at (g, 0)->x, node_at (g, 1)->x), ==, 0);
}

static void
test_cancelled (void)
{
  g_autoptr(Graph) g = graph_layered (20, 3, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < g->nodes->len; i++)
    node_at (g, i)->x = node_at (g, i)->y = -7;
  g_cancellable_cancel (cancellable);
  g_assert_false (ms_layout_run ((MsLayoutNode *) g->nodes->data, g->nodes->len,
                                 (const MsLayoutEdge *) g->edges->data, g->edges->len,
                                 MS_LAYOUT_ALL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Nothing was written. */
  for (guint i = 0; i < g->nodes->len; i++)
    {
      g_assert_cmpfloat (node_at (g, i)->x, ==, -7);
      g_assert_cmpfloat (node_at (g, i)->y, ==, -7);
    }
}

typedef struct {
  GCancellable *cancellable;
  gint started;
} CancelData;

static gpointer
cancel_soon (gpointer user_data)
{
  CancelData *data = user_data;

  while (!g_atomic_int_get (&data->started))
    g_thread_yield ();
  g_cancellable_cancel (data->cancellable);
  return NULL;
}

/* Cancelled while graphviz runs: the result is thrown away. */
static void
test_cancelled_while_running (void)
{
  g_autoptr(Graph) g = graph_layered (300, 10, 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CancelData data = { cancellable, 0 };
  GThread *thread = g_thread_new ("cancel", cancel_soon, &data);
  gboolean ok;

  g_atomic_int_set (&data.started, 1);
  ok = ms_layout_run ((MsLayoutNode *) g->nodes->data, g->nodes->len,
                      (const MsLayoutEdge *) g->edges->data, g->edges->len,
                      MS_LAYOUT_ALL, cancellable, &error);
  g_thread_join (thread);
  /* The other thread may lose the race against a fast layout. */
  if (!ok)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else
    g_assert_no_error (error);
}

static void
test_odd_ids (void)
{
  static const char *const ids[] = {
    "quote\"d", "back\\slash", "new\nline", "ünïcødé→", "{rec|ord}<p>",
    "graph", "node", "edge", "", "-", "a b", "tab\tx", "\\N", "dev\"\\\"",
  };
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      graph_add (g, ids[i], i == 0 ? 0 : 1);
      if (i > 0)
        graph_wire (g, i - 1, i, 0);
    }
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  assert_no_overlap (g);
  /* A chain: every odd id still found its place in the flow. */
  for (guint i = 1; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpfloat (node_at (g, i - 1)->x, <, node_at (g, i)->x);
}

static void
test_odd_edges (void)
{
  g_autoptr(Graph) g = graph_new ();
  g_autoptr(GError) error = NULL;
  guint a = graph_add (g, "a", 1);
  guint b = graph_add (g, "b", 1);

  /* A loop, a self-wire, a port that does not exist, a duplicate wire. */
  graph_wire (g, a, b, 0);
  graph_wire (g, b, a, 0);
  graph_wire (g, a, a, 0);
  graph_wire (g, a, b, 9);
  graph_wire (g, a, b, 0);
  g_assert_true (run (g, MS_LAYOUT_ALL, &error));
  g_assert_no_error (error);
  assert_no_overlap (g);

  graph_wire (g, a, 5, 0);
  g_assert_false (run (g, MS_LAYOUT_ALL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static gpointer
layout_in_thread (gpointer user_data)
{
  g_autofree char *c = layout_of_layered_graph ();
  g_autoptr(GBytes) svg = ms_render_dot ("digraph { x -> y }", "svg", NULL);

  g_assert_nonnull (svg);
  return g_steal_pointer (&c);
}

/* Graphviz is not thread-safe; the module's lock makes it so. */
static void
test_threads (void)
{
  g_autofree char *expected = layout_of_layered_graph ();
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("layout", layout_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *c = g_thread_join (threads[i]);

      g_assert_cmpstr (c, ==, expected);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layout/all/chain-left-to-right", test_chain_left_to_right);
  g_test_add_func ("/layout/all/ports-order", test_ports_order);
  g_test_add_func ("/layout/all/no-overlap", test_no_overlap_all);
  g_test_add_func ("/layout/all/isolated", test_single_isolated);
  g_test_add_func ("/layout/unplaced/keeps-placed", test_unplaced_keeps_placed);
  g_test_add_func ("/layout/unplaced/near-neighbours", test_unplaced_near_neighbours);
  g_test_add_func ("/layout/unplaced/pushed-clear", test_unplaced_pushed_clear);
  g_test_add_func ("/layout/unplaced/nothing-placed", test_unplaced_nothing_placed);
  g_test_add_func ("/layout/unplaced/all-placed", test_unplaced_all_placed);
  g_test_add_func ("/layout/determinism", test_determinism);
  g_test_add_func ("/layout/determinism/input-order", test_determinism_input_order);
  g_test_add_func ("/layout/empty", test_empty);
  g_test_add_func ("/layout/cancelled", test_cancelled);
  g_test_add_func ("/layout/cancelled-while-running", test_cancelled_while_running);
  g_test_add_func ("/layout/odd-ids", test_odd_ids);
  g_test_add_func ("/layout/odd-edges", test_odd_edges);
  g_test_add_func ("/layout/threads", test_threads);

  return g_test_run ();
}
