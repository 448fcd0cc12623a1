#!/usr/bin/env bash
# tests/opam-snapshot.sh PROGRAM [ARGS...]: unpacks the opam-repository
# snapshot (never committed) into $MS_OPAM_SNAPSHOT_DIR once, then runs
# PROGRAM with MS_OPAM_SNAPSHOT (the unpacked repository) and
# MS_OPAM_SNAPSHOT_TAR (the archive) set. Without the archive the program
# still runs, and its snapshot tests skip.
set -euo pipefail
name=opam-repository-2026-08-22.tar.xz
tarball=${MS_OPAM_SNAPSHOT_TAR:-}
if [ -z "$tarball" ]; then
  for c in "$MS_SOURCE_DIR/../shared/data/$name" "$MS_SOURCE_DIR/../../shared/data/$name" "/work/shared/data/$name"; do
    if [ -f "$c" ]; then tarball=$c; break; fi
  done
fi
dir=${MS_OPAM_SNAPSHOT_DIR:?}
if [ -n "$tarball" ] && [ -f "$tarball" ]; then
  mkdir -p "$dir"
  # one unpacking even when several tests start at once
  (
    flock 9
    if [ ! -f "$dir/.complete" ]; then
      rm -rf "$dir/opam-repository"
      tar -xJf "$tarball" -C "$dir"
      touch "$dir/.complete"
    fi
  ) 9>"$dir.lock"
  export MS_OPAM_SNAPSHOT="$dir/opam-repository" MS_OPAM_SNAPSHOT_TAR="$tarball"
fi
exec "$@"
