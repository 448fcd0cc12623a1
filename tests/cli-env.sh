# cli-env.sh: the common start of the tests/cli-*.sh scripts that build
# and run the examples (cli-build, cli-sandbox, cli-net, cli-http, ...).
# Sourced, not run, after `set -u`: . "$(dirname "$0")/cli-env.sh"
#
# Sets M (the mstudio binary, from MSTUDIO), MSTUDIO_DATADIR and EX (its
# examples) and T, a scratch directory removed at exit once net_stop
# has stopped the servers; sources tap.sh and net-servers.sh; defines
# project. The unikernels are built without sanitizers while mstudio
# may have them: LeakSanitizer is off for what these scripts run.

M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
EX=$MSTUDIO_DATADIR/examples
T=$(mktemp -d)
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
. "$(dirname "${BASH_SOURCE[0]}")/net-servers.sh"
trap 'net_stop; rm -rf "$T"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0

# project NAME EXAMPLE: $T/NAME/NAME.mstudio made from the example, with
# its unikernel.c and data beside it
project () {
  mkdir -p "$T/$1" && "$M" new "$T/$1/$1.mstudio" --name "$1" --example "$2" >/dev/null \
    && cp -r "$EX/$2/." "$T/$1/" && rm -f "$T/$1/steps" "$T/$1/description"
}
