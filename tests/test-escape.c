/* test-escape.c: the escaping routines of codegen/ms-escape.c.
 *
 * String literals are read back by OCaml itself and must give the input
 * bytes; comments must parse whatever they contain; shell words and YAML
 * strings must stay on one line and keep their text.
 */
#include <string.h>
#include <sys/wait.h>

#include "ms-escape.h"
#include "test-export-util.h"

static char *
long_string (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 5000; i++)
    g_string_append (s, i % 7 ? "abc\"\\*)" : "é\n");
  return g_string_free (s, FALSE);
}

static void
test_string_literal_shape (void)
{
  g_autofree char *a = ms_escape_ocaml_string ("a\"b\\c\nd");
  g_autofree char *b = ms_escape_ocaml_string ("Grüße");
  g_autofree char *c = ms_escape_ocaml_string ("\xe2\x80\xae");
  g_autofree char *d = ms_escape_ocaml_string ("\xff");
  g_autofree char *e = ms_escape_ocaml_string ("");
  g_autofree char *f = ms_escape_ocaml_string ("\x01\x7f\t\r");

  g_assert_cmpstr (a, ==, "\"a\\\"b\\\\c\\nd\"");
  g_assert_cmpstr (b, ==, "\"Grüße\"");          /* printable UTF-8 is kept */
  g_assert_cmpstr (c, ==, "\"\\xe2\\x80\\xae\"");  /* bidi override is not */
  g_assert_cmpstr (d, ==, "\"\\xff\"");
  g_assert_cmpstr (e, ==, "\"\"");
  g_assert_cmpstr (f, ==, "\"\\x01\\x7f\\t\\r\"");
}

static void
check_round_trip (const char *s)
{
  g_autofree char *lit = ms_escape_ocaml_string (s);
  g_autofree char *want = test_hex (s);
  g_autofree char *got = test_ocaml_string_hex (lit);

  /* one line, whatever the input */
  g_assert_null (strchr (lit, '\n'));
  g_assert_null (strchr (lit, '\r'));
  g_assert_nonnull (got);
  g_assert_cmpstr (got, ==, want);
}

static void
test_string_round_trip (void)
{
  g_autofree char *big = long_string ();
  GString *all = g_string_new (NULL);

  if (!test_have_program ("ocaml"))
    {
      g_test_skip ("ocaml (Debian ocaml-nox) is not installed");
      g_string_free (all, TRUE);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    check_round_trip (test_adversarial[i]);
  check_round_trip (big);
  for (guint c = 1; c < 256; c++)
    g_string_append_c (all, (char) c);
  check_round_trip (all->str);
  g_string_free (all, TRUE);
}

static void
test_comment_shape (void)
{
  g_autofree char *a = ms_escape_ocaml_comment ("a *) b (* c (*) d", FALSE);
  g_autofree char *b = ms_escape_ocaml_comment ("say \"hi", FALSE);
  g_autofree char *c = ms_escape_ocaml_comment ("{|x|} {id|y|id} {%e|z|} {ok}", FALSE);
  g_autofree char *d = ms_escape_ocaml_comment ("one\ntwo", FALSE);
  g_autofree char *e = ms_escape_ocaml_comment ("one\ntwo", TRUE);

  g_assert_cmpstr (a, ==, "a * ) b ( * c ( * ) d");
  g_assert_cmpstr (b, ==, "say 'hi");
  g_assert_cmpstr (c, ==, "{ |x|} { id|y|id} { %e|z|} {ok}");
  g_assert_cmpstr (d, ==, "one\\ntwo");
  g_assert_cmpstr (e, ==, "one\ntwo");
}

static void
test_comment_parses (void)
{
  g_autofree char *big = long_string ();
  GString *file = g_string_new (NULL);

  if (!test_have_program ("ocamlc"))
    {
      g_test_skip ("ocamlc (Debian ocaml-nox) is not installed");
      g_string_free (file, TRUE);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    for (int keep = 0; keep < 2; keep++)
      {
        g_autofree char *c = ms_escape_ocaml_comment (test_adversarial[i], keep);
        g_autofree char *one = g_strdup_printf ("(* %s *)\nlet x%u_%d = 1\n", c, i, keep);

        g_assert_true (test_ocaml_parses (one, "c.ml"));
        g_string_append (file, one);
        /* pieces glued to parentheses and stars on both sides */
        g_string_append_printf (file, "(*%s*)\n(* (%s) [%s] *)\n", c, c, c);
      }
  {
    g_autofree char *c = ms_escape_ocaml_comment (big, TRUE);
    g_string_append_printf (file, "(* %s *)\nlet big = 1\n", c);
  }
  g_assert_true (test_ocaml_parses (file->str, "all.ml"));
  g_string_free (file, TRUE);
}

static void
test_shell_word (void)
{
  g_autofree char *a = ms_escape_shell_word ("--kv_ro=direct");
  g_autofree char *b = ms_escape_shell_word ("--x=a b'c\"d*)");
  g_autofree char *c = ms_escape_shell_word ("");

  g_assert_cmpstr (a, ==, "--kv_ro=direct");
  g_assert_cmpstr (b, ==, "$'--x=a b\\x27c\\x22d\\x2a\\x29'");
  g_assert_cmpstr (c, ==, "$''");
  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    {
      g_autofree char *w = ms_escape_shell_word (test_adversarial[i]);
      for (const char *p = w; *p; p++)
        {
          g_assert_true (*p >= 0x20 && *p < 0x7f);
          g_assert_null (strchr ("\"()*{}`", *p));
        }
    }
}

static void
test_shell_word_bash (void)
{
  if (!test_have_program ("bash"))
    {
      g_test_skip ("bash is not installed");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    {
      g_autofree char *w = ms_escape_shell_word (test_adversarial[i]);
      g_autofree char *cmd = g_strdup_printf ("printf %%s %s | od -An -tx1 | tr -d ' \\n'", w);
      const char *argv[] = { "bash", "-c", cmd, NULL };
      g_autofree char *out = NULL;
      g_autofree char *want = test_hex (test_adversarial[i]);

      g_assert_cmpint (test_run (NULL, argv, &out, NULL), ==, 0);
      g_assert_cmpstr (out, ==, want);
    }
}

static void
test_yaml_string (void)
{
  g_autofree char *a = ms_escape_yaml_string ("a\"b\\c\n");
  GString *doc = g_string_new (NULL);

  g_assert_cmpstr (a, ==, "\"a\\\"b\\\\c\\n\"");
  for (guint i = 0; i < G_N_ELEMENTS (test_adversarial); i++)
    {
      g_autofree char *y = ms_escape_yaml_string (test_adversarial[i]);
      g_assert_null (strchr (y, '\n'));
      g_string_append_printf (doc, "- %s\n", y);
    }
  if (!test_have_program ("python3"))
    g_test_message ("python3 missing: YAML not parsed");
  else
    {
      g_autofree char *dir = g_dir_make_tmp ("ms-yaml-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "y.yml", NULL);
      const char *argv[] = { "python3", "-c",
                             "import sys\n"
                             "try:\n import yaml\nexcept ImportError:\n sys.exit(77)\n"
                             "d = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n"
                             "print(len(d))\n", path, NULL };
      g_autofree char *out = NULL;
      int rc;

      g_assert_true (g_file_set_contents (path, doc->str, -1, NULL));
      rc = test_run (NULL, argv, &out, NULL);
      if (rc == 77)
        g_test_message ("python3 has no yaml module: YAML not parsed");
      else
        {
          g_autofree char *want = g_strdup_printf ("%u\n", (guint) G_N_ELEMENTS (test_adversarial));
          g_assert_cmpint (rc, ==, 0);
          g_assert_cmpstr (out, ==, want);
        }
      g_unlink (path);
      g_rmdir (dir);
    }
  g_string_free (doc, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/escape/string/shape", test_string_literal_shape);
  g_test_add_func ("/escape/string/round-trip", test_string_round_trip);
  g_test_add_func ("/escape/comment/shape", test_comment_shape);
  g_test_add_func ("/escape/comment/parses", test_comment_parses);
  g_test_add_func ("/escape/shell/word", test_shell_word);
  g_test_add_func ("/escape/shell/bash", test_shell_word_bash);
  g_test_add_func ("/escape/yaml/string", test_yaml_string);
  return g_test_run ();
}
