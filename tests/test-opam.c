/* test-opam.c: the opam file parser (graph/ms-opam-file) and the meaning
 * of the fields (graph/ms-opam-repo): filters, formulas, flags, sources;
 * the whole opam-repository snapshot when MS_OPAM_SNAPSHOT is set. */
#include <gio/gio.h>
#include <string.h>

#include "ms-opam-file.h"
#include "ms-opam-repo.h"
#include "ms-version.h"

static MsOpamFile *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  MsOpamFile *f = ms_opam_file_parse ("t/opam", text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (f);
  return f;
}

static char *
field_text (const char *text, const char *field)
{
  g_autoptr(MsOpamFile) f = parse_ok (text);
  const MsOpamValue *v = ms_opam_file_get (f, field);
  g_assert_nonnull (v);
  return ms_opam_value_to_string (v);
}

static void
test_values (void)
{
  g_autoptr(MsOpamFile) f = parse_ok ("opam-version: \"2.0\"\n"
                                      "n: -42\n"
                                      "b: true\n"
                                      "i: ocaml:version\n"
                                      "j: _:name\n"
                                      "l: [ \"a\" b 3 false ]\n"
                                      "s: \"tab\\there \\\"q\\\" \\065\\x42\"\n");
  const MsOpamValue *v;

  v = ms_opam_file_get (f, "opam-version");
  g_assert_cmpint (v->kind, ==, MS_OPAM_STRING);
  g_assert_cmpstr (v->text, ==, "2.0");
  v = ms_opam_file_get (f, "n");
  g_assert_cmpint (v->kind, ==, MS_OPAM_INT);
  g_assert_cmpint (v->number, ==, -42);
  v = ms_opam_file_get (f, "b");
  g_assert_cmpint (v->kind, ==, MS_OPAM_BOOL);
  g_assert_cmpint (v->number, ==, 1);
  v = ms_opam_file_get (f, "i");
  g_assert_cmpint (v->kind, ==, MS_OPAM_IDENT);
  g_assert_cmpstr (v->text, ==, "ocaml:version");
  g_assert_cmpstr (ms_opam_file_get (f, "j")->text, ==, "_:name");
  v = ms_opam_file_get (f, "l");
  g_assert_cmpint (v->kind, ==, MS_OPAM_LIST);
  g_assert_cmpuint (v->items->len, ==, 4);
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[1])->kind, ==, MS_OPAM_IDENT);
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[3])->kind, ==, MS_OPAM_BOOL);
  g_assert_cmpstr (ms_opam_file_get (f, "s")->text, ==, "tab\there \"q\" AB");
  g_assert_cmpuint (ms_opam_file_get (f, "s")->line, ==, 7);
  g_assert_cmpuint (ms_opam_file_get (f, "s")->col, ==, 4);
}

static void
test_strings_and_comments (void)
{
  g_autoptr(MsOpamFile) f = parse_ok ("# a comment\n"
                                      "(* a (* nested *) comment *)\n"
                                      "description: \"\"\"\nLine \"one\"\n  two\"\"\"\n"
                                      "x: \"joined \\\n     here\" # trailing\n");
  g_assert_cmpstr (ms_opam_file_get (f, "description")->text, ==, "\nLine \"one\"\n  two");
  g_assert_cmpstr (ms_opam_file_get (f, "x")->text, ==, "joined here");
  g_assert_cmpuint (f->items->len, ==, 2);
}

static void
test_precedence (void)
{
  g_autofree char *a = field_text ("f: a | b & c\n", "f");
  g_autoptr(MsOpamFile) f = parse_ok ("f: a | b & !c = \"x\"\n"
                                      "g: \"p\" {>= \"1\" & < \"2\" | = \"3\"}\n"
                                      "h: (a | b) & ?c\n"
                                      "e: [ PATH += \"x\" ]\n");
  const MsOpamValue *v = ms_opam_file_get (f, "f");

  g_assert_cmpstr (a, ==, "a | b & c");
  /* | is loosest, then &, then relations; ! binds tighter than = */
  g_assert_cmpint (v->kind, ==, MS_OPAM_OR);
  g_assert_cmpint (v->right->kind, ==, MS_OPAM_AND);
  g_assert_cmpint (v->right->right->kind, ==, MS_OPAM_RELOP);
  g_assert_cmpint (v->right->right->left->kind, ==, MS_OPAM_NOT);
  v = ms_opam_file_get (f, "g");
  g_assert_cmpint (v->kind, ==, MS_OPAM_OPTION);
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[0])->kind, ==, MS_OPAM_OR);
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[0])->left->kind, ==, MS_OPAM_AND);
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[0])->left->left->kind, ==, MS_OPAM_PREFIX_RELOP);
  v = ms_opam_file_get (f, "h");
  g_assert_cmpint (v->kind, ==, MS_OPAM_AND);
  g_assert_cmpint (v->left->kind, ==, MS_OPAM_GROUP);
  g_assert_cmpint (v->right->kind, ==, MS_OPAM_DEFINED);
  v = ms_opam_file_get (f, "e");
  g_assert_cmpint (((MsOpamValue *) v->items->pdata[0])->kind, ==, MS_OPAM_ENVOP);
}

static void
test_sections (void)
{
  g_autoptr(MsOpamFile) f = parse_ok ("url {\n  src: \"https://x/y.tbz\"\n"
                                      "  checksum: [\"sha256=ab\" \"md5=cd\"]\n}\n"
                                      "extra-source \"fix.patch\" { src: \"https://x/p\" }\n"
                                      "depends: []\n");
  const MsOpamItem *url = ms_opam_file_get_section (f, "url");
  const MsOpamItem *extra = ms_opam_file_get_section (f, "extra-source");

  g_assert_nonnull (url);
  g_assert_cmpstr (ms_opam_item_get (url, "src")->text, ==, "https://x/y.tbz");
  g_assert_cmpuint (ms_opam_item_get (url, "checksum")->items->len, ==, 2);
  g_assert_cmpstr (extra->label, ==, "fix.patch");
  g_assert_nonnull (ms_opam_file_get (f, "depends"));
  g_assert_null (ms_opam_file_get (f, "url"));   /* a section is not a field */
}

static void
test_malformed (void)
{
  static const struct { const char *text; const char *where; const char *what; } cases[] = {
    { "depends: [\"a\"", "t/opam:1:14", "“]”" },
    { "x: \"open", "t/opam:1:4", "unterminated string" },
    { "a: 1\n(* open", "t/opam:2:1", "unterminated comment" },
    { "a: 1\nb 2\n", "t/opam:2:3", "“:” or “{”" },
    { "a: \"\\q\"", "t/opam:1:5", "unknown escape" },
    { "a: [ } ]", "t/opam:1:6", "a value" },
    { "a: $", "t/opam:1:4", "unexpected character" },
    { "a: \"x\"\n\001", "t/opam:2:1", "unexpected byte" },
    { "a: \"\\999\"", "t/opam:1:5", "not a byte" },
    { "url { src: }", "t/opam:1:12", "a value" },
    { "a: 99999999999999999999", "t/opam:1:4", "too large" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsOpamFile) f = ms_opam_file_parse ("t/opam", cases[i].text, strlen (cases[i].text), &error);
      g_assert_null (f);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (!g_str_has_prefix (error->message, cases[i].where) || strstr (error->message, cases[i].what) == NULL)
        g_error ("case %u: %s", i, error->message);
    }
  {
    /* deep nesting is refused, not a stack overflow */
    g_autoptr(GString) deep = g_string_new ("a: ");
    g_autoptr(GError) error = NULL;
    g_autoptr(MsOpamFile) f = NULL;
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    f = ms_opam_file_parse ("t/opam", deep->str, deep->len, &error);
    g_assert_null (f);
    g_assert_nonnull (strstr (error->message, "nested too deeply"));
  }
}

static MsOpamRepo *
one_package (const char *text)
{
  MsOpamRepo *repo = ms_opam_repo_new (NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (ms_opam_repo_add_text (repo, "p", "1.2", "p/opam", text, strlen (text), &error));
  g_assert_no_error (error);
  ms_opam_repo_finish (repo);
  return repo;
}

static char *
depends_of (const char *text)
{
  g_autoptr(MsOpamRepo) repo = one_package (text);
  const MsOpamPackage *p = ms_opam_repo_find (repo, "p", "1.2");
  return ms_opam_dep_to_string (p->depends);
}

static void
test_filters (void)
{
  static const struct { const char *depends; const char *expect; } cases[] = {
    { "[\"a\" \"b\" {with-test} \"c\" {build} \"d\" {with-doc} \"e\" {post}]", "\"a\" & \"c\" & \"e\"" },
    { "[\"a\" {>= \"1.0\" & with-test}]", "" },
    { "[\"a\" {>= \"1.0\" & build}]", "\"a\" {>= \"1.0\"}" },
    { "[\"a\" {os = \"win32\"} | \"b\"]", "\"b\"" },
    { "[\"a\" {os = \"linux\"} | \"b\"]", "\"a\" | \"b\"" },
    { "[\"a\" {= version}]", "\"a\" {= \"1.2\"}" },
    { "[\"a\" {= _:version}]", "\"a\" {= \"1.2\"}" },
    { "[\"a\" {!with-test & < \"2\"}]", "\"a\" {< \"2\"}" },
    { "[\"a\" {dev | with-dev-setup}]", "" },
    { "[\"a\" {other:var}]", "" },
    { "[\"a\" {?other:var | build}]", "\"a\"" },
    { "[(\"a\" {< \"1\"} | \"b\") \"c\"]", "(\"a\" {< \"1\"} | \"b\") & \"c\"" },
    { "[\"a\" {opam-version >= \"2.1\"}]", "\"a\"" },
    { "[\"a\" {arch != \"x86_32\" & os-family = \"debian\"}]", "\"a\"" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("depends: %s\n", cases[i].depends);
      g_autofree char *got = depends_of (text);
      if (!g_str_equal (got, cases[i].expect))
        g_error ("case %u: %s gave %s, expected %s", i, cases[i].depends, got, cases[i].expect);
    }
}

static void
test_fields (void)
{
  g_autoptr(MsOpamRepo) repo = one_package ("flags: [avoid-version deprecated]\n"
                                            "available: os = \"linux\" & arch != \"ppc32\"\n"
                                            "conflict-class: \"ocaml-core-compiler\"\n"
                                            "conflicts: [\"x\" {< \"2\"} \"y\"]\n"
                                            "depopts: [\"z\" {>= \"3\"}]\n"
                                            "url { src: \"https://x/p.tbz\" checksum: \"sha512=ff\" }\n");
  g_autoptr(MsOpamRepo) off = one_package ("available: [ os = \"macos\" ]\nflags: compiler\n");
  g_autoptr(MsOpamRepo) plain = one_package ("opam-version: \"2.0\"\n");
  g_autoptr(MsOpamRepo) listed = one_package ("available: [ arch != \"arm32\" ]\n");
  const MsOpamPackage *p = ms_opam_repo_find (repo, "p", "1.2");
  const MsOpamPackage *q = ms_opam_repo_find (off, "p", "1.2");
  g_autofree char *conflicts = ms_opam_dep_to_string (p->conflicts);
  g_autofree char *depopts = ms_opam_dep_to_string (p->depopts);

  g_assert_cmpuint (p->flags, ==, MS_OPAM_FLAG_AVOID_VERSION | MS_OPAM_FLAG_DEPRECATED);
  g_assert_true (p->available);
  g_assert_cmpstr (p->conflict_class[0], ==, "ocaml-core-compiler");
  g_assert_cmpstr (conflicts, ==, "\"x\" {< \"2\"} & \"y\"");
  g_assert_cmpstr (depopts, ==, "\"z\" {>= \"3\"}");
  g_assert_cmpstr (p->url, ==, "https://x/p.tbz");
  g_assert_cmpstr (p->checksums[0], ==, "sha512=ff");
  g_assert_false (q->available);
  g_assert_true (((MsOpamPackage *) listed->packages->pdata[0])->available);
  g_assert_cmpuint (q->flags, ==, MS_OPAM_FLAG_COMPILER);
  g_assert_true (((MsOpamPackage *) plain->packages->pdata[0])->available);
  g_assert_null (((MsOpamPackage *) plain->packages->pdata[0])->url);
}

static void
test_holds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsOpamDep) dep = ms_opam_dep_parse ("\"a\" {>= \"1.0~beta\" & < \"2\"} & (\"b\" | \"c\" {!= \"1\"})",
                                                 NULL, &error);
  g_autoptr(GHashTable) set = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (error);
  {
    g_autofree char *text = ms_opam_dep_to_string (dep);
    g_assert_cmpstr (text, ==, "\"a\" {>= \"1.0~beta\" & < \"2\"} & (\"b\" | \"c\" {!= \"1\"})");
  }
  g_hash_table_insert (set, "a", "1.0~beta");
  g_assert_false (ms_opam_dep_holds (dep, set));
  g_hash_table_insert (set, "c", "1");
  g_assert_false (ms_opam_dep_holds (dep, set));
  g_hash_table_insert (set, "c", "1.1");
  g_assert_true (ms_opam_dep_holds (dep, set));
  g_hash_table_insert (set, "a", "2~rc");   /* before 2 in opam's order (2.0~rc is after) */
  g_assert_true (ms_opam_dep_holds (dep, set));
  g_hash_table_insert (set, "a", "0.9");
  g_assert_false (ms_opam_dep_holds (dep, set));
}

static void
test_repo_ranks (void)
{
  MsOpamRepo *repo = ms_opam_repo_new (NULL);
  const char *versions[] = { "1.10", "1.9", "1.0~beta", "1.0", "1.0+fix", "v2" };
  const char *order[] = { "1.0~beta", "1.0", "1.0+fix", "1.9", "1.10", "v2" };
  GPtrArray *vs;

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    g_assert_true (ms_opam_repo_add_text (repo, "p", versions[i], "p", "", 0, NULL));
  g_assert_false (ms_opam_repo_add_text (repo, "p", "9", "bad/opam", "x: [", 4, NULL));
  ms_opam_repo_finish (repo);
  vs = ms_opam_repo_versions (repo, "p");
  g_assert_cmpuint (vs->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < vs->len; i++)
    {
      const MsOpamPackage *p = vs->pdata[i];
      g_assert_cmpstr (p->version, ==, order[i]);
      g_assert_cmpuint (p->rank, ==, i + 1);
    }
  g_assert_cmpuint (repo->errors->len, ==, 1);
  g_assert_true (g_str_has_prefix (repo->errors->pdata[0], "bad/opam:1:5:"));
  ms_opam_repo_free (repo);
}

/* A folder read on several threads gives what reading its files one by
 * one gives: the same packages, and the skipped files in name order. */
static void
test_repo_load_folder (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("ms-opam-XXXXXX", NULL);
  const char *rm[] = { "rm", "-rf", tmp, NULL };
  g_autoptr(MsOpamRepo) loaded = ms_opam_repo_new (NULL);
  g_autoptr(MsOpamRepo) serial = ms_opam_repo_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint n = 0; n < 60; n++)
    for (guint v = 0; v < 3; v++)
      {
        g_autofree char *name = g_strdup_printf ("p%02u", n);
        g_autofree char *nv = g_strdup_printf ("%s.%u.0", name, v + 1);
        g_autofree char *dir = g_build_filename (tmp, "packages", name, nv, NULL);
        g_autofree char *path = g_build_filename (dir, "opam", NULL);
        g_autofree char *version = g_strdup_printf ("%u.0", v + 1);
        /* every seventh name has a broken last version */
        g_autofree char *text = n % 7 == 3 && v == 2
          ? g_strdup ("depends: [\n")
          : g_strdup_printf ("depends: [\"p%02u\" {>= \"%u.0\"}]\nurl { src: \"https://example.org/%s.tbz\" }\n",
                             (n + 1) % 60, v + 1, nv);
        g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
        g_assert_true (g_file_set_contents (path, text, -1, NULL));
        ms_opam_repo_add_text (serial, name, version, path, text, strlen (text), NULL);
      }
  ms_opam_repo_finish (serial);
  g_assert_true (ms_opam_repo_load (loaded, tmp, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->packages->len, ==, serial->packages->len);
  g_assert_cmpuint (loaded->packages->len, ==, 60 * 3 - 9);
  for (guint i = 0; i < loaded->packages->len; i++)
    {
      const MsOpamPackage *a = loaded->packages->pdata[i], *b = serial->packages->pdata[i];
      g_autofree char *da = ms_opam_dep_to_string (a->depends);
      g_autofree char *db = ms_opam_dep_to_string (b->depends);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpstr (a->version, ==, b->version);
      g_assert_cmpuint (a->rank, ==, b->rank);
      g_assert_cmpstr (a->path, ==, b->path);
      g_assert_cmpstr (da, ==, db);
      g_assert_cmpstr (a->url, ==, b->url);
    }
  g_assert_cmpuint (loaded->errors->len, ==, 9);
  for (guint i = 0; i < loaded->errors->len; i++)
    {
      g_assert_cmpstr (loaded->errors->pdata[i], ==, serial->errors->pdata[i]);
      g_assert_nonnull (strstr (loaded->errors->pdata[i], ":2:1:"));
    }
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
test_snapshot (void)
{
  const char *root = g_getenv ("MS_OPAM_SNAPSHOT");
  g_autoptr(MsOpamRepo) repo = NULL;
  g_autoptr(GError) error = NULL;
  guint unavailable = 0;

  if (root == NULL)
    {
      g_test_skip ("no opam-repository snapshot (MS_OPAM_SNAPSHOT)");
      return;
    }
  repo = ms_opam_repo_new (NULL);
  g_assert_true (ms_opam_repo_load (repo, root, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < repo->errors->len; i++)
    g_test_message ("skipped: %s", (char *) repo->errors->pdata[i]);
  /* every file of the public repository parses */
  g_assert_cmpuint (repo->errors->len, ==, 0);
  g_assert_cmpuint (repo->packages->len, ==, 18793);
  g_assert_cmpuint (g_hash_table_size (repo->names), ==, 4596);
  for (guint i = 0; i < repo->packages->len; i++)
    unavailable += !((MsOpamPackage *) repo->packages->pdata[i])->available;
  g_test_message ("%u versions unavailable on this machine", unavailable);
  g_assert_cmpuint (unavailable, >, 0);
  g_assert_cmpuint (unavailable, <, repo->packages->len / 4);
  g_assert_nonnull (ms_opam_repo_find (repo, "mirage", "4.10.0"));
  g_assert_cmpstr (ms_opam_repo_find (repo, "mirage", "4.10.0")->checksums[0], !=, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/opam/file/values", test_values);
  g_test_add_func ("/opam/file/strings-and-comments", test_strings_and_comments);
  g_test_add_func ("/opam/file/precedence", test_precedence);
  g_test_add_func ("/opam/file/sections", test_sections);
  g_test_add_func ("/opam/file/malformed", test_malformed);
  g_test_add_func ("/opam/repo/filters", test_filters);
  g_test_add_func ("/opam/repo/fields", test_fields);
  g_test_add_func ("/opam/repo/holds", test_holds);
  g_test_add_func ("/opam/repo/ranks", test_repo_ranks);
  g_test_add_func ("/opam/repo/load-folder", test_repo_load_folder);
  g_test_add_func ("/opam/repo/snapshot", test_snapshot);
  return g_test_run ();
}
