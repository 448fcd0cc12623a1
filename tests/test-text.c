/* test-text.c: how project text is shown (ms-text): invisible characters
 * and those that reorder text become escapes, the rest stays readable. */
#include "ms-text.h"

static void
test_terminal (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "plain text", "plain text" },
    { "Grüße, 東京", "Grüße, 東京" },                     /* readable UTF-8 stays */
    { "a\nb\tc\rd", "a\\nb\\tc\\rd" },
    { "\x1b[31mred", "\\x1b[31mred" },
    { "del\x7f", "del\\x7f" },
    { "c1\xc2\x85", "c1\\u0085" },
    { "exe\xe2\x80\xaetxt", "exe\\u202etxt" },              /* RIGHT-TO-LEFT OVERRIDE */
    { "zero\xe2\x80\x8bwidth", "zero\\u200bwidth" },        /* ZERO WIDTH SPACE */
    { "\xef\xbb\xbf" "bom", "\\ufeffbom" },                 /* BOM */
    { "line\xe2\x80\xa8sep", "line\\u2028sep" },            /* LINE SEPARATOR */
    { "nb\xc2\xa0sp", "nb\\u00a0sp" },                      /* a space that is not one */
    { "pua\xf3\xb0\x80\x80", "pua\\U000f0000" },           /* private use, plane 15 */
    { "bad\xff\xfe", "bad\\xff\\xfe" },                     /* not UTF-8: per byte */
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = ms_text_escape_terminal (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *got = ms_text_escape_terminal (NULL);
    g_assert_cmpstr (got, ==, "");
  }
}

static void
test_visible (void)
{
  g_assert_true (ms_text_unichar_is_visible ('a'));
  g_assert_true (ms_text_unichar_is_visible (' '));
  g_assert_true (ms_text_unichar_is_visible (0x00fc));
  g_assert_false (ms_text_unichar_is_visible (0x202e));
  g_assert_false (ms_text_unichar_is_visible (0x2066));   /* LEFT-TO-RIGHT ISOLATE */
  g_assert_false (ms_text_unichar_is_visible (0x200d));   /* ZERO WIDTH JOINER */
  g_assert_false (ms_text_unichar_is_visible (0x2029));
  g_assert_false (ms_text_unichar_is_visible (0x3000));
  g_assert_false (ms_text_unichar_is_visible (0xe000));
}

static void
test_json (void)
{
  g_autoptr(GString) s = g_string_new (NULL);

  ms_text_append_json_escape (s, 0x202e);
  ms_text_append_json_escape (s, 0xf0000);
  g_assert_cmpstr (s->str, ==, "\\u202e\\udb80\\udc00");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/terminal", test_terminal);
  g_test_add_func ("/text/visible", test_visible);
  g_test_add_func ("/text/json", test_json);
  return g_test_run ();
}
