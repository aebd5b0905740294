// Turns a failure into one clear message and an exit code (src/cli/exit-codes.ts): plain text on stderr, or
// with --json one JSON value on stdout (and the text on stderr); a stack trace only with SNAPSEAL_DEBUG=1.
import { CommanderError } from 'commander';
import { ConfigError } from '../config';
import { describeS3Failure, findS3Error, s3ProblemExitsAsConfig } from '../s3/s3-errors';
import { ExitCode } from './exit-codes';

/** Errors in what the user typed (as opposed to the environment or a run): exit code 2. */
const USAGE_ERRORS = new Set([
  'UsageError',
  'ArchiveDateError',
  'ScheduleInputError',
  'StatusInputError',
  'RestoreInputError',
]);

/** A run's failure of these types means the archive or its staged copy failed a check: exit code 4. */
const VERIFICATION_FAILURES = new Set(['ArchiveTampered']);

/** Whether a failure type down Temporal's cause chain says tampering. */
function failedVerification(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (VERIFICATION_FAILURES.has((e as { type?: string }).type ?? '')) return true;
  }
  return false;
}

/** Problems of configuration or keys: exit code 3. */
const CONFIG_ERRORS = new Set(['KeyError', 'S3SettingError']);

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // A failed S3 request says which request, which bucket and key, the setting naming the bucket, what to do.
  const s3Failure = describeS3Failure(err);
  if (s3Failure && findS3Error(err) === err) return s3Failure;
  let message = err.message;
  // Temporal wraps the real reason (an activity's ApplicationFailure) in a chain of causes.
  let cause = err.cause;
  while (cause instanceof Error) {
    if (cause.message && !message.includes(cause.message)) message += `\n  caused by: ${cause.message}`;
    cause = cause.cause;
  }
  return s3Failure && !message.includes(s3Failure) ? `${message}\n  ${s3Failure}` : message;
}

export function exitCodeOf(err: unknown): number {
  const name = err instanceof Error ? err.name : '';
  if (err instanceof ConfigError || CONFIG_ERRORS.has(name) || s3ProblemExitsAsConfig(err))
    return ExitCode.Config;
  if (USAGE_ERRORS.has(name)) return ExitCode.Usage;
  if (failedVerification(err)) return ExitCode.Verification;
  return ExitCode.Failure;
}

export function exitWithError(err: unknown, globals: { json?: boolean } = {}): never {
  // Commander has printed its own message (or the help, or the version) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.Success : ExitCode.Usage);
  const code = exitCodeOf(err);
  const message = describe(err);
  if (globals.json) {
    const name = err instanceof Error ? err.name : 'Error';
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { name, message, exitCode: code } }, null, 2)}\n`,
    );
  }
  console.error(`snapseal: ${message}`);
  if (process.env.SNAPSEAL_DEBUG === '1' && err instanceof Error) console.error(err.stack);
  process.exit(code);
}
