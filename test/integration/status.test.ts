// `snapseal status` as an operator's probe runs it, on the real stack: unhealthy (exit code 6) without
// workers, Schedule or Temporal, or with a paused Schedule or a witness ahead of the chain; stale (exit code 5)
// past --max-age-hours; healthy after a seal with workers polling; the newest day (not the newest seal), the
// missed day between two archives, the Schedule's next run, and a run in progress.
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { ArchivingStatus } from '../../src/cli/status-command';
import { createSchedule, dailySchedule, scheduleTiming } from '../../src/cli/schedule-command';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { snapsealJson } from './snapseal-cli';
import { removeBucket } from './stack';

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
  const statusJson = async (
    extra: string[] = [],
    env: Record<string, string> = {},
  ): Promise<{ code: number; s: ArchivingStatus }> => {
    const ran = await new Promise<Ran>((resolve) => {
      execFile(
        'node',
        [bin, '--json', 'status', ...extra],
        { env: workerEnv(h, { SNAPSEAL_SCHEDULE_ID: h.config.schedule.id, ...env }), timeout: 60_000 },
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

  it('is unhealthy (exit code 6) before anything runs: no Schedule, no worker on any role queue', async () => {
    const { code, s } = await statusJson();
    expect(code).toBe(6);
    expect(s).toMatchObject({ stale: true, maxAgeHours: 26, missedDays: [], running: [] });
    expect(s.newest).toBeUndefined();
    const queue = h.config.temporal.taskQueue;
    expect(s.problems).toEqual([
      `no schedule "${h.config.schedule.id}" (SNAPSEAL_SCHEDULE_ID): create it with 'snapseal schedule create'`,
      expect.stringContaining(`no worker polls task queue "${queue}" for activity tasks (role archive`),
    ]);
    for (const role of ['stream', 'seal']) expect(s.problems[1]).toContain(`"${queue}-${role}"`);
    const human = await status();
    expect(human.code).toBe(6);
    expect(human.stdout).toContain('UNHEALTHY: no sealed archive yet');
    expect(human.stdout).toContain(`problem: no schedule "${h.config.schedule.id}"`);
  });

  it('names the newest day (not the newest seal) with its sequence, the missed day, the Schedule; OK only with workers polling', async () => {
    await loadSampleDay(h.search, h.template, '2026-11-18', 200);
    await loadSampleDay(h.search, h.template, '2026-11-20', 200);
    const newest = await archive('2026-11-20');
    await archive('2026-11-18'); // a backfill: sealed last, #2, yet not the newest day
    await createSchedule(
      h.temporal,
      dailySchedule(h.config, scheduleTiming(h.config, { cron: '30 1 * * *', timeZone: 'UTC' })),
    );

    // A worker serving every role polls while status looks.
    const { code, s } = await h.runWorker(statusJson());
    expect(s.problems).toEqual([]);
    expect(code).toBe(0);
    expect(s.stale).toBe(false);
    expect(s.newest).toMatchObject({ archiveId: newest.archiveId, date: '2026-11-20', sequence: 1 });
    expect(s.newest!.ageHours).toBeLessThan(1);
    expect(s.missedDays).toEqual(['2026-11-19']);
    expect(s.schedule).toMatchObject({ scheduleId: h.config.schedule.id, paused: false });
    expect(Date.parse(s.schedule!.nextRun!)).toBeGreaterThan(Date.now());
    // The assurance in force is part of the answer: this harness opts out of the witness and the retention.
    expect(s.assurance.inForce).toContain('witness: off (opted out: SNAPSEAL_WITNESS_BUCKET=none)');
    expect(s.assurance.notProven.join('\n')).toMatch(/no witness: a cut tail .* cannot be detected/);

    const strict = await h.runWorker(statusJson(['--max-age-hours', '0.0001']));
    expect(strict.code).toBe(5);
    expect(strict.s.stale).toBe(true);

    const human = await h.runWorker(status());
    expect(human.stdout).toContain(`OK: newest archive ${newest.archiveId} (#1, date 2026-11-20)`);
    expect(human.stdout).toContain('missed days: 2026-11-19');

    const listed = await snapsealJson<{ date: string; sequence: number }[]>(
      workerEnv(h, { TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      ['list'],
    );
    expect(listed.out.map((r) => [r.date, r.sequence])).toEqual([
      ['2026-11-18', 2],
      ['2026-11-20', 1],
    ]);
    const newestOnly = await snapsealJson<{ date: string }[]>(
      workerEnv(h, { TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      ['list', '--limit', '1'],
    );
    expect(newestOnly.out.map((r) => r.date)).toEqual(['2026-11-20']);

    await h.temporal.schedule.getHandle(h.config.schedule.id).pause('test');
    const paused = await h.runWorker(statusJson());
    expect(paused.code).toBe(6);
    expect(paused.s.problems).toEqual([
      `schedule "${h.config.schedule.id}" is paused: resume it with 'snapseal schedule unpause'`,
    ]);
    await h.temporal.schedule.getHandle(h.config.schedule.id).unpause('test');

    const bad = await status(['--max-age-hours', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --max-age-hours "soon"');
  });

  it('is unhealthy when the witness saw a higher sequence than the chain holds (archives removed)', async () => {
    const witness = `${h.config.archive.bucket}-w`;
    await h.s3.send(new CreateBucketCommand({ Bucket: witness }));
    try {
      // As a witness of three seals would hold it, while the chain holds two.
      await h.s3.send(new PutObjectCommand({ Bucket: witness, Key: 'witness/00000003.json', Body: '{}' }));
      const { code, s } = await h.runWorker(statusJson([], { SNAPSEAL_WITNESS_BUCKET: witness }));
      expect(code).toBe(6);
      expect(s.problems).toEqual([
        "the witness (SNAPSEAL_WITNESS_BUCKET) saw sequence 3, the chain ends at 2: archives were removed; run 'snapseal verify --chain'",
      ]);
    } finally {
      await removeBucket(h.s3, witness);
    }
  });

  it('reports from S3 alone when Temporal is unreachable, and says what it could not see', async () => {
    const withoutTemporal = (args: string[]): Promise<Ran> =>
      new Promise((resolve) => {
        const env = workerEnv(h, {
          SNAPSEAL_SCHEDULE_ID: h.config.schedule.id,
          TEMPORAL_ADDRESS: '127.0.0.1:1',
        });
        execFile('node', [bin, '--json', ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ran = await withoutTemporal(['status']);
    expect(ran.code).toBe(6);
    const s = JSON.parse(ran.stdout) as ArchivingStatus;
    expect(s.newest).toMatchObject({ date: '2026-11-20', sequence: 1 });
    expect(s.schedule).toBeUndefined();
    expect(s.problems).toEqual(['Temporal unreachable at 127.0.0.1:1 (TEMPORAL_ADDRESS)']);
    expect(s.scheduleNote).toBe('Temporal unreachable at 127.0.0.1:1: Schedule and running archives unknown');

    const listed = await withoutTemporal(['list']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { date: string; status: string }[];
    expect(rows.map((r) => [r.date, r.status])).toEqual([
      ['2026-11-18', 'SEALED'],
      ['2026-11-20', 'SEALED'],
    ]); // by day, though 2026-11-18 was sealed last
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
