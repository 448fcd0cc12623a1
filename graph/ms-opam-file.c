/* ms-opam-file.c: a recursive-descent parser of the opam file format 2.0.
 *
 * The scanner works directly on the text (no token list): the parser asks
 * for the next token where it needs one, which lets a field name be read
 * with the stricter rules of field names (no ':' inside) while values may
 * be variables such as `ocaml:version`. Precedence follows opam's grammar,
 * loosest first: `|`, `&`, relational operators (infix and prefix),
 * environment update operators, `!` and `?`, then `{ }` options after an
 * atom. Nesting is bounded so that hostile input cannot exhaust the stack.
 */
#include "ms-opam-file.h"

#include "ms-arena.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_DEPTH 200

typedef enum {
  T_EOF, T_BOOL, T_INT, T_STRING, T_IDENT, T_RELOP, T_ENVOP,
  T_AND, T_OR, T_BANG, T_QMARK, T_LBRACKET, T_RBRACKET, T_LPAREN, T_RPAREN,
  T_LBRACE, T_RBRACE, T_COLON, T_ERROR,
} TokKind;

typedef struct {
  TokKind kind;
  guint line, col;
  GString *text;     /* string contents, identifier, operator */
  gint64 number;
} Token;

typedef struct {
  const char *path;
  const char *p, *end;
  guint line;
  const char *line_start;
  Token tok;           /* the current token (one token of lookahead) */
  GError *error;
  guint depth;
  /* The tree's nodes and strings: one bump allocation each instead of a
   * malloc per token (parsing the snapshot's 18,000 files was mostly
   * malloc and free). Its lists are GPtrArrays, kept in `arrays`. */
  MsArena *arena;
  GPtrArray *arrays;
} Parser;

static void
fail_at (Parser *ps, guint line, guint col, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
fail_at (Parser *ps, guint line, guint col, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  if (ps->error != NULL)
    return;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&ps->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s:%u:%u: %s", ps->path, line, col, msg);
}

static guint
column (Parser *ps)
{
  return (guint) (ps->p - ps->line_start) + 1;
}

static void
advance_char (Parser *ps)
{
  if (*ps->p == '\n')
    {
      ps->line++;
      ps->line_start = ps->p + 1;
    }
  ps->p++;
}

/* Skips blanks and comments; FALSE on an unterminated comment. */
static gboolean
skip_space (Parser *ps)
{
  while (ps->p < ps->end)
    {
      char c = *ps->p;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        advance_char (ps);
      else if (c == '#')
        {
          while (ps->p < ps->end && *ps->p != '\n')
            advance_char (ps);
        }
      else if (c == '(' && ps->p + 1 < ps->end && ps->p[1] == '*')
        {
          guint line = ps->line, col = column (ps);
          guint level = 0;
          do
            {
              if (ps->p + 1 < ps->end && ps->p[0] == '(' && ps->p[1] == '*')
                {
                  level++;
                  advance_char (ps);
                }
              else if (ps->p + 1 < ps->end && ps->p[0] == '*' && ps->p[1] == ')')
                {
                  level--;
                  advance_char (ps);
                }
              advance_char (ps);
            }
          while (level > 0 && ps->p < ps->end);
          if (level > 0)
            {
              fail_at (ps, line, col, "unterminated comment");
              return FALSE;
            }
        }
      else
        break;
    }
  return TRUE;
}

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '+';
}

/* Reads a string body after its opening quote(s), applying OCaml-style
 * escapes as opam does. */
static gboolean
scan_string (Parser *ps, gboolean triple)
{
  guint line = ps->tok.line, col = ps->tok.col;

  for (;;)
    {
      if (ps->p >= ps->end)
        {
          fail_at (ps, line, col, "unterminated string");
          return FALSE;
        }
      if (triple)
        {
          if (ps->end - ps->p >= 3 && memcmp (ps->p, "\"\"\"", 3) == 0)
            {
              ps->p += 3;
              return TRUE;
            }
        }
      else if (*ps->p == '"')
        {
          ps->p++;
          return TRUE;
        }
      if (*ps->p == '\\')
        {
          guint eline = ps->line, ecol = column (ps);
          char e;
          advance_char (ps);
          if (ps->p >= ps->end)
            continue;
          e = *ps->p;
          switch (e)
            {
            case '\\': case '"': case '\'': case ' ':
              g_string_append_c (ps->tok.text, e);
              advance_char (ps);
              break;
            case 'n': g_string_append_c (ps->tok.text, '\n'); advance_char (ps); break;
            case 't': g_string_append_c (ps->tok.text, '\t'); advance_char (ps); break;
            case 'r': g_string_append_c (ps->tok.text, '\r'); advance_char (ps); break;
            case 'b': g_string_append_c (ps->tok.text, '\b'); advance_char (ps); break;
            case '\n': case '\r':
              /* a line continuation: the newline and the next line's indentation vanish */
              while (ps->p < ps->end && (*ps->p == '\n' || *ps->p == '\r'))
                advance_char (ps);
              while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
                advance_char (ps);
              break;
            default:
              if (g_ascii_isdigit (e) && ps->end - ps->p >= 3 &&
                  g_ascii_isdigit (ps->p[1]) && g_ascii_isdigit (ps->p[2]))
                {
                  int v = (e - '0') * 100 + (ps->p[1] - '0') * 10 + (ps->p[2] - '0');
                  if (v > 255)
                    {
                      fail_at (ps, eline, ecol, "escape \\%c%c%c is not a byte", e, ps->p[1], ps->p[2]);
                      return FALSE;
                    }
                  g_string_append_c (ps->tok.text, (char) v);
                  ps->p += 3;
                }
              else if (e == 'x' && ps->end - ps->p >= 3 &&
                       g_ascii_isxdigit (ps->p[1]) && g_ascii_isxdigit (ps->p[2]))
                {
                  g_string_append_c (ps->tok.text,
                                     (char) (g_ascii_xdigit_value (ps->p[1]) * 16 +
                                             g_ascii_xdigit_value (ps->p[2])));
                  ps->p += 3;
                }
              else
                {
                  fail_at (ps, eline, ecol, "unknown escape \\%c in a string", g_ascii_isprint (e) ? e : '?');
                  return FALSE;
                }
            }
          continue;
        }
      g_string_append_c (ps->tok.text, *ps->p);
      advance_char (ps);
    }
}

/* Reads the next token into ps->tok. field_name: read an identifier with
 * the rules of a field name, which never includes ':'. */
static void
next_token_full (Parser *ps, gboolean field_name)
{
  char c;

  g_string_truncate (ps->tok.text, 0);
  ps->tok.number = 0;
  if (!skip_space (ps))
    {
      ps->tok.kind = T_ERROR;
      return;
    }
  ps->tok.line = ps->line;
  ps->tok.col = column (ps);
  if (ps->p >= ps->end)
    {
      ps->tok.kind = T_EOF;
      return;
    }
  c = *ps->p;

#define ONE(k) do { ps->tok.kind = (k); g_string_append_c (ps->tok.text, c); ps->p++; return; } while (0)
  switch (c)
    {
    case '[': ONE (T_LBRACKET);
    case ']': ONE (T_RBRACKET);
    case '(': ONE (T_LPAREN);
    case ')': ONE (T_RPAREN);
    case '{': ONE (T_LBRACE);
    case '}': ONE (T_RBRACE);
    case '&': ONE (T_AND);
    case '|': ONE (T_OR);
    case '?': ONE (T_QMARK);
    case ':':
      if (ps->p + 1 < ps->end && ps->p[1] == '=')
        {
          ps->tok.kind = T_ENVOP;
          g_string_append (ps->tok.text, ":=");
          ps->p += 2;
          return;
        }
      ONE (T_COLON);
    case '"':
      ps->tok.kind = T_STRING;
      if (ps->end - ps->p >= 3 && memcmp (ps->p, "\"\"\"", 3) == 0)
        {
          ps->p += 3;
          if (!scan_string (ps, TRUE))
            ps->tok.kind = T_ERROR;
        }
      else
        {
          ps->p++;
          if (!scan_string (ps, FALSE))
            ps->tok.kind = T_ERROR;
        }
      return;
    case '!':
      if (ps->p + 1 < ps->end && ps->p[1] == '=')
        {
          ps->tok.kind = T_RELOP;
          g_string_append (ps->tok.text, "!=");
          ps->p += 2;
          return;
        }
      ONE (T_BANG);
    case '<': case '>':
      ps->tok.kind = T_RELOP;
      g_string_append_c (ps->tok.text, c);
      ps->p++;
      if (ps->p < ps->end && *ps->p == '=')
        {
          g_string_append_c (ps->tok.text, '=');
          ps->p++;
        }
      return;
    case '=':
      /* = (relop), =+ =: =+= (environment updates) */
      if (ps->end - ps->p >= 3 && memcmp (ps->p, "=+=", 3) == 0)
        {
          ps->tok.kind = T_ENVOP;
          g_string_append (ps->tok.text, "=+=");
          ps->p += 3;
          return;
        }
      if (ps->p + 1 < ps->end && (ps->p[1] == '+' || ps->p[1] == ':'))
        {
          ps->tok.kind = T_ENVOP;
          g_string_append_len (ps->tok.text, ps->p, 2);
          ps->p += 2;
          return;
        }
      ONE (T_RELOP);
    case '+':
      if (ps->p + 1 < ps->end && ps->p[1] == '=')
        {
          ps->tok.kind = T_ENVOP;
          g_string_append (ps->tok.text, "+=");
          ps->p += 2;
          return;
        }
      break;
    default:
      break;
    }
#undef ONE

  if (c == '-' || g_ascii_isdigit (c))
    {
      const char *q = ps->p + (c == '-');
      gboolean all_digits = q < ps->end && g_ascii_isdigit (*q);
      const char *r = q;
      while (r < ps->end && g_ascii_isdigit (*r))
        r++;
      /* an integer is digits not followed by identifier characters */
      if (all_digits && (r >= ps->end || !is_ident_char (*r)))
        {
          g_autofree char *digits = g_strndup (ps->p, r - ps->p);
          ps->tok.kind = T_INT;
          g_string_append (ps->tok.text, digits);
          if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, &ps->tok.number, NULL))
            {
              fail_at (ps, ps->tok.line, ps->tok.col, "integer %s is too large", digits);
              ps->tok.kind = T_ERROR;
              return;
            }
          ps->p = r;
          return;
        }
    }

  if (is_ident_start (c))
    {
      while (ps->p < ps->end && is_ident_char (*ps->p))
        g_string_append_c (ps->tok.text, *ps->p++);
      /* a variable of a package: pkg:var, pkg1+pkg2:var, _:var */
      if (!field_name && ps->p + 1 < ps->end && *ps->p == ':' && is_ident_start (ps->p[1]))
        {
          g_string_append_c (ps->tok.text, *ps->p++);
          while (ps->p < ps->end && is_ident_char (*ps->p))
            g_string_append_c (ps->tok.text, *ps->p++);
        }
      if (g_str_equal (ps->tok.text->str, "true") || g_str_equal (ps->tok.text->str, "false"))
        {
          ps->tok.kind = T_BOOL;
          ps->tok.number = g_str_equal (ps->tok.text->str, "true");
        }
      else
        ps->tok.kind = T_IDENT;
      return;
    }

  if ((unsigned char) c >= 0x20 && (unsigned char) c < 0x7f)
    fail_at (ps, ps->tok.line, ps->tok.col, "unexpected character “%c”", c);
  else
    fail_at (ps, ps->tok.line, ps->tok.col, "unexpected byte \\x%02x", (unsigned char) c);
  ps->tok.kind = T_ERROR;
}

static void
next_token (Parser *ps)
{
  next_token_full (ps, FALSE);
}

static const char *
token_name (const Token *t)
{
  switch (t->kind)
    {
    case T_EOF: return "the end of the file";
    case T_STRING: return "a string";
    case T_INT: return "an integer";
    case T_BOOL: return "a boolean";
    case T_IDENT: return "an identifier";
    default: return NULL;
    }
}

static void
fail_unexpected (Parser *ps, const char *wanted)
{
  const char *what = token_name (&ps->tok);
  if (ps->tok.kind == T_ERROR)
    return;
  if (what != NULL)
    fail_at (ps, ps->tok.line, ps->tok.col, "expected %s, found %s", wanted, what);
  else
    fail_at (ps, ps->tok.line, ps->tok.col, "expected %s, found “%s”", wanted, ps->tok.text->str);
}

static MsOpamValue *
value_new (Parser *ps, MsOpamKind kind, guint line, guint col)
{
  MsOpamValue *v = ms_arena_alloc0 (ps->arena, sizeof *v);
  v->kind = kind;
  v->line = line;
  v->col = col;
  return v;
}

static char *
arena_strndup (Parser *ps, const char *text, gsize len)
{
  char *copy = ms_arena_alloc (ps->arena, len + 1);
  memcpy (copy, text, len);
  copy[len] = '\0';
  return copy;
}

/* A list of the tree, freed with the file. */
static GPtrArray *
parser_array (Parser *ps)
{
  GPtrArray *items = g_ptr_array_new ();
  g_ptr_array_add (ps->arrays, items);
  return items;
}

static MsOpamValue *parse_value (Parser *ps);

/* Values up to the closing token `close`, for lists, groups and options. */
static GPtrArray *
parse_sequence (Parser *ps, TokKind close, const char *closing)
{
  GPtrArray *items = parser_array (ps);

  while (ps->tok.kind != close)
    {
      MsOpamValue *v;
      if (ps->tok.kind == T_EOF)
        {
          fail_unexpected (ps, closing);
          break;
        }
      if (!(v = parse_value (ps)))
        break;
      g_ptr_array_add (items, v);
    }
  if (ps->error != NULL)
    return NULL;
  next_token (ps);
  return items;
}

static MsOpamValue *
parse_atom (Parser *ps)
{
  MsOpamValue *v = NULL;
  guint line = ps->tok.line, col = ps->tok.col;

  switch (ps->tok.kind)
    {
    case T_BOOL:
    case T_INT:
      v = value_new (ps, ps->tok.kind == T_BOOL ? MS_OPAM_BOOL : MS_OPAM_INT, line, col);
      v->number = ps->tok.number;
      v->text = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
      next_token (ps);
      return v;
    case T_STRING:
    case T_IDENT:
      v = value_new (ps, ps->tok.kind == T_STRING ? MS_OPAM_STRING : MS_OPAM_IDENT, line, col);
      v->text = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
      next_token (ps);
      return v;
    case T_LBRACKET:
    case T_LPAREN:
      {
        gboolean list = ps->tok.kind == T_LBRACKET;
        GPtrArray *items;
        next_token (ps);
        items = parse_sequence (ps, list ? T_RBRACKET : T_RPAREN, list ? "“]”" : "“)”");
        if (items == NULL)
          return NULL;
        v = value_new (ps, list ? MS_OPAM_LIST : MS_OPAM_GROUP, line, col);
        v->items = items;
        return v;
      }
    default:
      fail_unexpected (ps, "a value");
      return NULL;
    }
}

static MsOpamValue *
parse_postfix (Parser *ps)
{
  MsOpamValue *v = parse_atom (ps);

  while (v != NULL && ps->tok.kind == T_LBRACE)
    {
      MsOpamValue *opt = value_new (ps, MS_OPAM_OPTION, v->line, v->col);
      next_token (ps);
      opt->left = v;
      opt->items = parse_sequence (ps, T_RBRACE, "“}”");
      if (opt->items == NULL)
        {
          return NULL;
        }
      v = opt;
    }
  return v;
}

static MsOpamValue *
parse_unary (Parser *ps)
{
  if (ps->tok.kind == T_BANG || ps->tok.kind == T_QMARK)
    {
      MsOpamValue *v = value_new (ps, ps->tok.kind == T_BANG ? MS_OPAM_NOT : MS_OPAM_DEFINED,
                                  ps->tok.line, ps->tok.col);
      if (++ps->depth > MAX_DEPTH)
        {
          fail_at (ps, ps->tok.line, ps->tok.col, "values nested too deeply");
          return NULL;
        }
      next_token (ps);
      v->left = parse_unary (ps);
      ps->depth--;
      if (v->left == NULL)
        {
          return NULL;
        }
      return v;
    }
  return parse_postfix (ps);
}

static MsOpamValue *
parse_relation (Parser *ps)
{
  MsOpamValue *v;

  if (ps->tok.kind == T_RELOP)
    {
      v = value_new (ps, MS_OPAM_PREFIX_RELOP, ps->tok.line, ps->tok.col);
      v->text = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
      next_token (ps);
      if (!(v->left = parse_unary (ps)))
        {
          return NULL;
        }
      return v;
    }
  v = parse_unary (ps);
  while (v != NULL && (ps->tok.kind == T_RELOP || ps->tok.kind == T_ENVOP))
    {
      MsOpamValue *op = value_new (ps, ps->tok.kind == T_RELOP ? MS_OPAM_RELOP : MS_OPAM_ENVOP,
                                   v->line, v->col);
      op->text = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
      op->left = v;
      next_token (ps);
      if (!(op->right = parse_unary (ps)))
        {
          return NULL;
        }
      v = op;
    }
  return v;
}

static MsOpamValue *
parse_binary (Parser *ps, TokKind kind)
{
  MsOpamValue *v = kind == T_OR ? parse_binary (ps, T_AND) : parse_relation (ps);

  while (v != NULL && ps->tok.kind == kind)
    {
      MsOpamValue *op = value_new (ps, kind == T_OR ? MS_OPAM_OR : MS_OPAM_AND, v->line, v->col);
      op->left = v;
      next_token (ps);
      if (!(op->right = kind == T_OR ? parse_binary (ps, T_AND) : parse_relation (ps)))
        {
          return NULL;
        }
      v = op;
    }
  return v;
}

static MsOpamValue *
parse_value (Parser *ps)
{
  MsOpamValue *v;

  if (++ps->depth > MAX_DEPTH)
    {
      fail_at (ps, ps->tok.line, ps->tok.col, "values nested too deeply");
      return NULL;
    }
  v = parse_binary (ps, T_OR);
  ps->depth--;
  return v;
}

/* Items until `close` (T_EOF at the top, T_RBRACE in a section). */
static GPtrArray *
parse_items (Parser *ps, TokKind close, gboolean in_section)
{
  GPtrArray *items = parser_array (ps);

  next_token_full (ps, TRUE);
  while (ps->error == NULL && ps->tok.kind != close)
    {
      MsOpamItem *item;

      if (ps->tok.kind != T_IDENT)
        {
          fail_unexpected (ps, in_section ? "a field name or “}”" : "a field name");
          break;
        }
      item = ms_arena_alloc0 (ps->arena, sizeof *item);
      item->name = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
      item->line = ps->tok.line;
      item->col = ps->tok.col;
      g_ptr_array_add (items, item);
      next_token (ps);
      if (ps->tok.kind == T_COLON)
        {
          next_token (ps);
          if (!(item->value = parse_value (ps)))
            break;
          /* parse_value left the token after the value in ps->tok, read as
           * a value token; a field name there cannot contain ':' anyway
           * unless it was glued to one, which opam does not write. */
          if (ps->tok.kind == T_IDENT && strchr (ps->tok.text->str, ':') != NULL)
            {
              fail_at (ps, ps->tok.line, ps->tok.col, "expected a field name, found “%s”",
                       ps->tok.text->str);
              break;
            }
          continue;
        }
      if (in_section)
        {
          fail_unexpected (ps, "“:”");
          break;
        }
      if (ps->tok.kind == T_STRING)
        {
          item->label = arena_strndup (ps, ps->tok.text->str, ps->tok.text->len);
          next_token (ps);
        }
      if (ps->tok.kind != T_LBRACE)
        {
          fail_unexpected (ps, "“:” or “{”");
          break;
        }
      item->items = parse_items (ps, T_RBRACE, TRUE);
      if (item->items == NULL)
        break;
      next_token_full (ps, TRUE);
    }
  if (ps->error != NULL)
    return NULL;
  return items;
}

MsOpamFile *
ms_opam_file_parse (const char *path,
                    const char *text,
                    gsize       length,
                    GError    **error)
{
  Parser ps = { 0 };
  GPtrArray *items;
  MsOpamFile *file;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  ps.path = path != NULL ? path : "opam";
  ps.p = text != NULL ? text : "";
  ps.end = ps.p + length;
  ps.line = 1;
  ps.line_start = ps.p;
  ps.tok.text = g_string_new (NULL);
  ps.arena = ms_arena_new ();
  ps.arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  if (memchr (ps.p, '\0', length) != NULL)
    {
      const char *nul = memchr (ps.p, '\0', length);
      guint line = 1;
      const char *ls = ps.p;
      for (const char *q = ps.p; q < nul; q++)
        if (*q == '\n')
          {
            line++;
            ls = q + 1;
          }
      fail_at (&ps, line, (guint) (nul - ls) + 1, "a NUL byte in the file");
      items = NULL;
    }
  else
    items = parse_items (&ps, T_EOF, FALSE);
  g_string_free (ps.tok.text, TRUE);
  if (items == NULL)
    {
      g_ptr_array_unref (ps.arrays);
      ms_arena_free (ps.arena);
      g_propagate_error (error, ps.error);
      return NULL;
    }
  file = g_new0 (MsOpamFile, 1);
  file->path = g_strdup (ps.path);
  file->items = items;
  file->arena = ps.arena;
  file->arrays = ps.arrays;
  return file;
}

void
ms_opam_file_free (MsOpamFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  /* file->items is one of file->arrays */
  g_ptr_array_unref (file->arrays);
  ms_arena_free (file->arena);
  g_free (file);
}

static const MsOpamItem *
find_item (GPtrArray *items, const char *name, gboolean section)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const MsOpamItem *item = items->pdata[i];
      if ((item->items != NULL) == section && g_str_equal (item->name, name))
        return item;
    }
  return NULL;
}

const MsOpamValue *
ms_opam_file_get (const MsOpamFile *file, const char *name)
{
  const MsOpamItem *item = find_item (file->items, name, FALSE);
  return item != NULL ? item->value : NULL;
}

const MsOpamItem *
ms_opam_file_get_section (const MsOpamFile *file, const char *name)
{
  return find_item (file->items, name, TRUE);
}

const MsOpamValue *
ms_opam_item_get (const MsOpamItem *section, const char *name)
{
  const MsOpamItem *item = find_item (section->items, name, FALSE);
  return item != NULL ? item->value : NULL;
}

static void
append_value (GString *out, const MsOpamValue *v)
{
  switch (v->kind)
    {
    case MS_OPAM_BOOL:
      g_string_append (out, v->number ? "true" : "false");
      break;
    case MS_OPAM_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v->number);
      break;
    case MS_OPAM_STRING:
      g_string_append_c (out, '"');
      for (const char *p = v->text; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          if (*p == '\n')
            g_string_append (out, "\\n");
          else
            g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
      break;
    case MS_OPAM_IDENT:
      g_string_append (out, v->text);
      break;
    case MS_OPAM_RELOP:
    case MS_OPAM_ENVOP:
      append_value (out, v->left);
      g_string_append_printf (out, " %s ", v->text);
      append_value (out, v->right);
      break;
    case MS_OPAM_PREFIX_RELOP:
      g_string_append_printf (out, "%s ", v->text);
      append_value (out, v->left);
      break;
    case MS_OPAM_AND:
    case MS_OPAM_OR:
      append_value (out, v->left);
      g_string_append (out, v->kind == MS_OPAM_AND ? " & " : " | ");
      append_value (out, v->right);
      break;
    case MS_OPAM_NOT:
    case MS_OPAM_DEFINED:
      g_string_append_c (out, v->kind == MS_OPAM_NOT ? '!' : '?');
      append_value (out, v->left);
      break;
    case MS_OPAM_LIST:
    case MS_OPAM_GROUP:
    case MS_OPAM_OPTION:
      if (v->kind == MS_OPAM_OPTION)
        {
          append_value (out, v->left);
          g_string_append (out, " {");
        }
      else
        g_string_append_c (out, v->kind == MS_OPAM_LIST ? '[' : '(');
      for (guint i = 0; i < v->items->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          append_value (out, v->items->pdata[i]);
        }
      g_string_append_c (out, v->kind == MS_OPAM_LIST ? ']' : v->kind == MS_OPAM_GROUP ? ')' : '}');
      break;
    }
}

char *
ms_opam_value_to_string (const MsOpamValue *value)
{
  GString *out = g_string_new (NULL);
  append_value (out, value);
  return g_string_free (out, FALSE);
}
