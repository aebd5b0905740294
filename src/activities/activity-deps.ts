// What activities need from the process around them, built once in worker.ts (or a test) and injected.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import type { Buckets } from '../buckets/buckets';
import type { Config } from '../config';
import type { ArchiveKeys } from '../keys/load-archive-keys';

export interface ActivityDeps {
  config: Config;
  s3: S3Client;
  opensearch: Client;
  keys: ArchiveKeys;
  /** The archive, staging and witness buckets' adapters: every read says what vouches for its bytes. */
  buckets: Buckets;
}
