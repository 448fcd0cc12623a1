/* test-mirage-target.c: the Mirage version a project targets.
 *
 * The "mirage" setting chooses the catalog the document reads (so
 * checks and evaluation follow it), is undoable, is saved in the file
 * (old files read as 4.10, new ones record theirs), and the checks name
 * what the chosen version lacks with a stable code and the version to
 * switch to.
 */
#include "test-util.h"

#include "ms-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static MsCatalog *
cat (const char *version)
{
  g_autoptr(GError) error = NULL;
  MsCatalog *c = ms_catalog_get_default (version, &error);

  g_assert_no_error (error);
  return c;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

static char *
raw_query (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char *out = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL)
    out = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return out;
}

static char *
scratch (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mstudio-mirage-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static void
remove_scratch (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

/* ---- the document ---------------------------------------------------------------- */

static void
test_switch_and_undo (void)
{
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsDocument) doc = ms_document_new (c410);
  g_autoptr(GError) error = NULL;
  guint dhcp = test_add (doc, "ipv4_of_dhcp", "dhcp0");

  /* without the setting, the version is the catalog's */
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.10");
  g_assert_cmpstr (ms_document_get_setting_or_default (doc, MS_SETTING_MIRAGE), ==, "4.10");
  g_assert_cmpstr (ms_document_get_device (doc, dhcp)->def->result, ==, "ipv4");

  test_setting (doc, MS_SETTING_MIRAGE, "4.11");
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
  g_assert_cmpstr (ms_catalog_get_mirage_version (ms_document_get_catalog (doc)), ==, "4.11");
  /* devices are resolved against the new catalog */
  g_assert_cmpstr (ms_document_get_device (doc, dhcp)->def->result, ==, "dhcp_ipv4");
  g_assert_cmpstr (ms_document_get_undo_label (doc), ==, "Target Mirage 4.11");

  g_assert_true (ms_document_undo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.10");
  g_assert_null (ms_document_get_setting (doc, MS_SETTING_MIRAGE));
  g_assert_cmpstr (ms_document_get_device (doc, dhcp)->def->result, ==, "ipv4");

  g_assert_true (ms_document_redo (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
  g_assert_cmpstr (ms_document_get_device (doc, dhcp)->def->result, ==, "dhcp_ipv4");
}

static void
test_refuses_unknown_version (void)
{
  g_autoptr(MsCatalog) c411 = cat ("4.11");
  g_autoptr(MsDocument) doc = ms_document_new (c411);
  g_autoptr(GError) error = NULL;

  g_assert_false (ms_document_set_setting (doc, MS_SETTING_MIRAGE, "4.9", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING);
  g_assert_nonnull (strstr (error->message, "4.10, 4.11"));
  g_clear_error (&error);
  g_assert_false (ms_document_set_setting (doc, MS_SETTING_MIRAGE, "", &error));
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING);
  g_assert_false (ms_document_can_undo (doc));
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
}

/* 4.11-only constructors are placed only when the project targets 4.11 */
static void
test_add_needs_version (void)
{
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsDocument) doc = ms_document_new (c410);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ms_document_add_device (doc, "dhcp_proj_net", "p", &error), ==, 0);
  g_assert_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR);
  g_assert_nonnull (strstr (error->message, "exists in Mirage 4.11, not in Mirage 4.10"));
  g_clear_error (&error);
  test_setting (doc, MS_SETTING_MIRAGE, "4.11");
  g_assert_cmpuint (test_add (doc, "dhcp_proj_net", "p"), >, 0);
}

/* ---- the checks ------------------------------------------------------------------ */

static const MsDiagnostic *
expect (GPtrArray *diags, const char *code, const char *device, const char *words)
{
  const MsDiagnostic *d = test_find_diag (diags, code, device);

  if (d == NULL)
    test_dump_diags (diags);
  g_assert_nonnull (d);
  if (words != NULL && strstr (d->message, words) == NULL)
    g_error ("“%s” not in “%s”", words, d->message);
  return d;
}

static void
test_check_constructor (void)
{
  g_autoptr(MsCatalog) c411 = cat ("4.11");
  g_autoptr(MsDocument) doc = ms_document_new (c411);
  g_autoptr(GPtrArray) diags = NULL;
  const MsDiagnostic *d;

  test_add (doc, "no_lease", "nolease");
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_VERSION_CONSTRUCTOR, NULL));
  g_clear_pointer (&diags, g_ptr_array_unref);

  test_setting (doc, MS_SETTING_MIRAGE, "4.10");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_VERSION_CONSTRUCTOR, "nolease", "switch the project to Mirage 4.11");
  g_assert_cmpint (d->severity, ==, MS_SEVERITY_ERROR);
  g_assert_null (test_find_diag (diags, MS_DIAG_UNKNOWN_CONSTRUCTOR, NULL));
}

static void
test_check_option_and_input (void)
{
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsDocument) doc = ms_document_new (c410);
  g_autoptr(GPtrArray) diags = NULL;
  guint net = test_add (doc, "default_network", "net0");
  guint stack = test_add (doc, "generic_stackv4v6", "stack0");
  guint tcp = test_add (doc, "direct_tcp", "tcp0");
  guint ip = test_add (doc, "ipv4_of_dhcp", "dhcp0");
  guint eth = test_add (doc, "ethif", "eth0");
  guint arp = test_add (doc, "arp", "arp0");

  test_connect (doc, net, stack, "net");
  test_set (doc, stack, "group", "g");
  test_set (doc, stack, "dhcp_key", "true");
  test_connect (doc, net, eth, "net");
  test_connect (doc, eth, arp, "eth");
  test_connect (doc, net, ip, "net");
  test_connect (doc, eth, ip, "eth");
  test_connect (doc, arp, ip, "arp");
  test_connect (doc, ip, tcp, "ip");
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_VERSION_OPTION, NULL));
  g_assert_null (test_find_diag (diags, MS_DIAG_VERSION_TYPE, NULL));
  g_clear_pointer (&diags, g_ptr_array_unref);

  test_setting (doc, MS_SETTING_MIRAGE, "4.11");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_VERSION_OPTION, "stack0", "dhcp_key");
  expect (diags, MS_DIAG_VERSION_OPTION, "stack0", "switch the project to Mirage 4.10");
  /* ipv4_of_dhcp returns dhcp_ipv4 in 4.11: direct_tcp's input no longer fits */
  expect (diags, MS_DIAG_VERSION_TYPE, "tcp0", "ipv4_of_dhcp returns dhcp_ipv4 in Mirage 4.11 (ipv4 in Mirage 4.10)");
  g_assert_null (test_find_diag (diags, MS_DIAG_TYPE_MISMATCH, "tcp0"));
}

static void
test_check_parameter (void)
{
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsDocument) doc = ms_document_new (c410);
  g_autoptr(GPtrArray) diags = NULL;
  guint net = test_add (doc, "default_network", "net0");
  guint stack = test_add (doc, "direct_stackv4v6", "stack0");
  guint tcp = test_add (doc, "direct_tcp", "tcp0");

  test_connect (doc, net, stack, "net");
  test_connect (doc, tcp, stack, "tcp");
  test_setting (doc, MS_SETTING_MIRAGE, "4.11");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_VERSION_PARAMETER, "stack0", "disconnect tcp0");
  expect (diags, MS_DIAG_VERSION_PARAMETER, "stack0", "switch the project to Mirage 4.10");
}

static void
test_check_key (void)
{
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsDocument) doc = ms_document_new (c410);
  g_autoptr(GPtrArray) diags = NULL;
  guint net = test_add (doc, "default_network", "net0");
  guint stack = test_add (doc, "generic_stackv4v6", "stack0");
  const MsDiagnostic *d;

  test_connect (doc, net, stack, "net");
  test_setting (doc, "key:dhcp", "true");
  diags = ms_check_document (doc);
  g_assert_null (test_find_diag (diags, MS_DIAG_VERSION_KEY, NULL));
  g_clear_pointer (&diags, g_ptr_array_unref);

  test_setting (doc, MS_SETTING_MIRAGE, "4.11");
  diags = ms_check_document (doc);
  d = expect (diags, MS_DIAG_VERSION_KEY, NULL, "Mirage 4.11 has no configure key “dhcp”");
  g_assert_cmpstr (d->setting, ==, "key:dhcp");
  g_assert_cmpint (d->severity, ==, MS_SEVERITY_WARNING);
}

/* ---- the file ------------------------------------------------------------------- */

static const char v2_file[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE device (id INTEGER PRIMARY KEY CHECK (id > 0), name TEXT NOT NULL, ctor TEXT NOT NULL,"
  "  placed INTEGER NOT NULL DEFAULT 0, x REAL NOT NULL DEFAULT 0, y REAL NOT NULL DEFAULT 0,"
  "  custom INTEGER NOT NULL DEFAULT 0, module TEXT, signature TEXT);"
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
  "CREATE INDEX connection_by_source ON connection (source);"
  "CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
  "INSERT INTO meta VALUES ('created_with', 'Mirage Studio 0.9');"
  "INSERT INTO device (id, name, ctor) VALUES (1, 'dhcp', 'ipv4_of_dhcp');"
  "INSERT INTO setting VALUES ('name', 'old');"
  "PRAGMA application_id = 1297306709;"
  "PRAGMA user_version = 2;";

/* A file from before the setting was made for 4.10 semantics: it opens as
 * 4.10 whatever catalog the opener offers, read-only without writing. */
static void
test_old_file_targets_410 (void)
{
  g_autofree char *path = scratch ("old.mstudio");
  g_autoptr(MsCatalog) c411 = cat ("4.11");
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *setting = NULL;

  raw_exec (path, v2_file);
  doc = ms_store_open_read_only (path, c411, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.10");
  g_assert_cmpstr (ms_document_get_device (doc, 1)->def->result, ==, "ipv4");
  g_clear_object (&doc);
  version = raw_query (path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "2");

  doc = ms_store_open (path, c411, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.10");
  g_clear_object (&doc);
  setting = raw_query (path, "SELECT value FROM setting WHERE name = 'mirage'");
  g_assert_cmpstr (setting, ==, "4.10");
  remove_scratch (path);
}

static void
test_new_file_records_version (void)
{
  g_autofree char *path = scratch ("new.mstudio");
  g_autoptr(MsCatalog) c410 = cat ("4.10");
  g_autoptr(MsCatalog) c411 = cat ("4.11");
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsDocument) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *setting = NULL;

  doc = ms_store_create (path, c411, "fresh", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
  setting = raw_query (path, "SELECT value FROM setting WHERE name = 'mirage'");
  g_assert_cmpstr (setting, ==, "4.11");
  test_add (doc, "no_lease", "nolease");

  /* another process sees the version, and its change */
  other = ms_store_open (path, c410, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (other), ==, "4.11");
  g_assert_nonnull (ms_document_find_device (other, "nolease")->def);
  test_setting (other, MS_SETTING_MIRAGE, "4.10");
  g_assert_true (ms_store_refresh (doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.10");
  g_assert_null (ms_document_find_device (doc, "nolease")->def);

  /* undone in the file too */
  g_assert_true (ms_document_undo (other, &error));
  g_assert_no_error (error);
  g_clear_pointer (&setting, g_free);
  setting = raw_query (path, "SELECT value FROM setting WHERE name = 'mirage'");
  g_assert_cmpstr (setting, ==, "4.11");
  g_clear_object (&doc);
  g_clear_object (&other);
  remove_scratch (path);
}

/* A file naming a version this program does not know opens, on the
 * opener's catalog, and the check says so. */
static void
test_unknown_version_in_file (void)
{
  g_autofree char *path = scratch ("future.mstudio");
  g_autoptr(MsCatalog) c411 = cat ("4.11");
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GError) error = NULL;

  doc = ms_store_create (path, c411, "future", &error);
  g_assert_no_error (error);
  g_clear_object (&doc);
  raw_exec (path, "UPDATE setting SET value = '4.12' WHERE name = 'mirage';");
  doc = ms_store_open_read_only (path, c411, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_document_get_mirage_version (doc), ==, "4.11");
  diags = ms_check_document (doc);
  expect (diags, MS_DIAG_INVALID_SETTING, NULL, "“4.12” is not a Mirage version this studio knows");
  g_clear_object (&doc);
  remove_scratch (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mirage-target/switch-and-undo", test_switch_and_undo);
  g_test_add_func ("/mirage-target/refuses-unknown-version", test_refuses_unknown_version);
  g_test_add_func ("/mirage-target/add-needs-version", test_add_needs_version);
  g_test_add_func ("/mirage-target/check/constructor", test_check_constructor);
  g_test_add_func ("/mirage-target/check/option-and-type", test_check_option_and_input);
  g_test_add_func ("/mirage-target/check/parameter", test_check_parameter);
  g_test_add_func ("/mirage-target/check/key", test_check_key);
  g_test_add_func ("/mirage-target/store/old-file-targets-4.10", test_old_file_targets_410);
  g_test_add_func ("/mirage-target/store/new-file-records-version", test_new_file_records_version);
  g_test_add_func ("/mirage-target/store/unknown-version", test_unknown_version_in_file);
  return g_test_run ();
}
