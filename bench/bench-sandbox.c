/* bench-sandbox.c: what the sandbox costs the echo server.
 *
 * BENCH sandbox_echo_overhead: the network example built with -t unix
 * and with -t sandbox; a client on 127.0.0.1 sends 16 KiB and reads it
 * back, ROUNDS times per run; throughput is bytes echoed per second. The
 * best of 5 runs for each build, alternating; the overhead is
 * (unix - sandbox) / unix in percent, target <= 5 %.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 4000
#define CHUNK 16384

static void
run_ok (char **argv)
{
  int status;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed", argv[0], argv[1]);
}

/* Starts exe --port=0, returns its port (from its log line) */
static int
start (const char *exe, GPid *pid)
{
  char *argv[] = { (char *) exe, "--port=0", NULL };
  int err_fd;
  GString *log = g_string_new (NULL);
  int port = 0;

  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, pid,
                                 NULL, NULL, &err_fd, NULL))
    g_error ("cannot start %s", exe);
  while (port == 0)
    {
      char buf[256];
      ssize_t n = read (err_fd, buf, sizeof buf);
      const char *p;
      if (n <= 0)
        g_error ("%s ended: %s", exe, log->str);
      g_string_append_len (log, buf, n);
      if ((p = strstr (log->str, "listening on port ")) && strchr (p, '\n'))
        port = atoi (p + strlen ("listening on port "));
    }
  close (err_fd);
  g_string_free (log, TRUE);
  return port;
}

static double
throughput (const char *exe)
{
  GPid pid;
  int port = start (exe, &pid);
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
  static char out[CHUNK], in[CHUNK];
  gint64 t0;
  double s;

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || connect (fd, (struct sockaddr *) &a, sizeof a) < 0)
    g_error ("cannot connect to port %d", port);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  memset (out, 'e', sizeof out);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < ROUNDS; i++)
    {
      size_t got = 0;
      if (write (fd, out, sizeof out) != (ssize_t) sizeof out)
        g_error ("write failed");
      while (got < sizeof in)
        {
          ssize_t n = read (fd, in + got, sizeof in - got);
          if (n <= 0)
            g_error ("the echo server closed");
          got += (size_t) n;
        }
    }
  s = (g_get_monotonic_time () - t0) / 1e6;
  close (fd);
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  return (double) ROUNDS * CHUNK / s;
}

int
main (void)
{
  const char *datadir = g_getenv ("MSTUDIO_DATADIR");
  g_autofree char *dir = g_dir_make_tmp ("bench-sandbox-XXXXXX", NULL);
  g_autofree char *project = g_build_filename (dir, "network.mstudio", NULL);
  g_autofree char *source = g_build_filename (dir, "unikernel.c", NULL);
  g_autofree char *unix_dir = g_build_filename (dir, "unix", NULL);
  g_autofree char *sandbox_dir = g_build_filename (dir, "sandbox", NULL);
  g_autofree char *unix_exe = g_build_filename (unix_dir, "network", NULL);
  g_autofree char *sandbox_exe = g_build_filename (sandbox_dir, "network", NULL);
  g_autofree char *example = NULL, *text = NULL;
  char *new_argv[] = { MSTUDIO_PATH, "new", project, "--name", "network", "--example", "network", NULL };
  char *unix_argv[] = { MSTUDIO_PATH, "build", project, "-o", unix_dir, NULL };
  char *sandbox_argv[] = { MSTUDIO_PATH, "build", project, "-t", "sandbox", "-o", sandbox_dir, NULL };
  double best_unix = 0, best_sandbox = 0;

  if (datadir == NULL)
    datadir = SOURCE_DATADIR;
  example = g_build_filename (datadir, "examples", "network", "unikernel.c", NULL);
  if (!g_file_get_contents (example, &text, NULL, NULL) || !g_file_set_contents (source, text, -1, NULL))
    g_error ("cannot copy %s", example);
  run_ok (new_argv);
  run_ok (unix_argv);
  run_ok (sandbox_argv);
  for (int i = 0; i < 5; i++)
    {
      best_unix = MAX (best_unix, throughput (unix_exe));
      best_sandbox = MAX (best_sandbox, throughput (sandbox_exe));
    }
  printf ("# echo throughput: unix %.0f MB/s, sandbox %.0f MB/s\n", best_unix / 1e6, best_sandbox / 1e6);
  printf ("BENCH sandbox_echo_overhead %.1f %%\n", 100.0 * (best_unix - best_sandbox) / best_unix);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (rm) != 0)
    g_warning ("cannot remove %s", dir);
  return 0;
}
