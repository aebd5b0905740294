// The archive a restore drill tests: the newest one a signed manifest vouches for. The chain index (chain/) is
// unsigned, so it only says where to look, newest first; an entry counts when the manifest it names is signed
// by a trusted archiver, is the archive the entry names, carries the entry's sequence number and has the
// entry's digest. An entry planted or written over by a bucket writer is passed over, with the reason.
import {
  authenticateManifest,
  ManifestNotAuthentic,
  type ManifestStore,
} from '../archive/authenticated-manifest';
import { ArchiveDateError, assertArchiveId } from '../archive/archive-date';
import { chainPrefix } from '../archive/archive-layout';
import { isChainEntryKey, type ChainEntry } from '../archive/archive-chain';
import type { Bucket } from '../buckets/bucket';
import { TamperedObjectError } from '../buckets/trust';

export interface PassedOver {
  key: string;
  reason: string;
}

export async function newestAuthenticArchive(
  archive: Bucket,
  store: ManifestStore,
  passOver: (entry: PassedOver) => void,
): Promise<string | undefined> {
  const keys = (await archive.histories(chainPrefix(store.archivePrefix)))
    .map((h) => h.key)
    .filter((key) => isChainEntryKey(store.archivePrefix, key))
    .sort()
    .reverse(); // zero-padded: lexicographic order is numeric order
  for (const key of keys) {
    const sequence = Number.parseInt(key.slice(chainPrefix(store.archivePrefix).length), 10);
    let entry: Partial<ChainEntry>;
    try {
      const record = await archive.readEvidence(key);
      if (!record) continue; // deleted: nothing to look at
      entry = JSON.parse(record.bytes.toString('utf8')) as Partial<ChainEntry>;
    } catch (err) {
      if (!(err instanceof TamperedObjectError) && !(err instanceof SyntaxError)) throw err;
      passOver({ key, reason: err.message });
      continue;
    }
    if (typeof entry.archiveId !== 'string') {
      passOver({ key, reason: 'names no archive' });
      continue;
    }
    try {
      assertArchiveId(entry.archiveId);
      const authentic = await authenticateManifest(store, entry.archiveId);
      const why =
        authentic.manifest.sequence !== sequence
          ? `archive ${entry.archiveId}'s signed manifest has sequence ${authentic.manifest.sequence}, not ${sequence}`
          : authentic.ref.sha256 !== entry.manifestSha256
            ? `the manifest digest it gives is not that of archive ${entry.archiveId}'s signed manifest`
            : undefined;
      if (!why) return entry.archiveId;
      passOver({ key, reason: why });
    } catch (err) {
      // Anything else (S3 unreachable) is thrown, and the activity retried.
      if (!(err instanceof ManifestNotAuthentic) && !(err instanceof ArchiveDateError)) throw err;
      passOver({ key, reason: err.message });
    }
  }
  return undefined;
}
