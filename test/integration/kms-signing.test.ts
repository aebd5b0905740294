// Manifests and rotation records signed through AWS KMS, on the real stack and the local KMS server
// (scripts/kms.sh): the chain goes from the file key to a KMS key and back through rotate-key; the KMS-signed
// archive passes verify, verify --chain and the README's by-hand gpgv check; a signature by another KMS key is
// refused; a worker whose KMS key cannot sign does not start, and says which setting to fix.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DisableKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import * as openpgp from 'openpgp';
import { rotationRecordLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import type { KmsPublicKey } from '../../src/cli/kms-public-key-command';
import { rotateKey } from '../../src/cli/rotate-key-command';
import { loadConfig, type Config } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { createKmsClient, createKmsSigner } from '../../src/keys/kms-signer';
import { parseManifest } from '../../src/pipeline/manifest';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { createSnapsealWorker } from '../../src/worker-factory';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { gnupg, type GnuPG } from './gnupg';
import { createLocalKmsKey, LOCAL_KMS, LOCAL_KMS_CREDENTIALS, localKmsClient } from './local-kms';
import { byHandScript } from './readme-by-hand';
import { snapsealJson } from './snapseal-cli';

const CREATED_AT = '2026-12-01T00:00:00Z';
const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03'] as const;
const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function runFile(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('archives signed through AWS KMS (real stack, local KMS)', () => {
  let h: ArchiveHarness;
  let kms: KMSClient;
  let kmsKey: string;
  let otherKmsKey: string;
  let exported: KmsPublicKey;
  let fileKeyFingerprint: string;
  /** The harness's settings plus the KMS location and the local KMS's credentials. */
  let baseEnv: NodeJS.ProcessEnv;
  /** Signs with the KMS key; pins the file key and the KMS key (what verifiers have once the chain is handed over). */
  let kmsEnv: NodeJS.ProcessEnv;
  /** Signs with the file key; the same pins. */
  let fileEnv: NodeJS.ProcessEnv;
  let gpgHome: GnuPG;
  let script: string;
  const sealed: ArchiveResult[] = [];

  const archiveRun = async (date: string, config: Config): Promise<ArchiveResult> => {
    await loadSampleDay(h.search, h.template, date, 100);
    return h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
      undefined,
      config,
    );
  };
  const get = async (key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const put = (key: string, body: string | Buffer) =>
    h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: body }));
  const byHand = (archiveId: string, keyFile: string, fpr: string): Promise<Ran> =>
    runFile(
      'bash',
      [script, archiveId, keyFile, fpr],
      {
        PATH: process.env.PATH,
        HOME: h.keyDir,
        GNUPGHOME: gpgHome.home,
        AWS_ACCESS_KEY_ID: h.config.s3.credentials!.accessKeyId,
        AWS_SECRET_ACCESS_KEY: h.config.s3.credentials!.secretAccessKey.reveal(),
        AWS_DEFAULT_REGION: h.config.s3.region,
        SNAPSEAL_S3_ENDPOINT: h.config.s3.endpoint ?? '',
        SNAPSEAL_ARCHIVE_BUCKET: h.config.archive.bucket,
        SNAPSEAL_ARCHIVE_PREFIX: h.config.archive.prefix,
      },
      h.keyDir,
    );

  beforeAll(async () => {
    // The worker's KMS client takes the AWS SDK's default credential chain, as on a host with a role.
    Object.assign(process.env, LOCAL_KMS_CREDENTIALS);
    kms = localKmsClient();
    kmsKey = await createLocalKmsKey(kms, 'RSA_2048');
    otherKmsKey = await createLocalKmsKey(kms, 'ECC_NIST_P256');
    h = await createArchiveHarness();
    fileKeyFingerprint = (
      await openpgp.readKey({ armoredKey: await readFile(h.keys.archiverPublic, 'utf8') })
    )
      .getFingerprint()
      .toUpperCase();
    baseEnv = workerEnv(h, {
      ...LOCAL_KMS_CREDENTIALS,
      SNAPSEAL_KMS_ENDPOINT: LOCAL_KMS.endpoint,
      SNAPSEAL_KMS_REGION: LOCAL_KMS.region,
    });
    const kmsPublicKeyFile = join(h.keyDir, 'kms-archiver.pub.asc');
    const printed = await snapsealJson<KmsPublicKey>(
      {
        ...baseEnv,
        SNAPSEAL_SIGNING_KEY_FILE: '',
        SNAPSEAL_SIGNING_KMS_KEY_ID: kmsKey,
        SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: CREATED_AT,
      },
      ['kms-public-key', '--output', kmsPublicKeyFile],
    );
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    exported = printed.out;
    const pins = {
      SNAPSEAL_VERIFY_KEY_FILES: [h.keys.archiverPublic, kmsPublicKeyFile].join(','),
      SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: [fileKeyFingerprint, exported.fingerprint].join(','),
    };
    fileEnv = { ...baseEnv, ...pins };
    kmsEnv = {
      ...fileEnv,
      SNAPSEAL_SIGNING_KEY_FILE: '',
      SNAPSEAL_SIGNING_KMS_KEY_ID: kmsKey,
      SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: CREATED_AT,
    };
    gpgHome = await gnupg([h.keys.recipientPrivate]);
    script = join(h.keyDir, 'verify-by-hand.sh');
    await writeFile(script, await byHandScript());
  });

  afterAll(async () => {
    await gpgHome?.close();
    await h?.close();
    kms?.destroy();
  });

  it('derives the same OpenPGP key from the KMS key on every host, and prints it for pinning', async () => {
    expect(exported).toMatchObject({ keyArn: kmsKey, createdAt: '2026-12-01T00:00:00.000Z' });
    const written = await openpgp.readKey({ armoredKey: await readFile(exported.file!, 'utf8') });
    expect(written.getFingerprint().toUpperCase()).toBe(exported.fingerprint);
    expect(written.getCreationTime().toISOString()).toBe('2026-12-01T00:00:00.000Z');
    // Another process (a restart, another host) derives the same fingerprint; another creation time does not.
    const location = loadConfig(kmsEnv).keys.kms;
    const client = createKmsClient(location);
    try {
      const ref = {
        keyId: kmsKey,
        createdAt: new Date(CREATED_AT),
        keyIdSetting: 'SNAPSEAL_SIGNING_KMS_KEY_ID',
        createdAtSetting: 'SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT',
      };
      expect((await createKmsSigner(ref, location, client)).fingerprint).toBe(exported.fingerprint);
      const later = await createKmsSigner(
        { ...ref, createdAt: new Date('2026-12-02T00:00:00Z') },
        location,
        client,
      );
      expect(later.fingerprint).not.toBe(exported.fingerprint);
    } finally {
      client.destroy();
    }
  });

  it('hands the chain from the file key to the KMS key; the KMS-signed archive passes verify, verify --chain and gpgv by hand', async () => {
    sealed.push(await archiveRun(DAYS[0], loadConfig(fileEnv)));
    const rotated = await rotateKey(loadConfig(fileEnv), {
      oldKeyFile: h.keys.archiverPrivate,
      newKmsKey: kmsKey,
      newKmsKeyCreatedAt: CREATED_AT,
      reason: 'the archiver key moves into KMS',
    });
    expect(rotated).toMatchObject({
      fromFingerprint: fileKeyFingerprint,
      toFingerprint: exported.fingerprint,
    });

    sealed.push(await archiveRun(DAYS[1], loadConfig(kmsEnv)));
    const manifest = parseManifest((await get(sealed[1]!.manifestKey)).toString('utf8'));
    expect(manifest).toMatchObject({
      signer: exported.fingerprint,
      rotation: {
        key: rotationRecordLayout(h.config.archive.prefix, fileKeyFingerprint, exported.fingerprint)
          .recordKey,
        sha256: rotated.sha256,
      },
    });

    const report = await verifyWithConfig(loadConfig(fileEnv), sealed[1]!.archiveId);
    expect(report).toMatchObject({ ok: true, signer: exported.fingerprint, problems: [] });
    const chain = await snapsealJson<{ ok: boolean; archives: number }>(fileEnv, ['verify', '--chain']);
    expect(chain.code).toBe(0);
    expect(chain.out).toMatchObject({ ok: true, archives: 2 });

    const ran = await byHand(sealed[1]!.archiveId, exported.file!, exported.fingerprint);
    expect(ran.stderr).toContain(`gpgv: Good signature from "snapseal archiver (AWS KMS ${kmsKey})"`);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`OK ${sealed[1]!.archiveId}: signed by ${exported.fingerprint}`);
  });

  it('refuses a manifest signed by another KMS key, which is not pinned', async () => {
    const a = sealed[1]!;
    const signatureKey = `${a.manifestKey}.asc`;
    const original = await get(signatureKey);
    const location = loadConfig(kmsEnv).keys.kms;
    const client = createKmsClient(location);
    try {
      const other = await createKmsSigner(
        {
          keyId: otherKmsKey,
          createdAt: new Date(CREATED_AT),
          keyIdSetting: 'other',
          createdAtSetting: 'other',
        },
        location,
        client,
      );
      await put(signatureKey, await other.sign(await get(a.manifestKey)));
      const report = await verifyWithConfig(loadConfig(fileEnv), a.archiveId);
      expect(report.ok).toBe(false);
      expect(JSON.stringify(report.problems)).toContain(
        `signed by key ${other.fingerprint.slice(-16)}, which is not a trusted archiver key`,
      );
      const chain = await snapsealJson<{ ok: boolean }>(fileEnv, ['verify', '--chain']);
      expect(chain.code).toBe(4);
      expect(chain.out.ok).toBe(false);
      const ran = await byHand(a.archiveId, exported.file!, exported.fingerprint);
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain(`FAILED ${a.archiveId}: the manifest signature is not good`);
    } finally {
      client.destroy();
      await put(signatureKey, original);
    }
    expect((await verifyWithConfig(loadConfig(fileEnv), a.archiveId)).ok).toBe(true);
  });

  it('hands the chain back from the KMS key to the file key; verify --chain accepts every handover', async () => {
    const rotated = await rotateKey(loadConfig(fileEnv), {
      oldKmsKey: kmsKey,
      oldKmsKeyCreatedAt: CREATED_AT,
      newKeyFile: h.keys.archiverPrivate,
    });
    expect(rotated).toMatchObject({
      fromFingerprint: exported.fingerprint,
      toFingerprint: fileKeyFingerprint,
    });
    sealed.push(await archiveRun(DAYS[2], loadConfig(fileEnv)));
    const manifest = parseManifest((await get(sealed[2]!.manifestKey)).toString('utf8'));
    expect(manifest).toMatchObject({ signer: fileKeyFingerprint, rotation: { sha256: rotated.sha256 } });
    const chain = await snapsealJson<{ ok: boolean; archives: number }>(fileEnv, ['verify', '--chain']);
    expect(chain.code).toBe(0);
    expect(chain.out).toMatchObject({ ok: true, archives: 3 });
  });

  describe('a sealing worker whose KMS key cannot sign does not start, naming the setting', () => {
    const refusal = (keyId: string) =>
      `SNAPSEAL_SIGNING_KMS_KEY_ID=${keyId}: the AWS KMS key cannot sign archives:`;
    const startWorker = (env: Record<string, string>) =>
      createSnapsealWorker(loadConfig({ ...kmsEnv, ...env, SNAPSEAL_WORKER_ROLES: 'seal' }));

    it('a key made for encryption (the worker process exits before polling)', async () => {
      const encryptKey = await createLocalKmsKey(kms, 'RSA_2048', 'ENCRYPT_DECRYPT');
      const ran = await runFile('node', [bin, 'worker'], {
        ...kmsEnv,
        SNAPSEAL_SIGNING_KMS_KEY_ID: encryptKey,
        SNAPSEAL_WORKER_ROLES: 'seal',
      });
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain(
        `${refusal(encryptKey)} its key usage is ENCRYPT_DECRYPT, not SIGN_VERIFY: create an asymmetric key with key usage SIGN_VERIFY`,
      );
    });

    it('a disabled key, a key pending deletion, a key that does not exist', async () => {
      const disabled = await createLocalKmsKey(kms, 'ECC_NIST_P256');
      await kms.send(new DisableKeyCommand({ KeyId: disabled }));
      await expect(startWorker({ SNAPSEAL_SIGNING_KMS_KEY_ID: disabled })).rejects.toThrow(
        `${refusal(disabled)} the key is disabled (DisabledException:`,
      );
      const deleted = await createLocalKmsKey(kms, 'ECC_NIST_P256');
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: deleted, PendingWindowInDays: 7 }));
      await expect(startWorker({ SNAPSEAL_SIGNING_KMS_KEY_ID: deleted })).rejects.toThrow(
        `${refusal(deleted)} the key cannot be used in its current state, e.g. pending deletion (KMSInvalidStateException:`,
      );
      await expect(startWorker({ SNAPSEAL_SIGNING_KMS_KEY_ID: 'alias/no-such-key' })).rejects.toThrow(
        `${refusal('alias/no-such-key')} no such key at ${LOCAL_KMS.endpoint} (NotFoundException:`,
      );
    });

    it('KMS unreachable', async () => {
      const endpoint = `http://127.0.0.1:${await closedLoopbackPort()}`;
      await expect(startWorker({ SNAPSEAL_KMS_ENDPOINT: endpoint })).rejects.toThrow(
        `${refusal(kmsKey)} KMS is unreachable at ${endpoint} (`,
      );
    });

    it('a creation time in the future', async () => {
      await expect(
        startWorker({ SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: '2099-01-01T00:00:00Z' }),
      ).rejects.toThrow('SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT=2099-01-01T00:00:00.000Z is in the future');
    });
  });
});
