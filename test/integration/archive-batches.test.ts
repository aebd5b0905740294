// Orchestration at scale on the real Temporal server: a 20,000-volume archive runs through the real workflows
// (batches of child workflows, continue-as-new) while its activities are tiny in-process fakes, so only
// Temporal's limits are under test: every run's history stays under 10,240 events, every payload under
// 256 KB, each volume completes exactly once, and every history replays with the bundled workflow code.
// The fakes live in this one test; every other test runs the real activities. As in production, one Worker
// per role queue (src/worker-factory.ts): workflows on the archive queue, each fake on its role's queue.
import { inWorkerThread } from './replay-in-worker-thread';
import { ApplicationFailure, Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { runFolders } from '../../src/archive/archive-layout';
import type {
  ArchiveResult,
  ArchiveTarget,
  PlanPageRef,
  PreparedArchive,
  SealResult,
  VolumePlanSummary,
  VolumeResult,
} from '../../src/archive/archive-types';
import type { createActivities } from '../../src/activities';
import type { SealInput } from '../../src/activities/seal-archive';
import { batchDigest } from '../../src/archive/volume-digests';
import type { SnapshotStatus } from '../../src/opensearch/snapshot-api';
import { taskQueuesFor, WORKER_ROLES } from '../../src/task-queues';
import { ROLE_ACTIVITIES } from '../../src/worker-factory';
import { archiveRuns, completedVolumes } from './archive-histories';
import { stackConfig, uniqueName } from './stack';

type Activities = ReturnType<typeof createActivities>;

const VOLUMES = 20_000;
const VOLUMES_PER_BATCH = 1000;
const VOLUMES_PER_PAGE = 20;
const MAX_EVENTS = 10_240;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const digest = (n: number): string => n.toString(16).padStart(64, '0');

/** The activities the archive workflows call, as fakes that only count and answer. */
function fakeActivities(completions: Map<number, number>): Partial<Activities> {
  return {
    async prepareArchive(request, runTag): Promise<PreparedArchive> {
      const archiveId = `${request.date}_fake`;
      const target: ArchiveTarget = {
        archiveId,
        date: request.date,
        indexPattern: 'fake',
        repository: `snapseal-${runTag}`,
        snapshot: `snapseal-${archiveId}`,
        folders: runFolders('staging/', archiveId, runTag),
      };
      return {
        target,
        settings: {
          maxVolumeBytes: 1024 * 1024,
          volumeConcurrency: 200,
          volumesPerBatch: VOLUMES_PER_BATCH,
          snapshotTimeoutMs: 60_000,
        },
        cluster: { name: 'fake', uuid: 'fake', version: '2.19.0', distribution: 'opensearch' },
        indices: [{ name: 'fake', uuid: 'fake', docCount: 1 }],
      };
    },
    async takeSnapshot(): Promise<void> {},
    async checkSnapshot(): Promise<SnapshotStatus> {
      return {
        state: 'SUCCESS',
        uuid: 'fake',
        indices: ['fake'],
        shards: { total: 1, failed: 0, successful: 1 },
        failures: [],
      };
    },
    async countSnapshotDocuments(_target, _uuid, indices) {
      return indices.map((i) => ({ ...i, docCountSource: 'snapshot-commit' as const }));
    },
    async planArchiveVolumes(): Promise<VolumePlanSummary> {
      return {
        planDigest: digest(1),
        volumeCount: VOLUMES,
        totalBytes: VOLUMES,
        fileCount: VOLUMES,
        largestVolumeBytes: 1,
        pageCount: VOLUMES / VOLUMES_PER_PAGE,
        indexBytes: 0,
        largestPageBytes: 0,
      };
    },
    async lookUpPlanPages(_target, _planDigest, first, last): Promise<PlanPageRef[]> {
      const pages: PlanPageRef[] = [];
      for (let page = Math.ceil(first / VOLUMES_PER_PAGE); (page - 1) * VOLUMES_PER_PAGE < last; page++) {
        const firstVolume = (page - 1) * VOLUMES_PER_PAGE + 1;
        pages.push({
          page,
          firstVolume,
          lastVolume: firstVolume + VOLUMES_PER_PAGE - 1,
          sha256: digest(page),
        });
      }
      return pages;
    },
    async archiveVolume(target, page, index): Promise<VolumeResult> {
      if (index < page.firstVolume || index > page.lastVolume)
        throw new Error(`volume ${index} off its page`);
      completions.set(index, (completions.get(index) ?? 0) + 1);
      return {
        index,
        key: `${target.archiveId}/volume-${index}.tar.gpg`,
        fileCount: 1,
        plaintextBytes: 1,
        plaintextSha256: digest(index),
        ciphertextBytes: 2,
        ciphertextSha256: digest(index + 1),
        recordSha256: digest(index + 2),
      };
    },
    async sealArchive(input: SealInput): Promise<SealResult> {
      // Every batch's digest over its record digests reached the seal, across continue-as-new.
      const expected = Array.from({ length: VOLUMES / VOLUMES_PER_BATCH }, (_, b) =>
        batchDigest(
          Array.from({ length: VOLUMES_PER_BATCH }, (_, i) => {
            const index = b * VOLUMES_PER_BATCH + i + 1;
            return { index, recordSha256: digest(index + 2) };
          }),
        ),
      );
      const reached = JSON.stringify(input.volumeDigests);
      if (reached !== JSON.stringify({ volumesPerBatch: VOLUMES_PER_BATCH, batches: expected }))
        throw ApplicationFailure.nonRetryable(
          `the seal got volume digests ${reached?.slice(0, 300)}`,
          'Check',
        );
      return {
        archiveId: input.target.archiveId,
        manifestKey: `${input.target.archiveId}/manifest.json`,
        manifestSha256: digest(0),
        sequence: 1,
        volumes: input.volumeCount,
        plaintextBytes: input.volumeCount,
        ciphertextBytes: 2 * input.volumeCount,
      };
    },
    async cleanUpRun() {
      return { stagingObjectsDeleted: 0, unsealedVolumesDeleted: 0 };
    },
  };
}

/** The largest payload anywhere in a history (inputs, results, failures, search attributes, memos). */
function largestPayload(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (!value || typeof value !== 'object') return 0;
  let largest = 0;
  for (const v of Object.values(value)) largest = Math.max(largest, largestPayload(v));
  return largest;
}

describe('a 20,000-volume archive (real Temporal, fake volume work)', () => {
  const config = stackConfig();
  const taskQueue = uniqueName('batches');
  const completions = new Map<number, number>();
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let workflowBundle: { code: string };

  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    connection = await Connection.connect({ address: config.temporal.address });
    client = new Client({ connection, namespace: config.temporal.namespace });
    nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('keeps every run under the history limits, completes each volume once and replays', async () => {
    const fakes = fakeActivities(completions);
    const queues = taskQueuesFor(taskQueue);
    // The roles with something to run here: archive (workflows and quick calls), stream, seal.
    const roles = WORKER_ROLES.filter((r) => r === 'archive' || ROLE_ACTIVITIES[r].some((n) => fakes[n]));
    const workers = await Promise.all(
      roles.map((role) =>
        Worker.create({
          connection: nativeConnection,
          namespace: config.temporal.namespace,
          taskQueue: queues[role],
          ...(role === 'archive' ? { workflowBundle, maxConcurrentWorkflowTaskExecutions: 20 } : {}),
          activities: Object.fromEntries(
            ROLE_ACTIVITIES[role].filter((name) => fakes[name]).map((name) => [name, fakes[name]]),
          ),
          maxConcurrentActivityTaskExecutions: 400,
        }),
      ),
    );
    const started = Date.now();
    const handle = await client.workflow.start('archiveSnapshot', {
      taskQueue,
      workflowId: `${taskQueue}/archive/2026-11-30`,
      args: [{ date: '2026-11-30' }],
    });
    const outcome = handle.result();
    await Promise.all(workers.map((w) => w.runUntil(outcome)));
    const result = (await outcome) as ArchiveResult;
    const runSeconds = (Date.now() - started) / 1000;

    expect(result.status).toBe('SEALED');
    expect(result.volumes).toBe(VOLUMES);
    // Exactly one completion per volume 1..20000, counted by the activity and read from the histories.
    expect(completions.size).toBe(VOLUMES);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);

    const runs = await archiveRuns(client, handle.workflowId, handle.firstExecutionRunId);
    const parents = runs.filter((r) => r.workflowId === handle.workflowId);
    const batches = runs.length - parents.length;
    expect(batches).toBe(VOLUMES / VOLUMES_PER_BATCH);
    expect(parents.length).toBeGreaterThan(1); // the parent continued as new at least once
    const fromHistory = runs.flatMap((r) => completedVolumes(r.history)).sort((a, b) => a - b);
    expect(fromHistory).toEqual(Array.from({ length: VOLUMES }, (_, i) => i + 1));

    const events = runs.map((r) => r.history.events?.length ?? 0);
    const payloads = runs.map((r) => largestPayload(r.history));
    expect(Math.max(...events)).toBeLessThan(MAX_EVENTS);
    expect(Math.max(...payloads)).toBeLessThan(MAX_PAYLOAD_BYTES);

    const replayStarted = Date.now();
    let replayed = 0;
    // In a worker thread, not the test process (see workflow-replay.test.ts).
    for await (const replay of Worker.runReplayHistories(inWorkerThread({ workflowBundle }), runs)) {
      expect(replay.error).toBeUndefined();
      replayed += 1;
    }
    expect(replayed).toBe(runs.length);
    console.log(
      `${VOLUMES} volumes in ${batches} batch runs and ${parents.length} parent runs: ${runSeconds.toFixed(1)} s; ` +
        `events per parent run ${parents.map((r) => r.history.events?.length).join('/')}, ` +
        `per batch run max ${Math.max(...events.slice(parents.length))}; largest payload ${Math.max(...payloads)} bytes; ` +
        `replay of ${replayed} histories ${((Date.now() - replayStarted) / 1000).toFixed(1)} s`,
    );
  }, 900_000); // 20,000 activities and 22 replays: about 4 minutes on 2 idle cores, more under load
});
