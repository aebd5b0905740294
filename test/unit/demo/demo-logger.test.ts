import type { LogEntry } from '@temporalio/worker';
import { demoLogger, demoLogLine } from '../../../src/demo/demo-logger';

function collect(): { lines: LogEntry[]; logger: ReturnType<typeof demoLogger> } {
  const lines: LogEntry[] = [];
  return { lines, logger: demoLogger((e) => lines.push(e)) };
}

describe('the demo worker logger', () => {
  it('drops the warnings a one-process demo worker always gets', () => {
    const { lines, logger } = collect();
    logger.warn('No workflows registered, not polling for workflow tasks');
    logger.warn(
      'this worker streams volumes and holds the signing key (roles stream and seal): run the seal role on its own worker so streaming workers hold public keys only',
    );
    expect(lines).toEqual([]);
  });

  it('keeps every other warning and error, and nothing below WARN', () => {
    const { lines, logger } = collect();
    logger.info('Worker state changed');
    logger.warn('Activity failed', { attempt: 2 });
    logger.error('No workflows registered, not polling for workflow tasks');
    expect(lines.map((e) => [e.level, e.message])).toEqual([
      ['WARN', 'Activity failed'],
      ['ERROR', 'No workflows registered, not polling for workflow tasks'],
    ]);
  });

  it('prints one indented line without terminal colour codes', () => {
    const line = demoLogLine({
      level: 'WARN',
      message: '\u001b[33mslow\u001b[0m',
      meta: { attempt: 2 },
      timestampNanos: 0n,
    });
    expect(line).toBe('    warning: slow { attempt: 2 }');
  });
});
