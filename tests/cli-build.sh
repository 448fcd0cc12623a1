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
# 127.0.0.1 (bounded time). crunch embeds its directory (rebuilt when
# a file changes; escapes refused); ccm_block encrypts (a wrong key
# cannot read) and only its graph links nettle. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"

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

# kv_ro: crunch (the default) embeds htdocs at build time
project kv_ro kv_ro
ok "kv_ro: crunch builds as is" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "kv_ro: the files are in the binary (runs from elsewhere)" bash -c "cd / && '$T/kv_ro/_build/kv_ro' 2>&1 | grep -q -F 'hello.txt: Hello from the key-value store!'"
ok "kv_ro: embed.c holds a sorted index" grep -q -F '{ "hello.txt", mirage_crunch_' "$T/kv_ro/_build/embed.c"
ok "kv_ro: no library beyond libc" bash -c "! ldd '$T/kv_ro/_build/kv_ro' | grep -q nettle"
expect 0 "up to date" "kv_ro: an unchanged directory rebuilds nothing" bash -c "'$M' build '$T/kv_ro/kv_ro.mstudio' >&2"
echo "Changed content" > "$T/kv_ro/htdocs/hello.txt"
ok "kv_ro: a changed file rebuilds" bash -c "'$M' build '$T/kv_ro/kv_ro.mstudio' | grep -v 'up to date'"
ok "kv_ro: ... and the new content is served" bash -c "'$T/kv_ro/_build/kv_ro' 2>&1 | grep -q -F 'hello.txt: Changed content'"
mkdir -p "$T/kv_ro/htdocs/sub" && echo new > "$T/kv_ro/htdocs/sub/added.txt"
ok "kv_ro: an added file rebuilds" bash -c "'$M' build '$T/kv_ro/kv_ro.mstudio' | grep -v 'up to date' && '$T/kv_ro/_build/kv_ro' 2>&1 | grep -q -F 'entry sub (dictionary)'"
mkdir -p "$T/outside" && echo secret > "$T/outside/secret.txt"
ln -s "$T/outside/secret.txt" "$T/kv_ro/htdocs/leak.txt"
expect 1 "device disk (crunch): $T/kv_ro/htdocs/leak.txt is a symbolic link leaving the embedded directory" "crunch: a symlink leaving the directory is refused, naming device and path" "$M" build "$T/kv_ro/kv_ro.mstudio"
rm "$T/kv_ro/htdocs/leak.txt"
ln -s hello.txt "$T/kv_ro/htdocs/alias.txt"
ok "crunch: a symlink to a file inside is followed" bash -c "'$M' build '$T/kv_ro/kv_ro.mstudio' && '$T/kv_ro/_build/kv_ro' 2>&1 | grep -q -F 'entry alias.txt (value)'"
ok "crunch: set disk.dir=../outside" "$M" set "$T/kv_ro/kv_ro.mstudio" disk.dir=../outside
expect 1 "device disk (crunch): the directory to embed (../outside) leaves the project's directory" "crunch: a .. escape is refused, naming device and path" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "crunch: set disk.dir=nothere" "$M" set "$T/kv_ro/kv_ro.mstudio" disk.dir=nothere
expect 1 "device disk (crunch): cannot embed the directory nothere" "crunch: a missing directory is named" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "kv_ro: set disk.dir=htdocs key:kv_ro=direct" "$M" set "$T/kv_ro/kv_ro.mstudio" disk.dir=htdocs key:kv_ro=direct
ok "kv_ro: direct builds" "$M" build "$T/kv_ro/kv_ro.mstudio"
ok "kv_ro: run reads htdocs/hello.txt" bash -c "cd '$T/kv_ro' && '$M' run kv_ro.mstudio 2>&1 | grep -q -F 'hello.txt: Changed content'"
ok "kv_ro: unikernel.h types the kv_ro parameter" grep -q -F "int unikernel_start (struct mirage_kv_ro *disk);" "$T/kv_ro/_build/unikernel.h"

# kv_ro-direct: the host directory at run time
project kv_ro-direct kv_ro-direct
ok "kv_ro-direct: run reads htdocs/hello.txt" bash -c "cd '$T/kv_ro-direct' && '$M' run kv_ro-direct.mstudio 2>&1 | grep -q -F 'hello.txt: Hello from the key-value store!'"

# kv_rw: set, get, list, remove
project kv_rw kv_rw
ok "kv_rw: run" bash -c "'$M' run '$T/kv_rw/kv_rw.mstudio' 2>'$T/kv_rw.log'"
ok "kv_rw: get" grep -q -F 'get fruit/banana: yellow' "$T/kv_rw.log"
ok "kv_rw: list" bash -c "grep -q -F 'fruit: apple (value)' '$T/kv_rw.log' && grep -q -F 'fruit: 2 entries' '$T/kv_rw.log'"
ok "kv_rw: remove" bash -c "grep -q -F 'removed fruit/apple: gone' '$T/kv_rw.log' && grep -q -F '/: 2 entries' '$T/kv_rw.log'"

# ccm_block: AES-CCM over disk.img, linked with nettle only here
K=000102030405060708090a0b0c0d0e0f
project ccm_block ccm_block
truncate -s 64K "$T/ccm_block/disk.img"
ok "ccm_block: write and read back" bash -c "cd '$T/ccm_block' && '$M' run ccm_block.mstudio -- --key=$K 2>&1 | grep -q -F 'read back: a secret kept in 64 sectors'"
ok "ccm_block: disk.img holds ciphertext, not the plaintext" bash -c "[ \$(tr -d '\\\\0' < '$T/ccm_block/disk.img' | wc -c) -gt 512 ] && ! grep -q -F 'a secret' '$T/ccm_block/disk.img'"
ok "ccm_block: the same key (0x prefix) reads it" bash -c "cd '$T/ccm_block' && '$M' run ccm_block.mstudio -- --key=0x$K --verify 2>&1 | grep -q -F 'sector 0 holds: a secret kept in 64 sectors'"
expect 255 "sector 0 does not decrypt with this key: Bad message" "ccm_block: a wrong key cannot read (exit 255)" bash -c "cd '$T/ccm_block' && '$M' run ccm_block.mstudio -- --key=ff0102030405060708090a0b0c0d0e0f --verify"
expect 255 "ccm_block: --key: not a valid key" "ccm_block: a malformed key names the flag" bash -c "cd '$T/ccm_block' && '$M' run ccm_block.mstudio -- --key=0x1234"
expect 255 "ccm_block: --key: no key given" "ccm_block: a missing key names the flag" bash -c "cd '$T/ccm_block' && '$M' run ccm_block.mstudio"
ok "ccm_block: linked with nettle" bash -c "ldd '$T/ccm_block/_build/ccm_block' | grep -q libnettle"
ok "ccm_block: ... and with the runtime's nettle part" bash -c "grep -q mirage_ccm_block '$T/ccm_block/_build/main.c'"
ok "kv_rw: a graph without ccm_block does not link nettle" bash -c "! ldd '$T/kv_rw/_build/kv_rw' | grep -q nettle"

# devices the runtime lacks are refused by name
mkdir -p "$T/lacks" && P=$T/lacks/lacks.mstudio
"$M" new "$P" --name lacks >/dev/null && "$M" add "$P" ramdisk --as rd name=r >/dev/null \
  && "$M" add "$P" tar_kv_ro --as disk >/dev/null && "$M" connect "$P" rd disk.block >/dev/null \
  && "$M" add "$P" main --as unikernel module=Unikernel.Main "signature=kv_ro @-> job" >/dev/null \
  && "$M" connect "$P" disk unikernel.1 >/dev/null && "$M" register "$P" --jobs unikernel >/dev/null
cp "$EX/kv_ro/unikernel.c" "$T/lacks/"
expect 1 "disk (tar_kv_ro)" "a device the runtime lacks is refused, naming it" "$M" build "$P"
expect 1 "export config.ml" "... with the hint to export config.ml" "$M" build "$P"

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
serve "$T/echo.log" "$T/network/_build/network" --port=0
port=$(log_port "$T/echo.log")
ok "echo: listening on a port" test -n "$port"
ok "echo: a client gets its line back" timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'ping pong\n' >&3 && read -r -t 3 reply <&3 && [ \"\$reply\" = 'ping pong' ]"

ok "echo: --port is a port: 65535 is taken" bash -c "'$T/network/_build/network' --port=65535 --help >/dev/null; [ \$? -eq 63 ]"
expect 64 "option '--port': invalid value '65536', expected a port number (0-65535)" \
  "echo: --port=65536 refused at parse time, naming the argument" "$T/network/_build/network" --port=65536

# int runtime arguments are OCaml's 63-bit int (issue 15, item 9)
project big hello-key
"$M" set "$T/big/big.mstudio" "unikernel.args=big:int=3000000000:A big number." >/dev/null
cat > "$T/big/unikernel.c" <<'EOF'
#include <inttypes.h>
#include "unikernel.h"
int
unikernel_start (const struct unikernel_args *args)
{
  mirage_log_info (&mirage_log_application, "big=%" PRId64, args->big);
  return 0;
}
EOF
ok "int 3000000000: check passes" "$M" check "$T/big/big.mstudio"
ok "int 3000000000: builds" "$M" build "$T/big/big.mstudio"
ok "int 3000000000: the binary takes its own default" bash -c "'$T/big/_build/big' 2>&1 | grep -q -F 'big=3000000000'"
ok "int: OCaml's max_int on the command line" bash -c "'$T/big/_build/big' --big=4611686018427387903 2>&1 | grep -q -F 'big=4611686018427387903'"
expect 64 "expected an integer from -4611686018427387904 to 4611686018427387903" \
  "int: past OCaml's max_int refused, naming the range" "$T/big/_build/big" --big=4611686018427387904
expect 1 "out of range for an OCaml int (from -4611686018427387904 to 4611686018427387903)" \
  "int: the same range in mstudio set" "$M" set "$T/big/big.mstudio" arg:big=4611686018427387904

# project defaults of the runtime's own -l/--logs and --delay (item 10)
project rtargs hello-key
cat > "$T/rtargs/unikernel.c" <<'EOF'
#include "unikernel.h"
int
unikernel_start (const struct unikernel_args *args)
{
  (void) args;
  mirage_log_info (&mirage_log_application, "an info line");
  mirage_log_warn (&mirage_log_application, "a warning line");
  return 0;
}
EOF
ok "runtime args: default build logs info" bash -c "'$M' run '$T/rtargs/rtargs.mstudio' 2>&1 | grep -q -F 'an info line'"
ok "runtime args: set arg:delay=1 arg:logs=*:warning" "$M" set "$T/rtargs/rtargs.mstudio" arg:delay=1 'arg:logs=*:warning'
ok "runtime args: main.c carries the project's defaults" bash -c "'$M' build '$T/rtargs/rtargs.mstudio' >/dev/null && grep -q -F '.delay_default = \"1\",' '$T/rtargs/_build/main.c' && grep -q -F '.logs_default = \"*:warning\",' '$T/rtargs/_build/main.c'"
ok "runtime args: logs=*:warning drops info, keeps warnings" bash -c "'$T/rtargs/_build/rtargs' >'$T/rt.log' 2>&1; ! grep -q -F 'an info line' '$T/rt.log' && grep -q -F 'a warning line' '$T/rt.log'"
ok "runtime args: delay=1 waits a second before the jobs" bash -c "s=\$(date +%s%N); '$T/rtargs/_build/rtargs' 2>/dev/null; e=\$(date +%s%N); [ \$(( (e - s) / 1000000 )) -ge 950 ]"
ok "runtime args: the command line still wins" bash -c "'$T/rtargs/_build/rtargs' --delay=0 -l info 2>&1 | grep -q -F 'an info line'"
ok "runtime args: --help shows the project's defaults" bash -c "'$T/rtargs/_build/rtargs' --help | grep -q -F -e '--delay=INT (absent=1)'"

# build --source reads as import does: a regular file of at most 4 MiB (item 13)
mkfifo "$T/fifo.c"
expect 2 "fifo.c is not a regular file" "--source FIFO: refused at once, not waited on" timeout 10 "$M" build "$T/noop/noop.mstudio" --source "$T/fifo.c"
expect 2 "/dev/zero is not a regular file" "--source /dev/zero: refused before reading" timeout 5 "$M" build "$T/noop/noop.mstudio" --source /dev/zero
expect 2 "is not a regular file" "--source DIR: refused" timeout 10 "$M" build "$T/noop/noop.mstudio" --source "$T/noop"
head -c 4194305 /dev/zero | tr '\0' ' ' >"$T/huge.c"
expect 1 "huge.c is larger than 4194304 bytes (4194305 bytes)" "--source over 4 MiB: refused, naming the limit" timeout 10 "$M" build "$T/noop/noop.mstudio" --source "$T/huge.c"

# crunch embeds bytes as string literals: every byte value, trigraphs,
# quotes and backslashes come back exact; a large input builds in
# bounded time with a warning (issue 15, item 17)
project bytes kv_ro
python3 -c "
import sys
b = bytes(range(256)) * 3 + b'??=??/\"\\\\\\\\x41\\n\0\0' + bytes(range(255, -1, -1))
open(sys.argv[1], 'wb').write(b)
open(sys.argv[2], 'wb').write(b'')
" "$T/bytes/htdocs/all.bin" "$T/bytes/htdocs/empty.bin"
cat > "$T/bytes/unikernel.c" <<'EOF'
#include <inttypes.h>
#include <stdlib.h>
#include "unikernel.h"
static void
show (struct mirage_kv_ro *disk, const char *key)
{
  void *data;
  size_t len;
  uint32_t h = 2166136261u;
  if (mirage_kv_get (disk, key, &data, &len) < 0)
    return;
  for (size_t i = 0; i < len; i++)
    h = (h ^ ((unsigned char *) data)[i]) * 16777619u;
  mirage_log_info (&mirage_log_application, "%s %zu %08" PRIx32, key, len, h);
  free (data);
}
int
unikernel_start (struct mirage_kv_ro *disk)
{
  show (disk, "all.bin");
  show (disk, "empty.bin");
  show (disk, "big.bin");
  return 0;
}
EOF
fnv () { python3 -c "
import sys
d = open(sys.argv[1], 'rb').read(); h = 2166136261
for c in d: h = ((h ^ c) * 16777619) & 0xffffffff
print('%s %d %08x' % (sys.argv[1].rsplit('/', 1)[1], len(d), h))" "$1"; }
ok "crunch: every byte value, trigraphs, quotes, backslashes and NULs: builds" "$M" build "$T/bytes/bytes.mstudio"
ok "crunch: ... and reads back byte for byte" bash -c "'$T/bytes/_build/bytes' 2>&1 | grep -q -F '$(fnv "$T/bytes/htdocs/all.bin")' && '$T/bytes/_build/bytes' 2>&1 | grep -q -F 'empty.bin 0 811c9dc5'"
ok "crunch: embed.c holds string literals, not an initializer per byte" bash -c "grep -q '\[[0-9]* + 1\] =\$' '$T/bytes/_build/embed.c' && ! grep -q '0x[0-9a-f][0-9a-f],' '$T/bytes/_build/embed.c'"
head -c 17000000 /dev/urandom >"$T/bytes/htdocs/big.bin"
expect 0 "device disk (crunch) embeds 16.2 MiB (more than 16 MiB)" "crunch: a 17 MB input builds, with a warning naming the device" \
  bash -c "s=\$(date +%s); timeout 120 '$M' build '$T/bytes/bytes.mstudio' && echo \$((\$(date +%s) - s)) >'$T/big.time'"
ok "crunch: ... and the 17 MB read back exact" bash -c "'$T/bytes/_build/bytes' 2>&1 | grep -q -F '$(fnv "$T/bytes/htdocs/big.bin")'"
echo "# crunch 17 MB build: $(cat "$T/big.time" 2>/dev/null) s"

# a built unikernel's --help prints project text escaped (item 15)
project esc hello-key
ok "help escaping: a default with ESC, a bidi override and a zero-width space" \
  "$M" set "$T/esc/esc.mstudio" "arg:hello=$(printf 'x\033[2J\342\200\256evil\342\200\213')"
ok "help escaping: builds" "$M" build "$T/esc/esc.mstudio"
ok "help escaping: --help shows them escaped" bash -c "'$T/esc/_build/esc' --help | grep -q -F -e '--hello=VAL (absent=x\\x1b[2J\\u202eevil\\u200b)'"
ok "help escaping: no raw ESC or bidi control in --help" bash -c "'$T/esc/_build/esc' --help >'$T/esc.help'; [ \$? -eq 63 ] && ! grep -q \$'\\033' '$T/esc.help' && ! grep -q \$'\\342\\200\\256' '$T/esc.help'"

tap_done
