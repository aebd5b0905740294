// `snapseal archive` as an operator runs it (the built bin against real workers): a closed run is never taken
// as the answer, a run in progress is joined and says so, a role no worker serves is named within seconds,
// Ctrl-C says the run goes on and how to stop it, and `snapseal cancel` stops it.
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { archiveLayout } from '../../src/archive/archive-layout';
import type { StartedArchive } from '../../src/cli/archive-command';
import type { CancelOutcome } from '../../src/cli/cancel-command';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

type Archived = ArchiveResult & { workflowId: string; url: string };

describe('snapseal archive (real stack)', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => h?.close());

  const snapseal = <T>(args: string[]) => snapsealJson<T>(workerEnv(h), args);

  // First: a worker stopped moments ago is still listed as a poller for a while.
  it('names the role no worker serves within seconds, joins the run in progress, says Ctrl-C leaves it running, and cancels it', async () => {
    const date = '2026-11-13';
    await loadSampleDay(h.search, h.template, date, 50);
    // Workers for archive and seal only: no one streams volumes.
    const withoutStream = loadConfig({
      ...workerEnv(h, { SNAPSEAL_WORKER_ROLES: 'archive,seal' }),
      SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
    });
    const streamQueue = `${h.config.temporal.taskQueue}-stream`;
    await h.runWorker(
      (async () => {
        const cli = spawn('node', [bin, 'archive', '--date', date], { env: workerEnv(h) });
        try {
          let stderr = '';
          const seen = (text: string): Promise<number> =>
            new Promise((resolve, reject) => {
              const check = (): void => {
                if (stderr.includes(text)) resolve(Date.now());
              };
              cli.stderr.on('data', check);
              cli.once('exit', () => reject(new Error(`archive exited before "${text}": ${stderr}`)));
              check();
            });
          cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
          const startedAt = await seen('started ');
          const namedAt = await seen(`no worker polls task queue "${streamQueue}"`);
          expect(namedAt - startedAt).toBeLessThan(20_000);
          expect(stderr).toContain('role stream: start a worker with SNAPSEAL_WORKER_ROLES including stream');
          const workflowId = /^started (\S+): /m.exec(stderr)![1]!;

          // Asked again meanwhile: the run in progress is joined, and said so.
          const joined = await snapseal<StartedArchive>(['archive', '--date', date, '--no-wait']);
          expect(joined.code).toBe(0);
          expect(joined.out).toMatchObject({ workflowId, joined: true });

          cli.kill('SIGINT');
          expect(await exited).toBe(130);
          expect(stderr).toContain(`stopped waiting; the run ${workflowId} continues on the workers.`);
          expect(stderr).toContain(`stop it:  snapseal cancel ${workflowId}`);
        } finally {
          if (cli.exitCode === null) cli.kill('SIGKILL');
        }

        const cancelled = await snapseal<CancelOutcome>(['cancel', '--date', date]);
        expect(cancelled.code).toBe(0);
        expect(cancelled.out).toMatchObject({ status: 'CANCELLED' });
        const twice = await snapseal<{ ok: boolean; error: { message: string } }>([
          'cancel',
          cancelled.out.workflowId,
        ]);
        expect(twice.code).toBe(1);
        expect(twice.out.error.message).toContain('is not in progress (it closed CANCELLED');
      })(),
      undefined,
      withoutStream,
    );
  });

  it('never joins a completed run: a new run checks the bucket, finds the archive sealed, or says it is gone', async () => {
    const date = '2026-11-12';
    await loadSampleDay(h.search, h.template, date, 120);
    await h.runWorker(
      (async () => {
        const first = await snapseal<Archived>(['archive', '--date', date]);
        expect(first.code).toBe(0);
        expect(first.out).toMatchObject({ status: 'SEALED', sequence: 1 });
        const { archiveId } = first.out;

        // Asked again, a new run (not the old result) finds the archive sealed by its own authenticated check.
        const again = await snapseal<Archived>(['archive', '--date', date]);
        expect(again.code).toBe(0);
        expect(again.out.url).not.toBe(first.out.url);
        expect(again.out).toMatchObject({ archiveId, status: 'ALREADY_SEALED', sequence: 1 });

        // The archive's folder is deleted from the bucket; its completed runs stay in Temporal's history.
        const folder = archiveLayout(h.config.archive.prefix, archiveId).folder;
        const listed = await h.s3.send(
          new ListObjectsV2Command({ Bucket: h.config.archive.bucket, Prefix: folder }),
        );
        await h.s3.send(
          new DeleteObjectsCommand({
            Bucket: h.config.archive.bucket,
            Delete: { Objects: (listed.Contents ?? []).map((o) => ({ Key: o.Key! })) },
          }),
        );
        // A new run finds the chain naming an archive of this day that the bucket no longer holds, and says so
        // (the old code printed the first run's "sealed" result).
        const gone = await snapseal<{ ok: boolean; error: { message: string } }>(['archive', '--date', date]);
        expect(gone.code).toBe(1);
        expect(gone.out.ok).toBe(false);
        expect(gone.out.error.message).toContain('Chain entry 1 names this archive');
        const manifest = archiveLayout(h.config.archive.prefix, archiveId).manifestKey;
        await expect(
          h.s3.send(new HeadObjectCommand({ Bucket: h.config.archive.bucket, Key: manifest })),
        ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      })(),
    );
  });
});
