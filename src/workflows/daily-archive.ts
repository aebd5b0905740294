// The Schedule's workflow: derives "yesterday" from the scheduled start time (never from the wall clock at a
// retry, so retries and backfills archive the right day) and runs the archive as a child whose id is the
// archive id, so a scheduled and an ad hoc run of the same day are one archive.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { executeChild, workflowInfo, ParentClosePolicy } from '@temporalio/workflow';
import { calendarDateIn, indicesForDate } from '../archive/archive-date';
import type { ArchiveResult } from '../archive/archive-types';
import { archiveSnapshot } from './archive-snapshot';
import { archiveWorkflowId } from './workflow-ids';

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
  /** The client's SNAPSEAL_INDEX_TEMPLATE when the Schedule was made: names the child run like `snapseal archive` does. */
  indexTemplate?: string;
  /** How many days back from the scheduled day (1: yesterday). */
  daysBack?: number;
  /**
   * The task queue that names the child run (default: this workflow's). Recorded in the input so the child's id
   * never depends on the worker that replays this history (a replay worker runs on a task queue of its own).
   */
  taskQueue?: string;
}

export async function dailyArchive(input: DailyArchiveInput): Promise<ArchiveResult> {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME) ?? info.startTime;
  const date = calendarDateIn(scheduled, input.timeZone, input.daysBack ?? 1);
  return executeChild(archiveSnapshot, {
    workflowId: archiveWorkflowId(
      input.taskQueue ?? info.taskQueue,
      date,
      input.indices ?? (input.indexTemplate ? indicesForDate(input.indexTemplate, date) : undefined),
    ),
    args: [{ date, indices: input.indices }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}
