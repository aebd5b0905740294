// The activity boundary for S3 errors: an S3 error the adapter classifies as permanent (access denied, bad
// credentials, a missing bucket, a rejected request) fails the activity at once, naming the action, bucket
// and key, instead of being retried like an outage. So does a TamperedObjectError from a bucket adapter (bytes
// that differ from what vouches for them): retrying reads the same tampered object again; and a staging bucket
// written without versions, where an overwrite of the snapshot could not be seen.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  classifyS3Error,
  describeS3Error,
  describeS3Operation,
  findS3Error,
  s3OperationOf,
} from '../s3/s3-errors';
import { UnversionedStagingError } from '../buckets/snapshot-repository';
import { TamperedObjectError } from '../buckets/trust';
import { FailureType, permanentFailure } from './failure-types';

/** The permanent failure an error stands for, when it is (or wraps) a permanent S3 error; else undefined. */
export function permanentS3Failure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return undefined;
  const tampered = causeOfType(err, TamperedObjectError);
  if (tampered) {
    return permanentFailure(
      FailureType.ArchiveTampered,
      `${tampered.message}. Nothing was signed or restored from it; run "snapseal verify --chain"`,
      err,
    );
  }
  const unversioned = causeOfType(err, UnversionedStagingError);
  if (unversioned) return permanentFailure(FailureType.BucketUnusable, unversioned.message, err);
  const s3Error = findS3Error(err);
  if (!s3Error || classifyS3Error(s3Error) !== 'permanent') return undefined;
  return permanentFailure(
    FailureType.S3Rejected,
    `S3 refused ${describeS3Operation(s3OperationOf(s3Error))}: ${describeS3Error(s3Error)}`,
    err,
  );
}

function causeOfType<E extends Error>(
  err: unknown,
  type: abstract new (...args: never[]) => E,
): E | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof type) return e;
  }
  return undefined;
}

export function failPermanentS3Errors<A extends unknown[], R>(
  activity: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await activity(...args);
    } catch (err) {
      throw permanentS3Failure(err) ?? err;
    }
  };
}
