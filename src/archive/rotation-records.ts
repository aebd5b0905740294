// Key rotation records in the archive bucket (layout: rotationRecordLayout): written once (If-None-Match: *)
// under the sealed objects' Object Lock retention, and proven before a new key may sign the chain. The record
// is written first and its two signatures after it, so an interrupted rotate-key is completed by running it again.
import { createHash } from 'node:crypto';
import type { PublicKey } from 'openpgp';
import type { Config } from '../config';
import { readObjectBytes } from '../evidence/read-object-bytes';
import { promisedRetention } from '../evidence/retention-promise';
import {
  checkKeyRotation,
  KeyRotationError,
  parseKeyRotation,
  signKeyRotation,
  signKeyRotationBytes,
  type KeyRotation,
  type SignedKeyRotation,
} from '../keys/key-rotation';
import type { Signer } from '../keys/signer';
import { fingerprint } from '../pipeline/openpgp-keys';
import { isPreconditionFailed } from '../s3/s3-errors';
import { readText, writeObject } from '../s3/s3-objects';
import { rotationRecordLayout } from './archive-layout';
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

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

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
  const bytes = await readObjectBytes(store.s3, store.bucket, layout.recordKey);
  if (!bytes) {
    throw new RotationRecordMissing(
      `no rotation record from ${fingerprint(from)} to ${fingerprint(to)} exists (${where})`,
    );
  }
  const [oldKeySignature, newKeySignature] = await Promise.all([
    readText(store.s3, store.bucket, layout.oldKeySignatureKey),
    readText(store.s3, store.bucket, layout.newKeySignatureKey),
  ]);
  if (oldKeySignature === undefined || newKeySignature === undefined) {
    throw new RotationRecordMissing(
      `the rotation record from ${fingerprint(from)} to ${fingerprint(to)} (${where}) lacks its ${oldKeySignature === undefined ? 'old' : 'new'} key's signature: rotate-key was interrupted; run it again`,
    );
  }
  try {
    await checkKeyRotation({ bytes, oldKeySignature, newKeySignature }, from, to);
  } catch (err) {
    if (err instanceof KeyRotationError) throw new KeyRotationError(`${where}: ${err.message}`);
    throw err;
  }
  return { key: layout.recordKey, sha256: sha256Of(bytes) };
}

export interface RecordedRotation extends RotationRef {
  rotation: KeyRotation;
  /** False when the record was there already (rotate-key run twice, or completing an interrupted run). */
  created: boolean;
}

/**
 * Writes the record handing the chain over from `oldKey` to `newKey` and both signatures, each once, then proves
 * what is stored. A record already there (from an earlier run) is kept and completed, never replaced.
 */
export async function recordKeyRotation(
  store: RecordStore & { objectLock: Pick<Config['archive'], 'objectLockDays' | 'objectLockMode'> },
  oldKey: Signer,
  newKey: Signer,
  about: { createdAt: string; reason?: string },
): Promise<RecordedRotation> {
  const { s3, bucket } = store;
  const layout = rotationRecordLayout(store.archivePrefix, oldKey.fingerprint, newKey.fingerprint);
  let created = false;
  let signed: SignedKeyRotation | undefined;
  let bytes: Uint8Array | undefined = await readObjectBytes(s3, bucket, layout.recordKey);
  if (!bytes) {
    const fresh = (await signKeyRotation(oldKey, newKey, about)).signed;
    created = await writeOnce(store, layout.recordKey, fresh.bytes, 'application/json', about.createdAt);
    if (created) signed = fresh;
    bytes = created ? fresh.bytes : await readObjectBytes(s3, bucket, layout.recordKey);
    if (!bytes) throw new Error(`s3://${bucket}/${layout.recordKey} vanished right after it was written`);
  }
  signed ??= await signKeyRotationBytes(bytes, oldKey, newKey);
  const createdAt = parseKeyRotation(bytes).createdAt;
  await writeSignatureIfMissing(store, layout.oldKeySignatureKey, signed.oldKeySignature, createdAt);
  await writeSignatureIfMissing(store, layout.newKeySignatureKey, signed.newKeySignature, createdAt);
  const proven = await proveRotation(store, oldKey.publicKey, newKey.publicKey);
  return { ...proven, rotation: parseKeyRotation(bytes), created };
}

async function writeSignatureIfMissing(
  store: Parameters<typeof recordKeyRotation>[0],
  key: string,
  signature: string,
  createdAt: string,
): Promise<void> {
  if ((await readText(store.s3, store.bucket, key)) !== undefined) return;
  await writeOnce(store, key, signature, 'application/pgp-signature', createdAt);
}

/** Put `key` only if absent, with the promised retention; false when it was there already. */
async function writeOnce(
  store: Parameters<typeof recordKeyRotation>[0],
  key: string,
  body: string | Uint8Array,
  contentType: string,
  createdAt: string,
): Promise<boolean> {
  const retention = promisedRetention(store.objectLock, createdAt);
  try {
    await writeObject(store.s3, store.bucket, key, body, {
      IfNoneMatch: '*',
      ContentType: contentType,
      ...(retention
        ? { ObjectLockMode: retention.Mode, ObjectLockRetainUntilDate: retention.RetainUntilDate }
        : {}),
    });
    return true;
  } catch (err) {
    if (isPreconditionFailed(err)) return false;
    throw err;
  }
}
