// The worker process: reads configuration from the environment, polls the task queues of its roles
// (SNAPSEAL_WORKER_ROLES) until SIGTERM/SIGINT, then lets running activities finish
// (SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS) and exits.
import { loadConfig, withEnvFile } from './config';
import { exitWithError } from './cli/exit-with-error';
import { createSnapsealWorker } from './worker-factory';

async function main(): Promise<void> {
  const settingsFile = process.env.SNAPSEAL_ENV_FILE;
  const config = loadConfig(settingsFile ? withEnvFile(settingsFile) : process.env);
  const { worker, close } = await createSnapsealWorker(config);
  const polled = worker.roles.map((role) => `${role}: "${worker.queues[role]}"`).join(', ');
  console.error(
    `snapseal worker polling task queue(s) ${polled} on ${config.temporal.address} (namespace ${config.temporal.namespace})`,
  );
  try {
    await worker.run(); // resolves after a shutdown signal once in-flight work has drained
  } finally {
    await close();
  }
}

main().catch(exitWithError);
