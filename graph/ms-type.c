/* ms-type.c: parsing types and signatures, and unifying IP versions.
 *
 * Only the versioned families carry information beyond their name, so
 * unification reduces to: families must be equal, and versions must agree
 * after following variable bindings (a union-find with an optional known
 * version per class).
 */
#include "ms-type.h"

#include "ms-config.h"   /* GETTEXT_PACKAGE, for glib/gi18n-lib.h */
#include <glib/gi18n-lib.h>

#include <string.h>

G_DEFINE_QUARK (ms-type-error-quark, ms_type_error)

static MsIpVersion
version_from_name (const char *v)
{
  if (g_strcmp0 (v, "v4") == 0)
    return MS_IPV_V4;
  if (g_strcmp0 (v, "v6") == 0)
    return MS_IPV_V6;
  if (g_strcmp0 (v, "v4v6") == 0)
    return MS_IPV_V4V6;
  return MS_IPV_NONE;
}

static const char *
version_name (MsIpVersion v)
{
  switch (v)
    {
    case MS_IPV_V4: return "v4";
    case MS_IPV_V6: return "v6";
    case MS_IPV_V4V6: return "v4v6";
    case MS_IPV_NONE:
    default: return "";
    }
}

gboolean
ms_type_is_versioned (const MsType *t)
{
  return t->var >= 0 || t->version != MS_IPV_NONE;
}

static gboolean
type_parse (MsCatalog *catalog, const char *const *own, const char *text, MsType *out,
            int *n_vars, GHashTable *var_names, GError **error);

gboolean
ms_type_parse (MsCatalog  *catalog,
               const char *text,
               MsType     *out,
               int        *n_vars,
               GHashTable *var_names,
               GError    **error)
{
  return type_parse (catalog, NULL, text, out, n_vars, var_names, error);
}

static gboolean
type_parse (MsCatalog *catalog, const char *const *own, const char *text, MsType *out,
            int *n_vars, GHashTable *var_names, GError **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text ? text : ""));
  const MsModuleType *mt;

  out->family = NULL;
  out->version = MS_IPV_NONE;
  out->var = -1;

  if (s[0] == '\'')
    {
      /* "'a tcp": a polymorphic member of a versioned family */
      char *space = strchr (s, ' ');
      g_autofree char *var = NULL;
      const char *fam;
      gpointer idx;

      if (space == NULL)
        {
          g_set_error (error, MS_TYPE_ERROR, 0,
                       _("“%s” is not a type: a type variable must be followed by ip, udp or tcp"), s);
          return FALSE;
        }
      var = g_strndup (s, space - s);
      fam = g_strstrip (space + 1);
      mt = ms_catalog_lookup_type (catalog, fam);
      if (mt == NULL || !mt->versioned)
        {
          g_set_error (error, MS_TYPE_ERROR, 0,
                       _("“%s” is not a type: only ip, udp and tcp take an IP version"), s);
          return FALSE;
        }
      out->family = mt->name;
      if (var_names != NULL && g_hash_table_lookup_extended (var_names, var, NULL, &idx))
        out->var = GPOINTER_TO_INT (idx);
      else
        {
          out->var = (*n_vars)++;
          if (var_names != NULL)
            g_hash_table_insert (var_names, g_steal_pointer (&var), GINT_TO_POINTER (out->var));
        }
      return TRUE;
    }

  mt = ms_catalog_lookup_type (catalog, s);
  if (mt == NULL && own != NULL && g_strv_contains (own, s))
    {
      /* a device type of the project's own (`let hello = typ Hello`): a
       * family of its own, equal only to itself; interned, because types
       * hold catalog-lifetime strings */
      out->family = g_intern_string (s);
      return TRUE;
    }
  if (mt == NULL)
    {
      g_set_error (error, MS_TYPE_ERROR, 0, _("unknown module type “%s”"), s);
      return FALSE;
    }
  if (mt->family != NULL)
    {
      const MsModuleType *fam = ms_catalog_lookup_type (catalog, mt->family);
      out->family = fam ? fam->name : mt->family;
      out->version = version_from_name (mt->version);
    }
  else if (mt->versioned)
    {
      /* a bare "tcp" is polymorphic, as Mirage's 'a tcp typ */
      out->family = mt->name;
      out->var = (*n_vars)++;
    }
  else
    out->family = mt->name;
  return TRUE;
}

MsSignature *
ms_signature_parse (MsCatalog  *catalog,
                    const char *text,
                    GError    **error)
{
  return ms_signature_parse_with (catalog, NULL, text, error);
}

MsSignature *
ms_signature_parse_with (MsCatalog         *catalog,
                         const char *const *own_types,
                         const char        *text,
                         GError           **error)
{
  g_autoptr(MsSignature) sig = g_new0 (MsSignature, 1);
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) parts = NULL;
  guint n;

  sig->params = g_array_new (FALSE, TRUE, sizeof (MsType));
  if (text == NULL || text[strspn (text, " \t\n")] == '\0')
    {
      g_set_error (error, MS_TYPE_ERROR, 0, _("the signature is empty; it must end in a type such as job"));
      return NULL;
    }
  parts = g_strsplit (text, "@->", -1);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    {
      MsType t;
      g_autoptr(GError) local = NULL;

      if (*g_strstrip (parts[i]) == '\0')
        {
          g_set_error (error, MS_TYPE_ERROR, 0,
                       _("“%s” is not a signature: a type is missing around “@->” (part %u)"), text, i + 1);
          return NULL;
        }
      if (!type_parse (catalog, own_types, parts[i], &t, &sig->n_vars, vars, &local))
        {
          g_set_error (error, MS_TYPE_ERROR, 0, _("in signature “%s”: %s"), text, local->message);
          return NULL;
        }
      if (i + 1 == n)
        sig->result = t;
      else
        g_array_append_val (sig->params, t);
    }
  return g_steal_pointer (&sig);
}

MsSignature *
ms_signature_copy (const MsSignature *sig)
{
  MsSignature *c = g_new0 (MsSignature, 1);

  c->params = g_array_copy (sig->params);
  c->result = sig->result;
  c->n_vars = sig->n_vars;
  return c;
}

void
ms_signature_free (MsSignature *sig)
{
  if (sig == NULL)
    return;
  g_array_unref (sig->params);
  g_free (sig);
}

static void
append_type (GString *s, MsCatalog *catalog, const MsType *t)
{
  g_autofree char *str = ms_type_to_string (catalog, t);
  g_string_append (s, str);
}

char *
ms_signature_to_string (MsCatalog *catalog, const MsSignature *sig)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < sig->params->len; i++)
    {
      append_type (s, catalog, &g_array_index (sig->params, MsType, i));
      g_string_append (s, " @-> ");
    }
  append_type (s, catalog, &sig->result);
  return g_string_free (s, FALSE);
}

char *
ms_type_to_string (MsCatalog *catalog, const MsType *t)
{
  if (t->family == NULL)
    return g_strdup ("?");
  if (t->var >= 0)
    {
      /* 'a, 'b, ... 'z, then 'a1 ... */
      if (t->var < 26)
        return g_strdup_printf ("'%c %s", 'a' + t->var, t->family);
      return g_strdup_printf ("'a%d %s", t->var, t->family);
    }
  if (t->version != MS_IPV_NONE)
    {
      /* prefer the catalog's name for this member (ipv4, tcpv4v6, ...) */
      GPtrArray *types = ms_catalog_get_types (catalog);
      for (guint i = 0; i < types->len; i++)
        {
          const MsModuleType *mt = types->pdata[i];
          if (g_strcmp0 (mt->family, t->family) == 0
              && version_from_name (mt->version) == t->version)
            return g_strdup (mt->name);
        }
      return g_strdup_printf ("%s%s", t->family, version_name (t->version));
    }
  return g_strdup (t->family);
}

gboolean
ms_type_equal (const MsType *a, const MsType *b)
{
  return g_strcmp0 (a->family, b->family) == 0
         && a->var == b->var
         && (a->var >= 0 || a->version == b->version);
}

/* ---- unification --------------------------------------------------------- */

struct _MsUnifier
{
  GArray *parent;   /* int */
  GArray *bound;    /* MsIpVersion of each class root */
};

MsUnifier *
ms_unifier_new (void)
{
  MsUnifier *u = g_new0 (MsUnifier, 1);

  u->parent = g_array_new (FALSE, FALSE, sizeof (int));
  u->bound = g_array_new (FALSE, FALSE, sizeof (MsIpVersion));
  return u;
}

void
ms_unifier_free (MsUnifier *u)
{
  if (u == NULL)
    return;
  g_array_unref (u->parent);
  g_array_unref (u->bound);
  g_free (u);
}

int
ms_unifier_fresh (MsUnifier *u, int n)
{
  int first = (int) u->parent->len;

  for (int i = 0; i < n; i++)
    {
      int id = first + i;
      MsIpVersion none = MS_IPV_NONE;
      g_array_append_val (u->parent, id);
      g_array_append_val (u->bound, none);
    }
  return first;
}

MsType
ms_type_instantiate (const MsType *t, int base)
{
  MsType r = *t;

  if (r.var >= 0)
    r.var += base;
  return r;
}

static int
find (MsUnifier *u, int v)
{
  int *parent = (int *) u->parent->data;

  while (parent[v] != v)
    {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
  return v;
}

MsType
ms_unifier_resolve (MsUnifier *u, const MsType *t)
{
  MsType r = *t;

  if (r.var >= 0 && r.var < (int) u->parent->len)
    {
      int root = find (u, r.var);
      MsIpVersion b = g_array_index (u->bound, MsIpVersion, root);
      if (b != MS_IPV_NONE)
        {
          r.var = -1;
          r.version = b;
        }
      else
        r.var = root;
    }
  return r;
}

gboolean
ms_unifier_unify (MsUnifier    *u,
                  MsCatalog    *catalog,
                  const MsType *expected,
                  const MsType *found,
                  char        **why)
{
  MsType e = ms_unifier_resolve (u, expected);
  MsType f = ms_unifier_resolve (u, found);

  if (g_strcmp0 (e.family, f.family) != 0)
    goto mismatch;
  if (e.var < 0 && f.var < 0)
    {
      if (e.version != f.version)
        goto mismatch;
      return TRUE;
    }
  if (e.var >= 0 && f.var >= 0)
    {
      if (e.var != f.var)
        g_array_index (u->parent, int, e.var) = f.var;
      return TRUE;
    }
  if (e.var >= 0)
    g_array_index (u->bound, MsIpVersion, e.var) = f.version;
  else
    g_array_index (u->bound, MsIpVersion, f.var) = e.version;
  return TRUE;

mismatch:
  if (why != NULL)
    {
      g_autofree char *es = ms_type_to_string (catalog, &e);
      g_autofree char *fs = ms_type_to_string (catalog, &f);
      *why = g_strdup_printf (_("expected %s, found %s"), es, fs);
    }
  return FALSE;
}
