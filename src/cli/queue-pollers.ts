// Which worker roles a command needs and whether any worker polls their task queues: Temporal's task queue
// description lists the pollers it saw in the last minutes, so a missing role is named before anyone waits.
import type { Client } from '@temporalio/client';
import { taskQueuesFor, type WorkerRole } from '../task-queues';

// temporal.api.enums.v1.TaskQueueType (the proto package is the client's, not ours to import).
const WORKFLOW_TASKS = 1;
const ACTIVITY_TASKS = 2;

/** A role queue a command needs: workflow tasks, activity tasks or both. */
export interface NeededQueue {
  role: WorkerRole;
  workflows: boolean;
}

/** An archive run: orchestration on the archive queue, volumes on stream, the signature on seal. */
export const ARCHIVE_QUEUES: readonly NeededQueue[] = [
  { role: 'archive', workflows: true },
  { role: 'stream', workflows: false },
  { role: 'seal', workflows: false },
];

/** verify --workflow, restore, drill: all on the restore queue, the only one holding a decryption key. */
export const RESTORE_QUEUES: readonly NeededQueue[] = [{ role: 'restore', workflows: true }];

export interface MissingPoller {
  role: WorkerRole;
  queue: string;
  /** Which tasks nobody takes. */
  tasks: 'workflow' | 'activity';
}

// A live worker polls again as soon as a long poll (at most about a minute) returns, so its last access is
// never older than that; the server keeps listing a worker gone for some minutes, which this leaves out.
const LIVE_POLLER_MS = 120_000;

async function pollerCount(client: Client, queue: string, type: number): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: queue },
    taskQueueType: type,
  });
  const now = Date.now();
  return (described.pollers ?? []).filter((p) => {
    const seconds = p.lastAccessTime?.seconds;
    return seconds == null || now - Number(seconds) * 1000 < LIVE_POLLER_MS;
  }).length;
}

/** The role queues of `needed` that no worker polls (for the tasks the command needs of them). */
export async function missingPollers(
  client: Client,
  baseQueue: string,
  needed: readonly NeededQueue[],
): Promise<MissingPoller[]> {
  const queues = taskQueuesFor(baseQueue);
  const missing: MissingPoller[] = [];
  for (const { role, workflows } of needed) {
    const queue = queues[role];
    if ((await pollerCount(client, queue, ACTIVITY_TASKS)) === 0)
      missing.push({ role, queue, tasks: 'activity' });
    else if (workflows && (await pollerCount(client, queue, WORKFLOW_TASKS)) === 0)
      missing.push({ role, queue, tasks: 'workflow' });
  }
  return missing;
}

/** "no worker polls snapseal-stream (role stream)": what to start, in one line. */
export function describeMissingPollers(missing: readonly MissingPoller[]): string {
  return missing
    .map(
      (m) =>
        `no worker polls task queue "${m.queue}" for ${m.tasks} tasks (role ${m.role}: start a worker with SNAPSEAL_WORKER_ROLES including ${m.role})`,
    )
    .join('; ');
}
