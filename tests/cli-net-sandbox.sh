#!/bin/bash
# cli-net-sandbox.sh: the network examples under -t sandbox with their
# DEFAULTS, which read fixed host files: dns-lookup without
# --dns_servers (the nameservers of /etc/resolv.conf), tls-fetch without
# --authenticator (the system trust store, loaded by the unikernel after
# start) nor --dns_servers, syslog to its default port, and a graph with
# resolver_unix_system (/etc/hosts). Landlock grants each device's
# profile exactly its files (mirage/sandbox.h host_files), read-only:
# a DNS-only unikernel reads resolv.conf and the trust store but not
# /etc/passwd nor /etc/hosts nor the directory /etc/ssl/certs, cannot
# open for writing, and cannot exec. docs/build.md, "The sandbox target".
#
# So that the defaults point at test servers, the script re-runs itself
# in new mount and network namespaces (unshare -mn, as root): its own
# loopback, where unbound answers on 127.0.0.2:53 and a syslog receiver
# listens on port 514, and bind mounts over /etc/resolv.conf, /etc/hosts
# and the trust store (a test CA). Skipped where unshare is refused.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
M=${MSTUDIO:?set MSTUDIO to the mstudio binary}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(dirname "$0")/../data}
TRUST_STORE=/etc/ssl/certs/ca-certificates.crt

if [ -z "${MS_NET_SANDBOX_NS:-}" ]; then
  if ! unshare -mn true 2>/dev/null || [ ! -f "$TRUST_STORE" ] || [ ! -f /etc/resolv.conf ] \
     || [ ! -f /etc/hosts ]; then
    echo "1..0 # SKIP needs unshare -mn (root) and the host files to cover"
    exit 0
  fi
  MS_NET_SANDBOX_NS=1 exec unshare -mn bash "$0" "$@"
fi

. "$(dirname "$0")/cli-env.sh"
SIGSYS_STATUS=$((128 + 31))

# the namespace: loopback up, the host files replaced for this script only
ip link set lo up
test_ca "$T" "cli-net-sandbox test CA" && test_cert "$T" "$T/srv.key" "$T/srv.pem" tls.test tls.test
printf 'nameserver 127.0.0.2\n' >"$T/resolv.conf"
printf '127.0.0.1 localhost\n192.0.2.77 hosts-only.test\n' >"$T/hosts"
ok "namespace: the test CA is the trust store, resolv.conf names 127.0.0.2, /etc/hosts has hosts-only.test" \
  bash -c "mount --bind '$T/ca.pem' '$TRUST_STORE' && mount --bind '$T/resolv.conf' /etc/resolv.conf \
           && mount --bind '$T/hosts' /etc/hosts && grep -q 127.0.0.2 /etc/resolv.conf"

start_unbound "$T" 127.0.0.2 53 "a.test. 300 IN A 192.0.2.1" "tls.test. 300 IN A 127.0.0.1"
ok "unbound runs on 127.0.0.2:53" wait_port 127.0.0.2:53

# dns-lookup: no --dns_servers
project dns-lookup dns-lookup
ok "dns-lookup -t sandbox, defaults: the nameserver of /etc/resolv.conf answers" \
  bash -c "'$M' build '$T/dns-lookup/dns-lookup.mstudio' -t sandbox -o '$T/dns-lookup/_sandbox' >/dev/null \
           && '$T/dns-lookup/_sandbox/dns-lookup' --names=a.test | grep -q -F 'a.test. 300 A 192.0.2.1'"

# tls-fetch: no --authenticator (the system trust store, read after
# start by the unikernel's own configuration), no --dns_servers
serve "$T/serv.log" gnutls-serv -q --http -p 443 --x509certfile "$T/srv.pem" --x509keyfile "$T/srv.key"
ok "gnutls-serv runs on 127.0.0.1:443" wait_port 443
project tls-fetch tls-fetch
ok "tls-fetch -t sandbox, defaults: the system trust store (the test CA) and resolv.conf" \
  bash -c "'$M' build '$T/tls-fetch/tls-fetch.mstudio' -t sandbox -o '$T/tls-fetch/_sandbox' >/dev/null \
           && '$T/tls-fetch/_sandbox/tls-fetch' --host=tls.test >'$T/f.out' && grep -q 'subject: CN=tls.test' '$T/f.out' \
           && grep -q 'answer: .' '$T/f.out'"

# syslog: to the default port, 514
start_syslog_receiver 514 "$T/syslog.rx" 4
RX=$!
project syslog syslog
ok "syslog -t sandbox: runs with --syslog only (port 514)" \
  bash -c "'$M' build '$T/syslog/syslog.mstudio' -t sandbox -o '$T/syslog/_sandbox' >/dev/null \
           && '$T/syslog/_sandbox/syslog' --syslog=127.0.0.1"
wait "$RX"
ok "syslog -t sandbox: the receiver got the 4 lines" \
  bash -c "[ \$(grep -c 'syslog application Hello World!' '$T/syslog.rx') -eq 4 ]"
ok "syslog -t sandbox: without --syslog, the console" \
  bash -c "'$T/syslog/_sandbox/syslog' 2>&1 | grep -q 'no syslog server specified'"

# resolver_unix_system: /etc/hosts, then the nameservers of resolv.conf
mkdir -p "$T/rs"
cat >"$T/rs/config.ml" <<'ML'
open Mirage
let res = resolver_unix_system
let unikernel = main "Unikernel.Make" (resolver @-> job) $ res
let () = register "rs" [ unikernel ]
ML
cat >"$T/rs/unikernel.c" <<'C'
#include <stdio.h>
#include "unikernel.h"
int
unikernel_start (struct mirage_resolver *res)
{
  const char *names[] = { "hosts-only.test", "a.test" };
  for (int i = 0; i < 2; i++) {
    mirage_ipaddr a[4];
    size_t n = 0;
    char text[64];
    int r = mirage_resolve (res, names[i], a, 4, &n);
    if (r < 0 || n == 0)
      return r < 0 ? r : -1;
    mirage_ipaddr_to_string (&a[0], text);
    printf ("%s %s\n", names[i], text);
  }
  return 0;
}
C
ok "resolver_unix_system -t sandbox: /etc/hosts, then resolv.conf's nameserver" \
  bash -c "cd '$T/rs' && '$M' import config.ml -o rs.mstudio >/dev/null && '$M' build rs.mstudio -t sandbox -o _sandbox >/dev/null \
           && _sandbox/rs >'$T/rs.out' && grep -q '^hosts-only.test 192.0.2.77\$' '$T/rs.out' && grep -q '^a.test 192.0.2.1\$' '$T/rs.out'"

# what a DNS-only unikernel may read after start: exactly its files
project dnsread dns-lookup
cat >"$T/dnsread/unikernel.c" <<'C'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "unikernel.h"
static void
try (const char *path, int flags)
{
  int fd = open (path, flags);
  char c;
  if (fd >= 0 && read (fd, &c, 1) == 1)
    printf ("%s: read\n", path);
  else
    printf ("%s: %s\n", path, fd >= 0 ? "empty" : strerror (errno));
  fflush (stdout);
  if (fd >= 0)
    close (fd);
}
int
unikernel_start (struct mirage_dns_client *dns, const struct unikernel_args *args)
{
  mirage_ipaddr a[4];
  size_t n;
  printf ("lookup %d\n", mirage_dns_gethostbyname (dns, "a.test", a, 4, &n));
  try ("/etc/resolv.conf", O_RDONLY);
  try ("/etc/ssl/certs/ca-certificates.crt", O_RDONLY);
  try ("/etc/passwd", O_RDONLY);
  try ("/etc/hosts", O_RDONLY);
  try ("/etc/ssl/certs", O_RDONLY | O_DIRECTORY);
  if (args->rrtype[0] == 'w')
    try ("/etc/resolv.conf", O_WRONLY);
  if (args->rrtype[0] == 'x') {
    char *argv[] = { "/bin/true", NULL };
    execv ("/bin/true", argv);
    printf ("execv: %s\n", strerror (errno));
    fflush (stdout);
  }
  return 0;
}
C
run_status () { "$@" >"$T/st.out" 2>&1; echo $? >"$T/st.rc"; }
run_status "$M" run "$T/dnsread/dnsread.mstudio" -t sandbox -o "$T/dnsread/_sandbox" -- --rrtype=A
ok "DNS-only unikernel, defaults: the lookup works, exit 0" \
  bash -c "grep -q 'lookup 0' '$T/st.out' && [ \$(cat '$T/st.rc') -eq 0 ]"
ok "... it reads /etc/resolv.conf and the trust store (read-only)" \
  bash -c "grep -q '^/etc/resolv.conf: read' '$T/st.out' && grep -q '^$TRUST_STORE: read' '$T/st.out'"
ok "... but not /etc/passwd, /etc/hosts (resolver_unix_system's) nor the directory /etc/ssl/certs" \
  bash -c "grep -q '^/etc/passwd: Permission denied' '$T/st.out' && grep -q '^/etc/hosts: Permission denied' '$T/st.out' \
           && grep -q '^/etc/ssl/certs: Permission denied' '$T/st.out'"
case ${MSTUDIO_RUNTIME_SANITIZE:-} in
  *address*)
    # a sanitized runtime allows any openat (its run time's): Landlock refuses the write
    run_status "$T/dnsread/_sandbox/dnsread" --rrtype=w
    ok "... opening /etc/resolv.conf for writing is refused (Landlock, EACCES)" \
      bash -c "[ \$(grep -c '^/etc/resolv.conf: Permission denied' '$T/st.out') -eq 1 ] && [ \$(cat '$T/st.rc') -eq 0 ]" ;;
  *)
    run_status "$T/dnsread/_sandbox/dnsread" --rrtype=w
    ok "... opening /etc/resolv.conf for writing is killed (SIGSYS)" \
      bash -c "grep -q '^/etc/ssl/certs: ' '$T/st.out' && [ \$(grep -c '^/etc/resolv.conf: ' '$T/st.out') -eq 1 ] \
               && [ \$(cat '$T/st.rc') -eq $SIGSYS_STATUS ]" ;;
esac
run_status "$T/dnsread/_sandbox/dnsread" --rrtype=x
ok "... and execve is killed (SIGSYS)" bash -c "! grep -q '^execv' '$T/st.out' && [ \$(cat '$T/st.rc') -eq $SIGSYS_STATUS ]"

# describe --sandbox names exactly these files, per device
"$M" describe "$T/dns-lookup/dns-lookup.mstudio" --sandbox >"$T/describe" 2>&1
ok "describe --sandbox (dns-lookup): the host files are resolv.conf, the trust store, GnuTLS's config" \
  bash -c "[ \"\$(grep -o 'Landlock on /[^:]*: read this one file' '$T/describe' | sort -u | tr '\n' ' ')\" = \
            'Landlock on /etc/gnutls/config: read this one file Landlock on /etc/resolv.conf: read this one file Landlock on $TRUST_STORE: read this one file ' ]"
project noop noop
ok "describe --sandbox (noop): no host file" \
  bash -c "'$M' describe '$T/noop/noop.mstudio' --sandbox >'$T/d2' && ! grep -q 'read this one file' '$T/d2'"

tap_done
