// OpenPGP v4 (RFC 4880) packets around a signing key whose private half lives elsewhere (a KMS, an HSM): the
// public key packet built from the key's public numbers and a fixed creation time (so its fingerprint is the
// same on every host), a self-certified user ID, and detached binary signatures. The only private operation
// is `signDigest`: one call per signature over the OpenPGP hash, which the caller routes to the key's holder.
import { createHash, createPublicKey } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { PublicKey } from 'openpgp';

/** The public numbers of a remote key, as OpenPGP needs them (unsigned big-endian integers). */
export type RemoteKeyMaterial =
  { algorithm: 'rsa'; n: Buffer; e: Buffer } | { algorithm: 'ecdsa'; curve: EcdsaCurve; point: Buffer };

export type EcdsaCurve = 'P-256' | 'P-384';
export type DigestAlgorithm = 'sha256' | 'sha384';

/**
 * Signs a digest made with `hash` and returns the signature as OpenPGP carries it: RSA, the one integer s;
 * ECDSA, the integers r and s (unsigned big-endian, leading zeros allowed).
 */
export type SignDigest = (digest: Buffer, hash: DigestAlgorithm) => Promise<Buffer[]>;

const PACKET_TAG = { signature: 2, publicKey: 6, userId: 13 } as const;
const PUBLIC_KEY_ALGORITHM = { rsa: 1, ecdsa: 19 } as const;
const HASH_ALGORITHM: Record<DigestAlgorithm, number> = { sha256: 8, sha384: 9 };
const SIGNATURE_TYPE = { binary: 0x00, positiveCertification: 0x13 } as const;
const SUBPACKET = {
  creationTime: 2,
  issuerKeyId: 16,
  keyFlags: 27,
  primaryUserId: 25,
  issuerFingerprint: 33,
} as const;
// RFC 6637 section 11: the curves' OIDs without the DER tag and length.
const CURVE_OID: Record<EcdsaCurve, Buffer> = {
  'P-256': Buffer.from('2a8648ce3d030107', 'hex'),
  'P-384': Buffer.from('2b81040022', 'hex'),
};
// The hash each curve is used with (ECDSA_SHA_256 for P-256, ECDSA_SHA_384 for P-384 in AWS KMS terms).
const CURVE_HASH: Record<EcdsaCurve, DigestAlgorithm> = { 'P-256': 'sha256', 'P-384': 'sha384' };

export class RemoteKeyError extends Error {
  override name = 'RemoteKeyError';
}

/** The public numbers of a SubjectPublicKeyInfo (DER), as AWS KMS GetPublicKey or a PKCS#11 token returns it. */
export function materialFromSpki(spkiDer: Uint8Array): RemoteKeyMaterial {
  let jwk: { kty?: string; n?: string; e?: string; crv?: string; x?: string; y?: string };
  try {
    jwk = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    });
  } catch (err) {
    throw new RemoteKeyError(`the public key is not a DER SubjectPublicKeyInfo (${(err as Error).message})`);
  }
  const b64 = (v: string | undefined): Buffer => Buffer.from(v ?? '', 'base64url');
  if (jwk.kty === 'RSA') return { algorithm: 'rsa', n: b64(jwk.n), e: b64(jwk.e) };
  if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384')) {
    return {
      algorithm: 'ecdsa',
      curve: jwk.crv,
      point: Buffer.concat([Buffer.from([4]), b64(jwk.x), b64(jwk.y)]),
    };
  }
  throw new RemoteKeyError(
    `the public key is ${jwk.kty === 'EC' ? `an EC key on curve ${jwk.crv}` : `of type ${jwk.kty}`}: expected RSA or ECDSA on NIST P-256 or P-384`,
  );
}

/** The hash the signatures of this key are made with. */
export function digestAlgorithmOf(material: RemoteKeyMaterial): DigestAlgorithm {
  return material.algorithm === 'rsa' ? 'sha256' : CURVE_HASH[material.curve];
}

/** RSA modulus size in bits; 0 for ECDSA. */
export function rsaBits(material: RemoteKeyMaterial): number {
  return material.algorithm === 'rsa' ? stripZeros(material.n).length * 8 : 0;
}

function stripZeros(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** RFC 4880 3.2: a two-octet bit count, then the integer without leading zero octets. */
function mpi(value: Buffer): Buffer {
  const bytes = stripZeros(value);
  const top = bytes[0] ?? 0;
  const bits = top === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(top));
  return Buffer.concat([u16(bits), bytes]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** RFC 4880 4.2: a new-format packet header with the shortest length encoding. */
function packet(tag: number, body: Buffer): Buffer {
  const length = body.length;
  let header: Buffer;
  if (length < 192) header = Buffer.from([length]);
  else if (length < 8384) header = Buffer.from([((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  else header = Buffer.concat([Buffer.from([0xff]), u32(length)]);
  return Buffer.concat([Buffer.from([0xc0 | tag]), header, body]);
}

/** RFC 4880 5.2.3.1: one subpacket (all of ours are shorter than 192 octets). */
function subpacket(type: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([data.length + 1, type]), data]);
}

/** The identity of the key: its v4 public key packet body, fingerprint and key id. */
export interface RemoteKeyIdentity {
  material: RemoteKeyMaterial;
  /** Whole seconds since the epoch: part of the fingerprint. */
  createdSeconds: number;
  body: Buffer;
  fingerprint: Buffer;
  keyId: Buffer;
}

/** RFC 4880 5.5.2 (RSA) and RFC 6637 9 (ECDSA): the public key packet body; 12.2: the v4 fingerprint. */
export function remoteKeyIdentity(material: RemoteKeyMaterial, created: Date): RemoteKeyIdentity {
  const createdSeconds = Math.floor(created.getTime() / 1000);
  if (!Number.isInteger(createdSeconds) || createdSeconds < 0 || createdSeconds > 0xffffffff) {
    throw new RemoteKeyError(`the key creation time ${String(created)} is not a time OpenPGP can carry`);
  }
  const head = Buffer.concat([Buffer.from([4]), u32(createdSeconds)]);
  const body =
    material.algorithm === 'rsa'
      ? Buffer.concat([head, Buffer.from([PUBLIC_KEY_ALGORITHM.rsa]), mpi(material.n), mpi(material.e)])
      : Buffer.concat([
          head,
          Buffer.from([PUBLIC_KEY_ALGORITHM.ecdsa, CURVE_OID[material.curve].length]),
          CURVE_OID[material.curve],
          mpi(material.point),
        ]);
  const fingerprint = createHash('sha1')
    .update(Buffer.from([0x99]))
    .update(u16(body.length))
    .update(body)
    .digest();
  return { material, createdSeconds, body, fingerprint, keyId: fingerprint.subarray(12) };
}

/** The part of a v4 signature that is hashed after the data, and the trailer that closes the hash. */
function hashedHeader(key: RemoteKeyIdentity, signatureType: number, hashed: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([4, signatureType, PUBLIC_KEY_ALGORITHM[key.material.algorithm], hashAlgorithmId(key)]),
    u16(hashed.length),
    hashed,
  ]);
}

function hashAlgorithmId(key: RemoteKeyIdentity): number {
  return HASH_ALGORITHM[digestAlgorithmOf(key.material)];
}

/**
 * RFC 4880 5.2.3-5.2.4: a v4 signature packet over `signedData` (the document, or the key and user ID of a
 * certification), signed remotely over the OpenPGP hash.
 */
async function signaturePacket(
  key: RemoteKeyIdentity,
  signatureType: number,
  signedData: Buffer[],
  created: Date,
  extraHashed: Buffer[],
  signDigest: SignDigest,
): Promise<Buffer> {
  const hashed = Buffer.concat([
    subpacket(SUBPACKET.creationTime, u32(Math.floor(created.getTime() / 1000))),
    subpacket(SUBPACKET.issuerFingerprint, Buffer.concat([Buffer.from([4]), key.fingerprint])),
    ...extraHashed,
  ]);
  const header = hashedHeader(key, signatureType, hashed);
  const hashName = digestAlgorithmOf(key.material);
  const hash = createHash(hashName);
  for (const part of signedData) hash.update(part);
  const digest = hash
    .update(header)
    .update(Buffer.from([4, 0xff]))
    .update(u32(header.length))
    .digest();
  const integers = await signDigest(digest, hashName);
  const expected = key.material.algorithm === 'rsa' ? 1 : 2;
  if (integers.length !== expected) {
    throw new RemoteKeyError(`the signer returned ${integers.length} integer(s), expected ${expected}`);
  }
  const unhashed = subpacket(SUBPACKET.issuerKeyId, key.keyId);
  return packet(
    PACKET_TAG.signature,
    Buffer.concat([header, u16(unhashed.length), unhashed, digest.subarray(0, 2), ...integers.map(mpi)]),
  );
}

/**
 * The public key with `userId` certified by the key itself (created at the key's creation time, so every host
 * derives the same certificate contents), as openpgp.js reads it. Costs one remote signature.
 */
export async function certifiedPublicKey(
  key: RemoteKeyIdentity,
  userId: string,
  signDigest: SignDigest,
): Promise<PublicKey> {
  const uid = Buffer.from(userId, 'utf8');
  const keyPacketForHash = Buffer.concat([Buffer.from([0x99]), u16(key.body.length), key.body]);
  const uidForHash = Buffer.concat([Buffer.from([0xb4]), u32(uid.length), uid]);
  const certification = await signaturePacket(
    key,
    SIGNATURE_TYPE.positiveCertification,
    [keyPacketForHash, uidForHash],
    new Date(key.createdSeconds * 1000),
    [
      subpacket(SUBPACKET.keyFlags, Buffer.from([0x03])),
      subpacket(SUBPACKET.primaryUserId, Buffer.from([1])),
    ],
    signDigest,
  );
  const binaryKey = Buffer.concat([
    packet(PACKET_TAG.publicKey, key.body),
    packet(PACKET_TAG.userId, uid),
    certification,
  ]);
  return openpgp.readKey({ binaryKey });
}

/** A detached signature over `bytes` (type 0x00, binary document), ASCII-armored as gpg writes it. */
export async function signDetached(
  key: RemoteKeyIdentity,
  bytes: Uint8Array,
  signDigest: SignDigest,
  now: Date = new Date(),
): Promise<string> {
  const signature = await signaturePacket(
    key,
    SIGNATURE_TYPE.binary,
    [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    now,
    [],
    signDigest,
  );
  return (await openpgp.readSignature({ binarySignature: signature })).armor();
}

/**
 * The integers r and s of a DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs), as AWS KMS and OpenSSL return
 * ECDSA signatures.
 */
export function ecdsaIntegersFromDer(der: Uint8Array): Buffer[] {
  const bytes = Buffer.from(der);
  let at = 0;
  const readLength = (): number => {
    const first = bytes[at++];
    if (first === undefined) throw new RemoteKeyError('the ECDSA signature is truncated');
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) throw new RemoteKeyError('the ECDSA signature has a bad DER length');
    let length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (bytes[at++] ?? 0);
    return length;
  };
  const expectTag = (tag: number, what: string): number => {
    if (bytes[at++] !== tag) throw new RemoteKeyError(`the ECDSA signature is not DER: expected ${what}`);
    return readLength();
  };
  const sequenceLength = expectTag(0x30, 'a SEQUENCE');
  if (at + sequenceLength !== bytes.length)
    throw new RemoteKeyError('the ECDSA signature has trailing bytes');
  const integers: Buffer[] = [];
  for (const name of ['r', 's']) {
    const length = expectTag(0x02, `the INTEGER ${name}`);
    if (length === 0 || at + length > bytes.length)
      throw new RemoteKeyError('the ECDSA signature is truncated');
    integers.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (at !== bytes.length) throw new RemoteKeyError('the ECDSA signature has trailing bytes');
  return integers;
}
