/* ms-text.c: which characters of project text are shown as escapes; see
 * ms-text.h. */
#include "ms-text.h"

#include <string.h>

gboolean
ms_text_unichar_is_visible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return FALSE;
    case G_UNICODE_SPACE_SEPARATOR:
      /* U+00A0, U+2000.., U+3000: look like a space, are not one (a
       * "safe" name that differs from another by one of them) */
      return c == ' ';
    default:
      return TRUE;
    }
}

char *
ms_text_escape_terminal (const char *text)
{
  GString *s;
  const char *p;

  if (text == NULL)
    return g_strdup ("");
  s = g_string_sized_new (strlen (text));
  p = text;
  while (*p)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (s, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", (guint) c);
      else if (c < 0x80 || ms_text_unichar_is_visible (c))
        g_string_append_len (s, p, g_utf8_next_char (p) - p);
      else if (c <= 0xffff)
        g_string_append_printf (s, "\\u%04x", (guint) c);
      else
        g_string_append_printf (s, "\\U%08x", (guint) c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (s, FALSE);
}

void
ms_text_append_json_escape (GString *out, gunichar c)
{
  if (c <= 0xffff)
    g_string_append_printf (out, "\\u%04x", (guint) c);
  else
    {
      guint v = c - 0x10000;

      g_string_append_printf (out, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    }
}
