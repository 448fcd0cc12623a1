/* test-export-util.h: running OCaml and Python on generated text.
 *
 * The real mirage tool cannot be installed here, so the strongest check
 * of an export is the OCaml parser itself (ocaml-nox): `ocamlc
 * -stop-after parsing`. String literals are read back by running a tiny
 * OCaml script. Tests skip these steps when the tools are missing, and
 * say so. test_constructor_project builds the project per catalog
 * constructor that the export and import tests share.
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

/* ---- a project per catalog constructor ----------------------------------------- */

#include <string.h>

#include "ms-command.h"
#include "ms-document.h"
#include "ms-value.h"
#include "test-util.h"

static const struct { const char *type; const char *value; } test_samples[] = {
  { "string", "sample" }, { "int", "3" }, { "int64", "5000000000" }, { "bool", "true" },
  { "port", "8080" }, { "ipv4", "10.0.0.1" }, { "ipv6", "fd00::1" }, { "ip", "10.0.0.1" },
  { "ipv4_prefix", "10.0.0.2/24" }, { "ipv6_prefix", "fd00::2/64" }, { "nameserver", "udp:1.1.1.1" },
  { "ssh_key", "rsa:seed" }, { "ssh_authenticator", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
  { "tls_authenticator", "none" }, { "log_level", "debug" }, { "log_thresholds", "*:info" },
  { "headers", "a:b" },
};

typedef struct {
  MsDocument *doc;
  MsCatalog *cat;
  MsCustom *app;          /* the main holding the runtime arguments options name */
  GHashTable *providers;  /* type -> device id */
  guint n;
} TestBuilder;

static inline char *
test_sample_value (TestBuilder *b, const char *type)
{
  if (g_str_has_prefix (type, "enum:"))
    {
      const char *comma = strchr (type + 5, ',');
      return comma ? g_strndup (type + 5, (gsize) (comma - type - 5)) : g_strdup (type + 5);
    }
  if (g_str_has_prefix (type, "list:"))
    {
      g_autofree char *one = test_sample_value (b, type + 5);
      return g_strdup_printf ("%s,%s", one, one);
    }
  if (g_str_has_prefix (type, "arg:"))
    {
      /* a runtime argument of the main, named after its type */
      g_autofree char *name = g_strdup_printf ("rt_%s", type + 4);
      for (char *p = name; *p; p++)
        if (!g_ascii_isalnum (*p))
          *p = '_';
      g_autofree char *dflt = NULL;
      for (guint i = 0; i < b->app->runtime_args->len; i++)
        if (g_str_equal (((MsArgDecl *) b->app->runtime_args->pdata[i])->name, name))
          return g_steal_pointer (&name);
      /* a default of the type, so that defaults are exported (and imported) too */
      dflt = test_sample_value (b, type + 4);
      g_ptr_array_add (b->app->runtime_args, ms_arg_decl_new (name, type + 4, dflt, "from a device option"));
      return g_steal_pointer (&name);
    }
  if (g_str_has_prefix (type, "key:"))
    {
      /* a configure key per key type: one Key.create cannot stand for
       * keys of different types (bool dhcp, enum net) */
      char *name = g_strdup_printf ("key_%s", type + 4);
      for (char *p = name; *p; p++)
        if (!g_ascii_isalnum (*p))
          *p = '_';
      return name;
    }
  for (guint i = 0; i < G_N_ELEMENTS (test_samples); i++)
    if (g_str_equal (test_samples[i].type, type))
      return g_strdup (test_samples[i].value);
  return NULL;
}

static inline gboolean
test_provides (MsCatalog *cat, const MsConstructor *c, const char *type)
{
  const MsModuleType *want, *have;

  if (g_str_equal (c->result, type))
    return TRUE;
  /* 'a ip is fed by any ip: ipv4, ipv6, ipv4v6 */
  if (type[0] == '\'' && strchr (type, ' '))
    {
      have = ms_catalog_lookup_type (cat, c->result);
      return have != NULL && g_strcmp0 (have->family, strchr (type, ' ') + 1) == 0;
    }
  want = ms_catalog_lookup_type (cat, type);
  return want != NULL && g_str_equal (c->result, want->name);
}

static inline guint test_add_ctor_device (TestBuilder *b, const MsConstructor *c, const char *name, int depth);

static inline guint
test_provider (TestBuilder *b, const char *type, int depth)
{
  GPtrArray *ctors = ms_catalog_get_constructors (b->cat);
  const MsConstructor *best = NULL;
  guint best_params = G_MAXUINT;
  gpointer cached;
  g_autofree char *name = NULL;
  guint id;

  if (g_hash_table_lookup_extended (b->providers, type, NULL, &cached))
    return GPOINTER_TO_UINT (cached);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      guint required = 0;
      if (c->kind != MS_CTOR_DEVICE || c->deprecated || !test_provides (b->cat, c, type))
        continue;
      for (guint j = 0; j < c->params->len; j++)
        {
          const MsArgument *a = c->params->pdata[j];
          if (a->label == MS_LABEL_OPTIONAL)
            continue;
          /* merge_git_clients, ccm_block: made of their own type */
          required += g_str_equal (a->type, type) ? 100 : 1;
        }
      if (required < best_params)
        {
          best = c;
          best_params = required;
        }
    }
  g_assert_nonnull (best);
  g_assert_cmpint (depth, <, 8);
  name = g_strdup_printf ("p%u_%s", ++b->n, best->name);
  id = test_add_ctor_device (b, best, name, depth + 1);
  g_hash_table_insert (b->providers, g_strdup (type), GUINT_TO_POINTER (id));
  return id;
}

static inline guint
test_add_ctor_device (TestBuilder *b, const MsConstructor *c, const char *name, int depth)
{
  guint id = test_add (b->doc, c->name, name);

  for (guint i = 0; i < c->options->len; i++)
    {
      const MsArgument *a = c->options->pdata[i];
      g_autofree char *v = test_sample_value (b, a->type);

      if (v == NULL || !ms_value_check (a->type, v, NULL))
        {
          g_assert_true (a->label == MS_LABEL_OPTIONAL);
          continue;
        }
      test_set (b->doc, id, a->name, v);
    }
  for (guint i = 0; i < c->params->len; i++)
    {
      const MsArgument *a = c->params->pdata[i];
      if (a->label == MS_LABEL_OPTIONAL && depth > 0)
        continue;
      test_connect (b->doc, test_provider (b, a->type, depth), id, a->name);
    }
  return id;
}

/* A project holding constructor c as device "dut", its required inputs
 * connected to providers (p1_..., p2_...), every option it can take set
 * to a sample, and a main "app" (the job) declaring the runtime arguments
 * the options name, each with a default. */
static inline MsDocument *
test_constructor_project (MsCatalog *cat, const MsConstructor *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  MsDocument *doc = ms_document_new (cat);
  TestBuilder b = { 0 };
  guint app;

  b.doc = doc;
  b.cat = cat;
  b.providers = providers;
  b.app = ms_custom_new ("Unikernel.Main", "job");
  test_add_ctor_device (&b, c, "dut", 0);
  app = test_add (doc, "main", "app");
  /* (a custom equal to the default one would be a no-op edit) */
  if (b.app->runtime_args->len > 0)
    ms_document_set_custom (doc, app, b.app, &error);
  g_assert_no_error (error);
  ms_custom_free (b.app);
  ms_document_set_jobs (doc, &app, 1, &error);
  g_assert_no_error (error);
  return doc;
}
