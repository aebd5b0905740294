// Runs GnuPG, sha256sum and tar the way the security team would by hand, in a throw-away GNUPGHOME.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GnuPG {
  home: string;
  gpg(args: string[]): Promise<{ stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function gnupg(importKeyFiles: string[]): Promise<GnuPG> {
  const home = await mkdtemp(join(tmpdir(), 'snapseal-gnupg-'));
  const gpg = (args: string[]) =>
    run(
      'gpg',
      [
        '--homedir',
        home,
        '--batch',
        '--yes',
        '--pinentry-mode',
        'loopback',
        '--trust-model',
        'always',
        ...args,
      ],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  for (const file of importKeyFiles) await gpg(['--import', file]);
  return {
    home,
    gpg,
    async close() {
      await run('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}

export async function sh(command: string, args: string[], cwd?: string): Promise<string> {
  return (await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
}
