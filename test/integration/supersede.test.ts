// A corrected archive of a day, on the real stack through the built CLI: `archive --supersede` seals the day's
// next revision whose signed manifest names the archive it supersedes (id, sequence, sha256) and why; both stay
// and verify; `verify --chain` lists the correction; and a bucket writer who removes the superseded archive
// leaves a claim the chain no longer bears out, reported by name with exit code 4.
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import type { ArchiveListing } from '../../src/cli/list-archives';
import type { ArchivingStatus } from '../../src/cli/status-command';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { parseManifest } from '../../src/pipeline/manifest';
import type { ChainReport } from '../../src/verify/verify-chain';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';

const DATE = '2026-11-12';
const REASON = 'the shipper delivered 40 late documents after the first seal';

describe('a signed supersede of a corrected day (real stack, built CLI)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  const snapseal = <T>(args: string[]) => snapsealJson<T>(workerEnv(h), args);
  const manifestOf = async (key: string) =>
    parseManifest(
      await (
        await h.s3.send(new GetObjectCommand({ Bucket: h.config.archive.bucket, Key: key }))
      ).Body!.transformToString('utf8'),
    );

  it('seals the correction naming the superseded archive, which stays; verify --chain lists it', async () => {
    await loadSampleDay(h.search, h.template, DATE, 120);
    await h.runWorker(
      (async () => {
        const first = await snapseal<ArchiveResult>(['archive', '--date', DATE]);
        expect(first.code).toBe(0);
        expect(first.out).toMatchObject({ status: 'SEALED', sequence: 1 });
        const original = first.out.archiveId;

        // A correction says why: without --reason nothing starts (usage error).
        const noReason = await snapseal<{ error: string }>(['archive', '--supersede', original]);
        expect(noReason.code).toBe(2);
        expect(noReason.stderr + JSON.stringify(noReason.out)).toContain('--reason');

        const corrected = await snapseal<ArchiveResult>([
          'archive',
          '--supersede',
          original,
          '--reason',
          REASON,
        ]);
        expect(corrected.code).toBe(0);
        expect(corrected.out).toMatchObject({
          status: 'SEALED',
          archiveId: `${original}~r2`,
          sequence: 2,
          supersedes: { archiveId: original, sequence: 1, reason: REASON },
        });
        // Signed into the manifest: the superseded archive's id, sequence and exact manifest digest.
        const signed = await manifestOf(corrected.out.manifestKey);
        expect(signed.supersedes).toEqual({
          archiveId: original,
          sequence: 1,
          manifestSha256: first.out.manifestSha256,
          reason: REASON,
        });

        // Without --supersede the day stays sealed as it was: nothing new is sealed.
        const again = await snapseal<ArchiveResult>(['archive', '--date', DATE]);
        expect(again.out).toMatchObject({ status: 'ALREADY_SEALED', archiveId: original, sequence: 1 });

        const chain = await snapseal<ChainReport>(['verify', '--chain']);
        expect(chain.code).toBe(0);
        expect(chain.out).toMatchObject({ ok: true, archives: 2, problems: [] });
        expect(chain.out.supersessions).toEqual([
          {
            sequence: 2,
            archiveId: `${original}~r2`,
            supersededSequence: 1,
            supersededArchiveId: original,
            reason: REASON,
          },
        ]);
        // list marks the superseded archive; status takes the correction as the day's archive.
        const listed = await snapseal<ArchiveListing[]>(['list']);
        expect(listed.out.map((r) => [r.id, r.status, r.supersedes, r.supersededBy])).toEqual([
          [original, 'SUPERSEDED', undefined, `${original}~r2`],
          [`${original}~r2`, 'SEALED', original, undefined],
        ]);
        const status = await snapseal<ArchivingStatus>(['status']);
        expect(status.out.newest).toMatchObject({ archiveId: `${original}~r2`, sequence: 2, date: DATE });

        // The superseded archive stays, and still verifies.
        const old = await snapseal<VerifyReport>(['verify', original]);
        expect(old.code).toBe(0);
        expect(old.out).toMatchObject({ archiveId: original, ok: true });

        // A bucket writer removes the superseded original (a plain DELETE): the signed claim now names an
        // archive the chain does not hold, and verify --chain says so by name.
        await h.s3.send(
          new DeleteObjectCommand({
            Bucket: h.config.archive.bucket,
            Key: archiveLayout(h.config.archive.prefix, original).manifestKey,
          }),
        );
        const broken = await snapseal<ChainReport>(['verify', '--chain']);
        expect(broken.code).toBe(4);
        expect(broken.out.ok).toBe(false);
        expect(broken.out.problems).toContainEqual({
          archiveId: `${original}~r2`,
          sequence: 2,
          problem: expect.stringContaining(
            `supersedes ${original} (#1, manifest sha256 ${first.out.manifestSha256}), which is not in the chain`,
          ),
        });
        expect(broken.out.supersessions).toEqual([]);
      })(),
    );
  });

  it('refuses to supersede an archive that was never sealed, and names it', async () => {
    await loadSampleDay(h.search, h.template, '2026-11-13', 20);
    const never = `2026-11-13_${h.template.replace('{DD}{MM}{YYYY}', '13112026')}`;
    const refused = await h.runWorker(
      snapseal<{ error: string }>(['archive', '--supersede', never, '--reason', REASON]),
    );
    expect(refused.code).toBe(1);
    expect(JSON.stringify(refused.out) + refused.stderr).toContain(
      `--supersede ${never}: no sealed archive with that id`,
    );
  });
});
