/* main.c: a unikernel's entry point (mirage/main.h), what Mirage's
 * generated main.ml and Mirage_runtime do at boot.
 *
 * Order, as Mirage's init jobs: runtime arguments, delay, reporter (and
 * log thresholds), then the jobs. Each job is a task; the root task joins
 * them through one watcher task each. A failure cancels the jobs still
 * running, and the first failure is the one reported. */
#include "mirage/main.h"
#include "mirage/ptime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

mirage_log_src mirage_log_runtime = MIRAGE_LOG_SRC_INIT ("mirage", "The unikernel runtime");

int
mirage_noop_start (void *arg)
{
  return 0;
}

typedef struct {
  const mirage_unikernel *u;
  int64_t delay_s;      /* --delay, up to OCaml's max_int */
  mirage_task **jobs;   /* NULL once joined */
  char *failure;        /* the first failure's message */
  int status;
} boot;

typedef struct {
  boot *b;
  size_t i;
} watch_arg;

/* Joins job @i; on its failure records it and cancels the other jobs, so
 * one failing job ends the unikernel at once (Lwt would wait for all). */
static int
watch_job (void *data)
{
  watch_arg *w = data;
  boot *b = w->b;
  int r = mirage_task_join (b->jobs[w->i]);
  b->jobs[w->i] = NULL;
  if (r != 0 && b->status == 0) {
    b->status = r;
    const char *why = mirage_task_last_error ();
    b->failure = strdup (why ? why : "failed");
    for (size_t j = 0; j < b->u->n_jobs; j++)
      if (b->jobs[j])
        mirage_task_cancel (b->jobs[j]);
  }
  return 0;
}

static int
run_jobs (void *data)
{
  boot *b = data;
  const mirage_unikernel *u = b->u;
  if (b->delay_s > 0) {
    /* past 584 years of nanoseconds, sleep as long as a uint64_t can say */
    uint64_t s = (uint64_t) b->delay_s;
    int r = mirage_task_sleep_ns (s > UINT64_MAX / MIRAGE_NS_PER_S ? UINT64_MAX : s * MIRAGE_NS_PER_S);
    if (r < 0)
      return r;
  }
  size_t n = u->n_jobs;
  b->jobs = calloc (n ? n : 1, sizeof *b->jobs);
  mirage_task **watchers = calloc (n ? n : 1, sizeof *watchers);
  watch_arg *args = calloc (n ? n : 1, sizeof *args);
  if (!b->jobs || !watchers || !args)
    mirage_task_fail ("out of memory starting %zu jobs", n);
  for (size_t i = 0; i < n; i++) {
    b->jobs[i] = mirage_task_spawn (u->jobs[i].name, u->jobs[i].start, u->jobs[i].arg);
    args[i] = (watch_arg) { b, i };
    watchers[i] = b->jobs[i] ? mirage_task_spawn ("watch", watch_job, &args[i]) : NULL;
    if (!watchers[i])
      mirage_task_fail ("cannot start job '%s': %s", u->jobs[i].name, strerror (errno));
  }
  for (size_t i = 0; i < n; i++)
    mirage_task_join (watchers[i]);
  free (watchers);
  free (args);
  free (b->jobs);
  b->jobs = NULL;
  return b->status;
}

static const char *the_name = "unikernel";

const char *
mirage_unikernel_name (void)
{
  return the_name;
}

int
mirage_main (const mirage_unikernel *u, int argc, char **argv)
{
  mirage_arg logs = {
    .name = "logs", .short_name = 'l', .type = MIRAGE_ARG_LOG_THRESHOLDS,
    .docv = "LEVEL", .env = "MIRAGE_LOGS", .section = "UNIKERNEL PARAMETERS",
    .doc = "Be more or less verbose. LEVEL must be of the form *:info,foo:debug "
           "which means that the log threshold is set to info for every log "
           "source but foo, which is set to debug.",
  };
  mirage_arg delay = {
    .name = "delay", .type = MIRAGE_ARG_INT, .default_value = "0",
    .section = "UNIKERNEL PARAMETERS",
    .doc = "Number of seconds to wait before the unikernel starts its jobs.",
  };
  if (u->logs_default && *u->logs_default)
    logs.default_value = u->logs_default;
  if (u->delay_default && *u->delay_default)
    delay.default_value = u->delay_default;
  mirage_arg *small[16];
  size_t n = u->n_args + 2;
  mirage_arg **all = n <= 16 ? small : malloc (n * sizeof *all);
  if (!all)
    return MIRAGE_EXIT_FAILURE;
  all[0] = &logs;
  all[1] = &delay;
  if (u->n_args)
    memcpy (all + 2, u->args, u->n_args * sizeof *all);
  mirage_args spec = {
    .name = u->name ? u->name : (argc > 0 ? argv[0] : "unikernel"),
    .doc = u->doc, .args = all, .n_args = n,
  };
  the_name = spec.name;
  int status = mirage_args_parse (&spec, argc, argv);
  if (status != 0)
    goto out;
  if (delay.value.i < 0) {
    fprintf (stderr, "%s: option '--delay': invalid value '%s', expected a non-negative integer\n",
             spec.name, delay.text);
    status = MIRAGE_EXIT_ARGUMENT_ERROR;
    goto out;
  }

  mirage_log_set_default_level (u->default_level ? u->default_level : MIRAGE_LOG_INFO);
  if (logs.has_value)
    mirage_log_set_thresholds (logs.value.s, NULL, 0);
  mirage_reporter_install (u->reporter ? u->reporter
                                       : mirage_default_reporter (mirage_default_ptime (), 2));

  boot b = { .u = u, .delay_s = delay.value.i };
  char *error = NULL;
  int r = mirage_loop_run ("main", run_jobs, &b, &error);
  if (r != 0) {
    const char *why = b.failure ? b.failure : error;
    /* "task 'hello' failed: ..." reads better as "job 'hello' failed: ..." */
    if (why && strncmp (why, "task '", 6) == 0)
      mirage_log_err (&mirage_log_runtime, "job %s", why + 5);
    else
      mirage_log_err (&mirage_log_runtime, "%s", why ? why : "the unikernel failed");
    status = MIRAGE_EXIT_FAILURE;
  }
  free (error);
  free (b.failure);
out:
  mirage_args_clear (&spec);
  if (all != small)
    free (all);
  return status;
}
