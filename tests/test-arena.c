/* test-arena.c: the bump allocator keeps its promises. */
#include <glib.h>
#include <string.h>

#include "ms-arena.h"

static void
test_alignment_and_zero (void)
{
  MsArena *a = ms_arena_new ();

  for (gsize size = 1; size < 200; size += 7)
    {
      guint8 *p = ms_arena_alloc0 (a, size);
      g_assert_cmpuint (GPOINTER_TO_SIZE (p) % 8, ==, 0);
      for (gsize i = 0; i < size; i++)
        g_assert_cmpuint (p[i], ==, 0);
      memset (p, 0xab, size);   /* must not overlap the next allocation */
    }
  ms_arena_free (a);
}

static void
test_copy (void)
{
  MsArena *a = ms_arena_new ();
  const char *s = "stack-ipv4";
  char *c = ms_arena_copy (a, s, strlen (s) + 1);

  g_assert_cmpstr (c, ==, s);
  g_assert_true (c != s);
  g_assert_null (ms_arena_copy (a, s, 0));
  ms_arena_free (a);
}

/* more than a block, and one allocation larger than a block */
static void
test_large (void)
{
  MsArena *a = ms_arena_new ();
  GPtrArray *seen = g_ptr_array_new ();
  char *big;

  for (guint i = 0; i < 50000; i++)
    {
      guint *p = ms_arena_alloc (a, sizeof (guint) * 3);
      p[0] = p[1] = p[2] = i;
      if (i % 1000 == 0)
        g_ptr_array_add (seen, p);
    }
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpuint (((guint *) seen->pdata[i])[2], ==, i * 1000);
  big = ms_arena_alloc (a, 1 << 20);
  memset (big, 1, 1 << 20);
  g_assert_cmpuint (big[(1 << 20) - 1], ==, 1);
  g_ptr_array_unref (seen);
  ms_arena_free (a);
}

/* blocks of a freed arena serve the next one */
static void
test_reuse (void)
{
  MsArena *a = ms_arena_new ();
  MsArena *b;
  gpointer first = ms_arena_alloc (a, 16);
  gpointer again;

  ms_arena_free (a);
  b = ms_arena_new ();
  again = ms_arena_alloc (b, 16);
  g_assert_true (again == first);
  ms_arena_free (b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/arena/alignment-and-zero", test_alignment_and_zero);
  g_test_add_func ("/arena/copy", test_copy);
  g_test_add_func ("/arena/large", test_large);
  g_test_add_func ("/arena/reuse", test_reuse);
  return g_test_run ();
}
