/* ms-import.c: config.ml back into a project.
 *
 * Three steps. The lexer (ms-import-lexer.c) makes tokens and keeps the
 * comments. A recursive-descent parser builds a small expression tree of
 * the OCaml subset config.ml files use. An evaluator runs it the way
 * OCaml would, with Mirage's combinators as built-ins: a catalog
 * constructor applied to all its positional arguments makes a device; a
 * main/impl or a functor value takes `$` arguments until its signature is
 * satisfied; `register` sets the name, the jobs and the register choices.
 * Finally the devices are written into a new document in one group.
 *
 * Nothing here aborts: a construct outside the subset becomes a message
 * with line and column, and evaluation goes on with an error value that
 * poisons quietly what depends on it. Input size, parser nesting, helper
 * call depth and evaluation steps are all bounded, and so is what
 * evaluation builds: each list, each string, and the memory of the whole
 * evaluation. Steps are charged by the work done (copying n elements
 * costs n), so a short file cannot make long work. The C stack is bounded
 * too: chains of left-associative operators (a + b + ... + z, x |> f |> g)
 * are parsed in a loop and evaluated in a loop, every other nesting counts
 * against MAX_PARSE_DEPTH, and evaluation depth has its own bound.
 */
#include "ms-import.h"

#include <string.h>

#include "ms-check.h"
#include "ms-escape.h"
#include "ms-import-lexer.h"
#include "ms-value.h"

#define MAX_PARSE_DEPTH 200
#define MAX_CALL_DEPTH 48
/* nested eval() calls: parse nesting times helper depth stays far below */
#define MAX_EVAL_DEPTH 3000
#define MAX_STEPS 2000000
#define MAX_DEVICES 5000
/* what evaluation may build: one list, one string made by ^, String.concat
 * or an option, and all of it together (values, lists, strings, devices) */
#define MAX_LIST 100000
#define MAX_STRING (1u << 20)
#define MAX_MEMORY (128u << 20)
/* what is built for a device lives three times more: in the document,
 * in the copy build_document hands it, and in its undo step */
#define COPIES 4
/* bytes of one message (a message may quote a value) */
#define MAX_MESSAGE 400

/* ---- the tree --------------------------------------------------------------------- */

typedef enum {
  E_ERROR, E_INT, E_INT64, E_STRING, E_BOOL, E_UNIT, E_VAR, E_CTOR, E_VARIANT, E_APP,
  E_LIST, E_TUPLE, E_RECORD, E_LET, E_FUN, E_IF, E_OPEN, E_INFIX, E_NEG,
  E_CODE,              /* OCaml kept as text (s): match, function, a ~connect... */
} ExprKind;

typedef enum { L_NONE, L_TILDE, L_QUESTION } LabelKind;

typedef struct _Expr Expr;

typedef struct {
  LabelKind label;
  char *name;          /* label name */
  Expr *e;
} ArgExpr;

typedef enum { P_VAR, P_ANY, P_UNIT, P_TUPLE } PatKind;

typedef struct {
  PatKind kind;
  char *name;          /* P_VAR */
  GPtrArray *names;    /* P_TUPLE: char* (NULL for _) */
} Pattern;

typedef struct {
  LabelKind label;     /* ~x / ?x parameters */
  char *label_name;
  Pattern *pat;
  Expr *def;           /* ?(x = e) */
} Param;

typedef struct {
  Pattern *pat;
  GPtrArray *params;   /* Param* */
  Expr *e;
  guint line, col;
  char *code;          /* the binding as OCaml text: "fun PARAMS -> BODY" or BODY */
} Binding;

struct _Expr {
  ExprKind kind;
  guint line, col;
  char *s;             /* var path, ctor path, string bytes, op */
  gsize len;
  gint64 i;
  Expr *a, *b, *c;
  GPtrArray *items;    /* Expr* (list, tuple, record values), ArgExpr* (app), Binding* (let), Param* (fun) */
  char **fields;       /* record field names */
  gboolean rec;
};

/* ---- values ----------------------------------------------------------------------- */

typedef enum {
  V_ERR, V_UNIT, V_INT, V_INT64, V_BOOL, V_STRING, V_LIST, V_TUPLE, V_RECORD, V_VARIANT,
  V_CTOR, V_CLOSURE, V_PRIM, V_DEVICE, V_PARTIAL, V_TYP, V_KEY, V_RTARG, V_PACKAGE, V_ADDR,
  V_NAME, V_OPAQUE, V_REPORTER,
  V_CODE,              /* OCaml text (s) */
  V_COND,              /* a choice's condition: key (s) and predicate (type, or NULL) */
  V_CONV,              /* a Cmdliner converter of Key.Arg (s: its OCaml text) */
  V_INFO,              /* Key.Arg.info: names (items), doc (s), docv (type) */
  V_KEYARG,            /* Key.Arg.opt/flag/...: kind (s), converter (type), default (arg), info (info) */
} ValueKind;

typedef struct _Value Value;
typedef struct _Dev Dev;
typedef struct _Env Env;

typedef struct {
  LabelKind label;
  const char *name;
  Value *v;
  guint line, col;
} Arg;

typedef struct {
  const char *name;    /* builtin name, or NULL for a catalog constructor */
  const MsConstructor *ctor;
  GPtrArray *args;     /* Arg* */
} Prim;

typedef struct {
  GPtrArray *params;   /* Param* */
  Expr *body;
  Env *env;
  GPtrArray *args;     /* Arg* applied so far */
  const char *name;
} Closure;

struct _Value {
  ValueKind kind;
  gint64 i;
  char *s;             /* strings, names, ctor paths, addr text */
  gsize len;
  const char *type;    /* V_ADDR value type; V_KEY "value" flag */
  GPtrArray *items;    /* Value* */
  char **fields;
  Value *arg;          /* V_CTOR / V_VARIANT payload */
  Closure *clo;
  Prim *prim;
  Dev *dev;
  MsPackage *pkg;
  GPtrArray *sig;      /* V_TYP: char* ocaml type names, result last */
  Value *info;         /* V_KEYARG */
  Dev *tmpl;           /* V_PARTIAL: main/impl/functor template */
  GPtrArray *applied;  /* V_PARTIAL: Dev* */
};

struct _Env {
  const char *name;
  Value *v;
  Env *next;
  guint seq;           /* top-level bindings: 1, 2, ... in file order; else 0 */
};

struct _Dev {
  char *name;          /* let-name, or NULL */
  char *name_hint;     /* from the template */
  const MsConstructor *ctor;
  const char *custom_kind;   /* "main" / "impl" / "choice" or NULL */
  GHashTable *options;       /* name -> char* */
  GPtrArray *conn_params;    /* char* */
  GPtrArray *conn_sources;   /* Dev* */
  MsCustom *custom;
  GPtrArray *dep_devs;       /* Dev* */
  GPtrArray *rtargs;         /* Value* (V_RTARG) */
  guint arity;               /* $ parameters */
  GHashTable *cache;         /* templates: inputs ("%p,%p") -> Dev* materialised */
  guint line, col;
  guint id;                  /* in the document */
  gboolean is_template;
};

typedef struct {
  MsCatalog *cat;
  MsImportReport *report;
  GPtrArray *arena;          /* gpointer, g_free */
  GPtrArray *arrays;         /* GPtrArray*, unref */
  GPtrArray *all_devs;       /* Dev*: every one made, owned (freed at the end) */
  GPtrArray *devs;           /* Dev* of the project, in creation order */
  gboolean devices_reported;
  GHashTable *shared;        /* ctor name -> Dev* for argument-less constructors */
  GPtrArray *comments;
  GPtrArray *packages;       /* MsPackage*, owned */
  /* parser */
  GArray *tokens;
  guint pos;
  int depth;
  gboolean failed;
  /* evaluator */
  guint64 steps;
  gsize memory;              /* bytes allocated while evaluating (estimated) */
  gboolean evaluating;
  gboolean stopped;          /* a bound of the whole evaluation was reached: no more */
  int call_depth;
  int eval_depth;
  Env *top;
  guint top_seq;
  GHashTable *top_index;     /* name -> GPtrArray of its top-level Env nodes, oldest first */
  GHashTable *bound;         /* every name bound anywhere: the rest need no walk of an Env */
  GHashTable *prims;         /* builtin name -> its V_PRIM value (never changed) */
  GHashTable *arg_types;     /* runtime argument -> value type (build_document) */
  GHashTable *arg_comments;  /* runtime argument -> its first MsComment " --NAME: " */
  gboolean registered;
  char *app_name;
  GPtrArray *jobs;           /* Dev* */
  GHashTable *settings;      /* name -> value */
  /* the whole config.ml (issue 11) */
  const char *text;          /* the source, for OCaml kept as text */
  gsize text_len;
  GArray *line_starts;       /* gsize: byte offset of each line */
  GHashTable *code_of;       /* binding name -> its OCaml text (arena) */
  GHashTable *own_ctors;     /* OCaml constructor of a `type` -> the project type name (arena) */
  GPtrArray *decls;          /* MsDecl*, owned: types and keys, in order */
} Imp;

static void
msg (Imp *im, MsSeverity sev, guint line, guint col, const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static void
msg (Imp *im, MsSeverity sev, guint line, guint col, const char *fmt, ...)
{
  va_list ap;
  MsImportMessage *m;

  if (im->report->messages->len > 1000)
    return;
  m = g_new0 (MsImportMessage, 1);
  va_start (ap, fmt);
  m->message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (strlen (m->message) > MAX_MESSAGE)
    {
      /* cut at a character boundary: messages quote names and values */
      const char *end = g_utf8_find_prev_char (m->message, m->message + MAX_MESSAGE);
      char *cut = g_strdup_printf ("%.*s…", (int) (end ? end - m->message : 0), m->message);
      g_free (m->message);
      m->message = cut;
    }
  m->severity = sev;
  m->line = line;
  m->column = col;
  g_ptr_array_add (im->report->messages, m);
}

/* Counts memory evaluation allocates; eval() stops at MAX_MEMORY. The
 * parse tree is not counted: it is proportional to the input, which is
 * bounded. */
static void
spend (Imp *im, gsize bytes)
{
  if (im->evaluating)
    im->memory += bytes + 16;
}

static gpointer
arena_new (Imp *im, gsize size)
{
  gpointer p = g_malloc0 (size);
  spend (im, size);
  g_ptr_array_add (im->arena, p);
  return p;
}

static char *
arena_str (Imp *im, const char *s, gsize len)
{
  char *p = g_malloc (len + 1);
  spend (im, len + 1);
  memcpy (p, s, len);
  p[len] = '\0';
  g_ptr_array_add (im->arena, p);
  return p;
}

static GPtrArray *
arena_array (Imp *im)
{
  GPtrArray *a = g_ptr_array_new ();
  spend (im, 64);
  g_ptr_array_add (im->arrays, a);
  return a;
}

/* Ends the evaluation of the whole file with one error at line:col:
 * what follows would only add to the same cost. */
static void
stop (Imp *im, guint line, guint col, const char *what)
{
  if (!im->stopped)
    msg (im, MS_SEVERITY_ERROR, line, col, "%s; evaluation stopped here", what);
  im->stopped = TRUE;
}

static gboolean
memory_ok (Imp *im, guint64 more, guint line, guint col)
{
  if (im->memory + more <= MAX_MEMORY)
    return TRUE;
  {
    g_autofree char *what = g_strdup_printf ("evaluation builds more than %u MiB of values (lists, strings, devices)",
                                             MAX_MEMORY >> 20);
    stop (im, line, col, what);
  }
  return FALSE;
}

/* Charges n steps of work at line:col; FALSE once evaluation must stop
 * (too many steps, or too much memory built). */
static gboolean
charge (Imp *im, guint64 n, guint line, guint col)
{
  if (im->stopped)
    return FALSE;
  im->steps += n;
  if (im->steps > MAX_STEPS)
    {
      g_autofree char *what = g_strdup_printf ("evaluation takes too long (more than %d steps)", MAX_STEPS);
      stop (im, line, col, what);
      return FALSE;
    }
  return memory_ok (im, 0, line, col);
}

/* Whether evaluation may build `bytes` more (checked before a large
 * allocation whose size is known); FALSE once evaluation must stop. */
static gboolean
afford (Imp *im, guint64 bytes, guint line, guint col)
{
  if (im->stopped)
    return FALSE;
  return memory_ok (im, bytes, line, col);
}

/* A list of n elements or a string of n bytes about to be built: an
 * error at line:col when over its bound (evaluation goes on). */
static gboolean
size_ok (Imp *im, const char *what, guint64 n, guint64 max, guint line, guint col)
{
  if (n <= max)
    return TRUE;
  msg (im, MS_SEVERITY_ERROR, line, col, "%s would have %" G_GUINT64_FORMAT " %s, more than the %" G_GUINT64_FORMAT
       " the importer builds; not built", what, n, g_str_equal (what, "this list") ? "elements" : "bytes", max);
  return FALSE;
}

/* ---- parser ------------------------------------------------------------------------ */

static const MsToken *
tok (Imp *im)
{
  return &g_array_index (im->tokens, MsToken, im->pos);
}

static const MsToken *
tok_at (Imp *im, guint ahead)
{
  guint i = MIN (im->pos + ahead, im->tokens->len - 1);
  return &g_array_index (im->tokens, MsToken, i);
}

static void
next (Imp *im)
{
  if (tok (im)->kind != TK_EOF)
    im->pos++;
}

static gboolean
is_op (const MsToken *t, const char *op)
{
  return t->kind == TK_OP && g_str_equal (t->text, op);
}

static gboolean
is_kw (const MsToken *t, const char *kw)
{
  return t->kind == TK_KEYWORD && g_str_equal (t->text, kw);
}

static Expr *
expr_new (Imp *im, ExprKind kind, const MsToken *at)
{
  Expr *e = arena_new (im, sizeof (Expr));
  e->kind = kind;
  e->line = at->line;
  e->col = at->col;
  return e;
}

static Expr *
syntax_error (Imp *im, const MsToken *at, const char *what)
{
  if (!im->failed)
    {
      const char *found = at->kind == TK_EOF ? "the end of the file"
                          : at->kind == TK_STRING ? "a string" : at->text;
      g_autofree char *shown = g_strescape (found ? found : "?", NULL);
      msg (im, MS_SEVERITY_ERROR, at->line, at->col, "%s (found “%.40s”)", what, shown);
    }
  im->failed = TRUE;
  return expr_new (im, E_ERROR, at);
}

static gboolean
expect (Imp *im, const char *op, const char *what)
{
  if (is_op (tok (im), op))
    {
      next (im);
      return TRUE;
    }
  syntax_error (im, tok (im), what);
  return FALSE;
}

static Expr *parse_expr (Imp *im);
static Expr *parse_atom (Imp *im);

/* Skips a type after ':' up to (not including) a closing token at depth 0. */
static void
skip_type (Imp *im, const char *stop)
{
  int depth = 0;

  for (;;)
    {
      const MsToken *t = tok (im);
      if (t->kind == TK_EOF)
        return;
      if (depth == 0 && (is_op (t, stop) || is_op (t, ")") || is_op (t, "]") || is_op (t, ";")
                         || is_op (t, "=") || is_kw (t, "in")))
        return;
      if (is_op (t, "(") || is_op (t, "["))
        depth++;
      else if (is_op (t, ")") || is_op (t, "]"))
        depth--;
      next (im);
    }
}

/* ---- OCaml kept as text ------------------------------------------------------------- */

static gsize
tok_offset (Imp *im, guint index)
{
  const MsToken *t = &g_array_index (im->tokens, MsToken, MIN (index, im->tokens->len - 1));
  gsize off;

  if (t->kind == TK_EOF || t->line == 0 || t->line > im->line_starts->len)
    return im->text_len;
  off = g_array_index (im->line_starts, gsize, t->line - 1) + (t->col ? t->col - 1 : 0);
  return MIN (off, im->text_len);
}

/* The source text from token `from` up to token `to` (excluded), trimmed. */
static char *
span_text (Imp *im, guint from, guint to)
{
  gsize a = tok_offset (im, from), b = to > from ? tok_offset (im, to) : a;

  while (b > a && g_ascii_isspace (im->text[b - 1]))
    b--;
  return arena_str (im, im->text + a, b - a);
}

static gboolean
is_closer (const MsToken *t)
{
  return is_op (t, ")") || is_op (t, "]") || is_op (t, "}") || is_op (t, "|]") || is_kw (t, "end")
         || is_kw (t, "done");
}

static gboolean
is_opener (const MsToken *t)
{
  return is_op (t, "(") || is_op (t, "[") || is_op (t, "{") || is_op (t, "[|") || is_kw (t, "begin")
         || is_kw (t, "sig") || is_kw (t, "struct") || is_kw (t, "object") || is_kw (t, "do");
}

/* Skips an OCaml expression the importer keeps as text (match, function,
 * try...): as far as OCaml's would extend, i.e. to a closer that is not
 * its own, to `in` or `and` of an enclosing let, to `;;` or to the next
 * top-level phrase (a let, type, open or module in the first column).
 * Such an expression ends a tuple or an if's branch only inside
 * parentheses, as real config.ml files write it. */
static void
skip_raw (Imp *im)
{
  int depth = 0, lets = 0;

  while (tok (im)->kind != TK_EOF)
    {
      const MsToken *t = tok (im);
      if (depth == 0 && (is_closer (t) || is_op (t, ";;")))
        break;
      if (depth == 0 && lets == 0 && (is_kw (t, "in") || is_kw (t, "and")))
        break;
      if (t->col == 1 && depth == 0 && (is_kw (t, "let") || is_kw (t, "type") || is_kw (t, "open")
                                        || is_kw (t, "module")))
        break;
      if (is_opener (t))
        depth++;
      else if (is_closer (t))
        depth--;
      else if (depth == 0 && is_kw (t, "let"))
        lets++;   /* a let of the text's own, closed by its in */
      else if (depth == 0 && lets > 0 && is_kw (t, "in"))
        lets--;
      next (im);
    }
}

static Expr *
code_expr (Imp *im, const MsToken *at, guint from)
{
  Expr *e = expr_new (im, E_CODE, at);

  e->s = span_text (im, from, im->pos);
  e->len = strlen (e->s);
  return e;
}

/* match / function / try / assert ...: kept as OCaml text. */
static Expr *
parse_raw (Imp *im)
{
  const MsToken *at = tok (im);
  guint from = im->pos;

  next (im);   /* the keyword: `with` of a match is its own */
  if (is_kw (at, "match") || is_kw (at, "try"))
    {
      /* the scrutinee, up to its with */
      int depth = 0;
      while (tok (im)->kind != TK_EOF && !(depth == 0 && is_kw (tok (im), "with")))
        {
          if (is_opener (tok (im)))
            depth++;
          else if (is_closer (tok (im)))
            {
              if (depth == 0)
                break;
              depth--;
            }
          next (im);
        }
      if (is_kw (tok (im), "with"))
        next (im);
    }
  skip_raw (im);
  return code_expr (im, at, from);
}

/* The argument of a label whose value is OCaml code (~connect, ~dune...):
 * a parenthesised expression or a name, kept as text. */
static Expr *
parse_raw_atom (Imp *im)
{
  const MsToken *at = tok (im);
  guint from = im->pos;

  if (is_opener (at))
    {
      int depth = 0;
      do
        {
          if (is_opener (tok (im)))
            depth++;
          else if (is_closer (tok (im)))
            depth--;
          next (im);
        }
      while (depth > 0 && tok (im)->kind != TK_EOF);
      if (is_op (at, "(") && im->pos - from >= 3)
        {
          /* the code inside the parentheses: the export adds its own */
          Expr *e = expr_new (im, E_CODE, at);
          e->s = span_text (im, from + 1, im->pos - 1);
          e->len = strlen (e->s);
          return e;
        }
    }
  else
    {
      while (tok (im)->kind == TK_UIDENT && is_op (tok_at (im, 1), "."))
        {
          next (im);
          next (im);
        }
      next (im);
    }
  return code_expr (im, at, from);
}

/* Labels of main and impl whose values are OCaml functions of Mirage's
 * info or key values: kept as text, written back as they were read. */
static const char *const code_labels[] = {
  "connect", "dune", "configure", "files", "install", "install_v", "build", "packages_v", NULL,
};

static gboolean
starts_atom (const MsToken *t)
{
  switch (t->kind)
    {
    case TK_LIDENT: case TK_UIDENT: case TK_INT: case TK_INT64: case TK_FLOAT: case TK_STRING:
    case TK_CHAR: case TK_VARIANT:
      return TRUE;
    case TK_KEYWORD:
      return is_kw (t, "true") || is_kw (t, "false") || is_kw (t, "begin");
    case TK_OP:
      return is_op (t, "(") || is_op (t, "[") || is_op (t, "{");
    default:
      return FALSE;
    }
}

static Pattern *parse_pattern_inner (Imp *im);

/* Patterns nest with parentheses: counted like expressions. */
static Pattern *
parse_pattern (Imp *im)
{
  Pattern *p;

  if (++im->depth > MAX_PARSE_DEPTH)
    {
      syntax_error (im, tok (im), "patterns nested too deeply");
      p = arena_new (im, sizeof (Pattern));
      p->kind = P_ANY;
    }
  else
    p = parse_pattern_inner (im);
  im->depth--;
  return p;
}

static Pattern *
parse_pattern_inner (Imp *im)
{
  Pattern *p = arena_new (im, sizeof (Pattern));
  const MsToken *t = tok (im);

  if (t->kind == TK_LIDENT)
    {
      p->kind = P_VAR;
      p->name = t->text;
      next (im);
    }
  else if (t->kind == TK_LIDENT || (t->kind == TK_KEYWORD && 0))
    ;
  else if (g_strcmp0 (t->text, "_") == 0)
    {
      p->kind = P_ANY;
      next (im);
    }
  else if (is_op (t, "(") && is_op (tok_at (im, 1), ")"))
    {
      p->kind = P_UNIT;
      next (im);
      next (im);
    }
  else if (is_op (t, "("))
    {
      next (im);
      p = parse_pattern (im);
      if (is_op (tok (im), ","))
        {
          Pattern *tp = arena_new (im, sizeof (Pattern));
          tp->kind = P_TUPLE;
          tp->names = arena_array (im);
          g_ptr_array_add (tp->names, p->kind == P_VAR ? p->name : NULL);
          while (is_op (tok (im), ",") && !im->failed)
            {
              Pattern *q;
              next (im);
              q = parse_pattern (im);
              g_ptr_array_add (tp->names, q->kind == P_VAR ? q->name : NULL);
            }
          p = tp;
        }
      if (is_op (tok (im), ":"))
        {
          next (im);
          skip_type (im, ")");
        }
      expect (im, ")", "expected “)” closing the pattern");
    }
  else
    {
      syntax_error (im, t, "expected a name, “_”, “()” or a tuple of names (other patterns are not supported)");
      p->kind = P_ANY;
    }
  /* let a, b = ... */
  if (p->kind == P_VAR && is_op (tok (im), ",") && !im->failed)
    {
      Pattern *tp = arena_new (im, sizeof (Pattern));
      tp->kind = P_TUPLE;
      tp->names = arena_array (im);
      g_ptr_array_add (tp->names, p->name);
      while (is_op (tok (im), ",") && !im->failed)
        {
          const MsToken *n;
          next (im);
          n = tok (im);
          if (n->kind == TK_LIDENT)
            g_ptr_array_add (tp->names, n->text);
          else if (g_strcmp0 (n->text, "_") == 0)
            g_ptr_array_add (tp->names, NULL);
          else
            return (syntax_error (im, n, "expected a name in the tuple pattern"), tp);
          next (im);
        }
      p = tp;
    }
  return p;
}

static GPtrArray *
parse_params (Imp *im, const char *stop)
{
  GPtrArray *params = arena_array (im);

  while (!im->failed && !is_op (tok (im), stop) && !is_op (tok (im), ":") && tok (im)->kind != TK_EOF)
    {
      const MsToken *t = tok (im);
      Param *p = arena_new (im, sizeof (Param));

      if (t->kind == TK_LABEL_PUN || t->kind == TK_OPTLABEL_PUN)
        {
          p->label = t->kind == TK_LABEL_PUN ? L_TILDE : L_QUESTION;
          p->label_name = t->text;
          p->pat = arena_new (im, sizeof (Pattern));
          p->pat->kind = P_VAR;
          p->pat->name = t->text;
          next (im);
        }
      else if (t->kind == TK_LABEL || t->kind == TK_OPTLABEL)
        {
          p->label = t->kind == TK_LABEL ? L_TILDE : L_QUESTION;
          p->label_name = t->text;
          next (im);
          if (p->label == L_QUESTION && is_op (tok (im), "("))
            {
              /* ?x:(y = default) */
              next (im);
              p->pat = parse_pattern (im);
              if (is_op (tok (im), "="))
                {
                  next (im);
                  p->def = parse_expr (im);
                }
              expect (im, ")", "expected “)” after the default value");
            }
          else
            p->pat = parse_pattern (im);
        }
      else if ((t->kind == TK_OP && g_str_equal (t->text, "?")) || (t->kind == TK_OP && g_str_equal (t->text, "~")))
        {
          /* ?(x = default) and ~(x : t) */
          gboolean opt = t->text[0] == '?';
          next (im);
          if (!expect (im, "(", "expected “(” after the label"))
            break;
          p->label = opt ? L_QUESTION : L_TILDE;
          p->pat = parse_pattern (im);
          p->label_name = p->pat->kind == P_VAR ? p->pat->name : "_";
          if (is_op (tok (im), "="))
            {
              next (im);
              p->def = parse_expr (im);
            }
          else if (is_op (tok (im), ":"))
            {
              next (im);
              skip_type (im, ")");
            }
          expect (im, ")", "expected “)” after the parameter");
        }
      else
        p->pat = parse_pattern (im);
      g_ptr_array_add (params, p);
    }
  return params;
}

static Binding *
parse_binding (Imp *im)
{
  Binding *b = arena_new (im, sizeof (Binding));

  b->line = tok (im)->line;
  b->col = tok (im)->col;
  guint params_from, params_to, body_from;

  b->pat = parse_pattern (im);
  params_from = im->pos;
  b->params = parse_params (im, "=");
  params_to = im->pos;
  if (is_op (tok (im), ":"))
    {
      next (im);
      skip_type (im, "=");
    }
  if (!expect (im, "=", "expected “=” in the let-binding"))
    return b;
  body_from = im->pos;
  b->e = parse_expr (im);
  if (!im->failed)
    {
      char *body = span_text (im, body_from, im->pos);
      if (b->params->len > 0)
        {
          g_autofree char *c = g_strdup_printf ("fun %s -> %s", span_text (im, params_from, params_to), body);
          b->code = arena_str (im, c, strlen (c));
        }
      else
        b->code = body;
      /* a helper such as `let connect _ m = function ...` given to ~connect */
      if (b->pat->kind == P_VAR)
        g_hash_table_replace (im->code_of, b->pat->name, b->code);
    }
  return b;
}

static GPtrArray *
parse_bindings (Imp *im, gboolean *rec)
{
  GPtrArray *bs = arena_array (im);

  next (im);   /* let */
  *rec = FALSE;
  if (is_kw (tok (im), "rec"))
    {
      *rec = TRUE;
      next (im);
    }
  g_ptr_array_add (bs, parse_binding (im));
  while (is_kw (tok (im), "and") && !im->failed)
    {
      next (im);
      g_ptr_array_add (bs, parse_binding (im));
    }
  return bs;
}

/* Module.Path then .name, .(expr) or a constructor */
static Expr *
parse_upath (Imp *im)
{
  const MsToken *start = tok (im);
  GString *path = g_string_new (start->text);
  Expr *e;

  next (im);
  while (is_op (tok (im), ".") && !im->failed)
    {
      const MsToken *n = tok_at (im, 1);
      if (n->kind == TK_UIDENT)
        {
          g_string_append_printf (path, ".%s", n->text);
          next (im);
          next (im);
        }
      else if (n->kind == TK_LIDENT)
        {
          g_string_append_printf (path, ".%s", n->text);
          next (im);
          next (im);
          e = expr_new (im, E_VAR, start);
          e->s = arena_str (im, path->str, path->len);
          g_string_free (path, TRUE);
          return e;
        }
      else if (is_op (n, "("))
        {
          next (im);
          next (im);
          e = expr_new (im, E_OPEN, start);
          e->s = arena_str (im, path->str, path->len);
          g_string_free (path, TRUE);
          e->a = parse_expr (im);
          expect (im, ")", "expected “)” closing the local open");
          return e;
        }
      else
        break;
    }
  e = expr_new (im, E_CTOR, start);
  e->s = arena_str (im, path->str, path->len);
  g_string_free (path, TRUE);
  return e;
}

static Expr *
parse_atom (Imp *im)
{
  const MsToken *t = tok (im);
  Expr *e;

  if (im->failed)
    return expr_new (im, E_ERROR, t);
  if (++im->depth > MAX_PARSE_DEPTH)
    {
      im->depth--;
      return syntax_error (im, t, "expressions nested too deeply");
    }
  switch (t->kind)
    {
    case TK_LIDENT:
      e = expr_new (im, E_VAR, t);
      e->s = t->text;
      next (im);
      break;
    case TK_UIDENT:
      e = parse_upath (im);
      break;
    case TK_INT:
    case TK_CHAR:
      e = expr_new (im, E_INT, t);
      e->i = t->ival;
      next (im);
      break;
    case TK_INT64:
      e = expr_new (im, E_INT64, t);
      e->i = t->ival;
      next (im);
      break;
    case TK_FLOAT:
      msg (im, MS_SEVERITY_WARNING, t->line, t->col, "floating-point numbers are not used by Mirage devices; ignored");
      e = expr_new (im, E_ERROR, t);
      next (im);
      break;
    case TK_STRING:
      e = expr_new (im, E_STRING, t);
      e->s = t->text;
      e->len = t->len;
      next (im);
      break;
    case TK_VARIANT:
      e = expr_new (im, E_VARIANT, t);
      e->s = t->text;
      next (im);
      break;
    case TK_KEYWORD:
      if (is_kw (t, "true") || is_kw (t, "false"))
        {
          e = expr_new (im, E_BOOL, t);
          e->i = is_kw (t, "true");
          next (im);
        }
      else if (is_kw (t, "begin"))
        {
          next (im);
          if (is_kw (tok (im), "end"))
            e = expr_new (im, E_UNIT, t);
          else
            e = parse_expr (im);
          if (is_kw (tok (im), "end"))
            next (im);
          else
            syntax_error (im, tok (im), "expected “end”");
        }
      else
        e = syntax_error (im, t, "expected an expression");
      break;
    case TK_OP:
      if (is_op (t, "(") && is_op (tok_at (im, 1), ")"))
        {
          e = expr_new (im, E_UNIT, t);
          next (im);
          next (im);
        }
      else if (is_op (t, "(") && tok_at (im, 1)->kind == TK_OP && is_op (tok_at (im, 2), ")")
               && !is_op (tok_at (im, 1), "(") && !is_op (tok_at (im, 1), "[") && !is_op (tok_at (im, 1), "{"))
        {
          /* ( $ ) */
          e = expr_new (im, E_VAR, t);
          e->s = tok_at (im, 1)->text;
          next (im); next (im); next (im);
        }
      else if (is_op (t, "("))
        {
          next (im);
          e = parse_expr (im);
          if (is_op (tok (im), ":"))
            {
              next (im);
              skip_type (im, ")");
            }
          if (is_op (tok (im), ";") && !im->failed)
            syntax_error (im, tok (im), "sequences (e1; e2) are not supported in config.ml import");
          expect (im, ")", "expected “)”");
        }
      else if (is_op (t, "["))
        {
          e = expr_new (im, E_LIST, t);
          e->items = arena_array (im);
          next (im);
          while (!is_op (tok (im), "]") && !im->failed && tok (im)->kind != TK_EOF)
            {
              g_ptr_array_add (e->items, parse_expr (im));
              if (is_op (tok (im), ";"))
                next (im);
              else
                break;
            }
          expect (im, "]", "expected “;” or “]” in the list");
        }
      else if (is_op (t, "{"))
        {
          GPtrArray *names = arena_array (im);
          e = expr_new (im, E_RECORD, t);
          e->items = arena_array (im);
          next (im);
          while (!is_op (tok (im), "}") && !im->failed)
            {
              const MsToken *f = tok (im);
              const char *name;
              if (f->kind == TK_UIDENT)
                {
                  /* Module.field */
                  while (tok (im)->kind == TK_UIDENT && is_op (tok_at (im, 1), "."))
                    {
                      next (im);
                      next (im);
                    }
                  f = tok (im);
                }
              if (f->kind != TK_LIDENT)
                {
                  syntax_error (im, f, "expected a field name in the record");
                  break;
                }
              name = f->text;
              next (im);
              if (is_kw (tok (im), "with"))
                {
                  syntax_error (im, tok (im), "record updates ({ r with ... }) are not supported");
                  break;
                }
              g_ptr_array_add (names, (gpointer) name);
              if (is_op (tok (im), "="))
                {
                  next (im);
                  g_ptr_array_add (e->items, parse_expr (im));
                }
              else
                {
                  Expr *v = expr_new (im, E_VAR, f);
                  v->s = (char *) name;
                  g_ptr_array_add (e->items, v);
                }
              if (is_op (tok (im), ";"))
                next (im);
              else
                break;
            }
          expect (im, "}", "expected “;” or “}” in the record");
          g_ptr_array_add (names, NULL);
          e->fields = (char **) names->pdata;
        }
      else
        e = syntax_error (im, t, "expected an expression");
      break;
    default:
      e = syntax_error (im, t, "expected an expression");
      break;
    }
  im->depth--;
  return e;
}

static Expr *
parse_app (Imp *im)
{
  const MsToken *start = tok (im);
  Expr *head;
  Expr *app;

  head = parse_atom (im);
  if (head->kind == E_CTOR || head->kind == E_VARIANT)
    {
      if (starts_atom (tok (im)) && !im->failed)
        head->a = parse_atom (im);   /* Some x, `Foo x */
      return head;
    }
  if (!(starts_atom (tok (im)) || tok (im)->kind == TK_LABEL || tok (im)->kind == TK_LABEL_PUN
        || tok (im)->kind == TK_OPTLABEL || tok (im)->kind == TK_OPTLABEL_PUN) || im->failed)
    return head;
  app = expr_new (im, E_APP, start);
  app->a = head;
  app->items = arena_array (im);
  for (;;)
    {
      const MsToken *t = tok (im);
      ArgExpr *arg;

      if (im->failed)
        break;
      if (t->kind == TK_LABEL || t->kind == TK_OPTLABEL)
        {
          arg = arena_new (im, sizeof (ArgExpr));
          arg->label = t->kind == TK_LABEL ? L_TILDE : L_QUESTION;
          arg->name = t->text;
          next (im);
          arg->e = g_strv_contains (code_labels, arg->name) ? parse_raw_atom (im) : parse_atom (im);
        }
      else if (t->kind == TK_LABEL_PUN || t->kind == TK_OPTLABEL_PUN)
        {
          arg = arena_new (im, sizeof (ArgExpr));
          arg->label = t->kind == TK_LABEL_PUN ? L_TILDE : L_QUESTION;
          arg->name = t->text;
          if (g_strv_contains (code_labels, arg->name))
            {
              arg->e = expr_new (im, E_CODE, t);
              arg->e->s = t->text;
              arg->e->len = strlen (t->text);
            }
          else
            {
              arg->e = expr_new (im, E_VAR, t);
              arg->e->s = t->text;
            }
          next (im);
        }
      else if (starts_atom (t))
        {
          arg = arena_new (im, sizeof (ArgExpr));
          arg->label = L_NONE;
          if (t->kind == TK_UIDENT)
            {
              /* a constructor argument is an atom: f Foo x is (f Foo x) */
              arg->e = parse_atom (im);
            }
          else
            arg->e = parse_atom (im);
        }
      else
        break;
      g_ptr_array_add (app->items, arg);
    }
  return app;
}

static Expr *
parse_unary (Imp *im)
{
  const MsToken *t = tok (im);

  if ((is_op (t, "-") || is_op (t, "~-")) && !im->failed)
    {
      Expr *e = expr_new (im, E_NEG, t);
      next (im);
      if (++im->depth > MAX_PARSE_DEPTH)
        return syntax_error (im, t, "expressions nested too deeply");
      e->a = parse_unary (im);
      im->depth--;
      return e;
    }
  return parse_app (im);
}

/* Precedence of an infix operator token (0: not infix), and associativity. */
static int
infix_level (const MsToken *t, gboolean *right)
{
  const char *s;

  *right = FALSE;
  if (t->kind == TK_KEYWORD && (g_str_equal (t->text, "mod") || g_str_equal (t->text, "land")
                                || g_str_equal (t->text, "lor") || g_str_equal (t->text, "lxor")))
    return 7;
  if (t->kind == TK_KEYWORD && g_str_equal (t->text, "or"))
    return (*right = TRUE, 1);
  if (t->kind != TK_OP)
    return 0;
  s = t->text;
  if (g_str_equal (s, "||"))
    return (*right = TRUE, 1);
  if (g_str_equal (s, "&&") || g_str_equal (s, "&"))
    return (*right = TRUE, 2);
  if (g_str_equal (s, "->") || g_str_equal (s, "<-") || g_str_equal (s, "|") || g_str_equal (s, ":=")
      || g_str_equal (s, ":") || g_str_equal (s, ".") || g_str_equal (s, "~") || g_str_equal (s, "?"))
    return 0;
  if (strchr ("=<>|&$", s[0]) || g_str_equal (s, "!="))
    return 3;
  if (s[0] == '@' || s[0] == '^')
    return (*right = TRUE, 4);
  if (g_str_equal (s, "::"))
    return (*right = TRUE, 5);
  if (s[0] == '+' || s[0] == '-')
    return 6;
  if (s[0] == '*' && s[1] == '*')
    return (*right = TRUE, 8);
  if (s[0] == '*' || s[0] == '/' || s[0] == '%')
    return 7;
  return 0;
}

static Expr *
parse_binary (Imp *im, int min_level)
{
  Expr *lhs = parse_unary (im);

  for (;;)
    {
      const MsToken *t = tok (im);
      gboolean right;
      int level = infix_level (t, &right);
      Expr *e;

      if (level == 0 || level < min_level || im->failed)
        return lhs;
      if (++im->depth > MAX_PARSE_DEPTH)
        return syntax_error (im, t, "expressions nested too deeply");
      e = expr_new (im, E_INFIX, t);
      e->s = t->text;
      next (im);
      e->a = lhs;
      e->b = parse_binary (im, right ? level : level + 1);
      im->depth--;
      lhs = e;
    }
}

static Expr *
parse_expr (Imp *im)
{
  const MsToken *t = tok (im);
  Expr *e;

  if (im->failed)
    return expr_new (im, E_ERROR, t);
  if (++im->depth > MAX_PARSE_DEPTH)
    {
      im->depth--;
      return syntax_error (im, t, "expressions nested too deeply");
    }
  if (is_kw (t, "let"))
    {
      gboolean rec;
      e = expr_new (im, E_LET, t);
      e->items = parse_bindings (im, &rec);
      e->rec = rec;
      if (is_kw (tok (im), "in"))
        {
          next (im);
          e->a = parse_expr (im);
        }
      else
        syntax_error (im, tok (im), "expected “in” after a local let-binding");
    }
  else if (is_kw (t, "fun"))
    {
      e = expr_new (im, E_FUN, t);
      next (im);
      e->items = parse_params (im, "->");
      if (expect (im, "->", "expected “->” after the parameters of fun"))
        e->a = parse_expr (im);
    }
  else if (is_kw (t, "if"))
    {
      e = expr_new (im, E_IF, t);
      next (im);
      e->a = parse_expr (im);
      if (is_kw (tok (im), "then"))
        {
          next (im);
          e->b = parse_expr (im);
          if (is_kw (tok (im), "else"))
            {
              next (im);
              e->c = parse_expr (im);
            }
        }
      else
        syntax_error (im, tok (im), "expected “then”");
    }
  else if (is_kw (t, "match") || is_kw (t, "function") || is_kw (t, "try") || is_kw (t, "assert")
           || is_kw (t, "lazy"))
    e = parse_raw (im);
  else if (is_kw (t, "while") || is_kw (t, "for"))
    {
      g_autofree char *m = g_strdup_printf ("“%s” is outside the OCaml subset Mirage Studio imports", t->text);
      e = syntax_error (im, t, m);
    }
  else
    {
      e = parse_binary (im, 1);
      if (is_op (tok (im), ",") && !im->failed)
        {
          Expr *tu = expr_new (im, E_TUPLE, t);
          tu->items = arena_array (im);
          g_ptr_array_add (tu->items, e);
          while (is_op (tok (im), ",") && !im->failed)
            {
              next (im);
              g_ptr_array_add (tu->items, parse_binary (im, 1));
            }
          e = tu;
        }
    }
  im->depth--;
  return e;
}

/* ---- evaluation -------------------------------------------------------------------- */

static Value *
val (Imp *im, ValueKind k)
{
  Value *v = arena_new (im, sizeof (Value));
  v->kind = k;
  return v;
}

static Value *
verr (Imp *im)
{
  return val (im, V_ERR);
}

static Value *
vstr (Imp *im, const char *s, gsize len)
{
  Value *v = val (im, V_STRING);
  v->s = arena_str (im, s, len);
  v->len = len;
  return v;
}

static Dev *
dev_new (Imp *im, guint line, guint col)
{
  Dev *d = arena_new (im, sizeof (Dev));
  d->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  d->conn_params = g_ptr_array_new_with_free_func (g_free);
  d->conn_sources = g_ptr_array_new ();
  d->dep_devs = g_ptr_array_new ();
  d->rtargs = g_ptr_array_new ();
  d->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  d->line = line;
  d->col = col;
  /* owned here whether or not it becomes a device of the project */
  g_ptr_array_add (im->all_devs, d);
  spend (im, 2048);   /* with its copies in the document */
  return d;
}

static void
dev_free (Dev *d)
{
  g_hash_table_unref (d->options);
  g_ptr_array_unref (d->conn_params);
  g_ptr_array_unref (d->conn_sources);
  g_ptr_array_unref (d->dep_devs);
  g_ptr_array_unref (d->rtargs);
  g_hash_table_unref (d->cache);
  if (d->custom)
    ms_custom_free (d->custom);
  g_free (d->name);
  g_free (d->name_hint);
}

static gboolean
add_dev (Imp *im, Dev *d)
{
  if (im->devs->len >= MAX_DEVICES)
    {
      /* once: the next ones would say the same */
      if (!im->devices_reported)
        msg (im, MS_SEVERITY_ERROR, d->line, d->col, "more than %d devices; the rest are not imported", MAX_DEVICES);
      im->devices_reported = TRUE;
      return FALSE;
    }
  g_ptr_array_add (im->devs, d);
  return TRUE;
}

static void
connect (Dev *d, const char *param, Dev *src)
{
  for (guint i = 0; i < d->conn_params->len; i++)
    if (g_str_equal (d->conn_params->pdata[i], param))
      {
        d->conn_sources->pdata[i] = src;
        return;
      }
  g_ptr_array_add (d->conn_params, g_strdup (param));
  g_ptr_array_add (d->conn_sources, src);
}

static Value *eval (Imp *im, Expr *e, Env *env);
static Value *apply (Imp *im, Value *f, GPtrArray *args, guint line, guint col);

/* A binding on env; `top` for the file's own top-level bindings, which
 * are also indexed by name (see env_lookup). */
static Env *
bind (Imp *im, Env *env, const char *name, Value *v, gboolean top)
{
  Env *n = arena_new (im, sizeof (Env));
  n->name = name;
  n->v = v;
  n->next = env;
  g_hash_table_add (im->bound, (gpointer) name);
  if (top)
    {
      GPtrArray *same = g_hash_table_lookup (im->top_index, name);
      if (same == NULL)
        {
          same = g_ptr_array_new ();
          g_hash_table_insert (im->top_index, (gpointer) name, same);
        }
      n->seq = ++im->top_seq;
      g_ptr_array_add (same, n);
    }
  return n;
}

/* Environments are persistent lists (closures keep theirs), walked from
 * the newest binding. Constructors, builtins and operators are looked up
 * at every use and are almost never bound: without the set, each such
 * use would walk every binding of the file, quadratic in its length. The
 * local bindings are few (nesting is bounded); the top-level ones are as
 * many as the file's lines, so once the walk reaches them, the name's
 * own top-level bindings are searched instead: the newest one not newer
 * than where the walk is. */
static Value *
env_lookup (Imp *im, Env *env, const char *name)
{
  if (!g_hash_table_contains (im->bound, name))
    return NULL;
  for (; env; env = env->next)
    {
      if (env->seq > 0)
        {
          GPtrArray *same = g_hash_table_lookup (im->top_index, name);
          guint lo = 0, hi = same ? same->len : 0;
          /* the first of them newer than env, then one back */
          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;
              if (((Env *) same->pdata[mid])->seq <= env->seq)
                lo = mid + 1;
              else
                hi = mid;
            }
          return lo > 0 ? ((Env *) same->pdata[lo - 1])->v : NULL;
        }
      if (g_str_equal (env->name, name))
        return env->v;
    }
  return NULL;
}

/* Catalog type whose Mirage typ value is name ("kv_ro", "tcpv4v6", "tcp"). */
static const MsModuleType *
type_of_ocaml (Imp *im, const char *name)
{
  GPtrArray *types = ms_catalog_get_types (im->cat);
  const MsModuleType *found = NULL;

  for (guint i = 0; i < types->len; i++)
    {
      const MsModuleType *t = types->pdata[i];
      if (g_strcmp0 (t->ocaml, name) == 0 && (found == NULL || g_str_equal (t->name, name)))
        found = t;
    }
  return found;
}

static const char *builtins[] = {
  "main", "foreign", "impl", "package", "register", "dep", "if_impl", "match_impl", "default_reporter",
  "runtime_arg", "Runtime_arg.create", "Runtime_arg.v", "Key.create", "Key.value", "Key.v", "Key.abstract",
  "fst", "snd", "not", "ignore", "Ipaddr.V4.of_string_exn", "Ipaddr.V6.of_string_exn", "Ipaddr.of_string_exn",
  "Ipaddr.V4.Prefix.of_string_exn", "Ipaddr.V6.Prefix.of_string_exn", "Ipaddr.V4.Prefix.make",
  "Ipaddr.V6.Prefix.make", "Domain_name.of_string_exn", "Domain_name.host_exn", "String.concat",
  "make_dhcp_requests", "add_dhcp_request", "List.iter", "typ",
  "Key.Arg.info", "Key.Arg.opt", "Key.Arg.required", "Key.Arg.flag", "Key.Arg.opt_all",
  "Key.kv_ro", "Key.block", "Key.dhcp", "Key.net", "Key.pure",
  "List.map", "List.concat", "List.length", "List.rev", "String.lowercase_ascii",
  "$", "@->", "^", "@", "::", "+", "-", "*", "/", "=", "<>", "&&", "||", "|>", "@@",
};

/* Positional arity of a builtin; labels allowed are free-form. */
static guint
builtin_arity (const char *name)
{
  static const struct { const char *n; guint a; } t[] = {
    { "main", 2 }, { "foreign", 2 }, { "impl", 2 }, { "package", 1 }, { "register", 2 }, { "dep", 1 },
    { "if_impl", 3 }, { "match_impl", 2 }, { "default_reporter", 1 }, { "runtime_arg", 1 },
    { "Runtime_arg.create", 1 }, { "Runtime_arg.v", 1 }, { "Key.create", 2 }, { "Key.value", 1 },
    { "Key.v", 1 }, { "Key.abstract", 1 }, { "fst", 1 }, { "snd", 1 }, { "not", 1 }, { "ignore", 1 },
    { "Ipaddr.V4.Prefix.make", 2 }, { "Ipaddr.V6.Prefix.make", 2 }, { "String.concat", 2 },
    { "make_dhcp_requests", 1 }, { "add_dhcp_request", 2 }, { "List.iter", 2 }, { "typ", 1 },
    { "Key.Arg.info", 1 }, { "Key.Arg.opt", 3 }, { "Key.Arg.required", 2 }, { "Key.Arg.flag", 1 },
    { "Key.Arg.opt_all", 2 }, { "Key.kv_ro", 1 }, { "Key.block", 1 }, { "Key.dhcp", 1 }, { "Key.net", 1 },
    { "Key.pure", 1 }, { "List.map", 2 }, { "List.concat", 1 },
    { "List.length", 1 }, { "List.rev", 1 }, { "String.lowercase_ascii", 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    if (g_str_equal (t[i].n, name))
      return t[i].a;
  if (g_str_has_prefix (name, "Ipaddr.") || g_str_has_prefix (name, "Domain_name."))
    return 1;
  return 2;   /* infix operators */
}

static Value *
make_prim (Imp *im, const char *name, const MsConstructor *ctor)
{
  Value *v = val (im, V_PRIM);
  v->prim = arena_new (im, sizeof (Prim));
  v->prim->name = name;
  v->prim->ctor = ctor;
  v->prim->args = arena_array (im);
  return v;
}

static Value *instantiate_ctor (Imp *im, const MsConstructor *c, GPtrArray *args, guint line, guint col);

/* A builtin as a value: one per name, since applying a V_PRIM makes a
 * new one (every + of a long sum would otherwise make its own) */
static Value *
builtin_prim (Imp *im, const char *name)
{
  Value *v = g_hash_table_lookup (im->prims, name);

  if (v == NULL)
    {
      v = make_prim (im, name, NULL);
      g_hash_table_insert (im->prims, (gpointer) name, v);
    }
  return v;
}

/* Key.is_solo5 & co (conditions on the target) and Key.Arg's converters. */
static Value *
key_special (Imp *im, const char *name)
{
  static const char *const preds[] = { "is_solo5", "is_xen", "is_unikraft", "is_unix", NULL };
  static const char *const convs[] = { "string", "bool", "int", "int32", "int64", "float", "char",
                                       "file", "dir", "non_dir_file", NULL };
  Value *v;

  if (g_str_has_prefix (name, "Key.") && g_strv_contains (preds, name + 4))
    {
      v = val (im, V_COND);
      v->s = (char *) "target";
      v->type = arena_str (im, name + 4, strlen (name + 4));
      return v;
    }
  if (g_str_has_prefix (name, "Key.Arg.") && g_strv_contains (convs, name + 8))
    {
      /* Mirage before 4.5 had Cmdliner's converters in Key.Arg */
      v = val (im, V_CONV);
      v->s = arena_str (im, name + 8, strlen (name + 8));
      return v;
    }
  if (g_str_has_prefix (name, "Cmdliner.Arg.") && g_strv_contains (convs, name + 13))
    {
      /* Key.Arg takes Cmdliner's converters */
      v = val (im, V_CONV);
      v->s = arena_str (im, name + 13, strlen (name + 13));
      return v;
    }
  return NULL;
}

static Value *
lookup (Imp *im, const char *name, Env *env, const char *open, guint line, guint col)
{
  Value *v;
  const MsConstructor *c;
  const MsModuleType *t;
  const char *plain = name;

  if (open != NULL)
    {
      g_autofree char *full = g_strdup_printf ("%s.%s", g_str_equal (open, "Arg") ? "Key.Arg" : open, name);
      if (!env_lookup (im, env, name))
        {
          if ((v = key_special (im, full)) != NULL || (v = key_special (im, name)) != NULL)
            return v;
          for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
            if (g_str_equal (builtins[i], full))
              return builtin_prim (im, builtins[i]);
          if (g_str_equal (open, "Key") && ms_catalog_lookup_key (im->cat, name))
            {
              v = val (im, V_KEY);
              v->s = arena_str (im, name, strlen (name));
              return v;
            }
          /* Key.Arg.(opt string ...), Arg.(...): Cmdliner's converters */
          if (g_str_equal (open, "Arg") || g_str_has_suffix (open, ".Arg"))
            return val (im, V_OPAQUE);
        }
    }
  if ((v = env_lookup (im, env, name)))
    return v;
  if ((v = key_special (im, name)) != NULL)
    return v;
  if (g_str_has_prefix (name, "Mirage."))
    plain = name + 7;
  c = ms_catalog_lookup (im->cat, plain);
  if (c != NULL && c->kind == MS_CTOR_DEVICE)
    {
      if (c->arguments->len == 0 || (c->signature && c->signature[0] == '(' && c->options->len == 0))
        {
          GPtrArray *none = arena_array (im);
          return instantiate_ctor (im, c, none, line, col);
        }
      return make_prim (im, c->name, c);
    }
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (builtins[i], plain))
      return builtin_prim (im, builtins[i]);
  if ((t = type_of_ocaml (im, plain)) != NULL)
    {
      v = val (im, V_TYP);
      v->sig = arena_array (im);
      g_ptr_array_add (v->sig, t->name);
      return v;
    }
  {
    static const char *whats[] = { "argv", "reporter", "sleep", "ptime", "mtime", "random" };
    for (guint i = 0; i < G_N_ELEMENTS (whats); i++)
      {
        const char *const *choices = ms_catalog_get_register_choices (im->cat, whats[i]);
        for (guint j = 0; choices && choices[j]; j++)
          if (g_strcmp0 (ms_catalog_get_register_choice (im->cat, whats[i], choices[j]), plain) == 0)
            {
              v = val (im, V_NAME);
              v->s = arena_str (im, plain, strlen (plain));
              return v;
            }
      }
  }
  if (g_str_equal (plain, "target") || g_str_has_prefix (plain, "Key.") || g_str_has_prefix (plain, "Key.Arg.")
      || g_str_has_prefix (plain, "Cmdliner.") || g_str_equal (plain, "__POS__") || g_str_equal (plain, "Runtime_arg.pos"))
    {
      if (g_str_equal (plain, "target") || (g_str_has_prefix (plain, "Key.") && ms_catalog_lookup_key (im->cat, plain + 4)))
        {
          v = val (im, V_KEY);
          const char *key = g_str_has_prefix (plain, "Key.") ? plain + 4 : plain;
          v->s = arena_str (im, key, strlen (key));
          return v;
        }
      return val (im, V_OPAQUE);
    }
  if (c != NULL)
    msg (im, MS_SEVERITY_WARNING, line, col, "%s is %s and is not imported", name,
         c->kind == MS_CTOR_INTERNAL ? "internal to Mirage" : "not a device constructor");
  else
    msg (im, MS_SEVERITY_WARNING, line, col, "unknown value “%s”: not a Mirage constructor of this catalog, nor bound earlier", name);
  return verr (im);
}

/* A device value, following fst/dep/Runtime_arg.v wrappers. */
static Dev *
as_device (Imp *im, Value *v, guint line, guint col, const char *what)
{
  if (v->kind == V_DEVICE)
    return v->dev;
  if (v->kind == V_ERR)
    return NULL;
  if (v->kind == V_PARTIAL)
    msg (im, MS_SEVERITY_WARNING, line, col, "%s: this device still expects %u argument%s applied with $",
         what, v->tmpl->arity - v->applied->len, v->tmpl->arity - v->applied->len == 1 ? "" : "s");
  else
    msg (im, MS_SEVERITY_WARNING, line, col, "%s: expected a device here", what);
  return NULL;
}

static char *
lower_first (const char *s)
{
  char *r = g_strdup (s);
  r[0] = g_ascii_tolower (r[0]);
  return r;
}

/* The option string for value v of value type `type`, or NULL (*why). */
static char *
option_string (Imp *im, const char *type, Value *v, char **why)
{
  if (v->kind == V_CTOR && g_str_equal (v->s, "Some") && v->arg && !g_str_equal (type, "log_level"))
    v = v->arg;
  if (g_str_has_prefix (type, "list:"))
    {
      GString *s = g_string_new (NULL);
      if (v->kind != V_LIST)
        {
          g_string_free (s, TRUE);
          *why = g_strdup ("expected a list");
          return NULL;
        }
      for (guint i = 0; i < v->items->len; i++)
        {
          char *one = option_string (im, type + 5, v->items->pdata[i], why);
          if (one == NULL)
            {
              g_string_free (s, TRUE);
              return NULL;
            }
          if (s->len + strlen (one) > MAX_STRING)
            {
              g_free (one);
              g_string_free (s, TRUE);
              *why = g_strdup_printf ("the list makes an option longer than %u bytes", MAX_STRING);
              return NULL;
            }
          g_string_append_printf (s, "%s%s", i ? "," : "", one);
          g_free (one);
        }
      return g_string_free (s, FALSE);
    }
  if (g_str_has_prefix (type, "arg:"))
    {
      if (v->kind == V_RTARG)
        return g_strdup (v->s);
      *why = g_strdup ("expected a runtime argument (Runtime_arg.create ...)");
      return NULL;
    }
  if (g_str_has_prefix (type, "key:"))
    {
      if (v->kind == V_KEY)
        return g_strdup (v->s);
      *why = g_strdup ("expected a key (Key.create ...)");
      return NULL;
    }
  if (g_str_has_prefix (type, "enum:"))
    {
      if (v->kind == V_VARIANT)
        return lower_first (v->s);
      *why = g_strdup ("expected a polymorphic variant such as `Fast");
      return NULL;
    }
  if (g_str_equal (type, "log_level"))
    {
      if (v->kind == V_CTOR && g_str_equal (v->s, "None"))
        return g_strdup ("quiet");
      if (v->kind == V_CTOR && g_str_equal (v->s, "Some") && v->arg && v->arg->kind == V_CTOR
          && g_str_has_prefix (v->arg->s, "Logs."))
        return g_ascii_strdown (v->arg->s + 5, -1);
      *why = g_strdup ("expected None or Some Logs.LEVEL");
      return NULL;
    }
  if (g_str_equal (type, "headers"))
    {
      GString *s = g_string_new (NULL);
      GPtrArray *items = v->kind == V_LIST ? v->items : NULL;
      guint n = items ? items->len : 1;
      for (guint i = 0; i < n; i++)
        {
          Value *p = items ? items->pdata[i] : v;
          Value *a, *b;
          if (p->kind != V_TUPLE || p->items->len != 2 || (a = p->items->pdata[0])->kind != V_STRING
              || (b = p->items->pdata[1])->kind != V_STRING)
            {
              g_string_free (s, TRUE);
              *why = g_strdup ("expected (\"name\", \"value\") pairs");
              return NULL;
            }
          if (s->len + a->len + b->len > MAX_STRING)
            {
              g_string_free (s, TRUE);
              *why = g_strdup_printf ("the headers make an option longer than %u bytes", MAX_STRING);
              return NULL;
            }
          g_string_append_printf (s, "%s%s:%s", i ? "," : "", a->s, b->s);
        }
      return g_string_free (s, FALSE);
    }
  switch (v->kind)
    {
    case V_STRING:
      if (strlen (v->s) != v->len)
        {
          *why = g_strdup ("the string holds a NUL byte, which a project cannot store");
          return NULL;
        }
      return g_strdup (v->s);
    case V_INT:
    case V_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
    case V_BOOL:
      return g_strdup (v->i ? "true" : "false");
    case V_ADDR:
      return g_strdup (v->s);
    case V_VARIANT:
      return lower_first (v->s);
    case V_KEY:
    case V_RTARG:
      return g_strdup (v->s);
    default:
      *why = g_strdup ("this kind of value cannot be an option");
      return NULL;
    }
}

static void
set_option (Imp *im, Dev *d, const MsArgument *a, Value *v, guint line, guint col)
{
  g_autofree char *why = NULL;
  g_autofree char *s = NULL;

  if (v->kind == V_ERR)
    return;
  if (v->kind == V_CTOR && g_str_equal (v->s, "None") && !g_str_equal (a->type, "log_level"))
    return;
  if (g_str_equal (a->name, "dhcp_requests"))
    {
      /* the codes in the make_dhcp_requests set when the device is made */
      GString *codes;
      if (v->kind != V_OPAQUE || g_strcmp0 (v->s, "dhcp_requests") != 0)
        return;
      codes = g_string_new (NULL);
      for (guint i = 0; i < v->items->len; i++)
        g_string_append_printf (codes, "%s%" G_GINT64_FORMAT, i ? "," : "", ((Value *) v->items->pdata[i])->i);
      if (codes->len > 0)
        g_hash_table_replace (d->options, (gpointer) a->name, g_strdup (codes->str));
      g_string_free (codes, TRUE);
      return;
    }
  if (v->kind == V_LIST && !charge (im, v->items->len, line, col))
    return;
  s = option_string (im, a->type, v, &why);
  if (s != NULL && !afford (im, COPIES * (32 + strlen (s)), line, col))
    return;
  if (s == NULL)
    {
      msg (im, MS_SEVERITY_WARNING, line, col, "%s ~%s: %s; option not imported", d->ctor ? d->ctor->name : "?",
           a->name, why ? why : "unexpected value");
      return;
    }
  if (!ms_value_check (a->type, s, &why) && why != NULL)
    msg (im, MS_SEVERITY_WARNING, line, col, "%s ~%s: %s", d->ctor->name, a->name, why);
  spend (im, COPIES * (32 + strlen (s)));
  g_hash_table_replace (d->options, (gpointer) a->name, g_steal_pointer (&s));
}

/* A catalog constructor applied to args: a device, or a functor waiting for $. */
static Value *
instantiate_ctor (Imp *im, const MsConstructor *c, GPtrArray *args, guint line, guint col)
{
  gboolean functor = c->signature && c->signature[0] == '(' && c->arguments->len > 0;
  Dev *d;
  guint pos = 0;
  Value *v;

  if (c->arguments->len == 0)
    {
      Dev *shared = g_hash_table_lookup (im->shared, c->name);
      if (shared)
        {
          v = val (im, V_DEVICE);
          v->dev = shared;
          return v;
        }
    }
  d = dev_new (im, line, col);
  d->ctor = c;
  for (guint i = 0; i < args->len; i++)
    {
      Arg *a = args->pdata[i];
      const MsArgument *m = NULL;

      if (a->label == L_NONE)
        {
          /* the next positional argument */
          guint seen = 0;
          for (guint j = 0; j < c->arguments->len && m == NULL; j++)
            {
              const MsArgument *x = c->arguments->pdata[j];
              if (x->label == MS_LABEL_POSITIONAL && !(functor && x->kind == MS_ARG_IMPL) && seen++ == pos)
                m = x;
            }
          pos++;
          if (m == NULL)
            {
              msg (im, MS_SEVERITY_WARNING, a->line, a->col, "%s takes fewer arguments; this one is ignored", c->name);
              continue;
            }
        }
      else
        {
          m = g_str_equal (a->name, "pos") ? NULL : NULL;
          for (guint j = 0; j < c->arguments->len && m == NULL; j++)
            {
              const MsArgument *x = c->arguments->pdata[j];
              if (x->label != MS_LABEL_POSITIONAL && g_str_equal (x->name, a->name))
                m = x;
            }
          if (m == NULL && a->v->kind == V_RECORD)
            {
              /* a record (ipv4_config ...): its fields are options */
              for (guint k = 0; a->v->fields[k]; k++)
                {
                  const MsArgument *o = ms_constructor_find_option (c, a->v->fields[k]);
                  g_autofree char *pre = g_strdup_printf ("%s_%s", a->name, a->v->fields[k]);
                  if (o == NULL)
                    o = ms_constructor_find_option (c, pre);
                  if (o == NULL)
                    msg (im, MS_SEVERITY_WARNING, a->line, a->col, "%s has no option for the field %s of ~%s",
                         c->name, a->v->fields[k], a->name);
                  else
                    set_option (im, d, o, a->v->items->pdata[k], a->line, a->col);
                }
              continue;
            }
          if (m == NULL)
            {
              msg (im, MS_SEVERITY_WARNING, a->line, a->col, "%s has no argument ~%s in Mirage %s; ignored",
                   c->name, a->name, ms_catalog_get_mirage_version (im->cat));
              continue;
            }
        }
      if (m->kind == MS_ARG_UNIT)
        continue;
      if (m->kind == MS_ARG_VALUE)
        set_option (im, d, m, a->v, a->line, a->col);
      else
        {
          Value *x = a->v;
          Dev *src;
          if (x->kind == V_CTOR && g_str_equal (x->s, "None"))
            continue;
          if (x->kind == V_CTOR && g_str_equal (x->s, "Some") && x->arg)
            x = x->arg;
          if (x->kind == V_TUPLE && x->items->len == 2)
            x = x->items->pdata[1];   /* 4.11 ?dhcp:(requests, lease) */
          src = as_device (im, x, a->line, a->col, m->name);
          if (src)
            connect (d, m->name, src);
        }
    }
  if (!add_dev (im, d))
    return verr (im);
  if (c->arguments->len == 0)
    g_hash_table_insert (im->shared, c->name, d);
  if (functor)
    {
      d->arity = c->params->len;
      d->is_template = FALSE;
    }
  v = val (im, V_DEVICE);
  v->dev = d;
  if (functor && c->params->len > 0)
    {
      /* applied with $: the device exists, its inputs come next */
      v->kind = V_PARTIAL;
      v->tmpl = d;
      v->applied = arena_array (im);
    }
  return v;
}

static guint
ctor_positional (const MsConstructor *c)
{
  gboolean functor = c->signature && c->signature[0] == '(';
  guint n = 0;

  for (guint j = 0; j < c->arguments->len; j++)
    {
      const MsArgument *x = c->arguments->pdata[j];
      if (x->label == MS_LABEL_POSITIONAL && !(functor && x->kind == MS_ARG_IMPL))
        n++;
    }
  return n;
}

static Arg *
find_label (GPtrArray *args, const char *name)
{
  for (guint i = 0; i < args->len; i++)
    {
      Arg *a = args->pdata[i];
      if (a->label != L_NONE && g_str_equal (a->name, name))
        return a;
    }
  return NULL;
}

static Value *
nth_positional (GPtrArray *args, guint n)
{
  for (guint i = 0; i < args->len; i++)
    {
      Arg *a = args->pdata[i];
      if (a->label == L_NONE && n-- == 0)
        return a->v;
    }
  return NULL;
}

/* Unwraps `?x:(Some v)`. */
static Value *
label_value (Arg *a)
{
  if (a == NULL)
    return NULL;
  if (a->label == L_QUESTION && a->v->kind == V_CTOR && g_str_equal (a->v->s, "Some"))
    return a->v->arg;
  if (a->label == L_QUESTION && a->v->kind == V_CTOR && g_str_equal (a->v->s, "None"))
    return NULL;
  return a->v;
}

static char *
signature_of (Imp *im, Value *t, guint *arity, guint line, guint col)
{
  GString *s = g_string_new (NULL);

  if (t->kind != V_TYP)
    {
      if (t->kind != V_ERR)
        msg (im, MS_SEVERITY_WARNING, line, col, "expected a type such as (kv_ro @-> job); using job");
      *arity = 0;
      return g_string_free (s, TRUE), g_strdup ("job");
    }
  for (guint i = 0; i < t->sig->len; i++)
    g_string_append_printf (s, "%s%s", i ? " @-> " : "", (char *) t->sig->pdata[i]);
  *arity = t->sig->len - 1;
  return g_string_free (s, FALSE);
}

/* Bytes of a package, for the memory bound (a template's packages are
 * copied into every device made from it): each allocation with its
 * allocator overhead, times the copies. */
static gsize
package_cost (const MsPackage *p)
{
  gsize n = 80 + 32 + strlen (p->name) + (p->min ? 32 + strlen (p->min) : 0) + (p->max ? 32 + strlen (p->max) : 0);
  for (guint i = 0; p->libraries && p->libraries[i]; i++)
    n += 40 + strlen (p->libraries[i]);
  return COPIES * n;
}

static gsize
custom_cost (const MsCustom *c)
{
  gsize n = COPIES * (128 + strlen (c->module) + strlen (c->signature));
  for (guint i = 0; i < c->packages->len; i++)
    n += package_cost (c->packages->pdata[i]);
  return n;
}

/* The names in the list labelled label (the items of kind want: keys,
 * library names) added to out; another item is left out, saying what
 * was expected there. */
static void
take_names (Imp *im, Prim *p, const char *label, ValueKind want, const char *expected,
            GPtrArray *out, const char *kind, guint line, guint col)
{
  Value *l = label_value (find_label (p->args, label));

  if (l == NULL || l->kind != V_LIST)
    return;
  for (guint i = 0; i < l->items->len; i++)
    {
      Value *x = l->items->pdata[i];
      if (x->kind == want)
        g_ptr_array_add (out, g_strdup (x->s));
      else if (x->kind != V_ERR)
        msg (im, MS_SEVERITY_WARNING, line, col, "%s ~%s: expected %s; item %u left out", kind, label,
             expected, i + 1);
    }
}

static Value *
make_custom (Imp *im, Prim *p, guint line, guint col)
{
  Value *module = nth_positional (p->args, 0);
  Value *typ = nth_positional (p->args, 1);
  Dev *d = dev_new (im, line, col);
  Value *v;
  g_autofree char *sig = NULL;
  const char *kind = g_str_equal (p->name, "impl") ? "impl" : "main";
  Value *l;

  d->custom_kind = kind;
  d->ctor = ms_catalog_lookup (im->cat, kind);
  sig = signature_of (im, typ, &d->arity, line, col);
  d->custom = ms_custom_new (module->kind == V_STRING ? module->s : "Unikernel.Main", sig);
  if (module->kind != V_STRING && module->kind != V_ERR)
    msg (im, MS_SEVERITY_WARNING, line, col, "%s: the module name must be a string literal", kind);
  if (g_str_equal (p->name, "foreign"))
    msg (im, MS_SEVERITY_INFO, line, col, "foreign is the older name of main; imported as main");
  if ((l = label_value (find_label (p->args, "packages"))) && l->kind == V_LIST)
    for (guint i = 0; i < l->items->len; i++)
      {
        Value *x = l->items->pdata[i];
        if (x->kind == V_PACKAGE)
          {
            gsize cost = package_cost (x->pkg);
            if (!afford (im, cost, line, col) || !charge (im, 1, line, col))
              break;
            spend (im, cost);
            g_ptr_array_add (d->custom->packages, ms_package_copy (x->pkg));
          }
        else if (x->kind != V_ERR)
          msg (im, MS_SEVERITY_WARNING, line, col, "%s ~packages: expected package values", kind);
      }
  if ((l = label_value (find_label (p->args, "runtime_args"))) && l->kind == V_LIST)
    for (guint i = 0; i < l->items->len; i++)
      {
        Value *x = l->items->pdata[i];
        if (x->kind == V_RTARG)
          {
            if (!afford (im, COPIES * 160, line, col) || !charge (im, 1, line, col))
              break;
            spend (im, COPIES * 160);
            g_ptr_array_add (d->rtargs, x);
          }
        else if (x->kind != V_ERR)
          msg (im, MS_SEVERITY_WARNING, line, col, "%s ~runtime_args: expected runtime arguments", kind);
      }
  take_names (im, p, "keys", V_KEY, "keys (Key.v k)", d->custom->keys, kind, line, col);
  take_names (im, p, "local_libs", V_STRING, "library names", d->custom->local_libs, kind, line, col);
  for (guint i = 0; i < p->args->len; i++)
    {
      Arg *a = p->args->pdata[i];
      if (a->label == L_NONE || !g_strv_contains (code_labels, a->name) || a->v->kind != V_CODE)
        continue;
      if (g_str_equal (a->name, "connect") && g_str_equal (kind, "impl"))
        {
          g_free (d->custom->connect);
          d->custom->connect = g_strdup (a->v->s);
        }
      else if (g_str_equal (a->name, "connect"))
        msg (im, MS_SEVERITY_WARNING, a->line, a->col, "main has no ~connect (it calls start); ignored");
      else
        g_ptr_array_add (d->custom->labelled, ms_labelled_new (a->name, a->v->s));
    }
  l = label_value (find_label (p->args, "deps"));
  if (l == NULL)
    l = label_value (find_label (p->args, "extra_deps"));
  if (l && l->kind == V_LIST)
    for (guint i = 0; i < l->items->len; i++)
      {
        Dev *x = as_device (im, l->items->pdata[i], line, col, "~deps");
        if (x)
          g_ptr_array_add (d->dep_devs, x);
      }
  for (guint i = 0; i < p->args->len; i++)
    {
      Arg *a = p->args->pdata[i];
      static const char *known[] = { "packages", "runtime_args", "keys", "deps", "extra_deps", "pos",
                                     "local_libs", NULL };
      if (a->label != L_NONE && !g_strv_contains (known, a->name) && !g_strv_contains (code_labels, a->name))
        msg (im, MS_SEVERITY_WARNING, a->line, a->col, "%s ~%s is not modelled by Mirage Studio; ignored", kind, a->name);
    }
  if (d->arity == 0)
    {
      if (!add_dev (im, d))
        return verr (im);
      v = val (im, V_DEVICE);
      v->dev = d;
      return v;
    }
  d->is_template = TRUE;
  v = val (im, V_PARTIAL);
  v->tmpl = d;
  v->applied = arena_array (im);
  return v;
}

/* f $ x */
static Value *
dollar (Imp *im, Value *f, Value *x, guint line, guint col)
{
  Dev *src;
  Value *r;

  if (f->kind == V_ERR)
    return f;
  if (f->kind != V_PARTIAL)
    {
      msg (im, MS_SEVERITY_WARNING, line, col, "$ applies a main, an impl or a functor device; this one takes no more inputs");
      return verr (im);
    }
  src = as_device (im, x, line, col, "$");
  if (!charge (im, f->applied->len, line, col))
    return verr (im);
  r = val (im, V_PARTIAL);
  r->tmpl = f->tmpl;
  r->applied = arena_array (im);
  for (guint i = 0; i < f->applied->len; i++)
    g_ptr_array_add (r->applied, f->applied->pdata[i]);
  g_ptr_array_add (r->applied, src);
  if (r->applied->len < r->tmpl->arity)
    return r;
  /* complete */
  {
    Dev *t = r->tmpl;
    Dev *d;
    Value *dv;

    if (!t->is_template)
      {
        /* a catalog functor value: the device itself */
        d = t;
        for (guint i = 0; i < r->applied->len && i < t->ctor->params->len; i++)
          if (r->applied->pdata[i])
            connect (d, ((MsArgument *) t->ctor->params->pdata[i])->name, r->applied->pdata[i]);
      }
    else
      {
        /* same template, same inputs: the same device (Mirage shares
         * equal impls); found by its inputs, in constant time */
        GString *key = g_string_new (NULL);
        for (guint i = 0; i < r->applied->len; i++)
          g_string_append_printf (key, "%p,", r->applied->pdata[i]);
        d = g_hash_table_lookup (t->cache, key->str);
        if (d != NULL)
          {
            g_string_free (key, TRUE);
            dv = val (im, V_DEVICE);
            dv->dev = d;
            return dv;
          }
        {
          /* each runtime argument becomes a declaration of the device */
          gsize cost = key->len + 8 * t->dep_devs->len + COPIES * 160 * t->rtargs->len + custom_cost (t->custom);
          if (!afford (im, cost, line, col) || !charge (im, t->custom->packages->len + t->dep_devs->len + t->rtargs->len, line, col))
            {
              g_string_free (key, TRUE);
              return verr (im);
            }
          spend (im, cost);
        }
        d = dev_new (im, line, col);
        d->line = t->line;
        d->col = t->col;
        d->ctor = t->ctor;
        d->custom_kind = t->custom_kind;
        d->custom = ms_custom_copy (t->custom);
        d->name_hint = g_strdup (t->name ? t->name : t->name_hint);
        for (guint i = 0; i < t->dep_devs->len; i++)
          g_ptr_array_add (d->dep_devs, t->dep_devs->pdata[i]);
        for (guint i = 0; i < t->rtargs->len; i++)
          g_ptr_array_add (d->rtargs, t->rtargs->pdata[i]);
        for (guint i = 0; i < r->applied->len; i++)
          if (r->applied->pdata[i])
            {
              g_autofree char *pos = g_strdup_printf ("%u", i + 1);
              connect (d, pos, r->applied->pdata[i]);
            }
        if (!add_dev (im, d))
          {
            g_string_free (key, TRUE);
            return verr (im);
          }
        g_hash_table_insert (t->cache, g_string_free (key, FALSE), d);
      }
    dv = val (im, V_DEVICE);
    dv->dev = d;
    return dv;
  }
}

/* Whether another device takes d as an input or dependency. */
static gboolean
dev_is_used (Imp *im, Dev *d)
{
  if (!charge (im, im->devs->len, d->line, d->col))
    return TRUE;
  for (guint i = 0; i < im->devs->len; i++)
    {
      Dev *x = im->devs->pdata[i];
      if (g_ptr_array_find (x->conn_sources, d, NULL) || g_ptr_array_find (x->dep_devs, d, NULL))
        return TRUE;
    }
  return FALSE;
}

static void
do_register (Imp *im, Prim *p, guint line, guint col)
{
  Value *name = nth_positional (p->args, 0);
  Value *jobs = nth_positional (p->args, 1);
  static const char *whats[] = { "argv", "reporter", "sleep", "ptime", "mtime", "random" };

  if (im->registered)
    msg (im, MS_SEVERITY_WARNING, line, col, "register is called again; this call replaces the previous one");
  im->registered = TRUE;
  if (name->kind == V_STRING)
    {
      g_free (im->app_name);
      im->app_name = g_strdup (name->s);
    }
  g_ptr_array_set_size (im->jobs, 0);
  if (jobs->kind == V_LIST)
    for (guint i = 0; i < jobs->items->len; i++)
      {
        Dev *d = as_device (im, jobs->items->pdata[i], line, col, "register");
        if (d)
          g_ptr_array_add (im->jobs, d);
      }
  for (guint i = 0; i < p->args->len; i++)
    {
      Arg *a = p->args->pdata[i];
      Value *v = label_value (a);
      gboolean known = FALSE;

      if (a->label == L_NONE || v == NULL)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (whats); k++)
        if (g_str_equal (a->name, whats[k]))
          {
            const char *const *choices = ms_catalog_get_register_choices (im->cat, whats[k]);
            known = TRUE;
            if (v->kind == V_DEVICE && v->dev->ctor != NULL)
              {
                /* no_argv, mock_ptime, default_reporter ~level...: the
                 * catalog's devices, which the project models as settings */
                Dev *d = v->dev;
                for (guint j = 0; choices && choices[j]; j++)
                  if (g_strcmp0 (ms_catalog_get_register_choice (im->cat, whats[k], choices[j]), d->ctor->name) == 0)
                    {
                      const char *level = g_hash_table_lookup (d->options, "level");
                      if (g_str_equal (whats[k], "reporter") && level)
                        g_hash_table_replace (im->settings, g_strdup (MS_SETTING_LEVEL), g_strdup (level));
                      g_hash_table_replace (im->settings, g_strdup (whats[k]), g_strdup (choices[j]));
                      if (d->name == NULL && !dev_is_used (im, d))
                        d->ctor = NULL;   /* written in place: not a device of the project */
                      v = NULL;
                      break;
                    }
                if (v == NULL)
                  break;
              }
            if (v->kind == V_REPORTER && g_str_equal (whats[k], "reporter"))
              {
                if (v->s)
                  g_hash_table_replace (im->settings, g_strdup (MS_SETTING_LEVEL), g_strdup (v->s));
                break;
              }
            if (v->kind == V_NAME)
              for (guint j = 0; choices && choices[j]; j++)
                if (g_strcmp0 (ms_catalog_get_register_choice (im->cat, whats[k], choices[j]), v->s) == 0)
                  {
                    g_hash_table_replace (im->settings, g_strdup (whats[k]), g_strdup (choices[j]));
                    v = NULL;
                    break;
                  }
            if (v != NULL && v->kind != V_ERR && v->kind != V_REPORTER)
              msg (im, MS_SEVERITY_WARNING, a->line, a->col, "register ~%s: not one of the choices Mirage Studio knows", a->name);
          }
      if (!known)
        msg (im, MS_SEVERITY_WARNING, a->line, a->col, "register ~%s is not modelled by Mirage Studio; ignored", a->name);
    }
}

static const char *
addr_type (const char *fn)
{
  if (g_str_equal (fn, "Ipaddr.V4.of_string_exn")) return "ipv4";
  if (g_str_equal (fn, "Ipaddr.V6.of_string_exn")) return "ipv6";
  if (g_str_equal (fn, "Ipaddr.of_string_exn")) return "ip";
  if (g_str_equal (fn, "Ipaddr.V4.Prefix.of_string_exn")) return "ipv4_prefix";
  if (g_str_equal (fn, "Ipaddr.V6.Prefix.of_string_exn")) return "ipv6_prefix";
  return NULL;
}

static MsDecl *
find_decl (Imp *im, MsDeclKind kind, const char *name)
{
  for (guint i = 0; i < im->decls->len; i++)
    {
      MsDecl *d = im->decls->pdata[i];
      if (d->kind == kind && g_str_equal (d->name, name))
        return d;
    }
  return NULL;
}

/* A value as OCaml writes it, for key defaults and choice cases. */
static char *
value_ocaml (Imp *im, Value *v, char **why)
{
  switch (v->kind)
    {
    case V_BOOL:
      return g_strdup (v->i ? "true" : "false");
    case V_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, v->i);
    case V_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT "L", v->i);
    case V_STRING:
      return ms_escape_ocaml_string (v->s);
    case V_VARIANT:
      if (v->arg == NULL)
        return g_strdup_printf ("`%s", v->s);
      break;
    case V_CTOR:
      if (g_str_equal (v->s, "None"))
        return g_strdup ("None");
      if (g_str_equal (v->s, "Some") && v->arg != NULL)
        {
          g_autofree char *inner = value_ocaml (im, v->arg, why);
          return inner ? g_strdup_printf ("(Some %s)", inner) : NULL;
        }
      break;
    case V_CODE:
      return g_strdup (v->s);
    default:
      break;
    }
  *why = g_strdup ("only booleans, numbers, strings, variants and options are read");
  return NULL;
}

/* The project type a constructor of a `type` declaration stands for
 * (`typ Hello` -> hello), declared on first use. */
static const char *
own_type_name (Imp *im, const char *ctor)
{
  g_autofree char *name = lower_first (ctor);
  MsDecl *d;

  /* a type of the catalog keeps its meaning: ours gets a suffix */
  if (ms_catalog_lookup_type (im->cat, name) != NULL || g_str_equal (name, "job"))
    {
      char *n = g_strconcat (name, "_t", NULL);
      g_free (name);
      name = n;
    }
  if ((d = find_decl (im, MS_DECL_TYPE, name)) == NULL)
    {
      d = ms_decl_new (MS_DECL_TYPE, name);
      g_free (d->constructor);
      d->constructor = g_strdup (ctor);
      g_ptr_array_add (im->decls, d);
    }
  return d->name;
}

/* The type a device produces, as a signature names it. */
static char *
dev_result_type (Dev *d)
{
  const char *sig = d->custom ? d->custom->signature : d->ctor ? d->ctor->result : NULL;
  const char *last;

  if (sig == NULL)
    return NULL;
  last = g_strrstr (sig, "@->");
  return g_strstrip (g_strdup (last ? last + 3 : sig));
}

/* if_impl COND a b / match_impl (Key.value k) [ (v, x); ... ] ~default:z:
 * a choice device with one input per case. A condition known when the
 * file is read (Key.pure, a boolean) picks its branch at once. */
static Value *
make_choice (Imp *im, Prim *p, guint line, guint col)
{
  gboolean is_if = g_str_equal (p->name, "if_impl");
  Value *c = nth_positional (p->args, 0);
  Value *dv;
  Dev *d;
  GPtrArray *cases = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *branches = g_ptr_array_new ();
  Value *deflt = is_if ? NULL : label_value (find_label (p->args, "default"));
  const char *key = NULL, *pred = NULL;
  char *type = NULL;

  if (is_if && c->kind == V_BOOL)
    {
      g_ptr_array_unref (cases);
      g_ptr_array_unref (branches);
      return c->i ? nth_positional (p->args, 1) : nth_positional (p->args, 2);
    }
  if (c->kind == V_COND)
    {
      key = c->s;
      pred = c->type;
    }
  else if (c->kind == V_KEY)
    key = c->s;
  else
    {
      if (c->kind != V_ERR)
        msg (im, MS_SEVERITY_ERROR, line, col,
             "%s: the condition must be Key.is_solo5, Key.is_xen, Key.is_unikraft, Key.is_unix or "
             "Key.value of a key (Key.(value target), a Key.create key); not imported", p->name);
      g_ptr_array_unref (cases);
      g_ptr_array_unref (branches);
      return verr (im);
    }
  if (is_if)
    {
      g_ptr_array_add (cases, g_strdup ("true"));
      g_ptr_array_add (branches, nth_positional (p->args, 1));
      g_ptr_array_add (cases, g_strdup ("false"));
      g_ptr_array_add (branches, nth_positional (p->args, 2));
    }
  else
    {
      Value *l = nth_positional (p->args, 1);
      for (guint i = 0; l->kind == V_LIST && i < l->items->len; i++)
        {
          Value *t = l->items->pdata[i];
          g_autofree char *why = NULL;
          char *text;
          if (t->kind != V_TUPLE || t->items->len != 2)
            {
              msg (im, MS_SEVERITY_WARNING, line, col, "match_impl: case %u is not a (value, device) pair; left out", i + 1);
              continue;
            }
          if ((text = value_ocaml (im, t->items->pdata[0], &why)) == NULL)
            {
              msg (im, MS_SEVERITY_WARNING, line, col, "match_impl: case %u: %s; left out", i + 1, why);
              continue;
            }
          if (g_ptr_array_find_with_equal_func (cases, text, g_str_equal, NULL))
            {
              /* first match wins: a repeated value is never taken */
              msg (im, MS_SEVERITY_WARNING, line, col, "match_impl: the case %s is repeated; Mirage never takes the second one, left out", text);
              g_free (text);
              continue;
            }
          g_ptr_array_add (cases, text);
          g_ptr_array_add (branches, t->items->pdata[1]);
        }
      if (l->kind != V_LIST && l->kind != V_ERR)
        msg (im, MS_SEVERITY_WARNING, line, col, "match_impl: expected a list of cases");
    }
  d = dev_new (im, line, col);
  d->ctor = ms_catalog_lookup (im->cat, "choice");
  d->custom_kind = "choice";
  d->name_hint = g_strdup ("choice");
  for (guint i = 0; i <= branches->len; i++)
    {
      Value *b = i < branches->len ? branches->pdata[i] : deflt;
      Dev *x;
      if (b == NULL)
        continue;
      x = as_device (im, b, line, col, p->name);
      if (x == NULL)
        continue;
      if (type == NULL)
        type = dev_result_type (x);
      connect (d, i < branches->len ? cases->pdata[i] : MS_CHOICE_DEFAULT, x);
    }
  d->custom = ms_custom_new ("", type ? type : "job");
  d->custom->choice = ms_choice_new (key, pred);
  for (guint i = 0; i < cases->len; i++)
    g_ptr_array_add (d->custom->choice->cases, g_strdup (cases->pdata[i]));
  d->custom->choice->has_default = deflt != NULL;
  g_free (type);
  g_ptr_array_unref (cases);
  g_ptr_array_unref (branches);
  if (d->ctor == NULL || !add_dev (im, d))
    return verr (im);
  dv = val (im, V_DEVICE);
  dv->dev = d;
  return dv;
}

static Value *
run_builtin (Imp *im, Prim *p, guint line, guint col)
{
  const char *n = p->name;
  Value *a0 = nth_positional (p->args, 0);
  Value *a1 = nth_positional (p->args, 1);
  Value *v;

  if (g_str_equal (n, "main") || g_str_equal (n, "foreign") || g_str_equal (n, "impl"))
    return make_custom (im, p, line, col);
  if (g_str_equal (n, "$"))
    return dollar (im, a0, a1, line, col);
  if (g_str_equal (n, "@@"))
    {
      GPtrArray *args = arena_array (im);
      Arg *a = arena_new (im, sizeof (Arg));
      a->v = a1;
      a->line = line;
      a->col = col;
      g_ptr_array_add (args, a);
      return apply (im, a0, args, line, col);
    }
  if (g_str_equal (n, "|>"))
    {
      GPtrArray *args = arena_array (im);
      Arg *a = arena_new (im, sizeof (Arg));
      a->v = a0;
      a->line = line;
      a->col = col;
      g_ptr_array_add (args, a);
      return apply (im, a1, args, line, col);
    }
  if (g_str_equal (n, "@->"))
    {
      v = val (im, V_TYP);
      v->sig = arena_array (im);
      if (a0->kind != V_TYP || a1->kind != V_TYP || a0->sig->len != 1)
        {
          if (a0->kind != V_ERR && a1->kind != V_ERR)
            msg (im, MS_SEVERITY_WARNING, line, col, "@-> joins Mirage types such as kv_ro and job");
          return verr (im);
        }
      g_ptr_array_add (v->sig, a0->sig->pdata[0]);
      for (guint i = 0; i < a1->sig->len; i++)
        g_ptr_array_add (v->sig, a1->sig->pdata[i]);
      return v;
    }
  if (g_str_equal (n, "package"))
    {
      Value *x;
      v = val (im, V_PACKAGE);
      if (a0->kind != V_STRING)
        return verr (im);
      v->pkg = ms_package_new (a0->s, NULL, NULL);
      g_ptr_array_add (im->packages, v->pkg);
      if ((x = label_value (find_label (p->args, "min"))) && x->kind == V_STRING)
        v->pkg->min = g_strdup (x->s);
      if ((x = label_value (find_label (p->args, "max"))) && x->kind == V_STRING)
        v->pkg->max = g_strdup (x->s);
      if ((x = label_value (find_label (p->args, "build"))) && x->kind == V_BOOL)
        v->pkg->build = x->i != 0;
      if ((x = label_value (find_label (p->args, "scope"))) && x->kind == V_VARIANT)
        v->pkg->switch_scope = g_str_equal (x->s, "Switch");
      if ((x = label_value (find_label (p->args, "libs"))) && x->kind == V_LIST)
        {
          GPtrArray *l = g_ptr_array_new ();
          for (guint i = 0; i < x->items->len; i++)
            if (((Value *) x->items->pdata[i])->kind == V_STRING)
              {
                gsize cost = 16 + ((Value *) x->items->pdata[i])->len;
                if (!afford (im, cost, line, col) || !charge (im, 1 + cost / 64, line, col))
                  break;
                spend (im, cost);
                g_ptr_array_add (l, g_strdup (((Value *) x->items->pdata[i])->s));
              }
          g_ptr_array_add (l, NULL);
          g_strfreev (v->pkg->libraries);
          v->pkg->libraries = (char **) g_ptr_array_free (l, FALSE);
        }
      if ((x = label_value (find_label (p->args, "sublibs"))) && x->kind == V_LIST)
        {
          GPtrArray *l = g_ptr_array_new ();
          for (guint i = 0; i < x->items->len; i++)
            if (((Value *) x->items->pdata[i])->kind == V_STRING)
              {
                gsize cost = 16 + a0->len + ((Value *) x->items->pdata[i])->len;
                if (!afford (im, cost, line, col) || !charge (im, 1 + cost / 64, line, col))
                  break;
                spend (im, cost);
                g_ptr_array_add (l, g_strconcat (a0->s, ".", ((Value *) x->items->pdata[i])->s, NULL));
              }
          g_ptr_array_add (l, NULL);
          g_strfreev (v->pkg->libraries);
          v->pkg->libraries = (char **) g_ptr_array_free (l, FALSE);
        }
      return v;
    }
  if (g_str_equal (n, "Runtime_arg.create") || g_str_equal (n, "runtime_arg"))
    {
      const char *dot;
      if (a0->kind != V_STRING)
        return verr (im);
      v = val (im, V_RTARG);
      dot = strrchr (a0->s, '.');
      v->s = arena_str (im, dot ? dot + 1 : a0->s, strlen (dot ? dot + 1 : a0->s));
      return v;
    }
  if (g_str_equal (n, "Runtime_arg.v") || g_str_equal (n, "dep") || g_str_equal (n, "Key.v")
      || g_str_equal (n, "Key.abstract") || g_str_equal (n, "Domain_name.of_string_exn")
      || g_str_equal (n, "Domain_name.host_exn"))
    return a0;
  if (g_str_equal (n, "Key.create"))
    {
      MsDecl *d;
      if (a0->kind != V_STRING)
        return verr (im);
      if (*a0->s == '\0')
        msg (im, MS_SEVERITY_ERROR, line, col, "Key.create: key name cannot be the empty string (Mirage refuses it)");
      else if (a1->kind == V_KEYARG && a1->type == NULL)
        {
          /* a converter the importer does not read (Cmdliner.Arg.enum...):
           * the key stays a name; an option naming it gets back the
           * Key.create of the catalog key it stands for (docs/import.md) */
        }
      else if ((d = find_decl (im, MS_DECL_KEY, a0->s)) == NULL)
        {
          d = ms_decl_new (MS_DECL_KEY, a0->s);
          if (a1->kind == V_KEYARG)
            {
              g_free (d->arg_kind);
              d->arg_kind = g_strdup (a1->s);
              g_free (d->conv);
              d->conv = g_strdup (a1->type ? a1->type : "string");
              if (a1->arg != NULL)
                {
                  g_autofree char *why = NULL;
                  char *text = value_ocaml (im, a1->arg, &why);
                  if (text == NULL)
                    msg (im, MS_SEVERITY_WARNING, line, col, "Key.create %s: the default is not read (%s)", a0->s, why);
                  else
                    {
                      g_free (d->default_value);
                      d->default_value = text;
                    }
                }
              if (a1->info != NULL && a1->info->kind == V_INFO)
                {
                  for (guint i = 0; i < a1->info->items->len; i++)
                    {
                      Value *x = a1->info->items->pdata[i];
                      if (x->kind == V_STRING)
                        g_ptr_array_add (d->flags, g_strdup (x->s));
                    }
                  g_free (d->doc);
                  d->doc = g_strdup (a1->info->s ? a1->info->s : "");
                  g_free (d->docv);
                  d->docv = g_strdup (a1->info->type ? a1->info->type : "");
                }
            }
          else if (a1->kind != V_ERR)
            msg (im, MS_SEVERITY_WARNING, line, col,
                 "Key.create %s: expected Key.Arg.(opt CONV DEFAULT (info [...])); read as a string key", a0->s);
          g_ptr_array_add (im->decls, d);
        }
      v = val (im, V_KEY);
      v->s = a0->s;
      return v;
    }
  if (g_str_equal (n, "Key.value"))
    {
      if (a0->kind == V_COND)
        {
          msg (im, MS_SEVERITY_ERROR, line, col,
               "Key.value takes a key; Key.%s is already a value (write it without Key.value)", a0->type);
          return verr (im);
        }
      return a0;
    }
  if (g_str_equal (n, "fst") || g_str_equal (n, "snd"))
    {
      if (a0->kind == V_TUPLE && a0->items->len == 2)
        return a0->items->pdata[n[0] == 'f' ? 0 : 1];
      if (a0->kind == V_DEVICE && n[0] == 'f')
        return a0;   /* generic_stackv4v6_with_lease: the stack */
      return a0->kind == V_ERR ? a0 : val (im, V_OPAQUE);
    }
  if (g_str_equal (n, "default_reporter"))
    {
      Value *l = label_value (find_label (p->args, "level"));
      g_autofree char *why = NULL;
      v = val (im, V_REPORTER);
      if (l)
        {
          Value *wrapped = val (im, V_CTOR);
          wrapped->s = "Some";
          wrapped->arg = l;
          /* ~level:(Some Logs.Debug) or ?level:Logs.Debug */
          if (find_label (p->args, "level")->label == L_QUESTION)
            l = wrapped;
          char *s;
          s = option_string (im, "log_level", l, &why);
          if (s)
            {
              v->s = arena_str (im, s, strlen (s));
              g_free (s);
            }
        }
      return v;
    }
  if (addr_type (n))
    {
      g_autofree char *why = NULL;
      if (a0->kind != V_STRING)
        return verr (im);
      if (!ms_value_check (addr_type (n), a0->s, &why))
        msg (im, MS_SEVERITY_WARNING, line, col, "%s: %s", n, why ? why : "invalid");
      v = val (im, V_ADDR);
      v->type = addr_type (n);
      v->s = a0->s;
      return v;
    }
  if (g_str_equal (n, "Ipaddr.V4.Prefix.make") || g_str_equal (n, "Ipaddr.V6.Prefix.make"))
    {
      if (a0->kind != V_INT || a1->kind != V_ADDR)
        return verr (im);
      v = val (im, V_ADDR);
      v->type = n[8] == '4' ? "ipv4_prefix" : "ipv6_prefix";
      v->s = g_strdup_printf ("%s/%" G_GINT64_FORMAT, a1->s, a0->i);
      g_ptr_array_add (im->arena, v->s);
      return v;
    }
  if (g_str_equal (n, "if_impl") || g_str_equal (n, "match_impl"))
    return make_choice (im, p, line, col);
  if (g_str_equal (n, "typ"))
    {
      const char *tname;
      if (a0->kind != V_CTOR || !g_hash_table_contains (im->own_ctors, a0->s))
        {
          if (a0->kind != V_ERR)
            msg (im, MS_SEVERITY_WARNING, line, col,
                 "typ takes a constructor of a type declared above (type t = Hello)");
          return verr (im);
        }
      tname = own_type_name (im, a0->s);
      v = val (im, V_TYP);
      v->sig = arena_array (im);
      g_ptr_array_add (v->sig, (gpointer) tname);
      return v;
    }
  if (g_str_equal (n, "Key.Arg.info"))
    {
      Value *x;
      v = val (im, V_INFO);
      v->items = a0->kind == V_LIST ? a0->items : arena_array (im);
      if ((x = label_value (find_label (p->args, "doc"))) && x->kind == V_STRING)
        v->s = x->s;
      if ((x = label_value (find_label (p->args, "docv"))) && x->kind == V_STRING)
        v->type = x->s;
      return v;
    }
  if (g_str_has_prefix (n, "Key.Arg."))
    {
      /* opt conv default info, required conv info, flag info, opt_all conv info */
      gboolean flag = g_str_equal (n, "Key.Arg.flag");
      gboolean opt = g_str_equal (n, "Key.Arg.opt");
      Value *conv = flag ? NULL : a0;
      Value *info = flag ? a0 : nth_positional (p->args, opt ? 2 : 1);
      v = val (im, V_KEYARG);
      v->s = (char *) n + 8;
      v->type = flag ? "bool" : conv->kind == V_CONV ? conv->s : NULL;
      v->arg = opt ? a1 : NULL;
      v->info = info;
      return v;
    }
  if (g_str_equal (n, "Key.kv_ro") || g_str_equal (n, "Key.block") || g_str_equal (n, "Key.dhcp")
      || g_str_equal (n, "Key.net"))
    {
      /* keys Mirage's DSL makes: named GROUP-KIND (--data-kv_ro) */
      Value *g = label_value (find_label (p->args, "group"));
      const char *kind = n + 4;
      g_autofree char *name = g && g->kind == V_STRING && *g->s ? g_strdup_printf ("%s-%s", g->s, kind)
                                                                  : g_strdup (kind);
      MsDecl *d = find_decl (im, MS_DECL_KEY, name);
      if (d == NULL)
        {
          d = ms_decl_new (MS_DECL_KEY, name);
          g_free (d->arg_kind);
          d->arg_kind = g_strdup (kind);
          g_free (d->group);
          d->group = g_strdup (g && g->kind == V_STRING ? g->s : "");
          g_ptr_array_add (im->decls, d);
        }
      v = val (im, V_KEY);
      v->s = arena_str (im, name, strlen (name));
      return v;
    }
  if (g_str_equal (n, "Key.pure"))
    return a0;
  if (g_str_equal (n, "List.map"))
    {
      if (a1->kind != V_LIST)
        return a1->kind == V_ERR ? a1 : verr (im);
      if (!charge (im, a1->items->len, line, col))
        return verr (im);
      v = val (im, V_LIST);
      v->items = arena_array (im);
      for (guint i = 0; i < a1->items->len; i++)
        {
          GPtrArray *args = arena_array (im);
          Arg *a = arena_new (im, sizeof (Arg));
          a->v = a1->items->pdata[i];
          a->line = line;
          a->col = col;
          g_ptr_array_add (args, a);
          g_ptr_array_add (v->items, apply (im, a0, args, line, col));
        }
      return v;
    }
  if (g_str_equal (n, "List.concat") || g_str_equal (n, "List.rev") || g_str_equal (n, "List.length"))
    {
      if (a0->kind != V_LIST)
        return a0->kind == V_ERR ? a0 : verr (im);
      if (n[5] == 'l')
        {
          v = val (im, V_INT);
          v->i = a0->items->len;
          return v;
        }
      v = val (im, V_LIST);
      v->items = arena_array (im);
      for (guint i = 0; i < a0->items->len && charge (im, 1, line, col); i++)
        {
          Value *x = a0->items->pdata[n[5] == 'r' ? a0->items->len - 1 - i : i];
          if (n[5] == 'r')
            g_ptr_array_add (v->items, x);
          else if (x->kind == V_LIST && size_ok (im, "this list", (guint64) v->items->len + x->items->len, MAX_LIST, line, col))
            for (guint j = 0; j < x->items->len; j++)
              g_ptr_array_add (v->items, x->items->pdata[j]);
        }
      return v;
    }
  if (g_str_equal (n, "String.lowercase_ascii"))
    {
      if (a0->kind != V_STRING)
        return a0->kind == V_ERR ? a0 : verr (im);
      v = vstr (im, a0->s, a0->len);
      for (gsize i = 0; i < v->len; i++)
        v->s[i] = g_ascii_tolower (v->s[i]);
      return v;
    }
  if (g_str_equal (n, "register"))
    {
      do_register (im, p, line, col);
      return val (im, V_UNIT);
    }
  if (g_str_equal (n, "not"))
    {
      if (a0->kind != V_BOOL)
        return a0->kind == V_ERR ? a0 : val (im, V_OPAQUE);
      v = val (im, V_BOOL);
      v->i = !a0->i;
      return v;
    }
  if (g_str_equal (n, "ignore"))
    return val (im, V_UNIT);
  if (g_str_equal (n, "^"))
    {
      if (a0->kind != V_STRING || a1->kind != V_STRING)
        return verr (im);
      if (!size_ok (im, "this string (^)", (guint64) a0->len + a1->len, MAX_STRING, line, col)
          || !charge (im, (a0->len + a1->len) / 64, line, col) || !afford (im, a0->len + a1->len, line, col))
        return verr (im);
      v = val (im, V_STRING);
      v->len = a0->len + a1->len;
      v->s = arena_new (im, v->len + 1);
      memcpy (v->s, a0->s, a0->len);
      memcpy (v->s + a0->len, a1->s, a1->len);
      return v;
    }
  if (g_str_equal (n, "String.concat"))
    {
      GString *s;
      if (a0->kind != V_STRING || a1->kind != V_LIST)
        return verr (im);
      {
        guint64 total = 0;
        for (guint i = 0; i < a1->items->len; i++)
          {
            Value *x = a1->items->pdata[i];
            if (x->kind == V_STRING)
              total += (i ? a0->len : 0) + x->len;
          }
        if (!size_ok (im, "this string (String.concat)", total, MAX_STRING, line, col)
            || !charge (im, a1->items->len + total / 64, line, col) || !afford (im, total, line, col))
          return verr (im);
      }
      s = g_string_new (NULL);
      for (guint i = 0; i < a1->items->len; i++)
        {
          Value *x = a1->items->pdata[i];
          if (x->kind == V_STRING)
            {
              if (i > 0)
                g_string_append_len (s, a0->s, (gssize) a0->len);
              g_string_append_len (s, x->s, (gssize) x->len);
            }
        }
      v = vstr (im, s->str, s->len);
      g_string_free (s, TRUE);
      return v;
    }
  if (g_str_equal (n, "@") || g_str_equal (n, "::"))
    {
      guint64 len;
      if (a1->kind != V_LIST || (n[0] == '@' && a0->kind != V_LIST))
        return verr (im);
      /* a copy: its length in steps and memory */
      len = (guint64) (n[0] == ':' ? 1 : a0->items->len) + a1->items->len;
      if (!size_ok (im, "this list", len, MAX_LIST, line, col) || !charge (im, len, line, col)
          || !afford (im, 8 * len, line, col))
        return verr (im);
      spend (im, 8 * len);
      v = val (im, V_LIST);
      v->items = arena_array (im);
      if (n[0] == ':')
        g_ptr_array_add (v->items, a0);
      else
        for (guint i = 0; i < a0->items->len; i++)
          g_ptr_array_add (v->items, a0->items->pdata[i]);
      for (guint i = 0; i < a1->items->len; i++)
        g_ptr_array_add (v->items, a1->items->pdata[i]);
      return v;
    }
  if (strchr ("+-*/", n[0]) && n[1] == '\0')
    {
      if ((a0->kind != V_INT && a0->kind != V_INT64) || a1->kind != a0->kind)
        return verr (im);
      v = val (im, a0->kind);
      switch (n[0])
        {
        case '+': v->i = (gint64) ((guint64) a0->i + (guint64) a1->i); break;
        case '-': v->i = (gint64) ((guint64) a0->i - (guint64) a1->i); break;
        case '*': v->i = (gint64) ((guint64) a0->i * (guint64) a1->i); break;
        default:
          if (a1->i == 0 || (a0->i == G_MININT64 && a1->i == -1))
            {
              msg (im, MS_SEVERITY_WARNING, line, col, "division by zero");
              return verr (im);
            }
          v->i = a0->i / a1->i;
        }
      return v;
    }
  if (g_str_equal (n, "&&") || g_str_equal (n, "||") || g_str_equal (n, "=") || g_str_equal (n, "<>"))
    return val (im, V_OPAQUE);
  if (g_str_equal (n, "make_dhcp_requests"))
    {
      /* 4.11: a set of DHCP option codes, filled by add_dhcp_request */
      v = val (im, V_OPAQUE);
      v->s = (char *) "dhcp_requests";
      v->items = arena_array (im);
      return v;
    }
  if (g_str_equal (n, "add_dhcp_request"))
    {
      if (a0->kind == V_OPAQUE && g_strcmp0 (a0->s, "dhcp_requests") == 0 && a1->kind == V_INT)
        {
          if (size_ok (im, "this list", (guint64) a0->items->len + 1, MAX_LIST, line, col))
            {
              spend (im, 8);
              g_ptr_array_add (a0->items, a1);
            }
        }
      else if (a0->kind != V_ERR && a1->kind != V_ERR)
        msg (im, MS_SEVERITY_WARNING, line, col, "add_dhcp_request takes a make_dhcp_requests set and an int");
      return val (im, V_UNIT);
    }
  if (g_str_equal (n, "List.iter"))
    {
      if (a1->kind != V_LIST)
        {
          if (a1->kind != V_ERR)
            msg (im, MS_SEVERITY_WARNING, line, col, "List.iter: expected a list");
          return val (im, V_UNIT);
        }
      for (guint i = 0; i < a1->items->len && charge (im, 1, line, col); i++)
        {
          GPtrArray *args = arena_array (im);
          Arg *a = arena_new (im, sizeof (Arg));
          a->v = a1->items->pdata[i];
          a->line = line;
          a->col = col;
          g_ptr_array_add (args, a);
          apply (im, a0, args, line, col);
        }
      return val (im, V_UNIT);
    }
  msg (im, MS_SEVERITY_WARNING, line, col, "%s is not supported by the importer", n);
  return verr (im);
}

static gboolean
prim_saturated (Prim *p)
{
  guint npos = 0;

  for (guint i = 0; i < p->args->len; i++)
    npos += ((Arg *) p->args->pdata[i])->label == L_NONE;
  if (p->ctor)
    return npos >= ctor_positional (p->ctor);
  return npos >= builtin_arity (p->name);
}

static gboolean bind_pattern (Imp *im, Pattern *pat, Value *v, Env **env, guint line, guint col, gboolean top);

static Value *
call_closure (Imp *im, Closure *c, guint line, guint col)
{
  Env *env = c->env;
  guint next_pos = 0;
  GPtrArray *args = c->args;
  GPtrArray *rest = arena_array (im);
  Value *r;
  guint npos_params = 0;

  /* each labelled parameter looks through the arguments */
  if (!charge (im, (guint64) c->params->len * args->len / 16, line, col))
    return verr (im);
  for (guint i = 0; i < c->params->len; i++)
    {
      Param *p = c->params->pdata[i];
      Value *v = NULL;
      if (p->label != L_NONE)
        {
          Arg *a = find_label (args, p->label_name);
          if (p->label == L_QUESTION)
            {
              if (a && a->label == L_QUESTION)
                v = a->v;
              else if (a)
                {
                  v = val (im, V_CTOR);
                  v->s = "Some";
                  v->arg = a->v;
                }
              if (p->def)
                {
                  if (v && v->kind == V_CTOR && g_str_equal (v->s, "Some"))
                    v = v->arg;
                  else if (v == NULL || (v->kind == V_CTOR && g_str_equal (v->s, "None")))
                    v = eval (im, p->def, env);
                }
              else if (v == NULL)
                {
                  v = val (im, V_CTOR);
                  v->s = "None";
                }
            }
          else if (a)
            v = a->v;
          else
            {
              msg (im, MS_SEVERITY_WARNING, line, col, "missing argument ~%s", p->label_name);
              v = verr (im);
            }
        }
      else
        {
          npos_params++;
          v = NULL;
          while (next_pos < args->len && ((Arg *) args->pdata[next_pos])->label != L_NONE)
            next_pos++;
          if (next_pos < args->len)
            v = ((Arg *) args->pdata[next_pos++])->v;
          if (v == NULL)
            v = verr (im);
        }
      bind_pattern (im, p->pat, v, &env, line, col, FALSE);
    }
  for (; next_pos < args->len; next_pos++)
    if (((Arg *) args->pdata[next_pos])->label == L_NONE)
      g_ptr_array_add (rest, args->pdata[next_pos]);
  if (++im->call_depth > MAX_CALL_DEPTH)
    {
      msg (im, MS_SEVERITY_ERROR, line, col, "helper functions call each other more than %d deep; stopped",
           MAX_CALL_DEPTH);
      im->call_depth--;
      return verr (im);
    }
  r = eval (im, c->body, env);
  /* f a b c...: the result takes the rest at the same depth, so that a
   * function returning itself cannot take each of many arguments one
   * level deeper */
  if (rest->len > 0)
    r = apply (im, r, rest, line, col);
  im->call_depth--;
  return r;
}

static Value *
apply (Imp *im, Value *f, GPtrArray *args, guint line, guint col)
{
  if (args == NULL || args->len == 0)
    return f;
  switch (f->kind)
    {
    case V_ERR:
    case V_OPAQUE:
      return f;
    case V_PRIM:
      {
        Value *n;
        if (!charge (im, f->prim->args->len + args->len, line, col))
          return verr (im);
        if (f->prim->ctor == NULL)
          {
            /* a builtin given its last arguments (List.iter f l calls f
             * once an element): no builtin keeps its Prim or arguments,
             * so they live here, not in the arena till the end */
            guint npos = 0;
            for (guint i = 0; i < f->prim->args->len; i++)
              npos += ((Arg *) f->prim->args->pdata[i])->label == L_NONE;
            for (guint i = 0; i < args->len; i++)
              npos += ((Arg *) args->pdata[i])->label == L_NONE;
            if (npos >= builtin_arity (f->prim->name))
              {
                Prim p = { f->prim->name, NULL, g_ptr_array_sized_new (f->prim->args->len + args->len) };
                Value *r;
                for (guint i = 0; i < f->prim->args->len; i++)
                  g_ptr_array_add (p.args, f->prim->args->pdata[i]);
                for (guint i = 0; i < args->len; i++)
                  g_ptr_array_add (p.args, args->pdata[i]);
                r = run_builtin (im, &p, line, col);
                g_ptr_array_unref (p.args);
                return r;
              }
          }
        spend (im, 8 * (f->prim->args->len + args->len));
        n = make_prim (im, f->prim->name, f->prim->ctor);
        for (guint i = 0; i < f->prim->args->len; i++)
          g_ptr_array_add (n->prim->args, f->prim->args->pdata[i]);
        for (guint i = 0; i < args->len; i++)
          g_ptr_array_add (n->prim->args, args->pdata[i]);
        if (!prim_saturated (n->prim))
          return n;
        if (n->prim->ctor)
          return instantiate_ctor (im, n->prim->ctor, n->prim->args, line, col);
        return run_builtin (im, n->prim, line, col);
      }
    case V_CLOSURE:
      {
        Value *n;
        guint npos = 0, nparams = 0;
        if (!charge (im, f->clo->args->len + args->len + f->clo->params->len, line, col))
          return verr (im);
        spend (im, 8 * (f->clo->args->len + args->len));
        n = val (im, V_CLOSURE);
        n->clo = arena_new (im, sizeof (Closure));
        *n->clo = *f->clo;
        n->clo->args = arena_array (im);
        for (guint i = 0; i < f->clo->args->len; i++)
          g_ptr_array_add (n->clo->args, f->clo->args->pdata[i]);
        for (guint i = 0; i < args->len; i++)
          g_ptr_array_add (n->clo->args, args->pdata[i]);
        for (guint i = 0; i < n->clo->args->len; i++)
          npos += ((Arg *) n->clo->args->pdata[i])->label == L_NONE;
        for (guint i = 0; i < n->clo->params->len; i++)
          nparams += ((Param *) n->clo->params->pdata[i])->label == L_NONE;
        if (npos < nparams || (nparams == 0 && npos == 0))
          {
            /* all-labelled functions run once every label is there;
             * each parameter looks through the arguments */
            gboolean all = nparams == 0;
            if (!charge (im, (guint64) n->clo->params->len * n->clo->args->len / 16, line, col))
              return verr (im);
            for (guint i = 0; all && i < n->clo->params->len; i++)
              {
                Param *p = n->clo->params->pdata[i];
                if (p->label == L_TILDE && !find_label (n->clo->args, p->label_name))
                  all = FALSE;
              }
            if (!all)
              return n;
          }
        return call_closure (im, n->clo, line, col);
      }
    default:
      msg (im, MS_SEVERITY_WARNING, line, col, "this value is not a function; it cannot be applied");
      return verr (im);
    }
}

static void
name_device (Imp *im, const char *name, Value *v)
{
  if (v->kind == V_KEY && g_strcmp0 (name, "_") != 0)
    {
      /* the OCaml name of a key of the project's own */
      MsDecl *d = find_decl (im, MS_DECL_KEY, v->s);
      if (d != NULL && *d->binding == '\0' && g_ascii_islower (name[0]))
        {
          g_free (d->binding);
          d->binding = g_strdup (name);
        }
    }
  if (v->kind == V_DEVICE && v->dev->name == NULL && g_strcmp0 (name, "_") != 0)
    v->dev->name = g_strdup (name);
  else if (v->kind == V_PARTIAL && v->tmpl->name == NULL)
    v->tmpl->name = g_strdup (name);
}

static gboolean
bind_pattern (Imp *im, Pattern *pat, Value *v, Env **env, guint line, guint col, gboolean top)
{
  switch (pat->kind)
    {
    case P_VAR:
      *env = bind (im, *env, pat->name, v, top);
      return TRUE;
    case P_ANY:
    case P_UNIT:
      return TRUE;
    case P_TUPLE:
      if (v->kind != V_TUPLE || v->items->len != pat->names->len)
        {
          if (v->kind != V_ERR)
            msg (im, MS_SEVERITY_WARNING, line, col, "this value is not a tuple of %u", pat->names->len);
          for (guint i = 0; i < pat->names->len; i++)
            if (pat->names->pdata[i])
              *env = bind (im, *env, pat->names->pdata[i], verr (im), top);
          return FALSE;
        }
      for (guint i = 0; i < pat->names->len; i++)
        if (pat->names->pdata[i])
          {
            *env = bind (im, *env, pat->names->pdata[i], v->items->pdata[i], top);
            name_device (im, pat->names->pdata[i], v->items->pdata[i]);
          }
      return TRUE;
    }
  return FALSE;
}

static Value *
eval_binding_value (Imp *im, Binding *b, Env *env)
{
  if (b->params->len > 0)
    {
      Value *v = val (im, V_CLOSURE);
      v->clo = arena_new (im, sizeof (Closure));
      v->clo->params = b->params;
      v->clo->body = b->e;
      v->clo->env = env;
      v->clo->args = arena_array (im);
      v->clo->name = b->pat->kind == P_VAR ? b->pat->name : NULL;
      return v;
    }
  return eval (im, b->e, env);
}

/* The bindings bs on env; top for the file's top-level ones. */
static Env *
eval_bindings (Imp *im, GPtrArray *bs, gboolean rec, Env *env, gboolean top)
{
  Env *out = env;

  for (guint i = 0; i < bs->len; i++)
    {
      Binding *b = bs->pdata[i];
      Value *v;
      if (b->e == NULL)
        continue;
      if (rec && b->params->len > 0 && b->pat->kind == P_VAR)
        {
          /* the closure sees itself */
          v = eval_binding_value (im, b, env);
          out = bind (im, out, b->pat->name, v, top);
          v->clo->env = out;
          continue;
        }
      v = eval_binding_value (im, b, env);
      if (v->kind == V_CODE && top && b->e != NULL)
        msg (im, MS_SEVERITY_ERROR, b->e->line, b->e->col,
             "this OCaml (match, function, try...) is read as code only where main or impl take "
             "code (~connect, ~dune, ~configure...); as a value it is outside the subset, not imported");
      if (b->pat->kind == P_VAR)
        name_device (im, b->pat->name, v);
      bind_pattern (im, b->pat, v, &out, b->line, b->col, top);
    }
  return out;
}

static Value *eval_infix_apply (Imp *im, Expr *e, Env *env, Value *a0, Value *a1);

static Value *
eval_open (Imp *im, Expr *e, Env *env, const char *open)
{
  /* only names and applications are resolved in the opened module */
  if (e->kind == E_VAR)
    return lookup (im, e->s, env, open, e->line, e->col);
  if (e->kind == E_APP)
    {
      Value *f = eval_open (im, e->a, env, open);
      GPtrArray *args = arena_array (im);
      for (guint i = 0; i < e->items->len; i++)
        {
          ArgExpr *ae = e->items->pdata[i];
          Arg *a = arena_new (im, sizeof (Arg));
          a->label = ae->label;
          a->name = ae->name;
          a->v = eval_open (im, ae->e, env, open);
          a->line = ae->e->line;
          a->col = ae->e->col;
          g_ptr_array_add (args, a);
        }
      return apply (im, f, args, e->line, e->col);
    }
  if (e->kind == E_INFIX && g_str_equal (e->s, "@@"))
    {
      /* Key.(value @@ kv_ro ~group:"data" ()): both sides in the module;
       * a right-associative chain nests in e->b, bounded by the parser */
      Value *a0 = eval_open (im, e->a, env, open);
      return eval_infix_apply (im, e, env, a0, eval_open (im, e->b, env, open));
    }
  return eval (im, e, env);
}

/* op applied to the values of its operands (e is the E_INFIX node) */
static Value *
eval_infix_apply (Imp *im, Expr *e, Env *env, Value *a0, Value *a1)
{
  Value *f = lookup (im, e->s, env, NULL, e->line, e->col);
  GPtrArray *args;
  Arg *a, *b;

  if (f->kind == V_PRIM && f->prim->ctor == NULL && f->prim->args->len == 0 && builtin_arity (f->prim->name) <= 2)
    {
      /* a builtin operator, the common case: its arguments are read
       * during the call and kept by no builtin, so they live here */
      Arg sa = { L_NONE, NULL, a0, e->line, e->col }, sb = { L_NONE, NULL, a1, e->line, e->col };
      Prim p = { f->prim->name, NULL, g_ptr_array_sized_new (2) };
      Value *r;
      g_ptr_array_add (p.args, &sa);
      g_ptr_array_add (p.args, &sb);
      r = run_builtin (im, &p, e->line, e->col);
      g_ptr_array_unref (p.args);
      return r;
    }
  args = arena_array (im);
  a = arena_new (im, sizeof (Arg));
  b = arena_new (im, sizeof (Arg));
  a->v = a0;
  b->v = a1;
  a->line = b->line = e->line;
  a->col = b->col = e->col;
  g_ptr_array_add (args, a);
  g_ptr_array_add (args, b);
  return apply (im, f, args, e->line, e->col);
}

/* a + b + c is ((a + b) + c), and such a chain is as long as the file: the
 * left operands are walked down in a loop and the results built back up,
 * so that only right operands recurse (the parser bounds their nesting). */
static Value *
eval_infix (Imp *im, Expr *e, Env *env)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  Expr *x;
  Value *acc;

  for (x = e; x->kind == E_INFIX; x = x->a)
    g_ptr_array_add (chain, x);
  acc = eval (im, x, env);
  for (guint k = chain->len; k-- > 0;)
    {
      Expr *node = chain->pdata[k];
      /* each node is a step, as if evaluated on its own */
      if (k + 1 < chain->len && !charge (im, 1, node->line, node->col))
        return verr (im);
      acc = eval_infix_apply (im, node, env, acc, eval (im, node->b, env));
    }
  return acc;
}

static Value *eval_node (Imp *im, Expr *e, Env *env);

static Value *
eval (Imp *im, Expr *e, Env *env)
{
  Value *v;

  if (e == NULL || !charge (im, 1, e->line, e->col))
    return verr (im);
  if (im->eval_depth >= MAX_EVAL_DEPTH)
    {
      g_autofree char *what = g_strdup_printf ("expressions and helper calls nest more than %d deep", MAX_EVAL_DEPTH);
      stop (im, e->line, e->col, what);
      return verr (im);
    }
  im->eval_depth++;
  v = eval_node (im, e, env);
  im->eval_depth--;
  return v;
}

static Value *
eval_node (Imp *im, Expr *e, Env *env)
{
  Value *v;

  switch (e->kind)
    {
    case E_ERROR:
      return verr (im);
    case E_INT:
      v = val (im, V_INT);
      v->i = e->i;
      return v;
    case E_INT64:
      v = val (im, V_INT64);
      v->i = e->i;
      return v;
    case E_STRING:
      v = val (im, V_STRING);
      v->s = e->s;
      v->len = e->len;
      return v;
    case E_BOOL:
      v = val (im, V_BOOL);
      v->i = e->i;
      return v;
    case E_UNIT:
      return val (im, V_UNIT);
    case E_VAR:
      return lookup (im, e->s, env, NULL, e->line, e->col);
    case E_CTOR:
      if (g_str_equal (e->s, "Some") || g_str_equal (e->s, "None") || g_str_has_prefix (e->s, "Logs."))
        {
          v = val (im, V_CTOR);
          v->s = e->s;
          v->arg = e->a ? eval (im, e->a, env) : NULL;
          if (g_str_equal (e->s, "Some") && v->arg == NULL)
            {
              msg (im, MS_SEVERITY_WARNING, e->line, e->col, "Some needs an argument");
              return verr (im);
            }
          return v;
        }
      if (g_hash_table_contains (im->own_ctors, e->s))
        {
          v = val (im, V_CTOR);
          v->s = e->s;
          return v;
        }
      msg (im, MS_SEVERITY_WARNING, e->line, e->col, "unknown constructor or module value “%s”", e->s);
      return verr (im);
    case E_VARIANT:
      v = val (im, V_VARIANT);
      v->s = e->s;
      v->arg = e->a ? eval (im, e->a, env) : NULL;
      return v;
    case E_NEG:
      v = eval (im, e->a, env);
      if (v->kind == V_INT || v->kind == V_INT64)
        {
          Value *r = val (im, v->kind);
          r->i = (gint64) (0 - (guint64) v->i);
          return r;
        }
      return verr (im);
    case E_LIST:
    case E_TUPLE:
    case E_RECORD:
      v = val (im, e->kind == E_LIST ? V_LIST : e->kind == E_TUPLE ? V_TUPLE : V_RECORD);
      v->items = arena_array (im);
      spend (im, 8 * e->items->len);
      v->fields = e->fields;
      for (guint i = 0; i < e->items->len; i++)
        g_ptr_array_add (v->items, eval (im, e->items->pdata[i], env));
      return v;
    case E_APP:
      {
        Value *f = eval (im, e->a, env);
        GPtrArray *args = arena_array (im);
        for (guint i = 0; i < e->items->len; i++)
          {
            ArgExpr *ae = e->items->pdata[i];
            Arg *a = arena_new (im, sizeof (Arg));
            a->label = ae->label;
            a->name = ae->name;
            a->v = eval (im, ae->e, env);
            a->line = ae->e->line;
            a->col = ae->e->col;
            g_ptr_array_add (args, a);
          }
        return apply (im, f, args, e->line, e->col);
      }
    case E_INFIX:
      return eval_infix (im, e, env);
    case E_LET:
      return eval (im, e->a, eval_bindings (im, e->items, e->rec, env, FALSE));
    case E_FUN:
      v = val (im, V_CLOSURE);
      v->clo = arena_new (im, sizeof (Closure));
      v->clo->params = e->items;
      v->clo->body = e->a;
      v->clo->env = env;
      v->clo->args = arena_array (im);
      return v;
    case E_IF:
      {
        Value *c = eval (im, e->a, env);
        if (c->kind == V_BOOL)
          return c->i ? eval (im, e->b, env) : e->c ? eval (im, e->c, env) : val (im, V_UNIT);
        msg (im, MS_SEVERITY_WARNING, e->line, e->col,
             "this condition is not known when config.ml is read (it depends on a key); "
             "the else branch is imported — use if_impl or a key-dependent constructor");
        return e->c ? eval (im, e->c, env) : val (im, V_UNIT);
      }
    case E_OPEN:
      return eval_open (im, e->a, env, e->s);
    case E_CODE:
      {
        const char *named = g_hash_table_lookup (im->code_of, e->s);
        v = val (im, V_CODE);
        /* a name of a helper: the helper's own text, so that it does not
         * depend on a binding the export would not write */
        v->s = named != NULL && (g_ascii_islower (e->s[0]) || e->s[0] == '_') ? (char *) named : e->s;
        v->len = strlen (v->s);
        return v;
      }
    }
  return verr (im);
}

/* ---- the file ----------------------------------------------------------------------- */

/* Skips to the next top-level phrase after a syntax error. */
static void
recover (Imp *im)
{
  next (im);
  while (tok (im)->kind != TK_EOF)
    {
      const MsToken *t = tok (im);
      if (t->col == 1 && (is_kw (t, "let") || is_kw (t, "open") || is_kw (t, "type") || is_kw (t, "module")))
        break;
      if (is_op (t, ";;"))
        break;
      next (im);
    }
  im->failed = FALSE;
  im->depth = 0;
}

/* `type t = Hello` (or `Hello | World`): constant constructors that
 * `typ Hello` makes device types of. Anything else is left to the
 * caller's message. */
static gboolean
parse_type_decl (Imp *im)
{
  guint at = im->pos;
  GPtrArray *ctors = g_ptr_array_new ();

  next (im);   /* type */
  if (tok (im)->kind != TK_LIDENT || !is_op (tok_at (im, 1), "="))
    goto not_ours;
  next (im);
  next (im);
  if (is_op (tok (im), "|"))
    next (im);
  for (;;)
    {
      if (tok (im)->kind != TK_UIDENT)
        goto not_ours;
      g_ptr_array_add (ctors, tok (im)->text);
      next (im);
      if (!is_op (tok (im), "|"))
        break;
      next (im);
    }
  if (is_kw (tok (im), "of") || is_op (tok (im), "."))
    goto not_ours;
  for (guint i = 0; i < ctors->len; i++)
    g_hash_table_replace (im->own_ctors, ctors->pdata[i], ctors->pdata[i]);
  g_ptr_array_unref (ctors);
  return TRUE;

not_ours:
  g_ptr_array_unref (ctors);
  im->pos = at;
  return FALSE;
}

static void
run_toplevel (Imp *im)
{
  while (tok (im)->kind != TK_EOF)
    {
      const MsToken *t = tok (im);

      if (is_op (t, ";;"))
        {
          next (im);
          continue;
        }
      if (is_kw (t, "open"))
        {
          next (im);
          if (tok (im)->kind != TK_UIDENT)
            syntax_error (im, tok (im), "expected a module name after open");
          else
            {
              if (!g_str_equal (tok (im)->text, "Mirage"))
                msg (im, MS_SEVERITY_WARNING, t->line, t->col, "open %s: only Mirage's names are known", tok (im)->text);
              while (tok (im)->kind == TK_UIDENT || is_op (tok (im), "."))
                next (im);
            }
        }
      else if (is_kw (t, "let"))
        {
          gboolean rec;
          GPtrArray *bs = parse_bindings (im, &rec);
          if (!im->failed && is_kw (tok (im), "in"))
            {
              Expr *body;
              next (im);
              body = parse_expr (im);
              if (!im->failed)
                {
                  im->evaluating = TRUE;
                  eval (im, body, eval_bindings (im, bs, rec, im->top, FALSE));
                  im->evaluating = FALSE;
                }
            }
          else if (!im->failed)
            {
              im->evaluating = TRUE;
              im->top = eval_bindings (im, bs, rec, im->top, TRUE);
              im->evaluating = FALSE;
            }
        }
      else if (is_kw (t, "type") && parse_type_decl (im))
        ;
      else if (is_kw (t, "type") || is_kw (t, "module") || is_kw (t, "include") || is_kw (t, "exception")
               || is_kw (t, "external") || is_kw (t, "class") || is_op (t, "#") || is_op (t, "[@"))
        {
          msg (im, MS_SEVERITY_WARNING, t->line, t->col, "“%s” declarations are outside the subset Mirage Studio imports; skipped",
               t->text);
          im->failed = TRUE;
        }
      else
        {
          Expr *e = parse_expr (im);
          if (!im->failed)
            {
              im->evaluating = TRUE;
              eval (im, e, im->top);
              im->evaluating = FALSE;
            }
        }
      if (im->failed)
        recover (im);
      else if (!is_op (tok (im), ";;") && !is_kw (tok (im), "let") && !is_kw (tok (im), "open")
               && !is_kw (tok (im), "type") && tok (im)->kind != TK_EOF)
        {
          syntax_error (im, tok (im), "unexpected text after the end of this phrase");
          recover (im);
        }
    }
}

/* Reads a shell word as ms_escape_shell_word writes it: plain or $'...'. */
static char *
shell_word (const char **p)
{
  GString *s = g_string_new (NULL);
  const char *q = *p;

  while (*q == ' ')
    q++;
  if (q[0] == '$' && q[1] == '\'')
    {
      q += 2;
      while (*q && *q != '\'')
        {
          if (*q == '\\' && q[1] == 'x' && g_ascii_isxdigit (q[2]) && g_ascii_isxdigit (q[3]))
            {
              g_string_append_c (s, (char) (g_ascii_xdigit_value (q[2]) * 16 + g_ascii_xdigit_value (q[3])));
              q += 4;
            }
          else if (*q == '\\' && q[1])
            {
              g_string_append_c (s, q[1] == 'n' ? '\n' : q[1] == 't' ? '\t' : q[1]);
              q += 2;
            }
          else
            g_string_append_c (s, *q++);
        }
      if (*q == '\'')
        q++;
    }
  else
    while (*q && *q != ' ' && *q != '\n')
      g_string_append_c (s, *q++);
  *p = q;
  return g_string_free (s, FALSE);
}

/* key:NAME for a configure flag name (grouped keys: GROUP-flag). */
static char *
key_of_flag (Imp *im, const char *flag)
{
  GPtrArray *defs = ms_catalog_get_keys (im->cat);

  for (guint j = 0; j < defs->len; j++)
    {
      const MsKeyDef *k = defs->pdata[j];
      gsize fl = strlen (flag), kl = k->flag ? strlen (k->flag) : 0;
      if (g_strcmp0 (k->flag, flag) == 0)
        return g_strdup_printf ("key:%s", k->name);
      if (k->grouped && kl && fl > kl + 1 && flag[fl - kl - 1] == '-' && g_str_equal (flag + fl - kl, k->flag))
        return g_strdup_printf ("key:%.*s-%s", (int) (fl - kl - 1), flag, k->name);
    }
  return g_strdup_printf ("key:%s", flag);
}

/* The exporter's header comment: target, key flags and runtime-argument values. */
static void
read_comments (Imp *im)
{
  for (guint i = 0; i < im->comments->len; i++)
    {
      MsComment *c = im->comments->pdata[i];
      const char *t = c->text;
      const char *conf = strstr (t, "mirage configure -t ");
      const char *rt = strstr (t, "Runtime arguments the project sets");

      if (i == 0 && g_str_has_prefix (t, " mirage "))
        {
          g_auto(GStrv) w = g_strsplit (t, " ", -1);
          im->report->version_comment = g_strdup_printf ("(*%s*)", t);
          for (guint k = 0; w[k]; k++)
            if (g_str_equal (w[k], ">=") && w[k + 1])
              {
                g_auto(GStrv) parts = g_strsplit (w[k + 1], ".", 3);
                if (parts[0] && parts[1])
                  {
                    /* a malformed comment may hold several bounds: keep the last */
                    g_free (im->report->mirage_version);
                    im->report->mirage_version = g_strdup_printf ("%s.%s", parts[0], parts[1]);
                  }
              }
          msg (im, MS_SEVERITY_INFO, c->line, c->col,
               "the file is for Mirage %s (%s); read as Mirage %s, the version the project targets",
               im->report->mirage_version ? im->report->mirage_version : "?",
               im->report->version_comment, ms_catalog_get_mirage_version (im->cat));
        }
      if (conf && strstr (t, "exported by Mirage Studio"))
        {
          const char *p = conf + strlen ("mirage configure -t ");
          g_autofree char *target = shell_word (&p);
          if (g_strcmp0 (target, ms_catalog_get_default_target (im->cat)) != 0)
            g_hash_table_replace (im->settings, g_strdup (MS_SETTING_TARGET), g_strdup (target));
          while (*p == ' ')
            {
              g_autofree char *w = shell_word (&p);
              if (g_str_has_prefix (w, "--"))
                {
                  const char *eq = strchr (w, '=');
                  g_autofree char *flag = eq ? g_strndup (w + 2, (gsize) (eq - w - 2)) : g_strdup (w + 2);
                  g_hash_table_replace (im->settings, key_of_flag (im, flag), g_strdup (eq ? eq + 1 : "true"));
                }
            }
          if (rt)
            {
              const char *q = strchr (rt, '\n');
              while (q && *q)
                {
                  g_autofree char *w = NULL;
                  while (*q == '\n' || *q == ' ')
                    q++;
                  if (!*q)
                    break;
                  w = shell_word (&q);
                  if (g_str_has_prefix (w, "--") && strchr (w, '='))
                    {
                      const char *eq = strchr (w, '=');
                      g_hash_table_replace (im->settings, g_strdup_printf ("arg:%.*s", (int) (eq - w - 2), w + 2),
                                            g_strdup (eq + 1));
                    }
                  while (*q && *q != '\n')
                    q++;
                }
            }
        }
    }
}

static void
quiet_report (gpointer data, gboolean is_error, guint line, guint col, const char *message)
{
}

/* A piece of an argument comment: an OCaml string literal (read with the
 * lexer), else the text up to ": " (or, for the last piece, to the end). */
static const char *
arg_comment_piece (const char *p, gboolean last, char **out)
{
  if (*p == '"')
    {
      const char *q = p + 1;
      g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (MsToken));
      g_autoptr(GPtrArray) comments = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_import_comment_free);
      MsToken *t;

      while (*q && *q != '"')
        q += (*q == '\\' && q[1]) ? 2 : 1;
      if (*q != '"')
        return NULL;
      q++;
      ms_import_lex (p, (gsize) (q - p), tokens, comments, quiet_report, NULL);
      t = &g_array_index (tokens, MsToken, 0);
      if (tokens->len == 2 && t->kind == TK_STRING && memchr (t->text, '\0', t->len) == NULL)
        *out = g_strndup (t->text, t->len);
      ms_import_tokens_clear (tokens);
      return *out ? q : NULL;
    }
  else
    {
      const char *end = last ? NULL : strstr (p, ": ");
      if (end == NULL)
        {
          /* to the space before the closing *) */
          end = p + strlen (p);
          if (end > p && end[-1] == ' ')
            end--;
        }
      *out = g_strndup (p, (gsize) (end - p));
      return end;
    }
}

/* The declaration of runtime argument name from the exporter's comment
 * "(* --NAME: TYPE, default VALUE: DOC *)" (older exports: "(* --NAME:
 * DOC *)"). Each out is set only when the comment gives it. */
static void
arg_comment (Imp *im, const char *name, char **type, char **def, char **doc)
{
  g_autofree char *prefix = g_strdup_printf (" --%s: ", name);
  guint from = 0, to = im->comments->len;

  /* each comment " --NAME: ..." indexed once by NAME (up to the first
   * ": "), so that every runtime argument of every main does not read
   * every comment; a name with ": " inside is looked for the long way */
  if (im->arg_comments == NULL)
    {
      im->arg_comments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < im->comments->len; i++)
        {
          MsComment *c = im->comments->pdata[i];
          const char *colon;
          if (!g_str_has_prefix (c->text, " --") || (colon = strstr (c->text + 3, ": ")) == NULL)
            continue;
          {
            char *key = g_strndup (c->text + 3, (gsize) (colon - c->text - 3));
            if (g_hash_table_contains (im->arg_comments, key))
              g_free (key);
            else
              g_hash_table_insert (im->arg_comments, key, GUINT_TO_POINTER (i + 1));
          }
        }
    }
  if (strstr (name, ": ") == NULL)
    {
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (im->arg_comments, name));
      if (at == 0)
        return;
      from = at - 1;
    }
  for (guint i = from; i < to; i++)
    {
      MsComment *c = im->comments->pdata[i];
      const char *p, *q;
      g_autofree char *t = NULL;
      g_autofree char *dv = NULL;
      g_autofree char *dc = NULL;

      if (!g_str_has_prefix (c->text, prefix) || !g_str_has_suffix (c->text, " "))
        continue;
      p = c->text + strlen (prefix);
      for (q = p; *q && !((*q == ',' || *q == ':') && q[1] == ' ') && !(*q == ' ' && q[1] == '\0'); q++)
        ;
      t = g_strndup (p, (gsize) (q - p));
      if (*t && !strchr (t, ' ') && ms_value_type_is_known (t))
        {
          p = q;
          if (g_str_has_prefix (p, ", default "))
            p = arg_comment_piece (p + strlen (", default "), FALSE, &dv);
          if (p && g_str_has_prefix (p, ": "))
            p = arg_comment_piece (p + 2, TRUE, &dc);
          if (p && g_str_equal (p, " "))
            {
              g_free (*type);
              *type = g_steal_pointer (&t);
              if (dv)
                {
                  g_free (*def);
                  *def = g_steal_pointer (&dv);
                }
              if (dc)
                {
                  g_free (*doc);
                  *doc = g_steal_pointer (&dc);
                }
              return;
            }
          msg (im, MS_SEVERITY_WARNING, c->line, c->col,
               "the comment on runtime argument %s is not --NAME: TYPE, default VALUE: DOC; read as its doc", name);
        }
      /* an older export: the doc only */
      g_free (*doc);
      *doc = g_strndup (c->text + strlen (prefix), strlen (c->text) - strlen (prefix) - 1);
      return;
    }
}

/* The value type of runtime argument name, from the options that name it. */
static char *
arg_type (Imp *im, const char *name)
{
  const char *type;

  /* one walk of the devices for all the runtime arguments: the first
   * device (in creation order) whose option names the argument */
  if (im->arg_types == NULL)
    {
      im->arg_types = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < im->devs->len; i++)
        {
          Dev *d = im->devs->pdata[i];
          GHashTableIter it;
          gpointer k, v;
          if (d->ctor == NULL)
            continue;
          g_hash_table_iter_init (&it, d->options);
          while (g_hash_table_iter_next (&it, &k, &v))
            {
              const MsArgument *a = ms_constructor_find_option (d->ctor, k);
              if (a && g_str_has_prefix (a->type, "arg:") && !g_hash_table_contains (im->arg_types, v))
                g_hash_table_insert (im->arg_types, v, (gpointer) (a->type + 4));
            }
        }
    }
  type = g_hash_table_lookup (im->arg_types, name);
  return g_strdup (type ? type : "string");
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* ms_document_suggest_name (the same name), resuming at the number where
 * the last search for this base ended: devices are only added during an
 * import, so the names below it are still taken, and 5,000 devices made
 * from one template (base_1, base_2...) cost a linear time, not a
 * quadratic one. */
static char *
suggest_name (Imp *im, MsDocument *doc, GHashTable *next_n, const char *base)
{
  guint n = MAX (GPOINTER_TO_UINT (g_hash_table_lookup (next_n, base)), 1);

  for (;; n++)
    {
      char *candidate = n == 1 && ms_device_name_is_valid (base, NULL) && !ms_catalog_name_is_taken (im->cat, base)
                        ? g_strdup (base) : g_strdup_printf ("%s_%u", base, n);
      if (ms_device_name_is_valid (candidate, NULL) && !ms_catalog_name_is_taken (im->cat, candidate)
          && ms_document_find_device (doc, candidate) == NULL)
        {
          g_hash_table_replace (next_n, g_strdup (base), GUINT_TO_POINTER (n));
          return candidate;
        }
      g_free (candidate);
    }
}

static void
build_document (Imp *im, MsDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) next_n = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* the project's own types and keys first: devices name them */
  for (guint i = 0; i < im->decls->len; i++)
    if (!ms_document_set_decl (doc, im->decls->pdata[i], &error))
      {
        msg (im, MS_SEVERITY_WARNING, 0, 0, "%s", error->message);
        g_clear_error (&error);
      }
  /* one step per edit, not a group: a refused edit must not undo the others */
  for (guint i = 0; i < im->devs->len; i++)
    {
      Dev *d = im->devs->pdata[i];
      const char *base = d->name ? d->name : d->name_hint ? d->name_hint : d->ctor ? d->ctor->name : "device";
      g_autofree char *name = NULL;
      g_autofree char *why = NULL;

      if (d->ctor == NULL)
        continue;
      if (ms_device_name_is_valid (base, &why) && !ms_catalog_name_is_taken (im->cat, base)
          && ms_document_find_device (doc, base) == NULL)
        name = g_strdup (base);
      else
        {
          name = suggest_name (im, doc, next_n, base);
          if (d->name && g_strcmp0 (d->name, name) != 0)
            msg (im, MS_SEVERITY_INFO, d->line, d->col, "the device bound to %s is named %s in the project", d->name, name);
        }
      d->id = ms_document_add_device (doc, d->ctor->name, name, &error);
      if (d->id == 0)
        {
          msg (im, MS_SEVERITY_WARNING, d->line, d->col, "%s: %s", name, error ? error->message : "not added");
          g_clear_error (&error);
          continue;
        }
      im->report->n_devices++;
    }
  for (guint i = 0; i < im->devs->len; i++)
    {
      Dev *d = im->devs->pdata[i];
      GHashTableIter it;
      gpointer k, v;
      if (d->id == 0)
        continue;
      g_hash_table_iter_init (&it, d->options);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (!ms_document_set_option (doc, d->id, k, v, &error))
          {
            msg (im, MS_SEVERITY_WARNING, d->line, d->col, "%s", error->message);
            g_clear_error (&error);
          }
      if (d->custom)
        {
          g_autoptr(MsCustom) cu = ms_custom_copy (d->custom);
          for (guint j = 0; j < d->dep_devs->len; j++)
            {
              Dev *x = d->dep_devs->pdata[j];
              if (x->id)
                g_array_append_val (cu->deps, x->id);
            }
          for (guint j = 0; j < d->rtargs->len; j++)
            {
              Value *r = d->rtargs->pdata[j];
              g_autofree char *type = arg_type (im, r->s);
              g_autofree char *def = NULL;
              g_autofree char *doc_text = NULL;
              arg_comment (im, r->s, &type, &def, &doc_text);
              if (def && !ms_value_check (type, def, NULL))
                {
                  msg (im, MS_SEVERITY_WARNING, d->line, d->col,
                       "runtime argument %s: the default is not a value of type %s; left out", r->s, type);
                  g_clear_pointer (&def, g_free);
                }
              g_ptr_array_add (cu->runtime_args, ms_arg_decl_new (r->s, type, def, doc_text));
            }
          if (!ms_document_set_custom (doc, d->id, cu, &error))
            {
              if (!g_error_matches (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO))
                msg (im, MS_SEVERITY_WARNING, d->line, d->col, "%s", error->message);
              g_clear_error (&error);
            }
        }
    }
  for (guint i = 0; i < im->devs->len; i++)
    {
      Dev *d = im->devs->pdata[i];
      if (d->id == 0)
        continue;
      for (guint j = 0; j < d->conn_params->len; j++)
        {
          Dev *s = d->conn_sources->pdata[j];
          if (s == NULL || s->id == 0)
            continue;
          if (!ms_document_connect (doc, s->id, d->id, d->conn_params->pdata[j], &error))
            {
              msg (im, MS_SEVERITY_WARNING, d->line, d->col, "%s", error->message);
              g_clear_error (&error);
            }
          else
            im->report->n_connections++;
        }
    }
  if (im->app_name && !ms_document_set_setting (doc, MS_SETTING_NAME, im->app_name, &error))
    {
      msg (im, MS_SEVERITY_WARNING, 0, 0, "name: %s", error->message);
      g_clear_error (&error);
    }
  {
    GHashTableIter it;
    gpointer k, v;
    g_autoptr(GPtrArray) keys = g_ptr_array_new ();
    g_hash_table_iter_init (&it, im->settings);
    while (g_hash_table_iter_next (&it, &k, &v))
      g_ptr_array_add (keys, k);
    g_ptr_array_sort (keys, str_ptr_cmp);
    for (guint i = 0; i < keys->len; i++)
      {
        const char *key = keys->pdata[i];
        if (!ms_document_set_setting (doc, key, g_hash_table_lookup (im->settings, key), &error))
          {
            if (!g_error_matches (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO))
              msg (im, MS_SEVERITY_WARNING, 0, 0, "setting %s: %s", key, error->message);
            g_clear_error (&error);
          }
      }
  }
  if (im->jobs->len > 0)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < im->jobs->len; i++)
        {
          Dev *d = im->jobs->pdata[i];
          if (d->id)
            g_array_append_val (ids, d->id);
        }
      if (!ms_document_set_jobs (doc, (guint *) (gpointer) ids->data, ids->len, &error))
        {
          if (!g_error_matches (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO))
            msg (im, MS_SEVERITY_WARNING, 0, 0, "jobs: %s", error->message);
          g_clear_error (&error);
        }
    }
  if (!im->registered)
    msg (im, MS_SEVERITY_WARNING, 0, 0, "the file never calls register: the project has no jobs");
}

static void
lex_report (gpointer data, gboolean is_error, guint line, guint col, const char *message)
{
  msg (data, is_error ? MS_SEVERITY_ERROR : MS_SEVERITY_WARNING, line, col, "%s", message);
}

static int
message_cmp (gconstpointer a, gconstpointer b)
{
  const MsImportMessage *x = *(MsImportMessage **) a, *y = *(MsImportMessage **) b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return 0;
}

static void
message_free (MsImportMessage *m)
{
  g_free (m->message);
  g_free (m);
}

MsDocument *
ms_import_configml (MsCatalog *catalog, const char *file, const char *text, gsize len, MsImportReport **report)
{
  Imp im = { 0 };
  MsDocument *doc = ms_document_new (catalog);

  im.cat = catalog;
  im.report = g_new0 (MsImportReport, 1);
  im.report->file = g_strdup (file ? file : "config.ml");
  im.report->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  *report = im.report;
  if (len > MS_IMPORT_MAX_INPUT)
    {
      msg (&im, MS_SEVERITY_ERROR, 0, 0, "the file is larger than %u bytes; not imported", MS_IMPORT_MAX_INPUT);
      return doc;
    }
  im.arena = g_ptr_array_new_with_free_func (g_free);
  im.arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  im.all_devs = g_ptr_array_new ();
  im.devs = g_ptr_array_new ();
  im.top_index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  im.shared = g_hash_table_new (g_str_hash, g_str_equal);
  im.bound = g_hash_table_new (g_str_hash, g_str_equal);
  im.prims = g_hash_table_new (g_str_hash, g_str_equal);
  im.comments = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_import_comment_free);
  im.packages = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  im.tokens = g_array_new (FALSE, TRUE, sizeof (MsToken));
  im.jobs = g_ptr_array_new ();
  im.settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  im.text = text;
  im.text_len = len;
  im.line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  {
    gsize zero = 0;
    g_array_append_val (im.line_starts, zero);
    for (gsize i = 0; i < len; i++)
      if (text[i] == '\n')
        {
          gsize next_line = i + 1;
          g_array_append_val (im.line_starts, next_line);
        }
  }
  im.code_of = g_hash_table_new (g_str_hash, g_str_equal);
  im.own_ctors = g_hash_table_new (g_str_hash, g_str_equal);
  im.decls = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_decl_free);

  ms_import_lex (text, len, im.tokens, im.comments, lex_report, &im);
  read_comments (&im);
  run_toplevel (&im);
  build_document (&im, doc);
  g_ptr_array_sort (im.report->messages, message_cmp);

  for (guint i = 0; i < im.all_devs->len; i++)
    dev_free (im.all_devs->pdata[i]);
  g_ptr_array_unref (im.all_devs);
  g_ptr_array_unref (im.devs);
  g_hash_table_unref (im.top_index);
  g_clear_pointer (&im.arg_types, g_hash_table_unref);
  g_clear_pointer (&im.arg_comments, g_hash_table_unref);
  g_hash_table_unref (im.shared);
  g_hash_table_unref (im.bound);
  g_hash_table_unref (im.prims);
  g_ptr_array_unref (im.comments);
  g_ptr_array_unref (im.packages);
  ms_import_tokens_clear (im.tokens);
  g_array_unref (im.tokens);
  g_ptr_array_unref (im.jobs);
  g_hash_table_unref (im.settings);
  g_array_unref (im.line_starts);
  g_hash_table_unref (im.code_of);
  g_hash_table_unref (im.own_ctors);
  g_ptr_array_unref (im.decls);
  g_free (im.app_name);
  g_ptr_array_unref (im.arrays);
  g_ptr_array_unref (im.arena);
  return doc;
}

char *
ms_import_message_format (const MsImportReport *report, const MsImportMessage *m)
{
  if (m->line == 0)
    return g_strdup_printf ("%s: %s: %s", report->file, ms_severity_to_string (m->severity), m->message);
  return g_strdup_printf ("%s:%u:%u: %s: %s", report->file, m->line, m->column, ms_severity_to_string (m->severity),
                          m->message);
}

guint
ms_import_report_count (const MsImportReport *report, MsSeverity severity)
{
  guint n = 0;
  for (guint i = 0; i < report->messages->len; i++)
    n += ((MsImportMessage *) report->messages->pdata[i])->severity == severity;
  return n;
}

void
ms_import_report_free (MsImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file);
  g_ptr_array_unref (report->messages);
  g_free (report->version_comment);
  g_free (report->mirage_version);
  g_free (report);
}
