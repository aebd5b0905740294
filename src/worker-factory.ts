// Builds a snapseal worker from configuration: real clients and keys, created once and injected into activities.
import { NativeConnection, Worker } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_BUNDLE_FILE } from './bundle-workflows';
import { createActivities } from './activities';
import type { Config } from './config';
import { loadArchiveKeys } from './keys/load-archive-keys';
import { startWorkerObservability } from './metrics/worker-observability';
import { createOpenSearchClient } from './opensearch/create-opensearch-client';
import { createS3Client } from './s3/create-s3-client';

export interface SnapsealWorker {
  worker: Worker;
  /** Close the clients and the connection once the worker has stopped. */
  close(): Promise<void>;
}

export async function createSnapsealWorker(config: Config): Promise<SnapsealWorker> {
  const keys = await loadArchiveKeys(config.keys);
  const bundlePath = join(__dirname, WORKFLOW_BUNDLE_FILE);
  const s3 = createS3Client(config.s3);
  const opensearch = createOpenSearchClient(config.opensearch, config.s3.region);
  const observability = await startWorkerObservability(config, s3, existsSync(bundlePath));
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // The bundle made at build time when there is one (dist), else bundled now (tests run from src).
    ...(existsSync(bundlePath)
      ? { workflowBundle: { codePath: bundlePath } }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({ config, s3, opensearch, keys }),
    maxConcurrentActivityTaskExecutions: config.worker.maxActivities,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxWorkflowTasks,
    shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
    interceptors: observability.interceptors,
    sinks: observability.sinks,
  });
  return {
    worker,
    async close() {
      await observability.close();
      s3.destroy();
      await opensearch.close();
      await connection.close();
    },
  };
}
