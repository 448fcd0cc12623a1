#!/bin/bash
# cli-export.sh: mstudio export --format config.ml|unikernel.ml|ci.
#
# Every example of data/examples is exported for Mirage 4.10 and 4.11 and
# compared byte for byte with tests/golden/ (config.ml, unikernel.ml, and
# the CI files of one example). MSTUDIO_UPDATE_GOLDEN=1 rewrites the
# golden files instead (docs/export.md). Exports are parsed with ocamlc
# when it is installed (Debian ocaml-nox), CI files with python3's yaml.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
G=$(cd "$(dirname "$0")" && pwd)/golden
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"
# golden FILE NAME: FILE equals tests/golden/NAME (or becomes it)
golden () {
  if [ -n "${MSTUDIO_UPDATE_GOLDEN:-}" ]; then
    mkdir -p "$G" && cp "$1" "$G/$2"
  else
    diff -u "$G/$2" "$1"
  fi
}
have_ocaml=false
command -v ocamlc >/dev/null && have_ocaml=true
parses () {
  $have_ocaml || return 0
  local d; d=$(mktemp -d "$T/p.XXXXXX")
  cp "$1" "$d/$(basename "$1")" && (cd "$d" && ocamlc -stop-after parsing -c "$(basename "$1")")
}
have_yaml=false
python3 -c 'import yaml' 2>/dev/null && have_yaml=true
yaml_ok () {
  $have_yaml || return 0
  python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$1"
}
$have_ocaml || echo "# ocamlc missing (Debian ocaml-nox): exports are not parsed"
$have_yaml || echo "# python3 yaml missing: CI files are not parsed"

examples="noop hello hello-key kv_ro network http-server git-client"

for e in $examples; do
  P=$T/$e.mstudio
  ok "$e: new --example" "$M" new "$P" --example "$e"
  for v in 4.10 4.11; do
    O=$T/out-$e-$v
    ok "$e $v: export config.ml" "$M" export "$P" --format config.ml --mirage "$v" -o "$O"
    ok "$e $v: config.ml matches tests/golden/$e-$v.config.ml" golden "$O/config.ml" "$e-$v.config.ml"
    ok "$e $v: config.ml parses" parses "$O/config.ml"
    ok "$e $v: line 1 is the version comment" bash -c "head -1 '$O/config.ml' | grep -q -F '(* mirage >= $v.0 & < '"
    ok "$e $v: deterministic" bash -c "'$M' export '$P' -F config.ml --mirage $v -o - | cmp - '$O/config.ml'"
  done
  O=$T/out-$e-4.11
  ok "$e: export unikernel.ml" "$M" export "$P" --format unikernel.ml -o "$O"
  ok "$e: unikernel.ml matches tests/golden/$e.unikernel.ml" golden "$O/unikernel.ml" "$e.unikernel.ml"
  ok "$e: unikernel.ml parses" parses "$O/unikernel.ml"
done

# the default version is 4.11
P=$T/http-server.mstudio
ok "default is 4.11" bash -c "'$M' export '$P' -F config.ml -o - | head -1 | grep -q -F '(* mirage >= 4.11.0 & < 4.12.0 *)'"

# unikernel.ml is never replaced, nor written through a symlink
O=$T/out-http-server-4.11
echo "my code" >"$O/unikernel.ml"
expect 1 "never replaced" "unikernel.ml is not replaced" "$M" export "$P" --format unikernel.ml -o "$O"
ok "unikernel.ml kept its content" bash -c "[ \"\$(cat '$O/unikernel.ml')\" = 'my code' ]"
mkdir -p "$T/sl"
ln -s "$T/elsewhere.ml" "$T/sl/unikernel.ml"
expect 1 "never replaced" "a dangling symlink is not followed" "$M" export "$P" --format unikernel.ml -o "$T/sl"
ok "nothing was written through the symlink" test ! -e "$T/elsewhere.ml"

# CI
C=$T/ci
ok "export ci --targets unix,hvt" "$M" export "$P" --format ci --targets unix,hvt -o "$C"
ok "ci: GitHub workflow matches tests/golden/http-server.mirage.yml" golden "$C/.github/workflows/mirage.yml" http-server.mirage.yml
ok "ci: GitLab file matches tests/golden/http-server.gitlab-ci.yml" golden "$C/.gitlab-ci.yml" http-server.gitlab-ci.yml
ok "ci: GitHub workflow is YAML" yaml_ok "$C/.github/workflows/mirage.yml"
ok "ci: GitLab file is YAML" yaml_ok "$C/.gitlab-ci.yml"
ok "ci: 4.10 installs mirage 4.10" bash -c "'$M' export '$P' -F ci --mirage 4.10 -o '$T/ci10' && grep -q -F 'mirage>=4.10.0' '$T/ci10/.gitlab-ci.yml'"
ok "ci: the project's target by default" bash -c "grep -A2 'TARGET:' '$T/ci10/.gitlab-ci.yml' | grep -q '\"unix\"'"
expect 1 "not a target" "ci: unknown target" "$M" export "$P" -F ci --targets unix,vax -o "$T/ci2"

# keys go on the configure command line
K=$T/kv_ro.mstudio
ok "kv_ro: set key:kv_ro=direct" "$M" set "$K" key:kv_ro=direct target=hvt
ok "kv_ro: configure line has the key" bash -c "'$M' export '$K' -F config.ml -o - | grep -q -F '     mirage configure -t hvt --kv_ro=direct'"
ok "kv_ro: CI configures with the key" bash -c "'$M' export '$K' -F ci -o '$T/kci' && grep -q -F -- '--kv_ro=direct' '$T/kci/.gitlab-ci.yml'"

# 4.11 removed options and inputs
N=$T/network.mstudio
# (a new project targets 4.11, which has no ?dhcp_key: made for 4.10 here)
ok "network: exports for the version it targets (4.11)" bash -c "'$M' export '$N' -F config.ml -o - | grep -q -F 'exported by Mirage Studio for Mirage 4.11'"
expect 1 "stack (generic_stackv4v6) has no option “dhcp_key” in Mirage 4.11, which the project targets (Mirage 4.10 has: mstudio set $N mirage=4.10)" "4.11 project: no dhcp_key" "$M" set "$N" stack.dhcp_key=use_dhcp
ok "network: target 4.10" "$M" set "$N" mirage=4.10
ok "network: set stack.dhcp_key" "$M" set "$N" stack.dhcp_key=use_dhcp
ok "network: exports for 4.10 by default now" bash -c "'$M' export '$N' -F config.ml -o - | grep -q -F 'exported by Mirage Studio for Mirage 4.10'"
expect 1 "stack: option dhcp_key of generic_stackv4v6 was removed in Mirage 4.11" \
  "4.11 refuses generic_stackv4v6 ?dhcp_key" "$M" export "$N" -F config.ml --mirage 4.11 -o "$T/n"
ok "4.11 wrote nothing" test ! -e "$T/n/config.ml"
ok "4.10 exports ?dhcp_key" bash -c "'$M' export '$N' -F config.ml -o - | grep -q -F 'generic_stackv4v6 ~dhcp_key:(Key.value use_dhcp) net'"
ok "check names the option 4.11 lacks" bash -c "'$M' check --mirage 4.11 '$N' | grep -q -F 'generic_stackv4v6 has no option “dhcp_key” in Mirage 4.11 (Mirage 4.10 has); unset it (mstudio set P stack.dhcp_key=) or switch the project to Mirage 4.10 [version-option]'"
ok "switched to 4.11, the 4.10 option can be unset" bash -c "'$M' set '$N' mirage=4.11 && '$M' set '$N' stack.dhcp_key= && ! '$M' describe '$N' | grep -q dhcp_key"
ok "back to 4.10" "$M" set "$N" mirage=4.10

# check errors refuse, --force exports
B=$T/broken.mstudio
ok "broken: new" "$M" new "$B"
ok "broken: a stack nobody uses" "$M" add "$B" generic_stackv4v6 --as stack
expect 1 "mstudio check finds" "check errors refuse the export" "$M" export "$B" -F config.ml -o "$T/b"
# the refusal lists its problems on lines of their own, never a literal \n (issue 11)
ok "refusal: one problem a line" bash -c "'$M' export '$B' -F config.ml -o '$T/b' 2>&1 >/dev/null | grep -q '^  error: stack'"
ok "refusal: no literal backslash-n" bash -c "! '$M' export '$B' -F config.ml -o '$T/b' 2>&1 >/dev/null | grep -q -F '\\n'"
expect 1 "input net of generic_stackv4v6 is not connected" "--force still needs the inputs" "$M" export "$B" -F config.ml -o "$T/b" --force

# command line
expect 2 "not a Mirage version" "--mirage 4.9 is a usage error" "$M" export "$P" -F config.ml --mirage 4.9 -o "$T/x"
expect 2 "where to?" "-o is required" "$M" export "$P" -F config.ml
expect 2 "only config.ml goes to standard output" "unikernel.ml not to stdout" "$M" export "$P" -F unikernel.ml -o -
expect 2 "--targets is for --format ci" "--targets only with ci" "$M" export "$P" -F config.ml --targets unix -o "$T/x"
ok "--format=config.ml form" bash -c "'$M' export '$P' --format=config.ml -o - | grep -q 'open Mirage'"
ok "the DOT export still works" "$M" export "$P" --format dot -o "$T/g.dot"

tap_done
