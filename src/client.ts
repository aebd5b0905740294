#!/usr/bin/env node
// The snapseal CLI: ad hoc archives, listing, the daily Schedule, bucket setup, verification and the demo.
import './cli/quiet-sdk-warnings'; // first: before any SDK client exists
import { Command, Option } from 'commander';
import { formatBytes } from './cli/format';
import { configFrom, output, withTemporal, workflowUrl, type GlobalOptions } from './cli/cli-context';
import { exitWithError } from './cli/exit-with-error';
import { startArchive, waitForArchive } from './cli/archive-command';
import { listArchives } from './cli/list-archives';
import { runStatus } from './cli/status-command';
import { createSchedule, validateCron, validateTimeZone, withSchedule } from './cli/schedule-command';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { VerifyReport } from './verify/verify-archive';
import type { DrillOutcome } from './workflows/restore-drill';
import { runDemo } from './demo/run-demo';
import { createS3Client } from './s3/create-s3-client';
import { ensureBuckets } from './setup/ensure-buckets';
import { verifyChainWithConfig, verifyWithConfig } from './verify/verify-with-config';
import type { ChainProblem } from './verify/verify-chain';
import { TOOL_VERSION } from './tool-version';
import { taskQueuesFor } from './task-queues';
import { assertArchiveId } from './archive/archive-date';
import { checkRestoreInput } from './restore/restore-input';
import type { RestoreRequest, RestoreResult } from './restore/restore-types';

const program = new Command('snapseal')
  .description('Sealed, encrypted, verifiable archives of OpenSearch/Elasticsearch snapshots')
  .version(TOOL_VERSION)
  .option(
    '--settings-file <path>',
    'read settings from this KEY=VALUE file (default: $SNAPSEAL_ENV_FILE); the environment wins',
  )
  .option('--json', 'print machine-readable JSON');

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

class UsageError extends Error {
  override name = 'UsageError';
}

const describeChainProblem = (p: ChainProblem): string =>
  `${p.sequence !== undefined ? `#${p.sequence} ` : ''}${p.archiveId ?? ''}: ${p.problem}`;

program
  .command('archive')
  .description(
    "archive one day's indices (default: yesterday, SNAPSEAL_INDEX_TEMPLATE) and wait for the result",
  )
  .option('--date <YYYY-MM-DD>', 'the day to archive')
  .option('--indices <pattern>', 'index names or patterns, comma-separated, instead of the template')
  .option('--no-wait', 'print the workflow id and exit')
  .action(async (opts: { date?: string; indices?: string; wait: boolean }) => {
    const g = globals();
    const config = configFrom(g);
    await withTemporal(config, async (client) => {
      const started = await startArchive(client, config, { ...opts, progress: !g.json });
      const url = workflowUrl(config, started.workflowId, started.runId);
      if (!opts.wait) {
        output(
          g,
          { ...started, url },
          () => `${started.joined ? 'joined running' : 'started'} ${started.workflowId}\n${url}`,
        );
        return;
      }
      if (!g.json)
        process.stderr.write(`${started.joined ? 'joined' : 'started'} ${started.workflowId}: ${url}\n`);
      const result = await waitForArchive(client, started, !g.json);
      output(g, { ...result, workflowId: started.workflowId, url }, () =>
        [
          `${result.status === 'SEALED' ? 'sealed' : 'already sealed'}: ${result.archiveId} (#${result.sequence}${result.previousArchiveId ? `, after ${result.previousArchiveId}` : ', first in chain'})`,
          `  indices:  ${result.indices.map((i) => `${i.name} (${i.docCount} docs)`).join(', ')}`,
          `  volumes:  ${result.volumes}, ${formatBytes(result.plaintextBytes)} tar, ${formatBytes(result.ciphertextBytes)} encrypted`,
          `  manifest: s3://${config.archive.bucket}/${result.manifestKey} (sha256 ${result.manifestSha256})`,
        ].join('\n'),
      );
    });
  });

program
  .command('list')
  .description('list archives: sealed ones and runs in progress')
  .option('--limit <n>', 'show the newest n archives (0: all)', '20')
  .action(async (opts: { limit: string }) => {
    const g = globals();
    const config = configFrom(g);
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 0)
      throw new UsageError(`--limit must be a whole number of archives (0: all), not "${opts.limit}"`);
    const s3 = createS3Client(config.s3);
    try {
      // Temporal only adds the runs in progress: without it, the sealed archives are still listed.
      const { rows, totalArchives } = await withTemporal(config, (client) =>
        listArchives(s3, client, config, limit),
      ).catch(() => listArchives(s3, undefined, config, limit));
      const sealedShown = rows.filter((r) => r.sequence !== undefined).length;
      output(g, rows, () =>
        rows.length === 0
          ? 'no archives yet'
          : [
              ...rows.map(
                (r) =>
                  `${r.status.padEnd(10)} ${r.id}  date ${r.date}  ${r.volumes} volume(s)  ${formatBytes(r.bytes)}  ${r.indices.join(',')}${r.problem ? `\n           ${r.problem}` : ''}`,
              ),
              ...(sealedShown < totalArchives
                ? [`(newest ${sealedShown} of ${totalArchives} archives; --limit 0 shows all)`]
                : []),
            ].join('\n'),
      );
    } finally {
      s3.destroy();
    }
  });

program
  .command('status')
  .description(
    'newest archive and its age, the Schedule, missed days, running archives; exit code 5 when stale (a probe)',
  )
  .option('--max-age-hours <hours>', 'stale when the newest archive is older than this', '26')
  .action(async (opts: { maxAgeHours: string }) => {
    const g = globals();
    const config = configFrom(g);
    const s3 = createS3Client(config.s3);
    try {
      await runStatus(opts, config, {
        s3,
        withTemporal: (use) => withTemporal(config, use),
        print: (value, human) => output(g, value, human),
      });
    } finally {
      s3.destroy();
    }
  });

const schedule = program.command('schedule').description('manage the daily Schedule (SNAPSEAL_SCHEDULE_*)');
schedule
  .command('create')
  .description('create the daily Schedule')
  .option('--cron <expr>', 'cron expression (default: SNAPSEAL_SCHEDULE_CRON)')
  .option('--time-zone <tz>', 'IANA time zone (default: SNAPSEAL_SCHEDULE_TIMEZONE)')
  .option('--indices <pattern>', 'fixed index selection instead of the date template')
  .action(async (opts: { cron?: string; timeZone?: string; indices?: string }) => {
    const g = globals();
    const config = configFrom(g);
    const cron = opts.cron ?? config.schedule.cron;
    const timeZone = opts.timeZone ?? config.schedule.timeZone;
    const id = await withTemporal(config, (client) =>
      createSchedule(client, config, { cron, timeZone, indices: opts.indices }),
    );
    output(
      g,
      { scheduleId: id, cron, timeZone },
      () => `created schedule ${id}: "${cron}" ${timeZone}, archives yesterday's indices`,
    );
  });
for (const [name, description] of [
  ['describe', 'show the Schedule, its next runs and recent actions'],
  ['pause', 'pause the Schedule'],
  ['unpause', 'resume the Schedule'],
  ['trigger', 'start a run now (archives the day before now)'],
  ['delete', 'delete the Schedule (archives stay)'],
] as const) {
  schedule
    .command(name)
    .description(description)
    .action(async () => {
      const g = globals();
      const config = configFrom(g);
      const result = await withTemporal(config, (client) =>
        withSchedule(client, config, async (handle) => {
          switch (name) {
            case 'describe': {
              const d = await handle.describe();
              return {
                scheduleId: d.scheduleId,
                paused: d.state.paused,
                nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
                recentActions: d.info.recentActions.map((a) => ({
                  scheduledAt: a.scheduledAt.toISOString(),
                  workflowId: a.action.workflow.workflowId,
                })),
              };
            }
            case 'pause':
              await handle.pause('paused from the snapseal CLI');
              return { scheduleId: handle.scheduleId, paused: true };
            case 'unpause':
              await handle.unpause('unpaused from the snapseal CLI');
              return { scheduleId: handle.scheduleId, paused: false };
            case 'trigger':
              await handle.trigger();
              return { scheduleId: handle.scheduleId, triggered: true };
            case 'delete':
              await handle.delete();
              return { scheduleId: handle.scheduleId, deleted: true };
          }
        }),
      );
      output(g, result, () => JSON.stringify(result, null, 2));
    });
}

program
  .command('setup')
  .description('create the staging and archive buckets (versioning, Object Lock, lifecycle); safe to repeat')
  .action(async () => {
    const g = globals();
    const config = configFrom(g);
    const s3 = createS3Client(config.s3);
    try {
      const report = await ensureBuckets(s3, config);
      output(g, report, () =>
        report
          .map((b) =>
            [
              `${b.created ? 'created' : 'kept   '} ${b.bucket} (versioning ${b.versioning}, Object Lock ${b.objectLock ? 'on' : 'off'}): ${b.lifecycle.join('; ')}`,
              ...(b.otherLifecycleRules.length
                ? [`        other lifecycle rules kept: ${b.otherLifecycleRules.join(', ')}`]
                : []),
              ...b.warnings.map((w) => `        warning: ${w}`),
            ].join('\n'),
          )
          .join('\n'),
      );
    } finally {
      s3.destroy();
    }
  });

program
  .command('verify [archive-id]')
  .description(
    'prove an archive authentic and complete: manifest signature, both sha256 of every volume, every file (needs SNAPSEAL_DECRYPTION_KEY_FILE); --chain: check the links of all archives',
  )
  .option(
    '--chain',
    'walk all archives oldest to newest and report the first broken, missing, reordered or replayed link',
  )
  .option(
    '--workflow',
    'run the check as a Temporal workflow on the workers (large or cold archives: thaws first)',
  )
  .action(async (archiveId: string | undefined, opts: { chain?: boolean; workflow?: boolean }) => {
    const g = globals();
    const config = configFrom(g);
    if (opts.chain) {
      const report = await verifyChainWithConfig(config);
      output(g, report, () =>
        report.ok
          ? `OK chain of ${report.archives} archive(s): every manifest signed and linked to the one before`
          : `BROKEN chain (${report.archives} authentic manifest(s)); first problem: ${describeChainProblem(report.firstBroken!)}\n${report.problems.map((p) => `  ${describeChainProblem(p)}`).join('\n')}`,
      );
      if (!report.ok) process.exitCode = 4;
      return;
    }
    if (!archiveId) throw new UsageError('Name the archive to verify (see `snapseal list`), or pass --chain');
    assertArchiveId(archiveId);
    const report = opts.workflow
      ? await withTemporal(config, async (client) => {
          const handle = await client.workflow.start('verifyArchiveWorkflow', {
            taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
            workflowId: `${config.temporal.taskQueue}/verify/${archiveId}/${Date.now()}`,
            args: [archiveId],
          });
          if (!g.json)
            process.stderr.write(
              `verifying on the workers: ${workflowUrl(config, handle.workflowId, handle.firstExecutionRunId)}\n`,
            );
          return (await handle.result()) as VerifyReport;
        })
      : await verifyWithConfig(config, archiveId);
    output(g, report, () =>
      report.ok
        ? `OK ${archiveId}: signed by ${report.signer}; ${report.volumesChecked} volume(s), ${report.filesChecked} files, ${formatBytes(report.plaintextBytes)} verified; ${report.timestampGenTime ? `time-stamped ${report.timestampGenTime}` : (report.timeEvidence ?? 'no time evidence')}`
        : `FAILED ${archiveId}:\n${report.problems.map((p) => `  ${[p.volume ? `volume ${p.volume}` : '', p.file ?? ''].filter(Boolean).join(' ')}: ${p.problem}`).join('\n')}`,
    );
    if (!report.ok) process.exitCode = 4;
  });

program
  .command('restore <archive-id>')
  .description(
    'verify an archive while unpacking it into staging, restore its indices under new names, compare document counts',
  )
  .option('--indices <names>', 'comma-separated index names to restore (default: all in the archive)')
  .option('--rename-prefix <prefix>', 'restored indices are named <prefix><original>', 'restored-')
  .action(async (archiveId: string, opts: { indices?: string; renamePrefix: string }) => {
    const g = globals();
    const config = configFrom(g);
    checkRestoreInput({ archiveId, renamePrefix: opts.renamePrefix });
    const request: RestoreRequest = {
      archiveId,
      indices: opts.indices
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      renamePrefix: opts.renamePrefix,
    };
    const result = await withTemporal(config, async (client) => {
      const handle = await client.workflow.start('restoreArchive', {
        taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
        workflowId: `${config.temporal.taskQueue}/restore/${archiveId}/${opts.renamePrefix}`,
        args: [request],
      });
      if (!g.json)
        process.stderr.write(
          `restoring ${archiveId}: ${workflowUrl(config, handle.workflowId, handle.firstExecutionRunId)}\n`,
        );
      return (await handle.result()) as RestoreResult;
    });
    output(g, result, () =>
      [
        `restored ${archiveId}:`,
        ...result.indices.map((i) => `  ${i.restoredAs}: ${i.actual} documents (manifest: ${i.expected})`),
      ].join('\n'),
    );
  });

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
    const outcome = await withTemporal(
      config,
      async (client) =>
        (await client.workflow.execute('restoreDrill', {
          taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
          workflowId: `${config.temporal.taskQueue}/drill/${Date.now()}`,
          args: [],
        })) as DrillOutcome,
    );
    output(g, outcome, () =>
      outcome.passed
        ? `drill passed: ${outcome.archiveId} restored with matching counts (${outcome.restored?.indices.map((i) => `${i.name}: ${i.actual}`).join(', ')}), then removed`
        : `drill FAILED for ${outcome.archiveId ?? '(no archive)'}: ${outcome.failure}`,
    );
    if (!outcome.passed) process.exitCode = 4;
  });
drill
  .command('schedule')
  .description('schedule drills (off until this is run): SNAPSEAL_SCHEDULE_ID-drill')
  .requiredOption('--cron <expr>', 'when drills run, e.g. "0 6 * * 1" (Mondays 06:00)')
  .option('--time-zone <tz>', 'IANA time zone (default: SNAPSEAL_SCHEDULE_TIMEZONE)')
  .action(async (opts: { cron: string; timeZone?: string }) => {
    const g = globals();
    const config = configFrom(g);
    const timeZone = opts.timeZone ?? config.schedule.timeZone;
    validateCron(opts.cron);
    validateTimeZone(timeZone);
    const scheduleId = `${config.schedule.id}-drill`;
    await withTemporal(config, (client) =>
      client.schedule.create({
        scheduleId,
        spec: { cronExpressions: [opts.cron], timezone: timeZone },
        action: {
          type: 'startWorkflow',
          workflowType: 'restoreDrill',
          taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
          args: [],
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      }),
    );
    output(
      g,
      { scheduleId, cron: opts.cron, timeZone },
      () => `created drill schedule ${scheduleId}: "${opts.cron}" ${timeZone}`,
    );
  });

program
  .command('demo')
  .description(
    'on the local stack: load sample audit logs, archive one day, verify it, print what was written',
  )
  .addOption(new Option('--days <n>', 'days of sample data').default('3'))
  .addOption(new Option('--docs <n>', 'documents per day').default('12000'))
  .action(async (opts: { days: string; docs: string }) => {
    const g = globals();
    await runDemo(g, { days: Number(opts.days), docsPerDay: Number(opts.docs) });
  });

program
  .command('worker')
  .description('run a worker in the foreground (same as node dist/worker.js)')
  .action(async () => {
    const g = globals();
    if (g.settingsFile) process.env.SNAPSEAL_ENV_FILE = g.settingsFile;
    await import('./worker');
  });

program.parseAsync(process.argv).catch(exitWithError);
