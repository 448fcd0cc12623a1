#!/usr/bin/env bash
# cli-deps.sh: mstudio deps --system and the check mstudio build makes
# first (TAP). The fixture root tests/system-root holds real stanzas of
# Debian 12's dpkg status (libldns-dev removed, its configuration left)
# and apt list; the machine's own files are read too.
set -u
M=${MSTUDIO:?}
FIX=${MS_SOURCE_DIR:?}/tests/system-root
n=0
ok () { n=$((n+1)); echo "ok $n - $1"; }
not_ok () { n=$((n+1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset MSTUDIO_SYSTEM_ROOT

for e in hello dns-lookup ccm_block http-server; do
  "$M" new "$T/$e.mstudio" --name "$(echo $e | tr - _)" --example "$e" >/dev/null 2>&1
done

# the fixture: ldns missing, gnutls installed
"$M" deps "$T/dns-lookup.mstudio" --system --root "$FIX" >"$T/d.out" 2>"$T/d.err"; code=$?
check "missing package: exit 1" '[ $code -eq 1 ]'
check "missing package: the exact apt-get line" 'grep -qx "apt-get install --no-install-recommends libldns-dev" "$T/d.out"'
check "missing package: its line says MISSING with apt's version" 'grep -q -- "-lldns *libldns-dev *MISSING (apt has 1.8.3-1+b1)" "$T/d.out"'
check "installed package: its version" 'grep -q -- "-lgnutls *libgnutls28-dev *installed 3.7.9" "$T/d.out"'
"$M" deps "$T/dns-lookup.mstudio" --system --root "$FIX" --json >"$T/d.json" 2>/dev/null; code=$?
check "--json: exit 1, missing, needs with devices, the command, the list read" \
  '[ $code -eq 1 ] && python3 - "$T/d.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "mirage-studio/system-deps" and d["version"] == 1, d
assert d["ok"] is False and d["missing"] == ["libldns-dev"], d
assert d["install_command"] == "apt-get install --no-install-recommends libldns-dev"
needs = {x["library"]: x for x in d["needs"]}
assert needs["ldns"]["missing"] and needs["ldns"]["installed"] is None and needs["ldns"]["candidate"] == "1.8.3-1+b1"
assert not needs["gnutls"]["missing"] and needs["gnutls"]["devices"]
assert d["installed_packages"] == 5
assert len(d["lists"]) == 1 and d["lists"][0]["packages"] == 7 and d["lists"][0]["compression"] == "none"
assert d["warnings"] == []
PY'
"$M" deps "$T/ccm_block.mstudio" --system --root "$FIX" >"$T/c.out" 2>&1; code=$?
check "nothing missing: exit 0, no apt-get line" '[ $code -eq 0 ] && ! grep -q apt-get "$T/c.out" && grep -q nettle-dev "$T/c.out"'
"$M" deps "$T/hello.mstudio" --system --root "$FIX" >"$T/h.out" 2>&1; code=$?
check "no system library: exit 0 and says so" '[ $code -eq 0 ] && grep -q "needs no system library" "$T/h.out"'

# lz4 lists, as apt stores them on these machines
mkdir -p "$T/root/var/lib/dpkg" "$T/root/var/lib/apt/lists"
cp "$FIX/var/lib/dpkg/status" "$T/root/var/lib/dpkg/status"
for f in "$FIX"/var/lib/apt/lists/*_Packages; do lz4 -q -z "$f" "$T/root/var/lib/apt/lists/$(basename "$f").lz4"; done
"$M" deps "$T/dns-lookup.mstudio" --system --root "$T/root" --json >"$T/z.json" 2>/dev/null
check "lz4 list: read (7 packages), candidate known" 'python3 -c "
import json,sys; d=json.load(open(\"$T/z.json\")); l=d[\"lists\"][0]
n={x[\"library\"]: x for x in d[\"needs\"]}
sys.exit(0 if l[\"compression\"]==\"lz4\" and l[\"packages\"]==7 and n[\"ldns\"][\"candidate\"]==\"1.8.3-1+b1\" else 1)"'

# this machine: the project's own tools/deps.sh installs every runtime library
if [ -r /var/lib/dpkg/status ]; then
  for e in dns-lookup ccm_block http-server; do
    "$M" deps "$T/$e.mstudio" --system --json >"$T/r.json" 2>/dev/null; code=$?
    check "$e on this machine: nothing missing, lists read" '[ $code -eq 0 ] && python3 -c "
import json,sys; d=json.load(open(\"$T/r.json\"))
ok = d[\"ok\"] and d[\"installed_packages\"] > 100 and not d[\"warnings\"]
ok = ok and (not d[\"lists\"] or sum(l[\"packages\"] for l in d[\"lists\"]) > 1000)
sys.exit(0 if ok else 1)"'
  done
else
  ok "# SKIP no dpkg on this machine"
fi

# mstudio build stops before the compiler, with the same message
MSTUDIO_SYSTEM_ROOT="$FIX" "$M" build "$T/dns-lookup.mstudio" -o "$T/out" >"$T/b.out" 2>"$T/b.err"; code=$?
check "build with a missing package: exit 1" '[ $code -eq 1 ]'
check "build: names the package and the apt-get line" 'grep -q "cannot build: the C runtime needs Debian packages that are not installed: libldns-dev (-lldns, for" "$T/b.err" && grep -q "apt-get install --no-install-recommends libldns-dev" "$T/b.err"'
check "build: no compiler ran" '! grep -qi "error:.*\.h\|compiler" "$T/b.err" && [ ! -e "$T/out/main.c" ]'

# usage
"$M" deps "$T/hello.mstudio" >/dev/null 2>"$T/u1"; code=$?
check "without --system: exit 2" '[ $code -eq 2 ] && grep -q -- "--system" "$T/u1"'
"$M" deps "$T/hello.mstudio" --system --root "$T/nowhere" >/dev/null 2>"$T/u2"; code=$?
check "no dpkg status under --root: exit 2 naming it" '[ $code -eq 2 ] && grep -q "nowhere/var/lib/dpkg/status" "$T/u2"'
"$M" deps "$T/missing.mstudio" --system >/dev/null 2>&1; code=$?
check "no project: exit 2" '[ $code -eq 2 ]'
echo "1..$n"
