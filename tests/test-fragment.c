/* test-fragment.c: copy/paste text of devices (graph/ms-fragment). */
#include "test-util.h"

#include <string.h>
#include <gio/gio.h>

#include "ms-fragment.h"

static void
test_round_trip (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *text = NULL;
  guint net, stack, main_, other, sel[3];
  const MsDevice *copy;
  guint undo_before;

  net = test_add (doc, "default_network", "net");
  stack = test_add (doc, "generic_stackv4v6", "stack");
  main_ = test_add_main (doc, "unikernel", "Unikernel.Main", "stackv4v6 @-> job");
  other = test_add (doc, "default_network", "other");
  test_set (doc, stack, "ipv4_network", "10.1.0.2/24");
  test_connect (doc, net, stack, "net");
  test_connect (doc, stack, main_, "1");
  g_assert_true (ms_document_move_device (doc, stack, 100, 48, &error));
  (void) other;

  sel[0] = net; sel[1] = stack; sel[2] = main_;
  text = ms_fragment_serialize (doc, sel, 3);
  g_assert_nonnull (text);
  g_assert_true (ms_fragment_is_fragment (text));
  g_assert_false (ms_fragment_is_fragment ("let x = 1"));

  undo_before = ms_document_get_n_devices (doc);
  ids = ms_fragment_paste (doc, text, 32, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, undo_before + 3);

  copy = ms_document_get_device (doc, g_array_index (ids, guint, 1));
  g_assert_cmpstr (copy->name, ==, "stack_2");
  g_assert_cmpstr (copy->ctor, ==, "generic_stackv4v6");
  g_assert_cmpstr (ms_device_get_option (copy, "ipv4_network"), ==, "10.1.0.2/24");
  g_assert_true (copy->placed);
  g_assert_cmpfloat (copy->x, ==, 132);
  g_assert_cmpfloat (copy->y, ==, 64);
  /* internal connections come along */
  g_assert_cmpuint (ms_document_get_source (doc, copy->id, "net"), ==, g_array_index (ids, guint, 0));
  g_assert_cmpuint (ms_document_get_source (doc, g_array_index (ids, guint, 2), "1"), ==, copy->id);
  copy = ms_document_get_device (doc, g_array_index (ids, guint, 2));
  g_assert_cmpstr (copy->custom->signature, ==, "stackv4v6 @-> job");

  /* one paste is one undo step */
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, undo_before);
}

static void
test_partial_and_bad (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *text = NULL;
  guint net, stack;

  net = test_add (doc, "default_network", "net");
  stack = test_add (doc, "generic_stackv4v6", "stack");
  test_connect (doc, net, stack, "net");
  /* the connection from outside the selection is not carried */
  text = ms_fragment_serialize (doc, &stack, 1);
  g_assert_null (strstr (text, "connect"));
  ids = ms_fragment_paste (doc, text, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_source (doc, g_array_index (ids, guint, 0), "net"), ==, 0);

  g_assert_null (ms_fragment_serialize (doc, NULL, 0));
  g_assert_null (ms_fragment_paste (doc, "hello", 0, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* an unknown constructor fails the whole paste and changes nothing */
  g_assert_null (ms_fragment_paste (doc, MS_FRAGMENT_MAGIC "\ndevice\t0\tdefault_network\ta\t0\t0\t0\n"
                                    "device\t1\tno_such_thing\tb\t0\t0\t0\n", 0, 0, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 3);
  g_assert_null (ms_document_find_device (doc, "a"));
}

static MsCustom *
custom_of (MsDocument *doc, guint id)
{
  return ms_custom_copy (ms_document_get_device (doc, id)->custom);
}

/* Issue 11's data is copied: connect code, local libraries, ~keys,
 * labelled arguments, a choice's condition and cases, and the types and
 * keys of the project's own the devices name; a paste into another
 * project declares those it lacks and keeps its own for the others. */
static void
test_custom_and_decls (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(MsDocument) other = ms_document_new (cat);
  g_autoptr(MsDocument) third = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL, ids3 = NULL;
  g_autofree char *text = NULL;
  g_autoptr(MsDecl) type = ms_decl_new (MS_DECL_TYPE, "hello");
  g_autoptr(MsDecl) key = ms_decl_new (MS_DECL_KEY, "fancy");
  g_autoptr(MsDecl) mine = ms_decl_new (MS_DECL_KEY, "fancy");
  guint impl = test_add (doc, "impl", "plain");
  guint ch = test_add (doc, "choice", "pick");
  guint m = test_add_main (doc, "unikernel", "Unikernel.Make", "hello @-> job");
  g_autoptr(MsCustom) ci = custom_of (doc, impl);
  g_autoptr(MsCustom) cc = custom_of (doc, ch);
  g_autoptr(MsCustom) cm = custom_of (doc, m);
  guint sel[3] = { impl, ch, m };
  const MsDevice *copy;
  const MsDecl *got;

  g_free (type->constructor);
  type->constructor = g_strdup ("Hello");
  g_assert_true (ms_document_set_decl (doc, type, &error));
  g_free (key->conv);
  key->conv = g_strdup ("bool");
  g_free (key->default_value);
  key->default_value = g_strdup ("false");
  g_ptr_array_add (key->flags, g_strdup ("fancy"));
  g_ptr_array_add (key->flags, g_strdup ("f"));
  g_free (key->doc);
  key->doc = g_strdup ("Say it\twith style");
  g_assert_true (ms_document_set_decl (doc, key, &error));
  g_assert_no_error (error);

  g_free (ci->module);
  ci->module = g_strdup ("Plain");
  g_free (ci->signature);
  ci->signature = g_strdup ("hello");
  ci->connect = g_strdup ("fun _ _ _ -> \"Plain.v ()\"");
  g_ptr_array_add (ci->keys, g_strdup ("fancy"));
  g_assert_true (ms_document_set_custom (doc, impl, ci, &error));
  g_ptr_array_add (cm->local_libs, g_strdup ("my_lib"));
  g_ptr_array_add (cm->labelled, ms_labelled_new ("dune", "fun _ -> [ \"(rule)\" ]"));
  g_assert_true (ms_document_set_custom (doc, m, cm, &error));
  ms_choice_free (cc->choice);
  cc->choice = ms_choice_new ("fancy", NULL);
  g_ptr_array_add (cc->choice->cases, g_strdup ("true"));
  g_ptr_array_add (cc->choice->cases, g_strdup ("false"));
  cc->choice->has_default = FALSE;
  g_free (cc->signature);
  cc->signature = g_strdup ("hello");
  g_assert_true (ms_document_set_custom (doc, ch, cc, &error));
  g_assert_no_error (error);
  test_connect (doc, impl, ch, "false");
  test_connect (doc, ch, m, "1");

  text = ms_fragment_serialize (doc, sel, 3);
  ids = ms_fragment_paste (other, text, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ids);

  got = ms_document_get_decl (other, MS_DECL_TYPE, "hello");
  g_assert_nonnull (got);
  g_assert_true (ms_decl_equal (got, type));
  got = ms_document_get_decl (other, MS_DECL_KEY, "fancy");
  g_assert_nonnull (got);
  g_assert_true (ms_decl_equal (got, key));
  copy = ms_document_get_device (other, g_array_index (ids, guint, 0));
  g_assert_true (ms_custom_equal (copy->custom, ms_document_get_device (doc, impl)->custom));
  copy = ms_document_get_device (other, g_array_index (ids, guint, 1));
  g_assert_true (ms_custom_equal (copy->custom, ms_document_get_device (doc, ch)->custom));
  g_assert_cmpuint (ms_document_get_source (other, copy->id, "false"), ==, g_array_index (ids, guint, 0));
  copy = ms_document_get_device (other, g_array_index (ids, guint, 2));
  g_assert_true (ms_custom_equal (copy->custom, ms_document_get_device (doc, m)->custom));
  g_assert_cmpuint (ms_document_get_source (other, copy->id, "1"), ==, g_array_index (ids, guint, 1));
  /* the paste, declarations included, is one undo step */
  g_assert_true (ms_document_undo (other, &error));
  g_assert_null (ms_document_get_decl (other, MS_DECL_KEY, "fancy"));
  g_assert_null (ms_document_get_decl (other, MS_DECL_TYPE, "hello"));
  g_assert_cmpuint (ms_document_get_n_devices (other), ==, 0);

  /* a project that has its own key of that name keeps it */
  g_free (mine->conv);
  mine->conv = g_strdup ("string");
  g_assert_true (ms_document_set_decl (third, mine, &error));
  ids3 = ms_fragment_paste (third, text, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ms_decl_equal (ms_document_get_decl (third, MS_DECL_KEY, "fancy"), mine));
  g_assert_nonnull (ms_document_get_decl (third, MS_DECL_TYPE, "hello"));

  /* a bad declaration line is refused with its line */
  g_assert_null (ms_fragment_paste (third, MS_FRAGMENT_MAGIC "\ndecl\tthing\tx\n", 0, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 2"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fragment/round-trip", test_round_trip);
  g_test_add_func ("/fragment/partial-and-bad", test_partial_and_bad);
  g_test_add_func ("/fragment/custom-and-decls", test_custom_and_decls);
  return g_test_run ();
}
