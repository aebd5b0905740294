#!/usr/bin/env bash
# The benchmark (npm run bench): set up, start the local stack if needed, build snapseal and the bench, and run
# it. Arguments go to the bench, e.g. `npm run bench -- --size 0.2`; `npm run bench -- --help` lists them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/node.sh
. scripts/node.sh
use_node
bash scripts/bootstrap.sh
# The tools compared against (only the bench needs them, so the tests never depend on them).
bench_apt=()
command -v rclone >/dev/null || bench_apt+=(rclone)
command -v restic >/dev/null || bench_apt+=(restic)
[ -x /usr/bin/time ] || bench_apt+=(time)
command -v gpg >/dev/null || bench_apt+=(gnupg)
# shellcheck source=scripts/apt-missing.sh
. scripts/apt-missing.sh
install_missing bench ${bench_apt[@]+"${bench_apt[@]}"}
bash scripts/stack.sh status >/dev/null 2>&1 || bash scripts/stack.sh up
npm run --silent build
npx tsc -p tsconfig.bench.json
node .bench-build/bench/main.js "$@"
