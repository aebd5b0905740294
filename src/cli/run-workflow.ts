// Commands that hand their work to the workers (verify --workflow, restore, drill run): start the workflow by
// its typed reference, say where to watch it, and wait for its result.
import type { Client, Workflow, WorkflowResultType, WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config';
import { workflowUrl, type GlobalOptions } from './cli-context';

export async function runWorkflow<W extends Workflow>(
  client: Client,
  context: { globals: GlobalOptions; config: Config; doing: string },
  workflow: W,
  options: WorkflowStartOptions<W>,
): Promise<WorkflowResultType<W>> {
  const handle = await client.workflow.start(workflow, options);
  // stderr: stdout carries only the result (parseable with --json).
  if (!context.globals.json)
    process.stderr.write(
      `${context.doing}: ${workflowUrl(context.config, handle.workflowId, handle.firstExecutionRunId)}\n`,
    );
  return handle.result();
}
