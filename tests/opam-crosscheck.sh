#!/usr/bin/env bash
# opam-crosscheck.sh: Debian's opam accepts our install sets (TAP). For each
# example, the packages `mstudio resolve` chose, every one pinned to its
# version, go through `opam install --dry-run --show-actions` in an offline
# opam root (set up once under $XDG_CACHE_HOME from the snapshot, with the
# compiler installed --fake). Then the same for random requests drawn from
# the snapshot (MS_CROSSCHECK_N of them, default 10; the 50-request run,
# with opam's answers cached and explained, is tools/opam-crosscheck),
# generated and resolved by test-resolve
# ($MS_TEST_RESOLVE): opam must accept our install set, and opam's own
# answer to the request is compared with ours, the differences printed
# as TAP comments (and to $MS_CROSSCHECK_REPORT when set).
# Skipped without opam or the snapshot.
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
N=${MS_CROSSCHECK_N:-10}
if [ -n "${MS_TEST_RESOLVE:-}" ] && [ "$N" -gt 0 ]; then
  report=${MS_CROSSCHECK_REPORT:-$T/report.txt}
  : >"$report"
  opam list --switch=check --installed --short --columns=name,version >"$T/installed" 2>/dev/null
  if MS_RESOLVE_CROSSCHECK_OUT="$T/requests.jsonl" MS_RESOLVE_CROSSCHECK_N=$N \
       "$MS_TEST_RESOLVE" -p /resolve/snapshot/crosscheck-requests >"$T/gen.log" 2>&1; then
    i=0
    while IFS= read -r line; do
      i=$((i+1))
      mapfile -t req < <(python3 -c 'import json,sys; [print(a) for a in json.loads(sys.argv[1])["request"]]' "$line")
      mapfile -t pins < <(python3 -c 'import json,sys; [print(p) for p in json.loads(sys.argv[1])["packages"]]' "$line")
      if opam install --switch=check --dry-run --show-actions "${pins[@]}" >"$T/r$i.pinned" 2>&1; then
        ok "random request $i (${req[*]}): opam accepts our ${#pins[@]} pinned packages"
      else
        not_ok "random request $i (${req[*]}): opam refuses our install set"
        sed 's/^/# /' "$T/r$i.pinned" | tail -20
      fi
      opam install --switch=check --dry-run --show-actions "${req[@]}" >"$T/r$i.own" 2>&1
      python3 - "$line" "$T/r$i.own" "$T/installed" "$i" <<'PY' | tee -a "$report"
import json, re, sys
# opam splits NAME.VERSION at the first dot (names have none)
ours = dict(p.split(".", 1) for p in json.loads(sys.argv[1])["packages"])
text = open(sys.argv[2], errors="replace").read()
installed = {}
for l in open(sys.argv[3]):
    f = l.split()
    if len(f) == 2:
        installed[f[0]] = f[1]
req = " ".join(json.loads(sys.argv[1])["request"])
if "actions would be" not in text and "Nothing to do" not in text:
    why = [l.strip() for l in text.splitlines() if l.strip()][:3]
    print(f"# request {sys.argv[4]} ({req}): opam found no answer of its own: {' / '.join(why)}")
    sys.exit(0)
theirs = dict(installed)
for l in text.splitlines():
    # opam marks actions with a symbol: "∗ install", "↗ upgrade", "↘ downgrade", "↻ recompile", "⊘ remove"
    m = re.match(r"^\s*\S\s+(install|reinstall|recompile)\s+(\S+)\s+(\S+)", l)
    if m:
        theirs[m.group(2)] = m.group(3)
    m = re.match(r"^\s*\S\s+(upgrade|downgrade)\s+(\S+)\s+\S+\s+to\s+(\S+)", l)
    if m:
        theirs[m.group(2)] = m.group(3)
    m = re.match(r"^\s*\S\s+remove\s+(\S+)", l)
    if m:
        theirs.pop(m.group(1), None)
diff = []
for n in sorted(set(ours) | set(theirs)):
    a, b = ours.get(n), theirs.get(n)
    if a != b:
        diff.append(f"{n}: ours {a or '-'}, opam {b or '-'}")
if diff:
    print(f"# request {sys.argv[4]} ({req}): {len(diff)} differences from opam's own answer: " + "; ".join(diff))
else:
    print(f"# request {sys.argv[4]} ({req}): the same install set as opam's own answer")
PY
    done <"$T/requests.jsonl"
  else
    not_ok "test-resolve generates $N random requests"
    sed 's/^/# /' "$T/gen.log" | tail -20
  fi
fi
echo "1..$n"
