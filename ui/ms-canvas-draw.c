/* ms-canvas-draw.c: how the canvas looks: background grid, wires (all in
 * one cairo node), cards with their ports, badges and branch pills, the
 * live wire and rubber band, and the overlays (legend, minimap, focus).
 * Cards outside the view are skipped and text is left out when zoomed
 * far out, so a thousand devices stay cheap to draw. */
#include "ms-canvas-private.h"

#include <string.h>

#include <glib/gi18n.h>

/* ---- colours --------------------------------------------------------------------- */

typedef struct {
  const char *family;
  guint32 light, dark;
} FamilyColor;

/* GNOME palette: the families one meets most get fixed, distinct colours */
static const FamilyColor family_colors[] = {
  { "network",   0x1c71d8, 0x62a0ea },
  { "ethernet",  0x1a5fb4, 0x99c1f1 },
  { "stackv4v6", 0x813d9c, 0xc061cb },
  { "tcp",       0x1f8a70, 0x5fd7b0 },
  { "udp",       0x2190a4, 0x7dd3e0 },
  { "ip",        0x26a269, 0x57e389 },
  { "kv_ro",     0xc64600, 0xffa348 },
  { "kv_rw",     0xa51d2d, 0xf66151 },
  { "block",     0x865e3c, 0xcdab8f },
  { "http",      0x9c6e03, 0xf6d32d },
  { "time",      0x5e5c64, 0xc0bfbc },
};

static const guint32 hashed_light[] = { 0x3584e4, 0x2ec27e, 0xe66100, 0x9141ac, 0x986a44, 0x0b8a9c, 0xc061cb, 0x6f8396 };
static const guint32 hashed_dark[]  = { 0x99c1f1, 0x8ff0a4, 0xffbe6f, 0xdc8add, 0xcdab8f, 0x93ddea, 0xf5a8f2, 0xb5c4d2 };

static void
rgba_from_hex (guint32 v, GdkRGBA *c)
{
  c->red = ((v >> 16) & 0xff) / 255.0f;
  c->green = ((v >> 8) & 0xff) / 255.0f;
  c->blue = (v & 0xff) / 255.0f;
  c->alpha = 1.0f;
}

void
ms_canvas_get_type_color (const char *family, gboolean dark, GdkRGBA *color)
{
  g_return_if_fail (color != NULL);
  if (family == NULL)
    {
      rgba_from_hex (dark ? 0x9a9996 : 0x77767b, color);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (family_colors); i++)
    if (g_str_equal (family, family_colors[i].family))
      {
        rgba_from_hex (dark ? family_colors[i].dark : family_colors[i].light, color);
        return;
      }
  {
    guint h = g_str_hash (family) % G_N_ELEMENTS (hashed_light);
    rgba_from_hex (dark ? hashed_dark[h] : hashed_light[h], color);
  }
}

typedef enum { SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_DIAMOND } PortShape;

/* Shape as well as colour, so types can be told apart without colour vision. */
static PortShape
family_shape (const char *family)
{
  if (family == NULL)
    return SHAPE_CIRCLE;
  if (g_str_equal (family, "network") || g_str_equal (family, "ethernet") || g_str_equal (family, "stackv4v6"))
    return SHAPE_CIRCLE;
  if (g_str_equal (family, "kv_ro") || g_str_equal (family, "kv_rw") || g_str_equal (family, "block"))
    return SHAPE_SQUARE;
  if (g_str_equal (family, "tcp") || g_str_equal (family, "udp") || g_str_equal (family, "ip"))
    return SHAPE_DIAMOND;
  return (PortShape) (g_str_hash (family) % 3);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
lookup (GtkStyleContext *ctx, const char *name, GdkRGBA *out, guint32 light, guint32 dark, gboolean is_dark)
{
  if (!gtk_style_context_lookup_color (ctx, name, out))
    rgba_from_hex (is_dark ? dark : light, out);
}

void
_ms_canvas_update_colors (MsCanvas *self)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (GTK_WIDGET (self));
  MsCanvasColors *c = &self->colors;
  GdkRGBA fg;

  gtk_style_context_get_color (ctx, &fg);
  /* light text means a dark style, whatever set it */
  c->dark = (0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue) > 0.5;
  c->fg = fg;
  c->fg.alpha = 1.0f;
  lookup (ctx, "view_bg_color", &c->bg, 0xfafafa, 0x242424, c->dark);
  lookup (ctx, "card_bg_color", &c->card, 0xffffff, 0x383838, c->dark);
  if (c->card.alpha < 1.0f)
    {
      /* libadwaita's card colour is translucent: flatten it over the view */
      GdkRGBA k = c->card;
      c->card.red = c->bg.red * (1 - k.alpha) + k.red * k.alpha;
      c->card.green = c->bg.green * (1 - k.alpha) + k.green * k.alpha;
      c->card.blue = c->bg.blue * (1 - k.alpha) + k.blue * k.alpha;
      c->card.alpha = 1.0f;
    }
  lookup (ctx, "accent_bg_color", &c->accent, 0x3584e4, 0x3584e4, c->dark);
  lookup (ctx, "accent_fg_color", &c->accent_fg, 0xffffff, 0xffffff, c->dark);
  lookup (ctx, "error_color", &c->error, 0xc01c28, 0xff7b63, c->dark);
  lookup (ctx, "warning_color", &c->warning, 0x9c6e03, 0xf8e45c, c->dark);
  lookup (ctx, "success_color", &c->success, 0x1b8553, 0x8ff0a4, c->dark);
  c->dim = c->fg;
  c->dim.alpha = 0.55f;
  c->grid = c->fg;
  c->grid.alpha = 0.12f;
  c->card_border = c->fg;
  c->card_border.alpha = c->dark ? 0.22f : 0.15f;
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* ---- text --------------------------------------------------------------------- */

static PangoLayout *
make_layout (MsCanvas *self, const char *text, gboolean bold, double scale, double width,
             PangoAlignment align)
{
  PangoLayout *l = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_layout_set_attributes (l, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (l, text, -1);
  pango_layout_set_width (l, width < 0 ? -1 : (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (l, align);
  return l;
}

/* A card's name or constructor: a long one (generic_stackv4v6…) is set a
 * little smaller until it fits, and only then ellipsized. */
static PangoLayout *
make_fitting_layout (MsCanvas *self, const char *text, gboolean bold, double scale, double width)
{
  PangoLayout *l = make_layout (self, text, bold, scale, -1, PANGO_ALIGN_LEFT);
  int tw, th;

  pango_layout_get_pixel_size (l, &tw, &th);
  if (tw > width && tw > 0)
    {
      g_object_unref (l);
      l = make_layout (self, text, bold, scale * MAX (0.8, width / tw), width, PANGO_ALIGN_LEFT);
    }
  else
    pango_layout_set_width (l, (int) (width * PANGO_SCALE));
  return l;
}

static void
show_layout (cairo_t *cr, PangoLayout *l, double x, double y, const GdkRGBA *color)
{
  cairo_move_to (cr, x, y);
  gdk_cairo_set_source_rgba (cr, color);
  pango_cairo_show_layout (cr, l);
}

/* vertical centre of a one-line layout at cy */
static void
show_layout_centered (cairo_t *cr, PangoLayout *l, double x, double cy, const GdkRGBA *color)
{
  int w, h;

  pango_layout_get_pixel_size (l, &w, &h);
  show_layout (cr, l, x, cy - h / 2.0, color);
}

/* ---- shapes ------------------------------------------------------------------- */

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
port_path (cairo_t *cr, PortShape shape, double x, double y, double r)
{
  cairo_new_sub_path (cr);
  switch (shape)
    {
    case SHAPE_SQUARE:
      cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case SHAPE_DIAMOND:
      cairo_move_to (cr, x, y - r * 1.25);
      cairo_line_to (cr, x + r * 1.25, y);
      cairo_line_to (cr, x, y + r * 1.25);
      cairo_line_to (cr, x - r * 1.25, y);
      cairo_close_path (cr);
      break;
    case SHAPE_CIRCLE:
    default:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    }
}

static void
draw_port (MsCanvas *self, cairo_t *cr, const char *family, gboolean optional, gboolean error,
           gboolean lit, gboolean dimmed, double x, double y)
{
  const MsCanvasColors *c = &self->colors;
  GdkRGBA col;
  double r = MS_CANVAS_PORT_RADIUS * (lit ? 1.4 : 1.0);

  if (error)
    col = c->error;
  else
    ms_canvas_get_type_color (family, c->dark, &col);
  if (dimmed)
    col.alpha *= 0.3f;
  port_path (cr, family_shape (family), x, y, r);
  if (optional)
    {
      /* hollow: optional parameters may stay unconnected */
      gdk_cairo_set_source_rgba (cr, &c->card);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_stroke (cr);
    }
  else
    {
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.0);
      gdk_cairo_set_source_rgba (cr, &c->card);
      cairo_stroke (cr);
    }
  if (lit)
    {
      GdkRGBA halo = c->accent;
      halo.alpha = 0.35f;
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r + 4, 0, 2 * G_PI);
      cairo_set_line_width (cr, 3.0);
      gdk_cairo_set_source_rgba (cr, &halo);
      cairo_stroke (cr);
    }
}

/* ---- wires -------------------------------------------------------------------- */

typedef struct { double x, y; } Point;

static void
bbox (const Point p[4], double *x0, double *y0, double *x1, double *y1)
{
  *x0 = MIN (MIN (p[0].x, p[1].x), MIN (p[2].x, p[3].x));
  *x1 = MAX (MAX (p[0].x, p[1].x), MAX (p[2].x, p[3].x));
  *y0 = MIN (MIN (p[0].y, p[1].y), MIN (p[2].y, p[3].y));
  *y1 = MAX (MAX (p[0].y, p[1].y), MAX (p[2].y, p[3].y));
}

/* The parts of a cubic that can show in v: a curve stays inside the box
 * of its control points, so halves whose box misses v are left out. A
 * wire across a big graph is mostly off screen, and cairo would flatten
 * and stroke all of it. */
static void
curve_pieces (cairo_t *cr, const Point p[4], const graphene_rect_t *v, int depth, gboolean *joined)
{
  double x0, y0, x1, y1;
  Point l[4], r[4];

  bbox (p, &x0, &y0, &x1, &y1);
  if (x1 < v->origin.x || x0 > v->origin.x + v->size.width
      || y1 < v->origin.y || y0 > v->origin.y + v->size.height)
    {
      *joined = FALSE;
      return;
    }
  if (depth == 0 || (x0 >= v->origin.x && x1 <= v->origin.x + v->size.width
                     && y0 >= v->origin.y && y1 <= v->origin.y + v->size.height))
    {
      if (!*joined)
        cairo_move_to (cr, p[0].x, p[0].y);
      cairo_curve_to (cr, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y);
      *joined = TRUE;
      return;
    }
  /* de Casteljau at one half: exact, so the pieces draw the same curve */
  l[0] = p[0];
  l[1] = (Point) { (p[0].x + p[1].x) / 2, (p[0].y + p[1].y) / 2 };
  r[2] = (Point) { (p[2].x + p[3].x) / 2, (p[2].y + p[3].y) / 2 };
  {
    Point m = { (p[1].x + p[2].x) / 2, (p[1].y + p[2].y) / 2 };
    l[2] = (Point) { (l[1].x + m.x) / 2, (l[1].y + m.y) / 2 };
    r[1] = (Point) { (m.x + r[2].x) / 2, (m.y + r[2].y) / 2 };
  }
  l[3] = r[0] = (Point) { (l[2].x + r[1].x) / 2, (l[2].y + r[1].y) / 2 };
  r[3] = p[3];
  curve_pieces (cr, l, v, depth - 1, joined);
  curve_pieces (cr, r, v, depth - 1, joined);
}

/* A wire's curve, only as much of it as can show in clip (canvas units,
 * already grown by the stroke's reach). */
static void
wire_path (cairo_t *cr, const graphene_rect_t *clip, double sx, double sy, double tx, double ty)
{
  double dx = _ms_canvas_wire_reach (sx, tx);
  Point p[4] = { { sx, sy }, { sx + dx, sy }, { tx - dx, ty }, { tx, ty } };
  gboolean joined = FALSE;

  curve_pieces (cr, p, clip, 10, &joined);
}

static gboolean
wire_visible (const graphene_rect_t *v, double sx, double sy, double tx, double ty)
{
  double dx = _ms_canvas_wire_reach (sx, tx);
  double x0 = MIN (sx, tx - dx), x1 = MAX (sx + dx, tx);
  double y0 = MIN (sy, ty), y1 = MAX (sy, ty);

  return !(x1 < v->origin.x || x0 > v->origin.x + v->size.width
           || y1 < v->origin.y || y0 > v->origin.y + v->size.height);
}

static gboolean
in_wire_drag (MsCanvas *self)
{
  return self->drag == MS_CANVAS_DRAG_WIRE;
}

/* With the keyboard on a port, its wires stand out: they are what Delete
 * (an input's) would take away, or what the output feeds. */
static gboolean
edge_is_focused (MsCanvas *self, const MsCanvasEdge *e)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, self->focus_device);

  if (c == NULL || self->focus_port < 0)
    return FALSE;
  if ((guint) self->focus_port >= c->n_ports)
    return e->src == c;
  return e->dst == c && e->port == (guint) self->focus_port;
}

static void
draw_edges (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom, gboolean focus)
{
  const MsCanvasColors *c = &self->colors;
  gboolean dim_all = in_wire_drag (self);
  g_autofree guint8 *kind = NULL;   /* 0: hidden, 1: plain, 2: hot, 3: error, 4: selected, 5: dimmed */
  double width = MAX (2.0, 1.0 / zoom);
  cairo_antialias_t aa = cairo_get_antialias (cr);
  /* the view, grown by the widest stroke (a selected wire's halo) and its cap */
  double reach = MAX (12.0, 6.0 / zoom);
  graphene_rect_t clip = GRAPHENE_RECT_INIT (view->origin.x - reach, view->origin.y - reach,
                                             view->size.width + 2 * reach, view->size.height + 2 * reach);

  if (self->edges_dirty)
    _ms_canvas_rebuild_edges (self);
  if (self->edges->len == 0)
    goto live;
  kind = g_malloc (self->edges->len);
  for (guint i = 0; i < self->edges->len; i++)
    {
      const MsCanvasEdge *e = &g_array_index (self->edges, MsCanvasEdge, i);
      double sx, sy, tx, ty;

      _ms_canvas_edge_ends (e, &sx, &sy, &tx, &ty);
      /* a wire picked up is drawn as the live one, not also in place */
      if (dim_all && self->detach_target == e->dst->id && (int) e->port == self->detach_port)
        {
          kind[i] = 0;
          continue;
        }
      kind[i] = !wire_visible (view, sx, sy, tx, ty) ? 0
                : _ms_canvas_wire_is (&self->wire_sel, e) ? 4
                : e->error ? 3
                : (e->src->selected || e->dst->selected || (focus && edge_is_focused (self, e))
                   || _ms_canvas_wire_is (&self->wire_hover, e)) ? 2 : 1;
      /* into a choice: the branch the target takes bold, the others dimmed */
      if (e->dst->choice && (kind[i] == 1 || kind[i] == 2))
        kind[i] = e->port != G_MAXUINT && (int) e->port == e->dst->taken ? 2 : 5;
    }
  cairo_set_line_cap (cr, zoom < 0.15 ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  /* the plain wires are most of the frame: at two pixels wide the cheaper
   * rasteriser and joins cannot be told apart (side by side at 200 %), and
   * they take a fifth off a frame of a big graph */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);

  /* plain wires: one stroke per type family, so a thousand wires are a
   * handful of cairo operations */
  for (guint f = 0; f <= self->families->len; f++)
    {
      const char *fam = f < self->families->len ? self->families->pdata[f] : NULL;
      gboolean any = FALSE;
      GdkRGBA col;

      for (guint i = 0; i < self->edges->len; i++)
        {
          const MsCanvasEdge *e = &g_array_index (self->edges, MsCanvasEdge, i);
          double sx, sy, tx, ty;
          if (kind[i] != 1 || e->src->out_family != fam)
            continue;
          _ms_canvas_edge_ends (e, &sx, &sy, &tx, &ty);
          if (zoom < 0.15)
            {
              /* a few pixels long: a curve would not show, and costs ten segments */
              cairo_move_to (cr, sx, sy);
              cairo_line_to (cr, tx, ty);
            }
          else
            wire_path (cr, &clip, sx, sy, tx, ty);
          any = TRUE;
        }
      if (!any)
        continue;
      ms_canvas_get_type_color (fam, c->dark, &col);
      col.alpha = dim_all ? 0.25f : 0.75f;
      cairo_set_line_width (cr, width);
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_stroke (cr);
    }
  /* branches a choice does not take: thin, faint and dashed */
  for (guint i = 0; i < self->edges->len; i++)
    {
      const MsCanvasEdge *e = &g_array_index (self->edges, MsCanvasEdge, i);
      double sx, sy, tx, ty, dash[] = { 4.0, 4.0 };
      GdkRGBA col;

      if (kind[i] != 5)
        continue;
      _ms_canvas_edge_ends (e, &sx, &sy, &tx, &ty);
      wire_path (cr, &clip, sx, sy, tx, ty);
      ms_canvas_get_type_color (e->src->out_family, c->dark, &col);
      col.alpha = 0.3f;
      cairo_set_line_width (cr, MAX (1.5, 0.75 / zoom));
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  cairo_set_antialias (cr, aa);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  /* the selected wire last, over the rest */
  for (guint n = 0; n < 2 * self->edges->len; n++)
    {
      guint i = n % self->edges->len;
      const MsCanvasEdge *e = &g_array_index (self->edges, MsCanvasEdge, i);
      double sx, sy, tx, ty;
      GdkRGBA col;

      if (kind[i] < 2 || kind[i] == 5 || (kind[i] == 4) != (n >= self->edges->len))
        continue;
      _ms_canvas_edge_ends (e, &sx, &sy, &tx, &ty);
      if (kind[i] == 4)
        {
          /* the selected wire: a halo in the accent colour under it */
          col = c->accent;
          col.alpha = 0.45f;
          wire_path (cr, &clip, sx, sy, tx, ty);
          cairo_set_line_width (cr, MAX (9.0, 4.0 / zoom));
          gdk_cairo_set_source_rgba (cr, &col);
          cairo_stroke (cr);
        }
      if (kind[i] == 3 || (kind[i] == 4 && e->error))
        col = c->error;
      else
        ms_canvas_get_type_color (e->src->out_family, c->dark, &col);
      col.alpha = dim_all ? 0.25f : 1.0f;
      wire_path (cr, &clip, sx, sy, tx, ty);
      cairo_set_line_width (cr, MAX (3.0, 1.5 / zoom));
      gdk_cairo_set_source_rgba (cr, &col);
      if (kind[i] == 3 || (kind[i] == 4 && e->error))
        {
          double dash[] = { 6.0, 4.0 };
          cairo_set_dash (cr, dash, 2, 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      else
        cairo_stroke (cr);
    }

live:
  if (in_wire_drag (self))
    {
      MsCanvasCard *from = _ms_canvas_lookup (self, self->wire_device);
      if (from != NULL)
        {
          double px, py;
          int hit_port;
          MsCanvasCard *hit = _ms_canvas_hit (self, self->drag_x, self->drag_y, &hit_port);
          gboolean bad = FALSE;

          if (hit != NULL && hit != from)
            bad = self->wire_port < 0 ? (hit_port >= 0 && !hit->ports[hit_port].compatible)
                                      : (hit_port == -1 && !hit->out_compatible);
          _ms_canvas_card_port_pos (from, self->wire_port, &px, &py);
          if (self->wire_port < 0)
            wire_path (cr, &clip, px, py, self->drag_x, self->drag_y);
          else
            wire_path (cr, &clip, self->drag_x, self->drag_y, px, py);
          cairo_set_line_width (cr, MAX (2.5, 1.0 / zoom));
          gdk_cairo_set_source_rgba (cr, bad ? &c->error : &c->accent);
          cairo_stroke (cr);
        }
    }
}

/* ---- cards -------------------------------------------------------------------- */

static void
ensure_layouts (MsCanvas *self, MsCanvasCard *card, gboolean ports)
{
  double inner = card->w - 24;

  if (!card->types_resolved)
    _ms_canvas_schedule_resolve (self);
  if (card->name_layout == NULL)
    card->name_layout = make_fitting_layout (self, card->name, TRUE, 1.0, inner - (card->severity >= 0 ? 18 : 0));
  if (card->out_layout == NULL && card->out_type != NULL)
    card->out_layout = make_layout (self, card->out_type, FALSE, 0.85, inner * 0.42, PANGO_ALIGN_LEFT);
  if (card->ctor_layout == NULL)
    {
      /* the constructor takes what the output type leaves of the line */
      int ow = 0, oh;
      if (card->out_layout != NULL)
        pango_layout_get_pixel_size (card->out_layout, &ow, &oh);
      /* a choice shows its condition instead */
      card->ctor_layout = make_fitting_layout (self, card->choice ? card->condition : card->ctor, FALSE, 0.85,
                                               MAX (inner * 0.45, inner - ow - 10));
    }
  for (guint i = 0; ports && i < card->n_ports; i++)
    if (card->ports[i].layout == NULL)
      {
        g_autofree char *name = g_markup_escape_text (card->ports[i].name, -1);
        g_autofree char *type = g_markup_escape_text (card->ports[i].type ? card->ports[i].type : "?", -1);
        /* a choice's branch the target takes: bold and marked; the others faint */
        g_autofree char *markup = !card->choice ? g_strdup_printf ("%s  <span alpha=\"60%%\">%s</span>", name, type)
                                  : (int) i == card->taken ? g_strdup_printf ("<b>▸ %s</b>  <span alpha=\"60%%\">%s</span>", name, type)
                                  : g_strdup_printf ("<span alpha=\"55%%\">%s  %s</span>", name, type);
        PangoLayout *l = make_layout (self, "", FALSE, 0.85, inner, PANGO_ALIGN_LEFT);
        pango_layout_set_markup (l, markup, -1);
        card->ports[i].layout = l;
      }
  if (card->args_text != NULL && card->args_layout == NULL)
    card->args_layout = make_layout (self, card->args_text, FALSE, 0.78, inner, PANGO_ALIGN_LEFT);
  if (card->key_dependent && card->pill_layout == NULL)
    {
      /* TRANSLATORS: the implementation a key-dependent device becomes, e.g. "→ socket";
       * with none chosen yet, the device is used by no job */
      g_autofree char *text = card->variant ? g_strdup_printf (_("→ %s"), card->variant)
                                            : g_strdup (_("→ chosen once used"));
      card->pill_layout = make_layout (self, text, FALSE, 0.8, inner - 12, PANGO_ALIGN_LEFT);
    }
}

static void
draw_badge (MsCanvas *self, cairo_t *cr, double x, double y, int severity)
{
  const MsCanvasColors *c = &self->colors;
  const GdkRGBA *col = severity == MS_SEVERITY_ERROR ? &c->error
                       : severity == MS_SEVERITY_WARNING ? &c->warning : &c->accent;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, 7, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, col);
  cairo_fill (cr);
  /* an exclamation mark, drawn so it needs no font; dark on the light
   * yellow of a warning (dark style), as libadwaita's warning_fg_color */
  if (severity == MS_SEVERITY_WARNING && c->dark)
    cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x, y - 3.5);
  cairo_line_to (cr, x, y + 0.5);
  cairo_stroke (cr);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y + 3.5, 1.1, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_card (MsCanvas *self, cairo_t *cr, MsCanvasCard *card, double zoom)
{
  const MsCanvasColors *c = &self->colors;
  gboolean text = zoom >= MS_CANVAS_TEXT_ZOOM;
  gboolean wiring = in_wire_drag (self);
  gboolean is_source = wiring && card->id == self->wire_device;
  gboolean any_lit = FALSE;
  double x = card->x, y = card->y, w = card->w, h = card->h;

  if (wiring && !is_source)
    {
      if (self->wire_port < 0)
        for (guint i = 0; i < card->n_ports; i++)
          any_lit |= card->ports[i].compatible;
      else
        any_lit = card->out_compatible;
    }

  if (zoom < 0.15)
    {
      /* far out: a plain block, the overview */
      cairo_rectangle (cr, x, y, w, h);
      gdk_cairo_set_source_rgba (cr, card->selected ? &c->accent : &c->card_border);
      cairo_fill (cr);
      if (card->severity == MS_SEVERITY_ERROR)
        {
          cairo_rectangle (cr, x, y, w, 12 / zoom > h ? h : 12 / zoom);
          gdk_cairo_set_source_rgba (cr, &c->error);
          cairo_fill (cr);
        }
      return;
    }

  rounded_rect (cr, x, y, w, h, 10);
  gdk_cairo_set_source_rgba (cr, &c->card);
  cairo_fill_preserve (cr);
  if (card->selected)
    {
      cairo_set_line_width (cr, MAX (2.0, 1.5 / zoom));
      gdk_cairo_set_source_rgba (cr, &c->accent);
    }
  else if (card->severity == MS_SEVERITY_ERROR)
    {
      cairo_set_line_width (cr, MAX (1.5, 1.0 / zoom));
      gdk_cairo_set_source_rgba (cr, &c->error);
    }
  else
    {
      cairo_set_line_width (cr, MAX (1.0, 1.0 / zoom));
      gdk_cairo_set_source_rgba (cr, &c->card_border);
    }
  cairo_stroke (cr);

  /* header rule, over the ports (a card without any is all header) */
  if (h > MS_CANVAS_HEADER)
    {
  cairo_move_to (cr, x + 1, y + MS_CANVAS_HEADER - 4);
  cairo_line_to (cr, x + w - 1, y + MS_CANVAS_HEADER - 4);
  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &c->grid);
  cairo_stroke (cr);
    }

  if (text)
    {
      ensure_layouts (self, card, zoom >= MS_CANVAS_PORT_TEXT_ZOOM);
      show_layout (cr, card->name_layout, x + 12, y + 6, &c->fg);
      show_layout (cr, card->ctor_layout, x + 12, y + 25, &c->dim);
      if (card->out_layout != NULL)
        {
          GdkRGBA oc;
          int ow, oh;
          ms_canvas_get_type_color (card->out_family, c->dark, &oc);
          pango_layout_get_pixel_size (card->out_layout, &ow, &oh);
          show_layout (cr, card->out_layout, x + w - 14 - ow, y + 25, &oc);
        }
      for (guint i = 0; zoom >= MS_CANVAS_PORT_TEXT_ZOOM && i < card->n_ports; i++)
        show_layout_centered (cr, card->ports[i].layout, x + 14, y + card->ports[i].y,
                              card->ports[i].error ? &c->error : &c->fg);
      if (card->args_layout != NULL && zoom >= MS_CANVAS_PORT_TEXT_ZOOM)
        show_layout_centered (cr, card->args_layout, x + 12, y + card->args_y, &c->dim);
      if (card->key_dependent && card->pill_layout != NULL)
        {
          int pw, ph;
          double py = y + card->h - MS_CANVAS_PILL_ROW - 2;
          GdkRGBA pill = c->accent;

          pango_layout_get_pixel_size (card->pill_layout, &pw, &ph);
          pill.alpha = 0.15f;
          rounded_rect (cr, x + 10, py, pw + 16, ph + 4, (ph + 4) / 2.0);
          gdk_cairo_set_source_rgba (cr, &pill);
          cairo_fill (cr);
          show_layout (cr, card->pill_layout, x + 18, py + 2, c->dark ? &c->fg : &c->accent);
        }
    }

  if (zoom >= 0.2)
    {
      for (guint i = 0; i < card->n_ports; i++)
        {
          gboolean lit = wiring && self->wire_port < 0 && card->ports[i].compatible;
          draw_port (self, cr, card->ports[i].family, card->ports[i].optional, card->ports[i].error,
                     lit, wiring && !lit && !is_source, x, y + card->ports[i].y);
        }
      if (card->out_type != NULL)
        {
          gboolean lit = wiring && self->wire_port >= 0 && card->out_compatible;
          draw_port (self, cr, card->out_family, FALSE, FALSE, lit,
                     wiring && !lit && !is_source, x + w, y + MS_CANVAS_HEADER / 2);
        }
    }

  if (card->severity >= 0 && card->severity <= MS_SEVERITY_WARNING)
    draw_badge (self, cr, x + w - 14, y + 14, card->severity);

  if (wiring && !is_source && !any_lit)
    {
      /* not a possible end of the wire: fade it into the background */
      GdkRGBA veil = c->bg;
      veil.alpha = 0.55f;
      rounded_rect (cr, x - 1, y - 1, w + 2, h + 2, 10);
      gdk_cairo_set_source_rgba (cr, &veil);
      cairo_fill (cr);
    }
}

static gboolean
card_visible (const MsCanvasCard *card, const graphene_rect_t *v)
{
  double m = 16;   /* ports and halos stick out */

  return !(card->x + card->w + m < v->origin.x || card->x - m > v->origin.x + v->size.width
           || card->y + card->h + m < v->origin.y || card->y - m > v->origin.y + v->size.height);
}

/* Zoomed out, cards are many and small: fill them all at once, ports
 * grouped by family, and only the special ones one by one. */
static void
draw_cards_batched (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom)
{
  const MsCanvasColors *c = &self->colors;
  gboolean far = zoom < 0.15;

  gboolean square = zoom < 0.3;   /* corners of a few pixels do not show */
  double px = 1.0 / zoom;          /* one device pixel */

  /* borders as a slightly larger fill under the card: fills are cheaper
   * than strokes, and by far cheaper than a thousand rounded strokes */
  for (int pass = far ? 1 : 0; pass < 2; pass++)
    {
      double grow = pass == 0 ? px : 0;
      for (guint i = 0; i < self->cards->len; i++)
        {
          MsCanvasCard *k = self->cards->pdata[i];
          if (k->selected || k->severity == MS_SEVERITY_ERROR || !card_visible (k, view))
            continue;
          if (far || square)
            cairo_rectangle (cr, k->x - grow, k->y - grow, k->w + 2 * grow, k->h + 2 * grow);
          else
            rounded_rect (cr, k->x - grow, k->y - grow, k->w + 2 * grow, k->h + 2 * grow, 10 + grow);
        }
      gdk_cairo_set_source_rgba (cr, pass == 0 || far ? &c->card_border : &c->card);
      if (pass == 0 && !far)
        {
          /* the border colour is translucent: make it opaque over the background */
          GdkRGBA b = c->card_border, o;
          o.red = c->bg.red * (1 - b.alpha) + b.red * b.alpha;
          o.green = c->bg.green * (1 - b.alpha) + b.green * b.alpha;
          o.blue = c->bg.blue * (1 - b.alpha) + b.blue * b.alpha;
          o.alpha = 1;
          gdk_cairo_set_source_rgba (cr, &o);
        }
      cairo_fill (cr);
    }

  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *k = self->cards->pdata[i];
      if ((k->selected || k->severity == MS_SEVERITY_ERROR) && card_visible (k, view))
        {
          if (far)
            cairo_rectangle (cr, k->x, k->y, k->w, k->h);
          else
            rounded_rect (cr, k->x, k->y, k->w, k->h, 10);
          gdk_cairo_set_source_rgba (cr, k->selected ? &c->accent : &c->error);
          if (far)
            cairo_fill (cr);
          else
            {
              GdkRGBA tint = k->selected ? c->accent : c->error;
              tint.alpha = 0.18f;
              cairo_set_line_width (cr, 2.0 / zoom);
              cairo_stroke_preserve (cr);
              gdk_cairo_set_source_rgba (cr, &c->card);
              cairo_fill_preserve (cr);
              gdk_cairo_set_source_rgba (cr, &tint);
              cairo_fill (cr);
            }
        }
    }
  if (zoom < 0.2)
    return;

  {
    /* Names stay readable in the overview: drawn at a fixed screen size,
     * as long as there are not so many that they would cost the frame. */
    guint n_visible = 0;
    for (guint i = 0; i < self->cards->len && n_visible <= 150; i++)
      n_visible += card_visible (self->cards->pdata[i], view);
    if (n_visible <= 150)
      for (guint i = 0; i < self->cards->len; i++)
        {
          MsCanvasCard *k = self->cards->pdata[i];
          if (!card_visible (k, view))
            continue;
          /* made again only when the zoom moved by a sixth: in between the
           * text grows and shrinks with the card, as it should */
          if (k->ov_layout == NULL || ms_fabs (k->ov_zoom - zoom) > zoom * 0.16)
            {
              g_clear_object (&k->ov_layout);
              k->ov_layout = make_layout (self, k->name, TRUE, 0.85, (k->w - 16) * zoom, PANGO_ALIGN_LEFT);
              k->ov_zoom = zoom;
            }
          cairo_save (cr);
          cairo_translate (cr, k->x + 8, k->y + 6);
          cairo_scale (cr, 1 / k->ov_zoom, 1 / k->ov_zoom);
          show_layout (cr, k->ov_layout, 0, 0, &c->fg);
          cairo_restore (cr);
        }
  }

  for (guint f = 0; f <= self->families->len; f++)
    {
      const char *fam = f < self->families->len ? self->families->pdata[f] : NULL;
      PortShape shape = family_shape (fam);
      GdkRGBA col;
      gboolean any = FALSE;


      /* a couple of pixels wide: squares look the same and fill much faster */
      if (zoom < 0.3)
        shape = SHAPE_SQUARE;
      for (guint i = 0; i < self->cards->len; i++)
        {
          MsCanvasCard *k = self->cards->pdata[i];
          if (!card_visible (k, view))
            continue;
          for (guint p = 0; p < k->n_ports; p++)
            if (k->ports[p].family == fam)
              {
                port_path (cr, shape, k->x, k->y + k->ports[p].y, MS_CANVAS_PORT_RADIUS);
                any = TRUE;
              }
          if (k->out_type != NULL && k->out_family == fam)
            {
              port_path (cr, shape, k->x + k->w, k->y + MS_CANVAS_HEADER / 2, MS_CANVAS_PORT_RADIUS);
              any = TRUE;
            }
        }
      if (!any)
        continue;
      ms_canvas_get_type_color (fam, c->dark, &col);
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_fill (cr);
    }
}

/* ---- overlays ----------------------------------------------------------------- */

void
_ms_canvas_minimap_rect (MsCanvas *self, graphene_rect_t *out)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  graphene_rect_init (out, w - MS_CANVAS_MINIMAP_W - 12, h - MS_CANVAS_MINIMAP_H - 12,
                      MS_CANVAS_MINIMAP_W, MS_CANVAS_MINIMAP_H);
}

/* Whether a card lies under the widget rectangle r: an overlay there
 * would hide it. */
static gboolean
covers_a_card (MsCanvas *self, const graphene_rect_t *r)
{
  graphene_rect_t in_canvas = GRAPHENE_RECT_INIT (self->off_x + r->origin.x / self->zoom,
                                                  self->off_y + r->origin.y / self->zoom,
                                                  r->size.width / self->zoom, r->size.height / self->zoom);

  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *k = self->cards->pdata[i];
      if (graphene_rect_intersection (&in_canvas, &GRAPHENE_RECT_INIT (k->x, k->y, k->w, k->h), NULL))
        return TRUE;
    }
  return FALSE;
}

/* An overlay steps aside while a card is under it, and comes back while
 * the pointer is over its corner (or a drag on it lasts). */
static gboolean
overlay_shown (MsCanvas *self, const graphene_rect_t *r)
{
  if (graphene_rect_contains_point (r, &GRAPHENE_POINT_INIT (self->pointer_x, self->pointer_y))
      && self->pointer_inside)
    return TRUE;
  return !covers_a_card (self, r);
}

/* The canvas area the minimap shows, and its scale. */
static gboolean
minimap_world (MsCanvas *self, graphene_rect_t *world, double *scale)
{
  graphene_rect_t b, vis, mm;

  if (!self->show_minimap || !_ms_canvas_get_bounds (self, &b))
    return FALSE;
  _ms_canvas_visible_area (self, &vis);
  /* an overview of what is in view already would only cover it */
  if (graphene_rect_contains_rect (&vis, &b))
    return FALSE;
  _ms_canvas_minimap_rect (self, &mm);
  if (self->drag != MS_CANVAS_DRAG_MINIMAP && !overlay_shown (self, &mm))
    return FALSE;
  graphene_rect_union (&b, &vis, world);
  graphene_rect_inset (world, -32, -32);
  *scale = MIN ((mm.size.width - 8) / world->size.width, (mm.size.height - 8) / world->size.height);
  return TRUE;
}

gboolean
_ms_canvas_minimap_to_canvas (MsCanvas *self, double wx, double wy, double *cx, double *cy)
{
  graphene_rect_t world, mm;
  double s;

  if (!minimap_world (self, &world, &s))
    return FALSE;
  _ms_canvas_minimap_rect (self, &mm);
  if (!graphene_rect_contains_point (&mm, &GRAPHENE_POINT_INIT (wx, wy)))
    return FALSE;
  *cx = world.origin.x + (wx - mm.origin.x - 4) / s;
  *cy = world.origin.y + (wy - mm.origin.y - 4) / s;
  return TRUE;
}

static void
draw_minimap (MsCanvas *self, cairo_t *cr)
{
  const MsCanvasColors *c = &self->colors;
  graphene_rect_t world, mm, vis;
  GdkRGBA block = c->fg;
  double s;

  if (!minimap_world (self, &world, &s))
    return;
  _ms_canvas_minimap_rect (self, &mm);
  _ms_canvas_visible_area (self, &vis);

  cairo_save (cr);
  rounded_rect (cr, mm.origin.x, mm.origin.y, mm.size.width, mm.size.height, 8);
  gdk_cairo_set_source_rgba (cr, &c->card);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1);
  gdk_cairo_set_source_rgba (cr, &c->card_border);
  cairo_stroke (cr);

  cairo_translate (cr, mm.origin.x + 4, mm.origin.y + 4);
  cairo_scale (cr, s, s);
  cairo_translate (cr, -world.origin.x, -world.origin.y);
  block.alpha = 0.3f;
  gdk_cairo_set_source_rgba (cr, &block);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *k = self->cards->pdata[i];
      if (!k->selected)
        cairo_rectangle (cr, k->x, k->y, k->w, k->h);
    }
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &c->accent);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *k = self->cards->pdata[i];
      if (k->selected)
        cairo_rectangle (cr, k->x, k->y, k->w, k->h);
    }
  cairo_fill (cr);
  cairo_rectangle (cr, vis.origin.x, vis.origin.y, vis.size.width, vis.size.height);
  cairo_set_line_width (cr, 1.5 / s);
  gdk_cairo_set_source_rgba (cr, &c->accent);
  cairo_stroke (cr);
  cairo_restore (cr);
}

#define LEGEND_ROW 18.0

gboolean
_ms_canvas_legend_rect (MsCanvas *self, graphene_rect_t *out)
{
  double w = 0;

  if (self->families == NULL || self->families->len == 0)
    return FALSE;
  if (self->legend_layouts == NULL)
    {
      self->legend_layouts = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < self->families->len; i++)
        g_ptr_array_add (self->legend_layouts,
                         make_layout (self, self->families->pdata[i], FALSE, 0.8, -1, PANGO_ALIGN_LEFT));
    }
  for (guint i = 0; i < self->legend_layouts->len; i++)
    {
      int lw, lh;
      pango_layout_get_pixel_size (self->legend_layouts->pdata[i], &lw, &lh);
      w = MAX (w, lw);
    }
  graphene_rect_init (out, 12, 12, w + 40, self->families->len * LEGEND_ROW + 12);
  return TRUE;
}

gboolean
_ms_canvas_legend_shown (MsCanvas *self)
{
  graphene_rect_t r;

  return _ms_canvas_legend_rect (self, &r) && overlay_shown (self, &r);
}

gboolean
_ms_canvas_minimap_shown (MsCanvas *self)
{
  graphene_rect_t world;
  double s;

  return minimap_world (self, &world, &s);
}

static void
draw_legend (MsCanvas *self, cairo_t *cr)
{
  const MsCanvasColors *c = &self->colors;
  double y = 12, row = LEGEND_ROW;
  graphene_rect_t r;

  if (!_ms_canvas_legend_rect (self, &r) || !overlay_shown (self, &r))
    return;
  rounded_rect (cr, r.origin.x, r.origin.y, r.size.width, r.size.height, 8);
  {
    GdkRGBA bgc = c->card;
    bgc.alpha = 0.92f;
    gdk_cairo_set_source_rgba (cr, &bgc);
  }
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1);
  gdk_cairo_set_source_rgba (cr, &c->card_border);
  cairo_stroke (cr);
  for (guint i = 0; i < self->families->len; i++)
    {
      const char *fam = self->families->pdata[i];
      double cy = y + 6 + i * row + row / 2;
      GdkRGBA col;

      ms_canvas_get_type_color (fam, c->dark, &col);
      port_path (cr, family_shape (fam), 26, cy, 4.5);
      gdk_cairo_set_source_rgba (cr, &col);
      cairo_fill (cr);
      show_layout_centered (cr, self->legend_layouts->pdata[i], 38, cy, &c->fg);
    }
}

/* The card a palette entry dragged over the canvas would add, dashed,
 * where the drop would put it. */
static void
draw_ghost (MsCanvas *self, cairo_t *cr, double zoom)
{
  const MsCanvasColors *c = &self->colors;
  graphene_rect_t r;
  GdkRGBA fill = c->accent;
  double dash = 6.0 / zoom;

  if (!_ms_canvas_get_ghost (self, NULL, &r))
    return;
  fill.alpha = 0.12f;
  rounded_rect (cr, r.origin.x, r.origin.y, r.size.width, r.size.height, 10);
  gdk_cairo_set_source_rgba (cr, &fill);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5 / zoom);
  cairo_set_dash (cr, &dash, 1, 0);
  gdk_cairo_set_source_rgba (cr, &c->accent);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (zoom >= MS_CANVAS_TEXT_ZOOM)
    {
      if (self->ghost_layout == NULL)
        self->ghost_layout = make_fitting_layout (self, self->ghost_ctor, TRUE, 1.0, r.size.width - 24);
      show_layout (cr, self->ghost_layout, r.origin.x + 12, r.origin.y + 6, &c->fg);
    }
}

const char *
_ms_canvas_empty_hint (MsCanvas *self)
{
  if (self->doc == NULL || self->cards->len > 0)
    return NULL;
  return _("Drag a device here from the palette, or press Enter on it there.\n"
           "Start with main: your unikernel. Ctrl+F searches the palette.");
}

/* A new project's canvas says how to begin, in its middle. */
static void
draw_empty_hint (MsCanvas *self, cairo_t *cr)
{
  const char *text = _ms_canvas_empty_hint (self);
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  int lw, lh;

  if (text == NULL)
    return;
  if (self->hint_layout == NULL)
    self->hint_layout = make_layout (self, text, FALSE, 1.1, MIN (w - 48, 520), PANGO_ALIGN_CENTER);
  pango_layout_set_width (self->hint_layout, (int) (MAX (120, MIN (w - 48, 520)) * PANGO_SCALE));
  pango_layout_set_ellipsize (self->hint_layout, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_wrap (self->hint_layout, PANGO_WRAP_WORD);
  pango_layout_get_pixel_size (self->hint_layout, &lw, &lh);
  show_layout (cr, self->hint_layout, (w - lw) / 2, (h - lh) / 2, &self->colors.dim);
}

static void
draw_focus (MsCanvas *self, cairo_t *cr)
{
  MsCanvasCard *card = _ms_canvas_lookup (self, self->focus_device);
  GdkRGBA ring = self->colors.accent;

  if (card == NULL)
    return;
  ring.alpha = 0.6f;
  cairo_set_line_width (cr, 2.0 / self->zoom);
  gdk_cairo_set_source_rgba (cr, &ring);
  if (self->focus_port < 0)
    {
      rounded_rect (cr, card->x - 5, card->y - 5, card->w + 10, card->h + 10, 14);
      cairo_stroke (cr);
    }
  else
    {
      double px, py;
      int port = (guint) self->focus_port >= card->n_ports ? -1 : self->focus_port;
      _ms_canvas_card_port_pos (card, port, &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, MS_CANVAS_PORT_RADIUS + 5, 0, 2 * G_PI);
      cairo_set_line_width (cr, 2.5 / self->zoom);
      cairo_stroke (cr);
    }
}

/* ---- the whole ---------------------------------------------------------------- */

/* Background, grid and every wire (for the view at zoom, drawn from
 * (0, 0) of cr). */
static void
draw_ground (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom, gboolean focus)
{
  const MsCanvasColors *c = &self->colors;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, &c->bg);
  cairo_paint (cr);
  {
    /* dots every grid step, fewer when they would crowd */
    double step = MS_CANVAS_GRID;
    while (step * zoom < 14)
      step *= 4;
    if (step * zoom < 200)
      {
        double x0 = ms_floor (view->origin.x / step) * step;
        double y0 = ms_floor (view->origin.y / step) * step;
        double r = 1.0;
        gdk_cairo_set_source_rgba (cr, &c->grid);
        for (double gy = y0; gy <= view->origin.y + view->size.height; gy += step)
          for (double gx = x0; gx <= view->origin.x + view->size.width; gx += step)
            cairo_rectangle (cr, (gx - view->origin.x) * zoom - r, (gy - view->origin.y) * zoom - r, 2 * r, 2 * r);
        cairo_fill (cr);
      }
  }
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -view->origin.x, -view->origin.y);
  if (zoom < MS_CANVAS_TEXT_ZOOM)
    cairo_set_tolerance (cr, 0.5);
  draw_edges (self, cr, view, zoom, focus);
  cairo_restore (cr);
}

/* The cards, and with overlays what the pointer and the focus add. */
static void
draw_cards_layer (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom, gboolean overlays)
{
  const MsCanvasColors *c = &self->colors;

  cairo_save (cr);
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -view->origin.x, -view->origin.y);
  if (zoom < MS_CANVAS_TEXT_ZOOM)
    cairo_set_tolerance (cr, 0.5);   /* coarser curves where nobody can tell */
  if (zoom < MS_CANVAS_TEXT_ZOOM && !in_wire_drag (self))
    draw_cards_batched (self, cr, view, zoom);
  else
    for (guint i = 0; i < self->cards->len; i++)
      {
        MsCanvasCard *card = self->cards->pdata[i];
        if (card_visible (card, view))
          draw_card (self, cr, card, zoom);
      }
  if (overlays && gtk_widget_has_focus (GTK_WIDGET (self)))
    draw_focus (self, cr);
  if (overlays)
    draw_ghost (self, cr, zoom);
  if (overlays && self->drag == MS_CANVAS_DRAG_RUBBER)
    {
      GdkRGBA fill = c->accent;
      double x = MIN (self->drag_x0, self->drag_x), y = MIN (self->drag_y0, self->drag_y);
      fill.alpha = 0.15f;
      cairo_rectangle (cr, x, y, ms_fabs (self->drag_x - self->drag_x0), ms_fabs (self->drag_y - self->drag_y0));
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.0 / zoom);
      gdk_cairo_set_source_rgba (cr, &c->accent);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
_ms_canvas_draw (MsCanvas *self, GtkSnapshot *snapshot, const graphene_rect_t *view, double zoom,
                 gboolean overlays)
{
  graphene_rect_t out = GRAPHENE_RECT_INIT (0, 0, view->size.width * zoom, view->size.height * zoom);
  cairo_t *cr;

  /* background, grid and every wire: one cairo node */
  cr = gtk_snapshot_append_cairo (snapshot, &out);
  draw_ground (self, cr, view, zoom, overlays && gtk_widget_has_focus (GTK_WIDGET (self)));
  cairo_destroy (cr);

  /* the cards */
  cr = gtk_snapshot_append_cairo (snapshot, &out);
  draw_cards_layer (self, cr, view, zoom, overlays);
  cairo_destroy (cr);

  if (overlays)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &out);
      draw_legend (self, cr);
      draw_minimap (self, cr);
      draw_empty_hint (self, cr);
      cairo_destroy (cr);
    }
}

void
_ms_canvas_draw_cairo (MsCanvas *self, cairo_t *cr, const graphene_rect_t *view, double zoom)
{
  draw_ground (self, cr, view, zoom, FALSE);
  draw_cards_layer (self, cr, view, zoom, FALSE);
}
