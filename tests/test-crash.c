/* test-crash.c: a killed Mirage Studio loses at most the change in flight.
 *
 * The test binary runs itself as a child ("--child PATH PREFIX") that
 * opens a project and adds devices PREFIX_0, PREFIX_1, ... one edit at a
 * time, writing "ack N" to its stdout (a pipe) after each edit returns.
 * The parent reads acks, sends SIGKILL at a moment picked by a seeded
 * generator, then reopens the file: every acknowledged device must be
 * there, at most one more (the edit in flight), and PRAGMA integrity_check
 * must pass. Rounds run on the same file, some with two children writing
 * at once, so a kill can land while the other process holds the lock.
 * /crash/hot-journal kills a writer in rollback-journal mode mid-
 * transaction: the project must open again, as it was before.
 */
#include "ms-store.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#define N_ROUNDS 12
#define MAX_CHILD_EDITS 100000   /* a child outliving a lost parent stops */

static MsCatalog *
load_catalog (void)
{
  g_autoptr(GError) error = NULL;
  MsCatalog *cat = ms_catalog_get_default ("4.10", &error);

  g_assert_no_error (error);
  return cat;
}

/* ---- child ------------------------------------------------------------------ */

static int
child_main (const char *path, const char *prefix)
{
  g_autoptr(MsCatalog) cat = load_catalog ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = ms_store_open (path, cat, &error);
  guint n = 0;

  if (doc == NULL)
    {
      fprintf (stderr, "child: %s\n", error->message);
      return 1;
    }
  /* carry on after the devices of earlier rounds */
  while (n < MAX_CHILD_EDITS)
    {
      g_autofree char *name = g_strdup_printf ("%s_%u", prefix, n);

      if (ms_document_find_device (doc, name) != NULL)
        {
          n++;
          continue;
        }
      if (ms_document_add_device (doc, "noop", name, &error) == 0)
        {
          fprintf (stderr, "child: %s\n", error->message);
          return 1;
        }
      /* one write() per ack, so the parent never reads half a line */
      printf ("ack %u\n", n);
      fflush (stdout);
      n++;
    }
  return 0;
}

/* ---- parent ------------------------------------------------------------------ */

typedef struct {
  const char *prefix;
  GPid pid;
  int fd;
  GString *buffer;
  int last_ack;      /* -1: none */
  int first_ack;     /* first ack number of this run, -1: none */
  gboolean eof;
} Child;

static void
spawn_child (Child *c, const char *self_exe, const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_exe, "--child", path, c->prefix, NULL };

  c->buffer = g_string_new (NULL);
  c->last_ack = -1;
  c->first_ack = -1;
  c->eof = FALSE;
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &c->pid, NULL, &c->fd, NULL, &error);
  g_assert_no_error (error);
}

/* Reads what is available; returns the number of new acks. */
static int
read_acks (Child *c)
{
  char chunk[4096];
  gssize n;
  int got = 0;
  char *nl;

  n = read (c->fd, chunk, sizeof chunk);
  if (n < 0 && errno == EINTR)
    return 0;
  if (n <= 0)
    {
      c->eof = TRUE;
      return 0;
    }
  g_string_append_len (c->buffer, chunk, n);
  while ((nl = strchr (c->buffer->str, '\n')) != NULL)
    {
      int ack;

      *nl = '\0';
      g_assert_cmpint (sscanf (c->buffer->str, "ack %d", &ack), ==, 1);
      if (c->first_ack < 0)
        c->first_ack = ack;
      g_assert_cmpint (ack, >, c->last_ack);
      c->last_ack = ack;
      got++;
      g_string_erase (c->buffer, 0, nl - c->buffer->str + 1);
    }
  return got;
}

/* Waits until `acks` acks have come from any child (or one has ended). */
static void
wait_for_acks (Child *children, guint n_children, int acks)
{
  int seen = 0;

  while (seen < acks)
    {
      struct pollfd fds[2];
      guint n = 0;

      for (guint i = 0; i < n_children; i++)
        if (!children[i].eof)
          fds[n++] = (struct pollfd) { .fd = children[i].fd, .events = POLLIN };
      if (n == 0)
        return;
      if (poll (fds, n, 10000) <= 0)
        g_error ("children stopped acknowledging edits");
      for (guint i = 0, k = 0; i < n_children; i++)
        {
          if (children[i].eof)
            continue;
          if (fds[k++].revents != 0)
            seen += read_acks (&children[i]);
        }
    }
}

static void
kill_and_drain (Child *c)
{
  int status = 0;

  kill (c->pid, SIGKILL);
  /* acks written before the kill are still in the pipe */
  while (!c->eof)
    read_acks (c);
  g_assert_cmpint (waitpid (c->pid, &status, 0), ==, c->pid);
  if (!(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL))
    g_error ("child %s ended by itself (status %d) before the kill", c->prefix, status);
  close (c->fd);
  g_spawn_close_pid (c->pid);
  g_string_free (c->buffer, TRUE);
}

/* Every acknowledged device is in the file; beyond them at most the one
 * in flight. Returns the number of the prefix's devices. */
static int
check_prefix (MsDocument *doc, const char *prefix, int acked_up_to)
{
  int present = 0;

  for (int i = 0; i <= acked_up_to + 1; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s_%d", prefix, i);
      gboolean there = ms_document_find_device (doc, name) != NULL;

      if (i <= acked_up_to && !there)
        g_error ("acknowledged edit %s is missing after the kill", name);
      present += there;
    }
  {
    g_autofree char *beyond = g_strdup_printf ("%s_%d", prefix, acked_up_to + 2);
    g_assert_null (ms_document_find_device (doc, beyond));
  }
  return present;
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "ok");
  sqlite3_finalize (st);
  sqlite3_close (db);
}

static void
test_kill (void)
{
  g_autoptr(MsCatalog) cat = load_catalog ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mstudio-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "crash.mstudio", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  int acked[2] = { -1, -1 };   /* highest ack ever seen per prefix */
  const char *prefixes[2] = { "a", "b" };

  g_assert_no_error (error);
  g_assert_nonnull (self_exe);
  {
    g_autoptr(MsDocument) doc = ms_store_create (path, cat, "crash", &error);
    g_assert_no_error (error);
  }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      /* every third round two processes write at once */
      guint n_children = round % 3 == 2 ? 2 : 1;
      Child children[2] = { { .prefix = prefixes[0] }, { .prefix = prefixes[1] } };
      int wait_acks = g_rand_int_range (rand, 0, 120);
      gulong jitter_us = g_rand_int_range (rand, 0, 3000);
      g_autoptr(MsDocument) doc = NULL;
      int total = 0;

      if (n_children == 1 && round % 2 == 1)
        children[0].prefix = prefixes[1];
      for (guint i = 0; i < n_children; i++)
        spawn_child (&children[i], self_exe, path);
      /* wait_acks == 0: the kill may land while the child is still
       * opening (reading, or upgrading) the file */
      wait_for_acks (children, n_children, wait_acks);
      g_usleep (jitter_us);
      for (guint i = 0; i < n_children; i++)
        kill_and_drain (&children[i]);

      for (guint i = 0; i < n_children; i++)
        {
          int p = children[i].prefix == prefixes[0] ? 0 : 1;
          acked[p] = MAX (acked[p], children[i].last_ack);
        }

      assert_integrity (path);
      doc = ms_store_open (path, cat, &error);
      g_assert_no_error (error);
      for (guint p = 0; p < 2; p++)
        total += check_prefix (doc, prefixes[p], acked[p]);
      g_assert_cmpuint (ms_document_get_n_devices (doc), ==, total);
      g_test_message ("round %u: %u process(es), killed after %d acks + %lu us; "
                      "acked a_%d b_%d, file has %d devices",
                      round, n_children, wait_acks, jitter_us, acked[0], acked[1], total);
      /* the devices that were in flight count as done for later rounds */
      for (guint p = 0; p < 2; p++)
        {
          g_autofree char *next = g_strdup_printf ("%s_%d", prefixes[p], acked[p] + 1);
          if (ms_document_find_device (doc, next) != NULL)
            acked[p]++;
        }
      g_clear_object (&doc);
      assert_integrity (path);
    }
  g_assert_cmpint (acked[0] + acked[1], >, 50);

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
}

/* ---- a hot rollback journal ------------------------------------------------- */

static char *
file_sum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

/* A writer in rollback-journal mode (a format-1 file being upgraded, a
 * file system without WAL, a project being created by an older version)
 * killed mid-transaction, after its page cache spilled into the file:
 * the file holds half a transaction and a hot -journal holds the undo.
 * Both ways of opening must roll it back (once) and read the project as
 * it was before the transaction, not refuse it for ever with "attempt to
 * write a readonly database". */
static void
test_hot_journal (void)
{
  g_autoptr(MsCatalog) cat = load_catalog ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mstudio-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "hot.mstudio", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.mstudio", NULL);
  g_autofree char *copy_journal = g_strconcat (copy, "-journal", NULL);
  g_autofree char *before = NULL, *after_kill = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  int status = 0;
  pid_t pid;

  g_assert_no_error (error);
  {
    g_autoptr(MsDocument) doc = ms_store_create (path, cat, "hot", &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *name = g_strdup_printf ("kept_%u", i);
        g_assert_cmpuint (ms_document_add_device (doc, "noop", name, &error), >, 0);
        g_assert_no_error (error);
      }
  }
  /* as a file system without WAL leaves it: rollback-journal mode */
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  before = file_sum (path);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* the writer: a transaction bigger than its page cache, so pages
       * are written into the file before the commit, then SIGKILL */
      sqlite3 *db = NULL;

      if (sqlite3_open (path, &db) != SQLITE_OK
          || sqlite3_exec (db, "PRAGMA cache_size = 2; BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        _exit (1);
      for (int i = 0; i < 400; i++)
        {
          char sql[512];

          g_snprintf (sql, sizeof sql,
                      "INSERT INTO device (id, name, ctor) VALUES (%d, 'lost_%d_%0200d', 'noop')",
                      1000 + i, i, i);
          if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
            _exit (2);
        }
      raise (SIGKILL);
      _exit (3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  /* the journal is hot: the file changed and only the journal can undo it */
  g_assert_true (g_file_test (journal, G_FILE_TEST_IS_REGULAR));
  after_kill = file_sum (path);
  g_assert_cmpstr (before, !=, after_kill);

  /* a second project left the same way, for the read-only way in */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  g_free (contents);
  g_assert_true (g_file_get_contents (journal, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy_journal, contents, len, NULL));

  {
    g_autoptr(MsDocument) ro = ms_store_open_read_only (copy, cat, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_document_get_n_devices (ro), ==, 5);
    g_assert_null (ms_document_find_device (ro, "lost_0"));
    g_assert_false (g_file_test (copy_journal, G_FILE_TEST_EXISTS));
  }
  {
    g_autoptr(MsDocument) doc = ms_store_open (path, cat, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 5);
    g_assert_nonnull (ms_document_find_device (doc, "kept_4"));
    g_assert_cmpuint (ms_document_add_device (doc, "noop", "after", &error), >, 0);
    g_assert_no_error (error);
  }
  assert_integrity (path);
  assert_integrity (copy);
  {
    g_autoptr(MsDocument) doc = ms_store_open (path, cat, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 6);
  }

  {
    const char *files[] = { path, journal, copy, copy_journal };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *wal = g_strconcat (files[i], "-wal", NULL);
        g_autofree char *shm = g_strconcat (files[i], "-shm", NULL);
        g_unlink (files[i]);
        g_unlink (wal);
        g_unlink (shm);
      }
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--child") == 0)
    return child_main (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/kill", test_kill);
  g_test_add_func ("/crash/hot-journal", test_hot_journal);
  return g_test_run ();
}
