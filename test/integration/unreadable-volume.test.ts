// Volumes that cannot be read, on the real stack: `snapseal verify --workflow` (the verify workflow on the
// workers) names each one, does not count it as verified, and exits with the verification code; the check in
// this process (`snapseal verify`) reports the same.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { ExitCode } from '../../src/cli/exit-codes';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';

const DATE = '2026-11-12';

describe('unreadable volumes are not counted as verified (real stack)', () => {
  let h: ArchiveHarness;
  let sealed: ArchiveResult;
  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    await loadSampleDay(h.search, h.template, DATE, 15_000);
    sealed = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE),
        args: [{ date: DATE }],
      }),
    );
  });
  afterAll(async () => h?.close());

  it('names a volume of garbage bytes and a deleted volume, and counts only the others', async () => {
    // Three or more volumes, so the count of the ones left is not zero by chance.
    expect(sealed.volumes).toBeGreaterThanOrEqual(3);
    const verify = (where: string[]) =>
      snapsealJson<VerifyReport>(workerEnv(h), ['verify', sealed.archiveId, ...where]);
    // Before: both paths verify the whole archive.
    const intact = await h.runWorker(verify(['--workflow']));
    expect(intact.code).toBe(0);
    expect(intact.out).toMatchObject({ ok: true, volumesChecked: sealed.volumes, problems: [] });

    const layout = archiveLayout(h.config.archive.prefix, sealed.archiveId);
    const bucket = h.config.archive.bucket;
    await h.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: layout.volumeKey(1), Body: randomBytes(4096) }),
    );
    await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: layout.volumeKey(2) }));

    const onWorkers = await h.runWorker(verify(['--workflow']));
    const here = await verify([]);
    for (const { code, out } of [onWorkers, here]) {
      expect(code).toBe(ExitCode.Verification);
      expect(out.ok).toBe(false);
      expect(out.volumesChecked).toBe(sealed.volumes - 2);
      expect(out.plaintextBytes).toBeLessThan(intact.out.plaintextBytes);
      expect(out.filesChecked).toBeLessThan(intact.out.filesChecked);
      expect(new Set(out.problems.map((p) => p.volume))).toEqual(new Set([1, 2]));
      for (const volume of [1, 2]) {
        expect(out.problems).toContainEqual(
          expect.objectContaining({
            archiveId: sealed.archiveId,
            volume,
            problem: expect.stringMatching(/^volume cannot be read or decrypted: /),
          }),
        );
      }
    }
    // The two paths are one check: the same report, problem for problem.
    expect(onWorkers.out.problems).toEqual(here.out.problems);
    expect(onWorkers.out.filesChecked).toBe(here.out.filesChecked);
    expect(onWorkers.out.plaintextBytes).toBe(here.out.plaintextBytes);
  });
});
