// Creates the staging and archive buckets idempotently: versioning and Object Lock on the archive bucket,
// and lifecycle rules (archive: to Glacier after N days, expire after the retention; staging: expire leftovers).
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { describeS3Error, isNotFound } from '../s3/s3-errors';

export interface BucketReport {
  bucket: string;
  created: boolean;
  objectLock: boolean;
  lifecycle: string[];
}

async function exists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if (isNotFound(err) || (err as { name?: string }).name === 'NotFound') return false;
    throw new Error(`Checking bucket "${bucket}" failed: ${describeS3Error(err)}`, { cause: err });
  }
}

async function create(s3: S3Client, bucket: string, objectLock: boolean, region: string): Promise<boolean> {
  if (await exists(s3, bucket)) return false;
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ObjectLockEnabledForBucket: objectLock,
        CreateBucketConfiguration:
          region === 'us-east-1' ? undefined : { LocationConstraint: region as never },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof BucketAlreadyOwnedByYou) return false;
    throw new Error(`Creating bucket "${bucket}" failed: ${describeS3Error(err)}`, { cause: err });
  }
}

export async function ensureBuckets(s3: S3Client, config: Config): Promise<BucketReport[]> {
  const policy = config.archive.lifecycle;
  const archiveCreated = await create(s3, config.archive.bucket, true, config.s3.region);
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: config.archive.bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  // Retention is set per object when an archive is sealed (SNAPSEAL_OBJECT_LOCK_DAYS), never on a half-written run.
  const archiveRule: LifecycleRule = {
    ID: 'snapseal-archive-retention',
    Status: 'Enabled',
    Filter: { Prefix: config.archive.prefix },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    ...(policy.transitions && policy.coldAfterDays > 0
      ? { Transitions: [{ Days: policy.coldAfterDays, StorageClass: policy.coldStorageClass }] }
      : {}),
    ...(policy.retentionDays > 0 ? { Expiration: { Days: policy.retentionDays } } : {}),
  };
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: config.archive.bucket,
      LifecycleConfiguration: { Rules: [archiveRule] },
    }),
  );

  const stagingCreated = await create(s3, config.staging.bucket, false, config.s3.region);
  // Staging is scratch space: a run cleans up after itself; this catches what a lost run left behind.
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: config.staging.bucket,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'snapseal-staging-leftovers',
            Status: 'Enabled',
            Filter: { Prefix: config.staging.prefix },
            Expiration: { Days: 14 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
          },
        ],
      },
    }),
  );
  const describeRule = (r: LifecycleRule): string[] => [
    ...(r.Transitions ?? []).map((t) => `transition to ${t.StorageClass} after ${t.Days} days`),
    ...(r.Expiration?.Days ? [`expire after ${r.Expiration.Days} days`] : []),
    `abort incomplete uploads after ${r.AbortIncompleteMultipartUpload?.DaysAfterInitiation} days`,
  ];
  return [
    {
      bucket: config.archive.bucket,
      created: archiveCreated,
      objectLock: true,
      lifecycle: describeRule(archiveRule),
    },
    {
      bucket: config.staging.bucket,
      created: stagingCreated,
      objectLock: false,
      lifecycle: ['expire leftovers after 14 days'],
    },
  ];
}
