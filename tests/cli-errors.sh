#!/bin/bash
# cli-errors.sh: mstudio refuses what it must, with the right exit code,
# a message that names the file and the problem, and the file untouched.
#
# Exit codes (docs/cli.md): 1 refused or problems found, 2 bad command
# line or unreadable project, 3 a change that could not be written (see
# cli-reliability.sh). TAP output; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

sum () { sha256sum "$1" | cut -d' ' -f1; }
# unchanged FILE DESCRIPTION COMMAND...: the command leaves FILE byte for byte
unchanged () {
  local f=$1 desc=$2; shift 2
  local before; before=$(sum "$f")
  "$@" >"$T/out" 2>"$T/err"
  if [ "$(sum "$f")" = "$before" ]; then pass "$desc"; else fail "$desc"; fi
}

P=$T/p.mstudio
"$M" new "$P" --name errors >/dev/null
"$M" add "$P" default_network --as net >/dev/null
"$M" add "$P" generic_stackv4v6 --as stack >/dev/null
"$M" connect "$P" net stack.net
"$M" add "$P" main --as unikernel module=Unikernel.Main "signature=stackv4v6 @-> job" "args=port:port=8080" >/dev/null
"$M" register "$P" --jobs unikernel


# command line
expect 2 "unknown subcommand" "unknown subcommand: exit 2" "$M" frobnicate "$P"
expect 2 "" "no arguments: exit 2" "$M"
expect 2 "Unknown option" "unknown --option: exit 2" "$M" add "$P" noop --bogus
expect 2 "not an assignment" "assignment without =: exit 2" "$M" add "$P" generic_kv_ro dir
expect 2 "DEVICE.PARAMETER" "TARGET.PARAM without a dot: exit 2" "$M" connect "$P" net stack
expect 2 "" "missing arguments: exit 2" "$M" connect "$P" net
expect 2 "format" "export to an unknown format: exit 2" "$M" export "$P" --format gif -o "$T/x.gif"
expect 2 "-o FILE" "export without -o: exit 2" "$M" export "$P" --format dot

# connections
unchanged "$P" "refused connect leaves the file as it was" "$M" connect "$P" net unikernel.1
expect 1 "expected stackv4v6, found network" "ill-typed connect: exit 1 with the reason" "$M" connect "$P" net unikernel.1
expect 1 "has no parameter “bogus”" "unknown parameter" "$M" connect "$P" net stack.bogus
expect 1 "has no parameter “5”" "position beyond the signature" "$M" connect "$P" stack unikernel.5
expect 1 "no device named “ghost”" "unknown source device" "$M" connect "$P" ghost stack.net
expect 1 "no device named “ghost”" "unknown target device" "$M" connect "$P" net ghost.net
expect 0 "--force" "connect --force stores it with a warning" "$M" connect "$P" net unikernel.1 --force
"$M" check "$P" >"$T/chk"; rc=$?
if [ $rc -eq 1 ] && grep -q 'type-mismatch' "$T/chk" && grep -q '^1 error' "$T/chk"; then pass "check reports the forced type-mismatch, exit 1"; else fail "check reports the forced type-mismatch, exit 1"; fi
"$M" check --json "$P" >"$T/j"; rc=$?
if [ $rc -eq 1 ] && python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["errors"]==1 and d["diagnostics"][0]["code"]=="type-mismatch" and d["diagnostics"][0]["device"]=="unikernel"' <"$T/j"; then
  pass "check --json reports it too"; else fail "check --json reports it too"; fi
"$M" connect "$P" stack unikernel.1 2>/dev/null
expect 1 "is not connected" "disconnect what is not connected" "$M" disconnect "$P" stack.tcp

# constructors, options, values
expect 1 "“nosuch” is not a device constructor" "unknown constructor" "$M" add "$P" nosuch
expect 1 "has no option “nope”" "unknown option" "$M" add "$P" generic_kv_ro dir=x nope=1
expect 1 "is a device parameter" "a parameter given as an option" "$M" add "$P" generic_stackv4v6 net=x
expect 1 "internal" "internal constructor" "$M" add "$P" socket_stackv4v6
expect 1 "already a device named" "duplicate name" "$M" add "$P" noop --as stack
expect 1 "OCaml keyword" "invalid device name" "$M" add "$P" noop --as let
expect 1 "stack.ipv4_network: “10.0.0.300/24”" "invalid IPv4 prefix refused, naming device, option and value" \
  "$M" set "$P" stack.ipv4_network=10.0.0.300/24
expect 1 "ipv4_prefix" "the message names the expected type" "$M" set "$P" stack.ipv4_network=10.0.0.300/24
unchanged "$P" "refused set leaves the file as it was" "$M" set "$P" stack.ipv4_network=10.0.0.2/24 stack.ipv4_gateway=nope
expect 1 "“99999”" "port 99999 refused as a runtime argument default" \
  "$M" add "$P" main --as other module=Other signature=job "args=port:port=99999"
expect 1 "“99999”" "port 99999 refused by set arg:" "$M" set "$P" arg:port=99999
expect 1 "no runtime argument “nope”" "unknown runtime argument lists the known ones" "$M" set "$P" arg:nope=1
expect 1 "no key “nokey”" "unknown key lists the known ones" "$M" set "$P" key:nokey=1
expect 1 "one of" "key value outside its enum" "$M" set "$P" key:net=carrier-pigeon
expect 1 "not a target" "unknown target" "$M" set "$P" target=amiga
expect 1 "not a valid application name" "invalid application name" "$M" set "$P" "name=a b"
expect 1 "not something set can change" "unknown setting" "$M" set "$P" colour=blue
expect 1 "not a signature" "invalid signature" "$M" set "$P" "unikernel.signature=frobs @-> job"
expect 1 "not a package" "invalid package" "$M" set "$P" "unikernel.packages=no good!"
expect 1 "no device named “ghost”" "remove an unknown device" "$M" remove "$P" ghost
expect 1 "log level" "register with an unknown reporter" "$M" register "$P" --reporter loud
expect 1 "not a choice" "register with an unknown clock" "$M" register "$P" --mtime sundial
expect 1 "not a target" "describe -t unknown" "$M" describe -t amiga "$P"
expect 1 "not a module type" "catalog of an unknown type" "$M" catalog frob
expect 0 "--force" "--force stores an invalid value" "$M" set "$P" stack.ipv4_network=10.0.0.300/24 --force
"$M" check "$P" >"$T/chk"; rc=$?
if [ $rc -eq 1 ] && grep -q 'invalid-value' "$T/chk"; then pass "check then reports invalid-value"; else fail "check then reports invalid-value"; fi

# new never replaces
unchanged "$P" "new on an existing project leaves it alone" "$M" new "$P" --name again
expect 2 "already exists" "new on an existing file: exit 2" "$M" new "$P" --name again
expect 2 "application name" "new with an invalid name" "$M" new "$T/n.mstudio" --name "bad name!"

# application names: where they are set, with the rule they break
long=$(printf 'a%.0s' $(seq 1 300))
expect 2 "the build writes a file of that name" "new --name main.c refused" "$M" new "$T/n.mstudio" --name main.c
expect 2 "start with a letter or a digit" "new --name . refused" "$M" new "$T/n.mstudio" --name .
expect 2 "start with a letter or a digit" "new --name .. refused" "$M" new "$T/n.mstudio" --name ..
expect 2 "use only letters" "new --name with / refused" "$M" new "$T/n.mstudio" --name a/b
expect 2 "at most 64 characters" "new --name of 300 characters refused" "$M" new "$T/n.mstudio" --name "$long"
expect 2 "the build writes a file of that name" "new named after its file: main.c.mstudio refused" "$M" new "$T/main.c.mstudio"
if [ ! -e "$T/n.mstudio" ] && [ ! -e "$T/main.c.mstudio" ]; then pass "refused names create no file"; else fail "refused names create no file"; fi
expect 1 "the build writes a file of that name" "set name=unikernel.h refused" "$M" set "$P" name=unikernel.h
expect 1 "the build writes a file of that name" "set name=Makefile refused" "$M" set "$P" name=Makefile
expect 1 "the build writes a file of that name" "set name=config.ml refused" "$M" set "$P" name=config.ml
expect 1 "start with a letter or a digit" "set name=.mstudio-build-stamp refused" "$M" set "$P" name=.mstudio-build-stamp
expect 0 "" "set name=web-1.0 accepted" "$M" set "$P" name=web-1.0
printf 'open Mirage\nlet main = main "Unikernel.Main" job\nlet () = register "unikernel.h" [ main ]\n' >"$T/named.ml"
"$M" import "$T/named.ml" -o "$T/named.mstudio" >"$T/out" 2>"$T/err"
if grep -q "the build writes a file of that name" "$T/err" && "$M" describe "$T/named.mstudio" 2>/dev/null | grep -q '^Name  *unikernel$'; then
  pass "import: a register name that collides with a generated file is refused with a warning"
else
  fail "import: a register name that collides with a generated file is refused with a warning"
fi

# invisible characters in project text are escaped on every text output
B=$T/bidi.mstudio
cp "$P" "$B"
RLO=$(printf '\u202e'); ZWSP=$(printf '\u200b'); BOM=$(printf '\ufeff'); LS=$(printf '\u2028')
"$M" set "$B" "unikernel.args=port:port=8080:doc${RLO}txt${ZWSP}z${BOM}w${LS}e" >/dev/null 2>&1
"$M" set "$B" --force "stack.ipv4_network=10.0.0.300${RLO}/24" >/dev/null 2>&1
raw () { grep -q -e "$RLO" -e "$ZWSP" -e "$BOM" -e "$LS" "$1"; }
"$M" describe "$B" >"$T/out" 2>"$T/err"
if ! raw "$T/out" && grep -q -F 'doc\u202etxt\u200bz\ufeffw\u2028e' "$T/out"; then pass "describe escapes bidi, zero-width, BOM and U+2028"; else fail "describe escapes bidi, zero-width, BOM and U+2028"; fi
"$M" check "$B" >"$T/out" 2>"$T/err"
if ! raw "$T/out" && grep -q -F '300\u{202E}/24' "$T/out"; then pass "check escapes a bidi override in a diagnostic"; else fail "check escapes a bidi override in a diagnostic"; fi
"$M" describe --json "$B" >"$T/out" 2>"$T/err"
if ! raw "$T/out" && grep -q -F '"doc\u202etxt\u200bz\ufeffw\u2028e"' "$T/out"; then pass "describe --json writes them as \\uXXXX"; else fail "describe --json writes them as \\uXXXX"; fi
"$M" check --json "$B" >"$T/out" 2>"$T/err"
if ! raw "$T/out"; then pass "check --json has none raw"; else fail "check --json has none raw"; fi
"$M" set "$B" --force "stack.ipv4_network=x${RLO}" >"$T/out" 2>"$T/err"
if ! raw "$T/err"; then pass "warnings escape them too"; else fail "warnings escape them too"; fi

# a refusal of several lines is printed as lines, not with a literal \n
"$M" export "$B" --format config.ml -o "$T/exp" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && ! grep -q -F '\n' "$T/err" && [ "$(wc -l <"$T/err")" -ge 2 ] \
   && grep -q -F -- "--force exports anyway" "$T/err" && grep -q '^  error: stack.ipv4_network' "$T/err"; then
  pass "export refusal: one line per problem, --force named"
else
  fail "export refusal: one line per problem, --force named"
fi
"$M" build "$B" -o "$T/bld" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && ! grep -q -F -- "--force" "$T/err" && grep -q '^  error: stack.ipv4_network' "$T/err"; then
  pass "build refusal: one line per problem, no --force (build has none)"
else
  fail "build refusal: one line per problem, no --force (build has none)"
fi

# files that are not projects
: >"$T/empty.mstudio"
head -c 4096 /dev/urandom >"$T/random.mstudio"
printf 'devices:\n  - net\n' >"$T/text.mstudio"
sqlite3 "$T/other.mstudio" 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
cp "$P" "$T/newer.mstudio"
sqlite3 "$T/newer.mstudio" 'PRAGMA user_version = 9999;'
for f in empty random text other newer; do
  F=$T/$f.mstudio
  before=$(sum "$F")
  "$M" check "$F" >"$T/out" 2>"$T/err"; rc=$?
  if [ $rc -eq 2 ] && grep -q -F "$F" "$T/err"; then pass "$f file: check exits 2 naming the file"; else fail "$f file: check exits 2 naming the file"; fi
  "$M" add "$F" noop >"$T/out" 2>"$T/err"; rc=$?
  if [ $rc -eq 2 ] && [ "$(sum "$F")" = "$before" ]; then pass "$f file: add exits 2 and leaves it unchanged"; else fail "$f file: add exits 2 and leaves it unchanged"; fi
done
expect 2 "$T/missing.mstudio" "missing file: exit 2 naming it" "$M" describe "$T/missing.mstudio"
if [ ! -e "$T/missing.mstudio" ]; then pass "a missing file is not created"; else fail "a missing file is not created"; fi

tap_done
