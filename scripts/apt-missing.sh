# Sourced by bootstrap.sh, bootstrap-tests.sh and bench.sh: install_missing TAG PACKAGE... installs the Debian packages named
# (those whose tools are missing) when running as root with apt, or stops with the list to install by hand.
install_missing() {
  local tag=$1
  shift
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[$tag] installing $* from apt" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "[$tag] missing tools: $*; install them with your package manager (Debian: apt-get install $*)" >&2
    exit 1
  fi
}
