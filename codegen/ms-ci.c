/* ms-ci.c: GitHub Actions and GitLab CI files for an exported unikernel.
 *
 * Both install OCaml and the Mirage version of the export
 * (opam install "mirage>=4.11.0" "mirage<4.12.0"), then for each target
 * run `mirage configure -t TARGET` with the project's configure keys,
 * `make depend` and `make build`. Every scalar that carries project text
 * or a command is a YAML double-quoted string (ms_escape_yaml_string);
 * comments only carry text passed through the OCaml comment escaper,
 * which leaves no line breaks.
 */
#include "ms-ci.h"

#include <string.h>

#include "ms-escape.h"
#include "ms-unikernel-ml.h"

#define OCAML_VERSION "4.14"

static char *
yaml (const char *text)
{
  return ms_escape_yaml_string (text);
}

static char *
github_text (MsDocument *doc, MsCatalog *catalog, GPtrArray *targets,
             const char *install, const char *keys, const char *app)
{
  GString *s = g_string_new (NULL);
  g_autofree char *configure = g_strdup_printf ("opam exec -- mirage configure -t ${{ matrix.target }}%s", keys);
  g_autofree char *y_install = yaml (install);
  g_autofree char *y_configure = yaml (configure);
  g_autofree char *y_ocaml = yaml (OCAML_VERSION);

  g_string_append_printf (s, "# Builds the MirageOS unikernel %s with Mirage %s, one job per target.\n"
                             "# Exported by Mirage Studio; needs config.ml next to it\n"
                             "# (mstudio export P.mstudio --format config.ml -o .).\n",
                          app, ms_catalog_get_mirage_version (catalog));
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
                             "          ocaml-compiler: %s\n"
                             "      - name: \"Install Mirage\"\n"
                             "        run: %s\n"
                             "      - name: \"Configure\"\n"
                             "        run: %s\n"
                             "      - name: \"Install the dependencies\"\n"
                             "        run: \"opam exec -- make depend\"\n"
                             "      - name: \"Build\"\n"
                             "        run: \"opam exec -- make build\"\n",
                          y_ocaml, y_install, y_configure);
  return g_string_free (s, FALSE);
}

static char *
gitlab_text (MsDocument *doc, MsCatalog *catalog, GPtrArray *targets,
             const char *install, const char *keys, const char *app)
{
  GString *s = g_string_new (NULL);
  g_autofree char *configure = g_strdup_printf ("mirage configure -t \"$TARGET\"%s", keys);
  g_autofree char *y_install = yaml (install);
  g_autofree char *y_configure = yaml (configure);
  g_autofree char *image = g_strdup_printf ("ocaml/opam:debian-12-ocaml-%s", OCAML_VERSION);
  g_autofree char *y_image = yaml (image);

  g_string_append_printf (s, "# Builds the MirageOS unikernel %s with Mirage %s, one job per target.\n"
                             "# Exported by Mirage Studio; needs config.ml next to it\n"
                             "# (mstudio export P.mstudio --format config.ml -o .).\n",
                          app, ms_catalog_get_mirage_version (catalog));
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
  g_string_append_printf (s, "  script:\n"
                             "    - %s\n"
                             "    - %s\n"
                             "    - \"make depend\"\n"
                             "    - \"make build\"\n",
                          y_install, y_configure);
  return g_string_free (s, FALSE);
}

GPtrArray *
ms_ci_generate (MsDocument *doc, MsCatalog *catalog, const char *const *targets,
                MsExportFlags flags, GError **error)
{
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
  if (targets == NULL || targets[0] == NULL)
    g_ptr_array_add (chosen, g_strdup (ms_document_get_target (rebased)));
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
  f->text = github_text (rebased, catalog, chosen, install, keys->str, app);
  g_ptr_array_add (files, f);
  f = g_new0 (MsSourceFile, 1);
  f->file = g_strdup (".gitlab-ci.yml");
  f->text = gitlab_text (rebased, catalog, chosen, install, keys->str, app);
  g_ptr_array_add (files, f);
  return files;
}
