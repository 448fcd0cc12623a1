/* ms-canvas-private.h: the canvas's insides, shared by its source files
 * (ms-canvas.c: object, document sync, commands, layout, evaluation;
 * ms-canvas-geometry.c: card and port geometry, hit tests;
 * ms-canvas-draw.c: drawing, minimap, colours; ms-canvas-input.c:
 * gestures, keyboard, wiring, quick-add; ms-canvas-a11y.c: the
 * accessible stand-ins of the cards), and the hooks the tests use.
 *
 * Coordinates: "canvas" coordinates are document units (MsDevice.x/y,
 * 1 unit = 1 px at zoom 1); "widget" coordinates are pixels in the
 * widget. widget = (canvas - offset) * zoom.
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-canvas.h"
#include "ms-check.h"
#include "ms-eval.h"
#include "ms-layout.h"

G_BEGIN_DECLS

#define MS_CANVAS_GRID        16.0
#define MS_CANVAS_CARD_WIDTH  208.0
#define MS_CANVAS_HEADER      48.0
#define MS_CANVAS_PORT_ROW    22.0
#define MS_CANVAS_PILL_ROW    24.0
#define MS_CANVAS_ARGS_ROW    20.0     /* the runtime arguments a device brings */
#define MS_CANVAS_PORT_RADIUS 5.0
#define MS_CANVAS_MARGIN      32.0     /* around the graph in render_texture */
#define MS_CANVAS_ZOOM_MIN    0.05
#define MS_CANVAS_ZOOM_MAX    4.0
#define MS_CANVAS_FIT_ZOOM_MIN 0.75   /* Zoom to Fit goes no further: card text stays readable */
#define MS_CANVAS_TEXT_ZOOM   0.5 
#define MS_CANVAS_PORT_TEXT_ZOOM 0.55  /* port labels, smaller still, from here */
#define MS_CANVAS_MINIMAP_W   200.0
#define MS_CANVAS_MINIMAP_H   140.0

/* The studio links no libm (ui/meson.build): the little rounding the
 * canvas needs, for the magnitudes it sees. */
static inline double
ms_floor (double v)
{
  double t = (double) (gint64) v;
  return t > v ? t - 1 : t;
}
static inline double ms_ceil (double v) { return -ms_floor (-v); }
static inline double ms_round (double v) { return ms_floor (v + 0.5); }
static inline double ms_fabs (double v) { return v < 0 ? -v : v; }

typedef struct {
  char       *name;      /* parameter name, or 1-based position for custom devices */
  char       *type;      /* type text, after unification once resolved */
  const char *family;    /* catalog-owned, NULL if unknown */
  gboolean    optional;
  gboolean    error;     /* a diagnostic names this port */
  gboolean    compatible;/* during a wire drag: may be connected */
  double      y;         /* centre, from the card's top */
  PangoLayout *layout;   /* "name  type", made when first drawn */
} MsCanvasPort;

typedef struct {
  guint        id;
  char        *name;
  char        *ctor;
  double       x, y, w, h;      /* canvas units; x, y: top-left */
  double       ox, oy;          /* position when a move started */
  gboolean     placed;
  MsCanvasPort *ports;          /* inputs, top to bottom */
  guint        n_ports;
  char        *out_type;        /* NULL: no output (a job) */
  const char  *out_family;
  gboolean     out_compatible;  /* during a wire drag from an input */
  gboolean     key_dependent;
  char        *args_text;       /* its runtime arguments, "--ipv4 --ipv4-gateway", or NULL */
  double       args_y;          /* their line's centre, from the card's top */
  PangoLayout *args_layout;
  char        *variant;         /* branch chosen by the last evaluation, or NULL */
  gboolean     choice;          /* a choice (if_impl / match_impl): one input per case */
  char        *condition;       /* a choice's condition as the card shows it, "if Key.is_solo5" */
  int          taken;           /* a choice's input the target takes, -1: none */
  int          severity;        /* worst MsSeverity of its diagnostics, -1: none */
  char        *diag_message;    /* the first diagnostic's message */
  gboolean     selected;
  gboolean     types_resolved;  /* port types unified with the graph */
  PangoLayout *name_layout, *ctor_layout, *out_layout, *pill_layout;
  PangoLayout *ov_layout;       /* the name at screen size, zoomed out; made for ov_zoom */
  double       ov_zoom;
  GtkWidget   *a11y;            /* accessible stand-in (ms-canvas-a11y.c) */
  char        *a11y_label;      /* what it was last told, so unchanged text is not sent again */
  char        *a11y_desc;
} MsCanvasCard;

typedef struct {
  MsCanvasCard *src, *dst;
  guint         port;           /* index into dst->ports, G_MAXUINT: unknown port */
  const char   *param;          /* the document's, valid while the edges are not dirty */
  gboolean      error;
} MsCanvasEdge;

/* A wire, by the input it feeds: target.param; target 0 is none. */
typedef struct {
  guint target;
  char *param;
} MsCanvasWire;

typedef enum {
  MS_CANVAS_DRAG_NONE,
  MS_CANVAS_DRAG_RUBBER,
  MS_CANVAS_DRAG_MOVE,
  MS_CANVAS_DRAG_WIRE,
  MS_CANVAS_DRAG_PAN,
  MS_CANVAS_DRAG_MINIMAP,
} MsCanvasDrag;

typedef struct {
  GdkRGBA bg, fg, dim, grid, card, card_border, accent, accent_fg, error, warning, success;
  gboolean dark;
} MsCanvasColors;

struct _MsCanvas
{
  GtkWidget     parent_instance;

  MsDocument   *doc;
  gulong        changed_id, reloaded_id;
  guint         doc_serial;      /* bumped on every change: stale layouts are dropped */
  GPtrArray    *cards;           /* MsCanvasCard*, by device id */
  GHashTable   *by_id;           /* id -> MsCanvasCard* */
  GArray       *edges;           /* MsCanvasEdge */
  gboolean      edges_dirty;
  GPtrArray    *diagnostics;
  GPtrArray    *families;        /* const char*, present in the document, for the legend */
  GPtrArray    *legend_layouts;  /* PangoLayout*, parallel to families; NULL: to make */

  double        zoom, off_x, off_y;
  gboolean      fit_pending;     /* zoom to fit once the widget has a size */
  gboolean      auto_fit;        /* the view is a fit nobody changed: refit on resize */

  guint         focus_device;
  int           focus_port;      /* -1: the card; 0..n-1 inputs; n: the output */
  guint         n_selected;
  MsCanvasWire  wire_sel;        /* the selected wire; never together with selected cards */
  MsCanvasWire  wire_press;      /* pressed on: selected on release, unless it became a rubber band */
  MsCanvasWire  wire_hover;      /* under the pointer, drawn lit so wires look clickable */

  /* the primary drag, in canvas coordinates */
  MsCanvasDrag  drag;
  double        drag_x0, drag_y0, drag_x, drag_y;
  gboolean      drag_moved;
  guint         press_device;    /* card pressed without a modifier */
  GHashTable   *rubber_base;     /* selection before a shift rubber band */
  gboolean      rubber_toggle;
  double        pan_x0, pan_y0;  /* offset at the start of a pan */

  /* wire */
  guint         wire_device;
  int           wire_port;       /* -1: from the output; >= 0: from that input */
  guint         detach_target;   /* a connected input picked up: its wire, (target, port) */
  int           detach_port;

  /* keyboard */
  gboolean      space_down;
  gboolean      kwire;           /* a wire drawn with the keyboard: Tab picks the end */
  GArray       *kw_targets;      /* KeyTarget: ends that fit, nearest first */
  guint         kw_index;
  double        pointer_x, pointer_y;  /* widget coordinates */
  gboolean      pointer_inside;        /* the pointer is over the canvas */
  gboolean      pointer_on_overlay;    /* ...and over the legend's or the minimap's corner */
  const char   *cursor;                /* the cursor name set last */
  double        pinch_zoom0, pinch_cx, pinch_cy;

  GtkWidget    *context_menu;    /* GtkPopoverMenu of the canvas.* actions */

  /* a palette entry dragged over the canvas: its card, where it would land */
  char         *ghost_ctor;      /* NULL: none */
  double        ghost_x, ghost_y;/* canvas coordinates of the pointer */
  PangoLayout  *ghost_layout;
  PangoLayout  *hint_layout;     /* the empty canvas's hint */

  /* quick-add */
  GtkWidget    *quick_add;
  GtkWidget    *qa_entry;
  GtkWidget    *qa_list;
  GtkStringList *qa_names;
  GtkFilterListModel *qa_filtered;
  GtkSingleSelection *qa_selection;
  double        qa_x, qa_y;      /* canvas coordinates of the drop */
  guint         qa_device;
  int           qa_port;
  gboolean      qa_open;

  /* background work */
  GCancellable *layout_cancel;
  gboolean      layout_running;
  gboolean      layout_on_open;  /* the next layout places a newly shown file */
  guint         eval_idle;
  gboolean      external_eval;   /* ms_canvas_set_evaluation: the window evaluates */
  guint         resolve_idle;
  guint         a11y_timeout;    /* re-places the accessible stand-ins once the view rests */
  gboolean      a11y_dirty;
  int           alloc_w, alloc_h;    /* unifies the types of cards in view, a few at a time */
  gboolean      show_minimap;

  MsCanvasColors colors;

  /* GTK snapshots the canvas again whenever a stand-in moves; what we drew
   * is kept until something we draw changes (_ms_canvas_redraw) */
  GskRenderNode *node;
  gboolean      node_dirty;
  int           node_w, node_h;
};

/* ms-canvas-geometry.c */
MsCanvasCard *_ms_canvas_card_new (MsDocument *doc, const MsDevice *d);
void          _ms_canvas_card_free (MsCanvasCard *card);
void          _ms_canvas_card_clear_layouts (MsCanvasCard *card);
/* The runtime arguments the device brings (a main's declared ones, a
 * catalog device's flags, with its group prefix): card->args_text. */
void          _ms_canvas_card_update_args (MsCanvasCard *card, const MsDevice *d);
/* A choice's input that the project's target and key values take
 * (card->taken); TRUE if it changed. */
gboolean      _ms_canvas_card_update_choice (MsDocument *doc, MsCanvasCard *card, const MsDevice *d);
/* A choice's condition, short enough for its card: "if Key.is_solo5", "match target". */
char         *_ms_canvas_choice_condition (const MsChoice *c);
/* port -1: the output (right edge); canvas coordinates */
void          _ms_canvas_card_port_pos (const MsCanvasCard *card, int port, double *x, double *y);
/* The card and port (-2: the body, -1: output, >= 0 input) at a canvas point. */
MsCanvasCard *_ms_canvas_hit (MsCanvas *self, double x, double y, int *port);
gboolean      _ms_canvas_get_bounds (MsCanvas *self, graphene_rect_t *out);
double        _ms_canvas_snap (double v);
void          _ms_canvas_card_resolve_types (MsCanvas *self, MsCanvasCard *card);
/* Resolves the types of visible cards in an idle, off the frame's time. */
void          _ms_canvas_schedule_resolve (MsCanvas *self);
void          _ms_canvas_rebuild_edges (MsCanvas *self);
/* Sets w (target 0: none; param may be w's own string); TRUE if it changed. */
gboolean      _ms_canvas_wire_set (MsCanvasWire *w, guint target, const char *param);
void          _ms_canvas_wire_clear (MsCanvasWire *w);
gboolean      _ms_canvas_wire_is (const MsCanvasWire *w, const MsCanvasEdge *e);
/* A wire's curve: a cubic from (sx, sy) to (tx, ty) whose handles run
 * level out of both ports, this far. */
double        _ms_canvas_wire_reach (double sx, double tx);
void          _ms_canvas_edge_ends (const MsCanvasEdge *e, double *sx, double *sy, double *tx, double *ty);
/* The wire nearest to canvas point (x, y) within a few pixels: an index
 * into self->edges (rebuilt first if dirty), or -1. */
int           _ms_canvas_edge_at (MsCanvas *self, double x, double y);
const char   *_ms_canvas_type_family (MsCatalog *cat, const char *type);

/* ms-canvas-draw.c */
void          _ms_canvas_update_colors (MsCanvas *self);
/* Draws the graph seen through view (canvas rect) at zoom into snapshot,
 * whose origin is the view's top-left. overlays: legend, minimap, focus. */
void          _ms_canvas_draw (MsCanvas *self, GtkSnapshot *snapshot,
                               const graphene_rect_t *view, double zoom, gboolean overlays);
/* The same without the overlays, straight onto cr (export): the view's
 * top-left at cr's origin. */
void          _ms_canvas_draw_cairo (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom);
void          _ms_canvas_minimap_rect (MsCanvas *self, graphene_rect_t *out);  /* widget coordinates */
/* The type legend's place (widget coordinates); FALSE when there is none. */
gboolean      _ms_canvas_legend_rect (MsCanvas *self, graphene_rect_t *out);
/* The overlays step aside while a card is under them (the pointer over
 * their corner brings them back): whether each is drawn now. */
gboolean      _ms_canvas_legend_shown (MsCanvas *self);
gboolean      _ms_canvas_minimap_shown (MsCanvas *self);
/* Maps a widget point inside the minimap to a canvas point. */
gboolean      _ms_canvas_minimap_to_canvas (MsCanvas *self, double wx, double wy, double *cx, double *cy);

/* ms-canvas-input.c */
void          _ms_canvas_input_init (MsCanvas *self);
void          _ms_canvas_quick_add_init (MsCanvas *self);

/* ms-canvas-a11y.c */
GtkWidget    *_ms_canvas_a11y_item_new (void);
/* Tells the card's stand-in its name and description (ports and what
 * feeds them, output, branch, problems), if they changed. */
void          _ms_canvas_a11y_update (MsCanvas *self, MsCanvasCard *card);

/* ms-canvas.c */
void          _ms_canvas_emit_toast (MsCanvas *self, const char *message, gboolean offer_undo);
void          _ms_canvas_selection_changed (MsCanvas *self);
void          _ms_canvas_set_selected (MsCanvas *self, MsCanvasCard *card, gboolean selected);
/* Clears the selected cards and the selected wire. */
void          _ms_canvas_clear_selection (MsCanvas *self);
/* Selects the wire feeding target.param alone, or none (target 0). */
void          _ms_canvas_select_wire (MsCanvas *self, guint target, const char *param);
/* Takes the wire feeding target.param away, with a toast offering undo
 * (or saying why not). */
void          _ms_canvas_disconnect (MsCanvas *self, guint target, const char *param);
void          _ms_canvas_set_focus (MsCanvas *self, guint device, int port);
void          _ms_canvas_view_changed (MsCanvas *self);
/* Something drawn changed: draw again (never gtk_widget_queue_draw alone). */
void          _ms_canvas_redraw (MsCanvas *self);
void          _ms_canvas_zoom_around (MsCanvas *self, double zoom, double wx, double wy);
void          _ms_canvas_move_selection_by (MsCanvas *self, double dx, double dy);
MsCanvasCard *_ms_canvas_lookup (MsCanvas *self, guint id);
/* Inside an add's group: a main added to a project without a job becomes
 * its job, in the same undo step (TRUE if it did); the toast says so
 * afterwards, offering undo. */
gboolean      _ms_canvas_adopt_job (MsCanvas *self, guint id, GError **error);
void          _ms_canvas_adopted_toast (MsCanvas *self, guint id);

/* ---- hooks for tests (tests/ui/test-canvas.c and the window tests) ------
 * Every coordinate below is in canvas units unless it says otherwise. */

/* The input of choice device that the target takes ("default", a case),
 * or NULL (not a choice, or nothing matches). */
const char *_ms_canvas_get_choice_branch (MsCanvas *self, guint device);
/* How the wire feeding target.param is drawn: 1 bold (the branch a
 * choice takes), -1 dimmed (a branch it does not take), 0 plain. */
int       _ms_canvas_wire_emphasis (MsCanvas *self, guint target, const char *param);
/* The device whose card contains (x, y), or 0. */
guint     _ms_canvas_device_at (MsCanvas *self, double x, double y);
/* Where a port of device is drawn: port NULL is the output (right edge),
 * otherwise the input parameter of that name (left edge). FALSE if the
 * device or port is unknown. */
gboolean  _ms_canvas_port_position (MsCanvas *self, guint device, const char *port,
                                    double *x, double *y);
/* The card rectangle of device; FALSE if unknown. */
gboolean  _ms_canvas_card_rect (MsCanvas *self, guint device, graphene_rect_t *out);
/* The part of the canvas the widget shows now. */
void      _ms_canvas_visible_area (MsCanvas *self, graphene_rect_t *out);
/* Scrolls so that canvas point (x, y) is at the widget's top-left. */
void      _ms_canvas_set_offset (MsCanvas *self, double x, double y);

/* A primary-button drag exactly as the gesture handlers run it: press at
 * (x, y) with modifiers (GDK_SHIFT_MASK / GDK_CONTROL_MASK toggle), move,
 * release. A press on a card selects and moves it (snapped, one undo step
 * on release), on a port draws a wire (release on a port connects or
 * toasts why not, on empty canvas opens quick-add), on empty canvas
 * draws a rubber band. */
void      _ms_canvas_drag_begin (MsCanvas *self, double x, double y, GdkModifierType mods);
void      _ms_canvas_drag_update (MsCanvas *self, double x, double y);
void      _ms_canvas_drag_end (MsCanvas *self, double x, double y);

/* Starts a wire from a port (NULL: the output) of device; then use
 * _ms_canvas_drag_update/_end. While it lasts, _ms_canvas_port_is_lit
 * says whether a port (NULL: output) lights up as a possible end.
 * (A connected input pressed with _ms_canvas_drag_begin picks up its
 * wire instead: dropped on empty canvas it disconnects, with a toast
 * offering undo; on another input it moves there, in one undo step.) */
gboolean  _ms_canvas_begin_wire (MsCanvas *self, guint device, const char *port);
gboolean  _ms_canvas_port_is_lit (MsCanvas *self, guint device, const char *port);

/* A string dropped at (x, y) as the canvas's drop target takes it: a
 * palette entry ("ms-ctor:NAME") adds that device there, a fragment
 * (ms-fragment.h) pastes its devices there; one undo step either way. */
gboolean  _ms_canvas_drop_string (MsCanvas *self, const char *text, double x, double y);

/* A string dragged over the canvas at (x, y), as the drop target's
 * motion gets it: a palette entry shows the card it would add, where the
 * drop would put it (a ghost, drawn dashed); _ms_canvas_drag_leave takes
 * it away. _ms_canvas_get_ghost: the constructor and the card's place,
 * FALSE when there is no ghost. */
void        _ms_canvas_drag_motion_string (MsCanvas *self, const char *text, double x, double y);
void        _ms_canvas_drag_leave (MsCanvas *self);
gboolean    _ms_canvas_get_ghost (MsCanvas *self, const char **ctor, graphene_rect_t *rect);

/* The hint an empty project's canvas shows (NULL when it has devices). */
const char *_ms_canvas_empty_hint (MsCanvas *self);

/* The quick-add popover opened by a wire dropped on empty canvas: whether
 * it is open, its list (GtkStringList items, constructor names; owned by
 * the canvas), and choosing an entry as a click on it would. */
gboolean    _ms_canvas_quick_add_is_open (MsCanvas *self);
GListModel *_ms_canvas_quick_add_get_model (MsCanvas *self);
guint       _ms_canvas_quick_add_choose (MsCanvas *self, const char *ctor);

/* A key press as the canvas's key controller gets it (arrows, alt+arrows,
 * Tab, shift+Tab, Enter, Escape, space); TRUE if the canvas handled it.
 * Enter on a focused port starts a keyboard wire: Tab / shift+Tab (or the
 * arrows) go through the ports that fit, nearest first, Enter connects,
 * Escape gives up; with nothing that fits, Enter opens quick-add.
 * The shortcuts (Delete, ctrl+c ...) are widget actions: activate those. */
gboolean    _ms_canvas_key_press (MsCanvas *self, guint keyval, GdkModifierType state);

/* Opens the context menu at canvas point (x, y), as a right click there
 * would (selecting the card under it first); FALSE if it did not open. */
gboolean    _ms_canvas_popup_menu (MsCanvas *self, double x, double y);

/* The accessible stand-in of device's card (a GtkWidget child), or NULL,
 * and the description it was given last. */
GtkWidget  *_ms_canvas_get_accessible_child (MsCanvas *self, guint device);
const char *_ms_canvas_get_accessible_description (MsCanvas *self, guint device);
/* The branch the last evaluation chose for a key-dependent device, or
 * NULL; _ms_canvas_flush_eval runs a pending evaluation now. */
const char *_ms_canvas_get_variant (MsCanvas *self, guint device);
void        _ms_canvas_flush_eval (MsCanvas *self);
/* The wire at (x, y), as the input it feeds: FALSE if there is none. */
gboolean    _ms_canvas_wire_at (MsCanvas *self, double x, double y, guint *target, const char **param);

/* The wire the pointer is over (lit, with a pointer cursor): FALSE if none. */
gboolean    _ms_canvas_get_hover_wire (MsCanvas *self, guint *target, const char **param);
/* A pointer move to widget point (wx, wy) as the motion controller gets it. */
void        _ms_canvas_pointer_motion (MsCanvas *self, double wx, double wy);

/* The tooltip at canvas point (x, y): a wire, a port, the problem badge,
 * the branch pill (what the device becomes, and why); NULL for none. */
char       *_ms_canvas_tooltip_text (MsCanvas *self, double x, double y);

/* The worst diagnostic severity of a device's card, -1 for none. */
int         _ms_canvas_get_severity (MsCanvas *self, guint device);

G_END_DECLS
