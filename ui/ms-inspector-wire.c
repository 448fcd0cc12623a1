/* ms-inspector-wire.c: the inspector page of a selected wire.
 *
 * A wire is one argument of a device: the page says what feeds what,
 * with the types on both ends as the graph unifies them, lets either end
 * be shown on the canvas, and disconnects the wire (with Undo).
 */
#include "ms-inspector-private.h"

#include <string.h>

/* The type of target's parameter param after unification, or NULL. */
static char *
port_type (MsDocument *doc, guint target, const char *param)
{
  g_autoptr(MsDeviceTypes) t = ms_check_device_types (doc, target);

  for (guint i = 0; t != NULL && i < t->inputs->len; i++)
    {
      const MsPortType *p = t->inputs->pdata[i];
      if (g_strcmp0 (p->param, param) == 0)
        return g_strdup (p->type);
    }
  return NULL;
}

static char *
result_type (MsDocument *doc, guint device)
{
  g_autoptr(MsDeviceTypes) t = ms_check_device_types (doc, device);
  return t != NULL ? g_strdup (t->result) : NULL;
}

gboolean
ms_inspector_wire_ends (MsInspector *self, const MsDevice **source, const MsDevice **target)
{
  guint src;

  *source = *target = NULL;
  if (self->doc == NULL || self->wire_target == 0)
    return FALSE;
  *target = ms_document_get_device (self->doc, self->wire_target);
  src = *target != NULL ? ms_document_get_source (self->doc, self->wire_target, self->wire_param) : 0;
  *source = src != 0 ? ms_document_get_device (self->doc, src) : NULL;
  return *source != NULL;
}

/* The types unify over the whole graph: worked out once per refresh, here,
 * and kept for ms_inspector_build_wire. */
char *
ms_inspector_wire_structure (MsInspector *self)
{
  const MsDevice *source, *target;

  g_clear_pointer (&self->wire_types[0], g_free);
  g_clear_pointer (&self->wire_types[1], g_free);
  if (!ms_inspector_wire_ends (self, &source, &target))
    return NULL;
  self->wire_types[0] = result_type (self->doc, source->id);
  self->wire_types[1] = port_type (self->doc, target->id, self->wire_param);
  return g_strdup_printf ("wire|%u|%s|%s|%s|%s|%s|%s", target->id, self->wire_param, source->name,
                          source->ctor, target->name, self->wire_types[0] ? self->wire_types[0] : "",
                          self->wire_types[1] ? self->wire_types[1] : "");
}

static void
on_reveal (AdwActionRow *row, MsInspector *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "ms-device"));
  const char *port = g_object_get_data (G_OBJECT (row), "ms-port");

  ms_inspector_reveal (self, id, port);
}

static GtkWidget *
reveal_row (GtkWidget *group, const char *title, const char *subtitle, guint device, const char *port,
            MsInspector *self)
{
  GtkWidget *row = ms_inspector_info_row (group, title, subtitle);

  g_object_set_data (G_OBJECT (row), "ms-device", GUINT_TO_POINTER (device));
  g_object_set_data_full (G_OBJECT (row), "ms-port", g_strdup (port), g_free);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("find-location-symbolic"));
  gtk_widget_set_tooltip_text (row, _("Show on the canvas"));
  g_signal_connect (row, "activated", G_CALLBACK (on_reveal), self);
  return row;
}

static void
on_disconnect (GtkButton *button, MsInspector *self)
{
  const MsDevice *source, *target;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;
  g_autofree char *param = NULL;

  if (!ms_inspector_wire_ends (self, &source, &target))
    return;
  param = g_strdup (self->wire_param);
  msg = g_strdup_printf (_("Disconnected %s from %s.%s"), source->name, target->name, param);
  if (!ms_document_disconnect (self->doc, target->id, param, &error))
    {
      ms_inspector_report (self, NULL, error);
      return;
    }
  ms_inspector_toast (self, msg, TRUE);
}

void
ms_inspector_build_wire (MsInspector *self)
{
  const MsDevice *source, *target;
  const char *from = self->wire_types[0], *to = self->wire_types[1];
  g_autofree char *description = NULL, *target_title = NULL;
  g_autofree char *from_sub = NULL, *to_sub = NULL;
  GtkWidget *group, *button, *box;

  if (!ms_inspector_wire_ends (self, &source, &target))
    return;

  /* TRANSLATORS: a wire; %s are device names, e.g. "An argument of stack, fed by net." */
  description = g_strdup_printf (_("An argument of %s, fed by %s."), target->name, source->name);
  group = ms_inspector_group_new (self, _("Connection"), description);
  /* TRANSLATORS: the source of a wire: its constructor and the type it provides */
  from_sub = g_strdup_printf (_("%s, provides %s"), source->ctor, from ? from : "?");
  reveal_row (group, source->name, from_sub, source->id, NULL, self);
  target_title = g_strdup_printf ("%s.%s", target->name, self->wire_param);
  /* TRANSLATORS: the end of a wire: the type the parameter takes */
  to_sub = g_strdup_printf (_("expects %s"), to ? to : "?");
  reveal_row (group, target_title, to_sub, target->id, self->wire_param, self);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (box, 12);
  button = gtk_button_new_with_mnemonic (_("_Disconnect"));
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_tooltip_text (button, _("Take the wire away (Delete on the canvas)"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_disconnect), self);
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (self->page_box), box);
}
