/* ms-arena.c: a bump allocator for data built once and dropped whole.
 *
 * An evaluated graph is made of thousands of small nodes, arrays and
 * strings, read for a while and then freed together: allocating them one
 * by one cost more than evaluating. Blocks of a standard size are kept for
 * the next arena after one is freed, because the studio evaluates after
 * every edit and memory handed back to the system must be faulted in
 * again each time.
 */
#include "ms-arena.h"

#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_SPARE_MAX 256   /* 16 MiB kept at most */

struct _MsArena
{
  GPtrArray *blocks;
  GPtrArray *sizes;         /* of each block, as pointers */
  char *next;
  gsize left;
};

/* shared by threads: checks evaluate on a worker */
static GMutex spare_lock;
static GPtrArray *spare;

MsArena *
ms_arena_new (void)
{
  MsArena *a = g_new0 (MsArena, 1);

  a->blocks = g_ptr_array_new ();
  a->sizes = g_ptr_array_new ();
  return a;
}

void
ms_arena_free (MsArena *a)
{
  if (a == NULL)
    return;
  g_mutex_lock (&spare_lock);
  if (spare == NULL)
    spare = g_ptr_array_new ();
  for (guint i = 0; i < a->blocks->len; i++)
    {
      gpointer b = a->blocks->pdata[i];
      if (GPOINTER_TO_SIZE (a->sizes->pdata[i]) == ARENA_BLOCK && spare->len < ARENA_SPARE_MAX)
        g_ptr_array_add (spare, b);
      else
        g_free (b);
    }
  g_mutex_unlock (&spare_lock);
  g_ptr_array_unref (a->blocks);
  g_ptr_array_unref (a->sizes);
  g_free (a);
}

static gpointer
new_block (gsize size)
{
  gpointer b = NULL;

  if (size == ARENA_BLOCK)
    {
      g_mutex_lock (&spare_lock);
      if (spare != NULL && spare->len > 0)
        b = g_ptr_array_steal_index_fast (spare, spare->len - 1);
      g_mutex_unlock (&spare_lock);
    }
  return b ? b : g_malloc (size);
}

gpointer
ms_arena_alloc (MsArena *a, gsize size)
{
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  if (size > a->left)
    {
      gsize block = MAX (size, ARENA_BLOCK);
      a->next = new_block (block);
      a->left = block;
      g_ptr_array_add (a->blocks, a->next);
      g_ptr_array_add (a->sizes, GSIZE_TO_POINTER (block));
    }
  p = a->next;
  a->next += size;
  a->left -= size;
  return p;
}

gpointer
ms_arena_alloc0 (MsArena *a, gsize size)
{
  return memset (ms_arena_alloc (a, size), 0, size);
}

gpointer
ms_arena_copy (MsArena *a, gconstpointer src, gsize size)
{
  return size ? memcpy (ms_arena_alloc (a, size), src, size) : NULL;
}
