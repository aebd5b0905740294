#!/usr/bin/env bash
# The main job on the embedded local stack (npm run demo): set up, start the stack, build, and run
# `snapseal demo` (sample audit logs in, one day archived through Temporal, the archive verified).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
npm run --silent build
node dist/client.js --settings-file .stack/env demo "$@"
