// A worker killed with SIGKILL at exact points of a run (in the middle of a volume, between two volumes, in
// the middle of sealing, in the middle of cleanup): a second worker process finishes the run. The worker talks
// to MinIO through a loopback proxy that parks one chosen request, so the kill lands exactly there, with no
// hook in snapseal's code. The proxy also counts the staging bytes the workers read, which gives the bytes
// read again after the kill.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { archiveLayout } from '../../src/archive/archive-layout';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import {
  createArchiveHarness,
  stagingRepositories,
  type ArchiveHarness,
} from '../integration/archive-harness';
import { volumeAttempts } from '../integration/archive-histories';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  batchPlanLookUp,
  expectNoOrphans,
  loadIncompressibleIndex,
  plannedVolumes,
  stagingBlobGet,
  startWorkerProcess,
} from './worker-process';

type Match = (method: string, path: string) => boolean;

const MAX_VOLUME_BYTES = 4 * 1024 * 1024;

interface KillPoint {
  date: string;
  /** The request the worker is parked on when it dies (bytesRead: staging blob bytes read so far). */
  parkAt: (h: ArchiveHarness, archiveId: string, bytesRead: () => number) => Match;
  /** Whether part of a volume must be read twice. */
  readsAgain: boolean;
  /** Settings of this kill point's workers. */
  env?: Record<string, string>;
}

const killPoints: Record<string, KillPoint> = {
  'in the middle of a volume': {
    date: '2026-11-09',
    // A blob GET after 5 MiB were read, right after another blob GET: not the first blob of its volume, so
    // the volume in flight has bytes behind it.
    parkAt: (h, _archiveId, bytesRead) => {
      const blobGet = stagingBlobGet(h);
      let previousWasBlob = false;
      return (method, path) => {
        const isBlob = blobGet(method, path);
        const park = isBlob && previousWasBlob && bytesRead() > 5 * 1024 * 1024;
        previousWasBlob = isBlob;
        return park;
      };
    },
    readsAgain: true,
  },
  'between volumes': {
    date: '2026-11-10',
    // The first thing volume 2's activity does is to read its page of the plan (volume 1 read a page before it;
    // volumes stream one at a time here).
    parkAt: (h) => {
      let pageReads = 0;
      return (method, path) =>
        method === 'GET' &&
        path.startsWith(`/${h.config.staging.bucket}/`) &&
        path.includes('/work/plan/page-') &&
        ++pageReads === 2;
    },
    readsAgain: false,
  },
  'between batches': {
    date: '2026-11-13',
    // One volume per batch: parked as batch 2's workflow looks up its plan pages.
    parkAt: (h) => batchPlanLookUp(h, 2),
    readsAgain: false,
    env: { SNAPSEAL_VOLUMES_PER_BATCH: '1' },
  },
  'during sealing': {
    date: '2026-11-11',
    // After the chain link is claimed, before the signature and the manifest are written.
    parkAt: (h, archiveId) => (method, path) =>
      method === 'PUT' &&
      path.startsWith(
        `/${h.config.archive.bucket}/${archiveLayout(h.config.archive.prefix, archiveId).signatureKey}`,
      ),
    readsAgain: false,
  },
  'during cleanup': {
    date: '2026-11-12',
    // The sealed run deletes its staging objects.
    parkAt: (h) => (method, path) =>
      method === 'POST' && new RegExp(`^/${h.config.staging.bucket}/?\\?delete`).test(path),
    readsAgain: false,
  },
};

/** From the histories of the run's batches: how many attempts each volume's activity took (one activity per volume, ever). */
async function runVolumeAttempts(h: ArchiveHarness, handle: WorkflowHandle): Promise<number[]> {
  const batches = ((await handle.fetchHistory()).events ?? [])
    .map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution)
    .filter((run) => run?.workflowId && run.runId);
  const attempts: number[] = [];
  for (const run of batches) {
    const batch = h.temporal.workflow.getHandle(run!.workflowId!, run!.runId!);
    attempts.push(...volumeAttempts(await batch.fetchHistory()));
  }
  return attempts;
}

describe.each(Object.entries(killPoints))(
  'worker killed %s',
  (point, { date, parkAt, readsAgain, env: pointEnv }) => {
    let h: ArchiveHarness;
    let s3Proxy: FaultProxy;
    const workers: ChildProcess[] = [];
    const startWorker = (): void => {
      const env = {
        SNAPSEAL_S3_ENDPOINT: s3Proxy.url,
        SNAPSEAL_MAX_VOLUME_MIB: String(MAX_VOLUME_BYTES / 1024 / 1024),
        SNAPSEAL_VOLUME_CONCURRENCY: '1',
        ...pointEnv,
      };
      workers.push(startWorkerProcess(h, env));
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

    it('is finished by a second worker: sealed, verifiable, no orphans, at most one volume read again', async () => {
      const index = indicesForDate(h.template, date);
      await loadIncompressibleIndex(h, index, 12); // about 12 MiB: three or four volumes
      const archiveId = archiveIdFor(date, index);
      const stagingBytesRead = s3Proxy.countGetBytes(stagingBlobGet(h));
      const parked = s3Proxy.hold(parkAt(h, archiveId, stagingBytesRead));
      startWorker();
      const handle = await h.temporal.workflow.start('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      });
      await parked;
      workers[0]!.kill('SIGKILL');
      const killedAt = Date.now();
      startWorker();
      const result = (await handle.result()) as ArchiveResult;
      const recoverySeconds = (Date.now() - killedAt) / 1000;

      expect(s3Proxy.counts.held).toBe(1);
      expect(result.status).toBe('SEALED');
      expect((await verifyWithConfig(h.config, result.archiveId)).ok).toBe(true);
      await expectNoOrphans(h, result);
      expect(
        (await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }))).Contents ?? [],
      ).toEqual([]);
      expect(await stagingRepositories(h)).toEqual([]);

      // What the archive holds, against what the workers read from staging.
      const plan = await plannedVolumes(handle);
      const planned = plan.totalBytes;
      expect(planned).toBeGreaterThan(3 * MAX_VOLUME_BYTES);
      const readAgain = stagingBytesRead() - planned;
      if (readsAgain) expect(readAgain).toBeGreaterThan(0);
      else expect(readAgain).toBe(0);
      expect(readAgain).toBeLessThanOrEqual(plan.largestVolumeBytes); // at most the one volume in flight
      const attempts = await runVolumeAttempts(h, handle);
      expect(attempts).toHaveLength(result.volumes); // a completed volume never gets a second activity
      expect(attempts.filter((a) => a > 1).length).toBeLessThanOrEqual(1); // only the volume in flight, if any
      console.log(
        `worker killed ${point}: ${result.volumes} volumes (${planned} bytes), ${readAgain} bytes read again, sealed ${recoverySeconds.toFixed(1)} s after the kill`,
      );
    });
  },
);
