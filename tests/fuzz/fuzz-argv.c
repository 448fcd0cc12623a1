/* fuzz-argv.c: libFuzzer target for the runtime's command-line parser
 * (runtime/src/argv.c): mirage_args_parse over any argument vector, with
 * project text (the program's name, a doc, a section, a default) that
 * --help and the error messages print through mirage_args_escape, and
 * each type's value parser. The input is split at NUL bytes: the first
 * piece is the project text, the others are argv[1...]. Nothing may
 * crash or leak, and escaped text never carries a control byte. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirage/argv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_ARGS 64

/* the escaped text shows no C0 control byte, no DEL and no C1 control
 * (U+0080..U+009F, encoded 0xc2 0x80..0x9f) */
static void
check_escaped (const char *raw)
{
  char *e = mirage_args_escape (raw);
  if (!e)
    return;
  for (const unsigned char *p = (const unsigned char *) e; *p; p++)
    if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
      __builtin_trap ();
  free (e);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *null_out;
  if (!null_out)
    null_out = fopen ("/dev/null", "w");

  /* a NUL-terminated copy, cut into pieces */
  char *buf = malloc (size + 1);
  if (!buf)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  char *argv[MAX_ARGS + 2];
  int argc = 0;
  char *text = buf;
  argv[argc++] = "fuzz";
  for (char *p = buf + strlen (buf) + 1; p <= buf + size && argc <= MAX_ARGS; p += strlen (p) + 1)
    argv[argc++] = p;
  argv[argc] = NULL;

  check_escaped (text);
  for (int t = MIRAGE_ARG_STRING; t <= MIRAGE_ARG_LOG_THRESHOLDS; t++) {
    mirage_arg_value v;
    const char *expected = NULL;
    if (mirage_arg_parse_value ((mirage_arg_type) t, text, &v, &expected) < 0 && !expected)
      __builtin_trap ();   /* a refusal always names the expected type */
  }

  /* one argument of each type; the project text as a doc, a section, a
   * default, the program's name */
  mirage_arg a_str = { .name = "name", .short_name = 'n', .type = MIRAGE_ARG_STRING, .doc = text,
                       .default_value = text };
  mirage_arg a_int = { .name = "count", .short_name = 'c', .type = MIRAGE_ARG_INT, .default_value = "3" };
  mirage_arg a_i64 = { .name = "big", .type = MIRAGE_ARG_INT64, .section = text };
  mirage_arg a_bool = { .name = "verbose", .short_name = 'v', .type = MIRAGE_ARG_BOOL, .default_value = "false" };
  mirage_arg a_port = { .name = "port", .short_name = 'p', .type = MIRAGE_ARG_PORT, .default_value = "8080" };
  mirage_arg a_ip = { .name = "ip", .type = MIRAGE_ARG_IP, .docv = text };
  mirage_arg a_ip4 = { .name = "ipv4", .type = MIRAGE_ARG_IPV4, .section = "NETWORK OPTIONS" };
  mirage_arg a_ip6 = { .name = "ipv6", .type = MIRAGE_ARG_IPV6, .section = "NETWORK OPTIONS" };
  mirage_arg a_p4 = { .name = "ipv4-prefix", .type = MIRAGE_ARG_IPV4_PREFIX, .default_value = text };
  mirage_arg a_p6 = { .name = "ipv6-prefix", .type = MIRAGE_ARG_IPV6_PREFIX };
  mirage_arg a_logs = { .name = "logs", .short_name = 'l', .type = MIRAGE_ARG_LOG_THRESHOLDS,
                        .section = "COMMON OPTIONS" };
  mirage_arg *args[] = { &a_str, &a_int, &a_i64, &a_bool, &a_port, &a_ip, &a_ip4, &a_ip6, &a_p4, &a_p6, &a_logs };
  mirage_args spec = { .name = text, .doc = text, .args = args, .n_args = sizeof args / sizeof args[0],
                       .out = null_out, .err = null_out };

  int r = mirage_args_parse (&spec, argc, argv);
  if (r != 0 && r != MIRAGE_EXIT_HELP && r != MIRAGE_EXIT_ARGUMENT_ERROR)
    __builtin_trap ();
  if (r == 0)
    for (size_t i = 0; i < spec.n_args; i++)
      if (args[i]->present && !args[i]->text)
        __builtin_trap ();   /* a value given is a value kept */
  mirage_args_clear (&spec);
  free (buf);
  return 0;
}
