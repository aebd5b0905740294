// The non-retryable failure types snapseal raises; workflows and the CLI match on these names.
import { ApplicationFailure } from '@temporalio/common';

export const FailureType = {
  InvalidInput: 'InvalidInput',
  IndexNotFound: 'IndexNotFound',
  BucketUnusable: 'BucketUnusable',
  ClusterRejected: 'ClusterRejected',
  SnapshotFailed: 'SnapshotFailed',
  StagingChanged: 'StagingChanged',
  KeyUnusable: 'KeyUnusable',
  ArchiveTampered: 'ArchiveTampered',
  RestoreMismatch: 'RestoreMismatch',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** A failure Temporal must not retry: the input or the environment has to change first. */
export function permanentFailure(type: FailureType, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
