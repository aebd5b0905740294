// Schedules on the real Temporal server: the daily one is created, triggered once, and its run archives
// "yesterday" relative to the scheduled time, as a child workflow named after the archive; a cron is taken
// exactly as Temporal takes it, and Temporal's refusal reaches the user as a usage error. A run the Schedule
// starts before its day has settled waits on a durable timer, shown as such, and archives nothing yet.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { calendarDateIn, dayEndsAt, indicesForDate } from '../../src/archive/archive-date';
import {
  createSchedule,
  dailySchedule,
  drillSchedule,
  ScheduleInputError,
  scheduleTiming,
} from '../../src/cli/schedule-command';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { STAGE } from '../../src/workflows/search-attributes';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';
import { uniqueName } from './stack';

describe('Schedules', () => {
  let h: ArchiveHarness;
  const created: string[] = [];
  beforeAll(async () => {
    // Yesterday has settled whenever these tests run (the settle test gives its worker its own settle time).
    h = await createArchiveHarness({ SNAPSEAL_DAY_SETTLE_MINUTES: '0' });
  });
  afterAll(async () => {
    for (const id of [h.config.schedule.id, ...created]) {
      await h.temporal.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    }
    await h?.close();
  });

  /** A daily Schedule of this harness under its own id, removed after the tests. */
  function dailyUnder(options: { cron?: string; timeZone?: string }) {
    const scheduleId = uniqueName('cron');
    created.push(scheduleId);
    return { ...dailySchedule(h.config, scheduleTiming(h.config, options)), scheduleId };
  }

  async function exists(scheduleId: string): Promise<boolean> {
    return h.temporal.schedule
      .getHandle(scheduleId)
      .describe()
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof ScheduleNotFoundError) return false;
          throw err;
        },
      );
  }

  it('is created with the documented policies, triggered, and its run seals yesterday', async () => {
    const yesterday = calendarDateIn(new Date(), 'UTC', 1);
    await loadSampleDay(h.search, h.template, yesterday, 200);
    await createSchedule(
      h.temporal,
      dailySchedule(h.config, scheduleTiming(h.config, { cron: '30 1 * * *', timeZone: 'UTC' })),
    );
    const handle = h.temporal.schedule.getHandle(h.config.schedule.id);
    const described = await handle.describe();
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ONE);
    expect(described.policies.catchupWindow).toBe(3 * 24 * 3600 * 1000);
    expect(described.action.workflowType).toBe('dailyArchive');

    await handle.trigger();
    const result = await h.runWorker(
      (async () => {
        for (let i = 0; i < 120; i++) {
          const info = (await handle.describe()).info.recentActions[0];
          if (info) return h.temporal.workflow.getHandle(info.action.workflow.workflowId).result();
          await new Promise((r) => setTimeout(r, 250));
        }
        throw new Error('the triggered schedule started no workflow within 30 s');
      })(),
    );
    expect(result.status).toBe('SEALED');
    expect(result.indices.map((i: { name: string }) => i.name)).toEqual([
      indicesForDate(h.template, yesterday),
    ]);
  });

  it('waits on a durable timer, shown as settling, when it fires before yesterday has settled', async () => {
    const yesterday = calendarDateIn(new Date(), 'UTC', 1);
    await loadSampleDay(h.search, h.template, yesterday, 20);
    // A settle time reaching three hours past now: the Schedule fires "too early", as at 00:10 with a 60 min settle.
    const endedAt = dayEndsAt(yesterday, 'UTC');
    const settleMinutes = Math.ceil((Date.now() - endedAt.getTime()) / 60_000) + 180;
    const settledAt = new Date(endedAt.getTime() + settleMinutes * 60_000);
    const request = dailyUnder({ cron: '30 1 * * *', timeZone: 'UTC' });
    await createSchedule(h.temporal, request);
    const schedule = h.temporal.schedule.getHandle(request.scheduleId);
    // A run of the archive started by this trigger counts (the first test sealed yesterday in an older run).
    const triggeredAt = Date.now() - 1_000;
    await schedule.trigger();
    const worker = { ...h.config, schedule: { ...h.config.schedule, settleMinutes } };
    const archiveId = archiveWorkflowId(
      h.config.temporal.taskQueue,
      yesterday,
      indicesForDate(h.template, yesterday),
    );
    const archiveStarted = () =>
      h.temporal.workflow
        .getHandle(archiveId)
        .describe()
        .then(
          (d) => d.startTime.getTime() >= triggeredAt,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          },
        );
    const seen = await h.runWorker(
      (async () => {
        for (let i = 0; i < 240; i++) {
          const action = (await schedule.describe()).info.recentActions[0];
          if (action) {
            const run = h.temporal.workflow.getHandle(action.action.workflow.workflowId);
            const described = await run.describe();
            const stage = described.typedSearchAttributes.get(STAGE);
            // Whichever comes first: the wait shown, the run closed, or the archive started without waiting.
            if (stage || described.status.name !== 'RUNNING' || (await archiveStarted())) {
              const history = await run.fetchHistory();
              if (described.status.name === 'RUNNING') await run.terminate('settle test done');
              return { stage, status: described.status.name, history };
            }
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        throw new Error('the triggered schedule started no workflow within 60 s');
      })(),
      undefined,
      worker,
    );
    expect(seen).toMatchObject({ stage: 'settling', status: 'RUNNING' });
    expect(await archiveStarted()).toBe(false);
    const timers = (seen.history.events ?? []).filter((e) => e.timerStartedEventAttributes);
    expect(timers).toHaveLength(1);
    const timeout = timers[0]!.timerStartedEventAttributes!.startToFireTimeout!;
    const firesAt = Number(timers[0]!.eventTime!.seconds) * 1000 + Number(timeout.seconds) * 1000;
    // The timer fires when the day has settled (event times are whole seconds here).
    expect(Math.abs(firesAt - settledAt.getTime())).toBeLessThan(2_000);
    // The UI shows the timer with its summary: why the run waits, and until when.
    const summary = timers[0]!.userMetadata?.summary?.data;
    expect(JSON.parse(Buffer.from(summary ?? []).toString('utf8'))).toContain(
      `settles at ${settledAt.toISOString()}`,
    );
  });

  it.each([
    // Weekday names, shorthands and intervals: what Temporal accepts, the CLI accepts.
    ['0 6 * * MON-FRI', (t: Date) => t.getUTCHours() === 6 && t.getUTCDay() >= 1 && t.getUTCDay() <= 5],
    ['@daily', (t: Date) => t.getUTCHours() === 0 && t.getUTCMinutes() === 0],
    ['@every 1h', (t: Date) => t.getUTCMinutes() === 0 && t.getUTCSeconds() === 0],
  ])('takes the cron %j as Temporal does and reports its next runs', async (cron, fits) => {
    const schedule = await createSchedule(h.temporal, dailyUnder({ cron, timeZone: 'UTC' }));
    expect(schedule.cron).toBe(cron);
    expect(schedule.nextRuns.length).toBeGreaterThan(1);
    for (const run of schedule.nextRuns) {
      expect(Date.parse(run)).toBeGreaterThan(Date.now());
      expect(fits(new Date(run))).toBe(true);
    }
    if (cron === '@every 1h')
      expect(Date.parse(schedule.nextRuns[1]!) - Date.parse(schedule.nextRuns[0]!)).toBe(3600_000);
  });

  it.each([
    ['30 25x * * *', 'UTC', 'Hour is not in range [0-23]', 'cron "30 25x * * *" from --cron'],
    ['30 1 * *', 'UTC', 'CronString does not have 5-7 fields', 'cron "30 1 * *" from --cron'],
    [
      '30 1 * * *',
      'Mars/Olympus',
      'unknown time zone Mars/Olympus',
      'time zone "Mars/Olympus" from --time-zone',
    ],
  ])(
    "reports Temporal's refusal of %j in %s as a usage error and creates nothing",
    async (cron, timeZone, reason, source) => {
      const request = dailyUnder({ cron, timeZone });
      const refused = await createSchedule(h.temporal, request).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(ScheduleInputError);
      const message = refused instanceof Error ? refused.message : '';
      expect(message).toContain(`Temporal refused the schedule "${request.scheduleId}": ${reason}`);
      expect(message).toContain(source);
      expect(await exists(request.scheduleId)).toBe(false);
    },
  );

  it('creates the drill schedule through the same function, and refuses to create one twice', async () => {
    const timing = scheduleTiming(h.config, { cron: '0 6 * * MON' });
    const request = drillSchedule(h.config, timing);
    created.push(request.scheduleId);
    const schedule = await createSchedule(h.temporal, request);
    expect(schedule.scheduleId).toBe(`${h.config.schedule.id}-drill`);
    expect(new Date(schedule.nextRuns[0]!).getUTCDay()).toBe(1);
    const described = await h.temporal.schedule.getHandle(request.scheduleId).describe();
    expect(described.action.workflowType).toBe('restoreDrill');
    expect(described.action.taskQueue).toBe(`${h.config.temporal.taskQueue}-restore`);
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

    await expect(createSchedule(h.temporal, request)).rejects.toThrow(
      `A schedule "${request.scheduleId}" exists already`,
    );
  });
});
