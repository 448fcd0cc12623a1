#!/bin/bash
# cli-http.sh: the http-server example (paf_server) built with mstudio
# and run on loopback, talked to by curl and by raw sockets: HTTP/1.1
# keep-alive (one connection for several URLs), pipelining (requests
# written at once, answers in order), chunked upload, HEAD,
# Expect: 100-continue, ambiguous framing refused with 400 and a log
# line, --port moving the server, the same under -t sandbox, and the
# c-skeleton export serving as exported. Only
# graphs with an HTTP device link libhttp_parser. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
EX=$MSTUDIO_DATADIR/examples
T=$(mktemp -d)
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0

n=0
failed=0
ok () {
  local desc=$1; shift
  n=$((n + 1))
  if "$@" >"$T/out" 2>"$T/err"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    sed 's/^/# /' "$T/err" "$T/out" | head -30
    failed=$((failed + 1))
  fi
}
project () {
  mkdir -p "$T/$1" && "$M" new "$T/$1/$1.mstudio" --name "$1" --example "$2" >/dev/null \
    && cp -r "$EX/$2/." "$T/$1/" && rm -f "$T/$1/steps" "$T/$1/description"
}
free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port () {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
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
"$H" --port="$PORT" >"$T/server.log" 2>&1 &
PIDS="$PIDS $!"
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
"$T/http-server/_sandbox/http-server" --port="$SPORT" >"$T/sandbox.log" 2>&1 &
PIDS="$PIDS $!"
ok "http-server -t sandbox: listens" wait_port "$SPORT"
ok "http-server -t sandbox: keep-alive GETs, a chunked upload and a 400 under the filter" bash -c "curl -sS --max-time 5 http://127.0.0.1:$SPORT/a http://127.0.0.1:$SPORT/b | grep -c 'Hello World!' | grep -qx 2 && [ \"\$(curl -sS --max-time 10 -H 'Transfer-Encoding: chunked' --data-binary @'$T/upload' http://127.0.0.1:$SPORT/up)\" = 'received 300000 bytes' ] && printf 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab' | $RAW $SPORT | grep -q '^HTTP/1.1 400'"

# export --format c-skeleton: a handler that serves, built and run as is
mkdir -p "$T/skel"
"$M" new "$T/skel/skel.mstudio" --name skel --example http-server >/dev/null
ok "c-skeleton of http-server: exported" "$M" export "$T/skel/skel.mstudio" --format c-skeleton -o "$T/skel"
ok "c-skeleton: builds" "$M" build "$T/skel/skel.mstudio"
KPORT=$(free_port)
"$T/skel/_build/skel" --port="$KPORT" >/dev/null 2>&1 &
PIDS="$PIDS $!"
ok "c-skeleton: serves Hello World!" bash -c "wait_port () { for _ in \$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$KPORT) 2>/dev/null && return 0; sleep 0.05; done; return 1; }; wait_port && [ \"\$(curl -sS --max-time 5 http://127.0.0.1:$KPORT/)\" = 'Hello World!' ]"

# graphs without an HTTP device link no HTTP library
project noop noop
ok "noop: links no HTTP library" bash -c "'$M' build '$T/noop/noop.mstudio' >/dev/null && ! ldd '$T/noop/_build/noop' | grep -q -E 'http_parser|nghttp2' && ! nm '$T/noop/_build/noop' | grep -q http_parser"

echo "1..$n"
[ "$failed" -eq 0 ]
