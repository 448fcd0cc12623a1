#!/bin/bash
# cli-build.sh: mstudio build, run and export --format c-skeleton.
#
# The examples of data/examples that have a unikernel.c are built with
# the real C compiler against the bundled runtime and run; their output
# is checked. Also: a type error in unikernel.c is reported at the
# user's file and line, an unchanged project rebuilds nothing, a device
# option with quotes, backslashes and a newline survives into the
# generated C (compiled and used), devices the runtime lacks are
# refused by name, and the echo server answers a real client on
# 127.0.0.1 (bounded time). docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
EX=$MSTUDIO_DATADIR/examples
T=$(mktemp -d)
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
# the unikernels are built without sanitizers; mstudio may have them
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0

n=0
failed=0
ok () {
  local desc=$1; shift
  n=$((n + 1))
  if "$@" >"$T/out" 2>"$T/err"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    sed 's/^/# /' "$T/err" "$T/out" | head -30
    failed=$((failed + 1))
  fi
}
# expect CODE TEXT DESC CMD...: exit status CODE and TEXT on stderr
expect () {
  local code=$1 text=$2 desc=$3; shift 3
  n=$((n + 1))
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq "$code" ] && grep -q -F -- "$text" "$T/err"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc (exit $rc)"
    sed 's/^/# /' "$T/err" "$T/out" | head -20
    failed=$((failed + 1))
  fi
}
# project NAME EXAMPLE: a project dir with the example's unikernel.c and data
project () {
  mkdir -p "$T/$1" && "$M" new "$T/$1/$1.mstudio" --name "$1" --example "$2" >/dev/null \
    && cp -r "$EX/$2/." "$T/$1/" && rm -f "$T/$1/steps" "$T/$1/description"
}
count_lines () { # FILE TEXT N
  [ "$(grep -c -F -- "$2" "$1")" -eq "$3" ]
}

# noop
project noop noop
ok "noop: build" "$M" build "$T/noop/noop.mstudio"
ok "noop: the binary is DIR/<name>" test -x "$T/noop/_build/noop"
ok "noop: runs and exits 0" "$T/noop/_build/noop"
ok "noop: main.c and unikernel.h are written" test -f "$T/noop/_build/main.c" -a -f "$T/noop/_build/unikernel.h"
expect 0 "up to date" "noop: a second build rebuilds nothing" bash -c "'$M' build '$T/noop/noop.mstudio' >&2"
touch -d '2000-01-01' "$T/noop/_build/noop" "$T/noop/_build/main.c"
ok "noop: ... and touches nothing" bash -c "'$M' build '$T/noop/noop.mstudio' && [ \$(stat -c %Y '$T/noop/_build/noop') -eq \$(stat -c %Y '$T/noop/_build/main.c') ] && [ \$(stat -c %Y '$T/noop/_build/noop') -lt 1000000000 ]"
echo '/* changed */' >> "$T/noop/unikernel.c"
ok "noop: a source change rebuilds" bash -c "'$M' build '$T/noop/noop.mstudio' | grep -v 'up to date' && [ \$(stat -c %Y '$T/noop/_build/noop') -gt 1000000000 ]"
ok "noop: run passes exit 0" "$M" run "$T/noop/noop.mstudio"
expect 63 "noop" "noop: run -- --help exits 63 (Mirage's status)" bash -c "'$M' run '$T/noop/noop.mstudio' -- --help >&2"
expect 64 "--bogus" "noop: run -- --bogus exits 64" "$M" run "$T/noop/noop.mstudio" -- --bogus

# hello: four lines a second apart
project hello hello
ok "hello: run" bash -c "timeout 20 '$M' run '$T/hello/hello.mstudio' 2>'$T/hello.log'"
ok "hello: four Hello World! lines" count_lines "$T/hello.log" "[INFO] [application] Hello World!" 4

# hello-key: --hello
project hello-key hello-key
ok "hello-key: run -- --hello=Bonjour" bash -c "timeout 20 '$M' run '$T/hello-key/hello-key.mstudio' -- --hello=Bonjour 2>'$T/hk.log'"
ok "hello-key: four Bonjour lines" count_lines "$T/hk.log" "[application] Bonjour" 4
ok "hello-key: set arg:hello=Salut" "$M" set "$T/hello-key/hello-key.mstudio" arg:hello=Salut
ok "hello-key: the default follows the project" bash -c "timeout 20 '$M' run '$T/hello-key/hello-key.mstudio' 2>'$T/hk2.log' && grep -q -F '[application] Salut' '$T/hk2.log'"
ok "hello-key: unikernel.h has the args struct" grep -q -F "int unikernel_start (const struct unikernel_args *args);" "$T/hello-key/_build/unikernel.h"

# kv_ro: crunch is refused, direct runs
project kv_ro kv_ro
expect 1 "disk (crunch)" "kv_ro: crunch is refused, naming the device" "$M" build "$T/kv_ro/kv_ro.mstudio"
expect 1 "export config.ml" "kv_ro: ... with the hint to export config.ml" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "kv_ro: set key:kv_ro=direct" "$M" set "$T/kv_ro/kv_ro.mstudio" key:kv_ro=direct
ok "kv_ro: build" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "kv_ro: run reads htdocs/hello.txt" bash -c "cd '$T/kv_ro' && '$M' run kv_ro.mstudio 2>&1 | grep -q -F 'hello.txt: Hello from the key-value store!'"
ok "kv_ro: unikernel.h types the kv_ro parameter" grep -q -F "int unikernel_start (struct mirage_kv_ro *disk);" "$T/kv_ro/_build/unikernel.h"

# a user string with quotes, backslashes and a newline in a device option
weird=$'we"ird\\dir\n?" */ line'
mkdir -p "$T/kv_ro/$weird" && echo "weird works" > "$T/kv_ro/$weird/hello.txt"
ok "escape: set disk.dir to a name with quotes and a newline" "$M" set "$T/kv_ro/kv_ro.mstudio" "disk.dir=$weird"
ok "escape: builds" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "escape: the unikernel opens that very directory" bash -c "cd '$T/kv_ro' && ./_build/kv_ro 2>&1 | grep -q -F 'hello.txt: weird works'"
ok "escape: the option reaches main.c only as an escaped literal" bash -c "! grep -q -F 'we\"ird' '$T/kv_ro/_build/main.c' && grep -q -F 'we\\\"ird' '$T/kv_ro/_build/main.c'"

# a type error in unikernel.c: the user's file and line
cp -r "$T/kv_ro" "$T/bad"
sed -i 's/struct mirage_kv_ro \*disk/struct mirage_block *disk/' "$T/bad/unikernel.c"
line=$(grep -n 'struct mirage_block \*disk' "$T/bad/unikernel.c" | cut -d: -f1)
expect 1 "unikernel.c:$line:" "type error: reported at the user's unikernel.c:$line" "$M" build "$T/bad/kv_ro.mstudio" -o "$T/bad/out"
expect 1 "conflicting types for ‘unikernel_start’" "type error: ... naming the conflict" "$M" build "$T/bad/kv_ro.mstudio" -o "$T/bad/out"
ok "type error: no binary" test ! -e "$T/bad/out/kv_ro"

# --source, -o
ok "--source and -o" "$M" build "$T/kv_ro/kv_ro.mstudio" --source "$T/kv_ro/unikernel.c" -o "$T/elsewhere"
ok "-o: DIR/<name>" test -x "$T/elsewhere/kv_ro"
expect 1 "unikernel.c" "a missing unikernel.c is explained" "$M" build "$T/kv_ro/kv_ro.mstudio" --source "$T/nope/unikernel.c"

# c-skeleton
mkdir -p "$T/skel"
cp "$T/kv_ro/kv_ro.mstudio" "$T/skel/"
ok "c-skeleton: export" "$M" export "$T/skel/kv_ro.mstudio" --format c-skeleton -o "$T/skel"
ok "c-skeleton: it compiles as is" "$M" build "$T/skel/kv_ro.mstudio"
echo '/* mine */' >> "$T/skel/unikernel.c"
expect 1 "exists" "c-skeleton: never overwrites unikernel.c" "$M" export "$T/skel/kv_ro.mstudio" --format c-skeleton -o "$T/skel"
ok "c-skeleton: the user's file is kept" grep -q -F '/* mine */' "$T/skel/unikernel.c"

# a failing job: exit status 255 passed through run
project fail noop
cat > "$T/fail/unikernel.c" <<'EOF'
#include "unikernel.h"
int unikernel_start (void) { return -EIO; }
EOF
expect 255 "job 'unikernel' failed" "a failing job: run exits 255" "$M" run "$T/fail/fail.mstudio"

# targets
ok "-t sandbox: builds (tests/cli-sandbox.sh)" "$M" build "$T/noop/noop.mstudio" -t sandbox -o "$T/noop/_sandbox"
expect 2 "xen" "-t xen: refused with the config.ml hint" "$M" build "$T/noop/noop.mstudio" -t xen

# the echo server (network example): a real client on 127.0.0.1
project network network
ok "echo: build" "$M" build "$T/network/network.mstudio"
"$T/network/_build/network" --port=0 2>"$T/echo.log" &
PIDS="$PIDS $!"
port=
for _ in $(seq 50); do
  port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$T/echo.log")
  [ -n "$port" ] && break
  sleep 0.1
done
ok "echo: listening on a port" test -n "$port"
ok "echo: a client gets its line back" timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'ping pong\n' >&3 && read -r -t 3 reply <&3 && [ \"\$reply\" = 'ping pong' ]"

echo "1..$n"
[ "$failed" -eq 0 ]
