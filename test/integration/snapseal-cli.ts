// Runs the built CLI (bin/snapseal.js --json) as a user runs it: its exit code, its one JSON value on stdout,
// and its stderr.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', 'bin', 'snapseal.js');

export function snapsealJson<T>(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ code: number; out: T; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('node', [bin, '--json', ...args], { env, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      try {
        resolve({ code, out: JSON.parse(stdout) as T, stderr });
      } catch {
        reject(new Error(`snapseal ${args.join(' ')} exited ${code} without JSON: ${stderr}`));
      }
    });
  });
}
