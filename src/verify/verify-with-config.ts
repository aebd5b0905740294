// Wires verifyArchive to the configuration: archive bucket, accepted signer keys, a recipient's private key.
import { readFile } from 'node:fs/promises';
import { manifestStore } from '../archive/authenticated-manifest';
import type { Config } from '../config';
import { timeEvidencePolicy } from '../evidence/check-time-evidence';
import { loadTrustedSigners } from '../keys/trusted-signers';
import { KeyError, readDecryptionKey, readSigningKey } from '../pipeline/openpgp-keys';
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

/** The trusted archiver public keys (one definition: src/keys/trusted-signers.ts). */
export async function loadVerifyKeys(config: Config): Promise<PublicKey[]> {
  const { keys } = config;
  const signing = keys.signingKeyFile
    ? await readSigningKey(
        await read(keys.signingKeyFile, 'SNAPSEAL_SIGNING_KEY_FILE'),
        keys.signingKeyPassphrase?.reveal(),
      )
    : undefined;
  return loadTrustedSigners(keys, signing);
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
        ...manifestStore(config, s3, verifyKeys),
        decryptionKeys: [decryptionKey],
        objectLock: config.archive,
        witness: config.witness,
        timeEvidence: timeEvidencePolicy(config),
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
      ...manifestStore(config, s3, verifyKeys),
      witness: config.witness,
      timeEvidence: { ...timeEvidencePolicy(config), timeZone: config.schedule.timeZone },
    });
  } finally {
    s3.destroy();
  }
}
