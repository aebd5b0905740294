// A key rotation record: the statement that archiver key <from> hands the chain over to key <to>, in canonical
// JSON, with two detached signatures: the old key's (the handover) and the new key's (whoever made the record
// holds its private key). `gpg --verify` checks each by hand. Format, signing and checking live here; where the
// record is stored, in src/archive/rotation-records.ts.
import * as openpgp from 'openpgp';
import type { PublicKey } from 'openpgp';
import { z } from 'zod';
import { canonicalJson } from '../pipeline/canonical-json';
import { ManifestError, verifyManifestSignature } from '../pipeline/manifest';
import { fingerprint } from '../pipeline/openpgp-keys';
import type { Signer } from './signer';

const keyFingerprint = z
  .string()
  .regex(/^[0-9A-F]{40}(?:[0-9A-F]{24})?$/, 'expected an upper-case hex key fingerprint');

export const keyRotationSchema = z.object({
  format: z.literal('snapseal-key-rotation/1'),
  fromFingerprint: keyFingerprint,
  toFingerprint: keyFingerprint,
  /** The new key's armored public key, so the record alone shows which key took over. */
  toPublicKey: z.string().min(1),
  createdAt: z.string().min(1),
  reason: z.string().optional(),
});

export type KeyRotation = z.infer<typeof keyRotationSchema>;

/** A rotation record as it is stored: the exact bytes and both armored detached signatures over them. */
export interface SignedKeyRotation {
  bytes: Uint8Array;
  /** By the old key: it hands the chain over. */
  oldKeySignature: string;
  /** By the new key: cross-certification. */
  newKeySignature: string;
}

/** A rotation record that does not prove a handover from one key to the other, and why. */
export class KeyRotationError extends Error {
  override name = 'KeyRotationError';
}

const WHAT = 'key rotation record';

export function serializeKeyRotation(rotation: KeyRotation): Buffer {
  return Buffer.from(canonicalJson(keyRotationSchema.parse(rotation)), 'utf8');
}

export function parseKeyRotation(bytes: Uint8Array): KeyRotation {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new KeyRotationError(`the ${WHAT} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = keyRotationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeyRotationError(
      `the ${WHAT} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/**
 * Both signatures over record bytes, made at the record's `createdAt` (whole seconds: an OpenPGP signature's
 * creation time), so a record can be rebuilt from either signature if rotate-key stops before writing it.
 */
export async function signKeyRotationBytes(
  bytes: Uint8Array,
  oldKey: Signer,
  newKey: Signer,
): Promise<SignedKeyRotation> {
  const date = new Date(parseKeyRotation(bytes).createdAt);
  return {
    bytes,
    oldKeySignature: await oldKey.sign(bytes, date),
    newKeySignature: await newKey.sign(bytes, date),
  };
}

/** The record handing the chain over from `oldKey` to `newKey` (createdAt cut to whole seconds), unsigned. */
export function buildKeyRotation(
  oldKey: Pick<Signer, 'fingerprint'>,
  newKey: Pick<Signer, 'fingerprint' | 'publicKey'>,
  about: { createdAt: string; reason?: string },
): KeyRotation {
  const from = oldKey.fingerprint;
  const to = newKey.fingerprint;
  if (from === to) {
    throw new KeyRotationError(`the old and the new key are the same key (${from}): nothing to rotate`);
  }
  const seconds = Math.floor(Date.parse(about.createdAt) / 1000) * 1000;
  if (Number.isNaN(seconds)) throw new KeyRotationError(`createdAt ${about.createdAt} is not a date`);
  return {
    format: 'snapseal-key-rotation/1',
    fromFingerprint: from,
    toFingerprint: to,
    toPublicKey: newKey.publicKey.armor(),
    createdAt: new Date(seconds).toISOString(),
    ...(about.reason ? { reason: about.reason } : {}),
  };
}

/** A new record handing the chain over from `oldKey` to `newKey`, signed by both. */
export async function signKeyRotation(
  oldKey: Signer,
  newKey: Signer,
  about: { createdAt: string; reason?: string },
): Promise<{ rotation: KeyRotation; signed: SignedKeyRotation }> {
  const rotation = buildKeyRotation(oldKey, newKey, about);
  return { rotation, signed: await signKeyRotationBytes(serializeKeyRotation(rotation), oldKey, newKey) };
}

/** When an armored detached signature was made (ISO 8601), undefined when it is no OpenPGP signature. */
export async function signatureCreatedAt(armoredSignature: string): Promise<string | undefined> {
  try {
    const signature = await openpgp.readSignature({ armoredSignature });
    const created = (signature.packets[0] as { created?: Date | null } | undefined)?.created;
    return created ? created.toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** One of a record's two signatures: `key`'s (the `role`) over exactly `bytes`, else a KeyRotationError. */
export async function checkKeyRotationSignature(
  bytes: Uint8Array,
  signature: string,
  key: PublicKey,
  role: string,
): Promise<void> {
  try {
    await verifyManifestSignature(bytes, signature, [key], WHAT);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    throw new KeyRotationError(`it is not signed by the ${role} ${fingerprint(key)} (${err.message})`);
  }
}

/**
 * Proves that `signed` hands the chain over from `from` to `to`: the record names both fingerprints and
 * carries the new public key, the old key signed it and the new key signed it. Returns the record.
 */
export async function checkKeyRotation(
  signed: SignedKeyRotation,
  from: PublicKey,
  to: PublicKey,
): Promise<KeyRotation> {
  const rotation = parseKeyRotation(signed.bytes);
  const expectedFrom = fingerprint(from);
  const expectedTo = fingerprint(to);
  if (rotation.fromFingerprint !== expectedFrom || rotation.toFingerprint !== expectedTo) {
    throw new KeyRotationError(
      `it records a rotation from ${rotation.fromFingerprint} to ${rotation.toFingerprint}, not from ${expectedFrom} to ${expectedTo}`,
    );
  }
  let carried: string;
  try {
    carried = fingerprint(await openpgp.readKey({ armoredKey: rotation.toPublicKey }));
  } catch {
    throw new KeyRotationError('its toPublicKey is not an armored OpenPGP public key');
  }
  if (carried !== expectedTo) {
    throw new KeyRotationError(`it names the new key ${expectedTo} but carries the public key ${carried}`);
  }
  await checkKeyRotationSignature(signed.bytes, signed.oldKeySignature, from, 'old key');
  await checkKeyRotationSignature(signed.bytes, signed.newKeySignature, to, 'new key');
  return rotation;
}
