/* test-store.c: what users rely on from project files (ms-store).
 *
 * Everything put in a project comes back when it is reopened; every kind
 * of change is in the file as soon as the call returns (checked through a
 * second, independent handle); two documents on one file see each other's
 * changes and lose none; save-as makes a complete copy; files that are
 * not projects, damaged, or from a newer version are refused with the
 * right error and left exactly as they were (by both ways of opening);
 * older files are upgraded; read-only opening writes nothing.
 * /store/perf prints the open and per-edit times on 10,000 devices.
 */
#include "ms-store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

/* ---- fixtures ------------------------------------------------------------- */

static MsCatalog *
catalog (void)
{
  static MsCatalog *cat;

  if (cat == NULL)
    {
      g_autoptr(GError) error = NULL;

      cat = ms_catalog_get_default ("4.10", &error);
      g_assert_no_error (error);
    }
  return cat;
}

/* A scratch directory removed (with what is in it) when the test ends. */
typedef struct {
  char *path;
} TestDir;

static void
test_dir_free (TestDir *d)
{
  g_autoptr(GDir) dir = g_dir_open (d->path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (d->path, name, NULL);
      g_unlink (p);
    }
  g_rmdir (d->path);
  g_free (d->path);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDir, test_dir_free)

static TestDir *
test_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  TestDir *d = g_new0 (TestDir, 1);

  d->path = g_dir_make_tmp ("mstudio-store-XXXXXX", &error);
  g_assert_no_error (error);
  return d;
}

static char *
test_dir_file (TestDir *d, const char *name)
{
  return g_build_filename (d->path, name, NULL);
}

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Everything a document holds, as text, in a fixed order. */
static char *
dump (MsDocument *doc)
{
  GString *s = g_string_new (NULL);
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *connections = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = g_ptr_array_index (devices, i);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer key;

      g_string_append_printf (s, "device %u %s %s placed=%d x=%g y=%g\n",
                              d->id, d->name, d->ctor, d->placed, d->x, d->y);
      g_hash_table_iter_init (&iter, d->options);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (keys, key);
      g_ptr_array_sort (keys, compare_str);
      for (guint k = 0; k < keys->len; k++)
        g_string_append_printf (s, "  option %s=%s\n", (char *) keys->pdata[k],
                                ms_device_get_option (d, keys->pdata[k]));
      if (d->custom != NULL)
        {
          g_string_append_printf (s, "  custom %s : %s\n", d->custom->module, d->custom->signature);
          for (guint k = 0; k < d->custom->packages->len; k++)
            {
              g_autofree char *p = ms_package_to_string (d->custom->packages->pdata[k]);
              g_string_append_printf (s, "  package %s\n", p);
            }
          for (guint k = 0; k < d->custom->runtime_args->len; k++)
            {
              const MsArgDecl *a = d->custom->runtime_args->pdata[k];
              g_string_append_printf (s, "  arg %s %s [%s] [%s]\n", a->name, a->type,
                                      a->default_value, a->doc);
            }
          for (guint k = 0; k < d->custom->deps->len; k++)
            g_string_append_printf (s, "  dep %u\n", g_array_index (d->custom->deps, guint, k));
          if (d->custom->connect != NULL)
            g_string_append_printf (s, "  connect [%s]\n", d->custom->connect);
          for (guint k = 0; k < d->custom->local_libs->len; k++)
            g_string_append_printf (s, "  lib %s\n", (char *) d->custom->local_libs->pdata[k]);
          for (guint k = 0; k < d->custom->keys->len; k++)
            g_string_append_printf (s, "  key %s\n", (char *) d->custom->keys->pdata[k]);
          for (guint k = 0; k < d->custom->labelled->len; k++)
            {
              const MsLabelled *l = d->custom->labelled->pdata[k];
              g_string_append_printf (s, "  labelled ~%s:[%s]\n", l->label, l->code);
            }
          if (d->custom->choice != NULL)
            {
              const MsChoice *c = d->custom->choice;
              g_string_append_printf (s, "  choice %s %s default=%d\n", c->key,
                                      c->predicate ? c->predicate : "-", c->has_default);
              for (guint k = 0; k < c->cases->len; k++)
                g_string_append_printf (s, "  case %s\n", (char *) c->cases->pdata[k]);
            }
        }
    }
  for (int kind = MS_DECL_TYPE; kind <= MS_DECL_KEY; kind++)
    {
      g_autoptr(GPtrArray) decls = ms_document_get_decls (doc, kind);
      for (guint i = 0; i < decls->len; i++)
        {
          const MsDecl *d = decls->pdata[i];
          g_string_append_printf (s, "decl %s %s [%s] [%s] [%s] [%s] [%s] [%s] [%s] [%s]",
                                  ms_decl_kind_to_string (d->kind), d->name, d->constructor,
                                  d->binding, d->arg_kind, d->conv, d->default_value, d->group,
                                  d->doc, d->docv);
          for (guint k = 0; k < d->flags->len; k++)
            g_string_append_printf (s, " flag=%s", (char *) d->flags->pdata[k]);
          g_string_append_c (s, '\n');
        }
    }
  for (guint i = 0; i < connections->len; i++)
    {
      const MsConnection *c = g_ptr_array_index (connections, i);
      g_string_append_printf (s, "connection %u.%s <- %u\n", c->target, c->param, c->source);
    }
  for (guint i = 0; i < settings->len; i++)
    g_string_append_printf (s, "setting %s=%s\n", (char *) settings->pdata[i],
                            ms_document_get_setting (doc, settings->pdata[i]));
  return g_string_free (s, FALSE);
}

/* What a fresh, independent handle reads from the file. */
static char *
dump_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = ms_store_open (path, catalog (), &error);

  g_assert_no_error (error);
  return dump (doc);
}

static void
assert_file_matches (MsDocument *doc)
{
  g_autofree char *mine = dump (doc);
  g_autofree char *theirs = dump_file (ms_store_get_path (doc));

  g_assert_cmpstr (mine, ==, theirs);
}

/* Size, content, mtime of a file and whether -wal/-shm/-journal exist:
 * everything that would show it was touched. */
static char *
file_state (const char *path)
{
  g_autofree char *contents = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  gsize len = 0;
  struct stat st;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpint (stat (path, &st), ==, 0);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " %s %ld.%09ld wal=%d shm=%d journal=%d", len, sum,
                          (long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec,
                          g_file_test (wal, G_FILE_TEST_EXISTS),
                          g_file_test (shm, G_FILE_TEST_EXISTS),
                          g_file_test (journal, G_FILE_TEST_EXISTS));
}

/* Runs SQL on a file directly, as another program (or an older Mirage
 * Studio) would. */
static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static char *
raw_query (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return result;
}

static void
assert_query (const char *path, const char *sql, const char *expected)
{
  g_autofree char *got = raw_query (path, sql);

  g_assert_cmpstr (got, ==, expected);
}

static MsDocument *
create (TestDir *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_dir_file (dir, name);
  MsDocument *doc = ms_store_create (path, catalog (), "demo", &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static guint
add (MsDocument *doc, const char *ctor, const char *name)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (id, >, 0);
  return id;
}

/* Calls fn (args..., &error), asserting success. */
#define OK(fn, ...) G_STMT_START {                      \
    g_autoptr(GError) ok_error = NULL;                  \
    gboolean ok_result = fn (__VA_ARGS__, &ok_error);   \
    g_assert_no_error (ok_error);                       \
    g_assert_true (ok_result);                          \
  } G_STMT_END

/* Ids of the devices in a populated project. */
typedef struct {
  guint noop, net, stack, data, app;
} Ids;

/* Puts one of every kind of content in doc. */
static Ids
populate (MsDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) custom = NULL;
  Ids ids;

  ids.noop = add (doc, "noop", "tick");
  ids.net = add (doc, "default_network", "net");
  ids.stack = add (doc, "generic_stackv4v6", "stack");
  ids.data = add (doc, "generic_kv_ro", "data");
  ids.app = add (doc, "main", "app");

  g_assert_true (ms_document_set_option (doc, ids.stack, "ipv4_network", "10.0.0.2/24", &error));
  g_assert_true (ms_document_set_option (doc, ids.stack, "group", "service", &error));
  g_assert_true (ms_document_set_option (doc, ids.data, "dir", "htdocs with spaces/ünï", &error));
  g_assert_true (ms_document_move_device (doc, ids.net, 10.5, -20.25, &error));
  g_assert_true (ms_document_move_device (doc, ids.stack, 200, 40, &error));
  g_assert_true (ms_document_move_device (doc, ids.app, 1e6, 0.1, &error));

  custom = ms_custom_new ("Unikernel.Make", "stackv4v6 -> kv_ro -> job");
  g_ptr_array_add (custom->packages, ms_package_parse ("mirage-kv >= 6.0.0 < 7.0.0", &error));
  g_ptr_array_add (custom->packages, ms_package_parse ("dns-client {build}", &error));
  g_assert_no_error (error);
  g_ptr_array_add (custom->runtime_args, ms_arg_decl_new ("port", "port", "8080", "Listening port."));
  g_ptr_array_add (custom->runtime_args, ms_arg_decl_new ("motd", "string", "", "It's \"quoted\"."));
  g_array_append_val (custom->deps, ids.noop);
  g_assert_true (ms_document_set_custom (doc, ids.app, custom, &error));
  g_assert_no_error (error);

  g_assert_true (ms_document_connect (doc, ids.net, ids.stack, "net", &error));
  g_assert_true (ms_document_connect (doc, ids.stack, ids.app, "1", &error));
  g_assert_true (ms_document_connect (doc, ids.data, ids.app, "2", &error));
  g_assert_true (ms_document_set_setting (doc, MS_SETTING_TARGET, "hvt", &error));
  g_assert_true (ms_document_set_setting (doc, "key:kv_ro", "crunch", &error));
  g_assert_true (ms_document_set_setting (doc, "arg:port", "", &error));
  g_assert_true (ms_document_set_jobs (doc, (guint[]) { ids.app, ids.noop }, 2, &error));
  g_assert_no_error (error);
  return ids;
}

/* ---- round trip and persistence ------------------------------------------- */

static void
test_roundtrip (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "demo.mstudio");
  g_autofree char *path = g_strdup (ms_store_get_path (doc));
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *created_with = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) again = NULL;

  g_assert_cmpstr (ms_document_get_app_name (doc), ==, "demo");
  g_assert_false (ms_document_can_undo (doc));   /* the name is not an undoable step */
  populate (doc);
  before = dump (doc);
  g_clear_object (&doc);

  /* closed cleanly: the file stands alone */
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
  again = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  after = dump (again);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (ms_document_get_n_devices (again), ==, 5);
  g_assert_cmpstr (ms_document_get_setting (again, "arg:port"), ==, "");
  g_assert_cmpstr (ms_store_get_path (again), ==, path);
  g_assert_cmpint (ms_store_get_schema_version (), ==, 4);

  g_clear_object (&again);
  assert_query (path, "PRAGMA user_version", "4");
  created_with = raw_query (path, "SELECT value FROM meta WHERE key = 'created_with'");
  g_assert_true (g_str_has_prefix (created_with, "Mirage Studio "));
  assert_query (path, "PRAGMA application_id", "1297306709");
  assert_query (path, "PRAGMA journal_mode", "wal");
}

/* Paths reach SQLite as URIs in places: characters that mean something
 * there must still name the file. */
static void
test_odd_path (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "my project #1 ?x=%41 été.mstudio");
  g_autofree char *path = g_strdup (ms_store_get_path (doc));
  g_autofree char *before = NULL, *after = NULL;

  populate (doc);
  before = dump (doc);
  g_clear_object (&doc);
  after = dump_file (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_read_only (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "ro.mstudio");
  g_autofree char *path = g_strdup (ms_store_get_path (doc));
  g_autofree char *expected = NULL, *seen = NULL, *state = NULL, *state2 = NULL;
  g_autoptr(MsDocument) ro = NULL;
  g_autoptr(GError) error = NULL;

  populate (doc);
  /* while the project is open elsewhere, committed changes are seen */
  expected = dump (doc);
  ro = ms_store_open_read_only (path, catalog (), &error);
  g_assert_no_error (error);
  seen = dump (ro);
  g_assert_cmpstr (expected, ==, seen);
  g_assert_null (ms_store_get_path (ro));
  g_clear_object (&ro);
  g_clear_object (&doc);

  /* and a closed project is not touched at all */
  state = file_state (path);
  ro = ms_store_open_read_only (path, catalog (), &error);
  g_assert_no_error (error);
  add (ro, "noop", "in_memory_only");
  g_clear_object (&ro);
  state2 = file_state (path);
  g_assert_cmpstr (state, ==, state2);
  g_free (seen);
  seen = dump_file (path);
  g_assert_cmpstr (expected, ==, seen);
}

static void
test_unattached (void)
{
  g_autoptr(MsDocument) doc = ms_document_new (catalog ());

  g_assert_null (ms_store_get_path (doc));
}

/* Every kind of mutation, undo and redo: after each call a second handle
 * opened on the file reads exactly the document. */
static void
test_mutations (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "m.mstudio");
  g_autoptr(MsCustom) custom = NULL;
  g_autoptr(GError) error = NULL;
  Ids ids = populate (doc);
  guint extra;

  assert_file_matches (doc);

  OK (ms_document_rename_device, doc, ids.stack, "stack_a");
  assert_file_matches (doc);
  OK (ms_document_set_option, doc, ids.stack, "group", "other");   /* replace */
  assert_file_matches (doc);
  OK (ms_document_set_option, doc, ids.stack, "group", NULL);      /* unset */
  assert_file_matches (doc);
  OK (ms_document_move_device, doc, ids.data, -5, 7);
  assert_file_matches (doc);
  OK (ms_document_unplace_device, doc, ids.net);
  assert_file_matches (doc);
  OK (ms_document_disconnect, doc, ids.app, "2");
  assert_file_matches (doc);
  OK (ms_document_connect, doc, ids.data, ids.app, "2");
  assert_file_matches (doc);
  OK (ms_document_set_setting, doc, MS_SETTING_TARGET, NULL);
  assert_file_matches (doc);

  custom = ms_custom_copy (ms_document_get_device (doc, ids.app)->custom);
  g_ptr_array_remove_index (custom->packages, 0);
  g_ptr_array_add (custom->runtime_args, ms_arg_decl_new ("extra", "int", "3", "More."));
  g_free (custom->signature);
  custom->signature = g_strdup ("stackv4v6 -> kv_ro -> network -> job");
  OK (ms_document_set_custom, doc, ids.app, custom);
  assert_file_matches (doc);

  extra = add (doc, "noop", "extra");
  assert_file_matches (doc);
  /* removing a device takes its connections, deps and job entry along */
  OK (ms_document_remove_device, doc, ids.noop);
  assert_file_matches (doc);
  OK (ms_document_remove_device, doc, ids.stack);
  assert_file_matches (doc);
  OK (ms_document_remove_device, doc, extra);
  assert_file_matches (doc);

  /* undo everything, one step at a time, then redo everything */
  while (ms_document_can_undo (doc))
    {
      OK (ms_document_undo, doc);
      assert_file_matches (doc);
    }
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 0);
  while (ms_document_can_redo (doc))
    {
      OK (ms_document_redo, doc);
      assert_file_matches (doc);
    }
  g_assert_nonnull (ms_document_get_device (doc, ids.app));
  g_assert_null (ms_document_get_device (doc, ids.noop));

  /* a group is one transaction, and fails as a whole */
  ms_document_begin_group (doc, "Two at once");
  add (doc, "noop", "g1");
  add (doc, "noop", "g2");
  OK (ms_document_end_group, doc);
  assert_file_matches (doc);
  ms_document_begin_group (doc, "Fails");
  add (doc, "noop", "g3");
  g_assert_cmpuint (ms_document_add_device (doc, "noop", "g1", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_DUPLICATE_NAME);
  g_clear_error (&error);
  g_assert_false (ms_document_end_group (doc, &error));
  g_clear_error (&error);
  g_assert_null (ms_document_find_device (doc, "g3"));
  assert_file_matches (doc);
}

static void
count_reloads (MsDocument *doc, gpointer data)
{
  (*(int *) data)++;
}

/* Two documents on one file in one process: each sees the other's work
 * at its next edit; nothing is lost, ids never collide. */
static void
test_two_documents (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) a = create (dir, "shared.mstudio");
  g_autoptr(MsDocument) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *da = NULL, *db = NULL, *fresh = NULL;
  int reloads_a = 0, reloads_b = 0;
  guint ia, ib;

  b = ms_store_open (ms_store_get_path (a), catalog (), &error);
  g_assert_no_error (error);
  g_signal_connect (a, "reloaded", G_CALLBACK (count_reloads), &reloads_a);
  g_signal_connect (b, "reloaded", G_CALLBACK (count_reloads), &reloads_b);

  ia = add (a, "noop", "from_a");
  g_assert_null (ms_document_find_device (b, "from_a"));   /* not yet looked */
  ib = add (b, "noop", "from_b");                           /* reloads first */
  g_assert_cmpint (reloads_b, ==, 1);
  g_assert_cmpuint (ia, !=, ib);
  g_assert_nonnull (ms_document_find_device (b, "from_a"));

  /* b's own commit does not make b reload again */
  add (b, "noop", "from_b2");
  g_assert_cmpint (reloads_b, ==, 1);

  /* a name taken by the other document is refused on fresh state */
  g_assert_cmpuint (ms_document_add_device (a, "noop", "from_b", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_DUPLICATE_NAME);
  g_clear_error (&error);
  g_assert_cmpint (reloads_a, ==, 1);
  OK (ms_document_rename_device, a, ib, "renamed_by_a");

  OK (ms_store_refresh, b);
  g_assert_cmpint (reloads_b, ==, 2);
  OK (ms_store_refresh, b);   /* nothing new: no reload */
  g_assert_cmpint (reloads_b, ==, 2);

  da = dump (a);
  db = dump (b);
  fresh = dump_file (ms_store_get_path (a));
  g_assert_cmpstr (da, ==, db);
  g_assert_cmpstr (da, ==, fresh);
  g_assert_cmpuint (ms_document_get_n_devices (a), ==, 3);
  g_assert_nonnull (ms_document_find_device (a, "renamed_by_a"));
  g_clear_object (&b);
  g_clear_object (&a);
}

typedef struct {
  char *path;
  GMutex lock;
  GCond cond;
  gboolean locked;
} Holder;

/* Another program holds the write lock for a while, writing a setting. */
static gpointer
hold_write_lock (gpointer data)
{
  Holder *h = data;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (h->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE;"
                                 "INSERT INTO setting (name, value) VALUES ('key:held', 'yes')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_mutex_lock (&h->lock);
  h->locked = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->lock);
  g_usleep (300 * 1000);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return NULL;
}

static void
test_waits_for_writer (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "busy.mstudio");
  Holder h = { g_strdup (ms_store_get_path (doc)) };
  GThread *thread;
  gint64 start;

  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  thread = g_thread_new ("holder", hold_write_lock, &h);
  g_mutex_lock (&h.lock);
  while (!h.locked)
    g_cond_wait (&h.cond, &h.lock);
  g_mutex_unlock (&h.lock);

  start = g_get_monotonic_time ();
  add (doc, "noop", "after_wait");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  g_thread_join (thread);
  /* the edit was made on top of the other writer's change */
  g_assert_cmpstr (ms_document_get_setting (doc, "key:held"), ==, "yes");
  assert_file_matches (doc);
  g_free (h.path);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.cond);
}

static void
test_save_as (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "orig.mstudio");
  g_autoptr(MsDocument) loose = ms_document_new (catalog ());
  g_autofree char *copy = test_dir_file (dir, "copy.mstudio");
  g_autofree char *orig = g_strdup (ms_store_get_path (doc));
  g_autofree char *before = NULL, *copied = NULL, *copied_again = NULL;
  g_autofree char *loose_path = test_dir_file (dir, "loose.mstudio");
  g_autofree char *loose_dump = NULL, *loose_file = NULL;
  g_autoptr(GError) error = NULL;

  populate (doc);
  before = dump (doc);
  OK (ms_store_save_as, doc, copy);
  copied = dump_file (copy);
  g_assert_cmpstr (before, ==, copied);

  /* still attached to the original: later edits go there, not to the copy */
  g_assert_cmpstr (ms_store_get_path (doc), ==, orig);
  add (doc, "noop", "later");
  assert_file_matches (doc);
  copied_again = dump_file (copy);
  g_assert_cmpstr (copied, ==, copied_again);

  /* replacing an earlier copy */
  OK (ms_store_save_as, doc, copy);
  g_free (copied_again);
  copied_again = dump_file (copy);
  g_free (before);
  before = dump (doc);
  g_assert_cmpstr (before, ==, copied_again);

  /* not onto its own file */
  g_assert_false (ms_store_save_as (doc, orig, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* not onto a project open right now */
  {
    g_autoptr(MsDocument) other = ms_store_open (copy, catalog (), &error);
    g_assert_no_error (error);
    g_assert_false (ms_store_save_as (doc, copy, &error));
    g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_BUSY);
    g_assert_nonnull (strstr (error->message, copy));
    g_clear_error (&error);
  }

  /* a document that was never in a file is written as it is */
  add (loose, "noop", "n1");
  add (loose, "main", "m");
  OK (ms_document_set_setting, loose, MS_SETTING_NAME, "loose");
  OK (ms_store_save_as, loose, loose_path);
  g_assert_null (ms_store_get_path (loose));
  loose_dump = dump (loose);
  loose_file = dump_file (loose_path);
  g_assert_cmpstr (loose_dump, ==, loose_file);
}

/* Save As in the studio: the document goes on in the copy with its undo
 * history; undoing an edit made before Save As changes the copy only. */
static void
test_save_as_and_switch (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autoptr(MsDocument) doc = create (dir, "first.mstudio");
  g_autofree char *copy = test_dir_file (dir, "second.mstudio");
  g_autofree char *orig = g_strdup (ms_store_get_path (doc));
  g_autofree char *orig_before = NULL, *orig_after = NULL;
  g_autoptr(GError) error = NULL;
  int reloads = 0;

  g_signal_connect (doc, "reloaded", G_CALLBACK (count_reloads), &reloads);
  add (doc, "noop", "one");
  add (doc, "noop", "two");
  orig_before = dump_file (orig);
  OK (ms_store_save_as_and_switch, doc, copy);
  g_assert_cmpstr (ms_store_get_path (doc), ==, copy);
  g_assert_cmpint (reloads, ==, 0);
  g_assert_true (ms_document_can_undo (doc));
  assert_file_matches (doc);

  /* undo of an edit made before Save As: in memory and in the copy */
  OK (ms_document_undo, doc);
  g_assert_null (ms_document_find_device (doc, "two"));
  assert_file_matches (doc);
  /* and redo, and new edits, too */
  OK (ms_document_redo, doc);
  add (doc, "noop", "three");
  assert_file_matches (doc);
  /* the original is as it was at Save As */
  orig_after = dump_file (orig);
  g_assert_cmpstr (orig_before, ==, orig_after);

  /* a failed Save As leaves the document on its file */
  g_assert_false (ms_store_save_as_and_switch (doc, "/proc/nope/x.mstudio", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpstr (ms_store_get_path (doc), ==, copy);
  add (doc, "noop", "four");
  assert_file_matches (doc);

  /* another program's change just before is in the copy and in memory */
  {
    g_autoptr(MsDocument) other = ms_store_open (copy, catalog (), &error);
    g_autofree char *third = test_dir_file (dir, "third.mstudio");
    g_assert_no_error (error);
    add (other, "noop", "theirs");
    g_clear_object (&other);
    OK (ms_store_save_as_and_switch, doc, third);
    g_assert_nonnull (ms_document_find_device (doc, "theirs"));
    g_assert_cmpstr (ms_store_get_path (doc), ==, third);
    assert_file_matches (doc);
  }
}

static void
test_create_and_missing (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "there.mstudio");
  g_autofree char *missing = test_dir_file (dir, "missing.mstudio");
  g_autofree char *nodir = test_dir_file (dir, "no/such/dir.mstudio");
  g_autofree char *state = NULL, *state2 = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
  state = file_state (path);
  g_assert_null (ms_store_create (path, catalog (), "x", &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  state2 = file_state (path);
  g_assert_cmpstr (state, ==, state2);

  g_assert_null (ms_store_open (missing, catalog (), &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  g_assert_null (ms_store_create (nodir, catalog (), "x", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_null (ms_store_open (dir->path, catalog (), &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_A_PROJECT);
  g_clear_error (&error);
}

/* ---- refused files ---------------------------------------------------------- */

/* Opening path must fail with code and a message naming the file (and
 * containing `words`), leaving the file and its surroundings untouched. */
static void
assert_refused (const char *path, int code, const char *words)
{
  g_autofree char *before = file_state (path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = NULL;

  doc = ms_store_open (path, catalog (), &error);
  g_assert_null (doc);
  if (!g_error_matches (error, MS_STORE_ERROR, code))
    g_error ("%s: expected code %d, got %s", path, code, error ? error->message : "success");
  g_assert_nonnull (strstr (error->message, path));
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_test_message ("%s", error->message);
  after = file_state (path);
  g_assert_cmpstr (before, ==, after);

  /* the read-only way in refuses the same files the same way */
  g_clear_error (&error);
  g_assert_null (ms_store_open_read_only (path, catalog (), &error));
  g_assert_error (error, MS_STORE_ERROR, code);
  g_free (after);
  after = file_state (path);
  g_assert_cmpstr (before, ==, after);
}

/* A project big enough to span many pages. */
static char *
make_project (TestDir *dir, const char *name, guint n_devices)
{
  g_autoptr(MsDocument) doc = create (dir, name);
  g_autoptr(GError) error = NULL;

  ms_document_begin_group (doc, "many");
  for (guint i = 0; i < n_devices; i++)
    {
      guint id = add (doc, "generic_kv_ro", NULL);
      g_assert_true (ms_document_set_option (doc, id, "dir", "some/directory/name", &error));
    }
  g_assert_true (ms_document_end_group (doc, &error));
  g_assert_no_error (error);
  return g_strdup (ms_store_get_path (doc));
}

static void
copy_file (const char *from, const char *to, gssize length)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, length < 0 ? (gssize) len : length, NULL));
}

/* ---- hard links, whole creation, index damage (issue 15) ------------------------- */

/* Two hard-linked names of one file: SQLite's -wal and -shm go by name, so
 * an edit committed through one name sits in a log the other never reads,
 * and the second writer's checkpoint overwrites it. Writing is refused
 * through either name (at opening, and at an edit when the link appeared
 * while the file was open); reading is fine. */
static void
test_hard_links (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = make_project (dir, "one.mstudio", 3);
  g_autofree char *other = test_dir_file (dir, "other.mstudio");
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsDocument) ro = NULL;
  g_autoptr(GError) error = NULL;

  doc = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (link (path, other), ==, 0);

  /* the second name cannot be opened for writing, and says why */
  g_assert_null (ms_store_open (other, catalog (), &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_LINKED);
  g_assert_nonnull (strstr (error->message, other));
  g_assert_nonnull (strstr (error->message, "hard-linked"));
  g_clear_error (&error);

  /* the open one refuses its next edit, which leaves no trace */
  g_assert_cmpuint (ms_document_add_device (doc, "noop", "lost", &error), ==, 0);
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_LINKED);
  g_clear_error (&error);
  g_assert_null (ms_document_find_device (doc, "lost"));

  /* reading through either name works */
  ro = ms_store_open_read_only (other, catalog (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_n_devices (ro), ==, 3);

  /* one name again: editing works again */
  g_assert_cmpint (g_unlink (other), ==, 0);
  add (doc, "noop", "kept");
  assert_file_matches (doc);
}

/* ms_store_create builds in a temporary and renames it into place: an
 * existing path (even a dangling symlink) is never replaced, leftovers of
 * an older project at that name (-wal, -journal) are not replayed into the
 * new one, and nothing is left in the folder after a refusal. */
static void
test_create_whole (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "new.mstudio");
  g_autofree char *link_path = test_dir_file (dir, "dangling.mstudio");
  g_autofree char *old = make_project (dir, "old.mstudio", 2);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *tmp = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint n_files = 0;

  /* leftovers of a project that once had this name */
  g_assert_true (g_file_set_contents (journal, "\xd9\xd5\x05\xf9\x20\xa1\x63\xd7 stale", -1, NULL));
  g_assert_true (g_file_set_contents (wal, "stale", -1, NULL));
  doc = ms_store_create (path, catalog (), "fresh", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 0);
  g_assert_cmpstr (ms_document_get_app_name (doc), ==, "fresh");
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  add (doc, "noop", NULL);
  assert_file_matches (doc);
  g_clear_object (&doc);

  /* never replaces: a file, a dangling symlink */
  g_assert_cmpint (symlink ("nowhere", link_path), ==, 0);
  g_assert_null (ms_store_create (old, catalog (), "x", &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (ms_store_create (link_path, catalog (), "x", &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* a temporary published onto a name taken meanwhile stays a temporary */
  tmp = ms_store_create_temporary (old, catalog (), "x", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (tmp, G_FILE_TEST_IS_REGULAR));
  g_assert_false (ms_store_publish (tmp, old, &error));
  g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_test (tmp, G_FILE_TEST_IS_REGULAR));
  ms_store_discard (tmp);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));

  /* only the projects and the symlink are left */
  d = g_dir_open (dir->path, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_test_message ("left: %s", name);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 3);
}

/* A flipped bit in an index page: the b-trees are sound, so quick_check
 * passes, but an index entry no longer matches its row. Reading is
 * allowed (nothing spreads); opening for writing runs integrity_check
 * and refuses the file, leaving it as it was. */
static void
test_refuses_index_mismatch (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "flipped.mstudio");
  g_autofree char *root = NULL, *page_size = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsDocument) ro = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0, at;
  Ids ids;

  doc = ms_store_create (path, catalog (), "demo", &error);
  g_assert_no_error (error);
  ids = populate (doc);
  (void) ids;
  g_clear_object (&doc);

  root = raw_query (path, "SELECT rootpage FROM sqlite_schema WHERE name = 'connection_by_source'");
  page_size = raw_query (path, "PRAGMA page_size");
  g_assert_nonnull (root);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* the last byte of the page ends its first cell: the last character of
   * a connection's parameter name, which orders nothing here (each entry
   * has its own source) */
  at = (gsize) atoi (root) * (gsize) atoi (page_size) - 1;
  g_assert_cmpuint (at, <, len);
  contents[at] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  assert_query (path, "PRAGMA quick_check", "ok");
  {
    g_autofree char *ic = raw_query (path, "PRAGMA integrity_check");
    g_assert_cmpstr (ic, !=, "ok");
  }

  ro = ms_store_open_read_only (path, catalog (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ro);
  {
    g_autofree char *before = file_state (path);
    g_autofree char *after = NULL;

    g_assert_null (ms_store_open (path, catalog (), &error));
    g_assert_error (error, MS_STORE_ERROR, MS_STORE_ERROR_DAMAGED);
    g_assert_nonnull (strstr (error->message, "integrity check"));
    g_test_message ("%s", error->message);
    after = file_state (path);
    g_assert_cmpstr (before, ==, after);
  }
}

static void
test_refuses_not_sqlite (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *empty = test_dir_file (dir, "empty.mstudio");
  g_autofree char *text = test_dir_file (dir, "text.mstudio");
  g_autofree char *random = test_dir_file (dir, "random.mstudio");
  g_autofree char *short_magic = test_dir_file (dir, "short.mstudio");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 bytes[8192];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "name: demo\ndevices: []\n", -1, NULL));
  g_assert_true (g_file_set_contents (random, (char *) bytes, sizeof bytes, NULL));
  g_assert_true (g_file_set_contents (short_magic, "SQLite form", -1, NULL));

  assert_refused (empty, MS_STORE_ERROR_NOT_A_PROJECT, "not an SQLite database");
  assert_refused (text, MS_STORE_ERROR_NOT_A_PROJECT, "is not a Mirage Studio project (not an SQLite database)");
  assert_refused (random, MS_STORE_ERROR_NOT_A_PROJECT, "not an SQLite database");
  assert_refused (short_magic, MS_STORE_ERROR_NOT_A_PROJECT, "not an SQLite database");
}

static void
test_refuses_foreign (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *plain = test_dir_file (dir, "plain.mstudio");
  g_autofree char *other = test_dir_file (dir, "other.mstudio");
  g_autofree char *empty_db = test_dir_file (dir, "emptydb.mstudio");

  raw_exec (plain, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ann');");
  /* someone else's, in WAL mode like ours, with an application id */
  raw_exec (other, "PRAGMA journal_mode = WAL; PRAGMA application_id = 305419896;"
                   "CREATE TABLE device (id INTEGER PRIMARY KEY, name TEXT);");
  raw_exec (empty_db, "PRAGMA user_version = 1; VACUUM;");

  assert_refused (plain, MS_STORE_ERROR_NOT_A_PROJECT, "another program");
  assert_refused (other, MS_STORE_ERROR_NOT_A_PROJECT, "0x12345678");
  assert_refused (empty_db, MS_STORE_ERROR_NOT_A_PROJECT, "another program");
}

static void
test_refuses_newer (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = make_project (dir, "newer.mstudio", 3);

  raw_exec (path, "PRAGMA user_version = 99;");
  assert_refused (path, MS_STORE_ERROR_NEWER_VERSION,
                  "was written by a newer Mirage Studio (project format 99; this version reads up to 4)");
}

static void
test_refuses_truncated (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = make_project (dir, "whole.mstudio", 400);
  g_autofree char *cut = test_dir_file (dir, "cut.mstudio");
  struct stat st;
  gssize size;

  g_assert_cmpint (stat (path, &st), ==, 0);
  size = st.st_size;
  g_assert_cmpint (size, >, 8 * 4096);
  {
    const gssize offsets[] = { 16, 50, 99, 100, 512, 4095, 4096, 4097, 8192, size / 2,
                               size - 4096, size - 100, size - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        copy_file (path, cut, offsets[i]);
        assert_refused (cut, MS_STORE_ERROR_DAMAGED, "damaged");
        g_unlink (cut);
      }
  }
  /* fewer bytes than the magic: cannot even tell it was SQLite */
  copy_file (path, cut, 10);
  assert_refused (cut, MS_STORE_ERROR_NOT_A_PROJECT, NULL);
}

static void
test_refuses_corrupt (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = make_project (dir, "whole.mstudio", 400);
  g_autofree char *bad = test_dir_file (dir, "bad.mstudio");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* overwrite pages in the middle with noise: b-tree pages no longer parse */
  for (gsize i = 2 * 4096; i < 5 * 4096 && i < len; i++)
    contents[i] = (char) g_rand_int_range (rand, 0, 256);
  g_assert_true (g_file_set_contents (bad, contents, len, NULL));
  assert_refused (bad, MS_STORE_ERROR_DAMAGED, "damaged");

  /* a header that claims a nonsense page size */
  g_free (contents);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[16] = 3;
  contents[17] = 0;
  g_assert_true (g_file_set_contents (bad, contents, len, NULL));
  assert_refused (bad, MS_STORE_ERROR_DAMAGED, "damaged");
}

/* The v1 schema as Mirage Studio 0.1 wrote it, frozen here as the old
 * program's output; and a variant as a careless tool might write it. */
static const char v1_schema[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE device (id INTEGER PRIMARY KEY CHECK (id > 0), name TEXT NOT NULL,"
  "  ctor TEXT NOT NULL, placed INTEGER NOT NULL DEFAULT 0, x REAL NOT NULL DEFAULT 0,"
  "  y REAL NOT NULL DEFAULT 0, custom INTEGER NOT NULL DEFAULT 0, module TEXT, signature TEXT);"
  "CREATE TABLE device_option (device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (device, name)) WITHOUT ROWID;"
  "CREATE TABLE custom_package (device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE custom_arg (device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, name TEXT NOT NULL, type TEXT, default_value TEXT, doc TEXT,"
  "  PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE custom_dep (device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, dep INTEGER NOT NULL, PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE connection (target INTEGER NOT NULL, param TEXT NOT NULL, source INTEGER NOT NULL,"
  "  PRIMARY KEY (target, param)) WITHOUT ROWID;"
  "CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
  "PRAGMA application_id = 1297306709;"
  "PRAGMA user_version = 1;";

static const char loose_schema[] =
  "CREATE TABLE meta (key TEXT, value TEXT);"
  "CREATE TABLE device (id INTEGER PRIMARY KEY, name TEXT, ctor TEXT, placed INTEGER,"
  "  x REAL, y REAL, custom INTEGER, module TEXT, signature TEXT);"
  "CREATE TABLE device_option (device INTEGER, name TEXT, value TEXT);"
  "CREATE TABLE custom_package (device INTEGER, position INTEGER, text TEXT);"
  "CREATE TABLE custom_arg (device INTEGER, position INTEGER, name TEXT, type TEXT,"
  "  default_value TEXT, doc TEXT);"
  "CREATE TABLE custom_dep (device INTEGER, position INTEGER, dep INTEGER);"
  "CREATE TABLE connection (target INTEGER, param TEXT, source INTEGER);"
  "CREATE TABLE setting (name TEXT, value TEXT);"
  "PRAGMA application_id = 1297306709;"
  "PRAGMA user_version = 2;";

static void
test_refuses_bad_rows (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  static const struct {
    const char *name;
    const char *sql;
    const char *words;
  } cases[] = {
    { "null-name", "INSERT INTO device (id, name, ctor) VALUES (4, NULL, 'noop');",
      "device 4 has no name" },
    { "null-ctor", "INSERT INTO device (id, name, ctor) VALUES (5, 'x', NULL);",
      "device 5 has no constructor" },
    { "text-id", "INSERT INTO device (id, name, ctor) VALUES (-3, 'x', 'noop');",
      "a device has the id -3" },
    { "null-option", "INSERT INTO device (id, name, ctor) VALUES (1, 'x', 'noop');"
                     "INSERT INTO device_option VALUES (1, 'dir', NULL);",
      "an option of device 1 (x) has no value" },
    { "bad-package", "INSERT INTO device (id, name, ctor, custom) VALUES (2, 'm', 'main', 1);"
                     "INSERT INTO custom_package VALUES (2, 0, '>= 1.0');",
      "package 1 of device 2 cannot be read" },
    { "null-connection", "INSERT INTO connection VALUES (1, NULL, 2);",
      "a connection into device 1, parameter NULL" },
    { "null-setting", "INSERT INTO setting VALUES ('target', NULL);",
      "setting target has no value" },
    { "missing-table", "DROP TABLE custom_dep;", "table custom_dep is missing" },
    { "no-version", "PRAGMA user_version = 0;", "no project format version" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strconcat (cases[i].name, ".mstudio", NULL);
      g_autofree char *path = test_dir_file (dir, name);
      g_autofree char *sql = g_strconcat (loose_schema, cases[i].sql, NULL);

      raw_exec (path, sql);
      assert_refused (path, MS_STORE_ERROR_DAMAGED, cases[i].words);
    }
}

/* What is odd but not senseless is loaded for the checker to report:
 * unknown constructors, dangling references, duplicate names. */
static void
test_loads_odd_content (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "odd.mstudio");
  g_autofree char *sql = g_strconcat (loose_schema,
    "INSERT INTO device (id, name, ctor) VALUES (1, 'a', 'no_such_ctor'), (2, 'a', 'noop'),"
    "  (7, 'b', 'main');"
    "UPDATE device SET custom = 1 WHERE id = 7;"
    "INSERT INTO custom_dep VALUES (7, 0, 42);"
    "INSERT INTO device_option VALUES (99, 'orphan', 'x');"
    "INSERT INTO connection VALUES (1, 'net', 55);", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = NULL;

  raw_exec (path, sql);
  doc = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 3);
  g_assert_cmpstr (ms_document_get_device (doc, 1)->ctor, ==, "no_such_ctor");
  g_assert_cmpuint (ms_document_get_source (doc, 1, "net"), ==, 55);
  g_assert_cmpuint (g_array_index (ms_document_get_device (doc, 7)->custom->deps, guint, 0), ==, 42);
  /* new devices take fresh ids after the highest one in the file */
  g_assert_cmpuint (add (doc, "noop", "c"), ==, 8);
  assert_file_matches (doc);
}

/* ---- migration ---------------------------------------------------------------- */

static void
test_migration (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "old.mstudio");
  g_autofree char *sql = g_strconcat (v1_schema,
    "INSERT INTO device (id, name, ctor, placed, x, y) VALUES (1, 'net', 'default_network', 1, 3, 4);"
    "INSERT INTO device (id, name, ctor) VALUES (2, 'stack', 'generic_stackv4v6');"
    "INSERT INTO device_option VALUES (2, 'group', 'g');"
    "INSERT INTO connection VALUES (2, 'net', 1);"
    "INSERT INTO setting VALUES ('name', 'old');", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autofree char *index = NULL;

  raw_exec (path, sql);
  assert_query (path, "PRAGMA user_version", "1");
  doc = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_app_name (doc), ==, "old");
  g_assert_cmpuint (ms_document_get_source (doc, 2, "net"), ==, 1);
  g_assert_cmpstr (ms_device_get_option (ms_document_get_device (doc, 2), "group"), ==, "g");
  g_assert_true (ms_document_get_device (doc, 1)->placed);
  add (doc, "noop", "new_one");
  assert_file_matches (doc);
  g_clear_object (&doc);

  assert_query (path, "PRAGMA user_version", "4");
  assert_query (path, "SELECT value FROM meta WHERE key = 'created_with'",
                "unknown (before project format 2)");
  /* made before projects chose a version: it keeps the 4.10 it was made for */
  assert_query (path, "SELECT value FROM setting WHERE name = 'mirage'", "4.10");
  index = raw_query (path, "SELECT name FROM sqlite_schema WHERE type = 'index'"
                           " AND name = 'connection_by_source'");
  g_assert_cmpstr (index, ==, "connection_by_source");
  assert_query (path, "PRAGMA integrity_check", "ok");
}

/* Format 4 (issue 11): custom types and keys, connect code, local
 * libraries, declared keys, labelled arguments and choices are saved with
 * every edit, read back, undone, and reach a second handle. */
static void
test_config_parts (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "parts.mstudio");
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = ms_store_create (path, catalog (), "parts", &error);
  g_autoptr(MsDocument) other = NULL;
  g_autoptr(MsDecl) type = ms_decl_new (MS_DECL_TYPE, "hello");
  g_autoptr(MsDecl) key = ms_decl_new (MS_DECL_KEY, "data-kv_ro");
  g_autoptr(MsCustom) custom = NULL;
  g_autoptr(MsCustom) choice = NULL;
  guint impl, ch, a, b;

  g_assert_no_error (error);
  g_free (type->constructor);
  type->constructor = g_strdup ("Hello");
  g_assert_true (ms_document_set_decl (doc, type, &error));
  g_free (key->arg_kind);
  key->arg_kind = g_strdup ("kv_ro");
  g_free (key->group);
  key->group = g_strdup ("data");
  g_free (key->binding);
  key->binding = g_strdup ("data_key");
  g_ptr_array_add (key->flags, g_strdup ("data-kv_ro"));
  g_ptr_array_add (key->flags, g_strdup ("d"));
  g_assert_true (ms_document_set_decl (doc, key, &error));
  g_assert_no_error (error);

  impl = add (doc, "impl", "hello_impl");
  custom = ms_custom_copy (ms_document_get_device (doc, impl)->custom);
  g_free (custom->module);
  custom->module = g_strdup ("Hello.Make");
  g_free (custom->signature);
  custom->signature = g_strdup ("hello @-> job");
  custom->connect = g_strdup ("fun _ _ -> function [ x ] -> Fmt.str \"%s\" x | _ -> assert false");
  g_ptr_array_add (custom->local_libs, g_strdup ("mylib"));
  g_ptr_array_add (custom->keys, g_strdup ("data-kv_ro"));
  g_ptr_array_add (custom->labelled, ms_labelled_new ("dune", "fun _ -> []"));
  g_assert_true (ms_document_set_custom (doc, impl, custom, &error));
  g_assert_no_error (error);

  a = add (doc, "generic_block", "storage");
  b = add (doc, "generic_block", "disk");
  ch = add (doc, "choice", "blk");
  choice = ms_custom_copy (ms_document_get_device (doc, ch)->custom);
  g_assert_nonnull (choice->choice);
  ms_choice_free (choice->choice);
  choice->choice = ms_choice_new ("target", "is_solo5");
  g_ptr_array_add (choice->choice->cases, g_strdup ("true"));
  g_ptr_array_add (choice->choice->cases, g_strdup ("false"));
  g_free (choice->signature);
  choice->signature = g_strdup ("block");
  g_assert_true (ms_document_set_custom (doc, ch, choice, &error));
  g_assert_true (ms_document_connect (doc, a, ch, "true", &error));
  g_assert_true (ms_document_connect (doc, b, ch, "false", &error));
  g_assert_no_error (error);
  g_assert_false (ms_document_connect (doc, b, ch, "default", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER);
  g_clear_error (&error);
  assert_file_matches (doc);

  /* a second handle sees it all */
  other = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  {
    const MsDevice *d = ms_document_find_device (other, "hello_impl");
    const MsDecl *k = ms_document_get_decl (other, MS_DECL_KEY, "data-kv_ro");
    g_assert_cmpstr (d->custom->connect, ==, custom->connect);
    g_assert_cmpstr (d->custom->local_libs->pdata[0], ==, "mylib");
    g_assert_cmpstr (ms_custom_get_labelled (d->custom, "dune"), ==, "fun _ -> []");
    g_assert_nonnull (k);
    g_assert_cmpstr (k->group, ==, "data");
    g_assert_cmpuint (k->flags->len, ==, 2);
    g_assert_cmpstr (ms_document_get_decl (other, MS_DECL_TYPE, "hello")->constructor, ==, "Hello");
    g_assert_cmpstr (ms_document_find_device (other, "blk")->custom->choice->predicate, ==, "is_solo5");
  }
  g_clear_object (&other);

  /* removing a case takes its connection with it, in one undoable step */
  g_ptr_array_remove_index (choice->choice->cases, 1);
  g_assert_true (ms_document_set_custom (doc, ch, choice, &error));
  g_assert_cmpuint (ms_document_get_source (doc, ch, "false"), ==, 0);
  assert_file_matches (doc);
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_cmpuint (ms_document_get_source (doc, ch, "false"), ==, b);
  assert_file_matches (doc);

  /* declarations undo and redo like everything else */
  g_assert_true (ms_document_remove_decl (doc, MS_DECL_TYPE, "hello", &error));
  g_assert_null (ms_document_get_decl (doc, MS_DECL_TYPE, "hello"));
  assert_file_matches (doc);
  g_assert_true (ms_document_undo (doc, &error));
  g_assert_nonnull (ms_document_get_decl (doc, MS_DECL_TYPE, "hello"));
  assert_file_matches (doc);
  g_assert_no_error (error);
}

/* A format 2 file opened read-only is read as it is (no format 4 tables)
 * and not upgraded. */
static void
test_read_only_v2 (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "v2.mstudio");
  g_autofree char *sql = g_strconcat (loose_schema,
    "INSERT INTO device (id, name, ctor) VALUES (1, 'n', 'noop');", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = NULL;

  raw_exec (path, sql);
  doc = ms_store_open_read_only (path, catalog (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 1);
  assert_query (path, "PRAGMA user_version", "2");
}

/* A file refused while reading rows must not be upgraded either. */
static void
test_migration_not_applied_to_bad_file (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "oldbad.mstudio");
  g_autofree char *sql = g_strconcat (v1_schema,
    "INSERT INTO device (id, name, ctor, custom) VALUES (1, 'm', 'main', 1);"
    "INSERT INTO custom_package VALUES (1, 0, '!!');", NULL);

  raw_exec (path, sql);
  assert_refused (path, MS_STORE_ERROR_DAMAGED, "package 1 of device 1");
  assert_query (path, "PRAGMA user_version", "1");
}

/* ---- speed ------------------------------------------------------------------------- */

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *us)
{
  g_array_sort (us, compare_gint64);
  return g_array_index (us, gint64, us->len / 2) / 1000.0;
}

/* 10,000 devices in groups of four (network, stack with options, kv_ro,
 * noop), the stack wired to the network. Prints what the benchmarks
 * promise: open <= 100 ms, one edit saved, median <= 1 ms. */
static void
test_perf (void)
{
  g_autoptr(TestDir) dir = test_dir_new ();
  g_autofree char *path = test_dir_file (dir, "big.mstudio");
  g_autoptr(MsDocument) build = ms_document_new (catalog ());
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) edits = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 t;
  double open_ms, edit_ms, check_ms;

  for (guint i = 0; i < 2500; i++)
    {
      /* named here: suggesting free names is linear in the document */
      g_autofree char *n_net = g_strdup_printf ("net_%u", i);
      g_autofree char *n_stack = g_strdup_printf ("stack_%u", i);
      g_autofree char *n_data = g_strdup_printf ("data_%u", i);
      g_autofree char *n_tick = g_strdup_printf ("tick_%u", i);
      guint net = add (build, "default_network", n_net);
      guint stack = add (build, "generic_stackv4v6", n_stack);
      guint data = add (build, "generic_kv_ro", n_data);
      guint tick;

      tick = add (build, "noop", n_tick);
      g_assert_cmpuint (tick, ==, 4 * (i + 1));
      OK (ms_document_set_option, build, stack, "ipv4_network", "10.0.0.2/24");
      OK (ms_document_set_option, build, stack, "group", "g");
      OK (ms_document_set_option, build, data, "dir", "htdocs");
      OK (ms_document_connect, build, net, stack, "net");
      OK (ms_document_move_device, build, stack, i * 3.0, i * 7.0);
    }
  OK (ms_store_save_as, build, path);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(MsDocument) d = NULL;

      t = g_get_monotonic_time ();
      d = ms_store_open (path, catalog (), &error);
      t = g_get_monotonic_time () - t;
      g_assert_no_error (error);
      g_assert_cmpuint (ms_document_get_n_devices (d), ==, 10000);
      g_array_append_val (opens, t);
    }
  open_ms = median_ms (opens);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  t = g_get_monotonic_time ();
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA quick_check", NULL, NULL, NULL), ==, SQLITE_OK);
  check_ms = (g_get_monotonic_time () - t) / 1000.0;
  sqlite3_close (db);

  doc = ms_store_open (path, catalog (), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    {
      t = g_get_monotonic_time ();
      OK (ms_document_move_device, doc, 2 + 4 * (i % 2500), i, i + 0.5);
      t = g_get_monotonic_time () - t;
      g_array_append_val (edits, t);
    }
  edit_ms = median_ms (edits);

  g_test_message ("BENCH store-open-10k %.2f ms (quick_check alone %.2f ms)", open_ms, check_ms);
  g_test_message ("BENCH store-edit-10k %.3f ms (median of 1000 moves)", edit_ms);
  /* generous bounds: this also runs under sanitizers; bench/ holds the
   * real numbers */
  g_assert_cmpfloat (open_ms, <, 2000);
  g_assert_cmpfloat (edit_ms, <, 20);
  assert_file_matches (doc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/roundtrip", test_roundtrip);
  g_test_add_func ("/store/unattached", test_unattached);
  g_test_add_func ("/store/odd-path", test_odd_path);
  g_test_add_func ("/store/read-only", test_read_only);
  g_test_add_func ("/store/mutations", test_mutations);
  g_test_add_func ("/store/two-documents", test_two_documents);
  g_test_add_func ("/store/waits-for-writer", test_waits_for_writer);
  g_test_add_func ("/store/save-as", test_save_as);
  g_test_add_func ("/store/save-as-and-switch", test_save_as_and_switch);
  g_test_add_func ("/store/create-and-missing", test_create_and_missing);
  g_test_add_func ("/store/refuses/not-sqlite", test_refuses_not_sqlite);
  g_test_add_func ("/store/refuses/foreign", test_refuses_foreign);
  g_test_add_func ("/store/refuses/newer", test_refuses_newer);
  g_test_add_func ("/store/refuses/truncated", test_refuses_truncated);
  g_test_add_func ("/store/refuses/corrupt", test_refuses_corrupt);
  g_test_add_func ("/store/refuses/bad-rows", test_refuses_bad_rows);
  g_test_add_func ("/store/odd-content", test_loads_odd_content);
  g_test_add_func ("/store/migration", test_migration);
  g_test_add_func ("/store/config-parts", test_config_parts);
  g_test_add_func ("/store/read-only-v2", test_read_only_v2);
  g_test_add_func ("/store/migration-not-applied-to-bad-file", test_migration_not_applied_to_bad_file);
  g_test_add_func ("/store/hard-links", test_hard_links);
  g_test_add_func ("/store/create-whole", test_create_whole);
  g_test_add_func ("/store/refuses/index-mismatch", test_refuses_index_mismatch);
  g_test_add_func ("/store/perf", test_perf);

  return g_test_run ();
}
