#!/usr/bin/env bash
# The main job on the embedded local stack (npm run demo): set up what the stack and snapseal need (nothing only
# the tests use), start the stack, build, and run `snapseal demo` (sample audit logs in, one day archived through
# Temporal, the archive verified). Arguments go to `snapseal demo` (--days, --docs, --date).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/node.sh
. scripts/node.sh
use_node
bash scripts/bootstrap.sh
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
npm run --silent build
node dist/client.js --settings-file "${SNAPSEAL_STACK_DIR:-$ROOT/.stack}/env" demo "$@"
