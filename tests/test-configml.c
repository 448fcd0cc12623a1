/* test-configml.c: config.ml, unikernel.ml and CI exports (codegen/).
 *
 * Every device constructor of the 4.10 and 4.11 catalogs is exported in
 * a project where its required inputs are connected and its options set,
 * and the result must parse as OCaml (the suite does not need the real
 * mirage tool; tools/mirage-check runs exports through one, see
 * docs/export.md). Hostile names and values must
 * come out as string literals that OCaml reads back to the same bytes.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ms-ci.h"
#include "ms-configml.h"
#include "ms-escape.h"
#include "ms-unikernel-ml.h"
#include "ms-value.h"
#include "test-export-util.h"
#include "test-util.h"

static MsCatalog *
catalog_for (const char *version)
{
  g_autoptr(GError) error = NULL;
  MsCatalog *cat = ms_catalog_get_default (version, &error);

  g_assert_no_error (error);
  return cat;
}

static char *
export_ok (MsDocument *doc, const char *version, MsExportFlags flags)
{
  g_autoptr(MsCatalog) cat = catalog_for (version);
  g_autoptr(GError) error = NULL;
  char *text = ms_configml_generate (doc, cat, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static void
assert_parses (const char *text, const char *file)
{
  if (!test_have_program ("ocamlc"))
    return;
  g_assert_true (test_ocaml_parses (text, file));
}

/* ---- every constructor ---------------------------------------------------------- */

static void
export_constructors (const char *version)
{
  g_autoptr(MsCatalog) cat = catalog_for (version);
  GPtrArray *ctors = ms_catalog_get_constructors (cat);
  guint n = 0;

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      g_autoptr(MsDocument) doc = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *call = NULL;

      if (c->kind != MS_CTOR_DEVICE)
        continue;
      doc = test_constructor_project (cat, c);

      /* unsupported targets and unused devices are check errors and
       * warnings; the code must still be right */
      text = ms_configml_generate (doc, cat, MS_EXPORT_FORCE, &error);
      if (error)
        g_test_message ("%s (%s): %s", c->name, version, error->message);
      g_assert_no_error (error);
      call = g_strdup_printf ("let dut = %s", c->name);
      if (strstr (text, call) == NULL)
        {
          g_free (call);
          call = g_strdup_printf ("let dut =\n  %s", c->name);
        }
      if (strstr (text, call) == NULL && strstr (text, "let dut =\n  fst (") == NULL)
        g_test_message ("%s", text);
      g_assert_true (strstr (text, call) != NULL || strstr (text, "let dut =\n  fst (") != NULL);
      g_assert_true (g_str_has_prefix (text, ms_catalog_get_version_comment (cat)));
      assert_parses (text, "config.ml");
      if (g_getenv ("MS_TEST_SHOW_EXPORTS"))
        g_test_message ("%s", strstr (text, "open Mirage"));
      n++;
    }
  g_test_message ("%u constructors of Mirage %s exported", n, version);
  g_assert_cmpuint (n, >, 50);
}

static void
test_constructors_410 (void)
{
  export_constructors ("4.10");
}

static void
test_constructors_411 (void)
{
  export_constructors ("4.11");
}

/* ---- examples built in C -------------------------------------------------------- */

static MsDocument *
http_server (MsCatalog *cat)
{
  MsDocument *doc = ms_document_new (cat);
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Make", "http_server @-> job");
  g_autoptr(GError) error = NULL;
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint tcp = test_add (doc, "tcpv4v6_of_stackv4v6", "stack_tcp");
  guint web = test_add (doc, "paf_server", "web");
  guint app = test_add (doc, "main", "unikernel");

  test_connect (doc, net, stack, "net");
  test_connect (doc, stack, tcp, "stack");
  test_set (doc, web, "port", "port");
  test_connect (doc, tcp, web, "tcpv4v6");
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("port", "int", "8080", "The HTTP port."));
  ms_document_set_custom (doc, app, c, &error);
  g_assert_no_error (error);
  test_connect (doc, web, app, "1");
  ms_document_set_jobs (doc, &app, 1, &error);
  g_assert_no_error (error);
  return doc;
}

static void
test_http_server (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = http_server (cat);
  g_autofree char *t411 = export_ok (doc, "4.11", 0);
  g_autofree char *t410 = export_ok (doc, "4.10", 0);

  g_assert_true (g_str_has_prefix (t411, "(* mirage >= 4.11.0 & < 4.12.0 *)\n"));
  g_assert_true (g_str_has_prefix (t410, "(* mirage >= 4.10.0 & < 4.11.0 *)\n"));
  g_assert_nonnull (strstr (t411, "\nopen Mirage\n"));
  g_assert_nonnull (strstr (t411, "let port = Runtime_arg.create ~pos:__POS__ \"Unikernel.port\"\n"));
  g_assert_nonnull (strstr (t411, "let web = paf_server ~port stack_tcp\n"));
  g_assert_nonnull (strstr (t411, "~runtime_args:[ Runtime_arg.v port ]"));
  g_assert_nonnull (strstr (t411, "\"Unikernel.Make\" (http_server @-> job)\n  $ web\n"));
  g_assert_nonnull (strstr (t411, "let () = register "));
  g_assert_nonnull (strstr (t411, " [ unikernel ]\n"));
  /* dependency order */
  g_assert_true (strstr (t411, "let net") < strstr (t411, "let stack ="));
  g_assert_true (strstr (t411, "let stack =") < strstr (t411, "let stack_tcp"));
  g_assert_true (strstr (t411, "let stack_tcp") < strstr (t411, "let web"));
  g_assert_true (strstr (t411, "let web") < strstr (t411, "let unikernel"));
  assert_parses (t411, "config.ml");
  assert_parses (t410, "config.ml");
}

static void
test_order_ties_by_id (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  /* added users first: ids do not follow the dependencies */
  guint arp = test_add (doc, "arp", "a_arp");
  guint eth = test_add (doc, "ethif", "b_eth");
  guint net2 = test_add (doc, "netif", "z_net");
  guint net1 = test_add (doc, "netif", "y_net");
  g_autofree char *text = NULL;

  test_set (doc, net1, "dev", "tap1");
  test_set (doc, net2, "dev", "tap2");
  test_connect (doc, eth, arp, "eth");
  test_connect (doc, net1, eth, "net");
  text = export_ok (doc, "4.11", MS_EXPORT_FORCE);
  /* z_net (id 3) is ready from the start, before y_net (id 4) */
  g_assert_true (strstr (text, "let z_net") < strstr (text, "let y_net"));
  g_assert_true (strstr (text, "let y_net") < strstr (text, "let b_eth"));
  g_assert_true (strstr (text, "let b_eth") < strstr (text, "let a_arp"));

  /* a long chain added backwards comes out forwards, whatever its length */
  {
    g_autoptr(MsDocument) chain = ms_document_new (cat);
    g_autofree char *out = NULL;
    guint ids[40];
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autofree char *name = g_strdup_printf ("e%02u", i);
        ids[i] = test_add (chain, "ethif", name);
      }
    test_set (chain, test_add (chain, "netif", "net"), "dev", "tap0");
    test_connect (chain, ms_document_find_device (chain, "net")->id, ids[G_N_ELEMENTS (ids) - 1], "net");
    for (guint i = 0; i + 1 < G_N_ELEMENTS (ids); i++)
      test_connect (chain, ids[i + 1], ids[i], "net");   /* ill-typed, but an order all the same */
    out = export_ok (chain, "4.11", MS_EXPORT_FORCE);
    for (guint i = G_N_ELEMENTS (ids) - 1; i > 0; i--)
      {
        g_autofree char *a = g_strdup_printf ("let e%02u ", i), *b = g_strdup_printf ("let e%02u ", i - 1);
        g_assert_true (strstr (out, a) < strstr (out, b));
      }
  }

  /* forced past the checks, a cycle still cannot be ordered: it is named */
  {
    g_autoptr(MsDocument) loop = ms_document_new (cat);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    guint a = test_add (loop, "ethif", "ping"), b = test_add (loop, "ethif", "pong");
    test_connect (loop, a, b, "net");
    test_connect (loop, b, a, "net");
    out = ms_configml_generate (loop, cat, MS_EXPORT_FORCE, &error);
    g_assert_null (out);
    g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "cycle: ping, pong"));
  }
}

static void
test_register_options (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = http_server (cat);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  ms_document_set_setting (doc, MS_SETTING_LEVEL, "debug", &error);
  g_assert_no_error (error);
  ms_document_set_setting (doc, MS_SETTING_ARGV, "none", &error);
  g_assert_no_error (error);
  ms_document_set_setting (doc, MS_SETTING_MTIME, "mock", &error);
  g_assert_no_error (error);
  text = export_ok (doc, "4.11", 0);
  g_assert_nonnull (strstr (text, "~argv:no_argv\n"));
  g_assert_nonnull (strstr (text, "~reporter:(default_reporter ~level:(Some Logs.Debug) ())\n"));
  g_assert_nonnull (strstr (text, "~mtime:mock_mtime\n"));
  g_assert_null (strstr (text, "~sleep"));
  assert_parses (text, "config.ml");

  ms_document_set_setting (doc, MS_SETTING_REPORTER, "none", &error);
  g_assert_no_error (error);
  g_free (text);
  text = export_ok (doc, "4.11", 0);
  g_assert_nonnull (strstr (text, "~reporter:no_reporter"));
  g_assert_null (strstr (text, "default_reporter"));
}

static void
test_keys_and_header (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "kv_ro @-> kv_ro @-> job");
  g_autoptr(GError) error = NULL;
  guint disk = test_add (doc, "generic_kv_ro", "disk");
  guint data = test_add (doc, "generic_kv_ro", "data");
  guint app = test_add (doc, "main", "unikernel");
  g_autofree char *text = NULL;

  test_set (doc, disk, "dir", "htdocs");
  test_set (doc, data, "dir", "data");
  test_set (doc, data, "key", "data_store");
  ms_document_set_custom (doc, app, c, &error);
  g_assert_no_error (error);
  test_connect (doc, disk, app, "1");
  test_connect (doc, data, app, "2");
  ms_document_set_jobs (doc, &app, 1, &error);
  ms_document_set_setting (doc, "key:kv_ro", "direct", &error);
  g_assert_no_error (error);
  ms_document_set_setting (doc, "key:data_store", "crunch", &error);
  g_assert_no_error (error);
  ms_document_set_setting (doc, MS_SETTING_TARGET, "hvt", &error);
  g_assert_no_error (error);
  text = export_ok (doc, "4.11", MS_EXPORT_FORCE);
  g_assert_nonnull (strstr (text, "     mirage configure -t hvt --data_store=crunch --kv_ro=direct\n"));
  g_assert_nonnull (strstr (text, "let data_store =\n  Key.create \"data_store\"\n"));
  g_assert_nonnull (strstr (text, "(Cmdliner.Arg.enum [ (\"crunch\", `Crunch); (\"direct\", `Direct) ]) `Crunch"));
  g_assert_nonnull (strstr (text, "let data = generic_kv_ro ~key:(Key.value data_store) \"data\"\n"));
  g_assert_nonnull (strstr (text, "let disk = generic_kv_ro \"htdocs\"\n"));
  assert_parses (text, "config.ml");
}

/* One Key.create per key name: options naming it must agree on its type
 * (the real mirage 4.10.2 rejects ~net_key:(Key.value k) for a bool k). */
static void
test_key_types_disagree (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsCatalog) c410 = catalog_for ("4.10");
  g_autoptr(GError) error = NULL;
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint stack2 = test_add (doc, "generic_stackv4v6", "stack2");
  g_autofree char *text = NULL;
  char *none;

  test_connect (doc, net, stack, "net");
  test_connect (doc, net, stack2, "net");
  /* the same key for the same Mirage key is shared */
  test_set (doc, stack, "dhcp_key", "use_dhcp");
  test_set (doc, stack2, "dhcp_key", "use_dhcp");
  text = export_ok (doc, "4.10", MS_EXPORT_FORCE);
  g_assert_nonnull (strstr (text, "let use_dhcp =\n  Key.create \"use_dhcp\"\n"));
  g_assert_nonnull (strstr (text, "~dhcp_key:(Key.value use_dhcp)"));
  assert_parses (text, "config.ml");
  /* a bool key and an enum key cannot be one Key.create */
  test_set (doc, stack2, "net_key", "use_dhcp");
  none = ms_configml_generate (doc, c410, MS_EXPORT_FORCE, &error);
  g_assert_null (none);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "stack2.net_key"));
  g_assert_nonnull (strstr (error->message, "use_dhcp"));
}

/* ---- version differences ----------------------------------------------------------- */

static void
test_removed_in_411 (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsCatalog) cat411 = catalog_for ("4.11");
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint stack2 = test_add (doc, "generic_stackv4v6", "stack2");
  guint tcp = test_add (doc, "tcpv4v6_of_stackv4v6", "other_tcp");
  g_autofree char *text = NULL;
  g_autofree char *t410 = NULL;

  test_connect (doc, net, stack, "net");
  test_connect (doc, net, stack2, "net");
  test_connect (doc, stack2, tcp, "stack");
  test_set (doc, stack, "dhcp_key", "use_dhcp");
  text = ms_configml_generate (doc, cat411, MS_EXPORT_FORCE, &error);
  g_assert_null (text);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE);
  g_assert_nonnull (strstr (error->message, "stack"));
  g_assert_nonnull (strstr (error->message, "dhcp_key"));
  g_assert_nonnull (strstr (error->message, "4.11"));
  g_clear_error (&error);

  /* fine for 4.10 */
  t410 = export_ok (doc, "4.10", MS_EXPORT_FORCE);
  g_assert_nonnull (strstr (t410, "generic_stackv4v6 ~dhcp_key:(Key.value use_dhcp) net"));
  assert_parses (t410, "config.ml");

  test_set (doc, stack, "dhcp_key", "");
  test_connect (doc, tcp, stack, "tcp");
  text = ms_configml_generate (doc, cat411, MS_EXPORT_FORCE, &error);
  g_assert_null (text);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE);
  g_assert_nonnull (strstr (error->message, "stack"));
  g_assert_nonnull (strstr (error->message, "input tcp"));
  g_clear_error (&error);

  /* a key 4.11 no longer reads (keys count when a job uses the device) */
  ms_document_disconnect (doc, stack, "tcp", &error);
  g_assert_no_error (error);
  {
    g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "stackv4v6 @-> job");
    guint app = test_add (doc, "main", "unikernel");
    ms_document_set_custom (doc, app, c, &error);
    g_assert_no_error (error);
    test_connect (doc, stack, app, "1");
    ms_document_set_jobs (doc, &app, 1, &error);
    g_assert_no_error (error);
  }
  ms_document_set_setting (doc, "key:dhcp", "true", &error);
  g_assert_no_error (error);
  text = ms_configml_generate (doc, cat411, MS_EXPORT_FORCE, &error);
  g_assert_null (text);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE);
  g_assert_nonnull (strstr (error->message, "key dhcp"));
}

static void
test_check_errors (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  test_add (doc, "generic_stackv4v6", "stack");
  text = ms_configml_generate (doc, cat, 0, &error);
  g_assert_null (text);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_CHECK);
  g_clear_error (&error);
  /* forced, a missing input still cannot be written */
  text = ms_configml_generate (doc, cat, MS_EXPORT_FORCE, &error);
  g_assert_null (text);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "net"));
}

static void
test_unusable_names (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsCatalog) c411 = catalog_for ("4.11");
  static const char * const bad[] = { "__POS__", "__LOC__", "fst", "lease" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MsDocument) doc = ms_document_new (cat);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gboolean only_411 = g_str_equal (bad[i], "lease");   /* a type of 4.11 only */

      /* the store's loading path: what a crafted file could contain */
      ms_document_load_begin (doc);
      ms_document_load_device (doc, ms_device_new (1, bad[i], "noop"));
      ms_document_load_end (doc, FALSE);
      if (only_411)
        {
          g_autofree char *t410 = export_ok (doc, "4.10", MS_EXPORT_FORCE);
          g_assert_nonnull (strstr (t410, "let lease = noop"));
        }
      text = ms_configml_generate (doc, only_411 ? c411 : cat, MS_EXPORT_FORCE, &error);
      g_assert_null (text);
      g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
    }
}

/* ---- hostile text ----------------------------------------------------------------- */

static char *
very_long (void)
{
  GString *s = g_string_new (NULL);

  while (s->len < 100000)
    g_string_append (s, "*)\"\\(*\n{|é\xe2\x80\xae");
  return g_string_free (s, FALSE);
}

static void
check_hostile (MsCatalog *cat, const char *s)
{
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "kv_ro @-> job");
  g_autoptr(GError) error = NULL;
  g_autofree char *lit = ms_escape_ocaml_string (s);
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(MsCatalog) c411 = catalog_for ("4.11");
  guint disk = test_add (doc, "generic_kv_ro", "disk");
  guint app = test_add (doc, "main", "unikernel");

  /* the store's loading path: what a crafted file could contain */
  ms_document_load_setting (doc, MS_SETTING_NAME, s);
  ms_document_load_setting (doc, "key:kv_ro", s);
  ms_document_load_setting (doc, "arg:greeting", s);
  test_set (doc, disk, "dir", *s ? s : "x");
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("greeting", "string", s, s));
  g_ptr_array_add (c->packages, ms_package_new ("duration", s, NULL));
  ms_document_set_custom (doc, app, c, &error);
  g_assert_no_error (error);
  test_connect (doc, disk, app, "1");
  ms_document_set_jobs (doc, &app, 1, &error);
  g_assert_no_error (error);

  text = ms_configml_generate (doc, c411, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  assert_parses (text, "config.ml");
  if (*s)
    {
      /* one line, or the argument on its own line */
      line = g_strdup_printf ("let disk = generic_kv_ro %s\n", lit);
      if (strstr (text, line) == NULL)
        {
          g_free (line);
          line = g_strdup_printf ("let disk =\n  generic_kv_ro\n    %s\n", lit);
        }
      g_assert_nonnull (strstr (text, line));
    }
  g_assert_nonnull (strstr (text, lit));   /* the application name too */
  if (test_have_program ("ocaml") && strlen (s) < 1000)
    {
      g_autofree char *want = test_hex (s);
      g_autofree char *got = test_ocaml_string_hex (lit);
      g_assert_cmpstr (got, ==, want);
    }
  /* deterministic */
  again = ms_configml_generate (doc, c411, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, again);

  files = ms_unikernel_ml_generate (doc, c411, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  assert_parses (((MsSourceFile *) files->pdata[0])->text, "unikernel.ml");
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[0])->text, lit));
}

static void
test_hostile_text (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autofree char *big = very_long ();

  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    check_hostile (cat, test_adversarial[i]);
  check_hostile (cat, big);
}

static void
test_hostile_module_and_arg (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  static const char * const modules[] = { "Unikernel.Main\"; evil", "unikernel.Main", "Unikernel..Main", "", "Foo.(*" };

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autoptr(MsDocument) doc = ms_document_new (cat);
      g_autoptr(MsCustom) c = ms_custom_new (modules[i], "job");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      guint app = test_add (doc, "main", "unikernel");

      ms_document_set_custom (doc, app, c, &error);
      g_assert_no_error (error);
      text = ms_configml_generate (doc, cat, MS_EXPORT_FORCE, &error);
      g_assert_null (text);
      g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
    }
  {
    g_autoptr(MsDocument) doc = ms_document_new (cat);
    g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "job");
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    guint app = test_add (doc, "main", "unikernel");

    g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("x\"; evil", "string", "", ""));
    ms_document_set_custom (doc, app, c, &error);
    g_assert_no_error (error);
    text = ms_configml_generate (doc, cat, MS_EXPORT_FORCE, &error);
    g_assert_null (text);
    g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
  }
}

/* ---- unikernel.ml ------------------------------------------------------------------- */

/* A main with 1,100 arguments: the names made for them (modules Kvq_N,
 * values kvq_N) are the export's own, freed with it; they used to be
 * interned (g_intern_string), so every export of a big main grew the
 * process's string table for good. */
static void
test_unikernel_ml_no_interned_names (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsCatalog) c411 = catalog_for ("4.11");
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  GString *sig = g_string_new (NULL);
  g_autoptr(MsCustom) c = NULL;
  const guint n = 1100;
  guint app;
  guint interned = 0;

  for (guint i = 0; i < n; i++)
    g_string_append (sig, "kv_ro @-> ");
  g_string_append (sig, "job");
  c = ms_custom_new ("Unikernel.Main", sig->str);
  g_string_free (sig, TRUE);
  app = test_add (doc, "main", "unikernel");
  ms_document_set_custom (doc, app, c, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("kvq_%u", i);
      g_autofree char *pos = g_strdup_printf ("%u", i + 1);
      guint kv = test_add (doc, "generic_kv_ro", name);

      test_connect (doc, kv, app, pos);
    }
  files = ms_unikernel_ml_generate (doc, c411, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[0])->text, "(Kvq_1099 : Mirage_kv.RO)"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *mod = g_strdup_printf ("Kvq_%u", i);
      interned += g_quark_try_string (mod) != 0;
    }
  g_assert_cmpuint (interned, ==, 0);
}

static void
test_unikernel_ml (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = http_server (cat);
  g_autoptr(MsCatalog) c411 = catalog_for ("4.11");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = ms_unikernel_ml_generate (doc, c411, 0, &error);
  g_autofree char *dir = g_dir_make_tmp ("ms-uk-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "unikernel.ml", NULL);
  g_autofree char *link = g_build_filename (dir, "sub", NULL);
  g_autofree char *link_file = g_build_filename (dir, "sub", "unikernel.ml", NULL);
  g_autofree char *target = g_build_filename (dir, "elsewhere.ml", NULL);
  g_autofree char *content = NULL;
  const MsSourceFile *f;

  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  f = files->pdata[0];
  g_assert_cmpstr (f->file, ==, "unikernel.ml");
  g_assert_nonnull (strstr (f->text, "module Make (Web : Paf_mirage.S) = struct\n"));
  g_assert_nonnull (strstr (f->text, "  let start web port =\n"));
  g_assert_nonnull (strstr (f->text, "    Lwt.return_unit\n"));
  g_assert_nonnull (strstr (f->text, "Arg.(value & opt int 8080 doc)"));
  assert_parses (f->text, "unikernel.ml");

  /* written once, never replaced */
  g_assert_true (ms_source_files_write (dir, files, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "my code", -1, NULL));
  g_assert_false (ms_source_files_write (dir, files, FALSE, &error));
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "my code");

  /* a dangling symlink is not followed */
  g_assert_cmpint (g_mkdir (link, 0755), ==, 0);
  g_assert_cmpint (symlink (target, link_file), ==, 0);
  g_assert_false (ms_source_files_write (link, files, FALSE, &error));
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  /* nor is it by the low-level writer */
  g_assert_false (ms_export_write_file (link_file, "x", FALSE, &error));
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  g_unlink (link_file);
  g_rmdir (link);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_unikernel_ml_shapes (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) a = ms_custom_new ("Unikernel", "job");
  g_autoptr(MsCustom) b = ms_custom_new ("Services.Dns.Make", "stackv4v6 @-> kv_ro @-> job");
  g_autoptr(GPtrArray) files = NULL;
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "tcpip");   /* shadows Tcpip */
  guint disk = test_add (doc, "generic_kv_ro", "disk");
  guint m1 = test_add (doc, "main", "first");
  guint m2 = test_add (doc, "main", "second");

  test_connect (doc, net, stack, "net");
  test_set (doc, disk, "dir", "d");
  g_ptr_array_add (a->runtime_args, ms_arg_decl_new ("count", "int", "-3", "How many."));
  g_ptr_array_add (a->runtime_args, ms_arg_decl_new ("names", "list:string", "a,b", ""));
  g_ptr_array_add (a->runtime_args, ms_arg_decl_new ("mode", "enum:fast,slow", "", ""));
  g_ptr_array_add (b->runtime_args, ms_arg_decl_new ("tcpip", "ipv4", "10.0.0.1", ""));
  ms_document_set_custom (doc, m1, a, &error);
  g_assert_no_error (error);
  ms_document_set_custom (doc, m2, b, &error);
  g_assert_no_error (error);
  test_connect (doc, stack, m2, "1");
  test_connect (doc, disk, m2, "2");
  files = ms_unikernel_ml_generate (doc, cat, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpstr (((MsSourceFile *) files->pdata[0])->file, ==, "services.ml");
  g_assert_cmpstr (((MsSourceFile *) files->pdata[1])->file, ==, "unikernel.ml");
  for (guint i = 0; i < files->len; i++)
    {
      const MsSourceFile *f = files->pdata[i];
      g_test_message ("%s:\n%s", f->file, f->text);
      assert_parses (f->text, f->file);
    }
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[1])->text, "let start () count names mode =\n"));
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[1])->text, "opt int (-3) doc"));
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[0])->text,
                            "module Dns = struct\n  module Make (Tcpip_dev : Tcpip.Stack.V4V6) (Disk : Mirage_kv.RO) = struct\n"));
  g_assert_nonnull (strstr (((MsSourceFile *) files->pdata[0])->text, "let start tcpip disk tcpip_arg =\n"));
}

/* ---- CI ------------------------------------------------------------------------------- */

static void
test_ci (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = http_server (cat);
  g_autoptr(MsCatalog) c411 = catalog_for ("4.11");
  g_autoptr(GError) error = NULL;
  const char *targets[] = { "unix", "hvt", "unix", NULL };
  const char *bad[] = { "unix", "vax", NULL };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) none = NULL;

  ms_document_load_setting (doc, MS_SETTING_NAME, "web \"server\"\n# not a comment");
  files = ms_ci_generate (doc, c411, targets, MS_EXPORT_FORCE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpstr (((MsSourceFile *) files->pdata[0])->file, ==, ".github/workflows/mirage.yml");
  g_assert_cmpstr (((MsSourceFile *) files->pdata[1])->file, ==, ".gitlab-ci.yml");
  for (guint i = 0; i < files->len; i++)
    {
      const MsSourceFile *f = files->pdata[i];
      g_assert_nonnull (strstr (f->text, "\\\"mirage>=4.11.0\\\" \\\"mirage<4.12.0\\\""));
      g_assert_nonnull (strstr (f->text, "make depend"));
      g_assert_nonnull (strstr (f->text, "make build"));
      g_assert_nonnull (strstr (f->text, "- \"hvt\"\n"));
      if (test_have_program ("python3"))
        {
          g_autofree char *dir = g_dir_make_tmp ("ms-ci-XXXXXX", NULL);
          g_autofree char *path = g_build_filename (dir, "f.yml", NULL);
          const char *argv[] = { "python3", "-c",
                                 "import sys, json\n"
                                 "try:\n import yaml\nexcept ImportError:\n sys.exit(77)\n"
                                 "d = yaml.safe_load(open(sys.argv[1]))\n"
                                 "print(json.dumps(d, sort_keys=True))\n", path, NULL };
          g_autofree char *out = NULL;
          int rc;

          g_assert_true (g_file_set_contents (path, f->text, -1, NULL));
          rc = test_run (NULL, argv, &out, NULL);
          if (rc != 77)
            {
              g_assert_cmpint (rc, ==, 0);
              /* the matrix has unix and hvt once each */
              g_assert_nonnull (strstr (out, "[\"unix\", \"hvt\"]"));
              g_assert_nonnull (strstr (out, "mirage configure -t"));
            }
          g_unlink (path);
          g_rmdir (dir);
        }
    }
  none = ms_ci_generate (doc, c411, bad, MS_EXPORT_FORCE, &error);
  g_assert_null (none);
  g_assert_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID);
}

/* A key of the project's own that a choice reads goes on the configure
 * line with the project's value; a Key.Arg.flag key as a bare flag. */
static void
test_own_key_on_configure_line (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "kv_ro @-> job");
  g_autoptr(MsDecl) key = ms_decl_new (MS_DECL_KEY, "fancy");
  g_autoptr(GError) error = NULL;
  guint a = test_add (doc, "generic_kv_ro", "plain");
  guint b = test_add (doc, "generic_kv_ro", "fancy_store");
  guint ch = test_add (doc, "choice", "pick");
  guint app = test_add (doc, "main", "unikernel");
  g_autoptr(MsCustom) cc = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  g_autofree char *off = NULL, *on = NULL;

  g_free (key->arg_kind);
  key->arg_kind = g_strdup ("flag");
  g_free (key->conv);
  key->conv = g_strdup ("bool");
  g_free (key->default_value);
  key->default_value = g_strdup ("");
  g_ptr_array_add (key->flags, g_strdup ("fancy"));
  g_assert_true (ms_document_set_decl (doc, key, &error));
  g_assert_no_error (error);
  test_set (doc, a, "dir", "plain");
  test_set (doc, b, "dir", "fancy");
  ms_choice_free (cc->choice);
  cc->choice = ms_choice_new ("fancy", NULL);
  g_ptr_array_add (cc->choice->cases, g_strdup ("true"));
  g_ptr_array_add (cc->choice->cases, g_strdup ("false"));
  g_free (cc->signature);
  cc->signature = g_strdup ("kv_ro");
  g_assert_true (ms_document_set_custom (doc, ch, cc, &error));
  g_assert_true (ms_document_set_custom (doc, app, c, &error));
  g_assert_no_error (error);
  test_connect (doc, b, ch, "true");
  test_connect (doc, a, ch, "false");
  test_connect (doc, ch, app, "1");
  test_jobs (doc, app);
  test_setting (doc, MS_SETTING_TARGET, "hvt");

  off = export_ok (doc, "4.11", MS_EXPORT_FORCE);
  g_assert_nonnull (strstr (off, "     mirage configure -t hvt\n"));
  test_setting (doc, "key:fancy", "true");
  on = export_ok (doc, "4.11", MS_EXPORT_FORCE);
  g_assert_nonnull (strstr (on, "     mirage configure -t hvt --fancy\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!test_have_program ("ocamlc"))
    g_test_message ("ocamlc (Debian ocaml-nox) is missing: exports are not parsed");
  g_test_add_func ("/configml/constructors/4.10", test_constructors_410);
  g_test_add_func ("/configml/constructors/4.11", test_constructors_411);
  g_test_add_func ("/configml/http-server", test_http_server);
  g_test_add_func ("/configml/own-key-on-configure-line", test_own_key_on_configure_line);
  g_test_add_func ("/configml/order", test_order_ties_by_id);
  g_test_add_func ("/configml/register", test_register_options);
  g_test_add_func ("/configml/keys", test_keys_and_header);
  g_test_add_func ("/configml/key-types", test_key_types_disagree);
  g_test_add_func ("/configml/removed-in-4.11", test_removed_in_411);
  g_test_add_func ("/configml/check-errors", test_check_errors);
  g_test_add_func ("/configml/unusable-names", test_unusable_names);
  g_test_add_func ("/configml/hostile-text", test_hostile_text);
  g_test_add_func ("/configml/hostile-module", test_hostile_module_and_arg);
  g_test_add_func ("/unikernel-ml/write", test_unikernel_ml);
  g_test_add_func ("/unikernel-ml/shapes", test_unikernel_ml_shapes);
  g_test_add_func ("/unikernel-ml/no-interned-names", test_unikernel_ml_no_interned_names);
  g_test_add_func ("/ci/yaml", test_ci);
  return g_test_run ();
}
