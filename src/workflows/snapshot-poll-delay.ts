// How long the archive workflow waits before it looks at a running snapshot again: a tenth of the time the
// snapshot has run so far, at least a second and at most a minute, so the look that sees it finished comes at
// most about 10% after its end (a second for short ones, a minute for those over ten minutes).

export const SNAPSHOT_POLL_MIN_MS = 1000;
export const SNAPSHOT_POLL_MAX_MS = 60_000;
/** The share of the elapsed time waited: the bound on how late, relative to the snapshot's own time, a poll lands. */
export const SNAPSHOT_POLL_FRACTION = 0.1;

/** The wait before the next look at a snapshot that has been running for `elapsedMs`. */
export function snapshotPollDelayMs(elapsedMs: number): number {
  const proportional = Math.round(Math.max(0, elapsedMs) * SNAPSHOT_POLL_FRACTION);
  return Math.min(SNAPSHOT_POLL_MAX_MS, Math.max(SNAPSHOT_POLL_MIN_MS, proportional));
}
