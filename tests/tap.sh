# tap.sh: TAP output for the tests/*.sh scripts that meson runs with
# protocol 'tap'. Sourced, not run: . "$(dirname "$0")/tap.sh"
#
# The caller sets T, a scratch directory, before calling ok, expect or
# status: each command's stdout and stderr go to $T/out and $T/err, and
# are printed as `# ` diagnostics when the case fails, so that meson's
# log says why. The plan comes last (`tap_done`, the script's last
# command), since the number of cases is known only at the end.

n=0
failed=0

# diag FILE...: the files' lines as TAP diagnostics (at most 30)
diag () {
  sed 's/^/# /' "$@" 2>/dev/null | head -30
}

# pass DESC / fail DESC: one case, decided by the caller; a failure
# shows $T/err and $T/out, the output of the case's last command
pass () {
  n=$((n + 1))
  echo "ok $n - $1"
}
fail () {
  n=$((n + 1))
  echo "not ok $n - $1"
  diag "$T/err" "$T/out"
  failed=$((failed + 1))
}

# skip DESC REASON: a case that cannot run here
skip () {
  n=$((n + 1))
  echo "ok $n - $1 # SKIP $2"
}

# ok DESC CMD...: passes if the command succeeds
ok () {
  local desc=$1; shift
  if "$@" >"$T/out" 2>"$T/err"; then
    pass "$desc"
  else
    fail "$desc"
  fi
}

# status CODE DESC CMD...: passes if the command exits with CODE
status () {
  local code=$1 desc=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq "$code" ]; then
    pass "$desc"
  else
    fail "$desc (exit $rc, wanted $code)"
  fi
}

# expect CODE TEXT DESC CMD...: exit status CODE and TEXT (a fixed
# string; empty: anything) on stderr; expect_re: TEXT is an extended
# regexp
_tap_expect () {
  local how=$1 code=$2 text=$3 desc=$4; shift 4
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$text" ] || grep -q "$how" -- "$text" "$T/err"; }; then
    pass "$desc"
  else
    fail "$desc (exit $rc, wanted $code and '$text' on stderr)"
  fi
}
expect () { _tap_expect -F "$@"; }
expect_re () { _tap_expect -E "$@"; }

# tap_done: the plan; the script's exit status says whether all passed
tap_done () {
  echo "1..$n"
  [ "$failed" -eq 0 ]
}
