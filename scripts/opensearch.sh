#!/usr/bin/env bash
# Builds and describes the local OpenSearch launcher (stack/opensearch) for one of two targets:
#   SNAPSEAL_STACK_OPENSEARCH=2.19 (default)  OpenSearch 2.19.1 + our own s3 plugin, JDK 17+, target/
#   SNAPSEAL_STACK_OPENSEARCH=3               OpenSearch 3.8.0 + official repository-s3, JDK 21+, target-os3/
#
#   scripts/opensearch.sh build   # mvn package, only when pom.xml or sources changed
#   scripts/opensearch.sh cmd     # print the java command line that starts the node
#   scripts/opensearch.sh java    # print the java binary the target runs on
#
# Or source it and call opensearch_build / opensearch_cmd; opensearch_cmd also fills the
# bash array OPENSEARCH_CMD for "${OPENSEARCH_CMD[@]}". The launcher reads its settings
# (OPENSEARCH_HOME, OPENSEARCH_HTTP_PORT, S3_ENDPOINT, ...) from the environment; see
# stack/opensearch/src/main/java/io/snapseal/stack/OpenSearchLauncher.java.
# OPENSEARCH_JAVA (default: a JDK of the right version: java on PATH, $JAVA_HOME, /usr/lib/jvm/*)
# and OPENSEARCH_JAVA_OPTS (default: 512m/1g heap) change the command line.

OPENSEARCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../stack/opensearch" && pwd)"
case "${SNAPSEAL_STACK_OPENSEARCH:-2.19}" in
  2.19 | 2)
    OPENSEARCH_TARGET=2.19 OPENSEARCH_VERSION=2.19.1 OPENSEARCH_PROFILE=os2 OPENSEARCH_MIN_JAVA=17
    OPENSEARCH_BUILD_DIR="$OPENSEARCH_DIR/target"
    ;;
  3 | 3.8)
    OPENSEARCH_TARGET=3 OPENSEARCH_VERSION=3.8.0 OPENSEARCH_PROFILE=os3 OPENSEARCH_MIN_JAVA=21
    OPENSEARCH_BUILD_DIR="$OPENSEARCH_DIR/target-os3"
    ;;
  *)
    echo "SNAPSEAL_STACK_OPENSEARCH must be 2.19 or 3, not '${SNAPSEAL_STACK_OPENSEARCH}'" >&2
    return 1 2>/dev/null || exit 1
    ;;
esac
OPENSEARCH_JAR="$OPENSEARCH_BUILD_DIR/snapseal-opensearch-launcher-0.1.0.jar"
OPENSEARCH_STAMP="$OPENSEARCH_BUILD_DIR/.build-stamp"

# java_major JAVA: the feature version of a java binary (17, 21, 25), empty if it does not run.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

# opensearch_java: the java binary for the target (fills OPENSEARCH_JAVA_BIN), or a clear error.
opensearch_java() {
  local candidate major
  local -a candidates=()
  if [[ -n "${OPENSEARCH_JAVA:-}" ]]; then
    candidates=("$OPENSEARCH_JAVA")
  else
    command -v java >/dev/null && candidates+=("$(command -v java)")
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
    for candidate in /usr/lib/jvm/*/bin/java; do [[ -x "$candidate" ]] && candidates+=("$candidate"); done
  fi
  for candidate in "${candidates[@]}"; do
    major=$(java_major "$candidate")
    if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= OPENSEARCH_MIN_JAVA)); then
      OPENSEARCH_JAVA_BIN=$candidate
      echo "$candidate"
      return 0
    fi
  done
  echo "OpenSearch $OPENSEARCH_VERSION needs a JDK $OPENSEARCH_MIN_JAVA+, none found (looked at:" \
    "${candidates[*]:-nothing}). Install one (e.g. apt-get install openjdk-$OPENSEARCH_MIN_JAVA-jdk-headless" \
    "or a Temurin JDK) or set OPENSEARCH_JAVA=/path/to/bin/java." >&2
  return 1
}

# Hash of everything the build depends on.
opensearch_source_hash() {
  (cd "$OPENSEARCH_DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -d' ' -f1
}

opensearch_build() {
  local hash
  hash="$(opensearch_source_hash)"
  if [[ -f "$OPENSEARCH_JAR" && -d "$OPENSEARCH_BUILD_DIR/lib" && -f "$OPENSEARCH_STAMP" &&
    "$(cat "$OPENSEARCH_STAMP")" == "$hash" ]]; then
    return 0
  fi
  opensearch_java >/dev/null || return 1
  echo "building OpenSearch $OPENSEARCH_VERSION launcher ($OPENSEARCH_BUILD_DIR)" >&2
  rm -rf "$OPENSEARCH_BUILD_DIR/lib" "$OPENSEARCH_STAMP" # no stale jars on the classpath
  # Maven compiles with the JDK that will run the node (release 21 needs a JDK 21+).
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$OPENSEARCH_JAVA_BIN")")")" \
    mvn -B -q -Dstyle.color=never -f "$OPENSEARCH_DIR/pom.xml" -P"$OPENSEARCH_PROFILE" package >&2 || return 1
  echo "$hash" >"$OPENSEARCH_STAMP"
}

opensearch_cmd() {
  opensearch_java >/dev/null || return 1
  local -a opts
  read -r -a opts <<<"${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g}"
  OPENSEARCH_CMD=("$OPENSEARCH_JAVA_BIN" "${opts[@]}"
    -cp "$OPENSEARCH_JAR:$OPENSEARCH_BUILD_DIR/lib/*" io.snapseal.stack.OpenSearchLauncher)
  printf '%q ' "${OPENSEARCH_CMD[@]}" | sed 's/ $/\n/'
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    build) opensearch_build ;;
    cmd) opensearch_cmd ;;
    java) opensearch_java ;;
    *)
      echo "usage: $0 build|cmd|java" >&2
      exit 2
      ;;
  esac
fi
