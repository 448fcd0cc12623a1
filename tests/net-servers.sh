# net-servers.sh: real servers on loopback for the tests/cli-*.sh scripts
# (nginx, unbound, gnutls-serv, git daemon, sshd, the unikernels
# themselves, a syslog receiver): free ports, a test CA made with
# certtool, starting a server in the background, waiting until it
# listens, and stopping every one of them when the script ends.
# Sourced, not run: . "$(dirname "$0")/net-servers.sh"
#
# The caller owns the scratch directory and the exit trap, typically
#   trap 'net_stop; rm -rf "$T"' EXIT
# (tests/cli-env.sh does this). Also sourced by runtime/bench/*.sh, which
# run under set -e: nothing here fails but what should.

NET_PIDS=

# serve LOG CMD...: CMD in the background, stdout and stderr in LOG,
# stopped by net_stop; its pid is $! afterwards
serve () {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  NET_PIDS="$NET_PIDS $!"
}

# net_stop: SIGTERM to every server, SIGKILL to those still there after
# a second (nginx without a master process may take its time), reaped
net_stop () {
  local p alive
  [ -n "$NET_PIDS" ] || return 0
  for p in $NET_PIDS; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 10); do
    alive=
    for p in $NET_PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in $NET_PIDS; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  NET_PIDS=
}

# free_port: a TCP port of 127.0.0.1 nobody listens on now
free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port [HOST:]PORT...: until each accepts connections (HOST is
# 127.0.0.1 unless given), at most 10 s each; fails naming the first
# that does not
wait_port () {
  local a host port
  for a in "$@"; do
    case $a in *:*) host=${a%:*} port=${a##*:} ;; *) host=127.0.0.1 port=$a ;; esac
    for _ in $(seq 200); do
      (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && continue 2
      sleep 0.05
    done
    echo "nothing listens on $host:$port" >&2
    return 1
  done
}

# wait_file FILE: until FILE exists, at most 10 s
wait_file () {
  for _ in $(seq 200); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  return 1
}

# test_ca DIR NAME: a certificate authority for the run, DIR/ca.key and
# DIR/ca.pem (ECDSA P-256, valid for 30 days)
test_ca () {
  printf 'cn = "%s"\nca\ncert_signing_key\nexpiration_days = 30\n' "$2" >"$1/ca.tmpl"
  certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$1/ca.key" 2>/dev/null \
    && certtool --generate-self-signed --load-privkey "$1/ca.key" --template "$1/ca.tmpl" \
         --outfile "$1/ca.pem" 2>/dev/null
}

# test_cert DIR KEY PEM CN [NAME...]: a TLS server key and certificate
# signed by DIR's test CA, for CN and each NAME (a DNS name, or an IPv4
# address); its template is left in DIR
test_cert () {
  local dir=$1 key=$2 pem=$3 cn=$4 name tmpl; shift 4
  tmpl=$dir/$(basename "$pem").tmpl
  {
    printf 'cn = "%s"\n' "$cn"
    for name in "$@"; do
      case $name in
        *[!0-9.]*) printf 'dns_name = "%s"\n' "$name" ;;
        *) printf 'ip_address = "%s"\n' "$name" ;;
      esac
    done
    printf 'tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 30\n'
  } >"$tmpl"
  certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$key" 2>/dev/null \
    && certtool --generate-certificate --load-privkey "$key" --load-ca-certificate "$dir/ca.pem" \
         --load-ca-privkey "$dir/ca.key" --template "$tmpl" --outfile "$pem" 2>/dev/null
}

# cert_base64 PEM: the certificate's DER in base64, on one line (what a
# trust-anchor: authenticator takes)
cert_base64 () {
  certtool --certificate-info --infile "$1" --outder 2>/dev/null | base64 -w0
}

# start_unbound DIR ADDR PORT RECORD...: unbound in the foreground (no
# root hints, no cache of the world) answering for the zone test. with
# the RECORDs (its local-data, "a.test. 300 IN A 192.0.2.1"); its
# configuration and log in DIR
start_unbound () {
  local dir=$1 addr=$2 port=$3 rr; shift 3
  {
    cat <<EOF
server:
  interface: $addr@$port
  port: $port
  do-daemonize: no
  use-syslog: no
  chroot: ""
  username: ""
  directory: "$dir"
  pidfile: ""
  logfile: ""
  num-threads: 1
  do-ip6: no
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  local-zone: "test." static
  local-data: "test. 10 IN SOA ns.test. admin.test. 1 3600 600 86400 60"
EOF
    for rr in "$@"; do printf '  local-data: "%s"\n' "$rr"; done
    printf 'remote-control:\n  control-enable: no\n'
  } >"$dir/unbound.conf"
  serve "$dir/unbound.log" unbound -d -c "$dir/unbound.conf"
}

# start_syslog_receiver PORT FILE COUNT: receives COUNT datagrams on
# 127.0.0.1:PORT (UDP) into FILE, one a line, then exits (15 s at most
# for each); returns once it is bound. Its pid is $! afterwards.
start_syslog_receiver () {
  rm -f "$2.ready"
  serve "$2.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(15)
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "wb") as out:
    for _ in range(int(sys.argv[3])):
        out.write(s.recv(65536) + b"\n")
        out.flush()
' "$@"
  wait_file "$2.ready"
}

# start_nginx DIR CONNS: nginx in the foreground, one worker with CONNS
# connections, no master process, its files in DIR; standard input is
# the inside of the http { } block (its server blocks)
start_nginx () {
  local dir=$1 conns=$2
  {
    cat <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/error.log;
pid $dir/nginx.pid;
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  fastcgi_temp_path $dir;
  uwsgi_temp_path $dir;
  scgi_temp_path $dir;
EOF
    cat
    echo "}"
  } >"$dir/nginx.conf"
  serve "$dir/nginx.stderr" "${NGINX:-/usr/sbin/nginx}" -p "$dir" -c "$dir/nginx.conf"
}

# log_port LOG: the port a server started with --port=0 says it listens
# on ("listening on port N" in LOG), printed once it is there (5 s at most)
log_port () {
  local port
  for _ in $(seq 50); do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1")
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  return 1
}
