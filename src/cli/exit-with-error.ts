// Turns a failure into one clear message and an exit code; a stack trace only with SNAPSEAL_DEBUG=1.
import { ConfigError } from '../config';

export const ExitCode = { Failure: 1, Usage: 2, Config: 3, Verification: 4, Stale: 5 } as const;

/** Errors in what the user typed (as opposed to the environment or a run): exit code 2. */
const USAGE_ERRORS = new Set([
  'UsageError',
  'ArchiveDateError',
  'ScheduleInputError',
  'StatusInputError',
  'CommanderError',
  'RestoreInputError',
]);

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let message = err.message;
  // Temporal wraps the real reason (an activity's ApplicationFailure) in a chain of causes.
  let cause = (err as { cause?: unknown }).cause;
  while (cause instanceof Error) {
    if (cause.message && !message.includes(cause.message)) message += `\n  caused by: ${cause.message}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return message;
}

export function exitWithError(err: unknown): never {
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
