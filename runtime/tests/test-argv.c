/* test-argv.c: typed runtime arguments: good and bad values of each type,
 * both option spellings, defaults, environment, --help. */
#include "mirage/argv.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static mirage_arg a_hello = { .name = "hello", .type = MIRAGE_ARG_STRING, .default_value = "Hello World!", .doc = "How to say hello." };
static mirage_arg a_count = { .name = "count", .type = MIRAGE_ARG_INT, .default_value = "4", .doc = "How many times." };
static mirage_arg a_big = { .name = "big", .type = MIRAGE_ARG_INT64, .default_value = "0" };
static mirage_arg a_flag = { .name = "verbose", .type = MIRAGE_ARG_BOOL, .default_value = "false", .doc = "A flag." };
static mirage_arg a_port = { .name = "port", .type = MIRAGE_ARG_PORT, .default_value = "8080", .section = "NETWORK OPTIONS" };
static mirage_arg a_ipv4 = { .name = "ipv4", .type = MIRAGE_ARG_IPV4_PREFIX, .default_value = "10.0.0.2/24", .docv = "PREFIX", .section = "NETWORK OPTIONS", .doc = "The unikernel's IPv4 address with its prefix length." };
static mirage_arg a_gw = { .name = "ipv4-gateway", .type = MIRAGE_ARG_IPV4, .default_value = "", .section = "NETWORK OPTIONS" };
static mirage_arg a_ipv6 = { .name = "ipv6", .type = MIRAGE_ARG_IPV6_PREFIX, .default_value = "", .section = "NETWORK OPTIONS" };
static mirage_arg a_gw6 = { .name = "ipv6-gateway", .type = MIRAGE_ARG_IPV6, .section = "NETWORK OPTIONS" };
static mirage_arg a_ip = { .name = "resolver", .type = MIRAGE_ARG_IP, .default_value = "::1" };
static mirage_arg a_logs = { .name = "logs", .short_name = 'l', .type = MIRAGE_ARG_LOG_THRESHOLDS, .env = "TEST_ARGV_LOGS", .section = "UNIKERNEL PARAMETERS" };
static mirage_arg a_key = { .name = "key", .type = MIRAGE_ARG_STRING, .required = true, .doc = "A required key." };

static mirage_arg *all[] = { &a_hello, &a_count, &a_big, &a_flag, &a_port, &a_ipv4, &a_gw, &a_ipv6, &a_gw6, &a_ip, &a_logs, &a_key };

static char outbuf[16384], errbuf[4096];

static int
parse (char **argv)
{
  FILE *out = fmemopen (outbuf, sizeof outbuf - 1, "w");
  FILE *err = fmemopen (errbuf, sizeof errbuf - 1, "w");
  memset (outbuf, 0, sizeof outbuf);
  memset (errbuf, 0, sizeof errbuf);
  mirage_args spec = { .name = "hello", .doc = "the hello unikernel", .args = all,
                       .n_args = sizeof all / sizeof all[0], .out = out, .err = err };
  int argc = 0;
  while (argv[argc])
    argc++;
  int r = mirage_args_parse (&spec, argc, argv);
  fclose (out);
  fclose (err);
  return r;
}

#define ARGV(...) ((char *[]) { "hello", __VA_ARGS__, NULL })

static void
bad (char **argv, const char *want, const char *what)
{
  int r = parse (argv);
  bool ok = r == MIRAGE_EXIT_ARGUMENT_ERROR && strstr (errbuf, want) && strstr (errbuf, "Try 'hello --help'");
  tap_ok (ok, "%s: %s", what, r == MIRAGE_EXIT_ARGUMENT_ERROR ? strtok (errbuf, "\n") : "accepted");
}

static void
clear (void)
{
  mirage_args spec = { .args = all, .n_args = sizeof all / sizeof all[0] };
  mirage_args_clear (&spec);
}

int
main (void)
{
  char buf[MIRAGE_IPADDR_STRLEN];
  unsetenv ("TEST_ARGV_LOGS");

  /* defaults */
  int r = parse (ARGV ("--key=k"));
  tap_is (r, 0, "defaults parse");
  tap_ok (strcmp (a_hello.value.s, "Hello World!") == 0 && !a_hello.present && a_hello.has_value, "string default");
  tap_is (a_count.value.i, 4, "int default");
  tap_is (a_port.value.port, 8080, "port default");
  tap_ok (strcmp (mirage_prefix_to_string (&a_ipv4.value.prefix, buf), "10.0.0.2/24") == 0, "prefix default keeps the host address: %s", buf);
  tap_ok (!a_gw.has_value && !a_ipv6.has_value && !a_gw6.has_value, "an empty default means no value");
  tap_ok (a_ip.value.ip.version == MIRAGE_IPV6, "ip default ::1 is IPv6");
  tap_ok (!a_flag.value.b, "bool default false");

  /* both spellings, every type */
  r = parse (ARGV ("--hello", "Hola", "--count=-3", "--big", "9000000000", "--verbose",
                   "--port=443", "--ipv4", "192.168.1.10/16", "--ipv4-gateway=192.168.1.1",
                   "--ipv6=fd00::2/64", "--ipv6-gateway", "fe80::1", "--resolver=1.1.1.1",
                   "--key", "secret"));
  tap_is (r, 0, "good values of every type parse: %s", errbuf);
  tap_ok (strcmp (a_hello.value.s, "Hola") == 0 && a_hello.present, "--name value");
  tap_is (a_count.value.i, -3, "--name=value, negative int");
  tap_ok (a_big.value.i64 == 9000000000LL, "int64 beyond 32 bits");
  tap_ok (a_flag.value.b, "bare bool flag is true");
  tap_is (a_port.value.port, 443, "port");
  tap_ok (strcmp (mirage_prefix_to_string (&a_ipv4.value.prefix, buf), "192.168.1.10/16") == 0, "ipv4 prefix %s", buf);
  tap_ok (strcmp (mirage_ipaddr_to_string (&a_gw.value.ip, buf), "192.168.1.1") == 0, "ipv4 %s", buf);
  tap_ok (strcmp (mirage_prefix_to_string (&a_ipv6.value.prefix, buf), "fd00::2/64") == 0, "ipv6 prefix %s", buf);
  tap_ok (strcmp (mirage_ipaddr_to_string (&a_gw6.value.ip, buf), "fe80::1") == 0, "ipv6 %s", buf);
  tap_ok (a_ip.value.ip.version == MIRAGE_IPV4, "ip accepts IPv4");

  r = parse (ARGV ("--verbose=false", "--key=x", "-l", "*:debug", "-lnet:warning", "--"));
  tap_ok (r == 0 && !a_flag.value.b, "--flag=false");
  tap_ok (a_logs.has_value && strcmp (a_logs.value.s, "*:debug,net:warning") == 0, "repeated -l joins: %s", a_logs.value.s ? a_logs.value.s : "(null)");
  r = parse (ARGV ("--verbose", "true", "--key=x"));
  tap_ok (r == 0 && a_flag.value.b, "--flag true");

  setenv ("TEST_ARGV_LOGS", "info", 1);
  r = parse (ARGV ("--key=x"));
  tap_ok (r == 0 && a_logs.present && strcmp (a_logs.value.s, "info") == 0, "value from the environment");
  setenv ("TEST_ARGV_LOGS", "loud", 1);
  bad (ARGV ("--key=x"), "environment variable 'TEST_ARGV_LOGS': invalid log level 'loud'", "bad environment value");
  unsetenv ("TEST_ARGV_LOGS");

  /* bad values name the flag and the type */
  bad (ARGV ("--key=x", "--count=12x"), "hello: option '--count': invalid value '12x', expected an integer", "int with junk");
  /* int is OCaml's int (issue 15, item 9): 63 bits, as mstudio check accepts */
  r = parse (ARGV ("--key=x", "--count=3000000000"));
  tap_ok (r == 0 && a_count.value.i == 3000000000LL, "int beyond 32 bits (OCaml's int): %s", errbuf);
  r = parse (ARGV ("--key=x", "--count=4611686018427387903"));
  tap_ok (r == 0 && a_count.value.i == MIRAGE_ARG_INT_MAX, "int: OCaml's max_int");
  r = parse (ARGV ("--key=x", "--count=-4611686018427387904"));
  tap_ok (r == 0 && a_count.value.i == MIRAGE_ARG_INT_MIN, "int: OCaml's min_int");
  bad (ARGV ("--key=x", "--count", "4611686018427387904"),
       "option '--count': invalid value '4611686018427387904', expected an integer from "
       "-4611686018427387904 to 4611686018427387903 (an OCaml int)", "int overflow names the range");
  bad (ARGV ("--key=x", "--count=-4611686018427387905"), "from -4611686018427387904 to 4611686018427387903",
       "int underflow names the range");
  {
    mirage_arg d = { .name = "d", .type = MIRAGE_ARG_INT, .default_value = "3000000000" };
    mirage_arg *one[] = { &d };
    mirage_args spec = { .name = "hello", .args = one, .n_args = 1 };
    r = mirage_args_parse (&spec, 1, ARGV ("--key=x"));
    tap_ok (r == 0 && d.value.i == 3000000000LL, "a default beyond 32 bits is the binary's own");
    mirage_args_clear (&spec);
  }
  bad (ARGV ("--key=x", "--big=1e3"), "option '--big': invalid value '1e3', expected a 64-bit integer", "int64");
  bad (ARGV ("--key=x", "--verbose=yes"), "option '--verbose': invalid value 'yes', expected either 'true' or 'false'", "bool");
  bad (ARGV ("--key=x", "--port=70000"), "option '--port': invalid value '70000', expected a port number (0-65535)", "port too big");
  bad (ARGV ("--key=x", "--port=-1"), "expected a port number", "negative port");
  bad (ARGV ("--key=x", "--ipv4-gateway=10.0.0.256"), "option '--ipv4-gateway': invalid value '10.0.0.256', expected an IPv4 address", "ipv4");
  bad (ARGV ("--key=x", "--ipv4-gateway=::1"), "expected an IPv4 address", "ipv6 where ipv4 expected");
  bad (ARGV ("--key=x", "--ipv4=10.0.0.2"), "option '--ipv4': invalid value '10.0.0.2', expected an IPv4 address with a prefix length", "prefix without length");
  bad (ARGV ("--key=x", "--ipv4=10.0.0.2/33"), "expected an IPv4 address with a prefix length", "prefix too long");
  bad (ARGV ("--key=x", "--ipv6=fd00::2/129"), "option '--ipv6': invalid value 'fd00::2/129', expected an IPv6 address with a prefix length", "ipv6 prefix too long");
  bad (ARGV ("--key=x", "--ipv6-gateway=fe80::1::2"), "expected an IPv6 address", "ipv6");
  bad (ARGV ("--key=x", "--resolver=localhost"), "option '--resolver': invalid value 'localhost', expected an IPv4 or IPv6 address", "ip");
  bad (ARGV ("--key=x", "-l", "tcp:loud"), "option '-l': invalid log level 'loud' in 'tcp:loud'", "log level");
  bad (ARGV ("--key=x", "--nope=1"), "unknown option '--nope'", "unknown option");
  bad (ARGV ("--key=x", "-z"), "unknown option '-z'", "unknown short option");
  bad (ARGV ("--key=x", "--count"), "option '--count' needs an argument", "missing value");
  bad (ARGV ("--key=x", "--count=1", "--count=2"), "option '--count' cannot be repeated", "repeated option");
  bad (ARGV ("--key=x", "stray"), "too many arguments, don't know what to do with 'stray'", "positional argument");
  bad (ARGV ("--count=1"), "required option '--key' is missing", "required argument");

  /* --help */
  r = parse (ARGV ("--help"));
  tap_is (r, MIRAGE_EXIT_HELP, "--help returns MIRAGE_EXIT_HELP");
  tap_ok (strstr (outbuf, "NAME\n       hello - the hello unikernel\n") != NULL, "help names the unikernel");
  tap_ok (strstr (outbuf, "       --hello=VAL (absent=Hello World!)\n           How to say hello.\n") != NULL, "help shows doc and default");
  tap_ok (strstr (outbuf, "       --ipv4=PREFIX (absent=10.0.0.2/24)\n") != NULL, "help shows the docv");
  tap_ok (strstr (outbuf, "--key=VAL (required)") != NULL, "help marks required arguments");
  tap_ok (strstr (outbuf, "-l LEVEL, --logs=LEVEL (absent TEST_ARGV_LOGS env)") != NULL, "help shows short names and env");
  char *net = strstr (outbuf, "NETWORK OPTIONS\n"), *app = strstr (outbuf, "APPLICATION OPTIONS\n");
  tap_ok (net && app && app < net, "sections in order of first appearance");
  tap_ok (parse (ARGV ("--help=plain")) == MIRAGE_EXIT_HELP, "--help=plain");
  bad (ARGV ("--help=html"), "option '--help': invalid value 'html'", "--help with a bad format");
  clear ();

  /* --help prints project text escaped (issue 15, item 15): ESC, bidi
   * controls, zero-width characters, BOM, U+2028, C1 and bad UTF-8 */
  {
    mirage_arg h = { .name = "motd", .type = MIRAGE_ARG_STRING,
                     .default_value = "\x1b[2J\xe2\x80\xae" "evil\xe2\x80\xac\xc2\x9b",
                     .doc = "Zero\xe2\x80\x8bwidth\xef\xbb\xbf and\xe2\x80\xa8" "line \xff caf\xc3\xa9" "",
                     .section = "S\x07" };
    mirage_arg *one[] = { &h };
    FILE *out = fmemopen (outbuf, sizeof outbuf - 1, "w");
    memset (outbuf, 0, sizeof outbuf);
    mirage_args spec = { .name = "uni\x1bk", .doc = "a \xe2\x81\xa6" "doc", .args = one, .n_args = 1, .out = out };
    r = mirage_args_parse (&spec, 2, ARGV ("--help"));
    fclose (out);
    tap_is (r, MIRAGE_EXIT_HELP, "--help with hostile defaults and docs");
    bool raw = false;
    for (const unsigned char *q = (const unsigned char *) outbuf; *q; q++)
      if ((*q < 0x20 && *q != '\n') || *q == 0x7f || *q == 0xff
          || (q[0] == 0xe2 && q[1] == 0x80 && (q[2] == 0xae || q[2] == 0xac || q[2] == 0x8b || q[2] == 0xa8))
          || (q[0] == 0xe2 && q[1] == 0x81 && q[2] == 0xa6) || (q[0] == 0xef && q[1] == 0xbb && q[2] == 0xbf)
          || (q[0] == 0xc2 && q[1] == 0x9b))
        raw = true;
    tap_ok (!raw, "no raw control, bidi or zero-width character in the help");
    tap_ok (strstr (outbuf, "--motd=VAL (absent=\\x1b[2J\\u202eevil\\u202c\\u009b)") != NULL,
            "the default is shown escaped");
    tap_ok (strstr (outbuf, "Zero\\u200bwidth\\ufeff and\\u2028line \\xff caf\xc3\xa9" "") != NULL,
            "the doc is shown escaped, other characters as they are");
    tap_ok (strstr (outbuf, "uni\\x1bk - a \\u2066doc") != NULL && strstr (outbuf, "S\\x07\n") != NULL,
            "name, doc and section escaped");
    mirage_args_clear (&spec);
  }
  bad (ARGV ("--key=x", "--count=\x1b]0;pwned\x07"), "invalid value '\\x1b]0;pwned\\x07'",
       "a bad value is quoted escaped");
  clear ();
  return tap_done ();
}
