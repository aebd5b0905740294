#!/usr/bin/env bash
# Makes a fresh checkout runnable (npm run demo, and the first half of npm test): the system tools the local
# stack needs, then node_modules exactly as the lock file says. What only the tests use comes with
# scripts/bootstrap-tests.sh (npm test); what only the bench compares against, with scripts/bench.sh.
#
#   scripts/bootstrap.sh           all of it: system packages, then the stack's programs beside npm install
#   scripts/bootstrap.sh system    the system packages only (apt)
#   scripts/bootstrap.sh packages  node_modules only (the demo runs the stack's install itself, earlier)
set -euo pipefail
part=${1:-all}
case "$part" in
  all | system | packages) ;;
  *) echo "[bootstrap] error: unknown part '$part' (all, system or packages)" >&2 && exit 2 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
# MinIO is built with go install; the OpenSearch launcher with Maven, on a JDK of the stack's target.
command -v go >/dev/null || need_apt+=(golang-go)
command -v mvn >/dev/null || need_apt+=(maven)
target=$(bash scripts/stack.sh target)
if ! SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh java >/dev/null 2>&1; then
  if jdk=$(SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh jdk-package); then
    need_apt+=("$jdk")
  else
    SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh java >/dev/null || exit 1 # says what to install
  fi
fi
# shellcheck source=scripts/apt-missing.sh
. scripts/apt-missing.sh
install_missing bootstrap ${need_apt[@]+"${need_apt[@]}"}
[ "$part" != system ] || exit 0

# The stack's programs (Temporal CLI, MinIO, the OpenSearch launcher; cached after the first time) install
# while npm installs the packages: from empty caches both mostly wait on downloads.
if [ "$part" = all ]; then
  bash scripts/stack.sh install &
  stack_install=$!
fi

# Reinstall node_modules only when the lock file changed since the last install.
stamp=node_modules/.snapseal-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # `npm install` with the lock file installs exactly the locked versions. Not `npm ci`: npm 11 writes lock
  # files without other platforms' optional packages (@swc/core-*) and then refuses them in `npm ci`.
  echo "[bootstrap] npm install (locked versions)" >&2
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
[ "$part" != all ] || wait "$stack_install" || { echo "[bootstrap] installing the local stack failed (see above)" >&2 && exit 1; }
