/* ms-paths.c: where Mirage Studio finds its data files.
 *
 * Uninstalled binaries (run from the build tree, as tests and the README's
 * commands do) must read the source tree's data/, installed ones the
 * installed copy; MSTUDIO_DATADIR overrides both. Translations follow the
 * same rule (MSTUDIO_LOCALEDIR).
 */
#include "ms-paths.h"

#include "ms-config.h"

#include <libintl.h>
#include <unistd.h>

static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, MS_BUILD_ROOT "/");
}

const char *
ms_paths_get_datadir (void)
{
  static char *datadir;

  if (g_once_init_enter (&datadir))
    {
      const char *env = g_getenv ("MSTUDIO_DATADIR");
      char *dir;

      if (env != NULL && *env != '\0')
        dir = g_strdup (env);
      else if (running_from_build_tree ()
               || !g_file_test (MS_INSTALLED_DATADIR, G_FILE_TEST_IS_DIR))
        dir = g_strdup (MS_SOURCE_DATADIR);
      else
        dir = g_strdup (MS_INSTALLED_DATADIR);
      g_once_init_leave (&datadir, dir);
    }
  return datadir;
}

char *
ms_paths_get_catalog_dir (void)
{
  return g_build_filename (ms_paths_get_datadir (), "catalog", NULL);
}

char *
ms_paths_get_examples_dir (void)
{
  return g_build_filename (ms_paths_get_datadir (), "examples", NULL);
}

const char *
ms_paths_get_localedir (void)
{
  static char *localedir;

  if (g_once_init_enter (&localedir))
    {
      const char *env = g_getenv ("MSTUDIO_LOCALEDIR");
      char *dir;

      if (env != NULL && *env != '\0')
        dir = g_strdup (env);
      else if (running_from_build_tree ())
        dir = g_build_filename (MS_BUILD_ROOT, "po", NULL);
      else
        dir = g_strdup (MS_LOCALEDIR);
      g_once_init_leave (&localedir, dir);
    }
  return localedir;
}

void
ms_paths_bind_textdomain (void)
{
  bindtextdomain (GETTEXT_PACKAGE, ms_paths_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}
