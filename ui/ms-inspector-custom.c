/* ms-inspector-custom.c: the parts of a custom device's page (main or
 * impl) beyond its module, signature, packages and runtime arguments
 * (ms-inspector-main.c): an impl's connect code, edited as OCaml text in
 * monospace with the code preview's highlighting, a main's local
 * libraries (~local_libs), and the dependencies of either (~deps,
 * ~extra_deps). Every change copies the device's MsCustom,
 * changes the copy and sets it: one undo step each.
 */
#include "ms-inspector-private.h"

#include <string.h>

#include "ms-code-preview.h"

static MsCustom *
custom_copy (MsInspector *self)
{
  const MsDevice *d = ms_document_get_device (self->doc, self->device);

  return d && d->custom ? ms_custom_copy (d->custom) : NULL;
}

/* What the page is built from beyond the rest of a custom device's: the
 * code and the libraries, so that undo shows them again. */
void
ms_inspector_custom_structure (MsInspector *self, const MsDevice *d, GString *s)
{
  g_auto(GStrv) own = ms_document_dup_type_names (self->doc);

  g_string_append_printf (s, "|connect:%s|libs:", d->custom->connect ? d->custom->connect : "\x01");
  for (guint i = 0; i < d->custom->local_libs->len; i++)
    g_string_append_printf (s, "%s;", (const char *) d->custom->local_libs->pdata[i]);
  /* the signature editor offers the project's own device types */
  g_string_append (s, "|types:");
  for (guint i = 0; own && own[i]; i++)
    g_string_append_printf (s, "%s;", own[i]);
}

/* ---- connect code ---------------------------------------------------------------- */

static char *
view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter a, b;

  gtk_text_buffer_get_bounds (buffer, &a, &b);
  return gtk_text_buffer_get_text (buffer, &a, &b, FALSE);
}

/* The text as the connect code: none (Mirage's default) when blank. */
static void
apply_connect (MsInspector *self, const char *text)
{
  g_autoptr(MsCustom) c = custom_copy (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  if (c == NULL)
    return;
  g_free (c->connect);
  c->connect = *stripped != '\0' ? g_strdup (text) : NULL;
  if (!ms_document_set_custom (self->doc, self->device, c, &error))
    ms_inspector_report (self, NULL, error);
}

static void
on_connect_apply (GtkButton *button, GtkTextView *view)
{
  MsInspector *self = g_object_get_data (G_OBJECT (view), "ms-inspector");
  g_autofree char *text = view_text (view);

  g_object_set_data_full (G_OBJECT (view), "ms-shown", g_strdup (text), g_free);
  ms_inspector_focus_field_later (self, "connect");
  apply_connect (self, text);
}

static void
on_connect_default (GtkButton *button, GtkTextView *view)
{
  MsInspector *self = g_object_get_data (G_OBJECT (view), "ms-inspector");

  g_object_set_data_full (G_OBJECT (view), "ms-shown", view_text (view), g_free);
  ms_inspector_focus_field_later (self, "connect");
  apply_connect (self, NULL);
}

/* Leaving the code applies it, as leaving an entry does. */
static void
on_connect_leave (GtkEventControllerFocus *focus, GtkTextView *view)
{
  MsInspector *self = g_object_get_data (G_OBJECT (view), "ms-inspector");
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (view), "ms-device"));
  const MsDevice *d;
  g_autofree char *text = NULL;

  /* not while the page goes because another device is shown */
  if (self->doc == NULL || id != self->device)
    return;
  d = ms_document_get_device (self->doc, id);
  text = view_text (view);
  /* only what was typed here: a page going away after another change
   * (undo, Mirage's Default) must not put its old text back */
  if (g_strcmp0 (text, g_object_get_data (G_OBJECT (view), "ms-shown")) == 0)
    return;
  if (d != NULL && d->custom != NULL && g_strcmp0 (text, d->custom->connect ? d->custom->connect : "") != 0)
    {
      g_object_set_data_full (G_OBJECT (view), "ms-shown", g_strdup (text), g_free);
      apply_connect (self, text);
    }
}

static void
on_connect_changed (GtkTextBuffer *buffer, gpointer data)
{
  ms_code_highlight (buffer);
}

void
ms_inspector_add_connect_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Connect Code"),
                                             _("impl's ~connect: OCaml that makes the device from its arguments, "
                                               "such as fun _ _ args -> match args with [ a ] -> code ~pos:__POS__ "
                                               "\"M.connect %s\" a | _ -> assert false. Empty: Mirage connects "
                                               "the module with its arguments."));
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply Code"));
  GtkWidget *reset = gtk_button_new_with_mnemonic (_("Mirage's _Default"));
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  Field *f;

  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 120);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Connect code"), -1);
  g_signal_connect (buffer, "changed", G_CALLBACK (on_connect_changed), NULL);
  gtk_text_buffer_set_text (buffer, d->custom->connect ? d->custom->connect : "", -1);
  g_object_set_data (G_OBJECT (view), "ms-inspector", self);
  g_object_set_data (G_OBJECT (view), "ms-device", GUINT_TO_POINTER (d->id));
  g_object_set_data_full (G_OBJECT (view), "ms-shown", g_strdup (d->custom->connect ? d->custom->connect : ""), g_free);
  g_signal_connect (focus, "leave", G_CALLBACK (on_connect_leave), view);
  gtk_widget_add_controller (view, focus);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_widget_add_css_class (frame, "view");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);

  gtk_widget_set_tooltip_text (apply, _("Set the connect code to this text (Ctrl+Z undoes it)"));
  gtk_widget_set_tooltip_text (reset, _("No connect code: Mirage connects the module with its arguments"));
  gtk_widget_set_sensitive (reset, d->custom->connect != NULL);
  g_signal_connect (apply, "clicked", G_CALLBACK (on_connect_apply), view);
  g_signal_connect (reset, "clicked", G_CALLBACK (on_connect_default), view);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  gtk_box_append (GTK_BOX (buttons), reset);
  gtk_box_append (GTK_BOX (buttons), apply);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), buttons);

  /* a field so that the problems list and the tests find the code */
  f = ms_inspector_field_new (self, "connect", "connect");
  f->editor_kind = EDITOR_NONE;
  f->resettable = FALSE;
  f->row = f->editor = view;
}

/* ---- local libraries ------------------------------------------------------------- */

/* A dune library name: letters, digits, _ and ., not starting with a digit or dot. */
static gboolean
validate_lib (Field *f, const char *text, char **why)
{
  gboolean ok = text != NULL && (g_ascii_isalpha (text[0]) || text[0] == '_');

  for (const char *p = text; ok && *p; p++)
    ok = g_ascii_isalnum (*p) || *p == '_' || *p == '.';
  if (!ok)
    *why = g_strdup_printf (_("“%s” is not a dune library name: letters, digits, _ and dots, such as my_lib"),
                            text ? text : "");
  return ok;
}

static gboolean
apply_lib (Field *f, const char *text, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f->self);

  if (c == NULL || text == NULL)
    return TRUE;
  if (g_ptr_array_find_with_equal_func (c->local_libs, text, g_str_equal, NULL))
    return TRUE;
  g_ptr_array_add (c->local_libs, g_strdup (text));
  return ms_document_set_custom (f->self->doc, f->self->device, c, error);
}

static void
on_lib_remove (GtkButton *button, MsInspector *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-index"));
  g_autoptr(MsCustom) c = custom_copy (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = NULL;

  if (c == NULL || i >= c->local_libs->len)
    return;
  removed = g_strdup_printf (_("Removed library %s"), (const char *) c->local_libs->pdata[i]);
  g_ptr_array_remove_index (c->local_libs, i);
  if (!ms_document_set_custom (self->doc, self->device, c, &error))
    ms_inspector_report (self, NULL, error);
  else
    ms_inspector_toast (self, removed, TRUE);
  ms_inspector_focus_field_later (self, "local_libs:add");
}

void
ms_inspector_add_local_libs_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Local Libraries"),
                                             _("main's ~local_libs: dune libraries of the project itself that "
                                               "the unikernel links, e.g. a lib/ directory of yours."));
  Field *f;

  for (guint i = 0; i < d->custom->local_libs->len; i++)
    {
      const char *lib = d->custom->local_libs->pdata[i];
      g_autofree char *tip = g_strdup_printf (_("Remove %s"), lib);
      GtkWidget *row = ms_inspector_info_row (group, lib, NULL);
      GtkWidget *b = ms_inspector_row_button ("list-remove-symbolic", tip,
                                              G_CALLBACK (on_lib_remove), self);

      g_object_set_data (G_OBJECT (b), "ms-index", GUINT_TO_POINTER (i));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
    }
  f = ms_inspector_field_new (self, "local_libs:add", NULL);
  f->validate = validate_lib;
  f->apply = apply_lib;
  f->resettable = FALSE;
  f->hint = g_strdup (_("The name in the library's dune file, such as my_lib."));
  ms_inspector_add_entry_row (self, group, f, _("Add library"));
}

/* ---- dependencies ---------------------------------------------------------------- */

/* main's ~deps, impl's ~extra_deps: devices connected first without
 * being arguments. The combo offers the other devices, by id. */
static gboolean
apply_dep (Field *f, const char *value, GError **error)
{
  g_autoptr(MsCustom) c = custom_copy (f->self);
  guint64 id;

  if (c == NULL || value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &id, NULL))
    return TRUE;
  for (guint i = 0; i < c->deps->len; i++)
    if (g_array_index (c->deps, guint, i) == id)
      return TRUE;
  {
    guint dep = (guint) id;
    g_array_append_val (c->deps, dep);
  }
  ms_inspector_focus_field_later (f->self, "deps:add");
  return ms_document_set_custom (f->self->doc, f->self->device, c, error);
}

static void
on_dep_remove (GtkButton *button, MsInspector *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-index"));
  g_autoptr(MsCustom) c = custom_copy (self);
  g_autoptr(GError) error = NULL;

  if (c == NULL || i >= c->deps->len)
    return;
  g_array_remove_index (c->deps, i);
  if (!ms_document_set_custom (self->doc, self->device, c, &error))
    ms_inspector_report (self, NULL, error);
  ms_inspector_focus_field_later (self, "deps:add");
}

void
ms_inspector_add_deps_group (MsInspector *self, const MsDevice *d)
{
  GtkWidget *group = ms_inspector_group_new (self, _("Dependencies"),
                                             _("Devices connected before this one without being arguments."));
  GPtrArray *devices = ms_document_get_devices (self->doc);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  Field *f;

  for (guint i = 0; i < d->custom->deps->len; i++)
    {
      const MsDevice *dep = ms_document_get_device (self->doc, g_array_index (d->custom->deps, guint, i));
      g_autofree char *tip = NULL;
      GtkWidget *row, *b;

      if (dep == NULL)
        continue;
      tip = g_strdup_printf (_("Remove dependency on %s"), dep->name);
      row = ms_inspector_info_row (group, dep->name, dep->ctor);
      b = ms_inspector_row_button ("list-remove-symbolic", tip, G_CALLBACK (on_dep_remove), self);
      g_object_set_data (G_OBJECT (b), "ms-index", GUINT_TO_POINTER (i));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
    }
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *o = devices->pdata[i];
      if (o->id == d->id)
        continue;
      g_ptr_array_add (values, g_strdup_printf ("%u", o->id));
      g_ptr_array_add (labels, g_strdup (o->name));
    }
  if (values->len == 0)
    return;
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (labels, NULL);
  f = ms_inspector_field_new (self, "deps:add", NULL);
  f->apply = apply_dep;
  f->resettable = FALSE;
  ms_inspector_add_combo_row (self, group, f, _("Add dependency"), NULL,
                              (const char *const *) values->pdata, (const char *const *) labels->pdata);
}
