/* ms-canvas-a11y.c: accessible stand-ins for the canvas's cards.
 *
 * GTK 4.8 only exposes widgets to assistive technologies, so each card has
 * a tiny child widget: never drawn, never picked, allocated at the card's
 * rectangle, labelled "<name>, <constructor>" and described by its ports
 * and what feeds each (the wires, for those who cannot see them), its
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
_ms_canvas_a11y_update (MsCanvas *self, MsCanvasCard *card)
{
  g_autofree char *label = NULL;
  g_autofree char *desc = NULL;
  GString *d;

  if (card->a11y == NULL)
    return;
  /* TRANSLATORS: accessible name of a device card: "<device name>, <constructor>" */
  label = g_strdup_printf (_("%s, %s"), card->name, card->ctor);
  d = g_string_new (NULL);
  if (card->n_ports > 0)
    {
      /* the wires, for those who cannot see them: what feeds each input */
      g_string_append_printf (d, ngettext ("%u input:", "%u inputs:", card->n_ports), card->n_ports);
      for (guint i = 0; i < card->n_ports; i++)
        {
          const MsCanvasPort *p = &card->ports[i];
          guint src = self->doc != NULL ? ms_document_get_source (self->doc, card->id, p->name) : 0;
          MsCanvasCard *from = _ms_canvas_lookup (self, src);

          g_string_append (d, i ? "; " : " ");
          if (from != NULL)
            /* TRANSLATORS: an input of a device card: "<parameter> <type>, from <device>" */
            g_string_append_printf (d, _("%s %s, from %s"), p->name, p->type ? p->type : "", from->name);
          else if (p->optional)
            /* TRANSLATORS: an optional input nothing feeds: "<parameter> <type>, optional, not connected" */
            g_string_append_printf (d, _("%s %s, optional, not connected"), p->name, p->type ? p->type : "");
          else
            /* TRANSLATORS: an input nothing feeds: "<parameter> <type>, not connected" */
            g_string_append_printf (d, _("%s %s, not connected"), p->name, p->type ? p->type : "");
        }
      g_string_append (d, ". ");
    }
  if (card->out_type != NULL)
    g_string_append_printf (d, _("Provides %s. "), card->out_type);
  if (card->variant != NULL)
    g_string_append_printf (d, _("Chooses %s. "), card->variant);
  if (card->choice)
    {
      if (card->taken >= 0)
        g_string_append_printf (d, _("Choice (%s): takes %s. "), card->condition, card->ports[card->taken].name);
      else
        g_string_append_printf (d, _("Choice (%s): no case matches. "), card->condition);
    }
  if (card->diag_message != NULL)
    g_string_append_printf (d, card->severity == MS_SEVERITY_ERROR ? _("Error: %s") : _("Warning: %s"),
                            card->diag_message);
  desc = g_string_free (d, FALSE);
  /* with a screen reader listening each update is a message on the bus */
  if (g_strcmp0 (label, card->a11y_label) != 0 || g_strcmp0 (desc, card->a11y_desc) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (card->a11y),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc,
                                      -1);
      g_free (card->a11y_label);
      g_free (card->a11y_desc);
      card->a11y_label = g_steal_pointer (&label);
      card->a11y_desc = g_steal_pointer (&desc);
    }
  gtk_accessible_update_state (GTK_ACCESSIBLE (card->a11y),
                               GTK_ACCESSIBLE_STATE_SELECTED, card->selected,
                               -1);
}
