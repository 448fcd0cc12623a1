/* ms-canvas-input.c: what the pointer, touchpad and keyboard do on the
 * canvas: select (click, shift/ctrl-click, rubber band), move (snapped,
 * one undo step per drag), wire ports with live type checks, pan and
 * zoom, the minimap, keyboard navigation, and the quick-add popover that
 * a wire dropped on empty canvas opens. The gesture handlers only turn
 * widget coordinates into canvas ones; the logic lives in the
 * _ms_canvas_drag_* functions the tests call too. */
#include "ms-canvas-private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ms-fragment.h"
#include "ms-palette.h"
#include "ms-type.h"

static void quick_add_open (MsCanvas *self, double x, double y, guint device, int port);
static void key_wire_start (MsCanvas *self);
static gboolean key_wire_key (MsCanvas *self, guint keyval, GdkModifierType state);

static void
to_canvas (MsCanvas *self, double wx, double wy, double *x, double *y)
{
  *x = self->off_x + wx / self->zoom;
  *y = self->off_y + wy / self->zoom;
}

static void
set_cursor (MsCanvas *self, const char *name)
{
  if (g_strcmp0 (self->cursor, name) == 0)
    return;
  self->cursor = name;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

/* ---- types of wires ----------------------------------------------------------- */

/* Whether something of type found can go where expected is wanted, on the
 * types alone (the checker has the last word with the whole graph). */
static gboolean
types_fit (MsCatalog *cat, const char *expected, const char *found)
{
  g_autoptr(MsUnifier) u = NULL;
  MsType e, f;
  int n_vars = 0;

  if (expected == NULL || found == NULL)
    return FALSE;
  if (!ms_type_parse (cat, expected, &e, &n_vars, NULL, NULL))
    return FALSE;
  {
    /* the two texts' variables are unrelated: number the second after the first */
    int first = n_vars;
    if (!ms_type_parse (cat, found, &f, &n_vars, NULL, NULL))
      return FALSE;
    if (f.var >= 0)
      f.var += first;
    n_vars += first;
  }
  u = ms_unifier_new ();
  ms_unifier_fresh (u, n_vars + 1);
  return ms_unifier_unify (u, cat, &e, &f, NULL);
}

static gboolean
family_may_fit (const char *a, const char *b)
{
  return a == NULL || b == NULL || g_str_equal (a, b);
}

/* The expensive part of a wire, once at its start: which ends are possible. */
static void
compute_compatible (MsCanvas *self)
{
  MsCanvasCard *from = _ms_canvas_lookup (self, self->wire_device);

  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      c->out_compatible = FALSE;
      for (guint p = 0; p < c->n_ports; p++)
        c->ports[p].compatible = FALSE;
      if (from == NULL || c == from)
        continue;
      if (self->wire_port < 0)
        {
          for (guint p = 0; p < c->n_ports; p++)
            if (family_may_fit (c->ports[p].family, from->out_family))
              c->ports[p].compatible = ms_check_connection (self->doc, from->id, c->id, c->ports[p].name, NULL);
        }
      else if (c->out_type != NULL
               && family_may_fit (c->out_family, from->ports[self->wire_port].family))
        c->out_compatible = ms_check_connection (self->doc, c->id, from->id,
                                                 from->ports[self->wire_port].name, NULL);
    }
}

gboolean
_ms_canvas_begin_wire (MsCanvas *self, guint device, const char *port)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  int p = -1;

  if (c == NULL || self->doc == NULL)
    return FALSE;
  if (port == NULL)
    {
      if (c->out_type == NULL)
        return FALSE;
    }
  else
    {
      p = -2;
      for (guint i = 0; i < c->n_ports; i++)
        if (g_str_equal (c->ports[i].name, port))
          p = (int) i;
      if (p < 0)
        return FALSE;
    }
  self->drag = MS_CANVAS_DRAG_WIRE;
  self->wire_device = device;
  self->wire_port = p;
  _ms_canvas_card_port_pos (c, p, &self->drag_x, &self->drag_y);
  self->drag_x0 = self->drag_x;
  self->drag_y0 = self->drag_y;
  compute_compatible (self);
  _ms_canvas_redraw (self);
  return TRUE;
}

gboolean
_ms_canvas_port_is_lit (MsCanvas *self, guint device, const char *port)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);

  if (c == NULL || self->drag != MS_CANVAS_DRAG_WIRE)
    return FALSE;
  if (port == NULL)
    return c->out_compatible;
  for (guint i = 0; i < c->n_ports; i++)
    if (g_str_equal (c->ports[i].name, port))
      return c->ports[i].compatible;
  return FALSE;
}

static void
connect_or_toast (MsCanvas *self, guint source, guint target, const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;

  if (!ms_check_connection (self->doc, source, target, param, &why))
    {
      /* TRANSLATORS: %s says why, e.g. "expected kv_ro, found block from disk (block_of_file)" */
      g_autofree char *msg = g_strdup_printf (_("Not connected: %s"), why ? why : _("the types do not fit"));
      _ms_canvas_emit_toast (self, msg, FALSE);
      return;
    }
  if (!ms_document_connect (self->doc, source, target, param, &error))
    _ms_canvas_emit_toast (self, error->message, FALSE);
}

/* The end of a wire picked up from a connected input. */
static void
finish_detached (MsCanvas *self, MsCanvasCard *from, MsCanvasCard *hit, int port)
{
  MsCanvasCard *old = _ms_canvas_lookup (self, self->detach_target);
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  const char *old_param;

  if (old == NULL || self->detach_port < 0 || (guint) self->detach_port >= old->n_ports)
    return;
  old_param = old->ports[self->detach_port].name;
  if (hit == old && port == self->detach_port)
    return;   /* put back where it was */
  if (hit == NULL || port < 0)
    {
      _ms_canvas_disconnect (self, old->id, old_param);
      return;
    }
  if (hit == from)
    return;
  if (!hit->ports[port].compatible
      && !ms_check_connection (self->doc, from->id, hit->id, hit->ports[port].name, &why))
    {
      g_autofree char *msg = g_strdup_printf (_("Not connected: %s"), why ? why : _("the types do not fit"));
      _ms_canvas_emit_toast (self, msg, FALSE);
      return;
    }
  ms_document_begin_group (self->doc, _("Move connection"));
  ms_document_disconnect (self->doc, old->id, old_param, &error);
  ms_document_connect (self->doc, from->id, hit->id, hit->ports[port].name, error ? NULL : &error);
  if (!ms_document_end_group (self->doc, error ? NULL : &error) && error != NULL)
    _ms_canvas_emit_toast (self, error->message, FALSE);
}

static void
finish_wire (MsCanvas *self, double x, double y)
{
  MsCanvasCard *from = _ms_canvas_lookup (self, self->wire_device);
  int port;
  MsCanvasCard *hit = _ms_canvas_hit (self, x, y, &port);

  if (from == NULL)
    return;
  if (self->detach_target != 0)
    {
      finish_detached (self, from, hit, port);
      self->detach_target = 0;
      return;
    }
  if (hit == from)
    return;
  if (hit == NULL)
    {
      quick_add_open (self, x, y, from->id, self->wire_port);
      return;
    }
  if (self->wire_port < 0)
    {
      if (port < 0)
        {
          /* dropped on the card: the first free input that fits, else the first that fits */
          int best = -1;
          for (guint p = 0; p < hit->n_ports; p++)
            if (hit->ports[p].compatible)
              {
                if (best < 0)
                  best = (int) p;
                if (ms_document_get_source (self->doc, hit->id, hit->ports[p].name) == 0)
                  {
                    best = (int) p;
                    break;
                  }
              }
          if (best < 0)
            {
              g_autofree char *msg = g_strdup_printf (_("Not connected: %s has no input for %s"),
                                                      hit->name, from->out_type);
              _ms_canvas_emit_toast (self, msg, FALSE);
              return;
            }
          port = best;
        }
      connect_or_toast (self, from->id, hit->id, hit->ports[port].name);
    }
  else
    {
      if (hit->out_type == NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("Not connected: %s provides nothing to use"), hit->name);
          _ms_canvas_emit_toast (self, msg, FALSE);
          return;
        }
      connect_or_toast (self, hit->id, from->id, from->ports[self->wire_port].name);
    }
}

/* ---- the primary drag ----------------------------------------------------------- */

void
_ms_canvas_drag_begin (MsCanvas *self, double x, double y, GdkModifierType mods)
{
  gboolean toggle = (mods & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  gboolean changed = FALSE;
  int port;
  MsCanvasCard *card = _ms_canvas_hit (self, x, y, &port);

  self->drag_x0 = self->drag_x = x;
  self->drag_y0 = self->drag_y = y;
  self->drag_moved = FALSE;
  self->press_device = 0;
  self->drag = MS_CANVAS_DRAG_NONE;

  self->detach_target = 0;
  if (card != NULL && port >= 0 && !toggle && self->doc != NULL)
    {
      guint src = ms_document_get_source (self->doc, card->id, card->ports[port].name);
      if (src != 0 && _ms_canvas_begin_wire (self, src, NULL))
        {
          /* a connected input: pick its wire up by the end */
          self->detach_target = card->id;
          self->detach_port = port;
          self->drag_x = x;
          self->drag_y = y;
          _ms_canvas_set_focus (self, card->id, port);
          return;
        }
    }
  if (card != NULL && (port >= 0 || (port == -1 && card->out_type != NULL)) && !toggle)
    {
      _ms_canvas_begin_wire (self, card->id, port >= 0 ? card->ports[port].name : NULL);
      _ms_canvas_set_focus (self, card->id, port >= 0 ? port : (int) card->n_ports);
      return;
    }
  if (card != NULL)
    {
      if (toggle)
        {
          _ms_canvas_set_selected (self, card, !card->selected);
          changed = TRUE;
        }
      else if (!card->selected)
        {
          _ms_canvas_clear_selection (self);
          _ms_canvas_set_selected (self, card, TRUE);
          changed = TRUE;
        }
      else
        self->press_device = card->id;
      _ms_canvas_set_focus (self, card->id, -1);
      if (card->selected)
        {
          self->drag = MS_CANVAS_DRAG_MOVE;
          for (guint i = 0; i < self->cards->len; i++)
            {
              MsCanvasCard *c = self->cards->pdata[i];
              c->ox = c->x;
              c->oy = c->y;
            }
        }
      if (changed)
        _ms_canvas_selection_changed (self);
      return;
    }

  _ms_canvas_wire_clear (&self->wire_press);
  if (!toggle)
    {
      guint target;
      const char *param;
      if (_ms_canvas_wire_at (self, x, y, &target, &param))
        _ms_canvas_wire_set (&self->wire_press, target, param);
    }
  self->drag = MS_CANVAS_DRAG_RUBBER;
  self->rubber_toggle = toggle;
  g_clear_pointer (&self->rubber_base, g_hash_table_unref);
  self->rubber_base = g_hash_table_new (NULL, NULL);
  if (toggle)
    {
      for (guint i = 0; i < self->cards->len; i++)
        {
          MsCanvasCard *c = self->cards->pdata[i];
          if (c->selected)
            g_hash_table_add (self->rubber_base, GUINT_TO_POINTER (c->id));
        }
    }
  else if ((self->n_selected > 0 || self->wire_sel.target != 0 || self->focus_device != 0)
           && self->wire_press.target == 0)
    {
      _ms_canvas_clear_selection (self);
      _ms_canvas_selection_changed (self);
    }
}

void
_ms_canvas_drag_update (MsCanvas *self, double x, double y)
{
  self->drag_x = x;
  self->drag_y = y;
  switch (self->drag)
    {
    case MS_CANVAS_DRAG_MOVE:
      {
        double dx = x - self->drag_x0, dy = y - self->drag_y0;
        if (!self->drag_moved && (dx * dx + dy * dy) * self->zoom * self->zoom < 9)
          return;
        self->drag_moved = TRUE;
        for (guint i = 0; i < self->cards->len; i++)
          {
            MsCanvasCard *c = self->cards->pdata[i];
            if (!c->selected)
              continue;
            c->x = _ms_canvas_snap (c->ox + dx);
            c->y = _ms_canvas_snap (c->oy + dy);
          }
        set_cursor (self, "grabbing");
        _ms_canvas_redraw (self);
      }
      break;
    case MS_CANVAS_DRAG_RUBBER:
      {
        graphene_rect_t r;
        gboolean changed = FALSE;
        if (self->wire_press.target != 0)
          {
            double dx = x - self->drag_x0, dy = y - self->drag_y0;
            if ((dx * dx + dy * dy) * self->zoom * self->zoom < 9)
              break;
            /* not a click on the wire after all: a rubber band, from nothing */
            _ms_canvas_wire_clear (&self->wire_press);
            if (self->n_selected > 0 || self->wire_sel.target != 0)
              {
                _ms_canvas_clear_selection (self);
                changed = TRUE;
              }
          }
        r = GRAPHENE_RECT_INIT (MIN (x, self->drag_x0), MIN (y, self->drag_y0),
                                                ms_fabs (x - self->drag_x0), ms_fabs (y - self->drag_y0));
        for (guint i = 0; i < self->cards->len; i++)
          {
            MsCanvasCard *c = self->cards->pdata[i];
            graphene_rect_t cr = GRAPHENE_RECT_INIT (c->x, c->y, c->w, c->h);
            gboolean inside = graphene_rect_intersection (&r, &cr, NULL);
            gboolean base = g_hash_table_contains (self->rubber_base, GUINT_TO_POINTER (c->id));
            gboolean want = self->rubber_toggle ? (base != inside) : inside;
            if (want != c->selected)
              {
                _ms_canvas_set_selected (self, c, want);
                changed = TRUE;
              }
          }
        if (changed)
          _ms_canvas_selection_changed (self);
        _ms_canvas_redraw (self);
      }
      break;
    case MS_CANVAS_DRAG_WIRE:
      _ms_canvas_redraw (self);
      break;
    case MS_CANVAS_DRAG_NONE:
    case MS_CANVAS_DRAG_PAN:
    case MS_CANVAS_DRAG_MINIMAP:
    default:
      break;
    }
}

void
_ms_canvas_drag_end (MsCanvas *self, double x, double y)
{
  MsCanvasDrag drag;

  _ms_canvas_drag_update (self, x, y);
  drag = self->drag;
  self->drag = MS_CANVAS_DRAG_NONE;
  switch (drag)
    {
    case MS_CANVAS_DRAG_MOVE:
      if (self->drag_moved && self->doc != NULL)
        {
          g_autoptr(GError) error = NULL;
          ms_document_begin_group (self->doc, self->n_selected == 1 ? _("Move device") : _("Move devices"));
          for (guint i = 0; i < self->cards->len; i++)
            {
              MsCanvasCard *c = self->cards->pdata[i];
              if (c->selected && (c->x != c->ox || c->y != c->oy || !c->placed))
                ms_document_move_device (self->doc, c->id, c->x, c->y, error ? NULL : &error);
            }
          if (!ms_document_end_group (self->doc, error ? NULL : &error) && error != NULL)
            _ms_canvas_emit_toast (self, error->message, FALSE);
          _ms_canvas_view_changed (self);
        }
      else if (self->press_device != 0)
        {
          guint id = self->press_device;
          ms_canvas_select (self, &id, 1);
        }
      break;
    case MS_CANVAS_DRAG_WIRE:
      finish_wire (self, x, y);
      break;
    case MS_CANVAS_DRAG_RUBBER:
      g_clear_pointer (&self->rubber_base, g_hash_table_unref);
      if (self->wire_press.target != 0)
        {
          double dx = x - self->drag_x0, dy = y - self->drag_y0;
          /* a click on a wire selects it; a drag from it is a rubber band */
          if ((dx * dx + dy * dy) * self->zoom * self->zoom < 9)
            _ms_canvas_select_wire (self, self->wire_press.target, self->wire_press.param);
          _ms_canvas_wire_clear (&self->wire_press);
        }
      break;
    case MS_CANVAS_DRAG_NONE:
    case MS_CANVAS_DRAG_PAN:
    case MS_CANVAS_DRAG_MINIMAP:
    default:
      break;
    }
  self->press_device = 0;
  set_cursor (self, NULL);
  _ms_canvas_redraw (self);
}

static void
cancel_drag (MsCanvas *self)
{
  if (self->drag == MS_CANVAS_DRAG_MOVE)
    for (guint i = 0; i < self->cards->len; i++)
      {
        MsCanvasCard *c = self->cards->pdata[i];
        if (c->selected)
          {
            c->x = c->ox;
            c->y = c->oy;
          }
      }
  g_clear_pointer (&self->rubber_base, g_hash_table_unref);
  _ms_canvas_wire_clear (&self->wire_press);
  self->kwire = FALSE;
  g_clear_pointer (&self->kw_targets, g_array_unref);
  self->drag = MS_CANVAS_DRAG_NONE;
  self->detach_target = 0;
  set_cursor (self, NULL);
  _ms_canvas_redraw (self);
}

/* ---- gesture handlers ------------------------------------------------------------ */

static void
minimap_jump (MsCanvas *self, double wx, double wy)
{
  double cx, cy;

  if (!_ms_canvas_minimap_to_canvas (self, wx, wy, &cx, &cy))
    return;
  _ms_canvas_set_offset (self, cx - gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom / 2,
                         cy - gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom / 2);
}

static void
on_primary_begin (GtkGestureDrag *gesture, double sx, double sy, MsCanvas *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  double x, y;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (_ms_canvas_minimap_to_canvas (self, sx, sy, &x, &y))
    {
      self->drag = MS_CANVAS_DRAG_MINIMAP;
      minimap_jump (self, sx, sy);
      return;
    }
  if (self->space_down)
    {
      self->drag = MS_CANVAS_DRAG_PAN;
      self->pan_x0 = self->off_x;
      self->pan_y0 = self->off_y;
      set_cursor (self, "grabbing");
      return;
    }
  to_canvas (self, sx, sy, &x, &y);
  _ms_canvas_drag_begin (self, x, y, mods);
}

static void
on_primary_update (GtkGestureDrag *gesture, double ox, double oy, MsCanvas *self)
{
  double sx, sy, x, y;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  if (self->drag == MS_CANVAS_DRAG_MINIMAP)
    {
      minimap_jump (self, sx + ox, sy + oy);
      return;
    }
  if (self->drag == MS_CANVAS_DRAG_PAN)
    {
      _ms_canvas_set_offset (self, self->pan_x0 - ox / self->zoom, self->pan_y0 - oy / self->zoom);
      return;
    }
  to_canvas (self, sx + ox, sy + oy, &x, &y);
  _ms_canvas_drag_update (self, x, y);
}

static void
on_primary_end (GtkGestureDrag *gesture, double ox, double oy, MsCanvas *self)
{
  double sx, sy, x, y;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  if (self->drag == MS_CANVAS_DRAG_MINIMAP || self->drag == MS_CANVAS_DRAG_PAN)
    {
      self->drag = MS_CANVAS_DRAG_NONE;
      set_cursor (self, NULL);
      return;
    }
  if (self->drag == MS_CANVAS_DRAG_NONE)
    return;
  to_canvas (self, sx + ox, sy + oy, &x, &y);
  _ms_canvas_drag_end (self, x, y);
}

static void
on_primary_cancel (GtkGesture *gesture, GdkEventSequence *sequence, MsCanvas *self)
{
  cancel_drag (self);
}

static void
on_pan_begin (GtkGestureDrag *gesture, double sx, double sy, MsCanvas *self)
{
  self->pan_x0 = self->off_x;
  self->pan_y0 = self->off_y;
  set_cursor (self, "grabbing");
}

static void
on_pan_update (GtkGestureDrag *gesture, double ox, double oy, MsCanvas *self)
{
  _ms_canvas_set_offset (self, self->pan_x0 - ox / self->zoom, self->pan_y0 - oy / self->zoom);
}

static void
on_pan_end (GtkGestureDrag *gesture, double ox, double oy, MsCanvas *self)
{
  set_cursor (self, NULL);
}

static void
on_click (GtkGestureClick *gesture, int n_press, double wx, double wy, MsCanvas *self)
{
  double x, y;
  guint id;

  if (n_press != 2)
    return;
  to_canvas (self, wx, wy, &x, &y);
  if ((id = _ms_canvas_device_at (self, x, y)) != 0)
    g_signal_emit_by_name (self, "activate-device", id);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, MsCanvas *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (mods & GDK_CONTROL_MASK)
    {
      double f = 1.0;
      if (wheel)
        {
          /* one notch is 15 %, either way */
          for (int k = 0; k < (int) ms_round (ms_fabs (dy)) || (k == 0 && dy != 0); k++)
            f *= dy > 0 ? 1 / 1.15 : 1.15;
        }
      else
        f = CLAMP (1.0 - dy * 0.01, 0.5, 2.0);
      _ms_canvas_zoom_around (self, self->zoom * f, self->pointer_x, self->pointer_y);
      return TRUE;
    }
  if (wheel)
    {
      dx *= 48;
      dy *= 48;
      if (mods & GDK_SHIFT_MASK)
        {
          dx = dy;
          dy = 0;
        }
    }
  _ms_canvas_set_offset (self, self->off_x + dx / self->zoom, self->off_y + dy / self->zoom);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture *gesture, GdkEventSequence *sequence, MsCanvas *self)
{
  self->pinch_zoom0 = self->zoom;
  if (!gtk_gesture_get_bounding_box_center (gesture, &self->pinch_cx, &self->pinch_cy))
    {
      self->pinch_cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      self->pinch_cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  /* a pinch is not a drag of whatever the first finger touched */
  cancel_drag (self);
}

static void
on_pinch_scale (GtkGestureZoom *gesture, double scale, MsCanvas *self)
{
  _ms_canvas_zoom_around (self, self->pinch_zoom0 * scale, self->pinch_cx, self->pinch_cy);
}

static void
set_hover (MsCanvas *self, guint target, const char *param)
{
  if (_ms_canvas_wire_set (&self->wire_hover, target, param))
    _ms_canvas_redraw (self);
}

static void
on_motion (GtkEventControllerMotion *controller, double wx, double wy, MsCanvas *self)
{
  double x, y;
  int port;
  MsCanvasCard *c;

  self->pointer_x = wx;
  self->pointer_y = wy;
  self->pointer_inside = TRUE;
  {
    /* the overlays come back while the pointer is over their corner */
    graphene_rect_t legend, mm;
    graphene_point_t p = GRAPHENE_POINT_INIT (wx, wy);
    gboolean on;

    _ms_canvas_minimap_rect (self, &mm);
    on = graphene_rect_contains_point (&mm, &p)
         || (_ms_canvas_legend_rect (self, &legend) && graphene_rect_contains_point (&legend, &p));
    if (on != self->pointer_on_overlay)
      {
        self->pointer_on_overlay = on;
        _ms_canvas_redraw (self);
      }
  }
  if (self->drag != MS_CANVAS_DRAG_NONE || self->space_down)
    set_hover (self, 0, NULL);
  if (self->drag != MS_CANVAS_DRAG_NONE)
    return;
  if (self->space_down)
    {
      set_cursor (self, "grab");
      return;
    }
  to_canvas (self, wx, wy, &x, &y);
  c = _ms_canvas_hit (self, x, y, &port);
  if (c == NULL)
    {
      guint target = 0;
      const char *param = NULL;
      gboolean on_wire = _ms_canvas_wire_at (self, x, y, &target, &param);
      set_hover (self, on_wire ? target : 0, param);
      set_cursor (self, on_wire ? "pointer" : NULL);
      return;
    }
  set_hover (self, 0, NULL);
  if (port >= 0 || (port == -1 && c->out_type != NULL))
    set_cursor (self, "crosshair");
  else
    set_cursor (self, NULL);
}

static void
on_pointer_leave (GtkEventControllerMotion *controller, MsCanvas *self)
{
  self->pointer_inside = FALSE;
  if (self->pointer_on_overlay)
    {
      self->pointer_on_overlay = FALSE;
      _ms_canvas_redraw (self);
    }
  set_hover (self, 0, NULL);
}

void
_ms_canvas_pointer_motion (MsCanvas *self, double wx, double wy)
{
  on_motion (NULL, wx, wy, self);
}

gboolean
_ms_canvas_get_hover_wire (MsCanvas *self, guint *target, const char **param)
{
  *target = self->wire_hover.target;
  *param = self->wire_hover.param;
  return self->wire_hover.target != 0;
}

/* ---- context menu --------------------------------------------------------------- */

/* The keys are shown beside each item: the canvas's actions are not the
 * application's accelerators, which popover menus would find alone. */
static void
menu_append (GMenu *menu, const char *label, const char *action, const char *accel)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, action);

  g_menu_item_set_attribute (item, "accel", "s", accel);
  g_menu_append_item (menu, item);
}

static void
context_menu_init (MsCanvas *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) arrange = g_menu_new ();
  g_autoptr(GMenu) view = g_menu_new ();

  menu_append (edit, _("_Duplicate"), "canvas.duplicate", "<Control>d");
  menu_append (edit, _("Cu_t"), "canvas.cut", "<Control>x");
  menu_append (edit, _("_Copy"), "canvas.copy", "<Control>c");
  menu_append (edit, _("_Paste"), "canvas.paste", "<Control>v");
  menu_append (edit, _("_Remove"), "canvas.delete", "Delete");
  /* the same names and shortcuts as the window's menu (win.layout ...) */
  menu_append (arrange, _("Arrange _Selection"), "canvas.layout-selection", "<Control><Shift>l");
  menu_append (arrange, _("_Arrange All"), "canvas.layout", "<Control>l");
  menu_append (view, _("Zoom to _Fit"), "canvas.zoom-fit", "<Control>1");
  menu_append (view, _("Show _Minimap"), "canvas.toggle-minimap", "<Control><Shift>m");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (arrange));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
  self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
}

gboolean
_ms_canvas_popup_menu (MsCanvas *self, double x, double y)
{
  guint id = _ms_canvas_device_at (self, x, y);
  MsCanvasCard *c = _ms_canvas_lookup (self, id);
  GdkRectangle r;

  guint target;
  const char *param;

  /* the menu acts on the selection: make the card (or wire) under it part of it */
  if (c != NULL && !c->selected)
    ms_canvas_select (self, &id, 1);
  else if (c == NULL && _ms_canvas_wire_at (self, x, y, &target, &param))
    _ms_canvas_select_wire (self, target, param);
  else if (c == NULL && (self->n_selected > 0 || self->wire_sel.target != 0))
    ms_canvas_select (self, NULL, 0);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;
  r.x = (int) ((x - self->off_x) * self->zoom);
  r.y = (int) ((y - self->off_y) * self->zoom);
  r.width = r.height = 1;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &r);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  return TRUE;
}

static void
on_secondary (GtkGestureClick *gesture, int n_press, double wx, double wy, MsCanvas *self)
{
  double x, y;

  to_canvas (self, wx, wy, &x, &y);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  _ms_canvas_popup_menu (self, x, y);
}

/* ---- drops: palette entries and copied devices ------------------------------------ */

gboolean
_ms_canvas_drop_string (MsCanvas *self, const char *text, double x, double y)
{
  g_autoptr(GError) error = NULL;
  guint id;
  gboolean adopted = FALSE;

  if (self->doc == NULL || text == NULL)
    return FALSE;
  if (ms_fragment_is_fragment (text))
    {
      g_autoptr(GArray) ids = NULL;
      double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE;
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      /* the copies' top-left corner goes where they were dropped */
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
          if (g_strv_length (f) == 7 && g_str_equal (f[0], "device") && g_str_equal (f[6], "1"))
            {
              x0 = MIN (x0, g_ascii_strtod (f[4], NULL));
              y0 = MIN (y0, g_ascii_strtod (f[5], NULL));
            }
        }
      if (x0 == G_MAXDOUBLE)
        x0 = y0 = 0;
      ids = ms_fragment_paste (self->doc, text, _ms_canvas_snap (x - x0), _ms_canvas_snap (y - y0), &error);
      if (ids == NULL)
        {
          _ms_canvas_emit_toast (self, error->message, FALSE);
          return FALSE;
        }
      ms_canvas_select (self, (const guint *) ids->data, ids->len);
      return TRUE;
    }
  if (!g_str_has_prefix (text, MS_PALETTE_DRAG_PREFIX))
    return FALSE;
  ms_document_begin_group (self->doc, _("Add device"));
  id = ms_document_add_device (self->doc, text + strlen (MS_PALETTE_DRAG_PREFIX), NULL, &error);
  if (id != 0)
    ms_document_move_device (self->doc, id, _ms_canvas_snap (x - MS_CANVAS_CARD_WIDTH / 2),
                             _ms_canvas_snap (y - MS_CANVAS_HEADER / 2), &error);
  if (id != 0 && error == NULL)
    adopted = _ms_canvas_adopt_job (self, id, &error);
  if (!ms_document_end_group (self->doc, error ? NULL : &error) || id == 0)
    {
      _ms_canvas_emit_toast (self, error ? error->message : _("The device could not be added"), FALSE);
      return FALSE;
    }
  if (adopted)
    _ms_canvas_adopted_toast (self, id);
  ms_canvas_select (self, &id, 1);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double wx, double wy, MsCanvas *self)
{
  double x, y;

  _ms_canvas_drag_leave (self);
  if (!G_VALUE_HOLDS_STRING (value))
    return FALSE;
  to_canvas (self, wx, wy, &x, &y);
  return _ms_canvas_drop_string (self, g_value_get_string (value), x, y);
}

/* the card lands where the drop puts it: centred under the pointer */
static void
ghost_rect (MsCanvas *self, graphene_rect_t *r)
{
  MsCatalog *cat = self->doc ? ms_document_get_catalog (self->doc) : NULL;
  const MsConstructor *ctor = cat ? ms_catalog_lookup (cat, self->ghost_ctor) : NULL;
  guint n = ctor && ctor->params ? ctor->params->len : 0;
  double h = n > 0 ? ms_ceil ((MS_CANVAS_HEADER + n * MS_CANVAS_PORT_ROW + 8) / MS_CANVAS_GRID) * MS_CANVAS_GRID
                   : MS_CANVAS_HEADER;

  graphene_rect_init (r, _ms_canvas_snap (self->ghost_x - MS_CANVAS_CARD_WIDTH / 2),
                      _ms_canvas_snap (self->ghost_y - MS_CANVAS_HEADER / 2), MS_CANVAS_CARD_WIDTH, h);
}

void
_ms_canvas_drag_motion_string (MsCanvas *self, const char *text, double x, double y)
{
  const char *ctor;

  if (self->doc == NULL || text == NULL || !g_str_has_prefix (text, MS_PALETTE_DRAG_PREFIX))
    {
      _ms_canvas_drag_leave (self);
      return;
    }
  ctor = text + strlen (MS_PALETTE_DRAG_PREFIX);
  if (g_strcmp0 (ctor, self->ghost_ctor) != 0)
    {
      g_free (self->ghost_ctor);
      self->ghost_ctor = g_strdup (ctor);
      g_clear_object (&self->ghost_layout);
    }
  self->ghost_x = x;
  self->ghost_y = y;
  _ms_canvas_redraw (self);
}

void
_ms_canvas_drag_leave (MsCanvas *self)
{
  if (self->ghost_ctor == NULL)
    return;
  g_clear_pointer (&self->ghost_ctor, g_free);
  g_clear_object (&self->ghost_layout);
  _ms_canvas_redraw (self);
}

gboolean
_ms_canvas_get_ghost (MsCanvas *self, const char **ctor, graphene_rect_t *rect)
{
  if (self->ghost_ctor == NULL)
    return FALSE;
  if (ctor != NULL)
    *ctor = self->ghost_ctor;
  if (rect != NULL)
    ghost_rect (self, rect);
  return TRUE;
}

static GdkDragAction
on_drop_motion (GtkDropTarget *target, double wx, double wy, MsCanvas *self)
{
  const GValue *value = gtk_drop_target_get_value (target);
  double x, y;

  to_canvas (self, wx, wy, &x, &y);
  if (value != NULL && G_VALUE_HOLDS_STRING (value))
    _ms_canvas_drag_motion_string (self, g_value_get_string (value), x, y);
  return GDK_ACTION_COPY;
}

static void
on_drop_leave (GtkDropTarget *target, MsCanvas *self)
{
  _ms_canvas_drag_leave (self);
}

/* ---- keyboard -------------------------------------------------------------------- */

static void
scroll_into_view (MsCanvas *self, MsCanvasCard *c)
{
  graphene_rect_t vis;

  _ms_canvas_visible_area (self, &vis);
  if (graphene_rect_contains_rect (&vis, &GRAPHENE_RECT_INIT (c->x, c->y, c->w, c->h)))
    return;
  _ms_canvas_set_offset (self, c->x + c->w / 2 - vis.size.width / 2, c->y + c->h / 2 - vis.size.height / 2);
}

static void
focus_direction (MsCanvas *self, int dx, int dy)
{
  MsCanvasCard *from = _ms_canvas_lookup (self, self->focus_device), *best = NULL;
  double fx, fy, best_score = G_MAXDOUBLE;
  guint id;

  if (from != NULL)
    {
      fx = from->x + from->w / 2;
      fy = from->y + from->h / 2;
    }
  else
    {
      graphene_rect_t vis;
      _ms_canvas_visible_area (self, &vis);
      fx = vis.origin.x + vis.size.width / 2;
      fy = vis.origin.y + vis.size.height / 2;
    }
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      double cx = c->x + c->w / 2 - fx, cy = c->y + c->h / 2 - fy;
      double along = cx * dx + cy * dy, across = ms_fabs (cx * dy) + ms_fabs (cy * dx);
      double score;

      if (c == from)
        continue;
      if (from != NULL && along <= 0)
        continue;
      /* straight ahead beats diagonal */
      score = from != NULL ? along + 2 * across : cx * cx + cy * cy;
      if (score < best_score)
        {
          best_score = score;
          best = c;
        }
    }
  if (best == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  id = best->id;
  ms_canvas_select (self, &id, 1);
  scroll_into_view (self, best);
}

/* Ports in Tab order: the card itself (-1), its inputs, its output. */
static gboolean
focus_next_port (MsCanvas *self, gboolean backward)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, self->focus_device);
  int last, p;

  if (c == NULL)
    return FALSE;
  last = c->out_type != NULL ? (int) c->n_ports : (int) c->n_ports - 1;
  p = self->focus_port + (backward ? -1 : 1);
  if (p < -1 || p > last)
    return FALSE;   /* let focus leave the canvas: no keyboard trap */
  _ms_canvas_set_focus (self, c->id, p);
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, MsCanvas *self)
{
  gboolean alt = (state & GDK_ALT_MASK) != 0;
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;
  int dx = 0, dy = 0;

  if (self->qa_open)
    return FALSE;
  if (self->kwire)
    return key_wire_key (self, keyval, state);
  switch (keyval)
    {
    case GDK_KEY_space:
      self->space_down = TRUE;
      set_cursor (self, "grab");
      return TRUE;
    case GDK_KEY_Escape:
      if (self->drag != MS_CANVAS_DRAG_NONE)
        cancel_drag (self);
      else if (self->n_selected > 0 || self->wire_sel.target != 0 || self->focus_device != 0)
        {
          _ms_canvas_clear_selection (self);
          _ms_canvas_selection_changed (self);
        }
      else
        return FALSE;
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = 1;
      break;
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      if (ctrl)
        return FALSE;
      return focus_next_port (self, keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK));
    case GDK_KEY_Menu:
    case GDK_KEY_F10:
      if (keyval == GDK_KEY_F10 && !(state & GDK_SHIFT_MASK))
        return FALSE;
      {
        MsCanvasCard *c = _ms_canvas_lookup (self, self->focus_device);
        graphene_rect_t vis;
        _ms_canvas_visible_area (self, &vis);
        if (c != NULL)
          _ms_canvas_popup_menu (self, c->x + c->w / 2, c->y + MS_CANVAS_HEADER / 2);
        else
          _ms_canvas_popup_menu (self, vis.origin.x + vis.size.width / 2, vis.origin.y + vis.size.height / 2);
      }
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (self->focus_device == 0)
        return FALSE;
      if (self->focus_port >= 0)
        key_wire_start (self);
      else
        g_signal_emit_by_name (self, "activate-device", self->focus_device);
      return TRUE;
    default:
      return FALSE;
    }
  if (ctrl)
    return FALSE;
  if (alt)
    {
      /* alt+arrows move the selection (or the focused device) one grid step */
      if (self->n_selected == 0 && self->focus_device != 0)
        {
          guint id = self->focus_device;
          ms_canvas_select (self, &id, 1);
        }
      _ms_canvas_move_selection_by (self, dx * MS_CANVAS_GRID, dy * MS_CANVAS_GRID);
      return TRUE;
    }
  focus_direction (self, dx, dy);
  return TRUE;
}

/* ---- wiring from the keyboard --------------------------------------------------- */

typedef struct {
  guint device;
  int port;       /* -1: the output */
  double dist;
} KeyTarget;

static int
cmp_target (gconstpointer a, gconstpointer b)
{
  const KeyTarget *x = a, *y = b;

  if (x->dist != y->dist)
    return x->dist < y->dist ? -1 : 1;
  return x->device < y->device ? -1 : x->device > y->device;
}

static void
key_wire_show (MsCanvas *self)
{
  const KeyTarget *t = &g_array_index (self->kw_targets, KeyTarget, self->kw_index);
  MsCanvasCard *c = _ms_canvas_lookup (self, t->device);

  if (c == NULL)
    return;
  _ms_canvas_card_port_pos (c, t->port, &self->drag_x, &self->drag_y);
  scroll_into_view (self, c);
  _ms_canvas_redraw (self);
}

static void
key_wire_stop (MsCanvas *self)
{
  self->kwire = FALSE;
  g_clear_pointer (&self->kw_targets, g_array_unref);
  if (self->drag == MS_CANVAS_DRAG_WIRE)
    self->drag = MS_CANVAS_DRAG_NONE;
  _ms_canvas_redraw (self);
}

static void
key_wire_start (MsCanvas *self)
{
  MsCanvasCard *from = _ms_canvas_lookup (self, self->focus_device);
  gboolean output = from != NULL && (guint) self->focus_port >= from->n_ports;
  double px, py;

  if (from == NULL || !_ms_canvas_begin_wire (self, from->id, output ? NULL : from->ports[self->focus_port].name))
    return;
  _ms_canvas_card_port_pos (from, self->wire_port, &px, &py);
  self->kw_targets = g_array_new (FALSE, FALSE, sizeof (KeyTarget));
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      for (int p = -1; p < (int) c->n_ports; p++)
        {
          gboolean fits = self->wire_port < 0 ? (p >= 0 && c->ports[p].compatible)
                                              : (p == -1 && c->out_compatible);
          KeyTarget t = { c->id, p, 0 };
          double x, y;
          if (!fits)
            continue;
          _ms_canvas_card_port_pos (c, p, &x, &y);
          t.dist = (x - px) * (x - px) + (y - py) * (y - py);
          g_array_append_val (self->kw_targets, t);
        }
    }
  if (self->kw_targets->len == 0)
    {
      /* nothing in the graph fits: offer what could be added */
      guint id = from->id;
      int port = self->wire_port;
      key_wire_stop (self);
      quick_add_open (self, px + (port < 0 ? 96 : -96), py, id, port);
      return;
    }
  g_array_sort (self->kw_targets, cmp_target);
  self->kwire = TRUE;
  self->kw_index = 0;
  key_wire_show (self);
  _ms_canvas_emit_toast (self, _("Tab to a port that fits, Enter to connect, Escape to cancel"), FALSE);
}

static gboolean
key_wire_key (MsCanvas *self, guint keyval, GdkModifierType state)
{
  guint n = self->kw_targets->len;

  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_Down:
    case GDK_KEY_Right:
      if (!(state & GDK_SHIFT_MASK))
        {
          self->kw_index = (self->kw_index + 1) % n;
          key_wire_show (self);
          return TRUE;
        }
      G_GNUC_FALLTHROUGH;
    case GDK_KEY_ISO_Left_Tab:
    case GDK_KEY_Up:
    case GDK_KEY_Left:
      self->kw_index = (self->kw_index + n - 1) % n;
      key_wire_show (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      {
        KeyTarget t = g_array_index (self->kw_targets, KeyTarget, self->kw_index);
        MsCanvasCard *from = _ms_canvas_lookup (self, self->wire_device);
        MsCanvasCard *to = _ms_canvas_lookup (self, t.device);
        int from_port = self->wire_port;
        key_wire_stop (self);
        if (from == NULL || to == NULL)
          return TRUE;
        if (from_port < 0)
          connect_or_toast (self, from->id, to->id, to->ports[t.port].name);
        else
          connect_or_toast (self, to->id, from->id, from->ports[from_port].name);
        return TRUE;
      }
    case GDK_KEY_Escape:
      key_wire_stop (self);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_ms_canvas_key_press (MsCanvas *self, guint keyval, GdkModifierType state)
{
  return on_key_pressed (NULL, keyval, 0, state, self);
}

static void
on_key_released (GtkEventControllerKey *controller, guint keyval, guint keycode,
                 GdkModifierType state, MsCanvas *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_down = FALSE;
      set_cursor (self, NULL);
    }
}

static void
on_focus_change (GtkEventControllerFocus *controller, MsCanvas *self)
{
  self->space_down = FALSE;
  _ms_canvas_redraw (self);
}

void
_ms_canvas_input_init (MsCanvas *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  GtkGesture *g;
  GtkEventController *c;

  g = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (g), GDK_BUTTON_PRIMARY);
  g_signal_connect (g, "drag-begin", G_CALLBACK (on_primary_begin), self);
  g_signal_connect (g, "drag-update", G_CALLBACK (on_primary_update), self);
  g_signal_connect (g, "drag-end", G_CALLBACK (on_primary_end), self);
  g_signal_connect (g, "cancel", G_CALLBACK (on_primary_cancel), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (g));

  g = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (g), GDK_BUTTON_MIDDLE);
  g_signal_connect (g, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (g, "drag-update", G_CALLBACK (on_pan_update), self);
  g_signal_connect (g, "drag-end", G_CALLBACK (on_pan_end), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (g));

  g = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (g), GDK_BUTTON_PRIMARY);
  g_signal_connect (g, "pressed", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (g));

  g = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (g), GDK_BUTTON_SECONDARY);
  g_signal_connect (g, "pressed", G_CALLBACK (on_secondary), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (g));

  g = gtk_gesture_zoom_new ();
  g_signal_connect (g, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (g, "scale-changed", G_CALLBACK (on_pinch_scale), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (g));

  c = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (c, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (w, c);

  c = gtk_event_controller_motion_new ();
  g_signal_connect (c, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (c, "leave", G_CALLBACK (on_pointer_leave), self);
  gtk_widget_add_controller (w, c);

  c = gtk_event_controller_key_new ();
  g_signal_connect (c, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (c, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (w, c);

  c = gtk_event_controller_focus_new ();
  g_signal_connect (c, "enter", G_CALLBACK (on_focus_change), self);
  g_signal_connect (c, "leave", G_CALLBACK (on_focus_change), self);
  gtk_widget_add_controller (w, c);

  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
    /* the value while it moves over the canvas: the ghost of the card */
    gtk_drop_target_set_preload (drop, TRUE);
    g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
    g_signal_connect (drop, "motion", G_CALLBACK (on_drop_motion), self);
    g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave), self);
    gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drop));
  }

  _ms_canvas_quick_add_init (self);
  context_menu_init (self);
}

/* ---- quick-add ------------------------------------------------------------------ */

/* The parameter of ctor that takes type, or NULL. */
static const MsArgument *
param_taking (MsCatalog *cat, const MsConstructor *ctor, const char *type)
{
  for (guint i = 0; ctor->params != NULL && i < ctor->params->len; i++)
    {
      const MsArgument *a = ctor->params->pdata[i];
      if (types_fit (cat, a->type, type))
        return a;
    }
  return NULL;
}

static void
quick_add_fill (MsCanvas *self, MsCanvasCard *from, int port)
{
  MsCatalog *cat = ms_document_get_catalog (self->doc);
  GPtrArray *ctors = ms_catalog_get_constructors (cat);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *k = ctors->pdata[i];
      gboolean fits;

      if (k->kind != MS_CTOR_DEVICE || k->deprecated != NULL)
        continue;
      if (port < 0)
        fits = param_taking (cat, k, from->out_type) != NULL;
      else
        fits = types_fit (cat, from->ports[port].type, k->result);
      if (fits)
        g_ptr_array_add (names, k->name);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->qa_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->qa_names)),
                          (const char *const *) names->pdata);
}

static void
quick_add_open (MsCanvas *self, double x, double y, guint device, int port)
{
  MsCanvasCard *from = _ms_canvas_lookup (self, device);
  GdkRectangle r;

  if (from == NULL || self->doc == NULL)
    return;
  self->qa_x = x;
  self->qa_y = y;
  self->qa_device = device;
  self->qa_port = port;
  self->qa_open = TRUE;
  quick_add_fill (self, from, port);
  gtk_editable_set_text (GTK_EDITABLE (self->qa_entry), "");
  gtk_single_selection_set_selected (self->qa_selection, 0);
  r.x = (int) ((x - self->off_x) * self->zoom);
  r.y = (int) ((y - self->off_y) * self->zoom);
  r.width = r.height = 1;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->quick_add), &r);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_popover_popup (GTK_POPOVER (self->quick_add));
      gtk_widget_grab_focus (self->qa_entry);
    }
}

gboolean
_ms_canvas_quick_add_is_open (MsCanvas *self)
{
  return self->qa_open;
}

GListModel *
_ms_canvas_quick_add_get_model (MsCanvas *self)
{
  return G_LIST_MODEL (self->qa_names);
}

guint
_ms_canvas_quick_add_choose (MsCanvas *self, const char *ctor_name)
{
  g_autoptr(GError) error = NULL;
  MsCanvasCard *from = _ms_canvas_lookup (self, self->qa_device);
  const MsConstructor *ctor;
  MsCatalog *cat;
  double x, y;
  guint id;
  int port = self->qa_port;

  if (!self->qa_open || from == NULL || self->doc == NULL)
    return 0;
  self->qa_open = FALSE;
  gtk_popover_popdown (GTK_POPOVER (self->quick_add));
  cat = ms_document_get_catalog (self->doc);
  if ((ctor = ms_catalog_lookup (cat, ctor_name)) == NULL)
    return 0;

  /* the new card's port lands where the wire was dropped */
  x = port < 0 ? self->qa_x : self->qa_x - MS_CANVAS_CARD_WIDTH;
  y = self->qa_y - (port < 0 ? MS_CANVAS_HEADER + MS_CANVAS_PORT_ROW / 2 : MS_CANVAS_HEADER / 2);
  ms_document_begin_group (self->doc, _("Add and connect device"));
  id = ms_document_add_device (self->doc, ctor_name, NULL, &error);
  if (id != 0)
    {
      ms_document_move_device (self->doc, id, _ms_canvas_snap (x), _ms_canvas_snap (y), &error);
      if (port < 0)
        {
          const MsArgument *a = param_taking (cat, ctor, from->out_type);
          if (a != NULL && error == NULL)
            ms_document_connect (self->doc, from->id, id, a->name, &error);
        }
      else if (error == NULL)
        ms_document_connect (self->doc, id, from->id, from->ports[port].name, &error);
    }
  if (!ms_document_end_group (self->doc, error ? NULL : &error) || id == 0)
    {
      _ms_canvas_emit_toast (self, error ? error->message : _("The device could not be added"), FALSE);
      return 0;
    }
  ms_canvas_select (self, &id, 1);
  return id;
}

static void
choose_position (MsCanvas *self, guint position)
{
  GtkStringObject *item = g_list_model_get_item (G_LIST_MODEL (self->qa_selection), position);

  if (item == NULL)
    return;
  _ms_canvas_quick_add_choose (self, gtk_string_object_get_string (item));
  g_object_unref (item);
}

static void
on_qa_activate (GtkListView *list, guint position, MsCanvas *self)
{
  choose_position (self, position);
}

static void
on_qa_entry_activate (GtkSearchEntry *entry, MsCanvas *self)
{
  guint pos = gtk_single_selection_get_selected (self->qa_selection);

  if (pos != GTK_INVALID_LIST_POSITION)
    choose_position (self, pos);
}

static void
on_qa_search_changed (GtkSearchEntry *entry, MsCanvas *self)
{
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->qa_filtered);

  gtk_string_filter_set_search (GTK_STRING_FILTER (filter), gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_single_selection_set_selected (self->qa_selection, 0);
}

static void
on_qa_stop (GtkSearchEntry *entry, MsCanvas *self)
{
  gtk_popover_popdown (GTK_POPOVER (self->quick_add));
}

static gboolean
on_qa_key (GtkEventControllerKey *controller, guint keyval, guint keycode,
           GdkModifierType state, MsCanvas *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->qa_selection));
  guint pos = gtk_single_selection_get_selected (self->qa_selection);

  if (n == 0 || (keyval != GDK_KEY_Down && keyval != GDK_KEY_Up))
    return FALSE;
  if (pos == GTK_INVALID_LIST_POSITION)
    pos = 0;
  else if (keyval == GDK_KEY_Down)
    pos = MIN (pos + 1, n - 1);
  else if (pos > 0)
    pos--;
  gtk_single_selection_set_selected (self->qa_selection, pos);
  gtk_widget_activate_action (self->qa_list, "list.scroll-to-item", "u", pos);
  return TRUE;
}

static void
on_qa_closed (GtkPopover *popover, MsCanvas *self)
{
  self->qa_open = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
qa_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *summary = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (summary), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (summary), 36);
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_widget_add_css_class (summary, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), summary);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_item_set_child (item, box);
}

static void
qa_bind (GtkSignalListItemFactory *factory, GtkListItem *item, MsCanvas *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *summary = gtk_widget_get_next_sibling (name);
  const char *ctor = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const MsConstructor *k = self->doc ? ms_catalog_lookup (ms_document_get_catalog (self->doc), ctor) : NULL;

  gtk_label_set_text (GTK_LABEL (name), ctor);
  gtk_label_set_text (GTK_LABEL (summary), k && k->summary ? k->summary : "");
}

void
_ms_canvas_quick_add_init (MsCanvas *self)
{
  GtkWidget *box, *scroller;
  GtkListItemFactory *factory;
  GtkStringFilter *filter;
  GtkEventController *keys;

  self->qa_names = gtk_string_list_new (NULL);
  filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->qa_filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->qa_names), GTK_FILTER (filter));
  self->qa_selection = gtk_single_selection_new (G_LIST_MODEL (self->qa_filtered));
  gtk_single_selection_set_autoselect (self->qa_selection, TRUE);

  self->quick_add = gtk_popover_new ();
  gtk_widget_add_css_class (self->quick_add, "menu");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  self->qa_entry = gtk_search_entry_new ();
  g_object_set (self->qa_entry, "placeholder-text", _("Add a device that fits"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qa_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search devices that fit the wire"), -1);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_qa_key), self);
  gtk_widget_add_controller (self->qa_entry, keys);
  g_signal_connect (self->qa_entry, "activate", G_CALLBACK (on_qa_entry_activate), self);
  g_signal_connect (self->qa_entry, "search-changed", G_CALLBACK (on_qa_search_changed), self);
  g_signal_connect (self->qa_entry, "stop-search", G_CALLBACK (on_qa_stop), self);
  gtk_box_append (GTK_BOX (box), self->qa_entry);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (qa_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (qa_bind), self);
  self->qa_list = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->qa_selection)), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (self->qa_list), TRUE);
  gtk_widget_add_css_class (self->qa_list, "navigation-sidebar");
  g_signal_connect (self->qa_list, "activate", G_CALLBACK (on_qa_activate), self);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_widget_set_size_request (scroller, 280, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->qa_list);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_popover_set_child (GTK_POPOVER (self->quick_add), box);
  g_signal_connect (self->quick_add, "closed", G_CALLBACK (on_qa_closed), self);
  gtk_widget_set_parent (self->quick_add, GTK_WIDGET (self));
}
