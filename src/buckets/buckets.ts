// The three buckets snapseal uses, each behind its own adapter, built once per process from the configuration.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { createS3Client } from '../s3/create-s3-client';
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

/**
 * The adapters over the process's S3 client; the witness's over a client of its own when the witness writer has
 * its own credentials (SNAPSEAL_WITNESS_S3_*), so the credentials that write volumes and manifests cannot write it.
 */
export function createBuckets(
  config: Pick<Config, 'archive' | 'staging' | 'witness' | 's3'>,
  s3: S3Client,
): Buckets {
  const { witness } = config;
  const witnessS3 = witness?.credentials
    ? createS3Client({ ...config.s3, credentials: witness.credentials })
    : s3;
  return {
    archive: new ArchiveBucket(s3, config.archive.bucket, config.archive.prefix),
    staging: new StagingBucket(s3, config.staging.bucket, config.staging.prefix),
    ...(witness ? { witness: new WitnessBucket(witnessS3, witness.bucket, witness.prefix) } : {}),
  };
}
