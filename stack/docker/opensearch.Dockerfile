# OpenSearch 2.19.1 with the repository-s3 plugin; S3 credentials go into the keystore at start-up.
FROM opensearchproject/opensearch:2.19.1
RUN /usr/share/opensearch/bin/opensearch-plugin install --batch repository-s3
COPY --chown=opensearch:opensearch opensearch-entrypoint.sh /usr/share/opensearch/snapseal-entrypoint.sh
ENTRYPOINT ["/bin/bash", "/usr/share/opensearch/snapseal-entrypoint.sh"]
