/* mstudio-build.c: `mstudio build`, `mstudio run` and
 * `mstudio export --format c-skeleton` (docs/build.md).
 *
 * A build evaluates the project for unix, generates main.c and
 * unikernel.h (codegen/ms-cgen.c) into the output directory, and
 * compiles them with the user's unikernel.c against the bundled runtime
 * with the system C compiler, run through g_spawn with an argument
 * vector (no shell ever sees a project string). The compiler's messages
 * are passed on as the project's diagnostics: those about the user's
 * file keep its FILE:LINE:COL, those about generated code name the
 * graph device the line comes from. A stamp file in the output
 * directory holds a hash of everything the binary depends on (generated
 * files, source, runtime libraries, compiler command), so an unchanged
 * project rebuilds nothing.
 *
 * Two things follow the graph: a directory a device embeds (crunch) is
 * read here and written as embed.c (its bytes are in the hash, so a
 * changed file rebuilds), and what the devices' runtime entries name is
 * linked only when the graph has such a device: their `archives`, the
 * runtime's parts (libmirage-runtime-NAME.a), and their `libraries`,
 * the system libraries (-lNAME). The two lists are the catalog's, one
 * per device: an archive is not derived from a library's name.
 *
 * -t sandbox builds the unikernel as DIR/NAME.unikernel and DIR/NAME as
 * its launcher (launch.c, generated here from the graph's devices and
 * their paths: runtime/include/mirage/launch.h), compiled from the
 * runtime alone, so no code of the unikernel's runs before it confines
 * the process.
 */
#include "mstudio-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-cgen.h"
#include "ms-escape.h"
#include "ms-config.h"
#include "ms-eval.h"
#include "ms-export.h"
#include "ms-import.h"
#include "ms-paths.h"

#include "mirage/sandbox.h"

#define STAMP_FILE ".mstudio-build-stamp"

/* ---- where the runtime is ------------------------------------------------- */

/* MSTUDIO_RUNTIME_DIR (with include/ and libmirage-runtime.a), else the
 * build tree this mstudio was built in (uninstalled use, tests). */
static gboolean
find_runtime (char **include_dir, char **library, GError **error)
{
  const char *env = g_getenv ("MSTUDIO_RUNTIME_DIR");
  g_autofree char *source_root = g_path_get_dirname (MS_SOURCE_DATADIR);

  if (env != NULL && *env != '\0')
    {
      *include_dir = g_build_filename (env, "include", NULL);
      *library = g_build_filename (env, "libmirage-runtime.a", NULL);
    }
  else
    {
      *include_dir = g_build_filename (source_root, "runtime", "include", NULL);
      *library = g_build_filename (MS_BUILD_ROOT, "runtime", "libmirage-runtime.a", NULL);
    }
  if (g_file_test (*library, G_FILE_TEST_IS_REGULAR)
      && g_file_test (*include_dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
               "cannot find the C runtime (%s); build it (ninja) or set MSTUDIO_RUNTIME_DIR",
               *library);
  g_clear_pointer (include_dir, g_free);
  g_clear_pointer (library, g_free);
  return FALSE;
}

/* ---- generation ----------------------------------------------------------- */

typedef struct {
  MsEvalGraph *graph;
  GHashTable *runtime;
  MsDocument *rebased;
} Prepared;

static void
prepared_clear (Prepared *p)
{
  g_clear_pointer (&p->graph, ms_eval_graph_free);
  g_clear_pointer (&p->runtime, g_hash_table_unref);
  g_clear_object (&p->rebased);
}

/* Opens and evaluates path for the C runtime; on failure reports and
 * returns the exit code. */
static int
prepare (const char *path, Prepared *p)
{
  g_autoptr(MsDocument) doc = NULL;
  g_autoptr(MsCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  int code = CLI_EXIT_OK;

  if (!(doc = cli_open (path, &code)) || !(catalog = cli_catalog (&code)))
    return code;
  p->rebased = ms_export_prepare (doc, catalog, MS_EXPORT_FLAGS_NONE, &error);
  if (p->rebased == NULL)
    {
      cli_error (path, "cannot build: %s", error->message);
      return CLI_EXIT_ERRORS;
    }
  p->runtime = ms_cgen_runtime_load (catalog);
  p->graph = ms_eval (p->rebased, "unix");
  return CLI_EXIT_OK;
}

static gboolean
write_if_changed (const char *file, const char *text, GError **error)
{
  g_autofree char *old = NULL;

  if (g_file_get_contents (file, &old, NULL, NULL) && g_str_equal (old, text))
    return TRUE;
  return ms_export_write_file (file, text, TRUE, error);
}

/* ---- reading inputs ---------------------------------------------------------- */

/* The unikernel's source is read as import reads a config.ml: a regular
 * file of at most MS_IMPORT_MAX_INPUT bytes. The checks are made on the
 * open descriptor (O_NONBLOCK: opening a FIFO does not wait for a
 * writer), so a device (/dev/zero), a FIFO or a huge file is refused
 * before anything is read, and a file that grows while it is read stops
 * at the bound. FALSE with *error set (G_FILE_ERROR_INVAL for "not a
 * regular file", G_FILE_ERROR_FAILED for "too large"). */
static gboolean
read_source_file (const char *path, char **text, gsize *len, GError **error)
{
  g_autofree char *shown = g_strescape (path, NULL);
  g_autofree char *buf = NULL;
  struct stat st;
  gsize n = 0;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot read %s: %s", shown, g_strerror (e));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not a regular file (devices, FIFOs and directories are not read)", shown);
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > MS_IMPORT_MAX_INPUT)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s is larger than %u bytes (%" G_GUINT64_FORMAT " bytes), the limit for a source file",
                   shown, MS_IMPORT_MAX_INPUT, (guint64) st.st_size);
      close (fd);
      return FALSE;
    }
  buf = g_malloc ((gsize) st.st_size + 1);
  for (;;)
    {
      gsize want = (gsize) st.st_size + 1 - n;
      ssize_t r;
      if (want == 0)
        {
          /* it grew past its size: read on within the bound */
          if (n > MS_IMPORT_MAX_INPUT)
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                           "%s is larger than %u bytes, the limit for a source file", shown, MS_IMPORT_MAX_INPUT);
              close (fd);
              return FALSE;
            }
          st.st_size = (off_t) MIN ((gsize) st.st_size * 2 + 1, (gsize) MS_IMPORT_MAX_INPUT + 1);
          buf = g_realloc (buf, (gsize) st.st_size + 1);
          continue;
        }
      r = read (fd, buf + n, want);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot read %s: %s", shown, g_strerror (e));
          close (fd);
          return FALSE;
        }
      if (r == 0)
        break;
      n += (gsize) r;
    }
  close (fd);
  buf[n] = '\0';
  *text = g_steal_pointer (&buf);
  *len = n;
  return TRUE;
}

/* ---- embedded directories (crunch) ------------------------------------------ */

typedef struct {
  char *key;       /* "dir/file", relative to the embedded directory */
  char *path;      /* on the host */
  gsize len;
} EmbedFile;

static void
embed_file_free (gpointer p)
{
  EmbedFile *f = p;

  g_free (f->key);
  g_free (f->path);
  g_free (f);
}

static int
compare_embed_files (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(EmbedFile * const *) a)->key, (*(EmbedFile * const *) b)->key);
}

static gboolean
path_is_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/' || g_str_equal (dir, "/"));
}

/* Collects the files under real_root/rel into files; symbolic links are
 * followed to regular files inside real_root only. */
static gboolean
embed_walk (const char *label, const char *real_root, const char *rel, GPtrArray *files, GError **error)
{
  g_autofree char *dir_path = *rel ? g_build_filename (real_root, rel, NULL) : g_strdup (real_root);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, error);
  const char *name;

  if (dir == NULL)
    {
      g_prefix_error (error, "device %s: ", label);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *key = *rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
      g_autofree char *path = g_build_filename (real_root, key, NULL);
      g_autofree char *shown = g_strescape (path, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "device %s: %s: %s",
                       label, shown, g_strerror (e));
          return FALSE;
        }
      if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = realpath (path, NULL);
          if (target == NULL || !path_is_under (target, real_root))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                           "device %s: %s is a symbolic link leaving the embedded directory %s",
                           label, shown, real_root);
              return FALSE;
            }
          if (g_stat (target, &st) != 0 || !S_ISREG (st.st_mode))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                           "device %s: %s is a symbolic link to something other than a file "
                           "(only links to files are followed)", label, shown);
              return FALSE;
            }
        }
      if (S_ISDIR (st.st_mode))
        {
          if (!embed_walk (label, real_root, key, files, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          EmbedFile *f = g_new0 (EmbedFile, 1);
          f->key = g_steal_pointer (&key);
          f->path = g_steal_pointer (&path);
          g_ptr_array_add (files, f);
        }
      else
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                       "device %s: %s is neither a file nor a directory", label, shown);
          return FALSE;
        }
    }
  return TRUE;
}

/* Appends @len bytes as C string literals, 64 bytes a line: printable
 * ASCII as itself, the rest (and ", \\ and ?, which could start a
 * trigraph) as three-digit octal escapes, which no following digit can
 * extend. Linear, and sized once. */
static void
append_c_bytes (GString *c, const guchar *data, gsize len)
{
  static const char hex[] = "01234567";
  gsize start = c->len;
  char *o;

  g_string_set_size (c, start + len * 4 + (len / 64 + 1) * 6 + 8);
  o = c->str + start;
  *o++ = ' ';
  *o++ = ' ';
  *o++ = '"';
  for (gsize k = 0; k < len; k++)
    {
      guchar b = data[k];
      if (k > 0 && k % 64 == 0)
        {
          memcpy (o, "\"\n  \"", 5);
          o += 5;
        }
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\' && b != '?')
        *o++ = (char) b;
      else
        {
          *o++ = '\\';
          *o++ = hex[(b >> 6) & 7];
          *o++ = hex[(b >> 3) & 7];
          *o++ = hex[b & 7];
        }
    }
  *o++ = '"';
  g_string_truncate (c, (gsize) (o - c->str));
}

/* Appends e's directory (relative to project_dir) to c as one string
 * literal per file and a sorted mirage_crunch_index named e->symbol;
 * adds the bytes embedded to *total. */
static gboolean
embed_directory (const char *project_dir, const MsCgenEmbed *e, GString *c, guint64 *total, GError **error)
{
  g_autofree char *real_project = realpath (project_dir, NULL);
  g_autofree char *joined = g_build_filename (project_dir, e->dir, NULL);
  g_autofree char *real_root = NULL;
  g_autofree char *shown = g_strescape (e->dir, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (embed_file_free);

  if (real_project == NULL || g_path_is_absolute (e->dir))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   "device %s: the directory to embed (%s) must be relative to the project's directory",
                   e->label, shown);
      return FALSE;
    }
  real_root = realpath (joined, NULL);
  if (real_root == NULL)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "device %s: cannot embed the directory %s: %s", e->label, shown, g_strerror (err));
      return FALSE;
    }
  if (!path_is_under (real_root, real_project))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   "device %s: the directory to embed (%s) leaves the project's directory %s",
                   e->label, shown, real_project);
      return FALSE;
    }
  if (!g_file_test (real_root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   "device %s: %s is not a directory", e->label, shown);
      return FALSE;
    }
  if (!embed_walk (e->label, real_root, "", files, error))
    return FALSE;
  g_ptr_array_sort (files, compare_embed_files);

  g_string_append_printf (c, "\n/* %s */\n", e->symbol);
  for (guint i = 0; i < files->len; i++)
    {
      EmbedFile *f = files->pdata[i];
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (f->path, &data, &len, error))
        {
          g_prefix_error (error, "device %s: ", e->label);
          return FALSE;
        }
      /* one string literal per file, not an initializer of one element
       * per byte: the compiler keeps a literal as one object, where a
       * 20 MB array of constants took it 56 s and ~3 GB (docs/build.md) */
      g_string_append_printf (c, "static const unsigned char %s_%u[%" G_GSIZE_FORMAT " + 1] =\n",
                              e->symbol, i, len);
      append_c_bytes (c, (const guchar *) data, len);
      g_string_append (c, ";\n");
      f->len = len;
      *total += len;
    }
  if (files->len > 0)
    {
      g_string_append_printf (c, "static const mirage_crunch_file %s_files[] = {\n", e->symbol);
      for (guint i = 0; i < files->len; i++)
        {
          const EmbedFile *f = files->pdata[i];
          g_autofree char *key = ms_escape_c_string (f->key);
          g_string_append_printf (c, "  { %s, %s_%u, %" G_GSIZE_FORMAT " },\n", key, e->symbol, i, f->len);
        }
      g_string_append (c, "};\n");
      g_string_append_printf (c, "const mirage_crunch_index %s = { %s_files, %u };\n",
                              e->symbol, e->symbol, files->len);
    }
  else
    g_string_append_printf (c, "const mirage_crunch_index %s = { 0, 0 };\n", e->symbol);
  return TRUE;
}

/* Past this many bytes embedded by one device, build warns: the
 * unikernel carries them in its binary and its memory. */
#define EMBED_WARN_BYTES (16u * 1024u * 1024u)

/* embed.c for gen's embedded directories, or NULL (and *error unset) when there are none. */
static char *
embed_source (const char *path, const char *project_dir, const MsCgenOutput *gen, GError **error)
{
  g_autoptr(GString) c = NULL;

  if (gen->embeds == NULL || gen->embeds->len == 0)
    return NULL;
  c = g_string_new ("/* embed.c: generated by mstudio build from the directories the device\n"
                    " * graph embeds (crunch); do not edit. */\n"
                    "#include \"mirage/kv_ro.h\"\n");
  for (guint i = 0; i < gen->embeds->len; i++)
    {
      const MsCgenEmbed *e = gen->embeds->pdata[i];
      guint64 total = 0;
      if (!embed_directory (project_dir, e, c, &total, error))
        return NULL;
      if (total > EMBED_WARN_BYTES)
        {
          cli_warning (path, "device %s embeds %.1f MiB (more than %u MiB) in the unikernel's binary and memory; "
                       "a direct_kv_ro reads such files from the host instead", e->label,
                       (double) total / (1024.0 * 1024.0), EMBED_WARN_BYTES / (1024u * 1024u));
        }
    }
  return g_string_free (g_steal_pointer (&c), FALSE);
}

/* ---- compiler messages ------------------------------------------------------- */

/* "FILE:LINE:COL: KIND: MESSAGE" split; FALSE for other lines. */
static gboolean
parse_diagnostic (const char *line, char **file, guint *lnum, guint *col, const char **rest)
{
  const char *p = line;

  /* the file name ends at the first ":<digits>:" */
  while ((p = strchr (p, ':')) != NULL)
    {
      char *end;
      guint64 l = g_ascii_strtoull (p + 1, &end, 10);

      if (end != p + 1 && *end == ':')
        {
          char *end2;
          guint64 c = g_ascii_strtoull (end + 1, &end2, 10);

          *file = g_strndup (line, p - line);
          *lnum = (guint) l;
          *col = end2 != end + 1 && *end2 == ':' ? (guint) c : 0;
          *rest = (*col ? end2 : end) + 1;
          while (**rest == ' ')
            (*rest)++;
          return TRUE;
        }
      p++;
    }
  return FALSE;
}

static void
report_compiler (const char *project, const char *source, const char *outdir,
                 const MsCgenOutput *gen, const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autofree char *source_abs = g_canonicalize_filename (source, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autofree char *file = NULL;
      g_autofree char *file_abs = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *base = NULL;
      const char *rest;
      guint lnum, col;

      if (*line == '\0' || strstr (line, "In function") != NULL
          || g_str_has_prefix (line, "collect2:") || strstr (line, "In file included from") != NULL
          || g_str_has_prefix (line, "                 from "))
        continue;
      if (!parse_diagnostic (line, &file, &lnum, &col, &rest))
        {
          /* linker and driver messages */
          cli_error (project, "%s", line);
          continue;
        }
      file_abs = g_canonicalize_filename (file, NULL);
      dir = g_path_get_dirname (file_abs);
      base = g_path_get_basename (file_abs);
      if (g_str_equal (file_abs, source_abs))
        cli_error (project, "%s:%u:%u: %s", source, lnum, col, rest);
      else if (g_str_equal (dir, outdir) && (g_str_equal (base, "main.c") || g_str_equal (base, "unikernel.h")))
        {
          const char *device = ms_cgen_output_device_at (gen, base, lnum);
          if (device != NULL)
            cli_error (project, "device %s: generated %s:%u:%u: %s", device, file, lnum, col, rest);
          else
            cli_error (project, "generated %s:%u:%u: %s", file, lnum, col, rest);
        }
      else
        cli_error (project, "%s", line);
    }
}

/* ---- build ---------------------------------------------------------------------- */

static char *
hash_inputs (const MsCgenOutput *gen, const char *source_text, gsize source_len,
             const char *lib, gsize lib_len, const char *embed_c, const char *launch_c,
             GPtrArray *extra_libs, char **argv)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (launch_c != NULL)
    g_checksum_update (sum, (const guchar *) launch_c, -1);
  g_checksum_update (sum, (const guchar *) "\0", 1);

  /* the embedded directories' bytes (so a changed file rebuilds), and the
   * archives of the libraries the graph links */
  if (embed_c != NULL)
    g_checksum_update (sum, (const guchar *) embed_c, -1);
  g_checksum_update (sum, (const guchar *) "\0", 1);
  for (guint i = 0; i < extra_libs->len; i++)
    {
      g_autofree char *bytes = NULL;
      gsize len = 0;
      GStatBuf st;
      if (g_file_get_contents (extra_libs->pdata[i], &bytes, &len, NULL))
        g_checksum_update (sum, (const guchar *) bytes, (gssize) len);
      if (g_stat (extra_libs->pdata[i], &st) == 0)
        {
          g_autofree char *t = g_strdup_printf ("%lld", (long long) st.st_mtime);
          g_checksum_update (sum, (const guchar *) t, -1);
        }
    }

  g_checksum_update (sum, (const guchar *) gen->main_c, -1);
  g_checksum_update (sum, (const guchar *) "\0", 1);
  g_checksum_update (sum, (const guchar *) gen->unikernel_h, -1);
  g_checksum_update (sum, (const guchar *) "\0", 1);
  g_checksum_update (sum, (const guchar *) source_text, (gssize) source_len);
  g_checksum_update (sum, (const guchar *) "\0", 1);
  g_checksum_update (sum, (const guchar *) lib, (gssize) lib_len);
  for (guint i = 0; argv[i]; i++)
    g_checksum_update (sum, (const guchar *) argv[i], (gssize) strlen (argv[i]) + 1);
  return g_strdup (g_checksum_get_string (sum));
}

/* launch.c for -t sandbox: the launcher (runtime/include/mirage/launch.h)
 * with the graph's devices, in connect order, and the path each
 * profile confines (the value of its path option). */
static char *
launch_source (const Prepared *p, const char *unikernel_name)
{
  g_autoptr(GPtrArray) devices = ms_cgen_sandbox_devices (p->graph, p->runtime);
  g_autoptr(GString) c = g_string_new (NULL);
  g_autofree char *name = ms_escape_c_string (p->graph->app_name);
  g_autofree char *uni = ms_escape_c_string (unikernel_name);

  g_string_append (c, "/* launch.c: generated by mstudio build -t sandbox; do not edit. The\n"
                      " * launcher confines itself (Landlock, seccomp) and then execs the\n"
                      " * unikernel, so none of the unikernel's code runs unconfined. */\n"
                      "#include \"mirage/launch.h\"\n\n"
                      "static const mirage_launch_device devices[] = {\n");
  for (guint i = 0; i < devices->len; i++)
    {
      const MsCgenSandboxDevice *d = devices->pdata[i];
      const mirage_sandbox_profile *prof = mirage_sandbox_profile_find (d->profile);
      const char *path = NULL;
      g_autofree char *ctor = ms_escape_c_string (d->profile);
      if (prof != NULL && prof->path_option != NULL)
        path = ms_eval_node_get_option (ms_eval_graph_get_node (p->graph, d->id), prof->path_option);
      if (path != NULL)
        {
          g_autofree char *v = ms_escape_c_string (path);
          g_string_append_printf (c, "  { %s, %s },\n", ctor, v);
        }
      else
        g_string_append_printf (c, "  { %s, 0 },\n", ctor);
    }
  g_string_append (c, "  { 0, 0 }\n};\n\n");
  g_string_append_printf (c, "int\nmain (int argc, char **argv)\n{\n"
                             "  static const mirage_launch_spec spec = { %s, %s, devices, %u };\n\n"
                             "  return mirage_launch (&spec, argc, argv);\n}\n",
                          name, uni, devices->len);
  return g_string_free (g_steal_pointer (&c), FALSE);
}

/* Runs the compiler with argv; reports its messages. FALSE on failure. */
static gboolean
run_compiler (const char *path, const char *source, const char *outdir, const MsCgenOutput *gen,
              GPtrArray *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err_text, &status, &error))
    {
      cli_error (path, "cannot build: cannot run the C compiler: %s", error->message);
      return FALSE;
    }
  report_compiler (path, source, outdir, gen, err_text);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      cli_error (path, "cannot build: the C compiler failed");
      return FALSE;
    }
  return TRUE;
}

/* Builds path into outdir; *exe receives the binary's path. */
static int
build (const char *path, const char *outdir_arg, const char *source_arg, MsCgenTarget target,
       gboolean quiet, char **exe)
{
  Prepared p = { 0 };
  g_autoptr(MsCgenOutput) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *project_dir = g_path_get_dirname (path);
  g_autofree char *outdir = NULL;
  g_autofree char *source = NULL;
  g_autofree char *source_text = NULL;
  g_autofree char *include_dir = NULL;
  g_autofree char *library = NULL;
  g_autofree char *main_c = NULL, *unikernel_h = NULL, *stamp = NULL, *tmp = NULL;
  g_autofree char *hash = NULL, *old_hash = NULL;
  g_autofree char *include_out = NULL, *include_rt = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *lib = NULL;
  g_autofree char *sanitize = NULL;
  g_autofree char *embed_c = NULL, *embed_text = NULL;
  g_autofree char *unikernel_exe = NULL, *launch_c = NULL, *launch_text = NULL;
  g_autoptr(GPtrArray) extra_libs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) link_flags = g_ptr_array_new_with_free_func (g_free);
  gsize source_len = 0, lib_len = 0;
  int code;

  if ((code = prepare (path, &p)) != CLI_EXIT_OK)
    {
      prepared_clear (&p);
      return code;
    }
  gen = ms_cgen_generate_for (p.graph, p.runtime, path, target, &error);
  if (gen == NULL)
    {
      cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  /* the Debian packages of the libraries the graph links, before any
   * compiler error about their headers (mstudio-deps.c) */
  {
    g_autoptr(GPtrArray) libs = g_ptr_array_new ();   /* borrowed strings */
    for (guint i = 0; i < gen->libraries->len; i++)
      g_ptr_array_add (libs, gen->libraries->pdata[i]);
    g_ptr_array_add (libs, NULL);
    if (!cli_system_deps_ok (path, p.graph, (const char *const *) libs->pdata))
      {
        prepared_clear (&p);
        return CLI_EXIT_ERRORS;
      }
  }
  source = source_arg ? g_strdup (source_arg) : g_build_filename (project_dir, "unikernel.c", NULL);
  if (!read_source_file (source, &source_text, &source_len, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_INVAL))
        {
          cli_error (path, "cannot build: %s", error->message);
          prepared_clear (&p);
          return CLI_EXIT_USAGE;
        }
      if (source_arg == NULL && g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        cli_error (path, "cannot build: no unikernel.c next to the project (%s); "
                   "`mstudio export P --format c-skeleton -o DIR` writes one, or give --source FILE",
                   error->message);
      else
        cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (!find_runtime (&include_dir, &library, &error))
    {
      cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (g_mkdir_with_parents (outdir_arg, 0755) != 0)
    {
      int e = errno;
      cli_error (path, "cannot build: cannot create %s: %s", outdir_arg, g_strerror (e));
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  outdir = g_canonicalize_filename (outdir_arg, NULL);
  main_c = g_build_filename (outdir, "main.c", NULL);
  unikernel_h = g_build_filename (outdir, "unikernel.h", NULL);
  stamp = g_build_filename (outdir, STAMP_FILE, NULL);
  *exe = g_build_filename (outdir, p.graph->app_name, NULL);
  /* -t sandbox: DIR/NAME is the launcher, the unikernel DIR/NAME.unikernel */
  if (target == MS_CGEN_TARGET_SANDBOX)
    {
      g_autofree char *base = g_strconcat (p.graph->app_name, ".unikernel", NULL);
      unikernel_exe = g_strconcat (*exe, ".unikernel", NULL);
      launch_c = g_build_filename (outdir, "launch.c", NULL);
      launch_text = launch_source (&p, base);
    }
  else
    unikernel_exe = g_strdup (*exe);
  tmp = g_strconcat (unikernel_exe, ".tmp", NULL);
  include_out = g_strconcat ("-I", outdir, NULL);
  include_rt = g_strconcat ("-I", include_dir, NULL);

  embed_text = embed_source (path, project_dir, gen, &error);
  if (embed_text == NULL && error != NULL)
    {
      cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (embed_text != NULL)
    embed_c = g_build_filename (outdir, "embed.c", NULL);
  /* what the graph's devices need: the runtime's archives they name
   * (libmirage-runtime-NAME.a, next to the runtime) and the system
   * libraries they name (-lNAME) */
  {
    g_autofree char *lib_dir = g_path_get_dirname (library);
    for (guint i = 0; i < gen->archives->len; i++)
      {
        const char *name = gen->archives->pdata[i];
        g_autofree char *base = g_strconcat ("libmirage-runtime-", name, ".a", NULL);
        char *archive = g_build_filename (lib_dir, base, NULL);
        if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR))
          {
            cli_error (path, "cannot build: the C runtime's part %s is missing (%s); "
                       "build it (ninja) or set MSTUDIO_RUNTIME_DIR", name, archive);
            g_free (archive);
            prepared_clear (&p);
            return CLI_EXIT_ERRORS;
          }
        g_ptr_array_add (extra_libs, archive);
      }
    for (guint i = 0; i < gen->libraries->len; i++)
      g_ptr_array_add (link_flags, g_strconcat ("-l", (const char *) gen->libraries->pdata[i], NULL));
  }

  if (!g_file_get_contents (library, &lib, &lib_len, &error))
    {
      cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (g_getenv ("MSTUDIO_RUNTIME_SANITIZE") != NULL && *g_getenv ("MSTUDIO_RUNTIME_SANITIZE") != '\0'
      && !g_str_equal (g_getenv ("MSTUDIO_RUNTIME_SANITIZE"), "none"))
    sanitize = g_strconcat ("-fsanitize=", g_getenv ("MSTUDIO_RUNTIME_SANITIZE"), NULL);
  argv = g_ptr_array_new ();
  {
    const char *fixed[] = {
      "cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra",
      "-fno-diagnostics-color", "-fno-diagnostics-show-caret", "-fmessage-length=0",
      "-ffunction-sections", "-fdata-sections",
    };
    for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
      g_ptr_array_add (argv, (char *) fixed[i]);
  }
  /* a runtime built with sanitizers (a -Db_sanitize build tree: the
   * tests set MSTUDIO_RUNTIME_SANITIZE) needs them at link time */
  if (sanitize != NULL)
    g_ptr_array_add (argv, sanitize);
  g_ptr_array_add (argv, include_out);
  g_ptr_array_add (argv, include_rt);
  g_ptr_array_add (argv, main_c);
  if (embed_c != NULL)
    g_ptr_array_add (argv, embed_c);
  g_ptr_array_add (argv, source);
  /* the runtime's archives use each other's symbols (the TLS code is in
   * one archive, the code over it in others) and the runtime's: one
   * group, searched until nothing more is needed, so their order does
   * not matter and no archive carries a copy of another's code */
  if (extra_libs->len > 0)
    g_ptr_array_add (argv, "-Wl,--start-group");
  for (guint i = 0; i < extra_libs->len; i++)
    g_ptr_array_add (argv, extra_libs->pdata[i]);
  g_ptr_array_add (argv, library);
  if (extra_libs->len > 0)
    g_ptr_array_add (argv, "-Wl,--end-group");
  for (guint i = 0; i < link_flags->len; i++)
    g_ptr_array_add (argv, link_flags->pdata[i]);
  g_ptr_array_add (argv, "-Wl,--gc-sections");
  g_ptr_array_add (argv, "-s");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, tmp);
  g_ptr_array_add (argv, NULL);

  hash = hash_inputs (gen, source_text, source_len, lib, lib_len, embed_text, launch_text, extra_libs,
                      (char **) argv->pdata);
  {
    /* a thin archive (meson's) holds only names: its members' changes
     * show in its modification time */
    GStatBuf st;
    if (g_stat (library, &st) == 0)
      {
        g_autofree char *with_time = g_strdup_printf ("%s-%lld", hash, (long long) st.st_mtime);
        g_free (hash);
        hash = g_steal_pointer (&with_time);
      }
  }
  if (g_file_get_contents (stamp, &old_hash, NULL, NULL) && g_str_equal (g_strstrip (old_hash), hash)
      && g_file_test (*exe, G_FILE_TEST_IS_EXECUTABLE) && g_file_test (unikernel_exe, G_FILE_TEST_IS_EXECUTABLE)
      && (launch_c == NULL || g_file_test (launch_c, G_FILE_TEST_IS_REGULAR))
      && g_file_test (main_c, G_FILE_TEST_IS_REGULAR) && g_file_test (unikernel_h, G_FILE_TEST_IS_REGULAR)
      && (embed_c == NULL || g_file_test (embed_c, G_FILE_TEST_IS_REGULAR)))
    {
      if (!quiet)
        cli_print ("%s is up to date\n", *exe);
      prepared_clear (&p);
      return CLI_EXIT_OK;
    }
  if (!write_if_changed (main_c, gen->main_c, &error)
      || !write_if_changed (unikernel_h, gen->unikernel_h, &error)
      || (embed_c != NULL && !write_if_changed (embed_c, embed_text, &error))
      || (launch_c != NULL && !write_if_changed (launch_c, launch_text, &error)))
    {
      cli_error (path, "cannot build: %s", error->message);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  g_unlink (stamp);
  if (!run_compiler (path, source, outdir, gen, argv))
    {
      g_unlink (tmp);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (g_rename (tmp, unikernel_exe) != 0)
    {
      int e = errno;
      cli_error (path, "cannot build: cannot write %s: %s", unikernel_exe, g_strerror (e));
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  if (launch_c != NULL)
    {
      /* the launcher: launch.c and the runtime, none of the unikernel's code */
      g_autoptr(GPtrArray) largv = g_ptr_array_new ();
      g_autofree char *ltmp = g_strconcat (*exe, ".tmp", NULL);
      const char *fixed[] = { "cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra",
                              "-fno-diagnostics-color", "-fmessage-length=0" };
      for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
        g_ptr_array_add (largv, (char *) fixed[i]);
      if (sanitize != NULL)
        g_ptr_array_add (largv, sanitize);
      g_ptr_array_add (largv, include_rt);
      g_ptr_array_add (largv, launch_c);
      g_ptr_array_add (largv, library);
      g_ptr_array_add (largv, "-Wl,--gc-sections");
      g_ptr_array_add (largv, "-s");
      g_ptr_array_add (largv, "-o");
      g_ptr_array_add (largv, ltmp);
      g_ptr_array_add (largv, NULL);
      if (!run_compiler (path, source, outdir, gen, largv))
        {
          g_unlink (ltmp);
          prepared_clear (&p);
          return CLI_EXIT_ERRORS;
        }
      if (g_rename (ltmp, *exe) != 0)
        {
          int e = errno;
          cli_error (path, "cannot build: cannot write %s: %s", *exe, g_strerror (e));
          prepared_clear (&p);
          return CLI_EXIT_ERRORS;
        }
    }
  {
    g_autofree char *line = g_strconcat (hash, "\n", NULL);
    if (!ms_export_write_file (stamp, line, TRUE, &error))
      cli_warning (path, "%s", error->message);
  }
  if (!quiet)
    cli_print ("%s\n", *exe);
  prepared_clear (&p);
  return CLI_EXIT_OK;
}

static int
check_target (const char *cmd, const char *target, MsCgenTarget *out)
{
  *out = MS_CGEN_TARGET_UNIX;
  if (target == NULL || g_str_equal (target, "unix"))
    return CLI_EXIT_OK;
  if (g_str_equal (target, "sandbox"))
    {
      *out = MS_CGEN_TARGET_SANDBOX;
      return CLI_EXIT_OK;
    }
  return cli_usage_error (cmd, "the C runtime builds for -t unix or -t sandbox; "
                          "export config.ml to build for “%s” with the mirage tool", target);
}

static char *
default_outdir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_build_filename (dir, "_build", NULL);
}

int
cmd_build (int argc, char **argv)
{
  g_autofree char *target = NULL, *output = NULL, *source = NULL, *exe = NULL;
  MsCgenTarget t;
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "unix, or sandbox (unix under a seccomp filter derived from the graph)", "TARGET" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Directory to build in (default: _build next to the project)", "DIR" },
    { "source", 0, 0, G_OPTION_ARG_FILENAME, &source, "The unikernel's C code (default: unikernel.c next to the project)", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("build", "Generates main.c and unikernel.h from the device graph and compiles "
                          "them with unikernel.c against the bundled C runtime (docs/build.md).",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("build", argc < 2 ? "which project file?" : "too many arguments");
  if ((code = check_target ("build", target, &t)) != CLI_EXIT_OK)
    return code;
  if (output == NULL)
    output = default_outdir (argv[1]);
  return build (argv[1], output, source, t, FALSE, &exe);
}

int
cmd_run (int argc, char **argv)
{
  g_autofree char *target = NULL, *output = NULL, *source = NULL, *exe = NULL;
  g_autoptr(GPtrArray) own = g_ptr_array_new ();
  g_autoptr(GPtrArray) child = g_ptr_array_new ();
  MsCgenTarget t;
  int code = CLI_EXIT_OK;
  int own_argc;
  char **own_argv;
  const GOptionEntry entries[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "unix, or sandbox (unix under a seccomp filter derived from the graph)", "TARGET" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Directory to build in (default: _build next to the project)", "DIR" },
    { "source", 0, 0, G_OPTION_ARG_FILENAME, &source, "The unikernel's C code (default: unikernel.c next to the project)", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  /* what follows "--" is the unikernel's */
  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        {
          for (int k = i + 1; k < argc; k++)
            g_ptr_array_add (child, argv[k]);
          break;
        }
      g_ptr_array_add (own, argv[i]);
    }
  g_ptr_array_add (own, NULL);
  own_argc = (int) own->len - 1;
  own_argv = (char **) own->pdata;
  if (!cli_parse_options ("run", "Builds the project if needed (as mstudio build) and runs it with "
                          "ARGS; the unikernel's exit status is mstudio's (docs/build.md).",
                          entries, &own_argc, &own_argv, &code))
    return code;
  if (own_argc != 2)
    return cli_usage_error ("run", own_argc < 2 ? "which project file?" : "too many arguments (the unikernel's go after --)");
  if ((code = check_target ("run", target, &t)) != CLI_EXIT_OK)
    return code;
  if (output == NULL)
    output = default_outdir (own_argv[1]);
  if ((code = build (own_argv[1], output, source, t, TRUE, &exe)) != CLI_EXIT_OK)
    return code;
  g_ptr_array_insert (child, 0, exe);
  g_ptr_array_add (child, NULL);
  fflush (stdout);
  fflush (stderr);
  execv (exe, (char **) child->pdata);
  {
    int e = errno;
    cli_error (own_argv[1], "cannot run %s: %s", exe, g_strerror (e));
  }
  return CLI_EXIT_ERRORS;
}

/* ---- export --format c-skeleton -------------------------------------------------- */

static gboolean
is_c_skeleton (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if ((g_str_equal (argv[i], "--format") || g_str_equal (argv[i], "-F")) && i + 1 < argc)
        {
          if (g_str_equal (argv[++i], "c-skeleton"))
            return TRUE;
        }
      else if (g_str_equal (argv[i], "--format=c-skeleton") || g_str_equal (argv[i], "-Fc-skeleton"))
        return TRUE;
    }
  return FALSE;
}

static int
export_c_skeleton (int argc, char **argv)
{
  g_autofree char *format = NULL, *output = NULL, *text = NULL, *file = NULL;
  g_autoptr(GError) error = NULL;
  Prepared p = { 0 };
  int code = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "format", 'F', 0, G_OPTION_ARG_STRING, &format, "c-skeleton", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Directory to write unikernel.c into", "DIR" },
    G_OPTION_ENTRY_NULL
  };

  if (!cli_parse_options ("export", "Writes a starting unikernel.c for the C runtime into DIR; "
                          "an existing one is never replaced (docs/build.md).",
                          entries, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return cli_usage_error ("export", argc < 2 ? "which project file?" : "too many arguments");
  if (output == NULL || *output == '\0')
    return cli_usage_error ("export", "where to? (-o DIR)");
  if ((code = prepare (argv[1], &p)) != CLI_EXIT_OK)
    return code;
  text = ms_cgen_skeleton (p.graph, p.runtime, &error);
  prepared_clear (&p);
  if (text == NULL)
    {
      cli_error (argv[1], "cannot export: %s", error->message);
      return CLI_EXIT_ERRORS;
    }
  file = g_build_filename (output, "unikernel.c", NULL);
  if (g_mkdir_with_parents (output, 0755) != 0)
    {
      int e = errno;
      cli_error (argv[1], "cannot export: cannot create %s: %s", output, g_strerror (e));
      return CLI_EXIT_ERRORS;
    }
  if (!ms_export_write_file (file, text, FALSE, &error))
    {
      cli_error (argv[1], "cannot export: %s", error->message);
      return CLI_EXIT_ERRORS;
    }
  return CLI_EXIT_OK;
}

int
cmd_export_any (int argc, char **argv)
{
  if (is_c_skeleton (argc, argv))
    return export_c_skeleton (argc, argv);
  return cmd_export (argc, argv);
}

/* ---- describe --sandbox ------------------------------------------------------------ */

static void
print_profile (const char *title, const mirage_sandbox_profile *p, const char *path)
{
  g_autofree char *safe = cli_escape (title);

  cli_print ("%s: %s\n", safe, p ? p->summary : "no sandbox profile (the build fails at boot)");
  for (size_t i = 0; p != NULL && i < p->n_rules; i++)
    {
      char text[160];
      mirage_sandbox_rule_text (&p->rules[i], text, sizeof text);
      cli_print ("  %-36s %s\n", text, p->rules[i].why);
    }
  if (p != NULL && p->private_tmp)
    cli_print ("  Landlock on its private temporary directory (made by the launcher under $TMPDIR, "
               "given as $TMPDIR): %s\n", mirage_landlock_text (p->landlock));
  else if (p != NULL && p->landlock != 0)
    {
      g_autofree char *shown = cli_escape (path != NULL ? path : "(no path)");
      cli_print ("  Landlock on %s: %s\n", shown, mirage_landlock_text (p->landlock));
    }
  for (size_t i = 0; p != NULL && p->host_files != NULL && p->host_files[i] != NULL; i++)
    cli_print ("  Landlock on %s: read this one file\n", p->host_files[i]);
}

/* What the launcher and the runtime enforce besides the per-device
 * allow-lists (runtime/include/mirage/launch.h, src/sandbox.c). */
static void
print_layers (void)
{
  const char *const *denied = mirage_sandbox_launch_denied ();
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; denied[i] != NULL; i++)
    g_string_append_printf (list, "%s%s", i ? ", " : "", denied[i]);
  cli_print ("-t sandbox builds DIR/NAME, a launcher that confines itself and then execs DIR/NAME.unikernel:\n"
             "launcher, before any of the unikernel's code runs (constructors included):\n"
             "  Landlock (ABI >= %d, else nothing runs): the process may execute only the unikernel and its\n"
             "    dynamic loader, read the shared libraries (/usr/lib, /usr/lib64, /lib, /lib64, /usr/local/lib),\n"
             "    /etc/ld.so.cache, /etc/localtime and /proc/self/status, use each device's path as below and\n"
             "    read each host file a device below lists (exact files, read-only; a missing one is skipped);\n"
             "    nothing else is opened, created, written, truncated, renamed or removed, by any system call\n"
             "  seccomp: %s;\n"
             "    any other call goes on to the runtime's filter\n"
             "runtime, once the devices are connected and before the first job:\n"
             "  checks that the launcher's filter is in force (Seccomp: 2 in /proc/self/status), else runs no job\n"
             "  Landlock, a second layer: each device's rights beneath its own descriptor and the same host\n"
             "    files, read-only, and nothing else (no libraries, no /proc)\n"
             "  seccomp filter (below): any other system call kills the unikernel (SIGSYS); one more filter\n"
             "    in force is checked\n",
             MIRAGE_LANDLOCK_MIN_ABI, list->str);
}

/* The allow-list of the project's sandbox build: the base profile, then
 * each device's, from the runtime's own table (src/sandbox.c), for the
 * same devices, in the same order, as the generated install_sandbox(). */
int
cli_describe_sandbox (const char *path)
{
  Prepared p = { 0 };
  g_autoptr(GPtrArray) unsupported = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  int code;

  if ((code = prepare (path, &p)) != CLI_EXIT_OK)
    return code;
  unsupported = ms_cgen_unsupported (p.graph, p.runtime);
  if (unsupported->len > 0)
    {
      g_autofree char *list = NULL;
      g_ptr_array_add (unsupported, NULL);
      list = g_strjoinv (", ", (char **) unsupported->pdata);
      cli_error (path, "cannot describe the sandbox: the C runtime has no implementation of %s", list);
      prepared_clear (&p);
      return CLI_EXIT_ERRORS;
    }
  print_layers ();
  print_profile ("base", mirage_sandbox_profile_find ("base"), NULL);
  devices = ms_cgen_sandbox_devices (p.graph, p.runtime);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsCgenSandboxDevice *d = devices->pdata[i];
      const mirage_sandbox_profile *prof = mirage_sandbox_profile_find (d->profile);
      const char *dpath = NULL;
      if (prof != NULL && prof->path_option != NULL)
        dpath = ms_eval_node_get_option (ms_eval_graph_get_node (p.graph, d->id), prof->path_option);
      print_profile (d->label, prof, dpath);
    }
  prepared_clear (&p);
  return CLI_EXIT_OK;
}
