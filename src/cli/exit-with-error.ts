// Turns a failure into one clear message and an exit code (src/cli/exit-codes.ts); a stack trace only with
// SNAPSEAL_DEBUG=1.
import { CommanderError } from 'commander';
import { ConfigError } from '../config';
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

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let message = err.message;
  // Temporal wraps the real reason (an activity's ApplicationFailure) in a chain of causes.
  let cause = err.cause;
  while (cause instanceof Error) {
    if (cause.message && !message.includes(cause.message)) message += `\n  caused by: ${cause.message}`;
    cause = cause.cause;
  }
  return message;
}

export function exitWithError(err: unknown): never {
  // Commander has printed its own message (or the help, or the version) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.Success : ExitCode.Usage);
  const name = err instanceof Error ? err.name : '';
  const code =
    err instanceof ConfigError || name === 'KeyError'
      ? ExitCode.Config
      : USAGE_ERRORS.has(name)
        ? ExitCode.Usage
        : failedVerification(err)
          ? ExitCode.Verification
          : ExitCode.Failure;
  console.error(`snapseal: ${describe(err)}`);
  if (process.env.SNAPSEAL_DEBUG === '1' && err instanceof Error) console.error(err.stack);
  process.exit(code);
}
