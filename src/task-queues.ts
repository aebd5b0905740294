// The task queues of one deployment, all derived from SNAPSEAL_TASK_QUEUE, one per worker role, so each key
// lives only on the workers that need it: archive (orchestration and quick calls, no private key), stream
// (volumes: recipients' public keys only), seal (the one step that signs) and restore (verify, restore, drill:
// the only ones holding a decryption key). Pure: workflows derive the queues from their own task queue.

export const WORKER_ROLES = ['archive', 'stream', 'seal', 'restore'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export type TaskQueues = Record<WorkerRole, string>;

const SUFFIX: Record<Exclude<WorkerRole, 'archive'>, string> = {
  stream: '-stream',
  seal: '-seal',
  restore: '-restore',
};

/** The queues of the deployment whose base queue (SNAPSEAL_TASK_QUEUE) is `base`. */
export function taskQueuesFor(base: string): TaskQueues {
  return {
    archive: base,
    stream: `${base}${SUFFIX.stream}`,
    seal: `${base}${SUFFIX.seal}`,
    restore: `${base}${SUFFIX.restore}`,
  };
}

/** The base queue of any of a deployment's queues (a workflow knows only the queue it runs on). */
export function baseTaskQueue(queue: string): string {
  for (const suffix of Object.values(SUFFIX)) {
    if (queue.endsWith(suffix)) return queue.slice(0, -suffix.length);
  }
  return queue;
}

/** The deployment's queues, seen from a queue of it (e.g. workflowInfo().taskQueue). */
export function taskQueuesOf(queue: string): TaskQueues {
  return taskQueuesFor(baseTaskQueue(queue));
}

/** Why a base queue name is unusable (it would read as a role queue of another base), or undefined. */
export function invalidBaseQueue(base: string): string | undefined {
  const suffix = Object.values(SUFFIX).find((s) => base.endsWith(s));
  return suffix
    ? `must not end in "${suffix}" (snapseal adds ${Object.values(SUFFIX).join(', ')} for the worker roles)`
    : undefined;
}
