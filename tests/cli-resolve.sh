#!/usr/bin/env bash
# cli-resolve.sh: mstudio resolve on the examples against the snapshot
# (TAP). Needs MS_OPAM_SNAPSHOT_TAR (tests/opam-snapshot.sh sets it).
set -u
M=${MSTUDIO:?}
n=0
ok () { n=$((n+1)); echo "ok $n - $1"; }
not_ok () { n=$((n+1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
if [ -z "${MS_OPAM_SNAPSHOT_TAR:-}" ]; then
  echo "1..0 # SKIP no opam-repository snapshot"
  exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$T/cache}
REPO=$MS_OPAM_SNAPSHOT_TAR

# the examples as projects that target Mirage 4.10 (resolve follows the
# project's version; the 4.11 default is checked below)
for e in hello kv_ro network http-server git-client; do
  "$M" new "$T/$e.mstudio" --name "$e" --example "$e" --mirage 4.10 >/dev/null 2>&1
  "$M" resolve "$T/$e.mstudio" --opam-repo "$REPO" --json >"$T/$e.json" 2>"$T/$e.err"
  code=$?
  check "$e resolves (exit 0)" '[ $code -eq 0 ]'
  check "$e: every package has a version and the ocaml and mirage versions asked" \
    'python3 - "$T/$e.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "mirage-studio/resolution" and d["resolved"] is True
names = {p["name"]: p for p in d["packages"]}
assert names["mirage"]["version"].startswith("4.10."), names["mirage"]
assert names["ocaml"]["version"] == d["ocaml"]
for p in d["packages"]:
    assert p["version"]
    if p["device"] is not None:
        assert p["chain"] and p["chain"][-1] == p["name"]
PY'
done

# the text form names the device of a transitive package and its chain
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" >"$T/hello.txt" 2>&1
check "text: a transitive package shows its device and chain" 'grep -q "fmt\.[0-9.]* *root: mirage → fmt" "$T/hello.txt"'
check "text: a requested package shows its device" 'grep -q "^  duration\.[0-9.]* *delay_startup" "$T/hello.txt"'

# Mirage 4.11 gives a 4.11 mirage
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --mirage 4.11 --json >"$T/h411.json" 2>/dev/null
check "--mirage 4.11 resolves mirage 4.11.x" 'python3 -c "import json,sys; d=json.load(open(\"$T/h411.json\")); v=[p for p in d[\"packages\"] if p[\"name\"]==\"mirage\"][0][\"version\"]; sys.exit(0 if v.startswith(\"4.11.\") else 1)"'

# a project made without --mirage targets 4.11, and resolve follows it
"$M" new "$T/h-default.mstudio" --name hello --example hello >/dev/null 2>&1
"$M" resolve "$T/h-default.mstudio" --opam-repo "$REPO" --json >"$T/hdef.json" 2>/dev/null
check "a new project (Mirage 4.11 by default) resolves mirage 4.11.x" 'python3 -c "import json,sys; d=json.load(open(\"$T/hdef.json\")); v=[p for p in d[\"packages\"] if p[\"name\"]==\"mirage\"][0][\"version\"]; sys.exit(0 if v.startswith(\"4.11.\") else 1)"'

# an old compiler Mirage 4.10 cannot use is a conflict with an explanation
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --ocaml 4.08.1 >"$T/old.out" 2>"$T/old.err"
code=$?
check "--ocaml 4.08.1: conflict (exit 1)" '[ $code -eq 1 ]'
check "--ocaml 4.08.1: names the clash and proposes another OCaml" 'grep -q "package-resolution" "$T/old.err" && grep -q "pick another OCaml" "$T/old.err"'
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --ocaml 4.08.1 --json >"$T/old.json" 2>/dev/null
check "--json conflict: resolved false, problems with devices and hints" \
  'python3 -c "import json,sys; d=json.load(open(\"$T/old.json\")); p=d[\"problems\"][0]; sys.exit(0 if d[\"resolved\"] is False and p[\"code\"]==\"package-resolution\" and p[\"hints\"] and p[\"rules\"] else 1)"'

# usage errors: exit 2
"$M" resolve "$T/hello.mstudio" --opam-repo "$T/nowhere" >/dev/null 2>"$T/e1"; code=$?
check "missing repository: exit 2 with its name" '[ $code -eq 2 ] && grep -q "nowhere" "$T/e1"'
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --ocaml 3.0.0 >/dev/null 2>"$T/e2"; code=$?
check "unknown OCaml version: exit 2" '[ $code -eq 2 ] && grep -q "not in this repository" "$T/e2"'
"$M" resolve "$T/hello.mstudio" --mirage 4.9 >/dev/null 2>&1; code=$?
check "bad --mirage: exit 2" '[ $code -eq 2 ]'
"$M" resolve "$T/missing.mstudio" --opam-repo "$REPO" >/dev/null 2>&1; code=$?
check "missing project: exit 2" '[ $code -eq 2 ]'
OPAMROOT="$T/no-opam" HOME="$T" "$M" resolve "$T/hello.mstudio" >/dev/null 2>"$T/e3"; code=$?
check "no repository anywhere: exit 2 and how to get one" '[ $code -eq 2 ] && grep -q -- "--opam-repo" "$T/e3"'

# a folder works as well as the archive, and gives the same answer
"$M" resolve "$T/hello.mstudio" --opam-repo "$MS_OPAM_SNAPSHOT" --json >"$T/dir.json" 2>/dev/null
check "a folder gives the same answer as the archive" \
  'python3 -c "import json,sys; a=json.load(open(\"$T/dir.json\")); b=json.load(open(\"$T/hello.json\")); sys.exit(0 if [(p[\"name\"],p[\"version\"]) for p in a[\"packages\"]]==[(p[\"name\"],p[\"version\"]) for p in b[\"packages\"]] else 1)"'

# lock files, read back with the opam parser via resolve-lockcheck in test-resolve
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --lock "$T/hello.opam.locked" >/dev/null 2>&1
check "--lock writes an opam file with exact pins" 'grep -q "\"mirage\" {= \"4.10\.[0-9]*\"}" "$T/hello.opam.locked" && grep -q "x-mstudio-sources" "$T/hello.opam.locked"'
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --lock "$T/mono.opam.locked" --lock-format monorepo >/dev/null 2>&1
check "--lock-format monorepo writes opam-monorepo's fields" 'grep -q "x-opam-monorepo-duniverse-dirs" "$T/mono.opam.locked" && grep -q "?vendor" "$T/mono.opam.locked" && grep -q "x-opam-monorepo-version: \"0.3\"" "$T/mono.opam.locked"'
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --lock-format opam >/dev/null 2>&1; code=$?
check "--lock-format without --lock: exit 2" '[ $code -eq 2 ]'

# the project remembers its lock, and export --format ci installs it
check "--lock records the lock in the project (relative to it)" \
  '"$M" describe "$T/hello.mstudio" --json | python3 -c "import json,sys; d=json.load(sys.stdin); s=d.get(\"settings\", {}); sys.exit(0 if s.get(\"lock\")==\"mono.opam.locked\" else 1)"'
OCAML=$(python3 -c "import json; print(json.load(open('$T/hello.json'))['ocaml'])")
"$M" export "$T/hello.mstudio" --format ci -o "$T/ci-mono" >/dev/null 2>"$T/ci.err"; code=$?
check "ci with a monorepo lock: exit 0, the lock exported beside it" \
  '[ $code -eq 0 ] && cmp -s "$T/mono.opam.locked" "$T/ci-mono/mirage-lock/hello.opam.locked" && cmp -s "$T/mono.opam.locked" "$T/ci-mono/mirage-lock/hello.opam"'
check "ci (GitHub, parsed): the lock's OCaml, pinned install, the lock copied, pull without locking" \
  'python3 - "$T/ci-mono/.github/workflows/mirage.yml" "$OCAML" <<PY
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
job = d["jobs"]["build"]
assert job["strategy"]["matrix"]["target"] == ["unix"], job["strategy"]
steps = job["steps"]
assert steps[1]["with"]["ocaml-compiler"] == sys.argv[2], steps[1]
runs = [s.get("run", "") for s in steps]
assert "opam install -y --deps-only --locked ./mirage-lock" in runs, runs
assert "cp mirage-lock/hello.opam.locked mirage/hello-\${{ matrix.target }}.opam.locked" in runs, runs
assert "opam exec -- make depext-lockfile pull" in runs, runs
assert not any("make depend" in r or "monorepo lock" in r or "mirage>=" in r for r in runs), runs
assert runs.index("opam exec -- make depext-lockfile pull") > [i for i, r in enumerate(runs) if "mirage configure" in r][0]
PY'
check "ci (GitLab, parsed): the lock's OCaml image, the same steps" \
  'python3 - "$T/ci-mono/.gitlab-ci.yml" "$OCAML" <<PY
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
job = d["mirage"]
assert job["image"] == "ocaml/opam:debian-12-ocaml-" + ".".join(sys.argv[2].split(".")[:2]), job["image"]
script = job["script"]
assert script[0] == "opam install -y --deps-only --locked ./mirage-lock", script
assert "cp mirage-lock/hello.opam.locked mirage/hello-\$TARGET.opam.locked" in script, script
assert "make depext-lockfile pull" in script and "make depend" not in script, script
PY'
# the opam form: every package pinned in the switch, no duniverse step
"$M" resolve "$T/hello.mstudio" --opam-repo "$REPO" --lock "$T/hello.opam.locked" >/dev/null 2>&1
"$M" export "$T/hello.mstudio" --format ci -o "$T/ci-opam" >/dev/null 2>&1; code=$?
check "ci with an opam lock: pinned install, no make depend, no copy" \
  '[ $code -eq 0 ] && python3 - "$T/ci-opam/.github/workflows/mirage.yml" <<PY
import sys, yaml
runs = [s.get("run", "") for s in yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]["steps"]]
assert "opam install -y --deps-only --locked ./mirage-lock" in runs, runs
assert not any("make depend" in r or "depext-lockfile" in r or r.startswith("cp ") for r in runs), runs
assert runs[-1] == "opam exec -- make build", runs
PY'
check "the exported lock parses as an opam file pinning mirage" \
  'grep -q "^x-mstudio-target: \"unix\"" "$T/ci-opam/mirage-lock/hello.opam.locked" && grep -q "\"mirage\" {= \"4.10\.[0-9]*\"}" "$T/ci-opam/mirage-lock/hello.opam.locked"'
"$M" export "$T/hello.mstudio" --format ci --targets hvt -o "$T/ci-hvt" >/dev/null 2>"$T/ci-hvt.err"; code=$?
check "ci for another target than the lock's: exit 1, says why" '[ $code -eq 1 ] && grep -q "lock file is for target" "$T/ci-hvt.err"'
rm "$T/hello.opam.locked"
"$M" export "$T/hello.mstudio" --format ci -o "$T/ci-gone" >/dev/null 2>"$T/ci-gone.err"; code=$?
check "ci with the lock file gone: exit 1, names it" '[ $code -eq 1 ] && grep -q "hello.opam.locked" "$T/ci-gone.err"'

echo "1..$n"
