// The restore workflow's wait for recovery is bounded, on the real Temporal server: a cluster that never
// finishes fails the run after its limit with RestoreTimedOut naming what is still recovering, SnapsealStage
// says so, and the staging cleanup still runs (retried until it succeeds). The activities are fakes: the unit
// under test is the workflow; the limits are shortened through the request's bounds.
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ThawStatus } from '../../src/activities/thaw-archive';
import { FailureType } from '../../src/failure-types';
import type {
  RestorePlan,
  RestoreProgress,
  RestoreRequest,
  RestoreResult,
} from '../../src/restore/restore-types';
import type { CleanupState } from '../../src/workflows/clean-up-until-done';
import { STAGE } from '../../src/workflows/search-attributes';
import { stackConfig, uniqueName } from './stack';
import { waitFor } from './wait-for';

const ARCHIVE_ID = '2026-11-21_logdata-21112026';

describe('restoreArchive wait limit (real Temporal, fake activities)', () => {
  it('fails with RestoreTimedOut naming the shards still recovering, says so in the stage, and cleans up', async () => {
    const { temporal } = stackConfig();
    // The restore queue of a deployment of its own: the workflow runs every step there.
    const taskQueue = `${uniqueName('rwait')}-restore`;
    const renamePrefix = 'r-';
    const plan: RestorePlan = {
      archiveId: ARCHIVE_ID,
      manifest: {
        archiveId: ARCHIVE_ID,
        key: `archives/${ARCHIVE_ID}/manifest.json`,
        sha256: '00'.repeat(32),
      },
      snapshot: 'snapseal-logdata-21112026',
      repository: 'snapseal-restore-test',
      repositoryBasePath: 'restore/test',
      volumes: [1],
      indices: [{ name: 'logdata-21112026', restoredAs: 'r-logdata-21112026', docCount: 10 }],
      renamePrefix,
    };
    const stillRecovering = 'r-logdata-21112026 shard 1 (INDEX)';
    let checks = 0;
    let compared = 0;
    let stagedChecks = 0;
    const cleanups: RestorePlan[] = [];
    const activities = {
      async thawArchive(): Promise<ThawStatus> {
        return { objects: 2, requested: [], thawing: [] };
      },
      async prepareRestore(): Promise<RestorePlan> {
        return plan;
      },
      async stageRestoreVolume() {
        return { files: 1, bytes: 1, staged: { volume: 1, objects: 1, versionsSha256: '00'.repeat(32) } };
      },
      async startRestoreFromArchive(): Promise<void> {},
      // A timed-out restore first checks that the staged versions are still the ones written: here they are.
      async checkStagedRestore(): Promise<{ objects: number }> {
        stagedChecks += 1;
        return { objects: 1 };
      },
      async checkRestore(): Promise<RestoreProgress> {
        checks += 1;
        return { done: false, shards: 2, doneShards: 1, pending: [stillRecovering] };
      },
      async compareRestoredCounts(): Promise<RestoreResult> {
        compared += 1;
        throw new Error('compareRestoredCounts must not run after a timed-out restore');
      },
      async cleanUpRestore(p: RestorePlan): Promise<{ stagedObjectsDeleted: number }> {
        cleanups.push(p);
        // The first round fails (not retried inside the round), so the stage goes through cleanup-retrying.
        if (cleanups.length === 1) throw ApplicationFailure.nonRetryable('S3 is down', 'TestOutage');
        return { stagedObjectsDeleted: 3 };
      },
    };
    const request: RestoreRequest = {
      archiveId: ARCHIVE_ID,
      renamePrefix,
      bounds: {
        restoreWaitLimitMs: 3000,
        firstPollMs: 200,
        maxPollMs: 800,
        cleanup: { firstPauseMs: 500, maxPauseMs: 500, limitMs: 60_000 },
      },
    };

    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const connection = await Connection.connect({ address: temporal.address });
    let handle: WorkflowHandle | undefined;
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: temporal.namespace,
        taskQueue,
        workflowsPath: require.resolve('../../src/workflows'),
        activities,
      });
      const client = new Client({ connection, namespace: temporal.namespace });
      const h = (handle = await client.workflow.start('restoreArchive', {
        taskQueue,
        workflowId: taskQueue,
        args: [request],
      }));
      const stage = async () => (await h.describe()).typedSearchAttributes.get(STAGE);
      await worker.runUntil(async () => {
        // While the cluster recovers, the run polls and the UI says it is restoring.
        await waitFor(() => checks >= 2, 'two looks at the recovery', { timeoutMs: 30_000 });
        expect(await stage()).toBe('restore-restoring');
        // Bounded: without the limit the run would poll forever and this wait would time out.
        await waitFor(async () => (await h.describe()).status.name !== 'RUNNING', 'the restore to end', {
          timeoutMs: 60_000,
        });
        const error = await h.result().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WorkflowFailedError);
        const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect(cause.type).toBe(FailureType.RestoreTimedOut);
        expect(cause.message).toContain('has not finished restoring r-logdata-21112026 after 3 s');
        expect(cause.message).toContain(`still recovering: ${stillRecovering}`);
        expect(await h.query<CleanupState>('cleanupState')).toEqual({
          state: 'done',
          rounds: 2,
          lastError: expect.stringContaining('TestOutage: S3 is down'),
        });
      });
      expect(checks).toBeGreaterThanOrEqual(3);
      expect(compared).toBe(0);
      expect(stagedChecks).toBe(1);
      expect(cleanups).toEqual([plan, plan]);
      // The stage names how the run ended, not the cleanup retry that came after.
      expect(await stage()).toBe('restore-timed-out');
    } finally {
      if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
      await connection.close();
      await nativeConnection.close();
    }
  });
});
