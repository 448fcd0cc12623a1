/* mirage/main.h: a unikernel's entry point, what Mirage's generated main.ml
 * does: parse the runtime arguments, set up logging, wait --delay
 * seconds, start every job as a task and wait for them.
 *
 * The unikernel exits 0 when every job has returned 0. When one fails the
 * others are cancelled, the failure is logged on the "mirage" source
 *   ...: [ERROR] [mirage] job 'hello' failed: connection refused
 * and the exit status is MIRAGE_EXIT_FAILURE (255, Mirage's status for an
 * uncaught exception). Argument errors exit 64 and --help 63 (mirage/argv.h).
 *
 * The noop device is a job that does nothing: mirage_noop_start.
 */
#ifndef MIRAGE_MAIN_H
#define MIRAGE_MAIN_H

#include "mirage/argv.h"
#include "mirage/log.h"
#include "mirage/reporter.h"
#include "mirage/task.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIRAGE_EXIT_FAILURE 255

typedef struct {
  const char *name;
  mirage_task_fn start;
  void *arg;
} mirage_job;

typedef struct {
  const char *name;              /* given to register */
  const char *doc;
  mirage_log_level default_level;  /* register's default_level; 0: info */
  mirage_arg **args;             /* the devices' and the unikernel's */
  size_t n_args;
  const mirage_job *jobs;
  size_t n_jobs;
  /* NULL: the default reporter (default ptime, standard error). Set
   * no_reporter to drop logs. */
  mirage_reporter *reporter;
  /* The project's defaults of the runtime's own arguments (`mstudio set
   * P arg:logs=*:warning arg:delay=2`), parsed as if typed; NULL: none
   * for -l/--logs, "0" for --delay. */
  const char *logs_default;
  const char *delay_default;
} mirage_unikernel;

/* Runs the unikernel; returns the process exit status. The runtime's own
 * arguments (-l/--logs, --delay) are added to @u's. */
int mirage_main (const mirage_unikernel *u, int argc, char **argv);

/* The unikernel's name (register's), as Mirage_runtime.name (). */
const char *mirage_unikernel_name (void);

/* The source of the runtime's own messages ("mirage"). */
extern mirage_log_src mirage_log_runtime;

int mirage_noop_start (void *arg);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_MAIN_H */
