// An error in what the user typed (an argument, an option, a schedule): exit code 2, nothing was started.
export class UsageError extends Error {
  override name = 'UsageError';
}
