/* net-fixtures.h: real servers for the network tests, started on
 * loopback in a temporary directory: a test CA and certificates made
 * with certtool, gnutls-serv, unbound. Programs are run with an argument
 * vector (posix_spawnp), never through a shell. */
#ifndef MIRAGE_NET_FIXTURES_H
#define MIRAGE_NET_FIXTURES_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char fx_dir[256];

__attribute__ ((unused)) static const char *
fx_path (const char *name)
{
  static char bufs[8][512];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf (b, 512, "%s/%s", fx_dir, name);
  return b;
}

__attribute__ ((unused)) static bool
fx_write (const char *name, const char *text)
{
  FILE *f = fopen (fx_path (name), "w");
  if (!f)
    return false;
  fputs (text, f);
  return fclose (f) == 0;
}

__attribute__ ((unused)) static char *
fx_read (const char *name, size_t *len)
{
  FILE *f = fopen (fx_path (name), "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = (n + 4096 + 1) * 2;
      char *g = realloc (buf, cap);
      if (!g) {
        free (buf);
        fclose (f);
        return NULL;
      }
      buf = g;
    }
    size_t k = fread (buf + n, 1, 4096, f);
    n += k;
    if (k == 0)
      break;
  }
  fclose (f);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

/* Starts @argv with stdout and stderr to @log (relative to fx_dir, or
 * NULL: /dev/null); returns the pid or -1. */
__attribute__ ((unused)) static pid_t
fx_spawn (char *const argv[], const char *log)
{
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  const char *out = log ? fx_path (log) : "/dev/null";
  posix_spawn_file_actions_addopen (&fa, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2 (&fa, 1, 2);
  pid_t pid;
  int r = posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  return r == 0 ? pid : -1;
}

/* Runs @argv to the end; true when it exits with 0. */
__attribute__ ((unused)) static bool
fx_run (char *const argv[], const char *log)
{
  pid_t pid = fx_spawn (argv, log);
  int st;
  if (pid < 0 || waitpid (pid, &st, 0) < 0)
    return false;
  return WIFEXITED (st) && WEXITSTATUS (st) == 0;
}

__attribute__ ((unused)) static void
fx_kill (pid_t pid)
{
  if (pid > 0) {
    kill (pid, SIGTERM);
    waitpid (pid, NULL, 0);
  }
}

/* A free TCP (and UDP) port on 127.0.0.1, as the kernel picks them. */
__attribute__ ((unused)) static unsigned
fx_free_port (void)
{
  for (int tries = 0; tries < 20; tries++) {
    int t = socket (AF_INET, SOCK_STREAM, 0), u = socket (AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    unsigned port = 0;
    if (bind (t, (struct sockaddr *) &a, sizeof a) == 0
        && getsockname (t, (struct sockaddr *) &a, &len) == 0
        && bind (u, (struct sockaddr *) &a, sizeof a) == 0)
      port = ntohs (a.sin_port);
    close (t);
    close (u);
    if (port)
      return port;
  }
  return 0;
}

/* Waits until something accepts TCP connections on 127.0.0.1:@port. */
__attribute__ ((unused)) static bool
fx_wait_tcp (unsigned port, int timeout_ms)
{
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    int s = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    int r = connect (s, (struct sockaddr *) &a, sizeof a);
    close (s);
    if (r == 0)
      return true;
    struct timespec ts = { 0, 20 * 1000000 };
    nanosleep (&ts, NULL);
  }
  return false;
}

__attribute__ ((unused)) static bool
fx_tmpdir (void)
{
  const char *base = getenv ("TMPDIR");
  snprintf (fx_dir, sizeof fx_dir, "%s/mirage-net-XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp (fx_dir) != NULL;
}

__attribute__ ((unused)) static void
fx_cleanup (void)
{
  if (fx_dir[0]) {
    char *argv[] = { "rm", "-rf", fx_dir, NULL };
    fx_run (argv, NULL);
  }
}

/* A key (ECDSA P-256: quick to make) named @name.key. */
__attribute__ ((unused)) static bool
fx_key (const char *name)
{
  char key[64];
  snprintf (key, sizeof key, "%s.key", name);
  char *argv[] = { "certtool", "--generate-privkey", "--key-type=ecdsa", "--curve=secp256r1",
                   "--outfile", (char *) fx_path (key), NULL };
  return fx_run (argv, "certtool.log");
}

/* A self-signed CA @name.pem (with @name.key). */
__attribute__ ((unused)) static bool
fx_ca (const char *name)
{
  char tmpl[64], key[64], pem[64];
  snprintf (tmpl, sizeof tmpl, "%s.tmpl", name);
  snprintf (key, sizeof key, "%s.key", name);
  snprintf (pem, sizeof pem, "%s.pem", name);
  if (!fx_key (name)
      || !fx_write (tmpl, "cn = \"Mirage Studio test CA\"\nca\ncert_signing_key\nexpiration_days = 30\n"))
    return false;
  char *argv[] = { "certtool", "--generate-self-signed", "--load-privkey", (char *) fx_path (key),
                   "--template", (char *) fx_path (tmpl), "--outfile", (char *) fx_path (pem), NULL };
  return fx_run (argv, "certtool.log");
}

/* A server certificate @name.pem for @dns (and 127.0.0.1), signed by
 * @ca; @expired: valid in 2019 only. */
__attribute__ ((unused)) static bool
fx_cert (const char *name, const char *ca, const char *dns, bool expired)
{
  char tmpl[64], key[64], pem[64], cakey[64], capem[64], text[512];
  snprintf (tmpl, sizeof tmpl, "%s.tmpl", name);
  snprintf (key, sizeof key, "%s.key", name);
  snprintf (pem, sizeof pem, "%s.pem", name);
  snprintf (cakey, sizeof cakey, "%s.key", ca);
  snprintf (capem, sizeof capem, "%s.pem", ca);
  snprintf (text, sizeof text,
            "cn = \"%s\"\norganization = \"Mirage Studio tests\"\ndns_name = \"%s\"\nip_address = \"127.0.0.1\"\n"
            "tls_www_server\nsigning_key\nencryption_key\n%s",
            dns, dns, expired ? "activation_date = \"2019-01-01 00:00:00\"\nexpiration_date = \"2019-12-31 00:00:00\"\n"
                              : "expiration_days = 30\n");
  if (!fx_key (name) || !fx_write (tmpl, text))
    return false;
  char *argv[] = { "certtool", "--generate-certificate", "--load-privkey", (char *) fx_path (key),
                   "--load-ca-certificate", (char *) fx_path (capem),
                   "--load-ca-privkey", (char *) fx_path (cakey),
                   "--template", (char *) fx_path (tmpl), "--outfile", (char *) fx_path (pem), NULL };
  return fx_run (argv, "certtool.log");
}

#endif
