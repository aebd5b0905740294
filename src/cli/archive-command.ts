// `snapseal archive`: start the archive of one day (or join its run in progress) and wait for it, saying what
// it waits for: progress, a role no worker serves, an activity being retried; Ctrl-C leaves the run going.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { assertArchiveId, assertDayEnded, calendarDateIn, parseArchiveDate } from '../archive/archive-date';
import type { ArchiveResult, SupersedeRequest } from '../archive/archive-types';
import type { Config } from '../config';
import { archiveSnapshot } from '../workflows';
import { archiveIdentity } from '../workflows/workflow-ids';
import { archiveRunSummary } from '../workflows/run-details';
import { BYTES_DONE, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from '../workflows/search-attributes';
import type { Command } from 'commander';
import { configFrom, output, withTemporal, workflowUrl, type GlobalOptions } from './cli-context';
import { formatBytes } from './format';
import { followRun, untilInterrupted, warnMissingPollers } from './follow-run';
import { ARCHIVE_QUEUES } from './queue-pollers';
import { UsageError } from './usage-error';

export interface ArchiveCommandOptions {
  date?: string;
  indices?: string;
  /** Seal a corrected archive of the day that supersedes this sealed one, for this reason. */
  supersede?: SupersedeRequest;
  wait: boolean;
  progress: boolean;
}

export interface StartedArchive {
  workflowId: string;
  runId: string;
  /** A run of this archive was in progress: it was joined, not started. */
  joined: boolean;
}

export async function startArchive(
  client: Client,
  config: Config,
  options: ArchiveCommandOptions,
): Promise<StartedArchive> {
  const date = options.date ?? calendarDateIn(new Date(), config.schedule.timeZone, 1);
  parseArchiveDate(date);
  // Named by the archive it makes: the default selection is the configured template filled with the date.
  const { workflowId, indexPattern } = archiveIdentity(
    config.temporal.taskQueue,
    { date, indices: options.indices, supersede: options.supersede },
    config.archive.indexTemplate,
  );
  // A run found in progress that closes before it is described is not joined: the start is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await client.workflow.start(archiveSnapshot, {
        taskQueue: config.temporal.taskQueue,
        workflowId,
        args: [
          { date, indices: options.indices, ...(options.supersede ? { supersede: options.supersede } : {}) },
        ],
        staticSummary: archiveRunSummary(
          date,
          indexPattern,
          options.supersede
            ? `snapseal archive --supersede ${options.supersede.archiveId}`
            : 'snapseal archive',
        ),
        // A running archive is joined, never duplicated (the start fails below). A closed run, even a completed
        // one, is never taken as the answer: its result may no longer hold (the archive deleted since), so a
        // new run starts and its own authenticated check of the bucket decides whether the day is sealed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      return { workflowId, runId: handle.firstExecutionRunId, joined: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const description = await client.workflow.getHandle(workflowId).describe();
      if (description.status.name === 'RUNNING')
        return { workflowId, runId: description.runId, joined: true };
      if (attempt >= 3)
        throw new Error(`Cannot start ${workflowId}: runs of it keep closing as it starts; try again`, {
          cause: err,
        });
    }
  }
}

/**
 * Wait for the run, printing to stderr one progress line whenever it changes, and what it waits for (a role no
 * worker polls, an activity being retried).
 */
export async function waitForArchive(
  client: Client,
  started: StartedArchive,
  progress: boolean,
  baseQueue?: string,
): Promise<ArchiveResult> {
  const handle = client.workflow.getHandle<typeof archiveSnapshot>(started.workflowId, started.runId);
  if (!progress && baseQueue === undefined) return handle.result();
  return followRun(client, handle, {
    baseQueue,
    needs: ARCHIVE_QUEUES,
    progressLine: progress
      ? (attrs) =>
          `${attrs.get(STAGE) ?? 'starting'}: volumes ${attrs.get(VOLUMES_DONE) ?? 0}/${attrs.get(VOLUMES_TOTAL) ?? '?'}, ${formatBytes(attrs.get(BYTES_DONE) ?? 0)} archived`
      : undefined,
  });
}

function describeResult(result: ArchiveResult, config: Config): string {
  return [
    `${result.status === 'SEALED' ? 'sealed' : 'already sealed'}: ${result.archiveId} (#${result.sequence}${result.previousArchiveId ? `, after ${result.previousArchiveId}` : ', first in chain'})`,
    ...(result.supersedes
      ? [
          `  supersedes: ${result.supersedes.archiveId} (#${result.supersedes.sequence}): ${result.supersedes.reason}`,
        ]
      : []),
    `  indices:  ${result.indices.map((i) => `${i.name} (${i.docCount} docs)`).join(', ')}`,
    `  volumes:  ${result.volumes}, ${formatBytes(result.plaintextBytes)} tar, ${formatBytes(result.ciphertextBytes)} encrypted`,
    `  manifest: s3://${config.archive.bucket}/${result.manifestKey} (sha256 ${result.manifestSha256})`,
  ].join('\n');
}

/** The command line of `snapseal archive`, as commander hands it over. */
interface ArchiveFlags {
  date?: string;
  indices?: string;
  supersede?: string;
  reason?: string;
  wait: boolean;
}

export function registerArchiveCommand(program: Command): void {
  program
    .command('archive')
    .description(
      "archive one day's indices (default: yesterday, SNAPSEAL_INDEX_TEMPLATE) and wait for the result",
    )
    .option('--date <YYYY-MM-DD>', 'the day to archive')
    .option('--indices <pattern>', 'index names or patterns, comma-separated, instead of the template')
    .option(
      '--supersede <archive-id>',
      "seal a corrected archive of that sealed one's day (id <archive-id>~rN); it stays, marked superseded",
    )
    .option('--reason <text>', 'why the archive named by --supersede is superseded (required with it)')
    .option('--no-wait', 'print the workflow id and exit')
    .action(async (opts: ArchiveFlags) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      const supersede = supersedeOption(opts);
      const date =
        opts.date ??
        (supersede
          ? supersede.archiveId.slice(0, 10)
          : calendarDateIn(new Date(), config.schedule.timeZone, 1));
      parseArchiveDate(date);
      // A sealed archive is final: a day still going on (or just ended) would be sealed without its last documents.
      assertDayEnded(date, config.schedule.timeZone, config.schedule.settleMinutes, new Date());
      await withTemporal(config, async (client) => {
        const started = await startArchive(client, config, { ...opts, date, supersede, progress: !g.json });
        const url = workflowUrl(config, started.workflowId, started.runId);
        const verb = started.joined ? 'joined the run in progress of' : 'started';
        if (!opts.wait) {
          output(g, { ...started, url }, () => `${verb} ${started.workflowId}\n${url}`);
          await warnMissingPollers(client, config.temporal.taskQueue, ARCHIVE_QUEUES);
          return;
        }
        if (!g.json) process.stderr.write(`${verb} ${started.workflowId}: ${url}\n`);
        const result = await untilInterrupted(started.workflowId, url, () =>
          waitForArchive(client, started, !g.json, config.temporal.taskQueue),
        );
        output(g, { ...result, workflowId: started.workflowId, url }, () => describeResult(result, config));
      });
    });
}

/** --supersede and --reason, checked together: a correction always says why. */
function supersedeOption(opts: Pick<ArchiveFlags, 'supersede' | 'reason'>): SupersedeRequest | undefined {
  if (opts.supersede === undefined) {
    if (opts.reason !== undefined) throw new UsageError('--reason goes with --supersede <archive-id>');
    return undefined;
  }
  assertArchiveId(opts.supersede);
  if (opts.reason === undefined || opts.reason.trim() === '')
    throw new UsageError(
      `--supersede ${opts.supersede} needs --reason "<why>": the reason is signed into the new archive's manifest`,
    );
  return { archiveId: opts.supersede, reason: opts.reason };
}
