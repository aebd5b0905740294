#!/bin/bash
# Put the S3 client credentials into the keystore (they are secure settings), then start OpenSearch as usual.
set -euo pipefail
cd /usr/share/opensearch
[ -f config/opensearch.keystore ] || bin/opensearch-keystore create
printf '%s' "$S3_ACCESS_KEY" | bin/opensearch-keystore add --stdin --force s3.client.default.access_key
printf '%s' "$S3_SECRET_KEY" | bin/opensearch-keystore add --stdin --force s3.client.default.secret_key
unset S3_ACCESS_KEY S3_SECRET_KEY
exec ./opensearch-docker-entrypoint.sh opensearch
