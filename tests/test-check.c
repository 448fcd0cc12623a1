/* test-check.c: every diagnostic code, triggered on purpose, with its place and words. */
#include "test-util.h"

#include "ms-diagnostic.h"

static MsDocument *
new_doc (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();

  return ms_document_new (cat);
}

/* A main job using a kv_ro: the smallest clean project. */
static MsDocument *
clean_doc (guint *main_out, guint *kv_out)
{
  MsDocument *doc = new_doc ();
  guint kv = test_add (doc, "generic_kv_ro", "data");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "kv_ro @-> job");

  test_set (doc, kv, "dir", "htdocs");
  test_connect (doc, kv, m, "1");
  test_jobs (doc, m);
  if (main_out)
    *main_out = m;
  if (kv_out)
    *kv_out = kv;
  return doc;
}

static const MsDiagnostic *
expect (GPtrArray *diags, const char *code, const char *device, MsSeverity sev, const char *fragment)
{
  const MsDiagnostic *d = test_find_diag (diags, code, device);

  if (d == NULL)
    {
      test_dump_diags (diags);
      g_error ("expected a %s diagnostic on %s", code, device ? device : "(project)");
    }
  g_assert_cmpint (d->severity, ==, sev);
  if (fragment && !strstr (d->message, fragment))
    g_error ("message “%s” lacks “%s”", d->message, fragment);
  return d;
}

static void
test_clean (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = ms_check_document (doc);

  test_dump_diags (diags);
  g_assert_cmpuint (diags->len, ==, 0);
}

static void
test_type_mismatch (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  guint disk = test_add (doc, "ramdisk", "disk");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_set (doc, disk, "name", "scratch");
  g_assert_true (ms_document_connect (doc, disk, m, "1", &error));
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_TYPE_MISMATCH, "unikernel", MS_SEVERITY_ERROR, "expected kv_ro, found block");
  g_assert_cmpstr (d->port, ==, "1");
  g_assert_cmpstr (d->related[0], ==, "disk");
  g_assert_nonnull (strstr (d->message, "disk (ramdisk)"));
}

static void
test_type_mismatch_ip_version (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint net = test_add (doc, "default_network", "net");
  guint eth = test_add (doc, "ethif", "eth");
  guint arpd = test_add (doc, "arp", "arpd");
  guint ip4 = test_add (doc, "create_ipv4", "ip4");
  guint udp = test_add (doc, "direct_udp", "udp4");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "udpv6 @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  g_autofree char *why = NULL;

  test_connect (doc, net, eth, "net");
  test_connect (doc, eth, arpd, "eth");
  test_connect (doc, eth, ip4, "eth");
  test_connect (doc, arpd, ip4, "arp");
  test_connect (doc, ip4, udp, "ip");
  /* direct_udp fed an ipv4 is a v4 udp, so a v6 parameter refuses it */
  g_assert_false (ms_check_connection (doc, udp, m, "1", &why));
  g_assert_nonnull (strstr (why, "expected udpv6, found udpv4"));
  test_connect (doc, udp, m, "1");
  test_jobs (doc, m);
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_TYPE_MISMATCH, "unikernel", MS_SEVERITY_ERROR, "expected udpv6, found udpv4");
}

static void
test_connection_query (void)
{
  guint m, kv;
  g_autoptr(MsDocument) doc = clean_doc (&m, &kv);
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  g_autofree char *why = NULL;

  g_assert_true (ms_check_connection (doc, net, stack, "net", NULL));
  g_assert_false (ms_check_connection (doc, net, stack, "tcp", &why));
  g_assert_nonnull (strstr (why, "expected tcpv4v6, found network"));
  g_clear_pointer (&why, g_free);
  /* a connection that would close a cycle is refused too */
  test_connect (doc, net, stack, "net");
  g_assert_false (ms_check_connection (doc, m, kv, "x", &why));
  g_assert_nonnull (strstr (why, "cycle"));
}

static void
test_missing_argument (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> kv_ro @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_connect (doc, stack, m, "1");
  test_jobs (doc, m);
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_MISSING_ARGUMENT, "stack", MS_SEVERITY_ERROR, "network");
  g_assert_cmpstr (d->port, ==, "net");
  d = expect (diags, MS_DIAG_MISSING_ARGUMENT, "unikernel", MS_SEVERITY_ERROR, "kv_ro");
  g_assert_cmpstr (d->port, ==, "2");
  /* ?tcp is optional: no diagnostic for it */
  for (guint i = 0; i < diags->len; i++)
    g_assert_cmpstr (((MsDiagnostic *) diags->pdata[i])->port, !=, "tcp");
}

static void
test_missing_option (void)
{
  guint kv;
  g_autoptr(MsDocument) doc = clean_doc (NULL, &kv);
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_set (doc, kv, "dir", NULL);
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_MISSING_OPTION, "data", MS_SEVERITY_ERROR, "dir");
  g_assert_cmpstr (d->option, ==, "dir");
}

/* Files edited by hand can hold what the document API refuses to create. */
static void
inject_device (MsDocument *doc, guint id, const char *name, const char *ctor)
{
  ms_document_load_device (doc, ms_device_new (id, name, ctor));
}

static void
test_unknown_constructor (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;

  inject_device (doc, 50, "weird", "quantum_disk");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_UNKNOWN_CONSTRUCTOR, "weird", MS_SEVERITY_ERROR, "quantum_disk");
}

static void
test_unknown_option (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;
  MsDevice *d = ms_device_new (50, "extra", "noop");
  const MsDiagnostic *diag;

  g_hash_table_insert (d->options, g_strdup ("colour"), g_strdup ("blue"));
  ms_document_load_device (doc, d);
  diags = ms_check_document (doc);
  diag = expect (diags, MS_DIAG_UNKNOWN_OPTION, "extra", MS_SEVERITY_ERROR, "colour");
  g_assert_cmpstr (diag->option, ==, "colour");
}

static void
test_unknown_parameter (void)
{
  guint m, kv;
  g_autoptr(MsDocument) doc = clean_doc (&m, &kv);
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  g_autoptr(GPtrArray) diags = NULL;

  ms_document_load_connection (doc, stack, "network_card", kv);
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_UNKNOWN_PARAMETER, "stack", MS_SEVERITY_ERROR, "network_card");
}

static void
test_dangling_connection (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  g_autoptr(GPtrArray) diags = NULL;

  ms_document_load_connection (doc, m, "1", 999);
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_DANGLING_CONNECTION, "unikernel", MS_SEVERITY_ERROR, "999");
}

static void
test_cycle (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint a = test_add (doc, "tar_kv_rw", "a");
  guint b = test_add (doc, "ccm_block", "b");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "block @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  /* b (block) feeds m; b takes a block from itself through a hand-edited loop */
  test_connect (doc, b, m, "1");
  test_jobs (doc, m);
  ms_document_load_connection (doc, b, "block", b);
  (void) a;
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_CYCLE, "b", MS_SEVERITY_ERROR, "uses itself");
  g_clear_pointer (&diags, g_ptr_array_unref);

  /* a longer loop: two ccm blocks feeding each other */
  {
    guint c = test_add (doc, "ccm_block", "c");
    ms_document_load_connection (doc, b, "block", c);
    ms_document_load_connection (doc, c, "block", b);
  }
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_CYCLE, "b", MS_SEVERITY_ERROR, "b, c");
  g_assert_cmpstr (d->related[0], ==, "c");
}

static void
test_unused (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;

  test_add (doc, "default_network", "spare");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_UNUSED_DEVICE, "spare", MS_SEVERITY_WARNING, "not used");
  g_assert_null (test_find_diag (diags, MS_DIAG_UNUSED_DEVICE, "data"));
}

static void
test_duplicate_and_invalid_name (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  inject_device (doc, 50, "data", "noop");
  inject_device (doc, 51, "Bad Name", "noop");
  inject_device (doc, 52, "kv_ro", "noop");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_DUPLICATE_NAME, "data", MS_SEVERITY_ERROR, "“data”");
  g_assert_cmpstr (d->related[0], ==, "data");
  expect (diags, MS_DIAG_INVALID_NAME, "Bad Name", MS_SEVERITY_ERROR, "lowercase");
  expect (diags, MS_DIAG_INVALID_NAME, "kv_ro", MS_SEVERITY_ERROR, "hide");
}

static void
test_signature (void)
{
  guint m, kv;
  g_autoptr(MsDocument) doc = clean_doc (&m, &kv);
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "kv_ro @-> floppy @-> job");
  const MsDiagnostic *d;

  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_INVALID_SIGNATURE, "unikernel", MS_SEVERITY_ERROR, "floppy");
  g_assert_cmpstr (d->option, ==, "signature");
}

static void
test_signature_arity (void)
{
  guint m, kv;
  g_autoptr(MsDocument) doc = clean_doc (&m, &kv);
  guint kv2 = test_add (doc, "crunch", "more");
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_set (doc, kv2, "dirname", "more");
  ms_document_load_connection (doc, m, "2", kv2);
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_SIGNATURE_ARITY, "unikernel", MS_SEVERITY_ERROR, "takes 1 argument");
  g_assert_cmpstr (d->port, ==, "2");
}

static void
test_invalid_value (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_autoptr(GError) error = NULL;
  const MsDiagnostic *d;

  test_connect (doc, net, stack, "net");
  test_set (doc, stack, "ipv4_network", "10.0.0.300/24");
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("port", "port", "99999", "Where to listen"));
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  test_setting (doc, "key:kv_ro", "floppy");
  test_setting (doc, "arg:port", "http");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_INVALID_VALUE, "stack", MS_SEVERITY_ERROR, "300");
  g_assert_cmpstr (d->option, ==, "ipv4_network");
  d = expect (diags, MS_DIAG_INVALID_VALUE, "unikernel", MS_SEVERITY_ERROR, "port");
  g_assert_cmpstr (d->option, ==, "args");
  for (guint i = 0; i < diags->len; i++)
    {
      d = diags->pdata[i];
      if (g_strcmp0 (d->setting, "key:kv_ro") == 0)
        g_assert_cmpstr (d->code, ==, MS_DIAG_INVALID_VALUE);
    }
  g_assert_nonnull (test_find_diag (diags, MS_DIAG_INVALID_VALUE, NULL));
}

static void
test_arg_reference (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint tcp = test_add (doc, "tcpv4v6_of_stackv4v6", "tcpip");
  guint http = test_add (doc, "paf_server", "web");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "http_server @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(MsCustom) c = NULL;
  g_autoptr(GError) error = NULL;
  const MsDiagnostic *d;

  test_connect (doc, net, stack, "net");
  test_connect (doc, stack, tcp, "stack");
  test_connect (doc, tcp, http, "tcpv4v6");
  test_connect (doc, http, m, "1");
  test_jobs (doc, m);
  test_set (doc, http, "port", "port");
  diags = ms_check_document (doc);
  /* carried by the device alone: Mirage accepts it (issue 11), so do we */
  d = expect (diags, MS_DIAG_UNKNOWN_ARG_REFERENCE, "web", MS_SEVERITY_INFO, "“port”");
  g_assert_cmpstr (d->option, ==, "port");
  g_assert_cmpuint (ms_diagnostics_count (diags, MS_SEVERITY_ERROR), ==, 0);
  g_clear_pointer (&diags, g_ptr_array_unref);

  /* declared with the wrong type */
  c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("port", "string", "8080", ""));
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_INVALID_VALUE, "web", MS_SEVERITY_ERROR, "type string");
  g_clear_pointer (&diags, g_ptr_array_unref);

  /* and right */
  g_clear_pointer (&c, ms_custom_free);
  c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_free (((MsArgDecl *) c->runtime_args->pdata[0])->type);
  ((MsArgDecl *) c->runtime_args->pdata[0])->type = g_strdup ("int");
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  diags = ms_check_document (doc);
  test_dump_diags (diags);
  g_assert_cmpuint (ms_diagnostics_count (diags, MS_SEVERITY_ERROR), ==, 0);
}

static void
test_unknown_key_and_arg (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_setting (doc, "key:dhcp", "true");
  test_setting (doc, "arg:hello", "Bonjour");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_UNKNOWN_KEY, NULL, MS_SEVERITY_WARNING, "dhcp");
  g_assert_cmpstr (d->setting, ==, "key:dhcp");
  d = expect (diags, MS_DIAG_UNKNOWN_RUNTIME_ARG, NULL, MS_SEVERITY_WARNING, "--hello");
  g_assert_cmpstr (d->setting, ==, "arg:hello");
  /* the key the project does read is fine */
  g_clear_pointer (&diags, g_ptr_array_unref);
  test_setting (doc, "key:dhcp", NULL);
  test_setting (doc, "key:kv_ro", "direct");
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_UNKNOWN_KEY, NULL));
}

/* A key of the project's own (MsDecl) read by a choice is a configure key
 * of the unikernel: its value is checked against its converter, and no
 * "no device reads" warning; a declared key nothing reads still gets it
 * (mirage configure would not know the flag). */
static void
test_own_key_read_by_choice (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GError) error = NULL;
  guint other = test_add (doc, "generic_kv_ro", "other");
  guint ch = test_add (doc, "choice", "pick");
  g_autoptr(MsCustom) cc = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  const MsDiagnostic *d;

  test_own_key (doc, "fancy", "bool", "false");
  test_own_key (doc, "lonely", "string", "\"x\"");
  ms_choice_free (cc->choice);
  cc->choice = ms_choice_new ("fancy", NULL);
  g_ptr_array_add (cc->choice->cases, g_strdup ("true"));
  g_ptr_array_add (cc->choice->cases, g_strdup ("false"));
  g_free (cc->signature);
  cc->signature = g_strdup ("kv_ro");
  g_assert_true (ms_document_set_custom (doc, ch, cc, &error));
  g_assert_no_error (error);
  test_set (doc, other, "dir", "other");
  test_connect (doc, ms_document_find_device (doc, "data")->id, ch, "true");
  test_connect (doc, other, ch, "false");
  test_connect (doc, ch, m, "1");

  test_setting (doc, "key:fancy", "true");
  test_setting (doc, "key:lonely", "y");
  diags = ms_check_document (doc);
  test_dump_diags (diags);
  g_assert_null (test_find_diag (diags, MS_DIAG_INVALID_VALUE, NULL));
  for (guint i = 0; i < diags->len; i++)
    {
      d = diags->pdata[i];
      g_assert_false (g_str_equal (d->code, MS_DIAG_UNKNOWN_KEY) && g_strcmp0 (d->setting, "key:fancy") == 0);
    }
  d = expect (diags, MS_DIAG_UNKNOWN_KEY, NULL, MS_SEVERITY_WARNING, "lonely");
  g_assert_cmpstr (d->setting, ==, "key:lonely");

  /* the value is checked as the key's converter reads it */
  g_clear_pointer (&diags, g_ptr_array_unref);
  test_setting (doc, "key:fancy", "maybe");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_INVALID_VALUE, NULL, MS_SEVERITY_ERROR, NULL);
  g_assert_cmpstr (d->setting, ==, "key:fancy");
}

static void
test_key_conflict (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) c = ms_custom_new ("Unikernel.Main", "kv_ro @-> kv_ro @-> job");
  guint kv2 = test_add (doc, "generic_kv_ro", "certs");
  g_autoptr(GPtrArray) diags = NULL;

  test_set (doc, kv2, "dir", "tls");
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  test_connect (doc, kv2, m, "2");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_KEY_CONFLICT, "certs", MS_SEVERITY_WARNING, "kv_ro");
  g_clear_pointer (&diags, g_ptr_array_unref);
  /* a group separates them, as in mirage-skeleton */
  test_set (doc, kv2, "group", "certs");
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_KEY_CONFLICT, NULL));
}

static MsDocument *
stack_doc (const char *ipv4_a, const char *ipv4_b)
{
  MsDocument *doc = new_doc ();
  guint net = test_add (doc, "default_network", "net");
  guint s1 = test_add (doc, "generic_stackv4v6", "public");
  guint s2 = test_add (doc, "generic_stackv4v6", "internal_net");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> stackv4v6 @-> job");

  test_connect (doc, net, s1, "net");
  test_connect (doc, net, s2, "net");
  test_connect (doc, s1, m, "1");
  test_connect (doc, s2, m, "2");
  test_jobs (doc, m);
  test_set (doc, s1, "ipv4_network", ipv4_a);
  test_set (doc, s2, "ipv4_network", ipv4_b);
  test_setting (doc, MS_SETTING_TARGET, "hvt");
  return doc;
}

static void
test_runtime_arg_conflict (void)
{
  g_autoptr(MsDocument) doc = stack_doc ("10.0.0.2/24", "192.168.1.2/24");
  g_autoptr(GPtrArray) diags = ms_check_document (doc);
  const MsDiagnostic *d = expect (diags, MS_DIAG_RUNTIME_ARG_CONFLICT, NULL, MS_SEVERITY_WARNING, "--ipv4");

  g_assert_cmpstr (d->setting, ==, "arg:ipv4");
}

static void
test_unsupported_target (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint r = test_add (doc, "resolver_unix_system", "system_resolver");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "resolver @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_connect (doc, r, m, "1");
  test_jobs (doc, m);
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_UNSUPPORTED_TARGET, NULL));
  g_clear_pointer (&diags, g_ptr_array_unref);
  test_setting (doc, MS_SETTING_TARGET, "hvt");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_UNSUPPORTED_TARGET, "system_resolver", MS_SEVERITY_ERROR, "hvt");
  g_assert_nonnull (strstr (d->message, "unix"));
}

static void
test_invalid_target_and_setting (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_setting (doc, MS_SETTING_TARGET, "vax");
  test_setting (doc, MS_SETTING_ARGV, "maybe");
  test_setting (doc, MS_SETTING_LEVEL, "loud");
  /* the document refuses such a name where it is set; a hand-edited
   * file may still hold one, and check reports it */
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (ms_document_set_setting (doc, MS_SETTING_NAME, "my app", &error));
    g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME);
  }
  ms_document_load_setting (doc, MS_SETTING_NAME, "my app");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_INVALID_TARGET, NULL, MS_SEVERITY_ERROR, "vax");
  g_assert_nonnull (strstr (d->message, "unikraft-qemu"));
  d = expect (diags, MS_DIAG_INVALID_SETTING, NULL, MS_SEVERITY_ERROR, NULL);
  g_assert_nonnull (d);
  {
    gboolean argv = FALSE, level = FALSE, name = FALSE;
    for (guint i = 0; i < diags->len; i++)
      {
        const MsDiagnostic *x = diags->pdata[i];
        argv |= g_strcmp0 (x->setting, "argv") == 0 && strstr (x->message, "maybe");
        level |= g_strcmp0 (x->setting, "level") == 0;
        name |= g_strcmp0 (x->setting, "name") == 0;
      }
    g_assert_true (argv && level && name);
  }
}

static void
test_package_conflict (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint ro = test_add (doc, "crunch", "assets");
  guint rw = test_add (doc, "kv_rw_mem", "store");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "kv_ro @-> kv_rw @-> job");
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_set (doc, ro, "dirname", "assets");
  test_connect (doc, ro, m, "1");
  test_connect (doc, rw, m, "2");
  test_jobs (doc, m);
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_PACKAGE_CONFLICT, "assets", MS_SEVERITY_ERROR, "mirage-kv-mem");
  g_assert_nonnull (strstr (d->message, "store"));
  g_assert_cmpstr (d->related[0], ==, "store");
}

static void
test_invalid_package (void)
{
  guint m;
  g_autoptr(MsDocument) doc = clean_doc (&m, NULL);
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diags = NULL;

  g_ptr_array_add (c->packages, ms_package_new ("duration", "1 .0", NULL));
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_INVALID_PACKAGE, "unikernel", MS_SEVERITY_ERROR, "duration");
}

static void
test_jobs_checks (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint kv = test_add (doc, "crunch", "assets");
  g_autoptr(GPtrArray) diags = ms_check_document (doc);
  const MsDiagnostic *d;

  test_set (doc, kv, "dirname", "assets");
  d = expect (diags, MS_DIAG_NO_JOBS, NULL, MS_SEVERITY_WARNING, "no job");
  g_assert_cmpstr (d->setting, ==, "jobs");
  g_clear_pointer (&diags, g_ptr_array_unref);
  test_jobs (doc, kv);
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_NOT_A_JOB, "assets", MS_SEVERITY_ERROR, "produces kv_ro");
}

static void
test_internal_and_deprecated (void)
{
  g_autoptr(MsDocument) doc = clean_doc (NULL, NULL);
  g_autoptr(GPtrArray) diags = NULL;

  test_add (doc, "etif", "old");
  test_add (doc, "socket_stackv4v6", "inner");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_DEPRECATED, "old", MS_SEVERITY_WARNING, "ethif");
  expect (diags, MS_DIAG_INTERNAL_DEVICE, "inner", MS_SEVERITY_WARNING, "internal");
}

static void
test_device_types (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint tcp = test_add (doc, "direct_tcp", "flow");
  g_autoptr(MsDeviceTypes) before = ms_check_device_types (doc, tcp);
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "tcpv6 @-> job");
  g_autoptr(MsDeviceTypes) after = NULL;

  g_assert_cmpstr (before->result, ==, "'a tcp");
  g_assert_cmpstr (((MsPortType *) before->inputs->pdata[0])->type, ==, "'a ip");
  /* the consumer fixes the version backwards through the device */
  test_connect (doc, tcp, m, "1");
  after = ms_check_device_types (doc, tcp);
  g_assert_cmpstr (after->result, ==, "tcpv6");
  g_assert_cmpstr (((MsPortType *) after->inputs->pdata[0])->type, ==, "ipv6");
}

/* The same project gives the same diagnostics, in the same order. */
static void
test_deterministic (void)
{
  g_autoptr(MsDocument) doc = stack_doc ("10.0.0.2/24", "bad");
  g_autoptr(GPtrArray) a = ms_check_document (doc);
  g_autoptr(GPtrArray) b = ms_check_document (doc);

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      g_autofree char *x = ms_diagnostic_format (a->pdata[i]);
      g_autofree char *y = ms_diagnostic_format (b->pdata[i]);
      g_assert_cmpstr (x, ==, y);
    }
  /* errors come first */
  for (guint i = 1; i < a->len; i++)
    g_assert_cmpint (((MsDiagnostic *) a->pdata[i - 1])->severity, <=, ((MsDiagnostic *) a->pdata[i])->severity);
}

static void
test_format_escapes (void)
{
  g_autoptr(MsDiagnostic) d = ms_diagnostic_new ("x", MS_SEVERITY_WARNING, "dev\x1b[31m", "bad\nthing");
  g_autofree char *s = ms_diagnostic_format (d);

  g_assert_null (strchr (s, '\x1b'));
  g_assert_null (strchr (s, '\n'));
  g_assert_true (g_str_has_prefix (s, "warning: dev\\x1b[31m: bad\\x0athing [x]"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/check/clean", test_clean);
  g_test_add_func ("/check/type-mismatch", test_type_mismatch);
  g_test_add_func ("/check/type-mismatch-ip-version", test_type_mismatch_ip_version);
  g_test_add_func ("/check/connection-query", test_connection_query);
  g_test_add_func ("/check/missing-argument", test_missing_argument);
  g_test_add_func ("/check/missing-option", test_missing_option);
  g_test_add_func ("/check/unknown-constructor", test_unknown_constructor);
  g_test_add_func ("/check/unknown-option", test_unknown_option);
  g_test_add_func ("/check/unknown-parameter", test_unknown_parameter);
  g_test_add_func ("/check/dangling-connection", test_dangling_connection);
  g_test_add_func ("/check/cycle", test_cycle);
  g_test_add_func ("/check/unused-device", test_unused);
  g_test_add_func ("/check/duplicate-and-invalid-name", test_duplicate_and_invalid_name);
  g_test_add_func ("/check/invalid-signature", test_signature);
  g_test_add_func ("/check/signature-arity", test_signature_arity);
  g_test_add_func ("/check/invalid-value", test_invalid_value);
  g_test_add_func ("/check/runtime-arg-reference", test_arg_reference);
  g_test_add_func ("/check/unknown-key-and-arg", test_unknown_key_and_arg);
  g_test_add_func ("/check/key-conflict", test_key_conflict);
  g_test_add_func ("/check/own-key-read-by-choice", test_own_key_read_by_choice);
  g_test_add_func ("/check/runtime-arg-conflict", test_runtime_arg_conflict);
  g_test_add_func ("/check/unsupported-target", test_unsupported_target);
  g_test_add_func ("/check/invalid-target-and-setting", test_invalid_target_and_setting);
  g_test_add_func ("/check/package-conflict", test_package_conflict);
  g_test_add_func ("/check/invalid-package", test_invalid_package);
  g_test_add_func ("/check/jobs", test_jobs_checks);
  g_test_add_func ("/check/internal-and-deprecated", test_internal_and_deprecated);
  g_test_add_func ("/check/device-types", test_device_types);
  g_test_add_func ("/check/deterministic", test_deterministic);
  g_test_add_func ("/check/format-escapes", test_format_escapes);
  return g_test_run ();
}
