/* log.c: log levels, thresholds and dispatch to the reporter (mirage/log.h).
 *
 * Thresholds are a list of (source name or "*", level) kept in the order
 * given; a source's level is that of the last entry naming it, else of the
 * last "*" entry, else the default level. The answer is cached in the
 * source and recomputed when the configuration generation changes.
 */
#include "mirage/log.h"
#include "mirage/reporter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

mirage_log_src mirage_log_application = MIRAGE_LOG_SRC_INIT ("application", "The unikernel's own messages");

typedef struct {
  char *name;        /* NULL: "*" */
  mirage_log_level level;
} threshold;

static struct {
  threshold *items;
  size_t n;
  mirage_log_level default_level;
  bool default_set;
  unsigned gen;
  mirage_reporter *reporter;
} conf = { .gen = 1 };

static const char *const level_names[] = {
  "quiet", "app", "error", "warning", "info", "debug",
};

int
mirage_log_level_parse (const char *text, size_t len, mirage_log_level *out)
{
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
    if (strlen (level_names[i]) == len && strncasecmp (text, level_names[i], len) == 0) {
      *out = (mirage_log_level) i;
      return 0;
    }
  return -EINVAL;
}

const char *
mirage_log_level_name (mirage_log_level level)
{
  if ((unsigned) level < sizeof level_names / sizeof level_names[0])
    return level_names[level];
  return "?";
}

/* Parses @spec; with @apply, appends its entries to the configuration. */
static int
thresholds (const char *spec, bool apply, char *err, size_t errlen)
{
  for (int pass = apply ? 0 : 1; pass < 2; pass++) {
    /* pass 0 checks everything, pass 1 applies (or checks only) */
    const char *p = spec ? spec : "";
    while (*p) {
      const char *end = strchr (p, ',');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      const char *colon = memchr (p, ':', len);
      const char *lv = colon ? colon + 1 : p;
      size_t lvlen = colon ? len - (size_t) (colon - p) - 1 : len;
      mirage_log_level level;
      if (len == 0 || (colon && colon == p)) {
        if (err)
          snprintf (err, errlen, "empty log source in '%s'", spec);
        return -EINVAL;
      }
      if (mirage_log_level_parse (lv, lvlen, &level) < 0) {
        if (err)
          snprintf (err, errlen,
                    "invalid log level '%.*s' in '%s' (expected quiet, app, error, warning, info or debug)",
                    (int) lvlen, lv, spec);
        return -EINVAL;
      }
      if (pass == 1 && apply) {
        threshold *n = realloc (conf.items, (conf.n + 1) * sizeof *n);
        if (!n)
          return -ENOMEM;
        conf.items = n;
        char *name = NULL;
        if (colon && !(colon - p == 1 && *p == '*')) {
          name = strndup (p, (size_t) (colon - p));
          if (!name)
            return -ENOMEM;
        }
        conf.items[conf.n].name = name;
        conf.items[conf.n].level = level;
        conf.n++;
        conf.gen++;
      }
      p += len;
      if (*p == ',')
        p++;
    }
    if (!apply)
      break;
  }
  return 0;
}

int
mirage_log_thresholds_check (const char *spec, char *err, size_t errlen)
{
  return thresholds (spec, false, err, errlen);
}

int
mirage_log_set_thresholds (const char *spec, char *err, size_t errlen)
{
  return thresholds (spec, true, err, errlen);
}

void
mirage_log_set_default_level (mirage_log_level level)
{
  conf.default_level = level;
  conf.default_set = true;
  conf.gen++;
}

void
mirage_log_reset (void)
{
  for (size_t i = 0; i < conf.n; i++)
    free (conf.items[i].name);
  free (conf.items);
  conf.items = NULL;
  conf.n = 0;
  conf.default_set = false;
  conf.gen++;
}

mirage_log_level
mirage_log_src_level (mirage_log_src *src)
{
  if (src->gen_ == conf.gen)
    return (mirage_log_level) src->level_;
  mirage_log_level level = conf.default_set ? conf.default_level : MIRAGE_LOG_INFO;
  bool named = false;
  for (size_t i = 0; i < conf.n; i++) {
    if (conf.items[i].name && strcmp (conf.items[i].name, src->name) == 0) {
      level = conf.items[i].level;
      named = true;
    } else if (!conf.items[i].name && !named) {
      level = conf.items[i].level;
    }
  }
  src->level_ = (int) level;
  src->gen_ = conf.gen;
  return level;
}

void
mirage_reporter_install (mirage_reporter *r)
{
  conf.reporter = r;
}

mirage_reporter *
mirage_reporter_installed (void)
{
  return conf.reporter;
}

void
mirage_log (mirage_log_src *src, mirage_log_level level, const char *fmt, ...)
{
  if (!conf.reporter || !mirage_log_enabled (src, level))
    return;
  char small[512];
  char *msg = small;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t) n >= sizeof small) {
    msg = malloc ((size_t) n + 1);
    if (!msg) {
      msg = small;
      n = (int) sizeof small - 1;
    } else {
      va_start (ap, fmt);
      vsnprintf (msg, (size_t) n + 1, fmt, ap);
      va_end (ap);
    }
  }
  conf.reporter->ops->report (conf.reporter, src, level, msg, (size_t) n);
  if (msg != small)
    free (msg);
}
