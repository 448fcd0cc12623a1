#!/bin/bash
# cli-git.sh: the git-client example built with mstudio and run against
# real servers started here on loopback: git daemon (git://) and OpenSSH's
# sshd (ssh://, a password user, the host key checked by
# --ssh-authenticator), each serving a repository made with git
# (runtime/tests/git-fixtures.sh prepares them; sshd runs in a mount
# namespace of its own, so the SSH cases need root and unshare -m). The
# listing must be git ls-tree's; a wrong host key, an rsa:<seed> key and
# a URL no client of the graph speaks end the unikernel with the reason.
# The same under -t sandbox (libgit2's repository beneath the launcher's
# private directory only; a probe of the same graph can read no other
# host file nor write beside it), and the git-kv example (a kv_rw_mem
# synced at boot, its files served from the store).
# docs/build.md, "Git clients".
#
# TAP output for meson; needs MSTUDIO and MSTUDIO_DATADIR.

set -u
FIXTURES=$(cd "$(dirname "$0")/../runtime/tests" && pwd)/git-fixtures.sh
. "$(dirname "$0")/cli-env.sh"

GIT_PORT=$(free_port)
SSH_PORT=$(free_port)
PASS=cli-git-pass
mkdir -p "$T/fx"
ok "fixtures: a repository made with git, sshd's keys and config" \
  sh "$FIXTURES" "$T/fx" 1 2 "$SSH_PORT" AAAAC3NzaC1lZDI1NTE5AAAAIA "$PASS"
serve "$T/daemon.log" git daemon --reuseaddr --export-all --listen=127.0.0.1 --port="$GIT_PORT" \
  --base-path="$T/fx/srv" "$T/fx/srv"
SSH=no
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  serve "$T/sshd.log" unshare -m "$T/fx/run-sshd.sh"
  SSH=yes
fi
ok "git daemon listens" wait_port "$GIT_PORT"

mkdir -p "$T/gc"
ok "git-client: new project from the example" \
  bash -c "'$M' new '$T/gc/git-client.mstudio' --name git-client --example git-client >/dev/null && cp '$EX/git-client/unikernel.c' '$T/gc/'"
ok "git-client: build" "$M" build "$T/gc/git-client.mstudio"
G=$T/gc/_build/git-client

# what git says the branch holds
HOME=$T/fx git -C "$T/fx/srv/repo.git" ls-tree -r -l main | awk '{ printf "%10d  %s\n", $4, substr($0, index($0, "\t") + 1) }' | sort > "$T/want-main"
MAIN=$(git -C "$T/fx/srv/repo.git" rev-parse main)
COUNT=$(wc -l < "$T/want-main")
listing () {   # the unikernel's file lines, sorted
  grep -E '^ {0,9}[0-9]+  ' "$1" | sort
}
ok "git://: clone and list every file with git's sizes" bash -c "
  '$G' --remote=git://127.0.0.1:$GIT_PORT/repo.git > '$T/g.out' &&
  grep -q -x 'commit $MAIN' '$T/g.out' && grep -q -x '$COUNT files' '$T/g.out' &&
  diff <(grep -E '^ {0,9}[0-9]+  ' '$T/g.out' | sort) '$T/want-main'"
ok "git://#dev: the branch's own file" bash -c "'$G' --remote='git://127.0.0.1:$GIT_PORT/repo.git#dev' | grep -q ' dev.txt\$'"
expect 255 "no Git client of the graph speaks https://" "https://: no git_http in the graph, said" \
  "$G" --remote=https://127.0.0.1:1/repo.git
expect 255 "has no branch 'nope'" "a missing branch is named" \
  "$G" --remote="git://127.0.0.1:$GIT_PORT/repo.git#nope"
expect 255 "local paths are refused" "a local path is refused" "$G" --remote="$T/fx/srv/repo.git"
expect 255 "rsa:<seed> is not supported" "--ssh-key=rsa:<seed> is refused at boot, saying why" \
  "$G" --remote="git://127.0.0.1:$GIT_PORT/repo.git" --ssh-key=rsa:abcdef

if [ "$SSH" = yes ] && wait_port "$SSH_PORT"; then
  FP=$(cat "$T/fx/fp-host.txt")
  URL="ssh://gituser@127.0.0.1:$SSH_PORT$T/fx/srv/repo.git"
  ok "ssh://: password, host key checked: every file" bash -c "
    '$G' --remote='$URL' --ssh-password='$PASS' --ssh-authenticator='$FP' > '$T/s.out' &&
    diff <(grep -E '^ {0,9}[0-9]+  ' '$T/s.out' | sort) '$T/want-main'"
  expect 255 "the authenticator wants SHA256:47DEQ" "ssh://: a wrong host key is refused, naming both" \
    "$G" --remote="$URL" --ssh-password="$PASS" --ssh-authenticator=SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU
  expect 255 "refused the password of user 'gituser'" "ssh://: a wrong password is refused" \
    "$G" --remote="$URL" --ssh-password=wrong --ssh-authenticator="$FP"
else
  for d in "ssh://: password, host key checked" "ssh://: a wrong host key" "ssh://: a wrong password"; do
    skip "$d" "needs root and unshare -m for sshd"
  done
fi
# -t sandbox: the Git devices' profile (runtime/src/sandbox.c): libgit2's
# repository beneath the launcher's private directory only
mkdir -p "$T/tmp"
ok "-t sandbox: build" "$M" build "$T/gc/git-client.mstudio" -t sandbox -o "$T/gc/_sandbox"
GS=$T/gc/_sandbox/git-client
ok "-t sandbox: git:// clone, every file with git's sizes" bash -c "
  TMPDIR='$T/tmp' '$GS' --remote=git://127.0.0.1:$GIT_PORT/repo.git > '$T/gs.out' &&
  grep -q -x 'commit $MAIN' '$T/gs.out' && diff <(grep -E '^ {0,9}[0-9]+  ' '$T/gs.out' | sort) '$T/want-main'"
ok "-t sandbox: the launcher's private directory is left empty (the repository removed)" bash -c "
  [ -z \"\$(find '$T/tmp' -mindepth 2)\" ]"
if [ "$SSH" = yes ] && wait_port "$SSH_PORT"; then
  ok "-t sandbox: ssh:// clone, every file" bash -c "
    TMPDIR='$T/tmp' '$GS' --remote='$URL' --ssh-password='$PASS' --ssh-authenticator='$FP' > '$T/gs2.out' &&
    diff <(grep -E '^ {0,9}[0-9]+  ' '$T/gs2.out' | sort) '$T/want-main'"
else
  skip "-t sandbox: ssh:// clone" "needs root and unshare -m for sshd"
fi
# a unikernel of the same graph trying files: it may write beneath its
# private directory ($TMPDIR), nowhere else, and read no other host file
mkdir -p "$T/gp"
cp "$T/gc/git-client.mstudio" "$T/gp/git-probe.mstudio"
cat >"$T/gp/unikernel.c" <<'C'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mirage/git.h"
#include "unikernel.h"
static void
try (const char *what, const char *path, int flags)
{
  int fd = open (path, flags, 0600);
  printf ("%s: %s\n", what, fd >= 0 ? "opened" : strerror (errno));
  fflush (stdout);
  if (fd >= 0)
    close (fd);
}
int
unikernel_start (struct mirage_git_client *git, const struct unikernel_args *args)
{
  mirage_kv_rw *kv;
  char oid[41], *error = NULL, path[4096];
  int r = mirage_kv_rw_mem (&kv);
  if (r < 0)
    return r;
  r = mirage_git_clone (git, args->remote, NULL, kv, oid, &error);
  printf ("clone %d\n", r);
  free (error);
  const char *tmp = getenv ("TMPDIR");
  try ("passwd", "/etc/passwd", O_RDONLY);
  snprintf (path, sizeof path, "%s/inside", tmp ? tmp : "/nonexistent");
  try ("inside", path, O_WRONLY | O_CREAT);
  unlink (path);
  snprintf (path, sizeof path, "%s/../outside", tmp ? tmp : "/nonexistent");
  try ("outside", path, O_WRONLY | O_CREAT);
  mirage_kv_rw_disconnect (kv);
  return 0;
}
C
ok "-t sandbox probe: build" "$M" build "$T/gp/git-probe.mstudio" -t sandbox -o "$T/gp/_sandbox"
ok "-t sandbox probe: clones, writes beneath its directory, not /etc/passwd nor outside it" bash -c "
  TMPDIR='$T/tmp' '$T/gp/_sandbox/git-client' --remote=git://127.0.0.1:$GIT_PORT/repo.git > '$T/gp.out' 2>&1;
  grep -q -x 'clone 0' '$T/gp.out' && grep -q -x 'inside: opened' '$T/gp.out' &&
  grep -q -x 'passwd: Permission denied' '$T/gp.out' && grep -q -x 'outside: Permission denied' '$T/gp.out' &&
  [ ! -e '$T/tmp/outside' ] || { cat '$T/gp.out' >&2; false; }"
ok "describe --sandbox: the Git device's private directory" bash -c "
  '$M' describe '$T/gc/git-client.mstudio' --sandbox | grep -q 'Landlock on its private temporary directory'"

# git-kv: the graph's kv_rw_mem synced from git daemon at boot, its
# files served from the store
mkdir -p "$T/gk"
ok "git-kv: new project from the example, build" bash -c "
  '$M' new '$T/gk/git-kv.mstudio' --name git-kv --example git-kv >/dev/null &&
  cp '$EX/git-kv/unikernel.c' '$T/gk/' && '$M' build '$T/gk/git-kv.mstudio'"
GK=$T/gk/_build/git-kv
ok "git-kv: the store's keys are git's files, with their sizes" bash -c "
  '$GK' --remote=git://127.0.0.1:$GIT_PORT/repo.git > '$T/gk.out' &&
  grep -q -x '$COUNT keys' '$T/gk.out' && diff <(grep -E '^ {0,9}[0-9]+  ' '$T/gk.out' | sort) '$T/want-main'"
ok "git-kv: --key prints the file byte for byte (binary, a path with spaces)" bash -c "
  '$GK' --remote=git://127.0.0.1:$GIT_PORT/repo.git --key=data/bin.dat > '$T/gk.bin' &&
  cmp '$T/gk.bin' <(git -C '$T/fx/srv/repo.git' show main:data/bin.dat) &&
  '$GK' --remote=git://127.0.0.1:$GIT_PORT/repo.git '--key=dir with space/file name.txt' > '$T/gk.txt' &&
  cmp '$T/gk.txt' <(git -C '$T/fx/srv/repo.git' show 'main:dir with space/file name.txt')"
ok "git-kv: #dev syncs the branch's own file" bash -c "
  '$GK' '--remote=git://127.0.0.1:$GIT_PORT/repo.git#dev' --key=dev.txt | grep -q -x 'dev only'"
expect 255 "nope.txt: no such key in the repository" "git-kv: a missing key ends it with the reason" \
  "$GK" --remote="git://127.0.0.1:$GIT_PORT/repo.git" --key=nope.txt
ok "git-kv: -t sandbox, --key from git daemon" bash -c "
  '$M' build '$T/gk/git-kv.mstudio' -t sandbox -o '$T/gk/_sandbox' >/dev/null &&
  TMPDIR='$T/tmp' '$T/gk/_sandbox/git-kv' --remote=git://127.0.0.1:$GIT_PORT/repo.git --key=src/main.c > '$T/gk.c' &&
  cmp '$T/gk.c' <(git -C '$T/fx/srv/repo.git' show main:src/main.c)"

# what the binaries link (tests/linked-libs.sh): git_ssh and git_tcp need
# libgit2, libssh2, Nettle's libhogweed and GnuTLS; no HTTP library
. "$(dirname "$0")/linked-libs.sh"
ok "git-client links libgit2, libssh2, libhogweed and libgnutls" links_all "$G" libgit2 libssh2 libhogweed libgnutls
ok "git-client (no HTTP device) links neither nghttp2 nor http_parser" links_none "$G" libnghttp2 libhttp_parser
mkdir -p "$T/noop"
ok "noop: builds" bash -c "
  '$M' new '$T/noop/noop.mstudio' --name noop --example noop >/dev/null && cp '$EX/noop/unikernel.c' '$T/noop/' &&
  '$M' build '$T/noop/noop.mstudio' >/dev/null"
ok "noop (no Git device) links none of libgit2, libssh2, libhogweed" links_none "$T/noop/_build/noop" libgit2 libssh2 libhogweed

tap_done
