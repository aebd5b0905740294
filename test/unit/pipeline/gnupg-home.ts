// A throw-away GnuPG home for interoperability tests.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function withGnupg<T>(
  use: (gpg: (args: string[]) => Promise<{ stdout: string; stderr: string }>, dir: string) => Promise<T>,
): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), 'snapseal-gpg-'));
  const gpg = (args: string[]) =>
    run('gpg', ['--homedir', home, '--batch', '--yes', '--trust-model', 'always', ...args], {
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'buffer' as never,
    }) as unknown as Promise<{
      stdout: string;
      stderr: string;
    }>;
  try {
    return await use(gpg, home);
  } finally {
    await run('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}
