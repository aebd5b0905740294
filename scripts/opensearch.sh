#!/usr/bin/env bash
# Builds and describes the local OpenSearch 2.19.1 launcher (stack/opensearch).
#
#   scripts/opensearch.sh build   # mvn package, only when pom.xml or sources changed
#   scripts/opensearch.sh cmd     # print the java command line that starts the node
#
# Or source it and call opensearch_build / opensearch_cmd; opensearch_cmd also fills the
# bash array OPENSEARCH_CMD for "${OPENSEARCH_CMD[@]}". The launcher reads its settings
# (OPENSEARCH_HOME, OPENSEARCH_HTTP_PORT, S3_ENDPOINT, ...) from the environment; see
# stack/opensearch/src/main/java/io/snapseal/stack/OpenSearchLauncher.java.
# OPENSEARCH_JAVA (default: java, a JDK 17+) and OPENSEARCH_JAVA_OPTS (default: 512m/1g heap)
# change the command line.

OPENSEARCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../stack/opensearch" && pwd)"
OPENSEARCH_JAR="$OPENSEARCH_DIR/target/snapseal-opensearch-launcher-0.1.0.jar"
OPENSEARCH_STAMP="$OPENSEARCH_DIR/target/.build-stamp"

# Hash of everything the build depends on.
opensearch_source_hash() {
  (cd "$OPENSEARCH_DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -d' ' -f1
}

opensearch_build() {
  local hash
  hash="$(opensearch_source_hash)"
  if [[ -f "$OPENSEARCH_JAR" && -d "$OPENSEARCH_DIR/target/lib" && -f "$OPENSEARCH_STAMP" &&
    "$(cat "$OPENSEARCH_STAMP")" == "$hash" ]]; then
    return 0
  fi
  echo "building OpenSearch launcher ($OPENSEARCH_DIR)" >&2
  rm -rf "$OPENSEARCH_DIR/target/lib" "$OPENSEARCH_STAMP" # no stale jars on the classpath
  mvn -B -q -Dstyle.color=never -f "$OPENSEARCH_DIR/pom.xml" package >&2 || return 1
  echo "$hash" >"$OPENSEARCH_STAMP"
}

opensearch_cmd() {
  local -a opts
  read -r -a opts <<<"${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g}"
  OPENSEARCH_CMD=("${OPENSEARCH_JAVA:-java}" "${opts[@]}"
    -cp "$OPENSEARCH_JAR:$OPENSEARCH_DIR/target/lib/*" io.snapseal.stack.OpenSearchLauncher)
  printf '%q ' "${OPENSEARCH_CMD[@]}" | sed 's/ $/\n/'
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    build) opensearch_build ;;
    cmd) opensearch_cmd ;;
    *)
      echo "usage: $0 build|cmd" >&2
      exit 2
      ;;
  esac
fi
