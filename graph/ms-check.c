/* ms-check.c: checking a project and explaining what is wrong.
 *
 * Mirage leaves most mistakes to the OCaml compiler or to opam, where they
 * surface far from their cause. Here every rule produces a diagnostic that
 * names the device, port, option or setting at fault. Types are checked by
 * one unification pass over all connections (so IP versions flow through
 * direct_udp/direct_tcp), in a stable order so that the same project always
 * gives the same messages.
 */
#include "ms-check.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include "ms-eval.h"
#include "ms-value.h"
#include "ms-version.h"

#include <string.h>

/* A device's instantiated signature. */
typedef struct {
  const MsDevice *device;
  const MsConstructor *ctor;
  MsSignature *sig;          /* borrowed from the check's caches */
  GPtrArray *param_names;    /* borrowed: names for catalog devices, NULL for custom */
  int base;
  gboolean valid;
} DevSig;

typedef struct {
  MsDocument *doc;
  MsCatalog *cat;
  GPtrArray *diags;
  MsUnifier *u;
  GHashTable *ctor_sigs;     /* ctor name -> MsSignature* */
  GHashTable *text_sigs;     /* custom signature text -> MsSignature* (NULL: invalid) */
  GPtrArray *devices;        /* the document's, sorted by id */
  int *pos_of;               /* id -> position, see position_map */
  guint pos_size;
  DevSig *sigs;              /* one per device position; ctor == NULL && !done: not computed */
  gboolean *done;
  char **own_types;          /* the project's device types (NULL-terminated) */
} Check;

static int *position_map (GPtrArray *devices, guint *size);

static void
check_init (Check *c, MsDocument *doc, GPtrArray *diags)
{
  c->doc = doc;
  c->cat = ms_document_get_catalog (doc);
  c->diags = diags;
  c->u = ms_unifier_new ();
  c->ctor_sigs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) ms_signature_free);
  c->text_sigs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) ms_signature_free);
  c->devices = ms_document_get_devices (doc);
  c->pos_of = position_map (c->devices, &c->pos_size);
  c->sigs = g_new0 (DevSig, c->devices->len + 1);
  c->done = g_new0 (gboolean, c->devices->len + 1);
  {
    g_autoptr(GPtrArray) types = ms_document_get_decls (doc, MS_DECL_TYPE);
    c->own_types = g_new0 (char *, types->len + 1);
    for (guint i = 0; i < types->len; i++)
      c->own_types[i] = g_strdup (((MsDecl *) types->pdata[i])->name);
  }
}

static void
check_clear (Check *c)
{
  ms_unifier_free (c->u);
  g_hash_table_unref (c->ctor_sigs);
  g_hash_table_unref (c->text_sigs);
  g_free (c->sigs);
  g_free (c->done);
  g_free (c->pos_of);
  g_strfreev (c->own_types);
}

static MsDiagnostic *
add (Check *c, const char *code, MsSeverity sev, const MsDevice *d, const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static MsDiagnostic *
add (Check *c, const char *code, MsSeverity sev, const MsDevice *d, const char *fmt, ...)
{
  MsDiagnostic *diag;
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  diag = ms_diagnostic_new (code, sev, d ? d->name : NULL, "%s", msg);
  if (c->diags != NULL)
    g_ptr_array_add (c->diags, diag);
  else
    {
      /* a dry run (ms_check_connection): nobody wants the diagnostics */
      ms_diagnostic_free (diag);
      return NULL;
    }
  return diag;
}

/* ---- versions ------------------------------------------------------------------ */

/* The constructor named ctor in the catalog of Mirage version, when that
 * is not the project's version; NULL otherwise. Catalogs live for the
 * process (ms_catalog_get_default caches them), so the pointer stays
 * good after the reference is dropped. */
static const MsConstructor *
ctor_in_other_version (Check *c, const char *version, const char *ctor)
{
  g_autoptr(MsCatalog) other = NULL;

  if (g_str_equal (version, ms_catalog_get_mirage_version (c->cat))
      || (other = ms_catalog_get_default (version, NULL)) == NULL)
    return NULL;
  return ms_catalog_lookup (other, ctor);
}

/* The other known Mirage version whose constructor ctor has the option
 * (is_param FALSE) or parameter named name, newest first; NULL if none. */
static const char *
version_with_argument (Check *c, const char *ctor, const char *name, gboolean is_param)
{
  const char *const *versions = ms_catalog_get_known_versions ();

  for (int i = (int) g_strv_length ((char **) versions) - 1; i >= 0; i--)
    {
      const MsConstructor *oc = ctor_in_other_version (c, versions[i], ctor);

      if (oc != NULL && (is_param ? ms_constructor_find_param (oc, name) != NULL
                                  : ms_constructor_find_option (oc, name) != NULL))
        return versions[i];
    }
  return NULL;
}

/* The other known version in which ctor returns another type: its result
 * there in *result. */
static const char *
version_with_other_result (Check *c, const MsConstructor *ctor, const char **result)
{
  const char *const *versions = ms_catalog_get_known_versions ();

  for (int i = (int) g_strv_length ((char **) versions) - 1; i >= 0; i--)
    {
      const MsConstructor *oc = ctor_in_other_version (c, versions[i], ctor->name);

      if (oc != NULL && g_strcmp0 (oc->result, ctor->result) != 0)
        {
          *result = oc->result;
          return versions[i];
        }
    }
  return NULL;
}

/* ---- signatures ---------------------------------------------------------------- */

static MsSignature *
ctor_signature (Check *c, const MsConstructor *ctor)
{
  MsSignature *sig = g_hash_table_lookup (c->ctor_sigs, ctor->name);
  g_autoptr(GHashTable) vars = NULL;

  if (sig != NULL)
    return sig;
  vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sig = g_new0 (MsSignature, 1);
  sig->params = g_array_new (FALSE, TRUE, sizeof (MsType));
  for (guint i = 0; i < ctor->params->len; i++)
    {
      const MsArgument *a = ctor->params->pdata[i];
      MsType t;
      if (!ms_type_parse (c->cat, a->type, &t, &sig->n_vars, vars, NULL))
        t.family = NULL, t.var = -1, t.version = MS_IPV_NONE;
      g_array_append_val (sig->params, t);
    }
  if (!ms_type_parse (c->cat, ctor->result, &sig->result, &sig->n_vars, vars, NULL))
    sig->result.family = NULL;
  g_hash_table_insert (c->ctor_sigs, ctor->name, sig);
  return sig;
}

/* The checker keeps per-device state in arrays indexed by the device's
 * position in the document; ids map to positions through a dense table
 * (ids are never reused, so the table is as long as the largest id). */
static int *
position_map (GPtrArray *devices, guint *size)
{
  guint n = devices->len ? ((MsDevice *) devices->pdata[devices->len - 1])->id + 1 : 1;
  int *map = g_new (int, n);

  for (guint i = 0; i < n; i++)
    map[i] = -1;
  for (guint i = 0; i < devices->len; i++)
    map[((MsDevice *) devices->pdata[i])->id] = (int) i;
  *size = n;
  return map;
}

static inline int
map_pos (const int *map, guint size, guint id)
{
  return id < size ? map[id] : -1;
}

static DevSig *device_signature_at (Check *c, int pos, const MsDevice *d, gboolean report);

static DevSig *
device_signature (Check *c, const MsDevice *d, gboolean report)
{
  return device_signature_at (c, map_pos (c->pos_of, c->pos_size, d->id), d, report);
}

/* pos: the device's position when the caller knows it (-1: not in the document) */
static DevSig *
device_signature_at (Check *c, int pos, const MsDevice *d, gboolean report)
{
  DevSig *s = &c->sigs[pos < 0 ? c->devices->len : (guint) pos];

  if (pos >= 0 && c->done[pos])
    return s;
  if (pos >= 0)
    c->done[pos] = TRUE;
  memset (s, 0, sizeof *s);
  s->device = d;
  s->ctor = d->def;
  if (d->custom != NULL)
    {
      g_autoptr(GError) error = NULL;
      gpointer cached;

      g_autofree char *text = NULL;

      /* a choice takes one input per case (and default), all of the type
       * of its output: T @-> ... @-> T */
      if (d->custom->choice != NULL)
        {
          GString *t = g_string_new (NULL);
          guint n = d->custom->choice->cases->len + (d->custom->choice->has_default ? 1 : 0);
          for (guint i = 0; i < n; i++)
            g_string_append_printf (t, "%s @-> ", d->custom->signature);
          g_string_append (t, d->custom->signature);
          text = g_string_free (t, FALSE);
        }
      else
        text = g_strdup (d->custom->signature);
      /* thousands of mains often share one signature: parse each text once */
      if (g_hash_table_lookup_extended (c->text_sigs, text, NULL, &cached) && cached != NULL)
        s->sig = cached;
      else
        {
          s->sig = ms_signature_parse_with (c->cat, (const char *const *) c->own_types, text, &error);
          if (s->sig != NULL)
            g_hash_table_insert (c->text_sigs, g_strdup (text), s->sig);
        }
      if (s->sig == NULL && report)
        {
          MsDiagnostic *diag = add (c, MS_DIAG_INVALID_SIGNATURE, MS_SEVERITY_ERROR, d, "%s", error->message);
          if (diag)
            diag->option = g_strdup ("signature");
        }
    }
  else if (s->ctor != NULL)
    {
      s->sig = ctor_signature (c, s->ctor);
      s->param_names = s->ctor->params;
    }
  s->valid = s->sig != NULL && s->sig->result.family != NULL;
  if (s->valid)
    s->base = ms_unifier_fresh (c->u, s->sig->n_vars);
  return s;
}

/* Index of param in the device's signature, or -1. */
static int
param_index (DevSig *s, const char *param)
{
  if (!s->valid)
    return -1;
  if (s->device->custom != NULL && s->device->custom->choice != NULL)
    {
      const MsChoice *ch = s->device->custom->choice;
      guint idx;
      if (g_ptr_array_find_with_equal_func (ch->cases, param, g_str_equal, &idx))
        return (int) idx;
      return ch->has_default && g_str_equal (param, MS_CHOICE_DEFAULT) ? (int) ch->cases->len : -1;
    }
  if (s->param_names == NULL)
    {
      /* a 1-based position, digits only */
      guint pos = 0;
      const char *p = param;
      if (*p == '\0' || *p == '0')
        return -1;
      for (; *p; p++)
        {
          if (*p < '0' || *p > '9' || pos > 100000)
            return -1;
          pos = pos * 10 + (guint) (*p - '0');
        }
      return pos <= s->sig->params->len ? (int) pos - 1 : -1;
    }
  for (guint i = 0; i < s->param_names->len; i++)
    if (g_strcmp0 (((MsArgument *) s->param_names->pdata[i])->name, param) == 0)
      return (int) i;
  return -1;
}

static char *
type_text (Check *c, const MsType *t)
{
  MsType r = ms_unifier_resolve (c->u, t);

  return ms_type_to_string (c->cat, &r);
}

/* Unifies one connection; FALSE and *why on a mismatch. */
static gboolean
unify_connection (Check *c, const MsDevice *src, const MsDevice *dst, const char *param,
                  gboolean report, char **why)
{
  DevSig *ss = device_signature (c, src, report);
  DevSig *ds = device_signature (c, dst, report);
  MsType expected, found;
  g_autofree char *reason = NULL;
  int idx;

  if (!ss->valid || !ds->valid)
    return TRUE;   /* reported elsewhere */
  idx = param_index (ds, param);
  if (idx < 0)
    {
      if (why)
        *why = g_strdup_printf (_("%s has no parameter “%s”"), dst->name, param);
      return FALSE;
    }
  expected = ms_type_instantiate (&g_array_index (ds->sig->params, MsType, idx), ds->base);
  found = ms_type_instantiate (&ss->sig->result, ss->base);
  if (ms_unifier_unify (c->u, c->cat, &expected, &found, &reason))
    return TRUE;
  if (why)
    *why = g_strdup_printf (_("%s from %s (%s)"), reason, src->name, src->ctor);
  return FALSE;
}

/* ---- structure ------------------------------------------------------------------ */

static gboolean
module_path_is_valid (const char *m)
{
  gboolean start = TRUE;

  if (m == NULL || *m == '\0')
    return FALSE;
  for (const char *p = m; *p; p++)
    {
      if (start)
        {
          if (!g_ascii_isupper (*p))
            return FALSE;
          start = FALSE;
        }
      else if (*p == '.')
        start = TRUE;
      else if (!g_ascii_isalnum (*p) && *p != '_' && *p != '\'')
        return FALSE;
    }
  return !start;
}

static gboolean
flag_is_valid (const char *name)
{
  if (name == NULL || !g_ascii_islower (name[0]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* Runtime arguments declared by custom devices, for arg:T references. */
static GHashTable *
declared_args (MsDocument *doc)
{
  GHashTable *args = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *devices = ms_document_get_devices (doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      for (guint j = 0; d->custom != NULL && j < d->custom->runtime_args->len; j++)
        {
          MsArgDecl *a = d->custom->runtime_args->pdata[j];
          if (!g_hash_table_contains (args, a->name))
            g_hash_table_insert (args, a->name, a);
        }
    }
  return args;
}

static void
check_value (Check *c, const MsDevice *d, const char *option, const char *type,
             const char *value, GHashTable *args)
{
  g_autofree char *why = NULL;
  MsDiagnostic *diag;

  /* any text is a string: the commonest option needs no checking */
  if (strcmp (type, "string") == 0)
    return;
  if (!ms_value_check (type, value, &why))
    {
      diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d, "%s", why);
      if (diag)
        diag->option = g_strdup (option);
      return;
    }
  if (g_str_has_prefix (type, "arg:") && value != NULL && *value)
    {
      MsArgDecl *a = g_hash_table_lookup (args, value);
      if (a == NULL)
        {
          /* Mirage accepts it: the device carries the argument and
           * registers it (paf_server ~port); only its declaration in
           * unikernel.ml says its type and default (issue 11) */
          diag = add (c, MS_DIAG_UNKNOWN_ARG_REFERENCE, MS_SEVERITY_INFO, d,
                      _("carries the runtime argument “%s”, which no main or impl declares: Mirage registers "
                      "it through this device (declare it, e.g. args='%s:%s=...', to give it a default here)"),
                      value, value, type + 4);
          if (diag)
            diag->option = g_strdup (option);
        }
      else if (g_strcmp0 (a->type, type + 4) != 0)
        {
          diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                      _("refers to the runtime argument “%s” of type %s, but needs one of type %s"),
                      value, a->type, type + 4);
          if (diag)
            diag->option = g_strdup (option);
        }
    }
}

/* A choice: its condition names a key that exists, its cases are values
 * of that key, each branch is connected (an unconnected branch is a
 * unikernel with a hole for the targets that take it). */
static void
check_choice (Check *c, const MsDevice *d)
{
  const MsChoice *ch = d->custom->choice;
  const MsDecl *key = ms_document_get_decl (c->doc, MS_DECL_KEY, ch->key);
  gboolean is_bool = ch->predicate != NULL || (key != NULL && (g_str_equal (key->conv, "bool")
                                                              || g_str_equal (key->arg_kind, "flag")));
  MsDiagnostic *diag;
  gboolean b;

  if (ch->predicate != NULL && !ms_eval_target_predicate (ch->predicate, "unix", &b))
    {
      diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                  _("“%s” is not a condition on the target (is_solo5, is_xen, is_unikraft, is_unix)"),
                  ch->predicate);
      if (diag)
        diag->option = g_strdup ("condition");
    }
  else if (ch->predicate == NULL && !g_str_equal (ch->key, "target") && key == NULL
           && ms_catalog_lookup_key (c->cat, ch->key) == NULL)
    {
      diag = add (c, MS_DIAG_UNKNOWN_KEY, MS_SEVERITY_ERROR, d,
                  _("the choice reads the key “%s”, which the project does not declare"), ch->key);
      if (diag)
        diag->option = g_strdup ("condition");
    }
  for (guint i = 0; i < ch->cases->len; i++)
    {
      const char *v = ch->cases->pdata[i];
      gboolean ok = TRUE;
      if (is_bool)
        ok = g_str_equal (v, "true") || g_str_equal (v, "false");
      else if (ch->predicate == NULL && g_str_equal (ch->key, "target"))
        ok = ms_eval_target_of_variant (v) != NULL;
      if (!ok)
        {
          diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                      is_bool ? _("the case “%s” is not a boolean (true or false)")
                              : _("the case “%s” is not a target of Mirage (`Unix, `Hvt, `Spt, `Xen, `QEMU...)"), v);
          if (diag)
            diag->option = g_strdup ("cases");
        }
      if (ms_document_get_source (c->doc, d->id, v) == 0)
        {
          diag = add (c, MS_DIAG_MISSING_ARGUMENT, MS_SEVERITY_ERROR, d,
                      _("the branch “%s” of the choice is not connected"), v);
          if (diag)
            diag->port = g_strdup (v);
        }
    }
  if (ch->has_default && ms_document_get_source (c->doc, d->id, MS_CHOICE_DEFAULT) == 0)
    {
      diag = add (c, MS_DIAG_MISSING_ARGUMENT, MS_SEVERITY_ERROR, d,
                  _("the default branch of the choice is not connected"));
      if (diag)
        diag->port = g_strdup (MS_CHOICE_DEFAULT);
    }
  if (!ch->has_default && !is_bool)
    {
      /* match_impl without ~default is not Mirage's API */
      diag = add (c, MS_DIAG_MISSING_ARGUMENT, MS_SEVERITY_ERROR, d,
                  _("a choice on “%s” needs a default branch (match_impl ~default)"), ch->key);
      if (diag)
        diag->port = g_strdup (MS_CHOICE_DEFAULT);
    }
}

/* The keys a custom device declares exist; local libraries are dune names. */
static void
check_custom_extras (Check *c, const MsDevice *d)
{
  MsDiagnostic *diag;

  for (guint i = 0; i < d->custom->keys->len; i++)
    {
      const char *k = d->custom->keys->pdata[i];
      if (ms_document_get_decl (c->doc, MS_DECL_KEY, k) == NULL && ms_catalog_lookup_key (c->cat, k) == NULL)
        {
          diag = add (c, MS_DIAG_UNKNOWN_KEY, MS_SEVERITY_ERROR, d,
                      _("declares the key “%s”, which the project does not declare"), k);
          if (diag)
            diag->option = g_strdup ("keys");
        }
    }
  for (guint i = 0; i < d->custom->local_libs->len; i++)
    {
      const char *l = d->custom->local_libs->pdata[i];
      gboolean ok = *l != '\0';
      for (const char *p = l; *p; p++)
        ok &= g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '-';
      if (!ok)
        {
          diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                      _("“%s” is not a dune library name"), l);
          if (diag)
            diag->option = g_strdup ("local_libs");
        }
    }
  if (d->custom->connect != NULL && g_str_equal (d->ctor, "main"))
    {
      diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                  _("a main has no connect code (Mirage calls its start)"));
      if (diag)
        diag->option = g_strdup ("connect");
    }
}

static void
check_devices (Check *c)
{
  GPtrArray *devices = ms_document_get_devices (c->doc);
  g_autoptr(GHashTable) args = declared_args (c->doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      const MsConstructor *ctor = d->def;
      g_autofree char *why = NULL;
      /* the document indexes each name by its lowest-numbered device */
      const MsDevice *first = ms_document_find_device (c->doc, d->name);
      MsDiagnostic *diag;

      if (first != NULL && first != d)
        {
          diag = add (c, MS_DIAG_DUPLICATE_NAME, MS_SEVERITY_ERROR, d,
                      _("the name “%s” is used by two devices (%s and %s); names must be unique"),
                      d->name, first->ctor, d->ctor);
          if (diag)
            {
              diag->related = g_new0 (char *, 2);
              diag->related[0] = g_strdup (first->name);
            }
        }
      if (!ms_device_name_is_valid (d->name, &why))
        add (c, MS_DIAG_INVALID_NAME, MS_SEVERITY_ERROR, d, "%s", why);
      else if (ms_catalog_name_is_taken (c->cat, d->name))
        add (c, MS_DIAG_INVALID_NAME, MS_SEVERITY_ERROR, d,
             _("“%s” would hide Mirage's own %s in config.ml; rename the device"), d->name, d->name);

      if (ctor == NULL)
        {
          g_autoptr(MsCatalog) other = ms_catalog_find_version_with (c->cat, d->ctor);

          if (other != NULL)
            add (c, MS_DIAG_VERSION_CONSTRUCTOR, MS_SEVERITY_ERROR, d,
                 _("%s exists in Mirage %s, not in Mirage %s, which the project targets; "
                   "switch the project to Mirage %s (mstudio set P mirage=%s) or replace the device"),
                 d->ctor, ms_catalog_get_mirage_version (other), ms_catalog_get_mirage_version (c->cat),
                 ms_catalog_get_mirage_version (other), ms_catalog_get_mirage_version (other));
          else
            add (c, MS_DIAG_UNKNOWN_CONSTRUCTOR, MS_SEVERITY_ERROR, d,
                 _("“%s” is not a device of the Mirage %s catalog"), d->ctor,
                 ms_catalog_get_mirage_version (c->cat));
          continue;
        }
      if (ctor->kind == MS_CTOR_INTERNAL)
        add (c, MS_DIAG_INTERNAL_DEVICE, MS_SEVERITY_WARNING, d,
             _("%s is an internal building block that config.ml cannot name directly"), ctor->name);
      if (ctor->deprecated != NULL)
        add (c, MS_DIAG_DEPRECATED, MS_SEVERITY_WARNING, d, _("%s is deprecated: %s"), ctor->name, ctor->deprecated);

      /* options (a custom device's fields are checked below instead) */
      if (d->custom == NULL)
      {
        /* in name order, so messages come out in a stable order */
        const char *names[64], *values[64];
        guint n = 0;
        GHashTableIter it;
        gpointer key, value;

        g_hash_table_iter_init (&it, d->options);
        while (g_hash_table_iter_next (&it, &key, &value) && n < G_N_ELEMENTS (names))
          {
            guint j = n++;
            for (; j > 0 && strcmp (names[j - 1], key) > 0; j--)
              {
                names[j] = names[j - 1];
                values[j] = values[j - 1];
              }
            names[j] = key;
            values[j] = value;
          }
        for (guint j = 0; j < n; j++)
          {
            const MsArgument *opt = ms_constructor_find_option (ctor, names[j]);
            if (opt == NULL)
              {
                const char *other = version_with_argument (c, ctor->name, names[j], FALSE);
                if (other != NULL)
                  diag = add (c, MS_DIAG_VERSION_OPTION, MS_SEVERITY_ERROR, d,
                              _("%s has no option “%s” in Mirage %s (Mirage %s has); unset it "
                                "(mstudio set P %s.%s=) or switch the project to Mirage %s"),
                              ctor->name, names[j], ms_catalog_get_mirage_version (c->cat), other,
                              d->name, names[j], other);
                else
                  diag = add (c, MS_DIAG_UNKNOWN_OPTION, MS_SEVERITY_ERROR, d,
                              _("%s has no option “%s”"), ctor->name, names[j]);
                if (diag)
                  diag->option = g_strdup (names[j]);
                continue;
              }
            check_value (c, d, opt->name, opt->type, values[j], args);
          }
        for (guint j = 0; j < ctor->options->len; j++)
          {
            const MsArgument *opt = ctor->options->pdata[j];
            const char *v = opt->required ? ms_device_get_option (d, opt->name) : NULL;
            if (opt->required && (v == NULL || *v == '\0')
                && (opt->default_value == NULL || *opt->default_value == '\0'))
              {
                g_autofree char *what = ms_value_type_describe (opt->type);
                diag = add (c, MS_DIAG_MISSING_OPTION, MS_SEVERITY_ERROR, d,
                            _("%s needs a value for “%s” (%s)"), ctor->name, opt->name, what);
                if (diag)
                  diag->option = g_strdup (opt->name);
              }
          }
      }

      /* custom fields */
      if (d->custom != NULL && d->custom->choice != NULL)
        check_choice (c, d);
      else if (d->custom != NULL)
        check_custom_extras (c, d);
      if (d->custom != NULL && d->custom->choice == NULL)
        {
          if (!module_path_is_valid (d->custom->module))
            {
              diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                          _("“%s” is not an OCaml module path such as Unikernel.Main"), d->custom->module);
              if (diag)
                diag->option = g_strdup ("module");
            }
          for (guint j = 0; j < d->custom->runtime_args->len; j++)
            {
              const MsArgDecl *a = d->custom->runtime_args->pdata[j];
              if (!flag_is_valid (a->name))
                {
                  diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                              _("the runtime argument “%s” needs a name of lowercase letters, digits, - and _, "
                              "starting with a letter (it becomes --%s)"), a->name, a->name);
                  if (diag)
                    diag->option = g_strdup ("args");
                }
              else if (!ms_value_type_is_known (a->type))
                {
                  diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                              _("the runtime argument “%s” has an unknown type “%s”"), a->name, a->type);
                  if (diag)
                    diag->option = g_strdup ("args");
                }
              else
                {
                  g_autofree char *reason = NULL;
                  if (!ms_value_check (a->type, a->default_value, &reason))
                    {
                      diag = add (c, MS_DIAG_INVALID_VALUE, MS_SEVERITY_ERROR, d,
                                  _("the default of runtime argument “%s”: %s"), a->name, reason);
                      if (diag)
                        diag->option = g_strdup ("args");
                    }
                }
            }
          for (guint j = 0; j < d->custom->packages->len; j++)
            {
              const MsPackage *p = d->custom->packages->pdata[j];
              g_autofree char *reason = NULL;
              if ((p->min && !ms_version_is_valid (p->min, &reason))
                  || (p->max && !ms_version_is_valid (p->max, &reason)))
                {
                  diag = add (c, MS_DIAG_INVALID_PACKAGE, MS_SEVERITY_ERROR, d,
                              _("package %s: %s"), p->name, reason);
                  if (diag)
                    diag->option = g_strdup ("packages");
                }
            }
        }
      device_signature_at (c, (int) i, d, TRUE);
    }
}

static void
check_connections (Check *c)
{
  GPtrArray *conns = ms_document_get_connections (c->doc);

  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *conn = conns->pdata[i];
      int src_pos = map_pos (c->pos_of, c->pos_size, conn->source);
      int dst_pos = map_pos (c->pos_of, c->pos_size, conn->target);
      const MsDevice *src = src_pos >= 0 ? c->devices->pdata[src_pos] : NULL;
      const MsDevice *dst = dst_pos >= 0 ? c->devices->pdata[dst_pos] : NULL;
      DevSig *ds;
      MsDiagnostic *diag;
      g_autofree char *why = NULL;

      if (dst == NULL)
        continue;   /* a connection into nothing: nothing to show it on */
      if (src == NULL)
        {
          diag = add (c, MS_DIAG_DANGLING_CONNECTION, MS_SEVERITY_ERROR, dst,
                      _("connected to device number %u, which does not exist"), conn->source);
          if (diag)
            diag->port = g_strdup (conn->param);
          continue;
        }
      ds = device_signature_at (c, dst_pos, dst, FALSE);
      if (!ds->valid || src->def == NULL)
        continue;
      if (param_index (ds, conn->param) < 0)
        {
          if (ds->param_names == NULL)
            diag = add (c, MS_DIAG_SIGNATURE_ARITY, MS_SEVERITY_ERROR, dst,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "%s is connected to argument %s, but the signature “%s” takes %u argument",
                                     "%s is connected to argument %s, but the signature “%s” takes %u arguments",
                                     ds->sig->params->len),
                        src->name, conn->param, dst->custom->signature, ds->sig->params->len);
          else if (version_with_argument (c, dst->ctor, conn->param, TRUE) != NULL)
            {
              const char *other = version_with_argument (c, dst->ctor, conn->param, TRUE);
              diag = add (c, MS_DIAG_VERSION_PARAMETER, MS_SEVERITY_ERROR, dst,
                          _("%s has no input “%s” in Mirage %s (Mirage %s has); disconnect %s "
                            "(mstudio disconnect P %s.%s) or switch the project to Mirage %s"),
                          dst->ctor, conn->param, ms_catalog_get_mirage_version (c->cat), other,
                          src->name, dst->name, conn->param, other);
            }
          else
            diag = add (c, MS_DIAG_UNKNOWN_PARAMETER, MS_SEVERITY_ERROR, dst,
                        _("%s has no parameter “%s”"), dst->ctor, conn->param);
          if (diag)
            diag->port = g_strdup (conn->param);
          continue;
        }
      if (!unify_connection (c, src, dst, conn->param, TRUE, &why))
        {
          const char *other_result = NULL;
          const char *other = src->custom == NULL
                              ? version_with_other_result (c, src->def, &other_result) : NULL;

          /* the source's type is what changed between versions: say so */
          if (other != NULL)
            diag = add (c, MS_DIAG_VERSION_TYPE, MS_SEVERITY_ERROR, dst,
                        _("%s: %s returns %s in Mirage %s (%s in Mirage %s); "
                          "rewire it or switch the project to Mirage %s"),
                        why, src->ctor, src->def->result, ms_catalog_get_mirage_version (c->cat),
                        other_result, other, other);
          else
            diag = add (c, MS_DIAG_TYPE_MISMATCH, MS_SEVERITY_ERROR, dst, "%s", why);
          if (diag)
            {
              diag->port = g_strdup (conn->param);
              diag->related = g_new0 (char *, 2);
              diag->related[0] = g_strdup (src->name);
            }
        }
    }
}


static gboolean
has_input (MsDocument *doc, guint target, const char *param)
{
  GPtrArray *inputs = ms_document_get_inputs (doc, target);

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    if (strcmp (((MsConnection *) inputs->pdata[i])->param, param) == 0)
      return TRUE;
  return FALSE;
}

static void
check_missing (Check *c)
{
  GPtrArray *devices = ms_document_get_devices (c->doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      DevSig *s = device_signature_at (c, (int) i, d, FALSE);
      g_autofree gboolean *connected = NULL;

      if (!s->valid)
        continue;
      /* the connected positions of a main or impl, in one pass over its
       * inputs: asking has_input per position made a main with 12,000
       * arguments quadratic. Catalog devices have a handful of named
       * parameters; has_input is fine for those. */
      if (s->param_names == NULL)
        {
          GPtrArray *inputs = ms_document_get_inputs (c->doc, d->id);

          connected = g_new0 (gboolean, s->sig->params->len + 1);
          for (guint k = 0; inputs != NULL && k < inputs->len; k++)
            {
              int idx = param_index (s, ((MsConnection *) inputs->pdata[k])->param);
              if (idx >= 0)
                connected[idx] = TRUE;
            }
        }
      for (guint p = 0; p < s->sig->params->len; p++)
        {
          const MsArgument *a = s->param_names ? s->param_names->pdata[p] : NULL;
          char position[16];
          const char *param;
          MsDiagnostic *diag;

          if (a != NULL && !a->required)
            continue;
          ms_value_format_uint (position, p + 1);
          param = a ? a->name : position;
          if (connected != NULL ? !connected[p] : !has_input (c->doc, d->id, param))
            {
              MsType t = ms_type_instantiate (&g_array_index (s->sig->params, MsType, p), s->base);
              g_autofree char *tt = type_text (c, &t);
              diag = a ? add (c, MS_DIAG_MISSING_ARGUMENT, MS_SEVERITY_ERROR, d,
                              _("%s needs a %s device for “%s”; connect one"), d->ctor, tt, param)
                       : add (c, MS_DIAG_MISSING_ARGUMENT, MS_SEVERITY_ERROR, d,
                              _("argument %s of “%s” (a %s) is not connected"), param,
                              d->custom->signature, tt);
              if (diag)
                diag->port = g_strdup (param);
            }
        }
    }
}

/* ---- cycles and reachability -------------------------------------------------------- */

/* The "uses" relation as compressed rows: for device position v, the
 * positions it uses (inputs and deps) are list[start[v] .. start[v+1]). */
typedef struct {
  guint n;
  guint *start;
  guint *list;
} Uses;

static void
uses_free (Uses *u)
{
  g_free (u->start);
  g_free (u->list);
}

static Uses
uses_build (MsDocument *doc, const int *pos_of, guint pos_size)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  guint n = devices->len;
  Uses u = { n, g_new0 (guint, n + 2), NULL };
  g_autofree guint *fill = g_new0 (guint, n + 1);
  guint total = 0;

  /* count, then place: two passes over the same edges */
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < conns->len; i++)
        {
          const MsConnection *conn = conns->pdata[i];
          int t = map_pos (pos_of, pos_size, conn->target), src = map_pos (pos_of, pos_size, conn->source);
          if (t < 0 || src < 0)
            continue;
          if (pass == 0)
            u.start[t + 1]++;
          else
            u.list[fill[t]++] = (guint) src;
        }
      for (guint v = 0; v < n; v++)
        {
          const MsDevice *d = devices->pdata[v];
          for (guint k = 0; d->custom != NULL && k < d->custom->deps->len; k++)
            {
              int src = map_pos (pos_of, pos_size, g_array_index (d->custom->deps, guint, k));
              if (src < 0)
                continue;
              if (pass == 0)
                u.start[v + 1]++;
              else
                u.list[fill[v]++] = (guint) src;
            }
        }
      if (pass == 0)
        {
          for (guint v = 0; v < n; v++)
            u.start[v + 1] += u.start[v];
          total = u.start[n];
          u.list = g_new (guint, total + 1);
          memcpy (fill, u.start, n * sizeof (guint));
        }
    }
  return u;
}

/* Iterative Tarjan: projects can be deep chains, recursion could overflow. */
static void
tarjan (const Uses *u, GPtrArray *components)
{
  typedef struct { guint v; guint next; } Frame;
  g_autofree int *index = g_new (int, u->n + 1);
  g_autofree int *low = g_new (int, u->n + 1);
  g_autofree gboolean *on_stack = g_new0 (gboolean, u->n + 1);
  g_autofree guint *stack = g_new (guint, u->n + 1);
  g_autofree Frame *frames = g_new (Frame, u->n + 1);
  guint sp = 0;
  int counter = 0;

  for (guint i = 0; i < u->n; i++)
    index[i] = -1;
  for (guint root = 0; root < u->n; root++)
    {
      guint fp = 0;

      if (index[root] >= 0)
        continue;
      frames[fp++] = (Frame) { root, u->start[root] };
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      on_stack[root] = TRUE;
      while (fp > 0)
        {
          Frame *f = &frames[fp - 1];
          guint v = f->v;

          if (f->next < u->start[v + 1])
            {
              guint w = u->list[f->next++];
              if (index[w] < 0)
                {
                  index[w] = low[w] = counter++;
                  stack[sp++] = w;
                  on_stack[w] = TRUE;
                  frames[fp++] = (Frame) { w, u->start[w] };
                }
              else if (on_stack[w] && index[w] < low[v])
                low[v] = index[w];
              continue;
            }
          fp--;
          if (fp > 0 && low[v] < low[frames[fp - 1].v])
            low[frames[fp - 1].v] = low[v];
          if (low[v] == index[v])
            {
              /* the component is the stack above v; most are v alone */
              gboolean self_loop = FALSE;
              GArray *comp = NULL;
              guint w;

              for (guint k = u->start[v]; k < u->start[v + 1]; k++)
                self_loop |= u->list[k] == v;
              if (stack[sp - 1] != v || self_loop)
                comp = g_array_new (FALSE, FALSE, sizeof (guint));
              do
                {
                  w = stack[--sp];
                  on_stack[w] = FALSE;
                  if (comp != NULL)
                    g_array_append_val (comp, w);
                }
              while (w != v);
              if (comp != NULL)
                g_ptr_array_add (components, comp);
            }
        }
    }
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static void
check_cycles (Check *c, const Uses *u)
{
  g_autoptr(GPtrArray) components = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  tarjan (u, components);
  for (guint i = 0; i < components->len; i++)
    {
      GArray *comp = components->pdata[i];
      GString *names = g_string_new (NULL);
      const MsDevice *first;
      MsDiagnostic *diag;

      /* positions sort like ids */
      g_array_sort (comp, compare_uint);
      first = c->devices->pdata[g_array_index (comp, guint, 0)];
      for (guint k = 0; k < comp->len; k++)
        g_string_append_printf (names, "%s%s", k ? ", " : "",
                                ((MsDevice *) c->devices->pdata[g_array_index (comp, guint, k)])->name);
      diag = comp->len == 1
             ? add (c, MS_DIAG_CYCLE, MS_SEVERITY_ERROR, first, _("%s uses itself"), first->name)
             : add (c, MS_DIAG_CYCLE, MS_SEVERITY_ERROR, first,
                    _("these devices use each other in a cycle: %s; Mirage cannot build them in any order"),
                    names->str);
      if (diag && comp->len > 1)
        {
          diag->related = g_new0 (char *, comp->len);
          for (guint k = 1; k < comp->len; k++)
            diag->related[k - 1] = g_strdup (((MsDevice *) c->devices->pdata[g_array_index (comp, guint, k)])->name);
        }
      g_string_free (names, TRUE);
    }
}

static void
check_jobs_and_use (Check *c, const Uses *u)
{
  g_autoptr(GArray) jobs = ms_document_get_jobs (c->doc);
  g_autofree gboolean *reached = g_new0 (gboolean, u->n + 1);
  g_autofree guint *queue = g_new (guint, u->n + 1);
  guint qn = 0;
  guint valid_jobs = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      guint id = g_array_index (jobs, guint, i);
      int pos = map_pos (c->pos_of, c->pos_size, id);
      const MsDevice *d;
      DevSig *s;

      if (pos < 0)
        {
          MsDiagnostic *diag = add (c, MS_DIAG_NOT_A_JOB, MS_SEVERITY_ERROR, NULL,
                                    _("job number %u refers to a device that no longer exists"), id);
          if (diag)
            diag->setting = g_strdup (MS_SETTING_JOBS);
          continue;
        }
      d = c->devices->pdata[pos];
      valid_jobs++;
      s = device_signature_at (c, pos, d, FALSE);
      if (s->valid && g_strcmp0 (s->sig->result.family, "job") != 0)
        {
          g_autofree char *tt = type_text (c, &s->sig->result);
          MsDiagnostic *diag = add (c, MS_DIAG_NOT_A_JOB, MS_SEVERITY_ERROR, d,
                                    _("%s produces %s, not a job; only devices that produce a job "
                                    "can be registered"), d->name, tt);
          if (diag)
            diag->setting = g_strdup (MS_SETTING_JOBS);
        }
      if (!reached[pos])
        {
          reached[pos] = TRUE;
          queue[qn++] = (guint) pos;
        }
    }
  if (valid_jobs == 0)
    {
      MsDiagnostic *diag = add (c, MS_DIAG_NO_JOBS, c->devices->len ? MS_SEVERITY_WARNING : MS_SEVERITY_INFO, NULL,
                                _("no job is registered, so the unikernel would do nothing; "
                                "register a main device (mstudio register P --jobs NAME)"));
      if (diag)
        diag->setting = g_strdup (MS_SETTING_JOBS);
      return;
    }
  for (guint qi = 0; qi < qn; qi++)
    {
      guint v = queue[qi];
      for (guint k = u->start[v]; k < u->start[v + 1]; k++)
        if (!reached[u->list[k]])
          {
            reached[u->list[k]] = TRUE;
            queue[qn++] = u->list[k];
          }
    }
  for (guint i = 0; i < c->devices->len; i++)
    if (!reached[i])
      {
        const MsDevice *d = c->devices->pdata[i];
        add (c, MS_DIAG_UNUSED_DEVICE, MS_SEVERITY_WARNING, d,
             _("%s is not used by any registered job, so it will not be part of the unikernel"), d->name);
      }
}

/* ---- settings and the evaluated graph ------------------------------------------------------ */

static void
setting_diag (Check *c, const char *code, const char *setting, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
setting_diag (Check *c, const char *code, const char *setting, const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  MsDiagnostic *diag;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  diag = add (c, code, g_str_equal (code, MS_DIAG_UNKNOWN_KEY) || g_str_equal (code, MS_DIAG_UNKNOWN_RUNTIME_ARG)
                       || g_str_equal (code, MS_DIAG_VERSION_KEY)
                       ? MS_SEVERITY_WARNING : MS_SEVERITY_ERROR, NULL, "%s", msg);
  if (diag)
    diag->setting = g_strdup (setting);
}

static void
check_settings (Check *c, MsEvalGraph *g)
{
  static const char * const choices[] = { "argv", "reporter", "sleep", "ptime", "mtime", "random", NULL };
  const char *target = ms_document_get_target (c->doc);
  const char *name = ms_document_get_app_name (c->doc);
  const char *level = ms_document_get_setting_or_default (c->doc, MS_SETTING_LEVEL);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (c->doc);
  g_autofree char *why = NULL;

  if (!ms_value_check_app_name (name, &why))
    setting_diag (c, MS_DIAG_INVALID_SETTING, MS_SETTING_NAME, "%s", why);
  g_clear_pointer (&why, g_free);
  if (ms_catalog_lookup_target (c->cat, target) == NULL)
    {
      GString *all = g_string_new (NULL);
      GPtrArray *targets = ms_catalog_get_targets (c->cat);
      for (guint i = 0; i < targets->len; i++)
        g_string_append_printf (all, "%s%s", i ? ", " : "", ((MsTarget *) targets->pdata[i])->name);
      setting_diag (c, MS_DIAG_INVALID_TARGET, MS_SETTING_TARGET,
                    _("“%s” is not a Mirage target (targets: %s)"), target, all->str);
      g_string_free (all, TRUE);
    }
  for (guint i = 0; choices[i] != NULL; i++)
    {
      const char *v = ms_document_get_setting_or_default (c->doc, choices[i]);
      if (ms_catalog_get_register_choice (c->cat, choices[i], v) == NULL)
        {
          const char * const *ok = ms_catalog_get_register_choices (c->cat, choices[i]);
          g_autofree char *list = ok ? g_strjoinv (", ", (char **) ok) : g_strdup ("");
          setting_diag (c, MS_DIAG_INVALID_SETTING, choices[i],
                        _("“%s” is not a choice for %s (choices: %s)"), v, choices[i], list);
        }
    }
  if (!ms_value_check ("log_level", level, &why))
    setting_diag (c, MS_DIAG_INVALID_SETTING, MS_SETTING_LEVEL, "%s", why);
  if (ms_document_get_setting (c->doc, MS_SETTING_MIRAGE) != NULL
      && !ms_catalog_version_is_known (ms_document_get_setting (c->doc, MS_SETTING_MIRAGE)))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) ms_catalog_get_known_versions ());
      setting_diag (c, MS_DIAG_INVALID_SETTING, MS_SETTING_MIRAGE,
                    _("“%s” is not a Mirage version this studio knows (versions: %s); "
                      "the project is read as Mirage %s"),
                    ms_document_get_setting (c->doc, MS_SETTING_MIRAGE), known,
                    ms_catalog_get_mirage_version (c->cat));
    }

  for (guint i = 0; i < settings->len; i++)
    {
      const char *s = settings->pdata[i];
      const char *v = ms_document_get_setting (c->doc, s);
      g_autofree char *reason = NULL;

      if (g_str_has_prefix (s, "key:"))
        {
          MsEvalKey *k = NULL;
          for (guint j = 0; j < g->keys->len && k == NULL; j++)
            if (g_str_equal (((MsEvalKey *) g->keys->pdata[j])->name, s + 4))
              k = g->keys->pdata[j];
          const char *other = NULL;
          if (k == NULL && ms_catalog_lookup_key (c->cat, s + 4) == NULL)
            {
              const char *const *versions = ms_catalog_get_known_versions ();
              for (guint j = 0; versions[j] != NULL; j++)
                {
                  g_autoptr(MsCatalog) oc = ms_catalog_get_default (versions[j], NULL);
                  if (oc != NULL && oc != c->cat && ms_catalog_lookup_key (oc, s + 4) != NULL)
                    other = versions[j];
                }
            }
          if (k == NULL && other != NULL)
            setting_diag (c, MS_DIAG_VERSION_KEY, s,
                          _("Mirage %s has no configure key “%s” (Mirage %s has); the value is ignored: "
                            "unset it (mstudio set P %s=) or switch the project to Mirage %s"),
                          ms_catalog_get_mirage_version (c->cat), s + 4, other, s, other);
          else if (k == NULL)
            setting_diag (c, MS_DIAG_UNKNOWN_KEY, s,
                          _("no device of this project reads the configure key “%s”; the value is ignored"), s + 4);
          else if (!ms_value_check (k->type, v, &reason))
            setting_diag (c, MS_DIAG_INVALID_VALUE, s, "%s", reason);
        }
      else if (g_str_has_prefix (s, "arg:"))
        {
          MsEvalArg *a = NULL;
          for (guint j = 0; j < g->runtime_args->len && a == NULL; j++)
            if (g_str_equal (((MsEvalArg *) g->runtime_args->pdata[j])->name, s + 4))
              a = g->runtime_args->pdata[j];
          if (a == NULL)
            setting_diag (c, MS_DIAG_UNKNOWN_RUNTIME_ARG, s,
                          _("the unikernel has no runtime argument --%s; the default is ignored"), s + 4);
          else if (!ms_value_check (a->type, v, &reason))
            setting_diag (c, MS_DIAG_INVALID_VALUE, s, "%s", reason);
        }
    }
}

static gpointer
eval_worker (gpointer doc)
{
  return ms_eval_unsorted (doc, NULL);
}

GPtrArray *
ms_check_document (MsDocument *doc)
{
  return ms_check_document_full (doc, NULL);
}

GPtrArray *
ms_check_document_full (MsDocument *doc, MsEvalGraph **eval)
{
  GPtrArray *diags = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
  g_autoptr(MsEvalGraph) g = NULL;
  GThread *worker;
  Uses uses;
  Check c;

  /* Evaluation and the structural checks only read the document, so they
   * run side by side: evaluation on a worker thread. The document builds
   * some indexes on first use; build them now, so both threads only read. */
  g_ptr_array_unref (g_ptr_array_ref (ms_document_get_connections (doc)));
  ms_document_get_inputs (doc, 0);
  g_array_unref (ms_document_get_jobs (doc));
  worker = g_thread_new ("mirage-studio-eval", eval_worker, doc);

  check_init (&c, doc, diags);
  check_devices (&c);
  check_connections (&c);
  check_missing (&c);
  uses = uses_build (doc, c.pos_of, c.pos_size);
  check_cycles (&c, &uses);
  check_jobs_and_use (&c, &uses);
  uses_free (&uses);

  g = g_thread_join (worker);
  check_settings (&c, g);
  for (guint i = 0; i < g->diagnostics->len; i++)
    g_ptr_array_add (diags, ms_diagnostic_copy (g->diagnostics->pdata[i]));

  check_clear (&c);
  ms_diagnostics_sort (diags);
  if (eval != NULL)
    *eval = g_steal_pointer (&g);
  return diags;
}

/* ---- queries for editors ---------------------------------------------------------------------- */

/* Whether the device at position from uses, directly or not, the one at to. */
static gboolean
reaches (const Uses *u, guint from, guint to)
{
  g_autofree gboolean *seen = g_new0 (gboolean, u->n + 1);
  g_autofree guint *queue = g_new (guint, u->n + 1);
  guint qn = 0;

  queue[qn++] = from;
  seen[from] = TRUE;
  for (guint qi = 0; qi < qn; qi++)
    {
      guint v = queue[qi];
      if (v == to)
        return TRUE;
      for (guint k = u->start[v]; k < u->start[v + 1]; k++)
        if (!seen[u->list[k]])
          {
            seen[u->list[k]] = TRUE;
            queue[qn++] = u->list[k];
          }
    }
  return FALSE;
}

gboolean
ms_check_connection (MsDocument *doc, guint source, guint target, const char *param, char **why)
{
  const MsDevice *src = ms_document_get_device (doc, source);
  const MsDevice *dst = ms_document_get_device (doc, target);
  GPtrArray *conns = ms_document_get_connections (doc);
  GPtrArray *devices = ms_document_get_devices (doc);
  gboolean ok, cycle;
  Uses uses;
  DevSig *ds;
  Check c;

  if (src == NULL || dst == NULL)
    {
      if (why)
        *why = g_strdup (_("no such device"));
      return FALSE;
    }
  if (source == target)
    {
      if (why)
        *why = g_strdup_printf (_("%s cannot use itself"), src->name);
      return FALSE;
    }
  if (src->def == NULL)
    {
      if (why)
        *why = g_strdup_printf (_("%s is of unknown kind %s"), src->name, src->ctor);
      return FALSE;
    }
  {
    guint size;
    g_autofree int *pos_of = position_map (devices, &size);
    uses = uses_build (doc, pos_of, size);
    cycle = reaches (&uses, (guint) map_pos (pos_of, size, source), (guint) map_pos (pos_of, size, target));
    uses_free (&uses);
  }
  if (cycle)
    {
      if (why)
        *why = g_strdup_printf (_("%s already uses %s, so this connection would make a cycle"),
                                src->name, dst->name);
      return FALSE;
    }
  check_init (&c, doc, NULL);
  ds = device_signature (&c, dst, FALSE);
  if (!ds->valid || param_index (ds, param) < 0)
    {
      if (why)
        *why = ds->valid ? g_strdup_printf (_("%s has no parameter “%s”"), dst->name, param)
                         : g_strdup_printf (_("%s has no usable signature"), dst->name);
      check_clear (&c);
      return FALSE;
    }
  /* the rest of the graph first, so versions it fixes are taken into account */
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *conn = conns->pdata[i];
      const MsDevice *s = ms_document_get_device (doc, conn->source);
      const MsDevice *t = ms_document_get_device (doc, conn->target);
      if (s == NULL || t == NULL || (conn->target == target && g_str_equal (conn->param, param)))
        continue;
      if (s->def == NULL)
        continue;
      unify_connection (&c, s, t, conn->param, FALSE, NULL);
    }
  ok = unify_connection (&c, src, dst, param, FALSE, why);
  check_clear (&c);
  return ok;
}

static void
port_type_free (gpointer data)
{
  MsPortType *p = data;

  g_free (p->param);
  g_free (p->type);
  g_free (p);
}

void
ms_device_types_free (MsDeviceTypes *t)
{
  if (t == NULL)
    return;
  g_free (t->result);
  g_ptr_array_unref (t->inputs);
  g_free (t);
}

MsDeviceTypes *
ms_check_device_types (MsDocument *doc, guint device)
{
  const MsDevice *d = ms_document_get_device (doc, device);
  GPtrArray *conns = ms_document_get_connections (doc);
  MsDeviceTypes *out;
  DevSig *s;
  Check c;

  if (d == NULL)
    return NULL;
  check_init (&c, doc, NULL);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *conn = conns->pdata[i];
      const MsDevice *src = ms_document_get_device (doc, conn->source);
      const MsDevice *dst = ms_document_get_device (doc, conn->target);
      if (src && dst && src->def && dst->def)
        unify_connection (&c, src, dst, conn->param, FALSE, NULL);
    }
  s = device_signature (&c, d, FALSE);
  out = g_new0 (MsDeviceTypes, 1);
  out->inputs = g_ptr_array_new_with_free_func (port_type_free);
  if (s->valid)
    {
      MsType r = ms_type_instantiate (&s->sig->result, s->base);
      out->result = type_text (&c, &r);
      for (guint i = 0; i < s->sig->params->len; i++)
        {
          MsPortType *p = g_new0 (MsPortType, 1);
          MsType t = ms_type_instantiate (&g_array_index (s->sig->params, MsType, i), s->base);
          const MsArgument *a = s->param_names ? s->param_names->pdata[i] : NULL;
          p->param = a ? g_strdup (a->name) : g_strdup_printf ("%u", i + 1);
          p->type = type_text (&c, &t);
          p->optional = a != NULL && !a->required;
          g_ptr_array_add (out->inputs, p);
        }
    }
  else
    out->result = g_strdup ("?");
  check_clear (&c);
  return out;
}
