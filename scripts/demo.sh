#!/usr/bin/env bash
# The main job on the embedded local stack (npm run demo): set up what the stack and snapseal need (nothing only
# the tests use), start the stack, build, and run `snapseal demo` (sample audit logs in, one day archived through
# Temporal, the archive verified). Arguments go to `snapseal demo` (--days, --docs, --date).
#
# From empty caches the stack's install is the long pole (Go compiles MinIO for minutes on 2 cores), so it
# starts first, in the background, and Node.js, the npm packages and snapseal's build come in meanwhile.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
t0=$SECONDS
bash scripts/bootstrap.sh system
stack_install=
if ! bash scripts/stack.sh status >/dev/null 2>&1; then
  bash scripts/stack.sh install &
  stack_install=$!
fi
# shellcheck source=scripts/node.sh
. scripts/node.sh
use_node
bash scripts/bootstrap.sh packages
npm run --silent build
if [ -n "$stack_install" ]; then
  wait "$stack_install" || { echo "[demo] installing the local stack failed (see above)" >&2 && exit 1; }
fi
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
echo "[demo] stack and snapseal ready in $((SECONDS - t0)) s" >&2
node dist/client.js --settings-file "${SNAPSEAL_STACK_DIR:-$ROOT/.stack}/env" demo "$@"
