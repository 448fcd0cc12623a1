# linked-libs.sh: sourced by the cli-*.sh tests to check which shared
# libraries a built unikernel links. It reads the binary's own DT_NEEDED
# entries (readelf -d), not ldd's closure: libgnutls itself needs
# libhogweed, so ldd cannot tell whether a graph linked -lhogweed.
# Each function prints what it found on failure and returns 1.

# needed BIN: the libraries BIN names, one a line ("libgit2.so.1.5")
needed () { readelf -d "$1" | sed -n 's/.*Shared library: \[\([^]]*\)\].*/\1/p'; }

# links_all BIN LIB...: BIN names each LIB ("libssh2")
links_all () {
  local bin=$1 lib found
  shift
  found=$(needed "$bin") || return 1
  for lib; do
    if ! grep -q "^$lib\.so" <<<"$found"; then
      echo "$bin does not link $lib; it links:" $found
      return 1
    fi
  done
}

# links_none BIN LIB...: BIN names none of the LIBs
links_none () {
  local bin=$1 lib found
  shift
  found=$(needed "$bin") || return 1
  for lib; do
    if grep -q "^$lib\.so" <<<"$found"; then
      echo "$bin links $lib; it links:" $found
      return 1
    fi
  done
}
