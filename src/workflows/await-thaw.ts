// Waits, durably and for hours if need be, until every object of an archive is readable: requests thaws,
// then polls with backoff. The Temporal UI shows how many objects are still thawing.
import { defineQuery, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ThawRequest } from '../activities/thaw-archive';
import { thawingActivities } from './activity-options';
import { STAGE } from './search-attributes';

const { thawArchive } = thawingActivities();

export interface ThawOptions extends ThawRequest {
  /** First wait between polls, and the longest (ms); S3 thaws take minutes (Expedited) to 48 hours (Bulk). */
  firstPollMs?: number;
  maxPollMs?: number;
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
    upsertSearchAttributes([
      { key: STAGE, value: `thawing ${status.thawing.length} of ${status.objects} objects` },
    ]);
    await sleep(delay);
    delay = Math.min(delay * 2, maxDelay);
  }
}
