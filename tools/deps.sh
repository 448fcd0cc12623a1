# tools/deps.sh: the Debian 12 packages Mirage Studio builds, tests and runs
# with, and a function that installs whichever are missing. Sourced by the
# other scripts in tools/.

MS_DEBIAN_PACKAGES="
  gcc pkg-config meson ninja-build python3
  libglib2.0-dev libjson-c-dev libsqlite3-dev libgraphviz-dev libgvc6
  sqlite3
  clang libclang-rt-14-dev
  ocaml-nox python3-yaml
  nettle-dev
  libldns-dev libgnutls28-dev gnutls-bin unbound ca-certificates openssl
  libhttp-parser-dev libnghttp2-dev curl nginx wrk nghttp2-client
  libsolv-dev libsolvext-dev liblz4-dev opam rsync m4 time
  libgit2-dev libssh2-1-dev git openssh-server openssh-client fcgiwrap
  libgtk-4-dev libadwaita-1-dev
  xvfb xauth xdotool dbus at-spi2-core python3-gi gir1.2-atspi-2.0 gir1.2-gtk-4.0
  desktop-file-utils appstream-util libxml2-utils gettext gettext-base libglib2.0-bin
  locales
  fonts-cantarell adwaita-icon-theme shared-mime-info libgtk-4-bin librsvg2-common
"

ms_install_missing () {
  local missing=()
  for p in $MS_DEBIAN_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
