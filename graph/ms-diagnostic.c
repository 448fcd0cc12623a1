/* ms-diagnostic.c: diagnostics as values, their text form and order. */
#include "ms-diagnostic.h"

#include <string.h>

MsDiagnostic *
ms_diagnostic_new (const char *code, MsSeverity severity, const char *device, const char *format, ...)
{
  MsDiagnostic *d = g_new0 (MsDiagnostic, 1);
  va_list ap;

  d->code = g_strdup (code);
  d->severity = severity;
  d->device = g_strdup (device);
  va_start (ap, format);
  d->message = g_strdup_vprintf (format, ap);
  va_end (ap);
  return d;
}

MsDiagnostic *
ms_diagnostic_copy (const MsDiagnostic *d)
{
  MsDiagnostic *c = g_new0 (MsDiagnostic, 1);

  c->code = g_strdup (d->code);
  c->severity = d->severity;
  c->message = g_strdup (d->message);
  c->device = g_strdup (d->device);
  c->port = g_strdup (d->port);
  c->option = g_strdup (d->option);
  c->setting = g_strdup (d->setting);
  c->related = g_strdupv (d->related);
  return c;
}

void
ms_diagnostic_free (MsDiagnostic *d)
{
  if (d == NULL)
    return;
  g_free (d->code);
  g_free (d->message);
  g_free (d->device);
  g_free (d->port);
  g_free (d->option);
  g_free (d->setting);
  g_strfreev (d->related);
  g_free (d);
}

const char *
ms_severity_to_string (MsSeverity s)
{
  switch (s)
    {
    case MS_SEVERITY_ERROR: return "error";
    case MS_SEVERITY_WARNING: return "warning";
    case MS_SEVERITY_INFO:
    default: return "info";
    }
}

/* Project data may hold anything; a terminal must never receive raw
 * control characters from it. */
static void
append_printable (GString *s, const char *text)
{
  for (const char *c = text; *c; c++)
    {
      guchar ch = (guchar) *c;
      if (ch < 0x20 || ch == 0x7f)
        g_string_append_printf (s, "\\x%02x", ch);
      else
        g_string_append_c (s, *c);
    }
}

char *
ms_diagnostic_format (const MsDiagnostic *d)
{
  GString *s = g_string_new (ms_severity_to_string (d->severity));

  g_string_append (s, ": ");
  if (d->device != NULL)
    {
      append_printable (s, d->device);
      if (d->port != NULL)
        {
          g_string_append_c (s, '.');
          append_printable (s, d->port);
        }
      else if (d->option != NULL)
        {
          g_string_append_c (s, '.');
          append_printable (s, d->option);
        }
      g_string_append (s, ": ");
    }
  else if (d->setting != NULL)
    {
      append_printable (s, d->setting);
      g_string_append (s, ": ");
    }
  append_printable (s, d->message);
  g_string_append_printf (s, " [%s]", d->code);
  return g_string_free (s, FALSE);
}

static int
compare_diagnostics (gconstpointer a, gconstpointer b)
{
  const MsDiagnostic *x = *(MsDiagnostic * const *) a;
  const MsDiagnostic *y = *(MsDiagnostic * const *) b;
  int c;

  if (x->severity != y->severity)
    return x->severity < y->severity ? -1 : 1;
  /* project-wide problems before device ones */
  if ((x->device == NULL) != (y->device == NULL))
    return x->device == NULL ? -1 : 1;
  if ((c = g_strcmp0 (x->device, y->device)) != 0)
    return c;
  if ((c = g_strcmp0 (x->port, y->port)) != 0)
    return c;
  if ((c = g_strcmp0 (x->option, y->option)) != 0)
    return c;
  if ((c = g_strcmp0 (x->setting, y->setting)) != 0)
    return c;
  if ((c = strcmp (x->code, y->code)) != 0)
    return c;
  return strcmp (x->message, y->message);
}

void
ms_diagnostics_sort (GPtrArray *diagnostics)
{
  g_ptr_array_sort (diagnostics, compare_diagnostics);
}

guint
ms_diagnostics_count (GPtrArray *diagnostics, MsSeverity severity)
{
  guint n = 0;

  for (guint i = 0; i < diagnostics->len; i++)
    n += ((MsDiagnostic *) diagnostics->pdata[i])->severity == severity;
  return n;
}
