// Missed days of the chain: calendar days between the first and the newest archive with no archive.
import { missingDays } from '../../../src/cli/status-command';

describe('missingDays', () => {
  it('lists the days between the first and the newest archive that have none, across a month end', () => {
    expect(missingDays(['2026-11-29', '2026-12-02', '2026-11-30', '2026-11-30'])).toEqual(['2026-12-01']);
  });
  it('is empty for a gap-free chain, a single archive and no archive', () => {
    expect(missingDays(['2026-02-27', '2026-02-28', '2026-03-01'])).toEqual([]);
    expect(missingDays(['2026-11-21'])).toEqual([]);
    expect(missingDays([])).toEqual([]);
  });
  it('ignores unknown dates (a manifest that could not be read)', () => {
    expect(missingDays(['2026-11-01', '?', '2026-11-03'])).toEqual(['2026-11-02']);
  });
});
