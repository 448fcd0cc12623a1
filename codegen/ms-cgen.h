/* ms-cgen.h: C code for the bundled runtime, from the evaluated graph.
 *
 * For a unix evaluation of a project, ms_cgen_generate writes main.c
 * (every device connected once, in the graph's order and with its
 * sharing; the runtime arguments declared for the runtime's argv
 * parser; the jobs started; the loop run) and unikernel.h (for each
 * main device its start function, with the C interface type of each
 * parameter in order, and a struct of its runtime arguments), so that
 * the C compiler checks the user's unikernel.c against the graph.
 *
 * What each constructor becomes is the `runtime` object of its catalog
 * entry (data/catalog/SCHEMA.md): the header, the C type of its value
 * and a connect template. A graph using a constructor without one is
 * refused, naming the devices (docs/build.md).
 */
#pragma once

#include "ms-eval.h"

G_BEGIN_DECLS

#define MS_CGEN_ERROR (ms_cgen_error_quark ())
GQuark ms_cgen_error_quark (void);

typedef enum {
  MS_CGEN_ERROR_UNSUPPORTED,   /* devices the runtime lacks */
  MS_CGEN_ERROR_INVALID,       /* the graph cannot be written as C (no job, bad template...) */
  MS_CGEN_ERROR_CATALOG,       /* (unused: the catalog checks runtime entries when it loads) */
} MsCgenError;

/* A constructor's `runtime` entry; strings NULL where absent. */
typedef struct {
  char *ctor;
  char *header;    /* "mirage/block.h" */
  char *type;      /* "struct mirage_block": the value is a pointer to it; NULL: no value */
  char *connect;   /* template, see SCHEMA.md; NULL: nothing to connect */
  char *start;     /* task function of a job device ("mirage_noop_start") */
  char **libraries;/* system libraries its code needs ("nettle"), NULL-terminated */
  char **archives; /* the runtime's archives its code is in ("nettle": libmirage-runtime-nettle.a) */
} MsCgenRuntime;

/* The runtime entries of the catalog, by constructor name. */
GHashTable *ms_cgen_runtime_load (MsCatalog *catalog);

typedef struct {
  char *main_c;
  char *unikernel_h;
  /* per line of main.c and unikernel.h (index line - 1): the graph device
   * the line belongs to ("disk (direct_kv_ro)"), or NULL */
  GPtrArray *main_c_lines;
  GPtrArray *unikernel_h_lines;
  /* the system libraries the graph's devices need (char*, sorted, unique) */
  GPtrArray *libraries;
  /* the runtime's archives they need (char*, sorted, unique): each is
   * libmirage-runtime-NAME.a, as the catalog's runtime entries name them */
  GPtrArray *archives;
  /* directories to embed at build time ({embed:OPTION}), as MsCgenEmbed */
  GPtrArray *embeds;
} MsCgenOutput;

/* A directory a device embeds: the builder writes it as a
 * mirage_crunch_index named symbol (runtime/include/mirage/kv_ro.h),
 * which main.c declares extern. */
typedef struct {
  guint id;
  char *label;     /* "disk (crunch)" */
  char *dir;       /* the option's value, as in the project */
  char *symbol;    /* "mirage_crunch_3" */
} MsCgenEmbed;

void ms_cgen_output_free (MsCgenOutput *out);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCgenOutput, ms_cgen_output_free)

/* The devices of g (reachable from the root) the runtime lacks, as
 * "name (constructor)" strings; empty when everything is supported. */
GPtrArray *ms_cgen_unsupported (MsEvalGraph *g, GHashTable *runtime);

MsCgenOutput *ms_cgen_generate (MsEvalGraph *g, GHashTable *runtime, const char *project, GError **error);

typedef enum {
  MS_CGEN_TARGET_UNIX,
  MS_CGEN_TARGET_SANDBOX,   /* unix, plus a seccomp filter installed once the devices are connected */
} MsCgenTarget;

/* As ms_cgen_generate, for a target. For MS_CGEN_TARGET_SANDBOX, main.c
 * builds the filter (runtime/include/mirage/sandbox.h) after the last
 * connect and before any job's code: the base profile, then the profile
 * named after each connected device's constructor, given the device's
 * descriptor (MIRAGE_SANDBOX_FD), in the order of
 * ms_cgen_sandbox_devices. */
MsCgenOutput *ms_cgen_generate_for (MsEvalGraph *g, GHashTable *runtime, const char *project,
                                    MsCgenTarget target, GError **error);

/* The nodes a sandboxed unikernel adds a profile for: each connected
 * device with a C value, in connect order, as MsCgenSandboxDevice. */
typedef struct {
  guint id;
  char *label;     /* "disk (direct_kv_ro)" */
  char *profile;   /* the constructor's name */
} MsCgenSandboxDevice;

GPtrArray *ms_cgen_sandbox_devices (MsEvalGraph *g, GHashTable *runtime);

/* A starting unikernel.c: one start function per main device, empty. */
char *ms_cgen_skeleton (MsEvalGraph *g, GHashTable *runtime, GError **error);

/* The device a line of generated file ("main.c" or "unikernel.h") comes from, or NULL. */
const char *ms_cgen_output_device_at (const MsCgenOutput *out, const char *file, guint line);

G_END_DECLS
