// Replay workers run workflows in the calling thread unless told otherwise (the SDK's debugMode default for
// replay). There, the workflow sandbox installs V8 promise hooks for the whole test process, and on Node.js 24
// they throw on promises of later test files ("reading 'constructor'"). In a worker thread, as a real worker
// runs them, they stay in that thread.
import type { ReplayWorkerOptions } from '@temporalio/worker';

export function inWorkerThread(options: ReplayWorkerOptions): ReplayWorkerOptions {
  // debugMode is not part of the replay options' type, but the replay worker takes it (it defaults to true).
  return { ...options, debugMode: false } as ReplayWorkerOptions;
}
