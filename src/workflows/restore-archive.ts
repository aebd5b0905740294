// The restore workflow: check the archive → unpack every volume, verified, into a fresh staging folder →
// register it read-only (only once every volume passed) → restore under new names → wait → compare document
// counts with the manifest → clean up the staging repository. Restored indices stay.
import {
  ApplicationFailure,
  CancellationScope,
  log,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { checkRestoreInput } from '../restore/restore-input';
import { runTag } from './run-tag';
import {
  cleanupActivities,
  deploymentQueues,
  quickActivities,
  streamingActivities,
} from './activity-options';
import type { RestoreRequest, RestoreResult } from '../restore/restore-types';
import { awaitThaw } from './await-thaw';
import { ARCHIVE_ID, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from './search-attributes';

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
  const cleanup = cleanupActivities(restore);
  const stage = (name: string): void => upsertSearchAttributes([{ key: STAGE, value: name }]);
  upsertSearchAttributes([{ key: ARCHIVE_ID, value: request.archiveId }]);
  stage('restore-thawing');
  // Archives in Glacier / Deep Archive are thawed first; on warm storage this is one quick look.
  await awaitThaw({ archiveId: request.archiveId, tier: request.thawTier ?? 'Standard', days: 7 });
  stage('restore-preparing');
  const plan = await quick.prepareRestore(request, runTag());
  upsertSearchAttributes([{ key: VOLUMES_TOTAL, value: plan.volumes.length }]);
  try {
    stage('restore-unpacking');
    let done = 0;
    for (const index of plan.volumes) {
      await streaming.stageRestoreVolume(plan, index);
      upsertSearchAttributes([{ key: VOLUMES_DONE, value: (done += 1) }]);
    }
    stage('restore-restoring');
    await quick.startRestoreFromArchive(plan);
    let delayMs = 1000;
    while (!(await quick.checkRestore(plan)).done) {
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 60_000);
    }
    stage('restore-comparing');
    const result = await quick.compareRestoredCounts(plan);
    stage('restored');
    return result;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      try {
        log.info('Restore staging cleaned up', { ...(await cleanup.cleanUpRestore(plan)) });
      } catch (err) {
        log.error('Restore cleanup failed; staged objects may remain', { error: String(err) });
      }
    });
  }
}
