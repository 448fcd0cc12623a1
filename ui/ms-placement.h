/* ms-placement.h: where a new card goes so that it covers no other.
 *
 * A pure function over rectangles (canvas coordinates), so the rule is
 * tested without a canvas: the free place nearest to the wanted one,
 * searched ring by ring on a grid.
 */
#pragma once

#include <graphene.h>
#include <glib.h>

G_BEGIN_DECLS

/* The empty space kept around each card. */
#define MS_PLACEMENT_GAP 24.0

/* Finds the top-left corner (*x, *y), on multiples of grid, nearest to
 * (want_x, want_y) where a w x h card overlaps none of the n occupied
 * rectangles with MS_PLACEMENT_GAP around them. Returns FALSE (and the
 * wanted place, snapped) when none is free within a generous distance. */
gboolean ms_placement_find_free (const graphene_rect_t *occupied, guint n,
                                 double w, double h, double want_x, double want_y,
                                 double grid, double *x, double *y);

G_END_DECLS
