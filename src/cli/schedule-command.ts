// `snapseal schedule …` and the one way snapseal creates a Schedule (the daily archive and the restore drill
// alike): Temporal itself parses the cron and the time zone, and its refusal is reported as a usage error.
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type Workflow,
} from '@temporalio/client';
import type { Command } from 'commander';
import type { Config } from '../config';
import { dailyArchive, restoreDrill } from '../workflows';
import { taskQueuesFor } from '../task-queues';
import { configFrom, output, withTemporal, type GlobalOptions } from './cli-context';

export class ScheduleInputError extends Error {
  override name = 'ScheduleInputError';
}

/** When a Schedule fires: the user's strings, handed to Temporal unchanged, and where each came from. */
export interface ScheduleTiming {
  cron: string;
  timeZone: string;
  /** The option or setting each value came from, so a refusal names what to change. */
  sources: { cron: string; timeZone: string };
}

export interface ScheduleRequest<W extends Workflow> {
  scheduleId: string;
  timing: ScheduleTiming;
  action: ScheduleOptionsStartWorkflowAction<W>;
  policies: NonNullable<ScheduleOptions['policies']>;
}

export interface CreatedSchedule {
  scheduleId: string;
  cron: string;
  timeZone: string;
  /** The next start times as Temporal computed them (empty for a cron that never fires, e.g. 30 February). */
  nextRuns: string[];
}

/** The cron and time zone of a command: its options win over SNAPSEAL_SCHEDULE_CRON / _TIMEZONE. */
export function scheduleTiming(
  config: Config,
  options: { cron?: string; timeZone?: string },
): ScheduleTiming {
  return {
    cron: options.cron ?? config.schedule.cron,
    timeZone: options.timeZone ?? config.schedule.timeZone,
    sources: {
      cron: options.cron !== undefined ? '--cron' : 'SNAPSEAL_SCHEDULE_CRON',
      timeZone: options.timeZone !== undefined ? '--time-zone' : 'SNAPSEAL_SCHEDULE_TIMEZONE',
    },
  };
}

/** Create a Schedule; Temporal checks the spec, so the cron means exactly what Temporal will run. */
export async function createSchedule<W extends Workflow>(
  client: Client,
  request: ScheduleRequest<W>,
): Promise<CreatedSchedule> {
  const { scheduleId, timing } = request;
  let handle: ScheduleHandle;
  try {
    handle = await client.schedule.create<W>({
      scheduleId,
      spec: { cronExpressions: [timing.cron], timezone: timing.timeZone },
      action: request.action,
      policies: request.policies,
    });
  } catch (err) {
    // The client turns the server's "Invalid schedule spec" into a TypeError carrying the server's reason.
    if (err instanceof TypeError) {
      throw new ScheduleInputError(
        `Temporal refused the schedule "${scheduleId}": ${err.message} (cron "${timing.cron}" from ${timing.sources.cron}, ` +
          `time zone "${timing.timeZone}" from ${timing.sources.timeZone}). Temporal takes 5-7 cron fields or a ` +
          `shorthand, e.g. "30 1 * * *", "0 6 * * MON-FRI", "@daily", "@every 1h", and an IANA time zone such as Europe/Berlin.`,
        { cause: err },
      );
    }
    if (err instanceof ScheduleAlreadyRunning) {
      throw new ScheduleInputError(
        `A schedule "${scheduleId}" exists already: delete it first ('snapseal schedule delete' for the daily one) to create it anew`,
        { cause: err },
      );
    }
    throw err;
  }
  const described = await handle.describe();
  return {
    scheduleId,
    cron: timing.cron,
    timeZone: timing.timeZone,
    nextRuns: described.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
  };
}

/** The daily Schedule: yesterday's indices, one day at a time, missed days caught up for three days. */
export function dailySchedule(
  config: Config,
  timing: ScheduleTiming,
  indices?: string,
): ScheduleRequest<typeof dailyArchive> {
  return {
    scheduleId: config.schedule.id,
    timing,
    action: {
      type: 'startWorkflow',
      workflowType: dailyArchive,
      taskQueue: config.temporal.taskQueue,
      args: [{ timeZone: timing.timeZone, indices }],
      workflowId: `${config.schedule.id}-run`,
    },
    policies: {
      // One day's run at a time: a slow run makes the next one wait rather than race it for the chain.
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      // A worker fleet down for up to three days still archives every missed day when it returns.
      catchupWindow: '3 days',
      pauseOnFailure: false,
    },
  };
}

/** The restore drill's Schedule (off until created): a drill missed by more than an hour is skipped. */
export function drillSchedule(config: Config, timing: ScheduleTiming): ScheduleRequest<typeof restoreDrill> {
  return {
    scheduleId: `${config.schedule.id}-drill`,
    timing,
    action: {
      type: 'startWorkflow',
      workflowType: restoreDrill,
      taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
}

async function withSchedule<T>(
  client: Client,
  config: Config,
  use: (handle: ScheduleHandle) => Promise<T>,
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

interface ScheduleAction {
  description: string;
  /** The result, printed by `human` (or as JSON with --json). */
  run: (h: ScheduleHandle) => Promise<{ json: object; human: string }>;
}

/** An action whose result is shown as `human` says (or as JSON). */
function scheduleAction<R extends object>(action: {
  description: string;
  run: (h: ScheduleHandle) => Promise<R>;
  human: (result: R) => string;
}): ScheduleAction {
  return {
    description: action.description,
    run: async (h) => {
      const result = await action.run(h);
      return { json: result, human: action.human(result) };
    },
  };
}

/** What `schedule describe|pause|unpause|trigger|delete` do to the daily Schedule, and how each says it. */
const SCHEDULE_ACTIONS: Record<string, ScheduleAction> = {
  describe: scheduleAction({
    description: 'show the Schedule, its next runs and recent actions',
    run: async (h) => {
      const d = await h.describe();
      return {
        scheduleId: d.scheduleId,
        paused: d.state.paused,
        nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        recentActions: d.info.recentActions.map((a) => ({
          scheduledAt: a.scheduledAt.toISOString(),
          workflowId: a.action.workflow.workflowId,
        })),
      };
    },
    human: (d) =>
      [
        `schedule ${d.scheduleId}${d.paused ? ' (PAUSED)' : ''}`,
        `  next runs: ${d.nextActionTimes.length ? d.nextActionTimes.join(', ') : 'none'}`,
        `  recent runs: ${d.recentActions.length ? d.recentActions.map((a) => `${a.scheduledAt} ${a.workflowId}`).join(', ') : 'none'}`,
      ].join('\n'),
  }),
  pause: scheduleAction({
    description: 'pause the Schedule',
    run: async (h) => {
      await h.pause('paused from the snapseal CLI');
      return { scheduleId: h.scheduleId, paused: true };
    },
    human: (r) => `paused ${r.scheduleId}: no daily archive runs until 'snapseal schedule unpause'`,
  }),
  unpause: scheduleAction({
    description: 'resume the Schedule',
    run: async (h) => {
      await h.unpause('unpaused from the snapseal CLI');
      return { scheduleId: h.scheduleId, paused: false };
    },
    human: (r) => `resumed ${r.scheduleId}`,
  }),
  trigger: scheduleAction({
    description: 'start a run now (archives the day before now)',
    run: async (h) => {
      await h.trigger();
      return { scheduleId: h.scheduleId, triggered: true };
    },
    human: (r) => `triggered ${r.scheduleId}: a run starts now ('snapseal status' shows it)`,
  }),
  delete: scheduleAction({
    description: 'delete the Schedule (archives stay)',
    run: async (h) => {
      await h.delete();
      return { scheduleId: h.scheduleId, deleted: true };
    },
    human: (r) => `deleted ${r.scheduleId} (the archives stay)`,
  }),
};

/** How a created Schedule is shown: what Temporal understood, as its next start times. */
export function describeCreated(created: CreatedSchedule, what: string): string {
  return (
    `created ${what} ${created.scheduleId}: "${created.cron}" ${created.timeZone}; next runs: ` +
    (created.nextRuns.length ? created.nextRuns.join(', ') : 'none (this cron never fires)')
  );
}

export function registerScheduleCommand(program: Command): void {
  const globals = () => program.opts<GlobalOptions>();
  const schedule = program.command('schedule').description('manage the daily Schedule (SNAPSEAL_SCHEDULE_*)');
  schedule
    .command('create')
    .description('create the daily Schedule')
    .option(
      '--cron <expr>',
      'when it runs, as Temporal reads cron: "30 1 * * *", "0 2 * * MON-FRI", "@daily" (default: SNAPSEAL_SCHEDULE_CRON)',
    )
    .option('--time-zone <tz>', 'IANA time zone (default: SNAPSEAL_SCHEDULE_TIMEZONE)')
    .option('--indices <pattern>', 'fixed index selection instead of the date template')
    .action(async (opts: { cron?: string; timeZone?: string; indices?: string }) => {
      const g = globals();
      const config = configFrom(g);
      const request = dailySchedule(config, scheduleTiming(config, opts), opts.indices);
      const created = await withTemporal(config, (client) => createSchedule(client, request));
      output(g, created, () => `${describeCreated(created, 'schedule')}; archives yesterday's indices`);
    });
  for (const [name, action] of Object.entries(SCHEDULE_ACTIONS)) {
    schedule
      .command(name)
      .description(action.description)
      .action(async () => {
        const g = globals();
        const config = configFrom(g);
        const result = await withTemporal(config, (client) => withSchedule(client, config, action.run));
        output(g, result.json, () => result.human);
      });
  }
}
