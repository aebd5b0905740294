// The restore drill (off unless scheduled): restore the newest archive under a throw-away prefix, check the
// document counts, delete the restored indices, and record the outcome, as AWS Backup restore testing does.
import { executeChild, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { runTag } from './run-tag';
import type { createActivities } from '../activities';
import type { RestoreResult } from '../restore/restore-types';
import { deploymentQueues } from './activity-options';
import { restoreArchive } from './restore-archive';
import { ARCHIVE_ID, STAGE } from './search-attributes';

type Activities = ReturnType<typeof createActivities>;

const drillActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '5 minutes',
    retry: {
      initialInterval: '5s',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts: 20,
    },
  });

export interface DrillOutcome {
  archiveId?: string;
  passed: boolean;
  restored?: RestoreResult;
  failure?: string;
}

export async function restoreDrill(): Promise<DrillOutcome> {
  const queues = deploymentQueues();
  const acts = drillActivities(queues.restore);
  const archiveId = await acts.latestArchiveId();
  if (!archiveId) {
    upsertSearchAttributes([{ key: STAGE, value: 'drill-nothing-to-restore' }]);
    return { passed: false, failure: 'no sealed archive yet' };
  }
  upsertSearchAttributes([{ key: ARCHIVE_ID, value: archiveId }]);
  const prefix = `drill-${runTag(8)}-`;
  let outcome: DrillOutcome;
  try {
    const restored = await executeChild(restoreArchive, {
      workflowId: `${workflowInfo().workflowId}/restore`,
      taskQueue: queues.restore,
      args: [{ archiveId, renamePrefix: prefix }],
    });
    outcome = { archiveId, passed: true, restored };
  } catch (err) {
    outcome = { archiveId, passed: false, failure: String((err as Error).cause ?? err) };
  }
  // The drill's indices are throw-away, whether or not the drill passed.
  await acts.deleteRestoredIndices(outcome.restored?.indices.map((i) => i.restoredAs) ?? [`${prefix}*`]);
  upsertSearchAttributes([{ key: STAGE, value: outcome.passed ? 'drill-passed' : 'drill-failed' }]);
  return outcome;
}
