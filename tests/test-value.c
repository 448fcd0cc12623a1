/* test-value.c: value-type checks for options, keys and runtime arguments.
 * Each type gets a table of values that must pass and values that must
 * fail; every failure message is checked to be one printable line, and a
 * few are checked word for word because users read them. */
#include <glib.h>
#include <string.h>

#include "ms-value.h"

#define SHA256_FP "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE"
#define SHA256_HEX "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
#define SHA224_FP "VKL3+Spfl12Alq93oSbt2n2mDFqocu8bhxcBrg"
#define SHA384_FP "11LCxR+6DimqGQVwqdQlPkQHegWNMpf6OlYw1b0BJiL5fCisrtMTtcg7uZDKp9qF"
#define SHA512_FP "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg"
#define SHA1_FP "EfatjsUqKYSrqv18O1FlA3hcIHI"
#define ED25519_KEY "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define SSH_ED25519_PUB "AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SSH_DSS_PUB "AAAAB3NzaC1kc3MAAAAAAAAAAAAA"
/* A self-signed ed25519 certificate made with openssl, as DER in base64. */
#define CERT "MIIBLDCB36ADAgECAhRY3ZQ+cdyV5yKPSy+joKJWG0WTJjAFBgMrZXAwDDEKMAgGA1UEAwwBdDAeFw0yNjExMjExMjU2MTNaFw0yNjExMjIxMjU2MTNaMAwxCjAIBgNVBAMMAXQwKjAFBgMrZXADIQAU6tyUpfUHWBzBDdKMAq7zEJaeW/xXFKBfTJKfYuOcM6NTMFEwHQYDVR0OBBYEFMPHc7dENHBqUW9DFoewKlBYfZxEMB8GA1UdIwQYMBaAFMPHc7dENHBqUW9DFoewKlBYfZxEMA8GA1UdEwEB/wQFMAMBAf8wBQYDK2VwA0EAj3TCscOt+W0zc4i/PpYzoVHlgoqlMPmpttYWPiGkcWLHM5Mu5Jdm6/m7Cy492dm6KMU8qthhVBagI+jpfeA0DA=="

static const char *const base_types[] = {
  "string", "int", "int64", "bool", "port", "ipv4", "ipv6", "ip",
  "ipv4_prefix", "ipv6_prefix", "nameserver", "ssh_key", "ssh_authenticator",
  "tls_authenticator", "log_level", "log_thresholds", "headers",
};

/* A message is one printable, valid UTF-8 line. */
static void
assert_printable (const char *message)
{
  g_assert_nonnull (message);
  g_assert_cmpuint (strlen (message), >, 0);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_error ("control character U+%04X in message: %s", c, message);
    }
}

static void
check_table (const char        *type,
             const char *const *good,
             gsize              n_good,
             const char *const *bad,
             gsize              n_bad)
{
  for (gsize i = 0; i < n_good; i++)
    {
      g_autofree char *message = NULL;

      if (!ms_value_check (type, good[i], &message))
        g_error ("%s: \"%s\" rejected: %s", type, good[i], message);
      g_assert_null (message);
      g_assert_true (ms_value_check (type, good[i], NULL));
    }

  for (gsize i = 0; i < n_bad; i++)
    {
      g_autofree char *message = NULL;

      if (ms_value_check (type, bad[i], &message))
        g_error ("%s: \"%s\" accepted", type, bad[i]);
      assert_printable (message);
      g_assert_false (ms_value_check (type, bad[i], NULL));
      if (g_test_verbose ())
        g_test_message ("%s: %s", type, message);
    }
}

#define CHECK_TABLE(type, good, bad) \
  check_table (type, good, G_N_ELEMENTS (good), bad, G_N_ELEMENTS (bad))

static void
assert_message (const char *type,
                const char *value,
                const char *expected)
{
  g_autofree char *message = NULL;

  g_assert_false (ms_value_check (type, value, &message));
  g_assert_cmpstr (message, ==, expected);
}

static void
assert_message_contains (const char *type,
                         const char *value,
                         const char *part)
{
  g_autofree char *message = NULL;

  g_assert_false (ms_value_check (type, value, &message));
  if (strstr (message, part) == NULL)
    g_error ("%s \"%s\": message \"%s\" lacks \"%s\"", type, value, message, part);
}

static void
test_empty (void)
{
  static const char *const composite[] = {
    "enum:a,b", "list:int", "list:nameserver", "arg:ipv4_prefix",
    "key:enum:crunch,direct",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (base_types); i++)
    g_assert_true (ms_value_check (base_types[i], "", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (composite); i++)
    g_assert_true (ms_value_check (composite[i], "", NULL));
}

static void
test_type_known (void)
{
  static const char *const known[] = {
    "enum:a", "enum:crunch,direct", "enum:unix,hvt,unikraft-firecracker",
    "list:nameserver", "list:int", "list:enum:a,b", "list:arg:int", "list:key:string",
    "arg:int", "key:enum:crunch,direct", "arg:list:ipv4", "key:string",
    "key:log_thresholds",
  };
  static const char *const unknown[] = {
    "", "foo", "String", "int ", " int", "ipv4prefix", "enum:", "enum:a,,b",
    "enum:a,", "enum:,a", "enum:a,a", "enum:a b", "enum:a\tb", "list:", "list:foo",
    "list:list:int", "list:headers", "list:log_thresholds", "arg:", "arg:foo",
    "arg:arg:int", "key:key:int", "arg:key:int", "list:arg:arg:int", "LIST:int",
    "list int",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (base_types); i++)
    g_assert_true (ms_value_type_is_known (base_types[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (!ms_value_type_is_known (known[i]))
      g_error ("\"%s\" should be known", known[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autofree char *message = NULL;

      if (ms_value_type_is_known (unknown[i]))
        g_error ("\"%s\" should be unknown", unknown[i]);
      /* An unknown type is a catalog error, reported even for "". */
      g_assert_false (ms_value_check (unknown[i], "", &message));
      assert_printable (message);
      g_assert_nonnull (strstr (message, "unknown"));
    }
}

static void
test_string (void)
{
  static const char *const good[] = {
    "x", "hello world", "a,b,c", "ünïcödé", "with\nnewline", " ", "\"quoted\"",
  };
  static const char *const bad[] = { NULL };

  check_table ("string", good, G_N_ELEMENTS (good), bad, 0);
}

static void
test_int (void)
{
  static const char *const good[] = {
    "0", "1", "-1", "+5", "42", "007", "-0",
    "4611686018427387903", "-4611686018427387904",
  };
  static const char *const bad[] = {
    "4611686018427387904", "-4611686018427387905", "9223372036854775807",
    "99999999999999999999999", "1.5", "1e3", "0x10", "1_000", " 1", "1 ", "-",
    "+", "--1", "ten", "12L", "١٢",
  };

  CHECK_TABLE ("int", good, bad);
  assert_message ("int", "ten",
                  "expected a whole number in decimal (an OCaml int), got “ten”");
  assert_message ("int", "4611686018427387904",
                  "“4611686018427387904” is out of range for an OCaml int "
                  "(from -4611686018427387904 to 4611686018427387903)");
}

static void
test_int64 (void)
{
  static const char *const good[] = {
    "0", "-1", "1000000000", "9223372036854775807", "-9223372036854775808",
    "9223372036854775807L", "-9223372036854775808L", "5L", "+3",
  };
  static const char *const bad[] = {
    "9223372036854775808", "-9223372036854775809", "L", "-L", "5l", "5LL",
    "1.0", "1s", "0x1", " 5", "five",
  };

  CHECK_TABLE ("int64", good, bad);
  assert_message_contains ("int64", "9223372036854775808", "does not fit in 64 bits");
}

static void
test_bool (void)
{
  static const char *const good[] = { "true", "false" };
  static const char *const bad[] = {
    "True", "FALSE", "yes", "no", "1", "0", "on", " true", "true ",
  };

  CHECK_TABLE ("bool", good, bad);
  assert_message ("bool", "yes", "expected true or false, got “yes”");
}

static void
test_port (void)
{
  static const char *const good[] = { "0", "1", "53", "443", "8080", "65535", "00080" };
  static const char *const bad[] = {
    "65536", "-1", "+80", "http", "80.0", "1e3", " 80", "80 ", "99999999999999999999",
  };

  CHECK_TABLE ("port", good, bad);
  assert_message ("port", "http", "expected an integer from 0 to 65535 (a port), got “http”");
}

static void
test_ipv4 (void)
{
  static const char *const good[] = {
    "0.0.0.0", "10.0.0.2", "255.255.255.255", "192.168.1.1", "1.2.3.4", "100.64.0.0",
  };
  static const char *const bad[] = {
    "256.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "01.2.3.4",
    "1.2.3.04", "10.0.0.2/24", "a.b.c.d", "1.2.3.4 ", " 1.2.3.4", "::1",
    "0x7f.0.0.1", "1.2.3.4:80", "99999999999999.1.1.1", "1.2.3.-4", "１.2.3.4",
  };

  CHECK_TABLE ("ipv4", good, bad);
  assert_message ("ipv4", "1.2.300.4", "“1.2.300.4” is not an IPv4 address: 300 is larger than 255");
  assert_message_contains ("ipv4", "010.0.0.1", "leading zero");
  assert_message_contains ("ipv4", "1.2.3", "four numbers");
}

static void
test_ipv6 (void)
{
  static const char *const good[] = {
    "::", "::1", "fd00::2", "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001",
    "2001:db8:0:0:0:0:0:1", "FE80::1", "fe80::a:b:c:d", "1::", "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "::ffff:192.168.1.1", "::192.168.1.1",
    "64:ff9b::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4",
  };
  static const char *const bad[] = {
    ":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::",
    "g::1", "fe80::1%eth0", "[::1]", "::ffff:256.1.1.1", "::1.2.3",
    "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4", "::1.2.3.4:5", "fd00::2/64", " ::1",
    "::1 ", "1:2:3:4:5:6:7:8:", "::ffff:01.2.3.4",
  };

  CHECK_TABLE ("ipv6", good, bad);
  assert_message_contains ("ipv6", "1::2::3", "“::” may appear only once");
  assert_message_contains ("ipv6", "12345::", "the group “12345” has more than four hex digits");
  assert_message_contains ("ipv6", "fe80::1%eth0", "zone");
  assert_message_contains ("ipv6", "::ffff:300.1.1.1", "embedded IPv4 part, 300 is larger than 255");
}

static void
test_ip (void)
{
  static const char *const good[] = { "10.0.0.1", "::1", "fd00::2", "::ffff:1.2.3.4" };
  static const char *const bad[] = { "10.0.0.256", "1::2::3", "localhost", "10.0.0.1/8", "[::1]" };

  CHECK_TABLE ("ip", good, bad);
  assert_message_contains ("ip", "[::1]", "remove the brackets");
  assert_message ("ip", "localhost",
                  "“localhost” is not an IP address: “l” is not allowed here");
}

static void
test_ipv4_prefix (void)
{
  static const char *const good[] = {
    "10.0.0.2/24", "0.0.0.0/0", "255.255.255.255/32", "192.168.1.77/16", "10.0.0.0/8",
  };
  static const char *const bad[] = {
    "10.0.0.2", "10.0.0.2/", "/24", "10.0.0.2/33", "10.0.0.2/-1", "10.0.0.2/024",
    "10.0.0.2/24/8", "10.0.0.300/24", "10.0.0/24", "fd00::2/64", "10.0.0.2/ 24",
    "10.0.0.2/24 ", "10.0.0.2/255.255.255.0", "10.0.0.2/99999999999999999999999",
  };

  CHECK_TABLE ("ipv4_prefix", good, bad);
  assert_message ("ipv4_prefix", "10.0.0.300/24",
                  "“10.0.0.300/24” is not an IPv4 prefix: 300 is larger than 255");
  assert_message ("ipv4_prefix", "10.0.0.2/33",
                  "“10.0.0.2/33” is not an IPv4 prefix: the prefix length 33 is larger than 32");
  assert_message_contains ("ipv4_prefix", "10.0.0.2", "“/LENGTH” part is missing");
}

static void
test_ipv6_prefix (void)
{
  static const char *const good[] = {
    "fd00::2/64", "::/0", "::1/128", "2001:db8::/32", "::ffff:10.0.0.1/96",
  };
  static const char *const bad[] = {
    "fd00::2", "fd00::2/129", "fd00::2/", "/64", "10.0.0.2/24", "fd00:::2/64",
    "[fd00::2]/64", "fd00::2/064", "fd00::2/6x",
  };

  CHECK_TABLE ("ipv6_prefix", good, bad);
  assert_message_contains ("ipv6_prefix", "fd00::2/129", "129 is larger than 128");
}

static void
test_nameserver (void)
{
  static const char *const good[] = {
    "udp:192.168.1.1", "udp:192.168.1.1:53", "tcp:8.8.8.8", "tcp:8.8.8.8:5353",
    "tls:1.1.1.1", "tls:1.1.1.1:853", "udp:::1", "tcp:2001:db8::1",
    "tcp:[2001:db8::1]:53", "tcp:[2001:db8::1]", "tls:[2606:4700:4700::1111]:853",
    "tls:1.1.1.1!cloudflare-dns.com", "tls:1.1.1.1:853!one.one.one.one",
    "tls:9.9.9.9!dns.quad9.net!key-fp:" SHA256_FP,
    "tls:9.9.9.9!key-fp:sha256:" SHA256_FP, "tls:9.9.9.9!cert-fp:" SHA256_FP,
    "tls:9.9.9.9!dns.quad9.net!none", "tls:9.9.9.9!trust-anchor:" CERT,
    "tls:1.1.1.1!", "tls:1.1.1.1!dns.example!",
    /* "none" is a valid host name, so ocaml-dns reads it as one (and then
     * uses the default CAs); it is still a valid nameserver. */
    "tls:1.1.1.1!none",
  };
  static const char *const bad[] = {
    "192.168.1.1", "dns:1.1.1.1", "UDP:1.1.1.1", "udp:", "udp:1.1.1", "udp:1.1.1.1:",
    "udp:1.1.1.1:65536", "udp:1.1.1.1:dns", "tcp:[2001:db8::1]:", "tcp:[2001:db8::1",
    "tcp:[1.1.1.1]:53", "tcp:[2001:db8::1]x", "tcp:2001:db8:::1", "udp:1.1.1.1!x",
    "tls:1.1.1.1!key-fp:nothex!", "tls:1.1.1.1!host!key-fp:short",
    "tls:1.1.1.1!bad_host!", "udp:dns.google", "tls:1.1.1.1:853:1",
    "udp: 1.1.1.1",
  };

  CHECK_TABLE ("nameserver", good, bad);
  assert_message_contains ("nameserver", "tcp:2001:db8:::1", "in brackets when a port follows");
  assert_message_contains ("nameserver", "udp:1.1.1.1:65536",
                           "expected a port number from 0 to 65535 after “:”, got “65536”");
  assert_message_contains ("nameserver", "dns:1.1.1.1", "expected udp:IP, tcp:IP or tls:IP");
  assert_message_contains ("nameserver", "tls:1.1.1.1!host!key-fp:short",
                           "after the host name is wrong");
  assert_message ("nameserver", "udp:1.1.1.1:",
                  "“udp:1.1.1.1:” is not a nameserver: the port number after “:” is missing");
}

static void
test_ssh_key (void)
{
  static const char *const good[] = {
    "rsa:my-seed", "rsa:AAAA", "RSA:x", "ed25519:" ED25519_KEY, "ED25519:" ED25519_KEY,
  };
  static const char *const bad[] = {
    "my-seed", "rsa:", "rsa:a:b", "dsa:seed", "ed25519:", "ed25519:AAAA",
    "ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",  /* padding is required */
    "ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=x", "ed25519:not base64!",
    ":seed",
  };

  CHECK_TABLE ("ssh_key", good, bad);
  assert_message_contains ("ssh_key", "ed25519:AAAAAAAAAAAAAAAAAAAAAA==",
                           "32 bytes (44 base64 characters), but this one decodes to 16");
  assert_message_contains ("ssh_key", "dsa:seed", "unknown key type “dsa”");
  assert_message_contains ("ssh_key", ":seed", "the key type before “:” is missing");
}

static void
test_ssh_authenticator (void)
{
  static const char *const good[] = {
    "SHA256:" SHA256_FP, "SHA256:" SHA256_FP "=", "ed25519:" SHA256_FP,
    "rsa:" SHA256_FP, SSH_ED25519_PUB,
  };
  static const char *const bad[] = {
    "sha256:" SHA256_FP, "MD5:" SHA256_FP, "SHA256:", "SHA256:" SHA1_FP,
    "SHA256:" SHA256_FP ":x", "SHA256:not*base64", SSH_DSS_PUB, "hello world",
    "SHA256:" SHA256_HEX,
  };

  CHECK_TABLE ("ssh_authenticator", good, bad);
  assert_message_contains ("ssh_authenticator", "sha256:" SHA256_FP, "SHA256 in capitals");
  assert_message_contains ("ssh_authenticator", "SHA256:" SHA1_FP, "decodes to 20");
}

static void
test_tls_authenticator (void)
{
  static const char *const good[] = {
    "none", "key-fp:" SHA256_FP, "key-fp:sha256:" SHA256_FP, "key-fp:SHA256:" SHA256_FP,
    "cert-fp:" SHA256_FP, "cert-fp:sha224:" SHA224_FP, "cert-fp:sha384:" SHA384_FP,
    "key-fp:sha512:" SHA512_FP, "key-fp:" SHA256_FP "=", "trust-anchor:" CERT,
    "trust-anchor:" CERT ":" CERT,
  };
  static const char *const bad[] = {
    "None", "none:", "key-fp", "key-fp:", "key-fp:sha256:", "key-fp:md5:" SHA256_FP,
    "key-fp:sha1:" SHA1_FP, "key-fp:sha384:" SHA256_FP, "key-fp:" SHA256_HEX,
    "key-fp:sha256:" SHA256_FP ":x", "cert-fp:not*b64", "trust-anchor", "trust-anchor:",
    "trust-anchor:" CERT ":", "trust-anchor:AAAA", "trust-anchor:***", "pinned:abc",
    "key-fp:" SHA256_FP "===",
  };

  CHECK_TABLE ("tls_authenticator", good, bad);
  assert_message_contains ("tls_authenticator", "key-fp:" SHA256_HEX, "looks like hex");
  assert_message_contains ("tls_authenticator", "key-fp:md5:" SHA256_FP,
                           "unknown hash algorithm “md5”");
  assert_message_contains ("tls_authenticator", "key-fp:sha384:" SHA256_FP,
                           "a SHA384 fingerprint is 48 bytes, but this one decodes to 32");
  assert_message_contains ("tls_authenticator", "trust-anchor:AAAA",
                           "certificate 1 is not a DER certificate");
}

static void
test_log_level (void)
{
  static const char *const good[] = { "quiet", "app", "error", "warning", "info", "debug" };
  static const char *const bad[] = { "Debug", "warn", "verbose", "info,debug", " info", "*:info" };

  CHECK_TABLE ("log_level", good, bad);
  assert_message ("log_level", "warn",
                  "expected one of quiet, app, error, warning, info, debug, got “warn”");
}

static void
test_log_thresholds (void)
{
  static const char *const good[] = {
    "info", "*:info", "dns:debug", "*:info,dns:debug", "debug,tcpip.tcp:quiet",
    "dns.client:warning,*:error", "app",
  };
  static const char *const bad[] = {
    "verbose", "*:info,", ",info", "*:info,,dns:debug", "dns:", ":debug", "dns:debug:x",
    "dns debug", "my src:info", "*:info, dns:debug", "dns:Debug",
  };

  CHECK_TABLE ("log_thresholds", good, bad);
  assert_message ("log_thresholds", "*:info,dns:verbose",
                  "item 2 of the list: “dns:verbose” is not a log threshold: “verbose” is not "
                  "a log level (quiet, app, error, warning, info or debug)");
  assert_message_contains ("log_thresholds", "*:info,,dns:debug", "item 2 of the list is empty");
  assert_message_contains ("log_thresholds", "dns:", "the level after “:” is missing");
}

static void
test_headers (void)
{
  static const char *const good[] = {
    "X-Foo:bar", "Accept:text/html", "a:", "x-a:1,x-b:2", "Cache-Control:max-age=60",
    "X-Token: abc", "!#$%&'*+-.^_`|~:v", "X:a:b",
  };
  static const char *const bad[] = {
    "X-Foo", ":bar", "X Foo:bar", "X-Foo:bar,", "X-Foo:bar,,Y:z", "X(1):bar",
    "X-Foo:a\x01" "b", "é:x", "X-Foo:bar,Y",
  };

  CHECK_TABLE ("headers", good, bad);
  assert_message_contains ("headers", "X-Foo:bar,Y Z:1",
                           "item 2 of the list: “Y Z:1” is not an HTTP header: “ ” is not "
                           "allowed in a header name");
}

static void
test_enum (void)
{
  static const char *const good[] = { "crunch", "direct" };
  static const char *const bad[] = { "Crunch", "crunch ", "fat", "crunch,direct", "c" };
  static const char *const target_good[] = { "unix", "unikraft-firecracker" };
  static const char *const target_bad[] = { "unikraft" };

  CHECK_TABLE ("enum:crunch,direct", good, bad);
  CHECK_TABLE ("enum:unix,hvt,unikraft-firecracker", target_good, target_bad);
  assert_message ("enum:crunch,direct", "fat", "expected one of crunch, direct, got “fat”");
}

static void
test_list (void)
{
  static const char *const ns_good[] = {
    "udp:1.1.1.1", "udp:1.1.1.1,tcp:8.8.8.8:53", "tls:1.1.1.1,tls:[2606:4700::1111]:853",
  };
  static const char *const ns_bad[] = {
    "udp:1.1.1.1,", ",udp:1.1.1.1", "udp:1.1.1.1,,tcp:8.8.8.8", "udp:1.1.1.1, tcp:8.8.8.8",
    "udp:1.1.1.1,1.1.1.1",
  };
  static const char *const int_good[] = { "1", "1,2,3", "-1,0,+1" };
  static const char *const int_bad[] = { "1,two,3", "1;2", "1 2" };
  static const char *const enum_good[] = { "a", "a,b,a" };
  static const char *const enum_bad[] = { "a,c" };
  static const char *const string_good[] = { "a", "a,b", " a , b " };
  static const char *const string_bad[] = { "a,", "a,,b" };

  CHECK_TABLE ("list:nameserver", ns_good, ns_bad);
  CHECK_TABLE ("list:int", int_good, int_bad);
  CHECK_TABLE ("list:enum:a,b", enum_good, enum_bad);
  CHECK_TABLE ("list:string", string_good, string_bad);

  assert_message ("list:ipv4", "1.1.1.1,2.2.2.2,3.3.3.300",
                  "item 3 of the list: “3.3.3.300” is not an IPv4 address: 300 is larger than 255");
  assert_message ("list:int", "1,two,3",
                  "item 2 of the list: expected a whole number in decimal (an OCaml int), got “two”");
  assert_message_contains ("list:nameserver", "udp:1.1.1.1,", "item 2 of the list is empty");
}

static void
test_arg_key (void)
{
  static const char *const good[] = {
    "ipv4", "my_key", "_private", "x'", "a1", "kv_ro", "camelCase", "__", "x_1'",
  };
  static const char *const bad[] = {
    "Ipv4", "1abc", "my-key", "my key", "_", "let", "type", "effect", "é", "a.b",
    "'a", "a\n",
  };

  static const char *const key_good[] = {
    "ipv4", "my_key", "kv_ro", "data-kv_ro", "my-key", "certs-kv_ro",
  };
  static const char *const key_bad[] = {
    "Ipv4", "1abc", "-x", "my key", "_", "let", "type", "effect", "é", "a.b", "'a", "a\n",
  };

  CHECK_TABLE ("arg:ipv4_prefix", good, bad);
  /* a key's name may hold "-": Mirage's DSL keys with a group (issue 11) */
  CHECK_TABLE ("key:enum:crunch,direct", key_good, key_bad);
  g_assert_false (ms_value_check ("arg:int", "my-arg", NULL));
  assert_message ("key:string", "Foo",
                  "expected the name of a configure-time key, got “Foo”: names start with a "
                  "lowercase letter or “_” (capitalised names are OCaml modules and constructors)");
  assert_message ("arg:int", "let",
                  "expected the name of a runtime argument, got “let”: it is an OCaml keyword");
  /* The value is a name, not a value of the inner type. */
  g_assert_false (ms_value_check ("arg:int", "42", NULL));
  g_assert_false (ms_value_check ("key:ipv4", "10.0.0.1", NULL));
}

static void
test_message_escaping (void)
{
  g_autofree char *newline = NULL;
  g_autofree char *invalid = NULL;
  g_autofree char *bidi = NULL;
  g_autofree char *long_message = NULL;
  g_autofree char *unknown = NULL;
  g_autoptr(GString) long_value = g_string_new (NULL);

  g_assert_false (ms_value_check ("port", "80\n", &newline));
  g_assert_cmpstr (newline, ==, "expected an integer from 0 to 65535 (a port), got “80\\n”");

  g_assert_false (ms_value_check ("bool", "tru\xff\x01\t", &invalid));
  g_assert_cmpstr (invalid, ==, "expected true or false, got “tru\\xff\\x01\\t”");

  /* A right-to-left override would reorder the rest of the message. */
  g_assert_false (ms_value_check ("ipv4", "1.2.3.4\xe2\x80\xae", &bidi));
  assert_printable (bidi);
  g_assert_nonnull (strstr (bidi, "\\u{202E}"));
  g_assert_null (strstr (bidi, "\xe2\x80\xae"));

  for (int i = 0; i < 500; i++)
    g_string_append_c (long_value, 'x');
  g_assert_false (ms_value_check ("int", long_value->str, &long_message));
  assert_printable (long_message);
  g_assert_cmpuint (strlen (long_message), <, 200);
  g_assert_nonnull (strstr (long_message, "xxx…”"));

  g_assert_false (ms_value_check ("foo\nbar", "x", &unknown));
  assert_printable (unknown);
  g_assert_cmpstr (unknown, ==, "cannot check the value: its type “foo\\nbar” is unknown");
}

static void
test_describe (void)
{
  static const struct { const char *type; const char *expected; } cases[] = {
    { "ipv4_prefix", "an IPv4 prefix such as 10.0.0.2/24" },
    { "enum:crunch,direct", "one of crunch, direct" },
    { "list:nameserver", "a list of nameservers" },
    { "list:ipv4", "a list of IPv4 addresses" },
    { "list:enum:a,b", "a list of values from a, b" },
    { "bool", "true or false" },
    { "arg:ipv4_prefix", "the name of a runtime argument holding an IPv4 prefix such as 10.0.0.2/24" },
    { "key:enum:crunch,direct", "the name of a configure-time key holding one of crunch, direct" },
    { "list:arg:int", "a list of names of runtime arguments holding a whole number (an OCaml int)" },
    { "nope", "a value of the unknown type “nope”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = ms_value_type_describe (cases[i].type);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (base_types); i++)
    {
      g_autofree char *got = ms_value_type_describe (base_types[i]);
      g_autofree char *list_type = g_strconcat ("list:", base_types[i], NULL);
      g_autofree char *list = ms_value_type_describe (list_type);

      assert_printable (got);
      assert_printable (list);
    }
}

static void
test_enum_choices (void)
{
  g_auto(GStrv) kv = ms_value_enum_choices ("enum:crunch,direct");
  g_auto(GStrv) levels = ms_value_enum_choices ("log_level");
  g_auto(GStrv) one = ms_value_enum_choices ("enum:only");
  const char *const kv_expected[] = { "crunch", "direct", NULL };
  const char *const levels_expected[] = { "quiet", "app", "error", "warning", "info", "debug", NULL };
  static const char *const none[] = {
    "string", "int", "list:enum:a,b", "key:enum:a,b", "enum:", "enum:a,a", "log_thresholds", "nope",
  };

  g_assert_cmpstrv (kv, kv_expected);
  g_assert_cmpstrv (levels, levels_expected);
  g_assert_cmpuint (g_strv_length (one), ==, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (none); i++)
    g_assert_null (ms_value_enum_choices (none[i]));
}

static void
test_parse_bool (void)
{
  static const char *const bad[] = { "", "True", "1", "yes", "true ", "falsey" };
  gboolean b = TRUE;

  g_assert_true (ms_value_parse_bool ("false", &b));
  g_assert_false (b);
  g_assert_true (ms_value_parse_bool ("true", &b));
  g_assert_true (b);
  g_assert_true (ms_value_parse_bool ("true", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      b = 7;
      g_assert_false (ms_value_parse_bool (bad[i], &b));
      g_assert_cmpint (b, ==, 7);   /* untouched on failure */
    }
}

static void
test_parse_int64 (void)
{
  static const struct { const char *text; gint64 value; } good[] = {
    { "0", 0 }, { "-0", 0 }, { "42", 42 }, { "+42", 42 }, { "-42", -42 },
    { "1000000000L", 1000000000 }, { "007", 7 },
    { "9223372036854775807", G_MAXINT64 }, { "-9223372036854775808", G_MININT64 },
    { "-9223372036854775808L", G_MININT64 },
  };
  static const char *const bad[] = {
    "", "L", "-", "+", "9223372036854775808", "-9223372036854775809", "1.0", "1e9",
    "0x10", " 1", "1 ", "1LL", "1l", "1_000", "99999999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 v = 1;

      if (!ms_value_parse_int64 (good[i].text, &v))
        g_error ("\"%s\" not parsed", good[i].text);
      g_assert_cmpint (v, ==, good[i].value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 v = 123;

      if (ms_value_parse_int64 (bad[i], &v))
        g_error ("\"%s\" parsed", bad[i]);
      g_assert_cmpint (v, ==, 123);
    }
}

static void
test_identifier (void)
{
  static const char *const good[] = {
    "a", "x1", "_x", "__", "foo_bar", "camelCase", "x'", "x''", "a'b", "letter", "types",
    "and_", "withs", "__file__", "zzz", "aaa",
  };
  static const char *const bad[] = {
    "", "_", "A", "Foo", "1a", "'a", "a-b", "a b", "a.b", "é", "aé", "let", "in",
    "fun", "module", "effect", "true", "mod", "a\n",
    /* the first and last keywords in order, and the lexer's built-in values */
    "and", "with", "__FILE__", "__POS_OF__",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    if (!ms_value_is_identifier (good[i]))
      g_error ("\"%s\" should be an identifier", good[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    if (ms_value_is_identifier (bad[i]))
      g_error ("\"%s\" should not be an identifier", bad[i]);
  g_assert_false (ms_value_is_identifier (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/value/empty", test_empty);
  g_test_add_func ("/value/type-known", test_type_known);
  g_test_add_func ("/value/string", test_string);
  g_test_add_func ("/value/int", test_int);
  g_test_add_func ("/value/int64", test_int64);
  g_test_add_func ("/value/bool", test_bool);
  g_test_add_func ("/value/port", test_port);
  g_test_add_func ("/value/ipv4", test_ipv4);
  g_test_add_func ("/value/ipv6", test_ipv6);
  g_test_add_func ("/value/ip", test_ip);
  g_test_add_func ("/value/ipv4-prefix", test_ipv4_prefix);
  g_test_add_func ("/value/ipv6-prefix", test_ipv6_prefix);
  g_test_add_func ("/value/nameserver", test_nameserver);
  g_test_add_func ("/value/ssh-key", test_ssh_key);
  g_test_add_func ("/value/ssh-authenticator", test_ssh_authenticator);
  g_test_add_func ("/value/tls-authenticator", test_tls_authenticator);
  g_test_add_func ("/value/log-level", test_log_level);
  g_test_add_func ("/value/log-thresholds", test_log_thresholds);
  g_test_add_func ("/value/headers", test_headers);
  g_test_add_func ("/value/enum", test_enum);
  g_test_add_func ("/value/list", test_list);
  g_test_add_func ("/value/arg-key", test_arg_key);
  g_test_add_func ("/value/message-escaping", test_message_escaping);
  g_test_add_func ("/value/describe", test_describe);
  g_test_add_func ("/value/enum-choices", test_enum_choices);
  g_test_add_func ("/value/parse-bool", test_parse_bool);
  g_test_add_func ("/value/parse-int64", test_parse_int64);
  g_test_add_func ("/value/identifier", test_identifier);

  return g_test_run ();
}
