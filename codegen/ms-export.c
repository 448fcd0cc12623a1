/* ms-export.c: rebasing a project on a Mirage version, version checks,
 * dependency order, names and safe file writing for the exporters.
 *
 * Projects are edited against the catalog of the Mirage version they
 * target (the "mirage" setting); an export for another version first
 * copies the project onto that version's catalog (devices, connections,
 * settings) and compares: a constructor, option or input the target
 * version lacks, a result type that changed under a connection, or a
 * key the version no longer reads is an error naming the device and
 * option. The ordinary checks then run on the copy, so what Mirage would
 * refuse for that version is caught before any file is written.
 */
#include "ms-export.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-check.h"
#include "ms-escape.h"
#include "ms-eval.h"
#include "ms-value.h"

G_DEFINE_QUARK (ms-export-error-quark, ms_export_error)

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* ---- rebasing --------------------------------------------------------------- */

MsDocument *
ms_export_rebase (MsDocument *doc, MsCatalog *catalog)
{
  MsDocument *copy = ms_document_new (catalog);
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);

  ms_document_load_begin (copy);
  for (guint i = 0; i < devices->len; i++)
    ms_document_load_device (copy, ms_device_copy (devices->pdata[i]));
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      ms_document_load_connection (copy, c->target, c->param, c->source);
    }
  for (guint i = 0; i < settings->len; i++)
    if (!g_str_equal (settings->pdata[i], MS_SETTING_MIRAGE))   /* the copy targets catalog's version */
      ms_document_load_setting (copy, settings->pdata[i],
                                ms_document_get_setting (doc, settings->pdata[i]));
  for (int kind = MS_DECL_TYPE; kind <= MS_DECL_KEY; kind++)
    {
      g_autoptr(GPtrArray) decls = ms_document_get_decls (doc, kind);
      for (guint i = 0; i < decls->len; i++)
        ms_document_load_decl (copy, ms_decl_copy (decls->pdata[i]));
    }
  ms_document_load_end (copy, FALSE);
  return copy;
}

static gboolean
is_custom (const MsDevice *d)
{
  return d->custom != NULL || g_strcmp0 (d->ctor, "main") == 0 || g_strcmp0 (d->ctor, "impl") == 0;
}

static gboolean
is_source (MsDocument *doc, guint id)
{
  GPtrArray *conns = ms_document_get_connections (doc);

  for (guint i = 0; i < conns->len; i++)
    if (((MsConnection *) conns->pdata[i])->source == id)
      return TRUE;
  return FALSE;
}

static gboolean
key_is_read (MsEvalGraph *g, const char *name)
{
  for (guint i = 0; i < g->keys->len; i++)
    if (g_str_equal (((MsEvalKey *) g->keys->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

/* What the target version lacks, as one error naming device and option. */
/* Whether the project sets a configure key other than the target: only
 * then do the key checks need an evaluated graph. */
static gboolean
sets_keys (GPtrArray *settings)
{
  for (guint i = 0; i < settings->len; i++)
    {
      const char *s = settings->pdata[i];
      if (g_str_has_prefix (s, "key:") && !g_str_equal (s, "key:target"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_compatible (MsDocument *doc, MsDocument *rebased, MsCatalog *catalog, GError **error)
{
  const char *version = ms_catalog_get_mirage_version (catalog);
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);

  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      const MsConstructor *now = ms_catalog_lookup (catalog, d->ctor);
      GHashTableIter it;
      gpointer opt;

      if (now == NULL)
        {
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE,
                       "%s: Mirage %s has no constructor %s", d->name, version, d->ctor);
          return FALSE;
        }
      if (is_custom (d))
        continue;
      if (d->options != NULL)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          g_hash_table_iter_init (&it, d->options);
          while (g_hash_table_iter_next (&it, &opt, NULL))
            g_ptr_array_add (names, opt);
          g_ptr_array_sort (names, compare_strings);
          for (guint j = 0; j < names->len; j++)
            if (ms_constructor_find_option (now, names->pdata[j]) == NULL)
              {
                gboolean had = d->def != NULL && ms_constructor_find_option (d->def, names->pdata[j]) != NULL;
                g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE,
                             "%s: option %s of %s %s Mirage %s; unset it (mstudio set P %s.%s=) or export for another version",
                             d->name, (char *) names->pdata[j], d->ctor,
                             had ? "was removed in" : "does not exist in", version,
                             d->name, (char *) names->pdata[j]);
                return FALSE;
              }
        }
      if (d->def != NULL && g_strcmp0 (d->def->result, now->result) != 0 && is_source (doc, d->id))
        {
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE,
                       "%s: %s returns %s in Mirage %s, not %s, so its connections do not hold there",
                       d->name, d->ctor, now->result, version, d->def->result);
          return FALSE;
        }
    }
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      const MsDevice *d = ms_document_get_device (doc, c->target);
      const MsConstructor *now;

      if (d == NULL || is_custom (d) || (now = ms_catalog_lookup (catalog, d->ctor)) == NULL)
        continue;
      if (ms_constructor_find_param (now, c->param) == NULL)
        {
          const MsDevice *s = ms_document_get_device (doc, c->source);
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE,
                       "%s: input %s of %s was removed in Mirage %s; disconnect %s (mstudio disconnect P %s.%s) "
                       "or export for another version",
                       d->name, c->param, d->ctor, version, s ? s->name : "it", d->name, c->param);
          return FALSE;
        }
    }

  /* keys: a key the project sets that this version no longer reads would
   * be an unknown flag on the configure command line */
  if (sets_keys (settings))
  {
    g_autoptr(MsEvalGraph) before = ms_eval (doc, NULL);
    g_autoptr(MsEvalGraph) after = ms_eval (rebased, NULL);

    for (guint i = 0; i < settings->len; i++)
      {
        const char *s = settings->pdata[i];
        if (!g_str_has_prefix (s, "key:") || g_str_equal (s, "key:target"))
          continue;
        if (key_is_read (before, s + 4) && !key_is_read (after, s + 4))
          {
            g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INCOMPATIBLE,
                         "the project sets key %s, which Mirage %s does not have; unset it "
                         "(mstudio set P %s=) or export for another version",
                         s + 4, version, s);
            return FALSE;
          }
      }
  }
  return TRUE;
}

MsDocument *
ms_export_prepare (MsDocument *doc, MsCatalog *catalog, MsExportFlags flags, GError **error)
{
  g_autoptr(MsDocument) rebased = ms_export_rebase (doc, catalog);
  g_autoptr(GPtrArray) diags = NULL;
  g_autoptr(GString) msg = NULL;
  guint n_errors;

  if (!check_compatible (doc, rebased, catalog, error))
    return NULL;
  if (flags & MS_EXPORT_FORCE)
    return g_steal_pointer (&rebased);
  diags = ms_check_document (rebased);
  n_errors = ms_diagnostics_count (diags, MS_SEVERITY_ERROR);
  if (n_errors == 0)
    return g_steal_pointer (&rebased);
  msg = g_string_new (NULL);
  g_string_append_printf (msg, "mstudio check finds %u error%s for Mirage %s:",
                          n_errors, n_errors == 1 ? "" : "s", ms_catalog_get_mirage_version (catalog));
  for (guint i = 0, shown = 0; i < diags->len && shown < 5; i++)
    {
      const MsDiagnostic *d = diags->pdata[i];
      g_autofree char *line = NULL;
      if (d->severity != MS_SEVERITY_ERROR)
        continue;
      line = ms_diagnostic_format (d);
      g_string_append_printf (msg, "\n  %s", line);
      shown++;
    }
  if (n_errors > 5)
    g_string_append_printf (msg, "\n  … and %u more", n_errors - 5);
  g_set_error_literal (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_CHECK, msg->str);
  return NULL;
}

/* ---- order -------------------------------------------------------------------- */

/* A binary min-heap of device indices, for the order below. */
static void
heap_push (guint *h, guint *n, guint v)
{
  guint i = (*n)++;

  while (i > 0 && h[(i - 1) / 2] > v)
    {
      h[i] = h[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  h[i] = v;
}

static guint
heap_pop (guint *h, guint *n)
{
  guint top = h[0], last = h[--(*n)], i = 0;

  for (;;)
    {
      guint c = 2 * i + 1;
      if (c >= *n)
        break;
      if (c + 1 < *n && h[c + 1] < h[c])
        c++;
      if (h[c] >= last)
        break;
      h[i] = h[c];
      i = c;
    }
  if (*n > 0)
    h[i] = last;
  return top;
}

GArray *
ms_export_device_order (MsDocument *doc, GError **error)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  guint n = devices->len;
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autofree guint *pending = g_new0 (guint, n);     /* unmet dependencies */
  g_autofree gboolean *done = g_new0 (gboolean, n);
  g_autoptr(GPtrArray) users = g_ptr_array_new_full (n, (GDestroyNotify) g_array_unref);
  g_autofree guint *ready = g_new (guint, n + 1);
  guint n_ready = 0;
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);

  for (guint i = 0; i < n; i++)
    {
      g_hash_table_insert (index, GUINT_TO_POINTER (((MsDevice *) devices->pdata[i])->id),
                           GUINT_TO_POINTER (i + 1));
      g_ptr_array_add (users, g_array_new (FALSE, FALSE, sizeof (guint)));
    }

#define EDGE(from_id, to_idx)                                                              \
  G_STMT_START {                                                                           \
    guint f_ = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (from_id))); \
    if (f_ != 0)                                                                           \
      {                                                                                    \
        guint t_ = (to_idx);                                                               \
        g_array_append_val (users->pdata[f_ - 1], t_);                                     \
        pending[t_]++;                                                                     \
      }                                                                                    \
  } G_STMT_END

  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      guint t = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (c->target)));
      if (t != 0)
        EDGE (c->source, t - 1);
    }
  for (guint i = 0; i < n; i++)
    {
      const MsDevice *d = devices->pdata[i];
      if (d->custom != NULL && d->custom->deps != NULL)
        for (guint j = 0; j < d->custom->deps->len; j++)
          EDGE (g_array_index (d->custom->deps, guint, j), i);
    }
#undef EDGE

  /* devices are sorted by id, so the smallest ready index is the smallest
   * id: a min-heap of the ready ones keeps that O(n log n) */
  for (guint i = 0; i < n; i++)
    if (pending[i] == 0)
      heap_push (ready, &n_ready, i);
  for (guint step = 0; step < n; step++)
    {
      guint pick = n_ready > 0 ? heap_pop (ready, &n_ready) : n;
      if (pick == n)
        {
          GString *cycle = g_string_new (NULL);
          for (guint i = 0; i < n; i++)
            if (!done[i])
              g_string_append_printf (cycle, "%s%s", cycle->len ? ", " : "",
                                      ((MsDevice *) devices->pdata[i])->name);
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID,
                       "these devices depend on each other in a cycle: %s", cycle->str);
          g_string_free (cycle, TRUE);
          g_array_unref (order);
          return NULL;
        }
      done[pick] = TRUE;
      g_array_append_val (order, ((MsDevice *) devices->pdata[pick])->id);
      for (guint j = 0; j < ((GArray *) users->pdata[pick])->len; j++)
        {
          guint u = g_array_index ((GArray *) users->pdata[pick], guint, j);
          if (--pending[u] == 0)
            heap_push (ready, &n_ready, u);
        }
    }
  return order;
}

/* ---- names -------------------------------------------------------------------- */

static gboolean
module_name_is_valid (const char *s, gsize len)
{
  if (len == 0 || !g_ascii_isupper (s[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '_' && s[i] != '\'')
      return FALSE;
  return TRUE;
}

gboolean
ms_export_module_path_is_valid (const char *path)
{
  const char *start;

  if (path == NULL || *path == '\0')
    return FALSE;
  start = path;
  for (const char *p = path;; p++)
    if (*p == '.' || *p == '\0')
      {
        if (!module_name_is_valid (start, (gsize) (p - start)))
          return FALSE;
        if (*p == '\0')
          return TRUE;
        start = p + 1;
      }
}

char *
ms_export_unit_name (const char *module_path)
{
  const char *dot = strchr (module_path, '.');
  char *unit = dot ? g_strndup (module_path, (gsize) (dot - module_path)) : g_strdup (module_path);

  unit[0] = g_ascii_tolower (unit[0]);
  return unit;
}

/* Values generated code uses besides the catalog's constructors and types;
 * OCaml's built-in __POS__-style identifiers pass ms_device_name_is_valid
 * but are keywords of the lexer. */
static const char * const generated_names[] = {
  "__POS__", "__FILE__", "__LINE__", "__LOC__", "__MODULE__", "__FUNCTION__",
  "__POS_OF__", "__LOC_OF__", "__LINE_OF__",
  "fst", "snd", "ignore", "make_dhcp_requests", "add_dhcp_request",
  "runtime_arg", "package", "dep", "main", "impl", "register", "job", "abstract",
  NULL
};

gboolean
ms_export_name_is_usable (MsCatalog *catalog, const char *name)
{
  if (name == NULL || !ms_device_name_is_valid (name, NULL) || !ms_value_is_identifier (name))
    return FALSE;
  if (g_strv_contains (generated_names, name))
    return FALSE;
  if (ms_catalog_lookup (catalog, name) != NULL || ms_catalog_lookup_type (catalog, name) != NULL)
    return FALSE;
  return TRUE;
}

gboolean
ms_export_mirage_bounds (MsCatalog *catalog, const char **min, const char **max)
{
  GPtrArray *root = ms_catalog_get_root_packages (catalog);

  for (guint i = 0; root != NULL && i < root->len; i++)
    {
      const MsPackage *p = root->pdata[i];
      if (g_strcmp0 (p->name, "mirage") == 0)
        {
          *min = p->min;
          *max = p->max;
          return p->min != NULL && p->max != NULL;
        }
    }
  return FALSE;
}

/* ---- keys on the command line ------------------------------------------------ */

/* 4.11's --no-dhcp and --utcp are plain flags (Key.Arg.flag): they take
 * no value. Every other key is `--flag=VALUE`. */
/* "--flag" or "--flag=value" as one shell word. */
static char *
flag_word (const char *flag, const char *value)
{
  g_autofree char *word = value ? g_strdup_printf ("--%s=%s", flag, value) : g_strdup_printf ("--%s", flag);

  return ms_escape_shell_word (word);
}

static gboolean
key_is_plain_flag (const MsKeyDef *def)
{
  return def != NULL && (g_str_equal (def->name, "no_dhcp") || g_str_equal (def->name, "utcp"));
}

GPtrArray *
ms_export_key_flags (MsDocument *doc)
{
  MsCatalog *catalog = ms_document_get_catalog (doc);
  g_autoptr(GPtrArray) settings = ms_document_list_settings (doc);
  g_autoptr(MsEvalGraph) g = NULL;
  GPtrArray *flags = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *defs = ms_catalog_get_keys (catalog);

  if (!sets_keys (settings))
    return flags;
  g = ms_eval (doc, NULL);

  for (guint i = 0; i < settings->len; i++)
    {
      const char *s = settings->pdata[i];
      const char *name = s + 4;
      const char *value = ms_document_get_setting (doc, s);
      const MsKeyDef *def = NULL;
      g_autofree char *flag = NULL;

      if (!g_str_has_prefix (s, "key:") || g_str_equal (name, "target")
          || value == NULL || *value == '\0' || !key_is_read (g, name))
        continue;
      for (guint j = 0; j < defs->len && def == NULL; j++)
        {
          const MsKeyDef *k = defs->pdata[j];
          gsize nl = strlen (name), kl = strlen (k->name);
          if (g_str_equal (name, k->name))
            {
              def = k;
              flag = g_strdup (k->flag);
            }
          else if (k->grouped && nl > kl + 1 && name[nl - kl - 1] == '-' && g_str_equal (name + nl - kl, k->name))
            {
              def = k;
              flag = g_strdup_printf ("%.*s-%s", (int) (nl - kl - 1), name, k->flag);
            }
        }
      if (flag == NULL)
        flag = g_strdup (name);
      {
        /* a key of the project's own made with Key.Arg.flag takes no value */
        const MsDecl *decl = def == NULL ? ms_document_get_decl (doc, MS_DECL_KEY, name) : NULL;
        if (decl != NULL && g_str_equal (decl->arg_kind, "flag"))
          {
            if (g_str_equal (value, "true"))
              g_ptr_array_add (flags, flag_word (flag, NULL));
            continue;
          }
      }
      if (key_is_plain_flag (def))
        {
          if (g_str_equal (value, "true"))
            g_ptr_array_add (flags, flag_word (flag, NULL));
          continue;
        }
      g_ptr_array_add (flags, flag_word (flag, value));
    }
  g_ptr_array_sort (flags, compare_strings);
  return flags;
}

/* ---- writing files --------------------------------------------------------- */

static gboolean
set_io_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, MS_EXPORT_ERROR, err == EEXIST ? MS_EXPORT_ERROR_EXISTS : MS_EXPORT_ERROR_IO,
               "cannot %s %s: %s", what, path, g_strerror (err));
  return FALSE;
}

static gboolean
write_all (int fd, const char *text, gsize len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, text, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      text += w;
      len -= (gsize) w;
    }
  return TRUE;
}

gboolean
ms_export_write_file (const char *path, const char *text, gboolean replace, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  GStatBuf st;
  int fd, err;

  if (!replace && g_lstat (path, &st) == 0)
    {
      g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS,
                   "%s exists and is never replaced (move it away to export again)", path);
      return FALSE;
    }
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_io_error (error, errno, "create a file in", dir);
  if (!write_all (fd, text, strlen (text)) || fsync (fd) != 0)
    {
      err = errno;
      close (fd);
      g_unlink (tmp);
      return set_io_error (error, err, "write", tmp);
    }
  if (close (fd) != 0)
    {
      err = errno;
      g_unlink (tmp);
      return set_io_error (error, err, "write", tmp);
    }
  if (replace)
    {
      /* rename replaces a symlink itself, never its target */
      if (g_rename (tmp, path) != 0)
        {
          err = errno;
          g_unlink (tmp);
          return set_io_error (error, err, "replace", path);
        }
      return TRUE;
    }
  /* link fails if the name exists, whatever it is: no window in which an
   * existing file could be replaced */
  if (link (tmp, path) != 0)
    {
      err = errno;
      g_unlink (tmp);
      if (err == EEXIST)
        {
          g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS,
                       "%s exists and is never replaced (move it away to export again)", path);
          return FALSE;
        }
      return set_io_error (error, err, "write", path);
    }
  g_unlink (tmp);
  return TRUE;
}
