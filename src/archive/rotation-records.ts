// Key rotation records in the archive bucket (layout: rotationRecordLayout): written once (If-None-Match: *)
// under the sealed objects' Object Lock retention, read version-aware (the first version is the record; one
// deleted or written over is named), and proven before a new key may sign the chain. rotate-key builds its own
// record and writes the two signatures first and the record last: a record without both signatures was not
// written by rotate-key and is never signed. An interrupted run is completed by running it again with the same
// --reason: the record is rebuilt from the stored signature, made at the record's createdAt.
import type { PublicKey } from 'openpgp';
import type { Config } from '../config';
import { archiveBucketOf, type ArchiveBucket } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import { promisedRetention } from '../evidence/retention-promise';
import {
  buildKeyRotation,
  checkKeyRotation,
  checkKeyRotationSignature,
  KeyRotationError,
  parseKeyRotation,
  serializeKeyRotation,
  signatureCreatedAt,
  signKeyRotationBytes,
  type KeyRotation,
} from '../keys/key-rotation';
import type { Signer } from '../keys/signer';
import { fingerprint } from '../pipeline/openpgp-keys';
import { isPreconditionFailed } from '../s3/s3-errors';
import { rotationRecordLayout, type RotationRecordLayout } from './archive-layout';
import type { ManifestStore } from './authenticated-manifest';

/** What a manifest names: the record's key and the sha256 of its bytes. */
export interface RotationRef {
  key: string;
  sha256: string;
}

/** No complete rotation record from one key to the other is stored (never made, or rotate-key was interrupted). */
export class RotationRecordMissing extends Error {
  override name = 'RotationRecordMissing';
}

type RecordStore = Pick<ManifestStore, 's3' | 'bucket' | 'archivePrefix'>;

/** What is stored of a rotation: each part as first written (undefined: never written). */
interface StoredRotation {
  record?: Buffer;
  recordSha256?: string;
  oldKeySignature?: string;
  newKeySignature?: string;
}

/** A part deleted or written over is tampering; it is reported as a record that proves nothing. */
async function readStoredRotation(
  archive: ArchiveBucket,
  layout: RotationRecordLayout,
): Promise<StoredRotation> {
  try {
    // All three read at once; a problem is reported in this order (record, old key's, new key's signature), so
    // the same tampering always gets the same message.
    const read = await Promise.allSettled([
      archive.readEvidence(layout.recordKey),
      archive.readEvidence(layout.oldKeySignatureKey),
      archive.readEvidence(layout.newKeySignatureKey),
    ]);
    const failed = read.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [record, oldSig, newSig] = read.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    return {
      record: record?.bytes,
      recordSha256: record?.sha256,
      oldKeySignature: oldSig?.bytes.toString('utf8'),
      newKeySignature: newSig?.bytes.toString('utf8'),
    };
  } catch (err) {
    if (err instanceof TamperedObjectError) throw new KeyRotationError(err.message);
    throw err;
  }
}

/** The command that hands the chain over from `from` to `to`, for messages. */
export function rotateKeyCommand(from: string, to: string): string {
  return `snapseal rotate-key --old-key-file <private key ${from}> --new-key-file <private key ${to}>`;
}

/**
 * Proves that the chain was handed over from `from` to `to`: the record at its place names both keys, the old
 * key signed it and the new one did. Throws RotationRecordMissing when there is no complete record, and
 * KeyRotationError (with the object's location) when the record there proves nothing.
 */
export async function proveRotation(
  store: RecordStore,
  from: PublicKey,
  to: PublicKey,
): Promise<RotationRef> {
  const layout = rotationRecordLayout(store.archivePrefix, fingerprint(from), fingerprint(to));
  const where = `s3://${store.bucket}/${layout.recordKey}`;
  const stored = await readStoredRotation(archiveBucketOf(store), layout);
  const { record: bytes, oldKeySignature, newKeySignature } = stored;
  if (!bytes) {
    throw new RotationRecordMissing(
      `no rotation record from ${fingerprint(from)} to ${fingerprint(to)} exists (${where})`,
    );
  }
  if (oldKeySignature === undefined || newKeySignature === undefined) {
    throw new RotationRecordMissing(
      `the rotation record from ${fingerprint(from)} to ${fingerprint(to)} (${where}) lacks its ${oldKeySignature === undefined ? 'old' : 'new'} key's signature: rotate-key did not write it (it writes the record after both signatures)`,
    );
  }
  try {
    await checkKeyRotation({ bytes, oldKeySignature, newKeySignature }, from, to);
  } catch (err) {
    if (err instanceof KeyRotationError) throw new KeyRotationError(`${where}: ${err.message}`);
    throw err;
  }
  return { key: layout.recordKey, sha256: stored.recordSha256! };
}

/** A rotation record or signature at the place of ours that rotate-key did not write: it is never signed. */
export class PlantedRotationRecord extends KeyRotationError {
  override name = 'PlantedRotationRecord';
}

export interface RecordedRotation extends RotationRef {
  rotation: KeyRotation;
  /** False when the record was there already (rotate-key run twice, or completing an interrupted run). */
  created: boolean;
}

/**
 * Builds the record handing the chain over from `oldKey` to `newKey`, signs it with both, and writes the old
 * key's signature, the new key's signature and then the record, each once. A complete record already there,
 * signed by both keys, is kept (rotate-key run twice); signatures without their record (an interrupted run) are
 * completed when they sign the record rebuilt at their creation time with this run's reason. Anything else at
 * those keys (a record without both signatures, a signature over other bytes) is a PlantedRotationRecord,
 * named, and nothing is signed.
 */
export async function recordKeyRotation(
  store: RecordStore & { objectLock: Pick<Config['archive'], 'objectLockDays' | 'objectLockMode'> },
  oldKey: Signer,
  newKey: Signer,
  about: { createdAt: string; reason?: string },
): Promise<RecordedRotation> {
  const archive = archiveBucketOf(store);
  const layout = rotationRecordLayout(store.archivePrefix, oldKey.fingerprint, newKey.fingerprint);
  const stored = await readStoredRotation(archive, layout);
  if (stored.record) {
    const proven = await proveRotation(store, oldKey.publicKey, newKey.publicKey).catch((err: unknown) => {
      if (!(err instanceof KeyRotationError || err instanceof RotationRecordMissing)) throw err;
      throw new PlantedRotationRecord(
        `${archive.url(layout.recordKey)} is there but proves no handover (${err.message}); its createdAt and reason are not this run's. rotate-key signs only a record it builds itself: nothing was signed. Rotate to another new key, and find out who wrote this one.`,
      );
    });
    return { ...proven, rotation: parseKeyRotation(stored.record), created: false };
  }
  const interrupted = stored.oldKeySignature ?? stored.newKeySignature;
  const createdAt = interrupted ? await signatureCreatedAt(interrupted) : about.createdAt;
  const rotation = buildKeyRotation(oldKey, newKey, {
    createdAt: createdAt ?? about.createdAt,
    reason: about.reason,
  });
  const bytes = serializeKeyRotation(rotation);
  const signed = await signKeyRotationBytes(bytes, oldKey, newKey);
  for (const [key, existing, ours] of [
    [layout.oldKeySignatureKey, stored.oldKeySignature, signed.oldKeySignature],
    [layout.newKeySignatureKey, stored.newKeySignature, signed.newKeySignature],
  ] as const) {
    if (existing !== undefined) {
      await assertSignsRecord(
        archive,
        key,
        existing,
        bytes,
        key === layout.oldKeySignatureKey ? oldKey : newKey,
      );
    } else await writeOnce(store, archive, key, ours, 'application/pgp-signature', rotation.createdAt);
  }
  await writeOnce(store, archive, layout.recordKey, bytes, 'application/json', rotation.createdAt);
  const proven = await proveRotation(store, oldKey.publicKey, newKey.publicKey);
  return { ...proven, rotation, created: interrupted === undefined };
}

/** A signature found where this run's belongs must be the key's signature over exactly this run's record. */
async function assertSignsRecord(
  archive: ArchiveBucket,
  key: string,
  signature: string,
  bytes: Uint8Array,
  signer: Signer,
): Promise<void> {
  const rotation = parseKeyRotation(bytes);
  try {
    await checkKeyRotationSignature(bytes, signature, signer.publicKey, 'signer');
  } catch (err) {
    if (!(err instanceof KeyRotationError)) throw err;
    throw new PlantedRotationRecord(
      `${archive.url(key)} is there without its record, and is not ${signer.fingerprint}'s signature over the record this run builds (createdAt ${rotation.createdAt}, reason ${rotation.reason === undefined ? 'none' : JSON.stringify(rotation.reason)}): ${err.message}. If an earlier rotate-key stopped there, run it again with the same --reason; otherwise it was planted: nothing was signed.`,
    );
  }
}

/** Put `key` only if absent, with the promised retention; a concurrent writer's object is checked by the caller. */
async function writeOnce(
  store: Parameters<typeof recordKeyRotation>[0],
  archive: ArchiveBucket,
  key: string,
  body: string | Uint8Array,
  contentType: string,
  createdAt: string,
): Promise<void> {
  const retention = promisedRetention(store.objectLock, createdAt);
  try {
    await archive.put(key, body, {
      IfNoneMatch: '*',
      ContentType: contentType,
      ...(retention
        ? { ObjectLockMode: retention.Mode, ObjectLockRetainUntilDate: retention.RetainUntilDate }
        : {}),
    });
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
    throw new PlantedRotationRecord(
      `${archive.url(key)} appeared while rotate-key was writing it: another rotate-key ran at the same time, or someone planted it. Run rotate-key again to check what is stored.`,
    );
  }
}
