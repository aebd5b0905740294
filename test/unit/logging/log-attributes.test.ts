// Log lines are single JSON objects and name the archive: from the workflow id, or from activity arguments.
import { loadConfig } from '../../../src/config';
import { archiveIdOfActivity } from '../../../src/logging/archive-id-of-activity';
import { archiveIdOfWorkflowId } from '../../../src/logging/archive-id-of-workflow-id';
import { jsonLogLine } from '../../../src/logging/json-log-line';

describe('log attributes', () => {
  it('writes one JSON line: time, level, message first; errors and bigints as text', () => {
    const line = jsonLogLine({
      level: 'WARN',
      message: 'Volume retried',
      timestampNanos: 1_764_633_600_000_000_000n,
      meta: { archiveId: 'a', error: new TypeError('boom'), bytes: 5n },
    });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2025-12-02T00:00:00.000Z',
      level: 'WARN',
      message: 'Volume retried',
      archiveId: 'a',
      error: 'TypeError: boom',
      bytes: '5',
    });
  });

  it('reads the archive id from workflow ids that name one', () => {
    expect(archiveIdOfWorkflowId('q/archive/2026-11-21_logdata-21112026')).toBe(
      '2026-11-21_logdata-21112026',
    );
    expect(archiveIdOfWorkflowId('q/verify/2026-11-21_x/1764')).toBe('2026-11-21_x');
    expect(archiveIdOfWorkflowId('q/restore/2026-11-21_x/restored-')).toBe('2026-11-21_x');
    expect(archiveIdOfWorkflowId('q/archive/2026-11-21')).toBeUndefined();
    expect(archiveIdOfWorkflowId('snapseal-daily-run')).toBeUndefined();
  });

  it('reads the archive id from activity arguments, prepareArchive from the template', () => {
    const config = loadConfig({ SNAPSEAL_INDEX_TEMPLATE: 'logs-{YYYY}{MM}{DD}' });
    expect(archiveIdOfActivity('prepareArchive', [{ date: '2026-11-21' }, 'tag'], config)).toBe(
      '2026-11-21_logs-20261121',
    );
    expect(archiveIdOfActivity('prepareArchive', [{ date: '2026-02-30' }, 'tag'], config)).toBeUndefined();
    expect(archiveIdOfActivity('archiveVolume', [{ archiveId: 'A' }, 'digest', 1], config)).toBe('A');
    expect(archiveIdOfActivity('sealArchive', [{ target: { archiveId: 'B' } }], config)).toBe('B');
    expect(archiveIdOfActivity('verifyVolume', ['C', 2], config)).toBe('C');
    expect(archiveIdOfActivity('latestArchiveId', [], config)).toBeUndefined();
  });
});
