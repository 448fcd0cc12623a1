/* ms-system-deps.c: the Debian packages the C runtime's devices need, and
 * which of them dpkg has not installed.
 *
 * dpkg's status file and apt's Packages lists are read with libsolvext's
 * Debian reader into one libsolv pool (Debian version order), one repo
 * each. repo_add_debdb keeps every stanza of the status file, so a
 * package counts as installed only when its Status says "installed"
 * (not "deinstall ok config-files"). apt on these machines stores its
 * lists lz4-compressed; libsolv's solv_xfopen knows gzip, xz and zstd
 * but not lz4, and repo_add_debpackages reads no stanza from lz4 bytes
 * without any error. So the compression is told by the file's magic
 * bytes, not its name, and an lz4 list is decompressed on the fly
 * through a stdio cookie (liblz4's frame API over the mapped file), so
 * the 80 MB of Debian's main list are never held in memory at once; the
 * same cookie drops the fields we do not use (see ListReader). A
 * non-empty list that still gives no package is reported, never ignored.
 */
#include "ms-system-deps.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include <lz4frame.h>
#include <solv/evr.h>
#include <solv/pool.h>
#include <solv/repo.h>
#include <solv/repo_deb.h>
#include <solv/solv_xfopen.h>
#include <solv/knownid.h>

/* The one mapping from a runtime library (-lNAME, as the catalog's
 * runtime entries name it) to its Debian development package. The
 * runtime's meson.build finds the same libraries by pkg-config name. */
static const MsSystemLibrary system_libraries[] = {
  { "gnutls", "libgnutls28-dev", "gnutls" },
  { "git2", "libgit2-dev", "libgit2" },
  { "hogweed", "nettle-dev", "hogweed" },
  { "http_parser", "libhttp-parser-dev", NULL },
  { "ldns", "libldns-dev", "ldns" },
  { "nettle", "nettle-dev", "nettle" },
  { "nghttp2", "libnghttp2-dev", "libnghttp2" },
  { "ssh2", "libssh2-1-dev", "libssh2" },
};

const MsSystemLibrary *
ms_system_libraries (guint *n)
{
  *n = G_N_ELEMENTS (system_libraries);
  return system_libraries;
}

const MsSystemLibrary *
ms_system_library_lookup (const char *library)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_libraries); i++)
    if (g_str_equal (system_libraries[i].library, library))
      return &system_libraries[i];
  return NULL;
}

/* ---- reading dpkg and apt ------------------------------------------------------------ */

struct MsSystemPackages {
  Pool *pool;
  GHashTable *installed;    /* name Id -> version Id */
  GHashTable *available;    /* name Id -> Id of the newest version in the lists */
  GPtrArray *lists;         /* MsSystemList* */
  GPtrArray *warnings;      /* char* */
};

static void
list_free (MsSystemList *l)
{
  g_free (l->path);
  g_free (l);
}

void
ms_system_packages_free (MsSystemPackages *sp)
{
  if (sp == NULL)
    return;
  g_hash_table_unref (sp->installed);
  g_hash_table_unref (sp->available);
  g_ptr_array_unref (sp->lists);
  g_ptr_array_unref (sp->warnings);
  pool_free (sp->pool);
  g_free (sp);
}

/* A list as libsolv reads it: the file's bytes (mapped; lz4 frames
 * decompressed, gzip/xz/zstd through libsolv's own reader) with only the
 * fields we use kept. Debian's main list is 80 MB, mostly descriptions,
 * checksums and file names that libsolv would store as attributes; it
 * grows their space a kilobyte at a time, which under AddressSanitizer
 * is quadratic copying (minutes), and costs time and memory in any
 * build. So lines of other fields, and their continuation lines, are
 * dropped on the way (fopencookie). */
typedef struct {
  FILE *inner;                /* gzip, xz, zstd: libsolv's decompressing reader */
  const guint8 *data;         /* otherwise the mapped file */
  gsize len, pos;
  LZ4F_dctx *dctx;            /* lz4: its decoder over data */
  gboolean failed;
  char raw[1 << 16];          /* bytes read, not yet filtered */
  gsize start, end;
  gboolean eof;
  gboolean in_line, keep;     /* inside a line (kept or dropped) */
} ListReader;

static const char *const kept_fields[] = {
  "Package", "Version", "Architecture", "Multi-Arch", "Provides", "Status", "Source", NULL
};

static gssize
source_read (ListReader *r, char *buf, gsize size)
{
  if (r->inner != NULL)
    {
      size_t n = fread (buf, 1, size, r->inner);
      if (n == 0 && ferror (r->inner))
        {
          r->failed = TRUE;
          return -1;
        }
      return (gssize) n;
    }
  if (r->dctx == NULL)
    {
      gsize n = MIN (size, r->len - r->pos);
      if (n == 0)
        return 0;               /* an empty list may come with no data at all */
      memcpy (buf, r->data + r->pos, n);
      r->pos += n;
      return (gssize) n;
    }
  while (r->pos < r->len)
    {
      size_t out = size, in = r->len - r->pos;
      size_t ret = LZ4F_decompress (r->dctx, buf, &out, r->data + r->pos, &in, NULL);
      if (LZ4F_isError (ret))
        {
          r->failed = TRUE;
          return -1;
        }
      r->pos += in;
      if (out > 0)
        return (gssize) out;
    }
  return 0;
}

static gboolean
field_is_kept (const char *line, gsize n)
{
  const char *colon = memchr (line, ':', n);
  gsize len = colon ? (gsize) (colon - line) : n;
  for (guint i = 0; kept_fields[i] != NULL; i++)
    if (strlen (kept_fields[i]) == len && g_ascii_strncasecmp (kept_fields[i], line, len) == 0)
      return TRUE;
  return FALSE;
}

static ssize_t
list_read (void *cookie, char *buf, size_t size)
{
  ListReader *r = cookie;
  size_t out = 0;

  while (out < size)
    {
      const char *line, *nl;
      gsize avail, chunk;

      avail = r->end - r->start;
      /* a new line is judged by its field name: wait for its ':' */
      if (avail == 0 || (!r->in_line && !r->eof && avail < sizeof r->raw
                         && memchr (r->raw + r->start, '\n', avail) == NULL))
        {
          gssize n;
          if (r->eof)
            break;
          memmove (r->raw, r->raw + r->start, avail);
          r->start = 0;
          r->end = avail;
          n = source_read (r, r->raw + r->end, sizeof r->raw - r->end);
          if (n < 0)
            {
              errno = EIO;
              return -1;
            }
          if (n == 0)
            r->eof = TRUE;
          r->end += (gsize) n;
          continue;
        }
      line = r->raw + r->start;
      if (!r->in_line)
        {
          r->in_line = TRUE;
          if (line[0] == ' ' || line[0] == '\t')
            ; /* a continuation keeps its field's verdict */
          else if (line[0] == '\n')
            r->keep = TRUE; /* the blank line between stanzas */
          else
            r->keep = field_is_kept (line, avail);
        }
      nl = memchr (line, '\n', avail);
      chunk = nl ? (gsize) (nl - line) + 1 : avail;
      if (r->keep)
        chunk = MIN (chunk, size - out), memcpy (buf + out, line, chunk), out += chunk;
      r->start += chunk;
      if (nl != NULL && line + chunk == nl + 1)
        r->in_line = FALSE;
    }
  return (ssize_t) out;
}

static int
list_close (void *cookie)
{
  ListReader *r = cookie;
  if (r->dctx != NULL)
    LZ4F_freeDecompressionContext (r->dctx);
  if (r->inner != NULL)
    fclose (r->inner);
  g_free (r);
  return 0;
}

static const char *
sniff_compression (const guint8 *d, gsize n)
{
  if (n >= 4 && d[0] == 0x04 && d[1] == 0x22 && d[2] == 0x4d && d[3] == 0x18)
    return "lz4";
  if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
    return "gzip";
  if (n >= 6 && memcmp (d, "\xfd" "7zXZ\0", 6) == 0)
    return "xz";
  if (n >= 4 && d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd)
    return "zstd";
  return "none";
}

/* Adds the stanzas of one Packages file to repo; the number added, or -1
 * and error. */
static int
add_packages_file (Repo *repo, const char *path, const char **compression, GError **error)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, error);
  cookie_io_functions_t io = { .read = list_read, .close = list_close };
  int before = repo->nsolvables;
  ListReader *r;
  const char *kind;
  gboolean failed;
  FILE *fp;

  if (map == NULL)
    return -1;
  r = g_new0 (ListReader, 1);
  r->data = (const guint8 *) g_mapped_file_get_contents (map);
  r->len = g_mapped_file_get_length (map);
  kind = sniff_compression (r->data, r->len);
  if (compression != NULL)
    *compression = kind;
  if (g_str_equal (kind, "lz4"))
    {
      if (LZ4F_isError (LZ4F_createDecompressionContext (&r->dctx, LZ4F_VERSION)))
        {
          g_free (r);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "%s: cannot start lz4", path);
          return -1;
        }
    }
  else if (!g_str_equal (kind, "none"))
    {
      /* solv_xfopen tells the compression by the name's suffix, which
       * need not match the content: give it a name that does */
      const char *name = g_str_equal (kind, "gzip") ? "list.gz" : g_str_equal (kind, "xz") ? "list.xz" : "list.zst";
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || (r->inner = solv_xfopen_fd (name, fd, "r")) == NULL)
        {
          if (fd >= 0)
            close (fd);
          g_free (r);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: %s-compressed, which this libsolv cannot read", path, kind);
          return -1;
        }
    }
  fp = fopencookie (r, "r", io);
  if (fp == NULL)
    {
      int e = errno;
      list_close (r);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path, g_strerror (e));
      return -1;
    }
  repo_add_debpackages (repo, fp, REPO_REUSE_REPODATA | REPO_NO_INTERNALIZE);
  failed = r->failed;
  fclose (fp);
  if (failed)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: damaged %s data", path, kind);
      return -1;
    }
  return repo->nsolvables - before;
}

int
ms_system_count_packages (const char *path, const char **compression, GError **error)
{
  Pool *pool = pool_create ();
  Repo *repo;
  int n;

  pool_setdisttype (pool, DISTTYPE_DEB);
  repo = repo_create (pool, "list");
  n = add_packages_file (repo, path, compression, error);
  pool_free (pool);
  return n;
}

static gboolean
is_packages_list (const char *name)
{
  static const char *const suffixes[] = { "_Packages", "_Packages.lz4", "_Packages.gz",
                                          "_Packages.xz", "_Packages.zst", NULL };
  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (name, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
read_lists (MsSystemPackages *sp, const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Repo *repo;
  const char *name;

  if (d == NULL)
    {
      g_ptr_array_add (sp->warnings, g_strdup_printf ("%s: no apt lists (apt-get update?)", dir));
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_packages_list (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  repo = repo_create (sp->pool, "apt");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autoptr(GError) error = NULL;
      const char *kind = "none";
      int n = add_packages_file (repo, path, &kind, &error);
      MsSystemList *l;
      GStatBuf st;

      if (n < 0)
        {
          g_ptr_array_add (sp->warnings, g_strdup (error->message));
          continue;
        }
      l = g_new0 (MsSystemList, 1);
      l->path = g_steal_pointer (&path);
      l->compression = kind;
      l->n_packages = (guint) n;
      g_ptr_array_add (sp->lists, l);
      if (n == 0 && g_stat (l->path, &st) == 0 && st.st_size > 0)
        g_ptr_array_add (sp->warnings,
                         g_strdup_printf ("%s: no package read from %lld bytes (%s data)",
                                          l->path, (long long) st.st_size, kind));
    }
  repo_internalize (repo);
  if (names->len == 0)
    g_ptr_array_add (sp->warnings, g_strdup_printf ("%s: no Packages list (apt-get update?)", dir));

  /* the newest version of each name */
  for (Id p = repo->start; p < repo->end; p++)
    {
      Solvable *s = pool_id2solvable (sp->pool, p);
      Id old;
      if (s->repo != repo)
        continue;
      old = GPOINTER_TO_INT (g_hash_table_lookup (sp->available, GINT_TO_POINTER (s->name)));
      if (old == 0 || pool_evrcmp (sp->pool, s->evr, old, EVRCMP_COMPARE) > 0)
        g_hash_table_replace (sp->available, GINT_TO_POINTER (s->name), GINT_TO_POINTER (s->evr));
    }
}

MsSystemPackages *
ms_system_packages_open (const char *root, gboolean lists, GError **error)
{
  g_autoptr(MsSystemPackages) sp = g_new0 (MsSystemPackages, 1);
  g_autofree char *status = g_build_filename (root ? root : "/", "var/lib/dpkg/status", NULL);
  Repo *repo;

  sp->pool = pool_create ();
  pool_setdisttype (sp->pool, DISTTYPE_DEB);
  /* Ids, not strings: the pool's string space moves as it grows */
  sp->installed = g_hash_table_new (NULL, NULL);
  sp->available = g_hash_table_new (NULL, NULL);
  sp->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) list_free);
  sp->warnings = g_ptr_array_new_with_free_func (g_free);

  pool_set_rootdir (sp->pool, root ? root : "/");
  repo = repo_create (sp->pool, "dpkg");
  if (repo_add_debdb (repo, REPO_USE_ROOTDIR) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "cannot read dpkg's status (%s): %s", status, pool_errstr (sp->pool));
      return NULL;
    }
  for (Id p = repo->start; p < repo->end; p++)
    {
      Solvable *s = pool_id2solvable (sp->pool, p);
      const char *st;
      if (s->repo != repo)
        continue;
      /* "install ok installed", "hold ok installed"; not "deinstall ok config-files" */
      st = solvable_lookup_str (s, SOLVABLE_INSTALLSTATUS);
      if (st == NULL || !g_str_has_suffix (st, " installed"))
        continue;
      g_hash_table_replace (sp->installed, GINT_TO_POINTER (s->name), GINT_TO_POINTER (s->evr));
    }
  if (lists)
    {
      g_autofree char *dir = g_build_filename (root ? root : "/", "var/lib/apt/lists", NULL);
      read_lists (sp, dir);
    }
  return g_steal_pointer (&sp);
}

guint
ms_system_packages_n_installed (MsSystemPackages *sp)
{
  return g_hash_table_size (sp->installed);
}

guint
ms_system_packages_n_available (MsSystemPackages *sp)
{
  guint n = 0;
  for (guint i = 0; i < sp->lists->len; i++)
    n += ((MsSystemList *) sp->lists->pdata[i])->n_packages;
  return n;
}

/* The version a table holds for name; the pool's strings stay put once
 * it is read (lookups add none). */
static const char *
lookup_version (MsSystemPackages *sp, GHashTable *table, const char *name)
{
  Id id = pool_str2id (sp->pool, name, 0);
  Id evr = id ? GPOINTER_TO_INT (g_hash_table_lookup (table, GINT_TO_POINTER (id))) : 0;
  return evr ? pool_id2str (sp->pool, evr) : NULL;
}

const char *
ms_system_packages_installed (MsSystemPackages *sp, const char *name)
{
  return lookup_version (sp, sp->installed, name);
}

const char *
ms_system_packages_candidate (MsSystemPackages *sp, const char *name)
{
  return lookup_version (sp, sp->available, name);
}

GPtrArray *
ms_system_packages_lists (MsSystemPackages *sp)
{
  return sp->lists;
}

GPtrArray *
ms_system_packages_warnings (MsSystemPackages *sp)
{
  return sp->warnings;
}

/* ---- a graph's needs ----------------------------------------------------------------- */

GHashTable *
ms_system_libraries_of_graph (MsEvalGraph *graph)
{
  g_autoptr(GHashTable) sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_ptr_array_unref);
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  GHashTableIter it;
  gpointer key, value;

  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const MsEvalNode *n = graph->nodes->pdata[i];
      const char *device;
      if (!n->reachable || n->ctor == NULL || n->ctor->runtime == NULL)
        continue;
      device = n->device ? n->device : n->ctor->name;
      for (guint k = 0; n->ctor->runtime->libraries[k] != NULL; k++)
        {
          const char *lib = n->ctor->runtime->libraries[k];
          GPtrArray *devs = g_hash_table_lookup (sets, lib);
          if (devs == NULL)
            {
              devs = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (sets, g_strdup (lib), devs);
            }
          if (!g_ptr_array_find_with_equal_func (devs, device, g_str_equal, NULL))
            g_ptr_array_add (devs, g_strdup (device));
        }
    }
  g_hash_table_iter_init (&it, sets);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      GPtrArray *devs = value;
      g_ptr_array_sort (devs, compare_strings);
      g_ptr_array_set_free_func (devs, NULL);
      g_ptr_array_add (devs, NULL);
      g_hash_table_insert (out, g_strdup (key), g_ptr_array_free (devs, FALSE));
      g_hash_table_iter_steal (&it);
      g_free (key);
    }
  return out;
}

static void
need_free (MsSystemNeed *n)
{
  g_free (n->library);
  g_free (n->package);
  g_strfreev (n->devices);
  g_free (n->installed);
  g_free (n->candidate);
  g_free (n);
}

void
ms_system_check_free (MsSystemCheck *check)
{
  if (check == NULL)
    return;
  g_ptr_array_unref (check->needs);
  g_free (check->install_command);
  g_free (check);
}

MsSystemCheck *
ms_system_deps_check (MsSystemPackages *sp, MsEvalGraph *graph, const char *const *libraries)
{
  g_autoptr(GHashTable) by_lib = graph ? ms_system_libraries_of_graph (graph) : NULL;
  g_autoptr(GPtrArray) libs = g_ptr_array_new ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  MsSystemCheck *check = g_new0 (MsSystemCheck, 1);

  check->needs = g_ptr_array_new_with_free_func ((GDestroyNotify) need_free);
  if (libraries != NULL)
    for (guint i = 0; libraries[i] != NULL; i++)
      g_ptr_array_add (libs, (char *) libraries[i]);
  else if (by_lib != NULL)
    {
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, by_lib);
      while (g_hash_table_iter_next (&it, &key, NULL))
        g_ptr_array_add (libs, key);
    }
  g_ptr_array_sort (libs, compare_strings);

  for (guint i = 0; i < libs->len; i++)
    {
      const char *lib = libs->pdata[i];
      const MsSystemLibrary *entry = ms_system_library_lookup (lib);
      char **devices = by_lib ? g_hash_table_lookup (by_lib, lib) : NULL;
      MsSystemNeed *n = g_new0 (MsSystemNeed, 1);

      n->library = g_strdup (lib);
      n->package = entry ? g_strdup (entry->package) : NULL;
      n->devices = devices ? g_strdupv (devices) : g_new0 (char *, 1);
      n->installed = entry ? g_strdup (ms_system_packages_installed (sp, entry->package)) : NULL;
      n->candidate = entry ? g_strdup (ms_system_packages_candidate (sp, entry->package)) : NULL;
      n->missing = entry == NULL || n->installed == NULL;
      g_ptr_array_add (check->needs, n);
      if (n->missing && n->package != NULL
          && !g_ptr_array_find_with_equal_func (missing, n->package, g_str_equal, NULL))
        g_ptr_array_add (missing, n->package);
    }
  check->ok = TRUE;
  for (guint i = 0; i < check->needs->len; i++)
    check->ok = check->ok && !((MsSystemNeed *) check->needs->pdata[i])->missing;
  if (missing->len > 0)
    {
      g_ptr_array_add (missing, NULL);
      g_autofree char *list = g_strjoinv (" ", (char **) missing->pdata);
      check->install_command = g_strconcat ("apt-get install --no-install-recommends ", list, NULL);
    }
  return check;
}

char *
ms_system_check_message (const MsSystemCheck *check)
{
  GString *s;
  gboolean first = TRUE;

  if (check->ok)
    return NULL;
  s = g_string_new ("the C runtime needs Debian packages that are not installed: ");
  for (guint i = 0; i < check->needs->len; i++)
    {
      const MsSystemNeed *n = check->needs->pdata[i];
      g_autofree char *devs = g_strjoinv (", ", n->devices);
      if (!n->missing)
        continue;
      if (!first)
        g_string_append (s, "; ");
      first = FALSE;
      if (n->package == NULL)
        g_string_append_printf (s, "no Debian package is known for -l%s", n->library);
      else
        g_string_append_printf (s, "%s (-l%s", n->package, n->library);
      if (n->devices[0] != NULL)
        g_string_append_printf (s, "%sfor %s", n->package ? ", " : " (", devs);
      if (n->package != NULL || n->devices[0] != NULL)
        g_string_append_c (s, ')');
    }
  if (check->install_command != NULL)
    g_string_append_printf (s, "; install them with: %s", check->install_command);
  return g_string_free (s, FALSE);
}
