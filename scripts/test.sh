#!/usr/bin/env bash
# The test command (npm test): set up what is missing, start the local stack if it is not running, then
# typecheck, lint, unit and integration tests. Ends with one summary line "N passed, N failed".
#
# SNAPSEAL_CI_SECOND_TARGET=2.19|3 (default: none) also starts that OpenSearch target beside the stack's own
# (scripts/stack.sh node up, port 9201) and runs the smoke and archive tests against it, then stops it.
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

second=${SNAPSEAL_CI_SECOND_TARGET:-}
default_target=$(sed -n 's/^OPENSEARCH_DEFAULT_TARGET=//p' scripts/stack.sh)
if [ -n "$second" ] && [ "${second:0:1}" = "${default_target:0:1}" ]; then
  echo "[test] error: SNAPSEAL_CI_SECOND_TARGET=$second is the stack's own target ($default_target); use the other one" >&2
  exit 1
fi
if [ -n "$second" ]; then
  echo "[test] smoke and archive tests on OpenSearch $second" >&2
  SNAPSEAL_STACK_OPENSEARCH=$second bash scripts/stack.sh node up
  node_env=.stack/env.opensearch-${second:0:1}
  second_status=0
  SNAPSEAL_STACK_ENV="$ROOT/$node_env" npx jest --ci --runInBand --selectProjects integration \
    test/integration/opensearch.smoke.test.ts test/integration/archive-workflow.test.ts || second_status=$?
  SNAPSEAL_STACK_OPENSEARCH=$second bash scripts/stack.sh node down
  echo "[test] OpenSearch $second: $([ $second_status -eq 0 ] && echo passed || echo failed)" >&2
  [ $status -ne 0 ] || status=$second_status
fi
exit $status
