// Commands that hand their work to the workers (verify --workflow, restore, drill run): start the workflow by
// its typed reference, say where to watch it, and wait for its result, naming a restore queue no worker polls
// and an activity being retried; Ctrl-C says the run goes on.
import type { Client, Workflow, WorkflowResultType, WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config';
import { workflowUrl, type GlobalOptions } from './cli-context';
import { followRun, untilInterrupted } from './follow-run';
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
      }) as Promise<WorkflowResultType<W>>,
  );
}
