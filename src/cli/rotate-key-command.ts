// `snapseal rotate-key`: hands the archive chain over from the archiver key that signs it to a new one, as a
// rotation record signed by both keys (src/keys/key-rotation.ts), and says what to pin. Needs only S3.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import type { PrivateKey } from 'openpgp';
import { readChainHead } from '../archive/archive-chain';
import { authenticateManifest, manifestStore, ManifestNotAuthentic } from '../archive/authenticated-manifest';
import { recordKeyRotation } from '../archive/rotation-records';
import { archiveBucketOf } from '../buckets/buckets';
import type { Config } from '../config';
import { readKeyFile } from '../keys/read-key-file';
import { fingerprint, KeyError, readSigningKey } from '../pipeline/openpgp-keys';
import { createS3Client } from '../s3/create-s3-client';
import { configFrom, output, type GlobalOptions } from './cli-context';
import { UsageError } from './usage-error';

export interface RotateKeyOptions {
  oldKeyFile: string;
  newKeyFile: string;
  reason?: string;
}

export interface RotateKeyResult {
  fromFingerprint: string;
  toFingerprint: string;
  /** s3://bucket/key of the record; its two signatures sit beside it (.old-key.asc, .new-key.asc). */
  record: string;
  sha256: string;
  createdAt: string;
  /** False when the record existed already (the command ran before); it is kept as it was. */
  created: boolean;
}

async function readPrivateKey(
  path: string,
  option: string,
  passphrase: string | undefined,
  passphraseSetting: string,
): Promise<PrivateKey> {
  const armored = await readKeyFile(path, option);
  try {
    return await readSigningKey(armored, passphrase);
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    // readSigningKey speaks of "signing key" and of a configured passphrase: name the option and the setting.
    const message = err.message.replace(/^signing key/, `${option} ${path}`);
    throw new KeyError(/passphrase/.test(message) ? `${message} (${passphraseSetting})` : message);
  }
}

/** The old key must be the one that signs the chain today (or the new one, when the rotation ran before). */
async function assertOldKeySignsChain(
  config: Config,
  s3: S3Client,
  oldKey: PrivateKey,
  newKey: PrivateKey,
): Promise<void> {
  const store = manifestStore(config, s3, [oldKey.toPublic(), newKey.toPublic()]);
  const head = await readChainHead(archiveBucketOf(store));
  if (!head) return;
  try {
    await authenticateManifest(store, head.archiveId);
  } catch (err) {
    if (err instanceof ManifestNotAuthentic && err.missing) return; // a seal in progress
    if (err instanceof ManifestNotAuthentic) {
      throw new KeyError(
        `The chain's newest archive #${head.sequence} (${head.archiveId}) is not signed by the old key ${fingerprint(oldKey)}: ${err.message}. Hand over from the key that signs the chain (the sealing worker's SNAPSEAL_SIGNING_KEY_FILE).`,
      );
    }
    throw err;
  }
}

/** What `snapseal rotate-key` does, without the CLI around it. */
export async function rotateKey(
  config: Config,
  options: RotateKeyOptions,
  now: Date = new Date(),
): Promise<RotateKeyResult> {
  const oldKey = await readPrivateKey(
    options.oldKeyFile,
    '--old-key-file',
    config.keys.oldSigningKeyPassphrase?.reveal(),
    'SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE',
  );
  const newKey = await readPrivateKey(
    options.newKeyFile,
    '--new-key-file',
    config.keys.signingKeyPassphrase?.reveal(),
    'SNAPSEAL_SIGNING_KEY_PASSPHRASE',
  );
  if (fingerprint(oldKey) === fingerprint(newKey)) {
    throw new UsageError(
      `--old-key-file and --new-key-file hold the same key (${fingerprint(oldKey)}): give the new archiver key as --new-key-file`,
    );
  }
  const s3 = createS3Client(config.s3);
  try {
    await assertOldKeySignsChain(config, s3, oldKey, newKey);
    const recorded = await recordKeyRotation(
      { ...manifestStore(config, s3, []), objectLock: config.archive },
      oldKey,
      newKey,
      { createdAt: now.toISOString(), reason: options.reason },
    );
    return {
      fromFingerprint: recorded.rotation.fromFingerprint,
      toFingerprint: recorded.rotation.toFingerprint,
      record: `s3://${config.archive.bucket}/${recorded.key}`,
      sha256: recorded.sha256,
      createdAt: recorded.rotation.createdAt,
      created: recorded.created,
    };
  } finally {
    s3.destroy();
  }
}

function describeRotation(r: RotateKeyResult): string {
  return [
    `${r.created ? 'Recorded' : 'Already recorded'} the rotation from ${r.fromFingerprint} to ${r.toFingerprint} (${r.createdAt}), signed by both keys:`,
    `  ${r.record} (sha256 ${r.sha256})`,
    `New archiver key: ${r.toFingerprint}`,
    'Next:',
    `  1. Wherever verify, restore or drills run, and on the sealing worker: add ${r.toFingerprint} to SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS (keep ${r.fromFingerprint}) and the new public key to SNAPSEAL_VERIFY_KEY_FILES (keep the old one).`,
    '  2. Give the new private key to the sealing worker (SNAPSEAL_SIGNING_KEY_FILE) and restart it; its first manifest names this record.',
  ].join('\n');
}

export function registerRotateKeyCommand(program: Command): void {
  program
    .command('rotate-key')
    .description(
      'hand the archive chain over to a new archiver key: a rotation record signed by the old and the new key',
    )
    .requiredOption(
      '--old-key-file <path>',
      'armored private key that signs the chain now (passphrase: SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE)',
    )
    .requiredOption(
      '--new-key-file <path>',
      'armored private key that takes over (passphrase: SNAPSEAL_SIGNING_KEY_PASSPHRASE)',
    )
    .option('--reason <text>', 'why the key is rotated, kept in the record')
    .action(async (opts: RotateKeyOptions) => {
      const g = program.opts<GlobalOptions>();
      const result = await rotateKey(configFrom(g), opts);
      output(g, result, () => describeRotation(result));
    });
}
