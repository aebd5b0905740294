#!/usr/bin/env bash
# The local Elasticsearch node of the stack (scripts/stack.sh es up|down|status): Elastic's test distribution
# from Maven Central with our s3 repository plugin (stack/elasticsearch), security on as Elasticsearch 8 ships
# it (HTTPS and TLS transport with a CA generated here, file-realm users), run as an unprivileged user.
#
#   scripts/elasticsearch.sh build      mvn package (distribution zip + plugin), only when stack/elasticsearch changed
#   scripts/elasticsearch.sh install    build, unpack into ES_STACK_HOME, add the plugin, write config/certs/users
#   scripts/elasticsearch.sh cmd        print the command line that starts the node (as the unprivileged user)
#   scripts/elasticsearch.sh java       print the JDK the node runs on (or how to install one)
#
# Or source it and call elasticsearch_install / elasticsearch_cmd (which fills the array ELASTICSEARCH_CMD).
# Settings (environment): SNAPSEAL_STACK_DIR (.stack), SNAPSEAL_CACHE_DIR (~/.cache/snapseal),
# SNAPSEAL_STACK_ES_PORT (9210), SNAPSEAL_STACK_ES_TRANSPORT_PORT (9310), SNAPSEAL_STACK_MINIO_PORT (9000),
# ES_JAVA_HOME (default: a JDK 17+ from PATH, $JAVA_HOME or /usr/lib/jvm/*), SNAPSEAL_STACK_ES_HEAP (512m).
#
# Layout under $SNAPSEAL_STACK_DIR/elasticsearch-8/ (ES_STACK_DIR):
#   home/      the distribution and plugins/snapseal-stack (root-owned, world-readable)
#   config/    elasticsearch.yml, certs, keystore (s3 keys), roles.yml, file-realm users (the node's user)
#   data/ logs/ repo/ (path.repo for fs repositories)   owned by the node's user
#   ca/        the stack's CA: ca.crt (snapseal trusts it), ca.key (root only)
#   credentials  the passwords of the file-realm users snapseal and snapseal-admin (root only)

ES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_MODULE_DIR="$ES_ROOT/stack/elasticsearch"
ES_VERSION=8.19.21
ES_MIN_JAVA=17
ES_USER=snapseal-es
ES_STACK_DIR="${SNAPSEAL_STACK_DIR:-$ES_ROOT/.stack}/elasticsearch-8"
ES_HOME_DIR="$ES_STACK_DIR/home"
ES_CONF_DIR="$ES_STACK_DIR/config"
ES_CA_DIR="$ES_STACK_DIR/ca"
ES_CREDENTIALS="$ES_STACK_DIR/credentials"
ES_PORT=${SNAPSEAL_STACK_ES_PORT:-9210}
ES_TRANSPORT_PORT=${SNAPSEAL_STACK_ES_TRANSPORT_PORT:-9310}
ES_MINIO_PORT=${SNAPSEAL_STACK_MINIO_PORT:-9000}
ES_MAVEN_REPO="${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}/maven"
ES_BUILD_DIR="$ES_MODULE_DIR/target"
ES_BUILD_STAMP="$ES_BUILD_DIR/.build-stamp"
# Local-only MinIO credentials of the stack (scripts/stack.sh), for the node's s3 client keystore entries.
ES_S3_ACCESS_KEY=snapseal-local
ES_S3_SECRET_KEY=snapseal-local-secret

es_log() { printf '[elasticsearch] %s\n' "$*" >&2; }

es_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

# elasticsearch_java: a JDK 17+ (its java binary; fills ES_JAVA_BIN), or what to install.
elasticsearch_java() {
  local candidate major
  local -a candidates=()
  [[ -n "${ES_JAVA_HOME:-}" ]] && candidates+=("$ES_JAVA_HOME/bin/java")
  command -v java >/dev/null && candidates+=("$(command -v java)")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for candidate in /usr/lib/jvm/*/bin/java; do [[ -x "$candidate" ]] && candidates+=("$candidate"); done
  for candidate in "${candidates[@]}"; do
    major=$(es_java_major "$candidate")
    if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= ES_MIN_JAVA)); then
      ES_JAVA_BIN=$(readlink -f "$candidate")
      echo "$ES_JAVA_BIN"
      return 0
    fi
  done
  es_log "Elasticsearch $ES_VERSION needs a JDK $ES_MIN_JAVA+, none found (looked at: ${candidates[*]:-nothing});" \
    "apt-get install openjdk-17-jdk-headless, or set ES_JAVA_HOME"
  return 1
}

es_java_home() { dirname "$(dirname "$ES_JAVA_BIN")"; }

es_source_hash() {
  (cd "$ES_MODULE_DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -d' ' -f1
}

# elasticsearch_build: the distribution zip and the plugin directory in stack/elasticsearch/target.
elasticsearch_build() {
  local hash
  hash=$(es_source_hash)
  if [[ -f "$ES_BUILD_STAMP" && "$(cat "$ES_BUILD_STAMP")" == "$hash" && -d "$ES_BUILD_DIR/plugin" &&
    -f "$ES_BUILD_DIR/elasticsearch-$ES_VERSION.zip" ]]; then
    return 0
  fi
  elasticsearch_java >/dev/null || return 1
  command -v mvn >/dev/null || { es_log "mvn is needed (apt-get install maven)" && return 1; }
  es_log "building the s3 plugin and fetching Elasticsearch $ES_VERSION from Maven Central ($ES_BUILD_DIR)"
  rm -rf "$ES_BUILD_DIR/plugin" "$ES_BUILD_STAMP"
  JAVA_HOME=$(es_java_home) mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$ES_MAVEN_REPO" \
    -f "$ES_MODULE_DIR/pom.xml" package >&2 || return 1
  echo "$hash" >"$ES_BUILD_STAMP"
}

# es_unpack: home/ = the distribution + plugins/snapseal-stack, redone when the build changed.
es_unpack() {
  local stamp="$ES_HOME_DIR/.snapseal-build"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$(cat "$ES_BUILD_STAMP")" ]] && return 0
  command -v unzip >/dev/null || { es_log "unzip is needed (apt-get install unzip)" && return 1; }
  es_log "unpacking Elasticsearch $ES_VERSION into $ES_HOME_DIR"
  rm -rf "$ES_HOME_DIR" "$ES_STACK_DIR/unpack"
  mkdir -p "$ES_STACK_DIR/unpack"
  unzip -q "$ES_BUILD_DIR/elasticsearch-$ES_VERSION.zip" -d "$ES_STACK_DIR/unpack"
  mv "$ES_STACK_DIR/unpack/elasticsearch-$ES_VERSION" "$ES_HOME_DIR"
  rmdir "$ES_STACK_DIR/unpack"
  mkdir -p "$ES_HOME_DIR/plugins/snapseal-stack"
  cp "$ES_BUILD_DIR"/plugin/* "$ES_HOME_DIR/plugins/snapseal-stack/"
  chmod -R a+rX "$ES_HOME_DIR"
  cp "$ES_BUILD_STAMP" "$stamp"
}

# es_user: the unprivileged user the node runs as (Elasticsearch refuses to run as root).
es_user() {
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  [[ "$(id -u)" == 0 ]] || { es_log "run as root once to create the user $ES_USER (useradd)" && return 1; }
  es_log "creating the system user $ES_USER"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
}

# es_ca: the stack's CA and the node's certificate (127.0.0.1, localhost), made once with openssl.
es_ca() {
  [[ -f "$ES_CA_DIR/ca.crt" && -f "$ES_CONF_DIR/certs/node.crt" ]] && return 0
  es_log "generating the stack's CA and the node certificate ($ES_CA_DIR)"
  mkdir -p "$ES_CA_DIR" "$ES_CONF_DIR/certs"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=snapseal local stack CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$ES_CA_DIR/ca.key" -out "$ES_CA_DIR/ca.crt" 2>/dev/null)
  chmod 644 "$ES_CA_DIR/ca.crt" # public: anyone may trust it; the key stays root-only
  openssl req -newkey rsa:2048 -nodes -subj "/CN=snapseal-es-8" \
    -keyout "$ES_CONF_DIR/certs/node.key" -out "$ES_CA_DIR/node.csr" 2>/dev/null
  openssl x509 -req -days 825 -in "$ES_CA_DIR/node.csr" -CA "$ES_CA_DIR/ca.crt" -CAkey "$ES_CA_DIR/ca.key" \
    -CAcreateserial -out "$ES_CONF_DIR/certs/node.crt" -extfile <(
      printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth"
    ) 2>/dev/null
  cp "$ES_CA_DIR/ca.crt" "$ES_CONF_DIR/certs/ca.crt"
}

# es_tool NAME ARGS...: one of the distribution's command-line tools, on the stack's config.
es_tool() {
  local name=$1
  shift
  ES_JAVA_HOME=$(es_java_home) ES_PATH_CONF="$ES_CONF_DIR" "$ES_HOME_DIR/bin/$name" "$@"
}

# es_credentials: the passwords of the two file-realm users, made once (root only); ES_CREDENTIALS_NEW=1 when
# they were made now (the users file must then be written again).
es_credentials() {
  ES_CREDENTIALS_NEW=
  if [[ ! -f "$ES_CREDENTIALS" ]]; then
    ES_CREDENTIALS_NEW=1
    (
      umask 077
      printf 'SNAPSEAL_PASSWORD=%s\nADMIN_PASSWORD=%s\n' "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" \
        >"$ES_CREDENTIALS"
    )
  fi
  # shellcheck disable=SC1090
  source "$ES_CREDENTIALS"
  ES_SNAPSEAL_PASSWORD=$SNAPSEAL_PASSWORD ES_ADMIN_PASSWORD=$ADMIN_PASSWORD
}

es_write_config() {
  cat >"$ES_CONF_DIR/elasticsearch.yml" <<EOF
# The local Elasticsearch node of snapseal's stack (written by scripts/elasticsearch.sh).
cluster.name: snapseal-local-es
node.name: snapseal-es-8
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
path.data: $ES_STACK_DIR/data
path.logs: $ES_STACK_DIR/logs
path.repo: ["$ES_STACK_DIR/repo"]
# A shared development disk is often fuller than the default watermarks allow.
cluster.routing.allocation.disk.threshold_enabled: false

xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/node.key
xpack.security.http.ssl.certificate: certs/node.crt
xpack.security.http.ssl.certificate_authorities: [certs/ca.crt]
xpack.security.transport.ssl.enabled: true
xpack.security.transport.ssl.verification_mode: certificate
xpack.security.transport.ssl.key: certs/node.key
xpack.security.transport.ssl.certificate: certs/node.crt
xpack.security.transport.ssl.certificate_authorities: [certs/ca.crt]

# The s3 repository type (our plugin): MinIO of the stack; access_key and secret_key are in the keystore.
s3.client.default.endpoint: 127.0.0.1:$ES_MINIO_PORT
s3.client.default.protocol: http
s3.client.default.path_style_access: true
EOF
  printf '%s\n' "-Xms${SNAPSEAL_STACK_ES_HEAP:-512m}" "-Xmx${SNAPSEAL_STACK_ES_HEAP:-512m}" \
    >"$ES_CONF_DIR/jvm.options.d/snapseal.options"
  # The privileges snapseal needs, and nothing else (README: "Elasticsearch").
  cat >"$ES_CONF_DIR/roles.yml" <<'EOF'
snapseal:
  cluster:
    - monitor # GET / (distribution and version), _cat/indices
    - create_snapshot # start a snapshot, read snapshots and repositories
    - cluster:admin/repository/put # the run's staging repository, the read-only restore repository
    - cluster:admin/repository/delete
    - cluster:admin/snapshot/delete # the staging snapshot once archived
    - cluster:admin/snapshot/restore
  indices:
    - names: ["*"] # the archived indices, and the restore targets' existence check
      privileges: [monitor] # _cat/indices, shard commits (_stats), restore progress (_recovery)
    - names: ["restored-*", "drill-*"] # restore targets (--rename-prefix) and the drill's
      privileges: [monitor, read, maintenance, delete_index] # _count, _refresh, the drill's clean-up
EOF
}

# es_configure: config/ (from the distribution the first time), keystore, users, then ownership.
es_configure() {
  mkdir -p "$ES_STACK_DIR"/{data,logs,repo}
  if [[ ! -f "$ES_CONF_DIR/jvm.options" ]]; then
    mkdir -p "$ES_CONF_DIR"
    cp -r "$ES_HOME_DIR/config/." "$ES_CONF_DIR/"
  fi
  mkdir -p "$ES_CONF_DIR/jvm.options.d"
  es_ca
  es_credentials
  es_write_config
  if [[ ! -f "$ES_CONF_DIR/elasticsearch.keystore" ]]; then
    es_log "writing the keystore (s3 client credentials)"
    es_tool elasticsearch-keystore create >/dev/null
    printf '%s' "$ES_S3_ACCESS_KEY" | es_tool elasticsearch-keystore add --stdin s3.client.default.access_key
    printf '%s' "$ES_S3_SECRET_KEY" | es_tool elasticsearch-keystore add --stdin s3.client.default.secret_key
  fi
  if [[ -n "$ES_CREDENTIALS_NEW" ]] || ! grep -q '^snapseal:' "$ES_CONF_DIR/users"; then
    es_log "writing the file-realm users snapseal and snapseal-admin"
    : >"$ES_CONF_DIR/users"
    : >"$ES_CONF_DIR/users_roles"
    es_tool elasticsearch-users useradd snapseal -p "$ES_SNAPSEAL_PASSWORD" -r snapseal
    es_tool elasticsearch-users useradd snapseal-admin -p "$ES_ADMIN_PASSWORD" -r superuser
  fi
  chown -R "$ES_USER:$ES_USER" "$ES_CONF_DIR" "$ES_STACK_DIR/data" "$ES_STACK_DIR/logs" "$ES_STACK_DIR/repo"
  chmod 750 "$ES_CONF_DIR"
  # The tests (root) unpack by-hand repositories here for the node to read.
  chmod 755 "$ES_STACK_DIR/repo"
}

elasticsearch_install() {
  elasticsearch_build && elasticsearch_java >/dev/null && es_user && es_unpack && es_configure
}

# elasticsearch_cmd: the node's command line (fills ELASTICSEARCH_CMD), run as $ES_USER from its logs dir.
elasticsearch_cmd() {
  elasticsearch_java >/dev/null || return 1
  ELASTICSEARCH_CMD=(setpriv "--reuid=$ES_USER" "--regid=$ES_USER" --clear-groups
    env -C "$ES_STACK_DIR/logs" "ES_JAVA_HOME=$(es_java_home)" "ES_PATH_CONF=$ES_CONF_DIR"
    "$ES_HOME_DIR/bin/elasticsearch")
  printf '%q ' "${ELASTICSEARCH_CMD[@]}" | sed 's/ $/\n/'
}

# elasticsearch_curl ARGS...: curl to the node as the admin user, trusting the stack's CA.
elasticsearch_curl() {
  es_credentials
  curl -sS --cacert "$ES_CA_DIR/ca.crt" -u "snapseal-admin:$ES_ADMIN_PASSWORD" "$@"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    build) elasticsearch_build ;;
    install) elasticsearch_install ;;
    cmd) elasticsearch_cmd ;;
    java) elasticsearch_java ;;
    *)
      echo "usage: $0 build|install|cmd|java" >&2
      exit 2
      ;;
  esac
fi
