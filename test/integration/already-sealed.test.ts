// A day asked for again once sealed, on the real stack: the run answers ALREADY_SEALED with what the signed
// manifest holds, not with what the cluster holds today (an index created since is not claimed as archived).
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest } from '../../src/pipeline/manifest';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';

const DATE = '2026-11-24';

describe('already sealed (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  it("reports the sealed manifest's indices, not an index created after the seal", async () => {
    const day = indicesForDate(h.template, DATE);
    // A pattern selection: an index created later for the same day matches it too.
    const indices = `${day}*`;
    const archive = () =>
      h.runWorker(
        h.temporal.workflow.execute('archiveSnapshot', {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE, indices),
          args: [{ date: DATE, indices }],
        }),
      ) as Promise<ArchiveResult>;
    const docs = (await loadSampleDay(h.search, h.template, DATE, 200)).docs;
    const first = await archive();
    expect(first.status).toBe('SEALED');
    expect(first.indices.map((i) => [i.name, i.docCount])).toEqual([[day, docs]]);

    const late = `${day}-late`;
    await h.search.index({ index: late, body: { message: 'written after the seal' }, refresh: true });
    const again = await archive();

    const got = await h.s3.send(
      new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: first.manifestKey }),
    );
    const manifest = parseManifest(await got.Body!.transformToString('utf8'));
    expect(again.status).toBe('ALREADY_SEALED');
    expect(again.archiveId).toBe(first.archiveId);
    expect(again.manifestSha256).toBe(first.manifestSha256);
    expect(again.indices).toEqual(manifest.indices);
    expect(again.indices.map((i) => i.name)).toEqual([day]);
    expect(again.indices.map((i) => i.name)).not.toContain(late);
  });
});
