/* mirage-studio.c: the studio's entry point. */
#include <glib/gi18n.h>
#include <locale.h>

#include "ms-config.h"
#include "ms-paths.h"
#include "ms-studio-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(MsStudioApplication) app = NULL;

  /* Someone who asks for the cairo renderer (software setups, workshop
   * VMs, our tests) never draws with OpenGL: skip probing for it, which
   * on a software GL stack is the slowest part of starting GTK. */
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0 && g_getenv ("GDK_DEBUG") == NULL)
    g_setenv ("GDK_DEBUG", "gl-disable", FALSE);

  setlocale (LC_ALL, "");
  /* the build tree's catalogues when run from it, as the data files */
  ms_paths_bind_textdomain ();
  textdomain (GETTEXT_PACKAGE);

  app = ms_studio_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
