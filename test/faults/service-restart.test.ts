// The local stack's own services restarted in the middle of an archive: the run completes after they
// return, and the archive verifies with no orphan objects.
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { execFile, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { VOLUMES_DONE } from '../../src/workflows/search-attributes';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { waitFor } from '../integration/wait-for';
import { expectNoOrphans, loadIncompressibleIndex, startWorkerProcess } from './worker-process';

const run = promisify(execFile);
const stack = (...args: string[]) =>
  run('bash', [join(__dirname, '..', '..', 'scripts', 'stack.sh'), ...args]);
const DATE = '2026-11-21';
const SERVICE_PORT: Record<string, number> = {
  minio: Number(new URL(process.env.SNAPSEAL_S3_ENDPOINT ?? 'http://127.0.0.1:9000').port || 80),
  temporal: Number((process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233').split(':')[1]),
};

/** Whether something listens on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Wait for a workflow's result through a server outage: the long poll fails while the server is away. */
async function resultThroughOutage(handle: WorkflowHandle): Promise<ArchiveResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await handle.result()) as ArchiveResult;
    } catch (err) {
      if (attempt >= 60 || (err as Error).name === 'WorkflowFailedError') throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Whether a volume upload is under way: a multipart upload open in the harness's archive bucket (listed without
 * a prefix: MinIO lists an upload under its exact key only).
 */
async function uploadInFlight(h: ArchiveHarness): Promise<boolean> {
  const open = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: h.config.archive.bucket }));
  return (open.Uploads ?? []).length > 0;
}

/** Whether the run has finished a batch of volumes (published once per batch). */
async function volumesDone(handle: WorkflowHandle): Promise<boolean> {
  return ((await handle.describe()).typedSearchAttributes.get(VOLUMES_DONE) ?? 0) >= 1;
}

// MinIO goes away while a volume's multipart upload is open (parts in flight, connections to it pooled);
// Temporal once the first batch of volumes is done.
describe.each([['minio'], ['temporal']])('%s restarted mid-archive', (service) => {
  let h: ArchiveHarness;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => {
    await stack('up'); // whatever happened, leave the stack running for the tests after this one
    worker?.kill('SIGKILL');
    await h?.close();
  });

  it('completes after the service returns, verifiable and without orphans', async () => {
    await loadIncompressibleIndex(h, indicesForDate(h.template, DATE), 24);
    // Volumes of two and more parts (5 MiB each), one at a time, in batches of two: a multipart upload is
    // open for most of the run, and VOLUMES_DONE moves after the second volume.
    worker = startWorkerProcess(h, {
      SNAPSEAL_MAX_VOLUME_MIB: '8',
      SNAPSEAL_VOLUME_CONCURRENCY: '1',
      SNAPSEAL_VOLUMES_PER_BATCH: '2',
    });
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
      args: [{ date: DATE }],
    });
    await waitFor(
      () => (service === 'minio' ? uploadInFlight(h) : volumesDone(handle)),
      service === 'minio' ? 'a volume upload in flight' : 'the first batch of volumes',
      { timeoutMs: 240_000, everyMs: 50 },
    );
    const stoppedAt = Date.now();
    await stack('stop', service);
    // The outage: the service has really gone (its port refuses connections) before it comes back.
    await waitFor(async () => !(await accepts(SERVICE_PORT[service]!)), `${service} to refuse connections`, {
      timeoutMs: 60_000,
    });
    await stack('up');
    const result = await resultThroughOutage(handle);
    const recoverySeconds = (Date.now() - stoppedAt) / 1000;

    expect(result.status).toBe('SEALED');
    expect((await verifyWithConfig(h.config, result.archiveId)).ok).toBe(true);
    await expectNoOrphans(h, result);
    console.log(
      `${service} restarted: ${result.volumes} volumes sealed, ${recoverySeconds.toFixed(1)} s from stop to sealed`,
    );
  });
});
