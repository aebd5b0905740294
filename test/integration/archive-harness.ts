// A per-test archive environment on the real stack: own buckets, prefixes, index names, task queue and keys,
// a real worker, and teardown that removes all of it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client as OpenSearch } from '@opensearch-project/opensearch';
import { loadConfig, type Config } from '../../src/config';
import { ensureDemoKeys, type DemoKeyFiles } from '../../src/demo/demo-keys';
import { createOpenSearchClient } from '../../src/opensearch/create-opensearch-client';
import { deleteIndices } from '../../src/opensearch/snapshot-api';
import { createS3Client } from '../../src/s3/create-s3-client';
import { ensureBuckets } from '../../src/setup/ensure-buckets';
import { createSnapsealWorker, type SnapsealWorkerOptions } from '../../src/worker-factory';
import { removeBucket, uniqueName } from './stack';

export interface ArchiveHarness {
  config: Config;
  keys: DemoKeyFiles;
  keyDir: string;
  s3: S3Client;
  search: OpenSearch;
  temporal: Client;
  /** Index template unique to this harness, e.g. h-abc-logs-{DD}{MM}{YYYY} */
  template: string;
  /**
   * Run a fresh real worker (a Worker runs only once) until `work` settles; `workerConfig` (default: the
   * harness's) gives it other keys, e.g. another signing key.
   */
  runWorker<T>(work: Promise<T>, options?: SnapsealWorkerOptions, workerConfig?: Config): Promise<T>;
  close(): Promise<void>;
}

export async function createArchiveHarness(overrides: Record<string, string> = {}): Promise<ArchiveHarness> {
  const id = uniqueName('h');
  const keyDir = await mkdtemp(join(tmpdir(), 'snapseal-keys-'));
  const keys = await ensureDemoKeys(keyDir);
  const template = `${id}-logs-{DD}{MM}{YYYY}`;
  const config = loadConfig({
    ...process.env,
    SNAPSEAL_TASK_QUEUE: id,
    SNAPSEAL_STAGING_BUCKET: `${id}-staging`,
    SNAPSEAL_ARCHIVE_BUCKET: `${id}-archive`,
    SNAPSEAL_INDEX_TEMPLATE: template,
    SNAPSEAL_RECIPIENT_KEY_FILES: keys.recipientPublic,
    SNAPSEAL_SIGNING_KEY_FILE: keys.archiverPrivate,
    SNAPSEAL_DECRYPTION_KEY_FILE: keys.recipientPrivate,
    SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
    SNAPSEAL_SCHEDULE_ID: `${id}-daily`,
    ...overrides,
  });
  const s3 = createS3Client(config.s3);
  const search = createOpenSearchClient(config.opensearch, config.s3.region);
  await ensureBuckets(s3, config);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config,
    keys,
    keyDir,
    s3,
    search,
    temporal,
    template,
    async runWorker(work, options, workerConfig = config) {
      const { worker, close } = await createSnapsealWorker(workerConfig, options);
      try {
        return await worker.runUntil(work);
      } finally {
        await close();
      }
    },
    async close() {
      await connection.close();
      // By name: Elasticsearch 8+ refuses wildcard deletes (action.destructive_requires_name).
      await deleteIndices(search, [`${id}-*`]);
      await search.close();
      for (const bucket of [config.staging.bucket, config.archive.bucket]) {
        await removeBucket(s3, bucket).catch((err: { name?: string }) => {
          if (err.name !== 'NoSuchBucket') throw err;
        });
      }
      s3.destroy();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}

/** Snapshot repositories on the cluster that point at this harness's staging bucket (leftovers of a run). */
export async function stagingRepositories(h: ArchiveHarness): Promise<string[]> {
  const repos = (await h.search.snapshot.getRepository({})).body as Record<
    string,
    { settings?: { bucket?: string } }
  >;
  return Object.entries(repos)
    .filter(([, r]) => r.settings?.bucket === h.config.staging.bucket)
    .map(([name]) => name);
}

/** The environment of a worker process serving this harness (its task queue, buckets, template and keys). */
export function workerEnv(h: ArchiveHarness, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SNAPSEAL_TASK_QUEUE: h.config.temporal.taskQueue,
    SNAPSEAL_STAGING_BUCKET: h.config.staging.bucket,
    SNAPSEAL_ARCHIVE_BUCKET: h.config.archive.bucket,
    SNAPSEAL_INDEX_TEMPLATE: h.template,
    SNAPSEAL_RECIPIENT_KEY_FILES: h.keys.recipientPublic,
    SNAPSEAL_SIGNING_KEY_FILE: h.keys.archiverPrivate,
    SNAPSEAL_DECRYPTION_KEY_FILE: h.keys.recipientPrivate,
    ...extra,
  };
}
