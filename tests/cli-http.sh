#!/bin/bash
# cli-http.sh: the http-server example (paf_server) built with mstudio
# and run on loopback, talked to by curl and by raw sockets: HTTP/1.1
# keep-alive (one connection for several URLs), pipelining (requests
# written at once, answers in order), chunked upload, HEAD,
# Expect: 100-continue, ambiguous framing refused with 400 and a log
# line, --port moving the server, the same under -t sandbox, and the
# c-skeleton export serving as exported; HTTP/2 (h2c prior knowledge,
# nghttp, h2load), the https-server example over TLS with ALPN (curl
# --http2 and --http1.1 against a CA made for the run, nghttp, h2load),
# both under -t sandbox with load. Only
# graphs with an HTTP device link libhttp_parser. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"

# raw PORT: sends standard input on one connection, prints the answers
cat >"$T/raw.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.buffer.write(out)
PY
RAW="python3 $T/raw.py"

project http-server http-server
ok "http-server: build" "$M" build "$T/http-server/http-server.mstudio"
H=$T/http-server/_build/http-server
ok "http-server: links libhttp_parser" bash -c "ldd '$H' | grep -q http_parser || nm '$H' | grep -q http_parser_execute"
PORT=$(free_port)
serve "$T/server.log" "$H" --port="$PORT"
ok "http-server: listens on --port $PORT" wait_port "$PORT"

ok "curl: GET gives Hello World!" bash -c "[ \"\$(curl -sS --max-time 5 http://127.0.0.1:$PORT/)\" = 'Hello World!' ]"
ok "curl: keep-alive, three URLs on one connection" bash -c "curl -sS -v --max-time 5 http://127.0.0.1:$PORT/a http://127.0.0.1:$PORT/b http://127.0.0.1:$PORT/c 2>&1 >/dev/null | grep -c 'Re-using existing connection' | grep -qx 2"
ok "curl: HTTP/1.1 keep-alive answer has Content-Length and no Connection: close" bash -c "curl -sS -D - -o /dev/null --max-time 5 http://127.0.0.1:$PORT/ | tr -d '\r' | grep -qx 'Content-Length: 13' && ! curl -sS -D - -o /dev/null http://127.0.0.1:$PORT/ | grep -qi 'connection: close'"
ok "curl: HEAD gives the headers and no body" bash -c "curl -sS -I --max-time 5 http://127.0.0.1:$PORT/ >'$T/head' && grep -q '^HTTP/1.1 200' '$T/head' && grep -q 'Content-Length: 13' '$T/head'"
head -c 300000 /dev/urandom >"$T/upload"
ok "curl: chunked upload of 300000 bytes" bash -c "[ \"\$(curl -sS --max-time 10 -H 'Transfer-Encoding: chunked' --data-binary @'$T/upload' http://127.0.0.1:$PORT/up)\" = 'received 300000 bytes' ]"
ok "curl: Expect: 100-continue gets 100 Continue, then the answer" bash -c "curl -sS -v --max-time 5 -H 'Expect: 100-continue' --data-binary @'$T/upload' http://127.0.0.1:$PORT/up 2>'$T/cv' | grep -qx 'received 300000 bytes' && grep -q 'HTTP/1.1 100 Continue' '$T/cv'"
ok "raw: three pipelined requests answered in order" bash -c "printf 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | $RAW $PORT | tr -d '\r' | grep -E '^(HTTP/1.1|Hello|received)' | tr '\n' '|' | grep -qx 'HTTP/1.1 200 OK|Hello World!|HTTP/1.1 200 OK|received 4 bytes|HTTP/1.1 200 OK|Hello World!|'"
ok "raw: Content-Length and Transfer-Encoding together give 400" bash -c "printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' | $RAW $PORT | grep -q '^HTTP/1.1 400 Bad Request'"
ok "raw: two differing Content-Length give 400" bash -c "printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde' | $RAW $PORT | grep -q '^HTTP/1.1 400 Bad Request'"
ok "the refusal has a log line naming the peer" grep -q -E 'paf.*400 to 127\.0\.0\.1:[0-9]+' "$T/server.log"
ok "curl: 100 requests on 4 parallel connections" bash -c "for i in 1 2 3 4; do curl -sS --max-time 10 \$(for j in \$(seq 25); do echo http://127.0.0.1:$PORT/\$i/\$j; done) & done | grep -c 'Hello World!' | grep -qx 100"

# -t sandbox: the same server under the graph's seccomp filter
ok "http-server -t sandbox: builds" "$M" build "$T/http-server/http-server.mstudio" -t sandbox -o "$T/http-server/_sandbox"
SPORT=$(free_port)
serve "$T/sandbox.log" "$T/http-server/_sandbox/http-server" --port="$SPORT"
ok "http-server -t sandbox: listens" wait_port "$SPORT"
ok "http-server -t sandbox: keep-alive GETs, a chunked upload and a 400 under the filter" bash -c "curl -sS --max-time 5 http://127.0.0.1:$SPORT/a http://127.0.0.1:$SPORT/b | grep -c 'Hello World!' | grep -qx 2 && [ \"\$(curl -sS --max-time 10 -H 'Transfer-Encoding: chunked' --data-binary @'$T/upload' http://127.0.0.1:$SPORT/up)\" = 'received 300000 bytes' ] && printf 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab' | $RAW $SPORT | grep -q '^HTTP/1.1 400'"

# export --format c-skeleton: a handler that serves, built and run as is
mkdir -p "$T/skel"
"$M" new "$T/skel/skel.mstudio" --name skel --example http-server >/dev/null
ok "c-skeleton of http-server: exported" "$M" export "$T/skel/skel.mstudio" --format c-skeleton -o "$T/skel"
ok "c-skeleton: builds" "$M" build "$T/skel/skel.mstudio"
KPORT=$(free_port)
serve /dev/null "$T/skel/_build/skel" --port="$KPORT"
ok "c-skeleton: serves Hello World!" bash -c "$(declare -f wait_port); wait_port $KPORT && [ \"\$(curl -sS --max-time 5 http://127.0.0.1:$KPORT/)\" = 'Hello World!' ]"

# HTTP/2 with prior knowledge (h2c) on the same plain port, and h2load
ok "curl --http2-prior-knowledge: HTTP/2 on the plain port" bash -c "[ \"\$(curl -sS --max-time 5 --http2-prior-knowledge -w '%{http_version}' http://127.0.0.1:$PORT/)\" = 'Hello World!
2' ]"
ok "nghttp (prior knowledge): the answer and its status" bash -c "nghttp -v http://127.0.0.1:$PORT/ | grep -q ':status: 200'"
ok "h2load h2c: 2000 requests on 10 connections, 10 streams each, no errors" bash -c "h2load -n 2000 -c 10 -m 10 http://127.0.0.1:$PORT/ | grep -q '2000 succeeded, 0 failed, 0 errored'"

# https-server: TLS from the certificate in its key-value store; HTTP/2
# or HTTP/1.1 by ALPN; curl checks the certificate against a CA made
# for the run (the server's certificate is replaced by one it signs)
project https-server https-server
test_ca "$T" "cli-http test CA" \
  && test_cert "$T" "$T/https-server/tls/server.key" "$T/https-server/tls/server.pem" localhost localhost
ok "https-server: build" "$M" build "$T/https-server/https-server.mstudio"
HS=$T/https-server/_build/https-server
ok "https-server: links nghttp2" bash -c "ldd '$HS' | grep -q nghttp2 || nm '$HS' | grep -q nghttp2_session_server_new"
TPORT=$(free_port)
serve "$T/https.log" "$HS" --port="$TPORT"
ok "https-server: listens on --port $TPORT" wait_port "$TPORT"
ok "curl --http2 over TLS: HTTP/2 by ALPN, certificate checked" bash -c "[ \"\$(curl -sS --max-time 5 --http2 --cacert '$T/ca.pem' -w '%{http_version}' https://localhost:$TPORT/)\" = 'Hello World!
2' ]"
ok "curl --http1.1 over TLS: HTTP/1.1 by ALPN" bash -c "[ \"\$(curl -sS --max-time 5 --http1.1 --cacert '$T/ca.pem' -w '%{http_version}' https://localhost:$TPORT/)\" = 'Hello World!
1.1' ]"
ok "curl without the CA refuses the server" bash -c "! curl -sS --max-time 5 https://localhost:$TPORT/ 2>/dev/null"
ok "nghttp over TLS" bash -c "nghttp -v https://127.0.0.1:$TPORT/ | grep -q 'The negotiated protocol: h2'"
ok "h2load over TLS: 2000 requests, no errors" bash -c "h2load -n 2000 -c 10 -m 10 https://127.0.0.1:$TPORT/ | grep -q '2000 succeeded, 0 failed, 0 errored'"
ok "a plain-text client on the TLS port is refused, the server goes on" bash -c "curl -s --max-time 3 http://127.0.0.1:$TPORT/ >/dev/null; curl -sS --max-time 5 --cacert '$T/ca.pem' https://localhost:$TPORT/ | grep -qx 'Hello World!'"

# -t sandbox: HTTPS under the graph's seccomp filter, under load
ok "https-server -t sandbox: builds" "$M" build "$T/https-server/https-server.mstudio" -t sandbox -o "$T/https-server/_sandbox"
SPORT2=$(free_port)
serve "$T/https-sandbox.log" "$T/https-server/_sandbox/https-server" --port="$SPORT2"
ok "https-server -t sandbox: listens" wait_port "$SPORT2"
ok "https-server -t sandbox: h2load 4000 requests over TLS, no errors, then still serving" bash -c "h2load -n 4000 -c 20 -m 10 https://127.0.0.1:$SPORT2/ | grep -q '4000 succeeded, 0 failed, 0 errored' && curl -sS --max-time 5 --cacert '$T/ca.pem' https://localhost:$SPORT2/ | grep -qx 'Hello World!'"
ok "http-server -t sandbox: wrk 3 s, 100 connections, no errors" bash -c "wrk -t1 -c100 -d3s http://127.0.0.1:$SPORT/ >'$T/wrk' && ! grep -q 'Socket errors\|Non-2xx' '$T/wrk' && grep -q 'Requests/sec' '$T/wrk'"

# a bounded soak (bench-http.sh's BENCH_HTTP_SOAK=60 is the long one):
# wrk with 1,000 connections for 6 s, no errors, memory not growing
# between the 2nd and the 5th second (not checked under sanitizers:
# ASan's quarantine keeps freed memory resident)
ulimit -n 8192 2>/dev/null || true
case ${MSTUDIO_RUNTIME_SANITIZE:-} in ''|none) FLAT=1 ;; *) FLAT=0 ;; esac
ok "soak: wrk 1,000 connections 6 s, no errors, flat memory" bash -c "
  pid=\$(pgrep -f -x \"$H --port=$PORT\" | head -1)
  ( sleep 2; awk '/^VmRSS/ { print \$2 }' /proc/\$pid/status; sleep 3; awk '/^VmRSS/ { print \$2 }' /proc/\$pid/status ) >'$T/soak-rss' &
  wrk -t1 -c1000 -d6s --timeout 10s http://127.0.0.1:$PORT/ >'$T/soak' 2>&1
  wait
  cat '$T/soak' '$T/soak-rss'
  grep -q 'Requests/sec' '$T/soak' && ! grep -q 'Socket errors\\|Non-2xx' '$T/soak' &&
  { [ $FLAT = 0 ] || [ \$(sed -n 2p '$T/soak-rss') -le \$(( \$(sed -n 1p '$T/soak-rss') * 5 / 4 )) ]; }"

# cohttp_server and httpaf_server over conduit_direct: the same server,
# listening where the unikernel says (Mirage's `TCP port)
for dev in cohttp_server httpaf_server; do
  D=$T/$dev
  mkdir -p "$D"
  P=$D/$dev.mstudio
  "$M" new "$P" --name "$dev" >/dev/null && "$M" add "$P" default_network --as net >/dev/null \
    && "$M" add "$P" generic_stackv4v6 --as stack >/dev/null && "$M" connect "$P" net stack.net >/dev/null \
    && "$M" add "$P" conduit_direct --as cond >/dev/null && "$M" connect "$P" stack cond.stack >/dev/null \
    && "$M" add "$P" "$dev" --as web >/dev/null && "$M" connect "$P" cond web.conduit >/dev/null \
    && "$M" add "$P" main --as unikernel module=Unikernel.Make "signature=http @-> job" "args=port:int=8080:The port." >/dev/null \
    && "$M" connect "$P" web unikernel.1 >/dev/null && "$M" register "$P" --jobs unikernel >/dev/null
  cat >"$D/unikernel.c" <<'C'
#include "unikernel.h"
static int
hello (mirage_http_request *req, void *data)
{
  (void) data;
  return mirage_http_respond (req, 200, "text/plain", "conduit\n", 8);
}
int
unikernel_start (struct mirage_http_server *web, const struct unikernel_args *args)
{
  int r = mirage_http_server_listen (web, (int) args->port);
  return r < 0 ? r : mirage_http_serve (web, hello, NULL);
}
C
  ok "$dev over conduit_direct: builds" "$M" build "$P"
  CPORT=$(free_port)
  serve "$D/log" "$D/_build/$dev" --port="$CPORT"
  ok "$dev: listens on the port the unikernel gives" wait_port "$CPORT"
  ok "$dev: HTTP/1.1 and h2c answers" bash -c "curl -sS --max-time 5 http://127.0.0.1:$CPORT/ | grep -qx conduit && curl -sS --max-time 5 --http2-prior-knowledge http://127.0.0.1:$CPORT/ | grep -qx conduit"
done

# graphs without an HTTP device link no HTTP library
project noop noop
ok "noop: links no HTTP library" bash -c "'$M' build '$T/noop/noop.mstudio' >/dev/null && ! ldd '$T/noop/_build/noop' | grep -q -E 'http_parser|nghttp2' && ! nm '$T/noop/_build/noop' | grep -q http_parser"

tap_done
