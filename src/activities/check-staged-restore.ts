// After the cluster's restore: the staged folder must still hold exactly the versions snapseal wrote and
// verified (restore/staged-objects.ts). Otherwise the cluster may have read bytes nobody checked: the restored
// indices are deleted and the run fails (ArchiveTampered) naming each object.
import { deleteIndices, deleteRepository } from '../opensearch/snapshot-api';
import {
  checkStagedHistories,
  stagedKey,
  type StagedObjectProblem,
  type StagedVolume,
} from '../restore/staged-objects';
import type { RestorePlan } from '../restore/restore-types';
import type { ActivityDeps } from './activity-deps';
import { authenticatedManifest } from './authenticated-manifest-read';
import { FailureType, permanentFailure } from './failure-types';

const NAMED = 10;

export function createCheckStagedRestore({ config, s3, opensearch, buckets }: ActivityDeps) {
  return async function checkStagedRestore(
    plan: RestorePlan,
    staged: StagedVolume[],
  ): Promise<{ objects: number }> {
    // Nothing reads the folder once it has been looked at: the repository goes first.
    await deleteRepository(opensearch, plan.repository);
    const manifest = await authenticatedManifest(s3, config.archive.bucket, plan.manifest);
    const volumes = manifest.volumes
      .filter((v) => plan.volumes.includes(v.index))
      .map((v) => ({
        volume: v.index,
        keys: v.files.map((f) => stagedKey(plan, f.path)),
        staged: staged.find((s) => s.volume === v.index),
      }));
    const histories = await buckets.staging.histories(`${plan.repositoryBasePath}/`);
    const problems = checkStagedHistories(histories, volumes);
    if (problems.length === 0) return { objects: histories.length };
    const restored = plan.indices.map((i) => i.restoredAs);
    await deleteIndices(opensearch, restored);
    const named = problems.slice(0, NAMED).map((p) => describe(buckets.staging.url(''), p));
    const more = problems.length > NAMED ? ` and ${problems.length - NAMED} more` : '';
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `The staged restore of ${plan.archiveId} changed after it was verified: ${named.join('; ')}${more}. The cluster may have restored bytes that were never checked, so the restored indices (${restored.join(', ')}) were deleted; nothing was restored`,
    );
  };
}

function describe(bucketUrl: string, p: StagedObjectProblem): string {
  if (p.key) return `${bucketUrl}${p.key} ${p.problem}`;
  return `volume ${p.volume} ${p.problem}`;
}
