// `snapseal drill run|schedule`: the restore drill now, or on a Schedule (off until created); a failed drill
// exits with code 4.
import type { Command } from 'commander';
import { taskQueuesFor } from '../task-queues';
import { restoreDrill } from '../workflows';
import { configFrom, output, withTemporal, type GlobalOptions } from './cli-context';
import { ExitCode } from './exit-codes';
import { runWorkflow } from './run-workflow';
import { createSchedule, describeCreated, drillSchedule, scheduleTiming } from './schedule-command';

export function registerDrillCommand(program: Command): void {
  const globals = () => program.opts<GlobalOptions>();
  const drill = program
    .command('drill')
    .description(
      'restore drills: restore the newest archive under a throw-away prefix, check counts, delete it',
    );
  drill
    .command('run')
    .description('run one drill now and wait for its outcome')
    .action(async () => {
      const g = globals();
      const config = configFrom(g);
      const outcome = await withTemporal(config, (client) =>
        runWorkflow(client, { globals: g, config, doing: 'drilling on the workers' }, restoreDrill, {
          taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
          workflowId: `${config.temporal.taskQueue}/drill/${Date.now()}`,
          args: [],
        }),
      );
      output(g, outcome, () =>
        outcome.passed
          ? `drill passed: ${outcome.archiveId} restored with matching counts (${outcome.restored?.indices.map((i) => `${i.name}: ${i.actual}`).join(', ')}), then removed`
          : `drill FAILED for ${outcome.archiveId ?? '(no archive)'}: ${outcome.failure}`,
      );
      if (!outcome.passed) process.exitCode = ExitCode.Verification;
    });
  drill
    .command('schedule')
    .description('schedule drills (off until this is run): SNAPSEAL_SCHEDULE_ID-drill')
    .requiredOption(
      '--cron <expr>',
      'when drills run, as Temporal reads cron: "0 6 * * 1" or "0 6 * * MON" (Mondays 06:00), "@weekly"',
    )
    .option('--time-zone <tz>', 'IANA time zone (default: SNAPSEAL_SCHEDULE_TIMEZONE)')
    .action(async (opts: { cron: string; timeZone?: string }) => {
      const g = globals();
      const config = configFrom(g);
      const request = drillSchedule(config, scheduleTiming(config, opts));
      const created = await withTemporal(config, (client) => createSchedule(client, request));
      output(g, created, () => describeCreated(created, 'drill schedule'));
    });
}
