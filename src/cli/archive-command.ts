// `snapseal archive`: start (or join) the archive of one day and wait for it with a progress line.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { calendarDateIn, parseArchiveDate } from '../archive/archive-date';
import type { ArchiveResult } from '../archive/archive-types';
import type { Config } from '../config';
import { archiveSnapshot } from '../workflows';
import { archiveIdentity } from '../workflows/workflow-ids';
import { archiveRunSummary } from '../workflows/run-details';
import { BYTES_DONE, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from '../workflows/search-attributes';
import type { Command } from 'commander';
import { configFrom, output, withTemporal, workflowUrl, type GlobalOptions } from './cli-context';
import { formatBytes } from './format';

export interface ArchiveCommandOptions {
  date?: string;
  indices?: string;
  wait: boolean;
  progress: boolean;
}

export interface StartedArchive {
  workflowId: string;
  runId: string;
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
    { date, indices: options.indices },
    config.archive.indexTemplate,
  );
  try {
    const handle = await client.workflow.start(archiveSnapshot, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ date, indices: options.indices }],
      staticSummary: archiveRunSummary(date, indexPattern, 'snapseal archive'),
      // A failed or cancelled archive may be run again; a running or completed one is joined, not duplicated.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    return { workflowId, runId: handle.firstExecutionRunId, joined: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, joined: true };
  }
}

/** Wait for the run, printing one progress line to stderr whenever it changes. */
export async function waitForArchive(
  client: Client,
  started: StartedArchive,
  progress: boolean,
): Promise<ArchiveResult> {
  const handle = client.workflow.getHandle<typeof archiveSnapshot>(started.workflowId, started.runId);
  const result = handle.result();
  if (!progress) return result;
  let last = '';
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    if (done) break;
    const attrs = (await handle.describe().catch(() => undefined))?.typedSearchAttributes;
    if (!attrs) continue;
    const line = `  ${attrs.get(STAGE) ?? 'starting'}: volumes ${attrs.get(VOLUMES_DONE) ?? 0}/${attrs.get(VOLUMES_TOTAL) ?? '?'}, ${formatBytes(attrs.get(BYTES_DONE) ?? 0)} archived`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
  }
  return result;
}

function describeResult(result: ArchiveResult, config: Config): string {
  return [
    `${result.status === 'SEALED' ? 'sealed' : 'already sealed'}: ${result.archiveId} (#${result.sequence}${result.previousArchiveId ? `, after ${result.previousArchiveId}` : ', first in chain'})`,
    `  indices:  ${result.indices.map((i) => `${i.name} (${i.docCount} docs)`).join(', ')}`,
    `  volumes:  ${result.volumes}, ${formatBytes(result.plaintextBytes)} tar, ${formatBytes(result.ciphertextBytes)} encrypted`,
    `  manifest: s3://${config.archive.bucket}/${result.manifestKey} (sha256 ${result.manifestSha256})`,
  ].join('\n');
}

export function registerArchiveCommand(program: Command): void {
  program
    .command('archive')
    .description(
      "archive one day's indices (default: yesterday, SNAPSEAL_INDEX_TEMPLATE) and wait for the result",
    )
    .option('--date <YYYY-MM-DD>', 'the day to archive')
    .option('--indices <pattern>', 'index names or patterns, comma-separated, instead of the template')
    .option('--no-wait', 'print the workflow id and exit')
    .action(async (opts: { date?: string; indices?: string; wait: boolean }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      await withTemporal(config, async (client) => {
        const started = await startArchive(client, config, { ...opts, progress: !g.json });
        const url = workflowUrl(config, started.workflowId, started.runId);
        const verb = started.joined ? 'joined' : 'started';
        if (!opts.wait) {
          output(
            g,
            { ...started, url },
            () => `${started.joined ? 'joined running' : 'started'} ${started.workflowId}\n${url}`,
          );
          return;
        }
        if (!g.json) process.stderr.write(`${verb} ${started.workflowId}: ${url}\n`);
        const result = await waitForArchive(client, started, !g.json);
        output(g, { ...result, workflowId: started.workflowId, url }, () => describeResult(result, config));
      });
    });
}
