/* ms-resolve-lock.c: lock files from a resolved answer.
 *
 * A lock file is an opam file whose `depends` pins every package of the
 * answer with `{= "VERSION"}`. Two forms: the one `opam install --locked`
 * reads (NAME.opam.locked, sources and checksums in x-mstudio-sources),
 * and the one opam-monorepo's lock step writes (vendored packages marked
 * `?vendor`, pin-depends and the x-opam-monorepo-* fields read from its
 * lib/lockfile.ml). Only text is made here: the solver is ms-resolve.c.
 */
#include "ms-resolve.h"

#include <string.h>

/* opam file text: a string literal with what opam's lexer needs escaped */
static void
append_opam_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Packages opam-monorepo leaves to the opam switch rather than vendoring:
 * the compiler and its configuration, base packages, and packages with no
 * source archive. */
static gboolean
is_switch_package (const MsResolvedPackage *p)
{
  return p->url == NULL || (p->flags & (MS_OPAM_FLAG_COMPILER | MS_OPAM_FLAG_CONF)) != 0 ||
         g_str_equal (p->name, "ocaml") || g_str_has_prefix (p->name, "ocaml-base-compiler") ||
         g_str_has_prefix (p->name, "ocaml-options-") || g_str_equal (p->name, "ocaml-config") ||
         g_str_has_prefix (p->name, "base-") || g_str_equal (p->name, "dune") ||
         g_str_equal (p->name, "mirage") || g_str_equal (p->name, "opam-monorepo");
}

/* The lock file: an opam file pinning every package with `=`, its source
 * and checksums. format "opam" is what `opam install --locked` reads;
 * "monorepo" adds what opam-monorepo's lock step writes (vendored packages
 * marked `?vendor`, x-opam-monorepo-* fields). */
char *
ms_resolution_lock_text (const MsResolution *res, const char *app,
                         const char *const *root_packages, gboolean monorepo)
{
  return ms_resolution_lock_text_for_target (res, app, root_packages, monorepo, NULL);
}

char *
ms_resolution_lock_text_for_target (const MsResolution *res, const char *app,
                                    const char *const *root_packages, gboolean monorepo,
                                    const char *target)
{
  GString *out = g_string_new ("opam-version: \"2.0\"\n");

  g_string_append (out, "synopsis: ");
  {
    g_autofree char *syn = g_strdup_printf ("%s %s, locked by mstudio resolve", app,
                                            monorepo ? "(opam-monorepo lockfile)" : "(opam lock file)");
    append_opam_string (out, syn);
  }
  g_string_append (out, "\nmaintainer: ");
  append_opam_string (out, monorepo ? "opam-monorepo" : "mstudio");
  if (target != NULL)
    {
      /* the target resolved for: `export --format ci` uses the lock only
       * for it (another target needs other packages) */
      g_string_append (out, "\nx-mstudio-target: ");
      append_opam_string (out, target);
    }
  g_string_append (out, "\ndepends: [\n");
  for (guint i = 0; i < res->packages->len; i++)
    {
      const MsResolvedPackage *p = res->packages->pdata[i];
      g_string_append (out, "  ");
      append_opam_string (out, p->name);
      g_string_append (out, " {= ");
      append_opam_string (out, p->version);
      if (monorepo && !is_switch_package (p))
        g_string_append (out, " & ?vendor");
      g_string_append (out, "}\n");
    }
  g_string_append (out, "]\n");

  if (monorepo)
    {
      g_string_append (out, "pin-depends: [\n");
      for (guint i = 0; i < res->packages->len; i++)
        {
          const MsResolvedPackage *p = res->packages->pdata[i];
          g_autofree char *nv = g_strdup_printf ("%s.%s", p->name, p->version);
          if (is_switch_package (p))
            continue;
          g_string_append (out, "  [");
          append_opam_string (out, nv);
          g_string_append_c (out, ' ');
          append_opam_string (out, p->url);
          g_string_append (out, "]\n");
        }
      g_string_append (out, "]\nx-opam-monorepo-duniverse-dirs: [\n");
      for (guint i = 0; i < res->packages->len; i++)
        {
          const MsResolvedPackage *p = res->packages->pdata[i];
          if (is_switch_package (p))
            continue;
          g_string_append (out, "  [");
          append_opam_string (out, p->url);
          g_string_append_c (out, ' ');
          append_opam_string (out, p->name);
          if (p->checksums[0] != NULL)
            {
              g_string_append (out, " [");
              for (guint k = 0; p->checksums[k] != NULL; k++)
                {
                  if (k > 0)
                    g_string_append_c (out, ' ');
                  append_opam_string (out, p->checksums[k]);
                }
              g_string_append_c (out, ']');
            }
          g_string_append (out, "]\n");
        }
      g_string_append (out, "]\nx-opam-monorepo-root-packages: [");
      for (guint i = 0; root_packages != NULL && root_packages[i] != NULL; i++)
        {
          g_string_append_c (out, ' ');
          append_opam_string (out, root_packages[i]);
        }
      g_string_append (out, " ]\nx-opam-monorepo-version: \"0.3\"\n");
    }
  else
    {
      /* where each pinned version comes from, for CI to fetch and verify */
      g_string_append (out, "x-mstudio-sources: [\n");
      for (guint i = 0; i < res->packages->len; i++)
        {
          const MsResolvedPackage *p = res->packages->pdata[i];
          if (p->url == NULL)
            continue;
          g_string_append (out, "  [");
          append_opam_string (out, p->name);
          g_string_append_c (out, ' ');
          append_opam_string (out, p->url);
          g_string_append (out, " [");
          for (guint k = 0; p->checksums[k] != NULL; k++)
            {
              if (k > 0)
                g_string_append_c (out, ' ');
              append_opam_string (out, p->checksums[k]);
            }
          g_string_append (out, "]]\n");
        }
      g_string_append (out, "]\n");
    }
  return g_string_free (out, FALSE);
}

