/* ms-version-button.c: which Mirage version the project targets, in the
 * header bar.
 *
 * A menu button labelled "Mirage 4.11" whose menu lists the versions a
 * project can target (radio items of the stateful action
 * "version.target"). Choosing one sets the document's "mirage" setting
 * through the command path, so it is undoable and saved like any edit;
 * the document then reads another catalog, and the window re-runs the
 * checks and gives the palette that catalog. The label follows the
 * document's changes rather than the menu, so undo and reloads show.
 */
#include "ms-version-button.h"

#include <glib/gi18n.h>

struct _MsVersionButton
{
  GtkWidget parent_instance;

  GtkWidget *button;
  GSimpleAction *target;
  MsDocument *doc;
  gulong changed_id, reloaded_id;
};

G_DEFINE_FINAL_TYPE (MsVersionButton, ms_version_button, GTK_TYPE_WIDGET)

enum { SIGNAL_TOAST, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update (MsVersionButton *self)
{
  const char *version;
  g_autofree char *label = NULL;
  g_autofree char *tip = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), self->doc != NULL);
  if (self->doc == NULL)
    return;
  version = ms_document_get_mirage_version (self->doc);
  /* TRANSLATORS: the header bar's button; %s is a version such as 4.11 */
  label = g_strdup_printf (_("Mirage %s"), version);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->button), label);
  tip = g_strdup_printf (_("The project targets Mirage %s: its devices, checks and exports follow "
                           "that version. Choose another here."), version);
  gtk_widget_set_tooltip_text (self->button, tip);
  g_simple_action_set_state (self->target, g_variant_new_string (version));
}

static void
on_doc_changed (MsVersionButton *self)
{
  update (self);
}

static void
on_target (GSimpleAction *action, GVariant *value, gpointer data)
{
  MsVersionButton *self = MS_VERSION_BUTTON (data);
  const char *version = g_variant_get_string (value, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->doc == NULL || g_strcmp0 (version, ms_document_get_mirage_version (self->doc)) == 0)
    return;
  if (!ms_document_set_setting (self->doc, MS_SETTING_MIRAGE, version, &error))
    {
      g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message, FALSE);
      update (self);
      return;
    }
  message = g_strdup_printf (_("The project now targets Mirage %s"), version);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message, TRUE);
}

void
ms_version_button_set_document (MsVersionButton *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_VERSION_BUTTON (self));

  if (self->doc == doc)
    return;
  if (self->doc != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->doc);
      g_clear_signal_handler (&self->reloaded_id, self->doc);
    }
  g_set_object (&self->doc, doc);
  if (doc != NULL)
    {
      self->changed_id = g_signal_connect_swapped (doc, "changed", G_CALLBACK (on_doc_changed), self);
      self->reloaded_id = g_signal_connect_swapped (doc, "reloaded", G_CALLBACK (on_doc_changed), self);
    }
  update (self);
}

GtkMenuButton *
ms_version_button_get_menu_button (MsVersionButton *self)
{
  g_return_val_if_fail (MS_IS_VERSION_BUTTON (self), NULL);
  return GTK_MENU_BUTTON (self->button);
}

GtkWidget *
ms_version_button_new (void)
{
  return g_object_new (MS_TYPE_VERSION_BUTTON, NULL);
}

static void
ms_version_button_dispose (GObject *object)
{
  MsVersionButton *self = MS_VERSION_BUTTON (object);

  ms_version_button_set_document (self, NULL);
  g_clear_pointer (&self->button, gtk_widget_unparent);
  g_clear_object (&self->target);
  G_OBJECT_CLASS (ms_version_button_parent_class)->dispose (object);
}

static void
ms_version_button_class_init (MsVersionButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_version_button_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ms-version-button");

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
ms_version_button_init (MsVersionButton *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  const char *const *versions = ms_catalog_get_known_versions ();

  self->target = g_simple_action_new_stateful ("target", G_VARIANT_TYPE_STRING,
                                               g_variant_new_string (MS_MIRAGE_CURRENT));
  g_signal_connect (self->target, "change-state", G_CALLBACK (on_target), self);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (self->target));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "version", G_ACTION_GROUP (group));

  /* newest first: the current release heads the list */
  for (int i = (int) g_strv_length ((char **) versions) - 1; i >= 0; i--)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (g_str_equal (versions[i], MS_MIRAGE_CURRENT))
        /* TRANSLATORS: a menu item; %s is a version such as 4.11 */
        label = g_strdup_printf (_("Mirage %s (current release)"), versions[i]);
      else
        label = g_strdup_printf (_("Mirage %s"), versions[i]);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "version.target", g_variant_new_string (versions[i]));
      g_menu_append_item (section, item);
    }
  g_menu_append_section (menu, _("Target Version"), G_MENU_MODEL (section));

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->button), G_MENU_MODEL (menu));
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (self->button), TRUE);
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Mirage version"), -1);
  update (self);
}
