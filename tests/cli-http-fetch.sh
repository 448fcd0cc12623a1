#!/bin/bash
# cli-http-fetch.sh: the http-fetch example (paf_client) built with
# mstudio and run against nginx on loopback, started here with a test CA
# made by certtool: plain HTTP/1.1, HTTPS with HTTP/2 by ALPN (the test
# CA as --authenticator), redirects and a redirect loop, a large body,
# the system trust store refusing the test CA, --headers sent, the same
# under -t sandbox, and the c-skeleton export building. Only graphs with
# an HTTP client link nghttp2. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"

# the test CA and a certificate for 127.0.0.1
test_ca "$T" "Mirage Studio test CA" && test_cert "$T" "$T/srv.key" "$T/srv.pem" localhost localhost 127.0.0.1
ANCHOR="trust-anchor:$(cert_base64 "$T/ca.pem")"

# nginx: plain and TLS (h2), a 2 MiB file, redirects, a header echo
PLAIN=$(free_port)
TLS=$(free_port)
mkdir -p "$T/www"
echo "hello, mirage" >"$T/www/small.txt"
head -c 2097152 /dev/urandom >"$T/www/big.bin"
start_nginx "$T" 256 <<EOF
  server {
    listen 127.0.0.1:$PLAIN;
    listen 127.0.0.1:$TLS ssl http2;
    ssl_certificate $T/srv.pem;
    ssl_certificate_key $T/srv.key;
    root $T/www;
    location = /old { return 301 /small.txt; }
    location = /loop { return 302 /loop; }
    location = /header { return 200 "[\$http_x_mirage]"; }
  }
EOF
ok "nginx listens (plain and TLS)" wait_port "$PLAIN" "$TLS"

project fetch http-fetch
ok "http-fetch: build" "$M" build "$T/fetch/fetch.mstudio"
F=$T/fetch/_build/fetch
ok "http-fetch: links nghttp2 and libhttp_parser" bash -c "ldd '$F' | grep -q nghttp2 && ldd '$F' | grep -q http_parser"
ok "http-fetch: --help names --url" bash -c "'$F' --help=plain | grep -q -- '--url=VAL'"
ok "http-fetch: plain HTTP/1.1, status and body size" bash -c "'$F' --url=http://127.0.0.1:$PLAIN/small.txt >'$T/o' && grep -qx 'status: 200' '$T/o' && grep -qx 'protocol: HTTP/1.1' '$T/o' && grep -qx 'body: 14 bytes' '$T/o'"
ok "http-fetch: a 2 MiB body is counted whole" bash -c "'$F' --url=http://127.0.0.1:$PLAIN/big.bin | grep -qx 'body: 2097152 bytes'"
ok "http-fetch: a 404 is a status, not a failure" bash -c "'$F' --url=http://127.0.0.1:$PLAIN/missing | grep -qx 'status: 404'"
ok "http-fetch: a redirect is followed to the final URL" bash -c "'$F' --url=http://127.0.0.1:$PLAIN/old >'$T/o' && grep -qx 'status: 200' '$T/o' && grep -qx 'url: http://127.0.0.1:$PLAIN/small.txt' '$T/o'"
expect 255 "too many redirects: 5 followed" "http-fetch: a redirect loop stops at the limit, saying so" "$F" --url="http://127.0.0.1:$PLAIN/loop"
ok "http-fetch: HTTPS with the test CA: HTTP/2 by ALPN" bash -c "'$F' --url=https://127.0.0.1:$TLS/big.bin --authenticator='$ANCHOR' >'$T/o' && grep -qx 'protocol: HTTP/2' '$T/o' && grep -qx 'body: 2097152 bytes' '$T/o'"
expect 255 "certificate is refused (system trust store)" "http-fetch: the system trust store refuses the test CA" "$F" --url="https://127.0.0.1:$TLS/small.txt"
expect 255 "--authenticator: invalid TLS authenticator" "http-fetch: a malformed authenticator is refused" "$F" --url="https://127.0.0.1:$TLS/small.txt" --authenticator=key-fp:md4:x
expect 255 "--url: invalid URL" "http-fetch: a URL that is not http(s) is refused" "$F" --url=gopher://127.0.0.1/
expect 255 "cannot connect to 127.0.0.1" "http-fetch: nobody listening" "$F" --url="http://127.0.0.1:$(free_port)/"
ok "http-fetch: --headers are sent" bash -c "'$F' --url=http://127.0.0.1:$PLAIN/header --headers='X-Mirage:studio' | grep -qx 'body: 8 bytes'"
expect 255 "not name:value" "http-fetch: a malformed --headers is refused" "$F" --url="http://127.0.0.1:$PLAIN/" --headers=oops

# -t sandbox: the same fetches under the graph's seccomp filter
ok "http-fetch -t sandbox: builds" "$M" build "$T/fetch/fetch.mstudio" -t sandbox -o "$T/fetch/_sandbox"
expect 255 "certificate is refused (system trust store)" "http-fetch -t sandbox: the system trust store is read at the first https request (and refuses the test CA)" "$T/fetch/_sandbox/fetch" --url="https://127.0.0.1:$TLS/small.txt"
ok "http-fetch -t sandbox: plain and HTTPS/2 fetches under the filter" bash -c "'$T/fetch/_sandbox/fetch' --url=http://127.0.0.1:$PLAIN/big.bin | grep -qx 'body: 2097152 bytes' && '$T/fetch/_sandbox/fetch' --url=https://127.0.0.1:$TLS/small.txt --authenticator='$ANCHOR' | grep -qx 'protocol: HTTP/2'"

# export --format c-skeleton: a fetch that builds as exported
mkdir -p "$T/skel"
"$M" new "$T/skel/skel.mstudio" --name skel --example http-fetch >/dev/null
ok "c-skeleton of http-fetch: exported with a fetch" bash -c "'$M' export '$T/skel/skel.mstudio' --format c-skeleton -o '$T/skel' && grep -q 'mirage_http_client_request_run' '$T/skel/unikernel.c'"
ok "c-skeleton: builds" "$M" build "$T/skel/skel.mstudio"

# graphs without an HTTP client link no nghttp2
project noop noop
ok "noop: links no nghttp2" bash -c "'$M' build '$T/noop/noop.mstudio' >/dev/null && ! ldd '$T/noop/_build/noop' | grep -q nghttp2"

# what the binaries link, read from each one's DT_NEEDED (tests/linked-libs.sh)
. "$(dirname "$0")/linked-libs.sh"
ok "noop (no HTTP device) links neither nghttp2 nor http_parser" links_none "$T/noop/_build/noop" libnghttp2 libhttp_parser
ok "http-fetch links nghttp2, http_parser and gnutls" links_all "$F" libnghttp2 libhttp_parser libgnutls
ok "http-fetch (no Git device) links none of libgit2, libssh2, libhogweed" links_none "$F" libgit2 libssh2 libhogweed

tap_done
