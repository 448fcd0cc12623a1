/* ms-configml.c: writing config.ml.
 *
 * The project is first rebased on the target version's catalog
 * (ms_export_prepare), so every constructor call follows that version's
 * argument order and labels. Everything user-written reaches the file in
 * one of three shapes only: a checked OCaml identifier (device, key and
 * runtime-argument binding names, module paths), a value re-printed from
 * its parsed form (numbers, booleans, enum variants), or an OCaml string
 * literal from ms_escape_ocaml_string. Comments go through
 * ms_escape_ocaml_comment.
 *
 * Key-dependent devices (generic_stackv4v6, generic_kv_ro, ...) are
 * written as the generic constructor: Mirage itself picks the branch from
 * the configure keys, which are command-line flags, not code. An option
 * that names a key of the project (generic_kv_ro ~key) gets a Key.create
 * declaration with the converter of the key it replaces.
 */
#include "ms-configml.h"

#include <string.h>

#include "ms-escape.h"
#include "ms-eval.h"
#include "ms-type.h"
#include "ms-value.h"

#define LINE_WIDTH 80

typedef struct {
  const MsArgDecl *decl;
  const MsDevice *owner;      /* main or impl device declaring it; NULL: carried by a device */
  char *binding;              /* config.ml value, when an option refers to it */
  MsArgDecl *own;             /* the declaration of an argument only a device carries */
  const char *unit;           /* its module (the first main's), when owner is NULL */
} ArgInfo;

typedef struct {
  char *name;                 /* the key's name and flag */
  char *binding;
  const MsKeyDef *replaces;
  const MsDecl *decl;         /* a key of the project's own */
} KeyInfo;

typedef struct {
  MsDocument *doc;            /* rebased on cat */
  MsCatalog *cat;
  GHashTable *used;           /* OCaml names taken in the file */
  GHashTable *args;           /* arg name -> ArgInfo* */
  GPtrArray *arg_order;       /* ArgInfo*, declaration order */
  GHashTable *keys;           /* key name -> KeyInfo* */
  GPtrArray *key_order;
  GHashTable *requests;       /* device id -> dhcp_requests binding (4.11) */
  GString *out;
  gboolean after_block;       /* the last let took several lines */
  char **own_types;           /* the project's device types */
  const char *arg_unit;       /* module of runtime arguments only devices carry */
} Gen;

static void
arg_info_free (ArgInfo *a)
{
  g_free (a->binding);
  ms_arg_decl_free (a->own);
  g_free (a);
}

static void
key_info_free (KeyInfo *k)
{
  g_free (k->name);
  g_free (k->binding);
  g_free (k);
}

static gboolean
fail (GError **error, MsExportError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, MsExportError code, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, MS_EXPORT_ERROR, code, msg);
  return FALSE;
}

/* A free binding name: base, else base_SUFFIX, base_SUFFIX2, ... */
static char *
fresh_name (Gen *g, const char *base, const char *suffix)
{
  char *name = NULL;

  if (ms_export_name_is_usable (g->cat, base) && !g_hash_table_contains (g->used, base))
    name = g_strdup (base);
  for (guint n = 1; name == NULL; n++)
    {
      g_autofree char *c = n == 1 ? g_strdup_printf ("%s_%s", base, suffix)
                                  : g_strdup_printf ("%s_%s%u", base, suffix, n);
      if (ms_export_name_is_usable (g->cat, c) && !g_hash_table_contains (g->used, c))
        name = g_steal_pointer (&c);
    }
  g_hash_table_add (g->used, g_strdup (name));
  return name;
}

/* ---- signatures ------------------------------------------------------------------ */

/* The top-level arrow-separated parts of an OCaml type. */
static GPtrArray *
split_arrows (const char *sig)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = sig;
  int depth = 0;

  for (const char *p = sig;; p++)
    {
      if (*p == '(' || *p == '[')
        depth++;
      else if (*p == ')' || *p == ']')
        depth--;
      if (*p == '\0' || (depth == 0 && p[0] == '-' && p[1] == '>'))
        {
          g_ptr_array_add (parts, g_strstrip (g_strndup (start, (gsize) (p - start))));
          if (*p == '\0')
            break;
          start = p + 2;
          p++;
        }
    }
  return parts;
}

/* The OCaml type of a labelled argument in a constructor's signature
 * ("?key:[ `Crunch | `Direct ] value" -> "[ `Crunch | `Direct ] value"). */
static char *
label_type (const MsConstructor *c, const char *name)
{
  g_autoptr(GPtrArray) parts = split_arrows (c->signature ? c->signature : "");
  gsize nl = strlen (name);

  for (guint i = 0; i < parts->len; i++)
    {
      const char *p = parts->pdata[i];
      if (*p == '?' || *p == '~')
        p++;
      if (strncmp (p, name, nl) == 0 && p[nl] == ':')
        return g_strstrip (g_strdup (p + nl + 1));
    }
  return g_strdup ("");
}

static gboolean
returns_pair (const MsConstructor *c)
{
  g_autoptr(GPtrArray) parts = split_arrows (c->signature ? c->signature : "");

  return parts->len > 0 && strchr (parts->pdata[parts->len - 1], '*') != NULL
         && *(char *) parts->pdata[parts->len - 1] != '(';
}

/* `(dhcp_ipv4 -> network) impl`: a functor value applied with $. */
static gboolean
is_functor_value (const MsConstructor *c)
{
  return c->signature != NULL && c->signature[0] == '(' && c->arguments->len > 0;
}

/* "kv_ro", "tcpv4v6", "tcp" (for 'a tcp): the Mirage typ value of a type. */
static gboolean
typ_value (Gen *g, const MsType *t, const char *device, char **out, GError **error)
{
  g_autofree char *s = ms_type_to_string (g->cat, t);
  const char *name = s;
  const MsModuleType *mt;

  if (s[0] == '\'')
    name = strchr (s, ' ') ? strchr (s, ' ') + 1 : s;
  if (g->own_types != NULL && g_strv_contains ((const char *const *) g->own_types, name))
    {
      /* a type of the project's own: its `let NAME = typ Ctor` */
      *out = g_strdup (name);
      return TRUE;
    }
  mt = ms_catalog_lookup_type (g->cat, name);
  if (mt == NULL || mt->ocaml == NULL || *mt->ocaml == '\0' || !ms_value_is_identifier (mt->ocaml))
    return fail (error, MS_EXPORT_ERROR_INVALID,
                 "%s: type %s has no Mirage typ value in config.ml (use ipv4, ipv6 or ipv4v6 for ip)",
                 device, s);
  *out = g_strdup (mt->ocaml);
  return TRUE;
}

/* "(kv_ro @-> stackv4v6 @-> job)"; *arity gets the number of parameters. */
static char *
signature_text (Gen *g, const MsDevice *d, guint *arity, GError **error)
{
  const char *text = d->custom && d->custom->signature && *d->custom->signature
                     ? d->custom->signature : "job";
  g_autoptr(GError) local = NULL;
  g_autoptr(MsSignature) sig = ms_signature_parse_with (g->cat, (const char *const *) g->own_types, text, &local);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *result = NULL;

  if (sig == NULL)
    {
      fail (error, MS_EXPORT_ERROR_INVALID, "%s: invalid signature: %s", d->name, local->message);
      return NULL;
    }
  for (guint i = 0; i < sig->params->len; i++)
    {
      g_autofree char *p = NULL;
      if (!typ_value (g, &g_array_index (sig->params, MsType, i), d->name, &p, error))
        return NULL;
      g_string_append_printf (s, "%s @-> ", p);
    }
  if (!typ_value (g, &sig->result, d->name, &result, error))
    return NULL;
  g_string_append (s, result);
  *arity = sig->params->len;
  if (sig->params->len > 0)
    {
      g_string_prepend_c (s, '(');
      g_string_append_c (s, ')');
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- values ---------------------------------------------------------------------- */

static char *
int_literal (gint64 v, const char *suffix)
{
  return v < 0 ? g_strdup_printf ("(%" G_GINT64_FORMAT "%s)", v, suffix)
               : g_strdup_printf ("%" G_GINT64_FORMAT "%s", v, suffix);
}

static char *
call_of_string (const char *fn, const char *value)
{
  g_autofree char *lit = ms_escape_ocaml_string (value);

  return g_strdup_printf ("(%s %s)", fn, lit);
}

static const struct { const char *level; const char *ocaml; } log_levels[] = {
  { "quiet", "None" }, { "app", "(Some Logs.App)" }, { "error", "(Some Logs.Error)" },
  { "warning", "(Some Logs.Warning)" }, { "info", "(Some Logs.Info)" },
  { "debug", "(Some Logs.Debug)" },
};

static const char *
log_level_ocaml (const char *level)
{
  for (guint i = 0; i < G_N_ELEMENTS (log_levels); i++)
    if (g_str_equal (level, log_levels[i].level))
      return log_levels[i].ocaml;
  return NULL;
}

/* One value of a scalar value type, already checked against it. */
static char *
scalar (const char *type, const char *value)
{
  gint64 n;

  if (g_str_equal (type, "string") || g_str_equal (type, "nameserver") || g_str_equal (type, "ssh_key")
      || g_str_equal (type, "ssh_authenticator") || g_str_equal (type, "tls_authenticator"))
    return ms_escape_ocaml_string (value);
  if (g_str_equal (type, "int") || g_str_equal (type, "port"))
    return ms_value_parse_int64 (value, &n) ? int_literal (n, "") : NULL;
  if (g_str_equal (type, "int64"))
    return ms_value_parse_int64 (value, &n) ? int_literal (n, "L") : NULL;
  if (g_str_equal (type, "bool"))
    {
      gboolean b;
      return ms_value_parse_bool (value, &b) ? g_strdup (b ? "true" : "false") : NULL;
    }
  if (g_str_equal (type, "ipv4"))
    return call_of_string ("Ipaddr.V4.of_string_exn", value);
  if (g_str_equal (type, "ipv6"))
    return call_of_string ("Ipaddr.V6.of_string_exn", value);
  if (g_str_equal (type, "ip"))
    return call_of_string ("Ipaddr.of_string_exn", value);
  if (g_str_equal (type, "ipv4_prefix"))
    return call_of_string ("Ipaddr.V4.Prefix.of_string_exn", value);
  if (g_str_equal (type, "ipv6_prefix"))
    return call_of_string ("Ipaddr.V6.Prefix.of_string_exn", value);
  if (g_str_equal (type, "log_level"))
    return g_strdup (log_level_ocaml (value));
  if (g_str_has_prefix (type, "enum:"))
    {
      /* checked to be one of the catalog's words; written as `Word */
      if (!ms_value_is_identifier (value) || !g_ascii_islower (value[0]))
        return NULL;
      return g_strdup_printf ("`%c%s", g_ascii_toupper (value[0]), value + 1);
    }
  if (g_str_equal (type, "headers"))
    {
      const char *colon = strchr (value, ':');
      g_autofree char *name = NULL;
      g_autofree char *lit_name = NULL;
      g_autofree char *lit_value = NULL;
      if (colon == NULL)
        return NULL;
      name = g_strndup (value, (gsize) (colon - value));
      lit_name = ms_escape_ocaml_string (name);
      lit_value = ms_escape_ocaml_string (colon + 1);
      return g_strdup_printf ("(%s, %s)", lit_name, lit_value);
    }
  return NULL;
}

/* A list value: Cmdliner's converter splits at every comma. */
static char *
list_value (const char *item_type, const char *value)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);
  g_autoptr(GString) s = g_string_new ("[ ");

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *v = scalar (item_type, items[i]);
      if (v == NULL)
        return NULL;
      g_string_append_printf (s, "%s%s", i ? "; " : "", v);
    }
  g_string_append (s, " ]");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The OCaml expression for option a of device d set to value. */
static char *
option_value (Gen *g, const MsDevice *d, const MsArgument *a, const char *value, GError **error)
{
  g_autofree char *why = NULL;
  char *v = NULL;

  if (!ms_value_check (a->type, value, &why))
    {
      fail (error, MS_EXPORT_ERROR_INVALID, "%s.%s: %s", d->name, a->name, why ? why : "invalid value");
      return NULL;
    }
  if (g_str_has_prefix (a->type, "arg:"))
    {
      ArgInfo *info = g_hash_table_lookup (g->args, value);
      g_assert (info != NULL && info->binding != NULL);   /* prepared by collect_references */
      return g_strdup (info->binding);
    }
  if (g_str_has_prefix (a->type, "key:"))
    {
      KeyInfo *info = g_hash_table_lookup (g->keys, value);
      g_autofree char *otype = label_type (d->def, a->name);
      g_assert (info != NULL);
      /* `?key:[...] value` takes Key.value k; `?name:string key` the key */
      return g_str_has_suffix (otype, " value") ? g_strdup_printf ("(Key.value %s)", info->binding)
                                                : g_strdup (info->binding);
    }
  if (g_str_has_prefix (a->type, "list:"))
    v = list_value (a->type + 5, value);
  else if (g_str_equal (a->type, "headers"))
    v = list_value ("headers", value);    /* (string * string) list */
  else
    v = scalar (a->type, value);
  if (v == NULL)
    fail (error, MS_EXPORT_ERROR_INVALID, "%s.%s: config.ml has no form for a value of type %s",
          d->name, a->name, a->type);
  return v;
}

/* ---- references: runtime arguments and keys ------------------------------------- */

static gboolean
collect_args (Gen *g, GArray *order, GError **error)
{
  for (guint i = 0; i < order->len; i++)
    {
      const MsDevice *d = ms_document_get_device (g->doc, g_array_index (order, guint, i));
      if (d->custom == NULL || d->custom->runtime_args == NULL)
        continue;
      for (guint j = 0; j < d->custom->runtime_args->len; j++)
        {
          const MsArgDecl *a = d->custom->runtime_args->pdata[j];
          ArgInfo *info;
          if (!ms_value_is_identifier (a->name))
            return fail (error, MS_EXPORT_ERROR_INVALID,
                         "%s: runtime argument “%s” is not an OCaml name", d->name, a->name);
          if (g_hash_table_contains (g->args, a->name))
            continue;
          info = g_new0 (ArgInfo, 1);
          info->decl = a;
          info->owner = d;
          g_hash_table_insert (g->args, a->name, info);
          g_ptr_array_add (g->arg_order, info);
        }
    }
  return TRUE;
}

/* Key converters, by the catalog key an option replaces: the same as
 * Mirage's Key.kv_ro, Key.block, Key.dhcp and Key.net. */
static const struct { const char *key; const char *conv; const char *def; } key_convs[] = {
  { "kv_ro", "(Cmdliner.Arg.enum [ (\"crunch\", `Crunch); (\"direct\", `Direct) ])", "`Crunch" },
  { "block", "(Cmdliner.Arg.enum [ (\"xenstore\", `XenstoreId); (\"file\", `BlockFile); (\"ramdisk\", `Ramdisk) ])", "`Ramdisk" },
  { "dhcp", "Cmdliner.Arg.bool", "false" },
  { "net", "(Cmdliner.Arg.some (Cmdliner.Arg.enum [ (\"host\", `Host); (\"socket\", `Host); (\"direct\", `OCaml); (\"ocaml\", `OCaml) ]))", "None" },
};

/* The converter of the Key.create standing for catalog key r. */
static const char *
key_conv (const MsKeyDef *r)
{
  for (guint j = 0; j < G_N_ELEMENTS (key_convs); j++)
    if (g_str_equal (key_convs[j].key, r->name))
      return key_convs[j].conv;
  return "Cmdliner.Arg.string";   /* string keys (docteur's disk-name, disk-output) */
}

static gboolean
collect_references (Gen *g, GArray *order, GError **error)
{
  for (guint i = 0; i < order->len; i++)
    {
      const MsDevice *d = ms_document_get_device (g->doc, g_array_index (order, guint, i));
      const MsConstructor *c = d->def;

      if (c == NULL || d->custom != NULL || c->kind == MS_CTOR_CUSTOM)
        continue;
      for (guint j = 0; j < c->options->len; j++)
        {
          const MsArgument *a = c->options->pdata[j];
          const char *v = ms_device_get_option (d, a->name);

          if (v == NULL || *v == '\0')
            continue;
          if (!ms_value_check (a->type, v, NULL))
            continue;   /* reported when the option is written */
          if (g_str_has_prefix (a->type, "arg:"))
            {
              ArgInfo *info = g_hash_table_lookup (g->args, v);
              if (info == NULL)
                {
                  /* carried by the device alone (paf_server ~port): Mirage
                   * registers it through the device */
                  if (!ms_value_is_identifier (v))
                    return fail (error, MS_EXPORT_ERROR_INVALID,
                                 "%s.%s: runtime argument “%s” is not an OCaml name", d->name, a->name, v);
                  info = g_new0 (ArgInfo, 1);
                  info->own = ms_arg_decl_new (v, a->type + 4, NULL, NULL);
                  info->decl = info->own;
                  info->unit = g->arg_unit;
                  g_hash_table_insert (g->args, info->own->name, info);
                  g_ptr_array_add (g->arg_order, info);
                }
              if (info->binding == NULL)
                info->binding = fresh_name (g, v, "arg");
            }
          else if (g_str_has_prefix (a->type, "key:") && g_hash_table_contains (g->keys, v))
            {
              /* one Key.create serves every option naming the key: they
               * must agree on its OCaml type (the real mirage rejects
               * ~net_key:(Key.value k) with k a bool key) */
              KeyInfo *k = g_hash_table_lookup (g->keys, v);
              const MsKeyDef *r = a->replaces_key ? ms_catalog_lookup_key (g->cat, a->replaces_key) : NULL;
              if (k->decl != NULL && k->replaces == NULL)
                {
                  /* a key of the project's own standing for a catalog key */
                  k->replaces = r;
                  continue;
                }
              if (r != NULL && k->replaces != NULL && !g_str_equal (key_conv (r), key_conv (k->replaces)))
                return fail (error, MS_EXPORT_ERROR_INVALID,
                             "%s.%s: configure key “%s” stands for Mirage's %s key here and for its %s key "
                             "in another option, and the two have different types (give each its own key)",
                             d->name, a->name, v, r->name, k->replaces->name);
            }
          else if (g_str_has_prefix (a->type, "key:"))
            {
              KeyInfo *k = g_new0 (KeyInfo, 1);
              k->name = g_strdup (v);
              k->replaces = a->replaces_key ? ms_catalog_lookup_key (g->cat, a->replaces_key) : NULL;
              if (k->replaces == NULL)
                {
                  key_info_free (k);
                  return fail (error, MS_EXPORT_ERROR_INVALID,
                               "%s.%s: Mirage Studio does not know which key “%s” stands for",
                               d->name, a->name, v);
                }
              {
                g_autofree char *base = g_strdelimit (g_strdup (v), "-", '_');
                k->binding = fresh_name (g, base, "key");
              }
              g_hash_table_insert (g->keys, k->name, k);
              g_ptr_array_add (g->key_order, k);
            }
        }
    }
  return TRUE;
}

/* ---- layout --------------------------------------------------------------------- */

/* `let name = head a1 a2 $ x $ y` on one line when it fits, otherwise
 * the head, then one argument per line, then the applications. */
static void
emit_let_commented (Gen *g, const char *comment, const char *name, const char *head, GPtrArray *args,
                    GPtrArray *applied)
{
  /* a thousand devices make a thousand of these: plain appends, no printf */
  g_autoptr(GString) line = g_string_sized_new (128);
  GString *out = g->out;

  g_string_append (line, "let ");
  g_string_append (line, name);
  g_string_append (line, " = ");
  g_string_append (line, head);
  for (guint i = 0; i < args->len; i++)
    {
      g_string_append_c (line, ' ');
      g_string_append (line, args->pdata[i]);
    }
  for (guint i = 0; i < applied->len; i++)
    {
      g_string_append (line, " $ ");
      g_string_append (line, applied->pdata[i]);
    }
  if (line->len <= LINE_WIDTH && strchr (line->str, '\n') == NULL)
    {
      if (g->after_block)
        g_string_append_c (out, '\n');
      g->after_block = FALSE;
      if (comment != NULL)
        g_string_append (out, comment);
      g_string_append_len (out, line->str, (gssize) line->len);
      g_string_append_c (out, '\n');
      return;
    }
  /* a blank line around lets that take several lines (looking at the end
   * of the output only: it is long by now) */
  if (out->len >= 2 && !(out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n'))
    g_string_append_c (out, '\n');
  g->after_block = TRUE;
  if (comment != NULL)
    g_string_append (out, comment);
  g_string_append (out, "let ");
  g_string_append (out, name);
  g_string_append (out, " =\n  ");
  g_string_append (out, head);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < args->len; i++)
    {
      g_string_append (out, "    ");
      g_string_append (out, args->pdata[i]);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < applied->len; i++)
    {
      g_string_append (out, "  $ ");
      g_string_append (out, applied->pdata[i]);
      g_string_append_c (out, '\n');
    }
}

static void
emit_let (Gen *g, const char *name, const char *head, GPtrArray *args, GPtrArray *applied)
{
  emit_let_commented (g, NULL, name, head, args, applied);
}

static char *
labelled (const char *label, const char *value)
{
  return g_str_equal (label, value) ? g_strdup_printf ("~%s", label)
                                    : g_strdup_printf ("~%s:%s", label, value);
}

/* ---- devices ------------------------------------------------------------------------ */

static const char *
source_name (Gen *g, const MsDevice *d, const char *param)
{
  guint src = ms_document_get_source (g->doc, d->id, param);
  const MsDevice *s = src ? ms_document_get_device (g->doc, src) : NULL;

  return s ? s->name : NULL;
}

/* The dhcp_requests binding behind a lease: that of the DHCP client a
 * dhcp_proj_lease projects, else a fresh empty set. */
static char *
requests_for_lease (Gen *g, const MsDevice *lease)
{
  if (lease != NULL && g_strcmp0 (lease->ctor, "dhcp_proj_lease") == 0)
    {
      guint client = ms_document_get_source (g->doc, lease->id, "dhcp");
      const char *r = g_hash_table_lookup (g->requests, GUINT_TO_POINTER (client));
      if (r != NULL)
        return g_strdup (r);
    }
  return g_strdup ("(make_dhcp_requests ())");
}

static gboolean
emit_catalog_device (Gen *g, const MsDevice *d, GError **error)
{
  const MsConstructor *c = d->def;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) applied = g_ptr_array_new_with_free_func (g_free);
  gboolean functor = is_functor_value (c);
  g_autofree char *head = NULL;

  if (c->kind == MS_CTOR_INTERNAL)
    return fail (error, MS_EXPORT_ERROR_INVALID, "%s: %s is internal to Mirage and cannot be written in config.ml",
                 d->name, c->name);
  for (guint i = 0; i < c->arguments->len; i++)
    {
      const MsArgument *a = c->arguments->pdata[i];

      if (a->kind == MS_ARG_UNIT)
        g_ptr_array_add (args, g_strdup ("()"));
      else if (a->kind == MS_ARG_VALUE)
        {
          const char *v = ms_device_get_option (d, a->name);
          g_autofree char *value = NULL;

          if (g_str_equal (a->name, "dhcp_requests"))
            {
              /* 4.11: a set built with make_dhcp_requests, bound before
               * the device so that DNS devices can share it */
              const char *r = g_hash_table_lookup (g->requests, GUINT_TO_POINTER (d->id));
              g_ptr_array_add (args, labelled (a->name, r));
              continue;
            }
          if (v == NULL || *v == '\0')
            {
              if (a->label == MS_LABEL_OPTIONAL)
                continue;
              return fail (error, MS_EXPORT_ERROR_INVALID, "%s: %s needs option %s (mstudio set P %s.%s=VALUE)",
                           d->name, c->name, a->name, d->name, a->name);
            }
          if (!(value = option_value (g, d, a, v, error)))
            return FALSE;
          g_ptr_array_add (args, a->label == MS_LABEL_POSITIONAL ? g_steal_pointer (&value)
                                                                 : labelled (a->name, value));
        }
      else
        {
          const char *src = source_name (g, d, a->name);
          g_autofree char *otype = NULL;

          if (src == NULL)
            {
              if (a->label == MS_LABEL_OPTIONAL)
                continue;
              return fail (error, MS_EXPORT_ERROR_INVALID, "%s: input %s of %s is not connected",
                           d->name, a->name, c->name);
            }
          otype = label_type (c, a->name);
          if (g_str_has_prefix (otype, "dhcp_requests *"))
            {
              /* 4.11: ?dhcp:dhcp_requests * lease impl */
              guint lease_id = ms_document_get_source (g->doc, d->id, a->name);
              g_autofree char *r = requests_for_lease (g, ms_document_get_device (g->doc, lease_id));
              g_ptr_array_add (args, g_strdup_printf ("~%s:(%s, %s)", a->name, r, src));
            }
          else if (functor)
            g_ptr_array_add (applied, g_strdup (src));
          else if (a->label == MS_LABEL_POSITIONAL)
            g_ptr_array_add (args, g_strdup (src));
          else
            g_ptr_array_add (args, labelled (a->name, src));
        }
    }
  if (returns_pair (c))
    {
      /* generic_stackv4v6_with_lease: the project models the stack */
      g_autoptr(GString) call = g_string_new (c->name);
      for (guint i = 0; i < args->len; i++)
        g_string_append_printf (call, " %s", (char *) args->pdata[i]);
      head = g_strdup_printf ("fst (%s)", call->str);
      g_ptr_array_set_size (args, 0);
    }
  else
    head = g_strdup (c->name);
  emit_let (g, d->name, head, args, applied);
  return TRUE;
}

static char *
package_text (const MsPackage *p)
{
  g_autoptr(GString) s = g_string_new ("package");
  g_autofree char *name = ms_escape_ocaml_string (p->name);

  if (p->min)
    {
      g_autofree char *v = ms_escape_ocaml_string (p->min);
      g_string_append_printf (s, " ~min:%s", v);
    }
  if (p->max)
    {
      g_autofree char *v = ms_escape_ocaml_string (p->max);
      g_string_append_printf (s, " ~max:%s", v);
    }
  if (p->build)
    g_string_append (s, " ~build:true");
  if (p->switch_scope)
    g_string_append (s, " ~scope:`Switch");
  if (!p->build && p->libraries != NULL
      && !(g_strv_length (p->libraries) == 1 && g_str_equal (p->libraries[0], p->name)))
    {
      g_string_append (s, " ~libs:[");
      for (guint i = 0; p->libraries[i]; i++)
        {
          g_autofree char *l = ms_escape_ocaml_string (p->libraries[i]);
          g_string_append_printf (s, "%s %s", i ? ";" : "", l);
        }
      g_string_append (s, p->libraries[0] ? " ]" : "]");
    }
  g_string_append_printf (s, " %s", name);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "Unikernel.port": the runtime argument's value in the unit of the
 * device that declares it. */
static char *
arg_code (const ArgInfo *a)
{
  g_autofree char *unit = a->owner ? ms_export_unit_name (a->owner->custom->module)
                                   : g_strdup (a->unit ? a->unit : "Unikernel");
  g_autofree char *code = NULL;

  unit[0] = g_ascii_toupper (unit[0]);
  code = g_strdup_printf ("%s.%s", unit, a->decl->name);
  return ms_escape_ocaml_string (code);
}

/* ---- runtime-argument comments ------------------------------------------------- */

/* A piece of an argument comment: as the comment escaper writes it when
 * that keeps every byte and cannot be mistaken for the separators,
 * else as an OCaml string literal (the OCaml lexer reads string literals
 * inside comments, so the comment stays well-formed). */
static void
append_arg_comment_piece (GString *out, const char *text, gboolean last)
{
  g_autofree char *plain = ms_escape_ocaml_comment (text, FALSE);

  if (g_str_equal (plain, text) && text[0] != '"' && text[0] != ' '
      && !g_str_has_suffix (text, " ") && (last || strstr (text, ": ") == NULL))
    g_string_append (out, plain);
  else
    ms_escape_ocaml_string_append (out, text);
}

/* The comment mstudio import reads a runtime argument's declaration back
 * from (config.ml has no place for it; Mirage keeps it in unikernel.ml):
 * (* --NAME: TYPE, default VALUE: DOC *), the default and the doc left
 * out when empty. */
static void
emit_arg_comment (GString *out, const char *indent, const MsArgDecl *decl)
{
  g_string_append (out, indent);
  g_string_append (out, "(* --");
  ms_escape_ocaml_comment_append (out, decl->name, FALSE);
  g_string_append (out, ": ");
  ms_escape_ocaml_comment_append (out, decl->type && *decl->type ? decl->type : "string", FALSE);
  if (decl->default_value && *decl->default_value)
    {
      g_string_append (out, ", default ");
      append_arg_comment_piece (out, decl->default_value, FALSE);
    }
  if (decl->doc && *decl->doc)
    {
      g_string_append (out, ": ");
      append_arg_comment_piece (out, decl->doc, TRUE);
    }
  g_string_append (out, " *)\n");
}

static gboolean
emit_custom_device (Gen *g, const MsDevice *d, GError **error)
{
  const MsCustom *cu = d->custom;
  gboolean is_main = g_strcmp0 (d->ctor, "main") == 0;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) applied = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sig = NULL;
  g_autofree char *module = NULL;
  g_autoptr(GString) comments = NULL;   /* of the runtime arguments declared here */
  guint arity = 0;

  if (cu == NULL || !ms_export_module_path_is_valid (cu->module))
    return fail (error, MS_EXPORT_ERROR_INVALID,
                 "%s: the module “%s” is not an OCaml module path such as Unikernel.Main",
                 d->name, cu && cu->module ? cu->module : "");
  if (!(sig = signature_text (g, d, &arity, error)))
    return FALSE;

  if (cu->packages != NULL && cu->packages->len > 0)
    {
      g_autoptr(GString) s = g_string_new ("~packages:[ ");
      for (guint i = 0; i < cu->packages->len; i++)
        {
          g_autofree char *p = package_text (cu->packages->pdata[i]);
          g_string_append_printf (s, "%s%s", i ? "; " : "", p);
        }
      g_string_append (s, " ]");
      g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
    }
  if (cu->runtime_args != NULL && cu->runtime_args->len > 0)
    {
      g_autoptr(GString) s = g_string_new ("~runtime_args:[ ");
      for (guint i = 0; i < cu->runtime_args->len; i++)
        {
          const MsArgDecl *decl = cu->runtime_args->pdata[i];
          ArgInfo *a = g_hash_table_lookup (g->args, decl->name);
          g_autofree char *code = NULL;

          g_assert (a != NULL);
          g_string_append (s, i ? "; " : "");
          if (a->binding != NULL)
            g_string_append_printf (s, "Runtime_arg.v %s", a->binding);
          else
            {
              /* declared by this device (the first declaration wins) */
              const ArgInfo own = { decl, d, NULL, NULL, NULL };
              code = arg_code (&own);
              if (comments == NULL)
                comments = g_string_new (NULL);
              emit_arg_comment (comments, "", decl);
              g_string_append_printf (s, "runtime_arg ~pos:__POS__ %s", code);
            }
        }
      g_string_append (s, " ]");
      g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
    }
  if (cu->deps != NULL && cu->deps->len > 0)
    {
      g_autoptr(GString) s = g_string_new (is_main ? "~deps:[ " : "~extra_deps:[ ");
      for (guint i = 0; i < cu->deps->len; i++)
        {
          const MsDevice *dep = ms_document_get_device (g->doc, g_array_index (cu->deps, guint, i));
          if (dep == NULL)
            return fail (error, MS_EXPORT_ERROR_INVALID, "%s: depends on a device that does not exist", d->name);
          g_string_append_printf (s, "%sdep %s", i ? "; " : "", dep->name);
        }
      g_string_append (s, " ]");
      g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
    }
  if (cu->local_libs->len > 0)
    {
      g_autoptr(GString) s = g_string_new ("~local_libs:[ ");
      for (guint i = 0; i < cu->local_libs->len; i++)
        {
          g_autofree char *l = ms_escape_ocaml_string (cu->local_libs->pdata[i]);
          g_string_append_printf (s, "%s%s", i ? "; " : "", l);
        }
      g_string_append (s, " ]");
      g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
    }
  if (cu->keys->len > 0)
    {
      g_autoptr(GString) s = g_string_new ("~keys:[ ");
      for (guint i = 0; i < cu->keys->len; i++)
        {
          const KeyInfo *k = g_hash_table_lookup (g->keys, cu->keys->pdata[i]);
          if (k == NULL)
            return fail (error, MS_EXPORT_ERROR_INVALID, "%s: declares the key “%s”, which the project does not declare",
                         d->name, (char *) cu->keys->pdata[i]);
          g_string_append_printf (s, "%sKey.v %s", i ? "; " : "", k->binding);
        }
      g_string_append (s, " ]");
      g_ptr_array_add (args, g_string_free (g_steal_pointer (&s), FALSE));
    }
  /* OCaml code of the user's own (connect, dune, configure...): written
   * as it was read, in parentheses */
  if (cu->connect != NULL && !is_main)
    g_ptr_array_add (args, g_strdup_printf ("~connect:(%s)", cu->connect));
  for (guint i = 0; i < cu->labelled->len; i++)
    {
      const MsLabelled *l = cu->labelled->pdata[i];
      if (!ms_value_is_identifier (l->label))
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: “%s” is not a label", d->name, l->label);
      g_ptr_array_add (args, g_strdup_printf ("~%s:(%s)", l->label, l->code));
    }
  module = ms_escape_ocaml_string (cu->module);
  g_ptr_array_add (args, g_strdup_printf ("%s %s", module, sig));
  for (guint i = 1; i <= arity; i++)
    {
      g_autofree char *pos = g_strdup_printf ("%u", i);
      const char *src = source_name (g, d, pos);
      if (src == NULL)
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: input %u of %s is not connected",
                     d->name, i, cu->module);
      g_ptr_array_add (applied, g_strdup (src));
    }
  emit_let_commented (g, comments ? comments->str : NULL, d->name, is_main ? "main" : "impl", args, applied);
  return TRUE;
}

/* ---- the project's own types, keys and choices ---------------------------------- */

/* OCaml text of a key default or a choice case, as import writes it:
 * written back only when it is a literal (true, 42, "s", `Hvt, None,
 * (Some "x")), so project text cannot add code to the file here. */
static gboolean
literal_is_safe (const char *t)
{
  g_autofree char *inner = NULL;

  if (t == NULL || *t == '\0')
    return FALSE;
  if (g_str_equal (t, "true") || g_str_equal (t, "false") || g_str_equal (t, "None"))
    return TRUE;
  if (t[0] == '`')
    {
      if (!g_ascii_isalpha (t[1]))
        return FALSE;
      for (const char *p = t + 2; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '_' && *p != '\'')
          return FALSE;
      return TRUE;
    }
  if (t[0] == '"')
    {
      /* exactly what ms_escape_ocaml_string makes of its unescaped text */
      g_autofree char *body = g_strndup (t + 1, strlen (t) >= 2 ? strlen (t) - 2 : 0);
      g_autofree char *raw = g_strcompress (body);
      g_autofree char *again = ms_escape_ocaml_string (raw);
      return g_str_has_suffix (t, "\"") && g_str_equal (again, t);
    }
  if (g_str_has_prefix (t, "(Some ") && g_str_has_suffix (t, ")"))
    {
      inner = g_strndup (t + 6, strlen (t) - 7);
      return literal_is_safe (inner);
    }
  for (const char *p = t[0] == '-' ? t + 1 : t; *p; p++)
    if (!g_ascii_isdigit (*p) && !(p[1] == '\0' && *p == 'L'))
      return FALSE;
  return TRUE;
}

static void
emit_types (Gen *g)
{
  g_autoptr(GPtrArray) types = ms_document_get_decls (g->doc, MS_DECL_TYPE);

  for (guint i = 0; i < types->len; i++)
    {
      const MsDecl *d = types->pdata[i];
      /* names and constructors are checked identifiers (ms_document_set_decl) */
      g_string_append_printf (g->out, "type %s = %s\n\nlet %s = typ %s\n\n", d->name, d->constructor,
                              d->name, d->constructor);
      g_hash_table_add (g->used, g_strdup (d->name));
    }
}

/* Prepares a KeyInfo for every key of the project's own, so that options
 * naming one refer to its binding. */
static gboolean
collect_decl_keys (Gen *g, GError **error)
{
  g_autoptr(GPtrArray) keys = ms_document_get_decls (g->doc, MS_DECL_KEY);

  for (guint i = 0; i < keys->len; i++)
    {
      const MsDecl *d = keys->pdata[i];
      KeyInfo *k = g_new0 (KeyInfo, 1);
      g_autofree char *base = g_strdup (*d->binding ? d->binding : d->name);

      for (char *p = base; *p; p++)
        if (*p == '-')
          *p = '_';
      k->name = g_strdup (d->name);
      k->decl = d;
      k->binding = fresh_name (g, base, "key");
      g_hash_table_insert (g->keys, k->name, k);
      g_ptr_array_add (g->key_order, k);
      if (!g_str_equal (d->arg_kind, "flag") && !g_str_equal (d->arg_kind, "kv_ro")
          && !g_str_equal (d->arg_kind, "block") && !g_str_equal (d->arg_kind, "dhcp")
          && !g_str_equal (d->arg_kind, "net"))
        {
          if (!ms_value_is_identifier (d->conv))
            return fail (error, MS_EXPORT_ERROR_INVALID, "key %s: the converter “%s” is not one of Cmdliner.Arg's",
                         d->name, d->conv);
          if (g_str_equal (d->arg_kind, "opt") && !literal_is_safe (d->default_value))
            return fail (error, MS_EXPORT_ERROR_INVALID, "key %s: the default “%s” is not an OCaml literal",
                         d->name, d->default_value);
        }
    }
  return TRUE;
}

static void
emit_decl_key (Gen *g, const KeyInfo *k)
{
  const MsDecl *d = k->decl;
  g_autoptr(GString) info = g_string_new ("(Key.Arg.info");
  g_autofree char *name = ms_escape_ocaml_string (d->name);

  if (g_str_equal (d->arg_kind, "kv_ro") || g_str_equal (d->arg_kind, "block")
      || g_str_equal (d->arg_kind, "dhcp") || g_str_equal (d->arg_kind, "net"))
    {
      g_autofree char *group = ms_escape_ocaml_string (d->group);
      g_string_append_printf (g->out, "let %s = Key.%s%s%s ()\n\n", k->binding, d->arg_kind,
                              *d->group ? " ~group:" : "", *d->group ? group : "");
      return;
    }
  if (*d->doc)
    {
      g_autofree char *doc = ms_escape_ocaml_string (d->doc);
      g_string_append_printf (info, " ~doc:%s", doc);
    }
  if (*d->docv)
    {
      g_autofree char *docv = ms_escape_ocaml_string (d->docv);
      g_string_append_printf (info, " ~docv:%s", docv);
    }
  g_string_append (info, " [");
  for (guint i = 0; i < d->flags->len; i++)
    {
      g_autofree char *f = ms_escape_ocaml_string (d->flags->pdata[i]);
      g_string_append_printf (info, "%s %s", i ? ";" : "", f);
    }
  if (d->flags->len == 0)
    g_string_append_printf (info, " %s", name);
  g_string_append (info, " ])");
  /* the layout of emit_keys, so that a key read back is written the same */
  if (k->replaces != NULL)
    g_string_append_printf (g->out, "(* configure key --%s, in place of Mirage's %s key *)\n",
                            d->name, k->replaces->name);
  g_string_append_printf (g->out, "let %s =\n  Key.create %s\n    ", k->binding, name);
  if (g_str_equal (d->arg_kind, "flag"))
    g_string_append_printf (g->out, "(Key.Arg.flag\n       %s)\n\n", info->str);
  else if (g_str_equal (d->arg_kind, "opt"))
    g_string_append_printf (g->out, "(Key.Arg.opt Cmdliner.Arg.%s %s\n       %s)\n\n", d->conv, d->default_value,
                            info->str);
  else
    g_string_append_printf (g->out, "(Key.Arg.%s Cmdliner.Arg.%s\n       %s)\n\n", d->arg_kind, d->conv, info->str);
}

/* if_impl / match_impl. */
static gboolean
emit_choice (Gen *g, const MsDevice *d, GError **error)
{
  const MsChoice *ch = d->custom->choice;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *cond = NULL;
  gboolean two = ch->cases->len == 2 && !ch->has_default && g_str_equal (ch->cases->pdata[0], "true")
                 && g_str_equal (ch->cases->pdata[1], "false");

  if (ch->predicate != NULL)
    {
      gboolean b;
      if (!ms_eval_target_predicate (ch->predicate, "unix", &b))
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: “%s” is not a condition on the target", d->name, ch->predicate);
      cond = g_strdup_printf ("Key.%s", ch->predicate);
    }
  else if (g_str_equal (ch->key, "target"))
    cond = g_strdup ("Key.(value target)");
  else
    {
      const KeyInfo *k = g_hash_table_lookup (g->keys, ch->key);
      if (k == NULL || k->decl == NULL)
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: the choice reads the key “%s”, which the project does not declare",
                     d->name, ch->key);
      cond = g_strdup_printf ("(Key.value %s)", k->binding);
    }
  if (two)
    {
      const char *t = source_name (g, d, "true"), *f = source_name (g, d, "false");
      if (t == NULL || f == NULL)
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: a branch of the choice is not connected", d->name);
      g_ptr_array_add (args, g_strdup (cond));
      g_ptr_array_add (args, g_strdup (t));
      g_ptr_array_add (args, g_strdup (f));
      emit_let (g, d->name, "if_impl", args, none);
      return TRUE;
    }
  {
    g_autoptr(GString) list = g_string_new ("[");
    const char *def = source_name (g, d, MS_CHOICE_DEFAULT);
    for (guint i = 0; i < ch->cases->len; i++)
      {
        const char *v = ch->cases->pdata[i], *src = source_name (g, d, v);
        if (!literal_is_safe (v))
          return fail (error, MS_EXPORT_ERROR_INVALID, "%s: the case “%s” is not an OCaml literal", d->name, v);
        if (src == NULL)
          return fail (error, MS_EXPORT_ERROR_INVALID, "%s: the branch %s is not connected", d->name, v);
        g_string_append_printf (list, "%s (%s, %s)", i ? ";" : "", v, src);
      }
    g_string_append (list, ch->cases->len ? " ]" : "]");
    if (def == NULL)
      return fail (error, MS_EXPORT_ERROR_INVALID, "%s: the default branch of the choice is not connected", d->name);
    g_ptr_array_add (args, g_strdup (cond));
    g_ptr_array_add (args, g_string_free (g_steal_pointer (&list), FALSE));
    g_ptr_array_add (args, g_strdup_printf ("~default:%s", def));
    emit_let (g, d->name, "match_impl", args, none);
  }
  return TRUE;
}

/* ---- the file ------------------------------------------------------------------- */

static void
emit_comment_line (GString *out, const char *indent, const char *text)
{
  g_string_append (out, indent);
  ms_escape_ocaml_comment_append (out, text, FALSE);
  g_string_append_c (out, '\n');
}

static void
emit_header (Gen *g, MsDocument *doc)
{
  const char *target = ms_document_get_target (g->doc);
  g_autoptr(GPtrArray) flags = ms_export_key_flags (g->doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (g->doc);
  g_autoptr(GString) configure = g_string_new ("mirage configure -t ");
  g_autofree char *t = ms_escape_shell_word (target);
  g_autofree char *app = ms_escape_ocaml_comment (ms_document_get_app_name (g->doc), FALSE);
  gboolean any_arg = FALSE;

  g_string_append (configure, t);
  for (guint i = 0; i < flags->len; i++)
    g_string_append_printf (configure, " %s", (char *) flags->pdata[i]);

  g_string_append_printf (g->out, "(* config.ml of %s, exported by Mirage Studio for Mirage %s.\n\n",
                          app, ms_catalog_get_mirage_version (g->cat));
  g_string_append (g->out, "   Configure-time keys are command-line flags of mirage configure, not\n"
                           "   config.ml code. This project is configured and built with:\n\n");
  emit_comment_line (g->out, "     ", configure->str);
  g_string_append (g->out, "     make depend\n     make build\n");
  for (guint i = 0; i < settings->len; i++)
    {
      const char *s = settings->pdata[i];
      const char *v = ms_document_get_setting (g->doc, s);
      g_autofree char *word = NULL;
      g_autofree char *flag = NULL;

      if (!g_str_has_prefix (s, "arg:") || v == NULL)
        continue;
      if (!any_arg)
        g_string_append (g->out, "\n   Runtime arguments the project sets, to give at boot:\n\n");
      any_arg = TRUE;
      flag = g_strdup_printf ("--%s=%s", s + 4, v);
      word = ms_escape_shell_word (flag);
      emit_comment_line (g->out, "     ", word);
    }
  g_string_append (g->out, "*)\n\n");
}

static void
emit_keys (Gen *g)
{
  for (guint i = 0; i < g->key_order->len; i++)
    {
      const KeyInfo *k = g->key_order->pdata[i];
      const char *conv = NULL, *def = NULL;
      if (k->decl != NULL)
        {
          emit_decl_key (g, k);
          continue;
        }
      g_autofree char *def_lit = NULL;
      g_autofree char *name = ms_escape_ocaml_string (k->name);
      g_autofree char *doc = ms_escape_ocaml_string (k->replaces->doc ? k->replaces->doc : "");

      for (guint j = 0; j < G_N_ELEMENTS (key_convs); j++)
        if (g_str_equal (key_convs[j].key, k->replaces->name))
          {
            conv = key_convs[j].conv;
            def = key_convs[j].def;
          }
      if (conv == NULL)
        {
          /* string keys (docteur's disk-name, disk-output) */
          conv = "Cmdliner.Arg.string";
          def = def_lit = ms_escape_ocaml_string (k->replaces->default_value ? k->replaces->default_value : "");
        }
      g_string_append_printf (g->out, "(* configure key --%s, in place of Mirage's %s key *)\n",
                              k->name, k->replaces->name);
      g_string_append_printf (g->out,
                              "let %s =\n"
                              "  Key.create %s\n"
                              "    (Key.Arg.opt %s %s\n"
                              "       (Key.Arg.info ~doc:%s [ %s ]))\n\n",
                              k->binding, name, conv, def, doc, name);
    }
}

static void
emit_args (Gen *g)
{
  gboolean any = FALSE;

  for (guint i = 0; i < g->arg_order->len; i++)
    {
      const ArgInfo *a = g->arg_order->pdata[i];
      g_autofree char *code = NULL;

      if (a->binding == NULL)
        continue;
      code = arg_code (a);
      emit_arg_comment (g->out, "", a->decl);
      g_string_append_printf (g->out, "let %s = Runtime_arg.create ~pos:__POS__ %s\n", a->binding, code);
      any = TRUE;
    }
  if (any)
    g_string_append_c (g->out, '\n');
}

static gboolean
emit_register (Gen *g, GError **error)
{
  static const char * const choices[] = { "argv", "reporter", "sleep", "ptime", "mtime", "random" };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GArray) jobs = ms_document_get_jobs (g->doc);
  g_autoptr(GString) list = g_string_new ("[");
  g_autofree char *name = ms_escape_ocaml_string (ms_document_get_app_name (g->doc));
  const char *level = ms_document_get_setting (g->doc, MS_SETTING_LEVEL);

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      const char *v = ms_document_get_setting (g->doc, choices[i]);
      const char *ctor;

      if (g_str_equal (choices[i], "reporter") && (v == NULL || g_str_equal (v, "default"))
          && level != NULL && *level && g_strcmp0 (level, ms_catalog_get_default_level (g->cat)) != 0)
        {
          const char *l = log_level_ocaml (level);
          if (l == NULL)
            return fail (error, MS_EXPORT_ERROR_INVALID, "level: “%s” is not a log level", level);
          g_ptr_array_add (args, g_strdup_printf ("~reporter:(default_reporter ~level:%s ())", l));
          continue;
        }
      if (v == NULL || *v == '\0' || g_str_equal (v, "default"))
        continue;
      ctor = ms_catalog_get_register_choice (g->cat, choices[i], v);
      if (ctor == NULL || !ms_value_is_identifier (ctor))
        return fail (error, MS_EXPORT_ERROR_INVALID, "%s: “%s” is not a choice of Mirage %s",
                     choices[i], v, ms_catalog_get_mirage_version (g->cat));
      g_ptr_array_add (args, g_strdup_printf ("~%s:%s", choices[i], ctor));
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      const MsDevice *d = ms_document_get_device (g->doc, g_array_index (jobs, guint, i));
      if (d == NULL)
        return fail (error, MS_EXPORT_ERROR_INVALID, "jobs: a job is not a device of the project");
      g_string_append_printf (list, "%s %s", i ? ";" : "", d->name);
    }
  g_string_append (list, jobs->len ? " ]" : "]");
  g_ptr_array_add (args, g_strdup (name));
  g_ptr_array_add (args, g_string_free (g_steal_pointer (&list), FALSE));
  emit_let (g, "()", "register", args, none);
  return TRUE;
}

static gboolean
check_names (Gen *g, GError **error)
{
  GPtrArray *devices = ms_document_get_devices (g->doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      g_autofree char *shown = ms_escape_ocaml_string (d->name);

      if (!ms_export_name_is_usable (g->cat, d->name))
        return fail (error, MS_EXPORT_ERROR_INVALID,
                     "the device name %s cannot be an OCaml value next to Mirage %s's own names "
                     "(rename it)", shown, ms_catalog_get_mirage_version (g->cat));
      if (!g_hash_table_add (g->used, g_strdup (d->name)))
        return fail (error, MS_EXPORT_ERROR_INVALID, "two devices are named %s", shown);
    }
  return TRUE;
}

static gboolean
generate (Gen *g, MsDocument *orig, GError **error)
{
  const char *comment = ms_catalog_get_version_comment (g->cat);
  g_autoptr(GArray) order = NULL;

  if (comment == NULL || !g_str_has_prefix (comment, "(* mirage ") || !g_str_has_suffix (comment, "*)")
      || strchr (comment, '\n') != NULL)
    return fail (error, MS_EXPORT_ERROR_INVALID, "the catalog of Mirage %s has no valid version comment",
                 ms_catalog_get_mirage_version (g->cat));
  if (!check_names (g, error) || !(order = ms_export_device_order (g->doc, error)))
    return FALSE;
  g->own_types = ms_document_dup_type_names (g->doc);
  for (guint i = 0; g->own_types[i] != NULL; i++)
    g_hash_table_add (g->used, g_strdup (g->own_types[i]));
  for (guint i = 0; i < order->len && g->arg_unit == NULL; i++)
    {
      const MsDevice *d = ms_document_get_device (g->doc, g_array_index (order, guint, i));
      if (g_strcmp0 (d->ctor, "main") == 0 && d->custom != NULL)
        {
          g_autofree char *unit = ms_export_unit_name (d->custom->module);
          unit[0] = g_ascii_toupper (unit[0]);
          g->arg_unit = g_intern_string (unit);
        }
    }
  if (!collect_decl_keys (g, error) || !collect_args (g, order, error) || !collect_references (g, order, error))
    return FALSE;

  g_string_append_printf (g->out, "%s\n\n", comment);
  emit_header (g, orig);
  g_string_append (g->out, "open Mirage\n\n");
  emit_types (g);
  emit_keys (g);
  emit_args (g);

  for (guint i = 0; i < order->len; i++)
    {
      const MsDevice *d = ms_document_get_device (g->doc, g_array_index (order, guint, i));

      if (d->def == NULL)
        return fail (error, MS_EXPORT_ERROR_INCOMPATIBLE, "%s: Mirage %s has no constructor %s",
                     d->name, ms_catalog_get_mirage_version (g->cat), d->ctor);
      if (ms_constructor_find_option (d->def, "dhcp_requests") != NULL)
        {
          const char *codes = ms_device_get_option (d, "dhcp_requests");
          char *r = fresh_name (g, d->name, "dhcp_requests");
          const MsArgument *a = ms_constructor_find_option (d->def, "dhcp_requests");

          g_hash_table_insert (g->requests, GUINT_TO_POINTER (d->id), r);
          g_string_append_printf (g->out, "let %s = make_dhcp_requests ()\n", r);
          if (codes != NULL && *codes)
            {
              g_autofree char *why = NULL;
              g_autofree char *list = NULL;
              if (!ms_value_check (a->type, codes, &why) || !(list = list_value ("int", codes)))
                return fail (error, MS_EXPORT_ERROR_INVALID, "%s.dhcp_requests: %s", d->name,
                             why ? why : "not a list of integers");
              g_string_append_printf (g->out, "let () = List.iter (add_dhcp_request %s) %s\n", r, list);
            }
        }
      if (d->custom != NULL && d->custom->choice != NULL)
        {
          if (!emit_choice (g, d, error))
            return FALSE;
        }
      else if (d->custom != NULL || d->def->kind == MS_CTOR_CUSTOM)
        {
          if (!emit_custom_device (g, d, error))
            return FALSE;
        }
      else if (!emit_catalog_device (g, d, error))
        return FALSE;
    }
  if (order->len > 0)
    g_string_append_c (g->out, '\n');
  g->after_block = FALSE;
  return emit_register (g, error);
}

char *
ms_configml_generate (MsDocument *doc, MsCatalog *catalog, MsExportFlags flags, GError **error)
{
  g_autoptr(MsDocument) rebased = ms_export_prepare (doc, catalog, flags, error);
  Gen g = { 0 };
  gboolean ok;

  if (rebased == NULL)
    return NULL;
  g.doc = rebased;
  g.cat = catalog;
  g.used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g.args = g_hash_table_new (g_str_hash, g_str_equal);
  g.arg_order = g_ptr_array_new_with_free_func ((GDestroyNotify) arg_info_free);
  g.keys = g_hash_table_new (g_str_hash, g_str_equal);
  g.key_order = g_ptr_array_new_with_free_func ((GDestroyNotify) key_info_free);
  g.requests = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g.out = g_string_new (NULL);

  ok = generate (&g, doc, error);

  g_hash_table_unref (g.used);
  g_hash_table_unref (g.args);
  g_ptr_array_unref (g.arg_order);
  g_hash_table_unref (g.keys);
  g_ptr_array_unref (g.key_order);
  g_hash_table_unref (g.requests);
  g_strfreev (g.own_types);
  return g_string_free (g.out, !ok);
}
