/* ms-layout.c: places device cards with graphviz dot, left to right.
 *
 * How it works:
 *  1. Nodes and edges are sorted (nodes by id, edges by the sorted indexes
 *     of their ends and port) so that the graph handed to graphviz, and so
 *     the result, depends only on the content of the input.
 *  2. Each card becomes a dot "record" of the card's size whose left
 *     column holds one field per input port and whose right column is the
 *     output; wires run from "o:e" to "i<k>:w", so dot's crossing
 *     minimisation knows which port each wire enters. Spline routing is
 *     switched off: the canvas draws its own wires, and routing would cost
 *     more than the placement itself.
 *  3. Dot's centres (points, y up) become top-left corners (y down),
 *     translated so the bounding box starts at (0,0), rounded to units.
 *  4. MS_LAYOUT_UNPLACED runs the same layout, then moves each unplaced
 *     node by the offset between dot's and the user's positions of its
 *     placed neighbours (or, lacking any, the median offset of all placed
 *     nodes), and finally pushes it down or right, whichever is the
 *     shorter move, until it clears every other card by a gap.
 *
 * This file also owns the graphviz lock shared with ms-render.c.
 */
#include "ms-layout.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

/* Spacing for dot, in inches (graphviz's unit). Cards are large, so the
 * defaults (0.25 / 0.5) would leave too little room for the wires. */
#define NODESEP_INCHES "0.4"
#define RANKSEP_INCHES "1.0"

/* Past a few hundred cards dot's crossing minimisation and the network
 * simplex that straightens wires dominate the time (500 cards: ~200 ms
 * with dot's defaults, ~90 ms with these limits) while the result gets
 * only a little less tidy (~5% more crossings, ~8% longer vertical wire
 * runs). Small graphs, the usual case, keep dot's full effort. Switching
 * depends only on the input, so results stay deterministic. */
#define BIG_GRAPH_NODES 200
#define BIG_GRAPH_MCLIMIT "0.3"
#define BIG_GRAPH_NSLIMIT "0.5"

/* Clearance kept around an unplaced node pushed away from others. */
#define PUSH_GAP 24.0

#define UNITS_PER_INCH 72.0  /* 1 canvas unit = 1 pt */

/* ---- the graphviz lock -------------------------------------------------- */

static GMutex gv_lock;
static GVC_t *gv_context;        /* created once, lives for the process */
static locale_t gv_c_locale;
static locale_t gv_saved_locale;
static GString *gv_messages;
static agusererrf gv_saved_errf;

/* agerr hands a message over in pieces ("Error", ": ", text). */
static int
capture_graphviz_message (char *piece)
{
  g_string_append (gv_messages, piece);
  return 0;
}

GVC_t *
_ms_graphviz_enter (void)
{
  g_mutex_lock (&gv_lock);

  if (gv_c_locale == (locale_t) 0)
    gv_c_locale = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  /* A GTK program runs in the user's locale, where "0.4" may read as 0
   * and 12.5 print as "12,5" (a separator in SVG). Graphviz switches the
   * global LC_NUMERIC to "C" itself during layout and rendering only;
   * a per-thread C locale covers every call we make, for this thread. */
  gv_saved_locale = gv_c_locale != (locale_t) 0 ? uselocale (gv_c_locale) : (locale_t) 0;

  gv_messages = g_string_new (NULL);
  gv_saved_errf = agseterrf (capture_graphviz_message);
  agreseterrors ();

  if (gv_context == NULL)
    gv_context = gvContext ();

  return gv_context;
}

char *
_ms_graphviz_leave (void)
{
  g_autofree char *text = NULL;
  char *messages = NULL;

  agseterrf (gv_saved_errf);
  if (gv_saved_locale != (locale_t) 0)
    uselocale (gv_saved_locale);
  gv_saved_locale = (locale_t) 0;

  text = g_strstrip (g_string_free (g_steal_pointer (&gv_messages), FALSE));
  /* "Layout type: "dot" not recognized", "Format: "png" not recognized":
   * graphviz found no plugin for it. Say what to install. */
  if (strstr (text, "not recognized") != NULL)
    messages = g_strconcat (text, _(" (graphviz plugins missing? On Debian they come"
                                    " with the libgvc6 package)"), NULL);
  else if (text[0] != '\0')
    messages = g_steal_pointer (&text);

  g_mutex_unlock (&gv_lock);
  return messages;
}

/* ---- input ordering ----------------------------------------------------- */

typedef struct {
  const char *id;
  guint index;
} SortedNode;

static int
compare_sorted_nodes (const void *a, const void *b)
{
  const SortedNode *na = a, *nb = b;
  int c = strcmp (na->id, nb->id);

  if (c != 0)
    return c;
  return na->index < nb->index ? -1 : na->index > nb->index;
}

/* An edge in sorted-node indexes. */
typedef struct {
  guint from, to, port;
  gboolean has_port;
} SortedEdge;

static int
compare_sorted_edges (const void *a, const void *b)
{
  const SortedEdge *ea = a, *eb = b;

  if (ea->to != eb->to)
    return ea->to < eb->to ? -1 : 1;
  if (ea->has_port != eb->has_port)
    return ea->has_port ? 1 : -1;
  if (ea->port != eb->port)
    return ea->port < eb->port ? -1 : 1;
  if (ea->from != eb->from)
    return ea->from < eb->from ? -1 : 1;
  return 0;
}

/* ---- running dot -------------------------------------------------------- */

static char *
format_inches (double points)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", points / UNITS_PER_INCH));
}

/* "{{<i0>|<i1>}|<o>}": in rankdir=LR records are turned, so the outer
 * braces lay the two columns side by side and the inner ones stack the
 * input fields from top to bottom. */
static char *
record_label (guint n_in_ports)
{
  GString *label = g_string_new ("{");

  if (n_in_ports > 0)
    {
      g_string_append (label, "{");
      for (guint p = 0; p < n_in_ports; p++)
        g_string_append_printf (label, "%s<i%u>", p > 0 ? "|" : "", p);
      g_string_append (label, "}|");
    }
  g_string_append (label, "<o>}");
  return g_string_free (label, FALSE);
}

/* Nearest whole unit, halves away from zero. By hand because the core
 * does not link libm; canvas coordinates are far inside gint64. */
static double
round_unit (double v)
{
  return (double) (gint64) (v >= 0 ? v + 0.5 : v - 0.5);
}

static double
card_extent (double v)
{
  /* Graphviz has no use for empty or negative cards. */
  return isfinite (v) && v >= 1.0 ? v : 1.0;
}

/* Runs dot on the sorted graph and stores each node's top-left corner
 * (y down, unrounded, bounding box at 0,0) in out_x/out_y, indexed like
 * `order`. Called with the graphviz lock held. */
static gboolean
run_dot (GVC_t *gvc,
         const MsLayoutNode *nodes, const SortedNode *order, guint n_nodes,
         const SortedEdge *edges, guint n_edges,
         double *out_x, double *out_y,
         char **failure)
{
  g_autofree Agnode_t **gnodes = g_new0 (Agnode_t *, n_nodes);
  Agraph_t *g;
  Agsym_t *sym_width, *sym_height, *sym_label, *sym_headport;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE;

  g = agopen ((char *) "mirage", Agdirected, NULL);
  agattr (g, AGRAPH, (char *) "rankdir", (char *) "LR");
  agattr (g, AGRAPH, (char *) "splines", (char *) "none");
  agattr (g, AGRAPH, (char *) "nodesep", (char *) NODESEP_INCHES);
  agattr (g, AGRAPH, (char *) "ranksep", (char *) RANKSEP_INCHES);
  /* The classic ranking pass ends in a cleanup that is quadratic in the
   * number of edges (cleanup1 in graphviz 2.42: a third of the time at
   * 500 cards, most of it at 2000); "newrank" ranks through a separate
   * constraint graph instead and gives the same ranks on our graphs,
   * which have no clusters. */
  agattr (g, AGRAPH, (char *) "newrank", (char *) "true");
  if (n_nodes > BIG_GRAPH_NODES)
    {
      agattr (g, AGRAPH, (char *) "mclimit", (char *) BIG_GRAPH_MCLIMIT);
      agattr (g, AGRAPH, (char *) "nslimit", (char *) BIG_GRAPH_NSLIMIT);
    }
  agattr (g, AGNODE, (char *) "shape", (char *) "record");
  agattr (g, AGNODE, (char *) "fixedsize", (char *) "true");
  agattr (g, AGNODE, (char *) "margin", (char *) "0");
  /* Empty record fields still reserve a line of text; a tiny font keeps
   * that below the 20 units per port of a card with many ports. */
  agattr (g, AGNODE, (char *) "fontsize", (char *) "1");
  sym_width = agattr (g, AGNODE, (char *) "width", (char *) "1");
  sym_height = agattr (g, AGNODE, (char *) "height", (char *) "1");
  sym_label = agattr (g, AGNODE, (char *) "label", (char *) "");
  agattr (g, AGEDGE, (char *) "tailport", (char *) "o:e");
  sym_headport = agattr (g, AGEDGE, (char *) "headport", (char *) "");

  /* Graphviz names are positions in the sorted order, not the ids: the
   * ids then need no escaping at all, whatever bytes they hold, and a
   * name can never collide with record or port syntax. */
  for (guint i = 0; i < n_nodes; i++)
    {
      const MsLayoutNode *node = &nodes[order[i].index];
      char name[32];
      g_autofree char *width = format_inches (card_extent (node->width));
      g_autofree char *height = format_inches (card_extent (node->height));
      g_autofree char *label = record_label (node->n_in_ports);

      g_snprintf (name, sizeof name, "n%u", i);
      gnodes[i] = agnode (g, name, TRUE);
      agxset (gnodes[i], sym_width, width);
      agxset (gnodes[i], sym_height, height);
      agxset (gnodes[i], sym_label, label);
    }

  for (guint e = 0; e < n_edges; e++)
    {
      Agedge_t *edge = agedge (g, gnodes[edges[e].from], gnodes[edges[e].to], NULL, TRUE);
      char port_name[32];

      if (edges[e].has_port)
        g_snprintf (port_name, sizeof port_name, "i%u:w", edges[e].port);
      else
        g_strlcpy (port_name, "w", sizeof port_name);
      agxset (edge, sym_headport, port_name);
    }

  if (gvLayout (gvc, g, "dot") != 0)
    {
      *failure = g_strdup (_("graphviz could not lay out the graph"));
      gvFreeLayout (gvc, g);
      agclose (g);
      return FALSE;
    }

  for (guint i = 0; i < n_nodes; i++)
    {
      const MsLayoutNode *node = &nodes[order[i].index];
      pointf centre = ND_coord (gnodes[i]);

      /* Flip y: graphviz's y grows upward, the canvas's downward. */
      out_x[i] = centre.x - card_extent (node->width) / 2.0;
      out_y[i] = -centre.y - card_extent (node->height) / 2.0;
      min_x = MIN (min_x, out_x[i]);
      min_y = MIN (min_y, out_y[i]);
    }
  for (guint i = 0; i < n_nodes; i++)
    {
      out_x[i] -= min_x;
      out_y[i] -= min_y;
    }

  gvFreeLayout (gvc, g);
  agclose (g);
  return TRUE;
}

/* ---- fitting unplaced nodes among placed ones --------------------------- */

typedef struct {
  double x, y, w, h;
} Rect;

static gboolean
rects_too_close (const Rect *a, const Rect *b)
{
  return a->x < b->x + b->w + PUSH_GAP && b->x < a->x + a->w + PUSH_GAP &&
         a->y < b->y + b->h + PUSH_GAP && b->y < a->y + a->h + PUSH_GAP;
}

/* Moves r along one axis (down if `down`, else right) past every rect in
 * fixed[] it comes too close to. Only ever moves forward, so it ends after
 * at most n_fixed steps per rect. */
static Rect
push_clear (Rect r, const Rect *fixed, guint n_fixed, gboolean down)
{
  gboolean moved = TRUE;

  while (moved)
    {
      moved = FALSE;
      for (guint k = 0; k < n_fixed; k++)
        {
          if (!rects_too_close (&r, &fixed[k]))
            continue;
          if (down)
            r.y = fixed[k].y + fixed[k].h + PUSH_GAP;
          else
            r.x = fixed[k].x + fixed[k].w + PUSH_GAP;
          moved = TRUE;
        }
    }
  return r;
}

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* Fills res_x/res_y (sorted order) for unplaced nodes from dot's
 * positions dot_x/dot_y. Placed nodes' entries are their own positions. */
static void
fit_unplaced (const MsLayoutNode *nodes, const SortedNode *order, guint n_nodes,
              const SortedEdge *edges, guint n_edges,
              const double *dot_x, const double *dot_y,
              double *res_x, double *res_y)
{
  g_autofree double *off_x = g_new0 (double, n_nodes);
  g_autofree double *off_y = g_new0 (double, n_nodes);
  g_autofree double *sum_x = g_new0 (double, n_nodes);
  g_autofree double *sum_y = g_new0 (double, n_nodes);
  g_autofree guint *n_sum = g_new0 (guint, n_nodes);
  g_autofree Rect *fixed = g_new0 (Rect, n_nodes);
  guint n_placed = 0, n_fixed = 0;
  double global_x, global_y;

  for (guint i = 0; i < n_nodes; i++)
    {
      const MsLayoutNode *node = &nodes[order[i].index];

      if (!node->placed)
        continue;
      off_x[n_placed] = node->x - dot_x[i];
      off_y[n_placed] = node->y - dot_y[i];
      n_placed++;
      fixed[n_fixed++] = (Rect) { node->x, node->y, card_extent (node->width),
                                  card_extent (node->height) };
    }
  g_assert (n_placed > 0);
  /* The median, not the mean: one card the user dragged far away should
   * not drag every new card along with it. */
  global_x = median (off_x, n_placed);
  global_y = median (off_y, n_placed);

  /* A new card belongs next to the cards it is wired to, wherever the
   * user has moved those. */
  for (guint e = 0; e < n_edges; e++)
    {
      guint a = edges[e].from, b = edges[e].to;
      const MsLayoutNode *na = &nodes[order[a].index], *nb = &nodes[order[b].index];

      if (na->placed && !nb->placed)
        {
          sum_x[b] += na->x - dot_x[a];
          sum_y[b] += na->y - dot_y[a];
          n_sum[b]++;
        }
      else if (nb->placed && !na->placed)
        {
          sum_x[a] += nb->x - dot_x[b];
          sum_y[a] += nb->y - dot_y[b];
          n_sum[a]++;
        }
    }

  /* Sorted order, so that which card yields to which is deterministic. */
  for (guint i = 0; i < n_nodes; i++)
    {
      const MsLayoutNode *node = &nodes[order[i].index];
      double dx = n_sum[i] ? sum_x[i] / n_sum[i] : global_x;
      double dy = n_sum[i] ? sum_y[i] / n_sum[i] : global_y;
      Rect want, down, right;
      double cost_down, cost_right;

      if (node->placed)
        {
          res_x[i] = node->x;
          res_y[i] = node->y;
          continue;
        }

      want = (Rect) { round_unit (dot_x[i] + dx), round_unit (dot_y[i] + dy),
                      card_extent (node->width), card_extent (node->height) };
      down = push_clear (want, fixed, n_fixed, TRUE);
      right = push_clear (want, fixed, n_fixed, FALSE);
      cost_down = down.y - want.y;
      cost_right = right.x - want.x;
      fixed[n_fixed] = cost_right < cost_down ? right : down;
      /* Whole units; the gap is far wider than the rounding. */
      fixed[n_fixed].x = round_unit (fixed[n_fixed].x);
      fixed[n_fixed].y = round_unit (fixed[n_fixed].y);
      res_x[i] = fixed[n_fixed].x;
      res_y[i] = fixed[n_fixed].y;
      n_fixed++;
    }
}

/* ---- entry point -------------------------------------------------------- */

gboolean
ms_layout_run (MsLayoutNode       *nodes,
               guint               n_nodes,
               const MsLayoutEdge *edges,
               guint               n_edges,
               MsLayoutMode        mode,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autofree SortedNode *order = NULL;
  g_autofree guint *rank_of = NULL;
  g_autofree SortedEdge *sorted_edges = NULL;
  g_autofree double *dot_x = NULL;
  g_autofree double *dot_y = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *messages = NULL;
  guint n_sorted_edges = 0, n_placed = 0;
  GVC_t *gvc;
  gboolean ok;

  g_return_val_if_fail (nodes != NULL || n_nodes == 0, FALSE);
  g_return_val_if_fail (edges != NULL || n_edges == 0, FALSE);
  g_return_val_if_fail (mode == MS_LAYOUT_ALL || mode == MS_LAYOUT_UNPLACED, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (guint i = 0; i < n_nodes; i++)
    {
      if (nodes[i].id == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Layout node %u has no id"), i);
          return FALSE;
        }
      if (nodes[i].placed)
        n_placed++;
    }
  for (guint e = 0; e < n_edges; e++)
    if (edges[e].from >= n_nodes || edges[e].to >= n_nodes)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("Layout edge %u joins node %u to node %u, but there are only %u nodes"),
                     e, edges[e].from, edges[e].to, n_nodes);
        return FALSE;
      }

  if (n_nodes == 0)
    return TRUE;
  if (mode == MS_LAYOUT_UNPLACED && n_placed == n_nodes)
    return TRUE;

  order = g_new (SortedNode, n_nodes);
  rank_of = g_new (guint, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    order[i] = (SortedNode) { nodes[i].id, i };
  qsort (order, n_nodes, sizeof *order, compare_sorted_nodes);
  for (guint i = 0; i < n_nodes; i++)
    rank_of[order[i].index] = i;

  sorted_edges = g_new (SortedEdge, MAX (n_edges, 1));
  for (guint e = 0; e < n_edges; e++)
    {
      const MsLayoutEdge *edge = &edges[e];

      /* A wire from a card to itself says nothing about placement. */
      if (edge->from == edge->to)
        continue;
      sorted_edges[n_sorted_edges] = (SortedEdge) {
        rank_of[edge->from], rank_of[edge->to], edge->to_port,
        edge->to_port < nodes[edge->to].n_in_ports,
      };
      if (!sorted_edges[n_sorted_edges].has_port)
        sorted_edges[n_sorted_edges].port = 0;
      n_sorted_edges++;
    }
  qsort (sorted_edges, n_sorted_edges, sizeof *sorted_edges, compare_sorted_edges);

  dot_x = g_new (double, n_nodes);
  dot_y = g_new (double, n_nodes);

  gvc = _ms_graphviz_enter ();
  /* Waiting for the lock may have taken a while. */
  if (g_cancellable_is_cancelled (cancellable))
    ok = TRUE;
  else
    ok = run_dot (gvc, nodes, order, n_nodes, sorted_edges, n_sorted_edges,
                  dot_x, dot_y, &failure);
  messages = _ms_graphviz_leave ();

  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Automatic layout failed: %s%s%s"),
                   failure, messages ? ": " : "", messages ? messages : "");
      return FALSE;
    }
  if (messages != NULL)
    g_debug ("graphviz said while laying out: %s", messages);

  /* Graphviz cannot be interrupted, so this is the soonest we can stop. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (mode == MS_LAYOUT_ALL || n_placed == 0)
    {
      for (guint i = 0; i < n_nodes; i++)
        {
          nodes[order[i].index].x = round_unit (dot_x[i]);
          nodes[order[i].index].y = round_unit (dot_y[i]);
        }
    }
  else
    {
      g_autofree double *res_x = g_new (double, n_nodes);
      g_autofree double *res_y = g_new (double, n_nodes);

      fit_unplaced (nodes, order, n_nodes, sorted_edges, n_sorted_edges,
                    dot_x, dot_y, res_x, res_y);
      for (guint i = 0; i < n_nodes; i++)
        if (!nodes[order[i].index].placed)
          {
            nodes[order[i].index].x = res_x[i];
            nodes[order[i].index].y = res_y[i];
          }
    }

  return TRUE;
}
