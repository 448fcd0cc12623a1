/* ms-value.c: checks the text users give for options, keys and runtime
 * arguments against its value type (data/catalog/SCHEMA.md, "Value types").
 *
 * The rules follow what the OCaml side does with the same text when the
 * unikernel is configured or boots (ipaddr, ocaml-dns's nameserver_of_string,
 * x509's Authenticator.of_string, awa's Keys, Logs, Mirage_runtime), so that
 * a value accepted here does not fail later, far from where it was typed.
 * Where those parsers are lax in ways that hide mistakes (five-digit IPv6
 * groups, ports above 65535, fingerprints of the wrong length) we are
 * stricter and say why.
 *
 * The parsers work on (pointer, length) slices, because addresses, ports
 * and fingerprints are pieces of larger values, and report a reason phrase
 * ("300 is larger than 255"); the caller wraps it into one sentence naming
 * the value and what was expected. Every piece of user text that reaches a
 * message goes through quote_len () so the message stays printable. */
#include "ms-value.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#define INT63_MAX G_GINT64_CONSTANT (4611686018427387903)
#define INT63_MIN (-INT63_MAX - 1)

/* Long values are cut in messages: the user has the whole value in front
 * of them, the message only has to point at it. */
#define QUOTE_MAX_CHARS 64

typedef enum {
  KIND_STRING,
  KIND_INT,
  KIND_INT64,
  KIND_BOOL,
  KIND_PORT,
  KIND_IPV4,
  KIND_IPV6,
  KIND_IP,
  KIND_IPV4_PREFIX,
  KIND_IPV6_PREFIX,
  KIND_NAMESERVER,
  KIND_SSH_KEY,
  KIND_SSH_AUTHENTICATOR,
  KIND_TLS_AUTHENTICATOR,
  KIND_LOG_LEVEL,
  KIND_LOG_THRESHOLDS,
  KIND_HEADERS,
  KIND_ENUM,
  KIND_LIST,
  KIND_ARG,
  KIND_KEY,
  KIND_UNKNOWN,
} Kind;

typedef struct {
  const char *name;
  Kind        kind;
  const char *noun;      /* "“x” is not NOUN" */
  const char *describe;  /* shown in the UI */
  const char *plural;    /* "a list of PLURAL"; NULL: already a comma list */
} BaseType;

static const BaseType base_types[] = {
  { "string", KIND_STRING, N_("a string"), N_("any text"), N_("strings") },
  { "int", KIND_INT, N_("an integer"), N_("a whole number (an OCaml int)"), N_("whole numbers") },
  { "int64", KIND_INT64, N_("a 64-bit integer"), N_("a whole number that fits in 64 bits"),
    N_("64-bit whole numbers") },
  { "bool", KIND_BOOL, N_("a boolean"), N_("true or false"), N_("booleans (true or false)") },
  { "port", KIND_PORT, N_("a port"), N_("a port number from 0 to 65535"), N_("port numbers") },
  { "ipv4", KIND_IPV4, N_("an IPv4 address"), N_("an IPv4 address such as 10.0.0.2"),
    N_("IPv4 addresses") },
  { "ipv6", KIND_IPV6, N_("an IPv6 address"), N_("an IPv6 address such as fd00::2"),
    N_("IPv6 addresses") },
  { "ip", KIND_IP, N_("an IP address"), N_("an IPv4 or IPv6 address such as 10.0.0.2 or fd00::2"),
    N_("IP addresses") },
  { "ipv4_prefix", KIND_IPV4_PREFIX, N_("an IPv4 prefix"), N_("an IPv4 prefix such as 10.0.0.2/24"),
    N_("IPv4 prefixes") },
  { "ipv6_prefix", KIND_IPV6_PREFIX, N_("an IPv6 prefix"), N_("an IPv6 prefix such as fd00::2/64"),
    N_("IPv6 prefixes") },
  { "nameserver", KIND_NAMESERVER, N_("a nameserver"),
    N_("a nameserver such as udp:192.168.1.1 or tls:1.1.1.1"), N_("nameservers") },
  { "ssh_key", KIND_SSH_KEY, N_("an SSH key"), N_("an SSH private key: rsa:SEED or ed25519:BASE64"),
    N_("SSH keys") },
  { "ssh_authenticator", KIND_SSH_AUTHENTICATOR, N_("an SSH host key fingerprint"),
    N_("an SSH host key fingerprint such as SHA256:BASE64"), N_("SSH host key fingerprints") },
  { "tls_authenticator", KIND_TLS_AUTHENTICATOR, N_("a TLS authenticator"),
    N_("a TLS authenticator: none, key-fp:…, cert-fp:… or trust-anchor:…"),
    N_("TLS authenticators") },
  { "log_level", KIND_LOG_LEVEL, N_("a log level"),
    N_("a log level: quiet, app, error, warning, info or debug"), N_("log levels") },
  { "log_thresholds", KIND_LOG_THRESHOLDS, N_("a list of log thresholds"),
    N_("a comma-separated list of log thresholds such as *:info,dns:debug"), NULL },
  { "headers", KIND_HEADERS, N_("a list of HTTP headers"),
    N_("a comma-separated list of HTTP headers such as name:value"), NULL },
};

/* Logs.level_of_string's names, in Logs' order. */
static const char *const log_levels[] = {
  "quiet", "app", "error", "warning", "info", "debug", NULL,
};

/* OCaml 5.3's keywords ("effect" included), and the lexer's built-in
 * values, which are keywords too: a binding named like one of them would
 * not compile in the generated config.ml. */
static const char *const ocaml_keywords[] = {
  "and", "as", "assert", "asr", "begin", "class", "constraint", "do", "done",
  "downto", "effect", "else", "end", "exception", "external", "false", "for",
  "fun", "function", "functor", "if", "in", "include", "inherit",
  "initializer", "land", "lazy", "let", "lor", "lsl", "lsr", "lxor", "match",
  "method", "mod", "module", "mutable", "new", "nonrec", "object", "of",
  "open", "or", "private", "rec", "sig", "struct", "then", "to", "true",
  "try", "type", "val", "virtual", "when", "while", "with",
  "__FILE__", "__FUNCTION__", "__LINE__", "__LOC__", "__MODULE__", "__POS__",
  "__FILE_OF__", "__LINE_OF__", "__LOC_OF__", "__POS_OF__", NULL,
};

typedef struct {
  Kind            kind;
  const BaseType *base;   /* base kinds only */
  const char     *param;  /* enum: the choices; list, arg, key: the element type */
} TypeInfo;

/* Messages ------------------------------------------------------------- */

static gboolean
is_invisible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_UNASSIGNED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* “text” with control and invisible characters and bytes that are not UTF-8
 * written as escapes, so a message is always one printable line and shows
 * exactly what was typed. */
static char *
quote_len (const char *s,
           gsize       len)
{
  GString *out = g_string_new ("“");
  const char *p = s;
  const char *end = s + len;
  guint shown = 0;

  while (p < end)
    {
      gunichar c;

      if (shown == QUOTE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      shown++;

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80 && (c < 0x20 || c == 0x7f))
        g_string_append_printf (out, "\\x%02x", (guint) c);
      else if (is_invisible (c))
        g_string_append_printf (out, "\\u{%04X}", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }

  g_string_append (out, "”");
  return g_string_free (out, FALSE);
}

static char *
quote (const char *s)
{
  return quote_len (s, strlen (s));
}

/* One character of s (a whole UTF-8 sequence if there is one), quoted. */
static char *
quote_char (const char *p,
            const char *end)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return quote_len (p, 1);
  return quote_len (p, g_utf8_next_char (p) - p);
}

/* Sets *out (if out is non-NULL) to a formatted text and returns FALSE,
 * so a failing parser can `return fail (why, ...)`. */
static gboolean fail (char      **out,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (char      **out,
      const char *format,
      ...)
{
  if (out != NULL)
    {
      va_list args;

      g_free (*out);
      va_start (args, format);
      *out = g_strdup_vprintf (format, args);
      va_end (args);
    }
  return FALSE;
}

/* Types ---------------------------------------------------------------- */

static gboolean
type_parse (const char *vt,
            TypeInfo   *t)
{
  static const struct { const char *prefix; Kind kind; } composite[] = {
    { "enum:", KIND_ENUM },
    { "list:", KIND_LIST },
    { "arg:", KIND_ARG },
    { "key:", KIND_KEY },
  };

  t->kind = KIND_UNKNOWN;
  t->base = NULL;
  t->param = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (composite); i++)
    if (g_str_has_prefix (vt, composite[i].prefix))
      {
        t->kind = composite[i].kind;
        t->param = vt + strlen (composite[i].prefix);
        return TRUE;
      }

  for (gsize i = 0; i < G_N_ELEMENTS (base_types); i++)
    if (strcmp (vt, base_types[i].name) == 0)
      {
        t->kind = base_types[i].kind;
        t->base = &base_types[i];
        return TRUE;
      }

  return FALSE;
}

static gboolean
enum_choices_valid (const char *choices)
{
  g_auto(GStrv) parts = g_strsplit (choices, ",", -1);

  if (parts[0] == NULL)
    return FALSE;

  for (gsize i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        return FALSE;
      for (const char *p = parts[i]; *p != '\0'; p++)
        if (g_ascii_isspace (*p) || (guchar) *p < 0x20 || *p == 0x7f)
          return FALSE;
      for (gsize j = 0; j < i; j++)
        if (strcmp (parts[i], parts[j]) == 0)
          return FALSE;
    }

  return TRUE;
}

static gboolean type_is_known_uncached (const char *value_type);

/* Checks ask this for every option of every device, and the same few dozen
 * type strings come back; remembering the answer keeps checks fast. */
gboolean
ms_value_type_is_known (const char *value_type)
{
  static GHashTable *known;
  G_LOCK_DEFINE_STATIC (known);
  gpointer answer;
  gboolean found;

  g_return_val_if_fail (value_type != NULL, FALSE);

  G_LOCK (known);
  if (known == NULL)
    known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  found = g_hash_table_lookup_extended (known, value_type, NULL, &answer);
  G_UNLOCK (known);
  if (found)
    return GPOINTER_TO_INT (answer);

  answer = GINT_TO_POINTER (type_is_known_uncached (value_type));
  G_LOCK (known);
  g_hash_table_replace (known, g_strdup (value_type), answer);
  G_UNLOCK (known);
  return GPOINTER_TO_INT (answer);
}

static gboolean
type_is_known_uncached (const char *value_type)
{
  TypeInfo t;
  TypeInfo inner;

  if (!type_parse (value_type, &t))
    return FALSE;

  switch (t.kind)
    {
    case KIND_ENUM:
      return enum_choices_valid (t.param);

    case KIND_LIST:
      if (!ms_value_type_is_known (t.param))
        return FALSE;
      type_parse (t.param, &inner);
      /* Items are split at commas, so an item type that is itself a comma
       * list would make the value ambiguous. */
      return inner.kind != KIND_LIST && (inner.base == NULL || inner.base->plural != NULL);

    case KIND_ARG:
    case KIND_KEY:
      if (!ms_value_type_is_known (t.param))
        return FALSE;
      type_parse (t.param, &inner);
      /* A key or argument holds a value, not the name of another one. */
      return inner.kind != KIND_ARG && inner.kind != KIND_KEY;

    default:
      return TRUE;
    }
}

static char *
join_choices (const char *choices)
{
  g_auto(GStrv) parts = g_strsplit (choices, ",", -1);

  return g_strjoinv (", ", parts);
}

static char *
type_plural (const char *vt)
{
  TypeInfo t;
  g_autofree char *inner = NULL;

  type_parse (vt, &t);
  switch (t.kind)
    {
    case KIND_ENUM:
      inner = join_choices (t.param);
      return g_strdup_printf (_("values from %s"), inner);
    case KIND_ARG:
      inner = ms_value_type_describe (t.param);
      return g_strdup_printf (_("names of runtime arguments holding %s"), inner);
    case KIND_KEY:
      inner = ms_value_type_describe (t.param);
      return g_strdup_printf (_("names of configure-time keys holding %s"), inner);
    default:
      g_assert (t.base != NULL && t.base->plural != NULL);
      return g_strdup (_(t.base->plural));
    }
}

char *
ms_value_type_describe (const char *value_type)
{
  TypeInfo t;
  g_autofree char *inner = NULL;

  g_return_val_if_fail (value_type != NULL, NULL);

  if (!ms_value_type_is_known (value_type))
    {
      g_autofree char *q = quote (value_type);
      return g_strdup_printf (_("a value of the unknown type %s"), q);
    }

  type_parse (value_type, &t);
  switch (t.kind)
    {
    case KIND_ENUM:
      inner = join_choices (t.param);
      return g_strdup_printf (_("one of %s"), inner);
    case KIND_LIST:
      inner = type_plural (t.param);
      return g_strdup_printf (_("a list of %s"), inner);
    case KIND_ARG:
      inner = ms_value_type_describe (t.param);
      return g_strdup_printf (_("the name of a runtime argument holding %s"), inner);
    case KIND_KEY:
      inner = ms_value_type_describe (t.param);
      return g_strdup_printf (_("the name of a configure-time key holding %s"), inner);
    default:
      return g_strdup (_(t.base->describe));
    }
}

char **
ms_value_enum_choices (const char *value_type)
{
  TypeInfo t;

  g_return_val_if_fail (value_type != NULL, NULL);

  if (!ms_value_type_is_known (value_type))
    return NULL;

  type_parse (value_type, &t);
  if (t.kind == KIND_ENUM)
    return g_strsplit (t.param, ",", -1);
  if (t.kind == KIND_LOG_LEVEL)
    return g_strdupv ((char **) log_levels);
  return NULL;
}

/* Numbers -------------------------------------------------------------- */

/* Decimal digits only, at most max. */
static gboolean
parse_digits (const char *s,
              gsize       len,
              guint64     max,
              guint64    *out)
{
  guint64 v = 0;

  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guint d;

      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      d = s[i] - '0';
      if (v > max / 10 || (v == max / 10 && d > max % 10))
        return FALSE;
      v = v * 10 + d;
    }

  *out = v;
  return TRUE;
}

typedef enum {
  NUM_OK,
  NUM_SYNTAX,
  NUM_RANGE,
} NumResult;

/* [+-]?[0-9]+ within [min, max]; a syntax error wins over a range error so
 * "99999999999999999999x" is reported as not a number at all. */
static NumResult
parse_signed (const char *s,
              gsize       len,
              gint64      min,
              gint64      max,
              gint64     *out)
{
  gboolean negative = FALSE;
  gboolean too_big = FALSE;
  guint64 limit;
  guint64 v = 0;
  gsize i = 0;

  if (i < len && (s[i] == '+' || s[i] == '-'))
    {
      negative = s[i] == '-';
      i++;
    }
  if (i == len)
    return NUM_SYNTAX;

  /* The magnitude of min, computed without overflowing for G_MININT64. */
  limit = negative ? (guint64) (-(min + 1)) + 1 : (guint64) max;

  for (; i < len; i++)
    {
      guint d;

      if (!g_ascii_isdigit (s[i]))
        return NUM_SYNTAX;
      d = s[i] - '0';
      if (too_big || v > limit / 10 || (v == limit / 10 && d > limit % 10))
        too_big = TRUE;
      else
        v = v * 10 + d;
    }

  if (too_big)
    return NUM_RANGE;

  if (out != NULL)
    *out = !negative ? (gint64) v : v == 0 ? 0 : -(gint64) (v - 1) - 1;
  return NUM_OK;
}

/* An int64 as OCaml may print it: an optional trailing L. */
static NumResult
parse_int64_len (const char *s,
                 gsize       len,
                 gint64     *out)
{
  if (len > 0 && s[len - 1] == 'L')
    len--;
  return parse_signed (s, len, G_MININT64, G_MAXINT64, out);
}

gboolean
ms_value_parse_int64 (const char *value,
                      gint64     *out)
{
  gint64 v;

  g_return_val_if_fail (value != NULL, FALSE);

  if (parse_int64_len (value, strlen (value), &v) != NUM_OK)
    return FALSE;
  if (out != NULL)
    *out = v;
  return TRUE;
}

gboolean
ms_value_parse_bool (const char *value,
                     gboolean   *out)
{
  gboolean v;

  g_return_val_if_fail (value != NULL, FALSE);

  if (strcmp (value, "true") == 0)
    v = TRUE;
  else if (strcmp (value, "false") == 0)
    v = FALSE;
  else
    return FALSE;

  if (out != NULL)
    *out = v;
  return TRUE;
}

/* Identifiers ---------------------------------------------------------- */

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every name of an export is checked against the keywords: a sorted copy
 * made once (threads share it: the checks evaluate on a worker) and a
 * binary search, not a walk of the list. */
gboolean
ms_value_is_ocaml_keyword (const char *s)
{
  static const char **sorted;
  static gsize n;

  if (g_once_init_enter (&sorted))
    {
      gsize count = g_strv_length ((char **) ocaml_keywords);
      const char **copy = g_new (const char *, count);

      memcpy (copy, ocaml_keywords, count * sizeof *copy);
      qsort (copy, count, sizeof *copy, compare_strings);
      n = count;
      g_once_init_leave (&sorted, copy);
    }
  return bsearch (&s, sorted, n, sizeof *sorted, compare_strings) != NULL;
}

static const char *
identifier_problem (const char *s)
{
  if (*s == '\0')
    return _("the name is empty");
  if (g_ascii_isupper (*s))
    return _("names start with a lowercase letter or “_” (capitalised names "
           "are OCaml modules and constructors)");
  if (!g_ascii_islower (*s) && *s != '_')
    return _("names start with a lowercase letter or “_”");
  for (const char *p = s + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '\'')
      return _("names contain only ASCII letters, digits, “_” and “'”");
  if (strcmp (s, "_") == 0)
    return _("“_” alone is OCaml's wildcard, not a name");
  if (ms_value_is_ocaml_keyword (s))
    return _("it is an OCaml keyword");
  return NULL;
}

gboolean
ms_value_is_identifier (const char *s)
{
  if (s == NULL)
    return FALSE;
  return identifier_problem (s) == NULL;
}

/* Application names ------------------------------------------------------- */

/* Files written next to the executable: by mstudio build into its output
 * directory (app/mstudio-build.c: main.c, unikernel.h, embed.c, launch.c
 * for -t sandbox, the stamp,
 * and unikernel.c, the source, when the output is the project's folder)
 * and by mirage configure/build (Makefile, dune files, config.ml,
 * unikernel.ml, the mirage/ and dist/ folders, _build). An executable of
 * that name would overwrite it, or fail to be written. */
static const char * const reserved_app_names[] = {
  "main.c", "unikernel.h", "unikernel.c", "embed.c", "launch.c", ".mstudio-build-stamp",
  "Makefile", "GNUmakefile", "makefile", "config.ml", "unikernel.ml", "dune",
  "dune-project", "dune-workspace", "dune.build", "dune.config", "mirage", "dist",
  "_build", "myocamlbuild.ml", "key_gen.ml", "main.ml", "manifest.json",
};

gboolean
ms_value_check_app_name (const char *name, char **why)
{
  gsize len;

  if (name == NULL || *name == '\0')
    return fail (why, _("an application name cannot be empty"));
  len = strlen (name);
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return fail (why, _("“%s” is not a valid application name: use only letters, digits, -, _ and ."),
                   name);
  if (!g_ascii_isalnum (name[0]))
    return fail (why, _("“%s” is not a valid application name: it must start with a letter or a digit"),
                 name);
  if (len > MS_APP_NAME_MAX)
    return fail (why, _("an application name has at most %d characters (this one has %u)"),
                 MS_APP_NAME_MAX, (guint) MIN (len, G_MAXUINT));
  for (guint i = 0; i < G_N_ELEMENTS (reserved_app_names); i++)
    if (g_ascii_strcasecmp (name, reserved_app_names[i]) == 0)
      return fail (why, _("“%s” cannot be an application name: the build writes a file of that name "
                     "next to the executable"), name);
  return TRUE;
}

/* Addresses ------------------------------------------------------------ */

static gboolean
unexpected_char (char      **why,
                 const char *p,
                 const char *end)
{
  g_autofree char *q = quote_char (p, end);

  return fail (why, _("%s is not allowed here"), q);
}

/* A dotted quad: four decimal numbers 0..255. A number with a leading zero
 * is refused, as ipaddr does, because inet_aton and friends read it as
 * octal: 010.0.0.1 would mean 8.0.0.1 to them. */
static gboolean
parse_ipv4 (const char *s,
            gsize       len,
            char      **why)
{
  const char *end = s + len;
  gsize i = 0;

  for (int part = 0; part < 4; part++)
    {
      gsize start;
      gsize n_digits;
      guint value = 0;

      if (part > 0)
        {
          if (i == len)
            return fail (why, _("expected four numbers from 0 to 255 separated by dots, found %d"),
                         part);
          if (s[i] != '.')
            return unexpected_char (why, s + i, end);
          i++;
        }

      start = i;
      while (i < len && g_ascii_isdigit (s[i]))
        {
          /* Stop growing past 255; the digit count still tells the size. */
          if (value <= 255)
            value = value * 10 + (s[i] - '0');
          i++;
        }
      n_digits = i - start;

      if (n_digits == 0)
        {
          if (i < len && s[i] != '.')
            return unexpected_char (why, s + i, end);
          return fail (why, _("expected four numbers from 0 to 255 separated by dots, "
                       "but number %d is missing"), part + 1);
        }
      if (value > 255)
        {
          if (n_digits > 12)
            return fail (why, _("number %d is larger than 255"), part + 1);
          return fail (why, _("%.*s is larger than 255"), (int) n_digits, s + start);
        }
      if (n_digits > 1 && s[start] == '0')
        return fail (why, _("%.*s has a leading zero, which other programs read as octal"),
                     (int) n_digits, s + start);
    }

  if (i < len)
    {
      if (s[i] == '.')
        return fail (why, _("expected four numbers from 0 to 255 separated by dots, found more"));
      return unexpected_char (why, s + i, end);
    }

  return TRUE;
}

/* RFC 4291 text form: eight groups of one to four hex digits, one "::" at
 * most standing for one or more zero groups, and an optional dotted quad
 * as the last 32 bits. Zone indexes (%eth0) are refused: ipaddr has none. */
static gboolean
parse_ipv6 (const char *s,
            gsize       len,
            char      **why)
{
  const char *end = s + len;
  const char *percent;
  gboolean compressed = FALSE;
  int n_groups = 0;
  gsize i = 0;

  if (len == 0)
    return fail (why, _("the address is missing"));

  percent = memchr (s, '%', len);
  if (percent != NULL)
    return fail (why, _("zone indexes such as %%eth0 are not supported"));

  if (len >= 2 && s[0] == ':' && s[1] == ':')
    {
      compressed = TRUE;
      i = 2;
    }
  else if (s[0] == ':')
    return fail (why, _("it starts with a single “:” (a leading run of zero groups is written “::”)"));

  while (i < len)
    {
      gsize start = i;
      gsize n_digits;

      while (i < len && g_ascii_isxdigit (s[i]))
        i++;
      n_digits = i - start;

      if (i < len && s[i] == '.')
        {
          g_autofree char *inner = NULL;

          if (!parse_ipv4 (s + start, len - start, &inner))
            return fail (why, _("in the embedded IPv4 part, %s"), inner);
          if (n_groups > 6)
            return fail (why, _("it has more than eight groups (the IPv4 part counts as two)"));
          n_groups += 2;
          i = len;
          break;
        }

      if (n_digits == 0)
        {
          if (i < len && s[i] == ':')
            return fail (why, _("“:::” is not allowed"));
          return unexpected_char (why, s + i, end);
        }
      if (n_digits > 4)
        {
          g_autofree char *q = quote_len (s + start, n_digits);
          return fail (why, _("the group %s has more than four hex digits"), q);
        }
      if (n_groups == 8)
        return fail (why, _("it has more than eight groups"));
      n_groups++;

      if (i == len)
        break;
      if (s[i] != ':')
        return unexpected_char (why, s + i, end);
      i++;
      if (i < len && s[i] == ':')
        {
          if (compressed)
            return fail (why, _("“::” may appear only once"));
          compressed = TRUE;
          i++;
          continue;
        }
      if (i == len)
        return fail (why, _("it ends with a single “:” (a trailing run of zero groups is written “::”)"));
    }

  if (!compressed && n_groups != 8)
    return fail (why, _("it has %d groups; expected eight groups of hex digits separated by "
                 "“:”, or “::” for a run of zero groups"), n_groups);
  if (compressed && n_groups > 7)
    return fail (why, _("with “::” there can be at most seven other groups"));

  return TRUE;
}

static gboolean
parse_ip (const char *s,
          gsize       len,
          char      **why)
{
  /* Only IPv6 has colons; that is how ipaddr's callers tell them apart too. */
  if (memchr (s, ':', len) != NULL)
    return parse_ipv6 (s, len, why);
  return parse_ipv4 (s, len, why);
}

static gboolean
parse_prefix (const char *s,
              gsize       len,
              gboolean    v6,
              char      **why)
{
  const char *slash = NULL;
  guint max = v6 ? 128 : 32;
  gsize length_len;
  guint64 bits;

  for (gsize i = len; i > 0; i--)
    if (s[i - 1] == '/')
      {
        slash = s + i - 1;
        break;
      }

  if (slash == NULL)
    return fail (why, _("the “/LENGTH” part is missing, as in %s"),
                 v6 ? "fd00::2/64" : "10.0.0.2/24");
  if (slash == s)
    return fail (why, _("the address before “/” is missing"));

  if (v6 ? !parse_ipv6 (s, slash - s, why) : !parse_ipv4 (s, slash - s, why))
    return FALSE;

  length_len = s + len - (slash + 1);
  if (length_len == 0)
    return fail (why, _("the prefix length after “/” is missing"));
  if (!parse_digits (slash + 1, length_len, G_MAXUINT64, &bits))
    {
      for (gsize i = 0; i < length_len; i++)
        if (!g_ascii_isdigit (slash[1 + i]))
          {
            g_autofree char *q = quote_len (slash + 1, length_len);
            return fail (why, _("the prefix length %s is not a number from 0 to %u"), q, max);
          }
      return fail (why, _("the prefix length is larger than %u"), max);
    }
  if (bits > max)
    return fail (why, _("the prefix length %llu is larger than %u"), (unsigned long long) bits, max);
  if (length_len > 1 && slash[1] == '0')
    return fail (why, _("the prefix length %.*s has a leading zero"), (int) length_len, slash + 1);

  return TRUE;
}

/* IP[:PORT] as Ipaddr.with_port_of_string reads it, with one difference: an
 * IPv6 address without brackets is always the whole text, never followed by
 * a port, because ipaddr would silently read "2001:db8::1:53" as one address
 * and we cannot tell which was meant either. */
static gboolean
parse_ip_with_port (const char *s,
                    gsize       len,
                    char      **why)
{
  const char *end = s + len;
  const char *colon;
  const char *dot;
  const char *port = NULL;
  guint64 number;

  if (len == 0)
    return fail (why, _("the address is missing"));

  if (s[0] == '[')
    {
      const char *close = memchr (s, ']', len);
      g_autofree char *inner = NULL;

      if (close == NULL)
        return fail (why, _("“[” has no matching “]”"));
      if (!parse_ipv6 (s + 1, close - s - 1, &inner))
        return fail (why, _("the address in brackets is not an IPv6 address: %s"), inner);
      if (close + 1 < end)
        {
          if (close[1] != ':')
            return fail (why, _("after “]” expected “:PORT” or nothing"));
          port = close + 2;
        }
    }
  else
    {
      colon = memchr (s, ':', len);
      dot = memchr (s, '.', len);

      if (colon == NULL || (dot != NULL && dot < colon))
        {
          if (!parse_ipv4 (s, colon != NULL ? (gsize) (colon - s) : len, why))
            return FALSE;
          if (colon != NULL)
            port = colon + 1;
        }
      else
        {
          g_autofree char *inner = NULL;

          if (!parse_ipv6 (s, len, &inner))
            return fail (why, _("%s (IPv6 addresses go in brackets when a port follows, "
                         "as in [2001:db8::1]:53)"), inner);
        }
    }

  if (port != NULL && port == end)
    return fail (why, _("the port number after “:” is missing"));
  if (port != NULL && !parse_digits (port, end - port, 65535, &number))
    {
      g_autofree char *q = quote_len (port, end - port);
      return fail (why, _("expected a port number from 0 to 65535 after “:”, got %s"), q);
    }

  return TRUE;
}

/* A host name as Domain_name.host accepts it: dot-separated labels of
 * letters, digits and hyphens, not starting or ending with a hyphen. */
static gboolean
is_hostname (const char *s,
             gsize       len)
{
  gsize label = 0;

  if (len == 0 || len > 253)
    return FALSE;

  for (gsize i = 0; i <= len; i++)
    {
      if (i == len || s[i] == '.')
        {
          if (label == 0 || label > 63 || s[i - 1] == '-')
            return FALSE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (s[i]) && s[i] != '-')
        return FALSE;
      if (label == 0 && s[i] == '-')
        return FALSE;
      label++;
    }

  return TRUE;
}

/* Base64 and keys ------------------------------------------------------ */

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Standard base64 (RFC 4648 alphabet). "=" padding is required when
 * pad_required (ocaml-base64's default) and optional otherwise (its
 * ~pad:false, which x509 and awa use for fingerprints). */
static gboolean
check_base64 (const char *s,
              gsize       len,
              gboolean    pad_required,
              gsize      *n_bytes,
              char      **why)
{
  gsize data = len;
  gsize n_pad;

  while (data > 0 && s[data - 1] == '=')
    data--;
  n_pad = len - data;

  for (gsize i = 0; i < data; i++)
    if (!is_base64_char (s[i]))
      {
        g_autofree char *q = quote_char (s + i, s + len);
        return fail (why, _("%s is not a base64 character"), q);
      }

  if (n_pad > 2 || (n_pad > 0 && len % 4 != 0))
    return fail (why, _("the “=” padding at the end does not fit its length"));
  if (data % 4 == 1)
    return fail (why, _("its length is impossible for base64 (a character is missing or extra)"));
  if (n_pad == 0 && pad_required && data % 4 != 0)
    return fail (why, _("the “=” padding at the end is missing"));

  *n_bytes = data / 4 * 3 + (data % 4 == 0 ? 0 : data % 4 - 1);
  return TRUE;
}

/* Decodes text already accepted by check_base64 (). */
static guint8 *
decode_base64 (const char *s,
               gsize       len,
               gsize      *out_len)
{
  g_autoptr(GString) padded = g_string_new_len (s, len);

  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  return g_base64_decode (padded->str, out_len);
}

static gboolean
is_hex (const char *s,
        gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return len > 0;
}

static const struct {
  const char *name;
  const char *title;
  gsize       bytes;
} tls_hashes[] = {
  { "sha224", "SHA224", 28 },
  { "sha256", "SHA256", 32 },
  { "sha384", "SHA384", 48 },
  { "sha512", "SHA512", 64 },
};

/* [HASH:]FINGERPRINT after key-fp: or cert-fp: (x509's of_fingerprint):
 * the hash defaults to SHA256 and the fingerprint is base64. x509 would
 * accept a fingerprint of any length and then never match a certificate,
 * so the length is checked against the hash here. */
static gboolean
parse_tls_fingerprint (const char *s,
                       char      **why)
{
  const char *colon = strchr (s, ':');
  const char *fp = s;
  gsize hash = 1;
  gsize fp_len;
  gsize n_bytes;
  g_autofree char *inner = NULL;

  if (colon != NULL)
    {
      gsize name_len = colon - s;

      if (strchr (colon + 1, ':') != NULL)
        return fail (why, _("expected [HASH:]FINGERPRINT, with one “:” at most after the kind"));

      hash = G_N_ELEMENTS (tls_hashes);
      for (gsize i = 0; i < G_N_ELEMENTS (tls_hashes); i++)
        if (strlen (tls_hashes[i].name) == name_len &&
            g_ascii_strncasecmp (s, tls_hashes[i].name, name_len) == 0)
          hash = i;
      if (hash == G_N_ELEMENTS (tls_hashes))
        {
          g_autofree char *q = quote_len (s, name_len);
          return fail (why, _("unknown hash algorithm %s (expected sha224, sha256, sha384 "
                       "or sha512)"), q);
        }
      fp = colon + 1;
    }

  fp_len = strlen (fp);
  if (fp_len == 0)
    return fail (why, _("the fingerprint is missing"));
  if (!check_base64 (fp, fp_len, FALSE, &n_bytes, &inner))
    {
      if (is_hex (fp, fp_len))
        return fail (why, _("the fingerprint looks like hex, but x509 reads it as base64"));
      return fail (why, _("the fingerprint is not base64: %s"), inner);
    }
  if (n_bytes != tls_hashes[hash].bytes)
    {
      if (is_hex (fp, fp_len) && fp_len == 2 * tls_hashes[hash].bytes)
        return fail (why, _("the fingerprint looks like hex, but x509 reads it as base64; "
                     "encode the %s digest in base64"), tls_hashes[hash].title);
      return fail (why, _("a %s fingerprint is %zu bytes, but this one decodes to %zu"), tls_hashes[hash].title,
                   tls_hashes[hash].bytes, n_bytes);
    }

  return TRUE;
}

/* trust-anchor:CERT[:CERT...], each the base64 of a DER certificate (a PEM
 * body without its BEGIN/END lines and newlines). */
static gboolean
parse_trust_anchors (const char *s,
                     char      **why)
{
  g_auto(GStrv) certs = NULL;

  if (*s == '\0')
    return fail (why, _("at least one certificate is needed after “trust-anchor:”"));

  certs = g_strsplit (s, ":", -1);
  for (gsize i = 0; certs[i] != NULL; i++)
    {
      g_autofree char *inner = NULL;
      g_autofree guint8 *der = NULL;
      gsize len = strlen (certs[i]);
      gsize n_bytes;

      if (len == 0)
        return fail (why, _("certificate %zu is empty"), (size_t) (i + 1));
      if (!check_base64 (certs[i], len, FALSE, &n_bytes, &inner))
        return fail (why, _("certificate %zu is not base64: %s"), (size_t) (i + 1), inner);
      der = decode_base64 (certs[i], len, &n_bytes);
      /* Every DER certificate is a SEQUENCE, tag 0x30. */
      if (n_bytes < 2 || der[0] != 0x30)
        return fail (why, _("certificate %zu is not a DER certificate in base64 "
                       "(use the body of a PEM file without its BEGIN/END lines and newlines)"),
                     (size_t) (i + 1));
    }

  return TRUE;
}

/* X509.Authenticator.of_string. */
static gboolean
parse_tls_authenticator (const char *s,
                         char      **why)
{
  if (strcmp (s, "none") == 0)
    return TRUE;
  if (g_str_has_prefix (s, "key-fp:"))
    return parse_tls_fingerprint (s + strlen ("key-fp:"), why);
  if (g_str_has_prefix (s, "cert-fp:"))
    return parse_tls_fingerprint (s + strlen ("cert-fp:"), why);
  if (g_str_has_prefix (s, "trust-anchor:"))
    return parse_trust_anchors (s + strlen ("trust-anchor:"), why);
  if (strcmp (s, "key-fp") == 0 || strcmp (s, "cert-fp") == 0)
    return fail (why, _("the fingerprint is missing after “%s:”"), s);
  if (strcmp (s, "trust-anchor") == 0)
    return parse_trust_anchors ("", why);
  return fail (why, _("expected none, key-fp:[HASH:]FINGERPRINT, cert-fp:[HASH:]FINGERPRINT "
               "or trust-anchor:CERTIFICATE[:CERTIFICATE…]"));
}

/* ocaml-dns's nameserver_of_string (dns-client-mirage):
 *   udp:IP[:PORT]  tcp:IP[:PORT]
 *   tls:IP[:PORT][!HOSTNAME][!AUTHENTICATOR]
 * After the first "!", a piece that is a host name is the name to check the
 * certificate against and the rest is the authenticator; otherwise all of it
 * is the authenticator. An empty authenticator means the default CAs. */
static gboolean
parse_nameserver (const char *s,
                  char      **why)
{
  const char *rest = s + 4;
  const char *bang;
  const char *after;
  const char *second;
  const char *auth;
  gboolean named;
  g_autofree char *inner = NULL;

  if (!g_str_has_prefix (s, "udp:") && !g_str_has_prefix (s, "tcp:") &&
      !g_str_has_prefix (s, "tls:"))
    return fail (why, _("expected udp:IP, tcp:IP or tls:IP, each with an optional :PORT, "
                 "as in tls:1.1.1.1 or tcp:[2001:db8::1]:53"));

  bang = strchr (rest, '!');
  if (!g_str_has_prefix (s, "tls:"))
    {
      if (bang != NULL)
        return fail (why, _("only tls: nameservers take a “!” part"));
      return parse_ip_with_port (rest, strlen (rest), why);
    }

  if (!parse_ip_with_port (rest, bang != NULL ? (gsize) (bang - rest) : strlen (rest), why))
    return FALSE;
  if (bang == NULL)
    return TRUE;

  after = bang + 1;
  second = strchr (after, '!');
  named = is_hostname (after, second != NULL ? (gsize) (second - after) : strlen (after));
  auth = !named ? after : second != NULL ? second + 1 : "";
  if (*auth == '\0' || parse_tls_authenticator (auth, &inner))
    return TRUE;

  {
    g_autofree char *q = quote (auth);

    if (named)
      return fail (why, _("the TLS authenticator %s after the host name is wrong: %s"), q, inner);
    return fail (why, _("after “!” expected a host name, a TLS authenticator or both, "
                 "but %s is neither: %s"), q, inner);
  }
}

/* awa's Keys.of_string: TYPE:DATA. An RSA key is generated from a seed; an
 * ed25519 key is its 32 bytes in padded base64 (X509.Private_key.of_string). */
static gboolean
parse_ssh_key (const char *s,
               char      **why)
{
  const char *colon = strchr (s, ':');
  const char *data;
  gsize type_len;
  gsize n_bytes;
  g_autofree char *inner = NULL;

  if (colon == NULL)
    return fail (why, _("expected rsa:SEED or ed25519:BASE64"));
  data = colon + 1;
  if (strchr (data, ':') != NULL)
    return fail (why, _("expected one “:” only, between the key type and the key"));

  type_len = colon - s;
  if (type_len == 0)
    return fail (why, _("the key type before “:” is missing (rsa or ed25519)"));
  if (type_len == 3 && g_ascii_strncasecmp (s, "rsa", 3) == 0)
    {
      if (*data == '\0')
        return fail (why, _("the seed after “rsa:” is missing"));
      return TRUE;
    }
  if (type_len == 7 && g_ascii_strncasecmp (s, "ed25519", 7) == 0)
    {
      if (*data == '\0')
        return fail (why, _("the key after “ed25519:” is missing"));
      if (!check_base64 (data, strlen (data), TRUE, &n_bytes, &inner))
        return fail (why, _("the ed25519 key is not base64: %s"), inner);
      if (n_bytes != 32)
        return fail (why, _("an ed25519 key is 32 bytes (44 base64 characters), but this "
                     "one decodes to %zu"), (size_t) n_bytes);
      return TRUE;
    }

  {
    g_autofree char *q = quote_len (s, type_len);
    return fail (why, _("unknown key type %s (expected rsa or ed25519)"), q);
  }
}

/* awa's Keys.authenticator_of_string: SHA256:FP (as ssh-keygen -l prints
 * it), rsa:FP or ed25519:FP with a base64 SHA256 fingerprint, or a whole
 * public key in base64. awa compares the fingerprint with a SHA256 digest,
 * so one of another length could never match and is refused here. */
static gboolean
parse_ssh_authenticator (const char *s,
                         char      **why)
{
  const char *colon = strchr (s, ':');
  const char *fp;
  gsize fp_len;
  gsize n_bytes;
  g_autofree char *inner = NULL;

  if (colon == NULL)
    {
      static const char ed25519[] = "\0\0\0\x0bssh-ed25519";
      static const char rsa[] = "\0\0\0\x07ssh-rsa";
      g_autofree guint8 *blob = NULL;

      if (!check_base64 (s, strlen (s), FALSE, &n_bytes, NULL))
        return fail (why, _("expected SHA256:FINGERPRINT, as ssh-keygen -l prints it"));
      blob = decode_base64 (s, strlen (s), &n_bytes);
      if ((n_bytes > sizeof ed25519 - 1 && memcmp (blob, ed25519, sizeof ed25519 - 1) == 0) ||
          (n_bytes > sizeof rsa - 1 && memcmp (blob, rsa, sizeof rsa - 1) == 0))
        return TRUE;
      return fail (why, _("expected SHA256:FINGERPRINT, as ssh-keygen -l prints it, or an "
                   "ssh-ed25519 or ssh-rsa public key in base64"));
    }

  fp = colon + 1;
  if (strchr (fp, ':') != NULL)
    return fail (why, _("expected SHA256:FINGERPRINT, with one “:”"));

  if (!(colon - s == 6 && strncmp (s, "SHA256", 6) == 0) &&
      !(colon - s == 3 && g_ascii_strncasecmp (s, "rsa", 3) == 0) &&
      !(colon - s == 7 && g_ascii_strncasecmp (s, "ed25519", 7) == 0))
    {
      g_autofree char *q = quote_len (s, colon - s);

      if (colon - s == 6 && g_ascii_strncasecmp (s, "SHA256", 6) == 0)
        return fail (why, _("write SHA256 in capitals, as ssh-keygen prints it"));
      return fail (why, _("expected SHA256 before the “:”, got %s"), q);
    }

  fp_len = strlen (fp);
  if (fp_len == 0)
    return fail (why, _("the fingerprint after “:” is missing"));
  if (!check_base64 (fp, fp_len, FALSE, &n_bytes, &inner))
    return fail (why, _("the fingerprint is not base64: %s"), inner);
  if (n_bytes != 32)
    return fail (why, _("a SHA256 fingerprint is 32 bytes (43 base64 characters), but this "
                 "one decodes to %zu"), (size_t) n_bytes);
  return TRUE;
}

/* Lists ---------------------------------------------------------------- */

static gboolean
is_log_level (const char *s)
{
  return g_strv_contains (log_levels, s);
}

static gboolean
has_space_or_control (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || (guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

typedef gboolean (*ItemCheck) (const char *item,
                               gconstpointer data,
                               char      **message);

/* Cmdliner's list converter: split at every comma, no trimming. */
static gboolean
check_comma_list (const char   *value,
                  ItemCheck     check,
                  gconstpointer data,
                  char        **message)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);

  for (gsize i = 0; items[i] != NULL; i++)
    {
      g_autofree char *inner = NULL;

      if (items[i][0] == '\0')
        return fail (message, _("item %zu of the list is empty (two commas in "
                       "a row, or a comma at the start or end)"), (size_t) (i + 1));
      if (!check (items[i], data, message != NULL ? &inner : NULL))
        return fail (message, _("item %zu of the list: %s"), (size_t) (i + 1),
                     inner != NULL ? inner : "");
    }

  return TRUE;
}

/* Mirage_runtime's log threshold: LEVEL, *:LEVEL or SRC:LEVEL. */
static gboolean
check_threshold_item (const char   *item,
                      gconstpointer data,
                      char        **message)
{
  const char *colon = strchr (item, ':');
  const char *level = colon != NULL ? colon + 1 : item;
  g_autofree char *q = quote (item);

  if (colon != NULL && strchr (level, ':') != NULL)
    return fail (message, _("%s is not a log threshold: expected LEVEL or SOURCE:LEVEL"), q);
  if (colon == item)
    return fail (message, _("%s is not a log threshold: the log source before “:” is missing "
                 "(* stands for every source)"), q);
  if (colon != NULL)
    {
      g_autofree char *source = g_strndup (item, colon - item);

      if (has_space_or_control (source))
        return fail (message, _("%s is not a log threshold: a log source name has no spaces"), q);
    }
  if (*level == '\0')
    return fail (message, _("%s is not a log threshold: the level after “:” is missing"), q);
  if (!is_log_level (level))
    {
      g_autofree char *ql = quote (level);
      return fail (message, _("%s is not a log threshold: %s is not a log level (quiet, app, "
                   "error, warning, info or debug)"), q, ql);
    }
  return TRUE;
}

/* RFC 9110 token characters. */
static gboolean
is_tchar (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
check_header_item (const char   *item,
                   gconstpointer data,
                   char        **message)
{
  const char *colon = strchr (item, ':');
  g_autofree char *q = quote (item);

  if (colon == NULL)
    return fail (message, _("%s is not an HTTP header: expected NAME:VALUE"), q);
  if (colon == item)
    return fail (message, _("%s is not an HTTP header: the name before “:” is missing"), q);
  for (const char *p = item; p < colon; p++)
    if (!is_tchar (*p))
      {
        g_autofree char *qc = quote_char (p, colon);
        return fail (message, _("%s is not an HTTP header: %s is not allowed in a header name"),
                     q, qc);
      }
  for (const char *p = colon + 1; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
      return fail (message, _("%s is not an HTTP header: the value contains a control "
                   "character"), q);
  return TRUE;
}

static gboolean check_typed_info (const TypeInfo *t0,
                                  const char     *value,
                                  char          **message);
static gboolean check_typed (const char *value_type,
                             const char *value,
                             char      **message);

static gboolean
check_list_item (const char   *item,
                 gconstpointer data,
                 char        **message)
{
  return check_typed (data, item, message);
}

/* Checking ------------------------------------------------------------- */

/* value is not empty and value_type is known. */
static gboolean
check_typed (const char *value_type,
             const char *value,
             char      **message)
{
  TypeInfo t;

  type_parse (value_type, &t);
  return check_typed_info (&t, value, message);
}

static gboolean
check_typed_info (const TypeInfo *t0,
                  const char     *value,
                  char          **message)
{
  TypeInfo t = *t0;
  gsize len = strlen (value);
  g_autofree char *why = NULL;
  g_autofree char *q = NULL;
  gboolean ok = TRUE;

  switch (t.kind)
    {
    case KIND_STRING:
      return TRUE;

    case KIND_LIST:
      return check_comma_list (value, check_list_item, t.param, message);
    case KIND_LOG_THRESHOLDS:
      return check_comma_list (value, check_threshold_item, NULL, message);
    case KIND_HEADERS:
      return check_comma_list (value, check_header_item, NULL, message);

    default:
      break;
    }

  /* quoting is for messages only: done when one is written */
#define Q (q != NULL ? q : (q = quote (value)))

  switch (t.kind)
    {
    case KIND_INT:
      switch (parse_signed (value, len, INT63_MIN, INT63_MAX, NULL))
        {
        case NUM_OK:
          return TRUE;
        case NUM_RANGE:
          return fail (message, _("%s is out of range for an OCaml int (from %lld to %lld)"), Q,
                       (long long) INT63_MIN, (long long) INT63_MAX);
        case NUM_SYNTAX:
        default:
          return fail (message, _("expected a whole number in decimal (an OCaml int), got %s"), Q);
        }

    case KIND_INT64:
      switch (parse_int64_len (value, len, NULL))
        {
        case NUM_OK:
          return TRUE;
        case NUM_RANGE:
          return fail (message, _("%s does not fit in 64 bits (from %lld to %lld)"), Q,
                       (long long) G_MININT64, (long long) G_MAXINT64);
        case NUM_SYNTAX:
        default:
          return fail (message, _("expected a whole number in decimal (a 64-bit integer), "
                       "got %s"), Q);
        }

    case KIND_BOOL:
      if (ms_value_parse_bool (value, NULL))
        return TRUE;
      return fail (message, _("expected true or false, got %s"), Q);

    case KIND_PORT:
      {
        guint64 port;

        if (parse_digits (value, len, 65535, &port))
          return TRUE;
        return fail (message, _("expected an integer from 0 to 65535 (a port), got %s"), Q);
      }

    case KIND_IPV4:
      ok = parse_ipv4 (value, len, &why);
      break;

    case KIND_IPV6:
      if (value[0] == '[')
        ok = fail (&why, _("remove the brackets; they are only needed before a port"));
      else
        ok = parse_ipv6 (value, len, &why);
      break;

    case KIND_IP:
      if (value[0] == '[')
        ok = fail (&why, _("remove the brackets; they are only needed before a port"));
      else
        ok = parse_ip (value, len, &why);
      break;

    case KIND_IPV4_PREFIX:
    case KIND_IPV6_PREFIX:
      ok = parse_prefix (value, len, t.kind == KIND_IPV6_PREFIX, &why);
      break;

    case KIND_NAMESERVER:
      ok = parse_nameserver (value, &why);
      break;

    case KIND_SSH_KEY:
      ok = parse_ssh_key (value, &why);
      break;

    case KIND_SSH_AUTHENTICATOR:
      ok = parse_ssh_authenticator (value, &why);
      break;

    case KIND_TLS_AUTHENTICATOR:
      ok = parse_tls_authenticator (value, &why);
      break;

    case KIND_LOG_LEVEL:
      if (is_log_level (value))
        return TRUE;
      return fail (message, _("expected one of quiet, app, error, warning, info, debug, got %s"), Q);

    case KIND_ENUM:
      {
        g_auto(GStrv) choices = g_strsplit (t.param, ",", -1);
        g_autofree char *list = NULL;

        if (g_strv_contains ((const char *const *) choices, value))
          return TRUE;
        list = g_strjoinv (", ", choices);
        return fail (message, _("expected one of %s, got %s"), list, Q);
      }

    case KIND_ARG:
    case KIND_KEY:
      {
        /* a key's name may hold "-": Mirage's DSL keys with a group are
         * GROUP-KIND (data-kv_ro) */
        g_autofree char *name = g_strdup (value);
        const char *problem;

        if (t.kind == KIND_KEY && value[0] != '-')
          g_strdelimit (name, "-", '_');
        problem = identifier_problem (name);

        if (problem == NULL)
          return TRUE;
        return fail (message, _("expected the name of a %s, got %s: %s"),
                     t.kind == KIND_ARG ? _("runtime argument") : _("configure-time key"),
                     Q, problem);
      }

    case KIND_STRING:
    case KIND_LIST:
    case KIND_LOG_THRESHOLDS:
    case KIND_HEADERS:
    case KIND_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  if (ok)
    return TRUE;
  return fail (message, _("%s is not %s: %s"), Q, _(t.base->noun), why);
#undef Q
}

gboolean
ms_value_check (const char *value_type,
                const char *value,
                char      **message)
{
  g_return_val_if_fail (value_type != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (message != NULL)
    *message = NULL;

  {
    /* parsed once; the (cached) deeper validation is only needed for
     * composite types such as enum:a,b or list:T */
    TypeInfo t;
    gboolean known = type_parse (value_type, &t)
                     && (t.base != NULL || ms_value_type_is_known (value_type));

    if (!known)
      {
        g_autofree char *q = quote (value_type);
        return fail (message, _("cannot check the value: its type %s is unknown"), q);
      }
    if (*value == '\0')
      return TRUE;
    return check_typed_info (&t, value, message);
  }
}

void
ms_value_format_uint (char buf[16], guint v)
{
  char tmp[16];
  guint n = 0, i = 0;

  do
    tmp[n++] = (char) ('0' + v % 10);
  while ((v /= 10) > 0 && n < sizeof tmp);
  while (n > 0)
    buf[i++] = tmp[--n];
  buf[i] = '\0';
}
