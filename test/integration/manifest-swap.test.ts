// A manifest swapped in the archive bucket after its signature was checked, on the real stack: verify and
// restore read only the authenticated version and digest, so a forged new version changes nothing, and a deleted
// authenticated version fails the run as tampered. The swap lands between the reads by an activity interceptor.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import type { ManifestRef } from '../../src/archive/authenticated-manifest';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { resolveIndices } from '../../src/opensearch/snapshot-api';
import type { RestorePlan, RestoreResult } from '../../src/restore/restore-types';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

const DATE = '2026-11-23';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Runs `act` once, with the manifest reference the step was given, before the first `activityType` step runs
 * (a retry of that step waits on the same act, it does not act again).
 */
function beforeFirst(activityType: string, act: (ref: ManifestRef) => Promise<void>) {
  let acted: Promise<void> | undefined;
  let ref: ManifestRef | undefined;
  const interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (ctx.info.activityType === activityType) {
          const first = input.args[0] as ManifestRef | RestorePlan;
          ref ??= 'manifest' in first ? first.manifest : first;
          await (acted ??= act(ref));
        }
        return next(input);
      },
    },
  });
  return { interceptor, ref: () => ref };
}

describe('manifest swapped after authentication (real stack)', () => {
  let h: ArchiveHarness;
  let sealed: ArchiveResult;
  let docs: number;
  let authentic: Buffer;

  const get = async (key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const put = (key: string, body: Buffer | string) =>
    h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: body }));

  /** The authentic manifest with every volume's ciphertext digest forged: read, it fails every volume. */
  const forged = (): string => {
    const manifest = JSON.parse(authentic.toString('utf8')) as {
      volumes: { ciphertextSha256: string }[];
    };
    for (const volume of manifest.volumes) volume.ciphertextSha256 = 'f'.repeat(64);
    return JSON.stringify(manifest, null, 2);
  };

  /** A bucket writer without keys puts a forged manifest, as a new version, over the authenticated one. */
  const forgeBefore = (activityType: string) => {
    let forgedVersion: string | undefined;
    const swap = beforeFirst(activityType, async () => {
      forgedVersion = (await put(sealed.manifestKey, forged())).VersionId;
    });
    return { swap, forgedVersion: () => forgedVersion };
  };

  /** A bucket writer deletes the very version that was authenticated. */
  const deleteAuthenticated = (activityType: string) =>
    beforeFirst(activityType, async (ref) => {
      await h.s3.send(
        new DeleteObjectCommand({ Bucket: h.config.archive.bucket, Key: ref.key, VersionId: ref.versionId }),
      );
    });

  const verify = (interceptor: ActivityInterceptorsFactory) =>
    h.runWorker(
      h.temporal.workflow.execute('verifyArchiveWorkflow', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('verify'),
        args: [sealed.archiveId],
      }),
      { activityInterceptors: [interceptor] },
    ) as Promise<VerifyReport>;

  const restore = (renamePrefix: string, interceptor: ActivityInterceptorsFactory) =>
    h.runWorker(
      h.temporal.workflow.execute('restoreArchive', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: uniqueName('restore'),
        args: [{ archiveId: sealed.archiveId, renamePrefix }],
      }),
      { activityInterceptors: [interceptor] },
    ) as Promise<RestoreResult>;

  const tamperedFailure = (err: unknown): ApplicationFailure => {
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const cause = activity.cause as ApplicationFailure;
    expect(cause.type).toBe('ArchiveTampered');
    return cause;
  };

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    docs = (await loadSampleDay(h.search, h.template, DATE, 3000)).docs;
    sealed = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
        args: [{ date: DATE }],
      }),
    );
    authentic = await get(sealed.manifestKey);
  });
  afterAll(async () => h?.close());
  // Each case starts from the authentic bytes as the newest version (a new version: the old ones stay).
  afterEach(async () => {
    if (sha256(await get(sealed.manifestKey).catch(() => '')) !== sha256(authentic))
      await put(sealed.manifestKey, authentic);
  });

  it('verifies the authenticated manifest when a forged one is put over it before the volumes are read', async () => {
    const { swap, forgedVersion } = forgeBefore('verifyVolume');
    const report = await verify(swap.interceptor);
    expect(report).toMatchObject({
      archiveId: sealed.archiveId,
      ok: true,
      volumesChecked: sealed.volumes,
      problems: [],
    });
    // The swap happened: the newest version is the forgery, and the steps held another version's reference.
    expect(sha256(await get(sealed.manifestKey))).toBe(sha256(forged()));
    expect(swap.ref()).toMatchObject({ archiveId: sealed.archiveId, sha256: sha256(authentic) });
    expect(swap.ref()!.versionId).toBeDefined();
    expect(forgedVersion()).toBeDefined();
    expect(swap.ref()!.versionId).not.toBe(forgedVersion());
  });

  it('fails verification as tampered when the authenticated version is deleted before the volumes are read', async () => {
    const swap = deleteAuthenticated('verifyVolume');
    const cause = tamperedFailure(await verify(swap.interceptor).catch((e: unknown) => e));
    expect(swap.ref()).toBeDefined();
    expect(cause.message).toContain(`Archive ${sealed.archiveId}: The authenticated manifest`);
    expect(cause.message).toContain('is gone; nothing read from it is trusted');
  });

  it('restores the real data when a forged manifest is put over the authenticated one mid-restore', async () => {
    const { swap, forgedVersion } = forgeBefore('stageRestoreVolume');
    const prefix = `${uniqueName('r')}-`;
    const original = indicesForDate(h.template, DATE);
    const result = await restore(prefix, swap.interceptor);
    expect(result.indices).toEqual([
      { name: original, restoredAs: `${prefix}${original}`, expected: docs, actual: docs },
    ]);
    expect((await h.search.count({ index: `${prefix}${original}` })).body.count).toBe(docs);
    expect(sha256(await get(sealed.manifestKey))).toBe(sha256(forged()));
    expect(swap.ref()!.versionId).toBeDefined();
    expect(swap.ref()!.versionId).not.toBe(forgedVersion());
    await h.search.indices.delete({ index: `${prefix}${original}` });
  });

  it('restores nothing, as tampered, when the authenticated version is deleted mid-restore', async () => {
    const swap = deleteAuthenticated('stageRestoreVolume');
    const prefix = `${uniqueName('d')}-`;
    const cause = tamperedFailure(await restore(prefix, swap.interceptor).catch((e: unknown) => e));
    expect(swap.ref()).toBeDefined();
    expect(cause.message).toContain('is gone; nothing read from it is trusted');
    expect(await resolveIndices(h.search, `${prefix}*`)).toEqual([]);
    const staged = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.staging.bucket }));
    expect(staged.Contents ?? []).toEqual([]);
  });
});
