// An archive of more than 300 volumes on the real stack, in batches of 25 (so the parent also continues as
// new), with the worker process killed between two batches: a second worker finishes it. The archive seals
// and verifies, every volume is streamed exactly once and its staging bytes are read once. Volumes are made
// small (1 MiB) and the snapshot holds hundreds of small segments (one document per refresh), each segment
// a little over half a volume, so every volume holds one segment.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import {
  createArchiveHarness,
  stagingRepositories,
  type ArchiveHarness,
} from '../integration/archive-harness';
import { archiveRuns, completedVolumes, volumeAttempts } from '../integration/archive-histories';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  batchPlanLookUp,
  expectNoOrphans,
  plannedVolumes,
  stagingBlobGet,
  startWorkerProcess,
} from './worker-process';

const DATE = '2026-11-14';
const MIN_VOLUMES = 300;
/** One segment each, a few more than MIN_VOLUMES in case two documents share a refresh. */
const DOCUMENTS = 320;
const SHARDS = 4;
/** 420 KiB of random bytes, base64 in _source: a 565 KiB compound segment, so two never share a 1 MiB volume. */
const DOCUMENT_RANDOM_BYTES = 420 * 1024;
const VOLUMES_PER_BATCH = 25;
/** Killed as batch 6 starts: 125 volumes are done, none is in flight. */
const KILL_BEFORE_BATCH = 6;
const MAX_EVENTS = 10_240;

/**
 * An index of `documents` incompressible documents, one segment each: every document is its own refresh, and
 * merging waits for far more segments than the index gets.
 */
async function loadSmallSegments(h: ArchiveHarness, index: string, documents: number): Promise<void> {
  await h.search.indices.create({
    index,
    body: {
      settings: {
        number_of_shards: SHARDS,
        number_of_replicas: 0,
        'index.merge.policy.segments_per_tier': 1000,
        'index.merge.policy.max_merge_at_once': 1000,
      },
      // Kept in _source only: nothing indexed, so a segment is the document's bytes.
      mappings: { dynamic: false, properties: { n: { type: 'integer' } } },
    },
  });
  let next = 0;
  const writer = async (): Promise<void> => {
    for (let n = next++; n < documents; n = next++) {
      await h.search.index({
        index,
        refresh: true,
        body: { n, blob: randomBytes(DOCUMENT_RANDOM_BYTES).toString('base64') },
      });
    }
  };
  await Promise.all(Array.from({ length: SHARDS }, writer));
}

describe('an archive of 300+ volumes in batches, worker killed between batches', () => {
  let h: ArchiveHarness;
  let s3Proxy: FaultProxy;
  const workers: ChildProcess[] = [];
  const startWorker = (): void => {
    workers.push(
      startWorkerProcess(h, {
        SNAPSEAL_S3_ENDPOINT: s3Proxy.url,
        SNAPSEAL_MAX_VOLUME_MIB: '1',
        SNAPSEAL_VOLUMES_PER_BATCH: String(VOLUMES_PER_BATCH),
      }),
    );
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

  it('seals and verifies; each volume is streamed once, none redone after the kill', async () => {
    const started = Date.now();
    const index = indicesForDate(h.template, DATE);
    await loadSmallSegments(h, index, DOCUMENTS);
    const loadedAt = Date.now();
    const archiveId = archiveIdFor(DATE, index);
    const stagingBytesRead = s3Proxy.countGetBytes(stagingBlobGet(h));
    const parked = s3Proxy.hold(batchPlanLookUp(h, KILL_BEFORE_BATCH));
    startWorker();
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
      args: [{ date: DATE }],
    });
    await parked;
    // Between batches: the batches before are complete, the parked one has not scheduled a volume yet.
    const beforeKill = await archiveRuns(h.temporal, handle.workflowId, handle.firstExecutionRunId);
    expect(beforeKill.flatMap((r) => completedVolumes(r.history))).toHaveLength(
      (KILL_BEFORE_BATCH - 1) * VOLUMES_PER_BATCH,
    );
    expect(beforeKill.flatMap((r) => volumeAttempts(r.history))).toHaveLength(
      (KILL_BEFORE_BATCH - 1) * VOLUMES_PER_BATCH,
    );
    workers[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    startWorker();
    const result = (await handle.result()) as ArchiveResult;
    const sealedAt = Date.now();

    expect(s3Proxy.counts.held).toBe(1);
    expect(result.status).toBe('SEALED');
    expect(result.archiveId).toBe(archiveId);
    expect(result.volumes).toBeGreaterThanOrEqual(MIN_VOLUMES);
    const verify = await verifyWithConfig(h.config, result.archiveId);
    expect(verify.ok).toBe(true);
    const verifiedAt = Date.now();
    await expectNoOrphans(h, result);
    expect(
      (await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }))).Contents ?? [],
    ).toEqual([]);
    expect(await stagingRepositories(h)).toEqual([]);

    const runs = await archiveRuns(h.temporal, handle.workflowId, handle.firstExecutionRunId);
    const parents = runs.filter((r) => r.workflowId === handle.workflowId);
    const batches = runs.length - parents.length;
    expect(batches).toBe(Math.ceil(result.volumes / VOLUMES_PER_BATCH));
    expect(parents.length).toBeGreaterThan(1); // more batches than one run starts: it continued as new
    // Each volume streamed once: one activity, one attempt, one completion each; staging bytes read once.
    const attempts = runs.flatMap((r) => volumeAttempts(r.history));
    expect(attempts).toHaveLength(result.volumes);
    expect(attempts.every((a) => a === 1)).toBe(true);
    const completed = runs.flatMap((r) => completedVolumes(r.history)).sort((a, b) => a - b);
    expect(completed).toEqual(Array.from({ length: result.volumes }, (_, i) => i + 1));
    const plan = await plannedVolumes(
      h.temporal.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId),
    );
    expect(stagingBytesRead()).toBe(plan.totalBytes);
    const events = runs.map((r) => r.history.events?.length ?? 0);
    expect(Math.max(...events)).toBeLessThan(MAX_EVENTS);

    const seconds = (from: number, to: number): string => ((to - from) / 1000).toFixed(1);
    console.log(
      `${result.volumes} volumes (${plan.totalBytes} bytes) in ${batches} batches and ${parents.length} parent runs; ` +
        `load ${seconds(started, loadedAt)} s, archive until the kill ${seconds(loadedAt, killedAt)} s, ` +
        `sealed ${seconds(killedAt, sealedAt)} s after the kill, verify ${seconds(sealedAt, verifiedAt)} s; ` +
        `events per parent run ${events.slice(0, parents.length).join('/')}, per batch max ${Math.max(...events.slice(parents.length))}`,
    );
  }, 900_000);
});
