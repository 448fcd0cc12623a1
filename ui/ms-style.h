/* ms-style.h: the studio's stylesheet and icons for a display.
 *
 * Widgets call ms_style_ensure () when their class is made, so they look
 * the same inside the application and on their own (tests, benchmarks),
 * where GtkApplication's resource path does not apply.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void ms_style_ensure (void);

/* The Problems page's badge in the colour of its worst problem: red with
 * errors, yellow with warnings only (libadwaita paints every badge that
 * needs attention in the accent colour). window gets the style class
 * ms-problems-errors or ms-problems-warnings that widgets.css reads. */
void ms_style_set_problems_badge (GtkWidget *window, AdwViewStackPage *page, guint errors, guint warnings);

G_END_DECLS
