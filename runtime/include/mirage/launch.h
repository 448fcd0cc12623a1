/* mirage/launch.h: the sandbox target's launcher.
 *
 * `mstudio build -t sandbox` makes two programs: DIR/NAME.unikernel (the
 * graph's main.c, the user's unikernel.c and the runtime) and DIR/NAME,
 * a launcher with none of the unikernel's code, generated as a call to
 * mirage_launch with the graph's devices. The launcher confines itself
 * and then execs the unikernel, as Solo5's spt tender sets up its
 * seccomp filter before the first instruction of the unikernel runs:
 * no constructor, no `syscall()` of the unikernel's own can run before
 * the confinement or switch it off, since a process cannot leave its
 * Landlock domain or remove a seccomp filter, and both survive execve.
 *
 * What the launcher installs (docs/build.md, "The sandbox target"):
 *   - a Landlock domain granting execution of the unikernel and of its
 *     dynamic loader (PT_INTERP) only, reading of the system's shared
 *     libraries (/usr/lib, /lib, /lib64 and /etc/ld.so.cache), reading of
 *     /etc/localtime and of its own /proc/self/status (the runtime's
 *     check), of each device's fixed host files (its profile's
 *     host_files: resolv.conf, the trust store...), and each device's
 *     rights beneath its path (its profile's
 *     `landlock`, e.g. read-only beneath a direct_kv_ro's directory);
 *     nothing else may be opened, created, written, truncated, renamed
 *     or removed, by any system call;
 *   - a seccomp filter refusing openat2 (ENOSYS), socket() for a graph
 *     without a stack, and calls no unikernel makes (io_uring, ptrace,
 *     mount...) (mirage_sandbox_install_launch).
 * The unikernel then connects its devices and adds the tighter layers
 * (mirage_sandbox_install), after checking that the launcher's filter
 * is in force. Where the kernel lacks Landlock ABI 3 nothing runs. */
#ifndef MIRAGE_LAUNCH_H
#define MIRAGE_LAUNCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *profile;   /* the catalog constructor (a sandbox profile) */
  const char *path;      /* the value of its profile's path_option, or NULL */
} mirage_launch_device;

typedef struct {
  const char *name;      /* for messages */
  const char *unikernel; /* file name, next to the launcher */
  const mirage_launch_device *devices;
  size_t n_devices;
} mirage_launch_spec;

/* Confines this process and execs the unikernel with @argv; returns
 * (with a message on standard error) only on failure: 255. */
int mirage_launch (const mirage_launch_spec *spec, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_LAUNCH_H */
