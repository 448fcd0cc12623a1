/* test-system-deps.c: the Debian packages of the C runtime's libraries
 * (graph/ms-system-deps): the library table against the catalog, the
 * runtime's meson.build and tools/deps.sh; dpkg status and apt lists read
 * with libsolvext from fixture files (tests/system-root, real stanzas of
 * Debian 12's files) and from this machine's own; lz4-compressed lists,
 * which libsolv alone reads as no package; a missing package found with
 * its apt-get line. */
#include <glib/gstdio.h>
#include <lz4frame.h>
#include <stdio.h>
#include <string.h>

#include <solv/pool.h>
#include <solv/repo.h>
#include <solv/repo_deb.h>
#include <solv/solv_xfopen.h>

#include "ms-store.h"
#include "ms-system-deps.h"
#include "test-util.h"

static char *
source_path (const char *rel)
{
  const char *src = g_getenv ("MS_SOURCE_DIR");
  g_assert_nonnull (src);
  return g_build_filename (src, rel, NULL);
}

static char *
fixture_root (void)
{
  return source_path ("tests/system-root");
}

/* ---- the table ----------------------------------------------------------------------- */

static void
test_table_covers_catalog (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  GPtrArray *ctors = ms_catalog_get_constructors (cat);
  guint n_libs = 0;

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      if (c->runtime == NULL)
        continue;
      for (guint k = 0; c->runtime->libraries[k] != NULL; k++)
        {
          const char *lib = c->runtime->libraries[k];
          if (ms_system_library_lookup (lib) == NULL)
            g_error ("%s links -l%s, which ms-system-deps.c maps to no Debian package", c->name, lib);
          n_libs++;
        }
    }
  g_assert_cmpuint (n_libs, >=, 4);
  g_assert_null (ms_system_library_lookup ("no-such-library"));
  g_assert_cmpstr (ms_system_library_lookup ("gnutls")->package, ==, "libgnutls28-dev");
}

/* the table, the runtime's build and the CI's package list agree: every
 * library a device links is installed by CI, and every runtime archive a
 * device names is built by runtime/meson.build, once (no archive is a
 * copy made so that a library name has an archive of its own) */
static void
test_table_matches_build (void)
{
  g_autofree char *meson_path = source_path ("runtime/meson.build");
  g_autofree char *deps_path = source_path ("tools/deps.sh");
  g_autofree char *meson = NULL, *deps = NULL;
  g_autoptr(MsCatalog) cat = test_catalog ();
  GPtrArray *ctors = ms_catalog_get_constructors (cat);
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  const MsSystemLibrary *table = ms_system_libraries (&n);

  g_assert_true (g_file_get_contents (meson_path, &meson, NULL, NULL));
  g_assert_true (g_file_get_contents (deps_path, &deps, NULL, NULL));
  guint n_archives = 0;
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      for (guint k = 0; c->runtime != NULL && c->runtime->libraries[k] != NULL; k++)
        g_hash_table_add (used, c->runtime->libraries[k]);
      for (guint k = 0; c->runtime != NULL && c->runtime->archives[k] != NULL; k++)
        {
          g_autofree char *archive = g_strdup_printf ("'mirage-runtime-%s'", c->runtime->archives[k]);
          const char *at = strstr (meson, archive);
          if (at == NULL)
            g_error ("%s: runtime/meson.build builds no %s archive", c->name, archive);
          if (strstr (at + 1, archive) != NULL)
            g_error ("%s: runtime/meson.build builds %s twice", c->name, archive);
          n_archives++;
        }
    }
  g_assert_cmpuint (n_archives, >=, 4);
  /* hogweed and ssh2 are libraries of the git archive, not archives */
  g_assert_null (strstr (meson, "'mirage-runtime-ssh2'"));
  g_assert_null (strstr (meson, "'mirage-runtime-hogweed'"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pkg = g_strdup_printf (" %s ", table[i].package);
      g_autofree char *pkg_eol = g_strdup_printf (" %s\n", table[i].package);
      if (!g_hash_table_contains (used, table[i].library))
        continue; /* listed ahead of the runtime code that will link it */
      if (strstr (deps, pkg) == NULL && strstr (deps, pkg_eol) == NULL)
        g_error ("-l%s: tools/deps.sh does not install %s", table[i].library, table[i].package);
    }
}

/* ---- reading dpkg and apt ------------------------------------------------------------ */

static void
test_fixture_status (void)
{
  g_autofree char *root = fixture_root ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = ms_system_packages_open (root, FALSE, &error);

  g_assert_no_error (error);
  /* six stanzas, one of them removed with its configuration left */
  g_assert_cmpuint (ms_system_packages_n_installed (sp), ==, 5);
  g_assert_nonnull (ms_system_packages_installed (sp, "nettle-dev"));
  g_assert_cmpstr (ms_system_packages_installed (sp, "nettle-dev"), ==, "3.8.1-2");
  g_assert_null (ms_system_packages_installed (sp, "libldns-dev"));
  g_assert_null (ms_system_packages_installed (sp, "libgit2-dev"));
  g_assert_cmpuint (ms_system_packages_lists (sp)->len, ==, 0);
}

static void
test_fixture_lists (void)
{
  g_autofree char *root = fixture_root ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = ms_system_packages_open (root, TRUE, &error);
  const MsSystemList *l;

  g_assert_no_error (error);
  g_assert_cmpuint (ms_system_packages_lists (sp)->len, ==, 1);
  l = ms_system_packages_lists (sp)->pdata[0];
  g_assert_cmpstr (l->compression, ==, "none");
  g_assert_cmpuint (l->n_packages, ==, 7);
  g_assert_cmpuint (ms_system_packages_warnings (sp)->len, ==, 0);
  g_assert_cmpstr (ms_system_packages_candidate (sp, "libldns-dev"), ==, "1.8.3-1+b1");
  g_assert_nonnull (ms_system_packages_candidate (sp, "libgit2-dev"));
  g_assert_null (ms_system_packages_candidate (sp, "no-such-package"));
}

static void
test_missing_status (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("msys-XXXXXX", NULL);
  g_autoptr(MsSystemPackages) sp = ms_system_packages_open (tmp, TRUE, &error);

  g_assert_null (sp);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "var/lib/dpkg/status"));
  g_rmdir (tmp);
}

/* an lz4 frame of a file's bytes */
static void
write_lz4 (const char *from, const char *to)
{
  g_autofree char *text = NULL;
  gsize len;
  size_t cap, n;
  g_autofree char *out = NULL;

  g_assert_true (g_file_get_contents (from, &text, &len, NULL));
  cap = LZ4F_compressFrameBound (len, NULL);
  out = g_malloc (cap);
  n = LZ4F_compressFrame (out, cap, text, len, NULL);
  g_assert_false (LZ4F_isError (n));
  g_assert_true (g_file_set_contents (to, out, (gssize) n, NULL));
}

/* a root whose lists are those of the fixture, lz4-compressed the way
 * apt stores them (the name ending .lz4), and a copy of its status */
static char *
lz4_root (const char *name_suffix)
{
  g_autofree char *fixture = fixture_root ();
  g_autofree char *tmp = g_dir_make_tmp ("msys-XXXXXX", NULL);
  g_autofree char *lists = g_build_filename (tmp, "var/lib/apt/lists", NULL);
  g_autofree char *dpkg = g_build_filename (tmp, "var/lib/dpkg", NULL);
  g_autofree char *src_list = g_build_filename (fixture, "var/lib/apt/lists",
                                                "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", NULL);
  g_autofree char *list_name = g_strconcat ("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
                                            name_suffix, NULL);
  g_autofree char *dst_list = g_build_filename (lists, list_name, NULL);
  g_autofree char *src_status = g_build_filename (fixture, "var/lib/dpkg/status", NULL);
  g_autofree char *dst_status = g_build_filename (dpkg, "status", NULL);
  g_autofree char *status = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (lists, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dpkg, 0755), ==, 0);
  write_lz4 (src_list, dst_list);
  g_assert_true (g_file_get_contents (src_status, &status, &len, NULL));
  g_assert_true (g_file_set_contents (dst_status, status, (gssize) len, NULL));
  return g_steal_pointer (&tmp);
}

static void
remove_root (const char *root)
{
  const char *argv[] = { "rm", "-rf", root, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}

/* libsolv on its own reads an lz4 list as no package, without an error:
 * the reason this file decompresses first */
static void
test_lz4_libsolv_alone (void)
{
  g_autofree char *root = lz4_root (".lz4");
  g_autofree char *list = g_build_filename (root, "var/lib/apt/lists",
                                            "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", NULL);
  Pool *pool = pool_create ();
  Repo *repo = repo_create (pool, "raw");
  FILE *fp = solv_xfopen (list, "r");

  g_assert_nonnull (fp);
  g_assert_cmpint (repo_add_debpackages (repo, fp, 0), ==, 0);
  fclose (fp);
  g_assert_cmpint (repo->nsolvables, ==, 0);
  pool_free (pool);
  remove_root (root);
}

static void
test_lz4_lists (void)
{
  /* with apt's name, and with a name that does not say lz4 */
  static const char *const suffixes[] = { ".lz4", "" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *root = lz4_root (suffixes[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsSystemPackages) sp = ms_system_packages_open (root, TRUE, &error);
      const MsSystemList *l;

      g_assert_no_error (error);
      g_assert_cmpuint (ms_system_packages_lists (sp)->len, ==, 1);
      l = ms_system_packages_lists (sp)->pdata[0];
      g_assert_cmpstr (l->compression, ==, "lz4");
      g_assert_cmpuint (l->n_packages, ==, 7);
      g_assert_cmpuint (ms_system_packages_warnings (sp)->len, ==, 0);
      g_assert_cmpstr (ms_system_packages_candidate (sp, "libldns-dev"), ==, "1.8.3-1+b1");
      remove_root (root);
    }
}

/* damaged lz4 data and a list with no stanza are reported, not skipped */
static void
test_bad_lists (void)
{
  g_autofree char *root = lz4_root (".lz4");
  g_autofree char *list = g_build_filename (root, "var/lib/apt/lists",
                                            "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", NULL);
  g_autofree char *junk = g_build_filename (root, "var/lib/apt/lists", "example.org_dists_x_main_binary-amd64_Packages", NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = NULL;
  GPtrArray *w;

  g_assert_true (g_file_get_contents (list, &bytes, &len, NULL));
  for (gsize i = 12; i < len; i++)
    bytes[i] = (char) (bytes[i] ^ 0x5a);
  g_assert_true (g_file_set_contents (list, bytes, (gssize) len, NULL));
  g_assert_true (g_file_set_contents (junk, "not a Packages file at all, no stanza\n", -1, NULL));
  sp = ms_system_packages_open (root, TRUE, &error);
  g_assert_no_error (error);
  w = ms_system_packages_warnings (sp);
  g_assert_cmpuint (w->len, ==, 2);
  g_assert_nonnull (strstr (w->pdata[0], "damaged lz4 data"));
  g_assert_nonnull (strstr (w->pdata[1], "no package read"));
  remove_root (root);
}

/* this machine's own dpkg status and apt lists (lz4 on these machines) */
static void
test_real_system (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = NULL;
  GPtrArray *lists;
  guint n_lz4 = 0;

  if (!g_file_test ("/var/lib/dpkg/status", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no dpkg on this machine");
      return;
    }
  sp = ms_system_packages_open (NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_system_packages_n_installed (sp), >, 100);
  /* tools/deps.sh installs it: the project's own build needs it */
  g_assert_nonnull (ms_system_packages_installed (sp, "nettle-dev"));
  g_assert_nonnull (ms_system_packages_installed (sp, "libc6"));
  lists = ms_system_packages_lists (sp);
  for (guint i = 0; i < lists->len; i++)
    {
      const MsSystemList *l = lists->pdata[i];
      g_test_message ("%s: %u packages (%s)", l->path, l->n_packages, l->compression);
      n_lz4 += g_str_equal (l->compression, "lz4");
    }
  for (guint i = 0; i < ms_system_packages_warnings (sp)->len; i++)
    g_test_message ("warning: %s", (char *) ms_system_packages_warnings (sp)->pdata[i]);
  if (lists->len == 0)
    return; /* apt-get update never ran here */
  g_assert_cmpuint (ms_system_packages_warnings (sp)->len, ==, 0);
  g_assert_cmpuint (ms_system_packages_n_available (sp), >, 1000);
  g_assert_nonnull (ms_system_packages_candidate (sp, "nettle-dev"));
  g_test_message ("%u lists, %u lz4, %u package versions", lists->len, n_lz4,
                  ms_system_packages_n_available (sp));
}

/* ---- a graph's needs ----------------------------------------------------------------- */

static MsEvalGraph *
example_graph (const char *example, char **dir)
{
  const char *mstudio = g_getenv ("MSTUDIO");
  g_autofree char *path = NULL;
  const char *argv[] = { mstudio, "new", NULL, "--name", example, "--example", example, NULL };
  int status = 0;
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsDocument) doc = NULL;

  g_assert_nonnull (mstudio);
  *dir = g_dir_make_tmp ("msys-XXXXXX", NULL);
  path = g_strdup_printf ("%s/%s.mstudio", *dir, example);
  argv[2] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  doc = ms_store_open_read_only (path, cat, &error);
  g_assert_no_error (error);
  return ms_eval (doc, "unix");
}

static void
test_check_graph (void)
{
  g_autofree char *root = fixture_root ();
  g_autofree char *dir = NULL;
  g_autoptr(MsEvalGraph) graph = example_graph ("dns-lookup", &dir);
  g_autoptr(GHashTable) libs = ms_system_libraries_of_graph (graph);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = ms_system_packages_open (root, TRUE, &error);
  g_autoptr(MsSystemCheck) check = NULL;
  g_autofree char *message = NULL;
  const MsSystemNeed *ldns, *gnutls;

  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (libs, "ldns"));
  g_assert_true (g_hash_table_contains (libs, "gnutls"));
  check = ms_system_deps_check (sp, graph, NULL);
  g_assert_false (check->ok);
  g_assert_cmpuint (check->needs->len, ==, 2);
  gnutls = check->needs->pdata[0];
  ldns = check->needs->pdata[1];
  g_assert_cmpstr (gnutls->library, ==, "gnutls");
  g_assert_false (gnutls->missing);
  g_assert_nonnull (gnutls->installed);
  g_assert_cmpstr (ldns->library, ==, "ldns");
  g_assert_cmpstr (ldns->package, ==, "libldns-dev");
  g_assert_true (ldns->missing);
  g_assert_null (ldns->installed);
  g_assert_cmpstr (ldns->candidate, ==, "1.8.3-1+b1");
  g_assert_nonnull (ldns->devices[0]);
  g_assert_cmpstr (check->install_command, ==, "apt-get install --no-install-recommends libldns-dev");
  message = ms_system_check_message (check);
  g_assert_nonnull (strstr (message, "libldns-dev (-lldns, for "));
  g_assert_nonnull (strstr (message, "apt-get install --no-install-recommends libldns-dev"));
  remove_root (dir);
}

static void
test_check_libraries (void)
{
  g_autofree char *root = fixture_root ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSystemPackages) sp = ms_system_packages_open (root, FALSE, &error);
  const char *const ok_libs[] = { "nettle", "http_parser", NULL };
  const char *const bad_libs[] = { "nettle", "frobnicate", "git2", NULL };
  g_autoptr(MsSystemCheck) ok = ms_system_deps_check (sp, NULL, ok_libs);
  g_autoptr(MsSystemCheck) bad = ms_system_deps_check (sp, NULL, bad_libs);
  g_autofree char *message = ms_system_check_message (bad);

  g_assert_true (ok->ok);
  g_assert_null (ok->install_command);
  g_assert_null (ms_system_check_message (ok));
  g_assert_false (bad->ok);
  /* an unknown library is missing but has no package to install */
  g_assert_cmpstr (bad->install_command, ==, "apt-get install --no-install-recommends libgit2-dev");
  g_assert_nonnull (strstr (message, "no Debian package is known for -lfrobnicate"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/system-deps/table/catalog", test_table_covers_catalog);
  g_test_add_func ("/system-deps/table/build", test_table_matches_build);
  g_test_add_func ("/system-deps/dpkg/fixture", test_fixture_status);
  g_test_add_func ("/system-deps/dpkg/missing", test_missing_status);
  g_test_add_func ("/system-deps/apt/fixture", test_fixture_lists);
  g_test_add_func ("/system-deps/apt/lz4-libsolv-alone", test_lz4_libsolv_alone);
  g_test_add_func ("/system-deps/apt/lz4", test_lz4_lists);
  g_test_add_func ("/system-deps/apt/bad", test_bad_lists);
  g_test_add_func ("/system-deps/real-system", test_real_system);
  g_test_add_func ("/system-deps/check/graph", test_check_graph);
  g_test_add_func ("/system-deps/check/libraries", test_check_libraries);
  return g_test_run ();
}
