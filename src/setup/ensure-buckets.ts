// Creates the staging and archive buckets idempotently: versioning and Object Lock on the archive bucket,
// versioning on the staging bucket (restores prove with it that the cluster read what they verified),
// and snapseal's own lifecycle rule on each (archive: to Glacier after N days, expire after the retention;
// staging: expire leftovers), merged by rule ID with rules it did not write, and the chain witness bucket with
// Object Lock (on by default: <archive bucket>-witness; SNAPSEAL_WITNESS_BUCKET=none opts out). Reports what is
// in force, read back.
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { describeS3Error, isNotFound } from '../s3/s3-errors';
import { describeDuration } from '../verify/assurance';

export interface BucketReport {
  bucket: string;
  created: boolean;
  /** Read back from the bucket (GetObjectLockConfiguration), not assumed. */
  objectLock: boolean;
  /** Read back from the bucket (GetBucketVersioning): Enabled, Suspended or off. */
  versioning: string;
  /** snapseal's own lifecycle rule, as now in force. */
  lifecycle: string[];
  /** Lifecycle rules snapseal did not write, kept as they were (by ID). */
  otherLifecycleRules: string[];
  /** What is not as snapseal needs it, and what to do. */
  warnings: string[];
}

async function exists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
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

const errorName = (err: unknown): string | undefined =>
  (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name;

async function objectLockEnabled(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    return got.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
  } catch (err) {
    if (errorName(err) === 'ObjectLockConfigurationNotFoundError' || isNotFound(err)) return false;
    throw new Error(`Reading the Object Lock setting of "${bucket}" failed: ${describeS3Error(err)}`, {
      cause: err,
    });
  }
}

async function versioningStatus(s3: S3Client, bucket: string): Promise<string> {
  const got = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  return got.Status ?? 'off';
}

async function lifecycleRules(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if (errorName(err) === 'NoSuchLifecycleConfiguration') return [];
    throw new Error(`Reading the lifecycle rules of "${bucket}" failed: ${describeS3Error(err)}`, {
      cause: err,
    });
  }
}

/** Puts snapseal's rule (replacing only a rule with the same ID); returns the IDs of the rules it kept. */
async function mergeLifecycleRule(s3: S3Client, bucket: string, rule: LifecycleRule): Promise<string[]> {
  const others = (await lifecycleRules(s3, bucket)).filter((r) => r.ID !== rule.ID);
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: { Rules: [...others, rule] },
    }),
  );
  const inForce = await lifecycleRules(s3, bucket);
  if (!inForce.some((r) => r.ID === rule.ID))
    throw new Error(`The lifecycle rule ${rule.ID} of "${bucket}" did not take effect`);
  return inForce.filter((r) => r.ID !== rule.ID).map((r) => r.ID ?? '(no id)');
}

const describeRule = (r: LifecycleRule): string[] => [
  ...(r.Transitions ?? []).map((t) => `transition to ${t.StorageClass} after ${t.Days} days`),
  ...(r.Expiration?.Days ? [`expire after ${r.Expiration.Days} days`] : []),
  `abort incomplete uploads after ${r.AbortIncompleteMultipartUpload?.DaysAfterInitiation} days`,
];

export async function ensureBuckets(s3: S3Client, config: Config): Promise<BucketReport[]> {
  const policy = config.archive.lifecycle;
  const archive = config.archive.bucket;
  const archiveCreated = await create(s3, archive, true, config.s3.region);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: archive, VersioningConfiguration: { Status: 'Enabled' } }),
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
  const archiveOthers = await mergeLifecycleRule(s3, archive, archiveRule);
  const archiveLock = await objectLockEnabled(s3, archive);
  const archiveVersioning = await versioningStatus(s3, archive);
  const archiveWarnings: string[] = [];
  if (!archiveLock) {
    archiveWarnings.push(
      `Object Lock is off on the existing bucket "${archive}"${config.archive.objectLockDays > 0 ? ` (SNAPSEAL_OBJECT_LOCK_DAYS=${config.archive.objectLockDays}: sealing will fail to lock)` : ''}: archives can be deleted or overwritten. Use a bucket created with Object Lock (let \`snapseal setup\` create it), or enable it with PutObjectLockConfiguration where the store allows${config.archive.objectLockDays > 0 ? '; only if you accept deletable archives, opt out with SNAPSEAL_OBJECT_LOCK_DAYS=0' : ''}.`,
    );
  }
  if (archiveVersioning !== 'Enabled')
    archiveWarnings.push(`Versioning of "${archive}" is ${archiveVersioning}, not Enabled`);

  const staging = config.staging.bucket;
  const stagingCreated = await create(s3, staging, false, config.s3.region);
  // Versioned, so that a restore can prove the cluster read only the versions it staged (any later write shows).
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: staging, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  // Staging is scratch space: a run cleans up after itself; this catches what a lost run left behind,
  // versions written over or deleted included.
  const stagingRule: LifecycleRule = {
    ID: 'snapseal-staging-leftovers',
    Status: 'Enabled',
    Filter: { Prefix: config.staging.prefix },
    Expiration: { Days: 14 },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
  };
  const stagingOthers = await mergeLifecycleRule(s3, staging, stagingRule);
  const stagingVersioning = await versioningStatus(s3, staging);
  const witness = config.witness ? [await ensureWitnessBucket(s3, config)] : [];
  return [
    {
      bucket: archive,
      created: archiveCreated,
      objectLock: archiveLock,
      versioning: archiveVersioning,
      lifecycle: describeRule(archiveRule),
      otherLifecycleRules: archiveOthers,
      warnings: archiveWarnings,
    },
    {
      bucket: staging,
      created: stagingCreated,
      objectLock: await objectLockEnabled(s3, staging),
      versioning: stagingVersioning,
      lifecycle: [
        'expire leftovers after 14 days',
        'expire noncurrent versions after 1 day',
        ...describeRule(stagingRule).slice(1),
      ],
      otherLifecycleRules: stagingOthers,
      warnings:
        stagingVersioning === 'Enabled'
          ? []
          : [`Versioning of "${staging}" is ${stagingVersioning}, not Enabled: restores will refuse to run`],
    },
    ...witness,
  ];
}

/** The chain witness (SNAPSEAL_WITNESS_BUCKET, by default <archive bucket>-witness): Object Lock is what makes it a witness, so it is required. */
async function ensureWitnessBucket(s3: S3Client, config: Config): Promise<BucketReport> {
  const { bucket, prefix, retentionSeconds } = config.witness!;
  const created = await create(s3, bucket, true, config.s3.region);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const objectLock = await objectLockEnabled(s3, bucket);
  return {
    bucket,
    created,
    objectLock,
    versioning: await versioningStatus(s3, bucket),
    lifecycle: [
      `one record per seal under ${prefix}, COMPLIANCE retention ${describeDuration(retentionSeconds)}`,
    ],
    otherLifecycleRules: [],
    warnings: objectLock
      ? []
      : [
          `Object Lock is off on the existing witness bucket "${bucket}": sealing will fail to write the chain witness. Give SNAPSEAL_WITNESS_BUCKET a bucket created with Object Lock (let \`snapseal setup\` create it).`,
        ],
  };
}
