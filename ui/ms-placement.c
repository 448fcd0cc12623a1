/* ms-placement.c: where a new card goes so that it covers no other.
 *
 * Candidates lie on square rings around the wanted corner, one grid step
 * apart; the first ring with a free candidate wins, and on that ring the
 * candidate nearest (Euclidean) to the wanted corner, so the card lands
 * where the user looks, shifted as little as possible (on a tie, below
 * rather than above, right rather than left). Rings stop at a
 * fixed number, which bounds the work on a crowded canvas.
 */
#include "ms-placement.h"

#include <math.h>

#define MAX_RINGS 64

static double
snap (double v, double grid)
{
  return grid > 0 ? round (v / grid) * grid : v;
}

static gboolean
is_free (const graphene_rect_t *occupied, guint n, double x, double y, double w, double h)
{
  for (guint i = 0; i < n; i++)
    {
      const graphene_rect_t *r = &occupied[i];
      if (x < r->origin.x + r->size.width + MS_PLACEMENT_GAP
          && r->origin.x < x + w + MS_PLACEMENT_GAP
          && y < r->origin.y + r->size.height + MS_PLACEMENT_GAP
          && r->origin.y < y + h + MS_PLACEMENT_GAP)
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_placement_find_free (const graphene_rect_t *occupied, guint n,
                        double w, double h, double want_x, double want_y,
                        double grid, double *x, double *y)
{
  double step = grid > 0 ? grid : 16.0;
  double x0 = snap (want_x, grid), y0 = snap (want_y, grid);

  *x = x0;
  *y = y0;
  for (int k = 0; k <= MAX_RINGS; k++)
    {
      double best = INFINITY, bx = 0, by = 0;

      /* the ring at Chebyshev distance k: its top and bottom rows, then
       * the columns between them */
      for (int i = -k; i <= k; i++)
        for (int j = -k; j <= k; j += (i == -k || i == k) ? 1 : 2 * MAX (k, 1))
          {
            double cx = x0 + j * step, cy = y0 + i * step;
            double d = (cx - want_x) * (cx - want_x) + (cy - want_y) * (cy - want_y);
            /* on a tie, below before above and right before left: reading order */
            gboolean better = d < best || (d == best && (cy > by || (cy == by && cx > bx)));
            if (better && is_free (occupied, n, cx, cy, w, h))
              {
                best = d;
                bx = cx;
                by = cy;
              }
          }
      if (best < INFINITY)
        {
          *x = bx;
          *y = by;
          return TRUE;
        }
    }
  return FALSE;
}
