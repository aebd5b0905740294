// Fault tests run snapseal workers as real child processes, so they can be killed like a lost host.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveHarness } from '../integration/archive-harness';

const root = join(__dirname, '..', '..');

/** SNAPSEAL_FAULT_WORKER_LOG=<file> keeps the workers' stderr for a post-mortem. */
export function startWorkerProcess(h: ArchiveHarness, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn('node', [join(root, 'dist', 'worker.js')], {
    env: {
      ...process.env,
      SNAPSEAL_TASK_QUEUE: h.config.temporal.taskQueue,
      SNAPSEAL_STAGING_BUCKET: h.config.staging.bucket,
      SNAPSEAL_ARCHIVE_BUCKET: h.config.archive.bucket,
      SNAPSEAL_INDEX_TEMPLATE: h.template,
      SNAPSEAL_RECIPIENT_KEY_FILES: h.keys.recipientPublic,
      SNAPSEAL_SIGNING_KEY_FILE: h.keys.archiverPrivate,
      SNAPSEAL_DECRYPTION_KEY_FILE: h.keys.recipientPrivate,
      ...extraEnv,
    },
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
