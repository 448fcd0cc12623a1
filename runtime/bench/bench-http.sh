#!/bin/bash
# bench-http.sh: the http-server unikernel (paf_server, built with
# mstudio against the runtime without sanitizers) next to nginx with one
# worker serving the same 13-byte body, under wrk (HTTP/1.1 keep-alive,
# one thread) at 64 and 1,000 connections, alternating ours and nginx
# ROUNDS times; the best round of each counts. Prints BENCH lines:
# requests/s of both, their ratio (ours / nginx), p99 latency of both,
# and our resident memory under load. Loopback, so the client shares the
# machine's cores with the servers: compare ratios, not absolute rates.
#
# HTTP/2 over TLS: the https-server example (its test certificate) and
# nginx with http2 and the same certificate, under h2load (10
# connections, 10 streams each, BENCH_HTTP_SECONDS), alternating too:
# requests/s, ratio, mean request time and our RSS.
#
# Soak: BENCH_HTTP_SOAK=60 runs wrk with 1,000 connections for 60 s
# against ours alone instead, sampling RSS every 5 s; prints the errors
# and the RSS at the first and last sample (flat memory: last/first
# near 1), and fails if there were errors.
#
# Before/after: BENCH_HTTP_BEFORE=DIR (a runtime directory as
# MSTUDIO_RUNTIME_DIR takes, e.g. a copy of an older build's runtime/)
# builds the same unikernel against it too and runs it in the same
# rounds, alternating with the others: BENCH lines http_before_*.
#
# Needs MSTUDIO (a release mstudio, or any mstudio with
# MSTUDIO_RUNTIME_DIR naming a release runtime), MSTUDIO_DATADIR, nginx,
# wrk and h2load. Env: BENCH_HTTP_SECONDS (default 5), BENCH_HTTP_ROUNDS
# (2), BENCH_HTTP_CONNS (default "64 1000"), BENCH_HTTP_SOAK (seconds).
set -eu
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:?set MSTUDIO_DATADIR}
SECS=${BENCH_HTTP_SECONDS:-5}
ROUNDS=${BENCH_HTTP_ROUNDS:-2}
CONNS=${BENCH_HTTP_CONNS:-64 1000}
T=$(mktemp -d)
. "$(dirname "$0")/../../tests/net-servers.sh"
trap 'net_stop; rm -rf "$T"' EXIT
unset MSTUDIO_RUNTIME_SANITIZE

rss_kib () { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
ulimit -n 4096 2>/dev/null || true

# ours NAME EXAMPLE: the example built and serving on a free port,
# which is then in PORT, its pid in PID
ours () {
  mkdir -p "$T/$1"
  "$M" new "$T/$1/$1.mstudio" --name "$1" --example "$2" >/dev/null
  cp -r "$MSTUDIO_DATADIR/examples/$2/." "$T/$1/"
  "$M" build "$T/$1/$1.mstudio" -o "$T/$1/_build" >/dev/null
  PORT=$(free_port)
  serve /dev/null "$T/$1/_build/$1" --port="$PORT" -l quiet
  PID=$!
  wait_port "$PORT"
}
ours hs http-server
OURS_PORT=$PORT OURS_PID=$PID

# the same against an earlier runtime (before/after in one run)
BEFORE_PORT=
if [ -n "${BENCH_HTTP_BEFORE:-}" ]; then
  MSTUDIO_RUNTIME_DIR=$BENCH_HTTP_BEFORE ours hb http-server
  BEFORE_PORT=$PORT BEFORE_PID=$PID
fi

# ours over TLS (HTTP/2 by ALPN)
ours hss https-server
OURS_TLS_PORT=$PORT OURS_TLS_PID=$PID

# nginx, one worker, the same body and Content-Type (and over TLS with
# HTTP/2, the same certificate)
NGINX_PORT=$(free_port)
NGINX_TLS_PORT=$(free_port)
mkdir -p "$T/nginx"
start_nginx "$T/nginx" 4096 <<EOF
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { default_type text/plain; return 200 "Hello World!\n"; }
  }
  server {
    listen 127.0.0.1:$NGINX_TLS_PORT ssl http2;
    ssl_certificate $MSTUDIO_DATADIR/examples/https-server/tls/server.pem;
    ssl_certificate_key $MSTUDIO_DATADIR/examples/https-server/tls/server.key;
    location / { default_type text/plain; return 200 "Hello World!\n"; }
  }
EOF
wait_port "$NGINX_PORT" "$NGINX_TLS_PORT"

if [ -n "${BENCH_HTTP_SOAK:-}" ]; then
  # the last sample 5 s before the end, under load still
  ( for _ in $(seq 1 $((BENCH_HTTP_SOAK / 5 - 1))); do sleep 5; rss_kib "$OURS_PID"; done ) >"$T/soak-rss" &
  SAMPLER=$!
  wrk -t1 -c1000 -d"${BENCH_HTTP_SOAK}s" "http://127.0.0.1:$OURS_PORT/" >"$T/soak.out" 2>&1 || true
  wait "$SAMPLER" || true
  errs=$(grep -E "Socket errors|Non-2xx" "$T/soak.out" | grep -o -E "[0-9]+" | awk '{ s += $1 } END { print s + 0 }')
  first=$(head -1 "$T/soak-rss") last=$(tail -1 "$T/soak-rss")
  echo "BENCH http_soak_rps $(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$T/soak.out") req/s"
  echo "BENCH http_soak_errors ${errs:-0} errors"
  echo "BENCH http_soak_rss_first $(awk "BEGIN { printf \"%.1f\", $first / 1024 }") MiB"
  echo "BENCH http_soak_rss_last $(awk "BEGIN { printf \"%.1f\", $last / 1024 }") MiB"
  echo "BENCH http_soak_rss_growth $(awk "BEGIN { printf \"%.2f\", $last / $first }") last/first"
  [ "${errs:-0}" -eq 0 ]
  exit
fi

# run PORT CONNS: "requests/s p99-ms errors"
run () {
  wrk -t1 -c"$2" -d"${SECS}s" --latency "http://127.0.0.1:$1/" >"$T/wrk.out" 2>&1 || true
  python3 - "$T/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s*([0-9.]+)", text)
p99 = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s)\s*$", text, re.M)
errs = re.search(r"Socket errors:.*", text)
non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
ms = 0.0
if p99:
    v, u = float(p99.group(1)), p99.group(2)
    ms = v / 1000 if u == "us" else v * 1000 if u == "s" else v
bad = (1 if errs else 0) + (int(non2xx.group(1)) if non2xx else 0)
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms:.3f} {bad}")
PY
}
for c in $CONNS; do
  best_ours=0 best_nginx=0 p99_ours=0 p99_nginx=0 rss=0 bad=0
  best_before=0 p99_before=0 rss_before=0 bad_before=0
  for _ in $(seq "$ROUNDS"); do
    if [ -n "$BEFORE_PORT" ]; then
      ( sleep "$(awk "BEGIN { print $SECS / 2 }")"; rss_kib "$BEFORE_PID" >"$T/rss" ) &
      SAMPLER=$!
      read -r r p e < <(run "$BEFORE_PORT" "$c")
      wait "$SAMPLER" || true
      bad_before=$((bad_before + e))
      [ "$(cat "$T/rss")" -gt "$rss_before" ] && rss_before=$(cat "$T/rss")
      if [ "$r" -gt "$best_before" ]; then best_before=$r p99_before=$p; fi
    fi
    # ours, with its RSS sampled in the middle of the run
    ( sleep "$(awk "BEGIN { print $SECS / 2 }")"; rss_kib "$OURS_PID" >"$T/rss" ) &
    SAMPLER=$!
    read -r r p e < <(run "$OURS_PORT" "$c")
    wait "$SAMPLER" || true
    bad=$((bad + e))
    [ "$(cat "$T/rss")" -gt "$rss" ] && rss=$(cat "$T/rss")
    if [ "$r" -gt "$best_ours" ]; then best_ours=$r p99_ours=$p; fi
    read -r r p e < <(run "$NGINX_PORT" "$c")
    if [ "$r" -gt "$best_nginx" ]; then best_nginx=$r p99_nginx=$p; fi
  done
  echo "BENCH http_ours_c${c}_rps $best_ours req/s"
  echo "BENCH http_nginx_c${c}_rps $best_nginx req/s"
  echo "BENCH http_ratio_c${c} $(awk "BEGIN { printf \"%.2f\", $best_ours / ($best_nginx ? $best_nginx : 1) }") ours/nginx"
  echo "BENCH http_ours_c${c}_p99 $p99_ours ms"
  echo "BENCH http_nginx_c${c}_p99 $p99_nginx ms"
  echo "BENCH http_ours_c${c}_rss $(awk "BEGIN { printf \"%.1f\", $rss / 1024 }") MiB"
  echo "BENCH http_ours_c${c}_errors $bad responses"
  if [ -n "$BEFORE_PORT" ]; then
    echo "BENCH http_before_c${c}_rps $best_before req/s"
    echo "BENCH http_before_ratio_c${c} $(awk "BEGIN { printf \"%.2f\", $best_before / ($best_nginx ? $best_nginx : 1) }") before/nginx"
    echo "BENCH http_before_c${c}_p99 $p99_before ms"
    echo "BENCH http_before_c${c}_rss $(awk "BEGIN { printf \"%.1f\", $rss_before / 1024 }") MiB"
    echo "BENCH http_before_c${c}_errors $bad_before responses"
  fi
done

# h2load PORT: "requests/s mean-request-ms failed"
h2run () {
  h2load -c 10 -m 10 -D "$SECS" "https://127.0.0.1:$1/" >"$T/h2.out" 2>&1 || true
  python3 - "$T/h2.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"finished in [^,]+, ([0-9.]+) req/s", text)
mean = re.search(r"time for request:\s+\S+\s+\S+\s+([0-9.]+)(us|ms|s)", text)
failed = re.search(r"(\d+) failed, (\d+) errored", text)
ms = 0.0
if mean:
    v, u = float(mean.group(1)), mean.group(2)
    ms = v / 1000 if u == "us" else v * 1000 if u == "s" else v
bad = int(failed.group(1)) + int(failed.group(2)) if failed else 1
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms:.3f} {bad}")
PY
}
best_ours=0 best_nginx=0 mean_ours=0 mean_nginx=0 rss=0 bad=0
for _ in $(seq "$ROUNDS"); do
  ( sleep "$(awk "BEGIN { print $SECS / 2 }")"; rss_kib "$OURS_TLS_PID" >"$T/rss" ) &
  SAMPLER=$!
  read -r r p e < <(h2run "$OURS_TLS_PORT")
  wait "$SAMPLER" || true
  bad=$((bad + e))
  [ "$(cat "$T/rss")" -gt "$rss" ] && rss=$(cat "$T/rss")
  if [ "$r" -gt "$best_ours" ]; then best_ours=$r mean_ours=$p; fi
  read -r r p e < <(h2run "$NGINX_TLS_PORT")
  if [ "$r" -gt "$best_nginx" ]; then best_nginx=$r mean_nginx=$p; fi
done
echo "BENCH h2tls_ours_rps $best_ours req/s"
echo "BENCH h2tls_nginx_rps $best_nginx req/s"
echo "BENCH h2tls_ratio $(awk "BEGIN { printf \"%.2f\", $best_ours / ($best_nginx ? $best_nginx : 1) }") ours/nginx"
echo "BENCH h2tls_ours_mean $mean_ours ms"
echo "BENCH h2tls_nginx_mean $mean_nginx ms"
echo "BENCH h2tls_ours_rss $(awk "BEGIN { printf \"%.1f\", $rss / 1024 }") MiB"
echo "BENCH h2tls_ours_errors $bad requests"
exit 0
