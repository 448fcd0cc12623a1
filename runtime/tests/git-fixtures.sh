#!/bin/sh
# git-fixtures.sh DIR HTTP_PORT HTTPS_PORT SSH_PORT USER_PUBKEY_B64 PASSWORD
#
# Prepares real Git servers for runtime/tests/test-git.c in DIR (the test
# starts and stops them): a repository made with git (srv/repo.git,
# pushes allowed), a config for git daemon's base path, nginx in front of
# git http-backend through fcgiwrap (plain HTTP and TLS with a test CA
# made here with certtool), and OpenSSH's sshd with an ed25519 host key,
# the user key whose public half the test gives, and a password user.
# sshd runs in a mount namespace of its own (run-sshd.sh) where
# /etc/passwd and /etc/shadow are test copies: the host's users are
# never changed. Files the test reads: fp-host.txt (SHA256:... of the
# host key), auth-anchor.txt and auth-wrong.txt (TLS authenticators).
set -eu
D=$1 HTTP=$2 HTTPS=$3 SSHP=$4 PUB=$5 PASS=$6
cd "$D"
export GIT_CONFIG_NOSYSTEM=1 HOME="$D" GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
git config --global user.name Test
git config --global user.email test@example.org
git config --global init.defaultBranch main

# the repository: text, binary, empty, nested, names with spaces
mkdir -p work/src/lib "work/dir with space" work/data
printf '# test repository\n' > work/README.md
printf 'int main (void) { return 0; }\n' > work/src/main.c
printf '#define UTIL 1\n' > work/src/lib/util.h
printf 'a file\n' > "work/dir with space/file name.txt"
printf '\000\001\002\377binary\000' > work/data/bin.dat
: > work/data/empty
printf '#!/bin/sh\necho hi\n' > work/run.sh
chmod +x work/run.sh
git -C work init -q
git -C work add -A
git -C work commit -q -m 'first commit'
git -C work checkout -q -b dev
printf 'dev only\n' > work/dev.txt
git -C work add -A
git -C work commit -q -m 'on dev'
git -C work checkout -q main
mkdir -p srv
git clone -q --bare work srv/repo.git
git -C srv/repo.git config http.receivepack true
git -C srv/repo.git config daemon.receivepack true
git -C srv/repo.git config receive.denyCurrentBranch ignore
# a repository whose pack the test damages (malformed-pack case)
git clone -q --bare work srv/broken.git
chmod -R a+rwX srv
ln -s srv private

# TLS: a CA, a certificate for localhost and 127.0.0.1, another CA
cat > ca.tmpl <<EOF
cn = "git test CA"
ca
cert_signing_key
expiration_days = 30
EOF
cat > server.tmpl <<EOF
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key
encryption_key
expiration_days = 30
EOF
for ca in ca other; do
  certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile $ca.key 2>/dev/null
  certtool --generate-self-signed --load-privkey $ca.key --template ca.tmpl --outfile $ca.pem 2>/dev/null
done
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile server.key 2>/dev/null
certtool --generate-certificate --load-privkey server.key --load-ca-certificate ca.pem \
  --load-ca-privkey ca.key --template server.tmpl --outfile server.pem 2>/dev/null
printf 'trust-anchor:%s' "$(openssl x509 -in ca.pem -outform DER | base64 -w0)" > auth-anchor.txt
printf 'trust-anchor:%s' "$(openssl x509 -in other.pem -outform DER | base64 -w0)" > auth-wrong.txt

# nginx + fcgiwrap + git http-backend
mkdir -p nginx-tmp
cat > nginx.conf <<EOF
daemon off;
$( [ "$(id -u)" = 0 ] && echo 'user root;' )
worker_processes 1;
pid $D/nginx.pid;
error_log $D/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $D/nginx-tmp;
  fastcgi_temp_path $D/nginx-tmp;
  proxy_temp_path $D/nginx-tmp;
  uwsgi_temp_path $D/nginx-tmp;
  scgi_temp_path $D/nginx-tmp;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$HTTP;
    listen 127.0.0.1:$HTTPS ssl;
    ssl_certificate $D/server.pem;
    ssl_certificate_key $D/server.key;
    location / {
      fastcgi_pass unix:$D/fcgi.sock;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $D/srv;
      fastcgi_param GIT_HTTP_EXPORT_ALL 1;
      fastcgi_param REMOTE_USER test;
      fastcgi_param QUERY_STRING \$query_string;
      fastcgi_param REQUEST_METHOD \$request_method;
      fastcgi_param CONTENT_TYPE \$content_type;
      fastcgi_param CONTENT_LENGTH \$content_length;
      fastcgi_param PATH_INFO \$uri;
    }
    # only with the header X-Test: yes (the --http-headers case)
    location /private/ {
      if (\$http_x_test != "yes") { return 403; }
      fastcgi_pass unix:$D/fcgi.sock;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $D;
      fastcgi_param GIT_HTTP_EXPORT_ALL 1;
      fastcgi_param QUERY_STRING \$query_string;
      fastcgi_param REQUEST_METHOD \$request_method;
      fastcgi_param CONTENT_TYPE \$content_type;
      fastcgi_param CONTENT_LENGTH \$content_length;
      fastcgi_param PATH_INFO \$uri;
    }
  }
}
EOF

# sshd: host key, the test's user key, a password user (uid 0 in the
# namespace's own passwd, home DIR), its own config
ssh-keygen -q -t ed25519 -N '' -C host -f ssh_host_ed25519_key
ssh-keygen -lf ssh_host_ed25519_key.pub | cut -d' ' -f2 > fp-host.txt
printf 'ssh-ed25519 %s test\n' "$PUB" > authorized_keys
chmod 600 authorized_keys ssh_host_ed25519_key
grep -v '^gituser:' /etc/passwd > passwd
printf 'gituser:x:0:0:git test:%s:/bin/sh\n' "$D" >> passwd
printf 'gituser:%s:19000:0:99999:7:::\n' "$(openssl passwd -6 "$PASS")" > shadow
grep -v '^gituser:' /etc/shadow >> shadow 2>/dev/null || true
cat > sshd_config <<EOF
Port $SSHP
ListenAddress 127.0.0.1
HostKey $D/ssh_host_ed25519_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
StrictModes no
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
LogLevel VERBOSE
EOF
cat > run-sshd.sh <<EOF
#!/bin/sh
set -e
mount --bind $D/passwd /etc/passwd
mount --bind $D/shadow /etc/shadow
mount -t tmpfs none /run
mkdir -p /run/sshd
exec /usr/sbin/sshd -D -e -f $D/sshd_config
EOF
chmod +x run-sshd.sh
