// The restore drill (off unless scheduled): restore the newest archive under a throw-away prefix, check the
// document counts, delete the restored indices, and record the outcome, as AWS Backup restore testing does.
// The restored indices are deleted whatever happens, a cancelled drill included (non-cancellable cleanup).
import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  log,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { runTag } from './run-tag';
import { cleanupRoundActivities, deploymentQueues, quickActivities } from './activity-options';
import type { RestoreResult } from '../restore/restore-types';
import { cleanUpUntilDone, messageChain } from './clean-up-until-done';
import { restoreArchive } from './restore-archive';
import { ARCHIVE_ID, STAGE } from './search-attributes';

export interface DrillOutcome {
  archiveId?: string;
  passed: boolean;
  restored?: RestoreResult;
  /** Why the drill failed: every message down the cause chain, with the failure types. */
  failure?: string;
  /** The type of the failure that decided it (e.g. RestoreMismatch, ArchiveTampered), when it had one. */
  failureType?: string;
}

export async function restoreDrill(): Promise<DrillOutcome> {
  const queues = deploymentQueues();
  const quick = quickActivities(queues.restore);
  const cleanup = cleanupRoundActivities(queues.restore);
  const archiveId = await quick.latestArchiveId();
  if (!archiveId) {
    upsertSearchAttributes([{ key: STAGE, value: 'drill-nothing-to-restore' }]);
    return { passed: false, failure: 'no sealed archive yet' };
  }
  upsertSearchAttributes([{ key: ARCHIVE_ID, value: archiveId }]);
  const prefix = `drill-${runTag(8)}-`;
  let outcome: DrillOutcome | undefined;
  try {
    const restored = await executeChild(restoreArchive, {
      workflowId: `${workflowInfo().workflowId}/restore`,
      taskQueue: queues.restore,
      args: [{ archiveId, renamePrefix: prefix }],
    });
    outcome = { archiveId, passed: true, restored };
  } catch (err) {
    if (isCancellation(err)) {
      upsertSearchAttributes([{ key: STAGE, value: 'drill-cancelled' }]);
      throw err; // cancelled: the indices are deleted below all the same
    }
    outcome = { archiveId, passed: false, failure: messageChain(err), failureType: decidingType(err) };
    log.error('Restore drill failed', { archiveId, failure: outcome.failure });
  } finally {
    // The drill's indices are throw-away, whether the drill passed, failed or was cancelled.
    const names = outcome?.restored?.indices.map((i) => i.restoredAs) ?? [`${prefix}*`];
    await CancellationScope.nonCancellable(() =>
      cleanUpUntilDone('Deleting the drill indices', () => cleanup.deleteRestoredIndices(names)),
    );
  }
  upsertSearchAttributes([{ key: STAGE, value: outcome.passed ? 'drill-passed' : 'drill-failed' }]);
  return outcome;
}

/** The innermost ApplicationFailure's type: the reason, not the wrapper (ChildWorkflowFailure, ActivityFailure). */
function decidingType(err: unknown): string | undefined {
  let type: string | undefined;
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 8; i++, e = e.cause as typeof e) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
  }
  return type;
}
