// The worker process: reads configuration from the environment, polls the task queues of its roles
// (SNAPSEAL_WORKER_ROLES) until SIGTERM/SIGINT, then lets running activities finish
// (SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS) and exits. Logs are JSON lines.
import './cli/quiet-sdk-warnings'; // first: before any SDK client exists; logs stay JSON lines
import { Runtime } from '@temporalio/worker';
import { loadConfig, withEnvFile } from './config';
import { exitWithError } from './cli/exit-with-error';
import { installWorkerRuntime } from './logging/install-runtime';
import { assuranceOf } from './verify/assurance';
import { createSnapsealWorker } from './worker-factory';
import { workerNodeFlagsWarning } from './worker-node-flags';

async function main(): Promise<void> {
  const settingsFile = process.env.SNAPSEAL_ENV_FILE;
  const config = loadConfig(settingsFile ? withEnvFile(settingsFile) : process.env);
  installWorkerRuntime(config);
  const { worker, close } = await createSnapsealWorker(config);
  const flagsWarning = worker.roles.includes('stream') ? workerNodeFlagsWarning() : undefined;
  if (flagsWarning) Runtime.instance().logger.warn(flagsWarning);
  const polled = worker.roles.map((role) => `${role}=${worker.queues[role]}`).join(', ');
  Runtime.instance().logger.info(
    `snapseal worker polling task queue(s) ${polled} on ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    {
      taskQueues: worker.queues,
      namespace: config.temporal.namespace,
      metricsPort: config.metrics.port || undefined,
    },
  );
  if (worker.roles.includes('seal')) {
    // What the seals of this worker will carry, defaults and opt-outs named (the same lines as `snapseal status`).
    const assurance = assuranceOf(config);
    Runtime.instance().logger.info(
      `snapseal seals with: ${assurance.inForce.join('; ')}${assurance.notProven.length ? `; not proven: ${assurance.notProven.join('; ')}` : ''}`,
      { assurance },
    );
  }
  try {
    await worker.run(); // resolves after a shutdown signal once in-flight work has drained
  } finally {
    await close();
  }
}

main().catch(exitWithError);
