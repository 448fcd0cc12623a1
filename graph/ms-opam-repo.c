/* ms-opam-repo.c: reading an opam repository and giving its fields their
 * meaning (filters, formulas, flags, sources).
 *
 * Filters follow opam's OpamFilter: a filter value is a boolean, a string
 * or undefined; `&` is false if either side is false, `|` true if either
 * side is true, otherwise an undefined side makes the result undefined;
 * an undefined filter counts as false. In a dependency's braces the
 * version constraints and the filters form one formula that is partly
 * evaluated: a filter that holds disappears, one that does not makes the
 * whole brace false, and a package whose brace is false is removed from
 * the dependency formula (it is not a failed requirement): so
 * `"a" {os = "win32"} | "b"` means "b" on Linux.
 */
#include "ms-opam-repo.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "ms-version.h"

void
ms_opam_env_init_host (MsOpamEnv *env)
{
  static char arch[64];
  static char version[32];
  static gsize once;

  if (g_once_init_enter (&once))
    {
      struct utsname u;
      g_autofree char *release = NULL;

      g_strlcpy (arch, "x86_64", sizeof arch);
      if (uname (&u) == 0)
        {
          /* opam's names for machines */
          if (g_str_equal (u.machine, "aarch64") || g_str_equal (u.machine, "arm64"))
            g_strlcpy (arch, "arm64", sizeof arch);
          else if (g_str_has_prefix (u.machine, "armv"))
            g_strlcpy (arch, "arm32", sizeof arch);
          else if (g_str_equal (u.machine, "i686") || g_str_equal (u.machine, "i386"))
            g_strlcpy (arch, "x86_32", sizeof arch);
          else
            g_strlcpy (arch, u.machine, sizeof arch);
        }
      g_strlcpy (version, "12", sizeof version);
      if (g_file_get_contents ("/etc/os-release", &release, NULL, NULL))
        {
          g_auto(GStrv) lines = g_strsplit (release, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            if (g_str_has_prefix (lines[i], "VERSION_ID="))
              {
                g_autofree char *v = g_shell_unquote (lines[i] + strlen ("VERSION_ID="), NULL);
                if (v != NULL && *v != '\0' && strlen (v) < sizeof version)
                  g_strlcpy (version, v, sizeof version);
              }
        }
      g_once_init_leave (&once, 1);
    }
  env->os = "linux";
  env->os_family = "debian";
  env->os_distribution = "debian";
  env->os_version = version;
  env->arch = arch;
  env->opam_version = "2.1.2";
}

/* ---- filters ------------------------------------------------------------------------- */

typedef enum { FV_UNDEF, FV_BOOL, FV_STRING } FvKind;
typedef struct {
  FvKind kind;
  gboolean b;
  const char *s;     /* borrowed from the tree, the env or the package */
  char *owned;
} Fv;

typedef struct {
  const MsOpamEnv *env;
  const char *name;
  const char *version;
} Scope;

static Fv
fv_bool (gboolean b)
{
  Fv v = { FV_BOOL, b, NULL, NULL };
  return v;
}

static Fv
fv_string (const char *s)
{
  Fv v = { FV_STRING, FALSE, s, NULL };
  return v;
}

static Fv
fv_undef (void)
{
  Fv v = { FV_UNDEF, FALSE, NULL, NULL };
  return v;
}

/* The value of a variable for an install of a package. */
static Fv
lookup_var (const Scope *sc, const char *var)
{
  const MsOpamEnv *e = sc->env;

  /* the package's own variables: _:version, or NAME:version of itself */
  if (g_str_has_prefix (var, "_:"))
    var += 2;
  else if (sc->name != NULL && strchr (var, ':') != NULL)
    {
      gsize n = strlen (sc->name);
      if (strncmp (var, sc->name, n) == 0 && var[n] == ':')
        var += n + 1;
      else
        return fv_undef ();   /* another package's variable: unknown while solving */
    }
  if (g_str_equal (var, "build") || g_str_equal (var, "post"))
    return fv_bool (TRUE);
  if (g_str_equal (var, "with-test") || g_str_equal (var, "with-doc") ||
      g_str_equal (var, "with-dev-setup") || g_str_equal (var, "dev"))
    return fv_bool (FALSE);
  if (g_str_equal (var, "os"))
    return fv_string (e->os);
  if (g_str_equal (var, "os-family"))
    return fv_string (e->os_family);
  if (g_str_equal (var, "os-distribution"))
    return fv_string (e->os_distribution);
  if (g_str_equal (var, "os-version"))
    return fv_string (e->os_version);
  if (g_str_equal (var, "arch"))
    return fv_string (e->arch);
  if (g_str_equal (var, "opam-version"))
    return fv_string (e->opam_version);
  if (g_str_equal (var, "version") && sc->version != NULL)
    return fv_string (sc->version);
  if (g_str_equal (var, "name") && sc->name != NULL)
    return fv_string (sc->name);
  return fv_undef ();
}

static Fv
eval_filter (const Scope *sc, const MsOpamValue *v)
{
  switch (v->kind)
    {
    case MS_OPAM_BOOL:
      return fv_bool (v->number != 0);
    case MS_OPAM_INT:
    case MS_OPAM_STRING:
      return fv_string (v->text);
    case MS_OPAM_IDENT:
      return lookup_var (sc, v->text);
    case MS_OPAM_GROUP:
    case MS_OPAM_LIST:
      /* (f) and the older [ f ] form of `available` */
      if (v->items->len == 1)
        return eval_filter (sc, v->items->pdata[0]);
      return fv_undef ();
    case MS_OPAM_DEFINED:
      return fv_bool (eval_filter (sc, v->left).kind != FV_UNDEF);
    case MS_OPAM_NOT:
      {
        Fv a = eval_filter (sc, v->left);
        if (a.kind == FV_STRING && (g_str_equal (a.s, "true") || g_str_equal (a.s, "false")))
          return fv_bool (!g_str_equal (a.s, "true"));
        return a.kind == FV_BOOL ? fv_bool (!a.b) : fv_undef ();
      }
    case MS_OPAM_AND:
    case MS_OPAM_OR:
      {
        gboolean is_and = v->kind == MS_OPAM_AND;
        Fv a = eval_filter (sc, v->left), b = eval_filter (sc, v->right);
        int ab = a.kind == FV_BOOL ? a.b : a.kind == FV_STRING && g_str_equal (a.s, "true") ? 1 :
                 a.kind == FV_STRING && g_str_equal (a.s, "false") ? 0 : -1;
        int bb = b.kind == FV_BOOL ? b.b : b.kind == FV_STRING && g_str_equal (b.s, "true") ? 1 :
                 b.kind == FV_STRING && g_str_equal (b.s, "false") ? 0 : -1;
        if (is_and)
          {
            if (ab == 0 || bb == 0)
              return fv_bool (FALSE);
            if (ab == 1 && bb == 1)
              return fv_bool (TRUE);
          }
        else
          {
            if (ab == 1 || bb == 1)
              return fv_bool (TRUE);
            if (ab == 0 && bb == 0)
              return fv_bool (FALSE);
          }
        return fv_undef ();
      }
    case MS_OPAM_RELOP:
      {
        Fv a = eval_filter (sc, v->left), b = eval_filter (sc, v->right);
        const char *as, *bs;
        int c;
        if (a.kind == FV_UNDEF || b.kind == FV_UNDEF)
          return fv_undef ();
        as = a.kind == FV_BOOL ? (a.b ? "true" : "false") : a.s;
        bs = b.kind == FV_BOOL ? (b.b ? "true" : "false") : b.s;
        /* opam compares filter values as versions */
        c = ms_version_compare (as, bs);
        if (g_str_equal (v->text, "="))
          return fv_bool (c == 0);
        if (g_str_equal (v->text, "!="))
          return fv_bool (c != 0);
        if (g_str_equal (v->text, "<"))
          return fv_bool (c < 0);
        if (g_str_equal (v->text, "<="))
          return fv_bool (c <= 0);
        if (g_str_equal (v->text, ">"))
          return fv_bool (c > 0);
        if (g_str_equal (v->text, ">="))
          return fv_bool (c >= 0);
        return fv_undef ();
      }
    default:
      return fv_undef ();
    }
}

static gboolean
filter_holds (const Scope *sc, const MsOpamValue *v)
{
  Fv r = eval_filter (sc, v);
  if (r.kind == FV_BOOL)
    return r.b;
  if (r.kind == FV_STRING)
    return g_str_equal (r.s, "true");
  return FALSE;
}

/* ---- version constraints ------------------------------------------------------------- */

void
ms_opam_vc_free (MsOpamVc *vc)
{
  if (vc == NULL)
    return;
  g_free (vc->op);
  g_free (vc->version);
  ms_opam_vc_free (vc->left);
  ms_opam_vc_free (vc->right);
  g_free (vc);
}

static MsOpamVc *
vc_new (MsOpamVcKind kind, MsOpamVc *left, MsOpamVc *right)
{
  MsOpamVc *vc = g_new0 (MsOpamVc, 1);
  vc->kind = kind;
  vc->left = left;
  vc->right = right;
  return vc;
}

/* The result of partly evaluating a brace: true, false, or a constraint. */
typedef enum { PE_TRUE, PE_FALSE, PE_VC } PeKind;
typedef struct {
  PeKind kind;
  MsOpamVc *vc;
} Pe;

static Pe
pe_bool (gboolean b)
{
  Pe r = { b ? PE_TRUE : PE_FALSE, NULL };
  return r;
}

static Pe
pe_combine (gboolean is_and, Pe a, Pe b)
{
  Pe r = { PE_VC, NULL };
  PeKind absorbing = is_and ? PE_FALSE : PE_TRUE;

  if (a.kind == absorbing || b.kind == absorbing)
    {
      ms_opam_vc_free (a.vc);
      ms_opam_vc_free (b.vc);
      return pe_bool (!is_and);
    }
  if (a.kind != PE_VC)
    return b;
  if (b.kind != PE_VC)
    return a;
  r.vc = vc_new (is_and ? MS_VC_AND : MS_VC_OR, a.vc, b.vc);
  return r;
}

static gboolean
is_relop (const char *op)
{
  return g_str_equal (op, "=") || g_str_equal (op, "!=") || g_str_equal (op, "<") ||
         g_str_equal (op, "<=") || g_str_equal (op, ">") || g_str_equal (op, ">=");
}

static Pe
eval_brace (const Scope *sc, const MsOpamValue *v)
{
  switch (v->kind)
    {
    case MS_OPAM_PREFIX_RELOP:
      {
        Fv x = eval_filter (sc, v->left);
        Pe r = { PE_VC, NULL };
        /* a constraint on an unknown variable cannot hold */
        if (x.kind != FV_STRING || !is_relop (v->text))
          return pe_bool (FALSE);
        r.vc = vc_new (MS_VC_CONSTRAINT, NULL, NULL);
        r.vc->op = g_strdup (v->text);
        r.vc->version = g_strdup (x.s);
        return r;
      }
    case MS_OPAM_AND:
    case MS_OPAM_OR:
      {
        Pe a = eval_brace (sc, v->left);
        Pe b = eval_brace (sc, v->right);
        return pe_combine (v->kind == MS_OPAM_AND, a, b);
      }
    case MS_OPAM_NOT:
      {
        Pe a = eval_brace (sc, v->left);
        if (a.kind == PE_VC)
          a.vc = vc_new (MS_VC_NOT, a.vc, NULL);
        else
          a.kind = a.kind == PE_TRUE ? PE_FALSE : PE_TRUE;
        return a;
      }
    case MS_OPAM_GROUP:
      {
        Pe acc = pe_bool (TRUE);
        for (guint i = 0; i < v->items->len; i++)
          acc = pe_combine (TRUE, acc, eval_brace (sc, v->items->pdata[i]));
        return acc;
      }
    default:
      return pe_bool (filter_holds (sc, v));
    }
}

gboolean
ms_opam_vc_matches (const MsOpamVc *vc, const char *version)
{
  int c;

  if (vc == NULL)
    return TRUE;
  switch (vc->kind)
    {
    case MS_VC_AND:
      return ms_opam_vc_matches (vc->left, version) && ms_opam_vc_matches (vc->right, version);
    case MS_VC_OR:
      return ms_opam_vc_matches (vc->left, version) || ms_opam_vc_matches (vc->right, version);
    case MS_VC_NOT:
      return !ms_opam_vc_matches (vc->left, version);
    case MS_VC_CONSTRAINT:
    default:
      c = ms_version_compare (version, vc->version);
      if (g_str_equal (vc->op, "="))
        return c == 0;
      if (g_str_equal (vc->op, "!="))
        return c != 0;
      if (g_str_equal (vc->op, "<"))
        return c < 0;
      if (g_str_equal (vc->op, "<="))
        return c <= 0;
      if (g_str_equal (vc->op, ">"))
        return c > 0;
      return c >= 0;
    }
}

static void
append_vc (GString *out, const MsOpamVc *vc, gboolean nested)
{
  switch (vc->kind)
    {
    case MS_VC_CONSTRAINT:
      g_string_append_printf (out, "%s \"%s\"", vc->op, vc->version);
      break;
    case MS_VC_NOT:
      g_string_append (out, "!(");
      append_vc (out, vc->left, FALSE);
      g_string_append (out, ")");
      break;
    case MS_VC_AND:
    case MS_VC_OR:
      if (nested)
        g_string_append_c (out, '(');
      append_vc (out, vc->left, TRUE);
      g_string_append (out, vc->kind == MS_VC_AND ? " & " : " | ");
      append_vc (out, vc->right, TRUE);
      if (nested)
        g_string_append_c (out, ')');
      break;
    }
}

char *
ms_opam_vc_to_string (const MsOpamVc *vc)
{
  GString *out = g_string_new (NULL);
  if (vc != NULL)
    append_vc (out, vc, FALSE);
  return g_string_free (out, FALSE);
}

/* ---- package formulas ---------------------------------------------------------------- */

void
ms_opam_dep_free (MsOpamDep *dep)
{
  if (dep == NULL)
    return;
  g_free (dep->name);
  ms_opam_vc_free (dep->vc);
  ms_opam_dep_free (dep->left);
  ms_opam_dep_free (dep->right);
  g_free (dep);
}

/* a op b, where a removed side (NULL) leaves the other */
static MsOpamDep *
dep_join (MsOpamDepKind kind, MsOpamDep *a, MsOpamDep *b)
{
  MsOpamDep *d;
  if (a == NULL)
    return b;
  if (b == NULL)
    return a;
  d = g_new0 (MsOpamDep, 1);
  d->kind = kind;
  d->left = a;
  d->right = b;
  return d;
}

static MsOpamDep *
dep_from_value (const Scope *sc, const MsOpamValue *v, GError **error)
{
  MsOpamDep *acc = NULL;

  switch (v->kind)
    {
    case MS_OPAM_STRING:
      acc = g_new0 (MsOpamDep, 1);
      acc->kind = MS_DEP_ATOM;
      acc->name = g_strdup (v->text);
      return acc;
    case MS_OPAM_OPTION:
      {
        Pe pe = pe_bool (TRUE);
        if (v->left->kind != MS_OPAM_STRING)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "%u:%u: expected a package name before “{”", v->line, v->col);
            return NULL;
          }
        for (guint i = 0; i < v->items->len; i++)
          pe = pe_combine (TRUE, pe, eval_brace (sc, v->items->pdata[i]));
        if (pe.kind == PE_FALSE)
          return NULL;   /* filtered out: removed from the formula */
        acc = g_new0 (MsOpamDep, 1);
        acc->kind = MS_DEP_ATOM;
        acc->name = g_strdup (v->left->text);
        acc->vc = pe.vc;
        return acc;
      }
    case MS_OPAM_AND:
    case MS_OPAM_OR:
      {
        g_autoptr(GError) local = NULL;
        MsOpamDep *a = dep_from_value (sc, v->left, &local);
        MsOpamDep *b = local ? NULL : dep_from_value (sc, v->right, &local);
        if (local != NULL)
          {
            ms_opam_dep_free (a);
            g_propagate_error (error, g_steal_pointer (&local));
            return NULL;
          }
        return dep_join (v->kind == MS_OPAM_AND ? MS_DEP_AND : MS_DEP_OR, a, b);
      }
    case MS_OPAM_LIST:
    case MS_OPAM_GROUP:
      for (guint i = 0; i < v->items->len; i++)
        {
          g_autoptr(GError) local = NULL;
          MsOpamDep *d = dep_from_value (sc, v->items->pdata[i], &local);
          if (local != NULL)
            {
              ms_opam_dep_free (acc);
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          acc = dep_join (MS_DEP_AND, acc, d);
        }
      return acc;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%u:%u: expected a package formula", v->line, v->col);
      return NULL;
    }
}

gboolean
ms_opam_dep_holds (const MsOpamDep *dep, GHashTable *installed)
{
  const char *version;

  if (dep == NULL)
    return TRUE;
  switch (dep->kind)
    {
    case MS_DEP_AND:
      return ms_opam_dep_holds (dep->left, installed) && ms_opam_dep_holds (dep->right, installed);
    case MS_DEP_OR:
      return ms_opam_dep_holds (dep->left, installed) || ms_opam_dep_holds (dep->right, installed);
    case MS_DEP_ATOM:
    default:
      version = g_hash_table_lookup (installed, dep->name);
      return version != NULL && ms_opam_vc_matches (dep->vc, version);
    }
}

void
ms_opam_dep_atoms (const MsOpamDep *dep, GPtrArray *atoms)
{
  if (dep == NULL)
    return;
  if (dep->kind == MS_DEP_ATOM)
    g_ptr_array_add (atoms, (gpointer) dep);
  else
    {
      ms_opam_dep_atoms (dep->left, atoms);
      ms_opam_dep_atoms (dep->right, atoms);
    }
}

static void
append_dep (GString *out, const MsOpamDep *dep, MsOpamDepKind parent)
{
  if (dep->kind == MS_DEP_ATOM)
    {
      g_string_append_printf (out, "\"%s\"", dep->name);
      if (dep->vc != NULL)
        {
          g_autofree char *vc = ms_opam_vc_to_string (dep->vc);
          g_string_append_printf (out, " {%s}", vc);
        }
      return;
    }
  if (parent != dep->kind && parent != MS_DEP_ATOM)
    g_string_append_c (out, '(');
  append_dep (out, dep->left, dep->kind);
  g_string_append (out, dep->kind == MS_DEP_AND ? " & " : " | ");
  append_dep (out, dep->right, dep->kind);
  if (parent != dep->kind && parent != MS_DEP_ATOM)
    g_string_append_c (out, ')');
}

char *
ms_opam_dep_to_string (const MsOpamDep *dep)
{
  GString *out = g_string_new (NULL);
  if (dep != NULL)
    append_dep (out, dep, MS_DEP_ATOM);
  return g_string_free (out, FALSE);
}

MsOpamDep *
ms_opam_dep_parse (const char *text, const MsOpamEnv *env, GError **error)
{
  g_autofree char *doc = g_strdup_printf ("f: [%s]", text);
  g_autoptr(MsOpamFile) file = ms_opam_file_parse ("formula", doc, strlen (doc), error);
  MsOpamEnv host;
  Scope sc = { NULL, NULL, NULL };
  g_autoptr(GError) local = NULL;
  MsOpamDep *dep;

  if (file == NULL)
    return NULL;
  if (env == NULL)
    {
      ms_opam_env_init_host (&host);
      env = &host;
    }
  sc.env = env;
  dep = dep_from_value (&sc, ms_opam_file_get (file, "f"), &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return dep;
}

/* ---- the repository ------------------------------------------------------------------ */

static void
package_free (MsOpamPackage *p)
{
  g_free (p->name);
  g_free (p->version);
  g_free (p->path);
  ms_opam_dep_free (p->depends);
  ms_opam_dep_free (p->depopts);
  ms_opam_dep_free (p->conflicts);
  g_strfreev (p->conflict_class);
  g_free (p->url);
  g_strfreev (p->checksums);
  g_free (p);
}

MsOpamRepo *
ms_opam_repo_new (const MsOpamEnv *env)
{
  MsOpamRepo *repo = g_new0 (MsOpamRepo, 1);
  if (env != NULL)
    repo->env = *env;
  else
    ms_opam_env_init_host (&repo->env);
  repo->packages = g_ptr_array_new_with_free_func ((GDestroyNotify) package_free);
  repo->names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);
  repo->errors = g_ptr_array_new_with_free_func (g_free);
  return repo;
}

void
ms_opam_repo_free (MsOpamRepo *repo)
{
  if (repo == NULL)
    return;
  g_hash_table_unref (repo->names);
  g_ptr_array_unref (repo->packages);
  g_ptr_array_unref (repo->errors);
  g_free (repo);
}

/* Strings of a field that is a string or a list of strings. */
static char **
strings_of (const MsOpamValue *v)
{
  GPtrArray *out = g_ptr_array_new ();
  if (v != NULL && v->kind == MS_OPAM_STRING)
    g_ptr_array_add (out, g_strdup (v->text));
  else if (v != NULL && v->kind == MS_OPAM_LIST)
    for (guint i = 0; i < v->items->len; i++)
      {
        const MsOpamValue *x = v->items->pdata[i];
        if (x->kind == MS_OPAM_STRING)
          g_ptr_array_add (out, g_strdup (x->text));
      }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static guint
flags_of (const MsOpamValue *v)
{
  guint flags = 0;
  const MsOpamValue *one = v;

  if (v == NULL)
    return 0;
  for (guint i = 0; v->kind != MS_OPAM_LIST || i < v->items->len; i++)
    {
      if (v->kind == MS_OPAM_LIST)
        one = v->items->pdata[i];
      if (one->kind == MS_OPAM_IDENT)
        {
          if (g_str_equal (one->text, "avoid-version"))
            flags |= MS_OPAM_FLAG_AVOID_VERSION;
          else if (g_str_equal (one->text, "deprecated"))
            flags |= MS_OPAM_FLAG_DEPRECATED;
          else if (g_str_equal (one->text, "compiler"))
            flags |= MS_OPAM_FLAG_COMPILER;
          else if (g_str_equal (one->text, "conf"))
            flags |= MS_OPAM_FLAG_CONF;
        }
      if (v->kind != MS_OPAM_LIST)
        break;
    }
  return flags;
}

/* One opam file's text as a package for env; NULL and *message (path:
 * line:col: what) if it does not parse. Touches nothing shared, so the
 * loader's threads call it side by side. */
static MsOpamPackage *
package_parse (const MsOpamEnv *env,
               const char      *name,
               const char      *version,
               const char      *path,
               const char      *text,
               gsize            length,
               char           **message)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(MsOpamFile) file = ms_opam_file_parse (path, text, length, &local);
  MsOpamPackage *p;
  Scope sc;
  const MsOpamValue *v;
  const MsOpamItem *url;
  static const char *const formula_fields[] = { "depends", "depopts", "conflicts" };

  if (file == NULL)
    {
      *message = g_strdup (local->message);
      return NULL;
    }

  p = g_new0 (MsOpamPackage, 1);
  p->name = g_strdup (name);
  p->version = g_strdup (version);
  p->path = g_strdup (path);
  sc.env = env;
  sc.name = p->name;
  sc.version = p->version;

  for (guint f = 0; f < G_N_ELEMENTS (formula_fields); f++)
    {
      MsOpamDep **slot = f == 0 ? &p->depends : f == 1 ? &p->depopts : &p->conflicts;
      if ((v = ms_opam_file_get (file, formula_fields[f])) == NULL)
        continue;
      *slot = dep_from_value (&sc, v, &local);
      if (local != NULL)
        {
          *message = g_strdup_printf ("%s:%s (in %s)", path, local->message, formula_fields[f]);
          package_free (p);
          return NULL;
        }
    }
  v = ms_opam_file_get (file, "available");
  p->available = v == NULL || filter_holds (&sc, v);
  p->conflict_class = strings_of (ms_opam_file_get (file, "conflict-class"));
  p->flags = flags_of (ms_opam_file_get (file, "flags"));
  if ((url = ms_opam_file_get_section (file, "url")) != NULL)
    {
      const MsOpamValue *src = ms_opam_item_get (url, "src");
      if (src == NULL)
        src = ms_opam_item_get (url, "archive");
      if (src != NULL && src->kind == MS_OPAM_STRING)
        p->url = g_strdup (src->text);
      p->checksums = strings_of (ms_opam_item_get (url, "checksum"));
    }
  else
    p->checksums = strings_of (NULL);
  return p;
}

gboolean
ms_opam_repo_add_text (MsOpamRepo *repo,
                       const char *name,
                       const char *version,
                       const char *path,
                       const char *text,
                       gsize       length,
                       GError    **error)
{
  char *message = NULL;
  MsOpamPackage *p = package_parse (&repo->env, name, version, path, text, length, &message);

  if (p == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
      g_ptr_array_add (repo->errors, message);
      return FALSE;
    }
  g_ptr_array_add (repo->packages, p);
  return TRUE;
}

/* A NAME.VERSION entry of packages/NAME/; anything else is not a package. */
static gboolean
is_version_entry (const char *entry, const char *name, gsize n)
{
  return strncmp (entry, name, n) == 0 && entry[n] == '.' && entry[n + 1] != '\0';
}

/* ---- reading a folder on several threads ----------------------------------------------
 *
 * Reading 18,000 small files is mostly system calls (directory listing,
 * open, read) and parsing them is mostly allocation: both run side by
 * side on two threads, in two passes: the first lists each package folder
 * once into its slot (which also gives the progress its total), the
 * second reads the listed files. In both the package folders are handed
 * out one at a time from a shared counter; each folder's packages and
 * errors go to its own slot, merged in name order afterwards, so the
 * result (and the order of the errors) does not depend on which thread
 * read what. */

#define LOAD_THREADS 2

typedef struct {
  GPtrArray *entries;      /* char*: the folder's NAME.VERSION entries */
  GPtrArray *packages;     /* MsOpamPackage* */
  GPtrArray *errors;       /* char* */
} LoadSlot;

typedef struct {
  const MsOpamEnv *env;
  const char *packages_dir;
  char **names;            /* sorted */
  guint n_names;
  LoadSlot *slots;         /* one per name */
  gint next;               /* the next name to list or read (atomic) */
  GCancellable *cancellable;
  MsProgressFunc progress; /* called by the loading thread only */
  gpointer progress_data;
  GThread *reporter;       /* that thread */
  gint total;              /* files to read, for the progress (atomic while listing) */
  gint done;               /* files read (atomic) */
} LoadJob;

/* Reads a whole file, rel to the folder dir_fd, into *buf (grown as
 * needed, reused across files: one allocation per thread instead of one
 * per file; and opened relative to its package's folder, so the kernel
 * does not walk the whole path 18,000 times). */
static gboolean
read_whole (int dir_fd, const char *rel, char **buf, gsize *cap, gsize *length)
{
  int fd = openat (dir_fd, rel, O_RDONLY | O_CLOEXEC);
  gsize n = 0;

  if (fd < 0)
    return FALSE;
  for (;;)
    {
      gssize got;
      if (n + 1 >= *cap)
        {
          *cap = MAX (*cap * 2, 16384);
          *buf = g_realloc (*buf, *cap);
        }
      got = read (fd, *buf + n, *cap - n - 1);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          close (fd);
          return FALSE;
        }
      if (got == 0)
        break;
      n += (gsize) got;
    }
  close (fd);
  (*buf)[n] = '\0';
  *length = n;
  return TRUE;
}

/* First pass: lists packages/NAME/ into its slot's entries. */
static gpointer
list_worker (gpointer data)
{
  LoadJob *job = data;
  GString *path = g_string_new (NULL);

  for (;;)
    {
      gint i = g_atomic_int_add (&job->next, 1);
      const char *name, *entry;
      gsize n;
      GDir *versions;
      LoadSlot *slot;

      if (i >= (gint) job->n_names || g_cancellable_is_cancelled (job->cancellable))
        break;
      name = job->names[i];
      n = strlen (name);
      slot = &job->slots[i];
      g_string_printf (path, "%s" G_DIR_SEPARATOR_S "%s", job->packages_dir, name);
      if ((versions = g_dir_open (path->str, 0, NULL)) == NULL)
        continue;
      while ((entry = g_dir_read_name (versions)) != NULL)
        if (is_version_entry (entry, name, n))
          {
            if (slot->entries == NULL)
              slot->entries = g_ptr_array_new_with_free_func (g_free);
            g_ptr_array_add (slot->entries, g_strdup (entry));
          }
      g_dir_close (versions);
      if (slot->entries != NULL)
        g_atomic_int_add (&job->total, (gint) slot->entries->len);
    }
  g_string_free (path, TRUE);
  return NULL;
}

/* Second pass: reads and parses the files the first pass listed. */
static gpointer
load_worker (gpointer data)
{
  LoadJob *job = data;
  char *buf = NULL;
  gsize cap = 0;
  GString *path = g_string_new (NULL);

  for (;;)
    {
      gint i = g_atomic_int_add (&job->next, 1);
      const char *name;
      gsize n, dir_len;
      int dir_fd;
      LoadSlot *slot;

      if (i >= (gint) job->n_names || g_cancellable_is_cancelled (job->cancellable))
        break;
      name = job->names[i];
      n = strlen (name);
      slot = &job->slots[i];
      if (slot->entries == NULL)
        continue;
      g_string_printf (path, "%s" G_DIR_SEPARATOR_S "%s", job->packages_dir, name);
      dir_len = path->len;
      if ((dir_fd = open (path->str, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        continue;
      for (guint e = 0; e < slot->entries->len; e++)
        {
          const char *entry = slot->entries->pdata[e];
          gsize length;
          MsOpamPackage *p;
          char *message = NULL;

          if (g_cancellable_is_cancelled (job->cancellable))
            break;
          /* every 64 files: the callback's cost stays out of the loop */
          if ((g_atomic_int_add (&job->done, 1) + 1) % 64 == 0 && job->progress != NULL
              && g_thread_self () == job->reporter)
            job->progress (MIN ((guint) g_atomic_int_get (&job->done), (guint) job->total), (guint) job->total,
                           job->progress_data);
          g_string_truncate (path, dir_len);
          g_string_append_printf (path, G_DIR_SEPARATOR_S "%s" G_DIR_SEPARATOR_S "opam", entry);
          if (!read_whole (dir_fd, path->str + dir_len + 1, &buf, &cap, &length))
            continue;
          p = package_parse (job->env, name, entry + n + 1, path->str, buf, length, &message);
          if (p != NULL)
            {
              if (slot->packages == NULL)
                slot->packages = g_ptr_array_new ();
              g_ptr_array_add (slot->packages, p);
            }
          else
            {
              if (slot->errors == NULL)
                slot->errors = g_ptr_array_new ();
              g_ptr_array_add (slot->errors, message);
            }
        }
      close (dir_fd);
    }
  g_free (buf);
  g_string_free (path, TRUE);
  return NULL;
}

/* Runs worker on LOAD_THREADS threads (this one among them) over all the
 * names, from the first. */
static void
run_pass (LoadJob *job, GThreadFunc worker)
{
  GThread *threads[LOAD_THREADS - 1];

  job->next = 0;
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("opam-load", worker, job);
  worker (job);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

gboolean
ms_opam_repo_load (MsOpamRepo *repo, const char *root, GError **error)
{
  return ms_opam_repo_load_full (repo, root, NULL, NULL, NULL, error);
}

gboolean
ms_opam_repo_load_full (MsOpamRepo *repo, const char *root, MsProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GError **error)
{
  g_autofree char *packages = g_build_filename (root, "packages", NULL);
  g_autoptr(GDir) top = g_dir_open (packages, 0, NULL);
  g_autoptr(GPtrArray) names = NULL;
  LoadJob job = { 0 };
  const char *name;

  if (top == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is not an opam repository (it has no packages/ folder)", root);
      return FALSE;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (top)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  job.env = &repo->env;
  job.packages_dir = packages;
  job.names = (char **) names->pdata;
  job.n_names = names->len;
  job.slots = g_new0 (LoadSlot, MAX (names->len, 1));
  job.cancellable = cancellable;
  job.progress = progress;
  job.progress_data = progress_data;
  job.reporter = g_thread_self ();
  run_pass (&job, list_worker);
  run_pass (&job, load_worker);

  for (guint i = 0; i < names->len; i++)
    {
      LoadSlot *slot = &job.slots[i];
      if (slot->entries != NULL)
        g_ptr_array_unref (slot->entries);
      if (slot->packages != NULL)
        g_ptr_array_extend_and_steal (repo->packages, slot->packages);
      if (slot->errors != NULL)
        g_ptr_array_extend_and_steal (repo->errors, slot->errors);
    }
  g_free (job.slots);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress ((guint) job.total, (guint) job.total, progress_data);
  ms_opam_repo_finish (repo);
  return TRUE;
}

static int
compare_packages (gconstpointer a, gconstpointer b)
{
  const MsOpamPackage *pa = *(MsOpamPackage *const *) a;
  const MsOpamPackage *pb = *(MsOpamPackage *const *) b;
  int c = strcmp (pa->name, pb->name);
  if (c != 0)
    return c;
  c = ms_version_compare (pa->version, pb->version);
  /* versions equal in opam's order ("1.01" and "1.1") still need a fixed order */
  return c != 0 ? c : strcmp (pa->version, pb->version);
}

void
ms_opam_repo_finish (MsOpamRepo *repo)
{
  GPtrArray *current = NULL;

  g_ptr_array_sort (repo->packages, compare_packages);
  g_hash_table_remove_all (repo->names);
  for (guint i = 0; i < repo->packages->len; i++)
    {
      MsOpamPackage *p = repo->packages->pdata[i];
      if (current == NULL || !g_str_equal (((MsOpamPackage *) current->pdata[0])->name, p->name))
        {
          current = g_ptr_array_new ();
          g_hash_table_insert (repo->names, p->name, current);
        }
      g_ptr_array_add (current, p);
      p->rank = current->len;
    }
}

GPtrArray *
ms_opam_repo_versions (MsOpamRepo *repo, const char *name)
{
  return g_hash_table_lookup (repo->names, name);
}

const MsOpamPackage *
ms_opam_repo_find (MsOpamRepo *repo, const char *name, const char *version)
{
  GPtrArray *versions = ms_opam_repo_versions (repo, name);
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    {
      const MsOpamPackage *p = versions->pdata[i];
      if (g_str_equal (p->version, version))
        return p;
    }
  return NULL;
}
