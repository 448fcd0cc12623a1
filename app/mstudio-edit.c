/* mstudio-edit.c: the mstudio subcommands that change a project.
 *
 * new, add, connect, disconnect, set, remove, register and layout. Each
 * one validates everything it was asked first (names, values against
 * their value types, connection types) and only then changes the
 * document, as one undoable step, so that a refused request leaves the
 * project exactly as it was. The store writes each change as it is made.
 */
#include "mstudio-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms-check.h"
#include "ms-eval.h"
#include "ms-layout.h"
#include "ms-paths.h"
#include "ms-store.h"
#include "ms-type.h"
#include "ms-value.h"

/* Output of the editing commands (the name `add` chose, what `layout`
 * did) is silenced while `new --example` replays an example. */
static gboolean quiet;

#define say(...) G_STMT_START { if (!quiet) cli_print (__VA_ARGS__); } G_STMT_END

/* The fields of main and impl devices that are not catalog options. */
static const char * const custom_fields[] = { "module", "signature", "packages", "args", "deps", NULL };

/* ---- planned device changes --------------------------------------------------- */

/* What `add` or `set` will do to one device, gathered and validated
 * before anything is changed. */
typedef struct {
  const MsConstructor *ctor;
  char *device;                 /* device name, for messages */
  guint id;                     /* 0 while `add` has not made it yet */
  GPtrArray *option_names;      /* in the order given */
  GPtrArray *option_values;     /* NULL entries unset */
  char *module;                 /* NULL: unchanged */
  char *signature;
  GPtrArray *packages;          /* of MsPackage*, NULL: unchanged */
  GPtrArray *args;              /* of MsArgDecl*, NULL: unchanged */
  GArray *deps;                 /* of guint, NULL: unchanged */
} DevicePlan;

static DevicePlan *
device_plan_new (const MsConstructor *ctor, const char *device, guint id)
{
  DevicePlan *p = g_new0 (DevicePlan, 1);

  p->ctor = ctor;
  p->device = g_strdup (device);
  p->id = id;
  p->option_names = g_ptr_array_new_with_free_func (g_free);
  p->option_values = g_ptr_array_new_with_free_func (g_free);
  return p;
}

static void
device_plan_free (DevicePlan *p)
{
  g_free (p->device);
  g_ptr_array_unref (p->option_names);
  g_ptr_array_unref (p->option_values);
  g_free (p->module);
  g_free (p->signature);
  g_clear_pointer (&p->packages, g_ptr_array_unref);
  g_clear_pointer (&p->args, g_ptr_array_unref);
  g_clear_pointer (&p->deps, g_array_unref);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DevicePlan, device_plan_free)

static gboolean
device_plan_touches_custom (const DevicePlan *p)
{
  return p->module || p->signature || p->packages || p->args || p->deps;
}

/* "Unikernel.Main": dot-separated OCaml module names. */
static gboolean
module_path_is_valid (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *c = parts[i];
      if (!g_ascii_isupper (*c))
        return FALSE;
      for (; *c; c++)
        if (!g_ascii_isalnum (*c) && *c != '_' && *c != '\'')
          return FALSE;
    }
  return parts[0] != NULL;
}

static gboolean
runtime_arg_name_is_valid (const char *name)
{
  if (!g_ascii_islower (*name))
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
      return FALSE;
  return TRUE;
}

static GPtrArray *
parse_packages (const char *text, char **why)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      MsPackage *p;
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      p = ms_package_parse (parts[i], &error);
      if (p == NULL)
        {
          *why = g_strdup (error->message);
          return NULL;
        }
      for (guint j = 0; j < out->len; j++)
        if (g_str_equal (((MsPackage *) out->pdata[j])->name, p->name))
          {
            *why = g_strdup_printf ("package “%s” is listed twice", p->name);
            ms_package_free (p);
            return NULL;
          }
      g_ptr_array_add (out, p);
    }
  return g_steal_pointer (&out);
}

/* One "name:type=default:doc" declaration; see docs/cli.md. The type is
 * the shortest prefix (cut at a colon) that is a known value type, so
 * that "enum:a,b" and "list:int" work; the default is the shortest prefix
 * (cut at a colon) that is valid for the type, so that IPv6 defaults work. */
static MsArgDecl *
parse_arg_decl (const char *text, gboolean force, char **why)
{
  const char *colon = strchr (text, ':');
  g_autofree char *name = NULL;
  g_autofree char *type = NULL;
  g_autofree char *def = NULL;
  g_autofree char *doc = NULL;
  const char *rest, *eq, *stop, *p;

  name = g_strndup (text, colon ? (gsize) (colon - text) : strlen (text));
  g_strstrip (name);
  if (!runtime_arg_name_is_valid (name))
    {
      *why = g_strdup_printf ("“%s” is not a runtime argument name (a lowercase letter, "
                              "then letters, digits, _ or -)", name);
      return NULL;
    }
  if (colon == NULL)
    return ms_arg_decl_new (name, "string", "", NULL);

  rest = colon + 1;
  eq = strchr (rest, '=');
  stop = eq ? eq : rest + strlen (rest);
  for (p = rest;; p++)
    {
      if (p == stop || *p == ':')
        {
          g_autofree char *candidate = g_strndup (rest, (gsize) (p - rest));
          g_strstrip (candidate);
          if (ms_value_type_is_known (candidate))
            {
              type = g_steal_pointer (&candidate);
              break;
            }
        }
      if (p == stop)
        break;
    }
  if (type == NULL)
    {
      g_autofree char *given = g_strndup (rest, (gsize) (stop - rest));
      *why = g_strdup_printf ("runtime argument %s: “%s” is not a value type "
                              "(string, int, bool, port, ipv4, enum:a,b, list:T, ...)", name, given);
      return NULL;
    }

  if (*p == '=')
    {
      const char *d = p + 1;
      const char *q;
      for (q = d;; q++)
        {
          if (*q == ':' || *q == '\0')
            {
              g_autofree char *candidate = g_strndup (d, (gsize) (q - d));
              if (q == d || *q == '\0' || (*candidate && ms_value_check (type, candidate, NULL)))
                {
                  def = g_steal_pointer (&candidate);
                  break;
                }
            }
        }
      p = q;
    }
  if (*p == ':')
    {
      doc = g_strdup (p + 1);
      g_strstrip (doc);
    }
  if (def == NULL)
    def = g_strdup ("");
  if (*def && !ms_value_check (type, def, NULL) && !force)
    {
      g_autofree char *msg = NULL;
      g_autofree char *expected = ms_value_type_describe (type);
      ms_value_check (type, def, &msg);
      *why = g_strdup_printf ("runtime argument %s: default “%s” is not valid: %s (expected %s)",
                              name, def, msg ? msg : "", expected);
      return NULL;
    }
  return ms_arg_decl_new (name, type, def, doc && *doc ? doc : NULL);
}

/* In args=, "\:", "\;" and "\\" stand for themselves; they are swapped
 * for separator bytes while the text is cut up, and back afterwards. */
#define ESC_COLON '\x1c'
#define ESC_SEMI '\x1d'
#define ESC_BACKSLASH '\x1e'

static char *
protect_escapes (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == '\\' && (p[1] == ':' || p[1] == ';' || p[1] == '\\'))
        {
          p++;
          g_string_append_c (s, *p == ':' ? ESC_COLON : *p == ';' ? ESC_SEMI : ESC_BACKSLASH);
        }
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
restore_escapes (char *text)
{
  for (char *p = text; p && *p; p++)
    *p = *p == ESC_COLON ? ':' : *p == ESC_SEMI ? ';' : *p == ESC_BACKSLASH ? '\\' : *p;
}

static GPtrArray *
parse_arg_decls (const char *text, gboolean force, char **why)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_arg_decl_free);
  g_auto(GStrv) parts = NULL;
  g_autofree char *protected = NULL;

  if (strpbrk (text, "\x1c\x1d\x1e") != NULL)
    {
      *why = g_strdup ("control characters are not allowed here");
      return NULL;
    }
  protected = protect_escapes (text);
  parts = g_strsplit (protected, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      MsArgDecl *a;
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      if (!(a = parse_arg_decl (parts[i], force, why)))
        {
          restore_escapes (*why);
          return NULL;
        }
      restore_escapes (a->default_value);
      restore_escapes (a->doc);
      for (guint j = 0; j < out->len; j++)
        if (g_str_equal (((MsArgDecl *) out->pdata[j])->name, a->name))
          {
            *why = g_strdup_printf ("runtime argument “%s” is declared twice", a->name);
            ms_arg_decl_free (a);
            return NULL;
          }
      g_ptr_array_add (out, a);
    }
  return g_steal_pointer (&out);
}

static GArray *
parse_device_list (MsDocument *doc, const char *self_name, const char *text, char **why)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const MsDevice *d;
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      d = ms_document_find_device (doc, parts[i]);
      if (d == NULL)
        {
          g_autofree char *known = cli_device_names (doc);
          *why = g_strdup_printf ("there is no device named “%s” (devices: %s)", parts[i], known);
          return NULL;
        }
      if (self_name != NULL && g_str_equal (d->name, self_name))
        {
          *why = g_strdup_printf ("%s cannot depend on itself", self_name);
          return NULL;
        }
      g_array_append_val (ids, d->id);
    }
  return g_steal_pointer (&ids);
}

static char *
list_options (const MsConstructor *ctor)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; ctor->kind != MS_CTOR_CUSTOM && i < ctor->options->len; i++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", ((MsArgument *) ctor->options->pdata[i])->name);
  if (ctor->kind == MS_CTOR_CUSTOM)
    for (guint i = 0; custom_fields[i]; i++)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", custom_fields[i]);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* Checks `value` for the option (or custom field) `field` of the planned
 * device and records it. Refusals are printed; returns FALSE then. */
static gboolean
plan_field (MsDocument *doc, const char *path, DevicePlan *plan,
            const char *field, const char *value, gboolean force)
{
  const MsConstructor *ctor = plan->ctor;
  const MsArgument *opt;
  g_autofree char *why = NULL;

  if (ctor->kind == MS_CTOR_CUSTOM && g_strv_contains (custom_fields, field))
    {
      if (g_str_equal (field, "module"))
        {
          if (!module_path_is_valid (value) && !force)
            {
              cli_error (path, "%s.module: “%s” is not an OCaml module path such as Unikernel.Main",
                         plan->device, value);
              return FALSE;
            }
          g_free (plan->module);
          plan->module = g_strdup (value);
        }
      else if (g_str_equal (field, "signature"))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(MsSignature) sig = NULL;
          const char *text = *value ? value : "job";

          sig = ms_signature_parse (ms_document_get_catalog (doc), text, &error);
          if (sig == NULL && !force)
            {
              cli_error (path, "%s.signature: “%s” is not a signature: %s",
                         plan->device, text, error->message);
              return FALSE;
            }
          g_free (plan->signature);
          plan->signature = g_strdup (text);
        }
      else if (g_str_equal (field, "packages"))
        {
          GPtrArray *pkgs = parse_packages (value, &why);
          if (pkgs == NULL)
            {
              cli_error (path, "%s.packages: %s", plan->device, why);
              return FALSE;
            }
          g_clear_pointer (&plan->packages, g_ptr_array_unref);
          plan->packages = pkgs;
        }
      else if (g_str_equal (field, "args"))
        {
          GPtrArray *args = parse_arg_decls (value, force, &why);
          if (args == NULL)
            {
              cli_error (path, "%s.args: %s", plan->device, why);
              return FALSE;
            }
          g_clear_pointer (&plan->args, g_ptr_array_unref);
          plan->args = args;
        }
      else
        {
          GArray *deps = parse_device_list (doc, plan->device, value, &why);
          if (deps == NULL)
            {
              cli_error (path, "%s.deps: %s", plan->device, why);
              return FALSE;
            }
          g_clear_pointer (&plan->deps, g_array_unref);
          plan->deps = deps;
        }
      return TRUE;
    }

  /* a custom device's module is its module= field; the catalog's
   * positional "name" argument is what that field becomes in config.ml */
  opt = ctor->kind == MS_CTOR_CUSTOM ? NULL : ms_constructor_find_option (ctor, field);
  /* unsetting an option the device has works even where the project's
   * Mirage version lacks it (check's advice after a version switch) */
  if (opt == NULL && *value == '\0' && ctor->kind != MS_CTOR_CUSTOM)
    {
      const MsDevice *d = ms_document_get_device (doc, plan->id);
      if (d != NULL && ms_device_get_option (d, field) != NULL)
        {
          g_ptr_array_add (plan->option_names, g_strdup (field));
          g_ptr_array_add (plan->option_values, NULL);
          return TRUE;
        }
    }
  if (opt == NULL)
    {
      g_autofree char *known = list_options (ctor);
      if (ms_constructor_find_param (ctor, field) != NULL)
        cli_error (path, "%s.%s is a device parameter, not an option: use "
                   "“mstudio connect %s SOURCE %s.%s”", plan->device, field, path, plan->device, field);
      else
        {
          const char *other = NULL;
          const char *const *versions = ms_catalog_get_known_versions ();
          MsCatalog *mine = ms_document_get_catalog (doc);
          /* another version's option: say which, and how to get there */
          for (guint i = 0; versions[i] != NULL; i++)
            {
              g_autoptr(MsCatalog) oc = ms_catalog_get_default (versions[i], NULL);
              const MsConstructor *octor = oc != NULL && oc != mine ? ms_catalog_lookup (oc, ctor->name) : NULL;
              if (octor != NULL && ms_constructor_find_option (octor, field) != NULL)
                other = versions[i];
            }
          if (other != NULL)
            cli_error (path, "%s (%s) has no option “%s” in Mirage %s, which the project targets "
                       "(Mirage %s has: mstudio set %s mirage=%s)", plan->device, ctor->name, field,
                       ms_catalog_get_mirage_version (mine), other, path, other);
          else
            cli_error (path, "%s (%s) has no option “%s” (options: %s)", plan->device, ctor->name, field, known);
        }
      return FALSE;
    }
  if (*value && !ms_value_check (opt->type, value, &why))
    {
      g_autofree char *expected = ms_value_type_describe (opt->type);
      if (!force)
        {
          cli_error (path, "%s.%s: “%s” is not a valid value: %s (value type %s)",
                     plan->device, field, value, why ? why : expected, opt->type);
          return FALSE;
        }
      cli_warning (path, "%s.%s: storing “%s” anyway (--force), though it is not %s",
                   plan->device, field, value, expected);
    }
  g_ptr_array_add (plan->option_names, g_strdup (field));
  g_ptr_array_add (plan->option_values, *value ? g_strdup (value) : NULL);
  return TRUE;
}

static gboolean
apply_plan (MsDocument *doc, DevicePlan *plan, GError **error)
{
  const MsDevice *d;

  for (guint i = 0; i < plan->option_names->len; i++)
    if (!ms_document_set_option (doc, plan->id, plan->option_names->pdata[i],
                                 plan->option_values->pdata[i], error))
      return FALSE;
  d = ms_document_get_device (doc, plan->id);
  if (device_plan_touches_custom (plan) && d != NULL && d->custom != NULL)
    {
      g_autoptr(MsCustom) c = ms_custom_copy (d->custom);
      if (plan->module)
        {
          g_free (c->module);
          c->module = g_strdup (plan->module);
        }
      if (plan->signature)
        {
          g_free (c->signature);
          c->signature = g_strdup (plan->signature);
        }
      if (plan->packages)
        {
          g_ptr_array_set_size (c->packages, 0);
          for (guint i = 0; i < plan->packages->len; i++)
            g_ptr_array_add (c->packages, ms_package_copy (plan->packages->pdata[i]));
        }
      if (plan->args)
        {
          g_ptr_array_set_size (c->runtime_args, 0);
          for (guint i = 0; i < plan->args->len; i++)
            g_ptr_array_add (c->runtime_args, ms_arg_decl_copy (plan->args->pdata[i]));
        }
      if (plan->deps)
        {
          g_array_set_size (c->deps, 0);
          g_array_append_vals (c->deps, plan->deps->data, plan->deps->len);
        }
      if (!ms_document_set_custom (doc, plan->id, c, error))
        return FALSE;
    }
  return TRUE;
}

/* Splits "LHS=VALUE"; a missing "=" is a usage error. */
static gboolean
split_assignment (const char *command, const char *text, char **lhs, char **value, int *exit_code)
{
  const char *eq = strchr (text, '=');

  if (eq == NULL || eq == text)
    {
      *exit_code = cli_usage_error (command, "“%s” is not an assignment NAME=VALUE", text);
      return FALSE;
    }
  *lhs = g_strndup (text, (gsize) (eq - text));
  *value = g_strdup (eq + 1);
  return TRUE;
}

/* ---- new ------------------------------------------------------------------------ */

static char *
list_examples (void)
{
  g_autofree char *dir = ms_paths_get_examples_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new (NULL);
  const char *n;

  while (d && (n = g_dir_read_name (d)))
    {
      g_autofree char *steps = g_build_filename (dir, n, "steps", NULL);
      if (g_file_test (steps, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (n));
    }
  g_ptr_array_sort (names, cli_compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) names->pdata[i]);
  return g_string_free (s, FALSE);
}

/* Runs the steps of an example on the project at path, each line a
 * subcommand without "mstudio" and the project (docs/cli.md). */
static int
replay_steps (const char *path, const char *example, const char *steps_file, const char *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  gboolean was_quiet = quiet;
  int code = CLI_EXIT_OK;

  quiet = TRUE;
  for (guint i = 0; lines[i] != NULL && code == CLI_EXIT_OK; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) words = NULL;
      g_autofree char **argv = NULL;
      char *line = g_strstrip (lines[i]);
      int argc = 0;

      if (*line == '\0' || *line == '#')
        continue;
      if (!g_shell_parse_argv (line, &argc, &words, &error))
        {
          cli_error (steps_file, "line %u: %s", i + 1, error->message);
          code = CLI_EXIT_USAGE;
          break;
        }
      if (g_str_equal (words[0], "new") || g_str_equal (words[0], "catalog"))
        {
          cli_error (steps_file, "line %u: “%s” cannot be a step", i + 1, words[0]);
          code = CLI_EXIT_USAGE;
          break;
        }
      /* the subcommand, the project, then the rest; option parsing
       * reorders this pointer array, not the strings words owns */
      argv = g_new0 (char *, argc + 2);
      argv[0] = words[0];
      argv[1] = (char *) path;
      for (int j = 1; j < argc; j++)
        argv[j + 1] = words[j];
      code = cli_run_argv (argc + 1, argv);
      if (code != CLI_EXIT_OK)
        cli_error (steps_file, "line %u (“%s”) failed; example “%s” not created", i + 1, line, example);
    }
  quiet = was_quiet;
  return code;
}

int
cmd_new (int argc, char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *example = NULL;
  g_autofree char *steps_file = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *mirage = NULL;
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *why = NULL;
  const char *path;
  struct stat st;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      "Application name (letters, digits, -, _ and .); default: the file name", "NAME" },
    { "example", 'e', 0, G_OPTION_ARG_STRING, &example,
      "Build the project from an example (hello, network, ...)", "EXAMPLE" },
    { "mirage", 0, 0, G_OPTION_ARG_STRING, &mirage,
      "The Mirage version the project targets: 4.10 or 4.11 (default " MS_MIRAGE_CURRENT ", the current release)", "VERSION" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("new", "The file must not exist: mstudio new never replaces a file.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("new", argc < 2 ? "which project file?" : "too many arguments");
  if (!cli_mirage_is_valid ("new", mirage, &code))
    return code;
  path = argv[1];

  if (name == NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      if (g_str_has_suffix (base, MS_STORE_EXTENSION))
        base[strlen (base) - strlen (MS_STORE_EXTENSION)] = '\0';
      if (!cli_app_name_is_valid (base, &why))
        return cli_usage_error ("new", "%s; give a name with --name", why);
      name = g_steal_pointer (&base);
    }
  else if (!cli_app_name_is_valid (name, &why))
    return cli_usage_error ("new", "--name: %s", why);

  if (example != NULL)
    {
      g_autofree char *dir = ms_paths_get_examples_dir ();
      if (strchr (example, '/') != NULL || *example == '.' || *example == '\0')
        steps_file = NULL;
      else
        steps_file = g_build_filename (dir, example, "steps", NULL);
      if (steps_file == NULL || !g_file_get_contents (steps_file, &contents, NULL, NULL))
        {
          g_autofree char *known = list_examples ();
          return cli_usage_error ("new", "there is no example “%s” (examples: %s)", example, known);
        }
    }

  if (lstat (path, &st) == 0)
    {
      cli_error (path, "the file already exists; mstudio new never replaces a file "
                 "(remove it first, or choose another name)");
      return CLI_EXIT_USAGE;
    }

  /* the file records the version its catalog is for */
  if (!(catalog = ms_catalog_get_default (mirage ? mirage : MS_MIRAGE_CURRENT, &error)))
    {
      cli_error (NULL, "cannot read the device catalog: %s", error->message);
      return CLI_EXIT_USAGE;
    }
  /* Built whole in a temporary next to path, example steps included,
   * then renamed into place: a kill leaves no file, or a whole one,
   * never a half-made project at path. */
  tmp = ms_store_create_temporary (path, catalog, name, &error);
  if (tmp == NULL)
    return cli_report (path, error);

  if (contents != NULL)
    {
      code = replay_steps (tmp, example, steps_file, contents);
      if (code != CLI_EXIT_OK)
        {
          ms_store_discard (tmp);
          return code;
        }
    }
  if (!ms_store_publish (tmp, path, &error))
    {
      ms_store_discard (tmp);
      if (g_error_matches (error, MS_STORE_ERROR, MS_STORE_ERROR_EXISTS))
        {
          cli_error (path, "the file already exists; mstudio new never replaces a file "
                     "(remove it first, or choose another name)");
          return CLI_EXIT_USAGE;
        }
      return cli_report (path, error);
    }
  return CLI_EXIT_OK;
}

/* ---- add ---------------------------------------------------------------------------- */

int
cmd_add (int argc, char **argv)
{
  g_autofree char *as = NULL;
  gboolean force = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(DevicePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  const MsConstructor *ctor;
  const MsDevice *d;
  const char *path;
  guint id;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "as", 'a', 0, G_OPTION_ARG_STRING, &as, "Name of the new device (default: from its type)", "NAME" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Store option values even if they are not valid", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("add",
                          "OPTION=VALUE sets an option of the constructor (see “mstudio catalog”).\n"
                          "main and impl devices also take module=, signature=, packages=\n"
                          "(“name >= min < max; ...”), args= (“name:type=default:doc; ...”) and\n"
                          "deps= (device names, comma-separated). Prints the new device's name.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc < 3)
    return cli_usage_error ("add", argc < 2 ? "which project file?" : "which constructor?");
  path = argv[1];
  for (int i = 3; i < argc; i++)
    if (strchr (argv[i], '=') == NULL || argv[i][0] == '=')
      return cli_usage_error ("add", "“%s” is not an assignment OPTION=VALUE", argv[i]);

  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  ctor = ms_catalog_lookup (ms_document_get_catalog (doc), argv[2]);
  if (ctor == NULL)
    {
      cli_error (path, "“%s” is not a device constructor of the catalog (see “mstudio catalog”)", argv[2]);
      return CLI_EXIT_ERRORS;
    }
  if (ctor->kind == MS_CTOR_INTERNAL)
    {
      cli_error (path, "“%s” is internal to Mirage and cannot be added by hand", argv[2]);
      return CLI_EXIT_ERRORS;
    }
  if (as != NULL)
    {
      g_autofree char *why = NULL;
      if (!ms_device_name_is_valid (as, &why))
        {
          cli_error (path, "%s", why);
          return CLI_EXIT_ERRORS;
        }
      if (ms_document_find_device (doc, as) != NULL)
        {
          cli_error (path, "there is already a device named “%s”", as);
          return CLI_EXIT_ERRORS;
        }
    }

  plan = device_plan_new (ctor, as ? as : ctor->name, 0);
  for (int i = 3; i < argc; i++)
    {
      g_autofree char *field = NULL;
      g_autofree char *value = NULL;
      if (!split_assignment ("add", argv[i], &field, &value, &code))
        return code;
      if (!plan_field (doc, path, plan, field, value, force))
        return CLI_EXIT_ERRORS;
    }

  label = g_strdup_printf ("Add %s", as ? as : ctor->name);
  ms_document_begin_group (doc, label);
  id = ms_document_add_device (doc, ctor->name, as, &error);
  if (id != 0)
    {
      plan->id = id;
      apply_plan (doc, plan, &error);
    }
  if (!ms_document_end_group (doc, error ? NULL : &error) || error != NULL)
    return cli_report (path, error);
  d = ms_document_get_device (doc, id);
  say ("%s\n", d ? d->name : "");
  return CLI_EXIT_OK;
}

/* ---- connect, disconnect -------------------------------------------------------------- */

static gboolean
split_port (const char *command, const char *text, char **device, char **param, int *exit_code)
{
  const char *dot = strchr (text, '.');

  if (dot == NULL || dot == text || dot[1] == '\0')
    {
      *exit_code = cli_usage_error (command, "“%s” is not DEVICE.PARAMETER (e.g. stack.net, unikernel.1)", text);
      return FALSE;
    }
  *device = g_strndup (text, (gsize) (dot - text));
  *param = g_strdup (dot + 1);
  return TRUE;
}

static gboolean
check_port (MsDocument *doc, const char *path, const MsDevice *d, const char *param)
{
  g_autoptr(GPtrArray) ports = cli_device_ports (doc, d);
  GString *known;

  for (guint i = 0; i < ports->len; i++)
    if (g_str_equal (ports->pdata[i], param))
      return TRUE;
  known = g_string_new (NULL);
  for (guint i = 0; i < ports->len; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", (char *) ports->pdata[i]);
  if (d->custom != NULL)
    cli_error (path, "%s has no parameter “%s”: its signature “%s” has %u parameter%s, numbered from 1",
               d->name, param, d->custom->signature, ports->len, ports->len == 1 ? "" : "s");
  else
    cli_error (path, "%s (%s) has no parameter “%s” (%s%s)", d->name, d->ctor, param,
               ports->len ? "its parameters: " : "it takes no devices", known->str);
  g_string_free (known, TRUE);
  return FALSE;
}

int
cmd_connect (int argc, char **argv)
{
  gboolean force = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tname = NULL;
  g_autofree char *param = NULL;
  g_autofree char *why = NULL;
  const MsDevice *s, *t;
  const char *path;
  guint old;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Connect even if the types do not fit", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("connect",
                          "PARAM is a parameter name from the catalog (stack.net) or, for main and\n"
                          "impl devices, a 1-based position in the signature (unikernel.2). An\n"
                          "ill-typed connection is refused with the reason unless --force.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 4)
    return cli_usage_error ("connect", argc < 4 ? "expected P.mstudio SOURCE TARGET.PARAM" : "too many arguments");
  path = argv[1];
  if (!split_port ("connect", argv[3], &tname, &param, &code))
    return code;
  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  if (!(s = cli_find_device (doc, path, argv[2], &code)) || !(t = cli_find_device (doc, path, tname, &code)))
    return code;
  if (!check_port (doc, path, t, param))
    return CLI_EXIT_ERRORS;

  if (!ms_check_connection (doc, s->id, t->id, param, &why))
    {
      if (!force)
        {
          cli_error (path, "cannot connect %s to %s.%s: %s (use --force to connect anyway)",
                     s->name, t->name, param, why ? why : "the types do not fit");
          return CLI_EXIT_ERRORS;
        }
      cli_warning (path, "connecting %s to %s.%s although %s (--force)",
                   s->name, t->name, param, why ? why : "the types do not fit");
    }
  old = ms_document_get_source (doc, t->id, param);
  if (old != 0 && old != s->id)
    {
      const MsDevice *o = ms_document_get_device (doc, old);
      cli_warning (path, "%s.%s was fed by %s; it is now fed by %s",
                   t->name, param, o ? o->name : "?", s->name);
    }
  if (!ms_document_connect (doc, s->id, t->id, param, &error))
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

int
cmd_disconnect (int argc, char **argv)
{
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tname = NULL;
  g_autofree char *param = NULL;
  const MsDevice *t;
  const char *path;
  int code = CLI_EXIT_OK;

  if (!cli_parse_options ("disconnect", NULL, NULL, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return cli_usage_error ("disconnect", argc < 3 ? "expected P.mstudio TARGET.PARAM" : "too many arguments");
  path = argv[1];
  if (!split_port ("disconnect", argv[2], &tname, &param, &code))
    return code;
  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  if (!(t = cli_find_device (doc, path, tname, &code)))
    return code;
  if (ms_document_get_source (doc, t->id, param) == 0)
    {
      cli_error (path, "%s.%s is not connected", t->name, param);
      return CLI_EXIT_ERRORS;
    }
  if (!ms_document_disconnect (doc, t->id, param, &error))
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

/* ---- set ---------------------------------------------------------------------------------- */

typedef struct {
  char *name;    /* setting name */
  char *value;   /* NULL: unset */
} SettingPlan;

static void
setting_plan_free (gpointer data)
{
  SettingPlan *s = data;

  g_free (s->name);
  g_free (s->value);
  g_free (s);
}

static void
add_setting (GPtrArray *settings, const char *name, const char *value)
{
  SettingPlan *s = g_new0 (SettingPlan, 1);

  s->name = g_strdup (name);
  s->value = value && *value ? g_strdup (value) : NULL;
  g_ptr_array_add (settings, s);
}

static gboolean
check_register_choice (MsDocument *doc, const char *path, const char *what, const char *value)
{
  const char * const *choices = ms_catalog_get_register_choices (ms_document_get_catalog (doc), what);
  g_autofree char *list = NULL;

  if (*value == '\0' || (choices != NULL && g_strv_contains (choices, value)))
    return TRUE;
  list = choices ? g_strjoinv (", ", (char **) choices) : g_strdup ("none");
  cli_error (path, "%s: “%s” is not a choice (choices: %s)", what, value, list);
  return FALSE;
}

static gboolean
check_value (const char *path, const char *what, const char *type, const char *value, gboolean force)
{
  g_autofree char *why = NULL;
  g_autofree char *expected = NULL;

  if (*value == '\0' || ms_value_check (type, value, &why))
    return TRUE;
  expected = ms_value_type_describe (type);
  if (force)
    {
      cli_warning (path, "%s: storing “%s” anyway (--force), though it is not %s", what, value, expected);
      return TRUE;
    }
  cli_error (path, "%s: “%s” is not a valid value: %s (value type %s)", what, value, why ? why : expected, type);
  return FALSE;
}

static gboolean
plan_key (MsDocument *doc, const char *path, MsEvalGraph **graph, const char *key,
          const char *value, gboolean force, GPtrArray *settings)
{
  MsCatalog *catalog = ms_document_get_catalog (doc);
  const MsKeyDef *def = ms_catalog_lookup_key (catalog, key);
  const char *type = def ? def->type : NULL;
  g_autofree char *what = g_strdup_printf ("key:%s", key);

  /* unsetting a key the project sets always works, even one no device
   * reads any more (another Mirage version's, as check suggests) */
  if (*value == '\0' && ms_document_get_setting (doc, what) != NULL)
    {
      add_setting (settings, what, value);
      return TRUE;
    }
  if (*graph == NULL)
    *graph = ms_eval (doc, NULL);
  for (guint i = 0; type == NULL && *graph && i < (*graph)->keys->len; i++)
    {
      MsEvalKey *k = (*graph)->keys->pdata[i];
      if (g_str_equal (k->name, key))
        type = k->type;
    }
  if (type == NULL)
    {
      GString *known = g_string_new (NULL);
      GPtrArray *defs = ms_catalog_get_keys (catalog);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      for (guint i = 0; *graph && i < (*graph)->keys->len; i++)
        g_ptr_array_add (names, (gpointer) ((MsEvalKey *) (*graph)->keys->pdata[i])->name);
      for (guint i = 0; i < defs->len; i++)
        g_ptr_array_add (names, ((MsKeyDef *) defs->pdata[i])->name);
      g_ptr_array_sort (names, cli_compare_strings);
      for (guint i = 0; i < names->len; i++)
        if (i == 0 || !g_str_equal (names->pdata[i], names->pdata[i - 1]))
          g_string_append_printf (known, "%s%s", known->len ? ", " : "", (char *) names->pdata[i]);
      cli_error (path, "there is no key “%s” (keys: %s)", key, known->str);
      g_string_free (known, TRUE);
      return FALSE;
    }
  if (!check_value (path, what, type, value, force))
    return FALSE;
  /* the target is a key to Mirage, and a setting of its own here */
  add_setting (settings, g_str_equal (key, "target") ? MS_SETTING_TARGET : what, value);
  return TRUE;
}

static gboolean
plan_arg (MsDocument *doc, const char *path, MsEvalGraph **graph, const char *arg,
          const char *value, gboolean force, GPtrArray *settings)
{
  const MsEvalArg *found = NULL;
  g_autofree char *what = g_strdup_printf ("arg:%s", arg);

  if (*graph == NULL)
    *graph = ms_eval (doc, NULL);
  for (guint i = 0; *graph && i < (*graph)->runtime_args->len; i++)
    {
      MsEvalArg *a = (*graph)->runtime_args->pdata[i];
      if (g_str_equal (a->name, arg))
        found = a;
    }
  if (found == NULL)
    {
      GString *known = g_string_new (NULL);
      for (guint i = 0; *graph && i < (*graph)->runtime_args->len; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "",
                                ((MsEvalArg *) (*graph)->runtime_args->pdata[i])->name);
      cli_error (path, "the project has no runtime argument “%s” (runtime arguments: %s)",
                 arg, known->len ? known->str : "none");
      g_string_free (known, TRUE);
      return FALSE;
    }
  if (!check_value (path, what, found->type, value, force))
    return FALSE;
  add_setting (settings, what, value);
  return TRUE;
}

static gboolean
plan_setting (MsDocument *doc, const char *path, const char *name, const char *value,
              GPtrArray *settings, GArray **jobs)
{
  MsCatalog *catalog = ms_document_get_catalog (doc);

  if (g_str_equal (name, MS_SETTING_TARGET))
    {
      if (*value && ms_catalog_lookup_target (catalog, value) == NULL)
        {
          GPtrArray *targets = ms_catalog_get_targets (catalog);
          GString *known = g_string_new (NULL);
          for (guint i = 0; i < targets->len; i++)
            g_string_append_printf (known, "%s%s", i ? ", " : "", ((MsTarget *) targets->pdata[i])->name);
          cli_error (path, "“%s” is not a target (targets: %s)", value, known->str);
          g_string_free (known, TRUE);
          return FALSE;
        }
    }
  else if (g_str_equal (name, MS_SETTING_NAME))
    {
      g_autofree char *why = NULL;

      if (*value && !cli_app_name_is_valid (value, &why))
        {
          cli_error (path, "name: %s", why);
          return FALSE;
        }
    }
  else if (g_str_equal (name, MS_SETTING_LEVEL))
    {
      if (!check_value (path, name, "log_level", value, FALSE))
        return FALSE;
    }
  else if (g_str_equal (name, MS_SETTING_MIRAGE))
    {
      if (!ms_catalog_version_is_known (value))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) ms_catalog_get_known_versions ());
          cli_error (path, "mirage: “%s” is not a Mirage version a project can target (versions: %s)",
                     value, known);
          return FALSE;
        }
    }
  else if (g_str_equal (name, MS_SETTING_JOBS))
    {
      g_autofree char *why = NULL;
      GArray *ids = parse_device_list (doc, NULL, value, &why);
      if (ids == NULL)
        {
          cli_error (path, "jobs: %s", why);
          return FALSE;
        }
      g_clear_pointer (jobs, g_array_unref);
      *jobs = ids;
      return TRUE;
    }
  else if (g_str_equal (name, MS_SETTING_ARGV) || g_str_equal (name, MS_SETTING_REPORTER)
           || g_str_equal (name, MS_SETTING_SLEEP) || g_str_equal (name, MS_SETTING_PTIME)
           || g_str_equal (name, MS_SETTING_MTIME) || g_str_equal (name, MS_SETTING_RANDOM))
    {
      if (!check_register_choice (doc, path, name, value))
        return FALSE;
    }
  else
    {
      cli_error (path, "“%s” is not something set can change (DEVICE.OPTION, key:NAME, arg:NAME, "
                 "name, target, mirage, jobs, argv, reporter, level, sleep, ptime, mtime, random)", name);
      return FALSE;
    }
  add_setting (settings, name, value);
  return TRUE;
}

static gboolean
apply_settings (MsDocument *doc, GPtrArray *settings, GArray *jobs, GError **error)
{
  for (guint i = 0; i < settings->len; i++)
    {
      SettingPlan *s = settings->pdata[i];
      if (!ms_document_set_setting (doc, s->name, s->value, error))
        return FALSE;
    }
  if (jobs != NULL && !ms_document_set_jobs (doc, (guint *) (gpointer) jobs->data, jobs->len, error))
    return FALSE;
  return TRUE;
}

int
cmd_set (int argc, char **argv)
{
  gboolean force = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsEvalGraph) graph = NULL;
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) device_plan_free);
  g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func (setting_plan_free);
  g_autoptr(GArray) jobs = NULL;
  GString *label = g_string_new ("Set ");
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Store values even if they are not valid", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("set",
                          "Assignments:\n"
                          "  DEVICE.OPTION=VALUE   an option of a device\n"
                          "  DEVICE.module=M, .signature=S, .packages=P, .args=A, .deps=D\n"
                          "                        the fields of main and impl devices\n"
                          "  key:NAME=VALUE        a configure-time key\n"
                          "  arg:NAME=VALUE        the default of a runtime argument\n"
                          "  target=TARGET, name=APPNAME, jobs=A,B, argv=, reporter=, level=,\n"
                          "  sleep=, ptime=, mtime=, random=   project settings\n"
                          "An empty VALUE unsets. All assignments are one undoable step.",
                          entries, &argc, &argv, &code))
    {
      g_string_free (label, TRUE);
      return code;
    }
  if (argc < 3)
    {
      g_string_free (label, TRUE);
      return cli_usage_error ("set", argc < 2 ? "which project file?" : "what to set? (NAME=VALUE)");
    }
  path = argv[1];
  for (int i = 2; i < argc; i++)
    if (strchr (argv[i], '=') == NULL || argv[i][0] == '=')
      {
        g_string_free (label, TRUE);
        return cli_usage_error ("set", "“%s” is not an assignment NAME=VALUE", argv[i]);
      }
  if (!(doc = cli_open_for_writing (path, &code)))
    {
      g_string_free (label, TRUE);
      return code;
    }

  for (int i = 2; i < argc; i++)
    {
      g_autofree char *lhs = NULL;
      g_autofree char *value = NULL;
      const char *dot;
      gboolean ok;

      split_assignment ("set", argv[i], &lhs, &value, &code);
      g_string_append_printf (label, "%s%s", i > 2 ? ", " : "", lhs);
      dot = strchr (lhs, '.');
      if (g_str_has_prefix (lhs, "key:") && lhs[4])
        ok = plan_key (doc, path, &graph, lhs + 4, value, force, settings);
      else if (g_str_has_prefix (lhs, "arg:") && lhs[4])
        ok = plan_arg (doc, path, &graph, lhs + 4, value, force, settings);
      else if (dot != NULL)
        {
          g_autofree char *dname = g_strndup (lhs, (gsize) (dot - lhs));
          const MsDevice *d = cli_find_device (doc, path, dname, &code);
          const MsConstructor *ctor;
          DevicePlan *plan = NULL;

          if (d == NULL)
            {
              g_string_free (label, TRUE);
              return code;
            }
          ctor = ms_catalog_lookup (ms_document_get_catalog (doc), d->ctor);
          if (ctor == NULL)
            {
              cli_error (path, "%s is a %s, which the catalog does not know", d->name, d->ctor);
              g_string_free (label, TRUE);
              return CLI_EXIT_ERRORS;
            }
          for (guint j = 0; j < plans->len; j++)
            if (((DevicePlan *) plans->pdata[j])->id == d->id)
              plan = plans->pdata[j];
          if (plan == NULL)
            {
              plan = device_plan_new (ctor, d->name, d->id);
              g_ptr_array_add (plans, plan);
            }
          ok = plan_field (doc, path, plan, dot + 1, value, force);
        }
      else
        ok = plan_setting (doc, path, lhs, value, settings, &jobs);
      if (!ok)
        {
          g_string_free (label, TRUE);
          return CLI_EXIT_ERRORS;
        }
    }

  ms_document_begin_group (doc, label->str);
  g_string_free (label, TRUE);
  for (guint i = 0; i < plans->len && error == NULL; i++)
    apply_plan (doc, plans->pdata[i], &error);
  if (error == NULL)
    apply_settings (doc, settings, jobs, &error);
  if (!ms_document_end_group (doc, error ? NULL : &error) || error != NULL)
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

/* ---- remove ----------------------------------------------------------------------------------- */

int
cmd_remove (int argc, char **argv)
{
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  const MsDevice *d;
  const char *path;
  int code = CLI_EXIT_OK;

  if (!cli_parse_options ("remove", "Connections into and out of the device go with it.",
                          NULL, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return cli_usage_error ("remove", argc < 3 ? "expected P.mstudio NAME" : "too many arguments");
  path = argv[1];
  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  if (!(d = cli_find_device (doc, path, argv[2], &code)))
    return code;
  if (!ms_document_remove_device (doc, d->id, &error))
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

/* ---- register ------------------------------------------------------------------------------------ */

int
cmd_register (int argc, char **argv)
{
  g_autofree char *jobs_text = NULL;
  g_autofree char *reporter = NULL;
  g_autofree char *argv_choice = NULL;
  g_autofree char *sleep_choice = NULL;
  g_autofree char *ptime = NULL;
  g_autofree char *mtime = NULL;
  g_autofree char *random_choice = NULL;
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func (setting_plan_free);
  g_autoptr(GArray) jobs = NULL;
  const char *path;
  int code = CLI_EXIT_OK;
  struct { const char *what; char **value; } choices[] = {
    { MS_SETTING_ARGV, &argv_choice }, { MS_SETTING_SLEEP, &sleep_choice },
    { MS_SETTING_PTIME, &ptime }, { MS_SETTING_MTIME, &mtime }, { MS_SETTING_RANDOM, &random_choice },
  };
  const GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_text, "The devices register runs, comma-separated", "NAME[,NAME]" },
    { "reporter", 0, 0, G_OPTION_ARG_STRING, &reporter,
      "Log reporter: a level (quiet, app, error, warning, info, debug), default or none", "LEVEL|none" },
    { "argv", 0, 0, G_OPTION_ARG_STRING, &argv_choice, "Command-line arguments", "default|none" },
    { "sleep", 0, 0, G_OPTION_ARG_STRING, &sleep_choice, "Sleep implementation", "default|none" },
    { "ptime", 0, 0, G_OPTION_ARG_STRING, &ptime, "POSIX clock", "default|none|mock" },
    { "mtime", 0, 0, G_OPTION_ARG_STRING, &mtime, "Monotonic clock", "default|none|mock" },
    { "random", 0, 0, G_OPTION_ARG_STRING, &random_choice, "Random generator", "default|none" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("register",
                          "Like Mirage's register: the jobs to run and the optional devices\n"
                          "register adds. Options not given stay as they are.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("register", argc < 2 ? "which project file?" : "too many arguments");
  path = argv[1];
  if (!(doc = cli_open_for_writing (path, &code)))
    return code;

  if (jobs_text != NULL && !plan_setting (doc, path, MS_SETTING_JOBS, jobs_text, settings, &jobs))
    return CLI_EXIT_ERRORS;
  if (reporter != NULL)
    {
      if (g_str_equal (reporter, "none") || g_str_equal (reporter, "default"))
        add_setting (settings, MS_SETTING_REPORTER, reporter);
      else if (ms_value_check ("log_level", reporter, NULL) && *reporter)
        {
          add_setting (settings, MS_SETTING_REPORTER, "default");
          add_setting (settings, MS_SETTING_LEVEL, reporter);
        }
      else
        {
          cli_error (path, "reporter: “%s” is neither a log level (quiet, app, error, warning, info, "
                     "debug), default nor none", reporter);
          return CLI_EXIT_ERRORS;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    if (*choices[i].value != NULL)
      {
        if (!check_register_choice (doc, path, choices[i].what, *choices[i].value))
          return CLI_EXIT_ERRORS;
        add_setting (settings, choices[i].what, *choices[i].value);
      }

  ms_document_begin_group (doc, "Register");
  apply_settings (doc, settings, jobs, &error);
  if (!ms_document_end_group (doc, error ? NULL : &error) || error != NULL)
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

/* ---- layout --------------------------------------------------------------------------------------- */

#define CARD_WIDTH 200.0
#define CARD_HEIGHT 56.0
#define PORT_HEIGHT 22.0

/* Places the devices of doc (all, or those without a position) as one
 * undoable step; *moved: how many moved. For layout, and for import,
 * which lays out the document before writing it. */
int
cli_layout_document (MsDocument *doc, const char *path, gboolean all, guint *moved)
{
  g_autoptr(GError) error = NULL;
  g_autofree MsLayoutNode *nodes = NULL;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (MsLayoutEdge));
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *devices, *conns;

  *moved = 0;
  devices = ms_document_get_devices (doc);
  nodes = g_new0 (MsLayoutNode, devices->len ? devices->len : 1);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      GPtrArray *p = cli_device_ports (doc, d);
      g_ptr_array_add (ports, p);
      nodes[i].id = d->name;
      nodes[i].n_in_ports = p->len;
      nodes[i].width = CARD_WIDTH;
      nodes[i].height = CARD_HEIGHT + PORT_HEIGHT * p->len;
      nodes[i].placed = d->placed;
      nodes[i].x = d->x;
      nodes[i].y = d->y;
    }
  conns = ms_document_get_connections (doc);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      MsLayoutEdge e = { G_MAXUINT, G_MAXUINT, G_MAXUINT };
      for (guint j = 0; j < devices->len; j++)
        {
          const MsDevice *d = devices->pdata[j];
          if (d->id == c->source)
            e.from = j;
          if (d->id == c->target)
            {
              GPtrArray *p = ports->pdata[j];
              e.to = j;
              for (guint k = 0; k < p->len; k++)
                if (g_str_equal (p->pdata[k], c->param))
                  e.to_port = k;
            }
        }
      if (e.from != G_MAXUINT && e.to != G_MAXUINT)
        g_array_append_val (edges, e);
    }

  if (devices->len > 0
      && !ms_layout_run (nodes, devices->len, (MsLayoutEdge *) (gpointer) edges->data, edges->len,
                         all ? MS_LAYOUT_ALL : MS_LAYOUT_UNPLACED, NULL, &error))
    {
      cli_error (path, "cannot lay out the devices: %s", error->message);
      return CLI_EXIT_ERRORS;
    }

  ms_document_begin_group (doc, "Arrange");
  for (guint i = 0; i < devices->len && error == NULL; i++)
    {
      const MsDevice *d = devices->pdata[i];
      if (!all && d->placed)
        continue;
      if (!d->placed || d->x != nodes[i].x || d->y != nodes[i].y)
        (*moved)++;
      ms_document_move_device (doc, d->id, nodes[i].x, nodes[i].y, &error);
    }
  if (!ms_document_end_group (doc, error ? NULL : &error) || error != NULL)
    return cli_report (path, error);
  return CLI_EXIT_OK;
}

int
cmd_layout (int argc, char **argv)
{
  gboolean all = FALSE;
  g_autoptr(MsDocument) doc = NULL;
  guint moved = 0;
  const char *path;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Place every device, not only those without a position", NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("layout",
                          "Gives positions on the studio's canvas to the devices that have none\n"
                          "(or, with --all, to every device). Dependencies go left of their users.",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("layout", argc < 2 ? "which project file?" : "too many arguments");
  path = argv[1];
  if (!(doc = cli_open_for_writing (path, &code)))
    return code;
  if ((code = cli_layout_document (doc, path, all, &moved)) != CLI_EXIT_OK)
    return code;
  say ("placed %u device%s\n", moved, moved == 1 ? "" : "s");
  return CLI_EXIT_OK;
}
