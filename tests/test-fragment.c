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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fragment/round-trip", test_round_trip);
  g_test_add_func ("/fragment/partial-and-bad", test_partial_and_bad);
  return g_test_run ();
}
