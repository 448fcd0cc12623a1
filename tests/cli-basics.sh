#!/bin/bash
# cli-basics.sh: mstudio's everyday round trips on real project files.
#
# Builds a small network project step by step with the real binary and
# checks what each subcommand prints and stores; TAP output for meson.
# Needs MSTUDIO (the built binary) and MSTUDIO_DATADIR (data/).

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P=$T/net.mstudio

. "$(dirname "$0")/tap.sh"
has () { grep -q -F -- "$2" "$1"; }             # has FILE TEXT
run_has () { local text=$1; shift; "$@" >"$T/o2" 2>&1 && grep -q -F -- "$text" "$T/o2"; }
is_json () { python3 -c 'import json,sys; json.load(sys.stdin)' <"$1"; }

subcommands="new add connect disconnect set remove register check describe layout export catalog"

for c in $subcommands; do
  ok "$c --help" run_has "mstudio $c" "$M" "$c" --help
done
ok "mstudio --help lists the subcommands" run_has "describe" "$M" --help
ok "mstudio help add" run_has "CONSTRUCTOR" "$M" help add
ok "--version" run_has "mstudio " "$M" --version

# building a project
ok "new creates the file" bash -c "'$M' new '$P' --name net-test && test -s '$P'"
NET=$("$M" add "$P" default_network 2>/dev/null)
ok "add prints the chosen name" test -n "$NET"
ok "add --as" bash -c "[ \"\$('$M' add '$P' generic_stackv4v6 --as stack)\" = stack ]"
ok "connect by parameter name" "$M" connect "$P" "$NET" stack.net
ok "add main with fields" "$M" add "$P" main --as unikernel module=Unikernel.Main \
   "signature=stackv4v6 @-> job" "args=port:int=8080:The port to listen on" "packages=duration"
ok "connect by position" "$M" connect "$P" stack unikernel.1
ok "register" "$M" register "$P" --jobs unikernel --reporter debug --ptime mock
ok "check: no problems, exit 0" run_has "no problems" "$M" check "$P"

"$M" describe "$P" >"$T/d1"
ok "describe shows the name" has "$T/d1" "Name       net-test"
ok "describe shows the Mirage version (new projects: 4.11)" has "$T/d1" "Mirage     4.11"
ok "describe shows a connection with its type" has "$T/d1" "input      net: network <- $NET"
ok "describe shows the main's position input" has "$T/d1" "input      1: stackv4v6 <- stack"
ok "describe shows the jobs" has "$T/d1" "Jobs       unikernel"
ok "describe shows register choices" has "$T/d1" "reporter=default level=debug"
ok "describe shows runtime args of the project" has "$T/d1" "port=8080 (int, default)"
ok "describe shows keys with (default)" has "$T/d1" "target=unix (default)"
ok "describe shows packages of main" has "$T/d1" "package    duration"
"$M" describe "$P" >"$T/d2"
ok "describe is deterministic" cmp "$T/d1" "$T/d2"

# set
ok "set an option" "$M" set "$P" stack.ipv4_network=10.0.0.2/24
ok "describe shows the option" run_has "option     ipv4_network=10.0.0.2/24" "$M" describe "$P"
ok "set several things at once" "$M" set "$P" name=renamed target=hvt arg:port=9090 \
   "unikernel.packages=duration; mirage-kv >= 6.0.0 < 7.0.0"
"$M" describe "$P" >"$T/d3"
ok "set: name" has "$T/d3" "Name       renamed"
ok "set: target" has "$T/d3" "Target     hvt"
ok "set: runtime argument" has "$T/d3" "port=9090 (int)"
ok "set: packages with bounds" has "$T/d3" "package    mirage-kv >= 6.0.0 < 7.0.0"
ok "set with an empty value unsets" bash -c "'$M' set '$P' stack.ipv4_network= target= &&
   ! '$M' describe '$P' | grep -q ipv4_network && '$M' describe '$P' | grep -q 'Target     unix'"
# (a new project targets Mirage 4.11, whose generic_stackv4v6 reads --no-dhcp)
ok "set key" run_has "no_dhcp=true" bash -c "'$M' set '$P' key:no_dhcp=true && '$M' describe '$P'"
ok "set key of 4.10 refused on 4.11" run_has "there is no key “dhcp”" bash -c "! '$M' set '$P' key:dhcp=true"
ok "set mirage=4.10" "$M" set "$P" mirage=4.10
ok "set key of 4.10 on 4.10" run_has "dhcp=true" bash -c "'$M' set '$P' key:dhcp=true && '$M' describe '$P'"
ok "check on 4.10: the 4.11 key is named" run_has "key:no_dhcp: Mirage 4.10 has no configure key “no_dhcp” (Mirage 4.11 has)" "$M" check "$P"
ok "check --mirage 4.11 reads it as 4.11" run_has "key:dhcp: Mirage 4.11 has no configure key “dhcp”" "$M" check --mirage 4.11 "$P"
ok "check --mirage does not change the file" run_has "mirage=4.10" bash -c "'$M' describe --json '$P' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(\"mirage=\" + d[\"mirage\"])'"
ok "set mirage=4.12 is refused" run_has "“4.12” is not a Mirage version a project can target (versions: 4.10, 4.11)" bash -c "! '$M' set '$P' mirage=4.12"
ok "set mirage=4.11 and unset the 4.10 key" "$M" set "$P" mirage=4.11 key:dhcp= key:no_dhcp=

# control characters in project text never reach the terminal raw
ok "escape control characters" bash -c "'$M' set '$P' \"arg:port=\$(printf '1\\033[31m')\" --force >/dev/null 2>&1;
   '$M' describe '$P' >'$T/esc' && ! grep -q \$'\\033' '$T/esc' && grep -q 'x1b' '$T/esc'"
"$M" set "$P" arg:port= >/dev/null 2>&1

# json
ok "describe --json is JSON" bash -c "'$M' describe --json '$P' >'$T/j' && python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"format\"]==\"mirage-studio/project\"' <'$T/j'"
ok "describe --eval --json is JSON" bash -c "'$M' describe --eval --json '$P' >'$T/j' && python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"format\"]==\"mirage-studio/evaluation\" and d[\"nodes\"]' <'$T/j'"
ok "check --json is JSON with counts" bash -c "'$M' check --json '$P' >'$T/j' && python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"format\"]==\"mirage-studio/diagnostics\" and d[\"errors\"]==0' <'$T/j'"
ok "describe --dot" run_has "digraph" "$M" describe --dot "$P"
ok "describe --eval lists nodes and packages" bash -c "'$M' describe --eval '$P' >'$T/e' && grep -q '^Node' '$T/e' && grep -q '^Packages   \"' '$T/e'"

# layout and export
ok "layout places the unplaced devices" run_has "placed 3 devices" "$M" layout "$P"
ok "every device has a position" bash -c "'$M' describe '$P' | grep -q 'position   [0-9]' && ! '$M' describe '$P' | grep -q 'position   none'"
ok "layout again places nothing" run_has "placed 0 devices" "$M" layout "$P"
ok "export dot" bash -c "'$M' export '$P' --format dot -o '$T/g.dot' && head -1 '$T/g.dot' | grep -q digraph"
ok "export svg" bash -c "'$M' export '$P' --format svg -o '$T/g.svg' && grep -q '<svg' '$T/g.svg'"
ok "export png has the PNG signature" bash -c "'$M' export '$P' --eval --format png -o '$T/g.png' &&
   [ \"\$(head -c 8 '$T/g.png' | od -An -tx1 | tr -d ' \\n')\" = 89504e470d0a1a0a ]"

# catalog
ok "catalog groups by category" bash -c "'$M' catalog >'$T/c' && grep -q '^Network' '$T/c' && grep -q '  generic_stackv4v6' '$T/c'"
ok "catalog TYPE filters" bash -c "'$M' catalog stackv4v6 >'$T/c' && grep -q generic_stackv4v6 '$T/c' && ! grep -q crunch '$T/c'"
ok "catalog --json" bash -c "'$M' catalog --json >'$T/j' && python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"format\"]==\"mirage-studio/catalog\"; assert any(c[\"name\"]==\"generic_kv_ro\" and c[\"key_dependent\"] for c in d[\"constructors\"])' <'$T/j'"

# removing
ok "disconnect" bash -c "'$M' disconnect '$P' unikernel.1 && '$M' describe '$P' | grep -q '1: stackv4v6 (not connected)'"
ok "remove" bash -c "'$M' remove '$P' stack && ! '$M' describe '$P' | grep -q 'Device     stack'"

tap_done
