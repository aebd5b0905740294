// OpenSearch unreachable while the snapshot is polled (the link to it cut by a loopback proxy; the node keeps
// running): the run waits with backoff and completes when the cluster answers again; when it does not answer
// within SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES, the run fails with the reason and cleanup is retried until it succeeds.
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ChildProcess } from 'node:child_process';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { archiveLayout } from '../../src/archive/archive-layout';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import {
  createArchiveHarness,
  stagingRepositories,
  type ArchiveHarness,
} from '../integration/archive-harness';
import { waitFor } from '../integration/wait-for';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { expectNoOrphans, startWorkerProcess } from './worker-process';

/** The request that starts a snapshot: PUT/POST /_snapshot/<repository>/<snapshot>. */
const startsSnapshot = (method: string, path: string): boolean =>
  (method === 'PUT' || method === 'POST') && /^\/_snapshot\/[^/?]+\/[^/?_][^/?]*(\?|$)/.test(path);

/** Failed attempts so far of the pending activity of this type (Temporal records retries only there). */
async function failedAttempts(handle: WorkflowHandle, activity: string): Promise<number> {
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  const mine = pending.find((a) => a.activityType?.name === activity);
  return mine ? (mine.attempt ?? 1) - 1 : 0;
}

describe('OpenSearch unreachable while the snapshot is polled', () => {
  let h: ArchiveHarness;
  let proxy: FaultProxy;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    h = await createArchiveHarness();
    proxy = await startFaultProxy(process.env.SNAPSEAL_OPENSEARCH_URL!);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await proxy?.close();
    await h?.close();
  });

  const startRun = async (date: string, extraEnv: Record<string, string> = {}) => {
    await loadSampleDay(h.search, h.template, date, 3000);
    // One worker per case: the run takes its settings (the snapshot limit) from the worker that prepares it.
    for (const w of workers.splice(0)) w.kill('SIGKILL');
    workers.push(startWorkerProcess(h, { SNAPSEAL_OPENSEARCH_URL: proxy.url, ...extraEnv }));
    const cut = proxy.cutAfter(startsSnapshot);
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
      args: [{ date }],
    });
    await cut;
    return handle;
  };

  it('waits out the outage with backoff and completes when the cluster returns', async () => {
    const handle = await startRun('2026-11-18');
    const cutAt = Date.now();
    // The outage lasts until several snapshot polls have been refused (not a fixed time).
    await waitFor(() => proxy.counts.refused >= 6, 'six refused requests to the cluster');
    const refused = proxy.counts.refused;
    proxy.restore();
    const result = (await handle.result()) as ArchiveResult;
    const seconds = (Date.now() - cutAt) / 1000;

    expect(refused).toBeGreaterThan(0); // the worker did try, and was refused
    expect(result.status).toBe('SEALED');
    expect((await verifyWithConfig(h.config, result.archiveId)).ok).toBe(true);
    await expectNoOrphans(h, result);
    expect(await stagingRepositories(h)).toEqual([]);
    console.log(
      `cluster unreachable while polling: ${refused} requests refused, sealed ${seconds.toFixed(1)} s after the cut`,
    );
  });

  it('fails with the reason after the limit, and retries cleanup until the cluster answers', async () => {
    const date = '2026-11-19';
    const handle = await startRun(date, { SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES: '1' });
    // Past the limit, cleanup runs and fails against the unreachable cluster, more than once.
    const cutAt = Date.now();
    await waitFor(async () => (await failedAttempts(handle, 'cleanUpRun')) >= 2, 'cleanup to be retried');
    const cleanupFailures = await failedAttempts(handle, 'cleanUpRun');
    const staged = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }));
    expect((staged.Contents ?? []).length).toBeGreaterThan(0); // nothing was cleaned behind the cluster's back yet
    proxy.restore();

    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const cause = (outcome as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('SnapshotFailed');
    expect(cause.message).toMatch(/could not be checked for \d+ s/);
    expect(cause.message).toContain('SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES');

    console.log(
      `cluster unreachable past the 1 min limit: failed ${((Date.now() - cutAt) / 1000).toFixed(1)} s after the cut, cleanup failed ${cleanupFailures} times before the cluster returned, then succeeded`,
    );
    // Cleaned up after all: no staging object, no repository registration, no manifest.
    const after = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }));
    expect(after.Contents ?? []).toEqual([]);
    expect(await stagingRepositories(h)).toEqual([]);
    const archiveId = archiveIdFor(date, indicesForDate(h.template, date));
    const manifest = h.s3.send(
      new GetObjectCommand({
        Bucket: h.config.archive.bucket,
        Key: archiveLayout(h.config.archive.prefix, archiveId).manifestKey,
      }),
    );
    await expect(manifest).rejects.toThrow();
  });
});
