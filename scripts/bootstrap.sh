#!/usr/bin/env bash
# Makes a fresh checkout runnable: system tools the tests use, then node_modules exactly as the lock file says.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

need_apt=()
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v curl >/dev/null || need_apt+=(curl)
# Interoperability tests: Sequoia keys, and the by-hand procedure (gpgv, jq, an S3 client).
command -v sq >/dev/null || need_apt+=(sq)
command -v gpgv >/dev/null || need_apt+=(gpgv)
command -v jq >/dev/null || need_apt+=(jq)
command -v aws >/dev/null || need_apt+=(awscli)
command -v java >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v go >/dev/null || need_apt+=(golang-go)
# shellcheck source=scripts/apt-missing.sh
. scripts/apt-missing.sh
install_missing bootstrap ${need_apt[@]+"${need_apt[@]}"}

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
