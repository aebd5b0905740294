// `snapseal rotate-key`: hands the archive chain over from the archiver key that signs it to a new one, as a
// rotation record signed by both keys (src/keys/key-rotation.ts), and says what to pin. Each key is a private
// key file or an AWS KMS key. Needs S3 (and KMS for a KMS key).
import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import type { KMSClient } from '@aws-sdk/client-kms';
import { readChainHead } from '../archive/archive-chain';
import { authenticateManifest, manifestStore, ManifestNotAuthentic } from '../archive/authenticated-manifest';
import { recordKeyRotation } from '../archive/rotation-records';
import { archiveBucketOf } from '../buckets/buckets';
import type { Config } from '../config';
import { createKmsClient, createKmsSigner } from '../keys/kms-signer';
import { readKeyFile } from '../keys/read-key-file';
import { fileSigner, type Signer } from '../keys/signer';
import { KeyError, readSigningKey } from '../pipeline/openpgp-keys';
import { createS3Client } from '../s3/create-s3-client';
import { configFrom, output, type GlobalOptions } from './cli-context';
import { UsageError } from './usage-error';

export interface RotateKeyOptions {
  oldKeyFile?: string;
  /** The old key in AWS KMS (instead of oldKeyFile), and its OpenPGP creation time. */
  oldKmsKey?: string;
  oldKmsKeyCreatedAt?: string;
  newKeyFile?: string;
  newKmsKey?: string;
  newKmsKeyCreatedAt?: string;
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
): Promise<Signer> {
  const armored = await readKeyFile(path, option);
  try {
    return fileSigner(await readSigningKey(armored, passphrase));
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    // readSigningKey speaks of "signing key" and of a configured passphrase: name the option and the setting.
    const message = err.message.replace(/^signing key/, `${option} ${path}`);
    throw new KeyError(/passphrase/.test(message) ? `${message} (${passphraseSetting})` : message);
  }
}

/**
 * The old or the new key: a private key file, or a KMS key (certified through KMS now, so a key that cannot sign
 * is refused before anything is written). A KMS key's creation time is the option's, or the sealing worker's
 * setting when it is that key.
 */
async function readRotationSigner(
  config: Config,
  options: RotateKeyOptions,
  which: 'old' | 'new',
  kms: () => KMSClient,
): Promise<Signer> {
  const file = which === 'old' ? options.oldKeyFile : options.newKeyFile;
  const kmsKey = which === 'old' ? options.oldKmsKey : options.newKmsKey;
  const createdAt = which === 'old' ? options.oldKmsKeyCreatedAt : options.newKmsKeyCreatedAt;
  if ((file === undefined) === (kmsKey === undefined)) {
    throw new UsageError(
      `give the ${which} key as --${which}-key-file <path> or as --${which}-kms-key <key id>, one of them`,
    );
  }
  if (file !== undefined) {
    return which === 'old'
      ? readPrivateKey(
          file,
          '--old-key-file',
          config.keys.oldSigningKeyPassphrase?.reveal(),
          'SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE',
        )
      : readPrivateKey(
          file,
          '--new-key-file',
          config.keys.signingKeyPassphrase?.reveal(),
          'SNAPSEAL_SIGNING_KEY_PASSPHRASE',
        );
  }
  const configured = config.keys.signingKms?.keyId === kmsKey ? config.keys.signingKms : undefined;
  const created = createdAt ?? configured?.createdAt.toISOString();
  if (created === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.000)?Z$/.test(created)) {
    throw new UsageError(
      `--${which}-kms-key-created-at <time>: give the OpenPGP creation time of ${kmsKey} (a UTC time to the second such as 2026-12-01T00:00:00Z, the value its SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT has or will have)`,
    );
  }
  return createKmsSigner(
    {
      keyId: kmsKey!,
      createdAt: new Date(created),
      keyIdSetting: `--${which}-kms-key`,
      createdAtSetting: `--${which}-kms-key-created-at`,
    },
    config.keys.kms,
    kms(),
  );
}

/** The old key must be the one that signs the chain today (or the new one, when the rotation ran before). */
async function assertOldKeySignsChain(
  config: Config,
  s3: S3Client,
  oldKey: Signer,
  newKey: Signer,
): Promise<void> {
  const store = manifestStore(config, s3, [oldKey.publicKey, newKey.publicKey]);
  const head = await readChainHead(archiveBucketOf(store));
  if (!head) return;
  try {
    await authenticateManifest(store, head.archiveId);
  } catch (err) {
    if (err instanceof ManifestNotAuthentic && err.missing) return; // a seal in progress
    if (err instanceof ManifestNotAuthentic) {
      throw new KeyError(
        `The chain's newest archive #${head.sequence} (${head.archiveId}) is not signed by the old key ${oldKey.fingerprint}: ${err.message}. Hand over from the key that signs the chain (the sealing worker's SNAPSEAL_SIGNING_KEY_FILE or SNAPSEAL_SIGNING_KMS_KEY_ID).`,
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
  let kmsClient: KMSClient | undefined;
  const kms = (): KMSClient => (kmsClient ??= createKmsClient(config.keys.kms));
  const s3 = createS3Client(config.s3);
  try {
    const oldKey = await readRotationSigner(config, options, 'old', kms);
    const newKey = await readRotationSigner(config, options, 'new', kms);
    if (oldKey.fingerprint === newKey.fingerprint) {
      throw new UsageError(
        `the old and the new key are the same key (${oldKey.fingerprint}): give the new archiver key as --new-key-file or --new-kms-key`,
      );
    }
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
    kmsClient?.destroy();
  }
}

function describeRotation(r: RotateKeyResult): string {
  return [
    `${r.created ? 'Recorded' : 'Already recorded'} the rotation from ${r.fromFingerprint} to ${r.toFingerprint} (${r.createdAt}), signed by both keys:`,
    `  ${r.record} (sha256 ${r.sha256})`,
    `New archiver key: ${r.toFingerprint}`,
    'Next:',
    `  1. Wherever verify, restore or drills run, and on the sealing worker: add ${r.toFingerprint} to SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS (keep ${r.fromFingerprint}) and the new public key to SNAPSEAL_VERIFY_KEY_FILES (keep the old one).`,
    '  2. Give the new key to the sealing worker (SNAPSEAL_SIGNING_KEY_FILE, or SNAPSEAL_SIGNING_KMS_KEY_ID with its SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT) and restart it; its first manifest names this record.',
  ].join('\n');
}

export function registerRotateKeyCommand(program: Command): void {
  program
    .command('rotate-key')
    .description(
      'hand the archive chain over to a new archiver key: a rotation record signed by the old and the new key',
    )
    .option(
      '--old-key-file <path>',
      'armored private key that signs the chain now (passphrase: SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE)',
    )
    .option(
      '--old-kms-key <key id>',
      'or: the AWS KMS key that signs the chain now (SNAPSEAL_KMS_REGION, SNAPSEAL_KMS_ENDPOINT)',
    )
    .option(
      '--old-kms-key-created-at <time>',
      'its OpenPGP creation time (default: SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT when it is the configured key)',
    )
    .option(
      '--new-key-file <path>',
      'armored private key that takes over (passphrase: SNAPSEAL_SIGNING_KEY_PASSPHRASE)',
    )
    .option('--new-kms-key <key id>', 'or: the AWS KMS key that takes over')
    .option(
      '--new-kms-key-created-at <time>',
      'its OpenPGP creation time (default: SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT when it is the configured key)',
    )
    .option('--reason <text>', 'why the key is rotated, kept in the record')
    .action(async (opts: RotateKeyOptions) => {
      const g = program.opts<GlobalOptions>();
      const result = await rotateKey(configFrom(g), opts);
      output(g, result, () => describeRotation(result));
    });
}
