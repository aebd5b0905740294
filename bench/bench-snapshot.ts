// The bench snapshot: the bench indices snapshotted into an S3 repository in the bench staging bucket, the
// input of the shell pipeline, restic and the read limit. Reused while it was taken from the current load.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { deletePrefix, listObjects } from '../src/s3/s3-objects';
import type { BenchNames } from './bench-environment';
import type { BenchData } from './load-bench-indices';

export interface BenchSnapshot {
  bucket: string;
  /** Key prefix of the repository, ending in "/". */
  prefix: string;
  bytes: number;
  files: number;
  reused: boolean;
  /** Seconds the cluster took to write it (0 when reused). */
  snapshotSeconds: number;
}

async function registerRepository(client: Client, names: BenchNames): Promise<void> {
  const { body } = await client.info();
  const version = String(body.version.number);
  const [major = 0, minor = 0] = version.split('.').map(Number);
  await client.snapshot.createRepository({
    repository: names.repository,
    verify: false,
    body: {
      type: 's3',
      settings: {
        bucket: names.stagingBucket,
        base_path: names.snapshotBasePath,
        // As snapseal does: from OpenSearch 2.17 keep every blob under base_path.
        ...(major > 2 || (major === 2 && minor >= 17) ? { shard_path_type: 'FIXED' } : {}),
        ...(major >= 3 ? { server_side_encryption_type: 'bucket_default' } : {}),
      } as object,
    },
  });
}

async function snapshotState(
  client: Client,
  names: BenchNames,
): Promise<{ state: string; loadedAt?: string } | undefined> {
  const response = await client.snapshot.get(
    { repository: names.repository, snapshot: names.snapshot },
    { ignore: [404] },
  );
  const info = (
    response.body as { snapshots?: { state?: string; metadata?: { loadedAt?: string } }[] } | undefined
  )?.snapshots?.[0];
  return info ? { state: info.state ?? 'IN_PROGRESS', loadedAt: info.metadata?.loadedAt } : undefined;
}

async function measure(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for await (const o of listObjects(s3, bucket, prefix)) {
    bytes += o.size;
    files += 1;
  }
  return { bytes, files };
}

export async function ensureBenchSnapshot(
  client: Client,
  s3: S3Client,
  names: BenchNames,
  data: BenchData,
): Promise<BenchSnapshot> {
  const prefix = `${names.snapshotBasePath}/`;
  await registerRepository(client, names);
  const existing = await snapshotState(client, names);
  if (existing?.state === 'SUCCESS' && existing.loadedAt === data.loadedAt) {
    return {
      bucket: names.stagingBucket,
      prefix,
      ...(await measure(s3, names.stagingBucket, prefix)),
      reused: true,
      snapshotSeconds: 0,
    };
  }
  // Taken from an older load, or unfinished: start the repository afresh so it holds this one snapshot only.
  await client.snapshot.deleteRepository({ repository: names.repository }, { ignore: [404] });
  await deletePrefix(s3, names.stagingBucket, prefix);
  await registerRepository(client, names);
  const started = Date.now();
  await client.snapshot.create({
    repository: names.repository,
    snapshot: names.snapshot,
    wait_for_completion: false,
    body: {
      indices: data.indices.join(','),
      include_global_state: false,
      metadata: { loadedAt: data.loadedAt, taker: 'snapseal bench' },
    },
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    const state = await snapshotState(client, names);
    if (state?.state === 'SUCCESS') break;
    if (state && state.state !== 'IN_PROGRESS') {
      throw new Error(`The bench snapshot ${names.repository}/${names.snapshot} ended ${state.state}`);
    }
  }
  const snapshotSeconds = (Date.now() - started) / 1000;
  return {
    bucket: names.stagingBucket,
    prefix,
    ...(await measure(s3, names.stagingBucket, prefix)),
    reused: false,
    snapshotSeconds,
  };
}
