/* ms-escape.c: OCaml string literals, OCaml comments, shell words and
 * YAML strings from untrusted text.
 *
 * The OCaml rules follow the lexer (parsing/lexer.mll): in a string
 * literal only \ and " are special, plus the bytes we choose to escape
 * so that the file stays readable and free of invisible characters. In
 * a comment the lexer still recognises nested comments, string literals
 * and quoted strings ({|...|}, {id|...|id}, {%ext|...|}); any of them
 * left open swallows the rest of the file, so they are broken up rather
 * than escaped (a comment has no escape syntax).
 */
#include "ms-escape.h"
#include "ms-text.h"

#include <string.h>

static void
append_hex_bytes (GString *out, const char *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (out, "\\x%02x", (guint) (guchar) p[i]);
}

/* Walks text; for each character calls emit_ascii for ASCII bytes, and
 * appends non-ASCII ones itself (kept or \xNN per byte). */
typedef void (*AsciiFunc) (GString *out, const char *p, gpointer data);

static void
walk (GString *out, const char *text, AsciiFunc emit_ascii, gpointer data)
{
  const char *p = text ? text : "";

  while (*p)
    {
      guchar b = (guchar) *p;

      if (b < 0x80)
        {
          emit_ascii (out, p, data);
          p++;
          continue;
        }
      {
        const char *end = NULL;
        gsize avail = strlen (p);
        gsize len = avail < 4 ? avail : 4;
        gunichar c;

        /* one character at most: validate just its bytes */
        c = g_utf8_get_char_validated (p, (gssize) len);
        if (c == (gunichar) -1 || c == (gunichar) -2)
          {
            append_hex_bytes (out, p, 1);
            p++;
            continue;
          }
        end = g_utf8_next_char (p);
        if (ms_text_unichar_is_visible (c))
          g_string_append_len (out, p, end - p);
        else
          append_hex_bytes (out, p, (gsize) (end - p));
        p = end;
      }
    }
}

/* ---- OCaml string literals ------------------------------------------------------ */

static void
string_ascii (GString *out, const char *p, gpointer data)
{
  char c = *p;

  switch (c)
    {
    case '"': g_string_append (out, "\\\""); return;
    case '\\': g_string_append (out, "\\\\"); return;
    case '\n': g_string_append (out, "\\n"); return;
    case '\t': g_string_append (out, "\\t"); return;
    case '\r': g_string_append (out, "\\r"); return;
    default:
      if ((guchar) c < 0x20 || c == 0x7f)
        append_hex_bytes (out, p, 1);
      else
        g_string_append_c (out, c);
    }
}

void
ms_escape_ocaml_string_append (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  walk (out, text, string_ascii, NULL);
  g_string_append_c (out, '"');
}

char *
ms_escape_ocaml_string (const char *text)
{
  GString *out = g_string_new (NULL);

  ms_escape_ocaml_string_append (out, text);
  return g_string_free (out, FALSE);
}

/* ---- OCaml comments --------------------------------------------------------------- */

static void
comment_ascii (GString *out, const char *p, gpointer data)
{
  gboolean keep_newlines = GPOINTER_TO_INT (data);
  char c = *p;

  switch (c)
    {
    case '"':
      g_string_append_c (out, '\'');
      return;
    case '(':
      g_string_append (out, p[1] == '*' ? "( " : "(");
      return;
    case '*':
      g_string_append (out, p[1] == ')' ? "* " : "*");
      return;
    case '{':
      {
        /* {|, {id|, {%: the openings of quoted strings */
        const char *q = p + 1;
        if (*q == '%')
          {
            g_string_append (out, "{ ");
            return;
          }
        while (*q == '_' || (*q >= 'a' && *q <= 'z'))
          q++;
        g_string_append (out, *q == '|' ? "{ " : "{");
        return;
      }
    case '\n':
      g_string_append (out, keep_newlines ? "\n" : "\\n");
      return;
    case '\t':
      g_string_append (out, keep_newlines ? "\t" : "\\t");
      return;
    default:
      if ((guchar) c < 0x20 || c == 0x7f)
        append_hex_bytes (out, p, 1);
      else
        g_string_append_c (out, c);
    }
}

void
ms_escape_ocaml_comment_append (GString *out, const char *text, gboolean keep_newlines)
{
  gsize len = text ? strlen (text) : 0;

  /* the pieces of a comment are written next to other text: "(" + "*x"
   * or "x*" + ")" would open or close a comment across the seam */
  if (len > 0 && (text[0] == '*' || text[0] == ')'))
    g_string_append_c (out, ' ');
  walk (out, text, comment_ascii, GINT_TO_POINTER (keep_newlines));
  if (len > 0 && (text[len - 1] == '*' || text[len - 1] == '('))
    g_string_append_c (out, ' ');
}

char *
ms_escape_ocaml_comment (const char *text, gboolean keep_newlines)
{
  GString *out = g_string_new (NULL);

  ms_escape_ocaml_comment_append (out, text, keep_newlines);
  return g_string_free (out, FALSE);
}

/* ---- shell words ---------------------------------------------------------------- */

static gboolean
shell_safe (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("_.,:/@%+=-", c) != NULL);
}

char *
ms_escape_shell_word (const char *text)
{
  GString *out;
  gboolean plain = text != NULL && *text != '\0';

  for (const char *p = text ? text : ""; *p && plain; p++)
    plain = shell_safe (*p);
  if (plain)
    return g_strdup (text);
  out = g_string_new ("$'");
  for (const char *p = text ? text : ""; *p; p++)
    if (shell_safe (*p) || *p == ' ')
      g_string_append_c (out, *p);
    else
      append_hex_bytes (out, p, 1);
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/* ---- YAML ----------------------------------------------------------------------- */

static void
yaml_ascii (GString *out, const char *p, gpointer data)
{
  char c = *p;

  switch (c)
    {
    case '"': g_string_append (out, "\\\""); return;
    case '\\': g_string_append (out, "\\\\"); return;
    case '\n': g_string_append (out, "\\n"); return;
    case '\t': g_string_append (out, "\\t"); return;
    case '\r': g_string_append (out, "\\r"); return;
    default:
      if ((guchar) c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", (guint) (guchar) c);
      else
        g_string_append_c (out, c);
    }
}

void
ms_escape_yaml_string_append (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  /* non-ASCII: YAML's \xNN is a code point, not a byte, so invisible
   * characters are written as \u escapes of their code point, and bytes
   * of invalid UTF-8 as U+FFFD */
  for (const char *p = text ? text : ""; *p;)
    {
      guchar b = (guchar) *p;
      gunichar c;

      if (b < 0x80)
        {
          yaml_ascii (out, p, NULL);
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (p, (gssize) MIN (strlen (p), (gsize) 4));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\uFFFD");
          p++;
          continue;
        }
      if (ms_text_unichar_is_visible (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c <= 0xffff)
        g_string_append_printf (out, "\\u%04X", (guint) c);
      else
        g_string_append_printf (out, "\\U%08X", (guint) c);
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

char *
ms_escape_yaml_string (const char *text)
{
  GString *out = g_string_new (NULL);

  ms_escape_yaml_string_append (out, text);
  return g_string_free (out, FALSE);
}

/* ---- C ---------------------------------------------------------------------- */

void
ms_escape_c_string_append (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text ? text : ""; *p; p++)
    {
      guchar b = (guchar) *p;

      switch (b)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '?': g_string_append (out, "\\?"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (b >= 0x20 && b < 0x7f)
            g_string_append_c (out, (char) b);
          else
            g_string_append_printf (out, "\\%03o", (guint) b);
        }
    }
  g_string_append_c (out, '"');
}

char *
ms_escape_c_string (const char *text)
{
  GString *out = g_string_new (NULL);

  ms_escape_c_string_append (out, text);
  return g_string_free (out, FALSE);
}
