/* ms-canvas.c: the device-graph canvas: the widget, its properties and
 * signals, keeping cards in step with the document ("changed" names what
 * to redo, "reloaded" redoes everything), selection, the edit commands,
 * zoom, auto-layout on a worker thread, the evaluation that shows which
 * branch key-dependent devices take, and rendering to a texture.
 * Drawing is in ms-canvas-draw.c, input in ms-canvas-input.c. */
#include "ms-canvas-private.h"
#include "ms-placement.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ms-fragment.h"

G_DEFINE_FINAL_TYPE (MsCanvas, ms_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_ZOOM,
  PROP_FOCUS_DEVICE,
  PROP_LAYOUT_RUNNING,
  PROP_SHOW_MINIMAP,
  N_PROPS
};

enum {
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_TOAST,
  SIGNAL_ACTIVATE_DEVICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_eval (MsCanvas *self);
static void update_actions (MsCanvas *self);

/* ---- small helpers ------------------------------------------------------------ */

MsCanvasCard *
_ms_canvas_lookup (MsCanvas *self, guint id)
{
  return id == 0 ? NULL : g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));
}

void
_ms_canvas_emit_toast (MsCanvas *self, const char *message, gboolean offer_undo)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message, offer_undo);
}

void
_ms_canvas_selection_changed (MsCanvas *self)
{
  /* Nothing selected is nothing focused: the inspector follows the focused
   * device, and with none it shows the application's settings. */
  if (self->n_selected == 0 && self->wire_sel.target == 0 && self->focus_device != 0)
    _ms_canvas_set_focus (self, 0, -1);
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
  _ms_canvas_redraw (self);
}

void
_ms_canvas_set_selected (MsCanvas *self, MsCanvasCard *card, gboolean selected)
{
  if (selected)
    _ms_canvas_wire_clear (&self->wire_sel);
  if (card->selected == selected)
    return;
  card->selected = selected;
  self->n_selected += selected ? 1 : -1;
  if (card->a11y != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (card->a11y), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

void
_ms_canvas_clear_selection (MsCanvas *self)
{
  for (guint i = 0; i < self->cards->len && self->n_selected > 0; i++)
    _ms_canvas_set_selected (self, self->cards->pdata[i], FALSE);
  _ms_canvas_wire_clear (&self->wire_sel);
}

void
_ms_canvas_select_wire (MsCanvas *self, guint target, const char *param)
{
  if (_ms_canvas_lookup (self, target) == NULL)
    target = 0;
  if (target != 0 && self->wire_sel.target == target && g_strcmp0 (param, self->wire_sel.param) == 0)
    return;
  /* the cards go first; the wire takes their place */
  for (guint i = 0; i < self->cards->len && self->n_selected > 0; i++)
    _ms_canvas_set_selected (self, self->cards->pdata[i], FALSE);
  _ms_canvas_wire_set (&self->wire_sel, target, param);
  _ms_canvas_selection_changed (self);
}

gboolean
ms_canvas_get_selected_wire (MsCanvas *self, guint *target, const char **param)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), FALSE);

  if (target != NULL)
    *target = self->wire_sel.target;
  if (param != NULL)
    *param = self->wire_sel.param;
  return self->wire_sel.target != 0;
}

void
ms_canvas_select_wire (MsCanvas *self, guint target, const char *param)
{
  g_return_if_fail (MS_IS_CANVAS (self));

  if (target != 0 && (self->doc == NULL || param == NULL
                      || ms_document_get_source (self->doc, target, param) == 0))
    target = 0;
  _ms_canvas_select_wire (self, target, param);
}

/* The wire's input may be gone (undo, a removed device, another process):
 * then so is the selection. */
static void
check_wire_selection (MsCanvas *self)
{
  if (self->wire_sel.target == 0)
    return;
  if (self->doc == NULL || _ms_canvas_lookup (self, self->wire_sel.target) == NULL
      || ms_document_get_source (self->doc, self->wire_sel.target, self->wire_sel.param) == 0)
    {
      _ms_canvas_wire_clear (&self->wire_sel);
      _ms_canvas_selection_changed (self);
    }
}

gboolean
_ms_canvas_wire_at (MsCanvas *self, double x, double y, guint *target, const char **param)
{
  int i = _ms_canvas_edge_at (self, x, y);
  const MsCanvasEdge *e;

  if (i < 0)
    return FALSE;
  e = &g_array_index (self->edges, MsCanvasEdge, i);
  *target = e->dst->id;
  *param = e->param;
  return TRUE;
}

void
_ms_canvas_set_focus (MsCanvas *self, guint device, int port)
{
  if (_ms_canvas_lookup (self, device) == NULL)
    device = 0;
  self->focus_port = device ? port : -1;
  if (self->focus_device != device)
    {
      MsCanvasCard *c = _ms_canvas_lookup (self, device);
      self->focus_device = device;
      /* the keyboard focus never leaves the canvas: tell assistive
       * technologies which card it stands on */
      if (c != NULL && c->a11y != NULL)
        gtk_accessible_update_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_ACTIVE_DESCENDANT,
                                        c->a11y, -1);
      else
        gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_ACTIVE_DESCENDANT);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUS_DEVICE]);
    }
  _ms_canvas_redraw (self);
}

void
_ms_canvas_redraw (MsCanvas *self)
{
  self->node_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
a11y_relayout (gpointer data)
{
  MsCanvas *self = data;

  self->a11y_timeout = 0;
  self->a11y_dirty = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

void
_ms_canvas_view_changed (MsCanvas *self)
{
  _ms_canvas_redraw (self);
  /* The accessible stand-ins follow their cards on screen, but placing a
   * thousand widgets on every frame of a pan would cost the frame: they
   * move when the view comes to rest. */
  if (self->a11y_timeout == 0)
    self->a11y_timeout = g_timeout_add (150, a11y_relayout, self);
}

void
_ms_canvas_visible_area (MsCanvas *self, graphene_rect_t *out)
{
  double w = MAX (1, gtk_widget_get_width (GTK_WIDGET (self)));
  double h = MAX (1, gtk_widget_get_height (GTK_WIDGET (self)));

  graphene_rect_init (out, self->off_x, self->off_y, w / self->zoom, h / self->zoom);
}

void
_ms_canvas_set_offset (MsCanvas *self, double x, double y)
{
  self->auto_fit = FALSE;
  self->off_x = x;
  self->off_y = y;
  _ms_canvas_view_changed (self);
}

void
_ms_canvas_zoom_around (MsCanvas *self, double zoom, double wx, double wy)
{
  double cx = self->off_x + wx / self->zoom, cy = self->off_y + wy / self->zoom;

  zoom = CLAMP (zoom, MS_CANVAS_ZOOM_MIN, MS_CANVAS_ZOOM_MAX);
  if (zoom == self->zoom)
    return;
  self->auto_fit = FALSE;
  self->zoom = zoom;
  self->off_x = cx - wx / zoom;
  self->off_y = cy - wy / zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  _ms_canvas_view_changed (self);
}

/* ---- cards and the document ------------------------------------------------------ */

static void
update_families (MsCanvas *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_ptr_array_set_size (self->families, 0);
  g_clear_pointer (&self->legend_layouts, g_ptr_array_unref);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      for (guint p = 0; p <= c->n_ports; p++)
        {
          const char *f = p < c->n_ports ? c->ports[p].family : c->out_family;
          if (f != NULL && g_hash_table_add (seen, (gpointer) f))
            g_ptr_array_add (self->families, (gpointer) f);
        }
    }
  /* by name, so the legend keeps its order as devices come and go */
  {
    g_autoptr(GPtrArray) tmp = g_ptr_array_copy (self->families, NULL, NULL);
    g_ptr_array_set_size (self->families, 0);
    while (tmp->len > 0)
      {
        guint best = 0;
        for (guint i = 1; i < tmp->len; i++)
          if (g_strcmp0 (tmp->pdata[i], tmp->pdata[best]) < 0)
            best = i;
        g_ptr_array_add (self->families, tmp->pdata[best]);
        g_ptr_array_remove_index (tmp, best);
      }
  }
}

/* A temporary place for cards that have none yet, until the layout runs. */
static void
place_unplaced (MsCanvas *self, MsCanvasCard *card, guint index)
{
  if (card->placed)
    return;
  card->x = (index % 8) * (MS_CANVAS_CARD_WIDTH + 64);
  card->y = (index / 8) * 160;
}

static void
apply_diagnostics_to (MsCanvas *self, MsCanvasCard *card)
{
  card->severity = -1;
  g_clear_pointer (&card->diag_message, g_free);
  for (guint p = 0; p < card->n_ports; p++)
    card->ports[p].error = FALSE;
  if (self->diagnostics == NULL)
    return;
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      const MsDiagnostic *d = self->diagnostics->pdata[i];
      if (d->device == NULL || !g_str_equal (d->device, card->name) || d->severity > MS_SEVERITY_WARNING)
        continue;
      if (card->severity < 0 || (int) d->severity < card->severity)
        {
          card->severity = d->severity;
          g_free (card->diag_message);
          card->diag_message = g_strdup (d->message);
        }
      if (d->port != NULL && d->severity == MS_SEVERITY_ERROR)
        for (guint p = 0; p < card->n_ports; p++)
          if (g_str_equal (card->ports[p].name, d->port))
            card->ports[p].error = TRUE;
    }
}

static MsCanvasCard *
add_card (MsCanvas *self, const MsDevice *d, gboolean selected, guint index)
{
  MsCanvasCard *card = _ms_canvas_card_new (self->doc, d);

  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (card->id), card);
  /* by id: a new device has the largest one, so it goes last */
  if (self->cards->len == 0 || ((MsCanvasCard *) self->cards->pdata[self->cards->len - 1])->id < card->id)
    g_ptr_array_add (self->cards, card);
  else
    {
      guint i = 0;
      while (i < self->cards->len && ((MsCanvasCard *) self->cards->pdata[i])->id < card->id)
        i++;
      g_ptr_array_insert (self->cards, (int) i, card);
    }
  place_unplaced (self, card, index);
  apply_diagnostics_to (self, card);
  card->a11y = _ms_canvas_a11y_item_new ();
  gtk_widget_set_parent (card->a11y, GTK_WIDGET (self));
  if (selected)
    _ms_canvas_set_selected (self, card, TRUE);
  return card;   /* its stand-in is told its text by the caller, once the wires are known */
}

static void
remove_card (MsCanvas *self, guint id)
{
  MsCanvasCard *card = _ms_canvas_lookup (self, id);

  if (card == NULL)
    return;
  _ms_canvas_set_selected (self, card, FALSE);
  /* before the stand-in goes: the canvas's active descendant names it */
  if (self->focus_device == id)
    _ms_canvas_set_focus (self, 0, -1);
  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (id));
  g_ptr_array_remove (self->cards, card);   /* frees it */
  if (self->wire_device == id && self->drag == MS_CANVAS_DRAG_WIRE)
    self->drag = MS_CANVAS_DRAG_NONE;
}

static void
clear_cards (MsCanvas *self)
{
  self->kwire = FALSE;
  g_clear_pointer (&self->kw_targets, g_array_unref);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_ACTIVE_DESCENDANT);
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->cards, 0);
  g_array_set_size (self->edges, 0);
  self->n_selected = 0;
  self->drag = MS_CANVAS_DRAG_NONE;
}

/* What feeds each input is in the descriptions: after a whole rebuild
 * every card says its part (unchanged text is not sent again). */
static void
update_all_a11y (MsCanvas *self)
{
  for (guint i = 0; i < self->cards->len; i++)
    _ms_canvas_a11y_update (self, self->cards->pdata[i]);
}

/* After an edit, only the cards whose text it touched: a new card, the
 * target of a wire that came or went, the cards a renamed device feeds. */
static void
touch_a11y (GHashTable **touched, guint id)
{
  if (*touched == NULL)
    *touched = g_hash_table_new (NULL, NULL);
  g_hash_table_add (*touched, GUINT_TO_POINTER (id));
}

static void
rebuild_all (MsCanvas *self)
{
  g_autoptr(GHashTable) selected = g_hash_table_new (NULL, NULL);
  guint focus = self->focus_device;
  GPtrArray *devices;
  guint n_unplaced = 0;

  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (c->selected)
        g_hash_table_add (selected, GUINT_TO_POINTER (c->id));
    }
  clear_cards (self);
  if (self->doc != NULL)
    {
      devices = ms_document_get_devices (self->doc);
      for (guint i = 0; i < devices->len; i++)
        {
          const MsDevice *d = devices->pdata[i];
          add_card (self, d, g_hash_table_contains (selected, GUINT_TO_POINTER (d->id)),
                    d->placed ? 0 : n_unplaced++);
        }
    }
  self->edges_dirty = TRUE;
  update_families (self);
  /* the stand-ins are new: point the active descendant at the new one */
  self->focus_device = 0;
  _ms_canvas_set_focus (self, focus, self->focus_port);
  schedule_eval (self);
  check_wire_selection (self);
  update_actions (self);
  update_all_a11y (self);
  self->a11y_dirty = TRUE;
  _ms_canvas_view_changed (self);
}

/* The signature makes the ports: a fresh card, same place and state. */
static void
renew_card (MsCanvas *self, MsCanvasCard *card, const MsDevice *d, GHashTable **touched)
{
  gboolean sel = card->selected, focused = self->focus_device == d->id;
  int focus_port = self->focus_port;
  double x = card->x, y = card->y;

  remove_card (self, d->id);
  card = add_card (self, d, sel, 0);
  touch_a11y (touched, d->id);
  card->x = x;
  card->y = y;
  if (focused)
    _ms_canvas_set_focus (self, d->id, (guint) focus_port < card->n_ports ? focus_port : -1);
}

static void
on_doc_changed (MsDocument *doc, MsChangeSet *cs, MsCanvas *self)
{
  gboolean structure = FALSE, selection = FALSE;
  g_autoptr(GHashTable) touched = NULL;
  guint n_unplaced = 0;

  self->doc_serial++;
  if (self->kwire)
    {
      /* what fits was worked out for the graph as it was */
      self->kwire = FALSE;
      g_clear_pointer (&self->kw_targets, g_array_unref);
      if (self->drag == MS_CANVAS_DRAG_WIRE)
        self->drag = MS_CANVAS_DRAG_NONE;
    }
  for (guint i = 0; i < cs->edits->len; i++)
    {
      const MsEdit *e = cs->edits->pdata[i];
      const MsDevice *d = ms_document_get_device (doc, e->device);
      MsCanvasCard *card = _ms_canvas_lookup (self, e->device);

      switch (e->kind)
        {
        case MS_EDIT_INSERT_DEVICE:
          if (d != NULL && card == NULL)
            {
              card = add_card (self, d, FALSE, 0);
              touch_a11y (&touched, d->id);
              if (!card->placed)
                {
                  /* added elsewhere without a place: in view, until it gets one */
                  graphene_rect_t vis;
                  _ms_canvas_visible_area (self, &vis);
                  card->x = _ms_canvas_snap (vis.origin.x + vis.size.width / 2 - card->w / 2 + n_unplaced * 32);
                  card->y = _ms_canvas_snap (vis.origin.y + vis.size.height / 3 + n_unplaced * 32);
                  n_unplaced++;
                }
            }
          structure = TRUE;
          break;
        case MS_EDIT_DELETE_DEVICE:
          if (card != NULL)
            {
              selection |= card->selected;
              remove_card (self, e->device);
            }
          structure = TRUE;
          break;
        case MS_EDIT_POSITION:
          if (card != NULL && d != NULL && d->placed)
            {
              card->x = d->x;
              card->y = d->y;
              card->placed = TRUE;
            }
          else if (card != NULL && d != NULL)
            card->placed = FALSE;
          break;
        case MS_EDIT_CONNECTION:
          touch_a11y (&touched, e->device);
          structure = TRUE;
          break;
        case MS_EDIT_RENAME:
          if (card != NULL && d != NULL)
            {
              g_free (card->name);
              card->name = g_strdup (d->name);
              g_clear_object (&card->name_layout);
              apply_diagnostics_to (self, card);
              touch_a11y (&touched, d->id);
              {
                GPtrArray *conns = ms_document_get_connections (doc);
                for (guint k = 0; k < conns->len; k++)
                  if (((MsConnection *) conns->pdata[k])->source == d->id)
                    touch_a11y (&touched, ((MsConnection *) conns->pdata[k])->target);
              }
            }
          break;
        case MS_EDIT_CUSTOM:
          if (card != NULL && d != NULL)
            renew_card (self, card, d, &touched);
          structure = TRUE;
          break;
        case MS_EDIT_DECL:
          /* a device type of the project's own: signatures that name it
           * make other ports (and the legend lists it) */
          if (e->key != NULL && g_str_has_prefix (e->key, "type:"))
            {
              GPtrArray *devices = ms_document_get_devices (doc);
              for (guint k = 0; k < devices->len; k++)
                {
                  const MsDevice *o = devices->pdata[k];
                  MsCanvasCard *oc = o->custom != NULL ? _ms_canvas_lookup (self, o->id) : NULL;
                  if (oc != NULL)
                    renew_card (self, oc, o, &touched);
                }
              structure = TRUE;
            }
          break;
        case MS_EDIT_OPTION:
          /* the branch may change (the evaluation below sees to it), and a
           * group renames the runtime arguments */
          if (card != NULL && d != NULL)
            _ms_canvas_card_update_args (card, d);
          break;
        case MS_EDIT_SETTING:
        default:
          break;
        }
    }
  /* a choice's branch follows the target, the key values and its cases:
   * any change may move it (choices are few: each is asked again) */
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (c->choice && _ms_canvas_card_update_choice (doc, c, ms_document_get_device (doc, c->id)))
        touch_a11y (&touched, c->id);
    }
  if (touched != NULL)
    {
      GHashTableIter it;
      gpointer id;
      g_hash_table_iter_init (&it, touched);
      while (g_hash_table_iter_next (&it, &id, NULL))
        {
          MsCanvasCard *c = _ms_canvas_lookup (self, GPOINTER_TO_UINT (id));
          if (c != NULL)
            _ms_canvas_a11y_update (self, c);
        }
    }
  if (structure)
    {
      /* unification may change types anywhere downstream */
      for (guint i = 0; i < self->cards->len; i++)
        ((MsCanvasCard *) self->cards->pdata[i])->types_resolved = FALSE;
      self->edges_dirty = TRUE;
      update_families (self);
    }
  schedule_eval (self);
  if (selection)
    _ms_canvas_selection_changed (self);
  check_wire_selection (self);
  update_actions (self);
  self->a11y_dirty = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  _ms_canvas_redraw (self);
}

static void
on_doc_reloaded (MsDocument *doc, MsCanvas *self)
{
  self->doc_serial++;
  rebuild_all (self);
}

/* ---- port types after unification ---------------------------------------------- */

static gboolean
resolve_some (gpointer data)
{
  MsCanvas *self = data;
  graphene_rect_t vis;
  gint64 until = g_get_monotonic_time () + 4000;
  gboolean more = FALSE, any = FALSE;

  _ms_canvas_visible_area (self, &vis);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (c->types_resolved)
        continue;
      if (!graphene_rect_intersection (&vis, &GRAPHENE_RECT_INIT (c->x, c->y, c->w, c->h), NULL))
        continue;
      if (g_get_monotonic_time () > until)
        {
          more = TRUE;
          break;
        }
      _ms_canvas_card_resolve_types (self, c);
      any = TRUE;
    }
  if (any)
    _ms_canvas_redraw (self);
  if (more)
    return G_SOURCE_CONTINUE;
  self->resolve_idle = 0;
  return G_SOURCE_REMOVE;
}

void
_ms_canvas_schedule_resolve (MsCanvas *self)
{
  if (self->resolve_idle == 0 && self->doc != NULL)
    self->resolve_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, resolve_some, self, NULL);
}

/* ---- evaluation: which branch key-dependent devices take ------------------------- */

/* The branches key-dependent devices take, from an evaluation. */
static void
apply_evaluation (MsCanvas *self, MsEvalGraph *g)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      MsEvalNode *n;
      const char *v;

      if (!c->key_dependent)
        continue;
      n = g != NULL ? ms_eval_graph_device_node (g, c->id) : NULL;
      v = n != NULL ? n->variant : NULL;
      if (g_strcmp0 (v, c->variant) != 0)
        {
          g_free (c->variant);
          c->variant = g_strdup (v);
          g_clear_object (&c->pill_layout);
          _ms_canvas_a11y_update (self, c);
          any = TRUE;
        }
    }
  /* a frame of a big graph is not free: only when a pill changed, and
   * only if pills are drawn at this zoom */
  if (any && self->zoom >= MS_CANVAS_TEXT_ZOOM)
    _ms_canvas_redraw (self);
}

static gboolean
eval_now (gpointer data)
{
  MsCanvas *self = data;
  g_autoptr(MsEvalGraph) g = NULL;
  gboolean any = FALSE;

  self->eval_idle = 0;
  if (self->doc == NULL)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < self->cards->len && !any; i++)
    any = ((MsCanvasCard *) self->cards->pdata[i])->key_dependent;
  if (!any)
    return G_SOURCE_REMOVE;
  g = ms_eval_unsorted (self->doc, NULL);
  apply_evaluation (self, g);
  return G_SOURCE_REMOVE;
}

void
ms_canvas_set_evaluation (MsCanvas *self, MsEvalGraph *graph)
{
  g_return_if_fail (MS_IS_CANVAS (self));

  /* from now on the window evaluates after each change, not us */
  self->external_eval = TRUE;
  g_clear_handle_id (&self->eval_idle, g_source_remove);
  apply_evaluation (self, graph);
}

/* Evaluating a big graph takes a while: once after a burst of changes. */
static void
schedule_eval (MsCanvas *self)
{
  if (self->eval_idle == 0 && self->doc != NULL && !self->external_eval)
    self->eval_idle = g_idle_add_full (G_PRIORITY_LOW, eval_now, self, NULL);
}

void
_ms_canvas_flush_eval (MsCanvas *self)
{
  if (self->eval_idle != 0)
    {
      g_source_remove (self->eval_idle);
      eval_now (self);
    }
}

const char *
_ms_canvas_get_variant (MsCanvas *self, guint device)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  return c ? c->variant : NULL;
}

const char *
_ms_canvas_get_choice_branch (MsCanvas *self, guint device)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  return c != NULL && c->choice && c->taken >= 0 ? c->ports[c->taken].name : NULL;
}

int
_ms_canvas_wire_emphasis (MsCanvas *self, guint target, const char *param)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, target);

  if (c == NULL || !c->choice)
    return 0;
  for (guint i = 0; i < c->n_ports; i++)
    if (g_str_equal (c->ports[i].name, param))
      return (int) i == c->taken ? 1 : -1;
  return 0;
}

int
_ms_canvas_get_severity (MsCanvas *self, guint device)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  return c ? c->severity : -1;
}

/* ---- public: document, diagnostics, selection ---------------------------------- */

GtkWidget *
ms_canvas_new (void)
{
  return g_object_new (MS_TYPE_CANVAS, NULL);
}

static gboolean
any_unplaced (MsCanvas *self)
{
  for (guint i = 0; i < self->cards->len; i++)
    if (!((MsCanvasCard *) self->cards->pdata[i])->placed)
      return TRUE;
  return FALSE;
}

void
ms_canvas_set_document (MsCanvas *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_CANVAS (self));
  g_return_if_fail (doc == NULL || MS_IS_DOCUMENT (doc));

  if (self->doc == doc)
    return;
  ms_canvas_cancel_layout (self);
  if (self->doc != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->doc);
      g_clear_signal_handler (&self->reloaded_id, self->doc);
    }
  g_set_object (&self->doc, doc);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->focus_device = 0;
  self->doc_serial++;
  clear_cards (self);
  if (doc != NULL)
    {
      self->changed_id = g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), self);
      self->reloaded_id = g_signal_connect (doc, "reloaded", G_CALLBACK (on_doc_reloaded), self);
    }
  rebuild_all (self);
  if (doc != NULL && any_unplaced (self))
    {
      self->layout_on_open = !ms_document_can_undo (doc) && !ms_document_can_redo (doc);
      ms_canvas_auto_layout (self, FALSE, FALSE);
    }
  self->fit_pending = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    ms_canvas_zoom_to_fit (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUS_DEVICE]);
  _ms_canvas_selection_changed (self);
}

MsDocument *
ms_canvas_get_document (MsCanvas *self)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), NULL);
  return self->doc;
}

void
ms_canvas_set_diagnostics (MsCanvas *self, GPtrArray *diagnostics)
{
  g_return_if_fail (MS_IS_CANVAS (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      int old = c->severity;
      apply_diagnostics_to (self, c);
      if (old != c->severity)
        g_clear_object (&c->name_layout);   /* the badge takes room from the name */
      _ms_canvas_a11y_update (self, c);
    }
  self->edges_dirty = TRUE;
  _ms_canvas_redraw (self);
}

GArray *
ms_canvas_get_selection (MsCanvas *self)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (MS_IS_CANVAS (self), out);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (c->selected)
        g_array_append_val (out, c->id);
    }
  return out;
}

guint
ms_canvas_get_focus_device (MsCanvas *self)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), 0);
  return self->focus_device;
}

void
ms_canvas_select (MsCanvas *self, const guint *ids, guint n_ids)
{
  g_return_if_fail (MS_IS_CANVAS (self));

  _ms_canvas_clear_selection (self);
  for (guint i = 0; i < n_ids; i++)
    {
      MsCanvasCard *c = _ms_canvas_lookup (self, ids[i]);
      if (c != NULL)
        _ms_canvas_set_selected (self, c, TRUE);
    }
  if (n_ids > 0 && _ms_canvas_lookup (self, ids[n_ids - 1]) != NULL)
    _ms_canvas_set_focus (self, ids[n_ids - 1], -1);
  else if (n_ids == 0)
    _ms_canvas_set_focus (self, 0, -1);
  _ms_canvas_selection_changed (self);
}

void
ms_canvas_reveal (MsCanvas *self, guint device, const char *port)
{
  MsCanvasCard *c;
  double w, h;
  int p = -1;

  g_return_if_fail (MS_IS_CANVAS (self));
  if ((c = _ms_canvas_lookup (self, device)) == NULL)
    return;
  ms_canvas_select (self, &device, 1);
  for (guint i = 0; port != NULL && i < c->n_ports; i++)
    if (g_str_equal (c->ports[i].name, port))
      p = (int) i;
  _ms_canvas_set_focus (self, device, p);
  w = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  h = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;
  _ms_canvas_set_offset (self, c->x + c->w / 2 - w / 2, c->y + c->h / 2 - h / 2);
}

gboolean
_ms_canvas_adopt_job (MsCanvas *self, guint id, GError **error)
{
  const MsDevice *d = ms_document_get_device (self->doc, id);
  g_autoptr(GArray) jobs = NULL;

  if (d == NULL || d->custom == NULL || !g_str_equal (d->ctor, "main"))
    return FALSE;
  jobs = ms_document_get_jobs (self->doc);
  for (guint i = 0; i < jobs->len; i++)
    if (ms_document_get_device (self->doc, g_array_index (jobs, guint, i)) != NULL)
      return FALSE;
  return ms_document_set_jobs (self->doc, &id, 1, error);
}

void
_ms_canvas_adopted_toast (MsCanvas *self, guint id)
{
  const MsDevice *d = ms_document_get_device (self->doc, id);
  g_autofree char *msg = NULL;

  if (d == NULL)
    return;
  /* TRANSLATORS: %s is a device name, e.g. "main" */
  msg = g_strdup_printf (_("Added %s as the unikernel's job: register starts it"), d->name);
  _ms_canvas_emit_toast (self, msg, TRUE);
}

/* Adds ctor at a free place near (at_x, at_y) in canvas units, or, when
 * at_x is NaN, near the selection or the view's centre. */
static guint
add_near (MsCanvas *self, const char *ctor, double at_x, double at_y)
{
  gboolean adopted = FALSE;
  g_autoptr(GError) error = NULL;
  graphene_rect_t vis;
  MsCanvasCard *c;
  guint id;

  if (self->doc == NULL)
    return 0;
  _ms_canvas_visible_area (self, &vis);
  ms_document_begin_group (self->doc, _("Add device"));
  id = ms_document_add_device (self->doc, ctor, NULL, &error);
  if (id != 0)
    {
      /* a free place near the selection, or near the view's centre (ms-placement.c) */
      g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
      MsCanvasCard *card = _ms_canvas_card_new (self->doc, ms_document_get_device (self->doc, id));
      double want_x = vis.origin.x + vis.size.width / 2 - card->w / 2, want_y = vis.origin.y + vis.size.height / 2 - 48;
      double x, y;
      gboolean beside = !isnan (at_x);   /* a point was given: no other wish */
      guint feeder = 0;                  /* the selected card it is put beside */

      for (guint i = 0; i < self->cards->len; i++)
        {
          MsCanvasCard *o = self->cards->pdata[i];
          graphene_rect_t r = GRAPHENE_RECT_INIT (o->x, o->y, o->w, o->h);
          if (o->id == id)
            continue;
          g_array_append_val (taken, r);
          if (o->selected && !beside && isnan (at_x))
            {
              want_x = o->x + o->w + 2 * MS_CANVAS_GRID;
              want_y = o->y;
              beside = TRUE;
              feeder = o->id;
            }
        }
      if (!isnan (at_x))
        {
          want_x = at_x - card->w / 2;
          want_y = at_y - MS_CANVAS_HEADER / 2;
        }
      ms_placement_find_free ((graphene_rect_t *) (void *) taken->data, taken->len, card->w, card->h,
                              want_x, want_y, MS_CANVAS_GRID, &x, &y);
      /* put beside a selected card, it takes that card's output on its
       * first free input that fits: the chain grows left to right */
      for (guint p = 0; feeder != 0 && p < card->n_ports; p++)
        if (ms_check_connection (self->doc, feeder, id, card->ports[p].name, NULL))
          {
            ms_document_connect (self->doc, feeder, id, card->ports[p].name, error ? NULL : &error);
            break;
          }
      _ms_canvas_card_free (card);
      ms_document_move_device (self->doc, id, x, y, error ? NULL : &error);
    }
  if (id != 0 && error == NULL)
    adopted = _ms_canvas_adopt_job (self, id, &error);
  if (!ms_document_end_group (self->doc, error ? NULL : &error) || id == 0)
    {
      _ms_canvas_emit_toast (self, error ? error->message : _("The device could not be added"), FALSE);
      return 0;
    }
  if (adopted)
    _ms_canvas_adopted_toast (self, id);
  if ((c = _ms_canvas_lookup (self, id)) != NULL)
    ms_canvas_select (self, &id, 1);
  return id;
}

guint
ms_canvas_add_at_center (MsCanvas *self, const char *ctor)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), 0);
  return add_near (self, ctor, NAN, NAN);
}

guint
ms_canvas_add_at (MsCanvas *self, const char *ctor, double x, double y)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), 0);
  return add_near (self, ctor, x / self->zoom + self->off_x, y / self->zoom + self->off_y);
}

/* ---- zoom ----------------------------------------------------------------------- */

double
ms_canvas_get_zoom (MsCanvas *self)
{
  g_return_val_if_fail (MS_IS_CANVAS (self), 1.0);
  return self->zoom;
}

void
ms_canvas_set_zoom (MsCanvas *self, double zoom)
{
  g_return_if_fail (MS_IS_CANVAS (self));
  _ms_canvas_zoom_around (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                          gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
ms_canvas_zoom_to_fit (MsCanvas *self)
{
  graphene_rect_t b, legend;
  double w, h, z, left, top, aw, ah;

  g_return_if_fail (MS_IS_CANVAS (self));
  w = gtk_widget_get_width (GTK_WIDGET (self));
  h = gtk_widget_get_height (GTK_WIDGET (self));
  if (w <= 0 || h <= 0)
    {
      self->fit_pending = TRUE;
      return;
    }
  self->fit_pending = FALSE;
  if (!_ms_canvas_get_bounds (self, &b))
    {
      _ms_canvas_set_offset (self, -w / 2 / self->zoom, -h / 2 / self->zoom);
      return;
    }
  graphene_rect_inset (&b, -24, -24);
  /* The legend keeps its corner: the graph goes beside it or below it,
   * whichever costs less zoom. */
  left = top = 0;
  if (_ms_canvas_legend_rect (self, &legend))
    {
      double beside = MIN ((w - legend.origin.x - legend.size.width) / b.size.width, h / b.size.height);
      double below = MIN (w / b.size.width, (h - legend.origin.y - legend.size.height) / b.size.height);
      if (beside >= below)
        left = legend.origin.x + legend.size.width;
      else
        top = legend.origin.y + legend.size.height;
    }
  aw = MAX (w - left, w / 2);
  ah = MAX (h - top, h / 2);
  /* never so small that the cards cannot be read: past that, the view
   * shows the graph's start and the rest is a scroll away */
  z = CLAMP (MIN (aw / b.size.width, ah / b.size.height), MS_CANVAS_FIT_ZOOM_MIN, 1.0);
  if (z != self->zoom)
    {
      self->zoom = z;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  _ms_canvas_set_offset (self,
                         b.size.width * z <= aw ? b.origin.x + b.size.width / 2 - (left + aw / 2) / z
                                                : b.origin.x - left / z,
                         b.size.height * z <= ah ? b.origin.y + b.size.height / 2 - (top + ah / 2) / z
                                                 : b.origin.y - top / z);
  self->auto_fit = TRUE;
}

/* ---- auto-layout --------------------------------------------------------------- */

typedef struct {
  MsLayoutNode *nodes;
  char **ids;
  guint *devices;
  guint n_nodes;
  MsLayoutEdge *edges;
  guint n_edges;
  MsLayoutMode mode;
  guint serial;
  gboolean selection_only;
  gboolean on_open;         /* placing what the file left unplaced: not a user step */
  double anchor_x, anchor_y;   /* selection_only: top-left to keep */
} LayoutJob;

static void
layout_job_free (gpointer data)
{
  LayoutJob *j = data;

  g_strfreev (j->ids);
  g_free (j->nodes);
  g_free (j->devices);
  g_free (j->edges);
  g_free (j);
}

static void
layout_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LayoutJob *j = data;
  GError *error = NULL;

  if (ms_layout_run (j->nodes, j->n_nodes, j->edges, j->n_edges, j->mode, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
set_layout_running (MsCanvas *self, gboolean running)
{
  if (self->layout_running == running)
    return;
  self->layout_running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT_RUNNING]);
}

static void
layout_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MsCanvas *self = MS_CANVAS (source);
  LayoutJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GCancellable *mine = g_task_get_cancellable (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _ms_canvas_emit_toast (self, error->message, FALSE);
    }
  else if (j->serial != self->doc_serial || self->doc == NULL)
    {
      /* the document moved on while we worked: these places are stale */
    }
  else
    {
      double dx = 0, dy = 0;
      g_autoptr(GError) move_error = NULL;

      if (j->selection_only && j->n_nodes > 0)
        {
          double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE;
          for (guint i = 0; i < j->n_nodes; i++)
            {
              x0 = MIN (x0, j->nodes[i].x);
              y0 = MIN (y0, j->nodes[i].y);
            }
          dx = j->anchor_x - x0;
          dy = j->anchor_y - y0;
        }
      ms_document_begin_group (self->doc, _("Arrange devices"));
      for (guint i = 0; i < j->n_nodes; i++)
        {
          const MsDevice *d = ms_document_get_device (self->doc, j->devices[i]);
          if (d == NULL || (j->mode == MS_LAYOUT_UNPLACED && j->nodes[i].placed))
            continue;
          ms_document_move_device (self->doc, d->id, _ms_canvas_snap (j->nodes[i].x + dx),
                                   _ms_canvas_snap (j->nodes[i].y + dy), move_error ? NULL : &move_error);
        }
      if (!ms_document_end_group (self->doc, move_error ? NULL : &move_error) && move_error != NULL)
        _ms_canvas_emit_toast (self, move_error->message, FALSE);
      /* the first arrangement of a file is not something to undo */
      else if (j->on_open)
        ms_document_clear_history (self->doc);

      if (self->fit_pending || !j->selection_only)
        ms_canvas_zoom_to_fit (self);
    }
  if (self->layout_cancel == mine)
    {
      g_clear_object (&self->layout_cancel);
      set_layout_running (self, FALSE);
    }
}

void
ms_canvas_auto_layout (MsCanvas *self, gboolean selection_only, gboolean all)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) index = NULL;
  GPtrArray *conns;
  LayoutJob *j;
  guint n = 0;

  g_return_if_fail (MS_IS_CANVAS (self));
  if (self->doc == NULL)
    return;
  /* one at a time: the newest request wins */
  ms_canvas_cancel_layout (self);

  j = g_new0 (LayoutJob, 1);
  j->nodes = g_new0 (MsLayoutNode, MAX (self->cards->len, 1));
  j->devices = g_new0 (guint, MAX (self->cards->len, 1));
  j->ids = g_new0 (char *, self->cards->len + 1);
  j->mode = all || selection_only ? MS_LAYOUT_ALL : MS_LAYOUT_UNPLACED;
  j->serial = self->doc_serial;
  j->selection_only = selection_only;
  j->on_open = self->layout_on_open;
  self->layout_on_open = FALSE;
  j->anchor_x = G_MAXDOUBLE;
  j->anchor_y = G_MAXDOUBLE;
  index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (selection_only && !c->selected)
        continue;
      j->ids[n] = g_strdup (c->name);
      j->nodes[n].id = j->ids[n];
      j->nodes[n].width = c->w;
      j->nodes[n].height = c->h;
      j->nodes[n].placed = c->placed;
      j->nodes[n].x = c->x;
      j->nodes[n].y = c->y;
      j->nodes[n].n_in_ports = c->n_ports;
      j->devices[n] = c->id;
      j->anchor_x = MIN (j->anchor_x, c->x);
      j->anchor_y = MIN (j->anchor_y, c->y);
      g_hash_table_insert (index, GUINT_TO_POINTER (c->id), GUINT_TO_POINTER (n + 1));
      n++;
    }
  j->n_nodes = n;
  conns = ms_document_get_connections (self->doc);
  j->edges = g_new0 (MsLayoutEdge, MAX (conns->len, 1));
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      guint from = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (c->source)));
      guint to = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (c->target)));
      MsCanvasCard *dst = _ms_canvas_lookup (self, c->target);
      guint port = G_MAXUINT;

      if (from == 0 || to == 0 || dst == NULL)
        continue;
      for (guint p = 0; p < dst->n_ports; p++)
        if (g_str_equal (dst->ports[p].name, c->param))
          port = p;
      j->edges[j->n_edges].from = from - 1;
      j->edges[j->n_edges].to = to - 1;
      j->edges[j->n_edges].to_port = port;
      j->n_edges++;
    }
  if (n == 0)
    {
      layout_job_free (j);
      return;
    }

  self->layout_cancel = g_cancellable_new ();
  task = g_task_new (self, self->layout_cancel, layout_done, NULL);
  g_task_set_source_tag (task, ms_canvas_auto_layout);
  g_task_set_task_data (task, j, layout_job_free);
  /* the layout's result is ours to drop, not the task's to pre-empt */
  g_task_set_return_on_cancel (task, FALSE);
  set_layout_running (self, TRUE);
  g_task_run_in_thread (task, layout_thread);
}

void
ms_canvas_cancel_layout (MsCanvas *self)
{
  g_return_if_fail (MS_IS_CANVAS (self));
  if (self->layout_cancel == NULL)
    return;
  g_cancellable_cancel (self->layout_cancel);
  g_clear_object (&self->layout_cancel);
  set_layout_running (self, FALSE);
}

/* ---- commands -------------------------------------------------------------------- */

void
_ms_canvas_disconnect (MsCanvas *self, guint target, const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = g_strdup (param);   /* param may be a string the change frees */
  MsCanvasCard *to = _ms_canvas_lookup (self, target);
  MsCanvasCard *from = self->doc != NULL ? _ms_canvas_lookup (self, ms_document_get_source (self->doc, target, p)) : NULL;
  g_autofree char *msg = NULL;

  if (to == NULL || from == NULL)
    return;
  msg = g_strdup_printf (_("Disconnected %s from %s.%s"), from->name, to->name, p);
  if (!ms_document_disconnect (self->doc, target, p, &error))
    {
      _ms_canvas_emit_toast (self, error->message, FALSE);
      return;
    }
  _ms_canvas_emit_toast (self, msg, TRUE);
}

void
ms_canvas_delete_selection (MsCanvas *self)
{
  g_autoptr(GArray) sel = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  g_return_if_fail (MS_IS_CANVAS (self));
  if (self->wire_sel.target != 0)
    {
      _ms_canvas_disconnect (self, self->wire_sel.target, self->wire_sel.param);
      return;
    }
  sel = ms_canvas_get_selection (self);
  if (self->doc == NULL || sel->len == 0)
    return;
  ms_document_begin_group (self->doc, sel->len == 1 ? _("Remove device") : _("Remove devices"));
  for (guint i = 0; i < sel->len; i++)
    ms_document_remove_device (self->doc, g_array_index (sel, guint, i), error ? NULL : &error);
  if (!ms_document_end_group (self->doc, error ? NULL : &error))
    {
      _ms_canvas_emit_toast (self, error ? error->message : _("Nothing was removed"), FALSE);
      return;
    }
  msg = g_strdup_printf (ngettext ("Removed %u device", "Removed %u devices", sel->len), sel->len);
  _ms_canvas_emit_toast (self, msg, TRUE);
}

static void
paste_text (MsCanvas *self, const char *text, double dx, double dy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  if (self->doc == NULL)
    return;
  if (!ms_fragment_is_fragment (text))
    {
      _ms_canvas_emit_toast (self, _("The clipboard holds no devices"), FALSE);
      return;
    }
  ids = ms_fragment_paste (self->doc, text, dx, dy, &error);
  if (ids == NULL)
    {
      _ms_canvas_emit_toast (self, error->message, FALSE);
      return;
    }
  ms_canvas_select (self, (const guint *) ids->data, ids->len);
}

/* The selection in the clipboard's text form (graph/ms-fragment), or NULL. */
static char *
selection_text (MsCanvas *self)
{
  g_autoptr(GArray) sel = ms_canvas_get_selection (self);

  if (self->doc == NULL || sel->len == 0)
    return NULL;
  return ms_fragment_serialize (self->doc, (const guint *) sel->data, sel->len);
}

void
ms_canvas_duplicate_selection (MsCanvas *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MS_IS_CANVAS (self));
  text = selection_text (self);
  if (text != NULL)
    paste_text (self, text, 2 * MS_CANVAS_GRID, 2 * MS_CANVAS_GRID);
}

void
ms_canvas_copy_selection (MsCanvas *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MS_IS_CANVAS (self));
  text = selection_text (self);
  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
cut_selection (MsCanvas *self)
{
  g_autoptr(GArray) sel = ms_canvas_get_selection (self);

  if (sel->len == 0)
    return;
  ms_canvas_copy_selection (self);
  ms_canvas_delete_selection (self);
}

static void
paste_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MsCanvas) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  graphene_rect_t vis;
  double dx = 2 * MS_CANVAS_GRID, dy = 2 * MS_CANVAS_GRID;

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _ms_canvas_emit_toast (self, _("The clipboard holds no devices"), FALSE);
      return;
    }
  /* copies from another window land in view, not where they were there */
  _ms_canvas_visible_area (self, &vis);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE;
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
        if (g_strv_length (f) == 7 && g_str_equal (f[0], "device") && g_str_equal (f[6], "1"))
          {
            x0 = MIN (x0, g_ascii_strtod (f[4], NULL));
            y0 = MIN (y0, g_ascii_strtod (f[5], NULL));
          }
      }
    if (x0 != G_MAXDOUBLE && !graphene_rect_contains_point (&vis, &GRAPHENE_POINT_INIT (x0 + dx, y0 + dy)))
      {
        dx = _ms_canvas_snap (vis.origin.x + vis.size.width / 4 - x0);
        dy = _ms_canvas_snap (vis.origin.y + vis.size.height / 4 - y0);
      }
  }
  paste_text (self, text, dx, dy);
}

void
ms_canvas_paste (MsCanvas *self)
{
  g_return_if_fail (MS_IS_CANVAS (self));
  if (self->doc == NULL)
    return;
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL,
                                 paste_ready, g_object_ref (self));
}

void
_ms_canvas_move_selection_by (MsCanvas *self, double dx, double dy)
{
  g_autoptr(GError) error = NULL;

  if (self->doc == NULL || self->n_selected == 0)
    return;
  ms_document_begin_group (self->doc, self->n_selected == 1 ? _("Move device") : _("Move devices"));
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      if (c->selected)
        ms_document_move_device (self->doc, c->id, _ms_canvas_snap (c->x + dx), _ms_canvas_snap (c->y + dy),
                                 error ? NULL : &error);
    }
  if (!ms_document_end_group (self->doc, error ? NULL : &error) && error != NULL)
    _ms_canvas_emit_toast (self, error->message, FALSE);
}

static void
select_all (MsCanvas *self)
{
  for (guint i = 0; i < self->cards->len; i++)
    _ms_canvas_set_selected (self, self->cards->pdata[i], TRUE);
  _ms_canvas_selection_changed (self);
}

static void
action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  MsCanvas *self = MS_CANVAS (widget);

  if (g_str_equal (name, "canvas.delete"))
    {
      MsCanvasCard *c = _ms_canvas_lookup (self, self->focus_device);
      /* with the keyboard on a connected input, Delete takes its wire away */
      if (c != NULL && self->focus_port >= 0 && (guint) self->focus_port < c->n_ports
          && gtk_widget_has_focus (widget) && self->doc != NULL
          && ms_document_get_source (self->doc, c->id, c->ports[self->focus_port].name) != 0)
        {
          _ms_canvas_disconnect (self, c->id, c->ports[self->focus_port].name);
          return;
        }
      ms_canvas_delete_selection (self);
    }
  else if (g_str_equal (name, "canvas.duplicate"))
    ms_canvas_duplicate_selection (self);
  else if (g_str_equal (name, "canvas.copy"))
    ms_canvas_copy_selection (self);
  else if (g_str_equal (name, "canvas.cut"))
    cut_selection (self);
  else if (g_str_equal (name, "canvas.paste"))
    ms_canvas_paste (self);
  else if (g_str_equal (name, "canvas.select-all"))
    select_all (self);
  else if (g_str_equal (name, "canvas.zoom-in"))
    ms_canvas_set_zoom (self, self->zoom * 1.25);
  else if (g_str_equal (name, "canvas.zoom-out"))
    ms_canvas_set_zoom (self, self->zoom / 1.25);
  else if (g_str_equal (name, "canvas.zoom-reset"))
    ms_canvas_set_zoom (self, 1.0);
  else if (g_str_equal (name, "canvas.zoom-fit"))
    ms_canvas_zoom_to_fit (self);
  else if (g_str_equal (name, "canvas.layout"))
    ms_canvas_auto_layout (self, FALSE, TRUE);
  else if (g_str_equal (name, "canvas.layout-selection"))
    ms_canvas_auto_layout (self, TRUE, TRUE);
  else if (g_str_equal (name, "canvas.cancel-layout"))
    ms_canvas_cancel_layout (self);
}

static void
update_actions (MsCanvas *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean sel = self->n_selected > 0, any = self->cards->len > 0;

  gtk_widget_action_set_enabled (w, "canvas.delete", sel || self->wire_sel.target != 0);
  gtk_widget_action_set_enabled (w, "canvas.duplicate", sel);
  gtk_widget_action_set_enabled (w, "canvas.copy", sel);
  gtk_widget_action_set_enabled (w, "canvas.cut", sel);
  gtk_widget_action_set_enabled (w, "canvas.paste", self->doc != NULL);
  gtk_widget_action_set_enabled (w, "canvas.select-all", any);
  gtk_widget_action_set_enabled (w, "canvas.layout", any);
  gtk_widget_action_set_enabled (w, "canvas.layout-selection", self->n_selected > 1);
  gtk_widget_action_set_enabled (w, "canvas.cancel-layout", self->layout_running);
}

/* ---- rendering ----------------------------------------------------------------- */

GdkTexture *
ms_canvas_render_texture (MsCanvas *self, GskRenderer *renderer)
{
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  graphene_rect_t b;

  g_return_val_if_fail (MS_IS_CANVAS (self), NULL);
  g_return_val_if_fail (GSK_IS_RENDERER (renderer), NULL);

  _ms_canvas_update_colors (self);
  for (guint i = 0; i < self->cards->len; i++)
    if (!((MsCanvasCard *) self->cards->pdata[i])->types_resolved)
      _ms_canvas_card_resolve_types (self, self->cards->pdata[i]);
  if (!_ms_canvas_get_bounds (self, &b))
    graphene_rect_init (&b, 0, 0, 0, 0);
  b.origin.x = ms_floor (b.origin.x - MS_CANVAS_MARGIN);
  b.origin.y = ms_floor (b.origin.y - MS_CANVAS_MARGIN);
  b.size.width = ms_ceil (b.size.width + 2 * MS_CANVAS_MARGIN);
  b.size.height = ms_ceil (b.size.height + 2 * MS_CANVAS_MARGIN);
  snapshot = gtk_snapshot_new ();
  _ms_canvas_draw (self, snapshot, &b, 1.0, FALSE);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, b.size.width, b.size.height));
}

/* ---- test hooks ---------------------------------------------------------------- */

guint
_ms_canvas_device_at (MsCanvas *self, double x, double y)
{
  int port;
  MsCanvasCard *c = _ms_canvas_hit (self, x, y, &port);

  return c != NULL ? c->id : 0;
}

gboolean
_ms_canvas_port_position (MsCanvas *self, guint device, const char *port, double *x, double *y)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);

  if (c == NULL)
    return FALSE;
  if (port == NULL)
    {
      if (c->out_type == NULL)
        return FALSE;
      _ms_canvas_card_port_pos (c, -1, x, y);
      return TRUE;
    }
  for (guint i = 0; i < c->n_ports; i++)
    if (g_str_equal (c->ports[i].name, port))
      {
        _ms_canvas_card_port_pos (c, (int) i, x, y);
        return TRUE;
      }
  return FALSE;
}

gboolean
_ms_canvas_card_rect (MsCanvas *self, guint device, graphene_rect_t *out)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);

  if (c == NULL)
    return FALSE;
  graphene_rect_init (out, c->x, c->y, c->w, c->h);
  return TRUE;
}

GtkWidget *
_ms_canvas_get_accessible_child (MsCanvas *self, guint device)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  return c ? c->a11y : NULL;
}

const char *
_ms_canvas_get_accessible_description (MsCanvas *self, guint device)
{
  MsCanvasCard *c = _ms_canvas_lookup (self, device);
  return c ? c->a11y_desc : NULL;
}

/* ---- GtkWidget ----------------------------------------------------------------- */

static void
ms_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                   int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  /* Small on purpose: the canvas takes what the panes leave, and a large
   * natural width would make the window fold its side panes early. */
  *minimum = 120;
  *natural = 240;
}

static void
ms_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  MsCanvas *self = MS_CANVAS (widget);

  if ((self->fit_pending || (self->auto_fit && (width != self->alloc_w || height != self->alloc_h)))
      && width > 0 && height > 0)
    ms_canvas_zoom_to_fit (self);
  /* every popover on the canvas: quick add, context menu, and the ones
   * others attach (ms-add-popover.c) */
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c) && gtk_widget_get_visible (c))
      gtk_popover_present (GTK_POPOVER (c));
  if (!self->a11y_dirty && width == self->alloc_w && height == self->alloc_h)
    return;
  self->a11y_dirty = FALSE;
  self->alloc_w = width;
  self->alloc_h = height;
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      GtkAllocation a;
      int m, n;

      if (c->a11y == NULL)
        continue;
      a.x = (int) ms_floor ((c->x - self->off_x) * self->zoom);
      a.y = (int) ms_floor ((c->y - self->off_y) * self->zoom);
      a.width = MAX (1, (int) ms_ceil (c->w * self->zoom));
      a.height = MAX (1, (int) ms_ceil (c->h * self->zoom));
      gtk_widget_measure (c->a11y, GTK_ORIENTATION_HORIZONTAL, -1, &m, &n, NULL, NULL);
      gtk_widget_size_allocate (c->a11y, &a, -1);
    }
}

static void
ms_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MsCanvas *self = MS_CANVAS (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (self->node == NULL || self->node_dirty || w != self->node_w || h != self->node_h)
    {
      GtkSnapshot *s = gtk_snapshot_new ();
      graphene_rect_t view;

      _ms_canvas_visible_area (self, &view);
      _ms_canvas_draw (self, s, &view, self->zoom, TRUE);
      g_clear_pointer (&self->node, gsk_render_node_unref);
      self->node = gtk_snapshot_free_to_node (s);
      self->node_dirty = FALSE;
      self->node_w = w;
      self->node_h = h;
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
}

static void
ms_canvas_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  MsCanvas *self = MS_CANVAS (widget);

  GTK_WIDGET_CLASS (ms_canvas_parent_class)->css_changed (widget, change);
  _ms_canvas_update_colors (self);
  /* fonts may have changed too */
  for (guint i = 0; i < self->cards->len; i++)
    _ms_canvas_card_clear_layouts (self->cards->pdata[i]);
  g_clear_pointer (&self->legend_layouts, g_ptr_array_unref);
  g_clear_object (&self->ghost_layout);
  g_clear_object (&self->hint_layout);
  _ms_canvas_redraw (MS_CANVAS (widget));
}

/* The branch pill's meaning, in words: what the device becomes, and why. */
static char *
pill_tooltip (MsCanvas *self, MsCanvasCard *c)
{
  const char *target = self->doc ? ms_document_get_target (self->doc) : NULL;

  if (c->variant != NULL)
    /* TRANSLATORS: e.g. "net is built as socket: the implementation that the
     * target (unix) and the keys choose for default_network" */
    return g_strdup_printf (_("%s is built as %s: the implementation that the target (%s) and "
                              "the keys choose for %s"), c->name, c->variant, target ? target : "unix", c->ctor);
  return g_strdup_printf (_("Which implementation %s becomes depends on the target and the keys; "
                            "it is chosen once a job uses %s"), c->ctor, c->name);
}

char *
_ms_canvas_tooltip_text (MsCanvas *self, double x, double y)
{
  MsCanvasCard *c;
  int port;

  if ((c = _ms_canvas_hit (self, x, y, &port)) == NULL)
    {
      int i = _ms_canvas_edge_at (self, x, y);
      const MsCanvasEdge *e;
      const char *type;

      if (i < 0)
        return NULL;
      e = &g_array_index (self->edges, MsCanvasEdge, i);
      type = e->port != G_MAXUINT && e->dst->ports[e->port].type != NULL ? e->dst->ports[e->port].type : "?";
      /* TRANSLATORS: a wire: source device → target device.parameter (type) */
      return g_strdup_printf (_("%s → %s.%s (%s)"), e->src->name, e->dst->name, e->param, type);
    }
  if (port >= 0)
    return g_strdup_printf (c->ports[port].optional ? _("%s: %s (optional)") : _("%s: %s"),
                            c->ports[port].name, c->ports[port].type ? c->ports[port].type : "?");
  if (port == -1 && c->out_type != NULL)
    return g_strdup_printf (_("Provides %s"), c->out_type);
  if (c->diag_message != NULL && x > c->x + c->w - 28 && y < c->y + 28)
    return g_strdup (c->diag_message);
  if (c->key_dependent && y >= c->y + c->h - MS_CANVAS_PILL_ROW - 2)
    return pill_tooltip (self, c);
  if (c->args_text != NULL && ms_fabs (y - (c->y + c->args_y)) <= MS_CANVAS_ARGS_ROW / 2)
    /* TRANSLATORS: %s lists flags, e.g. "--ipv4 --ipv4-gateway" */
    return g_strdup_printf (_("Runtime arguments, given at boot: %s"), c->args_text);
  return NULL;
}

static gboolean
ms_canvas_query_tooltip (GtkWidget *widget, int wx, int wy, gboolean keyboard, GtkTooltip *tooltip)
{
  MsCanvas *self = MS_CANVAS (widget);
  g_autofree char *text = NULL;

  if (keyboard || self->drag != MS_CANVAS_DRAG_NONE)
    return FALSE;
  text = _ms_canvas_tooltip_text (self, self->off_x + wx / self->zoom, self->off_y + wy / self->zoom);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
ms_canvas_focus (GtkWidget *widget, GtkDirectionType direction)
{
  /* the cards' stand-ins are not focus stops: the canvas is one */
  if (!gtk_widget_has_focus (widget))
    {
      gtk_widget_grab_focus (widget);
      return TRUE;
    }
  return FALSE;
}

static void
ms_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsCanvas *self = MS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->doc);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_FOCUS_DEVICE:
      g_value_set_uint (value, self->focus_device);
      break;
    case PROP_LAYOUT_RUNNING:
      g_value_set_boolean (value, self->layout_running);
      break;
    case PROP_SHOW_MINIMAP:
      g_value_set_boolean (value, self->show_minimap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_canvas_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsCanvas *self = MS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ms_canvas_set_document (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      ms_canvas_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SHOW_MINIMAP:
      if (self->show_minimap != g_value_get_boolean (value))
        {
          self->show_minimap = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
          _ms_canvas_redraw (self);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_canvas_dispose (GObject *object)
{
  MsCanvas *self = MS_CANVAS (object);

  ms_canvas_cancel_layout (self);
  g_clear_handle_id (&self->eval_idle, g_source_remove);
  g_clear_handle_id (&self->resolve_idle, g_source_remove);
  g_clear_handle_id (&self->a11y_timeout, g_source_remove);
  if (self->doc != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->doc);
      g_clear_signal_handler (&self->reloaded_id, self->doc);
    }
  g_clear_object (&self->doc);
  if (self->cards != NULL)
    clear_cards (self);
  g_clear_pointer (&self->quick_add, gtk_widget_unparent);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_object (&self->qa_selection);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->legend_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->kw_targets, g_array_unref);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_clear_pointer (&self->ghost_ctor, g_free);
  g_clear_object (&self->ghost_layout);
  g_clear_object (&self->hint_layout);
  G_OBJECT_CLASS (ms_canvas_parent_class)->dispose (object);
}

static void
ms_canvas_finalize (GObject *object)
{
  MsCanvas *self = MS_CANVAS (object);

  g_ptr_array_unref (self->cards);
  g_hash_table_unref (self->by_id);
  g_array_unref (self->edges);
  g_ptr_array_unref (self->families);
  g_clear_pointer (&self->rubber_base, g_hash_table_unref);
  _ms_canvas_wire_clear (&self->wire_sel);
  _ms_canvas_wire_clear (&self->wire_press);
  _ms_canvas_wire_clear (&self->wire_hover);
  G_OBJECT_CLASS (ms_canvas_parent_class)->finalize (object);
}

static void
ms_canvas_class_init (MsCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const actions[] = {
    "canvas.delete", "canvas.duplicate", "canvas.copy", "canvas.cut", "canvas.paste",
    "canvas.select-all", "canvas.zoom-in", "canvas.zoom-out", "canvas.zoom-reset",
    "canvas.zoom-fit", "canvas.layout", "canvas.layout-selection", "canvas.cancel-layout",
  };

  object_class->get_property = ms_canvas_get_property;
  object_class->set_property = ms_canvas_set_property;
  object_class->dispose = ms_canvas_dispose;
  object_class->finalize = ms_canvas_finalize;
  widget_class->measure = ms_canvas_measure;
  widget_class->size_allocate = ms_canvas_size_allocate;
  widget_class->snapshot = ms_canvas_snapshot;
  widget_class->css_changed = ms_canvas_css_changed;
  widget_class->focus = ms_canvas_focus;
  widget_class->query_tooltip = ms_canvas_query_tooltip;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, MS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MS_CANVAS_ZOOM_MIN, MS_CANVAS_ZOOM_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUS_DEVICE] =
    g_param_spec_uint ("focus-device", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYOUT_RUNNING] =
    g_param_spec_boolean ("layout-running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_MINIMAP] =
    g_param_spec_boolean ("show-minimap", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_ACTIVATE_DEVICE] =
    g_signal_new ("activate-device", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, action_cb);
  gtk_widget_class_install_property_action (widget_class, "canvas.toggle-minimap", "show-minimap");

  /* menus show the binding added last for an action: the main keys go last */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.layout-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "canvas.layout", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_M, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.toggle-minimap", NULL);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ms_canvas_init (MsCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->cards = g_ptr_array_new_with_free_func ((GDestroyNotify) _ms_canvas_card_free);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->edges = g_array_new (FALSE, TRUE, sizeof (MsCanvasEdge));
  self->families = g_ptr_array_new ();
  self->zoom = 1.0;
  self->focus_port = -1;
  self->show_minimap = TRUE;
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (widget, "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Device graph"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Arrow keys move between devices, Tab between ports, Enter edits the device"),
                                  -1);
  _ms_canvas_update_colors (self);
  _ms_canvas_input_init (self);
  update_actions (self);
}
