#!/bin/bash
# cli-net.sh: the network examples built with mstudio and run against
# real servers this script starts on loopback: unbound (local-data, no
# root hints) for dns-lookup, and gnutls-serv with a test CA (made with
# certtool) for tls-fetch, which finds it by name through the DNS client
# and happy eyeballs. Also: only these graphs link ldns and GnuTLS, a
# bad --dns-servers or authenticator is refused naming it, and a wrong
# authenticator ends tls-fetch with the reason. docs/build.md.
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"

# a test CA and a certificate for tls.test
test_ca "$T" "cli-net test CA" && test_cert "$T" "$T/srv.key" "$T/srv.pem" tls.test tls.test
ANCHOR=$(cert_base64 "$T/ca.pem")
ok "certtool made a test CA and a server certificate" test -s "$T/srv.pem" -a -n "$ANCHOR"

# unbound
DNS_PORT=$(free_port)
start_unbound "$T" 127.0.0.1 "$DNS_PORT" "a.test. 300 IN A 192.0.2.1" "a.test. 300 IN MX 10 mail.test." \
  "tls.test. 300 IN A 127.0.0.1"
ok "unbound runs on 127.0.0.1:$DNS_PORT" wait_port "$DNS_PORT"

# dns-lookup
project dns-lookup dns-lookup
ok "dns-lookup: build" "$M" build "$T/dns-lookup/dns-lookup.mstudio"
D=$T/dns-lookup/_build/dns-lookup
ok "dns-lookup: A over UDP" bash -c "'$D' --dns_servers=udp:127.0.0.1:$DNS_PORT --names=a.test | grep -q -F 'a.test. 300 A 192.0.2.1'"
ok "dns-lookup: MX over TCP" bash -c "'$D' --dns_servers=tcp:127.0.0.1:$DNS_PORT --names=a.test --rrtype=MX | grep -q -F 'a.test. 300 MX 10 mail.test.'"
expect 255 "nx.test A: no such domain (NXDOMAIN)" "dns-lookup: NXDOMAIN is reported, exit 255" \
  "$D" --dns_servers=udp:127.0.0.1:$DNS_PORT --names=a.test,nx.test
expect 255 "dns servers: nameserver 1 ('sctp:127.0.0.1'): unknown protocol 'sctp'" \
  "dns-lookup: a bad --dns-servers is refused naming it" "$D" --dns_servers=sctp:127.0.0.1 --names=a.test
ok "dns-lookup: --help shows the DNS flags" bash -c "'$D' --help >/dev/null; [ \$? -eq 63 ] && '$D' --help | grep -q -- '--dns_servers' && '$D' --help | grep -q -- '--dns_timeout'"
ok "dns-lookup: links ldns and GnuTLS" bash -c "ldd '$D' | grep -q libldns && ldd '$D' | grep -q libgnutls"

# tls-fetch, through the DNS client and happy eyeballs
TLS_PORT=$(free_port)
serve "$T/serv.log" gnutls-serv -q --http -p "$TLS_PORT" --x509certfile "$T/srv.pem" --x509keyfile "$T/srv.key"
ok "gnutls-serv runs on 127.0.0.1:$TLS_PORT" wait_port "$TLS_PORT"
project tls-fetch tls-fetch
ok "tls-fetch: build" "$M" build "$T/tls-fetch/tls-fetch.mstudio"
F=$T/tls-fetch/_build/tls-fetch
COMMON="--dns_servers=udp:127.0.0.1:$DNS_PORT --host=tls.test --port=$TLS_PORT"
ok "tls-fetch: the right trust anchor: subject and answer" bash -c "'$F' $COMMON --authenticator=trust-anchor:$ANCHOR >'$T/f.out' && grep -q 'subject: CN=tls.test' '$T/f.out' && grep -q 'answer: .' '$T/f.out'"
expect 255 "is refused (system trust store)" "tls-fetch: the system trust store refuses the test CA" "$F" $COMMON
expect 255 "the server's SHA256 key fingerprint is" "tls-fetch: a wrong key fingerprint is refused, naming both" \
  "$F" $COMMON --authenticator=key-fp:SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
expect 255 "--authenticator: invalid TLS authenticator" "tls-fetch: a malformed authenticator is refused" \
  "$F" $COMMON --authenticator=key-fp:md4:AA
ok "tls-fetch: none accepts it" bash -c "'$F' $COMMON --authenticator=none | grep -q 'subject: CN=tls.test'"
ok "tls-fetch -t sandbox: TLS (a trust anchor) under the seccomp filter" bash -c "'$M' build '$T/tls-fetch/tls-fetch.mstudio' -t sandbox -o '$T/tls-fetch/_sandbox' >/dev/null && '$T/tls-fetch/_sandbox/tls-fetch' $COMMON --authenticator=trust-anchor:$ANCHOR | grep -q 'subject: CN=tls.test'"

# -t sandbox: the DNS client works under its seccomp filter, and a
# DNS-only unikernel can neither execve nor open files after start
SIGSYS_STATUS=$((128 + 31))
ok "dns-lookup -t sandbox: a lookup over UDP and over TCP" bash -c "'$M' build '$T/dns-lookup/dns-lookup.mstudio' -t sandbox -o '$T/dns-lookup/_sandbox' >/dev/null && '$T/dns-lookup/_sandbox/dns-lookup' --dns_servers=udp:127.0.0.1:$DNS_PORT --names=a.test | grep -q -F '192.0.2.1' && '$T/dns-lookup/_sandbox/dns-lookup' --dns_servers=tcp:127.0.0.1:$DNS_PORT --names=a.test --rrtype=MX | grep -q -F 'mail.test.'"
project dnsexec dns-lookup
cat > "$T/dnsexec/unikernel.c" <<'C'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unikernel.h"
int
unikernel_start (struct mirage_dns_client *dns, const struct unikernel_args *args)
{
  mirage_ipaddr a[4];
  size_t n;
  int r = mirage_dns_gethostbyname (dns, "a.test", a, 4, &n);
  printf ("lookup %d\n", r);
  fflush (stdout);
  if (args->rrtype[0] == 'x') {
    char *argv[] = { "/bin/true", NULL };
    execv ("/bin/true", argv);
    return -EIO;
  }
  int fd = open ("/etc/passwd", O_RDONLY);
  printf ("open %s\n", fd >= 0 ? "succeeded" : strerror (errno));
  return 0;
}
C
run_status () { "$@" >"$T/st.out" 2>&1; echo $? >"$T/st.rc"; }
run_status "$M" run "$T/dnsexec/dnsexec.mstudio" -t sandbox -o "$T/dnsexec/_sandbox" -- --dns_servers=udp:127.0.0.1:$DNS_PORT --rrtype=x
ok "DNS-only unikernel under -t sandbox: the lookup works, then execve is killed (SIGSYS)" bash -c "grep -q 'lookup 0' '$T/st.out' && [ \$(cat '$T/st.rc') -eq $SIGSYS_STATUS ]"
# the DNS client's profile allows read-only opens (the unikernel's own
# TLS configuration may load the system trust store), Landlock only of
# its host files (tests/cli-net-sandbox.sh): /etc/passwd is refused
run_status "$M" run "$T/dnsexec/dnsexec.mstudio" -t sandbox -o "$T/dnsexec/_sandbox" -- --dns_servers=udp:127.0.0.1:$DNS_PORT --rrtype=A
ok "DNS-only unikernel under -t sandbox: open(/etc/passwd) after the lookup is refused (Landlock, EACCES)" bash -c "grep -q 'lookup 0' '$T/st.out' && grep -q 'open Permission denied' '$T/st.out'"
ok "... and both run under -t unix" bash -c "'$M' run '$T/dnsexec/dnsexec.mstudio' -o '$T/dnsexec/_unix' -- --dns_servers=udp:127.0.0.1:$DNS_PORT --rrtype=A | grep -q 'lookup 0'"

# syslog: hello, also sent over UDP to a receiver on loopback
project syslog syslog
ok "syslog: build" "$M" build "$T/syslog/syslog.mstudio"
SYSLOG_PORT=$(free_port)
start_syslog_receiver "$SYSLOG_PORT" "$T/syslog.rx" 4
RX=$!
ok "syslog: runs with --syslog and --syslog-port" "$T/syslog/_build/syslog" --syslog=127.0.0.1 --syslog-port="$SYSLOG_PORT"
wait "$RX"
ok "syslog: the receiver got the 4 lines, as logs-syslog formats them" bash -c "[ \$(grep -c -E '^<30>[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} syslog application Hello World!\$' '$T/syslog.rx') -eq 4 ]"
expect 0 "no syslog server specified, dumping logs to stdout" "syslog: without --syslog, a warning and the console" "$T/syslog/_build/syslog"

# graphs without these devices link neither library
project noop noop
ok "noop: links neither ldns nor GnuTLS" bash -c "'$M' build '$T/noop/noop.mstudio' >/dev/null && ! ldd '$T/noop/_build/noop' | grep -q -E 'ldns|gnutls'"

tap_done
