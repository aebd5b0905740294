// Builds the one OpenSearch client a process uses: basic auth, or AWS SigV4 for Amazon OpenSearch Service.
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Config } from '../config';

export function createOpenSearchClient(config: Config['opensearch'], region: string): Client {
  const auth =
    config.username !== undefined
      ? { username: config.username, password: config.password?.reveal() ?? '' }
      : undefined;
  if (config.awsSigv4Service) {
    const service = config.awsSigv4Service;
    return new Client({
      node: config.url,
      ...AwsSigv4Signer({ region, service, getCredentials: () => defaultProvider()() }),
      requestTimeout: 30_000,
    });
  }
  return new Client({ node: config.url, auth, requestTimeout: 30_000 });
}
