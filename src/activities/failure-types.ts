// Raising snapseal's permanent failures as non-retryable ApplicationFailures.
import { ApplicationFailure } from '@temporalio/common';
import type { FailureType } from '../failure-types';

export { FailureType } from '../failure-types';

/** A failure Temporal must not retry: the input or the environment has to change first. */
export function permanentFailure(type: FailureType, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
