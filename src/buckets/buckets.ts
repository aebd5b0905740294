// The three buckets snapseal uses, each behind its own adapter, built once per process from the configuration.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { createS3Client } from '../s3/create-s3-client';
import type { StreamUpload } from '../s3/upload-stream';
import { Bucket } from './bucket';
import { deleteEveryVersion, startStagedUpload, versioningOf } from './restore-staging';

/** The archive bucket: volumes, manifests, signatures, time-stamp tokens, retention records, the chain. */
export class ArchiveBucket extends Bucket {}

/** The staging bucket: the cluster's snapshot repository and each run's work folder (plan, volume records). */
export class StagingBucket extends Bucket {
  // --- Restore staging (./restore-staging.ts): what the cluster reads must be the versions snapseal wrote. ---

  /** 'Enabled', 'Suspended' or 'off': a restore needs 'Enabled' to see any write after its own. */
  versioning(): Promise<string> {
    return versioningOf(this);
  }

  /** Streams one verified file to `key`; `done` gives the version written. */
  startStagedUpload(key: string, sizes: { partSizeBytes: number; queueSize: number }): StreamUpload {
    return startStagedUpload(this, key, sizes);
  }

  /** Every version and delete marker under `prefix` (narrowed by `which`) removed; returns the keys removed. */
  deleteEveryVersion(prefix: string, which?: (key: string) => boolean): Promise<number> {
    return deleteEveryVersion(this, prefix, which);
  }
}

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
