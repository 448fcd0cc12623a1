/* mirage/log.h: log sources, levels and thresholds, as Logs in Mirage.
 *
 * Code logs through a source (`MIRAGE_LOG_SRC (tcp_src, "tcp", "TCP layer")`)
 * at a level; a message is kept when its level is at or below its source's
 * threshold and then handed to the installed reporter (mirage/reporter.h),
 * which formats and writes it. Thresholds come from -l/--logs: a list like
 * "*:info,tcp:debug" or a bare level for every source ("*:LEVEL"); an
 * entry naming a source wins over "*", and among equals the later wins.
 * Sources not named take the default level (register's default_level,
 * "info" unless set otherwise).
 */
#ifndef MIRAGE_LOG_H
#define MIRAGE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  MIRAGE_LOG_QUIET = 0,   /* as a threshold: nothing */
  MIRAGE_LOG_APP,
  MIRAGE_LOG_ERROR,
  MIRAGE_LOG_WARNING,
  MIRAGE_LOG_INFO,
  MIRAGE_LOG_DEBUG,
} mirage_log_level;

typedef struct mirage_log_src mirage_log_src;
struct mirage_log_src {
  const char *name;
  const char *doc;
  /* private: cached threshold and the configuration generation it is for */
  int level_;
  unsigned gen_;
};

#define MIRAGE_LOG_SRC_INIT(name, doc) { (name), (doc), 0, 0 }
#define MIRAGE_LOG_SRC(var, name, doc) \
  static mirage_log_src var = MIRAGE_LOG_SRC_INIT (name, doc)

/* The source "application", Logs' default. */
extern mirage_log_src mirage_log_application;

mirage_log_level mirage_log_src_level (mirage_log_src *src);

static inline bool
mirage_log_enabled (mirage_log_src *src, mirage_log_level level)
{
  return level != MIRAGE_LOG_QUIET && level <= mirage_log_src_level (src);
}

void mirage_log (mirage_log_src *src, mirage_log_level level, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

#define MIRAGE_LOG_AT(src, level, ...) \
  do { if (mirage_log_enabled ((src), (level))) mirage_log ((src), (level), __VA_ARGS__); } while (0)
#define mirage_log_app(src, ...)   MIRAGE_LOG_AT (src, MIRAGE_LOG_APP, __VA_ARGS__)
#define mirage_log_err(src, ...)   MIRAGE_LOG_AT (src, MIRAGE_LOG_ERROR, __VA_ARGS__)
#define mirage_log_warn(src, ...)  MIRAGE_LOG_AT (src, MIRAGE_LOG_WARNING, __VA_ARGS__)
#define mirage_log_info(src, ...)  MIRAGE_LOG_AT (src, MIRAGE_LOG_INFO, __VA_ARGS__)
#define mirage_log_debug(src, ...) MIRAGE_LOG_AT (src, MIRAGE_LOG_DEBUG, __VA_ARGS__)

/* Level names: quiet, app, error, warning, info, debug (any case). */
int mirage_log_level_parse (const char *text, size_t len, mirage_log_level *out);
const char *mirage_log_level_name (mirage_log_level level);

/* Checks a -l/--logs value without applying it. On error returns -EINVAL
 * and writes a message naming the bad part into @err. */
int mirage_log_thresholds_check (const char *spec, char *err, size_t errlen);

/* Applies a -l/--logs value on top of the current thresholds (as a repeated
 * -l does). Same errors as mirage_log_thresholds_check; nothing is applied
 * on error. */
int mirage_log_set_thresholds (const char *spec, char *err, size_t errlen);

/* The level of sources no threshold names, and of "*". */
void mirage_log_set_default_level (mirage_log_level level);

/* Forgets every threshold (tests). */
void mirage_log_reset (void);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_LOG_H */
