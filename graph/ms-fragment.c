/* ms-fragment.c: copy/paste text of a set of devices (see ms-fragment.h). */
#include "ms-fragment.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <string.h>

#include <gio/gio.h>

static void
put_field (GString *out, const char *s)
{
  g_autofree char *esc = g_strescape (s ? s : "", NULL);

  g_string_append_c (out, '\t');
  g_string_append (out, esc);
}

static void
put_index (GString *out, guint n)
{
  g_string_append_printf (out, "\t%u", n);
}

static void
put_line (GString *out, const char *what, guint n, const char *a, const char *b)
{
  g_string_append (out, what);
  put_index (out, n);
  put_field (out, a);
  if (b != NULL)
    put_field (out, b);
  g_string_append_c (out, '\n');
}

/* What issue 11 added to custom devices: connect code, local libraries,
 * keys, labelled arguments, and a choice's condition and cases. */
static void
put_custom_extras (GString *out, guint n, const MsCustom *c)
{
  if (c->connect != NULL)
    put_line (out, "connect-code", n, c->connect, NULL);
  for (guint k = 0; c->local_libs && k < c->local_libs->len; k++)
    put_line (out, "local-lib", n, c->local_libs->pdata[k], NULL);
  for (guint k = 0; c->keys && k < c->keys->len; k++)
    put_line (out, "key", n, c->keys->pdata[k], NULL);
  for (guint k = 0; c->labelled && k < c->labelled->len; k++)
    {
      const MsLabelled *l = c->labelled->pdata[k];
      put_line (out, "labelled", n, l->label, l->code);
    }
  if (c->choice != NULL)
    {
      g_string_append (out, "choice");
      put_index (out, n);
      put_field (out, c->choice->key);
      put_field (out, c->choice->predicate ? c->choice->predicate : "");
      put_field (out, c->choice->has_default ? "1" : "0");
      g_string_append_c (out, '\n');
      for (guint k = 0; k < c->choice->cases->len; k++)
        put_line (out, "case", n, c->choice->cases->pdata[k], NULL);
    }
}

/* Whether word occurs in text as a whole OCaml identifier. */
static gboolean
names_word (const char *text, const char *word)
{
  gsize len = strlen (word);

  for (const char *p = text ? strstr (text, word) : NULL; p != NULL; p = strstr (p + 1, word))
    {
      gboolean before = p == text || !(g_ascii_isalnum (p[-1]) || p[-1] == '_' || p[-1] == '\'');
      gboolean after = !(g_ascii_isalnum (p[len]) || p[len] == '_' || p[len] == '\'');
      if (len > 0 && before && after)
        return TRUE;
    }
  return FALSE;
}

static void
put_decl (GString *out, const MsDecl *d)
{
  g_string_append (out, "decl");
  put_field (out, ms_decl_kind_to_string (d->kind));
  put_field (out, d->name);
  put_field (out, d->constructor);
  put_field (out, d->binding);
  put_field (out, d->arg_kind);
  put_field (out, d->conv);
  put_field (out, d->default_value);
  put_field (out, d->group);
  put_field (out, d->doc);
  put_field (out, d->docv);
  for (guint k = 0; k < d->flags->len; k++)
    put_field (out, d->flags->pdata[k]);
  g_string_append_c (out, '\n');
}

/* The project's own types and keys the devices name (in a signature, a
 * choice's condition, an impl's ~keys), so that a paste into another
 * project brings them along. */
static void
put_decls (GString *out, MsDocument *doc, GPtrArray *devices)
{
  g_autoptr(GPtrArray) types = ms_document_get_decls (doc, MS_DECL_TYPE);
  g_autoptr(GPtrArray) keys = ms_document_get_decls (doc, MS_DECL_KEY);

  for (guint t = 0; t < types->len; t++)
    {
      const MsDecl *decl = types->pdata[t];
      for (guint i = 0; i < devices->len; i++)
        {
          const MsDevice *d = devices->pdata[i];
          if (d->custom != NULL && names_word (d->custom->signature, decl->name))
            {
              put_decl (out, decl);
              break;
            }
        }
    }
  for (guint t = 0; t < keys->len; t++)
    {
      const MsDecl *decl = keys->pdata[t];
      for (guint i = 0; i < devices->len; i++)
        {
          const MsDevice *d = devices->pdata[i];
          if (d->custom != NULL
              && ((d->custom->choice != NULL && d->custom->choice->predicate == NULL
                   && g_str_equal (d->custom->choice->key, decl->name))
                  || g_ptr_array_find_with_equal_func (d->custom->keys, decl->name, g_str_equal, NULL)))
            {
              put_decl (out, decl);
              break;
            }
        }
    }
}

char *
ms_fragment_serialize (MsDocument *doc, const guint *ids, guint n_ids)
{
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) devices = g_ptr_array_new ();
  GPtrArray *conns;
  GString *out;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), NULL);
  for (guint i = 0; i < n_ids; i++)
    {
      const MsDevice *d = ms_document_get_device (doc, ids[i]);
      if (d == NULL || g_hash_table_contains (index, GUINT_TO_POINTER (d->id)))
        continue;
      g_hash_table_insert (index, GUINT_TO_POINTER (d->id), GUINT_TO_POINTER (devices->len + 1));
      g_ptr_array_add (devices, (gpointer) d);
    }
  if (devices->len == 0)
    return NULL;

  out = g_string_new (MS_FRAGMENT_MAGIC "\n");
  put_decls (out, doc, devices);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (out, "device");
      put_index (out, i);
      put_field (out, d->ctor);
      put_field (out, d->name);
      put_field (out, g_ascii_dtostr (num, sizeof num, d->x));
      put_field (out, g_ascii_dtostr (num, sizeof num, d->y));
      put_field (out, d->placed ? "1" : "0");
      g_string_append_c (out, '\n');
      if (d->options != NULL)
        {
          g_autoptr(GList) keys = g_hash_table_get_keys (d->options);
          keys = g_list_sort (keys, (GCompareFunc) strcmp);
          for (GList *l = keys; l != NULL; l = l->next)
            {
              g_string_append (out, "option");
              put_index (out, i);
              put_field (out, l->data);
              put_field (out, g_hash_table_lookup (d->options, l->data));
              g_string_append_c (out, '\n');
            }
        }
      if (d->custom != NULL)
        {
          g_string_append (out, "custom");
          put_index (out, i);
          put_field (out, d->custom->module);
          put_field (out, d->custom->signature);
          g_string_append_c (out, '\n');
          for (guint k = 0; d->custom->packages && k < d->custom->packages->len; k++)
            {
              g_autofree char *p = ms_package_to_string (d->custom->packages->pdata[k]);
              g_string_append (out, "package");
              put_index (out, i);
              put_field (out, p);
              g_string_append_c (out, '\n');
            }
          for (guint k = 0; d->custom->runtime_args && k < d->custom->runtime_args->len; k++)
            {
              const MsArgDecl *a = d->custom->runtime_args->pdata[k];
              g_string_append (out, "runtime-arg");
              put_index (out, i);
              put_field (out, a->name);
              put_field (out, a->type);
              put_field (out, a->default_value);
              put_field (out, a->doc);
              g_string_append_c (out, '\n');
            }
          put_custom_extras (out, i, d->custom);
          for (guint k = 0; d->custom->deps && k < d->custom->deps->len; k++)
            {
              guint dep = g_array_index (d->custom->deps, guint, k);
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (dep)));
              if (n == 0)
                continue;   /* outside the fragment */
              g_string_append (out, "dep");
              put_index (out, i);
              put_index (out, n - 1);
              g_string_append_c (out, '\n');
            }
        }
    }

  conns = ms_document_get_connections (doc);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      guint s = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (c->source)));
      guint t = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (c->target)));
      if (s == 0 || t == 0)
        continue;
      g_string_append (out, "connect");
      put_index (out, s - 1);
      put_index (out, t - 1);
      put_field (out, c->param);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
ms_fragment_is_fragment (const char *text)
{
  return text != NULL && g_str_has_prefix (text, MS_FRAGMENT_MAGIC)
         && (text[strlen (MS_FRAGMENT_MAGIC)] == '\n' || text[strlen (MS_FRAGMENT_MAGIC)] == '\r'
             || text[strlen (MS_FRAGMENT_MAGIC)] == '\0');
}

typedef struct {
  char *ctor, *name;
  double x, y;
  gboolean placed;
  GPtrArray *options;   /* name, value, name, value ... */
  MsCustom *custom;
  guint id;             /* in the document, once added */
} FragDevice;

static void
frag_device_free (gpointer data)
{
  FragDevice *f = data;

  g_free (f->ctor);
  g_free (f->name);
  g_ptr_array_unref (f->options);
  g_clear_pointer (&f->custom, ms_custom_free);
  g_free (f);
}

static gboolean
parse_index (const char *s, guint limit, guint *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, limit == 0 ? 0 : limit - 1, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* "stack_2" -> "stack": pasted copies are numbered from the original's base */
static char *
name_base (const char *name)
{
  const char *u = strrchr (name, '_');

  if (u != NULL && u != name && u[1] != '\0' && strspn (u + 1, "0123456789") == strlen (u + 1))
    return g_strndup (name, (gsize) (u - name));
  return g_strdup (name);
}

static gboolean
fail (GError **error, guint line, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("not a Mirage Studio fragment: line %u: %s"), line, what);
  return FALSE;
}

typedef struct {
  guint source, target;
  char *param;
} FragConn;

static void
frag_conn_free (gpointer data)
{
  FragConn *c = data;

  g_free (c->param);
  g_free (c);
}

static gboolean
parse (const char *text, GPtrArray *devs, GPtrArray *conns, GPtrArray *decls, GError **error)
{
  g_auto(GStrv) lines = NULL;

  if (!ms_fragment_is_fragment (text))
    return fail (error, 1, _("missing header"));
  lines = g_strsplit (text, "\n", -1);
  for (guint ln = 1; lines[ln] != NULL; ln++)
    {
      g_auto(GStrv) f = NULL;
      guint n, nf, idx;

      /* only the line end: a trailing empty field is a tab, which
       * g_strchomp would take away with it */
      {
        gsize len = strlen (lines[ln]);
        if (len > 0 && lines[ln][len - 1] == '\r')
          lines[ln][len - 1] = '\0';
      }
      if (lines[ln][0] == '\0')
        continue;
      f = g_strsplit (lines[ln], "\t", -1);
      nf = g_strv_length (f);
      for (guint k = 1; k < nf; k++)
        {
          char *c = g_strcompress (f[k]);
          g_free (f[k]);
          f[k] = c;
        }
      if (g_str_equal (f[0], "device"))
        {
          FragDevice *d;
          if (nf != 7 || !parse_index (f[1], devs->len + 1, &n) || n != devs->len)
            return fail (error, ln + 1, _("bad device line"));
          d = g_new0 (FragDevice, 1);
          d->ctor = g_strdup (f[2]);
          d->name = g_strdup (f[3]);
          d->x = g_ascii_strtod (f[4], NULL);
          d->y = g_ascii_strtod (f[5], NULL);
          d->placed = g_str_equal (f[6], "1");
          d->options = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (devs, d);
          continue;
        }
      if (g_str_equal (f[0], "decl"))
        {
          MsDeclKind kind;
          MsDecl *decl;
          if (nf < 11 || !ms_decl_kind_from_string (f[1], &kind))
            return fail (error, ln + 1, _("bad declaration"));
          decl = ms_decl_new (kind, f[2]);
          g_ptr_array_add (decls, decl);
#define TAKE(field, k) (g_free (decl->field), decl->field = g_strdup (f[k]))
          TAKE (constructor, 3);
          TAKE (binding, 4);
          TAKE (arg_kind, 5);
          TAKE (conv, 6);
          TAKE (default_value, 7);
          TAKE (group, 8);
          TAKE (doc, 9);
          TAKE (docv, 10);
#undef TAKE
          for (guint k = 11; k < nf; k++)
            g_ptr_array_add (decl->flags, g_strdup (f[k]));
          continue;
        }
      if (nf < 2 || !parse_index (f[1], devs->len, &idx))
        return fail (error, ln + 1, _("bad device number"));
      FragDevice *d = devs->pdata[idx];
      if (g_str_equal (f[0], "option") && nf == 4)
        {
          g_ptr_array_add (d->options, g_strdup (f[2]));
          g_ptr_array_add (d->options, g_strdup (f[3]));
        }
      else if (g_str_equal (f[0], "custom") && nf == 4)
        {
          g_clear_pointer (&d->custom, ms_custom_free);
          d->custom = ms_custom_new (f[2], f[3]);
        }
      else if (g_str_equal (f[0], "package") && nf == 3 && d->custom != NULL)
        {
          MsPackage *p = ms_package_parse (f[2], error);
          if (p == NULL)
            return FALSE;
          g_ptr_array_add (d->custom->packages, p);
        }
      else if (g_str_equal (f[0], "runtime-arg") && nf == 6 && d->custom != NULL)
        g_ptr_array_add (d->custom->runtime_args, ms_arg_decl_new (f[2], f[3], f[4], f[5]));
      else if (g_str_equal (f[0], "dep") && nf == 3 && d->custom != NULL)
        {
          if (!parse_index (f[2], devs->len, &n))
            return fail (error, ln + 1, _("bad dependency"));
          g_array_append_val (d->custom->deps, n);   /* fragment index, mapped later */
        }
      else if (g_str_equal (f[0], "connect-code") && nf == 3 && d->custom != NULL)
        {
          g_free (d->custom->connect);
          d->custom->connect = g_strdup (f[2]);
        }
      else if (g_str_equal (f[0], "local-lib") && nf == 3 && d->custom != NULL)
        g_ptr_array_add (d->custom->local_libs, g_strdup (f[2]));
      else if (g_str_equal (f[0], "key") && nf == 3 && d->custom != NULL)
        g_ptr_array_add (d->custom->keys, g_strdup (f[2]));
      else if (g_str_equal (f[0], "labelled") && nf == 4 && d->custom != NULL)
        g_ptr_array_add (d->custom->labelled, ms_labelled_new (f[2], f[3]));
      else if (g_str_equal (f[0], "choice") && nf == 5 && d->custom != NULL)
        {
          g_clear_pointer (&d->custom->choice, ms_choice_free);
          d->custom->choice = ms_choice_new (f[2], *f[3] ? f[3] : NULL);
          d->custom->choice->has_default = g_str_equal (f[4], "1");
        }
      else if (g_str_equal (f[0], "case") && nf == 3 && d->custom != NULL && d->custom->choice != NULL)
        g_ptr_array_add (d->custom->choice->cases, g_strdup (f[2]));
      else if (g_str_equal (f[0], "connect") && nf == 4)
        {
          FragConn *c = g_new0 (FragConn, 1);
          c->source = idx;
          if (!parse_index (f[2], devs->len, &c->target))
            {
              g_free (c);
              return fail (error, ln + 1, _("bad connection"));
            }
          c->param = g_strdup (f[3]);
          g_ptr_array_add (conns, c);
        }
      else
        return fail (error, ln + 1, _("unknown line"));
    }
  if (devs->len == 0)
    return fail (error, 1, _("no devices"));
  return TRUE;
}

GArray *
ms_fragment_paste (MsDocument *doc, const char *text, double dx, double dy, GError **error)
{
  g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func (frag_device_free);
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (frag_conn_free);
  g_autoptr(GPtrArray) decls = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_decl_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  GError *inner = NULL;
  gboolean ok = TRUE, ended;

  g_return_val_if_fail (MS_IS_DOCUMENT (doc), NULL);
  if (!parse (text, devs, conns, decls, error))
    return NULL;
  /* the document refuses an unknown constructor before its group starts,
   * which would leave the group half done: check them all first */
  for (guint i = 0; i < devs->len; i++)
    {
      FragDevice *d = devs->pdata[i];
      if (ms_catalog_lookup (ms_document_get_catalog (doc), d->ctor) == NULL)
        {
          g_set_error (error, MS_DOCUMENT_ERROR, MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR,
                       _("“%s” is not a device of the catalog"), d->ctor);
          return NULL;
        }
    }

  ms_document_begin_group (doc, devs->len == 1 ? "Paste device" : "Paste devices");
  /* the types and keys of the project's own the devices name: one the
   * document lacks is declared; one it declares already is its own
   * (the same name is the same type or key in config.ml) */
  for (guint i = 0; ok && i < decls->len; i++)
    {
      const MsDecl *decl = decls->pdata[i];
      if (ms_document_get_decl (doc, decl->kind, decl->name) == NULL)
        ok = ms_document_set_decl (doc, decl, &inner);
    }
  for (guint i = 0; ok && i < devs->len; i++)
    {
      FragDevice *d = devs->pdata[i];
      g_autofree char *base = name_base (d->name);
      g_autofree char *name = ms_document_suggest_name (doc, base);

      d->id = ms_document_add_device (doc, d->ctor, name, &inner);
      ok = d->id != 0;
      for (guint k = 0; ok && k + 1 < d->options->len; k += 2)
        ok = ms_document_set_option (doc, d->id, d->options->pdata[k], d->options->pdata[k + 1], &inner);
      if (ok && d->placed)
        ok = ms_document_move_device (doc, d->id, d->x + dx, d->y + dy, &inner);
      if (ok)
        g_array_append_val (ids, d->id);
    }
  for (guint i = 0; ok && i < devs->len; i++)
    {
      FragDevice *d = devs->pdata[i];
      if (d->custom == NULL)
        continue;
      for (guint k = 0; k < d->custom->deps->len; k++)
        {
          guint n = g_array_index (d->custom->deps, guint, k);
          g_array_index (d->custom->deps, guint, k) = ((FragDevice *) devs->pdata[n])->id;
        }
      ok = ms_document_set_custom (doc, d->id, d->custom, &inner);
    }
  for (guint i = 0; ok && i < conns->len; i++)
    {
      FragConn *c = conns->pdata[i];
      ok = ms_document_connect (doc, ((FragDevice *) devs->pdata[c->source])->id,
                                ((FragDevice *) devs->pdata[c->target])->id, c->param, &inner);
    }
  ended = ms_document_end_group (doc, inner == NULL ? error : NULL);
  if (ended && !ok)
    ms_document_undo (doc, NULL);   /* a step refused without failing the group */
  if (!ok || !ended)
    {
      if (inner != NULL)
        g_propagate_error (error, inner);
      return NULL;
    }
  return g_steal_pointer (&ids);
}
