/* test-log.c: log levels, -l/--logs thresholds and the reporter's format. */
#include "mirage/reporter.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

MIRAGE_LOG_SRC (tcp_src, "tcp", "TCP");
MIRAGE_LOG_SRC (dns_src, "dns", "DNS");

static char last[512];
static int reports;

static void
capture (mirage_reporter *r, const mirage_log_src *src, mirage_log_level level,
         const char *msg, size_t len)
{
  mirage_reporter_format (last, sizeof last, 1795262400, src, level, msg, len);
  reports++;
}

static const struct mirage_reporter_ops capture_ops = { capture };
static mirage_reporter capturer = { &capture_ops };

int
main (void)
{
  mirage_log_level l;
  char err[256];

  tap_ok (mirage_log_level_parse ("debug", 5, &l) == 0 && l == MIRAGE_LOG_DEBUG, "debug parses");
  tap_ok (mirage_log_level_parse ("WARNING", 7, &l) == 0 && l == MIRAGE_LOG_WARNING, "levels ignore case");
  tap_ok (mirage_log_level_parse ("quiet", 5, &l) == 0 && l == MIRAGE_LOG_QUIET, "quiet parses");
  tap_ok (mirage_log_level_parse ("verbose", 7, &l) == -EINVAL, "an unknown level is refused");

  tap_is (mirage_log_src_level (&tcp_src), MIRAGE_LOG_INFO, "info by default");
  mirage_log_set_default_level (MIRAGE_LOG_WARNING);
  tap_is (mirage_log_src_level (&tcp_src), MIRAGE_LOG_WARNING, "register's default level applies");

  tap_is (mirage_log_set_thresholds ("*:debug", err, sizeof err), 0, "*:debug");
  tap_ok (mirage_log_src_level (&tcp_src) == MIRAGE_LOG_DEBUG && mirage_log_src_level (&dns_src) == MIRAGE_LOG_DEBUG,
          "*:debug applies to every source");
  mirage_log_reset ();
  tap_is (mirage_log_set_thresholds ("tcp:error,info", err, sizeof err), 0, "tcp:error,info");
  tap_ok (mirage_log_src_level (&tcp_src) == MIRAGE_LOG_ERROR && mirage_log_src_level (&dns_src) == MIRAGE_LOG_INFO,
          "a named source gets its level, the others the bare level");
  mirage_log_reset ();
  mirage_log_set_thresholds ("dns:debug,*:quiet", err, sizeof err);
  tap_ok (mirage_log_src_level (&dns_src) == MIRAGE_LOG_DEBUG && mirage_log_src_level (&tcp_src) == MIRAGE_LOG_QUIET,
          "a named source wins over a later *");
  mirage_log_set_thresholds ("dns:app", err, sizeof err);
  tap_is (mirage_log_src_level (&dns_src), MIRAGE_LOG_APP, "a later -l overrides an earlier one");
  mirage_log_reset ();
  mirage_log_set_default_level (MIRAGE_LOG_INFO);

  tap_ok (mirage_log_set_thresholds ("tcp:loud", err, sizeof err) == -EINVAL
          && strstr (err, "invalid log level 'loud' in 'tcp:loud'"), "bad level: %s", err);
  tap_ok (mirage_log_set_thresholds (":debug", err, sizeof err) == -EINVAL && strstr (err, "empty log source"),
          "empty source: %s", err);
  tap_ok (mirage_log_set_thresholds ("info,dns:bad", err, sizeof err) == -EINVAL
          && mirage_log_src_level (&tcp_src) == MIRAGE_LOG_INFO, "nothing applied when any part is bad");
  tap_ok (mirage_log_thresholds_check ("", err, sizeof err) == 0, "an empty value is no change");

  mirage_reporter_install (&capturer);
  mirage_log_info (&mirage_log_application, "Hello %s!", "World");
  tap_ok (strcmp (last, "2026-11-21T12:00:00-00:00: [INFO] [application] Hello World!") == 0, "line format: %s", last);
  mirage_log_err (&tcp_src, "reset by peer");
  tap_ok (strcmp (last, "2026-11-21T12:00:00-00:00: [ERROR] [tcp] reset by peer") == 0, "error line: %s", last);
  mirage_log_warn (&tcp_src, "w");
  tap_ok (strstr (last, "[WARNING] [tcp] w") != NULL, "warning tag");
  mirage_log_app (&tcp_src, "plain");
  tap_ok (strcmp (last, "2026-11-21T12:00:00-00:00: [tcp] plain") == 0, "app level has no tag: %s", last);
  int before = reports;
  mirage_log_debug (&tcp_src, "hidden %d", 1);
  tap_is (reports, before, "below the threshold nothing is reported");

  /* the default reporter writes whole lines to its descriptor */
  int p[2];
  if (pipe (p) != 0)
    return 1;
  mirage_reporter_install (mirage_default_reporter (mirage_mock_ptime (INT64_C(1795262400) * 1000000000), p[1]));
  mirage_log_info (&dns_src, "resolved %s", "example.org");
  char long_msg[3000];
  memset (long_msg, 'x', sizeof long_msg - 1);
  long_msg[sizeof long_msg - 1] = '\0';
  mirage_log_info (&dns_src, "%s", long_msg);
  close (p[1]);
  static char got[8192];
  size_t n = 0;
  ssize_t r;
  while ((r = read (p[0], got + n, sizeof got - 1 - n)) > 0)
    n += (size_t) r;
  got[n] = '\0';
  close (p[0]);
  tap_ok (strncmp (got, "2026-11-21T12:00:00-00:00: [INFO] [dns] resolved example.org\n", 61) == 0,
          "default reporter line: %.61s", got);
  char *second = strchr (got, '\n');
  tap_ok (second && strlen (second + 1) == 2999 + strlen ("2026-11-21T12:00:00-00:00: [INFO] [dns] ") + 1
          && got[n - 1] == '\n', "a long message is written whole");
  mirage_reporter_install (NULL);
  mirage_log_reset ();
  /* the calendar is computed, not asked of gmtime_r: they agree, leap
   * days, centuries and the seconds before 1970 included */
  {
    static const long long at[] = {
      0, -1, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800, 4107542400 /* 2100-03-01 */,
      4107456000, 1709164800 /* 2024-02-29 */, -2208988800 /* 1900-01-01 */, 253402300799 /* 9999-12-31T23:59:59 */,
    };
    MIRAGE_LOG_SRC (cal_src, "cal", "calendar");
    int bad = 0;
    char want[64];
    for (size_t i = 0; i < sizeof at / sizeof at[0] + 2000; i++) {
      long long s = i < sizeof at / sizeof at[0] ? at[i]
                    : (long long) (i * 7919ULL * 104729ULL % 8000000000ULL) - 2000000000LL;
      time_t t = (time_t) s;
      struct tm tm;
      gmtime_r (&t, &tm);
      strftime (want, sizeof want, "%Y-%m-%dT%H:%M:%S-00:00: [cal] x", &tm);
      mirage_reporter_format (last, sizeof last, s, &cal_src, MIRAGE_LOG_APP, "x", 1);
      if (strcmp (last, want) != 0 && bad++ == 0)
        tap_diag ("at %lld: %s, gmtime_r says %s", s, last, want);
    }
    tap_is (bad, 0, "the date and time agree with gmtime_r over 2,012 instants");
  }

  return tap_done ();
}
