#!/bin/bash
# bench-git.sh: cloning with the Git clients of the C runtime, next to
# `git clone` of the same repository in the same run.
#
# A repository of 1,000 commits and 5,000 files (git fast-import, about
# 4 MB of text) is served by git daemon (git://) and by git http-backend
# behind nginx and fcgiwrap (http://) on loopback. The git-client example
# (built with mstudio) clones it into its in-memory store and lists the
# files; `git clone` clones it to disk (tmpfs when TMPDIR is one). Each
# is run RUNS times (default 3) and the best time is kept; peak memory
# (maximum RSS) is GNU time's. Prints BENCH lines:
#   git_clone_daemon_s, git_clone_daemon_ratio (ours / git's),
#   git_clone_http_s, git_clone_http_ratio,
#   git_clone_peak_rss_kib and git_reference_peak_rss_kib (git://),
# and the references' own times (git_reference_daemon_s, ..._http_s);
# then shallow clones (depth 1: the tip's 5,000 files, one commit) by a
# unikernel that fetches with mirage_git_fetch (..., 1, ...), next to
# `git clone --depth 1`: git_shallow_daemon_s, git_shallow_reference_daemon_s,
# git_shallow_daemon_ratio, and the same for http.
# Run from a release build: MSTUDIO=build-release/app/mstudio bash runtime/bench/bench-git.sh
set -euo pipefail
M=${MSTUDIO:-build-release/app/mstudio}
export MSTUDIO_DATADIR=${MSTUDIO_DATADIR:-$(cd "$(dirname "$0")/../../data" && pwd)}
RUNS=${RUNS:-3}
T=$(mktemp -d)
. "$(dirname "$0")/../../tests/net-servers.sh"
cleanup () {
  # nginx runs with a master process here (user root): its pid file
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
  net_stop
  rm -rf "$T"
}
trap cleanup EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$T

# the repository: commit i adds files i*5 .. i*5+4 (and edits README)
mkdir -p "$T/srv"
git init -q --bare "$T/srv/big.git"
python3 - "$T/stream" <<'EOF'
import sys
out = open(sys.argv[1], "wb")
mark = 0
for i in range(1000):
    files = []
    for k in range(5):
        n = i * 5 + k
        body = ("file %d\n" % n + "".join("line %d of file %d: %s\n" % (j, n, "x" * (n % 50)) for j in range(8 + n % 17))).encode()
        files.append(("d%02d/f%05d.txt" % (n % 50, n), body))
    readme = ("commit %d\n" % i).encode()
    msg = ("commit %d\n" % i).encode()
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.org> %d +0000\n" % (1700000000 + i))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    for path, body in files + [("README", readme)]:
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
out.close()
EOF
git -C "$T/srv/big.git" fast-import --quiet < "$T/stream"
git -C "$T/srv/big.git" symbolic-ref HEAD refs/heads/main
git -C "$T/srv/big.git" gc -q
FILES=$(git -C "$T/srv/big.git" ls-tree -r --name-only main | wc -l)

GIT_PORT=$(free_port)
HTTP_PORT=$(free_port)
serve "$T/daemon.log" git daemon --reuseaddr --export-all --listen=127.0.0.1 --port="$GIT_PORT" \
  --base-path="$T/srv" "$T/srv"
# one process (no -c): preforked children would outlive the kill
serve "$T/fcgi.log" fcgiwrap -s "unix:$T/fcgi.sock"
mkdir -p "$T/nginx-tmp"
cat > "$T/nginx.conf" <<EOF
daemon off;
$( [ "$(id -u)" = 0 ] && echo 'user root;' )
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $T/nginx-tmp;
  fastcgi_temp_path $T/nginx-tmp;
  proxy_temp_path $T/nginx-tmp;
  uwsgi_temp_path $T/nginx-tmp;
  scgi_temp_path $T/nginx-tmp;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    location / {
      fastcgi_pass unix:$T/fcgi.sock;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $T/srv;
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
serve "$T/nginx.log" nginx -c "$T/nginx.conf" -e "$T/nginx-error.log"
wait_port "$GIT_PORT" "$HTTP_PORT"

# a unikernel with git_tcp and git_http (the git-client example's graph
# with git_http in place of git_ssh)
mkdir -p "$T/uk"
"$M" new "$T/uk/uk.mstudio" --name gitbench --example git-client >/dev/null
"$M" add "$T/uk/uk.mstudio" git_http --as web >/dev/null
"$M" connect "$T/uk/uk.mstudio" stack_tcp web.tcpv4v6 >/dev/null
"$M" connect "$T/uk/uk.mstudio" mimic_he web.mimic >/dev/null
"$M" connect "$T/uk/uk.mstudio" web git.a >/dev/null 2>&1   # replaces git_ssh
cp "$MSTUDIO_DATADIR/examples/git-client/unikernel.c" "$T/uk/"
"$M" build "$T/uk/uk.mstudio" >/dev/null
UK=$T/uk/_build/gitbench
# the same graph, its unikernel.c fetching with depth 1 (git-shallow.c)
mkdir -p "$T/uk1"
cp "$T/uk/uk.mstudio" "$T/uk1/uk.mstudio"
python3 - "$MSTUDIO_DATADIR/examples/git-client/unikernel.c" "$T/uk1/unikernel.c" <<'EOF'
import sys
src = open(sys.argv[1]).read()
helper = '''
static int
clone_depth1 (struct mirage_git_client *git, const char *url, mirage_kv_rw *kv, char oid[41], char **error)
{
  mirage_git_repo *r;
  int e = mirage_git_open (git, url, &r, error);
  if (e < 0)
    return e;
  e = mirage_git_fetch (r, NULL, 1, oid, error);
  if (e == 0)
    e = mirage_git_checkout (r, oid, kv, error);
  mirage_git_close (r);
  return e;
}

int
unikernel_start'''
src = src.replace("\nint\nunikernel_start", helper, 1)
call = "mirage_git_clone (git, args->remote, NULL, kv, oid, &error)"
assert call in src
src = src.replace(call, "clone_depth1 (git, args->remote, kv, oid, &error)")
open(sys.argv[2], "w").write(src)
EOF
"$M" build "$T/uk1/uk.mstudio" >/dev/null
UK1=$T/uk1/_build/gitbench

# best wall time of RUNS runs of "$@" (seconds), its peak RSS (KiB) in $T/rss
best () {
  local best_t= rss=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$T/clone"
    /usr/bin/time -f '%e %M' -o "$T/time" "$@" >"$T/out" 2>"$T/err" || { cat "$T/err" >&2; return 1; }
    read -r t m < "$T/time"
    if [ -z "$best_t" ] || python3 -c "import sys; sys.exit(0 if $t < $best_t else 1)"; then best_t=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$rss" > "$T/rss"
  echo "$best_t"
}

ours_git=$(best "$UK" --remote="git://127.0.0.1:$GIT_PORT/big.git")
grep -q -x "$FILES files" "$T/out" || { echo "the unikernel did not list $FILES files" >&2; exit 1; }
ours_rss=$(cat "$T/rss")
ref_git=$(best git clone -q "git://127.0.0.1:$GIT_PORT/big.git" "$T/clone")
ref_rss=$(cat "$T/rss")
ours_http=$(best "$UK" --remote="http://127.0.0.1:$HTTP_PORT/big.git")
ref_http=$(best git clone -q "http://127.0.0.1:$HTTP_PORT/big.git" "$T/clone")

ours_sh_git=$(best "$UK1" --remote="git://127.0.0.1:$GIT_PORT/big.git")
grep -q -x "$FILES files" "$T/out" || { echo "the shallow unikernel did not list $FILES files" >&2; exit 1; }
ref_sh_git=$(best git clone -q --depth 1 "git://127.0.0.1:$GIT_PORT/big.git" "$T/clone")
[ "$(git -C "$T/clone" rev-list --count HEAD)" = 1 ] || { echo "git clone --depth 1 is not shallow" >&2; exit 1; }
ours_sh_http=$(best "$UK1" --remote="http://127.0.0.1:$HTTP_PORT/big.git")
ref_sh_http=$(best git clone -q --depth 1 "http://127.0.0.1:$HTTP_PORT/big.git" "$T/clone")

ratio () { python3 -c "print('%.2f' % ($1 / $2))"; }
echo "BENCH git_clone_daemon_s $ours_git s"
echo "BENCH git_reference_daemon_s $ref_git s"
echo "BENCH git_clone_daemon_ratio $(ratio "$ours_git" "$ref_git") x"
echo "BENCH git_clone_http_s $ours_http s"
echo "BENCH git_reference_http_s $ref_http s"
echo "BENCH git_clone_http_ratio $(ratio "$ours_http" "$ref_http") x"
echo "BENCH git_clone_peak_rss_kib $ours_rss KiB"
echo "BENCH git_reference_peak_rss_kib $ref_rss KiB"
echo "BENCH git_shallow_daemon_s $ours_sh_git s"
echo "BENCH git_shallow_reference_daemon_s $ref_sh_git s"
echo "BENCH git_shallow_daemon_ratio $(ratio "$ours_sh_git" "$ref_sh_git") x"
echo "BENCH git_shallow_http_s $ours_sh_http s"
echo "BENCH git_shallow_reference_http_s $ref_sh_http s"
echo "BENCH git_shallow_http_ratio $(ratio "$ours_sh_http" "$ref_sh_http") x"
