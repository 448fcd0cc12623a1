/* ms-import-lexer.c: the OCaml lexer of the config.ml importer.
 *
 * OCaml's lexical conventions, restricted to what config.ml files use but
 * complete where values come from: comments nest and may hold string
 * literals; strings take every escape (\\ \" \' \n \t \b \r \space,
 * \DDD, \xHH, \oOOO, \u{H..H}, backslash-newline) and the quoted forms
 * {|...|} and {id|...|id}; integers take _, 0x/0o/0b and the L/l/n
 * suffixes. A problem is reported with its place and lexing goes on, so
 * the lexer always reaches the end of the text.
 */
#include "ms-import-lexer.h"

#include <string.h>

typedef struct {
  const char *s;
  gsize len, pos;
  guint line, col;
  MsLexReport report;
  gpointer data;
} Lexer;

static int
peek (Lexer *lx, gsize ahead)
{
  return lx->pos + ahead < lx->len ? (guchar) lx->s[lx->pos + ahead] : -1;
}

static void
advance (Lexer *lx)
{
  if (lx->pos >= lx->len)
    return;
  if (lx->s[lx->pos] == '\n')
    {
      lx->line++;
      lx->col = 1;
    }
  else
    lx->col++;
  lx->pos++;
}

static void
report (Lexer *lx, gboolean is_error, guint line, guint col, const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static void
report (Lexer *lx, gboolean is_error, guint line, guint col, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  lx->report (lx->data, is_error, line, col, msg);
}

static gboolean
is_ident_char (int c)
{
  return c >= 0 && (g_ascii_isalnum (c) || c == '_' || c == '\'');
}

static gboolean
is_op_char (int c)
{
  return c >= 0 && strchr ("!$%&*+-./:<=>?@^|~", c) != NULL && c != '\0';
}

static const char * const keywords[] = {
  "and", "as", "assert", "begin", "class", "constraint", "do", "done", "downto", "else", "end",
  "exception", "external", "false", "for", "fun", "function", "functor", "if", "in", "include",
  "inherit", "initializer", "lazy", "let", "match", "method", "module", "mutable", "new",
  "nonrec", "object", "of", "open", "or", "private", "rec", "sig", "struct", "then", "to", "true",
  "try", "type", "val", "virtual", "when", "while", "with", "lor", "lxor", "mod", "land", "lsl",
  "lsr", "asr",
};

static gboolean
is_keyword (const char *s)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (g_str_equal (s, keywords[i]))
      return TRUE;
  return FALSE;
}

static void
append_utf8 (GString *s, gunichar c)
{
  char buf[8];
  gint n = g_unichar_to_utf8 (c, buf);
  g_string_append_len (s, buf, n);
}

/* One escape after the backslash (lx->pos at the character after it). */
static void
lex_escape (Lexer *lx, GString *out, guint line, guint col)
{
  int c = peek (lx, 0);

  switch (c)
    {
    case '\\': case '"': case '\'': case ' ':
      g_string_append_c (out, (char) c);
      advance (lx);
      return;
    case 'n': g_string_append_c (out, '\n'); advance (lx); return;
    case 't': g_string_append_c (out, '\t'); advance (lx); return;
    case 'b': g_string_append_c (out, '\b'); advance (lx); return;
    case 'r': g_string_append_c (out, '\r'); advance (lx); return;
    case '\n':
    case '\r':
      /* backslash-newline: the newline and the next line's blanks vanish */
      if (c == '\r')
        advance (lx);
      if (peek (lx, 0) == '\n')
        advance (lx);
      while (peek (lx, 0) == ' ' || peek (lx, 0) == '\t')
        advance (lx);
      return;
    case 'x':
      if (g_ascii_isxdigit (peek (lx, 1)) && g_ascii_isxdigit (peek (lx, 2)))
        {
          int v = g_ascii_xdigit_value ((char) peek (lx, 1)) * 16 + g_ascii_xdigit_value ((char) peek (lx, 2));
          g_string_append_c (out, (char) v);
          advance (lx); advance (lx); advance (lx);
          return;
        }
      break;
    case 'o':
      if (peek (lx, 1) >= '0' && peek (lx, 1) <= '3' && peek (lx, 2) >= '0' && peek (lx, 2) <= '7'
          && peek (lx, 3) >= '0' && peek (lx, 3) <= '7')
        {
          int v = (peek (lx, 1) - '0') * 64 + (peek (lx, 2) - '0') * 8 + (peek (lx, 3) - '0');
          g_string_append_c (out, (char) v);
          for (int i = 0; i < 4; i++)
            advance (lx);
          return;
        }
      break;
    case 'u':
      if (peek (lx, 1) == '{')
        {
          gsize i = 2;
          guint32 v = 0;
          while (g_ascii_isxdigit (peek (lx, i)) && i < 9)
            {
              v = v * 16 + (guint32) g_ascii_xdigit_value ((char) peek (lx, i));
              i++;
            }
          if (i > 2 && peek (lx, i) == '}' && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF))
            {
              append_utf8 (out, v);
              for (gsize k = 0; k <= i; k++)
                advance (lx);
              return;
            }
          report (lx, TRUE, line, col, "invalid \\u{...} escape: a Unicode scalar value in hexadecimal is expected");
          advance (lx);
          return;
        }
      break;
    default:
      if (c >= '0' && c <= '9' && g_ascii_isdigit (peek (lx, 1)) && g_ascii_isdigit (peek (lx, 2)))
        {
          int v = (c - '0') * 100 + (peek (lx, 1) - '0') * 10 + (peek (lx, 2) - '0');
          if (v > 255)
            report (lx, TRUE, line, col, "escape \\%c%c%c is out of range (at most \\255)",
                    c, peek (lx, 1), peek (lx, 2));
          g_string_append_c (out, (char) (v & 0xff));
          advance (lx); advance (lx); advance (lx);
          return;
        }
      break;
    }
  /* OCaml keeps an unknown escape as written, with a warning */
  report (lx, FALSE, line, col, "illegal backslash escape in string; kept as written");
  g_string_append_c (out, '\\');
}

static void
lex_string (Lexer *lx, MsToken *t)
{
  GString *s = g_string_new (NULL);

  advance (lx);   /* " */
  for (;;)
    {
      int c = peek (lx, 0);
      if (c < 0)
        {
          report (lx, TRUE, t->line, t->col, "this string is not terminated");
          break;
        }
      if (c == '"')
        {
          advance (lx);
          break;
        }
      if (c == '\\')
        {
          guint l = lx->line, co = lx->col;
          advance (lx);
          lex_escape (lx, s, l, co);
          continue;
        }
      g_string_append_c (s, (char) c);
      advance (lx);
    }
  t->kind = TK_STRING;
  t->len = s->len;
  t->text = g_string_free (s, FALSE);
}

/* {id|...|id}: lx->pos at '{', id of idlen bytes follows */
static void
lex_quoted (Lexer *lx, MsToken *t, gsize idlen)
{
  g_autofree char *id = g_strndup (lx->s + lx->pos + 1, idlen);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < idlen + 2; i++)
    advance (lx);
  for (;;)
    {
      int c = peek (lx, 0);
      if (c < 0)
        {
          report (lx, TRUE, t->line, t->col, "this quoted string is not terminated");
          break;
        }
      if (c == '|' && lx->len - lx->pos >= idlen + 2 && memcmp (lx->s + lx->pos + 1, id, idlen) == 0
          && lx->s[lx->pos + 1 + idlen] == '}')
        {
          for (gsize i = 0; i < idlen + 2; i++)
            advance (lx);
          break;
        }
      g_string_append_c (s, (char) c);
      advance (lx);
    }
  t->kind = TK_STRING;
  t->len = s->len;
  t->text = g_string_free (s, FALSE);
}

/* The length of the id of a quoted string starting at lx->pos ('{'), or -1. */
static gssize
quoted_id (Lexer *lx)
{
  gsize i = 1;

  while (peek (lx, i) == '_' || (peek (lx, i) >= 'a' && peek (lx, i) <= 'z'))
    i++;
  return peek (lx, i) == '|' ? (gssize) (i - 1) : -1;
}

static void
lex_comment (Lexer *lx, GPtrArray *comments)
{
  guint line = lx->line, col = lx->col;
  gsize start = lx->pos + 2;
  gsize end = start;
  int depth = 0;

  while (lx->pos < lx->len)
    {
      int c = peek (lx, 0);
      if (c == '(' && peek (lx, 1) == '*')
        {
          depth++;
          advance (lx);
          advance (lx);
          continue;
        }
      if (c == '*' && peek (lx, 1) == ')')
        {
          end = lx->pos;
          advance (lx);
          advance (lx);
          if (--depth == 0)
            break;
          continue;
        }
      if (c == '"')
        {
          MsToken t = { 0 };
          t.line = lx->line;
          t.col = lx->col;
          lex_string (lx, &t);
          g_free (t.text);
          continue;
        }
      if (c == '{' && quoted_id (lx) >= 0)
        {
          MsToken t = { 0 };
          t.line = lx->line;
          t.col = lx->col;
          lex_quoted (lx, &t, (gsize) quoted_id (lx));
          g_free (t.text);
          continue;
        }
      if (c == '\'' && peek (lx, 1) == '"' && peek (lx, 2) == '\'')
        {
          /* '"' in a comment is a character, not a string */
          advance (lx); advance (lx); advance (lx);
          continue;
        }
      advance (lx);
    }
  if (depth > 0)
    {
      report (lx, TRUE, line, col, "this comment is not terminated");
      end = lx->len;
    }
  if (comments != NULL && end >= start)
    {
      MsComment *cm = g_new0 (MsComment, 1);
      cm->line = line;
      cm->col = col;
      cm->text = g_strndup (lx->s + start, end - start);
      g_ptr_array_add (comments, cm);
    }
}

static void
lex_number (Lexer *lx, MsToken *t)
{
  gsize start = lx->pos;
  GString *digits = g_string_new (NULL);
  int base = 10;
  gboolean is_float = FALSE;
  guint64 v = 0;

  if (peek (lx, 0) == '0' && peek (lx, 1) >= 0 && strchr ("xXoObB", peek (lx, 1)) && peek (lx, 1) != 0)
    {
      int b = g_ascii_tolower (peek (lx, 1));
      base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
      advance (lx);
      advance (lx);
    }
  while (peek (lx, 0) >= 0 && (g_ascii_isxdigit (peek (lx, 0)) || peek (lx, 0) == '_'
                               || (base == 10 && (peek (lx, 0) == '.' || peek (lx, 0) == 'e' || peek (lx, 0) == 'E'))))
    {
      int c = peek (lx, 0);
      if (base == 10 && (c == '.' || c == 'e' || c == 'E'))
        {
          is_float = TRUE;
          if ((c == 'e' || c == 'E') && (peek (lx, 1) == '-' || peek (lx, 1) == '+'))
            advance (lx);
        }
      else if (base != 16 && !g_ascii_isdigit (c) && c != '_')
        break;
      else if (c != '_')
        g_string_append_c (digits, (char) c);
      advance (lx);
    }
  t->kind = TK_INT;
  if (is_float)
    t->kind = TK_FLOAT;
  else
    {
      for (gsize i = 0; i < digits->len; i++)
        {
          int d = g_ascii_xdigit_value (digits->str[i]);
          if (d < 0 || d >= base)
            {
              report (lx, TRUE, t->line, t->col, "invalid digit in a base-%d integer", base);
              break;
            }
          if (v > (G_MAXUINT64 - (guint64) d) / (guint64) base)
            t->overflow = TRUE;
          v = v * (guint64) base + (guint64) d;
        }
      if (digits->len == 0)
        report (lx, TRUE, t->line, t->col, "integer literal without digits");
      if (peek (lx, 0) == 'L')
        {
          t->kind = TK_INT64;
          advance (lx);
        }
      else if (peek (lx, 0) == 'l' || peek (lx, 0) == 'n')
        {
          report (lx, FALSE, t->line, t->col, "int32 and nativeint literals are read as int");
          advance (lx);
        }
      /* OCaml ints are 63-bit, int64 64-bit; hex literals may use the sign bit */
      if (v > (guint64) G_MAXINT64 && !(base != 10 && t->kind == TK_INT64))
        t->overflow = TRUE;
      t->ival = (gint64) v;
      if (t->overflow)
        report (lx, TRUE, t->line, t->col, "integer literal exceeds the range of representable integers");
    }
  while (is_ident_char (peek (lx, 0)))
    advance (lx);
  t->text = g_strndup (lx->s + start, lx->pos - start);
  t->len = lx->pos - start;
  g_string_free (digits, TRUE);
}

void
ms_import_lex (const char *text, gsize len, GArray *tokens, GPtrArray *comments,
               MsLexReport report_fn, gpointer data)
{
  Lexer lx = { text, len, 0, 1, 1, report_fn, data };

  for (;;)
    {
      MsToken t = { 0 };
      int c = peek (&lx, 0);

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
        {
          advance (&lx);
          continue;
        }
      t.line = lx.line;
      t.col = lx.col;
      if (c < 0)
        {
          t.kind = TK_EOF;
          g_array_append_val (tokens, t);
          return;
        }
      if (c == '(' && peek (&lx, 1) == '*')
        {
          lex_comment (&lx, comments);
          continue;
        }
      if (c == '"')
        lex_string (&lx, &t);
      else if (c == '{' && quoted_id (&lx) >= 0)
        lex_quoted (&lx, &t, (gsize) quoted_id (&lx));
      else if (g_ascii_isdigit (c))
        lex_number (&lx, &t);
      else if (g_ascii_isalpha (c) || c == '_')
        {
          gsize start = lx.pos;
          while (is_ident_char (peek (&lx, 0)))
            advance (&lx);
          t.text = g_strndup (text + start, lx.pos - start);
          t.len = lx.pos - start;
          t.kind = g_ascii_isupper (c) ? TK_UIDENT : is_keyword (t.text) ? TK_KEYWORD : TK_LIDENT;
        }
      else if ((c == '~' || c == '?') && (g_ascii_islower (peek (&lx, 1)) || peek (&lx, 1) == '_'))
        {
          gsize start;
          advance (&lx);
          start = lx.pos;
          while (is_ident_char (peek (&lx, 0)))
            advance (&lx);
          t.text = g_strndup (text + start, lx.pos - start);
          t.len = lx.pos - start;
          if (peek (&lx, 0) == ':' && peek (&lx, 1) != ':' && peek (&lx, 1) != '=')
            {
              advance (&lx);
              t.kind = c == '~' ? TK_LABEL : TK_OPTLABEL;
            }
          else
            t.kind = c == '~' ? TK_LABEL_PUN : TK_OPTLABEL_PUN;
        }
      else if (c == '`' && g_ascii_isalpha (peek (&lx, 1)))
        {
          gsize start;
          advance (&lx);
          start = lx.pos;
          while (is_ident_char (peek (&lx, 0)))
            advance (&lx);
          t.kind = TK_VARIANT;
          t.text = g_strndup (text + start, lx.pos - start);
          t.len = lx.pos - start;
        }
      else if (c == '\'' && peek (&lx, 1) == '\\')
        {
          GString *s = g_string_new (NULL);
          advance (&lx);
          advance (&lx);
          lex_escape (&lx, s, t.line, t.col);
          if (peek (&lx, 0) == '\'')
            advance (&lx);
          else
            report (&lx, TRUE, t.line, t.col, "this character literal is not terminated");
          t.kind = TK_CHAR;
          t.ival = s->len ? (guchar) s->str[0] : 0;
          t.text = g_string_free (s, FALSE);
          t.len = 1;
        }
      else if (c == '\'' && peek (&lx, 1) >= 0 && peek (&lx, 2) == '\'')
        {
          t.kind = TK_CHAR;
          t.ival = peek (&lx, 1);
          t.text = g_strndup (text + lx.pos + 1, 1);
          t.len = 1;
          advance (&lx); advance (&lx); advance (&lx);
        }
      else if (c >= 0 && strchr ("()[]{},;`'#", c) != NULL)
        {
          gsize n = 1;
          if ((c == ';' && peek (&lx, 1) == ';') || (c == '[' && peek (&lx, 1) == '|')
              || (c == '[' && peek (&lx, 1) == '@') || (c == '[' && peek (&lx, 1) == '%'))
            n = 2;
          t.kind = TK_OP;
          t.text = g_strndup (text + lx.pos, n);
          t.len = n;
          for (gsize i = 0; i < n; i++)
            advance (&lx);
        }
      else if (is_op_char (c))
        {
          gsize start = lx.pos;
          while (is_op_char (peek (&lx, 0)))
            advance (&lx);
          t.kind = TK_OP;
          t.text = g_strndup (text + start, lx.pos - start);
          t.len = lx.pos - start;
        }
      else
        {
          if (c == 0)
            report (&lx, TRUE, t.line, t.col, "NUL byte in the source");
          else if (c >= 0x80)
            report (&lx, TRUE, t.line, t.col, "non-ASCII character outside a string or comment");
          else
            report (&lx, TRUE, t.line, t.col, "illegal character (\\x%02x)", (guint) c);
          /* skip one UTF-8 sequence at most */
          advance (&lx);
          while (peek (&lx, 0) >= 0x80 && peek (&lx, 0) < 0xC0)
            advance (&lx);
          continue;
        }
      g_array_append_val (tokens, t);
    }
}

void
ms_import_tokens_clear (GArray *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    g_free (g_array_index (tokens, MsToken, i).text);
  g_array_set_size (tokens, 0);
}

void
ms_import_comment_free (MsComment *c)
{
  g_free (c->text);
  g_free (c);
}
