// Key rotation as a signed step of the chain, on the real stack: archiver key A seals, `rotate-key` hands the
// chain over to B, B seals and its first manifest names the record; a third pinned key C that was never handed
// the chain is refused at sealing, and a manifest signed by C (or a record replaced after sealing) is named by
// verify --chain. Each case puts the archive bucket back as it was.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { PrivateKey } from 'openpgp';
import { readChainHead } from '../../src/archive/archive-chain';
import { ArchiveBucket } from '../../src/buckets/buckets';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { archiveLayout, rotationRecordLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { rotateKey, type RotateKeyResult } from '../../src/cli/rotate-key-command';
import { loadConfig, type Config } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { signKeyRotation } from '../../src/keys/key-rotation';
import { parseManifest, signManifest } from '../../src/pipeline/manifest';
import { fingerprint, generateDemoKeys, readSigningKey } from '../../src/pipeline/openpgp-keys';
import { verifyChainWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';
import { fileSigner } from '../../src/keys/signer';

const DAYS = ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04'] as const;

describe('key rotation as a signed chain entry (real stack)', () => {
  let h: ArchiveHarness;
  const sealed: ArchiveResult[] = [];
  const keyFiles = { b: { pub: '', sec: '' }, c: { pub: '', sec: '' } };
  let keyA: PrivateKey;
  let keyB: PrivateKey;
  let keyC: PrivateKey;
  /** Signs with B or C; pins A, B and C, whose public keys it has: the trust every verifier has after rotating. */
  let configB: Config;
  let configC: Config;
  let verifying: Config;
  /** The environment of `verifying`, for the CLI (bin/snapseal.js, built with npm run build). */
  let trustAllEnv: NodeJS.ProcessEnv;

  const archive = () => h.config.archive.bucket;
  const get = async (key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: archive(), Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const manifestOf = async (a: ArchiveResult) => parseManifest((await get(a.manifestKey)).toString('utf8'));
  const archiveRun = (date: string, config: Config) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
      undefined,
      config,
    );
  /** Removes the newest version of each key (what a test put there), so the one before is current again. */
  const dropNewestVersions = async (keys: string[]) => {
    for (const key of keys) {
      const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: archive(), Prefix: key }));
      const newest = (versions.Versions ?? []).find((v) => v.IsLatest && v.Key === key);
      await h.s3.send(new DeleteObjectCommand({ Bucket: archive(), Key: key, VersionId: newest!.VersionId }));
    }
  };

  beforeAll(async () => {
    h = await createArchiveHarness({
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
    });
    for (const [name, pair] of [
      ['b', await generateDemoKeys({ name: 'Archiver B', email: 'b@snapseal.invalid' })],
      ['c', await generateDemoKeys({ name: 'Archiver C', email: 'c@snapseal.invalid' })],
    ] as const) {
      keyFiles[name] = { pub: join(h.keyDir, `${name}.pub.asc`), sec: join(h.keyDir, `${name}.sec.asc`) };
      await writeFile(keyFiles[name].pub, pair.publicKey);
      await writeFile(keyFiles[name].sec, pair.privateKey, { mode: 0o600 });
    }
    keyA = await readSigningKey(await readFile(h.keys.archiverPrivate, 'utf8'));
    keyB = await readSigningKey(await readFile(keyFiles.b.sec, 'utf8'));
    keyC = await readSigningKey(await readFile(keyFiles.c.sec, 'utf8'));
    const trustAll = workerEnv(h, {
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
      SNAPSEAL_OBJECT_LOCK_MODE: 'GOVERNANCE',
      SNAPSEAL_VERIFY_KEY_FILES: [h.keys.archiverPublic, keyFiles.b.pub, keyFiles.c.pub].join(','),
      SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: [keyA, keyB, keyC].map(fingerprint).join(','),
    });
    trustAllEnv = trustAll;
    verifying = loadConfig(trustAll);
    configB = loadConfig({ ...trustAll, SNAPSEAL_SIGNING_KEY_FILE: keyFiles.b.sec });
    configC = loadConfig({ ...trustAll, SNAPSEAL_SIGNING_KEY_FILE: keyFiles.c.sec });
    for (const date of DAYS) await loadSampleDay(h.search, h.template, date, 100);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('seals with A, hands over to B with rotate-key, and B’s first manifest names the record', async () => {
    sealed.push(await archiveRun(DAYS[0], h.config));

    const rotated = await rotateKey(verifying, {
      oldKeyFile: h.keys.archiverPrivate,
      newKeyFile: keyFiles.b.sec,
      reason: 'yearly rotation',
    });
    const layout = rotationRecordLayout(h.config.archive.prefix, fingerprint(keyA), fingerprint(keyB));
    expect(rotated).toMatchObject({
      fromFingerprint: fingerprint(keyA),
      toFingerprint: fingerprint(keyB),
      record: `s3://${archive()}/${layout.recordKey}`,
      created: true,
    });
    // Sealed like the archives: the record and both signatures under the promised Object Lock retention.
    for (const key of [layout.recordKey, layout.oldKeySignatureKey, layout.newKeySignatureKey]) {
      const lock = await h.s3.send(new GetObjectRetentionCommand({ Bucket: archive(), Key: key }));
      expect(lock.Retention?.Mode).toBe('GOVERNANCE');
    }
    // Run again, as the operator does: the record is kept as it was, never replaced.
    const again = await snapsealJson<RotateKeyResult>(trustAllEnv, [
      'rotate-key',
      '--old-key-file',
      h.keys.archiverPrivate,
      '--new-key-file',
      keyFiles.b.sec,
    ]);
    expect(again.code).toBe(0);
    expect(again.out).toMatchObject({ created: false, sha256: rotated.sha256, createdAt: rotated.createdAt });

    sealed.push(await archiveRun(DAYS[1], configB));
    sealed.push(await archiveRun(DAYS[2], configB));
    const [first, second, third] = await Promise.all(sealed.map(manifestOf));
    expect(first!.signer).toBe(fingerprint(keyA));
    expect(second).toMatchObject({
      signer: fingerprint(keyB),
      rotation: { key: layout.recordKey, sha256: rotated.sha256 },
    });
    expect(third!.signer).toBe(fingerprint(keyB));
    expect(third!.rotation).toBeUndefined();

    const chain = await verifyChainWithConfig(verifying);
    expect(chain).toMatchObject({ ok: true, archives: 3, problems: [] });
  });

  it('refuses to seal with a pinned key C the chain was not handed over to, and signs nothing', async () => {
    // Nor does rotate-key hand over from a key that does not sign the chain (B signed the newest archive).
    await expect(
      rotateKey(verifying, { oldKeyFile: keyFiles.c.sec, newKeyFile: h.keys.archiverPrivate }),
    ).rejects.toThrow(
      `The chain's newest archive #3 (${sealed[2]!.archiveId}) is not signed by the old key ${fingerprint(keyC)}`,
    );
    const date = DAYS[3];
    const err = await archiveRun(date, configC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('KeyUnusable');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(
      `this worker signs with key ${fingerprint(keyC)}, but ${fingerprint(keyB)} signed the chain's newest archive #3 (${sealed[2]!.archiveId}), and no rotation record from ${fingerprint(keyB)} to ${fingerprint(keyC)} exists`,
    );
    expect(cause.message).toContain('snapseal rotate-key --old-key-file');

    const folder = archiveLayout(
      h.config.archive.prefix,
      archiveIdFor(date, indicesForDate(h.template, date)),
    );
    await expect(get(folder.signatureKey)).rejects.toThrow();
    expect((await readChainHead(new ArchiveBucket(h.s3, archive(), h.config.archive.prefix)))?.sequence).toBe(
      3,
    );
    expect((await verifyChainWithConfig(verifying)).ok).toBe(true);
  });

  it('names a manifest signed by C without a rotation record: an unendorsed key took over', async () => {
    const a = sealed[2]!;
    const ascKey = `${a.manifestKey}.asc`;
    await h.s3.send(
      new PutObjectCommand({
        Bucket: archive(),
        Key: ascKey,
        Body: await signManifest(await get(a.manifestKey), keyC),
      }),
    );
    try {
      const chain = await verifyChainWithConfig(verifying);
      expect(chain.ok).toBe(false);
      const missing = rotationRecordLayout(h.config.archive.prefix, fingerprint(keyB), fingerprint(keyC));
      expect(chain.problems).toEqual([
        {
          archiveId: a.archiveId,
          sequence: 3,
          problem: `archive ${a.archiveId} (#3) is signed by ${fingerprint(keyC)}, but ${fingerprint(keyB)} signed #2 and no rotation record from ${fingerprint(keyB)} to ${fingerprint(keyC)} exists (s3://${archive()}/${missing.recordKey}): an unendorsed key took over the chain`,
        },
      ]);
      const ran = await snapsealJson<{ ok: boolean; problems: unknown[] }>(trustAllEnv, [
        'verify',
        '--chain',
      ]);
      expect(ran.code).toBe(4);
      expect(ran.out).toMatchObject({ ok: false, problems: chain.problems });
    } finally {
      await dropNewestVersions([ascKey]);
    }
    expect((await verifyChainWithConfig(verifying)).ok).toBe(true);
  });

  it('names a rotation record replaced after sealing, even one both keys signed again', async () => {
    const layout = rotationRecordLayout(h.config.archive.prefix, fingerprint(keyA), fingerprint(keyB));
    const { signed } = await signKeyRotation(fileSigner(keyA), fileSigner(keyB), {
      createdAt: new Date().toISOString(),
      reason: 'rewritten',
    });
    const objects: [string, string | Uint8Array][] = [
      [layout.recordKey, signed.bytes],
      [layout.oldKeySignatureKey, signed.oldKeySignature],
      [layout.newKeySignatureKey, signed.newKeySignature],
    ];
    for (const [Key, Body] of objects)
      await h.s3.send(new PutObjectCommand({ Bucket: archive(), Key, Body }));
    try {
      // The record is read with its versions: the first is the record, the one put over it is named.
      const chain = await verifyChainWithConfig(verifying);
      expect(chain.problems).toEqual([
        expect.objectContaining({
          sequence: 2,
          problem: expect.stringContaining(
            `the rotation record proves no handover (s3://${archive()}/${layout.recordKey}: written over after it was recorded: 1 later version(s)`,
          ),
        }),
      ]);
      expect(chain.problems[0]!.problem).toContain(': an unendorsed key took over the chain');
    } finally {
      await dropNewestVersions(objects.map(([key]) => key));
    }
    expect((await verifyChainWithConfig(verifying)).ok).toBe(true);
  });
});
