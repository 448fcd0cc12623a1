#!/bin/bash
# tests/test-desktop.sh: the studio's desktop integration is what GNOME
# will accept — the merged .desktop and AppStream files validate, the
# GSettings schema compiles strictly and is in the build tree, the icons
# parse and cover every palette category, the GResource lists every icon,
# the shortcuts window lists the application's accelerators, and the
# translations compile. TAP output.
#
# Environment: MS_SOURCE_ROOT, MS_BUILD_ROOT (set by tests/meson.build),
# MSTUDIO (the command-line tool, for the real catalog) and MSTUDIO_DATADIR.
# The validators are required: a missing one fails its test (tools/deps.sh
# installs them) rather than letting a broken file through as a skip.
set -u

src=${MS_SOURCE_ROOT:?MS_SOURCE_ROOT must name the source tree}
build=${MS_BUILD_ROOT:?MS_BUILD_ROOT must name the build tree}
app_id=io.github.miragestudio.Studio
desktop=$build/data/$app_id.desktop
metainfo=$build/data/$app_id.metainfo.xml
schema=$src/data/$app_id.gschema.xml
mime=$src/data/$app_id.mime.xml
overlay=$src/resources/gtk/help-overlay.ui
gresource=$src/resources/mirage-studio.gresource.xml
app_icon=$src/data/icons/hicolor/scalable/apps/$app_id.svg
symbolic_icon=$src/data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ -s "$tmp/out" ] && sed 's/^/# /' "$tmp/out"
  return 0
}
# check DESCRIPTION COMMAND...: one test point from a command's status
check () {
  local what=$1; shift
  if "$@" >"$tmp/out" 2>&1; then ok "$what"; else not_ok "$what"; fi
}
# need TOOL PACKAGE: fails the test point when a validator is missing
need () {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  echo "$1 not found: install the Debian package $2 (tools/deps.sh)" >"$tmp/out"
  return 1
}
# check_eq DESCRIPTION GOT WANT
check_eq () {
  if [ "$2" = "$3" ]; then ok "$1"; else echo "got “$2”, want “$3”" >"$tmp/out"; not_ok "$1"; fi
}

# --- .desktop ----------------------------------------------------------
if need desktop-file-validate desktop-file-utils; then
  check "desktop file validates" desktop-file-validate "$desktop"
else
  not_ok "desktop file validates"
fi

desktop_key () { sed -n "s/^$1=//p" "$desktop" | head -n 1; }
check_eq "desktop file launches mirage-studio with files" "$(desktop_key Exec)" "mirage-studio %F"
check_eq "desktop file names the application icon" "$(desktop_key Icon)" "$app_id"
check_eq "desktop file opens the project MIME type" "$(desktop_key MimeType)" "application/x-mirage-studio-project;"
check_eq "desktop file is in Development" "$(desktop_key Categories)" "Development;GTK;GNOME;"

# the merge adds Name[fr]= and the like beside each translatable key and
# must keep the untranslated one exactly once
for key in Name GenericName Comment Keywords; do
  check_eq "desktop file has one untranslated $key" \
    "$(grep -c "^$key=" "$desktop")" 1
done

# --- AppStream ---------------------------------------------------------
if need appstream-util appstream-util; then
  check "metainfo validates (appstream-util validate-relax --nonet)" \
    appstream-util validate-relax --nonet "$metainfo"
  # the stricter rules too, while the file meets them
  check "metainfo validates strictly (appstream-util validate --nonet)" \
    appstream-util validate --nonet "$metainfo"
else
  not_ok "metainfo validates (appstream-util validate-relax --nonet)"
  need appstream-util appstream-util; not_ok "metainfo validates strictly (appstream-util validate --nonet)"
fi

if need xmllint libxml2-utils; then
  xq () { xmllint --xpath "$1" "$2" 2>/dev/null; }
  check_eq "metainfo launches the desktop file" \
    "$(xq 'string(/component/launchable[@type="desktop-id"])' "$metainfo")" "$app_id.desktop"
  check_eq "metainfo id is the application id" \
    "$(xq 'string(/component/id)' "$metainfo")" "$app_id"
  check_eq "metainfo provides the mirage-studio binary" \
    "$(xq 'string(/component/provides/binary)' "$metainfo")" "mirage-studio"
  # every screenshot must be a file of this repository, so none can 404
  shots_ok=1
  : >"$tmp/out"
  for url in $(xq '/component/screenshots/screenshot/image/text()' "$metainfo"); do
    rel=$(printf '%s\n' "$url" | sed -n 's|^https://raw.githubusercontent.com/[^/]*/[^/]*/[^/]*/||p')
    if [ -z "$rel" ] || [ ! -f "$src/$rel" ]; then
      echo "screenshot $url is not a file of the repository" >>"$tmp/out"; shots_ok=0
    fi
  done
  if [ $shots_ok = 1 ]; then ok "metainfo screenshots exist in the repository"; else not_ok "metainfo screenshots exist in the repository"; fi
else
  for t in "metainfo launches the desktop file" "metainfo id is the application id" \
           "metainfo provides the mirage-studio binary" "metainfo screenshots exist in the repository"; do
    need xmllint libxml2-utils; not_ok "$t"
  done
fi

# --- GSettings ---------------------------------------------------------
if need glib-compile-schemas libglib2.0-bin; then
  mkdir -p "$tmp/schemas"
  cp "$schema" "$tmp/schemas/"
  check "schema compiles with --strict" glib-compile-schemas --strict --dry-run "$tmp/schemas"
else
  not_ok "schema compiles with --strict"
fi

check "schema is compiled in the build tree" test -s "$build/data/gschemas.compiled"
if need gsettings libglib2.0-bin; then
  gs () { GSETTINGS_BACKEND=memory gsettings --schemadir "$build/data" "$@"; }
  # the keys the window, canvas, code preview and build panel rely on
  expect_defaults="window-width=1200 window-height=800 window-maximized=false
    palette-visible=true inspector-visible=true bottom-pane-position=700
    bottom-page='problems' show-minimap=true snap-to-grid=true
    code-preview-version='4.11' build-target='unix'"
  : >"$tmp/out"
  defaults_ok=1
  for kv in $expect_defaults; do
    key=${kv%%=*}; want=${kv#*=}
    got=$(gs get "$app_id" "$key" 2>&1)
    if [ "$got" != "$want" ]; then
      echo "$key: got $got, want $want" >>"$tmp/out"; defaults_ok=0
    fi
  done
  if [ $defaults_ok = 1 ]; then ok "compiled schema has every key with its default"; else not_ok "compiled schema has every key with its default"; fi
else
  not_ok "compiled schema has every key with its default"
fi

# --- MIME type ---------------------------------------------------------
if need update-mime-database shared-mime-info; then
  mkdir -p "$tmp/mime/packages"
  cp "$mime" "$tmp/mime/packages/"
  if update-mime-database "$tmp/mime" >"$tmp/out" 2>&1 \
     && grep -q ':application/x-mirage-studio-project:\*\.mstudio' "$tmp/mime/globs2"; then
    ok "MIME type maps *.mstudio to application/x-mirage-studio-project"
  else
    not_ok "MIME type maps *.mstudio to application/x-mirage-studio-project"
  fi
else
  not_ok "MIME type maps *.mstudio to application/x-mirage-studio-project"
fi

# --- icons -------------------------------------------------------------
svgs=("$app_icon" "$symbolic_icon" "$src"/resources/icons/scalable/actions/*.svg)
if need xmllint libxml2-utils; then
  : >"$tmp/out"
  parse_ok=1
  for f in "${svgs[@]}"; do
    xmllint --noout "$f" >>"$tmp/out" 2>&1 || parse_ok=0
  done
  if [ $parse_ok = 1 ]; then ok "every icon SVG parses (${#svgs[@]} files)"; else not_ok "every icon SVG parses"; fi
else
  not_ok "every icon SVG parses"
fi

# GTK recolours a symbolic icon's fills only: a stroke or another colour
# would stay dark on a dark theme
: >"$tmp/out"
sym_ok=1
for f in "$symbolic_icon" "$src"/resources/icons/scalable/actions/*-symbolic.svg; do
  if grep -q 'stroke' "$f"; then echo "$f has strokes" >>"$tmp/out"; sym_ok=0; fi
  others=$(grep -o '#[0-9a-fA-F]\{3,6\}\b' "$f" | grep -vi '^#2e3436$' | sort -u | tr '\n' ' ')
  if [ -n "$others" ]; then echo "$f uses $others" >>"$tmp/out"; sym_ok=0; fi
done
if [ $sym_ok = 1 ]; then ok "symbolic icons are single-colour fills"; else not_ok "symbolic icons are single-colour fills"; fi

# every category the real catalog loader reports (what the palette shows)
if "${MSTUDIO:-mstudio}" catalog --json --all >"$tmp/catalog.json" 2>"$tmp/out" \
   && python3 - "$tmp/catalog.json" >"$tmp/categories" 2>>"$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = {c["name"] for c in d["categories"]} | {c["category"] for c in d["constructors"]}
print("\n".join(sorted(names)))
PY
then
  : >"$tmp/out"
  cats_ok=1
  while read -r cat; do
    [ -f "$src/resources/icons/scalable/actions/ms-category-$cat-symbolic.svg" ] \
      || { echo "no icon for category $cat" >>"$tmp/out"; cats_ok=0; }
  done <"$tmp/categories"
  [ -s "$tmp/categories" ] || { echo "the catalog has no categories" >>"$tmp/out"; cats_ok=0; }
  if [ $cats_ok = 1 ]; then
    ok "every catalog category has an icon ($(tr '\n' ' ' <"$tmp/categories"| sed 's/ $//'))"
  else
    not_ok "every catalog category has an icon"
  fi
else
  not_ok "every catalog category has an icon (could not read the catalog)"
fi

: >"$tmp/out"
res_ok=1
for f in $(cd "$src/resources" && find icons -type f | sort); do
  grep -q ">$f</file>" "$gresource" || { echo "$f is not in $(basename "$gresource")" >>"$tmp/out"; res_ok=0; }
done
if [ $res_ok = 1 ]; then ok "the GResource lists every file in resources/icons"; else not_ok "the GResource lists every file in resources/icons"; fi

# --- shortcuts window --------------------------------------------------
if need xmllint libxml2-utils; then
  check_eq "help overlay parses and defines help_overlay" \
    "$(xmllint --xpath 'string(//object[@class="GtkShortcutsWindow"]/@id)' "$overlay")" help_overlay
  # every shortcut title is translatable
  check_eq "every shortcuts window title is translatable" \
    "$(xmllint --xpath 'count(//property[@name="title"][not(@translatable="yes")])' "$overlay")" 0
  # the first accelerator of each application-wide action must be listed:
  # the table in ui/ms-studio-application.c is the source of truth
  python3 - "$overlay" <<'PY' | tr 'A-Z' 'a-z' | sed 's/<control>/<ctrl>/g; s/<primary>/<ctrl>/g' >"$tmp/listed"
import sys, xml.etree.ElementTree as ET
for p in ET.parse(sys.argv[1]).iter("property"):
    if p.get("name") == "accelerator":
        print("\n".join(p.text.split()))
PY
  : >"$tmp/out"
  acc_ok=1
  sed -n 's/^ *{ "\([a-z]*\.[a-z-]*\)", { "\([^"]*\)".*/\1 \2/p' "$src/ui/ms-studio-application.c" >"$tmp/accels"
  [ -s "$tmp/accels" ] || { echo "no accelerators found in ui/ms-studio-application.c" >>"$tmp/out"; acc_ok=0; }
  while read -r action accel; do
    norm=$(printf '%s' "$accel" | tr 'A-Z' 'a-z' | sed 's/<control>/<ctrl>/g; s/<primary>/<ctrl>/g')
    grep -qxF "$norm" "$tmp/listed" || { echo "$action ($accel) is not in help-overlay.ui" >>"$tmp/out"; acc_ok=0; }
  done <"$tmp/accels"
  if [ $acc_ok = 1 ]; then ok "shortcuts window lists every application accelerator"; else not_ok "shortcuts window lists every application accelerator"; fi
else
  for t in "help overlay parses and defines help_overlay" "every shortcuts window title is translatable" \
           "shortcuts window lists every application accelerator"; do
    need xmllint libxml2-utils; not_ok "$t"
  done
fi

# --- translations ------------------------------------------------------
: >"$tmp/out"
pot_ok=1
for f in data/$app_id.desktop.in data/$app_id.metainfo.xml.in data/$app_id.gschema.xml resources/gtk/help-overlay.ui; do
  grep -qxF "$f" "$src/po/POTFILES" || { echo "$f is missing from po/POTFILES" >>"$tmp/out"; pot_ok=0; }
done
while read -r f; do
  case $f in ''|'#'*) continue ;; esac
  [ -f "$src/$f" ] || { echo "po/POTFILES lists $f, which does not exist" >>"$tmp/out"; pot_ok=0; }
done <"$src/po/POTFILES"
if [ $pot_ok = 1 ]; then ok "po/POTFILES lists the desktop files and only existing files"; else not_ok "po/POTFILES lists the desktop files and only existing files"; fi

if need msgfmt gettext; then
  for po in "$src"/po/*.po; do
    [ -e "$po" ] || continue
    check "msgfmt --check $(basename "$po")" msgfmt --check -o /dev/null "$po"
  done
else
  not_ok "msgfmt --check po/*.po"
fi

echo "1..$n"
[ $failed = 0 ]
