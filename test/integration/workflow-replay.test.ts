// Replays real histories with today's workflow code, so a change that breaks determinism fails here:
// 1. every workflow (daily schedule child + archive, restore, drill, verify, thaw) is run on the real stack,
//    its history fetched and replayed at once (catches nondeterminism inside one version of the code);
// 2. the histories committed in fixtures/histories (binary protobuf, recorded by this test with SNAPSEAL_RECORD_HISTORIES=1)
//    are replayed too: they stand for runs in flight when new code is deployed, which only recorded
//    histories of the older code can catch. Re-record them when a change is made on purpose (with patched()).
import { inWorkerThread } from './replay-in-worker-thread';
import { type HistoryAndWorkflowId, WorkflowClient } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDateIn, indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const History = temporal.api.history.v1.History;
const FIXTURES = join(__dirname, 'fixtures', 'histories');
const workflowsPath = require.resolve('../../src/workflows');

async function replay(histories: HistoryAndWorkflowId[]): Promise<string[]> {
  const failures: string[] = [];
  // In a worker thread, like a real worker (replay defaults to the calling thread): the workflow sandbox's
  // promise hooks must not stay installed in the test process, where Node.js 24 hands them promises they fail on.
  for await (const result of Worker.runReplayHistories(inWorkerThread({ workflowsPath }), histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('workflow replay (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
  });
  afterAll(async () => h?.close());

  it('replays the histories of real runs of every workflow with the current code', async () => {
    const taskQueue = h.config.temporal.taskQueue;
    const date = calendarDateIn(new Date(), 'UTC', 1);
    await loadSampleDay(h.search, h.template, date, 2000);
    const ids: Record<string, string> = {};
    const client: WorkflowClient = h.temporal.workflow;
    await h.runWorker(
      (async () => {
        ids.dailyArchive = uniqueName('daily');
        // Started as a Schedule would (its child is the archive of "yesterday").
        await client.execute('dailyArchive', {
          taskQueue,
          workflowId: ids.dailyArchive,
          args: [{ timeZone: 'UTC' }],
        });
        ids.archiveSnapshot = archiveWorkflowId(taskQueue, date, indicesForDate(h.template, date));
        const archiveId = (await client.getHandle(ids.archiveSnapshot).result()).archiveId as string;
        ids.restoreArchive = uniqueName('restore');
        await client.execute('restoreArchive', {
          taskQueue,
          workflowId: ids.restoreArchive,
          args: [{ archiveId, renamePrefix: `${uniqueName('r')}-` }],
        });
        ids.restoreDrill = uniqueName('drill');
        await client.execute('restoreDrill', { taskQueue, workflowId: ids.restoreDrill, args: [] });
        ids.verifyArchiveWorkflow = uniqueName('verify');
        await client.execute('verifyArchiveWorkflow', {
          taskQueue,
          workflowId: ids.verifyArchiveWorkflow,
          args: [archiveId],
        });
        ids.awaitThaw = uniqueName('thaw');
        await client.execute('awaitThaw', {
          taskQueue,
          workflowId: ids.awaitThaw,
          args: [{ archiveId, tier: 'Standard', days: 1 }],
        });
      })(),
    );
    const histories = await Promise.all(
      Object.entries(ids).map(async ([type, workflowId]) => ({
        type,
        workflowId,
        history: await client.getHandle(workflowId).fetchHistory(),
      })),
    );
    if (process.env.SNAPSEAL_RECORD_HISTORIES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      // Binary protobuf: JSON histories need common's protojson, whose protobufjs (8) cannot read the
      // History type of @temporalio/proto (built with protobufjs 7) in this install.
      for (const { type, history } of histories)
        writeFileSync(join(FIXTURES, `${type}.binpb`), History.encode(History.fromObject(history)).finish());
      // A replay needs the run's workflow id (the drill names its child after it).
      writeFileSync(join(FIXTURES, 'workflow-ids.json'), `${JSON.stringify(ids, null, 2)}\n`);
    }
    expect(histories.map((x) => x.history.events?.length ?? 0).every((n) => n > 5)).toBe(true);
    expect(await replay(histories)).toEqual([]);
    await h.search.indices.delete({ index: 'r-*' + indicesForDate(h.template, date) }, { ignore: [404] });
  });

  it('replays the committed histories of earlier code', async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.binpb'));
    expect(files.sort()).toEqual(
      [
        'archiveSnapshot',
        'awaitThaw',
        'dailyArchive',
        'restoreArchive',
        'restoreDrill',
        'verifyArchiveWorkflow',
      ]
        .map((t) => `${t}.binpb`)
        .sort(),
    );
    const recordedIds = JSON.parse(readFileSync(join(FIXTURES, 'workflow-ids.json'), 'utf8')) as Record<
      string,
      string
    >;
    const histories = files.map((f) => ({
      workflowId: recordedIds[f.replace(/\.binpb$/, '')]!,
      history: History.decode(readFileSync(join(FIXTURES, f))),
    }));
    expect(await replay(histories)).toEqual([]);
  });
});
