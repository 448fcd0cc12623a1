/* tap.h: a tiny Test Anything Protocol helper for the runtime's tests
 * (no GLib here). Each check prints "ok N - desc" or "not ok N - desc"
 * with the place; tap_done prints the plan "1..N" and gives the exit
 * status. */
#ifndef MIRAGE_TAP_H
#define MIRAGE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failed;

__attribute__ ((format (printf, 4, 5), unused)) static bool
tap_ok_ (bool cond, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  printf ("%sok %d - ", cond ? "" : "not ", ++tap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
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
  vprintf (fmt, ap);
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
