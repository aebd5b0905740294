// The last step of sealing: a third-party RFC 3161 time-stamp over the manifest's sha256, stored beside it as
// manifest.json.tsr under the same Object Lock retention, written once. A token is verified before it is stored
// or kept (signature, CA chain, time-stamping signer, imprint), so what the seal witnesses is evidence. Retry-safe:
// a stored token for this manifest that verifies is kept; any other stored token refuses the seal by name.
import { readFile } from 'node:fs/promises';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { FailureType, permanentFailure } from '../activities/failure-types';
import type { ArchiveBucket } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import type { Config } from '../config';
import { isPreconditionFailed } from '../s3/s3-errors';
import { parseReply, requestTimestamp, type TimestampReply } from './request-timestamp';
import { checkTokenSignature } from './verify-timestamp';

export interface StampTarget {
  archive: ArchiveBucket;
  archiveId: string;
  timestampKey: string;
  /** The exact manifest bytes the seal is about to store. */
  manifest: Buffer;
  manifestSha256: string;
  lock: Partial<PutObjectCommandInput>;
}

/**
 * Returns the token the seal obtained (or found stored from an earlier attempt) and verified, or undefined when
 * no TSA is configured. A TSA outage throws an ordinary (retryable) error, so the seal activity fails and
 * Temporal retries it: an archive is never reported sealed without its token, and the retry rebuilds the
 * identical manifest and reaches this step again.
 */
export async function stampManifest(
  evidence: Pick<Config['evidence'], 'tsaUrl' | 'tsaCaFile'>,
  t: StampTarget,
): Promise<TimestampReply | undefined> {
  if (!evidence.tsaUrl) return undefined;
  const caPem = await readCaBundle(evidence.tsaCaFile);
  const stored = await storedToken(t);
  if (stored) return acceptStored(t, stored, caPem);
  const reply = await requestTimestamp(evidence.tsaUrl, t.manifestSha256);
  const check = await checkTokenSignature(reply.der, t.manifest, caPem);
  if (check.problems.length > 0) {
    throw permanentFailure(
      FailureType.InvalidInput,
      `SNAPSEAL_TSA_URL ${evidence.tsaUrl} answered a token for ${t.archiveId} that does not verify against SNAPSEAL_TSA_CA_FILE ${evidence.tsaCaFile}: ${check.problems.join('; ')}. Nothing was stored.`,
    );
  }
  try {
    await t.archive.put(t.timestampKey, reply.der, {
      IfNoneMatch: '*',
      ContentType: 'application/timestamp-reply',
      ...t.lock,
    });
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
    // Someone wrote a token between the read and the write: only a verified one is accepted.
    return acceptStored(t, (await storedToken(t))!, caPem);
  }
  return reply;
}

async function readCaBundle(caFile: string | undefined): Promise<string> {
  try {
    if (!caFile) throw Object.assign(new Error('not set'), { code: 'empty' });
    return await readFile(caFile, 'utf8');
  } catch (err) {
    throw permanentFailure(
      FailureType.InvalidInput,
      `SNAPSEAL_TSA_CA_FILE ${caFile ?? ''} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): the seal checks each time-stamp token against it before storing it`,
    );
  }
}

/** The stored token, read version-aware (its first version); written over or deleted refuses the seal. */
async function storedToken(t: StampTarget): Promise<Buffer | undefined> {
  try {
    return (await t.archive.readEvidence(t.timestampKey))?.bytes;
  } catch (err) {
    if (!(err instanceof TamperedObjectError)) throw err;
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${t.archiveId}: ${err.message}`,
      err,
    );
  }
}

async function acceptStored(t: StampTarget, der: Buffer, caPem: string): Promise<TimestampReply> {
  const check = await checkTokenSignature(der, t.manifest, caPem);
  if (check.problems.length > 0) {
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${t.archiveId}: ${t.archive.url(t.timestampKey)} is already there and is no time-stamp of this manifest (${check.problems.join('; ')}): planted before the seal. Neither the manifest nor its signature was written.`,
    );
  }
  return { der, genTime: parseReply(der).genTime };
}
