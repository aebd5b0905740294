// The last step of sealing: a third-party RFC 3161 time-stamp over the manifest's sha256, stored beside it as
// manifest.json.tsr under the same Object Lock retention. Retry-safe: a stored token for this digest is kept.
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { FailureType, permanentFailure } from '../activities/failure-types';
import { readObjectBytes } from './read-object-bytes';
import { parseReply, requestTimestamp } from './request-timestamp';
import { writeObject } from '../s3/s3-objects';

export interface StampTarget {
  s3: S3Client;
  bucket: string;
  timestampKey: string;
  manifestSha256: string;
  lock: Partial<PutObjectCommandInput>;
}

/**
 * Returns the token's genTime, or undefined when no TSA is configured. A TSA outage throws an ordinary
 * (retryable) error, so the seal activity fails and Temporal retries it: an archive is never reported sealed
 * without its token, and the retry rebuilds the identical manifest and reaches this step again.
 */
export async function stampManifest(tsaUrl: string | undefined, t: StampTarget): Promise<string | undefined> {
  if (!tsaUrl) return undefined;
  const stored = await readObjectBytes(t.s3, t.bucket, t.timestampKey);
  if (stored) {
    const parsed = parseReply(stored);
    if (parsed.imprintHex === t.manifestSha256) return parsed.genTime;
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `${t.timestampKey} stamps digest ${parsed.imprintHex}, not this manifest's sha256 ${t.manifestSha256}`,
    );
  }
  const reply = await requestTimestamp(tsaUrl, t.manifestSha256);
  await writeObject(t.s3, t.bucket, t.timestampKey, reply.der, {
    ContentType: 'application/timestamp-reply',
    ...t.lock,
  });
  return reply.genTime;
}
