/* test-code-preview.c: the preview shows what `mstudio export` writes,
 * follows the document's changes, the chosen Mirage version and the
 * selected device, and says why when a project cannot be generated. */
#include <adwaita.h>
#include <string.h>

#include "ms-code-preview.h"
#include "ms-configml.h"
#include "ms-import.h"
#include "ms-resources.h"
#include "test-ui-util.h"

static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Iterates until the preview's config.ml text differs from old (or 5 s). */
static char *
wait_text_change (MsCodePreview *preview, const char *file, const char *old)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      char *text;

      g_main_context_iteration (NULL, FALSE);
      text = ms_code_preview_get_text (preview, file);
      if (g_strcmp0 (text, old) != 0)
        return text;
      g_free (text);
      g_usleep (1000);
    }
  g_error ("the preview did not change");
  return NULL;
}

/* The character at needle + delta in text has tag (or no tag when NULL). */
static void
assert_tag (GtkTextBuffer *buffer, const char *text, const char *needle, int delta, const char *tag)
{
  const char *at = strstr (text, needle);
  GtkTextIter it;
  GSList *tags;

  g_assert_nonnull (at);
  gtk_text_buffer_get_iter_at_offset (buffer, &it, (int) g_utf8_pointer_to_offset (text, at) + delta);
  tags = gtk_text_iter_get_tags (&it);
  if (tag == NULL)
    g_assert_null (tags);
  else
    {
      GtkTextTag *want = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag);
      g_assert_nonnull (want);
      g_assert_true (gtk_text_iter_has_tag (&it, want));
    }
  g_slist_free (tags);
}

static MsDocument *
import_example (const char *name, const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default (version, &error);
  g_autofree char *path = g_build_filename (g_getenv ("MSTUDIO_DATADIR"), "examples", name, "config.ml", NULL);
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr(MsImportReport) report = NULL;
  MsDocument *doc;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  doc = ms_import_configml (cat, path, text, len, &report);
  g_assert_nonnull (doc);
  g_assert_cmpuint (ms_import_report_count (report, MS_SEVERITY_ERROR), ==, 0);
  return doc;
}

static char *
expected (MsDocument *doc, const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default (version, &error);
  char *text = ms_configml_generate (doc, cat, MS_EXPORT_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return text;
}

static char *
line_of (const char *text, int n)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_cmpint (n, <, (int) g_strv_length (lines));
  return g_strdup (lines[n]);
}

static void
test_network (void)
{
  g_autoptr(MsDocument) doc = import_example ("network", "4.11");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = ms_code_preview_new ();
  MsCodePreview *preview = MS_CODE_PREVIEW (widget);
  const MsDevice *stack = ms_document_find_device (doc, "stack");
  guint stack_id;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *text2 = NULL, *text3 = NULL, *text4 = NULL, *want = NULL;
  g_autofree char *ml = NULL, *first_line = NULL, *device_line = NULL;
  int first = -1, last = -1;

  g_object_ref_sink (widget);
  g_assert_nonnull (stack);
  stack_id = stack->id;
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  ms_code_preview_set_document (preview, doc);

  /* exactly what mstudio export writes for Mirage 4.11 */
  text = wait_text_change (preview, "config.ml", "");
  want = expected (doc, "4.11");
  g_assert_cmpstr (text, ==, want);
  g_assert_true (g_str_has_prefix (text, "(* mirage >= 4.11"));
  g_assert_null (ms_code_preview_get_error (preview));

  /* light OCaml highlighting: keywords, strings, comments, module paths */
  {
    GtkWidget *view = test_ui_find_type (widget, GTK_TYPE_TEXT_VIEW);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

    g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (view)));
    g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
    assert_tag (buffer, text, "open Mirage", 0, "keyword");
    assert_tag (buffer, text, "open Mirage", 5, "module");
    assert_tag (buffer, text, "\"Unikernel.Main\"", 3, "string");
    assert_tag (buffer, text, "(* mirage >= 4.11", 5, "comment");
    assert_tag (buffer, text, "let net", 4, NULL);
  }

  /* a rename shows after an idle, not during the edit */
  g_assert_true (ms_document_rename_device (doc, stack_id, "backbone", &error));
  g_assert_no_error (error);
  {
    g_autofree char *now = ms_code_preview_get_text (preview, "config.ml");
    g_assert_cmpstr (now, ==, text);
  }
  text2 = wait_text_change (preview, "config.ml", text);
  g_clear_pointer (&want, g_free);
  want = expected (doc, "4.11");
  g_assert_cmpstr (text2, ==, want);
  g_assert_nonnull (strstr (text2, "let backbone = generic_stackv4v6 net"));

  /* the selected device's binding is highlighted */
  ms_code_preview_set_device (preview, stack_id);
  g_assert_true (ms_code_preview_get_device_lines (preview, &first, &last));
  device_line = line_of (text2, first);
  g_assert_cmpstr (device_line, ==, "let backbone = generic_stackv4v6 net");
  g_assert_cmpint (last, ==, first);
  {
    /* the main's binding spans several lines, up to the blank before register */
    const MsDevice *m = ms_document_find_device (doc, "unikernel");
    g_autofree char *l1 = NULL, *l2 = NULL;
    ms_code_preview_set_device (preview, m->id);
    g_assert_true (ms_code_preview_get_device_lines (preview, &first, &last));
    l1 = line_of (text2, first);
    l2 = line_of (text2, last);
    g_assert_cmpstr (l1, ==, "let unikernel =");
    g_assert_cmpstr (l2, ==, "  $ backbone");
    ms_code_preview_set_device (preview, 0);
    g_assert_false (ms_code_preview_get_device_lines (preview, &first, &last));
    ms_code_preview_set_device (preview, stack_id);
  }

  /* Copy puts the text on the clipboard */
  {
    GdkContentProvider *content;
    GValue value = G_VALUE_INIT;

    gtk_widget_activate_action (widget, "preview.copy", NULL);
    content = gdk_clipboard_get_content (gtk_widget_get_clipboard (widget));
    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    g_assert_cmpstr (g_value_get_string (&value), ==, text2);
    g_value_unset (&value);
  }

  /* Mirage 4.10: another version comment */
  ms_code_preview_set_mirage_version (preview, "4.10");
  text3 = wait_text_change (preview, "config.ml", text2);
  first_line = line_of (text3, 0);
  g_assert_true (g_str_has_prefix (first_line, "(* mirage >= 4.10"));
  g_clear_pointer (&want, g_free);
  want = expected (doc, "4.10");
  g_assert_cmpstr (text3, ==, want);
  /* the highlight follows regeneration */
  g_assert_true (ms_code_preview_get_device_lines (preview, &first, &last));
  g_clear_pointer (&device_line, g_free);
  device_line = line_of (text3, first);
  g_assert_cmpstr (device_line, ==, "let backbone = generic_stackv4v6 net");

  /* unikernel.ml: the skeleton of Unikernel.Main */
  ms_code_preview_set_file (preview, "unikernel.ml");
  ml = wait_text_change (preview, "unikernel.ml", text3);
  g_assert_nonnull (strstr (ml, "module Main"));

  /* hidden: nothing is generated until it shows again */
  ms_code_preview_set_file (preview, "config.ml");
  g_free (wait_text_change (preview, "config.ml", ml));
  gtk_widget_set_visible (widget, FALSE);
  g_assert_true (ms_document_rename_device (doc, stack_id, "core", &error));
  for (int i = 0; i < 50; i++)
    {
      drain ();
      g_usleep (1000);
    }
  {
    g_autofree char *now = ms_code_preview_get_text (preview, "config.ml");
    g_assert_null (strstr (now, "let core ="));
    gtk_widget_set_visible (widget, TRUE);
    text4 = wait_text_change (preview, "config.ml", now);
    g_assert_nonnull (strstr (text4, "let core = generic_stackv4v6 net"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_assert_finalize_object (widget);
}

/* A main whose kv_ro input is not connected cannot be written as
 * config.ml even by force: the message shows instead of the text. */
static void
test_unexportable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("4.11", &error);
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsCustom) custom = ms_custom_new ("Unikernel.Main", "kv_ro @-> job");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = ms_code_preview_new ();
  MsCodePreview *preview = MS_CODE_PREVIEW (widget);
  guint m;
  gint64 end;

  g_object_ref_sink (widget);
  m = ms_document_add_device (doc, "main", "unikernel", &error);
  g_assert_no_error (error);
  g_assert_true (ms_document_set_custom (doc, m, custom, &error));
  g_assert_true (ms_document_set_jobs (doc, &m, 1, &error));
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  ms_code_preview_set_document (preview, doc);

  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (ms_code_preview_get_error (preview) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (ms_code_preview_get_error (preview));
  g_test_message ("shown: %s", ms_code_preview_get_error (preview));
  g_assert_nonnull (strstr (ms_code_preview_get_error (preview), "not connected"));
  {
    g_autofree char *text = ms_code_preview_get_text (preview, "config.ml");
    g_assert_cmpstr (text, ==, "");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_assert_finalize_object (widget);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_resources_register (ms_studio_get_resource ());
  g_test_add_func ("/code-preview/network", test_network);
  g_test_add_func ("/code-preview/unexportable", test_unexportable);
  return g_test_run ();
}
