// Privilege separation on the real stack: an archive run served by three worker processes, one per role
// (archive without keys, stream with public keys only, seal with the signing key), succeeds; each activity
// ran on its role's task queue, and the streaming process never had a signing key.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { taskQueuesFor } from '../../src/task-queues';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { WORKER_NODE_FLAGS } from '../../src/worker-node-flags';

const root = join(__dirname, '..', '..');
const DATE = '2026-11-22';

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** A worker process; resolves once it polls (or rejects with its output if it exits first). */
async function startWorker(env: NodeJS.ProcessEnv): Promise<Proc> {
  const child = spawn('node', [...WORKER_NODE_FLAGS, join(root, 'dist', 'worker.js')], { env });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const polling = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('polling task queue')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited (${code}) before polling:\n${output}`)));
  });
  await polling;
  return { child, output: () => output, exited };
}

async function stop(proc: Proc): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exited;
}

describe('worker roles on separate task queues (real stack)', () => {
  let h: ArchiveHarness;
  const procs: Proc[] = [];
  afterAll(async () => {
    for (const p of procs) await stop(p);
    await h?.close();
  });

  it('seals an archive with one process per role; only the seal process holds the signing key', async () => {
    h = await createArchiveHarness();
    await loadSampleDay(h.search, h.template, DATE, 400);
    const noKeys = {
      SNAPSEAL_RECIPIENT_KEY_FILES: '',
      SNAPSEAL_SIGNING_KEY_FILE: '',
      SNAPSEAL_DECRYPTION_KEY_FILE: '',
    };
    const archive = await startWorker(workerEnv(h, { ...noKeys, SNAPSEAL_WORKER_ROLES: 'archive' }));
    procs.push(archive);
    const stream = await startWorker(
      workerEnv(h, {
        ...noKeys,
        SNAPSEAL_RECIPIENT_KEY_FILES: h.keys.recipientPublic,
        SNAPSEAL_WORKER_ROLES: 'stream',
        SNAPSEAL_STREAM_SLOTS: '2',
      }),
    );
    procs.push(stream);
    const queues = taskQueuesFor(h.config.temporal.taskQueue);
    expect(stream.output()).toContain(`stream=${queues.stream}`);
    expect(stream.output()).not.toContain('snapseal: warning');

    // Sealing has no worker yet: the run waits at the seal step, with every volume streamed.
    const workflowId = archiveWorkflowId(h.config.temporal.taskQueue, DATE);
    const handle = await h.temporal.workflow.start('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId,
      args: [{ date: DATE }],
    });
    const sealScheduled = async (): Promise<boolean> => {
      const history = await handle.fetchHistory();
      return (history.events ?? []).some(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sealArchive',
      );
    };
    for (let i = 0; i < 600 && !(await sealScheduled()); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const seal = await startWorker(
      workerEnv(h, {
        ...noKeys,
        SNAPSEAL_RECIPIENT_KEY_FILES: h.keys.recipientPublic,
        SNAPSEAL_SIGNING_KEY_FILE: h.keys.archiverPrivate,
        SNAPSEAL_WORKER_ROLES: 'seal',
      }),
    );
    procs.push(seal);
    const result = (await handle.result()) as { status: string; volumes: number };
    expect(result.status).toBe('SEALED');

    // Volumes are streamed by the batch child workflows: their histories count too.
    const parent = await handle.fetchHistory();
    const children = (parent.events ?? [])
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)
      .filter((id): id is string => Boolean(id));
    const events = [
      parent,
      ...(await Promise.all(children.map((id) => h.temporal.workflow.getHandle(id).fetchHistory()))),
    ].flatMap((history) => history.events ?? []);
    const queueOf = (activity: string): string[] => [
      ...new Set(
        events
          .map((e) => e.activityTaskScheduledEventAttributes)
          .filter((a) => a?.activityType?.name === activity)
          .map((a) => a!.taskQueue!.name!),
      ),
    ];
    expect(queueOf('archiveVolume')).toEqual([queues.stream]);
    expect(queueOf('sealArchive')).toEqual([queues.seal]);
    expect(queueOf('prepareArchive')).toEqual([queues.archive]);
  });

  it('warns when a streaming worker is given the signing key or the decryption key, and loads neither', async () => {
    const proc = await startWorker(workerEnv(h, { SNAPSEAL_WORKER_ROLES: 'archive,stream' }));
    await stop(proc);
    expect(proc.output()).toContain(
      'SNAPSEAL_SIGNING_KEY_FILE is set on a worker without the seal role: the signing key is not loaded',
    );
    expect(proc.output()).toContain(
      "SNAPSEAL_DECRYPTION_KEY_FILE is set, but this worker's roles (archive,stream) do not include restore: the private decryption key is not loaded",
    );
  });

  it('refuses the seal role without a signing key, before polling', async () => {
    const error = await startWorker(
      workerEnv(h, { SNAPSEAL_SIGNING_KEY_FILE: '', SNAPSEAL_WORKER_ROLES: 'seal' }),
    ).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'SNAPSEAL_SIGNING_KEY_FILE is empty: the seal role signs manifests',
    );
  });
});
