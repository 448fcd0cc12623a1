/* test-dot.c: DOT output is valid Graphviz, escaped, and shows keys and branches. */
#include "test-util.h"

#include "ms-dot.h"
#include "ms-json.h"
#include "ms-render.h"

static MsDocument *
net_doc (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  MsDocument *doc = ms_document_new (cat);
  guint net = test_add (doc, "default_network", "net");
  guint stack = test_add (doc, "generic_stackv4v6", "stack");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> job");

  test_connect (doc, net, stack, "net");
  test_connect (doc, stack, m, "1");
  test_jobs (doc, m);
  return doc;
}

static void
assert_renders (const char *dot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = ms_render_dot (dot, "svg", &error);

  g_assert_no_error (error);
  g_assert_nonnull (svg);
}

/* A choice (if_impl Key.is_solo5 a b) is a diamond with its condition;
 * the branch the target takes is bold, and the JSON form holds it all. */
static void
test_document_choice (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  guint a = test_add (doc, "generic_block", "storage");
  guint b = test_add (doc, "generic_block", "disk");
  guint ch = test_add (doc, "choice", "blk");
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  g_autofree char *dot = NULL, *hvt = NULL, *json = NULL;
  g_autoptr(MsJson) tree = NULL;
  g_autofree char *taken = NULL, *other = NULL;

  ms_choice_free (c->choice);
  c->choice = ms_choice_new ("target", "is_solo5");
  g_ptr_array_add (c->choice->cases, g_strdup ("true"));
  g_ptr_array_add (c->choice->cases, g_strdup ("false"));
  g_assert_true (ms_document_set_custom (doc, ch, c, &error));
  test_connect (doc, a, ch, "true");
  test_connect (doc, b, ch, "false");

  dot = ms_dot_from_document (doc);
  g_assert_nonnull (strstr (dot, "[label=\"blk\\nIf Key.is_solo5\", shape=\"diamond\"]"));
  taken = g_strdup_printf ("d%u -> d%u [label=\"false\", style=\"bold, dotted\"]", ch, b);
  g_assert_nonnull (strstr (dot, taken));
  assert_renders (dot);
  g_assert_cmpstr (ms_eval_choice_branch (doc, "unix", ms_document_get_device (doc, ch)), ==, "false");

  test_setting (doc, MS_SETTING_TARGET, "hvt");
  hvt = ms_dot_from_document (doc);
  other = g_strdup_printf ("d%u -> d%u [label=\"true\", style=\"bold, dotted\"]", ch, a);
  g_assert_nonnull (strstr (hvt, other));

  tree = ms_json_document (doc);
  json = ms_json_to_string (tree);
  g_assert_nonnull (strstr (json, "\"predicate\": \"is_solo5\""));
  g_assert_nonnull (strstr (json, "\"types\": []"));
}

static void
test_escape (void)
{
  g_autofree char *e = ms_dot_escape ("a \"b\" \\c\nd\x01");

  g_assert_cmpstr (e, ==, "a \\\"b\\\" \\\\c\\nd ");
}

static void
test_document_branches (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autofree char *dot = ms_dot_from_document (doc);
  g_autofree char *hvt = NULL;
  const MsDevice *stack = ms_document_find_device (doc, "stack");
  g_autofree char *node = g_strdup_printf ("d%u [label=\"stack\\ngeneric_stackv4v6\\nIf target, net, dhcp\"", stack->id);

  g_assert_nonnull (strstr (dot, node));
  /* every branch is there; the one unix selects is bold */
  g_assert_nonnull (strstr (dot, "[label=\"socket\\nsocket_stackv4v6\", shape=\"box\", style=\"bold\"]"));
  g_assert_nonnull (strstr (dot, "[label=\"static\\ndirect_stackv4v6\", shape=\"box\", style=\"dashed\"]"));
  g_assert_nonnull (strstr (dot, "[label=\"1\"]"));
  assert_renders (dot);

  test_setting (doc, MS_SETTING_TARGET, "hvt");
  hvt = ms_dot_from_document (doc);
  g_assert_nonnull (strstr (hvt, "[label=\"static\\ndirect_stackv4v6\", shape=\"box\", style=\"bold\"]"));
}

static void
test_eval_format (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  g_autoptr(MsEvalGraph) g = ms_eval (doc, "unix");
  g_autofree char *dot = ms_dot_from_eval (g);
  MsEvalNode *root = ms_eval_graph_get_node (g, g->root);
  g_autofree char *root_line = g_strdup_printf ("%u [label=\"mirage_runtime__%u\\nMirage_runtime\\ntarget\", shape=\"box\"];",
                                                root->id, root->id);

  /* the shape of `mirage describe --dot --eval` */
  g_assert_true (g_str_has_prefix (dot, "digraph G {\n  ordering=out;\n"));
  g_assert_nonnull (strstr (dot, root_line));
  g_assert_nonnull (strstr (dot, "[style=\"dashed\"];"));
  g_assert_nonnull (strstr (dot, " [];\n"));
  assert_renders (dot);
}

static void
test_hostile_strings (void)
{
  g_autoptr(MsDocument) doc = net_doc ();
  const MsDevice *m = ms_document_find_device (doc, "unikernel");
  g_autoptr(MsCustom) c = ms_custom_copy (m->custom);
  g_autoptr(GError) error = NULL;
  g_autofree char *dot = NULL;
  g_autofree char *edot = NULL;
  g_autoptr(MsEvalGraph) g = NULL;

  g_free (c->module);
  c->module = g_strdup ("Evil\"];\n  x [label=\"pwned\\");
  g_assert_true (ms_document_set_custom (doc, m->id, c, &error));
  /* set refuses such a name; a hand-edited file can still hold one */
  ms_document_load_setting (doc, MS_SETTING_NAME, "a\"b");
  dot = ms_dot_from_document (doc);
  g_assert_null (strstr (dot, "x [label=\"pwned"));
  assert_renders (dot);
  g = ms_eval (doc, NULL);
  edot = ms_dot_from_eval (g);
  assert_renders (edot);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dot/escape", test_escape);
  g_test_add_func ("/dot/document-branches", test_document_branches);
  g_test_add_func ("/dot/document-choice", test_document_choice);
  g_test_add_func ("/dot/eval-format", test_eval_format);
  g_test_add_func ("/dot/hostile-strings", test_hostile_strings);
  return g_test_run ();
}
