#!/bin/bash
# cli-reliability.sh: no project is locked out or loses an acknowledged
# edit, whatever happens to the mstudio process or the disk.
#
#  1. kill -9 at a random moment of every command that writes (add,
#     connect, disconnect, set, remove, register, layout, new --example,
#     import): the project afterwards reads as it was before the command
#     or as it is after it, nothing in between; `new` and `import` leave
#     no file or a whole one, and `new` can be run again.
#  2. two processes editing one project at once: every edit acknowledged
#     (exit 0) is in the file; through two hard-linked names, writing is
#     refused (exit 3), so none is lost either.
#  3. a full disk (a small tmpfs): read-only commands work and leave no
#     -wal/-shm; edits exit 3 saying "the disk is full" and leave the file
#     as it was; after freeing space they work again. A read-only mount:
#     read-only commands work, edits exit 3.
# Bounded: each part stops starting new rounds after its time budget and
# reports how many it ran (docs/reliability.md has the figures). Parts
# that need mount (root) are skipped with a TAP skip where it is refused.
# Seeded: MSTUDIO_RELIABILITY_SEED=N replays a run.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
MOUNTS=()
cleanup () {
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
RANDOM=${MSTUDIO_RELIABILITY_SEED:-1515}

. "$(dirname "$0")/tap.sh"
sum () { sha256sum "$1" | cut -d' ' -f1; }
now_ms () { date +%s%3N; }

# ---- 1. kill -9 over every writing command --------------------------------

BASE=$T/base.mstudio
NET=$T/net.mstudio
{ "$M" new "$NET" --example network && cp "$NET" "$BASE" && "$M" add "$BASE" generic_stackv4v6 --as stack2; } >/dev/null \
  || { echo "Bail out! cannot make the base project"; exit 1; }
cat >"$T/app.ml" <<'EOF'
open Mirage
let main = main "Unikernel.Main" (stackv4v6 @-> job)
let stack = generic_stackv4v6 default_network
let () = register "imported" [ main $ stack ]
EOF

# The commands, each run on a copy of BASE (P) or making OUT.
COMMANDS=(
  'add @P@ noop --as extra'
  'connect @P@ net stack2.net'
  'disconnect @P@ unikernel.1'
  'set @P@ stack.ipv4_network=10.0.0.2/24 target=hvt arg:port=9090'
  'remove @P@ net'
  'register @P@ --jobs unikernel --reporter debug'
  'layout @P@ --all'
  'new @OUT@ --example http-server'
  'import @APP@ -o @OUT@'
)
KILL_ROUNDS=${MSTUDIO_KILL_ROUNDS:-2}
kills=0
kill_failures=0
for cmd in "${COMMANDS[@]}"; do
  verb=${cmd%% *}
  # the states allowed afterwards: before, and after a run to completion
  W=$T/kill-$verb
  mkdir -p "$W"
  cp "$BASE" "$W/ref.mstudio"
  "$M" describe "$W/ref.mstudio" >"$W/before.txt" 2>/dev/null
  line=${cmd//@APP@/$T/app.ml}
  # made at the path the killed runs use: new names the project after its file
  line=${line//@OUT@/$W/out.mstudio}
  line=${line//@P@/$W/ref.mstudio}
  t0=$(now_ms)
  # shellcheck disable=SC2086 # the command line is ours, split on purpose
  "$M" $line >/dev/null 2>"$T/err"
  rc=$?
  t1=$(now_ms)
  dur=$((t1 - t0))
  if [ $rc -ne 0 ]; then fail "$verb runs to completion (exit $rc)"; continue; fi
  "$M" describe "$W/ref.mstudio" >"$W/after.txt" 2>/dev/null
  [ -e "$W/out.mstudio" ] && "$M" describe "$W/out.mstudio" >"$W/out-after.txt" 2>/dev/null
  bad=0
  for round in $(seq 1 "$KILL_ROUNDS"); do
    rm -f "$W"/p.mstudio* "$W"/out.mstudio*
    cp "$BASE" "$W/p.mstudio"
    line=${cmd//@APP@/$T/app.ml}
    line=${line//@OUT@/$W/out.mstudio}
    line=${line//@P@/$W/p.mstudio}
    # a moment between the start and the end of a normal run
    delay_ms=$((RANDOM % (dur + 1)))
    # shellcheck disable=SC2086
    "$M" $line >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep 0
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    # the project reads as before or after
    if ! "$M" describe "$W/p.mstudio" >"$W/now.txt" 2>"$T/err"; then
      echo "# $verb killed after ${delay_ms} ms: project unreadable" >>"$T/err"; bad=1
    elif ! cmp -s "$W/now.txt" "$W/before.txt" && ! cmp -s "$W/now.txt" "$W/after.txt"; then
      diff "$W/before.txt" "$W/now.txt" >"$T/err"; echo "# $verb killed after ${delay_ms} ms: neither before nor after" >>"$T/err"; bad=1
    fi
    # a made file is absent or whole, and new/import can be run again
    if [ "$verb" = new ] || [ "$verb" = import ]; then
      if [ -e "$W/out.mstudio" ]; then
        if ! "$M" describe "$W/out.mstudio" >"$W/now.txt" 2>"$T/err" || ! cmp -s "$W/now.txt" "$W/out-after.txt"; then
          echo "# $verb killed after ${delay_ms} ms: a partial project was left" >>"$T/err"; bad=1
        fi
      else
        # shellcheck disable=SC2086
        if ! "$M" $line >/dev/null 2>"$T/err"; then
          echo "# $verb killed after ${delay_ms} ms: cannot be run again" >>"$T/err"; bad=1
        fi
      fi
    fi
    if [ $bad -ne 0 ]; then kill_failures=$((kill_failures + 1)); break; fi
  done
  if [ $bad -eq 0 ]; then pass "kill -9 during $verb ($KILL_ROUNDS kills within ${dur} ms): before or after, nothing in between"; else fail "kill -9 during $verb"; fi
done
echo "# kill -9: $kills kills over ${#COMMANDS[@]} commands, $kill_failures failures"

# ---- 2. concurrent writers ----------------------------------------------------

RACE_EDITS=${MSTUDIO_RACE_EDITS:-10}
# writer NAME FILE PREFIX: RACE_EDITS adds; the names of acknowledged ones
writer () {
  local file=$1 prefix=$2 i
  for i in $(seq 1 "$RACE_EDITS"); do
    if "$M" add "$file" noop --as "${prefix}_$i" >/dev/null 2>>"$T/race-$prefix.err"; then
      echo "${prefix}_$i"
    fi
  done >"$T/race-$prefix.acked"
}
# all_present FILE: every acknowledged name is a device of FILE
all_present () {
  "$M" describe "$1" >"$T/race.txt" 2>"$T/err" || return 1
  local missing=0 name
  for name in $(cat "$T/race-a.acked" "$T/race-b.acked"); do
    grep -q "^Device  *$name\$" "$T/race.txt" || { echo "# lost: $name" >>"$T/err"; missing=$((missing + 1)); }
  done
  [ $missing -eq 0 ]
}

R=$T/race.mstudio
"$M" new "$R" --name race >/dev/null
: >"$T/race-a.err"; : >"$T/race-b.err"
writer "$R" a & wa=$!
writer "$R" b & wb=$!
wait $wa $wb
acked=$(cat "$T/race-a.acked" "$T/race-b.acked" | wc -l)
if all_present "$R" && [ "$acked" -gt 0 ]; then
  pass "two writers, $((2 * RACE_EDITS)) edits: all $acked acknowledged edits are in the file"
else
  fail "two writers: acknowledged edits lost"
fi

L=$T/linked.mstudio
"$M" new "$L" --name linked >/dev/null
ln "$L" "$T/other-name.mstudio"
: >"$T/race-a.err"; : >"$T/race-b.err"
writer "$L" a & wa=$!
writer "$T/other-name.mstudio" b & wb=$!
wait $wa $wb
acked=$(cat "$T/race-a.acked" "$T/race-b.acked" | wc -l)
cp "$T/race-b.err" "$T/err"
if all_present "$L" && grep -q "hard-linked" "$T/race-b.err"; then
  pass "two writers through two hard-linked names: writing refused, saying why ($acked acknowledged, none lost)"
else
  fail "two writers through two hard-linked names"
fi
"$M" add "$T/other-name.mstudio" noop --as once >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 3 ] && grep -q "hard-linked names" "$T/err"; then pass "a hard-linked project: edits exit 3 naming the cause"; else fail "a hard-linked project: edits exit 3 naming the cause (exit $rc)"; fi
if "$M" describe "$T/other-name.mstudio" >/dev/null 2>"$T/err"; then pass "a hard-linked project can still be read"; else fail "a hard-linked project can still be read"; fi

# ---- 3. full disk, read-only mount -------------------------------------------

F=$T/full
mkdir -p "$F"
if ! mount -t tmpfs -o size=192k tmpfs "$F" 2>/dev/null; then
  for what in "full disk: read-only commands work" "full disk: edits exit 3" \
              "full disk: new leaves nothing" "read-only mount: read-only commands work" \
              "read-only mount: edits exit 3"; do
    skip "$what" "cannot mount a tmpfs here"
  done
else
  MOUNTS+=("$F")
  FP=$F/p.mstudio
  cp "$NET" "$FP"
  # fill what is left, in small blocks so that nearly nothing remains
  dd if=/dev/zero of="$F/filler" bs=1k 2>/dev/null
  before=$(sum "$FP")
  ok=1
  : >"$T/err"
  "$M" describe "$FP" >/dev/null 2>>"$T/err" || ok=0
  "$M" check "$FP" >/dev/null 2>>"$T/err"; [ $? -le 1 ] || ok=0
  "$M" export "$FP" -o - --format dot >/dev/null 2>>"$T/err" || ok=0
  "$M" export "$FP" --format config.ml --force -o - >/dev/null 2>>"$T/err" || ok=0
  if [ $ok -eq 1 ] && [ ! -e "$FP-wal" ] && [ ! -e "$FP-shm" ]; then
    pass "full disk: describe, check and export work and leave no -wal/-shm"
  else
    ls -la "$F" >>"$T/err"; fail "full disk: describe, check and export work and leave no -wal/-shm"
  fi
  edits=0; edit_fail=0
  for e in "add $FP noop --as a_$RANDOM" "set $FP stack.ipv4_network=10.1.0.2/24 arg:port=1$RANDOM" "layout $FP --all"; do
    # shellcheck disable=SC2086
    "$M" $e >/dev/null 2>"$T/err"; rc=$?
    edits=$((edits + 1))
    # an edit small enough to fit in what is left may succeed; one that
    # does not exits 3 saying so, and the file keeps its state
    if [ $rc -eq 0 ]; then before=$(sum "$FP"); continue; fi
    if [ $rc -ne 3 ] || ! grep -q "the disk is full" "$T/err" || [ "$(sum "$FP")" != "$before" ]; then
      echo "# $e: exit $rc" >>"$T/err"; edit_fail=$((edit_fail + 1))
    fi
  done
  if [ $edit_fail -eq 0 ] && "$M" describe "$FP" >/dev/null 2>&1; then
    pass "full disk: $edits edits exit 3 with “the disk is full” (or succeed), the project stays readable"
  else
    fail "full disk: edits exit 3 with “the disk is full”"
  fi
  "$M" new "$F/n.mstudio" --example network >/dev/null 2>"$T/err"; rc=$?
  left=$(find "$F" -name 'n.mstudio*' | wc -l)
  if [ $rc -eq 3 ] && [ "$left" -eq 0 ] && grep -q "the disk is full" "$T/err"; then
    pass "full disk: new exits 3 and leaves nothing behind"
  else
    echo "# exit $rc, $left files left" >>"$T/err"; fail "full disk: new exits 3 and leaves nothing behind"
  fi
  rm -f "$F/filler"
  if "$M" add "$FP" noop --as after_full >/dev/null 2>"$T/err"; then pass "full disk: edits work again once there is space"; else fail "full disk: edits work again once there is space"; fi

  if mount -o remount,ro "$F" 2>/dev/null; then
    before=$(sum "$FP")
    ok=1
    : >"$T/err"
    "$M" describe "$FP" >/dev/null 2>>"$T/err" || ok=0
    "$M" check "$FP" >/dev/null 2>>"$T/err"; [ $? -le 1 ] || ok=0
    "$M" export "$FP" -o - --format dot >/dev/null 2>>"$T/err" || ok=0
    if [ $ok -eq 1 ]; then pass "read-only mount: describe, check and export work"; else fail "read-only mount: describe, check and export work"; fi
    "$M" add "$FP" noop --as ro >/dev/null 2>"$T/err"; rc=$?
    if [ $rc -eq 3 ] && grep -q "read-only" "$T/err" && [ "$(sum "$FP")" = "$before" ]; then
      pass "read-only mount: edits exit 3 saying read-only"
    else
      echo "# exit $rc" >>"$T/err"; fail "read-only mount: edits exit 3 saying read-only"
    fi
  else
    skip "read-only mount: read-only commands work" "cannot remount read-only"
    skip "read-only mount: edits exit 3" "cannot remount read-only"
  fi
fi

tap_done
