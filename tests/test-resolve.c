/* test-resolve.c: resolution with libsolv (graph/ms-resolve), on small
 * repositories written here and on the opam-repository snapshot
 * (MS_OPAM_SNAPSHOT, unpacked by tests/opam-snapshot.sh), every answer
 * verified by the independent checker (graph/ms-opam-check). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ms-opam-check.h"
#include "ms-opam-repo.h"
#include "ms-resolve.h"
#include "test-util.h"

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
  return g_test_run ();
}
