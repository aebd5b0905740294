#!/usr/bin/env bash
# Builds and describes the local OpenSearch launcher (stack/opensearch) for one of two targets:
#   SNAPSEAL_STACK_OPENSEARCH=3 (default)  OpenSearch 3.8.0 + official repository-s3, JDK 21+, target-os3/
#   SNAPSEAL_STACK_OPENSEARCH=2.19         OpenSearch 2.19.1 + our own s3 plugin, JDK 17+, target/
# Maven fetches everything from Maven Central into its own repository under the snapseal cache
# (SNAPSEAL_CACHE_DIR, default ~/.cache/snapseal/maven), so a fresh clone builds with nothing else installed.
#
#   scripts/opensearch.sh build   # mvn package, only when pom.xml or sources changed
#   scripts/opensearch.sh cmd     # print the java command line that starts the node
#   scripts/opensearch.sh java    # print the java binary the target runs on (or how to install one)
#   scripts/opensearch.sh jdk-package  # print the Debian package of a JDK for the target apt can install
#
# Or source it and call opensearch_build / opensearch_cmd; opensearch_cmd also fills the
# bash array OPENSEARCH_CMD for "${OPENSEARCH_CMD[@]}". The launcher reads its settings
# (OPENSEARCH_HOME, OPENSEARCH_HTTP_PORT, S3_ENDPOINT, ...) from the environment; see
# stack/opensearch/src/main/java/io/snapseal/stack/OpenSearchLauncher.java.
# OPENSEARCH_JAVA (default: a JDK of the right version: java on PATH, $JAVA_HOME, /usr/lib/jvm/*)
# and OPENSEARCH_JAVA_OPTS (default: 512m/1g heap) change the command line.

OPENSEARCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../stack/opensearch" && pwd)"
case "${SNAPSEAL_STACK_OPENSEARCH:-3}" in
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
OPENSEARCH_MAVEN_REPO="${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}/maven"
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
    "${candidates[*]:-nothing}). Install one, then run the command again, or set OPENSEARCH_JAVA=/path/to/bin/java:" \
    "$(opensearch_jdk_advice)" >&2
  return 1
}

# opensearch_jdk_package: the Debian package of a JDK for the target that apt can install here, if any.
opensearch_jdk_package() {
  local major package
  for major in 17 21 25; do
    ((major >= OPENSEARCH_MIN_JAVA)) || continue
    package=openjdk-$major-jdk-headless
    apt-cache show "$package" >/dev/null 2>&1 && echo "$package" && return 0
  done
  return 1
}

opensearch_jdk_advice() {
  local package
  if package=$(opensearch_jdk_package); then
    echo "apt-get install $package."
  elif ((OPENSEARCH_MIN_JAVA <= 17)); then
    echo "apt-get install openjdk-17-jdk-headless."
  else
    # Debian 12 (bookworm) ships JDK 17 only; Debian 13 (trixie) has openjdk-21-jdk-headless.
    echo "this system's apt sources have no openjdk-$OPENSEARCH_MIN_JAVA-jdk-headless (Debian 12 ships JDK 17" \
      "only; Debian 13: apt-get install openjdk-21-jdk-headless). On Debian 12 add Adoptium's apt repository" \
      "(https://adoptium.net/installation/linux/: deb https://packages.adoptium.net/artifactory/deb bookworm main)" \
      "and apt-get install temurin-21-jdk."
  fi
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
  # Maven compiles with the JDK that will run the node (release 21 needs a JDK 21+). Its output is shown only
  # when the build fails: on a newer JDK a successful build still prints warnings about Maven's own libraries
  # (sun.misc.Unsafe) and colour codes.
  local log
  log=$(mktemp)
  if ! JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$OPENSEARCH_JAVA_BIN")")")" \
    mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$OPENSEARCH_MAVEN_REPO" -f "$OPENSEARCH_DIR/pom.xml" \
    -P"$OPENSEARCH_PROFILE" package >"$log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
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
    jdk-package) opensearch_jdk_package ;;
    *)
      echo "usage: $0 build|cmd|java|jdk-package" >&2
      exit 2
      ;;
  esac
fi
