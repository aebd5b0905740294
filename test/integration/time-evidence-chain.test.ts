// Time evidence that holds, on the real stack with real openssl TSAs: a seal stamps its manifest at every
// authority of SNAPSEAL_TSA_URLS and verify applies SNAPSEAL_TSA_POLICY; `verify --chain` names an archive
// time-stamped before the one before it or before its day ended, and a manifest signed by a stolen retired key
// that replays an old rotation record. Each attack is made through S3 as a bucket writer holding the key would.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PrivateKey } from 'openpgp';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { manifestStore } from '../../src/archive/authenticated-manifest';
import { recordKeyRotation, type RotationRef } from '../../src/archive/rotation-records';
import { loadConfig, type Config } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { requestTimestamp } from '../../src/evidence/request-timestamp';
import { fileSigner } from '../../src/keys/signer';
import { serializeManifest, signManifest, type ArchiveManifest } from '../../src/pipeline/manifest';
import { fingerprint, generateDemoKeys, readSigningKey } from '../../src/pipeline/openpgp-keys';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';
import { uniqueName } from './stack';
import { startTestTsa, type TestTsa } from './tsa-server';

const run = promisify(execFile);

interface Written {
  manifest: ArchiveManifest;
  bytes: Buffer;
  sha256: string;
}

describe('time evidence that holds (real stack, real TSAs)', () => {
  let h: ArchiveHarness;
  let tsaA: TestTsa;
  let tsaB: TestTsa;
  /** One PEM bundle holding both authorities' CAs. */
  let caBundle: string;
  let keyA: PrivateKey;
  let keyB: PrivateKey;
  let keyBPublicFile: string;

  const bucket = () => h.config.archive.bucket;
  const put = (key: string, body: Buffer | string) =>
    h.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body }));
  const configWith = (extra: Record<string, string>): Config => loadConfig({ ...workerEnv(h), ...extra });

  /** A manifest with no volumes, signed with `key` and stored under `config`'s prefix as a key holder would. */
  async function writeSigned(
    config: Config,
    key: PrivateKey,
    m: { sequence: number; date: string; previous: Written | undefined; rotation?: RotationRef },
  ): Promise<Written> {
    const archiveId = `synthetic-${m.date}`;
    const manifest: ArchiveManifest = {
      format: 'snapseal-manifest/1',
      archiveId,
      sequence: m.sequence,
      date: m.date,
      createdAt: new Date().toISOString(),
      tool: { name: 'snapseal', version: 'test' },
      cluster: { name: 'c', uuid: 'c', version: '3', distribution: 'opensearch' },
      snapshot: { name: archiveId, uuid: uniqueName('snapshot'), repositoryBasePath: 'r' },
      indices: [],
      recipients: [],
      signer: fingerprint(key),
      previous: m.previous
        ? { archiveId: m.previous.manifest.archiveId, manifestSha256: m.previous.sha256 }
        : null,
      ...(m.rotation ? { rotation: { key: m.rotation.key, sha256: m.rotation.sha256 } } : {}),
      volumes: [],
    };
    const bytes = Buffer.from(serializeManifest(manifest), 'utf8');
    const layout = archiveLayout(config.archive.prefix, archiveId);
    await put(layout.signatureKey, await signManifest(bytes, key));
    await put(layout.manifestKey, bytes);
    return { manifest, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** A real token of `tsa` over the manifest, stored as its first (or `index`th) authority's token. */
  async function stamp(config: Config, written: Written, tsa: TestTsa, index = 0): Promise<string> {
    const reply = await requestTimestamp(tsa.url, written.sha256);
    await put(
      archiveLayout(config.archive.prefix, written.manifest.archiveId).timestampKeyOf(index),
      reply.der,
    );
    return reply.genTime;
  }

  beforeAll(async () => {
    [tsaA, tsaB] = [await startTestTsa(), await startTestTsa()];
    h = await createArchiveHarness({ SNAPSEAL_OBJECT_LOCK_DAYS: '1' });
    caBundle = join(h.keyDir, 'tsa-cas.pem');
    await writeFile(caBundle, (await readFile(tsaA.caFile, 'utf8')) + (await readFile(tsaB.caFile, 'utf8')));
    keyA = await readSigningKey(await readFile(h.keys.archiverPrivate, 'utf8'));
    const b = await generateDemoKeys({ name: 'Archiver B', email: 'b@snapseal.invalid' });
    keyBPublicFile = join(h.keyDir, 'b.pub.asc');
    await writeFile(keyBPublicFile, b.publicKey);
    keyB = await readSigningKey(b.privateKey);
  });
  afterAll(async () => {
    await h?.close();
    await tsaA?.close();
    await tsaB?.close();
  });

  describe('several authorities', () => {
    let sealed: ArchiveResult;
    let config: Config;
    const date = '2026-10-07';
    const tsaSettings = () => ({
      SNAPSEAL_TSA_URLS: `${tsaA.url},${tsaB.url}`,
      SNAPSEAL_TSA_CA_FILE: caBundle,
      SNAPSEAL_OBJECT_LOCK_DAYS: '1',
    });

    beforeAll(async () => {
      config = configWith(tsaSettings());
      await loadSampleDay(h.search, h.template, date, 100);
      sealed = await h.runWorker(
        h.temporal.workflow.execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
          args: [{ date }],
        }),
        undefined,
        config,
      );
    });

    it('stamps the manifest at each authority, one token each beside it, each checkable with openssl', async () => {
      expect([tsaA.served(), tsaB.served()]).toEqual([1, 1]);
      const layout = archiveLayout(config.archive.prefix, sealed.archiveId);
      expect(layout.timestampKeyOf(0)).toBe(layout.timestampKey);
      const dir = join(h.keyDir, 'by-hand');
      await mkdir(dir, { recursive: true });
      const fetch = async (key: string, file: string) => {
        const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        await writeFile(join(dir, file), Buffer.from(await got.Body!.transformToByteArray()));
      };
      await fetch(layout.manifestKey, 'manifest.json');
      await fetch(layout.timestampKeyOf(0), 'manifest.json.tsr');
      await fetch(layout.timestampKeyOf(1), 'manifest.json.tsr.2');
      for (const [token, ca] of [
        ['manifest.json.tsr', tsaA.caFile],
        ['manifest.json.tsr.2', tsaB.caFile],
      ] as const) {
        const ok = await run(
          'openssl',
          ['ts', '-verify', '-data', 'manifest.json', '-in', token, '-CAfile', ca],
          {
            cwd: dir,
          },
        );
        expect(ok.stdout).toContain('Verification: OK');
      }
      const report = await verifyWithConfig(config, sealed.archiveId);
      expect(report).toMatchObject({ ok: true, problems: [] });
      expect(report.timestampGenTime).toBeDefined();
      expect(report.timeEvidence).toBeUndefined();
    });

    it('applies SNAPSEAL_TSA_POLICY: all fails on a missing token, N of M passes and names the failed one', async () => {
      const key = archiveLayout(config.archive.prefix, sealed.archiveId).timestampKeyOf(1);
      await h.s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
      try {
        // Time problems only (the deleted token is also named by the retention check, with its key as `file`).
        const timeProblems = (r: { problems: { file?: string; problem: string }[] }) =>
          r.problems.filter((p) => p.file === undefined).map((p) => p.problem);
        const all = await verifyWithConfig(config, sealed.archiveId);
        expect(all.ok).toBe(false);
        expect(timeProblems(all)).toEqual([
          `time-stamp token ${key} is missing: SNAPSEAL_TSA_URLS is set, so every sealed manifest must carry one`,
          '1 of 2 time-stamp tokens verify, SNAPSEAL_TSA_POLICY asks for 2',
        ]);
        const oneOfTwo = await verifyWithConfig(
          configWith({ ...tsaSettings(), SNAPSEAL_TSA_POLICY: '1' }),
          sealed.archiveId,
        );
        expect(timeProblems(oneOfTwo)).toEqual([]);
        expect(oneOfTwo.timestampGenTime).toBeDefined();
        expect(oneOfTwo.timeEvidence).toBe(
          `1 of 2 time-stamp tokens verify (SNAPSEAL_TSA_POLICY asks for 1); not verified: time-stamp token ${key} is missing: SNAPSEAL_TSA_URLS is set, so every sealed manifest must carry one`,
        );
      } finally {
        const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: bucket(), Prefix: key }));
        const marker = (versions.DeleteMarkers ?? []).find((m) => m.IsLatest && m.Key === key)!;
        await h.s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key, VersionId: marker.VersionId }));
      }
      expect((await verifyWithConfig(config, sealed.archiveId)).ok).toBe(true);
    });
  });

  describe('genTime in chain order and after the day', () => {
    let config: Config;
    let first: Written;
    let second: Written;

    beforeAll(async () => {
      config = configWith({
        SNAPSEAL_ARCHIVE_PREFIX: `${uniqueName('order')}/`,
        SNAPSEAL_TSA_URL: tsaA.url,
        SNAPSEAL_TSA_CA_FILE: tsaA.caFile,
      });
      first = await writeSigned(config, keyA, { sequence: 1, date: '2026-10-01', previous: undefined });
      second = await writeSigned(config, keyA, { sequence: 2, date: '2026-10-02', previous: first });
    });

    it('names an archive time-stamped before the archive before it (exit 4), and passes once in order', async () => {
      // The newer archive stamped first: each token alone is good, their order is not.
      const secondAt = await stamp(config, second, tsaA);
      const firstAt = await stamp(config, first, tsaA);
      expect(Date.parse(firstAt)).toBeGreaterThan(Date.parse(secondAt));
      const chain = await verifyChainWithConfig(config);
      expect(chain.problems).toEqual([
        {
          archiveId: second.manifest.archiveId,
          sequence: 2,
          problem: `genTime out of chain order: archive ${second.manifest.archiveId} (#2) was time-stamped at ${secondAt}, not after #1 ${first.manifest.archiveId} before it (${firstAt})`,
        },
      ]);
      const ran = await snapsealJson<{ ok: boolean; problems: unknown[] }>(
        workerEnv(h, {
          SNAPSEAL_ARCHIVE_PREFIX: config.archive.prefix,
          SNAPSEAL_TSA_URL: tsaA.url,
          SNAPSEAL_TSA_CA_FILE: tsaA.caFile,
        }),
        ['verify', '--chain'],
      );
      expect(ran.code).toBe(4);
      expect(ran.out).toMatchObject({ ok: false, problems: chain.problems });

      await stamp(config, second, tsaA);
      expect(await verifyChainWithConfig(config)).toMatchObject({ ok: true, problems: [] });
    });

    it('names an archive time-stamped before its day had ended', async () => {
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const early = await writeSigned(config, keyA, { sequence: 3, date: tomorrow, previous: second });
      const at = await stamp(config, early, tsaA);
      const chain = await verifyChainWithConfig(config);
      expect(chain.problems).toEqual([
        {
          archiveId: early.manifest.archiveId,
          sequence: 3,
          problem: `genTime before its day ended: archive ${early.manifest.archiveId} holds ${tomorrow}, which ended ${new Date(Date.parse(tomorrow) + 86_400_000).toISOString()} (UTC), but it was time-stamped at ${at}`,
        },
      ]);
    });
  });

  describe('a retired key after its handover', () => {
    it('names a manifest a stolen handed-over key signs later in the chain, replaying an old rotation record', async () => {
      const config = configWith({
        SNAPSEAL_ARCHIVE_PREFIX: `${uniqueName('handover')}/`,
        SNAPSEAL_VERIFY_KEY_FILES: [h.keys.archiverPublic, keyBPublicFile].join(','),
        SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: [keyA, keyB].map(fingerprint).join(','),
      });
      const store = { ...manifestStore(config, h.s3, []), objectLock: config.archive };
      const [a, b] = [fileSigner(keyA), fileSigner(keyB)];
      const createdAt = new Date().toISOString();
      // A seals, hands over to B; B seals, hands back to A; A seals: a legitimate chain.
      const m1 = await writeSigned(config, keyA, { sequence: 1, date: '2026-09-01', previous: undefined });
      const toB = await recordKeyRotation(store, a, b, { createdAt });
      const m2 = await writeSigned(config, keyB, {
        sequence: 2,
        date: '2026-09-02',
        previous: m1,
        rotation: toB,
      });
      const toA = await recordKeyRotation(store, b, a, { createdAt });
      const m3 = await writeSigned(config, keyA, {
        sequence: 3,
        date: '2026-09-03',
        previous: m2,
        rotation: toA,
      });
      expect(await verifyChainWithConfig(config)).toMatchObject({ ok: true, problems: [] });

      // B's private key, retired at #3, is stolen: the thief signs #4 and names the record that once gave B the chain.
      const m4 = await writeSigned(config, keyB, {
        sequence: 4,
        date: '2026-09-04',
        previous: m3,
        rotation: toB,
      });
      const [fa, fb] = [fingerprint(keyA), fingerprint(keyB)];
      const retired = `archive ${m4.manifest.archiveId} (#4) is signed by ${fb}, which handed the chain over to ${fa} at #3 (${m3.manifest.archiveId}, rotation record ${toA.key}): a key that was handed over may not sign later in the chain than its handover`;
      expect((await verifyChainWithConfig(config)).problems).toEqual([
        {
          archiveId: m4.manifest.archiveId,
          sequence: 4,
          problem: `${retired}; it names the rotation record ${toB.key}, which already handed the chain to ${fb} at #2 (${m2.manifest.archiveId}): a rotation record hands the chain over once`,
        },
      ]);
      // Naming no record at all: the handover is what it is named by.
      await writeSigned(config, keyB, { sequence: 4, date: '2026-09-04', previous: m3 });
      expect((await verifyChainWithConfig(config)).problems).toEqual([
        { archiveId: m4.manifest.archiveId, sequence: 4, problem: retired },
      ]);
    });
  });
});
