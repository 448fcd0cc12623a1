/* test-inspector.c: the inspector over real project files and examples:
 * renaming with validation and undo, typed option editors that refuse
 * invalid values, the main node's signature editor, the application page,
 * the page of a selected wire,
 * refreshes that keep what is being typed, and no leaked widgets. */
#include <gtk/gtk.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-inspector.h"
#include "ms-check.h"
#include "ms-import.h"
#include "ms-store.h"
#include "test-ui-util.h"
#include "test-xdo.h"

static MsCatalog *catalog;

typedef struct {
  char *dir;
  MsDocument *doc;
  GtkWidget *window;
  MsInspector *insp;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fx->dir = g_dir_make_tmp ("ms-inspector-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "test" MS_STORE_EXTENSION, NULL);
  fx->doc = ms_store_create (path, catalog, "test", &error);
  g_assert_no_error (error);
  fx->insp = MS_INSPECTOR (ms_inspector_new ());
  ms_inspector_set_document (fx->insp, fx->doc);
  fx->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 400, 600);
  gtk_window_set_child (GTK_WINDOW (fx->window), GTK_WIDGET (fx->insp));
  gtk_window_present (GTK_WINDOW (fx->window));
  test_ui_drain ();
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  g_object_ref (fx->insp);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  test_ui_drain ();
  g_assert_finalize_object (fx->insp);
  g_assert_finalize_object (fx->doc);
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (fx->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
}

static guint
add (Fixture *fx, const char *ctor, const char *name)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (fx->doc, ctor, name, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (id, >, 0);
  return id;
}

static GtkWidget *
field (Fixture *fx, const char *name)
{
  GtkWidget *w;

  test_ui_drain ();
  w = ms_inspector_get_field_widget (fx->insp, name);
  if (w == NULL)
    g_error ("no field %s", name);
  return w;
}

static void
apply_text (Fixture *fx, const char *name, const char *text)
{
  GtkWidget *row = field (fx, name);

  g_assert_true (ADW_IS_ENTRY_ROW (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  test_ui_drain ();
}

static void
select_choice (Fixture *fx, const char *name, const char *label)
{
  GtkWidget *row = field (fx, name);
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) s = g_list_model_get_item (model, i);
      if (g_str_equal (gtk_string_object_get_string (s), label))
        {
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
          test_ui_drain ();
          return;
        }
    }
  g_error ("%s has no choice %s", name, label);
}

static const char *
selected_label (Fixture *fx, const char *name)
{
  GtkWidget *row = field (fx, name);
  GtkStringObject *s = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

  return s ? gtk_string_object_get_string (s) : NULL;
}

static GtkWidget *
button_in (GtkWidget *root, const char *tooltip)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;
      if (GTK_IS_BUTTON (c) && g_strcmp0 (gtk_widget_get_tooltip_text (c), tooltip) == 0)
        return c;
      if ((found = button_in (c, tooltip)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
row_titled (GtkWidget *root, const char *title)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;
      if (ADW_IS_ACTION_ROW (c) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), title) == 0)
        return c;
      if ((found = row_titled (c, title)) != NULL)
        return found;
    }
  return NULL;
}

/* ---- wire page -------------------------------------------------------------------- */

typedef struct {
  guint device, n;
  char *port;
  char *toast;
  gboolean undo;
} Heard;

static void
on_reveal (MsInspector *insp, guint device, const char *port, Heard *h)
{
  h->device = device;
  g_free (h->port);
  h->port = g_strdup (port);
  h->n++;
}

static void
on_wire_toast (MsInspector *insp, const char *message, gboolean undo, Heard *h)
{
  g_free (h->toast);
  h->toast = g_strdup (message);
  h->undo = undo;
}

static void
test_wire_page (Fixture *fx, gconstpointer data)
{
  guint net = add (fx, "default_network", "net");
  guint stack = add (fx, "generic_stackv4v6", "stack");
  g_autoptr(GError) error = NULL;
  Heard h = { 0 };
  GtkWidget *row, *button;
  guint target = 0;
  const char *param = NULL;

  g_assert_true (ms_document_connect (fx->doc, net, stack, "net", &error));
  g_signal_connect (fx->insp, "reveal", G_CALLBACK (on_reveal), &h);
  g_signal_connect (fx->insp, "toast", G_CALLBACK (on_wire_toast), &h);
  ms_inspector_set_device (fx->insp, stack);
  ms_inspector_set_wire (fx->insp, stack, "net");
  test_ui_drain ();
  g_assert_true (ms_inspector_get_wire (fx->insp, &target, &param));
  g_assert_cmpuint (target, ==, stack);
  g_assert_cmpstr (param, ==, "net");
  g_assert_cmpuint (ms_inspector_get_device (fx->insp), ==, 0);

  /* both ends, with their types; each shows its device on the canvas */
  row = row_titled (GTK_WIDGET (fx->insp), "net");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "default_network, provides network");
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpuint (h.n, ==, 1);
  g_assert_cmpuint (h.device, ==, net);
  g_assert_null (h.port);
  row = row_titled (GTK_WIDGET (fx->insp), "stack.net");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "expects network");
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpuint (h.device, ==, stack);
  g_assert_cmpstr (h.port, ==, "net");

  /* Disconnect: the wire goes, with Undo offered, and so does its page */
  button = button_in (GTK_WIDGET (fx->insp), "Take the wire away (Delete on the canvas)");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  test_ui_drain ();
  g_assert_cmpuint (ms_document_get_source (fx->doc, stack, "net"), ==, 0);
  g_assert_cmpstr (h.toast, ==, "Disconnected net from stack.net");
  g_assert_true (h.undo);
  g_assert_false (ms_inspector_get_wire (fx->insp, NULL, NULL));
  g_assert_nonnull (ms_inspector_get_field_widget (fx->insp, "target"));

  /* a rename shows at once; choosing a device leaves the page */
  g_assert_true (ms_document_undo (fx->doc, &error));
  ms_inspector_set_wire (fx->insp, stack, "net");
  g_assert_true (ms_document_rename_device (fx->doc, net, "uplink", &error));
  test_ui_drain ();
  g_assert_nonnull (row_titled (GTK_WIDGET (fx->insp), "uplink"));
  ms_inspector_set_device (fx->insp, net);
  g_assert_false (ms_inspector_get_wire (fx->insp, NULL, NULL));
  g_assert_cmpuint (ms_inspector_get_device (fx->insp), ==, net);
  /* a wire that does not exist shows the application */
  ms_inspector_set_wire (fx->insp, net, "nothing");
  test_ui_drain ();
  g_assert_false (ms_inspector_get_wire (fx->insp, NULL, NULL));
  g_assert_nonnull (ms_inspector_get_field_widget (fx->insp, "target"));

  g_free (h.port);
  g_free (h.toast);
}

/* ---- device page ------------------------------------------------------------------ */

static void
test_rename (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "crunch", "assets");
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  ms_inspector_set_device (fx->insp, id);
  row = field (fx, "name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "assets");

  apply_text (fx, "name", "files");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->name, ==, "files");
  g_assert_null (ms_inspector_get_field_message (fx->insp, "name"));
  g_assert_true (ms_document_can_undo (fx->doc));
  ms_document_undo (fx->doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->name, ==, "assets");
  /* the page follows the undo, in place */
  g_assert_true (field (fx, "name") == row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "assets");
}

static void
test_rename_refused (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "crunch", "assets");
  const char *undo_label;

  add (fx, "crunch", "other");
  undo_label = ms_document_get_undo_label (fx->doc);
  ms_inspector_set_device (fx->insp, id);

  apply_text (fx, "name", "Not A Name");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->name, ==, "assets");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "name"));
  g_assert_true (gtk_widget_has_css_class (field (fx, "name"), "error"));

  apply_text (fx, "name", "other");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->name, ==, "assets");
  g_assert_nonnull (strstr (ms_inspector_get_field_message (fx->insp, "name"), "other"));

  /* nothing was recorded */
  g_assert_cmpstr (ms_document_get_undo_label (fx->doc), ==, undo_label);

  /* a valid name clears the message */
  apply_text (fx, "name", "files");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->name, ==, "files");
  g_assert_null (ms_inspector_get_field_message (fx->insp, "name"));
  g_assert_false (gtk_widget_has_css_class (field (fx, "name"), "error"));
}

static void
test_option_validation (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "generic_stackv4v6", "stack");
  const MsDevice *d;

  ms_inspector_set_device (fx->insp, id);
  apply_text (fx, "ipv4_network", "300.1.1.1/99");
  d = ms_document_get_device (fx->doc, id);
  g_assert_null (ms_device_get_option (d, "ipv4_network"));
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "ipv4_network"));

  apply_text (fx, "ipv4_network", "10.0.0.5/24");
  d = ms_document_get_device (fx->doc, id);
  g_assert_cmpstr (ms_device_get_option (d, "ipv4_network"), ==, "10.0.0.5/24");
  g_assert_null (ms_inspector_get_field_message (fx->insp, "ipv4_network"));

  /* empty means unset: the default applies again */
  apply_text (fx, "ipv4_network", "");
  d = ms_document_get_device (fx->doc, id);
  g_assert_null (ms_device_get_option (d, "ipv4_network"));

  /* and so does the reset button */
  apply_text (fx, "ipv4_network", "10.0.0.7/24");
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (fx->doc, id), "ipv4_network"), ==, "10.0.0.7/24");
  g_signal_emit_by_name (button_in (field (fx, "ipv4_network"), "Reset to default"), "clicked");
  test_ui_drain ();
  g_assert_null (ms_device_get_option (ms_document_get_device (fx->doc, id), "ipv4_network"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fx, "ipv4_network"))), ==, "");
  g_assert_false (gtk_widget_get_sensitive (button_in (field (fx, "ipv4_network"), "Reset to default")));
}

static void
test_typed_editors (Fixture *fx, gconstpointer data)
{
  guint conduit = add (fx, "conduit_direct", "cond");
  guint dns = add (fx, "generic_dns_client", "dns_c");
  GtkWidget *sw, *spin;

  ms_inspector_set_device (fx->insp, conduit);
  sw = field (fx, "tls");
  g_assert_true (GTK_IS_SWITCH (sw));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  test_ui_drain ();
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (fx->doc, conduit), "tls"), ==, "true");

  ms_inspector_set_device (fx->insp, dns);
  spin = field (fx, "cache_size");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 64);
  test_ui_drain ();
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (fx->doc, dns), "cache_size"), ==, "64");
  g_assert_true (GTK_IS_SPIN_BUTTON (field (fx, "timeout")));
  /* a spin button's description has the row's width, on the line below,
   * not a narrow column beside the button; and it reads as text, not as
   * something disabled */
  {
    GtkWidget *row = gtk_widget_get_ancestor (spin, ADW_TYPE_ACTION_ROW);
    g_assert_nonnull (ms_inspector_get_field_hint (fx->insp, "cache_size"));
    const char *sub = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
    g_assert_true (sub == NULL || *sub == '\0');
  }
}

static void
test_keys_and_args (Fixture *fx, gconstpointer data)
{
  guint kv = add (fx, "generic_kv_ro", "kv");
  guint stack = add (fx, "create_ipv4", "ip4");
  const char *value;

  ms_inspector_set_device (fx->insp, kv);
  g_assert_true (ADW_IS_COMBO_ROW (field (fx, "key:kv_ro")));
  /* the catalog's words, shown as they are (not as markup), on their own
   * line: the row's subtitle is the value chosen, at the row's full width */
  g_assert_cmpstr (ms_inspector_get_field_hint (fx->insp, "key:kv_ro"), ==,
                   ms_catalog_lookup_key (catalog, "kv_ro")->doc);
  g_assert_true (adw_combo_row_get_use_subtitle (ADW_COMBO_ROW (field (fx, "key:kv_ro"))));
  select_choice (fx, "key:kv_ro", "direct");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "key:kv_ro"), ==, "direct");
  select_choice (fx, "key:kv_ro", "Default (crunch)");
  g_assert_null (ms_document_get_setting (fx->doc, "key:kv_ro"));
  /* a group prefixes the key; the user's own key replaces it */
  apply_text (fx, "group", "assets");
  g_assert_nonnull (ms_inspector_get_field_widget (fx->insp, "key:assets-kv_ro"));
  g_assert_null (ms_inspector_get_field_widget (fx->insp, "key:kv_ro"));
  apply_text (fx, "key", "store");
  select_choice (fx, "key:store", "direct");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "key:store"), ==, "direct");

  /* runtime-argument defaults are project settings "arg:NAME" */
  ms_inspector_set_device (fx->insp, stack);
  apply_text (fx, "arg:ipv4-gateway", "10.0.0.1");
  value = ms_document_get_setting (fx->doc, "arg:ipv4-gateway");
  g_assert_cmpstr (value, ==, "10.0.0.1");
  apply_text (fx, "arg:ipv4-gateway", "not an address");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "arg:ipv4-gateway"), ==, "10.0.0.1");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "arg:ipv4-gateway"));
}

/* A change elsewhere refreshes values in place: the row being typed in
 * keeps its text. */
static void
test_refresh_keeps_typing (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "generic_stackv4v6", "stack");
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  ms_inspector_set_device (fx->insp, id);
  row = field (fx, "ipv4_network");
  gtk_widget_grab_focus (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "10.1.");
  ms_document_set_setting (fx->doc, "key:net", "direct", &error);
  g_assert_no_error (error);
  ms_document_rename_device (fx->doc, id, "stack2", &error);
  g_assert_no_error (error);
  test_ui_drain ();
  g_assert_true (field (fx, "ipv4_network") == row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "10.1.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fx, "name"))), ==, "stack2");

  /* a structural change (a connection) rebuilds, keeping the typed text */
  {
    guint net = add (fx, "default_network", "net0");
    ms_document_connect (fx->doc, net, id, "net", &error);
    g_assert_no_error (error);
  }
  test_ui_drain ();
  g_assert_true (field (fx, "ipv4_network") != row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fx, "ipv4_network"))), ==, "10.1.");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), field (fx, "ipv4_network")));
}

static void
test_device_removed (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "crunch", "assets");
  g_autoptr(GError) error = NULL;

  ms_inspector_set_device (fx->insp, id);
  ms_document_undo (fx->doc, &error);
  g_assert_no_error (error);
  test_ui_drain ();
  g_assert_cmpuint (ms_inspector_get_device (fx->insp), ==, 0);
  g_assert_nonnull (ms_inspector_get_field_widget (fx->insp, "target"));
}

/* An option naming a runtime argument offers the ones the project declares. */
static void
test_arg_option (Fixture *fx, gconstpointer data)
{
  guint main_id = add (fx, "main", "unikernel");
  guint srv = add (fx, "paf_server", "web");
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (fx->doc, main_id)->custom);
  g_autoptr(GError) error = NULL;

  ms_inspector_set_device (fx->insp, srv);
  /* none declared yet: a validated entry */
  g_assert_true (ADW_IS_ENTRY_ROW (field (fx, "port")));

  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("http_port", "int", "8080", "The port."));
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("name", "string", "", ""));
  ms_document_set_custom (fx->doc, main_id, c, &error);
  g_assert_no_error (error);
  g_assert_true (ADW_IS_COMBO_ROW (field (fx, "port")));
  select_choice (fx, "port", "--http_port");
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (fx->doc, srv), "port"), ==, "http_port");
  select_choice (fx, "port", "None");
  g_assert_null (ms_device_get_option (ms_document_get_device (fx->doc, srv), "port"));
}

/* ---- main node ------------------------------------------------------------------- */

static const char *
signature (Fixture *fx, guint id)
{
  return ms_document_get_device (fx->doc, id)->custom->signature;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  test_ui_drain ();
}

static void
test_main_signature (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "main", "unikernel");

  ms_inspector_set_device (fx->insp, id);
  g_assert_cmpstr (signature (fx, id), ==, "job");

  g_signal_emit_by_name (field (fx, "sig:add"), "activated");
  test_ui_drain ();
  g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> job");
  g_signal_emit_by_name (field (fx, "sig:add"), "activated");
  test_ui_drain ();
  g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> stackv4v6 @-> job");

  select_choice (fx, "sig:1", "kv_ro");
  g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> kv_ro @-> job");
  g_assert_cmpstr (selected_label (fx, "sig:1"), ==, "kv_ro");

  click (button_in (field (fx, "sig:1"), "Move up"));
  g_assert_cmpstr (signature (fx, id), ==, "kv_ro @-> stackv4v6 @-> job");
  click (button_in (field (fx, "sig:0"), "Move down"));
  g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> kv_ro @-> job");

  click (button_in (field (fx, "sig:0"), "Remove argument"));
  g_assert_cmpstr (signature (fx, id), ==, "kv_ro @-> job");

  /* each change is one undo step */
  {
    g_autoptr(GError) error = NULL;
    ms_document_undo (fx->doc, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> kv_ro @-> job");
  }

  /* the text form is validated too */
  apply_text (fx, "signature", "nonsense @-> job");
  g_assert_cmpstr (signature (fx, id), ==, "stackv4v6 @-> kv_ro @-> job");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "signature"));
  apply_text (fx, "signature", "block @-> job");
  g_assert_cmpstr (signature (fx, id), ==, "block @-> job");
}

static void
on_toast (MsInspector *insp, const char *message, gboolean offer_undo, char **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s%s", message, offer_undo ? " (undo)" : "");
}

static void
test_main_module_packages_args (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "main", "unikernel");
  const MsCustom *c;
  g_autofree char *pkg = NULL;

  ms_inspector_set_device (fx->insp, id);
  apply_text (fx, "module", "unikernel.main");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->custom->module, ==, "Unikernel.Main");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "module"));
  apply_text (fx, "module", "App.Main");
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->custom->module, ==, "App.Main");

  apply_text (fx, "packages:add", "mirage-kv >= 6.0.0 < 7.0.0");
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpuint (c->packages->len, ==, 1);
  pkg = ms_package_to_string (c->packages->pdata[0]);
  g_assert_cmpstr (pkg, ==, "mirage-kv >= 6.0.0 < 7.0.0");
  /* the entry is empty again for the next one */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fx, "packages:add"))), ==, "");
  {
    g_autofree char *toast = NULL;
    gulong h = g_signal_connect (fx->insp, "toast", G_CALLBACK (on_toast), &toast);
    click (button_in (GTK_WIDGET (fx->insp), "Remove mirage-kv"));
    g_signal_handler_disconnect (fx->insp, h);
    /* a removal says so and offers undo */
    g_assert_cmpstr (toast, ==, "Removed package mirage-kv (undo)");
  }
  g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->packages->len, ==, 0);

  g_signal_emit_by_name (field (fx, "args:add"), "activated");
  test_ui_drain ();
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpuint (c->runtime_args->len, ==, 1);
  apply_text (fx, "args:0:name", "port");
  select_choice (fx, "args:0:type", "port");
  apply_text (fx, "args:0:default", "99999");
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpstr (((MsArgDecl *) c->runtime_args->pdata[0])->name, ==, "port");
  g_assert_cmpstr (((MsArgDecl *) c->runtime_args->pdata[0])->type, ==, "port");
  g_assert_cmpstr (((MsArgDecl *) c->runtime_args->pdata[0])->default_value, ==, "");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "args:0:default"));
  apply_text (fx, "args:0:default", "8080");
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpstr (((MsArgDecl *) c->runtime_args->pdata[0])->default_value, ==, "8080");
}

/* ---- choice page ----------------------------------------------------------------- */

static const MsChoice *
choice_of (Fixture *fx, guint id)
{
  return ms_document_get_device (fx->doc, id)->custom->choice;
}

static void
test_choice_page (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "choice", "storage");
  guint a = add (fx, "crunch", "a"), b = add (fx, "crunch", "b");
  g_autoptr(GError) error = NULL;
  GtkWidget *taken;

  ms_inspector_set_device (fx->insp, id);
  /* a new choice decides on the target and has only its default input */
  g_assert_cmpstr (selected_label (fx, "choice:condition"), ==, "The target (Key.value target)");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (field (fx, "choice:default"))));

  /* its type: one device type, not a function */
  apply_text (fx, "signature", "kv_ro @-> job");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "signature"));
  apply_text (fx, "signature", "kv_ro");
  g_assert_cmpstr (signature (fx, id), ==, "kv_ro");

  /* cases: added, validated, renamed keeping their wire, removed */
  apply_text (fx, "case:add", "`Hvt");
  g_assert_cmpuint (choice_of (fx, id)->cases->len, ==, 1);
  g_assert_cmpstr (choice_of (fx, id)->cases->pdata[0], ==, "`Hvt");
  apply_text (fx, "case:add", "`Hvt");
  g_assert_cmpuint (choice_of (fx, id)->cases->len, ==, 1);
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "case:add"));
  apply_text (fx, "case:add", "`Spt");
  g_assert_cmpuint (choice_of (fx, id)->cases->len, ==, 2);
  g_assert_true (ms_document_connect (fx->doc, a, id, "`Hvt", &error));
  g_assert_true (ms_document_connect (fx->doc, b, id, MS_CHOICE_DEFAULT, &error));
  g_assert_no_error (error);

  /* the branch the target takes, and it follows the target */
  taken = row_titled (GTK_WIDGET (fx->insp), "Branch taken");
  g_assert_nonnull (taken);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (taken)), "default"));
  g_assert_true (ms_document_set_setting (fx->doc, MS_SETTING_TARGET, "hvt", &error));
  test_ui_drain ();
  taken = row_titled (GTK_WIDGET (fx->insp), "Branch taken");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (taken)), "`Hvt"));

  apply_text (fx, "case:0", "`Xen");
  g_assert_cmpstr (choice_of (fx, id)->cases->pdata[0], ==, "`Xen");
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, "`Xen"), ==, a);
  /* one undo step gives the case its name and its wire back */
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_cmpstr (choice_of (fx, id)->cases->pdata[0], ==, "`Hvt");
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, "`Hvt"), ==, a);
  test_ui_drain ();

  click (button_in (GTK_WIDGET (fx->insp), "Remove case `Hvt"));
  g_assert_cmpuint (choice_of (fx, id)->cases->len, ==, 1);
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, "`Hvt"), ==, 0);
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_cmpuint (choice_of (fx, id)->cases->len, ==, 2);
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, "`Hvt"), ==, a);

  /* the condition: a predicate on the target, then back by undo */
  select_choice (fx, "choice:condition", "Key.is_solo5");
  g_assert_cmpstr (choice_of (fx, id)->predicate, ==, "is_solo5");
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_null (choice_of (fx, id)->predicate);
  g_assert_cmpstr (choice_of (fx, id)->key, ==, "target");

  /* no default input: its wire goes with it, undo brings both back */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (field (fx, "choice:default")), FALSE);
  test_ui_drain ();
  g_assert_false (choice_of (fx, id)->has_default);
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, MS_CHOICE_DEFAULT), ==, 0);
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_true (choice_of (fx, id)->has_default);
  g_assert_cmpuint (ms_document_get_source (fx->doc, id, MS_CHOICE_DEFAULT), ==, b);
  g_assert_no_error (error);
}

/* ---- custom-device editor --------------------------------------------------------- */

static void
set_view_text (GtkWidget *view, const char *text)
{
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

/* Whether the text at char offset of the view's buffer has the tag named so. */
static gboolean
has_tag_at (GtkWidget *view, int offset, const char *tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextTag *t = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag);
  GtkTextIter it;

  gtk_text_buffer_get_iter_at_offset (buffer, &it, offset);
  return t != NULL && gtk_text_iter_has_tag (&it, t);
}

static void
test_custom_connect (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "impl", "hello");
  const char *code = "fun _ _ args -> match args with [ a ] -> code ~pos:__POS__ \"Hello.connect %s\" a | _ -> assert false";
  g_autoptr(GError) error = NULL;
  GtkWidget *view;

  ms_inspector_set_device (fx->insp, id);
  view = field (fx, "connect");
  /* monospace, highlighted as the code preview does */
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (view)));
  set_view_text (view, code);
  g_assert_true (has_tag_at (view, 0, "keyword"));          /* fun */
  g_assert_true (has_tag_at (view, 61, "string"));          /* "Hello.connect %s" */
  g_assert_false (has_tag_at (view, 4, "keyword"));         /* _ */
  g_assert_null (ms_document_get_device (fx->doc, id)->custom->connect);

  click (button_in (GTK_WIDGET (fx->insp), "Set the connect code to this text (Ctrl+Z undoes it)"));
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->custom->connect, ==, code);
  /* back to Mirage's default, and undo gives the code back, shown again */
  click (button_in (GTK_WIDGET (fx->insp), "No connect code: Mirage connects the module with its arguments"));
  g_assert_null (ms_document_get_device (fx->doc, id)->custom->connect);
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->custom->connect, ==, code);
  view = field (fx, "connect");
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter a, b;
    g_autofree char *shown = NULL;
    gtk_text_buffer_get_bounds (buffer, &a, &b);
    shown = gtk_text_buffer_get_text (buffer, &a, &b, FALSE);
    g_assert_cmpstr (shown, ==, code);
  }
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_null (ms_document_get_device (fx->doc, id)->custom->connect);
  /* packages and signature are on the same page */
  g_assert_nonnull (field (fx, "packages:add"));
  g_assert_nonnull (field (fx, "signature"));

  /* dependencies: another device picked, removed, back with undo */
  {
    guint other = add (fx, "crunch", "files");
    ms_inspector_set_device (fx->insp, 0);
    ms_inspector_set_device (fx->insp, id);
    select_choice (fx, "deps:add", "files");
    g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->deps->len, ==, 1);
    g_assert_cmpuint (g_array_index (ms_document_get_device (fx->doc, id)->custom->deps, guint, 0), ==, other);
    click (button_in (GTK_WIDGET (fx->insp), "Remove dependency on files"));
    g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->deps->len, ==, 0);
    g_assert_true (ms_document_undo (fx->doc, &error));
    g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->deps->len, ==, 1);
  }
}

/* The connect code typed with the keyboard (xdotool): highlighted as
 * typed, set when the editor loses the focus, one undo step. */
static void
test_custom_connect_typed (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "impl", "hello");
  g_autoptr(GError) error = NULL;
  GtkWidget *view;

  if (!xdo_available ())
    {
      g_test_skip ("needs xdotool on an X display");
      return;
    }
  ms_inspector_set_device (fx->insp, id);
  view = field (fx, "connect");
  gtk_window_present (GTK_WINDOW (fx->window));
  gtk_widget_grab_focus (view);
  test_ui_iterate (200);
  xdo_type ("fun _ _ _ -> code ~pos:__POS__ \"Hello.start\"");
  g_assert_true (has_tag_at (view, 0, "keyword"));
  g_assert_null (ms_document_get_device (fx->doc, id)->custom->connect);
  /* the focus goes elsewhere: the code is set */
  gtk_widget_grab_focus (field (fx, "module"));
  test_ui_drain ();
  g_assert_cmpstr (ms_document_get_device (fx->doc, id)->custom->connect, ==,
                   "fun _ _ _ -> code ~pos:__POS__ \"Hello.start\"");
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_no_error (error);
  g_assert_null (ms_document_get_device (fx->doc, id)->custom->connect);
}

static void
test_main_local_libs (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "main", "unikernel");
  g_autoptr(GError) error = NULL;
  const MsCustom *c;

  ms_inspector_set_device (fx->insp, id);
  apply_text (fx, "local_libs:add", "9lives");
  g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->local_libs->len, ==, 0);
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "local_libs:add"));
  apply_text (fx, "local_libs:add", "my_lib");
  apply_text (fx, "local_libs:add", "other.lib");
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpuint (c->local_libs->len, ==, 2);
  g_assert_cmpstr (c->local_libs->pdata[0], ==, "my_lib");
  click (button_in (GTK_WIDGET (fx->insp), "Remove my_lib"));
  c = ms_document_get_device (fx->doc, id)->custom;
  g_assert_cmpuint (c->local_libs->len, ==, 1);
  g_assert_cmpstr (c->local_libs->pdata[0], ==, "other.lib");
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_device (fx->doc, id)->custom->local_libs->len, ==, 2);
  /* an impl has no local libraries: they are main's */
  {
    guint impl = add (fx, "impl", "hello");
    ms_inspector_set_device (fx->insp, impl);
    test_ui_drain ();
    g_assert_null (ms_inspector_get_field_widget (fx->insp, "local_libs:add"));
  }
}

/* ---- keys and device types of the user's own ------------------------------------- */

static void
test_user_decls (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const MsDecl *k;
  guint id;

  ms_inspector_set_device (fx->insp, 0);
  apply_text (fx, "ukey:add", "hello key");
  g_assert_null (ms_document_get_decl (fx->doc, MS_DECL_KEY, "hello key"));
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "ukey:add"));
  apply_text (fx, "ukey:add", "solo");
  k = ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo");
  g_assert_nonnull (k);
  g_assert_cmpstr (k->conv, ==, "bool");
  g_assert_cmpstr (k->default_value, ==, "false");

  /* its parts, each validated and one undo step */
  apply_text (fx, "ukey:solo:default", "maybe");
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->default_value, ==, "false");
  g_assert_nonnull (ms_inspector_get_field_message (fx->insp, "ukey:solo:default"));
  apply_text (fx, "ukey:solo:default", "true");
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->default_value, ==, "true");
  apply_text (fx, "ukey:solo:doc", "Build for solo5.");
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->doc, ==, "Build for solo5.");
  select_choice (fx, "ukey:solo:conv", "string");
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->conv, ==, "string");
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->conv, ==, "bool");
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo")->doc, ==, "");

  /* its value for the project: a choice on the key follows it */
  {
    guint ch = add (fx, "choice", "pick");
    const MsDevice *d = ms_document_get_device (fx->doc, ch);
    g_autoptr(MsCustom) c = ms_custom_copy (d->custom);
    GtkWidget *sw;
    g_free (c->choice->key);
    c->choice->key = g_strdup ("solo");
    g_ptr_array_add (c->choice->cases, g_strdup ("false"));
    g_assert_true (ms_document_set_custom (fx->doc, ch, c, &error));
    d = ms_document_get_device (fx->doc, ch);
    g_assert_cmpstr (ms_eval_choice_branch (fx->doc, NULL, d), ==, MS_CHOICE_DEFAULT);
    ms_inspector_set_device (fx->insp, ch);
    test_ui_drain ();
    ms_inspector_set_device (fx->insp, 0);
    sw = field (fx, "ukey:solo:value");
    /* the key's default (true, set above) matches no case */
    g_assert_true (GTK_IS_SWITCH (sw));
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
    gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
    test_ui_drain ();
    g_assert_cmpstr (ms_document_get_setting (fx->doc, "key:solo"), ==, "false");
    g_assert_cmpstr (ms_eval_choice_branch (fx->doc, NULL, ms_document_get_device (fx->doc, ch)), ==, "false");
    /* read by the unikernel's choice, the key is one of the graph's, but
     * its one row stays among the keys of the project's own */
    {
      g_autoptr(MsEvalGraph) g = NULL;
      gboolean listed = FALSE;
      g_assert_true (ms_document_set_jobs (fx->doc, &ch, 1, &error));
      g_assert_no_error (error);
      g = ms_eval (fx->doc, NULL);
      for (guint i = 0; i < g->keys->len; i++)
        listed |= g_str_equal (((MsEvalKey *) g->keys->pdata[i])->name, "solo");
      g_assert_true (listed);
      ms_inspector_set_device (fx->insp, ch);
      test_ui_drain ();
      ms_inspector_set_device (fx->insp, 0);
      g_assert_nonnull (field (fx, "ukey:solo:value"));
      g_assert_null (ms_inspector_get_field_widget (fx->insp, "key:solo"));
    }
  }

  /* removed, and back with undo */
  click (button_in (GTK_WIDGET (fx->insp), "Remove key solo"));
  g_assert_null (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo"));
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_nonnull (ms_document_get_decl (fx->doc, MS_DECL_KEY, "solo"));

  /* a device type of the user's own: in the signature editor's types */
  test_ui_drain ();
  apply_text (fx, "utype:add", "hello");
  g_assert_cmpstr (ms_document_get_decl (fx->doc, MS_DECL_TYPE, "hello")->constructor, ==, "Hello");
  id = add (fx, "main", "unikernel");
  ms_inspector_set_device (fx->insp, id);
  g_signal_emit_by_name (field (fx, "sig:add"), "activated");
  test_ui_drain ();
  select_choice (fx, "sig:0", "hello");
  g_assert_cmpstr (signature (fx, id), ==, "hello @-> job");
  apply_text (fx, "signature", "hello @-> hello @-> job");
  g_assert_cmpstr (signature (fx, id), ==, "hello @-> hello @-> job");
  ms_inspector_set_device (fx->insp, 0);
  test_ui_drain ();
  click (button_in (GTK_WIDGET (fx->insp), "Remove type hello"));
  g_assert_null (ms_document_get_decl (fx->doc, MS_DECL_TYPE, "hello"));
  g_assert_true (ms_document_undo (fx->doc, &error));
  g_assert_nonnull (ms_document_get_decl (fx->doc, MS_DECL_TYPE, "hello"));
  g_assert_no_error (error);
}

/* ---- application page ------------------------------------------------------------ */

static void
test_app_page (Fixture *fx, gconstpointer data)
{
  guint main_id = add (fx, "main", "unikernel");
  guint kv = add (fx, "generic_kv_ro", "kv");
  g_autoptr(GArray) jobs = NULL;
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (fx->doc, main_id)->custom);
  g_autoptr(GError) error = NULL;

  /* the key belongs to the graph once the store feeds the unikernel */
  g_free (c->signature);
  c->signature = g_strdup ("kv_ro @-> job");
  ms_document_set_custom (fx->doc, main_id, c, &error);
  g_assert_no_error (error);
  ms_document_set_option (fx->doc, kv, "dir", "htdocs", &error);
  g_assert_no_error (error);
  ms_document_connect (fx->doc, kv, main_id, "1", &error);
  g_assert_no_error (error);
  ms_document_set_jobs (fx->doc, &main_id, 1, &error);
  g_assert_no_error (error);
  ms_inspector_set_device (fx->insp, 0);

  select_choice (fx, "target", "hvt");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "target"), ==, "hvt");

  apply_text (fx, "name", "my-app");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "name"), ==, "my-app");

  /* every key of the evaluated graph, editable */
  select_choice (fx, "key:kv_ro", "direct");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "key:kv_ro"), ==, "direct");

  select_choice (fx, "reporter", "none (no_reporter)");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "reporter"), ==, "none");
  select_choice (fx, "level", "debug");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "level"), ==, "debug");

  /* jobs: the main device is registered, and can be taken out and back */
  {
    GtkWidget *check = field (fx, "jobs");
    g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
    test_ui_drain ();
    jobs = ms_document_get_jobs (fx->doc);
    g_assert_cmpuint (jobs->len, ==, 0);
    g_clear_pointer (&jobs, g_array_unref);
    gtk_check_button_set_active (GTK_CHECK_BUTTON (field (fx, "jobs")), TRUE);
    test_ui_drain ();
    jobs = ms_document_get_jobs (fx->doc);
    g_assert_cmpuint (jobs->len, ==, 1);
    g_assert_cmpuint (g_array_index (jobs, guint, 0), ==, main_id);
  }
}

static void
test_focus_field (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "generic_stackv4v6", "stack");
  GtkWidget *row;

  ms_inspector_set_device (fx->insp, id);
  test_ui_drain ();
  ms_inspector_focus_field (fx->insp, "ipv4_network");
  row = field (fx, "ipv4_network");
  g_assert_true (gtk_widget_has_focus (row) || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), row));
  ms_inspector_focus_field (fx->insp, "name");
  row = field (fx, "name");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), row));
}

static const MsDiagnostic *
find_diag (GPtrArray *diags, const char *code, const char *device)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MsDiagnostic *d = diags->pdata[i];
      if (g_str_equal (d->code, code) && g_strcmp0 (d->device, device) == 0)
        return d;
    }
  return NULL;
}

/* The device's problems are listed on top; activating one goes to its field. */
static void
test_diagnostics (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "crunch", "assets");
  g_autoptr(GPtrArray) diags = ms_check_document (fx->doc);
  const MsDiagnostic *missing = find_diag (diags, MS_DIAG_MISSING_OPTION, "assets");
  const char *escaped;
  GtkWidget *row;

  g_assert_nonnull (missing);
  g_assert_cmpstr (missing->option, ==, "dirname");
  escaped = missing->message;

  /* by itself, the inspector checks the document */
  ms_inspector_set_device (fx->insp, id);
  test_ui_drain ();
  row = row_titled (GTK_WIDGET (fx->insp), escaped);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), field (fx, "dirname")));

  /* the window's diagnostics replace its own */
  ms_inspector_set_diagnostics (fx->insp, NULL);
  test_ui_drain ();
  g_assert_null (row_titled (GTK_WIDGET (fx->insp), escaped));
  ms_inspector_set_diagnostics (fx->insp, diags);
  test_ui_drain ();
  g_assert_nonnull (row_titled (GTK_WIDGET (fx->insp), escaped));

  /* the application page shows only the project's own problems */
  ms_inspector_set_device (fx->insp, 0);
  test_ui_drain ();
  g_assert_null (row_titled (GTK_WIDGET (fx->insp), escaped));
}

/* A device that reads the target offers the project's target setting. */
static void
test_device_target (Fixture *fx, gconstpointer data)
{
  guint id = add (fx, "direct_kv_ro", "files");

  ms_inspector_set_device (fx->insp, id);
  test_ui_drain ();
  g_assert_null (ms_inspector_get_field_widget (fx->insp, "key:target"));
  select_choice (fx, "target", "xen");
  g_assert_cmpstr (ms_document_get_setting (fx->doc, "target"), ==, "xen");
  g_assert_null (ms_document_get_setting (fx->doc, "key:target"));
}

/* Every page of every example opens without a warning. */
static void
test_examples (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, "config.ml", NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_autoptr(MsImportReport) report = NULL;
      MsDocument *doc;
      GtkWidget *window, *insp;
      GPtrArray *devices;

      if (!g_file_get_contents (path, &text, &len, NULL))
        continue;
      doc = ms_import_configml (catalog, path, text, len, &report);
      g_assert_nonnull (doc);
      insp = ms_inspector_new ();
      window = gtk_window_new ();
      gtk_window_set_child (GTK_WINDOW (window), insp);
      gtk_window_present (GTK_WINDOW (window));
      /* without a project there is nothing to edit */
      g_assert_null (ms_inspector_get_field_widget (MS_INSPECTOR (insp), "name"));
      ms_inspector_set_document (MS_INSPECTOR (insp), doc);
      test_ui_drain ();
      g_assert_nonnull (ms_inspector_get_field_widget (MS_INSPECTOR (insp), "target"));
      devices = ms_document_get_devices (doc);
      for (guint i = 0; i < devices->len; i++)
        {
          const MsDevice *dev = devices->pdata[i];
          ms_inspector_set_device (MS_INSPECTOR (insp), dev->id);
          test_ui_drain ();
          g_assert_nonnull (ms_inspector_get_field_widget (MS_INSPECTOR (insp), "name"));
          if (dev->custom)
            g_assert_nonnull (ms_inspector_get_field_widget (MS_INSPECTOR (insp), "signature"));
        }
      ms_inspector_set_device (MS_INSPECTOR (insp), 0);
      test_ui_drain ();
      g_object_ref (insp);
      gtk_window_destroy (GTK_WINDOW (window));
      test_ui_drain ();
      g_assert_finalize_object (insp);
      g_assert_finalize_object (doc);
      n++;
    }
  g_assert_cmpuint (n, >=, 5);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  catalog = ms_catalog_get_default (NULL, &error);
  g_assert_no_error (error);

#define ADD(path, fn) g_test_add ("/inspector/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("rename", test_rename);
  ADD ("rename-refused", test_rename_refused);
  ADD ("option-validation", test_option_validation);
  ADD ("typed-editors", test_typed_editors);
  ADD ("keys-and-args", test_keys_and_args);
  ADD ("refresh-keeps-typing", test_refresh_keeps_typing);
  ADD ("device-removed", test_device_removed);
  ADD ("arg-option", test_arg_option);
  ADD ("main-signature", test_main_signature);
  ADD ("main-module-packages-args", test_main_module_packages_args);
  ADD ("app-page", test_app_page);
  ADD ("focus-field", test_focus_field);
  ADD ("diagnostics", test_diagnostics);
  ADD ("device-target", test_device_target);
  ADD ("wire-page", test_wire_page);
  ADD ("choice-page", test_choice_page);
  ADD ("custom-connect", test_custom_connect);
  ADD ("custom-connect-typed", test_custom_connect_typed);
  ADD ("main-local-libs", test_main_local_libs);
  ADD ("user-decls", test_user_decls);
#undef ADD
  g_test_add_func ("/inspector/examples", test_examples);
  ret = g_test_run ();
  ms_catalog_unref (catalog);
  return ret;
}
