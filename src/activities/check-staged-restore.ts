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

/**
 * The staged folder's problems against what was written and verified (empty: the cluster read exactly those
 * bytes). The repository is removed first: nothing reads the folder once it has been looked at.
 */
export async function stagedRestoreProblems(
  { config, s3, opensearch, buckets }: ActivityDeps,
  plan: RestorePlan,
  staged: StagedVolume[],
): Promise<{ problems: StagedObjectProblem[]; objects: number }> {
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
  return { problems: checkStagedHistories(histories, volumes), objects: histories.length };
}

/** The run's failure when the staged folder changed: the restored indices are deleted first. */
export async function failTamperedRestore(
  { opensearch, buckets }: ActivityDeps,
  plan: RestorePlan,
  problems: StagedObjectProblem[],
): Promise<never> {
  const restored = plan.indices.map((i) => i.restoredAs);
  await deleteIndices(opensearch, restored);
  const named = problems.slice(0, NAMED).map((p) => describe(buckets.staging.url(''), p));
  const more = problems.length > NAMED ? ` and ${problems.length - NAMED} more` : '';
  throw permanentFailure(
    FailureType.ArchiveTampered,
    `The staged restore of ${plan.archiveId} changed after it was verified: ${named.join('; ')}${more}. The cluster may have restored bytes that were never checked, so the restored indices (${restored.join(', ')}) were deleted; nothing was restored`,
  );
}

export function createCheckStagedRestore(deps: ActivityDeps) {
  return async function checkStagedRestore(
    plan: RestorePlan,
    staged: StagedVolume[],
  ): Promise<{ objects: number }> {
    const { problems, objects } = await stagedRestoreProblems(deps, plan, staged);
    if (problems.length === 0) return { objects };
    return failTamperedRestore(deps, plan, problems);
  };
}

function describe(bucketUrl: string, p: StagedObjectProblem): string {
  if (p.key) return `${bucketUrl}${p.key} ${p.problem}`;
  return `volume ${p.volume} ${p.problem}`;
}
