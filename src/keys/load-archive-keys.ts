// Loads the OpenPGP keys a worker needs from files named in the configuration, once, at start-up:
// recipients' public keys (encryption), the archiver's private key (signing) and the keys accepted on verify.
import { readFile } from 'node:fs/promises';
import type { PrivateKey, PublicKey } from 'openpgp';
import type { Config } from '../config';
import {
  fingerprint,
  readDecryptionKey,
  readRecipientKeys,
  readSigningKey,
  readVerificationKeys,
  KeyError,
} from '../pipeline/openpgp-keys';

export interface ArchiveKeys {
  recipients: PublicKey[];
  recipientFingerprints: string[];
  signing: PrivateKey;
  signingFingerprint: string;
  /** Public keys whose signatures verify (the signing key's own public half, plus SNAPSEAL_VERIFY_KEY_FILES). */
  verify: PublicKey[];
  /** A recipient's private key, only on workers that verify or restore (SNAPSEAL_DECRYPTION_KEY_FILE). */
  decryption?: PrivateKey;
}

async function readKeyFile(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new KeyError(`${setting}: cannot read key file ${path} (${why})`);
  }
}

export async function loadArchiveKeys(keys: Config['keys']): Promise<ArchiveKeys> {
  if (keys.recipientKeyFiles.length === 0) {
    throw new KeyError(
      'SNAPSEAL_RECIPIENT_KEY_FILES is empty: name the armored public key file(s) archives are encrypted for',
    );
  }
  if (!keys.signingKeyFile) {
    throw new KeyError(
      'SNAPSEAL_SIGNING_KEY_FILE is empty: name the armored private key file that signs manifests',
    );
  }
  const recipientTexts = await Promise.all(
    keys.recipientKeyFiles.map((f) => readKeyFile(f, 'SNAPSEAL_RECIPIENT_KEY_FILES')),
  );
  const recipients = await readRecipientKeys(recipientTexts);
  const signing = await readSigningKey(
    await readKeyFile(keys.signingKeyFile, 'SNAPSEAL_SIGNING_KEY_FILE'),
    keys.signingKeyPassphrase?.reveal(),
  );
  const extraVerify = await Promise.all(
    keys.verifyKeyFiles.map((f) => readKeyFile(f, 'SNAPSEAL_VERIFY_KEY_FILES')),
  );
  const verify = [
    signing.toPublic(),
    ...(extraVerify.length > 0 ? await readVerificationKeys(extraVerify) : []),
  ];
  const decryption = keys.decryptionKeyFile
    ? await readDecryptionKey(
        await readKeyFile(keys.decryptionKeyFile, 'SNAPSEAL_DECRYPTION_KEY_FILE'),
        keys.decryptionKeyPassphrase?.reveal(),
      )
    : undefined;
  return {
    decryption,
    recipients,
    recipientFingerprints: recipients.map(fingerprint),
    signing,
    signingFingerprint: fingerprint(signing),
    verify,
  };
}
