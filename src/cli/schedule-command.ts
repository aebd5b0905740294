// `snapseal schedule …`: the daily Schedule that archives yesterday's indices.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { DailyArchiveInput } from '../workflows/daily-archive';

export class ScheduleInputError extends Error {
  override name = 'ScheduleInputError';
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** Reject a cron typo before it reaches the server (five fields: minute hour day-of-month month day-of-week). */
export function validateCron(cron: string): void {
  const fields = cron.trim().split(/\s+/);
  const bad = fields.findIndex((f) => !CRON_FIELD.test(f));
  if (fields.length !== 5 || bad >= 0) {
    throw new ScheduleInputError(
      `Invalid cron "${cron}" (SNAPSEAL_SCHEDULE_CRON or --cron): expected five fields "minute hour day month weekday", e.g. "30 1 * * *"` +
        (bad >= 0 ? `; field ${bad + 1} ("${fields[bad]}") is not valid` : ''),
    );
  }
}

export function validateTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ScheduleInputError(
      `Unknown time zone "${timeZone}" (SNAPSEAL_SCHEDULE_TIMEZONE or --time-zone): expected an IANA name such as Europe/Berlin`,
    );
  }
}

export interface ScheduleOptions {
  cron: string;
  timeZone: string;
  indices?: string;
}

export async function createSchedule(
  client: Client,
  config: Config,
  options: ScheduleOptions,
): Promise<string> {
  validateCron(options.cron);
  validateTimeZone(options.timeZone);
  const input: DailyArchiveInput = {
    timeZone: options.timeZone,
    indices: options.indices,
  };
  const handle = await client.schedule.create({
    scheduleId: config.schedule.id,
    spec: { cronExpressions: [options.cron], timezone: options.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyArchive',
      taskQueue: config.temporal.taskQueue,
      args: [input],
      workflowId: `${config.schedule.id}-run`,
    },
    policies: {
      // One day's run at a time: a slow run makes the next one wait rather than race it for the chain.
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      // A worker fleet down for up to three days still archives every missed day when it returns.
      catchupWindow: '3 days',
      pauseOnFailure: false,
    },
  });
  return handle.scheduleId;
}

export async function withSchedule<T>(
  client: Client,
  config: Config,
  use: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<T>,
): Promise<T> {
  try {
    return await use(client.schedule.getHandle(config.schedule.id));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      throw new ScheduleInputError(
        `No schedule "${config.schedule.id}" (SNAPSEAL_SCHEDULE_ID): create it with 'snapseal schedule create'`,
      );
    }
    throw err;
  }
}
