/* exec-floor.c: the least a C program can do before its first log line:
 * write one line to stderr and exit. bench-runtime times it exactly as it
 * times the hello unikernel, so the unikernel's start reads against what
 * fork, exec and the dynamic loader cost on the machine at hand. */
#include <unistd.h>

int
main (void)
{
  static const char line[] = "first line\n";
  return write (2, line, sizeof line - 1) == (ssize_t) (sizeof line - 1) ? 0 : 1;
}
