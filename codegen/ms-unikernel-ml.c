/* ms-unikernel-ml.c: writing skeletons of the modules main devices name.
 *
 * Mirage calls `<Module>.start <functor args> <deps> <runtime args>`
 * (functoria-semantics §6.4); when the module is not a functor and has
 * no deps, Mirage adds noop and start receives (). The skeleton follows
 * that order. Module paths are grouped into a tree per compilation unit
 * so that "Unikernel.Main" and "Unikernel.Other" share unikernel.ml.
 *
 * Runtime arguments are Cmdliner terms at the top of the unit, named as
 * config.ml refers to them ("Unikernel.port"), with the default the
 * project gives them.
 */
#include "ms-unikernel-ml.h"

#include <string.h>

#include "ms-escape.h"
#include "ms-type.h"
#include "ms-value.h"

typedef struct _Node Node;
struct _Node {
  char *name;               /* module name, NULL for the unit itself */
  const MsDevice *main;     /* the main whose module this is, or NULL */
  GPtrArray *children;      /* Node*, in order of first use */
};

static Node *
node_new (const char *name)
{
  Node *n = g_new0 (Node, 1);

  n->name = g_strdup (name);
  n->children = g_ptr_array_new ();
  return n;
}

static void
node_free (Node *n)
{
  for (guint i = 0; i < n->children->len; i++)
    node_free (n->children->pdata[i]);
  g_ptr_array_unref (n->children);
  g_free (n->name);
  g_free (n);
}

static Node *
node_child (Node *n, const char *name)
{
  Node *c;

  for (guint i = 0; i < n->children->len; i++)
    if (g_str_equal (((Node *) n->children->pdata[i])->name, name))
      return n->children->pdata[i];
  c = node_new (name);
  g_ptr_array_add (n->children, c);
  return c;
}

void
ms_source_file_free (MsSourceFile *f)
{
  g_free (f->file);
  g_free (f->text);
  g_free (f);
}

typedef struct {
  MsDocument *doc;
  MsCatalog *cat;
  GString *out;
} Gen;

static gboolean
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_INVALID, msg);
  return FALSE;
}

/* ---- runtime arguments as Cmdliner terms ------------------------------------ */

static const char *
arg_default (Gen *g, const MsArgDecl *a)
{
  g_autofree char *key = g_strdup_printf ("arg:%s", a->name);
  const char *v = ms_document_get_setting (g->doc, key);

  return v != NULL ? v : a->default_value ? a->default_value : "";
}

/* Cmdliner converter and OCaml literal of one value of a simple type;
 * types without a Cmdliner converter of their own are strings. */
static const char *
term_conv (const char *type)
{
  if (g_str_equal (type, "int") || g_str_equal (type, "port"))
    return "int";
  if (g_str_equal (type, "int64"))
    return "int64";
  if (g_str_equal (type, "bool"))
    return "bool";
  return "string";
}

static char *
term_literal (const char *type, const char *value)
{
  gint64 n;

  if (g_str_equal (type, "int") || g_str_equal (type, "port") || g_str_equal (type, "int64"))
    {
      const char *suffix = g_str_equal (type, "int64") ? "L" : "";
      if (!ms_value_parse_int64 (value, &n))
        return NULL;
      return n < 0 ? g_strdup_printf ("(%" G_GINT64_FORMAT "%s)", n, suffix)
                   : g_strdup_printf ("%" G_GINT64_FORMAT "%s", n, suffix);
    }
  if (g_str_equal (type, "bool"))
    {
      gboolean b;
      return ms_value_parse_bool (value, &b) ? g_strdup (b ? "true" : "false") : NULL;
    }
  return ms_escape_ocaml_string (value);
}

/* "int", "(list string)", "(enum [ (\"a\", \"a\") ])" */
static char *
term_type (const char *type)
{
  if (g_str_has_prefix (type, "list:"))
    {
      g_autofree char *inner = term_type (type + 5);
      return g_strdup_printf ("(list %s)", inner);
    }
  if (g_str_has_prefix (type, "enum:"))
    {
      g_auto(GStrv) words = g_strsplit (type + 5, ",", -1);
      g_autoptr(GString) s = g_string_new ("(enum [");
      for (guint i = 0; words[i]; i++)
        {
          g_autofree char *w = ms_escape_ocaml_string (words[i]);
          g_string_append_printf (s, "%s (%s, %s)", i ? ";" : "", w, w);
        }
      g_string_append (s, " ])");
      return g_string_free (g_steal_pointer (&s), FALSE);
    }
  return g_strdup (term_conv (type));
}

static char *
term_default (const char *type, const char *value)
{
  if (g_str_has_prefix (type, "list:"))
    {
      g_auto(GStrv) items = g_strsplit (value, ",", -1);
      g_autoptr(GString) s = g_string_new ("[");
      for (guint i = 0; items[i]; i++)
        {
          g_autofree char *v = term_default (type + 5, items[i]);
          if (v == NULL)
            return NULL;
          g_string_append_printf (s, "%s %s", i ? ";" : "", v);
        }
      g_string_append (s, items[0] ? " ]" : "]");
      return g_string_free (g_steal_pointer (&s), FALSE);
    }
  if (g_str_has_prefix (type, "enum:"))
    return ms_escape_ocaml_string (value);
  return term_literal (term_conv (type), value);
}

static gboolean
emit_term (Gen *g, const MsDevice *owner, const MsArgDecl *a, GError **error)
{
  const char *def = arg_default (g, a);
  const char *type = a->type && *a->type ? a->type : "string";
  g_autofree char *why = NULL;
  g_autofree char *conv = term_type (type);
  g_autofree char *flag = ms_escape_ocaml_string (a->name);
  g_autofree char *doc = ms_escape_ocaml_string (a->doc ? a->doc : "");
  g_autofree char *value = NULL;

  if (!ms_value_check (type, def, &why))
    return fail (error, "%s: the default of runtime argument %s: %s", owner->name, a->name, why);
  g_string_append (g->out, "(* --");
  ms_escape_ocaml_comment_append (g->out, a->name, FALSE);
  g_string_append (g->out, " (");
  ms_escape_ocaml_comment_append (g->out, type, FALSE);
  if (*def)
    {
      g_string_append (g->out, ", default ");
      ms_escape_ocaml_comment_append (g->out, def, FALSE);
    }
  g_string_append (g->out, ")");
  if (a->doc && *a->doc)
    {
      g_string_append (g->out, ": ");
      ms_escape_ocaml_comment_append (g->out, a->doc, FALSE);
    }
  if (!g_str_equal (term_conv (g_str_has_prefix (type, "list:") ? type + 5 : type), "string")
      || g_str_equal (type, "string") || g_str_has_prefix (type, "enum:")
      || g_str_equal (type, "list:string"))
    g_string_append (g->out, " *)\n");
  else
    {
      g_string_append (g->out, "\n   Read as text: parse it as ");
      ms_escape_ocaml_comment_append (g->out, type, FALSE);
      g_string_append (g->out, " in start. *)\n");
    }
  if (*def == '\0')
    value = g_strdup_printf ("opt (some %s) None", conv);
  else
    {
      g_autofree char *lit = term_default (type, def);
      if (lit == NULL)
        return fail (error, "%s: the default of runtime argument %s cannot be written", owner->name, a->name);
      value = g_strdup_printf ("opt %s %s", conv, lit);
    }
  g_string_append_printf (g->out,
                          "let %s =\n"
                          "  let doc = Arg.info ~doc:%s [ %s ] in\n"
                          "  Arg.(value & %s doc)\n\n",
                          a->name, doc, flag, value);
  return TRUE;
}

/* ---- modules ------------------------------------------------------------------ */

/* A module type from the catalog, if it only has the characters of a
 * module type path with `with type` constraints; otherwise any module. */
static const char *
module_type_of (Gen *g, const MsType *t)
{
  g_autofree char *s = ms_type_to_string (g->cat, t);
  const char *name = s[0] == '\'' && strchr (s, ' ') ? strchr (s, ' ') + 1 : s;
  const MsModuleType *mt = ms_catalog_lookup_type (g->cat, name);

  /* a module type is a path into a module (Mirage_kv.RO); a bare
   * module name such as Mimic names the implementation, not its type */
  if (mt == NULL || mt->module_type == NULL || strchr (mt->module_type, '.') == NULL)
    return "sig end";
  for (const char *p = mt->module_type; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("_.' =", *p))
      return "sig end";
  return mt->module_type;
}

static void
indent (GString *out, guint depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static gboolean
emit_main (Gen *g, const MsDevice *d, guint depth, const char *module, GError **error)
{
  const MsCustom *cu = d->custom;
  const char *text = cu->signature && *cu->signature ? cu->signature : "job";
  g_autoptr(GError) local = NULL;
  g_autoptr(MsSignature) sig = ms_signature_parse (g->cat, text, &local);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);   /* start's parameters */
  /* owns its names: interning them (g_intern_string) kept every
   * parameter name of every export alive for the life of the process */
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  gboolean functor;

  if (sig == NULL)
    return fail (error, "%s: invalid signature: %s", d->name, local->message);
  functor = sig->params->len > 0;
  if (functor && module == NULL)
    return fail (error, "%s: %s takes devices, so it must be a module inside the unit, such as %s.Main",
                 d->name, cu->module, cu->module);
  /* names Lwt and the functor's module types refer to stay visible */
  g_hash_table_add (taken, g_strdup ("Lwt"));
  g_hash_table_add (taken, g_strdup ("ignore"));
  for (guint i = 0; i < sig->params->len; i++)
    {
      const char *mt = module_type_of (g, &g_array_index (sig->params, MsType, i));
      g_autofree char *root = g_strndup (mt, strcspn (mt, ". "));
      g_hash_table_add (taken, g_strdup (root));
    }

  if (module == NULL)
    indent (head, depth);
  else
    {
      indent (head, depth);
      g_string_append_printf (head, "module %s", module);
    }
  for (guint i = 0; i < sig->params->len; i++)
    {
      const MsType *t = &g_array_index (sig->params, MsType, i);
      g_autofree char *pos = g_strdup_printf ("%u", i + 1);
      guint src = ms_document_get_source (g->doc, d->id, pos);
      const MsDevice *s = src ? ms_document_get_device (g->doc, src) : NULL;
      g_autofree char *base = s ? g_strdup (s->name) : g_strdup_printf ("arg%u", i + 1);
      g_autofree char *mod = NULL;
      g_autofree char *type = ms_type_to_string (g->cat, t);

      if (!ms_value_is_identifier (base))
        return fail (error, "%s: the device name of input %u is not an OCaml name", d->name, i + 1);
      mod = g_strdup (base);
      mod[0] = g_ascii_toupper (mod[0]);
      if (mod[0] == '_')
        {
          g_free (mod);
          mod = g_strdup_printf ("M%s", base);
        }
      while (g_hash_table_contains (taken, mod))
        {
          char *m2 = g_strdup_printf ("%s_dev", mod);
          g_free (mod);
          mod = m2;
        }
      g_hash_table_add (taken, g_strdup (mod));
      while (g_hash_table_contains (taken, base))
        {
          char *b2 = g_strdup_printf ("%s_dev", base);
          g_free (base);
          base = b2;
        }
      g_hash_table_add (taken, g_strdup (base));
      g_string_append_printf (head, " (%s : %s)", mod, module_type_of (g, t));
      g_ptr_array_add (notes, g_strdup_printf ("%s: input %u (%s), %s", base, i + 1, type,
                                               s ? s->name : "not connected"));
      g_ptr_array_add (params, g_steal_pointer (&base));
    }
  if (cu->deps != NULL)
    for (guint i = 0; i < cu->deps->len; i++)
      {
        const MsDevice *dep = ms_document_get_device (g->doc, g_array_index (cu->deps, guint, i));
        g_autofree char *base = g_strdup (dep && ms_value_is_identifier (dep->name) ? dep->name : "dep");
        while (g_hash_table_contains (taken, base))
          {
            char *b2 = g_strdup_printf ("%s_dev", base);
            g_free (base);
            base = b2;
          }
        g_hash_table_add (taken, g_strdup (base));
        g_ptr_array_add (notes, g_strdup_printf ("%s: the value of %s (a dependency, not a functor argument)",
                                                 base, dep ? dep->name : "?"));
        g_ptr_array_add (params, g_steal_pointer (&base));
      }
  if (!functor && (cu->deps == NULL || cu->deps->len == 0))
    g_ptr_array_insert (params, 0, g_strdup ("()"));
  if (cu->runtime_args != NULL)
    for (guint i = 0; i < cu->runtime_args->len; i++)
      {
        const MsArgDecl *a = cu->runtime_args->pdata[i];
        g_autofree char *base = g_strdup (a->name);
        while (g_hash_table_contains (taken, base))
          {
            char *b2 = g_strdup_printf ("%s_arg", base);
            g_free (base);
            base = b2;
          }
        g_hash_table_add (taken, g_strdup (base));
        g_ptr_array_add (notes, g_strdup_printf ("%s: runtime argument --%s (%s)", base, a->name,
                                                 a->type && *a->type ? a->type : "string"));
        g_ptr_array_add (params, g_steal_pointer (&base));
      }

  if (module != NULL)
    g_string_append (head, " = struct\n");
  g_string_append (g->out, head->str);
  {
    guint inner = module != NULL ? depth + 1 : depth;
    indent (g->out, inner);
    g_string_append (g->out, "let start");
    for (guint i = 0; i < params->len; i++)
      g_string_append_printf (g->out, " %s", (char *) params->pdata[i]);
    g_string_append (g->out, " =\n");
    for (guint i = 0; i < notes->len; i++)
      {
        indent (g->out, inner + 1);
        g_string_append (g->out, "(* ");
        ms_escape_ocaml_comment_append (g->out, notes->pdata[i], FALSE);
        g_string_append (g->out, " *)\n");
      }
    for (guint i = 0; i < params->len; i++)
      if (!g_str_equal (params->pdata[i], "()"))
        {
          indent (g->out, inner + 1);
          g_string_append_printf (g->out, "ignore %s;\n", (char *) params->pdata[i]);
        }
    indent (g->out, inner + 1);
    g_string_append (g->out, "Lwt.return_unit\n");
  }
  if (module != NULL)
    {
      indent (g->out, depth);
      g_string_append (g->out, "end\n");
    }
  return TRUE;
}

static gboolean
emit_node (Gen *g, Node *n, guint depth, GError **error)
{
  if (n->main != NULL && n->children->len > 0)
    return fail (error, "%s: module %s is a main's module and also contains another one",
                 n->main->name, n->name ? n->name : "");
  if (n->main != NULL)
    return emit_main (g, n->main, depth, n->name, error);
  if (n->name != NULL)
    {
      indent (g->out, depth);
      g_string_append_printf (g->out, "module %s = struct\n", n->name);
    }
  for (guint i = 0; i < n->children->len; i++)
    {
      if (i > 0)
        g_string_append_c (g->out, '\n');
      if (!emit_node (g, n->children->pdata[i], n->name ? depth + 1 : depth, error))
        return FALSE;
    }
  if (n->name != NULL)
    {
      indent (g->out, depth);
      g_string_append (g->out, "end\n");
    }
  return TRUE;
}

typedef struct {
  char *unit;
  Node *root;
  GPtrArray *mains;    /* const MsDevice*, in order */
} Unit;

static void
unit_free (Unit *u)
{
  g_free (u->unit);
  node_free (u->root);
  g_ptr_array_unref (u->mains);
  g_free (u);
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Unit **) a)->unit, (*(Unit **) b)->unit);
}

static gint
compare_files (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsSourceFile **) a)->file, (*(MsSourceFile **) b)->file);
}

static char *
unit_text (Gen *g, Unit *u, GError **error)
{
  g_autoptr(GHashTable) declared = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *app = ms_escape_ocaml_comment (ms_document_get_app_name (g->doc), FALSE);
  gboolean any_arg = FALSE;

  g->out = g_string_new (NULL);
  g_string_append_printf (g->out,
                          "(* %s.ml of %s: a skeleton exported by Mirage Studio for Mirage %s.\n"
                          "   Fill in start; Mirage calls it with the devices, the dependencies and\n"
                          "   the runtime arguments, in this order. *)\n\n",
                          u->unit, app, ms_catalog_get_mirage_version (g->cat));
  for (guint i = 0; i < u->mains->len; i++)
    {
      const MsDevice *d = u->mains->pdata[i];
      if (d->custom->runtime_args == NULL)
        continue;
      for (guint j = 0; j < d->custom->runtime_args->len; j++)
        {
          const MsArgDecl *a = d->custom->runtime_args->pdata[j];
          if (!ms_value_is_identifier (a->name))
            {
              fail (error, "%s: runtime argument “%s” is not an OCaml name", d->name, a->name);
              goto failed;
            }
          if (!g_hash_table_add (declared, a->name))
            continue;
          if (!any_arg)
            g_string_append (g->out, "open Cmdliner\n\n");
          any_arg = TRUE;
          if (!emit_term (g, d, a, error))
            goto failed;
        }
    }
  if (!emit_node (g, u->root, 0, error))
    goto failed;
  return g_string_free (g_steal_pointer (&g->out), FALSE);

failed:
  g_string_free (g_steal_pointer (&g->out), TRUE);
  return NULL;
}

GPtrArray *
ms_unikernel_ml_generate (MsDocument *doc, MsCatalog *catalog, MsExportFlags flags, GError **error)
{
  g_autoptr(MsDocument) rebased = ms_export_prepare (doc, catalog, flags, error);
  g_autoptr(GArray) order = NULL;
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_source_file_free);
  Gen g = { 0 };

  if (rebased == NULL || !(order = ms_export_device_order (rebased, error)))
    return NULL;
  g.doc = rebased;
  g.cat = catalog;

  for (guint i = 0; i < order->len; i++)
    {
      const MsDevice *d = ms_document_get_device (rebased, g_array_index (order, guint, i));
      g_autofree char *unit = NULL;
      g_auto(GStrv) path = NULL;
      Unit *u = NULL;
      Node *n;

      if (g_strcmp0 (d->ctor, "main") != 0 || d->custom == NULL)
        continue;
      if (!ms_export_module_path_is_valid (d->custom->module))
        {
          fail (error, "%s: the module “%s” is not an OCaml module path such as Unikernel.Main",
                d->name, d->custom->module ? d->custom->module : "");
          return NULL;
        }
      unit = ms_export_unit_name (d->custom->module);
      for (guint j = 0; j < units->len && u == NULL; j++)
        if (g_str_equal (((Unit *) units->pdata[j])->unit, unit))
          u = units->pdata[j];
      if (u == NULL)
        {
          u = g_new0 (Unit, 1);
          u->unit = g_strdup (unit);
          u->root = node_new (NULL);
          u->mains = g_ptr_array_new ();
          g_ptr_array_add (units, u);
        }
      path = g_strsplit (d->custom->module, ".", -1);
      n = u->root;
      for (guint j = 1; path[j] != NULL; j++)
        n = node_child (n, path[j]);
      if (n->main != NULL)
        continue;   /* the same module twice: one skeleton */
      if (n == u->root && u->root->children->len > 0)
        {
          fail (error, "%s: its module is the whole unit %s, which other mains use as a container",
                d->name, u->unit);
          return NULL;
        }
      n->main = d;
      g_ptr_array_add (u->mains, (gpointer) d);
    }
  g_ptr_array_sort (units, compare_units);
  for (guint i = 0; i < units->len; i++)
    {
      Unit *u = units->pdata[i];
      MsSourceFile *f;
      char *text = unit_text (&g, u, error);

      if (text == NULL)
        return NULL;
      f = g_new0 (MsSourceFile, 1);
      f->file = g_strdup_printf ("%s.ml", u->unit);
      f->text = text;
      g_ptr_array_add (files, f);
    }
  g_ptr_array_sort (files, compare_files);
  return g_steal_pointer (&files);
}

gboolean
ms_source_files_write (const char *dir, GPtrArray *files, gboolean replace, GError **error)
{
  if (!replace)
    for (guint i = 0; i < files->len; i++)
      {
        const MsSourceFile *f = files->pdata[i];
        g_autofree char *path = g_build_filename (dir, f->file, NULL);
        if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
          {
            g_set_error (error, MS_EXPORT_ERROR, MS_EXPORT_ERROR_EXISTS,
                         "%s exists and is never replaced (move it away to export again)", path);
            return FALSE;
          }
      }
  for (guint i = 0; i < files->len; i++)
    {
      const MsSourceFile *f = files->pdata[i];
      g_autofree char *path = g_build_filename (dir, f->file, NULL);
      if (!ms_export_write_file (path, f->text, replace, error))
        return FALSE;
    }
  return TRUE;
}
