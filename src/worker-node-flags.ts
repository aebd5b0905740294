// How a worker process's Node is started: the V8 flags a worker needs that V8 takes only on the command line
// (neither NODE_OPTIONS nor v8.setFlagsFromString may set them: V8 must not see its collector change while a
// collection is under way). The image, the Kubernetes manifests, `npm run worker` and the bench start
// `node <WORKER_NODE_FLAGS> dist/worker.js`; a unit test keeps them in step with this list.

/**
 * `--single-threaded-gc`: every collection runs on the thread whose heap it is, none on V8's helper threads
 * (four per process). A worker runs as many volume streams as it has cores, so the helpers only take cores from
 * the streams. Measured at 1 GB with 2 streams in one worker on 2 cores: 15.7-16.3 → 11.1-11.3 CPU-s per GB,
 * 86-88 → 109-116 MB/s (bench/RESULTS.md has the run of record).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The flags of WORKER_NODE_FLAGS this process was started without. */
export function missingWorkerNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return WORKER_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}

/** What a streaming worker started without them logs (undefined when nothing is missing). */
export function workerNodeFlagsWarning(execArgv: readonly string[] = process.execArgv): string | undefined {
  const missing = missingWorkerNodeFlags(execArgv);
  if (missing.length === 0) return undefined;
  return (
    `this worker streams volumes but Node was started without ${missing.join(' ')}: V8's collector helper threads ` +
    `then compete with the volume streams for the cores (about 40% more CPU per GB in the bench). ` +
    `Start it as: node ${WORKER_NODE_FLAGS.join(' ')} dist/worker.js`
  );
}
