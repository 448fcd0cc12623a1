/* test-import.c: reading config.ml back (codegen/ms-import.c). */
#include <string.h>

#include <glib/gstdio.h>

#include "ms-configml.h"
#include "ms-import.h"
#include "ms-store.h"
#include "test-util.h"

static MsCatalog *
catalog (void)
{
  g_autoptr(GError) error = NULL;
  MsCatalog *c = ms_catalog_get_default ("4.10", &error);
  g_assert_no_error (error);
  return c;
}

static MsDocument *
import (MsCatalog *cat, const char *text, MsImportReport **report)
{
  MsDocument *doc = ms_import_configml (cat, "config.ml", text, strlen (text), report);
  for (guint i = 0; i < (*report)->messages->len; i++)
    {
      g_autofree char *m = ms_import_message_format (*report, (*report)->messages->pdata[i]);
      g_test_message ("%s", m);
    }
  return doc;
}

/* "name:ctor" lines plus "target.param<-source" lines, sorted */
static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
graph_text (MsDocument *doc)
{
  GPtrArray *devs = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < devs->len; i++)
    {
      const MsDevice *d = devs->pdata[i];
      g_autoptr(GList) keys = g_hash_table_get_keys (d->options);
      g_ptr_array_add (lines, g_strdup_printf ("%s:%s%s%s", d->name, d->ctor, d->custom ? " " : "",
                                               d->custom ? d->custom->module : ""));
      for (GList *l = keys; l; l = l->next)
        g_ptr_array_add (lines, g_strdup_printf ("%s.%s=%s", d->name, (char *) l->data,
                                                 (char *) g_hash_table_lookup (d->options, l->data)));
    }
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      g_ptr_array_add (lines, g_strdup_printf ("%s.%s<-%s", ms_document_get_device (doc, c->target)->name,
                                               c->param, ms_document_get_device (doc, c->source)->name));
    }
  g_ptr_array_sort (lines, str_ptr_cmp);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (char *) lines->pdata[i]);
  return g_string_free (s, FALSE);
}

static void
test_basic (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(MsDocument) doc = import (cat,
    "(* mirage >= 4.10.0 & < 4.11.0 *)\nopen Mirage\n"
    "let stack name = generic_stackv4v6 (netif name)\n"
    "let s = stack \"eth0\"\n"
    "let t = stack {|eth\\1|}\n"
    "let m = main \"Unikernel.Main\" (stackv4v6 @-> stackv4v6 @-> job)\n"
    "let () = register \"app\" [ m $ s $ t ]\n", &r);
  g_autofree char *g = graph_text (doc);

  g_test_message ("%s", g);
  g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_ERROR), ==, 0);
  g_assert_nonnull (strstr (g, "s:generic_stackv4v6"));
  g_assert_nonnull (strstr (g, "t:generic_stackv4v6"));
  g_assert_nonnull (strstr (g, "m.1<-s\n"));
  g_assert_nonnull (strstr (g, "m.2<-t\n"));
  g_assert_nonnull (strstr (g, "=eth\\1\n"));
  g_assert_cmpstr (r->mirage_version, ==, "4.10");
  g_assert_cmpstr (ms_document_get_app_name (doc), ==, "app");
}

static void
test_escapes (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(MsDocument) doc = import (cat,
    "let n = netif \"a\\x41\\066\\u{e9}\\o101\\n\\\n   b\"\n"
    "let () = register \"x\" []\n", &r);
  const MsDevice *d = ms_document_find_device (doc, "n");

  g_assert_nonnull (d);
  g_assert_cmpstr (ms_device_get_option (d, "dev"), ==, "aAB\xc3\xa9" "A\nb");
}

static void
test_errors_have_places (void)
{
  static const char *bad[] = {
    "let x = match y with _ -> 1\nlet n = netif \"ok\"\n",
    "let x = \"unterminated\n",
    "let x = (* unterminated comment\n",
    "let f x = f x\nlet y = f 1\n",
    "let x = 99999999999999999999999\n",
    "type t = int\nlet n = netif \"ok\"\n",
    "let x = if_impl Key.(value is_unix) (netif \"a\") (netif \"b\")\n",
  };
  g_autoptr(MsCatalog) cat = catalog ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MsImportReport) r = NULL;
      g_autoptr(MsDocument) doc = import (cat, bad[i], &r);
      gboolean placed = FALSE;
      for (guint j = 0; j < r->messages->len; j++)
        {
          MsImportMessage *m = r->messages->pdata[j];
          placed |= m->line > 0 && m->column > 0 && m->severity != MS_SEVERITY_INFO;
        }
      g_assert_true (placed);
      if (strstr (bad[i], "\"ok\""))
        g_assert_nonnull (ms_document_find_device (doc, "n"));
    }
}

static void
test_examples_round_trip (void)
{
  static const char *examples[] = { "noop", "hello", "hello-key", "kv_ro", "network", "http-server", "git-client" };
  g_autoptr(MsCatalog) cat = catalog ();

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *dir = g_dir_make_tmp ("ms-import-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "p.mstudio", NULL);
      g_autofree char *cmd = g_strdup_printf ("%s new %s --name %s --example %s", g_getenv ("MSTUDIO"), path,
                                              examples[i], examples[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsDocument) orig = NULL;
      g_autoptr(MsDocument) back = NULL;
      g_autoptr(MsImportReport) r = NULL;
      g_autofree char *text = NULL;
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;
      int status;

      g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
      orig = ms_store_open_read_only (path, cat, &error);
      g_assert_no_error (error);
      text = ms_configml_generate (orig, cat, MS_EXPORT_FORCE, &error);
      g_assert_no_error (error);
      back = import (cat, text, &r);
      g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_ERROR), ==, 0);
      g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_WARNING), ==, 0);
      a = graph_text (orig);
      b = graph_text (back);
      g_assert_cmpstr (a, ==, b);
      g_assert_cmpstr (ms_document_get_app_name (orig), ==, ms_document_get_app_name (back));
      g_unlink (path);
      g_rmdir (dir);
    }
}

static void
test_corpus (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autofree char *dir = g_build_filename (SOURCE_DIR, "corpus", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(MsImportReport) r = NULL;
      g_autoptr(MsDocument) doc = NULL;
      g_autoptr(GArray) jobs = NULL;
      if (!g_str_has_suffix (name, ".ml"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      doc = import (cat, text, &r);
      g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_ERROR), ==, 0);
      jobs = ms_document_get_jobs (doc);
      g_assert_cmpuint (jobs->len, >, 0);
      n++;
    }
  g_assert_cmpuint (n, >=, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/basic", test_basic);
  g_test_add_func ("/import/escapes", test_escapes);
  g_test_add_func ("/import/errors", test_errors_have_places);
  g_test_add_func ("/import/examples-round-trip", test_examples_round_trip);
  g_test_add_func ("/import/corpus", test_corpus);
  return g_test_run ();
}
