#!/usr/bin/env bash
# MinIO's client (mc), which the tests use to create one MinIO user per role with the policies of deploy/iam
# (test/integration/least-privilege.test.ts). Built from the Go module proxy once, cached; prints its path.
# The version is the mc module that the pinned MinIO server (scripts/stack.sh) builds against.
set -euo pipefail
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9
CACHE_DIR=${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}
dir=$CACHE_DIR/mc-$MC_VERSION
if [ ! -x "$dir/mc" ]; then
  command -v go >/dev/null || { echo "[mc] error: go is needed to build mc (apt-get install golang-go)" >&2 && exit 1; }
  echo "[mc] building mc $MC_VERSION with go install (first time only)" >&2
  mkdir -p "$dir"
  GOBIN=$dir GOFLAGS=-mod=mod go install "github.com/minio/mc@$MC_VERSION" >&2 ||
    { echo "[mc] error: go install github.com/minio/mc@$MC_VERSION failed" >&2 && exit 1; }
fi
echo "$dir/mc"
