/* ms-store.c: project files, one SQLite database per project.
 *
 * How it works:
 *  - Opening is two-phase. A read-only look (validate_file) checks, in
 *    order of cost, that the file exists, starts with SQLite's magic, is
 *    not shorter than its own header says, carries our application_id, has
 *    a project format we can read, passes PRAGMA quick_check and has our
 *    tables. Only then is it opened read-write; upgrading an older format
 *    and reading the contents happen in one transaction, rolled back if a
 *    row makes no sense, and the file is switched to WAL mode last. So a
 *    refused file is never written, nor are -wal/-shm files left next to
 *    it (the read-only look opens WAL files "immutable" when no -wal file
 *    exists, because an ordinary read-only connection creates both).
 *  - The document calls the backend around each undoable step: begin is
 *    BEGIN IMMEDIATE (the write lock, waiting up to BUSY_TIMEOUT_MS for
 *    another writer), then PRAGMA data_version tells whether another
 *    connection committed since we last looked; if so the document is
 *    reloaded inside the same transaction, so the step is computed on what
 *    is in the file and nothing else can slip in before our commit. Each
 *    MsEdit becomes one to a few prepared statements (cached per
 *    connection); commit is COMMIT.
 *  - Durability: WAL with synchronous=NORMAL. A commit appends the
 *    transaction to the -wal file with write() and returns without fsync;
 *    once write() returns the data is in the kernel, so killing the
 *    process (kill -9, a crash) loses nothing committed, and the next
 *    opener replays the WAL. Only a power cut or kernel crash can lose the
 *    last commits, and even then the database stays consistent (WAL frames
 *    are checksummed; the fsync happens at checkpoints). FULL would fsync
 *    every edit, costing milliseconds per edit for no gain against crashes
 *    of the program, which is what the project promises to survive.
 *  - Reading rows builds everything first and hands it to the document
 *    only when every row made sense, so a bad file never leaves a
 *    half-loaded document.
 *  - The schema is versioned with PRAGMA user_version. A new file is made
 *    by running the version 1 schema and then every migration, so the
 *    upgrade path runs each time a project is created, in a temporary
 *    next to its path, renamed into place (without replacing) when whole.
 *  - Before the read-only look, a hot rollback journal left by a killed
 *    writer is rolled back (recover_hot_journal). Opening for writing
 *    refuses a file with several hard-linked names (check_single_name,
 *    again before every edit) and runs integrity_check rather than
 *    quick_check. docs/reliability.md has the reasons and the tests.
 */
#include "ms-store.h"

#include "ms-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#define SCHEMA_VERSION 4
/* The first format whose files always say which Mirage version they target. */
#define SCHEMA_WITH_MIRAGE 3
#define BUSY_TIMEOUT_MS 5000
#define STORE_KEY "ms-store"

G_DEFINE_QUARK (ms-store-error-quark, ms_store_error)

/* ---- schema ------------------------------------------------------------ */

/* Version 1, frozen: files written by it exist. Names are deliberately not
 * UNIQUE: the document refuses duplicates, and the checker reports those
 * of hand-edited files rather than the file being unreadable. There are no
 * foreign keys on references between devices (connections, deps) because
 * dangling references are loaded and reported, not refused; a device's own
 * rows cascade with it. */
static const char schema_v1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE device ("
  "  id INTEGER PRIMARY KEY CHECK (id > 0),"
  "  name TEXT NOT NULL,"
  "  ctor TEXT NOT NULL,"
  "  placed INTEGER NOT NULL DEFAULT 0,"
  "  x REAL NOT NULL DEFAULT 0,"
  "  y REAL NOT NULL DEFAULT 0,"
  "  custom INTEGER NOT NULL DEFAULT 0,"   /* 1: a main/impl device, module/signature/custom_* apply */
  "  module TEXT,"
  "  signature TEXT);"
  "CREATE TABLE device_option ("
  "  device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (device, name)) WITHOUT ROWID;"
  "CREATE TABLE custom_package ("
  "  device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  text TEXT NOT NULL,"                  /* ms_package_to_string () */
  "  PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE custom_arg ("
  "  device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  type TEXT,"
  "  default_value TEXT,"
  "  doc TEXT,"
  "  PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE custom_dep ("
  "  device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  dep INTEGER NOT NULL,"
  "  PRIMARY KEY (device, position)) WITHOUT ROWID;"
  "CREATE TABLE connection ("
  "  target INTEGER NOT NULL,"
  "  param TEXT NOT NULL,"
  "  source INTEGER NOT NULL,"
  "  PRIMARY KEY (target, param)) WITHOUT ROWID;"
  "CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;";

/* Tables every readable version has; checked before reading. */
static const char *const required_tables[] = {
  "meta", "device", "device_option", "custom_package", "custom_arg",
  "custom_dep", "connection", "setting",
};
/* Format 3's tables are checked by read_content (has_table): an older
 * file opened read-only is read without them. */

/* Migrations: steps[i] takes a file from version i + 1 to i + 2. They run
 * in the opener's transaction together with user_version, so a file is
 * at one version or the next, never in between. Append only. */
static const char *const migrations[] = {
  /* 1 -> 2: record which program made the file (for bug reports about
   * odd files), and index connections by source: deleting or renaming a
   * device, and the checker, look up who uses it. */
  "CREATE INDEX connection_by_source ON connection (source);"
  "INSERT OR IGNORE INTO meta (key, value)"
  "  VALUES ('created_with', 'unknown (before project format 2)');",
  /* 2 -> 3: the project says which Mirage version it targets (the
   * "mirage" setting). Older files were edited and checked against the
   * 4.10 catalog, so they keep that meaning; the user moves them to 4.11
   * in one undoable step. New files run this too and then record their
   * own version over it (init_file). */
  "INSERT OR IGNORE INTO setting (name, value) VALUES ('mirage', '4.10');",
  /* 3 -> 4: the whole config.ml (issue 11). A custom device's connect
   * code and choice condition (custom_extra, one row at most), its local
   * libraries, declared keys, choice cases and other labelled arguments
   * (custom_item, by list and position; a labelled argument's label is
   * `text`, its OCaml code `code`), and the project's own device types
   * and configure keys (decl; a key's flag names one per line). */
  "CREATE TABLE custom_extra ("
  "  device INTEGER PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,"
  "  connect TEXT,"                        /* NULL: Mirage's default connect */
  "  choice_key TEXT,"                     /* NULL: not a choice */
  "  choice_predicate TEXT,"
  "  choice_default INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE custom_item ("
  "  device INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
  "  list TEXT NOT NULL CHECK (list IN ('lib', 'key', 'case', 'labelled')),"
  "  position INTEGER NOT NULL,"
  "  text TEXT NOT NULL,"
  "  code TEXT,"
  "  PRIMARY KEY (device, list, position)) WITHOUT ROWID;"
  "CREATE TABLE decl ("
  "  kind TEXT NOT NULL CHECK (kind IN ('type', 'key')),"
  "  name TEXT NOT NULL,"
  "  constructor TEXT NOT NULL DEFAULT '',"
  "  binding TEXT NOT NULL DEFAULT '',"
  "  arg_kind TEXT NOT NULL DEFAULT '',"
  "  conv TEXT NOT NULL DEFAULT '',"
  "  default_value TEXT NOT NULL DEFAULT '',"
  "  grp TEXT NOT NULL DEFAULT '',"
  "  doc TEXT NOT NULL DEFAULT '',"
  "  docv TEXT NOT NULL DEFAULT '',"
  "  flags TEXT NOT NULL DEFAULT '',"
  "  PRIMARY KEY (kind, name)) WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION - 1);

int
ms_store_get_schema_version (void)
{
  return SCHEMA_VERSION;
}

/* ---- the attached connection --------------------------------------------- */

typedef enum {
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_DATA_VERSION,
  ST_USER_VERSION,
  ST_DEVICE_INSERT,
  ST_DEVICE_DELETE,
  ST_DEVICE_RENAME,
  ST_DEVICE_POSITION,
  ST_DEVICE_CUSTOM,
  ST_OPTION_SET,
  ST_OPTION_UNSET,
  ST_PACKAGE_CLEAR,
  ST_PACKAGE_INSERT,
  ST_ARG_CLEAR,
  ST_ARG_INSERT,
  ST_DEP_CLEAR,
  ST_DEP_INSERT,
  ST_CONNECTION_SET,
  ST_CONNECTION_UNSET,
  ST_SETTING_SET,
  ST_SETTING_UNSET,
  ST_LOAD_DEVICES,
  ST_LOAD_OPTIONS,
  ST_LOAD_PACKAGES,
  ST_LOAD_ARGS,
  ST_LOAD_DEPS,
  ST_LOAD_CONNECTIONS,
  ST_LOAD_SETTINGS,
  ST_EXTRA_CLEAR,
  ST_EXTRA_INSERT,
  ST_ITEM_CLEAR,
  ST_ITEM_INSERT,
  ST_DECL_SET,
  ST_DECL_UNSET,
  ST_LOAD_EXTRAS,
  ST_LOAD_ITEMS,
  ST_LOAD_DECLS,
  N_STATEMENTS
} StatementId;

static const char *const statement_sql[N_STATEMENTS] = {
  [ST_BEGIN] = "BEGIN IMMEDIATE",
  [ST_COMMIT] = "COMMIT",
  [ST_ROLLBACK] = "ROLLBACK",
  [ST_DATA_VERSION] = "PRAGMA data_version",
  [ST_USER_VERSION] = "PRAGMA user_version",
  [ST_DEVICE_INSERT] =
    "INSERT INTO device (id, name, ctor, placed, x, y, custom, module, signature)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  [ST_DEVICE_DELETE] = "DELETE FROM device WHERE id = ?1",
  [ST_DEVICE_RENAME] = "UPDATE device SET name = ?2 WHERE id = ?1",
  [ST_DEVICE_POSITION] = "UPDATE device SET placed = ?2, x = ?3, y = ?4 WHERE id = ?1",
  [ST_DEVICE_CUSTOM] = "UPDATE device SET custom = ?2, module = ?3, signature = ?4 WHERE id = ?1",
  [ST_OPTION_SET] =
    "INSERT INTO device_option (device, name, value) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (device, name) DO UPDATE SET value = excluded.value",
  [ST_OPTION_UNSET] = "DELETE FROM device_option WHERE device = ?1 AND name = ?2",
  [ST_PACKAGE_CLEAR] = "DELETE FROM custom_package WHERE device = ?1",
  [ST_PACKAGE_INSERT] = "INSERT INTO custom_package (device, position, text) VALUES (?1, ?2, ?3)",
  [ST_ARG_CLEAR] = "DELETE FROM custom_arg WHERE device = ?1",
  [ST_ARG_INSERT] =
    "INSERT INTO custom_arg (device, position, name, type, default_value, doc)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [ST_DEP_CLEAR] = "DELETE FROM custom_dep WHERE device = ?1",
  [ST_DEP_INSERT] = "INSERT INTO custom_dep (device, position, dep) VALUES (?1, ?2, ?3)",
  [ST_CONNECTION_SET] =
    "INSERT INTO connection (target, param, source) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (target, param) DO UPDATE SET source = excluded.source",
  [ST_CONNECTION_UNSET] = "DELETE FROM connection WHERE target = ?1 AND param = ?2",
  [ST_SETTING_SET] =
    "INSERT INTO setting (name, value) VALUES (?1, ?2)"
    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
  [ST_SETTING_UNSET] = "DELETE FROM setting WHERE name = ?1",
  [ST_LOAD_DEVICES] =
    "SELECT id, name, ctor, placed, x, y, custom, module, signature FROM device ORDER BY id",
  [ST_LOAD_OPTIONS] = "SELECT device, name, value FROM device_option",
  [ST_LOAD_PACKAGES] = "SELECT device, position, text FROM custom_package ORDER BY device, position",
  [ST_LOAD_ARGS] =
    "SELECT device, position, name, type, default_value, doc FROM custom_arg"
    " ORDER BY device, position",
  [ST_LOAD_DEPS] = "SELECT device, position, dep FROM custom_dep ORDER BY device, position",
  [ST_LOAD_CONNECTIONS] = "SELECT target, param, source FROM connection ORDER BY target, param",
  [ST_LOAD_SETTINGS] = "SELECT name, value FROM setting ORDER BY name",
  [ST_EXTRA_CLEAR] = "DELETE FROM custom_extra WHERE device = ?1",
  [ST_EXTRA_INSERT] =
    "INSERT INTO custom_extra (device, connect, choice_key, choice_predicate, choice_default)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [ST_ITEM_CLEAR] = "DELETE FROM custom_item WHERE device = ?1",
  [ST_ITEM_INSERT] =
    "INSERT INTO custom_item (device, list, position, text, code) VALUES (?1, ?2, ?3, ?4, ?5)",
  [ST_DECL_SET] =
    "INSERT OR REPLACE INTO decl (kind, name, constructor, binding, arg_kind, conv, default_value,"
    " grp, doc, docv, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
  [ST_DECL_UNSET] = "DELETE FROM decl WHERE kind = ?1 AND name = ?2",
  [ST_LOAD_EXTRAS] =
    "SELECT device, connect, choice_key, choice_predicate, choice_default FROM custom_extra",
  [ST_LOAD_ITEMS] =
    "SELECT device, list, position, text, code FROM custom_item ORDER BY device, list, position",
  [ST_LOAD_DECLS] =
    "SELECT kind, name, constructor, binding, arg_kind, conv, default_value, grp, doc, docv, flags"
    " FROM decl ORDER BY kind, name",
};

typedef struct {
  char *path;
  sqlite3 *db;
  sqlite3_stmt *statements[N_STATEMENTS];
  gint64 data_version;   /* as of our last read or write */
  gint64 busy_since;     /* for wait_for_lock */
} Store;

static int wait_for_lock (void *data, int count);
static gboolean check_single_name (const char *path, GError **error);

static void
store_free (Store *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_STATEMENTS; i++)
    sqlite3_finalize (self->statements[i]);
  /* Closing the last connection checkpoints the WAL into the file and
   * removes the -wal and -shm files. */
  sqlite3_close (self->db);
  g_free (self->path);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_free)

static Store *
store_new (const char *path, sqlite3 *db)
{
  Store *self = g_new0 (Store, 1);

  self->path = g_strdup (path);
  self->db = db;
  sqlite3_busy_handler (db, wait_for_lock, &self->busy_since);
  return self;
}

/* ---- errors ---------------------------------------------------------------- */

static int
code_for_sqlite (sqlite3 *db, int rc)
{
  /* SQLite reports a failed write() as SQLITE_FULL, but a failed growth
   * of its -shm file, or of a file on a full quota, as an I/O error */
  if ((rc & 0xff) == SQLITE_IOERR && db != NULL
      && (sqlite3_system_errno (db) == ENOSPC || sqlite3_system_errno (db) == EDQUOT))
    return MS_STORE_ERROR_FULL;
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return MS_STORE_ERROR_FULL;
    case SQLITE_READONLY:
      return MS_STORE_ERROR_READ_ONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MS_STORE_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return MS_STORE_ERROR_DAMAGED;
    default:
      return MS_STORE_ERROR_IO;
    }
}

/* Sets an error for a failed SQLite call: "“path”: <doing>: <sqlite's words>",
 * with a plainer sentence for the cases a user can act on. */
static void
set_sqlite_error (GError **error, const char *path, sqlite3 *db, int rc, const char *doing)
{
  int code = code_for_sqlite (db, rc);
  const char *why = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  /* callers pass N_() texts, or ones already translated (which gettext
   * hands back as they are) */
  doing = _(doing);

  if (code == MS_STORE_ERROR_FULL)
    g_set_error (error, MS_STORE_ERROR, code,
                 _("“%s” cannot be changed: the disk is full (while trying to %s); free some "
                 "space and try again, the file keeps its state from before"), path, doing);
  else if (code == MS_STORE_ERROR_BUSY)
    g_set_error (error, MS_STORE_ERROR, code,
                 _("“%s” is being changed by another program; try again (%s: %s)"),
                 path, doing, why);
  else if (code == MS_STORE_ERROR_DAMAGED)
    g_set_error (error, MS_STORE_ERROR, code,
                 _("“%s” is damaged (%s: %s)"), path, doing, why);
  else
    g_set_error (error, MS_STORE_ERROR, code, _("“%s”: cannot %s: %s"), path, doing, why);
}

static void
set_damaged (GError **error, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
set_damaged (GError **error, const char *path, const char *format, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_DAMAGED, _("“%s” is damaged: %s"), path, what);
}

/* ---- statements -------------------------------------------------------- */

static sqlite3_stmt *
get_statement (Store *self, StatementId id, GError **error)
{
  if (self->statements[id] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, statement_sql[id], -1,
                                   SQLITE_PREPARE_PERSISTENT,
                                   &self->statements[id], NULL);
      if (rc != SQLITE_OK)
        {
          /* Our own SQL only fails to compile against a schema that is
           * not ours: a column or table missing or changed by hand. */
          if ((rc & 0xff) == SQLITE_ERROR)
            set_damaged (error, self->path, _("its tables are not as Mirage Studio wrote them (%s)"),
                         sqlite3_errmsg (self->db));
          else
            set_sqlite_error (error, self->path, self->db, rc, N_("prepare a statement"));
          return NULL;
        }
    }
  return self->statements[id];
}

static void
bind_text (sqlite3_stmt *st, int i, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_text (st, i, text, -1, SQLITE_TRANSIENT);
}

/* Steps a statement that returns no rows, then resets it. */
static gboolean
run (Store *self, sqlite3_stmt *st, const char *doing, GError **error)
{
  int rc = sqlite3_step (st);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->path, self->db, rc, doing);
      sqlite3_reset (st);
      return FALSE;
    }
  sqlite3_reset (st);
  return TRUE;
}

/* Runs a statement returning one integer (a pragma). */
static gboolean
query_int (Store *self, StatementId id, gint64 *out, GError **error)
{
  sqlite3_stmt *st = get_statement (self, id, error);
  int rc;

  if (st == NULL)
    return FALSE;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->path, self->db, rc, N_("read the file"));
      sqlite3_reset (st);
      return FALSE;
    }
  *out = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return TRUE;
}

/* For statements run once (schema, migrations, pragmas). */
static gboolean
exec (Store *self, const char *sql, const char *doing, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->path, self->db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* ---- writing edits ------------------------------------------------------- */

/* Checks that an UPDATE found its device: the document only edits devices
 * it read from this file in this transaction, so a miss means the file and
 * the document disagree, and writing on would hide it. */
static gboolean
expect_device_row (Store *self, guint id, GError **error)
{
  if (sqlite3_changes (self->db) == 0)
    {
      set_damaged (error, self->path, _("device %u is missing from the file"), id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_item (Store *self, guint id, const char *list, guint position, const char *text,
            const char *code, GError **error)
{
  sqlite3_stmt *st = get_statement (self, ST_ITEM_INSERT, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  bind_text (st, 2, list);
  sqlite3_bind_int64 (st, 3, position);
  bind_text (st, 4, text);
  bind_text (st, 5, code);
  return run (self, st, "save a custom device", error);
}

/* Format 3's parts of a custom device: connect code, choice, item lists. */
static gboolean
write_custom_extras (Store *self, guint id, const MsCustom *custom, GError **error)
{
  sqlite3_stmt *st;

  if (custom->connect != NULL || custom->choice != NULL)
    {
      if ((st = get_statement (self, ST_EXTRA_INSERT, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, custom->connect);
      bind_text (st, 3, custom->choice ? custom->choice->key : NULL);
      bind_text (st, 4, custom->choice ? custom->choice->predicate : NULL);
      sqlite3_bind_int (st, 5, custom->choice && custom->choice->has_default ? 1 : 0);
      if (!run (self, st, "save a custom device", error))
        return FALSE;
    }
  for (guint i = 0; i < custom->local_libs->len; i++)
    if (!write_item (self, id, "lib", i, custom->local_libs->pdata[i], NULL, error))
      return FALSE;
  for (guint i = 0; i < custom->keys->len; i++)
    if (!write_item (self, id, "key", i, custom->keys->pdata[i], NULL, error))
      return FALSE;
  for (guint i = 0; custom->choice != NULL && i < custom->choice->cases->len; i++)
    if (!write_item (self, id, "case", i, custom->choice->cases->pdata[i], NULL, error))
      return FALSE;
  for (guint i = 0; i < custom->labelled->len; i++)
    {
      const MsLabelled *l = custom->labelled->pdata[i];
      if (!write_item (self, id, "labelled", i, l->label, l->code, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_custom_parts (Store *self, guint id, const MsCustom *custom, GError **error)
{
  static const StatementId clears[] = { ST_PACKAGE_CLEAR, ST_ARG_CLEAR, ST_DEP_CLEAR,
                                        ST_EXTRA_CLEAR, ST_ITEM_CLEAR };
  sqlite3_stmt *st;

  for (guint i = 0; i < G_N_ELEMENTS (clears); i++)
    {
      if ((st = get_statement (self, clears[i], error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, id);
      if (!run (self, st, N_("save a custom device"), error))
        return FALSE;
    }
  if (custom == NULL)
    return TRUE;

  for (guint i = 0; custom->packages != NULL && i < custom->packages->len; i++)
    {
      g_autofree char *text = ms_package_to_string (g_ptr_array_index (custom->packages, i));

      if ((st = get_statement (self, ST_PACKAGE_INSERT, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i);
      bind_text (st, 3, text);
      if (!run (self, st, N_("save a package"), error))
        return FALSE;
    }
  for (guint i = 0; custom->runtime_args != NULL && i < custom->runtime_args->len; i++)
    {
      const MsArgDecl *a = g_ptr_array_index (custom->runtime_args, i);

      if ((st = get_statement (self, ST_ARG_INSERT, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i);
      bind_text (st, 3, a->name);
      bind_text (st, 4, a->type);
      bind_text (st, 5, a->default_value);
      bind_text (st, 6, a->doc);
      if (!run (self, st, N_("save a runtime argument"), error))
        return FALSE;
    }
  for (guint i = 0; custom->deps != NULL && i < custom->deps->len; i++)
    {
      if ((st = get_statement (self, ST_DEP_INSERT, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i);
      sqlite3_bind_int64 (st, 3, g_array_index (custom->deps, guint, i));
      if (!run (self, st, N_("save a dependency"), error))
        return FALSE;
    }
  return write_custom_extras (self, id, custom, error);
}

static gboolean
write_device (Store *self, const MsDevice *d, GError **error)
{
  sqlite3_stmt *st = get_statement (self, ST_DEVICE_INSERT, error);
  GHashTableIter iter;
  gpointer key, value;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, d->id);
  bind_text (st, 2, d->name);
  bind_text (st, 3, d->ctor);
  sqlite3_bind_int (st, 4, d->placed ? 1 : 0);
  sqlite3_bind_double (st, 5, d->x);
  sqlite3_bind_double (st, 6, d->y);
  sqlite3_bind_int (st, 7, d->custom != NULL ? 1 : 0);
  bind_text (st, 8, d->custom != NULL ? d->custom->module : NULL);
  bind_text (st, 9, d->custom != NULL ? d->custom->signature : NULL);
  if (!run (self, st, N_("save a device"), error))
    return FALSE;

  if (d->options != NULL)
    {
      g_hash_table_iter_init (&iter, d->options);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if ((st = get_statement (self, ST_OPTION_SET, error)) == NULL)
            return FALSE;
          sqlite3_bind_int64 (st, 1, d->id);
          bind_text (st, 2, key);
          bind_text (st, 3, value);
          if (!run (self, st, N_("save an option"), error))
            return FALSE;
        }
    }
  return d->custom == NULL || write_custom_parts (self, d->id, d->custom, error);
}

/* Sets (value != NULL) or removes the row keyed by (id, key) with one of
 * the upsert / delete statement pairs. id == 0: settings, keyed by name. */
static gboolean
write_keyed (Store *self, StatementId set, StatementId unset, guint id,
             const char *key, const char *value, gint64 number, const char *doing,
             GError **error)
{
  gboolean remove = set == ST_CONNECTION_SET ? number == 0 : value == NULL;
  sqlite3_stmt *st = get_statement (self, remove ? unset : set, error);
  int i = 1;

  if (st == NULL)
    return FALSE;
  if (set != ST_SETTING_SET)
    sqlite3_bind_int64 (st, i++, id);
  bind_text (st, i++, key);
  if (!remove)
    {
      if (set == ST_CONNECTION_SET)
        sqlite3_bind_int64 (st, i, number);
      else
        bind_text (st, i, value);
    }
  return run (self, st, doing, error);
}

/* Writes (decl != NULL) or removes the declaration of that kind and name. */
static gboolean
write_decl (Store *self, MsDeclKind kind, const char *name, const MsDecl *decl, GError **error)
{
  sqlite3_stmt *st = get_statement (self, decl ? ST_DECL_SET : ST_DECL_UNSET, error);
  g_autofree char *flags = NULL;

  if (st == NULL)
    return FALSE;
  bind_text (st, 1, ms_decl_kind_to_string (kind));
  bind_text (st, 2, name);
  if (decl != NULL)
    {
      g_ptr_array_add (decl->flags, NULL);
      flags = g_strjoinv ("\n", (char **) decl->flags->pdata);
      g_ptr_array_set_size (decl->flags, decl->flags->len - 1);
      bind_text (st, 3, decl->constructor);
      bind_text (st, 4, decl->binding);
      bind_text (st, 5, decl->arg_kind);
      bind_text (st, 6, decl->conv);
      bind_text (st, 7, decl->default_value);
      bind_text (st, 8, decl->group);
      bind_text (st, 9, decl->doc);
      bind_text (st, 10, decl->docv);
      bind_text (st, 11, flags);
    }
  return run (self, st, "save a declaration", error);
}

static gboolean
write_edit (Store *self, const MsEdit *e, GError **error)
{
  sqlite3_stmt *st;

  switch (e->kind)
    {
    case MS_EDIT_INSERT_DEVICE:
      g_return_val_if_fail (e->snapshot != NULL, FALSE);
      return write_device (self, e->snapshot, error);

    case MS_EDIT_DELETE_DEVICE:
      /* Options and custom rows go with it (ON DELETE CASCADE); the
       * document removes connections with edits of their own. */
      if ((st = get_statement (self, ST_DEVICE_DELETE, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, e->device);
      return run (self, st, N_("delete a device"), error) && expect_device_row (self, e->device, error);

    case MS_EDIT_RENAME:
      if ((st = get_statement (self, ST_DEVICE_RENAME, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, e->device);
      bind_text (st, 2, e->new_value);
      return run (self, st, N_("rename a device"), error) && expect_device_row (self, e->device, error);

    case MS_EDIT_POSITION:
      if ((st = get_statement (self, ST_DEVICE_POSITION, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, e->device);
      sqlite3_bind_int (st, 2, e->new_placed ? 1 : 0);
      sqlite3_bind_double (st, 3, e->new_x);
      sqlite3_bind_double (st, 4, e->new_y);
      return run (self, st, N_("move a device"), error) && expect_device_row (self, e->device, error);

    case MS_EDIT_CUSTOM:
      if ((st = get_statement (self, ST_DEVICE_CUSTOM, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, e->device);
      sqlite3_bind_int (st, 2, e->new_custom != NULL ? 1 : 0);
      bind_text (st, 3, e->new_custom != NULL ? e->new_custom->module : NULL);
      bind_text (st, 4, e->new_custom != NULL ? e->new_custom->signature : NULL);
      return run (self, st, N_("save a custom device"), error)
             && expect_device_row (self, e->device, error)
             && write_custom_parts (self, e->device, e->new_custom, error);

    case MS_EDIT_OPTION:
      return write_keyed (self, ST_OPTION_SET, ST_OPTION_UNSET, e->device, e->key,
                          e->new_value, 0, N_("save an option"), error);

    case MS_EDIT_CONNECTION:
      return write_keyed (self, ST_CONNECTION_SET, ST_CONNECTION_UNSET, e->device, e->key,
                          NULL, e->new_source, N_("save a connection"), error);

    case MS_EDIT_SETTING:
      return write_keyed (self, ST_SETTING_SET, ST_SETTING_UNSET, 0, e->key,
                          e->new_value, 0, N_("save a setting"), error);

    case MS_EDIT_DECL:
      {
        const MsDecl *d = e->new_decl ? e->new_decl : e->old_decl;
        g_return_val_if_fail (d != NULL, FALSE);
        return write_decl (self, d->kind, d->name, e->new_decl, error);
      }

    default:
      break;
    }
  g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
               _("“%s”: cannot save an edit of unknown kind %d"), self->path, (int) e->kind);
  return FALSE;
}

/* Writes a whole in-memory document into an empty project (create,
 * save_as of an unattached document). */
static gboolean
write_document (Store *self, MsDocument *doc, GError **error)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *connections = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);

  for (guint i = 0; i < devices->len; i++)
    if (!write_device (self, g_ptr_array_index (devices, i), error))
      return FALSE;
  for (guint i = 0; i < connections->len; i++)
    {
      const MsConnection *c = g_ptr_array_index (connections, i);

      if (!write_keyed (self, ST_CONNECTION_SET, ST_CONNECTION_UNSET, c->target, c->param,
                        NULL, c->source, N_("save a connection"), error))
        return FALSE;
    }
  for (guint i = 0; i < settings->len; i++)
    {
      const char *name = g_ptr_array_index (settings, i);

      if (!write_keyed (self, ST_SETTING_SET, ST_SETTING_UNSET, 0, name,
                        ms_document_get_setting (doc, name), 0, N_("save a setting"), error))
        return FALSE;
    }
  for (int k = MS_DECL_TYPE; k <= MS_DECL_KEY; k++)
    {
      g_autoptr(GPtrArray) decls = ms_document_get_decls (doc, k);
      for (guint i = 0; i < decls->len; i++)
        {
          const MsDecl *d = decls->pdata[i];
          if (!write_decl (self, d->kind, d->name, d, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* ---- reading --------------------------------------------------------------- */

typedef struct {
  guint target;
  char *param;
  guint source;
} Connection;

static void
connection_free (Connection *c)
{
  g_free (c->param);
  g_free (c);
}

/* What a file holds, read and checked, not yet in a document. */
typedef struct {
  GPtrArray *devices;      /* MsDevice*, by id */
  GHashTable *by_id;       /* id -> MsDevice* (borrowed) */
  GPtrArray *connections;  /* Connection* */
  GPtrArray *settings;     /* name, value, name, value... */
  GPtrArray *decls;        /* MsDecl* */
} Content;

static void
content_free (Content *c)
{
  g_ptr_array_unref (c->devices);
  g_hash_table_unref (c->by_id);
  g_ptr_array_unref (c->connections);
  g_ptr_array_unref (c->settings);
  g_ptr_array_unref (c->decls);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Content, content_free)

static Content *
content_new (void)
{
  Content *c = g_new0 (Content, 1);

  c->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_device_free);
  c->by_id = g_hash_table_new (NULL, NULL);
  c->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  c->settings = g_ptr_array_new_with_free_func (g_free);
  c->decls = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_decl_free);
  return c;
}

/* A device id column: the row's id must be a positive 32-bit integer. */
static gboolean
column_id (sqlite3_stmt *st, int col, guint *out)
{
  gint64 v;

  if (sqlite3_column_type (st, col) != SQLITE_INTEGER)
    return FALSE;
  v = sqlite3_column_int64 (st, col);
  if (v <= 0 || v > G_MAXUINT)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static const char *
column_text (sqlite3_stmt *st, int col)
{
  return (const char *) sqlite3_column_text (st, col);
}

/* The custom device a custom_* row belongs to, or NULL if the row is an
 * orphan (possible only in a hand-edited file; nothing can show it). */
static MsCustom *
custom_of (Content *c, guint id)
{
  MsDevice *d = g_hash_table_lookup (c->by_id, GUINT_TO_POINTER (id));

  return d != NULL ? d->custom : NULL;
}

/* Steps a load statement; FALSE at the end or on error (then *rc says). */
static gboolean
next_row (sqlite3_stmt *st, int *rc)
{
  *rc = sqlite3_step (st);
  return *rc == SQLITE_ROW;
}

static gboolean
finish_rows (Store *self, sqlite3_stmt *st, int rc, GError **error)
{
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->path, self->db, rc, N_("read the file"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_devices (Store *self, Content *c, GError **error)
{
  sqlite3_stmt *st = get_statement (self, ST_LOAD_DEVICES, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      const char *name = column_text (st, 1);
      const char *ctor = column_text (st, 2);
      MsDevice *d;
      guint id;

      if (!column_id (st, 0, &id))
        {
          set_damaged (error, self->path, _("a device has the id %s, not a positive number"),
                       column_text (st, 0) != NULL ? column_text (st, 0) : "NULL");
          sqlite3_reset (st);
          return FALSE;
        }
      if (name == NULL || ctor == NULL)
        {
          set_damaged (error, self->path, _("device %u has no %s"), id,
                       name == NULL ? "name" : "constructor");
          sqlite3_reset (st);
          return FALSE;
        }
      d = ms_device_new (id, name, ctor);
      d->placed = sqlite3_column_int (st, 3) != 0;
      d->x = sqlite3_column_double (st, 4);
      d->y = sqlite3_column_double (st, 5);
      if (sqlite3_column_int (st, 6) != 0)
        d->custom = ms_custom_new (column_text (st, 7), column_text (st, 8));
      g_ptr_array_add (c->devices, d);
      g_hash_table_insert (c->by_id, GUINT_TO_POINTER (id), d);
    }
  return finish_rows (self, st, rc, error);
}

static gboolean
read_options (Store *self, Content *c, GError **error)
{
  sqlite3_stmt *st = get_statement (self, ST_LOAD_OPTIONS, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      const char *name = column_text (st, 1);
      const char *value = column_text (st, 2);
      MsDevice *d;
      guint id = 0;

      if (!column_id (st, 0, &id)
          || (d = g_hash_table_lookup (c->by_id, GUINT_TO_POINTER (id))) == NULL)
        continue;   /* orphan option of a device that is gone */
      if (name == NULL || value == NULL)
        {
          set_damaged (error, self->path, _("an option of device %u (%s) has no %s"),
                       id, d->name, name == NULL ? "name" : "value");
          sqlite3_reset (st);
          return FALSE;
        }
      g_hash_table_replace (d->options, g_strdup (name), g_strdup (value));
    }
  return finish_rows (self, st, rc, error);
}

static gboolean
read_custom_parts (Store *self, Content *c, GError **error)
{
  sqlite3_stmt *st;
  int rc;
  guint id;
  MsCustom *custom;

  if ((st = get_statement (self, ST_LOAD_PACKAGES, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      const char *text = column_text (st, 2);
      g_autoptr(GError) local_error = NULL;
      MsPackage *p;

      if (!column_id (st, 0, &id) || (custom = custom_of (c, id)) == NULL)
        continue;
      if (text == NULL || (p = ms_package_parse (text, &local_error)) == NULL)
        {
          set_damaged (error, self->path, _("package %d of device %u cannot be read (%s)"),
                       sqlite3_column_int (st, 1) + 1, id,
                       local_error != NULL ? local_error->message : _("it is empty"));
          sqlite3_reset (st);
          return FALSE;
        }
      g_ptr_array_add (custom->packages, p);
    }
  if (!finish_rows (self, st, rc, error))
    return FALSE;

  if ((st = get_statement (self, ST_LOAD_ARGS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      if (!column_id (st, 0, &id) || (custom = custom_of (c, id)) == NULL)
        continue;
      if (column_text (st, 2) == NULL)
        {
          set_damaged (error, self->path, _("runtime argument %d of device %u has no name"),
                       sqlite3_column_int (st, 1) + 1, id);
          sqlite3_reset (st);
          return FALSE;
        }
      g_ptr_array_add (custom->runtime_args,
                       ms_arg_decl_new (column_text (st, 2), column_text (st, 3),
                                        column_text (st, 4), column_text (st, 5)));
    }
  if (!finish_rows (self, st, rc, error))
    return FALSE;

  if ((st = get_statement (self, ST_LOAD_DEPS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      guint dep;

      if (!column_id (st, 0, &id) || (custom = custom_of (c, id)) == NULL)
        continue;
      if (!column_id (st, 2, &dep))
        {
          set_damaged (error, self->path, _("dependency %d of device %u is not a device id"),
                       sqlite3_column_int (st, 1) + 1, id);
          sqlite3_reset (st);
          return FALSE;
        }
      g_array_append_val (custom->deps, dep);
    }
  return finish_rows (self, st, rc, error);
}

static gboolean
read_connections_and_settings (Store *self, Content *c, GError **error)
{
  sqlite3_stmt *st;
  int rc;

  if ((st = get_statement (self, ST_LOAD_CONNECTIONS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      Connection *conn = g_new0 (Connection, 1);
      const char *param = column_text (st, 1);

      if (!column_id (st, 0, &conn->target) || param == NULL || !column_id (st, 2, &conn->source))
        {
          set_damaged (error, self->path, _("a connection into device %s, parameter %s, "
                       "does not name a device and parameter"),
                       column_text (st, 0) != NULL ? column_text (st, 0) : "NULL",
                       param != NULL ? param : "NULL");
          g_free (conn);
          sqlite3_reset (st);
          return FALSE;
        }
      conn->param = g_strdup (param);
      g_ptr_array_add (c->connections, conn);
    }
  if (!finish_rows (self, st, rc, error))
    return FALSE;

  if ((st = get_statement (self, ST_LOAD_SETTINGS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      const char *name = column_text (st, 0);
      const char *value = column_text (st, 1);

      if (name == NULL || value == NULL)
        {
          set_damaged (error, self->path, _("setting %s has no %s"),
                       name != NULL ? name : "NULL", name == NULL ? "name" : "value");
          sqlite3_reset (st);
          return FALSE;
        }
      g_ptr_array_add (c->settings, g_strdup (name));
      g_ptr_array_add (c->settings, g_strdup (value));
    }
  return finish_rows (self, st, rc, error);
}

static const char *
text_or_empty (sqlite3_stmt *st, int col)
{
  const char *t = column_text (st, col);
  return t != NULL ? t : "";
}

/* Format 3: connect code, choices, item lists, declarations. */
static gboolean
read_v4_parts (Store *self, Content *c, GError **error)
{
  sqlite3_stmt *st;
  int rc;
  guint id;
  MsCustom *custom;

  if ((st = get_statement (self, ST_LOAD_EXTRAS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      if (!column_id (st, 0, &id) || (custom = custom_of (c, id)) == NULL)
        continue;
      custom->connect = g_strdup (column_text (st, 1));
      if (column_text (st, 2) != NULL)
        {
          custom->choice = ms_choice_new (column_text (st, 2), column_text (st, 3));
          custom->choice->has_default = sqlite3_column_int (st, 4) != 0;
        }
    }
  if (!finish_rows (self, st, rc, error))
    return FALSE;

  if ((st = get_statement (self, ST_LOAD_ITEMS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      const char *list = text_or_empty (st, 1), *text = text_or_empty (st, 3);

      if (!column_id (st, 0, &id) || (custom = custom_of (c, id)) == NULL)
        continue;
      if (g_str_equal (list, "lib"))
        g_ptr_array_add (custom->local_libs, g_strdup (text));
      else if (g_str_equal (list, "key"))
        g_ptr_array_add (custom->keys, g_strdup (text));
      else if (g_str_equal (list, "labelled"))
        g_ptr_array_add (custom->labelled, ms_labelled_new (text, text_or_empty (st, 4)));
      else if (g_str_equal (list, "case") && custom->choice != NULL)
        g_ptr_array_add (custom->choice->cases, g_strdup (text));
      else
        {
          set_damaged (error, self->path, "device %u has a %s item but is not a choice", id, list);
          sqlite3_reset (st);
          return FALSE;
        }
    }
  if (!finish_rows (self, st, rc, error))
    return FALSE;

  if ((st = get_statement (self, ST_LOAD_DECLS, error)) == NULL)
    return FALSE;
  while (next_row (st, &rc))
    {
      MsDeclKind kind;
      MsDecl *d;
      g_auto(GStrv) flags = NULL;

      if (!ms_decl_kind_from_string (column_text (st, 0), &kind) || column_text (st, 1) == NULL)
        {
          set_damaged (error, self->path, "a declaration has no kind or name");
          sqlite3_reset (st);
          return FALSE;
        }
      d = ms_decl_new (kind, column_text (st, 1));
#define TAKE(field, col) (g_free (d->field), d->field = g_strdup (text_or_empty (st, col)))
      TAKE (constructor, 2);
      TAKE (binding, 3);
      TAKE (arg_kind, 4);
      TAKE (conv, 5);
      TAKE (default_value, 6);
      TAKE (group, 7);
      TAKE (doc, 8);
      TAKE (docv, 9);
#undef TAKE
      flags = g_strsplit (text_or_empty (st, 10), "\n", -1);
      for (guint i = 0; flags[i] != NULL; i++)
        if (*flags[i] != '\0')
          g_ptr_array_add (d->flags, g_strdup (flags[i]));
      g_ptr_array_add (c->decls, d);
    }
  return finish_rows (self, st, rc, error);
}

static gboolean
has_table (Store *self, const char *name)
{
  sqlite3_stmt *st = NULL;
  gboolean found;

  if (sqlite3_prepare_v2 (self->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                          -1, &st, NULL) != SQLITE_OK)
    return FALSE;
  bind_text (st, 1, name);
  found = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return found;
}

/* Reads everything, inside the caller's transaction. */
static Content *
read_content (Store *self, GError **error)
{
  g_autoptr(Content) c = content_new ();

  if (!read_devices (self, c, error)
      || !read_options (self, c, error)
      || !read_custom_parts (self, c, error)
      || !read_connections_and_settings (self, c, error))
    return NULL;
  /* an older format opened read-only is read as it is (no format 4 tables) */
  if (has_table (self, "decl") && !read_v4_parts (self, c, error))
    return NULL;
  return g_steal_pointer (&c);
}

/* A file from before SCHEMA_WITH_MIRAGE read without upgrading it: it
 * targets 4.10, as the migration would record. */
static void
content_default_version (Content *c)
{
  for (guint i = 0; i + 1 < c->settings->len; i += 2)
    if (g_str_equal (g_ptr_array_index (c->settings, i), MS_SETTING_MIRAGE))
      return;
  g_ptr_array_add (c->settings, g_strdup (MS_SETTING_MIRAGE));
  g_ptr_array_add (c->settings, g_strdup ("4.10"));
}

static void
content_apply (Content *c, MsDocument *doc, gboolean reloaded)
{
  gsize n_devices = 0;
  g_autofree gpointer *devices = g_ptr_array_steal (c->devices, &n_devices);

  g_hash_table_remove_all (c->by_id);
  ms_document_load_begin (doc);
  for (gsize i = 0; i < n_devices; i++)
    ms_document_load_device (doc, devices[i]);
  for (guint i = 0; i < c->connections->len; i++)
    {
      const Connection *conn = g_ptr_array_index (c->connections, i);

      ms_document_load_connection (doc, conn->target, conn->param, conn->source);
    }
  for (guint i = 0; i + 1 < c->settings->len; i += 2)
    ms_document_load_setting (doc, g_ptr_array_index (c->settings, i),
                              g_ptr_array_index (c->settings, i + 1));
  for (guint i = 0; i < c->decls->len; i++)
    ms_document_load_decl (doc, ms_decl_copy (c->decls->pdata[i]));
  ms_document_load_end (doc, reloaded);
}

/* Reads the file into doc if another connection committed since we last
 * looked. Must run inside a transaction, so that what we read is what the
 * next write builds on. */
static gboolean
reload_if_changed (Store *self, MsDocument *doc, GError **error)
{
  gint64 data_version, user_version;
  g_autoptr(Content) c = NULL;

  if (!query_int (self, ST_DATA_VERSION, &data_version, error))
    return FALSE;
  if (data_version == self->data_version)
    return TRUE;

  /* A newer Mirage Studio may have upgraded the file while we had it
   * open; writing our format into it could break it for that version. */
  if (!query_int (self, ST_USER_VERSION, &user_version, error))
    return FALSE;
  if (user_version > SCHEMA_VERSION)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NEWER_VERSION,
                   _("“%s” was upgraded by a newer Mirage Studio while open here "
                   "(project format %lld; this version reads up to %d)"),
                   self->path, (long long) user_version, SCHEMA_VERSION);
      return FALSE;
    }
  if ((c = read_content (self, error)) == NULL)
    return FALSE;
  content_apply (c, doc, TRUE);
  self->data_version = data_version;
  return TRUE;
}

/* ---- the document backend --------------------------------------------------- */

static gboolean
backend_begin (gpointer data, MsDocument *doc, GError **error)
{
  Store *self = data;
  sqlite3_stmt *st = get_statement (self, ST_BEGIN, error);

  /* a link made while the file is open counts as much */
  if (!check_single_name (self->path, error))
    return FALSE;
  if (st == NULL || !run (self, st, N_("start saving"), error))
    return FALSE;
  if (!reload_if_changed (self, doc, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
backend_write (gpointer data, MsDocument *doc, const MsEdit *edit, GError **error)
{
  return write_edit (data, edit, error);
}

static gboolean
backend_commit (gpointer data, MsDocument *doc, GError **error)
{
  Store *self = data;
  sqlite3_stmt *st = get_statement (self, ST_COMMIT, error);

  if (st != NULL && run (self, st, N_("save"), error))
    return TRUE;
  /* A failed COMMIT (disk full, I/O error) may leave the transaction
   * open; end it so the file keeps the state before this step. */
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
backend_rollback (gpointer data, MsDocument *doc)
{
  Store *self = data;

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static const MsDocumentBackend store_backend = {
  backend_begin,
  backend_write,
  backend_commit,
  backend_rollback,
};

static Store *
store_of (MsDocument *doc)
{
  return g_object_get_data (G_OBJECT (doc), STORE_KEY);
}

static void
attach (MsDocument *doc, Store *self)
{
  g_object_set_data_full (G_OBJECT (doc), STORE_KEY, self, (GDestroyNotify) store_free);
  ms_document_set_backend (doc, &store_backend, self);
}

const char *
ms_store_get_path (MsDocument *doc)
{
  Store *self;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), NULL);
  self = store_of (doc);
  return self != NULL ? self->path : NULL;
}

/* ---- validating a file before touching it -------------------------------- */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
file_exists_nonempty (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_size > 0;
}

/* Reads the first len bytes of path; FALSE if it has fewer. */
static gboolean
read_prefix (const char *path, guint8 *buf, gsize len)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gsize n = 0;

  if (fd < 0)
    return FALSE;
  while (n < len)
    {
      gssize r = read (fd, buf + n, len - n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  close (fd);
  return n == len;
}

/* Checks what can be checked without SQLite: existence, the magic, and the
 * size the header promises. Sets *wal_mode from the header. */
static gboolean
check_header (const char *path, gboolean *wal_mode, GError **error)
{
  static const char magic[16] = "SQLite format 3";   /* with its NUL */
  guint8 header[100];
  GStatBuf st;
  gssize n = 0;
  int fd;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR,
                   saved == ENOENT ? MS_STORE_ERROR_NOT_FOUND : MS_STORE_ERROR_IO,
                   saved == ENOENT ? _("“%s” does not exist") : _("“%s” cannot be read: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Mirage Studio project (not a file)"), path);
      return FALSE;
    }
  if ((fd = g_open (path, O_RDONLY | O_CLOEXEC, 0)) < 0)
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                   _("“%s” cannot be read: %s"), path, g_strerror (saved));
      return FALSE;
    }
  while (n < (gssize) sizeof header)
    {
      gssize r = read (fd, header + n, sizeof header - n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  close (fd);

  if (n < 16 || memcmp (header, magic, 16) != 0)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Mirage Studio project (not an SQLite database)"), path);
      return FALSE;
    }
  if (n < (gssize) sizeof header)
    {
      set_damaged (error, path, _("it is truncated (%lld bytes)"), (long long) n);
      return FALSE;
    }
  *wal_mode = header[18] == 2 && header[19] == 2;

  /* The in-header page count is valid when the "version valid for" field
   * matches the change counter. Without a WAL that still has to be
   * checkpointed (which may legitimately hold pages beyond the end of the
   * main file), a shorter file has lost its tail. */
  {
    guint32 page_size = ((guint32) header[16] << 8) | header[17];
    guint32 n_pages = read_be32 (header + 28);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);

    if (page_size == 1)
      page_size = 65536;
    if (page_size < 512 || (page_size & (page_size - 1)) != 0)
      {
        set_damaged (error, path, _("its header is invalid (page size %u)"), page_size);
        return FALSE;
      }
    if (n_pages > 0 && read_be32 (header + 92) == read_be32 (header + 24)
        && !file_exists_nonempty (wal)
        && (guint64) st.st_size < (guint64) n_pages * page_size)
      {
        set_damaged (error, path, _("it is truncated (%llu bytes of %llu)"),
                     (unsigned long long) st.st_size, (unsigned long long) n_pages * page_size);
        return FALSE;
      }
  }
  return TRUE;
}

/* "file:" URI for sqlite3_open_v2 with SQLITE_OPEN_URI. */
static char *
sqlite_uri (const char *path, const char *query)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);

  return g_strconcat ("file:", escaped, "?", query, NULL);
}

static gboolean
ro_query_int (sqlite3 *db, const char *path, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &st, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
      return TRUE;
    }
  set_sqlite_error (error, path, db, rc, N_("read the file"));
  sqlite3_finalize (st);
  return FALSE;
}

/* A rollback journal ("-journal") that a writer killed mid-transaction
 * left behind ("hot"): the main file may hold half of that transaction
 * until the journal is played back, which only a connection that may
 * write does. Our read-only look cannot, and would fail with "attempt to
 * write a readonly database" for ever; so a read-write connection that
 * just reads once does the rollback first (SQLite takes the exclusive
 * lock for it, and leaves a journal alone while its writer still holds
 * the lock, i.e. one that is not hot). Only for files that carry our
 * application id, so that another program's file is never written, and
 * only a journal that starts with SQLite's journal magic. This is the
 * case after a kill during a format-1 upgrade (the upgrade runs before
 * the switch to WAL), during the creation of a file by an older version,
 * or on a file system without WAL. */
static gboolean
recover_hot_journal (const char *path, GError **error)
{
  static const guint8 journal_magic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  guint8 head[100], jhead[8];
  gint64 busy_since = 0;
  sqlite3 *db = NULL;
  int rc;

  if (!read_prefix (journal, jhead, sizeof jhead)
      || memcmp (jhead, journal_magic, sizeof journal_magic) != 0
      || !read_prefix (path, head, sizeof head)
      || memcmp (head, "SQLite format 3", 16) != 0
      || read_be32 (head + 68) != MS_STORE_APPLICATION_ID)
    return TRUE;   /* nothing of ours to recover; the look decides */

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_handler (db, wait_for_lock, &busy_since);
      rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      int code = code_for_sqlite (db, rc);

      if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN
          || (rc & 0xff) == SQLITE_PERM)
        g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                     _("“%s” holds a change that a program stopped in the middle of "
                     "(its journal “%s” is left over); it cannot be read until it is opened "
                     "once with write access, which undoes that change"), path, journal);
      else if (code == MS_STORE_ERROR_BUSY)
        set_sqlite_error (error, path, db, rc, N_("undo an unfinished change"));
      else
        set_sqlite_error (error, path, db, rc, N_("undo an unfinished change left by a stopped program"));
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_close (db);
  return TRUE;
}

/* Refuses to write through a file that has other names: SQLite's -wal
 * and -shm files go by name, so two programs editing through two hard
 * links each keep a log the other never reads, and edits are lost
 * (integrity_check still says ok). Symbolic links are fine: SQLite
 * resolves them to the one real name. */
static gboolean
check_single_name (const char *path, GError **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_nlink <= 1)
    return TRUE;
  g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_LINKED,
               _("“%s” has %u hard-linked names; Mirage Studio does not write to a project "
               "with more than one name, because edits made through two names at once can be "
               "lost (reading is fine). Give it a file of its own: cp it to a new name, "
               "or remove the other links"), path, (guint) st.st_nlink);
  return FALSE;
}

/* The read-only look at a file; see the top of the file. If keep is not
 * NULL, the read-only connection is handed over on success. for_write:
 * the caller is about to write, so check the indexes too (see below). */
static gboolean
validate_file (const char *path, gboolean for_write, sqlite3 **keep, GError **error)
{
  gboolean wal_mode = FALSE;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 app_id, version;
  gboolean ok = FALSE;
  gint64 busy_since = 0;
  int rc;

  if (!recover_hot_journal (path, error)
      || !check_header (path, &wal_mode, error))
    return FALSE;

  /* A WAL-mode file nobody has open can be read as immutable, which
   * creates no -wal/-shm files; one with a non-empty -wal file must be
   * read normally, since the -wal holds committed changes. An empty -wal
   * holds nothing (a writer that failed on a full disk leaves one, with
   * its -shm): reading it normally would need the -shm, which a full
   * disk or read-only media may not give. */
  uri = sqlite_uri (path, wal_mode && !file_exists_nonempty (wal) ? "immutable=1" : "mode=ro");
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, path, db, rc, N_("open it"));
      goto out;
    }
  sqlite3_extended_result_codes (db, TRUE);
  /* A writer killed mid-transaction leaves a -wal that the next
   * connection must recover; while another process does so, readers
   * get SQLITE_BUSY and should wait like writers do. */
  sqlite3_busy_handler (db, wait_for_lock, &busy_since);

  if (!ro_query_int (db, path, "PRAGMA application_id", &app_id, error))
    goto out;
  if (app_id != MS_STORE_APPLICATION_ID)
    {
      if (app_id == 0)
        g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_A_PROJECT,
                     _("“%s” is not a Mirage Studio project (an SQLite database of another program)"),
                     path);
      else
        g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NOT_A_PROJECT,
                     _("“%s” is not a Mirage Studio project (an SQLite database of another "
                     "program, application id 0x%08llx)"), path, (unsigned long long) app_id);
      goto out;
    }
  if (!ro_query_int (db, path, "PRAGMA user_version", &version, error))
    goto out;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_NEWER_VERSION,
                   _("“%s” was written by a newer Mirage Studio (project format %lld"
                   "; this version reads up to %d)"), path, (long long) version, SCHEMA_VERSION);
      goto out;
    }
  if (version < 1)
    {
      set_damaged (error, path, _("it has no project format version"));
      goto out;
    }

  /* quick_check reads every page and checks the b-trees, not index
   * contents: a few milliseconds on a 10,000-device project (see the
   * timing in test-store), and it turns a truncated or overwritten file
   * into one clear error instead of a failure at some later edit.
   * Before writing, integrity_check also checks that every index matches
   * its table: an edit through an index that disagrees with its table
   * (a flipped bit) would spread the damage. It costs a few times
   * quick_check, once per opening for writing (see README, "Project
   * files"). */
  rc = sqlite3_prepare_v2 (db, for_write ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)",
                           -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, path, db, rc, N_("check it"));
      goto out;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (st, 0), "ok") != 0)
    {
      g_autofree char *why = g_strdup ((const char *) sqlite3_column_text (st, 0));

      set_damaged (error, path, _("the integrity check failed (%s)"),
                   why != NULL ? g_strdelimit (why, "\n", ' ') : _("no answer"));
      goto out;
    }
  sqlite3_finalize (st);
  st = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (required_tables); i++)
    {
      gint64 found = 0;
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema"
                                              " WHERE type = 'table' AND name = '%s'",
                                              required_tables[i]);

      if (!ro_query_int (db, path, sql, &found, error))
        goto out;
      if (found == 0)
        {
          set_damaged (error, path, _("table %s is missing"), required_tables[i]);
          goto out;
        }
    }
  ok = TRUE;
  if (keep != NULL)
    *keep = g_steal_pointer (&db);

out:
  sqlite3_finalize (st);
  sqlite3_close (db);
  return ok;
}

/* ---- opening ------------------------------------------------------------- */

/* Busy handler: retries every millisecond up to BUSY_TIMEOUT_MS.
 * SQLite's own (sqlite3_busy_timeout) backs off to 100 ms sleeps, so
 * against a process editing steadily the waiter keeps missing the short
 * gaps between its transactions and can starve for seconds; polling
 * often takes the lock within about a millisecond of its release. */
static int
wait_for_lock (void *data, int count)
{
  gint64 *since = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    *since = now;
  if (now - *since >= (gint64) BUSY_TIMEOUT_MS * 1000)
    return 0;
  g_usleep (1000);
  return 1;
}

static sqlite3 *
open_rw (const char *path, GError **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, path, db, rc, N_("open it for writing"));
      sqlite3_close (db);
      return NULL;
    }
  if (sqlite3_db_readonly (db, "main") == 1)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_READ_ONLY,
                   _("“%s” cannot be opened for writing (read-only file, folder or file system)"), path);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, TRUE);
  return db;
}

/* Pragmas for a connection that will write: outside any transaction. */
static gboolean
set_connection_pragmas (Store *self, GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean wal;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->path, self->db, rc, N_("set it up"));
      sqlite3_finalize (st);
      return FALSE;
    }
  wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (st, 0), "wal") == 0;
  sqlite3_finalize (st);
  /* On a file system without shared memory WAL is refused and the
   * rollback journal stays; NORMAL is still safe there against a killed
   * process. See the top of the file for why NORMAL. */
  if (!wal)
    g_debug ("“%s”: WAL mode unavailable, using a rollback journal", self->path);
  return exec (self, "PRAGMA synchronous = NORMAL", N_("set it up"), error);
}

static gboolean
migrate (Store *self, gint64 from, GError **error)
{
  g_autofree char *set_version = NULL;

  for (gint64 v = from; v < SCHEMA_VERSION; v++)
    {
      g_autofree char *doing = g_strdup_printf (_("upgrade it from project format %lld"),
                                                (long long) v);

      if (!exec (self, migrations[v - 1], doing, error))
        return FALSE;
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
  return exec (self, set_version, N_("upgrade it"), error);
}

/* Upgrades (if older) and reads the file in one transaction, recording the
 * data_version of what was read. */
static Content *
load (Store *self, GError **error)
{
  g_autoptr(Content) c = NULL;
  gint64 version;

  if (!query_int (self, ST_USER_VERSION, &version, error))
    return NULL;
  if (version < SCHEMA_VERSION)
    {
      /* Write lock first, then look again: another program may have
       * upgraded it in between. */
      if (!exec (self, "BEGIN IMMEDIATE", N_("upgrade it"), error)
          || !query_int (self, ST_USER_VERSION, &version, error))
        goto fail;
      if (version < SCHEMA_VERSION && !migrate (self, version, error))
        goto fail;
    }
  else if (!exec (self, "BEGIN", N_("read it"), error))
    return NULL;

  if ((c = read_content (self, error)) == NULL
      || !query_int (self, ST_DATA_VERSION, &self->data_version, error)
      || !exec (self, "COMMIT", N_("read it"), error))
    goto fail;
  return g_steal_pointer (&c);

fail:
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return NULL;
}

/* Validates path, opens it for writing and reads it: the connection a
 * document is attached to, and what the file holds (in *content). */
static Store *
open_for_writing (const char *path, Content **content, GError **error)
{
  g_autoptr(Store) self = NULL;
  g_autoptr(Content) c = NULL;
  sqlite3 *db;

  if (!check_single_name (path, error)
      || !validate_file (path, TRUE, NULL, error))
    return NULL;
  if ((db = open_rw (path, error)) == NULL)
    return NULL;
  self = store_new (path, db);
  /* foreign_keys now (it is a no-op inside a transaction); WAL only after
   * the contents proved readable, since it rewrites the header of a file
   * still in rollback mode. */
  if (!exec (self, "PRAGMA foreign_keys = ON", N_("set it up"), error)
      || (c = load (self, error)) == NULL
      || !set_connection_pragmas (self, error))
    return NULL;
  *content = g_steal_pointer (&c);
  return g_steal_pointer (&self);
}

MsDocument *
ms_store_open (const char *path, MsCatalog *catalog, GError **error)
{
  g_autoptr(Store) self = NULL;
  g_autoptr(Content) c = NULL;
  g_autoptr(MsDocument) doc = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((self = open_for_writing (path, &c, error)) == NULL)
    return NULL;

  doc = ms_document_new (catalog);
  content_apply (c, doc, FALSE);
  attach (doc, g_steal_pointer (&self));
  return g_steal_pointer (&doc);
}

MsDocument *
ms_store_open_read_only (const char *path, MsCatalog *catalog, GError **error)
{
  gint64 version = 0;
  g_autoptr(Store) self = NULL;
  g_autoptr(Content) c = NULL;
  MsDocument *doc;
  sqlite3 *db = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_file (path, FALSE, &db, error))
    return NULL;
  self = store_new (path, db);
  /* Older formats are read as they are: every migration so far only adds
   * to the schema, so the current statements read them. A migration that
   * changes columns must teach this path too. */
  if (!exec (self, "BEGIN", N_("read it"), error)
      || !query_int (self, ST_USER_VERSION, &version, error)
      || (c = read_content (self, error)) == NULL)
    return NULL;
  exec (self, "COMMIT", N_("read it"), NULL);
  /* what migration 2 -> 3 would record, without writing it */
  if (version < SCHEMA_WITH_MIRAGE)
    content_default_version (c);

  doc = ms_document_new (catalog);
  content_apply (c, doc, FALSE);
  return doc;
}

/* ---- creating ------------------------------------------------------------- */

/* Removes -wal/-shm files left next to a path whose database is gone or
 * about to be replaced by a new file: SQLite would otherwise replay a
 * stale WAL into the new database. */
static void
remove_stale_sidecars (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

/* Fills a new, empty database at path with the schema and doc's content,
 * in one transaction. Returns the open connection. */
static Store *
init_file (const char *path, MsDocument *doc, const char *app_name, GError **error)
{
  g_autoptr(Store) self = NULL;
  g_autofree char *pragmas = NULL;
  sqlite3_stmt *st = NULL;
  sqlite3 *db;
  int rc;

  if ((db = open_rw (path, error)) == NULL)
    return NULL;
  self = store_new (path, db);
  /* Header pragmas go in the creating transaction, written straight into
   * the main file (WAL comes after), so even a raw look at the header
   * knows the file. */
  pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = 1;",
                             MS_STORE_APPLICATION_ID);
  if (!exec (self, "PRAGMA foreign_keys = ON", N_("set it up"), error)
      || !exec (self, "BEGIN IMMEDIATE", N_("create it"), error)
      || !exec (self, schema_v1, N_("create it"), error)
      || !exec (self, pragmas, N_("create it"), error)
      || !migrate (self, 1, error))
    goto fail;

  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('created_with', ?1)",
                           -1, &st, NULL);
  if (rc == SQLITE_OK)
    {
      bind_text (st, 1, "Mirage Studio " MS_VERSION);
      rc = sqlite3_step (st);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, path, db, rc, N_("create it"));
      goto fail;
    }
  if (doc != NULL && !write_document (self, doc, error))
    goto fail;
  /* the version the document targets, whether set or its catalog's */
  if (doc != NULL
      && !write_keyed (self, ST_SETTING_SET, ST_SETTING_UNSET, 0, MS_SETTING_MIRAGE,
                       ms_document_get_mirage_version (doc), 0, "save a setting", error))
    goto fail;
  if (app_name != NULL
      && !write_keyed (self, ST_SETTING_SET, ST_SETTING_UNSET, 0, MS_SETTING_NAME, app_name, 0,
                       N_("save a setting"), error))
    goto fail;
  if (!exec (self, "COMMIT", N_("create it"), error)
      || !set_connection_pragmas (self, error))
    goto fail;
  return g_steal_pointer (&self);

fail:
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return NULL;
}

static char *make_temp_next_to (const char *path, GError **error);
static gboolean fsync_path (const char *path);

char *
ms_store_create_temporary (const char *path, MsCatalog *catalog, const char *app_name,
                           GError **error)
{
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(Store) self = NULL;
  g_autofree char *tmp = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((tmp = make_temp_next_to (path, error)) == NULL)
    return NULL;
  doc = ms_document_new (catalog);
  if ((self = init_file (tmp, doc, app_name, error)) == NULL)
    {
      ms_store_discard (tmp);
      return NULL;
    }
  /* closing checkpoints the WAL: the file is whole on its own */
  g_clear_pointer (&self, store_free);
  return g_steal_pointer (&tmp);
}

void
ms_store_discard (const char *temporary)
{
  g_return_if_fail (temporary != NULL);

  g_unlink (temporary);
  remove_stale_sidecars (temporary);
}

/* rename() that never replaces: renameat2's RENAME_NOREPLACE, or, on a
 * file system without it, link() (which fails on an existing name) and
 * unlink(). Sets errno on failure. */
static gboolean
rename_noreplace (const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return FALSE;
#endif
  if (link (from, to) != 0)
    return FALSE;
  g_unlink (from);
  return TRUE;
}

gboolean
ms_store_publish (const char *temporary, const char *path, GError **error)
{
  GStatBuf st;

  g_return_val_if_fail (temporary != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS, _("“%s” already exists"), path);
      return FALSE;
    }
  if (!fsync_path (temporary))
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR,
                   saved == ENOSPC ? MS_STORE_ERROR_FULL : MS_STORE_ERROR_IO,
                   _("“%s” cannot be written: %s"), path, g_strerror (saved));
      return FALSE;
    }
  /* -wal/-shm/-journal files of a project once at path would otherwise
   * be replayed into the new one */
  remove_stale_sidecars (path);
  if (!rename_noreplace (temporary, path))
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS, _("“%s” already exists"), path);
      else
        g_set_error (error, MS_STORE_ERROR,
                     saved == ENOENT ? MS_STORE_ERROR_NOT_FOUND : MS_STORE_ERROR_IO,
                     _("“%s” cannot be created: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

MsDocument *
ms_store_create (const char *path, MsCatalog *catalog, const char *app_name, GError **error)
{
  g_autofree char *tmp = NULL;
  MsDocument *doc;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS, _("“%s” already exists"), path);
      return NULL;
    }
  /* Made whole in a temporary, renamed into place, then opened the way
   * ms_store_open opens, so a created and a reopened project are the
   * same and a kill leaves either no file at path or a whole one. */
  if ((tmp = ms_store_create_temporary (path, catalog, app_name, error)) == NULL)
    return NULL;
  if (!ms_store_publish (tmp, path, error))
    {
      ms_store_discard (tmp);
      return NULL;
    }
  doc = ms_store_open (path, catalog, error);
  return doc;
}

/* ---- save as, refresh ------------------------------------------------------- */

static gboolean
same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0
         && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A new empty file next to path (same file system, so rename is atomic). */
static char *
make_temp_next_to (const char *path, GError **error)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *tmp = g_strdup_printf ("%s.tmp-%08x", path, g_random_int ());
      int fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

      if (fd >= 0)
        {
          close (fd);
          return g_steal_pointer (&tmp);
        }
      if (errno != EEXIST)
        {
          int saved = errno;

          g_set_error (error, MS_STORE_ERROR,
                       saved == ENOENT ? MS_STORE_ERROR_NOT_FOUND
                       : saved == ENOSPC || saved == EDQUOT ? MS_STORE_ERROR_FULL
                       : MS_STORE_ERROR_IO,
                       _("“%s” cannot be written: %s"), path, g_strerror (saved));
          return NULL;
        }
    }
  g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
               _("“%s” cannot be written: no free temporary name"), path);
  return NULL;
}

static gboolean
fsync_path (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

gboolean
ms_store_save_as (MsDocument *doc, const char *path, GError **error)
{
  Store *self;
  g_autofree char *tmp = NULL;
  g_autofree char *wal = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self = store_of (doc);
  if (self != NULL && same_file (self->path, path))
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS,
                   _("“%s” is this project's own file"), path);
      return FALSE;
    }
  /* A -wal next to an existing file: it is open somewhere, or holds
   * changes not yet checkpointed; replacing it would lose them. */
  wal = g_strconcat (path, "-wal", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS) && g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_BUSY,
                   _("“%s” is a project open in a program right now (or not closed cleanly); "
                   "it cannot be replaced"), path);
      return FALSE;
    }

  if ((tmp = make_temp_next_to (path, error)) == NULL)
    return FALSE;

  if (self != NULL)
    {
      /* VACUUM INTO copies one read snapshot of the file, header pragmas
       * included, however many writers there are. */
      sqlite3_stmt *st = NULL;
      int rc = sqlite3_prepare_v2 (self->db, "VACUUM INTO ?1", -1, &st, NULL);

      if (rc == SQLITE_OK)
        {
          bind_text (st, 1, tmp);
          rc = sqlite3_step (st);
        }
      sqlite3_finalize (st);
      if (rc != SQLITE_DONE)
        {
          g_autofree char *doing = g_strdup_printf (_("copy it to “%s”"), path);

          set_sqlite_error (error, self->path, self->db, rc, doing);
          goto out;
        }
    }
  else
    {
      g_autoptr(Store) copy = init_file (tmp, doc, NULL, error);

      if (copy == NULL)
        goto out;
      /* Closing checkpoints the WAL into the file, so it is complete on
       * its own before it is renamed. */
    }

  if (!fsync_path (tmp))
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                   _("“%s” cannot be written: %s"), path, g_strerror (saved));
      goto out;
    }
  remove_stale_sidecars (path);
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, MS_STORE_ERROR, MS_STORE_ERROR_IO,
                   _("“%s” cannot be written: %s"), path, g_strerror (saved));
      goto out;
    }
  ok = TRUE;
  /* The file names the version the document targets (init_file); an
   * unattached document that only implied it (by its catalog) now says it
   * too, so that memory and file agree. Its meaning does not change. */
  if (self == NULL && ms_document_get_setting (doc, MS_SETTING_MIRAGE) == NULL)
    ms_document_load_setting (doc, MS_SETTING_MIRAGE, ms_document_get_mirage_version (doc));

out:
  if (!ok)
    {
      g_unlink (tmp);
      remove_stale_sidecars (tmp);
    }
  return ok;
}

gboolean
ms_store_save_as_and_switch (MsDocument *doc, const char *path, GError **error)
{
  Store *old;
  g_autoptr(Store) copy = NULL;
  g_autoptr(Content) c = NULL;
  gint64 data_version = 0;
  gboolean changed = FALSE;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Memory first made equal to the file, so that the copy is what the
   * user sees (a reload would drop the history anyway: it no longer
   * applies to what another program wrote). */
  old = store_of (doc);
  if (old != NULL && !ms_store_refresh (doc, error))
    return FALSE;
  if (!ms_store_save_as (doc, path, error))
    return FALSE;
  /* Another program may have committed between the refresh and the copy:
   * then the copy, not memory, is the truth, and memory is reloaded from
   * it below. data_version changes exactly when another connection
   * committed. */
  if (old != NULL)
    {
      if (!query_int (old, ST_DATA_VERSION, &data_version, error))
        return FALSE;
      changed = data_version != old->data_version;
    }
  if ((copy = open_for_writing (path, &c, error)) == NULL)
    return FALSE;
  /* The copy was in rollback mode; switching it to WAL counts as a change
   * in data_version. Nobody else has the new file open yet, so what was
   * read is what is there: start counting from now. */
  if (!query_int (copy, ST_DATA_VERSION, &copy->data_version, error))
    return FALSE;
  if (old == NULL)
    {
      /* an unattached document was written from memory: nothing else
       * could have changed it */
      changed = FALSE;
    }
  /* Replacing the object data frees the old connection (closing the
   * original file); the undo and redo stacks are the document's and stay. */
  attach (doc, g_steal_pointer (&copy));
  if (changed)
    content_apply (c, doc, TRUE);
  return TRUE;
}

gboolean
ms_store_refresh (MsDocument *doc, GError **error)
{
  Store *self;
  gboolean ok;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((self = store_of (doc)) == NULL)
    return TRUE;
  if (!exec (self, "BEGIN", N_("read it"), error))
    return FALSE;
  ok = reload_if_changed (self, doc, error);
  sqlite3_exec (self->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return ok;
}
