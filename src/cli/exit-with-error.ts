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
        : ExitCode.Failure;
  console.error(`snapseal: ${describe(err)}`);
  if (process.env.SNAPSEAL_DEBUG === '1' && err instanceof Error) console.error(err.stack);
  process.exit(code);
}
