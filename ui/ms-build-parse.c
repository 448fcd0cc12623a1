/* ms-build-parse.c: reading what `mstudio build|run` print (the formats of
 * app/mstudio-build.c's report_compiler and runtime/src/reporter.c), and
 * finding the mstudio program to run. */
#include "ms-build-parse.h"

#include <string.h>

#include "ms-config.h"

/* "2026-12-01T19:20:08-00:00: " */
static gboolean
skip_timestamp (const char **p)
{
  const char *s = *p;
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";

  for (guint i = 0; shape[i] != '\0'; i++)
    {
      if (shape[i] == 'd' ? !g_ascii_isdigit (s[i]) : s[i] != shape[i])
        return FALSE;
    }
  s += strlen (shape);
  while (*s != '\0' && *s != ' ')
    s++;
  if (s[0] != ' ' || s[-1] != ':')
    return FALSE;
  *p = s + 1;
  return TRUE;
}

MsLogLevel
ms_build_parse_level (const char *line)
{
  const char *p = line;

  if (skip_timestamp (&p))
    {
      if (g_str_has_prefix (p, "[ERROR] "))
        return MS_LOG_LEVEL_ERROR;
      if (g_str_has_prefix (p, "[WARNING] "))
        return MS_LOG_LEVEL_WARNING;
      if (g_str_has_prefix (p, "[DEBUG] "))
        return MS_LOG_LEVEL_DEBUG;
      return MS_LOG_LEVEL_INFO;
    }
  if (g_str_has_prefix (line, "mstudio: "))
    {
      g_autoptr(MsCompilerProblem) problem = ms_build_parse_compiler_line (line);
      if (problem != NULL)
        return problem->level;
      if (g_str_has_prefix (line, "mstudio: warning: "))
        return MS_LOG_LEVEL_WARNING;
      /* mstudio's own messages are failures: "cannot build: ..." */
      return MS_LOG_LEVEL_ERROR;
    }
  /* the unikernel's own complaints, before any reporter exists:
   * "hello: option '--delay': invalid value 'x', ..." */
  {
    g_autofree char *lower = g_ascii_strdown (line, -1);
    if (strstr (lower, "error") || strstr (lower, "cannot ") || strstr (lower, "invalid ")
        || strstr (lower, "unknown option"))
      return MS_LOG_LEVEL_ERROR;
    if (strstr (lower, "warning"))
      return MS_LOG_LEVEL_WARNING;
  }
  return MS_LOG_LEVEL_INFO;
}

void
ms_compiler_problem_free (MsCompilerProblem *p)
{
  if (p == NULL)
    return;
  g_free (p->path);
  g_free (p->message);
  g_free (p->device);
  g_free (p);
}

/* FILE:LINE:COL: KIND: MESSAGE at the start of s */
static MsCompilerProblem *
parse_location (const char *s)
{
  static const struct { const char *kind; MsLogLevel level; } kinds[] = {
    { "error: ", MS_LOG_LEVEL_ERROR },
    { "fatal error: ", MS_LOG_LEVEL_ERROR },
    { "warning: ", MS_LOG_LEVEL_WARNING },
    { "note: ", MS_LOG_LEVEL_INFO },
  };
  /* the last ":LINE:COL: " so that a path may hold colons */
  for (const char *c = strchr (s, ':'); c != NULL; c = strchr (c + 1, ':'))
    {
      char *end1, *end2;
      guint64 line, col;

      if (!g_ascii_isdigit (c[1]))
        continue;
      line = g_ascii_strtoull (c + 1, &end1, 10);
      if (*end1 != ':' || !g_ascii_isdigit (end1[1]))
        continue;
      col = g_ascii_strtoull (end1 + 1, &end2, 10);
      if (end2[0] != ':' || end2[1] != ' ' || c == s)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_str_has_prefix (end2 + 2, kinds[i].kind))
          {
            MsCompilerProblem *p = g_new0 (MsCompilerProblem, 1);
            p->path = g_strndup (s, (gsize) (c - s));
            p->line = (int) MIN (line, G_MAXINT);
            p->column = (int) MIN (col, G_MAXINT);
            p->level = kinds[i].level;
            p->message = g_strdup (end2 + 2 + strlen (kinds[i].kind));
            return p;
          }
    }
  return NULL;
}

MsCompilerProblem *
ms_build_parse_compiler_line (const char *line)
{
  const char *p, *sep;
  MsCompilerProblem *problem;
  g_autofree char *device = NULL;

  if (!g_str_has_prefix (line, "mstudio: "))
    return NULL;
  p = line + strlen ("mstudio: ");
  /* the project file, "P.mstudio: " (it may hold ": " itself) */
  sep = strstr (p, ".mstudio: ");
  if (sep == NULL)
    return NULL;
  p = sep + strlen (".mstudio: ");
  if (g_str_has_prefix (p, "device "))
    {
      const char *gen = strstr (p, "): generated ");
      const char *paren;
      if (gen == NULL)
        return NULL;
      paren = g_strrstr_len (p, gen - p, " (");
      if (paren != NULL)
        device = g_strndup (p + strlen ("device "), (gsize) (paren - p - strlen ("device ")));
      p = gen + strlen ("): generated ");
    }
  else if (g_str_has_prefix (p, "generated "))
    p += strlen ("generated ");
  problem = parse_location (p);
  if (problem != NULL)
    problem->device = g_steal_pointer (&device);
  return problem;
}

static gboolean
is_executable (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE);
}

char *
ms_build_find_mstudio (void)
{
  const char *env = g_getenv ("MSTUDIO");
  g_autofree char *in_tree = g_build_filename (MS_BUILD_ROOT, "app", "mstudio", NULL);
  g_autofree char *installed = g_build_filename (MS_BINDIR, "mstudio", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = g_canonicalize_filename (MS_BUILD_ROOT, NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* an uninstalled studio runs the mstudio it was built with */
  if (self != NULL && is_executable (in_tree)
      && g_str_has_prefix (self, root) && self[strlen (root)] == G_DIR_SEPARATOR)
    return g_steal_pointer (&in_tree);
  if (is_executable (installed))
    return g_steal_pointer (&installed);
  return g_find_program_in_path ("mstudio");
}
