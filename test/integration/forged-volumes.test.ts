// Forged volumes are never signed, on the real stack, with the tampering done through S3 as a bucket writer
// (no key) would do it: an older archive's volume copied into a new archive's slot and its digests into the run's
// staging record while the seal role has not started (attack 1 of issue 22); the volume alone written over; the
// same forgery planted while a volume's activity retries; and a blob whose name restore would refuse planted in
// the snapshot's staging folder before planning.
import { ArchiveBucket } from '../../src/buckets/buckets';
import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  ActivityFailure,
  ApplicationFailure,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { readChainHead } from '../../src/archive/archive-chain';
import type { ArchiveResult, ArchiveTarget } from '../../src/archive/archive-types';
import { loadConfig, type Config } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest, type ArchiveManifest } from '../../src/pipeline/manifest';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';
import { waitFor } from './wait-for';

const OLDER = '2026-11-10';

describe('forged volumes are never signed (real stack)', () => {
  let h: ArchiveHarness;
  let older: ArchiveResult;
  let olderManifest: ArchiveManifest;

  const bytesOf = async (bucket: string, key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const exists = (bucket: string, key: string): Promise<boolean> =>
    h.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    );
  const archiveIdOf = (date: string) => archiveIdFor(date, indicesForDate(h.template, date));
  const folderOf = (date: string) => `${h.config.archive.prefix}${archiveIdOf(date)}/`;
  const slotOf = (date: string) => `${folderOf(date)}volume-0001.tar.gpg`;

  /** A worker configuration of this harness running only `roles`. */
  const roles = (names: string): Config =>
    loadConfig(workerEnv(h, { SNAPSEAL_WORKER_ROLES: names, SNAPSEAL_MAX_VOLUME_MIB: '1' }));

  /** The staging record of volume 1 of the day's run (the run folder carries a run tag: found by listing). */
  async function recordKeyOf(date: string): Promise<string> {
    const listed = await h.s3.send(
      new ListObjectsV2Command({
        Bucket: h.config.staging.bucket,
        Prefix: `${h.config.staging.prefix}${archiveIdOf(date)}/`,
      }),
    );
    const key = (listed.Contents ?? [])
      .map((o) => o.Key!)
      .find((k) => k.endsWith('/work/volume-0001.tar.gpg.json'));
    if (!key) throw new Error(`no staging record of volume 1 for ${date}`);
    return key;
  }

  /** The bucket writer puts the older archive's volume 1 into the day's slot (a new version over it). */
  async function copyOlderVolume(date: string): Promise<{ versionId?: string; etag?: string }> {
    const source = olderManifest.volumes[0]!;
    const put = await h.s3.send(
      new PutObjectCommand({
        Bucket: h.config.archive.bucket,
        Key: slotOf(date),
        Body: await bytesOf(h.config.archive.bucket, source.key),
      }),
    );
    return { versionId: put.VersionId, etag: put.ETag };
  }

  /** Attack 1: the older volume in the slot, and its digests (and the new version) in the staging record. */
  async function forgeVolumeOne(date: string): Promise<{ versionId?: string }> {
    const copied = await copyOlderVolume(date);
    const source = olderManifest.volumes[0]!;
    const key = await recordKeyOf(date);
    const record = JSON.parse((await bytesOf(h.config.staging.bucket, key)).toString('utf8')) as Record<
      string,
      unknown
    >;
    Object.assign(record, {
      plaintextBytes: source.plaintextBytes,
      plaintextSha256: source.plaintextSha256,
      ciphertextBytes: source.ciphertextBytes,
      ciphertextSha256: source.ciphertextSha256,
      files: source.files,
      versionId: copied.versionId,
      etag: copied.etag,
    });
    await h.s3.send(
      new PutObjectCommand({ Bucket: h.config.staging.bucket, Key: key, Body: JSON.stringify(record) }),
    );
    return copied;
  }

  const start = (date: string): Promise<WorkflowHandle> =>
    h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
      args: [{ date }],
    });

  /**
   * The day's run with the archive and stream roles only, until every volume is streamed and the seal is
   * waiting for its role; then `tamper`; then a sealing worker. Resolves with the run's outcome.
   */
  async function sealAfter(date: string, tamper: () => Promise<void>): Promise<unknown> {
    await loadSampleDay(h.search, h.template, date, 1000);
    return h.runWorker(
      (async () => {
        const handle = await start(date);
        await waitFor(async () => {
          const history = await handle.fetchHistory();
          return (history.events ?? []).some(
            (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sealArchive',
          );
        }, 'the seal step to be scheduled');
        await tamper();
        return h.runWorker(
          handle.result().catch((err: unknown) => err),
          {},
          roles('seal'),
        );
      })(),
      {},
      roles('archive,stream'),
    );
  }

  const failureOf = (outcome: unknown): ApplicationFailure => {
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const activity = (outcome as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    return activity.cause as ApplicationFailure;
  };

  /** Nothing signed: no manifest or signature in the day's folder, the chain head still the older archive. */
  async function expectNothingSigned(date: string): Promise<void> {
    expect(await exists(h.config.archive.bucket, `${folderOf(date)}manifest.json`)).toBe(false);
    expect(await exists(h.config.archive.bucket, `${folderOf(date)}manifest.json.asc`)).toBe(false);
    const head = await readChainHead(
      new ArchiveBucket(h.s3, h.config.archive.bucket, h.config.archive.prefix),
    );
    expect(head?.archiveId).toBe(older.archiveId);
    const verify = await snapsealJson<{ ok: boolean }>(workerEnv(h), ['verify', archiveIdOf(date)]);
    expect(verify.code).not.toBe(0);
    expect(verify.out.ok).toBe(false);
  }

  beforeAll(async () => {
    // Retention on: the seal retains the volume versions it verified.
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1', SNAPSEAL_OBJECT_LOCK_DAYS: '1' });
    await loadSampleDay(h.search, h.template, OLDER, 1000);
    older = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, OLDER),
        args: [{ date: OLDER }],
      }),
    );
    olderManifest = parseManifest((await bytesOf(h.config.archive.bucket, older.manifestKey)).toString());
  });
  afterAll(async () => h?.close());

  it('refuses to seal an older volume copied into the slot with its digests in the staging record (attack 1)', async () => {
    // Before: the seal signed the forged record and `snapseal verify` printed OK, exit 0.
    const date = '2026-11-11';
    const cause = failureOf(await sealAfter(date, async () => void (await forgeVolumeOne(date))));
    expect(cause.type).toBe('ArchiveTampered');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(
      `Refusing to seal ${archiveIdOf(date)}: the volume records of batch 1 (volumes 1-`,
    );
    expect(cause.message).toContain('are not the ones archiveVolume wrote');
    expect(cause.message).toContain(
      `volume 1: s3://${h.config.archive.bucket}/${slotOf(date)} has 2 versions`,
    );
    expect(cause.message).toContain('Nothing was signed');
    await expectNothingSigned(date);
  });

  it('refuses to seal a volume written over after its upload, naming the volume', async () => {
    // Before: the seal signed the record's digests over whatever the slot held; verify failed only later.
    const date = '2026-11-12';
    const cause = failureOf(await sealAfter(date, async () => void (await copyOlderVolume(date))));
    expect(cause.type).toBe('ArchiveTampered');
    expect(cause.message).toContain(
      `volume 1 (s3://${h.config.archive.bucket}/${slotOf(date)}) was written over after its upload`,
    );
    await expectNothingSigned(date);
  });

  /** Fails the first attempt of volume 1 after it completed (its upload and record are done), running `act` first. */
  const failFirstAttemptAfter = (
    act: (target: ArchiveTarget) => Promise<void>,
  ): ActivityInterceptorsFactory => {
    return (ctx) => ({
      inbound: {
        async execute(input, next) {
          const result = await next(input);
          if (ctx.info.activityType === 'archiveVolume' && input.args[2] === 1 && ctx.info.attempt === 1) {
            await act(input.args[0] as ArchiveTarget);
            throw new Error('the worker lost its connection after the upload');
          }
          return result;
        },
      },
    });
  };

  const archiveWith = (date: string, interceptor: ActivityInterceptorsFactory) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
      { activityInterceptors: [interceptor] },
    ) as Promise<ArchiveResult>;

  const versionsOf = async (key: string) =>
    (
      await h.s3.send(new ListObjectVersionsCommand({ Bucket: h.config.archive.bucket, Prefix: key }))
    ).Versions?.filter((v) => v.Key === key) ?? [];

  it('does not take a record planted while the volume retries for its upload: the volume is streamed again', async () => {
    // Before: the retry found a record and an object of the recorded size, and the forged volume was sealed.
    const date = '2026-11-13';
    await loadSampleDay(h.search, h.template, date, 1000);
    let forged: string | undefined;
    const sealed = await archiveWith(
      date,
      failFirstAttemptAfter(async () => void (forged = (await forgeVolumeOne(date)).versionId)),
    );
    expect(sealed.status).toBe('SEALED');
    const manifest = parseManifest((await bytesOf(h.config.archive.bucket, sealed.manifestKey)).toString());
    const volume = manifest.volumes[0]!;
    expect(volume.plaintextSha256).not.toBe(olderManifest.volumes[0]!.plaintextSha256);
    expect(volume.ciphertextSha256).not.toBe(olderManifest.volumes[0]!.ciphertextSha256);
    // The manifest names the version streamed again, which is the slot's current one.
    const current = await h.s3.send(
      new HeadObjectCommand({ Bucket: h.config.archive.bucket, Key: slotOf(date) }),
    );
    expect(volume.versionId).toBe(current.VersionId);
    // Retention names that version; the forged one under it is not retained.
    const retention = (versionId?: string) =>
      h.s3
        .send(
          new GetObjectRetentionCommand({
            Bucket: h.config.archive.bucket,
            Key: slotOf(date),
            VersionId: versionId,
          }),
        )
        .then(
          (r) => r.Retention?.Mode,
          () => undefined,
        );
    expect(await retention(volume.versionId)).toBe('GOVERNANCE');
    expect(forged).toBeDefined();
    expect(await retention(forged)).toBeUndefined();
    const report = await verifyWithConfig(h.config, sealed.archiveId);
    expect(report.problems).toEqual([]);
  });

  it('resumes a volume whose upload its heartbeat details prove, without streaming it again', async () => {
    const date = '2026-11-14';
    await loadSampleDay(h.search, h.template, date, 1000);
    const sealed = await archiveWith(
      date,
      failFirstAttemptAfter(async () => undefined),
    );
    expect(sealed.status).toBe('SEALED');
    const versions = await versionsOf(slotOf(date));
    expect(versions).toHaveLength(1);
    const manifest = parseManifest((await bytesOf(h.config.archive.bucket, sealed.manifestKey)).toString());
    expect(manifest.volumes[0]!.versionId).toBe(versions[0]!.VersionId);
    expect((await verifyWithConfig(h.config, sealed.archiveId)).problems).toEqual([]);
  });

  it('fails the plan on a staging blob whose name restore would refuse, naming it; nothing is archived', async () => {
    // Before: the blob was archived and sealed, and restore refused the volume years later. (MinIO itself
    // refuses keys with ".." segments, such as "a/../b"; a Windows path, which it stores, meets the same rule.)
    const date = '2026-11-15';
    await loadSampleDay(h.search, h.template, date, 1000);
    const planted = 'C:\\evil';
    let planting: Promise<unknown> | undefined;
    const plantBeforePlanning: ActivityInterceptorsFactory = (ctx) => ({
      inbound: {
        async execute(input, next) {
          if (ctx.info.activityType === 'planArchiveVolumes') {
            const { folders } = input.args[0] as ArchiveTarget;
            planting ??= h.s3.send(
              new PutObjectCommand({
                Bucket: h.config.staging.bucket,
                Key: `${folders.repositoryBasePath}/${planted}`,
                Body: 'planted',
              }),
            );
            // A plant the store refuses ends the run at once (the test then fails on the cause).
            await planting.catch((err: Error) => {
              throw ApplicationFailure.nonRetryable(`planting failed: ${err.message}`, 'TestSetup');
            });
          }
          return next(input);
        },
      },
    });
    const cause = failureOf(await archiveWith(date, plantBeforePlanning).catch((e: unknown) => e));
    expect(cause.type).toBe('StagingChanged');
    expect(cause.message).toContain(`Staging blob ${JSON.stringify(planted)} of snapshot`);
    expect(cause.message).toContain('has a backslash in its name');
    const listed = await h.s3.send(
      new ListObjectsV2Command({ Bucket: h.config.archive.bucket, Prefix: folderOf(date) }),
    );
    expect(listed.Contents ?? []).toEqual([]);
  });
});
