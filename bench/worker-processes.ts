// snapseal worker processes (`node dist/worker.js`) started by the bench: wait until they poll, read their peak
// RSS and disk writes from /proc while they run, stop them with SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './bench-environment';
import { procCpuSeconds, procStatusBytes, procWriteBytes, resetPeakRss } from './measure-process';
import { WORKER_NODE_FLAGS } from '../src/worker-node-flags';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Wall-clock time of the spawn (aligns a CPU profile's samples with the workflow history). */
  spawnedAtMs: number;
  /** VmHWM once the worker polls: start-up (loading keys, bundling the workflow code). */
  startupPeakRssBytes: number;
  /** Whether the peak was reset after start-up, so the run's peak is measured on its own. */
  peakReset: boolean;
  writeBytesAtStart: number;
  cpuSecondsAtStart: number;
}

export interface WorkerFigures {
  pid: number;
  spawnedAtMs: number;
  startupPeakRssBytes: number;
  runPeakRssBytes: number;
  writeBytes: number;
  /** CPU seconds used between start-up and the end of the run. */
  cpuSeconds: number;
}

const READY_LINE = 'snapseal worker polling task queue';
const WORKER_SCRIPT = join(REPO_ROOT, 'dist', 'worker.js');

async function waitUntilPolling(child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (log.includes(READY_LINE)) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The snapseal worker (pid ${child.pid}) exited during start-up:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `The snapseal worker (pid ${child.pid}) did not start polling within ${timeoutMs / 1000} s (log: ${logFile})`,
  );
}

export async function startWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
  logPrefix: string,
  nodeArgs: string[] = [],
  nodePath: string = process.execPath,
): Promise<WorkerProcess[]> {
  if (!existsSync(WORKER_SCRIPT)) {
    throw new Error(`${WORKER_SCRIPT} is missing: run 'npm run build' first (npm run bench does)`);
  }
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const logFile = `${logPrefix}worker-${i + 1}.log`;
      const fd = openSync(logFile, 'a');
      const spawnedAtMs = Date.now();
      const child = spawn(nodePath, [...WORKER_NODE_FLAGS, ...nodeArgs, WORKER_SCRIPT], {
        env,
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      workers.push({
        child,
        pid: child.pid ?? -1,
        logFile,
        spawnedAtMs,
        startupPeakRssBytes: 0,
        peakReset: false,
        writeBytesAtStart: 0,
        cpuSecondsAtStart: 0,
      });
    }
    for (const w of workers) {
      await waitUntilPolling(w.child, w.logFile, 180_000);
      w.startupPeakRssBytes = procStatusBytes(w.pid, 'VmHWM');
      w.peakReset = resetPeakRss(w.pid);
      w.writeBytesAtStart = procWriteBytes(w.pid);
      w.cpuSecondsAtStart = procCpuSeconds(w.pid);
    }
    return workers;
  } catch (err) {
    await stopWorkers(workers);
    throw err;
  }
}

/** Peak RSS and disk writes of each worker, read while it still runs. */
export function readWorkerFigures(workers: WorkerProcess[]): WorkerFigures[] {
  return workers.map((w) => {
    const runPeak = procStatusBytes(w.pid, 'VmHWM');
    return {
      pid: w.pid,
      spawnedAtMs: w.spawnedAtMs,
      startupPeakRssBytes: w.startupPeakRssBytes,
      // Without the reset, VmHWM still includes start-up: the larger of the two is all we know.
      runPeakRssBytes: runPeak,
      writeBytes: procWriteBytes(w.pid) - w.writeBytesAtStart,
      cpuSeconds: procCpuSeconds(w.pid) - w.cpuSecondsAtStart,
    };
  });
}

export async function stopWorkers(workers: WorkerProcess[], graceMs = 60_000): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          const kill = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
          w.child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          w.child.kill('SIGTERM');
        }),
    ),
  );
}

/** The version a node binary reports ("24.19.0"); a clear error when it cannot run. */
export function nodeVersionOf(path: string): string {
  const out = spawnSync(path, ['--version'], { encoding: 'utf8' });
  const version = out.status === 0 ? out.stdout.trim().replace(/^v/, '') : '';
  if (!/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(
      `--worker-node ${path}: not a runnable node binary (${out.error?.message ?? out.stderr.trim()})`,
    );
  }
  return version;
}
