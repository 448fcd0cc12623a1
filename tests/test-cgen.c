/* test-cgen.c: C generation for the bundled runtime (codegen/ms-cgen.c).
 *
 * Generated main.c and unikernel.h are checked for the graph's shape
 * (one connect per shared device, the main's typed prototype, the
 * runtime arguments), hostile option values are compiled with the
 * system C compiler and must read back as the same bytes, devices the
 * runtime lacks are refused by name, and lines of generated code map
 * back to their device. Each example links exactly the runtime archives
 * and system libraries its devices' catalog entries name. The full build
 * and run is tests/cli-build.sh (and cli-git.sh, cli-http-fetch.sh, which
 * read the libraries the built binaries need).
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ms-cgen.h"
#include "ms-escape.h"
#include "ms-import.h"
#include "ms-paths.h"
#include "test-util.h"

static GHashTable *
runtime_table (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  GHashTable *t = ms_cgen_runtime_load (cat);

  g_assert_cmpuint (g_hash_table_size (t), >, 10);
  return t;
}

static void
set_jobs (MsDocument *doc, guint id)
{
  g_autoptr(GError) error = NULL;

  ms_document_set_jobs (doc, &id, 1, &error);
  g_assert_no_error (error);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = haystack; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

/* One block device feeding two parameters: connected once, passed twice. */
static void
test_sharing (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GHashTable) rt = runtime_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsEvalGraph) g = NULL;
  g_autoptr(MsCgenOutput) out = NULL;
  guint blk = test_add (doc, "block_of_file", "disk");
  guint kv = test_add (doc, "kv_rw_mem", "store");
  guint m = test_add_main (doc, "app", "Unikernel.Main", "block @-> block @-> kv_rw @-> job");

  test_set (doc, blk, "file", "disk.img");
  test_connect (doc, blk, m, "1");
  test_connect (doc, blk, m, "2");
  test_connect (doc, kv, m, "3");
  set_jobs (doc, m);
  g = ms_eval (doc, "unix");
  out = ms_cgen_generate (g, rt, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (out->main_c, "mirage_block_of_file ("), ==, 1);
  g_assert_cmpuint (count (out->main_c, "mirage_kv_rw_mem ("), ==, 1);
  g_assert_nonnull (strstr (out->unikernel_h,
                            "int app_start (struct mirage_block *disk, struct mirage_block *disk_, "
                            "struct mirage_kv_rw *store);"));
  /* the connect line belongs to the device */
  {
    g_auto(GStrv) lines = g_strsplit (out->main_c, "\n", -1);
    guint found = 0;
    for (guint i = 0; lines[i]; i++)
      if (strstr (lines[i], "mirage_block_of_file (") != NULL)
        found = i + 1;
    g_assert_cmpuint (found, >, 0);
    g_assert_cmpstr (ms_cgen_output_device_at (out, "main.c", found), ==, "disk (block_of_file)");
    g_assert_null (ms_cgen_output_device_at (out, "main.c", 1));
    g_assert_null (ms_cgen_output_device_at (out, "other.c", found));
  }
}

/* Runtime arguments of a main: a struct with C types. */
static void
test_args (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GHashTable) rt = runtime_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsEvalGraph) g = NULL;
  g_autoptr(MsCgenOutput) out = NULL;
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "job");
  guint m = test_add (doc, "main", "svc");

  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("port", "port", "8080", "The port."));
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("verbose", "bool", "false", "Talk."));
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("name", "string", "", "A name."));
  ms_document_set_custom (doc, m, c, &error);
  g_assert_no_error (error);
  set_jobs (doc, m);
  g = ms_eval (doc, "unix");
  out = ms_cgen_generate (g, rt, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out->unikernel_h, "struct svc_args {\n  uint16_t port;\n  bool verbose;\n  const char *name;\n};"));
  g_assert_nonnull (strstr (out->unikernel_h, "int svc_start (const struct svc_args *args);"));
  g_assert_nonnull (strstr (out->main_c, ".type = MIRAGE_ARG_PORT"));
  g_assert_nonnull (strstr (out->main_c, ".default_value = \"8080\""));
}

/* Devices the runtime lacks are refused, naming them. */
static void
test_unsupported (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GHashTable) rt = runtime_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsEvalGraph) g = NULL;
  g_autoptr(MsCgenOutput) out = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  guint rd = test_add (doc, "ramdisk", "rd");
  guint kv = test_add (doc, "tar_kv_ro", "files");
  guint m = test_add_main (doc, "app", "Unikernel.Main", "kv_ro @-> job");

  test_set (doc, rd, "name", "r");
  test_connect (doc, rd, kv, "block");
  test_connect (doc, kv, m, "1");
  set_jobs (doc, m);
  g = ms_eval (doc, "unix");
  missing = ms_cgen_unsupported (g, rt);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (missing->pdata[0], ==, "files (tar_kv_ro)");
  out = ms_cgen_generate (g, rt, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, MS_CGEN_ERROR, MS_CGEN_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "files (tar_kv_ro)"));
  g_assert_nonnull (strstr (error->message, "config.ml"));
}

/* Hostile bytes through ms_escape_c_string, compiled and printed back. */
static void
test_escape_compiled (void)
{
  static const char * const hostile[] = {
    "plain", "a\"b\\c", "new\nline\r\ttab", "?\?=trigraph?\?/", "*/ /* comment",
    "\x01\x1f\x7f", "Grüße \xe2\x80\xae bidi", "bad \xff\xfe utf8", "\\x41 not hex", "0\0170",
  };
  g_autofree char *dir = g_dir_make_tmp ("ms-cgen-XXXXXX", NULL);
  g_autofree char *src = g_build_filename (dir, "t.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "t", NULL);
  g_autoptr(GString) c = g_string_new ("#include <stdio.h>\nint main (void)\n{\n");
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  const char *cc_argv[] = { "cc", "-std=c11", "-Wall", "-Werror", "-o", exe, src, NULL };
  const char *run_argv[] = { exe, NULL };
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_string_append (c, "  fputs (");
      ms_escape_c_string_append (c, hostile[i]);
      g_string_append (c, ", stdout);\n  putchar (0);\n");
      g_string_append_len (expected, hostile[i], (gssize) strlen (hostile[i]) + 1);
    }
  g_string_append (c, "  return 0;\n}\n");
  g_assert_true (g_file_set_contents (src, c->str, -1, NULL));
  if (!g_spawn_sync (NULL, (char **) cc_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
    {
      g_test_skip ("no C compiler");
      return;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  {
    gsize len = 0;
    g_autoptr(GSubprocess) p = g_subprocess_newv (run_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_autoptr(GBytes) bytes = NULL;
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate (p, NULL, NULL, &bytes, NULL, &error));
    output = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
    g_assert_cmpmem (output, len, expected->str, expected->len);
  }
  {
    g_autofree char *lit = ms_escape_c_string ("a\"?\n");
    g_assert_cmpstr (lit, ==, "\"a\\\"\\?\\n\"");
  }
  g_unlink (exe);
  g_unlink (src);
  g_rmdir (dir);
}

/* @arr (char*) joined with ","; "" when empty */
static char *
joined (GPtrArray *arr)
{
  g_autoptr(GPtrArray) v = g_ptr_array_new ();   /* borrowed strings */

  for (guint i = 0; i < arr->len; i++)
    g_ptr_array_add (v, arr->pdata[i]);
  g_ptr_array_add (v, NULL);
  return g_strjoinv (",", (char **) v->pdata);
}

/* The bundled examples, imported from their config.ml and generated for
 * unix: the archives (libmirage-runtime-NAME.a) and system libraries
 * (-lNAME) are the union of the devices' catalog entries, and nothing
 * else. The git archive is one (git2), not one per library: hogweed and
 * ssh2 are system libraries only. */
static void
test_archives (void)
{
  static const struct {
    const char *example, *archives, *libraries;
  } cases[] = {
    { "noop", "", "" },
    { "hello", "", "" },
    { "ccm_block", "nettle", "nettle" },
    /* git_ssh and git_tcp over a mimic with a DNS client (ldns) */
    { "git-client", "git2,gnutls,ldns", "git2,gnutls,hogweed,ldns,ssh2" },
    { "git-kv", "git2,gnutls,ldns", "git2,gnutls,hogweed,ldns,ssh2" },
    { "http-fetch", "gnutls,ldns,nghttp2", "gnutls,http_parser,ldns,nghttp2" },
    { "http-server", "gnutls,http_parser,nghttp2", "gnutls,http_parser,nghttp2" },
    { "dns-lookup", "gnutls,ldns", "gnutls,ldns" },
  };
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(GHashTable) rt = runtime_table ();
  g_autofree char *examples = ms_paths_get_examples_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *file = g_build_filename (examples, cases[i].example, "config.ml", NULL);
      g_autofree char *text = NULL;
      g_autofree char *archives = NULL;
      g_autofree char *libraries = NULL;
      gsize len = 0;
      g_autoptr(MsImportReport) report = NULL;
      g_autoptr(MsDocument) doc = NULL;
      g_autoptr(MsEvalGraph) g = NULL;
      g_autoptr(MsCgenOutput) out = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (file, &text, &len, &error));
      doc = ms_import_configml (cat, "config.ml", text, len, &report);
      g_assert_cmpuint (ms_import_report_count (report, MS_SEVERITY_ERROR), ==, 0);
      g = ms_eval (doc, "unix");
      out = ms_cgen_generate (g, rt, NULL, &error);
      g_assert_no_error (error);
      archives = joined (out->archives);
      libraries = joined (out->libraries);
      g_test_message ("%s: archives %s, libraries %s", cases[i].example, archives, libraries);
      g_assert_cmpstr (archives, ==, cases[i].archives);
      g_assert_cmpstr (libraries, ==, cases[i].libraries);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cgen/sharing", test_sharing);
  g_test_add_func ("/cgen/args", test_args);
  g_test_add_func ("/cgen/unsupported", test_unsupported);
  g_test_add_func ("/cgen/escape-compiled", test_escape_compiled);
  g_test_add_func ("/cgen/archives", test_archives);
  return g_test_run ();
}
