// The Schedule's workflow: derives "yesterday" from the scheduled start time (never from the wall clock at a
// retry, so retries and backfills archive the right day) and runs the archive as a child whose id is the
// archive id, so a scheduled and an ad hoc run of the same day are one archive.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { executeChild, workflowInfo, ParentClosePolicy } from '@temporalio/workflow';
import { calendarDateIn } from '../archive/archive-date';
import type { ArchiveResult } from '../archive/archive-types';
import { archiveSnapshot } from './archive-snapshot';
import { deploymentQueues, quickActivities } from './activity-options';
import { archiveRunSummary } from './run-details';

// Set by the Temporal server on every workflow a Schedule starts.
const TEMPORAL_SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface DailyArchiveInput {
  /** Time zone in which "yesterday" is reckoned (the Schedule's). */
  timeZone: string;
  /** Index selection; default: the worker's SNAPSEAL_INDEX_TEMPLATE filled with the date. */
  indices?: string;
  /** Ignored (Schedules made by older versions froze the client's template here); the worker's template decides. */
  indexTemplate?: string;
  /** How many days back from the scheduled day (1: yesterday). */
  daysBack?: number;
}

export async function dailyArchive(input: DailyArchiveInput): Promise<ArchiveResult> {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME) ?? info.startTime;
  const date = calendarDateIn(scheduled, input.timeZone, input.daysBack ?? 1);
  // The worker computes the ids with its own template, as prepareArchive and `snapseal archive` do, so a
  // scheduled and an ad hoc run of the same day are one workflow.
  const request = { date, indices: input.indices };
  const { workflowId, indexPattern } = await quickActivities(deploymentQueues().archive).resolveArchive(
    request,
  );
  return executeChild(archiveSnapshot, {
    workflowId,
    args: [request],
    staticSummary: archiveRunSummary(date, indexPattern, 'daily Schedule'),
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}
