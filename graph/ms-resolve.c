/* ms-resolve.c: the opam universe as a libsolv pool, solving a request,
 * and the answer or the problems in the user's terms.
 *
 * Versions: libsolv compares EVRs its own way, so each solvable's EVR is
 * the decimal rank of its version within its package (ms-opam-repo
 * orders versions as opam does); a version constraint becomes the set of
 * ranks whose versions satisfy it, written as `name >= a`, `name <= b`,
 * `name = r` and their REL_OR (plain unions that libsolv resolves through
 * its provider lists, not "complex" dependencies). Only `&` nested under
 * `|` in a depends formula needs libsolv's complex dependencies (REL_AND).
 * Ranks of unavailable versions have no solvable; a run of wanted ranks
 * may step over them.
 *
 * Per solvable the pool also stores the opam version string, the flags,
 * the source URL and checksums (custom keys), so that a pool read back
 * from the cache answers everything without parsing the repository. The
 * strings go to the pool's string space (repodata_set_poolstr), which
 * grows in 64 KiB steps; repodata_set_str's attribute space grows 1 KiB
 * at a time, which is quadratic copying under AddressSanitizer.
 */
#include "ms-resolve.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>

#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/repo.h>
#include <solv/repo_solv.h>
#include <solv/repo_write.h>
#include <solv/solver.h>
#include <solv/problems.h>
#include <solv/rules.h>
#include <solv/selection.h>

#include "ms-diagnostic.h"
#include "ms-version.h"

/* Bump when the pool's layout changes: old caches then no longer match. */
#define CACHE_SCHEMA "mstudio-solv 10"
#define SOURCES_SCHEMA "mstudio-sources 3"

struct MsResolver {
  Pool *pool;
  Repo *repo;
  Id key_flags, key_avoided;
  GHashTable *names;       /* name (owned) -> GArray of Id, solvables in rank order */
  GArray *ranks;           /* guint per solvable id: its rank (its EVR as a number) */
  GHashTable *memo;        /* "name\n[!]constraint" -> Id: thousands of packages share a constraint */
  GArray *avoided;         /* Id: avoid-version and deprecated solvables */
  guint n_skipped;
  /* Source URL and checksums per solvable: "url\tchecksums" (or NULL),
   * indexed by solvable id. Most of the pool's text, and only answers
   * need them, so the cache keeps them out of the .solv file (which every
   * run loads) in a sources file read at the first answer (sources_load). */
  GPtrArray *sources;
  char *sources_path;      /* the cache's sources file, not read yet */
  char *sources_key;
  GMappedFile *sources_map;/* ...once mapped */
  const guchar *sources_index; /* in the map: each solvable's line offset (from repo->start) */
  guint sources_count;
};

static void
resolver_init_keys (MsResolver *r)
{
  r->key_flags = pool_str2id (r->pool, "mstudio:opam-flags", 1);
  r->key_avoided = pool_str2id (r->pool, "mstudio:avoided", 1);
}

static MsResolver *
resolver_alloc (void)
{
  MsResolver *r = g_new0 (MsResolver, 1);
  r->pool = pool_create ();
  /* no pool_setarch: opam packages have no architecture, and a Debian
   * build of libsolv would not count "noarch" as installable under one */
  r->repo = repo_create (r->pool, "opam");
  resolver_init_keys (r);
  r->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_array_unref);
  r->ranks = g_array_new (FALSE, TRUE, sizeof (guint));
  r->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->avoided = g_array_new (FALSE, FALSE, sizeof (Id));
  r->sources = g_ptr_array_new_with_free_func (g_free);
  return r;
}

void
ms_resolver_free (MsResolver *r)
{
  if (r == NULL)
    return;
  g_hash_table_unref (r->names);
  g_array_unref (r->ranks);
  g_hash_table_unref (r->memo);
  g_array_unref (r->avoided);
  g_ptr_array_unref (r->sources);
  g_free (r->sources_path);
  g_free (r->sources_key);
  g_clear_pointer (&r->sources_map, g_mapped_file_unref);
  pool_free (r->pool);
  g_free (r);
}

static guint
solvable_rank (MsResolver *r, Id p)
{
  return (guint) p < r->ranks->len ? g_array_index (r->ranks, guint, p) : 0;
}

/* The opam version is kept in the solvable's vendor field: read there
 * without a lookup in the repository's attribute data (which cost a
 * third of a cached load for 18,000 solvables). libsolv compares vendors
 * only when an installed package is replaced, and this pool has no
 * installed packages. Looked up through the string's Id each time: the
 * pool's string space moves when strings are added, so a char* would
 * not stay valid. */
static const char *
solvable_version (MsResolver *r, Id p)
{
  Id id = p > 0 && p < r->pool->nsolvables ? pool_id2solvable (r->pool, p)->vendor : 0;
  return id != 0 ? pool_id2str (r->pool, id) : NULL;
}

static int
compare_ranks (gconstpointer a, gconstpointer b, gpointer data)
{
  guint ra = solvable_rank (data, *(const Id *) a);
  guint rb = solvable_rank (data, *(const Id *) b);
  return ra < rb ? -1 : ra > rb;
}

static guint
parse_rank (const char *evr)
{
  guint rank = 0;
  for (; *evr >= '0' && *evr <= '9'; evr++)
    rank = rank * 10 + (guint) (*evr - '0');
  return rank;
}

/* The name index, the ranks and the avoided versions, from the
 * solvables. The pool is written by name and in rank order, so a
 * name's solvables come in one run (one hash lookup per name) and need
 * no sorting; anything else is still indexed and sorted. */
static void
resolver_index (MsResolver *r)
{
  Pool *pool = r->pool;
  Id p, name = 0;
  Solvable *s;
  GArray *ids = NULL;
  gboolean sorted = TRUE;
  const unsigned char *avoided;
  int avoided_len = 0;

  g_hash_table_remove_all (r->names);
  g_hash_table_remove_all (r->memo);
  g_array_set_size (r->avoided, 0);
  g_array_set_size (r->ranks, (guint) pool->nsolvables);
  FOR_REPO_SOLVABLES (r->repo, p, s)
    {
      guint rank = parse_rank (pool_id2str (pool, s->evr));
      g_array_index (r->ranks, guint, p) = rank;
      if (ids == NULL || s->name != name)
        {
          const char *text = pool_id2str (pool, s->name);
          name = s->name;
          if ((ids = g_hash_table_lookup (r->names, text)) == NULL)
            {
              ids = g_array_new (FALSE, FALSE, sizeof (Id));
              g_hash_table_insert (r->names, g_strdup (text), ids);
            }
        }
      if (ids->len > 0 && solvable_rank (r, g_array_index (ids, Id, ids->len - 1)) > rank)
        sorted = FALSE;
      g_array_append_val (ids, p);
    }
  if (!sorted)
    {
      GHashTableIter it;
      gpointer value;
      g_hash_table_iter_init (&it, r->names);
      while (g_hash_table_iter_next (&it, NULL, &value))
        g_array_sort_with_data (value, compare_ranks, r);
    }
  /* avoid-version and deprecated solvables: a list in the repository's
   * meta data (offsets from its first solvable), not a flag looked up on
   * every solvable */
  avoided = repo_lookup_binary (r->repo, SOLVID_META, r->key_avoided, &avoided_len);
  for (int i = 0; avoided != NULL && i + 4 <= avoided_len; i += 4)
    {
      guint32 off;
      memcpy (&off, avoided + i, 4);
      p = r->repo->start + (Id) off;
      if (p >= r->repo->start && p < r->repo->end && pool_id2solvable (pool, p)->repo == r->repo)
        g_array_append_val (r->avoided, p);
    }
  pool_createwhatprovides (pool);
}

/* ---- version sets -------------------------------------------------------------------- */

static Id
rank_rel (Pool *pool, Id name, guint rank, int flags)
{
  char buf[24];
  g_snprintf (buf, sizeof buf, "%u", rank);
  return pool_rel2id (pool, name, pool_str2id (pool, buf, 1), flags, 1);
}

static Id
rel_or (Pool *pool, Id a, Id b)
{
  return a == 0 ? b : pool_rel2id (pool, a, b, REL_OR, 1);
}

/* The dependency on the versions of `name` that satisfy vc. Only ranks
 * with a solvable count; a set that matches none asks for rank 0, which
 * nothing provides (so libsolv reports it under the package's name). */
static Id version_set_compute (MsResolver *r, const char *name, const MsOpamVc *vc, gboolean complement);

static Id
version_set (MsResolver *r, const char *name, const MsOpamVc *vc, gboolean complement)
{
  g_autofree char *vcs = vc != NULL ? ms_opam_vc_to_string (vc) : NULL;
  g_autofree char *key = g_strdup_printf ("%s\n%s%s", name, complement ? "!" : "", vcs ? vcs : "");
  gpointer found;
  Id dep;

  if (g_hash_table_lookup_extended (r->memo, key, NULL, &found))
    return GPOINTER_TO_INT (found);
  dep = version_set_compute (r, name, vc, complement);
  g_hash_table_insert (r->memo, g_steal_pointer (&key), GINT_TO_POINTER (dep));
  return dep;
}

static Id
version_set_compute (MsResolver *r, const char *name, const MsOpamVc *vc, gboolean complement)
{
  Pool *pool = r->pool;
  Id nid = pool_str2id (pool, name, 1);
  GArray *ids = g_hash_table_lookup (r->names, name);
  Id dep = 0;
  guint n = ids != NULL ? ids->len : 0;
  guint i = 0, n_selected = 0;

  if (ids == NULL)
    return complement ? 0 : nid;
  for (guint k = 0; k < n; k++)
    n_selected += ms_opam_vc_matches (vc, solvable_version (r, g_array_index (ids, Id, k))) != complement;
  if (n_selected == n)
    return nid;
  if (n_selected == 0)
    return complement ? 0 : rank_rel (pool, nid, 0, REL_EQ);

  while (i < n)
    {
      guint j;
      if (ms_opam_vc_matches (vc, solvable_version (r, g_array_index (ids, Id, i))) == complement)
        {
          i++;
          continue;
        }
      j = i;
      while (j + 1 < n &&
             ms_opam_vc_matches (vc, solvable_version (r, g_array_index (ids, Id, j + 1))) != complement)
        j++;
      {
        guint a = solvable_rank (r, g_array_index (ids, Id, i));
        guint b = solvable_rank (r, g_array_index (ids, Id, j));
        if (j == n - 1)
          dep = rel_or (pool, dep, rank_rel (pool, nid, a, REL_GT | REL_EQ));
        else if (i == 0)
          dep = rel_or (pool, dep, rank_rel (pool, nid, b, REL_LT | REL_EQ));
        else
          for (guint k = i; k <= j; k++)
            dep = rel_or (pool, dep, rank_rel (pool, nid, solvable_rank (r, g_array_index (ids, Id, k)), REL_EQ));
        (void) b;
      }
      i = j + 1;
    }
  return dep;
}

/* A depends formula (not a top-level conjunction) as one dependency. */
static Id
formula_dep (MsResolver *r, const MsOpamDep *d)
{
  Id a, b;
  switch (d->kind)
    {
    case MS_DEP_ATOM:
      return version_set (r, d->name, d->vc, FALSE);
    case MS_DEP_OR:
    case MS_DEP_AND:
    default:
      a = formula_dep (r, d->left);
      b = formula_dep (r, d->right);
      return pool_rel2id (r->pool, a, b, d->kind == MS_DEP_OR ? REL_OR : REL_AND, 1);
    }
}

static Offset
add_requires (MsResolver *r, Offset deps, const MsOpamDep *d)
{
  if (d == NULL)
    return deps;
  if (d->kind == MS_DEP_AND)
    {
      deps = add_requires (r, deps, d->left);
      return add_requires (r, deps, d->right);
    }
  return repo_addid_dep (r->repo, deps, formula_dep (r, d), 0);
}

/* ---- building the pool --------------------------------------------------------------- */

MsResolver *
ms_resolver_new_from_repo (MsOpamRepo *repo)
{
  MsResolver *r = resolver_alloc ();
  Repodata *data = repo_add_repodata (r->repo, 0);
  Pool *pool = r->pool;
  GArray *ids = g_array_new (FALSE, TRUE, sizeof (Id));   /* per repo->packages index; 0 = none */
  g_autoptr(GArray) avoided = g_array_new (FALSE, FALSE, sizeof (guint32));
  r->n_skipped = repo->errors->len;
  g_array_set_size (ids, repo->packages->len);

  /* first every solvable, so that version sets can see every name */
  for (guint i = 0; i < repo->packages->len; i++)
    {
      const MsOpamPackage *p = repo->packages->pdata[i];
      Id s, name, evr;
      Solvable *sv;
      char rank[24];

      if (!p->available)
        continue;
      s = repo_add_solvable (r->repo);
      sv = pool_id2solvable (pool, s);
      g_snprintf (rank, sizeof rank, "%u", p->rank);
      name = pool_str2id (pool, p->name, 1);
      evr = pool_str2id (pool, rank, 1);
      sv->name = name;
      sv->evr = evr;
      sv->arch = ARCH_NOARCH;
      sv->vendor = pool_str2id (pool, p->version, 1);   /* see solvable_version */
      sv->provides = repo_addid_dep (r->repo, sv->provides, pool_rel2id (pool, name, evr, REL_EQ, 1), 0);
      if (p->flags != 0)
        repodata_set_num (data, s, r->key_flags, p->flags);
      if (p->flags & (MS_OPAM_FLAG_AVOID_VERSION | MS_OPAM_FLAG_DEPRECATED))
        {
          guint32 off = (guint32) (s - r->repo->start);
          g_array_append_val (avoided, off);
        }
      if (p->url != NULL)
        {
          g_autofree char *joined = p->checksums ? g_strjoinv (" ", p->checksums) : g_strdup ("");
          if ((guint) s >= r->sources->len)
            g_ptr_array_set_size (r->sources, s + 1);
          r->sources->pdata[s] = g_strconcat (p->url, "\t", joined, NULL);
        }
      g_array_index (ids, Id, i) = s;
    }
  if (avoided->len > 0)
    repodata_set_binary (data, SOLVID_META, r->key_avoided, avoided->data, avoided->len * sizeof (guint32));
  repo_internalize (r->repo);
  resolver_index (r);

  for (guint i = 0; i < repo->packages->len; i++)
    {
      const MsOpamPackage *p = repo->packages->pdata[i];
      Id s = g_array_index (ids, Id, i);
      Solvable *sv;
      g_autoptr(GPtrArray) atoms = g_ptr_array_new ();

      if (s == 0)
        continue;
      sv = pool_id2solvable (pool, s);
      sv->requires = add_requires (r, sv->requires, p->depends);

      /* conflicts: any atom that holds is a conflict */
      ms_opam_dep_atoms (p->conflicts, atoms);
      for (guint k = 0; k < atoms->len; k++)
        {
          const MsOpamDep *a = atoms->pdata[k];
          Id dep = version_set (r, a->name, a->vc, FALSE);
          if (!g_str_equal (a->name, p->name))
            sv->conflicts = repo_addid_dep (r->repo, sv->conflicts, dep, 0);
        }
      /* depopts: an installed optional dependency must satisfy its constraint */
      g_ptr_array_set_size (atoms, 0);
      ms_opam_dep_atoms (p->depopts, atoms);
      for (guint k = 0; k < atoms->len; k++)
        {
          const MsOpamDep *a = atoms->pdata[k];
          Id dep;
          if (a->vc == NULL || g_str_equal (a->name, p->name))
            continue;
          if ((dep = version_set (r, a->name, a->vc, TRUE)) != 0)
            sv->conflicts = repo_addid_dep (r->repo, sv->conflicts, dep, 0);
        }
      /* conflict-class: a pseudo-package every member provides and conflicts
       * with (libsolv ignores a solvable's conflict with itself) */
      for (guint k = 0; p->conflict_class != NULL && p->conflict_class[k] != NULL; k++)
        {
          g_autofree char *cc = g_strconcat ("conflict-class:", p->conflict_class[k], NULL);
          Id id = pool_str2id (pool, cc, 1);
          sv->provides = repo_addid_dep (r->repo, sv->provides, id, 0);
          sv->conflicts = repo_addid_dep (r->repo, sv->conflicts, id, 0);
        }
    }
  g_array_unref (ids);
  repo_internalize (r->repo);
  pool_createwhatprovides (pool);
  return r;
}

guint
ms_resolver_n_solvables (MsResolver *r)
{
  return (guint) r->repo->nsolvables;
}

guint
ms_resolver_n_skipped (MsResolver *r)
{
  return r->n_skipped;
}

gboolean
ms_resolver_has (MsResolver *r, const char *name, const char *version)
{
  GArray *ids = g_hash_table_lookup (r->names, name);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_strcmp0 (solvable_version (r, g_array_index (ids, Id, i)), version) == 0)
      return TRUE;
  return FALSE;
}

char *
ms_resolver_default_ocaml (MsResolver *r)
{
  GArray *ids = g_hash_table_lookup (r->names, "ocaml");
  for (guint i = ids != NULL ? ids->len : 0; i > 0; i--)
    {
      const char *v = solvable_version (r, g_array_index (ids, Id, i - 1));
      if (v != NULL && strchr (v, '~') == NULL && strchr (v, '+') == NULL &&
          ms_resolver_has (r, "ocaml-base-compiler", v))
        return g_strdup (v);
    }
  return NULL;
}

/* ---- the cache ----------------------------------------------------------------------- */

/* A 64-bit hash of bytes, eight at a time (FNV-1a's multiplier on words,
 * then a final mix): not cryptographic, but it catches any damage or
 * change in the cache or an archive while costing a few milliseconds,
 * where SHA-256 of the 5 MB pool alone would take most of a cached
 * load's budget. */
static char *
fast_hash (const guchar *data, gsize len)
{
  guint64 h = 0xcbf29ce484222325ULL ^ len;
  gsize i = 0;
  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, data + i, 8);
      h = (h ^ w) * 0x100000001b3ULL;
      h ^= h >> 29;
    }
  for (; i < len; i++)
    h = (h ^ data[i]) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", h);
}

static gboolean
is_archive (const char *path)
{
  return g_str_has_suffix (path, ".tar.gz") || g_str_has_suffix (path, ".tgz") ||
         g_str_has_suffix (path, ".tar.xz") || g_str_has_suffix (path, ".txz") ||
         g_str_has_suffix (path, ".tar");
}

/* What the pool depends on besides the repository: the layout and the
 * environment filters were evaluated for. */
static void
checksum_env (GChecksum *sum)
{
  MsOpamEnv env;
  ms_opam_env_init_host (&env);
  g_checksum_update (sum, (const guchar *) CACHE_SCHEMA, -1);
  {
    const char *values[] = { env.os, env.os_family, env.os_distribution, env.os_version,
                             env.arch, env.opam_version };
    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      g_checksum_update (sum, (const guchar *) values[i], strlen (values[i]) + 1);
  }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A folder's content as every opam file's path, size and modification
 * time (reading 18,000 files to hash them would cost what converting them
 * costs). */
static gboolean
checksum_folder (GChecksum *sum, const char *root, GError **error)
{
  g_autofree char *packages = g_build_filename (root, "packages", NULL);
  g_autoptr(GDir) top = g_dir_open (packages, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (top == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is not an opam repository (it has no packages/ folder)", root);
      return FALSE;
    }
  while ((name = g_dir_read_name (top)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* directory order is not stable across copies: sort */
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *dir = g_build_filename (packages, names->pdata[i], NULL);
      g_autoptr(GDir) versions = g_dir_open (dir, 0, NULL);
      g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
      const char *entry;
      if (versions == NULL)
        continue;
      while ((entry = g_dir_read_name (versions)) != NULL)
        g_ptr_array_add (entries, g_strdup (entry));
      g_ptr_array_sort (entries, compare_strings);
      for (guint k = 0; k < entries->len; k++)
        {
          g_autofree char *path = g_build_filename (dir, entries->pdata[k], "opam", NULL);
          GStatBuf st;
          char line[128];
          if (g_stat (path, &st) != 0)
            continue;
          g_checksum_update (sum, (const guchar *) path + strlen (root), -1);
          g_snprintf (line, sizeof line, "\n%lld %lld %ld\n", (long long) st.st_size,
                      (long long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec);
          g_checksum_update (sum, (const guchar *) line, -1);
        }
    }
  return TRUE;
}

/* An archive's content hash, remembered under cache_dir against its
 * device, inode, size and modification time, so that a run whose archive
 * has not changed does not read its megabytes again; a changed archive
 * (any of those four) is hashed again. */
static gboolean
checksum_archive (GChecksum *sum, const char *path, const char *cache_dir, GError **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *name_hash = fast_hash ((const guchar *) abs, strlen (abs));
  g_autofree char *memo_name = g_strdup_printf ("archive-%s.key", name_hash);
  g_autofree char *memo = g_build_filename (cache_dir, memo_name, NULL);
  g_autofree char *stamp = NULL;
  g_autofree char *old = NULL;
  g_autoptr(GMappedFile) map = NULL;
  g_autofree char *h = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0)
    {
      stamp = g_strdup_printf ("%s %llu %llu %lld %lld %ld ", CACHE_SCHEMA, (unsigned long long) st.st_dev,
                               (unsigned long long) st.st_ino, (long long) st.st_size,
                               (long long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec);
      if (g_file_get_contents (memo, &old, NULL, NULL) && g_str_has_prefix (old, stamp)
          && strlen (old) == strlen (stamp) + 16)
        {
          g_checksum_update (sum, (const guchar *) old + strlen (stamp), -1);
          return TRUE;
        }
    }
  if (!(map = g_mapped_file_new (path, FALSE, error)))
    return FALSE;
  h = fast_hash ((const guchar *) g_mapped_file_get_contents (map), g_mapped_file_get_length (map));
  g_checksum_update (sum, (const guchar *) h, -1);
  if (stamp != NULL && g_mkdir_with_parents (cache_dir, 0700) == 0)
    {
      g_autofree char *line = g_strconcat (stamp, h, NULL);
      g_file_set_contents (memo, line, -1, NULL); /* only a shortcut: failing costs time */
    }
  return TRUE;
}

static char *
default_cache_dir (void)
{
  const char *xdg = g_getenv ("XDG_CACHE_HOME");
  if (xdg != NULL && g_path_is_absolute (xdg))
    return g_build_filename (xdg, "mirage-studio", NULL);
  return g_build_filename (g_get_home_dir (), ".cache", "mirage-studio", NULL);
}

/* The sources file: a header (schema, key, count) and a blank line; an
 * index of `count` offsets, one per solvable from the repository's
 * first, of its line from the start of the lines (eight hexadecimal
 * digits each: a text file still), and a newline; then one line per
 * solvable, "name\tversion\turl\tchecksums" (url empty: none;
 * a lone "-" where the repository has no solvable). Written before the
 * .solv file it goes with; mapped only when an answer needs a URL, and
 * then only the answer's lines are touched (the index spares scanning
 * the 4 MB of lines). A sources file that is missing, stale or does not
 * match the pool line by line gives answers without URLs (and a debug
 * message), never wrong ones. */
static gboolean
sources_save (MsResolver *r, const char *path, const char *key, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  guint n = (guint) (r->repo->end - r->repo->start);
  gsize index_at;

  g_string_append_printf (out, "%s\nkey %s\ncount %u\n\n", SOURCES_SCHEMA, key, n);
  index_at = out->len;
  g_string_set_size (out, index_at + (gsize) n * 8);
  for (Id p = r->repo->start; p < r->repo->end; p++)
    {
      Solvable *s = pool_id2solvable (r->pool, p);
      char hex[9];
      g_snprintf (hex, sizeof hex, "%08x", (guint32) MIN (lines->len, G_MAXUINT32));
      memcpy (out->str + index_at + (gsize) (p - r->repo->start) * 8, hex, 8);
      if (s->repo != r->repo)
        {
          g_string_append (lines, "-\n");
          continue;
        }
      {
        const char *src = (guint) p < r->sources->len ? r->sources->pdata[p] : NULL;
        g_string_append_printf (lines, "%s\t%s\t%s\n", pool_id2str (r->pool, s->name),
                                solvable_version (r, p), src ? src : "\t");
      }
    }
  if (lines->len > G_MAXUINT32)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the sources are too large for their index");
      return FALSE;
    }
  g_string_append_c (out, '\n');
  g_string_append_len (out, lines->str, (gssize) lines->len);
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

/* Maps the sources file and checks its header; a solvable's line is
 * found through the index, checked against the solvable and copied only
 * when an answer asks for it (solvable_source). */
static void
sources_load (MsResolver *r)
{
  g_autofree char *path = g_steal_pointer (&r->sources_path);
  g_autofree char *key = g_steal_pointer (&r->sources_key);
  g_autofree char *header = NULL;
  const char *text;
  gsize length;
  guint n = (guint) (r->repo->end - r->repo->start);

  if (path == NULL)
    return;
  header = g_strdup_printf ("%s\nkey %s\ncount %u\n\n", SOURCES_SCHEMA, key, n);
  r->sources_map = g_mapped_file_new (path, FALSE, NULL);
  text = r->sources_map ? g_mapped_file_get_contents (r->sources_map) : NULL;
  length = r->sources_map ? g_mapped_file_get_length (r->sources_map) : 0;
  if (text == NULL || length < strlen (header) + (gsize) n * 8 + 1 || memcmp (text, header, strlen (header)) != 0
      || text[strlen (header) + (gsize) n * 8] != '\n'
      || length > G_MAXUINT32)
    {
      g_debug ("resolve: %s is missing or stale: answers without sources", path);
      g_clear_pointer (&r->sources_map, g_mapped_file_unref);
      return;
    }
  r->sources_index = (const guchar *) text + strlen (header);
  r->sources_count = n;
}

/* "url\tchecksums" of solvable p, or NULL */
static const char *
solvable_source (MsResolver *r, Id p)
{
  const char *text, *lines, *line, *nl, *name, *version, *src;
  gsize nlen, vlen, length, lines_len;
  guint32 off;

  if (r->sources_path != NULL)
    sources_load (r);
  if ((guint) p < r->sources->len && r->sources->pdata[p] != NULL)
    return r->sources->pdata[p];
  if (r->sources_map == NULL || p < r->repo->start || (guint) (p - r->repo->start) >= r->sources_count)
    return NULL;
  /* the cache's line: checked against the solvable, copied once */
  text = g_mapped_file_get_contents (r->sources_map);
  length = g_mapped_file_get_length (r->sources_map);
  lines = (const char *) r->sources_index + (gsize) r->sources_count * 8 + 1;
  lines_len = length - (gsize) (lines - text);
  {
    const guchar *hex = r->sources_index + (gsize) (p - r->repo->start) * 8;
    off = 0;
    for (guint i = 0; i < 8; i++)
      {
        int d = g_ascii_xdigit_value ((char) hex[i]);
        if (d < 0)
          return NULL;
        off = off << 4 | (guint32) d;
      }
  }
  if (off >= lines_len)
    return NULL;
  line = lines + off;
  nl = memchr (line, '\n', lines_len - off);
  name = pool_id2str (r->pool, pool_id2solvable (r->pool, p)->name);
  version = solvable_version (r, p);
  nlen = strlen (name);
  vlen = version ? strlen (version) : 0;
  if (nl == NULL || version == NULL || (gsize) (nl - line) < nlen + vlen + 3 || memcmp (line, name, nlen) != 0
      || line[nlen] != '\t' || memcmp (line + nlen + 1, version, vlen) != 0 || line[nlen + 1 + vlen] != '\t')
    {
      g_debug ("resolve: the sources file does not match %s.%s", name, version ? version : "?");
      return NULL;
    }
  src = line + nlen + vlen + 2;
  if (*src == '\t')
    return NULL;
  if ((guint) p >= r->sources->len)
    g_ptr_array_set_size (r->sources, p + 1);
  r->sources->pdata[p] = g_strndup (src, (gsize) (nl - src));
  return r->sources->pdata[p];
}

static char *
sources_path_of (const char *cache_path)
{
  g_autofree char *base = g_strndup (cache_path, strlen (cache_path) - strlen (".solv"));
  return g_strconcat (base, ".src", NULL);
}

/* Reads a cache file; NULL (and nothing else) if it is missing, stale or
 * damaged: the caller then rebuilds. */
static MsResolver *
cache_load (const char *path, const char *key)
{
  g_autoptr(GMappedFile) map = NULL;
  const char *text;
  gsize length;
  const char *body, *p;
  g_autofree char *header = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *sum = NULL;
  MsResolver *r;
  FILE *fp;
  guint64 skipped = 0;

  /* mapped, not read: libsolv reads it once, straight from the page cache */
  if ((map = g_mapped_file_new (path, FALSE, NULL)) == NULL)
    return NULL;
  text = g_mapped_file_get_contents (map);
  length = g_mapped_file_get_length (map);
  if (text == NULL || (p = g_strstr_len (text, MIN (length, 4096), "\n\n")) == NULL)
    return NULL;
  body = p + 2;
  header = g_strndup (text, p - text);
  lines = g_strsplit (header, "\n", -1);
  if (g_strv_length (lines) != 4 || !g_str_equal (lines[0], CACHE_SCHEMA) ||
      !g_str_has_prefix (lines[1], "key ") || !g_str_equal (lines[1] + 4, key) ||
      !g_str_has_prefix (lines[2], "sum ") || !g_str_has_prefix (lines[3], "skipped ") ||
      !g_ascii_string_to_unsigned (lines[3] + 8, 10, 0, G_MAXUINT, &skipped, NULL))
    {
      g_debug ("resolve: %s is stale or not a pool cache: rebuilding", path);
      return NULL;
    }
  sum = fast_hash ((const guchar *) body, length - (body - text));
  if (!g_str_equal (sum, lines[2] + 4))
    {
      g_debug ("resolve: %s is damaged (checksum): rebuilding", path);
      return NULL;
    }

  r = resolver_alloc ();
  fp = fmemopen ((void *) body, length - (body - text), "r");
  /* libsolv reads the pool a byte at a time with getc: without the
   * stream's lock (only this thread has it) that is a tenth faster */
  if (fp != NULL)
    __fsetlocking (fp, FSETLOCKING_BYCALLER);
  if (fp == NULL || repo_add_solv (r->repo, fp, 0) != 0)
    {
      g_debug ("resolve: libsolv cannot read %s (%s): rebuilding", path, pool_errstr (r->pool));
      if (fp != NULL)
        fclose (fp);
      ms_resolver_free (r);
      return NULL;
    }
  fclose (fp);
  r->n_skipped = (guint) skipped;
  resolver_index (r);
  return r;
}

static gboolean
cache_save (MsResolver *r, const char *path, const char *key, GError **error)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *fp = open_memstream (&buf, &size);
  g_autofree char *sum = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean ok;

  if (fp == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write the pool: %s", g_strerror (errno));
      return FALSE;
    }
  if (repo_write (r->repo, fp) != 0)
    {
      fclose (fp);
      free (buf);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsolv could not write the pool");
      return FALSE;
    }
  fclose (fp);
  sum = fast_hash ((const guchar *) buf, size);
  out = g_string_new (NULL);
  g_string_append_printf (out, "%s\nkey %s\nsum %s\nskipped %u\n\n", CACHE_SCHEMA, key, sum, r->n_skipped);
  g_string_append_len (out, buf, size);
  free (buf);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  /* atomic: a reader sees the old file or the new one, never half */
  ok = g_file_set_contents (path, out->str, out->len, error);
  return ok;
}

/* The folder holding packages/ in an extracted archive: its top or the one
 * folder inside it. */
static char *
find_repo_root (const char *dir)
{
  g_autofree char *direct = g_build_filename (dir, "packages", NULL);
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_file_test (direct, G_FILE_TEST_IS_DIR))
    return g_strdup (dir);
  if ((d = g_dir_open (dir, 0, NULL)) == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sub = g_build_filename (dir, name, "packages", NULL);
      if (g_file_test (sub, G_FILE_TEST_IS_DIR))
        return g_build_filename (dir, name, NULL);
    }
  return NULL;
}

static gboolean
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };
  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Extracts an archive (once per content) under cache_dir; returns the
 * repository's root. tar runs from an argument vector, never a shell. */
static char *
extract_archive (const char *archive, const char *cache_dir, const char *key, GError **error)
{
  g_autofree char *name = g_strdup_printf ("repo-%.16s", key);
  g_autofree char *dir = g_build_filename (cache_dir, name, NULL);
  g_autofree char *done = g_build_filename (dir, ".complete", NULL);
  g_autofree char *tmp = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  char *root;

  if (g_file_test (done, G_FILE_TEST_EXISTS) && (root = find_repo_root (dir)) != NULL)
    return root;
  if (g_mkdir_with_parents (cache_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot create %s: %s", cache_dir, g_strerror (errno));
      return NULL;
    }
  tmp = g_strdup_printf ("%s.tmp-%d", dir, (int) getpid ());
  remove_tree (tmp);
  if (g_mkdir (tmp, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot create %s: %s", tmp, g_strerror (errno));
      return NULL;
    }
  {
    const char *argv[] = { "tar", "-xf", archive, "-C", tmp, NULL };
    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, NULL, &err, &status, error))
      {
        remove_tree (tmp);
        return NULL;
      }
    if (!g_spawn_check_wait_status (status, NULL))
      {
        g_strstrip (err);
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "cannot extract %s: %s", archive, err != NULL && *err ? err : "tar failed");
        remove_tree (tmp);
        return NULL;
      }
  }
  remove_tree (dir);
  if (g_rename (tmp, dir) != 0)
    {
      /* another process may have finished first: use its copy */
      remove_tree (tmp);
      if (!g_file_test (done, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "cannot rename %s: %s", tmp, g_strerror (errno));
          return NULL;
        }
    }
  if ((root = find_repo_root (dir)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is not an opam repository (no packages/ folder inside)", archive);
      return NULL;
    }
  g_file_set_contents (done, "", 0, NULL);
  return root;
}

MsResolver *
ms_resolver_open (const char *source, const char *cache_dir, gboolean *from_cache, GError **error)
{
  return ms_resolver_open_full (source, cache_dir, from_cache, NULL, NULL, NULL, error);
}

MsResolver *
ms_resolver_open_full (const char *source, const char *cache_dir, gboolean *from_cache,
                       MsProgressFunc progress, gpointer progress_data,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *dir = cache_dir != NULL ? g_strdup (cache_dir) : default_cache_dir ();
  g_autofree char *key = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *root = NULL;
  g_autoptr(MsOpamRepo) repo = NULL;
  g_autoptr(GError) save_error = NULL;
  gboolean archive = FALSE;
  MsResolver *r;

  if (from_cache != NULL)
    *from_cache = FALSE;
  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    {
      if (!checksum_folder (sum, source, error))
        return NULL;
    }
  else if (g_file_test (source, G_FILE_TEST_IS_REGULAR) && is_archive (source))
    {
      archive = TRUE;
      if (!checksum_archive (sum, source, dir, error))
        return NULL;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   g_file_test (source, G_FILE_TEST_EXISTS)
                   ? "%s is neither a folder nor a .tar.gz/.tar.xz archive"
                   : "%s does not exist", source);
      return NULL;
    }
  checksum_env (sum);
  key = g_strdup (g_checksum_get_string (sum));
  {
    g_autofree char *file = g_strdup_printf ("opam-%.32s.solv", key);
    cache_path = g_build_filename (dir, file, NULL);
  }
  if ((r = cache_load (cache_path, key)) != NULL)
    {
      r->sources_path = sources_path_of (cache_path);
      r->sources_key = g_strdup (key);
      if (from_cache != NULL)
        *from_cache = TRUE;
      return r;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  root = archive ? extract_archive (source, dir, key, error) : g_strdup (source);
  if (root == NULL)
    return NULL;
  repo = ms_opam_repo_new (NULL);
  if (!ms_opam_repo_load_full (repo, root, progress, progress_data, cancellable, error))
    return NULL;
  r = ms_resolver_new_from_repo (repo);
  /* cancelled while the pool was made: nothing is written */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      ms_resolver_free (r);
      return NULL;
    }
  /* a cache that cannot be written only costs time next run */
  {
    /* the sources first: a .solv file never goes without its sources */
    g_autofree char *sources = sources_path_of (cache_path);
    if (g_mkdir_with_parents (dir, 0700) != 0 || !sources_save (r, sources, key, &save_error))
      g_debug ("resolve: cannot write %s: %s", sources, save_error ? save_error->message : g_strerror (errno));
    g_clear_error (&save_error);
  }
  if (!cache_save (r, cache_path, key, &save_error))
    g_debug ("resolve: %s", save_error->message);
  return r;
}

char *
ms_resolver_default_source (GError **error)
{
  g_autofree char *root = g_strdup (g_getenv ("OPAMROOT"));
  g_autofree char *dir = NULL;
  g_autofree char *packages = NULL;
  g_autofree char *archive = NULL;

  if (root == NULL || *root == '\0')
    {
      g_free (root);
      root = g_build_filename (g_get_home_dir (), ".opam", NULL);
    }
  dir = g_build_filename (root, "repo", "default", NULL);
  packages = g_build_filename (dir, "packages", NULL);
  if (g_file_test (packages, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&dir);
  /* opam 2.1 may keep a repository as an archive */
  archive = g_build_filename (root, "repo", "default.tar.gz", NULL);
  if (g_file_test (archive, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&archive);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "no opam repository: %s has no default repository. Pass --opam-repo PATH "
               "(a folder with packages/, or a .tar.gz/.tar.xz of one, e.g. a clone of "
               "https://github.com/ocaml/opam-repository), or run `opam init`", root);
  return NULL;
}

/* ---- requests ------------------------------------------------------------------------ */

static void
goal_free (MsResolveGoal *g)
{
  g_free (g->name);
  ms_opam_vc_free (g->vc);
  g_strfreev (g->devices);
  g_free (g);
}

MsResolveRequest *
ms_resolve_request_new (void)
{
  MsResolveRequest *req = g_new0 (MsResolveRequest, 1);
  req->goals = g_ptr_array_new_with_free_func ((GDestroyNotify) goal_free);
  return req;
}

void
ms_resolve_request_free (MsResolveRequest *req)
{
  if (req == NULL)
    return;
  g_ptr_array_unref (req->goals);
  g_free (req->ocaml);
  g_free (req);
}

gboolean
ms_resolve_request_add (MsResolveRequest *req, const char *name, const char *constraint,
                        const char *const *devices, GError **error)
{
  MsResolveGoal *g = g_new0 (MsResolveGoal, 1);
  g->name = g_strdup (name);
  if (constraint != NULL && *constraint != '\0')
    {
      g_autofree char *text = g_strdup_printf ("\"%s\" {%s}", name, constraint);
      MsOpamDep *dep = ms_opam_dep_parse (text, NULL, error);
      if (dep == NULL || dep->kind != MS_DEP_ATOM)
        {
          if (dep != NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "“%s” is not a version constraint", constraint);
          ms_opam_dep_free (dep);
          g_free (g->name);
          g_free (g);
          return FALSE;
        }
      g->vc = g_steal_pointer (&dep->vc);
      ms_opam_dep_free (dep);
    }
  g->devices = g_strdupv ((char **) devices);
  if (g->devices == NULL)
    g->devices = g_new0 (char *, 1);
  g_ptr_array_add (req->goals, g);
  return TRUE;
}

MsResolveRequest *
ms_resolve_request_from_graph (MsEvalGraph *graph)
{
  MsResolveRequest *req = ms_resolve_request_new ();

  for (guint i = 0; i < graph->packages->len; i++)
    {
      const MsEvalPackage *p = graph->packages->pdata[i];
      g_autoptr(GString) c = g_string_new (NULL);
      if (p->min != NULL && *p->min != '\0')
        g_string_append_printf (c, ">= \"%s\"", p->min);
      if (p->max != NULL && *p->max != '\0')
        g_string_append_printf (c, "%s< \"%s\"", c->len ? " & " : "", p->max);
      /* bounds are versions checked by ms-version: they cannot break the syntax */
      if (!ms_resolve_request_add (req, p->name, c->str, p->used_by, NULL))
        ms_resolve_request_add (req, p->name, NULL, p->used_by, NULL);
    }
  return req;
}

/* ---- answers and problems ------------------------------------------------------------ */

static void
resolved_free (MsResolvedPackage *p)
{
  g_free (p->name);
  g_free (p->version);
  g_free (p->url);
  g_strfreev (p->checksums);
  g_free (p->device);
  g_strfreev (p->chain);
  g_free (p);
}

static void
problem_free (MsResolveProblem *p)
{
  g_free (p->message);
  g_strfreev (p->devices);
  g_strfreev (p->rules);
  g_strfreev (p->hints);
  g_free (p);
}

void
ms_resolution_free (MsResolution *res)
{
  if (res == NULL)
    return;
  g_free (res->ocaml);
  g_ptr_array_unref (res->packages);
  g_ptr_array_unref (res->problems);
  g_ptr_array_unref (res->diagnostics);
  g_free (res);
}

/* The version of `name` at rank `rank`, for messages. */
static const char *
version_of_rank (MsResolver *r, Id name, Id evr)
{
  GArray *ids = g_hash_table_lookup (r->names, pool_id2str (r->pool, name));
  guint rank = (guint) g_ascii_strtoull (pool_id2str (r->pool, evr), NULL, 10);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (solvable_rank (r, g_array_index (ids, Id, i)) == rank)
      return solvable_version (r, g_array_index (ids, Id, i));
  return NULL;
}

/* A dependency in opam's words: ranks back to versions. */
static void
append_dep (MsResolver *r, GString *out, Id dep)
{
  Pool *pool = r->pool;
  if (ISRELDEP (dep))
    {
      Reldep *rd = GETRELDEP (pool, dep);
      if (rd->flags == REL_OR || rd->flags == REL_AND)
        {
          /* a | b on one name reads better as one brace; keep it simple and exact */
          g_string_append_c (out, '(');
          append_dep (r, out, rd->name);
          g_string_append (out, rd->flags == REL_OR ? " | " : " & ");
          append_dep (r, out, rd->evr);
          g_string_append_c (out, ')');
          return;
        }
      if (rd->flags >= 1 && rd->flags <= 7 && !ISRELDEP (rd->name))
        {
          static const char *const ops[] = { "", ">", "=", ">=", "<", "!=", "<=", "" };
          const char *v = version_of_rank (r, rd->name, rd->evr);
          g_string_append_printf (out, "%s {%s \"%s\"}", pool_id2str (pool, rd->name), ops[rd->flags],
                                  v != NULL ? v : "an unavailable version");
          return;
        }
    }
  g_string_append (out, pool_dep2str (pool, dep));
}

static char *
dep_to_string (MsResolver *r, Id dep)
{
  GString *out = g_string_new (NULL);
  append_dep (r, out, dep);
  return g_string_free (out, FALSE);
}

static char *
solvable_to_string (MsResolver *r, Id p)
{
  const char *v = solvable_version (r, p);
  return g_strdup_printf ("%s.%s", pool_id2str (r->pool, pool_id2solvable (r->pool, p)->name),
                          v != NULL ? v : "?");
}

static char *
goal_to_string (const MsResolveGoal *g)
{
  g_autofree char *vc = g->vc ? ms_opam_vc_to_string (g->vc) : NULL;
  return vc != NULL ? g_strdup_printf ("%s {%s}", g->name, vc) : g_strdup (g->name);
}

static char *
devices_phrase (char **devices)
{
  guint n = devices != NULL ? g_strv_length (devices) : 0;
  g_autofree char *joined = NULL;
  if (n == 0)
    return g_strdup ("the request");
  joined = g_strjoinv (", ", devices);
  return g_strdup_printf ("%s %s", n == 1 ? "device" : "devices", joined);
}

static void
add_unique (GPtrArray *strings, const char *s)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (strings->pdata[i], s))
      return;
  g_ptr_array_add (strings, g_strdup (s));
}

static char **
strv_of (GPtrArray *strings)
{
  GPtrArray *copy = g_ptr_array_new ();
  for (guint i = 0; i < strings->len; i++)
    g_ptr_array_add (copy, g_strdup (strings->pdata[i]));
  g_ptr_array_add (copy, NULL);
  return (char **) g_ptr_array_free (copy, FALSE);
}

/* The goal whose requested package is solvable p's name, or -1. */
static int
goal_of_name (const MsResolveRequest *req, const GPtrArray *extra, const char *name)
{
  for (guint i = 0; i < req->goals->len; i++)
    if (g_str_equal (((MsResolveGoal *) req->goals->pdata[i])->name, name))
      return (int) i;
  for (guint i = 0; extra != NULL && i < extra->len; i++)
    if (g_str_equal (((MsResolveGoal *) extra->pdata[i])->name, name))
      return (int) (req->goals->len + i);
  return -1;
}

static MsResolveProblem *
explain_problem (MsResolver *r, Solver *solv, Id problem, const MsResolveRequest *req,
                 GPtrArray *all_goals, GArray *job_goal)
{
  Pool *pool = r->pool;
  MsResolveProblem *pr = g_new0 (MsResolveProblem, 1);
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hints = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) goals_hit = g_ptr_array_new ();
  Queue rq;
  Id solution;
  guint n_job_rules = 0;

  queue_init (&rq);
  solver_findallproblemrules (solv, problem, &rq);
  for (int i = 0; i < rq.count; i++)
    {
      Id rid = rq.elements[i], source = 0, target = 0, dep = 0;
      SolverRuleinfo type = solver_ruleinfo (solv, rid, &source, &target, &dep);
      g_autofree char *ds = dep ? dep_to_string (r, dep) : NULL;
      gboolean pkg_rule = (type & SOLVER_RULE_TYPEMASK) == SOLVER_RULE_PKG;
      g_autofree char *ss = NULL;
      g_autofree char *ts = NULL;
      char *text = NULL;
      int gi = -1;

      /* only package rules name solvables in source and target */
      if (!pkg_rule || source >= pool->nsolvables)
        source = 0;
      if (!pkg_rule || target >= pool->nsolvables)
        target = 0;
      ss = source > 0 ? solvable_to_string (r, source) : g_strdup ("?");
      ts = target > 0 ? solvable_to_string (r, target) : NULL;
      if ((type & SOLVER_RULE_TYPEMASK) == SOLVER_RULE_JOB)
        {
          int jidx = solver_rule2jobidx (solv, rid);
          if (jidx >= 0 && (guint) jidx / 2 < job_goal->len)
            gi = g_array_index (job_goal, int, jidx / 2);
        }
      if (gi >= 0)
        {
          const MsResolveGoal *g = all_goals->pdata[gi];
          g_autofree char *gs = goal_to_string (g);
          g_autofree char *who = devices_phrase (g->devices);
          for (guint k = 0; g->devices[k] != NULL; k++)
            add_unique (devices, g->devices[k]);
          g_ptr_array_add (goals_hit, (gpointer) g);
          if (type == SOLVER_RULE_JOB_NOTHING_PROVIDES_DEP || type == SOLVER_RULE_JOB_UNKNOWN_PACKAGE)
            text = g_strdup_printf ("%s needs %s, but no available version satisfies it", who, gs);
          else
            text = g_strdup_printf ("%s needs %s", who, gs);
        }
      else
        switch (type)
          {
          case SOLVER_RULE_PKG_NOT_INSTALLABLE:
            text = g_strdup_printf ("%s is not available here", ss);
            break;
          case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
            text = g_strdup_printf ("%s needs %s, but no available version satisfies it", ss, ds);
            break;
          case SOLVER_RULE_PKG_REQUIRES:
            text = g_strdup_printf ("%s needs %s", ss, ds);
            break;
          case SOLVER_RULE_PKG_CONFLICTS:
            if (dep != 0 && g_str_has_prefix (pool_id2str (pool, dep), "conflict-class:"))
              text = g_strdup_printf ("%s and %s are alternatives of one kind (%s): only one can be installed",
                                      ss, ts, pool_id2str (pool, dep) + strlen ("conflict-class:"));
            else
              text = g_strdup_printf ("%s conflicts with %s", ss, ts != NULL ? ts : ds);
            break;
          case SOLVER_RULE_PKG_SAME_NAME:
            text = g_strdup_printf ("only one version of a package can be installed: %s or %s", ss, ts);
            break;
          default:
            text = g_strdup (solver_ruleinfo2str (solv, type, source, target, dep));
            break;
          }
      /* which devices does this rule reach? those asking for the package */
      if (source > 0)
        {
          int g2 = goal_of_name (req, NULL, pool_id2str (pool, pool_id2solvable (pool, source)->name));
          if (g2 >= 0)
            for (guint k = 0; ((MsResolveGoal *) all_goals->pdata[g2])->devices[k] != NULL; k++)
              add_unique (devices, ((MsResolveGoal *) all_goals->pdata[g2])->devices[k]);
        }
      if (text != NULL)
        {
          /* what the devices ask for first, then the chain that leads to the clash */
          if (gi >= 0)
            {
              gboolean seen = FALSE;
              for (guint k = 0; k < rules->len && !seen; k++)
                seen = g_str_equal (rules->pdata[k], text);
              if (!seen)
                g_ptr_array_insert (rules, n_job_rules++, g_strdup (text));
            }
          else
            add_unique (rules, text);
          g_free (text);
        }
    }
  queue_free (&rq);

  /* libsolv's solutions: the ones that drop a goal become edits of the graph */
  for (solution = 1; solution <= (Id) solver_solution_count (solv, problem); solution++)
    {
      Id element = 0, p, rp;
      while ((element = solver_next_solutionelement (solv, problem, solution, element, &p, &rp)) != 0)
        {
          int gi = -1;
          if ((p == SOLVER_SOLUTION_JOB || p == SOLVER_SOLUTION_POOLJOB) && rp >= 0 &&
              (guint) rp / 2 < job_goal->len)
            gi = g_array_index (job_goal, int, rp / 2);
          if (gi >= 0)
            {
              const MsResolveGoal *g = all_goals->pdata[gi];
              g_autofree char *gs = goal_to_string (g);
              g_autofree char *hint = NULL;
              if (g_str_equal (g->name, "ocaml"))
                hint = g_strdup ("pick another OCaml (--ocaml VERSION)");
              else if (g_str_equal (g->name, "mirage"))
                hint = g_strdup ("export for the other Mirage version (--mirage 4.10 or 4.11)");
              else if (g->devices[0] != NULL)
                {
                  g_autofree char *who = g_strjoinv (", ", g->devices);
                  hint = g_strdup_printf ("remove or replace %s (it needs %s)", who, gs);
                }
              else
                hint = g_strdup_printf ("do not ask for %s", gs);
              add_unique (hints, hint);
            }
        }
    }

  {
    g_autofree char *who = NULL;
    g_ptr_array_add (devices, NULL);
    pr->devices = (char **) g_ptr_array_steal (devices, NULL);
    who = devices_phrase (pr->devices);
    if (rules->len > n_job_rules)
      pr->message = g_strdup_printf ("the packages of %s cannot be installed together: %s",
                                     who, (char *) rules->pdata[rules->len - 1]);
    else if (rules->len > 0)
      pr->message = g_strdup_printf ("the packages of %s cannot be installed: %s",
                                     who, (char *) rules->pdata[0]);
    else
      pr->message = g_strdup_printf ("the packages of %s cannot be installed together", who);
  }
  pr->rules = strv_of (rules);
  pr->hints = strv_of (hints);
  return pr;
}

/* The installed providers of dep, through unions and intersections. */
static void
installed_providers (MsResolver *r, Id dep, const guint8 *installed, GArray *out)
{
  Pool *pool = r->pool;
  Id p, pp;
  if (ISRELDEP (dep))
    {
      Reldep *rd = GETRELDEP (pool, dep);
      if (rd->flags == REL_OR || rd->flags == REL_AND)
        {
          installed_providers (r, rd->name, installed, out);
          installed_providers (r, rd->evr, installed, out);
          return;
        }
    }
  FOR_PROVIDES (p, pp, dep)
    if (installed[p])
      g_array_append_val (out, p);
}

static int
compare_resolved (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MsResolvedPackage *const *) a)->name, (*(MsResolvedPackage *const *) b)->name);
}

MsResolution *
ms_resolver_solve (MsResolver *r, const MsResolveRequest *req)
{
  Pool *pool = r->pool;
  MsResolution *res = g_new0 (MsResolution, 1);
  g_autoptr(GPtrArray) all_goals = g_ptr_array_new ();
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func ((GDestroyNotify) goal_free);
  g_autoptr(GArray) job_goal = g_array_new (FALSE, FALSE, sizeof (int));  /* per job (2 ids): goal or -1 */
  Queue job;
  Solver *solv;
  int n_problems;

  res->packages = g_ptr_array_new_with_free_func ((GDestroyNotify) resolved_free);
  res->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  res->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
  res->ocaml = req->ocaml != NULL ? g_strdup (req->ocaml) : ms_resolver_default_ocaml (r);

  for (guint i = 0; i < req->goals->len; i++)
    g_ptr_array_add (all_goals, req->goals->pdata[i]);
  if (res->ocaml != NULL && goal_of_name (req, NULL, "ocaml") < 0)
    {
      g_autofree char *c = g_strdup_printf ("= \"%s\"", res->ocaml);
      MsResolveRequest tmp = { extra, NULL };
      const char *const none[] = { NULL };
      if (ms_resolve_request_add (&tmp, "ocaml", c, none, NULL))
        g_ptr_array_add (all_goals, extra->pdata[extra->len - 1]);
    }

  queue_init (&job);
  for (guint i = 0; i < all_goals->len; i++)
    {
      const MsResolveGoal *g = all_goals->pdata[i];
      int gi = (int) i;
      queue_push2 (&job, SOLVER_INSTALL | SOLVER_SOLVABLE_PROVIDES, version_set (r, g->name, g->vc, FALSE));
      g_array_append_val (job_goal, gi);
    }
  /* opam avoids avoid-version and deprecated versions unless nothing else fits */
  for (guint i = 0; i < r->avoided->len; i++)
    {
      int none = -1;
      queue_push2 (&job, SOLVER_DISFAVOR | SOLVER_SOLVABLE, g_array_index (r->avoided, Id, i));
      g_array_append_val (job_goal, none);
    }

  solv = solver_create (pool);
  solver_set_flag (solv, SOLVER_FLAG_IGNORE_RECOMMENDED, 1);
  n_problems = solver_solve (solv, &job);
  if (n_problems == 0)
    {
      Queue dq;
      guint8 *installed = g_new0 (guint8, pool->nsolvables);
      Id *parent = g_new0 (Id, pool->nsolvables);
      int *device_goal = g_new0 (int, pool->nsolvables);
      GArray *order = g_array_new (FALSE, FALSE, sizeof (Id));
      g_autoptr(GArray) providers = g_array_new (FALSE, FALSE, sizeof (Id));

      queue_init (&dq);
      solver_get_decisionqueue (solv, &dq);
      for (int i = 0; i < dq.count; i++)
        if (dq.elements[i] > 0 && pool_id2solvable (pool, dq.elements[i])->repo == r->repo)
          installed[dq.elements[i]] = 1;
      queue_free (&dq);

      /* breadth first from the requested packages: who brings what */
      for (guint i = 0; i < all_goals->len; i++)
        {
          const MsResolveGoal *g = all_goals->pdata[i];
          GArray *ids = g_hash_table_lookup (r->names, g->name);
          for (guint k = 0; ids != NULL && k < ids->len; k++)
            {
              Id p = g_array_index (ids, Id, k);
              if (installed[p] && parent[p] == 0)
                {
                  parent[p] = -1;
                  device_goal[p] = (int) i;
                  g_array_append_val (order, p);
                }
            }
        }
      for (guint head = 0; head < order->len; head++)
        {
          Id p = g_array_index (order, Id, head);
          Solvable *s = pool_id2solvable (pool, p);
          Id *dp;
          if (!s->requires)
            continue;
          for (dp = s->repo->idarraydata + s->requires; *dp; dp++)
            {
              if (*dp == SOLVABLE_PREREQMARKER)
                continue;
              g_array_set_size (providers, 0);
              installed_providers (r, *dp, installed, providers);
              for (guint k = 0; k < providers->len; k++)
                {
                  Id q = g_array_index (providers, Id, k);
                  if (parent[q] != 0)
                    continue;
                  parent[q] = p;
                  device_goal[q] = device_goal[p];
                  g_array_append_val (order, q);
                }
            }
        }

      for (Id p = 2; p < pool->nsolvables; p++)
        {
          Solvable *s = pool_id2solvable (pool, p);
          MsResolvedPackage *rp;
          const char *sums;
          g_autoptr(GPtrArray) chain = NULL;
          if (!installed[p])
            continue;
          rp = g_new0 (MsResolvedPackage, 1);
          rp->name = g_strdup (pool_id2str (pool, s->name));
          rp->version = g_strdup (solvable_version (r, p));
          sums = solvable_source (r, p);
          if (sums != NULL)
            {
              const char *tab = strchr (sums, '\t');
              rp->url = g_strndup (sums, (gsize) (tab - sums));
              rp->checksums = tab[1] != '\0' ? g_strsplit (tab + 1, " ", -1) : g_new0 (char *, 1);
            }
          else
            rp->checksums = g_new0 (char *, 1);
          rp->flags = (guint) solvable_lookup_num (s, r->key_flags, 0);
          chain = g_ptr_array_new ();
          if (parent[p] != 0)
            {
              const MsResolveGoal *g = all_goals->pdata[device_goal[p]];
              rp->requested = parent[p] == -1;
              rp->device = g_strdup (g->devices[0]);
              for (Id q = p; q > 0; q = parent[q])
                g_ptr_array_insert (chain, 0, g_strdup (pool_id2str (pool, pool_id2solvable (pool, q)->name)));
            }
          g_ptr_array_add (chain, NULL);
          rp->chain = (char **) g_ptr_array_free (g_steal_pointer (&chain), FALSE);
          g_ptr_array_add (res->packages, rp);
        }
      g_ptr_array_sort (res->packages, compare_resolved);
      res->ok = TRUE;
      g_free (installed);
      g_free (parent);
      g_free (device_goal);
      g_array_unref (order);
    }
  else
    {
      for (Id problem = 1; problem <= n_problems; problem++)
        {
          MsResolveProblem *pr;
          if (req->brief)
            {
              pr = g_new0 (MsResolveProblem, 1);
              pr->message = g_strdup ("the requested packages cannot be installed together");
              pr->devices = g_new0 (char *, 1);
              pr->rules = g_new0 (char *, 1);
              pr->hints = g_new0 (char *, 1);
            }
          else
            pr = explain_problem (r, solv, problem, req, all_goals, job_goal);
          MsDiagnostic *d = ms_diagnostic_new (MS_DIAG_RESOLVE_CONFLICT, MS_SEVERITY_ERROR,
                                               pr->devices[0], "%s", pr->message);
          if (pr->devices[0] != NULL && pr->devices[1] != NULL)
            d->related = g_strdupv (pr->devices + 1);
          g_ptr_array_add (res->diagnostics, d);
          g_ptr_array_add (res->problems, pr);
        }
    }
  solver_free (solv);
  queue_free (&job);
  return res;
}
