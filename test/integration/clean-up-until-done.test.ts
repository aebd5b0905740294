// The bounds of cleanUpUntilDone on the real Temporal server: a failing round is retried with growing pauses
// while SnapsealStage and the `cleanupState` query say so, and past the limit it gives up, visibly. The rounds
// are a test activity (the unit under test is the loop); the bounds are shortened through its options.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { CleanupBounds, CleanupState } from '../../src/workflows/clean-up-until-done';
import { STAGE } from '../../src/workflows/search-attributes';
import { STAGE_BEFORE_CLEANUP, type CleanupRoundActivities } from './fixtures/cleanup-workflows';
import { stackConfig, uniqueName } from './stack';
import { waitFor } from './wait-for';

describe('cleanUpUntilDone (real Temporal)', () => {
  const { temporal } = stackConfig();
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let workflowBundle: { code: string };

  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/cleanup-workflows'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: temporal.namespace });
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  /**
   * Runs cleanUpWithBounds on its own task queue, with rounds that fail until round `succeedsAt`; `check`
   * runs while the worker does (queries need it), and gets the number of rounds so far.
   */
  async function run(
    bounds: CleanupBounds,
    succeedsAt: number,
    check: (handle: WorkflowHandle, rounds: () => number) => Promise<void>,
  ): Promise<void> {
    const taskQueue = uniqueName('cleanup');
    let rounds = 0;
    const activities: CleanupRoundActivities = {
      async cleanUpRound() {
        rounds += 1;
        if (rounds < succeedsAt) throw new Error(`staging bucket unreachable (round ${rounds})`);
        return { round: rounds };
      },
    };
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle,
      activities,
    });
    const handle = await client.workflow.start('cleanUpWithBounds', {
      taskQueue,
      workflowId: taskQueue,
      args: [bounds],
    });
    try {
      await worker.runUntil(check(handle, () => rounds));
    } finally {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('test over');
    }
  }

  /** The run's end, waited for within a bound: a loop that never ends fails here instead of hanging. */
  async function ended(handle: WorkflowHandle): Promise<unknown> {
    await waitFor(
      async () => (await handle.describe()).status.name !== 'RUNNING',
      `workflow ${handle.workflowId} to end`,
      { timeoutMs: 60_000 },
    );
    return handle.result();
  }

  const stageOf = async (handle: WorkflowHandle) =>
    (await handle.describe()).typedSearchAttributes.get(STAGE);

  /** The pauses between rounds, as the durable timers the workflow started (ms). */
  async function pauses(handle: WorkflowHandle): Promise<number[]> {
    const { events } = await handle.fetchHistory();
    return (events ?? []).flatMap((e) =>
      e.timerStartedEventAttributes ? [tsToMs(e.timerStartedEventAttributes.startToFireTimeout)] : [],
    );
  }

  it('retries a failing round with growing pauses, showing cleanup-retrying, then gives up at its limit', async () => {
    const bounds = { firstPauseMs: 1000, maxPauseMs: 4000, limitMs: 10_000 };
    await run(bounds, Infinity, async (handle, rounds) => {
      // While it pauses between rounds, the UI's stage and the Queries tab say it is retrying, and why.
      let state: CleanupState | undefined;
      await waitFor(
        async () => (state = await handle.query<CleanupState>('cleanupState')).state === 'retrying',
        'cleanupState retrying',
        { timeoutMs: 30_000 },
      );
      expect(state?.lastError).toContain('staging bucket unreachable (round');
      expect(await stageOf(handle)).toBe('cleanup-retrying');

      expect(await ended(handle)).toBeUndefined();
      // Rounds at about 0, 1, 3 and 7 s; the next pause (4 s, the maximum) would end past the 10 s limit.
      expect(await pauses(handle)).toEqual([1000, 2000, 4000]);
      expect(rounds()).toBe(4);
      expect(await stageOf(handle)).toBe('cleanup-failed');
      expect(await handle.query<CleanupState>('cleanupState')).toEqual({
        state: 'gave-up',
        rounds: 4,
        lastError: expect.stringContaining('staging bucket unreachable (round 4)'),
      });
    });
  });

  it('ends done when a round succeeds after two failures, and puts back the stage it found', async () => {
    const bounds = { firstPauseMs: 300, maxPauseMs: 300, limitMs: 60_000 };
    await run(bounds, 3, async (handle, rounds) => {
      expect(await ended(handle)).toEqual({ round: 3 });
      expect(rounds()).toBe(3);
      expect(await pauses(handle)).toEqual([300, 300]);
      expect(await handle.query<CleanupState>('cleanupState')).toEqual({
        state: 'done',
        rounds: 3,
        lastError: expect.stringContaining('staging bucket unreachable (round 2)'),
      });
      expect(await stageOf(handle)).toBe(STAGE_BEFORE_CLEANUP);
    });
  });
});
