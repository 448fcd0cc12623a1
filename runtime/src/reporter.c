/* reporter.c: default_reporter and no_reporter (mirage/reporter.h). */
#include "mirage/reporter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

typedef struct {
  mirage_reporter base;
  mirage_ptime *clock;
  int fd;
} fd_reporter;

static const char *const level_tags[] = {
  "", "", "[ERROR] ", "[WARNING] ", "[INFO] ", "[DEBUG] ",
};

/* The UTC calendar date of a count of days since 1970-01-01 (the civil
 * calendar's 400-year cycle). Done here rather than with gmtime_r, which
 * in glibc reads the time zone file first: six system calls before the
 * first log line, and a file the sandbox would rather not open. */
static void
civil_from_days (long long z, long long *y, int *m, int *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;                                 /* [0, 146096] */
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
  long long mp = (5 * doy + 2) / 153;                               /* [0, 11], from March */
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

size_t
mirage_reporter_format (char *buf, size_t size, long long posix_s,
                        const mirage_log_src *src, mirage_log_level level,
                        const char *msg, size_t len)
{
  long long days = posix_s / 86400, secs = posix_s % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  long long year;
  int month, day;
  civil_from_days (days, &year, &month, &day);
  const char *tag = (unsigned) level < sizeof level_tags / sizeof level_tags[0]
    ? level_tags[level] : "";
  int n = snprintf (buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d-00:00: %s[%s] %.*s",
                    year, month, day, (int) (secs / 3600), (int) (secs / 60 % 60),
                    (int) (secs % 60), tag, src->name, (int) len, msg);
  if (n < 0)
    return 0;
  return (size_t) n < size ? (size_t) n : size - 1;
}

static void
write_all (int fd, const char *p, size_t len)
{
  while (len > 0) {
    ssize_t w = write (fd, p, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    p += w;
    len -= (size_t) w;
  }
}

static void
fd_report (mirage_reporter *r, const mirage_log_src *src, mirage_log_level level,
           const char *msg, size_t len)
{
  fd_reporter *self = (fd_reporter *) r;
  int64_t now = mirage_ptime_now_ns (self->clock);
  long long secs = now >= 0 ? now / 1000000000 : (now - 999999999) / 1000000000;
  char line[1024];
  size_t n = mirage_reporter_format (line, sizeof line, secs, src, level, msg, len);
  if (n + 1 < sizeof line) {
    line[n] = '\n';
    write_all (self->fd, line, n + 1);
    return;
  }
  /* too long for the buffer: header, message and newline in one writev */
  n = mirage_reporter_format (line, sizeof line, secs, src, level, "", 0);
  struct iovec iov[3] = {
    { line, n }, { (void *) msg, len }, { (void *) "\n", 1 },
  };
  if (writev (self->fd, iov, 3) < 0) {
    /* nowhere left to report it */
  }
}

static const struct mirage_reporter_ops fd_ops = { fd_report };
static fd_reporter the_default = { { &fd_ops }, NULL, 2 };

mirage_reporter *
mirage_default_reporter (mirage_ptime *clock, int fd)
{
  the_default.clock = clock ? clock : mirage_default_ptime ();
  the_default.fd = fd;
  return &the_default.base;
}

static void
null_report (mirage_reporter *r, const mirage_log_src *src, mirage_log_level level,
             const char *msg, size_t len)
{
}

static const struct mirage_reporter_ops null_ops = { null_report };
static mirage_reporter the_null = { &null_ops };

mirage_reporter *
mirage_no_reporter (void)
{
  return &the_null;
}
