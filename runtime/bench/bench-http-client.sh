#!/bin/bash
# bench-http-client.sh: the HTTP client (paf_client, runtime/src/http-
# client*.c, from a release build) fetching 1,000 small objects one
# after the other over one kept-alive connection from nginx (one worker),
# next to curl doing the same (one curl process given the 1,000 URLs,
# which reuses its connection), alternating ROUNDS times; the best round
# of each counts. Plain HTTP/1.1 and HTTPS with HTTP/2 (a test CA made
# with certtool). Prints BENCH lines: milliseconds for ours and curl's,
# and the ratio curl/ours (above 1: ours is faster). Loopback: the
# client shares the machine's cores with nginx, so compare the ratio.
#
# Needs BENCH_HTTP_CLIENT (the bench-http-client binary; default
# build-release/runtime/bench-http-client), nginx, curl and certtool.
# Env: BENCH_HTTP_CLIENT_ROUNDS (default 3), BENCH_HTTP_CLIENT_N (1000).
set -eu
B=${BENCH_HTTP_CLIENT:-build-release/runtime/bench-http-client}
ROUNDS=${BENCH_HTTP_CLIENT_ROUNDS:-3}
N=${BENCH_HTTP_CLIENT_N:-1000}
[ -x "$B" ] || { echo "bench-http-client.sh: no $B (ninja -C build-release runtime/bench-http-client)" >&2; exit 1; }
T=$(mktemp -d)
. "$(dirname "$0")/../../tests/net-servers.sh"
trap 'net_stop; rm -rf "$T"' EXIT

# 1,000 objects of 100 bytes
mkdir -p "$T/www/o"
body=$(printf '%099d' 0)
for i in $(seq "$N"); do printf '%s\n' "$body" >"$T/www/o/$i.txt"; done

# a test CA and a certificate for 127.0.0.1
test_ca "$T" "bench CA"
test_cert "$T" "$T/srv.key" "$T/srv.pem" localhost 127.0.0.1
ANCHOR="trust-anchor:$(cert_base64 "$T/ca.pem")"

PLAIN=$(free_port)
TLS=$(free_port)
start_nginx "$T" 1024 <<EOF
  keepalive_requests 1000000;
  http2_max_requests 1000000;
  default_type text/plain;
  server {
    listen 127.0.0.1:$PLAIN;
    listen 127.0.0.1:$TLS ssl http2;
    ssl_certificate $T/srv.pem;
    ssl_certificate_key $T/srv.key;
    root $T/www;
  }
EOF
wait_port "$PLAIN" "$TLS"

# curl's side: one process, the N URLs from a config file, bodies dropped
curl_config () {
  for i in $(seq "$N"); do printf 'url = "%s%s.txt"\noutput = "/dev/null"\n' "$1" "$i"; done >"$2"
}
curl_config "http://127.0.0.1:$PLAIN/o/" "$T/curl-plain"
curl_config "https://127.0.0.1:$TLS/o/" "$T/curl-tls"
now_ms () { echo $(( $(date +%s%N) / 1000 )) | awk '{ printf "%.3f\n", $1 / 1000 }'; }
best () { sort -g | head -1; }
# NAME PREFIX CURL_CONFIG AUTHENTICATOR [curl args...]: both timed from
# process start to exit (curl reads its URLs and CA, ours its trust
# store); ours also prints the time of its fetch loop alone
bench () {
  local name=$1 prefix=$2 cfg=$3 auth=$4; shift 4
  local ours=() loops=() theirs=() t0 t1 loop
  for _ in $(seq "$ROUNDS"); do
    t0=$(now_ms)
    loop=$("$B" "$prefix" "$N" $auth)
    t1=$(now_ms)
    ours+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    loops+=("$loop")
    t0=$(now_ms)
    curl -s --fail -K "$cfg" "$@" >/dev/null
    t1=$(now_ms)
    theirs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  done
  local o l c
  o=$(printf '%s\n' "${ours[@]}" | best)
  l=$(printf '%s\n' "${loops[@]}" | best)
  c=$(printf '%s\n' "${theirs[@]}" | best)
  echo "BENCH http_client_${name}_${N}_fetch_ms $o ms"
  echo "BENCH http_client_${name}_${N}_fetch_loop_ms $l ms"
  echo "BENCH curl_${name}_${N}_fetch_ms $c ms"
  awk -v o="$o" -v c="$c" -v n="$name" -v N="$N" 'BEGIN { printf "BENCH http_client_vs_curl_%s_%s_ratio %.2f x\n", n, N, c / o }'
}
bench plain "http://127.0.0.1:$PLAIN/o/" "$T/curl-plain" ""
bench h2_tls "https://127.0.0.1:$TLS/o/" "$T/curl-tls" "$ANCHOR" --http2 --cacert "$T/ca.pem"
