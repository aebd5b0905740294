#!/usr/bin/env bash
# A KMS-compatible server on loopback for the tests and the demo's KMS mode: local-kms
# (github.com/nsmithuk/local-kms, built from the Go module proxy), served by stack/local-kms on 127.0.0.1 only.
# It signs with asymmetric keys (RSA PKCS#1 v1.5 / PSS, ECDSA P-256/P-384) and takes MessageType DIGEST, which
# OpenPGP signatures need; it checks no IAM permissions (any credentials are accepted).
#
#   scripts/kms.sh up       build it if missing, start it if not running, wait until it answers
#   scripts/kms.sh down     stop exactly the process `up` started
#   scripts/kms.sh status   one line
#
# Settings (environment): SNAPSEAL_STACK_DIR (.stack), SNAPSEAL_CACHE_DIR (~/.cache/snapseal),
# SNAPSEAL_STACK_KMS_PORT (4599). Clients: SNAPSEAL_KMS_ENDPOINT=http://127.0.0.1:4599, SNAPSEAL_KMS_REGION=us-east-1,
# and any AWS credentials (AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${SNAPSEAL_STACK_DIR:-$ROOT/.stack}
CACHE_DIR=${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}
KMS_PORT=${SNAPSEAL_STACK_KMS_PORT:-4599}
# The local-kms commit is pinned in stack/local-kms/go.mod (it publishes no semver tags); the build is cached
# under the hash of go.mod, go.sum and main.go, so a change to any of them rebuilds it.
BUILD_ID=$(cat "$ROOT/stack/local-kms/go.mod" "$ROOT/stack/local-kms/go.sum" "$ROOT/stack/local-kms/main.go" | sha256sum | cut -c1-12)
BIN=$CACHE_DIR/local-kms-$BUILD_ID/local-kms
PID_FILE=$STACK_DIR/run/kms.pid
LOG_FILE=$STACK_DIR/logs/kms.log

log() { printf '[kms] %s\n' "$*" >&2; }
die() {
  printf '[kms] error: %s\n' "$*" >&2
  exit 1
}

running() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

healthy() {
  curl -fsS -X POST "http://127.0.0.1:$KMS_PORT/" -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: TrentService.ListKeys' -d '{}' -o /dev/null
}

install_kms() {
  [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "go is needed to build local-kms (apt-get install golang-go)"
  log "building local-kms (stack/local-kms, from the Go module proxy; first time only)"
  mkdir -p "$(dirname "$BIN")"
  (cd "$ROOT/stack/local-kms" && GOFLAGS=-mod=mod go build -o "$BIN" .) || die "building stack/local-kms failed"
}

cmd_up() {
  mkdir -p "$STACK_DIR/run" "$STACK_DIR/logs" "$STACK_DIR/kms"
  install_kms
  if running; then
    log "already running (pid $(cat "$PID_FILE"))"
  else
    log "starting local-kms on 127.0.0.1:$KMS_PORT"
    KMS_LISTEN=127.0.0.1:$KMS_PORT KMS_REGION=us-east-1 KMS_ACCOUNT_ID=111122223333 KMS_DATA_PATH=$STACK_DIR/kms \
      setsid "$BIN" >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
  fi
  local deadline=$((SECONDS + 30))
  until healthy 2>/dev/null; do
    running || { tail -n 20 "$LOG_FILE" >&2 || true; die "local-kms exited during start-up (log: $LOG_FILE)"; }
    [ $SECONDS -lt $deadline ] || die "local-kms not answering after 30s (log: $LOG_FILE)"
    sleep 0.5
  done
  log "healthy: SNAPSEAL_KMS_ENDPOINT=http://127.0.0.1:$KMS_PORT SNAPSEAL_KMS_REGION=us-east-1"
}

cmd_down() {
  if running; then
    local pid
    pid=$(cat "$PID_FILE")
    log "stopping local-kms (pid $pid)"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PID_FILE"
}

cmd_status() {
  if running && healthy 2>/dev/null; then
    echo "kms: healthy (pid $(cat "$PID_FILE"), http://127.0.0.1:$KMS_PORT)"
  elif running; then
    echo "kms: running, not answering (pid $(cat "$PID_FILE"))" && return 1
  else
    echo "kms: stopped" && return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: scripts/kms.sh up|down|status" ;;
esac
