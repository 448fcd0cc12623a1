#!/usr/bin/env bash
# test-atspi.sh: the studio's accessible tree over a real AT-SPI bus, in a
# D-Bus session of its own (TAP from atspi-smoke.py).
set -u
here=$(cd "$(dirname "$0")" && pwd)
studio=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
"$MSTUDIO" new "$tmp/network.mstudio" --name network --example network >/dev/null || { echo "1..1"; echo "not ok 1 - could not make the project"; exit 1; }
"$MSTUDIO" layout "$tmp/network.mstudio" >/dev/null
dbus-run-session -- /usr/bin/python3 "$here/atspi-smoke.py" "$studio" "$tmp/network.mstudio" "$tmp/tap" >/dev/null
status=$?
if [ -s "$tmp/tap" ]; then cat "$tmp/tap"; else echo "1..1"; echo "not ok 1 - the AT-SPI check did not run"; status=1; fi
exit $status
