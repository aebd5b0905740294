// The tests' time-stamp authority: the local stack's own (src/demo/local-tsa.ts), with throw-away certificates
// in a directory of its own, on a free loopback port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTsaFiles, startLocalTsa, type LocalTsa } from '../../src/demo/local-tsa';

export interface TestTsa extends LocalTsa {
  dir: string;
}

export async function startTestTsa(): Promise<TestTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'snapseal-tsa-'));
  await makeTsaFiles(dir, 2);
  const tsa = await startLocalTsa(dir);
  return {
    ...tsa,
    dir,
    async close() {
      await tsa.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
