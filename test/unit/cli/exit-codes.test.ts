import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DayNotEndedError } from '../../../src/archive/archive-date';
import { ExitCode, exitCodeHelp, exitCodeTable } from '../../../src/cli/exit-codes';
import { exitCodeOf } from '../../../src/cli/exit-with-error';
import { ConfigError } from '../../../src/config';

/** The rows of the README's "Exit codes" table: | code | meaning |. */
function readmeExitCodes(): { code: number; meaning: string }[] {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^#+ Exit codes$/m)[1];
  if (section === undefined) throw new Error('README.md has no "Exit codes" heading');
  const rows = section
    .split('\n')
    .filter((l) => /^\|\s*\d+\s*\|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
  return rows.map(([, code, meaning]) => ({ code: Number(code), meaning: meaning ?? '' }));
}

describe('exit codes', () => {
  it('are listed in the README exactly as the CLI defines them', () => {
    expect(readmeExitCodes()).toEqual(exitCodeTable());
  });

  it('include verification failed as 4, stale as 5 and unhealthy as 6, one meaning per code', () => {
    expect(ExitCode.Verification).toBe(4);
    expect(ExitCode.Stale).toBe(5);
    expect(ExitCode.Unhealthy).toBe(6);
    const codes = exitCodeTable().map((r) => r.code);
    expect(codes).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ExitCode.LateStamp).toBe(7);
    expect(exitCodeTable().find((r) => r.code === 4)?.meaning).toMatch(/^verification failed/);
  });

  it('are printed by --help, one line a code', () => {
    const help = exitCodeHelp();
    for (const { code, meaning } of exitCodeTable()) expect(help).toContain(`  ${code}  ${meaning}`);
  });

  it('are chosen by what failed: input, configuration (S3 credentials and buckets too) or anything else', () => {
    const s3Error = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(exitCodeOf(new DayNotEndedError('not yet'))).toBe(ExitCode.Usage);
    expect(exitCodeOf(new ConfigError('bad'))).toBe(ExitCode.Config);
    expect(exitCodeOf(new Error('listing', { cause: s3Error('NoSuchBucket', 404) }))).toBe(ExitCode.Config);
    expect(
      exitCodeOf(
        Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
      ),
    ).toBe(ExitCode.Config);
    expect(exitCodeOf(s3Error('InternalError', 500))).toBe(ExitCode.Failure);
  });
});
