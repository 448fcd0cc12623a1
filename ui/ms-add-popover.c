/* ms-add-popover.c: "Add device" at the pointer, from the keyboard.
 *
 * Everything hangs on the canvas as data and controllers, so the canvas
 * itself knows nothing of it: a motion controller remembers where the
 * pointer is, a shortcut (Shift+A, in the canvas's bubble phase so text
 * fields elsewhere keep their keys) opens a GtkPopover holding an
 * MsPalette pointed at that place, and the palette's "add-device" adds
 * the device there through ms_canvas_add_at (one undo step, placed clear
 * of other cards).
 */
#include "ms-add-popover.h"

#include <glib/gi18n.h>

#include "ms-palette.h"

typedef struct {
  MsCanvas *canvas;       /* not owned: the state lives on it */
  GtkWidget *popover;     /* child of the canvas, or NULL */
  MsPalette *palette;
  double x, y;            /* the pointer, in canvas widget coordinates */
  double at_x, at_y;      /* where the popover was opened */
  gboolean inside;
} AddState;

#define STATE_KEY "ms-add-popover"

static void
state_free (gpointer data)
{
  AddState *st = data;

  /* the popover is the canvas's child: it goes with the canvas */
  g_free (st);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, AddState *st)
{
  st->x = x;
  st->y = y;
  st->inside = TRUE;
}

static void
on_leave (GtkEventControllerMotion *motion, AddState *st)
{
  st->inside = FALSE;
}

static void
on_add_device (MsPalette *palette, const char *ctor, AddState *st)
{
  gtk_popover_popdown (GTK_POPOVER (st->popover));
  ms_canvas_add_at (st->canvas, ctor, st->at_x, st->at_y);
  gtk_widget_grab_focus (GTK_WIDGET (st->canvas));
}

static void
on_closed (GtkPopover *popover, AddState *st)
{
  ms_palette_set_search_text (st->palette, "");
}

static void
on_canvas_destroy (GtkWidget *canvas, AddState *st)
{
  if (st->popover != NULL)
    {
      gtk_widget_unparent (st->popover);
      st->popover = NULL;
    }
}

static gboolean
shortcut_cb (GtkWidget *widget, GVariant *args, gpointer data)
{
  AddState *st = g_object_get_data (G_OBJECT (widget), STATE_KEY);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  /* without a pointer over the canvas (keyboard only): its centre */
  return ms_add_popover_popup (MS_CANVAS (widget), st->inside ? st->x : w / 2,
                               st->inside ? st->y : h / 2) != NULL;
}

void
ms_add_popover_attach (MsCanvas *canvas)
{
  AddState *st;
  GtkEventController *motion, *shortcuts;

  g_return_if_fail (MS_IS_CANVAS (canvas));
  if (g_object_get_data (G_OBJECT (canvas), STATE_KEY) != NULL)
    return;
  st = g_new0 (AddState, 1);
  st->canvas = canvas;
  g_object_set_data_full (G_OBJECT (canvas), STATE_KEY, st, state_free);
  g_signal_connect (canvas, "destroy", G_CALLBACK (on_canvas_destroy), st);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), st);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), st);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), st);
  gtk_widget_add_controller (GTK_WIDGET (canvas), motion);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_BUBBLE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_A, GDK_SHIFT_MASK),
                                                          gtk_callback_action_new (shortcut_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (canvas), shortcuts);
}

GtkWidget *
ms_add_popover_popup (MsCanvas *canvas, double x, double y)
{
  AddState *st;
  MsDocument *doc;

  g_return_val_if_fail (MS_IS_CANVAS (canvas), NULL);
  ms_add_popover_attach (canvas);
  st = g_object_get_data (G_OBJECT (canvas), STATE_KEY);
  doc = ms_canvas_get_document (canvas);
  if (doc == NULL)
    return NULL;
  if (st->popover == NULL)
    {
      GtkWidget *palette = ms_palette_new ();

      st->palette = MS_PALETTE (palette);
      gtk_widget_set_size_request (palette, 300, 380);
      st->popover = gtk_popover_new ();
      gtk_popover_set_child (GTK_POPOVER (st->popover), palette);
      gtk_popover_set_has_arrow (GTK_POPOVER (st->popover), FALSE);
      gtk_widget_set_parent (st->popover, GTK_WIDGET (canvas));
      gtk_accessible_update_property (GTK_ACCESSIBLE (st->popover), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Add Device"), -1);
      g_signal_connect (palette, "add-device", G_CALLBACK (on_add_device), st);
      g_signal_connect (st->popover, "closed", G_CALLBACK (on_closed), st);
    }
  ms_palette_set_catalog (st->palette, ms_document_get_catalog (doc));
  st->at_x = x;
  st->at_y = y;
  gtk_popover_set_pointing_to (GTK_POPOVER (st->popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (st->popover));
  ms_palette_focus_search (st->palette);
  return st->popover;
}
