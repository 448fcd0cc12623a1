#!/bin/bash
# cli-git-http.sh: git_http in a unikernel built with mstudio, plain and
# under -t sandbox, against git http-backend behind nginx and fcgiwrap
# (http:// and https:// with a test CA; runtime/tests/git-fixtures.sh
# prepares them): the git-client example's unikernel.c over a graph
# whose merge_git_clients holds git_http and git_tcp (imported from a
# config.ml). The listing must be git ls-tree's; a TLS authenticator of
# another CA is refused with the reason, also in the sandbox. The
# sandbox's seccomp filter must allow what git_http needs (the trust
# store, TLS) and nothing the cases would trip on.
# docs/build.md, "Git clients".
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
. "$(dirname "$0")/cli-env.sh"
FIXTURES=$(cd "$(dirname "$0")/../runtime/tests" && pwd)/git-fixtures.sh

HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
mkdir -p "$T/fx"
ok "fixtures: a repository made with git, nginx's config, a test CA" \
  sh "$FIXTURES" "$T/fx" "$HTTP_PORT" "$HTTPS_PORT" 1 AAAAC3NzaC1lZDI1NTE5AAAAIA unused
serve "$T/fcgiwrap.log" fcgiwrap -s "unix:$T/fx/fcgi.sock"
serve "$T/nginx.log" nginx -c "$T/fx/nginx.conf" -e "$T/fx/nginx-error.log"
ok "nginx listens (http and https)" wait_port "$HTTP_PORT" "$HTTPS_PORT"

# the git-client graph with git_http in place of git_ssh
mkdir -p "$T/gh"
sed -e 's/^let ssh = git_ssh stack_tcp mimic_he$/let ghttp = git_http stack_tcp mimic_he/' \
    -e 's/^let git = merge_git_clients ssh git_plain$/let git = merge_git_clients ghttp git_plain/' \
    "$EX/git-client/config.ml" > "$T/gh/config.ml"
ok "git-http: the graph (git_http + git_tcp) imported from config.ml" bash -c "
  grep -q 'git_http stack_tcp' '$T/gh/config.ml' && grep -q 'merge_git_clients ghttp' '$T/gh/config.ml' &&
  '$M' import '$T/gh/config.ml' -o '$T/gh/git-http.mstudio' >/dev/null && cp '$EX/git-client/unikernel.c' '$T/gh/'"
ok "git-http: build" "$M" build "$T/gh/git-http.mstudio"
ok "git-http: -t sandbox build" "$M" build "$T/gh/git-http.mstudio" -t sandbox -o "$T/gh/_sandbox"
G=$T/gh/_build/git-client
GS=$T/gh/_sandbox/git-client
[ -x "$G" ] || G=$(ls "$T"/gh/_build/* 2>/dev/null | head -1)
[ -x "$GS" ] || GS=$(ls "$T"/gh/_sandbox/* 2>/dev/null | head -1)

ok "-t sandbox: a launcher and its confined unikernel" bash -c "
  [ -x '$GS' ] && [ -x '$GS.unikernel' ] && '$M' describe '$T/gh/git-http.mstudio' --sandbox | grep -q 'git_http'"
git -C "$T/fx/srv/repo.git" ls-tree -r -l main | awk '{ printf "%10d  %s\n", $4, substr($0, index($0, "\t") + 1) }' | sort > "$T/want-main"
MAIN=$(git -C "$T/fx/srv/repo.git" rev-parse main)
ANCHOR=$(cat "$T/fx/auth-anchor.txt")
WRONG=$(cat "$T/fx/auth-wrong.txt")
mkdir -p "$T/tmp"
same () {   # $1: the unikernel's output
  grep -q -x "commit $MAIN" "$1" && diff <(grep -E '^ {0,9}[0-9]+  ' "$1" | sort) "$T/want-main"
}
for kind in plain sandbox; do
  B=$G
  [ "$kind" = sandbox ] && B=$GS
  ok "$kind: http:// clone, every file with git's sizes" bash -c "
    $(declare -f same); MAIN=$MAIN T='$T';
    TMPDIR='$T/tmp' '$B' --remote=http://127.0.0.1:$HTTP_PORT/repo.git > '$T/$kind-h.out' && same '$T/$kind-h.out'"
  ok "$kind: https:// with the test CA's trust anchor, every file" bash -c "
    $(declare -f same); MAIN=$MAIN T='$T';
    TMPDIR='$T/tmp' '$B' --remote=https://127.0.0.1:$HTTPS_PORT/repo.git --tls-authenticator='$ANCHOR' > '$T/$kind-s.out' &&
    same '$T/$kind-s.out'"
  ok "$kind: http:// #dev, the branch's own file" bash -c "
    TMPDIR='$T/tmp' '$B' --remote='http://127.0.0.1:$HTTP_PORT/repo.git#dev' | grep -q ' dev.txt\$'"
  expect 255 "TLS" "$kind: https:// with another CA is refused, saying TLS" \
    env TMPDIR="$T/tmp" "$B" --remote="https://127.0.0.1:$HTTPS_PORT/repo.git" --tls-authenticator="$WRONG"
  expect 255 "403" "$kind: a 403 from the server is reported" \
    env TMPDIR="$T/tmp" "$B" --remote="http://127.0.0.1:$HTTP_PORT/private/repo.git"
done
# a depth-1 fetch (git-shallow.c: its own HTTP requests, the shallow
# file) in the same graph, plain and sandboxed
mkdir -p "$T/gd"
cp "$T/gh/git-http.mstudio" "$T/gd/git-depth.mstudio"
python3 - "$EX/git-client/unikernel.c" "$T/gd/unikernel.c" <<'EOF'
import sys
src = open(sys.argv[1]).read()
helper = """
static int
clone_depth1 (struct mirage_git_client *git, const char *url, mirage_kv_rw *kv, char oid[41], char **error)
{
  mirage_git_repo *r;
  size_t n = 0;
  int e = mirage_git_open (git, url, &r, error);
  if (e < 0)
    return e;
  e = mirage_git_fetch (r, NULL, 1, oid, error);
  if (e == 0 && (e = mirage_git_shallow (r, NULL, &n)) == 0)
    printf ("shallow %zu\\n", n);
  if (e == 0)
    e = mirage_git_checkout (r, oid, kv, error);
  mirage_git_close (r);
  return e;
}

int
unikernel_start"""
src = src.replace("\nint\nunikernel_start", helper, 1)
call = "mirage_git_clone (git, args->remote, NULL, kv, oid, &error)"
assert call in src
src = src.replace(call, "clone_depth1 (git, args->remote, kv, oid, &error)")
open(sys.argv[2], "w").write(src)
EOF
ok "depth 1: build, plain and -t sandbox" bash -c "
  '$M' build '$T/gd/git-depth.mstudio' >/dev/null && '$M' build '$T/gd/git-depth.mstudio' -t sandbox -o '$T/gd/_sandbox' >/dev/null"
for kind in plain sandbox; do
  B=$(ls "$T"/gd/_build/git-client 2>/dev/null)
  [ "$kind" = sandbox ] && B=$T/gd/_sandbox/git-client
  for u in "http://127.0.0.1:$HTTP_PORT/repo.git" "https://127.0.0.1:$HTTPS_PORT/repo.git"; do
    ok "$kind: depth 1 over ${u%%:*}://: one shallow commit, every file" bash -c "
      $(declare -f same); MAIN=$MAIN T='$T';
      TMPDIR='$T/tmp' '$B' --remote='$u' --tls-authenticator='$ANCHOR' > '$T/d.out' &&
      grep -q -x 'shallow 1' '$T/d.out' && same '$T/d.out'"
  done
done
ok "-t sandbox: the launcher's private directory is left empty (the repositories removed)" bash -c "
  [ -z \"\$(find '$T/tmp' -mindepth 2)\" ]"

tap_done
