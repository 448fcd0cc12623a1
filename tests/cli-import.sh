#!/bin/bash
# cli-import.sh: mstudio import config.ml -o P.mstudio (docs/import.md).
#
# Every file of tests/corpus imports with exit 0, passes check (warnings
# allowed), and describe shows the devices its NAME.expect lists; files
# the importer cannot read are refused with a place or a clean message;
# an existing project is never overwritten; every example survives new
# --example -> export -> import with the same describe output (positions
# aside: import lays the devices out again); data/examples/NAME/config.ml
# is what the exporter writes for each example today.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
C=$(cd "$(dirname "$0")" && pwd)/corpus
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

# import NAME: the corpus file into $T/NAME.mstudio, no error
import_corpus () {
  rm -f "$T/$1.mstudio"
  "$M" import "$C/$1.ml" -o "$T/$1.mstudio" || return 1
  # every message has a place or is about the whole file; none is an error
  ! grep -q ': error: ' "$T/err"
}
# describe_has NAME: every device of NAME.expect is in describe's output
describe_has () {
  "$M" describe "$T/$1.mstudio" >"$T/describe" || return 1
  local dev
  while read -r dev ctor; do
    case $ctor in '->'*|'') continue ;; esac   # connections
    grep -q -E "^Device +$dev\$" "$T/describe" || { echo "no device $dev" >&2; return 1; }
    awk -v d="$dev" '$1 == "Device" { cur = $2 } cur == d && $1 == "ctor" { print $2 }' "$T/describe" \
      | grep -q -x -F "$ctor" || { echo "$dev is not a $ctor" >&2; return 1; }
  done <"$C/$1.expect"
}

for f in "$C"/*.ml; do
  name=$(basename "$f" .ml)
  ok "import $name.ml: exit 0, no error" import_corpus "$name"
  ok "check $name (warnings allowed)" "$M" check "$T/$name.mstudio"
  ok "describe $name shows the devices of $name.expect" describe_has "$name"
done

# ---- refused input --------------------------------------------------------------

printf 'open Mirage\nlet x = match y with _ -> 1\nlet m = main "Unikernel.Main" job\nlet () = register "x" [ m ]\n' >"$T/match.ml"
expect_re 1 'match\.ml:2:9: error: ' "an unsupported construct: exit 1, FILE:LINE:COL" \
  "$M" import "$T/match.ml" -o "$T/match.mstudio"
ok "… and what could be read is still imported" "$M" describe "$T/match.mstudio"

printf 'let () = register "x" [ main "U" job ]\nlet s = "never closed\n' >"$T/open.ml"
expect_re 1 'open\.ml:2:9: error: ' "an unterminated string: exit 1 with its place" \
  "$M" import "$T/open.ml" -o "$T/open.mstudio"

expect_re 2 'missing\.ml' "a missing file: exit 2" "$M" import "$T/missing.ml" -o "$T/m.mstudio"
ok "… and no project is written" test ! -e "$T/m.mstudio"

printf 'open Mirage\n' >"$T/secret.ml"
chmod 000 "$T/secret.ml"
if [ -r "$T/secret.ml" ]; then
  skip "an unreadable file: exit 2" "running as root"
else
  expect_re 2 'secret\.ml' "an unreadable file: exit 2" "$M" import "$T/secret.ml" -o "$T/s.mstudio"
fi

head -c 3000 /dev/urandom >"$T/binary.ml"
printf '\0\0\0' >>"$T/binary.ml"
expect_re 1 'binary\.ml:[0-9]+:[0-9]+: error: ' "a binary file: exit 1, messages with places" \
  "$M" import "$T/binary.ml" -o "$T/binary.mstudio"
ok "… a bounded number of messages" test "$(wc -l <"$T/err")" -le 1002

head -c 5000000 /dev/zero | tr '\0' ' ' >"$T/huge.ml"
expect_re 1 'larger than' "a file over 4 MiB: refused before reading, exit 1" \
  "$M" import "$T/huge.ml" -o "$T/huge.mstudio"
ok "… and no project is written" test ! -e "$T/huge.mstudio"

expect_re 2 'not a regular file' "a device (/dev/zero): refused, exit 2" \
  "$M" import /dev/zero -o "$T/zero.mstudio"
expect_re 2 'not a regular file' "a directory: refused, exit 2" \
  "$M" import "$T" -o "$T/dir.mstudio"

# ---- never overwrite ------------------------------------------------------------

"$M" new "$T/keep.mstudio" --example hello >/dev/null 2>&1
sum=$(cksum <"$T/keep.mstudio")
expect_re 1 'exists' "importing onto an existing project: refused, exit 1" \
  "$M" import "$C/noop.ml" -o "$T/keep.mstudio"
ok "… the project is unchanged" test "$(cksum <"$T/keep.mstudio")" = "$sum"
ln -s "$T/keep.mstudio" "$T/link.mstudio"
expect_re 1 'exists' "importing onto a symbolic link: refused, exit 1" \
  "$M" import "$C/noop.ml" -o "$T/link.mstudio"
ok "… the project is unchanged" test "$(cksum <"$T/keep.mstudio")" = "$sum"

# ---- examples: new -> export -> import -> describe ------------------------------

describe_stable () {
  "$M" describe "$1" | grep -v -E '^ +position ' 
}
round_trip () {
  local ex=$1 d=$T/rt-$1
  mkdir -p "$d"
  "$M" new "$d/orig.mstudio" --name "$ex" --example "$ex" >/dev/null || return 1
  "$M" export "$d/orig.mstudio" --format config.ml -o "$d" >/dev/null || return 1
  "$M" import "$d/config.ml" -o "$d/back.mstudio" >/dev/null || return 1
  grep -q -E ': (error|warning): ' "$T/err" && return 1
  describe_stable "$d/orig.mstudio" >"$d/a" || return 1
  describe_stable "$d/back.mstudio" >"$d/b" || return 1
  diff -u "$d/a" "$d/b" >&2
}
for dir in "$MSTUDIO_DATADIR"/examples/*/; do
  ex=$(basename "$dir")
  ok "example $ex: new -> export -> import -> describe identical" round_trip "$ex"
done

# ---- data/examples/NAME/config.ml: the current export ---------------------------
#
# Each example folder holds the config.ml the exporter writes for it
# (default Mirage version). MSTUDIO_UPDATE_GOLDEN=1 rewrites them.

example_configml () {
  local ex=$1 d=$T/ex-$1 want=$MSTUDIO_DATADIR/examples/$1/config.ml
  mkdir -p "$d"
  "$M" new "$d/p.mstudio" --name "$ex" --example "$ex" >/dev/null || return 1
  "$M" export "$d/p.mstudio" --format config.ml -o - >"$d/config.ml" || return 1
  if [ -n "${MSTUDIO_UPDATE_GOLDEN:-}" ]; then
    cp "$d/config.ml" "$want"
  fi
  diff -u "$want" "$d/config.ml" >&2
}
for dir in "$MSTUDIO_DATADIR"/examples/*/; do
  ex=$(basename "$dir")
  ok "data/examples/$ex/config.ml is the current export" example_configml "$ex"
done

tap_done
