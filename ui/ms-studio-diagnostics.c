/* ms-studio-diagnostics.c: the checks' diagnostics in the studio's words
 * (see the header). */
#include "ms-studio-diagnostics.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ms-check.h"

guint
ms_studio_job_candidate (MsDocument *doc)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  g_autoptr(GArray) jobs = ms_document_get_jobs (doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      gboolean registered = FALSE;

      if (d->custom == NULL || g_strcmp0 (d->ctor, "main") != 0)
        continue;
      for (guint j = 0; j < jobs->len && !registered; j++)
        registered = g_array_index (jobs, guint, j) == d->id;
      if (!registered)
        return d->id;
    }
  return 0;
}

/* The command-line advice in a message, " (mstudio ...)", taken out. */
static char *
without_commands (const char *message)
{
  GString *out = g_string_new (NULL);
  const char *p = message;
  const char *at;

  while ((at = strstr (p, " (mstudio ")) != NULL)
    {
      const char *end = strchr (at + 2, ')');
      if (end == NULL)
        break;
      g_string_append_len (out, p, at - p);
      p = end + 1;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

static gboolean
is_version_code (const char *code)
{
  return g_str_has_prefix (code, "version-");
}

void
ms_studio_diagnostics_adapt (GPtrArray *diagnostics, MsDocument *doc)
{
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      MsDiagnostic *d = diagnostics->pdata[i];

      /* what the targeted Mirage version lacks: the version is switched
       * with the header bar's button, not a command */
      if (is_version_code (d->code))
        {
          g_autofree char *plain = without_commands (d->message);
          g_free (d->message);
          /* TRANSLATORS: %s is a check's message, %s a version such as 4.10 */
          d->message = g_strdup_printf (_("%s (the “Mirage %s” button in the header bar switches versions)"),
                                        plain, ms_document_get_mirage_version (doc));
          continue;
        }
      if (g_str_equal (d->code, MS_DIAG_NO_JOBS))
        {
          guint id = ms_studio_job_candidate (doc);
          const MsDevice *main_dev = id ? ms_document_get_device (doc, id) : NULL;
          g_free (d->message);
          if (main_dev != NULL)
            /* TRANSLATORS: %s is a main device's name */
            d->message = g_strdup_printf (_("No job is registered, so the unikernel would do nothing: "
                                            "tick %s under Jobs in the application's settings "
                                            "(click an empty part of the canvas to see them)"),
                                          main_dev->name);
          else
            d->message = g_strdup (_("No job is registered, so the unikernel would do nothing: "
                                     "add a main device from the palette, it becomes the job"));
        }
    }
}
