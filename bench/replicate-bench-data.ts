// Bench data above what bulk loading can fill in reasonable time on a small machine: a 1 GB load (loaded once,
// reused) snapshotted, then restored as many times as needed under new index names. A restore copies segment
// files, so 10 GB takes minutes where bulk indexing would take hours. The copies hold the same documents, which
// does not help snapseal or the shell pipelines (they read, encrypt and upload every byte) but lets restic
// deduplicate; the report says so.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { benchNames, type BenchNames } from './bench-environment';
import { ensureBenchSnapshot } from './bench-snapshot';
import { ensureBenchData, readLoadMarker, writeLoadMarker, type BenchData } from './load-bench-indices';

/** Sizes up to this are bulk loaded; larger ones are copies of the base load. */
export const MAX_LOADED_GB = 2;
const BASE_GB = 1;

const copyPrefix = (names: BenchNames, copy: number): string => `${names.indexPrefix}c${copy}-`;

async function waitForRecovery(client: Client, pattern: string): Promise<void> {
  for (;;) {
    const { body } = await client.cluster.health(
      { index: pattern, wait_for_status: 'green', timeout: '20s' },
      { ignore: [408], requestTimeout: 60_000 }, // 408: not green within the timeout yet
    );
    const health = body as { status?: string; timed_out?: boolean };
    if (!health.timed_out && health.status === 'green') return;
    if (health.status === 'red' && !health.timed_out) throw new Error(`Restoring ${pattern} left it red`);
  }
}

export async function ensureReplicatedBenchData(
  client: Client,
  s3: S3Client,
  names: BenchNames,
  targetBytes: number,
  say: (line: string) => void,
): Promise<BenchData> {
  const baseNames = benchNames(BASE_GB);
  say(`    base: ${BASE_GB} GB of generated logs in ${baseNames.indexPattern}, restored as copies`);
  const base = await ensureBenchData(client, baseNames, BASE_GB * 1e9, say);
  const baseSnapshot = await ensureBenchSnapshot(client, s3, baseNames, base);
  const copies = Math.ceil(targetBytes / base.storeBytes);
  const indices = Array.from({ length: copies }, (_, c) =>
    base.indices.map((i) => copyPrefix(names, c + 1) + i.slice(baseNames.indexPrefix.length)),
  ).flat();

  const markers = await Promise.all(indices.map((i) => readLoadMarker(client, i)));
  const first = markers[0];
  if (
    first &&
    first.targetBytes === targetBytes &&
    first.baseLoadedAt === base.loadedAt &&
    markers.every((m) => m?.loadedAt === first.loadedAt)
  ) {
    return { ...first, indices, reused: true };
  }
  await client.indices.delete({ index: names.indexPattern, expand_wildcards: 'all' }, { ignore: [404] });
  const started = Date.now();
  for (let copy = 1; copy <= copies; copy++) {
    await client.snapshot.restore({
      repository: baseNames.repository,
      snapshot: baseNames.snapshot,
      wait_for_completion: false,
      body: {
        indices: base.indices.join(','),
        include_global_state: false,
        rename_pattern: `${baseNames.indexPrefix}(.+)`,
        rename_replacement: `${copyPrefix(names, copy)}$1`,
        index_settings: { 'index.number_of_replicas': 0 },
      },
    });
    await waitForRecovery(client, `${copyPrefix(names, copy)}*`);
    say(`    copy ${copy}/${copies} restored (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await client.indices.flush({ index: names.indexPattern });
  const { body } = await client.indices.stats({ index: names.indexPattern, metric: ['docs', 'store'] });
  const primaries = (
    body as { _all: { primaries: { docs: { count: number }; store: { size_in_bytes: number } } } }
  )._all.primaries;
  const marker = {
    targetBytes,
    storeBytes: primaries.store.size_in_bytes,
    docs: primaries.docs.count,
    loadSeconds: (Date.now() - started) / 1000,
    loadedAt: new Date().toISOString(),
    baseLoadedAt: base.loadedAt,
    copies,
  };
  say(
    `    ${copies} copies of ${baseSnapshot.bytes / 1e9} GB: ${(marker.storeBytes / 1e9).toFixed(3)} GB in the primary store`,
  );
  for (const index of indices) await writeLoadMarker(client, index, marker);
  return { ...marker, indices, reused: false };
}
