/* test-resolve.c: resolution with libsolv (graph/ms-resolve), on small
 * repositories written here and on the opam-repository snapshot
 * (MS_OPAM_SNAPSHOT, unpacked by tests/opam-snapshot.sh), every answer
 * verified by the independent checker (graph/ms-opam-check). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ms-opam-check.h"
#include "ms-opam-repo.h"
#include "ms-opam-file.h"
#include "ms-resolve.h"
#include "ms-store.h"
#include "test-util.h"

#include <gio/gio.h>

static void
add (MsOpamRepo *repo, const char *name, const char *version, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("packages/%s/%s.%s/opam", name, name, version);
  g_assert_true (ms_opam_repo_add_text (repo, name, version, path, text, strlen (text), &error));
  g_assert_no_error (error);
}

static MsOpamRepo *
tiny_repo (void)
{
  MsOpamRepo *repo = ms_opam_repo_new (NULL);
  add (repo, "ocaml", "4.14.0", "opam-version: \"2.0\"\n");
  add (repo, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  add (repo, "ocaml-base-compiler", "4.14.0", "flags: compiler\n");
  add (repo, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  add (repo, "a", "1.0", "depends: [\"ocaml\" {>= \"4.08\"} \"b\" {< \"2.0\"}]\n"
                          "url { src: \"https://example.org/a-1.0.tbz\" checksum: \"sha256=aa\" }\n");
  add (repo, "a", "2.0", "depends: [\"ocaml\" {>= \"5.0\"} \"b\" {>= \"2.0\"}]\n");
  add (repo, "b", "1.5", "depends: [\"ounit\" {with-test}]\n");
  add (repo, "b", "2.0", "conflicts: [\"c\"]\n");
  add (repo, "b", "2.1", "available: os = \"win32\"\n");
  add (repo, "b", "3.0~beta", "flags: avoid-version\n");
  add (repo, "c", "1.0", "depends: [ (\"x\" {os = \"win32\"} | \"b\") ]\n");
  add (repo, "d", "1.0", "conflict-class: \"ssl\"\n");
  add (repo, "e", "1.0", "conflict-class: [\"ssl\"]\n");
  ms_opam_repo_finish (repo);
  return repo;
}

static MsResolution *
solve (MsResolver *r, const char *ocaml, ...)
{
  g_autoptr(MsResolveRequest) req = ms_resolve_request_new ();
  va_list ap;
  const char *name;
  va_start (ap, ocaml);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      const char *constraint = va_arg (ap, const char *);
      const char *devices[] = { name, NULL };
      g_autoptr(GError) error = NULL;
      g_assert_true (ms_resolve_request_add (req, name, constraint, devices, &error));
    }
  va_end (ap);
  req->ocaml = g_strdup (ocaml);
  {
    MsResolution *res = ms_resolver_solve (r, req);
    for (guint i = 0; i < res->problems->len; i++)
      {
        MsResolveProblem *p = res->problems->pdata[i];
        g_test_message ("problem: %s", p->message);
        for (guint k = 0; p->rules[k]; k++)
          g_test_message ("  rule: %s", p->rules[k]);
      }
    return res;
  }
}

static const MsResolvedPackage *
find (MsResolution *res, const char *name)
{
  for (guint i = 0; i < res->packages->len; i++)
    if (g_str_equal (((MsResolvedPackage *) res->packages->pdata[i])->name, name))
      return res->packages->pdata[i];
  return NULL;
}

/* the independent checker accepts the answer */
static void
assert_valid (MsOpamRepo *repo, MsResolution *res)
{
  g_autoptr(GHashTable) installed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) problems = NULL;
  for (guint i = 0; i < res->packages->len; i++)
    {
      MsResolvedPackage *p = res->packages->pdata[i];
      g_assert_null (g_hash_table_lookup (installed, p->name));
      g_hash_table_insert (installed, p->name, p->version);
    }
  problems = ms_opam_check_install_set (repo, installed, NULL);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("checker: %s\n", (char *) problems->pdata[i]);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_tiny_newest (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  g_autoptr(MsResolution) res = solve (r, NULL, "a", NULL, NULL);
  g_autofree char *def = ms_resolver_default_ocaml (r);

  g_assert_cmpstr (def, ==, "5.1.0");
  g_assert_true (res->ok);
  g_assert_cmpstr (find (res, "a")->version, ==, "2.0");
  /* 2.1 is not available here, 3.0~beta is avoid-version */
  g_assert_cmpstr (find (res, "b")->version, ==, "2.0");
  g_assert_cmpstr (find (res, "ocaml")->version, ==, "5.1.0");
  g_assert_true (find (res, "a")->requested);
  g_assert_cmpstr (find (res, "b")->device, ==, "a");
  g_assert_cmpstr (find (res, "b")->chain[0], ==, "a");
  g_assert_cmpstr (find (res, "b")->chain[1], ==, "b");
  g_assert_null (find (res, "ounit"));
  assert_valid (repo, res);
}

static void
test_tiny_ocaml_choice (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  g_autoptr(MsResolution) res = solve (r, "4.14.0", "a", NULL, NULL);

  g_assert_true (res->ok);
  g_assert_cmpstr (find (res, "a")->version, ==, "1.0");
  g_assert_cmpstr (find (res, "a")->url, ==, "https://example.org/a-1.0.tbz");
  g_assert_cmpstr (find (res, "a")->checksums[0], ==, "sha256=aa");
  g_assert_cmpstr (find (res, "b")->version, ==, "1.5");
  assert_valid (repo, res);
}

static void
test_tiny_conflict (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  g_autoptr(MsResolution) res = solve (r, "4.14.0", "a", ">= \"2.0\"", NULL);
  const MsResolveProblem *p;
  const MsDiagnostic *d;

  g_assert_false (res->ok);
  g_assert_cmpuint (res->problems->len, >=, 1);
  p = res->problems->pdata[0];
  g_assert_nonnull (strstr (p->message, "a"));
  g_assert_nonnull (g_strv_contains ((const char *const *) p->hints,
                                     "pick another OCaml (--ocaml VERSION)") ? "" : NULL);
  d = res->diagnostics->pdata[0];
  g_assert_cmpstr (d->code, ==, MS_DIAG_RESOLVE_CONFLICT);
}

static void
test_tiny_conflict_class (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  g_autoptr(MsResolution) res = solve (r, NULL, "d", NULL, "e", NULL, NULL);
  g_autoptr(MsResolution) one = solve (r, NULL, "d", NULL, NULL);
  g_autofree char *all = NULL;
  const MsResolveProblem *p;

  g_assert_false (res->ok);
  p = res->problems->pdata[0];
  all = g_strjoinv ("\n", p->rules);
  g_assert_nonnull (strstr (all, "ssl"));
  g_assert_true (g_strv_contains ((const char *const *) p->devices, "d"));
  g_assert_true (g_strv_contains ((const char *const *) p->devices, "e"));
  g_assert_true (one->ok);
}

static void
test_tiny_conflicts_and_filters (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  /* c needs b (x is for win32 only); b 2.0 conflicts with c: b 1.5 */
  g_autoptr(MsResolution) res = solve (r, "4.14.0", "c", NULL, NULL);
  g_assert_true (res->ok);
  g_assert_cmpstr (find (res, "b")->version, ==, "1.5");
  g_assert_null (find (res, "x"));
  assert_valid (repo, res);
}

static void
test_tiny_unknown (void)
{
  g_autoptr(MsOpamRepo) repo = tiny_repo ();
  g_autoptr(MsResolver) r = ms_resolver_new_from_repo (repo);
  g_autoptr(MsResolution) res = solve (r, NULL, "nonexistent", NULL, NULL);
  const MsResolveProblem *p;
  g_assert_false (res->ok);
  p = res->problems->pdata[0];
  g_assert_nonnull (strstr (p->message, "nonexistent"));
  g_assert_true (g_strv_contains ((const char *const *) p->devices, "nonexistent"));
}


/* ---- the cache ----------------------------------------------------------------------- */

static void
write_pkg (const char *root, const char *name, const char *version, const char *text)
{
  g_autofree char *nv = g_strdup_printf ("%s.%s", name, version);
  g_autofree char *dir = g_build_filename (root, "packages", name, nv, NULL);
  g_autofree char *path = g_build_filename (dir, "opam", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
solv_file (const char *cache)
{
  g_autoptr(GDir) d = g_dir_open (cache, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".solv"))
      return g_build_filename (cache, name, NULL);
  return NULL;
}

static char *
version_of (MsResolver *r, const char *name)
{
  g_autoptr(MsResolution) res = solve (r, NULL, name, NULL, NULL);
  g_assert_true (res->ok);
  return g_strdup (find (res, name)->version);
}

static char *
url_of (MsResolver *r, const char *name)
{
  g_autoptr(MsResolution) res = solve (r, NULL, name, NULL, NULL);
  const MsResolvedPackage *p;
  g_assert_true (res->ok);
  p = find (res, name);
  return p->url ? g_strdup_printf ("%s %s", p->url, p->checksums[0] ? p->checksums[0] : "-") : NULL;
}

/* the sources (URL, checksums) live beside the cached pool, read at the
 * first answer; a damaged or missing sources file costs the URLs, never
 * the answer */
static void
test_cache_sources (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "repo", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  g_autofree char *solv = NULL, *src = NULL, *text = NULL;
  const char *argv[] = { "rm", "-rf", tmp, NULL };
  const char *expect = "https://example.org/a-1.0.tbz sha256=aa";
  gboolean from_cache = FALSE;
  gsize len;

  write_pkg (root, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  write_pkg (root, "a", "1.0", "depends: [\"ocaml\"]\n"
                                "url { src: \"https://example.org/a-1.0.tbz\" checksum: \"sha256=aa\" }\n");
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
    g_autofree char *u = url_of (r, "a");
    g_assert_false (from_cache);
    g_assert_cmpstr (u, ==, expect);
  }
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
    g_autofree char *u = url_of (r, "a");
    g_assert_true (from_cache);
    g_assert_cmpstr (u, ==, expect);
  }
  solv = solv_file (cache);
  g_assert_nonnull (solv);
  solv[strlen (solv) - 5] = '\0';
  src = g_strconcat (solv, ".src", NULL);
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_assert_nonnull (strstr (text, "\na\t1.0\thttps://example.org/a-1.0.tbz\tsha256=aa\n"));
  /* a line that no longer matches its package: no URL, the same answer */
  {
    char *line = strstr (text, "\na\t1.0\t");
    line[3] = '9';
    g_assert_true (g_file_set_contents (src, text, (gssize) len, NULL));
  }
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
    g_autofree char *u = url_of (r, "a");
    g_autofree char *v = version_of (r, "a");
    g_assert_true (from_cache);
    g_assert_null (u);
    g_assert_cmpstr (v, ==, "1.0");
  }
  /* an index entry that is not a number, or points past the lines: no
   * URL, the same answer */
  {
    g_autofree char *bad = g_memdup2 (text, len + 1);
    char *index = strstr (bad, "\n\n") + 2;
    for (guint round = 0; round < 2; round++)
      {
        g_autoptr(MsResolver) r = NULL;
        g_autofree char *u = NULL;
        g_autofree char *v = NULL;
        /* every entry: "a" is one of them */
        for (char *c = index; *c != '\n'; c++)
          *c = round == 0 ? 'x' : 'f';
        g_assert_true (g_file_set_contents (src, bad, (gssize) len, NULL));
        r = ms_resolver_open (root, cache, &from_cache, NULL);
        u = url_of (r, "a");
        v = version_of (r, "a");
        g_assert_true (from_cache);
        g_assert_null (u);
        g_assert_cmpstr (v, ==, "1.0");
      }
  }
  /* gone, or cut short */
  for (guint round = 0; round < 2; round++)
    {
      if (round == 0)
        g_assert_cmpint (g_unlink (src), ==, 0);
      else
        g_assert_true (g_file_set_contents (src, text, 40, NULL));
      {
        g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
        g_autofree char *u = url_of (r, "a");
        g_assert_true (from_cache);
        g_assert_null (u);
      }
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* avoid-version and deprecated versions stay avoided in a pool read back
 * from the cache (their list is kept in the pool's meta data) */
static void
test_cache_avoided (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "repo", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  const char *argv[] = { "rm", "-rf", tmp, NULL };
  gboolean from_cache = FALSE;

  write_pkg (root, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  write_pkg (root, "a", "1.0", "depends: [\"ocaml\"]\n");
  write_pkg (root, "a", "2.0~beta", "flags: avoid-version\n");
  write_pkg (root, "b", "1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "b", "1.1", "flags: [deprecated]\n");
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
      g_autofree char *a = version_of (r, "a");
      g_autofree char *b = version_of (r, "b");
      g_assert_cmpint (from_cache, ==, round == 1);
      g_assert_cmpstr (a, ==, "1.0");
      g_assert_cmpstr (b, ==, "1.0");
      g_assert_true (ms_resolver_has (r, "a", "2.0~beta"));
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* an archive's hash is remembered against its stat; a changed archive is
 * hashed again, never taken for the old one */
static void
test_cache_archive (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "opam-repository", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  g_autofree char *tar = g_build_filename (tmp, "repo.tar.gz", NULL);
  const char *rm[] = { "rm", "-rf", tmp, NULL };
  const char *pack[] = { "tar", "-czf", tar, "-C", tmp, "opam-repository", NULL };
  gboolean from_cache = FALSE;
  int status;

  write_pkg (root, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  write_pkg (root, "a", "1.0", "depends: [\"ocaml\"]\n");
  g_assert_true (g_spawn_sync (NULL, (char **) pack, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(MsResolver) r = ms_resolver_open (tar, cache, &from_cache, NULL);
      g_autofree char *v = version_of (r, "a");
      g_assert_cmpint (from_cache, ==, round == 1);
      g_assert_cmpstr (v, ==, "1.0");
    }
  write_pkg (root, "a", "2.0", "depends: [\"ocaml\"]\n");
  g_usleep (10000); /* another modification time, whatever the file system's resolution */
  g_assert_true (g_spawn_sync (NULL, (char **) pack, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
  {
    g_autoptr(MsResolver) r = ms_resolver_open (tar, cache, &from_cache, NULL);
    g_autofree char *v = version_of (r, "a");
    g_assert_false (from_cache);
    g_assert_cmpstr (v, ==, "2.0");
  }
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
test_cache (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "repo", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  g_autofree char *solv = NULL;
  gboolean from_cache = TRUE;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "rm", "-rf", tmp, NULL };

  write_pkg (root, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  write_pkg (root, "a", "1.0", "depends: [\"ocaml\"]\n");
  write_pkg (root, "bad", "1.0", "depends: [\n");
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, &error);
    g_autofree char *v = NULL;
    g_assert_no_error (error);
    g_assert_false (from_cache);
    g_assert_cmpuint (ms_resolver_n_skipped (r), ==, 1);
    v = version_of (r, "a");
    g_assert_cmpstr (v, ==, "1.0");
  }
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
    g_autofree char *v = version_of (r, "a");
    g_assert_true (from_cache);
    g_assert_cmpstr (v, ==, "1.0");
    g_assert_cmpuint (ms_resolver_n_skipped (r), ==, 1);
  }
  /* damaged: a byte flipped in the pool, then a truncated file */
  solv = solv_file (cache);
  g_assert_nonnull (solv);
  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *text = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (solv, &text, &len, NULL));
      if (round == 0)
        text[len - 10] ^= 0x55;
      g_assert_true (g_file_set_contents (solv, text, round == 0 ? (gssize) len : (gssize) len / 2, NULL));
      {
        g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
        g_autofree char *v = version_of (r, "a");
        g_assert_false (from_cache);
        g_assert_cmpstr (v, ==, "1.0");
      }
    }
  /* stale: the repository changed */
  write_pkg (root, "a", "2.0", "depends: [\"ocaml\"]\n");
  {
    g_autoptr(MsResolver) r = ms_resolver_open (root, cache, &from_cache, NULL);
    g_autofree char *v = version_of (r, "a");
    g_assert_false (from_cache);
    g_assert_cmpstr (v, ==, "2.0");
  }
  /* not a repository */
  {
    g_autoptr(GError) e2 = NULL;
    g_autoptr(MsResolver) r = ms_resolver_open (cache, cache, NULL, &e2);
    g_assert_null (r);
    g_assert_nonnull (strstr (e2->message, "packages/"));
  }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* a conversion can be stopped between files (the studio's Cancel button):
 * NULL and G_IO_ERROR_CANCELLED, no cache file written, and the next open
 * converts in full; progress counts the files up to their total */
typedef struct {
  GCancellable *cancellable;
  guint stop_at;        /* cancel when this many files are read (0: never) */
  guint calls, last_done, total;
  gboolean monotonic;
} Progress;

static void
on_progress (guint done, guint total, gpointer data)
{
  Progress *p = data;

  p->monotonic &= done >= p->last_done && done <= total;
  p->calls++;
  p->last_done = done;
  p->total = total;
  if (p->stop_at != 0 && done >= p->stop_at)
    g_cancellable_cancel (p->cancellable);
}

static void
test_cache_cancel (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "repo", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  const char *argv[] = { "rm", "-rf", tmp, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress p = { cancellable, 64, 0, 0, 0, TRUE };
  gboolean from_cache = TRUE;

  write_pkg (root, "ocaml", "5.1.0", "opam-version: \"2.0\"\n");
  write_pkg (root, "ocaml-base-compiler", "5.1.0", "flags: compiler\n");
  /* 300 files: progress is reported every 64 */
  for (guint i = 0; i < 298; i++)
    {
      g_autofree char *v = g_strdup_printf ("1.%u", i);
      write_pkg (root, "a", v, "depends: [\"ocaml\"]\n");
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MsResolver) r = ms_resolver_open_full (root, cache, &from_cache, on_progress, &p, cancellable, &error);
    g_assert_null (r);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (from_cache);
    g_assert_cmpuint (p.total, ==, 300);
    g_assert_cmpuint (p.last_done, ==, 64);      /* stopped at the next file */
    g_assert_null (solv_file (cache));
    /* nothing at all in the cache folder: no pool, no sources */
    {
      g_autoptr(GDir) d = g_dir_open (cache, 0, NULL);
      g_assert_true (d == NULL || g_dir_read_name (d) == NULL);
    }
  }
  /* cancelled before it starts: the same */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MsResolver) r = ms_resolver_open_full (root, cache, NULL, NULL, NULL, cancellable, &error);
    g_assert_null (r);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (solv_file (cache));
  }
  /* not cancelled: the whole conversion, progress up to the total */
  {
    g_autoptr(GCancellable) fresh = g_cancellable_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(MsResolver) r = NULL;
    g_autofree char *solv = NULL;
    Progress q = { fresh, 0, 0, 0, 0, TRUE };
    r = ms_resolver_open_full (root, cache, &from_cache, on_progress, &q, fresh, &error);
    g_assert_no_error (error);
    g_assert_nonnull (r);
    g_assert_false (from_cache);
    g_assert_true (q.monotonic);
    g_assert_cmpuint (q.calls, ==, 300 / 64 + 1);
    g_assert_cmpuint (q.last_done, ==, 300);
    g_assert_cmpuint (q.total, ==, 300);
    solv = solv_file (cache);
    g_assert_nonnull (solv);
  }
  /* from the cache: no conversion, no progress */
  {
    Progress q = { NULL, 0, 0, 0, 0, TRUE };
    g_autoptr(MsResolver) r = ms_resolver_open_full (root, cache, &from_cache, on_progress, &q, NULL, NULL);
    g_autofree char *v = NULL;
    g_assert_nonnull (r);
    g_assert_true (from_cache);
    g_assert_cmpuint (q.calls, ==, 0);
    v = version_of (r, "a");
    g_assert_cmpstr (v, ==, "1.297");
  }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- the snapshot -------------------------------------------------------------------- */

static MsOpamRepo *snap_repo;
static MsResolver *snap_resolver;

static gboolean
snapshot (void)
{
  const char *root = g_getenv ("MS_OPAM_SNAPSHOT");
  if (root == NULL)
    {
      g_test_skip ("no opam-repository snapshot (MS_OPAM_SNAPSHOT)");
      return FALSE;
    }
  if (snap_repo == NULL)
    {
      g_autoptr(GError) error = NULL;
      snap_repo = ms_opam_repo_new (NULL);
      g_assert_true (ms_opam_repo_load (snap_repo, root, &error));
      snap_resolver = ms_resolver_new_from_repo (snap_repo);
    }
  return TRUE;
}

/* the checker also verifies the request's goals */
static void
assert_valid_request (MsResolution *res, const MsResolveRequest *req)
{
  g_autoptr(GHashTable) installed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) goals = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_opam_dep_free);
  g_autoptr(GPtrArray) problems = NULL;

  for (guint i = 0; i < res->packages->len; i++)
    {
      MsResolvedPackage *p = res->packages->pdata[i];
      g_assert_null (g_hash_table_lookup (installed, p->name));
      g_hash_table_insert (installed, p->name, p->version);
    }
  for (guint i = 0; i < req->goals->len; i++)
    {
      const MsResolveGoal *g = req->goals->pdata[i];
      g_autofree char *vc = g->vc ? ms_opam_vc_to_string (g->vc) : NULL;
      g_autofree char *text = vc ? g_strdup_printf ("\"%s\" {%s}", g->name, vc) : g_strdup_printf ("\"%s\"", g->name);
      g_ptr_array_add (goals, ms_opam_dep_parse (text, NULL, NULL));
    }
  if (res->ocaml != NULL)
    {
      g_autofree char *text = g_strdup_printf ("\"ocaml\" {= \"%s\"}", res->ocaml);
      g_ptr_array_add (goals, ms_opam_dep_parse (text, NULL, NULL));
    }
  problems = ms_opam_check_install_set (snap_repo, installed, goals);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("checker: %s\n", (char *) problems->pdata[i]);
  g_assert_cmpuint (problems->len, ==, 0);
}

static MsDocument *
example_document (const char *example, const char *dir)
{
  const char *mstudio = g_getenv ("MSTUDIO");
  g_autofree char *path = g_strdup_printf ("%s/%s.mstudio", dir, example);
  const char *argv[] = { mstudio, "new", path, "--name", example, "--example", example, NULL };
  int status = 0;
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(GError) error = NULL;
  MsDocument *doc;

  g_assert_nonnull (mstudio);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  doc = ms_store_open_read_only (path, cat, &error);
  g_assert_no_error (error);
  return doc;
}

static void
check_lock (const MsResolution *res, const char *text, gboolean monorepo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsOpamFile) f = ms_opam_file_parse ("lock", text, strlen (text), &error);
  const MsOpamValue *depends;
  guint vendored = 0;

  g_assert_no_error (error);
  depends = ms_opam_file_get (f, "depends");
  g_assert_nonnull (depends);
  g_assert_cmpuint (depends->items->len, ==, res->packages->len);
  for (guint i = 0; i < depends->items->len; i++)
    {
      const MsOpamValue *d = depends->items->pdata[i];
      const MsResolvedPackage *p = res->packages->pdata[i];
      const MsOpamValue *c;
      g_assert_cmpint (d->kind, ==, MS_OPAM_OPTION);
      g_assert_cmpstr (d->left->text, ==, p->name);
      c = d->items->pdata[0];
      if (c->kind == MS_OPAM_AND)
        {
          g_assert_true (monorepo);
          g_assert_cmpint (c->right->kind, ==, MS_OPAM_DEFINED);
          g_assert_cmpstr (c->right->left->text, ==, "vendor");
          vendored++;
          c = c->left;
        }
      g_assert_cmpint (c->kind, ==, MS_OPAM_PREFIX_RELOP);
      g_assert_cmpstr (c->text, ==, "=");
      g_assert_cmpstr (c->left->text, ==, p->version);
    }
  if (monorepo)
    {
      const MsOpamValue *dirs = ms_opam_file_get (f, "x-opam-monorepo-duniverse-dirs");
      g_assert_cmpuint (vendored, >, 0);
      g_assert_nonnull (dirs);
      g_assert_cmpuint (dirs->items->len, ==, vendored);
      for (guint i = 0; i < dirs->items->len; i++)
        {
          const MsOpamValue *e = dirs->items->pdata[i];
          g_assert_cmpint (e->kind, ==, MS_OPAM_LIST);
          g_assert_cmpuint (e->items->len, >=, 2);
          g_assert_true (g_str_has_prefix (((MsOpamValue *) e->items->pdata[0])->text, "http"));
        }
      g_assert_cmpstr (ms_opam_file_get (f, "x-opam-monorepo-version")->text, ==, "0.3");
      g_assert_nonnull (ms_opam_file_get (f, "x-opam-monorepo-root-packages"));
      g_assert_nonnull (ms_opam_file_get (f, "pin-depends"));
    }
  else
    g_assert_nonnull (ms_opam_file_get (f, "x-mstudio-sources"));
}

static void
test_snapshot_examples (void)
{
  static const char *const examples[] = { "hello", "kv_ro", "network", "http-server", "git-client" };
  g_autofree char *tmp = NULL;
  const char *argv[] = { "rm", "-rf", NULL, NULL };

  if (!snapshot ())
    return;
  tmp = g_dir_make_tmp ("ms-resolve-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr(MsDocument) doc = example_document (examples[i], tmp);
      g_autoptr(MsEvalGraph) graph = ms_eval (doc, NULL);
      g_autoptr(MsResolveRequest) req = ms_resolve_request_from_graph (graph);
      g_autoptr(MsResolution) res = ms_resolver_solve (snap_resolver, req);
      const char *roots[] = { "mirage", NULL };
      g_autofree char *opam = NULL;
      g_autofree char *mono = NULL;

      g_test_message ("%s: %u packages", examples[i], res->ok ? res->packages->len : 0);
      g_assert_true (res->ok);
      assert_valid_request (res, req);
      /* every package is tied to a device, or to the compiler */
      for (guint k = 0; k < res->packages->len; k++)
        {
          const MsResolvedPackage *p = res->packages->pdata[k];
          if (p->device != NULL)
            g_assert_cmpstr (p->chain[g_strv_length (p->chain) - 1], ==, p->name);
        }
      opam = ms_resolution_lock_text (res, examples[i], roots, FALSE);
      mono = ms_resolution_lock_text (res, examples[i], roots, TRUE);
      check_lock (res, opam, FALSE);
      check_lock (res, mono, TRUE);
    }
  argv[2] = tmp;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* random requests (1,000; see n_requests): each answer passes the independent checker */
static void
test_snapshot_random (void)
{
  g_autoptr(GPtrArray) names = NULL;
  GHashTableIter it;
  gpointer key;
  guint resolved = 0, conflicts = 0;
  GRand *rand;
  /* 1,000 in a normal build (about 5 s). Under AddressSanitizer every one of
   * libsolv's small reallocs of its rule arrays becomes a copy, and 1,000
   * solves take over 10 minutes of CPU: fewer there, unless
   * MS_RESOLVE_PROPERTY_N asks for more. */
#if defined(__SANITIZE_ADDRESS__)
  guint n_requests = 250;
#else
  guint n_requests = 1000;
#endif
  if (g_getenv ("MS_RESOLVE_PROPERTY_N") != NULL)
    n_requests = (guint) g_ascii_strtoull (g_getenv ("MS_RESOLVE_PROPERTY_N"), NULL, 10);

  if (!snapshot ())
    return;
  names = g_ptr_array_new ();
  g_hash_table_iter_init (&it, snap_repo->names);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  rand = g_rand_new_with_seed (20260822);
  for (guint n = 0; n < n_requests; n++)
    {
      g_autoptr(MsResolveRequest) req = ms_resolve_request_new ();
      g_autoptr(MsResolution) res = NULL;
      guint k = 1 + g_rand_int_range (rand, 0, 3);
      for (guint j = 0; j < k; j++)
        {
          const char *name = names->pdata[g_rand_int_range (rand, 0, names->len)];
          GPtrArray *vs = ms_opam_repo_versions (snap_repo, name);
          const MsOpamPackage *pick = vs->pdata[g_rand_int_range (rand, 0, vs->len)];
          const char *devices[] = { "device", NULL };
          g_autofree char *c = NULL;
          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0: c = NULL; break;
            case 1: c = g_strdup_printf (">= \"%s\"", pick->version); break;
            default: c = g_strdup_printf ("= \"%s\"", pick->version); break;
            }
          g_assert_true (ms_resolve_request_add (req, name, c, devices, NULL));
        }
      /* every 10th conflict explained in full: explanations cost more than solving */
      req->brief = n % 10 != 0;
      res = ms_resolver_solve (snap_resolver, req);
      if (res->ok)
        {
          resolved++;
          assert_valid_request (res, req);
        }
      else
        {
          conflicts++;
          g_assert_cmpuint (res->problems->len, >, 0);
          g_assert_cmpuint (res->diagnostics->len, ==, res->problems->len);
        }
    }
  g_rand_free (rand);
  g_test_message ("%u resolved, %u conflicts", resolved, conflicts);
  g_assert_cmpuint (resolved, >, n_requests / 2);
}

/* Requests for the cross-check with the real opam (tests/opam-crosscheck.sh):
 * with MS_RESOLVE_CROSSCHECK_OUT=FILE, MS_RESOLVE_CROSSCHECK_N (default 10)
 * random requests drawn from the snapshot that resolve (their own seed,
 * one to three packages, as above), one JSON object per line: the
 * request as opam's command-line atoms and our install set. */
static void
test_snapshot_crosscheck_requests (void)
{
  const char *out_path = g_getenv ("MS_RESOLVE_CROSSCHECK_OUT");
  const char *n_text = g_getenv ("MS_RESOLVE_CROSSCHECK_N");
  guint n_wanted = n_text ? (guint) g_ascii_strtoull (n_text, NULL, 10) : 10;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GHashTableIter it;
  gpointer key;
  GRand *rand;
  guint found = 0;

  if (out_path == NULL)
    {
      g_test_skip ("MS_RESOLVE_CROSSCHECK_OUT not set (tests/opam-crosscheck.sh sets it)");
      return;
    }
  if (!snapshot ())
    return;
  names = g_ptr_array_new ();
  g_hash_table_iter_init (&it, snap_repo->names);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  rand = g_rand_new_with_seed (20261206);
  for (guint n = 0; found < n_wanted && n < 100 * n_wanted; n++)
    {
      g_autoptr(MsResolveRequest) req = ms_resolve_request_new ();
      g_autoptr(MsResolution) res = NULL;
      g_autoptr(GPtrArray) atoms = g_ptr_array_new_with_free_func (g_free);
      guint k = 1 + g_rand_int_range (rand, 0, 3);
      gint64 t0, t1;
      for (guint j = 0; j < k; j++)
        {
          const char *name = names->pdata[g_rand_int_range (rand, 0, names->len)];
          GPtrArray *vs = ms_opam_repo_versions (snap_repo, name);
          const MsOpamPackage *pick = vs->pdata[g_rand_int_range (rand, 0, vs->len)];
          const char *devices[] = { "device", NULL };
          g_autofree char *c = NULL;
          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              g_ptr_array_add (atoms, g_strdup (name));
              break;
            case 1:
              c = g_strdup_printf (">= \"%s\"", pick->version);
              g_ptr_array_add (atoms, g_strdup_printf ("%s>=%s", name, pick->version));
              break;
            default:
              c = g_strdup_printf ("= \"%s\"", pick->version);
              g_ptr_array_add (atoms, g_strdup_printf ("%s=%s", name, pick->version));
              break;
            }
          g_assert_true (ms_resolve_request_add (req, name, c, devices, NULL));
        }
      req->brief = TRUE;
      t0 = g_get_monotonic_time ();
      res = ms_resolver_solve (snap_resolver, req);
      t1 = g_get_monotonic_time ();
      if (!res->ok)
        continue;
      assert_valid_request (res, req);
      found++;
      g_string_append (out, "{\"request\": [");
      for (guint j = 0; j < atoms->len; j++)
        g_string_append_printf (out, "%s\"%s\"", j ? ", " : "", (char *) atoms->pdata[j]);
      /* our solve time, for tools/opam-crosscheck's comparison with opam */
      g_string_append_printf (out, "], \"ocaml\": \"%s\", \"ms\": %.3f, \"packages\": [",
                              res->ocaml, (double) (t1 - t0) / 1000.0);
      for (guint j = 0; j < res->packages->len; j++)
        {
          const MsResolvedPackage *p = res->packages->pdata[j];
          g_string_append_printf (out, "%s\"%s.%s\"", j ? ", " : "", p->name, p->version);
        }
      g_string_append (out, "]}\n");
    }
  g_rand_free (rand);
  g_assert_cmpuint (found, ==, n_wanted);
  g_assert_true (g_file_set_contents (out_path, out->str, (gssize) out->len, NULL));
}

static void
test_snapshot_unsatisfiable (void)
{
  g_autoptr(MsResolution) res = NULL;
  const MsResolveProblem *p;

  if (!snapshot ())
    return;
  /* two compilers at once: never a wrong answer */
  res = solve (snap_resolver, "5.1.0", "ocaml-base-compiler", "= \"4.14.0\"", NULL);
  g_assert_false (res->ok);
  p = res->problems->pdata[0];
  g_assert_true (g_strv_contains ((const char *const *) p->devices, "ocaml-base-compiler"));
  g_assert_true (g_strv_contains ((const char *const *) p->hints, "pick another OCaml (--ocaml VERSION)"));
}

static void
test_snapshot_default_ocaml (void)
{
  g_autofree char *v = NULL;
  if (!snapshot ())
    return;
  v = ms_resolver_default_ocaml (snap_resolver);
  /* the newest release with a base compiler, not 5.6.0 (no compiler yet) nor a ~ prerelease */
  g_assert_nonnull (v);
  g_assert_null (strchr (v, '~'));
  g_assert_true (ms_opam_repo_find (snap_repo, "ocaml-base-compiler", v) != NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/resolve/tiny/newest", test_tiny_newest);
  g_test_add_func ("/resolve/tiny/ocaml-choice", test_tiny_ocaml_choice);
  g_test_add_func ("/resolve/tiny/conflict", test_tiny_conflict);
  g_test_add_func ("/resolve/tiny/conflict-class", test_tiny_conflict_class);
  g_test_add_func ("/resolve/tiny/conflicts-and-filters", test_tiny_conflicts_and_filters);
  g_test_add_func ("/resolve/tiny/unknown", test_tiny_unknown);
  g_test_add_func ("/resolve/cache", test_cache);
  g_test_add_func ("/resolve/cache/sources", test_cache_sources);
  g_test_add_func ("/resolve/cache/archive", test_cache_archive);
  g_test_add_func ("/resolve/cache/avoided", test_cache_avoided);
  g_test_add_func ("/resolve/cache/cancel", test_cache_cancel);
  g_test_add_func ("/resolve/snapshot/examples", test_snapshot_examples);
  g_test_add_func ("/resolve/snapshot/random", test_snapshot_random);
  g_test_add_func ("/resolve/snapshot/unsatisfiable", test_snapshot_unsatisfiable);
  g_test_add_func ("/resolve/snapshot/crosscheck-requests", test_snapshot_crosscheck_requests);
  g_test_add_func ("/resolve/snapshot/default-ocaml", test_snapshot_default_ocaml);
  {
    int status = g_test_run ();
    ms_resolver_free (snap_resolver);
    ms_opam_repo_free (snap_repo);
    return status;
  }
}
