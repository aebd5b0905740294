// Waits, durably and for hours if need be, until every object of an archive is readable: requests thaws,
// then polls with backoff. The Temporal UI (and the CLI following the run) shows how many objects are still
// thawing and how many are ready.
import { defineQuery, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ThawRequest, ThawStatus } from '../activities/thaw-archive';
import { thawingActivities } from './activity-options';
import { STAGE } from './search-attributes';

const { thawArchive } = thawingActivities();

export interface ThawOptions extends ThawRequest {
  /** First wait between polls, and the longest (ms); S3 thaws take minutes (Expedited) to 48 hours (Bulk). */
  firstPollMs?: number;
  maxPollMs?: number;
}

/** The stage while objects thaw: `thawing 2 objects, 1 of 3 ready` (ready: readable now, thawed or never cold). */
export function thawStage(status: Pick<ThawStatus, 'objects' | 'thawing'>): string {
  const thawing = status.thawing.length;
  return `thawing ${thawing} object${thawing === 1 ? '' : 's'}, ${status.objects - thawing} of ${status.objects} ready`;
}

/** The keys still thawing, for the Temporal UI's Queries tab (`thawingObjects`). */
export const thawingObjectsQuery = defineQuery<string[]>('thawingObjects');

export async function awaitThaw(options: ThawOptions): Promise<{ polls: number; requested: number }> {
  let delay = options.firstPollMs ?? 60_000;
  const maxDelay = options.maxPollMs ?? 30 * 60_000;
  let requested = 0;
  let thawing: string[] = [];
  setHandler(thawingObjectsQuery, () => thawing);
  for (let polls = 1; ; polls++) {
    const status = await thawArchive({
      archiveId: options.archiveId,
      tier: options.tier,
      days: options.days,
    });
    requested += status.requested.length;
    thawing = status.thawing;
    if (status.thawing.length === 0) return { polls, requested };
    upsertSearchAttributes([{ key: STAGE, value: thawStage(status) }]);
    await sleep(delay);
    delay = Math.min(delay * 2, maxDelay);
  }
}
