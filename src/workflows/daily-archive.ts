// The Schedule's workflow: derives "yesterday" from the scheduled start time (never from the wall clock at a
// retry, so retries and backfills archive the right day), waits with a durable timer until that day has settled
// (its end plus the worker's SNAPSEAL_DAY_SETTLE_MINUTES: a Schedule firing at 00:10 must not seal a day whose
// last documents are still arriving), and runs the archive as a child whose id is the archive id, so a scheduled
// and an ad hoc run of the same day are one archive.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  executeChild,
  log,
  ParentClosePolicy,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { calendarDateIn } from '../archive/archive-date';
import type { ArchiveResult } from '../archive/archive-types';
import type { ResolvedArchive } from '../activities/prepare-archive';
import { archiveSnapshot } from './archive-snapshot';
import { deploymentQueues, quickActivities } from './activity-options';
import { archiveRunSummary } from './run-details';
import { ARCHIVE_DATE, STAGE } from './search-attributes';

// Set by the Temporal server on every workflow a Schedule starts.
const TEMPORAL_SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** The stage (SnapsealStage) of a daily run waiting for its day to settle. */
export const SETTLING_STAGE = 'settling';

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
  // scheduled and an ad hoc run of the same day are one workflow; and the settle time with its own setting.
  const request = { date, indices: input.indices };
  const resolved = await quickActivities(deploymentQueues().archive).resolveArchive(request, input.timeZone);
  await untilDaySettled(date, input.timeZone, resolved);
  return executeChild(archiveSnapshot, {
    workflowId: resolved.workflowId,
    args: [request],
    staticSummary: archiveRunSummary(date, resolved.indexPattern, 'daily Schedule'),
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

/**
 * A durable timer until the day has settled, shown as such: stage "settling", the run's details saying until
 * when and why, and the timer's own summary. Histories recorded before the settle time have no `settledAt`.
 */
async function untilDaySettled(date: string, timeZone: string, resolved: ResolvedArchive): Promise<void> {
  if (resolved.settledAt === undefined) return;
  const waitMs = Date.parse(resolved.settledAt) - Date.now(); // workflow time: replays wait the same
  if (waitMs <= 0) return;
  const why =
    `the day ${date} (${timeZone}) settles at ${resolved.settledAt}: its end plus ${resolved.settleMinutes ?? '?'} ` +
    'minutes (SNAPSEAL_DAY_SETTLE_MINUTES) for late documents';
  upsertSearchAttributes([
    { key: ARCHIVE_DATE, value: date },
    { key: STAGE, value: SETTLING_STAGE },
  ]);
  setCurrentDetails(
    `**${SETTLING_STAGE}** until ${resolved.settledAt}\n${why}; then archive ${resolved.archiveId}`,
  );
  log.info('Waiting for the day to settle before archiving it', {
    date,
    settledAt: resolved.settledAt,
    archiveId: resolved.archiveId,
  });
  await sleep(waitMs, { summary: `settle: ${why}` });
  upsertSearchAttributes([{ key: STAGE, value: 'archiving' }]);
  setCurrentDetails(`**archiving** ${resolved.archiveId} (settled at ${resolved.settledAt})`);
}
