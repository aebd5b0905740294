// Turns a failure into one clear message and an exit code; a stack trace only with SNAPSEAL_DEBUG=1.
import { ConfigError } from '../config';

export const ExitCode = { Failure: 1, Usage: 2, Config: 3 } as const;

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
  const isConfig = err instanceof ConfigError || (err instanceof Error && err.name === 'KeyError');
  console.error(`snapseal: ${describe(err)}`);
  if (process.env.SNAPSEAL_DEBUG === '1' && err instanceof Error) console.error(err.stack);
  process.exit(isConfig ? ExitCode.Config : ExitCode.Failure);
}
