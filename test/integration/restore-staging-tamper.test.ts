// A bucket writer between snapseal's checks and the cluster's read (real stack). Verified plaintext is staged
// for the cluster to read later; a staging writer who changes a staged blob or plants an index-N after staging
// fails the run by name and leaves no restored index. The drill never takes an unsigned chain head on trust, a
// volume whose plaintext outgrows its manifest entry stops at that size, and a damaged retention.json is
// reported by verify. Every tamper goes through S3, as a bucket writer's would; the test's own worker only
// chooses the moment (an activity interceptor on the test's worker).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { extract, pack as createPack } from 'tar-stream';
import { archiveLayout, chainEntryKey, retentionRecordKey } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { resolveIndices } from '../../src/opensearch/snapshot-api';
import { decryptStream } from '../../src/pipeline/openpgp-decrypt';
import { readDecryptionKey, readRecipientKeys } from '../../src/pipeline/openpgp-keys';
import type { ArchiveManifest } from '../../src/pipeline/manifest';
import type { RestorePlan, RestoreResult } from '../../src/restore/restore-types';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const OLDER = '2026-11-20';
const NEWER = '2026-11-21';
const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

/** Runs `tamper` (once) just before the activity `type` starts: after what precedes it has completed. */
function before(type: string, tamper: (args: unknown[]) => Promise<void>): ActivityInterceptorsFactory {
  let done = false;
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (ctx.info.activityType === type && !done) {
          done = true;
          await tamper(input.args);
        }
        return next(input);
      },
    },
  });
}

/** The innermost ApplicationFailure of a failed run. */
function reason(err: unknown): ApplicationFailure {
  let e = (err as WorkflowFailedError).cause;
  while (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) e = e.cause;
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

describe('restore against a staging writer (real stack)', () => {
  let h: ArchiveHarness;
  let older: ArchiveResult;
  let newer: ArchiveResult;
  const staging = () => h.config.staging.bucket;
  const restoreFolder = () => `${h.config.staging.prefix}restore/`;

  const seal = (date: string) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    ) as Promise<ArchiveResult>;

  const restore = (archiveId: string, renamePrefix: string, interceptor: ActivityInterceptorsFactory) =>
    h.runWorker(
      h.temporal.workflow.execute('restoreArchive', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('restore'),
        args: [{ archiveId, renamePrefix }],
      }),
      { activityInterceptors: [interceptor] },
    );

  const get = async (bucket: string, key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const put = (bucket: string, key: string, body: Uint8Array | string) =>
    h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  /** Every version or delete marker left under `prefix` of the staging bucket. */
  const stagingVersions = async (prefix: string): Promise<string[]> => {
    const page = await h.s3.send(new ListObjectVersionsCommand({ Bucket: staging(), Prefix: prefix }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => v.Key!);
  };

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    await loadSampleDay(h.search, h.template, OLDER, 1500);
    await loadSampleDay(h.search, h.template, NEWER, 1500);
    older = await seal(OLDER);
    newer = await seal(NEWER);
  });
  afterAll(async () => h?.close());

  it('fails the run naming a staged blob written over before the cluster read it, and deletes what it restored', async () => {
    const prefix = `${uniqueName('w')}-`;
    let replaced = '';
    const error = await restore(
      newer.archiveId,
      prefix,
      before('startRestoreFromArchive', async ([plan]) => {
        const base = `${(plan as RestorePlan).repositoryBasePath}/`;
        const page = await h.s3.send(new ListObjectVersionsCommand({ Bucket: staging(), Prefix: base }));
        replaced = page.Versions!.map((v) => v.Key!).find((k) => k.includes('/indices/'))!;
        // Same bytes: the cluster restores happily, only the version shows the write.
        await put(staging(), replaced, await get(staging(), replaced));
      }),
    ).catch((e: unknown) => e);
    expect(replaced).not.toBe('');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = reason(error);
    expect(failure.type).toBe('ArchiveTampered');
    expect(failure.message).toContain(
      `s3://${staging()}/${replaced} was written over after it was staged (1 more version(s))`,
    );
    expect(failure.message).toContain('the restored indices');
    expect(await resolveIndices(h.search, `${prefix}*`)).toEqual([]);
    expect(await stagingVersions(restoreFolder())).toEqual([]); // every version removed, the rewritten one too
  });

  it("restores after a staging attempt was retried: the earlier attempt's versions are gone first", async () => {
    const prefix = `${uniqueName('a')}-`;
    let retried = false;
    const result = (await restore(newer.archiveId, prefix, (ctx) => ({
      inbound: {
        async execute(input, next) {
          const out = await next(input);
          if (ctx.info.activityType === 'stageRestoreVolume' && ctx.info.attempt === 1 && !retried) {
            retried = true; // as if the worker were lost after staging, before reporting
            throw new Error('worker lost after staging');
          }
          return out;
        },
      },
    }))) as RestoreResult;
    expect(retried).toBe(true);
    expect(result.indices).toEqual([
      expect.objectContaining({ restoredAs: `${prefix}${indicesForDate(h.template, NEWER)}` }),
    ]);
    expect(result.indices[0]!.actual).toBe(result.indices[0]!.expected);
    await h.search.indices.delete({ index: `${prefix}*` });
  });

  it('`snapseal restore` exits 4 naming an index-N planted before the cluster read the repository', async () => {
    const prefix = `${uniqueName('n')}-`;
    let planted = '';
    const cli = await h.runWorker(
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          'node',
          [bin, 'restore', newer.archiveId, '--rename-prefix', prefix],
          { env: workerEnv(h), timeout: 240_000 },
          (err, _stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      }),
      {
        activityInterceptors: [
          before('startRestoreFromArchive', async ([plan]) => {
            const base = `${(plan as RestorePlan).repositoryBasePath}/`;
            const page = await h.s3.send(new ListObjectVersionsCommand({ Bucket: staging(), Prefix: base }));
            const generations = page
              .Versions!.map((v) => /\/index-(\d+)$/.exec(v.Key!))
              .filter((m): m is RegExpExecArray => m !== null);
            const newest = Math.max(...generations.map((m) => Number(m[1])));
            planted = `${base}index-${newest + 1}`;
            await put(staging(), planted, await get(staging(), `${base}index-${newest}`));
          }),
        ],
      },
    );
    expect(planted).not.toBe('');
    expect(cli.code).toBe(4);
    expect(cli.stderr).toContain(
      `s3://${staging()}/${planted} was not staged by this restore: written into the staged folder by someone else`,
    );
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(await resolveIndices(h.search, `${prefix}*`)).toEqual([]);
    expect(await stagingVersions(restoreFolder())).toEqual([]);
  });

  it('stops unpacking a volume whose plaintext is longer than its manifest entry, at that size', async () => {
    const layout = archiveLayout(h.config.archive.prefix, older.archiveId);
    const manifest = JSON.parse(
      (await get(h.config.archive.bucket, layout.manifestKey)).toString(),
    ) as ArchiveManifest;
    const volume = manifest.volumes[0]!;
    const original = await get(h.config.archive.bucket, volume.key);
    // Fabricated as a bucket writer could (the recipients' public key is enough); the plaintext is the real
    // volume's files with one more, encrypted again.
    const key = await readDecryptionKey(await readFile(h.keys.recipientPrivate, 'utf8'));
    const entries: { name: string; body: Buffer }[] = [];
    const unpack = extract();
    unpack.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, body: Buffer.concat(chunks) });
        next();
      });
    });
    const done = new Promise<void>((resolve) => unpack.on('finish', () => resolve()));
    (await decryptStream(Readable.from([original]), [key])).pipe(unpack);
    await done;
    const plantedPath = 'indices/planted/0/__planted';
    const recipients = await readRecipientKeys([await readFile(h.keys.recipientPublic, 'utf8')]);
    // Compressed, and padded with noise to the manifest's ciphertext size: only the plaintext is too long.
    const noise = randomBytes(volume.ciphertextBytes);
    const forgedOf = async (padding: number): Promise<Buffer> => {
      const pack = createPack();
      for (const e of entries) pack.entry({ name: e.name }, e.body);
      pack.entry({ name: plantedPath }, Buffer.alloc(4 * 1024 * 1024, 7));
      pack.entry({ name: 'indices/planted/0/__padding' }, noise.subarray(0, padding));
      pack.finalize();
      const chunks: Buffer[] = [];
      for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
      const encrypted = await openpgp.encrypt({
        message: await openpgp.createMessage({ binary: Buffer.concat(chunks) }),
        encryptionKeys: recipients,
        format: 'binary',
        config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
      });
      return Buffer.from(encrypted);
    };
    let padding = 0;
    let forged = await forgedOf(padding);
    for (let i = 0; i < 20 && forged.length !== volume.ciphertextBytes; i++) {
      padding = Math.max(0, padding + volume.ciphertextBytes - forged.length);
      forged = await forgedOf(padding);
    }
    expect(forged.length).toBe(volume.ciphertextBytes);
    await put(h.config.archive.bucket, volume.key, forged);
    const stagedAfterFailure: string[] = [];
    try {
      const prefix = `${uniqueName('c')}-`;
      const error = await restore(older.archiveId, prefix, (ctx) => ({
        inbound: {
          async execute(input, next) {
            try {
              return await next(input);
            } catch (err) {
              if (ctx.info.activityType === 'stageRestoreVolume') {
                const base = `${(input.args[0] as RestorePlan).repositoryBasePath}/`;
                stagedAfterFailure.push(...(await stagingVersions(base)));
              }
              throw err;
            }
          },
        },
      })).catch((e: unknown) => e);
      const failure = reason(error);
      expect(failure.type).toBe('ArchiveTampered');
      expect(failure.message).toContain(
        `decrypted tar is longer than the ${volume.plaintextBytes} bytes of its manifest entry: unpacking stopped there`,
      );
      // Nothing past the manifest's size was written: the planted file never reached staging.
      expect(stagedAfterFailure.some((k) => k.endsWith(plantedPath))).toBe(false);
      expect(await resolveIndices(h.search, `${prefix}*`)).toEqual([]);
    } finally {
      await put(h.config.archive.bucket, volume.key, original);
    }
  });

  it('drills the newest archive a signed manifest vouches for, not a planted chain head', async () => {
    // An unsigned entry after the real head, naming the older archive (its digest copied from the real entry).
    const head = chainEntryKey(h.config.archive.prefix, 3);
    const olderEntry = JSON.parse(
      (await get(h.config.archive.bucket, chainEntryKey(h.config.archive.prefix, 1))).toString(),
    ) as Record<string, unknown>;
    await put(h.config.archive.bucket, head, JSON.stringify({ ...olderEntry, sequence: 3 }));
    try {
      const outcome = (await h.runWorker(
        h.temporal.workflow.execute('restoreDrill', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: uniqueName('drill'),
          args: [],
        }),
      )) as DrillOutcome;
      expect(outcome.archiveId).toBe(newer.archiveId);
      expect(outcome.passed).toBe(true);
      expect(outcome.restored?.indices[0]?.name).toBe(indicesForDate(h.template, NEWER));
    } finally {
      const page = await h.s3.send(
        new ListObjectVersionsCommand({ Bucket: h.config.archive.bucket, Prefix: head }),
      );
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        await h.s3.send(
          new DeleteObjectCommand({ Bucket: h.config.archive.bucket, Key: head, VersionId: v.VersionId }),
        );
      }
    }
  });

  it('`snapseal verify` reports a malformed retention.json by name, exit 4, without a stack trace', async () => {
    const key = retentionRecordKey(archiveLayout(h.config.archive.prefix, older.archiveId));
    await put(h.config.archive.bucket, key, '{"format": "snapseal-retention/1", ');
    const verify = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'node',
        [bin, '--json', 'verify', older.archiveId],
        { env: workerEnv(h), timeout: 240_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(verify.stderr).not.toMatch(/\n\s+at /);
    expect(verify.code).toBe(4);
    const report = JSON.parse(verify.stdout) as {
      ok: boolean;
      problems: { file?: string; problem: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ file: key, problem: expect.stringContaining('retention record') }),
    );
  });
});
