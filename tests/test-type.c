/* test-type.c: types, signatures and IP-version unification. */
#include "test-util.h"

#include "ms-type.h"

static MsType
parse (MsCatalog *cat, const char *text, int *n_vars, GHashTable *vars)
{
  g_autoptr(GError) error = NULL;
  MsType t;

  g_assert_true (ms_type_parse (cat, text, &t, n_vars, vars, &error));
  g_assert_no_error (error);
  return t;
}

static void
test_parse (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(GError) error = NULL;
  int n = 0;
  MsType t;
  g_autofree char *s1 = NULL, *s2 = NULL;

  t = parse (cat, "kv_ro", &n, NULL);
  g_assert_cmpstr (t.family, ==, "kv_ro");
  g_assert_cmpint (t.var, ==, -1);
  t = parse (cat, "ipv4", &n, NULL);
  g_assert_cmpstr (t.family, ==, "ip");
  g_assert_cmpint (t.version, ==, MS_IPV_V4);
  t = parse (cat, "tcpv4v6", &n, NULL);
  g_assert_cmpstr (t.family, ==, "tcp");
  g_assert_cmpint (t.version, ==, MS_IPV_V4V6);
  s1 = ms_type_to_string (cat, &t);
  g_assert_cmpstr (s1, ==, "tcpv4v6");
  t = parse (cat, "'a udp", &n, NULL);
  g_assert_cmpint (t.var, ==, 0);
  s2 = ms_type_to_string (cat, &t);
  g_assert_cmpstr (s2, ==, "'a udp");
  /* sleep and friends stay distinct from job */
  t = parse (cat, "sleep", &n, NULL);
  g_assert_cmpstr (t.family, ==, "sleep");

  g_assert_false (ms_type_parse (cat, "kv_rx", &t, &n, NULL, &error));
  g_assert_nonnull (strstr (error->message, "kv_rx"));
  g_clear_error (&error);
  g_assert_false (ms_type_parse (cat, "'a kv_ro", &t, &n, NULL, &error));
  g_clear_error (&error);
}

static void
test_signature (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSignature) sig = ms_signature_parse (cat, "kv_ro @-> stackv4v6 @-> job", &error);
  g_autoptr(MsSignature) poly = NULL;
  g_autoptr(MsSignature) bad = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (sig->params->len, ==, 2);
  g_assert_cmpstr (sig->result.family, ==, "job");
  text = ms_signature_to_string (cat, sig);
  g_assert_cmpstr (text, ==, "kv_ro @-> stackv4v6 @-> job");

  /* the same variable twice is one variable */
  poly = ms_signature_parse (cat, "'a ip @-> 'a tcp @-> job", &error);
  g_assert_no_error (error);
  g_assert_cmpint (poly->n_vars, ==, 1);
  g_assert_cmpint (g_array_index (poly->params, MsType, 1).var, ==, 0);

  bad = ms_signature_parse (cat, "kv_ro @-> @-> job", &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
  g_clear_error (&error);
  bad = ms_signature_parse (cat, "", &error);
  g_assert_null (bad);
  g_clear_error (&error);
  bad = ms_signature_parse (cat, "block @-> disk", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "disk"));
}

/* direct_tcp fed an ipv4 yields a v4 tcp: one variable shared by input and output */
static void
test_unify_flow (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsUnifier) u = ms_unifier_new ();
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = 0;
  MsType in = parse (cat, "'a ip", &n, vars);
  MsType out = parse (cat, "'a tcp", &n, vars);
  MsType v4 = parse (cat, "ipv4", &n, NULL);
  MsType want_v6 = parse (cat, "tcpv6", &n, NULL);
  MsType want_v4 = parse (cat, "tcpv4", &n, NULL);
  int base = ms_unifier_fresh (u, 1);
  MsType i_in = ms_type_instantiate (&in, base);
  MsType i_out = ms_type_instantiate (&out, base);
  g_autofree char *why = NULL;
  g_autofree char *resolved = NULL;
  MsType r;

  g_assert_true (ms_unifier_unify (u, cat, &i_in, &v4, NULL));
  r = ms_unifier_resolve (u, &i_out);
  resolved = ms_type_to_string (cat, &r);
  g_assert_cmpstr (resolved, ==, "tcpv4");
  g_assert_false (ms_unifier_unify (u, cat, &want_v6, &i_out, &why));
  g_assert_cmpstr (why, ==, "expected tcpv6, found tcpv4");
  g_assert_true (ms_unifier_unify (u, cat, &want_v4, &i_out, NULL));
}

/* two variables unified with each other, then one bound, binds both */
static void
test_unify_vars (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsUnifier) u = ms_unifier_new ();
  int n = 0;
  MsType a = parse (cat, "'a udp", &n, NULL);
  MsType v6 = parse (cat, "udpv6", &n, NULL);
  int b1 = ms_unifier_fresh (u, 1), b2 = ms_unifier_fresh (u, 1);
  MsType x = ms_type_instantiate (&a, b1);
  MsType y = ms_type_instantiate (&a, b2);
  MsType r;
  g_autofree char *s = NULL;

  g_assert_cmpint (x.var, !=, y.var);
  g_assert_true (ms_unifier_unify (u, cat, &x, &y, NULL));
  g_assert_true (ms_unifier_unify (u, cat, &y, &v6, NULL));
  r = ms_unifier_resolve (u, &x);
  s = ms_type_to_string (cat, &r);
  g_assert_cmpstr (s, ==, "udpv6");
}

static void
test_unify_families (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsUnifier) u = ms_unifier_new ();
  int n = 0;
  MsType kv = parse (cat, "kv_ro", &n, NULL);
  MsType blk = parse (cat, "block", &n, NULL);
  MsType job = parse (cat, "job", &n, NULL);
  MsType sleep = parse (cat, "sleep", &n, NULL);
  MsType tcp = parse (cat, "tcpv4v6", &n, NULL);
  MsType udp = parse (cat, "udpv4v6", &n, NULL);
  g_autofree char *why = NULL;

  g_assert_true (ms_unifier_unify (u, cat, &kv, &kv, NULL));
  g_assert_false (ms_unifier_unify (u, cat, &kv, &blk, &why));
  g_assert_cmpstr (why, ==, "expected kv_ro, found block");
  /* Mirage aliases sleep to job; we do not */
  g_assert_false (ms_unifier_unify (u, cat, &job, &sleep, NULL));
  g_assert_false (ms_unifier_unify (u, cat, &tcp, &udp, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/type/parse", test_parse);
  g_test_add_func ("/type/signature", test_signature);
  g_test_add_func ("/type/unify-flow", test_unify_flow);
  g_test_add_func ("/type/unify-vars", test_unify_vars);
  g_test_add_func ("/type/unify-families", test_unify_families);
  return g_test_run ();
}
