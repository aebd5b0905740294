// Commands that hand their work to the workers (verify --workflow, restore, drill run): start the workflow by
// its typed reference, say where to watch it, and wait for its result, naming a restore queue no worker polls
// and an activity being retried; its stage whenever it changes (`thawing 2 objects, 1 of 3 ready` while a cold
// archive thaws); Ctrl-C says the run goes on.
import type { Client, Workflow, WorkflowResultType, WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config';
import { workflowUrl, type GlobalOptions } from './cli-context';
import { followRun, untilInterrupted } from './follow-run';
import { STAGE } from '../workflows/search-attributes';
import { RESTORE_QUEUES } from './queue-pollers';

export async function runWorkflow<W extends Workflow>(
  client: Client,
  context: { globals: GlobalOptions; config: Config; doing: string },
  workflow: W,
  options: WorkflowStartOptions<W>,
): Promise<WorkflowResultType<W>> {
  const handle = await client.workflow.start(workflow, options);
  const url = workflowUrl(context.config, handle.workflowId, handle.firstExecutionRunId);
  // stderr: stdout carries only the result (parseable with --json).
  if (!context.globals.json) process.stderr.write(`${context.doing}: ${url}\n`);
  return untilInterrupted(
    handle.workflowId,
    url,
    () =>
      followRun(client, handle, {
        baseQueue: context.config.temporal.taskQueue,
        needs: RESTORE_QUEUES,
        // The stage the workflow publishes (SnapsealStage): what it does or waits for, a thaw included.
        progressLine: (attrs) => attrs.get(STAGE) ?? '',
      }) as Promise<WorkflowResultType<W>>,
  );
}
