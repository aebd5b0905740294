import { Connection, Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { stackConfig, uniqueName } from './stack';

describe('Temporal dev server', () => {
  it('runs a workflow on a real worker and shows it in the Web UI API', async () => {
    const { temporal } = stackConfig();
    const taskQueue = uniqueName('smoke');
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/smoke-workflows'),
    });
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection, namespace: temporal.namespace });
      const result = await worker.runUntil(
        client.workflow.execute('greet', { taskQueue, workflowId: taskQueue, args: ['snapseal'] }),
      );
      expect(result).toBe(`hello snapseal from ${taskQueue}`);

      // The UI server answers with the same execution through its HTTP API.
      const response = await fetch(
        `${temporal.uiUrl}/api/v1/namespaces/${temporal.namespace}/workflows/${taskQueue}`,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { workflowExecutionInfo?: { status?: string } };
      expect(body.workflowExecutionInfo?.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
