/* ms-import-lexer.h: OCaml tokens for the config.ml importer (private). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TK_EOF,
  TK_LIDENT,      /* x, foo_bar' */
  TK_UIDENT,      /* Mirage, Some */
  TK_INT,         /* 42, 0x2a (ival) */
  TK_INT64,       /* 5_000_000L */
  TK_FLOAT,       /* unsupported value */
  TK_STRING,      /* "..." or {id|...|id} (text, len) */
  TK_CHAR,        /* 'a' (ival) */
  TK_LABEL,       /* ~x: (text = x) */
  TK_LABEL_PUN,   /* ~x */
  TK_OPTLABEL,    /* ?x: */
  TK_OPTLABEL_PUN,/* ?x */
  TK_VARIANT,     /* `Foo (text = Foo) */
  TK_KEYWORD,     /* let, in, rec, and, fun, if, ... (text) */
  TK_OP,          /* infix operator or punctuation (text) */
} MsTokenKind;

typedef struct {
  MsTokenKind kind;
  guint line, col;
  char *text;     /* identifier, operator, keyword, label; string bytes */
  gsize len;      /* bytes of text (strings may hold NUL) */
  gint64 ival;
  gboolean overflow;
} MsToken;

typedef struct {
  guint line, col;
  char *text;     /* inside the (* *) */
} MsComment;

/* Reports a problem at line:col (error when is_error, else warning). */
typedef void (*MsLexReport) (gpointer data, gboolean is_error, guint line, guint col,
                             const char *message);

/* Tokens (MsToken, ending with TK_EOF) and comments of text. */
void ms_import_lex (const char *text, gsize len, GArray *tokens, GPtrArray *comments,
                    MsLexReport report, gpointer data);
void ms_import_tokens_clear (GArray *tokens);
void ms_import_comment_free (MsComment *c);

G_END_DECLS
