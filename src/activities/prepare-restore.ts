// Checks a restore before any side effect: the manifest is authentic, the chosen indices are in it, the
// target cluster can read the snapshot, and no index would be overwritten.
import { archiveLayout } from '../archive/archive-layout';
import { ManifestUnreadableError, readSealedManifest } from '../archive/read-sealed-manifest';
import { getClusterInfo, resolveIndices } from '../opensearch/snapshot-api';
import { verifyManifestSignature, type ArchiveManifest } from '../pipeline/manifest';
import { checkRestoreInput } from '../restore/restore-input';
import type { RestorePlan, RestoreRequest } from '../restore/restore-types';
import { readText } from '../s3/s3-objects';
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

export function createPrepareRestore({ config, s3, opensearch, keys }: ActivityDeps) {
  return async function prepareRestore(request: RestoreRequest, runTag: string): Promise<RestorePlan> {
    try {
      checkRestoreInput(request);
    } catch (err) {
      throw permanentFailure(FailureType.InvalidInput, (err as Error).message, err);
    }
    const layout = archiveLayout(config.archive.prefix, request.archiveId);
    const { manifest, text } = await readSealedManifest(s3, config.archive.bucket, layout.manifestKey).catch(
      (err: unknown) => {
        // A missing or malformed manifest is the request's problem; a timeout or an outage is retried, and
        // denied access fails at the activity boundary (failPermanentS3Errors) with the request it concerns.
        if (
          err instanceof ManifestUnreadableError &&
          (err.problem === 'missing' || err.problem === 'malformed')
        )
          throw permanentFailure(FailureType.InvalidInput, err.message, err);
        throw err;
      },
    );
    const signature = await readText(s3, config.archive.bucket, layout.signatureKey);
    try {
      if (signature === undefined) throw new Error('its signature is missing');
      await verifyManifestSignature(Buffer.from(text, 'utf8'), signature, keys.verify);
    } catch (err) {
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `Archive ${request.archiveId} is not authentic (${(err as Error).message}); nothing was restored`,
        err,
      );
    }
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
      .map((i) => ({ name: i.name, restoredAs: `${request.renamePrefix}${i.name}`, docCount: i.docCount }));
    for (const { restoredAs } of indices) {
      if ((await resolveIndices(opensearch, restoredAs)).length > 0) {
        throw permanentFailure(
          FailureType.InvalidInput,
          `Index ${restoredAs} exists already; choose another --rename-prefix or delete it`,
        );
      }
    }
    return {
      archiveId: request.archiveId,
      snapshot: manifest.snapshot.name,
      repository: `snapseal-restore-${runTag}`,
      repositoryBasePath: `${config.staging.prefix}restore/${request.archiveId}/${runTag}/repository`,
      volumes: manifest.volumes.map((v) => v.index),
      indices,
      renamePrefix: request.renamePrefix,
    };
  };
}
