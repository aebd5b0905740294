#!/usr/bin/env bash
# What only the tests use, on top of scripts/bootstrap.sh (npm test runs both; the demo only the first):
# interoperability tools, a JDK and launcher for the second OpenSearch target, kubeconform with the Kubernetes
# API spec, promtool, pysequoia.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

need_apt=()
# Interoperability tests: GnuPG, Sequoia keys, and the by-hand procedure (gpgv, jq, an S3 client).
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v sq >/dev/null || need_apt+=(sq)
command -v gpgv >/dev/null || need_apt+=(gpgv)
command -v jq >/dev/null || need_apt+=(jq)
command -v aws >/dev/null || need_apt+=(awscli)
# A JDK for each OpenSearch target (3.x: 21+, 2.19: 17+), found where scripts/opensearch.sh looks, else from apt.
for target in 3 2.19; do
  SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh java >/dev/null 2>&1 && continue
  if jdk=$(SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh jdk-package); then
    [[ " ${need_apt[*]-} " == *" $jdk "* ]] || need_apt+=("$jdk")
  else
    SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh java >/dev/null || exit 1 # says what to install
  fi
done
# The Elasticsearch node (scripts/elasticsearch.sh): its distribution is a zip, its CA and certificates openssl's.
command -v unzip >/dev/null || need_apt+=(unzip)
command -v openssl >/dev/null || need_apt+=(openssl)
# promtool checks and unit-tests deploy/prometheus/snapseal-alerts.yml (the service itself is not started).
command -v promtool >/dev/null || need_apt+=(prometheus)
# shellcheck source=scripts/apt-missing.sh
. scripts/apt-missing.sh
install_missing bootstrap-tests ${need_apt[@]+"${need_apt[@]}"}

# Both OpenSearch launchers, with everything they need from Maven Central (cached in ~/.cache/snapseal/maven);
# a build is redone only when stack/opensearch changed.
for target in 3 2.19; do
  SNAPSEAL_STACK_OPENSEARCH=$target bash scripts/opensearch.sh build
done

# kubeconform and the Kubernetes API's swagger.json validate deploy/kubernetes offline
# (test/unit/deploy/kubernetes-manifests.test.ts): both from the Go module proxy, cached like MinIO's build.
CACHE_DIR=${SNAPSEAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/snapseal}
KUBECONFORM_VERSION=v0.7.0
KUBERNETES_VERSION=v1.31.4
if [ ! -x "$CACHE_DIR/kubeconform-$KUBECONFORM_VERSION/kubeconform" ]; then
  echo "[bootstrap-tests] building kubeconform $KUBECONFORM_VERSION with go install" >&2
  GOBIN=$CACHE_DIR/kubeconform-$KUBECONFORM_VERSION GOFLAGS=-mod=mod \
    go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi
swagger=$CACHE_DIR/kubernetes-$KUBERNETES_VERSION/swagger.json
if [ ! -f "$swagger" ]; then
  echo "[bootstrap-tests] fetching the Kubernetes $KUBERNETES_VERSION API spec (k8s.io/kubernetes Go module)" >&2
  module_dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  mkdir -p "$(dirname "$swagger")"
  cp "$module_dir/api/openapi-spec/swagger.json" "$swagger"
fi

# mc, for the per-role MinIO users of the least-privilege test.
bash scripts/minio-client.sh >/dev/null

# Sequoia keys of RFC 9580 (a v4 key advertising SEIPDv2, a v6 key) for test/integration/recipient-keys.test.ts:
# Debian 12's sq 0.27 makes neither; pysequoia (PyPI, built on sequoia-openpgp 2) does.
PYSEQUOIA_VERSION=0.1.35
pysequoia=$CACHE_DIR/pysequoia
if [ "$(cat "$pysequoia/version" 2>/dev/null)" != "$PYSEQUOIA_VERSION" ]; then
  echo "[bootstrap-tests] installing pysequoia $PYSEQUOIA_VERSION (PyPI) into $pysequoia" >&2
  rm -rf "$pysequoia"
  python3 -m venv "$pysequoia"
  "$pysequoia/bin/pip" install --quiet --disable-pip-version-check "pysequoia==$PYSEQUOIA_VERSION"
  echo "$PYSEQUOIA_VERSION" >"$pysequoia/version"
fi
