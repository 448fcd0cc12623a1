/* test-export-util.h: running OCaml and Python on generated text.
 *
 * The real mirage tool cannot be installed here, so the strongest check
 * of an export is the OCaml parser itself (ocaml-nox): `ocamlc
 * -stop-after parsing`. String literals are read back by running a tiny
 * OCaml script. Tests skip these steps when the tools are missing, and
 * say so.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

static inline gboolean
test_have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Runs argv in dir; returns its exit status, stdout in *out. */
static inline int
test_run (const char *dir, const char * const *argv, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out, err, &status, &error))
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      return -1;
    }
  return g_spawn_check_wait_status (status, NULL) ? 0 : (WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

/* TRUE if text parses as an OCaml implementation (.ml). */
static inline gboolean
test_ocaml_parses (const char *text, const char *file_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ms-parse-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "ocamlc", "-stop-after", "parsing", "-c", file_name, NULL };
  int rc;

  g_assert_no_error (error);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  rc = test_run (dir, argv, &out, &err);
  if (rc != 0)
    g_test_message ("ocamlc on %s:\n%s\n%s", file_name, err ? err : "", text);
  g_unlink (path);
  g_rmdir (dir);
  return rc == 0;
}

/* The bytes of an OCaml expression of type string, as OCaml computes
 * them (hex, two digits a byte), or NULL if it does not evaluate. */
static inline char *
test_ocaml_string_hex (const char *expression)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ms-eval-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *script = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "ocaml", "s.ml", NULL };
  int rc;

  g_assert_no_error (error);
  path = g_build_filename (dir, "s.ml", NULL);
  script = g_strdup_printf ("let s = %s\n"
                            "let () = String.iter (fun c -> Printf.printf \"%%02x\" (Char.code c)) s\n",
                            expression);
  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  rc = test_run (dir, argv, &out, &err);
  g_unlink (path);
  g_rmdir (dir);
  if (rc != 0)
    {
      g_test_message ("ocaml failed on %s: %s", expression, err ? err : "");
      g_free (out);
      return NULL;
    }
  return out;
}

static inline char *
test_hex (const char *s)
{
  GString *h = g_string_new (NULL);

  for (const char *p = s; *p; p++)
    g_string_append_printf (h, "%02x", (guint) (guchar) *p);
  return g_string_free (h, FALSE);
}

/* Strings no export may break on. */
static const char * const test_adversarial[] = {
  "plain",
  "with \"quotes\" and \\backslashes\\",
  "ends with a backslash \\",
  "closes a comment *) and opens one (* and (*)",
  "new\nline, tab\t, cr\r, bell\a, escape\x1b[31m, del\x7f",
  "{|quoted|} {id|quoted|id} {%ext|x|}",
  "non-ASCII: Grüße, 日本語, emoji \xf0\x9f\x98\x80",
  "invisible: bidi \xe2\x80\xae override, zero\xe2\x80\x8bwidth, NEL \xc2\x85, LS \xe2\x80\xa8",
  "invalid UTF-8: \xff\xfe \xc3 \xed\xa0\x80",
  "%s %d %a @[ format ]@",
  "' single ' quotes '\"' '\\'",
  "\"",
  "\\",
  "*",
  ")",
  "",
};
