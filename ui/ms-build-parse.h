/* ms-build-parse.h: reading what `mstudio build|run` print, and finding
 * the mstudio program; the build panel's plain (widget-free) helpers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MS_LOG_LEVEL_DEBUG,
  MS_LOG_LEVEL_INFO,
  MS_LOG_LEVEL_WARNING,
  MS_LOG_LEVEL_ERROR,
} MsLogLevel;

/* The level of one output line: the runtime reporter's
 * "2026-01-01T00:00:00-00:00: [WARNING] [src] msg" tags, mstudio's own
 * "mstudio: ... error: ..." messages, the words of other messages
 * ("invalid value", "cannot"); anything else is info. */
MsLogLevel ms_build_parse_level (const char *line);

typedef struct {
  char *path;       /* as printed: relative to the project's directory, or absolute */
  int line;
  int column;
  MsLogLevel level; /* error, warning, or info for notes */
  char *message;    /* "expected expression before ‘return’" */
  char *device;     /* the graph device a generated line comes from, or NULL */
} MsCompilerProblem;

void ms_compiler_problem_free (MsCompilerProblem *p);

/* "mstudio: P.mstudio: unikernel.c:7:3: error: ..." and
 * "mstudio: P.mstudio: device NAME (CTOR): generated DIR/main.c:40:3: error: ...";
 * NULL for any other line. */
MsCompilerProblem *ms_build_parse_compiler_line (const char *line);

/* $MSTUDIO, else the build tree's app/mstudio when this program runs
 * from that build tree, else the installed one, else $PATH; NULL if none. */
char *ms_build_find_mstudio (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCompilerProblem, ms_compiler_problem_free)

G_END_DECLS
