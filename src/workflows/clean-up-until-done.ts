// Cleanup that keeps trying, visibly and within a limit: each round is a cleanup activity with a bounded
// retry policy (its attempts and last failure show in the Temporal UI's pending activity); between rounds
// SnapsealStage says `cleanup-retrying` and the query `cleanupState` says how often and why it failed.
// Past CLEANUP_LIMIT_MS it gives up and says what may remain (staging leftovers also expire by lifecycle rule).
// A cleanup that succeeds after retrying puts back the stage it found, so `cleanup-retrying` never outlives it.
import {
  defineQuery,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { STAGE } from './search-attributes';

/** How long cleanup keeps trying (an outage of the cluster or S3 up to this long is waited out): 7 days. */
export const CLEANUP_LIMIT_MS = 7 * 24 * 3600_000;
/** The wait between rounds: 1 min doubling to 1 h. */
const FIRST_PAUSE_MS = 60_000;
const MAX_PAUSE_MS = 3600_000;

/** How long cleanup keeps trying and how long it pauses between rounds (ms); each defaults to the above. */
export interface CleanupBounds {
  limitMs?: number;
  firstPauseMs?: number;
  maxPauseMs?: number;
}

export interface CleanupState {
  state: 'running' | 'retrying' | 'done' | 'gave-up';
  rounds: number;
  lastError?: string;
}

export const cleanupStateQuery = defineQuery<CleanupState>('cleanupState');

/** Runs `round` until it succeeds or the limit passes; returns its result, or undefined when it gave up. */
export async function cleanUpUntilDone<T>(
  what: string,
  round: () => Promise<T>,
  bounds: CleanupBounds = {},
): Promise<T | undefined> {
  const limitMs = bounds.limitMs ?? CLEANUP_LIMIT_MS;
  const maxPauseMs = bounds.maxPauseMs ?? MAX_PAUSE_MS;
  const state: CleanupState = { state: 'running', rounds: 0 };
  setHandler(cleanupStateQuery, () => state);
  const started = Date.now();
  const stageBefore = workflowInfo().typedSearchAttributes.get(STAGE);
  let pause = bounds.firstPauseMs ?? FIRST_PAUSE_MS;
  for (;;) {
    state.rounds += 1;
    try {
      const result = await round();
      state.state = 'done';
      // Runs that finished a retried cleanup before this existed replay without the upsert.
      if (state.rounds > 1 && patched('cleanup-stage-after-retries')) {
        upsertSearchAttributes([{ key: STAGE, value: stageBefore ?? 'cleanup-done' }]);
      }
      return result;
    } catch (err) {
      state.lastError = messageChain(err);
      if (Date.now() - started + pause > limitMs) {
        state.state = 'gave-up';
        upsertSearchAttributes([{ key: STAGE, value: 'cleanup-failed' }]);
        log.error(`${what} still fails after ${state.rounds} rounds; giving up`, {
          rounds: state.rounds,
          elapsedMs: Date.now() - started,
          limitMs,
          error: state.lastError,
        });
        return undefined;
      }
      state.state = 'retrying';
      upsertSearchAttributes([{ key: STAGE, value: 'cleanup-retrying' }]);
      log.warn(`${what} failed; retrying`, { rounds: state.rounds, error: state.lastError, pauseMs: pause });
      await sleep(pause);
      pause = Math.min(pause * 2, maxPauseMs);
    }
  }
}

/** "ActivityFailure: ... ← ApplicationFailure(Type): ..." down the cause chain, so the reason is not lost. */
export function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (
    let e = err as { message?: string; type?: string; cause?: unknown } | undefined, i = 0;
    e && i < 8;
    i++
  ) {
    parts.push(`${e.type ? `${e.type}: ` : ''}${e.message ?? String(e)}`);
    e = e.cause as typeof e;
  }
  return parts.join(' ← ');
}
