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

MsCustom *
ms_custom_new (const char *module, const char *signature)
{
  MsCustom *c = g_new0 (MsCustom, 1);

  c->module = g_strdup (module ? module : "");
  c->signature = g_strdup (signature ? signature : "job");
  c->packages = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_package_free);
  c->runtime_args = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_arg_decl_free);
  c->deps = g_array_new (FALSE, FALSE, sizeof (guint));
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
      || a->deps->len != b->deps->len)
    return FALSE;
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
