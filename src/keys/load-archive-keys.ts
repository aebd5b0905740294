// Loads the OpenPGP keys a worker needs from files named in the configuration, once, at start-up, and only
// those its roles need: recipients' public keys (stream, seal), the archiver's signing key (seal only: a private
// key file, or an AWS KMS key checked by signing once), the trusted archiver keys and a recipient's private key
// (restore only). A key given to a role that must not hold it is not loaded, with a warning.
import type { PrivateKey, PublicKey } from 'openpgp';
import type { Config } from '../config';
import {
  fingerprint,
  readDecryptionKey,
  readRecipientKeys,
  readSigningKey,
  KeyError,
} from '../pipeline/openpgp-keys';
import type { WorkerRole } from '../task-queues';
import { configuredKmsKey, createKmsClient, createKmsSigner } from './kms-signer';
import { readKeyFile } from './read-key-file';
import { fileSigner, type Signer } from './signer';
import { loadTrustedSigners } from './trusted-signers';

export interface ArchiveKeys {
  recipients: PublicKey[];
  recipientFingerprints: string[];
  /** Only on a worker with the seal role. */
  signing?: Signer;
  signingFingerprint?: string;
  /** The trusted archiver public keys (src/keys/trusted-signers.ts); empty without the seal or restore role. */
  verify: PublicKey[];
  /** A recipient's private key, only on workers with the restore role (SNAPSEAL_DECRYPTION_KEY_FILE). */
  decryption?: PrivateKey;
}

/** The roles a worker runs when SNAPSEAL_WORKER_ROLES is empty: whatever the configured keys allow. */
export function rolesForKeys(keys: Config['keys']): WorkerRole[] {
  const roles: WorkerRole[] = ['archive'];
  if (keys.recipientKeyFiles.length > 0) roles.push('stream');
  if (keys.recipientKeyFiles.length > 0 && (keys.signingKeyFile || keys.signingKms)) roles.push('seal');
  if (keys.decryptionKeyFile) roles.push('restore');
  return roles;
}

export async function loadArchiveKeys(
  keys: Config['keys'],
  roles: readonly WorkerRole[] = rolesForKeys(keys),
  warn: (message: string) => void = (m) => console.error(`snapseal: warning: ${m}`),
): Promise<ArchiveKeys> {
  const has = (role: WorkerRole): boolean => roles.includes(role);
  if (keys.decryptionKeyFile && !has('restore')) {
    warn(
      `SNAPSEAL_DECRYPTION_KEY_FILE is set, but this worker's roles (${roles.join(',')}) do not include restore: the private decryption key is not loaded; keep it off archiving workers`,
    );
  }
  const signingSetting = keys.signingKms ? 'SNAPSEAL_SIGNING_KMS_KEY_ID' : 'SNAPSEAL_SIGNING_KEY_FILE';
  if ((keys.signingKeyFile || keys.signingKms) && has('stream')) {
    warn(
      has('seal')
        ? 'this worker streams volumes and holds the signing key (roles stream and seal): run the seal role on its own worker so streaming workers hold public keys only'
        : `${signingSetting} is set on a worker without the seal role: the signing key is not loaded; give it to the sealing worker only`,
    );
  }
  const needRecipients = has('stream') || has('seal');
  if (needRecipients && keys.recipientKeyFiles.length === 0) {
    throw new KeyError(
      'SNAPSEAL_RECIPIENT_KEY_FILES is empty: name the armored public key file(s) archives are encrypted for',
    );
  }
  if (has('seal') && !keys.signingKeyFile && !keys.signingKms) {
    throw new KeyError(
      'SNAPSEAL_SIGNING_KEY_FILE is empty: the seal role signs manifests; name the armored private key file, or the AWS KMS key in SNAPSEAL_SIGNING_KMS_KEY_ID (or drop seal from SNAPSEAL_WORKER_ROLES)',
    );
  }
  if (has('restore') && !keys.decryptionKeyFile) {
    throw new KeyError(
      'SNAPSEAL_DECRYPTION_KEY_FILE is empty: the restore role decrypts volumes; name a recipient private key file (or drop restore from SNAPSEAL_WORKER_ROLES)',
    );
  }
  const recipients = needRecipients
    ? await readRecipientKeys(
        await Promise.all(keys.recipientKeyFiles.map((f) => readKeyFile(f, 'SNAPSEAL_RECIPIENT_KEY_FILES'))),
      )
    : [];
  const signing = has('seal') ? await loadSigner(keys) : undefined;
  // The seal role checks the manifest it links to (and one found where its archive belongs); restore checks all.
  const verify = has('restore') || has('seal') ? await loadTrustedSigners(keys, signing?.publicKey) : [];
  const decryption =
    has('restore') && keys.decryptionKeyFile
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
    signingFingerprint: signing?.fingerprint,
    verify,
  };
}

/** The sealing key: the private key file, or the AWS KMS key (which must sign once, now, or the worker stops). */
async function loadSigner(keys: Config['keys']): Promise<Signer | undefined> {
  const kmsKey = configuredKmsKey(keys);
  if (kmsKey) {
    const client = createKmsClient(keys.kms);
    return createKmsSigner(kmsKey, keys.kms, client).catch((err: unknown) => {
      client.destroy();
      throw err;
    });
  }
  if (!keys.signingKeyFile) return undefined;
  const armored = await readKeyFile(keys.signingKeyFile, 'SNAPSEAL_SIGNING_KEY_FILE');
  return fileSigner(await readSigningKey(armored, keys.signingKeyPassphrase?.reveal()));
}
