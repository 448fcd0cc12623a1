/* ms-document.c: the device graph in memory and its command path.
 *
 * Every mutation runs as a transaction: begin (the backend may take the
 * file's write lock and reload what another process wrote), compute the
 * edits from the now-current state, apply each to memory and hand it to
 * the backend, then commit and record the change set for undo. If any
 * step fails the applied edits are reverted in memory and the backend
 * rolls back, so memory and file never disagree.
 */
#include "ms-document.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include "ms-type.h"
#include "ms-value.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (ms-document-error-quark, ms_document_error)

typedef enum {
  HISTORY_NORMAL,
  HISTORY_UNDO,
  HISTORY_REDO,
} HistoryMode;

struct _MsDocument
{
  GObject parent_instance;

  MsCatalog *catalog;         /* the targeted version's (MS_SETTING_MIRAGE) */
  MsCatalog *initial_catalog; /* the one given to ms_document_new: used while the setting is unset */
  GPtrArray *devices;         /* MsDevice*, sorted by id */
  GHashTable *by_id;          /* guint -> MsDevice* */
  GHashTable *by_name;        /* name -> MsDevice* (lowest id) */
  GHashTable *connections;    /* "id\x1fparam" -> MsConnection* */
  GPtrArray *conn_sorted;     /* cache; NULL when stale */
  GHashTable *conn_by_target; /* cache: target id -> GPtrArray of MsConnection*; NULL when stale */
  GHashTable *settings;       /* name -> value */
  GHashTable *decls;          /* "type:NAME" / "key:NAME" -> MsDecl* */
  GArray *jobs_cache;         /* parsed MS_SETTING_JOBS; NULL when stale */
  guint next_id;

  GPtrArray *undo_stack;      /* MsChangeSet* */
  GPtrArray *redo_stack;

  MsChangeSet *pending;
  int group_depth;
  gboolean group_failed;
  char *group_label;

  const MsDocumentBackend *backend;
  gpointer backend_data;
};

G_DEFINE_FINAL_TYPE (MsDocument, ms_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_RELOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- lifecycle ------------------------------------------------------------ */

static void
connection_free (gpointer data)
{
  MsConnection *c = data;

  g_free (c->param);
  g_free (c);
}

static void
ms_document_finalize (GObject *object)
{
  MsDocument *self = MS_DOCUMENT (object);

  g_clear_pointer (&self->conn_sorted, g_ptr_array_unref);
  g_clear_pointer (&self->conn_by_target, g_hash_table_unref);
  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->by_name);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->devices);
  g_hash_table_unref (self->settings);
  g_hash_table_unref (self->decls);
  g_clear_pointer (&self->jobs_cache, g_array_unref);
  g_ptr_array_unref (self->undo_stack);
  g_ptr_array_unref (self->redo_stack);
  g_clear_pointer (&self->pending, ms_change_set_free);
  g_free (self->group_label);
  ms_catalog_unref (self->catalog);
  ms_catalog_unref (self->initial_catalog);
  G_OBJECT_CLASS (ms_document_parent_class)->finalize (object);
}

static void
ms_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsDocument *self = MS_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, ms_document_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, ms_document_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_document_class_init (MsDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_document_finalize;
  object_class->get_property = ms_document_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* changed (const MsChangeSet *applied) */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ms_document_init (MsDocument *self)
{
  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_device_free);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, connection_free);
  self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->decls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) ms_decl_free);
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_change_set_free);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_change_set_free);
  self->next_id = 1;
}

MsDocument *
ms_document_new (MsCatalog *catalog)
{
  MsDocument *self = g_object_new (MS_TYPE_DOCUMENT, NULL);

  self->catalog = ms_catalog_ref (catalog);
  self->initial_catalog = ms_catalog_ref (catalog);
  return self;
}

MsCatalog *
ms_document_get_catalog (MsDocument *self)
{
  return self->catalog;
}

const char *
ms_document_get_mirage_version (MsDocument *self)
{
  return ms_catalog_get_mirage_version (self->catalog);
}

/* Makes catalog the one devices are resolved against. An unknown version
 * (a file written by a newer studio) keeps the current catalog; the
 * checks report the setting. */
static void
switch_catalog (MsDocument *self, MsCatalog *catalog)
{
  if (catalog == NULL || catalog == self->catalog)
    return;
  ms_catalog_ref (catalog);
  /* resolve every device before the old catalog (which their defs point
   * into) may go */
  for (guint i = 0; i < self->devices->len; i++)
    {
      MsDevice *d = self->devices->pdata[i];
      d->def = ms_catalog_lookup (catalog, d->ctor);
    }
  ms_catalog_unref (self->catalog);
  self->catalog = catalog;
  /* connections sort by the constructors' parameter order */
  g_clear_pointer (&self->conn_sorted, g_ptr_array_unref);
  g_clear_pointer (&self->conn_by_target, g_hash_table_unref);
}

static void
switch_version (MsDocument *self, const char *version)
{
  g_autoptr(MsCatalog) catalog = NULL;

  if (version == NULL)
    {
      switch_catalog (self, self->initial_catalog);
      return;
    }
  if (g_strcmp0 (version, ms_catalog_get_mirage_version (self->catalog)) == 0
      || !ms_catalog_version_is_known (version))
    return;
  catalog = ms_catalog_get_default (version, NULL);
  switch_catalog (self, catalog);
}

/* ---- reading ---------------------------------------------------------------- */

GPtrArray *
ms_document_get_devices (MsDocument *self)
{
  return self->devices;
}

guint
ms_document_get_n_devices (MsDocument *self)
{
  return self->devices->len;
}

const MsDevice *
ms_document_get_device (MsDocument *self, guint id)
{
  return g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));
}

const MsDevice *
ms_document_find_device (MsDocument *self, const char *name)
{
  return name ? g_hash_table_lookup (self->by_name, name) : NULL;
}

static char *
connection_key (guint target, const char *param)
{
  return g_strdup_printf ("%u\x1f%s", target, param);
}

guint
ms_document_get_source (MsDocument *self, guint target, const char *param)
{
  g_autofree char *key = connection_key (target, param);
  MsConnection *c = g_hash_table_lookup (self->connections, key);

  return c ? c->source : 0;
}

/* Parameters sort by their position in the constructor (numbers for custom
 * devices), so listings follow the signature rather than the alphabet. */
static int
param_rank (MsDocument *self, guint target, const char *param)
{
  const MsDevice *d = ms_document_get_device (self, target);
  const MsConstructor *ctor = d ? d->def : NULL;
  char *end = NULL;
  long n;

  if (ctor != NULL && ctor->kind != MS_CTOR_CUSTOM)
    for (guint i = 0; i < ctor->params->len; i++)
      if (g_strcmp0 (((MsArgument *) ctor->params->pdata[i])->name, param) == 0)
        return (int) i;
  n = strtol (param, &end, 10);
  if (end != param && *end == '\0' && n > 0 && n < 100000)
    return (int) n;
  return 100000;
}

static MsDocument *sort_doc;

static int
compare_connections (gconstpointer a, gconstpointer b)
{
  const MsConnection *x = *(MsConnection * const *) a;
  const MsConnection *y = *(MsConnection * const *) b;
  int rx, ry;

  if (x->target != y->target)
    return x->target < y->target ? -1 : 1;
  rx = param_rank (sort_doc, x->target, x->param);
  ry = param_rank (sort_doc, y->target, y->param);
  if (rx != ry)
    return rx < ry ? -1 : 1;
  return strcmp (x->param, y->param);
}

GPtrArray *
ms_document_get_connections (MsDocument *self)
{
  if (self->conn_sorted == NULL)
    {
      GHashTableIter it;
      gpointer v;

      self->conn_sorted = g_ptr_array_sized_new (g_hash_table_size (self->connections));
      g_hash_table_iter_init (&it, self->connections);
      while (g_hash_table_iter_next (&it, NULL, &v))
        g_ptr_array_add (self->conn_sorted, v);
      /* qsort has no user data in C11; the document is not re-entrant here */
      sort_doc = self;
      g_ptr_array_sort (self->conn_sorted, compare_connections);
      sort_doc = NULL;
    }
  return self->conn_sorted;
}

GPtrArray *
ms_document_get_inputs (MsDocument *self, guint target)
{
  if (self->conn_by_target == NULL)
    {
      GPtrArray *all = ms_document_get_connections (self);

      self->conn_by_target = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
      for (guint i = 0; i < all->len; i++)
        {
          MsConnection *c = all->pdata[i];
          GPtrArray *list = g_hash_table_lookup (self->conn_by_target, GUINT_TO_POINTER (c->target));
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (self->conn_by_target, GUINT_TO_POINTER (c->target), list);
            }
          g_ptr_array_add (list, c);
        }
    }
  return g_hash_table_lookup (self->conn_by_target, GUINT_TO_POINTER (target));
}

const char *
ms_document_get_setting (MsDocument *self, const char *name)
{
  return g_hash_table_lookup (self->settings, name);
}

const char *
ms_document_get_setting_or_default (MsDocument *self, const char *name)
{
  const char *v = ms_document_get_setting (self, name);

  if (v != NULL)
    return v;
  if (g_str_equal (name, MS_SETTING_NAME))
    return "unikernel";
  if (g_str_equal (name, MS_SETTING_TARGET))
    return ms_catalog_get_default_target (self->catalog);
  if (g_str_equal (name, MS_SETTING_LEVEL))
    return ms_catalog_get_default_level (self->catalog);
  if (g_str_equal (name, MS_SETTING_MIRAGE))
    return ms_catalog_get_mirage_version (self->catalog);
  if (g_str_equal (name, MS_SETTING_JOBS))
    return "";
  if (g_str_has_prefix (name, "key:") || g_str_has_prefix (name, "arg:"))
    return NULL;
  return "default";
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
ms_document_list_settings (MsDocument *self)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, self->settings);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (names, k);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

GArray *
ms_document_get_jobs (MsDocument *self)
{
  const char *jobs;
  g_auto(GStrv) parts = NULL;

  /* checks and evaluation both ask on every run: parse once per change,
   * and hand out copies, since callers may edit theirs */
  if (self->jobs_cache != NULL)
    return g_array_copy (self->jobs_cache);
  self->jobs_cache = g_array_new (FALSE, FALSE, sizeof (guint));
  jobs = ms_document_get_setting (self, MS_SETTING_JOBS);
  if (jobs != NULL && *jobs != '\0')
    {
      parts = g_strsplit (jobs, ",", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint64 id;
          if (g_ascii_string_to_unsigned (parts[i], 10, 1, G_MAXUINT, &id, NULL))
            {
              guint v = (guint) id;
              g_array_append_val (self->jobs_cache, v);
            }
        }
    }
  return g_array_copy (self->jobs_cache);
}

const char *
ms_document_get_target (MsDocument *self)
{
  return ms_document_get_setting_or_default (self, MS_SETTING_TARGET);
}

const char *
ms_document_get_app_name (MsDocument *self)
{
  return ms_document_get_setting_or_default (self, MS_SETTING_NAME);
}

guint
ms_document_get_next_id (MsDocument *self)
{
  return self->next_id;
}

/* ---- names ------------------------------------------------------------------- */

/* Values of `open Mirage` that an exported config.ml itself refers to. */
static const char * const dsl_names[] = {
  "register", "main", "foreign", "package", "impl", "job", "typ", "key",
  "dep", "if_impl", "match_impl", "runtime_arg", "noop", NULL
};

/* 1: an OCaml keyword, 2: a Mirage value config.ml uses, 0: free.
 * Checked for every device on every check, hence the set. */
static int
reserved_kind (const char *name)
{
  static GHashTable *reserved;

  if (ms_value_is_ocaml_keyword (name))
    return 1;
  if (g_once_init_enter (&reserved))
    {
      GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; dsl_names[i]; i++)
        g_hash_table_add (set, (gpointer) dsl_names[i]);
      g_once_init_leave (&reserved, set);
    }
  return g_hash_table_contains (reserved, name) ? 2 : 0;
}

gboolean
ms_device_name_is_valid (const char *name, char **why)
{
  int kind;

  if (name == NULL || *name == '\0')
    {
      if (why)
        *why = g_strdup (_("a device needs a name"));
      return FALSE;
    }
  if (!(g_ascii_islower (name[0]) || name[0] == '_'))
    {
      if (why)
        *why = g_strdup_printf (_("“%s” must start with a lowercase letter or _ "
                                "(it becomes an OCaml value name in config.ml)"), name);
      return FALSE;
    }
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '\'')
      {
        if (why)
          {
            g_autofree char *bad = g_strescape ((char[]) { *c, 0 }, NULL);
            *why = g_strdup_printf (_("“%s” may only contain letters, digits, _ and ' "
                                    "(found “%s”)"), name, *c < 0x20 || *c >= 0x7f ? bad : (char[]) { *c, 0 });
          }
        return FALSE;
      }
  if (g_str_equal (name, "_"))
    {
      if (why)
        *why = g_strdup (_("“_” alone is not a name"));
      return FALSE;
    }
  kind = reserved_kind (name);
  if (kind == 1)
    {
      if (why)
        *why = g_strdup_printf (_("“%s” is an OCaml keyword"), name);
      return FALSE;
    }
  if (kind == 2)
    {
      if (why)
        *why = g_strdup_printf (_("“%s” would hide Mirage's own %s in config.ml"), name, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
name_is_free (MsDocument *self, const char *name, guint except_id, GError **error)
{
  g_autofree char *why = NULL;
  const MsDevice *other;

  if (!ms_device_name_is_valid (name, &why))
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME, "%s", why);
      return FALSE;
    }
  if (ms_catalog_name_is_taken (self->catalog, name))
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME,
                   _("“%s” would hide Mirage's own %s in config.ml"), name, name);
      return FALSE;
    }
  other = ms_document_find_device (self, name);
  if (other != NULL && other->id != except_id)
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_DUPLICATE_NAME,
                   _("there is already a device named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

char *
ms_document_suggest_name (MsDocument *self, const char *base)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *candidate = n == 1 && ms_device_name_is_valid (base, NULL)
                                   && !ms_catalog_name_is_taken (self->catalog, base)
                                   ? g_strdup (base)
                                   : g_strdup_printf ("%s_%u", base, n);
      if (name_is_free (self, candidate, 0, NULL))
        return g_steal_pointer (&candidate);
    }
}

/* ---- applying edits to memory --------------------------------------------------- */

static int
device_index (MsDocument *self, guint id)
{
  guint lo = 0, hi = self->devices->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint mid_id = ((MsDevice *) self->devices->pdata[mid])->id;
      if (mid_id == id)
        return (int) mid;
      if (mid_id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -(int) lo - 1;
}

static void
index_name (MsDocument *self, MsDevice *d)
{
  MsDevice *cur = g_hash_table_lookup (self->by_name, d->name);

  if (cur == NULL || d->id < cur->id)
    g_hash_table_insert (self->by_name, d->name, d);
}

static void
unindex_name (MsDocument *self, MsDevice *d)
{
  if (g_hash_table_lookup (self->by_name, d->name) != d)
    return;
  g_hash_table_remove (self->by_name, d->name);
  /* a hand-edited file may hold duplicates: the next one takes over */
  for (guint i = 0; i < self->devices->len; i++)
    {
      MsDevice *o = self->devices->pdata[i];
      if (o != d && g_str_equal (o->name, d->name))
        {
          g_hash_table_insert (self->by_name, o->name, o);
          break;
        }
    }
}

static void
insert_device (MsDocument *self, MsDevice *d)
{
  int idx = device_index (self, d->id);

  g_return_if_fail (idx < 0);
  /* resolved once here: checks and evaluation ask for it constantly */
  d->def = ms_catalog_lookup (self->catalog, d->ctor);
  g_ptr_array_insert (self->devices, -idx - 1, d);
  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (d->id), d);
  index_name (self, d);
  if (d->id >= self->next_id)
    self->next_id = d->id + 1;
}

static void
set_connection (MsDocument *self, guint target, const char *param, guint source)
{
  g_autofree char *key = connection_key (target, param);

  g_clear_pointer (&self->conn_sorted, g_ptr_array_unref);
  g_clear_pointer (&self->conn_by_target, g_hash_table_unref);
  if (source == 0)
    g_hash_table_remove (self->connections, key);
  else
    {
      MsConnection *c = g_new0 (MsConnection, 1);
      c->target = target;
      c->param = g_strdup (param);
      c->source = source;
      g_hash_table_replace (self->connections, g_steal_pointer (&key), c);
    }
}

static void
set_setting (MsDocument *self, const char *name, const char *value)
{
  if (g_str_equal (name, MS_SETTING_JOBS))
    g_clear_pointer (&self->jobs_cache, g_array_unref);
  if (value == NULL)
    g_hash_table_remove (self->settings, name);
  else
    g_hash_table_replace (self->settings, g_strdup (name), g_strdup (value));
  if (g_str_equal (name, MS_SETTING_MIRAGE))
    switch_version (self, value);
}

static void
set_decl (MsDocument *self, const char *id, const MsDecl *decl)
{
  if (decl == NULL)
    g_hash_table_remove (self->decls, id);
  else
    g_hash_table_replace (self->decls, g_strdup (id), ms_decl_copy (decl));
}

static void
apply_edit (MsDocument *self, const MsEdit *e)
{
  MsDevice *d = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (e->device));

  switch (e->kind)
    {
    case MS_EDIT_INSERT_DEVICE:
      insert_device (self, ms_device_copy (e->snapshot));
      break;
    case MS_EDIT_DELETE_DEVICE:
      if (d != NULL)
        {
          int idx = device_index (self, d->id);
          unindex_name (self, d);
          g_hash_table_remove (self->by_id, GUINT_TO_POINTER (d->id));
          g_ptr_array_remove_index (self->devices, idx);
        }
      break;
    case MS_EDIT_RENAME:
      if (d != NULL)
        {
          unindex_name (self, d);
          g_free (d->name);
          d->name = g_strdup (e->new_value);
          index_name (self, d);
        }
      break;
    case MS_EDIT_OPTION:
      if (d != NULL)
        {
          if (e->new_value == NULL)
            g_hash_table_remove (d->options, e->key);
          else
            g_hash_table_replace (d->options, g_strdup (e->key), g_strdup (e->new_value));
        }
      break;
    case MS_EDIT_POSITION:
      if (d != NULL)
        {
          d->placed = e->new_placed;
          d->x = e->new_x;
          d->y = e->new_y;
        }
      break;
    case MS_EDIT_CUSTOM:
      if (d != NULL)
        {
          ms_custom_free (d->custom);
          d->custom = ms_custom_copy (e->new_custom);
        }
      break;
    case MS_EDIT_CONNECTION:
      set_connection (self, e->device, e->key, e->new_source);
      break;
    case MS_EDIT_SETTING:
      set_setting (self, e->key, e->new_value);
      break;
    case MS_EDIT_DECL:
      set_decl (self, e->key, e->new_decl);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- transactions ------------------------------------------------------------- */

static gboolean
tx_begin (MsDocument *self, GError **error)
{
  if (self->pending != NULL)
    {
      if (self->group_failed)
        {
          g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO,
                       _("an earlier step of “%s” failed; nothing was changed"),
                       self->group_label ? self->group_label : _("this change"));
          return FALSE;
        }
      return TRUE;
    }
  self->pending = ms_change_set_new (NULL);
  if (self->backend != NULL && !self->backend->begin (self->backend_data, self, error))
    {
      g_clear_pointer (&self->pending, ms_change_set_free);
      if (self->group_depth > 0)
        self->group_failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static void
tx_abort (MsDocument *self)
{
  if (self->pending == NULL)
    return;
  for (guint i = self->pending->edits->len; i > 0; i--)
    {
      g_autoptr(MsEdit) inv = ms_edit_invert (self->pending->edits->pdata[i - 1]);
      apply_edit (self, inv);
    }
  if (self->backend != NULL)
    self->backend->rollback (self->backend_data, self);
  g_clear_pointer (&self->pending, ms_change_set_free);
  if (self->group_depth > 0)
    self->group_failed = TRUE;
}

/* Takes ownership of e. */
static gboolean
tx_push (MsDocument *self, MsEdit *e, GError **error)
{
  apply_edit (self, e);
  g_ptr_array_add (self->pending->edits, e);
  if (self->backend != NULL && !self->backend->write (self->backend_data, self, e, error))
    {
      tx_abort (self);
      return FALSE;
    }
  return TRUE;
}

/* Fails the current step: in a group the whole group is abandoned. */
static gboolean
tx_fail (MsDocument *self)
{
  tx_abort (self);
  return FALSE;
}

static void
notify_history (MsDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

void
ms_document_clear_history (MsDocument *self)
{
  g_return_if_fail (MS_IS_DOCUMENT (self));
  g_return_if_fail (self->group_depth == 0);

  if (self->undo_stack->len == 0 && self->redo_stack->len == 0)
    return;
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  notify_history (self);
}

static gboolean
tx_commit_mode (MsDocument *self, const char *label, HistoryMode mode, MsChangeSet *original, GError **error)
{
  g_autoptr(MsChangeSet) done = NULL;

  if (self->group_depth > 0 && mode == HISTORY_NORMAL)
    return TRUE;
  if (self->backend != NULL && !self->backend->commit (self->backend_data, self, error))
    {
      tx_abort (self);
      return FALSE;
    }
  done = g_steal_pointer (&self->pending);
  g_free (done->label);
  done->label = g_strdup (label);
  if (done->edits->len == 0)
    return TRUE;

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, done);
  switch (mode)
    {
    case HISTORY_NORMAL:
      g_ptr_array_add (self->undo_stack, g_steal_pointer (&done));
      g_ptr_array_set_size (self->redo_stack, 0);
      break;
    case HISTORY_UNDO:
      g_ptr_array_add (self->redo_stack, original);
      break;
    case HISTORY_REDO:
      g_ptr_array_add (self->undo_stack, original);
      break;
    default:
      break;
    }
  notify_history (self);
  return TRUE;
}

static gboolean
tx_commit (MsDocument *self, const char *label, GError **error)
{
  return tx_commit_mode (self, label, HISTORY_NORMAL, NULL, error);
}

void
ms_document_begin_group (MsDocument *self, const char *label)
{
  if (self->group_depth++ == 0)
    {
      g_free (self->group_label);
      self->group_label = g_strdup (label);
      self->group_failed = FALSE;
    }
}

gboolean
ms_document_end_group (MsDocument *self, GError **error)
{
  g_return_val_if_fail (self->group_depth > 0, FALSE);
  if (--self->group_depth > 0)
    return !self->group_failed;
  if (self->group_failed)
    {
      self->group_failed = FALSE;
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO,
                   _("“%s” failed; nothing was changed"), self->group_label ? self->group_label : _("change"));
      return FALSE;
    }
  if (self->pending == NULL)
    return TRUE;
  return tx_commit (self, self->group_label, error);
}

/* ---- mutations ------------------------------------------------------------------ */

static MsDevice *
lookup_or_fail (MsDocument *self, guint id, GError **error)
{
  MsDevice *d = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));

  if (d == NULL)
    g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_DEVICE,
                 _("there is no device number %u"), id);
  return d;
}

static char *
default_name_base (MsDocument *self, const MsConstructor *ctor)
{
  MsType t;
  int n_vars = 0;

  if (ctor->kind == MS_CTOR_CUSTOM)
    return g_strdup (g_str_equal (ctor->name, "main") ? "unikernel" : "custom");
  if (ms_type_parse (self->catalog, ctor->result, &t, &n_vars, NULL, NULL))
    return g_strdup (t.family);
  return g_strdup ("device");
}

guint
ms_document_add_device (MsDocument *self, const char *ctor_name, const char *name, GError **error)
{
  const MsConstructor *ctor = ms_catalog_lookup (self->catalog, ctor_name);
  g_autofree char *chosen = NULL;
  g_autofree char *label = NULL;
  MsEdit *e;
  guint id;

  if (ctor == NULL)
    {
      g_autoptr(MsCatalog) other = ms_catalog_find_version_with (self->catalog, ctor_name);

      if (other != NULL)
        g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR,
                     _("%s exists in Mirage %s, not in Mirage %s, which the project targets; "
                       "switch the project to Mirage %s first"),
                     ctor_name, ms_catalog_get_mirage_version (other),
                     ms_catalog_get_mirage_version (self->catalog), ms_catalog_get_mirage_version (other));
      else
        g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR,
                     _("“%s” is not a device of the catalog (see `mstudio catalog`)"), ctor_name);
      return 0;
    }
  if (!tx_begin (self, error))
    return 0;
  if (name != NULL)
    {
      if (!name_is_free (self, name, 0, error))
        return tx_fail (self);
      chosen = g_strdup (name);
    }
  else
    {
      g_autofree char *base = default_name_base (self, ctor);
      chosen = ms_document_suggest_name (self, base);
    }
  id = self->next_id;
  e = ms_edit_new (MS_EDIT_INSERT_DEVICE, id);
  e->snapshot = ms_device_new (id, chosen, ctor->name);
  if (ctor->kind == MS_CTOR_CUSTOM)
    e->snapshot->custom = ms_custom_new (g_str_equal (ctor->name, "main") ? "Unikernel.Main" : "",
                                         g_str_equal (ctor->name, "main") ? "job" : "job");
  if (ctor->kind == MS_CTOR_CUSTOM && g_str_equal (ctor->name, MS_CTOR_CHOICE))
    {
      /* a new choice decides on the target, with only its default input */
      e->snapshot->custom->choice = ms_choice_new ("target", NULL);
      e->snapshot->custom->choice->has_default = TRUE;
    }
  if (!tx_push (self, e, error))
    return 0;
  label = g_strdup_printf (_("Add %s"), chosen);
  if (!tx_commit (self, label, error))
    return 0;
  return id;
}

static gboolean
push_setting (MsDocument *self, const char *name, const char *value, GError **error)
{
  const char *old = ms_document_get_setting (self, name);
  MsEdit *e;

  if (g_strcmp0 (old, value) == 0)
    return TRUE;
  e = ms_edit_new (MS_EDIT_SETTING, 0);
  e->key = g_strdup (name);
  e->old_value = g_strdup (old);
  e->new_value = g_strdup (value);
  return tx_push (self, e, error);
}

static char *
format_jobs (GArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%u", i ? "," : "", g_array_index (ids, guint, i));
  return g_string_free (s, FALSE);
}

gboolean
ms_document_remove_device (MsDocument *self, guint id, GError **error)
{
  MsDevice *d;
  g_autoptr(GPtrArray) touching = NULL;
  g_autoptr(GArray) jobs = NULL;
  g_autofree char *label = NULL;
  GPtrArray *conns;
  MsEdit *e;
  gboolean job_changed = FALSE;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(d = lookup_or_fail (self, id, error)))
    return tx_fail (self);
  label = g_strdup_printf (_("Remove %s"), d->name);

  /* connections into and out of the device go first, so that undo restores
   * them after the device is back */
  conns = ms_document_get_connections (self);
  touching = g_ptr_array_new_with_free_func (connection_free);
  for (guint i = 0; i < conns->len; i++)
    {
      MsConnection *c = conns->pdata[i];
      if (c->target == id || c->source == id)
        {
          MsConnection *copy = g_new0 (MsConnection, 1);
          *copy = *c;
          copy->param = g_strdup (c->param);
          g_ptr_array_add (touching, copy);
        }
    }
  for (guint i = 0; i < touching->len; i++)
    {
      MsConnection *c = touching->pdata[i];
      e = ms_edit_new (MS_EDIT_CONNECTION, c->target);
      e->key = g_strdup (c->param);
      e->old_source = c->source;
      e->new_source = 0;
      if (!tx_push (self, e, error))
        return FALSE;
    }

  /* other custom devices' deps and the job list must not dangle */
  for (guint i = 0; i < self->devices->len; i++)
    {
      MsDevice *o = self->devices->pdata[i];
      gboolean uses = FALSE;
      if (o->custom == NULL || o->id == id)
        continue;
      for (guint j = 0; j < o->custom->deps->len; j++)
        uses |= g_array_index (o->custom->deps, guint, j) == id;
      if (uses)
        {
          g_autoptr(MsCustom) nc = ms_custom_copy (o->custom);
          for (guint j = nc->deps->len; j > 0; j--)
            if (g_array_index (nc->deps, guint, j - 1) == id)
              g_array_remove_index (nc->deps, j - 1);
          e = ms_edit_new (MS_EDIT_CUSTOM, o->id);
          e->old_custom = ms_custom_copy (o->custom);
          e->new_custom = g_steal_pointer (&nc);
          if (!tx_push (self, e, error))
            return FALSE;
        }
    }
  jobs = ms_document_get_jobs (self);
  for (guint i = jobs->len; i > 0; i--)
    if (g_array_index (jobs, guint, i - 1) == id)
      {
        g_array_remove_index (jobs, i - 1);
        job_changed = TRUE;
      }
  if (job_changed)
    {
      g_autofree char *text = format_jobs (jobs);
      if (!push_setting (self, MS_SETTING_JOBS, *text ? text : NULL, error))
        return FALSE;
    }

  e = ms_edit_new (MS_EDIT_DELETE_DEVICE, id);
  e->snapshot = ms_device_copy (d);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_rename_device (MsDocument *self, guint id, const char *name, GError **error)
{
  MsDevice *d;
  g_autofree char *label = NULL;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(d = lookup_or_fail (self, id, error)))
    return tx_fail (self);
  if (g_strcmp0 (d->name, name) == 0)
    return tx_commit (self, NULL, error);
  if (!name_is_free (self, name, id, error))
    return tx_fail (self);
  label = g_strdup_printf (_("Rename %s to %s"), d->name, name);
  e = ms_edit_new (MS_EDIT_RENAME, id);
  e->old_value = g_strdup (d->name);
  e->new_value = g_strdup (name);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_set_option (MsDocument *self, guint id, const char *option, const char *value, GError **error)
{
  MsDevice *d;
  const MsConstructor *ctor;
  const char *old;
  g_autofree char *label = NULL;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(d = lookup_or_fail (self, id, error)))
    return tx_fail (self);
  ctor = d->def;
  /* an option the device has can always be unset, even one its catalog
   * lacks (another Mirage version's): that is the checks' advice */
  if ((ctor == NULL || ms_constructor_find_option (ctor, option) == NULL)
      && !((value == NULL || *value == '\0') && ms_device_get_option (d, option) != NULL))
    {
      GString *known = g_string_new (NULL);
      for (guint i = 0; ctor != NULL && i < ctor->options->len; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "",
                                ((MsArgument *) ctor->options->pdata[i])->name);
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_OPTION,
                   known->len ? _("%s (%s) has no option “%s” (it has: %s)")
                              : _("%s (%s) has no option “%s” (it has none)%s"),
                   d->name, d->ctor, option, known->str);
      g_string_free (known, TRUE);
      return tx_fail (self);
    }
  old = ms_device_get_option (d, option);
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (old, value) == 0)
    return tx_commit (self, NULL, error);
  label = g_strdup_printf (_("Set %s.%s"), d->name, option);
  e = ms_edit_new (MS_EDIT_OPTION, id);
  e->key = g_strdup (option);
  e->old_value = g_strdup (old);
  e->new_value = g_strdup (value);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

static gboolean
set_position (MsDocument *self, guint id, gboolean placed, double x, double y, GError **error)
{
  MsDevice *d;
  g_autofree char *label = NULL;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(d = lookup_or_fail (self, id, error)))
    return tx_fail (self);
  if (d->placed == placed && (!placed || (d->x == x && d->y == y)))
    return tx_commit (self, NULL, error);
  label = g_strdup_printf (_("Move %s"), d->name);
  e = ms_edit_new (MS_EDIT_POSITION, id);
  e->old_placed = d->placed;
  e->old_x = d->x;
  e->old_y = d->y;
  e->new_placed = placed;
  e->new_x = placed ? x : 0;
  e->new_y = placed ? y : 0;
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_move_device (MsDocument *self, guint id, double x, double y, GError **error)
{
  return set_position (self, id, TRUE, x, y, error);
}

gboolean
ms_document_unplace_device (MsDocument *self, guint id, GError **error)
{
  return set_position (self, id, FALSE, 0, 0, error);
}

gboolean
ms_document_set_custom (MsDocument *self, guint id, const MsCustom *custom, GError **error)
{
  MsDevice *d;
  g_autofree char *label = NULL;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(d = lookup_or_fail (self, id, error)))
    return tx_fail (self);
  if (d->custom == NULL)
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_OPTION,
                   _("%s is a %s device: only main and impl devices have a module and signature"),
                   d->name, d->ctor);
      return tx_fail (self);
    }
  for (guint i = 0; i < custom->deps->len; i++)
    {
      guint dep = g_array_index (custom->deps, guint, i);
      if (dep == id || ms_document_get_device (self, dep) == NULL)
        {
          g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_DEVICE,
                       dep == id ? _("%s cannot depend on itself") : _("%s: dependency on a device that does not exist"),
                       d->name);
          return tx_fail (self);
        }
    }
  if (ms_custom_equal (d->custom, custom))
    return tx_commit (self, NULL, error);
  if ((d->custom->choice == NULL) != (custom->choice == NULL))
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_OPTION,
                   custom->choice ? _("%s is not a choice: it has no condition")
                                  : _("%s is a choice: it keeps a condition"), d->name);
      return tx_fail (self);
    }
  label = g_strdup_printf (_("Edit %s"), d->name);
  if (custom->choice != NULL)
    {
      /* a case removed takes its input's connection with it (undone together) */
      GPtrArray *inputs = ms_document_get_inputs (self, id);
      g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; inputs != NULL && i < inputs->len; i++)
        {
          const MsConnection *c = inputs->pdata[i];
          gboolean kept = (custom->choice->has_default && g_str_equal (c->param, MS_CHOICE_DEFAULT))
                          || g_ptr_array_find_with_equal_func (custom->choice->cases, c->param, g_str_equal, NULL);
          if (!kept)
            g_ptr_array_add (params, g_strdup (c->param));
        }
      for (guint i = 0; i < params->len; i++)
        {
          e = ms_edit_new (MS_EDIT_CONNECTION, id);
          e->key = g_strdup (params->pdata[i]);
          e->old_source = ms_document_get_source (self, id, params->pdata[i]);
          e->new_source = 0;
          if (!tx_push (self, e, error))
            return FALSE;
        }
    }
  e = ms_edit_new (MS_EDIT_CUSTOM, id);
  e->old_custom = ms_custom_copy (d->custom);
  e->new_custom = ms_custom_copy (custom);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

/* Whether param names an input of the device: a catalog parameter, or a
 * 1-based position within a custom device's signature. */
static gboolean
param_exists (MsDocument *self, const MsDevice *d, const char *param, GError **error)
{
  const MsConstructor *ctor = d->def;

  if (d->custom != NULL && d->custom->choice != NULL)
    {
      const MsChoice *ch = d->custom->choice;
      if ((ch->has_default && g_str_equal (param, MS_CHOICE_DEFAULT))
          || g_ptr_array_find_with_equal_func (ch->cases, param, g_str_equal, NULL))
        return TRUE;
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER,
                   _("%s has no branch “%s” (a choice's inputs are its cases%s)"),
                   d->name, param, ch->has_default ? _(" and default") : "");
      return FALSE;
    }
  if (d->custom != NULL)
    {
      g_autoptr(MsSignature) sig = ms_signature_parse (self->catalog, d->custom->signature, NULL);
      guint64 pos;
      guint n = sig ? sig->params->len : 0;

      if (g_ascii_string_to_unsigned (param, 10, 1, G_MAXUINT, &pos, NULL)
          && (sig == NULL || pos <= n))
        return TRUE;
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s has no parameter “%s”: its signature “%s” has %u parameter, numbered from 1",
                                "%s has no parameter “%s”: its signature “%s” has %u parameters, numbered from 1",
                                n), d->name, param, d->custom->signature, n);
      return FALSE;
    }
  if (ctor != NULL && ms_constructor_find_param (ctor, param) != NULL)
    return TRUE;
  {
    GString *known = g_string_new (NULL);
    for (guint i = 0; ctor != NULL && i < ctor->params->len; i++)
      g_string_append_printf (known, "%s%s", i ? ", " : "",
                              ((MsArgument *) ctor->params->pdata[i])->name);
    g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER,
                 known->len ? _("%s (%s) has no parameter “%s” (its parameters: %s)")
                            : _("%s (%s) has no parameter “%s” (it takes no devices)%s"),
                 d->name, d->ctor, param, known->str);
    g_string_free (known, TRUE);
  }
  return FALSE;
}

/* The type a device makes, as a signature writes it; NULL when it has
 * type variables (a generic constructor) or cannot be read. */
static char *
device_result_text (MsDocument *self, const MsDevice *d)
{
  if (d->custom != NULL)
    {
      g_autoptr(MsSignature) sig = ms_signature_parse (self->catalog, d->custom->signature, NULL);
      return sig != NULL ? ms_type_to_string (self->catalog, &sig->result) : NULL;
    }
  if (d->def != NULL && d->def->result != NULL && strchr (d->def->result, '\'') == NULL)
    return g_strdup (d->def->result);
  return NULL;
}

/* A choice added from the palette has the placeholder type job, which
 * hides its output: the first device connected to one of its branches
 * gives it its type, in the same undo step. NULL edit when not so. */
static MsEdit *
choice_type_edit (MsDocument *self, const MsDevice *s, const MsDevice *t)
{
  GPtrArray *inputs = ms_document_get_inputs (self, t->id);
  g_autofree char *type = NULL;
  MsEdit *e;

  if (t->custom == NULL || t->custom->choice == NULL || !g_str_equal (t->custom->signature, "job")
      || (inputs != NULL && inputs->len > 0))
    return NULL;
  type = device_result_text (self, s);
  if (type == NULL || g_str_equal (type, "job"))
    return NULL;
  e = ms_edit_new (MS_EDIT_CUSTOM, t->id);
  e->old_custom = ms_custom_copy (t->custom);
  e->new_custom = ms_custom_copy (t->custom);
  g_free (e->new_custom->signature);
  e->new_custom->signature = g_steal_pointer (&type);
  return e;
}

gboolean
ms_document_connect (MsDocument *self, guint source, guint target, const char *param, GError **error)
{
  MsDevice *s, *t;
  g_autofree char *label = NULL;
  guint old;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(s = lookup_or_fail (self, source, error)) || !(t = lookup_or_fail (self, target, error)))
    return tx_fail (self);
  if (!param_exists (self, t, param, error))
    return tx_fail (self);
  old = ms_document_get_source (self, target, param);
  if (old == source)
    return tx_commit (self, NULL, error);
  label = g_strdup_printf (_("Connect %s to %s.%s"), s->name, t->name, param);
  e = ms_edit_new (MS_EDIT_CONNECTION, target);
  e->key = g_strdup (param);
  e->old_source = old;
  e->new_source = source;
  {
    MsEdit *typed = choice_type_edit (self, s, t);
    if (typed != NULL && !tx_push (self, typed, error))
      {
        ms_edit_free (e);
        return FALSE;
      }
  }
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_disconnect (MsDocument *self, guint target, const char *param, GError **error)
{
  MsDevice *t;
  g_autofree char *label = NULL;
  guint old;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if (!(t = lookup_or_fail (self, target, error)))
    return tx_fail (self);
  old = ms_document_get_source (self, target, param);
  if (old == 0)
    return tx_commit (self, NULL, error);
  label = g_strdup_printf (_("Disconnect %s.%s"), t->name, param);
  e = ms_edit_new (MS_EDIT_CONNECTION, target);
  e->key = g_strdup (param);
  e->old_source = old;
  e->new_source = 0;
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

static gboolean
setting_name_is_known (const char *name)
{
  static const char * const fixed[] = {
    MS_SETTING_NAME, MS_SETTING_TARGET, MS_SETTING_JOBS, MS_SETTING_ARGV,
    MS_SETTING_REPORTER, MS_SETTING_LEVEL, MS_SETTING_SLEEP, MS_SETTING_PTIME,
    MS_SETTING_MTIME, MS_SETTING_RANDOM, MS_SETTING_MIRAGE, MS_SETTING_LOCK, NULL
  };

  if (g_strv_contains (fixed, name))
    return TRUE;
  return (g_str_has_prefix (name, "key:") || g_str_has_prefix (name, "arg:")) && name[4] != '\0';
}

gboolean
ms_document_set_setting (MsDocument *self, const char *name, const char *value, GError **error)
{
  g_autofree char *label = NULL;

  if (!setting_name_is_known (name))
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING,
                   _("“%s” is not a project setting (settings: name, target, mirage, argv, reporter, level, "
                   "sleep, ptime, mtime, random, jobs, key:NAME, arg:NAME)"), name);
      return FALSE;
    }
  if (g_str_equal (name, MS_SETTING_MIRAGE) && !ms_catalog_version_is_known (value))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) ms_catalog_get_known_versions ());
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING,
                   _("“%s” is not a Mirage version a project can target (versions: %s)"),
                   value ? value : "", known);
      return FALSE;
    }
  /* the application name names files (docs/cli.md, "Names"): refused
   * where it is set, a name read from a file is only reported by check */
  if (g_str_equal (name, MS_SETTING_NAME) && value != NULL && *value != '\0')
    {
      g_autofree char *why = NULL;

      if (!ms_value_check_app_name (value, &why))
        {
          g_set_error_literal (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME, why);
          return FALSE;
        }
    }
  if (!tx_begin (self, error))
    return FALSE;
  if (value != NULL && *value == '\0' && !g_str_has_prefix (name, "arg:"))
    value = NULL;
  if (g_str_equal (name, MS_SETTING_MIRAGE))
    label = g_strdup_printf (_("Target Mirage %s"), value);
  else
    label = g_strdup_printf (_("Set %s"), name);
  if (!push_setting (self, name, value, error))
    return FALSE;
  return tx_commit (self, label, error);
}

/* ---- declarations: device types and configure keys of the user's own ---- */

static gint
compare_decl_names (gconstpointer a, gconstpointer b)
{
  const MsDecl *x = *(const MsDecl *const *) a, *y = *(const MsDecl *const *) b;

  return strcmp (x->name, y->name);
}

GPtrArray *
ms_document_get_decls (MsDocument *self, MsDeclKind kind)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->decls);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((MsDecl *) v)->kind == kind)
      g_ptr_array_add (out, v);
  g_ptr_array_sort (out, compare_decl_names);
  return out;
}

char **
ms_document_dup_type_names (MsDocument *self)
{
  g_autoptr(GPtrArray) types = ms_document_get_decls (self, MS_DECL_TYPE);
  char **out = g_new0 (char *, types->len + 1);

  for (guint i = 0; i < types->len; i++)
    out[i] = g_strdup (((MsDecl *) types->pdata[i])->name);
  return out;
}

const MsDecl *
ms_document_get_decl (MsDocument *self, MsDeclKind kind, const char *name)
{
  g_autofree char *id = ms_decl_id (kind, name);

  return g_hash_table_lookup (self->decls, id);
}

static gboolean
is_ocaml_ident (const char *s, gboolean capital)
{
  if (s == NULL || !(capital ? g_ascii_isupper (*s) : (g_ascii_islower (*s) || *s == '_')))
    return FALSE;
  for (s++; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '\'')
      return FALSE;
  return TRUE;
}

/* Why a declaration cannot be written to config.ml, or NULL. */
static char *
decl_problem (const MsDecl *d)
{
  static const char *const arg_kinds[] = {
    "opt", "flag", "required", "opt_all", "kv_ro", "block", "net", "dhcp", NULL
  };

  if (d->kind == MS_DECL_TYPE)
    {
      if (!is_ocaml_ident (d->name, FALSE))
        return g_strdup_printf (_("“%s” is not a name for a device type: a lowercase OCaml name such as hello"), d->name);
      if (!is_ocaml_ident (d->constructor, TRUE))
        return g_strdup_printf (_("“%s” is not an OCaml constructor for the type %s: a capitalised name such as Hello"),
                                d->constructor, d->name);
      return NULL;
    }
  if (*d->name == '\0')
    return g_strdup (_("a key needs a name (Mirage refuses the empty name)"));
  for (const char *p = d->name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return g_strdup_printf (_("“%s” is not a key name: letters, digits, - and _ only"), d->name);
  if (!g_strv_contains (arg_kinds, d->arg_kind))
    return g_strdup_printf (_("“%s” is not a kind of key (opt, flag, required, opt_all, kv_ro, block, net, dhcp)"),
                            d->arg_kind);
  if (*d->binding != '\0' && !is_ocaml_ident (d->binding, FALSE))
    return g_strdup_printf (_("“%s” is not an OCaml name to bind the key %s to"), d->binding, d->name);
  for (guint i = 0; i < d->flags->len; i++)
    {
      const char *f = d->flags->pdata[i];
      if (*f == '\0' || *f == '-' || strpbrk (f, " \t\n\"\\") != NULL)
        return g_strdup_printf (_("“%s” is not a flag name of the key %s"), f, d->name);
    }
  return NULL;
}

gboolean
ms_document_set_decl (MsDocument *self, const MsDecl *decl, GError **error)
{
  g_autofree char *why = decl_problem (decl);
  g_autofree char *id = ms_decl_id (decl->kind, decl->name);
  g_autofree char *label = NULL;
  const MsDecl *old;
  MsEdit *e;

  if (why != NULL)
    {
      g_set_error_literal (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_INVALID_NAME, why);
      return FALSE;
    }
  if (!tx_begin (self, error))
    return FALSE;
  old = g_hash_table_lookup (self->decls, id);
  if (ms_decl_equal (old, decl))
    return tx_commit (self, NULL, error);
  label = g_strdup_printf (old ? _("Edit %s %s") : _("Declare %s %s"),
                           decl->kind == MS_DECL_TYPE ? _("type") : _("key"), decl->name);
  e = ms_edit_new (MS_EDIT_DECL, 0);
  e->key = g_steal_pointer (&id);
  e->old_decl = ms_decl_copy (old);
  e->new_decl = ms_decl_copy (decl);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_remove_decl (MsDocument *self, MsDeclKind kind, const char *name, GError **error)
{
  g_autofree char *id = ms_decl_id (kind, name);
  g_autofree char *label = NULL;
  const MsDecl *old;
  MsEdit *e;

  if (!tx_begin (self, error))
    return FALSE;
  if ((old = g_hash_table_lookup (self->decls, id)) == NULL)
    {
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_SETTING,
                   kind == MS_DECL_TYPE ? _("the project declares no device type “%s”")
                                        : _("the project declares no key “%s”"), name);
      return tx_fail (self);
    }
  label = g_strdup_printf (_("Remove %s %s"), kind == MS_DECL_TYPE ? _("type") : _("key"), name);
  e = ms_edit_new (MS_EDIT_DECL, 0);
  e->key = g_steal_pointer (&id);
  e->old_decl = ms_decl_copy (old);
  if (!tx_push (self, e, error))
    return FALSE;
  return tx_commit (self, label, error);
}

gboolean
ms_document_set_jobs (MsDocument *self, const guint *ids, guint n_ids, GError **error)
{
  g_autoptr(GArray) arr = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *text = NULL;

  if (!tx_begin (self, error))
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    {
      if (ms_document_get_device (self, ids[i]) == NULL)
        {
          g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_DEVICE,
                       _("there is no device number %u to register as a job"), ids[i]);
          return tx_fail (self);
        }
      g_array_append_val (arr, ids[i]);
    }
  text = format_jobs (arr);
  if (!push_setting (self, MS_SETTING_JOBS, *text ? text : NULL, error))
    return FALSE;
  return tx_commit (self, _("Register jobs"), error);
}

/* ---- history ------------------------------------------------------------------------ */

gboolean
ms_document_can_undo (MsDocument *self)
{
  return self->undo_stack->len > 0;
}

gboolean
ms_document_can_redo (MsDocument *self)
{
  return self->redo_stack->len > 0;
}

const char *
ms_document_get_undo_label (MsDocument *self)
{
  return self->undo_stack->len
         ? ((MsChangeSet *) self->undo_stack->pdata[self->undo_stack->len - 1])->label : NULL;
}

const char *
ms_document_get_redo_label (MsDocument *self)
{
  return self->redo_stack->len
         ? ((MsChangeSet *) self->redo_stack->pdata[self->redo_stack->len - 1])->label : NULL;
}

static gboolean
replay (MsDocument *self, GPtrArray *from, HistoryMode mode, GError **error)
{
  MsChangeSet *cs;
  g_autofree char *label = NULL;

  g_return_val_if_fail (self->group_depth == 0, FALSE);
  if (!tx_begin (self, error))
    return FALSE;
  /* begin may have reloaded the file, which clears the history */
  if (from->len == 0)
    {
      tx_abort (self);
      g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_NOTHING_TO_DO,
                   mode == HISTORY_UNDO ? _("nothing to undo") : _("nothing to redo"));
      return FALSE;
    }
  cs = g_ptr_array_steal_index (from, from->len - 1);
  label = g_strdup_printf ("%s %s", mode == HISTORY_UNDO ? "Undo" : "Redo",
                           cs->label ? cs->label : "change");
  if (mode == HISTORY_UNDO)
    {
      for (guint i = cs->edits->len; i > 0; i--)
        if (!tx_push (self, ms_edit_invert (cs->edits->pdata[i - 1]), error))
          goto failed;
    }
  else
    {
      for (guint i = 0; i < cs->edits->len; i++)
        {
          MsEdit *copy = ms_edit_invert (cs->edits->pdata[i]);
          MsEdit *again = ms_edit_invert (copy);
          ms_edit_free (copy);
          if (!tx_push (self, again, error))
            goto failed;
        }
    }
  if (!tx_commit_mode (self, label, mode, cs, error))
    goto failed;
  return TRUE;

failed:
  /* put the entry back so the user can try again */
  g_ptr_array_add (from, cs);
  return FALSE;
}

gboolean
ms_document_undo (MsDocument *self, GError **error)
{
  return replay (self, self->undo_stack, HISTORY_UNDO, error);
}

gboolean
ms_document_redo (MsDocument *self, GError **error)
{
  return replay (self, self->redo_stack, HISTORY_REDO, error);
}

/* ---- backend and loading ----------------------------------------------------------- */

void
ms_document_set_backend (MsDocument *self, const MsDocumentBackend *backend, gpointer data)
{
  self->backend = backend;
  self->backend_data = data;
}

void
ms_document_load_begin (MsDocument *self)
{
  g_clear_pointer (&self->conn_sorted, g_ptr_array_unref);
  g_clear_pointer (&self->conn_by_target, g_hash_table_unref);
  g_hash_table_remove_all (self->connections);
  g_hash_table_remove_all (self->by_name);
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->devices, 0);
  g_hash_table_remove_all (self->settings);
  g_hash_table_remove_all (self->decls);
  g_clear_pointer (&self->jobs_cache, g_array_unref);
  /* the contents' own "mirage" setting, if any, chooses again */
  switch_catalog (self, self->initial_catalog);
  self->next_id = 1;
}

void
ms_document_load_device (MsDocument *self, MsDevice *device)
{
  if (device_index (self, device->id) >= 0)
    {
      ms_device_free (device);
      return;
    }
  insert_device (self, device);
}

void
ms_document_load_connection (MsDocument *self, guint target, const char *param, guint source)
{
  set_connection (self, target, param, source);
}

void
ms_document_load_setting (MsDocument *self, const char *name, const char *value)
{
  set_setting (self, name, value);
}

void
ms_document_load_decl (MsDocument *self, MsDecl *decl)
{
  g_autofree char *id = ms_decl_id (decl->kind, decl->name);

  g_hash_table_replace (self->decls, g_steal_pointer (&id), decl);
}

void
ms_document_load_end (MsDocument *self, gboolean reloaded)
{
  if (!reloaded)
    return;
  /* Undo entries were computed against contents that no longer exist. */
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  g_signal_emit (self, signals[SIGNAL_RELOADED], 0);
  notify_history (self);
}
