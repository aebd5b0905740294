// The logger of the demo's in-process worker: warnings and errors only (INFO lines would bury the progress
// display), less the warnings that are right for a production worker and mean nothing in the demo, where one
// process runs every role on purpose.
import { format, stripVTControlCharacters } from 'node:util';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/** Expected in the demo: its worker runs every role in one process. */
export const DEMO_EXPECTED_WARNINGS: readonly RegExp[] = [
  // The SDK, for each role's Worker that runs activities only (stream, seal).
  /^No workflows registered, not polling for workflow tasks$/,
  // snapseal's advice to split the roles (src/keys/load-archive-keys.ts).
  /^this worker streams volumes and holds the signing key/,
];

export function demoLogger(write: (entry: LogEntry) => void = defaultWrite): DefaultLogger {
  return new DefaultLogger('WARN', (entry) => {
    if (entry.level === 'WARN' && DEMO_EXPECTED_WARNINGS.some((p) => p.test(entry.message))) return;
    write(entry);
  });
}

const LEVEL_PREFIX: Record<LogLevel, string> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warning',
  ERROR: 'error',
};

/** One indented line under the demo's current step, without terminal colour codes. */
export function demoLogLine(entry: LogEntry): string {
  const meta = entry.meta === undefined ? '' : ` ${format(entry.meta)}`;
  return stripVTControlCharacters(`    ${LEVEL_PREFIX[entry.level]}: ${entry.message}${meta}`);
}

function defaultWrite(entry: LogEntry): void {
  process.stderr.write(`${demoLogLine(entry)}\n`);
}
