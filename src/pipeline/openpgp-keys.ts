// Reads and checks OpenPGP keys: recipients (public, able to encrypt), the archiver's signing key (private,
// unlocked), keys that verify signatures, and a recipient's private key for decryption. Messages say what
// was expected and never contain key material.
import * as openpgp from 'openpgp';
import type { PrivateKey, PublicKey } from 'openpgp';

export class KeyError extends Error {
  override name = 'KeyError';
}

/** The key's v4 fingerprint, upper-case hex (as `gpg --fingerprint` shows it, without spaces). */
export function fingerprint(key: PublicKey | PrivateKey): string {
  return key.getFingerprint().toUpperCase();
}

async function parseKeys(armored: string, what: string): Promise<(PublicKey | PrivateKey)[]> {
  try {
    return await openpgp.readKeys({ armoredKeys: armored });
  } catch {
    throw new KeyError(
      `${what}: not an ASCII-armored OpenPGP key (expected "-----BEGIN PGP PUBLIC KEY BLOCK-----")`,
    );
  }
}

/** Public keys that archives are encrypted for. */
export async function readRecipientKeys(armoredKeys: string[]): Promise<PublicKey[]> {
  const result: PublicKey[] = [];
  for (const [i, armored] of armoredKeys.entries()) {
    const what = `recipient key ${i + 1}`;
    for (const key of await parseKeys(armored, what)) {
      if (key.isPrivate()) {
        throw new KeyError(
          `${what} (${fingerprint(key)}) is a private key: give the recipient's public key; private keys never belong on the archiving worker`,
        );
      }
      try {
        await key.getEncryptionKey();
      } catch (err) {
        throw new KeyError(
          `${what} (${fingerprint(key)}) cannot encrypt: ${(err as Error).message} (expired, revoked, or no encryption subkey)`,
        );
      }
      assertGnupgCanDecrypt(key as PublicKey, what);
      result.push(key as PublicKey);
    }
  }
  return result;
}

// Public-key algorithms of RFC 9580 only (X25519, X448, Ed25519, Ed448 in their native form): GnuPG 2.2 cannot
// import such a key, so its owner could never decrypt a volume by hand.
const RFC9580_ONLY_ALGORITHMS = new Set<number>([
  openpgp.enums.publicKey.x25519,
  openpgp.enums.publicKey.x448,
  openpgp.enums.publicKey.ed25519,
  openpgp.enums.publicKey.ed448,
]);

/**
 * Refuse a recipient whose messages GnuPG 2.2 could not decrypt: a v6 key (RFC 9580), or a key (primary or
 * any subkey) of an RFC 9580-only algorithm. A v4 key that merely advertises SEIPDv2 is fine: every volume is
 * encrypted with a session key of AES-256 without AEAD (SESSION_KEY): PKESK v3 + SEIPD v1.
 */
export function assertGnupgCanDecrypt(key: PublicKey, what: string): void {
  const fpr = fingerprint(key);
  if (key.keyPacket.version !== 4) {
    throw new KeyError(
      `${what} (${fpr}) is a v${key.keyPacket.version} key (RFC 9580): GnuPG 2.2 cannot read it, so nobody could decrypt an archive by hand; give a v4 key (gpg --full-generate-key, or sq key generate)`,
    );
  }
  for (const packet of [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)]) {
    if (RFC9580_ONLY_ALGORITHMS.has(packet.algorithm)) {
      throw new KeyError(
        `${what} (${fpr}) uses ${openpgp.enums.read(openpgp.enums.publicKey, packet.algorithm)} (key ${packet.getFingerprint().toUpperCase()}), an RFC 9580-only algorithm GnuPG 2.2 cannot use; give a v4 key with RSA or Curve25519 (ECDH cv25519 / EdDSA legacy)`,
      );
    }
  }
}

/** Public keys whose signatures are accepted. */
export async function readVerificationKeys(armoredKeys: string[]): Promise<PublicKey[]> {
  const result: PublicKey[] = [];
  for (const [i, armored] of armoredKeys.entries()) {
    for (const key of await parseKeys(armored, `verification key ${i + 1}`)) result.push(key.toPublic());
  }
  return result;
}

async function readUnlockedPrivateKey(
  armored: string,
  passphrase: string | undefined,
  what: string,
): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch {
    const parsed = await parseKeys(armored, what).catch(() => []);
    if (parsed.length > 0 && !parsed[0]!.isPrivate()) {
      throw new KeyError(
        `${what} is a public key (${fingerprint(parsed[0]!)}): a private key is needed ("-----BEGIN PGP PRIVATE KEY BLOCK-----")`,
      );
    }
    throw new KeyError(`${what}: not an ASCII-armored OpenPGP private key`);
  }
  if (key.isDecrypted()) return key;
  if (!passphrase)
    throw new KeyError(`${what} (${fingerprint(key)}) is protected by a passphrase, and none is configured`);
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch {
    throw new KeyError(`${what} (${fingerprint(key)}): the passphrase does not unlock it`);
  }
}

/** The archiver's private key, unlocked, able to sign. */
export async function readSigningKey(armored: string, passphrase?: string): Promise<PrivateKey> {
  const key = await readUnlockedPrivateKey(armored, passphrase, 'signing key');
  try {
    await key.getSigningKey();
  } catch (err) {
    throw new KeyError(`signing key (${fingerprint(key)}) cannot sign: ${(err as Error).message}`);
  }
  return key;
}

/** A recipient's private key, unlocked, for decrypting volumes (verify and restore). */
export async function readDecryptionKey(armored: string, passphrase?: string): Promise<PrivateKey> {
  return readUnlockedPrivateKey(armored, passphrase, 'decryption key');
}

export interface GeneratedKeyPair {
  publicKey: string;
  privateKey: string;
  fingerprint: string;
}

/** A v4 Curve25519 key pair (Ed25519 signing primary, Cv25519 encryption subkey) that GnuPG 2.2 reads. */
export async function generateDemoKeys(identity: { name: string; email: string }): Promise<GeneratedKeyPair> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [identity],
    format: 'armored',
    config: { v6Keys: false, aeadProtect: false },
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { publicKey, privateKey, fingerprint: fingerprint(key) };
}
