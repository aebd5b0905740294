// The evidence a seal reads and leaves beyond its signed manifest: the chain head it links to (read
// version-aware); before signing, the witness must not already hold this sequence for another archive (a cut
// tail being sealed over); after sealing, the retention of every sealed object is read back into
// retention.json (written once), and the new chain head goes to the witness with the digest of the time-stamp
// token this seal obtained and verified, never one re-read from the bucket.
import type { ActivityDeps } from '../activities/activity-deps';
import { FailureType, permanentFailure } from '../activities/failure-types';
import { readChainHead, type ChainEntry } from '../archive/archive-chain';
import { archiveLayout, chainEntryKey, retentionRecordKey } from '../archive/archive-layout';
import { sha256Hex } from '../buckets/bucket';
import { TamperedObjectError } from '../buckets/trust';
import type { ArchiveManifest } from '../pipeline/manifest';
import { isPreconditionFailed } from '../s3/s3-errors';
import {
  readWitnessRecord,
  sameWitnessedArchive,
  WitnessConflict,
  writeWitnessRecord,
  type WitnessRecord,
} from './chain-witness';
import { readRetentions } from './object-retention';
import { promisedRetention } from './retention-promise';
import { serializeRetentionRecord, type RetentionRecord } from './retention-record';
import type { StampedToken } from './stamp-manifest';

type Sealing = Pick<ArchiveManifest, 'archiveId' | 'sequence'> & { manifestSha256: string };

function sealedOverCut(sealing: Sealing, err: WitnessConflict): Error {
  return permanentFailure(
    FailureType.ArchiveTampered,
    `Refusing to seal ${sealing.archiveId} as sequence ${sealing.sequence}: ${err.message}. The chain's newest archives were removed from the archive bucket; run "snapseal verify --chain".`,
    err,
  );
}

/** Evidence deleted or written over stops the seal for good: retrying cannot make it the record again. */
async function refusingTampered<T>(archiveId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof TamperedObjectError)) throw err;
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${archiveId}: ${err.message}. Run "snapseal verify --chain".`,
      err,
    );
  }
}

/** The chain head the seal links to; a head entry deleted or written over refuses the seal. */
export async function readChainHeadToSeal(
  deps: ActivityDeps,
  archiveId: string,
): Promise<ChainEntry | undefined> {
  return refusingTampered(archiveId, () => readChainHead(deps.buckets.archive));
}

/** Before signing: sequence `sealing.sequence` is free in the witness, or already witnessed for this very seal. */
export async function assertSequenceUnwitnessed(deps: ActivityDeps, sealing: Sealing): Promise<void> {
  const witness = deps.buckets.witness;
  if (!witness) return;
  const existing = await refusingTampered(sealing.archiveId, () =>
    readWitnessRecord(witness, sealing.sequence),
  );
  if (existing && !sameWitnessedArchive(existing, sealing)) {
    throw sealedOverCut(
      sealing,
      new WitnessConflict(
        `the witness already saw sequence ${existing.sequence} as archive ${existing.archiveId} (manifest sha256 ${existing.manifestSha256})`,
        existing,
      ),
    );
  }
}

/**
 * After the manifest (and its token, if any) is written: record retention, then witness the new head.
 * `tokens` are the time-stamp replies the seal obtained or verified for this manifest; the witness records
 * the first authority's (manifest.json.tsr), the one `openssl ts -verify` is shown with.
 */
export async function recordSealEvidence(
  deps: ActivityDeps,
  manifest: ArchiveManifest,
  manifestSha256: string,
  tokens: readonly StampedToken[],
): Promise<void> {
  const { config, s3 } = deps;
  const archive = deps.buckets.archive;
  const layout = archiveLayout(config.archive.prefix, manifest.archiveId);
  const keys = [
    ...manifest.volumes.map((v) => v.key),
    layout.manifestKey,
    layout.signatureKey,
    ...tokens.map((t) => t.key),
    chainEntryKey(config.archive.prefix, manifest.sequence),
  ];
  const promise = promisedRetention(config.archive, manifest.createdAt);
  const record: RetentionRecord = {
    format: 'snapseal-retention/1',
    archiveId: manifest.archiveId,
    promised: promise ? { mode: promise.Mode, retainUntil: promise.RetainUntilDate.toISOString() } : null,
    objects: await readRetentions(s3, archive.name, keys),
  };
  const recordBytes = serializeRetentionRecord(record);
  await writeRetentionRecordOnce(deps, retentionRecordKey(layout), recordBytes, manifest.archiveId, promise);

  const witness = deps.buckets.witness;
  if (!witness || !config.witness) return;
  const token = tokens.find((t) => t.authority === 0)?.reply.der;
  const head: WitnessRecord = {
    format: 'snapseal-witness/1',
    sequence: manifest.sequence,
    archiveId: manifest.archiveId,
    manifestKey: layout.manifestKey,
    manifestSha256,
    ...(token ? { tokenSha256: sha256Hex(token) } : {}),
    retentionRecordSha256: sha256Hex(recordBytes),
  };
  try {
    await refusingTampered(manifest.archiveId, () =>
      writeWitnessRecord(witness, config.witness!.retentionSeconds, head),
    );
  } catch (err) {
    if (err instanceof WitnessConflict) throw sealedOverCut(head, err);
    throw err;
  }
}

/**
 * retention.json is evidence: written once (If-None-Match: *). A retried seal reads back the same retention
 * and finds its own bytes; another record there was planted before the seal, and is refused by name.
 */
async function writeRetentionRecordOnce(
  deps: ActivityDeps,
  key: string,
  bytes: Buffer,
  archiveId: string,
  promise: ReturnType<typeof promisedRetention>,
): Promise<void> {
  const archive = deps.buckets.archive;
  try {
    await archive.put(key, bytes, {
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ...(promise
        ? { ObjectLockMode: promise.Mode, ObjectLockRetainUntilDate: promise.RetainUntilDate }
        : {}),
    });
    return;
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
  }
  const stored = await refusingTampered(archiveId, () => archive.readEvidence(key));
  if (stored?.sha256 === sha256Hex(bytes)) return;
  throw permanentFailure(
    FailureType.ArchiveTampered,
    `Refusing to witness ${archiveId}: ${archive.url(key)} holds a retention record (sha256 ${stored?.sha256 ?? '?'}) that is not the one this seal read back (sha256 ${sha256Hex(bytes)}): written before the seal by someone else. Run "snapseal verify ${archiveId}".`,
  );
}
