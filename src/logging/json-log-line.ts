// One log event as one line of JSON: time, level, message, then the event's attributes (archive id, workflow,
// activity). Errors become their message; values that JSON cannot hold become strings.
import type { LogEntry } from '@temporalio/worker';

function plain(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}

export function jsonLogLine(entry: LogEntry): string {
  const { message, level, timestampNanos, meta } = entry;
  const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
  try {
    return JSON.stringify({ time, level, message, ...meta }, plain);
  } catch {
    // A circular attribute: keep the event, drop the attributes rather than lose the line.
    return JSON.stringify({ time, level, message, attributesDropped: true });
  }
}
