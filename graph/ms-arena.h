/* ms-arena.h: a bump allocator for data built once and dropped whole. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MsArena MsArena;

MsArena *ms_arena_new (void);
void     ms_arena_free (MsArena *a);
/* 8-byte aligned; lives until ms_arena_free */
gpointer ms_arena_alloc (MsArena *a, gsize size);
gpointer ms_arena_alloc0 (MsArena *a, gsize size);
/* NULL for size 0 */
gpointer ms_arena_copy (MsArena *a, gconstpointer src, gsize size);

G_END_DECLS
