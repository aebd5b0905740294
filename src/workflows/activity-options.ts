// How workflows call activities, in one place: short calls, long streaming calls, cleanup that retries
// until it succeeds, and cleanup rounds a workflow repeats within its own limit. Permanent failure types are never retried. Each proxy takes the task queue of the worker
// role that runs the activity (src/task-queues.ts); call them inside a workflow, where workflowInfo() is known.
import {
  ActivityCancellationType,
  proxyActivities,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { PERMANENT_FAILURE_TYPES } from '../failure-types';
import { taskQueuesOf, type TaskQueues } from '../task-queues';

type Activities = ReturnType<typeof createActivities>;

const QUICK_RETRY: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 20,
  nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
};

/** Calls that run for hours (streaming, verifying a volume): fewer, slower retries. */
const LONG_RETRY: RetryPolicy = {
  initialInterval: '5s',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  maximumAttempts: 10,
  nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
};

/** The queues of this workflow's deployment, derived from the queue it runs on. */
export const deploymentQueues = (): TaskQueues => taskQueuesOf(workflowInfo().taskQueue);

/** Calls that take seconds: retried with backoff for several minutes (an outage passes). */
export const quickActivities = (taskQueue: string) =>
  proxyActivities<Activities>({ taskQueue, startToCloseTimeout: '2 minutes', retry: QUICK_RETRY });

/**
 * Looking up a batch's plan pages takes seconds, but it is the first step of every batch: it heartbeats on a
 * clock (heartbeatWhileRunning) so a worker lost mid-lookup is noticed in 30 s, not at the 2-minute timeout.
 */
export const planLookupActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '30 seconds',
    retry: QUICK_RETRY,
  });

/** Sealing heartbeats on a clock (heartbeatWhileRunning): a worker lost mid-seal is noticed in 30 s. */
export const sealingActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30 seconds',
    retry: QUICK_RETRY,
  });

/** Streaming a volume: hours at most, heartbeats at least every 10 s, so a lost worker is noticed in 30 s. */
export const streamingActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: '30 seconds',
    // On cancellation, wait until the volume's stream is aborted: cleanup must not race a late upload.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: LONG_RETRY,
  });

/** Cleanup must eventually succeed (a cluster or S3 outage, a lost worker passes): retried without limit. */
export const cleanupActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds', // cleanup activities heartbeat on a clock (heartbeatWhileRunning)
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

/**
 * One round of cleanup that a workflow repeats itself (cleanUpUntilDone): about 10 minutes of retries, so the
 * workflow can show `cleanup-retrying` between rounds and stop after its limit.
 */
export const cleanupRoundActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 6 },
  });

/** Preflight: a cluster or bucket that stays unreachable for about a minute fails the run with the reason. */
export const preflightActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '20s',
      maximumAttempts: 5,
      nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
    },
  });

/** One look at the snapshot: a blip is retried at once; a longer outage is waited out by the caller's loop. */
export const pollActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumAttempts: 3,
      nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
    },
  });

/** Verifying a volume: long, heartbeating; an unreadable volume is a finding, not a reason to stop. */
export const verifyingActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: '2 minutes',
    retry: LONG_RETRY,
  });

/** Thaw requests and polls on the workflow's own queue: S3 throttling is retried for about an hour. */
export const thawingActivities = () =>
  proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: '5s',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts: 20,
    },
  });
