/* mirage/reporter.h: the reporter device, where log lines go.
 *
 * default_reporter writes one line per message, as mirage-logs does:
 *   2026-11-21T12:00:00-00:00: [INFO] [application] Hello World!
 * (time from the ptime device, RFC 3339 in UTC with the "-00:00" of an
 * unknown local offset; no level tag for the App level), to a descriptor
 * (standard error by default), with one write(2) per line.
 * no_reporter drops everything.
 */
#ifndef MIRAGE_REPORTER_H
#define MIRAGE_REPORTER_H

#include <stddef.h>

#include "mirage/log.h"
#include "mirage/ptime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mirage_reporter mirage_reporter;

struct mirage_reporter_ops {
  void (*report) (mirage_reporter *r, const mirage_log_src *src,
                  mirage_log_level level, const char *msg, size_t len);
};

struct mirage_reporter {
  const struct mirage_reporter_ops *ops;
};

/* Installs @r as the destination of mirage_log (NULL: drop messages). */
void mirage_reporter_install (mirage_reporter *r);
mirage_reporter *mirage_reporter_installed (void);

/* Timestamps from @clock, lines to @fd. One instance per process: later
 * calls reconfigure it. */
mirage_reporter *mirage_default_reporter (mirage_ptime *clock, int fd);
mirage_reporter *mirage_no_reporter (void);

/* Formats a line as default_reporter does, without the newline; returns
 * its length (truncated to @size - 1 if longer). */
size_t mirage_reporter_format (char *buf, size_t size, long long posix_s,
                               const mirage_log_src *src, mirage_log_level level,
                               const char *msg, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_REPORTER_H */
