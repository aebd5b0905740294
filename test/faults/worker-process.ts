// Fault tests run snapseal workers as real child processes, so they can be killed like a lost host.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { workerEnv, type ArchiveHarness } from '../integration/archive-harness';

const root = join(__dirname, '..', '..');

/** SNAPSEAL_FAULT_WORKER_LOG=<file> keeps the workers' stderr for a post-mortem. */
export function startWorkerProcess(h: ArchiveHarness, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn('node', [join(root, 'dist', 'worker.js')], {
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

/** No orphans: the archive folder holds exactly its volumes, manifest and signature; no upload is left open. */
export async function expectNoOrphans(h: ArchiveHarness, result: ArchiveResult): Promise<void> {
  const folder = `${h.config.archive.prefix}${result.archiveId}/`;
  const listed = await h.s3.send(
    new ListObjectsV2Command({ Bucket: h.config.archive.bucket, Prefix: folder }),
  );
  expect((listed.Contents ?? []).length).toBe(result.volumes + 2);
  const uploads = await h.s3.send(
    new ListMultipartUploadsCommand({ Bucket: h.config.archive.bucket, Prefix: folder }),
  );
  expect(uploads.Uploads ?? []).toEqual([]);
}
