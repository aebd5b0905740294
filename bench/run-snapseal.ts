// snapseal itself: a real archiveSnapshot run through Temporal, served by `node dist/worker.js` processes the
// bench starts on a task queue of its own, archiving the bench indices from the bench staging bucket to the
// bench archive bucket. The workflow takes its own snapshot first; the streaming phase (first archiveVolume
// scheduled to last completed) is what compares with the other tools.
import { Client, Connection } from '@temporalio/client';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveResult } from '../src/archive/archive-types';
import { BENCH_EVIDENCE_OPT_OUTS, type StackSettings } from './bench-environment';
import type { Measurement } from './bench-types';
import { CpuSampler, stackProcesses, type CpuSource, type PhaseCpu } from './cpu-sampler';
import { readRunPhases, type RunPhases } from './workflow-phases';
import { readWorkerFigures, startWorkers, stopWorkers, type WorkerFigures } from './worker-processes';

export interface SnapsealRunInput {
  stack: StackSettings;
  runId: string;
  workers: number;
  date: string;
  indexPattern: string;
  stagingBucket: string;
  archiveBucket: string;
  recipientPublicKeyFile: string;
  signingKeyFile: string;
  volumeMib: number;
  logDir: string;
  /** The workers' Node.js binary and its version, when not the bench's own node. */
  workerNode?: { path: string; version: string };
  /** Directory for `node --cpu-prof` profiles of the workers; no profiling when absent. */
  cpuProfileDir?: string;
}

export interface SnapsealRunResult {
  measurement: Measurement;
  phases: RunPhases;
  result: ArchiveResult;
  workers: WorkerFigures[];
  archivePrefix: string;
  /** CPU time during the streaming phase: workers, their main threads, the stack, the machine. */
  streamingCpu: PhaseCpu;
}

export const SNAPSEAL_VOLUME_CONCURRENCY = 2;

export function snapsealWorkerEnv(
  input: SnapsealRunInput,
  taskQueue: string,
  archivePrefix: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...input.stack.env,
    ...BENCH_EVIDENCE_OPT_OUTS,
    SNAPSEAL_TASK_QUEUE: taskQueue,
    SNAPSEAL_STAGING_BUCKET: input.stagingBucket,
    SNAPSEAL_STAGING_PREFIX: 'staging/',
    SNAPSEAL_ARCHIVE_BUCKET: input.archiveBucket,
    SNAPSEAL_ARCHIVE_PREFIX: archivePrefix,
    SNAPSEAL_INDEX_TEMPLATE: input.indexPattern,
    SNAPSEAL_RECIPIENT_KEY_FILES: input.recipientPublicKeyFile,
    SNAPSEAL_SIGNING_KEY_FILE: input.signingKeyFile,
    SNAPSEAL_SIGNING_KEY_PASSPHRASE: '',
    SNAPSEAL_DECRYPTION_KEY_FILE: '',
    SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
    SNAPSEAL_MAX_VOLUME_MIB: String(input.volumeMib),
    SNAPSEAL_VOLUME_CONCURRENCY: String(SNAPSEAL_VOLUME_CONCURRENCY),
    // As the Dockerfile sets them.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-semi-space-size=1',
  };
  delete env.SNAPSEAL_ENV_FILE; // everything is in the environment
  return env;
}

export async function runSnapseal(input: SnapsealRunInput): Promise<SnapsealRunResult> {
  const taskQueue = `bench-${input.runId}`;
  const archivePrefix = `runs/${input.runId}/`;
  const env = snapsealWorkerEnv(input, taskQueue, archivePrefix);
  const nodeArgs = input.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', input.cpuProfileDir] : [];
  if (input.cpuProfileDir) await mkdir(input.cpuProfileDir, { recursive: true });
  const workers = await startWorkers(
    input.workers,
    env,
    join(input.logDir, `${input.runId}-`),
    nodeArgs,
    input.workerNode?.path,
  );
  const sources: CpuSource[] = [
    ...workers.flatMap((w, i) => [
      { name: `worker ${i + 1}`, pid: w.pid },
      { name: `worker ${i + 1} main thread`, pid: w.pid, tid: w.pid },
    ]),
    ...stackProcesses(),
  ];
  const sampler = new CpuSampler(sources);
  const connection = await Connection.connect({ address: input.stack.config.temporal.address });
  let figures: WorkerFigures[] = [];
  try {
    const client = new Client({ connection, namespace: input.stack.config.temporal.namespace });
    const started = process.hrtime.bigint();
    const handle = await client.workflow.start('archiveSnapshot', {
      taskQueue,
      workflowId: taskQueue,
      args: [{ date: input.date, indices: input.indexPattern }],
    });
    const result = (await handle.result()) as ArchiveResult;
    const endToEndSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    figures = readWorkerFigures(workers);
    sampler.stop();
    if (result.status !== 'SEALED')
      throw new Error(`The bench archive ended ${result.status}, expected SEALED`);
    const phases = await readRunPhases(client, handle.workflowId, handle.firstExecutionRunId);
    const streamingCpu = sampler.between(phases.streaming.startMs, phases.streaming.endMs);
    const workerNames = workers.map((_, i) => `worker ${i + 1}`);
    const streamingWorkerCpu = workerNames.reduce((sum, n) => sum + (streamingCpu.bySource[n] ?? 0), 0);
    const streamingMainCpu = workerNames.reduce(
      (sum, n) => sum + (streamingCpu.bySource[`${n} main thread`] ?? 0),
      0,
    );
    const peakRun = Math.max(...figures.map((f) => f.runPeakRssBytes));
    const peakStartup = Math.max(...figures.map((f) => f.startupPeakRssBytes));
    const plural = input.workers === 1 ? '' : 'es';
    const measurement: Measurement = {
      id: `snapseal-${input.workers}${input.workerNode ? `-node${input.workerNode.version}` : ''}`,
      label: `snapseal, ${input.workers} worker process${plural}${input.workerNode ? ` on Node.js ${input.workerNode.version}` : ''} (streaming phase)`,
      seconds: phases.streaming.seconds,
      bytes: phases.plan.totalBytes,
      peakRssBytes: Math.max(peakRun, peakStartup),
      cpuSeconds: streamingWorkerCpu,
      cpuNote:
        'worker processes (all threads) during the streaming phase, /proc/<pid>/stat sampled every 250 ms',
      loadAverage: streamingCpu.loadAverage,
      diskBytes: figures.reduce((sum, f) => sum + f.writeBytes, 0),
      diskNote: 'write_bytes of the worker processes during the run (/proc/<pid>/io)',
      stages: [
        ...(phases.snapshot
          ? [{ name: 'snapshot (takeSnapshot → last checkSnapshot)', seconds: phases.snapshot.seconds }]
          : []),
        {
          name: 'streaming (archiveVolume ×' + phases.plan.volumeCount + ')',
          seconds: phases.streaming.seconds,
          peakRssBytes: peakRun,
        },
        ...(phases.sealing ? [{ name: 'sealing', seconds: phases.sealing.seconds }] : []),
        ...(phases.cleanup ? [{ name: 'cleanup', seconds: phases.cleanup.seconds }] : []),
      ],
      notes: [
        `SNAPSEAL_MAX_VOLUME_MIB=${input.volumeMib}, SNAPSEAL_VOLUME_CONCURRENCY=${SNAPSEAL_VOLUME_CONCURRENCY}, other settings default; no witness, retention or time-stamp (BENCH_EVIDENCE_OPT_OUTS)`,
        `volumes streamed per worker: ${Object.values(phases.volumesByWorker).join(' + ')}`,
      ],
      extra: {
        endToEndSeconds,
        snapshotSeconds: phases.snapshot?.seconds ?? 0,
        workflowSeconds: phases.workflow.seconds,
        volumes: result.volumes,
        files: phases.plan.fileCount,
        plaintextBytes: result.plaintextBytes,
        ciphertextBytes: result.ciphertextBytes,
        runPeakRssBytes: peakRun,
        workerCpuSeconds: figures.reduce((sum, f) => sum + f.cpuSeconds, 0),
        streamingWorkerCpuSeconds: streamingWorkerCpu,
        streamingMainThreadCpuSeconds: streamingMainCpu,
        streamingMachineBusySeconds: streamingCpu.machineBusySeconds,
        streamingMachineTotalSeconds: streamingCpu.machineTotalSeconds,
        ...Object.fromEntries(
          ['MinIO', 'OpenSearch', 'Temporal'].map((n) => [
            `streamingCpu ${n}`,
            streamingCpu.bySource[n] ?? 0,
          ]),
        ),
        startupPeakRssBytes: peakStartup,
        peakRssReset: workers.every((w) => w.peakReset) ? 'yes' : 'no',
        workflowId: handle.workflowId,
      },
    };
    return { measurement, phases, result, workers: figures, archivePrefix, streamingCpu };
  } finally {
    sampler.stop();
    await connection.close();
    await stopWorkers(workers);
  }
}

/** The profiles `node --cpu-prof` wrote when the workers exited. */
export async function listCpuProfiles(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
}
