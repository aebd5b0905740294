import {
  assertDayEnded,
  dayEndsAt,
  DayNotEndedError,
  assertArchiveId,
  archiveIdFor,
  calendarDateIn,
  indicesForDate,
  firstRevisionOf,
  parseArchiveDate,
  revisionOf,
  supersedingArchiveId,
} from '../../../src/archive/archive-date';
import { archiveIdentity } from '../../../src/workflows/workflow-ids';

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

  it('ends a day at the next midnight of its time zone, 23 or 25 hours later across DST', () => {
    expect(dayEndsAt('2026-11-21', 'UTC').toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(dayEndsAt('2026-11-21', 'Europe/Berlin').toISOString()).toBe('2026-11-21T23:00:00.000Z');
    expect(dayEndsAt('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(dayEndsAt('2026-11-21', 'America/New_York').toISOString()).toBe('2026-11-22T05:00:00.000Z');
    // 29 March 2026: Berlin springs forward, the day ends at 22:00 UTC (it began at 23:00 UTC the day before).
    expect(dayEndsAt('2026-03-28', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayEndsAt('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(dayEndsAt('2026-10-25', 'Europe/Berlin').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(dayEndsAt('2026-12-31', 'Asia/Kolkata').toISOString()).toBe('2026-12-31T18:30:00.000Z');
  });

  it('refuses a day that has not ended plus the settle time, saying from when it can be archived', () => {
    const berlin = (now: string) => () => assertDayEnded('2026-12-05', 'Europe/Berlin', 60, new Date(now));
    expect(berlin('2026-12-05T12:00:00Z')).toThrow(DayNotEndedError);
    expect(berlin('2026-12-05T12:00:00Z')).toThrow(
      'The day 2026-12-05 has not ended in Europe/Berlin (SNAPSEAL_SCHEDULE_TIMEZONE) plus 60 minutes to settle (SNAPSEAL_DAY_SETTLE_MINUTES)',
    );
    expect(berlin('2026-12-05T23:59:59Z')).toThrow('It can be archived from 2026-12-06T00:00:00.000Z.');
    expect(berlin('2026-12-06T00:00:00Z')).not.toThrow();
    // A future day is refused the same way.
    expect(() => assertDayEnded('2027-01-01', 'UTC', 0, new Date('2026-12-05T12:00:00Z'))).toThrow(
      'It can be archived from 2027-01-02T00:00:00.000Z.',
    );
    expect(() => assertDayEnded('2026-12-04', 'UTC', 0, new Date('2026-12-05T00:00:00Z'))).not.toThrow();
    // An input error: the CLI exits with code 2.
    expect(new DayNotEndedError('x').name).toBe('ArchiveDateError');
  });

  it('gives one archive id per day and selection, whatever the order of the selection', () => {
    expect(archiveIdFor('2026-11-21', 'logdata-21112026')).toBe('2026-11-21_logdata-21112026');
    expect(archiveIdFor('2026-11-21', 'b,a')).toBe(archiveIdFor('2026-11-21', 'a, b'));
    expect(archiveIdFor('2026-11-21', 'b,a,b')).toBe('2026-11-21_a+b');
    expect(archiveIdFor('2026-11-21', 'logs-*')).toBe('2026-11-21_logs-~2a');
    expect(() => archiveIdFor('2026-11-21', ' , ')).toThrow('selection is empty');
  });

  it('never gives two different selections one archive id', () => {
    const selections = [
      'logs-*',
      'logs-_all_',
      'logs-~2a',
      'a+b',
      'a,b',
      'a b',
      'a_b',
      'a?b',
      'é',
      '~',
      'a,b,c',
      'a,b+c',
    ];
    const ids = selections.map((s) => archiveIdFor('2026-11-21', s));
    expect(new Set(ids).size).toBe(selections.length);
    for (const id of ids) expect(assertArchiveId(id)).toBe(id); // every id it makes passes the check
  });

  it('refuses archive ids that archiveIdFor could not have made', () => {
    for (const bad of [
      '',
      '../etc',
      '2026-11-21',
      '2026-11-21_a/../b',
      '2026-02-30_x',
      '2026-11-21_a b',
      'x_2026-11-21_a',
      `2026-11-21_${'a'.repeat(600)}`,
    ]) {
      expect(() => assertArchiveId(bad)).toThrow(/Invalid archive id|no such calendar day/);
    }
    expect(() => assertArchiveId('../../secret')).toThrow(
      'Invalid archive id "../../secret": expected <YYYY-MM-DD>_<indices> as `snapseal list` shows it',
    );
  });

  it('names a correction as the next revision of the archive it supersedes, unambiguously', () => {
    const id = archiveIdFor('2026-11-21', 'logs-21112026');
    expect(supersedingArchiveId(id)).toBe('2026-11-21_logs-21112026~r2');
    expect(supersedingArchiveId(`${id}~r2`)).toBe('2026-11-21_logs-21112026~r3');
    expect([revisionOf(id), revisionOf(`${id}~r12`), firstRevisionOf(`${id}~r12`)]).toEqual([1, 12, id]);
    expect(assertArchiveId(`${id}~r2`)).toBe(`${id}~r2`);
    expect(() => assertArchiveId(`${id}~r1`)).toThrow('revision ~r1 is written without a suffix');
    expect(() => assertArchiveId(`${id}~r0`)).toThrow('Invalid archive id');
    // An encoded character is "~" and two hex digits: no selection ends like a revision.
    expect(revisionOf(archiveIdFor('2026-11-21', 'logs-*'))).toBe(1);
  });

  it('gives a supersede the id and workflow id of the next revision, and refuses one of another day or without reason', () => {
    const supersede = { archiveId: '2026-11-21_logs-21112026', reason: 'late documents' };
    const identity = archiveIdentity('snapseal', { date: '2026-11-21', supersede }, 'logs-{DD}{MM}{YYYY}');
    expect(identity).toEqual({
      archiveId: '2026-11-21_logs-21112026~r2',
      indexPattern: 'logs-21112026',
      workflowId: 'snapseal/archive/2026-11-21_logs-21112026~r2',
    });
    expect(() =>
      archiveIdentity('snapseal', { date: '2026-11-22', supersede }, 'logs-{DD}{MM}{YYYY}'),
    ).toThrow(
      'names an archive of another day or index selection: this run archives 2026-11-22_logs-22112026',
    );
    expect(() =>
      archiveIdentity(
        'snapseal',
        { date: '2026-11-21', supersede: { ...supersede, reason: ' ' } },
        'logs-{DD}{MM}{YYYY}',
      ),
    ).toThrow('--reason must say why');
  });
});
