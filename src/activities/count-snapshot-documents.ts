// Reads, right after the snapshot succeeded, how many documents the snapshot holds per index: the live
// documents of each primary shard's Lucene commit, taken only when that commit is the one the snapshot copied.
// The repository's blobs are read as the cluster wrote them (the staging adapter checks their version
// histories and reads exactly the version each names): one deleted or written over fails the run as
// ArchiveTampered.
import type { ArchiveTarget } from '../archive/archive-types';
import {
  ClusterRequestError,
  primaryShardCommits,
  type IndexInfo,
  type ShardCommit,
} from '../opensearch/snapshot-api';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

/** The repository's root index-N (RepositoryData, JSON): index name → the id its shard folders are named by. */
interface RepositoryData {
  indices?: Record<string, { id?: string }>;
}

/**
 * The generation of the segments_N file a shard snapshot copied, read from its metadata blob
 * (indices/<id>/<shard>/snap-<uuid>.dat, uncompressed SMILE: the physical file names appear as plain ASCII).
 * Undefined when the blob is missing or names not exactly one segments_N.
 */
export function snapshotCommitGeneration(blob: Uint8Array): number | undefined {
  const names = new Set(
    Buffer.from(blob)
      .toString('latin1')
      .match(/segments_[0-9a-z]+/g) ?? [],
  );
  if (names.size !== 1) return undefined;
  const [name] = [...names];
  return parseInt(name!.slice('segments_'.length), 36);
}

/**
 * The snapshot's count of an index when every primary's last commit is the snapshot's commit (same segments_N
 * generation); undefined when a shard flushed since (its commit no longer shows what the snapshot holds).
 */
export function snapshotDocCount(
  commits: ShardCommit[],
  snapshotGenerations: Map<number, number | undefined>,
): number | undefined {
  if (commits.length === 0 || commits.length !== snapshotGenerations.size) return undefined;
  let total = 0;
  for (const c of commits) {
    if (snapshotGenerations.get(c.shard) !== c.generation || !Number.isFinite(c.numDocs)) return undefined;
    total += c.numDocs;
  }
  return total;
}

export function createCountSnapshotDocuments({ opensearch, buckets }: ActivityDeps) {
  return async function countSnapshotDocuments(
    target: ArchiveTarget,
    snapshotUuid: string,
    indices: IndexInfo[],
  ): Promise<IndexInfo[]> {
    const base = target.folders.repositoryBasePath;
    const blobs = new Map((await buckets.staging.snapshotRepository(base)).map((b) => [b.key, b]));
    const readBytes = async (key: string): Promise<Uint8Array | undefined> => {
      const blob = blobs.get(key);
      return blob && (await buckets.staging.readRepositoryBlob(base, blob));
    };
    const generations = [...blobs.keys()]
      .map((key) => /^index-(\d+)$/.exec(key)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    const latest = generations.length ? Math.max(...generations) : undefined;
    const bytes = latest === undefined ? undefined : await readBytes(`index-${latest}`);
    const repository = bytes
      ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as RepositoryData)
      : undefined;
    const counted: IndexInfo[] = [];
    for (const index of indices) {
      let commits: ShardCommit[];
      try {
        commits = await primaryShardCommits(opensearch, index.name);
      } catch (err) {
        if (err instanceof ClusterRequestError && err.permanent)
          throw permanentFailure(FailureType.ClusterRejected, err.message, err);
        throw err;
      }
      const id = repository?.indices?.[index.name]?.id;
      const snapshotGenerations = new Map<number, number | undefined>();
      for (const c of id ? commits : []) {
        const blob = await readBytes(`indices/${id}/${c.shard}/snap-${snapshotUuid}.dat`);
        snapshotGenerations.set(c.shard, blob ? snapshotCommitGeneration(blob) : undefined);
      }
      const docCount = snapshotDocCount(commits, snapshotGenerations);
      counted.push(
        docCount === undefined
          ? { ...index, docCountSource: 'before-snapshot' }
          : { ...index, docCount, docCountSource: 'snapshot-commit' },
      );
    }
    return counted;
  };
}
