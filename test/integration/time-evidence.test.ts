// RFC 3161 time evidence on the real stack: seal stamps each manifest at a real openssl TSA, `snapseal verify`
// (CLI and workflow) shows the token's genTime, and a token over another digest, a missing token and a
// manifest back-dated and re-signed with the worker's own key are each reported by name with exit code 4.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveLayout } from '../../src/archive/archive-layout';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { requestTimestamp } from '../../src/evidence/request-timestamp';
import { parseManifest, serializeManifest, signManifest } from '../../src/pipeline/manifest';
import { readSigningKey } from '../../src/pipeline/openpgp-keys';
import { taskQueuesFor } from '../../src/task-queues';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';
import { startTestTsa, type TestTsa } from './tsa-server';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('RFC 3161 time evidence (real stack, real TSA)', () => {
  let tsa: TestTsa;
  let h: ArchiveHarness;
  let sealed: ArchiveResult;
  let layout: ReturnType<typeof archiveLayout>;
  const date = '2026-11-18';

  const bucket = () => h.config.archive.bucket;
  const get = async (key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const put = (key: string, body: Buffer | string) =>
    h.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body }));
  const tsaEnv = () => ({ SNAPSEAL_TSA_URL: tsa.url, SNAPSEAL_TSA_CA_FILE: tsa.caFile });

  const cli = (args: string[], extra: Record<string, string> = {}): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(
        'node',
        [bin, ...args],
        { env: workerEnv(h, { ...tsaEnv(), ...extra }), timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  /** Change objects, run `check`, then put the original bytes back (and remove objects that were added). */
  async function tampered(keys: string[], change: () => Promise<void>, check: () => Promise<void>) {
    const originals = new Map<string, Buffer | undefined>();
    for (const key of keys) originals.set(key, await get(key).catch(() => undefined));
    await change();
    try {
      await check();
    } finally {
      for (const [key, bytes] of originals) {
        if (bytes) await put(key, bytes);
        else await h.s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
      }
    }
  }

  /** The manifest rewritten with a `createdAt` days earlier and signed again with the archiver's own key. */
  async function backDate(days: number): Promise<Buffer> {
    const manifest = parseManifest((await get(layout.manifestKey)).toString('utf8'));
    const createdAt = new Date(Date.parse(manifest.createdAt) - days * 86_400_000).toISOString();
    const bytes = Buffer.from(serializeManifest({ ...manifest, createdAt }), 'utf8');
    const key = await readSigningKey(await readFile(h.keys.archiverPrivate, 'utf8'));
    await put(layout.manifestKey, bytes);
    await put(layout.signatureKey, await signManifest(bytes, key));
    return bytes;
  }

  const verifyOnWorkers = (): Promise<VerifyReport> =>
    h.runWorker(
      h.temporal.workflow.execute('verifyArchiveWorkflow', {
        taskQueue: taskQueuesFor(h.config.temporal.taskQueue).restore,
        workflowId: uniqueName('verify-tsa'),
        args: [sealed.archiveId],
      }),
    );

  beforeAll(async () => {
    tsa = await startTestTsa();
    h = await createArchiveHarness({ ...tsaEnv(), SNAPSEAL_OBJECT_LOCK_DAYS: '1' });
    await loadSampleDay(h.search, h.template, date, 300);
    sealed = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    );
    layout = archiveLayout(h.config.archive.prefix, sealed.archiveId);
  });
  afterAll(async () => {
    await h?.close();
    await tsa?.close();
  });

  it('stamps the sealed manifest under its retention, and verify (CLI and workflow) shows the genTime', async () => {
    expect(tsa.served()).toBe(1);
    const retention = async (key: string) =>
      (await h.s3.send(new GetObjectRetentionCommand({ Bucket: bucket(), Key: key }))).Retention;
    expect(await retention(layout.timestampKey)).toEqual(await retention(layout.manifestKey));
    expect((await retention(layout.timestampKey))?.Mode).toBe('GOVERNANCE');

    const manifest = parseManifest((await get(layout.manifestKey)).toString('utf8'));
    const report = await verifyWithConfig(h.config, sealed.archiveId);
    expect(report).toMatchObject({ ok: true, problems: [] });
    const genTime = Date.parse(report.timestampGenTime!);
    expect(Math.abs(genTime - Date.parse(manifest.createdAt))).toBeLessThan(120_000);

    const ran = await cli(['verify', sealed.archiveId]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`OK ${sealed.archiveId}: signed by`);
    expect(ran.stdout).toContain(`; time-stamped ${report.timestampGenTime}`);

    const onWorkers = await verifyOnWorkers();
    expect(onWorkers).toMatchObject({ ok: true, timestampGenTime: report.timestampGenTime });
  });

  it('reports a token over a different digest by name, exit code 4, on both paths', async () => {
    const manifestSha256 = createHash('sha256')
      .update(await get(layout.manifestKey))
      .digest('hex');
    const other = createHash('sha256').update('another manifest').digest('hex');
    const message = `${layout.timestampKey}: time-stamp token stamps digest ${other}, not the manifest's sha256 ${manifestSha256}`;
    await tampered(
      [layout.timestampKey],
      async () => void (await put(layout.timestampKey, (await requestTimestamp(tsa.url, other)).der)),
      async () => {
        const ran = await cli(['verify', sealed.archiveId]);
        expect(ran.code).toBe(4);
        expect(ran.stdout).toMatch(new RegExp(`^FAILED ${sealed.archiveId}:\n`));
        expect(ran.stdout).toContain(message);
        // The replaced token is a new object version without the sealed one's retention: both paths say so too.
        const report = await verifyWithConfig(h.config, sealed.archiveId);
        const [time, retention] = splitRetentionProblems(report.problems, [layout.timestampKey]);
        expect(time).toEqual([message]);
        expect(retention).toEqual([expect.stringMatching(/^carries no retention, but \w+ retention until/)]);
        const onWorkers = await verifyOnWorkers();
        expect(onWorkers.ok).toBe(false);
        expect(onWorkers.problems).toEqual(report.problems);
      },
    );
  });

  it('detects a manifest back-dated and re-signed with the worker key, by the token', async () => {
    const keys = [layout.manifestKey, layout.signatureKey, layout.timestampKey];
    // Kept token: it stamps the original bytes, not the re-signed ones.
    await tampered(
      keys,
      async () => void (await backDate(10)),
      async () => {
        const report = await verifyWithConfig(h.config, sealed.archiveId);
        expect(report.ok).toBe(false);
        expect(report.signer).toBeDefined(); // the signature itself is good: the worker key signed it
        // The rewritten objects also lost their Object Lock retention: the retention check names them too.
        const [time, others] = splitRetentionProblems(report.problems, keys);
        expect(time).toEqual([
          expect.stringMatching(
            /manifest\.json\.tsr: time-stamp token stamps digest [0-9a-f]{64}, not the manifest's sha256/,
          ),
        ]);
        expect(others.length).toBeGreaterThan(0);
      },
    );
    // A fresh token for the re-signed bytes: its genTime is today, the manifest claims ten days ago.
    await tampered(
      keys,
      async () => {
        const bytes = await backDate(10);
        const digest = createHash('sha256').update(bytes).digest('hex');
        await put(layout.timestampKey, (await requestTimestamp(tsa.url, digest)).der);
      },
      async () => {
        const ran = await cli(['verify', sealed.archiveId]);
        expect(ran.code).toBe(4);
        expect(ran.stdout).toMatch(
          /manifest\.json\.tsr: manifest says it was created at \S+ but was time-stamped at \S+ \(864\d{3} s later, tolerance 86400 s\): back-dated/,
        );
      },
    );
  });

  it('requires the token with SNAPSEAL_TSA_URL set; without it, says there is no time evidence', async () => {
    await tampered(
      [layout.timestampKey],
      async () =>
        void (await h.s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: layout.timestampKey }))),
      async () => {
        const ran = await cli(['verify', sealed.archiveId]);
        expect(ran.code).toBe(4);
        expect(ran.stdout).toContain(
          `${layout.timestampKey} is missing: SNAPSEAL_TSA_URLS is set, so every sealed manifest must carry one`,
        );
        // Without the TSA settings the missing token is no time-evidence problem; the retention record made
        // at sealing still names the token, so its removal is reported there (and only there).
        const report = await verifyWithConfig(
          loadConfig({ ...workerEnv(h), SNAPSEAL_TSA_URL: '', SNAPSEAL_TSA_CA_FILE: '' }),
          sealed.archiveId,
        );
        expect(report.timestampGenTime).toBeUndefined();
        expect(report.timeEvidence).toContain(`${layout.timestampKey} does not exist`);
        // (Earlier cases put the manifest and signature back without retention: those are named too.)
        const [time, others] = splitRetentionProblems(report.problems, [
          layout.manifestKey,
          layout.signatureKey,
          layout.timestampKey,
        ]);
        expect(time).toEqual([]);
        expect(report.problems.some((p) => p.file === layout.timestampKey)).toBe(true);
        expect(others.length).toBeGreaterThan(0);
      },
    );
  });
});

/** Problems split into the others and those the retention check reports for the given (rewritten) keys. */
function splitRetentionProblems(
  problems: { file?: string; problem: string }[],
  keys: string[],
): [string[], string[]] {
  const isRetention = (p: { file?: string; problem: string }) =>
    p.file !== undefined && keys.includes(p.file) && /retention/.test(p.problem);
  return [
    problems.filter((p) => !isRetention(p)).map((p) => p.problem),
    problems.filter(isRetention).map((p) => p.problem),
  ];
}
