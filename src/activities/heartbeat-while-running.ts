// Wraps an activity so it heartbeats on a clock while it runs. Its only job is to prove the worker is alive:
// with a heartbeat timeout set, a worker lost mid-seal or mid-cleanup is noticed in seconds, not when the
// start-to-close timeout finally expires.
import { Context } from '@temporalio/activity';

export const CLOCK_HEARTBEAT_MS = 10_000;

export function heartbeatWhileRunning<A extends unknown[], R>(
  activity: (...args: A) => Promise<R>,
  everyMs = CLOCK_HEARTBEAT_MS,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const ctx = Context.current();
    const beat = setInterval(() => ctx.heartbeat(), everyMs);
    try {
      return await activity(...args);
    } finally {
      clearInterval(beat);
    }
  };
}
