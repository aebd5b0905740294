// `snapseal kms-public-key`: the OpenPGP public key and fingerprint of the archiver key in AWS KMS
// (SNAPSEAL_SIGNING_KMS_KEY_ID at SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT), for pinning wherever verify, restore and
// drills run. Deriving it signs once through KMS (the user ID's self-certification), so it also proves that
// the key can sign from here.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config } from '../config';
import { configuredKmsKey, createKmsClient, createKmsSigner } from '../keys/kms-signer';
import { configFrom, output, type GlobalOptions } from './cli-context';
import { UsageError } from './usage-error';

export interface KmsPublicKey {
  fingerprint: string;
  keyArn: string;
  createdAt: string;
  /** The armored public key (what SNAPSEAL_VERIFY_KEY_FILES names). */
  publicKey: string;
  /** Where it was written, with --output. */
  file?: string;
}

export async function exportKmsPublicKey(config: Config, outputFile?: string): Promise<KmsPublicKey> {
  const ref = configuredKmsKey(config.keys);
  if (!ref) {
    throw new UsageError(
      'SNAPSEAL_SIGNING_KMS_KEY_ID is empty: name the AWS KMS key (and SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT) whose public key to export',
    );
  }
  const client = createKmsClient(config.keys.kms);
  try {
    const signer = await createKmsSigner(ref, config.keys.kms, client);
    const publicKey = signer.publicKey.armor();
    if (outputFile) await writeFile(outputFile, publicKey);
    return {
      fingerprint: signer.fingerprint,
      keyArn: signer.keyArn,
      createdAt: signer.createdAt.toISOString(),
      publicKey,
      ...(outputFile ? { file: outputFile } : {}),
    };
  } finally {
    client.destroy();
  }
}

function describe(k: KmsPublicKey): string {
  return [
    `Archiver key ${k.keyArn} (OpenPGP creation time ${k.createdAt})`,
    `Fingerprint: ${k.fingerprint}`,
    `Pin it: SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS=${k.fingerprint}; give the public key in SNAPSEAL_VERIFY_KEY_FILES.`,
    k.file ? `Public key written to ${k.file}` : k.publicKey.trimEnd(),
  ].join('\n');
}

export function registerKmsPublicKeyCommand(program: Command): void {
  program
    .command('kms-public-key')
    .description(
      'print the OpenPGP public key and fingerprint of the archiver key in AWS KMS (SNAPSEAL_SIGNING_KMS_KEY_ID), for pinning',
    )
    .option('--output <file>', 'write the armored public key to this file instead of printing it')
    .action(async (opts: { output?: string }) => {
      const g = program.opts<GlobalOptions>();
      const result = await exportKmsPublicKey(configFrom(g), opts.output);
      output(g, result, () => describe(result));
    });
}
