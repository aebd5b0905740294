// `snapseal cancel`: stop a run in progress (an archive by its date, or any run by its workflow id). The run
// cleans up after itself (staging, uploads in flight); the command waits until it has closed and says how.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { parseArchiveDate } from '../archive/archive-date';
import type { Config } from '../config';
import { archiveIdentity } from '../workflows/workflow-ids';
import { configFrom, output, withTemporal, workflowUrl, type GlobalOptions } from './cli-context';
import { UsageError } from './usage-error';

export interface CancelOutcome {
  workflowId: string;
  runId: string;
  /** How the run closed (CANCELLED once it has cleaned up), or RUNNING if it is still cleaning up. */
  status: string;
  url: string;
}

/** A run that is not in progress: nothing to cancel (exit code 1, saying how it closed). */
export class NothingToCancelError extends Error {
  override name = 'NothingToCancelError';
}

const CLOSE_WAIT_MS = 60_000;

export async function cancelRun(client: Client, config: Config, workflowId: string): Promise<CancelOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  const described = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError)
      throw new NothingToCancelError(`No run ${workflowId} in namespace ${config.temporal.namespace}`, {
        cause: err,
      });
    throw err;
  });
  if (described.status.name !== 'RUNNING')
    throw new NothingToCancelError(
      `The run ${workflowId} is not in progress (it closed ${described.status.name}${described.closeTime ? ` at ${described.closeTime.toISOString()}` : ''}): nothing to cancel`,
    );
  const run = client.workflow.getHandle(workflowId, described.runId);
  await run.cancel();
  // The run's cleanup (staging, open uploads) runs before it closes: wait for it, within reason.
  const deadline = Date.now() + CLOSE_WAIT_MS;
  let status = 'RUNNING';
  while (Date.now() < deadline) {
    status = (await run.describe()).status.name;
    if (status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    workflowId,
    runId: described.runId,
    status,
    url: workflowUrl(config, workflowId, described.runId),
  };
}

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel [workflow-id]')
    .description(
      'cancel a run in progress: the archive of --date, or any run by its workflow id (as `archive` printed it)',
    )
    .option('--date <YYYY-MM-DD>', 'the day whose archive run to cancel')
    .option('--indices <pattern>', 'with --date: the index selection the run was started with')
    .action(async (id: string | undefined, opts: { date?: string; indices?: string }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      if ((id === undefined) === (opts.date === undefined))
        throw new UsageError(
          'Name the run to cancel: a workflow id, or --date <YYYY-MM-DD> for an archive run',
        );
      if (opts.date !== undefined) parseArchiveDate(opts.date);
      const workflowId =
        id ??
        archiveIdentity(
          config.temporal.taskQueue,
          { date: opts.date!, indices: opts.indices },
          config.archive.indexTemplate,
        ).workflowId;
      const outcome = await withTemporal(config, (client) => cancelRun(client, config, workflowId));
      output(g, outcome, () =>
        outcome.status === 'RUNNING'
          ? `cancel requested: ${workflowId} is still cleaning up; watch it at ${outcome.url}`
          : `${outcome.status.toLowerCase()}: ${workflowId}\n${outcome.url}`,
      );
    });
}
