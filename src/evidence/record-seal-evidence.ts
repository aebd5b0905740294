// The evidence a seal leaves beyond its signed manifest: before signing, the witness must not already hold
// this sequence for another archive (a cut tail being sealed over); after sealing, the retention of every
// sealed object is read back into retention.json, and the new chain head goes to the witness.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { ActivityDeps } from '../activities/activity-deps';
import { FailureType, permanentFailure } from '../activities/failure-types';
import { archiveLayout, chainEntryKey, retentionRecordKey } from '../archive/archive-layout';
import type { ArchiveManifest } from '../pipeline/manifest';
import { isNotFound } from '../s3/s3-errors';
import { writeObject } from '../s3/s3-objects';
import {
  readWitnessRecord,
  sameWitnessedArchive,
  WitnessConflict,
  writeWitnessRecord,
  type WitnessRecord,
} from './chain-witness';
import { readRetentions } from './object-retention';
import { promisedRetention } from './retention-promise';
import { serializeRetentionRecord, sha256Hex, type RetentionRecord } from './retention-record';

type Sealing = Pick<ArchiveManifest, 'archiveId' | 'sequence'> & { manifestSha256: string };

function sealedOverCut(sealing: Sealing, err: WitnessConflict): Error {
  return permanentFailure(
    FailureType.ArchiveTampered,
    `Refusing to seal ${sealing.archiveId} as sequence ${sealing.sequence}: ${err.message}. The chain's newest archives were removed from the archive bucket; run "snapseal verify --chain".`,
    err,
  );
}

/** Before signing: sequence `sealing.sequence` is free in the witness, or already witnessed for this very seal. */
export async function assertSequenceUnwitnessed(deps: ActivityDeps, sealing: Sealing): Promise<void> {
  const witness = deps.config.witness;
  if (!witness) return;
  const existing = await readWitnessRecord(deps.buckets.witness?.s3 ?? deps.s3, witness, sealing.sequence);
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

async function readOptionalBytes(deps: ActivityDeps, key: string): Promise<Uint8Array | undefined> {
  try {
    const got = await deps.s3.send(new GetObjectCommand({ Bucket: deps.config.archive.bucket, Key: key }));
    return await got.Body!.transformToByteArray();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** After the manifest (and its token, if any) is written: record retention, then witness the new head. */
export async function recordSealEvidence(
  deps: ActivityDeps,
  manifest: ArchiveManifest,
  manifestSha256: string,
): Promise<void> {
  const { config, s3 } = deps;
  const bucket = config.archive.bucket;
  const layout = archiveLayout(config.archive.prefix, manifest.archiveId);
  const token = await readOptionalBytes(deps, layout.timestampKey);
  const keys = [
    ...manifest.volumes.map((v) => v.key),
    layout.manifestKey,
    layout.signatureKey,
    ...(token ? [layout.timestampKey] : []),
    chainEntryKey(config.archive.prefix, manifest.sequence),
  ];
  const promise = promisedRetention(config.archive, manifest.createdAt);
  const record: RetentionRecord = {
    format: 'snapseal-retention/1',
    archiveId: manifest.archiveId,
    promised: promise ? { mode: promise.Mode, retainUntil: promise.RetainUntilDate.toISOString() } : null,
    objects: await readRetentions(s3, bucket, keys),
  };
  const recordBytes = serializeRetentionRecord(record);
  await writeObject(s3, bucket, retentionRecordKey(layout), recordBytes, {
    ContentType: 'application/json',
    ...(promise ? { ObjectLockMode: promise.Mode, ObjectLockRetainUntilDate: promise.RetainUntilDate } : {}),
  });

  if (!config.witness) return;
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
    await writeWitnessRecord(deps.buckets.witness?.s3 ?? s3, config.witness, head);
  } catch (err) {
    if (err instanceof WitnessConflict) throw sealedOverCut(head, err);
    throw err;
  }
}
