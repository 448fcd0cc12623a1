/* ms-canvas-a11y.c: accessible stand-ins for the canvas's cards.
 *
 * GTK 4.8 only exposes widgets to assistive technologies, so each card has
 * a tiny child widget: never drawn, never picked, allocated at the card's
 * rectangle, labelled "<name>, <constructor>" and described by its ports,
 * branch and problems. */
#include "ms-canvas-private.h"

#include <glib/gi18n.h>

#define MS_TYPE_CANVAS_ITEM (ms_canvas_item_get_type ())
G_DECLARE_FINAL_TYPE (MsCanvasItem, ms_canvas_item, MS, CANVAS_ITEM, GtkWidget)

struct _MsCanvasItem
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (MsCanvasItem, ms_canvas_item, GTK_TYPE_WIDGET)

static void
ms_canvas_item_class_init (MsCanvasItemClass *klass)
{
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "canvasitem");
}

static void
ms_canvas_item_init (MsCanvasItem *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

GtkWidget *
_ms_canvas_a11y_item_new (void)
{
  return g_object_new (MS_TYPE_CANVAS_ITEM, NULL);
}

void
_ms_canvas_a11y_update (MsCanvasCard *card)
{
  g_autofree char *label = NULL;
  GString *desc;

  if (card->a11y == NULL)
    return;
  /* TRANSLATORS: accessible name of a device card: "<device name>, <constructor>" */
  label = g_strdup_printf (_("%s, %s"), card->name, card->ctor);
  desc = g_string_new (NULL);
  if (card->n_ports > 0)
    {
      g_string_append_printf (desc, ngettext ("%u input:", "%u inputs:", card->n_ports),
                              card->n_ports);
      for (guint i = 0; i < card->n_ports; i++)
        g_string_append_printf (desc, "%s %s %s", i ? "," : "", card->ports[i].name,
                                card->ports[i].type ? card->ports[i].type : "");
      g_string_append (desc, ". ");
    }
  if (card->out_type != NULL)
    g_string_append_printf (desc, _("Provides %s. "), card->out_type);
  if (card->variant != NULL)
    g_string_append_printf (desc, _("Chooses %s. "), card->variant);
  if (card->diag_message != NULL)
    g_string_append_printf (desc, card->severity == MS_SEVERITY_ERROR ? _("Error: %s") : _("Warning: %s"),
                            card->diag_message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card->a11y),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc->str,
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (card->a11y),
                               GTK_ACCESSIBLE_STATE_SELECTED, card->selected,
                               -1);
  g_string_free (desc, TRUE);
}
