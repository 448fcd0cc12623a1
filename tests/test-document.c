/* test-document.c: the document's one command path, undo/redo and notifications. */
#include "test-util.h"

typedef struct {
  guint changed;
  guint edits;
  char *last_label;
} Counter;

static void
on_changed (MsDocument *doc, MsChangeSet *cs, Counter *c)
{
  c->changed++;
  c->edits += cs->edits->len;
  g_free (c->last_label);
  c->last_label = g_strdup (cs->label);
}

static MsDocument *
new_doc (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();

  return ms_document_new (cat);
}

static void
test_add_remove (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  Counter c = { 0 };
  guint net, stack;

  g_signal_connect (doc, "changed", G_CALLBACK (on_changed), &c);
  net = test_add (doc, "default_network", "net");
  stack = test_add (doc, "generic_stackv4v6", NULL);
  g_assert_cmpuint (c.changed, ==, 2);
  /* type names are Mirage values in config.ml, so the default name avoids them */
  g_assert_cmpstr (c.last_label, ==, "Add stackv4v6_1");
  g_assert_cmpstr (ms_document_get_device (doc, stack)->name, ==, "stackv4v6_1");
  test_connect (doc, net, stack, "net");
  g_assert_cmpuint (ms_document_get_source (doc, stack, "net"), ==, net);
  g_assert_cmpuint (ms_document_get_connections (doc)->len, ==, 1);

  /* removing a device takes its connections with it, in one step */
  g_assert_true (ms_document_remove_device (doc, net, &error));
  g_assert_no_error (error);
  g_assert_null (ms_document_get_device (doc, net));
  g_assert_cmpuint (ms_document_get_connections (doc)->len, ==, 0);
  g_assert_cmpstr (ms_document_get_undo_label (doc), ==, "Remove net");
  /* and undo brings both back */
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_nonnull (ms_document_get_device (doc, net));
  g_assert_cmpuint (ms_document_get_source (doc, stack, "net"), ==, net);
  g_assert_true (ms_document_redo (doc, &error));
  g_assert_null (ms_document_get_device (doc, net));
  g_free (c.last_label);
}

static void
test_names (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint a = test_add (doc, "crunch", "data");

  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "data", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_DUPLICATE_NAME);
  g_clear_error (&error);
  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "Data", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "let", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "__POS__", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  /* a device may not hide Mirage's own values in config.ml */
  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "kv_ro", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_cmpuint (ms_document_add_device (doc, "crunch", "register", &error), ==, 0);
  g_clear_error (&error);
  g_assert_cmpuint (ms_document_add_device (doc, "crunchy", "x", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR);
  g_clear_error (&error);

  g_assert_true (ms_document_rename_device (doc, a, "htdocs", &error));
  g_assert_nonnull (ms_document_find_device (doc, "htdocs"));
  g_assert_null (ms_document_find_device (doc, "data"));
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_nonnull (ms_document_find_device (doc, "data"));
  /* suggested names never collide */
  {
    g_autofree char *s1 = ms_document_suggest_name (doc, "data");
    g_assert_cmpstr (s1, ==, "data_2");
  }
}

static void
test_options (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint kv = test_add (doc, "generic_kv_ro", "data");

  test_set (doc, kv, "dir", "htdocs");
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (doc, kv), "dir"), ==, "htdocs");
  g_assert_false (ms_document_set_option (doc, kv, "directory", "x", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_OPTION);
  g_assert_nonnull (strstr (error->message, "dir"));
  g_clear_error (&error);
  /* empty unsets */
  test_set (doc, kv, "dir", "");
  g_assert_null (ms_device_get_option (ms_document_get_device (doc, kv), "dir"));
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (doc, kv), "dir"), ==, "htdocs");
}

static void
test_positions (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint d = test_add (doc, "noop", "nothing");
  const MsDevice *dev = ms_document_get_device (doc, d);

  g_assert_false (dev->placed);
  g_assert_true (ms_document_move_device (doc, d, 12.5, -4, &error));
  g_assert_true (dev->placed);
  g_assert_cmpfloat (dev->x, ==, 12.5);
  g_assert_cmpfloat (dev->y, ==, -4);
  g_assert_true (ms_document_undo (doc, &error));
  dev = ms_document_get_device (doc, d);
  g_assert_false (dev->placed);
}

static void
test_custom_and_jobs (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint m = test_add_main (doc, "unikernel", "Unikernel.Main", "kv_ro @-> job");
  guint kv = test_add (doc, "crunch", "data");
  guint other = test_add (doc, "noop", "other");
  g_autoptr(MsCustom) c = ms_custom_copy (ms_document_get_device (doc, m)->custom);
  g_autoptr(GArray) jobs = NULL;

  test_connect (doc, kv, m, "1");
  /* positions beyond the signature are refused */
  g_assert_false (ms_document_connect (doc, kv, m, "2", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER);
  g_clear_error (&error);
  g_array_append_val (c->deps, other);
  g_ptr_array_add (c->runtime_args, ms_arg_decl_new ("hello", "string", "Hello", "What to say"));
  g_assert_true (ms_document_set_custom (doc, m, c, &error));
  test_jobs (doc, m);
  jobs = ms_document_get_jobs (doc);
  g_assert_cmpuint (jobs->len, ==, 1);
  /* removing a dependency updates the dep list; removing a job the job list */
  g_assert_true (ms_document_remove_device (doc, other, &error));
  g_assert_cmpuint (ms_document_get_device (doc, m)->custom->deps->len, ==, 0);
  g_assert_true (ms_document_remove_device (doc, m, &error));
  g_assert_null (ms_document_get_setting (doc, MS_SETTING_JOBS));
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_cmpstr (ms_document_get_setting (doc, MS_SETTING_JOBS), ==, "1");
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_cmpuint (ms_document_get_device (doc, m)->custom->deps->len, ==, 1);
  g_assert_cmpuint (ms_document_get_device (doc, m)->custom->runtime_args->len, ==, 1);
}

static void
test_settings (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (ms_document_get_target (doc), ==, "unix");
  test_setting (doc, MS_SETTING_TARGET, "hvt");
  test_setting (doc, "key:kv_ro", "direct");
  test_setting (doc, "arg:port", "80");
  g_assert_cmpstr (ms_document_get_target (doc), ==, "hvt");
  g_assert_false (ms_document_set_setting (doc, "colour", "red", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) names = ms_document_list_settings (doc);
    g_assert_cmpuint (names->len, ==, 3);
    g_assert_cmpstr (names->pdata[0], ==, "arg:port");
  }
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_null (ms_document_get_setting (doc, "arg:port"));
}

static void
test_group (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint a;

  ms_document_begin_group (doc, "Build the stack");
  a = test_add (doc, "default_network", "net");
  test_add (doc, "generic_stackv4v6", "stack");
  test_connect (doc, a, ms_document_find_device (doc, "stack")->id, "net");
  g_assert_true (ms_document_end_group (doc, &error));
  g_assert_cmpstr (ms_document_get_undo_label (doc), ==, "Build the stack");
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 0);
  g_assert_false (ms_document_can_undo (doc));
  g_assert_true (ms_document_can_redo (doc));

  /* a failing step abandons the whole group */
  ms_document_begin_group (doc, "Half done");
  test_add (doc, "noop", "first");
  g_assert_cmpuint (ms_document_add_device (doc, "noop", "first", &error), ==, 0);
  g_clear_error (&error);
  g_assert_false (ms_document_end_group (doc, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 0);
}

static void
on_notify (GObject *obj, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(MsDocument) doc = new_doc ();
  g_autoptr(GError) error = NULL;
  guint count = 0;
  gboolean can_undo;

  g_signal_connect (doc, "notify::can-undo", G_CALLBACK (on_notify), &count);
  test_add (doc, "noop", "n");
  g_assert_cmpuint (count, ==, 1);
  g_object_get (doc, "can-undo", &can_undo, NULL);
  g_assert_true (can_undo);
  g_assert_true (ms_document_undo (doc, &error));
  g_object_get (doc, "can-undo", &can_undo, NULL);
  g_assert_false (can_undo);
  g_assert_false (ms_document_undo (doc, &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO);
}

/* Forgetting the history keeps the document as it is and tells listeners
 * that there is nothing to undo or redo any more. */
static void
on_notify_count (GObject *obj, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_clear_history (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  test_add (doc, "block_of_file", "a");
  test_add (doc, "block_of_file", "b");
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_true (ms_document_can_undo (doc));
  g_assert_true (ms_document_can_redo (doc));
  g_signal_connect (doc, "notify::can-undo", G_CALLBACK (on_notify_count), &notified);
  ms_document_clear_history (doc);
  g_assert_false (ms_document_can_undo (doc));
  g_assert_false (ms_document_can_redo (doc));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_nonnull (ms_document_find_device (doc, "a"));
  g_assert_null (ms_document_find_device (doc, "b"));
  g_assert_false (ms_document_undo (doc, &error));
  g_clear_error (&error);
  /* history starts again with the next change */
  test_add (doc, "ramdisk", "c");
  g_assert_true (ms_document_can_undo (doc));
}

/* A choice added from the palette is of type job, which hides its
 * output: the first device connected to a branch gives it its type, in
 * the connection's undo step; later connections and a type set by the
 * user are left alone. */
static void
test_choice_takes_first_type (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsDocument) doc = ms_document_new (cat);
  g_autoptr(GError) error = NULL;
  guint ch = test_add (doc, "choice", "pick");
  guint kv = test_add (doc, "generic_kv_ro", "data");
  guint other = test_add (doc, "generic_kv_ro", "other");
  guint ch2 = test_add (doc, "choice", "typed");
  g_autoptr(MsCustom) c2 = ms_custom_copy (ms_document_get_device (doc, ch2)->custom);

  g_assert_cmpstr (ms_document_get_device (doc, ch)->custom->signature, ==, "job");
  test_connect (doc, kv, ch, MS_CHOICE_DEFAULT);
  g_assert_cmpstr (ms_document_get_device (doc, ch)->custom->signature, ==, "kv_ro");
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_device (doc, ch)->custom->signature, ==, "job");
  g_assert_cmpuint (ms_document_get_source (doc, ch, MS_CHOICE_DEFAULT), ==, 0);
  g_assert_true (ms_document_redo (doc, &error));
  g_assert_cmpstr (ms_document_get_device (doc, ch)->custom->signature, ==, "kv_ro");
  g_assert_cmpuint (ms_document_get_source (doc, ch, MS_CHOICE_DEFAULT), ==, kv);

  /* the user's type stays */
  g_free (c2->signature);
  c2->signature = g_strdup ("block");
  g_assert_true (ms_document_set_custom (doc, ch2, c2, &error));
  test_connect (doc, other, ch2, MS_CHOICE_DEFAULT);
  g_assert_cmpstr (ms_document_get_device (doc, ch2)->custom->signature, ==, "block");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/add-remove", test_add_remove);
  g_test_add_func ("/document/names", test_names);
  g_test_add_func ("/document/options", test_options);
  g_test_add_func ("/document/positions", test_positions);
  g_test_add_func ("/document/custom-and-jobs", test_custom_and_jobs);
  g_test_add_func ("/document/settings", test_settings);
  g_test_add_func ("/document/group", test_group);
  g_test_add_func ("/document/notify", test_notify);
  g_test_add_func ("/document/clear-history", test_clear_history);
  g_test_add_func ("/document/choice-takes-first-type", test_choice_takes_first_type);
  return g_test_run ();
}
