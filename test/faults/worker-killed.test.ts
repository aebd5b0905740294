// A worker killed with SIGKILL in the middle of a multi-volume archive: a second worker process picks the
// run up and finishes it; completed volumes are not streamed again (at most the one in flight is).
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  expectNoOrphans,
  loadIncompressibleIndex,
  plannedVolumes,
  stagingBlobGet,
  startWorkerProcess,
} from './worker-process';

const DATE = '2026-11-21';

describe('worker killed mid-archive (real processes)', () => {
  let h: ArchiveHarness;
  let s3Proxy: FaultProxy;
  const workers: ChildProcess[] = [];

  const startWorker = (): ChildProcess => {
    const child = startWorkerProcess(h, {
      SNAPSEAL_S3_ENDPOINT: s3Proxy.url, // only to count the staging bytes read
      SNAPSEAL_MAX_VOLUME_MIB: '4',
      SNAPSEAL_VOLUME_CONCURRENCY: '1',
    });
    workers.push(child);
    return child;
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

  it('finishes on a second worker, re-streaming at most the volume in flight', async () => {
    const index = indicesForDate(h.template, DATE);
    await loadIncompressibleIndex(h, index, 24); // about 24 MiB: several 4 MiB volumes
    const stagingBytesRead = s3Proxy.countGetBytes(stagingBlobGet(h));
    const first = startWorker();
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
      args: [{ date: DATE }],
    });
    // Kill the worker about 1 MiB into the second volume: the first (at most 4 MiB) is done by then.
    for (let i = 0; i < 12000 && stagingBytesRead() < 5 * 1024 * 1024; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    first.kill('SIGKILL');
    const killedAt = Date.now();
    startWorker();
    const result = (await handle.result()) as ArchiveResult;
    const recoverySeconds = (Date.now() - killedAt) / 1000;

    expect(result.status).toBe('SEALED');
    expect(result.volumes).toBeGreaterThan(2);
    expect((await verifyWithConfig(h.config, result.archiveId)).ok).toBe(true);

    // From the history: each volume's activity, and how many attempts it took.
    const attempts = new Map<number, number>();
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const started = event.activityTaskStartedEventAttributes;
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'archiveVolume') attempts.set(Number(event.eventId), 1);
      if (started) {
        const id = Number(started.scheduledEventId);
        if (attempts.has(id)) attempts.set(id, Math.max(attempts.get(id)!, started.attempt ?? 1));
      }
    }
    const redone = [...attempts.values()].filter((a) => a > 1).length;
    expect(attempts.size).toBe(result.volumes); // one activity per volume, never a second one for a done volume
    expect(redone).toBeLessThanOrEqual(1); // at most the volume in flight was streamed again
    await expectNoOrphans(h, result);
    expect(
      (await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }))).Contents ?? [],
    ).toEqual([]);
    const plan = await plannedVolumes(handle);
    const readAgain = stagingBytesRead() - plan.totalBytes;
    expect(readAgain).toBeGreaterThan(0); // the kill landed mid-volume: part of it was read twice
    // But no more than one volume (a merged segment bigger than the volume limit is a volume of its own).
    expect(readAgain).toBeLessThanOrEqual(plan.largestVolumeBytes);
    console.log(
      `worker killed mid-volume: ${result.volumes} volumes, ${redone} re-streamed (${readAgain} bytes read again; largest volume ${plan.largestVolumeBytes}), sealed ${recoverySeconds.toFixed(1)} s after the kill`,
    );
  });
});
