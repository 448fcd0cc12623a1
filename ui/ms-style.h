/* ms-style.h: the studio's stylesheet and icons for a display.
 *
 * Widgets call ms_style_ensure () when their class is made, so they look
 * the same inside the application and on their own (tests, benchmarks),
 * where GtkApplication's resource path does not apply.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ms_style_ensure (void);

G_END_DECLS
