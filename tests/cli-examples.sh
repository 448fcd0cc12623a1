#!/bin/bash
# cli-examples.sh: every example of data/examples builds, checks clean,
# and evaluates to the branches Mirage would pick.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
EX=$MSTUDIO_DATADIR/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"
# evals FILE TEXT [ARGS]: describe --eval output contains TEXT
evals () { local f=$1 text=$2; shift 2; "$M" describe --eval "$@" "$f" >"$T/ev" && grep -q -F -- "$text" "$T/ev"; }
evals_not () { local f=$1 text=$2; shift 2; "$M" describe --eval "$@" "$f" >"$T/ev" && ! grep -q -F -- "$text" "$T/ev"; }

examples="noop hello hello-key kv_ro network http-server https-server git-client dns-lookup tls-fetch syslog http-fetch git-kv"

for e in $examples; do
  P=$T/$e.mstudio
  ok "$e: new --example" "$M" new "$P" --name "$e" --example "$e"
  ok "$e: check has no errors" "$M" check "$P"
  ok "$e: description is one line" bash -c "[ -s '$EX/$e/description' ] && [ \$(wc -l <'$EX/$e/description') -eq 1 ]"
  ok "$e: describe --eval is deterministic" bash -c "'$M' describe --eval '$P' >'$T/a' && '$M' describe --eval '$P' >'$T/b' && cmp '$T/a' '$T/b'"
done

# hello
ok "hello: the main runs the job" evals "$T/hello.mstudio" "unikernel: main"
ok "hello: register adds the default reporter" evals "$T/hello.mstudio" "reporter: default_reporter"
ok "hello: duration is a package" evals "$T/hello.mstudio" '"duration"'

# hello-key
ok "hello-key: runtime argument with its default" bash -c "'$M' describe '$T/hello-key.mstudio' | grep -q 'hello=Hello World! (string, default)'"
ok "hello-key: set arg:hello=Bonjour" "$M" set "$T/hello-key.mstudio" arg:hello=Bonjour
ok "hello-key: describe shows Bonjour" bash -c "'$M' describe '$T/hello-key.mstudio' | grep -q 'hello=Bonjour (string)'"
ok "hello-key: still checks clean" "$M" check "$T/hello-key.mstudio"

# kv_ro
K=$T/kv_ro.mstudio
ok "kv_ro: crunch by default" evals "$K" "disk: crunch"
ok "kv_ro: key kv_ro=direct" "$M" set "$K" key:kv_ro=direct
ok "kv_ro: direct_kv_ro then" evals "$K" "disk: direct_kv_ro"
ok "kv_ro: the key shows as set" bash -c "'$M' describe '$K' | grep -q 'kv_ro=direct,'"

# network: new projects target Mirage 4.11, where generic_stackv4v6 asks
# DHCP by default; the branch tests below are about 4.10's choices, so
# they use a project made for 4.10
ok "network: a new project targets Mirage 4.11" bash -c "'$M' describe --json '$T/network.mstudio' | grep -q '\"mirage\": \"4.11\"'"
ok "network: on 4.11 the stack asks DHCP on unix" evals "$T/network.mstudio" "stack/dhcp: ipv4_of_dhcp"
N=$T/network-410.mstudio
ok "network: new --mirage 4.10" "$M" new "$N" --name network --example network --mirage 4.10
ok "network: the 4.10 project says so" bash -c "'$M' describe --json '$N' | grep -q '\"mirage\": \"4.10\"'"
ok "network: socket stack on unix" evals "$N" "stack/stack: socket_stackv4v6"
ok "network: no ethernet on unix" evals_not "$N" "ethif"
ok "network: direct stack on hvt" evals "$N" "tcpip_stack_direct" -t hvt
ok "network: ethernet and arp on hvt" bash -c "'$M' describe --eval -t hvt '$N' | grep -q 'stack/eth: ethif' && '$M' describe --eval -t hvt '$N' | grep -q 'stack/arp: arp'"
ok "network: hvt is not stored by -t" bash -c "'$M' describe '$N' | grep -q 'Target     unix'"
ok "network: unused interface marked on unix" bash -c "'$M' describe --eval '$N' | grep -A2 '^Node.* net: netif' | grep -q 'unused'"
ok "network: unused interface left out of the DOT on unix" bash -c "! '$M' describe --eval --dot '$N' | grep -q 'Netif'"
ok "network: --json says the interface is unreachable on unix" bash -c "'$M' describe --eval --json '$N' | python3 -c 'import json,sys; d=json.load(sys.stdin); n=[x for x in d[\"nodes\"] if x[\"device\"]==\"net\" and x[\"role\"] is None]; assert n and n[0][\"reachable\"] is False; assert all(x[\"reachable\"] for x in d[\"nodes\"] if x[\"device\"]==\"unikernel\")'"
ok "network: the interface is used on hvt" bash -c "'$M' describe --eval --dot -t hvt '$N' | grep -q 'Netif'"
ok "network: read as 4.11, the stack asks DHCP on unix" evals "$N" "stack/dhcp: ipv4_of_dhcp" --mirage 4.11
ok "network: read as 4.10, no DHCP on unix" evals_not "$N" "ipv4_of_dhcp" --mirage 4.10
ok "describe --mirage 4.12: usage error" bash -c "'$M' describe --eval --mirage 4.12 '$N' 2>/dev/null; [ \$? -eq 2 ]"

# http-server
H=$T/http-server.mstudio
ok "http-server: paf server in the graph" evals "$H" "web: paf_server"
ok "http-server: port runtime argument" evals "$H" "port=8080"
ok "http-server: paf package" evals "$H" '"paf"'

# https-server: paf_server plus the certificate's key-value store
H=$T/https-server.mstudio
ok "https-server: paf server in the graph" evals "$H" "web: paf_server"
ok "https-server: the certificates are crunched by default" evals "$H" "certs: crunch"
ok "https-server: port 4433 by default" evals "$H" "port=4433"

# http-fetch
HF=$T/http-fetch.mstudio
ok "http-fetch: paf_client over mimic" bash -c "'$M' describe --eval '$HF' >'$T/hf' && grep -q 'fetcher: paf_client' '$T/hf' && grep -q 'mimic_he: mimic_happy_eyeballs' '$T/hf'"
ok "http-fetch: the package is http-mirage-client" evals "$HF" '"http-mirage-client"'
ok "http-fetch: --url, --authenticator and --headers" bash -c "'$M' describe '$HF' | grep -q 'url=https://mirage.io/' && '$M' describe '$HF' | grep -q 'authenticator' && '$M' describe '$HF' | grep -q 'headers'"

# git-kv
GK=$T/git-kv.mstudio
ok "git-kv: the store is the graph's kv_rw_mem, synced by merged Git clients" bash -c "'$M' describe --eval '$GK' >'$T/gk' && grep -q 'store: kv_rw_mem' '$T/gk' && grep -q 'git: merge_git_clients' '$T/gk'"
ok "git-kv: --remote and --key" bash -c "'$M' describe '$GK' | grep -q 'remote=https://github.com/mirage/mirage-skeleton.git' && '$M' describe '$GK' | grep -q 'key='"

# git-client
G=$T/git-client.mstudio
ok "git-client: both protocols merged" bash -c "'$M' describe --eval '$G' >'$T/g' && grep -q 'git: merge_git_clients' '$T/g' && grep -q 'ssh: git_ssh' '$T/g' && grep -q 'git_plain: git_tcp' '$T/g'"
ok "git-client: dns and happy eyeballs" bash -c "'$M' describe --eval '$G' >'$T/g' && grep -q 'dns: generic_dns_client' '$T/g' && grep -q 'he: generic_happy_eyeballs' '$T/g'"
ok "git-client: runtime argument with a colon in its default" bash -c "'$M' describe '$G' | grep -q 'remote=https://github.com/mirage/mirage-skeleton.git'"

# errors
ok "unknown example: exit 2, no file" bash -c "'$M' new '$T/x.mstudio' --example nosuch; [ \$? -eq 2 ] && [ ! -e '$T/x.mstudio' ]"

tap_done
