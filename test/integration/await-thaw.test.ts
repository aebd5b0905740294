// The durable wait for a Glacier thaw, on the real Temporal server. The local S3 server cannot emulate a
// thaw, so the one activity here replays recorded thaw statuses (a unit test of the workflow's waiting).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
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
          if ((await handle.describe()).typedSearchAttributes.get(STAGE) === 'thawing 1 of 3 objects') break;
          await new Promise((r) => setTimeout(r, 25));
        }
        expect(await handle.query('thawingObjects')).toEqual(['v2']);
        return handle.result();
      });
      expect(result).toEqual({ polls: 3, requested: 2 });
      expect(calls).toEqual(Array.from({ length: 3 }, () => ({ archiveId: 'a', tier: 'Bulk', days: 3 })));
      expect((await handle.describe()).typedSearchAttributes.get(STAGE)).toBe('thawing 1 of 3 objects');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
