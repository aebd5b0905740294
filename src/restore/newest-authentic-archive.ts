// The archive a restore drill tests: the newest one a signed manifest vouches for. The chain index (chain/) is
// unsigned, so it only says where to look, newest first; an entry counts when the manifest it names is signed
// by a trusted archiver, is the archive the entry names, carries the entry's sequence number and has the
// entry's digest. An entry planted by a bucket writer (a key that never held a sealed link) is passed over,
// with the reason. But an entry, or the manifest it names, that was written over or deleted after it was
// recorded fails the drill by name: passing over it would test an older archive and call the newest good.
import {
  authenticateManifest,
  ManifestNotAuthentic,
  type ManifestStore,
} from '../archive/authenticated-manifest';
import { ArchiveDateError, assertArchiveId } from '../archive/archive-date';
import { archiveLayout, chainPrefix } from '../archive/archive-layout';
import { isChainEntryKey, type ChainEntry } from '../archive/archive-chain';
import { assertWrittenOnce, type Bucket } from '../buckets/bucket';

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
      if (!(err instanceof SyntaxError)) throw err; // a TamperedObjectError fails the drill, named
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
      if (err instanceof ManifestNotAuthentic)
        await assertManifestNotWrittenOver(archive, store, entry.archiveId);
      passOver({ key, reason: err.message });
    }
  }
  return undefined;
}

/** A manifest that was sealed and then written over or deleted is tampering, not a seal in progress. */
async function assertManifestNotWrittenOver(
  archive: Bucket,
  store: ManifestStore,
  archiveId: string,
): Promise<void> {
  const { manifestKey, signatureKey } = archiveLayout(store.archivePrefix, archiveId);
  for (const history of await archive.histories(`${store.archivePrefix}${archiveId}/manifest.json`)) {
    if (history.key === manifestKey || history.key === signatureKey) assertWrittenOnce(archive.name, history);
  }
}
