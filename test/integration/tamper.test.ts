// Tampering with sealed archives on the real stack: each change is found, named precisely, and reported
// against the archive, volume or link it concerns. Each case restores the original bytes afterwards.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest, signManifest } from '../../src/pipeline/manifest';
import { generateDemoKeys, readSigningKey } from '../../src/pipeline/openpgp-keys';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveIdFor, indicesForDate } from '../../src/archive/archive-date';
import { chainEntryKey } from '../../src/archive/archive-layout';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';

describe('tamper evidence (real stack)', () => {
  let h: ArchiveHarness;
  const sealed: ArchiveResult[] = [];

  const get = async (key: string): Promise<Buffer> => {
    const got = await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  const put = (key: string, body: Buffer | string) =>
    h.s3.send(new PutObjectCommand({ Bucket: h.config.archive.bucket, Key: key, Body: body }));

  const versionIds = async (key: string): Promise<string[]> => {
    const listed = await h.s3.send(
      new ListObjectVersionsCommand({ Bucket: h.config.archive.bucket, Prefix: key }),
    );
    return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])]
      .filter((v) => v.Key === key)
      .map((v) => v.VersionId!);
  };
  /**
   * Change objects, run `check`, then remove every version and delete marker the change left, so each key's
   * history is as it was (chain entries are read with their history: a restored copy would be a new version).
   */
  async function tampered(
    keys: string[],
    change: () => Promise<void>,
    check: () => Promise<void>,
  ): Promise<void> {
    const before = new Map<string, Set<string>>();
    for (const key of keys) before.set(key, new Set(await versionIds(key)));
    await change();
    try {
      await check();
    } finally {
      for (const [key, kept] of before) {
        for (const versionId of await versionIds(key)) {
          if (kept.has(versionId)) continue;
          await h.s3.send(
            new DeleteObjectCommand({ Bucket: h.config.archive.bucket, Key: key, VersionId: versionId }),
          );
        }
      }
    }
  }

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    for (const [date, docs] of [
      ['2026-11-19', 6000],
      ['2026-11-20', 300],
      ['2026-11-21', 300],
    ] as const) {
      await loadSampleDay(h.search, h.template, date, docs);
      sealed.push(
        await h.runWorker(
          h.temporal.workflow.execute('archiveSnapshot', {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
            args: [{ date }],
          }),
        ),
      );
    }
  });
  afterAll(async () => h?.close());

  const archiveRun = (date: string) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    );
  const failureOf = (err: unknown): ApplicationFailure => {
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    return activity.cause as ApplicationFailure;
  };

  it("does not take a signed manifest copied under another day for that day's archive", async () => {
    // Before: any object at archives/<id>/manifest.json made the run end ALREADY_SEALED, and the day was lost.
    const date = '2026-11-25';
    const folder = `${h.config.archive.prefix}${archiveIdFor(date, indicesForDate(h.template, date))}/`;
    const source = sealed[2]!.manifestKey;
    await tampered(
      [`${folder}manifest.json`, `${folder}manifest.json.asc`],
      async () => {
        await put(`${folder}manifest.json`, await get(source));
        await put(`${folder}manifest.json.asc`, await get(`${source}.asc`));
      },
      async () => {
        const cause = failureOf(await archiveRun(date).catch((e: unknown) => e));
        expect(cause.type).toBe('ArchiveTampered');
        expect(cause.message).toContain(`is a signed manifest of archive ${sealed[2]!.archiveId}`);
        expect(cause.message).toContain(`The day ${date} was NOT archived`);
      },
    );
  });

  it('refuses to link a new archive to a planted chain head, and signs nothing', async () => {
    // Before: the seal took sequence and previous link from whatever chain entry was newest.
    const date = '2026-11-26';
    await loadSampleDay(h.search, h.template, date, 200);
    const planted = chainEntryKey(h.config.archive.prefix, sealed.length + 1);
    const newFolder = `${h.config.archive.prefix}${archiveIdFor(date, indicesForDate(h.template, date))}/`;
    await tampered(
      [planted],
      async () => {
        const entry = {
          sequence: sealed.length + 1,
          archiveId: sealed[0]!.archiveId,
          manifestKey: sealed[0]!.manifestKey,
          manifestSha256: 'f'.repeat(64),
          previous: { archiveId: sealed[2]!.archiveId, manifestSha256: sealed[2]!.manifestSha256 },
        };
        await put(planted, JSON.stringify(entry));
      },
      async () => {
        const cause = failureOf(await archiveRun(date).catch((e: unknown) => e));
        expect(cause.type).toBe('ArchiveTampered');
        expect(cause.message).toMatch(
          /the chain head cannot be trusted .*does not match the signed manifest/,
        );
        await expect(get(`${newFolder}manifest.json`)).rejects.toThrow();
        await expect(get(`${newFolder}manifest.json.asc`)).rejects.toThrow();
      },
    );
  });

  const volumeKey = (n: number) => `${h.config.archive.prefix}${sealed[0]!.archiveId}/volume-000${n}.tar.gpg`;

  it('starts from archives that verify, and a chain that holds', async () => {
    expect(sealed[0]!.volumes).toBeGreaterThan(1);
    expect((await verifyWithConfig(h.config, sealed[0]!.archiveId)).ok).toBe(true);
    const chain = await verifyChainWithConfig(h.config);
    expect(chain).toMatchObject({ ok: true, archives: 3 });
  });

  it('finds one flipped bit in a volume', async () => {
    await tampered(
      [volumeKey(1)],
      async () => {
        const bytes = await get(volumeKey(1));
        bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
        await put(volumeKey(1), bytes);
      },
      async () => {
        const report = await verifyWithConfig(h.config, sealed[0]!.archiveId);
        expect(report.ok).toBe(false);
        expect(report.problems.every((p) => p.volume === 1)).toBe(true);
        expect(report.problems.map((p) => p.problem).join('\n')).toMatch(
          /volume cannot be read or decrypted|does not match its manifest sha256/,
        );
      },
    );
  });

  it('finds a truncated volume', async () => {
    await tampered(
      [volumeKey(2)],
      async () => void (await put(volumeKey(2), (await get(volumeKey(2))).subarray(0, 5000))),
      async () => {
        const report = await verifyWithConfig(h.config, sealed[0]!.archiveId);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.volume)).toContain(2);
        expect(report.problems.filter((p) => p.volume !== 2)).toEqual([]);
      },
    );
  });

  it('finds two swapped volumes', async () => {
    await tampered(
      [volumeKey(1), volumeKey(2)],
      async () => {
        const [one, two] = [await get(volumeKey(1)), await get(volumeKey(2))];
        await put(volumeKey(1), two);
        await put(volumeKey(2), one);
      },
      async () => {
        const report = await verifyWithConfig(h.config, sealed[0]!.archiveId);
        const byVolume = new Set(report.problems.map((p) => p.volume));
        expect(byVolume).toEqual(new Set([1, 2]));
        // Volume 1 now holds volume 2's bytes: caught by its size (never decrypted) or by its sha256.
        expect(
          report.problems
            .filter((p) => p.volume === 1)
            .map((p) => p.problem)
            .join('\n'),
        ).toMatch(/does not match its manifest sha256|it is \d+ bytes, not the \d+ of its manifest entry/);
      },
    );
  });

  it('rejects a manifest re-signed by another key, in verify and in the chain', async () => {
    const manifestKey = sealed[1]!.manifestKey;
    await tampered(
      [manifestKey, `${manifestKey}.asc`],
      async () => {
        const impostor = await generateDemoKeys({ name: 'Impostor', email: 'impostor@example.invalid' });
        const text = (await get(manifestKey)).toString('utf8').replace(/"docCount": \d+/, '"docCount": 1');
        await put(manifestKey, text);
        await put(
          `${manifestKey}.asc`,
          await signManifest(Buffer.from(text), await readSigningKey(impostor.privateKey)),
        );
      },
      async () => {
        const report = await verifyWithConfig(h.config, sealed[1]!.archiveId);
        expect(report.ok).toBe(false);
        expect(report.volumesChecked).toBe(0); // nothing of an unauthenticated manifest is trusted
        expect(report.problems[0]!.problem).toMatch(
          /manifest is not authentic: .*signed by key [0-9A-F]+, which is not a trusted archiver key/,
        );
        const chain = await verifyChainWithConfig(h.config);
        expect(chain.ok).toBe(false);
        expect(chain.problems.map((p) => p.problem).join('\n')).toContain('manifest is not authentic');
      },
    );
  });

  it('finds an older archive re-uploaded under a newer date', async () => {
    const old = sealed[0]!;
    const replayId = '2026-11-22_replayed';
    const replayKey = `${h.config.archive.prefix}${replayId}/manifest.json`;
    await tampered(
      [replayKey, `${replayKey}.asc`],
      async () => {
        await put(replayKey, await get(old.manifestKey));
        await put(`${replayKey}.asc`, await get(`${old.manifestKey}.asc`));
      },
      async () => {
        const chain = await verifyChainWithConfig(h.config);
        expect(chain.ok).toBe(false);
        const text = chain.problems.map((p) => p.problem).join('\n');
        expect(text).toContain(`is stored under ${replayId}: replayed or moved`);
        expect(text).toContain(`archive ${old.archiveId} is sealed twice`);
      },
    );
  });

  it('finds an archive deleted from the middle of the chain', async () => {
    const middle = sealed[1]!;
    await tampered(
      [middle.manifestKey, `${middle.manifestKey}.asc`],
      async () => {
        await h.s3.send(
          new DeleteObjectCommand({ Bucket: h.config.archive.bucket, Key: middle.manifestKey }),
        );
        await h.s3.send(
          new DeleteObjectCommand({ Bucket: h.config.archive.bucket, Key: `${middle.manifestKey}.asc` }),
        );
      },
      async () => {
        const chain = await verifyChainWithConfig(h.config);
        expect(chain.ok).toBe(false);
        expect(chain.firstBroken).toMatchObject({ sequence: 2, archiveId: middle.archiveId });
        expect(chain.problems).toContainEqual(
          expect.objectContaining({
            archiveId: sealed[2]!.archiveId,
            problem: 'archives 2..2 of the chain are missing',
          }),
        );
      },
    );
    expect(parseManifest((await get(middle.manifestKey)).toString('utf8')).sequence).toBe(2);
    expect((await verifyChainWithConfig(h.config)).ok).toBe(true);
  });
});
