/* tap.h: a tiny Test Anything Protocol helper for the runtime's tests
 * (no GLib here). Each check prints "ok N - desc" or "not ok N - desc"
 * with the place; tap_done prints the plan "1..N" and gives the exit
 * status. */
#ifndef MIRAGE_TAP_H
#define MIRAGE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

/* Prints @fmt's text; a line break in it (a server's answer put in a
 * description) goes on as a "# " diagnostic line, since TAP takes every
 * other line for output it does not know. Trailing line breaks are
 * dropped. */
__attribute__ ((format (printf, 1, 0), unused)) static void
tap_print_ (const char *fmt, va_list ap)
{
  char small[1024], *text = small;
  va_list ap2;
  int n;
  va_copy (ap2, ap);
  n = vsnprintf (small, sizeof small, fmt, ap);
  if (n < 0)
    n = 0;
  if ((size_t) n >= sizeof small && (text = malloc ((size_t) n + 1)) != NULL)
    vsnprintf (text, (size_t) n + 1, fmt, ap2);
  else if (text == NULL)
    {
      text = small;
      n = (int) sizeof small - 1;
    }
  va_end (ap2);
  while (n > 0 && text[n - 1] == '\n')
    n--;
  for (int i = 0; i < n; i++)
    if (text[i] == '\n')
      fputs ("\n# ", stdout);
    else
      putchar (text[i]);
  if (text != small)
    free (text);
}

__attribute__ ((format (printf, 4, 5), unused)) static bool
tap_ok_ (bool cond, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  printf ("%sok %d - ", cond ? "" : "not ", ++tap_count);
  va_start (ap, fmt);
  tap_print_ (fmt, ap);
  va_end (ap);
  printf ("\n");
  if (!cond) {
    printf ("#   failed at %s:%d\n", file, line);
    tap_failed++;
  }
  fflush (stdout);
  return cond;
}

#define tap_ok(cond, ...) tap_ok_ (!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define tap_is(got, want, ...) \
  do { long long g_ = (long long) (got), w_ = (long long) (want); \
       if (!tap_ok (g_ == w_, __VA_ARGS__)) printf ("#   got %lld, want %lld\n", g_, w_); } while (0)

__attribute__ ((unused)) static void
tap_diag (const char *fmt, ...)
{
  va_list ap;
  printf ("# ");
  va_start (ap, fmt);
  tap_print_ (fmt, ap);
  va_end (ap);
  printf ("\n");
}

__attribute__ ((unused)) static int
tap_done (void)
{
  printf ("1..%d\n", tap_count);
  return tap_failed ? 1 : 0;
}

#endif
