/* test-http.c: paf_server (mirage/http.h) against raw clients on
 * loopback. The server runs on the event loop in a child process with
 * small limits; the parent speaks HTTP/1.1 byte by byte over plain
 * kernel sockets, so what is checked is exactly what is on the wire:
 * keep-alive, pipelining, chunked bodies, HEAD, 100-continue, ambiguous
 * framing (400), the limits (431, 414, 413, 408) and that a stalled
 * client does not hold up another (over HTTP/1.1, and over HTTP/2 with
 * its headers cut short). */
#include "mirage/http.h"
#include "mirage/task.h"
#include "tap.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int port_pipe[2];

static int
handler (mirage_http_request *req, void *data)
{
  char buf[512];
  size_t got = 0;
  ssize_t n;
  (void) data;
  while ((n = mirage_http_request_read_body (req, buf, sizeof buf)) > 0)
    got += (size_t) n;
  if (n < 0)
    return (int) n;
  if (strcmp (mirage_http_request_target (req), "/tasks") == 0)
    {
      n = snprintf (buf, sizeof buf, "tasks=%zu", mirage_loop_task_count ());
      return mirage_http_respond (req, 200, "text/plain", buf, (size_t) n);
    }
  if (strcmp (mirage_http_request_target (req), "/chunked") == 0)
    {
      mirage_http_response_start (req, 200, NULL, 0, -1);
      mirage_http_response_write (req, "abc", 3);
      mirage_http_response_write (req, "defgh", 5);
      return mirage_http_response_finish (req);
    }
  n = snprintf (buf, sizeof buf, "%s %s %zu", mirage_http_request_method (req),
                mirage_http_request_target (req), got);
  return mirage_http_respond (req, 200, "text/plain", buf, (size_t) n);
}

static int
server_main (void *arg)
{
  mirage_stack *stack;
  mirage_http_server *srv;
  mirage_http_limits lim;
  uint16_t port;
  (void) arg;
  if (mirage_socket_stack (NULL, &stack) < 0 || mirage_paf_server (stack, 0, &srv) < 0)
    return 1;
  mirage_http_limits_default (&lim);
  lim.max_headers = 10;
  lim.max_header_bytes = 1024;
  lim.max_uri_bytes = 256;
  lim.max_body_bytes = 1000;
  lim.idle_timeout_ns = 2 * MIRAGE_NS_PER_S;
  lim.header_timeout_ns = 300 * MIRAGE_NS_PER_MS;
  mirage_http_server_set_limits (srv, &lim);
  port = mirage_http_server_port (srv);
  if (write (port_pipe[1], &port, sizeof port) != sizeof port)
    return 1;
  return mirage_http_serve (srv, handler, NULL);
}

static uint16_t port;

static int
dial (void)
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port),
                           .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct timeval tv = { 3, 0 };
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect (fd, (struct sockaddr *) &a, sizeof a) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static void
send_all (int fd, const char *s)
{
  size_t len = strlen (s);
  while (len > 0)
    {
      ssize_t n = write (fd, s, len);
      if (n <= 0)
        return;
      s += n;
      len -= (size_t) n;
    }
}

/* Reads until the peer closes (or the 3 s timeout). */
static char *
read_all (int fd)
{
  static char buf[65536];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read (fd, buf + got, sizeof buf - 1 - got)) > 0)
    got += (size_t) n;
  buf[got] = '\0';
  return buf;
}

/* Reads until @want appears @times times. */
static char *
read_until (int fd, const char *want, int times)
{
  static char buf[65536];
  size_t got = 0;
  buf[0] = '\0';
  for (;;)
    {
      int seen = 0;
      for (const char *p = buf; (p = strstr (p, want)) != NULL; p++)
        seen++;
      if (seen >= times || got >= sizeof buf - 1)
        break;
      ssize_t n = read (fd, buf + got, sizeof buf - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      buf[got] = '\0';
    }
  return buf;
}

/* One exchange on a fresh connection that the server then closes. */
static char *
exchange (const char *request)
{
  int fd = dial ();
  char *r;
  send_all (fd, request);
  shutdown (fd, SHUT_WR);
  r = read_all (fd);
  close (fd);
  return r;
}

static bool
starts (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

static void
tests (void)
{
  char *r;
  int fd;
  char big[2048];

  r = exchange ("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  tap_ok (starts (r, "HTTP/1.1 200 OK\r\n") && strstr (r, "Content-Length: 12\r\n")
          && strstr (r, "\r\n\r\nGET /hello 0"), "GET answers with Content-Length and body");

  fd = dial ();
  send_all (fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  r = read_until (fd, "HTTP/1.1 200", 3);
  {
    char *a = strstr (r, "GET /a 0"), *b = strstr (r, "GET /b 0"), *c = strstr (r, "POST /c 5");
    tap_ok (a && b && c && a < b && b < c, "pipelined requests answered in order on one connection");
  }
  send_all (fd, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  r = read_until (fd, "GET /after 0", 1);
  tap_ok (strstr (r, "Content-Length: 9\r\n") && !strstr (r, "HEAD /h") && strstr (r, "GET /after 0"),
          "HEAD gets the headers and no body; the connection goes on");
  close (fd);

  r = exchange ("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "4\r\nabcd\r\n6;ext=1\r\nefghij\r\n0\r\nTrailer: t\r\n\r\n");
  tap_ok (strstr (r, "POST /up 10") != NULL, "chunked request body read whole (with extension and trailer)");

  r = exchange ("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
  tap_ok (strstr (r, "Transfer-Encoding: chunked\r\n") && strstr (r, "\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n"),
          "streamed response goes out chunked");
  r = exchange ("GET /chunked HTTP/1.0\r\n\r\n");
  tap_ok (strstr (r, "Connection: close\r\n") && strstr (r, "\r\n\r\nabcdefgh") && !strstr (r, "chunked"),
          "to an HTTP/1.0 client the streamed response is delimited by closing");

  fd = dial ();
  send_all (fd, "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  r = read_until (fd, "\r\n\r\n", 1);
  tap_ok (starts (r, "HTTP/1.1 100 Continue\r\n\r\n"), "Expect: 100-continue gets 100 before the body is sent");
  send_all (fd, "xyz");
  r = read_until (fd, "POST /e 3", 1);
  tap_ok (strstr (r, "POST /e 3") != NULL, "then the body is read and answered");
  close (fd);
  r = exchange ("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: teapot\r\n\r\nxyz");
  tap_ok (starts (r, "HTTP/1.1 417 "), "an unknown expectation gets 417");

  r = exchange ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  tap_ok (starts (r, "HTTP/1.1 400 ") && strstr (r, "Connection: close"), "Content-Length with Transfer-Encoding: 400");
  r = exchange ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  tap_ok (starts (r, "HTTP/1.1 400 "), "two differing Content-Length headers: 400");
  r = exchange ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\nabcd");
  tap_ok (starts (r, "HTTP/1.1 400 "), "a malformed Content-Length: 400");
  r = exchange ("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n");
  if (!tap_ok (starts (r, "HTTP/1.1 400 "), "a space in a header name: 400"))
    tap_diag ("got %.60s", r);

  r = exchange ("GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\nG: 1\r\nH: 1\r\n"
                "I: 1\r\nJ: 1\r\nK: 1\r\n\r\n");
  tap_ok (starts (r, "HTTP/1.1 431 "), "more header fields than the limit: 431");
  memset (big, 'v', sizeof big);
  memcpy (big, "GET / HTTP/1.1\r\nX: ", 19);
  strcpy (big + 1500, "\r\n\r\n");
  r = exchange (big);
  if (!tap_ok (starts (r, "HTTP/1.1 431 "), "headers longer than the limit: 431"))
    tap_diag ("got %.60s", r);
  memset (big, 'u', sizeof big);
  memcpy (big, "GET /", 5);
  strcpy (big + 400, " HTTP/1.1\r\n\r\n");
  r = exchange (big);
  tap_ok (starts (r, "HTTP/1.1 414 "), "a target longer than the limit: 414");
  r = exchange ("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
  tap_ok (starts (r, "HTTP/1.1 413 "), "a Content-Length over the body limit: 413");
  {
    char chunked[4096];
    int off = snprintf (chunked, sizeof chunked, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 6; i++)
      {
        off += snprintf (chunked + off, sizeof chunked - (size_t) off, "c8\r\n");
        memset (chunked + off, 'z', 200);
        off += 200;
        off += snprintf (chunked + off, sizeof chunked - (size_t) off, "\r\n");
      }
    snprintf (chunked + off, sizeof chunked - (size_t) off, "0\r\n\r\n");
    r = exchange (chunked);
    tap_ok (starts (r, "HTTP/1.1 413 "), "a chunked body over the limit: 413");
  }

  /* a stalled client: half a request line */
  fd = dial ();
  send_all (fd, "GET /slow HT");
  {
    struct timespec t0, t1;
    clock_gettime (CLOCK_MONOTONIC, &t0);
    r = exchange ("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n");
    clock_gettime (CLOCK_MONOTONIC, &t1);
    tap_ok (strstr (r, "GET /quick 0") && (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 200,
            "a stalled client does not hold up another");
  }
  r = read_all (fd);
  tap_ok (starts (r, "HTTP/1.1 408 "), "the stalled client gets 408 after the header timeout");
  close (fd);

  /* HTTP/2 (h2c with prior knowledge): the preface, SETTINGS, then a
   * HEADERS frame announcing 20 bytes of which 3 come, and nothing more */
  {
    static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    static const unsigned char frames[] = {
      0, 0, 0, 4, 0, 0, 0, 0, 0,                   /* SETTINGS, empty */
      0, 0, 20, 1, 5, 0, 0, 0, 1, 0x82, 0x86, 0x84 /* HEADERS (cut) */
    };
    unsigned char in[4096];
    size_t got = 0;
    ssize_t n;
    bool goaway = false;
    long ms;
    struct timespec t0, t1;
    fd = dial ();
    send_all (fd, preface);
    if (write (fd, frames, sizeof frames) != (ssize_t) sizeof frames)
      tap_diag ("short write");
    clock_gettime (CLOCK_MONOTONIC, &t0);
    r = exchange ("GET /meanwhile HTTP/1.1\r\nHost: x\r\n\r\n");
    clock_gettime (CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    tap_ok (strstr (r, "GET /meanwhile 0") && ms < 200,
            "an HTTP/2 client stalled in HEADERS does not hold up another (%ld ms)", ms);
    while (got < sizeof in && (n = read (fd, in + got, sizeof in - got)) > 0)
      got += (size_t) n;
    clock_gettime (CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    for (size_t off = 0; off + 9 <= got; off += 9 + ((size_t) in[off] << 16 | (size_t) in[off + 1] << 8 | in[off + 2]))
      if (in[off + 3] == 7)
        goaway = true;
    /* the header timeout is 300 ms, the idle timeout 2 s */
    tap_ok (n == 0 && goaway && ms >= 250 && ms < 1500,
            "it is closed (GOAWAY) after the header timeout, not the idle one (%ld ms)", ms);
    close (fd);
  }

  /* idle keep-alive connections park on the loop without a task */
  {
    int idle[20];
    int answered = 0;
    size_t tasks = 999;
    for (int i = 0; i < 20; i++)
      {
        idle[i] = dial ();
        send_all (idle[i], "GET /i HTTP/1.1\r\nHost: x\r\n\r\n");
        answered += strstr (read_until (idle[i], "GET /i 0", 1), "GET /i 0") != NULL;
      }
    r = exchange ("GET /tasks HTTP/1.1\r\nHost: x\r\n\r\n");
    const char *t = strstr (r, "tasks=");
    if (t)
      tasks = (size_t) strtoul (t + 6, NULL, 10);
    tap_ok (answered == 20 && tasks < 10,
            "20 idle keep-alive connections hold no task (%d answered, %zu tasks)", answered, tasks);
    /* connections that have sent nothing yet hold no task either */
    {
      int fresh[20];
      for (int i = 0; i < 20; i++)
        fresh[i] = dial ();
      r = exchange ("GET /tasks HTTP/1.1\r\nHost: x\r\n\r\n");
      t = strstr (r, "tasks=");
      tasks = t ? (size_t) strtoul (t + 6, NULL, 10) : 999;
      tap_ok (tasks < 10, "20 new connections with no request yet hold no task (%zu tasks)", tasks);
      send_all (fresh[7], "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
      tap_ok (strstr (read_until (fresh[7], "GET /first 0", 1), "GET /first 0") != NULL,
              "such a connection is served when its first request comes");
      for (int i = 0; i < 20; i++)
        close (fresh[i]);
    }
    /* and each goes on when its next request comes */
    answered = 0;
    for (int i = 0; i < 20; i++)
      {
        send_all (idle[i], "GET /j HTTP/1.1\r\nHost: x\r\n\r\n");
        answered += strstr (read_until (idle[i], "GET /j 0", 1), "GET /j 0") != NULL;
        close (idle[i]);
      }
    tap_is (answered, 20, "a parked connection serves its next request");
  }

  fd = dial ();
  send_all (fd, "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  r = read_until (fd, "GET /k 0", 1);
  tap_ok (strstr (r, "Connection: keep-alive\r\n") != NULL, "HTTP/1.0 keep-alive is kept");
  send_all (fd, "GET /k2 HTTP/1.0\r\n\r\n");
  r = read_all (fd);
  tap_ok (strstr (r, "GET /k2 0") && strstr (r, "Connection: close"), "HTTP/1.0 without keep-alive is closed after the answer");
  close (fd);
}

int
main (void)
{
  pid_t pid;
  int status;

  signal (SIGPIPE, SIG_IGN);
  if (pipe (port_pipe) < 0)
    return 1;
  pid = fork ();
  if (pid == 0)
    {
      char *err = NULL;
      _exit (mirage_loop_run ("server", server_main, NULL, &err) == 0 ? 0 : 1);
    }
  if (read (port_pipe[0], &port, sizeof port) != sizeof port)
    {
      tap_ok (false, "the server starts");
      return tap_done ();
    }
  tests ();
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  return tap_done ();
}
