// A staging blob overwritten after planning: the run must fail as StagingChanged, never archive the changed
// blob. The worker is parked on the first read of the stored plan (right after planning, before any volume),
// the test overwrites one blob, and a second worker takes the run over.
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { ChildProcess } from 'node:child_process';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { archiveLayout } from '../../src/archive/archive-layout';
import { readText } from '../../src/s3/s3-objects';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { loadIncompressibleIndex, startWorkerProcess } from './worker-process';

describe('a staging blob overwritten after planning', () => {
  let h: ArchiveHarness;
  let s3Proxy: FaultProxy;
  const workers: ChildProcess[] = [];
  const startWorker = (): void => {
    workers.push(startWorkerProcess(h, { SNAPSEAL_S3_ENDPOINT: s3Proxy.url, SNAPSEAL_MAX_VOLUME_MIB: '4' }));
  };

  beforeAll(async () => {
    h = await createArchiveHarness();
    s3Proxy = await startFaultProxy(process.env.SNAPSEAL_S3_ENDPOINT!);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await s3Proxy?.close();
    await h?.close();
  });

  it('fails the run as StagingChanged: no manifest, staging cleaned', async () => {
    const date = '2026-11-14';
    const index = indicesForDate(h.template, date);
    await loadIncompressibleIndex(h, index, 6);
    const planRead = s3Proxy.hold(
      (method, path) =>
        method === 'GET' &&
        path.startsWith(`/${h.config.staging.bucket}/`) &&
        path.includes('/work/plan/index.json'),
    );
    startWorker();
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
      args: [{ date }],
    });
    await planRead;

    // The largest segment blob, rewritten with other bytes of the same size (only its ETag tells).
    const listed = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }));
    const blob = (listed.Contents ?? [])
      .filter((o) => o.Key!.includes('/repository/indices/'))
      .sort((a, b) => (b.Size ?? 0) - (a.Size ?? 0))[0]!;
    await h.s3.send(
      new PutObjectCommand({
        Bucket: h.config.staging.bucket,
        Key: blob.Key!,
        Body: Buffer.alloc(blob.Size ?? 0, 7),
      }),
    );
    workers[0]!.kill('SIGKILL');
    startWorker();

    const error = await handle.result().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = activityFailure.cause as ApplicationFailure;
    expect(cause.type).toBe('StagingChanged');
    expect(cause.message).toContain('overwritten after planning');
    expect(cause.message).toContain(blob.Key!.split('/repository/')[1]!);

    const archiveId = archiveIdFor(date, index);
    const layout = archiveLayout(h.config.archive.prefix, archiveId);
    expect(await readText(h.s3, h.config.archive.bucket, layout.manifestKey)).toBeUndefined();
    const archived = await h.s3.send(
      new ListObjectsV2Command({ Bucket: h.config.archive.bucket, Prefix: layout.folder }),
    );
    expect(archived.Contents ?? []).toEqual([]);
    const staging = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }));
    expect(staging.Contents ?? []).toEqual([]);
  });
});
