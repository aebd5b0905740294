// The last step of sealing: a third-party RFC 3161 time-stamp over the manifest's sha256 from each authority of
// SNAPSEAL_TSA_URLS, stored beside it (manifest.json.tsr, manifest.json.tsr.2, ...) under the same Object Lock
// retention, each written once. A token is verified before it is stored or kept (signature, CA chain,
// time-stamping signer, imprint), so what the seal witnesses is evidence. Retry-safe: a stored token for this
// manifest that verifies is kept; any other stored token refuses the seal by name.
import { readFile } from 'node:fs/promises';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { FailureType, permanentFailure } from '../activities/failure-types';
import type { ArchiveBucket } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import type { Config } from '../config';
import { isPreconditionFailed } from '../s3/s3-errors';
import { parseReply, requestTimestamp, TimestampError, type TimestampReply } from './request-timestamp';
import { checkTokenSignature } from './verify-timestamp';

export interface StampTarget {
  archive: ArchiveBucket;
  archiveId: string;
  /** Where the token of authority `index` (SNAPSEAL_TSA_URLS order) is stored (ArchiveLayout.timestampKeyOf). */
  timestampKeyOf(index: number): string;
  /** The exact manifest bytes the seal is about to store. */
  manifest: Buffer;
  manifestSha256: string;
  lock: Partial<PutObjectCommandInput>;
}

/** A verified token of one authority, stored at `key`. */
export interface StampedToken {
  authority: number;
  key: string;
  reply: TimestampReply;
}

/** Fewer authorities than SNAPSEAL_TSA_POLICY asks for gave a token: retryable, nothing was stored. */
export class TimestampAuthoritiesUnreachable extends Error {
  override name = 'TimestampAuthoritiesUnreachable';
}

type StampSettings = Pick<Config['evidence'], 'tsaUrls' | 'tsaRequired' | 'tsaCaFile'>;

/**
 * Returns the tokens the seal obtained (or found stored from an earlier attempt) and verified, one per authority
 * that answered, or [] when no TSA is configured. Fewer than `tsaRequired` throws an ordinary (retryable)
 * TimestampAuthoritiesUnreachable before anything is stored, so the seal activity fails and Temporal retries it:
 * an archive is never reported sealed without the tokens its policy asks for.
 */
export async function stampManifest(evidence: StampSettings, t: StampTarget): Promise<StampedToken[]> {
  if (evidence.tsaUrls.length === 0) return [];
  const caPem = await readCaBundle(evidence.tsaCaFile);
  const kept: StampedToken[] = [];
  const obtained: StampedToken[] = [];
  const failures: string[] = [];
  for (const [authority, url] of evidence.tsaUrls.entries()) {
    const key = t.timestampKeyOf(authority);
    const stored = await storedToken(t, key);
    if (stored) {
      kept.push({ authority, key, reply: await acceptStored(t, key, stored, caPem) });
      continue;
    }
    let reply: TimestampReply;
    try {
      reply = await requestTimestamp(url, t.manifestSha256);
    } catch (err) {
      if (!(err instanceof TimestampError)) throw err;
      failures.push(err.message);
      continue;
    }
    const check = await checkTokenSignature(reply.der, t.manifest, caPem);
    if (check.problems.length > 0) {
      throw permanentFailure(
        FailureType.InvalidInput,
        `Time-stamp authority ${url} (SNAPSEAL_TSA_URLS) answered a token for ${t.archiveId} that does not verify against SNAPSEAL_TSA_CA_FILE ${evidence.tsaCaFile}: ${check.problems.join('; ')}. Nothing was stored.`,
      );
    }
    obtained.push({ authority, key, reply });
  }
  const count = kept.length + obtained.length;
  if (count < evidence.tsaRequired) {
    throw new TimestampAuthoritiesUnreachable(
      `${count} of ${evidence.tsaUrls.length} time-stamp authorities gave a token for ${t.archiveId}, SNAPSEAL_TSA_POLICY asks for ${evidence.tsaRequired}: ${failures.join('; ')}. Nothing was stored; the seal is retried.`,
    );
  }
  for (const token of obtained) kept.push(await storeToken(t, token, caPem));
  return kept.sort((a, b) => a.authority - b.authority);
}

async function storeToken(t: StampTarget, token: StampedToken, caPem: string): Promise<StampedToken> {
  try {
    await t.archive.put(token.key, token.reply.der, {
      IfNoneMatch: '*',
      ContentType: 'application/timestamp-reply',
      ...t.lock,
    });
    return token;
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
    // Someone wrote a token between the read and the write: only a verified one is accepted.
    const stored = (await storedToken(t, token.key))!;
    return { ...token, reply: await acceptStored(t, token.key, stored, caPem) };
  }
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
async function storedToken(t: StampTarget, key: string): Promise<Buffer | undefined> {
  try {
    return (await t.archive.readEvidence(key))?.bytes;
  } catch (err) {
    if (!(err instanceof TamperedObjectError)) throw err;
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${t.archiveId}: ${err.message}`,
      err,
    );
  }
}

async function acceptStored(
  t: StampTarget,
  key: string,
  der: Buffer,
  caPem: string,
): Promise<TimestampReply> {
  const check = await checkTokenSignature(der, t.manifest, caPem);
  if (check.problems.length > 0) {
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${t.archiveId}: ${t.archive.url(key)} is already there and is no time-stamp of this manifest (${check.problems.join('; ')}): planted before the seal. Neither the manifest nor its signature was written.`,
    );
  }
  return { der, genTime: parseReply(der).genTime };
}
