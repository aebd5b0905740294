// `snapseal status` as an operator's probe runs it, on the real stack: stale (exit code 5) before the first
// archive and past --max-age-hours, healthy after a seal, the missed day between two archives, the Schedule's
// next run, and a run in progress.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { ArchivingStatus } from '../../src/cli/status-command';
import { createSchedule } from '../../src/cli/schedule-command';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('snapseal status (real stack)', () => {
  let h: ArchiveHarness;
  const status = (args: string[] = []): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(
        'node',
        [bin, 'status', ...args],
        { env: workerEnv(h, { SNAPSEAL_SCHEDULE_ID: h.config.schedule.id }), timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const statusJson = async (extra: string[] = []): Promise<{ code: number; s: ArchivingStatus }> => {
    const ran = await new Promise<Ran>((resolve) => {
      execFile(
        'node',
        [bin, '--json', 'status', ...extra],
        { env: workerEnv(h, { SNAPSEAL_SCHEDULE_ID: h.config.schedule.id }), timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    return { code: ran.code, s: JSON.parse(ran.stdout) as ArchivingStatus };
  };
  const archive = (date: string) =>
    h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }),
    );

  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => {
    await h?.temporal.schedule
      .getHandle(h.config.schedule.id)
      .delete()
      .catch(() => undefined);
    await h?.close();
  });

  it('is stale with exit code 5 before the first archive', async () => {
    const { code, s } = await statusJson();
    expect(code).toBe(5);
    expect(s).toMatchObject({ stale: true, maxAgeHours: 26, missedDays: [], running: [] });
    expect(s.newest).toBeUndefined();
    expect(s.scheduleNote).toContain(`no schedule "${h.config.schedule.id}"`);
    const human = await status();
    expect(human.code).toBe(5);
    expect(human.stdout).toContain('STALE: no sealed archive yet');
  });

  it('reports the newest archive, the missed day and the Schedule; stale past --max-age-hours', async () => {
    await loadSampleDay(h.search, h.template, '2026-11-18', 200);
    await loadSampleDay(h.search, h.template, '2026-11-20', 200);
    await archive('2026-11-18');
    const newest = await archive('2026-11-20');
    await createSchedule(h.temporal, h.config, { cron: '30 1 * * *', timeZone: 'UTC' });

    const { code, s } = await statusJson();
    expect(code).toBe(0);
    expect(s.stale).toBe(false);
    expect(s.newest).toMatchObject({ archiveId: newest.archiveId, date: '2026-11-20', sequence: 2 });
    expect(s.newest!.ageHours).toBeLessThan(1);
    expect(s.missedDays).toEqual(['2026-11-19']);
    expect(s.schedule).toMatchObject({ scheduleId: h.config.schedule.id, paused: false });
    expect(Date.parse(s.schedule!.nextRun!)).toBeGreaterThan(Date.now());

    const strict = await statusJson(['--max-age-hours', '0.0001']);
    expect(strict.code).toBe(5);
    expect(strict.s.stale).toBe(true);

    const human = await status();
    expect(human.stdout).toContain(`OK: newest archive ${newest.archiveId} (#2, date 2026-11-20)`);
    expect(human.stdout).toContain('missed days: 2026-11-19');

    const bad = await status(['--max-age-hours', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --max-age-hours "soon"');
  });

  it('lists an archive run in progress', async () => {
    // No worker polls this run's queue: it stays running until terminated.
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, '2026-11-21'),
      args: [{ date: '2026-11-21' }],
    });
    try {
      let s: ArchivingStatus;
      // Visibility is eventually consistent: wait for the run to be listed.
      for (;;) {
        s = (await statusJson()).s;
        if (s.running.length > 0) break;
      }
      expect(s.running).toEqual([expect.objectContaining({ status: expect.stringMatching(/^RUNNING/) })]);
    } finally {
      await handle.terminate('test done');
    }
  });
});
