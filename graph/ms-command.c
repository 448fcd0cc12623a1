/* ms-command.c: devices, custom fields and edits as values.
 *
 * Edits own deep copies of whatever they carry, so history entries stay
 * valid however the document changes afterwards.
 */
#include "ms-command.h"

#include "ms-catalog.h"

#include <string.h>

MsArgDecl *
ms_arg_decl_new (const char *name, const char *type, const char *default_value, const char *doc)
{
  MsArgDecl *a = g_new0 (MsArgDecl, 1);

  a->name = g_strdup (name ? name : "");
  a->type = g_strdup (type ? type : "string");
  a->default_value = g_strdup (default_value ? default_value : "");
  a->doc = g_strdup (doc ? doc : "");
  return a;
}

MsArgDecl *
ms_arg_decl_copy (const MsArgDecl *a)
{
  return ms_arg_decl_new (a->name, a->type, a->default_value, a->doc);
}

void
ms_arg_decl_free (MsArgDecl *a)
{
  if (a == NULL)
    return;
  g_free (a->name);
  g_free (a->type);
  g_free (a->default_value);
  g_free (a->doc);
  g_free (a);
}

static GPtrArray *
strv_array_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static void
strv_array_copy_into (GPtrArray *to, const GPtrArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, g_strdup (from->pdata[i]));
}

static gboolean
strv_array_equal (const GPtrArray *a, const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (a->pdata[i], b->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

MsChoice *
ms_choice_new (const char *key, const char *predicate)
{
  MsChoice *c = g_new0 (MsChoice, 1);

  c->key = g_strdup (key ? key : "target");
  c->predicate = predicate && *predicate ? g_strdup (predicate) : NULL;
  c->cases = strv_array_new ();
  return c;
}

MsChoice *
ms_choice_copy (const MsChoice *c)
{
  MsChoice *n;

  if (c == NULL)
    return NULL;
  n = ms_choice_new (c->key, c->predicate);
  strv_array_copy_into (n->cases, c->cases);
  n->has_default = c->has_default;
  return n;
}

void
ms_choice_free (MsChoice *c)
{
  if (c == NULL)
    return;
  g_free (c->key);
  g_free (c->predicate);
  g_ptr_array_unref (c->cases);
  g_free (c);
}

gboolean
ms_choice_equal (const MsChoice *a, const MsChoice *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->key, b->key) == 0 && g_strcmp0 (a->predicate, b->predicate) == 0
         && a->has_default == b->has_default && strv_array_equal (a->cases, b->cases);
}

const char *
ms_choice_select (const MsChoice *c, const char *value)
{
  /* Mirage: List.assoc on the evaluated value, first match wins */
  for (guint i = 0; value != NULL && i < c->cases->len; i++)
    if (g_str_equal (c->cases->pdata[i], value))
      return c->cases->pdata[i];
  return NULL;
}

MsLabelled *
ms_labelled_new (const char *label, const char *code)
{
  MsLabelled *l = g_new0 (MsLabelled, 1);

  l->label = g_strdup (label ? label : "");
  l->code = g_strdup (code ? code : "");
  return l;
}

void
ms_labelled_free (MsLabelled *l)
{
  if (l == NULL)
    return;
  g_free (l->label);
  g_free (l->code);
  g_free (l);
}

const char *
ms_custom_get_labelled (const MsCustom *c, const char *label)
{
  for (guint i = 0; c != NULL && i < c->labelled->len; i++)
    {
      const MsLabelled *l = c->labelled->pdata[i];
      if (g_str_equal (l->label, label))
        return l->code;
    }
  return NULL;
}

MsDecl *
ms_decl_new (MsDeclKind kind, const char *name)
{
  MsDecl *d = g_new0 (MsDecl, 1);

  d->kind = kind;
  d->name = g_strdup (name ? name : "");
  d->constructor = g_strdup ("");
  d->binding = g_strdup ("");
  d->arg_kind = g_strdup (kind == MS_DECL_KEY ? "opt" : "");
  d->conv = g_strdup (kind == MS_DECL_KEY ? "string" : "");
  d->default_value = g_strdup ("");
  d->group = g_strdup ("");
  d->doc = g_strdup ("");
  d->docv = g_strdup ("");
  d->flags = strv_array_new ();
  return d;
}

#define REPLACE_STR(field, value) (g_free (field), (field) = g_strdup ((value) ? (value) : ""))

MsDecl *
ms_decl_copy (const MsDecl *d)
{
  MsDecl *n;

  if (d == NULL)
    return NULL;
  n = ms_decl_new (d->kind, d->name);
  REPLACE_STR (n->constructor, d->constructor);
  REPLACE_STR (n->binding, d->binding);
  REPLACE_STR (n->arg_kind, d->arg_kind);
  REPLACE_STR (n->conv, d->conv);
  REPLACE_STR (n->default_value, d->default_value);
  REPLACE_STR (n->group, d->group);
  REPLACE_STR (n->doc, d->doc);
  REPLACE_STR (n->docv, d->docv);
  strv_array_copy_into (n->flags, d->flags);
  return n;
}

void
ms_decl_free (MsDecl *d)
{
  if (d == NULL)
    return;
  g_free (d->name);
  g_free (d->constructor);
  g_free (d->binding);
  g_free (d->arg_kind);
  g_free (d->conv);
  g_free (d->default_value);
  g_free (d->group);
  g_free (d->doc);
  g_free (d->docv);
  g_ptr_array_unref (d->flags);
  g_free (d);
}

gboolean
ms_decl_equal (const MsDecl *a, const MsDecl *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->kind == b->kind && g_str_equal (a->name, b->name)
         && g_str_equal (a->constructor, b->constructor) && g_str_equal (a->binding, b->binding)
         && g_str_equal (a->arg_kind, b->arg_kind) && g_str_equal (a->conv, b->conv)
         && g_str_equal (a->default_value, b->default_value) && g_str_equal (a->group, b->group)
         && g_str_equal (a->doc, b->doc) && g_str_equal (a->docv, b->docv)
         && strv_array_equal (a->flags, b->flags);
}

const char *
ms_decl_kind_to_string (MsDeclKind kind)
{
  return kind == MS_DECL_TYPE ? "type" : "key";
}

gboolean
ms_decl_kind_from_string (const char *s, MsDeclKind *out)
{
  if (g_strcmp0 (s, "type") == 0)
    *out = MS_DECL_TYPE;
  else if (g_strcmp0 (s, "key") == 0)
    *out = MS_DECL_KEY;
  else
    return FALSE;
  return TRUE;
}

char *
ms_decl_id (MsDeclKind kind, const char *name)
{
  return g_strdup_printf ("%s:%s", ms_decl_kind_to_string (kind), name);
}

char *
ms_decl_key_flag (const MsDecl *d)
{
  /* Mirage's DSL keys: the flag is the key's name, GROUP-KIND */
  if (d->flags->len > 0)
    return g_strdup (d->flags->pdata[0]);
  return g_strdup (d->name);
}

MsCustom *
ms_custom_new (const char *module, const char *signature)
{
  MsCustom *c = g_new0 (MsCustom, 1);

  c->module = g_strdup (module ? module : "");
  c->signature = g_strdup (signature ? signature : "job");
  c->packages = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  c->runtime_args = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_arg_decl_free);
  c->deps = g_array_new (FALSE, FALSE, sizeof (guint));
  c->local_libs = strv_array_new ();
  c->keys = strv_array_new ();
  c->labelled = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_labelled_free);
  return c;
}

MsCustom *
ms_custom_copy (const MsCustom *c)
{
  MsCustom *n;

  if (c == NULL)
    return NULL;
  n = ms_custom_new (c->module, c->signature);
  for (guint i = 0; i < c->packages->len; i++)
    g_ptr_array_add (n->packages, ms_package_copy (c->packages->pdata[i]));
  for (guint i = 0; i < c->runtime_args->len; i++)
    g_ptr_array_add (n->runtime_args, ms_arg_decl_copy (c->runtime_args->pdata[i]));
  g_array_append_vals (n->deps, c->deps->data, c->deps->len);
  n->connect = g_strdup (c->connect);
  strv_array_copy_into (n->local_libs, c->local_libs);
  strv_array_copy_into (n->keys, c->keys);
  for (guint i = 0; i < c->labelled->len; i++)
    {
      const MsLabelled *l = c->labelled->pdata[i];
      g_ptr_array_add (n->labelled, ms_labelled_new (l->label, l->code));
    }
  n->choice = ms_choice_copy (c->choice);
  return n;
}

void
ms_custom_free (MsCustom *c)
{
  if (c == NULL)
    return;
  g_free (c->module);
  g_free (c->signature);
  g_ptr_array_unref (c->packages);
  g_ptr_array_unref (c->runtime_args);
  g_array_unref (c->deps);
  g_free (c->connect);
  g_ptr_array_unref (c->local_libs);
  g_ptr_array_unref (c->keys);
  g_ptr_array_unref (c->labelled);
  ms_choice_free (c->choice);
  g_free (c);
}

gboolean
ms_custom_equal (const MsCustom *a, const MsCustom *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (g_strcmp0 (a->module, b->module) != 0
      || g_strcmp0 (a->signature, b->signature) != 0
      || a->packages->len != b->packages->len
      || a->runtime_args->len != b->runtime_args->len
      || a->deps->len != b->deps->len
      || g_strcmp0 (a->connect, b->connect) != 0
      || !strv_array_equal (a->local_libs, b->local_libs)
      || !strv_array_equal (a->keys, b->keys)
      || a->labelled->len != b->labelled->len
      || !ms_choice_equal (a->choice, b->choice))
    return FALSE;
  for (guint i = 0; i < a->labelled->len; i++)
    {
      const MsLabelled *x = a->labelled->pdata[i], *y = b->labelled->pdata[i];
      if (g_strcmp0 (x->label, y->label) || g_strcmp0 (x->code, y->code))
        return FALSE;
    }
  for (guint i = 0; i < a->packages->len; i++)
    {
      g_autofree char *pa = ms_package_to_string (a->packages->pdata[i]);
      g_autofree char *pb = ms_package_to_string (b->packages->pdata[i]);
      if (g_strcmp0 (pa, pb) != 0)
        return FALSE;
    }
  for (guint i = 0; i < a->runtime_args->len; i++)
    {
      const MsArgDecl *x = a->runtime_args->pdata[i], *y = b->runtime_args->pdata[i];
      if (g_strcmp0 (x->name, y->name) || g_strcmp0 (x->type, y->type)
          || g_strcmp0 (x->default_value, y->default_value) || g_strcmp0 (x->doc, y->doc))
        return FALSE;
    }
  /* an empty GArray may have no data at all */
  return a->deps->len == 0
         || memcmp (a->deps->data, b->deps->data, a->deps->len * sizeof (guint)) == 0;
}

MsDevice *
ms_device_new (guint id, const char *name, const char *ctor)
{
  MsDevice *d = g_new0 (MsDevice, 1);

  d->id = id;
  d->name = g_strdup (name);
  d->ctor = g_strdup (ctor);
  d->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return d;
}

MsDevice *
ms_device_copy (const MsDevice *d)
{
  MsDevice *c = ms_device_new (d->id, d->name, d->ctor);
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, d->options);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_insert (c->options, g_strdup (k), g_strdup (v));
  c->def = d->def;
  c->placed = d->placed;
  c->x = d->x;
  c->y = d->y;
  c->custom = ms_custom_copy (d->custom);
  return c;
}

void
ms_device_free (MsDevice *d)
{
  if (d == NULL)
    return;
  g_free (d->name);
  g_free (d->ctor);
  g_hash_table_unref (d->options);
  ms_custom_free (d->custom);
  g_free (d);
}

const char *
ms_device_get_option (const MsDevice *d, const char *option)
{
  return g_hash_table_lookup (d->options, option);
}

MsEdit *
ms_edit_new (MsEditKind kind, guint device)
{
  MsEdit *e = g_new0 (MsEdit, 1);

  e->kind = kind;
  e->device = device;
  return e;
}

MsEdit *
ms_edit_invert (const MsEdit *e)
{
  MsEdit *r = ms_edit_new (e->kind, e->device);

  switch (e->kind)
    {
    case MS_EDIT_INSERT_DEVICE:
      r->kind = MS_EDIT_DELETE_DEVICE;
      break;
    case MS_EDIT_DELETE_DEVICE:
      r->kind = MS_EDIT_INSERT_DEVICE;
      break;
    default:
      break;
    }
  r->key = g_strdup (e->key);
  r->old_value = g_strdup (e->new_value);
  r->new_value = g_strdup (e->old_value);
  r->old_source = e->new_source;
  r->new_source = e->old_source;
  r->old_placed = e->new_placed;
  r->new_placed = e->old_placed;
  r->old_x = e->new_x;
  r->old_y = e->new_y;
  r->new_x = e->old_x;
  r->new_y = e->old_y;
  r->old_custom = ms_custom_copy (e->new_custom);
  r->new_custom = ms_custom_copy (e->old_custom);
  r->snapshot = e->snapshot ? ms_device_copy (e->snapshot) : NULL;
  r->old_decl = ms_decl_copy (e->new_decl);
  r->new_decl = ms_decl_copy (e->old_decl);
  return r;
}

void
ms_edit_free (MsEdit *e)
{
  if (e == NULL)
    return;
  g_free (e->key);
  g_free (e->old_value);
  g_free (e->new_value);
  ms_custom_free (e->old_custom);
  ms_custom_free (e->new_custom);
  if (e->snapshot)
    ms_device_free (e->snapshot);
  ms_decl_free (e->old_decl);
  ms_decl_free (e->new_decl);
  g_free (e);
}

MsChangeSet *
ms_change_set_new (const char *label)
{
  MsChangeSet *c = g_new0 (MsChangeSet, 1);

  c->label = g_strdup (label);
  c->edits = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_edit_free);
  return c;
}

void
ms_change_set_free (MsChangeSet *c)
{
  if (c == NULL)
    return;
  g_free (c->label);
  g_ptr_array_unref (c->edits);
  g_free (c);
}
