/* ms-inspector.c: the properties of what is selected (widget, fields, refresh).
 *
 * The pages themselves are built in ms-inspector-device.c (catalog
 * devices), ms-inspector-main.c (main and impl devices) and
 * ms-inspector-app.c (the application). This file owns what they share:
 * typed editors that validate before anything reaches the document, the
 * refresh that rebuilds a page only when its structure changed, the
 * diagnostics shown on top, and focusing a field by name.
 */
#include "ms-inspector-private.h"
#include "ms-style.h"

#include <string.h>

#include "ms-config.h"
#include "ms-palette.h"
#include "ms-studio-diagnostics.h"
#include "ms-value.h"

G_DEFINE_FINAL_TYPE (MsInspector, ms_inspector, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_DOCUMENT, PROP_DEVICE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_TOAST, SIGNAL_REVEAL, N_SIGNALS };
static guint signals[N_SIGNALS];

static void schedule_refresh (MsInspector *self);

/* ---- fields ------------------------------------------------------------------ */

static void
field_free (Field *f)
{
  g_free (f->id);
  g_free (f->key);
  g_free (f->value_type);
  g_free (f->hint);
  g_free (f->default_value);
  g_strfreev (f->choices);
  g_free (f->shown);
  g_free (f);
}

Field *
ms_inspector_field_new (MsInspector *self, const char *id, const char *key)
{
  Field *f = g_new0 (Field, 1);

  f->self = self;
  f->id = g_strdup (id);
  f->key = g_strdup (key ? key : id);
  f->resettable = TRUE;
  g_ptr_array_add (self->fields, f);
  return f;
}

char *
ms_field_get_option (Field *f)
{
  const MsDevice *d = ms_document_get_device (f->self->doc, f->self->device);

  return d ? g_strdup (ms_device_get_option (d, f->key)) : NULL;
}

gboolean
ms_field_apply_option (Field *f, const char *value, GError **error)
{
  return ms_document_set_option (f->self->doc, f->self->device, f->key, value, error);
}

char *
ms_field_get_setting (Field *f)
{
  return g_strdup (ms_document_get_setting (f->self->doc, f->key));
}

gboolean
ms_field_apply_setting (Field *f, const char *value, GError **error)
{
  return ms_document_set_setting (f->self->doc, f->key, value, error);
}

static void
show_hint (Field *f)
{
  if (f->hint_label == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (f->hint_label), f->hint ? f->hint : "");
  gtk_widget_remove_css_class (f->hint_label, "error");
  gtk_widget_set_visible (f->hint_row, f->hint != NULL && *f->hint != '\0');
}

void
ms_inspector_field_set_error (Field *f, const char *message)
{
  f->has_error = message != NULL;
  if (f->row != NULL)
    {
      if (message != NULL)
        gtk_widget_add_css_class (f->row, "error");
      else
        gtk_widget_remove_css_class (f->row, "error");
    }
  if (message == NULL)
    {
      show_hint (f);
      return;
    }
  if (f->hint_label != NULL)
    {
      gtk_label_set_text (GTK_LABEL (f->hint_label), message);
      gtk_widget_add_css_class (f->hint_label, "error");
      gtk_widget_set_visible (f->hint_row, TRUE);
    }
}

void
ms_inspector_toast (MsInspector *self, const char *message, gboolean offer_undo)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message, offer_undo);
}

void
ms_inspector_reveal (MsInspector *self, guint device, const char *port)
{
  g_signal_emit (self, signals[SIGNAL_REVEAL], 0, device, port);
}

void
ms_inspector_report (MsInspector *self, Field *f, GError *error)
{
  if (error == NULL || g_error_matches (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO))
    return;
  if (f != NULL && f->hint_label != NULL)
    ms_inspector_field_set_error (f, error->message);
  else
    ms_inspector_toast (self, error->message, FALSE);
}

static gboolean
field_validate (Field *f, const char *value, char **why)
{
  if (value == NULL)
    return TRUE;
  if (f->validate != NULL)
    return f->validate (f, value, why);
  if (f->value_type != NULL)
    return ms_value_check (f->value_type, value, why);
  return TRUE;
}

static void update_reset (Field *f);

/* The one way an edit reaches the document: validated first, refused
 * with the message inline when invalid. */
static void
field_commit (Field *f, const char *value)
{
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  MsInspector *self = f->self;

  if (value != NULL && *value == '\0' && !f->keep_empty)
    value = NULL;
  if (!field_validate (f, value, &why))
    {
      ms_inspector_field_set_error (f, why);
      if (f->hint_label == NULL)
        ms_inspector_toast (self, why, FALSE);
      return;
    }
  if (f->apply == NULL || self->doc == NULL)
    return;
  /* the document's "changed" only schedules a refresh, so f stays valid */
  if (!f->apply (f, value, &error)
      && !g_error_matches (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO))
    {
      ms_inspector_report (self, f, error);
      return;
    }
  g_free (f->shown);
  f->shown = g_strdup (value ? value : "");
  ms_inspector_field_set_error (f, NULL);
  update_reset (f);
}

static void
update_reset (Field *f)
{
  g_autofree char *v = NULL;

  if (f->reset == NULL || f->get == NULL)
    return;
  v = f->get (f);
  gtk_widget_set_sensitive (f->reset, v != NULL);
}

static void
on_reset_clicked (GtkButton *button, Field *f)
{
  if (f->editor_kind == EDITOR_ENTRY)
    {
      /* what was typed goes too: the row shows the unset value */
      f->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (f->editor), "");
      f->updating = FALSE;
    }
  field_commit (f, NULL);
  /* show the default at once, not after the idle refresh */
  schedule_refresh (f->self);
}

static void
add_reset_button (Field *f, GtkWidget *row)
{
  GtkWidget *b;

  if (!f->resettable || f->get == NULL)
    return;
  b = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (b, "flat");
  gtk_widget_set_tooltip_text (b, _("Reset to default"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reset to default"), -1);
  g_signal_connect (b, "clicked", G_CALLBACK (on_reset_clicked), f);
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), b);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
  f->reset = b;
}

static void
add_hint_row (Field *f, GtkWidget *group)
{
  GtkWidget *row = g_object_new (ADW_TYPE_PREFERENCES_ROW, "activatable", FALSE,
                                 "selectable", FALSE, "focusable", FALSE, NULL);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* a description, not a disabled row: normal text, a little softer */
  gtk_widget_add_css_class (label, "ms-hint");
  gtk_widget_add_css_class (row, "ms-hint-row");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  f->hint_row = row;
  f->hint_label = label;
  if (f->row != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (f->row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                    label, NULL, -1);
  show_hint (f);
}

/* ---- editors ------------------------------------------------------------------- */

static void
on_entry_apply (AdwEntryRow *row, Field *f)
{
  field_commit (f, gtk_editable_get_text (GTK_EDITABLE (row)));
}

/* Typing validates at once, but only applying changes the document. */
static void
on_entry_changed (GtkEditable *editable, Field *f)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *why = NULL;

  if (f->updating)
    return;
  if (*text == '\0' && !f->keep_empty)
    {
      ms_inspector_field_set_error (f, NULL);
      return;
    }
  if (!field_validate (f, text, &why))
    ms_inspector_field_set_error (f, why);
  else
    ms_inspector_field_set_error (f, NULL);
}

/* Escape gives back the value the document has, as long as there is
 * something typed to give up; otherwise it is the window's. */
static gboolean
on_entry_key (GtkEventControllerKey *controller, guint keyval, guint keycode,
              GdkModifierType state, Field *f)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (f->editor));

  if (keyval != GDK_KEY_Escape || f->shown == NULL || g_strcmp0 (text, f->shown) == 0)
    return FALSE;
  f->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (f->editor), f->shown);
  gtk_editable_set_position (GTK_EDITABLE (f->editor), -1);
  f->updating = FALSE;
  ms_inspector_field_set_error (f, NULL);
  return TRUE;
}

GtkWidget *
ms_inspector_add_entry_row (MsInspector *self, GtkWidget *group, Field *f, const char *title)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  f->editor_kind = EDITOR_ENTRY;
  ms_row_set_title (row, title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply), f);
  g_signal_connect (row, "changed", G_CALLBACK (on_entry_changed), f);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key), f);
  gtk_widget_add_controller (row, keys);
  f->row = f->editor = row;
  add_reset_button (f, row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  add_hint_row (f, group);
  return row;
}

static void
on_switch_active (GtkSwitch *sw, GParamSpec *pspec, Field *f)
{
  if (f->updating)
    return;
  field_commit (f, gtk_switch_get_active (sw) ? "true" : "false");
}

static void
on_check_toggled (GtkCheckButton *check, Field *f)
{
  if (f->updating)
    return;
  field_commit (f, gtk_check_button_get_active (check) ? "true" : "false");
}

void
ms_inspector_field_attach_check (Field *f, GtkWidget *row, GtkWidget *check)
{
  f->editor_kind = EDITOR_CHECK;
  f->row = row;
  f->editor = check;
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), f);
}

static void
on_spin_value (GtkSpinButton *spin, Field *f)
{
  char buf[32];

  if (f->updating)
    return;
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, (gint64) gtk_spin_button_get_value (spin));
  field_commit (f, buf);
}

static void
on_combo_selected (AdwComboRow *row, GParamSpec *pspec, Field *f)
{
  guint i = adw_combo_row_get_selected (row);

  if (f->updating || f->choices == NULL || i >= g_strv_length (f->choices))
    return;
  field_commit (f, f->choices[i]);
}

GtkWidget *
ms_inspector_add_combo_row (MsInspector *self, GtkWidget *group, Field *f,
                            const char *title, const char *subtitle,
                            const char *const *values, const char *const *labels)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  f->editor_kind = EDITOR_COMBO;
  g_strfreev (f->choices);
  f->choices = g_strdupv ((char **) values);
  for (guint i = 0; values[i] != NULL; i++)
    gtk_string_list_append (model, labels ? labels[i] : values[i]);
  ms_row_set_title (row, title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  /* The value chosen goes under the title, where it has the row's width
   * ("Default (ocaml)" never shrinks to "Def…" beside a long title); the
   * hint then goes on its own line below, like an entry's. */
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (row), TRUE);
  if (subtitle != NULL)
    {
      g_free (f->hint);
      f->hint = g_strdup (subtitle);
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  f->row = f->editor = row;
  f->updating = TRUE;
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), GTK_INVALID_LIST_POSITION);
  f->updating = FALSE;
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_selected), f);
  add_reset_button (f, row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  add_hint_row (f, group);
  return row;
}

char *
ms_inspector_value_hint (const char *value_type, const char *default_value, const char *doc)
{
  GString *s = g_string_new (NULL);

  if (doc != NULL && *doc != '\0')
    g_string_append (s, doc);
  if (value_type != NULL && g_strcmp0 (value_type, "string") != 0)
    {
      g_autofree char *what = ms_value_type_describe (value_type);
      if (s->len)
        g_string_append (s, " ");
      /* e.g. "An IPv4 prefix such as 10.0.0.2/24." */
      g_string_append_printf (s, _("Expects %s."), what);
    }
  if (default_value != NULL && *default_value != '\0')
    {
      if (s->len)
        g_string_append (s, " ");
      g_string_append_printf (s, _("Default: %s."), default_value);
    }
  return g_string_free (s, FALSE);
}

static gboolean
type_is_integer (const char *t)
{
  return g_strcmp0 (t, "int") == 0 || g_strcmp0 (t, "int64") == 0 || g_strcmp0 (t, "port") == 0;
}

/* A typed editor for a value of value_type: a switch, a spin button, a
 * drop-down or a validated entry. */
GtkWidget *
ms_inspector_add_value_row (MsInspector *self, GtkWidget *group, Field *f,
                            const char *title, const char *default_value, const char *doc)
{
  g_auto(GStrv) enums = f->value_type ? ms_value_enum_choices (f->value_type) : NULL;
  GtkWidget *row;

  g_free (f->hint);
  /* a drop-down shows its choices and its default item; a switch shows the rest */
  if (enums != NULL)
    f->hint = g_strdup (doc);
  else if (g_strcmp0 (f->value_type, "bool") == 0)
    f->hint = ms_inspector_value_hint (NULL, default_value, doc);
  else
    f->hint = ms_inspector_value_hint (f->value_type, default_value, doc);
  g_free (f->default_value);
  f->default_value = g_strdup (default_value);

  if (enums != NULL)
    {
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

      /* the first item leaves the value unset, so the default keeps applying */
      g_ptr_array_add (values, "");
      if (default_value != NULL && *default_value != '\0')
        g_ptr_array_add (labels, g_strdup_printf (_("Default (%s)"), default_value));
      else
        g_ptr_array_add (labels, g_strdup (_("Default")));
      for (guint i = 0; enums[i]; i++)
        {
          g_ptr_array_add (values, enums[i]);
          g_ptr_array_add (labels, g_strdup (enums[i]));
        }
      g_ptr_array_add (values, NULL);
      g_ptr_array_add (labels, NULL);
      row = ms_inspector_add_combo_row (self, group, f, title, NULL,
                                        (const char *const *) values->pdata,
                                        (const char *const *) labels->pdata);
      return row;
    }

  if (g_strcmp0 (f->value_type, "bool") == 0 || type_is_integer (f->value_type))
    {
      GtkWidget *editor;

      row = adw_action_row_new ();
      ms_row_set_title (row, title);
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      if (g_strcmp0 (f->value_type, "bool") == 0)
        {
          f->editor_kind = EDITOR_SWITCH;
          editor = gtk_switch_new ();
          g_signal_connect (editor, "notify::active", G_CALLBACK (on_switch_active), f);
        }
      else
        {
          gboolean port = g_strcmp0 (f->value_type, "port") == 0;
          f->editor_kind = EDITOR_SPIN;
          /* doubles hold integers exactly up to 2^53, plenty for options */
          editor = gtk_spin_button_new_with_range (port ? 0 : -9007199254740992.0,
                                                   port ? 65535 : 9007199254740992.0, 1);
          gtk_spin_button_set_digits (GTK_SPIN_BUTTON (editor), 0);
          gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (editor), TRUE);
          g_signal_connect (editor, "value-changed", G_CALLBACK (on_spin_value), f);
        }
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      /* a switch leaves its hint the row's width; a spin button would
       * squeeze it into a narrow column: it goes on a line below */
      if (f->editor_kind == EDITOR_SWITCH && f->hint && *f->hint)
        {
          ms_row_set_subtitle (row, f->hint);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), editor);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), editor);
      f->row = row;
      f->editor = editor;
      add_reset_button (f, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      if (f->editor_kind == EDITOR_SPIN)
        add_hint_row (f, group);
      return row;
    }

  return ms_inspector_add_entry_row (self, group, f, title);
}

/* The value shown for an unset field: the default where there is one. */
static const char *
field_default (Field *f)
{
  return f->default_value;
}

/* Puts the document's value into the editor, unless the user is typing
 * something else into it. */
static void
field_update (Field *f)
{
  g_autofree char *value = NULL;
  const char *shown;

  if (f->get == NULL)
    return;
  value = f->get (f);
  shown = value;
  if (shown == NULL)
    shown = f->editor_kind == EDITOR_ENTRY ? "" : field_default (f);

  f->updating = TRUE;
  switch (f->editor_kind)
    {
    case EDITOR_NONE:
      break;
    case EDITOR_ENTRY:
      {
        const char *text = gtk_editable_get_text (GTK_EDITABLE (f->editor));
        gboolean typing = f->shown != NULL && g_strcmp0 (text, f->shown) != 0;
        if (!typing && g_strcmp0 (text, shown) != 0)
          gtk_editable_set_text (GTK_EDITABLE (f->editor), shown);
        if (!typing && f->has_error)
          ms_inspector_field_set_error (f, NULL);
      }
      break;
    case EDITOR_SWITCH:
      {
        gboolean b = FALSE;
        ms_value_parse_bool (shown ? shown : "false", &b);
        gtk_switch_set_active (GTK_SWITCH (f->editor), b);
      }
      break;
    case EDITOR_CHECK:
      gtk_check_button_set_active (GTK_CHECK_BUTTON (f->editor), g_strcmp0 (shown, "true") == 0);
      break;
    case EDITOR_SPIN:
      {
        gint64 n = 0;
        if (shown == NULL || !ms_value_parse_int64 (shown, &n))
          n = 0;
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (f->editor), (double) n);
      }
      break;
    case EDITOR_COMBO:
      {
        guint sel = GTK_INVALID_LIST_POSITION;
        const char *want = value ? value : "";
        for (guint i = 0; f->choices && f->choices[i]; i++)
          if (g_strcmp0 (f->choices[i], want) == 0)
            sel = i;
        if (sel == GTK_INVALID_LIST_POSITION && value == NULL)
          {
            /* no "default" item: show the default's own item */
            for (guint i = 0; f->choices && f->choices[i]; i++)
              if (g_strcmp0 (f->choices[i], field_default (f)) == 0)
                sel = i;
          }
        if (adw_combo_row_get_selected (ADW_COMBO_ROW (f->editor)) != sel)
          adw_combo_row_set_selected (ADW_COMBO_ROW (f->editor), sel);
      }
      break;
    }
  f->updating = FALSE;
  g_free (f->shown);
  f->shown = g_strdup (f->editor_kind == EDITOR_ENTRY ? shown : (value ? value : ""));
  update_reset (f);
}

/* ---- small builders -------------------------------------------------------------- */

void
ms_row_set_title (GtkWidget *row, const char *title)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
}

void
ms_row_set_subtitle (GtkWidget *row, const char *subtitle)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : "");
}

GtkWidget *
ms_inspector_group_new (MsInspector *self, const char *title, const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description)
    {
      /* the description is markup */
      g_autofree char *escaped = g_markup_escape_text (description, -1);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped);
    }
  gtk_box_append (GTK_BOX (self->page_box), group);
  return group;
}

GtkWidget *
ms_inspector_info_row (GtkWidget *group, const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  ms_row_set_title (row, title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle)
    ms_row_set_subtitle (row, subtitle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

GtkWidget *
ms_inspector_row_button (const char *icon, const char *tip, GCallback clicked, gpointer data)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (b, "flat");
  gtk_widget_set_tooltip_text (b, tip);
  /* an icon alone says nothing to a screen reader: the tip is its name */
  gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  g_signal_connect (b, "clicked", clicked, data);
  return b;
}

/* ---- diagnostics --------------------------------------------------------------- */

static gboolean
diagnostic_is_here (MsInspector *self, const MsDiagnostic *d, const MsDevice *dev)
{
  if (self->wire_target != 0)
    {
      const MsDevice *target = ms_document_get_device (self->doc, self->wire_target);
      return target != NULL && g_strcmp0 (d->device, target->name) == 0
             && g_strcmp0 (d->port, self->wire_param) == 0;
    }
  if (dev != NULL)
    return g_strcmp0 (d->device, dev->name) == 0;
  return d->device == NULL;
}

static void
on_diagnostic_activated (AdwActionRow *row, MsInspector *self)
{
  const char *field = g_object_get_data (G_OBJECT (row), "ms-field");

  /* a refresh due now may replace this very row: focus after it */
  if (field != NULL && self->refresh_idle != 0)
    ms_inspector_focus_field_later (self, field);
  else if (field != NULL)
    ms_inspector_focus_field (self, field);
}

/* The fix a "no job" problem offers: register the main device. */
static void
on_make_job_clicked (GtkButton *button, MsInspector *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-device"));
  const MsDevice *d = self->doc ? ms_document_get_device (self->doc, id) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (d == NULL)
    return;
  msg = g_strdup_printf (_("%s is the unikernel's job: register starts it"), d->name);
  if (!ms_document_set_jobs (self->doc, &id, 1, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, msg, TRUE);
}

static void
update_diagnostics (MsInspector *self)
{
  const MsDevice *dev = self->device ? ms_document_get_device (self->doc, self->device) : NULL;
  g_autoptr(GString) key = g_string_new (NULL);
  GtkWidget *group, *child;

  for (guint i = 0; self->diagnostics && i < self->diagnostics->len; i++)
    {
      const MsDiagnostic *d = self->diagnostics->pdata[i];
      if (diagnostic_is_here (self, d, dev))
        g_string_append_printf (key, "%d|%s|%s\n", d->severity, d->code, d->message);
    }
  if (g_strcmp0 (key->str, self->diagnostics_key) == 0)
    return;
  g_free (self->diagnostics_key);
  self->diagnostics_key = g_strdup (key->str);

  while ((child = gtk_widget_get_first_child (self->diagnostics_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->diagnostics_box), child);
  gtk_widget_set_visible (self->diagnostics_box, key->len > 0);
  if (key->len == 0)
    return;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Problems"));
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      const MsDiagnostic *d = self->diagnostics->pdata[i];
      const char *field = d->option ? d->option : d->setting;
      GtkWidget *row, *icon;

      if (!diagnostic_is_here (self, d, dev))
        continue;
      if (field == NULL && d->port == NULL && (g_str_equal (d->code, MS_DIAG_INVALID_NAME)
                                               || g_str_equal (d->code, MS_DIAG_DUPLICATE_NAME)))
        field = "name";
      row = adw_action_row_new ();
      ms_row_set_title (row, d->message);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      ms_row_set_subtitle (row, d->code);
      icon = gtk_image_new_from_icon_name (d->severity == MS_SEVERITY_ERROR ? "dialog-error-symbolic"
                                           : d->severity == MS_SEVERITY_WARNING ? "dialog-warning-symbolic"
                                           : "dialog-information-symbolic");
      gtk_widget_add_css_class (icon, d->severity == MS_SEVERITY_ERROR ? "error"
                                : d->severity == MS_SEVERITY_WARNING ? "warning" : "accent");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      ms_severity_to_string (d->severity), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      if (self->doc != NULL && g_str_equal (d->code, MS_DIAG_NO_JOBS) && ms_studio_job_candidate (self->doc) != 0)
        {
          guint id = ms_studio_job_candidate (self->doc);
          const MsDevice *main_dev = ms_document_get_device (self->doc, id);
          g_autofree char *label = g_strdup_printf (_("Make %s the Job"), main_dev->name);
          GtkWidget *fix = gtk_button_new_with_label (label);
          gtk_widget_set_valign (fix, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (fix, "suggested-action");
          g_object_set_data (G_OBJECT (fix), "ms-device", GUINT_TO_POINTER (id));
          g_object_set_data (G_OBJECT (row), "ms-fix", fix);
          g_signal_connect (fix, "clicked", G_CALLBACK (on_make_job_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), fix);
        }
      if (field != NULL)
        {
          g_object_set_data_full (G_OBJECT (row), "ms-field", g_strdup (field), g_free);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_signal_connect (row, "activated", G_CALLBACK (on_diagnostic_activated), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (GTK_BOX (self->diagnostics_box), group);
}

/* ---- refresh ------------------------------------------------------------------- */

static char *
current_structure (MsInspector *self, const MsDevice **dev)
{
  *dev = NULL;
  if (self->doc == NULL)
    return g_strdup ("none");
  if (self->wire_target != 0)
    {
      char *wire = ms_inspector_wire_structure (self);
      if (wire != NULL)
        return wire;
      /* the wire went away (disconnected, undone): show the application */
      self->wire_target = 0;
      g_clear_pointer (&self->wire_param, g_free);
    }
  if (self->device != 0)
    {
      *dev = ms_document_get_device (self->doc, self->device);
      if (*dev != NULL)
        return ms_inspector_device_structure (self, *dev);
    }
  return ms_inspector_app_structure (self);
}

static Field *
find_field (MsInspector *self, const char *id)
{
  for (guint i = 0; id && i < self->fields->len; i++)
    {
      Field *f = self->fields->pdata[i];
      if (g_strcmp0 (f->id, id) == 0)
        return f;
    }
  return NULL;
}

static Field *
focused_field (MsInspector *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  for (guint i = 0; focus && i < self->fields->len; i++)
    {
      Field *f = self->fields->pdata[i];
      if (f->row && (focus == f->row || gtk_widget_is_ancestor (focus, f->row)))
        return f;
    }
  return NULL;
}

static void
clear_page (MsInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->page_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->page_box), child);
  /* only now: a widget going away may still call back into its field */
  g_ptr_array_set_size (self->fields, 0);
}

/* What a page is of: the same page rebuilt keeps its scroll position. */
static char *
page_identity (MsInspector *self)
{
  if (self->doc == NULL)
    return g_strdup ("none");
  if (self->wire_target != 0)
    return g_strdup_printf ("wire:%u:%s", self->wire_target, self->wire_param);
  return g_strdup_printf ("device:%u", self->device);
}

/* After a rebuild, once the new rows have their sizes: the scroll
 * position the page had, moved only as far as needed to show the field
 * with the focus. (The viewport's own scroll-to-focus ran when the rows
 * had no size yet, and took the page back to the top.) */
static gboolean
restore_scroll (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  MsInspector *self = MS_INSPECTOR (widget);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkWidget *content = gtk_widget_get_parent (gtk_widget_get_parent (self->page_box));
  double page = gtk_adjustment_get_page_size (adj);
  double value = self->scroll_to_restore;
  graphene_rect_t b;

  /* the first frame only lays the new rows out */
  if (self->scroll_ticks++ == 0)
    {
      gtk_adjustment_set_value (adj, value);
      return G_SOURCE_CONTINUE;
    }
  if (focus != NULL && gtk_widget_is_ancestor (focus, self->page_box)
      && gtk_widget_compute_bounds (focus, content, &b))
    {
      if (b.origin.y < value)
        value = b.origin.y - 12;
      else if (b.origin.y + b.size.height > value + page)
        value = b.origin.y + b.size.height - page + 12;
    }
  gtk_adjustment_set_value (adj, value);
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
rebuild (MsInspector *self, const MsDevice *dev, const char *structure)
{
  Field *had = focused_field (self);
  g_autofree char *focus_id = had ? g_strdup (had->id) : NULL;
  g_autofree char *typed = NULL;
  g_autofree char *identity = page_identity (self);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  gboolean same_page = g_strcmp0 (identity, self->page_identity) == 0;
  double scroll = gtk_adjustment_get_value (adj);
  int pos = -1;
  Field *f;

  if (had && had->editor_kind == EDITOR_ENTRY)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (had->editor));
      if (g_strcmp0 (text, had->shown) != 0)
        typed = g_strdup (text);
      pos = gtk_editable_get_position (GTK_EDITABLE (had->editor));
    }

  clear_page (self);
  g_free (self->structure);
  self->structure = g_strdup (structure);

  if (self->doc == NULL)
    {
      GtkWidget *status = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-properties-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Project"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                       _("Open or create a project to see its devices and settings here."));
      gtk_box_append (GTK_BOX (self->page_box), status);
    }
  else if (self->wire_target != 0)
    ms_inspector_build_wire (self);
  else if (dev != NULL && dev->custom != NULL && dev->custom->choice != NULL)
    ms_inspector_build_choice (self, dev);
  else if (dev != NULL && dev->custom != NULL)
    ms_inspector_build_main (self, dev);
  else if (dev != NULL)
    ms_inspector_build_device (self, dev);
  else
    ms_inspector_build_app (self);

  for (guint i = 0; i < self->fields->len; i++)
    field_update (self->fields->pdata[i]);

  if (focus_id && (f = find_field (self, focus_id)) != NULL)
    {
      gtk_widget_grab_focus (f->editor ? f->editor : f->row);
      if (typed && f->editor_kind == EDITOR_ENTRY)
        {
          gtk_editable_set_text (GTK_EDITABLE (f->editor), typed);
          on_entry_changed (GTK_EDITABLE (f->editor), f);
        }
      if (pos >= 0 && f->editor_kind == EDITOR_ENTRY)
        gtk_editable_set_position (GTK_EDITABLE (f->editor), pos);
    }

  g_free (self->page_identity);
  self->page_identity = g_steal_pointer (&identity);
  if (same_page)
    {
      self->scroll_to_restore = scroll;
      self->scroll_ticks = 0;
      gtk_adjustment_set_value (adj, scroll);
      if (self->scroll_tick == 0)
        self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), restore_scroll, NULL, NULL);
    }
}

static void
refresh_now (MsInspector *self)
{
  const MsDevice *dev = NULL;
  g_autofree char *structure = NULL;

  g_clear_handle_id (&self->refresh_idle, g_source_remove);
  structure = current_structure (self, &dev);
  if (self->device != 0 && dev == NULL)
    {
      /* the device went away (deleted, undone): show the application */
      self->device = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
    }
  if (self->doc != NULL && !self->external_diagnostics)
    {
      g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
      self->diagnostics = ms_check_document (self->doc);
      ms_studio_diagnostics_adapt (self->diagnostics, self->doc);
    }
  if (g_strcmp0 (structure, self->structure) != 0)
    rebuild (self, dev, structure);
  else
    for (guint i = 0; i < self->fields->len; i++)
      field_update (self->fields->pdata[i]);
  g_clear_pointer (&self->app_eval, ms_eval_graph_free);
  update_diagnostics (self);
  if (self->pending_focus != NULL)
    {
      g_autofree char *focus = g_steal_pointer (&self->pending_focus);
      ms_inspector_focus_field (self, focus);
    }
}

void
ms_inspector_focus_field_later (MsInspector *self, const char *field)
{
  g_free (self->pending_focus);
  self->pending_focus = g_strdup (field);
  schedule_refresh (self);
}

static gboolean
refresh_idle_cb (gpointer data)
{
  MsInspector *self = data;

  self->refresh_idle = 0;
  refresh_now (self);
  return G_SOURCE_REMOVE;
}

/* Edits arrive in bursts (a drag, an import, undo of a group): one refresh
 * after them, and never from inside a widget's own signal emission. */
static void
schedule_refresh (MsInspector *self)
{
  if (self->refresh_idle == 0)
    self->refresh_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refresh_idle_cb, self, NULL);
}

static void
on_document_changed (MsDocument *doc, gpointer changes, MsInspector *self)
{
  schedule_refresh (self);
}

static void
on_document_reloaded (MsDocument *doc, MsInspector *self)
{
  schedule_refresh (self);
}

/* ---- the widget ----------------------------------------------------------------- */

static void
ms_inspector_dispose (GObject *object)
{
  MsInspector *self = MS_INSPECTOR (object);

  g_clear_handle_id (&self->refresh_idle, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
  self->scroll_tick = 0;
  if (self->doc != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->doc);
      g_clear_signal_handler (&self->reloaded_id, self->doc);
    }
  if (self->page_box != NULL)
    clear_page (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_INSPECTOR);
  g_clear_object (&self->doc);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  G_OBJECT_CLASS (ms_inspector_parent_class)->dispose (object);
}

static void
ms_inspector_finalize (GObject *object)
{
  MsInspector *self = MS_INSPECTOR (object);

  g_ptr_array_unref (self->fields);
  g_free (self->structure);
  g_free (self->diagnostics_key);
  g_free (self->page_identity);
  g_free (self->pending_focus);
  g_free (self->wire_param);
  g_free (self->wire_types[0]);
  g_free (self->wire_types[1]);
  g_clear_pointer (&self->resolved, g_hash_table_unref);
  g_clear_pointer (&self->app_eval, ms_eval_graph_free);
  G_OBJECT_CLASS (ms_inspector_parent_class)->finalize (object);
}

static void
ms_inspector_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsInspector *self = MS_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->doc);
      break;
    case PROP_DEVICE:
      g_value_set_uint (value, self->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_inspector_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsInspector *self = MS_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ms_inspector_set_document (self, g_value_get_object (value));
      break;
    case PROP_DEVICE:
      ms_inspector_set_device (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_inspector_class_init (MsInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_inspector_dispose;
  object_class->finalize = ms_inspector_finalize;
  object_class->get_property = ms_inspector_get_property;
  object_class->set_property = ms_inspector_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, MS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE] =
    g_param_spec_uint ("device", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* toast (const char *message, gboolean offer_undo) */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_REVEAL] =
    g_signal_new ("reveal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

  /* the palette's file holds the reference to the resource bundle */
  ms_style_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, MS_RESOURCE_PATH "/ui/inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, MsInspector, scroller);
  gtk_widget_class_bind_template_child (widget_class, MsInspector, diagnostics_box);
  gtk_widget_class_bind_template_child (widget_class, MsInspector, page_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "msinspector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ms_inspector_init (MsInspector *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  ms_style_ensure ();
  refresh_now (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Inspector"), -1);
}

GtkWidget *
ms_inspector_new (void)
{
  return g_object_new (MS_TYPE_INSPECTOR, NULL);
}

void
ms_inspector_set_document (MsInspector *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_INSPECTOR (self));
  g_return_if_fail (doc == NULL || MS_IS_DOCUMENT (doc));

  if (self->doc == doc)
    return;
  if (self->doc != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->doc);
      g_clear_signal_handler (&self->reloaded_id, self->doc);
    }
  clear_page (self);
  g_clear_pointer (&self->structure, g_free);
  g_clear_pointer (&self->diagnostics_key, g_free);
  g_set_object (&self->doc, doc);
  if (!self->external_diagnostics)
    g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->device = 0;
  if (doc != NULL)
    {
      self->changed_id = g_signal_connect (doc, "changed", G_CALLBACK (on_document_changed), self);
      self->reloaded_id = g_signal_connect (doc, "reloaded", G_CALLBACK (on_document_reloaded), self);
    }
  refresh_now (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

MsDocument *
ms_inspector_get_document (MsInspector *self)
{
  g_return_val_if_fail (MS_IS_INSPECTOR (self), NULL);
  return self->doc;
}

void
ms_inspector_set_device (MsInspector *self, guint id)
{
  g_return_if_fail (MS_IS_INSPECTOR (self));

  if (self->device == id && self->wire_target == 0)
    return;
  self->device = id;
  self->wire_target = 0;
  g_clear_pointer (&self->wire_param, g_free);
  refresh_now (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

void
ms_inspector_set_wire (MsInspector *self, guint target, const char *param)
{
  gboolean had_device;

  g_return_if_fail (MS_IS_INSPECTOR (self));

  if (target == 0 || param == NULL)
    {
      ms_inspector_set_device (self, 0);
      return;
    }
  if (self->wire_target == target && g_strcmp0 (self->wire_param, param) == 0)
    return;
  had_device = self->device != 0;
  self->device = 0;
  self->wire_target = target;
  {
    char *copy = g_strdup (param);   /* param may be our own string */
    g_free (self->wire_param);
    self->wire_param = copy;
  }
  refresh_now (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  if (had_device)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

gboolean
ms_inspector_get_wire (MsInspector *self, guint *target, const char **param)
{
  g_return_val_if_fail (MS_IS_INSPECTOR (self), FALSE);

  if (target != NULL)
    *target = self->wire_target;
  if (param != NULL)
    *param = self->wire_param;
  return self->wire_target != 0;
}

guint
ms_inspector_get_device (MsInspector *self)
{
  g_return_val_if_fail (MS_IS_INSPECTOR (self), 0);
  return self->device;
}

void
ms_inspector_set_diagnostics (MsInspector *self, GPtrArray *diagnostics)
{
  g_return_if_fail (MS_IS_INSPECTOR (self));

  self->external_diagnostics = TRUE;
  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  if (self->doc != NULL)
    update_diagnostics (self);
}

void
ms_inspector_set_resolution (MsInspector *self, GHashTable *by_device, gboolean conflict)
{
  g_return_if_fail (MS_IS_INSPECTOR (self));
  if (by_device == self->resolved && conflict == self->resolve_conflict)
    return;
  if (by_device != NULL)
    g_hash_table_ref (by_device);
  g_clear_pointer (&self->resolved, g_hash_table_unref);
  self->resolved = by_device;
  self->resolve_conflict = conflict;
  /* the device page's structure names the versions: it rebuilds if they changed */
  if (self->doc != NULL)
    schedule_refresh (self);
}

void
ms_inspector_refresh (MsInspector *self)
{
  g_return_if_fail (MS_IS_INSPECTOR (self));
  refresh_now (self);
}

gboolean
ms_inspector_focus_field (MsInspector *self, const char *field)
{
  Field *f = NULL;

  g_return_val_if_fail (MS_IS_INSPECTOR (self), FALSE);

  if (self->refresh_idle != 0)
    refresh_now (self);
  if (field != NULL)
    {
      f = find_field (self, field);
      /* the main node's lists, as diagnostics name them */
      if (f == NULL && g_str_equal (field, "args"))
        f = find_field (self, "args:0:name") ? find_field (self, "args:0:name") : find_field (self, "args:add");
      if (f == NULL && g_str_equal (field, "packages"))
        f = find_field (self, "packages:add");
      /* a field this page does not have: focus nothing rather than
       * something else (a key press would then edit the wrong thing) */
      if (f == NULL)
        return FALSE;
    }
  if (f == NULL)
    for (guint i = 0; i < self->fields->len && f == NULL; i++)
      {
        Field *c = self->fields->pdata[i];
        if (c->editor != NULL && gtk_widget_get_sensitive (c->editor))
          f = c;
      }
  if (f == NULL)
    return FALSE;
  return gtk_widget_grab_focus (f->editor ? f->editor : f->row);
}

GtkWidget *
ms_inspector_get_field_widget (MsInspector *self, const char *field)
{
  Field *f;

  g_return_val_if_fail (MS_IS_INSPECTOR (self), NULL);
  f = find_field (self, field);
  return f ? f->editor : NULL;
}

const char *
ms_inspector_get_field_message (MsInspector *self, const char *field)
{
  Field *f;

  g_return_val_if_fail (MS_IS_INSPECTOR (self), NULL);
  f = find_field (self, field);
  if (f == NULL || !f->has_error || f->hint_label == NULL)
    return NULL;
  return gtk_label_get_text (GTK_LABEL (f->hint_label));
}

const char *
ms_inspector_get_field_hint (MsInspector *self, const char *field)
{
  Field *f;

  g_return_val_if_fail (MS_IS_INSPECTOR (self), NULL);
  f = find_field (self, field);
  if (f == NULL || f->has_error || f->hint_label == NULL || !gtk_widget_get_visible (f->hint_row))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (f->hint_label));
}
