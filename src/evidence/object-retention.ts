// Reads back the Object Lock retention an object carries now (GetObjectRetention), as plain data.
import { GetObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeS3Error, isNotFound } from '../s3/s3-errors';
import type { ObjectLockMode } from './retention-promise';

export interface ObjectRetention {
  key: string;
  /** null: the object carries no retention (or is gone). */
  mode: ObjectLockMode | null;
  /** ISO 8601, null without retention. */
  retainUntil: string | null;
}

const NO_RETENTION = new Set(['NoSuchObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError']);

export async function readObjectRetention(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<ObjectRetention> {
  try {
    const got = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key }));
    const mode = got.Retention?.Mode;
    const until = got.Retention?.RetainUntilDate;
    return {
      key,
      mode: mode === 'GOVERNANCE' || mode === 'COMPLIANCE' ? mode : null,
      retainUntil: until ? new Date(until).toISOString() : null,
    };
  } catch (err) {
    const name = (err as { Code?: string; name?: string }).Code ?? (err as { name?: string }).name ?? '';
    if (NO_RETENTION.has(name) || isNotFound(err)) return { key, mode: null, retainUntil: null };
    throw new Error(`Reading the retention of s3://${bucket}/${key} failed: ${describeS3Error(err)}`, {
      cause: err,
    });
  }
}

/** The retention of many objects, a few reads in flight, in the order given. */
export async function readRetentions(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  inFlight = 16,
): Promise<ObjectRetention[]> {
  const out = new Array<ObjectRetention>(keys.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let i = next++; i < keys.length; i = next++)
      out[i] = await readObjectRetention(s3, bucket, keys[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, keys.length) }, reader));
  return out;
}
