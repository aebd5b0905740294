// The three buckets snapseal uses, each behind its own adapter, built once per process from the configuration.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { Bucket } from './bucket';

/** The archive bucket: volumes, manifests, signatures, time-stamp tokens, retention records, the chain. */
export class ArchiveBucket extends Bucket {}

/** The staging bucket: the cluster's snapshot repository and each run's work folder (plan, volume records). */
export class StagingBucket extends Bucket {}

/** The witness bucket: one written-once record per sealed sequence, under COMPLIANCE retention. */
export class WitnessBucket extends Bucket {}

export interface Buckets {
  archive: ArchiveBucket;
  staging: StagingBucket;
  /** Undefined when no witness is configured. */
  witness?: WitnessBucket;
}

export function createBuckets(
  config: Pick<Config, 'archive' | 'staging' | 'witness'>,
  s3: S3Client,
): Buckets {
  return {
    archive: new ArchiveBucket(s3, config.archive.bucket, config.archive.prefix),
    staging: new StagingBucket(s3, config.staging.bucket, config.staging.prefix),
    ...(config.witness
      ? { witness: new WitnessBucket(s3, config.witness.bucket, config.witness.prefix) }
      : {}),
  };
}

/**
 * The archive bucket's adapter for code handed a ManifestStore-shaped location (the CLI's verify and
 * rotate-key, the chain checks) rather than the worker's Buckets.
 */
export function archiveBucketOf(store: {
  s3: S3Client;
  bucket: string;
  archivePrefix: string;
}): ArchiveBucket {
  return new ArchiveBucket(store.s3, store.bucket, store.archivePrefix);
}

/** The witness bucket's adapter, undefined when no witness is configured. */
export function witnessBucketOf(
  s3: S3Client,
  witness: Pick<NonNullable<Config['witness']>, 'bucket' | 'prefix'> | undefined,
): WitnessBucket | undefined {
  return witness ? new WitnessBucket(s3, witness.bucket, witness.prefix) : undefined;
}
