import {
  archiveIdFor,
  calendarDateIn,
  indicesForDate,
  parseArchiveDate,
} from '../../../src/archive/archive-date';

describe('archive dates', () => {
  it('fills the index template', () => {
    expect(indicesForDate('logdata-{DD}{MM}{YYYY}', '2026-11-21')).toBe('logdata-21112026');
    expect(indicesForDate('logs-{YYYY}.{MM}.{DD}', '2026-01-05')).toBe('logs-2026.01.05');
  });

  it('rejects dates that are not calendar days', () => {
    expect(() => parseArchiveDate('2026-02-30')).toThrow('no such calendar day');
    expect(() => parseArchiveDate('21.11.2026')).toThrow('expected YYYY-MM-DD');
  });

  it('reckons yesterday in the schedule time zone', () => {
    const instant = new Date('2026-11-22T00:30:00Z');
    expect(calendarDateIn(instant, 'UTC', 1)).toBe('2026-11-21');
    // Still the 21st in New York: yesterday there is the 20th.
    expect(calendarDateIn(instant, 'America/New_York', 1)).toBe('2026-11-20');
    expect(calendarDateIn(new Date('2026-03-01T12:00:00Z'), 'UTC', 1)).toBe('2026-02-28');
  });

  it('gives one archive id per day and selection, whatever the order of the selection', () => {
    expect(archiveIdFor('2026-11-21', 'logdata-21112026')).toBe('2026-11-21_logdata-21112026');
    expect(archiveIdFor('2026-11-21', 'b,a')).toBe(archiveIdFor('2026-11-21', 'a, b'));
    expect(archiveIdFor('2026-11-21', 'logs-*')).toBe('2026-11-21_logs-_all_');
    expect(() => archiveIdFor('2026-11-21', ' , ')).toThrow('selection is empty');
  });
});
