// The durable wait for a Glacier thaw, on the real Temporal server. The local S3 server cannot emulate a
// thaw, so the one activity here replays recorded thaw statuses (a unit test of the workflow's waiting); and the
// built CLI following such a wait says what it waits for.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { taskQueuesFor } from '../../src/task-queues';
import type { ThawRequest, ThawStatus } from '../../src/activities/thaw-archive';
import { STAGE } from '../../src/workflows/search-attributes';
import { stackConfig, uniqueName } from './stack';

describe('awaitThaw workflow', () => {
  it('requests thaws, polls with backoff until nothing is thawing, and shows the count in the UI', async () => {
    const recorded: ThawStatus[] = [
      { objects: 3, requested: ['v1', 'v2'], thawing: ['v1', 'v2'] },
      { objects: 3, requested: [], thawing: ['v2'] },
      { objects: 3, requested: [], thawing: [] },
    ];
    const calls: ThawRequest[] = [];
    const { temporal } = stackConfig();
    const taskQueue = uniqueName('thaw');
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: {
        async thawArchive(request: ThawRequest): Promise<ThawStatus> {
          calls.push(request);
          return recorded[Math.min(calls.length - 1, recorded.length - 1)]!;
        },
      },
    });
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection, namespace: temporal.namespace });
      const handle = await client.workflow.start('awaitThaw', {
        taskQueue,
        workflowId: taskQueue,
        args: [{ archiveId: 'a', tier: 'Bulk', days: 3, firstPollMs: 1000, maxPollMs: 2000 }],
      });
      const result = await worker.runUntil(async () => {
        // While it waits after the second poll, the UI shows the count and the Queries tab the keys.
        for (let i = 0; i < 400; i++) {
          if ((await handle.describe()).typedSearchAttributes.get(STAGE) === 'thawing 1 object, 2 of 3 ready')
            break;
          await new Promise((r) => setTimeout(r, 25));
        }
        expect(await handle.query('thawingObjects')).toEqual(['v2']);
        return handle.result();
      });
      expect(result).toEqual({ polls: 3, requested: 2 });
      expect(calls).toEqual(Array.from({ length: 3 }, () => ({ archiveId: 'a', tier: 'Bulk', days: 3 })));
      expect((await handle.describe()).typedSearchAttributes.get(STAGE)).toBe(
        'thawing 1 object, 2 of 3 ready',
      );
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });

  it('the CLI waiting on a verify on the workers says how many objects thaw and how many are ready', async () => {
    const { temporal } = stackConfig();
    const deployment = uniqueName('thaw-cli');
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    let workflowId: string | undefined;
    // A cold archive: two of its three objects stay in Glacier for as long as this test looks.
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: taskQueuesFor(deployment).restore,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: {
        async thawArchive(): Promise<ThawStatus> {
          workflowId = Context.current().info.workflowExecution?.workflowId;
          return { objects: 3, requested: ['v1', 'v2'], thawing: ['v1', 'v2'] };
        },
      },
    });
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: temporal.namespace });
    const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');
    const cli = spawn('node', [bin, 'verify', '--workflow', '2026-11-21_cold-21112026'], {
      env: { ...process.env, SNAPSEAL_TASK_QUEUE: deployment },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
    try {
      await worker.runUntil(async () => {
        await new Promise<void>((resolve, reject) => {
          cli.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString('utf8');
            if (stderr.includes('thawing 2 objects, 1 of 3 ready')) resolve();
          });
          void exited.then(() =>
            reject(new Error(`snapseal exited before saying what it waits for:\n${stderr}`)),
          );
          // A condition, not a delay: the bound only keeps a CLI that never says it from holding the suite.
          setTimeout(
            () => reject(new Error(`snapseal said nothing of the thaw in 90 s:\n${stderr}`)),
            90_000,
          ).unref();
        });
        // The run waits for the thaw on a durable timer; the test ends it.
        await client.workflow.getHandle(workflowId!).terminate('thaw test done');
        await exited;
      });
      expect(stderr).toMatch(/^ {2}thawing 2 objects, 1 of 3 ready$/m);
      expect(await exited).not.toBe(0);
    } finally {
      cli.kill();
      await connection.close();
      await nativeConnection.close();
    }
  });
});
