// The chain of sealed archives. Each seal claims the next sequence number with a conditional write
// (If-None-Match: *), so two runs sealing at once can never both link to the same predecessor. Entries are
// chain/<8-digit sequence>.json; other objects under chain/ (key rotation records) are not entries.
// Entries are evidence: read version-aware, the oldest version of a key is the entry, and a delete marker or a
// later version over it (a plain DELETE hides a cut tail from ListObjectsV2; a plain PUT rewrites a link) is
// tampering named by the entry's key.
import { chainEntryKey, chainPrefix } from './archive-layout';
import type { ArchiveBucket } from '../buckets/buckets';
import type { KeyHistory } from '../buckets/bucket';
import { TamperedObjectError } from '../buckets/trust';
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

/** Every chain entry key that ever had a version or a delete marker, in sequence order. */
async function entryHistories(archive: ArchiveBucket): Promise<KeyHistory[]> {
  // Zero-padded: lexicographic order (histories are sorted by key) is numeric order.
  return (await archive.histories(chainPrefix(archive.prefix))).filter((h) =>
    isChainEntryKey(archive.prefix, h.key),
  );
}

function parseChainEntry(archive: ArchiveBucket, key: string, bytes: Buffer): ChainEntry {
  let entry: Partial<ChainEntry>;
  try {
    entry = JSON.parse(bytes.toString('utf8')) as Partial<ChainEntry>;
  } catch (err) {
    throw new TamperedObjectError(archive.name, key, `not a chain entry: ${(err as Error).message}`);
  }
  const sequence = Number(key.slice(-'00000000.json'.length, -'.json'.length));
  if (
    entry?.sequence !== sequence ||
    typeof entry.archiveId !== 'string' ||
    typeof entry.manifestSha256 !== 'string' ||
    entry.previous === undefined
  ) {
    throw new TamperedObjectError(archive.name, key, `not the chain entry of sequence ${sequence}`);
  }
  return entry as ChainEntry;
}

/**
 * The newest entry of the chain (the oldest version of the highest sequence's key), or undefined for an empty
 * chain. That entry deleted or written over throws TamperedObjectError naming it.
 */
export async function readChainHead(archive: ArchiveBucket): Promise<ChainEntry | undefined> {
  const head = (await entryHistories(archive)).at(-1);
  if (!head) return undefined;
  const { record, writtenOver } = await archive.readRecordOf(head);
  if (writtenOver) throw writtenOver;
  return parseChainEntry(archive, head.key, record!.bytes);
}

/** One entry (its oldest version), undefined when the sequence was never claimed; tampering throws. */
export async function readChainEntry(
  archive: ArchiveBucket,
  sequence: number,
): Promise<ChainEntry | undefined> {
  const key = chainEntryKey(archive.prefix, sequence);
  const stored = await archive.readEvidence(key);
  return stored ? parseChainEntry(archive, key, stored.bytes) : undefined;
}

export interface ChainEntries {
  /** Every entry as first written, in sequence order. */
  entries: ChainEntry[];
  /** Entries deleted (a delete marker), written over (a later version) or unreadable, each naming its key. */
  tampered: { sequence: number; error: TamperedObjectError }[];
}

/** Every entry ever claimed, version-aware, with the tampering found on the way. */
export async function readAllChainEntries(archive: ArchiveBucket): Promise<ChainEntries> {
  const out: ChainEntries = { entries: [], tampered: [] };
  for (const history of await entryHistories(archive)) {
    const sequence = Number(history.key.slice(-'00000000.json'.length, -'.json'.length));
    const { record, writtenOver } = await archive.readRecordOf(history);
    if (writtenOver) out.tampered.push({ sequence, error: writtenOver });
    if (!record) continue;
    try {
      out.entries.push(parseChainEntry(archive, history.key, record.bytes));
    } catch (err) {
      if (!(err instanceof TamperedObjectError)) throw err;
      out.tampered.push({ sequence, error: err });
    }
  }
  return out;
}

/** Claim `entry.sequence`; false when another seal took it first. */
export async function claimChainEntry(archive: ArchiveBucket, entry: ChainEntry): Promise<boolean> {
  try {
    await archive.put(chainEntryKey(archive.prefix, entry.sequence), `${JSON.stringify(entry, null, 2)}\n`, {
      IfNoneMatch: '*',
      ContentType: 'application/json',
    });
    return true;
  } catch (err) {
    if (isPreconditionFailed(err)) return false;
    throw err;
  }
}
