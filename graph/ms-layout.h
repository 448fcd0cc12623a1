/* ms-layout.h: automatic placement of device cards with graphviz dot.
 *
 * Works on plain structs, not on the document, so the core (CLI
 * "arrange") and the studio canvas can both use it. Coordinates are
 * canvas units (1 unit = 1 px = 1 pt), the top-left corner of each card,
 * with y growing downward. Dependencies end up on the left, consumers on
 * the right.
 *
 * Graphviz is not thread-safe: every graphviz call in the core goes
 * through one lock (see _ms_graphviz_enter below), so these functions may
 * be called from any thread.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  MS_LAYOUT_ALL,       /* every node gets a new position */
  MS_LAYOUT_UNPLACED,  /* placed nodes stay put; the others are fitted in */
} MsLayoutMode;

typedef struct {
  const char *id;        /* stable unique id (device name): fixes the order */
  double width, height;  /* card size in canvas units */
  gboolean placed;       /* has a position the user chose */
  double x, y;           /* top-left corner; in: position if placed; out: result */
  guint n_in_ports;      /* input ports on the left edge, top to bottom */
} MsLayoutNode;

/* Indexes into the node array: from's output (right edge) feeds to's
 * input port to_port (left edge). A to_port outside 0..n_in_ports-1 is
 * tolerated: the wire then ends on the middle of the left edge. */
typedef struct {
  guint from;
  guint to;
  guint to_port;
} MsLayoutEdge;

/* Lays out the nodes and writes x, y of every node it positions (all of
 * them for MS_LAYOUT_ALL, the unplaced ones for MS_LAYOUT_UNPLACED).
 * Results are whole units and depend only on the input, not on the order
 * of the arrays (ids are unique) nor on the process: the same input gives
 * byte-identical coordinates. With MS_LAYOUT_ALL the bounding box
 * starts at (0,0). On error (G_IO_ERROR_CANCELLED, G_IO_ERROR_INVALID_ARGUMENT
 * for an edge index out of range, G_IO_ERROR_FAILED for graphviz failing)
 * the nodes are left untouched. */
gboolean ms_layout_run (MsLayoutNode       *nodes,
                        guint               n_nodes,
                        const MsLayoutEdge *edges,
                        guint               n_edges,
                        MsLayoutMode        mode,
                        GCancellable       *cancellable,
                        GError            **error);

/* Private to graph/ (ms-layout.c, ms-render.c): the graphviz lock.
 * _ms_graphviz_enter () takes the global lock, switches the calling
 * thread to the C locale (graphviz parses and prints numbers with the
 * current locale), starts capturing graphviz's error messages and returns
 * the shared GVC_t context with the installed plugins loaded.
 * _ms_graphviz_leave () undoes all that and returns the messages captured
 * meanwhile (NULL if none; free with g_free). Always pair them. */
struct GVC_s;
struct GVC_s *_ms_graphviz_enter (void);
char         *_ms_graphviz_leave (void);

G_END_DECLS
