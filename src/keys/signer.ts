// The archiver key as the seal and key rotation use it: a fingerprint, the public key and one operation, a
// detached signature. Where the private key lives (a file on this host, an AWS KMS key) is the implementation's
// business: src/keys/kms-signer.ts builds the same signatures around KMS Sign.
import type { PrivateKey, PublicKey } from 'openpgp';
import { signManifest } from '../pipeline/manifest';
import { fingerprint } from '../pipeline/openpgp-keys';

export interface Signer {
  /** The key's v4 fingerprint, upper-case hex (what pins and manifests name). */
  readonly fingerprint: string;
  /** The public key, with a user ID certified by the key itself: what verify hosts are given and pin. */
  readonly publicKey: PublicKey;
  /** Where the private key lives, for messages: "key file" or "AWS KMS key <arn>". */
  readonly holder: string;
  /**
   * An ASCII-armored detached OpenPGP signature over `bytes`, which `gpg --verify` checks, made at `date`
   * (default: now; a rotation record's signatures carry its createdAt).
   */
  sign(bytes: Uint8Array, date?: Date): Promise<string>;
}

/** A private key read from a file (SNAPSEAL_SIGNING_KEY_FILE), unlocked: signed with openpgp.js in process. */
export function fileSigner(key: PrivateKey): Signer {
  return {
    fingerprint: fingerprint(key),
    publicKey: key.toPublic(),
    holder: 'key file',
    sign: (bytes, date) => signManifest(bytes, key, date),
  };
}
