/* test-import.c: reading config.ml back (codegen/ms-import.c). */
#include <string.h>

#include <glib/gstdio.h>

#include "ms-configml.h"
#include "ms-import.h"
#include "ms-json.h"
#include "ms-store.h"
#include "test-export-util.h"
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

static const char *
dev_name (MsDocument *doc, guint id)
{
  const MsDevice *d = ms_document_get_device (doc, id);
  return d ? d->name : "?";
}

/* Everything a project holds but placement: graph_text, custom fields,
 * settings and jobs. */
static char *
doc_text (MsDocument *doc)
{
  g_autofree char *graph = graph_text (doc);
  GPtrArray *devs = ms_document_get_devices (doc);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);
  GString *s = g_string_new (graph);

  for (guint i = 0; i < devs->len; i++)
    {
      const MsDevice *d = devs->pdata[i];
      const MsCustom *cu = d->custom;
      if (cu == NULL)
        continue;
      g_ptr_array_add (lines, g_strdup_printf ("%s custom %s : %s", d->name, cu->module,
                                               cu->signature ? cu->signature : ""));
      for (guint j = 0; cu->packages && j < cu->packages->len; j++)
        {
          g_autofree char *p = ms_package_to_string (cu->packages->pdata[j]);
          g_ptr_array_add (lines, g_strdup_printf ("%s package %s", d->name, p));
        }
      for (guint j = 0; cu->runtime_args && j < cu->runtime_args->len; j++)
        {
          const MsArgDecl *a = cu->runtime_args->pdata[j];
          g_ptr_array_add (lines, g_strdup_printf ("%s arg %u %s:%s=[%s] doc=[%s]", d->name, j, a->name,
                                                   a->type, a->default_value, a->doc));
        }
      for (guint j = 0; cu->deps && j < cu->deps->len; j++)
        g_ptr_array_add (lines, g_strdup_printf ("%s dep %s", d->name,
                                                 dev_name (doc, g_array_index (cu->deps, guint, j))));
    }
  g_ptr_array_sort (lines, str_ptr_cmp);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (char *) lines->pdata[i]);
  static const char * const fixed[] = {
    MS_SETTING_NAME, MS_SETTING_TARGET, MS_SETTING_ARGV, MS_SETTING_REPORTER, MS_SETTING_LEVEL,
    MS_SETTING_SLEEP, MS_SETTING_PTIME, MS_SETTING_MTIME, MS_SETTING_RANDOM,
  };

  /* the fixed settings by their effective value (set to the default = unset) */
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_string_append_printf (s, "setting %s=%s\n", fixed[i],
                            ms_document_get_setting_or_default (doc, fixed[i]));
  for (guint i = 0; i < settings->len; i++)
    {
      const char *k = settings->pdata[i];
      if (!g_str_has_prefix (k, "key:") && !g_str_has_prefix (k, "arg:"))
        continue;   /* above; jobs are compared by name below */
      g_string_append_printf (s, "setting %s=%s\n", k, ms_document_get_setting (doc, k));
    }
  g_string_append (s, "jobs:");
  for (guint i = 0; i < jobs->len; i++)
    g_string_append_printf (s, " %s", dev_name (doc, g_array_index (jobs, guint, i)));
  g_string_append_printf (s, "\ntarget=%s name=%s\n", ms_document_get_target (doc), ms_document_get_app_name (doc));
  return g_string_free (s, FALSE);
}

/* Imports text on cat; FALSE (and the messages logged) on an error or warning. */
static gboolean
import_clean (MsCatalog *cat, const char *what, const char *text, MsDocument **doc)
{
  g_autoptr(MsImportReport) r = NULL;

  *doc = import (cat, text, &r);
  if (ms_import_report_count (r, MS_SEVERITY_ERROR) + ms_import_report_count (r, MS_SEVERITY_WARNING) > 0)
    {
      g_test_message ("%s: import not clean:\n%s", what, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
same (const char *what, MsDocument *a, MsDocument *b)
{
  g_autofree char *x = doc_text (a);
  g_autofree char *y = doc_text (b);

  if (!g_str_equal (x, y))
    {
      g_test_message ("%s differs:\n--- before\n%s--- after\n%s", what, x, y);
      return FALSE;
    }
  return TRUE;
}

/* project -> config.ml -> project, and config.ml -> project -> config.ml -> project */
static gboolean
round_trip (MsCatalog *cat, const char *what, MsDocument *orig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ms_configml_generate (orig, cat, MS_EXPORT_FORCE, &error);
  g_autofree char *text2 = NULL;
  g_autoptr(MsDocument) back = NULL;
  g_autoptr(MsDocument) again = NULL;

  if (error)
    g_test_message ("%s: %s", what, error->message);
  g_assert_no_error (error);
  if (!import_clean (cat, what, text, &back) || !same (what, orig, back))
    return FALSE;
  text2 = ms_configml_generate (back, cat, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  if (!import_clean (cat, what, text2, &again) || !same (what, back, again))
    return FALSE;
  if (!g_str_equal (text, text2))
    {
      g_test_message ("%s: the second export differs:\n%s\n%s", what, text, text2);
      return FALSE;
    }
  return TRUE;
}

static void
constructors_round_trip (const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default (version, &error);
  GPtrArray *ctors;
  guint n = 0;
  g_autoptr(GString) failed = g_string_new (NULL);

  g_assert_no_error (error);
  ctors = ms_catalog_get_constructors (cat);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      g_autoptr(MsDocument) doc = NULL;
      g_autofree char *what = NULL;

      if (c->kind != MS_CTOR_DEVICE)
        continue;
      what = g_strdup_printf ("%s (Mirage %s)", c->name, version);
      doc = test_constructor_project (cat, c);
      if (!round_trip (cat, what, doc))
        g_string_append_printf (failed, " %s", c->name);
      n++;
    }
  g_assert_cmpstr (failed->str, ==, "");
  g_test_message ("%u constructors of Mirage %s round-tripped", n, version);
  g_assert_cmpuint (n, >, 50);
}

static void
test_constructors_410 (void)
{
  constructors_round_trip ("4.10");
}

static void
test_constructors_411 (void)
{
  constructors_round_trip ("4.11");
}

/* Runtime-argument declarations with every kind of text in their doc and default. */
static void
test_arg_comments (void)
{
  g_autoptr(MsCatalog) cat = catalog ();

  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    {
      g_autoptr(MsDocument) doc = ms_document_new (cat);
      g_autoptr(MsCustom) cu = ms_custom_new ("Unikernel.Main", "job");
      g_autoptr(GError) error = NULL;
      g_autofree char *what = g_strdup_printf ("adversarial %u", i);
      guint app = test_add (doc, "main", "app");

      if (!g_utf8_validate (test_adversarial[i], -1, NULL))
        continue;   /* the document keeps UTF-8 text only */
      g_ptr_array_add (cu->runtime_args, ms_arg_decl_new ("a", "string", test_adversarial[i], test_adversarial[i]));
      g_ptr_array_add (cu->runtime_args, ms_arg_decl_new ("b", "int", "-3", "x: y, default 4: z"));
      g_ptr_array_add (cu->runtime_args, ms_arg_decl_new ("c", "list:string", "a,b", ""));
      g_ptr_array_add (cu->runtime_args, ms_arg_decl_new ("d", "bool", "", test_adversarial[i]));
      ms_document_set_custom (doc, app, cu, &error);
      g_assert_no_error (error);
      ms_document_set_jobs (doc, &app, 1, &error);
      g_assert_no_error (error);
      g_assert_true (round_trip (cat, what, doc));
    }
}

/* Target, key values, runtime-argument values, jobs and every register option. */
static void
test_settings_round_trip (void)
{
  static const char * const whats[] = { "argv", "reporter", "sleep", "ptime", "mtime", "random" };
  g_autoptr(MsCatalog) cat = catalog ();

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(MsDocument) doc = ms_document_new (cat);
      g_autoptr(MsCustom) cu = ms_custom_new ("Unikernel.Main", "kv_ro @-> job");
      g_autoptr(GError) error = NULL;
      guint app = test_add (doc, "main", "app");
      guint kv = test_add (doc, "generic_kv_ro", "files");
      guint other = test_add (doc, "noop", "other");
      guint jobs[] = { other, app };
      g_autofree char *what = g_strdup_printf ("settings %u", round);

      g_ptr_array_add (cu->runtime_args, ms_arg_decl_new ("port", "port", "80", "Where to listen"));
      ms_document_set_custom (doc, app, cu, &error);
      g_assert_no_error (error);
      test_set (doc, kv, "dir", "htdocs");
      test_connect (doc, kv, app, "1");
      ms_document_set_jobs (doc, round == 2 ? &app : jobs, round == 2 ? 1 : 2, &error);
      g_assert_no_error (error);
      test_setting (doc, MS_SETTING_NAME, round ? "web-site" : "w");
      test_setting (doc, MS_SETTING_TARGET, round == 0 ? "hvt" : round == 1 ? "xen" : "unix");
      test_setting (doc, "key:kv_ro", round == 1 ? "direct" : "crunch");
      test_setting (doc, "arg:port", round ? "8443" : "8080");
      if (round < 2)
        test_setting (doc, MS_SETTING_LEVEL, round ? "debug" : "quiet");
      for (guint i = 0; i < G_N_ELEMENTS (whats); i++)
        {
          const char *const *choices = ms_catalog_get_register_choices (cat, whats[i]);
          guint n = choices ? g_strv_length ((char **) choices) : 0;
          /* round 0: the last choice, round 1: the first, round 2: all defaults */
          if (n > 0 && round < 2 && !(round == 0 && g_str_equal (whats[i], "reporter")))
            test_setting (doc, whats[i], choices[round == 0 ? n - 1 : 0]);
        }
      g_assert_true (round_trip (cat, what, doc));
    }
}

/* Older exports wrote only the doc: (* --port: The HTTP port *). */
static void
test_arg_comment_old (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(MsDocument) doc = import (cat,
    "open Mirage\n"
    "(* --port: The HTTP port *)\n"
    "(* --n: int, default 3: with ': ' inside *)\n"
    "let m = main ~runtime_args:[ runtime_arg ~pos:__POS__ \"Unikernel.port\";\n"
    "  runtime_arg ~pos:__POS__ \"Unikernel.n\" ] \"Unikernel.Main\" job\n"
    "let () = register \"x\" [ m ]\n", &r);
  const MsDevice *m = ms_document_find_device (doc, "m");
  const MsArgDecl *a, *n;

  g_assert_nonnull (m);
  g_assert_cmpuint (m->custom->runtime_args->len, ==, 2);
  a = m->custom->runtime_args->pdata[0];
  n = m->custom->runtime_args->pdata[1];
  g_assert_cmpstr (a->type, ==, "string");
  g_assert_cmpstr (a->default_value, ==, "");
  g_assert_cmpstr (a->doc, ==, "The HTTP port");
  g_assert_cmpstr (n->type, ==, "int");
  g_assert_cmpstr (n->default_value, ==, "3");
  g_assert_cmpstr (n->doc, ==, "with ': ' inside");
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
      a = doc_text (orig);
      b = doc_text (back);
      g_assert_cmpstr (a, ==, b);
      g_assert_true (round_trip (cat, examples[i], orig));
      g_unlink (path);
      g_rmdir (dir);
    }
}

/* "name ctor" lines, then "source -> target.param" lines, each sorted
 * (the form of tests/corpus/NAME.expect) */
static char *
expect_text (MsDocument *doc)
{
  GPtrArray *devs = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) d = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) c = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < devs->len; i++)
    g_ptr_array_add (d, g_strdup_printf ("%s %s", ((MsDevice *) devs->pdata[i])->name,
                                         ((MsDevice *) devs->pdata[i])->ctor));
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *x = conns->pdata[i];
      g_ptr_array_add (c, g_strdup_printf ("%s -> %s.%s", dev_name (doc, x->source), dev_name (doc, x->target),
                                           x->param));
    }
  g_ptr_array_sort (d, str_ptr_cmp);
  g_ptr_array_sort (c, str_ptr_cmp);
  for (guint i = 0; i < d->len; i++)
    g_string_append_printf (s, "%s\n", (char *) d->pdata[i]);
  for (guint i = 0; i < c->len; i++)
    g_string_append_printf (s, "%s\n", (char *) c->pdata[i]);
  return g_string_free (s, FALSE);
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
      {
        /* NAME.expect: the devices and connections, exactly */
        g_autofree char *base = g_strndup (name, strlen (name) - 3);
        g_autofree char *epath = g_strdup_printf ("%s/%s.expect", dir, base);
        g_autofree char *expect = NULL;
        g_autofree char *got = expect_text (doc);
        g_assert_true (g_file_get_contents (epath, &expect, NULL, NULL));
        if (!g_str_equal (expect, got))
          g_test_message ("%s: got\n%s", name, got);
        g_assert_cmpstr (expect, ==, got);
      }
      n++;
    }
  g_assert_cmpuint (n, >=, 15);
}

/* The project as JSON without canvas positions (import places nothing). */
static char *
project_json (MsDocument *doc)
{
  g_autoptr(MsJson) tree = ms_json_document (doc);
  struct json_object *devices = json_object_object_get (tree, "devices");

  for (size_t i = 0; devices != NULL && i < json_object_array_length (devices); i++)
    json_object_object_del (json_object_array_get_idx (devices, i), "position");
  return ms_json_to_string (tree);
}

/* tests/corpus/config: config.ml files using every construct of issue 11
 * (custom types and devices with connect code, choices, keys of the
 * user's own and of the DSL with a group, runtime arguments carried by
 * devices, the labelled arguments of main and impl). Each imports with no
 * error or warning into exactly NAME.json (the project's JSON form,
 * positions left out; MSTUDIO_UPDATE_GOLDEN=1 rewrites it), and its
 * export for 4.10 and 4.11 imports back into the same project and
 * exports to the same text. tools/mirage-check-files compares what the
 * real mirage generates from each original and export. */
static void
test_corpus_config (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autofree char *dir = g_build_filename (SOURCE_DIR, "corpus", "config", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *base = NULL, *jpath = NULL, *expect = NULL, *got = NULL, *text = NULL;
      g_autoptr(MsImportReport) r = NULL;
      g_autoptr(MsDocument) doc = NULL;

      if (!g_str_has_suffix (name, ".ml"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      doc = import (cat, text, &r);
      if (ms_import_report_count (r, MS_SEVERITY_ERROR) + ms_import_report_count (r, MS_SEVERITY_WARNING) > 0)
        g_error ("%s: import not clean (see the messages above)", name);
      base = g_strndup (name, strlen (name) - 3);
      jpath = g_strdup_printf ("%s/%s.json", dir, base);
      got = project_json (doc);
      if (g_getenv ("MSTUDIO_UPDATE_GOLDEN") != NULL)
        g_assert_true (g_file_set_contents (jpath, got, -1, NULL));
      g_assert_true (g_file_get_contents (jpath, &expect, NULL, NULL));
      if (!g_str_equal (expect, got))
        g_test_message ("%s: got\n%s", name, got);
      g_assert_cmpstr (expect, ==, got);

      for (guint v = 0; v < 2; v++)
        {
          const char *version = v == 0 ? "4.10" : "4.11";
          g_autoptr(GError) error = NULL;
          g_autoptr(MsCatalog) vcat = ms_catalog_get_default (version, &error);
          g_autofree char *out = NULL, *out2 = NULL, *again = NULL;
          g_autoptr(MsDocument) back = NULL;
          g_autoptr(MsImportReport) r2 = NULL;

          g_assert_no_error (error);
          out = ms_configml_generate (doc, vcat, MS_EXPORT_FLAGS_NONE, &error);
          if (error)
            g_error ("%s for %s: %s", name, version, error->message);
          back = ms_import_configml (cat, "config.ml", out, strlen (out), &r2);
          g_assert_cmpuint (ms_import_report_count (r2, MS_SEVERITY_ERROR)
                            + ms_import_report_count (r2, MS_SEVERITY_WARNING), ==, 0);
          again = project_json (back);
          if (!g_str_equal (again, got))
            g_test_message ("%s, exported for %s:\n%s\nreads back as\n%s", name, version, out, again);
          g_assert_cmpstr (again, ==, got);
          out2 = ms_configml_generate (back, vcat, MS_EXPORT_FLAGS_NONE, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (out, ==, out2);
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 5);
}

/* Found by the fuzzer: a key referred to as `Key.NAME` read past the end
 * of its name. The keys are imported, the rest warned about. */
static void
test_key_reference (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) report = NULL;
  const char *text =
    "open Mirage\n"
    "let k = Key.kv_ro\n"
    "let t = Key.target\n"
    "let unikernel = main \"Unikernel.Main\" job\n"
    "let () = register \"k\" [ unikernel ]\n";
  g_autoptr(MsDocument) doc = import (cat, text, &report);

  g_assert_nonnull (doc);
  g_assert_nonnull (ms_document_find_device (doc, "unikernel"));
}

/* What the bounds and the linear-time paths must keep: left-associative
 * chains still compute left to right, a helper sees the binding of its
 * time (not a later top-level one of the same name), the same template
 * applied to the same inputs is one device, and devices made from one
 * template are numbered in order. */
static void
test_evaluation_kept (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(MsDocument) doc = import (cat,
    "open Mirage\n"
    "let key = runtime_arg ~pos:__POS__ \"Unikernel.key\"\n"
    "let plain = block_of_file \"secret\"\n"
    "let sealed = ccm_block ~nonce_len:(20 - 4 - 4 / 2 * 2 - 4) key plain\n"
    "let dev = \"one\"\n"
    "let first () = netif dev\n"
    "let dev = \"two\"\n"
    "let a = first ()\n"
    "let b = netif dev\n"
    "let m = main ~runtime_args:[ key ] \"Unikernel.Main\" (network @-> job)\n"
    "let j1 = m $ a\n"
    "let j2 = m $ a\n"
    "let j3 = m $ b\n"
    "let () = register \"kept\" [ j1; j2; j3 ]\n", &r);
  const MsDevice *sealed = ms_document_find_device (doc, "sealed");

  g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_ERROR), ==, 0);
  g_assert_nonnull (sealed);
  /* ((20 - 4) - ((4 / 2) * 2)) - 4 */
  g_assert_cmpstr (ms_device_get_option (sealed, "nonce_len"), ==, "8");
  g_assert_cmpstr (ms_device_get_option (ms_document_find_device (doc, "a"), "dev"), ==, "one");
  g_assert_cmpstr (ms_device_get_option (ms_document_find_device (doc, "b"), "dev"), ==, "two");
  /* j1 and j2 are one device (bound first to j1), j3 another */
  g_assert_nonnull (ms_document_find_device (doc, "j1"));
  g_assert_null (ms_document_find_device (doc, "j2"));
  g_assert_nonnull (ms_document_find_device (doc, "j3"));
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 6);   /* m is a template, not a device */
}

/* 2,400 instances of one template with no names of their own: m, then
 * m_3 (m_2 is taken), m_4 ... in order, as ms_document_suggest_name
 * numbers them (the search resumes, it does not restart) */
static void
test_template_names (void)
{
  g_autoptr(MsCatalog) cat = catalog ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(GString) text = g_string_new ("open Mirage\nlet m = main \"Unikernel.Main\" (network @-> job)\n"
                                          "let m_2 = netif \"taken\"\nlet jobs = [\n");
  g_autoptr(MsDocument) doc = NULL;

  for (guint i = 0; i < 2400; i++)
    g_string_append_printf (text, "  m $ netif \"eth%u\";\n", i);
  g_string_append (text, "]\nlet () = register \"many\" jobs\n");
  doc = import (cat, text->str, &r);
  g_assert_cmpuint (ms_import_report_count (r, MS_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 4801);
  g_assert_cmpstr (ms_document_find_device (doc, "m")->ctor, ==, "main");
  g_assert_null (ms_document_find_device (doc, "m_1"));
  g_assert_cmpstr (ms_document_find_device (doc, "m_2")->ctor, ==, "netif");
  g_assert_cmpstr (ms_document_find_device (doc, "m_3")->ctor, ==, "main");
  g_assert_cmpstr (ms_document_find_device (doc, "m_2401")->ctor, ==, "main");
  g_assert_null (ms_document_find_device (doc, "m_2402"));
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
  g_test_add_func ("/import/corpus-config", test_corpus_config);
  g_test_add_func ("/import/constructors/4.10", test_constructors_410);
  g_test_add_func ("/import/constructors/4.11", test_constructors_411);
  g_test_add_func ("/import/arg-comments", test_arg_comments);
  g_test_add_func ("/import/arg-comment-old", test_arg_comment_old);
  g_test_add_func ("/import/settings-round-trip", test_settings_round_trip);
  g_test_add_func ("/import/key-reference", test_key_reference);
  g_test_add_func ("/import/evaluation-kept", test_evaluation_kept);
  g_test_add_func ("/import/template-names", test_template_names);
  return g_test_run ();
}
