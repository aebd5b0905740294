// The volume records the seal signs, read back from staging and bound to Temporal history: each batch's digest
// over its records (src/archive/volume-digests.ts) is recomputed from the bytes read, and each volume's current
// object in the archive bucket must be the version its record names. A mismatch is tampering: nothing is signed.
import { archiveLayout, volumeRecordKey } from '../archive/archive-layout';
import type { ArchiveTarget } from '../archive/archive-types';
import type { VolumeRecord } from '../archive/stream-volume';
import { batchDigest, batchOf, recordDigest, type VolumeDigests } from '../archive/volume-digests';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

const READS_AT_ONCE = 16;

interface ReadRecord {
  bytes?: Buffer;
  sha256?: string;
  record?: VolumeRecord;
}

/**
 * Records 1..count in order, each proven: its batch's digest recomputed, its volume object the version it
 * names. Only the manifest's own content is held, so memory grows with the manifest and nothing else.
 */
export async function readVolumeRecords(
  deps: ActivityDeps,
  target: ArchiveTarget,
  count: number,
  digests: VolumeDigests | undefined,
): Promise<VolumeRecord[]> {
  const { buckets } = deps;
  const refuse = (message: string) =>
    permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${target.archiveId}: ${message}. Nothing was signed; something other than snapseal writes to the staging folder ${target.folders.runFolder} or the archive folder: stop it and start the archive again.`,
    );
  const unvouched = digests ? missingBatchDigests(digests, count) : 'the seal was given none';
  if (unvouched) {
    throw permanentFailure(
      FailureType.InvalidInput,
      `Refusing to seal ${target.archiveId}: Temporal history holds no digest of the volume records of ${unvouched} (the run, or a volume's stream, ran on an older snapseal), and records nothing vouches for are never signed. Nothing was signed; start the archive of ${target.date} again once every worker runs this version.`,
    );
  }
  const read = await inParallel(count, async (index): Promise<ReadRecord> => {
    const bytes = await buckets.staging.readVolumeRecordForBatchCheck(target.folders, index);
    if (!bytes) return {};
    let record: VolumeRecord | undefined;
    try {
      record = JSON.parse(bytes.toString('utf8')) as VolumeRecord;
    } catch {
      record = undefined;
    }
    return { bytes, sha256: recordDigest(bytes), record };
  });

  const { volumesPerBatch, batches } = digests!;
  for (let batch = 1; batch <= batches.length; batch++) {
    const { first, last } = batchOf((batch - 1) * volumesPerBatch + 1, volumesPerBatch, count);
    const inBatch = read.slice(first - 1, last);
    const missing = inBatch.findIndex((r) => r.sha256 === undefined);
    if (missing >= 0) {
      throw refuse(
        `the record of volume ${first + missing} (${buckets.staging.url(volumeRecordKey(target.folders, first + missing))}) is missing, though Temporal history holds its digest`,
      );
    }
    const recomputed = batchDigest(inBatch.map((r, i) => ({ index: first + i, recordSha256: r.sha256! })));
    if (recomputed !== batches[batch - 1]) {
      const suspects = await rewrittenVolumes(deps, target, inBatch, first);
      throw refuse(
        `the volume records of batch ${batch} (volumes ${first}-${last}) read back from staging are not the ones archiveVolume wrote: their digest is ${recomputed}, Temporal history says ${batches[batch - 1]}${suspects.length > 0 ? ` (${suspects.join('; ')})` : ''}`,
      );
    }
  }

  const layout = archiveLayout(deps.config.archive.prefix, target.archiveId);
  const records = read.map((r, i) => {
    const index = i + 1;
    if (!r.record || r.record.index !== index || r.record.key !== layout.volumeKey(index))
      throw refuse(`the record of volume ${index} names another volume`);
    return r.record;
  });
  await inParallel(count, async (index) => {
    const record = records[index - 1]!;
    const problem = await notAsUploaded(deps, record);
    if (problem) throw refuse(`volume ${index} (${buckets.archive.url(record.key)}) ${problem}`);
  });
  return records.map((r) => ({
    index: r.index,
    key: r.key,
    plaintextBytes: r.plaintextBytes,
    plaintextSha256: r.plaintextSha256,
    ciphertextBytes: r.ciphertextBytes,
    ciphertextSha256: r.ciphertextSha256,
    ...(r.versionId ? { versionId: r.versionId } : {}),
    files: r.files,
  }));
}

/** Which batches have no digest ('' when every batch of `count` volumes has one). */
function missingBatchDigests({ volumesPerBatch, batches }: VolumeDigests, count: number): string {
  const expected = batchOf(count, volumesPerBatch, count).batch;
  const without = Array.from({ length: expected }, (_, i) => i + 1).filter((b) => !batches[b - 1]);
  if (batches.length > expected) return `${batches.length} batches where ${expected} were planned`;
  return without.length > 0 ? `batch(es) ${without.join(', ')}` : '';
}

/**
 * Why the volume's current object is not the upload its (bound) record names, or undefined: the current
 * version must be the one uploaded (a version written over it, or a delete marker, is tampering), of its size.
 */
async function notAsUploaded({ buckets }: ActivityDeps, record: VolumeRecord): Promise<string | undefined> {
  const current = await buckets.archive.head(record.key);
  if (!current) return 'is missing (deleted after its upload)';
  if (record.versionId && current.versionId !== record.versionId)
    return `was written over after its upload: the current version is ${current.versionId}, the one uploaded and recorded is ${record.versionId}`;
  if (record.etag && current.etag !== record.etag)
    return `was written over after its upload: its ETag is ${current.etag}, the upload's was ${record.etag}`;
  if (current.size !== record.ciphertextBytes)
    return `holds ${current.size} bytes, not the ${record.ciphertextBytes} uploaded`;
  return undefined;
}

/** Volumes of a batch whose record or object shows signs of being written over (for the error message). */
async function rewrittenVolumes(
  deps: ActivityDeps,
  target: ArchiveTarget,
  inBatch: ReadRecord[],
  first: number,
): Promise<string[]> {
  const layout = archiveLayout(deps.config.archive.prefix, target.archiveId);
  // A hint for the message only: the refusal stands whether or not the listing answers.
  const listed = await deps.buckets.archive.histories(layout.folder).catch(() => []);
  const histories = new Map(listed.map((h) => [h.key, h] as const));
  const suspects: string[] = [];
  inBatch.forEach((r, i) => {
    const index = first + i;
    const key = layout.volumeKey(index);
    const history = histories.get(key);
    const versions = history?.versions.length ?? 0;
    const signs = [
      !r.record || r.record.index !== index || r.record.key !== key ? 'its record names another volume' : '',
      versions > 1 ? `${deps.buckets.archive.url(key)} has ${versions} versions` : '',
      (history?.deleteMarkers.length ?? 0) > 0 ? `${deps.buckets.archive.url(key)} has a delete marker` : '',
    ].filter(Boolean);
    if (signs.length > 0) suspects.push(`volume ${index}: ${signs.join(', ')}`);
  });
  return suspects;
}

async function inParallel<T>(count: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 1;
  const worker = async (): Promise<void> => {
    for (let index = next++; index <= count; index = next++) out[index - 1] = await work(index);
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, count) }, worker));
  return out;
}
