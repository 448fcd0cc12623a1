/* ms-studio-diagnostics.c: the checks' diagnostics in the studio's words
 * (see the header). */
#include "ms-studio-diagnostics.h"

#include <glib/gi18n.h>

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

void
ms_studio_diagnostics_adapt (GPtrArray *diagnostics, MsDocument *doc)
{
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      MsDiagnostic *d = diagnostics->pdata[i];

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
