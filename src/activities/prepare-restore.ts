// Checks a restore before any side effect: the manifest is authentic, the chosen indices are in it, the
// target cluster can read the snapshot, no index would be overwritten, and the staging bucket keeps versions
// (what proves, after the restore, that the cluster read only what was verified).
import { authenticateManifest, manifestStore, ManifestNotAuthentic } from '../archive/authenticated-manifest';
import { getClusterInfo, resolveIndices } from '../opensearch/snapshot-api';
import type { ArchiveManifest } from '../pipeline/manifest';
import { checkRestoreInput } from '../restore/restore-input';
import type { RestorePlan, RestoreRequest } from '../restore/restore-types';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

const major = (version: string): number => Number.parseInt(version.split('.')[0] ?? '0', 10);

/** OpenSearch reads snapshots of its own and the previous major version (and Elasticsearch 7.x from 1.x/2.x). */
export function snapshotReadable(
  source: ArchiveManifest['cluster'],
  target: { distribution: string; version: string },
): boolean {
  const [s, t] = [major(source.version), major(target.version)];
  if (source.distribution === target.distribution) return t === s || t === s + 1;
  if (source.distribution === 'elasticsearch' && target.distribution === 'opensearch')
    return s <= 7 && t <= 2;
  return false;
}

export function createPrepareRestore({ config, s3, opensearch, keys, buckets }: ActivityDeps) {
  return async function prepareRestore(request: RestoreRequest, runTag: string): Promise<RestorePlan> {
    try {
      checkRestoreInput(request);
    } catch (err) {
      throw permanentFailure(FailureType.InvalidInput, (err as Error).message, err);
    }
    let authentic;
    try {
      authentic = await authenticateManifest(manifestStore(config, s3, keys.verify), request.archiveId);
    } catch (err) {
      if (!(err instanceof ManifestNotAuthentic)) throw err; // S3 unreachable: retried
      throw permanentFailure(
        err.missing ? FailureType.InvalidInput : FailureType.ArchiveTampered,
        err.missing
          ? err.message
          : `Archive ${request.archiveId} is not authentic (${err.message}); nothing was restored`,
        err,
      );
    }
    const { manifest } = authentic;
    const wanted = request.indices ?? manifest.indices.map((i) => i.name);
    const unknown = wanted.filter((name) => !manifest.indices.some((i) => i.name === name));
    if (unknown.length > 0) {
      throw permanentFailure(
        FailureType.InvalidInput,
        `Archive ${request.archiveId} holds ${manifest.indices.map((i) => i.name).join(', ')}; not ${unknown.join(', ')}`,
      );
    }
    const cluster = await getClusterInfo(opensearch);
    if (!snapshotReadable(manifest.cluster, cluster)) {
      throw permanentFailure(
        FailureType.ClusterRejected,
        `The target cluster (${cluster.distribution} ${cluster.version}) cannot read a snapshot written by ${manifest.cluster.distribution} ${manifest.cluster.version}; restore into a cluster of the same or the next major version`,
      );
    }
    const indices = manifest.indices
      .filter((i) => wanted.includes(i.name))
      .map((i) => ({
        name: i.name,
        restoredAs: `${request.renamePrefix}${i.name}`,
        docCount: i.docCount,
        docCountSource: i.docCountSource,
      }));
    for (const { restoredAs } of indices) {
      if ((await resolveIndices(opensearch, restoredAs)).length > 0) {
        throw permanentFailure(
          FailureType.InvalidInput,
          `Index ${restoredAs} exists already; choose another --rename-prefix or delete it`,
        );
      }
    }
    const versioning = await buckets.staging.versioning();
    if (versioning !== 'Enabled') {
      throw permanentFailure(
        FailureType.BucketUnusable,
        `The staging bucket "${buckets.staging.name}" (SNAPSEAL_STAGING_BUCKET) has versioning ${versioning}: a restore needs it Enabled, to prove afterwards that the cluster read only the objects it verified. Run \`snapseal setup\` (it enables versioning on the staging bucket); nothing was restored`,
      );
    }
    return {
      archiveId: request.archiveId,
      manifest: authentic.ref,
      snapshot: manifest.snapshot.name,
      repository: `snapseal-restore-${runTag}`,
      repositoryBasePath: `${config.staging.prefix}restore/${request.archiveId}/${runTag}/repository`,
      volumes: manifest.volumes.map((v) => v.index),
      indices,
      renamePrefix: request.renamePrefix,
    };
  };
}
