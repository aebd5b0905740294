// The cluster operations snapseal needs (indices, repositories, snapshots), with errors that say what failed.
import type { Client } from '@opensearch-project/opensearch';

export interface ClusterInfo {
  name: string;
  uuid: string;
  version: string;
  distribution: string;
}

export interface IndexInfo {
  name: string;
  uuid: string;
  docCount: number;
  /**
   * What docCount measures. 'snapshot-commit': the live documents of the Lucene commits the snapshot holds
   * (sum over primary shards of commit.num_docs, checked against the snapshot's segments_N); absent (older
   * manifests) or 'before-snapshot': `_cat/indices` docs.count read before the snapshot started.
   */
  docCountSource?: DocCountSource;
}

export type DocCountSource = 'snapshot-commit' | 'before-snapshot';

/** One primary shard's last Lucene commit: its generation (the N of segments_N) and its live documents. */
export interface ShardCommit {
  shard: number;
  generation: number;
  numDocs: number;
}

export type SnapshotState = 'IN_PROGRESS' | 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'INCOMPATIBLE' | 'MISSING';

export interface SnapshotStatus {
  state: SnapshotState;
  uuid?: string;
  indices: string[];
  shards: { total: number; failed: number; successful: number };
  failures: string[];
  reason?: string;
}

export interface S3RepositorySettings {
  bucket: string;
  base_path: string;
  client: string;
  shard_path_type?: 'FIXED';
  server_side_encryption_type?: 'bucket_default';
  role_arn?: string;
  region?: string;
  compress?: boolean;
}

/** A problem that retrying will not solve (missing index, rejected settings, denied access). */
export class ClusterRequestError extends Error {
  override name = 'ClusterRequestError';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ResponseErrorLike {
  meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } | string } };
  message?: string;
  name?: string;
}

function explain(operation: string, err: unknown): ClusterRequestError {
  const e = err as ResponseErrorLike;
  const statusCode = e.meta?.statusCode;
  const body = e.meta?.body?.error;
  const detail =
    typeof body === 'string' ? body : body ? `${body.type}: ${body.reason}` : (e.message ?? String(err));
  if (statusCode === undefined || statusCode >= 500 || statusCode === 429) {
    const hint =
      e.name === 'ConnectionError' ? ' (is the cluster reachable at SNAPSEAL_OPENSEARCH_URL?)' : '';
    return new ClusterRequestError(`${operation} failed: ${detail}${hint}`, false, { cause: err });
  }
  const auth =
    statusCode === 401 || statusCode === 403 ? ' (check the cluster credentials and permissions)' : '';
  return new ClusterRequestError(`${operation} failed (${statusCode}): ${detail}${auth}`, true, {
    cause: err,
  });
}

/**
 * Whether the cluster answered that it cannot read a snapshot's metadata from its repository (a snapshot or
 * repository exception with an HTTP status, e.g. a snap-<uuid>.dat changed under it): an answer, not an outage,
 * and asking again reads the same blobs.
 */
export function isUnreadableSnapshot(err: unknown): boolean {
  const e = (err instanceof ClusterRequestError ? err.cause : err) as ResponseErrorLike | undefined;
  const body = e?.meta?.body?.error;
  const type = typeof body === 'object' ? body.type : undefined;
  return (
    e?.meta?.statusCode !== undefined && (type === 'snapshot_exception' || type === 'repository_exception')
  );
}

async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw explain(operation, err);
  }
}

export async function getClusterInfo(client: Client): Promise<ClusterInfo> {
  const { body } = await call('Reading cluster info', () => client.info());
  return {
    name: body.cluster_name,
    uuid: body.cluster_uuid,
    version: body.version.number,
    distribution: body.version.distribution ?? 'elasticsearch',
  };
}

/** The open indices a pattern selects (comma-separated names and wildcards), sorted by name. */
export async function resolveIndices(client: Client, pattern: string): Promise<IndexInfo[]> {
  const response = await client.cat
    .indices({ index: pattern, format: 'json', h: ['index', 'uuid', 'docs.count'], expand_wildcards: 'open' })
    .catch((err: unknown) => {
      const e = err as ResponseErrorLike;
      if (e.meta?.statusCode === 404) return { body: [] as unknown[] };
      throw explain(`Looking up indices "${pattern}"`, err);
    });
  const rows = response.body as { index: string; uuid: string; 'docs.count': string }[];
  return rows
    .map((r) => ({ name: r.index, uuid: r.uuid, docCount: Number(r['docs.count'] ?? 0) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * PUT /_snapshot/<repository>?verify=false: the one method every distribution documents. Elasticsearch
 * 7.x/8.x and OpenSearch 2.x/3.x document PUT and POST (elastic.co/guide/en/elasticsearch/reference/7.x/
 * and .../8.17/put-snapshot-repo-api.html, docs.opensearch.org/2.19/ and .../3.9/api-reference/snapshots/
 * create-repository/); Amazon OpenSearch Service documents PUT only ("send a PUT request to the OpenSearch
 * Service domain endpoint", docs.aws.amazon.com/opensearch-service/latest/developerguide/
 * managedomains-snapshot-registerdirectory.html). The client's createRepository sends POST, hence the plain
 * transport request.
 */
function putS3Repository(client: Client, repository: string, settings: object) {
  return client.transport.request({
    method: 'PUT',
    path: `/_snapshot/${encodeURIComponent(repository)}`,
    querystring: { verify: false },
    body: { type: 's3', settings },
  });
}

export async function registerS3Repository(
  client: Client,
  repository: string,
  settings: S3RepositorySettings,
): Promise<void> {
  await call(`Registering snapshot repository "${repository}"`, () =>
    putS3Repository(client, repository, settings),
  );
}

export async function deleteRepository(client: Client, repository: string): Promise<void> {
  await call(`Removing snapshot repository "${repository}"`, () =>
    client.snapshot.deleteRepository({ repository }, { ignore: [404] }),
  );
}

/**
 * PUT /_snapshot/<repository>/<snapshot>, for the same reason as the repository: OpenSearch documents PUT and
 * POST (docs.opensearch.org/latest/api-reference/snapshots/create-snapshot), Amazon OpenSearch Service shows
 * PUT ("curl -XPUT 'domain-endpoint/_snapshot/repository-name/snapshot-name'",
 * docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-snapshot-create.html), and an IAM
 * policy there grants es:ESHttpPut and es:ESHttpPost separately.
 */
export async function startSnapshot(
  client: Client,
  repository: string,
  snapshot: string,
  indices: string[],
): Promise<void> {
  await call(`Starting snapshot "${snapshot}"`, () =>
    client.transport.request({
      method: 'PUT',
      path: `/_snapshot/${encodeURIComponent(repository)}/${encodeURIComponent(snapshot)}`,
      querystring: { wait_for_completion: false },
      body: {
        indices: indices.join(','),
        include_global_state: false,
        ignore_unavailable: false,
        partial: false,
      },
    }),
  ).catch((err: ClusterRequestError) => {
    // A retried start finds its own snapshot already there: that is success, not a conflict.
    if (/invalid_snapshot_name_exception|already exists/i.test(err.message)) return;
    throw err;
  });
}

export async function getSnapshotStatus(
  client: Client,
  repository: string,
  snapshot: string,
): Promise<SnapshotStatus> {
  const response = await client.snapshot.get({ repository, snapshot }).catch((err: unknown) => {
    const e = err as ResponseErrorLike;
    if (e.meta?.statusCode === 404) return undefined;
    throw explain(`Reading snapshot "${snapshot}"`, err);
  });
  const info = response?.body.snapshots?.[0];
  if (!info)
    return { state: 'MISSING', indices: [], shards: { total: 0, failed: 0, successful: 0 }, failures: [] };
  return {
    state: (info.state ?? 'IN_PROGRESS') as SnapshotState,
    uuid: info.uuid,
    indices: info.indices ?? [],
    shards: {
      total: Number(info.shards?.total ?? 0),
      failed: Number(info.shards?.failed ?? 0),
      successful: Number(info.shards?.successful ?? 0),
    },
    failures: (info.failures ?? []).map((f) => `index ${f.index} shard ${f.shard_id}: ${f.reason}`),
    reason: info.reason,
  };
}

export async function deleteSnapshot(client: Client, repository: string, snapshot: string): Promise<void> {
  await call(`Deleting snapshot "${snapshot}"`, () =>
    client.snapshot.delete({ repository, snapshot }, { ignore: [404] }),
  );
}

export async function registerReadonlyS3Repository(
  client: Client,
  repository: string,
  settings: S3RepositorySettings,
): Promise<void> {
  await call(`Registering read-only repository "${repository}"`, () =>
    putS3Repository(client, repository, { ...settings, readonly: true }),
  );
}

/** Start restoring `indices` of a snapshot as `<renamePrefix><name>` (without waiting). */
export async function startRestore(
  client: Client,
  repository: string,
  snapshot: string,
  indices: string[],
  renamePrefix: string,
): Promise<void> {
  await call(`Restoring snapshot "${snapshot}"`, () =>
    client.snapshot.restore({
      repository,
      snapshot,
      wait_for_completion: false,
      body: {
        indices: indices.join(','),
        include_global_state: false,
        rename_pattern: '(.+)',
        rename_replacement: `${renamePrefix}$1`,
        include_aliases: false,
      },
    }),
  );
}

/** Whether every shard of the given indices has finished recovering from the snapshot. */
export async function restoreFinished(
  client: Client,
  indices: string[],
): Promise<{ done: boolean; shards: number; doneShards: number; pending: string[] }> {
  const { body } = await call('Reading restore progress', () =>
    client.indices.recovery({ index: indices.join(',') }),
  );
  const shards = Object.entries(body as Record<string, { shards: { id?: number; stage: string }[] }>).flatMap(
    ([index, i]) => i.shards.map((s) => ({ index, ...s })),
  );
  const pending = shards
    .filter((s) => s.stage !== 'DONE')
    .map((s) => `${s.index} shard ${s.id ?? '?'} (${s.stage})`);
  const doneShards = shards.length - pending.length;
  return { done: shards.length > 0 && pending.length === 0, shards: shards.length, doneShards, pending };
}

export async function countDocuments(client: Client, index: string): Promise<number> {
  await call(`Refreshing ${index}`, () => client.indices.refresh({ index }));
  const { body } = await call(`Counting documents of ${index}`, () => client.count({ index }));
  return body.count;
}

/**
 * GET <index>/_stats/docs?level=shards: each primary shard's last commit (`commit.generation`,
 * `commit.num_docs`, the live documents of that commit, soft deletes excluded), sorted by shard number.
 */
export async function primaryShardCommits(client: Client, index: string): Promise<ShardCommit[]> {
  const { body } = await call(`Reading shard commits of ${index}`, () =>
    client.indices.stats({ index, metric: 'docs', level: 'shards' }),
  );
  type Copy = { routing?: { primary?: boolean }; commit?: { generation?: number; num_docs?: number } };
  const shards = (body as { indices?: Record<string, { shards?: Record<string, Copy[]> }> }).indices?.[index]
    ?.shards;
  return Object.entries(shards ?? {})
    .flatMap(([shard, copies]) =>
      copies
        .filter((c) => c.routing?.primary && c.commit)
        .map((c) => ({
          shard: Number(shard),
          generation: Number(c.commit?.generation),
          numDocs: Number(c.commit?.num_docs),
        })),
    )
    .sort((a, b) => a.shard - b.shard);
}

/**
 * Deletes indices by their names. Patterns (`drill-abc-*`) are first resolved to the names they match:
 * Elasticsearch 8+ refuses wildcard deletes by default (`action.destructive_requires_name: true`).
 */
export async function deleteIndices(client: Client, indices: string[]): Promise<void> {
  const names: string[] = [];
  for (const index of indices) {
    if (!index.includes('*')) names.push(index);
    else names.push(...(await matchingIndexNames(client, index)));
  }
  if (names.length === 0) return;
  await call(`Deleting ${names.join(', ')}`, () =>
    client.indices.delete({ index: names.join(',') }, { ignore: [404] }),
  );
}

/** Every index a pattern matches, open or closed. */
async function matchingIndexNames(client: Client, pattern: string): Promise<string[]> {
  const response = await client.cat
    .indices({ index: pattern, format: 'json', h: ['index'], expand_wildcards: 'all' })
    .catch((err: unknown) => {
      const e = err as ResponseErrorLike;
      if (e.meta?.statusCode === 404) return { body: [] as unknown[] };
      throw explain(`Looking up indices "${pattern}"`, err);
    });
  return (response.body as { index: string }[]).map((r) => r.index);
}
