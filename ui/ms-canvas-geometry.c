/* ms-canvas-geometry.c: what a device's card is made of and where its
 * parts are: ports from the catalog constructor or the custom signature,
 * card sizes, port positions, hit tests, the edges between cards. No
 * drawing here, so the sizes the layout gets are the ones drawn. */
#include "ms-canvas-private.h"

#include <string.h>

#include "ms-type.h"

double
_ms_canvas_snap (double v)
{
  return ms_round (v / MS_CANVAS_GRID) * MS_CANVAS_GRID;
}

const char *
_ms_canvas_type_family (MsCatalog *cat, const char *type)
{
  MsType t;
  int n_vars = 0;

  if (type == NULL || !ms_type_parse (cat, type, &t, &n_vars, NULL, NULL))
    return NULL;
  return t.family;
}

static void
card_set_height (MsCanvasCard *card)
{
  card->h = MS_CANVAS_HEADER + card->n_ports * MS_CANVAS_PORT_ROW + 8
            + (card->args_text ? MS_CANVAS_ARGS_ROW : 0)
            + (card->key_dependent ? MS_CANVAS_PILL_ROW : 0);
  card->args_y = MS_CANVAS_HEADER + card->n_ports * MS_CANVAS_PORT_ROW + MS_CANVAS_ARGS_ROW / 2 + 2;
  /* no ports, no pill: the header is the card, with no empty strip below */
  if (card->n_ports == 0 && !card->key_dependent && card->args_text == NULL)
    card->h = MS_CANVAS_HEADER;
  /* whole grid steps, so that snapped cards line up at the bottom too */
  card->h = ms_ceil (card->h / MS_CANVAS_GRID) * MS_CANVAS_GRID;
  for (guint i = 0; i < card->n_ports; i++)
    card->ports[i].y = MS_CANVAS_HEADER + i * MS_CANVAS_PORT_ROW + MS_CANVAS_PORT_ROW / 2;
}

MsCanvasCard *
_ms_canvas_card_new (MsDocument *doc, const MsDevice *d)
{
  MsCatalog *cat = ms_document_get_catalog (doc);
  MsCanvasCard *card = g_new0 (MsCanvasCard, 1);

  card->id = d->id;
  card->name = g_strdup (d->name);
  card->ctor = g_strdup (d->ctor);
  card->placed = d->placed;
  card->x = d->x;
  card->y = d->y;
  card->w = MS_CANVAS_CARD_WIDTH;
  card->severity = -1;
  card->taken = -1;

  if (d->custom != NULL && d->custom->choice != NULL)
    {
      /* a choice: one input per case (and default), each of the type of
       * its output, the signature (a device type of the project's own too) */
      const MsChoice *ch = d->custom->choice;
      g_auto(GStrv) own = ms_document_dup_type_names (doc);
      g_autoptr(MsSignature) sig = ms_signature_parse_with (cat, (const char *const *) own,
                                                            d->custom->signature, NULL);
      card->choice = TRUE;
      card->condition = _ms_canvas_choice_condition (ch);
      card->n_ports = ch->cases->len + (ch->has_default ? 1 : 0);
      card->ports = g_new0 (MsCanvasPort, MAX (card->n_ports, 1));
      for (guint i = 0; i < card->n_ports; i++)
        {
          card->ports[i].name = g_strdup (i < ch->cases->len ? ch->cases->pdata[i] : MS_CHOICE_DEFAULT);
          card->ports[i].type = sig ? ms_type_to_string (cat, &sig->result) : g_strdup (d->custom->signature);
          card->ports[i].family = sig ? sig->result.family : NULL;
        }
      card->out_type = sig ? ms_type_to_string (cat, &sig->result) : NULL;
      card->out_family = sig ? sig->result.family : NULL;
      _ms_canvas_card_update_choice (doc, card, d);
    }
  else if (d->custom != NULL)
    {
      g_auto(GStrv) own = ms_document_dup_type_names (doc);
      g_autoptr(MsSignature) sig = ms_signature_parse_with (cat, (const char *const *) own,
                                                            d->custom->signature, NULL);
      if (sig != NULL)
        {
          card->n_ports = sig->params->len;
          card->ports = g_new0 (MsCanvasPort, MAX (card->n_ports, 1));
          for (guint i = 0; i < sig->params->len; i++)
            {
              const MsType *t = &g_array_index (sig->params, MsType, i);
              card->ports[i].name = g_strdup_printf ("%u", i + 1);
              card->ports[i].type = ms_type_to_string (cat, t);
              card->ports[i].family = t->family;
            }
          card->out_type = ms_type_to_string (cat, &sig->result);
          card->out_family = sig->result.family;
        }
    }
  else if (d->def != NULL)
    {
      const MsConstructor *ctor = d->def;
      card->key_dependent = ms_constructor_is_key_dependent (ctor);
      card->n_ports = ctor->params ? ctor->params->len : 0;
      card->ports = g_new0 (MsCanvasPort, MAX (card->n_ports, 1));
      for (guint i = 0; i < card->n_ports; i++)
        {
          const MsArgument *a = ctor->params->pdata[i];
          card->ports[i].name = g_strdup (a->name);
          card->ports[i].type = g_strdup (a->type);
          card->ports[i].family = _ms_canvas_type_family (cat, a->type);
          card->ports[i].optional = !a->required;
        }
      card->out_type = g_strdup (ctor->result);
      card->out_family = _ms_canvas_type_family (cat, ctor->result);
    }
  if (card->ports == NULL)
    card->ports = g_new0 (MsCanvasPort, 1);
  /* a job is run, not used: it has nothing to offer another device */
  if (card->out_family != NULL && g_str_equal (card->out_family, "job"))
    {
      g_clear_pointer (&card->out_type, g_free);
      card->out_family = NULL;
    }
  _ms_canvas_card_update_args (card, d);
  card_set_height (card);
  return card;
}

void
_ms_canvas_card_update_args (MsCanvasCard *card, const MsDevice *d)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const char *group = ms_device_get_option (d, "group");

  if (d->custom != NULL)
    for (guint i = 0; i < d->custom->runtime_args->len; i++)
      {
        const MsArgDecl *a = d->custom->runtime_args->pdata[i];
        g_string_append_printf (s, "%s--%s", s->len ? " " : "", a->name);
      }
  else if (d->def != NULL && d->def->runtime_args != NULL)
    for (guint i = 0; i < d->def->runtime_args->len; i++)
      {
        const MsRuntimeArgUse *u = d->def->runtime_args->pdata[i];
        if (u->def == NULL)
          continue;
        /* a group prefixes the flags of the devices that take one */
        if (u->def->grouped && group != NULL && *group != '\0')
          g_string_append_printf (s, "%s--%s-%s", s->len ? " " : "", group, u->def->flag);
        else
          g_string_append_printf (s, "%s--%s", s->len ? " " : "", u->def->flag);
      }
  g_free (card->args_text);
  card->args_text = s->len ? g_strdup (s->str) : NULL;
  g_clear_object (&card->args_layout);
}

char *
_ms_canvas_choice_condition (const MsChoice *c)
{
  /* as config.ml reads: if_impl Key.is_solo5 ..., match_impl (Key.value target) ... */
  if (c->predicate != NULL)
    return g_strdup_printf ("if Key.%s", c->predicate);
  return g_strdup_printf ("match %s", c->key);
}

gboolean
_ms_canvas_card_update_choice (MsDocument *doc, MsCanvasCard *card, const MsDevice *d)
{
  const char *branch;
  int taken = -1;

  if (!card->choice || d == NULL)
    return FALSE;
  branch = ms_eval_choice_branch (doc, NULL, d);
  for (guint i = 0; branch != NULL && i < card->n_ports; i++)
    if (g_str_equal (card->ports[i].name, branch))
      taken = (int) i;
  if (taken == card->taken)
    return FALSE;
  /* the labels show which input is taken */
  if (card->taken >= 0 && (guint) card->taken < card->n_ports)
    g_clear_object (&card->ports[card->taken].layout);
  if (taken >= 0)
    g_clear_object (&card->ports[taken].layout);
  card->taken = taken;
  return TRUE;
}

void
_ms_canvas_card_clear_layouts (MsCanvasCard *card)
{
  g_clear_object (&card->name_layout);
  g_clear_object (&card->ctor_layout);
  g_clear_object (&card->out_layout);
  g_clear_object (&card->pill_layout);
  g_clear_object (&card->args_layout);
  g_clear_object (&card->ov_layout);
  for (guint i = 0; i < card->n_ports; i++)
    g_clear_object (&card->ports[i].layout);
}

void
_ms_canvas_card_free (MsCanvasCard *card)
{
  if (card == NULL)
    return;
  _ms_canvas_card_clear_layouts (card);
  for (guint i = 0; i < card->n_ports; i++)
    {
      g_free (card->ports[i].name);
      g_free (card->ports[i].type);
    }
  g_free (card->ports);
  g_free (card->name);
  g_free (card->ctor);
  g_free (card->out_type);
  g_free (card->variant);
  g_free (card->condition);
  g_free (card->args_text);
  g_free (card->diag_message);
  if (card->a11y != NULL)
    gtk_widget_unparent (card->a11y);
  g_free (card->a11y_label);
  g_free (card->a11y_desc);
  g_free (card);
}

/* Types after unification are costly for a big graph (the whole graph is
 * unified once per call), so the canvas asks only for cards it draws
 * with text, and again only after connections change. */
void
_ms_canvas_card_resolve_types (MsCanvas *self, MsCanvasCard *card)
{
  g_autoptr(MsDeviceTypes) t = NULL;

  card->types_resolved = TRUE;
  if (self->doc == NULL || (t = ms_check_device_types (self->doc, card->id)) == NULL)
    return;
  for (guint i = 0; i < t->inputs->len && i < card->n_ports; i++)
    {
      MsPortType *p = t->inputs->pdata[i];
      if (g_strcmp0 (p->type, card->ports[i].type) != 0)
        {
          g_free (card->ports[i].type);
          card->ports[i].type = g_strdup (p->type);
          g_clear_object (&card->ports[i].layout);
        }
    }
  if (card->out_type != NULL && t->result != NULL && g_strcmp0 (t->result, "?") != 0
      && g_strcmp0 (t->result, card->out_type) != 0)
    {
      g_free (card->out_type);
      card->out_type = g_strdup (t->result);
      g_clear_object (&card->out_layout);
    }
  _ms_canvas_a11y_update (self, card);
}

void
_ms_canvas_card_port_pos (const MsCanvasCard *card, int port, double *x, double *y)
{
  if (port < 0 || (guint) port >= card->n_ports)
    {
      /* the output, and the fallback for unknown parameters */
      *x = port < 0 ? card->x + card->w : card->x;
      *y = card->y + (port < 0 ? MS_CANVAS_HEADER / 2 : card->h / 2);
      return;
    }
  *x = card->x;
  *y = card->y + card->ports[port].y;
}

MsCanvasCard *
_ms_canvas_hit (MsCanvas *self, double x, double y, int *port)
{
  /* a little more than the drawn dot, so ports are easy to catch; zoomed
   * far out ports are specks, and a press means the card */
  double r = MIN (MAX (MS_CANVAS_PORT_RADIUS * 2.2, 8.0 / self->zoom), 24.0);
  gboolean ports = self->zoom >= 0.3;

  /* topmost first: later cards are drawn over earlier ones */
  for (guint i = self->cards->len; i > 0; i--)
    {
      MsCanvasCard *c = self->cards->pdata[i - 1];
      if (x < c->x - r || x > c->x + c->w + r || y < c->y - r || y > c->y + c->h + r)
        continue;
      if (ports && c->out_type != NULL)
        {
          double px, py;
          _ms_canvas_card_port_pos (c, -1, &px, &py);
          if (ms_fabs (x - px) <= r && ms_fabs (y - py) <= r)
            {
              *port = -1;
              return c;
            }
        }
      for (guint p = 0; ports && p < c->n_ports; p++)
        if (ms_fabs (x - c->x) <= r && ms_fabs (y - (c->y + c->ports[p].y)) <= MIN (r, MS_CANVAS_PORT_ROW / 2))
          {
            *port = (int) p;
            return c;
          }
      if (x >= c->x && x <= c->x + c->w && y >= c->y && y <= c->y + c->h)
        {
          *port = -2;
          return c;
        }
    }
  *port = -2;
  return NULL;
}

gboolean
_ms_canvas_get_bounds (MsCanvas *self, graphene_rect_t *out)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  if (self->cards->len == 0)
    {
      graphene_rect_init (out, 0, 0, 0, 0);
      return FALSE;
    }
  for (guint i = 0; i < self->cards->len; i++)
    {
      MsCanvasCard *c = self->cards->pdata[i];
      x0 = MIN (x0, c->x);
      y0 = MIN (y0, c->y);
      x1 = MAX (x1, c->x + c->w);
      y1 = MAX (y1, c->y + c->h);
    }
  graphene_rect_init (out, x0, y0, x1 - x0, y1 - y0);
  return TRUE;
}

void
_ms_canvas_rebuild_edges (MsCanvas *self)
{
  GPtrArray *conns;

  g_array_set_size (self->edges, 0);
  self->edges_dirty = FALSE;
  if (self->doc == NULL)
    return;
  conns = ms_document_get_connections (self->doc);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      MsCanvasEdge e = { 0 };

      e.src = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (c->source));
      e.dst = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (c->target));
      if (e.src == NULL || e.dst == NULL)
        continue;
      e.port = G_MAXUINT;
      e.param = c->param;
      for (guint p = 0; p < e.dst->n_ports; p++)
        if (g_str_equal (e.dst->ports[p].name, c->param))
          {
            e.port = p;
            e.error = e.dst->ports[p].error;
            break;
          }
      if (e.port == G_MAXUINT)
        e.error = TRUE;   /* a parameter the device does not have */
      g_array_append_val (self->edges, e);
    }
}

double
_ms_canvas_wire_reach (double sx, double tx)
{
  return MAX (40.0, ms_fabs (tx - sx) / 2);
}

void
_ms_canvas_edge_ends (const MsCanvasEdge *e, double *sx, double *sy, double *tx, double *ty)
{
  _ms_canvas_card_port_pos (e->src, -1, sx, sy);
  _ms_canvas_card_port_pos (e->dst, e->port == G_MAXUINT ? (int) e->dst->n_ports : (int) e->port, tx, ty);
}

/* Squared distance from (x, y) to the segment (ax, ay)-(bx, by). */
static double
segment_dist2 (double x, double y, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
  double px, py;

  t = CLAMP (t, 0.0, 1.0);
  px = ax + t * dx - x;
  py = ay + t * dy - y;
  return px * px + py * py;
}

int
_ms_canvas_edge_at (MsCanvas *self, double x, double y)
{
  /* six pixels either side, whatever the zoom: a wire is two or three wide */
  double tol = 6.0 / self->zoom, best = tol * tol;
  int found = -1;

  if (self->edges_dirty)
    _ms_canvas_rebuild_edges (self);
  for (guint i = 0; i < self->edges->len; i++)
    {
      const MsCanvasEdge *e = &g_array_index (self->edges, MsCanvasEdge, i);
      double sx, sy, tx, ty, dx, ax, ay;
      enum { STEPS = 32 };

      _ms_canvas_edge_ends (e, &sx, &sy, &tx, &ty);
      dx = _ms_canvas_wire_reach (sx, tx);
      /* the curve stays inside the box of its four control points */
      if (x < MIN (sx, tx - dx) - tol || x > MAX (sx + dx, tx) + tol
          || y < MIN (sy, ty) - tol || y > MAX (sy, ty) + tol)
        continue;
      ax = sx;
      ay = sy;
      for (int k = 1; k <= STEPS; k++)
        {
          double t = (double) k / STEPS, u = 1 - t;
          double b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t, b3 = t * t * t;
          double bx = b0 * sx + b1 * (sx + dx) + b2 * (tx - dx) + b3 * tx;
          double by = b0 * sy + b1 * sy + b2 * ty + b3 * ty;
          double d2 = segment_dist2 (x, y, ax, ay, bx, by);

          if (d2 < best)
            {
              best = d2;
              found = (int) i;
            }
          ax = bx;
          ay = by;
        }
    }
  return found;
}

gboolean
_ms_canvas_wire_set (MsCanvasWire *w, guint target, const char *param)
{
  char *copy;

  if (target == 0 || param == NULL)
    {
      gboolean had = w->target != 0;
      _ms_canvas_wire_clear (w);
      return had;
    }
  if (w->target == target && g_strcmp0 (w->param, param) == 0)
    return FALSE;
  copy = g_strdup (param);
  g_free (w->param);
  w->target = target;
  w->param = copy;
  return TRUE;
}

void
_ms_canvas_wire_clear (MsCanvasWire *w)
{
  w->target = 0;
  g_clear_pointer (&w->param, g_free);
}

gboolean
_ms_canvas_wire_is (const MsCanvasWire *w, const MsCanvasEdge *e)
{
  return w->target != 0 && e->dst->id == w->target && g_strcmp0 (e->param, w->param) == 0;
}
