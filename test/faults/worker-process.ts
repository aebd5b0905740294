// Fault tests run snapseal workers as real child processes, so they can be killed like a lost host.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { archiveLayout, retentionRecordKey } from '../../src/archive/archive-layout';
import type { ArchiveResult, VolumePlanSummary } from '../../src/archive/archive-types';
import { workerEnv, type ArchiveHarness } from '../integration/archive-harness';
import { WORKER_NODE_FLAGS } from '../../src/worker-node-flags';

const root = join(__dirname, '..', '..');

/** SNAPSEAL_FAULT_WORKER_LOG=<file> keeps the workers' stderr for a post-mortem. */
export function startWorkerProcess(h: ArchiveHarness, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn('node', [...WORKER_NODE_FLAGS, join(root, 'dist', 'worker.js')], {
    env: workerEnv(h, extraEnv),
    stdio: [
      'ignore',
      'ignore',
      process.env.SNAPSEAL_FAULT_WORKER_LOG ? openSync(process.env.SNAPSEAL_FAULT_WORKER_LOG, 'a') : 'ignore',
    ],
  });
}

/** An index of `count` incompressible documents in separate segments (about 1 MiB of blobs each). */
export async function loadIncompressibleIndex(
  h: ArchiveHarness,
  index: string,
  count: number,
): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  await h.search.indices.create({
    index,
    body: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
  });
  for (let i = 0; i < count; i++) {
    await h.search.index({
      index,
      refresh: true,
      body: { n: i, blob: randomBytes(768 * 1024).toString('base64') },
    });
  }
}

/**
 * No orphans: the archive folder holds exactly its volumes, the manifest, its signature and the retention
 * record (and the time-stamp token when a TSA is configured); no upload is left open.
 */
export async function expectNoOrphans(h: ArchiveHarness, result: ArchiveResult): Promise<void> {
  const layout = archiveLayout(h.config.archive.prefix, result.archiveId);
  const listed = await h.s3.send(
    new ListObjectsV2Command({ Bucket: h.config.archive.bucket, Prefix: layout.folder }),
  );
  const expected = [
    ...Array.from({ length: result.volumes }, (_, i) => layout.volumeKey(i + 1)),
    layout.manifestKey,
    layout.signatureKey,
    retentionRecordKey(layout),
    ...h.config.evidence.tsaUrls.map((_, i) => layout.timestampKeyOf(i)),
  ].sort();
  expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(expected);
  const uploads = await h.s3.send(
    new ListMultipartUploadsCommand({ Bucket: h.config.archive.bucket, Prefix: layout.folder }),
  );
  expect(uploads.Uploads ?? []).toEqual([]);
}

/**
 * Object GETs of staging blobs by the volume streams, for a FaultProxy meter or hold: not listings, not JSON
 * (volume records, plan pages), and only from the run's first plan read on. Before the plan exists, the
 * document count reads the snapshot's own metadata blobs once; those reads are not volume work.
 */
export function stagingBlobGet(h: ArchiveHarness): (method: string, path: string) => boolean {
  const objectGet = new RegExp(`^/${h.config.staging.bucket}/[^?]+`);
  const planRead = new RegExp(`^/${h.config.staging.bucket}/(.*/)?work/plan/`);
  let planned = false;
  return (method, path) => {
    if (method === 'GET' && planRead.test(path)) planned = true;
    return planned && objectGet.test(path) && !/\.json(\?|$)/.test(path);
  };
}

/**
 * The request batch `batch` of a run starts with: its workflow looks up its plan pages in the plan index (read
 * once per batch, batch 1 first). Parking it holds the run between batch `batch - 1` and batch `batch`.
 */
export function batchPlanLookUp(h: ArchiveHarness, batch: number): (method: string, path: string) => boolean {
  let indexReads = 0;
  return (method, path) =>
    method === 'GET' &&
    path.startsWith(`/${h.config.staging.bucket}/`) &&
    path.includes('/work/plan/index.json') &&
    ++indexReads === batch;
}

/** The run's volume plan, from planArchiveVolumes' result in history: bytes to archive, largest volume. */
export async function plannedVolumes(
  handle: WorkflowHandle,
): Promise<{ totalBytes: number; largestVolumeBytes: number }> {
  const plan = ((await handle.fetchHistory()).events ?? [])
    .map((e) => e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data)
    .filter((data): data is Uint8Array => data instanceof Uint8Array)
    .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as Partial<VolumePlanSummary>)
    .find((r) => r.planDigest !== undefined);
  if (plan?.totalBytes === undefined || plan.largestVolumeBytes === undefined)
    throw new Error('no planArchiveVolumes result in the history');
  return { totalBytes: plan.totalBytes, largestVolumeBytes: plan.largestVolumeBytes };
}
