// Wires verifyArchive to the configuration: archive bucket, accepted signer keys, a recipient's private key.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config';
import { KeyError, readDecryptionKey, readSigningKey, readVerificationKeys } from '../pipeline/openpgp-keys';
import { createS3Client } from '../s3/create-s3-client';
import { verifyArchive, type VerifyReport } from './verify-archive';
import { verifyChain, type ChainReport } from './verify-chain';
import type { PublicKey } from 'openpgp';

async function read(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new KeyError(
      `${setting}: cannot read key file ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

/** The archiver public keys whose signatures are accepted: SNAPSEAL_VERIFY_KEY_FILES, else the signing key's. */
export async function loadVerifyKeys(config: Config): Promise<PublicKey[]> {
  const { keys } = config;
  const verifyTexts = await Promise.all(keys.verifyKeyFiles.map((f) => read(f, 'SNAPSEAL_VERIFY_KEY_FILES')));
  if (verifyTexts.length > 0) return readVerificationKeys(verifyTexts);
  if (keys.signingKeyFile) {
    const signing = await readSigningKey(
      await read(keys.signingKeyFile, 'SNAPSEAL_SIGNING_KEY_FILE'),
      keys.signingKeyPassphrase?.reveal(),
    );
    return [signing.toPublic()];
  }
  throw new KeyError(
    'SNAPSEAL_VERIFY_KEY_FILES is empty: name the archiver public key(s) whose signatures are accepted',
  );
}

export async function verifyWithConfig(config: Config, archiveId: string): Promise<VerifyReport> {
  const { keys } = config;
  if (!keys.decryptionKeyFile) {
    throw new KeyError(
      'SNAPSEAL_DECRYPTION_KEY_FILE is empty: verify needs a recipient private key to decrypt the volumes',
    );
  }
  const verifyKeys = await loadVerifyKeys(config);
  const decryptionKey = await readDecryptionKey(
    await read(keys.decryptionKeyFile, 'SNAPSEAL_DECRYPTION_KEY_FILE'),
    keys.decryptionKeyPassphrase?.reveal(),
  );
  const s3 = createS3Client(config.s3);
  try {
    return await verifyArchive(
      {
        s3,
        bucket: config.archive.bucket,
        archivePrefix: config.archive.prefix,
        verifyKeys,
        decryptionKeys: [decryptionKey],
        timestamp: config.evidence.tsaCaFile
          ? {
              caPem: await read(config.evidence.tsaCaFile, 'SNAPSEAL_TSA_CA_FILE'),
              toleranceSeconds: config.evidence.toleranceSeconds,
            }
          : undefined,
      },
      archiveId,
    );
  } finally {
    s3.destroy();
  }
}

export async function verifyChainWithConfig(config: Config): Promise<ChainReport> {
  const verifyKeys = await loadVerifyKeys(config);
  const s3 = createS3Client(config.s3);
  try {
    return await verifyChain({
      s3,
      bucket: config.archive.bucket,
      archivePrefix: config.archive.prefix,
      verifyKeys,
    });
  } finally {
    s3.destroy();
  }
}
