// End to end on the real stack: sample logs → archive workflow on a real worker → signed manifest →
// volumes that GnuPG decrypts and GNU tar extracts → a repository OpenSearch restores with the same counts.
import { GetObjectCommand, GetObjectRetentionCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { listArchives } from '../../src/cli/list-archives';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest } from '../../src/pipeline/manifest';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { STAGE } from '../../src/workflows/search-attributes';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, stagingRepositories, type ArchiveHarness } from './archive-harness';
import { gnupg, sh } from './gnupg';
import { waitFor } from './wait-for';
import { removeBucket, uniqueName } from './stack';

const DATE = '2026-11-21';

async function objectText(h: ArchiveHarness, key: string): Promise<Buffer> {
  const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

async function keysUnder(h: ArchiveHarness, bucket: string, prefix = ''): Promise<string[]> {
  const page = await h.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!);
}

async function archive(h: ArchiveHarness, date: string, indices?: string): Promise<ArchiveResult> {
  return h.runWorker(
    h.temporal.workflow.execute('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date, indices),
      args: [{ date, indices }],
    }),
  );
}

describe('archive workflow (multi-volume, real stack)', () => {
  let h: ArchiveHarness;
  let result: ArchiveResult;
  let docs: number;

  beforeAll(async () => {
    // 1 MiB volumes: the sample day spreads over several volumes.
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    docs = (await loadSampleDay(h.search, h.template, DATE, 6000)).docs;
    result = await archive(h, DATE);
  });
  afterAll(async () => h?.close());

  it('seals a multi-volume archive of the day with a signed manifest', async () => {
    expect(result.status).toBe('SEALED');
    expect(result.volumes).toBeGreaterThan(1);
    expect(result.sequence).toBe(1);
    expect(result.indices).toEqual([
      expect.objectContaining({ name: indicesForDate(h.template, DATE), docCount: docs }),
    ]);

    const manifestBytes = await objectText(h, result.manifestKey);
    expect(createHash('sha256').update(manifestBytes).digest('hex')).toBe(result.manifestSha256);
    const manifest = parseManifest(manifestBytes.toString('utf8'));
    expect(manifest.volumes.map((v) => v.index)).toEqual(
      Array.from({ length: result.volumes }, (_, i) => i + 1),
    );
    expect(manifest.previous).toBeNull();
    // Every blob came from this run's own repository folder.
    expect(
      manifest.snapshot.repositoryBasePath.startsWith(`${h.config.staging.prefix}${result.archiveId}/`),
    ).toBe(true);
  });

  it('verifies with snapseal: signature, both digests of every volume, every file', async () => {
    const report = await verifyWithConfig(h.config, result.archiveId);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.volumesChecked).toBe(result.volumes);
    expect(report.plaintextBytes).toBe(result.plaintextBytes);
  });

  it('leaves staging empty, the repository unregistered and the snapshot gone', async () => {
    expect(await keysUnder(h, h.config.staging.bucket)).toEqual([]);
    expect(await stagingRepositories(h)).toEqual([]);
  });

  it('is readable by hand: gpg --verify, gpg --decrypt | tar, sha256sum; and OpenSearch restores it', async () => {
    const g = await gnupg([h.keys.archiverPublic, h.keys.recipientPrivate]);
    const work = join(process.env.SNAPSEAL_OPENSEARCH_FS_REPO_PATH!, uniqueName('restore'));
    await mkdir(join(work, 'repository'), { recursive: true });
    const repository = uniqueName('restored');
    try {
      const manifestBytes = await objectText(h, result.manifestKey);
      await writeFile(join(work, 'manifest.json'), manifestBytes);
      await writeFile(join(work, 'manifest.json.asc'), await objectText(h, `${result.manifestKey}.asc`));
      const verified = await g.gpg([
        '--verify',
        join(work, 'manifest.json.asc'),
        join(work, 'manifest.json'),
      ]);
      expect(verified.stderr).toMatch(/Good signature/);

      const manifest = parseManifest(manifestBytes.toString('utf8'));
      for (const volume of manifest.volumes) {
        const encrypted = join(work, `v${volume.index}.tar.gpg`);
        const tar = join(work, `v${volume.index}.tar`);
        await writeFile(encrypted, await objectText(h, volume.key));
        expect((await sh('sha256sum', [encrypted])).split(' ')[0]).toBe(volume.ciphertextSha256);
        await g.gpg(['--output', tar, '--decrypt', encrypted]);
        expect((await sh('sha256sum', [tar])).split(' ')[0]).toBe(volume.plaintextSha256);
        await sh('tar', ['-xf', tar, '-C', join(work, 'repository')]);
        await rm(encrypted);
        await rm(tar);
      }
      for (const file of manifest.volumes.flatMap((v) => v.files)) {
        const bytes = await readFile(join(work, 'repository', file.path));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      }

      await h.search.snapshot.createRepository({
        repository,
        body: { type: 'fs', settings: { location: join(work, 'repository'), readonly: true } as object },
      });
      const index = indicesForDate(h.template, DATE);
      await h.search.snapshot.restore({
        repository,
        snapshot: result.snapshot,
        wait_for_completion: true,
        body: { indices: index, rename_pattern: '(.+)', rename_replacement: '$1-restored' },
      });
      expect((await h.search.count({ index: `${index}-restored` })).body.count).toBe(docs);
    } finally {
      await h.search.snapshot.deleteRepository({ repository }, { ignore: [404] });
      await g.close();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('gives one archive when the same day is asked for again', async () => {
    const again = await archive(h, DATE);
    expect(again.status).toBe('ALREADY_SEALED');
    expect(again.manifestSha256).toBe(result.manifestSha256);
  });

  it('links the next day to the previous manifest', async () => {
    const nextDate = '2026-11-22';
    await loadSampleDay(h.search, h.template, nextDate, 500);
    const next = await archive(h, nextDate);
    expect(next.sequence).toBe(2);
    expect(next.previousArchiveId).toBe(result.archiveId);
    const manifest = parseManifest((await objectText(h, next.manifestKey)).toString('utf8'));
    expect(manifest.previous).toEqual({ archiveId: result.archiveId, manifestSha256: result.manifestSha256 });

    const listed = await listArchives(h.s3, h.temporal, h.config);
    expect(listed.rows.map((r) => [r.id, r.sequence, r.status])).toEqual([
      [result.archiveId, 1, 'SEALED'],
      [next.archiveId, 2, 'SEALED'],
    ]);
    expect(listed.rows[0]).toMatchObject({
      date: DATE,
      volumes: result.volumes,
      bytes: result.ciphertextBytes,
    });
    // Only the newest are read when a limit is given; the total still counts them all.
    const newest = await listArchives(h.s3, undefined, h.config, 1);
    expect(newest.rows.map((r) => r.id)).toEqual([next.archiveId]);
    expect(newest.totalArchives).toBe(2);
  });
});

describe('archive workflow with Object Lock retention (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_OBJECT_LOCK_DAYS: '1' });
  });
  afterAll(async () => h?.close());

  it('locks every volume, the signature and the manifest once sealed', async () => {
    await loadSampleDay(h.search, h.template, DATE, 300);
    const result = await archive(h, DATE);
    const manifest = parseManifest((await objectText(h, result.manifestKey)).toString('utf8'));
    const keys = [...manifest.volumes.map((v) => v.key), result.manifestKey, `${result.manifestKey}.asc`];
    for (const key of keys) {
      const retention = await h.s3.send(
        new GetObjectRetentionCommand({ Bucket: h.config.archive.bucket, Key: key }),
      );
      expect(retention.Retention?.Mode).toBe('GOVERNANCE');
      expect(retention.Retention!.RetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    }
  });
});

describe('archive workflow failures (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  it('fails clearly for an index that does not exist, with no manifest and clean staging', async () => {
    const error = await archive(h, '2026-01-01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('IndexNotFound');
    expect(cause.message).toContain(indicesForDate(h.template, '2026-01-01'));
    expect(await keysUnder(h, h.config.archive.bucket, h.config.archive.prefix)).toEqual([]);
    expect(await keysUnder(h, h.config.staging.bucket)).toEqual([]);
  });

  it('fails clearly when the archive bucket is missing, before any snapshot is taken', async () => {
    await loadSampleDay(h.search, h.template, '2026-11-20', 10);
    await removeBucket(h.s3, h.config.archive.bucket);
    const error = await archive(h, '2026-11-20').catch((e: unknown) => e);
    const cause = ((error as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('BucketUnusable');
    expect(cause.message).toContain(h.config.archive.bucket);
    expect(cause.message).toContain('SNAPSEAL_ARCHIVE_BUCKET');
    expect(await keysUnder(h, h.config.staging.bucket)).toEqual([]);
    expect(await stagingRepositories(h)).toEqual([]);
  });
});

describe('archive workflow on a snapshot of many small and a few large files (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '2' });
  });
  afterAll(async () => h?.close());

  it('archives every file, each large one in a volume of its own, and verifies', async () => {
    const index = indicesForDate(h.template, DATE);
    await h.search.indices.create({
      index,
      // OpenSearch 3.x merges small segments right away (max_merge_at_once 30); a wide tier keeps them apart.
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0, 'index.merge.policy.segments_per_tier': 100 },
      },
    });
    // Many small segments: one refresh per small batch, no merge.
    for (let batch = 0; batch < 30; batch++) {
      await h.search.bulk({
        refresh: true,
        body: [{ index: { _index: index } }, { n: batch, msg: `event ${batch}` }],
      });
    }
    // A few large, incompressible stored fields: segment files of several MiB.
    for (let big = 0; big < 2; big++) {
      await h.search.index({
        index,
        refresh: true,
        body: { blob: randomBytes(3 * 1024 * 1024).toString('base64') },
      });
    }
    const result = await archive(h, DATE);
    const manifest = parseManifest((await objectText(h, result.manifestKey)).toString('utf8'));
    const files = manifest.volumes.flatMap((v) => v.files);
    expect(files.filter((f) => f.size < 4096).length).toBeGreaterThan(25);
    const large = files.filter((f) => f.size > 2 * 1024 * 1024);
    expect(large.length).toBeGreaterThanOrEqual(1);
    for (const f of large) {
      expect(manifest.volumes.find((v) => v.files.some((g) => g.path === f.path))!.files).toHaveLength(1);
    }
    const report = await verifyWithConfig(h.config, result.archiveId);
    expect(report.problems).toEqual([]);
    expect(report.filesChecked).toBe(files.length);
  });
});

describe('archive workflow cancelled mid-run (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1', SNAPSEAL_VOLUME_CONCURRENCY: '1' });
  });
  afterAll(async () => h?.close());

  it('cleans up on cancellation: no manifest, no volumes, staging empty, repository gone', async () => {
    await loadSampleDay(h.search, h.template, DATE, 12000);
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
      args: [{ date: DATE }],
    });
    let runRepositories: string[] = [];
    const outcome = await h.runWorker(
      (async () => {
        // Cancel as soon as the run has started streaming volumes.
        await waitFor(
          async () =>
            ['streaming', 'sealing', 'sealed'].includes(
              (await handle.describe()).typedSearchAttributes.get(STAGE) ?? '',
            ),
          'the run to stream volumes',
          { everyMs: 50 },
        );
        runRepositories = await stagingRepositories(h);
        await handle.cancel();
        return handle.result().then(
          () => 'completed',
          (err: unknown) => err,
        );
      })(),
    );
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(await keysUnder(h, h.config.archive.bucket, h.config.archive.prefix)).toEqual([]);
    expect(await keysUnder(h, h.config.staging.bucket)).toEqual([]);
    // The run's repository held its snapshot while streaming; both are gone now.
    expect(runRepositories).toHaveLength(1);
    expect(await stagingRepositories(h)).toEqual([]);
    const gone = await h.search.snapshot.get({ repository: runRepositories[0]!, snapshot: '_all' }).then(
      () => 'still there',
      (err: { meta?: { statusCode?: number } }) => err.meta?.statusCode,
    );
    expect(gone).toBe(404);
  });
});
