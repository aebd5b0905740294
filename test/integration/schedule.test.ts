// The daily Schedule on the real Temporal server: created, triggered once, and its run archives "yesterday"
// relative to the scheduled time, as a child workflow named after the archive.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { calendarDateIn, indicesForDate } from '../../src/archive/archive-date';
import { createSchedule } from '../../src/cli/schedule-command';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';

describe('daily Schedule', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
  });
  afterAll(async () => {
    await h.temporal.schedule
      .getHandle(h.config.schedule.id)
      .delete()
      .catch(() => undefined);
    await h?.close();
  });

  it('is created with the documented policies, triggered, and its run seals yesterday', async () => {
    const yesterday = calendarDateIn(new Date(), 'UTC', 1);
    await loadSampleDay(h.search, h.template, yesterday, 200);
    await createSchedule(h.temporal, h.config, { cron: '30 1 * * *', timeZone: 'UTC' });
    const handle = h.temporal.schedule.getHandle(h.config.schedule.id);
    const described = await handle.describe();
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ONE);
    expect(described.policies.catchupWindow).toBe(3 * 24 * 3600 * 1000);

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
});
