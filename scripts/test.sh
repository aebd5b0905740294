#!/usr/bin/env bash
# The test command (npm test): set up what is missing, start the local stack if it is not running, then
# typecheck, lint, unit and integration tests. Ends with one summary line "N passed, N failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/bootstrap.sh
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up

echo "[test] typecheck and lint" >&2
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
npm run --silent build # the CLI tests run the built bin/snapseal.js

results=.stack/jest-results.json
rm -f "$results"
status=0
npx jest --ci --runInBand --json --outputFile "$results" "$@" || status=$?
if [ -f "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
  ' "$ROOT/$results"
fi
exit $status
