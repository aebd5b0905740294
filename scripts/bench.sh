#!/usr/bin/env bash
# The benchmark (npm run bench): set up, start the local stack if needed, build snapseal and the bench, and run
# it. Arguments go to the bench, e.g. `npm run bench -- --size 0.2`; `npm run bench -- --help` lists them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
npm run --silent build
npx tsc -p tsconfig.bench.json
node .bench-build/bench/main.js "$@"
