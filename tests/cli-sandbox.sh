#!/bin/bash
# cli-sandbox.sh: mstudio build/run -t sandbox and describe --sandbox.
#
# Every example with a unikernel.c runs under the seccomp filter with the
# same output as under -t unix; the echo server still echoes on
# 127.0.0.1; a unikernel that makes a system call its graph does not need
# (socket() without a stack, pread64 on a descriptor that is not its
# block's, open() of /etc/passwd) is killed with SIGSYS (exit status
# 128 + 31 through mstudio run, which execs it); describe --sandbox
# prints the allow-list per device and what the launcher and Landlock
# enforce. Five hostile unikernels (their own syscall(), a constructor,
# close(1) + openat2/creat, read-only opens of host files, exec from a
# constructor) are stopped;
# the .unikernel without its launcher runs no job; a kernel with too old
# a Landlock ABI runs nothing. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"
SIGSYS_STATUS=$((128 + 31))

# same_output NAME [ARGS...]: unix and sandbox runs print the same lines (timestamps aside)
same_output () {
  local name=$1; shift
  (cd "$T/$name" && timeout 20 "$M" run "$name.mstudio" -o _unix -- "$@" 2>&1 | cut -d' ' -f2- >"$T/$name.unix") || return 1
  (cd "$T/$name" && timeout 20 "$M" run "$name.mstudio" -t sandbox -o _sandbox -- "$@" 2>&1 | cut -d' ' -f2- >"$T/$name.sandbox") || return 1
  [ -s "$T/$name.unix" ] || [ "$name" = noop ] || return 1
  diff "$T/$name.unix" "$T/$name.sandbox"
}

# describe --sandbox
project network network
project noop noop
project block block
truncate -s 64K "$T/block/disk.img"
ok "describe --sandbox: the base profile" bash -c "'$M' describe '$T/noop/noop.mstudio' --sandbox | grep -q '^base: '"
ok "describe --sandbox: the loop's calls" bash -c "'$M' describe '$T/noop/noop.mstudio' --sandbox | grep -q '^  epoll_wait\|^  epoll_pwait'"
ok "describe --sandbox: no stack, no socket" bash -c "! '$M' describe '$T/noop/noop.mstudio' --sandbox | grep -q '^  socket'"
ok "describe --sandbox: the stack's sockets, per family" bash -c "'$M' describe '$T/network/network.mstudio' --sandbox | grep -A20 '^stack (socket_stackv4v6): ' | grep -q '^  socket (arg0 = 2)'"
ok "describe --sandbox: a block may pread64 only its descriptor" bash -c "'$M' describe '$T/block/block.mstudio' --sandbox | grep -A2 '^disk (block_of_file): ' | grep -q '^  pread64 (arg0 = its descriptor)'"
ok "describe --sandbox: every device has a profile" bash -c "! '$M' describe '$T/network/network.mstudio' --sandbox | grep -q 'no sandbox profile'"
status 2 "describe --sandbox: alone" "$M" describe "$T/noop/noop.mstudio" --sandbox --json

# every example, same output
ok "noop: sandbox build" "$M" build "$T/noop/noop.mstudio" -t sandbox -o "$T/noop/_sandbox"
ok "noop: main.c installs the filter after the connects" grep -q -F 'r = install_sandbox ();' "$T/noop/_sandbox/main.c"
ok "noop: same output (none) and exit 0" same_output noop
project hello hello
ok "hello: same output" same_output hello
ok "hello: four lines" bash -c "[ \$(grep -c 'Hello World!' '$T/hello.sandbox') -eq 4 ]"
project hello-key hello-key
ok "hello-key: same output with --hello" same_output hello-key --hello=Bonjour
project kv_ro kv_ro
ok "kv_ro (crunch): same output" same_output kv_ro
ok "kv_ro (crunch): read hello.txt from memory" grep -q -F 'hello.txt: Hello from the key-value store!' "$T/kv_ro.sandbox"
ok "kv_ro (crunch): its profile adds nothing" bash -c "'$M' describe '$T/kv_ro/kv_ro.mstudio' --sandbox | grep -A1 '^disk (crunch): ' | tail -1 | grep -q -v '^  '"
"$M" set "$T/kv_ro/kv_ro.mstudio" key:kv_ro=direct >/dev/null
ok "kv_ro (direct): same output" same_output kv_ro
ok "kv_ro (direct): read hello.txt" grep -q -F 'hello.txt: Hello from the key-value store!' "$T/kv_ro.sandbox"
project kv_ro-direct kv_ro-direct
ok "kv_ro-direct: same output" same_output kv_ro-direct
ok "kv_ro-direct: read hello.txt" grep -q -F 'hello.txt: Hello from the key-value store!' "$T/kv_ro-direct.sandbox"
project kv_rw kv_rw
ok "kv_rw: same output" same_output kv_rw
ok "kv_rw: set, get, list and remove under the filter" bash -c "grep -q -F 'get fruit/banana: yellow' '$T/kv_rw.sandbox' && grep -q -F 'removed fruit/apple: gone' '$T/kv_rw.sandbox'"
project ccm_block ccm_block
truncate -s 64K "$T/ccm_block/disk.img"
ok "ccm_block: same output" same_output ccm_block --key=000102030405060708090a0b0c0d0e0f
ok "ccm_block: wrote and read back under the filter" grep -q -F 'read back: a secret kept in 64 sectors' "$T/ccm_block.sandbox"
ok "ccm_block: a wrong key fails the same way" same_output ccm_block --key=ff0102030405060708090a0b0c0d0e0f --verify
ok "... with the decryption error" grep -q -F 'sector 0 does not decrypt with this key' "$T/ccm_block.sandbox"
ok "describe --sandbox: ccm_block adds nothing, its file block pread64/pwrite64" bash -c "'$M' describe '$T/ccm_block/ccm_block.mstudio' --sandbox >'$T/ccm.desc' && grep -A1 '^sealed (ccm_block): ' '$T/ccm.desc' | tail -1 | grep -q -v '^  ' && grep -A2 '^disk (block_of_file): ' '$T/ccm.desc' | grep -q '^  pwrite64 (arg0 = its descriptor)'"
ok "block: same output" same_output block
ok "block: wrote and read back under the filter" grep -q -F 'read back: sector 127 says hello' "$T/block.sandbox"
ok "block: main.c adds its profile with its descriptor" bash -c "grep -q 'mirage_sandbox_add (sb, \"block_of_file\", MIRAGE_SANDBOX_FD (dev_[0-9]*));' '$T/block/_sandbox/main.c'"
status 63 "--help still exits 63" "$M" run "$T/noop/noop.mstudio" -t sandbox -o "$T/noop/_sandbox" -- --help

# the echo server under the filter
ok "echo: sandbox build" "$M" build "$T/network/network.mstudio" -t sandbox -o "$T/network/_sandbox"
serve "$T/echo.log" "$T/network/_sandbox/network" --port=0
port=$(log_port "$T/echo.log")
ok "echo: listening on a port" test -n "$port"
ok "echo: a client gets its line back" timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'ping pong\n' >&3 && read -r -t 3 reply <&3 && [ \"\$reply\" = 'ping pong' ]"
ok "echo: a second client too" timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'again\n' >&3 && read -r -t 3 reply <&3 && [ \"\$reply\" = 'again' ]"

# forbidden calls: SIGSYS
project nosock noop
cat > "$T/nosock/unikernel.c" <<'C'
#include <sys/socket.h>
#include "unikernel.h"
int unikernel_start (void) { return socket (AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : -EIO; }
C
status 0 "socket() without a stack: fine under -t unix" "$M" run "$T/nosock/nosock.mstudio" -o "$T/nosock/_unix"
status $SIGSYS_STATUS "socket() without a stack: SIGSYS under -t sandbox" "$M" run "$T/nosock/nosock.mstudio" -t sandbox -o "$T/nosock/_sandbox"
ok "... killed by the kernel, nothing logged after" bash -c "'$T/nosock/_sandbox/nosock'; [ \$? -eq $SIGSYS_STATUS ]"

project otherfd block
truncate -s 64K "$T/otherfd/disk.img"
cat > "$T/otherfd/unikernel.c" <<'C'
#include <unistd.h>
#include "unikernel.h"
int
unikernel_start (struct mirage_block *disk)
{
  char buf[512];
  int r = mirage_block_read (disk, 0, buf, sizeof buf);   /* its own descriptor: allowed */
  if (r < 0)
    return r;
  mirage_log_info (&mirage_log_application, "own sector read");
  return pread (0, buf, sizeof buf, 0) < 0 ? 0 : 0;        /* another descriptor */
}
C
status 0 "pread64 on another descriptor: fine under -t unix" bash -c "cd '$T/otherfd' && '$M' run otherfd.mstudio -o _unix </dev/null"
status $SIGSYS_STATUS "pread64 on another descriptor: SIGSYS under -t sandbox" bash -c "cd '$T/otherfd' && '$M' run otherfd.mstudio -t sandbox -o _sandbox </dev/null 2>'$T/otherfd.log'"
ok "... after its own block's pread64 worked" grep -q -F 'own sector read' "$T/otherfd.log"

# open(2) is the sanitizer's to use (/proc/self/maps), so killed only without it
project passwd noop
cat > "$T/passwd/unikernel.c" <<'C'
#include <fcntl.h>
#include "unikernel.h"
int unikernel_start (void) { return open ("/etc/passwd", O_RDONLY) >= 0 ? 0 : -EIO; }
C
# (a sanitized runtime's filter lets openat through: Landlock refuses it, the job fails)
case ${MSTUDIO_RUNTIME_SANITIZE:-} in
  *address*) status 255 "open(\"/etc/passwd\"): refused by Landlock under a sanitized -t sandbox" "$M" run "$T/passwd/passwd.mstudio" -t sandbox -o "$T/passwd/_sandbox" ;;
  *) status $SIGSYS_STATUS "open(\"/etc/passwd\"): SIGSYS under -t sandbox" "$M" run "$T/passwd/passwd.mstudio" -t sandbox -o "$T/passwd/_sandbox" ;;
esac

# ---- hostile unikernels (issue 15, items 3 and 4) ----------------------------
# Each tries to get out of its sandbox; a secret file next to the
# project stands for any host file. "Stopped" means: the secret is not
# printed, no file appears outside, and the unikernel is killed (SIGSYS)
# or refused (EACCES, ENOSYS). docs/build.md counts them.
SECRET="$T/secret.txt"
export T SECRET   # stopped() runs in bash -c too
echo 'root:x:0:0:the secret line' >"$SECRET"
hostile () { # NAME: a kv_ro-direct project whose unikernel.c is read from stdin, OUT and SECRET substituted
  project "$1" kv_ro-direct
  sed -e "s|@SECRET@|$SECRET|g" -e "s|@OUT@|$T/$1-out|g" >"$T/$1/unikernel.c"
}
stopped () { # NAME: nothing leaked, nothing written
  ! grep -q -F 'the secret line' "$T/$1.log" && [ ! -e "$T/$1-out" ]
}
hostile_run () { # NAME: run under -t sandbox (build first)
  (cd "$T/$1" && "$M" build "$1.mstudio" -t sandbox -o _sandbox >/dev/null && timeout 20 ./_sandbox/"$1" >"$T/$1.log" 2>&1)
}

# 1. its own syscall(): the runtime's filter used to bind to it and never be installed
hostile h1 <<'C'
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include "unikernel.h"
long syscall (long nr, ...) { (void) nr; return 0; }   /* "the filter is installed" */
long prctl (int op, ...) { (void) op; return 0; }
int
unikernel_start (struct mirage_kv_ro *htdocs)
{
  char buf[256];
  (void) htdocs;
  int fd = open ("@SECRET@", O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (n > 0) { buf[n] = 0; mirage_log_info (&mirage_log_application, "LEAK %s", buf); }
  else mirage_log_info (&mirage_log_application, "read refused");
  fd = open ("@OUT@", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) write (fd, "escaped\n", 8);
  return 0;
}
C
status 0 "hostile 1 (own syscall()): runs as its own jailer under -t unix" bash -c "cd '$T/h1' && '$M' run h1.mstudio -o _unix >'$T/h1u.log' 2>&1"
ok "... and there reads the secret and writes outside (the attack works unconfined)" bash -c "grep -q -F 'the secret line' '$T/h1u.log' && [ -e '$T/h1-out' ] && rm -f '$T/h1-out'"
hostile_run h1; rc=$?
# a sanitized runtime lets openat through to Landlock (EACCES) instead of killing it
case ${MSTUDIO_RUNTIME_SANITIZE:-} in *address*) h1_rc=0 ;; *) h1_rc=$SIGSYS_STATUS ;; esac
ok "hostile 1 (own syscall()): stopped under -t sandbox (exit $rc)" bash -c "[ $rc -eq $h1_rc ] && $(declare -f stopped); stopped h1"
ok "... its read refused (Landlock), its open for writing killed or refused" grep -q -F 'read refused' "$T/h1.log"

# 2. a constructor: runs before main, so before any filter the runtime installs
hostile h2 <<'C'
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "unikernel.h"
static char stolen[256];
__attribute__ ((constructor)) static void
before_main (void)
{
  int fd = open ("@SECRET@", O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, stolen, sizeof stolen - 1) : -1;
  if (n < 0) strcpy (stolen, "nothing");
  fd = open ("@OUT@", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) write (fd, stolen, strlen (stolen));
}
int
unikernel_start (struct mirage_kv_ro *htdocs)
{
  (void) htdocs;
  mirage_log_info (&mirage_log_application, "constructor got: %s", stolen);
  return 0;
}
C
status 0 "hostile 2 (constructor): under -t unix it reads and writes" bash -c "cd '$T/h2' && '$M' run h2.mstudio -o _unix >'$T/h2u.log' 2>&1 && [ -e '$T/h2-out' ] && rm -f '$T/h2-out'"
hostile_run h2; rc=$?
ok "hostile 2 (constructor): stopped under -t sandbox, confined before its first instruction (exit $rc)" bash -c "$(declare -f stopped); stopped h2"
ok "... the constructor got nothing, the unikernel ran on" grep -q -F 'constructor got: nothing' "$T/h2.log"

# 3. close fd 1, then openat2 (flags unseen by BPF) and creat to write outside
hostile h3 <<'C'
#include <fcntl.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "unikernel.h"
int
unikernel_start (struct mirage_kv_ro *htdocs)
{
  struct open_how how = { .flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0644 };
  int root = mirage_kv_ro_sandbox_fd (htdocs);   /* the descriptor openat2 was allowed on */
  close (1);                                     /* the new file would land on fd 1 */
  long fd = syscall (SYS_openat2, root, "@OUT@", &how, sizeof how);
  mirage_log_info (&mirage_log_application, "openat2: %ld (%s)", fd, fd < 0 ? strerror (errno) : "opened");
  if (fd >= 0) write (1, "escaped\n", 8);
  fd = creat ("@OUT@", 0644);
  if (fd >= 0) write (1, "escaped\n", 8);
  return 0;
}
C
hostile_run h3; rc=$?
ok "hostile 3 (close(1), openat2, creat): stopped under -t sandbox (exit $rc)" bash -c "[ $rc -eq $SIGSYS_STATUS ] && $(declare -f stopped); stopped h3"
ok "... openat2 failed with ENOSYS, then creat was killed" grep -q -F 'openat2: -1 (Function not implemented)' "$T/h3.log"

# 4. read-only opens of a host file: AT_FDCWD, absolute path from its own descriptor, ../
hostile h4 <<'C'
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "unikernel.h"
static void
try (int dir, const char *path, const char *how)
{
  char buf[256];
  int fd = openat (dir, path, O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (n > 0) { buf[n] = 0; mirage_log_info (&mirage_log_application, "LEAK via %s: %s", how, buf); }
  else mirage_log_info (&mirage_log_application, "%s: refused (%s)", how, strerror (errno));
}
int
unikernel_start (struct mirage_kv_ro *htdocs)
{
  int root = mirage_kv_ro_sandbox_fd (htdocs);
  try (AT_FDCWD, "@SECRET@", "AT_FDCWD");
  try (root, "@SECRET@", "its descriptor, absolute path");
  try (AT_FDCWD, "/etc/passwd", "/etc/passwd");
  try (root, "../../secret.txt", "its descriptor, ../");
  try (root, "hello.txt", "its own key");
  return 0;
}
C
hostile_run h4; rc=$?
ok "hostile 4 (read-only opens outside): stopped under -t sandbox (exit $rc)" bash -c "[ $rc -eq 0 ] && $(declare -f stopped); stopped h4 && ! grep -q -F 'LEAK via /etc' '$T/h4.log'"
ok "... every one refused by Landlock (EACCES), its own key read" bash -c "[ \$(grep -c -F 'refused (Permission denied)' '$T/h4.log') -eq 4 ] && grep -q -F 'LEAK via its own key: Hello from' '$T/h4.log'"

# 5. exec another program from a constructor: only the unikernel and its
# dynamic loader may be executed (libraries are read-only)
LIBEXE=$(find /usr/lib -maxdepth 3 -type f -perm -u+x ! -name '*.so*' 2>/dev/null | head -1)
hostile h5 <<'C'
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "unikernel.h"
static char result[256];
__attribute__ ((constructor)) static void
before_main (void)
{
  char *argv[] = { "sh", "-c", "echo escaped > @OUT@", NULL };
  execv ("/bin/sh", argv);
  strcpy (result, strerror (errno));
  strcat (result, " / ");
  execv ("@LIBEXE@", argv);
  strcat (result, strerror (errno));
}
int
unikernel_start (struct mirage_kv_ro *htdocs)
{
  (void) htdocs;
  mirage_log_info (&mirage_log_application, "exec: %s", result);
  return 0;
}
C
sed -i "s|@LIBEXE@|${LIBEXE:-/usr/lib/none}|" "$T/h5/unikernel.c"
hostile_run h5; rc=$?
ok "hostile 5 (exec /bin/sh and ${LIBEXE:-a program} under /usr/lib from a constructor): both refused (exit $rc)" \
  bash -c "[ $rc -eq 0 ] && $(declare -f stopped); stopped h5 && grep -q -F 'exec: Permission denied / ' '$T/h5.log' && { [ -z '$LIBEXE' ] || grep -q -F ' / Permission denied' '$T/h5.log'; }"

# its .unikernel alone (without the launcher) runs no job
expect_direct () {
  (cd "$T/h4" && ./_sandbox/h4.unikernel >"$T/h4d.log" 2>&1); [ $? -eq 255 ] && grep -q -F 'not started by its sandbox launcher (Seccomp: 0' "$T/h4d.log" && ! grep -q LEAK "$T/h4d.log"
}
ok "the .unikernel started without its launcher refuses to run any job" expect_direct
ok "describe --sandbox: says what Landlock and the launcher enforce" bash -c "'$M' describe '$T/h4/h4.mstudio' --sandbox >'$T/h4.desc' && grep -q -F 'Landlock' '$T/h4.desc' && grep -q -F 'launcher' '$T/h4.desc' && grep -q -F 'openat2 (fails: ENOSYS)' '$T/h4.desc' && ! grep -q -F 'RESOLVE_BENEATH' '$T/h4.desc'"
ok "a kernel without the Landlock ABI needed: nothing runs, with the reason" bash -c "cd '$T/h4' && MIRAGE_SANDBOX_TEST_ABI=2 ./_sandbox/h4 >'$T/abi.log' 2>&1; [ \$? -eq 255 ] && grep -q -F 'Landlock is ABI 2; the sandbox needs ABI 3' '$T/abi.log' && ! grep -q LEAK '$T/abi.log'"

status 2 "-t bogus: refused" "$M" build "$T/noop/noop.mstudio" -t bogus

tap_done
