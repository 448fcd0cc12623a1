/* argv.c: typed runtime arguments from the command line (mirage/argv.h).
 *
 * The grammar and the messages follow cmdliner, which parses a Mirage
 * unikernel's command line: long options with '=' or a separate value,
 * short options glued or separate, "--" ending options, no positional
 * arguments. Values not given come from the environment variable of the
 * argument, then from its default text, parsed by the same code, so a
 * default is checked as strictly as a value typed by hand.
 */
#include "mirage/argv.h"
#include "mirage/log.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *
type_docv (mirage_arg_type t)
{
  switch (t) {
  case MIRAGE_ARG_STRING: return "VAL";
  case MIRAGE_ARG_INT: return "INT";
  case MIRAGE_ARG_INT64: return "INT64";
  case MIRAGE_ARG_BOOL: return "BOOL";
  case MIRAGE_ARG_PORT: return "PORT";
  case MIRAGE_ARG_IP: return "IP";
  case MIRAGE_ARG_IPV4: return "IPV4";
  case MIRAGE_ARG_IPV6: return "IPV6";
  case MIRAGE_ARG_IPV4_PREFIX: return "PREFIX";
  case MIRAGE_ARG_IPV6_PREFIX: return "PREFIX";
  case MIRAGE_ARG_LOG_THRESHOLDS: return "LEVEL";
  }
  return "VAL";
}

static const char *
type_expected (mirage_arg_type t)
{
  switch (t) {
  case MIRAGE_ARG_STRING: return "a string";
  case MIRAGE_ARG_INT:
    return "an integer from -4611686018427387904 to 4611686018427387903 (an OCaml int)";
  case MIRAGE_ARG_INT64: return "a 64-bit integer";
  case MIRAGE_ARG_BOOL: return "either 'true' or 'false'";
  case MIRAGE_ARG_PORT: return "a port number (0-65535)";
  case MIRAGE_ARG_IP: return "an IPv4 or IPv6 address";
  case MIRAGE_ARG_IPV4: return "an IPv4 address";
  case MIRAGE_ARG_IPV6: return "an IPv6 address";
  case MIRAGE_ARG_IPV4_PREFIX: return "an IPv4 address with a prefix length (e.g. 10.0.0.2/24)";
  case MIRAGE_ARG_IPV6_PREFIX: return "an IPv6 address with a prefix length (e.g. fd00::2/64)";
  case MIRAGE_ARG_LOG_THRESHOLDS:
    return "log thresholds: LEVEL or SRC:LEVEL pairs separated by commas, "
           "LEVEL one of quiet, app, error, warning, info, debug";
  }
  return "a value";
}

static bool
parse_integer (const char *text, long long min, long long max, long long *out)
{
  if (!*text)
    return false;
  char *end;
  errno = 0;
  long long v = strtoll (text, &end, 10);
  if (errno || *end || v < min || v > max)
    return false;
  /* strtoll skips leading blanks; cmdliner does not */
  if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n')
    return false;
  *out = v;
  return true;
}

int
mirage_arg_parse_value (mirage_arg_type type, const char *text,
                        mirage_arg_value *out, const char **expected)
{
  mirage_arg_value v;
  memset (&v, 0, sizeof v);
  long long n = 0;
  bool ok = true;
  switch (type) {
  case MIRAGE_ARG_STRING:
    v.s = text;
    break;
  case MIRAGE_ARG_INT:
    ok = parse_integer (text, MIRAGE_ARG_INT_MIN, MIRAGE_ARG_INT_MAX, &n);
    v.i = n;
    break;
  case MIRAGE_ARG_INT64:
    ok = parse_integer (text, LLONG_MIN, LLONG_MAX, &n);
    v.i64 = n;
    break;
  case MIRAGE_ARG_BOOL:
    ok = strcmp (text, "true") == 0 || strcmp (text, "false") == 0;
    v.b = text[0] == 't';
    break;
  case MIRAGE_ARG_PORT:
    ok = text[0] >= '0' && text[0] <= '9' && parse_integer (text, 0, 65535, &n);
    v.port = (uint16_t) n;
    break;
  case MIRAGE_ARG_IP:
    ok = mirage_ipaddr_parse (text, 0, &v.ip) == 0;
    break;
  case MIRAGE_ARG_IPV4:
    ok = mirage_ipaddr_parse (text, 4, &v.ip) == 0;
    break;
  case MIRAGE_ARG_IPV6:
    ok = mirage_ipaddr_parse (text, 6, &v.ip) == 0;
    break;
  case MIRAGE_ARG_IPV4_PREFIX:
    ok = mirage_prefix_parse (text, 4, &v.prefix) == 0;
    break;
  case MIRAGE_ARG_IPV6_PREFIX:
    ok = mirage_prefix_parse (text, 6, &v.prefix) == 0;
    break;
  case MIRAGE_ARG_LOG_THRESHOLDS:
    ok = mirage_log_thresholds_check (text, NULL, 0) == 0;
    v.s = text;
    break;
  }
  if (!ok) {
    if (expected)
      *expected = type_expected (type);
    return -EINVAL;
  }
  *out = v;
  return 0;
}

/* ---- terminal-safe text ---- */

/* Decodes one UTF-8 sequence at @p (@n bytes left): its code point, and
 * its length in *@len; -1 (length 1) for a byte that starts no valid
 * sequence (overlong forms and surrogates included). */
static long
utf8_next (const unsigned char *p, size_t n, size_t *len)
{
  unsigned c = p[0];
  size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
  *len = 1;
  if (k == 0 || k > n)
    return -1;
  long cp = k == 1 ? (long) c : k == 2 ? (long) (c & 0x1f) : k == 3 ? (long) (c & 0x0f) : (long) (c & 0x07);
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return -1;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  static const long least[] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (cp < least[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return -1;
  *len = k;
  return cp;
}

/* Characters that change what a terminal shows without being seen:
 * bidirectional controls (a default could reorder the line it is on),
 * zero-width characters, the BOM, and the line and paragraph separators. */
static bool
is_invisible (long cp)
{
  return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)
         || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

/* @text with control characters (C0, DEL, C1), the characters above and
 * bytes that are not UTF-8 written as escapes (\n, \t, \x1b, \u202e),
 * as mstudio's cli_escape does for project text; malloc'ed, NULL when
 * out of memory. Defaults and docs come from the project, so --help and
 * the messages that quote a value print them through this. */
char *
mirage_args_escape (const char *text)
{
  if (!text)
    text = "";
  size_t n = strlen (text);
  char *out = malloc (6 * n + 1);   /* the longest escape, \uXXXX, is 6 bytes for >= 1 */
  if (!out)
    return NULL;
  const unsigned char *p = (const unsigned char *) text;
  char *o = out;
  while (n > 0) {
    size_t len;
    long cp = utf8_next (p, n, &len);
    if (cp == '\n')
      o += sprintf (o, "\\n");
    else if (cp == '\t')
      o += sprintf (o, "\\t");
    else if (cp == '\r')
      o += sprintf (o, "\\r");
    else if (cp < 0 || cp < 0x20 || cp == 0x7f)
      o += sprintf (o, "\\x%02x", (unsigned) p[0]);
    else if ((cp >= 0x80 && cp < 0xa0) || is_invisible (cp))
      o += sprintf (o, "\\u%04lx", cp);
    else {
      memcpy (o, p, len);
      o += len;
    }
    p += len;
    n -= len;
  }
  *o = '\0';
  return out;
}

/* fputs of mirage_args_escape (@text) */
static void
put_safe (FILE *out, const char *text)
{
  char *safe = mirage_args_escape (text);
  fputs (safe ? safe : "", out);
  free (safe);
}

/* ---- messages ---- */

static void
usage_error (const mirage_args *spec, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
usage_error (const mirage_args *spec, const char *fmt, ...)
{
  FILE *err = spec->err ? spec->err : stderr;
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  char *name = mirage_args_escape (spec->name);
  fprintf (err, "%s: ", name ? name : "");
  put_safe (err, msg);
  fprintf (err, "\nUsage: %s [OPTION]\u2026\nTry '%s --help' for more information.\n",
           name ? name : "", name ? name : "");
  free (name);
}

static void
flag_name (const mirage_arg *a, bool is_short, char *buf, size_t size)
{
  if (is_short)
    snprintf (buf, size, "option '-%c'", a->short_name);
  else
    snprintf (buf, size, "option '--%s'", a->name);
}

/* ---- help ---- */

static void
wrap (FILE *out, const char *raw, int indent, int width)
{
  int col = 0;
  char *text = mirage_args_escape (raw);
  if (!text)
    return;
  const char *p = text;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    int wl = (int) (p - w);
    if (wl == 0)
      break;
    if (col == 0) {
      fprintf (out, "%*s%.*s", indent, "", wl, w);
      col = indent + wl;
    } else if (col + 1 + wl > width) {
      fprintf (out, "\n%*s%.*s", indent, "", wl, w);
      col = indent + wl;
    } else {
      fprintf (out, " %.*s", wl, w);
      col += 1 + wl;
    }
  }
  if (col)
    fputc ('\n', out);
  free (text);
}

static int
cmp_args (const void *x, const void *y)
{
  const mirage_arg *a = *(mirage_arg *const *) x, *b = *(mirage_arg *const *) y;
  return strcmp (a->name, b->name);
}

static void
print_arg (FILE *out, const mirage_arg *a)
{
  const char *docv = a->docv ? a->docv : type_docv (a->type);
  bool is_flag = a->type == MIRAGE_ARG_BOOL;
  char line[1024];
  char *safe_docv = mirage_args_escape (docv);
  size_t k = 0;
#define LINE(...) (k += (size_t) snprintf (line + k, k < sizeof line ? sizeof line - k : 0, __VA_ARGS__))
  if (a->short_name)
    LINE (is_flag ? "-%c, " : "-%c %s, ", a->short_name, safe_docv ? safe_docv : "");
  if (is_flag)
    LINE ("--%s[=BOOL]", a->name);
  else
    LINE ("--%s=%s", a->name, safe_docv ? safe_docv : "");
  free (safe_docv);
  bool has_default = a->default_value && (a->default_value[0] || a->type == MIRAGE_ARG_STRING);
  if (a->required)
    LINE (" (required)");
  else if (has_default && a->env)
    LINE (" (absent=%s or %s env)", a->default_value, a->env);
  else if (has_default)
    LINE (" (absent=%s)", a->default_value);
  else if (a->env)
    LINE (" (absent %s env)", a->env);
#undef LINE
  /* names, docv, default and env are the project's text */
  fprintf (out, "       ");
  if (k >= sizeof line) {
    /* a default longer than the line: print it piece by piece */
    fprintf (out, "--");
    put_safe (out, a->name);
    fprintf (out, " (absent=");
    put_safe (out, a->default_value);
    fputc (')', out);
  } else
    put_safe (out, line);
  fputc ('\n', out);
  if (a->doc && *a->doc)
    wrap (out, a->doc, 11, 80);
  fputc ('\n', out);
}

static void
print_help (const mirage_args *spec)
{
  FILE *out = spec->out ? spec->out : stdout;
  fprintf (out, "NAME\n       ");
  put_safe (out, spec->name);
  if (spec->doc) {
    fprintf (out, " - ");
    put_safe (out, spec->doc);
  }
  fprintf (out, "\n\nSYNOPSIS\n       ");
  put_safe (out, spec->name);
  fprintf (out, " [OPTION]\u2026\n\n");

  /* sections in order of first appearance, options sorted within each */
  mirage_arg **sorted = malloc ((spec->n_args + 1) * sizeof *sorted);
  if (!sorted)
    return;
  memcpy (sorted, spec->args, spec->n_args * sizeof *sorted);
  qsort (sorted, spec->n_args, sizeof *sorted, cmp_args);
  for (size_t i = 0; i < spec->n_args; i++) {
    const char *sec = spec->args[i]->section ? spec->args[i]->section : "APPLICATION OPTIONS";
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) {
      const char *s2 = spec->args[j]->section ? spec->args[j]->section : "APPLICATION OPTIONS";
      seen = strcmp (sec, s2) == 0;
    }
    if (seen)
      continue;
    put_safe (out, sec);
    fputc ('\n', out);
    for (size_t k = 0; k < spec->n_args; k++) {
      const char *s3 = sorted[k]->section ? sorted[k]->section : "APPLICATION OPTIONS";
      if (strcmp (sec, s3) == 0)
        print_arg (out, sorted[k]);
    }
  }
  free (sorted);
  fprintf (out, "COMMON OPTIONS\n"
           "       --help[=FMT] (default=auto)\n");
  wrap (out, "Show this help in format FMT. The value FMT must be one of auto, "
        "pager, groff or plain; all of them print plain text here.", 11, 80);
  fprintf (out, "\nEXIT STATUS\n       ");
  put_safe (out, spec->name);
  fprintf (out, " exits with:\n\n"
           "       0   on success.\n\n"
           "       63  on showing this help.\n\n"
           "       64  on any argument parsing error.\n\n"
           "       255 on the failure of a job.\n");
}

/* ---- parsing ---- */

static mirage_arg *
find_long (const mirage_args *spec, const char *name, size_t len)
{
  for (size_t i = 0; i < spec->n_args; i++)
    if (strlen (spec->args[i]->name) == len && strncmp (spec->args[i]->name, name, len) == 0)
      return spec->args[i];
  return NULL;
}

static mirage_arg *
find_short (const mirage_args *spec, char c)
{
  for (size_t i = 0; i < spec->n_args; i++)
    if (spec->args[i]->short_name == c)
      return spec->args[i];
  return NULL;
}

/* Gives @a the value @text, from @what ("option '--x'" or
 * "environment variable 'X'"). */
static int
set_value (const mirage_args *spec, mirage_arg *a, const char *what, const char *text)
{
  const char *expected = NULL;
  mirage_arg_value v;
  if (a->type == MIRAGE_ARG_LOG_THRESHOLDS) {
    char why[256];
    if (mirage_log_thresholds_check (text, why, sizeof why) < 0) {
      usage_error (spec, "%s: %s", what, why);
      return -EINVAL;
    }
    if (a->present) {
      size_t n = strlen (a->text) + 1 + strlen (text) + 1;
      char *joined = malloc (n);
      if (!joined)
        return -ENOMEM;
      snprintf (joined, n, "%s,%s", a->text, text);
      free (a->owned_);
      a->owned_ = joined;
      text = joined;
    }
    a->value.s = text;
  } else {
    if (a->present) {
      usage_error (spec, "%s cannot be repeated", what);
      return -EINVAL;
    }
    if (mirage_arg_parse_value (a->type, text, &v, &expected) < 0) {
      usage_error (spec, "%s: invalid value '%s', expected %s", what, text, expected);
      return -EINVAL;
    }
    a->value = v;
  }
  a->text = text;
  a->present = true;
  a->has_value = true;
  return 0;
}

static bool
is_bool_text (const char *s)
{
  return s && (strcmp (s, "true") == 0 || strcmp (s, "false") == 0);
}

void
mirage_args_clear (const mirage_args *spec)
{
  for (size_t i = 0; i < spec->n_args; i++) {
    mirage_arg *a = spec->args[i];
    free (a->owned_);
    a->owned_ = NULL;
    a->present = a->has_value = false;
    a->text = NULL;
    memset (&a->value, 0, sizeof a->value);
  }
}

int
mirage_args_parse (const mirage_args *spec, int argc, char **argv)
{
  mirage_args_clear (spec);
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    char flag[128];
    mirage_arg *a;
    const char *value;
    if (!options_done && strcmp (s, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && s[0] == '-' && s[1] == '-') {
      const char *name = s + 2;
      const char *eq = strchr (name, '=');
      size_t len = eq ? (size_t) (eq - name) : strlen (name);
      if (len == 4 && strncmp (name, "help", 4) == 0) {
        if (eq && strcmp (eq + 1, "auto") && strcmp (eq + 1, "pager")
            && strcmp (eq + 1, "groff") && strcmp (eq + 1, "plain")) {
          usage_error (spec, "option '--help': invalid value '%s', expected one of 'auto', 'pager', 'groff' or 'plain'", eq + 1);
          return MIRAGE_EXIT_ARGUMENT_ERROR;
        }
        print_help (spec);
        return MIRAGE_EXIT_HELP;
      }
      a = find_long (spec, name, len);
      if (!a) {
        usage_error (spec, "unknown option '--%.*s'.", (int) len, name);
        return MIRAGE_EXIT_ARGUMENT_ERROR;
      }
      flag_name (a, false, flag, sizeof flag);
      if (eq)
        value = eq + 1;
      else if (a->type == MIRAGE_ARG_BOOL)
        value = is_bool_text (i + 1 < argc ? argv[i + 1] : NULL) ? argv[++i] : "true";
      else if (i + 1 < argc)
        value = argv[++i];
      else {
        usage_error (spec, "%s needs an argument", flag);
        return MIRAGE_EXIT_ARGUMENT_ERROR;
      }
    } else if (!options_done && s[0] == '-' && s[1]) {
      a = find_short (spec, s[1]);
      if (!a) {
        usage_error (spec, "unknown option '-%c'.", s[1]);
        return MIRAGE_EXIT_ARGUMENT_ERROR;
      }
      flag_name (a, true, flag, sizeof flag);
      if (s[2])
        value = s + 2;
      else if (a->type == MIRAGE_ARG_BOOL)
        value = is_bool_text (i + 1 < argc ? argv[i + 1] : NULL) ? argv[++i] : "true";
      else if (i + 1 < argc)
        value = argv[++i];
      else {
        usage_error (spec, "%s needs an argument", flag);
        return MIRAGE_EXIT_ARGUMENT_ERROR;
      }
    } else {
      usage_error (spec, "too many arguments, don't know what to do with '%s'", s);
      return MIRAGE_EXIT_ARGUMENT_ERROR;
    }
    if (set_value (spec, a, flag, value) < 0)
      return MIRAGE_EXIT_ARGUMENT_ERROR;
  }

  for (size_t k = 0; k < spec->n_args; k++) {
    mirage_arg *a = spec->args[k];
    if (a->present)
      continue;
    const char *env = a->env ? getenv (a->env) : NULL;
    if (env && *env) {
      char what[128];
      snprintf (what, sizeof what, "environment variable '%s'", a->env);
      if (set_value (spec, a, what, env) < 0)
        return MIRAGE_EXIT_ARGUMENT_ERROR;
      continue;
    }
    if (a->required) {
      usage_error (spec, "required option '--%s' is missing", a->name);
      return MIRAGE_EXIT_ARGUMENT_ERROR;
    }
    const char *d = a->default_value;
    if (!d || (!*d && a->type != MIRAGE_ARG_STRING))
      continue;
    const char *expected = NULL;
    if (mirage_arg_parse_value (a->type, d, &a->value, &expected) < 0) {
      usage_error (spec, "option '--%s': invalid default value '%s', expected %s", a->name, d, expected);
      return MIRAGE_EXIT_ARGUMENT_ERROR;
    }
    a->text = d;
    a->has_value = true;
  }
  return 0;
}
