// The restore workflow: check the archive → unpack every volume, verified, into a fresh staging folder →
// register it read-only (only once every volume passed) → restore under new names → wait (at most
// RESTORE_WAIT_LIMIT_MS) → check that the staged folder still holds exactly the versions written (else the
// restored indices are deleted) → compare document counts with the manifest → clean up the staging
// repository (retried visibly, within CLEANUP_LIMIT_MS). Restored indices stay.
import {
  ApplicationFailure,
  CancellationScope,
  log,
  patched,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { checkRestoreInput } from '../restore/restore-input';
import { runTag } from './run-tag';
import {
  cleanupRoundActivities,
  deploymentQueues,
  quickActivities,
  streamingActivities,
} from './activity-options';
import { FailureType } from '../failure-types';
import type { RestoreBounds, RestorePlan, RestoreRequest, RestoreResult } from '../restore/restore-types';
import type { StagedVolume } from '../restore/staged-objects';
import { awaitThaw } from './await-thaw';
import { cleanUpUntilDone } from './clean-up-until-done';
import { ARCHIVE_ID, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from './search-attributes';

/** How long the cluster may take to recover the restored shards: 24 hours (a very large restore is slower). */
export const RESTORE_WAIT_LIMIT_MS = 24 * 3600_000;

export async function restoreArchive(request: RestoreRequest): Promise<RestoreResult> {
  try {
    checkRestoreInput(request); // before any side effect, thawing included
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
  }
  // Every step on the restore queue: only restore workers hold the decryption key.
  const { restore } = deploymentQueues();
  const quick = quickActivities(restore);
  const streaming = streamingActivities(restore);
  const cleanup = cleanupRoundActivities(restore);
  const stage = (name: string): void => upsertSearchAttributes([{ key: STAGE, value: name }]);
  upsertSearchAttributes([{ key: ARCHIVE_ID, value: request.archiveId }]);
  stage('restore-thawing');
  // Archives in Glacier / Deep Archive are thawed first; on warm storage this is one quick look.
  await awaitThaw({ archiveId: request.archiveId, tier: request.thawTier ?? 'Standard', days: 7 });
  stage('restore-preparing');
  const plan = await quick.prepareRestore(request, runTag());
  upsertSearchAttributes([{ key: VOLUMES_TOTAL, value: plan.volumes.length }]);
  let result: RestoreResult | undefined;
  try {
    stage('restore-unpacking');
    let done = 0;
    // Each volume's staged versions, as written: what the cluster must have read (one digest per volume).
    const staged: StagedVolume[] = [];
    for (const index of plan.volumes) {
      const volume = await streaming.stageRestoreVolume(plan, index);
      if (volume.staged) staged.push(volume.staged);
      upsertSearchAttributes([{ key: VOLUMES_DONE, value: (done += 1) }]);
    }
    stage('restore-restoring');
    // Given the staged versions, a cluster that cannot read them checks whether they changed (named, not retried).
    if (patched('restore-start-checks-staged-versions')) await quick.startRestoreFromArchive(plan, staged);
    else await quick.startRestoreFromArchive(plan);
    await waitForRestore(plan, quick, request.bounds, staged);
    // Runs from before this check replay without it.
    if (patched('restore-checks-staged-versions')) await quick.checkStagedRestore(plan, staged);
    stage('restore-comparing');
    result = await quick.compareRestoredCounts(plan);
    return result;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      const cleaned = await cleanUpUntilDone(
        'Restore staging cleanup',
        () => cleanup.cleanUpRestore(plan),
        request.bounds?.cleanup,
      );
      if (cleaned) log.info('Restore staging cleaned up', { ...cleaned });
      else
        log.error('Restore staging may remain', {
          bucketPrefix: plan.repositoryBasePath,
          repository: plan.repository,
        });
      // The stage says how the run ended; a cleanup that gave up keeps saying so (cleanup-failed).
      if (cleaned && result) stage('restored');
    });
  }
}

/** Polls recovery with durable timers (1 s doubling to 1 min) until every shard is done, or the limit passes. */
async function waitForRestore(
  plan: RestorePlan,
  quick: ReturnType<typeof quickActivities>,
  bounds: RestoreBounds = {},
  staged: StagedVolume[] = [],
): Promise<void> {
  const limitMs = bounds.restoreWaitLimitMs ?? RESTORE_WAIT_LIMIT_MS;
  const maxDelayMs = bounds.maxPollMs ?? 60_000;
  const started = Date.now();
  let delayMs = bounds.firstPollMs ?? 1000;
  for (;;) {
    const progress = await quick.checkRestore(plan);
    if (progress.done) return;
    if (Date.now() - started > limitMs) {
      // Runs that timed out before this stage existed replay without it.
      if (patched('restore-timed-out-stage')) {
        upsertSearchAttributes([{ key: STAGE, value: 'restore-timed-out' }]);
      }
      // A recovery that never ends may be reading bytes that changed after staging: that, by name, first.
      if (patched('restore-timed-out-checks-staged-versions')) await quick.checkStagedRestore(plan, staged);
      const still = progress.pending?.length
        ? `still recovering: ${progress.pending.join(', ')}`
        : `${progress.doneShards} of ${progress.shards} shards done`;
      throw ApplicationFailure.nonRetryable(
        `The cluster has not finished restoring ${plan.indices.map((i) => i.restoredAs).join(', ')} after ${formatDuration(limitMs)} (${still}); the partly restored indices stay: delete them, or check the cluster's recovery (GET _recovery) and restore again`,
        FailureType.RestoreTimedOut,
      );
    }
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}

function formatDuration(ms: number): string {
  return ms >= 3600_000 ? `${ms / 3600_000} hours` : `${Math.round(ms / 1000)} s`;
}
