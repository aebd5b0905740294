// Waiting on a run the workers carry out, never in silence: its progress, the role queues no worker polls,
// the activity being retried and why, Temporal out of reach; and a Ctrl-C that says the run goes on.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { describeMissingPollers, missingPollers, type NeededQueue } from './queue-pollers';

export interface FollowOptions {
  /** The deployment's base queue (SNAPSEAL_TASK_QUEUE): its role queues are checked for pollers. */
  baseQueue?: string;
  needs: readonly NeededQueue[];
  /** The run's progress from its search attributes; none: progress is not shown. */
  progressLine?: (attrs: TypedSearchAttributes) => string;
}

const DESCRIBE_EVERY_MS = 1_000;
// Pollers are checked at once, then this often: a missing role is named within seconds, and again while missing.
const POLLERS_EVERY_MS = 15_000;

const say = (line: string): void => void process.stderr.write(`  ${line}\n`);

/** The activity of the run being retried, and why: what the run waits for (a cluster down, a bucket refused). */
function retryLine(description: Awaited<ReturnType<WorkflowHandle['describe']>>): string | undefined {
  const retried = (description.raw.pendingActivities ?? []).find((a) => (a.attempt ?? 1) > 1);
  if (!retried) return undefined;
  const reason = retried.lastFailure?.message ?? 'no reason given';
  return `waiting: ${retried.activityType?.name ?? 'an activity'} failed ${(retried.attempt ?? 2) - 1} time(s), retrying (last: ${reason.split('\n')[0]})`;
}

/** Wait for the run's result, printing to stderr whatever changes in what it waits for. */
export async function followRun<W extends WorkflowHandle>(
  client: Client,
  handle: W,
  options: FollowOptions,
): Promise<Awaited<ReturnType<W['result']>>> {
  const result = handle.result() as Promise<Awaited<ReturnType<W['result']>>>;
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  let lastProgress = '';
  let lastRetry: string | undefined;
  let lastMissing = '';
  let unreachableSince: Date | undefined;
  let nextPollerCheck = 0;
  while (!done) {
    if (options.baseQueue && Date.now() >= nextPollerCheck) {
      nextPollerCheck = Date.now() + POLLERS_EVERY_MS;
      const missing = await missingPollers(client, options.baseQueue, options.needs).catch(() => undefined);
      if (missing) {
        const line = describeMissingPollers(missing);
        if (line) say(`waiting: ${line}`);
        else if (lastMissing) say('a worker now polls every queue this run needs');
        lastMissing = line;
      }
    }
    const description = await handle.describe().catch((err: unknown) => {
      if (!unreachableSince) {
        unreachableSince = new Date();
        say(
          `cannot reach Temporal since ${unreachableSince.toISOString()} (${err instanceof Error ? err.message : String(err)}); the run goes on, still waiting`,
        );
      }
      return undefined;
    });
    if (description) {
      if (unreachableSince)
        say(`Temporal answers again (unreachable since ${unreachableSince.toISOString()})`);
      unreachableSince = undefined;
      const progress = options.progressLine?.(description.typedSearchAttributes);
      if (progress !== undefined && progress !== lastProgress) say(progress);
      lastProgress = progress ?? '';
      const retry = retryLine(description);
      if (retry && retry !== lastRetry) say(retry);
      lastRetry = retry;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, DESCRIBE_EVERY_MS))]);
  }
  return result;
}

/** Say once which role queues no worker polls (a run started with --no-wait would otherwise wait unseen). */
export async function warnMissingPollers(
  client: Client,
  baseQueue: string,
  needs: readonly NeededQueue[],
): Promise<void> {
  const missing = await missingPollers(client, baseQueue, needs);
  if (missing.length > 0) process.stderr.write(`snapseal: warning: ${describeMissingPollers(missing)}\n`);
}

/**
 * Run `wait` with Ctrl-C (SIGINT) saying what it does: the CLI stops waiting, the run goes on on the workers,
 * and how to watch or stop it. Exit code 130, as for any interrupted command.
 */
export async function untilInterrupted<T>(
  workflowId: string,
  url: string,
  wait: () => Promise<T>,
): Promise<T> {
  const onInterrupt = (): void => {
    process.stderr.write(
      `\nsnapseal: stopped waiting; the run ${workflowId} continues on the workers.\n` +
        `  watch it: ${url}\n  stop it:  snapseal cancel ${workflowId}\n`,
    );
    process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await wait();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
