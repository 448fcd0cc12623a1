/* ms-packages-worker.h: package resolution off the studio's main thread.
 *
 * A job resolves one request (built on the main thread from the checks'
 * evaluated graph) against one opam repository, on a GTask worker thread.
 * The converted repositories (MsResolver, a libsolv pool) are kept for the
 * life of the process, one per source, so only the first job of a source
 * reads or converts it; every later job only solves (milliseconds).
 * While a job opens its source, ms_packages_job_is_loading () is TRUE and
 * ms_packages_job_get_progress () gives the files read: the page polls
 * them to show its progress. A cancelled job returns G_IO_ERROR_CANCELLED
 * as soon as it can; a conversion already under way finishes in the
 * background and is kept for the next job (a newer edit cancels the run,
 * not the conversion), unless the job's conversion cancellable (the page's
 * Cancel button) stops it: it is checked between files, and a stopped
 * conversion leaves no cache behind.
 */
#pragma once

#include <gio/gio.h>

#include "ms-resolve.h"

G_BEGIN_DECLS

typedef struct _MsPackagesJob MsPackagesJob;

/* The opam repository the studio uses: the --opam-repo option of the
 * studio, else the "opam-repository" setting, else the opam root's
 * ($OPAMROOT, else ~/.opam), as `mstudio resolve` finds it. NULL and a
 * message saying how to get one when there is none. */
char          *ms_packages_find_source (const char *option,
                                        const char *setting,
                                        GError    **error);

/* Takes req. cache_dir NULL: $XDG_CACHE_HOME/mirage-studio. */
MsPackagesJob *ms_packages_job_new (const char       *source,
                                    const char       *cache_dir,
                                    MsResolveRequest *req);
MsPackagesJob *ms_packages_job_ref (MsPackagesJob *job);
void           ms_packages_job_unref (MsPackagesJob *job);
const char    *ms_packages_job_get_source (MsPackagesJob *job);
/* TRUE while the job reads its repository (from the cache or, the first
 * time, by converting it); safe from any thread. */
gboolean       ms_packages_job_is_loading (MsPackagesJob *job);
/* TRUE once done if this job converted the repository (no cache). */
gboolean       ms_packages_job_converted (MsPackagesJob *job);
/* The files of the repository read so far and their total while the job
 * converts it; FALSE while that is not known yet (checking the cache,
 * extracting an archive). Safe from any thread. */
gboolean       ms_packages_job_get_progress (MsPackagesJob *job,
                                             guint         *done,
                                             guint         *total);
/* Cancelling `cancellable` stops a conversion this job runs or waits for
 * (call before running the job). */
void           ms_packages_job_set_conversion_cancellable (MsPackagesJob *job,
                                                           GCancellable  *cancellable);

void           ms_packages_job_run_async (MsPackagesJob       *job,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* The answer (owned by the caller), or NULL and an error (the source
 * cannot be read, or G_IO_ERROR_CANCELLED). */
MsResolution  *ms_packages_job_run_finish (GAsyncResult *result,
                                           GError      **error);

/* Drops the repositories kept in memory (they are read again by the next
 * job): after the user chose another one, and in tests. */
void           ms_packages_forget_sources (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPackagesJob, ms_packages_job_unref)

G_END_DECLS
