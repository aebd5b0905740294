// The snapshot's staging copy tampered with between the snapshot's end and the plan, on the real stack, through
// S3 as a bucket writer would (no key, no hook in snapseal's code): the worker's S3 client goes through a
// loopback proxy, and on the run's first read of its snapshot repository (the listing the document count and
// the plan start from) the test first deletes or overwrites one blob with a direct client. The run must fail
// as ArchiveTampered naming that blob, with nothing uploaded or signed, and still clean up (even when the
// cluster can no longer read the snapshot it wrote). Before the repository was read from
// its version history, each of these was archived and sealed as the bucket then held it.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { startFaultProxy, type FaultProxy } from '../faults/fault-proxy';
import { createArchiveHarness, stagingRepositories, workerEnv, type ArchiveHarness } from './archive-harness';

/** A tamper of one blob of the repository under `base` (its key found by `pick`); returns the key. */
interface Tamper {
  pick: RegExp;
  act(s3: S3Client, bucket: string, key: string): Promise<void>;
}

const bytesOf = async (s3: S3Client, bucket: string, key: string): Promise<Buffer> => {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
};

describe("the snapshot's staging copy tampered with before the plan (real stack)", () => {
  let h: ArchiveHarness;
  let proxy: FaultProxy;

  beforeAll(async () => {
    h = await createArchiveHarness();
    proxy = await startFaultProxy(process.env.SNAPSEAL_S3_ENDPOINT!);
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  /** Whether a proxied request lists the staging bucket under a snapshot repository (plain or by versions). */
  const listsRepository = (method: string, path: string): boolean => {
    const url = new URL(path, 'http://proxy');
    const prefix = url.searchParams.get('prefix') ?? '';
    return (
      method === 'GET' &&
      url.pathname.replace(/\/$/, '') === `/${h.config.staging.bucket}` &&
      /\/repository\/$/.test(prefix)
    );
  };

  /**
   * Archives `date` with a worker whose S3 requests go through the proxy; on the first listing of the run's
   * repository, `tamper` acts on one of its blobs first. Resolves with the run's outcome and the key tampered.
   */
  async function archiveTampered(date: string, tamper: Tamper): Promise<{ outcome: unknown; key: string }> {
    await loadSampleDay(h.search, h.template, date, 300);
    let tampered: Promise<string> | undefined;
    proxy.intercept(async (method, path) => {
      if (!listsRepository(method, path)) return;
      tampered ??= (async () => {
        const prefix = new URL(path, 'http://proxy').searchParams.get('prefix')!;
        const listed = await h.s3.send(
          new ListObjectsV2Command({ Bucket: h.config.staging.bucket, Prefix: prefix }),
        );
        const key = (listed.Contents ?? [])
          .map((o) => o.Key!)
          .find((k) => tamper.pick.test(k.slice(prefix.length)));
        if (!key) throw new Error(`no blob of ${prefix} matches ${String(tamper.pick)}`);
        await tamper.act(h.s3, h.config.staging.bucket, key);
        return key;
      })();
      await tampered;
    });
    try {
      const outcome = await h.runWorker(
        h.temporal.workflow
          .execute('archiveSnapshot', {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
            args: [{ date }],
          })
          .catch((err: unknown) => err),
        {},
        loadConfig(workerEnv(h, { SNAPSEAL_S3_ENDPOINT: proxy.url })),
      );
      if (!tampered) throw new Error('the run never listed its snapshot repository');
      return { outcome, key: await tampered };
    } finally {
      proxy.intercept(undefined);
    }
  }

  /** The run failed as ArchiveTampered naming `key`, and nothing of the day is in the archive bucket. */
  async function expectRefused(date: string, outcome: unknown, key: string, what: RegExp): Promise<void> {
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const activity = (outcome as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const cause = activity.cause as ApplicationFailure;
    expect(cause.type).toBe('ArchiveTampered');
    expect(cause.message).toContain(`s3://${h.config.staging.bucket}/${key}: `);
    expect(cause.message).toMatch(what);
    const archiveId = archiveIdFor(date, indicesForDate(h.template, date));
    const archived = await h.s3.send(new ListObjectsV2Command({ Bucket: h.config.archive.bucket }));
    const keys = (archived.Contents ?? []).map((o) => o.Key!);
    expect(keys.filter((k) => k.includes(archiveId))).toEqual([]);
    expect(keys.filter((k) => k.endsWith('manifest.json'))).toEqual([]);
  }

  it('refuses a data blob deleted (a delete marker) before the plan, naming it; nothing is signed', async () => {
    const date = '2026-10-01';
    const { outcome, key } = await archiveTampered(date, {
      pick: /^indices\/[^/]+\/\d+\/__/,
      act: async (s3, bucket, k) => void (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: k }))),
    });
    await expectRefused(date, outcome, key, /deleted after the snapshot wrote it/);
  });

  it("refuses the repository's index-N written over before the plan, naming it; nothing is signed", async () => {
    const date = '2026-10-02';
    const { outcome, key } = await archiveTampered(date, {
      pick: /^index-\d+$/,
      // Still the cluster's RepositoryData, re-serialised: valid JSON with other bytes.
      act: async (s3, bucket, k) => {
        const data = JSON.parse((await bytesOf(s3, bucket, k)).toString('utf8')) as unknown;
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: k, Body: JSON.stringify(data, undefined, 1) }),
        );
      },
    });
    await expectRefused(date, outcome, key, /written over after the snapshot wrote it/);
  });

  it("refuses a second repository generation (index-N) planted beside the snapshot's, naming it", async () => {
    const date = '2026-10-05';
    let planted = '';
    const { outcome } = await archiveTampered(date, {
      pick: /^index-0$/,
      // A restore would read the highest generation: a copy of the cluster's, one generation up.
      act: async (s3, bucket, k) => {
        planted = k.replace(/index-0$/, 'index-1');
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: planted, Body: await bytesOf(s3, bucket, k) }),
        );
      },
    });
    await expectRefused(date, outcome, planted, /a second repository generation beside index-0/);
  });

  it("refuses the snapshot's own snap-<uuid>.dat written over, and still cleans up the run the cluster cannot read", async () => {
    const date = '2026-10-04';
    const { outcome, key } = await archiveTampered(date, {
      pick: /^snap-[^/]+\.dat$/,
      act: async (s3, bucket, k) => {
        const bytes = await bytesOf(s3, bucket, k);
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: k, Body: bytes.subarray(0, bytes.length >> 1) }),
        );
      },
    });
    await expectRefused(date, outcome, key, /written over after the snapshot wrote it/);
    // The cluster cannot read that snapshot any more; cleanup removed the run's folder and repository anyway.
    const staging = await h.s3.send(
      new ListObjectsV2Command({ Bucket: h.config.staging.bucket, Prefix: key.split('/repository/')[0] }),
    );
    expect(staging.Contents ?? []).toEqual([]);
    expect(await stagingRepositories(h)).toEqual([]);
  });

  it("refuses a shard's snap-<uuid>.dat written over before the plan, naming it; nothing is signed", async () => {
    const date = '2026-10-03';
    const { outcome, key } = await archiveTampered(date, {
      pick: /^indices\/[^/]+\/\d+\/snap-[^/]+\.dat$/,
      act: async (s3, bucket, k) => {
        const bytes = await bytesOf(s3, bucket, k);
        bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: bytes }));
      },
    });
    await expectRefused(date, outcome, key, /written over after the snapshot wrote it/);
  });
});
