// Builds the one cluster client a process uses (OpenSearch or Elasticsearch): basic auth, or AWS SigV4 for Amazon
// OpenSearch Service; over HTTPS it trusts SNAPSEAL_OPENSEARCH_TLS_CA_FILE when set, else the system CAs.
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Config } from '../config';

export function createOpenSearchClient(config: Config['opensearch'], region: string): Client {
  // Certificates are always checked; a CA file only says which CAs to trust.
  const ssl = config.tlsCa !== undefined ? { ca: config.tlsCa } : undefined;
  const auth =
    config.username !== undefined
      ? { username: config.username, password: config.password?.reveal() ?? '' }
      : undefined;
  if (config.awsSigv4Service) {
    const service = config.awsSigv4Service;
    return new Client({
      node: config.url,
      ...AwsSigv4Signer({ region, service, getCredentials: () => defaultProvider()() }),
      ssl,
      requestTimeout: 30_000,
    });
  }
  return new Client({ node: config.url, auth, ssl, requestTimeout: 30_000 });
}
