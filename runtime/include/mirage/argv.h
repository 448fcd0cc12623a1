/* mirage/argv.h: the command line, parsed into typed runtime arguments.
 *
 * Each device (and the unikernel) declares its runtime arguments as
 * mirage_arg records; mirage_args_parse reads argv into them the way
 * cmdliner does for a Mirage unikernel: `--name=value` or `--name value`,
 * `-x value` / `-xvalue` for one-letter names, `--` ends the options.
 * Bool arguments also take a bare `--name` for true. A bad value is
 * reported naming the option and the expected type:
 *   hello: option '--port': invalid value 'http', expected a port number (0-65535)
 * `--help` (or `--help=plain`) prints every argument grouped by section,
 * with its doc and default. Exit statuses are Mirage's: 63 after --help,
 * 64 for any argument error.
 *
 * The argv device itself (Mirage's default_argv / no_argv) is just the
 * process's argument vector: see mirage_argv below.
 */
#ifndef MIRAGE_ARGV_H
#define MIRAGE_ARGV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mirage/ipaddr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MIRAGE_EXIT_HELP 63
#define MIRAGE_EXIT_ARGUMENT_ERROR 64

/* The range of MIRAGE_ARG_INT: OCaml's int on 64-bit hosts (-2^62 ..
 * 2^62-1), the range the catalog's `int` and mstudio check accept. */
#define MIRAGE_ARG_INT_MAX INT64_C (4611686018427387903)
#define MIRAGE_ARG_INT_MIN (-MIRAGE_ARG_INT_MAX - 1)

typedef enum {
  MIRAGE_ARG_STRING,
  MIRAGE_ARG_INT,            /* OCaml's int: MIRAGE_ARG_INT_MIN..MAX, in value.i */
  MIRAGE_ARG_INT64,
  MIRAGE_ARG_BOOL,
  MIRAGE_ARG_PORT,
  MIRAGE_ARG_IP,            /* IPv4 or IPv6 */
  MIRAGE_ARG_IPV4,
  MIRAGE_ARG_IPV6,
  MIRAGE_ARG_IPV4_PREFIX,
  MIRAGE_ARG_IPV6_PREFIX,
  MIRAGE_ARG_LOG_THRESHOLDS, /* repeatable; occurrences joined by ',' */
} mirage_arg_type;

typedef union {
  const char *s;
  int64_t i;                /* MIRAGE_ARG_INT: 63 bits, as OCaml's int */
  int64_t i64;
  bool b;
  uint16_t port;
  mirage_ipaddr ip;
  mirage_prefix prefix;
} mirage_arg_value;

typedef struct mirage_arg {
  /* declared */
  const char *name;          /* long flag without dashes: "ipv4-gateway" */
  char short_name;           /* 'l', or 0 */
  mirage_arg_type type;
  const char *docv;          /* placeholder in --help; NULL: from the type */
  const char *doc;
  const char *section;       /* NULL: "APPLICATION OPTIONS" */
  const char *default_value; /* text; NULL or "" with !required: no value */
  const char *env;           /* environment variable read when absent */
  bool required;
  /* filled by mirage_args_parse */
  bool present;              /* given on the command line or environment */
  bool has_value;            /* present or defaulted */
  const char *text;          /* the text parsed (points into argv, env or default) */
  mirage_arg_value value;
  char *owned_;              /* private: joined log thresholds */
} mirage_arg;

typedef struct {
  const char *name;          /* program name used in messages and --help */
  const char *doc;           /* one-line description for --help, or NULL */
  mirage_arg **args;
  size_t n_args;
  FILE *out;                 /* --help; NULL: stdout */
  FILE *err;                 /* errors; NULL: stderr */
} mirage_args;

/* Returns 0 (go on), MIRAGE_EXIT_HELP (help printed) or
 * MIRAGE_EXIT_ARGUMENT_ERROR (message printed). */
int mirage_args_parse (const mirage_args *spec, int argc, char **argv);

/* @text for a terminal: control characters, bidirectional and
 * zero-width characters and bytes that are not UTF-8 as escapes
 * (\x1b, \u202e); malloc'ed, NULL when out of memory. --help and
 * argument errors print project text through it. */
char *mirage_args_escape (const char *text);

/* Parses @text as a value of @type; on error returns -EINVAL and the
 * description of the expected type ("a port number (0-65535)"). */
int mirage_arg_parse_value (mirage_arg_type type, const char *text,
                            mirage_arg_value *out, const char **expected);

/* Frees what parsing allocated (the joined log thresholds). */
void mirage_args_clear (const mirage_args *spec);

/* The argv device. */
typedef struct {
  int argc;
  char **argv;
} mirage_argv;

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_ARGV_H */
