// The names of snapseal's permanent failures (retrying cannot help). One list: activities raise them,
// workflows tell Temporal not to retry them, the CLI and tests match on them.
export const FailureType = {
  InvalidInput: 'InvalidInput',
  IndexNotFound: 'IndexNotFound',
  BucketUnusable: 'BucketUnusable',
  /** S3 refused a request (access denied, bad credentials, missing bucket): names the action, bucket and key. */
  S3Rejected: 'S3Rejected',
  ClusterRejected: 'ClusterRejected',
  SnapshotFailed: 'SnapshotFailed',
  StagingChanged: 'StagingChanged',
  KeyUnusable: 'KeyUnusable',
  ArchiveTampered: 'ArchiveTampered',
  RestoreMismatch: 'RestoreMismatch',
  /** The cluster did not finish restoring within the restore workflow's limit (RESTORE_WAIT_LIMIT_MS). */
  RestoreTimedOut: 'RestoreTimedOut',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const PERMANENT_FAILURE_TYPES: string[] = Object.values(FailureType);
