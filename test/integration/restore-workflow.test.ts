// Restore on the real stack: verified volumes unpacked into staging, registered read-only, restored under new
// names with the manifest's document counts; a tampered archive restores nothing.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { resolveIndices } from '../../src/opensearch/snapshot-api';
import type { RestoreResult } from '../../src/restore/restore-types';
import type { VerifyReport } from '../../src/verify/verify-archive';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';
import { waitFor } from './wait-for';

const DATE = '2026-11-21';

describe('restore workflow (real stack)', () => {
  let h: ArchiveHarness;
  let sealed: ArchiveResult;
  let docs: number;

  const restore = (archiveId: string, renamePrefix: string) =>
    h.runWorker(
      h.temporal.workflow.execute('restoreArchive', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('restore'),
        args: [{ archiveId, renamePrefix }],
      }),
    ) as Promise<RestoreResult>;

  const stagingKeys = async (): Promise<string[]> =>
    ((await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }))).Contents ?? []).map(
      (o) => o.Key!,
    );

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    docs = (await loadSampleDay(h.search, h.template, DATE, 6000)).docs;
    sealed = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
        args: [{ date: DATE }],
      }),
    );
  });
  afterAll(async () => h?.close());

  it('restores every index under the new prefix with the manifest document counts, and cleans up', async () => {
    const prefix = `${uniqueName('r')}-`;
    const result = await restore(sealed.archiveId, prefix);
    const original = indicesForDate(h.template, DATE);
    expect(result.indices).toEqual([
      { name: original, restoredAs: `${prefix}${original}`, expected: docs, actual: docs },
    ]);
    expect((await h.search.count({ index: `${prefix}${original}` })).body.count).toBe(docs);
    expect(await stagingKeys()).toEqual([]);
    await h.search.indices.delete({ index: `${prefix}${original}` });
  });

  it('restores nothing from a tampered volume, and says which', async () => {
    const key = `${h.config.archive.prefix}${sealed.archiveId}/volume-0002.tar.gpg`;
    const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    const original = Buffer.from(await got.Body!.transformToByteArray());
    const flipped = Buffer.from(original);
    flipped[flipped.length - 100]! ^= 0x10;
    await h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: flipped }));
    try {
      const prefix = `${uniqueName('t')}-`;
      const error = await restore(sealed.archiveId, prefix).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = ((error as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
      expect(cause.type).toBe('ArchiveTampered');
      expect(cause.message).toContain(`Volume 2 of ${sealed.archiveId} failed verification`);
      expect(cause.message).toContain('nothing was restored');
      expect(await resolveIndices(h.search, `${prefix}*`)).toEqual([]);
      expect(await stagingKeys()).toEqual([]);
    } finally {
      await h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: original }));
    }
  });

  it('refuses to overwrite an existing index before any side effect', async () => {
    const prefix = `${uniqueName('e')}-`;
    const target = `${prefix}${indicesForDate(h.template, DATE)}`;
    await h.search.indices.create({ index: target });
    const error = await restore(sealed.archiveId, prefix).catch((e: unknown) => e);
    const cause = ((error as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidInput');
    expect(cause.message).toContain(`Index ${target} exists already`);
    await h.search.indices.delete({ index: target });
  });

  it('verifies the archive as a workflow, volume by volume', async () => {
    const report = (await h.runWorker(
      h.temporal.workflow.execute('verifyArchiveWorkflow', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('verify'),
        args: [sealed.archiveId],
      }),
    )) as VerifyReport;
    expect(report).toMatchObject({
      archiveId: sealed.archiveId,
      ok: true,
      volumesChecked: sealed.volumes,
      problems: [],
    });
    expect(report.plaintextBytes).toBe(sealed.plaintextBytes);
  });

  it('runs a restore drill of the newest archive and removes what it restored', async () => {
    const outcome = (await h.runWorker(
      h.temporal.workflow.execute('restoreDrill', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('drill'),
        args: [],
      }),
    )) as DrillOutcome;
    expect(outcome.passed).toBe(true);
    expect(outcome.archiveId).toBe(sealed.archiveId);
    expect(outcome.restored?.indices[0]).toMatchObject({ expected: docs, actual: docs });
    expect(await resolveIndices(h.search, 'drill-*')).toEqual([]);
    expect(await stagingKeys()).toEqual([]);
  });

  it('deletes the restored indices of a drill cancelled mid-restore', async () => {
    const drillId = uniqueName('drill');
    const restored = `drill-*-${indicesForDate(h.template, DATE)}`;
    const handle = await h.temporal.workflow.start('restoreDrill', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: drillId,
      args: [],
    });
    const outcome = await h.runWorker(
      (async () => {
        // Mid-restore: the restored index exists (the cluster is recovering it) and the drill has not ended.
        await waitFor(async () => (await resolveIndices(h.search, restored)).length > 0, 'a restored index', {
          everyMs: 50,
        });
        await handle.cancel();
        return handle.result().then(
          () => 'completed',
          (err: unknown) => err,
        );
      })(),
    );
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(await resolveIndices(h.search, restored)).toEqual([]);
    expect(await stagingKeys()).toEqual([]);
  });
});
