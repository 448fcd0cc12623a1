/* ms-style.c: loads resources/ui/widgets.css and the category icons once
 * for the default display; style classes that follow the project's state. */
#include "ms-style.h"

#include <adwaita.h>

#include "ms-config.h"

void
ms_style_ensure (void)
{
  static gboolean loaded;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  /* widgets live on the main thread; without a display there is nothing
   * to style yet, and a later call does it */
  if (loaded || display == NULL)
    return;
  loaded = TRUE;
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display), MS_RESOURCE_PATH "/icons");
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, MS_RESOURCE_PATH "/ui/widgets.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

void
ms_style_set_problems_badge (GtkWidget *window, AdwViewStackPage *page, guint errors, guint warnings)
{
  ms_style_ensure ();
  adw_view_stack_page_set_needs_attention (page, errors + warnings > 0);
  if (errors > 0)
    gtk_widget_add_css_class (window, "ms-problems-errors");
  else
    gtk_widget_remove_css_class (window, "ms-problems-errors");
  if (errors == 0 && warnings > 0)
    gtk_widget_add_css_class (window, "ms-problems-warnings");
  else
    gtk_widget_remove_css_class (window, "ms-problems-warnings");
}
