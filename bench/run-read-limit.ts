// The read limit: the staging snapshot downloaded and discarded as fast as this machine allows, by a Node
// process with parallel GetObject requests (as snapseal reads). The upper bound of any staging → archive tool.
import { join } from 'node:path';
import type { BenchSnapshot } from './bench-snapshot';
import type { Measurement } from './bench-types';
import { runMeasured } from './measure-process';

export async function runReadLimit(
  snapshot: BenchSnapshot,
  settingsFile: string,
  scratchDir: string,
  concurrency: number,
): Promise<Measurement> {
  const run = await runMeasured(
    'read limit',
    process.execPath,
    [join(__dirname, 'read-staging.js'), snapshot.bucket, snapshot.prefix, String(concurrency)],
    { scratchDir, env: { ...process.env, SNAPSEAL_ENV_FILE: settingsFile } },
  );
  return {
    id: 'read-limit',
    label: `read limit (GetObject ×${concurrency} → /dev/null)`,
    seconds: run.seconds,
    bytes: snapshot.bytes,
    peakRssBytes: run.peakRssBytes,
    cpuSeconds: run.cpuSeconds,
    cpuNote: 'GNU time %U + %S',
    diskBytes: 0,
    diskNote: 'nothing written',
    notes: [`Node process, ${concurrency} objects fetched at once, bytes discarded`],
  };
}
