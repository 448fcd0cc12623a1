/* test-eval.c: evaluation picks branches, shares, orders and merges as Mirage does. */
#include <string.h>

#include "ms-dot.h"
#include "test-util.h"

static MsDocument *
new_doc (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();

  return ms_document_new (cat);
}

static MsDocument *
kv_doc (void)
{
  MsDocument *doc = new_doc ();
  guint kv = test_add (doc, "generic_kv_ro", "data");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "kv_ro @-> job");

  test_set (doc, kv, "dir", "htdocs");
  test_connect (doc, kv, m, "1");
  test_jobs (doc, m);
  return doc;
}

static MsEvalNode *
device_node (MsEvalGraph *g, MsDocument *doc, const char *name)
{
  MsEvalNode *n = test_eval_device_node (g, doc, name);

  g_assert_nonnull (n);
  return n;
}

static const MsEvalKey *
find_key (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->keys->len; i++)
    if (g_str_equal (((MsEvalKey *) g->keys->pdata[i])->name, name))
      return g->keys->pdata[i];
  return NULL;
}

static const MsEvalArg *
find_arg (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->runtime_args->len; i++)
    if (g_str_equal (((MsEvalArg *) g->runtime_args->pdata[i])->name, name))
      return g->runtime_args->pdata[i];
  return NULL;
}

static const MsEvalPackage *
find_package (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->packages->len; i++)
    if (g_str_equal (((MsEvalPackage *) g->packages->pdata[i])->name, name))
      return g->packages->pdata[i];
  return NULL;
}

/* generic_kv_ro: crunch by default, direct_kv_ro with --kv_ro=direct, which is
 * Mirage_kv_unix on unix and crunch again on solo5 targets */
static void
test_kv_branches (void)
{
  g_autoptr(MsDocument) doc = kv_doc ();
  g_autoptr(MsEvalGraph) g1 = ms_eval (doc, "unix");
  g_autoptr(MsEvalGraph) g2 = NULL;
  g_autoptr(MsEvalGraph) g3 = NULL;
  MsEvalNode *n;
  const MsEvalKey *k;

  n = device_node (g1, doc, "data");
  g_assert_cmpstr (n->ctor->name, ==, "crunch");
  g_assert_cmpstr (n->variant, ==, "crunch");
  g_assert_cmpstr (n->module, ==, "Static_htdocs");
  k = find_key (g1, "kv_ro");
  g_assert_nonnull (k);
  g_assert_cmpstr (k->value, ==, "crunch");
  g_assert_true (k->is_default);
  g_assert_nonnull (find_package (g1, "crunch"));

  test_setting (doc, "key:kv_ro", "direct");
  g2 = ms_eval (doc, "unix");
  n = device_node (g2, doc, "data");
  g_assert_cmpstr (n->module, ==, "Mirage_kv_unix");
  g_assert_cmpstr (n->variant, ==, "direct");
  g_assert_false (find_key (g2, "kv_ro")->is_default);
  g_assert_nonnull (find_package (g2, "mirage-kv-unix"));
  g_assert_null (find_package (g2, "crunch"));

  g3 = ms_eval (doc, "hvt");
  n = device_node (g3, doc, "data");
  g_assert_cmpstr (n->ctor->name, ==, "crunch");
}

static MsDocument *
net_doc (void)
{
  MsDocument *doc = new_doc ();
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> job");

  test_connect (doc, net, stack, "net");
  test_connect (doc, stack, m, "1");
  test_jobs (doc, m);
  return doc;
}

static void
test_stack_branches (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autoptr(MsEvalGraph) unix_g = ms_eval (doc, "unix");
  g_autoptr(MsEvalGraph) hvt_g = ms_eval (doc, "hvt");
  g_autoptr(MsEvalGraph) qubes_g = ms_eval (doc, "qubes");
  g_autoptr(MsEvalGraph) dhcp_g = NULL;
  g_autoptr(MsEvalGraph) direct_g = NULL;
  MsEvalNode *n;

  /* unix with no keys: the host's sockets */
  n = device_node (unix_g, doc, "stack");
  g_assert_cmpstr (n->variant, ==, "socket");
  g_assert_cmpstr (n->module, ==, "Tcpip_stack_socket.V4V6");
  g_assert_cmpuint (n->n_deps, ==, 2);
  g_assert_null (test_eval_node (unix_g, "stack", "eth"));
  /* solo5: the OCaml stack with a static address */
  n = device_node (hvt_g, doc, "stack");
  g_assert_cmpstr (n->variant, ==, "static");
  g_assert_cmpstr (n->module, ==, "Tcpip_stack_direct.MakeV4V6");
  g_assert_cmpstr (test_eval_node (hvt_g, "stack", "ipv4")->module, ==, "Static_ipv4.Make");
  g_assert_nonnull (test_eval_node (hvt_g, "stack", "eth"));
  g_assert_cmpstr (find_arg (hvt_g, "ipv4")->default_value, ==, "10.0.0.2/24");
  g_assert_cmpstr (find_arg (unix_g, "ipv4")->default_value, ==, "0.0.0.0/0");
  g_assert_cmpstr (device_node (hvt_g, doc, "net")->module, ==, "Netif");
  /* qubes: its own IP configuration */
  g_assert_cmpstr (device_node (qubes_g, doc, "stack")->variant, ==, "qubes");
  g_assert_nonnull (test_eval_node (qubes_g, "stack", NULL));
  /* --dhcp=true: DHCP even on unix */
  test_setting (doc, "key:dhcp", "true");
  dhcp_g = ms_eval (doc, "unix");
  g_assert_cmpstr (device_node (dhcp_g, doc, "stack")->variant, ==, "dhcp");
  /* --net=direct on unix: the OCaml stack over a tap device */
  test_setting (doc, "key:dhcp", NULL);
  test_setting (doc, "key:net", "direct");
  direct_g = ms_eval (doc, "unix");
  g_assert_cmpstr (device_node (direct_g, doc, "stack")->variant, ==, "static");
  g_assert_cmpstr (find_arg (direct_g, "interface")->default_value, ==, "tap0");
}

/* On unix the socket stack leaves the network interface out: it is
 * evaluated (for its checks) but is no part of the unikernel, and the
 * DOT of the evaluated graph leaves it out as mirage describe does. */
static void
test_reachable (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autoptr(MsEvalGraph) unix_g = ms_eval (doc, "unix");
  g_autoptr(MsEvalGraph) hvt_g = ms_eval (doc, "hvt");
  g_autofree char *unix_dot = ms_dot_from_eval (unix_g);
  g_autofree char *hvt_dot = ms_dot_from_eval (hvt_g);
  MsEvalNode *net_unix = device_node (unix_g, doc, "net");
  MsEvalNode *net_hvt = device_node (hvt_g, doc, "net");
  g_autofree char *unix_value = ms_eval_node_value_name (net_unix);
  g_autofree char *hvt_value = ms_eval_node_value_name (net_hvt);

  g_assert_false (net_unix->reachable);
  g_assert_true (device_node (unix_g, doc, "stack")->reachable);
  g_assert_true (ms_eval_graph_get_node (unix_g, unix_g->root)->reachable);
  g_assert_null (strstr (unix_dot, unix_value));
  g_assert_true (net_hvt->reachable);
  g_assert_nonnull (strstr (hvt_dot, hvt_value));
  for (guint i = 0; i < hvt_g->nodes->len; i++)
    g_assert_true (((MsEvalNode *) hvt_g->nodes->pdata[i])->reachable);
}

/* a stack's options reach the runtime arguments of the nodes it expands to */
static void
test_option_to_arg_default (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autoptr(MsEvalGraph) g = NULL;
  g_autoptr(MsEvalGraph) g2 = NULL;
  const MsDevice *stack = ms_document_find_device (doc, "stack");

  test_set (doc, stack->id, "ipv4_network", "192.168.7.2/24");
  test_set (doc, stack->id, "group", "mgmt");
  g = ms_eval (doc, "hvt");
  g_assert_null (find_arg (g, "ipv4"));
  g_assert_cmpstr (find_arg (g, "mgmt-ipv4")->default_value, ==, "192.168.7.2/24");
  g_assert_nonnull (find_key (g, "mgmt-dhcp"));
  /* the project's own default wins */
  test_setting (doc, "arg:mgmt-ipv4", "172.16.0.9/16");
  g2 = ms_eval (doc, "hvt");
  g_assert_cmpstr (find_arg (g2, "mgmt-ipv4")->default_value, ==, "172.16.0.9/16");
  g_assert_true (find_arg (g2, "mgmt-ipv4")->overridden);
}

/* Functoria shares shared devices applied to the same arguments, and
 * keeps per-call devices apart even when they look alike. */
static void
test_sharing (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint n1 = test_add (doc, "default_network", "net1");
  guint n2 = test_add (doc, "default_network", "net2");
  guint s1 = test_add (doc, "generic_stackv4v6", "front");
  guint s2 = test_add (doc, "generic_stackv4v6", "back");
  guint k1 = test_add (doc, "crunch", "a");
  guint k2 = test_add (doc, "crunch", "b");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main",
                           "stackv4v6 @-> stackv4v6 @-> kv_ro @-> kv_ro @-> job");
  g_autoptr(MsEvalGraph) g = NULL;

  test_connect (doc, n1, s1, "net");
  test_connect (doc, n2, s2, "net");
  test_connect (doc, s1, m, "1");
  test_connect (doc, s2, m, "2");
  test_connect (doc, k1, m, "3");
  test_connect (doc, k2, m, "4");
  test_set (doc, k1, "dirname", "same");
  test_set (doc, k2, "dirname", "same");
  test_set (doc, s2, "group", "back");
  test_jobs (doc, m);
  g = ms_eval (doc, "hvt");

  /* default_network is one module-level value: both devices are one node */
  g_assert_true (device_node (g, doc, "net1") == device_node (g, doc, "net2"));
  /* so both stacks share the ethernet and arp layers over it */
  g_assert_true (test_eval_node (g, "front", "eth") != NULL);
  g_assert_null (test_eval_node (g, "back", "eth"));
  g_assert_cmpuint (test_eval_node (g, "back", "ipv4")->args[0], ==,
                    test_eval_node (g, "front", "eth")->id);
  /* but each stack has its own ip layer */
  g_assert_true (test_eval_node (g, "front", "ipv4") != test_eval_node (g, "back", "ipv4"));
  /* two crunch calls are two devices, even with the same directory */
  g_assert_true (device_node (g, doc, "a") != device_node (g, doc, "b"));
}

/* every node comes after everything it uses; the root is last */
static void
test_order (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autoptr(MsEvalGraph) g = ms_eval (doc, "hvt");

  for (guint i = 0; i < g->nodes->len; i++)
    {
      MsEvalNode *n = g->nodes->pdata[i];
      g_assert_cmpuint (n->id, ==, i + 1);
      for (guint a = 0; a < n->n_args; a++)
        g_assert_cmpuint (n->args[a], <, n->id);
      for (guint a = 0; a < n->n_deps; a++)
        g_assert_cmpuint (n->deps[a], <, n->id);
    }
  g_assert_cmpuint (g->root, ==, g->nodes->len);
  /* functor arguments keep the signature order: net, eth, arp, ip, icmp, udp, tcp */
  {
    MsEvalNode *stack = device_node (g, doc, "stack");
    g_assert_cmpuint (stack->n_args, ==, 7);
    g_assert_cmpstr (stack->arg_params[0], ==, "net");
    g_assert_cmpstr (stack->arg_params[6], ==, "tcp");
  }
}

static void
test_register (void)
{
  g_autoptr(MsDocument) doc = kv_doc ();
  g_autoptr(MsEvalGraph) g = ms_eval (doc, "unix");
  g_autoptr(MsEvalGraph) g2 = NULL;
  MsEvalNode *root = ms_eval_graph_get_node (g, g->root);
  gboolean has_reporter = FALSE, has_mock = FALSE;

  /* runtime_args, ocaml_runtime, delay, reporter, sleep, ptime, mtime, random, name */
  g_assert_cmpuint (g->init->len, ==, 9);
  g_assert_cmpuint (root->n_deps, ==, 10);
  g_assert_cmpstr (root->module, ==, "Mirage_runtime");
  g_assert_cmpstr (ms_eval_graph_get_node (g, g_array_index (g->init, guint, 0))->role, ==, "runtime_args");
  g_assert_nonnull (find_package (g, "mirage-unix"));
  g_assert_null (find_package (g, "mirage-solo5"));
  g_assert_cmpstr (find_package (g, "mirage-runtime")->min, ==, "4.10.0");
  g_assert_nonnull (find_arg (g, "logs"));

  test_setting (doc, MS_SETTING_REPORTER, "none");
  test_setting (doc, MS_SETTING_PTIME, "mock");
  test_setting (doc, MS_SETTING_ARGV, "none");
  g2 = ms_eval (doc, "unix");
  for (guint i = 0; i < g2->nodes->len; i++)
    {
      MsEvalNode *n = g2->nodes->pdata[i];
      has_reporter |= g_strcmp0 (n->role, "reporter") == 0;
      has_mock |= n->ctor && g_str_equal (n->ctor->name, "mock_ptime");
    }
  g_assert_false (has_reporter);
  g_assert_true (has_mock);
  g_assert_cmpuint (g2->init->len, ==, 8);
  {
    MsEvalNode *argv_node = test_eval_node (g2, NULL, "argv");
    g_assert_nonnull (argv_node);
    g_assert_cmpstr (argv_node->ctor->name, ==, "no_argv");
  }
  g_assert_null (find_arg (g2, "logs"));
}

/* As Mirage's `main`, a start function without arguments gets the unit
 * one: a dependency on the one shared noop ("Unit") device. */
static void
test_unit_argument (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsEvalGraph) g = NULL;
  guint a = test_add_main (doc, "a", "Unikernel.A", "job");
  guint b = test_add_main (doc, "b", "Unikernel.B", "job");
  guint c = test_add_main (doc, "c", "Unikernel.C", "block @-> job");
  guint disk = test_add (doc, "ramdisk", "disk");
  g_autoptr(GError) error = NULL;
  MsEvalNode *na, *nb, *nc, *unit;

  g_assert_true (ms_document_set_option (doc, disk, "name", "d", &error));
  g_assert_true (ms_document_connect (doc, disk, c, "1", &error));
  g_assert_true (ms_document_set_jobs (doc, (guint[]) { a, b, c }, 3, &error));
  g = ms_eval (doc, "unix");
  na = ms_eval_graph_device_node (g, a);
  nb = ms_eval_graph_device_node (g, b);
  nc = ms_eval_graph_device_node (g, c);
  g_assert_cmpuint (na->n_deps, ==, 1);
  g_assert_cmpuint (nb->n_deps, ==, 1);
  g_assert_cmpuint (na->deps[0], ==, nb->deps[0]);
  unit = ms_eval_graph_get_node (g, na->deps[0]);
  g_assert_cmpstr (unit->module, ==, "Unit");
  g_assert_cmpstr (unit->ctor->name, ==, "noop");
  /* a functor takes its devices instead */
  g_assert_cmpuint (nc->n_deps, ==, 0);
  /* it comes before its users */
  g_assert_cmpuint (unit->id, <, na->id);
}

static void
test_reporter_level (void)
{
  g_autoptr(MsDocument) doc = kv_doc ();
  g_autoptr(MsEvalGraph) g = NULL;

  MsEvalNode *reporter;

  test_setting (doc, MS_SETTING_LEVEL, "debug");
  g = ms_eval (doc, NULL);
  reporter = test_eval_node (g, NULL, "reporter");
  g_assert_nonnull (reporter);
  g_assert_cmpstr (ms_eval_node_get_option (reporter, "level"), ==, "debug");
}

static void
test_merged_bounds (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint ro = test_add (doc, "crunch", "assets");
  guint rw = test_add (doc, "kv_rw_mem", "store");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "kv_ro @-> kv_rw @-> job");
  g_autoptr(MsEvalGraph) g = NULL;
  g_autoptr(MsCustom) c = NULL;
  g_autoptr(GError) error = NULL;
  const MsEvalPackage *p;

  test_set (doc, ro, "dirname", "assets");
  test_connect (doc, ro, m, "1");
  test_connect (doc, rw, m, "2");
  test_jobs (doc, m);
  c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_ptr_array_add (c->packages, ms_package_new ("duration", "0.2.0", NULL));
  g_ptr_array_add (c->packages, ms_package_new ("mirage-kv-mem", "4.1.0", "4.5.0"));
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  g = ms_eval (doc, "unix");
  /* duration: the root asks < 1.0.0, the main >= 0.2.0 */
  p = find_package (g, "duration");
  g_assert_cmpstr (p->min, ==, "0.2.0");
  g_assert_cmpstr (p->max, ==, "1.0.0");
  g_assert_cmpstr (p->min_from, ==, "unikernel");
  /* mirage-kv-mem: crunch [4.0.0,5.0.0), kv_rw_mem [3.0.0,4.0.0), main [4.1.0,4.5.0) */
  p = find_package (g, "mirage-kv-mem");
  g_assert_cmpstr (p->min, ==, "4.1.0");
  g_assert_cmpstr (p->max, ==, "4.0.0");
  g_assert_cmpstr (p->max_from, ==, "store");
  g_assert_true (g_strv_contains ((const char * const *) p->used_by, "assets"));
  g_assert_nonnull (test_find_diag (g->diagnostics, MS_DIAG_PACKAGE_CONFLICT, "unikernel"));
  /* build-only packages link no library */
  p = find_package (g, "crunch");
  g_assert_true (p->build);
  g_assert_null (p->libraries[0]);
}

static void
test_value_names (void)
{
  g_autoptr(MsDocument) doc = kv_doc ();
  g_autoptr(MsEvalGraph) g = ms_eval (doc, "unix");
  MsEvalNode *n = device_node (g, doc, "unikernel");
  g_autofree char *name = ms_eval_node_value_name (n);
  g_autofree char *expected = g_strdup_printf ("unikernel_main__%u", n->id);

  g_assert_cmpstr (name, ==, expected);
  g_assert_nonnull (n->functor);
  g_assert_cmpuint (n->n_args, ==, 1);
}

/* a graph with problems still evaluates: what is missing is left out */
static void
test_partial (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> kv_ro @-> job");
  g_autoptr(MsEvalGraph) g = NULL;

  test_connect (doc, stack, m, "1");
  test_jobs (doc, m);
  ms_document_load_connection (doc, stack, "net", m);   /* a cycle */
  g = ms_eval (doc, "hvt");
  g_assert_nonnull (device_node (g, doc, "unikernel"));
}

static gboolean
has_package (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->packages->len; i++)
    if (g_str_equal (((MsEvalPackage *) g->packages->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

static const MsEvalKey *
eval_key (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->keys->len; i++)
    if (g_str_equal (((MsEvalKey *) g->keys->pdata[i])->name, name))
      return g->keys->pdata[i];
  return NULL;
}

/* A choice on a key of the project and on the target: the branch not
 * taken is not in the graph and its packages are not merged (issue 11). */
static void
test_choice (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDecl) type = ms_decl_new (MS_DECL_TYPE, "hello");
  guint a = test_add (doc, "impl", "plain");
  guint b = test_add (doc, "impl", "fancy_impl");
  guint ch = test_add (doc, "choice", "pick");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Make", "hello @-> job");
  g_autoptr(MsCustom) ca = ms_custom_copy (ms_document_get_device (doc, a)->custom);
  g_autoptr(MsCustom) cb = ms_custom_copy (ms_document_get_device (doc, b)->custom);
  g_autoptr(MsCustom) cc = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  g_autoptr(MsEvalGraph) g1 = NULL, g2 = NULL, g3 = NULL;
  const MsEvalKey *k;

  g_free (type->constructor);
  type->constructor = g_strdup ("Hello");
  g_assert_true (ms_document_set_decl (doc, type, &error));
  test_own_key (doc, "fancy", "bool", "false");
  g_free (ca->module);
  ca->module = g_strdup ("Plain");
  g_free (ca->signature);
  ca->signature = g_strdup ("hello");
  g_ptr_array_add (ca->packages, ms_package_parse ("plain-pkg", NULL));
  g_free (cb->module);
  cb->module = g_strdup ("Fancy");
  g_free (cb->signature);
  cb->signature = g_strdup ("hello");
  g_ptr_array_add (cb->packages, ms_package_parse ("fancy-pkg", NULL));
  ms_choice_free (cc->choice);
  cc->choice = ms_choice_new ("fancy", NULL);
  g_ptr_array_add (cc->choice->cases, g_strdup ("true"));
  g_ptr_array_add (cc->choice->cases, g_strdup ("false"));
  g_free (cc->signature);
  cc->signature = g_strdup ("hello");
  g_assert_true (ms_document_set_custom (doc, a, ca, &error));
  g_assert_true (ms_document_set_custom (doc, b, cb, &error));
  g_assert_true (ms_document_set_custom (doc, ch, cc, &error));
  g_assert_no_error (error);
  test_connect (doc, b, ch, "true");
  test_connect (doc, a, ch, "false");
  test_connect (doc, ch, m, "1");
  test_jobs (doc, m);

  /* the key's default (false) takes the plain branch */
  g1 = ms_eval (doc, "unix");
  g_assert_nonnull (test_eval_device_node (g1, doc, "plain"));
  g_assert_null (test_eval_device_node (g1, doc, "fancy_impl"));
  g_assert_true (has_package (g1, "plain-pkg"));
  g_assert_false (has_package (g1, "fancy-pkg"));
  /* the condition's key is a key of the graph, with its default */
  k = eval_key (g1, "fancy");
  g_assert_nonnull (k);
  g_assert_cmpstr (k->type, ==, "bool");
  g_assert_cmpstr (k->value, ==, "false");
  g_assert_true (k->is_default);

  test_setting (doc, "key:fancy", "true");
  g2 = ms_eval (doc, "unix");
  g_assert_null (test_eval_device_node (g2, doc, "plain"));
  g_assert_true (has_package (g2, "fancy-pkg"));
  g_assert_false (has_package (g2, "plain-pkg"));
  k = eval_key (g2, "fancy");
  g_assert_cmpstr (k->value, ==, "true");
  g_assert_false (k->is_default);

  /* on the target: match_impl Key.(value target) [`Hvt, fancy] ~default:plain */
  ms_choice_free (cc->choice);
  cc->choice = ms_choice_new ("target", NULL);
  g_ptr_array_add (cc->choice->cases, g_strdup ("`Hvt"));
  cc->choice->has_default = TRUE;
  g_assert_true (ms_document_set_custom (doc, ch, cc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_source (doc, ch, "true"), ==, 0);
  test_connect (doc, b, ch, "`Hvt");
  test_connect (doc, a, ch, "default");
  g3 = ms_eval (doc, "hvt");
  g_assert_true (has_package (g3, "fancy-pkg"));
  g_assert_nonnull (eval_key (g3, "target"));
  g_assert_null (eval_key (g3, "fancy"));
  g_assert_cmpstr (ms_eval_choice_branch (doc, "spt", ms_document_get_device (doc, ch)), ==, "default");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eval/kv-branches", test_kv_branches);
  g_test_add_func ("/eval/stack-branches", test_stack_branches);
  g_test_add_func ("/eval/option-to-arg-default", test_option_to_arg_default);
  g_test_add_func ("/eval/sharing", test_sharing);
  g_test_add_func ("/eval/order", test_order);
  g_test_add_func ("/eval/register", test_register);
  g_test_add_func ("/eval/reporter-level", test_reporter_level);
  g_test_add_func ("/eval/unit-argument", test_unit_argument);
  g_test_add_func ("/eval/reachable", test_reachable);
  g_test_add_func ("/eval/merged-bounds", test_merged_bounds);
  g_test_add_func ("/eval/value-names", test_value_names);
  g_test_add_func ("/eval/partial", test_partial);
  g_test_add_func ("/eval/choice", test_choice);
  return g_test_run ();
}
