// The staging bucket deleted while volumes stream from it (every version, then the bucket, with the S3 admin's
// credentials, as an operator or a cleanup job outside snapseal would): the run fails at once with a named
// failure that says which bucket and setting, the volume is not retried, nothing is signed and the run ends
// (no stall, no retry loop), and its cleanup removes the volume already uploaded. The deletion is placed with a
// loopback proxy: on the first staging blob read after volume 1 is stored, i.e. as volume 2 starts reading.
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import type { ChildProcess } from 'node:child_process';
import { indicesForDate } from '../../src/archive/archive-date';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { removeBucket } from '../integration/stack';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { loadIncompressibleIndex, stagingBlobGet, startWorkerProcess } from './worker-process';

describe('the staging bucket deleted mid-read', () => {
  let h: ArchiveHarness;
  let proxy: FaultProxy;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    h = await createArchiveHarness();
    proxy = await startFaultProxy(process.env.SNAPSEAL_S3_ENDPOINT!);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await proxy?.close();
    await h?.close();
  });

  it('fails the run at once, naming the bucket and its setting; nothing is signed', async () => {
    const date = '2026-11-12';
    await loadIncompressibleIndex(h, indicesForDate(h.template, date), 8);
    const blobRead = stagingBlobGet(h);
    let volumeOneStored = false;
    let deletedAt: number | undefined;
    // Before the chosen read is forwarded: the bucket is gone when the worker's request reaches MinIO.
    proxy.intercept(async (method, path) => {
      const isBlobRead = blobRead(method, path);
      if (method === 'PUT' && /\/volume-0001\.tar\.gpg/.test(path))
        return (status) => void (volumeOneStored ||= status === 200);
      if (!isBlobRead || !volumeOneStored || deletedAt !== undefined) return;
      await removeBucket(h.s3, h.config.staging.bucket);
      deletedAt = Date.now();
    });
    worker = startWorkerProcess(h, {
      SNAPSEAL_S3_ENDPOINT: proxy.url,
      SNAPSEAL_MAX_VOLUME_MIB: '4',
      SNAPSEAL_VOLUME_CONCURRENCY: '1',
    });
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
      args: [{ date }],
    });

    const error = await handle.result().catch((err: unknown) => err);
    const failedAfterSeconds = (Date.now() - deletedAt!) / 1000;
    expect(volumeOneStored).toBe(true);
    expect(deletedAt).toBeDefined();
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.activityType).toBe('archiveVolume');
    // Failed by its first attempt's answer: not retried, not cut by the stall watchdog.
    expect(activityFailure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect(failedAfterSeconds).toBeLessThan(h.config.archive.volumeStallMs / 1000);
    const cause = activityFailure.cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('StagingChanged');
    expect(cause.message).toContain(`Staging bucket "${h.config.staging.bucket}" (SNAPSEAL_STAGING_BUCKET)`);
    expect(cause.message).toContain('no longer exists');
    expect(cause.message).toContain('volume 2');

    // Nothing signed or left behind in the archive bucket: volume 1 removed by the run's cleanup, no manifest or
    // signature, no open upload.
    const archived = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.archive.bucket }));
    expect((archived.Contents ?? []).map((o) => o.Key)).toEqual([]);
    const uploads = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.archive.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});
