import {
  SNAPSHOT_POLL_MAX_MS,
  SNAPSHOT_POLL_MIN_MS,
  snapshotPollDelayMs,
} from '../../../src/workflows/snapshot-poll-delay';

/** When the workflow's first look after the snapshot's end comes (ms after the wait began), and how many looks. */
function firstLookAfter(endMs: number): { at: number; looks: number } {
  let at = 0;
  let looks = 1;
  while (at < endMs) {
    at += snapshotPollDelayMs(at);
    looks++;
  }
  return { at, looks };
}

describe('snapshot poll delay', () => {
  it('sees a snapshot finished at most 10% of its time after it ends (a second for short ones)', () => {
    for (let endMs = 500; endMs <= 6 * 3600_000; endMs = Math.ceil(endMs * 1.07)) {
      const late = firstLookAfter(endMs).at - endMs;
      expect(late).toBeLessThanOrEqual(Math.max(SNAPSHOT_POLL_MIN_MS, 0.1 * endMs));
    }
  });

  it('the 1 GB bench snapshot (26 s) is seen within 2.6 s, where doubling from 1 s saw it 5 s late', () => {
    expect(firstLookAfter(26_000).at - 26_000).toBeLessThanOrEqual(2600);
  });

  it('keeps the history small: one look a minute after the first ten minutes (6 hours: about 400)', () => {
    expect(firstLookAfter(6 * 3600_000).looks).toBeLessThanOrEqual(6 * 60 + 50);
  });

  it('waits 1 s to 1 min, growing with the elapsed time', () => {
    expect(snapshotPollDelayMs(0)).toBe(SNAPSHOT_POLL_MIN_MS);
    expect(snapshotPollDelayMs(-5)).toBe(SNAPSHOT_POLL_MIN_MS);
    expect(snapshotPollDelayMs(30_000)).toBe(3000);
    expect(snapshotPollDelayMs(3600_000)).toBe(SNAPSHOT_POLL_MAX_MS);
  });
});
