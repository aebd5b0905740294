// Document counts of an index written to while it is archived: the manifest records what the snapshot holds
// (and says so), and the restore's count check compares the same measure and passes.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest } from '../../src/pipeline/manifest';
import type { RestoreResult } from '../../src/restore/restore-types';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const DATE = '2026-11-23';

describe('document counts of an index written during the archive (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  it('records the snapshot commit count and the restore matches it', async () => {
    const index = indicesForDate(h.template, DATE);
    const initial = (await loadSampleDay(h.search, h.template, DATE, 300)).docs;
    // One document after another, each visible at once, for as long as the archive runs.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await h.search.index({
          index,
          body: { message: `late ${written}`, '@timestamp': new Date().toISOString() },
        });
        written++;
      }
    })();
    let sealed: ArchiveResult;
    try {
      sealed = await h.runWorker(
        h.temporal.workflow.execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
          args: [{ date: DATE }],
        }),
      );
    } finally {
      writing = false;
      await writer;
    }
    const got = await h.s3.send(
      new GetObjectCommand({
        Bucket: h.config.archive.bucket,
        Key: archiveLayout(h.config.archive.prefix, sealed.archiveId).manifestKey,
      }),
    );
    const manifest = parseManifest(await got.Body!.transformToString('utf8'));
    const recorded = manifest.indices.find((i) => i.name === index)!;
    const prefix = `${uniqueName('r')}-`;
    try {
      const result = (await h.runWorker(
        h.temporal.workflow.execute('restoreArchive', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: uniqueName('restore'),
          args: [{ archiveId: sealed.archiveId, renamePrefix: prefix }],
        }),
      )) as RestoreResult;
      expect(result.indices).toEqual([
        {
          name: index,
          restoredAs: `${prefix}${index}`,
          expected: recorded.docCount,
          actual: recorded.docCount,
        },
      ]);
      // The restored index holds exactly the recorded documents, by the ordinary count too.
      expect((await h.search.count({ index: `${prefix}${index}` })).body.count).toBe(recorded.docCount);
    } finally {
      await h.search.indices.delete({ index: `${prefix}${index}` }, { ignore: [404] });
    }
    expect(recorded.docCountSource).toBe('snapshot-commit');
    // Writes went on before, during and after the snapshot: the recorded count lies strictly between.
    expect(recorded.docCount).toBeGreaterThan(initial);
    expect(recorded.docCount).toBeLessThan(initial + written);
    expect(sealed.indices).toEqual([expect.objectContaining({ name: index, docCount: recorded.docCount })]);
  });
});
