// Third-party RFC 3161 time-stamps over the manifest's sha256 from each authority of SNAPSEAL_TSA_URLS: obtained
// before the seal claims its chain link (an outage decides whether the manifest declares a late stamp), stored
// beside it (manifest.json.tsr, manifest.json.tsr.2, ...) under the same Object Lock retention, each written once.
// A token is verified before it is stored or kept (signature, CA chain, time-stamping signer, imprint), so what
// the seal witnesses is evidence. Retry-safe: a stored token for this manifest that verifies is kept; any other
// stored token refuses the seal by name. `snapseal stamp` stores the tokens of a late-stamped archive the same way.
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
 * The seal attempt from which an outage no longer fails the seal: the manifest is sealed declaring `lateStamp`
 * instead (src/activities/seal-archive.ts). Attempts 1-4 are retried with the seal's retry policy (2, 4, 8, 16 s
 * apart: about 30 s), so an authority that is down for less still stamps the archive on time.
 */
export const LATE_STAMP_FROM_ATTEMPT = 5;

/**
 * The tokens for this manifest, one per authority that answered, each verified: a stored one (an earlier attempt)
 * or a new one, not yet stored; [] when no TSA is configured. Fewer than `tsaRequired` throws an ordinary
 * (retryable) TimestampAuthoritiesUnreachable: nothing was stored.
 */
export async function obtainTokens(evidence: StampSettings, t: StampTarget): Promise<ObtainedTokens> {
  const obtained: ObtainedTokens = { kept: [], fresh: [] };
  if (evidence.tsaUrls.length === 0) return obtained;
  const caPem = await readCaBundle(evidence.tsaCaFile);
  const failures: string[] = [];
  for (const [authority, url] of evidence.tsaUrls.entries()) {
    const key = t.timestampKeyOf(authority);
    const stored = await storedToken(t, key);
    if (stored) {
      obtained.kept.push({ authority, key, reply: await acceptStored(t, key, stored, caPem) });
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
    obtained.fresh.push({ authority, key, reply });
  }
  const count = obtained.kept.length + obtained.fresh.length;
  if (count < evidence.tsaRequired) {
    throw new TimestampAuthoritiesUnreachable(
      `${count} of ${evidence.tsaUrls.length} time-stamp authorities gave a token for ${t.archiveId}, SNAPSEAL_TSA_POLICY asks for ${evidence.tsaRequired}: ${failures.join('; ')}. Nothing was stored.`,
    );
  }
  return obtained;
}

export interface ObtainedTokens {
  /** Verified tokens already stored for this manifest. */
  kept: StampedToken[];
  /** Verified tokens to store. */
  fresh: StampedToken[];
}

/** Stores the fresh tokens (written once) and returns every token of the manifest, in authority order. */
export async function storeTokens(
  evidence: StampSettings,
  t: StampTarget,
  obtained: ObtainedTokens,
): Promise<StampedToken[]> {
  const all = [...obtained.kept];
  if (obtained.fresh.length > 0) {
    const caPem = await readCaBundle(evidence.tsaCaFile);
    for (const token of obtained.fresh) all.push(await storeToken(t, token, caPem));
  }
  return all.sort((a, b) => a.authority - b.authority);
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
