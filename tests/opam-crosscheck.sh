#!/usr/bin/env bash
# opam-crosscheck.sh: Debian's opam accepts our install sets (TAP). For each
# example, the packages `mstudio resolve` chose, every one pinned to its
# version, go through `opam install --dry-run --show-actions` in an offline
# opam root (set up once under $XDG_CACHE_HOME from the snapshot, with the
# compiler installed --fake). Skipped without opam or the snapshot.
set -u
M=${MSTUDIO:?}
if ! command -v opam >/dev/null; then echo "1..0 # SKIP opam is not installed"; exit 0; fi
if [ -z "${MS_OPAM_SNAPSHOT:-}" ]; then echo "1..0 # SKIP no opam-repository snapshot"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cache=${XDG_CACHE_HOME:-$T/cache}
export XDG_CACHE_HOME=$cache OPAMROOT=$cache/opam-crosscheck-root OPAMNODEPEXTS=1 OPAMYES=1 OPAMCOLOR=never
n=0
ok () { n=$((n+1)); echo "ok $n - $1"; }
not_ok () { n=$((n+1)); echo "not ok $n - $1"; }

"$M" new "$T/hello.mstudio" --name hello --example hello >/dev/null 2>&1
ocaml=$("$M" resolve "$T/hello.mstudio" --opam-repo "$MS_OPAM_SNAPSHOT" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ocaml"])')
mkdir -p "$cache"
(
  flock 9
  if [ ! -f "$OPAMROOT/.mstudio-ready" ]; then
    rm -rf "$OPAMROOT"
    opam init --bare --no-setup --disable-sandboxing -q default "$MS_OPAM_SNAPSHOT" >"$T/init.log" 2>&1 &&
    opam switch create check --empty -q >>"$T/init.log" 2>&1 &&
    opam install --fake -q --switch=check "ocaml-base-compiler.$ocaml" >>"$T/init.log" 2>&1 &&
    touch "$OPAMROOT/.mstudio-ready"
  fi
) 9>"$cache/opam-crosscheck.lock"
if [ ! -f "$OPAMROOT/.mstudio-ready" ]; then
  echo "# opam could not be set up offline:"; sed 's/^/# /' "$T/init.log" | tail -20
  echo "1..0 # SKIP opam setup failed"
  exit 0
fi

for e in hello kv_ro network http-server git-client; do
  "$M" new "$T/$e.mstudio" --name "$e" --example "$e" >/dev/null 2>&1
  "$M" resolve "$T/$e.mstudio" --opam-repo "$MS_OPAM_SNAPSHOT" --json >"$T/$e.json" 2>/dev/null
  mapfile -t pins < <(python3 -c 'import json,sys; [print(p["name"]+"."+p["version"]) for p in json.load(open(sys.argv[1]))["packages"]]' "$T/$e.json")
  if opam install --switch=check --dry-run --show-actions "${pins[@]}" >"$T/$e.opam" 2>&1; then
    ok "$e: opam accepts our ${#pins[@]} pinned packages"
  else
    not_ok "$e: opam refuses our install set"
    sed 's/^/# /' "$T/$e.opam" | tail -20
  fi
done
echo "1..$n"
