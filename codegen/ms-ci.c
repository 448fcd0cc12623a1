/* ms-ci.c: GitHub Actions and GitLab CI files for an exported unikernel.
 *
 * Both install OCaml and the Mirage version of the export
 * (opam install "mirage>=4.11.0" "mirage<4.12.0"), then for each target
 * run `mirage configure -t TARGET` with the project's configure keys,
 * `make depend` and `make build`. Every scalar that carries project text
 * or a command is a YAML double-quoted string (ms_escape_yaml_string);
 * comments only carry text passed through the OCaml comment escaper,
 * which leaves no line breaks.
 *
 * With the project's lock file (mstudio resolve --lock, the `lock`
 * setting) the jobs install what it pins instead of solving: the lock is
 * exported as mirage-lock/APP.opam(.locked), the compiler is the lock's
 * OCaml, `opam install --deps-only --locked ./mirage-lock` installs the
 * pinned versions (of an opam-monorepo lock, the switch's packages: the
 * vendored ones are filtered by ?vendor), and for an opam-monorepo lock
 * it is copied where mirage's Makefile looks for it, so that only the
 * `depext-lockfile pull` steps run, never `opam monorepo lock`.
 */
#include "ms-ci.h"

#include <string.h>

#include "ms-escape.h"
#include "ms-opam-file.h"
#include "ms-unikernel-ml.h"

#define OCAML_VERSION "4.14"

static char *
yaml (const char *text)
{
  return ms_escape_yaml_string (text);
}

/* What the jobs need from a lock file. */
typedef struct {
  char *text;
  char *target;      /* x-mstudio-target, or NULL */
  char *ocaml;       /* the pinned ocaml */
  gboolean monorepo; /* opam-monorepo's form */
} Lock;

static void
lock_clear (Lock *l)
{
  g_free (l->text);
  g_free (l->target);
  g_free (l->ocaml);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Lock, lock_clear)

/* The version a lock pins a dependency to: {= "V"} or {= "V" & ?vendor}. */
static const char *
pinned_version (const MsOpamValue *v)
{
  const MsOpamValue *c;

  if (v->kind != MS_OPAM_OPTION || v->items->len != 1)
    return NULL;
  c = v->items->pdata[0];
  if (c->kind == MS_OPAM_AND)
    c = c->left;
  if (c->kind == MS_OPAM_PREFIX_RELOP && g_str_equal (c->text, "=") && c->left->kind == MS_OPAM_STRING)
    return c->left->text;
  return NULL;
}

static gboolean
lock_read (Lock *l, const char *text, GError **error)
{
  g_autoptr(GError) perr = NULL;
  g_autoptr(MsOpamFile) f = ms_opam_file_parse ("lock file", text, strlen (text), &perr);
  const MsOpamValue *deps, *target;

  if (f == NULL)
    {
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID, "the project's lock file does not parse: %s",
                   perr->message);
      return FALSE;
    }
  deps = ms_opam_file_get (f, "depends");
  target = ms_opam_file_get (f, "x-mstudio-target");
  for (guint i = 0; deps != NULL && deps->kind == MS_OPAM_LIST && i < deps->items->len; i++)
    {
      const MsOpamValue *d = deps->items->pdata[i];
      if (d->kind == MS_OPAM_OPTION && d->left->kind == MS_OPAM_STRING && g_str_equal (d->left->text, "ocaml"))
        l->ocaml = g_strdup (pinned_version (d));
    }
  if (l->ocaml == NULL)
    {
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID,
                   "the project's lock file pins no ocaml version (is it a lock file of mstudio resolve?)");
      return FALSE;
    }
  /* a version goes into YAML and a Docker image name: plain characters only */
  for (const char *p = l->ocaml; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '~' && *p != '+' && *p != '-')
      {
        g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID, "the lock file's ocaml version is not a version");
        return FALSE;
      }
  l->target = target && target->kind == MS_OPAM_STRING ? g_strdup (target->text) : NULL;
  l->monorepo = ms_opam_file_get (f, "x-opam-monorepo-version") != NULL;
  l->text = g_strdup (text);
  return TRUE;
}

/* opam's package names keep [A-Za-z0-9_-]; mirage turns '.' into '_' */
static char *
opamify (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '_' || *p == '-' ? *p : '_');
  return g_string_free (s, FALSE);
}

/* The dependency steps, as (name, command) pairs: without a lock, opam
 * solves and `make depend` locks; with one, the pinned versions. */
static GPtrArray *
steps_before_configure (const char *install, const Lock *lock)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func (g_free);
  if (lock == NULL)
    {
      g_ptr_array_add (steps, g_strdup ("Install Mirage"));
      g_ptr_array_add (steps, g_strdup (install));
    }
  else
    {
      g_ptr_array_add (steps, g_strdup (lock->monorepo ? "Install the switch's packages at their locked versions"
                                                        : "Install the locked packages"));
      g_ptr_array_add (steps, g_strdup ("opam install -y --deps-only --locked ./mirage-lock"));
    }
  return steps;
}

static GPtrArray *
steps_after_configure (const Lock *lock, const char *app, const char *target_var, gboolean opam_exec)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func (g_free);
  const char *exec = opam_exec ? "opam exec -- " : "";
  if (lock == NULL)
    {
      g_ptr_array_add (steps, g_strdup ("Install the dependencies"));
      g_ptr_array_add (steps, g_strdup_printf ("%smake depend", exec));
    }
  else if (lock->monorepo)
    {
      /* newer than mirage/APP-TARGET.opam: the Makefile does not re-lock */
      g_autofree char *name = opamify (app);
      g_ptr_array_add (steps, g_strdup ("Use the lock file (no opam monorepo lock)"));
      g_ptr_array_add (steps, g_strdup_printf ("cp mirage-lock/%s.opam.locked mirage/%s-%s.opam.locked",
                                               name, name, target_var));
      g_ptr_array_add (steps, g_strdup ("Fetch the locked sources"));
      g_ptr_array_add (steps, g_strdup_printf ("%smake depext-lockfile pull", exec));
    }
  g_ptr_array_add (steps, g_strdup ("Build"));
  g_ptr_array_add (steps, g_strdup_printf ("%smake build", exec));
  return steps;
}

static void
append_github_steps (GString *s, GPtrArray *steps)
{
  for (guint i = 0; i + 1 < steps->len; i += 2)
    {
      g_autofree char *name = yaml (steps->pdata[i]);
      g_autofree char *run = yaml (steps->pdata[i + 1]);
      g_string_append_printf (s, "      - name: %s\n        run: %s\n", name, run);
    }
}

static void
append_gitlab_steps (GString *s, GPtrArray *steps)
{
  for (guint i = 0; i + 1 < steps->len; i += 2)
    {
      g_autofree char *run = yaml (steps->pdata[i + 1]);
      g_string_append_printf (s, "    - %s\n", run);
    }
}

static char *
github_text (MsDocument *doc, MsCatalog *catalog, GPtrArray *targets,
             const char *install, const char *keys, const char *app, const Lock *lock)
{
  GString *s = g_string_new (NULL);
  g_autofree char *configure = g_strdup_printf ("opam exec -- mirage configure -t ${{ matrix.target }}%s", keys);
  g_autofree char *y_configure = yaml (configure);
  g_autofree char *y_ocaml = yaml (lock ? lock->ocaml : OCAML_VERSION);
  g_autoptr(GPtrArray) before = steps_before_configure (install, lock);
  g_autoptr(GPtrArray) after = steps_after_configure (lock, ms_document_get_app_name (doc),
                                                      "${{ matrix.target }}", TRUE);

  g_string_append_printf (s, "# Builds the MirageOS unikernel %s with Mirage %s, one job per target.\n"
                             "# Exported by Mirage Studio; needs config.ml next to it\n"
                             "# (mstudio export P.mstudio --format config.ml -o .).\n",
                          app, ms_catalog_get_mirage_version (catalog));
  if (lock != NULL)
    g_string_append (s, "# Installs the versions of the project's lock file (mirage-lock/, made by\n"
                        "# mstudio resolve --lock): no solving, no locking step.\n");
  g_string_append (s, "name: \"mirage\"\n"
                      "\"on\":\n"
                      "  push:\n"
                      "  pull_request:\n"
                      "jobs:\n"
                      "  build:\n"
                      "    strategy:\n"
                      "      fail-fast: false\n"
                      "      matrix:\n"
                      "        target:\n");
  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *t = yaml (targets->pdata[i]);
      g_string_append_printf (s, "          - %s\n", t);
    }
  g_string_append_printf (s, "    runs-on: ubuntu-latest\n"
                             "    steps:\n"
                             "      - uses: actions/checkout@v4\n"
                             "      - uses: ocaml/setup-ocaml@v3\n"
                             "        with:\n"
                             "          ocaml-compiler: %s\n",
                          y_ocaml);
  append_github_steps (s, before);
  g_string_append_printf (s, "      - name: \"Configure\"\n"
                             "        run: %s\n", y_configure);
  append_github_steps (s, after);
  return g_string_free (s, FALSE);
}

/* The image's tag is OCaml's major.minor ("5.5" of "5.5.0"). */
static char *
ocaml_image_tag (const char *version)
{
  const char *dot = strchr (version, '.');
  const char *end = dot ? dot + 1 + strspn (dot + 1, "0123456789") : NULL;
  return end ? g_strndup (version, (gsize) (end - version)) : g_strdup (version);
}

static char *
gitlab_text (MsDocument *doc, MsCatalog *catalog, GPtrArray *targets,
             const char *install, const char *keys, const char *app, const Lock *lock)
{
  GString *s = g_string_new (NULL);
  g_autofree char *configure = g_strdup_printf ("mirage configure -t \"$TARGET\"%s", keys);
  g_autofree char *y_configure = yaml (configure);
  g_autofree char *tag = ocaml_image_tag (lock ? lock->ocaml : OCAML_VERSION);
  g_autofree char *image = g_strdup_printf ("ocaml/opam:debian-12-ocaml-%s", tag);
  g_autofree char *y_image = yaml (image);
  g_autoptr(GPtrArray) before = steps_before_configure (install, lock);
  g_autoptr(GPtrArray) after = steps_after_configure (lock, ms_document_get_app_name (doc), "$TARGET", FALSE);

  g_string_append_printf (s, "# Builds the MirageOS unikernel %s with Mirage %s, one job per target.\n"
                             "# Exported by Mirage Studio; needs config.ml next to it\n"
                             "# (mstudio export P.mstudio --format config.ml -o .).\n",
                          app, ms_catalog_get_mirage_version (catalog));
  if (lock != NULL)
    g_string_append (s, "# Installs the versions of the project's lock file (mirage-lock/, made by\n"
                        "# mstudio resolve --lock): no solving, no locking step.\n");
  g_string_append_printf (s, "mirage:\n"
                             "  image: %s\n"
                             "  parallel:\n"
                             "    matrix:\n"
                             "      - TARGET:\n", y_image);
  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *t = yaml (targets->pdata[i]);
      g_string_append_printf (s, "          - %s\n", t);
    }
  g_string_append (s, "  script:\n");
  append_gitlab_steps (s, before);
  g_string_append_printf (s, "    - %s\n", y_configure);
  append_gitlab_steps (s, after);
  return g_string_free (s, FALSE);
}

GPtrArray *
ms_ci_generate (MsDocument *doc, MsCatalog *catalog, const char *const *targets,
                MsExportFlags flags, GError **error)
{
  return ms_ci_generate_locked (doc, catalog, targets, flags, NULL, error);
}

GPtrArray *
ms_ci_generate_locked (MsDocument *doc, MsCatalog *catalog, const char *const *targets,
                       MsExportFlags flags, const char *lock_text, GError **error)
{
  g_auto(Lock) lock_data = { 0 };
  Lock *lock = NULL;
  g_autoptr(MsDocument) rebased = ms_export_prepare (doc, catalog, flags, error);
  g_autoptr(GPtrArray) chosen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) flags_list = NULL;
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree char *install = NULL;
  g_autofree char *app = NULL;
  GPtrArray *files;
  MsSourceFile *f;
  const char *min, *max;

  if (rebased == NULL)
    return NULL;
  if (!ms_export_mirage_bounds (catalog, &min, &max))
    {
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID,
                   "the catalog of Mirage %s has no bounds for the mirage package",
                   ms_catalog_get_mirage_version (catalog));
      return NULL;
    }
  if (lock_text != NULL)
    {
      if (!lock_read (&lock_data, lock_text, error))
        return NULL;
      lock = &lock_data;
    }
  if (targets == NULL || targets[0] == NULL)
    g_ptr_array_add (chosen, g_strdup (lock && lock->target ? lock->target : ms_document_get_target (rebased)));
  else
    for (guint i = 0; targets[i] != NULL; i++)
      {
        gboolean seen = FALSE;
        for (guint j = 0; j < chosen->len; j++)
          seen = seen || g_str_equal (chosen->pdata[j], targets[i]);
        if (!seen)
          g_ptr_array_add (chosen, g_strdup (targets[i]));
      }
  for (guint i = 0; i < chosen->len; i++)
    if (ms_catalog_lookup_target (catalog, chosen->pdata[i]) == NULL)
      {
        g_autofree char *shown = ms_escape_ocaml_string (chosen->pdata[i]);
        g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID,
                     "%s is not a target of Mirage %s", shown, ms_catalog_get_mirage_version (catalog));
        return NULL;
      }

  /* a lock pins the packages of one target: others need other packages */
  for (guint i = 0; lock != NULL && i < chosen->len; i++)
    {
      const char *locked = lock->target ? lock->target : ms_document_get_target (rebased);
      if (!g_str_equal (chosen->pdata[i], locked))
        {
          g_autofree char *shown = ms_escape_ocaml_string (chosen->pdata[i]);
          g_autofree char *shown_lock = ms_escape_ocaml_string (locked);
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID,
                       "the project's lock file is for target %s, not %s: resolve for it "
                       "(mstudio resolve P -t TARGET --lock FILE) or export its target only",
                       shown_lock, shown);
          return NULL;
        }
    }

  flags_list = ms_export_key_flags (rebased);
  for (guint i = 0; i < flags_list->len; i++)
    g_string_append_printf (keys, " %s", (char *) flags_list->pdata[i]);
  install = g_strdup_printf ("opam install -y \"mirage>=%s\" \"mirage<%s\"", min, max);
  for (const char *p = min; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      install[0] = '\0';
  for (const char *p = max; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      install[0] = '\0';
  if (install[0] == '\0')
    {
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID, "the catalog's mirage bounds are not versions");
      return NULL;
    }
  app = ms_escape_ocaml_comment (ms_document_get_app_name (rebased), FALSE);

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_source_file_free);
  f = g_new0 (MsSourceFile, 1);
  f->file = g_strdup (".github/workflows/mirage.yml");
  f->text = github_text (rebased, catalog, chosen, install, keys->str, app, lock);
  g_ptr_array_add (files, f);
  f = g_new0 (MsSourceFile, 1);
  f->file = g_strdup (".gitlab-ci.yml");
  f->text = gitlab_text (rebased, catalog, chosen, install, keys->str, app, lock);
  g_ptr_array_add (files, f);
  if (lock != NULL)
    {
      /* opam install --locked reads NAME.opam.locked beside NAME.opam */
      g_autofree char *name = opamify (ms_document_get_app_name (rebased));
      f = g_new0 (MsSourceFile, 1);
      f->file = g_strdup_printf ("mirage-lock/%s.opam", name);
      f->text = g_strdup (lock->text);
      g_ptr_array_add (files, f);
      f = g_new0 (MsSourceFile, 1);
      f->file = g_strdup_printf ("mirage-lock/%s.opam.locked", name);
      f->text = g_strdup (lock->text);
      g_ptr_array_add (files, f);
    }
  return files;
}
