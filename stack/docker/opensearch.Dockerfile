# OpenSearch 3.8.0 (the stack's default target) with the official repository-s3 plugin; S3 credentials go into
# the keystore at start-up. OPENSEARCH_VERSION=2.19.1 builds the second target.
ARG OPENSEARCH_VERSION=3.8.0
FROM opensearchproject/opensearch:${OPENSEARCH_VERSION}
RUN /usr/share/opensearch/bin/opensearch-plugin install --batch repository-s3
COPY --chown=opensearch:opensearch opensearch-entrypoint.sh /usr/share/opensearch/snapseal-entrypoint.sh
ENTRYPOINT ["/bin/bash", "/usr/share/opensearch/snapseal-entrypoint.sh"]
