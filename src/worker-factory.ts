// Builds a snapseal worker process from configuration: real clients and the keys its roles need, created once,
// and one Temporal Worker per role queue (src/task-queues.ts), each registering only that role's activities.
import { NativeConnection, Runtime, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_BUNDLE_FILE } from './bundle-workflows';
import { createActivities } from './activities';
import type { Config } from './config';
import { loadArchiveKeys, rolesForKeys } from './keys/load-archive-keys';
import { startWorkerObservability } from './metrics/worker-observability';
import { createOpenSearchClient } from './opensearch/create-opensearch-client';
import { createS3Client, S3_IDLE_TIMEOUT_MS } from './s3/create-s3-client';
import { createBuckets } from './buckets/buckets';
import { taskQueuesFor, type WorkerRole } from './task-queues';
import { temporalConnectionOptions } from './temporal-connection';
import { temporalTlsFailure } from './temporal-tls-probe';

type Activities = ReturnType<typeof createActivities>;
type ActivityName = keyof Activities;

/** Which activities each role runs. thawArchive is in archive and restore: awaitThaw runs on its caller's queue. */
export const ROLE_ACTIVITIES: Record<WorkerRole, readonly ActivityName[]> = {
  archive: [
    'resolveArchive',
    'prepareArchive',
    'takeSnapshot',
    'checkSnapshot',
    'countSnapshotDocuments',
    'planArchiveVolumes',
    'lookUpPlanPages',
    'cleanUpRun',
    'thawArchive',
  ],
  stream: ['archiveVolume'],
  seal: ['sealArchive', 'describeSealedArchive'],
  restore: [
    'prepareRestore',
    'thawArchive',
    'verifyManifest',
    'verifyVolume',
    'latestArchiveId',
    'stageRestoreVolume',
    'startRestoreFromArchive',
    'checkRestore',
    'checkStagedRestore',
    'compareRestoredCounts',
    'deleteRestoredIndices',
    'cleanUpRestore',
  ],
};

/** The Workers of one process, run and stopped together. */
export interface WorkerGroup {
  roles: WorkerRole[];
  /** Task queue per role this process polls. */
  queues: Partial<Record<WorkerRole, string>>;
  run(): Promise<void>;
  runUntil<T>(work: Promise<T>): Promise<T>;
  shutdown(): void;
}

export interface SnapsealWorker {
  worker: WorkerGroup;
  /** Close the clients and the connection once the workers have stopped. */
  close(): Promise<void>;
}

function pick(all: Activities, names: readonly ActivityName[]): Partial<Activities> {
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Partial<Activities>;
}

export interface SnapsealWorkerOptions {
  /** Extra activity interceptors, run after the worker's own (tests use them to act between two steps). */
  activityInterceptors?: ActivityInterceptorsFactory[];
}

async function connectWorker(config: Config): Promise<NativeConnection> {
  const options = temporalConnectionOptions(config.temporal);
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    throw (await temporalTlsFailure(config.temporal, options.tls, err)) ?? err;
  }
}

export async function createSnapsealWorker(
  config: Config,
  options: SnapsealWorkerOptions = {},
): Promise<SnapsealWorker> {
  const roles = config.worker.roles.length > 0 ? config.worker.roles : rolesForKeys(config.keys);
  // Through the runtime logger: a worker's output stays one JSON object per line.
  const keys = await loadArchiveKeys(config.keys, roles, (message) =>
    Runtime.instance().logger.warn(message),
  );
  // Connected before anything is started (metrics server, clients): a bad Temporal setting leaves nothing behind.
  const connection = await connectWorker(config);
  const bundlePath = join(__dirname, WORKFLOW_BUNDLE_FILE);
  // A volume stream's read may wait on its upload as long as the stall bound allows: never cut it sooner.
  const s3 = createS3Client(config.s3, {
    idleTimeoutMs: Math.max(S3_IDLE_TIMEOUT_MS, config.archive.volumeStallMs),
  });
  const opensearch = createOpenSearchClient(config.opensearch, config.s3.region);
  const observability = await startWorkerObservability(config, s3, existsSync(bundlePath)).catch(
    async (err: unknown) => {
      s3.destroy();
      await opensearch.close();
      await connection.close();
      throw err;
    },
  );
  const activities = createActivities({ config, s3, opensearch, keys, buckets: createBuckets(config, s3) });
  const queues = taskQueuesFor(config.temporal.taskQueue);
  const interceptors = {
    ...observability.interceptors,
    activity: [...(observability.interceptors.activity ?? []), ...(options.activityInterceptors ?? [])],
  };
  const workflows = existsSync(bundlePath)
    ? { workflowBundle: { codePath: bundlePath } } // the bundle made at build time (dist)
    : { workflowsPath: require.resolve('./workflows') }; // bundled now (tests run from src)
  const workers: Worker[] = [];
  try {
    for (const role of roles) {
      workers.push(
        await Worker.create({
          connection,
          namespace: config.temporal.namespace,
          taskQueue: queues[role],
          // Workflows hold no keys: the archive and restore queues run them, activities go to their role's queue.
          ...(role === 'archive' || role === 'restore'
            ? { ...workflows, maxConcurrentWorkflowTaskExecutions: config.worker.maxWorkflowTasks }
            : {}),
          activities: pick(activities, ROLE_ACTIVITIES[role]),
          // The stream role's slots bound the volumes this process encrypts at once, so a fleet spreads them.
          maxConcurrentActivityTaskExecutions:
            role === 'stream' ? config.worker.streamSlots : config.worker.maxActivities,
          shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
          interceptors,
          sinks: observability.sinks,
        }),
      );
    }
  } catch (err) {
    await observability.close();
    s3.destroy();
    await opensearch.close();
    await connection.close();
    throw err;
  }
  const shutdown = (): void => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  const group: WorkerGroup = {
    roles,
    queues: Object.fromEntries(roles.map((r) => [r, queues[r]])),
    async run() {
      // One Worker failing stops the others: a process runs all its roles or none.
      await Promise.all(
        workers.map((w) =>
          w.run().catch((err: unknown) => {
            shutdown();
            throw err;
          }),
        ),
      );
    },
    async runUntil<T>(work: Promise<T>): Promise<T> {
      const running = workers.map((w) => w.run());
      // Whatever the work's outcome, the Workers stop before it is returned (or thrown).
      const failedWorker = Promise.race(running).then(() => undefined);
      try {
        return await Promise.race([work, failedWorker.then(() => work)]);
      } finally {
        shutdown();
        await Promise.allSettled(running);
      }
    },
    shutdown,
  };
  return {
    worker: group,
    async close() {
      await observability.close();
      s3.destroy();
      await opensearch.close();
      await connection.close();
    },
  };
}
