/* bench-http-client.c: fetches PREFIX1.txt .. PREFIX<N>.txt one after
 * the other with paf_client (one task, one kept-alive connection) and
 * prints the milliseconds it took: the runtime's side of
 * bench-http-client.sh, which runs curl on the same URLs next to it.
 * Every body is read to its end; any failure ends the run with 1.
 * Usage: bench-http-client PREFIX N [AUTHENTICATOR] */
#include "mirage/http_client.h"
#include "mirage/task.h"

#include <stdio.h>
#include <stdlib.h>

static const char *prefix, *auth;
static long count;
static double elapsed_ms;

static int
run (void *arg)
{
  mirage_stack *stack;
  mirage_happy_eyeballs *he;
  mirage_mimic *mimic;
  mirage_http_client *c;
  char url[1024], buf[16384], *error = NULL;
  uint64_t t0;
  (void) arg;
  if (mirage_socket_stack (NULL, &stack) < 0 || mirage_happy_eyeballs_connect_device (stack, NULL, &he) < 0
      || mirage_mimic_happy_eyeballs (stack, he, NULL, &mimic) < 0 || mirage_paf_client (stack, mimic, &c) < 0)
    return 1;
  if (auth && mirage_http_client_set_authenticator (c, auth, &error) < 0)
    mirage_task_fail ("%s", error);
  t0 = mirage_loop_now_ns ();
  for (long i = 1; i <= count; i++)
    {
      mirage_http_client_request *r;
      ssize_t n;
      snprintf (url, sizeof url, "%s%ld.txt", prefix, i);
      if (mirage_http_client_request_new (c, NULL, url, &r, &error) < 0)
        mirage_task_fail ("%s", error);
      if (mirage_http_client_request_run (r) != 200)
        mirage_task_fail ("%s: %s", url, mirage_http_client_request_error (r));
      while ((n = mirage_http_client_response_read (r, buf, sizeof buf)) > 0)
        ;
      if (n < 0)
        mirage_task_fail ("%s: %s", url, mirage_http_client_request_error (r));
      mirage_http_client_request_free (r);
    }
  elapsed_ms = (double) (mirage_loop_now_ns () - t0) / 1e6;
  mirage_http_client_free (c);
  mirage_mimic_free (mimic);
  mirage_happy_eyeballs_free (he);
  mirage_stack_disconnect (stack);
  return 0;
}

int
main (int argc, char **argv)
{
  char *error = NULL;
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s PREFIX N [AUTHENTICATOR]\n", argv[0]);
      return 2;
    }
  prefix = argv[1];
  count = atol (argv[2]);
  auth = argc > 3 ? argv[3] : NULL;
  if (mirage_loop_run ("bench", run, NULL, &error) != 0)
    {
      fprintf (stderr, "%s\n", error ? error : "failed");
      return 1;
    }
  printf ("%.3f\n", elapsed_ms);
  return 0;
}
