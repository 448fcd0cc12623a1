/* test-version.c: opam version ordering, syntax and bounds.
 * The orderings here are the ones opam itself gives (OpamVersionCompare);
 * the comments note where Debian's dpkg would answer differently. */
#include <glib.h>
#include <string.h>

#include "ms-version.h"

static int
sign (int x)
{
  return (x > 0) - (x < 0);
}

typedef struct {
  const char *a;
  const char *b;
  int expected;   /* -1, 0 or 1 */
} Pair;

static void
check_pairs (const Pair *pairs,
             gsize       n)
{
  for (gsize i = 0; i < n; i++)
    {
      int got = sign (ms_version_compare (pairs[i].a, pairs[i].b));
      int back = sign (ms_version_compare (pairs[i].b, pairs[i].a));

      if (got != pairs[i].expected || back != -pairs[i].expected)
        g_error ("compare (\"%s\", \"%s\") = %d (reverse %d), expected %d",
                 pairs[i].a, pairs[i].b, got, back, pairs[i].expected);
    }
}

static void
test_compare_basic (void)
{
  static const Pair pairs[] = {
    { "1.0", "1.0", 0 },
    { "1.0", "1.1", -1 },
    { "1.2.3", "1.2.10", -1 },   /* numbers, not text */
    { "0.9", "0.10", -1 },
    { "10", "9", 1 },
    { "2.0.0", "10.0.0", -1 },
    { "4.14.0", "4.14.1", -1 },
    { "1", "1.0", -1 },          /* end sorts before '.' */
    { "1.0", "1.0.0", -1 },
    { "0.1.0", "0.1", 1 },
    /* digit runs far beyond 64 bits must not overflow */
    { "1.99999999999999999999999", "1.100000000000000000000000", -1 },
    { "1.123456789012345678901234567890", "1.123456789012345678901234567891", -1 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_tilde (void)
{
  static const Pair pairs[] = {
    { "1.0~beta", "1.0", -1 },
    { "1.0~beta", "1.0~beta2", -1 },
    { "1.0~alpha", "1.0~beta", -1 },
    { "1.0~rc1", "1.0~rc10", -1 },
    { "1.0~", "1.0", -1 },       /* '~' is below even the end */
    { "1.0~~", "1.0~", -1 },
    { "~", "", -1 },
    { "1.0~beta", "1.0-beta", -1 },
    { "1.0~beta", "0.9", 1 },
    { "2.0~rc1", "1.9.9", 1 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_leading_zeros (void)
{
  static const Pair pairs[] = {
    { "1.01", "1.1", 0 },
    { "1.001", "1.1", 0 },
    { "1.0", "1.00", 0 },
    { "00", "0", 0 },
    { "007", "7", 0 },
    { "1.010", "1.9", 1 },
    { "v01", "v1", 0 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_letters (void)
{
  static const Pair pairs[] = {
    { "1.0", "1.0a", -1 },       /* end before letters */
    { "1.0a", "1.0b", -1 },
    { "1.0a", "1.0.1", -1 },     /* letters before other characters */
    { "1.0z", "1.0+dev", -1 },
    { "a", "1", 1 },             /* a letter outranks a digit run's start */
    { "v1", "1", 1 },
    { "A", "a", -1 },            /* letters by ASCII code: capitals first */
    { "1.0+dev", "1.0", 1 },
    { "4.14.0", "4.14.0+flambda", -1 },
    { "1.0+dev", "1.0.1", -1 },  /* '+' < '-' < '.' < '_' */
    { "1.0-1", "1.0.1", -1 },
    { "1.0_1", "1.0.1", 1 },
    { "dev", "dev", 0 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_no_debian_split (void)
{
  /* dpkg would read "1.0-2" as upstream 1.0, revision 2, and "2:0.1" as
   * epoch 2; opam has neither and compares the text part by part. */
  static const Pair pairs[] = {
    { "1.0-2", "1.0.2", -1 },    /* '-' < '.'; dpkg: 1.0 < 1.0.2 too, but for another reason */
    { "1.0-2", "1.0-10", -1 },
    { "1.0-2-3", "1.0-2.3", -1 },
    { "1.0-1", "1.0", 1 },       /* the trailing "-1" is more text, not a revision */
    { "1-2", "1.2", -1 },        /* dpkg: "1-2" is upstream 1 rev 2, "1.2" is newer too */
    { "2-0", "10", -1 },         /* numbers first: 2 < 10 */
    { "1.0-a", "1.0-b", -1 },
    /* An epoch would make dpkg put 2:0.1 above 1.0; opam just compares. */
    { "2:0.1", "10.0", -1 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_empty (void)
{
  static const Pair pairs[] = {
    { "", "", 0 },
    { "", "0", 0 },              /* zero digits and no digits are the same number */
    { "", "1", -1 },
    { "", "a", -1 },
    { "", "~", 1 },
    { "", "+", -1 },
    { "0", "~", 1 },
  };

  check_pairs (pairs, G_N_ELEMENTS (pairs));
}

static void
test_compare_total_order (void)
{
  /* Strictly increasing: every pair must compare in list order, which also
   * checks antisymmetry and transitivity on this sample. */
  static const char *const sorted[] = {
    "~~", "~", "~1", "", "1~", "1", "1.0~alpha", "1.0~alpha2", "1.0~beta",
    "1.0~rc1", "1.0", "1.0a", "1.0b", "1.0+dev", "1.0-2", "1.0-10", "1.0.1",
    "1.0.2", "1.0.10", "1.0_1", "1.1", "1.9", "1.10", "2", "10", "A", "Z",
    "a", "z", "z+", "+", "-", ".", "_",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sorted); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (sorted); j++)
      {
        int got = sign (ms_version_compare (sorted[i], sorted[j]));
        int expected = (i > j) - (i < j);

        if (got != expected)
          g_error ("compare (\"%s\", \"%s\") = %d, expected %d",
                   sorted[i], sorted[j], got, expected);
      }
}

static void
test_valid (void)
{
  static const char *const good[] = {
    "1.0", "0", "1.0~beta", "v1.0+dev_2-3", "~", "A.b", "4.14.0+flambda",
    "1.0-2", "20240101", "dev", "-", "1..2",
  };
  static const char *const bad[] = {
    "", "1.0 beta", "1:2", "1/2", "1.0\n", "\t1.0", "é", "1,0", "1;0",
    "1@2", "1.0!", "(1.0)", "1.0\x7f", "\xff",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *message = NULL;

      if (!ms_version_is_valid (good[i], &message))
        g_error ("\"%s\" rejected: %s", good[i], message);
      g_assert_null (message);
      g_assert_true (ms_version_is_valid (good[i], NULL));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *message = NULL;

      if (ms_version_is_valid (bad[i], &message))
        g_error ("\"%s\" accepted", bad[i]);
      g_assert_nonnull (message);
      g_assert_true (g_utf8_validate (message, -1, NULL));
      for (const char *p = message; *p != '\0'; p++)
        g_assert_false ((unsigned char) *p < 0x20 || *p == 0x7f);
      g_assert_false (ms_version_is_valid (bad[i], NULL));
    }
}

static void
test_valid_messages (void)
{
  g_autofree char *space = NULL;
  g_autofree char *newline = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *colon = NULL;

  g_assert_false (ms_version_is_valid ("1.0 beta", &space));
  g_assert_cmpstr (space, ==, "“1.0 beta” is not an opam version: a space is not "
                   "allowed (use letters, digits and + . _ ~ -)");

  g_assert_false (ms_version_is_valid ("1.0\n", &newline));
  g_assert_nonnull (strstr (newline, "“1.0\\x0a”"));
  g_assert_nonnull (strstr (newline, "control character \\x0a"));

  g_assert_false (ms_version_is_valid ("", &empty));
  g_assert_cmpstr (empty, ==, "a version cannot be empty");

  g_assert_false (ms_version_is_valid ("1:2", &colon));
  g_assert_nonnull (strstr (colon, "“:” is not allowed"));
}

static void
test_satisfies (void)
{
  static const struct {
    const char *v, *min, *max;
    gboolean expected;
  } cases[] = {
    { "2.1.0", "2.1.0", "3.0.0", TRUE },     /* min is inclusive */
    { "3.0.0", "2.1.0", "3.0.0", FALSE },    /* max is exclusive */
    { "2.9.9", "2.1.0", "3.0.0", TRUE },
    { "3.0.0~beta1", "2.1.0", "3.0.0", TRUE },
    { "2.1.0~rc1", "2.1.0", "3.0.0", FALSE },
    { "2.0.9", "2.1.0", "3.0.0", FALSE },
    { "2.01.0", "2.1.0", NULL, TRUE },
    { "0.1", NULL, NULL, TRUE },
    { "0.1", "", "", TRUE },
    { "99", NULL, "100", TRUE },
    { "100", NULL, "100", FALSE },
    { "1.0-1", "1.0", "1.0.1", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    if (ms_version_satisfies (cases[i].v, cases[i].min, cases[i].max) != cases[i].expected)
      g_error ("satisfies (\"%s\", \"%s\", \"%s\") != %d", cases[i].v,
               cases[i].min ? cases[i].min : "(null)",
               cases[i].max ? cases[i].max : "(null)", cases[i].expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/version/compare/basic", test_compare_basic);
  g_test_add_func ("/version/compare/tilde", test_compare_tilde);
  g_test_add_func ("/version/compare/leading-zeros", test_compare_leading_zeros);
  g_test_add_func ("/version/compare/letters", test_compare_letters);
  g_test_add_func ("/version/compare/no-debian-split", test_compare_no_debian_split);
  g_test_add_func ("/version/compare/empty", test_compare_empty);
  g_test_add_func ("/version/compare/total-order", test_compare_total_order);
  g_test_add_func ("/version/valid", test_valid);
  g_test_add_func ("/version/valid/messages", test_valid_messages);
  g_test_add_func ("/version/satisfies", test_satisfies);

  return g_test_run ();
}
