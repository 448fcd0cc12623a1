/* ms-packages-worker.c: package resolution on a worker thread (see the
 * header).
 *
 * The sources kept in memory live in one table guarded by a mutex; each
 * is refcounted so that forgetting it while a job solves with it is safe.
 * Opening is serialised by a second mutex: two windows asking for the same
 * unconverted repository convert it once, the second waits for the first.
 * A libsolv pool is not safe for two solvers at once (solving adds
 * whatever-provides data to it), so each source has its own solve lock.
 */
#include "ms-packages-worker.h"

typedef struct {
  gatomicrefcount refs;
  MsResolver *resolver;
  GMutex solve_lock;
} Source;

struct _MsPackagesJob {
  gatomicrefcount refs;
  char *source;
  char *cache_dir;
  MsResolveRequest *req;
  gint loading;          /* atomic */
  gint converted;        /* atomic */
  gint done, total;      /* atomic: the conversion's files */
  GCancellable *conversion;
};

static GMutex table_lock;     /* guards sources */
static GMutex open_lock;      /* one opening at a time */
static GHashTable *sources;   /* source path -> Source* */

static Source *
source_ref (Source *s)
{
  g_atomic_ref_count_inc (&s->refs);
  return s;
}

static void
source_unref (Source *s)
{
  if (s == NULL || !g_atomic_ref_count_dec (&s->refs))
    return;
  ms_resolver_free (s->resolver);
  g_mutex_clear (&s->solve_lock);
  g_free (s);
}

static Source *
lookup_source (const char *path)
{
  Source *s;

  g_mutex_lock (&table_lock);
  s = sources != NULL ? g_hash_table_lookup (sources, path) : NULL;
  if (s != NULL)
    source_ref (s);
  g_mutex_unlock (&table_lock);
  return s;
}

void
ms_packages_forget_sources (void)
{
  g_mutex_lock (&table_lock);
  g_clear_pointer (&sources, g_hash_table_unref);
  g_mutex_unlock (&table_lock);
}

char *
ms_packages_find_source (const char *option, const char *setting, GError **error)
{
  if (option != NULL && *option != '\0')
    return g_strdup (option);
  if (setting != NULL && *setting != '\0')
    return g_strdup (setting);
  return ms_resolver_default_source (error);
}

MsPackagesJob *
ms_packages_job_new (const char *source, const char *cache_dir, MsResolveRequest *req)
{
  MsPackagesJob *job = g_new0 (MsPackagesJob, 1);

  g_atomic_ref_count_init (&job->refs);
  job->source = g_strdup (source);
  job->cache_dir = g_strdup (cache_dir);
  job->req = req;
  return job;
}

MsPackagesJob *
ms_packages_job_ref (MsPackagesJob *job)
{
  g_atomic_ref_count_inc (&job->refs);
  return job;
}

void
ms_packages_job_unref (MsPackagesJob *job)
{
  if (job == NULL || !g_atomic_ref_count_dec (&job->refs))
    return;
  g_free (job->source);
  g_free (job->cache_dir);
  g_clear_object (&job->conversion);
  ms_resolve_request_free (job->req);
  g_free (job);
}

const char *
ms_packages_job_get_source (MsPackagesJob *job)
{
  return job->source;
}

gboolean
ms_packages_job_is_loading (MsPackagesJob *job)
{
  return g_atomic_int_get (&job->loading) != 0;
}

gboolean
ms_packages_job_converted (MsPackagesJob *job)
{
  return g_atomic_int_get (&job->converted) != 0;
}

gboolean
ms_packages_job_get_progress (MsPackagesJob *job, guint *done, guint *total)
{
  guint t = (guint) g_atomic_int_get (&job->total);

  *done = MIN ((guint) g_atomic_int_get (&job->done), t);
  *total = t;
  return t > 0;
}

void
ms_packages_job_set_conversion_cancellable (MsPackagesJob *job, GCancellable *cancellable)
{
  g_set_object (&job->conversion, cancellable);
}

/* on the worker thread, between files */
static void
job_progress (guint done, guint total, gpointer data)
{
  MsPackagesJob *job = data;

  g_atomic_int_set (&job->total, (gint) total);
  g_atomic_int_set (&job->done, (gint) done);
}

/* The source's resolver, opened (and converted, the first time) if no job
 * did before. */
static Source *
open_source (MsPackagesJob *job, GCancellable *cancellable, GError **error)
{
  Source *s;
  MsResolver *r;
  gboolean from_cache = FALSE;

  if ((s = lookup_source (job->source)) != NULL)
    return s;
  g_mutex_lock (&open_lock);
  /* another job may have opened it while this one waited, or the user
   * stopped the conversion it waited for */
  if ((s = lookup_source (job->source)) != NULL || g_cancellable_set_error_if_cancelled (cancellable, error)
      || g_cancellable_set_error_if_cancelled (job->conversion, error))
    {
      g_mutex_unlock (&open_lock);
      return s;
    }
  g_atomic_int_set (&job->loading, 1);
  r = ms_resolver_open_full (job->source, job->cache_dir, &from_cache, job_progress, job,
                             job->conversion, error);
  g_atomic_int_set (&job->loading, 0);
  if (r == NULL)
    {
      g_mutex_unlock (&open_lock);
      return NULL;
    }
  g_atomic_int_set (&job->converted, !from_cache);
  s = g_new0 (Source, 1);
  g_atomic_ref_count_init (&s->refs);
  s->resolver = r;
  g_mutex_init (&s->solve_lock);
  g_mutex_lock (&table_lock);
  if (sources == NULL)
    sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) source_unref);
  g_hash_table_replace (sources, g_strdup (job->source), source_ref (s));
  g_mutex_unlock (&table_lock);
  g_mutex_unlock (&open_lock);
  return s;
}

static void
run_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  MsPackagesJob *job = task_data;
  GError *error = NULL;
  Source *s;
  MsResolution *res;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if ((s = open_source (job, cancellable, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* a conversion is kept even when its job was cancelled meanwhile */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      source_unref (s);
      g_task_return_error (task, error);
      return;
    }
  g_mutex_lock (&s->solve_lock);
  res = ms_resolver_solve (s->resolver, job->req);
  g_mutex_unlock (&s->solve_lock);
  source_unref (s);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      ms_resolution_free (res);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, res, (GDestroyNotify) ms_resolution_free);
}

void
ms_packages_job_run_async (MsPackagesJob *job, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  /* no source object: the widget that asked may be gone when the thread
   * ends, and must never be finalised on it */
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, ms_packages_job_run_async);
  g_task_set_task_data (task, ms_packages_job_ref (job), (GDestroyNotify) ms_packages_job_unref);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

MsResolution *
ms_packages_job_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
