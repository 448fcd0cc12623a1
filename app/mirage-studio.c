/* mirage-studio.c: the studio's entry point. */
#include <glib/gi18n.h>
#include <locale.h>

#include "ms-config.h"
#include "ms-studio-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(MsStudioApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, MS_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = ms_studio_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
