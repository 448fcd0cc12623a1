/* raw-syscall.h: system calls made with the `syscall`/`svc` instruction
 * itself, for the sandbox (src/sandbox.c, src/landlock.c, src/launch.c).
 *
 * Why not libc's syscall(): a unikernel.c is linked into the same
 * program as the runtime, and a function of its own named `syscall`
 * (or `prctl`, `open`, `read`...) would take the place of libc's for the
 * runtime too, so the filter would never be installed and its checks
 * could be told anything. These functions are static inline: there is
 * no symbol to interpose. They return the kernel's result: a value, or
 * -errno. */
#ifndef MIRAGE_RAW_SYSCALL_H
#define MIRAGE_RAW_SYSCALL_H

#include <sys/syscall.h>

static inline long
mirage_raw_syscall (long nr, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
  register long r10 __asm__ ("r10") = d;
  register long r8 __asm__ ("r8") = e;
  register long r9 __asm__ ("r9") = f;
  long ret;
  __asm__ volatile ("syscall"
                    : "=a" (ret)
                    : "a" (nr), "D" (a), "S" (b), "d" (c), "r" (r10), "r" (r8), "r" (r9)
                    : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__ ("x8") = nr;
  register long x0 __asm__ ("x0") = a;
  register long x1 __asm__ ("x1") = b;
  register long x2 __asm__ ("x2") = c;
  register long x3 __asm__ ("x3") = d;
  register long x4 __asm__ ("x4") = e;
  register long x5 __asm__ ("x5") = f;
  __asm__ volatile ("svc 0"
                    : "+r" (x0)
                    : "r" (x8), "r" (x1), "r" (x2), "r" (x3), "r" (x4), "r" (x5)
                    : "memory");
  return x0;
#else
#error "the sandbox needs x86_64 or aarch64"
#endif
}

#define MIRAGE_RAW0(nr) mirage_raw_syscall ((nr), 0, 0, 0, 0, 0, 0)
#define MIRAGE_RAW1(nr, a) mirage_raw_syscall ((nr), (long) (a), 0, 0, 0, 0, 0)
#define MIRAGE_RAW2(nr, a, b) mirage_raw_syscall ((nr), (long) (a), (long) (b), 0, 0, 0, 0)
#define MIRAGE_RAW3(nr, a, b, c) mirage_raw_syscall ((nr), (long) (a), (long) (b), (long) (c), 0, 0, 0)
#define MIRAGE_RAW4(nr, a, b, c, d) mirage_raw_syscall ((nr), (long) (a), (long) (b), (long) (c), (long) (d), 0, 0)
#define MIRAGE_RAW5(nr, a, b, c, d, e) \
  mirage_raw_syscall ((nr), (long) (a), (long) (b), (long) (c), (long) (d), (long) (e), 0)

#endif /* MIRAGE_RAW_SYSCALL_H */
