import { loadConfig } from '../../../src/config';
import {
  describeCreated,
  drillSchedule,
  dailySchedule,
  scheduleTiming,
} from '../../../src/cli/schedule-command';
import { dailyArchive, restoreDrill } from '../../../src/workflows';
import { ScheduleOverlapPolicy } from '@temporalio/client';

const config = loadConfig({
  SNAPSEAL_SCHEDULE_ID: 'nightly',
  SNAPSEAL_SCHEDULE_CRON: '0 2 * * MON-FRI',
  SNAPSEAL_SCHEDULE_TIMEZONE: 'Europe/Berlin',
  SNAPSEAL_TASK_QUEUE: 'prod',
});

describe('schedule requests', () => {
  it('take the cron and time zone from the settings unless options override them, and say which', () => {
    expect(scheduleTiming(config, {})).toEqual({
      cron: '0 2 * * MON-FRI',
      timeZone: 'Europe/Berlin',
      sources: { cron: 'SNAPSEAL_SCHEDULE_CRON', timeZone: 'SNAPSEAL_SCHEDULE_TIMEZONE' },
    });
    expect(scheduleTiming(config, { cron: '@every 1h', timeZone: 'UTC' })).toEqual({
      cron: '@every 1h',
      timeZone: 'UTC',
      sources: { cron: '--cron', timeZone: '--time-zone' },
    });
  });

  it('pass the cron to Temporal as the user wrote it', () => {
    const timing = scheduleTiming(config, { cron: '  30 1 * * mon-fri ' });
    expect(dailySchedule(config, timing).timing.cron).toBe('  30 1 * * mon-fri ');
  });

  it('start the daily archive on the archive queue and the drill on the restore queue, by workflow reference', () => {
    const timing = scheduleTiming(config, {});
    const daily = dailySchedule(config, timing, 'audit-*');
    expect(daily.scheduleId).toBe('nightly');
    expect(daily.action).toMatchObject({
      workflowType: dailyArchive,
      taskQueue: 'prod',
      workflowId: 'nightly-run',
      args: [{ timeZone: 'Europe/Berlin', indices: 'audit-*' }],
    });
    expect(daily.policies).toMatchObject({
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      catchupWindow: '3 days',
    });

    const drill = drillSchedule(config, timing);
    expect(drill.scheduleId).toBe('nightly-drill');
    expect(drill.action).toMatchObject({ workflowType: restoreDrill, taskQueue: 'prod-restore', args: [] });
    expect(drill.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' });
  });

  it('show a created schedule with the next runs Temporal computed, or that it never fires', () => {
    const created = { scheduleId: 'nightly', cron: '0 0 30 2 *', timeZone: 'UTC', nextRuns: [] };
    expect(describeCreated(created, 'schedule')).toContain('next runs: none (this cron never fires)');
    expect(
      describeCreated(
        { ...created, cron: '@daily', nextRuns: ['2026-12-03T00:00:00.000Z'] },
        'drill schedule',
      ),
    ).toBe('created drill schedule nightly: "@daily" UTC; next runs: 2026-12-03T00:00:00.000Z');
  });
});
