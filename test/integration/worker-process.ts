// A real worker process (node dist/worker.js) for observability tests: its output kept line by line, a free
// port pair for its metrics, and a stop that waits for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { WORKER_NODE_FLAGS } from '../../src/worker-node-flags';

const root = join(__dirname, '..', '..');

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port p with p and p + 1 free (the worker serves /metrics on p, the Temporal SDK exporter on p + 1). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000) * 2;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the worker says it polls its task queue. */
  ready: Promise<void>;
  stop(): Promise<number | null>;
}

export function startWorkerProcess(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn('node', [...WORKER_NODE_FLAGS, join(root, 'dist', 'worker.js')], { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('polling task queue')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${err}`)));
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
