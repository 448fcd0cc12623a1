/* ms-version.c: opam version ordering.
 *
 * opam orders versions with the Debian algorithm (OpamVersionCompare), but
 * applied to the whole string: there is no epoch before ':' and no revision
 * after the last '-', so "1.0-2" is compared part by part like any other
 * text. The string is read as alternating runs of non-digits and digits.
 * Non-digit runs compare character by character with '~' lowest (below even
 * the end of the string, so "1.0~beta" < "1.0"), then the end of a run, then
 * letters, then every other character by its code. Digit runs compare as
 * numbers, so leading zeros do not count ("1.01" == "1.1"). */
#include "ms-version.h"

#include <string.h>

/* The weight of one character inside a non-digit run; a digit or the end of
 * the string ends the run and weighs 0. */
static int
char_order (char c)
{
  if (c == '\0' || g_ascii_isdigit (c))
    return 0;
  if (c == '~')
    return -1;
  if (g_ascii_isalpha (c))
    return (unsigned char) c;
  return (unsigned char) c + 256;
}

int
ms_version_compare (const char *a,
                    const char *b)
{
  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (b != NULL, 0);

  while (*a != '\0' || *b != '\0')
    {
      int first_diff = 0;

      while ((*a != '\0' && !g_ascii_isdigit (*a)) ||
             (*b != '\0' && !g_ascii_isdigit (*b)))
        {
          int ac = char_order (*a);
          int bc = char_order (*b);

          if (ac != bc)
            return ac < bc ? -1 : 1;
          /* Equal weights inside this loop mean the same non-digit on both
           * sides: at least one side is not at a digit or the end, and those
           * are the only characters weighing 0. */
          a++;
          b++;
        }

      while (*a == '0')
        a++;
      while (*b == '0')
        b++;

      /* Equal-length digit runs are ordered by their first differing digit;
       * a longer run (after the zeros) is the larger number. */
      while (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          if (first_diff == 0)
            first_diff = *a - *b;
          a++;
          b++;
        }
      if (g_ascii_isdigit (*a))
        return 1;
      if (g_ascii_isdigit (*b))
        return -1;
      if (first_diff != 0)
        return first_diff < 0 ? -1 : 1;
    }

  return 0;
}

static gboolean
is_version_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("+._~-", c) != NULL);
}

gboolean
ms_version_is_valid (const char *v,
                     char      **message)
{
  const char *p;

  g_return_val_if_fail (v != NULL, FALSE);

  if (message != NULL)
    *message = NULL;

  if (*v == '\0')
    {
      if (message != NULL)
        *message = g_strdup ("a version cannot be empty");
      return FALSE;
    }

  for (p = v; *p != '\0'; p++)
    {
      if (!is_version_char (*p))
        {
          if (message != NULL)
            {
              g_autoptr(GString) what = g_string_new (NULL);
              gunichar c = g_utf8_get_char_validated (p, -1);
              g_autoptr(GString) shown = g_string_new (NULL);
              const char *q;

              /* Show the version itself with anything invisible escaped,
               * so a stray newline or tab can be seen in the message. */
              for (q = v; *q != '\0'; q++)
                {
                  if ((unsigned char) *q < 0x20 || *q == 0x7f)
                    g_string_append_printf (shown, "\\x%02x", (unsigned char) *q);
                  else
                    g_string_append_c (shown, *q);
                }
              if (!g_utf8_validate (shown->str, shown->len, NULL))
                {
                  g_autofree char *fixed = g_utf8_make_valid (shown->str, shown->len);
                  g_string_assign (shown, fixed);
                }

              if (*p == ' ')
                g_string_append (what, "a space");
              else if ((unsigned char) *p < 0x20 || *p == 0x7f)
                g_string_append_printf (what, "the control character \\x%02x",
                                        (unsigned char) *p);
              else if (c == (gunichar) -1 || c == (gunichar) -2)
                g_string_append_printf (what, "the byte \\x%02x", (unsigned char) *p);
              else
                {
                  g_string_append (what, "“");
                  g_string_append_len (what, p, g_utf8_next_char (p) - p);
                  g_string_append (what, "”");
                }

              *message = g_strdup_printf ("“%s” is not an opam version: %s is not "
                                          "allowed (use letters, digits and + . _ ~ -)",
                                          shown->str, what->str);
            }
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
ms_version_satisfies (const char *v,
                      const char *min,
                      const char *max)
{
  g_return_val_if_fail (v != NULL, FALSE);

  if (min != NULL && *min != '\0' && ms_version_compare (v, min) < 0)
    return FALSE;
  if (max != NULL && *max != '\0' && ms_version_compare (v, max) >= 0)
    return FALSE;
  return TRUE;
}
