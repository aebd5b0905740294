// The chain of sealed archives. Each seal claims the next sequence number with a conditional write
// (If-None-Match: *), so two runs sealing at once can never both link to the same predecessor. Entries are
// chain/<8-digit sequence>.json; other objects under chain/ (key rotation records) are not entries.
import type { S3Client } from '@aws-sdk/client-s3';
import { chainEntryKey, chainPrefix } from './archive-layout';
import { listObjects, readJson, writeObject } from '../s3/s3-objects';
import { isPreconditionFailed } from '../s3/s3-errors';

export interface ChainLink {
  archiveId: string;
  manifestSha256: string;
}

export interface ChainEntry extends ChainLink {
  sequence: number;
  manifestKey: string;
  previous: ChainLink | null;
}

/** Whether `key` is a chain entry (chain/00000001.json), not another object beside the chain. */
export function isChainEntryKey(archivePrefix: string, key: string): boolean {
  return /^\d{8}\.json$/.test(key.slice(chainPrefix(archivePrefix).length));
}

/** The newest entry of the chain, or undefined for an empty chain. */
export async function readChainHead(
  s3: S3Client,
  bucket: string,
  archivePrefix: string,
): Promise<ChainEntry | undefined> {
  let lastKey: string | undefined;
  for await (const o of listObjects(s3, bucket, chainPrefix(archivePrefix))) {
    if (isChainEntryKey(archivePrefix, o.key)) lastKey = o.key; // zero-padded: lexicographic order is numeric order
  }
  return lastKey ? readJson<ChainEntry>(s3, bucket, lastKey) : undefined;
}

export async function readAllChainEntries(
  s3: S3Client,
  bucket: string,
  archivePrefix: string,
): Promise<ChainEntry[]> {
  const entries: ChainEntry[] = [];
  for await (const o of listObjects(s3, bucket, chainPrefix(archivePrefix))) {
    if (!isChainEntryKey(archivePrefix, o.key)) continue;
    const entry = await readJson<ChainEntry>(s3, bucket, o.key);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Claim `entry.sequence`; false when another seal took it first. */
export async function claimChainEntry(
  s3: S3Client,
  bucket: string,
  archivePrefix: string,
  entry: ChainEntry,
): Promise<boolean> {
  try {
    await writeObject(
      s3,
      bucket,
      chainEntryKey(archivePrefix, entry.sequence),
      `${JSON.stringify(entry, null, 2)}\n`,
      {
        IfNoneMatch: '*',
        ContentType: 'application/json',
      },
    );
    return true;
  } catch (err) {
    if (isPreconditionFailed(err)) return false;
    throw err;
  }
}
