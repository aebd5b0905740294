#!/usr/bin/env bash
# The test command (npm test): set up what is missing, start the local stack if it is not running, then
# typecheck, lint, unit, integration and fault tests. Ends with one summary line "N passed, N failed" per target.
#
# Everything runs on the stack's own OpenSearch node (target 3 unless SNAPSEAL_STACK_OPENSEARCH=2.19 started
# it). Then the other target is started beside it (scripts/stack.sh node up, port 9201), the smoke and
# archive tests run against it, and it is stopped. SNAPSEAL_CI_SECOND_TARGET=none skips that second target.
# Last, an Elasticsearch 8.19 node with security on (scripts/stack.sh es up, HTTPS 9210) runs the mission of
# test/elasticsearch (archive, verify, restore, drill, the by-hand fs restore), and is stopped;
# SNAPSEAL_CI_ELASTICSEARCH=none skips it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# shellcheck source=scripts/node.sh
. scripts/node.sh
use_node
echo "[test] Node.js $(node --version)" >&2
bash scripts/bootstrap.sh
bash scripts/bootstrap-tests.sh
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
bash scripts/kms.sh up # the KMS-compatible server the KMS signing tests use

echo "[test] typecheck and lint" >&2
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
npm run --silent build # the CLI tests run the built bin/snapseal.js

results=.stack/jest-results.json
rm -f "$results"
status=0
# The elasticsearch project needs its own node and settings file: it runs last, below. (Test paths in "$@" go
# before --selectProjects, which would take them for project names.)
npx jest --ci --runInBand --json --outputFile "$results" "$@" --selectProjects unit integration adversary faults || status=$?
if [ -f "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
  ' "$ROOT/$results"
fi

stack_target=$(bash scripts/stack.sh target)
second=${SNAPSEAL_CI_SECOND_TARGET:-$([ "$stack_target" = 3 ] && echo 2.19 || echo 3)}
case "$second" in
  none) second= ;;
  2 | 2.19 | 3 | 3.8) ;;
  *) echo "[test] error: SNAPSEAL_CI_SECOND_TARGET must be 2.19, 3 or none, not $second" >&2 && exit 1 ;;
esac
if [ -n "$second" ] && [ "${second:0:1}" = "$stack_target" ]; then
  echo "[test] error: SNAPSEAL_CI_SECOND_TARGET=$second is the stack's own target ($stack_target); use the other one" >&2
  exit 1
fi
elasticsearch=${SNAPSEAL_CI_ELASTICSEARCH:-8.19}
case "$elasticsearch" in
  none) elasticsearch= ;;
  8.19) ;;
  *) echo "[test] error: SNAPSEAL_CI_ELASTICSEARCH must be 8.19 or none, not $elasticsearch" >&2 && exit 1 ;;
esac
# The extra nodes run one at a time (the 2.19 or 3 node, then Elasticsearch), each stopped when its tests end
# and, whatever happens, on exit.
second_up= elasticsearch_up=
stop_started() {
  [ -z "$second_up" ] || SNAPSEAL_STACK_OPENSEARCH=$second bash scripts/stack.sh node down
  [ -z "$elasticsearch_up" ] || bash scripts/stack.sh es down
  second_up= elasticsearch_up=
}
trap stop_started EXIT

if [ -n "$second" ]; then
  echo "[test] smoke and archive tests on OpenSearch $second" >&2
  second_up=1
  SNAPSEAL_STACK_OPENSEARCH=$second bash scripts/stack.sh node up
  second_results=.stack/jest-results-opensearch-${second:0:1}.json
  rm -f "$second_results"
  second_status=0
  SNAPSEAL_STACK_ENV="$ROOT/.stack/env.opensearch-${second:0:1}" npx jest --ci --runInBand --selectProjects integration \
    --json --outputFile "$second_results" \
    test/integration/opensearch.smoke.test.ts test/integration/archive-workflow.test.ts || second_status=$?
  if [ -f "$second_results" ]; then
    node -e '
      const r = require(process.argv[1]);
      console.log(`jest (OpenSearch ${process.argv[2]}): ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
    ' "$ROOT/$second_results" "$second"
  fi
  stop_started
  [ $status -ne 0 ] || status=$second_status
fi

if [ -n "$elasticsearch" ]; then
  echo "[test] archive, verify, restore and drill on Elasticsearch $elasticsearch (HTTPS, limited user)" >&2
  es_t0=$SECONDS
  elasticsearch_up=1
  es_status=0
  bash scripts/stack.sh es up || es_status=$?
  es_results=.stack/jest-results-elasticsearch-8.json
  rm -f "$es_results"
  if [ $es_status -eq 0 ]; then
    SNAPSEAL_STACK_ENV="$ROOT/.stack/env.elasticsearch-8" npx jest --ci --runInBand --selectProjects elasticsearch \
      --json --outputFile "$es_results" || es_status=$?
  fi
  stop_started
  if [ -f "$es_results" ]; then
    node -e '
      const r = require(process.argv[1]);
      console.log(`jest (Elasticsearch ${process.argv[2]}): ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed (${process.argv[3]}s with the node start)`);
    ' "$ROOT/$es_results" "$elasticsearch" "$((SECONDS - es_t0))"
  else
    echo "jest (Elasticsearch $elasticsearch): 0 passed, 1 failed (the node did not start; .stack/logs/elasticsearch-8.log)"
  fi
  [ $status -ne 0 ] || status=$es_status
fi
exit $status
